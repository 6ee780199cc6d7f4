/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A hierarchical wheel of seconds, for ageing flows at the cost of what
 * falls due rather than of the whole table. Three levels of 64 slots: one
 * second, 64 s and 4096 s wide, 3 days in all; later deadlines wait in
 * the last slot and are filed again when it comes up. An entry is run at
 * the latest in the second its deadline falls in, never later; a slot of
 * an upper level comes up at its start, early, so its entries are looked
 * at again and filed lower (the caller decides what is due).
 */
#ifndef _TCPSTATE_WHEEL_H
#define _TCPSTATE_WHEEL_H

#include <linux/bits.h>
#include <linux/cache.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#define TCPSTATE_WHEEL_BITS	6
#define TCPSTATE_WHEEL_SLOTS	BIT(TCPSTATE_WHEEL_BITS)
#define TCPSTATE_WHEEL_LEVELS	3

struct tcpstate_wheel {
	spinlock_t lock;	/* the slots, and the entries' links */
	u64 clock;		/* every slot up to this second has run */
	struct hlist_head slot[TCPSTATE_WHEEL_LEVELS][TCPSTATE_WHEEL_SLOTS];
} ____cacheline_aligned_in_smp;

void tcpstate_wheel_init(struct tcpstate_wheel *w, u64 now);
void tcpstate_wheel_file(struct tcpstate_wheel *w, struct hlist_node *n,
			 u64 due);
bool tcpstate_wheel_tick(struct tcpstate_wheel *w, u64 now,
			 struct hlist_head due[TCPSTATE_WHEEL_LEVELS]);

#endif /* _TCPSTATE_WHEEL_H */
