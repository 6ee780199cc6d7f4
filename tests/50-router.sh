#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A router namespace between client and server, the module in the router
# only: IPv4 and IPv6 flows held, closed by either side, and left in
# CLOSE_WAIT. The router's gauges and flows equal what the sockets of
# both ends say (ss -tan), exactly.
# timeout: 180
. "$(dirname "$0")/lib.sh"

dmesg_mark
load_module
mk_router c r s both
server s --port 5000 --mode hold
server s --port 5001 --mode close-first
server s --port 5002 --mode close
server s --port 5003 --mode hold --send 2000
for addr in $S4 $S6; do
	bg nsx c $TCPHELPER client --connect $addr --port 5000 --count 3 \
		--mode hold --send 100
	client c --connect $addr --port 5001 --count 3 --mode wait ||
		fail "clients that wait for the server's close"
	client c --connect $addr --port 5002 --count 3 --mode close \
		--send 100 || fail "clients that close first"
	bg nsx c $TCPHELPER client --connect $addr --port 5003 --count 3 \
		--mode shutdown --send 300
done
wait_gauge r CLOSE_WAIT 0 6 || fail "CLOSE_WAIT never reached 6"
settle r || fail "counters did not settle"
check "the router agrees with both ends' sockets" "$TESTDIR/truth.py" \
	--ns c --ns s --check r --port 5000 --port 5001 --port 5002 --port 5003
expect_gauge r ESTABLISHED 6 6
expect_gauge r FIN_WAIT_2 6 0
expect r handshakes 24
expect r invalid 0
expect r picked_up 0
check "the router lists IPv6 flows" \
	grep -q "^\[$C6\]:[0-9]* \[$S6\]:5000 ESTABLISHED ESTABLISHED" \
	<(nsx r cat /proc/net/tcpstate)
for ns in c s; do
	check "$ns tracks its own sockets as well" \
		[ "$(proc_value $ns segments)" -gt 0 ]
done
dmesg_check
