// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: random and mutated segments through the hook and the state
 * machine, with the table's invariants checked as they go.
 */

#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <linux/sort.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/tcp.h>
#include "hooks.h"
#include "tcpstate.h"
#include "tcpstate_test.h"

/*
 * Every case prints the seed; a failure names the segment that broke an
 * invariant, and the packet. The same seed replays the same segments:
 * TCPSTATE_KUNIT_ARGS=tcpstate.fuzz_seed=0x... scripts/kunit 'tcpstate_fuzz*'
 */
static unsigned long fuzz_seed = 0x5eed7c9e0a3bd1f5UL;
module_param(fuzz_seed, ulong, 0444);
MODULE_PARM_DESC(fuzz_seed, "seed of the tcpstate_fuzz suite");

static unsigned int fuzz_segments;
module_param(fuzz_segments, uint, 0444);
MODULE_PARM_DESC(fuzz_segments,
		 "segments of fuzz_packets (0: 1000000, 150000 under KASAN)");

#define FZ_PACKETS	1000000
#define FZ_PACKETS_KASAN 150000
#define FZ_FSM_WALKS	20000
#define FZ_MAX_FLOWS	256	/* reached: the cap is exercised too */
#define FZ_BUF		1024	/* the largest packet built */
#define FZ_PAYLOAD_MAX	400
/* Where TCP goes at the latest: a header and the payload fit after. */
#define FZ_L4_MAX	(FZ_BUF - 60 - FZ_PAYLOAD_MAX)
#define FZ_EXT_MAX	40	/* IPv6 extension headers in one chain */
#define FZ_REPLAY	8	/* recent segments kept to send again */
#define FZ_FAILS_SHOWN	5
#define FZ_ALL_STATES	(BIT(TCPSTATE_NSTATES) - 1)

/* xorshift64*: fast, and the same sequence on every machine. */
struct fz_rng {
	u64 state;
};

static void fz_seed(struct fz_rng *r, u64 seed)
{
	r->state = seed ? seed : 1;
}

static u64 fz_next(struct fz_rng *r)
{
	u64 x = r->state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, n). */
static u32 fz_below(struct fz_rng *r, u32 n)
{
	return (u32)(((fz_next(r) >> 32) * n) >> 32);
}

static bool fz_percent(struct fz_rng *r, u32 percent)
{
	return fz_below(r, 100) < percent;
}

/* ISNs just below where sequence arithmetic wraps or turns, or anywhere. */
static u32 fz_isn(struct fz_rng *r)
{
	switch (fz_below(r, 4)) {
	case 0:
		return 0xffffffffu - fz_below(r, 300);
	case 1:
		return 0x7fffffffu - fz_below(r, 300);
	default:
		return (u32)fz_next(r);
	}
}

static u16 fz_len(struct fz_rng *r)
{
	u32 roll = fz_below(r, 100);

	if (roll < 5)
		return 0;
	if (roll < 75)
		return 1 + fz_below(r, 64);
	return 65 + fz_below(r, FZ_PAYLOAD_MAX - 64);
}

/* One segment as a connection means it, before it becomes a packet. */
struct fz_seg {
	u32 seq;
	u32 ack;
	u16 win;
	u16 len;
	u8 flags;
	u8 from;	/* end 0 or 1 of the tuple */
};

enum fz_phase {
	FZ_IDLE,	/* nothing open */
	FZ_SYN,		/* the client's SYN sent */
	FZ_SYNACK,	/* the server answered */
	FZ_SIMOPEN,	/* both sent a SYN */
	FZ_EST,		/* data; FINs may have been sent */
	FZ_FINS,	/* both FINs sent */
	FZ_CLOSED,	/* over: stragglers and new SYNs */
};

/* Two endpoints and the conversation the generator keeps between them. */
struct fz_tuple {
	u8 family;
	struct in6_addr addr[2];
	__be16 port[2];
	bool local[2];			/* that end is on this host */
	struct tcpstate_key key;	/* as the parser makes it */
	u8 phase;
	u8 client;			/* the end that opened */
	u8 done;			/* SYN-ACKs or last ACKs sent */
	bool fin[2];
	u32 isn[2];
	u32 nxt[2];
	struct fz_seg sent[FZ_REPLAY];
	unsigned int nsent;
};

/* How a segment is wrapped: options, IP options, extension headers. */
struct fz_shape {
	u8 opt[MAX_TCP_OPTION_SPACE];
	u8 optlen;
	bool set_doff;		/* else as the options need */
	u8 doff;
	u8 ihl;			/* IPv4 header words, 0: 5 */
	__be16 frag_off;	/* IPv4 */
	u8 proto;		/* what the last IP header names, 0: TCP */
	u8 next;		/* IPv6 extension headers */
	u8 ext[FZ_EXT_MAX];
	u8 ext_units[FZ_EXT_MAX];
	__be16 ext_frag[FZ_EXT_MAX];
};

struct fz_pkt {
	u8 data[FZ_BUF];
	unsigned int len;
	unsigned int l4;	/* where the TCP header was put */
	u8 pf;
	u8 hook;
	u8 csum;		/* enum fz_csum */
	u8 gso_segs;
	unsigned int linear;	/* bytes in the head, the rest in a page */
};

enum fz_csum {
	FZ_CSUM_VERIFIED,	/* the device checked it */
	FZ_CSUM_FIXED,		/* recomputed after mutation: must pass */
	FZ_CSUM_AS_IS,		/* probably wrong after a mutation */
	FZ_NCSUM,
};

/* What a segment may have changed of its flow. */
struct fz_flow {
	bool found;
	u8 born;
	u8 outgoing;
	struct tcpstate_pair pair;
	struct tcpstate_history history;
	u32 last;
};

struct fz_obs {
	u64 ctr[TCPSTATE_NCOUNTERS];
	int entries;
	struct fz_flow flow;
};

/* A server end of a flow that its listener must count. */
struct fz_server {
	struct tcpstate_lkey key;
	u8 half_open;
	u8 close_wait;
};

struct fz {
	struct kunit *test;
	struct tcpstate_net *tn;
	struct fz_rng rng;
	u64 seed;
	u64 index;		/* segments fed so far: names a failure */
	unsigned int fails;
	struct fz_pkt pkt;
	u8 copy[FZ_BUF];
	struct fz_obs before, after;
	struct fz_server *servers;
	u16 seen[TCPSTATE_NROLES];	/* states reached */
	u64 parsed[3];			/* by enum tcpstate_parse */
	int max_entries;
	unsigned int checks;
	u64 fast;		/* segments the fast path took */
};

static __printf(2, 3) void fz_fail(struct fz *fz, const char *fmt, ...)
{
	struct va_format vaf;
	unsigned int i, n;
	va_list args;

	if (fz->fails++ >= FZ_FAILS_SHOWN)
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	KUNIT_FAIL(fz->test, "segment %llu (tcpstate.fuzz_seed=%#llx): %pV",
		   fz->index, fz->seed, &vaf);
	va_end(args);
	n = min_t(unsigned int, fz->pkt.len, 256);
	kunit_err(fz->test,
		  "packet: pf %u hook %u csum %u gso %u linear %u len %u",
		  fz->pkt.pf, fz->pkt.hook, fz->pkt.csum, fz->pkt.gso_segs,
		  fz->pkt.linear, fz->pkt.len);
	for (i = 0; i < n; i += 32)
		kunit_err(fz->test, "%04x: %*ph", i, min(32u, n - i),
			  fz->pkt.data + i);
}

#define FZ_CHECK(fz, cond, fmt, ...)				\
	do {							\
		if (!(cond))					\
			fz_fail(fz, fmt, ##__VA_ARGS__);	\
	} while (0)

/* -- the generator ------------------------------------------------------ */

static void fz_tuple_init(struct fz_tuple *t, u8 family, u8 a, u8 b,
			  u16 aport, u16 bport, bool alocal, bool blocal)
{
	memset(t, 0, sizeof(*t));
	t->family = family;
	if (family == AF_INET) {
		t->addr[0].s6_addr32[0] = htonl(0x0a000000 | a);
		t->addr[1].s6_addr32[0] = htonl(0x0a000000 | b);
	} else {
		t->addr[0].s6_addr[0] = 0xfd;
		t->addr[0].s6_addr[15] = a;
		t->addr[1].s6_addr[0] = 0xfd;
		t->addr[1].s6_addr[15] = b;
	}
	t->port[0] = htons(aport);
	t->port[1] = htons(bport);
	t->local[0] = alocal;
	t->local[1] = blocal;
}

/* The next segment of @from's sequence space. */
static void fz_send(struct fz_tuple *t, struct fz_seg *s, u8 from, u8 flags,
		    u16 len)
{
	s->from = from;
	s->flags = flags;
	s->len = len;
	s->seq = t->nxt[from];
	s->ack = flags & TCPSTATE_F_ACK ? t->nxt[!from] : 0;
	t->nxt[from] += len + !!(flags & TCPSTATE_F_SYN) +
			!!(flags & TCPSTATE_F_FIN);
}

static void fz_syn(struct fz_rng *r, struct fz_tuple *t, struct fz_seg *s,
		   u8 from, u8 flags)
{
	t->isn[from] = fz_isn(r);
	t->nxt[from] = t->isn[from];
	fz_send(t, s, from, flags, 0);
}

/* The SYN or SYN-ACK of @from once more. */
static void fz_resyn(struct fz_tuple *t, struct fz_seg *s, u8 from, u8 flags)
{
	s->from = from;
	s->flags = flags;
	s->len = 0;
	s->seq = t->isn[from];
	s->ack = flags & TCPSTATE_F_ACK ? t->nxt[!from] : 0;
}

static void fz_gen_idle(struct fz_rng *r, struct fz_tuple *t,
			struct fz_seg *s)
{
	u8 end = fz_percent(r, 70) ? 0 : 1;
	u32 roll = fz_below(r, 100);

	t->fin[0] = false;
	t->fin[1] = false;
	t->done = 0;
	if (roll < 70) {
		t->client = end;
		fz_syn(r, t, s, end, TCPSTATE_F_SYN);
		t->phase = FZ_SYN;
	} else if (roll < 85) {			/* mid-stream */
		t->nxt[0] = fz_isn(r);
		t->nxt[1] = fz_isn(r);
		fz_send(t, s, end, TCPSTATE_F_ACK | TCPSTATE_F_PSH, fz_len(r));
		t->phase = FZ_EST;
	} else {
		fz_send(t, s, end, fz_percent(r, 50) ? TCPSTATE_F_RST :
			TCPSTATE_F_ACK, 0);
	}
}

static void fz_gen_syn(struct fz_rng *r, struct fz_tuple *t,
		       struct fz_seg *s)
{
	u8 c = t->client, v = !c;
	u32 roll = fz_below(r, 100);

	if (roll < 60) {
		fz_syn(r, t, s, v, TCPSTATE_F_SYN | TCPSTATE_F_ACK);
		t->phase = FZ_SYNACK;
	} else if (roll < 75) {
		fz_resyn(t, s, c, TCPSTATE_F_SYN);
	} else if (roll < 85) {			/* the SYNs cross */
		fz_syn(r, t, s, v, TCPSTATE_F_SYN);
		t->phase = FZ_SIMOPEN;
	} else if (roll < 95) {			/* refused */
		fz_send(t, s, v, TCPSTATE_F_RST | TCPSTATE_F_ACK, 0);
		t->phase = FZ_IDLE;
	} else {
		fz_resyn(t, s, c, TCPSTATE_F_SYN);
		t->phase = FZ_IDLE;		/* given up */
	}
}

static void fz_gen_synack(struct fz_rng *r, struct fz_tuple *t,
			  struct fz_seg *s)
{
	u8 c = t->client, v = !c;
	u32 roll = fz_below(r, 100);

	if (roll < 65) {
		fz_send(t, s, c, TCPSTATE_F_ACK,
			fz_percent(r, 20) ? fz_len(r) : 0);
		t->phase = FZ_EST;
	} else if (roll < 80) {
		fz_resyn(t, s, v, TCPSTATE_F_SYN | TCPSTATE_F_ACK);
	} else if (roll < 88) {
		fz_send(t, s, c, TCPSTATE_F_RST, 0);
		t->phase = FZ_IDLE;
	} else {				/* closed while half-open */
		fz_send(t, s, v, TCPSTATE_F_FIN | TCPSTATE_F_ACK, 0);
		t->fin[v] = true;
		t->phase = FZ_EST;
	}
}

static void fz_gen_simopen(struct fz_rng *r, struct fz_tuple *t,
			   struct fz_seg *s)
{
	u8 end = fz_below(r, 2);

	if (fz_percent(r, 10)) {
		fz_resyn(t, s, end, TCPSTATE_F_SYN);
		return;
	}
	fz_resyn(t, s, end, TCPSTATE_F_SYN | TCPSTATE_F_ACK);
	t->done |= BIT(end);
	if (t->done == 3)
		t->phase = FZ_EST;
}

static void fz_gen_est(struct fz_rng *r, struct fz_tuple *t,
		       struct fz_seg *s)
{
	u8 end = fz_below(r, 2);
	u32 roll = fz_below(r, 100);
	u8 ack = TCPSTATE_F_ACK;

	if (roll < 35 && !t->fin[end]) {
		fz_send(t, s, end, ack | TCPSTATE_F_PSH, fz_len(r));
	} else if (roll < 58) {
		fz_send(t, s, end, ack, 0);
	} else if (roll < 63) {			/* a keepalive probe */
		fz_send(t, s, end, ack, 0);
		s->seq--;
		s->len = fz_below(r, 2);
	} else if (roll < 66) {
		fz_send(t, s, end, ack, 0);
		s->win = 0;
	} else if (roll < 85 && !t->fin[end]) {
		fz_send(t, s, end, ack | TCPSTATE_F_FIN,
			fz_percent(r, 20) ? fz_len(r) : 0);
		if (t->fin[!end] && fz_percent(r, 50))
			s->ack--;		/* the FINs cross */
		t->fin[end] = true;
		if (t->fin[!end]) {
			t->done = 0;
			t->phase = FZ_FINS;
		}
	} else if (roll < 90) {
		fz_send(t, s, end, TCPSTATE_F_RST | (fz_percent(r, 50) ?
						     ack : 0), 0);
		t->phase = FZ_CLOSED;
	} else {
		fz_send(t, s, end, ack, 0);
	}
}

static void fz_gen_fins(struct fz_rng *r, struct fz_tuple *t,
			struct fz_seg *s)
{
	u8 end = fz_below(r, 2);
	u32 roll = fz_below(r, 100);

	if (roll < 70) {
		fz_send(t, s, end, TCPSTATE_F_ACK, 0);
		t->done |= BIT(end);
		if (t->done == 3)
			t->phase = FZ_CLOSED;
	} else if (roll < 90) {			/* the FIN again */
		fz_send(t, s, end, TCPSTATE_F_ACK | TCPSTATE_F_FIN, 0);
		s->seq--;
		t->nxt[end]--;
	} else {
		fz_send(t, s, end, TCPSTATE_F_RST, 0);
		t->phase = FZ_CLOSED;
	}
}

static void fz_gen_closed(struct fz_rng *r, struct fz_tuple *t,
			  struct fz_seg *s)
{
	u8 end = fz_below(r, 2);
	u32 roll = fz_below(r, 100);

	if (roll < 60) {			/* a new connection */
		u32 old = t->nxt[end];

		fz_gen_idle(r, t, s);
		if (t->phase == FZ_SYN && fz_percent(r, 50)) {
			/* as Linux reuses TIME_WAIT: above the old sequence */
			t->isn[t->client] = old + 65536;
			t->nxt[t->client] = old + 65537;
			s->seq = old + 65536;
		}
	} else if (roll < 80) {
		fz_send(t, s, end, TCPSTATE_F_ACK, 0);
	} else {
		fz_send(t, s, end, TCPSTATE_F_RST, 0);
		t->phase = FZ_IDLE;
	}
}

/* Anything at all: flags, and sequence numbers near or far. */
static void fz_chaos(struct fz_rng *r, const struct fz_tuple *t,
		     struct fz_seg *s)
{
	s->flags = fz_below(r, 256);
	if (fz_percent(r, 50))
		s->seq = fz_percent(r, 50) ? (u32)fz_next(r) :
			 t->nxt[s->from] + fz_below(r, 5) - 2;
	if (fz_percent(r, 50))
		s->ack = fz_percent(r, 50) ? (u32)fz_next(r) :
			 t->nxt[!s->from] + fz_below(r, 5) - 2;
	if (fz_percent(r, 20))
		s->len = fz_len(r);
}

static void fz_generate(struct fz_rng *r, struct fz_tuple *t,
			struct fz_seg *s)
{
	static void (*const phase[])(struct fz_rng *, struct fz_tuple *,
				     struct fz_seg *) = {
		[FZ_IDLE] = fz_gen_idle,
		[FZ_SYN] = fz_gen_syn,
		[FZ_SYNACK] = fz_gen_synack,
		[FZ_SIMOPEN] = fz_gen_simopen,
		[FZ_EST] = fz_gen_est,
		[FZ_FINS] = fz_gen_fins,
		[FZ_CLOSED] = fz_gen_closed,
	};

	if (t->nsent && fz_percent(r, 4)) {	/* late or reordered */
		*s = t->sent[fz_below(r, min_t(u32, t->nsent, FZ_REPLAY))];
		return;
	}
	memset(s, 0, sizeof(*s));
	phase[t->phase](r, t, s);
	if (!s->win)
		s->win = fz_percent(r, 3) ? 0 : 1 + fz_below(r, 65535);
	if (fz_percent(r, 4))
		fz_chaos(r, t, s);
	t->sent[t->nsent++ % FZ_REPLAY] = *s;
}

/* -- packets ------------------------------------------------------------ */

/* Valid options, padded to whole words. */
static void fz_options(struct fz_rng *r, struct fz_shape *sh)
{
	static const u8 mss[] = { TCPOPT_MSS, TCPOLEN_MSS, 0x05, 0xb4 };
	static const u8 ws[] = { TCPOPT_NOP, TCPOPT_WINDOW, TCPOLEN_WINDOW, 7 };
	static const u8 sackp[] = { TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK_PERM,
				    TCPOLEN_SACK_PERM };
	static const u8 ts[] = { TCPOPT_NOP, TCPOPT_NOP, TCPOPT_TIMESTAMP,
				 TCPOLEN_TIMESTAMP, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const u8 sack[] = { TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK, 10,
				   1, 2, 3, 4, 5, 6, 7, 8 };
	static const struct { const u8 *opt; u8 len; } all[] = {
		{ mss, sizeof(mss) }, { ws, sizeof(ws) },
		{ sackp, sizeof(sackp) }, { ts, sizeof(ts) },
		{ sack, sizeof(sack) },
	};
	int i;

	sh->optlen = 0;
	for (i = 0; i < ARRAY_SIZE(all); i++) {
		if (!fz_percent(r, 35))
			continue;
		memcpy(sh->opt + sh->optlen, all[i].opt, all[i].len);
		sh->optlen += all[i].len;
	}
}

/* An option list that probably breaks a rule; doff follows its length. */
static void fz_bad_options(struct fz_rng *r, struct fz_shape *sh)
{
	unsigned int n = 4 * (1 + fz_below(r, 10)), i = 0;
	u8 len;

	while (i < n) {
		sh->opt[i++] = fz_percent(r, 20) ? fz_below(r, 2) :
			       2 + fz_below(r, 40);
		if (sh->opt[i - 1] <= TCPOPT_NOP || i == n)
			continue;
		switch (fz_below(r, 5)) {
		case 0:
			len = fz_below(r, 2);	/* below its own size */
			break;
		case 1:
			len = n - i + 2;		/* one past the end */
			break;
		case 2:
			len = fz_below(r, 256);
			break;
		default:
			len = 2 + fz_below(r, n - i);
			break;
		}
		sh->opt[i++] = len;
		if (len > 2)
			i += min_t(unsigned int, len - 2, n - i);
	}
	sh->optlen = n;
}

static unsigned int fz_ipv4(struct fz_pkt *p, const struct fz_shape *sh,
			    const struct in6_addr *src,
			    const struct in6_addr *dst)
{
	struct iphdr *iph = (struct iphdr *)p->data;
	unsigned int ihl = sh->ihl ? sh->ihl : 5;

	iph->version = 4;
	iph->ihl = ihl;		/* below 5 a lie: the header still takes 20 */
	ihl = max(ihl, 5u);
	iph->ttl = 64;
	iph->protocol = sh->proto ? sh->proto : IPPROTO_TCP;
	iph->frag_off = sh->frag_off;
	iph->saddr = src->s6_addr32[0];
	iph->daddr = dst->s6_addr32[0];
	memset(iph + 1, IPOPT_NOOP, ihl * 4 - sizeof(*iph));
	return ihl * 4;
}

/* One extension header; returns its length. */
static unsigned int fz_exthdr(u8 *hdr, u8 type, u8 units, __be16 frag_off)
{
	if (type == NEXTHDR_FRAGMENT) {
		((struct frag_hdr *)hdr)->frag_off = frag_off;
		((struct frag_hdr *)hdr)->identification = htonl(0x1234);
		return sizeof(struct frag_hdr);
	}
	hdr[1] = units;
	if (type == NEXTHDR_AUTH)
		return (units + 2) * 4;
	return (units + 1) * 8;
}

static unsigned int fz_ipv6(struct fz_pkt *p, const struct fz_shape *sh,
			    const struct in6_addr *src,
			    const struct in6_addr *dst)
{
	struct ipv6hdr *ip6h = (struct ipv6hdr *)p->data;
	unsigned int off = sizeof(*ip6h), len, i;
	u8 *next = &ip6h->nexthdr;

	ip6h->version = 6;
	ip6h->hop_limit = 64;
	ip6h->saddr = *src;
	ip6h->daddr = *dst;
	for (i = 0; i < sh->next; i++) {
		*next = sh->ext[i];
		next = p->data + off;
		len = fz_exthdr(p->data + off, sh->ext[i], sh->ext_units[i],
				sh->ext_frag[i]);
		/* Past the room: a header claiming more than there is. */
		off = min_t(unsigned int, off + len, FZ_L4_MAX);
	}
	*next = sh->proto ? sh->proto : IPPROTO_TCP;
	return off;
}

static void fz_build(struct fz_pkt *p, const struct fz_tuple *t,
		     const struct fz_seg *s, const struct fz_shape *sh)
{
	const struct in6_addr *src = &t->addr[s->from];
	const struct in6_addr *dst = &t->addr[!s->from];
	unsigned int tcplen;
	struct tcphdr *th;
	__wsum csum;

	memset(p->data, 0, sizeof(p->data));
	p->pf = t->family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;
	p->hook = t->local[s->from] ? NF_INET_LOCAL_OUT : NF_INET_PRE_ROUTING;
	p->l4 = t->family == AF_INET ? fz_ipv4(p, sh, src, dst) :
				       fz_ipv6(p, sh, src, dst);
	th = (struct tcphdr *)(p->data + p->l4);
	th->source = t->port[s->from];
	th->dest = t->port[!s->from];
	th->seq = htonl(s->seq);
	th->ack_seq = htonl(s->ack);
	th->doff = sh->set_doff ? sh->doff : 5 + DIV_ROUND_UP(sh->optlen, 4);
	((u8 *)th)[13] = s->flags;
	th->window = htons(s->win);
	memcpy(th + 1, sh->opt, sh->optlen);
	tcplen = sizeof(*th) + round_up(sh->optlen, 4) + s->len;
	memset((u8 *)(th + 1) + round_up(sh->optlen, 4), 0x5a, s->len);
	p->len = p->l4 + tcplen;
	csum = csum_partial(th, tcplen, 0);
	if (t->family == AF_INET) {
		struct iphdr *iph = (struct iphdr *)p->data;

		iph->tot_len = htons(p->len);
		iph->check = ip_fast_csum(iph, iph->ihl);
		th->check = csum_tcpudp_magic(iph->saddr, iph->daddr, tcplen,
					      IPPROTO_TCP, csum);
	} else {
		((struct ipv6hdr *)p->data)->payload_len =
			htons(p->len - sizeof(struct ipv6hdr));
		th->check = csum_ipv6_magic(src, dst, tcplen, IPPROTO_TCP,
					    csum);
	}
}

/* A shape that real stacks send. */
static void fz_valid_shape(struct fz_rng *r, const struct fz_tuple *t,
			   struct fz_shape *sh)
{
	static const u8 types[] = { NEXTHDR_HOP, NEXTHDR_DEST, NEXTHDR_ROUTING,
				    NEXTHDR_AUTH, NEXTHDR_FRAGMENT };
	unsigned int i;

	memset(sh, 0, sizeof(*sh));
	if (fz_percent(r, 50))
		fz_options(r, sh);
	if (t->family == AF_INET) {
		if (fz_percent(r, 10))
			sh->ihl = 6 + fz_below(r, 10);
		if (fz_percent(r, 30))
			sh->frag_off = htons(IP_DF);
	} else if (fz_percent(r, 20)) {
		sh->next = 1 + fz_below(r, 3);
		for (i = 0; i < sh->next; i++) {
			sh->ext[i] = types[fz_below(r, ARRAY_SIZE(types))];
			sh->ext_units[i] = fz_below(r, 3);
		}
	}
}

/* IPv6 chains that loop, stop, overrun or fragment. */
static void fz_bad_chain(struct fz_rng *r, struct fz_shape *sh)
{
	static const u8 types[] = { NEXTHDR_HOP, NEXTHDR_DEST, NEXTHDR_ROUTING,
				    NEXTHDR_AUTH, NEXTHDR_FRAGMENT,
				    NEXTHDR_NONE, NEXTHDR_ESP, IPPROTO_UDP,
				    253 };
	unsigned int i;

	sh->next = 1 + fz_below(r, 12);
	for (i = 0; i < sh->next; i++) {
		sh->ext[i] = fz_percent(r, 30) ? NEXTHDR_HOP :
			     types[fz_below(r, ARRAY_SIZE(types))];
		sh->ext_units[i] = fz_percent(r, 10) ? fz_below(r, 256) :
				   fz_below(r, 3);
		sh->ext_frag[i] = fz_percent(r, 50) ? 0 :
				  htons(fz_below(r, 0x10000));
	}
}

/* Wrap-level mutations, decided before the bytes exist. */
static void fz_mutate_shape(struct fz_rng *r, const struct fz_tuple *t,
			    struct fz_shape *sh)
{
	switch (fz_below(r, 5)) {
	case 0:
		fz_bad_options(r, sh);
		break;
	case 1:
		sh->set_doff = true;
		sh->doff = fz_below(r, 16);
		break;
	case 2:
		if (t->family == AF_INET)
			sh->frag_off = htons(fz_below(r, 0x10000));
		else
			fz_bad_chain(r, sh);
		break;
	case 3:
		if (t->family == AF_INET)
			sh->ihl = fz_below(r, 16);
		else
			fz_bad_chain(r, sh);
		break;
	default:
		sh->proto = fz_percent(r, 50) ? IPPROTO_UDP : fz_below(r, 256);
		break;
	}
}

/* Byte-level mutations of a built packet. */
static void fz_mutate_bytes(struct fz_rng *r, struct fz_pkt *p)
{
	unsigned int i, n, at;

	switch (fz_below(r, 6)) {
	case 0:					/* bit flips anywhere */
		for (n = 1 + fz_below(r, 8), i = 0; i < n; i++) {
			at = fz_below(r, p->len * 8);
			p->data[at / 8] ^= BIT(at % 8);
		}
		break;
	case 1:					/* in the TCP header */
		for (n = 1 + fz_below(r, 4), i = 0; i < n; i++) {
			at = p->l4 * 8 + fz_below(r, 20 * 8);
			p->data[at / 8] ^= BIT(at % 8);
		}
		break;
	case 2:
		p->len = fz_below(r, p->len + 1);
		break;
	case 3:					/* random bytes */
		at = fz_below(r, p->len);
		n = min_t(unsigned int, 1 + fz_below(r, 16), p->len - at);
		for (i = 0; i < n; i++)
			p->data[at + i] = fz_below(r, 256);
		break;
	case 4:					/* beyond the IP length */
		p->len = min_t(unsigned int, FZ_BUF, p->len + fz_below(r, 64));
		break;
	default:
		p->data[0] = (fz_below(r, 16) << 4) | (p->data[0] & 0xf);
		break;
	}
}

/* A hook gets the IP header in the skb's head; the rest may be paged. */
static unsigned int fz_min_linear(const struct fz_pkt *p)
{
	return min_t(unsigned int, p->len, sizeof(struct ipv6hdr));
}

/* Give a TCP segment the checksum that the hook verifies. */
static void fz_fix_checksum(struct sk_buff *skb, u8 pf)
{
	unsigned int off, len;
	struct tcpstate_pkt pkt;
	__sum16 check = 0;
	__wsum csum;

	if (tcpstate_parse(skb, pf, &pkt) != TCPSTATE_TCP)
		return;
	off = pkt.thoff + offsetof(struct tcphdr, check);
	len = skb->len - pkt.thoff;
	if (skb_store_bits(skb, off, &check, sizeof(check)))
		return;
	csum = skb_checksum(skb, pkt.thoff, len, 0);
	if (pf == NFPROTO_IPV4)
		check = csum_tcpudp_magic(ip_hdr(skb)->saddr,
					  ip_hdr(skb)->daddr, len,
					  IPPROTO_TCP, csum);
	else
		check = csum_ipv6_magic(&ipv6_hdr(skb)->saddr,
					&ipv6_hdr(skb)->daddr, len,
					IPPROTO_TCP, csum);
	skb_store_bits(skb, off, &check, sizeof(check));
}

/* The packet as a hook gets it; the tail of it in a page, sometimes. */
static struct sk_buff *fz_skb(struct fz *fz)
{
	struct fz_pkt *p = &fz->pkt;
	struct page *page;
	struct sk_buff *skb;
	unsigned int rest;

	skb = alloc_skb(p->linear, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reset_network_header(skb);
	skb_put_data(skb, p->data, p->linear);
	rest = p->len - p->linear;
	if (rest) {
		page = alloc_page(GFP_KERNEL);
		if (!page) {
			kfree_skb(skb);
			return NULL;
		}
		/* At the page's end: nothing readable follows. */
		memcpy(page_address(page) + PAGE_SIZE - rest,
		       p->data + p->linear, rest);
		skb_add_rx_frag(skb, 0, page, PAGE_SIZE - rest, rest,
				PAGE_SIZE);
	}
	if (p->gso_segs) {
		skb_shinfo(skb)->gso_size = 100;
		skb_shinfo(skb)->gso_segs = p->gso_segs - 1;
		skb_shinfo(skb)->gso_type = p->pf == NFPROTO_IPV4 ?
					    SKB_GSO_TCPV4 : SKB_GSO_TCPV6;
	}
	switch (p->csum) {
	case FZ_CSUM_VERIFIED:
		skb->ip_summed = CHECKSUM_UNNECESSARY;
		break;
	case FZ_CSUM_FIXED:
		fz_fix_checksum(skb, p->pf);
		break;
	}
	return skb;
}

/* Delivery details: hook, checksum state, GSO, where the head ends. */
static void fz_delivery(struct fz_rng *r, struct fz_pkt *p)
{
	unsigned int min = fz_min_linear(p);

	if (fz_percent(r, 5))
		p->hook = p->hook == NF_INET_LOCAL_OUT ? NF_INET_PRE_ROUTING :
							 NF_INET_LOCAL_OUT;
	if (fz_percent(r, 1))
		p->pf = p->pf == NFPROTO_IPV4 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	p->csum = fz_below(r, FZ_NCSUM);
	p->gso_segs = fz_percent(r, 5) ? 1 + fz_below(r, 64) : 0;
	p->linear = p->len;
	if (p->len > min && fz_percent(r, 25))
		p->linear = min + fz_below(r, p->len - min + 1);
}

/* -- what the table holds ------------------------------------------------ */

static void fz_counters(struct tcpstate_net *tn, u64 *ctr)
{
	int cpu, i;

	memset(ctr, 0, sizeof(u64) * TCPSTATE_NCOUNTERS);
	for_each_possible_cpu(cpu)
		for (i = 0; i < TCPSTATE_NCOUNTERS; i++)
			ctr[i] += per_cpu_ptr(tn->stats, cpu)->counter[i];
}

static void fz_flow_copy(struct tcpstate_flow *flow, struct fz_flow *f)
{
	spin_lock_bh(&flow->lock);
	f->found = true;
	f->born = tcpstate_flow_is(flow, TCPSTATE_FLOW_BORN);
	f->outgoing = tcpstate_flow_is(flow, TCPSTATE_FLOW_OUTGOING);
	memcpy(&f->pair, &flow->pair, sizeof(f->pair));
	memcpy(&f->history, &flow->history, sizeof(f->history));
	f->last = flow->last;
	spin_unlock_bh(&flow->lock);
}

static void fz_observe(struct fz *fz, const struct tcpstate_key *key,
		       struct fz_obs *o)
{
	struct tcpstate_flow *flow;

	fz_counters(fz->tn, o->ctr);
	o->entries = atomic_read(&fz->tn->table.entries);
	memset(&o->flow, 0, sizeof(o->flow));
	rcu_read_lock();
	flow = tcpstate_table_lookup(fz->tn, key);
	if (flow)
		fz_flow_copy(flow, &o->flow);
	rcu_read_unlock();
}

static bool fz_same_flow(const struct fz_obs *a, const struct fz_obs *b)
{
	return a->entries == b->entries &&
	       !memcmp(&a->flow, &b->flow, sizeof(a->flow));
}

/* Counters other than @a and @b did not move. */
static bool fz_only_counted(const struct fz_obs *before,
			    const struct fz_obs *after, int a, int b)
{
	int i;

	for (i = 0; i < TCPSTATE_NCOUNTERS; i++)
		if (i != a && i != b && before->ctr[i] != after->ctr[i])
			return false;
	return true;
}

static unsigned int fz_hook(struct tcpstate_net *tn, struct sk_buff *skb,
			    u8 pf, u8 hook)
{
	struct nf_hook_state state = {
		.hook = hook,
		.pf = pf,
		.net = &init_net,
	};
	unsigned int verdict;

	/* As netfilter calls it: under RCU, in softirq on the way in. */
	rcu_read_lock();
	if (hook == NF_INET_PRE_ROUTING)
		local_bh_disable();
	verdict = tcpstate_hook_segment(tn, skb, &state);
	if (hook == NF_INET_PRE_ROUTING)
		local_bh_enable();
	rcu_read_unlock();
	return verdict;
}

static void fz_note_states(struct fz *fz, const struct fz_flow *f)
{
	int role;

	if (!f->found || !tcpstate_fsm_live(&f->pair))
		return;
	for (role = 0; role < TCPSTATE_NROLES; role++)
		fz->seen[role] |= BIT(f->pair.end[role].state);
}

/* Invalid segments change nothing but `segments` and `invalid`. */
/*
 * What a packet counts in segments: its gso_segs, or where the sender
 * left that 0 (virtio-net, tun), the payload in gso_size (100) steps.
 */
static u32 fz_segments(const struct fz_pkt *p, enum tcpstate_parse res,
		       const struct tcpstate_pkt *pkt)
{
	if (!p->gso_segs)
		return 1;
	if (p->gso_segs > 1)
		return p->gso_segs - 1;
	return res == TCPSTATE_TCP ? max_t(u32, 1, DIV_ROUND_UP(pkt->seg.len,
								100)) : 1;
}

static void fz_check_segment(struct fz *fz, enum tcpstate_parse res,
			     const struct tcpstate_pkt *pkt)
{
	const struct fz_obs *b = &fz->before, *a = &fz->after;
	u64 segs, inval;

	segs = a->ctr[TCPSTATE_CTR_segments] - b->ctr[TCPSTATE_CTR_segments];
	inval = a->ctr[TCPSTATE_CTR_invalid] - b->ctr[TCPSTATE_CTR_invalid];

	if (res == TCPSTATE_NOT_TCP) {
		FZ_CHECK(fz, fz_only_counted(b, a, -1, -1),
			 "not TCP, yet counted");
		FZ_CHECK(fz, fz_same_flow(b, a), "not TCP, yet a flow changed");
		return;
	}
	FZ_CHECK(fz, segs == fz_segments(&fz->pkt, res, pkt),
		 "segments +%llu, not +%u", segs,
		 fz_segments(&fz->pkt, res, pkt));
	FZ_CHECK(fz, inval <= 1, "invalid +%llu", inval);
	if (res == TCPSTATE_MALFORMED) {
		FZ_CHECK(fz, inval == 1, "malformed, yet not counted invalid");
		FZ_CHECK(fz, fz_only_counted(b, a, TCPSTATE_CTR_segments,
					     TCPSTATE_CTR_invalid),
			 "malformed, yet counted beyond segments and invalid");
	}
	if (res == TCPSTATE_TCP &&
	    tcpstate_fsm_classify(pkt->seg.flags) == TCPSTATE_OPEN_INVALID)
		FZ_CHECK(fz, inval == 1, "flags %#x not counted invalid",
			 pkt->seg.flags);
	if (inval)
		FZ_CHECK(fz, fz_same_flow(b, a),
			 "an invalid segment changed its flow (%s, flags %#x)",
			 res == TCPSTATE_TCP ? "tcp" : "malformed",
			 pkt->seg.flags);
}

/* Feed the packet in fz->pkt; returns what the parser made of it. */
static enum tcpstate_parse fz_feed(struct fz *fz,
				   const struct tcpstate_key *key)
{
	struct fz_pkt *p = &fz->pkt;
	enum tcpstate_parse res;
	struct tcpstate_pkt pkt;
	struct sk_buff *skb;
	unsigned int verdict;

	skb = fz_skb(fz);
	if (!skb) {
		fz_fail(fz, "no memory for a packet");
		return TCPSTATE_NOT_TCP;
	}
	/* What is fed, checksum fixes included: to compare, and to show. */
	if (skb_copy_bits(skb, 0, p->data, p->len))
		fz_fail(fz, "an skb shorter than its packet");
	memset(&pkt, 0, sizeof(pkt));
	res = tcpstate_parse(skb, p->pf, &pkt);
	fz->parsed[res]++;
	if (res == TCPSTATE_TCP)
		key = &pkt.key;
	fz_observe(fz, key, &fz->before);
	verdict = fz_hook(fz->tn, skb, p->pf, p->hook);
	fz_observe(fz, key, &fz->after);
	FZ_CHECK(fz, verdict == NF_ACCEPT, "verdict %u", verdict);
	FZ_CHECK(fz, skb->len == p->len, "the packet's length changed");
	if (skb->len == p->len && !skb_copy_bits(skb, 0, fz->copy, p->len))
		FZ_CHECK(fz, !memcmp(fz->copy, p->data, p->len),
			 "the packet's bytes changed");
	kfree_skb(skb);
	fz_check_segment(fz, res, &pkt);
	fz_note_states(fz, &fz->after.flow);
	fz->max_entries = max(fz->max_entries, fz->after.entries);
	fz->index++;
	return res;
}

/* -- invariants of the whole table -------------------------------------- */

struct fz_expect {
	s64 flows;
	s64 syn_sent_out;
	s64 gauge[TCPSTATE_NROLES][TCPSTATE_NSTATES];
	int entries;
	int servers;
	s64 half_open;
	s64 close_wait;
};

static bool fz_history_ok(const struct tcpstate_history *h)
{
	char buf[TCPSTATE_HISTORY_LEN + 1];
	int i, len = tcpstate_history_string(h, buf);

	/* As many letters as kinds seen, none twice, nothing after them. */
	if (hweight64(h->bits >> 48) != len || h->bits >> 60)
		return false;
	if (len < TCPSTATE_HISTORY_LEN &&
	    (h->bits & GENMASK_ULL(47, 4 * len)))
		return false;
	for (i = 0; i < len; i++)
		if (!strchr("SHADFRshadfr", buf[i]) ||
		    strchr(buf + i + 1, buf[i]))
			return false;
	return true;
}

static bool fz_key_ok(const struct tcpstate_key *k)
{
	int i;

	if (k->pad[0] || k->pad[1] || k->pad[2])
		return false;
	if (k->family == AF_INET6)
		return true;
	if (k->family != AF_INET)
		return false;
	for (i = 0; i < 2; i++)
		if (k->addr[i].s6_addr32[1] || k->addr[i].s6_addr32[2] ||
		    k->addr[i].s6_addr32[3])
			return false;
	return true;
}

/* One flow of the walk: sane, and counted where it must be. */
static void fz_check_flow(struct fz *fz, const struct tcpstate_key *key,
			  const struct fz_flow *f, struct fz_expect *e)
{
	const struct tcpstate_pair *p = &f->pair;
	u8 c = p->end[TCPSTATE_CLIENT].state, s = p->end[TCPSTATE_SERVER].state;
	struct fz_server *srv;

	e->entries++;
	FZ_CHECK(fz, c < TCPSTATE_NSTATES && s < TCPSTATE_NSTATES,
		 "a flow in states %u/%u", c, s);
	FZ_CHECK(fz, p->client_dir <= 1 && p->port_client_dir <= 1,
		 "a flow with directions %u/%u", p->client_dir,
		 p->port_client_dir);
	FZ_CHECK(fz, fz_key_ok(key), "a flow with a bad key");
	FZ_CHECK(fz, fz_history_ok(&f->history), "a flow with history %016llx",
		 f->history.bits);
	FZ_CHECK(fz, f->born || !tcpstate_fsm_live(p),
		 "an unborn flow in states %u/%u", c, s);
	if (c >= TCPSTATE_NSTATES || s >= TCPSTATE_NSTATES ||
	    !tcpstate_fsm_live(p))
		return;
	e->flows++;
	e->gauge[TCPSTATE_CLIENT][c]++;
	e->gauge[TCPSTATE_SERVER][s]++;
	e->syn_sent_out += f->outgoing && c == TCPSTATE_SYN_SENT;
	if (f->outgoing || !(s == TCPSTATE_LISTEN || s == TCPSTATE_SYN_RCVD ||
			     s == TCPSTATE_CLOSE_WAIT) ||
	    e->servers >= FZ_MAX_FLOWS)
		return;
	srv = &fz->servers[e->servers++];
	memset(srv, 0, sizeof(*srv));
	srv->key.addr = key->addr[!p->client_dir];
	srv->key.port = key->port[!p->client_dir];
	srv->key.family = key->family;
	srv->half_open = s != TCPSTATE_CLOSE_WAIT;
	srv->close_wait = s == TCPSTATE_CLOSE_WAIT;
	e->half_open += srv->half_open;
	e->close_wait += srv->close_wait;
}

static void fz_walk_flows(struct fz *fz, struct fz_expect *e)
{
	struct tcpstate_hash_iter iter;
	struct tcpstate_flow *flow;
	struct tcpstate_key key;
	struct fz_flow f;

	tcpstate_hash_walk_enter(&fz->tn->table.flows, &iter);
	tcpstate_hash_walk_start(&iter);
	while ((flow = tcpstate_hash_walk_next(&iter))) {
		memset(&f, 0, sizeof(f));
		fz_flow_copy(flow, &f);
		tcpstate_flow_key(flow, &key);
		/* The key it is found by is the key it shows. */
		FZ_CHECK(fz, tcpstate_table_lookup(fz->tn, &key) == flow,
			 "a flow not found by its own key");
		fz_check_flow(fz, &key, &f, e);
	}
	tcpstate_hash_walk_stop(&iter);
}

/* The gauges, as each CPU holds them: exact, since nothing runs alongside. */
static void fz_check_gauges(struct fz *fz, const struct fz_expect *e)
{
	struct tcpstate_snapshot *snap = tcpstate_test_snap(fz->test, fz->tn);
	s64 flows = 0, out = 0, g, sum = 0;
	int cpu, role, st;

	for_each_possible_cpu(cpu) {
		flows += per_cpu_ptr(fz->tn->stats, cpu)->flows;
		out += per_cpu_ptr(fz->tn->stats, cpu)->syn_sent_out;
	}
	FZ_CHECK(fz, flows == e->flows && snap->flows == e->flows,
		 "flows %lld (snapshot %u), the table has %lld", flows,
		 snap->flows, e->flows);
	FZ_CHECK(fz, out == e->syn_sent_out && snap->syn_sent_out == out,
		 "syn_sent_out %lld, the table has %lld", out, e->syn_sent_out);
	for (role = 0; role < TCPSTATE_NROLES; role++) {
		for (st = 0; st < TCPSTATE_NSTATES; st++) {
			g = 0;
			for_each_possible_cpu(cpu)
				g += per_cpu_ptr(fz->tn->stats,
						 cpu)->gauge[role][st];
			sum += g;
			FZ_CHECK(fz, g == e->gauge[role][st] &&
				 snap->gauge[role][st] == g,
				 "gauge %s %s: %lld (snapshot %u), table %lld",
				 role ? "server" : "client",
				 tcpstate_state_names[st], g,
				 snap->gauge[role][st], e->gauge[role][st]);
		}
	}
	FZ_CHECK(fz, sum == 2 * flows, "gauges sum to %lld, flows %lld", sum,
		 flows);
	kunit_kfree(fz->test, snap);
}

static int fz_server_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct tcpstate_lkey));
}

/* Each listener counts exactly the half-open and CLOSE_WAIT ends it has. */
static void fz_check_listeners(struct fz *fz, const struct fz_expect *e)
{
	struct tcpstate_listener *l;
	int i, j, half_open, close_wait;

	sort(fz->servers, e->servers, sizeof(*fz->servers), fz_server_cmp,
	     NULL);
	rcu_read_lock();
	for (i = 0; i < e->servers; i = j) {
		half_open = 0;
		close_wait = 0;
		for (j = i; j < e->servers &&
		     !fz_server_cmp(&fz->servers[i], &fz->servers[j]); j++) {
			half_open += fz->servers[j].half_open;
			close_wait += fz->servers[j].close_wait;
		}
		l = tcpstate_detect_lookup(fz->tn, &fz->servers[i].key);
		FZ_CHECK(fz, l, "no listener for %d half-open ends", half_open);
		if (!l)
			continue;
		spin_lock_bh(&l->lock);
		FZ_CHECK(fz, l->half_open == half_open &&
			 l->close_wait == close_wait,
			 "listener: %d half-open, %d CLOSE_WAIT; flows %d, %d",
			 l->half_open, l->close_wait, half_open, close_wait);
		spin_unlock_bh(&l->lock);
	}
	rcu_read_unlock();
}

/* No listener counts ends that no flow has. */
static void fz_check_listener_sums(struct fz *fz, const struct fz_expect *e)
{
	struct tcpstate_hash_iter iter;
	struct tcpstate_listener *l;
	s64 half_open = 0, close_wait = 0;

	tcpstate_hash_walk_enter(&fz->tn->detect.listeners, &iter);
	tcpstate_hash_walk_start(&iter);
	while ((l = tcpstate_hash_walk_next(&iter))) {
		half_open += READ_ONCE(l->half_open);
		close_wait += READ_ONCE(l->close_wait);
	}
	tcpstate_hash_walk_stop(&iter);
	FZ_CHECK(fz, half_open == e->half_open && close_wait == e->close_wait,
		 "listeners: %lld half-open, %lld CLOSE_WAIT; flows %lld, %lld",
		 half_open, close_wait, e->half_open, e->close_wait);
}

static void fz_check_table(struct fz *fz, bool sums)
{
	struct fz_expect e = {};
	int entries;

	/* A growth of the flows' table waits for no walker: let it finish. */
	flush_work(&fz->tn->table.grow);
	fz_walk_flows(fz, &e);
	entries = atomic_read(&fz->tn->table.entries);
	FZ_CHECK(fz, entries == e.entries, "%d entries, %d in the table",
		 entries, e.entries);
	FZ_CHECK(fz, entries <= fz->tn->params.max_flows,
		 "%d entries over max_flows %d", entries,
		 fz->tn->params.max_flows);
	fz_check_gauges(fz, &e);
	fz_check_listeners(fz, &e);
	if (sums)
		fz_check_listener_sums(fz, &e);
	fz->checks++;
}

/* -- set-up ------------------------------------------------------------- */

static struct fz *fz_setup(struct kunit *test, u64 salt)
{
	struct fz *fz = kunit_kzalloc(test, sizeof(*fz), GFP_KERNEL);
	struct tcpstate_params *p;

	KUNIT_ASSERT_NOT_NULL(test, fz);
	fz->test = test;
	fz->seed = fuzz_seed;
	fz_seed(&fz->rng, fuzz_seed ^ salt);	/* each case a stream of its own */
	fz->servers = kunit_kcalloc(test, FZ_MAX_FLOWS, sizeof(*fz->servers),
				    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fz->servers);
	fz->tn = tcpstate_test_setup(test, FZ_MAX_FLOWS);
	p = &fz->tn->params;
	/*
	 * Timers longer than any run, so that only the collector calls below
	 * end flows, at chosen times: the same seed makes the same run.
	 * Listeners never run out, so that their counts stay exact.
	 */
	p->max_listeners = INT_MAX;
	p->syn_rate_enter = INT_MAX;
	p->syn_rate_exit = INT_MAX - 1;
	/* Alarms that come and go, flood mode with them. */
	p->syn_flood_enter = 24;
	p->syn_flood_exit = 8;
	p->close_wait_enter = 2;
	p->close_wait_exit = 1;
	p->timewait_ms = 600000;
	p->timeout_handshake_ms = 600000;
	p->timeout_closing_ms = 600000;
	p->timeout_established_ms = 1200000;
	kunit_info(test, "tcpstate.fuzz_seed=%#llx", fz->seed);
	return fz;
}

static const struct {
	u8 family, a, b;
	u16 aport, bport;
	bool alocal, blocal;
} fz_tuples[] = {
	{ AF_INET, 1, 2, 40000, 80, true, false },	/* a client here */
	{ AF_INET, 1, 2, 40001, 80, false, true },	/* a server here */
	{ AF_INET, 3, 2, 80, 40002, false, false },	/* ports disagree */
	{ AF_INET, 2, 2, 5001, 5000, true, true },	/* one address */
	{ AF_INET, 5, 4, 443, 443, false, false },	/* equal ports */
	{ AF_INET, 9, 9, 7, 7, true, true },		/* untracked */
	{ AF_INET6, 1, 2, 40000, 80, true, false },
	{ AF_INET6, 1, 2, 40001, 80, false, true },
	{ AF_INET6, 3, 2, 80, 40002, false, false },
	{ AF_INET6, 2, 2, 5001, 5000, true, true },
	{ AF_INET6, 5, 4, 443, 443, false, false },
	{ AF_INET6, 9, 9, 7, 7, true, true },
};

#define FZ_NTUPLES ARRAY_SIZE(fz_tuples)

/* The key of a tuple, as the parser makes it. */
static void fz_tuple_key(struct fz *fz, struct fz_tuple *t)
{
	struct fz_seg s = { .flags = TCPSTATE_F_ACK };
	struct fz_shape sh = {};
	struct tcpstate_pkt pkt;
	struct sk_buff *skb;

	fz_build(&fz->pkt, t, &s, &sh);
	fz->pkt.linear = fz->pkt.len;
	fz->pkt.gso_segs = 0;
	fz->pkt.csum = FZ_CSUM_VERIFIED;
	skb = fz_skb(fz);
	KUNIT_ASSERT_NOT_NULL(fz->test, skb);
	KUNIT_ASSERT_EQ(fz->test, tcpstate_parse(skb, fz->pkt.pf, &pkt),
			TCPSTATE_TCP);
	t->key = pkt.key;
	kfree_skb(skb);
}

static struct fz_tuple *fz_make_tuples(struct fz *fz)
{
	struct fz_tuple *t = kunit_kcalloc(fz->test, FZ_NTUPLES, sizeof(*t),
					   GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(fz->test, t);
	for (i = 0; i < FZ_NTUPLES; i++) {
		fz_tuple_init(&t[i], fz_tuples[i].family, fz_tuples[i].a,
			      fz_tuples[i].b, fz_tuples[i].aport,
			      fz_tuples[i].bport, fz_tuples[i].alocal,
			      fz_tuples[i].blocal);
		fz_tuple_key(fz, &t[i]);
	}
	return t;
}

/* Valid segment @s of @t, wrapped as real stacks do, verified checksum. */
static enum tcpstate_parse fz_feed_valid(struct fz *fz, struct fz_tuple *t,
					 const struct fz_seg *s)
{
	struct fz_shape sh = {};

	fz_build(&fz->pkt, t, s, &sh);
	fz->pkt.linear = fz->pkt.len;
	fz->pkt.gso_segs = 0;
	fz->pkt.csum = FZ_CSUM_FIXED;
	return fz_feed(fz, &t->key);
}

/* The counters, to show how far a run went. */
static void fz_show_counters(struct fz *fz, u64 *ctr)
{
	char line[512];
	int i, n = 0;

	fz_counters(fz->tn, ctr);
	for (i = 0; i < TCPSTATE_NCOUNTERS; i++)
		n += scnprintf(line + n, sizeof(line) - n, " %s %llu",
			       tcpstate_counter_names[i], ctr[i]);
	kunit_info(fz->test, "counters:%s", line);
}

static void fz_end(struct fz *fz, const char *what, u64 done, u64 t0)
{
	u64 ms = div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC);
	u64 ctr[TCPSTATE_NCOUNTERS];

	fz_check_table(fz, true);
	kunit_info(fz->test,
		   "%s: %llu in %llu ms; tcp %llu, malformed %llu, not tcp %llu; %u table checks; %d entries at most",
		   what, done, ms, fz->parsed[TCPSTATE_TCP],
		   fz->parsed[TCPSTATE_MALFORMED], fz->parsed[TCPSTATE_NOT_TCP],
		   fz->checks, fz->max_entries);
	fz_show_counters(fz, ctr);
	if (fz->fails > FZ_FAILS_SHOWN)
		kunit_err(fz->test, "%u failures in all", fz->fails);
	tcpstate_test_teardown(fz->tn);
}

/* -- the cases ---------------------------------------------------------- */

/* Now and then the collector runs, as if time had passed. */
static void fz_collect(struct fz *fz)
{
	static const unsigned int ms[] = { 0, 700000, 1300000 };

	tcpstate_table_collect(fz->tn, jiffies +
			       msecs_to_jiffies(ms[fz_below(&fz->rng, 3)]));
}

/* A SYN flood, and ACKs that complete what it started, on @t's server. */
static void fz_spoofed(struct fz *fz, const struct fz_tuple *t)
{
	struct fz_rng *r = &fz->rng;
	struct fz_tuple spoof = *t;
	struct fz_shape sh = {};
	struct fz_seg s = {
		.seq = (u32)fz_next(r),
		.ack = t->isn[1] + 1,
		.win = 1000,
		.flags = fz_percent(r, 70) ? TCPSTATE_F_SYN : TCPSTATE_F_ACK,
	};

	spoof.addr[0].s6_addr[t->family == AF_INET ? 3 : 15] =
		100 + fz_below(r, 8);
	spoof.port[0] = htons(1024 + fz_below(r, 64));
	spoof.local[0] = false;
	fz_tuple_key(fz, &spoof);
	fz_build(&fz->pkt, &spoof, &s, &sh);
	fz_delivery(r, &fz->pkt);
	fz_feed(fz, &spoof.key);
}

static void fz_one_packet(struct fz *fz, struct fz_tuple *tuples)
{
	struct fz_tuple *t = &tuples[fz_below(&fz->rng, FZ_NTUPLES)];
	struct fz_rng *r = &fz->rng;
	bool mutate = fz_percent(r, 35);
	struct fz_shape sh;
	struct fz_seg s;

	if (fz_percent(r, 3)) {
		fz_spoofed(fz, t);
		return;
	}
	fz_generate(r, t, &s);
	fz_valid_shape(r, t, &sh);
	if (mutate && fz_percent(r, 50))
		fz_mutate_shape(r, t, &sh);
	fz_build(&fz->pkt, t, &s, &sh);
	if (mutate && fz_percent(r, 60))
		fz_mutate_bytes(r, &fz->pkt);
	fz_delivery(r, &fz->pkt);
	fz_feed(fz, &t->key);
}

/* Connections on a dozen tuples, a third of their segments mutated. */
static void fuzz_packets(struct kunit *test)
{
	unsigned int n = fuzz_segments ? fuzz_segments :
			 IS_ENABLED(CONFIG_KASAN) ? FZ_PACKETS_KASAN :
						    FZ_PACKETS;
	struct fz *fz = fz_setup(test, 0);
	struct fz_tuple *tuples = fz_make_tuples(fz);
	u64 t0 = ktime_get_ns();
	unsigned int i;

	for (i = 0; i < n && fz->fails < FZ_FAILS_SHOWN; i++) {
		fz_one_packet(fz, tuples);
		if (!(i % 256)) {
			fz_check_table(fz, !(i % 8192));
			cond_resched();
		}
		if (!(i % 3000))
			fz_collect(fz);
	}
	fz_end(fz, "segments", i, t0);
	kunit_info(test, "states reached: client %#x, server %#x",
		   fz->seen[TCPSTATE_CLIENT], fz->seen[TCPSTATE_SERVER]);
	if (n >= FZ_PACKETS_KASAN)
		KUNIT_EXPECT_EQ(test, fz->seen[TCPSTATE_CLIENT] |
				fz->seen[TCPSTATE_SERVER], FZ_ALL_STATES);
}

/* A handshake on @t, so that a flow exists to be left alone. */
static void fz_handshake(struct fz *fz, struct fz_tuple *t)
{
	struct fz_seg s;

	t->client = 0;
	memset(&s, 0, sizeof(s));
	fz_syn(&fz->rng, t, &s, 0, TCPSTATE_F_SYN);
	s.win = 1000;
	fz_feed_valid(fz, t, &s);
	fz_syn(&fz->rng, t, &s, 1, TCPSTATE_F_SYN | TCPSTATE_F_ACK);
	s.win = 1000;
	fz_feed_valid(fz, t, &s);
	fz_send(t, &s, 0, TCPSTATE_F_ACK, 0);
	fz_feed_valid(fz, t, &s);
	t->phase = FZ_EST;
}

/* Build a data segment of @t in @sh's shape; keep it, feed it as told. */
static enum tcpstate_parse fz_shaped(struct fz *fz, struct fz_tuple *t,
				     const struct fz_shape *sh,
				     unsigned int cut, bool split)
{
	struct fz_seg s = {};

	fz_send(t, &s, 0, TCPSTATE_F_ACK | TCPSTATE_F_PSH, 20);
	t->nxt[0] -= 20;	/* nothing of it need arrive */
	s.win = 1000;
	fz_build(&fz->pkt, t, &s, sh);
	if (cut < fz->pkt.len)
		fz->pkt.len = cut;
	fz->pkt.linear = fz->pkt.len;
	if (split)
		fz->pkt.linear = fz_min_linear(&fz->pkt);
	fz->pkt.gso_segs = 0;
	fz->pkt.csum = FZ_CSUM_FIXED;
	return fz_feed(fz, &t->key);
}

static void fz_expect_parse(struct fz *fz, enum tcpstate_parse got,
			    enum tcpstate_parse want, const char *what,
			    unsigned int arg)
{
	FZ_CHECK(fz, got == want, "%s %#x: parsed %d, not %d", what, arg, got,
		 want);
}

/* Every length, from nothing to the whole segment, in one piece or two. */
static void fz_truncations(struct fz *fz, struct fz_tuple *t,
			   const struct fz_shape *sh)
{
	unsigned int cut, len, iphlen, tcpoff, tcpend;
	enum tcpstate_parse got, want;
	int split;

	fz_shaped(fz, t, sh, FZ_BUF, false);
	len = fz->pkt.len;
	tcpoff = fz->pkt.l4;
	tcpend = tcpoff + 4 * (fz->pkt.data[tcpoff + 12] >> 4);
	iphlen = t->family == AF_INET ? sizeof(struct iphdr) :
					sizeof(struct ipv6hdr);
	for (split = 0; split < 2; split++) {
		for (cut = 0; cut <= len; cut++) {
			got = fz_shaped(fz, t, sh, cut, split);
			want = cut < iphlen ? TCPSTATE_NOT_TCP :
			       cut < tcpend ? TCPSTATE_MALFORMED : TCPSTATE_TCP;
			fz_expect_parse(fz, got, want, "cut at", cut);
		}
	}
}

/* Data offsets 0 to 15 on a segment whose options take 3 words. */
static void fz_data_offsets(struct fz *fz, struct fz_tuple *t,
			    struct fz_shape *sh)
{
	unsigned int doff, room;
	enum tcpstate_parse got;

	sh->set_doff = true;
	for (doff = 0; doff < 16; doff++) {
		sh->doff = doff;
		got = fz_shaped(fz, t, sh, FZ_BUF, doff & 1);
		room = (fz->pkt.len - fz->pkt.l4) / 4;
		if (doff < 5 || doff > room)
			fz_expect_parse(fz, got, TCPSTATE_MALFORMED, "doff",
					doff);
		if (doff == 5 + sh->optlen / 4)
			fz_expect_parse(fz, got, TCPSTATE_TCP, "doff", doff);
	}
	sh->set_doff = false;
}

/* Option lengths below 2 or past the header, after 0 to 3 NOPs. */
static void fz_option_lengths(struct fz *fz, struct fz_tuple *t,
			      struct fz_shape *sh)
{
	static const u8 kinds[] = { TCPOPT_MSS, TCPOPT_WINDOW, TCPOPT_TIMESTAMP,
				    99 };
	unsigned int nops, k, bad;
	enum tcpstate_parse got;
	u8 lens[4];

	for (nops = 0; nops < 4; nops++) {
		lens[0] = 0;
		lens[1] = 1;
		lens[2] = 12 - nops + 1;	/* one past the end */
		lens[3] = 255;
		for (k = 0; k < ARRAY_SIZE(kinds); k++) {
			for (bad = 0; bad < ARRAY_SIZE(lens); bad++) {
				memset(sh->opt, TCPOPT_NOP, sizeof(sh->opt));
				sh->optlen = 12;
				sh->opt[nops] = kinds[k];
				sh->opt[nops + 1] = lens[bad];
				got = fz_shaped(fz, t, sh, FZ_BUF, bad & 1);
				fz_expect_parse(fz, got, TCPSTATE_MALFORMED,
						"option length", lens[bad]);
			}
		}
		/* After the end of the list anything goes. */
		memset(sh->opt, 0xee, sizeof(sh->opt));
		memset(sh->opt, TCPOPT_NOP, nops);
		sh->opt[nops] = TCPOPT_EOL;
		got = fz_shaped(fz, t, sh, FZ_BUF, false);
		fz_expect_parse(fz, got, TCPSTATE_TCP, "EOL after NOPs", nops);
	}
	sh->optlen = 0;
}

/* IPv4 fragments are unreadable without reassembly. */
static void fz_ipv4_fragments(struct fz *fz, struct fz_tuple *t,
			      struct fz_shape *sh)
{
	static const u16 frag[] = { IP_MF, 1, IP_OFFSET, IP_MF | 1,
				    IP_MF | IP_DF, IP_DF | 7 };
	static const u16 whole[] = { 0, IP_DF, IP_CE };
	enum tcpstate_parse got;
	int i;

	for (i = 0; i < ARRAY_SIZE(frag); i++) {
		sh->frag_off = htons(frag[i]);
		got = fz_shaped(fz, t, sh, FZ_BUF, false);
		fz_expect_parse(fz, got, TCPSTATE_MALFORMED, "frag_off",
				frag[i]);
	}
	for (i = 0; i < ARRAY_SIZE(whole); i++) {
		sh->frag_off = htons(whole[i]);
		got = fz_shaped(fz, t, sh, FZ_BUF, false);
		fz_expect_parse(fz, got, TCPSTATE_TCP, "frag_off", whole[i]);
	}
	sh->frag_off = 0;
}

static void fz_chain(struct fz_shape *sh, unsigned int n, const u8 *types,
		     const u8 *units, const u16 *frag)
{
	unsigned int i;

	sh->next = n;
	for (i = 0; i < n; i++) {
		sh->ext[i] = types[i];
		sh->ext_units[i] = units ? units[i] : 0;
		sh->ext_frag[i] = frag ? htons(frag[i]) : 0;
	}
}

/* IPv6 chains: long, looping, overrunning, fragmented, stopped. */
static void fz_ipv6_chains(struct fz *fz, struct fz_tuple *t,
			   struct fz_shape *sh)
{
	static const u8 hops[FZ_EXT_MAX] = {
		[0 ... FZ_EXT_MAX - 1] = NEXTHDR_HOP
	};
	static const u8 frag2[] = { NEXTHDR_FRAGMENT, NEXTHDR_FRAGMENT };
	static const u8 hop_frag[] = { NEXTHDR_HOP, NEXTHDR_FRAGMENT };
	static const u8 mixed[] = { NEXTHDR_HOP, NEXTHDR_ROUTING, NEXTHDR_AUTH,
				    NEXTHDR_DEST };
	static const u8 none[] = { NEXTHDR_DEST, NEXTHDR_NONE };
	static const u8 big[] = { 255, 0 };
	enum tcpstate_parse got;
	unsigned int n;

	for (n = 1; n <= FZ_EXT_MAX; n += 13) {
		fz_chain(sh, n, hops, NULL, NULL);
		got = fz_shaped(fz, t, sh, FZ_BUF, n & 1);
		fz_expect_parse(fz, got, TCPSTATE_TCP, "hop-by-hop headers", n);
	}
	/* Each header names another until the packet ends. */
	fz_chain(sh, FZ_EXT_MAX, hops, NULL, NULL);
	sh->proto = NEXTHDR_HOP;
	got = fz_shaped(fz, t, sh, sizeof(struct ipv6hdr) + FZ_EXT_MAX * 8,
			false);
	fz_expect_parse(fz, got, TCPSTATE_MALFORMED, "endless chain", 0);
	sh->proto = 0;
	fz_chain(sh, 4, mixed, NULL, NULL);
	got = fz_shaped(fz, t, sh, FZ_BUF, true);
	fz_expect_parse(fz, got, TCPSTATE_TCP, "mixed chain", 0);
	fz_chain(sh, 2, mixed, big, NULL);
	got = fz_shaped(fz, t, sh, FZ_BUF, false);
	fz_expect_parse(fz, got, TCPSTATE_MALFORMED, "overrunning header", 0);
	fz_chain(sh, 2, none, NULL, NULL);
	got = fz_shaped(fz, t, sh, FZ_BUF, false);
	fz_expect_parse(fz, got, TCPSTATE_NOT_TCP, "no next header", 0);
	fz_chain(sh, 2, hop_frag, NULL, (u16[]){ 0, IP6_MF });
	got = fz_shaped(fz, t, sh, FZ_BUF, false);
	fz_expect_parse(fz, got, TCPSTATE_MALFORMED, "first fragment", 0);
	fz_chain(sh, 2, hop_frag, NULL, (u16[]){ 0, 8 });
	got = fz_shaped(fz, t, sh, FZ_BUF, false);
	fz_expect_parse(fz, got, TCPSTATE_MALFORMED, "later fragment", 0);
	fz_chain(sh, 2, frag2, NULL, (u16[]){ IP6_MF, 0 });
	got = fz_shaped(fz, t, sh, FZ_BUF, false);
	fz_expect_parse(fz, got, TCPSTATE_MALFORMED, "fragment, then atomic",
			0);
	sh->next = 0;
}

/* Each rule of what is malformed, on a flow that must stay as it is. */
static void fuzz_structured(struct kunit *test)
{
	static const u8 ts[] = { TCPOPT_NOP, TCPOPT_NOP, TCPOPT_TIMESTAMP,
				 TCPOLEN_TIMESTAMP, 1, 2, 3, 4, 5, 6, 7, 8 };
	struct fz *fz = fz_setup(test, 1);
	struct fz_tuple *tuples = fz_make_tuples(fz);
	u64 t0 = ktime_get_ns();
	struct fz_shape sh;
	int i;

	for (i = 0; i < FZ_NTUPLES; i++) {
		struct fz_tuple *t = &tuples[i];

		fz_handshake(fz, t);
		memset(&sh, 0, sizeof(sh));
		fz_options(&fz->rng, &sh);
		if (t->family == AF_INET6)
			fz_chain(&sh, 2, (u8[]){ NEXTHDR_HOP, NEXTHDR_DEST },
				 NULL, NULL);
		fz_truncations(fz, t, &sh);
		memset(&sh, 0, sizeof(sh));
		memcpy(sh.opt, ts, sizeof(ts));
		sh.optlen = sizeof(ts);
		fz_data_offsets(fz, t, &sh);
		fz_option_lengths(fz, t, &sh);
		if (t->family == AF_INET)
			fz_ipv4_fragments(fz, t, &sh);
		else
			fz_ipv6_chains(fz, t, &sh);
		fz_check_table(fz, true);
	}
	fz_end(fz, "segments", fz->index, t0);
}

/* Every flag byte, on a fresh tuple and on an established flow. */
static void fuzz_flags(struct kunit *test)
{
	struct fz *fz = fz_setup(test, 2);
	struct fz_tuple *tuples = fz_make_tuples(fz);
	u64 t0 = ktime_get_ns();
	struct fz_tuple fresh;
	struct fz_seg s;
	unsigned int flags;
	int i;

	for (flags = 0; flags < 256; flags++) {
		for (i = 0; i < FZ_NTUPLES; i++) {
			struct fz_tuple *t = &tuples[i];

			fresh = *t;
			fresh.port[0] = htons(20000 + flags);
			fz_tuple_key(fz, &fresh);
			memset(&s, 0, sizeof(s));
			fz_syn(&fz->rng, &fresh, &s, fz_below(&fz->rng, 2),
			       flags);
			s.flags = flags;
			s.win = 1000;
			fz_feed_valid(fz, &fresh, &s);
			if (t->phase != FZ_EST)
				fz_handshake(fz, t);
			fz_send(t, &s, fz_below(&fz->rng, 2), flags, 0);
			s.win = 1000;
			fz_feed_valid(fz, t, &s);
			if (flags & (TCPSTATE_F_RST | TCPSTATE_F_FIN))
				t->phase = FZ_IDLE;
		}
		fz_check_table(fz, !(flags % 16));
		fz_collect(fz);
	}
	fz_end(fz, "segments", fz->index, t0);
}

/* -- the state machine alone -------------------------------------------- */

static u32 fz_seq_near(struct fz_rng *r, const struct tcpstate_pair *p)
{
	const struct tcpstate_end *e = &p->end[fz_below(r, 2)];
	u32 base;

	switch (fz_below(r, 4)) {
	case 0:
		base = e->isn;
		break;
	case 1:
		base = e->nxt;
		break;
	case 2:
		base = e->ack;
		break;
	default:
		return (u32)fz_next(r);
	}
	switch (fz_below(r, 6)) {
	case 0:
		return base - 1;
	case 1:
		return base + 1;
	case 2:
		return base + 0x80000000u;
	case 3:
		return base + e->win;
	case 4:
		return base + fz_below(r, 100) - 50;
	default:
		return base;
	}
}

static void fz_random_seg(struct fz_rng *r, const struct tcpstate_pair *p,
			  struct tcpstate_seg *s)
{
	s->seq = fz_seq_near(r, p);
	s->ack = fz_seq_near(r, p);
	s->len = fz_percent(r, 60) ? 0 : fz_percent(r, 90) ?
		 fz_below(r, 1500) : (u32)fz_next(r);
	s->win = fz_percent(r, 10) ? 0 : fz_below(r, 65536);
	s->flags = fz_percent(r, 50) ? fz_below(r, 256) :
		   (u8[]){ TCPSTATE_F_SYN, TCPSTATE_F_SYN | TCPSTATE_F_ACK,
			   TCPSTATE_F_ACK, TCPSTATE_F_ACK | TCPSTATE_F_FIN,
			   TCPSTATE_F_RST, TCPSTATE_F_RST | TCPSTATE_F_ACK }
			   [fz_below(r, 6)];
	s->dir = fz_below(r, 2);
}

static void fz_random_pair(struct fz_rng *r, struct tcpstate_pair *p)
{
	int i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < TCPSTATE_NROLES; i++) {
		struct tcpstate_end *e = &p->end[i];

		e->isn = fz_isn(r);
		e->nxt = e->isn + fz_below(r, 3) * fz_below(r, 100000);
		e->win = fz_percent(r, 10) ? 0 : fz_below(r, 65536);
		e->state = fz_below(r, TCPSTATE_NSTATES);
		e->flags = fz_below(r, 16);
	}
	for (i = 0; i < TCPSTATE_NROLES; i++)
		p->end[i].ack = p->end[!i].nxt - fz_below(r, 3);
	p->client_dir = fz_below(r, 2);
	p->port_client_dir = fz_below(r, 2);
	p->flags = fz_below(r, 2);
}

static bool fz_flags_invalid(u8 flags)
{
	if (flags & TCPSTATE_F_RST)
		return false;
	/* SYN|ACK|FIN is a SYN-ACK to a client in SYN_SENT. */
	if ((flags & TCPSTATE_F_SYN) && (flags & TCPSTATE_F_FIN) &&
	    !(flags & TCPSTATE_F_ACK))
		return true;
	return !(flags & (TCPSTATE_F_SYN | TCPSTATE_F_ACK));
}

/* What any step must respect, whatever the pair held before. */
static void fz_check_step(struct fz *fz, const struct tcpstate_pair *before,
			  const struct tcpstate_pair *p,
			  const struct tcpstate_seg *s, u32 ev)
{
	u8 c = p->end[TCPSTATE_CLIENT].state, v = p->end[TCPSTATE_SERVER].state;
	bool syn = (s->flags & (TCPSTATE_F_SYN | TCPSTATE_F_ACK |
				TCPSTATE_F_RST)) == TCPSTATE_F_SYN;

	FZ_CHECK(fz, c < TCPSTATE_NSTATES && v < TCPSTATE_NSTATES,
		 "fsm: states %u/%u", c, v);
	FZ_CHECK(fz, p->client_dir <= 1, "fsm: client_dir %u", p->client_dir);
	FZ_CHECK(fz, p->port_client_dir == before->port_client_dir,
		 "fsm: port_client_dir changed");
	FZ_CHECK(fz, !(ev & ~(TCPSTATE_EV_PICKED_UP * 2 - 1)),
		 "fsm: events %#x", ev);
	if (fz_flags_invalid(s->flags))
		FZ_CHECK(fz, ev == TCPSTATE_EV_INVALID,
			 "fsm: flags %#x gave events %#x", s->flags, ev);
	if (!tcpstate_fsm_live(before) && !syn)
		FZ_CHECK(fz, ev & (TCPSTATE_EV_INVALID | TCPSTATE_EV_IGNORED),
			 "fsm: flags %#x revived a tombstone", s->flags);
	if (ev & (TCPSTATE_EV_INVALID | TCPSTATE_EV_IGNORED))
		FZ_CHECK(fz, !memcmp(before, p, sizeof(*p)),
			 "fsm: events %#x, yet the pair changed", ev);
	if (ev & TCPSTATE_EV_RESET)
		FZ_CHECK(fz, p->end[!tcpstate_fsm_role(p, s->dir)].state ==
			 TCPSTATE_CLOSED, "fsm: a reset left its receiver");
	if (ev & TCPSTATE_EV_HANDSHAKE)
		FZ_CHECK(fz, c >= TCPSTATE_ESTABLISHED &&
			 v >= TCPSTATE_ESTABLISHED,
			 "fsm: a handshake into states %u/%u", c, v);
	if (ev & TCPSTATE_EV_INCARNATION)
		FZ_CHECK(fz, tcpstate_fsm_role(p, s->dir) == TCPSTATE_CLIENT &&
			 c == TCPSTATE_SYN_SENT && v == TCPSTATE_LISTEN,
			 "fsm: a new connection in states %u/%u", c, v);
}

static void fz_step(struct fz *fz, struct tcpstate_pair *p,
		    const struct tcpstate_seg *s)
{
	struct tcpstate_pair before, fast;
	u32 ev;

	memcpy(&before, p, sizeof(before));
	memcpy(&fast, p, sizeof(fast));
	ev = tcpstate_fsm_step(p, s);
	/* The fast path, where it applies, does what the step does. */
	if (tcpstate_fsm_fast(&fast, s)) {
		fz->fast++;
		FZ_CHECK(fz, !ev && !memcmp(&fast, p, sizeof(fast)),
			 "fsm: the fast path differs (events %#x): seq %u ack %u len %u, receiver nxt %u ack %u",
			 ev, s->seq, s->ack, s->len,
			 before.end[!tcpstate_fsm_role(&before, s->dir)].nxt,
			 before.end[!tcpstate_fsm_role(&before, s->dir)].ack);
	} else {
		FZ_CHECK(fz, !memcmp(&fast, &before, sizeof(fast)),
			 "fsm: the fast path declined, yet changed the pair");
	}
	fz_check_step(fz, &before, p, s, ev);
	fz->index++;
}

/* Pairs met on the walks, one per pair of states, for the flag sweep. */
struct fz_zoo {
	struct tcpstate_pair pair[TCPSTATE_NSTATES * TCPSTATE_NSTATES];
	bool have[TCPSTATE_NSTATES * TCPSTATE_NSTATES];
};

static void fz_walk(struct fz *fz, struct fz_zoo *zoo)
{
	struct fz_rng *r = &fz->rng;
	struct tcpstate_history h = {};
	struct tcpstate_pair p;
	struct tcpstate_seg s;
	unsigned int i, at;

	memset(&p, 0, sizeof(p));
	fz_random_seg(r, &p, &s);
	s.seq = fz_isn(r);
	s.ack = fz_isn(r);
	if (tcpstate_fsm_classify(s.flags) < TCPSTATE_OPEN_SYN)
		return;
	tcpstate_fsm_first(&p, &s, fz_below(r, 2));
	for (i = 0; i < 64 && fz->fails < FZ_FAILS_SHOWN; i++) {
		fz_random_seg(r, &p, &s);
		fz_step(fz, &p, &s);
		tcpstate_history_add(&h, tcpstate_fsm_role(&p, s.dir), &s);
		FZ_CHECK(fz, fz_history_ok(&h), "fsm: history %016llx",
			 h.bits);
		if (!tcpstate_fsm_live(&p))
			continue;
		fz->seen[TCPSTATE_CLIENT] |= BIT(p.end[TCPSTATE_CLIENT].state);
		fz->seen[TCPSTATE_SERVER] |= BIT(p.end[TCPSTATE_SERVER].state);
		at = p.end[TCPSTATE_CLIENT].state * TCPSTATE_NSTATES +
		     p.end[TCPSTATE_SERVER].state;
		if (!zoo->have[at]) {
			zoo->have[at] = true;
			zoo->pair[at] = p;
		}
	}
}

/* All 256 flag bytes on every pair of states the walks met. */
static unsigned int fz_sweep(struct fz *fz, const struct fz_zoo *zoo)
{
	struct tcpstate_pair p;
	struct tcpstate_seg s;
	unsigned int at, flags, k, kinds = 0;

	for (at = 0; at < ARRAY_SIZE(zoo->pair); at++) {
		if (!zoo->have[at])
			continue;
		kinds++;
		for (flags = 0; flags < 256; flags++) {
			for (k = 0; k < 8; k++) {
				p = zoo->pair[at];
				fz_random_seg(&fz->rng, &p, &s);
				s.flags = flags;
				fz_step(fz, &p, &s);
			}
		}
	}
	return kinds;
}

/*
 * Segments near the books of the pairs met (ESTABLISHED ones among them):
 * in-window data, pure ACKs, probes, acks of unsent data, so that the
 * fast path is taken and compared with the step.
 */
static void fz_near(struct fz *fz, const struct fz_zoo *zoo)
{
	static const u8 flags[] = { 0x10, 0x18, 0x11, 0x30, 0x50 };
	static const u32 lens[] = { 0, 1, 100 };
	struct fz_rng *r = &fz->rng;
	struct tcpstate_end *a, *b;
	struct tcpstate_pair p;
	struct tcpstate_seg s;
	unsigned int at, k;

	for (at = 0; at < ARRAY_SIZE(zoo->pair); at++) {
		if (!zoo->have[at])
			continue;
		for (k = 0; k < 256; k++) {
			p = zoo->pair[at];
			fz_random_seg(r, &p, &s);
			a = &p.end[tcpstate_fsm_role(&p, s.dir)];
			b = &p.end[!tcpstate_fsm_role(&p, s.dir)];
			s.flags = flags[fz_below(r, ARRAY_SIZE(flags))];
			s.len = lens[fz_below(r, ARRAY_SIZE(lens))];
			s.seq = a->nxt - fz_below(r, 3);
			if (!fz_below(r, 4))
				s.seq = b->ack - 1;	/* a probe */
			s.ack = b->nxt + 1 - fz_below(r, 4);
			fz_step(fz, &p, &s);
		}
	}
}

/* The state machine alone: random pairs, random walks, every flag byte. */
static void fuzz_fsm(struct kunit *test)
{
	unsigned int walks = FZ_FSM_WALKS;
	struct fz *fz = fz_setup(test, 3);
	u64 t0 = ktime_get_ns();
	struct tcpstate_pair p;
	struct tcpstate_seg s;
	struct fz_zoo *zoo;
	unsigned int i, kinds;

	zoo = kunit_kzalloc(test, sizeof(*zoo), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, zoo);
	for (i = 0; i < walks * 16 && fz->fails < FZ_FAILS_SHOWN; i++) {
		fz_random_pair(&fz->rng, &p);
		fz_random_seg(&fz->rng, &p, &s);
		fz_step(fz, &p, &s);
	}
	for (i = 0; i < walks && fz->fails < FZ_FAILS_SHOWN; i++)
		fz_walk(fz, zoo);
	kinds = fz_sweep(fz, zoo);
	fz_near(fz, zoo);
	kunit_info(test,
		   "fsm: %llu steps in %llu ms, %llu by the fast path; %u pairs of states met; client states %#x, server %#x",
		   fz->index, div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC),
		   fz->fast, kinds, fz->seen[TCPSTATE_CLIENT],
		   fz->seen[TCPSTATE_SERVER]);
	KUNIT_EXPECT_GT(test, fz->fast, 100ull);
	KUNIT_EXPECT_EQ(test, fz->seen[TCPSTATE_CLIENT] |
			fz->seen[TCPSTATE_SERVER], FZ_ALL_STATES);
	tcpstate_test_teardown(fz->tn);
}

static struct kunit_case fuzz_cases[] = {
	KUNIT_CASE(fuzz_fsm),
	KUNIT_CASE(fuzz_structured),
	KUNIT_CASE(fuzz_flags),
	KUNIT_CASE(fuzz_packets),
	{}
};

static struct kunit_suite fuzz_suite = {
	.name = "tcpstate_fuzz",
	.test_cases = fuzz_cases,
};

kunit_test_suite(fuzz_suite);
