// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "tcpstate" (Documentation/netlink/specs/
 * tcpstate.yaml): get-stats, the get-flows and get-listeners dumps, and
 * the alarm events. Classic genl_ops, as 6.1 has no split ops.
 */

#include <linux/jiffies.h>
#include <linux/slab.h>
#include <kunit/visibility.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include "compat.h"
#include "tcpstate.h"
#include "netlink.h"

/* Index of the "alarms" group in tcpstate_mcgrps[]. */
#define GROUP_ALARMS	0

/* An alarm event's payload: nine attributes, none larger than an address. */
#define ALARM_SIZE	(9 * nla_total_size(sizeof(struct in6_addr)))

static struct genl_family tcpstate_family;

/*
 * Set while the family is registered. An alarm raised from a packet or
 * the collector (under RCU) after module exit began sends nothing.
 */
static bool family_live;

/* ---------------------------------------------------------------- stats */

#define PARAM(name) \
	[TCPSTATE_PARAM_##name] = offsetof(struct tcpstate_params, name)

static const size_t param_offsets[TCPSTATE_NPARAMS] = {
	PARAM(max_flows), PARAM(max_listeners),
	PARAM(syn_flood_enter), PARAM(syn_flood_exit),
	PARAM(syn_rate_enter), PARAM(syn_rate_exit),
	PARAM(timewait_enter), PARAM(timewait_exit),
	PARAM(syn_sent_enter), PARAM(syn_sent_exit),
	PARAM(close_wait_enter), PARAM(close_wait_exit),
	PARAM(timewait_ms), PARAM(timeout_handshake_ms),
	PARAM(timeout_established_ms), PARAM(timeout_closing_ms),
	PARAM(log_alarms),
};

/* Every sysctl is reported: a new one must get a TCPSTATE_PARAM_*. */
static_assert(sizeof(struct tcpstate_params) == TCPSTATE_NPARAMS * sizeof(int));

static void stats_gather(struct tcpstate_net *tn, struct tcpstate_nl_stats *st)
{
	int i;

	tcpstate_stats_snapshot(tn, &st->snap);
	for (i = 0; i < TCPSTATE_NPARAMS; i++)
		st->params[i] = READ_ONCE(*(int *)((char *)&tn->params +
						   param_offsets[i]));
	st->alarms = 0;
	for (i = 0; i < TCPSTATE_NDETECTORS; i++)
		if (tcpstate_detect_raised(tn, i))
			st->alarms |= BIT(i);
	st->mode = st->alarms & BIT(TCPSTATE_DET_syn_flood) ?
		   TCPSTATE_MODE_FLOOD : TCPSTATE_MODE_NORMAL;
}

static int put_gauges(struct sk_buff *skb, const struct tcpstate_snapshot *snap)
{
	struct nlattr *states, *gauge;
	int i;

	states = nla_nest_start(skb, TCPSTATE_A_STATS_STATES);
	if (!states)
		return -EMSGSIZE;
	for (i = 0; i < TCPSTATE_NSTATES; i++) {
		gauge = nla_nest_start(skb, TCPSTATE_A_KEY(i));
		if (!gauge ||
		    nla_put_u32(skb, TCPSTATE_A_GAUGE_CLIENT,
				snap->gauge[TCPSTATE_CLIENT][i]) ||
		    nla_put_u32(skb, TCPSTATE_A_GAUGE_SERVER,
				snap->gauge[TCPSTATE_SERVER][i]))
			return -EMSGSIZE;
		nla_nest_end(skb, gauge);
	}
	nla_nest_end(skb, states);
	return 0;
}

static int put_counters(struct sk_buff *skb,
			const struct tcpstate_snapshot *snap)
{
	struct nlattr *nest = nla_nest_start(skb, TCPSTATE_A_STATS_COUNTERS);
	int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < TCPSTATE_NCOUNTERS; i++)
		if (nla_put_u64_64bit(skb, TCPSTATE_A_KEY(i), snap->counter[i],
				      TCPSTATE_A_COUNTERS_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_alarm_states(struct sk_buff *skb, u8 alarms)
{
	struct nlattr *nest = nla_nest_start(skb, TCPSTATE_A_STATS_ALARMS);
	int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < TCPSTATE_NDETECTORS; i++)
		if (nla_put_u8(skb, TCPSTATE_A_KEY(i), !!(alarms & BIT(i))))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_params(struct sk_buff *skb, const u32 *params)
{
	struct nlattr *nest = nla_nest_start(skb, TCPSTATE_A_STATS_PARAMS);
	int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < TCPSTATE_NPARAMS; i++)
		if (nla_put_u32(skb, TCPSTATE_A_KEY(i), params[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The attributes of a get-stats reply; on error the caller drops @skb. */
VISIBLE_IF_KUNIT int tcpstate_nl_put_stats(struct sk_buff *skb,
					   const struct tcpstate_nl_stats *st)
{
	if (nla_put_string(skb, TCPSTATE_A_STATS_VERSION, TCPSTATE_VERSION) ||
	    nla_put_u32(skb, TCPSTATE_A_STATS_FLOWS, st->snap.flows) ||
	    nla_put_u32(skb, TCPSTATE_A_STATS_MAX_FLOWS,
			st->params[TCPSTATE_PARAM_max_flows]) ||
	    nla_put_u8(skb, TCPSTATE_A_STATS_MODE, st->mode))
		return -EMSGSIZE;
	return put_gauges(skb, &st->snap) ?:
	       put_counters(skb, &st->snap) ?:
	       put_alarm_states(skb, st->alarms) ?:
	       put_params(skb, st->params);
}

static int get_stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tcpstate_net *tn = tcpstate_pernet(genl_info_net(info));
	struct tcpstate_nl_stats *st;
	struct sk_buff *msg;
	void *hdr;
	int err = -ENOMEM;

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!st || !msg)
		goto err;
	err = -EMSGSIZE;
	hdr = genlmsg_put_reply(msg, info, &tcpstate_family, 0,
				TCPSTATE_CMD_GET_STATS);
	if (!hdr)
		goto err;
	stats_gather(tn, st);
	err = tcpstate_nl_put_stats(msg, st);
	if (err)
		goto err;
	kfree(st);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err:
	kfree(st);
	nlmsg_free(msg);
	return err;
}

/* ---------------------------------------------------------------- flows */

static const struct nla_policy flows_policy[TCPSTATE_A_FLOW_MAX + 1] = {
	[TCPSTATE_A_FLOW_FILTER_STATE] =
		NLA_POLICY_MAX(NLA_U8, TCPSTATE_NSTATES - 1),
	[TCPSTATE_A_FLOW_FILTER_ROLE] =
		NLA_POLICY_MAX(NLA_U8, TCPSTATE_NROLES - 1),
	[TCPSTATE_A_FLOW_FILTER_FAMILY] =
		NLA_POLICY_RANGE(NLA_U8, AF_INET, AF_INET6),
	[TCPSTATE_A_FLOW_FILTER_ADDR] =
		NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct in_addr),
				 sizeof(struct in6_addr)),
	[TCPSTATE_A_FLOW_FILTER_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

/* What the policy cannot say: the family is one of two, the address its size. */
static int parse_filter(struct nlattr **tb, struct tcpstate_nl_filter *f,
			struct netlink_ext_ack *extack)
{
	struct nlattr *addr = tb[TCPSTATE_A_FLOW_FILTER_ADDR];
	struct nlattr *family = tb[TCPSTATE_A_FLOW_FILTER_FAMILY];

	memset(f, 0, sizeof(*f));
	f->state = TCPSTATE_NSTATES;
	f->role = TCPSTATE_NROLES;
	if (tb[TCPSTATE_A_FLOW_FILTER_STATE])
		f->state = nla_get_u8(tb[TCPSTATE_A_FLOW_FILTER_STATE]);
	if (tb[TCPSTATE_A_FLOW_FILTER_ROLE])
		f->role = nla_get_u8(tb[TCPSTATE_A_FLOW_FILTER_ROLE]);
	if (tb[TCPSTATE_A_FLOW_FILTER_PORT])
		f->port = htons(nla_get_u16(tb[TCPSTATE_A_FLOW_FILTER_PORT]));
	if (family) {
		f->family = nla_get_u8(family);
		if (f->family != AF_INET && f->family != AF_INET6) {
			NL_SET_ERR_MSG_ATTR(extack, family,
					    "family must be AF_INET or AF_INET6");
			return -EINVAL;
		}
	}
	if (!addr)
		return 0;
	if (!f->family || nla_len(addr) != (f->family == AF_INET ?
					    sizeof(struct in_addr) :
					    sizeof(struct in6_addr))) {
		NL_SET_ERR_MSG_ATTR(extack, addr,
				    "address needs a family of its size");
		return -EINVAL;
	}
	nla_memcpy(&f->addr, addr, sizeof(f->addr));
	f->has_addr = true;
	return 0;
}

#if IS_ENABLED(CONFIG_KUNIT)
/* A get-flows request's attributes, as genetlink would validate them. */
int tcpstate_nl_parse_flows_request(const struct nlattr *head, int len,
				    struct tcpstate_nl_filter *f,
				    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[TCPSTATE_A_FLOW_MAX + 1];
	int err;

	err = nla_parse(tb, TCPSTATE_A_FLOW_MAX, head, len, flows_policy,
			extack);
	return err ?: parse_filter(tb, f, extack);
}
#endif

static bool end_matches(const struct tcpstate_nl_filter *f,
			const struct tcpstate_flow_view *flow, int role)
{
	int end = role == TCPSTATE_CLIENT ? flow->client_dir :
					    !flow->client_dir;

	return (f->state == TCPSTATE_NSTATES || flow->state[role] == f->state) &&
	       (!f->port || flow->key.port[end] == f->port) &&
	       (!f->has_addr || ipv6_addr_equal(&flow->key.addr[end], &f->addr));
}

/* Whether one end of @flow (the end of @f->role, if set) matches @f. */
VISIBLE_IF_KUNIT bool tcpstate_nl_match(const struct tcpstate_nl_filter *f,
					const struct tcpstate_flow_view *flow)
{
	if (f->family && flow->key.family != f->family)
		return false;
	if (f->role != TCPSTATE_NROLES)
		return end_matches(f, flow, f->role);
	return end_matches(f, flow, TCPSTATE_CLIENT) ||
	       end_matches(f, flow, TCPSTATE_SERVER);
}

static int put_addr(struct sk_buff *skb, int type, u8 family,
		    const struct in6_addr *addr)
{
	return nla_put(skb, type, family == AF_INET ? sizeof(struct in_addr) :
		       sizeof(struct in6_addr), addr);
}

VISIBLE_IF_KUNIT int tcpstate_nl_put_flow(struct sk_buff *skb,
					  const struct tcpstate_flow_view *flow)
{
	const struct tcpstate_key *key = &flow->key;
	int c = flow->client_dir, s = !flow->client_dir;

	if (nla_put_u8(skb, TCPSTATE_A_FLOW_FAMILY, key->family) ||
	    put_addr(skb, TCPSTATE_A_FLOW_CLIENT_ADDR, key->family,
		     &key->addr[c]) ||
	    nla_put_u16(skb, TCPSTATE_A_FLOW_CLIENT_PORT, ntohs(key->port[c])) ||
	    put_addr(skb, TCPSTATE_A_FLOW_SERVER_ADDR, key->family,
		     &key->addr[s]) ||
	    nla_put_u16(skb, TCPSTATE_A_FLOW_SERVER_PORT, ntohs(key->port[s])) ||
	    nla_put_u8(skb, TCPSTATE_A_FLOW_CLIENT_STATE,
		       flow->state[TCPSTATE_CLIENT]) ||
	    nla_put_u8(skb, TCPSTATE_A_FLOW_SERVER_STATE,
		       flow->state[TCPSTATE_SERVER]) ||
	    nla_put_u64_64bit(skb, TCPSTATE_A_FLOW_AGE_MS, flow->age_ms,
			      TCPSTATE_A_FLOW_PAD) ||
	    nla_put_u64_64bit(skb, TCPSTATE_A_FLOW_IDLE_MS, flow->idle_ms,
			      TCPSTATE_A_FLOW_PAD) ||
	    nla_put_string(skb, TCPSTATE_A_FLOW_HISTORY,
			   flow->history[0] ? flow->history : "-"))
		return -EMSGSIZE;
	return 0;
}

/* ------------------------------------------------------- resumable walks */

/*
 * A dump walks a hash table (hash.h) across several calls, each under
 * RCU, and stops where a message did not fit. Resuming is exact unless
 * the table moved under the walker: a growth (-EAGAIN: the walk restarts
 * in the new table), or the removal of the object it stopped at (its
 * place in the bucket is then a guess). Either way the dump is marked
 * NLM_F_DUMP_INTR through the namespace's dump generation, and a reader
 * retries; otherwise every object that lives through the dump is seen
 * exactly once.
 */
struct walk {
	struct tcpstate_hash_iter iter;
	struct tcpstate_net *tn;
	int (*show)(struct sk_buff *skb, struct netlink_callback *cb,
		    void *obj);
	/* The key of an object, to know it again (a flow keeps a short one). */
	void (*key)(const void *obj, void *buf);
	u8 resume_key[sizeof(struct tcpstate_key)];	/* did not fit */
	bool resuming;
	bool walked;
	struct tcpstate_nl_filter filter;
};

static_assert(sizeof(struct tcpstate_lkey) <= sizeof(struct tcpstate_key));

static struct walk *cb_walk(struct netlink_callback *cb)
{
	return (struct walk *)cb->args[0];
}

/* cb->seq must never be 0: nl_dump_check_consistent() ignores that. */
static unsigned int dump_seq(struct tcpstate_net *tn)
{
	return (atomic_read(&tn->nl.dump_gen) << 1) | 1;
}

static void walk_interrupted(struct netlink_callback *cb, struct walk *w)
{
	atomic_inc(&w->tn->nl.dump_gen);
	cb->seq = dump_seq(w->tn);
}

static void flow_key(const void *obj, void *buf)
{
	tcpstate_flow_key(obj, buf);
}

/* Zero-padded to the size of a flow's key, which resume_key holds. */
static void listener_key(const void *obj, void *buf)
{
	const struct tcpstate_listener *l = obj;

	memset(buf, 0, sizeof(struct tcpstate_key));
	memcpy(buf, &l->key, sizeof(l->key));
}

static struct walk *walk_begin(struct netlink_callback *cb,
			       struct tcpstate_net *tn, struct tcpstate_hash *ht,
			       void (*key)(const void *obj, void *buf))
{
	struct walk *w = kzalloc(sizeof(*w), GFP_KERNEL);

	if (!w)
		return NULL;
	w->tn = tn;
	w->key = key;
	tcpstate_hash_walk_enter(ht, &w->iter);
	cb->args[0] = (long)w;
	/* A loss before the first message must still mark the dump. */
	cb->seq = dump_seq(tn);
	cb->prev_seq = cb->seq;
	return w;
}

VISIBLE_IF_KUNIT int tcpstate_nl_done(struct netlink_callback *cb)
{
	struct walk *w = cb_walk(cb);

	kfree(w);
	return 0;
}

/* Back under RCU where the last call stopped; false if we lost our place. */
static bool walk_resume(struct walk *w)
	__acquires(RCU)
{
	u8 key[sizeof(w->resume_key)];
	void *obj;

	if (tcpstate_hash_walk_start(&w->iter) == -EAGAIN)
		return !w->walked;	/* the table was replaced: restarted */
	if (!w->resuming)
		return true;
	/* The object that did not fit is gone, or another took its memory. */
	obj = tcpstate_hash_walk_peek(&w->iter);
	if (!obj)
		return false;
	w->key(obj, key);
	return !memcmp(key, w->resume_key, sizeof(key));
}

#define DUMP_BATCH	1024

VISIBLE_IF_KUNIT int tcpstate_nl_dumpit(struct sk_buff *skb,
					struct netlink_callback *cb)
{
	struct walk *w = cb_walk(cb);
	unsigned int steps = 0;
	void *obj;
	int err = 0;

	cb->seq = dump_seq(w->tn);
	if (!walk_resume(w))
		walk_interrupted(cb, w);
	for (obj = tcpstate_hash_walk_peek(&w->iter); obj;
	     obj = tcpstate_hash_walk_next(&w->iter)) {
		/* A filter may skip a million flows: let RCU breathe. */
		if (!(++steps % DUMP_BATCH)) {
			tcpstate_hash_walk_stop(&w->iter);
			cond_resched();
			if (tcpstate_hash_walk_start(&w->iter) == -EAGAIN)
				walk_interrupted(cb, w);
			/* @obj may be gone by now: take the walk's place again. */
			obj = tcpstate_hash_walk_peek(&w->iter);
			if (!obj)
				break;
		}
		w->walked = true;
		err = w->show(skb, cb, obj);
		if (err) {
			w->key(obj, w->resume_key);
			break;
		}
	}
	w->resuming = err == -EMSGSIZE;
	tcpstate_hash_walk_stop(&w->iter);
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

static void *dump_put(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &tcpstate_family, NLM_F_MULTI, cmd);
}

/* Only a message that stays can carry NLM_F_DUMP_INTR. */
static void dump_end(struct sk_buff *skb, struct netlink_callback *cb,
		     void *hdr)
{
	genl_dump_check_consistent(cb, hdr);
	genlmsg_end(skb, hdr);
}

static int show_flow(struct sk_buff *skb, struct netlink_callback *cb,
		     void *obj)
{
	struct walk *w = cb_walk(cb);
	struct tcpstate_flow_view view;
	void *hdr;

	if (!tcpstate_flow_view(obj, &view) || !tcpstate_nl_match(&w->filter,
								  &view))
		return 0;
	hdr = dump_put(skb, cb, TCPSTATE_CMD_GET_FLOWS);
	if (!hdr)
		return -EMSGSIZE;
	if (tcpstate_nl_put_flow(skb, &view)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	dump_end(skb, cb, hdr);
	return 0;
}

VISIBLE_IF_KUNIT int tcpstate_nl_flows_begin(struct netlink_callback *cb,
					     struct tcpstate_net *tn,
					     const struct tcpstate_nl_filter *f)
{
	struct walk *w;

	w = walk_begin(cb, tn, &tn->table.flows, flow_key);
	if (!w)
		return -ENOMEM;
	w->filter = *f;
	w->show = show_flow;
	return 0;
}

static int get_flows_start(struct netlink_callback *cb)
{
	struct tcpstate_net *tn = tcpstate_pernet(sock_net(cb->skb->sk));
	struct tcpstate_nl_filter filter;
	int err;

	err = parse_filter(tcpstate_dump_attrs(cb), &filter, cb->extack);
	return err ?: tcpstate_nl_flows_begin(cb, tn, &filter);
}

/* ------------------------------------------------------------ listeners */

static int put_listener(struct sk_buff *skb, const struct tcpstate_lkey *key,
			const struct tcpstate_figures *f)
{
	if (nla_put_u8(skb, TCPSTATE_A_LISTENER_FAMILY, key->family) ||
	    put_addr(skb, TCPSTATE_A_LISTENER_ADDR, key->family, &key->addr) ||
	    nla_put_u16(skb, TCPSTATE_A_LISTENER_PORT, ntohs(key->port)) ||
	    nla_put_u32(skb, TCPSTATE_A_LISTENER_HALF_OPEN, f->half_open) ||
	    nla_put_u32(skb, TCPSTATE_A_LISTENER_SYN_PER_S, f->syn_per_s) ||
	    nla_put_u32(skb, TCPSTATE_A_LISTENER_HANDSHAKES_PER_S,
			f->handshakes_per_s) ||
	    nla_put_u32(skb, TCPSTATE_A_LISTENER_ALARMS, f->alarms))
		return -EMSGSIZE;
	return 0;
}

/* The listeners /proc/net/tcpstate_listeners shows: half-open or alarmed. */
static int show_listener(struct sk_buff *skb, struct netlink_callback *cb,
			 void *obj)
{
	struct tcpstate_listener *l = obj;
	struct tcpstate_figures f;
	void *hdr;

	tcpstate_listener_figures(l, jiffies, &f);
	if (!f.half_open && !f.alarms)
		return 0;
	hdr = dump_put(skb, cb, TCPSTATE_CMD_GET_LISTENERS);
	if (!hdr)
		return -EMSGSIZE;
	if (put_listener(skb, &l->key, &f)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	dump_end(skb, cb, hdr);
	return 0;
}

static int get_listeners_start(struct netlink_callback *cb)
{
	struct tcpstate_net *tn = tcpstate_pernet(sock_net(cb->skb->sk));
	struct walk *w;

	w = walk_begin(cb, tn, &tn->detect.listeners, listener_key);
	if (!w)
		return -ENOMEM;
	w->show = show_listener;
	return 0;
}

/* --------------------------------------------------------------- alarms */

VISIBLE_IF_KUNIT int tcpstate_nl_put_alarm(struct sk_buff *skb,
					   const struct tcpstate_alarm *alarm)
{
	const struct tcpstate_lkey *l = alarm->listener;

	if (nla_put_u32(skb, TCPSTATE_A_ALARM_SEQ, alarm->seq) ||
	    nla_put_u8(skb, TCPSTATE_A_ALARM_DETECTOR, alarm->detector) ||
	    nla_put_u8(skb, TCPSTATE_A_ALARM_ON, alarm->on) ||
	    (l && (nla_put_u8(skb, TCPSTATE_A_ALARM_FAMILY, l->family) ||
		   put_addr(skb, TCPSTATE_A_ALARM_ADDR, l->family, &l->addr) ||
		   nla_put_u16(skb, TCPSTATE_A_ALARM_PORT, ntohs(l->port)))) ||
	    nla_put_u32(skb, TCPSTATE_A_ALARM_HALF_OPEN, alarm->half_open) ||
	    nla_put_u32(skb, TCPSTATE_A_ALARM_SYN_PER_S, alarm->syn_per_s) ||
	    nla_put_u32(skb, TCPSTATE_A_ALARM_VALUE, alarm->value))
		return -EMSGSIZE;
	return 0;
}

void tcpstate_netlink_alarm(struct tcpstate_net *tn,
			    const struct tcpstate_alarm *alarm)
{
	struct sk_buff *skb;
	void *hdr;

	rcu_read_lock();
	if (!READ_ONCE(family_live) ||
	    !genl_has_listeners(&tcpstate_family, tn->net, GROUP_ALARMS))
		goto out;
	skb = genlmsg_new(ALARM_SIZE, GFP_ATOMIC);
	if (!skb)
		goto out;
	hdr = genlmsg_put(skb, 0, 0, &tcpstate_family, 0, TCPSTATE_CMD_ALARM);
	if (!hdr || tcpstate_nl_put_alarm(skb, alarm)) {
		nlmsg_free(skb);
		goto out;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&tcpstate_family, tn->net, skb, 0,
				GROUP_ALARMS, GFP_ATOMIC);
out:
	rcu_read_unlock();
}

/* --------------------------------------------------------------- family */

static const struct genl_ops tcpstate_ops[] = {
	{
		.cmd = TCPSTATE_CMD_GET_STATS,
		.doit = get_stats_doit,
	},
	{
		.cmd = TCPSTATE_CMD_GET_FLOWS,
		.start = get_flows_start,
		.dumpit = tcpstate_nl_dumpit,
		.done = tcpstate_nl_done,
		.policy = flows_policy,
		.maxattr = TCPSTATE_A_FLOW_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = TCPSTATE_CMD_GET_LISTENERS,
		.start = get_listeners_start,
		.dumpit = tcpstate_nl_dumpit,
		.done = tcpstate_nl_done,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

/* Events name listeners, which are not for everyone either. */
static const struct genl_multicast_group tcpstate_mcgrps[] = {
	[GROUP_ALARMS] = {
		.name = TCPSTATE_MCGRP_ALARMS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

/* Strict validation of every command: no policy means no attributes. */
static struct genl_family tcpstate_family __ro_after_init = {
	.name = TCPSTATE_FAMILY_NAME,
	.version = TCPSTATE_FAMILY_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = tcpstate_ops,
	.n_ops = ARRAY_SIZE(tcpstate_ops),
	.mcgrps = tcpstate_mcgrps,
	.n_mcgrps = ARRAY_SIZE(tcpstate_mcgrps),
};

int tcpstate_netlink_init(void)
{
	int err = genl_register_family(&tcpstate_family);

	if (!err)
		WRITE_ONCE(family_live, true);
	return err;
}

void tcpstate_netlink_exit(void)
{
	WRITE_ONCE(family_live, false);
	synchronize_rcu();	/* alarms under way are sent */
	genl_unregister_family(&tcpstate_family);
}
