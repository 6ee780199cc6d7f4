#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# /proc/net/tcpstate lists 100 000 flows completely, each once, also when
# read in small pieces (the seq_file resumes its walk), in bounded memory.
# timeout: 240
. "$(dirname "$0")/lib.sh"

N=100000
dmesg_mark
mk_pair a b
load_module
# No flood mode and no cap in the way: every spoofed SYN becomes a flow.
nsx b sysctl -qw net.tcpstate.max_flows=$((2 * N)) \
	net.tcpstate.syn_flood="2147483647 64" \
	net.tcpstate.syn_rate="2147483647 100" || fail "sysctl"
bg nsx a hping3 -q -S --flood --rand-source -p 9 $B4
for i in $(seq 600); do
	[ "$(proc_value b flows)" -ge $N ] && break
	sleep 0.2
done
ns_kill a
settle b || fail "counters did not settle"
flows=$(proc_value b flows)
info "flows $flows"
check "at least $N flows" [ "$flows" -ge $N ]

nsx b cat /proc/net/tcpstate >/tmp/flows.cat
nsx b dd if=/proc/net/tcpstate of=/tmp/flows.dd bs=777 status=none
for f in /tmp/flows.cat /tmp/flows.dd; do
	check "$f lists every flow" [ "$(wc -l <$f)" = "$flows" ]
	check "$f lists each flow once" \
		[ -z "$(cut -d' ' -f1,2 $f | sort | uniq -d | head -1)" ]
	bad=$(grep -Evc '^[0-9.]+:[0-9]+ [0-9.]+:[0-9]+ SYN_SENT LISTEN [0-9]+ [0-9]+ S$' $f)
	check "$f has only well-formed lines ($bad bad)" [ "$bad" = 0 ]
done
dmesg_check
