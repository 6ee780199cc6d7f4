#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# SYNs to a port nobody listens on are answered by RSTs: each accepted,
# nothing left behind once the tombstones (2 s) are gone.
# timeout: 90
. "$(dirname "$0")/lib.sh"

dmesg_mark
mk_pair a b
load_module
client a --connect $B4 --port 5999 --count 10 --ignore-errors
sleep 4
for ns in a b; do
	expect $ns resets 10
	expect $ns flows 0
	expect $ns flows_created 10
	expect $ns flows_freed 10
	expect $ns handshakes 0
	expect $ns invalid 0
	check "no flow listed in $ns" [ -z "$(nsx $ns cat /proc/net/tcpstate)" ]
done
dmesg_check
