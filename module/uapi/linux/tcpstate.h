/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/* Names shared by the tcpstate module and its userspace tool. */
#ifndef _UAPI_LINUX_TCPSTATE_H
#define _UAPI_LINUX_TCPSTATE_H

#define TCPSTATE_VERSION "0.1"

/*
 * The eleven RFC 793 states, in the order /proc/tcpstate prints them, and
 * their names; the module checks at build time that both lists agree.
 */
enum tcpstate_state {
	TCPSTATE_CLOSED,
	TCPSTATE_LISTEN,
	TCPSTATE_SYN_SENT,
	TCPSTATE_SYN_RCVD,
	TCPSTATE_ESTABLISHED,
	TCPSTATE_FIN_WAIT_1,
	TCPSTATE_FIN_WAIT_2,
	TCPSTATE_CLOSE_WAIT,
	TCPSTATE_CLOSING,
	TCPSTATE_LAST_ACK,
	TCPSTATE_TIME_WAIT,
	TCPSTATE_NSTATES
};

#define TCPSTATE_STATE_NAMES {	\
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED",	\
	"FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",	\
	"LAST_ACK", "TIME_WAIT",	\
}

/* Endpoint roles: the client sent the first SYN. */
enum tcpstate_role {
	TCPSTATE_CLIENT,
	TCPSTATE_SERVER,
	TCPSTATE_NROLES
};

/* Cumulative counters, in the order /proc/tcpstate prints them. */
enum tcpstate_counter {
	TCPSTATE_CTR_segments,
	TCPSTATE_CTR_flows_created,
	TCPSTATE_CTR_flows_freed,
	TCPSTATE_CTR_untracked,
	TCPSTATE_CTR_invalid,
	TCPSTATE_CTR_syn,
	TCPSTATE_CTR_synack,
	TCPSTATE_CTR_handshakes,
	TCPSTATE_CTR_resets,
	TCPSTATE_CTR_timeouts,
	TCPSTATE_CTR_tw_reuse,
	TCPSTATE_CTR_keepalives,
	TCPSTATE_CTR_zero_window_probes,
	TCPSTATE_CTR_simultaneous_open,
	TCPSTATE_CTR_simultaneous_close,
	TCPSTATE_CTR_picked_up,
	TCPSTATE_CTR_alarms,
	TCPSTATE_CTR_evicted,
	TCPSTATE_NCOUNTERS
};

#define TCPSTATE_COUNTER_NAMES {	\
	"segments", "flows_created", "flows_freed", "untracked",	\
	"invalid", "syn", "synack", "handshakes", "resets", "timeouts",	\
	"tw_reuse", "keepalives", "zero_window_probes",	\
	"simultaneous_open", "simultaneous_close", "picked_up",	\
	"alarms", "evicted",	\
}

/* Detectors, in the order /proc/tcpstate prints them. */
enum tcpstate_detector {
	TCPSTATE_DET_syn_flood,
	TCPSTATE_DET_timewait,
	TCPSTATE_DET_syn_sent,
	TCPSTATE_DET_close_wait,
	TCPSTATE_NDETECTORS
};

#define TCPSTATE_DETECTOR_NAMES {	\
	"syn_flood", "timewait", "syn_sent", "close_wait",	\
}

/*
 * ---------------------------------------------------------------------
 * Generic netlink, family "tcpstate". Written to match
 * Documentation/netlink/specs/tcpstate.yaml; scripts/ynl-check compares
 * the two.
 * ---------------------------------------------------------------------
 */

#define TCPSTATE_FAMILY_NAME	"tcpstate"
#define TCPSTATE_FAMILY_VERSION	1
#define TCPSTATE_MCGRP_ALARMS	"alarms"

/* The net.tcpstate.* sysctls, in the order get-stats reports them. */
enum tcpstate_param {
	TCPSTATE_PARAM_max_flows,
	TCPSTATE_PARAM_max_listeners,
	TCPSTATE_PARAM_syn_flood_enter,
	TCPSTATE_PARAM_syn_flood_exit,
	TCPSTATE_PARAM_syn_rate_enter,
	TCPSTATE_PARAM_syn_rate_exit,
	TCPSTATE_PARAM_timewait_enter,
	TCPSTATE_PARAM_timewait_exit,
	TCPSTATE_PARAM_syn_sent_enter,
	TCPSTATE_PARAM_syn_sent_exit,
	TCPSTATE_PARAM_close_wait_enter,
	TCPSTATE_PARAM_close_wait_exit,
	TCPSTATE_PARAM_timewait_ms,
	TCPSTATE_PARAM_timeout_handshake_ms,
	TCPSTATE_PARAM_timeout_established_ms,
	TCPSTATE_PARAM_timeout_closing_ms,
	TCPSTATE_PARAM_log_alarms,
	TCPSTATE_NPARAMS
};

#define TCPSTATE_PARAM_NAMES {	\
	"max_flows", "max_listeners", "syn_flood_enter", "syn_flood_exit", \
	"syn_rate_enter", "syn_rate_exit", "timewait_enter",	\
	"timewait_exit", "syn_sent_enter", "syn_sent_exit",	\
	"close_wait_enter", "close_wait_exit", "timewait_ms",	\
	"timeout_handshake_ms", "timeout_established_ms",	\
	"timeout_closing_ms", "log_alarms",	\
}

/* Flood mode is on while any listener's syn_flood alarm is raised. */
enum tcpstate_mode {
	TCPSTATE_MODE_NORMAL,
	TCPSTATE_MODE_FLOOD,
};

/*
 * The nests keyed by state (TCPSTATE_A_STATS_STATES), counter (_COUNTERS),
 * detector (_ALARMS) and sysctl (_PARAMS) hold one attribute per entry of
 * that enum, of type TCPSTATE_A_KEY(entry); the spec names each one. After
 * the counters comes their padding attribute, TCPSTATE_A_COUNTERS_PAD.
 */
#define TCPSTATE_A_KEY(entry)	((entry) + 1)
#define TCPSTATE_A_COUNTERS_PAD	TCPSTATE_A_KEY(TCPSTATE_NCOUNTERS)

/* get-stats reply. */
enum {
	TCPSTATE_A_STATS_VERSION = 1,	/* string */
	TCPSTATE_A_STATS_FLOWS,		/* u32 */
	TCPSTATE_A_STATS_MAX_FLOWS,	/* u32 */
	TCPSTATE_A_STATS_MODE,		/* u8: enum tcpstate_mode */
	TCPSTATE_A_STATS_STATES,	/* nest by state of TCPSTATE_A_GAUGE_* */
	TCPSTATE_A_STATS_COUNTERS,	/* nest by counter of u64 */
	TCPSTATE_A_STATS_ALARMS,	/* nest by detector of u8: 1 raised */
	TCPSTATE_A_STATS_PARAMS,	/* nest by sysctl of u32 */

	__TCPSTATE_A_STATS_MAX,
	TCPSTATE_A_STATS_MAX = (__TCPSTATE_A_STATS_MAX - 1)
};

/* The endpoints of one state, by role. */
enum {
	TCPSTATE_A_GAUGE_CLIENT = 1,	/* u32 */
	TCPSTATE_A_GAUGE_SERVER,	/* u32 */

	__TCPSTATE_A_GAUGE_MAX,
	TCPSTATE_A_GAUGE_MAX = (__TCPSTATE_A_GAUGE_MAX - 1)
};

/*
 * get-flows: a flow in the reply, the FILTER_* attributes in the request.
 * The filters describe one endpoint: a flow matches when one of its ends
 * (the end of FILTER_ROLE, if given) matches every filter given.
 */
enum {
	TCPSTATE_A_FLOW_FAMILY = 1,	/* u8: AF_INET or AF_INET6 */
	TCPSTATE_A_FLOW_CLIENT_ADDR,	/* binary: 4 or 16 bytes */
	TCPSTATE_A_FLOW_CLIENT_PORT,	/* u16 */
	TCPSTATE_A_FLOW_SERVER_ADDR,	/* binary: 4 or 16 bytes */
	TCPSTATE_A_FLOW_SERVER_PORT,	/* u16 */
	TCPSTATE_A_FLOW_CLIENT_STATE,	/* u8: enum tcpstate_state */
	TCPSTATE_A_FLOW_SERVER_STATE,	/* u8: enum tcpstate_state */
	TCPSTATE_A_FLOW_AGE_MS,		/* u64 */
	TCPSTATE_A_FLOW_IDLE_MS,	/* u64 */
	TCPSTATE_A_FLOW_HISTORY,	/* string */
	TCPSTATE_A_FLOW_PAD,
	TCPSTATE_A_FLOW_FILTER_STATE,	/* u8: enum tcpstate_state */
	TCPSTATE_A_FLOW_FILTER_ROLE,	/* u8: enum tcpstate_role */
	TCPSTATE_A_FLOW_FILTER_FAMILY,	/* u8: AF_INET or AF_INET6 */
	TCPSTATE_A_FLOW_FILTER_ADDR,	/* binary: 4 or 16 bytes, as family */
	TCPSTATE_A_FLOW_FILTER_PORT,	/* u16, not 0 */

	__TCPSTATE_A_FLOW_MAX,
	TCPSTATE_A_FLOW_MAX = (__TCPSTATE_A_FLOW_MAX - 1)
};

/* get-listeners: a server endpoint with half-open flows or an alarm. */
enum {
	TCPSTATE_A_LISTENER_FAMILY = 1,		/* u8 */
	TCPSTATE_A_LISTENER_ADDR,		/* binary: 4 or 16 bytes */
	TCPSTATE_A_LISTENER_PORT,		/* u16 */
	TCPSTATE_A_LISTENER_HALF_OPEN,		/* u32 */
	TCPSTATE_A_LISTENER_SYN_PER_S,		/* u32 */
	TCPSTATE_A_LISTENER_HANDSHAKES_PER_S,	/* u32 */
	TCPSTATE_A_LISTENER_ALARMS,		/* u32: BIT(TCPSTATE_DET_*) */

	__TCPSTATE_A_LISTENER_MAX,
	TCPSTATE_A_LISTENER_MAX = (__TCPSTATE_A_LISTENER_MAX - 1)
};

/* The alarm event; FAMILY, ADDR and PORT only for a listener's alarm. */
enum {
	TCPSTATE_A_ALARM_SEQ = 1,	/* u32: per namespace; a gap = losses */
	TCPSTATE_A_ALARM_DETECTOR,	/* u8: enum tcpstate_detector */
	TCPSTATE_A_ALARM_ON,		/* u8: 1 raised, 0 cleared */
	TCPSTATE_A_ALARM_FAMILY,	/* u8 */
	TCPSTATE_A_ALARM_ADDR,		/* binary: 4 or 16 bytes */
	TCPSTATE_A_ALARM_PORT,		/* u16 */
	TCPSTATE_A_ALARM_HALF_OPEN,	/* u32 */
	TCPSTATE_A_ALARM_SYN_PER_S,	/* u32 */
	TCPSTATE_A_ALARM_VALUE,		/* u32: the figure judged */

	__TCPSTATE_A_ALARM_MAX,
	TCPSTATE_A_ALARM_MAX = (__TCPSTATE_A_ALARM_MAX - 1)
};

enum {
	TCPSTATE_CMD_GET_STATS = 1,	/* do; anyone */
	TCPSTATE_CMD_GET_FLOWS,		/* dump; CAP_NET_ADMIN */
	TCPSTATE_CMD_GET_LISTENERS,	/* dump; CAP_NET_ADMIN */
	TCPSTATE_CMD_ALARM,		/* event in TCPSTATE_MCGRP_ALARMS */

	__TCPSTATE_CMD_MAX,
	TCPSTATE_CMD_MAX = (__TCPSTATE_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_TCPSTATE_H */
