/* SPDX-License-Identifier: GPL-2.0 */
/* What the namespace knows that a segment cannot tell: addresses, sockets. */
#ifndef _TCPSTATE_LOCAL_H
#define _TCPSTATE_LOCAL_H

#include <net/net_namespace.h>
#include "parse.h"

bool tcpstate_addr_remote(struct net *net, const struct tcpstate_key *key,
			  int end);
bool tcpstate_socket_gone(struct net *net, const struct tcpstate_pkt *pkt);

#if IS_ENABLED(CONFIG_TCPSTATE_KUNIT_TEST)
/* The suites' namespaces hold no addresses: they say which are local. */
extern bool (*tcpstate_test_addr_local)(const struct tcpstate_key *key,
					int end);
#endif

#endif /* _TCPSTATE_LOCAL_H */
