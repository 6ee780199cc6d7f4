#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RSTs to a real request socket (SYN_RCVD), crafted: one inside the
# window but not at the sequence the server acknowledges gets a challenge
# ACK from Linux and changes nothing; the exact one closes both ends.
# timeout: 120
. "$(dirname "$0")/lib.sh"

CRAFT="/usr/bin/python3 $TESTDIR/craft.py"
SPOOF=10.0.0.77

# The flow of the spoofed client as b lists it, or nothing.
listed() {
	nsx b awk -v c="$SPOOF:40000" '$1 == c { print $3, $4 }' \
		/proc/net/tcpstate
}

dmesg_mark
mk_pair a b
load_module
server b --port 5000 --mode hold
# b's SYN-ACKs reach a, which drops them (not its address): no RST.
ip -n b neigh add $SPOOF dev eth0 \
	lladdr "$(ip -n a -br link show eth0 | awk '{print $3}')" ||
	fail "neighbour $SPOOF in b"
nsx a $CRAFT send $SPOOF:40000 $B4:5000 S 1000 || fail "SYN"
for i in $(seq 50); do
	[ "$(listed)" = "SYN_SENT SYN_RCVD" ] && break
	sleep 0.1
done
check "half-open flow listed" [ "$(listed)" = "SYN_SENT SYN_RCVD" ]
check "b has the request socket" \
	grep -q . <(nsx b ss -Htn state syn-recv "dport = :40000")
invalid=$(proc_value b invalid)
challenges=$(snmp b TcpExtTCPChallengeACK)
nsx a $CRAFT send $SPOOF:40000 $B4:5000 R 1101 || fail "in-window RST"
sleep 1
check "b still has the request socket" \
	grep -q . <(nsx b ss -Htn state syn-recv "dport = :40000")
check "a challenge ACK was sent" \
	[ "$(snmp b TcpExtTCPChallengeACK)" -gt "$challenges" ]
check "the inexact RST changed nothing" [ "$(listed)" = "SYN_SENT SYN_RCVD" ]
expect b invalid $((invalid + 1))
expect b resets 0
nsx a $CRAFT send $SPOOF:40000 $B4:5000 R 1001 || fail "exact RST"
sleep 1
check "b dropped the request socket" \
	[ -z "$(nsx b ss -Htn state syn-recv "dport = :40000")" ]
check "the exact RST closed both ends" [ -z "$(listed)" ]
expect b resets 1
expect b flows 0
# Once more: the socket is gone, so is the flow's acceptance.
nsx a $CRAFT send $SPOOF:40000 $B4:5000 R 1001 || fail "duplicate RST"
sleep 0.5
expect b resets 1
dmesg_check
