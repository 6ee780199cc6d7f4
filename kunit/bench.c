// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark behind scripts/bench: one synthetic stream of IPv4 TCP
 * segments replayed through tcpstate's hook, conntrack and a bare bound.
 *
 * The stream is generated deterministically and written, a batch at a
 * time, into a ring of sk_buffs built once. Each batch then goes through
 * every path ("lane") in turn, in rotating order, so that whatever the
 * host does to our timings it does to all paths alike; each lane keeps
 * its own table. Every segment is timed alone with the TSC. The figures
 * are printed as "tcpstate_bench: ..." lines, mostly in cycles, for
 * scripts/bench to turn into tables.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/gcd.h>
#include <linux/hash.h>
#include <linux/ip.h>
#include <linux/jhash.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rhashtable.h>
#include <linux/sizes.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>
#include <net/ip.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include <net/tcp.h>
#include "bench_host.h"
#include "hooks.h"
#include "sysctl.h"
#include "tcpstate.h"

#define BENCH_BATCH	1024	/* segments timed between two yields */
#define BENCH_WINDOW	256	/* handshakes (and closes) under way at once */
#define BENCH_PAYLOAD	100	/* bytes of a data segment */
#define BENCH_RWND	60000	/* never more in flight than a 64 KB window */
#define BENCH_SERVERS	8	/* listeners the flows are spread over */
#define BENCH_DATA_MIN	2000000	/* data segments, at least 4 per flow */
#define BENCH_SAMPLES	1000	/* flows whose states are checked */
#define BENCH_FLOOD	1000000	/* spoofed SYNs */
#define BENCH_HIST	65536	/* cycles counted one by one, then ... */
#define BENCH_TAIL	(16 * 48)	/* ... 16 buckets per power of two */
#define BENCH_SLOWEST	8	/* slowest segments of a lane, described */
#define BENCH_PREEMPTED	5000	/* ns of a batch the host did not run us */
#define BENCH_LANES	4
#define BENCH_MAX_FLOWS	16000000
#define BENCH_HEADROOM	64
#define BENCH_MAXLEN	(sizeof(struct iphdr) + sizeof(struct tcphdr) + \
			 20 + BENCH_PAYLOAD)

#define OUT(fmt, ...) pr_info("tcpstate_bench: " fmt "\n", ##__VA_ARGS__)

/* tcpstate.bench_paths=1 runs tcpstate alone, e.g. for perf record. */
static unsigned int bench_paths = 7;
module_param(bench_paths, uint, 0444);
MODULE_PARM_DESC(bench_paths, "paths to run: 1 tcpstate, 2 conntrack, 4 bound");

/* More data segments make a longer profile of the same mix. */
static unsigned int bench_data = BENCH_DATA_MIN;
module_param(bench_data, uint, 0444);
MODULE_PARM_DESC(bench_data, "data segments of the mix (at least 4 per flow)");

/* tcpstate.bench_csum=1: the device left the checksums to be verified. */
static bool bench_csum;
module_param(bench_csum, bool, 0444);
MODULE_PARM_DESC(bench_csum, "segments carry checksums nobody verified yet");

enum bench_path { P_TCPSTATE, P_CONNTRACK, P_BOUND, P_NPATHS };

static const char *const path_names[] = { "tcpstate", "conntrack", "bound" };

/* tcpstate's alarm settings in the SYN flood; "-" everywhere else. */
enum bench_mode { M_NONE, M_BELOW, M_FLOOD };

static const char *const mode_names[] = { "-", "below_alarm", "flood" };

/*
 * Where a segment belongs in the figures; ALL, GROW (the table was being
 * resized) and SYN (bare SYNs, which allocate) overlap the rest.
 */
enum bench_phase { PH_OPEN, PH_DATA, PH_CLOSE, PH_ALL, PH_GROW, PH_SYN,
		   PH_N };

static const char *const phase_names[] = {
	"open", "data", "close", "all", "grow", "syn",
};

/* One segment of the stream, before it is written into an skb. */
struct bench_seg {
	u32 flow;
	u32 seq;
	u32 ack;
	u16 len;
	u8 flags;		/* TCPSTATE_F_* */
	u8 from_server;
	u8 phase;
	u8 spoofed;		/* a flood SYN: its flow id is its source */
};

/* What the generator remembers of one flow, to keep sequence numbers true. */
struct bench_flow {
	u32 nxt[2];		/* next sequence number: client, server */
	u32 acked[2];		/* last acknowledgment each one sent */
};

/*
 * The established-traffic mix: every flow opens with a handshake, then
 * data and ACKs go to randomly chosen flows, then half of the flows close
 * (those with id % 4 == 0 from the client, id % 4 == 1 from the server).
 * Handshakes and closes are pipelined BENCH_WINDOW flows apart, as they
 * would be with real round trips. With @open_only, the handshakes alone.
 */
struct bench_gen {
	u32 nflows;
	u32 ndata;
	u32 window;
	bool open_only;
	struct bench_flow *flows;
	u64 rng;
	u8 phase;
	u32 step;
	struct bench_seg queue[4];
	unsigned int queued;
	unsigned int next;
};

/* The bare bound: parse, look the key up, write one byte. */
struct bench_obj {
	struct rhash_head node;
	struct tcpstate_key key;
	u8 flags;
	u8 pad[15];
};

/* The bound compares keys as tcpstate does, to stay a lower bound. */
static int bound_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct bench_obj *o = obj;

	return !tcpstate_key_equal(arg->key, &o->key);
}

/* ... and hashes an IPv4 key's three words as tcpstate does (the stream). */
static u32 bound_hash(const void *data, u32 len, u32 seed)
{
	const struct tcpstate_key *k = data;

	return jhash_3words((__force u32)k->addr[0].s6_addr32[0],
			    (__force u32)k->addr[1].s6_addr32[0],
			    (__force u32)k->port[0] |
			    (__force u32)k->port[1] << 16, seed);
}

static const struct rhashtable_params bound_params = {
	.head_offset = offsetof(struct bench_obj, node),
	.key_offset = offsetof(struct bench_obj, key),
	.key_len = sizeof(struct tcpstate_key),
	.hashfn = bound_hash,
	.obj_cmpfn = bound_cmp,
	.automatic_shrinking = true,
};

struct bench_hist {
	u32 *count;		/* [BENCH_HIST + BENCH_TAIL] */
	u64 n;
	u64 sum;
	u64 max;
};

/* One of the slowest segments of a lane, to tell growth from noise. */
struct bench_slow {
	u32 cycles;
	u8 phase;
	u8 flags;
	u8 grew;
};

/* One path under test, with its own table and figures. */
struct bench_lane {
	int path;
	int mode;
	struct tcpstate_net *tn;	/* P_TCPSTATE */
	struct rhashtable bound;	/* P_BOUND */
	u64 ct_invalid;		/* segments conntrack left without an entry */
	u64 ct_drop;
	u64 bound_failed;	/* insertions into the bound that failed */
	/* [0]: batches the host ran without a break; [1]: every batch */
	struct bench_hist hist[2][PH_N];
	u64 ns[2];		/* wall time of the timed batches */
	u64 segments[2];
	unsigned int preempted;	/* batches the host interrupted */
	unsigned int resizes;	/* table sizes seen change */
	unsigned int size;	/* of the table after the last batch */
	struct bench_slow slowest[BENCH_SLOWEST];
};

struct bench_ctx {
	struct kunit *test;
	struct sk_buff *skbs[BENCH_BATCH];
	struct bench_seg segs[BENCH_BATCH];
	u32 cycles[BENCH_BATCH];
	struct nf_hook_state state;
	struct bench_lane lanes[BENCH_LANES];
	int nlanes;
	u32 expect;	/* flows the run makes: tcpstate's expected_flows */
};

static struct kmem_cache *bound_cache;
static u64 tsc_khz;
static u64 tsc_quantum = 1;	/* AMD's TSC moves in steps of 10 ns */

static __always_inline u64 tsc_begin(void)
{
	u32 lo, hi;

	asm volatile("lfence\n\trdtsc" : "=a" (lo), "=d" (hi) :: "memory");
	return ((u64)hi << 32) | lo;
}

static __always_inline u64 tsc_end(void)
{
	u32 lo, hi;

	asm volatile("rdtscp\n\tlfence" : "=a" (lo), "=d" (hi) :: "rcx",
		     "memory");
	return ((u64)hi << 32) | lo;
}

/* ---- the stream ---- */

static u64 gen_rand(struct bench_gen *g)
{
	/* xorshift64*: fast, and the same sequence on every path */
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return g->rng * 0x2545F4914F6CDD1DULL;
}

static u32 bench_isn(u32 flow, int server)
{
	return hash_32(flow * 2 + server, 32) ^ 0x5bd1e995;
}

static void emit(struct bench_gen *g, u32 flow, int from, u8 flags, u16 len)
{
	struct bench_flow *f = &g->flows[flow];
	struct bench_seg *s = &g->queue[g->queued++];

	if (flags & TCPSTATE_F_SYN)
		f->nxt[from] = bench_isn(flow, from);
	s->flow = flow;
	s->from_server = from;
	s->flags = flags;
	s->len = len;
	s->phase = g->phase;
	s->spoofed = 0;
	s->seq = f->nxt[from];
	s->ack = 0;
	if (flags & TCPSTATE_F_ACK) {
		s->ack = f->nxt[!from];
		f->acked[from] = s->ack;
	}
	f->nxt[from] += len + !!(flags & TCPSTATE_F_SYN) +
			!!(flags & TCPSTATE_F_FIN);
}

/* Flow k sends its SYN, flow k - W its SYN-ACK, flow k - 2W its ACK. */
static void open_step(struct bench_gen *g, u32 k)
{
	u32 n = g->nflows, w = g->window;

	if (k < n)
		emit(g, k, 0, TCPSTATE_F_SYN, 0);
	if (k >= w && k - w < n)
		emit(g, k - w, 1, TCPSTATE_F_SYN | TCPSTATE_F_ACK, 0);
	if (k >= 2 * w && k - 2 * w < n)
		emit(g, k - 2 * w, 0, TCPSTATE_F_ACK, 0);
}

/* One data segment or pure ACK on a random flow, within the window. */
static void data_step(struct bench_gen *g)
{
	u64 r = gen_rand(g);
	u32 flow = reciprocal_scale((u32)r, g->nflows);
	struct bench_flow *f = &g->flows[flow];
	int from = (r >> 32) & 1;
	bool pure = (r >> 33) % 5 == 0;

	if (!pure && f->nxt[from] + BENCH_PAYLOAD - f->acked[!from] >
		     BENCH_RWND) {
		from = !from;	/* the receiver acknowledges instead */
		pure = true;
	}
	if (pure)
		emit(g, flow, from, TCPSTATE_F_ACK, 0);
	else
		emit(g, flow, from, TCPSTATE_F_ACK | TCPSTATE_F_PSH,
		     BENCH_PAYLOAD);
}

/* The j-th flow to close, in an order unrelated to the order of opening. */
static u32 closing_flow(const struct bench_gen *g, u32 j)
{
	u32 quarter = g->nflows / 4;

	return 4 * (u32)(((u64)(j >> 1) * 1000003) % quarter) + (j & 1);
}

static void close_one(struct bench_gen *g, u32 j, int seg)
{
	u32 flow = closing_flow(g, j);
	int active = flow & 1;	/* id % 4 == 1: the server closes first */

	switch (seg) {
	case 0:
		emit(g, flow, active, TCPSTATE_F_FIN | TCPSTATE_F_ACK, 0);
		break;
	case 1:
		emit(g, flow, !active, TCPSTATE_F_ACK, 0);
		break;
	case 2:
		emit(g, flow, !active, TCPSTATE_F_FIN | TCPSTATE_F_ACK, 0);
		break;
	default:
		emit(g, flow, active, TCPSTATE_F_ACK, 0);
		break;
	}
}

/* FIN, its ACK, the other FIN and the last ACK, W closing flows apart. */
static void close_step(struct bench_gen *g, u32 k)
{
	u32 n = g->nflows / 2, w = g->window;
	int seg;

	for (seg = 0; seg < 4; seg++)
		if (k >= seg * w && k - seg * w < n)
			close_one(g, k - seg * w, seg);
}

static void gen_reset(struct bench_gen *g)
{
	memset(g->flows, 0, array_size(g->nflows, sizeof(*g->flows)));
	g->rng = 0x9e3779b97f4a7c15ULL;
	g->phase = PH_OPEN;
	g->step = 0;
	g->queued = 0;
	g->next = 0;
}

static u64 gen_length(const struct bench_gen *g)
{
	if (g->open_only)
		return 3ULL * g->nflows;
	return 3ULL * g->nflows + g->ndata + 4ULL * (g->nflows / 2);
}

static bool gen_next(struct bench_gen *g, struct bench_seg *s)
{
	while (g->next == g->queued) {
		g->queued = 0;
		g->next = 0;
		if (g->phase == PH_OPEN && g->step < g->nflows + 2 * g->window) {
			open_step(g, g->step++);
		} else if (g->phase == PH_OPEN && g->open_only) {
			return false;
		} else if (g->phase == PH_OPEN) {
			g->phase = PH_DATA;
			g->step = 0;
		} else if (g->phase == PH_DATA && g->step < g->ndata) {
			data_step(g);
			g->step++;
		} else if (g->phase == PH_DATA) {
			g->phase = PH_CLOSE;
			g->step = 0;
		} else if (g->step < g->nflows / 2 + 3 * g->window) {
			close_step(g, g->step++);
		} else {
			return false;
		}
	}
	*s = g->queue[g->next++];
	return true;
}

/* ---- segments into sk_buffs ---- */

/* Clients 10.0.x.y; servers 192.0.2.x:80 and 9.9.9.x:443, on either side. */
static void endpoints(const struct bench_seg *s, __be32 addr[2],
		      __be16 port[2])
{
	u32 server = s->flow % BENCH_SERVERS;

	if (s->spoofed) {
		addr[0] = htonl(0x64400000 + s->flow);	/* 100.64.0.0/10 */
		port[0] = htons(1024 + hash_32(s->flow, 16) % 60000);
		addr[1] = htonl(0xc0000201);
		port[1] = htons(80);
		return;
	}
	addr[0] = htonl(0x0a000001 + (s->flow >> 8));
	port[0] = htons(32768 + (s->flow & 0xff) * 97);
	addr[1] = server & 1 ? htonl(0x09090900 + server) :
			       htonl(0xc0000201 + server);
	port[1] = htons(server & 1 ? 443 : 80);
}

/* What Linux puts in a SYN (MSS, SACK, timestamps, window scale) or not. */
static unsigned int put_options(u8 *opt, const struct bench_seg *s)
{
	__be32 tsval = htonl(s->seq ^ s->flow), tsecr = htonl(s->ack);

	if (s->flags & TCPSTATE_F_SYN) {
		static const u8 syn[] = { TCPOPT_MSS, 4, 0x05, 0xb4,
					  TCPOPT_SACK_PERM, 2 };
		static const u8 wscale[] = { TCPOPT_NOP, TCPOPT_WINDOW, 3, 7 };

		memcpy(opt, syn, sizeof(syn));
		opt[6] = TCPOPT_TIMESTAMP;
		opt[7] = TCPOLEN_TIMESTAMP;
		memcpy(opt + 8, &tsval, 4);
		memcpy(opt + 12, &tsecr, 4);
		memcpy(opt + 16, wscale, sizeof(wscale));
		return 20;
	}
	opt[0] = TCPOPT_NOP;
	opt[1] = TCPOPT_NOP;
	opt[2] = TCPOPT_TIMESTAMP;
	opt[3] = TCPOLEN_TIMESTAMP;
	memcpy(opt + 4, &tsval, 4);
	memcpy(opt + 8, &tsecr, 4);
	return 12;
}

/* Most NICs verify TCP checksums; bench_csum makes the trackers do it. */
static void set_checksum(struct sk_buff *skb, const struct iphdr *iph,
			 struct tcphdr *th)
{
	unsigned int len = skb->len - sizeof(*iph);

	skb->ip_summed = CHECKSUM_UNNECESSARY;
	if (!bench_csum)
		return;
	skb->ip_summed = CHECKSUM_NONE;
	skb->csum_valid = 0;
	th->check = tcp_v4_check(len, iph->saddr, iph->daddr,
				 csum_partial(th, len, 0));
}

static void bench_fill(struct sk_buff *skb, const struct bench_seg *s)
{
	struct iphdr *iph = ip_hdr(skb);
	struct tcphdr *th = (struct tcphdr *)(iph + 1);
	unsigned int optlen, len;
	__be32 addr[2];
	__be16 port[2];
	int a = s->from_server;

	endpoints(s, addr, port);
	optlen = put_options((u8 *)(th + 1), s);
	len = sizeof(*iph) + sizeof(*th) + optlen + s->len;
	skb->len = len;
	skb_set_tail_pointer(skb, len);
	iph->version = 4;
	iph->ihl = 5;
	iph->tos = 0;
	iph->tot_len = htons(len);
	iph->id = 0;
	iph->frag_off = htons(IP_DF);
	iph->ttl = 64;
	iph->protocol = IPPROTO_TCP;
	iph->saddr = addr[a];
	iph->daddr = addr[!a];
	ip_send_check(iph);
	memset(th, 0, sizeof(*th));
	th->source = port[a];
	th->dest = port[!a];
	th->seq = htonl(s->seq);
	th->ack_seq = htonl(s->ack);
	th->doff = (sizeof(*th) + optlen) / 4;
	((u8 *)th)[13] = s->flags;
	th->window = htons(65535);
	set_checksum(skb, iph, th);
}

static struct sk_buff *bench_skb(void)
{
	struct sk_buff *skb = alloc_skb(BENCH_HEADROOM + BENCH_MAXLEN,
					GFP_KERNEL);

	if (!skb)
		return NULL;
	skb_reserve(skb, BENCH_HEADROOM);
	skb_put_zero(skb, BENCH_MAXLEN);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, sizeof(struct iphdr));
	skb->protocol = htons(ETH_P_IP);
	return skb;
}

/* ---- the three paths ---- */

static void bound_segment(struct bench_lane *l, struct sk_buff *skb)
{
	const struct tcphdr *th;
	const struct iphdr *iph;
	struct tcpstate_key key;
	struct bench_obj *obj;
	struct tcphdr _th;
	struct iphdr _iph;
	int dir;

	iph = skb_header_pointer(skb, skb_network_offset(skb), sizeof(_iph),
				 &_iph);
	if (!iph || iph->protocol != IPPROTO_TCP)
		return;
	th = skb_header_pointer(skb, skb_network_offset(skb) + iph->ihl * 4,
				sizeof(_th), &_th);
	if (!th)
		return;
	dir = ntohl(iph->saddr) > ntohl(iph->daddr) ||
	      (iph->saddr == iph->daddr && ntohs(th->source) > ntohs(th->dest));
	memset(&key, 0, sizeof(key));
	key.family = AF_INET;
	key.addr[dir].s6_addr32[0] = iph->saddr;
	key.addr[!dir].s6_addr32[0] = iph->daddr;
	key.port[dir] = th->source;
	key.port[!dir] = th->dest;
	obj = rhashtable_lookup(&l->bound, &key, bound_params);
	if (likely(obj)) {
		WRITE_ONCE(obj->flags, ((const u8 *)th)[13]);
		return;
	}
	obj = kmem_cache_alloc(bound_cache, GFP_ATOMIC);
	if (!obj) {
		l->bound_failed++;
		return;
	}
	obj->key = key;
	obj->flags = ((const u8 *)th)[13];
	if (rhashtable_lookup_insert_fast(&l->bound, &obj->node,
					  bound_params)) {
		kmem_cache_free(bound_cache, obj);
		l->bound_failed++;
	}
}

static void conntrack_segment(struct bench_lane *l, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	if (nf_conntrack_in(skb, state) != NF_ACCEPT)
		l->ct_drop++;
	if (unlikely(!skb_nfct(skb)))
		l->ct_invalid++;
	nf_conntrack_confirm(skb);
	nf_reset_ct(skb);
}

static __always_inline void bench_segment(struct bench_ctx *c,
					  struct bench_lane *l,
					  struct sk_buff *skb)
{
	switch (l->path) {
	case P_TCPSTATE:
		tcpstate_hook_segment(l->tn, skb, &c->state);
		break;
	case P_CONNTRACK:
		conntrack_segment(l, skb, &c->state);
		break;
	default:
		bound_segment(l, skb);
		break;
	}
}

/*
 * As a NAPI poll would: softirq context, under RCU, batch after batch.
 * Returns the wall time; @preempted says if the host took the CPU away.
 */
static u64 run_batch(struct bench_ctx *c, struct bench_lane *l,
		     unsigned int n, bool each, bool *preempted)
{
	u64 t0, t1, c0, host = bench_host_cpu_ns();
	unsigned int i;

	local_bh_disable();
	rcu_read_lock();
	t0 = ktime_get_ns();
	if (each) {
		for (i = 0; i < n; i++) {
			c0 = tsc_begin();
			bench_segment(c, l, c->skbs[i]);
			c->cycles[i] = min_t(u64, tsc_end() - c0, U32_MAX);
		}
	} else {
		for (i = 0; i < n; i++)
			bench_segment(c, l, c->skbs[i]);
	}
	t1 = ktime_get_ns();
	rcu_read_unlock();
	local_bh_enable();
	host = bench_host_cpu_ns() - host;
	*preempted = t1 - t0 > host + BENCH_PREEMPTED;
	return t1 - t0;
}

/* Each lane must see the skbs as the device left them. */
static void rewind_skbs(struct bench_ctx *c, unsigned int n)
{
	unsigned int i;

	if (!bench_csum)
		return;
	for (i = 0; i < n; i++) {
		c->skbs[i]->ip_summed = CHECKSUM_NONE;
		c->skbs[i]->csum_valid = 0;
	}
}

/* ---- setting the lanes up and down ---- */

static int tcpstate_up(struct bench_lane *l, const struct tcpstate_params *p)
{
	struct tcpstate_net *tn = kzalloc(sizeof(*tn), GFP_KERNEL);

	if (!tn)
		return -ENOMEM;
	tn->net = &init_net;
	tn->params = *p;
	if (tcpstate_stats_init(tn))
		goto err_free;
	if (tcpstate_detect_init(tn))
		goto err_stats;
	if (tcpstate_table_init(tn))
		goto err_detect;
	l->tn = tn;
	return 0;

err_detect:
	tcpstate_detect_exit(tn);
err_stats:
	tcpstate_stats_exit(tn);
err_free:
	kfree(tn);
	return -ENOMEM;
}

static void tcpstate_down(struct bench_lane *l)
{
	tcpstate_table_exit(l->tn);
	rcu_barrier();
	tcpstate_detect_exit(l->tn);
	tcpstate_stats_exit(l->tn);
	kfree(l->tn);
	l->tn = NULL;
}

static int ct_kill(struct nf_conn *ct, void *data)
{
	return 1;
}

static void conntrack_flush(void)
{
	struct nf_ct_iter_data iter = { .net = &init_net };

	nf_ct_iterate_cleanup_net(ct_kill, &iter);
	rcu_barrier();
}

static void bound_free(void *ptr, void *arg)
{
	kmem_cache_free(bound_cache, ptr);
}

static struct tcpstate_params bench_params(int mode)
{
	struct tcpstate_params p = tcpstate_default_params;

	p.max_flows = BENCH_MAX_FLOWS;
	p.log_alarms = 0;
	if (mode != M_BELOW)
		return p;
	/* No alarm however many SYNs: every one of them allocates. */
	p.syn_flood_enter = INT_MAX;
	p.syn_flood_exit = INT_MAX - 1;
	p.syn_rate_enter = INT_MAX;
	p.syn_rate_exit = INT_MAX - 1;
	p.syn_sent_enter = INT_MAX;
	p.syn_sent_exit = INT_MAX - 1;
	return p;
}

static void lane_reset(struct bench_lane *l);

/* A new lane on an empty table; false if bench_paths leaves it out. */
static bool lane_up(struct bench_ctx *c, int path, int mode)
{
	struct bench_lane *l = &c->lanes[c->nlanes];
	struct tcpstate_params p = bench_params(mode);

	if (!(bench_paths & BIT(path)))
		return false;
	l->path = path;
	l->mode = mode;
	l->ct_invalid = 0;
	l->ct_drop = 0;
	l->bound_failed = 0;
	lane_reset(l);
	switch (path) {
	case P_TCPSTATE:
		/* Sized for the run, as an operator who knows the load would. */
		tcpstate_expected_flows = c->expect;
		KUNIT_ASSERT_EQ(c->test, tcpstate_up(l, &p), 0);
		tcpstate_expected_flows = 0;
		break;
	case P_CONNTRACK:
		conntrack_flush();
		break;
	default:
		KUNIT_ASSERT_EQ(c->test, rhashtable_init(&l->bound,
							 &bound_params), 0);
		break;
	}
	c->nlanes++;
	return true;
}

static void lanes_down(struct bench_ctx *c)
{
	struct bench_lane *l;
	int i;

	for (i = 0; i < c->nlanes; i++) {
		l = &c->lanes[i];
		if (l->path == P_TCPSTATE)
			tcpstate_down(l);
		else if (l->path == P_CONNTRACK)
			conntrack_flush();
		else
			rhashtable_free_and_destroy(&l->bound, bound_free,
						    NULL);
		cond_resched();
	}
	c->nlanes = 0;
}

/* Is the lane's table being resized? Also returns its current size. */
static bool resizing(struct bench_lane *l, unsigned int *size)
{
	struct tcpstate_hash *ht;
	struct bucket_table *tbl;
	bool busy = false;

	*size = 0;
	rcu_read_lock();
	switch (l->path) {
	case P_TCPSTATE:
		ht = &l->tn->table.flows;
		busy = rcu_access_pointer(ht->future) ||
		       work_pending(&l->tn->table.grow);
		*size = rcu_dereference(ht->tbl)->mask + 1;
		break;
	case P_BOUND:
		tbl = rcu_dereference(l->bound.tbl);
		busy = rcu_access_pointer(tbl->future_tbl);
		*size = tbl->size;
		break;
	default:
		break;	/* conntrack's hash has a fixed size */
	}
	rcu_read_unlock();
	return busy;
}

/* ---- figures ---- */

static u32 *hist_buckets(void)
{
	return vzalloc((BENCH_HIST + BENCH_TAIL) * sizeof(u32));
}

static int lane_alloc(struct bench_lane *l)
{
	int i;

	for (i = 0; i < 2 * PH_N; i++) {
		l->hist[i / PH_N][i % PH_N].count = hist_buckets();
		if (!l->hist[i / PH_N][i % PH_N].count)
			return -ENOMEM;
	}
	return 0;
}

static void lane_reset(struct bench_lane *l)
{
	struct bench_hist *h;
	int i;

	for (i = 0; i < 2 * PH_N; i++) {
		h = &l->hist[i / PH_N][i % PH_N];
		memset(h->count, 0, (BENCH_HIST + BENCH_TAIL) * sizeof(u32));
		h->n = 0;
		h->sum = 0;
		h->max = 0;
	}
	memset(l->slowest, 0, sizeof(l->slowest));
	memset(l->ns, 0, sizeof(l->ns));
	memset(l->segments, 0, sizeof(l->segments));
	l->preempted = 0;
	l->resizes = 0;
	l->size = 0;
}

static void lane_free(struct bench_lane *l)
{
	int i;

	for (i = 0; i < 2 * PH_N; i++)
		vfree(l->hist[i / PH_N][i % PH_N].count);
}

static unsigned int hist_bucket(u64 cycles)
{
	unsigned int bits;

	if (cycles < BENCH_HIST)
		return cycles;
	bits = fls64(cycles);	/* 17 or more */
	return BENCH_HIST + min_t(u32, (bits - 17) * 16 +
				  ((cycles >> (bits - 5)) & 15),
				  BENCH_TAIL - 1);
}

static u64 bucket_floor(unsigned int b)
{
	if (b < BENCH_HIST)
		return b;
	b -= BENCH_HIST;
	return (u64)(16 + b % 16) << (b / 16 + 12);
}

/* Segments slower than 10 us, the target for single segments. */
static u64 hist_above(const struct bench_hist *h, u64 cycles)
{
	u64 n = 0;
	unsigned int b;

	for (b = hist_bucket(cycles) + 1; b < BENCH_HIST + BENCH_TAIL; b++)
		n += h->count[b];
	return n;
}

static void hist_add(struct bench_hist *h, u32 cycles)
{
	h->count[hist_bucket(cycles)]++;
	h->n++;
	h->sum += cycles;
	h->max = max_t(u64, h->max, cycles);
}

/*
 * The time below which @permyriad of 10000 segments stayed, in tenths of
 * a cycle. A TSC that moves in steps of q cycles reads b for anything in
 * b +- q / 2: spreading each bucket over that range recovers a median
 * finer than the steps.
 */
static u64 hist_pct(const struct bench_hist *h, unsigned int permyriad)
{
	u64 want = max_t(u64, 1, DIV_ROUND_UP_ULL(h->n * permyriad, 10000));
	u64 seen = 0, q = tsc_quantum;
	unsigned int b;

	for (b = 0; b < BENCH_HIST + BENCH_TAIL - 1; b++) {
		if (h->count[b] && seen + h->count[b] >= want)
			break;
		seen += h->count[b];
	}
	if (b >= BENCH_HIST)
		return 10 * min(bucket_floor(b), h->max);
	return max_t(s64, 0, 10 * (s64)b - 5 * (s64)q +
		     (s64)div64_u64(10 * q * (want - seen), h->count[b]));
}

/* Percentiles in tenths of a cycle; max and sum in cycles. */
static void print_hist(const struct bench_hist *h, const char *what,
		       u32 nflows, const struct bench_lane *l, int phase,
		       int all)
{
	OUT("seg t=%s f=%u p=%s ph=%s all=%d n=%llu p50=%llu p99=%llu p9999=%llu max=%llu sum=%llu",
	    what, nflows, path_names[l->path], phase_names[phase], all, h->n,
	    hist_pct(h, 5000), hist_pct(h, 9900), hist_pct(h, 9999), h->max,
	    h->sum);
	OUT("over t=%s f=%u p=%s ph=%s all=%d over10us=%llu", what, nflows,
	    path_names[l->path], phase_names[phase], all,
	    hist_above(h, div_u64(tsc_khz * 10, 1000)));
}

static void print_lane(struct bench_lane *l, const char *what, u32 nflows)
{
	struct bench_slow *s;
	int i;

	for (i = 0; i < 2 * PH_N; i++) {
		struct bench_hist *h = &l->hist[i / PH_N][i % PH_N];

		if (h->n)
			print_hist(h, what, nflows, l, i % PH_N, i / PH_N);
	}
	OUT("run t=%s f=%u p=%s segs=%llu ns=%llu all_segs=%llu all_ns=%llu cut=%u resizes=%u",
	    what, nflows, path_names[l->path], l->segments[0], l->ns[0],
	    l->segments[1], l->ns[1], l->preempted, l->resizes);
	for (i = 0; i < BENCH_SLOWEST; i++) {
		s = &l->slowest[i];
		if (s->cycles)
			OUT("slow t=%s f=%u p=%s cycles=%u ph=%s flags=%#x grow=%d",
			    what, nflows, path_names[l->path], s->cycles,
			    phase_names[s->phase], s->flags, s->grew);
	}
}

static void note_slow(struct bench_lane *l, const struct bench_seg *s,
		      u32 cycles, bool grew)
{
	struct bench_slow *min = &l->slowest[0];
	int i;

	for (i = 1; i < BENCH_SLOWEST; i++)
		if (l->slowest[i].cycles < min->cycles)
			min = &l->slowest[i];
	if (cycles <= min->cycles)
		return;
	min->cycles = cycles;
	min->phase = s->phase;
	min->flags = s->flags;
	min->grew = grew;
}

static void add_segment(struct bench_hist *hist, const struct bench_seg *s,
			u32 cycles, bool grew)
{
	hist_add(&hist[s->phase], cycles);
	hist_add(&hist[PH_ALL], cycles);
	if (grew)
		hist_add(&hist[PH_GROW], cycles);
	if (s->flags == TCPSTATE_F_SYN)
		hist_add(&hist[PH_SYN], cycles);
}

/*
 * Wall time and segments of a batch; with @each also its segments' times,
 * those of batches during which the table grew counted again as GROW.
 * A batch the host interrupted counts only among "all" ([1]).
 */
static void account_batch(struct bench_ctx *c, struct bench_lane *l,
			  unsigned int n, u64 ns, bool each, bool grew,
			  bool preempted)
{
	unsigned int i;

	l->ns[1] += ns;
	l->segments[1] += n;
	l->preempted += preempted;
	if (!preempted) {
		l->ns[0] += ns;
		l->segments[0] += n;
	}
	for (i = 0; each && i < n; i++) {
		add_segment(l->hist[1], &c->segs[i], c->cycles[i], grew);
		if (preempted)
			continue;
		add_segment(l->hist[0], &c->segs[i], c->cycles[i], grew);
		note_slow(l, &c->segs[i], c->cycles[i], grew);
	}
}

static void lane_batch(struct bench_ctx *c, struct bench_lane *l,
		       unsigned int n, bool each)
{
	unsigned int size0, size1;
	bool grew, preempted;
	u64 ns;

	rewind_skbs(c, n);
	/* The resize worker runs between batches, when we yield. */
	grew = resizing(l, &size0) || (l->size && size0 != l->size);
	ns = run_batch(c, l, n, each, &preempted);
	grew |= resizing(l, &size1) || size0 != size1;
	l->resizes += (l->size && size0 != l->size) + (size0 != size1);
	l->size = size1;
	account_batch(c, l, n, ns, each, grew, preempted);
}

/* The same batch through every lane, each batch in another order. */
static void lanes_batch(struct bench_ctx *c, unsigned int n, bool each,
			unsigned int round)
{
	int i;

	for (i = 0; i < c->nlanes; i++)
		lane_batch(c, &c->lanes[(i + round) % c->nlanes], n, each);
	cond_resched();
}

static void run_stream(struct bench_ctx *c, struct bench_gen *g)
{
	unsigned int n, round;

	gen_reset(g);
	for (round = 0;; round++) {
		for (n = 0; n < BENCH_BATCH && gen_next(g, &c->segs[n]); n++)
			bench_fill(c->skbs[n], &c->segs[n]);
		if (!n)
			break;
		lanes_batch(c, n, true, round);
	}
}

/* ---- checks: the figures mean nothing if a tracker was wrong ---- */

/* The states the mix leaves each flow in (client, server). */
static void expected_states(u32 flow, u8 st[2])
{
	st[TCPSTATE_CLIENT] = TCPSTATE_ESTABLISHED;
	st[TCPSTATE_SERVER] = TCPSTATE_ESTABLISHED;
	if (flow % 4 == 0) {
		st[TCPSTATE_CLIENT] = TCPSTATE_TIME_WAIT;
		st[TCPSTATE_SERVER] = TCPSTATE_CLOSED;
	} else if (flow % 4 == 1) {
		st[TCPSTATE_CLIENT] = TCPSTATE_CLOSED;
		st[TCPSTATE_SERVER] = TCPSTATE_TIME_WAIT;
	}
}

/* A segment of @flow from its client, as the trackers would parse it. */
static struct sk_buff *sample_skb(struct bench_ctx *c, u32 flow)
{
	struct bench_seg s = { .flow = flow, .flags = TCPSTATE_F_ACK };

	bench_fill(c->skbs[0], &s);
	return c->skbs[0];
}

/* Does @f's history begin with @prefix? */
static bool history_is(struct tcpstate_flow *f, const char *prefix)
{
	char buf[TCPSTATE_HISTORY_LEN + 1];

	tcpstate_history_string(&f->history, buf);
	return !strncmp(buf, prefix, strlen(prefix));
}

static bool tcpstate_sample_ok(struct bench_ctx *c, struct bench_lane *l,
			       u32 flow)
{
	struct sk_buff *skb = sample_skb(c, flow);
	struct tcpstate_flow *f = NULL;
	struct tcpstate_pkt pkt;
	bool ok;
	u8 st[2];

	expected_states(flow, st);
	rcu_read_lock();
	if (tcpstate_parse(skb, NFPROTO_IPV4, &pkt) == TCPSTATE_TCP)
		f = tcpstate_table_lookup(l->tn, &pkt.key);
	ok = f && tcpstate_fsm_role(&f->pair, pkt.seg.dir) == TCPSTATE_CLIENT &&
	     f->pair.end[TCPSTATE_CLIENT].state == st[TCPSTATE_CLIENT] &&
	     f->pair.end[TCPSTATE_SERVER].state == st[TCPSTATE_SERVER] &&
	     history_is(f, "ShA");
	rcu_read_unlock();
	return ok;
}

static bool conntrack_sample_ok(struct bench_ctx *c, u32 flow)
{
	struct sk_buff *skb = sample_skb(c, flow);
	struct nf_conntrack_tuple_hash *h;
	struct nf_conntrack_tuple tuple;
	struct nf_conn *ct;
	u8 want;
	bool ok;

	want = flow % 4 < 2 ? TCP_CONNTRACK_TIME_WAIT :
			      TCP_CONNTRACK_ESTABLISHED;
	if (!nf_ct_get_tuplepr(skb, skb_network_offset(skb), NFPROTO_IPV4,
			       &init_net, &tuple))
		return false;
	h = nf_conntrack_find_get(&init_net, &nf_ct_zone_dflt, &tuple);
	if (!h)
		return false;
	ct = nf_ct_tuplehash_to_ctrack(h);
	ok = NF_CT_DIRECTION(h) == IP_CT_DIR_ORIGINAL &&
	     ct->proto.tcp.state == want;
	nf_ct_put(ct);
	return ok;
}

static unsigned int samples_ok(struct bench_ctx *c, struct bench_lane *l,
			       u32 nflows)
{
	unsigned int i, ok = 0;
	u32 flow;

	for (i = 0; i < BENCH_SAMPLES; i++) {
		flow = (u64)i * nflows / BENCH_SAMPLES;
		if (l->path == P_TCPSTATE)
			ok += tcpstate_sample_ok(c, l, flow);
		else
			ok += conntrack_sample_ok(c, flow);
	}
	return ok;
}

static u32 gauge_sum(const struct tcpstate_snapshot *s, int role)
{
	u32 sum = 0;
	int st;

	for (st = 0; st < TCPSTATE_NSTATES; st++)
		sum += s->gauge[role][st];
	return sum;
}

#define CTR(s, name) ((s)->counter[TCPSTATE_CTR_##name])

static struct tcpstate_snapshot *snapshot(struct bench_ctx *c,
					  struct bench_lane *l)
{
	struct tcpstate_snapshot *s = kzalloc(sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(c->test, s);
	tcpstate_stats_snapshot(l->tn, s);
	return s;
}

/* The gauge invariant, and exactly what the stream must have left. */
static void check_tcpstate_mix(struct bench_ctx *c, struct bench_lane *l,
			       struct bench_gen *g)
{
	struct tcpstate_snapshot *s = snapshot(c, l);
	u32 n = g->nflows, quarter = n / 4;
	struct kunit *test = c->test;
	unsigned int ok;

	KUNIT_EXPECT_EQ(test, gauge_sum(s, TCPSTATE_CLIENT), s->flows);
	KUNIT_EXPECT_EQ(test, gauge_sum(s, TCPSTATE_SERVER), s->flows);
	KUNIT_EXPECT_EQ(test, s->flows, n);
	KUNIT_EXPECT_EQ(test, (u64)atomic_read(&l->tn->table.entries),
			CTR(s, flows_created) - CTR(s, flows_freed));
	KUNIT_EXPECT_EQ(test, CTR(s, flows_created), (u64)n);
	KUNIT_EXPECT_EQ(test, CTR(s, segments), l->segments[1]);
	KUNIT_EXPECT_EQ(test, CTR(s, handshakes), (u64)n);
	KUNIT_EXPECT_EQ(test, CTR(s, syn), (u64)n);
	KUNIT_EXPECT_EQ(test, CTR(s, synack), (u64)n);
	KUNIT_EXPECT_EQ(test, CTR(s, invalid), 0ull);
	KUNIT_EXPECT_EQ(test, CTR(s, untracked), 0ull);
	KUNIT_EXPECT_EQ(test, CTR(s, picked_up), 0ull);
	KUNIT_EXPECT_EQ(test, CTR(s, resets), 0ull);
	KUNIT_EXPECT_EQ(test, CTR(s, keepalives), 0ull);
	KUNIT_EXPECT_FALSE(test, tcpstate_detect_raised(l->tn,
							TCPSTATE_DET_syn_flood));
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_CLIENT][TCPSTATE_ESTABLISHED],
			n - 2 * quarter);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_SERVER][TCPSTATE_ESTABLISHED],
			n - 2 * quarter);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_CLIENT][TCPSTATE_TIME_WAIT],
			quarter);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_SERVER][TCPSTATE_CLOSED],
			quarter);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_SERVER][TCPSTATE_TIME_WAIT],
			quarter);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_CLIENT][TCPSTATE_CLOSED],
			quarter);
	ok = samples_ok(c, l, n);
	KUNIT_EXPECT_EQ(test, ok, BENCH_SAMPLES);
	OUT("check t=mix f=%u p=tcpstate flows=%u new=%llu invalid=%llu shakes=%llu samples=%u/%u",
	    n, s->flows, CTR(s, flows_created), CTR(s, invalid),
	    CTR(s, handshakes), ok, BENCH_SAMPLES);
	OUT("gauges f=%u established=%u/%u time_wait=%u/%u closed=%u/%u", n,
	    s->gauge[TCPSTATE_CLIENT][TCPSTATE_ESTABLISHED],
	    s->gauge[TCPSTATE_SERVER][TCPSTATE_ESTABLISHED],
	    s->gauge[TCPSTATE_CLIENT][TCPSTATE_TIME_WAIT],
	    s->gauge[TCPSTATE_SERVER][TCPSTATE_TIME_WAIT],
	    s->gauge[TCPSTATE_CLIENT][TCPSTATE_CLOSED],
	    s->gauge[TCPSTATE_SERVER][TCPSTATE_CLOSED]);
	kfree(s);
}

static void check_conntrack_mix(struct bench_ctx *c, struct bench_lane *l,
				struct bench_gen *g)
{
	u32 count = nf_conntrack_count(&init_net);
	unsigned int ok = samples_ok(c, l, g->nflows);
	struct kunit *test = c->test;

	KUNIT_EXPECT_EQ(test, l->ct_invalid, 0ull);
	KUNIT_EXPECT_EQ(test, l->ct_drop, 0ull);
	KUNIT_EXPECT_EQ(test, count, g->nflows);
	KUNIT_EXPECT_EQ(test, ok, BENCH_SAMPLES);
	OUT("check t=mix f=%u p=conntrack entries=%u invalid=%llu dropped=%llu samples=%u/%u",
	    g->nflows, count, l->ct_invalid, l->ct_drop, ok, BENCH_SAMPLES);
}

static void check_bound(struct bench_ctx *c, struct bench_lane *l,
			const char *what, u32 nflows)
{
	u32 count = atomic_read(&l->bound.nelems);

	KUNIT_EXPECT_EQ(c->test, count, nflows);
	KUNIT_EXPECT_EQ(c->test, l->bound_failed, 0ull);
	OUT("check t=%s f=%u p=bound entries=%u failed=%llu", what, nflows,
	    count, l->bound_failed);
}

/* What the collector's once-a-second walk over @l's table costs. */
static void time_collector(struct bench_lane *l, u32 nflows)
{
	u64 t0 = ktime_get_ns();

	tcpstate_table_collect(l->tn, jiffies);
	OUT("gc f=%u ns=%llu", nflows, ktime_get_ns() - t0);
}

static void check_mix(struct bench_ctx *c, struct bench_gen *g)
{
	struct bench_lane *l;
	int i;

	for (i = 0; i < c->nlanes; i++) {
		l = &c->lanes[i];
		KUNIT_EXPECT_EQ(c->test, l->segments[1], gen_length(g));
		if (l->path == P_TCPSTATE) {
			check_tcpstate_mix(c, l, g);
			time_collector(l, g->nflows);
		} else if (l->path == P_CONNTRACK) {
			check_conntrack_mix(c, l, g);
		} else {
			check_bound(c, l, "mix", g->nflows);
		}
	}
}

/* ---- the cases ---- */

static struct bench_ctx *ctx_alloc(struct kunit *test)
{
	struct bench_ctx *c = vzalloc(sizeof(*c));
	int i;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->test = test;
	nf_hook_state_init(&c->state, NF_INET_PRE_ROUTING, NFPROTO_IPV4, NULL,
			   NULL, NULL, &init_net, NULL);
	for (i = 0; i < BENCH_BATCH; i++) {
		c->skbs[i] = bench_skb();
		KUNIT_ASSERT_NOT_NULL(test, c->skbs[i]);
	}
	for (i = 0; i < BENCH_LANES; i++)
		KUNIT_ASSERT_EQ(test, lane_alloc(&c->lanes[i]), 0);
	return c;
}

static void ctx_free(struct bench_ctx *c)
{
	int i;

	lanes_down(c);
	for (i = 0; i < BENCH_LANES; i++)
		lane_free(&c->lanes[i]);
	for (i = 0; i < BENCH_BATCH; i++)
		kfree_skb(c->skbs[i]);
	vfree(c);
}

static void bench_mix(struct kunit *test, u32 nflows, unsigned int paths)
{
	struct bench_ctx *c = ctx_alloc(test);
	struct bench_gen g = {
		.nflows = nflows,
		.ndata = max_t(u32, bench_data, 4 * nflows),
		.window = min_t(u32, BENCH_WINDOW, nflows / 4),
	};
	int path, i;

	g.flows = vzalloc(array_size(nflows, sizeof(*g.flows)));
	KUNIT_ASSERT_NOT_NULL(test, g.flows);
	c->expect = nflows;
	for (path = 0; path < P_NPATHS; path++)
		if (paths & BIT(path))
			lane_up(c, path, M_NONE);
	run_stream(c, &g);
	for (i = 0; i < c->nlanes; i++)
		print_lane(&c->lanes[i], "mix", nflows);
	check_mix(c, &g);
	lanes_down(c);
	vfree(g.flows);
	ctx_free(c);
}

#define ALL_PATHS	(BIT(P_TCPSTATE) | BIT(P_CONNTRACK) | BIT(P_BOUND))

static void bench_mix_1k(struct kunit *test)
{
	bench_mix(test, 1000, ALL_PATHS);
}

static void bench_mix_100k(struct kunit *test)
{
	bench_mix(test, 100000, ALL_PATHS);
}

static void bench_mix_1m(struct kunit *test)
{
	bench_mix(test, 1000000, ALL_PATHS);
}

/*
 * Conntrack's hash is sized at boot for 8M entries (1M buckets, the
 * 1M-flow figures): at 10M flows it would refuse entries, and a larger
 * boot-time hash would change its other figures. tcpstate and the bound.
 */
static void bench_mix_10m(struct kunit *test)
{
	bench_mix(test, 10000000, BIT(P_TCPSTATE) | BIT(P_BOUND));
}

/* ---- memory: one path at a time, so that the slab delta is its own ---- */

static u64 slab_bytes(void)
{
	return (global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B) +
		global_node_page_state_pages(NR_SLAB_RECLAIMABLE_B)) <<
	       PAGE_SHIFT;
}

static u64 hash_bytes(struct bench_lane *l)
{
	unsigned int size;

	if (l->path == P_CONNTRACK)
		return (u64)nf_conntrack_htable_size *
		       sizeof(struct hlist_nulls_head);
	resizing(l, &size);
	return (u64)size * sizeof(void *);	/* a bucket is a pointer */
}

static size_t object_size(int path, bool v6)
{
	switch (path) {
	case P_TCPSTATE:
		return v6 ? sizeof(struct tcpstate_flow) : TCPSTATE_FLOW4_SIZE;
	case P_CONNTRACK:
		return sizeof(struct nf_conn);
	default:
		return sizeof(struct bench_obj);
	}
}

static u32 table_entries(struct bench_lane *l)
{
	switch (l->path) {
	case P_TCPSTATE:
		return atomic_read(&l->tn->table.entries);
	case P_CONNTRACK:
		return nf_conntrack_count(&init_net);
	default:
		return atomic_read(&l->bound.nelems);
	}
}

/* Let a resize the last insertions asked for finish. */
static void settle(struct bench_lane *l)
{
	unsigned int size;
	int i;

	for (i = 0; i < 100; i++) {
		msleep(20);
		if (!resizing(l, &size))
			break;
	}
}

/* Slab and hash growth of @l's lane after its @n flows were made. */
static void print_memory(struct kunit *test, struct bench_lane *l,
			 const char *what, u32 n, u64 slab0)
{
	settle(l);
	OUT("mem t=%s f=%u p=%s object=%zu slab_bytes=%lld hash_bytes=%llu entries=%u",
	    what, n, path_names[l->path],
	    object_size(l->path, !strcmp(what, "v6")),
	    (s64)(slab_bytes() - slab0), hash_bytes(l), table_entries(l));
	KUNIT_EXPECT_EQ(test, table_entries(l), n);
}

/*
 * An IPv6 handshake between client @id (2001:db8::/96 + id, port 1024 +
 * id % 60000) and [2001:db8:1::1]:80, fed to the table as the parser
 * would (the stream of the mix is IPv4).
 */
static void v6_handshake(struct tcpstate_net *tn, u32 id)
{
	struct tcpstate_pkt pkt = {
		.key = { .family = AF_INET6 },
		.seg = { .win = 1000 },
		.gso_segs = 1,
	};
	u32 isn[2] = { bench_isn(id, 0), bench_isn(id, 1) };
	static const struct {
		u8 dir, flags;
	} shake[] = {
		{ 0, TCPSTATE_F_SYN },
		{ 1, TCPSTATE_F_SYN | TCPSTATE_F_ACK },
		{ 0, TCPSTATE_F_ACK },
	};
	int i;

	/* Canonical order: 2001:db8:: sorts before 2001:db8:1::. */
	pkt.key.addr[0].s6_addr32[0] = htonl(0x20010db8);
	pkt.key.addr[0].s6_addr32[3] = htonl(id);
	pkt.key.addr[1].s6_addr32[0] = htonl(0x20010db8);
	pkt.key.addr[1].s6_addr32[1] = htonl(0x00010000);
	pkt.key.addr[1].s6_addr32[3] = htonl(1);
	pkt.key.port[0] = htons(1024 + id % 60000);
	pkt.key.port[1] = htons(80);
	for (i = 0; i < ARRAY_SIZE(shake); i++) {
		u8 d = shake[i].dir;

		pkt.seg.dir = d;
		pkt.seg.flags = shake[i].flags;
		pkt.seg.seq = isn[d] + (i == 2);
		pkt.seg.ack = shake[i].flags & TCPSTATE_F_ACK ? isn[!d] + 1 : 0;
		tcpstate_table_segment(tn, &pkt);
	}
}

static void v6_flows(struct tcpstate_net *tn, u32 n)
{
	u32 id;

	for (id = 0; id < n; id++) {
		if (!(id % BENCH_BATCH)) {
			if (id) {
				rcu_read_unlock();
				local_bh_enable();
				cond_resched();
			}
			local_bh_disable();
			rcu_read_lock();
		}
		v6_handshake(tn, id);
	}
	if (n) {
		rcu_read_unlock();
		local_bh_enable();
	}
}

/*
 * @n handshakes into an empty table, then what the table holds and what
 * it took: each path of @paths with the IPv4 stream, then tcpstate with
 * IPv6 flows.
 */
static void bench_memory(struct kunit *test, u32 n, unsigned int paths)
{
	struct bench_ctx *c = ctx_alloc(test);
	struct bench_gen g = {
		.nflows = n,
		.window = BENCH_WINDOW,
		.open_only = true,
	};
	u64 slab0;
	int path;

	g.flows = vzalloc(array_size(g.nflows, sizeof(*g.flows)));
	KUNIT_ASSERT_NOT_NULL(test, g.flows);
	c->expect = n;
	for (path = 0; path < P_NPATHS; path++) {
		if (!(paths & BIT(path)))
			continue;
		rcu_barrier();
		slab0 = slab_bytes();
		if (!lane_up(c, path, M_NONE))
			continue;
		run_stream(c, &g);
		print_memory(test, &c->lanes[0], "mix", n, slab0);
		lanes_down(c);
	}
	vfree(g.flows);
	rcu_barrier();
	slab0 = slab_bytes();
	if (lane_up(c, P_TCPSTATE, M_NONE)) {
		v6_flows(c->lanes[0].tn, n);
		print_memory(test, &c->lanes[0], "v6", n, slab0);
		lanes_down(c);
	}
	ctx_free(c);
}

static void bench_memory_1m(struct kunit *test)
{
	bench_memory(test, 1000000, ALL_PATHS);
}

static void bench_memory_10m(struct kunit *test)
{
	bench_memory(test, 10000000, BIT(P_TCPSTATE));
}

/* ---- ageing: what the collector costs while flows come and go ---- */

#define BENCH_AGE_STEPS	8

/* Reset flows @first.. (@count of them) from their servers, untimed. */
static void age_resets(struct bench_ctx *c, struct bench_gen *g, u32 first,
		       u32 count)
{
	struct bench_seg s = { .flags = TCPSTATE_F_RST, .from_server = 1,
			       .phase = PH_CLOSE };
	unsigned int n;
	bool preempted;
	u32 done;

	for (done = 0; done < count; done += n) {
		for (n = 0; n < BENCH_BATCH && done + n < count; n++) {
			s.flow = first + done + n;
			s.seq = g->flows[s.flow].nxt[1];
			bench_fill(c->skbs[n], &s);
		}
		run_batch(c, &c->lanes[0], n, false, &preempted);
		cond_resched();
	}
}

/*
 * @n established flows; then, second after simulated second, 1 % of
 * them are reset and the collector runs (its clock a second ahead each
 * time): it should look at about what expires, whatever the table holds.
 */
static void bench_ageing(struct kunit *test, u32 n)
{
	struct bench_ctx *c = ctx_alloc(test);
	struct bench_gen g = {
		.nflows = n,
		.window = BENCH_WINDOW,
		.open_only = true,
	};
	u32 per = n / 100, k;
	struct tcpstate_net *tn;
	u64 t0, touched, expired;

	g.flows = vzalloc(array_size(g.nflows, sizeof(*g.flows)));
	KUNIT_ASSERT_NOT_NULL(test, g.flows);
	c->expect = n;
	if (!lane_up(c, P_TCPSTATE, M_NONE))
		goto out;
	tn = c->lanes[0].tn;
	run_stream(c, &g);
	for (k = 0; k < BENCH_AGE_STEPS; k++) {
		age_resets(c, &g, k * per, per);
		touched = tn->table.touched;
		expired = tn->table.expired;
		t0 = ktime_get_ns();
		/* Tombstones last 2 s: each run ends the resets just made. */
		tcpstate_table_collect(tn, jiffies + (3 + k) * HZ);
		OUT("age f=%u step=%u ns=%llu touched=%llu expired=%llu", n, k,
		    ktime_get_ns() - t0, tn->table.touched - touched,
		    tn->table.expired - expired);
	}
	KUNIT_EXPECT_EQ(test, tn->table.expired, (u64)BENCH_AGE_STEPS * per);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries),
			n - BENCH_AGE_STEPS * per);
	OUT("check t=age f=%u p=tcpstate expired=%llu entries=%d", n,
	    tn->table.expired, atomic_read(&tn->table.entries));
	lanes_down(c);
out:
	vfree(g.flows);
	ctx_free(c);
}

static void bench_ageing_1m(struct kunit *test)
{
	bench_ageing(test, 1000000);
}

static void bench_ageing_10m(struct kunit *test)
{
	bench_ageing(test, 10000000);
}

/* ---- the SYN flood ---- */

static void flood_fill(struct bench_ctx *c, u32 first, unsigned int n)
{
	struct bench_seg s = { .flags = TCPSTATE_F_SYN, .spoofed = 1 };
	unsigned int i;

	for (i = 0; i < n; i++) {
		s.flow = first + i;
		s.seq = hash_32(first + i, 32);
		bench_fill(c->skbs[i], &s);
	}
}

/* @count spoofed SYNs from sources @first... through every lane. */
static void flood(struct bench_ctx *c, u32 first, u32 count)
{
	unsigned int n, round = 0;
	u32 done;

	for (done = 0; done < count; done += n) {
		n = min_t(u32, BENCH_BATCH, count - done);
		flood_fill(c, first + done, n);
		lanes_batch(c, n, false, round++);
	}
}

static void flood_check_tcpstate(struct bench_ctx *c, struct bench_lane *l,
				 u64 created, int entries)
{
	struct tcpstate_snapshot *s = snapshot(c, l);
	bool flooding = tcpstate_detect_raised(l->tn, TCPSTATE_DET_syn_flood);
	struct kunit *test = c->test;
	u64 grown = CTR(s, flows_created);

	KUNIT_EXPECT_EQ(test, CTR(s, invalid), 0ull);
	KUNIT_EXPECT_EQ(test, CTR(s, untracked), 0ull);
	if (l->mode == M_FLOOD) {
		grown -= created;	/* by the SYNs that raised the alarm */
		KUNIT_EXPECT_EQ(test, grown, 0ull);
		KUNIT_EXPECT_EQ(test, atomic_read(&l->tn->table.entries),
				entries);
		KUNIT_EXPECT_TRUE(test, flooding);
	} else {
		KUNIT_EXPECT_EQ(test, grown, (u64)BENCH_FLOOD);
		KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_SERVER][TCPSTATE_LISTEN],
				(u32)BENCH_FLOOD);
		KUNIT_EXPECT_FALSE(test, flooding);
	}
	OUT("check t=flood p=tcpstate mode=%s allocated=%llu entries=%d syn=%llu alarm=%d",
	    mode_names[l->mode], grown, atomic_read(&l->tn->table.entries),
	    CTR(s, syn), flooding);
	kfree(s);
}

static void flood_check_conntrack(struct bench_ctx *c, struct bench_lane *l)
{
	u32 count = nf_conntrack_count(&init_net);

	KUNIT_EXPECT_EQ(c->test, count, (u32)BENCH_FLOOD);
	KUNIT_EXPECT_EQ(c->test, l->ct_invalid, 0ull);
	KUNIT_EXPECT_EQ(c->test, l->ct_drop, 0ull);
	OUT("check t=flood p=conntrack entries=%u invalid=%llu dropped=%llu",
	    count, l->ct_invalid, l->ct_drop);
}

/* Sources far from the flood's, to raise the alarm before the clock runs. */
#define FLOOD_WARMUP_FIRST	0x200000
#define FLOOD_WARMUP		512

/*
 * The alarm of the flood-mode lane is raised first, by SYNs of its own;
 * then the same spoofed SYNs go through all lanes: tcpstate below the
 * alarm (every SYN allocates), tcpstate in flood mode (none does),
 * conntrack and the bound.
 */
static void bench_flood(struct kunit *test)
{
	struct bench_ctx *c = ctx_alloc(test);
	struct tcpstate_snapshot *s;
	struct bench_lane *l;
	u64 created = 0;
	int entries = 0;
	int i;

	/* Flood mode holds the warm-up's flows; below the alarm, every SYN. */
	c->expect = FLOOD_WARMUP;
	if (lane_up(c, P_TCPSTATE, M_FLOOD)) {
		flood(c, FLOOD_WARMUP_FIRST, FLOOD_WARMUP);
		s = snapshot(c, &c->lanes[0]);
		created = CTR(s, flows_created);
		entries = atomic_read(&c->lanes[0].tn->table.entries);
		kfree(s);
	}
	c->expect = BENCH_FLOOD;
	lane_up(c, P_TCPSTATE, M_BELOW);
	lane_up(c, P_CONNTRACK, M_NONE);
	lane_up(c, P_BOUND, M_NONE);
	for (i = 0; i < c->nlanes; i++)
		lane_reset(&c->lanes[i]);
	flood(c, 0, BENCH_FLOOD);
	for (i = 0; i < c->nlanes; i++) {
		l = &c->lanes[i];
		OUT("flood p=%s mode=%s syns=%llu ns=%llu all_syns=%llu all_ns=%llu cut=%u",
		    path_names[l->path], mode_names[l->mode], l->segments[0],
		    l->ns[0], l->segments[1], l->ns[1], l->preempted);
		if (l->path == P_TCPSTATE)
			flood_check_tcpstate(c, l, created, entries);
		else if (l->path == P_CONNTRACK)
			flood_check_conntrack(c, l);
		else
			check_bound(c, l, "flood", BENCH_FLOOD);
	}
	ctx_free(c);
}

/* ---- calibration ---- */

/*
 * UML's memory is a host file that is faulted in on first touch: touch
 * it all once, so that the first path does not pay for what later ones
 * get free.
 */
static unsigned long prefault(void)
{
	unsigned long want = totalram_pages() - (SZ_256M >> PAGE_SHIFT);
	struct page *page, *tmp;
	unsigned long got = 0;
	LIST_HEAD(pages);

	while (got + (1UL << 9) <= want) {
		page = alloc_pages(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, 9);
		if (!page)
			break;
		memset(page_address(page), 0, PAGE_SIZE << 9);
		list_add(&page->lru, &pages);
		got += 1UL << 9;
		cond_resched();
	}
	list_for_each_entry_safe(page, tmp, &pages, lru) {
		list_del(&page->lru);
		__free_pages(page, 9);
	}
	return got << PAGE_SHIFT;
}

/* The step in which the TSC moves, from the gcd of many differences. */
static u64 measure_quantum(void)
{
	u64 prev = tsc_begin(), now, q = 0;
	int i;

	for (i = 0; i < 100000; i++) {
		now = tsc_begin();
		if (now != prev)
			q = q ? gcd(q, now - prev) : now - prev;
		prev = now;
	}
	return q ?: 1;
}

/* What timing an empty segment reads: its median and mean, in 0.1 cycle. */
static void tsc_overhead(u64 *p50, u64 *mean)
{
	struct bench_hist h = {};
	unsigned int i;
	u64 c0;

	*p50 = 0;
	*mean = 0;
	h.count = hist_buckets();
	if (!h.count)
		return;
	for (i = 0; i < 100000; i++) {
		c0 = tsc_begin();
		hist_add(&h, tsc_end() - c0);
	}
	*p50 = hist_pct(&h, 5000);
	*mean = div64_u64(10 * h.sum, h.n);
	vfree(h.count);
}

/*
 * How often does something outside the code under test (a timer tick,
 * the host) stop this CPU for more than 10 us? Spin for one second with
 * bottom halves off, as the timed batches run, and count the gaps.
 */
static void noise_floor(void)
{
	u64 gap, limit = div_u64(tsc_khz * 10, 1000), worst = 0;
	u64 start, prev, now, end, host = bench_host_cpu_ns();
	unsigned int stalls = 0;

	local_bh_disable();
	start = tsc_begin();
	end = start + tsc_khz * MSEC_PER_SEC;
	for (prev = start; prev < end; prev = now) {
		now = tsc_begin();
		gap = now - prev;
		if (gap > limit) {
			stalls++;
			worst = max(worst, gap);
		}
	}
	local_bh_enable();
	host = bench_host_cpu_ns() - host;
	OUT("noise stalls_over_10us=%u worst_cycles=%llu host_cpu_ns=%llu",
	    stalls, worst, host);
}

static void bench_calibrate(struct kunit *test)
{
	unsigned long touched = prefault();
	u64 t0, t1, c0, c1, p50, mean;

	t0 = ktime_get_ns();
	c0 = tsc_begin();
	do {
		t1 = ktime_get_ns();
	} while (t1 - t0 < 200 * NSEC_PER_MSEC);
	c1 = tsc_end();
	tsc_khz = div64_u64((c1 - c0) * NSEC_PER_MSEC, t1 - t0);
	KUNIT_ASSERT_GT(test, tsc_khz, 0ull);
	OUT("env kernel=%s hz=%d ram_mb=%lu prefault_mb=%lu",
	    init_utsname()->release, HZ, totalram_pages() >> (20 - PAGE_SHIFT),
	    touched >> 20);
	OUT("env ct_hashsize=%u ct_max=%u sizeof_flow=%zu sizeof_nf_conn=%zu",
	    nf_conntrack_htable_size, nf_conntrack_max,
	    sizeof(struct tcpstate_flow), sizeof(struct nf_conn));
	tsc_quantum = measure_quantum();
	tsc_overhead(&p50, &mean);
	OUT("calib tsc_khz=%llu quantum=%llu overhead_p50=%llu overhead_mean=%llu",
	    tsc_khz, tsc_quantum, p50, mean);
	noise_floor();
}

static int bench_suite_init(struct kunit_suite *suite)
{
	/* The lanes' flows count in every namespace's total, 1M by default. */
	tcpstate_max_flows_total = 4 * BENCH_MAX_FLOWS;
	bound_cache = KMEM_CACHE(bench_obj, 0);
	return bound_cache ? 0 : -ENOMEM;
}

static void bench_suite_exit(struct kunit_suite *suite)
{
	rcu_barrier();
	kmem_cache_destroy(bound_cache);
}

static struct kunit_case bench_cases[] = {
	KUNIT_CASE(bench_calibrate),
	KUNIT_CASE(bench_mix_1k),
	KUNIT_CASE(bench_mix_100k),
	KUNIT_CASE(bench_mix_1m),
	KUNIT_CASE(bench_mix_10m),
	KUNIT_CASE(bench_memory_1m),
	KUNIT_CASE(bench_memory_10m),
	KUNIT_CASE(bench_ageing_1m),
	KUNIT_CASE(bench_ageing_10m),
	KUNIT_CASE(bench_flood),
	{}
};

static struct kunit_suite bench_suite = {
	.name = "tcpstate_bench",
	.suite_init = bench_suite_init,
	.suite_exit = bench_suite_exit,
	.test_cases = bench_cases,
};

kunit_test_suite(bench_suite);
