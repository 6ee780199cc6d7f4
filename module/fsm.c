// SPDX-License-Identifier: GPL-2.0
/* Both endpoints of a TCP flow through the RFC 793 states, from the wire. */

#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <net/tcp.h>
#include "fsm.h"

#define S_KEEP 0xff	/* a table cell that leaves the state as it is */

#define F_SYN TCPSTATE_F_SYN
#define F_ACK TCPSTATE_F_ACK
#define F_FIN TCPSTATE_F_FIN
#define F_RST TCPSTATE_F_RST

/*
 * Receiver, when the segment acknowledges its FIN (RFC 793 3.9, "fifth,
 * check the ACK field"). The ACK is applied before the FIN of the same
 * segment, so FIN_WAIT_1 + FIN/ACK goes through FIN_WAIT_2 to TIME_WAIT.
 */
static const u8 fin_acked[TCPSTATE_NSTATES] = {
	[0 ... TCPSTATE_NSTATES - 1] = S_KEEP,
	[S_F1] = S_F2,	/* our FIN is acknowledged, the peer may still send */
	[S_CG] = S_TW,	/* the FINs crossed and ours is now acknowledged */
	[S_LA] = S_CL,	/* passive close complete: nothing left to wait for */
};

/* Receiver of the peer's first FIN ("eighth, check the FIN bit"). */
static const u8 fin_received[TCPSTATE_NSTATES] = {
	[0 ... TCPSTATE_NSTATES - 1] = S_KEEP,
	[S_ES] = S_CW,	/* peer closed first: wait for our application */
	[S_F1] = S_CG,	/* both closing, our FIN not acknowledged yet */
	[S_F2] = S_TW,	/* our FIN was acknowledged: the active close ends */
};

/* Sender of its first FIN, by whether the peer's FIN was seen (and acked). */
static const u8 fin_sent[TCPSTATE_NSTATES] = {
	[0 ... TCPSTATE_NSTATES - 1] = S_KEEP,
	[S_SR] = S_F1,	/* close before the handshake's last ACK arrived */
	[S_ES] = S_F1,	/* active close */
	[S_CW] = S_F1,	/* corrected below when the peer's FIN was seen */
};

static void apply(struct tcpstate_end *e, const u8 *table)
{
	if (table[e->state] != S_KEEP)
		e->state = table[e->state];
}

/* Does @ack cover sequence number @x of @peer, and nothing it never sent? */
static bool acks(const struct tcpstate_end *peer, u32 ack, u32 x)
{
	return after(ack, x) && !after(ack, peer->nxt);
}

static bool acks_isn(const struct tcpstate_end *peer, u32 ack)
{
	return (peer->flags & TCPSTATE_END_ISN) && acks(peer, ack, peer->isn);
}

static bool acks_fin(const struct tcpstate_end *peer, u32 ack)
{
	return (peer->flags & TCPSTATE_END_FIN) && acks(peer, ack, peer->nxt - 1);
}

/* ESTABLISHED and every state a connection reaches only after it. */
static bool synchronized(u8 state)
{
	return state >= S_ES;
}

static bool pair_synchronized(const struct tcpstate_pair *p)
{
	return synchronized(p->end[TCPSTATE_CLIENT].state) &&
	       synchronized(p->end[TCPSTATE_SERVER].state);
}

static void swap_roles(struct tcpstate_pair *p)
{
	swap(p->end[TCPSTATE_CLIENT], p->end[TCPSTATE_SERVER]);
	p->client_dir ^= 1;
}

/*
 * Record what the sender showed of itself: sequence space, ack, window.
 * Once its FIN is seen, where that FIN sits (nxt - 1) no longer moves.
 */
static void note_sender(struct tcpstate_end *a, const struct tcpstate_seg *s)
{
	u32 end = s->seq + s->len + !!(s->flags & F_SYN) + !!(s->flags & F_FIN);

	if (!(a->flags & TCPSTATE_END_SENT) ||
	    (!(a->flags & TCPSTATE_END_FIN) && after(end, a->nxt)))
		a->nxt = end;
	a->flags |= TCPSTATE_END_SENT | TCPSTATE_END_SEEN;
	if (s->flags & F_SYN) {
		a->isn = s->seq;
		a->flags |= TCPSTATE_END_ISN;
	}
	if (s->flags & F_ACK) {
		a->ack = s->ack;
		a->win = s->win;
		a->flags |= TCPSTATE_END_ACKED;
	}
}

/* Each end either over (CLOSED or TIME_WAIT) or never started. */
static bool incarnation_over(const struct tcpstate_pair *p)
{
	u8 c = p->end[TCPSTATE_CLIENT].state, s = p->end[TCPSTATE_SERVER].state;

	return (c == S_CL || c == S_TW) && (s == S_CL || s == S_TW);
}

/* A SYN on a finished tuple: the sender is the client of a new connection. */
static u32 new_incarnation(struct tcpstate_pair *p, const struct tcpstate_seg *s)
{
	bool reuse = p->end[TCPSTATE_CLIENT].state == S_TW ||
		     p->end[TCPSTATE_SERVER].state == S_TW;
	struct tcpstate_end *client, *server;

	if (tcpstate_fsm_role(p, s->dir) != TCPSTATE_CLIENT)
		swap_roles(p);
	memset(p->end, 0, sizeof(p->end));
	p->flags &= TCPSTATE_PAIR_OWNER;
	client = &p->end[TCPSTATE_CLIENT];
	server = &p->end[TCPSTATE_SERVER];
	note_sender(client, s);
	client->state = S_SS;
	server->state = S_LI;	/* a SYN reached it, nothing answered yet */
	return TCPSTATE_EV_INCARNATION | (reuse ? TCPSTATE_EV_TW_REUSE : 0);
}

/* Crossing SYNs: both SYN_RCVD, roles as the ports say. */
static u32 simultaneous_open(struct tcpstate_pair *p, struct tcpstate_end *a,
			     struct tcpstate_end *b, const struct tcpstate_seg *s)
{
	note_sender(a, s);
	a->state = S_SR;
	b->state = S_SR;
	if (p->client_dir != p->port_client_dir)
		swap_roles(p);
	return TCPSTATE_EV_SIM_OPEN;
}

static u32 fsm_syn(struct tcpstate_pair *p, const struct tcpstate_seg *s)
{
	enum tcpstate_role from = tcpstate_fsm_role(p, s->dir);
	struct tcpstate_end *a = &p->end[from], *b = &p->end[!from];

	if (incarnation_over(p))
		return new_incarnation(p, s);
	if (a->state == S_LI && b->state == S_SS)
		return simultaneous_open(p, a, b, s);
	if (from == TCPSTATE_CLIENT && a->state == S_SS) {
		/*
		 * A retransmitted SYN. After a TIME_WAIT end refused it and the
		 * client reset that end, it reaches a CLOSED server again.
		 */
		note_sender(a, s);
		if (b->state == S_CL)
			b->state = S_LI;
	}
	return 0;	/* inside a live incarnation: no change */
}

/* The receiver's half of a segment that carries an ACK. */
static void receive_ack(struct tcpstate_end *b, u32 ack)
{
	if (b->state == S_SR) {
		if (acks_isn(b, ack))
			b->state = S_ES;
	} else if (acks_fin(b, ack)) {
		apply(b, fin_acked);
	}
}

/* The sender's half of its first FIN. */
static u32 send_fin(struct tcpstate_pair *p, struct tcpstate_end *a,
		    struct tcpstate_end *b, const struct tcpstate_seg *s)
{
	u8 before = a->state;

	apply(a, fin_sent);
	if (a->state == before || !(b->flags & TCPSTATE_END_FIN))
		return 0;
	if (acks_fin(b, s->ack)) {
		a->state = S_LA;		/* passive close */
		return 0;
	}
	a->state = S_CG;			/* the FINs crossed */
	if (p->flags & TCPSTATE_PAIR_SIM_CLOSE)
		return 0;
	p->flags |= TCPSTATE_PAIR_SIM_CLOSE;
	return TCPSTATE_EV_SIM_CLOSE;
}

/*
 * A SYN-ACK answers a SYN, or crosses one (simultaneous open); once the
 * receiver is synchronized it is a SYN inside a live connection, which
 * Linux only challenges. It may carry data, and a FIN.
 */
static u32 fsm_synack(struct tcpstate_pair *p, const struct tcpstate_seg *s)
{
	enum tcpstate_role from = tcpstate_fsm_role(p, s->dir);
	struct tcpstate_end *a = &p->end[from], *b = &p->end[!from];
	u32 ev = 0;

	if (b->state != S_SS && b->state != S_SR)
		return 0;
	note_sender(a, s);
	/* Answering a SYN makes a half-open endpoint, whatever the ack says. */
	if ((a->state == S_LI || a->state == S_CL) && b->state == S_SS)
		a->state = S_SR;
	if (!(s->flags & F_FIN) || (a->flags & TCPSTATE_END_FIN)) {
		receive_ack(b, s->ack);	/* simultaneous open: SYN acked */
	} else if (b->state == S_SS) {
		/*
		 * A client in SYN_SENT takes the SYN-ACK and drops its data
		 * and FIN (tcp_rcv_synsent_state_process): the sender has
		 * closed, the FIN is not received until it comes again.
		 */
		apply(a, fin_sent);
	} else {
		a->flags |= TCPSTATE_END_FIN;
		ev = send_fin(p, a, b, s);
		receive_ack(b, s->ack);
		apply(b, fin_received);
	}
	return ev;
}

/* seq = peer's last ack - 1 with at most one byte: a probe, not data. */
static u32 probe(const struct tcpstate_end *b, const struct tcpstate_seg *s)
{
	if (s->flags & (F_SYN | F_FIN | F_RST) || s->len > 1 ||
	    !(b->flags & TCPSTATE_END_ACKED) || s->seq != b->ack - 1)
		return 0;
	return b->win ? TCPSTATE_EV_KEEPALIVE : TCPSTATE_EV_ZERO_WINDOW_PROBE;
}

/*
 * One direction only: @b was never seen sending and is not local, so its
 * segments take another path. What @a sends tells what @b must have done.
 */
static void infer_peer(struct tcpstate_end *a, struct tcpstate_end *b,
		       const struct tcpstate_seg *s)
{
	if (a->state == S_SS && (b->state == S_LI || b->state == S_CL)) {
		/* The client's ACK answers a SYN-ACK that went another way. */
		b->isn = s->ack - 1;
		b->nxt = s->ack;
		b->flags |= TCPSTATE_END_SENT | TCPSTATE_END_ISN;
		b->state = S_SR;
	} else if (a->state == S_SR && b->state == S_SS) {
		/* A server sends beyond its SYN-ACK once the ACK came. */
		a->state = S_ES;
		b->state = S_ES;
	} else if ((a->flags & TCPSTATE_END_FIN) &&
		   !(b->flags & TCPSTATE_END_FIN) && b->state == S_CW &&
		   (a->state == S_F1 || a->state == S_F2) &&
		   (a->flags & TCPSTATE_END_ACKED) && after(s->ack, a->ack)) {
		/*
		 * After its FIN, @a acknowledges more: @b's FIN, which
		 * acknowledged @a's (a passive close), and this ACK ends it.
		 */
		b->nxt = s->ack;
		b->flags |= TCPSTATE_END_SENT | TCPSTATE_END_FIN;
		a->state = S_TW;
		b->state = S_CL;
	}
}

/*
 * Does the ACK cover what its receiver never sent? Linux drops such a
 * segment whole (tcp_ack(): "unsent data"). An end never seen sending
 * (picked up, or one direction only) did send it; we missed it.
 */
static bool acks_unsent(struct tcpstate_end *b, const struct tcpstate_seg *s)
{
	if (!(b->flags & TCPSTATE_END_SENT) || !after(s->ack, b->nxt))
		return false;
	if (b->flags & (TCPSTATE_END_SEEN | TCPSTATE_END_FIN))
		return true;
	b->nxt = s->ack;
	return false;
}

/* An ACK-bearing segment without SYN or RST: A sends, then B receives. */
static u32 fsm_ack(struct tcpstate_pair *p, const struct tcpstate_seg *s)
{
	enum tcpstate_role from = tcpstate_fsm_role(p, s->dir);
	struct tcpstate_end *a = &p->end[from], *b = &p->end[!from];
	bool first_fin = (s->flags & F_FIN) && !(a->flags & TCPSTATE_END_FIN);
	u32 ev;

	if ((b->flags & (TCPSTATE_END_SEEN | TCPSTATE_END_REMOTE)) ==
	    TCPSTATE_END_REMOTE)
		infer_peer(a, b, s);
	if (acks_unsent(b, s))
		return TCPSTATE_EV_INVALID;
	/* Probes keep the books: the sender's ack and window are current. */
	ev = probe(b, s);
	note_sender(a, s);
	if (ev)
		return ev;
	if (a->state == S_SS && acks_isn(b, s->ack))
		a->state = S_ES;		/* the handshake's last ACK */
	if (first_fin) {
		a->flags |= TCPSTATE_END_FIN;
		ev |= send_fin(p, a, b, s);
	}
	receive_ack(b, s->ack);
	if (first_fin)
		apply(b, fin_received);
	return ev;
}

/* What @b acknowledges, as a SYN_RCVD end would check a RST's seq. */
static bool rcv_nxt(const struct tcpstate_end *a, const struct tcpstate_end *b,
		    u32 *nxt)
{
	if (b->flags & TCPSTATE_END_ACKED) {
		*nxt = b->ack;
		return true;
	}
	*nxt = a->isn + 1;	/* a crossing SYN without ACK */
	return a->flags & TCPSTATE_END_ISN;
}

/*
 * RFC 5961 as Linux 6.1 implements it (tcp_rcv_synsent_state_process,
 * tcp_check_req, tcp_validate_incoming, tcp_reset_check): which RSTs
 * does the receiver accept?
 */
static bool rst_acceptable(const struct tcpstate_end *a,
			   const struct tcpstate_end *b,
			   const struct tcpstate_seg *s)
{
	u32 nxt;

	switch (b->state) {
	case S_CL:
		return false;	/* no socket left to reset */
	case S_SS:
		/* The ack covers the SYN and any data it carried (Fast Open). */
		return (s->flags & F_ACK) && acks_isn(b, s->ack);
	case S_SR:
		/* Any other in-window RST gets a challenge ACK. */
		return rcv_nxt(a, b, &nxt) && s->seq == nxt;
	}
	if ((a->flags & TCPSTATE_END_SENT) && s->seq == a->nxt)
		return true;
	if (!(b->flags & TCPSTATE_END_ACKED))
		return !(b->flags & TCPSTATE_END_SENT) &&
		       (a->flags & TCPSTATE_END_ISN) && s->seq == a->isn + 1;
	if (s->seq == b->ack)
		return true;
	return s->seq == b->ack - 1 &&
	       (b->state == S_CW || b->state == S_LA || b->state == S_CG);
}

/* A RST never feeds sequence tracking. */
static u32 fsm_rst(struct tcpstate_pair *p, const struct tcpstate_seg *s)
{
	enum tcpstate_role from = tcpstate_fsm_role(p, s->dir);
	struct tcpstate_end *a = &p->end[from], *b = &p->end[!from];

	if (!rst_acceptable(a, b, s))
		return TCPSTATE_EV_INVALID;
	b->state = S_CL;
	/*
	 * From SYN_SENT a RST refuses one SYN-ACK and the SYN is sent again,
	 * unless the sender is a socket already gone (closed before the
	 * handshake finished).
	 */
	if (a->state != S_SS || (s->hints & TCPSTATE_HINT_SENDER_GONE))
		a->state = S_CL;
	return TCPSTATE_EV_RESET;
}

/* Flag sets Linux drops without looking further: never change state. */
static bool flags_invalid(u8 flags)
{
	if (flags & F_RST)
		return false;	/* judged as a RST, whatever else is set */
	/* SYN|ACK|FIN is a SYN-ACK a client in SYN_SENT takes. */
	if ((flags & (F_SYN | F_FIN | F_ACK)) == (F_SYN | F_FIN))
		return true;
	return !(flags & (F_SYN | F_ACK));	/* FIN, NULL and Xmas scans */
}

enum tcpstate_open tcpstate_fsm_classify(u8 flags)
{
	if (flags & F_RST)
		return TCPSTATE_OPEN_NONE;
	if (flags_invalid(flags))
		return TCPSTATE_OPEN_INVALID;
	if (flags & F_SYN)
		return flags & F_ACK ? TCPSTATE_OPEN_SYNACK : TCPSTATE_OPEN_SYN;
	return TCPSTATE_OPEN_PICKUP;
}

/*
 * Which facts beyond the segment would its step use? Asked before each
 * step, so that the caller looks them up only when they matter.
 */
u8 tcpstate_fsm_wants(const struct tcpstate_pair *p,
		      const struct tcpstate_seg *s)
{
	enum tcpstate_role from = tcpstate_fsm_role(p, s->dir);
	const struct tcpstate_end *b = &p->end[!from];

	if (s->flags & F_RST)
		return p->end[from].state == S_SS ? TCPSTATE_WANT_OWNER : 0;
	if ((s->flags & (F_SYN | F_ACK)) == F_ACK &&
	    !(b->flags & (TCPSTATE_END_SEEN | TCPSTATE_END_PLACED)))
		return TCPSTATE_WANT_PLACE;
	return 0;
}

/* Record whether the end that sends in direction @dir is local. */
void tcpstate_fsm_place(struct tcpstate_pair *p, u8 dir, bool remote)
{
	struct tcpstate_end *e = &p->end[tcpstate_fsm_role(p, dir)];

	e->flags |= TCPSTATE_END_PLACED | (remote ? TCPSTATE_END_REMOTE : 0);
}

u32 tcpstate_fsm_step(struct tcpstate_pair *p, const struct tcpstate_seg *s)
{
	bool was_synchronized = pair_synchronized(p);
	u32 ev;

	if (flags_invalid(s->flags))
		return TCPSTATE_EV_INVALID;
	/* Only a SYN revives a tombstone; a SYN+RST is a RST. */
	if (!tcpstate_fsm_live(p) &&
	    (s->flags & (F_SYN | F_ACK | F_RST)) != F_SYN)
		return TCPSTATE_EV_IGNORED;
	if (s->flags & F_RST)
		return fsm_rst(p, s);
	if (s->flags & F_SYN)
		ev = s->flags & F_ACK ? fsm_synack(p, s) : fsm_syn(p, s);
	else
		ev = fsm_ack(p, s);
	if (!was_synchronized && pair_synchronized(p))
		ev |= TCPSTATE_EV_HANDSHAKE;
	return ev;
}

/*
 * Set up a new flow from its first segment (classified as creating one)
 * and apply it. A SYN-ACK without its SYN names the receiver the client,
 * waiting in SYN_SENT for exactly that SYN-ACK; anything else valid is
 * picked up mid-stream with both ends ESTABLISHED.
 */
u32 tcpstate_fsm_first(struct tcpstate_pair *p, const struct tcpstate_seg *s,
		       u8 port_client_dir)
{
	u8 owner = p->flags & TCPSTATE_PAIR_OWNER;
	struct tcpstate_end *client, *server;

	memset(p, 0, sizeof(*p));
	p->flags = owner;
	p->port_client_dir = port_client_dir;
	p->client_dir = s->dir;
	client = &p->end[TCPSTATE_CLIENT];
	server = &p->end[TCPSTATE_SERVER];
	switch (tcpstate_fsm_classify(s->flags)) {
	case TCPSTATE_OPEN_SYN:
		break;
	case TCPSTATE_OPEN_SYNACK:
		p->client_dir = !s->dir;
		client->state = S_SS;
		client->isn = s->ack - 1;
		client->nxt = s->ack;
		client->flags = TCPSTATE_END_SENT | TCPSTATE_END_ISN;
		break;
	case TCPSTATE_OPEN_PICKUP:
		/* Roles from the ports, unless a handshake names the client. */
		if (!(s->hints & TCPSTATE_HINT_SENDER_CLIENT))
			p->client_dir = port_client_dir;
		client->state = S_ES;
		server->state = S_ES;
		/* The receiver has sent at least what the segment acks. */
		p->end[!tcpstate_fsm_role(p, s->dir)].nxt = s->ack;
		p->end[!tcpstate_fsm_role(p, s->dir)].flags = TCPSTATE_END_SENT;
		return tcpstate_fsm_step(p, s) | TCPSTATE_EV_PICKED_UP;
	default:
		return TCPSTATE_EV_INVALID;
	}
	return tcpstate_fsm_step(p, s);
}

/* The kinds of history letters; the client's are upper case. */
static const char history_kinds[] = "shadfr";

#define HISTORY_SEEN_SHIFT	48
static_assert(2 * (sizeof(history_kinds) - 1) == TCPSTATE_HISTORY_LEN);
static_assert(4 * TCPSTATE_HISTORY_LEN <= HISTORY_SEEN_SHIFT);

/* One letter of @kind (an index into history_kinds) from @role, once. */
static void history_letter(struct tcpstate_history *h, enum tcpstate_role role,
			   unsigned int kind)
{
	unsigned int code = kind + (role == TCPSTATE_SERVER ? 6 : 0);
	u16 seen = h->bits >> HISTORY_SEEN_SHIFT;

	if (seen & BIT(code))
		return;
	h->bits |= (u64)(code + 1) << (4 * hweight16(seen)) |
		   BIT_ULL(HISTORY_SEEN_SHIFT + code);
}

void tcpstate_history_add(struct tcpstate_history *h, enum tcpstate_role role,
			  const struct tcpstate_seg *s)
{
	u8 f = s->flags;

	if (f & F_RST) {
		history_letter(h, role, 5);
		return;
	}
	if (f & F_SYN)
		history_letter(h, role, f & F_ACK ? 1 : 0);
	else if (!s->len && !(f & F_FIN))
		history_letter(h, role, 2);
	if (s->len)
		history_letter(h, role, 3);
	if (f & F_FIN)
		history_letter(h, role, 4);
}

/* The roles swapped: the letters recorded so far swap case with them. */
void tcpstate_history_swap(struct tcpstate_history *h)
{
	u64 seen = (h->bits >> HISTORY_SEEN_SHIFT) & GENMASK_ULL(11, 0);
	u64 bits = 0;
	int n;

	for (n = 0; n < TCPSTATE_HISTORY_LEN; n++) {
		u64 code = (h->bits >> (4 * n)) & 0xf;

		if (!code || code > TCPSTATE_HISTORY_LEN)
			break;
		code = code > 6 ? code - 6 : code + 6;
		bits |= code << (4 * n);
	}
	seen = (seen >> 6 | seen << 6) & GENMASK_ULL(11, 0);
	h->bits = bits | seen << HISTORY_SEEN_SHIFT;
}

/* The letters as a string in @buf; returns how many there are. */
int tcpstate_history_string(const struct tcpstate_history *h,
			    char buf[TCPSTATE_HISTORY_LEN + 1])
{
	int n;

	for (n = 0; n < TCPSTATE_HISTORY_LEN; n++) {
		unsigned int code = (h->bits >> (4 * n)) & 0xf;
		char c;

		if (!code || code > TCPSTATE_HISTORY_LEN)
			break;
		c = history_kinds[(code - 1) % 6];
		buf[n] = code <= 6 ? toupper(c) : c;
	}
	buf[n] = '\0';
	return n;
}
