/* SPDX-License-Identifier: GPL-2.0 */
/* The tcpstate family's messages, decoded into plain structs. */
#ifndef _TCPSTATECTL_DECODE_H
#define _TCPSTATECTL_DECODE_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/tcpstate.h>

struct ts_stats {
	char version[32];
	uint32_t flows;
	uint32_t max_flows;
	uint8_t mode;
	uint32_t gauge[TCPSTATE_NROLES][TCPSTATE_NSTATES];
	uint64_t counter[TCPSTATE_NCOUNTERS];
	bool alarm[TCPSTATE_NDETECTORS];
	uint32_t param[TCPSTATE_NPARAMS];
};

struct ts_endpoint {
	int family;		/* AF_INET, AF_INET6 */
	uint8_t addr[16];
	uint16_t port;
};

struct ts_flow {
	struct ts_endpoint end[TCPSTATE_NROLES];
	uint8_t state[TCPSTATE_NROLES];
	uint64_t age_ms;
	uint64_t idle_ms;
	char history[32];
};

struct ts_listener {
	struct ts_endpoint ep;
	uint32_t half_open;
	uint32_t syn_per_s;
	uint32_t handshakes_per_s;
	uint32_t alarms;	/* BIT(TCPSTATE_DET_*) */
};

struct ts_alarm {
	uint32_t seq;
	uint8_t detector;
	bool on;
	bool has_listener;
	struct ts_endpoint listener;
	uint32_t half_open;
	uint32_t syn_per_s;
	uint32_t value;
};

/* Each returns 0, or -1 if @nlh is not a well-formed message of its kind. */
int ts_decode_stats(const struct nlmsghdr *nlh, struct ts_stats *st);
int ts_decode_flow(const struct nlmsghdr *nlh, struct ts_flow *flow);
int ts_decode_listener(const struct nlmsghdr *nlh, struct ts_listener *l);
int ts_decode_alarm(const struct nlmsghdr *nlh, struct ts_alarm *alarm);

extern const char *const ts_state_names[TCPSTATE_NSTATES];
extern const char *const ts_counter_names[TCPSTATE_NCOUNTERS];
extern const char *const ts_detector_names[TCPSTATE_NDETECTORS];
extern const char *const ts_param_names[TCPSTATE_NPARAMS];

#endif /* _TCPSTATECTL_DECODE_H */
