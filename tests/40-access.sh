#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Access: /proc/net/tcpstate and /proc/net/tcpstate_listeners are 0440 and
# unreadable by an unprivileged user; /proc/tcpstate is readable by all.
# An unprivileged user in a user namespace of its own with a network
# namespace of its own sees only that namespace (its flows, its files,
# its sysctls) and cannot change the initial namespace's sysctls; the
# 0440 files are readable there only if the user namespace had its uid
# map before the network namespace was made.
# timeout: 150
. "$(dirname "$0")/lib.sh"

NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"

dmesg_mark
load_module

# Five connections over loopback in the initial namespace.
server - --bind 127.0.0.1 --port 9000 --mode hold
bg client - --connect 127.0.0.1 --port 9000 --count 5 --mode hold
for _ in $(seq 50); do
	[ "$(proc_value - flows)" = 5 ] && break
	sleep 0.2
done
expect - flows 5

# -- file modes ------------------------------------------------------------
mk_ns x
for ns in - x; do
	for f in /proc/net/tcpstate /proc/net/tcpstate_listeners; do
		check_output "$f of $(nsname $ns) is 0440 root:root" '^440 root root$' \
			nsx $ns stat -Lc '%a %U %G' $f
	done
done
check_output "/proc/tcpstate is 0444" '^444 root root$' \
	stat -Lc '%a %U %G' /proc/tcpstate
check "root reads /proc/net/tcpstate" \
	[ "$(grep -c ':9000 ' /proc/net/tcpstate)" = 5 ]
check "nobody cannot read /proc/net/tcpstate" \
	eval "! $NOBODY cat /proc/net/tcpstate >/dev/null 2>&1"
check "nobody cannot read /proc/net/tcpstate_listeners" \
	eval "! $NOBODY cat /proc/net/tcpstate_listeners >/dev/null 2>&1"
check_output "nobody reads /proc/tcpstate" '^flows 5$' $NOBODY cat /proc/tcpstate

# -- sysctls of the initial namespace ----------------------------------------
# write_as WRAPPER...: try to write max_flows=7 where WRAPPER puts the
# writer; prints OK or the errno name.
write_as() {
	"$@" python3 -c "import errno, os
try:
    os.write(os.open('/proc/sys/net/tcpstate/max_flows', os.O_WRONLY), b'7')
    print('OK')
except OSError as e:
    print(errno.errorcode[e.errno])"
}
old=$(sysctl -n net.tcpstate.max_flows)
r=$(write_as $NOBODY)
check "nobody cannot write the initial namespace's max_flows ($r)" [ "$r" != OK ]
r=$(write_as $NOBODY unshare -Ur)
check "nor can nobody as root of its own user namespace ($r)" [ "$r" != OK ]
check "max_flows unchanged" [ "$(sysctl -n net.tcpstate.max_flows)" = "$old" ]

# -- a user namespace with its own network namespace -------------------------
# userns_script OUT HELPER: run inside the namespaces as their root (nobody
# outside): two loopback connections, then what it can see and change.
# shellcheck disable=SC2016 # expanded inside the namespace
userns_script='
	out=$1 helper=$2
	ip link set lo up || exit 1
	python3 $helper server --bind 127.0.0.1 --port 9100 --mode hold &
	for _ in $(seq 50); do
		ss -Htln "sport = :9100" | grep -q . && break
		sleep 0.1
	done
	python3 $helper client --connect 127.0.0.1 --port 9100 --count 2 \
		--mode hold &
	for _ in $(seq 50); do
		grep -q "^flows 2$" /proc/tcpstate && break
		sleep 0.2
	done
	id -u >$out/uid
	cat /proc/tcpstate >$out/tcpstate
	cat /proc/net/tcpstate >$out/flows 2>/dev/null || echo failed >$out/flows
	stat -Lc "%a %u" /proc/net/tcpstate >$out/mode
	cat /proc/1/net/tcpstate >$out/init-flows 2>&1 || echo failed >>$out/init-flows
	echo "8 4" >/proc/sys/net/tcpstate/syn_flood && echo OK >$out/write
	cat /proc/sys/net/tcpstate/syn_flood >$out/syn_flood
	echo 67108864 >/proc/sys/net/tcpstate/max_flows && echo OK >$out/write-cap
	echo 2147483647 >/proc/sys/net/tcpstate/timeout_established_ms &&
		echo OK >$out/write-timeout
	cat /proc/sys/net/tcpstate/max_flows >$out/max_flows
	cat /proc/sys/net/tcpstate/timeout_established_ms >$out/timeout
	kill %1 %2
'
out=$(mktemp -d)
chmod 777 "$out"

# One unshare(CLONE_NEWUSER | CLONE_NEWNET): the network namespace exists
# before the user namespace has its uid map, so its root cannot be named
# when the files are made and they stay the global root's, as the kernel's
# own 0440 /proc/net files do (ip_tables_names): unreadable inside.
$NOBODY unshare -Urn bash -c "$userns_script" - "$out" "$TESTDIR/tcphelper.py" ||
	fail "the script in unshare -Urn failed"
info "unshare -Urn: uid $(cat "$out/uid"), /proc/net/tcpstate mode and owner $(cat "$out/mode")"
check "it is root in its user namespace" [ "$(cat "$out/uid")" = 0 ]
check "its /proc/tcpstate shows its own 2 flows (the initial one has 5)" \
	grep -q '^flows 2$' "$out/tcpstate"
check "its /proc/tcpstate follows the contract" \
	eval "check_format_text <'$out/tcpstate'"
check "its /proc/net/tcpstate is 0440 and not its root's" \
	[ "$(cat "$out/mode")" = "440 65534" ]
check "so it cannot read it" grep -q '^failed$' "$out/flows"
check "the initial namespace's flows are unreadable through /proc/1/net" \
	grep -q failed "$out/init-flows"
check "it may tune its own namespace's detectors" grep -q OK "$out/write"
check "its syn_flood pair changed" [ "$(cat "$out/syn_flood")" = "$(printf '8\t4')" ]
check "it may not raise its memory cap" [ ! -e "$out/write-cap" ]
check "its max_flows is the initial namespace's" \
	[ "$(cat "$out/max_flows")" = "$old" ]
check "nor set a timeout past the range" [ ! -e "$out/write-timeout" ]
check "its timeout is unchanged" [ "$(cat "$out/timeout")" = 432000000 ]
check "the initial namespace's max_flows did not change" \
	[ "$(sysctl -n net.tcpstate.max_flows)" = "$old" ]

# The network namespace made after the uid map: its root owns the files.
rm -f "$out"/*
$NOBODY unshare -Ur unshare -n bash -c "$userns_script" - "$out" \
	"$TESTDIR/tcphelper.py" || fail "the script in unshare -Ur unshare -n failed"
info "unshare -Ur unshare -n: /proc/net/tcpstate mode and owner $(cat "$out/mode")"
check "its /proc/tcpstate shows its own 2 flows" grep -q '^flows 2$' "$out/tcpstate"
check "its /proc/net/tcpstate is its root's, 0440" \
	[ "$(cat "$out/mode")" = "440 0" ]
check "its /proc/net/tcpstate lists exactly its 2 flows" \
	[ "$(grep -c '^127.0.0.1:[0-9]* 127.0.0.1:9100 ESTABLISHED ESTABLISHED ' "$out/flows")" = 2 ]
check "and nothing else" [ "$(wc -l <"$out/flows")" = 2 ]
check "the initial namespace's flows are unreadable through /proc/1/net" \
	grep -q failed "$out/init-flows"
check "it may tune its own namespace" grep -q OK "$out/write"
check "it may not raise its memory cap" [ ! -e "$out/write-cap" ]
check "the initial namespace's max_flows did not change" \
	[ "$(sysctl -n net.tcpstate.max_flows)" = "$old" ]
expect - flows 5
rm -rf "$out"
unload_module
dmesg_check
