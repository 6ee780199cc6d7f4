// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the hash table (module/hash.c): lookups, writers and
 * walkers at every step of a growth, run one step at a time.
 */

#include <kunit/test.h>
#include <linux/bottom_half.h>
#include <linux/rcupdate.h>
#include "hash.h"

struct ht_obj {
	u32 key[2];
	struct tcpstate_hnode node;
	bool in;
};

static bool ht_eq(const void *key, const struct tcpstate_hnode *n)
{
	const struct ht_obj *o = container_of(n, struct ht_obj, node);

	return !memcmp(key, o->key, sizeof(o->key));
}

static const struct tcpstate_hash_params ht_params = {
	.node_offset = offsetof(struct ht_obj, node),
	.key_offset = offsetof(struct ht_obj, key),
	.key_len = sizeof_field(struct ht_obj, key),
	.eq = ht_eq,
};

#define HT_OBJS	6000

struct ht_ctx {
	struct tcpstate_hash ht;
	struct ht_obj *obj;	/* HT_OBJS, key { i, ~i } */
};

static struct ht_ctx *ht_setup(struct kunit *test)
{
	struct ht_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->obj = kunit_kcalloc(test, HT_OBJS, sizeof(*c->obj), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->obj);
	for (i = 0; i < HT_OBJS; i++) {
		c->obj[i].key[0] = i;
		c->obj[i].key[1] = ~i;
	}
	KUNIT_ASSERT_EQ(test, tcpstate_hash_init(&c->ht, &ht_params, 1), 0);
	return c;
}

static void ht_nofree(void *obj, void *arg)
{
	(*(int *)arg)++;
}

static void ht_teardown(struct kunit *test, struct ht_ctx *c)
{
	int freed = 0, in = 0, i;

	for (i = 0; i < HT_OBJS; i++)
		in += c->obj[i].in;
	tcpstate_hash_destroy(&c->ht, ht_nofree, &freed);
	KUNIT_EXPECT_EQ(test, freed, in);
}

static struct ht_obj *ht_find(struct ht_ctx *c, int i)
{
	struct ht_obj *o;
	u32 key[2] = { i, ~i };

	rcu_read_lock();
	o = tcpstate_hash_lookup(&c->ht, key, tcpstate_hash_of(&c->ht, key),
				 &ht_params);
	rcu_read_unlock();
	return o;
}

/* As the packet path does it: under RCU, bottom halves off. */
static void *ht_insert(struct ht_ctx *c, struct ht_obj *o)
{
	void *old;

	rcu_read_lock();
	local_bh_disable();
	old = tcpstate_hash_insert(&c->ht, o, o->key,
				   tcpstate_hash_of(&c->ht, o->key));
	local_bh_enable();
	rcu_read_unlock();
	if (!old)
		o->in = true;
	return old;
}

static void ht_remove(struct ht_ctx *c, struct ht_obj *o)
{
	rcu_read_lock();
	local_bh_disable();
	tcpstate_hash_remove(&c->ht, o);
	local_bh_enable();
	rcu_read_unlock();
	o->in = false;
}

/* Every object in is found as itself, every other not at all. */
static void ht_check(struct kunit *test, struct ht_ctx *c, const char *when)
{
	int i, wrong = 0;

	for (i = 0; i < HT_OBJS; i++)
		if (ht_find(c, i) != (c->obj[i].in ? &c->obj[i] : NULL))
			wrong++;
	KUNIT_EXPECT_EQ_MSG(test, wrong, 0, "%s", when);
}

/* A walk from start to end sees each object in exactly once. */
static void ht_check_walk(struct kunit *test, struct ht_ctx *c)
{
	struct tcpstate_hash_iter it;
	struct ht_obj *o;
	int wrong = 0, i;
	u8 *seen = kunit_kzalloc(test, HT_OBJS, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, seen);
	tcpstate_hash_walk_enter(&c->ht, &it);
	KUNIT_EXPECT_EQ(test, tcpstate_hash_walk_start(&it), 0);
	while ((o = tcpstate_hash_walk_next(&it)))
		seen[o - c->obj]++;
	tcpstate_hash_walk_stop(&it);
	for (i = 0; i < HT_OBJS; i++)
		wrong += seen[i] != c->obj[i].in;
	KUNIT_EXPECT_EQ(test, wrong, 0);
}

/*
 * Insert, find and remove at every stage of a growth: none moved, half
 * the stripes moved, all moved, done. Objects whose stripe moved and
 * objects whose stripe did not are both touched at each stage.
 */
static void hash_grow_stepwise(struct kunit *test)
{
	struct ht_ctx *c = ht_setup(test);
	unsigned int s, buckets = tcpstate_hash_buckets(&c->ht);
	int i;

	KUNIT_EXPECT_EQ(test, buckets, TCPSTATE_HASH_MIN);
	for (i = 0; i < 4000; i++)
		KUNIT_ASSERT_NULL(test, ht_insert(c, &c->obj[i]));
	/* A second insert of a key gives the one that is in. */
	KUNIT_EXPECT_PTR_EQ(test, ht_insert(c, &c->obj[7]),
			    (void *)&c->obj[7]);
	ht_check(test, c, "before");

	KUNIT_ASSERT_EQ(test, tcpstate_hash_grow_begin(&c->ht, 8 * buckets), 0);
	ht_check(test, c, "begun");
	for (i = 4000; i < 4500; i++)
		KUNIT_ASSERT_NULL(test, ht_insert(c, &c->obj[i]));
	for (s = 0; s < TCPSTATE_HASH_STRIPES / 2; s++)
		tcpstate_hash_grow_stripe(&c->ht, s);
	ht_check(test, c, "half moved");
	for (i = 0; i < 4500; i += 3)
		ht_remove(c, &c->obj[i]);
	for (i = 4500; i < 5000; i++)
		KUNIT_ASSERT_NULL(test, ht_insert(c, &c->obj[i]));
	for (i = 1; i < 5000; i += 3)
		KUNIT_EXPECT_PTR_EQ(test, ht_insert(c, &c->obj[i]),
				    (void *)&c->obj[i]);
	ht_check(test, c, "half moved, changed");
	for (; s < TCPSTATE_HASH_STRIPES; s++)
		tcpstate_hash_grow_stripe(&c->ht, s);
	for (i = 1; i < 4500; i += 3)
		ht_remove(c, &c->obj[i]);
	for (i = 5000; i < 5500; i++)
		KUNIT_ASSERT_NULL(test, ht_insert(c, &c->obj[i]));
	ht_check(test, c, "all moved");
	tcpstate_hash_grow_end(&c->ht);
	KUNIT_EXPECT_EQ(test, tcpstate_hash_buckets(&c->ht), 8 * buckets);
	ht_check(test, c, "grown");
	for (i = 5500; i < HT_OBJS; i++)
		KUNIT_ASSERT_NULL(test, ht_insert(c, &c->obj[i]));
	for (i = 2; i < HT_OBJS; i += 3)
		ht_remove(c, &c->obj[i]);
	ht_check(test, c, "after");
	ht_check_walk(test, c);
	ht_teardown(test, c);
}

/* Growth waits for a load of 2, goes eightfold, stops at its cap. */
static void hash_grow_policy(struct kunit *test)
{
	struct ht_ctx *c = ht_setup(test);
	unsigned int b = TCPSTATE_HASH_MIN;

	/* The nearest power of two, at least TCPSTATE_HASH_MIN. */
	KUNIT_EXPECT_EQ(test, tcpstate_hash_size_for(0), TCPSTATE_HASH_MIN);
	KUNIT_EXPECT_EQ(test, tcpstate_hash_size_for(1000000), 1U << 20);
	KUNIT_EXPECT_EQ(test, tcpstate_hash_size_for(1U << 20), 1U << 20);
	KUNIT_EXPECT_EQ(test, tcpstate_hash_size_for(10000000), 1U << 23);
	KUNIT_EXPECT_EQ(test, tcpstate_hash_size_for(13000000), 1U << 24);
	KUNIT_EXPECT_EQ(test, tcpstate_hash_grow(&c->ht, 2 * b, 64 * b), 0);
	KUNIT_EXPECT_EQ(test, tcpstate_hash_buckets(&c->ht), b);
	KUNIT_EXPECT_EQ(test, tcpstate_hash_grow(&c->ht, 2 * b + 2, 64 * b),
			1);
	KUNIT_EXPECT_EQ(test, tcpstate_hash_buckets(&c->ht), 8 * b);
	/* Not beyond the cap, and not at all once there. */
	KUNIT_EXPECT_EQ(test, tcpstate_hash_grow(&c->ht, 64 * b, 16 * b), 1);
	KUNIT_EXPECT_EQ(test, tcpstate_hash_buckets(&c->ht), 16 * b);
	KUNIT_EXPECT_EQ(test, tcpstate_hash_grow(&c->ht, 1000 * b, 16 * b),
			0);
	ht_teardown(test, c);
}

/*
 * A walk stopped and started again goes on where it was: past an object
 * that left meanwhile without skipping the next; over objects added
 * meanwhile without seeing any old one twice; from the start, with
 * -EAGAIN, after a growth.
 */
static void hash_walk_resumes(struct kunit *test)
{
	struct ht_ctx *c = ht_setup(test);
	struct tcpstate_hash_iter it;
	struct ht_obj *o;
	int i, n = 0, wrong = 0;
	u8 *seen = kunit_kzalloc(test, HT_OBJS, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, seen);
	for (i = 0; i < 3000; i++)
		KUNIT_ASSERT_NULL(test, ht_insert(c, &c->obj[i]));
	/* As a dump does it: one object per call, the walk stopped between. */
	tcpstate_hash_walk_enter(&c->ht, &it);
	tcpstate_hash_walk_start(&it);
	for (o = tcpstate_hash_walk_peek(&it); o;
	     o = tcpstate_hash_walk_next(&it)) {
		seen[o - c->obj]++;
		tcpstate_hash_walk_stop(&it);
		if (++n % 2 && o - c->obj < 3000)
			ht_remove(c, o);	/* the current one leaves */
		if (n <= 1000)
			ht_insert(c, &c->obj[3000 + n]);
		KUNIT_ASSERT_EQ(test, tcpstate_hash_walk_start(&it), 0);
	}
	tcpstate_hash_walk_stop(&it);
	for (i = 0; i < 3000; i++)
		wrong += seen[i] != 1;
	KUNIT_EXPECT_EQ(test, wrong, 0);

	tcpstate_hash_walk_enter(&c->ht, &it);
	tcpstate_hash_walk_start(&it);
	KUNIT_EXPECT_NOT_NULL(test, tcpstate_hash_walk_next(&it));
	tcpstate_hash_walk_stop(&it);
	KUNIT_ASSERT_EQ(test, tcpstate_hash_grow(&c->ht, 1U << 20, 1U << 20),
			1);
	KUNIT_EXPECT_EQ(test, tcpstate_hash_walk_start(&it), -EAGAIN);
	tcpstate_hash_walk_stop(&it);
	ht_check(test, c, "grown");
	ht_check_walk(test, c);
	ht_teardown(test, c);
}

/*
 * An object the walk stopped at left and came back (its memory reused)
 * at the tail of its chain: the walk goes on with the one after its old
 * place, not after its new one.
 */
static void hash_walk_reused(struct kunit *test)
{
	struct ht_ctx *c = ht_setup(test);
	struct tcpstate_hash_iter it;
	struct ht_obj *o, *next;
	int i;

	for (i = 0; i < 3000; i++)
		KUNIT_ASSERT_NULL(test, ht_insert(c, &c->obj[i]));
	tcpstate_hash_walk_enter(&c->ht, &it);
	tcpstate_hash_walk_start(&it);
	while ((o = tcpstate_hash_walk_next(&it)))
		if (it.skip == 1 && rcu_access_pointer(o->node.next))
			break;
	KUNIT_ASSERT_NOT_NULL(test, o);
	next = container_of(rcu_dereference(o->node.next), struct ht_obj, node);
	tcpstate_hash_walk_stop(&it);
	ht_remove(c, o);
	KUNIT_ASSERT_NULL(test, ht_insert(c, o));
	KUNIT_ASSERT_EQ(test, tcpstate_hash_walk_start(&it), 0);
	KUNIT_EXPECT_PTR_EQ(test, tcpstate_hash_walk_next(&it), (void *)next);
	tcpstate_hash_walk_stop(&it);
	ht_teardown(test, c);
}

static struct kunit_case hash_cases[] = {
	KUNIT_CASE(hash_grow_stepwise),
	KUNIT_CASE(hash_grow_policy),
	KUNIT_CASE(hash_walk_resumes),
	KUNIT_CASE(hash_walk_reused),
	{}
};

static struct kunit_suite hash_suite = {
	.name = "tcpstate_hash",
	.test_cases = hash_cases,
};

kunit_test_suite(hash_suite);
