#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Attack: during a SYN flood, spoofed SYN + ACK pairs at twice the flood's
# rate try to pass for completed handshakes. Flood mode takes an ACK only
# if it acknowledges a SYN-ACK that was seen: the alarm stays on, the
# pairs make no flow and no handshake, a real client still gets in.
# timeout: 240
. "$(dirname "$0")/lib.sh"

CRAFT="/usr/bin/python3 $TESTDIR/craft.py"
PAIRS=3000

dmesg_mark
mk_pair a b
route_back b a
load_module
nsx b sysctl -qw net.tcpstate.syn_flood="50 20" net.tcpstate.syn_rate="100 20" \
	net.ipv4.tcp_synack_retries=1 || fail "sysctl"
server b --port 8080 --mode hold
# The flood: 500 SYNs a second from random sources.
bg nsx a hping3 -q -S -i u2000 --rand-source -p 8080 $B4
wait_detector b syn_flood on 100 || fail "syn_flood not on"
expect b mode flood
flows0=$(proc_value b flows)
hs0=$(proc_value b handshakes)
info "flood on: flows $flows0, handshakes $hs0"
# Twice its rate: 1000 pairs a second (as fast as the guest allows).
nsx a $CRAFT pairs $B4:8080 $PAIRS --rate 1000 || fail "the spoofed pairs"
check "syn_flood stayed on" [ "$(detector b syn_flood)" = on ]
flows1=$(proc_value b flows)
hs1=$(proc_value b handshakes)
info "after $PAIRS spoofed pairs: flows $flows1, handshakes $hs1, untracked $(proc_value b untracked)"
check "the pairs made no flow ($flows0 -> $flows1)" [ "$flows1" -le $((flows0 + 10)) ]
check "nor handshakes ($hs0 -> $hs1)" [ "$hs1" -le $((hs0 + 10)) ]
check "their ACKs went untracked" [ "$(proc_value b untracked)" -ge $((PAIRS - 10)) ]
# A real client during the flood: its ACK acknowledges a SYN-ACK seen.
client a --connect $B4 --port 8080 --count 1 --mode hold --hold-time 3 &
real=$!
for i in $(seq 50); do
	grep -q "^$A4:[0-9]* $B4:8080 ESTABLISHED ESTABLISHED" \
		<(nsx b cat /proc/net/tcpstate) && break
	sleep 0.2
done
check "the real connection is tracked" grep -q \
	"^$A4:[0-9]* $B4:8080 ESTABLISHED ESTABLISHED" <(nsx b cat /proc/net/tcpstate)
wait "$real" || fail "the real client"
dmesg_check
