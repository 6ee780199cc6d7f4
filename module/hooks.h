/* SPDX-License-Identifier: GPL-2.0 */
/* The netfilter hooks through which tcpstate sees every TCP segment. */
#ifndef _TCPSTATE_HOOKS_H
#define _TCPSTATE_HOOKS_H

struct net;

int tcpstate_hooks_register(struct net *net);
void tcpstate_hooks_unregister(struct net *net);

#endif /* _TCPSTATE_HOOKS_H */
