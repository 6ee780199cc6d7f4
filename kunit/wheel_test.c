// SPDX-License-Identifier: GPL-2.0
/* KUnit: the collector's wheel of seconds runs each entry in its second. */

#include <kunit/test.h>
#include <linux/prandom.h>
#include "wheel.h"

struct wt_entry {
	struct hlist_node node;
	u64 due;	/* the second it falls due in */
	u64 ran;	/* the second it was run in, 0 before */
	u32 looks;	/* times it came up */
};

#define WT_ENTRIES	2000

/* Run what came up onto @due: an entry due by @now runs, another waits. */
static void wt_run(struct kunit *test, struct tcpstate_wheel *w,
		   struct hlist_head *due, u64 now)
{
	struct hlist_node *n, *tmp;

	hlist_for_each_safe(n, tmp, due) {
		struct wt_entry *e = hlist_entry(n, struct wt_entry, node);

		hlist_del_init(n);
		e->looks++;
		KUNIT_EXPECT_EQ(test, e->ran, 0ULL);
		if (e->due <= now)
			e->ran = now;
		else
			tcpstate_wheel_file(w, n, e->due);
	}
}

/*
 * Tick the clock to @now and run what came up each second, as the
 * collector does: an entry due by now is run, another filed again by its
 * deadline.
 */
static void wt_advance(struct kunit *test, struct tcpstate_wheel *w, u64 now)
{
	struct hlist_head due[TCPSTATE_WHEEL_LEVELS] = {};
	int level;

	while (tcpstate_wheel_tick(w, now, due))
		for (level = 0; level < TCPSTATE_WHEEL_LEVELS; level++)
			wt_run(test, w, &due[level], now);
}

/*
 * Deadlines from the next second to 10 days ahead, the clock moved in
 * steps of 1 s to 5 min: each entry runs at the first step that reaches
 * its second, and is looked at a handful of times, not once a second.
 */
static void wheel_runs_on_time(struct kunit *test)
{
	struct wt_entry *e = kunit_kcalloc(test, WT_ENTRIES, sizeof(*e),
					   GFP_KERNEL);
	struct tcpstate_wheel *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	struct rnd_state rng;
	const u64 start = 1000003;
	u64 now = start, prev;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, e);
	KUNIT_ASSERT_NOT_NULL(test, w);
	prandom_seed_state(&rng, 42);
	tcpstate_wheel_init(w, now);
	for (i = 0; i < WT_ENTRIES; i++) {
		u32 ahead = i < WT_ENTRIES / 2 ?
			    prandom_u32_state(&rng) % 300 :
			    prandom_u32_state(&rng) % 864000;

		e[i].due = now + ahead;	/* 0 ahead: due now, runs next second */
		tcpstate_wheel_file(w, &e[i].node, e[i].due);
	}
	while (now < start + 864000 + 2) {
		prev = now;
		now += 1 + (prandom_u32_state(&rng) % 4 ? 0 :
			    prandom_u32_state(&rng) % 300);
		wt_advance(test, w, now);
		for (i = 0; i < WT_ENTRIES; i++)
			if (e[i].ran == now)	/* not due at the last step */
				KUNIT_EXPECT_TRUE(test, e[i].due > prev ||
						  prev == start);
	}
	for (i = 0; i < WT_ENTRIES; i++) {
		KUNIT_EXPECT_NE(test, e[i].ran, 0ULL);
		KUNIT_EXPECT_GE(test, e[i].ran, max(e[i].due, start + 1));
		/* one look per level, and one per 3 days beyond the last */
		KUNIT_EXPECT_LE(test, e[i].looks, 3 + DIV_ROUND_UP(10, 3));
	}
}

static unsigned int wt_count(const struct hlist_head *due)
{
	const struct hlist_node *n;
	unsigned int count = 0;
	int level;

	for (level = 0; level < TCPSTATE_WHEEL_LEVELS; level++)
		for (n = due[level].first; n; n = n->next)
			count++;
	return count;
}

/*
 * A clock that does not move runs nothing; a second's tick hands over
 * whole slots; an entry beyond the last level comes up at the start of
 * the last level's last slot.
 */
static void wheel_clock_jumps(struct kunit *test)
{
	struct tcpstate_wheel *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	struct hlist_head due[TCPSTATE_WHEEL_LEVELS] = {};
	struct wt_entry a = {}, b = {}, c[3] = {};
	u64 t;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, w);
	tcpstate_wheel_init(w, 500);
	a.due = 400;		/* already past: the next second */
	b.due = 500 + 4096 * 64 * 2;	/* beyond the last level */
	tcpstate_wheel_file(w, &a.node, a.due);
	tcpstate_wheel_file(w, &b.node, b.due);
	for (i = 0; i < 3; i++)
		tcpstate_wheel_file(w, &c[i].node, 510);
	KUNIT_EXPECT_FALSE(test, tcpstate_wheel_tick(w, 500, due));
	KUNIT_EXPECT_FALSE(test, tcpstate_wheel_tick(w, 499, due));
	KUNIT_EXPECT_TRUE(test, tcpstate_wheel_tick(w, 501, due));
	KUNIT_EXPECT_EQ(test, wt_count(due), 1U);
	KUNIT_EXPECT_PTR_EQ(test, due[0].first, &a.node);
	hlist_del_init(&a.node);
	KUNIT_EXPECT_FALSE(test, tcpstate_wheel_tick(w, 501, due));
	for (t = 502; t <= 510; t++)
		KUNIT_EXPECT_TRUE(test, tcpstate_wheel_tick(w, 510, due));
	KUNIT_EXPECT_EQ(test, wt_count(due), 3U);	/* the slot, whole */
	for (i = 0; i < 3; i++)
		hlist_del_init(&c[i].node);
	while (tcpstate_wheel_tick(w, b.due, due) && !wt_count(due))
		;
	KUNIT_EXPECT_EQ(test, wt_count(due), 1U);
	KUNIT_EXPECT_PTR_EQ(test, due[TCPSTATE_WHEEL_LEVELS - 1].first,
			    &b.node);
	KUNIT_EXPECT_EQ(test, w->clock % (1 << (2 * TCPSTATE_WHEEL_BITS)), 0ULL);
	KUNIT_EXPECT_LT(test, w->clock, b.due);
}

static struct kunit_case wheel_cases[] = {
	KUNIT_CASE(wheel_runs_on_time),
	KUNIT_CASE(wheel_clock_jumps),
	{}
};

static struct kunit_suite wheel_suite = {
	.name = "tcpstate_wheel",
	.test_cases = wheel_cases,
};

kunit_test_suite(wheel_suite);
