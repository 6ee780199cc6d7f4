/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small ring of the last N things a CPU made, oldest first, for the
 * per-CPU candidate lists of flow eviction and listener recycling. Only
 * the indices are kept here; each user keeps its own array of N keys.
 * Used with bottom halves off. Each ring has its own lock, which only its
 * CPU takes unless that CPU's ring is empty and another's is looked at:
 * a CPU that creates nothing (everything it sees is refused for want of
 * room) must still find candidates.
 */
#ifndef _TCPSTATE_RING_H
#define _TCPSTATE_RING_H

#include <linux/spinlock.h>

struct tcpstate_ring {
	spinlock_t lock;		/* its CPU, or one with nothing left */
	unsigned int next;	/* the slot of the next push */
	unsigned int count;	/* slots held, the oldest at next - count */
};

/* The slot to write a new entry to; the oldest falls off when full. */
static inline unsigned int tcpstate_ring_push(struct tcpstate_ring *r,
					      unsigned int slots)
{
	unsigned int slot = r->next;

	r->next = (r->next + 1) % slots;
	if (r->count < slots)
		r->count++;
	return slot;
}

/* The slot of the oldest entry, taken off; false when empty. */
static inline bool tcpstate_ring_pop(struct tcpstate_ring *r,
				     unsigned int slots, unsigned int *slot)
{
	if (!r->count)
		return false;
	*slot = (r->next + slots - r->count) % slots;
	r->count--;
	return true;
}

#endif /* _TCPSTATE_RING_H */
