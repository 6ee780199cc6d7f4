# SPDX-License-Identifier: GPL-2.0
# Helpers for the tcpstate VM scenarios (bash): checks, module handling,
# namespace pairs, /proc/tcpstate readers and its contract parser.
#
# Source it as:  . "$(dirname "$0")/lib.sh"
# A scenario exits 0 on success; fail() prints a message and exits 1.
# The scenarios are bash; they need not use set -e.
# Environment: TCPSTATE_KO (module to load, default module/tcpstate.ko of
# this tree), SETTLE_MAX (seconds settle() waits at most, default 20).

TESTDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRCDIR=$(dirname "$TESTDIR")
TCPSTATE_KO=${TCPSTATE_KO:-$SRCDIR/module/tcpstate.ko}
TCPHELPER="/usr/bin/python3 $TESTDIR/tcphelper.py"
PROC=/proc/tcpstate

# Addresses of mk_pair: side A and side B of the veth pair.
A4=10.0.0.1
B4=10.0.0.2
A6=fd00::1
B6=fd00::2

STATES="CLOSED LISTEN SYN_SENT SYN_RCVD ESTABLISHED FIN_WAIT_1 FIN_WAIT_2
CLOSE_WAIT CLOSING LAST_ACK TIME_WAIT"
COUNTERS="segments flows_created flows_freed untracked invalid syn synack
handshakes resets timeouts tw_reuse keepalives simultaneous_open
simultaneous_close picked_up alarms evicted"
DETECTORS="syn_flood timewait syn_sent close_wait"

_bg_pids=""
_cleanup_hooks=""

# Background jobs started with bg() and netns made with mk_ns()/mk_pair()
# are cleaned up when the scenario exits (the harness also does it).
_lib_exit() {
	local rc=$? p h

	for h in $_cleanup_hooks; do
		$h || true
	done
	for p in $_bg_pids; do
		kill_bg "$p"
	done
	for p in $_bg_pids; do
		wait "$p" 2>/dev/null
	done
	for p in $_netns; do
		ns_kill "$p"
		ip netns del "$p" 2>/dev/null
	done
	exit $rc
}
_netns=""
trap _lib_exit EXIT

# fail MSG: print MSG and end the scenario with status 1, also when called
# in a subshell such as $(proc_value ...).
fail() {
	echo "FAIL: $*" >&2
	[ "$BASHPID" = "$$" ] || kill -USR1 $$ 2>/dev/null
	exit 1
}
trap 'exit 1' USR1

info() {
	echo "# $*"
}

# check DESCRIPTION CMD [ARG...]: run CMD, fail with DESCRIPTION if it fails.
check() {
	local desc=$1 out rc

	shift
	if out=$("$@" 2>&1); then
		rc=0
	else
		rc=$?
	fi
	if [ $rc != 0 ]; then
		[ -n "$out" ] && printf '%s\n' "$out" >&2
		fail "$desc (exit $rc: $*)"
	fi
	echo "ok: $desc"
}

# descendants PID: the pids of PID's children, grandchildren and so on.
descendants() {
	local c

	for c in $(pgrep -P "$1"); do
		echo "$c"
		descendants "$c"
	done
}

# kill_bg PID [SIGNAL]: kill a job started with bg() and everything it
# started (a plain kill of a function run with bg, such as nsx, leaves the
# command that the function runs alive).
kill_bg() {
	local pids

	pids="$1 $(descendants "$1")"
	# shellcheck disable=SC2086
	kill -"${2:-TERM}" $pids 2>/dev/null
	return 0
}

# bg CMD [ARG...]: start CMD in the background, killed at exit; the pid is
# in $BGPID.
bg() {
	"$@" &
	BGPID=$!
	_bg_pids="$_bg_pids $BGPID"
}

# at_exit FUNCTION: run FUNCTION when the scenario exits.
at_exit() {
	_cleanup_hooks="$1 $_cleanup_hooks"
}

module_loaded() {
	grep -q '^tcpstate ' /proc/modules
}

# load_module [PARAM=VALUE...]: insmod $TCPSTATE_KO.
load_module() {
	[ -f "$TCPSTATE_KO" ] || fail "module $TCPSTATE_KO not built"
	insmod "$TCPSTATE_KO" "$@" || fail "insmod $TCPSTATE_KO failed"
	[ -e $PROC ] || fail "$PROC missing after insmod"
}

# unload_module: rmmod tcpstate; fails if it stays loaded.
unload_module() {
	local i

	module_loaded || return 0
	for i in 1 2 3 4 5; do
		rmmod tcpstate && return 0
		sleep 1
	done
	fail "rmmod tcpstate failed"
}

# dmesg_mark; ... ; dmesg_check: fail if the kernel logged a warning,
# BUG or oops since the mark.
dmesg_mark() {
	_dmesg_lines=$(dmesg | wc -l)
}

dmesg_new() {
	dmesg | tail -n +$((${_dmesg_lines:-0} + 1))
}

dmesg_check() {
	local bad

	bad=$(dmesg_new | grep -E 'WARNING:|BUG:|KASAN|Oops|general protection|Kernel panic|refcount_t:|list_(add|del) corruption')
	if [ -n "$bad" ]; then
		dmesg_new | tail -n 60 >&2
		fail "kernel log: $(printf '%s\n' "$bad" | head -n 1)"
	fi
}

# nsname NS: NS as a label for messages.
nsname() {
	case $1 in
	'' | -) echo root ;;
	*) echo "$1" ;;
	esac
}

# nsx NS CMD...: run CMD in namespace NS ("" or "-": the current one).
nsx() {
	local ns=$1

	shift
	if [ -z "$ns" ] || [ "$ns" = - ]; then
		"$@"
	else
		ip netns exec "$ns" "$@"
	fi
}

# ns_kill NS: kill every process in namespace NS.
ns_kill() {
	local pids

	pids=$(ip netns pids "$1" 2>/dev/null)
	[ -n "$pids" ] || return 0
	# shellcheck disable=SC2086
	kill -9 $pids 2>/dev/null
	sleep 0.2
}

# mk_ns NS: a fresh namespace with lo up, deleted at exit.
mk_ns() {
	ip netns del "$1" 2>/dev/null
	ip netns add "$1" || fail "ip netns add $1"
	_netns="$_netns $1"
	ip -n "$1" link set lo up || fail "lo up in $1"
}

# mk_pair NSA NSB: two namespaces joined by a veth pair, eth0 on both
# sides, $A4/$A6 in NSA and $B4/$B6 in NSB.
mk_pair() {
	local a=$1 b=$2

	modprobe veth 2>/dev/null
	mk_ns "$a"
	mk_ns "$b"
	ip -n "$a" link add eth0 type veth peer name eth0 netns "$b" ||
		fail "veth between $a and $b"
	ip -n "$a" addr add $A4/24 dev eth0
	ip -n "$b" addr add $B4/24 dev eth0
	ip -n "$a" addr add $A6/64 dev eth0 nodad
	ip -n "$b" addr add $B6/64 dev eth0 nodad
	ip -n "$a" link set eth0 up
	ip -n "$b" link set eth0 up
	wait_ping "$a" $B4 $B6 || fail "no connectivity between $a and $b"
}

# wait_ping NS ADDR4 ADDR6: wait (5 s at most) until NS reaches both.
wait_ping() {
	local i

	for i in $(seq 50); do
		ip netns exec "$1" ping -q -c1 -W1 "$2" >/dev/null 2>&1 &&
			ip netns exec "$1" ping -q -c1 -W1 "$3" >/dev/null 2>&1 &&
			return 0
		sleep 0.1
	done
	return 1
}

# offload NS on|off: switch TSO/GSO/GRO of eth0 in NS.
offload() {
	ip netns exec "$1" ethtool -K eth0 tso "$2" gso "$2" gro "$2" ||
		fail "ethtool -K eth0 in $1"
}

# wait_listen NS PORT: wait until something listens on PORT in NS.
wait_listen() {
	local i

	for _ in $(seq 100); do
		nsx "$1" ss -Htln "sport = :$2" | grep -q . && return 0
		sleep 0.1
	done
	fail "nothing listens on port $2 in $(nsname "$1")"
}

# server NS ARGS...: tcphelper server in NS, in the background, waited for.
# Needs --port among ARGS.
server() {
	local ns=$1 port='' a prev=''

	shift
	for a in "$@"; do
		[ "$prev" = --port ] && port=$a
		prev=$a
	done
	bg nsx "$ns" $TCPHELPER server "$@"
	SERVER_PID=$BGPID
	[ -n "$port" ] && wait_listen "$ns" "$port"
}

# client NS ARGS...: tcphelper client in NS, in the foreground.
client() {
	local ns=$1

	shift
	nsx "$ns" $TCPHELPER client "$@"
}

# proc_read NS: /proc/tcpstate as seen from NS.
proc_read() {
	nsx "$1" cat $PROC
}

# proc_value NS KEY: the value of the "KEY value" line.
proc_value() {
	local v

	v=$(proc_read "$1" | awk -v k="$2" 'NF == 2 && $1 == k { print $2; exit }')
	[ -n "$v" ] || fail "no '$2' in $PROC of $(nsname "$1")"
	echo "$v"
}

# proc_gauge NS STATE client|server
proc_gauge() {
	local col v

	case $3 in
	client) col=2 ;;
	server) col=3 ;;
	*) fail "proc_gauge: role must be client or server, not '$3'" ;;
	esac
	v=$(proc_read "$1" | awk -v k="$2" -v c=$col \
		'NR > 2 && NF == 3 && $1 == k { print $c; exit }')
	[ -n "$v" ] || fail "no state $2 in $PROC of $(nsname "$1")"
	echo "$v"
}

# proc_gauges_zero NS: fail unless every gauge and flows are 0.
proc_gauges_zero() {
	local out

	out=$(proc_read "$1" | awk 'NR >= 3 && NR <= 13 && ($2 != 0 || $3 != 0) { print }
		$1 == "flows" && $2 != 0 { print }')
	[ -z "$out" ] || fail "gauges not zero in $(nsname "$1"): $out"
}

# check_format_text: read /proc/tcpstate text on stdin, print what
# violates the DESIGN.md section 3 contract, exit non-zero if anything.
check_format_text() {
	awk -v states="$STATES" -v counters="$COUNTERS" -v detectors="$DETECTORS" '
	function err(m) { printf "line %d: %s: \"%s\"\n", NR, m, $0; bad = 1 }
	function num(x) { return x ~ /^[0-9]+$/ }
	BEGIN {
		ns = split(states, st, /[ \n]+/)
		nc = split(counters, cn, /[ \n]+/)
		nd = split(detectors, dt, /[ \n]+/)
		for (i = 1; i <= nd; i++)
			isdet[dt[i]] = 1
	}
	{ line[NR] = $0 }
	NR == 1 {
		if (NF != 2 || $1 != "tcpstate")
			err("expected \"tcpstate <version>\"")
		next
	}
	NR == 2 {
		if (NF != 3 || $1 != "STATE" || $2 != "CLIENT" || $3 != "SERVER")
			err("expected header \"STATE CLIENT SERVER\"")
		next
	}
	NR >= 3 && NR < 3 + ns {
		want = st[NR - 2]
		if (NF != 3 || $1 != want || !num($2) || !num($3))
			err("expected \"" want " <n> <n>\"")
		else
			sum += $2 + $3
		next
	}
	NR == 3 + ns {
		if ($0 != "")
			err("expected a blank line")
		next
	}
	NR == 4 + ns {
		if (NF != 2 || $1 != "flows" || !num($2))
			err("expected \"flows <n>\"")
		flows = $2
		next
	}
	NR == 5 + ns {
		if (NF != 2 || $1 != "max_flows" || !num($2))
			err("expected \"max_flows <n>\"")
		next
	}
	NR == 6 + ns {
		if (NF != 2 || $1 != "mode" || ($2 != "normal" && $2 != "flood"))
			err("expected \"mode normal|flood\"")
		next
	}
	{
		if (NF != 2) {
			err("expected \"<name> <value>\"")
			next
		}
		if ($1 in isdet) {
			ndet++
			if (ndet <= nd && $1 != dt[ndet])
				err("expected detector " dt[ndet])
			if ($2 != "on" && $2 != "off")
				err("expected \"" $1 " on|off\"")
			next
		}
		if (ndet)
			err("counter after the detector lines")
		if ($1 !~ /^[a-z][a-z0-9_]*$/ || !num($2))
			err("expected \"<counter> <n>\"")
		if ($1 in seen)
			err("duplicate counter " $1)
		seen[$1] = $2
	}
	END {
		if (NR < 6 + ns) {
			printf "only %d lines\n", NR
			exit 1
		}
		for (i = 1; i <= nc; i++)
			if (!(cn[i] in seen)) {
				printf "counter %s missing\n", cn[i]
				bad = 1
			}
		if (ndet != nd) {
			printf "%d detector lines, expected %d (%s)\n", ndet, nd, detectors
			bad = 1
		}
		for (i = 1; i <= nd; i++)
			if (line[NR - nd + i] !~ ("^" dt[i] " (on|off)$")) {
				printf "line %d should be \"%s on|off\"\n", NR - nd + i, dt[i]
				bad = 1
			}
		if (flows != "" && sum != 2 * flows) {
			printf "gauges sum to %d, flows %d: expected sum = 2 * flows\n", sum, flows
			bad = 1
		}
		exit bad
	}'
}

# check_format NS: /proc/tcpstate of NS follows the contract exactly.
check_format() {
	local f out

	f=$(mktemp)
	proc_read "$1" >"$f" || fail "cannot read $PROC in $(nsname "$1")"
	[ -s "$f" ] || fail "$PROC empty in $(nsname "$1")"
	[ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] ||
		fail "$PROC of $(nsname "$1") does not end with a newline"
	if ! out=$(check_format_text <"$f"); then
		cat "$f" >&2
		rm -f "$f"
		fail "$PROC of $(nsname "$1") breaks the format contract: $out"
	fi
	rm -f "$f"
}

# settle [NS...]: wait until /proc/tcpstate of each NS stops changing for
# a second (at most SETTLE_MAX seconds). Returns 1 if it never settled.
settle() {
	local max=${SETTLE_MAX:-20} prev='' cur ns stable=0 t0

	[ $# -gt 0 ] || set -- -
	t0=$(date +%s)
	while [ $(($(date +%s) - t0)) -lt "$max" ]; do
		cur=$(for ns in "$@"; do proc_read "$ns"; done 2>&1)
		if [ -n "$prev" ] && [ "$cur" = "$prev" ]; then
			stable=$((stable + 1))
			[ $stable -ge 2 ] && return 0
		else
			stable=0
		fi
		prev=$cur
		sleep 0.5
	done
	echo "settle: $PROC still changing after ${max}s" >&2
	return 1
}

# snmp NS FIELD...: nstat absolute values (e.g. TcpInSegs) in NS, one per
# FIELD, in order.
snmp() {
	local ns=$1 f out

	shift
	out=$(NSTAT_HISTORY=/dev/null nsx "$ns" nstat -asz "$@") ||
		fail "nstat in $(nsname "$ns")"
	for f in "$@"; do
		printf '%s\n' "$out" | awk -v k="$f" '$1 == k { print $2; found = 1 }
			END { if (!found) print 0 }'
	done
}

# expect NS KEY VALUE: the "KEY value" line of NS's /proc/tcpstate is VALUE.
expect() {
	local v

	v=$(proc_value "$1" "$2")
	[ "$v" = "$3" ] || fail "$(nsname "$1"): $2 is $v, expected $3"
	echo "ok: $(nsname "$1"): $2 = $3"
}

# expect_gauge NS STATE CLIENT SERVER: exact endpoint counts of STATE.
expect_gauge() {
	local c s

	c=$(proc_gauge "$1" "$2" client)
	s=$(proc_gauge "$1" "$2" server)
	if [ "$c $s" != "$3 $4" ]; then
		# What the next look needs: flows, counters, the sockets.
		nsx "$1" cat /proc/net/tcpstate | head -n 20 >&2
		nsx "$1" cat /proc/tcpstate >&2
		nsx "$1" ss -tan >&2
		fail "$(nsname "$1"): $2 is client $c server $s, expected $3 $4"
	fi
	echo "ok: $(nsname "$1"): $2 client $3 server $4"
}

# truth PORT NS...: /proc/tcpstate and /proc/net/tcpstate of every NS
# agree with the sockets (ss -tan) of all NS, paired by 4-tuple.
truth() {
	local port=$1 args= ns

	shift
	for ns in "$@"; do
		args="$args --ns $ns"
	done
	# shellcheck disable=SC2086
	check "tcpstate agrees with ss in $*" "$TESTDIR/truth.py" $args --port "$port"
}

# check_output DESCRIPTION ERE CMD [ARG...]: a line of CMD's output matches
# the extended regular expression ERE.
check_output() {
	local desc=$1 re=$2 out

	shift 2
	out=$("$@" 2>&1) || true
	if ! printf '%s\n' "$out" | grep -Eq -- "$re"; then
		printf '%s\n' "$out" | tail -n 20 >&2
		fail "$desc"
	fi
	echo "ok: $desc"
}

# detector NS NAME: prints on or off, as /proc/tcpstate of NS says.
detector() {
	proc_read "$1" | awk -v d="$2" '$1 == d { print $2; exit }'
}

# wait_detector NS NAME on|off [TENTHS]: wait until it is so (default 10 s).
wait_detector() {
	local i

	for i in $(seq "${4:-100}"); do
		[ "$(detector "$1" "$2")" = "$3" ] && return 0
		sleep 0.1
	done
	return 1
}

# slab_objects CACHE: objects in use in slab cache CACHE, or "gone" when
# the cache does not exist. The VM boots with slab_nomerge, so the
# module's caches (tcpstate_flow, tcpstate_listener) are its own. The
# per-CPU slabs are flushed first: /proc/slabinfo counts the free objects
# in them as active.
slab_objects() {
	[ -w "/sys/kernel/slab/$1/shrink" ] && echo 1 >"/sys/kernel/slab/$1/shrink"
	awk -v c="$1" '$1 == c { n = $2 } END { print n == "" ? "gone" : n }' \
		/proc/slabinfo
}

# wait_slab_objects CACHE N [SECONDS]: wait (default 10 s) until
# slab_objects CACHE prints N: frees wait for an RCU grace period.
wait_slab_objects() {
	local i

	for i in $(seq $((${3:-10} * 5))); do
		[ "$(slab_objects "$1")" = "$2" ] && return 0
		sleep 0.2
	done
	return 1
}

# wait_gauge NS STATE CLIENT SERVER [SECONDS]: wait (default 60 s) until
# STATE holds exactly CLIENT and SERVER endpoints, for traffic started in
# the background; the caller checks again after settling.
wait_gauge() {
	local i

	for i in $(seq $((${5:-60} * 5))); do
		[ "$(proc_gauge "$1" "$2" client) $(proc_gauge "$1" "$2" server)" = "$3 $4" ] &&
			return 0
		sleep 0.2
	done
	return 1
}

# route_back NSB NSA: a default route in NSB towards NSA, through a
# gateway whose address is fixed, so that replies to a spoofed flood's
# sources leave NSB (where tcpstate sees them) without an ARP request for
# each of them.
route_back() {
	ip -n "$1" neigh add 10.0.0.254 dev eth0 \
		lladdr "$(ip -n "$2" -br link show eth0 | awk '{print $3}')" ||
		fail "gateway neighbour in $1"
	ip -n "$1" route add default via 10.0.0.254 || fail "route in $1"
}

# Addresses of mk_router: the client side, the router's two legs, the
# server side, and the bypass link between client and server.
C4=10.1.0.1
RC4=10.1.0.254
RS4=10.2.0.254
S4=10.2.0.1
C6=fd01::1
RC6=fd01::254
RS6=fd02::254
S6=fd02::1

# _addrs NS DEV ADDR4 ADDR6: both addresses on DEV, which goes up.
_addrs() {
	ip -n "$1" addr add "$3/24" dev "$2" || fail "address $3 in $1"
	ip -n "$1" addr add "$4/64" dev "$2" nodad || fail "address $4 in $1"
	ip -n "$1" link set "$2" up
}

# mk_router NSC NSR NSS [both|forward|reply]: NSC (client side, $C4/$C6)
# and NSS (server side, $S4/$S6) joined through the router NSR. With
# "forward", NSS's replies take a second link (bypass) straight to NSC, so
# NSR sees only NSC's side of each flow; with "reply", NSC's segments
# take it and NSR sees only NSS's side (ECMP and multi-homing do this).
mk_router() {
	local c=$1 r=$2 s=$3 mode=${4:-both} ns

	modprobe veth 2>/dev/null
	for ns in "$c" "$r" "$s"; do
		mk_ns "$ns"
	done
	ip -n "$c" link add eth0 type veth peer name eth0 netns "$r" ||
		fail "veth between $c and $r"
	ip -n "$s" link add eth0 type veth peer name eth1 netns "$r" ||
		fail "veth between $s and $r"
	_addrs "$c" eth0 $C4 $C6
	_addrs "$r" eth0 $RC4 $RC6
	_addrs "$r" eth1 $RS4 $RS6
	_addrs "$s" eth0 $S4 $S6
	ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 || fail "forwarding in $r"
	ip -n "$c" route add default via $RC4
	ip -n "$c" -6 route add default via $RC6
	ip -n "$s" route add default via $RS4
	ip -n "$s" -6 route add default via $RS6
	if [ "$mode" != both ]; then
		ip -n "$c" link add bypass type veth peer name bypass netns "$s" ||
			fail "bypass between $c and $s"
		_addrs "$c" bypass 10.3.0.1 fd03::1
		_addrs "$s" bypass 10.3.0.2 fd03::2
		# Segments arrive on the link their replies do not leave by.
		for ns in "$c" "$s"; do
			ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
				net.ipv4.conf.default.rp_filter=0 \
				net.ipv4.conf.eth0.rp_filter=0 \
				net.ipv4.conf.bypass.rp_filter=0
		done
	fi
	case $mode in
	forward)
		ip -n "$s" route add 10.1.0.0/24 via 10.3.0.1 dev bypass
		ip -n "$s" -6 route add fd01::/64 via fd03::1 dev bypass
		;;
	reply)
		ip -n "$c" route add 10.2.0.0/24 via 10.3.0.2 dev bypass src $C4
		ip -n "$c" -6 route add fd02::/64 via fd03::2 dev bypass src $C6
		;;
	esac
	wait_ping "$c" $S4 $S6 ||
		fail "no connectivity between $c and $s through $r ($mode)"
}
