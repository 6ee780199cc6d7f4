#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# IPv6: established connections, then closes by the client, as over IPv4.
# timeout: 120
. "$(dirname "$0")/lib.sh"

dmesg_mark
mk_pair a b
load_module
server b --port 5000 --mode hold
bg nsx a $TCPHELPER client --connect $B6 --port 5000 --count 8 \
	--concurrency 8 --mode hold --send 100
wait_gauge b ESTABLISHED 8 8
settle a b || fail "counters did not settle"
for ns in a b; do
	expect_gauge $ns ESTABLISHED 8 8
done
truth 5000 a b
check "flows are listed with IPv6 addresses" \
	grep -q "^\[$A6\]:[0-9]* \[$B6\]:5000 ESTABLISHED ESTABLISHED" \
	<(nsx b cat /proc/net/tcpstate)
server b --port 5001 --mode close
client a --connect $B6 --port 5001 --count 8 --mode close || fail "clients"
settle a b || fail "counters did not settle"
check "tcpstate agrees with ss in a b, both ports" \
	"$TESTDIR/truth.py" --ns a --ns b --port 5000 --port 5001
# In the emulated guest Linux now and then resets some of the eight
# instead of closing them (ss then lists fewer in TIME-WAIT, and tcpstate
# counts the resets): the sockets say how many closed.
tw=$(nsx a ss -tanH state time-wait "( dport = :5001 )" | wc -l)
[ "$tw" -ge 1 ] || fail "no client close left a TIME-WAIT socket"
for ns in a b; do
	expect_gauge $ns TIME_WAIT "$tw" 0
	expect_gauge $ns CLOSED 0 "$tw"
done
dmesg_check
