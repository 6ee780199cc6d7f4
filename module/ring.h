/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU rings of the last keys a CPU made, oldest first: the candidates
 * of flow eviction and of listener recycling. Used with bottom halves
 * off. Each ring has its own lock, which only its CPU takes unless that
 * CPU's ring is empty and another's is looked at: a CPU that creates
 * nothing (everything it sees is refused for want of room) must still
 * find candidates.
 */
#ifndef _TCPSTATE_RING_H
#define _TCPSTATE_RING_H

#include <linux/percpu.h>
#include <linux/spinlock.h>

struct tcpstate_ring {
	spinlock_t lock;	/* its CPU, or one with nothing left */
	u16 next;		/* the slot of the next push */
	u16 count;		/* slots held, the oldest at next - count */
	u16 slots;
	u16 size;		/* bytes of a key */
	u8 keys[] __aligned(8);
};

struct tcpstate_ring __percpu *tcpstate_ring_alloc(unsigned int slots,
						   size_t size);
void tcpstate_ring_push(struct tcpstate_ring __percpu *rings,
			const void *key);
bool tcpstate_ring_pop(struct tcpstate_ring __percpu *rings, void *key);

#endif /* _TCPSTATE_RING_H */
