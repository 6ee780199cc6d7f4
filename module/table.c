// SPDX-License-Identifier: GPL-2.0
/* The flow table: RCU lookups, per-flow locks, a collector of deadlines. */

#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/percpu_counter.h>
#include <linux/prefetch.h>
#include <linux/slab.h>
#include "compat.h"
#include "local.h"
#include "sysctl.h"
#include "tcpstate.h"

/* Flows of each family: an IPv4 flow's object stops after its key. */
static struct kmem_cache *flow_cache4, *flow_cache6;

static struct kmem_cache *flow_cache(u8 family)
{
	return family == AF_INET ? flow_cache4 : flow_cache6;
}

static void flow_free(struct tcpstate_flow *flow)
{
	kmem_cache_free(flow_cache(flow->family), flow);
}

/* Flow entries of every namespace, for net.tcpstate.max_flows_total. */
static struct percpu_counter flows_total;

/*
 * Take an entry under both caps: this namespace's max_flows and, counted
 * per CPU and compared exactly only near it, max_flows_total.
 */
static bool entry_take(struct tcpstate_net *tn)
{
	if (atomic_inc_return(&tn->table.entries) >
	    READ_ONCE(tn->params.max_flows))
		goto uncount;
	percpu_counter_inc(&flows_total);
	if (percpu_counter_compare(&flows_total,
				   READ_ONCE(tcpstate_max_flows_total)) <= 0)
		return true;
	percpu_counter_dec(&flows_total);
uncount:
	atomic_dec(&tn->table.entries);
	return false;
}

static void entry_put(struct tcpstate_net *tn)
{
	percpu_counter_dec(&flows_total);
	atomic_dec(&tn->table.entries);
}

/* Both ports as one word (no memcpy(): UML would call it). */
static u32 ports_word(const __be16 port[2])
{
	return (__force u32)port[0] | (__force u32)port[1] << 16;
}

/* Addresses as words to hash and compare (their byte order is moot). */
static u32 word(__be32 w)
{
	return (__force u32)w;
}

/* The word of an address a flow keeps beside its link (see table.h). */
static int head_word(u8 family)
{
	return family == AF_INET ? 0 : 3;
}

/*
 * IPv4 keys hash their three words; IPv6 ones the nine before the
 * family, as a struct tcpstate_key holds them.
 */
#define KEY6_WORDS	(offsetof(struct tcpstate_key, family) / sizeof(u32))

static __always_inline u32 flow_hash(const struct tcpstate_key *key, u32 seed)
{
	if (key->family == AF_INET)
		return jhash_3words(word(key->addr[0].s6_addr32[0]),
				    word(key->addr[1].s6_addr32[0]),
				    ports_word(key->port), seed);
	return jhash2((const u32 *)key, KEY6_WORDS, seed);
}

static const struct tcpstate_flow *node_flow(const struct tcpstate_hnode *n)
{
	return container_of(n, struct tcpstate_flow, node);
}

static u32 flow_obj_hash(const struct tcpstate_hnode *n, u32 seed)
{
	struct tcpstate_key key;

	tcpstate_flow_key(node_flow(n), &key);
	return flow_hash(&key, seed);
}

static __always_inline bool flow_eq(const void *k,
				    const struct tcpstate_hnode *n)
{
	const struct tcpstate_flow *flow = node_flow(n);
	const struct tcpstate_key *key = k;
	int w = head_word(key->family), e, i;

	if (flow->family != key->family ||
	    (word(flow->addr[0] ^ key->addr[0].s6_addr32[w]) |
	     word(flow->addr[1] ^ key->addr[1].s6_addr32[w]) |
	     (ports_word(flow->port) ^ ports_word(key->port))))
		return false;
	if (key->family == AF_INET)
		return true;
	for (e = 0; e < 2; e++)
		for (i = 0; i < 3; i++)
			if (flow->addr6[e][i] != key->addr[e].s6_addr32[i])
				return false;
	return true;
}

static const struct tcpstate_hash_params flow_params = {
	.node_offset = offsetof(struct tcpstate_flow, node),
	.eq = flow_eq,
	.obj_hash = flow_obj_hash,
};

static void flow_set_key(struct tcpstate_flow *flow,
			 const struct tcpstate_key *key)
{
	int w = head_word(key->family), e, i;

	flow->family = key->family;
	for (e = 0; e < 2; e++) {
		flow->port[e] = key->port[e];
		flow->addr[e] = key->addr[e].s6_addr32[w];
		if (key->family != AF_INET)
			for (i = 0; i < 3; i++)
				flow->addr6[e][i] = key->addr[e].s6_addr32[i];
	}
}

/* The key of @flow as packets give it. */
void tcpstate_flow_key(const struct tcpstate_flow *flow,
		       struct tcpstate_key *key)
{
	int w = head_word(flow->family), e, i;

	memset(key, 0, sizeof(*key));
	key->family = flow->family;
	memcpy(key->port, flow->port, sizeof(key->port));
	for (e = 0; e < 2; e++) {
		key->addr[e].s6_addr32[w] = flow->addr[e];
		if (flow->family != AF_INET)
			for (i = 0; i < 3; i++)
				key->addr[e].s6_addr32[i] = flow->addr6[e][i];
	}
}

/* Under RCU: the flow of @key, or NULL. */
struct tcpstate_flow *tcpstate_table_lookup(struct tcpstate_net *tn,
					    const struct tcpstate_key *key)
{
	struct tcpstate_hash *ht = &tn->table.flows;

	return tcpstate_hash_lookup(ht, key, flow_hash(key, ht->seed),
				    &flow_params);
}

/*
 * The flow table's size at namespace creation: about a bucket a flow for
 * this many flows, so that it need not grow on its way there. 0:
 * max_flows / 64, and growth (eightfold, at a load of 2) takes it to
 * about a bucket a flow of max_flows.
 */
unsigned int tcpstate_expected_flows;
module_param_named(expected_flows, tcpstate_expected_flows, uint, 0644);
MODULE_PARM_DESC(expected_flows,
		 "flows a namespace's table is sized for when it is created (0: max_flows / 64)");

static unsigned int flows_max_buckets(struct tcpstate_net *tn)
{
	return tcpstate_hash_size_for(READ_ONCE(tn->params.max_flows));
}

static unsigned int flows_initial_buckets(struct tcpstate_net *tn)
{
	unsigned int max = READ_ONCE(tn->params.max_flows);
	unsigned int want = READ_ONCE(tcpstate_expected_flows) ?: max / 64;

	return tcpstate_hash_size_for(min(want, max));
}

/* The counters that each event of the state machine feeds. */
static const struct {
	u32 event;
	enum tcpstate_counter counter;
} event_counters[] = {
	{ TCPSTATE_EV_INVALID, TCPSTATE_CTR_invalid },
	{ TCPSTATE_EV_HANDSHAKE, TCPSTATE_CTR_handshakes },
	{ TCPSTATE_EV_RESET, TCPSTATE_CTR_resets },
	{ TCPSTATE_EV_TW_REUSE, TCPSTATE_CTR_tw_reuse },
	{ TCPSTATE_EV_KEEPALIVE, TCPSTATE_CTR_keepalives },
	{ TCPSTATE_EV_ZERO_WINDOW_PROBE, TCPSTATE_CTR_zero_window_probes },
	{ TCPSTATE_EV_SIM_OPEN, TCPSTATE_CTR_simultaneous_open },
	{ TCPSTATE_EV_SIM_CLOSE, TCPSTATE_CTR_simultaneous_close },
	{ TCPSTATE_EV_PICKED_UP, TCPSTATE_CTR_picked_up },
};

static void count_events(struct tcpstate_net *tn, u32 events)
{
	int i;

	for (i = 0; events && i < ARRAY_SIZE(event_counters); i++)
		if (events & event_counters[i].event)
			tcpstate_count(tn, event_counters[i].counter, 1);
}

static void flow_states(const struct tcpstate_flow *flow, u8 states[2])
{
	states[TCPSTATE_CLIENT] = flow->pair.end[TCPSTATE_CLIENT].state;
	states[TCPSTATE_SERVER] = flow->pair.end[TCPSTATE_SERVER].state;
}

static void flow_free_rcu(struct rcu_head *head)
{
	flow_free(container_of(head, struct tcpstate_flow, rcu));
}

static struct tcpstate_wheel *flow_wheel(struct tcpstate_net *tn,
					 const struct tcpstate_flow *flow)
{
	return &tn->table.wheels[hash_ptr(flow, 32) & tn->table.wheel_mask];
}

/*
 * Called with the flow locked (flow before wheel is the lock order). A
 * flow the collector has taken off its wheel to look at is on none: the
 * collector files it again itself, or finds it dead.
 */
static void flow_unwheel(struct tcpstate_net *tn, struct tcpstate_flow *flow)
{
	struct tcpstate_wheel *w = flow_wheel(tn, flow);

	/* Only the holder of the flow's lock puts an unlinked flow back. */
	if (hlist_unhashed_lockless(&flow->wheel))
		return;
	spin_lock(&w->lock);
	if (!hlist_unhashed(&flow->wheel))
		hlist_del_init(&flow->wheel);
	spin_unlock(&w->lock);
}

/* Called with the flow locked; readers may still hold it until a grace period. */
static void flow_unlink(struct tcpstate_net *tn, struct tcpstate_flow *flow)
{
	flow_unwheel(tn, flow);
	tcpstate_flow_assign(flow, TCPSTATE_FLOW_DEAD, true);
	tcpstate_hash_remove(&tn->table.flows, flow);
	entry_put(tn);
	tcpstate_count(tn, TCPSTATE_CTR_flows_freed, 1);
	call_rcu(&flow->rcu, flow_free_rcu);
}

/*
 * May @pkt create a flow? In flood mode a listener's SYN-ACKs allocate
 * nothing, and the client's first ACK stands for the whole handshake.
 */
static bool may_create(struct tcpstate_net *tn, const struct tcpstate_pkt *pkt,
		       bool *completes)
{
	const struct tcpstate_key *key = &pkt->key;

	switch (tcpstate_fsm_classify(pkt->seg.flags)) {
	case TCPSTATE_OPEN_NONE:
		return false;
	case TCPSTATE_OPEN_INVALID:
		tcpstate_count(tn, TCPSTATE_CTR_invalid, 1);
		return false;
	case TCPSTATE_OPEN_SYNACK:
		if (!tcpstate_detect_flooding(tn, key, pkt->seg.dir))
			return true;
		tcpstate_detect_synack(tn, key, pkt->seg.seq);
		return false;
	case TCPSTATE_OPEN_PICKUP:
		/*
		 * Its receiver, when flooded, is the server of a handshake,
		 * which this ACK completes only if it acknowledges a SYN-ACK
		 * that was seen: a spoofed ACK is untracked.
		 */
		*completes = tcpstate_detect_flooding(tn, key, !pkt->seg.dir);
		if (*completes &&
		    !tcpstate_detect_synack_seen(tn, key, pkt->seg.ack)) {
			tcpstate_count(tn, TCPSTATE_CTR_untracked, 1);
			return false;
		}
		return true;
	default:
		return true;
	}
}

/* A client on this host waiting for an answer (the syn_sent detector). */
static int syn_sent_out(const struct tcpstate_flow *flow, const u8 states[2])
{
	return tcpstate_flow_is(flow, TCPSTATE_FLOW_OUTGOING) &&
	       states[TCPSTATE_CLIENT] == TCPSTATE_SYN_SENT;
}

/* Gauges and the listener aggregates follow every move of a flow. */
static void flow_moved(struct tcpstate_net *tn, struct tcpstate_flow *flow,
		       const u8 from[2], u8 from_client_dir, int from_out,
		       const u8 to[2], struct tcpstate_lnote *note,
		       unsigned long now)
{
	u8 to_client_dir = flow->pair.client_dir;
	const struct tcpstate_key *key;
	struct tcpstate_key own;

	tcpstate_stats_move(tn, from, to, syn_sent_out(flow, to) - from_out);
	/* Listener aggregates are about servers that others connect to. */
	if (tcpstate_flow_is(flow, TCPSTATE_FLOW_OUTGOING))
		return;
	if (from[TCPSTATE_SERVER] == to[TCPSTATE_SERVER] &&
	    from_client_dir == to_client_dir)
		return;
	/* A segment's note has the key; the collector's moves make it. */
	key = note ? note->key : &own;
	if (!note)
		tcpstate_flow_key(flow, &own);
	tcpstate_detect_server_move(tn, key, !from_client_dir,
				    from[TCPSTATE_SERVER], !to_client_dir,
				    to[TCPSTATE_SERVER], note, now);
}

/* Free @flow, locked and linked, moving its ends out of every gauge. */
static void flow_drop(struct tcpstate_net *tn, struct tcpstate_flow *flow,
		      const u8 from[2], int from_out, unsigned long now)
{
	static const u8 gone[2] = { TCPSTATE_CLOSED, TCPSTATE_CLOSED };

	flow_unlink(tn, flow);
	flow_moved(tn, flow, from, flow->pair.client_dir, from_out, gone, NULL,
		   now);
}

/* Evict @flow if one of its ends has never been seen sending. */
static bool evict_flow(struct tcpstate_net *tn, struct tcpstate_flow *flow,
		       unsigned long now)
{
	bool evict;
	u8 from[2];

	spin_lock(&flow->lock);
	evict = !tcpstate_flow_is(flow, TCPSTATE_FLOW_DEAD) &&
		tcpstate_flow_is(flow, TCPSTATE_FLOW_BORN) &&
		tcpstate_fsm_live(&flow->pair) &&
		tcpstate_fsm_unanswered(&flow->pair);
	if (evict) {
		flow_states(flow, from);
		flow_drop(tn, flow, from, syn_sent_out(flow, from), now);
	}
	spin_unlock(&flow->lock);
	return evict;
}

/*
 * The table is full: evict the oldest unanswered flow this CPU made, if
 * one of the last few is still unanswered, so that one-way spoofed
 * segments cannot lock real connections out. Called under RCU with
 * bottom halves off.
 */
#define EVICT_TRIES	8

static bool evict_one(struct tcpstate_net *tn)
{
	struct tcpstate_flow *flow;
	struct tcpstate_key key;
	int tries;

	for (tries = 0; tries < EVICT_TRIES &&
	     tcpstate_ring_pop(tn->table.evict, &key); tries++) {
		flow = tcpstate_table_lookup(tn, &key);
		if (flow && evict_flow(tn, flow, jiffies)) {
			tcpstate_count(tn, TCPSTATE_CTR_evicted, 1);
			return true;
		}
	}
	return false;
}

/*
 * One eviction makes room only while the table is at its cap, not over
 * it (a lowered max_flows drains by timeouts, not by evicting).
 */
static bool may_evict(struct tcpstate_net *tn)
{
	return atomic_read(&tn->table.entries) <= READ_ONCE(tn->params.max_flows);
}

/*
 * A table past a load of 2 grows in process context (the growth work):
 * the check is two loads, and the work is queued once per crossing.
 */
static void flows_check_load(struct tcpstate_net *tn)
{
	struct tcpstate_table *t = &tn->table;

	if (unlikely(tcpstate_hash_wants_growth(&t->flows,
						atomic_read(&t->entries),
						flows_max_buckets(tn))) &&
	    !work_pending(&t->grow))
		queue_work(system_unbound_wq, &t->grow);
}

static void grow_work(struct work_struct *work)
{
	struct tcpstate_net *tn = container_of(work, struct tcpstate_net,
					       table.grow);

	tcpstate_hash_grow(&tn->table.flows, atomic_read(&tn->table.entries),
			   flows_max_buckets(tn));
}

/* A new, unborn flow for @pkt, or the one another CPU inserted first. */
static struct tcpstate_flow *flow_create(struct tcpstate_net *tn,
					 const struct tcpstate_pkt *pkt,
					 u32 hash, bool *completes)
{
	struct tcpstate_flow *flow, *old;

	if (!may_create(tn, pkt, completes))
		return NULL;
	if (tcpstate_key_self(&pkt->key))
		goto untracked;
	if (!entry_take(tn) && !(may_evict(tn) && evict_one(tn) &&
				 entry_take(tn)))
		goto untracked;
	flow = kmem_cache_zalloc(flow_cache(pkt->key.family), GFP_ATOMIC);
	if (!flow)
		goto uncount;
	spin_lock_init(&flow->lock);
	flow_set_key(flow, &pkt->key);
	flow->created = tcpstate_created_now();
	flow->last = tcpstate_jiffies();
	old = tcpstate_hash_insert(&tn->table.flows, flow, &pkt->key, hash);
	if (!old) {
		tcpstate_count(tn, TCPSTATE_CTR_flows_created, 1);
		/* unanswered until its peer sends */
		tcpstate_ring_push(tn->table.evict, &pkt->key);
		flows_check_load(tn);
		return flow;
	}
	flow_free(flow);
	entry_put(tn);
	return old;
uncount:
	entry_put(tn);
untracked:
	tcpstate_count(tn, TCPSTATE_CTR_untracked, 1);
	return NULL;
}

/* Copy what is shown of @flow; false for a tombstone or an unlinked flow. */
bool tcpstate_flow_view(struct tcpstate_flow *flow,
			struct tcpstate_flow_view *view)
{
	u64 now = get_jiffies_64();	/* one clock for age and idle time */
	bool shown;

	spin_lock_bh(&flow->lock);
	/* A dead flow's history, created and last are its rcu_head. */
	shown = !tcpstate_flow_is(flow, TCPSTATE_FLOW_DEAD) &&
		tcpstate_fsm_live(&flow->pair);
	if (shown) {
		view->client_dir = flow->pair.client_dir;
		flow_states(flow, view->state);
		tcpstate_history_string(&flow->history, view->history);
		view->age_ms = tcpstate_flow_age_ms(flow, now);
		view->idle_ms = jiffies_to_msecs(tcpstate_since((u32)now,
								flow->last));
	}
	spin_unlock_bh(&flow->lock);
	tcpstate_flow_key(flow, &view->key);
	return shown;
}

static u32 flow_first(struct tcpstate_flow *flow, struct tcpstate_seg *s,
		      const struct tcpstate_pkt *pkt, bool completes)
{
	u32 events;

	/* The ACK of a handshake whose SYN flood mode did not track. */
	if (completes)
		s->hints |= TCPSTATE_HINT_SENDER_CLIENT;
	events = tcpstate_fsm_first(&flow->pair, s,
				    tcpstate_key_port_client_dir(&pkt->key));
	tcpstate_flow_assign(flow, TCPSTATE_FLOW_BORN,
			     !(events & TCPSTATE_EV_INVALID));
	if (completes && (events & TCPSTATE_EV_PICKED_UP))
		events ^= TCPSTATE_EV_PICKED_UP | TCPSTATE_EV_HANDSHAKE;
	return events;
}

/* Look up what the state machine wants to know beyond the segment. */
static void flow_hints(struct tcpstate_net *tn, struct tcpstate_flow *flow,
		       struct tcpstate_seg *s, const struct tcpstate_pkt *pkt)
{
	u8 wants = tcpstate_fsm_wants(&flow->pair, s);

	if (likely(!wants))
		return;
	if (wants & TCPSTATE_WANT_PLACE)
		tcpstate_fsm_place(&flow->pair, !s->dir,
				   tcpstate_addr_remote(tn->net, &pkt->key,
							!s->dir));
	if ((wants & TCPSTATE_WANT_OWNER) && pkt->local &&
	    tcpstate_socket_gone(tn->net, pkt))
		s->hints |= TCPSTATE_HINT_SENDER_GONE;
}

/* What a valid segment leaves on its flow: history, age, idle time. */
static void flow_record(struct tcpstate_flow *flow,
			const struct tcpstate_seg *s, u32 events,
			u8 from_client_dir, unsigned long now)
{
	if (events & (TCPSTATE_EV_INVALID | TCPSTATE_EV_IGNORED))
		return;
	if (events & TCPSTATE_EV_INCARNATION) {
		flow->history.bits = 0;
		flow->created = tcpstate_created_now();
	} else if (flow->pair.client_dir != from_client_dir) {
		tcpstate_history_swap(&flow->history);
	}
	tcpstate_history_add(&flow->history,
			     tcpstate_fsm_role(&flow->pair, s->dir), s);
	flow->last = now;
}

/*
 * Idle timeout of an endpoint in @state; CLOSED never keeps a flow. A
 * flow with an end never seen sending (picked up from one segment, one
 * direction only, never answered) is not held for days: the handshake
 * timeout while it is open, the closing one once a FIN was seen.
 */
static unsigned long state_timeout(const struct tcpstate_params *p, u8 state,
				   bool unanswered)
{
	switch (state) {
	case TCPSTATE_CLOSED:
		return 0;
	case TCPSTATE_ESTABLISHED:
		if (!unanswered)
			return msecs_to_jiffies(READ_ONCE(p->timeout_established_ms));
		fallthrough;
	case TCPSTATE_LISTEN:
	case TCPSTATE_SYN_SENT:
	case TCPSTATE_SYN_RCVD:
		return msecs_to_jiffies(READ_ONCE(p->timeout_handshake_ms));
	case TCPSTATE_CLOSE_WAIT:
		if (!unanswered)
			return msecs_to_jiffies(READ_ONCE(p->timeout_established_ms));
		return msecs_to_jiffies(READ_ONCE(p->timeout_closing_ms));
	case TCPSTATE_TIME_WAIT:
		return msecs_to_jiffies(READ_ONCE(p->timewait_ms));
	default:
		return msecs_to_jiffies(READ_ONCE(p->timeout_closing_ms));
	}
}

/* A flow whose ends are in @st uses the longer timeout of the two. */
static unsigned long idle_timeout(const struct tcpstate_params *p,
				  const u8 st[2], bool unanswered)
{
	return max(state_timeout(p, st[0], unanswered),
		   state_timeout(p, st[1], unanswered));
}

static unsigned long flow_timeout(const struct tcpstate_params *p,
				  const struct tcpstate_pair *pair)
{
	const u8 st[2] = { pair->end[0].state, pair->end[1].state };

	return idle_timeout(p, st, tcpstate_fsm_unanswered(pair));
}

/*
 * How long after its last segment a flow whose ends are in @st may change
 * next: a TIME_WAIT end's 2MSL, the flow's idle timeout, a tombstone's
 * time. Its deadline, which the wheels file it by.
 */
static unsigned long states_deadline(const struct tcpstate_params *p,
				     const u8 st[2], bool unanswered)
{
	unsigned long t;

	if (st[0] == TCPSTATE_CLOSED && st[1] == TCPSTATE_CLOSED)
		return msecs_to_jiffies(TCPSTATE_TOMBSTONE_MS);
	t = idle_timeout(p, st, unanswered);
	if (st[0] == TCPSTATE_TIME_WAIT || st[1] == TCPSTATE_TIME_WAIT)
		t = min(t, msecs_to_jiffies(READ_ONCE(p->timewait_ms)));
	return t;
}

/* The 64-bit jiffies of @j, a jiffies value within 2^31 of now. */
static u64 jiffies64_of(unsigned long j)
{
	u64 now = get_jiffies_64();

	return now + (long)(j - (unsigned long)now);
}

/* The second @flow, locked, falls due in, at 64-bit jiffies @now. */
static u64 flow_due(const struct tcpstate_params *p,
		    const struct tcpstate_flow *flow, u64 now)
{
	u64 last = now - tcpstate_since((u32)now, flow->last);
	u8 st[2];

	flow_states(flow, st);
	return div_u64(last + states_deadline(p, st,
					      tcpstate_fsm_unanswered(&flow->pair)),
		       HZ);
}

/* (Re)file @flow, locked, in its wheel to fall due in second @due. */
static void flow_file(struct tcpstate_net *tn, struct tcpstate_flow *flow,
		      u64 due)
{
	struct tcpstate_wheel *w = flow_wheel(tn, flow);

	spin_lock(&w->lock);
	if (!hlist_unhashed(&flow->wheel))
		hlist_del(&flow->wheel);
	tcpstate_wheel_file(w, &flow->wheel, due);
	spin_unlock(&w->lock);
}

/*
 * After a segment, under the flow's lock: file a new flow, and move one
 * whose deadline came forward (a later one waits: the collector files the
 * flow again when its old slot comes up). One the collector has taken off
 * its wheel is left to it: it looks at the flow once this lock is free.
 */
static void flow_schedule(struct tcpstate_net *tn, struct tcpstate_flow *flow,
			  const u8 from[2], bool from_unanswered,
			  u32 from_last)
{
	const struct tcpstate_params *p = &tn->params;
	unsigned long old, new;
	u8 to[2];

	if (tcpstate_flow_is(flow, TCPSTATE_FLOW_FILED)) {
		flow_states(flow, to);
		if (likely(from[0] == to[0] && from[1] == to[1]))
			return;
		old = from_last + states_deadline(p, from, from_unanswered);
		new = flow->last +
		      states_deadline(p, to, tcpstate_fsm_unanswered(&flow->pair));
		if ((s32)(new - old) >= 0 || hlist_unhashed(&flow->wheel))
			return;
	}
	tcpstate_flow_assign(flow, TCPSTATE_FLOW_FILED, true);
	flow_file(tn, flow, flow_due(p, flow, get_jiffies_64()));
}

/*
 * Run the state machine on one segment; false if the flow was unlinked.
 * Bottom halves are off (the hooks see to it), hence spin_lock().
 */
static bool flow_apply(struct tcpstate_net *tn, struct tcpstate_flow *flow,
		       const struct tcpstate_pkt *pkt, bool completes,
		       struct tcpstate_lnote *note, unsigned long now)
{
	struct tcpstate_seg s = pkt->seg;
	u8 from[2], to[2], from_client_dir;
	bool from_unanswered;
	u32 events, from_last;
	int from_out;

	spin_lock(&flow->lock);
	if (unlikely(tcpstate_flow_is(flow, TCPSTATE_FLOW_DEAD))) {
		spin_unlock(&flow->lock);
		return false;
	}
	/* Data on an established pair: no state, gauge or deadline moves. */
	if (likely(tcpstate_flow_is(flow, TCPSTATE_FLOW_BORN)) &&
	    tcpstate_fsm_fast(&flow->pair, &s)) {
		flow_record(flow, &s, 0, flow->pair.client_dir, now);
		spin_unlock(&flow->lock);
		return true;
	}
	flow_states(flow, from);
	from_client_dir = flow->pair.client_dir;
	from_out = syn_sent_out(flow, from);
	from_unanswered = tcpstate_fsm_unanswered(&flow->pair);
	from_last = flow->last;
	if (likely(tcpstate_flow_is(flow, TCPSTATE_FLOW_BORN))) {
		flow_hints(tn, flow, &s, pkt);
		events = tcpstate_fsm_step(&flow->pair, &s);
	} else {
		events = flow_first(flow, &s, pkt, completes);
	}
	/* Whoever sends a new connection's SYN is its client. */
	if (events & TCPSTATE_EV_INCARNATION)
		tcpstate_flow_assign(flow, TCPSTATE_FLOW_OUTGOING,
				     pkt->local);
	if ((events & TCPSTATE_EV_HANDSHAKE) &&
	    !tcpstate_flow_is(flow, TCPSTATE_FLOW_OUTGOING))
		tcpstate_detect_handshake(tn, note, !flow->pair.client_dir, now);
	flow_states(flow, to);
	flow_moved(tn, flow, from, from_client_dir, from_out, to, note, now);
	flow_record(flow, &s, events, from_client_dir, now);
	flow_schedule(tn, flow, from, from_unanswered, from_last);
	spin_unlock(&flow->lock);
	count_events(tn, events);
	return true;
}

/*
 * The packet path: called from the hooks under rcu_read_lock() with
 * bottom halves off.
 */
void tcpstate_table_segment(struct tcpstate_net *tn,
			    const struct tcpstate_pkt *pkt)
{
	struct tcpstate_lnote note = { .key = &pkt->key };
	struct tcpstate_flow *flow;
	unsigned long now = jiffies;
	bool completes = false;
	int tries;
	u32 hash;

	hash = flow_hash(&pkt->key, tn->table.flows.seed);
	flow = tcpstate_hash_lookup(&tn->table.flows, &pkt->key, hash,
				    &flow_params);
	/* Every SYN counts at its listener; in flood mode only there. */
	if (tcpstate_fsm_classify(pkt->seg.flags) == TCPSTATE_OPEN_SYN &&
	    !pkt->local &&
	    tcpstate_detect_syn(tn, &note, !pkt->seg.dir, !flow, now))
		return;
	/* A flow unlinked under us is looked up (or created) once more. */
	for (tries = 0; tries < 2; tries++) {
		if (!flow)
			flow = flow_create(tn, pkt, hash, &completes);
		if (!flow ||
		    flow_apply(tn, flow, pkt, completes, &note, now))
			break;
		flow = tcpstate_hash_lookup(&tn->table.flows, &pkt->key, hash,
					    &flow_params);
	}
	tcpstate_detect_flush(tn, &note, now);
}

/* TIME_WAIT ends whose 2MSL ran out since the last segment become CLOSED. */
static void end_time_wait(struct tcpstate_net *tn, struct tcpstate_flow *flow,
			  unsigned long now)
{
	unsigned long tw = msecs_to_jiffies(READ_ONCE(tn->params.timewait_ms));
	int role;

	if (tcpstate_since(now, flow->last) < tw)
		return;
	for (role = 0; role < TCPSTATE_NROLES; role++)
		if (flow->pair.end[role].state == TCPSTATE_TIME_WAIT)
			flow->pair.end[role].state = TCPSTATE_CLOSED;
	if (!tcpstate_fsm_live(&flow->pair))
		flow->last = now;	/* the tombstone's time starts now */
}

/*
 * Decide whether one flow ends: TIME_WAIT expiry, tombstone, idle timeout;
 * file it by its next deadline otherwise. Under RCU, the flow taken off
 * its wheel, at 64-bit jiffies @now64.
 */
static void collect_flow(struct tcpstate_net *tn, struct tcpstate_flow *flow,
			 u64 now64)
{
	const struct tcpstate_params *p = &tn->params;
	unsigned long now = now64;
	bool timed_out = false, expired = false;
	u8 from[2], to[2];
	int from_out;

	spin_lock_bh(&flow->lock);
	if (tcpstate_flow_is(flow, TCPSTATE_FLOW_DEAD))
		goto out;
	flow_states(flow, from);
	from_out = syn_sent_out(flow, from);
	if (tcpstate_fsm_live(&flow->pair)) {
		end_time_wait(tn, flow, now);
		timed_out = tcpstate_fsm_live(&flow->pair) &&
			    tcpstate_since(now, flow->last) >=
			    flow_timeout(p, &flow->pair);
	} else {
		expired = tcpstate_since(now, flow->last) >=
			  msecs_to_jiffies(TCPSTATE_TOMBSTONE_MS);
	}
	if (timed_out || expired) {
		flow_drop(tn, flow, from, from_out, now);
		tn->table.expired++;
		goto out;
	}
	flow_states(flow, to);
	flow_moved(tn, flow, from, flow->pair.client_dir, from_out, to, NULL,
		   now);
	flow_file(tn, flow, flow_due(p, flow, now64));
out:
	spin_unlock_bh(&flow->lock);
	if (timed_out)
		tcpstate_count(tn, TCPSTATE_CTR_timeouts, 1);
}

/*
 * Flows the collector takes off a wheel at a time: their memory and then
 * their hash buckets are fetched for all of them before the first is
 * looked at, since at millions of flows each is a cache miss.
 */
#define COLLECT_BATCH	16

/* Take up to COLLECT_BATCH flows off @due, under the wheel's lock. */
static unsigned int take_due(struct hlist_head *due,
			     struct tcpstate_flow **batch)
{
	struct tcpstate_flow *flow;
	unsigned int n = 0;

	while (n < COLLECT_BATCH && !hlist_empty(due)) {
		flow = hlist_entry(due->first, struct tcpstate_flow, wheel);
		hlist_del_init(&flow->wheel);
		prefetchw(flow);
		batch[n++] = flow;
	}
	return n;
}

/* The flows of a slot that came up: called and returns with w->lock held. */
static void collect_slot(struct tcpstate_net *tn, struct tcpstate_wheel *w,
			 struct hlist_head *due, u64 now64)
	__must_hold(&w->lock)
{
	struct tcpstate_flow *batch[COLLECT_BATCH];
	unsigned int n, i;

	while ((n = take_due(due, batch))) {
		/* Before the wheel's lock goes: an eviction frees after RCU. */
		rcu_read_lock();
		spin_unlock_bh(&w->lock);
		for (i = 0; i < n; i++)
			tcpstate_hash_prefetch(&tn->table.flows, batch[i]);
		for (i = 0; i < n; i++)
			collect_flow(tn, batch[i], now64);
		rcu_read_unlock();
		tn->table.touched += n;
		cond_resched();
		spin_lock_bh(&w->lock);
	}
}

/*
 * Look at the flows of the slots of @w that came up by @now64, a second
 * of the wheel's clock at a time: each is taken off the wheel under its
 * lock, which is not held while the flow is looked at under its own.
 */
static void collect_wheel(struct tcpstate_net *tn, struct tcpstate_wheel *w,
			  u64 now64)
{
	struct hlist_head due[TCPSTATE_WHEEL_LEVELS] = {};
	unsigned int level;

	spin_lock_bh(&w->lock);
	while (tcpstate_wheel_tick(w, div_u64(now64, HZ), due))
		for (level = 0; level < TCPSTATE_WHEEL_LEVELS; level++)
			collect_slot(tn, w, &due[level], now64);
	spin_unlock_bh(&w->lock);
}

/* File every flow again by its deadline: a timeout was shortened. */
static void retime_flow(struct tcpstate_net *tn, struct tcpstate_flow *flow,
			u64 now64)
{
	spin_lock_bh(&flow->lock);
	if (!tcpstate_flow_is(flow, TCPSTATE_FLOW_DEAD) &&
	    tcpstate_flow_is(flow, TCPSTATE_FLOW_FILED))
		flow_file(tn, flow, flow_due(&tn->params, flow, now64));
	spin_unlock_bh(&flow->lock);
}

static void retime_all(struct tcpstate_net *tn, u64 now64)
{
	struct tcpstate_hash_iter iter;
	struct tcpstate_flow *flow;
	unsigned int n = 0;

	/* A growth meanwhile restarts the walk: each flow is filed again. */
	tcpstate_hash_walk_enter(&tn->table.flows, &iter);
	tcpstate_hash_walk_start(&iter);
	while ((flow = tcpstate_hash_walk_next(&iter))) {
		retime_flow(tn, flow, now64);
		/* Do not hold off RCU or the CPU for a million flows. */
		if (!(++n % 1024)) {
			tcpstate_hash_walk_stop(&iter);
			cond_resched();
			tcpstate_hash_walk_start(&iter);
		}
	}
	tcpstate_hash_walk_stop(&iter);
}

/* A timeout changed (sysctl): flows may fall due earlier than filed. */
void tcpstate_table_retime(struct tcpstate_net *tn)
{
	WRITE_ONCE(tn->table.retime, 1);
}

/* The collector, once a second from its work, and from KUnit. */
void tcpstate_table_collect(struct tcpstate_net *tn, unsigned long now)
{
	u64 now64 = jiffies64_of(now);
	unsigned int i;

	/* One at a time: its work, and the direct calls of KUnit and the bench. */
	mutex_lock(&tn->table.collecting);
	if (READ_ONCE(tn->table.retime) && xchg(&tn->table.retime, 0))
		retime_all(tn, now64);
	for (i = 0; i <= tn->table.wheel_mask; i++)
		collect_wheel(tn, &tn->table.wheels[i], now64);
	mutex_unlock(&tn->table.collecting);
}

static void gc_work(struct work_struct *work)
{
	struct tcpstate_net *tn = container_of(to_delayed_work(work),
					       struct tcpstate_net, table.gc);

	tcpstate_table_collect(tn, jiffies);
	tcpstate_detect_tick(tn, jiffies);
	queue_delayed_work(system_power_efficient_wq, &tn->table.gc, HZ);
}

/* One wheel per CPU, up to 16: creation and closes rarely share a lock. */
static int wheels_init(struct tcpstate_table *t)
{
	unsigned int n = roundup_pow_of_two(min(num_possible_cpus(), 16U)), i;
	u64 now = div_u64(get_jiffies_64(), HZ);

	t->wheels = kvcalloc(n, sizeof(*t->wheels), GFP_KERNEL);
	if (!t->wheels)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		tcpstate_wheel_init(&t->wheels[i], now);
	t->wheel_mask = n - 1;
	return 0;
}

int tcpstate_table_init(struct tcpstate_net *tn)
{
	int err;

	tn->table.evict = tcpstate_ring_alloc(TCPSTATE_EVICT_SLOTS,
					      sizeof(struct tcpstate_key));
	if (!tn->table.evict)
		return -ENOMEM;
	err = wheels_init(&tn->table);
	if (err)
		goto free_evict;
	err = tcpstate_hash_init(&tn->table.flows, &flow_params,
				 flows_initial_buckets(tn));
	if (err)
		goto free_wheels;
	INIT_WORK(&tn->table.grow, grow_work);
	atomic_set(&tn->table.entries, 0);
	mutex_init(&tn->table.collecting);
	INIT_DELAYED_WORK(&tn->table.gc, gc_work);
	queue_delayed_work(system_power_efficient_wq, &tn->table.gc, HZ);
	return 0;
free_wheels:
	kvfree(tn->table.wheels);
free_evict:
	free_percpu(tn->table.evict);
	return err;
}

static void flow_destroy(void *ptr, void *arg)
{
	(*(s64 *)arg)++;
	flow_free(ptr);
}

/* The hooks are gone and their readers done: free without grace periods. */
void tcpstate_table_exit(struct tcpstate_net *tn)
{
	s64 freed = 0;

	cancel_delayed_work_sync(&tn->table.gc);
	cancel_work_sync(&tn->table.grow);
	tcpstate_hash_destroy(&tn->table.flows, flow_destroy, &freed);
	/* Other namespaces' packets update it with bottom halves off. */
	local_bh_disable();
	percpu_counter_sub(&flows_total, freed);
	local_bh_enable();
	kvfree(tn->table.wheels);	/* its lists held only freed flows */
	free_percpu(tn->table.evict);
}

static struct kmem_cache *flow_cache_create(const char *name, size_t size)
{
	return kmem_cache_create(name, size, __alignof__(struct tcpstate_flow),
				 TCPSTATE_SLAB_NO_MERGE, NULL);
}

int tcpstate_table_module_init(void)
{
	int err = percpu_counter_init(&flows_total, 0, GFP_KERNEL);

	if (err)
		return err;
	flow_cache4 = flow_cache_create("tcpstate_flow", TCPSTATE_FLOW4_SIZE);
	flow_cache6 = flow_cache_create("tcpstate_flow6",
					sizeof(struct tcpstate_flow));
	if (!flow_cache4 || !flow_cache6) {
		kmem_cache_destroy(flow_cache4);
		kmem_cache_destroy(flow_cache6);
		percpu_counter_destroy(&flows_total);
		return -ENOMEM;
	}
	return 0;
}

void tcpstate_table_module_exit(void)
{
	rcu_barrier();	/* flows still waiting in call_rcu() */
	kmem_cache_destroy(flow_cache4);
	kmem_cache_destroy(flow_cache6);
	percpu_counter_destroy(&flows_total);
}
