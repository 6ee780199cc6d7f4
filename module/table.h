/* SPDX-License-Identifier: GPL-2.0 */
/* The flow table of a namespace: an rhashtable of flows and its collector. */
#ifndef _TCPSTATE_TABLE_H
#define _TCPSTATE_TABLE_H

#include <linux/rhashtable.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include "fsm.h"
#include "parse.h"

struct tcpstate_net;

/*
 * 112 bytes on x86-64. The rcu_head shares its place with the history:
 * a flow is unlinked and marked dead under its lock before call_rcu(),
 * and whoever reads the history takes the lock and checks dead first.
 */
struct tcpstate_flow {
	struct rhash_head node;
	struct tcpstate_key key;
	spinlock_t lock;	/* serialises segments of this flow */
	u32 created;		/* jiffies_64 at creation, bits 0..31 */
	union {
		struct {				/* while linked */
			struct tcpstate_history history;
			u16 created_hi;			/* bits 32..47 */
		};
		struct rcu_head rcu;			/* once dead */
	};
	struct tcpstate_pair pair;	/* its flags hold TCPSTATE_FLOW_* too */
	u32 last;		/* jiffies of the last valid segment */
};

/* The table's bits of a flow, in the pair's TCPSTATE_PAIR_OWNER bits. */
#define TCPSTATE_FLOW_BORN	0x10	/* its first segment was applied */
#define TCPSTATE_FLOW_DEAD	0x20	/* unlinked: look the key up again */
#define TCPSTATE_FLOW_OUTGOING	0x40	/* this host sent the client's SYN */
static_assert(!((TCPSTATE_FLOW_BORN | TCPSTATE_FLOW_DEAD |
		 TCPSTATE_FLOW_OUTGOING) & ~TCPSTATE_PAIR_OWNER));

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
 * taken modulo 2^32, as signed. A flow's age may be older: it keeps 48 bits.
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

/* Called with the flow locked and not dead (the history's place). */
static inline u64 tcpstate_flow_age_ms(const struct tcpstate_flow *flow)
{
	u64 created = (u64)flow->created_hi << 32 | flow->created;

	return jiffies64_to_msecs(get_jiffies_64() - created);
}

struct tcpstate_table {
	struct rhashtable flows;
	atomic_t entries;	/* tombstones included, for max_flows */
	struct delayed_work gc;
};

/* How long a flow whose both ends are CLOSED stays to absorb stragglers. */
#define TCPSTATE_TOMBSTONE_MS	2000

int tcpstate_table_init(struct tcpstate_net *tn);
void tcpstate_table_exit(struct tcpstate_net *tn);
void tcpstate_table_segment(struct tcpstate_net *tn,
			    const struct tcpstate_pkt *pkt);
void tcpstate_table_collect(struct tcpstate_net *tn, unsigned long now);
int tcpstate_table_module_init(void);
void tcpstate_table_module_exit(void);

#endif /* _TCPSTATE_TABLE_H */
