// SPDX-License-Identifier: GPL-2.0
/* KUnit: the segment parser against well-formed and hostile packets. */

#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/tcp.h>
#include "parse.h"

#define CLIENT_PORT 40000
#define SERVER_PORT 80

struct tcp_spec {
	u8 doff;		/* 32-bit words, 0 means 5 + options */
	u8 flags;
	const u8 *opts;
	unsigned int optlen;
	unsigned int payload;
	unsigned int truncate;	/* bytes cut from the end of the packet */
	bool reply;		/* server to client */
};

static void put_tcp(struct sk_buff *skb, const struct tcp_spec *t)
{
	struct tcphdr *th = skb_put_zero(skb, sizeof(*th));

	th->source = htons(t->reply ? SERVER_PORT : CLIENT_PORT);
	th->dest = htons(t->reply ? CLIENT_PORT : SERVER_PORT);
	th->seq = htonl(1000);
	th->ack_seq = htonl(2000);
	th->doff = t->doff ? t->doff : 5 + DIV_ROUND_UP(t->optlen, 4);
	((u8 *)th)[13] = t->flags;
	th->window = htons(512);
	if (t->optlen)
		skb_put_data(skb, t->opts, t->optlen);
	skb_put_zero(skb, (4 - t->optlen % 4) % 4 + t->payload);
	skb_trim(skb, skb->len - t->truncate);
}

static struct sk_buff *ipv4(struct kunit *test, const struct tcp_spec *t,
			    u8 proto, __be16 frag_off)
{
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL);
	struct iphdr *iph;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->protocol = proto;
	iph->frag_off = frag_off;
	iph->saddr = htonl(t->reply ? 0x0a000002 : 0x0a000001);
	iph->daddr = htonl(t->reply ? 0x0a000001 : 0x0a000002);
	put_tcp(skb, t);
	return skb;
}

/* IPv6, optionally behind one extension header of @ext_len bytes. */
static struct sk_buff *ipv6(struct kunit *test, const struct tcp_spec *t,
			    u8 ext, unsigned int ext_len, __be16 frag_off)
{
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL);
	struct ipv6hdr *ip6h;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reset_network_header(skb);
	ip6h = skb_put_zero(skb, sizeof(*ip6h));
	ip6h->version = 6;
	ip6h->nexthdr = ext_len ? ext : IPPROTO_TCP;
	ip6h->saddr.s6_addr[15] = t->reply ? 2 : 1;
	ip6h->daddr.s6_addr[15] = t->reply ? 1 : 2;
	if (ext == NEXTHDR_FRAGMENT) {
		struct frag_hdr *fh = skb_put_zero(skb, sizeof(*fh));

		fh->nexthdr = IPPROTO_TCP;
		fh->frag_off = frag_off;
	} else if (ext_len) {
		u8 *hdr = skb_put_zero(skb, ext_len);

		hdr[0] = IPPROTO_TCP;
		hdr[1] = ext_len / 8 - 1;
	}
	put_tcp(skb, t);
	return skb;
}

static enum tcpstate_parse parse(struct sk_buff *skb, u8 family,
				 struct tcpstate_pkt *pkt)
{
	enum tcpstate_parse ret = tcpstate_parse(skb, family, pkt);

	kfree_skb(skb);
	return ret;
}

static void parse_ipv4_syn(struct kunit *test)
{
	static const u8 mss[] = { TCPOPT_MSS, 4, 0x05, 0xb4 };
	struct tcp_spec t = { .flags = 0x02, .opts = mss, .optlen = 4 };
	struct tcpstate_pkt pkt, back;

	KUNIT_ASSERT_EQ(test, parse(ipv4(test, &t, IPPROTO_TCP, 0),
				    NFPROTO_IPV4, &pkt), TCPSTATE_TCP);
	KUNIT_EXPECT_EQ(test, pkt.seg.seq, 1000u);
	KUNIT_EXPECT_EQ(test, pkt.seg.ack, 2000u);
	KUNIT_EXPECT_EQ(test, pkt.seg.flags, 0x02);
	KUNIT_EXPECT_EQ(test, pkt.seg.win, 512);
	KUNIT_EXPECT_EQ(test, pkt.seg.len, 0u);
	KUNIT_EXPECT_EQ(test, pkt.gso_segs, 1u);
	KUNIT_EXPECT_EQ(test, pkt.thoff, 20u);
	t.reply = true;
	KUNIT_ASSERT_EQ(test, parse(ipv4(test, &t, IPPROTO_TCP, 0),
				    NFPROTO_IPV4, &back), TCPSTATE_TCP);
	/* Both directions share one key and differ in direction. */
	KUNIT_EXPECT_EQ(test, memcmp(&pkt.key, &back.key, sizeof(pkt.key)), 0);
	KUNIT_EXPECT_NE(test, pkt.seg.dir, back.seg.dir);
	/* Port 80 is the server's, so the client sends from 10.0.0.1. */
	KUNIT_EXPECT_EQ(test, tcpstate_key_port_client_dir(&pkt.key),
			pkt.seg.dir);
	KUNIT_EXPECT_FALSE(test, tcpstate_key_self(&pkt.key));
}

static void parse_payload_and_gso(struct kunit *test)
{
	struct tcp_spec t = { .flags = 0x10, .payload = 100 };
	struct sk_buff *skb = ipv4(test, &t, IPPROTO_TCP, 0);
	struct tcpstate_pkt pkt;

	skb_shinfo(skb)->gso_size = 50;
	skb_shinfo(skb)->gso_segs = 2;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	KUNIT_ASSERT_EQ(test, parse(skb, NFPROTO_IPV4, &pkt), TCPSTATE_TCP);
	KUNIT_EXPECT_EQ(test, pkt.seg.len, 100u);
	KUNIT_EXPECT_EQ(test, pkt.gso_segs, 2u);
}

/* virtio-net and tun leave gso_segs 0: payload / gso_size, rounded up. */
static void parse_gso_segs_unset(struct kunit *test)
{
	struct tcp_spec t = { .flags = 0x10, .payload = 100 };
	struct sk_buff *skb = ipv4(test, &t, IPPROTO_TCP, 0);
	struct tcpstate_pkt pkt;

	skb_shinfo(skb)->gso_size = 30;
	skb_shinfo(skb)->gso_segs = 0;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
	KUNIT_ASSERT_EQ(test, parse(skb, NFPROTO_IPV4, &pkt), TCPSTATE_TCP);
	KUNIT_EXPECT_EQ(test, pkt.gso_segs, 4u);
	t.reply = true;
	skb = ipv6(test, &t, 0, 0, 0);
	skb_shinfo(skb)->gso_size = 50;
	skb_shinfo(skb)->gso_segs = 0;
	skb_shinfo(skb)->gso_type = SKB_GSO_TCPV6;
	KUNIT_ASSERT_EQ(test, parse(skb, NFPROTO_IPV6, &pkt), TCPSTATE_TCP);
	KUNIT_EXPECT_EQ(test, pkt.gso_segs, 2u);
}

/* No Next Header: a chain that ends without TCP is not a TCP segment. */
static void parse_ipv6_no_next_header(struct kunit *test)
{
	struct tcp_spec t = { .flags = 0x10 };
	struct tcpstate_pkt pkt;
	struct sk_buff *skb;

	skb = ipv6(test, &t, 0, 0, 0);
	ipv6_hdr(skb)->nexthdr = NEXTHDR_NONE;
	KUNIT_EXPECT_EQ(test, parse(skb, NFPROTO_IPV6, &pkt),
			TCPSTATE_NOT_TCP);
	skb = ipv6(test, &t, NEXTHDR_DEST, 8, 0);
	skb_network_header(skb)[sizeof(struct ipv6hdr)] = NEXTHDR_NONE;
	KUNIT_EXPECT_EQ(test, parse(skb, NFPROTO_IPV6, &pkt),
			TCPSTATE_NOT_TCP);
	/* Behind a header that overruns the packet it is still malformed. */
	skb = ipv6(test, &t, NEXTHDR_DEST, 8, 0);
	skb_network_header(skb)[sizeof(struct ipv6hdr)] = NEXTHDR_NONE;
	skb_network_header(skb)[sizeof(struct ipv6hdr) + 1] = 200;
	ipv6_hdr(skb)->nexthdr = NEXTHDR_HOP;
	KUNIT_EXPECT_EQ(test, parse(skb, NFPROTO_IPV6, &pkt),
			TCPSTATE_MALFORMED);
}

/* Hostile TCP headers: each one malformed, never a crash. */
static const u8 opt_len0[] = { TCPOPT_MSS, 0, 0, 0 };
static const u8 opt_len1[] = { TCPOPT_NOP, TCPOPT_NOP, TCPOPT_NOP, 8 };
static const u8 opt_overrun[] = { TCPOPT_MSS, 12, 0, 0 };

static const struct tcp_spec malformed[] = {
	{ .flags = 0x10, .doff = 4 },			/* data offset < 5 */
	{ .flags = 0x10, .doff = 15 },			/* beyond the packet */
	{ .flags = 0x10, .truncate = 8 },		/* header cut short */
	{ .flags = 0x02, .opts = opt_len0, .optlen = 4 },
	{ .flags = 0x02, .opts = opt_len1, .optlen = 4 },
	{ .flags = 0x02, .opts = opt_overrun, .optlen = 4 },
};

static void malformed_desc(const struct tcp_spec *t, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "doff %u optlen %u cut %u",
		 t->doff, t->optlen, t->truncate);
}

KUNIT_ARRAY_PARAM(malformed, malformed, malformed_desc);

static void parse_malformed(struct kunit *test)
{
	const struct tcp_spec *t = test->param_value;
	struct tcpstate_pkt pkt;

	KUNIT_EXPECT_EQ(test, parse(ipv4(test, t, IPPROTO_TCP, 0),
				    NFPROTO_IPV4, &pkt), TCPSTATE_MALFORMED);
	KUNIT_EXPECT_EQ(test, parse(ipv6(test, t, 0, 0, 0), NFPROTO_IPV6,
				    &pkt), TCPSTATE_MALFORMED);
}

static void parse_ipv4_other(struct kunit *test)
{
	struct tcp_spec t = { .flags = 0x10 };
	struct tcpstate_pkt pkt;

	KUNIT_EXPECT_EQ(test, parse(ipv4(test, &t, IPPROTO_UDP, 0),
				    NFPROTO_IPV4, &pkt), TCPSTATE_NOT_TCP);
	KUNIT_EXPECT_EQ(test, parse(ipv4(test, &t, IPPROTO_TCP, htons(IP_MF)),
				    NFPROTO_IPV4, &pkt), TCPSTATE_MALFORMED);
	KUNIT_EXPECT_EQ(test, parse(ipv4(test, &t, IPPROTO_TCP, htons(3)),
				    NFPROTO_IPV4, &pkt), TCPSTATE_MALFORMED);
	KUNIT_EXPECT_EQ(test, parse(ipv4(test, &t, IPPROTO_TCP, htons(IP_DF)),
				    NFPROTO_IPV4, &pkt), TCPSTATE_TCP);
}

static void parse_ipv6_chains(struct kunit *test)
{
	struct tcp_spec t = { .flags = 0x12, .payload = 7 };
	struct tcpstate_pkt pkt;
	struct frag_hdr *fh;
	struct sk_buff *skb;

	KUNIT_EXPECT_EQ(test, parse(ipv6(test, &t, 0, 0, 0), NFPROTO_IPV6,
				    &pkt), TCPSTATE_TCP);
	KUNIT_EXPECT_EQ(test, pkt.key.family, AF_INET6);
	KUNIT_EXPECT_EQ(test, pkt.seg.len, 7u);
	KUNIT_EXPECT_EQ(test, parse(ipv6(test, &t, NEXTHDR_HOP, 8, 0),
				    NFPROTO_IPV6, &pkt), TCPSTATE_TCP);
	KUNIT_EXPECT_EQ(test, pkt.thoff, 48u);
	KUNIT_EXPECT_EQ(test, parse(ipv6(test, &t, NEXTHDR_DEST, 16, 0),
				    NFPROTO_IPV6, &pkt), TCPSTATE_TCP);
	/* An atomic fragment is a whole packet; a real one is not readable. */
	KUNIT_EXPECT_EQ(test, parse(ipv6(test, &t, NEXTHDR_FRAGMENT, 8, 0),
				    NFPROTO_IPV6, &pkt), TCPSTATE_TCP);
	KUNIT_EXPECT_EQ(test, parse(ipv6(test, &t, NEXTHDR_FRAGMENT, 8,
					 htons(IP6_MF)),
				    NFPROTO_IPV6, &pkt), TCPSTATE_MALFORMED);
	KUNIT_EXPECT_EQ(test, parse(ipv6(test, &t, NEXTHDR_FRAGMENT, 8,
					 htons(64)),
				    NFPROTO_IPV6, &pkt), TCPSTATE_MALFORMED);
	/* A hop-by-hop header claiming more bytes than the packet has. */
	skb = ipv6(test, &t, NEXTHDR_HOP, 8, 0);
	skb_network_header(skb)[sizeof(struct ipv6hdr) + 1] = 200;
	KUNIT_EXPECT_EQ(test, parse(skb, NFPROTO_IPV6, &pkt),
			TCPSTATE_MALFORMED);
	/* A first fragment behind an atomic one (found by fuzzing). */
	skb = ipv6(test, &t, NEXTHDR_DEST, 16, 0);
	ipv6_hdr(skb)->nexthdr = NEXTHDR_FRAGMENT;
	fh = (struct frag_hdr *)(skb_network_header(skb) +
				 sizeof(struct ipv6hdr));
	memset(fh, 0, 2 * sizeof(*fh));
	fh[0].nexthdr = NEXTHDR_FRAGMENT;
	fh[0].frag_off = htons(IP6_MF);
	fh[1].nexthdr = IPPROTO_TCP;
	KUNIT_EXPECT_EQ(test, parse(skb, NFPROTO_IPV6, &pkt),
			TCPSTATE_MALFORMED);
}

static void parse_self_connected(struct kunit *test)
{
	struct tcpstate_key key = { .family = AF_INET };

	key.addr[0].s6_addr32[0] = htonl(0x7f000001);
	key.addr[1] = key.addr[0];
	key.port[0] = htons(5555);
	key.port[1] = htons(5555);
	KUNIT_EXPECT_TRUE(test, tcpstate_key_self(&key));
	key.port[1] = htons(5556);
	KUNIT_EXPECT_FALSE(test, tcpstate_key_self(&key));
	/* Lower port serves: the client sends from end 1 (port 5556). */
	KUNIT_EXPECT_EQ(test, tcpstate_key_port_client_dir(&key), 1);
}

static struct kunit_case parse_cases[] = {
	KUNIT_CASE(parse_ipv4_syn),
	KUNIT_CASE(parse_payload_and_gso),
	KUNIT_CASE(parse_gso_segs_unset),
	KUNIT_CASE(parse_ipv6_no_next_header),
	KUNIT_CASE_PARAM(parse_malformed, malformed_gen_params),
	KUNIT_CASE(parse_ipv4_other),
	KUNIT_CASE(parse_ipv6_chains),
	KUNIT_CASE(parse_self_connected),
	{}
};

static struct kunit_suite parse_suite = {
	.name = "tcpstate_parse",
	.test_cases = parse_cases,
};

kunit_test_suite(parse_suite);
