/* SPDX-License-Identifier: GPL-2.0 */
/* Listener aggregates and the anomaly detectors built on them. */
#ifndef _TCPSTATE_DETECT_H
#define _TCPSTATE_DETECT_H

#include <linux/ratelimit.h>
#include <linux/spinlock.h>
#include "hash.h"
#include "parse.h"
#include "ring.h"

struct tcpstate_net;

/* A server endpoint: what SYNs are sent to. */
struct tcpstate_lkey {
	struct in6_addr addr;
	__be16 port;
	u8 family;
	u8 pad;
};

/* What happened at a listener within one second. */
struct tcpstate_window {
	u32 syn;
	u32 handshakes;
	u32 deferred;	/* SYNs not tracked because of flood mode */
};

struct tcpstate_listener {
	struct tcpstate_hnode node;
	struct tcpstate_lkey key;
	spinlock_t lock;	/* the figures below, from many flows */
	int half_open;		/* tracked server ends in LISTEN or SYN_RCVD */
	int syn_rcvd;		/* those of them that answered (SYN_RCVD) */
	int close_wait;		/* tracked server ends in CLOSE_WAIT */
	struct tcpstate_window cur, prev;
	unsigned long start;	/* jiffies when @cur began */
	unsigned long active;	/* jiffies of the last SYN or transition */
	u8 alarms;		/* BIT(TCPSTATE_DET_*) */
	u8 dead;
	struct rcu_head rcu;
};

/* A listener's figures as the detectors and the files see them. */
struct tcpstate_figures {
	u32 half_open;
	u32 syn_per_s;		/* over the last full second */
	u32 syn_recent;		/* the same, or the second under way if more */
	u32 handshakes_per_s;
	u32 uncompleted;	/* SYNs a second that no handshake answered */
	u32 close_wait;
	u8 alarms;
};

/*
 * Keys of the listeners each CPU made last (ring.h): when max_listeners
 * is reached, the first of them that nothing but unanswered SYNs holds
 * is recycled at once.
 */
#define TCPSTATE_LRING_SLOTS	16

struct tcpstate_detect {
	struct tcpstate_hash listeners;
	struct tcpstate_ring __percpu *recent;	/* keys of new listeners */
	/* Aggregates whatever found no slot: it still raises syn_flood. */
	struct tcpstate_listener catchall;
	atomic_t nr_listeners;
	atomic_t raised[TCPSTATE_NDETECTORS];	/* listeners (or 1) alarmed */
	atomic_t seq;				/* alarm changes, for events */
	u8 ns_alarms;				/* the namespace-wide detectors */
	u32 __rcu *seen_synacks;		/* fingerprints, see detect.c */
	u32 seed;
	struct ratelimit_state log_rs;		/* this namespace's alarm log */
};

int tcpstate_detect_module_init(void);
void tcpstate_detect_module_exit(void);
int tcpstate_detect_init(struct tcpstate_net *tn);
void tcpstate_detect_exit(struct tcpstate_net *tn);

/*
 * What one segment owes its listener besides the moves of its server end:
 * gathered along the packet path so that a segment looks its listener up
 * once and updates it once.
 */
struct tcpstate_lnote {
	const struct tcpstate_key *key;
	struct tcpstate_listener *l;	/* found for @end, if looked up */
	int end;			/* the server end the counts are for */
	u32 syn;
	u32 handshakes;
};

bool tcpstate_detect_syn(struct tcpstate_net *tn, struct tcpstate_lnote *note,
			 int server_end, bool untracked, unsigned long now);
bool tcpstate_detect_flooding(struct tcpstate_net *tn,
			      const struct tcpstate_key *key, int server_end);
void tcpstate_detect_synack(struct tcpstate_net *tn,
			    const struct tcpstate_key *key, u32 isn);
bool tcpstate_detect_synack_seen(struct tcpstate_net *tn,
				 const struct tcpstate_key *key, u32 ack);

/* Fingerprints of SYN-ACKs that flood mode did not track (64 KiB). */
#define TCPSTATE_SYNACK_SLOTS	16384
void tcpstate_detect_handshake(struct tcpstate_net *tn,
			       struct tcpstate_lnote *note, int server_end,
			       unsigned long now);
void tcpstate_detect_deliver(struct tcpstate_net *tn,
			     struct tcpstate_lnote *note, unsigned long now);

/* Deliver what no move of the segment's flow took with it. */
static inline void tcpstate_detect_flush(struct tcpstate_net *tn,
					 struct tcpstate_lnote *note,
					 unsigned long now)
{
	if (note->syn || note->handshakes)
		tcpstate_detect_deliver(tn, note, now);
}

void tcpstate_detect_server_move(struct tcpstate_net *tn,
				 const struct tcpstate_key *key,
				 int from_end, u8 from, int to_end, u8 to,
				 struct tcpstate_lnote *note, unsigned long now);
void tcpstate_detect_tick(struct tcpstate_net *tn, unsigned long now);
#if IS_ENABLED(CONFIG_KUNIT)
void tcpstate_detect_recycle(struct tcpstate_net *tn,
			     struct tcpstate_listener *l);
#endif

bool tcpstate_detect_raised(struct tcpstate_net *tn, int detector);
void tcpstate_listener_figures(struct tcpstate_listener *l, unsigned long now,
			       struct tcpstate_figures *f);
int tcpstate_format_endpoint(char *buf, size_t size, u8 family,
			     const struct in6_addr *addr, __be16 port);

struct tcpstate_listener *tcpstate_detect_lookup(struct tcpstate_net *tn,
						 const struct tcpstate_lkey *lkey);

#endif /* _TCPSTATE_DETECT_H */
