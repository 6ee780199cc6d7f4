/* SPDX-License-Identifier: GPL-2.0 */
/* The per-namespace state every part of tcpstate works on. */
#ifndef _TCPSTATE_H
#define _TCPSTATE_H

#include <net/net_namespace.h>
#include "detect.h"
#include "netlink.h"
#include "stats.h"
#include "table.h"

/*
 * Tunables, one set per namespace (net.tcpstate.*, see sysctl.c for ranges
 * and defaults). Read with READ_ONCE(): a sysctl write may land any time.
 */
struct tcpstate_params {
	int max_flows;
	int max_listeners;
	int syn_flood_enter;
	int syn_flood_exit;
	int syn_rate_enter;
	int syn_rate_exit;
	int timewait_enter;
	int timewait_exit;
	int syn_sent_enter;
	int syn_sent_exit;
	int close_wait_enter;
	int close_wait_exit;
	int timewait_ms;
	int timeout_handshake_ms;
	int timeout_established_ms;
	int timeout_closing_ms;
	int log_alarms;
};

struct tcpstate_net {
	struct net *net;
	struct tcpstate_params params;
	struct tcpstate_table table;
	struct tcpstate_detect detect;
	struct tcpstate_nl nl;
	struct tcpstate_pcpu __percpu *stats;
	struct ctl_table_header *sysctl;
};

struct tcpstate_net *tcpstate_pernet(const struct net *net);

/* Counters are per CPU: no shared cache line is written per packet. */
static inline void tcpstate_count(struct tcpstate_net *tn,
				  enum tcpstate_counter counter, u64 n)
{
	this_cpu_add(tn->stats->counter[counter], n);
}

#endif /* _TCPSTATE_H */
