#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fault: net.tcpstate.max_flows lowered below the current number of flows
# while connections keep opening and closing. From that moment no flow is
# created until enough have ended (flows_created stands still, untracked
# grows, flows never rise above the entries at the change: a tombstone's
# entry may come back to life, no new one is made); once below the
# cap, tracking resumes and stays within it. The max_flows module
# parameter sets the initial namespace's cap at load time, is validated,
# and namespaces copy it.
# timeout: 420
. "$(dirname "$0")/lib.sh"

HELD=120
CAP=60
LOAD_CAP=50000

dmesg_mark
mk_pair a b

# -- the module parameter ------------------------------------------------
for bad in 0 -1 67108865 abc; do
	check "insmod max_flows=$bad is refused" \
		eval "! insmod '$TCPSTATE_KO' max_flows=$bad 2>/dev/null"
	check "and leaves nothing loaded" eval '! module_loaded'
done
load_module max_flows=$LOAD_CAP
expect - max_flows $LOAD_CAP
check "sysctl says so too" [ "$(sysctl -n net.tcpstate.max_flows)" = $LOAD_CAP ]
expect b max_flows $LOAD_CAP
mk_ns c
expect c max_flows $LOAD_CAP
check_output "modinfo names the parameter" '^max_flows:.*\(uint\)$' \
	modinfo -F parm "$TCPSTATE_KO"

# -- lowering under traffic ----------------------------------------------
server b --port 8080 --mode hold
hold_server=$SERVER_PID
server b --port 8081 --mode close
bg client a --connect $B4 --port 8080 --count $HELD --concurrency 8 \
	--mode hold
held=$BGPID
for _ in $(seq 100); do
	[ "$(proc_gauge b ESTABLISHED server)" -ge $HELD ] && break
	sleep 0.2
done
expect_gauge b ESTABLISHED $HELD $HELD
# Short connections until the end: each leaves a TIME_WAIT flow behind.
bg client a --connect $B4 --port 8081 --duration 3600 --concurrency 2 \
	--mode close --ignore-errors
churn=$BGPID
sleep 3

before=$(proc_value b flows)
nsx b sysctl -qw net.tcpstate.max_flows=$CAP || fail "lowering max_flows"
# No flow can be created from here on: whatever is counted now is the
# most there will be while the cap holds.
created=$(proc_value b flows_created)
high=$((created - $(proc_value b flows_freed)))
untracked=$(proc_value b untracked)
info "max_flows $LOAD_CAP -> $CAP with $before flows ($high entries after the write)"
check "the cap is below the flows ($CAP < $high)" [ $CAP -lt "$high" ]
for _ in $(seq 20); do
	sleep 0.5
	f=$(proc_value b flows)
	c=$(proc_value b flows_created)
	[ "$f" -le "$high" ] || fail "flows $f above $high, the entries when max_flows was lowered"
	[ "$c" = "$created" ] || fail "flows_created $created -> $c although flows $f >= max_flows $CAP"
done
echo "ok: 10 s over the cap: flows <= $high, flows_created stays $created"
now=$(proc_value b untracked)
check "untracked grows ($untracked -> $now)" [ "$now" -gt "$untracked" ]
check_format b
check_format a

# Let flows end: both ends of the held connections close and TIME_WAIT
# is shortened.
for ns in a b; do
	nsx $ns sysctl -qw net.tcpstate.timewait_ms=1000 || fail "timewait_ms"
done
kill_bg $held
kill_bg $hold_server
for _ in $(seq 150); do
	f=$(proc_value b flows)
	[ "$f" -lt $CAP ] && break
	sleep 0.2
done
check "flows fall below the cap ($f < $CAP)" [ "$f" -lt $CAP ]
# Tracking resumes, within the cap. A snapshot taken while one CPU frees
# a flow and another creates one may count both: allow that one.
resumed=0
for _ in $(seq 20); do
	sleep 0.5
	f=$(proc_value b flows)
	[ "$f" -le $((CAP + 1)) ] || fail "flows $f above max_flows $CAP"
	[ "$(proc_value b flows_created)" -gt "$created" ] && resumed=1
done
check "new flows are created again below the cap" [ $resumed = 1 ]
kill_bg $churn
check_format b
check_format a
check "the kernel is fine: a connection still works" \
	client a --connect $B4 --port 8081 --count 3
unload_module
dmesg_check
