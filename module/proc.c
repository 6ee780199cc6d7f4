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
		   READ_ONCE(tn->params.max_flows),
		   tcpstate_detect_raised(tn, TCPSTATE_DET_syn_flood) ?
		   "flood" : "normal");
	for (i = 0; i < TCPSTATE_NCOUNTERS; i++)
		seq_printf(seq, "%s %llu\n", tcpstate_counter_names[i],
			   snap->counter[i]);
	for (i = 0; i < TCPSTATE_NDETECTORS; i++)
		seq_printf(seq, "%s %s\n", tcpstate_detector_names[i],
			   tcpstate_detect_raised(tn, i) ? "on" : "off");
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

/*
 * A seq_file over a hash table (flows or listeners), resumable. A growth
 * of the table between two reads starts the walk over (as an rhashtable
 * walk does on a resize): a reader may then see an entry twice.
 */
struct walk_iter {
	struct tcpstate_hash_iter iter;
	struct tcpstate_hash *ht;
	unsigned int steps;
	bool walked;
};

/*
 * Let RCU and the CPU breathe every so many entries: a read that seeks
 * far (seq_file steps from the start) walks a million flows otherwise.
 */
#define WALK_BATCH	1024

/* seq_file asks again for the flow that did not fit: peek, don't advance. */
static void *walk_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct walk_iter *it = seq->private;

	if (!*pos && it->walked)
		tcpstate_hash_walk_enter(it->ht, &it->iter);
	it->walked = true;
	tcpstate_hash_walk_start(&it->iter);
	return tcpstate_hash_walk_peek(&it->iter);
}

static void *walk_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct walk_iter *it = seq->private;

	++*pos;
	if (!(++it->steps % WALK_BATCH)) {
		tcpstate_hash_walk_stop(&it->iter);
		cond_resched();
		tcpstate_hash_walk_start(&it->iter);
	}
	return tcpstate_hash_walk_next(&it->iter);
}

static void walk_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	struct walk_iter *it = seq->private;

	tcpstate_hash_walk_stop(&it->iter);
}

static int walk_open(struct file *file, const struct seq_operations *ops,
		     struct tcpstate_hash *ht)
{
	struct walk_iter *it;

	it = __seq_open_private(file, ops, sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->ht = ht;
	tcpstate_hash_walk_enter(ht, &it->iter);
	return 0;
}

static void show_endpoint(struct seq_file *seq, u8 family,
			  const struct in6_addr *addr, __be16 port)
{
	char ep[64];

	tcpstate_format_endpoint(ep, sizeof(ep), family, addr, port);
	seq_puts(seq, ep);
}

static int flows_show(struct seq_file *seq, void *v)
{
	struct tcpstate_flow_view f;

	if (!tcpstate_flow_view(v, &f))
		return SEQ_SKIP;	/* tombstones are not flows */
	show_endpoint(seq, f.key.family, &f.key.addr[f.client_dir],
		      f.key.port[f.client_dir]);
	seq_putc(seq, ' ');
	show_endpoint(seq, f.key.family, &f.key.addr[!f.client_dir],
		      f.key.port[!f.client_dir]);
	seq_printf(seq, " %s %s %llu %llu %s\n",
		   tcpstate_state_names[f.state[TCPSTATE_CLIENT]],
		   tcpstate_state_names[f.state[TCPSTATE_SERVER]],
		   f.age_ms, f.idle_ms, f.history[0] ? f.history : "-");
	return 0;
}

static const struct seq_operations flows_seq_ops = {
	.start = walk_start,
	.next = walk_next,
	.stop = walk_stop,
	.show = flows_show,
};

static int flows_open(struct inode *inode, struct file *file)
{
	struct tcpstate_net *tn = pde_data(inode);

	return walk_open(file, &flows_seq_ops, &tn->table.flows);
}

static const struct proc_ops flows_proc_ops = {
	.proc_open = flows_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = seq_release_private,
};

/* Listeners with half-open flows or a raised alarm; rates per second. */
static int listeners_show(struct seq_file *seq, void *v)
{
	struct tcpstate_listener *l = v;
	struct tcpstate_figures f;
	int det, n = 0;

	tcpstate_listener_figures(l, jiffies, &f);
	if (!f.half_open && !f.alarms)
		return SEQ_SKIP;
	show_endpoint(seq, l->key.family, &l->key.addr, l->key.port);
	seq_printf(seq, " %u %u %u ", f.half_open, f.syn_per_s,
		   f.handshakes_per_s);
	for (det = 0; det < TCPSTATE_NDETECTORS; det++)
		if (f.alarms & BIT(det))
			seq_printf(seq, "%s%s", n++ ? "," : "",
				   tcpstate_detector_names[det]);
	seq_puts(seq, n ? "\n" : "-\n");
	return 0;
}

static const struct seq_operations listeners_seq_ops = {
	.start = walk_start,
	.next = walk_next,
	.stop = walk_stop,
	.show = listeners_show,
};

static int listeners_open(struct inode *inode, struct file *file)
{
	struct tcpstate_net *tn = pde_data(inode);

	return walk_open(file, &listeners_seq_ops, &tn->detect.listeners);
}

static const struct proc_ops listeners_proc_ops = {
	.proc_open = listeners_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = seq_release_private,
};

/* Flows are not for everyone: 0440, owned by the namespace's root. */
static void set_owner(struct proc_dir_entry *pde, struct net *net)
{
	kuid_t uid = make_kuid(net->user_ns, 0);
	kgid_t gid = make_kgid(net->user_ns, 0);

	if (uid_valid(uid) && gid_valid(gid))
		proc_set_user(pde, uid, gid);
}

static int create_net_file(struct tcpstate_net *tn, const char *name,
			   const struct proc_ops *ops)
{
	struct proc_dir_entry *pde;

	pde = proc_create_data(name, 0440, tn->net->proc_net, ops, tn);
	if (!pde)
		return -ENOMEM;
	set_owner(pde, tn->net);
	return 0;
}

int tcpstate_proc_net_init(struct tcpstate_net *tn)
{
	int err = create_net_file(tn, "tcpstate", &flows_proc_ops);

	if (err)
		return err;
	err = create_net_file(tn, "tcpstate_listeners", &listeners_proc_ops);
	if (err)
		remove_proc_entry("tcpstate", tn->net->proc_net);
	return err;
}

/* Returns once every open file of this namespace has been released. */
void tcpstate_proc_net_exit(struct tcpstate_net *tn)
{
	remove_proc_entry("tcpstate_listeners", tn->net->proc_net);
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
