// SPDX-License-Identifier: GPL-2.0
/* KUnit: the state machine, scenario by scenario, with the gauges checked. */

#include <kunit/test.h>
#include "tcpstate.h"

/* Endpoint A sends in canonical direction 0 and starts as the client. */
#define A 0
#define B 1

#define F_S	TCPSTATE_F_SYN
#define F_SA	(TCPSTATE_F_SYN | TCPSTATE_F_ACK)
#define F_A	TCPSTATE_F_ACK
#define F_FA	(TCPSTATE_F_FIN | TCPSTATE_F_ACK)
#define F_R	TCPSTATE_F_RST
#define F_RA	(TCPSTATE_F_RST | TCPSTATE_F_ACK)

/* One segment and the states of A and B expected after it. */
struct step {
	u8 from, flags;
	u32 seq, ack, len;
	u16 win;
	u8 a, b;	/* expected states of A and B */
	u32 events;	/* events that must be reported (others may be) */
	u8 hints;	/* TCPSTATE_HINT_* the table would supply */
};

#define WIN 1000
#define SEG(f, fl, s, k, l, sa, sb, ev) \
	{ .from = f, .flags = fl, .seq = s, .ack = k, .len = l, .win = WIN, \
	  .a = sa, .b = sb, .events = ev }

#define EV(x) TCPSTATE_EV_##x

/* A local sender's RST, with no socket left to own the tuple. */
#define SEG_GONE(f, fl, s, k, l, sa, sb, ev) \
	{ .from = f, .flags = fl, .seq = s, .ack = k, .len = l, .win = WIN, \
	  .a = sa, .b = sb, .events = ev, \
	  .hints = TCPSTATE_HINT_SENDER_GONE }

/* ISNs: A 1000, B 5000. Most scenarios start with this handshake. */
static const struct step handshake[] = {
	SEG(A, F_S, 1000, 0, 0, S_SS, S_LI, 0),
	SEG(B, F_SA, 5000, 1001, 0, S_SS, S_SR, 0),
	SEG(A, F_A, 1001, 5001, 0, S_ES, S_ES, EV(HANDSHAKE)),
};

static const struct step handshake_bad_ack[] = {
	SEG(A, F_S, 1000, 0, 0, S_SS, S_LI, 0),
	SEG(B, F_SA, 5000, 1001, 0, S_SS, S_SR, 0),
	SEG(A, F_A, 1001, 5005, 0, S_SS, S_SR, 0),	/* acks beyond the SYN */
	SEG(A, F_A, 1001, 5000, 0, S_SS, S_SR, 0),	/* does not cover it */
	SEG(A, F_A, 1001, 5001, 0, S_ES, S_ES, EV(HANDSHAKE)),
};

static const struct step client_closes[] = {
	SEG(A, F_A, 1001, 5001, 100, S_ES, S_ES, 0),
	SEG(B, F_A, 5001, 1101, 0, S_ES, S_ES, 0),
	SEG(A, F_FA, 1101, 5001, 0, S_F1, S_CW, 0),
	SEG(A, F_FA, 1101, 5001, 0, S_F1, S_CW, 0),	/* retransmitted FIN */
	SEG(B, F_A, 5001, 1102, 0, S_F2, S_CW, 0),
	SEG(B, F_A, 5001, 1102, 50, S_F2, S_CW, 0),	/* half-close: data */
	SEG(A, F_A, 1102, 5051, 0, S_F2, S_CW, 0),
	SEG(B, F_FA, 5051, 1102, 0, S_TW, S_LA, 0),
	SEG(A, F_A, 1102, 5052, 0, S_TW, S_CL, 0),
};

static const struct step server_closes[] = {
	SEG(B, F_FA, 5001, 1001, 0, S_CW, S_F1, 0),
	SEG(A, F_A, 1001, 5002, 0, S_CW, S_F2, 0),
	SEG(A, F_FA, 1001, 5002, 0, S_LA, S_TW, 0),
	SEG(B, F_A, 5002, 1002, 0, S_CL, S_TW, 0),
};

/* A FIN that acknowledges the peer's FIN: FIN_WAIT_1 straight to TIME_WAIT. */
static const struct step fin_ack_close[] = {
	SEG(A, F_FA, 1001, 5001, 0, S_F1, S_CW, 0),
	SEG(B, F_FA, 5001, 1002, 0, S_TW, S_LA, 0),
	SEG(A, F_A, 1002, 5002, 0, S_TW, S_CL, 0),
};

static const struct step simultaneous_close[] = {
	SEG(A, F_FA, 1001, 5001, 0, S_F1, S_CW, 0),
	SEG(B, F_FA, 5001, 1001, 0, S_CG, S_CG, EV(SIM_CLOSE)),
	SEG(A, F_A, 1002, 5002, 0, S_CG, S_TW, 0),
	SEG(B, F_A, 5002, 1002, 0, S_TW, S_TW, 0),
};

/* Both SYNs cross; the ports make B the client (port_client_dir 1). */
static const struct step simultaneous_open[] = {
	SEG(A, F_S, 1000, 0, 0, S_SS, S_LI, 0),
	SEG(B, F_S, 5000, 0, 0, S_SR, S_SR, EV(SIM_OPEN)),
	SEG(A, F_SA, 1000, 5001, 0, S_SR, S_ES, 0),
	SEG(B, F_SA, 5000, 1001, 0, S_ES, S_ES, EV(HANDSHAKE)),
};

static const struct step rst_established[] = {
	SEG(B, F_R, 9999, 0, 0, S_ES, S_ES, EV(INVALID)),	/* out of window */
	SEG(B, F_R, 5002, 0, 0, S_ES, S_ES, EV(INVALID)),
	SEG(B, F_R, 5001, 0, 0, S_CL, S_CL, EV(RESET)),
	SEG(A, F_A, 1001, 5001, 0, S_CL, S_CL, EV(IGNORED)),	/* tombstone */
	/* Judged as a RST: ignored, no second reset (found by fuzzing). */
	SEG(B, F_R | F_S, 5001, 0, 0, S_CL, S_CL, EV(IGNORED)),
	SEG(A, F_S, 7000, 0, 0, S_SS, S_LI, EV(INCARNATION)),
};

/* The RST carries the receiver's last ack (the way Linux answers data). */
static const struct step rst_at_peer_ack[] = {
	SEG(A, F_A, 1001, 5001, 10, S_ES, S_ES, 0),
	SEG(B, F_R, 5001, 0, 0, S_CL, S_CL, EV(RESET)),
};

static const struct step syn_to_closed_port[] = {
	SEG(A, F_S, 1000, 0, 0, S_SS, S_LI, 0),
	SEG(B, F_RA, 0, 1005, 0, S_SS, S_LI, EV(INVALID)),	/* wrong ack */
	SEG(B, F_RA, 0, 1001, 0, S_CL, S_CL, EV(RESET)),
};

static const struct step retransmissions[] = {
	SEG(A, F_S, 1000, 0, 0, S_SS, S_LI, 0),
	SEG(A, F_S, 1000, 0, 0, S_SS, S_LI, 0),
	SEG(B, F_SA, 5000, 1001, 0, S_SS, S_SR, 0),
	SEG(B, F_SA, 5000, 1001, 0, S_SS, S_SR, 0),
	SEG(A, F_A, 1001, 5001, 0, S_ES, S_ES, EV(HANDSHAKE)),
	SEG(A, F_S, 1000, 0, 0, S_ES, S_ES, 0),	/* SYN inside a connection */
};

/* The client's RST refuses a bad SYN-ACK; the half-open server accepts it. */
static const struct step rst_half_open[] = {
	SEG(A, F_S, 1000, 0, 0, S_SS, S_LI, 0),
	SEG(B, F_SA, 5000, 1001, 0, S_SS, S_SR, 0),
	SEG(A, F_R, 1001, 0, 0, S_SS, S_CL, EV(RESET)),
};

/* The client closed first; it reconnects on the same tuple in TIME_WAIT. */
static const struct step tw_reuse_client[] = {
	SEG(A, F_FA, 1001, 5001, 0, S_F1, S_CW, 0),
	SEG(B, F_FA, 5001, 1002, 0, S_TW, S_LA, 0),
	SEG(A, F_A, 1002, 5002, 0, S_TW, S_CL, 0),
	SEG(A, F_S, 90000, 0, 0, S_SS, S_LI, EV(TW_REUSE) | EV(INCARNATION)),
	SEG(B, F_SA, 70000, 90001, 0, S_SS, S_SR, 0),
	SEG(A, F_A, 90001, 70001, 0, S_ES, S_ES, EV(HANDSHAKE)),
};

/*
 * The seeds' case: the server closed first and sits in TIME_WAIT. It
 * answers the client's new SYN with its old ACK, the client resets it and
 * retries the same SYN, which the listener then accepts.
 */
static const struct step tw_reuse_refused[] = {
	SEG(B, F_FA, 5001, 1001, 0, S_CW, S_F1, 0),
	SEG(A, F_FA, 1001, 5002, 0, S_LA, S_TW, 0),
	SEG(B, F_A, 5002, 1002, 0, S_CL, S_TW, 0),
	SEG(A, F_S, 90000, 0, 0, S_SS, S_LI, EV(TW_REUSE)),
	SEG(B, F_A, 5002, 1002, 0, S_SS, S_LI, 0),	/* the old ACK */
	SEG(A, F_R, 1002, 0, 0, S_SS, S_CL, EV(RESET)),
	SEG(A, F_S, 90000, 0, 0, S_SS, S_LI, 0),		/* not counted again */
	SEG(B, F_SA, 70000, 90001, 0, S_SS, S_SR, 0),
	SEG(A, F_A, 90001, 70001, 0, S_ES, S_ES, EV(HANDSHAKE)),
};

static const struct step keepalive[] = {
	SEG(A, F_A, 1000, 5001, 0, S_ES, S_ES, EV(KEEPALIVE)),
	SEG(A, F_A, 1000, 5001, 1, S_ES, S_ES, EV(KEEPALIVE)),
	SEG(B, F_A, 5000, 1001, 0, S_ES, S_ES, EV(KEEPALIVE)),
	{ .from = B, .flags = F_A, .seq = 5001, .ack = 1001, .win = 0,
	  .a = S_ES, .b = S_ES },			/* B's window closes */
	SEG(A, F_A, 1000, 5001, 1, S_ES, S_ES, EV(ZERO_WINDOW_PROBE)),
};

static const struct step invalid_flags[] = {
	SEG(A, 0, 1001, 5001, 0, S_ES, S_ES, EV(INVALID)),
	SEG(A, TCPSTATE_F_FIN, 1001, 0, 0, S_ES, S_ES, EV(INVALID)),
	SEG(A, TCPSTATE_F_SYN | TCPSTATE_F_FIN, 1001, 0, 0, S_ES, S_ES,
	    EV(INVALID)),
	SEG(A, TCPSTATE_F_FIN | TCPSTATE_F_PSH | TCPSTATE_F_URG, 1001, 0, 0,
	    S_ES, S_ES, EV(INVALID)),
	/* A SYN-ACK inside a live connection: Linux only challenges it. */
	SEG(A, F_FA | TCPSTATE_F_SYN, 1001, 5001, 0, S_ES, S_ES, 0),
};

/* In the window of a request socket but not its exact seq: challenged. */
static const struct step rst_syn_rcvd_inexact[] = {
	SEG(A, F_S, 1000, 0, 0, S_SS, S_LI, 0),
	SEG(B, F_SA, 5000, 1001, 0, S_SS, S_SR, 0),
	SEG(A, F_R, 1002, 0, 0, S_SS, S_SR, EV(INVALID)),
	SEG(A, F_R, 1500, 0, 0, S_SS, S_SR, EV(INVALID)),
	SEG(A, F_R, 1001, 0, 0, S_SS, S_CL, EV(RESET)),
	SEG(A, F_R, 1001, 0, 0, S_SS, S_CL, EV(INVALID)),	/* a duplicate */
};

/* A Fast Open SYN with 20 bytes: its refusal acknowledges them. */
static const struct step fastopen_refused[] = {
	SEG(A, F_S, 1000, 0, 20, S_SS, S_LI, 0),
	SEG(B, F_RA, 0, 1022, 0, S_SS, S_LI, EV(INVALID)),	/* beyond */
	SEG(B, F_RA, 0, 1000, 0, S_SS, S_LI, EV(INVALID)),	/* before */
	SEG(B, F_RA, 0, 1021, 0, S_CL, S_CL, EV(RESET)),
};

/* A Fast Open child reset by its closing listener (RST|ACK, data acked). */
static const struct step fastopen_child_reset[] = {
	SEG(A, F_S, 1000, 0, 20, S_SS, S_LI, 0),
	SEG(B, F_SA, 5000, 1021, 0, S_SS, S_SR, 0),
	SEG(B, F_RA, 5001, 1021, 0, S_CL, S_CL, EV(RESET)),
};

/* A client closed in SYN_SENT answers the SYN-ACK with a RST: gone. */
static const struct step syn_sent_closed[] = {
	SEG(A, F_S, 1000, 0, 0, S_SS, S_LI, 0),
	SEG(B, F_SA, 5000, 1001, 0, S_SS, S_SR, 0),
	SEG_GONE(A, F_R, 1001, 0, 0, S_CL, S_CL, EV(RESET)),
};

/* SYN|ACK|FIN with data: the client takes the SYN-ACK, drops the rest. */
static const struct step synack_fin[] = {
	SEG(A, F_S, 1000, 0, 0, S_SS, S_LI, 0),
	SEG(B, F_SA | TCPSTATE_F_FIN, 5000, 1001, 10, S_SS, S_F1, 0),
	SEG(A, F_A, 1001, 5001, 0, S_ES, S_F1, EV(HANDSHAKE)),
	SEG(B, F_FA, 5001, 1001, 10, S_CW, S_F1, 0),	/* sent again */
	SEG(A, F_A, 1001, 5012, 0, S_CW, S_F2, 0),
	SEG(A, F_FA, 1001, 5012, 0, S_LA, S_TW, 0),
};

/* An ACK of data its receiver never sent: dropped whole, FIN included. */
static const struct step ack_unsent[] = {
	SEG(A, F_FA, 1001, 5100, 0, S_ES, S_ES, EV(INVALID)),
	SEG(A, F_A, 1001, 5001, 10, S_ES, S_ES, 0),
	SEG(B, F_FA, 5001, 1011, 0, S_CW, S_F1, 0),
	/* Data after its FIN does not move where the FIN sits. */
	SEG(B, F_A, 5002, 1011, 50, S_CW, S_F1, 0),
	SEG(A, F_A, 1011, 5052, 0, S_CW, S_F1, EV(INVALID)),
	SEG(A, F_A, 1011, 5002, 0, S_CW, S_F2, 0),
};

/* Probes keep the books: B's probe carries the ack of A's data. */
static const struct step keepalive_after_delayed_ack[] = {
	SEG(A, F_A, 1001, 5001, 10, S_ES, S_ES, 0),
	SEG(B, F_A, 5000, 1011, 0, S_ES, S_ES, EV(KEEPALIVE)),
	SEG(A, F_A, 1010, 5001, 0, S_ES, S_ES, EV(KEEPALIVE)),
	{ .from = B, .flags = F_A, .seq = 5000, .ack = 1011, .win = 0,
	  .a = S_ES, .b = S_ES, .events = EV(KEEPALIVE) },
	SEG(A, F_A, 1010, 5001, 1, S_ES, S_ES, EV(ZERO_WINDOW_PROBE)),
};

/* A router sees only the client: its ACK stands for the SYN-ACK. */
static const struct step one_way_client[] = {
	SEG(A, F_S, 1000, 0, 0, S_SS, S_LI, 0),
	SEG(A, F_A, 1001, 5001, 0, S_ES, S_ES, EV(HANDSHAKE)),
	SEG(A, F_A, 1001, 5001, 100, S_ES, S_ES, 0),
	SEG(A, F_A, 1101, 8001, 0, S_ES, S_ES, 0),	/* acks unseen data */
	SEG(A, F_FA, 1101, 8001, 0, S_F1, S_CW, 0),
	SEG(A, F_A, 1102, 8001, 0, S_F1, S_CW, 0),
	SEG(A, F_A, 1102, 8002, 0, S_TW, S_CL, 0),	/* the server's FIN */
};

/* The same segments to a server of this host: a spoofed SYN + ACK. */
static const struct step one_way_local[] = {
	SEG(A, F_S, 1000, 0, 0, S_SS, S_LI, 0),
	SEG(A, F_A, 1001, 5001, 0, S_SS, S_LI, 0),
	SEG(A, F_A, 1001, 5001, 100, S_SS, S_LI, 0),
};

/* A router sees only the server, which closes first. */
static const struct step one_way_server[] = {
	SEG(B, F_SA, 5000, 1001, 0, S_SS, S_SR, 0),
	SEG(B, F_A, 5001, 1001, 100, S_ES, S_ES, EV(HANDSHAKE)),
	SEG(B, F_A, 5101, 1201, 0, S_ES, S_ES, 0),	/* acks unseen data */
	SEG(B, F_FA, 5101, 1201, 0, S_CW, S_F1, 0),
	SEG(B, F_A, 5102, 1202, 0, S_CL, S_TW, 0),	/* the client's FIN */
};

static const struct step pickup[] = {
	SEG(A, F_A, 777, 888, 10, S_ES, S_ES, EV(PICKED_UP)),
	SEG(B, F_FA, 888, 787, 0, S_CW, S_F1, 0),
};

static const struct step synack_first[] = {
	SEG(B, F_SA, 5000, 1001, 0, S_SS, S_SR, 0),
	SEG(A, F_A, 1001, 5001, 0, S_ES, S_ES, EV(HANDSHAKE)),
};

/* RST seq = last ack - 1 is accepted while the receiver is in CLOSE_WAIT. */
static const struct step rst_close_wait[] = {
	SEG(B, F_FA, 5001, 1001, 0, S_CW, S_F1, 0),
	SEG(A, F_A, 1001, 5002, 0, S_CW, S_F2, 0),
	SEG(B, F_R, 5003, 0, 0, S_CW, S_F2, EV(INVALID)),
	SEG(B, F_R, 1000, 0, 0, S_CW, S_F2, EV(INVALID)),
	SEG(B, F_R, 5001, 0, 0, S_CL, S_CL, EV(RESET)),
};

struct scenario {
	const char *name;
	const struct step *steps;
	int n;
	u8 port_client_dir;
	bool after_handshake;	/* run handshake[] first */
	bool remote;		/* ends never seen are not local */
};

static const struct scenario scenarios[] = {
	{ "handshake", handshake, ARRAY_SIZE(handshake), 1, false },
	{ "handshake_bad_ack", handshake_bad_ack, ARRAY_SIZE(handshake_bad_ack), 1, false },
	{ "client_closes", client_closes, ARRAY_SIZE(client_closes), 1, true },
	{ "server_closes", server_closes, ARRAY_SIZE(server_closes), 1, true },
	{ "fin_ack_close", fin_ack_close, ARRAY_SIZE(fin_ack_close), 1, true },
	{ "simultaneous_close", simultaneous_close, ARRAY_SIZE(simultaneous_close), 1, true },
	{ "simultaneous_open", simultaneous_open, ARRAY_SIZE(simultaneous_open), 1, false },
	{ "rst_established", rst_established, ARRAY_SIZE(rst_established), 1, true },
	{ "rst_at_peer_ack", rst_at_peer_ack, ARRAY_SIZE(rst_at_peer_ack), 1, true },
	{ "syn_to_closed_port", syn_to_closed_port, ARRAY_SIZE(syn_to_closed_port), 1, false },
	{ "retransmissions", retransmissions, ARRAY_SIZE(retransmissions), 1, false },
	{ "rst_half_open", rst_half_open, ARRAY_SIZE(rst_half_open), 1, false },
	{ "tw_reuse_client", tw_reuse_client, ARRAY_SIZE(tw_reuse_client), 1, true },
	{ "tw_reuse_refused", tw_reuse_refused, ARRAY_SIZE(tw_reuse_refused), 1, true },
	{ "keepalive", keepalive, ARRAY_SIZE(keepalive), 1, true },
	{ "invalid_flags", invalid_flags, ARRAY_SIZE(invalid_flags), 1, true },
	{ "pickup", pickup, ARRAY_SIZE(pickup), 0, false },
	{ "synack_first", synack_first, ARRAY_SIZE(synack_first), 1, false },
	{ "rst_close_wait", rst_close_wait, ARRAY_SIZE(rst_close_wait), 1, true },
	{ "rst_syn_rcvd_inexact", rst_syn_rcvd_inexact,
	  ARRAY_SIZE(rst_syn_rcvd_inexact), 1, false },
	{ "fastopen_refused", fastopen_refused, ARRAY_SIZE(fastopen_refused), 1, false },
	{ "fastopen_child_reset", fastopen_child_reset,
	  ARRAY_SIZE(fastopen_child_reset), 1, false },
	{ "syn_sent_closed", syn_sent_closed, ARRAY_SIZE(syn_sent_closed), 1, false },
	{ "synack_fin", synack_fin, ARRAY_SIZE(synack_fin), 1, false },
	{ "ack_unsent", ack_unsent, ARRAY_SIZE(ack_unsent), 1, true },
	{ "keepalive_after_delayed_ack", keepalive_after_delayed_ack,
	  ARRAY_SIZE(keepalive_after_delayed_ack), 1, true },
	{ "one_way_client", one_way_client, ARRAY_SIZE(one_way_client), 1, false, true },
	{ "one_way_local", one_way_local, ARRAY_SIZE(one_way_local), 1, false, false },
	{ "one_way_server", one_way_server, ARRAY_SIZE(one_way_server), 1, false, true },
};

static void scenario_desc(const struct scenario *s, char *desc)
{
	strscpy(desc, s->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(scenario, scenarios, scenario_desc);

/* Endpoint transitions seen by all scenarios, for the coverage case. */
static bool seen[TCPSTATE_NSTATES][TCPSTATE_NSTATES];

static u8 state_of(const struct tcpstate_pair *p, u8 dir)
{
	return p->end[tcpstate_fsm_role(p, dir)].state;
}

/* The real per-CPU gauges must hold exactly the pair, or nothing. */
static void check_gauges(struct kunit *test, struct tcpstate_net *tn,
			 const struct tcpstate_pair *p)
{
	struct tcpstate_snapshot snap;
	u32 sum = 0;
	int r, st;

	tcpstate_stats_snapshot(tn, &snap);
	for (r = 0; r < TCPSTATE_NROLES; r++)
		for (st = 0; st < TCPSTATE_NSTATES; st++)
			sum += snap.gauge[r][st];
	KUNIT_EXPECT_EQ(test, sum, 2 * snap.flows);
	KUNIT_EXPECT_EQ(test, snap.flows, tcpstate_fsm_live(p) ? 1u : 0u);
	if (tcpstate_fsm_live(p)) {
		KUNIT_EXPECT_EQ(test, snap.gauge[TCPSTATE_CLIENT][p->end[0].state], 1u);
		KUNIT_EXPECT_EQ(test, snap.gauge[TCPSTATE_SERVER][p->end[1].state], 1u);
	}
}

/* As the flow table does: place an end never seen, when asked. */
static u32 apply_step(struct tcpstate_pair *p, bool *born,
		      const struct tcpstate_seg *seg, u8 port_client_dir,
		      bool remote)
{
	if (*born) {
		if (tcpstate_fsm_wants(p, seg) & TCPSTATE_WANT_PLACE)
			tcpstate_fsm_place(p, !seg->dir, remote);
		return tcpstate_fsm_step(p, seg);
	}
	if (tcpstate_fsm_classify(seg->flags) < TCPSTATE_OPEN_SYN)
		return TCPSTATE_EV_INVALID;
	*born = true;
	return tcpstate_fsm_first(p, seg, port_client_dir);
}

/* Apply @n steps to @p, checking states, events and gauges after each. */
static void run_steps(struct kunit *test, struct tcpstate_net *tn,
		      struct tcpstate_pair *p, bool *born,
		      const struct step *steps, int n, u8 port_client_dir,
		      bool remote)
{
	int i;

	for (i = 0; i < n; i++) {
		const struct step *st = &steps[i];
		struct tcpstate_seg seg = {
			.seq = st->seq, .ack = st->ack, .len = st->len,
			.win = st->win, .flags = st->flags, .dir = st->from,
			.hints = st->hints,
		};
		u8 before[2] = { p->end[0].state, p->end[1].state };
		u8 old_a = state_of(p, A), old_b = state_of(p, B);
		u32 ev = apply_step(p, born, &seg, port_client_dir, remote);
		u8 after[2] = { p->end[0].state, p->end[1].state };

		local_bh_disable();
		tcpstate_stats_move(tn, before, after, 0);
		local_bh_enable();
		KUNIT_EXPECT_EQ_MSG(test, state_of(p, A), st->a, "step %d", i);
		KUNIT_EXPECT_EQ_MSG(test, state_of(p, B), st->b, "step %d", i);
		KUNIT_EXPECT_EQ_MSG(test, ev & st->events, st->events,
				    "step %d events %#x", i, ev);
		if (ev & TCPSTATE_EV_INVALID)
			KUNIT_EXPECT_TRUE_MSG(test, old_a == state_of(p, A) &&
					      old_b == state_of(p, B),
					      "invalid changed state, step %d", i);
		seen[old_a][state_of(p, A)] = true;
		seen[old_b][state_of(p, B)] = true;
		check_gauges(test, tn, p);
	}
}

static void fsm_scenario(struct kunit *test)
{
	const struct scenario *sc = test->param_value;
	struct tcpstate_pair p = {};
	struct tcpstate_net *tn;
	bool born = false;

	tn = kunit_kzalloc(test, sizeof(*tn), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tn);
	KUNIT_ASSERT_EQ(test, tcpstate_stats_init(tn), 0);
	if (sc->after_handshake)
		run_steps(test, tn, &p, &born, handshake,
			  ARRAY_SIZE(handshake), sc->port_client_dir, false);
	run_steps(test, tn, &p, &born, sc->steps, sc->n, sc->port_client_dir,
		  sc->remote);
	tcpstate_stats_exit(tn);
}

/* Simultaneous open hands the client role to the end the ports name. */
static void fsm_simultaneous_open_roles(struct kunit *test)
{
	struct tcpstate_seg syn_a = { .seq = 1000, .flags = F_S, .dir = A };
	struct tcpstate_seg syn_b = { .seq = 5000, .flags = F_S, .dir = B };
	struct tcpstate_pair p;
	u32 ev;

	tcpstate_fsm_first(&p, &syn_a, B);
	KUNIT_EXPECT_EQ(test, p.client_dir, A);
	ev = tcpstate_fsm_step(&p, &syn_b);
	KUNIT_EXPECT_TRUE(test, ev & TCPSTATE_EV_SIM_OPEN);
	KUNIT_EXPECT_EQ(test, p.client_dir, B);
}

/* The seeds' TIME_WAIT case swaps roles when the old server reopens. */
static void fsm_tw_reuse_swaps_roles(struct kunit *test)
{
	struct tcpstate_pair p = {
		.client_dir = A,
		.end = { { .state = S_CL }, { .state = S_TW } },
	};
	struct tcpstate_seg syn = { .seq = 3, .flags = F_S, .dir = B };
	u32 ev = tcpstate_fsm_step(&p, &syn);

	KUNIT_EXPECT_TRUE(test, ev & TCPSTATE_EV_TW_REUSE);
	KUNIT_EXPECT_EQ(test, p.client_dir, B);
	KUNIT_EXPECT_EQ(test, p.end[TCPSTATE_CLIENT].state, S_SS);
	KUNIT_EXPECT_EQ(test, p.end[TCPSTATE_SERVER].state, S_LI);
}

static void fsm_classify(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, tcpstate_fsm_classify(F_R), TCPSTATE_OPEN_NONE);
	KUNIT_EXPECT_EQ(test, tcpstate_fsm_classify(F_S | F_R),
			TCPSTATE_OPEN_NONE);
	KUNIT_EXPECT_EQ(test, tcpstate_fsm_classify(0), TCPSTATE_OPEN_INVALID);
	KUNIT_EXPECT_EQ(test, tcpstate_fsm_classify(TCPSTATE_F_FIN),
			TCPSTATE_OPEN_INVALID);
	KUNIT_EXPECT_EQ(test, tcpstate_fsm_classify(F_S | TCPSTATE_F_FIN),
			TCPSTATE_OPEN_INVALID);
	KUNIT_EXPECT_EQ(test, tcpstate_fsm_classify(F_SA | TCPSTATE_F_FIN),
			TCPSTATE_OPEN_SYNACK);
	KUNIT_EXPECT_EQ(test, tcpstate_fsm_classify(F_S), TCPSTATE_OPEN_SYN);
	KUNIT_EXPECT_EQ(test, tcpstate_fsm_classify(F_SA), TCPSTATE_OPEN_SYNACK);
	KUNIT_EXPECT_EQ(test, tcpstate_fsm_classify(F_FA), TCPSTATE_OPEN_PICKUP);
}

static void fsm_history(struct kunit *test)
{
	static const struct { u8 role, flags; u32 len; } segs[] = {
		{ TCPSTATE_CLIENT, F_S, 0 }, { TCPSTATE_SERVER, F_SA, 0 },
		{ TCPSTATE_CLIENT, F_A, 0 }, { TCPSTATE_CLIENT, F_A, 5 },
		{ TCPSTATE_CLIENT, F_A, 5 }, { TCPSTATE_SERVER, F_FA, 0 },
		{ TCPSTATE_CLIENT, F_R, 0 },
	};
	struct tcpstate_history h = {};
	char buf[TCPSTATE_HISTORY_LEN + 1];
	int i;

	KUNIT_EXPECT_EQ(test, tcpstate_history_string(&h, buf), 0);
	KUNIT_EXPECT_STREQ(test, buf, "");
	for (i = 0; i < ARRAY_SIZE(segs); i++) {
		struct tcpstate_seg s = { .flags = segs[i].flags,
					  .len = segs[i].len };

		tcpstate_history_add(&h, segs[i].role, &s);
	}
	KUNIT_EXPECT_EQ(test, tcpstate_history_string(&h, buf), 6);
	KUNIT_EXPECT_STREQ(test, buf, "ShADfR");
}

/* Every kind from both roles: twelve letters, each once, in order. */
static void fsm_history_full(struct kunit *test)
{
	static const struct { u8 flags; u32 len; } kinds[] = {
		{ F_S, 0 }, { F_SA, 0 }, { F_A, 0 }, { F_A, 1 },
		{ TCPSTATE_F_FIN, 0 }, { F_R, 0 },
	};
	struct tcpstate_history h = {};
	char buf[TCPSTATE_HISTORY_LEN + 1];
	int i, round;

	for (round = 0; round < 2; round++)
		for (i = 0; i < ARRAY_SIZE(kinds); i++) {
			struct tcpstate_seg s = { .flags = kinds[i].flags,
						  .len = kinds[i].len };

			tcpstate_history_add(&h, TCPSTATE_SERVER, &s);
			tcpstate_history_add(&h, TCPSTATE_CLIENT, &s);
		}
	KUNIT_EXPECT_EQ(test, tcpstate_history_string(&h, buf), 12);
	KUNIT_EXPECT_STREQ(test, buf, "sShHaAdDfFrR");
}

/* The seeds' case, then its RST once more: one reset, one invalid. */
static void fsm_duplicate_rst(struct kunit *test)
{
	struct tcpstate_pair p = {};
	u32 ev, resets = 0, invalid = 0;
	bool born = false;
	int i;

	for (i = 0; i < ARRAY_SIZE(handshake); i++) {
		struct tcpstate_seg seg = {
			.seq = handshake[i].seq, .ack = handshake[i].ack,
			.flags = handshake[i].flags, .dir = handshake[i].from,
			.win = WIN,
		};

		apply_step(&p, &born, &seg, 1, false);
	}
	for (i = 0; i < 6; i++) {
		const struct step *st = &tw_reuse_refused[i];
		struct tcpstate_seg seg = {
			.seq = st->seq, .ack = st->ack, .flags = st->flags,
			.dir = st->from, .win = WIN,
		};

		ev = apply_step(&p, &born, &seg, 1, false);
		resets += !!(ev & EV(RESET));
		invalid += !!(ev & EV(INVALID));
	}
	KUNIT_EXPECT_EQ(test, resets, 1u);
	KUNIT_EXPECT_EQ(test, invalid, 0u);
	ev = apply_step(&p, &born, &(struct tcpstate_seg){ .seq = 1002,
			.flags = F_R, .dir = A }, 1, false);
	KUNIT_EXPECT_EQ(test, ev, (u32)EV(INVALID));
	KUNIT_EXPECT_EQ(test, state_of(&p, A), S_SS);
	KUNIT_EXPECT_EQ(test, state_of(&p, B), S_CL);
}

/* Letters swap case with the roles: upper case stays the client's. */
static void fsm_history_swap(struct kunit *test)
{
	struct tcpstate_seg syn = { .flags = F_S }, sa = { .flags = F_SA };
	struct tcpstate_history h = {};
	char buf[TCPSTATE_HISTORY_LEN + 1];

	tcpstate_history_add(&h, TCPSTATE_CLIENT, &syn);
	tcpstate_history_add(&h, TCPSTATE_SERVER, &sa);
	tcpstate_history_swap(&h);
	KUNIT_EXPECT_EQ(test, tcpstate_history_string(&h, buf), 2);
	KUNIT_EXPECT_STREQ(test, buf, "sH");
	/* What each role has seen swaps too: no letter twice. */
	tcpstate_history_add(&h, TCPSTATE_SERVER, &syn);
	tcpstate_history_add(&h, TCPSTATE_CLIENT, &syn);
	KUNIT_EXPECT_EQ(test, tcpstate_history_string(&h, buf), 3);
	KUNIT_EXPECT_STREQ(test, buf, "sHS");
	tcpstate_history_swap(&h);
	tcpstate_history_swap(&h);
	KUNIT_EXPECT_STREQ(test, (tcpstate_history_string(&h, buf), buf), "sHS");
}

/* The arrows of RFC 793's diagram (as DESIGN.md models them) all covered. */
static void fsm_covers_rfc793(struct kunit *test)
{
	static const u8 arrows[][2] = {
		{ S_CL, S_LI }, { S_CL, S_SS }, { S_LI, S_SR }, { S_SS, S_SR },
		{ S_SS, S_ES }, { S_SR, S_ES }, { S_SR, S_CL }, { S_LI, S_CL },
		{ S_ES, S_F1 }, { S_ES, S_CW }, { S_F1, S_F2 }, { S_F1, S_CG },
		{ S_F1, S_TW }, { S_F2, S_TW }, { S_CG, S_TW }, { S_CW, S_LA },
		{ S_LA, S_CL }, { S_ES, S_CL }, { S_TW, S_SS }, { S_TW, S_LI },
		{ S_CW, S_CG }, { S_CW, S_CL }, { S_F2, S_CL },
	};
	int i, covered = 0;

	for (i = 0; i < ARRAY_SIZE(arrows); i++) {
		KUNIT_EXPECT_TRUE_MSG(test, seen[arrows[i][0]][arrows[i][1]],
				      "%s -> %s not covered",
				      tcpstate_state_names[arrows[i][0]],
				      tcpstate_state_names[arrows[i][1]]);
		covered += seen[arrows[i][0]][arrows[i][1]];
	}
	kunit_info(test, "%d of %zu transitions covered\n", covered,
		   ARRAY_SIZE(arrows));
}

static struct kunit_case fsm_cases[] = {
	KUNIT_CASE_PARAM(fsm_scenario, scenario_gen_params),
	KUNIT_CASE(fsm_simultaneous_open_roles),
	KUNIT_CASE(fsm_tw_reuse_swaps_roles),
	KUNIT_CASE(fsm_classify),
	KUNIT_CASE(fsm_history),
	KUNIT_CASE(fsm_history_full),
	KUNIT_CASE(fsm_history_swap),
	KUNIT_CASE(fsm_duplicate_rst),
	KUNIT_CASE(fsm_covers_rfc793),
	{}
};

static struct kunit_suite fsm_suite = {
	.name = "tcpstate_fsm",
	.test_cases = fsm_cases,
};

kunit_test_suite(fsm_suite);
