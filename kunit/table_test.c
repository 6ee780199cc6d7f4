// SPDX-License-Identifier: GPL-2.0
/* KUnit: the flow table: insert, lookup, cap, tombstones, timeouts. */

#include <kunit/test.h>
#include <linux/jiffies.h>
#include "tcpstate.h"

static struct tcpstate_net *table_setup(struct kunit *test, int max_flows)
{
	struct tcpstate_net *tn = kunit_kzalloc(test, sizeof(*tn), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, tn);
	tn->params.max_flows = max_flows;
	tn->params.timewait_ms = 60000;
	tn->params.timeout_handshake_ms = 120000;
	tn->params.timeout_established_ms = 300000;
	tn->params.timeout_closing_ms = 120000;
	KUNIT_ASSERT_EQ(test, tcpstate_stats_init(tn), 0);
	KUNIT_ASSERT_EQ(test, tcpstate_table_init(tn), 0);
	return tn;
}

static void table_teardown(struct tcpstate_net *tn)
{
	tcpstate_table_exit(tn);
	tcpstate_stats_exit(tn);
}

/* A segment of 10.0.0.1:<cport> -> 10.0.0.2:80, or back when @reply. */
static void feed(struct tcpstate_net *tn, u16 cport, bool reply, u8 flags,
		 u32 seq, u32 ack)
{
	struct tcpstate_pkt pkt = {
		.key = { .family = AF_INET },
		.seg = { .seq = seq, .ack = ack, .win = 1000, .flags = flags },
		.gso_segs = 1,
	};

	pkt.key.addr[0].s6_addr32[0] = htonl(0x0a000001);
	pkt.key.addr[1].s6_addr32[0] = htonl(0x0a000002);
	pkt.key.port[0] = htons(cport);
	pkt.key.port[1] = htons(80);
	if (cport == 80 && !reply)
		pkt.key.addr[1] = pkt.key.addr[0];	/* self-connected */
	pkt.seg.dir = reply;
	rcu_read_lock();
	tcpstate_table_segment(tn, &pkt);
	rcu_read_unlock();
}

static void handshake(struct tcpstate_net *tn, u16 cport)
{
	feed(tn, cport, false, TCPSTATE_F_SYN, 1000, 0);
	feed(tn, cport, true, TCPSTATE_F_SYN | TCPSTATE_F_ACK, 5000, 1001);
	feed(tn, cport, false, TCPSTATE_F_ACK, 1001, 5001);
}

static struct tcpstate_snapshot *snap(struct kunit *test,
				      struct tcpstate_net *tn)
{
	struct tcpstate_snapshot *s = kunit_kzalloc(test, sizeof(*s),
						    GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	tcpstate_stats_snapshot(tn, s);
	return s;
}

#define CTR(s, name) ((s)->counter[TCPSTATE_CTR_##name])

static void table_insert_lookup(struct kunit *test)
{
	struct tcpstate_net *tn = table_setup(test, 100);
	struct tcpstate_snapshot *s;

	handshake(tn, 40000);
	s = snap(test, tn);
	KUNIT_EXPECT_EQ(test, CTR(s, flows_created), 1ull);
	KUNIT_EXPECT_EQ(test, s->flows, 1u);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries), 1);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_CLIENT][TCPSTATE_ESTABLISHED], 1u);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_SERVER][TCPSTATE_ESTABLISHED], 1u);
	KUNIT_EXPECT_EQ(test, CTR(s, handshakes), 1ull);
	table_teardown(tn);
}

static void table_cap(struct kunit *test)
{
	struct tcpstate_net *tn = table_setup(test, 3);
	struct tcpstate_snapshot *s;
	int i;

	for (i = 0; i < 5; i++)
		feed(tn, 40000 + i, false, TCPSTATE_F_SYN, 1000, 0);
	s = snap(test, tn);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries), 3);
	KUNIT_EXPECT_EQ(test, s->flows, 3u);
	KUNIT_EXPECT_EQ(test, CTR(s, untracked), 2ull);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_CLIENT][TCPSTATE_SYN_SENT], 3u);
	table_teardown(tn);
}

static void table_rst_untracked(struct kunit *test)
{
	struct tcpstate_net *tn = table_setup(test, 100);
	struct tcpstate_snapshot *s;

	feed(tn, 40000, false, TCPSTATE_F_RST, 1000, 0);
	feed(tn, 40001, false, TCPSTATE_F_FIN, 1000, 0);
	feed(tn, 80, false, TCPSTATE_F_SYN, 1000, 0);	/* self-connected */
	s = snap(test, tn);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries), 0);
	KUNIT_EXPECT_EQ(test, CTR(s, invalid), 1ull);
	KUNIT_EXPECT_EQ(test, CTR(s, untracked), 1ull);
	table_teardown(tn);
}

static void table_tombstone(struct kunit *test)
{
	struct tcpstate_net *tn = table_setup(test, 100);
	struct tcpstate_snapshot *s;

	handshake(tn, 40000);
	feed(tn, 40000, true, TCPSTATE_F_RST, 5001, 0);
	feed(tn, 40000, false, TCPSTATE_F_ACK, 1001, 5001);	/* straggler */
	s = snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->flows, 0u);
	KUNIT_EXPECT_EQ(test, CTR(s, picked_up), 0ull);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries), 1);
	tcpstate_table_collect(tn, jiffies + msecs_to_jiffies(1000));
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries), 1);
	tcpstate_table_collect(tn, jiffies +
			       msecs_to_jiffies(TCPSTATE_TOMBSTONE_MS + 10));
	s = snap(test, tn);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries), 0);
	KUNIT_EXPECT_EQ(test, CTR(s, flows_freed), 1ull);
	KUNIT_EXPECT_EQ(test, CTR(s, timeouts), 0ull);
	table_teardown(tn);
}

static void table_idle_timeout(struct kunit *test)
{
	struct tcpstate_net *tn = table_setup(test, 100);
	struct tcpstate_snapshot *s;

	handshake(tn, 40000);
	feed(tn, 40001, false, TCPSTATE_F_SYN, 1000, 0);
	/* Past the handshake timeout only the half-open flow goes. */
	tcpstate_table_collect(tn, jiffies + msecs_to_jiffies(120001));
	s = snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->flows, 1u);
	KUNIT_EXPECT_EQ(test, CTR(s, timeouts), 1ull);
	tcpstate_table_collect(tn, jiffies + msecs_to_jiffies(300001));
	s = snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->flows, 0u);
	KUNIT_EXPECT_EQ(test, CTR(s, timeouts), 2ull);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries), 0);
	table_teardown(tn);
}

static void table_time_wait_expiry(struct kunit *test)
{
	struct tcpstate_net *tn = table_setup(test, 100);
	struct tcpstate_snapshot *s;

	handshake(tn, 40000);
	feed(tn, 40000, false, TCPSTATE_F_FIN | TCPSTATE_F_ACK, 1001, 5001);
	feed(tn, 40000, true, TCPSTATE_F_FIN | TCPSTATE_F_ACK, 5001, 1002);
	feed(tn, 40000, false, TCPSTATE_F_ACK, 1002, 5002);
	s = snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_CLIENT][TCPSTATE_TIME_WAIT], 1u);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_SERVER][TCPSTATE_CLOSED], 1u);
	tcpstate_table_collect(tn, jiffies + msecs_to_jiffies(59000));
	s = snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_CLIENT][TCPSTATE_TIME_WAIT], 1u);
	tcpstate_table_collect(tn, jiffies + msecs_to_jiffies(60001));
	s = snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->flows, 0u);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_CLIENT][TCPSTATE_TIME_WAIT], 0u);
	KUNIT_EXPECT_EQ(test, CTR(s, timeouts), 0ull);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries), 1);
	table_teardown(tn);
}

static struct kunit_case table_cases[] = {
	KUNIT_CASE(table_insert_lookup),
	KUNIT_CASE(table_cap),
	KUNIT_CASE(table_rst_untracked),
	KUNIT_CASE(table_tombstone),
	KUNIT_CASE(table_idle_timeout),
	KUNIT_CASE(table_time_wait_expiry),
	{}
};

static struct kunit_suite table_suite = {
	.name = "tcpstate_table",
	.test_cases = table_cases,
};

kunit_test_suite(table_suite);
