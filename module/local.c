// SPDX-License-Identifier: GPL-2.0
/*
 * Facts of the namespace that the state machine asks for where a segment
 * alone is ambiguous: is an address ours (one direction only), does a
 * socket still own a tuple (a RST from SYN_SENT). Both are lockless RCU
 * lookups, made only in those rare cases.
 */

#include <net/addrconf.h>
#include <net/inet_hashtables.h>
#include <net/inet6_hashtables.h>
#include <net/route.h>
#include <net/tcp.h>
#include "local.h"

#if IS_ENABLED(CONFIG_TCPSTATE_KUNIT_TEST)
bool (*tcpstate_test_addr_local)(const struct tcpstate_key *key, int end);

static bool test_override(const struct tcpstate_key *key, int end,
			  bool *local)
{
	if (!tcpstate_test_addr_local)
		return false;
	*local = tcpstate_test_addr_local(key, end);
	return true;
}
#else
static bool test_override(const struct tcpstate_key *key, int end,
			  bool *local)
{
	return false;
}
#endif

/* Is end @end of @key an address of no interface of @net? */
bool tcpstate_addr_remote(struct net *net, const struct tcpstate_key *key,
			  int end)
{
	const struct in6_addr *addr = &key->addr[end];
	bool local;

	if (test_override(key, end, &local))
		return !local;
	if (key->family == AF_INET)
		return inet_addr_type(net, addr->s6_addr32[0]) != RTN_LOCAL;
#if IS_ENABLED(CONFIG_IPV6)
	return !ipv6_chk_addr(net, addr, NULL, 0);
#else
	return true;
#endif
}

/*
 * @pkt leaves this host (LOCAL_OUT): does an established-hash socket in
 * SYN_SENT still own its tuple? A RST sent for a socket closed before its
 * handshake finished comes from the stack's control socket, not from it.
 */
bool tcpstate_socket_gone(struct net *net, const struct tcpstate_pkt *pkt)
{
	struct inet_hashinfo *hinfo = net->ipv4.tcp_death_row.hashinfo;
	const struct tcpstate_key *key = &pkt->key;
	int me = pkt->seg.dir, peer = !me;
	struct sock *sk = NULL;
	bool gone;

	if (key->family == AF_INET)
		sk = __inet_lookup_established(net, hinfo,
					       key->addr[peer].s6_addr32[0],
					       key->port[peer],
					       key->addr[me].s6_addr32[0],
					       ntohs(key->port[me]),
					       pkt->ifindex, 0);
#if IS_ENABLED(CONFIG_IPV6)
	else
		sk = __inet6_lookup_established(net, hinfo, &key->addr[peer],
						key->port[peer], &key->addr[me],
						ntohs(key->port[me]),
						pkt->ifindex, 0);
#endif
	if (!sk)
		return true;
	gone = sk->sk_state != TCP_SYN_SENT;
	sock_gen_put(sk);
	return gone;
}
