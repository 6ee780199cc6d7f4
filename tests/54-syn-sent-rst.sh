#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A RST from a client of this host in SYN_SENT, at its ISN + 1, answering
# an acceptable SYN-ACK: the packet is the same whether the client was
# closed before the handshake finished (no socket owns the tuple: CLOSED)
# or its live socket refused that SYN-ACK (PAWS here) and will send its
# SYN again (SYN_SENT). The module asks the socket table. The server's
# namespace, which cannot ask, keeps its remote client in SYN_SENT.
# timeout: 120
. "$(dirname "$0")/lib.sh"

CRAFT="/usr/bin/python3 $TESTDIR/craft.py"
FAKE=10.0.0.99

dmesg_mark
mk_pair a b
load_module
modprobe sch_netem 2>/dev/null
server b --port 5000 --mode hold
info "a client closed in SYN_SENT"
# The SYN-ACK comes 500 ms late: the client is closed by then.
ip netns exec b tc qdisc add dev eth0 root netem delay 500ms ||
	fail "netem on b"
nsx a python3 -c 'import socket
s = socket.socket()
s.setblocking(False)
s.connect_ex(("'$B4'", 5000))
s.close()' || fail "client"
sleep 3
expect a resets 1
expect a flows 0
check "nothing listed in a" [ -z "$(nsx a cat /proc/net/tcpstate)" ]
expect_gauge b SYN_SENT 1 0
expect_gauge b CLOSED 0 1
ip netns exec b tc qdisc del dev eth0 root

info "a live client refusing a SYN-ACK (PAWS)"
ip -n a neigh add $FAKE dev eth0 \
	lladdr "$(ip -n b -br link show eth0 | awk '{print $3}')" ||
	fail "neighbour $FAKE in a"
out=/tmp/craft.$$
bg nsx b $CRAFT paws-refuse eth0 $FAKE:5001 >"$out"
craft=$BGPID
sleep 1
bg nsx a python3 -c 'import socket, time
s = socket.socket()
s.setblocking(False)
s.connect_ex(("'$FAKE'", 5001))
time.sleep(60)'
wait "$craft" || fail "no SYN-ACK crafted"
read -r cport isn <"$out"
info "client port $cport, ISN $isn"
sleep 1
check "the client socket is still SYN_SENT" \
	grep -q . <(nsx a ss -Htn state syn-sent "dport = :5001")
# The refused end is CLOSED, LISTEN again once the SYN is sent again.
check "tcpstate keeps the client SYN_SENT" \
	grep -Eqx "$A4:$cport $FAKE:5001 SYN_SENT (CLOSED|LISTEN) .*" \
	<(nsx a cat /proc/net/tcpstate)
expect a resets 2
expect a invalid 0
rm -f "$out"
dmesg_check
