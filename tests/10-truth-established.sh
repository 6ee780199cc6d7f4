#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Twenty established connections: both namespaces count each endpoint
# once, ESTABLISHED, flow by flow as ss shows them; one handshake each.
# timeout: 120
. "$(dirname "$0")/lib.sh"

dmesg_mark
mk_pair a b
load_module
server b --port 5000 --mode hold
bg nsx a $TCPHELPER client --connect $B4 --port 5000 --count 20 \
	--concurrency 20 --mode hold --send 100
wait_gauge b ESTABLISHED 20 20
settle a b || fail "counters did not settle"
for ns in a b; do
	expect_gauge $ns ESTABLISHED 20 20
	expect $ns flows 20
	expect $ns handshakes 20
	expect $ns picked_up 0
	expect $ns invalid 0
	check_format $ns
done
truth 5000 a b
dmesg_check
