#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The segments counter of each namespace counts every TCP segment that the
# namespace sent or received, GSO segments individually (checked against
# the kernel's own TcpInSegs/TcpOutSegs/TcpRetransSegs), with and without
# segmentation offload on the veth pair.
# timeout: 300
. "$(dirname "$0")/lib.sh"

dmesg_mark
mk_pair a b
load_module

# One round of traffic: a bulk transfer, short connections both ways,
# IPv4 and IPv6. Then compare what tcpstate counted with the kernel's MIB.
round() {
	local what=$1 sa sb a0 b0 a1 b1 ns seg lo hi
	local -a ma0 mb0 ma1 mb1

	settle a b >/dev/null
	sa=$(proc_value a segments)
	sb=$(proc_value b segments)
	ma0=($(snmp a TcpInSegs TcpOutSegs TcpRetransSegs))
	mb0=($(snmp b TcpInSegs TcpOutSegs TcpRetransSegs))

	server b --port 5000 --count 22
	client a --connect $B4 --port 5000 --send 400000 --mode shutdown ||
		fail "bulk IPv4 client"
	client a --connect $B6 --port 5000 --send 200000 --mode shutdown ||
		fail "bulk IPv6 client"
	client a --connect $B4 --port 5000 --count 12 --send 100 ||
		fail "short IPv4 clients"
	client a --connect $B6 --port 5000 --count 8 --concurrency 4 --send 2000 ||
		fail "short IPv6 clients"
	wait $SERVER_PID || fail "server"
	server a --port 5001 --count 5 --mode close-first --send 3000
	client b --connect $A4 --port 5001 --count 5 --mode wait --send 10 ||
		fail "clients from b"
	wait $SERVER_PID || fail "server in a"
	settle a b || fail "counters did not settle"

	sa=$(($(proc_value a segments) - sa))
	sb=$(($(proc_value b segments) - sb))
	ma1=($(snmp a TcpInSegs TcpOutSegs TcpRetransSegs))
	mb1=($(snmp b TcpInSegs TcpOutSegs TcpRetransSegs))
	for i in 0 1 2; do
		ma1[i]=$((ma1[i] - ma0[i]))
		mb1[i]=$((mb1[i] - mb0[i]))
	done
	echo "# $what: a: tcpstate $sa, in ${ma1[0]} out ${ma1[1]} retrans ${ma1[2]}"
	echo "# $what: b: tcpstate $sb, in ${mb1[0]} out ${mb1[1]} retrans ${mb1[2]}"
	[ "${ma1[1]}" -gt 300 ] || fail "$what: only ${ma1[1]} segments sent: no traffic?"

	# Every segment a namespace sent or received passed its hooks. Both
	# namespaces see all of them: what a sends arrives in b as the same
	# (GSO) packet, while TcpInSegs counts a GSO packet once.
	hi=$((ma1[1] + ma1[2] + mb1[1] + mb1[2]))
	hi=$((hi + hi / 10 + 20))
	for ns in a b; do
		if [ $ns = a ]; then
			seg=$sa
			lo=$((ma1[0] + ma1[1]))
		else
			seg=$sb
			lo=$((mb1[0] + mb1[1]))
		fi
		[ "$seg" -ge "$lo" ] ||
			fail "$what: $ns: segments grew by $seg, fewer than the $lo TCP segments in and out"
		[ "$seg" -le "$hi" ] ||
			fail "$what: $ns: segments grew by $seg, more than $hi"
		echo "ok: $what: $ns: $lo <= $seg <= $hi"
	done
}

offload a off
offload b off
round "offload off"
offload a on
offload b on
round "offload on"
check_format a
check_format b
unload_module
dmesg_check
