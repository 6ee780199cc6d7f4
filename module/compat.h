/* SPDX-License-Identifier: GPL-2.0 */
/* The few kernel API differences between 6.1 and 6.12, in one place. */
#ifndef _TCPSTATE_COMPAT_H
#define _TCPSTATE_COMPAT_H

#include <linux/slab.h>
#include <linux/version.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

/* 6.11 made the table argument of sysctl handlers const. */
#if KERNEL_VERSION(6, 11, 0) <= LINUX_VERSION_CODE
#define tcpstate_ctl_table const struct ctl_table
#else
#define tcpstate_ctl_table struct ctl_table
#endif

/* 6.6 added the table size to register_net_sysctl(). */
static inline struct ctl_table_header *
tcpstate_register_sysctl(struct net *net, const char *path,
			 struct ctl_table *table, size_t entries)
{
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
	return register_net_sysctl_sz(net, path, table, entries);
#else
	return register_net_sysctl(net, path, table);
#endif
}

/* 6.6 gave a dump its request as a struct genl_info. */
static inline struct nlattr **tcpstate_dump_attrs(struct netlink_callback *cb)
{
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * A slab cache that SLUB never merges with another of its size, so that
 * /proc/slabinfo names it (96-byte flows would join kmalloc-96): 6.5 has
 * a flag for it; before, SLAB_NOLEAKTRACE is one of the flags that keep
 * a cache apart (it only hides the objects from kmemleak, whose scan
 * finds no pointer that only a flow holds).
 */
#ifdef SLAB_NO_MERGE
#define TCPSTATE_SLAB_NO_MERGE	SLAB_NO_MERGE
#else
#define TCPSTATE_SLAB_NO_MERGE	SLAB_NOLEAKTRACE
#endif

#endif /* _TCPSTATE_COMPAT_H */
