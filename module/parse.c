// SPDX-License-Identifier: GPL-2.0
/* Parsing IPv4 and IPv6 TCP segments defensively, without trusting them. */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/tcp.h>
#include "parse.h"

/* Every option must fit the header and be at least its own two bytes. */
static bool options_valid(const u8 *opt, unsigned int len)
{
	while (len) {
		if (opt[0] == TCPOPT_EOL)
			return true;
		if (opt[0] == TCPOPT_NOP) {
			opt++;
			len--;
			continue;
		}
		if (len < 2 || opt[1] < 2 || opt[1] > len)
			return false;
		len -= opt[1];
		opt += opt[1];
	}
	return true;
}

/*
 * Most segments carry nothing or the timestamps alone, as Linux aligns
 * them (NOP, NOP, TS): four bytes compared instead of a walk.
 */
static bool options_usual(const u8 *opt, unsigned int len)
{
	return !len ||
	       (len == TCPOLEN_TSTAMP_ALIGNED && opt[0] == TCPOPT_NOP &&
		opt[1] == TCPOPT_NOP && opt[2] == TCPOPT_TIMESTAMP &&
		opt[3] == TCPOLEN_TIMESTAMP);
}

/* Addresses in network order, @words 32-bit words: <0, 0 or >0. */
static int addr_cmp(const __be32 *a, const __be32 *b, int words)
{
	int i;

	for (i = 0; i < words; i++)
		if (a[i] != b[i])
			return ntohl(a[i]) > ntohl(b[i]) ? 1 : -1;
	return 0;
}

/*
 * Sort the endpoints so that both directions share one key. Word by word:
 * this runs on every segment, and memcmp()/memcpy() are calls on UML.
 */
static void set_key(struct tcpstate_pkt *pkt, u8 family, const void *saddr,
		    const void *daddr, int words, const struct tcphdr *th)
{
	const __be32 *src = saddr, *dst = daddr;
	struct tcpstate_key *key = &pkt->key;
	int cmp = addr_cmp(src, dst, words);
	int i;
	u8 dir;

	if (!cmp)
		cmp = (int)ntohs(th->source) - (int)ntohs(th->dest);
	dir = cmp > 0;
	for (i = 0; i < 4; i++) {
		key->addr[dir].s6_addr32[i] = i < words ? src[i] : 0;
		key->addr[!dir].s6_addr32[i] = i < words ? dst[i] : 0;
	}
	key->port[dir] = th->source;
	key->port[!dir] = th->dest;
	key->family = family;
	key->pad[0] = 0;
	key->pad[1] = 0;
	key->pad[2] = 0;
	pkt->seg.dir = dir;
}

static enum tcpstate_parse parse_tcp(const struct sk_buff *skb,
				     unsigned int thoff,
				     struct tcpstate_pkt *pkt, u8 family,
				     const void *saddr, const void *daddr,
				     int words)
{
	u8 buf[MAX_TCP_OPTION_SPACE];
	const struct tcphdr *th;
	struct tcphdr _th;
	unsigned int doff;
	const u8 *opt;

	th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
	if (!th)
		return TCPSTATE_MALFORMED;
	doff = th->doff * 4;
	if (doff < sizeof(*th) || thoff + doff > skb->len)
		return TCPSTATE_MALFORMED;
	opt = skb_header_pointer(skb, thoff + sizeof(*th), doff - sizeof(*th),
				 buf);
	if (!opt || (!options_usual(opt, doff - sizeof(*th)) &&
		     !options_valid(opt, doff - sizeof(*th))))
		return TCPSTATE_MALFORMED;

	pkt->thoff = thoff;
	pkt->seg.seq = ntohl(th->seq);
	pkt->seg.ack = ntohl(th->ack_seq);
	pkt->seg.len = skb->len - thoff - doff;
	pkt->seg.win = ntohs(th->window);
	pkt->seg.flags = ((const u8 *)th)[13];
	pkt->seg.hints = 0;
	set_key(pkt, family, saddr, daddr, words, th);
	return TCPSTATE_TCP;
}

static enum tcpstate_parse parse_ipv4(const struct sk_buff *skb,
				      struct tcpstate_pkt *pkt)
{
	unsigned int nhoff = skb_network_offset(skb);
	const struct iphdr *iph;
	struct iphdr _iph;

	iph = skb_header_pointer(skb, nhoff, sizeof(_iph), &_iph);
	if (!iph || iph->protocol != IPPROTO_TCP)
		return TCPSTATE_NOT_TCP;
	/* Without defragmentation in front of us a fragment is unreadable. */
	if (iph->ihl < 5 || ip_is_fragment(iph))
		return TCPSTATE_MALFORMED;
	return parse_tcp(skb, nhoff + iph->ihl * 4, pkt, AF_INET, &iph->saddr,
			 &iph->daddr, 1);
}

/* The chain stops at a fragment that is not the first: what does it carry? */
static enum tcpstate_parse non_first_fragment(const struct sk_buff *skb,
					      int fhoff)
{
	const struct frag_hdr *fh;
	struct frag_hdr _fh;

	fh = skb_header_pointer(skb, fhoff, sizeof(_fh), &_fh);
	return fh && fh->nexthdr == IPPROTO_TCP ? TCPSTATE_MALFORMED :
						  TCPSTATE_NOT_TCP;
}

/*
 * ipv6_skip_exthdr() reports the last fragment header of a chain only: a
 * first fragment may hide behind a second, atomic one. Any of them makes
 * the packet a fragment. The chain up to @end is known to be readable.
 */
static bool fragmented(const struct sk_buff *skb, u8 nexthdr, int off,
		       int end)
{
	const struct ipv6_opt_hdr *hp;
	const struct frag_hdr *fh;
	struct frag_hdr _fh;

	while (off < end) {
		/* Each header has 8 bytes at least and starts as ipv6_opt_hdr. */
		fh = skb_header_pointer(skb, off, sizeof(_fh), &_fh);
		if (!fh)
			return true;
		hp = (const struct ipv6_opt_hdr *)fh;
		if (nexthdr == NEXTHDR_FRAGMENT) {
			if (fh->frag_off & htons(IP6_OFFSET | IP6_MF))
				return true;
			off += sizeof(*fh);
		} else {
			off += nexthdr == NEXTHDR_AUTH ? ipv6_authlen(hp) :
							 ipv6_optlen(hp);
		}
		nexthdr = hp->nexthdr;
		if (off > skb->len)
			return false;	/* a header longer than the packet */
	}
	return false;
}

/*
 * ipv6_skip_exthdr() fails on a chain that ends in No Next Header as on a
 * broken one. A readable chain up to No Next Header carries no TCP.
 */
static bool chain_ends_empty(const struct sk_buff *skb, u8 nexthdr, int off)
{
	const struct ipv6_opt_hdr *hp;
	struct ipv6_opt_hdr _hp;

	while (ipv6_ext_hdr(nexthdr)) {
		if (nexthdr == NEXTHDR_NONE)
			return true;
		hp = skb_header_pointer(skb, off, sizeof(_hp), &_hp);
		if (!hp)
			return false;
		if (nexthdr == NEXTHDR_FRAGMENT)
			off += sizeof(struct frag_hdr);
		else
			off += nexthdr == NEXTHDR_AUTH ? ipv6_authlen(hp) :
							 ipv6_optlen(hp);
		nexthdr = hp->nexthdr;
		if (off > skb->len)
			return false;	/* a header longer than the packet */
	}
	return false;
}

static enum tcpstate_parse parse_ipv6(const struct sk_buff *skb,
				      struct tcpstate_pkt *pkt)
{
	unsigned int nhoff = skb_network_offset(skb);
	const struct ipv6hdr *ip6h;
	struct ipv6hdr _ip6h;
	__be16 frag_off = 0;
	u8 nexthdr;
	int thoff;

	ip6h = skb_header_pointer(skb, nhoff, sizeof(_ip6h), &_ip6h);
	if (!ip6h)
		return TCPSTATE_NOT_TCP;
	nexthdr = ip6h->nexthdr;
	thoff = ipv6_skip_exthdr(skb, nhoff + sizeof(*ip6h), &nexthdr,
				 &frag_off);
	if (thoff < 0)
		return chain_ends_empty(skb, ip6h->nexthdr,
					nhoff + sizeof(*ip6h)) ?
		       TCPSTATE_NOT_TCP : TCPSTATE_MALFORMED;
	if (nexthdr == NEXTHDR_FRAGMENT)
		return non_first_fragment(skb, thoff);
	if (nexthdr != IPPROTO_TCP)
		return TCPSTATE_NOT_TCP;
	if (fragmented(skb, ip6h->nexthdr, nhoff + sizeof(*ip6h), thoff))
		return TCPSTATE_MALFORMED;
	return parse_tcp(skb, thoff, pkt, AF_INET6, &ip6h->saddr, &ip6h->daddr,
			 4);
}

/*
 * How many segments a GSO packet stands for. Senders such as virtio-net
 * and tun leave gso_segs 0 for the stack to compute from the payload, as
 * qdisc_pkt_len_init() does.
 */
static u32 gso_segments(const struct sk_buff *skb, enum tcpstate_parse ret,
			const struct tcpstate_pkt *pkt)
{
	const struct skb_shared_info *shinfo = skb_shinfo(skb);

	if (!skb_is_gso(skb))
		return 1;
	if (shinfo->gso_segs)
		return shinfo->gso_segs;
	if (ret != TCPSTATE_TCP || !shinfo->gso_size)
		return 1;
	return max_t(u32, 1, DIV_ROUND_UP(pkt->seg.len, shinfo->gso_size));
}

enum tcpstate_parse tcpstate_parse(const struct sk_buff *skb, u8 family,
				   struct tcpstate_pkt *pkt)
{
	enum tcpstate_parse ret;

	ret = family == NFPROTO_IPV4 ? parse_ipv4(skb, pkt) :
				       parse_ipv6(skb, pkt);
	pkt->gso_segs = gso_segments(skb, ret, pkt);
	return ret;
}

/* The client sends from the end with the higher port (ties: address). */
u8 tcpstate_key_port_client_dir(const struct tcpstate_key *key)
{
	return ntohs(key->port[0]) <= ntohs(key->port[1]);
}

/* Both ends the same socket: a self-connected socket, never tracked. */
bool tcpstate_key_self(const struct tcpstate_key *key)
{
	return key->port[0] == key->port[1] &&
	       ipv6_addr_equal(&key->addr[0], &key->addr[1]);
}
