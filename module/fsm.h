/* SPDX-License-Identifier: GPL-2.0 */
/* The RFC 793 state machine of both endpoints of a flow: a pure function. */
#ifndef _TCPSTATE_FSM_H
#define _TCPSTATE_FSM_H

#include <linux/types.h>
#include "uapi/linux/tcpstate.h"

/* TCP flag bits as they appear in byte 13 of the header. */
#define TCPSTATE_F_FIN	0x01
#define TCPSTATE_F_SYN	0x02
#define TCPSTATE_F_RST	0x04
#define TCPSTATE_F_PSH	0x08
#define TCPSTATE_F_ACK	0x10
#define TCPSTATE_F_URG	0x20

/* Short state names, so that transition tables read like RFC 793's diagram. */
#define S_CL TCPSTATE_CLOSED
#define S_LI TCPSTATE_LISTEN
#define S_SS TCPSTATE_SYN_SENT
#define S_SR TCPSTATE_SYN_RCVD
#define S_ES TCPSTATE_ESTABLISHED
#define S_F1 TCPSTATE_FIN_WAIT_1
#define S_F2 TCPSTATE_FIN_WAIT_2
#define S_CW TCPSTATE_CLOSE_WAIT
#define S_CG TCPSTATE_CLOSING
#define S_LA TCPSTATE_LAST_ACK
#define S_TW TCPSTATE_TIME_WAIT

/* One observed segment. @dir is the canonical direction: 0 from key end 0. */
struct tcpstate_seg {
	u32 seq;
	u32 ack;
	u32 len;
	u16 win;
	u8 flags;
	u8 dir;
	u8 hints;	/* TCPSTATE_HINT_*: what the packet alone cannot tell */
};

/*
 * Facts from outside the segment, supplied by whoever feeds the machine
 * (the flow table asks the namespace) when tcpstate_fsm_wants() says so.
 */
#define TCPSTATE_HINT_SENDER_GONE	0x01	/* a local sender has no socket */
#define TCPSTATE_HINT_SENDER_CLIENT	0x02	/* a picked-up sender is the client */

/* What one endpoint has shown of itself on the wire. */
struct tcpstate_end {
	u32 isn;
	u32 nxt;	/* highest sequence number sent, + 1 */
	u32 ack;	/* last acknowledgment sent */
	u16 win;	/* last window advertised (unscaled) */
	u8 state;	/* enum tcpstate_state */
	u8 flags;	/* TCPSTATE_END_* */
};

#define TCPSTATE_END_SENT	0x01	/* nxt is known */
#define TCPSTATE_END_ISN	0x02	/* isn is known */
#define TCPSTATE_END_ACKED	0x04	/* ack and win are known */
#define TCPSTATE_END_FIN	0x08	/* sent its FIN: its seq is nxt - 1 */
#define TCPSTATE_END_SEEN	0x10	/* seen sending, not only inferred */
#define TCPSTATE_END_PLACED	0x20	/* whether it is local is known */
#define TCPSTATE_END_REMOTE	0x40	/* not an address of this namespace */

/* Both endpoints, indexed by enum tcpstate_role. */
struct tcpstate_pair {
	struct tcpstate_end end[TCPSTATE_NROLES];
	u8 client_dir;		/* canonical direction the client sends in */
	u8 port_client_dir;	/* the same, as the ports decide it */
	u8 flags;		/* TCPSTATE_PAIR_* */
};

#define TCPSTATE_PAIR_SIM_CLOSE	0x01	/* simultaneous close counted */
/* Bits for whoever holds the pair (the flow table); the machine keeps them. */
#define TCPSTATE_PAIR_OWNER	0xf0

/* What a segment did, for counters and the flow table. */
#define TCPSTATE_EV_INVALID		BIT(0)
#define TCPSTATE_EV_IGNORED		BIT(1)	/* reached a tombstone */
#define TCPSTATE_EV_HANDSHAKE		BIT(2)
#define TCPSTATE_EV_RESET		BIT(3)
#define TCPSTATE_EV_TW_REUSE		BIT(4)
#define TCPSTATE_EV_KEEPALIVE		BIT(5)
#define TCPSTATE_EV_ZERO_WINDOW_PROBE	BIT(6)
#define TCPSTATE_EV_SIM_OPEN		BIT(7)
#define TCPSTATE_EV_SIM_CLOSE		BIT(8)
#define TCPSTATE_EV_INCARNATION		BIT(9)	/* a new connection began */
#define TCPSTATE_EV_PICKED_UP		BIT(10)

/* How a segment on a tuple without a flow is treated. */
enum tcpstate_open {
	TCPSTATE_OPEN_NONE,	/* a RST: no flow, counted only in segments */
	TCPSTATE_OPEN_INVALID,	/* never creates a flow, counted invalid */
	TCPSTATE_OPEN_SYN,	/* sender is the client */
	TCPSTATE_OPEN_SYNACK,	/* sender is the server */
	TCPSTATE_OPEN_PICKUP,	/* mid-stream: both ESTABLISHED */
};

/* What tcpstate_fsm_wants() asks for before a step. */
#define TCPSTATE_WANT_PLACE	0x01	/* is the receiver's address local? */
#define TCPSTATE_WANT_OWNER	0x02	/* does a local sender own a socket? */

enum tcpstate_open tcpstate_fsm_classify(u8 flags);
u8 tcpstate_fsm_wants(const struct tcpstate_pair *p,
		      const struct tcpstate_seg *s);
void tcpstate_fsm_place(struct tcpstate_pair *p, u8 dir, bool remote);
u32 tcpstate_fsm_first(struct tcpstate_pair *p, const struct tcpstate_seg *s,
		       u8 port_client_dir);
u32 tcpstate_fsm_step(struct tcpstate_pair *p, const struct tcpstate_seg *s);

static inline enum tcpstate_role tcpstate_fsm_role(const struct tcpstate_pair *p,
						   u8 dir)
{
	return dir == p->client_dir ? TCPSTATE_CLIENT : TCPSTATE_SERVER;
}

/*
 * The bulk of a stream, decided before anything else: data or a pure ACK
 * (PSH allowed) between two ESTABLISHED ends both seen sending, that
 * acknowledges nothing unsent and is no keepalive or window probe. It
 * moves the sender's books exactly as tcpstate_fsm_step() would, with no
 * event; false leaves everything to tcpstate_fsm_step().
 */
static inline bool tcpstate_fsm_fast(struct tcpstate_pair *p,
				     const struct tcpstate_seg *s)
{
	const u8 known = TCPSTATE_END_SENT | TCPSTATE_END_SEEN |
			 TCPSTATE_END_ACKED;
	struct tcpstate_end *a = &p->end[tcpstate_fsm_role(p, s->dir)];
	struct tcpstate_end *b = &p->end[!tcpstate_fsm_role(p, s->dir)];
	u32 end;

	if ((s->flags & ~TCPSTATE_F_PSH) != TCPSTATE_F_ACK ||
	    a->state != TCPSTATE_ESTABLISHED ||
	    b->state != TCPSTATE_ESTABLISHED ||
	    (a->flags & b->flags & known) != known ||
	    ((a->flags | b->flags) & TCPSTATE_END_FIN) ||
	    (s32)(b->nxt - s->ack) < 0 ||	/* after(), as the step has it */
	    (s->len <= 1 && s->seq == b->ack - 1))
		return false;
	end = s->seq + s->len;
	if ((s32)(a->nxt - end) < 0)
		a->nxt = end;
	a->ack = s->ack;
	a->win = s->win;
	return true;
}

/* An end never seen sending: one direction only, or never answered. */
static inline bool tcpstate_fsm_unanswered(const struct tcpstate_pair *p)
{
	return !(p->end[TCPSTATE_CLIENT].flags &
		 p->end[TCPSTATE_SERVER].flags & TCPSTATE_END_SEEN);
}

/* A flow whose both ends are CLOSED is a tombstone: not in the gauges. */
static inline bool tcpstate_fsm_live(const struct tcpstate_pair *p)
{
	return p->end[TCPSTATE_CLIENT].state != TCPSTATE_CLOSED ||
	       p->end[TCPSTATE_SERVER].state != TCPSTATE_CLOSED;
}

/*
 * Zeek-style history: at most one letter of each of 6 kinds per role, so
 * 12 at most. Packed in 64 bits: bits 0..47 hold the letters in order of
 * arrival as 4-bit codes (1 + kind + 6 x role; 0 ends them), bits 48..59
 * the (kind, role) pairs seen.
 */
#define TCPSTATE_HISTORY_LEN	12

struct tcpstate_history {
	u64 bits;
};

void tcpstate_history_add(struct tcpstate_history *h, enum tcpstate_role role,
			  const struct tcpstate_seg *s);
int tcpstate_history_string(const struct tcpstate_history *h,
			    char buf[TCPSTATE_HISTORY_LEN + 1]);
void tcpstate_history_swap(struct tcpstate_history *h);

#endif /* _TCPSTATE_FSM_H */
