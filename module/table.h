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

struct tcpstate_flow {
	struct rhash_head node;
	struct tcpstate_key key;
	spinlock_t lock;	/* serialises segments of this flow */
	u8 born;		/* its first segment was applied */
	u8 dead;		/* unlinked: a segment must look again */
	u8 outgoing;		/* this host sent the client's SYN */
	struct tcpstate_pair pair;
	struct tcpstate_history history;
	unsigned long created;	/* jiffies */
	unsigned long last;	/* jiffies of the last valid segment */
	struct rcu_head rcu;
};

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
