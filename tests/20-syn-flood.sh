#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A spoofed SYN flood at a listener: syn_flood goes on within 5 s, names
# the listener in /proc/net/tcpstate_listeners and the log, flood mode
# keeps the table within max_flows, a real client connecting during the
# flood is tracked ESTABLISHED, and the alarm clears after the flood.
# timeout: 180
. "$(dirname "$0")/lib.sh"

MAX_FLOWS=2000
dmesg_mark
mk_pair a b
route_back b a
load_module
nsx b sysctl -qw net.tcpstate.max_flows=$MAX_FLOWS || fail "sysctl"
# Half-open flows of the flood idle out quickly once it stops: Linux
# stops retrying its SYN-ACKs after 3 s, tcpstate forgets them 4 s later.
nsx b sysctl -qw net.tcpstate.timeout_handshake_ms=4000 \
	net.ipv4.tcp_synack_retries=1 || fail "sysctl"
server b --port 8080 --mode hold
expect b mode normal

bg nsx a hping3 -q -S --flood --rand-source -p 8080 $B4
# The flood starts when its first SYN reaches b, not when hping3 starts.
syn0=$(proc_value b syn)
for i in $(seq 300); do
	[ "$(proc_value b syn)" -gt "$syn0" ] && break
	sleep 0.1
done
t0=$(date +%s%N)
latency=
for i in $(seq 100); do
	if [ "$(detector b syn_flood)" = on ]; then
		latency=$((($(date +%s%N) - t0) / 1000000))
		break
	fi
	sleep 0.1
done
[ -n "$latency" ] || fail "syn_flood not on after 10 s"
# The highest flows figure of b, sampled until the flood is over.
bg bash -c ". $TESTDIR/lib.sh; peak=0
	while :; do
		f=\$(proc_value b flows); [ \$f -gt \$peak ] && peak=\$f
		echo \$peak >/tmp/peak
		sleep 0.5
	done"
info "syn_flood on after $latency ms"
check "alarm within 5 s ($latency ms)" [ "$latency" -le 5000 ]
expect b mode flood
check_output "the listener is named in tcpstate_listeners" \
	"^$B4:8080 [0-9]+ [0-9]+ [0-9]+ syn_flood$" \
	nsx b cat /proc/net/tcpstate_listeners
check_output "the alarm is logged with the listener" \
	"tcpstate: netns=$(nsx b stat -Lc %i /proc/self/ns/net) syn_flood on $B4:8080 half_open=[0-9]+ syn_per_s=[0-9]+\$" \
	dmesg_new

# A real client during the flood is tracked from its ACK.
bg nsx a $TCPHELPER client --connect $B4 --port 8080 --bind $A4 --count 1 \
	--mode hold --send 10
for i in $(seq 50); do
	nsx b cat /proc/net/tcpstate |
		grep -q "^$A4:[0-9]* $B4:8080 ESTABLISHED ESTABLISHED" && break
	sleep 0.2
done
check_output "the real client is ESTABLISHED during the flood" \
	"^$A4:[0-9]* $B4:8080 ESTABLISHED ESTABLISHED" \
	nsx b cat /proc/net/tcpstate
sleep 2
peak=$(cat /tmp/peak)
info "peak flows $peak (max_flows $MAX_FLOWS)"
info "slab: $(grep -E '^tcpstate' /proc/slabinfo | awk '{print $1, $2 " objs of " $4 " B"}' | tr '\n' ' ')"
check "flows never above max_flows" [ "$peak" -le $MAX_FLOWS ]
expect b untracked 0
check_output "the flood does not look like an outgoing scan" \
	'^syn_sent off$' proc_read b
ns_kill a

# Deferred SYNs age out in 2 s, tracked half-open flows in 4 s.
wait_detector b syn_flood off 300
check_output "syn_flood clears after the flood" '^syn_flood off$' proc_read b
expect b mode normal
check_output "the clearing is logged" \
	"tcpstate: netns=[0-9]+ syn_flood off $B4:8080 half_open=[0-9]+ syn_per_s=[0-9]+" dmesg_new
dmesg_check
