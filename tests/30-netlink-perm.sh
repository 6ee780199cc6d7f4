#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Who may do what over netlink: get-stats is for anyone; get-flows,
# get-listeners and the alarms group need CAP_NET_ADMIN in the user
# namespace that owns the network namespace (GENL_UNS_ADMIN_PERM), so
# nobody is refused (exit 3) but the root of a user namespace of its own
# may read its own namespace's flows.
# timeout: 90
. "$(dirname "$0")/lib.sh"

CTL=$SRCDIR/tools/tcpstatectl/tcpstatectl
[ -x "$CTL" ] || fail "$CTL not built (make tools)"
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"

# as_nobody WANT DESCRIPTION ARGS...: tcpstatectl ARGS as nobody exits WANT.
as_nobody() {
	local want=$1 desc=$2 rc out

	shift 2
	out=$($NOBODY "$CTL" "$@" 2>&1)
	rc=$?
	[ "$rc" = "$want" ] || { echo "$out" >&2; fail "$desc: exit $rc, expected $want"; }
	echo "ok: $desc (exit $rc)"
}

dmesg_mark
load_module
mk_pair a b
server b --port 5000 --mode hold
bg client a --connect $B4 --port 5000 --count 3 --mode hold
for i in $(seq 50); do
	[ "$(nsx a "$CTL" flows | wc -l)" -ge 3 ] && break
	sleep 0.2
done
check "root sees 3 flows in a" [ "$(nsx a "$CTL" flows | wc -l)" = 3 ]

as_nobody 0 "nobody may read stats" stats
as_nobody 0 "nobody may read stats as JSON" --json stats
as_nobody 3 "nobody may not dump flows" flows
as_nobody 3 "nobody may not dump listeners" listeners
as_nobody 3 "nobody may not join the alarms group" events
check_output "the refusal says why" 'not permitted' $NOBODY "$CTL" flows
out=$($NOBODY "$CTL" stats) || fail "stats as nobody"
[ "$(echo "$out" | head -n 1)" = "tcpstate $(proc_read - | head -n 1 | cut -d' ' -f2)" ] ||
	fail "stats as nobody: $out"

# The flows of namespace a are not for a nobody inside it either.
out=$(nsx a $NOBODY "$CTL" flows 2>&1)
rc=$?
check "nobody in a may not dump a's flows (exit $rc)" [ "$rc" = 3 ]

# A user namespace's root owns its own network namespace: allowed there.
if $NOBODY unshare -Urn true 2>/dev/null; then
	out=$($NOBODY unshare -Urn "$CTL" flows 2>&1)
	rc=$?
	[ "$rc" = 0 ] || { echo "$out" >&2; fail "flows in an owned namespace: exit $rc"; }
	echo "ok: the root of a user namespace dumps its namespace's flows"
	out=$($NOBODY unshare -Urn "$CTL" listeners 2>&1) ||
		fail "listeners in an owned namespace: $out"
	echo "ok: ... and its listeners"
else
	info "SKIP: unprivileged user namespaces are disabled"
fi
dmesg_check
