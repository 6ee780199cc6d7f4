#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RSTs to a real request socket (SYN_RCVD), crafted from a's address: one
# inside the window but not at the sequence the server acknowledges gets
# a challenge ACK from Linux and changes nothing; the exact one closes
# the request socket. In a, where the client's address is local and no
# socket owns the tuple, both ends close; b, which cannot know whether
# its remote client still lives, keeps it SYN_SENT.
# timeout: 120
. "$(dirname "$0")/lib.sh"

CRAFT="/usr/bin/python3 $TESTDIR/craft.py"
CPORT=40000

# listed NS: the crafted flow as NS lists it (client and server states).
listed() {
	nsx "$1" awk -v c="$A4:$CPORT" '$1 == c { print $3, $4 }' \
		/proc/net/tcpstate
}

request_socket() {
	nsx b ss -Htn state syn-recv "dport = :$CPORT"
}

dmesg_mark
mk_pair a b
load_module
for m in sch_ingress cls_u32 act_gact; do
	modprobe $m 2>/dev/null
done
server b --port 5000 --mode hold
# b's SYN-ACKs never reach a's stack (tc runs before netfilter), so a
# sends no RST of its own: only the crafted segments.
ip netns exec a tc qdisc add dev eth0 ingress &&
	ip netns exec a tc filter add dev eth0 parent ffff: protocol ip \
		u32 match ip src $B4/32 action drop ||
	fail "tc ingress filter in a"
nsx a $CRAFT send $A4:$CPORT $B4:5000 S 1000 || fail "SYN"
for i in $(seq 50); do
	[ "$(listed b)" = "SYN_SENT SYN_RCVD" ] && break
	sleep 0.1
done
check "b lists the half-open flow" [ "$(listed b)" = "SYN_SENT SYN_RCVD" ]
check "a lists the SYN it sent" [ "$(listed a)" = "SYN_SENT LISTEN" ]
check "b has the request socket" grep -q . <(request_socket)
challenges=$(snmp b TcpExtTCPChallengeACK)
nsx a $CRAFT send $A4:$CPORT $B4:5000 R 1101 || fail "in-window RST"
sleep 1
check "b still has the request socket" grep -q . <(request_socket)
check "Linux answered with a challenge ACK" \
	[ "$(snmp b TcpExtTCPChallengeACK)" -gt "$challenges" ]
check "b: the inexact RST changed nothing" \
	[ "$(listed b)" = "SYN_SENT SYN_RCVD" ]
check "a: the inexact RST changed nothing" [ "$(listed a)" = "SYN_SENT LISTEN" ]
for ns in a b; do
	expect $ns invalid 1
	expect $ns resets 0
done
nsx a $CRAFT send $A4:$CPORT $B4:5000 R 1001 || fail "exact RST"
sleep 1
check "b dropped the request socket" [ -z "$(request_socket)" ]
check "b: the server end is CLOSED, the remote client SYN_SENT" \
	[ "$(listed b)" = "SYN_SENT CLOSED" ]
check "a: both ends closed (no socket owns the tuple)" [ -z "$(listed a)" ]
for ns in a b; do
	expect $ns resets 1
done
expect a flows 0
# Once more: the server's end is closed and accepts nothing.
nsx a $CRAFT send $A4:$CPORT $B4:5000 R 1001 || fail "duplicate RST"
sleep 0.5
expect b resets 1
expect b invalid 2
dmesg_check
