#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A router that sees one direction only: the replies (forward) or the
# client's segments (reply) take a second link that bypasses it. Held
# connections are ESTABLISHED at both ends, no syn_flood alarm even with
# its thresholds at 8, and every flow leaves the live states within the
# closing timeout (and TIME_WAIT) once the connections close.
# timeout: 300
. "$(dirname "$0")/lib.sh"

# one_way MODE: 12 held connections (6 IPv4, 6 IPv6), then closed.
one_way() {
	local mode=$1 pid addr

	info "router sees the $([ "$mode" = forward ] && echo client || echo server) side only"
	mk_router c r s "$mode"
	nsx r sysctl -qw net.tcpstate.syn_flood="8 4" \
		net.tcpstate.syn_rate="8 4" net.tcpstate.timeout_closing_ms=5000 \
		net.tcpstate.timewait_ms=10000 ||
		fail "sysctl in the router"
	# The server sends nothing: a client closing with unread data would
	# send a RST instead of its FIN.
	server s --port 5000 --mode close
	server s --port 5001 --mode close-first
	pids=""
	for addr in $S4 $S6; do
		bg nsx c $TCPHELPER client --connect $addr --port 5000 \
			--count 6 --interval 0.2 --mode hold --send 100
		pids="$pids $BGPID"
	done
	wait_gauge r ESTABLISHED 12 12 || fail "held connections not ESTABLISHED"
	check "12 connections at the client" \
		[ "$(nsx c ss -Htn state established | wc -l)" = 12 ]
	settle r || fail "counters did not settle"
	expect_gauge r ESTABLISHED 12 12
	expect r handshakes 12
	expect r invalid 0
	expect r alarms 0
	[ "$(detector r syn_flood)" = off ] || fail "syn_flood raised"
	check "flows listed ESTABLISHED at both ends" [ "$(nsx r awk \
		'$3 == "ESTABLISHED" && $4 == "ESTABLISHED"' /proc/net/tcpstate |
		wc -l)" = 12 ]
	# The server closes first on 5001: what the router sees of it.
	client c --connect $S4 --port 5001 --count 3 --mode wait ||
		fail "clients of the closing server"
	for pid in $pids; do
		kill_bg "$pid"
	done
	if [ "$mode" = forward ]; then
		# The client's ACK of the unseen FIN ends the passive close.
		wait_gauge r TIME_WAIT 12 0 8 || {
			nsx r cat /proc/net/tcpstate
			fail "client closes not inferred (TIME_WAIT/CLOSED)"
		}
		expect_gauge r CLOSED 0 12
	fi
	for i in $(seq 60); do
		[ "$(proc_value r flows)" = 0 ] && break
		sleep 0.5
	done
	expect r flows 0
	expect r alarms 0
	expect r invalid 0
	ns_kill c
	ns_kill s
}

dmesg_mark
load_module
one_way forward
one_way reply
dmesg_check
