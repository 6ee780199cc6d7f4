#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fault: 60 seconds of mixed traffic between two namespaces: short IPv4
# and IPv6 connections closed by either side or reset, idle connections
# kept alive by TCP keepalive probes, and two bursts of a spoofed SYN
# flood (which may cost the clients a connection or two on a slow VM).
# Throughout, every read of /proc/tcpstate is consistent (gauges sum to
# twice flows). Afterwards keepalives were counted, and once the
# timeouts are shortened every flow ends: flows 0, flows_created =
# flows_freed, no flow or listener object left in the slab, the caches
# gone after rmmod, and no kernel warning.
# timeout: 360
. "$(dirname "$0")/lib.sh"

DURATION=60

dmesg_mark
mk_pair a b
route_back b a
load_module

server b --port 8080 --mode close
server b --port 8081 --mode hold
server b --port 8082 --mode hold
server b --port 8083 --mode rst
server b --port 8084 --mode close-first --send 3000

# keepalive_client N SECONDS: N idle connections to b:8081 that probe
# after 1 s of silence, every second.
keepalive_client() {
	nsx a python3 - $B4 8081 "$1" "$2" <<'PY'
import socket, sys, time
host, port, n, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
socks = []
for _ in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 20)
    s.settimeout(10)
    s.connect((host, port))
    s.sendall(b"k")
    socks.append(s)
time.sleep(secs)
PY
}

# floods: two 10 s bursts of spoofed SYNs at b:8082.
floods() {
	sleep 10
	nsx a timeout -s INT 10 hping3 -q -S --flood --rand-source -p 8082 $B4
	sleep 15
	nsx a timeout -s INT 10 hping3 -q -S --flood --rand-source -p 8082 $B4
	return 0
}

pids=""
run() {
	bg "$@"
	pids="$pids $BGPID"
}
# A connection may be lost to the flood when the (emulated) VM is slow:
# the backlog drops its SYNs, or a reset races a reused port. tcpstate
# drops nothing; what is checked is that its books stay consistent and
# end empty, so the clients ignore such failures (their counts are in
# the output) and wait 30 s for a connection instead of 10.
C="--duration $DURATION --timeout 30 --ignore-errors"
run client a --connect $B4 --port 8080 $C --concurrency 2 --send 1000 \
	--mode close
run client a --connect $B6 --port 8080 $C --send 1000 --mode shutdown
run client a --connect $B4 --port 8080 $C --interval 0.2 --send 100 \
	--mode rst
run client a --connect $B6 --port 8084 $C --interval 0.2 --mode wait
run client a --connect $B4 --port 8083 $C --interval 0.5
bg keepalive_client 4 $((DURATION + 10))
bg floods
t0=$(date +%s)
reads=0
while [ $(($(date +%s) - t0)) -lt $DURATION ]; do
	check_format a >/dev/null
	check_format b >/dev/null
	reads=$((reads + 1))
	sleep 2
done
echo "ok: $reads consistent reads of each namespace during the traffic"
for p in $pids; do
	wait "$p" || fail "a client failed (pid $p)"
done
echo "ok: every client finished"

for ns in a b; do
	k=$(proc_value $ns keepalives)
	check "$ns counted keepalive probes ($k)" [ "$k" -gt 0 ]
	check "$ns saw the flood ($(proc_value $ns syn) SYNs)" \
		[ "$(proc_value $ns syn)" -gt 1000 ]
	check "$ns saw resets ($(proc_value $ns resets))" \
		[ "$(proc_value $ns resets)" -gt 0 ]
done
info "b: $(proc_read b | awk '$1 ~ /^(flows|flows_created|flows_freed|handshakes|untracked|timeouts|alarms)$/ { printf "%s %s  ", $1, $2 }')"

# Stop everything and let every flow end.
ns_kill a
ns_kill b
for ns in a b; do
	nsx $ns sysctl -qw net.tcpstate.timewait_ms=1000 \
		net.tcpstate.timeout_handshake_ms=1000 \
		net.tcpstate.timeout_established_ms=1000 \
		net.tcpstate.timeout_closing_ms=1000 || fail "sysctl in $ns"
done
for ns in a b; do
	for _ in $(seq 150); do
		[ "$(proc_value $ns flows_created)" = "$(proc_value $ns flows_freed)" ] &&
			break
		sleep 0.2
	done
	proc_gauges_zero $ns
	echo "ok: $ns: no flow left"
	c=$(proc_value $ns flows_created)
	check "$ns: flows_created = flows_freed ($c)" \
		[ "$c" = "$(proc_value $ns flows_freed)" ]
	check_format $ns
done
check "no flow object left in use" wait_slab_objects tcpstate_flow 0 10
# Quiet listener aggregates are forgotten after 10 s.
check "no listener object left in use" wait_slab_objects tcpstate_listener 0 25
unload_module
check "slab caches are gone after rmmod" \
	[ "$(slab_objects tcpstate_flow) $(slab_objects tcpstate_listener)" = "gone gone" ]
dmesg_check
