#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# close_wait goes on for a listener whose application does not close, and
# syn_sent for outgoing connection attempts nobody answers; both clear.
# timeout: 150
. "$(dirname "$0")/lib.sh"

dmesg_mark
mk_pair a b
load_module
nsx b sysctl -qw net.tcpstate.close_wait="5 2" || fail "sysctl in b"
nsx a sysctl -qw net.tcpstate.syn_sent="5 2" \
	net.tcpstate.timeout_handshake_ms=3000 || fail "sysctl in a"

server b --port 5000 --mode hold
HOLD=$SERVER_PID
client a --connect $B4 --port 5000 --count 6 --concurrency 6 --mode close ||
	fail "clients"
wait_detector b close_wait on
expect_gauge b CLOSE_WAIT 0 6
check_output "close_wait on" '^close_wait on$' proc_read b
check_output "the listener is named" \
	"^$B4:5000 0 [0-9]+ [0-9]+ close_wait$" \
	nsx b cat /proc/net/tcpstate_listeners
# The application finally closes: CLOSE_WAIT drains, the alarm clears.
ns_kill b
wait_detector b close_wait off
check_output "close_wait off" '^close_wait off$' proc_read b

# Nobody answers at 10.0.0.99: SYN_SENT piles up on this host.
bg nsx a $TCPHELPER client --connect 10.0.0.99 --port 80 --count 6 \
	--concurrency 6 --mode close --ignore-errors
CLIENTS=$BGPID
wait_detector a syn_sent on
check_output "syn_sent on" '^syn_sent on$' proc_read a
kill $CLIENTS 2>/dev/null
ns_kill a
wait_detector a syn_sent off
check_output "syn_sent off once the attempts time out" \
	'^syn_sent off$' proc_read a
dmesg_check
