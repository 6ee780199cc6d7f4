#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Two CPUs, many connections opening and closing in parallel, some reset:
# once traffic settles, tcpstate agrees with the sockets and the gauges
# sum to twice the flows.
# timeout: 180
. "$(dirname "$0")/lib.sh"

dmesg_mark
mk_pair a b
load_module
server b --port 5000 --mode close
pids=
for mode in close close close rst; do
	nsx a $TCPHELPER client --connect $B4 --port 5000 --count 60 \
		--concurrency 8 --send 2000 --mode $mode &
	pids="$pids $!"
done
for p in $pids; do
	wait $p || fail "a client failed"
done
settle a b || fail "counters did not settle"
for ns in a b; do
	check_format $ns
	expect $ns handshakes 240
	# One per reset connection; a late segment may draw another RST.
	check "at least 60 resets in $ns" [ "$(proc_value $ns resets)" -ge 60 ]
	# Nearly all the rest sit in TIME_WAIT; ss says exactly which below.
	check "TIME_WAIT on clients in $ns" \
		[ "$(proc_gauge $ns TIME_WAIT client)" -ge 170 ]
done
truth 5000 a b
dmesg_check
