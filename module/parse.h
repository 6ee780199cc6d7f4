/* SPDX-License-Identifier: GPL-2.0 */
/* Turning an IPv4 or IPv6 packet into a flow key and a TCP segment. */
#ifndef _TCPSTATE_PARSE_H
#define _TCPSTATE_PARSE_H

#include <linux/in6.h>
#include <linux/skbuff.h>
#include "fsm.h"

/* A flow's key: the two (address, port) pairs in canonical order. */
struct tcpstate_key {
	struct in6_addr addr[2];	/* IPv4 in the first word, rest zero */
	__be16 port[2];
	u8 family;
	u8 pad[3];
};

struct tcpstate_pkt {
	struct tcpstate_key key;
	struct tcpstate_seg seg;
	unsigned int thoff;	/* offset of the TCP header */
	u32 gso_segs;		/* segments this packet stands for */
	int ifindex;		/* the device it came in or goes out on */
	bool local;		/* sent by this host (LOCAL_OUT) */
};

enum tcpstate_parse {
	TCPSTATE_NOT_TCP,	/* not ours to count */
	TCPSTATE_MALFORMED,	/* a TCP segment, or may be one: invalid */
	TCPSTATE_TCP,
};

enum tcpstate_parse tcpstate_parse(const struct sk_buff *skb, u8 family,
				   struct tcpstate_pkt *pkt);
u8 tcpstate_key_port_client_dir(const struct tcpstate_key *key);
bool tcpstate_key_self(const struct tcpstate_key *key);

/*
 * Hash keys are compared on every segment: a word at a time, as memcmp()
 * is a byte loop on some architectures (UML among them). Keys are u32
 * aligned, a multiple of 4 bytes long, and their padding is zero.
 */
static inline bool tcpstate_words_equal(const void *a, const void *b,
					size_t len)
{
	const u32 *x = a, *y = b;
	u32 diff = 0;
	size_t i;

	for (i = 0; i < len / sizeof(u32); i++)
		diff |= x[i] ^ y[i];
	return !diff;
}

static inline bool tcpstate_key_equal(const struct tcpstate_key *a,
				      const struct tcpstate_key *b)
{
	BUILD_BUG_ON(sizeof(*a) % sizeof(u32));
	return tcpstate_words_equal(a, b, sizeof(*a));
}

#endif /* _TCPSTATE_PARSE_H */
