#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Attack: one spoofed SYN to each of 6000 firewalled ports (nothing
# answers) takes every listener aggregate (max_listeners 4096). A real
# SYN flood on port 80 right after still gets one, a recycled aggregate
# that only unanswered SYNs held: syn_flood on within 3 s, flood mode on.
# timeout: 240
. "$(dirname "$0")/lib.sh"

SCATTERED=6000

dmesg_mark
mk_pair a b
route_back b a
load_module
# What b would answer to 192.0.2.0/24 goes nowhere: a firewalled host.
ip -n b route add blackhole 192.0.2.0/24 || fail "blackhole route in b"
server b --port 80 --mode hold
nsx a hping3 -q -S -a 192.0.2.1 -s 5000 -p ++1000 -i u200 -c $SCATTERED $B4 \
	>/dev/null 2>&1 || true
sleep 1
listeners=$(nsx b cat /proc/net/tcpstate_listeners | wc -l)
info "after $SCATTERED scattered SYNs: $listeners listeners listed"
check "the aggregates are all taken ($listeners)" [ "$listeners" -ge 4000 ]
check "no alarm yet" [ "$(detector b syn_flood)" = off ]
syn0=$(proc_value b syn)
bg nsx a hping3 -q -S --flood --rand-source -p 80 $B4
flood=$BGPID
# From the flood's first SYN at b, not from when hping3 starts.
for i in $(seq 300); do
	[ "$(proc_value b syn)" -gt "$syn0" ] && break
	sleep 0.1
done
t0=$(date +%s%N)
wait_detector b syn_flood on 30 || {
	nsx b cat /proc/tcpstate
	fail "syn_flood not on within 3 s of the flood"
}
info "syn_flood on after $((($(date +%s%N) - t0) / 1000000)) ms"
check_output "the flood's listener is named" "^$B4:80 [0-9]+ [0-9]+ [0-9]+ syn_flood$" \
	nsx b cat /proc/net/tcpstate_listeners
expect b mode flood
kill_bg "$flood"
check "listeners stay within max_listeners" \
	[ "$(nsx b cat /proc/net/tcpstate_listeners | wc -l)" -le 4096 ]
dmesg_check
