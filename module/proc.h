/* SPDX-License-Identifier: GPL-2.0 */
/* /proc/tcpstate and the per-namespace files under /proc/net. */
#ifndef _TCPSTATE_PROC_H
#define _TCPSTATE_PROC_H

struct tcpstate_net;

int tcpstate_proc_init(void);
void tcpstate_proc_exit(void);
int tcpstate_proc_net_init(struct tcpstate_net *tn);
void tcpstate_proc_net_exit(struct tcpstate_net *tn);

#endif /* _TCPSTATE_PROC_H */
