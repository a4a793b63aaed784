"""Cost per message as the number of connected peers grows, zmqlite and pyzmq side by side.

    python bench/scaling.py                       # N = 1, 100, 1000 over inproc
    python bench/scaling.py --peers 1,1000,10000 --transport tcp --impls zmqlite

Points, each with N - 1 idle peers beside the busy one (one process, threads):
  router   a DEALER sends requests that a ROUTER answers; msg/s of requests answered
  pull     one PUSH sends to a PULL; msg/s received
  pub      a PUB sends to N subscribing SUBs (HWM unlimited); ns per delivered message
"""

import argparse
import statistics
import sys
import threading
import time


def _impl(name):
    if name == "pyzmq":
        import zmq
    else:
        import zmqlite as zmq
    return zmq


def _endpoint(zmq, sock, transport, name):
    if transport == "inproc":
        sock.bind(f"inproc://{name}")
        return f"inproc://{name}"
    port = sock.bind_to_random_port("tcp://127.0.0.1")
    return f"tcp://127.0.0.1:{port}"


def _wait_connected(zmq, front, peers, kind):
    """Until every peer's connection is up (tcp handshakes are asynchronous)."""
    if kind == "router":
        pending = {p.getsockopt(zmq.ROUTING_ID) for p in peers}
        for p in peers:
            p.send(b"hello")
        while pending:
            rid, _ = front.recv_multipart()
            pending.discard(rid)
    elif kind == "pull":
        for p in peers:
            p.send(b"hello")
        for _ in peers:
            front.recv()


def _context(zmq, n):
    ctx = zmq.Context()
    ctx.set(zmq.MAX_SOCKETS, n + 16)   # libzmq's default is 1023
    return ctx


def router_point(zmq, transport, n, seconds):
    ctx = _context(zmq, n)
    router = ctx.socket(zmq.ROUTER)
    router.sndhwm = router.rcvhwm = 0
    ep = _endpoint(zmq, router, transport, "scaling-router")
    peers = []
    for i in range(n):
        d = ctx.socket(zmq.DEALER)
        d.setsockopt(zmq.ROUTING_ID, b"peer-%d" % i)
        d.connect(ep)
        peers.append(d)
    _wait_connected(zmq, router, peers, "router")
    busy = peers[0]
    count = [0]
    stop = threading.Event()

    def server():
        recv, send = router.recv_multipart, router.send_multipart
        while not stop.is_set():
            if router.poll(100):
                rid, body = recv()
                send([rid, body])

    t = threading.Thread(target=server)
    t.start()
    window = 100
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for _ in range(window):
            busy.send(b"request")
        for _ in range(window):
            busy.recv()
        count[0] += window
    elapsed = time.perf_counter() - start
    stop.set()
    t.join()
    ctx.destroy(linger=0)
    return count[0] / elapsed


def pull_point(zmq, transport, n, seconds):
    ctx = _context(zmq, n)
    pull = ctx.socket(zmq.PULL)
    ep = _endpoint(zmq, pull, transport, "scaling-pull")
    peers = []
    for _ in range(n):
        p = ctx.socket(zmq.PUSH)
        p.connect(ep)
        peers.append(p)
    _wait_connected(zmq, pull, peers, "pull")
    busy = peers[0]
    stop = threading.Event()

    def sender():
        while not stop.is_set():
            for _ in range(1000):
                busy.send(b"m" * 16)
        busy.send(b"")

    t = threading.Thread(target=sender)
    t.start()
    pull.recv()
    got = 0
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for _ in range(1000):
            pull.recv()
        got += 1000
    elapsed = time.perf_counter() - start
    stop.set()
    while pull.recv():
        pass
    t.join()
    ctx.destroy(linger=0)
    return got / elapsed


def pub_point(zmq, transport, n, seconds, messages=None):
    ctx = _context(zmq, n)
    pub = ctx.socket(zmq.PUB)
    pub.sndhwm = 0
    ep = _endpoint(zmq, pub, transport, "scaling-pub")
    subs = []
    for _ in range(n):
        s = ctx.socket(zmq.SUB)
        s.rcvhwm = 0
        s.setsockopt(zmq.SUBSCRIBE, b"")
        s.connect(ep)
        subs.append(s)
    # every subscription is live once every subscriber got a message
    waiting = set(range(n))
    while waiting:
        pub.send(b"sync")
        for i in list(waiting):
            if subs[i].poll(0):
                waiting.discard(i)
        time.sleep(0.01)
    for s in subs:
        while s.poll(0):
            s.recv()
    messages = messages or max(10, int(200000 / n))
    start = time.perf_counter()
    for _ in range(messages):
        pub.send(b"m" * 16)
    for s in subs:  # delivered means received
        for _ in range(messages):
            s.recv()
    elapsed = time.perf_counter() - start
    ctx.destroy(linger=0)
    return elapsed / (messages * n) * 1e9


POINTS = {"router": (router_point, "msg/s"), "pull": (pull_point, "msg/s"),
          "pub": (pub_point, "ns/delivery")}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peers", default="1,100,1000")
    ap.add_argument("--points", default="router,pull,pub")
    ap.add_argument("--transport", default="inproc", choices=["inproc", "tcp"])
    ap.add_argument("--impls", default="zmqlite,pyzmq")
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args(argv)
    for point in args.points.split(","):
        fn, unit = POINTS[point]
        for n in (int(x) for x in args.peers.split(",")):
            row = []
            for impl in args.impls.split(","):
                vals = [fn(_impl(impl), args.transport, n, args.seconds) for _ in range(args.runs)]
                row.append(f"{impl} {statistics.median(vals):,.0f} {unit}")
            print(f"{point:6} {args.transport:6} N={n:<6} " + "   ".join(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
