#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Containers: ten namespaces flooded at once never hold more than
# net.tcpstate.max_flows_total entries together, whatever each one's
# max_flows; what finds no room is counted untracked (or makes room by
# evicting unanswered flows) in the namespace that asked.
# timeout: 240
. "$(dirname "$0")/lib.sh"

TOTAL=3000
N=10

dmesg_mark
load_module
old_total=$(sysctl -n net.tcpstate.max_flows_total)
restore_total() {
	sysctl -qw net.tcpstate.max_flows_total="$old_total"
}
at_exit restore_total
sysctl -qw net.tcpstate.max_flows_total=$TOTAL || fail "max_flows_total"
modprobe veth 2>/dev/null
mk_ns atk
for i in $(seq 0 $((N - 1))); do
	mk_ns v$i
	ip -n atk link add e$i type veth peer name eth0 netns v$i ||
		fail "veth to v$i"
	ip -n atk addr add 10.9.$i.1/24 dev e$i
	ip -n v$i addr add 10.9.$i.2/24 dev eth0
	ip -n atk link set e$i up
	ip -n v$i link set eth0 up
	# Each one alone could hold them all; no flood mode in the way.
	nsx v$i sysctl -qw net.tcpstate.syn_flood="2147483647 64" \
		net.tcpstate.syn_rate="2147483647 100" || fail "sysctl in v$i"
done
# 600 SYNs to each, all at once: 6000 in all, twice the total cap. The
# victims cannot answer (no route back), so every flow stays.
pids=""
for i in $(seq 0 $((N - 1))); do
	bg nsx atk hping3 -q -S -i u1000 -c 600 --rand-source -p 80 10.9.$i.2
	pids="$pids $BGPID"
done
for pid in $pids; do
	wait "$pid"
done
sleep 1
peak=$(proc_value atk flows)
for i in $(seq 0 $((N - 1))); do
	peak=$((peak + $(proc_value v$i flows)))
done
untracked=0
for i in $(seq 0 $((N - 1))); do
	untracked=$((untracked + $(proc_value v$i untracked) + $(proc_value v$i evicted)))
done
objects=$(slab_objects tcpstate_flow)
info "flows of all namespaces $peak, flow objects $objects, untracked or evicted $untracked"
check "all namespaces together stay within max_flows_total ($peak)" \
	[ "$peak" -le $TOTAL ]
check "the cap was reached ($peak)" [ "$peak" -ge $((TOTAL * 9 / 10)) ]
check "what found no room was counted ($untracked)" [ "$untracked" -gt 0 ]
# Frees wait for a grace period: a few objects may still be on their way.
check "flow objects stay near the cap ($objects)" \
	[ "$objects" -le $((TOTAL + TOTAL / 10)) ]
dmesg_check
