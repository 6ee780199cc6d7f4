/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hash table of flows and of listeners: singly linked chains read
 * under RCU, a lock per stripe of buckets for writers, and a size chosen
 * up front for the load expected. It grows rarely (eightfold, once the
 * load passes 2), in process context and a stripe at a time, so that
 * the packet path never waits for a whole table to move (only walkers
 * of the table wait for a growth to end).
 */
#ifndef _TCPSTATE_HASH_H
#define _TCPSTATE_HASH_H

#include <linux/compiler.h>
#include <linux/rcupdate.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct tcpstate_hnode {
	struct tcpstate_hnode __rcu *next;
};

struct tcpstate_hash_params {
	u16 node_offset;	/* of the struct tcpstate_hnode in an object */
	u16 key_offset;		/* of its key, unless obj_hash is set */
	u16 key_len;		/* a multiple of 4: tcpstate_hash_of() */
	/* Does the object of @n have key @key? */
	bool (*eq)(const void *key, const struct tcpstate_hnode *n);
	/*
	 * The hash of the object of @n, as its key hashes for lookups; if
	 * NULL, objects keep their key (@key_offset) as lookups give it.
	 */
	u32 (*obj_hash)(const struct tcpstate_hnode *n, u32 seed);
};

struct tcpstate_htbl {
	unsigned int mask;		/* buckets - 1 */
	struct tcpstate_hnode __rcu *bucket[];
};

/*
 * Bucket b is locked by stripe b % STRIPES whatever the table's size, so
 * a growth can move one stripe at a time under that stripe's lock alone.
 */
#define TCPSTATE_HASH_STRIPES	1024U
#define TCPSTATE_HASH_MIN	TCPSTATE_HASH_STRIPES
#define TCPSTATE_HASH_MAX	BIT(26)
#define TCPSTATE_HASH_GROWTH	8

struct tcpstate_hash {
	struct tcpstate_htbl __rcu *tbl;
	struct tcpstate_htbl __rcu *future;	/* while growing */
	unsigned int moved;	/* stripes below it are in future by now */
	unsigned int gen;	/* growths, for walkers */
	u32 seed;
	const struct tcpstate_hash_params *p;
	spinlock_t *locks;	/* TCPSTATE_HASH_STRIPES */
	struct rw_semaphore resizing;	/* growth writes, walkers read */
};

static inline void *tcpstate_hash_obj(const struct tcpstate_hash_params *p,
				      const struct tcpstate_hnode *n)
{
	return (char *)n - p->node_offset;
}

u32 tcpstate_hash_of(const struct tcpstate_hash *ht, const void *key);

static __always_inline struct tcpstate_hnode *
tcpstate_hash_chain(const struct tcpstate_htbl *t, u32 hash, const void *key,
		    const struct tcpstate_hash_params *p)
{
	struct tcpstate_hnode *n;

	for (n = rcu_dereference(t->bucket[hash & t->mask]); n;
	     n = rcu_dereference(n->next))
		if (p->eq(key, n))
			return n;
	return NULL;
}

/*
 * The object with @key (hashed to @hash), or NULL; under RCU. Inline so
 * that @p->eq, a constant at each caller, is inlined too.
 */
static __always_inline void *
tcpstate_hash_lookup(struct tcpstate_hash *ht, const void *key, u32 hash,
		     const struct tcpstate_hash_params *p)
{
	struct tcpstate_htbl *future = rcu_dereference(ht->future);
	struct tcpstate_hnode *n;

	/* A growth ends by publishing tbl, then clearing future. */
	smp_rmb();
	n = tcpstate_hash_chain(rcu_dereference(ht->tbl), hash, key, p);
	if (!n && future) {
		/* An entry that left a chain was in the new one before. */
		smp_rmb();
		n = tcpstate_hash_chain(future, hash, key, p);
	}
	return n ? tcpstate_hash_obj(p, n) : NULL;
}

int tcpstate_hash_init(struct tcpstate_hash *ht,
		       const struct tcpstate_hash_params *p,
		       unsigned int buckets);
void tcpstate_hash_destroy(struct tcpstate_hash *ht,
			   void (*free_fn)(void *obj, void *arg), void *arg);
void *tcpstate_hash_insert(struct tcpstate_hash *ht, void *obj,
			   const void *key, u32 hash);
void tcpstate_hash_remove(struct tcpstate_hash *ht, void *obj);
void tcpstate_hash_prefetch(struct tcpstate_hash *ht, const void *obj);
unsigned int tcpstate_hash_buckets(struct tcpstate_hash *ht);
unsigned int tcpstate_hash_size_for(unsigned long nelems);
bool tcpstate_hash_wants_growth(struct tcpstate_hash *ht,
				unsigned int nelems, unsigned int max_buckets);
int tcpstate_hash_grow(struct tcpstate_hash *ht, unsigned int nelems,
		       unsigned int max_buckets);
#if IS_ENABLED(CONFIG_KUNIT)
int tcpstate_hash_grow_begin(struct tcpstate_hash *ht, unsigned int buckets);
void tcpstate_hash_grow_stripe(struct tcpstate_hash *ht, unsigned int s);
void tcpstate_hash_grow_end(struct tcpstate_hash *ht);
#endif

/*
 * A walk over every object, resumable across calls the way an
 * rhashtable_iter is: between start and stop it holds RCU (and keeps
 * growth out); start says -EAGAIN when the table grew since the walk
 * began and begins it again. An object stopped at that left meanwhile
 * makes the next one (by position in its bucket) the current one.
 */
struct tcpstate_hash_iter {
	struct tcpstate_hash *ht;
	unsigned int gen;
	unsigned int bucket;
	unsigned int skip;		/* objects before the current one */
	struct tcpstate_hnode *cur;	/* the one returned last, if any */
};

void tcpstate_hash_walk_enter(struct tcpstate_hash *ht,
			      struct tcpstate_hash_iter *it);
int tcpstate_hash_walk_start(struct tcpstate_hash_iter *it)
	__acquires(RCU);
void *tcpstate_hash_walk_peek(struct tcpstate_hash_iter *it);
void *tcpstate_hash_walk_next(struct tcpstate_hash_iter *it);
void tcpstate_hash_walk_stop(struct tcpstate_hash_iter *it)
	__releases(RCU);

#endif /* _TCPSTATE_HASH_H */
