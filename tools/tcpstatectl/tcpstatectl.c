// SPDX-License-Identifier: GPL-2.0
/*
 * tcpstatectl: read tcpstate's gauges, counters, flows, listeners and
 * alarms over generic netlink (see tcpstatectl(8)).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "decode.h"
#include "nl.h"
#include "output.h"

/* Exit statuses, as tcpstatectl(8) documents them. */
#define EXIT_FAIL	1	/* anything else */
#define EXIT_NOMODULE	2	/* the tcpstate family is not there */
#define EXIT_NOPERM	3	/* EPERM: CAP_NET_ADMIN needed */
#define EXIT_USAGE	64	/* bad arguments (EX_USAGE) */

/* How often a dump that the table's changes interrupted is tried again. */
#define DUMP_TRIES	10

static const char usage_text[] =
"usage: tcpstatectl [--json] COMMAND [OPTIONS]\n"
"\n"
"  stats [--prometheus]   gauges, counters and alarms (as /proc/tcpstate)\n"
"  flows [--state S] [--role client|server] [--addr A] [--port P]\n"
"                         flows (as /proc/net/tcpstate); the filters describe\n"
"                         one endpoint of the flow\n"
"  listeners              listeners with half-open flows or alarms\n"
"  events [--count N]     alarm events as they happen, until interrupted\n"
"  watch [--count N]      stats refreshed every second\n"
"\n"
"  -j, --json             JSON output\n"
"  -v, --verbose          say when a dump is retried\n"
"  -h, --help             this text\n"
"\n"
"Exit status: 0 ok, 1 error, 2 tcpstate module not loaded, 3 not permitted\n"
"(flows, listeners and events need CAP_NET_ADMIN), 64 bad arguments.\n";

struct options {
	const char *cmd;
	bool json;
	bool prometheus;
	bool verbose;
	long count;		/* watch, events: 0 = until interrupted */
	bool has_state, has_role, has_addr, has_port;
	uint8_t state;
	uint8_t role;
	struct ts_endpoint addr;
	uint16_t port;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void usage_error(const char *fmt, const char *arg)
{
	fputs("tcpstatectl: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n", stderr);
	fputs(usage_text, stderr);
	exit(EXIT_USAGE);
}

/* Report a failure of @what and return the exit status it deserves. */
static int failed(struct nl *nl, int err, const char *what)
{
	if (err == -ENOENT) {
		fprintf(stderr, "tcpstatectl: tcpstate is not loaded (no generic netlink family \"%s\" in this network namespace)\n",
			TCPSTATE_FAMILY_NAME);
		return EXIT_NOMODULE;
	}
	if (err == -EPERM || err == -EACCES) {
		fprintf(stderr, "tcpstatectl: %s: not permitted (needs CAP_NET_ADMIN in this network namespace)\n",
			what);
		return EXIT_NOPERM;
	}
	fprintf(stderr, "tcpstatectl: %s: %s%s%s\n", what, strerror(-err),
		nl && nl->errmsg[0] ? ": " : "", nl ? nl->errmsg : "");
	return EXIT_FAIL;
}

/* ---------------------------------------------------------------- stats */

struct stats_reply {
	struct ts_stats *st;
	bool got;
};

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct stats_reply *r = data;

	if (ts_decode_stats(nlh, r->st) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	r->got = true;
	return MNL_CB_OK;
}

static int get_stats(struct nl *nl, struct ts_stats *st)
{
	struct stats_reply r = { .st = st };
	int err;

	err = nl_talk(nl, nl_request(nl, TCPSTATE_CMD_GET_STATS, false),
		      stats_cb, &r, NULL);
	if (!err && !r.got)
		err = -ENODATA;
	return err;
}

static int cmd_stats(struct nl *nl, const struct options *o)
{
	struct ts_stats st;
	int err = get_stats(nl, &st);

	if (err)
		return failed(nl, err, "stats");
	if (o->prometheus)
		print_stats_prometheus(stdout, &st);
	else if (o->json)
		print_stats_json(stdout, &st);
	else
		print_stats_text(stdout, &st);
	return 0;
}

/* ---------------------------------------------------------------- dumps */

/* What a dump collected: flows or listeners, in arrival order. */
struct collected {
	void *items;
	size_t size;		/* of one item */
	size_t n, cap;
	int (*decode)(const struct nlmsghdr *nlh, void *item);
};

static int collect_cb(const struct nlmsghdr *nlh, void *data)
{
	struct collected *c = data;
	void *items;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 256;
		items = realloc(c->items, c->cap * c->size);
		if (!items)
			return MNL_CB_ERROR;
		c->items = items;
	}
	if (c->decode(nlh, (char *)c->items + c->n * c->size) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	c->n++;
	return MNL_CB_OK;
}

/*
 * Dump with @build's request until a dump is not interrupted, at most
 * DUMP_TRIES times. Returns 0, 1 if every dump was interrupted (the last
 * one's items are kept), or a negative errno.
 */
static int dump(struct nl *nl, uint8_t cmd, const struct options *o,
		void (*build)(struct nlmsghdr *nlh, const struct options *o),
		struct collected *c)
{
	struct nlmsghdr *req;
	bool interrupted;
	int tries, err;

	for (tries = 0; tries < DUMP_TRIES; tries++) {
		c->n = 0;
		req = nl_request(nl, cmd, true);
		if (build)
			build(req, o);
		err = nl_talk(nl, req, collect_cb, c, &interrupted);
		if (err)
			return err;
		if (!interrupted)
			return 0;
		if (o->verbose)
			fprintf(stderr, "tcpstatectl: %s: dump %d interrupted (NLM_F_DUMP_INTR), %s\n",
				o->cmd, tries + 1, tries + 1 < DUMP_TRIES ?
				"retrying" : "giving up");
	}
	return 1;
}

static void print_items(const struct collected *c, bool json,
			void (*text)(FILE *f, const void *item),
			void (*js)(FILE *f, const void *item))
{
	size_t i;

	if (json)
		fputs("[", stdout);
	for (i = 0; i < c->n; i++) {
		const void *item = (const char *)c->items + i * c->size;

		if (json) {
			fputs(i ? ",\n" : "\n", stdout);
			js(stdout, item);
		} else {
			text(stdout, item);
		}
	}
	if (json)
		fputs(c->n ? "\n]\n" : "]\n", stdout);
}

/* After the last try: the output may hold a flow twice or miss one. */
static int dump_result(struct nl *nl, int ret, const char *what)
{
	if (ret < 0)
		return failed(nl, ret, what);
	if (ret > 0) {
		fprintf(stderr, "tcpstatectl: %s: the table kept changing; %d dumps were interrupted, the last one is shown and may be inconsistent\n",
			what, DUMP_TRIES);
		return EXIT_FAIL;
	}
	return 0;
}

static void build_flows(struct nlmsghdr *nlh, const struct options *o)
{
	if (o->has_state)
		mnl_attr_put_u8(nlh, TCPSTATE_A_FLOW_FILTER_STATE, o->state);
	if (o->has_role)
		mnl_attr_put_u8(nlh, TCPSTATE_A_FLOW_FILTER_ROLE, o->role);
	if (o->has_addr) {
		mnl_attr_put_u8(nlh, TCPSTATE_A_FLOW_FILTER_FAMILY,
				o->addr.family);
		mnl_attr_put(nlh, TCPSTATE_A_FLOW_FILTER_ADDR,
			     o->addr.family == AF_INET ? 4 : 16, o->addr.addr);
	}
	if (o->has_port)
		mnl_attr_put_u16(nlh, TCPSTATE_A_FLOW_FILTER_PORT, o->port);
}

static int decode_flow(const struct nlmsghdr *nlh, void *item)
{
	return ts_decode_flow(nlh, item);
}

static void text_flow(FILE *f, const void *item)
{
	print_flow_text(f, item);
}

static void json_flow(FILE *f, const void *item)
{
	print_flow_json(f, item);
}

static int cmd_flows(struct nl *nl, const struct options *o)
{
	struct collected c = { .size = sizeof(struct ts_flow),
			       .decode = decode_flow };
	int ret = dump(nl, TCPSTATE_CMD_GET_FLOWS, o, build_flows, &c);

	if (ret >= 0)
		print_items(&c, o->json, text_flow, json_flow);
	free(c.items);
	return dump_result(nl, ret, "flows");
}

static int decode_listener(const struct nlmsghdr *nlh, void *item)
{
	return ts_decode_listener(nlh, item);
}

static void text_listener(FILE *f, const void *item)
{
	print_listener_text(f, item);
}

static void json_listener(FILE *f, const void *item)
{
	print_listener_json(f, item);
}

static int cmd_listeners(struct nl *nl, const struct options *o)
{
	struct collected c = { .size = sizeof(struct ts_listener),
			       .decode = decode_listener };
	int ret = dump(nl, TCPSTATE_CMD_GET_LISTENERS, o, NULL, &c);

	if (ret >= 0)
		print_items(&c, o->json, text_listener, json_listener);
	free(c.items);
	return dump_result(nl, ret, "listeners");
}

/* --------------------------------------------------------------- events */

struct events {
	const struct options *o;
	bool seen;
	uint32_t last_seq;
	long n;
};

static void report_lost(const struct options *o, long lost)
{
	if (o->json) {
		if (lost < 0)
			fputs("{\"lost\": null}\n", stdout);
		else
			printf("{\"lost\": %ld}\n", lost);
	} else if (lost < 0) {
		puts("lost events: the receive queue overflowed");
	} else {
		printf("lost %ld event%s\n", lost, lost == 1 ? "" : "s");
	}
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct events *ev = data;
	struct ts_alarm a;

	if (ts_decode_alarm(nlh, &a) < 0) {
		fprintf(stderr, "tcpstatectl: events: malformed message skipped\n");
		return MNL_CB_OK;
	}
	/* The sequence numbers count every alarm change of the namespace. */
	if (ev->seen && a.seq != ev->last_seq + 1)
		report_lost(ev->o, (uint32_t)(a.seq - ev->last_seq - 1));
	ev->seen = true;
	ev->last_seq = a.seq;
	if (ev->o->json)
		print_alarm_json(stdout, &a);
	else
		print_alarm_text(stdout, &a);
	fflush(stdout);
	ev->n++;
	return MNL_CB_OK;
}

static int cmd_events(struct nl *nl, const struct options *o)
{
	struct events ev = { .o = o };
	int err = nl_subscribe(nl);

	if (err)
		return failed(nl, err, "events");
	while (!stop && (!o->count || ev.n < o->count)) {
		err = nl_recv_event(nl, event_cb, &ev);
		if (err == -ENOBUFS) {
			report_lost(o, -1);
			fflush(stdout);
		} else if (err && err != -EINTR) {
			return failed(nl, err, "events");
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- watch */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_until(double t)
{
	double left = t - now_s();
	struct timespec ts;

	if (left <= 0)
		return;
	ts.tv_sec = (time_t)left;
	ts.tv_nsec = (long)((left - ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);	/* a signal cuts it short */
}

static int cmd_watch(struct nl *nl, const struct options *o)
{
	bool tty = isatty(STDOUT_FILENO) && !o->json;
	struct ts_stats st, prev;
	double t, prev_t = 0;
	long n;
	int err;

	for (n = 0; !stop && (!o->count || n < o->count); n++) {
		if (n)
			sleep_until(prev_t + 1);
		if (stop)
			break;
		err = get_stats(nl, &st);
		if (err)
			return failed(nl, err, "watch");
		t = now_s();
		if (o->json) {
			print_stats_json(stdout, &st);
		} else {
			fputs(tty ? "\033[H\033[2J" : n ? "\n" : "", stdout);
			print_watch_text(stdout, &st, n ? &prev : NULL,
					 t - prev_t);
		}
		fflush(stdout);
		prev = st;
		prev_t = t;
	}
	return 0;
}

/* -------------------------------------------------------------- options */

static long parse_number(const char *arg, long min, long max,
			 const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		usage_error(what, arg);
	return v;
}

static void parse_state(struct options *o, const char *arg)
{
	int i;

	for (i = 0; i < TCPSTATE_NSTATES; i++)
		if (!strcasecmp(arg, ts_state_names[i])) {
			o->state = i;
			o->has_state = true;
			return;
		}
	usage_error("unknown state '%s'", arg);
}

static void parse_role(struct options *o, const char *arg)
{
	if (!strcmp(arg, "client"))
		o->role = TCPSTATE_CLIENT;
	else if (!strcmp(arg, "server"))
		o->role = TCPSTATE_SERVER;
	else
		usage_error("role must be client or server, not '%s'", arg);
	o->has_role = true;
}

static void parse_addr(struct options *o, const char *arg)
{
	if (inet_pton(AF_INET, arg, o->addr.addr) == 1)
		o->addr.family = AF_INET;
	else if (inet_pton(AF_INET6, arg, o->addr.addr) == 1)
		o->addr.family = AF_INET6;
	else
		usage_error("not an IPv4 or IPv6 address: '%s'", arg);
	o->has_addr = true;
}

/* Which options each command takes. */
static void check_options(const struct options *o)
{
	bool flows = !strcmp(o->cmd, "flows");

	if (!flows && (o->has_state || o->has_role || o->has_addr ||
		       o->has_port))
		usage_error("%s takes no --state, --role, --addr or --port",
			    o->cmd);
	if (o->prometheus && strcmp(o->cmd, "stats"))
		usage_error("--prometheus is for stats, not %s", o->cmd);
	if (o->count && strcmp(o->cmd, "watch") && strcmp(o->cmd, "events"))
		usage_error("--count is for watch and events, not %s", o->cmd);
}

static void parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "prometheus", no_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'c' },
		{ "state", required_argument, NULL, 's' },
		{ "role", required_argument, NULL, 'r' },
		{ "addr", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "jvpc:s:r:a:P:h", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'j': o->json = true; break;
		case 'v': o->verbose = true; break;
		case 'p': o->prometheus = true; break;
		case 'c':
			o->count = parse_number(optarg, 1, 1L << 30,
						"bad --count '%s'");
			break;
		case 's': parse_state(o, optarg); break;
		case 'r': parse_role(o, optarg); break;
		case 'a': parse_addr(o, optarg); break;
		case 'P':
			o->port = parse_number(optarg, 1, 65535,
					       "bad --port '%s'");
			o->has_port = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		default:
			fputs(usage_text, stderr);
			exit(EXIT_USAGE);
		}
	}
	if (optind != argc - 1)
		usage_error("%s", optind < argc ? "one command, please" :
			    "a command is needed");
	o->cmd = argv[optind];
}

static const struct {
	const char *name;
	int (*run)(struct nl *nl, const struct options *o);
} commands[] = {
	{ "stats", cmd_stats },
	{ "flows", cmd_flows },
	{ "listeners", cmd_listeners },
	{ "events", cmd_events },
	{ "watch", cmd_watch },
};

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct options o;
	struct nl nl;
	size_t i;
	int err, ret;

	parse_options(argc, argv, &o);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(o.cmd, commands[i].name))
			break;
	if (i == sizeof(commands) / sizeof(commands[0]))
		usage_error("unknown command '%s'", o.cmd);
	check_options(&o);
	/* No SA_RESTART: SIGINT ends a blocking receive or sleep. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	err = nl_open(&nl);
	if (err) {
		ret = failed(&nl, err, "netlink");
	} else {
		ret = commands[i].run(&nl, &o);
		if (fflush(stdout) && !ret)
			ret = failed(NULL, -errno, "output");
	}
	nl_close(&nl);
	return ret;
}
