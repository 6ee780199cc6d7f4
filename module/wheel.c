// SPDX-License-Identifier: GPL-2.0
/* The collector's wheel of seconds (wheel.h). Callers hold w->lock. */

#include <linux/bug.h>
#include "wheel.h"

void tcpstate_wheel_init(struct tcpstate_wheel *w, u64 now)
{
	int level, i;

	spin_lock_init(&w->lock);
	w->clock = now;
	for (level = 0; level < TCPSTATE_WHEEL_LEVELS; level++)
		for (i = 0; i < TCPSTATE_WHEEL_SLOTS; i++)
			INIT_HLIST_HEAD(&w->slot[level][i]);
}

/*
 * File @n to run in second @due (the next second if that has passed).
 * At a level whose slots are 2^s seconds wide, @due is 1 to 64 slots
 * ahead of the clock's slot: the one slot with its index that comes up
 * before the index wraps, at (due >> s) << s, after the clock and not
 * after @due.
 */
void tcpstate_wheel_file(struct tcpstate_wheel *w, struct hlist_node *n,
			 u64 due)
{
	unsigned int level, shift = 0;

	if (due <= w->clock)
		due = w->clock + 1;
	for (level = 0; level < TCPSTATE_WHEEL_LEVELS; level++) {
		shift = level * TCPSTATE_WHEEL_BITS;
		if ((due >> shift) - (w->clock >> shift) <= TCPSTATE_WHEEL_SLOTS)
			break;
	}
	if (level == TCPSTATE_WHEEL_LEVELS) {	/* beyond: the last slot */
		level--;
		due = ((w->clock >> shift) + TCPSTATE_WHEEL_SLOTS) << shift;
	}
	hlist_add_head(n, &w->slot[level][(due >> shift) &
					  (TCPSTATE_WHEEL_SLOTS - 1)]);
}

/*
 * Move the clock one second towards @now: the slots that come up in that
 * second, one per level at most, are moved onto @due[level] (each empty:
 * whatever came up before has been dealt with), whole, however long they
 * are. False if the clock already reached @now. Entries on @due stay
 * under w->lock: whoever moves one elsewhere (hlist_del()) holds it.
 */
bool tcpstate_wheel_tick(struct tcpstate_wheel *w, u64 now,
			 struct hlist_head due[TCPSTATE_WHEEL_LEVELS])
{
	unsigned int level, shift;
	u64 t;

	if (w->clock >= now)
		return false;
	t = ++w->clock;
	for (level = 0; level < TCPSTATE_WHEEL_LEVELS; level++) {
		shift = level * TCPSTATE_WHEEL_BITS;
		if (t & ((1ULL << shift) - 1))
			break;
		WARN_ON_ONCE(!hlist_empty(&due[level]));
		hlist_move_list(&w->slot[level][(t >> shift) &
						(TCPSTATE_WHEEL_SLOTS - 1)],
				&due[level]);
	}
	return true;
}
