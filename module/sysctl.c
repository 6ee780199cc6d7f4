// SPDX-License-Identifier: GPL-2.0
/* Per-namespace sysctls: every write validated, a bad one changes nothing. */

#include <linux/capability.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include "compat.h"
#include "sysctl.h"
#include "tcpstate.h"

/*
 * Defaults, and why:
 * - max_flows: 262144 flows of about 200 bytes is ~50 MB at worst, far
 *   more than the connections of a busy server.
 * - syn_flood: a healthy listener has accept rate x RTT half-open
 *   connections (1000/s x 100 ms = 100); 256 is well past that and below
 *   Linux's SYN backlog, so the alarm comes before SYN cookies do.
 * - syn_rate: 1000 unanswered SYNs a second at one listener is not a
 *   retransmission storm any more.
 * - timewait: 20000 is most of an ephemeral port range (28232 ports) to
 *   one destination.
 * - syn_sent: 512 outgoing connection attempts left unanswered at once is
 *   a scan, a worm, or an upstream that is down.
 * - close_wait: 128 sockets whose peer closed but whose application has
 *   not, on one listener, is a leak, not a slow reader.
 * - timewait_ms: Linux's 2MSL (60 s); the timeouts follow conntrack.
 */
#define DEFAULT_MAX_FLOWS	262144
#define MAX_MAX_FLOWS		67108864

const struct tcpstate_params tcpstate_default_params = {
	.max_flows = DEFAULT_MAX_FLOWS,
	.max_listeners = 4096,
	.syn_flood_enter = 256,
	.syn_flood_exit = 64,
	.syn_rate_enter = 1000,
	.syn_rate_exit = 100,
	.timewait_enter = 20000,
	.timewait_exit = 10000,
	.syn_sent_enter = 512,
	.syn_sent_exit = 128,
	.close_wait_enter = 128,
	.close_wait_exit = 32,
	.timewait_ms = 60000,
	.timeout_handshake_ms = 120000,
	.timeout_established_ms = 432000000,
	.timeout_closing_ms = 120000,
	.log_alarms = 1,
};

/*
 * Timeouts stay far below the wrap of the 32-bit jiffies differences that
 * idle times are kept in (24.8 days at HZ=1000, signed): 10 days at most.
 */
#define MAX_TIMEOUT_MS		864000000

/* All namespaces together: four times the default cap of one. */
#define DEFAULT_MAX_FLOWS_TOTAL	(4 * DEFAULT_MAX_FLOWS)
#define MAX_MAX_FLOWS_TOTAL	(4 * MAX_MAX_FLOWS)

/*
 * One sysctl: one value, or an ENTER EXIT pair of two neighbouring
 * fields written at once (as ip_local_port_range is), EXIT below ENTER.
 */
struct param_desc {
	const char *name;
	size_t offset;
	int min, max;
	u8 n;		/* values: 1, or 2 for a pair */
	u8 host;	/* a memory cap: CAP_NET_ADMIN of the initial userns */
};

#define P(field, lo, hi, host) \
	{ #field, offsetof(struct tcpstate_params, field), lo, hi, 1, host }
#define PAIR(name, lo, hi) \
	{ #name, offsetof(struct tcpstate_params, name##_enter), lo, hi, 2, 0 }

static const struct param_desc params[] = {
	P(max_flows, 1, MAX_MAX_FLOWS, 1),
	P(max_listeners, 1, 1 << 20, 1),
	PAIR(syn_flood, 1, INT_MAX),
	PAIR(syn_rate, 1, INT_MAX),
	PAIR(timewait, 1, INT_MAX),
	PAIR(syn_sent, 1, INT_MAX),
	PAIR(close_wait, 1, INT_MAX),
	P(timewait_ms, 1, MAX_TIMEOUT_MS, 0),
	P(timeout_handshake_ms, 1, MAX_TIMEOUT_MS, 0),
	P(timeout_established_ms, 1, MAX_TIMEOUT_MS, 0),
	P(timeout_closing_ms, 1, MAX_TIMEOUT_MS, 0),
	P(log_alarms, 0, 1, 0),
};

/* Each pair's exit follows its enter in struct tcpstate_params. */
static_assert(offsetof(struct tcpstate_params, syn_flood_exit) ==
	      offsetof(struct tcpstate_params, syn_flood_enter) + sizeof(int));
static_assert(offsetof(struct tcpstate_params, syn_rate_exit) ==
	      offsetof(struct tcpstate_params, syn_rate_enter) + sizeof(int));
static_assert(offsetof(struct tcpstate_params, timewait_exit) ==
	      offsetof(struct tcpstate_params, timewait_enter) + sizeof(int));
static_assert(offsetof(struct tcpstate_params, syn_sent_exit) ==
	      offsetof(struct tcpstate_params, syn_sent_enter) + sizeof(int));
static_assert(offsetof(struct tcpstate_params, close_wait_exit) ==
	      offsetof(struct tcpstate_params, close_wait_enter) + sizeof(int));

/*
 * net.tcpstate.max_flows_total, in the initial namespace only: flow
 * entries of all namespaces together. Counted per CPU; compared exactly
 * only near the cap.
 */
int tcpstate_max_flows_total = DEFAULT_MAX_FLOWS_TOTAL;
static const struct param_desc total_desc = {
	"max_flows_total", 0, 1, MAX_MAX_FLOWS_TOTAL, 1, 1
};

/*
 * The initial namespace tracks from the moment the module loads, before a
 * sysctl can be written: its cap can be given on the insmod/modprobe line.
 * Validated like the sysctl, so a bad value fails the load.
 */
static unsigned int load_max_flows = DEFAULT_MAX_FLOWS;

static int load_max_flows_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, MAX_MAX_FLOWS);
}

static const struct kernel_param_ops load_max_flows_ops = {
	.set = load_max_flows_set,
	.get = param_get_uint,
};

module_param_cb(max_flows, &load_max_flows_ops, &load_max_flows, 0444);
__MODULE_PARM_TYPE(max_flows, "uint");
MODULE_PARM_DESC(max_flows,
		 "net.tcpstate.max_flows of the initial namespace at load, which new namespaces copy (1..67108864, default 262144)");

/* The initial namespace's parameters: the defaults and the load line. */
void tcpstate_params_initial(struct tcpstate_params *p)
{
	*p = tcpstate_default_params;
	p->max_flows = load_max_flows;
}

/* Serialises writers, and the copy a new namespace makes of init's. */
static DEFINE_MUTEX(param_lock);

void tcpstate_params_copy(struct tcpstate_params *to,
			  const struct tcpstate_params *from)
{
	mutex_lock(&param_lock);
	*to = *from;
	mutex_unlock(&param_lock);
}

static int *param_ptr(struct tcpstate_net *tn, const struct param_desc *d)
{
	if (d == &total_desc)
		return &tcpstate_max_flows_total;
	return (int *)((char *)&tn->params + d->offset);
}

/* Store @d's values if each is in range and a pair's exit is below enter. */
static int store(struct tcpstate_net *tn, const struct param_desc *d,
		 const int *val)
{
	int *p = param_ptr(tn, d);
	int i;

	for (i = 0; i < d->n; i++)
		if (val[i] < d->min || val[i] > d->max)
			return -EINVAL;
	if (d->n == 2 && val[1] >= val[0])
		return -EINVAL;
	mutex_lock(&param_lock);
	for (i = 0; i < d->n; i++)
		WRITE_ONCE(p[i], val[i]);
	mutex_unlock(&param_lock);
	/* Flows are filed by deadlines these made: file them again. */
	if (d->offset >= offsetof(struct tcpstate_params, timewait_ms) &&
	    d->offset <= offsetof(struct tcpstate_params, timeout_closing_ms))
		tcpstate_table_retime(tn);
	return 0;
}

/* The sysctl @index (0.. in the order of net.tcpstate's table), for KUnit. */
int tcpstate_param_store(struct tcpstate_net *tn, unsigned int index,
			 const int *val)
{
	if (index >= ARRAY_SIZE(params))
		return -EINVAL;
	return store(tn, &params[index], val);
}

/*
 * Tuning a namespace is for its network administrator; its memory caps
 * are the host's: the root of an unprivileged container may not raise
 * them (as nf_conntrack_max is read-only outside the initial namespace).
 */
static bool may_write(struct tcpstate_net *tn, const struct param_desc *d)
{
	if (d->host)
		return capable(CAP_NET_ADMIN);
	return ns_capable(tn->net->user_ns, CAP_NET_ADMIN);
}

static int param_handler(tcpstate_ctl_table *table, int write, void *buffer,
			 size_t *lenp, loff_t *ppos)
{
	struct tcpstate_net *tn = table->extra2;
	const struct param_desc *d = table->extra1;
	int val[2], i, err;
	struct ctl_table tmp = {
		.data = val,
		.maxlen = d->n * sizeof(int),
	};

	if (write && !may_write(tn, d))
		return -EPERM;
	mutex_lock(&param_lock);
	for (i = 0; i < d->n; i++)
		val[i] = READ_ONCE(param_ptr(tn, d)[i]);
	mutex_unlock(&param_lock);
	/* Parsed whole first: a bad number fails before anything changes. */
	err = proc_dointvec(&tmp, write, buffer, lenp, ppos);
	if (err || !write)
		return err;
	return store(tn, d, val);
}

static void fill_entry(struct ctl_table *entry, struct tcpstate_net *tn,
		       const struct param_desc *d)
{
	entry->procname = d->name;
	entry->data = param_ptr(tn, d);
	entry->maxlen = d->n * sizeof(int);
	entry->mode = 0644;
	entry->proc_handler = param_handler;
	entry->extra1 = (void *)d;
	entry->extra2 = tn;
}

int tcpstate_sysctl_init(struct tcpstate_net *tn)
{
	size_t n = ARRAY_SIZE(params) + net_eq(tn->net, &init_net);
	struct ctl_table *table;
	unsigned int i;

	/* One spare, zeroed entry: the terminator older kernels need. */
	table = kcalloc(n + 1, sizeof(*table), GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(params); i++)
		fill_entry(&table[i], tn, &params[i]);
	if (n > ARRAY_SIZE(params))
		fill_entry(&table[i], tn, &total_desc);
	tn->sysctl = tcpstate_register_sysctl(tn->net, "net/tcpstate", table,
					      n);
	if (!tn->sysctl) {
		kfree(table);
		return -ENOMEM;
	}
	return 0;
}

void tcpstate_sysctl_exit(struct tcpstate_net *tn)
{
	const struct ctl_table *table = tn->sysctl->ctl_table_arg;

	unregister_net_sysctl_table(tn->sysctl);
	kfree(table);
}
