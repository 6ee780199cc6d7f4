/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/* Names shared by the tcpstate module and its userspace tool. */
#ifndef _UAPI_LINUX_TCPSTATE_H
#define _UAPI_LINUX_TCPSTATE_H

#define TCPSTATE_VERSION "0.1"

/*
 * The eleven RFC 793 states, in the order /proc/tcpstate prints them.
 * TCPSTATE_STATES(X) expands X(NAME) once per state so that enums and
 * name tables on both sides of the kernel boundary cannot drift apart.
 */
#define TCPSTATE_STATES(X)						\
	X(CLOSED) X(LISTEN) X(SYN_SENT) X(SYN_RCVD) X(ESTABLISHED)	\
	X(FIN_WAIT_1) X(FIN_WAIT_2) X(CLOSE_WAIT) X(CLOSING)		\
	X(LAST_ACK) X(TIME_WAIT)

#define TCPSTATE_STATE_ENUM(name) TCPSTATE_##name,
enum tcpstate_state {
	TCPSTATE_STATES(TCPSTATE_STATE_ENUM)
	TCPSTATE_NSTATES
};

/* Endpoint roles: the client sent the first SYN. */
enum tcpstate_role {
	TCPSTATE_CLIENT,
	TCPSTATE_SERVER,
	TCPSTATE_NROLES
};

/* Cumulative counters, in the order /proc/tcpstate prints them. */
#define TCPSTATE_COUNTERS(X)						\
	X(segments) X(flows_created) X(flows_freed) X(untracked)	\
	X(invalid) X(syn) X(synack) X(handshakes) X(resets)		\
	X(timeouts) X(tw_reuse) X(keepalives) X(zero_window_probes)	\
	X(simultaneous_open) X(simultaneous_close) X(picked_up)		\
	X(alarms)

#define TCPSTATE_COUNTER_ENUM(name) TCPSTATE_CTR_##name,
enum tcpstate_counter {
	TCPSTATE_COUNTERS(TCPSTATE_COUNTER_ENUM)
	TCPSTATE_NCOUNTERS
};

/* Detectors, in the order /proc/tcpstate prints them. */
#define TCPSTATE_DETECTORS(X)						\
	X(syn_flood) X(timewait) X(syn_sent) X(close_wait)

#define TCPSTATE_DETECTOR_ENUM(name) TCPSTATE_DET_##name,
enum tcpstate_detector {
	TCPSTATE_DETECTORS(TCPSTATE_DETECTOR_ENUM)
	TCPSTATE_NDETECTORS
};

#endif /* _UAPI_LINUX_TCPSTATE_H */
