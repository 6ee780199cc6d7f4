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
	TCPSTATE_NCOUNTERS
};

#define TCPSTATE_COUNTER_NAMES {	\
	"segments", "flows_created", "flows_freed", "untracked",	\
	"invalid", "syn", "synack", "handshakes", "resets", "timeouts",	\
	"tw_reuse", "keepalives", "zero_window_probes",	\
	"simultaneous_open", "simultaneous_close", "picked_up",	\
	"alarms",	\
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

#endif /* _UAPI_LINUX_TCPSTATE_H */
