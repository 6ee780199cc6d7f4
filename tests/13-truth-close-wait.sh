#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An application that never closes after its peer's FIN: CLOSE_WAIT on the
# server, FIN_WAIT_2 on the client, which half-closed and still reads what
# the server sends. (A client that closed with unread data would send a
# RST instead, as Linux does.)
# timeout: 120
. "$(dirname "$0")/lib.sh"

dmesg_mark
mk_pair a b
load_module
server b --port 5000 --mode hold --send 2000
bg nsx a $TCPHELPER client --connect $B4 --port 5000 --count 10 \
	--concurrency 10 --send 300 --mode shutdown
wait_gauge b CLOSE_WAIT 0 10
settle a b || fail "counters did not settle"
for ns in a b; do
	expect_gauge $ns FIN_WAIT_2 10 0
	expect_gauge $ns CLOSE_WAIT 0 10
	expect $ns flows 10
done
truth 5000 a b
dmesg_check
