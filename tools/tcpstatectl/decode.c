// SPDX-License-Identifier: GPL-2.0
/*
 * The tcpstate family's messages, decoded into plain structs. Unknown
 * attributes are skipped (a newer module may add some); a known one of
 * the wrong size makes the message malformed.
 */

#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include "decode.h"

const char *const ts_state_names[TCPSTATE_NSTATES] = TCPSTATE_STATE_NAMES;
const char *const ts_counter_names[TCPSTATE_NCOUNTERS] = TCPSTATE_COUNTER_NAMES;
const char *const ts_detector_names[TCPSTATE_NDETECTORS] =
	TCPSTATE_DETECTOR_NAMES;
const char *const ts_param_names[TCPSTATE_NPARAMS] = TCPSTATE_PARAM_NAMES;

/* Attributes by type, at most @max, each checked against its type. */
struct table {
	const struct nlattr **tb;
	const enum mnl_attr_data_type *types;
	int max;
	int bad;
};

static int table_cb(const struct nlattr *attr, void *data)
{
	struct table *t = data;
	int type = mnl_attr_get_type(attr);

	if (type > t->max || t->types[type] == MNL_TYPE_UNSPEC)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, t->types[type]) < 0) {
		t->bad = 1;
		return MNL_CB_ERROR;
	}
	t->tb[type] = attr;
	return MNL_CB_OK;
}

static int parse_msg(const struct nlmsghdr *nlh, uint8_t cmd,
		     const struct nlattr **tb, int max,
		     const enum mnl_attr_data_type *types)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	struct table t = { tb, types, max, 0 };

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN || genl->cmd != cmd)
		return -1;
	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (mnl_attr_parse(nlh, GENL_HDRLEN, table_cb, &t) < 0 || t.bad)
		return -1;
	return 0;
}

static int parse_nest(const struct nlattr *nest, const struct nlattr **tb,
		      int max, const enum mnl_attr_data_type *types)
{
	struct table t = { tb, types, max, 0 };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (mnl_attr_parse_nested(nest, table_cb, &t) < 0 || t.bad)
		return -1;
	return 0;
}

static uint32_t get_u32(const struct nlattr *attr)
{
	return attr ? mnl_attr_get_u32(attr) : 0;
}

static uint8_t get_u8(const struct nlattr *attr)
{
	return attr ? mnl_attr_get_u8(attr) : 0;
}

/* An endpoint from its family, address (4 or 16 bytes) and port. */
static int get_endpoint(struct ts_endpoint *ep, const struct nlattr *family,
			const struct nlattr *addr, const struct nlattr *port)
{
	memset(ep, 0, sizeof(*ep));
	if (!family || !addr)
		return -1;
	ep->family = mnl_attr_get_u8(family);
	if (mnl_attr_get_payload_len(addr) !=
	    (ep->family == AF_INET ? 4 : ep->family == AF_INET6 ? 16 : 0))
		return -1;
	memcpy(ep->addr, mnl_attr_get_payload(addr),
	       mnl_attr_get_payload_len(addr));
	ep->port = port ? mnl_attr_get_u16(port) : 0;
	return 0;
}

/* ---------------------------------------------------------------- stats */

static int decode_states(const struct nlattr *nest, struct ts_stats *st)
{
	static const enum mnl_attr_data_type types[TCPSTATE_A_GAUGE_MAX + 1] = {
		[TCPSTATE_A_GAUGE_CLIENT] = MNL_TYPE_U32,
		[TCPSTATE_A_GAUGE_SERVER] = MNL_TYPE_U32,
	};
	const struct nlattr *tb[TCPSTATE_A_GAUGE_MAX + 1];
	const struct nlattr *attr;
	int state;

	mnl_attr_for_each_nested(attr, nest) {
		state = mnl_attr_get_type(attr) - TCPSTATE_A_KEY(0);
		if (state < 0 || state >= TCPSTATE_NSTATES)
			continue;
		if (parse_nest(attr, tb, TCPSTATE_A_GAUGE_MAX, types) < 0)
			return -1;
		st->gauge[TCPSTATE_CLIENT][state] =
			get_u32(tb[TCPSTATE_A_GAUGE_CLIENT]);
		st->gauge[TCPSTATE_SERVER][state] =
			get_u32(tb[TCPSTATE_A_GAUGE_SERVER]);
	}
	return 0;
}

/*
 * A nest keyed by an enum: attribute TCPSTATE_A_KEY(i) for entry i, of
 * @size bytes (1, 4 or 8); entries it lacks stay 0.
 */
static int decode_keyed(const struct nlattr *nest, void *values, int n,
			size_t size)
{
	const struct nlattr *attr;
	int i;

	if (!nest)
		return 0;
	mnl_attr_for_each_nested(attr, nest) {
		i = mnl_attr_get_type(attr) - TCPSTATE_A_KEY(0);
		if (i < 0 || i >= n)
			continue;
		if (mnl_attr_get_payload_len(attr) != size)
			return -1;
		memcpy((char *)values + i * size, mnl_attr_get_payload(attr),
		       size);
	}
	return 0;
}

int ts_decode_stats(const struct nlmsghdr *nlh, struct ts_stats *st)
{
	static const enum mnl_attr_data_type types[TCPSTATE_A_STATS_MAX + 1] = {
		[TCPSTATE_A_STATS_VERSION] = MNL_TYPE_NUL_STRING,
		[TCPSTATE_A_STATS_FLOWS] = MNL_TYPE_U32,
		[TCPSTATE_A_STATS_MAX_FLOWS] = MNL_TYPE_U32,
		[TCPSTATE_A_STATS_MODE] = MNL_TYPE_U8,
		[TCPSTATE_A_STATS_STATES] = MNL_TYPE_NESTED,
		[TCPSTATE_A_STATS_COUNTERS] = MNL_TYPE_NESTED,
		[TCPSTATE_A_STATS_ALARMS] = MNL_TYPE_NESTED,
		[TCPSTATE_A_STATS_PARAMS] = MNL_TYPE_NESTED,
	};
	const struct nlattr *tb[TCPSTATE_A_STATS_MAX + 1];
	uint8_t alarm[TCPSTATE_NDETECTORS] = { 0 };
	int i;

	memset(st, 0, sizeof(*st));
	if (parse_msg(nlh, TCPSTATE_CMD_GET_STATS, tb, TCPSTATE_A_STATS_MAX,
		      types) < 0 || !tb[TCPSTATE_A_STATS_VERSION])
		return -1;
	snprintf(st->version, sizeof(st->version), "%s",
		 mnl_attr_get_str(tb[TCPSTATE_A_STATS_VERSION]));
	st->flows = get_u32(tb[TCPSTATE_A_STATS_FLOWS]);
	st->max_flows = get_u32(tb[TCPSTATE_A_STATS_MAX_FLOWS]);
	st->mode = get_u8(tb[TCPSTATE_A_STATS_MODE]);
	if ((tb[TCPSTATE_A_STATS_STATES] &&
	     decode_states(tb[TCPSTATE_A_STATS_STATES], st) < 0) ||
	    decode_keyed(tb[TCPSTATE_A_STATS_COUNTERS], st->counter,
			 TCPSTATE_NCOUNTERS, sizeof(st->counter[0])) < 0 ||
	    decode_keyed(tb[TCPSTATE_A_STATS_ALARMS], alarm,
			 TCPSTATE_NDETECTORS, sizeof(alarm[0])) < 0 ||
	    decode_keyed(tb[TCPSTATE_A_STATS_PARAMS], st->param,
			 TCPSTATE_NPARAMS, sizeof(st->param[0])) < 0)
		return -1;
	for (i = 0; i < TCPSTATE_NDETECTORS; i++)
		st->alarm[i] = alarm[i];
	return 0;
}

/* ---------------------------------------------------------------- flows */

int ts_decode_flow(const struct nlmsghdr *nlh, struct ts_flow *flow)
{
	static const enum mnl_attr_data_type types[TCPSTATE_A_FLOW_MAX + 1] = {
		[TCPSTATE_A_FLOW_FAMILY] = MNL_TYPE_U8,
		[TCPSTATE_A_FLOW_CLIENT_ADDR] = MNL_TYPE_BINARY,
		[TCPSTATE_A_FLOW_CLIENT_PORT] = MNL_TYPE_U16,
		[TCPSTATE_A_FLOW_SERVER_ADDR] = MNL_TYPE_BINARY,
		[TCPSTATE_A_FLOW_SERVER_PORT] = MNL_TYPE_U16,
		[TCPSTATE_A_FLOW_CLIENT_STATE] = MNL_TYPE_U8,
		[TCPSTATE_A_FLOW_SERVER_STATE] = MNL_TYPE_U8,
		[TCPSTATE_A_FLOW_AGE_MS] = MNL_TYPE_U64,
		[TCPSTATE_A_FLOW_IDLE_MS] = MNL_TYPE_U64,
		[TCPSTATE_A_FLOW_HISTORY] = MNL_TYPE_NUL_STRING,
	};
	const struct nlattr *tb[TCPSTATE_A_FLOW_MAX + 1];
	const struct nlattr *family;
	int role;

	memset(flow, 0, sizeof(*flow));
	if (parse_msg(nlh, TCPSTATE_CMD_GET_FLOWS, tb, TCPSTATE_A_FLOW_MAX,
		      types) < 0)
		return -1;
	family = tb[TCPSTATE_A_FLOW_FAMILY];
	if (get_endpoint(&flow->end[TCPSTATE_CLIENT], family,
			 tb[TCPSTATE_A_FLOW_CLIENT_ADDR],
			 tb[TCPSTATE_A_FLOW_CLIENT_PORT]) < 0 ||
	    get_endpoint(&flow->end[TCPSTATE_SERVER], family,
			 tb[TCPSTATE_A_FLOW_SERVER_ADDR],
			 tb[TCPSTATE_A_FLOW_SERVER_PORT]) < 0)
		return -1;
	flow->state[TCPSTATE_CLIENT] = get_u8(tb[TCPSTATE_A_FLOW_CLIENT_STATE]);
	flow->state[TCPSTATE_SERVER] = get_u8(tb[TCPSTATE_A_FLOW_SERVER_STATE]);
	for (role = 0; role < TCPSTATE_NROLES; role++)
		if (flow->state[role] >= TCPSTATE_NSTATES)
			return -1;
	if (tb[TCPSTATE_A_FLOW_AGE_MS])
		flow->age_ms = mnl_attr_get_u64(tb[TCPSTATE_A_FLOW_AGE_MS]);
	if (tb[TCPSTATE_A_FLOW_IDLE_MS])
		flow->idle_ms = mnl_attr_get_u64(tb[TCPSTATE_A_FLOW_IDLE_MS]);
	snprintf(flow->history, sizeof(flow->history), "%s",
		 tb[TCPSTATE_A_FLOW_HISTORY] ?
		 mnl_attr_get_str(tb[TCPSTATE_A_FLOW_HISTORY]) : "-");
	return 0;
}

/* ------------------------------------------------------------ listeners */

int ts_decode_listener(const struct nlmsghdr *nlh, struct ts_listener *l)
{
	static const enum mnl_attr_data_type
		types[TCPSTATE_A_LISTENER_MAX + 1] = {
		[TCPSTATE_A_LISTENER_FAMILY] = MNL_TYPE_U8,
		[TCPSTATE_A_LISTENER_ADDR] = MNL_TYPE_BINARY,
		[TCPSTATE_A_LISTENER_PORT] = MNL_TYPE_U16,
		[TCPSTATE_A_LISTENER_HALF_OPEN] = MNL_TYPE_U32,
		[TCPSTATE_A_LISTENER_SYN_PER_S] = MNL_TYPE_U32,
		[TCPSTATE_A_LISTENER_HANDSHAKES_PER_S] = MNL_TYPE_U32,
		[TCPSTATE_A_LISTENER_ALARMS] = MNL_TYPE_U32,
	};
	const struct nlattr *tb[TCPSTATE_A_LISTENER_MAX + 1];

	memset(l, 0, sizeof(*l));
	if (parse_msg(nlh, TCPSTATE_CMD_GET_LISTENERS, tb,
		      TCPSTATE_A_LISTENER_MAX, types) < 0 ||
	    get_endpoint(&l->ep, tb[TCPSTATE_A_LISTENER_FAMILY],
			 tb[TCPSTATE_A_LISTENER_ADDR],
			 tb[TCPSTATE_A_LISTENER_PORT]) < 0)
		return -1;
	l->half_open = get_u32(tb[TCPSTATE_A_LISTENER_HALF_OPEN]);
	l->syn_per_s = get_u32(tb[TCPSTATE_A_LISTENER_SYN_PER_S]);
	l->handshakes_per_s = get_u32(tb[TCPSTATE_A_LISTENER_HANDSHAKES_PER_S]);
	l->alarms = get_u32(tb[TCPSTATE_A_LISTENER_ALARMS]);
	return 0;
}

/* --------------------------------------------------------------- alarms */

int ts_decode_alarm(const struct nlmsghdr *nlh, struct ts_alarm *alarm)
{
	static const enum mnl_attr_data_type types[TCPSTATE_A_ALARM_MAX + 1] = {
		[TCPSTATE_A_ALARM_SEQ] = MNL_TYPE_U32,
		[TCPSTATE_A_ALARM_DETECTOR] = MNL_TYPE_U8,
		[TCPSTATE_A_ALARM_ON] = MNL_TYPE_U8,
		[TCPSTATE_A_ALARM_FAMILY] = MNL_TYPE_U8,
		[TCPSTATE_A_ALARM_ADDR] = MNL_TYPE_BINARY,
		[TCPSTATE_A_ALARM_PORT] = MNL_TYPE_U16,
		[TCPSTATE_A_ALARM_HALF_OPEN] = MNL_TYPE_U32,
		[TCPSTATE_A_ALARM_SYN_PER_S] = MNL_TYPE_U32,
		[TCPSTATE_A_ALARM_VALUE] = MNL_TYPE_U32,
	};
	const struct nlattr *tb[TCPSTATE_A_ALARM_MAX + 1];

	memset(alarm, 0, sizeof(*alarm));
	if (parse_msg(nlh, TCPSTATE_CMD_ALARM, tb, TCPSTATE_A_ALARM_MAX,
		      types) < 0 || !tb[TCPSTATE_A_ALARM_SEQ] ||
	    !tb[TCPSTATE_A_ALARM_DETECTOR])
		return -1;
	alarm->seq = get_u32(tb[TCPSTATE_A_ALARM_SEQ]);
	alarm->detector = get_u8(tb[TCPSTATE_A_ALARM_DETECTOR]);
	alarm->on = get_u8(tb[TCPSTATE_A_ALARM_ON]);
	if (alarm->detector >= TCPSTATE_NDETECTORS)
		return -1;
	if (tb[TCPSTATE_A_ALARM_FAMILY]) {
		if (get_endpoint(&alarm->listener, tb[TCPSTATE_A_ALARM_FAMILY],
				 tb[TCPSTATE_A_ALARM_ADDR],
				 tb[TCPSTATE_A_ALARM_PORT]) < 0)
			return -1;
		alarm->has_listener = true;
	}
	alarm->half_open = get_u32(tb[TCPSTATE_A_ALARM_HALF_OPEN]);
	alarm->syn_per_s = get_u32(tb[TCPSTATE_A_ALARM_SYN_PER_S]);
	alarm->value = get_u32(tb[TCPSTATE_A_ALARM_VALUE]);
	return 0;
}
