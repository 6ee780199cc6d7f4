#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fault: network namespaces deleted while their flows are live (held
# connections, short ones opening and closing, a spoofed SYN flood): the
# kernel logs no warning, every flow entry and listener aggregate of a
# deleted namespace goes back to the slab (exactly: what is left in use
# is what the surviving namespaces count), and after rmmod the module's
# slab caches are gone.
# timeout: 240
. "$(dirname "$0")/lib.sh"

HELD=40

# sockets_gone NS: wait until NS has no socket left but TIME_WAIT ones.
# An orphaned socket whose FIN nobody acknowledges keeps its namespace,
# and with it the namespace's flow table, alive after ip netns del; the
# victims give up after one retransmission (tcp_orphan_retries=1).
sockets_gone() {
	for _ in $(seq 100); do
		[ -z "$(nsx "$1" ss -Htan exclude time-wait)" ] && return 0
		sleep 0.3
	done
	nsx "$1" ss -tan exclude time-wait
	return 1
}

# entries NS: flow entries of NS, tombstones included.
entries() {
	echo $(($(proc_value "$1" flows_created) - $(proc_value "$1" flows_freed)))
}

dmesg_mark
load_module
check "no flows in the root namespace before the test" \
	[ "$(entries -)" = 0 ]
check "flow cache empty before the test" \
	[ "$(slab_objects tcpstate_flow)" = 0 ]

# Two victims and a witness pair whose flows must survive the deletions.
mk_pair a b
mk_pair c d
for ns in a b; do
	nsx $ns sysctl -qw net.ipv4.tcp_orphan_retries=1 || fail "sysctl in $ns"
done
route_back b a
server d --port 7000 --mode hold
bg client c --connect $B4 --port 7000 --count 10 --mode hold
server b --port 8080 --mode hold
server b --port 8081 --mode close
server b --port 8082 --mode hold
bg client a --connect $B4 --port 8080 --count $HELD --concurrency 4 \
	--mode hold
for _ in $(seq 150); do
	est=$(proc_gauge b ESTABLISHED server)
	[ "$est" -ge $HELD ] && break
	sleep 0.2
done
check "b tracks the held connections ($est ESTABLISHED)" [ "$est" -ge $HELD ]
bg client a --connect $B6 --port 8081 --duration 600 --concurrency 2 \
	--mode close --ignore-errors
bg nsx a hping3 -q -S --flood --rand-source -p 8082 $B4
sleep 5
check "b tracks the flood ($(proc_value b syn) SYNs)" \
	[ "$(proc_value b syn)" -gt 500 ]
check_format b
# The flood keeps a's and b's tables moving: the exact checks come later.
info "flow objects in use: $(slab_objects tcpstate_flow) (entries: a $(entries a), b $(entries b), c $(entries c), d $(entries d))"
check "listener aggregates are in use" \
	[ "$(slab_objects tcpstate_listener)" -gt 0 ]

# b dies first, with its sockets, flows and listeners, while a floods it.
info "deleting b"
ns_kill b
check "b's sockets are gone" sockets_gone b
ip netns del b || fail "ip netns del b"
sleep 2
check_format a
check_format c

# a: its traffic is gone with the veth; kill its processes and delete it.
info "deleting a"
ns_kill a
check "a's sockets are gone" sockets_gone a
ip netns del a || fail "ip netns del a"

# What remains in use is exactly what c, d and the root namespace hold.
# c and d are idle, so their entries do not change while we wait.
want=$(($(entries c) + $(entries d) + $(entries -)))
wait_slab_objects tcpstate_flow $want 20 ||
	fail "flow objects in use $(slab_objects tcpstate_flow), expected $want (c, d and root)"
echo "ok: flow objects in use are exactly those of the living namespaces ($want)"
check "c's held connections are still tracked" \
	[ "$(proc_gauge c ESTABLISHED client)" = 10 ]
check_format c
check_format d

# c and d go too; nothing is left.
ns_kill c
ns_kill d
ip netns del c
ip netns del d
wait_slab_objects tcpstate_flow 0 20 ||
	fail "flow objects in use after deleting every namespace: $(slab_objects tcpstate_flow)"
echo "ok: no flow object left in use"
wait_slab_objects tcpstate_listener 0 20 ||
	fail "listener objects in use: $(slab_objects tcpstate_listener)"
echo "ok: no listener object left in use"
unload_module
check "slab caches are gone after rmmod" \
	[ "$(slab_objects tcpstate_flow) $(slab_objects tcpstate_listener)" = "gone gone" ]
dmesg_check
