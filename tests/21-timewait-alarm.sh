#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hundreds of short connections closed by the client pile up TIME_WAIT:
# the timewait alarm goes on, and clears once timewait_ms has passed.
# timeout: 150
. "$(dirname "$0")/lib.sh"

dmesg_mark
mk_pair a b
load_module
for ns in a b; do
	nsx $ns sysctl -qw net.tcpstate.timewait="100 50" \
		net.tcpstate.timewait_ms=30000 \
		net.tcpstate.close_wait="100000 99999" || fail "sysctl in $ns"
done
server b --port 5000 --mode close
client a --connect $B4 --port 5000 --count 150 --concurrency 10 \
	--mode close || fail "clients"
sleep 1.5
for ns in a b; do
	expect_gauge $ns TIME_WAIT 150 0
	check_output "timewait on in $ns" '^timewait on$' proc_read $ns
done
for ns in a b; do
	inum=$(nsx $ns stat -Lc %i /proc/self/ns/net)
	check_output "the alarm is logged with $ns's inode and figure" \
		"tcpstate: netns=$inum timewait on - time_wait=1[0-9]{2}\$" dmesg_new
done
# The first TIME_WAIT ends 30 s after it began: long enough for a slow
# guest to open and close all 150 connections first.
wait_detector a timewait off 450
wait_detector b timewait off
for ns in a b; do
	check_output "timewait off in $ns" '^timewait off$' proc_read $ns
	expect_gauge $ns TIME_WAIT 0 0
	expect $ns alarms 2
done
dmesg_check
