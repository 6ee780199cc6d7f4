#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Real TCP Fast Open (tcp_fastopen=3 at both ends): the first connection
# to each address asks for a cookie, the others carry data in their SYN.
# States exact against ss, one handshake per connection, nothing invalid.
# timeout: 180
. "$(dirname "$0")/lib.sh"

dmesg_mark
mk_pair a b
load_module
for ns in a b; do
	nsx $ns sysctl -qw net.ipv4.tcp_fastopen=3 || fail "tcp_fastopen in $ns"
done
server b --port 5000 --mode close-first --send 10 --fastopen
server b --port 5001 --mode hold --fastopen
for addr in $B4 $B6; do
	# The client reads the server's reply, so it is ESTABLISHED before
	# it closes (a close in SYN_SENT would answer the SYN-ACK with a RST).
	client a --connect $addr --port 5000 --count 6 --send 200 \
		--mode wait --fastopen || fail "Fast Open clients of $addr"
	bg nsx a $TCPHELPER client --connect $addr --port 5001 --count 3 \
		--send 100 --mode hold --fastopen
done
wait_gauge b ESTABLISHED 6 6 || fail "held Fast Open connections"
settle a b || fail "counters did not settle"
passive=$(snmp b TcpExtTCPFastOpenPassive)
info "Fast Open SYNs with data accepted: $passive"
check "SYNs carried data (TcpExtTCPFastOpenPassive $passive)" [ "$passive" -ge 12 ]
check "tcpstate agrees with ss in a b" "$TESTDIR/truth.py" --ns a --ns b \
	--port 5000 --port 5001
for ns in a b; do
	expect $ns handshakes 18
	expect $ns invalid 0
	expect $ns resets 0
	expect_gauge $ns TIME_WAIT 0 12
	expect_gauge $ns ESTABLISHED 6 6
done
dmesg_check
