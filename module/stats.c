// SPDX-License-Identifier: GPL-2.0
/* Per-CPU gauges and counters of a namespace, and their snapshot. */

#include <linux/string.h>
#include "tcpstate.h"

const char *const tcpstate_state_names[] = TCPSTATE_STATE_NAMES;
const char *const tcpstate_counter_names[] = TCPSTATE_COUNTER_NAMES;
const char *const tcpstate_detector_names[] = TCPSTATE_DETECTOR_NAMES;

/* The enums and the name lists of the uapi header must agree. */
static_assert(ARRAY_SIZE(tcpstate_state_names) == TCPSTATE_NSTATES);
static_assert(ARRAY_SIZE(tcpstate_counter_names) == TCPSTATE_NCOUNTERS);
static_assert(ARRAY_SIZE(tcpstate_detector_names) == TCPSTATE_NDETECTORS);

int tcpstate_stats_init(struct tcpstate_net *tn)
{
	int cpu;

	tn->stats = alloc_percpu(struct tcpstate_pcpu);
	if (!tn->stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		seqcount_init(&per_cpu_ptr(tn->stats, cpu)->seq);
	return 0;
}

void tcpstate_stats_exit(struct tcpstate_net *tn)
{
	free_percpu(tn->stats);
}

static bool live(const u8 states[2])
{
	return states[TCPSTATE_CLIENT] != TCPSTATE_CLOSED ||
	       states[TCPSTATE_SERVER] != TCPSTATE_CLOSED;
}

/*
 * Move one flow's two endpoints between gauges. A pair of CLOSED ends is a
 * tombstone or a flow not yet born: it is in no gauge and not in `flows`.
 * Called with bottom halves disabled, so nothing on this CPU interleaves.
 */
void tcpstate_stats_move(struct tcpstate_net *tn, const u8 from[2],
			 const u8 to[2], int syn_sent_out)
{
	struct tcpstate_pcpu *pc = this_cpu_ptr(tn->stats);
	int role;

	if (from[0] == to[0] && from[1] == to[1] && !syn_sent_out)
		return;
	write_seqcount_begin(&pc->seq);
	pc->syn_sent_out += syn_sent_out;
	if (live(from)) {
		for (role = 0; role < TCPSTATE_NROLES; role++)
			pc->gauge[role][from[role]]--;
		pc->flows--;
	}
	if (live(to)) {
		for (role = 0; role < TCPSTATE_NROLES; role++)
			pc->gauge[role][to[role]]++;
		pc->flows++;
	}
	write_seqcount_end(&pc->seq);
}

/* Signed sums of the per-CPU gauges. */
struct gauge_sum {
	s64 flows;
	s64 syn_sent_out;
	s64 gauge[TCPSTATE_NROLES][TCPSTATE_NSTATES];
};

static void add_cpu(struct tcpstate_pcpu *pc, struct gauge_sum *sum)
{
	struct tcpstate_pcpu copy;
	unsigned int seq;
	int role, state;

	do {
		seq = read_seqcount_begin(&pc->seq);
		copy.flows = pc->flows;
		copy.syn_sent_out = pc->syn_sent_out;
		memcpy(copy.gauge, pc->gauge, sizeof(copy.gauge));
	} while (read_seqcount_retry(&pc->seq, seq));
	sum->flows += copy.flows;
	sum->syn_sent_out += copy.syn_sent_out;
	for (role = 0; role < TCPSTATE_NROLES; role++)
		for (state = 0; state < TCPSTATE_NSTATES; state++)
			sum->gauge[role][state] += copy.gauge[role][state];
}

/* Sum the gauges; false if a flow moved between CPUs while we summed. */
static bool sum_gauges(struct tcpstate_net *tn, struct tcpstate_snapshot *snap)
{
	struct gauge_sum sum = {};
	int cpu, role, state;
	bool ok;

	for_each_possible_cpu(cpu)
		add_cpu(per_cpu_ptr(tn->stats, cpu), &sum);
	ok = sum.flows >= 0 && sum.syn_sent_out >= 0;
	for (role = 0; role < TCPSTATE_NROLES; role++)
		for (state = 0; state < TCPSTATE_NSTATES; state++) {
			ok &= sum.gauge[role][state] >= 0;
			snap->gauge[role][state] = max_t(s64, 0,
							 sum.gauge[role][state]);
		}
	snap->flows = max_t(s64, 0, sum.flows);
	snap->syn_sent_out = max_t(s64, 0, sum.syn_sent_out);
	return ok;
}

void tcpstate_stats_snapshot(struct tcpstate_net *tn,
			     struct tcpstate_snapshot *snap)
{
	int tries = 16, cpu, i;

	while (!sum_gauges(tn, snap) && --tries)
		cond_resched();
	memset(snap->counter, 0, sizeof(snap->counter));
	for_each_possible_cpu(cpu) {
		struct tcpstate_pcpu *pc = per_cpu_ptr(tn->stats, cpu);

		for (i = 0; i < TCPSTATE_NCOUNTERS; i++)
			snap->counter[i] += READ_ONCE(pc->counter[i]);
	}
}
