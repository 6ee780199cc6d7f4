#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tcpstatectl over generic netlink: "stats" says exactly what
# /proc/tcpstate says on a quiet system, in the initial and in other
# namespaces; --json and --prometheus follow DESIGN.md section 6; watch
# refreshes; bad arguments and a missing module give their exit codes.
# timeout: 120
. "$(dirname "$0")/lib.sh"

CTL=$SRCDIR/tools/tcpstatectl/tcpstatectl
[ -x "$CTL" ] || fail "$CTL not built (make tools)"

# exit_code WANT DESCRIPTION CMD...: CMD exits with status WANT.
exit_code() {
	local want=$1 desc=$2 rc

	shift 2
	"$@" >/dev/null 2>&1
	rc=$?
	[ "$rc" = "$want" ] || fail "$desc: exit $rc, expected $want ($*)"
	echo "ok: $desc (exit $rc)"
}

# same_as_proc NS: tcpstatectl stats and /proc/tcpstate agree in NS.
same_as_proc() {
	local f=/tmp/same.$$

	nsx "$1" "$CTL" stats >$f.ctl || fail "tcpstatectl stats in $(nsname "$1")"
	proc_read "$1" >$f.proc
	diff -u $f.proc $f.ctl >&2 ||
		fail "tcpstatectl stats differs from $PROC in $(nsname "$1")"
	rm -f $f.ctl $f.proc
	echo "ok: tcpstatectl stats = $PROC in $(nsname "$1")"
}

# check_json NS: stats --json is the object of DESIGN.md 6, with the
# values of /proc/tcpstate.
check_json() {
	local f=/tmp/stats.$$

	nsx "$1" "$CTL" --json stats >$f.json || fail "stats --json"
	proc_read "$1" >$f.proc
	python3 - $f.json $f.proc "$STATES" "$COUNTERS" "$DETECTORS" <<'EOF' ||
import json, sys
j = json.load(open(sys.argv[1]))
proc = open(sys.argv[2]).read().split('\n')
states, required, detectors = (a.split() for a in sys.argv[3:6])
# Every counter of /proc/tcpstate, in its order (DESIGN.md names at least
# the required ones).
counters = [l.split()[0] for l in proc[6 + len(states):] if l and
            l.split()[0] not in detectors]
assert set(required) <= set(counters), counters
want = {"version", "flows", "max_flows", "mode", "states", "counters",
        "alarms"}
assert set(j) == want, f"keys {sorted(j)}"
assert list(j["states"]) == states, f"states {list(j['states'])}"
assert list(j["counters"]) == counters, f"counters {list(j['counters'])}"
assert list(j["alarms"]) == detectors, f"alarms {list(j['alarms'])}"
assert proc[0] == "tcpstate " + j["version"], proc[0]
for line in proc[2:2 + len(states)]:
    s, c, v = line.split()
    assert j["states"][s] == {"client": int(c), "server": int(v)}, line
kv = dict(l.split() for l in proc[3 + len(states):] if l)
for k in ("flows", "max_flows"):
    assert j[k] == int(kv[k]) and type(j[k]) is int, k
assert j["mode"] == kv["mode"]
for c in counters:
    assert j["counters"][c] == int(kv[c]), c
for d in detectors:
    assert j["alarms"][d] is (kv[d] == "on"), d
EOF
		fail "stats --json does not match $PROC in $(nsname "$1")"
	rm -f $f.json $f.proc
	echo "ok: stats --json in $(nsname "$1")"
}

# check_prometheus NS: the exposition format, with the names of DESIGN.md 6.
check_prometheus() {
	local f=/tmp/prom.$$

	nsx "$1" "$CTL" stats --prometheus >$f.txt || fail "stats --prometheus"
	proc_read "$1" >$f.proc
	python3 - $f.txt $f.proc "$STATES" "$COUNTERS" "$DETECTORS" <<'EOF' ||
import re, sys
lines = open(sys.argv[1]).read().splitlines()
proc = open(sys.argv[2]).read().split('\n')
states, required, detectors = (a.split() for a in sys.argv[3:6])
# Every counter of /proc/tcpstate, in its order (DESIGN.md names at least
# the required ones).
counters = [l.split()[0] for l in proc[6 + len(states):] if l and
            l.split()[0] not in detectors]
assert set(required) <= set(counters), counters
help_, type_, samples = {}, {}, {}
sample = re.compile(r'^([a-z_]+)(\{[^}]*\})? (\d+)$')
for l in lines:
    m = re.match(r'^# (HELP|TYPE) ([a-z_]+) (.+)$', l)
    if m:
        (help_ if m[1] == 'HELP' else type_)[m[2]] = m[3]
        continue
    m = sample.match(l)
    assert m, f"not a sample: {l!r}"
    assert m[1] in help_ and m[1] in type_, f"{m[1]} without HELP/TYPE"
    samples[m[1] + (m[2] or '')] = int(m[3])
for s, line in zip(states, proc[2:]):
    _, c, v = line.split()
    assert samples[f'tcpstate_endpoints{{state="{s}",role="client"}}'] == int(c)
    assert samples[f'tcpstate_endpoints{{state="{s}",role="server"}}'] == int(v)
kv = dict(l.split() for l in proc[3 + len(states):] if l)
assert samples['tcpstate_flows'] == int(kv['flows'])
assert samples['tcpstate_max_flows'] == int(kv['max_flows'])
for c in counters:
    assert samples[f'tcpstate_{c}_total'] == int(kv[c]), c
    assert type_[f'tcpstate_{c}_total'] == 'counter', c
for d in detectors:
    assert samples[f'tcpstate_alarm{{detector="{d}"}}'] == (kv[d] == 'on'), d
assert type_['tcpstate_endpoints'] == 'gauge'
assert len(samples) == 2 * len(states) + 2 + len(counters) + len(detectors)
EOF
		fail "stats --prometheus is wrong in $(nsname "$1")"
	rm -f $f.txt $f.proc
	echo "ok: stats --prometheus in $(nsname "$1")"
}

dmesg_mark
module_loaded && unload_module
exit_code 2 "without the module: exit 2" "$CTL" stats
exit_code 64 "no command: exit 64" "$CTL"
exit_code 64 "unknown command: exit 64" "$CTL" bogus
exit_code 64 "unknown state: exit 64" "$CTL" flows --state NOSUCH
exit_code 64 "bad port: exit 64" "$CTL" flows --port 70000
exit_code 64 "bad address: exit 64" "$CTL" flows --addr 10.0.0.300
exit_code 64 "a flows option for stats: exit 64" "$CTL" stats --port 80
exit_code 0 "--help: exit 0" "$CTL" --help
for c in stats flows listeners events watch; do
	check_output "--help names $c" "^  $c" "$CTL" --help
done

load_module
same_as_proc -
check_json -
check_prometheus -

mk_pair a b
server b --port 5000 --count 20
client a --connect $B4 --port 5000 --count 10 --send 100 || fail "clients"
client a --connect $B6 --port 5000 --count 10 --mode shutdown || fail "clients"
wait $SERVER_PID || fail "server"
settle a b || fail "no quiet moment"
for ns in a b; do
	same_as_proc $ns
	check_json $ns
	check_prometheus $ns
done
check "counters moved in a" [ "$(proc_value a handshakes)" -ge 20 ]

n=$(nsx a "$CTL" --json watch --count 3 | python3 -c '
import json, sys
print(sum(1 for l in sys.stdin if json.loads(l)["version"]))') ||
	fail "watch --json output"
check "watch --count 3 --json: 3 samples (got $n)" [ "$n" = 3 ]
check_output "watch shows the states and rates" '^segments +[0-9]+ +[0-9]+$' \
	nsx a "$CTL" watch --count 2

unload_module
exit_code 2 "after rmmod: exit 2" "$CTL" stats
dmesg_check
