/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flow table of a namespace: a hash table of flows (hash.h), and
 * wheels of their deadlines (wheel.h) that the collector runs once a
 * second.
 */
#ifndef _TCPSTATE_TABLE_H
#define _TCPSTATE_TABLE_H

#include <linux/spinlock.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include "fsm.h"
#include "hash.h"
#include "parse.h"
#include "ring.h"
#include "wheel.h"

struct tcpstate_net;

/*
 * 120 bytes on x86-64 for IPv6, 96 for IPv4: an IPv4 flow lives in a
 * smaller slab object that stops before the rest of the IPv6 addresses.
 * What a lookup compares (the family, the ports and one word of each
 * address: IPv4's addresses, the last words of IPv6 ones) sits next to
 * the chain link, in its cache line. A flow is filed in one of its
 * table's wheels, by its address, until it is unlinked and marked dead;
 * then its rcu_head takes the place of that link.
 */
struct tcpstate_flow {
	struct tcpstate_hnode node;
	__be16 port[2];			/* as in its struct tcpstate_key */
	u8 family;
	__be32 addr[2];			/* IPv4, or IPv6's s6_addr32[3] */
	spinlock_t lock;		/* serialises segments of this flow */
	u32 last;			/* jiffies of the last valid segment */
	struct tcpstate_pair pair;	/* its flags hold TCPSTATE_FLOW_* too */
	u32 created;			/* tcpstate_created_now() */
	struct tcpstate_history history;
	union {
		struct hlist_node wheel;	/* while linked; wheel lock */
		struct rcu_head rcu;		/* once dead */
	};
	__be32 addr6[2][3];		/* IPv6 only: s6_addr32[0..2] */
};

#define TCPSTATE_FLOW4_SIZE	offsetof(struct tcpstate_flow, addr6)

void tcpstate_flow_key(const struct tcpstate_flow *flow,
		       struct tcpstate_key *key);

/* The table's bits of a flow, in the pair's TCPSTATE_PAIR_OWNER bits. */
#define TCPSTATE_FLOW_BORN	0x10	/* its first segment was applied */
#define TCPSTATE_FLOW_DEAD	0x20	/* unlinked: look the key up again */
#define TCPSTATE_FLOW_OUTGOING	0x40	/* this host sent the client's SYN */
#define TCPSTATE_FLOW_FILED	0x80	/* filed in a wheel at least once */
static_assert(!((TCPSTATE_FLOW_BORN | TCPSTATE_FLOW_DEAD |
		 TCPSTATE_FLOW_OUTGOING | TCPSTATE_FLOW_FILED) &
		~TCPSTATE_PAIR_OWNER));

static inline bool tcpstate_flow_is(const struct tcpstate_flow *flow,
				    u8 bit)
{
	return flow->pair.flags & bit;
}

static inline void tcpstate_flow_assign(struct tcpstate_flow *flow, u8 bit,
					bool on)
{
	flow->pair.flags = on ? flow->pair.flags | bit :
				flow->pair.flags & ~bit;
}

/*
 * Idle times are the low 32 bits of jiffies: 49 days at HZ=1000, longer
 * than any timeout (INT_MAX ms, 24.8 days, at most); differences are
 * taken modulo 2^32, as signed.
 */
static inline u32 tcpstate_jiffies(void)
{
	return (u32)jiffies;
}

static inline unsigned long tcpstate_since(u32 now, u32 then)
{
	s32 d = now - then;

	/* The collector's @now may predate a segment that came meanwhile. */
	return d > 0 ? d : 0;
}

/*
 * Creation times are milliseconds since boot in steps of 64 ms: 32 bits
 * last 8.7 years, and an age is at most 63 ms too old, never younger
 * than the idle time.
 */
#define TCPSTATE_CREATED_SHIFT	6

static inline u32 tcpstate_created_now(void)
{
	return jiffies64_to_msecs(get_jiffies_64()) >> TCPSTATE_CREATED_SHIFT;
}

/* At jiffies_64 @now; the flow locked, not dead (created is in the union). */
static inline u64 tcpstate_flow_age_ms(const struct tcpstate_flow *flow,
				       u64 now)
{
	u64 then = (u64)flow->created << TCPSTATE_CREATED_SHIFT;

	return (jiffies64_to_msecs(now) - then) &
	       GENMASK_ULL(31 + TCPSTATE_CREATED_SHIFT, 0);
}

/* A flow as the files and get-flows show it, copied under its lock. */
struct tcpstate_flow_view {
	struct tcpstate_key key;
	u8 client_dir;			/* key end of the client */
	u8 state[TCPSTATE_NROLES];
	char history[TCPSTATE_HISTORY_LEN + 1];
	u64 age_ms;
	u64 idle_ms;
};

bool tcpstate_flow_view(struct tcpstate_flow *flow,
			struct tcpstate_flow_view *view);

/*
 * Keys of the flows each CPU created last (ring.h): when the table is
 * full, the first of them still unanswered makes room (a lookup each, no
 * walk). Per CPU, so that creating a flow takes no shared lock.
 */
#define TCPSTATE_EVICT_SLOTS	32

/*
 * Deadlines are filed lazily: a segment that moves a flow's deadline
 * later only writes its time, and the collector files the flow again
 * when its old slot comes up; only a deadline brought forward (a close,
 * a reset) moves it at once. The wheels are chosen by the flow's address
 * so that no one lock serves every CPU.
 */
struct tcpstate_table {
	struct tcpstate_hash flows;
	struct work_struct grow;	/* of flows, past a load of 2 */
	atomic_t entries;	/* tombstones included, for max_flows */
	struct tcpstate_ring __percpu *evict;	/* keys of new flows */
	struct tcpstate_wheel *wheels;
	unsigned int wheel_mask;	/* number of wheels - 1 */
	struct mutex collecting;	/* one collector at a time */
	int retime;		/* a timeout was written: file all again */
	u64 touched;		/* flows the collector looked at */
	u64 expired;		/* ... and ended (timeouts, tombstones) */
	struct delayed_work gc;
};

/* How long a flow whose both ends are CLOSED stays to absorb stragglers. */
#define TCPSTATE_TOMBSTONE_MS	2000

/* The expected_flows module parameter (table.c). */
extern unsigned int tcpstate_expected_flows;

int tcpstate_table_init(struct tcpstate_net *tn);
void tcpstate_table_exit(struct tcpstate_net *tn);
void tcpstate_table_segment(struct tcpstate_net *tn,
			    const struct tcpstate_pkt *pkt);
struct tcpstate_flow *tcpstate_table_lookup(struct tcpstate_net *tn,
					    const struct tcpstate_key *key);
void tcpstate_table_collect(struct tcpstate_net *tn, unsigned long now);
void tcpstate_table_retime(struct tcpstate_net *tn);
int tcpstate_table_module_init(void);
void tcpstate_table_module_exit(void);

#endif /* _TCPSTATE_TABLE_H */
