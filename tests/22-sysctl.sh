#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# net.tcpstate.*: bad writes fail with EINVAL and change nothing, writes
# need privilege, a change takes effect at once, namespaces are
# independent and a new one starts from the initial namespace's values.
# timeout: 240
. "$(dirname "$0")/lib.sh"

dmesg_mark
mk_pair a b
load_module

# write NS NAME VALUE: prints the errno name of the write, or OK.
write() {
	nsx "$1" python3 - "$2" "$3" <<'PY'
import errno, os, sys
fd = os.open('/proc/sys/net/tcpstate/' + sys.argv[1], os.O_WRONLY)
try:
    os.write(fd, sys.argv[2].encode())
    print('OK')
except OSError as e:
    print(errno.errorcode[e.errno])
PY
}

get() {
	nsx "$1" cat /proc/sys/net/tcpstate/"$2"
}

for name in max_flows max_listeners syn_flood syn_rate timewait syn_sent \
	close_wait timewait_ms timeout_handshake_ms timeout_established_ms \
	timeout_closing_ms log_alarms max_flows_total; do
	check "sysctl $name exists" [ -f /proc/sys/net/tcpstate/$name ]
done
check "max_flows_total is the initial namespace's only" \
	nsx a sh -c '! test -e /proc/sys/net/tcpstate/max_flows_total'
check "max_flows_total defaults to 4 x max_flows" \
	[ "$(cat /proc/sys/net/tcpstate/max_flows_total)" = 1048576 ]
check "no separate _enter/_exit keys" \
	[ -z "$(ls /proc/sys/net/tcpstate | grep -E '_(enter|exit)$')" ]

old=$(get a max_flows)
for bad in abc -5 0 99999999999 2147483648 12abc 67108865; do
	r=$(write a max_flows "$bad")
	check "max_flows='$bad' is refused with EINVAL ($r)" [ "$r" = EINVAL ]
	check "max_flows unchanged after '$bad'" [ "$(get a max_flows)" = "$old" ]
done
r=$(write a log_alarms 2)
check "log_alarms=2 is refused ($r)" [ "$r" = EINVAL ]
for bad in 2147483647 864000001 0; do
	r=$(write a timeout_established_ms $bad)
	check "timeout_established_ms=$bad is refused ($r)" [ "$r" = EINVAL ]
done
check "timeout_established_ms unchanged" \
	[ "$(get a timeout_established_ms)" = 432000000 ]

# Hysteresis pairs: one key, "ENTER EXIT", exit below enter.
pair=$(get a syn_flood)
check "syn_flood reads as ENTER EXIT ($pair)" [ "$pair" = "$(printf '256\t64')" ]
for bad in "64 64" "64 256" "0 0" "8 -1" "abc" "8 x"; do
	r=$(write a syn_flood "$bad")
	check "syn_flood='$bad' is refused ($r)" [ "$r" = EINVAL ]
	check "syn_flood unchanged after '$bad'" [ "$(get a syn_flood)" = "$pair" ]
done
r=$(write a timewait "8000 5000")
check "a valid pair works ($r)" [ "$r" = OK ]
check "and reads back" [ "$(get a timewait)" = "$(printf '8000\t5000')" ]

# sysctl -p of a file that raises every pair far above the defaults, then
# of one that lowers them: each applies, whatever the order of its lines.
conf=/tmp/tcpstate-sysctl.$$
printf '%s\n' "net.tcpstate.close_wait = 100000 99999" \
	"net.tcpstate.syn_sent = 100000 99999" \
	"net.tcpstate.timewait = 1000000 999999" \
	"net.tcpstate.syn_rate = 1000000 999999" \
	"net.tcpstate.syn_flood = 100000 99999" >"$conf"
check "sysctl -p raising every pair" nsx a sysctl -q -p "$conf"
check "syn_flood raised" [ "$(get a syn_flood)" = "$(printf '100000\t99999')" ]
printf '%s\n' "net.tcpstate.syn_flood = 8 4" "net.tcpstate.syn_rate = 8 4" \
	"net.tcpstate.timewait = 8 4" "net.tcpstate.syn_sent = 8 4" \
	"net.tcpstate.close_wait = 8 4" >"$conf"
check "sysctl -p lowering every pair" nsx a sysctl -q -p "$conf"
check "close_wait lowered" [ "$(get a close_wait)" = "$(printf '8\t4')" ]
check "the shipped example applies (all commented)" \
	nsx a sysctl -q -p "$SRCDIR/Documentation/sysctl.d/50-tcpstate.conf"
sed 's/^#net/net/' "$SRCDIR/Documentation/sysctl.d/50-tcpstate.conf" >"$conf"
check "the shipped example applies uncommented" nsx a sysctl -q -p "$conf"
check "back to the defaults" [ "$(get a syn_flood)" = "$(printf '256\t64')" ]
rm -f "$conf"

r=$(nsx a setpriv --reuid=65534 --regid=65534 --clear-groups \
	python3 -c "import os
try:
    os.write(os.open('/proc/sys/net/tcpstate/max_flows', os.O_WRONLY), b'7')
    print('OK')
except OSError as e:
    print(e.errno)")
check "an unprivileged write is refused ($r)" [ "$r" != OK ]

# Namespaces are independent.
r=$(write a max_flows 1234)
check "max_flows=1234 in a ($r)" [ "$r" = OK ]
check "b keeps its own max_flows" [ "$(get b max_flows)" = "$old" ]

# A new namespace starts from the initial namespace's values.
sysctl -qw net.tcpstate.syn_rate="4321 100" || fail "sysctl in root"
mk_ns c
check "a new namespace copies the initial one" \
	[ "$(get c syn_rate)" = "$(printf '4321\t100')" ]
sysctl -qw net.tcpstate.syn_rate="1000 100"

# A change takes effect at once: a cap of 5 flows.
r=$(write b max_flows 5)
check "max_flows=5 in b ($r)" [ "$r" = OK ]
server b --port 5000 --mode hold
bg nsx a $TCPHELPER client --connect $B4 --port 5000 --count 10 \
	--concurrency 10 --mode hold
sleep 3
settle b
check "b tracks at most 5 flows" [ "$(proc_value b flows)" -le 5 ]
check "the rest is counted untracked" [ "$(proc_value b untracked)" -gt 0 ]
expect a flows 10
dmesg_check
