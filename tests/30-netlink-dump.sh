#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A get-flows dump of 10 000 established flows is complete while other
# flows come and go: short connections open and close all the time (and
# leave the table quickly, timewait_ms being short), and a thousand held
# connections close in the middle. Every flow that lives through a dump
# is in it exactly once (ss in the client's namespace, read while nothing
# changes, is the reference: inet_diag dumps are not consistent either),
# no flow is listed twice, and tcpstatectl retries a dump that came back
# with NLM_F_DUMP_INTR (a burst of spoofed SYNs makes the table grow, and
# a growth in the middle of a dump interrupts it). The filters return
# what they should.
# timeout: 900
. "$(dirname "$0")/lib.sh"

CTL=$SRCDIR/tools/tcpstatectl/tcpstatectl
[ -x "$CTL" ] || fail "$CTL not built (make tools)"
HELD=10000
GONE=1000
DUMPS=6

# kill_clients NS PORT: end the tcphelper clients of NS connected to PORT.
kill_clients() {
	local p

	for p in $(ip netns pids "$1"); do
		tr '\0' ' ' </proc/$p/cmdline 2>/dev/null |
			grep -q -- "client .*--port $2 " && kill "$p"
	done
}

# to_port PORT: the lines of a flows listing whose server is $B4:PORT.
to_port() {
	awk -v s="$B4:$1" '$2 == s'
}

# established NS PORT: "client server" of the established sockets of NS
# to server port PORT, as tcpstatectl prints them, sorted.
established() {
	nsx "$1" ss -Htn state established "( dport = :$2 )" |
		awk '{ print $3, $4 }' | sort -u
}

# wait_established NS PORT N: until N sockets of NS are connected to PORT.
wait_established() {
	local i n

	for i in $(seq 600); do
		n=$(nsx "$1" ss -Htn state established "( dport = :$2 )" | wc -l)
		[ "$n" -ge "$3" ] && return 0
		sleep 0.5
	done
	fail "only $n of $3 connections to port $2 established"
}

dmesg_mark
mk_pair a b
ulimit -n 65536
# A table sized for 16384 flows (16384 buckets) does not grow before the
# paused dump below (some 20 000 flows, growth past 32 768), and grows
# during it (40 000 more).
load_module expected_flows=16384
# Flows of the churn leave the table soon: removals during the dumps.
nsx a sysctl -qw net.tcpstate.timewait_ms=1000 || fail "sysctl"
# The SYN burst must make flows, not flood mode.
nsx a sysctl -qw net.tcpstate.syn_flood="1000000 64" \
	net.tcpstate.syn_rate="1000000 100" || fail "sysctl"
nsx a sysctl -qw net.ipv4.ip_local_port_range="10000 65001" || fail "sysctl"
nsx b sysctl -qw net.core.somaxconn=4096 || fail "sysctl"

server b --port 5000 --mode hold --backlog 4096
server b --port 5001 --mode close
server b --port 5002 --mode hold --backlog 4096
bg client a --connect $B4 --port 5000 --count $HELD --concurrency 64 \
	--mode hold --timeout 60
wait_established a 5000 $HELD
bg client a --connect $B4 --port 5002 --count $GONE --concurrency 32 \
	--mode hold --timeout 60
wait_established a 5002 $GONE
info "$HELD + $GONE connections established"

before=/tmp/held.before
after=/tmp/held.after
established a 5000 >$before
check "ss sees $HELD held connections" [ "$(wc -l <$before)" = $HELD ]

# Churn: new connections all the time, each closed at once, and half-open
# flows from spoofed SYNs that take the table past a resize.
bg client a --connect $B4 --port 5001 --duration 600 --concurrency 4 \
	--mode close --ignore-errors
sleep 2
bg nsx a hping3 -q -S -i u500 --rand-source -p 5003 $B4
info "flows in a before the dumps: $(proc_value a flows)"
for i in $(seq $DUMPS); do
	[ "$i" = $((DUMPS / 2)) ] && kill_clients a 5002
	t0=$(date +%s%N)
	nsx a "$CTL" -v flows >/tmp/dump.$i 2>/tmp/dump.$i.err ||
		{ cat /tmp/dump.$i.err >&2; fail "dump $i: tcpstatectl failed"; }
	info "dump $i: $(wc -l </tmp/dump.$i) flows in $((($(date +%s%N) - t0) / 1000000)) ms, $(grep -c 'interrupted' /tmp/dump.$i.err) interrupted tries"
done
info "flows in a after the dumps: $(proc_value a flows)"
for p in $(ip netns pids a); do
	grep -q hping3 /proc/$p/comm 2>/dev/null && kill "$p"
done
kill_clients a 5001
sleep 1
check "the $GONE connections to port 5002 were closed" \
	[ "$(established a 5002 | wc -l)" = 0 ]
established a 5000 >$after
comm -12 $before $after >/tmp/held.stable
check "the held connections stayed ($(wc -l </tmp/held.stable))" \
	[ "$(wc -l </tmp/held.stable)" = $HELD ]

for i in $(seq $DUMPS); do
	dups=$(awk '{ print $1, $2 }' /tmp/dump.$i | sort | uniq -d | head -n 3)
	[ -z "$dups" ] || fail "dump $i lists flows twice: $dups"
	# Each held flow exactly once, both ends ESTABLISHED.
	to_port 5000 </tmp/dump.$i | awk '{ print $1, $2, $3, $4 }' |
		sort >/tmp/got
	missing=$(awk '{ print $1, $2, "ESTABLISHED", "ESTABLISHED" }' \
		/tmp/held.stable | comm -23 - /tmp/got | head -n 3)
	[ -z "$missing" ] || fail "dump $i misses held flows: $missing"
	check "dump $i: $HELD held flows once each, no duplicate" \
		[ "$(to_port 5000 </tmp/dump.$i | wc -l)" = $HELD ]
	check "dump $i: churn flows are there too" \
		[ "$(to_port 5001 </tmp/dump.$i | wc -l)" -gt 0 ]
	check "dump $i: SYN flows are there too" \
		[ "$(to_port 5003 </tmp/dump.$i | wc -l)" -gt 0 ]
done

# Filters. Spoofed SYNs may come from any port: count servers only.
n=$(nsx a "$CTL" flows --role server --port 5000 | wc -l)
check "--role server --port 5000: $n flows" [ "$n" = $HELD ]
n=$(nsx a "$CTL" flows --port 5000 | wc -l)
check "--port 5000 (either end): at least $HELD ($n)" [ "$n" -ge $HELD ]
n=$(nsx a "$CTL" flows --role server --port 5000 --state ESTABLISHED | wc -l)
check "... --state ESTABLISHED: $n flows" [ "$n" = $HELD ]
n=$(nsx a "$CTL" flows --role server --port 5000 --state SYN_RCVD | wc -l)
check "... --state SYN_RCVD: none ($n)" [ "$n" = 0 ]
n=$(nsx a "$CTL" flows --role client --addr $A4 --port 5000 | wc -l)
check "--role client --addr $A4 --port 5000: none ($n)" [ "$n" = 0 ]
port=$(head -n 1 /tmp/held.stable | awk '{ sub(/.*:/, "", $1); print $1 }')
out=$(nsx a "$CTL" flows --port "$port" --addr $A4)
check "--addr $A4 --port $port: that one flow" \
	[ "$(echo "$out" | to_port 5000 | wc -l)" = 1 ]
n=$(nsx a "$CTL" flows --addr $B6 | wc -l)
check "--addr $B6: no IPv6 flows ($n)" [ "$n" = 0 ]
n=$(nsx a "$CTL" --json flows --role server --port 5000 | python3 -c '
import json, sys
flows = json.load(sys.stdin)
assert all(f["server"]["port"] == 5000 and f["client"]["addr"] == "10.0.0.1"
           and f["client"]["state"] == "ESTABLISHED" for f in flows)
print(len(flows))') || fail "flows --json"
check "--json --role server --port 5000: $n flows" [ "$n" = $HELD ]

# A resize while a reader pauses in the middle of a dump: the kernel
# marks the dump NLM_F_DUMP_INTR (a raw reader, to control the timing).
nsx a python3 - "$B4" <<'EOF' || fail "an interrupted dump is not marked"
import socket, struct, subprocess, sys, time

def attr(t, p):
    a = struct.pack('HH', 4 + len(p), t) + p
    return a + b'\0' * (-len(a) % 4)

def request(sock, fam, cmd, flags, attrs=b''):
    body = struct.pack('BBH', cmd, 1, 0) + attrs
    sock.send(struct.pack('IHHII', 16 + len(body), fam, flags, 1, 0) + body)

ctrl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
ctrl.bind((0, 0))
request(ctrl, 0x10, 3, 5, attr(2, b'tcpstate\0'))
data = ctrl.recv(65536)
off = 20
while off < struct.unpack_from('I', data)[0]:
    n, t = struct.unpack_from('HH', data, off)
    if t == 1:
        fam = struct.unpack_from('H', data, off + 4)[0]
    off += (n + 3) & ~3

# A fresh socket reads the dump in small pieces; it pauses after the first
# while 40 000 new flows make the table grow.
sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
sock.bind((0, 0))
request(sock, fam, 2, 0x301)              # get-flows, NLM_F_DUMP
msgs = intr = 0
for chunk in range(1000000):
    data = sock.recv(8192)
    if chunk == 0:
        subprocess.run(['hping3', '-q', '-S', '-i', 'u50', '-c', '40000',
                        '--rand-source', '-p', '5005', sys.argv[1]],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2)
    off, done = 0, False
    while off + 16 <= len(data):
        n, typ, flags = struct.unpack_from('IHH', data, off)
        intr += bool(flags & 0x10)       # NLM_F_DUMP_INTR
        done |= typ in (2, 3)            # NLMSG_ERROR, NLMSG_DONE
        msgs += typ >= 0x10
        off += (n + 3) & ~3
    if done:
        break
print(f"# paused dump: {msgs} messages in {chunk + 1} pieces, "
      f"{intr} marked NLM_F_DUMP_INTR")
sys.exit(0 if intr else 1)
EOF
echo "ok: a dump interrupted by a resize is marked NLM_F_DUMP_INTR"
n=$(nsx a "$CTL" -v flows --role server --port 5000 2>/tmp/retry.err | wc -l)
check "a dump after the resize is complete again ($n)" [ "$n" = $HELD ]
dmesg_check
