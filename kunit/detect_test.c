// SPDX-License-Identifier: GPL-2.0
/* KUnit: listener aggregates, detectors, flood mode and sysctl checks. */

#include <kunit/test.h>
#include <linux/jiffies.h>
#include "sysctl.h"
#include "tcpstate.h"
#include "tcpstate_test.h"

static bool raised(struct tcpstate_net *tn, int det)
{
	return tcpstate_detect_raised(tn, det);
}

/* The SYN that brings half-open to syn_flood_enter raises the alarm. */
static void detect_syn_flood_half_open(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 1000);
	struct tcpstate_snapshot *s;
	int i;

	tn->params.syn_flood_enter = 5;
	tn->params.syn_flood_exit = 2;
	for (i = 0; i < 4; i++)
		tcpstate_test_feed(tn, 40000 + i, false, T_SYN, 1000, 0);
	KUNIT_EXPECT_FALSE(test, raised(tn, TCPSTATE_DET_syn_flood));
	tcpstate_test_feed(tn, 40004, false, T_SYN, 1000, 0);
	KUNIT_EXPECT_TRUE(test, raised(tn, TCPSTATE_DET_syn_flood));
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, CTR(s, alarms), 1ull);
	/* Hysteresis: three half-open (above exit) keep it on. */
	tcpstate_test_feed(tn, 40000, true, T_RST | T_ACK, 0, 1001);
	tcpstate_test_feed(tn, 40001, true, T_RST | T_ACK, 0, 1001);
	tcpstate_detect_tick(tn, jiffies + 3 * HZ);
	KUNIT_EXPECT_TRUE(test, raised(tn, TCPSTATE_DET_syn_flood));
	/* Below exit, once the deferred SYNs have aged out, it clears. */
	tcpstate_test_feed(tn, 40002, true, T_RST | T_ACK, 0, 1001);
	tcpstate_test_feed(tn, 40003, true, T_RST | T_ACK, 0, 1001);
	tcpstate_detect_tick(tn, jiffies + 3 * HZ);
	KUNIT_EXPECT_FALSE(test, raised(tn, TCPSTATE_DET_syn_flood));
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, CTR(s, alarms), 2ull);
	tcpstate_test_teardown(tn);
}

/* Uncompleted SYNs a second raise it too, and clear once they stop. */
static void detect_syn_rate(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 1000);
	unsigned long now = jiffies;
	int i;

	tn->params.syn_rate_enter = 10;
	tn->params.syn_rate_exit = 3;
	tn->params.syn_flood_enter = 100;
	tn->params.syn_flood_exit = 50;
	for (i = 0; i < 9; i++)
		tcpstate_test_feed(tn, 40000, false, T_SYN, 1000, 0);
	KUNIT_EXPECT_FALSE(test, raised(tn, TCPSTATE_DET_syn_flood));
	tcpstate_test_feed(tn, 40000, false, T_SYN, 1000, 0);
	KUNIT_EXPECT_TRUE(test, raised(tn, TCPSTATE_DET_syn_flood));
	/* The last full second still shows them. */
	tcpstate_detect_tick(tn, now + HZ + HZ / 2);
	KUNIT_EXPECT_TRUE(test, raised(tn, TCPSTATE_DET_syn_flood));
	tcpstate_detect_tick(tn, now + 3 * HZ);
	KUNIT_EXPECT_FALSE(test, raised(tn, TCPSTATE_DET_syn_flood));
	tcpstate_test_teardown(tn);
}

static void detect_close_wait(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 1000);
	int i;

	tn->params.close_wait_enter = 2;
	tn->params.close_wait_exit = 1;
	for (i = 0; i < 2; i++) {
		tcpstate_test_handshake(tn, 40000 + i);
		tcpstate_test_feed(tn, 40000 + i, false, T_FIN, 1001, 5001);
	}
	KUNIT_EXPECT_TRUE(test, raised(tn, TCPSTATE_DET_close_wait));
	/* One application closes: one left, not below exit. */
	tcpstate_test_feed(tn, 40000, true, T_FIN, 5001, 1002);
	KUNIT_EXPECT_TRUE(test, raised(tn, TCPSTATE_DET_close_wait));
	tcpstate_test_feed(tn, 40001, true, T_FIN, 5001, 1002);
	KUNIT_EXPECT_FALSE(test, raised(tn, TCPSTATE_DET_close_wait));
	tcpstate_test_teardown(tn);
}

static void detect_timewait_and_syn_sent(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 1000);
	unsigned long now = jiffies;
	int i;

	tn->params.timewait_enter = 2;
	tn->params.timewait_exit = 1;
	tn->params.syn_sent_enter = 3;
	tn->params.syn_sent_exit = 1;
	for (i = 0; i < 2; i++) {
		tcpstate_test_handshake(tn, 40000 + i);
		tcpstate_test_feed(tn, 40000 + i, false, T_FIN, 1001, 5001);
		tcpstate_test_feed(tn, 40000 + i, true, T_FIN, 5001, 1002);
		tcpstate_test_feed(tn, 40000 + i, false, T_ACK, 1002, 5002);
	}
	/* SYNs that arrive from elsewhere are not this host's attempts. */
	for (i = 0; i < 3; i++)
		tcpstate_test_feed(tn, 50000 + i, false, T_SYN, 1000, 0);
	tcpstate_detect_tick(tn, now);
	KUNIT_EXPECT_FALSE(test, raised(tn, TCPSTATE_DET_syn_sent));
	tcpstate_test_clients_local = true;
	for (i = 0; i < 3; i++)
		tcpstate_test_feed(tn, 50010 + i, false, T_SYN, 1000, 0);
	tcpstate_test_clients_local = false;
	tcpstate_detect_tick(tn, now);
	KUNIT_EXPECT_TRUE(test, raised(tn, TCPSTATE_DET_timewait));
	KUNIT_EXPECT_TRUE(test, raised(tn, TCPSTATE_DET_syn_sent));
	/* 2MSL later TIME_WAIT is over; SYN_SENT timed out (handshake). */
	tcpstate_table_collect(tn, now + msecs_to_jiffies(120001));
	tcpstate_detect_tick(tn, now + msecs_to_jiffies(120001));
	KUNIT_EXPECT_FALSE(test, raised(tn, TCPSTATE_DET_timewait));
	KUNIT_EXPECT_FALSE(test, raised(tn, TCPSTATE_DET_syn_sent));
	tcpstate_test_teardown(tn);
}

/*
 * One million spoofed SYNs: the table stays within max_flows, flood mode
 * allocates nothing, and a real client's handshake in the middle of it is
 * tracked from its ACK.
 */
static void detect_flood_bounded(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 1000);
	struct tcpstate_snapshot *s;
	u32 id, legit = 7 << 16 | 4242;

	for (id = 0; id < 1000000; id++) {
		tcpstate_test_feed(tn, (id + 1) << 4 | 1, false, T_SYN, id, 0);
		if (id == 500000) {
			/* The tick gives flood mode its fingerprint table. */
			tcpstate_detect_tick(tn, jiffies);
			tcpstate_test_feed(tn, legit, false, T_SYN, 1000, 0);
			tcpstate_test_feed(tn, legit, true, T_SYNACK, 5000,
					   1001);
			tcpstate_test_feed(tn, legit, false, T_ACK, 1001, 5001);
		}
	}
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_LE(test, atomic_read(&tn->table.entries), 1000);
	KUNIT_EXPECT_TRUE(test, raised(tn, TCPSTATE_DET_syn_flood));
	/* Flood mode began at syn_flood_enter half-open flows. */
	KUNIT_EXPECT_EQ(test, s->flows, (u32)tn->params.syn_flood_enter + 1);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_SERVER][TCPSTATE_ESTABLISHED],
			1u);
	KUNIT_EXPECT_EQ(test, CTR(s, handshakes), 1ull);
	KUNIT_EXPECT_EQ(test, CTR(s, syn), 0ull);	/* hooks count those */
	KUNIT_EXPECT_EQ(test, CTR(s, untracked), 0ull);
	tcpstate_test_teardown(tn);
}

/* Store sysctl @index (net.tcpstate's table order) from a list. */
#define STORE(tn, index, ...) \
	tcpstate_param_store(tn, index, (const int[]){ __VA_ARGS__ })

/*
 * In flood mode an ACK completes a handshake only if it acknowledges a
 * SYN-ACK that was seen: spoofed SYN + ACK pairs make no flow, count no
 * handshake and leave the alarm on.
 */
static void detect_flood_spoofed_acks(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 1000);
	struct tcpstate_snapshot *s;
	u32 id;

	tn->params.syn_flood_enter = 10;
	tn->params.syn_flood_exit = 5;
	for (id = 1; id <= 10; id++)
		tcpstate_test_feed(tn, id << 4 | 1, false, T_SYN, id, 0);
	KUNIT_ASSERT_TRUE(test, raised(tn, TCPSTATE_DET_syn_flood));
	tcpstate_detect_tick(tn, jiffies);
	KUNIT_ASSERT_NOT_NULL(test, rcu_access_pointer(tn->detect.seen_synacks));
	/* Spoofed pairs: the server answers, the ACKs guess its ISN. */
	for (id = 100; id < 2100; id++) {
		tcpstate_test_feed(tn, id << 4 | 1, false, T_SYN, id, 0);
		tcpstate_test_feed(tn, id << 4 | 1, true, T_SYNACK, 7 * id,
				   id + 1);
		tcpstate_test_feed(tn, id << 4 | 1, false, T_ACK, id + 1,
				   5001);
	}
	/* A real client acknowledges the SYN-ACK it got. */
	tcpstate_test_handshake(tn, 9 << 16 | 4242);
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->flows, 11u);
	KUNIT_EXPECT_EQ(test, CTR(s, handshakes), 1ull);
	KUNIT_EXPECT_EQ(test, CTR(s, untracked), 2000ull);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_SERVER][TCPSTATE_ESTABLISHED], 1u);
	KUNIT_EXPECT_TRUE(test, raised(tn, TCPSTATE_DET_syn_flood));
	/* An ACK on a tuple whose SYN-ACK was never seen makes nothing. */
	tcpstate_test_feed(tn, 9 << 16 | 4243, false, T_ACK, 1001, 5001);
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->flows, 11u);
	tcpstate_test_teardown(tn);
}

/*
 * One unanswered SYN to each of many firewalled ports takes every
 * aggregate; a real flood on port 80 right after still gets one (a
 * recycled aggregate) and raises syn_flood at once.
 */
static void detect_listeners_recycled(struct kunit *test)
{
	static const struct tcpstate_key port80 = {
		.family = AF_INET,
		.addr = { [0].s6_addr32[0] = htonl(0x0a000002) },
		.port = { htons(80), htons(1) },
	};
	struct tcpstate_net *tn = tcpstate_test_setup(test, 10000);
	bool flooding;
	u32 id;
	int port;

	tn->params.max_listeners = 8;
	tn->params.syn_flood_enter = 20;
	tn->params.syn_flood_exit = 10;
	for (port = 1000; port < 1100; port++)
		tcpstate_test_feed_port(tn, 40000, port, false, T_SYN, 1, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->detect.nr_listeners), 8);
	/* A listener that answers is not recycled for another. */
	tcpstate_test_feed_port(tn, 40000, 1099, true, T_SYNACK, 9, 2);
	for (id = 1; id <= 20; id++)
		tcpstate_test_feed(tn, id << 4 | 1, false, T_SYN, id, 0);
	KUNIT_EXPECT_TRUE(test, raised(tn, TCPSTATE_DET_syn_flood));
	rcu_read_lock();	/* as on the packet path */
	flooding = tcpstate_detect_flooding(tn, &port80, 0);
	rcu_read_unlock();
	KUNIT_EXPECT_TRUE(test, flooding);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->detect.nr_listeners), 8);
	tcpstate_test_teardown(tn);
}

/*
 * A listener recycled between the lookup of a segment and its update:
 * the update goes to the endpoint's aggregate of now, never to the dead.
 */
static void detect_recycled_under_update(struct kunit *test)
{
	static const struct tcpstate_key key = {
		.family = AF_INET,
		.addr = { [0].s6_addr32[0] = htonl(0x0a000002) },
		.port = { htons(81), htons(40000) },
	};
	struct tcpstate_net *tn = tcpstate_test_setup(test, 100);
	struct tcpstate_lnote note = { .key = &key };
	struct tcpstate_listener *dead;

	local_bh_disable();
	rcu_read_lock();
	KUNIT_EXPECT_FALSE(test, tcpstate_detect_syn(tn, &note, 0, false,
						     jiffies));
	dead = note.l;
	KUNIT_ASSERT_NOT_NULL(test, dead);
	KUNIT_ASSERT_PTR_NE(test, dead, &tn->detect.catchall);
	tcpstate_detect_recycle(tn, dead);
	tcpstate_detect_flush(tn, &note, jiffies);
	KUNIT_EXPECT_EQ(test, dead->cur.syn, 0u);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->detect.nr_listeners), 1);
	KUNIT_EXPECT_TRUE(test, tn->detect.catchall.cur.syn == 0);
	rcu_read_unlock();
	local_bh_enable();
	tcpstate_test_teardown(tn);
}

/* With no aggregate to be had at all, the catch-all raises the alarm. */
static void detect_catchall(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 10000);
	u32 id;
	int port;

	tn->params.max_listeners = 4;
	tn->params.syn_flood_enter = 20;
	tn->params.syn_flood_exit = 10;
	/* Four listeners that answer: none may be recycled. */
	for (port = 1000; port < 1004; port++) {
		tcpstate_test_feed_port(tn, 40000, port, false, T_SYN, 1, 0);
		tcpstate_test_feed_port(tn, 40000, port, true, T_SYNACK, 9, 2);
	}
	for (id = 1; id <= 20; id++)
		tcpstate_test_feed(tn, id << 4 | 1, false, T_SYN, id, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->detect.nr_listeners), 4);
	KUNIT_EXPECT_TRUE(test, raised(tn, TCPSTATE_DET_syn_flood));
	KUNIT_EXPECT_TRUE(test, tn->detect.catchall.alarms &
			  BIT(TCPSTATE_DET_syn_flood));
	tcpstate_test_teardown(tn);
}

static void sysctl_validation(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 1000);
	const struct tcpstate_params before = tn->params;

	/* 0 max_flows, 2 syn_flood (ENTER EXIT), 8 timeout_handshake_ms */
	KUNIT_EXPECT_EQ(test, STORE(tn, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, STORE(tn, 0, -5), -EINVAL);
	KUNIT_EXPECT_EQ(test, STORE(tn, 0, INT_MAX), -EINVAL);
	KUNIT_EXPECT_EQ(test, STORE(tn, 2, 256, 256), -EINVAL);
	KUNIT_EXPECT_EQ(test, STORE(tn, 2, 64, 256), -EINVAL);
	KUNIT_EXPECT_EQ(test, STORE(tn, 2, 0, -1), -EINVAL);
	KUNIT_EXPECT_EQ(test, STORE(tn, 11, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, STORE(tn, 99, 1), -EINVAL);
	/* Timeouts stay far below the wrap of 32-bit jiffies differences. */
	KUNIT_EXPECT_EQ(test, STORE(tn, 8, INT_MAX), -EINVAL);
	KUNIT_EXPECT_EQ(test, STORE(tn, 8, 864000001), -EINVAL);
	KUNIT_EXPECT_EQ(test, memcmp(&before, &tn->params, sizeof(before)), 0);
	/* A pair is written at once, so any order of pairs can apply. */
	KUNIT_EXPECT_EQ(test, STORE(tn, 2, 100000, 99999), 0);
	KUNIT_EXPECT_EQ(test, tn->params.syn_flood_enter, 100000);
	KUNIT_EXPECT_EQ(test, tn->params.syn_flood_exit, 99999);
	KUNIT_EXPECT_EQ(test, STORE(tn, 2, 8, 4), 0);
	KUNIT_EXPECT_EQ(test, tn->params.syn_flood_enter, 8);
	KUNIT_EXPECT_EQ(test, tn->params.syn_flood_exit, 4);
	KUNIT_EXPECT_EQ(test, STORE(tn, 8, 864000000), 0);
	KUNIT_EXPECT_EQ(test, STORE(tn, 0, 10), 0);
	KUNIT_EXPECT_EQ(test, tn->params.max_flows, 10);
	tcpstate_test_teardown(tn);
}

static struct kunit_case detect_cases[] = {
	KUNIT_CASE(detect_syn_flood_half_open),
	KUNIT_CASE(detect_syn_rate),
	KUNIT_CASE(detect_close_wait),
	KUNIT_CASE(detect_timewait_and_syn_sent),
	KUNIT_CASE(detect_flood_bounded),
	KUNIT_CASE(detect_flood_spoofed_acks),
	KUNIT_CASE(detect_listeners_recycled),
	KUNIT_CASE(detect_catchall),
	KUNIT_CASE(detect_recycled_under_update),
	KUNIT_CASE(sysctl_validation),
	{}
};

static struct kunit_suite detect_suite = {
	.name = "tcpstate_detect",
	.test_cases = detect_cases,
};

kunit_test_suite(detect_suite);
