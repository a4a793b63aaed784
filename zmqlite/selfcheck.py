"""Smoke test of an installed zmqlite: ``python -m zmqlite.selfcheck``.

Uses only the public pyzmq-style API, so it checks what a user sees: a REQ/REP exchange and a
PUSH/PULL stream over tcp on the loopback interface.  Every receive has a timeout (RCVTIMEO) and
every socket closes with linger=0, so a broken build fails with a message instead of hanging.
Exit status 0 means both exchanges worked.
"""

import sys
import time

import zmqlite as zmq

TIMEOUT_MS = 5000
REQUESTS = 3
MESSAGES = 1000


class CheckFailed(Exception):
    pass


def _endpoint(sock):
    ep = sock.getsockopt(zmq.LAST_ENDPOINT)
    if isinstance(ep, bytes):
        ep = ep.decode()
    if not ep.startswith("tcp://") or ep.endswith(":*") or ep.endswith(":0"):
        raise CheckFailed(f"LAST_ENDPOINT after bind is {ep!r}, expected a concrete tcp address")
    return ep


def _socket(ctx, kind):
    sock = ctx.socket(kind)
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.RCVTIMEO, TIMEOUT_MS)
    sock.setsockopt(zmq.SNDTIMEO, TIMEOUT_MS)
    return sock


def _recv(sock, what):
    try:
        return sock.recv()
    except zmq.Again:
        raise CheckFailed(f"timed out after {TIMEOUT_MS} ms waiting for {what}") from None


def check_reqrep(ctx):
    rep = _socket(ctx, zmq.REP)
    req = _socket(ctx, zmq.REQ)
    try:
        rep.bind("tcp://127.0.0.1:*")
        ep = _endpoint(rep)
        req.connect(ep)
        for i in range(REQUESTS):
            request = b"request %d" % i
            req.send(request)
            got = _recv(rep, f"request {i} on REP")
            if got != request:
                raise CheckFailed(f"REP received {got!r}, expected {request!r}")
            rep.send(got.upper())
            reply = _recv(req, f"reply {i} on REQ")
            if reply != request.upper():
                raise CheckFailed(f"REQ received {reply!r}, expected {request.upper()!r}")
        return f"REQ/REP over {ep}: {REQUESTS} round trips OK"
    finally:
        req.close()
        rep.close()


def check_pushpull(ctx):
    pull = _socket(ctx, zmq.PULL)
    push = _socket(ctx, zmq.PUSH)
    try:
        pull.bind("tcp://127.0.0.1:*")
        ep = _endpoint(pull)
        # All messages are sent before any is read: give the queue room beyond the default HWM.
        push.setsockopt(zmq.SNDHWM, 4 * MESSAGES)
        push.connect(ep)
        t0 = time.perf_counter()
        for i in range(MESSAGES):
            push.send(i.to_bytes(4, "little"))
        for i in range(MESSAGES):
            got = _recv(pull, f"message {i} of {MESSAGES} on PULL")
            n = int.from_bytes(got, "little") if len(got) == 4 else -1
            if n != i:
                raise CheckFailed(f"PULL message {i} is {got!r}: lost or out of order")
        ms = (time.perf_counter() - t0) * 1000.0
        return f"PUSH/PULL over {ep}: {MESSAGES} messages in {ms:.1f} ms"
    finally:
        push.close()
        pull.close()


def main():
    version = getattr(zmq, "__version__", "?")
    print(f"{zmq.__name__} {version} from {getattr(zmq, '__file__', '?')}")
    try:
        ctx = zmq.Context()
    except Exception as exc:
        print(f"FAILED Context(): {type(exc).__name__}: {exc}")
        print("selfcheck FAILED")
        return 1
    failed = False
    try:
        for check in (check_reqrep, check_pushpull):
            try:
                print(check(ctx))
            except Exception as exc:  # report every failure, not just the first
                failed = True
                print(f"FAILED {check.__name__}: {type(exc).__name__}: {exc}")
    finally:
        ctx.term()
    if failed:
        print("selfcheck FAILED")
        return 1
    print("selfcheck OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
