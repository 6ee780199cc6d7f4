#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Hand-made IPv4 TCP segments for the tcpstate scenarios (raw sockets).

craft.py send SRC:SPORT DST:DPORT FLAGS SEQ [ACK] [--len N]
    Sends one segment, FLAGS a string of S A F R P (e.g. RA), with a
    correct checksum, from any source address (it need not be local).

craft.py pairs DST:DPORT COUNT [--rate PPS]
    Sends COUNT spoofed SYN + ACK pairs from random sources in
    198.18.0.0/15, each ACK guessing the server's ISN (a blind attacker
    trying to pass for completed handshakes).

craft.py paws-refuse DEV DST:DPORT [--timeout S]
    Waits on DEV for a SYN to DST:DPORT (a client of another namespace,
    its packets sent here by a static neighbour entry) and answers it, as
    DST, with a SYN-ACK that acknowledges the SYN exactly but echoes a
    timestamp the client never sent. Linux's SYN_SENT socket refuses it
    with a RST at its ISN + 1 and stays in SYN_SENT (PAWS,
    tcp_rcv_synsent_state_process). Prints the client's port and ISN.
"""

import argparse
import socket
import struct
import sys
import time

FLAG_BITS = {'F': 0x01, 'S': 0x02, 'R': 0x04, 'P': 0x08, 'A': 0x10}


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def segment(src, sport, dst, dport, flags, seq, ack, payload=b'', opts=b''):
    """An IPv4 packet holding one TCP segment."""
    doff = (20 + len(opts)) // 4
    tcp = struct.pack('!HHIIBBHHH', sport, dport, seq & 0xffffffff,
                      ack & 0xffffffff, doff << 4, flags, 65535, 0, 0)
    tcp += opts + payload
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack('!BBH', 0, socket.IPPROTO_TCP, len(tcp))
    tcp = tcp[:16] + struct.pack('!H', csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 0, 0x4000,
                     64, socket.IPPROTO_TCP, 0, socket.inet_aton(src),
                     socket.inet_aton(dst))
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    return ip + tcp


def send(pkt, dst):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.sendto(pkt, (dst, 0))
    s.close()


def endpoint(text):
    addr, port = text.rsplit(':', 1)
    return addr, int(port)


def flags_of(text):
    f = 0
    for c in text.upper():
        f |= FLAG_BITS[c]
    return f


def tsval_of(opts):
    """The TSval of a TCP options block, or None."""
    i = 0
    while i < len(opts):
        kind = opts[i]
        if kind == 0:
            break
        if kind == 1:
            i += 1
            continue
        if i + 1 >= len(opts) or opts[i + 1] < 2:
            break
        if kind == 8 and opts[i + 1] == 10:
            return struct.unpack('!I', opts[i + 2:i + 6])[0]
        i += opts[i + 1]
    return None


def pairs(args):
    import random
    dst, dport = endpoint(args.dst)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    gap = 1.0 / args.rate if args.rate else 0
    t = time.monotonic()
    for _ in range(args.count):
        src = socket.inet_ntoa(struct.pack('!I', 0xc6120000 |
                                           random.getrandbits(17)))
        sport = random.randrange(1024, 65536)
        isn = random.getrandbits(32)
        s.sendto(segment(src, sport, dst, dport, 0x02, isn, 0), (dst, 0))
        s.sendto(segment(src, sport, dst, dport, 0x10, isn + 1,
                         random.getrandbits(32)), (dst, 0))
        if gap:
            t += gap
            delay = t - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    s.close()
    return 0


def paws_refuse(args):
    dst, dport = endpoint(args.dst)
    raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    raw.bind((args.dev, 0))
    raw.settimeout(args.timeout)
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        frame = raw.recv(2048)
        ip = frame[14:]
        if len(ip) < 40 or ip[9] != socket.IPPROTO_TCP:
            continue
        ihl = (ip[0] & 0xf) * 4
        tcp = ip[ihl:]
        src = socket.inet_ntoa(ip[12:16])
        if socket.inet_ntoa(ip[16:20]) != dst:
            continue
        sport, port, isn = struct.unpack('!HHI', tcp[:8])
        if port != dport or tcp[13] & 0x12 != 0x02:
            continue
        tsval = tsval_of(tcp[20:(tcp[12] >> 4) * 4])
        if tsval is None:
            sys.exit("craft: the SYN has no timestamp option")
        # TSecr far from anything the client sent: PAWS refuses it.
        opts = struct.pack('!BBHBBBBII', 2, 4, 1460, 1, 1, 8, 10, 4242,
                           (tsval + 0x40000000) & 0xffffffff)
        send(segment(dst, dport, src, sport, 0x12, 777000, isn + 1,
                     opts=opts), src)
        print(sport, isn)
        return 0
    sys.exit("craft: no SYN to %s:%d on %s" % (dst, dport, args.dev))


def main():
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("src")
    s.add_argument("dst")
    s.add_argument("flags")
    s.add_argument("seq", type=int)
    s.add_argument("ack", type=int, nargs='?', default=0)
    s.add_argument("--len", type=int, default=0)
    pp = sub.add_parser("pairs")
    pp.add_argument("dst")
    pp.add_argument("count", type=int)
    pp.add_argument("--rate", type=float, default=0)
    r = sub.add_parser("paws-refuse")
    r.add_argument("dev")
    r.add_argument("dst")
    r.add_argument("--timeout", type=float, default=20)
    args = p.parse_args()
    if args.cmd == "paws-refuse":
        return paws_refuse(args)
    if args.cmd == "pairs":
        return pairs(args)
    src, sport = endpoint(args.src)
    dst, dport = endpoint(args.dst)
    send(segment(src, sport, dst, dport, flags_of(args.flags), args.seq,
                 args.ack, b'x' * args.len), dst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
