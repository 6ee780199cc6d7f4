#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Attack: spoofed one-way ACKs from random sources fill a table capped at
# 2000 (the server never answers: it has no route back). Each is picked
# up ESTABLISHED but never answered, so it keeps the handshake timeout and
# is evicted, oldest first, when a real connection needs room: 20 real
# connections afterwards are all tracked, entries never pass the cap, and
# the evictions show in "evicted".
# timeout: 240
. "$(dirname "$0")/lib.sh"

MAX_FLOWS=2000
SPOOFED=6000

dmesg_mark
mk_pair a b
load_module
nsx b sysctl -qw net.tcpstate.max_flows=$MAX_FLOWS || fail "sysctl"
server b --port 5000 --mode hold
# b has no route to the spoofed sources: it cannot answer (no RST), as
# behind a firewall that drops what it sends.
nsx a hping3 -q -A -i u200 -c $SPOOFED --rand-source -p 5000 $B4 \
	>/dev/null 2>&1 || true
settle b
info "after $SPOOFED spoofed ACKs: flows $(proc_value b flows), untracked $(proc_value b untracked), evicted $(proc_value b evicted)"
check "the table is full of them" [ "$(proc_value b flows)" -ge $((MAX_FLOWS - 10)) ]
check "flows never pass the cap" [ "$(proc_value b flows)" -le $MAX_FLOWS ]
check "spoofed flows are unanswered ESTABLISHED pickups" \
	[ "$(proc_value b picked_up)" -ge $((MAX_FLOWS - 10)) ]
untracked=$(proc_value b untracked)
bg nsx a $TCPHELPER client --connect $B4 --port 5000 --count 20 \
	--concurrency 4 --mode hold --send 10
wait_gauge a ESTABLISHED 20 20 || fail "the real clients did not connect"
settle b
info "after 20 real connections: flows $(proc_value b flows), untracked $(proc_value b untracked), evicted $(proc_value b evicted)"
check "the 20 real connections are tracked ESTABLISHED" \
	[ "$(nsx b awk -v a="$A4" 'index($1, a ":") == 1 && $3 == "ESTABLISHED" &&
		$4 == "ESTABLISHED"' /proc/net/tcpstate | wc -l)" = 20 ]
check "none of them was untracked" [ "$(proc_value b untracked)" = "$untracked" ]
check "room was made by evictions" [ "$(proc_value b evicted)" -ge 20 ]
check "flows never pass the cap" [ "$(proc_value b flows)" -le $MAX_FLOWS ]
dmesg_check
