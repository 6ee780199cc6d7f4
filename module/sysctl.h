/* SPDX-License-Identifier: GPL-2.0 */
/* net.tcpstate.*: the tunables of a namespace. */
#ifndef _TCPSTATE_SYSCTL_H
#define _TCPSTATE_SYSCTL_H

struct tcpstate_net;
struct tcpstate_params;

extern const struct tcpstate_params tcpstate_default_params;

void tcpstate_params_initial(struct tcpstate_params *p);
int tcpstate_sysctl_init(struct tcpstate_net *tn);
void tcpstate_sysctl_exit(struct tcpstate_net *tn);
int tcpstate_param_store(struct tcpstate_net *tn, unsigned int index,
			 const int *val);
void tcpstate_params_copy(struct tcpstate_params *to,
			  const struct tcpstate_params *from);

extern int tcpstate_max_flows_total;

#endif /* _TCPSTATE_SYSCTL_H */
