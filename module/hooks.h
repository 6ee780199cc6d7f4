/* SPDX-License-Identifier: GPL-2.0 */
/* The netfilter hooks through which tcpstate sees every TCP segment. */
#ifndef _TCPSTATE_HOOKS_H
#define _TCPSTATE_HOOKS_H

struct net;
struct nf_hook_state;
struct sk_buff;
struct tcpstate_net;

int tcpstate_hooks_register(struct net *net);
void tcpstate_hooks_unregister(struct net *net);

#if IS_ENABLED(CONFIG_KUNIT)
unsigned int tcpstate_hook_segment(struct tcpstate_net *tn, struct sk_buff *skb,
				   const struct nf_hook_state *state);
#endif

#endif /* _TCPSTATE_HOOKS_H */
