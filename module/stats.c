// SPDX-License-Identifier: GPL-2.0
/* Per-CPU gauges and counters of a namespace, and their snapshot. */

#include <kunit/visibility.h>
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

/* Copy one CPU's gauges between two whole updates. */
static void read_cpu(struct tcpstate_pcpu *pc, struct tcpstate_pcpu *copy)
{
	unsigned int seq;

	do {
		seq = read_seqcount_begin(&pc->seq);
		copy->flows = pc->flows;
		copy->syn_sent_out = pc->syn_sent_out;
		memcpy(copy->gauge, pc->gauge, sizeof(copy->gauge));
	} while (read_seqcount_retry(&pc->seq, seq));
}

/*
 * Sums of the per-CPU gauges, modulo 2^32. A flow may rise on one CPU and
 * fall on another, so each CPU's field drifts without bound and wraps
 * after 2^31 moves; the sum modulo 2^32 stays exact as long as the true
 * value fits in 31 bits, which a gauge of at most max_flows always does.
 */
VISIBLE_IF_KUNIT void tcpstate_stats_add(struct tcpstate_gauge_sum *sum,
					 const struct tcpstate_pcpu *pc)
{
	int role, state;

	sum->flows += (u32)pc->flows;
	sum->syn_sent_out += (u32)pc->syn_sent_out;
	for (role = 0; role < TCPSTATE_NROLES; role++)
		for (state = 0; state < TCPSTATE_NSTATES; state++)
			sum->gauge[role][state] += (u32)pc->gauge[role][state];
}

/* A sum as the signed figure it stands for: negative while in flight. */
static u32 figure(u32 sum, bool *ok)
{
	if ((s32)sum >= 0)
		return sum;
	*ok = false;
	return 0;
}

/* The figures of @sum; false if one is negative (a move in flight). */
VISIBLE_IF_KUNIT bool tcpstate_stats_figures(const struct tcpstate_gauge_sum *sum,
					     struct tcpstate_snapshot *snap)
{
	int role, state;
	bool ok = true;

	for (role = 0; role < TCPSTATE_NROLES; role++)
		for (state = 0; state < TCPSTATE_NSTATES; state++)
			snap->gauge[role][state] =
				figure(sum->gauge[role][state], &ok);
	snap->flows = figure(sum->flows, &ok);
	snap->syn_sent_out = figure(sum->syn_sent_out, &ok);
	return ok;
}

/* Sum the gauges; false if a flow moved between CPUs while we summed. */
static bool sum_gauges(struct tcpstate_net *tn, struct tcpstate_snapshot *snap)
{
	struct tcpstate_gauge_sum sum = {};
	struct tcpstate_pcpu copy;
	int cpu;

	for_each_possible_cpu(cpu) {
		read_cpu(per_cpu_ptr(tn->stats, cpu), &copy);
		tcpstate_stats_add(&sum, &copy);
	}
	return tcpstate_stats_figures(&sum, snap);
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
