// SPDX-License-Identifier: GPL-2.0
/*
 * Listener aggregates (half-open and CLOSE_WAIT ends, SYN and handshake
 * rates per server endpoint) and the detectors with enter/exit hysteresis.
 */

#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/ratelimit.h>
#include <linux/slab.h>
#include "tcpstate.h"

/*
 * The alarm log's budget, per namespace: a flood makes the shared
 * net_ratelimit() run dry, and one container's alarms must not starve
 * another's.
 */
#define ALARM_LOG_INTERVAL	(5 * HZ)
#define ALARM_LOG_BURST		20

/* What each detector judges, as the log line names it (besides syn_flood). */
static const char *const figure_names[TCPSTATE_NDETECTORS] = {
	[TCPSTATE_DET_timewait] = "time_wait",
	[TCPSTATE_DET_syn_sent] = "syn_sent",
	[TCPSTATE_DET_close_wait] = "close_wait",
};

#define BIT_SYN_FLOOD	BIT(TCPSTATE_DET_syn_flood)
#define BIT_CLOSE_WAIT	BIT(TCPSTATE_DET_close_wait)

/* A quiet listener is forgotten after this long without activity. */
#define LISTENER_IDLE	(10 * HZ)

static struct kmem_cache *listener_cache;

static bool listener_eq(const void *key, const struct tcpstate_hnode *n)
{
	const struct tcpstate_listener *l =
		container_of(n, struct tcpstate_listener, node);

	BUILD_BUG_ON(sizeof(l->key) % sizeof(u32));
	return tcpstate_words_equal(key, &l->key, sizeof(l->key));
}

static const struct tcpstate_hash_params listener_params = {
	.node_offset = offsetof(struct tcpstate_listener, node),
	.key_offset = offsetof(struct tcpstate_listener, key),
	.key_len = sizeof(struct tcpstate_lkey),
	.eq = listener_eq,
};

/* Under RCU: the aggregate of @lkey, or NULL. */
struct tcpstate_listener *tcpstate_detect_lookup(struct tcpstate_net *tn,
						 const struct tcpstate_lkey *lkey)
{
	struct tcpstate_hash *ht = &tn->detect.listeners;

	return tcpstate_hash_lookup(ht, lkey, tcpstate_hash_of(ht, lkey),
				    &listener_params);
}

static void make_lkey(struct tcpstate_lkey *lkey,
		      const struct tcpstate_key *key, int end)
{
	memset(lkey, 0, sizeof(*lkey));
	lkey->addr = key->addr[end];
	lkey->port = key->port[end];
	lkey->family = key->family;
}

int tcpstate_format_endpoint(char *buf, size_t size, u8 family,
			     const struct in6_addr *addr, __be16 port)
{
	if (family == AF_INET)
		return snprintf(buf, size, "%pI4:%u", &addr->s6_addr32[0],
				ntohs(port));
	return snprintf(buf, size, "[%pI6c]:%u", addr, ntohs(port));
}

static struct tcpstate_listener *listener_find(struct tcpstate_net *tn,
					       const struct tcpstate_key *key,
					       int end)
{
	struct tcpstate_lkey lkey;

	make_lkey(&lkey, key, end);
	return tcpstate_detect_lookup(tn, &lkey);
}

static void listener_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(listener_cache,
			container_of(head, struct tcpstate_listener, rcu));
}

/*
 * Nothing but SYNs nobody answered holds it (a scan, scattered spoofed
 * SYNs to closed or firewalled ports): it may make room for another.
 */
static bool recyclable(const struct tcpstate_listener *l)
{
	return !l->alarms && l->syn_rcvd <= 0 && l->close_wait <= 0;
}

static bool quiet(const struct tcpstate_listener *l)
{
	return recyclable(l) && l->half_open <= 0;
}

/* Called with the listener locked. */
static void listener_unlink(struct tcpstate_net *tn,
			    struct tcpstate_listener *l)
{
	l->dead = 1;
	tcpstate_hash_remove(&tn->detect.listeners, l);
	atomic_dec(&tn->detect.nr_listeners);
	call_rcu(&l->rcu, listener_free_rcu);
}

#if IS_ENABLED(CONFIG_KUNIT)
/* KUnit: recycle @l as a full max_listeners would, between two steps. */
void tcpstate_detect_recycle(struct tcpstate_net *tn,
			     struct tcpstate_listener *l)
{
	spin_lock_bh(&l->lock);
	listener_unlink(tn, l);
	spin_unlock_bh(&l->lock);
}
#endif

/* Make room at once: recycle the oldest recent listener that may go. */
#define RECYCLE_TRIES	4

static bool recycle_one(struct tcpstate_net *tn)
{
	struct tcpstate_listener *l;
	struct tcpstate_lkey key;
	bool done = false;
	int tries;

	for (tries = 0; !done && tries < RECYCLE_TRIES &&
	     tcpstate_ring_pop(tn->detect.recent, &key); tries++) {
		l = tcpstate_detect_lookup(tn, &key);
		if (!l)
			continue;
		spin_lock(&l->lock);
		done = !l->dead && recyclable(l);
		if (done)
			listener_unlink(tn, l);
		spin_unlock(&l->lock);
	}
	return done;
}

static bool listener_take(struct tcpstate_net *tn)
{
	struct tcpstate_detect *d = &tn->detect;

	if (atomic_inc_return(&d->nr_listeners) <=
	    READ_ONCE(tn->params.max_listeners))
		return true;
	atomic_dec(&d->nr_listeners);
	return false;
}

/*
 * The aggregate of a server endpoint, made if need be. Past
 * max_listeners a recent one that only unanswered SYNs hold is recycled;
 * failing that, the namespace's catch-all aggregates it, so that a flood
 * is still seen and still engages flood mode.
 */
static struct tcpstate_listener *listener_get(struct tcpstate_net *tn,
					      const struct tcpstate_key *key,
					      int end, unsigned long now)
{
	struct tcpstate_detect *d = &tn->detect;
	struct tcpstate_listener *l, *old;

	l = listener_find(tn, key, end);
	if (l)
		return l;
	if (!listener_take(tn) && !(recycle_one(tn) && listener_take(tn)))
		return &d->catchall;
	l = kmem_cache_zalloc(listener_cache, GFP_ATOMIC);
	if (!l)
		goto uncount;
	make_lkey(&l->key, key, end);
	spin_lock_init(&l->lock);
	l->start = now;
	l->active = now;
	old = tcpstate_hash_insert(&d->listeners, l, &l->key,
				   tcpstate_hash_of(&d->listeners, &l->key));
	if (!old) {
		tcpstate_ring_push(tn->detect.recent, &l->key);
		return l;
	}
	kmem_cache_free(listener_cache, l);
	atomic_dec(&d->nr_listeners);
	return old;
uncount:
	atomic_dec(&d->nr_listeners);
	return &d->catchall;
}

/* A departure's aggregate: its own, or the catch-all's if it had none. */
static struct tcpstate_listener *listener_had(struct tcpstate_net *tn,
					      const struct tcpstate_key *key,
					      int end)
{
	return listener_find(tn, key, end) ?: &tn->detect.catchall;
}

/* Start a new one-second window; a gap of more leaves nothing in prev. */
static bool roll(struct tcpstate_listener *l, unsigned long now)
{
	unsigned long elapsed = now - l->start;

	if (elapsed < HZ)
		return false;
	l->prev = elapsed < 2 * HZ ? l->cur : (struct tcpstate_window){};
	memset(&l->cur, 0, sizeof(l->cur));
	l->start = now - elapsed % HZ;
	return true;
}

static u32 excess(u32 a, u32 b)
{
	return a > b ? a - b : 0;
}

/*
 * Rates use the last full second for display, and the worse of it and
 * the second under way for the detectors, so that the segment crossing a
 * threshold raises the alarm at once.
 */
static void figures(struct tcpstate_listener *l, unsigned long now,
		    struct tcpstate_figures *f)
{
	u32 deferred_open;

	roll(l, now);
	f->syn_per_s = l->prev.syn;
	f->syn_recent = max(l->prev.syn, l->cur.syn);
	f->handshakes_per_s = l->prev.handshakes;
	f->uncompleted = max(excess(l->prev.syn, l->prev.handshakes),
			     excess(l->cur.syn, l->cur.handshakes));
	f->half_open = max(l->half_open, 0);
	f->close_wait = max(l->close_wait, 0);
	f->alarms = l->alarms;
	/* Flood mode allocates nothing for SYNs: count those instead. */
	if (l->alarms & BIT_SYN_FLOOD) {
		deferred_open = max(excess(l->prev.deferred,
					   l->prev.handshakes),
				    excess(l->cur.deferred,
					   l->cur.handshakes));
		f->half_open += deferred_open;
	}
}

void tcpstate_listener_figures(struct tcpstate_listener *l, unsigned long now,
			       struct tcpstate_figures *f)
{
	spin_lock_bh(&l->lock);
	figures(l, now, f);
	spin_unlock_bh(&l->lock);
}

/* Hysteresis: raise at or above enter, clear only below exit. */
static bool hysteresis(bool on, u32 value, int enter, int exit)
{
	return on ? value >= (u32)exit : value >= (u32)enter;
}

/* Returns the alarm bits that changed; called with the listener locked. */
static u8 evaluate(struct tcpstate_net *tn, struct tcpstate_listener *l,
		   struct tcpstate_figures *f, unsigned long now)
{
	const struct tcpstate_params *p = &tn->params;
	bool flood_on = l->alarms & BIT_SYN_FLOOD;
	u8 before = l->alarms, after = 0;

	figures(l, now, f);
	if (hysteresis(flood_on, f->half_open, READ_ONCE(p->syn_flood_enter),
		       READ_ONCE(p->syn_flood_exit)) ||
	    hysteresis(flood_on, f->uncompleted, READ_ONCE(p->syn_rate_enter),
		       READ_ONCE(p->syn_rate_exit)))
		after |= BIT_SYN_FLOOD;
	if (hysteresis(before & BIT_CLOSE_WAIT, f->close_wait,
		       READ_ONCE(p->close_wait_enter),
		       READ_ONCE(p->close_wait_exit)))
		after |= BIT_CLOSE_WAIT;
	l->alarms = after;
	f->alarms = after;
	return before ^ after;
}

/*
 * One line per alarm change: the namespace by its inode number (as lsns
 * and /proc/PID/ns/net show it) and the figures the detector judges.
 */
static void log_alarm(struct tcpstate_net *tn, int det, bool on,
		      const struct tcpstate_lkey *where,
		      const struct tcpstate_figures *f, u32 value)
{
	const char *name = tcpstate_detector_names[det];
	unsigned int inum = tn->net->ns.inum;
	char ep[64] = "-";

	if (!__ratelimit(&tn->detect.log_rs))
		return;
	if (where)
		tcpstate_format_endpoint(ep, sizeof(ep), where->family,
					 &where->addr, where->port);
	/* At a raise the last full second may predate the flood. */
	if (det == TCPSTATE_DET_syn_flood)
		pr_info("tcpstate: netns=%u %s %s %s half_open=%u syn_per_s=%u\n",
			inum, name, on ? "on" : "off", ep, f->half_open,
			f->syn_recent);
	else
		pr_info("tcpstate: netns=%u %s %s %s %s=%u\n", inum, name,
			on ? "on" : "off", ep, figure_names[det], value);
}

/* Count, log and announce one alarm change; @value is what was judged. */
static void alarm_changed(struct tcpstate_net *tn, int det, bool on,
			  const struct tcpstate_lkey *where,
			  const struct tcpstate_figures *f, u32 value)
{
	struct tcpstate_alarm alarm = {
		.listener = where,
		.seq = atomic_inc_return(&tn->detect.seq),
		.half_open = f->half_open,
		.syn_per_s = f->syn_recent,
		.value = value,
		.detector = det,
		.on = on,
	};

	tcpstate_count(tn, TCPSTATE_CTR_alarms, 1);
	if (on)
		atomic_inc(&tn->detect.raised[det]);
	else
		atomic_dec(&tn->detect.raised[det]);
	tcpstate_netlink_alarm(tn, &alarm);
	if (READ_ONCE(tn->params.log_alarms))
		log_alarm(tn, det, on, where, f, value);
}

static void listener_changed(struct tcpstate_net *tn,
			     struct tcpstate_listener *l, u8 changed,
			     const struct tcpstate_figures *f)
{
	int det;

	for (det = 0; det < TCPSTATE_NDETECTORS; det++)
		if (changed & BIT(det))
			alarm_changed(tn, det, f->alarms & BIT(det),
				      l == &tn->detect.catchall ? NULL : &l->key,
				      f, det == TCPSTATE_DET_close_wait ?
				      f->close_wait : f->uncompleted);
}

/* What a segment adds to a listener. */
struct ldelta {
	int half_open;
	int syn_rcvd;
	int close_wait;
	u32 syn;
	u32 handshakes;
	u32 deferred;
};

/*
 * Can @d move an alarm in state @alarms? A raised alarm only falls, one
 * that is off only rises, and only with its own figures; the windows'
 * roll and the sysctls are judged at the next roll or tick anyway.
 */
static bool may_change(u8 alarms, const struct ldelta *d)
{
	bool rise = d->half_open > 0 || d->syn || d->deferred;
	bool fall = d->half_open < 0 || d->handshakes;

	if (alarms & BIT_SYN_FLOOD ? fall : rise)
		return true;
	return alarms & BIT_CLOSE_WAIT ? d->close_wait < 0 : d->close_wait > 0;
}

/*
 * Apply @d and evaluate what it may have changed; bottom halves are off.
 * False if @l was recycled meanwhile: look it up again.
 */
static bool listener_update(struct tcpstate_net *tn,
			    struct tcpstate_listener *l, unsigned long now,
			    const struct ldelta *d)
{
	struct tcpstate_figures f;
	u8 changed = 0;
	bool rolled;

	spin_lock(&l->lock);
	if (unlikely(l->dead)) {
		spin_unlock(&l->lock);
		return false;
	}
	rolled = roll(l, now);
	/* Never below zero, even for flows that arrived while it was full. */
	l->half_open = max(l->half_open + d->half_open, 0);
	l->syn_rcvd = max(l->syn_rcvd + d->syn_rcvd, 0);
	l->close_wait = max(l->close_wait + d->close_wait, 0);
	l->cur.syn += d->syn;
	l->cur.handshakes += d->handshakes;
	l->cur.deferred += d->deferred;
	l->active = now;
	if (rolled || may_change(l->alarms, d))
		changed = evaluate(tn, l, &f, now);
	/*
	 * Announced under the lock: the sequence numbers, the raised count
	 * and the events of one listener follow the order of its changes.
	 */
	if (changed)
		listener_changed(tn, l, changed, &f);
	spin_unlock(&l->lock);
	return true;
}

/* Update @l, or if it was recycled under us, the endpoint's aggregate now. */
static void listener_apply(struct tcpstate_net *tn, struct tcpstate_listener *l,
			   const struct tcpstate_key *key, int end,
			   bool arrival, unsigned long now,
			   const struct ldelta *d)
{
	if (l && listener_update(tn, l, now, d))
		return;
	l = arrival ? listener_get(tn, key, end, now) :
		      listener_had(tn, key, end);
	listener_update(tn, l, now, d);
}

/*
 * A bare SYN to @server_end of @note's key. Returns true when its
 * listener is in flood mode and the SYN, on a tuple without a flow, is
 * only counted; otherwise the SYN is noted for the listener's update.
 */
bool tcpstate_detect_syn(struct tcpstate_net *tn, struct tcpstate_lnote *note,
			 int server_end, bool untracked, unsigned long now)
{
	struct tcpstate_listener *l = listener_get(tn, note->key, server_end,
						   now);
	struct ldelta d = { .syn = 1, .deferred = 1 };

	if (untracked && (READ_ONCE(l->alarms) & BIT_SYN_FLOOD)) {
		listener_apply(tn, l, note->key, server_end, true, now, &d);
		return true;
	}
	note->l = l;
	note->end = server_end;
	note->syn = 1;
	return false;
}

bool tcpstate_detect_flooding(struct tcpstate_net *tn,
			      const struct tcpstate_key *key, int server_end)
{
	struct tcpstate_listener *l;

	if (!atomic_read(&tn->detect.raised[TCPSTATE_DET_syn_flood]))
		return false;
	l = listener_find(tn, key, server_end) ?: &tn->detect.catchall;
	return READ_ONCE(l->alarms) & BIT_SYN_FLOOD;
}

/*
 * Flood mode tracks no SYN-ACK, yet the client's ACK may complete a
 * handshake only if it acknowledges one that was seen: a spoofed ACK must
 * neither make a flow nor count as a handshake. Each SYN-ACK leaves a
 * fingerprint of its tuple and ISN in a fixed table per namespace
 * (direct-mapped, the newest wins a slot), allocated by the tick once a
 * flood is on; until then no ACK is taken on trust.
 */
static u32 synack_print(struct tcpstate_net *tn, const struct tcpstate_key *key,
			u32 isn)
{
	BUILD_BUG_ON(sizeof(*key) % sizeof(u32));
	return jhash2((const u32 *)key, sizeof(*key) / sizeof(u32),
		      tn->detect.seed ^ isn) | 1;
}

void tcpstate_detect_synack(struct tcpstate_net *tn,
			    const struct tcpstate_key *key, u32 isn)
{
	u32 *slots = rcu_dereference(tn->detect.seen_synacks);
	u32 print;

	if (!slots)
		return;
	print = synack_print(tn, key, isn);
	WRITE_ONCE(slots[print % TCPSTATE_SYNACK_SLOTS], print);
}

/* Does @ack acknowledge a SYN-ACK seen on @key? Each one serves once. */
bool tcpstate_detect_synack_seen(struct tcpstate_net *tn,
				 const struct tcpstate_key *key, u32 ack)
{
	u32 *slots = rcu_dereference(tn->detect.seen_synacks);
	u32 print, *slot;

	if (!slots)
		return false;
	print = synack_print(tn, key, ack - 1);
	slot = &slots[print % TCPSTATE_SYNACK_SLOTS];
	return cmpxchg(slot, print, 0) == print;
}

/* Process context: the fingerprint table, once a flood needs it. */
static void synacks_alloc(struct tcpstate_net *tn)
{
	u32 *slots;

	if (rcu_access_pointer(tn->detect.seen_synacks) ||
	    !atomic_read(&tn->detect.raised[TCPSTATE_DET_syn_flood]))
		return;
	slots = kvcalloc(TCPSTATE_SYNACK_SLOTS, sizeof(*slots), GFP_KERNEL);
	if (slots)
		rcu_assign_pointer(tn->detect.seen_synacks, slots);
}

/* A handshake completed at @server_end: noted for the listener's update. */
void tcpstate_detect_handshake(struct tcpstate_net *tn,
			       struct tcpstate_lnote *note, int server_end,
			       unsigned long now)
{
	if (note->end != server_end) {
		tcpstate_detect_flush(tn, note, now);
		note->l = NULL;
		note->end = server_end;
	}
	note->handshakes++;
}

/* Out of line: most segments owe their listener nothing. */
void tcpstate_detect_deliver(struct tcpstate_net *tn,
			     struct tcpstate_lnote *note, unsigned long now)
{
	struct ldelta d = { .syn = note->syn, .handshakes = note->handshakes };
	struct tcpstate_listener *l;

	note->syn = 0;
	note->handshakes = 0;
	l = note->l ?: listener_get(tn, note->key, note->end, now);
	listener_apply(tn, l, note->key, note->end, true, now, &d);
}

/* Add (sign +1) or take away (-1) what a server end in @state counts. */
static void end_delta(struct ldelta *d, u8 state, int sign)
{
	d->half_open += sign * (state == TCPSTATE_LISTEN ||
				state == TCPSTATE_SYN_RCVD);
	d->syn_rcvd += sign * (state == TCPSTATE_SYN_RCVD);
	d->close_wait += sign * (state == TCPSTATE_CLOSE_WAIT);
}

static void server_delta(struct tcpstate_net *tn,
			 const struct tcpstate_key *key, int end,
			 struct ldelta *d, struct tcpstate_lnote *note,
			 unsigned long now)
{
	struct tcpstate_listener *l = NULL;
	bool arrival;

	/* The segment's SYN or handshake goes with the same update. */
	if (note && note->end == end) {
		d->syn = note->syn;
		d->handshakes = note->handshakes;
		note->syn = 0;
		note->handshakes = 0;
		l = note->l;
	}
	if (!d->half_open && !d->syn_rcvd && !d->close_wait && !d->syn &&
	    !d->handshakes)
		return;
	/* Only an arrival needs an aggregate; a departure had one. */
	arrival = d->half_open > 0 || d->syn_rcvd > 0 || d->close_wait > 0 ||
		  d->syn || d->handshakes;
	if (!l)
		l = arrival ? listener_get(tn, key, end, now) :
			      listener_had(tn, key, end);
	listener_apply(tn, l, key, end, arrival, now, d);
}

/* A flow's server end moved (state, or role when the roles swapped). */
void tcpstate_detect_server_move(struct tcpstate_net *tn,
				 const struct tcpstate_key *key,
				 int from_end, u8 from, int to_end, u8 to,
				 struct tcpstate_lnote *note, unsigned long now)
{
	struct ldelta d = {};

	end_delta(&d, from, -1);
	if (from_end == to_end) {
		end_delta(&d, to, 1);
		server_delta(tn, key, to_end, &d, note, now);
		return;
	}
	server_delta(tn, key, from_end, &d, NULL, now);
	memset(&d, 0, sizeof(d));
	end_delta(&d, to, 1);
	server_delta(tn, key, to_end, &d, note, now);
}

/* Rates decay without traffic: re-evaluate, and forget idle listeners. */
static void tick_listener(struct tcpstate_net *tn,
			  struct tcpstate_listener *l, unsigned long now,
			  struct tcpstate_listener **lru)
{
	struct tcpstate_figures f;
	u8 changed;

	spin_lock_bh(&l->lock);
	if (l->dead) {
		spin_unlock_bh(&l->lock);
		return;
	}
	changed = evaluate(tn, l, &f, now);
	/* Held only by SYNs nobody answered, it goes once idle. */
	if (l != &tn->detect.catchall && recyclable(l) &&
	    time_after_eq(now, l->active + LISTENER_IDLE))
		listener_unlink(tn, l);
	else if (l != &tn->detect.catchall && quiet(l) &&
		 (!*lru || time_before(l->active, (*lru)->active)))
		*lru = l;
	if (changed)
		listener_changed(tn, l, changed, &f);
	spin_unlock_bh(&l->lock);
}

static void tick_listeners(struct tcpstate_net *tn, unsigned long now)
{
	struct tcpstate_listener *l, *lru = NULL;
	struct tcpstate_hash_iter iter;
	unsigned int n = 0;

	tcpstate_hash_walk_enter(&tn->detect.listeners, &iter);
	tcpstate_hash_walk_start(&iter);
	tick_listener(tn, &tn->detect.catchall, now, &lru);
	while ((l = tcpstate_hash_walk_next(&iter))) {
		tick_listener(tn, l, now, &lru);
		/*
		 * Let RCU breathe; @lru may be freed once it does, so the
		 * stalest of the rest stands in for it.
		 */
		if (!(++n % 1024)) {
			tcpstate_hash_walk_stop(&iter);
			cond_resched();
			tcpstate_hash_walk_start(&iter);
			lru = NULL;
		}
	}
	/* Full: make room for a new listener by recycling the stalest. */
	if (lru && atomic_read(&tn->detect.nr_listeners) >=
		   READ_ONCE(tn->params.max_listeners)) {
		spin_lock_bh(&lru->lock);
		if (!lru->dead && quiet(lru))
			listener_unlink(tn, lru);
		spin_unlock_bh(&lru->lock);
	}
	tcpstate_hash_walk_stop(&iter);
	tcpstate_hash_grow(&tn->detect.listeners,
			   atomic_read(&tn->detect.nr_listeners),
			   tcpstate_hash_size_for(READ_ONCE(tn->params.max_listeners)));
}

/* The namespace-wide detectors, judged from the gauges once a second. */
static void tick_namespace(struct tcpstate_net *tn)
{
	const struct tcpstate_params *p = &tn->params;
	struct tcpstate_detect *d = &tn->detect;
	struct tcpstate_snapshot *snap;
	struct tcpstate_figures f = {};
	u32 value[TCPSTATE_NDETECTORS] = {};
	int enter[TCPSTATE_NDETECTORS] = {}, exit[TCPSTATE_NDETECTORS] = {};
	static const int ns_detectors[] = {
		TCPSTATE_DET_timewait, TCPSTATE_DET_syn_sent,
	};
	int i;

	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return;
	tcpstate_stats_snapshot(tn, snap);
	value[TCPSTATE_DET_timewait] =
		snap->gauge[TCPSTATE_CLIENT][TCPSTATE_TIME_WAIT] +
		snap->gauge[TCPSTATE_SERVER][TCPSTATE_TIME_WAIT];
	value[TCPSTATE_DET_syn_sent] = snap->syn_sent_out;
	kfree(snap);
	enter[TCPSTATE_DET_timewait] = READ_ONCE(p->timewait_enter);
	exit[TCPSTATE_DET_timewait] = READ_ONCE(p->timewait_exit);
	enter[TCPSTATE_DET_syn_sent] = READ_ONCE(p->syn_sent_enter);
	exit[TCPSTATE_DET_syn_sent] = READ_ONCE(p->syn_sent_exit);
	for (i = 0; i < ARRAY_SIZE(ns_detectors); i++) {
		int det = ns_detectors[i];
		bool on = d->ns_alarms & BIT(det);

		if (hysteresis(on, value[det], enter[det], exit[det]) == on)
			continue;
		d->ns_alarms ^= BIT(det);
		f.alarms = d->ns_alarms;
		alarm_changed(tn, det, !on, NULL, &f, value[det]);
	}
}

/* Called once a second from the collector's work. */
void tcpstate_detect_tick(struct tcpstate_net *tn, unsigned long now)
{
	synacks_alloc(tn);
	tick_listeners(tn, now);
	tick_namespace(tn);
}

bool tcpstate_detect_raised(struct tcpstate_net *tn, int detector)
{
	return atomic_read(&tn->detect.raised[detector]) > 0;
}

int tcpstate_detect_init(struct tcpstate_net *tn)
{
	struct tcpstate_detect *d = &tn->detect;
	int i;

	atomic_set(&d->nr_listeners, 0);
	atomic_set(&d->seq, 0);
	for (i = 0; i < TCPSTATE_NDETECTORS; i++)
		atomic_set(&d->raised[i], 0);
	d->ns_alarms = 0;
	ratelimit_state_init(&d->log_rs, ALARM_LOG_INTERVAL, ALARM_LOG_BURST);
	RCU_INIT_POINTER(d->seen_synacks, NULL);
	d->seed = get_random_u32();
	d->recent = tcpstate_ring_alloc(TCPSTATE_LRING_SLOTS,
					sizeof(struct tcpstate_lkey));
	if (!d->recent)
		return -ENOMEM;
	memset(&d->catchall, 0, sizeof(d->catchall));
	spin_lock_init(&d->catchall.lock);
	d->catchall.start = jiffies;
	d->catchall.active = jiffies;
	if (!tcpstate_hash_init(&d->listeners, &listener_params,
				TCPSTATE_HASH_MIN))
		return 0;
	free_percpu(d->recent);
	return -ENOMEM;
}

static void listener_free(void *ptr, void *arg)
{
	kmem_cache_free(listener_cache, ptr);
}

void tcpstate_detect_exit(struct tcpstate_net *tn)
{
	/* The hooks are gone and their readers done. */
	kvfree(rcu_dereference_protected(tn->detect.seen_synacks, 1));
	tcpstate_hash_destroy(&tn->detect.listeners, listener_free, NULL);
	free_percpu(tn->detect.recent);
}

int tcpstate_detect_module_init(void)
{
	listener_cache = KMEM_CACHE(tcpstate_listener, 0);
	return listener_cache ? 0 : -ENOMEM;
}

void tcpstate_detect_module_exit(void)
{
	kmem_cache_destroy(listener_cache);	/* after the flows' rcu_barrier() */
}
