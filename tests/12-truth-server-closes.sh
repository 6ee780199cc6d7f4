#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The server closes first: TIME_WAIT on the server, the client CLOSED.
# timeout: 120
. "$(dirname "$0")/lib.sh"

dmesg_mark
mk_pair a b
load_module
server b --port 5000 --mode close-first --send 500
client a --connect $B4 --port 5000 --count 20 --concurrency 5 --mode wait ||
	fail "clients"
settle a b || fail "counters did not settle"
for ns in a b; do
	expect_gauge $ns TIME_WAIT 0 20
	expect_gauge $ns CLOSED 20 0
	expect $ns flows 20
	expect $ns simultaneous_close 0
done
truth 5000 a b
dmesg_check
