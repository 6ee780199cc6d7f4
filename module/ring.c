// SPDX-License-Identifier: GPL-2.0
/* Per-CPU rings of candidate keys (ring.h), for eviction and recycling. */

#include <linux/string.h>
#include "ring.h"

/* @slots keys of @size bytes on every CPU; free_percpu() frees them. */
struct tcpstate_ring __percpu *tcpstate_ring_alloc(unsigned int slots,
						   size_t size)
{
	struct tcpstate_ring __percpu *rings;
	int cpu;

	rings = __alloc_percpu(sizeof(struct tcpstate_ring) + slots * size,
			       __alignof__(struct tcpstate_ring));
	if (!rings)
		return NULL;
	for_each_possible_cpu(cpu) {
		struct tcpstate_ring *r = per_cpu_ptr(rings, cpu);

		spin_lock_init(&r->lock);
		r->slots = slots;
		r->size = size;
	}
	return rings;
}

/* Remember @key on this CPU; the oldest falls off when the ring is full. */
void tcpstate_ring_push(struct tcpstate_ring __percpu *rings, const void *key)
{
	struct tcpstate_ring *r = this_cpu_ptr(rings);

	spin_lock(&r->lock);
	memcpy(r->keys + r->next * r->size, key, r->size);
	r->next = (r->next + 1) % r->slots;
	if (r->count < r->slots)
		r->count++;
	spin_unlock(&r->lock);
}

static bool pop_cpu(struct tcpstate_ring *r, void *key)
{
	bool found;

	spin_lock(&r->lock);
	found = r->count;
	if (found) {
		memcpy(key, r->keys +
		       (r->next + r->slots - r->count) % r->slots * r->size,
		       r->size);
		r->count--;
	}
	spin_unlock(&r->lock);
	return found;
}

/* Take the oldest key of this CPU's ring, or of another's if it is empty. */
bool tcpstate_ring_pop(struct tcpstate_ring __percpu *rings, void *key)
{
	int this = smp_processor_id(), cpu;

	if (pop_cpu(this_cpu_ptr(rings), key))
		return true;
	for_each_possible_cpu(cpu)
		if (cpu != this && pop_cpu(per_cpu_ptr(rings, cpu), key))
			return true;
	return false;
}
