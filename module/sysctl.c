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
 * One sysctl. An enter/exit pair is two neighbouring entries: @pair is +1
 * on the enter half (its exit follows) and -1 on the exit half.
 */
struct param_desc {
	const char *name;
	size_t offset;
	int min, max;
	int pair;
};

#define P(field, lo, hi, pair) \
	{ #field, offsetof(struct tcpstate_params, field), lo, hi, pair }

static const struct param_desc params[] = {
	P(max_flows, 1, MAX_MAX_FLOWS, 0),
	P(max_listeners, 1, 1 << 20, 0),
	P(syn_flood_enter, 1, INT_MAX, 1),
	P(syn_flood_exit, 1, INT_MAX, -1),
	P(syn_rate_enter, 1, INT_MAX, 1),
	P(syn_rate_exit, 1, INT_MAX, -1),
	P(timewait_enter, 1, INT_MAX, 1),
	P(timewait_exit, 1, INT_MAX, -1),
	P(syn_sent_enter, 1, INT_MAX, 1),
	P(syn_sent_exit, 1, INT_MAX, -1),
	P(close_wait_enter, 1, INT_MAX, 1),
	P(close_wait_exit, 1, INT_MAX, -1),
	P(timewait_ms, 1, INT_MAX, 0),
	P(timeout_handshake_ms, 1, INT_MAX, 0),
	P(timeout_established_ms, 1, INT_MAX, 0),
	P(timeout_closing_ms, 1, INT_MAX, 0),
	P(log_alarms, 0, 1, 0),
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

/* Serialises writers, so that two halves of a pair cannot cross. */
static DEFINE_MUTEX(param_lock);

static int *param_ptr(struct tcpstate_net *tn, unsigned int index)
{
	return (int *)((char *)&tn->params + params[index].offset);
}

/* Store a value if it is in range and keeps exit below enter. */
int tcpstate_param_store(struct tcpstate_net *tn, unsigned int index, int val)
{
	const struct param_desc *d;
	int err = -EINVAL, other;

	if (index >= ARRAY_SIZE(params))
		return -EINVAL;
	d = &params[index];
	if (val < d->min || val > d->max)
		return -EINVAL;
	mutex_lock(&param_lock);
	if (d->pair) {
		other = READ_ONCE(*param_ptr(tn, index + d->pair));
		/* exit must stay below enter */
		if (d->pair > 0 ? val <= other : val >= other)
			goto out;
	}
	WRITE_ONCE(*param_ptr(tn, index), val);
	err = 0;
out:
	mutex_unlock(&param_lock);
	return err;
}

static int param_handler(tcpstate_ctl_table *table, int write, void *buffer,
			 size_t *lenp, loff_t *ppos)
{
	struct tcpstate_net *tn = table->extra2;
	const struct param_desc *d = table->extra1;
	unsigned int index = d - params;
	int val = READ_ONCE(*param_ptr(tn, index));
	struct ctl_table tmp = {
		.data = &val,
		.maxlen = sizeof(val),
		.extra1 = (void *)&d->min,
		.extra2 = (void *)&d->max,
	};
	int err;

	/* Tuning a namespace is for its network administrator only. */
	if (write && !ns_capable(tn->net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	err = proc_dointvec_minmax(&tmp, write, buffer, lenp, ppos);
	if (err || !write)
		return err;
	return tcpstate_param_store(tn, index, val);
}

int tcpstate_sysctl_init(struct tcpstate_net *tn)
{
	struct ctl_table *table;
	unsigned int i;

	/* One spare, zeroed entry: the terminator older kernels need. */
	table = kcalloc(ARRAY_SIZE(params) + 1, sizeof(*table), GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(params); i++) {
		table[i].procname = params[i].name;
		table[i].data = param_ptr(tn, i);
		table[i].maxlen = sizeof(int);
		table[i].mode = 0644;
		table[i].proc_handler = param_handler;
		table[i].extra1 = (void *)&params[i];
		table[i].extra2 = tn;
	}
	tn->sysctl = tcpstate_register_sysctl(tn->net, "net/tcpstate", table,
					      ARRAY_SIZE(params));
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
