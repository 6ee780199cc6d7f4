#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Malformed requests to the tcpstate family (unknown commands, attributes
# of the wrong type or size, out-of-range values, unknown attributes,
# reserved header bits, truncated messages, then random garbage) each get
# an error from the kernel, and nothing breaks: stats and flows still work
# and the kernel logs no warning.
# timeout: 120
. "$(dirname "$0")/lib.sh"

CTL=$SRCDIR/tools/tcpstatectl/tcpstatectl
[ -x "$CTL" ] || fail "$CTL not built (make tools)"
UAPI=$SRCDIR/module/uapi/linux/tcpstate.h

dmesg_mark
load_module
mk_pair a b
server b --port 5000 --mode hold
bg client a --connect $B4 --port 5000 --count 2 --mode hold
sleep 2

# A raw generic netlink sender: each case is a request and the errno the
# kernel must answer with. Constants come from the uapi header.
nsx a python3 - "$UAPI" <<'EOF' || fail "malformed requests"
import errno, os, random, re, socket, struct, sys

text = open(sys.argv[1]).read()
C = {}
for body in re.findall(r'enum\s*\w*\s*\{(.*?)\}', re.sub(r'/\*.*?\*/', '', text, flags=re.S), re.S):
    n = 0
    for item in body.split(','):
        name, _, val = item.partition('=')
        name = name.strip()
        if not name:
            continue
        n = eval(val, {}, dict(C)) if val.strip() else n
        C[name] = n
        n += 1

NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE, GENL_ID_CTRL = 2, 3, 0x10
sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
sock.bind((0, 0))
sock.settimeout(5)
seq = 0

def attr(t, payload):
    a = struct.pack('HH', 4 + len(payload), t) + payload
    return a + b'\0' * (-len(a) % 4)

def u8(t, v): return attr(t, struct.pack('B', v))
def u16(t, v): return attr(t, struct.pack('H', v))
def u32(t, v): return attr(t, struct.pack('I', v))

def send(family, cmd, attrs=b'', flags=NLM_F_REQUEST | NLM_F_ACK,
         version=1, reserved=0, length=None):
    global seq
    seq += 1
    body = struct.pack('BBH', cmd, version, reserved) + attrs
    n = 16 + len(body) if length is None else length
    sock.send(struct.pack('IHHII', n, family, flags, seq, 0) + body)

def answer():
    """The errno of the first error, 0 for an ACK or a completed dump;
    data messages are skipped."""
    while True:
        data = sock.recv(65536)
        off = 0
        while off + 16 <= len(data):
            n, typ, flags, s, pid = struct.unpack_from('IHHII', data, off)
            if typ == NLMSG_ERROR:
                return -struct.unpack_from('i', data, off + 16)[0]
            if typ == NLMSG_DONE:
                return -struct.unpack_from('i', data, off + 16)[0]
            off += (n + 3) & ~3

# The family's id, from the controller.
send(GENL_ID_CTRL, 3, attr(2, b'tcpstate\0'))
data = sock.recv(65536)
off = 20
while off < struct.unpack_from('I', data)[0]:
    n, t = struct.unpack_from('HH', data, off)
    if t == 1:
        fam = struct.unpack_from('H', data, off + 4)[0]
    off += (n + 3) & ~3
answer()

A = C  # attribute and command names, as in the header
DUMP = NLM_F_REQUEST | NLM_F_DUMP
FLOWS = C['TCPSTATE_CMD_GET_FLOWS']
STATS = C['TCPSTATE_CMD_GET_STATS']
cases = [
    ("unknown command", dict(cmd=99), errno.EOPNOTSUPP),
    ("command 0", dict(cmd=0), errno.EOPNOTSUPP),
    ("the alarm event as a request", dict(cmd=C['TCPSTATE_CMD_ALARM']),
     errno.EOPNOTSUPP),
    ("get-stats as a dump", dict(cmd=STATS, flags=DUMP), errno.EOPNOTSUPP),
    ("get-flows as a do", dict(cmd=FLOWS), errno.EOPNOTSUPP),
    ("get-stats with an attribute", dict(cmd=STATS,
     attrs=u32(A['TCPSTATE_A_STATS_FLOWS'], 1)), errno.EINVAL),
    ("get-listeners with an attribute", dict(
     cmd=C['TCPSTATE_CMD_GET_LISTENERS'], flags=DUMP,
     attrs=u8(A['TCPSTATE_A_LISTENER_FAMILY'], 2)), errno.EINVAL),
    ("filter-state as u32", dict(cmd=FLOWS, flags=DUMP,
     attrs=u32(A['TCPSTATE_A_FLOW_FILTER_STATE'], 4)), errno.EINVAL),
    ("filter-state out of range", dict(cmd=FLOWS, flags=DUMP,
     attrs=u8(A['TCPSTATE_A_FLOW_FILTER_STATE'], C['TCPSTATE_NSTATES'])),
     errno.ERANGE),
    ("filter-role out of range", dict(cmd=FLOWS, flags=DUMP,
     attrs=u8(A['TCPSTATE_A_FLOW_FILTER_ROLE'], 2)), errno.ERANGE),
    ("filter-port 0", dict(cmd=FLOWS, flags=DUMP,
     attrs=u16(A['TCPSTATE_A_FLOW_FILTER_PORT'], 0)), errno.ERANGE),
    ("filter-port as u8", dict(cmd=FLOWS, flags=DUMP,
     attrs=u8(A['TCPSTATE_A_FLOW_FILTER_PORT'], 80)), errno.EINVAL),
    ("filter-family 3", dict(cmd=FLOWS, flags=DUMP,
     attrs=u8(A['TCPSTATE_A_FLOW_FILTER_FAMILY'], 3)), errno.EINVAL),
    ("filter-family 1", dict(cmd=FLOWS, flags=DUMP,
     attrs=u8(A['TCPSTATE_A_FLOW_FILTER_FAMILY'], 1)), errno.ERANGE),
    ("filter-addr of 17 bytes", dict(cmd=FLOWS, flags=DUMP,
     attrs=u8(A['TCPSTATE_A_FLOW_FILTER_FAMILY'], 10) +
     attr(A['TCPSTATE_A_FLOW_FILTER_ADDR'], b'\1' * 17)), errno.ERANGE),
    ("filter-addr of 60000 bytes", dict(cmd=FLOWS, flags=DUMP,
     attrs=attr(A['TCPSTATE_A_FLOW_FILTER_ADDR'], b'\1' * 60000)),
     errno.ERANGE),
    ("filter-addr without a family", dict(cmd=FLOWS, flags=DUMP,
     attrs=attr(A['TCPSTATE_A_FLOW_FILTER_ADDR'], b'\1' * 4)), errno.EINVAL),
    ("filter-addr of the wrong size", dict(cmd=FLOWS, flags=DUMP,
     attrs=u8(A['TCPSTATE_A_FLOW_FILTER_FAMILY'], 2) +
     attr(A['TCPSTATE_A_FLOW_FILTER_ADDR'], b'\1' * 16)), errno.EINVAL),
    ("a reply attribute in a request", dict(cmd=FLOWS, flags=DUMP,
     attrs=attr(A['TCPSTATE_A_FLOW_HISTORY'], b'S\0')), errno.EINVAL),
    ("an unknown attribute", dict(cmd=FLOWS, flags=DUMP,
     attrs=u8(A['TCPSTATE_A_FLOW_MAX'] + 1, 0)), errno.EINVAL),
    ("an attribute marked nested", dict(cmd=FLOWS, flags=DUMP,
     attrs=u8(A['TCPSTATE_A_FLOW_FILTER_STATE'] | 0x8000, 1)),
     errno.EINVAL),
    ("an attribute longer than the message", dict(cmd=FLOWS, flags=DUMP,
     attrs=struct.pack('HH', 64, A['TCPSTATE_A_FLOW_FILTER_STATE']) +
     b'\0' * 4), errno.EINVAL),
    ("reserved header field set", dict(cmd=STATS, reserved=1), errno.EINVAL),
    ("reserved netlink flags", dict(cmd=STATS,
     flags=NLM_F_REQUEST | NLM_F_ACK | 0x100), errno.EINVAL),
    ("truncated generic netlink header", dict(cmd=STATS, length=18),
     errno.EINVAL),
]
bad = 0
for name, kw, want in cases:
    send(fam, **kw)
    got = answer()
    ok = got == want
    bad += not ok
    print(f"{'ok' if ok else 'FAIL'}: {name}: {errno.errorcode.get(got, got)}"
          f"{'' if ok else f' (expected {errno.errorcode[want]})'}")

# Good requests still work on the same socket.
for kw in (dict(cmd=STATS), dict(cmd=FLOWS, flags=DUMP),
           dict(cmd=FLOWS, flags=DUMP,
                attrs=u8(A['TCPSTATE_A_FLOW_FILTER_FAMILY'], 2) +
                attr(A['TCPSTATE_A_FLOW_FILTER_ADDR'], bytes([10, 0, 0, 2])) +
                u16(A['TCPSTATE_A_FLOW_FILTER_PORT'], 5000))):
    send(fam, **kw)
    got = answer()
    bad += got != 0
    print(f"{'ok' if not got else 'FAIL'}: a valid request: {got}")

# Garbage: every answer is an error or a reply, never silence or a crash.
rng = random.Random(1234)
for i in range(2000):
    cmd = rng.randrange(6)
    attrs = b''.join(attr(rng.randrange(40), rng.randbytes(rng.randrange(20)))
                     for _ in range(rng.randrange(4)))
    flags = rng.choice((NLM_F_REQUEST | NLM_F_ACK, DUMP | NLM_F_ACK))
    send(fam, cmd, attrs, flags=flags, reserved=rng.choice((0, 0, 0, 7)))
    answer()
print(f"ok: 2000 random requests answered")
sys.exit(1 if bad else 0)
EOF

check "stats still works" nsx a "$CTL" stats
check "flows still works" nsx a "$CTL" flows
check "both held flows are listed" [ "$(nsx a "$CTL" flows --port 5000 | wc -l)" = 2 ]
check "the initial namespace still answers" "$CTL" stats
dmesg_check
