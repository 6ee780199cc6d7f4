#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The truth test of DESIGN.md: tcpstate's view equals the sockets' view.

usage: truth.py --ns NS [--ns NS ...] --port P [--port P ...]
                [--check NS ...] [--tries N]

Reads `ss -tan` in every --ns namespace, pairs the sockets of each
connection by 4-tuple (an endpoint whose socket is gone counts as CLOSED;
the endpoint on a --port is the server), and compares the result with
/proc/tcpstate (gauges and flows) and /proc/net/tcpstate (each flow's
client, server and both states) of every --check namespace (default: all
--ns). Retries up to --tries times a second apart, since timers run while
it reads. Exits 0 when they agree, 1 with a diff when they never did.
"""

import argparse
import subprocess
import sys
import time

SS_STATES = {
    'ESTAB': 'ESTABLISHED', 'SYN-SENT': 'SYN_SENT', 'SYN-RECV': 'SYN_RCVD',
    'FIN-WAIT-1': 'FIN_WAIT_1', 'FIN-WAIT-2': 'FIN_WAIT_2',
    'TIME-WAIT': 'TIME_WAIT', 'CLOSE-WAIT': 'CLOSE_WAIT',
    'LAST-ACK': 'LAST_ACK', 'CLOSING': 'CLOSING', 'CLOSED': 'CLOSED',
}


def run(ns, *cmd):
    prefix = ['ip', 'netns', 'exec', ns] if ns not in ('', '-') else []
    return subprocess.run(prefix + list(cmd), check=True,
                          capture_output=True, text=True).stdout


def endpoint(text):
    """'[::ffff:10.0.0.1]:80' or '10.0.0.1:80' -> ('10.0.0.1', 80)."""
    addr, port = text.rsplit(':', 1)
    addr = addr.strip('[]')
    if addr.startswith('::ffff:') and '.' in addr:
        addr = addr[len('::ffff:'):]
    return addr, int(port)


def sockets(namespaces):
    """Every non-listening TCP socket: {(local, peer): STATE}."""
    socks = {}
    for ns in namespaces:
        for line in run(ns, 'ss', '-Htan').splitlines():
            f = line.split()
            if len(f) < 5 or f[0] == 'LISTEN':
                continue
            socks[(endpoint(f[3]), endpoint(f[4]))] = SS_STATES[f[0]]
    return socks


def expected(socks, ports):
    """{(client, server): (client_state, server_state)} from sockets."""
    flows = {}
    for (local, peer) in socks:
        if local[1] in ports and peer[1] not in ports:
            client, server = peer, local
        else:
            client, server = local, peer
        flows[(client, server)] = (socks.get((client, server), 'CLOSED'),
                                   socks.get((server, client), 'CLOSED'))
    return flows


def tracked(ns):
    """What tcpstate shows in ns: (gauges, flows count, flow map)."""
    gauges, nflows = {}, None
    for line in run(ns, 'cat', '/proc/tcpstate').splitlines()[2:13]:
        state, c, s = line.split()
        gauges[state] = (int(c), int(s))
    for line in run(ns, 'cat', '/proc/tcpstate').splitlines():
        if line.startswith('flows '):
            nflows = int(line.split()[1])
    flows = {}
    for line in run(ns, 'cat', '/proc/net/tcpstate').splitlines():
        f = line.split()
        flows[(endpoint(f[0]), endpoint(f[1]))] = (f[2], f[3])
    return gauges, nflows, flows


def gauges_of(flows):
    g = {s: [0, 0] for s in SS_STATES.values()}
    g['LISTEN'] = [0, 0]
    for cs, ss in flows.values():
        g[cs][0] += 1
        g[ss][1] += 1
    return {k: tuple(v) for k, v in g.items()}


def compare(args):
    want = expected(sockets(args.ns), set(args.port))
    problems = []
    for ns in args.check or args.ns:
        gauges, nflows, flows = tracked(ns)
        if gauges != gauges_of(want):
            problems.append(f'{ns}: gauges {gauges} != sockets {gauges_of(want)}')
        if nflows != len(want):
            problems.append(f'{ns}: flows {nflows} != {len(want)} connections')
        for key in sorted(set(want) | set(flows)):
            if want.get(key) != flows.get(key):
                problems.append(f'{ns}: {key[0]} -> {key[1]}: tcpstate '
                                f'{flows.get(key)} sockets {want.get(key)}')
    return want, problems


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--ns', action='append', required=True)
    p.add_argument('--port', action='append', type=int, required=True)
    p.add_argument('--check', action='append')
    p.add_argument('--tries', type=int, default=5)
    args = p.parse_args()
    for attempt in range(args.tries):
        want, problems = compare(args)
        if not problems:
            print(f'truth: {len(want)} connections agree with tcpstate')
            return 0
        time.sleep(1)
    print('\n'.join(problems[:40]), file=sys.stderr)
    return 1


if __name__ == '__main__':
    sys.exit(main())
