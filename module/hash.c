// SPDX-License-Identifier: GPL-2.0
/* The hash table of flows and listeners: see hash.h. */

#include <kunit/visibility.h>
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/prefetch.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "hash.h"

static struct tcpstate_hnode *hnode(const struct tcpstate_hash *ht,
				    const void *obj)
{
	return (struct tcpstate_hnode *)((char *)obj + ht->p->node_offset);
}

static const void *hkey(const struct tcpstate_hash *ht,
			const struct tcpstate_hnode *n)
{
	return (char *)tcpstate_hash_obj(ht->p, n) + ht->p->key_offset;
}

static u32 obj_hash(const struct tcpstate_hash *ht,
		    const struct tcpstate_hnode *n)
{
	if (ht->p->obj_hash)
		return ht->p->obj_hash(n, ht->seed);
	return tcpstate_hash_of(ht, hkey(ht, n));
}

u32 tcpstate_hash_of(const struct tcpstate_hash *ht, const void *key)
{
	return jhash2(key, ht->p->key_len / sizeof(u32), ht->seed);
}

static struct tcpstate_htbl *tbl_alloc(unsigned int buckets)
{
	struct tcpstate_htbl *t;

	t = kvzalloc(struct_size(t, bucket, buckets), GFP_KERNEL);
	if (t)
		t->mask = buckets - 1;
	return t;
}

/*
 * Buckets for @nelems objects: the power of two nearest to it, a load
 * between 0.67 and 1.5 once they are in.
 */
unsigned int tcpstate_hash_size_for(unsigned long nelems)
{
	unsigned long p;

	nelems = clamp(nelems, (unsigned long)TCPSTATE_HASH_MIN,
		       (unsigned long)TCPSTATE_HASH_MAX);
	p = rounddown_pow_of_two(nelems);
	return nelems - p > p / 2 ? 2 * p : p;
}

int tcpstate_hash_init(struct tcpstate_hash *ht,
		       const struct tcpstate_hash_params *p,
		       unsigned int buckets)
{
	struct tcpstate_htbl *t;
	unsigned int i;

	buckets = roundup_pow_of_two(clamp_t(unsigned int, buckets,
					     TCPSTATE_HASH_MIN,
					     TCPSTATE_HASH_MAX));
	t = tbl_alloc(buckets);
	if (!t)
		return -ENOMEM;
	ht->locks = kvmalloc_array(TCPSTATE_HASH_STRIPES, sizeof(*ht->locks),
				   GFP_KERNEL);
	if (!ht->locks) {
		kvfree(t);
		return -ENOMEM;
	}
	for (i = 0; i < TCPSTATE_HASH_STRIPES; i++)
		spin_lock_init(&ht->locks[i]);
	RCU_INIT_POINTER(ht->tbl, t);
	RCU_INIT_POINTER(ht->future, NULL);
	ht->moved = 0;
	ht->gen = 0;
	ht->seed = get_random_u32();
	ht->p = p;
	init_rwsem(&ht->resizing);
	return 0;
}

/* Nobody else uses the table any more: free every object, then it. */
void tcpstate_hash_destroy(struct tcpstate_hash *ht,
			   void (*free_fn)(void *obj, void *arg), void *arg)
{
	struct tcpstate_htbl *t = rcu_dereference_protected(ht->tbl, 1);
	struct tcpstate_hnode *n, *next;
	unsigned int b;

	for (b = 0; b <= t->mask; b++) {
		for (n = rcu_dereference_protected(t->bucket[b], 1); n;
		     n = next) {
			next = rcu_dereference_protected(n->next, 1);
			free_fn(tcpstate_hash_obj(ht->p, n), arg);
		}
		if (!(b % 65536))
			cond_resched();
	}
	kvfree(t);
	kvfree(ht->locks);
}

static spinlock_t *stripe_lock(struct tcpstate_hash *ht, u32 hash)
{
	return &ht->locks[hash % TCPSTATE_HASH_STRIPES];
}

/*
 * The table that holds stripe @hash's chains, with the stripe locked and
 * under RCU: a growth that had not begun when this CPU looked waits for
 * it (synchronize_rcu()) before it moves anything.
 */
static struct tcpstate_htbl *locked_tbl(struct tcpstate_hash *ht, u32 hash)
{
	struct tcpstate_htbl *future = rcu_dereference(ht->future);

	smp_rmb();	/* future before moved and tbl, as grow() wrote them */
	if (future && hash % TCPSTATE_HASH_STRIPES < READ_ONCE(ht->moved))
		return future;
	return rcu_dereference(ht->tbl);
}

/*
 * Insert @obj, whose key is @key hashed to @hash, unless an object with
 * that key is in: then return that one (and leave @obj to the caller).
 * Under RCU. At the tail of its chain, so that a walker's place (a count
 * of objects before it) survives it.
 */
void *tcpstate_hash_insert(struct tcpstate_hash *ht, void *obj,
			   const void *key, u32 hash)
{
	struct tcpstate_hnode *n = hnode(ht, obj), *c;
	struct tcpstate_hnode __rcu **pp;
	spinlock_t *lock = stripe_lock(ht, hash);
	struct tcpstate_htbl *t;
	void *old = NULL;

	spin_lock(lock);
	t = locked_tbl(ht, hash);
	for (pp = &t->bucket[hash & t->mask];
	     (c = rcu_dereference_protected(*pp, lockdep_is_held(lock)));
	     pp = &c->next) {
		if (ht->p->eq(key, c)) {
			old = tcpstate_hash_obj(ht->p, c);
			break;
		}
	}
	if (!old) {
		RCU_INIT_POINTER(n->next, NULL);
		rcu_assign_pointer(*pp, n);
	}
	spin_unlock(lock);
	return old;
}

/*
 * Unlink @obj, which is in the table, under RCU. Readers on it go on
 * along its chain; it is freed after a grace period by the caller.
 */
void tcpstate_hash_remove(struct tcpstate_hash *ht, void *obj)
{
	struct tcpstate_hnode *n = hnode(ht, obj), *c;
	u32 hash = obj_hash(ht, n);
	spinlock_t *lock = stripe_lock(ht, hash);
	struct tcpstate_hnode __rcu **pp;
	struct tcpstate_htbl *t;

	spin_lock(lock);
	t = locked_tbl(ht, hash);
	for (pp = &t->bucket[hash & t->mask];
	     (c = rcu_dereference_protected(*pp, lockdep_is_held(lock)));
	     pp = &c->next)
		if (c == n)
			break;
	if (!WARN_ON_ONCE(!c)) {
		c = rcu_dereference_protected(n->next, lockdep_is_held(lock));
		rcu_assign_pointer(*pp, c);
	}
	spin_unlock(lock);
}

/* Start fetching the bucket of @obj, which a removal will walk. */
void tcpstate_hash_prefetch(struct tcpstate_hash *ht, const void *obj)
{
	u32 hash = obj_hash(ht, hnode(ht, obj));
	struct tcpstate_htbl *t = rcu_dereference(ht->tbl);

	prefetch(&t->bucket[hash & t->mask]);
}

unsigned int tcpstate_hash_buckets(struct tcpstate_hash *ht)
{
	unsigned int n;

	rcu_read_lock();
	n = rcu_dereference(ht->tbl)->mask + 1;
	rcu_read_unlock();
	return n;
}

/* Past a load of 2, and below @max_buckets: cheap enough for every insert. */
bool tcpstate_hash_wants_growth(struct tcpstate_hash *ht,
				unsigned int nelems, unsigned int max_buckets)
{
	unsigned int buckets = tcpstate_hash_buckets(ht);

	return nelems / 2 > buckets && buckets < max_buckets;
}

/*
 * Move the chain of @old's bucket @b into @new, tail first: an entry is
 * linked at the head of its new chain before its old one lets it go, so
 * that a reader of the old chain meets every entry still there (and then
 * perhaps a new chain, which it reads to its end harmlessly).
 */
static void move_chain(struct tcpstate_hash *ht, struct tcpstate_htbl *old,
		       unsigned int b, struct tcpstate_htbl *new)
{
	struct tcpstate_hnode __rcu **pp, **dst;
	struct tcpstate_hnode *n;

	for (;;) {
		pp = &old->bucket[b];
		n = rcu_dereference_protected(*pp, 1);
		if (!n)
			return;
		while (rcu_access_pointer(n->next)) {
			pp = &n->next;
			n = rcu_dereference_protected(*pp, 1);
		}
		dst = &new->bucket[obj_hash(ht, n) & new->mask];
		rcu_assign_pointer(n->next, rcu_dereference_protected(*dst, 1));
		rcu_assign_pointer(*dst, n);
		RCU_INIT_POINTER(*pp, NULL);
	}
}

/*
 * Growth in three steps (KUnit runs them one by one): a new table that
 * lookups read after the old one, whose chains move into it one stripe
 * at a time, which then replaces the old one.
 */
VISIBLE_IF_KUNIT int tcpstate_hash_grow_begin(struct tcpstate_hash *ht,
					      unsigned int buckets)
{
	struct tcpstate_htbl *new = tbl_alloc(buckets);

	if (!new)
		return -ENOMEM;
	WRITE_ONCE(ht->moved, 0);
	smp_wmb();	/* moved before future: locked_tbl() */
	rcu_assign_pointer(ht->future, new);
	/* Whoever saw no future is done before anything moves. */
	synchronize_rcu();
	return 0;
}

/* Move every chain of stripe @s into the new table, with it locked. */
VISIBLE_IF_KUNIT void tcpstate_hash_grow_stripe(struct tcpstate_hash *ht,
						unsigned int s)
{
	struct tcpstate_htbl *old, *new;
	unsigned int b;

	spin_lock_bh(&ht->locks[s]);
	old = rcu_dereference_protected(ht->tbl, 1);
	new = rcu_dereference_protected(ht->future, 1);
	for (b = s; b <= old->mask; b += TCPSTATE_HASH_STRIPES)
		move_chain(ht, old, b, new);
	WRITE_ONCE(ht->moved, s + 1);
	spin_unlock_bh(&ht->locks[s]);
}

VISIBLE_IF_KUNIT void tcpstate_hash_grow_end(struct tcpstate_hash *ht)
{
	struct tcpstate_htbl *old = rcu_dereference_protected(ht->tbl, 1);

	rcu_assign_pointer(ht->tbl, rcu_dereference_protected(ht->future, 1));
	smp_wmb();	/* tbl before future: tcpstate_hash_lookup() */
	RCU_INIT_POINTER(ht->future, NULL);
	WRITE_ONCE(ht->gen, ht->gen + 1);
	synchronize_rcu();
	kvfree(old);
}

/*
 * Grow eightfold (up to @max_buckets) if the load passed 2; 1 if it grew.
 * Process context. Lookups see both tables meanwhile, writers the one
 * their stripe is in; a walker waits, and then starts over (-EAGAIN).
 */
int tcpstate_hash_grow(struct tcpstate_hash *ht, unsigned int nelems,
		       unsigned int max_buckets)
{
	unsigned int buckets, s;
	int err;

	if (!tcpstate_hash_wants_growth(ht, nelems, max_buckets))
		return 0;
	down_write(&ht->resizing);
	/* Another growth may have come first. */
	if (!tcpstate_hash_wants_growth(ht, nelems, max_buckets)) {
		up_write(&ht->resizing);
		return 0;
	}
	buckets = tcpstate_hash_buckets(ht);
	err = tcpstate_hash_grow_begin(ht, min_t(unsigned long, max_buckets,
						 (unsigned long)buckets *
						 TCPSTATE_HASH_GROWTH));
	if (!err) {
		for (s = 0; s < TCPSTATE_HASH_STRIPES; s++) {
			tcpstate_hash_grow_stripe(ht, s);
			cond_resched();
		}
		tcpstate_hash_grow_end(ht);
	}
	up_write(&ht->resizing);
	return err ?: 1;
}

void tcpstate_hash_walk_enter(struct tcpstate_hash *ht,
			      struct tcpstate_hash_iter *it)
{
	it->ht = ht;
	it->gen = READ_ONCE(ht->gen);
	it->bucket = 0;
	it->skip = 0;
	it->cur = NULL;
}

/*
 * Find where the current object went; if it left, the next is current.
 * It can only have moved towards the head (objects before it left, new
 * ones go to the tail): found further on, it is another object in its
 * memory, and the ones between are still to be walked.
 */
static void walk_relocate(struct tcpstate_hash_iter *it)
{
	struct tcpstate_htbl *t = rcu_dereference(it->ht->tbl);
	struct tcpstate_hnode *n;
	unsigned int i = 0;

	if (!it->cur || it->bucket > t->mask)
		return;
	for (n = rcu_dereference(t->bucket[it->bucket]); n && i <= it->skip;
	     n = rcu_dereference(n->next), i++) {
		if (n == it->cur) {
			it->skip = i;
			return;
		}
	}
	it->cur = NULL;
}

int tcpstate_hash_walk_start(struct tcpstate_hash_iter *it)
	__acquires(RCU)
{
	struct tcpstate_hash *ht = it->ht;

	down_read(&ht->resizing);
	rcu_read_lock();
	if (it->gen != READ_ONCE(ht->gen)) {
		tcpstate_hash_walk_enter(ht, it);
		return -EAGAIN;
	}
	walk_relocate(it);
	return 0;
}

void tcpstate_hash_walk_stop(struct tcpstate_hash_iter *it)
	__releases(RCU)
{
	rcu_read_unlock();
	up_read(&it->ht->resizing);
}

/* The object at the walk's place, or the first after it; NULL at the end. */
static void *walk_at(struct tcpstate_hash_iter *it)
{
	struct tcpstate_htbl *t = rcu_dereference(it->ht->tbl);
	struct tcpstate_hnode *n;
	unsigned int i;

	for (; it->bucket <= t->mask; it->bucket++, it->skip = 0) {
		n = rcu_dereference(t->bucket[it->bucket]);
		for (i = 0; n && i < it->skip; i++)
			n = rcu_dereference(n->next);
		if (n) {
			it->cur = n;
			return tcpstate_hash_obj(it->ht->p, n);
		}
	}
	it->cur = NULL;
	return NULL;
}

/* The current object again (or the first): it did not fit last time. */
void *tcpstate_hash_walk_peek(struct tcpstate_hash_iter *it)
{
	return walk_at(it);
}

void *tcpstate_hash_walk_next(struct tcpstate_hash_iter *it)
{
	if (it->cur)
		it->skip++;
	return walk_at(it);
}
