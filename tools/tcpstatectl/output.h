/* SPDX-License-Identifier: GPL-2.0 */
/* How tcpstatectl prints: text, JSON and Prometheus. */
#ifndef _TCPSTATECTL_OUTPUT_H
#define _TCPSTATECTL_OUTPUT_H

#include <stdio.h>
#include "decode.h"

const char *ts_endpoint_str(const struct ts_endpoint *ep, char *buf,
			    size_t size);
const char *ts_addr_str(const struct ts_endpoint *ep, char *buf, size_t size);

void print_stats_text(FILE *f, const struct ts_stats *st);
void print_stats_json(FILE *f, const struct ts_stats *st);
void print_stats_prometheus(FILE *f, const struct ts_stats *st);
void print_watch_text(FILE *f, const struct ts_stats *st,
		      const struct ts_stats *prev, double seconds);

void print_flow_text(FILE *f, const struct ts_flow *flow);
void print_flow_json(FILE *f, const struct ts_flow *flow);
void print_listener_text(FILE *f, const struct ts_listener *l);
void print_listener_json(FILE *f, const struct ts_listener *l);
void print_alarm_text(FILE *f, const struct ts_alarm *alarm);
void print_alarm_json(FILE *f, const struct ts_alarm *alarm);

#endif /* _TCPSTATECTL_OUTPUT_H */
