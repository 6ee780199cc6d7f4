#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# /proc/tcpstate follows the DESIGN.md section 3 format in the initial and
# in a new namespace, and a fresh namespace starts with every gauge at 0.
. "$(dirname "$0")/lib.sh"

dmesg_mark
load_module
check_format -
echo "ok: format in the initial namespace"

# A namespace created after the module was loaded ...
mk_ns fresh
check_format fresh
echo "ok: format in a new namespace"
proc_gauges_zero fresh
echo "ok: gauges and flows are 0 in a new namespace"
for c in $COUNTERS; do
	v=$(proc_value fresh "$c")
	[ "$v" = 0 ] || fail "counter $c is $v in a fresh namespace"
done
echo "ok: counters are 0 in a new namespace"
check "mode normal in a new namespace" [ "$(proc_value fresh mode)" = normal ]
for d in $DETECTORS; do
	check "$d off in a new namespace" [ "$(proc_value fresh "$d")" = off ]
done

# ... and one that existed before.
unload_module
load_module
check_format fresh
proc_gauges_zero fresh
echo "ok: format and zero gauges in a namespace older than the module"

max=$(proc_value - max_flows)
check "max_flows is positive" [ "$max" -gt 0 ]

# The file shows the namespace of its opener, taken at open: a file opened
# in a busy namespace and read from a process in the fresh one still
# shows the busy namespace.
mk_ns busy
server busy --port 7000 --bind 127.0.0.1 --count 3
client busy --connect 127.0.0.1 --port 7000 --count 3 --send 100 ||
	fail "loopback clients"
wait "$SERVER_PID"
settle busy
busy=$(proc_value busy segments)
check "loopback traffic counted in its namespace ($busy)" [ "$busy" -gt 0 ]
check "not in the fresh namespace" [ "$(proc_value fresh segments)" = 0 ]
seen=$(nsx busy bash -c "exec 5<$PROC; ip netns exec fresh cat <&5" |
	awk '$1 == "segments" { print $2 }')
check "a file opened in busy and read in fresh shows busy ($seen)" \
	[ "$seen" = "$busy" ]
check_format busy
unload_module
dmesg_check
