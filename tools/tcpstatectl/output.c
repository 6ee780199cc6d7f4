// SPDX-License-Identifier: GPL-2.0
/*
 * How tcpstatectl prints. The text forms are those of procfs
 * (/proc/tcpstate, /proc/net/tcpstate, /proc/net/tcpstate_listeners), so
 * that scripts can read either; names come from the uapi header.
 */

#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include "output.h"

static const char *const role_names[TCPSTATE_NROLES] = { "client", "server" };

const char *ts_addr_str(const struct ts_endpoint *ep, char *buf, size_t size)
{
	if (!inet_ntop(ep->family, ep->addr, buf, size))
		snprintf(buf, size, "?");
	return buf;
}

/* "10.0.0.1:80" or "[fd00::1]:80", as %pI4 and %pI6c print them. */
const char *ts_endpoint_str(const struct ts_endpoint *ep, char *buf,
			    size_t size)
{
	char addr[INET6_ADDRSTRLEN];

	ts_addr_str(ep, addr, sizeof(addr));
	snprintf(buf, size, ep->family == AF_INET6 ? "[%s]:%u" : "%s:%u",
		 addr, ep->port);
	return buf;
}

/* A JSON string; ours are plain ASCII, but escape what JSON requires. */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* ---------------------------------------------------------------- stats */

/* Exactly the shape of /proc/tcpstate (DESIGN.md section 3). */
void print_stats_text(FILE *f, const struct ts_stats *st)
{
	int i;

	fprintf(f, "tcpstate %s\n", st->version);
	fprintf(f, "%-11s %8s %8s\n", "STATE", "CLIENT", "SERVER");
	for (i = 0; i < TCPSTATE_NSTATES; i++)
		fprintf(f, "%-11s %8u %8u\n", ts_state_names[i],
			st->gauge[TCPSTATE_CLIENT][i],
			st->gauge[TCPSTATE_SERVER][i]);
	fprintf(f, "\nflows %u\nmax_flows %u\nmode %s\n", st->flows,
		st->max_flows,
		st->mode == TCPSTATE_MODE_FLOOD ? "flood" : "normal");
	for (i = 0; i < TCPSTATE_NCOUNTERS; i++)
		fprintf(f, "%s %" PRIu64 "\n", ts_counter_names[i],
			st->counter[i]);
	for (i = 0; i < TCPSTATE_NDETECTORS; i++)
		fprintf(f, "%s %s\n", ts_detector_names[i],
			st->alarm[i] ? "on" : "off");
}

/* One line: {"version", "flows", "max_flows", "mode", "states", ...}. */
void print_stats_json(FILE *f, const struct ts_stats *st)
{
	int i;

	fputs("{\"version\": ", f);
	json_str(f, st->version);
	fprintf(f, ", \"flows\": %u, \"max_flows\": %u, \"mode\": \"%s\", ",
		st->flows, st->max_flows,
		st->mode == TCPSTATE_MODE_FLOOD ? "flood" : "normal");
	fputs("\"states\": {", f);
	for (i = 0; i < TCPSTATE_NSTATES; i++)
		fprintf(f, "%s\"%s\": {\"client\": %u, \"server\": %u}",
			i ? ", " : "", ts_state_names[i],
			st->gauge[TCPSTATE_CLIENT][i],
			st->gauge[TCPSTATE_SERVER][i]);
	fputs("}, \"counters\": {", f);
	for (i = 0; i < TCPSTATE_NCOUNTERS; i++)
		fprintf(f, "%s\"%s\": %" PRIu64, i ? ", " : "",
			ts_counter_names[i], st->counter[i]);
	fputs("}, \"alarms\": {", f);
	for (i = 0; i < TCPSTATE_NDETECTORS; i++)
		fprintf(f, "%s\"%s\": %s", i ? ", " : "", ts_detector_names[i],
			st->alarm[i] ? "true" : "false");
	fputs("}}\n", f);
}

static void prom_header(FILE *f, const char *name, const char *type,
			const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The Prometheus text exposition format, metric names of DESIGN.md 6. */
void print_stats_prometheus(FILE *f, const struct ts_stats *st)
{
	char name[128];
	int i, role;

	prom_header(f, "tcpstate_endpoints", "gauge",
		    "TCP endpoints by RFC 793 state and role.");
	for (i = 0; i < TCPSTATE_NSTATES; i++)
		for (role = 0; role < TCPSTATE_NROLES; role++)
			fprintf(f, "tcpstate_endpoints{state=\"%s\",role=\"%s\"} %u\n",
				ts_state_names[i], role_names[role],
				st->gauge[role][i]);
	prom_header(f, "tcpstate_flows", "gauge", "Tracked TCP flows.");
	fprintf(f, "tcpstate_flows %u\n", st->flows);
	prom_header(f, "tcpstate_max_flows", "gauge",
		    "Cap on flow entries (net.tcpstate.max_flows).");
	fprintf(f, "tcpstate_max_flows %u\n", st->max_flows);
	for (i = 0; i < TCPSTATE_NCOUNTERS; i++) {
		snprintf(name, sizeof(name), "tcpstate_%s_total",
			 ts_counter_names[i]);
		fprintf(f, "# HELP %s tcpstate counter %s (see /proc/tcpstate).\n",
			name, ts_counter_names[i]);
		fprintf(f, "# TYPE %s counter\n%s %" PRIu64 "\n", name, name,
			st->counter[i]);
	}
	prom_header(f, "tcpstate_alarm", "gauge",
		    "1 while a detector's alarm is raised.");
	for (i = 0; i < TCPSTATE_NDETECTORS; i++)
		fprintf(f, "tcpstate_alarm{detector=\"%s\"} %d\n",
			ts_detector_names[i], st->alarm[i]);
}

/* A screenful for watch: the gauges, and the counters with their rates. */
void print_watch_text(FILE *f, const struct ts_stats *st,
		      const struct ts_stats *prev, double seconds)
{
	char when[64];
	time_t now = time(NULL);
	int i, n = 0;

	strftime(when, sizeof(when), "%F %T", localtime(&now));
	fprintf(f, "tcpstate %s  %s  flows %u/%u  mode %s  alarms:",
		st->version, when, st->flows, st->max_flows,
		st->mode == TCPSTATE_MODE_FLOOD ? "flood" : "normal");
	for (i = 0; i < TCPSTATE_NDETECTORS; i++)
		if (st->alarm[i])
			fprintf(f, "%s%s", n++ ? "," : " ", ts_detector_names[i]);
	fprintf(f, "%s\n\n%-11s %8s %8s\n", n ? "" : " -", "STATE", "CLIENT",
		"SERVER");
	for (i = 0; i < TCPSTATE_NSTATES; i++)
		fprintf(f, "%-11s %8u %8u\n", ts_state_names[i],
			st->gauge[TCPSTATE_CLIENT][i],
			st->gauge[TCPSTATE_SERVER][i]);
	fprintf(f, "\n%-20s %14s %10s\n", "COUNTER", "TOTAL", "PER_S");
	for (i = 0; i < TCPSTATE_NCOUNTERS; i++) {
		fprintf(f, "%-20s %14" PRIu64, ts_counter_names[i],
			st->counter[i]);
		if (prev && seconds > 0)
			fprintf(f, " %10.0f", (st->counter[i] -
					       prev->counter[i]) / seconds);
		fputc('\n', f);
	}
}

/* ---------------------------------------------------------------- flows */

/* As /proc/net/tcpstate: client server client_state server_state age idle history */
void print_flow_text(FILE *f, const struct ts_flow *flow)
{
	char c[64], s[64];

	fprintf(f, "%s %s %s %s %" PRIu64 " %" PRIu64 " %s\n",
		ts_endpoint_str(&flow->end[TCPSTATE_CLIENT], c, sizeof(c)),
		ts_endpoint_str(&flow->end[TCPSTATE_SERVER], s, sizeof(s)),
		ts_state_names[flow->state[TCPSTATE_CLIENT]],
		ts_state_names[flow->state[TCPSTATE_SERVER]],
		flow->age_ms, flow->idle_ms, flow->history);
}

static void json_endpoint(FILE *f, const struct ts_endpoint *ep)
{
	char addr[INET6_ADDRSTRLEN];

	fprintf(f, "{\"addr\": \"%s\", \"port\": %u",
		ts_addr_str(ep, addr, sizeof(addr)), ep->port);
}

static const char *family_name(int family)
{
	return family == AF_INET6 ? "ipv6" : "ipv4";
}

void print_flow_json(FILE *f, const struct ts_flow *flow)
{
	int role;

	fprintf(f, "{\"family\": \"%s\"",
		family_name(flow->end[TCPSTATE_CLIENT].family));
	for (role = 0; role < TCPSTATE_NROLES; role++) {
		fprintf(f, ", \"%s\": ", role_names[role]);
		json_endpoint(f, &flow->end[role]);
		fprintf(f, ", \"state\": \"%s\"}",
			ts_state_names[flow->state[role]]);
	}
	fprintf(f, ", \"age_ms\": %" PRIu64 ", \"idle_ms\": %" PRIu64
		", \"history\": ", flow->age_ms, flow->idle_ms);
	json_str(f, flow->history);
	fputc('}', f);
}

/* ------------------------------------------------------------ listeners */

/* As /proc/net/tcpstate_listeners: addr:port half_open syn/s hs/s alarms */
void print_listener_text(FILE *f, const struct ts_listener *l)
{
	char ep[64];
	int i, n = 0;

	fprintf(f, "%s %u %u %u ", ts_endpoint_str(&l->ep, ep, sizeof(ep)),
		l->half_open, l->syn_per_s, l->handshakes_per_s);
	for (i = 0; i < TCPSTATE_NDETECTORS; i++)
		if (l->alarms & (1u << i))
			fprintf(f, "%s%s", n++ ? "," : "", ts_detector_names[i]);
	fputs(n ? "\n" : "-\n", f);
}

void print_listener_json(FILE *f, const struct ts_listener *l)
{
	int i, n = 0;

	fprintf(f, "{\"family\": \"%s\", \"listener\": ",
		family_name(l->ep.family));
	json_endpoint(f, &l->ep);
	fprintf(f, "}, \"half_open\": %u, \"syn_per_s\": %u, "
		"\"handshakes_per_s\": %u, \"alarms\": [", l->half_open,
		l->syn_per_s, l->handshakes_per_s);
	for (i = 0; i < TCPSTATE_NDETECTORS; i++)
		if (l->alarms & (1u << i))
			fprintf(f, "%s\"%s\"", n++ ? ", " : "",
				ts_detector_names[i]);
	fputs("]}", f);
}

/* --------------------------------------------------------------- alarms */

/* Like the kernel's log line, with the value and the sequence number. */
void print_alarm_text(FILE *f, const struct ts_alarm *a)
{
	char ep[64] = "-";

	if (a->has_listener)
		ts_endpoint_str(&a->listener, ep, sizeof(ep));
	fprintf(f, "%s %s %s half_open=%u syn_per_s=%u value=%u seq=%u\n",
		ts_detector_names[a->detector], a->on ? "on" : "off", ep,
		a->half_open, a->syn_per_s, a->value, a->seq);
}

void print_alarm_json(FILE *f, const struct ts_alarm *a)
{
	fprintf(f, "{\"seq\": %u, \"detector\": \"%s\", \"on\": %s, "
		"\"listener\": ", a->seq, ts_detector_names[a->detector],
		a->on ? "true" : "false");
	if (a->has_listener) {
		json_endpoint(f, &a->listener);
		fputc('}', f);
	} else {
		fputs("null", f);
	}
	fprintf(f, ", \"half_open\": %u, \"syn_per_s\": %u, \"value\": %u}\n",
		a->half_open, a->syn_per_s, a->value);
}
