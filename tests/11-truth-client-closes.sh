#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The client closes first: TIME_WAIT on the client, the server endpoint
# CLOSED until the TIME_WAIT expires (timewait_ms), then nothing is left.
# timeout: 120
. "$(dirname "$0")/lib.sh"

dmesg_mark
mk_pair a b
load_module
server b --port 5000 --mode close
client a --connect $B4 --port 5000 --count 20 --concurrency 5 --send 1000 \
	--mode close || fail "clients"
settle a b || fail "counters did not settle"
for ns in a b; do
	expect_gauge $ns TIME_WAIT 20 0
	expect_gauge $ns CLOSED 0 20
	expect_gauge $ns ESTABLISHED 0 0
	expect $ns flows 20
	expect $ns handshakes 20
	expect $ns simultaneous_close 0
done
truth 5000 a b
# Shorten TIME_WAIT: it ends within timewait_ms plus the 1 s collector.
for ns in a b; do
	nsx $ns sysctl -qw net.tcpstate.timewait_ms=1000 || fail "sysctl"
done
sleep 3
for ns in a b; do
	expect $ns flows 0
	expect_gauge $ns TIME_WAIT 0 0
	expect_gauge $ns CLOSED 0 0
	expect $ns timeouts 0
done
# The tombstones go 2 s later: every flow freed.
sleep 3
for ns in a b; do
	expect $ns flows_freed 20
	check "no flow listed in $ns" [ -z "$(nsx $ns cat /proc/net/tcpstate)" ]
done
dmesg_check
