"""A peer of the broker tests, run as its own process.

    python broker_peer.py MODULE ROLE ...

MODULE is ``zmqlite`` or ``zmq`` (pyzmq): the child imports it as ``zmq``,
so the same code runs on either implementation.  ROLE is one of

``broker FRONTEND BACKEND``
    ROUTER bound to FRONTEND, DEALER bound to BACKEND, ``zmq.proxy`` between
    them; prints the two real endpoints (one line, space separated) once
    bound, then runs until killed.
``worker NAME BACKEND SECONDS``
    REP connected to BACKEND answering each request ``<req> by <NAME>``;
    exits after SECONDS (a bound, in case the test never kills it).
``client NAME FRONTEND COUNT``
    REQ connected to FRONTEND sending ``<NAME>-<i>`` for i < COUNT, waiting
    at most 10 s for each reply; prints ``{"module": ..., "replies": [...]}``
    as one JSON line (the module's real name, so the test can check it).

Every exit is bounded; errors go to stderr with a non-zero status.
"""

import importlib
import json
import sys
import time

REPLY_WAIT_MS = 10_000


def main(argv):
    zmq = importlib.import_module(argv[1])
    role = argv[2]
    ctx = zmq.Context()
    try:
        if role == "broker":
            broker(zmq, ctx, *argv[3:])
        elif role == "worker":
            worker(zmq, ctx, argv[3], argv[4], float(argv[5]))
        elif role == "client":
            return client(zmq, ctx, argv[3], argv[4], int(argv[5]))
        else:
            raise SystemExit(f"unknown role {role!r}")
    finally:
        ctx.destroy(linger=0)
    return 0


def broker(zmq, ctx, front_addr, back_addr):
    front = ctx.socket(zmq.ROUTER)
    back = ctx.socket(zmq.DEALER)
    front.bind(front_addr)
    back.bind(back_addr)
    ends = [s.getsockopt(zmq.LAST_ENDPOINT) for s in (front, back)]
    print(" ".join(e.decode() if isinstance(e, bytes) else e for e in ends), flush=True)
    zmq.proxy(front, back)  # until the process is killed


def worker(zmq, ctx, name, back_addr, seconds):
    rep = ctx.socket(zmq.REP)
    rep.connect(back_addr)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if rep.poll(100, zmq.POLLIN):
            rep.send(rep.recv() + b" by " + name.encode())


def client(zmq, ctx, name, front_addr, count):
    req = ctx.socket(zmq.REQ)
    req.connect(front_addr)
    replies = []
    for i in range(count):
        req.send(f"{name}-{i}".encode())
        if not req.poll(REPLY_WAIT_MS, zmq.POLLIN):
            print(f"client {name}: no reply to request {i} in {REPLY_WAIT_MS} ms "
                  f"(got {replies!r})", file=sys.stderr)
            return 2
        replies.append(req.recv().decode())
    print(json.dumps({"module": zmq.__name__, "replies": replies}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
