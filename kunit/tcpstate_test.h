/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers the KUnit suites share: a namespace without a kernel namespace. */
#ifndef _TCPSTATE_TEST_H
#define _TCPSTATE_TEST_H

#include <kunit/test.h>
#include "local.h"
#include "tcpstate.h"

#define CTR(s, name) ((s)->counter[TCPSTATE_CTR_##name])

#define T_SYN	TCPSTATE_F_SYN
#define T_SYNACK (TCPSTATE_F_SYN | TCPSTATE_F_ACK)
#define T_ACK	TCPSTATE_F_ACK
#define T_FIN	(TCPSTATE_F_FIN | TCPSTATE_F_ACK)
#define T_RST	TCPSTATE_F_RST

/* Whether the clients of tcpstate_test_feed() send from this host. */
extern bool tcpstate_test_clients_local;
/* Whether the server 10.0.0.2 is not this host's (a router's view). */
extern bool tcpstate_test_server_remote;

struct tcpstate_net *tcpstate_test_setup(struct kunit *test, int max_flows);
void tcpstate_test_teardown(struct tcpstate_net *tn);
void tcpstate_test_feed(struct tcpstate_net *tn, u32 id, bool reply,
			u8 flags, u32 seq, u32 ack);
void tcpstate_test_feed_port(struct tcpstate_net *tn, u32 id, u16 sport,
			     bool reply, u8 flags, u32 seq, u32 ack);
void tcpstate_test_handshake(struct tcpstate_net *tn, u32 id);
struct tcpstate_snapshot *tcpstate_test_snap(struct kunit *test,
					     struct tcpstate_net *tn);

#endif /* _TCPSTATE_TEST_H */
