// SPDX-License-Identifier: GPL-2.0
/* Talking to the tcpstate generic netlink family with libmnl. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/tcpstate.h>
#include "nl.h"

/* Dumps come in skbs of up to 32 KiB (netlink_recvmsg() caps the size). */
#define NL_BUFSIZE	65536

/* Build a generic netlink message of @type in nl->buf. */
static struct nlmsghdr *put_header(struct nl *nl, uint16_t type, uint8_t cmd,
				   uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = ++nl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

struct nl_ctx {
	struct nl *nl;
	nl_msg_cb cb;
	void *data;
	bool interrupted;
};

/* Keep the kernel's reason (NLMSGERR_ATTR_MSG) for an error. */
static void save_extack(struct nl *nl, const struct nlmsghdr *nlh,
			size_t offset)
{
	const struct nlattr *attr;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	mnl_attr_for_each(attr, nlh, offset) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(nl->errmsg, sizeof(nl->errmsg), "%s",
				 mnl_attr_get_str(attr));
	}
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	struct nl_ctx *ctx = data;
	size_t offset = sizeof(*err);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!err->error)
		return MNL_CB_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	save_extack(ctx->nl, nlh, offset);
	errno = -err->error;
	return MNL_CB_ERROR;
}

/* The end of a dump: it says whether the dump failed. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_ctx *ctx = data;
	int err = 0;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(err))
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (!err)
		return MNL_CB_STOP;
	save_extack(ctx->nl, nlh, sizeof(err));
	errno = -err;
	return MNL_CB_ERROR;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_ctx *ctx = data;

	return ctx->cb ? ctx->cb(nlh, ctx->data) : MNL_CB_OK;
}

/*
 * Note and clear NLM_F_DUMP_INTR in a batch of messages: libmnl would stop
 * at such a message with EINTR, and leave the rest of the dump unread.
 */
static void take_interrupted(struct nl_ctx *ctx, void *buf, size_t len)
{
	struct nlmsghdr *nlh = buf;
	int left = len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			ctx->interrupted = true;
		nlh->nlmsg_flags &= ~NLM_F_DUMP_INTR;
	}
}

static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
};

/*
 * Send @req, hand each reply to @cb until the ACK or the end of the dump.
 * Returns 0 or a negative errno (nl->errmsg may say why).
 */
int nl_talk(struct nl *nl, struct nlmsghdr *req, nl_msg_cb cb, void *data,
	    bool *interrupted)
{
	struct nl_ctx ctx = { .nl = nl, .cb = cb, .data = data };
	unsigned int seq = req->nlmsg_seq;
	ssize_t n;
	int ret;

	nl->errmsg[0] = '\0';
	if (mnl_socket_sendto(nl->sk, req, req->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl->sk, nl->buf, NL_BUFSIZE);
		if (n < 0)
			return -errno;
		take_interrupted(&ctx, nl->buf, n);
		ret = mnl_cb_run2(nl->buf, n, seq, nl->portid, data_cb, &ctx,
				  ctl_cbs, NLMSG_MIN_TYPE);
	} while (ret > MNL_CB_STOP);
	if (interrupted)
		*interrupted = ctx.interrupted;
	return ret < 0 ? -errno : 0;
}

/* A request to the tcpstate family; add attributes, then nl_talk(). */
struct nlmsghdr *nl_request(struct nl *nl, uint8_t cmd, bool dump)
{
	return put_header(nl, nl->family, cmd, TCPSTATE_FAMILY_VERSION,
			  NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0));
}

static int group_cb(const struct nlattr *group, struct nl *nl)
{
	const struct nlattr *attr, *name = NULL, *id = NULL;

	mnl_attr_for_each_nested(attr, group) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GRP_NAME &&
		    !mnl_attr_validate(attr, MNL_TYPE_NUL_STRING))
			name = attr;
		if (mnl_attr_get_type(attr) == CTRL_ATTR_MCAST_GRP_ID &&
		    !mnl_attr_validate(attr, MNL_TYPE_U32))
			id = attr;
	}
	if (name && id && !strcmp(mnl_attr_get_str(name), TCPSTATE_MCGRP_ALARMS))
		nl->alarms_group = mnl_attr_get_u32(id);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr, *group;
	struct nl *nl = data;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(attr)) {
		case CTRL_ATTR_FAMILY_ID:
			if (!mnl_attr_validate(attr, MNL_TYPE_U16))
				nl->family = mnl_attr_get_u16(attr);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mnl_attr_for_each_nested(group, attr)
				group_cb(group, nl);
			break;
		}
	}
	return MNL_CB_OK;
}

/* Ask the controller for the family; -ENOENT: the module is not loaded. */
static int resolve(struct nl *nl)
{
	struct nlmsghdr *nlh;
	int err;

	nlh = put_header(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
			 NLM_F_REQUEST | NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, TCPSTATE_FAMILY_NAME);
	err = nl_talk(nl, nlh, family_cb, nl, NULL);
	if (!err && !nl->family)
		err = -ENOENT;
	return err;
}

int nl_open(struct nl *nl)
{
	int one = 1, err;

	memset(nl, 0, sizeof(*nl));
	nl->seq = time(NULL);
	nl->buf = malloc(NL_BUFSIZE);
	nl->sk = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->buf || !nl->sk)
		return -errno;
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	nl->portid = mnl_socket_get_portid(nl->sk);
	/* Best effort: the kernel's reasons, without the echoed request. */
	mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sk, NETLINK_CAP_ACK, &one, sizeof(one));
	err = resolve(nl);
	return err;
}

void nl_close(struct nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	free(nl->buf);
	nl->sk = NULL;
	nl->buf = NULL;
}

/* Join the "alarms" group: needs CAP_NET_ADMIN in the namespace. */
int nl_subscribe(struct nl *nl)
{
	int group = nl->alarms_group;

	if (!group)
		return -ENOENT;
	if (mnl_socket_setsockopt(nl->sk, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0)
		return -errno;
	return 0;
}

/*
 * Wait for the next batch of events and hand each to @cb. Returns 0, or a
 * negative errno: -ENOBUFS when the socket overflowed and events were lost,
 * -EINTR when a signal came.
 */
int nl_recv_event(struct nl *nl, nl_msg_cb cb, void *data)
{
	struct nl_ctx ctx = { .nl = nl, .cb = cb, .data = data };
	ssize_t n;

	n = mnl_socket_recvfrom(nl->sk, nl->buf, NL_BUFSIZE);
	if (n < 0)
		return -errno;
	if (mnl_cb_run2(nl->buf, n, 0, 0, data_cb, &ctx, ctl_cbs,
			NLMSG_MIN_TYPE) < 0)
		return -errno;
	return 0;
}
