// SPDX-License-Identifier: GPL-2.0
/* Module and namespace life cycle of tcpstate. */

#include <linux/module.h>
#include <net/netns/generic.h>
#include "tcpstate.h"
#include "hooks.h"
#include "netlink.h"
#include "proc.h"
#include "sysctl.h"

static unsigned int tcpstate_net_id __read_mostly;

struct tcpstate_net *tcpstate_pernet(const struct net *net)
{
	return net_generic(net, tcpstate_net_id);
}

/* A new namespace starts from the initial namespace's values. */
static void init_params(struct tcpstate_net *tn)
{
	if (net_eq(tn->net, &init_net)) {
		tcpstate_params_initial(&tn->params);
		return;
	}
	tcpstate_params_copy(&tn->params, &tcpstate_pernet(&init_net)->params);
}

static int __net_init tcpstate_net_init(struct net *net)
{
	struct tcpstate_net *tn = tcpstate_pernet(net);
	int err;

	tn->net = net;
	init_params(tn);
	err = tcpstate_stats_init(tn);
	if (err)
		return err;
	err = tcpstate_detect_init(tn);
	if (err)
		goto err_stats;
	err = tcpstate_table_init(tn);
	if (err)
		goto err_detect;
	err = tcpstate_proc_net_init(tn);
	if (err)
		goto err_table;
	err = tcpstate_sysctl_init(tn);
	if (err)
		goto err_proc;
	err = tcpstate_hooks_register(net);
	if (err)
		goto err_sysctl;
	return 0;

err_sysctl:
	tcpstate_sysctl_exit(tn);
err_proc:
	tcpstate_proc_net_exit(tn);
err_table:
	tcpstate_table_exit(tn);
err_detect:
	tcpstate_detect_exit(tn);
err_stats:
	tcpstate_stats_exit(tn);
	return err;
}

static void __net_exit tcpstate_net_exit(struct net *net)
{
	struct tcpstate_net *tn = tcpstate_pernet(net);

	tcpstate_hooks_unregister(net);
	tcpstate_sysctl_exit(tn);
	tcpstate_proc_net_exit(tn);
	tcpstate_table_exit(tn);
	tcpstate_detect_exit(tn);
	tcpstate_stats_exit(tn);
}

static struct pernet_operations tcpstate_net_ops = {
	.init = tcpstate_net_init,
	.exit = tcpstate_net_exit,
	.id = &tcpstate_net_id,
	.size = sizeof(struct tcpstate_net),
};

static int __init tcpstate_init(void)
{
	int err;

	err = tcpstate_table_module_init();
	if (err)
		return err;
	err = tcpstate_detect_module_init();
	if (err)
		goto err_table;
	err = register_pernet_subsys(&tcpstate_net_ops);
	if (err)
		goto err_detect;
	err = tcpstate_proc_init();
	if (err)
		goto err_pernet;
	err = tcpstate_netlink_init();
	if (err)
		goto err_proc;
	pr_info("tcpstate %s loaded\n", TCPSTATE_VERSION);
	return 0;

err_proc:
	tcpstate_proc_exit();
err_pernet:
	unregister_pernet_subsys(&tcpstate_net_ops);
err_detect:
	rcu_barrier();	/* listeners still waiting in call_rcu() */
	tcpstate_detect_module_exit();
err_table:
	tcpstate_table_module_exit();
	return err;
}

static void __exit tcpstate_exit(void)
{
	tcpstate_netlink_exit();
	tcpstate_proc_exit();
	unregister_pernet_subsys(&tcpstate_net_ops);
	tcpstate_table_module_exit();
	tcpstate_detect_module_exit();
}

module_init(tcpstate_init);
module_exit(tcpstate_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Passive tracker of both endpoints' TCP states");
MODULE_VERSION(TCPSTATE_VERSION);
