// SPDX-License-Identifier: GPL-2.0
/* The collector's wheel of seconds (wheel.h). Callers hold w->lock. */

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

static unsigned int take(struct hlist_head *from, struct hlist_head *to)
{
	struct hlist_node *n, *tmp;
	unsigned int taken = 0;

	hlist_for_each_safe(n, tmp, from) {
		hlist_del(n);
		hlist_add_head(n, to);
		taken++;
	}
	return taken;
}

/*
 * Run the clock up to second @now: move the entries of every slot that
 * came up onto @due, and return how many. Entries on @due stay under
 * w->lock: whoever moves one elsewhere (hlist_del()) holds it.
 */
unsigned int tcpstate_wheel_advance(struct tcpstate_wheel *w, u64 now,
				    struct hlist_head *due)
{
	unsigned int level, shift, n = 0;
	u64 t;

	while (w->clock < now) {
		t = ++w->clock;
		for (level = 0; level < TCPSTATE_WHEEL_LEVELS; level++) {
			shift = level * TCPSTATE_WHEEL_BITS;
			if (t & ((1ULL << shift) - 1))
				break;
			n += take(&w->slot[level][(t >> shift) &
						  (TCPSTATE_WHEEL_SLOTS - 1)],
				  due);
		}
	}
	return n;
}
