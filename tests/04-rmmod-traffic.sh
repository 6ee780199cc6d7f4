#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# rmmod while IPv4 and IPv6 connections are opened and closed continuously:
# the unload succeeds, the kernel logs nothing bad, traffic keeps working
# and the module loads again.
# timeout: 240
. "$(dirname "$0")/lib.sh"

dmesg_mark
mk_pair a b
load_module

server b --port 6000
traffic() {
	client a --connect "$1" --port 6000 --duration "$2" --concurrency 2 \
		--send 5000 --mode "$3"
}
bg traffic $B4 12 close
p4=$BGPID
bg traffic $B6 12 shutdown
p6=$BGPID
sleep 4
segs=$(proc_value a segments)
check "tcpstate sees the traffic (segments $segs)" [ "$segs" -gt 50 ]
check "rmmod during traffic" rmmod tcpstate
check "tcpstate is gone" eval '! module_loaded'
sleep 2
check "insmod during traffic" insmod "$TCPSTATE_KO"
sleep 2
check "rmmod during traffic again" rmmod tcpstate
wait $p4 || fail "IPv4 traffic failed around rmmod"
wait $p6 || fail "IPv6 traffic failed around rmmod"
echo "ok: traffic went on without errors"
check "IPv4 connection after rmmod" client a --connect $B4 --port 6000 --count 3 --send 100
check "IPv6 connection after rmmod" client a --connect $B6 --port 6000 --count 3 --send 100
load_module
check "connection with the module back" client a --connect $B4 --port 6000 --count 3 --send 100
settle a b
check_format a
check_format b
unload_module
dmesg_check
