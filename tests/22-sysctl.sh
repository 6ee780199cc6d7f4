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

for name in max_flows max_listeners syn_flood_enter syn_flood_exit \
	syn_rate_enter syn_rate_exit timewait_enter timewait_exit \
	syn_sent_enter syn_sent_exit close_wait_enter close_wait_exit \
	timewait_ms timeout_handshake_ms timeout_established_ms \
	timeout_closing_ms log_alarms; do
	check "sysctl $name exists" [ -f /proc/sys/net/tcpstate/$name ]
done

old=$(get a max_flows)
for bad in abc -5 0 99999999999 2147483648 12abc 67108865; do
	r=$(write a max_flows "$bad")
	check "max_flows='$bad' is refused with EINVAL ($r)" [ "$r" = EINVAL ]
	check "max_flows unchanged after '$bad'" [ "$(get a max_flows)" = "$old" ]
done
r=$(write a log_alarms 2)
check "log_alarms=2 is refused ($r)" [ "$r" = EINVAL ]
enter=$(get a syn_flood_enter)
exit_=$(get a syn_flood_exit)
r=$(write a syn_flood_exit "$enter")
check "syn_flood_exit = enter is refused ($r)" [ "$r" = EINVAL ]
r=$(write a syn_flood_enter "$exit_")
check "syn_flood_enter = exit is refused ($r)" [ "$r" = EINVAL ]
check "the pair is unchanged" \
	[ "$(get a syn_flood_enter) $(get a syn_flood_exit)" = "$enter $exit_" ]
r=$(write a timewait_exit 5)
check "a valid write works ($r)" [ "$r" = OK ]
check "and reads back" [ "$(get a timewait_exit)" = 5 ]

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
sysctl -qw net.tcpstate.syn_rate_enter=4321 || fail "sysctl in root"
mk_ns c
check "a new namespace copies the initial one" [ "$(get c syn_rate_enter)" = 4321 ]
sysctl -qw net.tcpstate.syn_rate_enter=1000

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
