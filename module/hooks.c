// SPDX-License-Identifier: GPL-2.0
/* The netfilter hooks: each TCP segment is seen once per namespace. */

#include <kunit/visibility.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include "tcpstate.h"
#include "hooks.h"

/* Just after defragmentation, before conntrack and any filtering. */
#define TCPSTATE_PRIORITY (NF_IP_PRI_CONNTRACK_DEFRAG + 1)

static void count_segment(struct tcpstate_net *tn, struct sk_buff *skb,
			  const struct nf_hook_state *state)
{
	struct tcpstate_pkt pkt;
	u8 flags;

	switch (tcpstate_parse(skb, state->pf, &pkt)) {
	case TCPSTATE_NOT_TCP:
		return;
	case TCPSTATE_MALFORMED:
		tcpstate_count(tn, TCPSTATE_CTR_segments, pkt.gso_segs);
		tcpstate_count(tn, TCPSTATE_CTR_invalid, 1);
		return;
	case TCPSTATE_TCP:
		break;
	}
	pkt.local = state->hook == NF_INET_LOCAL_OUT;
	pkt.ifindex = pkt.local ? (state->out ? state->out->ifindex : 0) :
				  (state->in ? state->in->ifindex : 0);
	tcpstate_count(tn, TCPSTATE_CTR_segments, pkt.gso_segs);
	/* Verified where the device has not, as conntrack does. */
	if (state->hook == NF_INET_PRE_ROUTING && !skb_csum_unnecessary(skb) &&
	    nf_checksum(skb, state->hook, pkt.thoff, IPPROTO_TCP, state->pf)) {
		tcpstate_count(tn, TCPSTATE_CTR_invalid, 1);
		return;
	}
	flags = pkt.seg.flags & (TCPSTATE_F_SYN | TCPSTATE_F_RST |
				 TCPSTATE_F_FIN);
	if (flags == TCPSTATE_F_SYN)
		tcpstate_count(tn, pkt.seg.flags & TCPSTATE_F_ACK ?
			       TCPSTATE_CTR_synack : TCPSTATE_CTR_syn, 1);
	tcpstate_table_segment(tn, &pkt);
}

/* The hook on a given namespace's state; the benchmark calls it directly. */
VISIBLE_IF_KUNIT unsigned int
tcpstate_hook_segment(struct tcpstate_net *tn, struct sk_buff *skb,
		      const struct nf_hook_state *state)
{
	/* A loopback segment was already seen on its way out. */
	if (state->hook == NF_INET_PRE_ROUTING && state->in &&
	    (state->in->flags & IFF_LOOPBACK))
		return NF_ACCEPT;
	/* The tracker runs with bottom halves off; a sender may not. */
	if (likely(in_softirq())) {
		count_segment(tn, skb, state);
	} else {
		local_bh_disable();
		count_segment(tn, skb, state);
		local_bh_enable();
	}
	return NF_ACCEPT;	/* passive: never drop, never change */
}

static unsigned int tcpstate_hook(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	return tcpstate_hook_segment(tcpstate_pernet(state->net), skb, state);
}

static const struct nf_hook_ops tcpstate_ops[] = {
	{
		.hook = tcpstate_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = TCPSTATE_PRIORITY,
	},
	{
		.hook = tcpstate_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = TCPSTATE_PRIORITY,
	},
#if IS_ENABLED(CONFIG_IPV6)
	{
		.hook = tcpstate_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = TCPSTATE_PRIORITY,
	},
	{
		.hook = tcpstate_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = TCPSTATE_PRIORITY,
	},
#endif
};

int tcpstate_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, tcpstate_ops,
				     ARRAY_SIZE(tcpstate_ops));
}

/* Returns after a grace period: no hook is running on this namespace. */
void tcpstate_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, tcpstate_ops, ARRAY_SIZE(tcpstate_ops));
}
