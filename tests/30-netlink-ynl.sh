#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The generic ynl CLI of a 6.12 tree (tools/net/ynl), driven only by
# Documentation/netlink/specs/tcpstate.yaml, talks to the module: the
# spec describes what the module really sends and accepts.
# timeout: 240
. "$(dirname "$0")/lib.sh"

CACHE=${TCPSTATE_CACHE:-/var/cache/tcpstate}
YNL=$CACHE/linux-6.12/tools/net/ynl
SCHEMA=$CACHE/linux-6.12/Documentation/netlink/genetlink-legacy.yaml
SPEC=$SRCDIR/Documentation/netlink/specs/tcpstate.yaml
CTL=$SRCDIR/tools/tcpstatectl/tcpstatectl
if [ ! -f "$YNL/cli.py" ]; then
	info "SKIP: $YNL missing (scripts/setup unpacks linux-source-6.12)"
	exit 0
fi
[ -x "$CTL" ] || fail "$CTL not built (make tools)"

# ynl NS ARGS...: the ynl CLI in NS, JSON out. The spec is checked
# against the schema once (that is slow under emulation), not every time.
ynl() {
	local ns=$1

	shift
	nsx "$ns" /usr/bin/python3 "$YNL/cli.py" --spec "$SPEC" --no-schema \
		--output-json "$@"
}

dmesg_mark
load_module
mk_pair a b
server b --port 5000 --mode hold
bg client a --connect $B4 --port 5000 --count 5 --mode hold
bg client a --connect $B6 --port 5000 --count 3 --mode hold
for i in $(seq 50); do
	[ "$(nsx a "$CTL" flows | wc -l)" = 8 ] && break
	sleep 0.2
done
settle a || fail "no quiet moment"

check_output "the spec passes the schema; ynl lists the operations" \
	'get-flows' nsx a /usr/bin/python3 "$YNL/cli.py" --spec "$SPEC" \
	--schema "$SCHEMA" --list-ops
ynl a --do get-stats >/tmp/ynl.stats || fail "ynl --do get-stats"
proc_read a >/tmp/proc.stats
python3 - /tmp/ynl.stats /tmp/proc.stats "$STATES" "$COUNTERS" "$DETECTORS" <<'PY' ||
import json, sys
y = json.load(open(sys.argv[1]))
proc = open(sys.argv[2]).read().split('\n')
states, required, detectors = (a.split() for a in sys.argv[3:6])
# Every counter of /proc/tcpstate, in its order (DESIGN.md names at least
# the required ones).
counters = [l.split()[0] for l in proc[6 + len(states):] if l and
            l.split()[0] not in detectors]
assert set(required) <= set(counters), counters
assert proc[0] == "tcpstate " + y["version"]
for line in proc[2:2 + len(states)]:
    s, c, v = line.split()
    assert y["states"][s] == {"client": int(c), "server": int(v)}, (s, y["states"][s])
kv = dict(l.split() for l in proc[3 + len(states):] if l)
assert y["flows"] == int(kv["flows"]) == 8, y["flows"]
assert y["max-flows"] == int(kv["max_flows"]) == y["params"]["max_flows"]
assert y["mode"] == kv["mode"]
assert list(y["counters"]) == counters, list(y["counters"])
for c in counters:
    assert y["counters"][c] == int(kv[c]), c
assert list(y["alarms"]) == detectors
for d in detectors:
    assert y["alarms"][d] == (kv[d] == "on"), d
assert len(y["params"]) == 17, y["params"]
PY
	fail "ynl get-stats does not match $PROC"
echo "ok: ynl --do get-stats matches $PROC"

ynl a --dump get-flows >/tmp/ynl.flows || fail "ynl --dump get-flows"
python3 - /tmp/ynl.flows <<'PY' || fail "ynl get-flows"
import json, sys
flows = json.load(open(sys.argv[1]))
assert len(flows) == 8, len(flows)
v4 = [f for f in flows if f["family"] == 2]
v6 = [f for f in flows if f["family"] == 10]
assert len(v4) == 5 and len(v6) == 3, (len(v4), len(v6))
assert all(f["client-addr"] == "10.0.0.1" and f["server-addr"] == "10.0.0.2"
           for f in v4), v4
assert all(f["client-addr"] == "fd00::1" and f["server-port"] == 5000
           for f in v6), v6
assert all(f["client-state"] == f["server-state"] == "ESTABLISHED"
           for f in flows)
PY
echo "ok: ynl --dump get-flows: 8 flows, addresses and states decoded"

n=$(ynl a --dump get-flows --json '{"filter-family": 10}' |
	python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
check "ynl get-flows filter-family 10: 3 flows ($n)" [ "$n" = 3 ]
n=$(ynl a --dump get-flows --json '{"filter-role": "client", "filter-port": 5000}' |
	python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
check "ynl get-flows client on port 5000: none ($n)" [ "$n" = 0 ]
n=$(ynl a --dump get-flows --json '{"filter-state": "ESTABLISHED", "filter-role": "server"}' |
	python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
check "ynl get-flows established servers: 8 ($n)" [ "$n" = 8 ]
check_output "ynl get-listeners answers" '^\[' ynl b --dump get-listeners
check_output "the kernel refuses a bad filter" 'Numerical result out of range|ERANGE|-34' \
	ynl a --dump get-flows --json '{"filter-port": 0}'
dmesg_check
