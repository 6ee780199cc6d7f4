#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Connections over loopback are counted once: each segment is seen on its
# way out only, and both endpoints live in the one namespace.
# timeout: 90
. "$(dirname "$0")/lib.sh"

dmesg_mark
mk_ns l
load_module
server l --port 5000 --bind 127.0.0.1 --mode hold
seg0=$(proc_value l segments)
out0=$(snmp l TcpOutSegs)
bg nsx l $TCPHELPER client --connect 127.0.0.1 --port 5000 --count 10 \
	--concurrency 10 --mode hold --send 100
wait_gauge l ESTABLISHED 10 10
settle l || fail "counters did not settle"
expect_gauge l ESTABLISHED 10 10
expect l flows 10
expect l handshakes 10
truth 5000 l
segs=$(($(proc_value l segments) - seg0))
out=$(($(snmp l TcpOutSegs) - out0))
info "segments $segs, TcpOutSegs $out"
check "each loopback segment counted once" \
	[ "$segs" -ge "$out" -a "$segs" -le $((out + out / 10 + 5)) ]
dmesg_check
