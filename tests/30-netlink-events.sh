#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Alarm events over the "alarms" multicast group: tcpstatectl events
# prints a namespace-wide alarm (timewait) and a listener's (syn_flood,
# naming 10.0.0.2:8080) as they go on and off, with consecutive sequence
# numbers, in text and JSON; each namespace hears only its own alarms; a
# reader that falls behind is told that it lost events.
# timeout: 360
. "$(dirname "$0")/lib.sh"

CTL=$SRCDIR/tools/tcpstatectl/tcpstatectl
[ -x "$CTL" ] || fail "$CTL not built (make tools)"

# wait_lines FILE N: until FILE has N lines (at most 30 s).
wait_lines() {
	local i

	for i in $(seq 300); do
		[ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	cat "$1" >&2
	fail "$1: fewer than $2 events"
}

dmesg_mark
mk_pair a b
ip -n b route add default dev eth0
load_module
nsx a sysctl -qw net.tcpstate.timewait="20 10" net.tcpstate.timewait_ms=3000 ||
	fail "sysctl"
nsx b sysctl -qw net.tcpstate.syn_flood="5 2" \
	net.tcpstate.timeout_handshake_ms=3000 \
	net.ipv4.tcp_synack_retries=1 || fail "sysctl"

bg nsx a "$CTL" --json events >/tmp/events.a
bg nsx b "$CTL" events >/tmp/events.b
bg "$CTL" events >/tmp/events.root
sleep 1

# timewait in a: 30 short connections leave 30 TIME_WAIT clients.
server b --port 5000 --mode close
client a --connect $B4 --port 5000 --count 30 --concurrency 5 || fail "clients"
wait_lines /tmp/events.a 2
python3 - /tmp/events.a <<'PY' || fail "timewait events in a"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
on, off = ev[0], ev[1]
assert on["detector"] == off["detector"] == "timewait", ev
assert on["on"] is True and off["on"] is False, ev
assert on["listener"] is None and off["listener"] is None, ev
assert on["value"] >= 20 and off["value"] < 10, ev
assert off["seq"] == on["seq"] + 1, ev
PY
echo "ok: a: timewait on, then off, consecutive sequence numbers"

# syn_flood at b's listener 8080: spoofed SYNs that nobody completes.
server b --port 8080 --mode hold
nsx a hping3 -q -S -c 20 -i u20000 --rand-source -p 8080 $B4 >/dev/null 2>&1
wait_lines /tmp/events.b 2
check_output "b: syn_flood on at 10.0.0.2:8080" \
	'^syn_flood on 10\.0\.0\.2:8080 half_open=[0-9]+ syn_per_s=[0-9]+ value=[0-9]+ seq=[0-9]+$' \
	cat /tmp/events.b
check_output "b: syn_flood off at 10.0.0.2:8080" '^syn_flood off 10\.0\.0\.2:8080 ' \
	cat /tmp/events.b
check "b heard nothing of a's timewait" eval "! grep -q timewait /tmp/events.b"
check "a heard nothing of b's syn_flood" eval "! grep -q syn_flood /tmp/events.a"
check "the initial namespace heard nothing" [ ! -s /tmp/events.root ]

# A reader that stops reading while 400 listeners raise syn_flood: its
# socket (created with a small receive buffer) overflows (ENOBUFS), and
# the sequence numbers show the gap. Without a route back, b answers the
# spoofed SYNs to its closed ports with nothing, not with resets that
# would close their half-open ends.
ip -n b route del default || fail "ip route del"
rmem=$(sysctl -n net.core.rmem_default)
restore_rmem() {
	sysctl -qw net.core.rmem_default="$rmem"
}
at_exit restore_rmem
sysctl -qw net.core.rmem_default=16384 || fail "sysctl"
bg nsx b "$CTL" --json events >/tmp/events.lossy
sleep 1
restore_rmem
for p in $(ip netns pids b); do
	tr '\0' ' ' </proc/$p/cmdline | grep -q -- '--json events' && lossy=$p
done
[ -n "$lossy" ] || fail "no lossy reader"
kill -STOP "$lossy"
nsx b sysctl -qw net.tcpstate.syn_flood="2 1" \
	net.tcpstate.timeout_handshake_ms=60000 || fail "sysctl"
for i in 1 2; do
	nsx a hping3 -q -S -c 400 -i u1000 --rand-source -p ++20000 $B4 \
		>/dev/null 2>&1
done
sleep 2
kill -CONT "$lossy"
sleep 2
# One more alarm after the loss: its sequence number shows the gap.
nsx a hping3 -q -S -c 2 -i u1000 --rand-source -p 30000 $B4 >/dev/null 2>&1
for i in $(seq 100); do
	grep -q '"port": 30000' /tmp/events.lossy && break
	sleep 0.1
done
info "lossy reader: $(grep -c '"detector"' /tmp/events.lossy) events, $(grep -c '"lost"' /tmp/events.lossy) loss reports"
check_output "the overflow is reported" '^\{"lost": null\}$' cat /tmp/events.lossy
check_output "the gap is counted" '^\{"lost": [0-9]+\}$' cat /tmp/events.lossy
dmesg_check
