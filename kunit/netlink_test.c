// SPDX-License-Identifier: GPL-2.0
/* KUnit: netlink messages, request filters and resumable flow dumps. */

#include <kunit/test.h>
#include <linux/jiffies.h>
#include <net/genetlink.h>
#include "tcpstate.h"
#include "tcpstate_test.h"

/* A flow 10.0.0.1:40000 -> 10.0.0.2:80 whose client is key end 1. */
static struct tcpstate_flow_view v4_flow(void)
{
	struct tcpstate_flow_view flow = {
		.key = { .family = AF_INET },
		.client_dir = 1,
		.state = { TCPSTATE_FIN_WAIT_2, TCPSTATE_CLOSE_WAIT },
		.history = "ShADaf",
		.age_ms = 5000,
		.idle_ms = 20,
	};

	flow.key.addr[1].s6_addr32[0] = htonl(0x0a000001);
	flow.key.port[1] = htons(40000);
	flow.key.addr[0].s6_addr32[0] = htonl(0x0a000002);
	flow.key.port[0] = htons(80);
	return flow;
}

static struct tcpstate_nl_filter any(void)
{
	return (struct tcpstate_nl_filter){ .state = TCPSTATE_NSTATES,
					    .role = TCPSTATE_NROLES };
}

static void netlink_match(struct kunit *test)
{
	struct tcpstate_flow_view flow = v4_flow();
	struct tcpstate_nl_filter f = any();

	KUNIT_EXPECT_TRUE(test, tcpstate_nl_match(&f, &flow));
	f.state = TCPSTATE_CLOSE_WAIT;
	KUNIT_EXPECT_TRUE(test, tcpstate_nl_match(&f, &flow));
	f.role = TCPSTATE_SERVER;
	KUNIT_EXPECT_TRUE(test, tcpstate_nl_match(&f, &flow));
	f.role = TCPSTATE_CLIENT;
	KUNIT_EXPECT_FALSE(test, tcpstate_nl_match(&f, &flow));
	f.state = TCPSTATE_ESTABLISHED;
	f.role = TCPSTATE_NROLES;
	KUNIT_EXPECT_FALSE(test, tcpstate_nl_match(&f, &flow));

	/* Every filter describes the same endpoint. */
	f = any();
	f.port = htons(80);
	KUNIT_EXPECT_TRUE(test, tcpstate_nl_match(&f, &flow));
	f.state = TCPSTATE_FIN_WAIT_2;	/* the client's state, not port 80's */
	KUNIT_EXPECT_FALSE(test, tcpstate_nl_match(&f, &flow));
	f.port = htons(40000);
	KUNIT_EXPECT_TRUE(test, tcpstate_nl_match(&f, &flow));
	f.role = TCPSTATE_SERVER;
	KUNIT_EXPECT_FALSE(test, tcpstate_nl_match(&f, &flow));

	f = any();
	f.family = AF_INET;
	f.has_addr = true;
	f.addr.s6_addr32[0] = htonl(0x0a000001);
	KUNIT_EXPECT_TRUE(test, tcpstate_nl_match(&f, &flow));
	f.role = TCPSTATE_SERVER;
	KUNIT_EXPECT_FALSE(test, tcpstate_nl_match(&f, &flow));
	f = any();
	f.family = AF_INET6;
	KUNIT_EXPECT_FALSE(test, tcpstate_nl_match(&f, &flow));
}

/* A get-flows request's attributes, built in @skb; returns the parse. */
static int parse_request(struct sk_buff *skb, struct tcpstate_nl_filter *f)
{
	return tcpstate_nl_parse_flows_request((struct nlattr *)skb->data,
					       skb->len, f, NULL);
}

static struct sk_buff *new_skb(struct kunit *test)
{
	struct sk_buff *skb = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	return skb;
}

static void netlink_request(struct kunit *test)
{
	u8 v6[16] = { 0xfd, [15] = 1 }, five[5] = {}, big[17] = {};
	struct tcpstate_nl_filter f;
	struct sk_buff *skb = new_skb(test);

	KUNIT_EXPECT_EQ(test, parse_request(skb, &f), 0);
	KUNIT_EXPECT_EQ(test, f.state, TCPSTATE_NSTATES);
	KUNIT_EXPECT_EQ(test, f.role, TCPSTATE_NROLES);
	KUNIT_EXPECT_FALSE(test, f.has_addr);

	nla_put_u8(skb, TCPSTATE_A_FLOW_FILTER_STATE, TCPSTATE_SYN_RCVD);
	nla_put_u8(skb, TCPSTATE_A_FLOW_FILTER_ROLE, TCPSTATE_SERVER);
	nla_put_u8(skb, TCPSTATE_A_FLOW_FILTER_FAMILY, AF_INET6);
	nla_put(skb, TCPSTATE_A_FLOW_FILTER_ADDR, sizeof(v6), v6);
	nla_put_u16(skb, TCPSTATE_A_FLOW_FILTER_PORT, 443);
	KUNIT_ASSERT_EQ(test, parse_request(skb, &f), 0);
	KUNIT_EXPECT_EQ(test, f.state, TCPSTATE_SYN_RCVD);
	KUNIT_EXPECT_EQ(test, f.role, TCPSTATE_SERVER);
	KUNIT_EXPECT_EQ(test, f.family, AF_INET6);
	KUNIT_EXPECT_TRUE(test, f.has_addr);
	KUNIT_EXPECT_EQ(test, f.addr.s6_addr[0], 0xfd);
	KUNIT_EXPECT_EQ(test, f.addr.s6_addr[15], 1);
	KUNIT_EXPECT_EQ(test, f.port, htons(443));

	/* Out of range, of the wrong size, reply-only or unknown: refused. */
	skb_trim(skb, 0);
	nla_put_u8(skb, TCPSTATE_A_FLOW_FILTER_STATE, TCPSTATE_NSTATES);
	KUNIT_EXPECT_EQ(test, parse_request(skb, &f), -ERANGE);
	skb_trim(skb, 0);
	nla_put_u32(skb, TCPSTATE_A_FLOW_FILTER_STATE, TCPSTATE_CLOSED);
	KUNIT_EXPECT_EQ(test, parse_request(skb, &f), -EINVAL);
	skb_trim(skb, 0);
	nla_put_u8(skb, TCPSTATE_A_FLOW_FILTER_ROLE, TCPSTATE_NROLES);
	KUNIT_EXPECT_EQ(test, parse_request(skb, &f), -ERANGE);
	skb_trim(skb, 0);
	nla_put_u16(skb, TCPSTATE_A_FLOW_FILTER_PORT, 0);
	KUNIT_EXPECT_EQ(test, parse_request(skb, &f), -ERANGE);
	skb_trim(skb, 0);
	nla_put_string(skb, TCPSTATE_A_FLOW_HISTORY, "S");
	KUNIT_EXPECT_EQ(test, parse_request(skb, &f), -EINVAL);
	skb_trim(skb, 0);
	nla_put_u8(skb, TCPSTATE_A_FLOW_MAX + 1, 0);
	KUNIT_EXPECT_EQ(test, parse_request(skb, &f), -EINVAL);
	skb_trim(skb, 0);
	nla_put(skb, TCPSTATE_A_FLOW_FILTER_ADDR, sizeof(big), big);
	KUNIT_EXPECT_EQ(test, parse_request(skb, &f), -ERANGE);

	/* What only the code checks: the family, and the address's size. */
	skb_trim(skb, 0);
	nla_put_u8(skb, TCPSTATE_A_FLOW_FILTER_FAMILY, AF_INET + 1);
	KUNIT_EXPECT_EQ(test, parse_request(skb, &f), -EINVAL);
	skb_trim(skb, 0);
	nla_put(skb, TCPSTATE_A_FLOW_FILTER_ADDR, 4, five);
	KUNIT_EXPECT_EQ(test, parse_request(skb, &f), -EINVAL);
	nla_put_u8(skb, TCPSTATE_A_FLOW_FILTER_FAMILY, AF_INET);
	KUNIT_EXPECT_EQ(test, parse_request(skb, &f), 0);
	skb_trim(skb, 0);
	nla_put_u8(skb, TCPSTATE_A_FLOW_FILTER_FAMILY, AF_INET);
	nla_put(skb, TCPSTATE_A_FLOW_FILTER_ADDR, sizeof(five), five);
	KUNIT_EXPECT_EQ(test, parse_request(skb, &f), -EINVAL);
	skb_trim(skb, 0);
	nla_put_u8(skb, TCPSTATE_A_FLOW_FILTER_FAMILY, AF_INET6);
	nla_put(skb, TCPSTATE_A_FLOW_FILTER_ADDR, 4, five);
	KUNIT_EXPECT_EQ(test, parse_request(skb, &f), -EINVAL);
	kfree_skb(skb);
}

/* The attribute @type inside @nest, which must be there. */
static struct nlattr *find(struct kunit *test, const struct nlattr *nest,
			   int type)
{
	struct nlattr *attr = nla_find_nested(nest, type);

	KUNIT_ASSERT_NOT_NULL_MSG(test, attr, "attribute %d missing", type);
	return attr;
}

static struct nlattr *top(struct kunit *test, struct sk_buff *skb, int type)
{
	struct nlattr *attr = nla_find((struct nlattr *)skb->data, skb->len,
				       type);

	KUNIT_ASSERT_NOT_NULL_MSG(test, attr, "attribute %d missing", type);
	return attr;
}

/* An unsigned attribute of any width. */
static u64 attr_uint(struct kunit *test, const struct nlattr *attr)
{
	switch (nla_len(attr)) {
	case 1:
		return nla_get_u8(attr);
	case 2:
		return nla_get_u16(attr);
	case 4:
		return nla_get_u32(attr);
	case 8:
		return nla_get_u64(attr);
	}
	KUNIT_FAIL(test, "attribute %d is %d bytes", nla_type(attr),
		   nla_len(attr));
	return 0;
}

static u64 top_uint(struct kunit *test, struct sk_buff *skb, int type)
{
	return attr_uint(test, top(test, skb, type));
}

static u64 nested_uint(struct kunit *test, const struct nlattr *nest,
		       int type)
{
	return attr_uint(test, find(test, nest, type));
}

static const char *top_str(struct kunit *test, struct sk_buff *skb, int type)
{
	return nla_data(top(test, skb, type));
}

struct expect {
	int type;
	u64 value;
};

/* Each top-level attribute of @skb in @want has its value. */
static void expect_uints(struct kunit *test, struct sk_buff *skb,
			 const struct expect *want, int n)
{
	int i;

	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, top_uint(test, skb, want[i].type),
				    want[i].value, "attribute %d", want[i].type);
}

static void netlink_stats(struct kunit *test)
{
	struct tcpstate_nl_stats *st = kunit_kzalloc(test, sizeof(*st),
						     GFP_KERNEL);
	const struct expect want[] = {
		{ TCPSTATE_A_STATS_FLOWS, 7 },
		{ TCPSTATE_A_STATS_MAX_FLOWS, 1000 + TCPSTATE_PARAM_max_flows },
		{ TCPSTATE_A_STATS_MODE, TCPSTATE_MODE_FLOOD },
	};
	struct sk_buff *skb = new_skb(test);
	struct nlattr *nest, *gauge;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, st);
	st->snap.flows = 7;
	for (i = 0; i < TCPSTATE_NSTATES; i++) {
		st->snap.gauge[TCPSTATE_CLIENT][i] = 100 + i;
		st->snap.gauge[TCPSTATE_SERVER][i] = 200 + i;
	}
	for (i = 0; i < TCPSTATE_NCOUNTERS; i++)
		st->snap.counter[i] = (1ull << 40) + i;
	for (i = 0; i < TCPSTATE_NPARAMS; i++)
		st->params[i] = 1000 + i;
	st->mode = TCPSTATE_MODE_FLOOD;
	st->alarms = BIT(TCPSTATE_DET_syn_flood) | BIT(TCPSTATE_DET_close_wait);

	/* The whole reply fits in one default-sized message. */
	KUNIT_ASSERT_EQ(test, tcpstate_nl_put_stats(skb, st), 0);
	KUNIT_EXPECT_LE(test, skb->len, GENLMSG_DEFAULT_SIZE);
	KUNIT_EXPECT_STREQ(test, top_str(test, skb, TCPSTATE_A_STATS_VERSION),
			   TCPSTATE_VERSION);
	expect_uints(test, skb, want, ARRAY_SIZE(want));

	nest = top(test, skb, TCPSTATE_A_STATS_STATES);
	for (i = 0; i < TCPSTATE_NSTATES; i++) {
		gauge = find(test, nest, TCPSTATE_A_KEY(i));
		KUNIT_EXPECT_EQ(test, nested_uint(test, gauge,
						  TCPSTATE_A_GAUGE_CLIENT),
				100 + i);
		KUNIT_EXPECT_EQ(test, nested_uint(test, gauge,
						  TCPSTATE_A_GAUGE_SERVER),
				200 + i);
	}
	nest = top(test, skb, TCPSTATE_A_STATS_COUNTERS);
	for (i = 0; i < TCPSTATE_NCOUNTERS; i++)
		KUNIT_EXPECT_EQ(test, nested_uint(test, nest, TCPSTATE_A_KEY(i)),
				(1ull << 40) + i);
	nest = top(test, skb, TCPSTATE_A_STATS_ALARMS);
	for (i = 0; i < TCPSTATE_NDETECTORS; i++)
		KUNIT_EXPECT_EQ(test, nested_uint(test, nest, TCPSTATE_A_KEY(i)),
				!!(st->alarms & BIT(i)));
	nest = top(test, skb, TCPSTATE_A_STATS_PARAMS);
	for (i = 0; i < TCPSTATE_NPARAMS; i++)
		KUNIT_EXPECT_EQ(test, nested_uint(test, nest, TCPSTATE_A_KEY(i)),
				1000 + i);
	kfree_skb(skb);
}

static void netlink_flow(struct kunit *test)
{
	const struct expect want[] = {
		{ TCPSTATE_A_FLOW_FAMILY, AF_INET },
		{ TCPSTATE_A_FLOW_CLIENT_PORT, 40000 },
		{ TCPSTATE_A_FLOW_SERVER_PORT, 80 },
		{ TCPSTATE_A_FLOW_CLIENT_STATE, TCPSTATE_FIN_WAIT_2 },
		{ TCPSTATE_A_FLOW_SERVER_STATE, TCPSTATE_CLOSE_WAIT },
		{ TCPSTATE_A_FLOW_AGE_MS, 5000 },
		{ TCPSTATE_A_FLOW_IDLE_MS, 20 },
	};
	struct tcpstate_flow_view flow = v4_flow();
	struct sk_buff *skb = new_skb(test);
	struct nlattr *addr;

	KUNIT_ASSERT_EQ(test, tcpstate_nl_put_flow(skb, &flow), 0);
	expect_uints(test, skb, want, ARRAY_SIZE(want));
	addr = top(test, skb, TCPSTATE_A_FLOW_CLIENT_ADDR);
	KUNIT_EXPECT_EQ(test, nla_len(addr), 4);
	KUNIT_EXPECT_EQ(test, nla_get_in_addr(addr), htonl(0x0a000001));
	addr = top(test, skb, TCPSTATE_A_FLOW_SERVER_ADDR);
	KUNIT_EXPECT_EQ(test, nla_get_in_addr(addr), htonl(0x0a000002));
	KUNIT_EXPECT_STREQ(test, top_str(test, skb, TCPSTATE_A_FLOW_HISTORY),
			   "ShADaf");

	/* IPv6 addresses are 16 bytes; an empty history reads "-". */
	skb_trim(skb, 0);
	flow.key.family = AF_INET6;
	flow.key.addr[1].s6_addr[0] = 0xfd;
	flow.history[0] = '\0';
	KUNIT_ASSERT_EQ(test, tcpstate_nl_put_flow(skb, &flow), 0);
	addr = top(test, skb, TCPSTATE_A_FLOW_CLIENT_ADDR);
	KUNIT_EXPECT_EQ(test, nla_len(addr), 16);
	KUNIT_EXPECT_EQ(test, ((u8 *)nla_data(addr))[0], 0xfd);
	KUNIT_EXPECT_STREQ(test, top_str(test, skb, TCPSTATE_A_FLOW_HISTORY),
			   "-");
	kfree_skb(skb);
}

static void netlink_alarm(struct kunit *test)
{
	struct tcpstate_lkey where = { .family = AF_INET, .port = htons(80) };
	struct tcpstate_alarm alarm = {
		.seq = 41, .detector = TCPSTATE_DET_syn_flood, .on = true,
		.half_open = 300, .syn_per_s = 2000, .value = 250,
	};
	const struct expect want[] = {
		{ TCPSTATE_A_ALARM_SEQ, 41 },
		{ TCPSTATE_A_ALARM_DETECTOR, TCPSTATE_DET_syn_flood },
		{ TCPSTATE_A_ALARM_ON, 1 },
		{ TCPSTATE_A_ALARM_HALF_OPEN, 300 },
		{ TCPSTATE_A_ALARM_SYN_PER_S, 2000 },
		{ TCPSTATE_A_ALARM_VALUE, 250 },
	};
	struct sk_buff *skb = new_skb(test);

	/* Namespace-wide: no listener attributes. */
	KUNIT_ASSERT_EQ(test, tcpstate_nl_put_alarm(skb, &alarm), 0);
	expect_uints(test, skb, want, ARRAY_SIZE(want));
	KUNIT_EXPECT_NULL(test, nla_find((struct nlattr *)skb->data, skb->len,
					 TCPSTATE_A_ALARM_ADDR));

	skb_trim(skb, 0);
	where.addr.s6_addr32[0] = htonl(0x0a000002);
	alarm.listener = &where;
	KUNIT_ASSERT_EQ(test, tcpstate_nl_put_alarm(skb, &alarm), 0);
	expect_uints(test, skb, want, ARRAY_SIZE(want));
	KUNIT_EXPECT_EQ(test, top_uint(test, skb, TCPSTATE_A_ALARM_FAMILY),
			AF_INET);
	KUNIT_EXPECT_EQ(test, top_uint(test, skb, TCPSTATE_A_ALARM_PORT), 80);
	KUNIT_EXPECT_EQ(test, nla_get_in_addr(top(test, skb,
						  TCPSTATE_A_ALARM_ADDR)),
			htonl(0x0a000002));
	kfree_skb(skb);
}

/* ------------------------------------------------------- flow dumps */

#define DUMP_FLOWS	60
#define FIRST_PORT	40000

struct dump_result {
	int seen[DUMP_FLOWS];	/* times each client port was dumped */
	int calls;
	bool interrupted;
};

/* One dumpit call into an skb that holds only a few flows. */
static int dump_once(struct kunit *test, struct netlink_callback *cb,
		     struct dump_result *r)
{
	struct sk_buff *skb = alloc_skb(400, GFP_KERNEL);
	struct nlmsghdr *nlh;
	struct nlattr *port;
	int ret, rem, p;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, skb_tailroom(skb) - 400);
	ret = tcpstate_nl_dumpit(skb, cb);
	r->calls++;
	nlmsg_for_each_msg(nlh, (struct nlmsghdr *)skb->data, skb->len, rem) {
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			r->interrupted = true;
		port = nlmsg_find_attr(nlh, GENL_HDRLEN,
				       TCPSTATE_A_FLOW_CLIENT_PORT);
		KUNIT_ASSERT_NOT_NULL(test, port);
		p = nla_get_u16(port) - FIRST_PORT;
		if (p >= 0 && p < DUMP_FLOWS)
			r->seen[p]++;
	}
	kfree_skb(skb);
	/* What netlink does for the NLMSG_DONE at the end. */
	if (!ret && cb->prev_seq && cb->seq != cb->prev_seq)
		r->interrupted = true;
	return ret;
}

struct dump_ctx {
	struct netlink_callback cb;
	struct nlmsghdr req;
	struct sk_buff *req_skb;
};

static void dump_begin(struct kunit *test, struct tcpstate_net *tn,
		       struct dump_ctx *d)
{
	struct tcpstate_nl_filter f = any();

	memset(d, 0, sizeof(*d));
	d->req_skb = new_skb(test);
	d->cb.skb = d->req_skb;
	d->cb.nlh = &d->req;
	KUNIT_ASSERT_EQ(test, tcpstate_nl_flows_begin(&d->cb, tn, &f), 0);
}

static void dump_finish(struct dump_ctx *d)
{
	tcpstate_nl_done(&d->cb);
	kfree_skb(d->req_skb);
}

/* Without changes, a dump over many calls shows each flow exactly once. */
static void netlink_dump_exact(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 1000);
	struct dump_result *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct dump_ctx d;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; i < DUMP_FLOWS; i++)
		tcpstate_test_handshake(tn, FIRST_PORT + i);
	dump_begin(test, tn, &d);
	while (dump_once(test, &d.cb, r) > 0)
		KUNIT_ASSERT_LT(test, r->calls, 10 * DUMP_FLOWS);
	dump_finish(&d);
	KUNIT_EXPECT_GT(test, r->calls, 5);
	KUNIT_EXPECT_FALSE(test, r->interrupted);
	for (i = 0; i < DUMP_FLOWS; i++)
		KUNIT_EXPECT_EQ_MSG(test, r->seen[i], 1, "flow %d", i);
	tcpstate_test_teardown(tn);
}

/* The flow a dump stopped at disappears: the dump is marked, not wrong. */
static void netlink_dump_lost_place(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 1000);
	struct dump_result *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct dump_ctx d;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; i < DUMP_FLOWS; i++)
		tcpstate_test_handshake(tn, FIRST_PORT + i);
	dump_begin(test, tn, &d);
	KUNIT_ASSERT_GT(test, dump_once(test, &d.cb, r), 0);
	KUNIT_EXPECT_FALSE(test, r->interrupted);
	/* Every flow idles out, the one it stopped at too. */
	tcpstate_table_collect(tn, jiffies + msecs_to_jiffies(600000));
	while (dump_once(test, &d.cb, r) > 0)
		KUNIT_ASSERT_LT(test, r->calls, 10 * DUMP_FLOWS);
	dump_finish(&d);
	KUNIT_EXPECT_TRUE(test, r->interrupted);
	tcpstate_test_teardown(tn);
}

/* Resizes between two calls mark the dump; the next dump is exact. */
static void netlink_dump_resize(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 100000);
	struct dump_result *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct dump_ctx d;
	unsigned int buckets;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; i < DUMP_FLOWS; i++)
		tcpstate_test_handshake(tn, FIRST_PORT + i);
	dump_begin(test, tn, &d);
	KUNIT_ASSERT_GT(test, dump_once(test, &d.cb, r), 0);
	/* Other flows (other client addresses) make the table grow. */
	buckets = tcpstate_hash_buckets(&tn->table.flows);
	for (i = 0; i < 2 * buckets + 1; i++)
		tcpstate_test_handshake(tn, (1 + i) << 16 | 1000);
	flush_work(&tn->table.grow);
	KUNIT_ASSERT_GT(test, tcpstate_hash_buckets(&tn->table.flows), buckets);
	while (dump_once(test, &d.cb, r) > 0)
		KUNIT_ASSERT_LT(test, r->calls, 10 * 20000);
	dump_finish(&d);
	KUNIT_EXPECT_TRUE(test, r->interrupted);

	memset(r, 0, sizeof(*r));
	dump_begin(test, tn, &d);
	while (dump_once(test, &d.cb, r) > 0)
		KUNIT_ASSERT_LT(test, r->calls, 10 * 20000);
	dump_finish(&d);
	KUNIT_EXPECT_FALSE(test, r->interrupted);
	for (i = 0; i < DUMP_FLOWS; i++)
		KUNIT_EXPECT_EQ_MSG(test, r->seen[i], 1, "flow %d", i);
	tcpstate_test_teardown(tn);
}

static struct kunit_case netlink_cases[] = {
	KUNIT_CASE(netlink_match),
	KUNIT_CASE(netlink_request),
	KUNIT_CASE(netlink_stats),
	KUNIT_CASE(netlink_flow),
	KUNIT_CASE(netlink_alarm),
	KUNIT_CASE(netlink_dump_exact),
	KUNIT_CASE(netlink_dump_lost_place),
	KUNIT_CASE(netlink_dump_resize),
	{}
};

static struct kunit_suite netlink_suite = {
	.name = "tcpstate_netlink",
	.test_cases = netlink_cases,
};

kunit_test_suite(netlink_suite);
