#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# TCP server and client for the tcpstate scenarios: make connections that
# end in a chosen way (closed, held open, left in CLOSE_WAIT, reset).
"""
Server:  tcphelper.py server --port P [--bind ADDR] [--count N]
                              [--mode close|close-first|hold|rst]
                              [--send BYTES] [--hold-time S] [--ready FILE]
                              [--fastopen]

  Accepts connections (N of them, 0 = forever) and per connection sends
  BYTES, drains what the peer sends, then:
    close        closes after the peer's FIN (passive close, the default)
    close-first  sends its FIN right away (active close), then drains
    hold         never closes: CLOSE_WAIT once the peer has closed
    rst          resets the connection on accept (SO_LINGER 0)
  With --count, exits once N connections were accepted and finished
  (hold: after --hold-time, 0 = until killed). --bind defaults to "::",
  which accepts IPv4 as well.

Client:  tcphelper.py client --connect ADDR --port P [--count N]
                              [--concurrency C] [--duration S]
                              [--send BYTES] [--mode close|shutdown|wait|hold|rst]
                              [--hold-time S] [--interval S] [--fastopen]

  Opens N connections (C at a time) or keeps opening them for S seconds,
  sends BYTES on each, then:
    close     close() at once (active close; TIME_WAIT, the default)
    shutdown  sends its FIN, drains the peer until its FIN, then closes
    wait      waits for the peer to close first (passive close)
    hold      keeps the connection open for --hold-time (0 = until killed)
    rst       aborts with a RST (SO_LINGER 0)
  --fastopen (both): TCP Fast Open; the client's first --send bytes go
  with its SYN (MSG_FASTOPEN) once the server's cookie is cached.
  Exits non-zero if a connection failed (unless --ignore-errors); prints a
  summary line on stderr.
"""

import argparse
import errno
import os
import resource
import selectors
import signal
import socket
import struct
import sys
import threading
import time

CHUNK = 65536
MAX_ERRORS_SHOWN = 3


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def linger0(sock):
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# ---------------------------------------------------------------- server

class Conn:
    def __init__(self, sock, tosend):
        self.sock = sock
        self.tosend = tosend
        self.eof = False
        self.wr_shut = False
        self.closed = False


def serve(args):
    raise_nofile()
    fam = family_of(args.bind)
    lsock = socket.socket(fam, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        lsock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY,
                         1 if args.v6only else 0)
    lsock.bind((args.bind, args.port))
    if args.fastopen:
        lsock.setsockopt(socket.IPPROTO_TCP, socket.TCP_FASTOPEN, 64)
    lsock.listen(args.backlog)
    lsock.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(lsock, selectors.EVENT_READ, None)
    if args.ready:
        with open(args.ready, "w") as f:
            f.write("%d\n" % os.getpid())

    accepted = 0
    finished = 0
    live = {}
    held = []
    payload = b"x" * CHUNK
    done_at = None

    def finish(c):
        nonlocal finished
        sel.unregister(c.sock)
        del live[c.sock]
        finished += 1

    def want(c):
        ev = 0
        if not c.eof:
            ev |= selectors.EVENT_READ
        if c.tosend > 0:
            ev |= selectors.EVENT_WRITE
        return ev

    while True:
        if args.count and accepted >= args.count and not live:
            if args.mode != "hold":
                break
            if done_at is None:
                done_at = time.monotonic()
            if args.hold_time and time.monotonic() - done_at >= args.hold_time:
                break
        for key, ev in sel.select(timeout=0.2):
            if key.data is None:
                # A bounded batch, so that a fast client cannot make the
                # server accept forever without serving what it accepted.
                for _ in range(64):
                    if args.count and accepted >= args.count:
                        break
                    try:
                        s, _ = lsock.accept()
                    except BlockingIOError:
                        break
                    except OSError as e:
                        if e.errno not in (errno.EMFILE, errno.ENFILE,
                                           errno.ENOBUFS, errno.ENOMEM):
                            raise
                        log("server: accept: %s" % e)
                        break
                    accepted += 1
                    if args.mode == "rst":
                        linger0(s)
                        s.close()
                        finished += 1
                        continue
                    s.setblocking(False)
                    c = Conn(s, args.send)
                    live[s] = c
                    if args.mode == "close-first" and c.tosend == 0:
                        s.shutdown(socket.SHUT_WR)
                        c.wr_shut = True
                    sel.register(s, want(c), c)
                if args.count and accepted >= args.count:
                    sel.unregister(lsock)
                    lsock.close()
                continue
            c = key.data
            try:
                if ev & selectors.EVENT_WRITE and c.tosend > 0:
                    n = c.sock.send(payload[:min(c.tosend, CHUNK)])
                    c.tosend -= n
                    if c.tosend == 0 and args.mode == "close-first":
                        c.sock.shutdown(socket.SHUT_WR)
                        c.wr_shut = True
                if ev & selectors.EVENT_READ and not c.eof:
                    if not c.sock.recv(CHUNK):
                        c.eof = True
            except (ConnectionError, OSError) as e:
                if args.verbose:
                    log("server: %s" % e)
                c.sock.close()
                finish(c)
                continue
            if c.eof and c.tosend == 0:
                if args.mode == "hold":
                    held.append(c.sock)
                else:
                    c.sock.close()
                finish(c)
            else:
                sel.modify(c.sock, want(c), c)
    log("server: %d accepted, %d finished" % (accepted, finished))
    return 0


# ---------------------------------------------------------------- client

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.ok = 0
        self.failed = 0
        self.started = 0
        self.sent = 0
        self.received = 0
        self.held = []


def drain(sock, st):
    n = 0
    while True:
        b = sock.recv(CHUNK)
        if not b:
            break
        n += len(b)
    with st.lock:
        st.received += n


def one(args, st):
    fam = family_of(args.connect)
    s = socket.socket(fam, socket.SOCK_STREAM)
    try:
        s.settimeout(args.timeout)
        if args.bind or args.sport:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((args.bind or ("::" if fam == socket.AF_INET6 else "0.0.0.0"),
                    args.sport))
        left = args.send
        buf = b"y" * min(args.send, CHUNK)
        if args.fastopen and args.send:
            # The first bytes ride on the SYN once a cookie is cached;
            # without one the call connects first (blocking, so that it
            # does not fail with EINPROGRESS).
            s.settimeout(None)
            left -= s.sendto(buf, socket.MSG_FASTOPEN,
                             (args.connect, args.port))
            s.settimeout(args.timeout)
        else:
            s.connect((args.connect, args.port))
        if args.send:
            while left > 0:
                n = s.send(buf[:min(left, CHUNK)])
                left -= n
            with st.lock:
                st.sent += args.send
        if args.mode == "close":
            s.close()
        elif args.mode == "rst":
            linger0(s)
            s.close()
        elif args.mode == "shutdown":
            s.shutdown(socket.SHUT_WR)
            drain(s, st)
            s.close()
        elif args.mode == "wait":
            drain(s, st)
            s.close()
        elif args.mode == "hold":
            with st.lock:
                st.held.append(s)
        with st.lock:
            st.ok += 1
    except (OSError, ConnectionError) as e:
        s.close()
        with st.lock:
            st.failed += 1
            show = st.failed <= MAX_ERRORS_SHOWN or args.verbose
        if show:
            log("client: %s port %d: %s" % (args.connect, args.port, e))


def worker(args, st, deadline):
    while True:
        with st.lock:
            if deadline is not None:
                if time.monotonic() >= deadline:
                    return
            elif st.started >= args.count:
                return
            st.started += 1
        one(args, st)
        if args.interval:
            time.sleep(args.interval)


def client(args):
    raise_nofile()
    st = Stats()
    deadline = None
    if args.duration:
        deadline = time.monotonic() + args.duration
    threads = [threading.Thread(target=worker, args=(args, st, deadline),
                                daemon=True)
               for _ in range(max(1, args.concurrency))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if args.mode == "hold" and st.held:
        if args.hold_time:
            time.sleep(args.hold_time)
        else:
            while True:
                time.sleep(3600)
        for s in st.held:
            s.close()
    log("client: %d ok, %d failed, %d bytes sent, %d received" %
        (st.ok, st.failed, st.sent, st.received))
    if st.failed and not args.ignore_errors:
        return 1
    return 0


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("server")
    s.add_argument("--bind", default="::")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--count", type=int, default=0)
    s.add_argument("--mode", default="close",
                   choices=["close", "close-first", "hold", "rst"])
    s.add_argument("--send", type=int, default=0)
    s.add_argument("--hold-time", type=float, default=0)
    s.add_argument("--backlog", type=int, default=1024)
    s.add_argument("--v6only", action="store_true")
    s.add_argument("--ready")
    s.add_argument("--fastopen", action="store_true")
    s.add_argument("-v", "--verbose", action="store_true")

    c = sub.add_parser("client")
    c.add_argument("--connect", required=True)
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--count", type=int, default=1)
    c.add_argument("--concurrency", type=int, default=1)
    c.add_argument("--duration", type=float, default=0)
    c.add_argument("--interval", type=float, default=0)
    c.add_argument("--send", type=int, default=0)
    c.add_argument("--mode", default="close",
                   choices=["close", "shutdown", "wait", "hold", "rst"])
    c.add_argument("--hold-time", type=float, default=0)
    c.add_argument("--timeout", type=float, default=10)
    c.add_argument("--bind")
    c.add_argument("--sport", type=int, default=0)
    c.add_argument("--ignore-errors", action="store_true")
    c.add_argument("--fastopen", action="store_true")
    c.add_argument("-v", "--verbose", action="store_true")

    args = p.parse_args()
    if args.cmd == "server":
        return serve(args)
    return client(args)


if __name__ == "__main__":
    sys.exit(main())
