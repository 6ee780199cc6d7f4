/* SPDX-License-Identifier: GPL-2.0 */
/* Per-CPU gauges and counters, summed into a consistent snapshot. */
#ifndef _TCPSTATE_STATS_H
#define _TCPSTATE_STATS_H

#include <linux/percpu.h>
#include <linux/seqlock.h>
#include "uapi/linux/tcpstate.h"

struct tcpstate_net;

/*
 * Gauges move on the CPU that saw the segment, so one CPU's figures can be
 * negative; only their sum means anything. The seqcount lets a reader take
 * each CPU's figures between two whole updates.
 */
struct tcpstate_pcpu {
	seqcount_t seq;
	s32 flows;
	s32 gauge[TCPSTATE_NROLES][TCPSTATE_NSTATES];
	s32 syn_sent_out;	/* SYN_SENT clients on this host */
	u64 counter[TCPSTATE_NCOUNTERS];
};

struct tcpstate_snapshot {
	u32 flows;
	u32 gauge[TCPSTATE_NROLES][TCPSTATE_NSTATES];
	u32 syn_sent_out;
	u64 counter[TCPSTATE_NCOUNTERS];
};

int tcpstate_stats_init(struct tcpstate_net *tn);
void tcpstate_stats_exit(struct tcpstate_net *tn);
void tcpstate_stats_move(struct tcpstate_net *tn, const u8 from[2],
			 const u8 to[2], int syn_sent_out);
void tcpstate_stats_snapshot(struct tcpstate_net *tn,
			     struct tcpstate_snapshot *snap);
/* The per-CPU gauges summed modulo 2^32 (stats.c says why). */
struct tcpstate_gauge_sum {
	u32 flows;
	u32 syn_sent_out;
	u32 gauge[TCPSTATE_NROLES][TCPSTATE_NSTATES];
};

#if IS_ENABLED(CONFIG_KUNIT)
void tcpstate_stats_add(struct tcpstate_gauge_sum *sum,
			const struct tcpstate_pcpu *pc);
bool tcpstate_stats_figures(const struct tcpstate_gauge_sum *sum,
			    struct tcpstate_snapshot *snap);
#endif

extern const char *const tcpstate_state_names[];
extern const char *const tcpstate_counter_names[];
extern const char *const tcpstate_detector_names[];

#endif /* _TCPSTATE_STATS_H */
