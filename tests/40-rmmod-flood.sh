#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fault: rmmod and insmod, three times over, while a spoofed SYN flood and
# hundreds of real IPv4 and IPv6 connections opening and closing go on.
# Every unload succeeds and takes the files, sysctls and slab caches with
# it, every reload tracks again with a consistent /proc/tcpstate, the real
# connections never fail, and the kernel logs no warning.
# timeout: 300
. "$(dirname "$0")/lib.sh"

CYCLES=3
dmesg_mark
mk_pair a b
route_back b a
load_module

server b --port 8080 --mode close
server b --port 8081 --mode hold
# A connection may wait long in an emulated guest that a flood saturates
# (its SYN or a neighbour solicitation dropped in a full backlog, seen
# once for IPv6 across rmmod): 30 s, not 10, before it counts as failed.
traffic() {
	client a --connect "$1" --port 8080 --duration 40 --concurrency 3 \
		--send 2000 --mode "$2" --timeout 30
}
bg traffic $B4 close
p4=$BGPID
bg traffic $B6 shutdown
p6=$BGPID
bg nsx a hping3 -q -S --flood --rand-source -p 8081 $B4
flood=$BGPID
sleep 4

for cycle in $(seq $CYCLES); do
	info "cycle $cycle of $CYCLES"
	segs=$(proc_value b segments)
	check "tcpstate sees the flood and the traffic (segments $segs)" \
		[ "$segs" -gt 1000 ]
	check "b's table has flows ($(proc_value b flows))" \
		[ "$(proc_value b flows)" -gt 0 ]
	check_format b
	check_format a
	t0=$(date +%s%N)
	check "rmmod under flood and traffic" rmmod tcpstate
	info "rmmod took $((($(date +%s%N) - t0) / 1000000)) ms"
	check "the module is gone" eval '! module_loaded'
	check "/proc/tcpstate is gone" [ ! -e /proc/tcpstate ]
	check "b's /proc/net/tcpstate is gone" \
		nsx b test ! -e /proc/net/tcpstate
	check "b's sysctls are gone" nsx b test ! -e /proc/sys/net/tcpstate
	check "slab cache tcpstate_flow is gone" \
		[ "$(slab_objects tcpstate_flow)" = gone ]
	check "slab cache tcpstate_listener is gone" \
		[ "$(slab_objects tcpstate_listener)" = gone ]
	sleep 1
	check "insmod under flood and traffic" insmod "$TCPSTATE_KO"
	sleep 3
done
check_format b
check "a reloaded module tracks the flood" \
	[ "$(proc_value b syn)" -gt 100 ]

kill_bg $flood
wait $p4 || fail "IPv4 connections failed around rmmod"
wait $p6 || fail "IPv6 connections failed around rmmod"
echo "ok: real connections never failed"
check "IPv4 connection after the flood" \
	client a --connect $B4 --port 8080 --count 3 --send 100
check "IPv6 connection after the flood" \
	client a --connect $B6 --port 8080 --count 3 --send 100
check_format a
check_format b
unload_module
check "slab caches are gone at the end" \
	[ "$(slab_objects tcpstate_flow) $(slab_objects tcpstate_listener)" = "gone gone" ]
dmesg_check
