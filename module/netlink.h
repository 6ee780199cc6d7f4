/* SPDX-License-Identifier: GPL-2.0 */
/* Generic netlink family "tcpstate": stats, flow and listener dumps, alarms. */
#ifndef _TCPSTATE_NETLINK_H
#define _TCPSTATE_NETLINK_H

#include <linux/atomic.h>
#include <linux/in6.h>
#include <linux/types.h>
#include "parse.h"
#include "stats.h"
#include "table.h"

struct tcpstate_net;
struct tcpstate_lkey;

/* A namespace's netlink state; zeroed with struct tcpstate_net. */
struct tcpstate_nl {
	atomic_t dump_gen;	/* bumped when a dump lost its place */
};

/* One alarm change, as a detector announces it. */
struct tcpstate_alarm {
	const struct tcpstate_lkey *listener;	/* NULL: namespace-wide */
	u32 seq;		/* the namespace's alarm sequence number */
	u32 half_open;
	u32 syn_per_s;
	u32 value;		/* the figure the detector judged */
	u8 detector;		/* enum tcpstate_detector */
	bool on;		/* raised, or cleared */
};

int tcpstate_netlink_init(void);
void tcpstate_netlink_exit(void);

/*
 * Multicast @alarm to the "alarms" group of @tn's namespace. Any context,
 * softirq included, with or without locks held (it allocates GFP_ATOMIC);
 * costs a bit test when nobody listens. @alarm->seq should increase by one
 * per alarm change of the namespace, sent or not, so that a reader can
 * count what it missed.
 */
void tcpstate_netlink_alarm(struct tcpstate_net *tn,
			    const struct tcpstate_alarm *alarm);

/* Internal, shared with kunit/netlink_test.c. */

/* get-flows filters; together they describe the endpoint to look for. */
struct tcpstate_nl_filter {
	struct in6_addr addr;
	__be16 port;		/* 0: any */
	u8 family;		/* 0: any */
	u8 state;		/* TCPSTATE_NSTATES: any */
	u8 role;		/* TCPSTATE_NROLES: either end */
	bool has_addr;
};

/* What get-stats reports. */
struct tcpstate_nl_stats {
	struct tcpstate_snapshot snap;
	u32 params[TCPSTATE_NPARAMS];
	u8 mode;			/* enum tcpstate_mode */
	u8 alarms;			/* BIT(TCPSTATE_DET_*) raised */
};

#if IS_ENABLED(CONFIG_KUNIT)
struct netlink_callback;
struct netlink_ext_ack;
struct nlattr;
struct sk_buff;

int tcpstate_nl_parse_flows_request(const struct nlattr *head, int len,
				    struct tcpstate_nl_filter *f,
				    struct netlink_ext_ack *extack);
bool tcpstate_nl_match(const struct tcpstate_nl_filter *f,
		       const struct tcpstate_flow_view *flow);
int tcpstate_nl_put_stats(struct sk_buff *skb,
			  const struct tcpstate_nl_stats *st);
int tcpstate_nl_put_flow(struct sk_buff *skb,
			 const struct tcpstate_flow_view *flow);
int tcpstate_nl_put_alarm(struct sk_buff *skb,
			  const struct tcpstate_alarm *alarm);
int tcpstate_nl_flows_begin(struct netlink_callback *cb,
			    struct tcpstate_net *tn,
			    const struct tcpstate_nl_filter *f);
int tcpstate_nl_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int tcpstate_nl_done(struct netlink_callback *cb);
#endif

#endif /* _TCPSTATE_NETLINK_H */
