// SPDX-License-Identifier: GPL-2.0
/* procfs: the gauges and counters, and a dump of the flows. */

#include <linux/jiffies.h>
#include <linux/nsproxy.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uidgid.h>
#include "tcpstate.h"
#include "proc.h"

static struct proc_dir_entry *proc_stats;

/* Exactly the shape of DESIGN.md section 3: tests and tools parse it. */
static int stats_show(struct seq_file *seq, void *v)
{
	struct tcpstate_net *tn = tcpstate_pernet(seq->private);
	struct tcpstate_snapshot *snap;
	int i;

	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	tcpstate_stats_snapshot(tn, snap);
	seq_printf(seq, "tcpstate %s\n", TCPSTATE_VERSION);
	seq_printf(seq, "%-11s %8s %8s\n", "STATE", "CLIENT", "SERVER");
	for (i = 0; i < TCPSTATE_NSTATES; i++)
		seq_printf(seq, "%-11s %8u %8u\n", tcpstate_state_names[i],
			   snap->gauge[TCPSTATE_CLIENT][i],
			   snap->gauge[TCPSTATE_SERVER][i]);
	seq_printf(seq, "\nflows %u\nmax_flows %d\nmode %s\n", snap->flows,
		   READ_ONCE(tn->params.max_flows), "normal");
	for (i = 0; i < TCPSTATE_NCOUNTERS; i++)
		seq_printf(seq, "%s %llu\n", tcpstate_counter_names[i],
			   snap->counter[i]);
	for (i = 0; i < TCPSTATE_NDETECTORS; i++)
		seq_printf(seq, "%s %s\n", tcpstate_detector_names[i], "off");
	kfree(snap);
	return 0;
}

/* The namespace shown is the opener's, pinned for as long as it is open. */
static int stats_open(struct inode *inode, struct file *file)
{
	struct net *net = get_net(current->nsproxy->net_ns);
	int err = single_open(file, stats_show, net);

	if (err)
		put_net(net);
	return err;
}

static int stats_release(struct inode *inode, struct file *file)
{
	put_net(((struct seq_file *)file->private_data)->private);
	return single_release(inode, file);
}

static const struct proc_ops stats_proc_ops = {
	.proc_open = stats_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = stats_release,
};

struct flows_iter {
	struct rhashtable_iter iter;
	struct tcpstate_net *tn;
	bool walked;
};

/* Skip what a resize (-EAGAIN, the walk restarts) puts in the way. */
static void *flows_valid(struct flows_iter *it, void *flow)
{
	while (IS_ERR(flow) && PTR_ERR(flow) == -EAGAIN)
		flow = rhashtable_walk_next(&it->iter);
	return IS_ERR(flow) ? NULL : flow;
}

/* seq_file asks again for the flow that did not fit: peek, don't advance. */
static void *flows_start(struct seq_file *seq, loff_t *pos)
{
	struct flows_iter *it = seq->private;

	if (!*pos && it->walked) {
		rhashtable_walk_exit(&it->iter);
		rhashtable_walk_enter(&it->tn->table.flows, &it->iter);
	}
	it->walked = true;
	rhashtable_walk_start(&it->iter);
	return flows_valid(it, rhashtable_walk_peek(&it->iter));
}

static void *flows_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct flows_iter *it = seq->private;

	++*pos;
	return flows_valid(it, rhashtable_walk_next(&it->iter));
}

static void flows_stop(struct seq_file *seq, void *v)
{
	struct flows_iter *it = seq->private;

	rhashtable_walk_stop(&it->iter);
}

static void show_endpoint(struct seq_file *seq, const struct tcpstate_key *key,
			  int end)
{
	if (key->family == AF_INET)
		seq_printf(seq, "%pI4:%u", &key->addr[end].s6_addr32[0],
			   ntohs(key->port[end]));
	else
		seq_printf(seq, "[%pI6c]:%u", &key->addr[end],
			   ntohs(key->port[end]));
}

static int flows_show(struct seq_file *seq, void *v)
{
	struct tcpstate_flow *flow = v;
	struct tcpstate_history history;
	struct tcpstate_pair pair;
	unsigned long now = jiffies;
	unsigned long created, last;

	spin_lock_bh(&flow->lock);
	pair = flow->pair;
	history = flow->history;
	created = flow->created;
	last = flow->last;
	spin_unlock_bh(&flow->lock);
	if (!tcpstate_fsm_live(&pair))
		return SEQ_SKIP;	/* tombstones are not flows */

	show_endpoint(seq, &flow->key, pair.client_dir);
	seq_putc(seq, ' ');
	show_endpoint(seq, &flow->key, !pair.client_dir);
	seq_printf(seq, " %s %s %u %u %.*s\n",
		   tcpstate_state_names[pair.end[TCPSTATE_CLIENT].state],
		   tcpstate_state_names[pair.end[TCPSTATE_SERVER].state],
		   jiffies_to_msecs(now - created), jiffies_to_msecs(now - last),
		   TCPSTATE_HISTORY_LEN,
		   history.letters[0] ? history.letters : "-");
	return 0;
}

static const struct seq_operations flows_seq_ops = {
	.start = flows_start,
	.next = flows_next,
	.stop = flows_stop,
	.show = flows_show,
};

static int flows_open(struct inode *inode, struct file *file)
{
	struct flows_iter *it;

	it = __seq_open_private(file, &flows_seq_ops, sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->tn = pde_data(inode);
	rhashtable_walk_enter(&it->tn->table.flows, &it->iter);
	return 0;
}

static int flows_release(struct inode *inode, struct file *file)
{
	struct flows_iter *it = ((struct seq_file *)file->private_data)->private;

	rhashtable_walk_exit(&it->iter);
	return seq_release_private(inode, file);
}

static const struct proc_ops flows_proc_ops = {
	.proc_open = flows_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = flows_release,
};

/* Flows are not for everyone: 0440, owned by the namespace's root. */
static void set_owner(struct proc_dir_entry *pde, struct net *net)
{
	kuid_t uid = make_kuid(net->user_ns, 0);
	kgid_t gid = make_kgid(net->user_ns, 0);

	if (uid_valid(uid) && gid_valid(gid))
		proc_set_user(pde, uid, gid);
}

int tcpstate_proc_net_init(struct tcpstate_net *tn)
{
	struct proc_dir_entry *pde;

	pde = proc_create_data("tcpstate", 0440, tn->net->proc_net,
			       &flows_proc_ops, tn);
	if (!pde)
		return -ENOMEM;
	set_owner(pde, tn->net);
	return 0;
}

/* Returns once every open file of this namespace has been released. */
void tcpstate_proc_net_exit(struct tcpstate_net *tn)
{
	remove_proc_entry("tcpstate", tn->net->proc_net);
}

int tcpstate_proc_init(void)
{
	proc_stats = proc_create("tcpstate", 0444, NULL, &stats_proc_ops);
	return proc_stats ? 0 : -ENOMEM;
}

void tcpstate_proc_exit(void)
{
	proc_remove(proc_stats);
}
