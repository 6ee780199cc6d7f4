/* SPDX-License-Identifier: GPL-2.0 */
/* Talking to the tcpstate generic netlink family with libmnl. */
#ifndef _TCPSTATECTL_NL_H
#define _TCPSTATECTL_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

struct nl {
	struct mnl_socket *sk;
	uint32_t portid;
	unsigned int seq;
	uint16_t family;	/* the family's id in this namespace */
	uint32_t alarms_group;	/* multicast group id, 0 if none */
	char *buf;
	char errmsg[256];	/* the kernel's extended ACK of the last error */
};

/* Called for each message of the family in a reply or an event. */
typedef int (*nl_msg_cb)(const struct nlmsghdr *nlh, void *data);

int nl_open(struct nl *nl);
void nl_close(struct nl *nl);
struct nlmsghdr *nl_request(struct nl *nl, uint8_t cmd, bool dump);
int nl_talk(struct nl *nl, struct nlmsghdr *req, nl_msg_cb cb, void *data,
	    bool *interrupted);
int nl_subscribe(struct nl *nl);
int nl_recv_event(struct nl *nl, nl_msg_cb cb, void *data);

#endif /* _TCPSTATECTL_NL_H */
