// SPDX-License-Identifier: GPL-2.0
/* KUnit: the flow table: insert, lookup, cap, tombstones, timeouts. */

#include <kunit/test.h>
#include <linux/jiffies.h>
#include "sysctl.h"
#include "tcpstate.h"
#include "tcpstate_test.h"

bool tcpstate_test_clients_local;
bool tcpstate_test_server_remote;

/* The server 10.0.0.2 is this host's; the clients when they send here. */
static bool test_addr_local(const struct tcpstate_key *key, int end)
{
	bool server = key->addr[end].s6_addr32[0] == htonl(0x0a000002);

	return server ? !tcpstate_test_server_remote :
			tcpstate_test_clients_local;
}

struct tcpstate_net *tcpstate_test_setup(struct kunit *test, int max_flows)
{
	struct tcpstate_net *tn = kunit_kzalloc(test, sizeof(*tn), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, tn);
	tn->net = &init_net;	/* alarms are multicast in its name */
	tn->params = tcpstate_default_params;
	tn->params.max_flows = max_flows;
	tn->params.timeout_established_ms = 300000;
	tn->params.log_alarms = 0;
	tcpstate_test_clients_local = false;
	tcpstate_test_server_remote = false;
	tcpstate_test_addr_local = test_addr_local;
	KUNIT_ASSERT_EQ(test, tcpstate_stats_init(tn), 0);
	KUNIT_ASSERT_EQ(test, tcpstate_detect_init(tn), 0);
	KUNIT_ASSERT_EQ(test, tcpstate_table_init(tn), 0);
	return tn;
}

void tcpstate_test_teardown(struct tcpstate_net *tn)
{
	tcpstate_test_addr_local = NULL;
	tcpstate_table_exit(tn);
	tcpstate_detect_exit(tn);
	tcpstate_stats_exit(tn);
}

/*
 * A segment between client @id (10.0.0.1 + id / 65536, port id % 65536)
 * and the server 10.0.0.2:80, from the server when @reply. Client id 80
 * stands for a socket connected to itself.
 */
void tcpstate_test_feed(struct tcpstate_net *tn, u32 id, bool reply,
			u8 flags, u32 seq, u32 ack)
{
	tcpstate_test_feed_port(tn, id, 80, reply, flags, seq, ack);
}

/* The same, to server port @sport (not 80) of 10.0.0.2. */
void tcpstate_test_feed_port(struct tcpstate_net *tn, u32 id, u16 sport,
			     bool reply, u8 flags, u32 seq, u32 ack)
{
	struct tcpstate_pkt pkt = {
		.key = { .family = AF_INET },
		.seg = { .seq = seq, .ack = ack, .win = 1000, .flags = flags },
		.gso_segs = 1,
		.local = !reply && tcpstate_test_clients_local,
	};
	__be32 client = htonl(0x0a000001 + (id >> 16));
	__be32 server = htonl(0x0a000002);
	int c;

	if (id == 80)
		server = client;
	/* Canonical order, as the parser sorts: address, then port. */
	c = memcmp(&client, &server, 4) > 0 ||
	    (client == server && (id & 0xffff) > sport);
	pkt.key.addr[c].s6_addr32[0] = client;
	pkt.key.addr[!c].s6_addr32[0] = server;
	pkt.key.port[c] = htons(id & 0xffff);
	pkt.key.port[!c] = htons(sport);
	pkt.seg.dir = reply ? !c : c;
	/* As the hooks call it: under RCU, bottom halves off. */
	local_bh_disable();
	rcu_read_lock();
	tcpstate_table_segment(tn, &pkt);
	rcu_read_unlock();
	local_bh_enable();
}

void tcpstate_test_handshake(struct tcpstate_net *tn, u32 id)
{
	tcpstate_test_feed(tn, id, false, T_SYN, 1000, 0);
	tcpstate_test_feed(tn, id, true, T_SYNACK, 5000, 1001);
	tcpstate_test_feed(tn, id, false, T_ACK, 1001, 5001);
}

struct tcpstate_snapshot *tcpstate_test_snap(struct kunit *test,
					     struct tcpstate_net *tn)
{
	struct tcpstate_snapshot *s = kunit_kzalloc(test, sizeof(*s),
						    GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	tcpstate_stats_snapshot(tn, s);
	return s;
}

static void table_insert_lookup(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 100);
	struct tcpstate_snapshot *s;

	tcpstate_test_handshake(tn, 40000);
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, CTR(s, flows_created), 1ull);
	KUNIT_EXPECT_EQ(test, s->flows, 1u);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries), 1);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_CLIENT][TCPSTATE_ESTABLISHED], 1u);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_SERVER][TCPSTATE_ESTABLISHED], 1u);
	KUNIT_EXPECT_EQ(test, CTR(s, handshakes), 1ull);
	tcpstate_test_teardown(tn);
}

static void table_cap(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 3);
	struct tcpstate_snapshot *s;
	int i;

	for (i = 0; i < 5; i++)
		tcpstate_test_feed(tn, 40000 + i, false, T_SYN, 1000, 0);
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries), 3);
	KUNIT_EXPECT_EQ(test, s->flows, 3u);
	/* Unanswered SYNs make room for newer ones: the oldest go. */
	KUNIT_EXPECT_EQ(test, CTR(s, evicted), 2ull);
	KUNIT_EXPECT_EQ(test, CTR(s, untracked), 0ull);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_CLIENT][TCPSTATE_SYN_SENT], 3u);
	/* Over a lowered cap nothing is evicted: newcomers are untracked. */
	tn->params.max_flows = 2;
	tcpstate_test_feed(tn, 40010, false, T_SYN, 1000, 0);
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, CTR(s, evicted), 2ull);
	KUNIT_EXPECT_EQ(test, CTR(s, untracked), 1ull);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries), 3);
	tcpstate_test_teardown(tn);
}

static void table_rst_untracked(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 100);
	struct tcpstate_snapshot *s;

	tcpstate_test_feed(tn, 40000, false, T_RST, 1000, 0);
	tcpstate_test_feed(tn, 40001, false, TCPSTATE_F_FIN, 1000, 0);
	/* A socket connected to itself. */
	tcpstate_test_feed(tn, 80, false, T_SYN, 1000, 0);
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries), 0);
	KUNIT_EXPECT_EQ(test, CTR(s, invalid), 1ull);
	KUNIT_EXPECT_EQ(test, CTR(s, untracked), 1ull);
	tcpstate_test_teardown(tn);
}

static void table_tombstone(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 100);
	struct tcpstate_snapshot *s;

	tcpstate_test_handshake(tn, 40000);
	tcpstate_test_feed(tn, 40000, true, T_RST, 5001, 0);
	/* A straggler after the RST revives nothing. */
	tcpstate_test_feed(tn, 40000, false, T_ACK, 1001, 5001);
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->flows, 0u);
	KUNIT_EXPECT_EQ(test, CTR(s, picked_up), 0ull);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries), 1);
	tcpstate_table_collect(tn, jiffies + msecs_to_jiffies(1000));
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries), 1);
	tcpstate_table_collect(tn, jiffies +
			       msecs_to_jiffies(TCPSTATE_TOMBSTONE_MS + 10));
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries), 0);
	KUNIT_EXPECT_EQ(test, CTR(s, flows_freed), 1ull);
	KUNIT_EXPECT_EQ(test, CTR(s, timeouts), 0ull);
	tcpstate_test_teardown(tn);
}

static void table_idle_timeout(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 100);
	struct tcpstate_snapshot *s;

	tcpstate_test_handshake(tn, 40000);
	tcpstate_test_feed(tn, 40001, false, T_SYN, 1000, 0);
	/* Past the handshake timeout only the half-open flow goes. */
	tcpstate_table_collect(tn, jiffies + msecs_to_jiffies(120001));
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->flows, 1u);
	KUNIT_EXPECT_EQ(test, CTR(s, timeouts), 1ull);
	tcpstate_table_collect(tn, jiffies + msecs_to_jiffies(300001));
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->flows, 0u);
	KUNIT_EXPECT_EQ(test, CTR(s, timeouts), 2ull);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries), 0);
	tcpstate_test_teardown(tn);
}

/*
 * The collector reads jiffies once and walks for a while: segments that
 * come meanwhile leave flows younger than its clock. Nothing of them is
 * old, whichever their state.
 */
static void table_collect_late_clock(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 100);
	struct tcpstate_snapshot *s;

	tcpstate_test_handshake(tn, 40000);
	tcpstate_test_handshake(tn, 40001);
	tcpstate_test_feed(tn, 40001, false, T_FIN, 1001, 5001);
	tcpstate_test_feed(tn, 40001, true, T_FIN, 5001, 1002);
	tcpstate_test_feed(tn, 40001, false, T_ACK, 1002, 5002);
	tcpstate_test_feed(tn, 40002, false, T_SYN, 1000, 0);
	tcpstate_table_collect(tn, jiffies - 1);
	tcpstate_table_collect(tn, jiffies - HZ);
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->flows, 3u);
	KUNIT_EXPECT_EQ(test, CTR(s, timeouts), 0ull);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_CLIENT][TCPSTATE_TIME_WAIT], 1u);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_SERVER][TCPSTATE_LISTEN], 1u);
	tcpstate_test_teardown(tn);
}

/* View every entry of @tn's table into @v (the last shown): how many shown. */
static int view_all(struct tcpstate_net *tn, struct tcpstate_flow_view *v,
		    int *entries)
{
	struct tcpstate_flow_view one;
	struct tcpstate_hash_iter iter;
	struct tcpstate_flow *flow;
	int shown = 0;

	*entries = 0;
	tcpstate_hash_walk_enter(&tn->table.flows, &iter);
	tcpstate_hash_walk_start(&iter);
	while ((flow = tcpstate_hash_walk_next(&iter))) {
		(*entries)++;
		if (tcpstate_flow_view(flow, &one)) {
			*v = one;
			shown++;
		}
	}
	tcpstate_hash_walk_stop(&iter);
	return shown;
}

/* What the files and get-flows show of a flow; tombstones not at all. */
static void table_flow_view(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 100);
	struct tcpstate_flow_view v;
	int entries;

	tcpstate_test_handshake(tn, 40000);
	tcpstate_test_handshake(tn, 40001);
	tcpstate_test_feed(tn, 40001, true, T_RST, 5001, 0);
	KUNIT_ASSERT_EQ(test, view_all(tn, &v, &entries), 1);
	KUNIT_EXPECT_EQ(test, entries, 2);
	KUNIT_EXPECT_EQ(test, v.key.port[v.client_dir], htons(40000));
	KUNIT_EXPECT_EQ(test, v.key.port[!v.client_dir], htons(80));
	KUNIT_EXPECT_EQ(test, v.state[TCPSTATE_CLIENT], TCPSTATE_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, v.state[TCPSTATE_SERVER], TCPSTATE_ESTABLISHED);
	KUNIT_EXPECT_STREQ(test, v.history, "ShA");
	/* Creation is kept in 64 ms steps: never younger than the idle time. */
	KUNIT_EXPECT_GE(test, v.age_ms, v.idle_ms);
	KUNIT_EXPECT_LT(test, v.age_ms,
			v.idle_ms + 64 + jiffies_to_msecs(HZ / 10));
	tcpstate_test_teardown(tn);
}

static void table_time_wait_expiry(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 100);
	struct tcpstate_snapshot *s;

	tcpstate_test_handshake(tn, 40000);
	tcpstate_test_feed(tn, 40000, false, T_FIN, 1001, 5001);
	tcpstate_test_feed(tn, 40000, true, T_FIN, 5001, 1002);
	tcpstate_test_feed(tn, 40000, false, T_ACK, 1002, 5002);
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_CLIENT][TCPSTATE_TIME_WAIT], 1u);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_SERVER][TCPSTATE_CLOSED], 1u);
	tcpstate_table_collect(tn, jiffies + msecs_to_jiffies(59000));
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_CLIENT][TCPSTATE_TIME_WAIT], 1u);
	tcpstate_table_collect(tn, jiffies + msecs_to_jiffies(60001));
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->flows, 0u);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_CLIENT][TCPSTATE_TIME_WAIT], 0u);
	KUNIT_EXPECT_EQ(test, CTR(s, timeouts), 0ull);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries), 1);
	tcpstate_test_teardown(tn);
}

/* A flow of @tn with an end on @port (any if 0), for a test to reach in. */
static struct tcpstate_flow *find_flow(struct tcpstate_net *tn, u16 port)
{
	struct tcpstate_flow *flow, *found = NULL;
	struct tcpstate_hash_iter iter;
	struct tcpstate_key key;

	tcpstate_hash_walk_enter(&tn->table.flows, &iter);
	tcpstate_hash_walk_start(&iter);
	while ((flow = tcpstate_hash_walk_next(&iter))) {
		tcpstate_flow_key(flow, &key);
		if (!port || key.port[0] == htons(port) ||
		    key.port[1] == htons(port))
			found = flow;
	}
	tcpstate_hash_walk_stop(&iter);
	return found;
}

/* Simultaneous open from the lower port first: the letters swap case. */
static void table_history_role_swap(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 100);
	struct tcpstate_flow_view v;
	int entries;

	tcpstate_test_feed(tn, 40000, true, T_SYN, 5000, 0);
	tcpstate_test_feed(tn, 40000, false, T_SYN, 1000, 0);
	tcpstate_test_feed(tn, 40000, false, T_SYNACK, 1000, 5001);
	tcpstate_test_feed(tn, 40000, true, T_SYNACK, 5000, 1001);
	tcpstate_test_feed(tn, 40000, true, T_ACK, 5001, 1001);
	tcpstate_test_feed(tn, 40000, false, T_ACK, 1001, 5001);
	KUNIT_ASSERT_EQ(test, view_all(tn, &v, &entries), 1);
	KUNIT_EXPECT_EQ(test, v.key.port[v.client_dir], htons(40000));
	KUNIT_EXPECT_STREQ(test, v.history, "sSHhaA");
	tcpstate_test_teardown(tn);
}

/* A new incarnation on a finished tuple restarts the flow's age. */
static void table_incarnation_restarts_age(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 100);
	struct tcpstate_flow_view v;
	struct tcpstate_flow *flow;
	int entries;

	tcpstate_test_handshake(tn, 40000);
	tcpstate_test_feed(tn, 40000, false, T_FIN, 1001, 5001);
	tcpstate_test_feed(tn, 40000, true, T_FIN, 5001, 1002);
	tcpstate_test_feed(tn, 40000, false, T_ACK, 1002, 5002);
	flow = find_flow(tn, 0);
	KUNIT_ASSERT_NOT_NULL(test, flow);
	flow->created -= 1000;		/* 64 s ago */
	KUNIT_ASSERT_EQ(test, view_all(tn, &v, &entries), 1);
	KUNIT_EXPECT_GE(test, v.age_ms, 64000ull);
	tcpstate_test_feed(tn, 40000, false, T_SYN, 90000, 0);
	KUNIT_ASSERT_EQ(test, view_all(tn, &v, &entries), 1);
	KUNIT_EXPECT_LT(test, v.age_ms, 1000ull);
	KUNIT_EXPECT_STREQ(test, v.history, "S");
	tcpstate_test_teardown(tn);
}

/*
 * A router that sees only the client: its ACK completes the handshake of
 * a remote server, never that of a server of this host.
 */
static void table_one_way(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 100);
	struct tcpstate_snapshot *s;

	tcpstate_test_server_remote = true;
	tcpstate_test_feed(tn, 40000, false, T_SYN, 1000, 0);
	tcpstate_test_feed(tn, 40000, false, T_ACK, 1001, 5001);
	tcpstate_test_feed(tn, 40000, false, T_ACK, 1001, 5001);
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_CLIENT][TCPSTATE_ESTABLISHED], 1u);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_SERVER][TCPSTATE_ESTABLISHED], 1u);
	KUNIT_EXPECT_EQ(test, CTR(s, handshakes), 1ull);
	KUNIT_EXPECT_EQ(test, CTR(s, invalid), 0ull);
	tcpstate_test_teardown(tn);

	tn = tcpstate_test_setup(test, 100);
	tcpstate_test_feed(tn, 40000, false, T_SYN, 1000, 0);
	tcpstate_test_feed(tn, 40000, false, T_ACK, 1001, 5001);
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_CLIENT][TCPSTATE_SYN_SENT], 1u);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_SERVER][TCPSTATE_LISTEN], 1u);
	KUNIT_EXPECT_EQ(test, CTR(s, handshakes), 0ull);
	tcpstate_test_teardown(tn);
}

/*
 * A flow one side of which was never seen is not held for days: picked
 * up from one ACK, it goes at the handshake timeout.
 */
static void table_unanswered_timeout(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 100);
	struct tcpstate_snapshot *s;

	tcpstate_test_handshake(tn, 40000);
	tcpstate_test_feed(tn, 40001, false, T_ACK, 1001, 5001);
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, CTR(s, picked_up), 1ull);
	tcpstate_table_collect(tn, jiffies + msecs_to_jiffies(120001));
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->flows, 1u);
	KUNIT_EXPECT_EQ(test, CTR(s, timeouts), 1ull);
	tcpstate_test_teardown(tn);
}

/* Flood mode completes a handshake by its ACK; the ports keep theirs. */
static void table_flood_roles_by_ports(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 100);
	struct tcpstate_flow *flow;
	struct tcpstate_key key;
	u32 id;

	tn->params.syn_flood_enter = 3;
	tn->params.syn_flood_exit = 1;
	for (id = 40000; id < 40003; id++)
		tcpstate_test_feed(tn, id, false, T_SYN, 1000, 0);
	KUNIT_ASSERT_TRUE(test, tcpstate_detect_raised(tn,
						       TCPSTATE_DET_syn_flood));
	tcpstate_detect_tick(tn, jiffies);	/* the fingerprint table */
	/* Client port 79, below the server's 80: the ports say otherwise. */
	tcpstate_test_feed(tn, 79, false, T_SYN, 1000, 0);
	tcpstate_test_feed(tn, 79, true, T_SYNACK, 5000, 1001);
	tcpstate_test_feed(tn, 79, false, T_ACK, 1001, 5001);
	flow = find_flow(tn, 79);
	KUNIT_ASSERT_NOT_NULL(test, flow);
	tcpstate_flow_key(flow, &key);
	KUNIT_EXPECT_EQ(test, key.port[flow->pair.client_dir], htons(79));
	KUNIT_EXPECT_EQ(test, flow->pair.port_client_dir,
			tcpstate_key_port_client_dir(&key));
	KUNIT_EXPECT_NE(test, flow->pair.port_client_dir,
			flow->pair.client_dir);
	tcpstate_test_teardown(tn);
}

/*
 * A client of this host closed in SYN_SENT answers the SYN-ACK with a
 * RST and no socket owns the tuple (UML has none): both ends close.
 */
static void table_rst_socket_gone(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 100);
	struct tcpstate_snapshot *s;

	tcpstate_test_clients_local = true;
	tcpstate_test_feed(tn, 40000, false, T_SYN, 1000, 0);
	tcpstate_test_feed(tn, 40000, true, T_SYNACK, 5000, 1001);
	tcpstate_test_feed(tn, 40000, false, T_RST, 1001, 0);
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->flows, 0u);
	KUNIT_EXPECT_EQ(test, CTR(s, resets), 1ull);
	tcpstate_test_teardown(tn);

	/* From a remote client the same RST may be a refusal: SYN_SENT. */
	tn = tcpstate_test_setup(test, 100);
	tcpstate_test_feed(tn, 40000, false, T_SYN, 1000, 0);
	tcpstate_test_feed(tn, 40000, true, T_SYNACK, 5000, 1001);
	tcpstate_test_feed(tn, 40000, false, T_RST, 1001, 0);
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_CLIENT][TCPSTATE_SYN_SENT], 1u);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_SERVER][TCPSTATE_CLOSED], 1u);
	tcpstate_test_teardown(tn);
}

/*
 * 2^31 + 5 flows rose on one CPU and 2^31 - 2 fell on another: both
 * fields wrapped, the sum modulo 2^32 is still the 7 that are live.
 */
static void table_gauge_wrap(struct kunit *test)
{
	struct tcpstate_pcpu *cpu = kunit_kcalloc(test, 2, sizeof(*cpu),
						  GFP_KERNEL);
	struct tcpstate_gauge_sum sum = {};
	struct tcpstate_snapshot snap;
	u32 up = 0x80000005, down = 7 - up;

	KUNIT_ASSERT_NOT_NULL(test, cpu);
	cpu[0].flows = up;
	cpu[1].flows = down;
	cpu[0].gauge[TCPSTATE_CLIENT][TCPSTATE_ESTABLISHED] = up;
	cpu[1].gauge[TCPSTATE_CLIENT][TCPSTATE_ESTABLISHED] = down;
	cpu[0].gauge[TCPSTATE_SERVER][TCPSTATE_CLOSE_WAIT] = up;
	cpu[1].gauge[TCPSTATE_SERVER][TCPSTATE_CLOSE_WAIT] = down;
	cpu[0].syn_sent_out = 0x80000001;
	cpu[1].syn_sent_out = 0x80000000;
	tcpstate_stats_add(&sum, &cpu[0]);
	tcpstate_stats_add(&sum, &cpu[1]);
	KUNIT_EXPECT_TRUE(test, tcpstate_stats_figures(&sum, &snap));
	KUNIT_EXPECT_EQ(test, snap.flows, 7u);
	KUNIT_EXPECT_EQ(test, snap.gauge[TCPSTATE_CLIENT][TCPSTATE_ESTABLISHED], 7u);
	KUNIT_EXPECT_EQ(test, snap.gauge[TCPSTATE_SERVER][TCPSTATE_CLOSE_WAIT], 7u);
	KUNIT_EXPECT_EQ(test, snap.syn_sent_out, 1u);
	KUNIT_EXPECT_EQ(test, snap.gauge[TCPSTATE_CLIENT][TCPSTATE_CLOSED], 0u);
	/* A move in flight (one CPU ahead of the other) is no figure. */
	cpu[0].flows = 0;
	cpu[1].flows = -1;
	memset(&sum, 0, sizeof(sum));
	tcpstate_stats_add(&sum, &cpu[0]);
	tcpstate_stats_add(&sum, &cpu[1]);
	KUNIT_EXPECT_FALSE(test, tcpstate_stats_figures(&sum, &snap));
}

/* Namespaces together never hold more than max_flows_total entries. */
static void table_flows_total(struct kunit *test)
{
	struct tcpstate_net *a = tcpstate_test_setup(test, 100);
	struct tcpstate_net *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	int saved = tcpstate_max_flows_total, i;
	struct tcpstate_snapshot *s;

	KUNIT_ASSERT_NOT_NULL(test, b);
	b->net = &init_net;
	b->params = a->params;
	KUNIT_ASSERT_EQ(test, tcpstate_stats_init(b), 0);
	KUNIT_ASSERT_EQ(test, tcpstate_detect_init(b), 0);
	KUNIT_ASSERT_EQ(test, tcpstate_table_init(b), 0);
	tcpstate_max_flows_total = 5;
	for (i = 0; i < 4; i++) {
		tcpstate_test_feed(a, 40000 + i, false, T_SYN, 1000, 0);
		tcpstate_test_feed(b, 40000 + i, false, T_SYN, 1000, 0);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&a->table.entries) +
			atomic_read(&b->table.entries), 5);
	s = tcpstate_test_snap(test, b);
	KUNIT_EXPECT_EQ(test, CTR(s, untracked) + CTR(s, evicted) +
			CTR(tcpstate_test_snap(test, a), untracked) +
			CTR(tcpstate_test_snap(test, a), evicted), 3ull);
	/* Entries freed in one namespace make room in the other. */
	tcpstate_table_exit(a);
	KUNIT_EXPECT_EQ(test, tcpstate_table_init(a), 0);
	tcpstate_test_feed(b, 50000, false, T_SYN, 1000, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->table.entries), 3);
	tcpstate_max_flows_total = saved;
	tcpstate_table_exit(b);
	tcpstate_detect_exit(b);
	tcpstate_stats_exit(b);
	tcpstate_test_teardown(a);
}

/* Is there a flow of client @id in @tn? */
static bool has_flow(struct tcpstate_net *tn, u32 id)
{
	return find_flow(tn, id & 0xffff);
}

/*
 * A full table makes room by evicting the oldest flow whose other end was
 * never seen; answered flows are never evicted, and when nothing can go
 * the newcomer is untracked.
 */
static void table_evict_unanswered(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 3);
	struct tcpstate_snapshot *s;

	/* Three one-way ACKs (spoofed: the server never answers). */
	tcpstate_test_feed(tn, 40001, false, T_ACK, 1001, 5001);
	tcpstate_test_feed(tn, 40002, false, T_ACK, 1001, 5001);
	tcpstate_test_feed(tn, 40003, false, T_ACK, 1001, 5001);
	/* The server answers the second: it is no longer evictable. */
	tcpstate_test_feed(tn, 40002, true, T_ACK, 5001, 1001);
	tcpstate_test_handshake(tn, 40004);	/* evicts 40001, the oldest */
	KUNIT_EXPECT_FALSE(test, has_flow(tn, 40001));
	KUNIT_EXPECT_TRUE(test, has_flow(tn, 40004));
	tcpstate_test_handshake(tn, 40005);	/* skips 40002, evicts 40003 */
	KUNIT_EXPECT_TRUE(test, has_flow(tn, 40002));
	KUNIT_EXPECT_FALSE(test, has_flow(tn, 40003));
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, CTR(s, evicted), 2ull);
	KUNIT_EXPECT_EQ(test, CTR(s, untracked), 0ull);
	KUNIT_EXPECT_EQ(test, s->flows, 3u);
	KUNIT_EXPECT_EQ(test, s->gauge[TCPSTATE_CLIENT][TCPSTATE_ESTABLISHED], 3u);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries), 3);
	/* All three answered: nothing to evict, the newcomer is untracked. */
	tcpstate_test_feed(tn, 40006, false, T_SYN, 1000, 0);
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_FALSE(test, has_flow(tn, 40006));
	KUNIT_EXPECT_EQ(test, CTR(s, untracked), 1ull);
	KUNIT_EXPECT_EQ(test, CTR(s, evicted), 2ull);
	KUNIT_EXPECT_EQ(test, CTR(s, flows_freed), 2ull);
	/* The evicted left their wheels: the collector meets the others. */
	rcu_barrier();
	tcpstate_table_collect(tn, jiffies + msecs_to_jiffies(300001));
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, tn->table.expired, 3ull);
	KUNIT_EXPECT_EQ(test, CTR(s, flows_freed), 5ull);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries), 0);
	tcpstate_test_teardown(tn);
}

/*
 * The collector looks at what falls due, not at every flow: 10 resets
 * among 1 000 connections cost 10 looks; the others are looked at when
 * their idle timeout comes, at most twice (early from an upper level of
 * the wheel, then in their second).
 */
static void table_collect_touches_due(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 2000);
	struct tcpstate_snapshot *s;
	u32 id;

	for (id = 0; id < 1000; id++)
		tcpstate_test_handshake(tn, 10000 + id);
	for (id = 0; id < 10; id++)
		tcpstate_test_feed(tn, 10000 + id * 7, true, T_RST, 5001, 0);
	tcpstate_table_collect(tn, jiffies +
			       msecs_to_jiffies(TCPSTATE_TOMBSTONE_MS + 1000));
	KUNIT_EXPECT_EQ(test, tn->table.touched, 10ull);
	KUNIT_EXPECT_EQ(test, tn->table.expired, 10ull);
	KUNIT_EXPECT_EQ(test, atomic_read(&tn->table.entries), 990);
	tcpstate_table_collect(tn, jiffies + msecs_to_jiffies(300000 + 1000));
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->flows, 0u);
	KUNIT_EXPECT_EQ(test, CTR(s, timeouts), 990ull);
	KUNIT_EXPECT_EQ(test, tn->table.expired, 1000ull);
	KUNIT_EXPECT_LE(test, tn->table.touched, 10ull + 2 * 990);
	tcpstate_test_teardown(tn);
}

/* The index of net.tcpstate.timeout_established_ms in sysctl.c's table. */
#define PARAM_TIMEOUT_ESTABLISHED	9

/*
 * A shortened timeout applies to flows filed by the old one: the next
 * collection files them again.
 */
static void table_retime(struct kunit *test)
{
	struct tcpstate_net *tn = tcpstate_test_setup(test, 100);
	struct tcpstate_snapshot *s;

	tcpstate_test_handshake(tn, 40000);
	tcpstate_test_handshake(tn, 40001);
	tcpstate_table_collect(tn, jiffies + HZ);
	KUNIT_EXPECT_EQ(test, tn->table.touched, 0ull);
	KUNIT_EXPECT_EQ(test,
			tcpstate_param_store(tn, PARAM_TIMEOUT_ESTABLISHED,
					     (const int[]){ 2000 }), 0);
	KUNIT_EXPECT_EQ(test, tn->params.timeout_established_ms, 2000);
	tcpstate_table_collect(tn, jiffies + msecs_to_jiffies(2001));
	s = tcpstate_test_snap(test, tn);
	KUNIT_EXPECT_EQ(test, s->flows, 0u);
	KUNIT_EXPECT_EQ(test, CTR(s, timeouts), 2ull);
	tcpstate_test_teardown(tn);
}

static struct kunit_case table_cases[] = {
	KUNIT_CASE(table_insert_lookup),
	KUNIT_CASE(table_cap),
	KUNIT_CASE(table_rst_untracked),
	KUNIT_CASE(table_tombstone),
	KUNIT_CASE(table_idle_timeout),
	KUNIT_CASE(table_time_wait_expiry),
	KUNIT_CASE(table_collect_late_clock),
	KUNIT_CASE(table_flow_view),
	KUNIT_CASE(table_history_role_swap),
	KUNIT_CASE(table_incarnation_restarts_age),
	KUNIT_CASE(table_one_way),
	KUNIT_CASE(table_unanswered_timeout),
	KUNIT_CASE(table_flood_roles_by_ports),
	KUNIT_CASE(table_rst_socket_gone),
	KUNIT_CASE(table_gauge_wrap),
	KUNIT_CASE(table_flows_total),
	KUNIT_CASE(table_evict_unanswered),
	KUNIT_CASE(table_collect_touches_due),
	KUNIT_CASE(table_retime),
	{}
};

static struct kunit_suite table_suite = {
	.name = "tcpstate_table",
	.test_cases = table_cases,
};

kunit_test_suite(table_suite);
