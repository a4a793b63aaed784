"""PUSH -> PULL throughput, zmqlite against pyzmq, one process per end.

Modelled on libzmq's perf/local_thr + perf/remote_thr: the receiver (PULL) binds, the sender
(PUSH) connects and sends messages of a fixed size as fast as it can; the receiver times from
the first message to the last, so process start-up and connection set-up are not measured.

    python bench/pushpull_thr.py --impl all --size 16 --count 1000000 --runs 3
    python bench/pushpull_thr.py --impl pyzmq --transport ipc --seconds 5 --pin

--impl all alternates the implementations run by run (A B A B ...), so drift of the machine
(thermal, other load) hits both alike; the table shows each one's median and the ratio
zmqlite/pyzmq.  --pin puts both processes on CPU 0, which measures CPU cost per message rather
than the overlap of two cores.  Both implementations run exactly the same Python code.
"""

import argparse
import importlib
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time

MODULES = {"zmqlite": "zmqlite", "pyzmq": "zmq"}
RECV_TIMEOUT_MS = 30_000  # a stalled run fails instead of hanging the benchmark


def _pin():
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})


def _receiver(impl, endpoint, count, hwm, pin, results):
    """PULL side (local_thr): bind, report the endpoint, time first..last message."""
    try:
        if pin:
            _pin()
        zmq = importlib.import_module(MODULES[impl])
    except Exception as exc:
        results.put(("error", f"receiver: {type(exc).__name__}: {exc}"))
        return
    ctx = zmq.Context()
    sock = ctx.socket(zmq.PULL)
    try:
        sock.setsockopt(zmq.LINGER, 0)
        sock.setsockopt(zmq.RCVTIMEO, RECV_TIMEOUT_MS)
        if hwm is not None:
            sock.setsockopt(zmq.RCVHWM, hwm)
        sock.bind(endpoint)
        ep = sock.getsockopt(zmq.LAST_ENDPOINT)
        results.put(("endpoint", ep.decode() if isinstance(ep, bytes) else ep))

        recv = sock.recv
        recv()
        t0 = time.perf_counter()
        if count:
            for _ in range(count - 1):
                recv()
            n = count - 1
        else:
            # --seconds mode: the sender ends with one empty message.
            n = 0
            while recv():
                n += 1
        elapsed = time.perf_counter() - t0
        results.put(("result", n, elapsed))
    except Exception as exc:  # report to the parent rather than die silently
        results.put(("error", f"receiver: {type(exc).__name__}: {exc}"))
    finally:
        sock.close()
        ctx.term()


def _sender(impl, endpoint, count, seconds, size, hwm, pin, results):
    """PUSH side (remote_thr): connect and send as fast as possible."""
    try:
        if pin:
            _pin()
        zmq = importlib.import_module(MODULES[impl])
    except Exception as exc:
        results.put(("error", f"sender: {type(exc).__name__}: {exc}"))
        return
    ctx = zmq.Context()
    sock = ctx.socket(zmq.PUSH)
    try:
        if hwm is not None:
            sock.setsockopt(zmq.SNDHWM, hwm)
        sock.connect(endpoint)
        msg = b"\x5a" * size
        send = sock.send
        if count:
            for _ in range(count):
                send(msg)
        else:
            deadline = time.perf_counter() + seconds
            clock = time.perf_counter
            while clock() < deadline:
                for _ in range(1000):
                    send(msg)
            send(b"")
    except Exception as exc:
        results.put(("error", f"sender: {type(exc).__name__}: {exc}"))
    finally:
        sock.close()  # default linger: flush everything before the context ends
        ctx.term()


def _endpoint(transport, tag):
    if transport == "tcp":
        return "tcp://127.0.0.1:*"
    path = os.path.join(tempfile.gettempdir(), f"pushpull-thr-{os.getpid()}-{tag}.ipc")
    return "ipc://" + path


def _get(results, procs, timeout):
    """Next message from a child; fails fast if a child died without reporting."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return results.get(timeout=0.2)
        except Exception:  # queue.Empty
            pass
        for p in procs:
            if p is not None and p.exitcode not in (None, 0):
                # One last look: the child may have reported just before dying.
                try:
                    return results.get(timeout=0.5)
                except Exception:
                    raise RuntimeError(f"{p.name} exited with code {p.exitcode}") from None
        if time.monotonic() > deadline:
            raise RuntimeError(f"no result within {timeout:.0f} s")


def run_once(impl, args, tag):
    """One measurement; returns (messages, seconds)."""
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    count = 0 if args.seconds else args.count
    endpoint = _endpoint(args.transport, tag)
    recv_p = ctx.Process(
        name=f"{impl} receiver",
        target=_receiver,
        args=(impl, endpoint, count, args.hwm, args.pin, results),
    )
    recv_p.start()
    send_p = None
    limit = (args.seconds or 0) + RECV_TIMEOUT_MS / 1000 + 60
    try:
        msg = _get(results, [recv_p], 60)
        if msg[0] != "endpoint":
            raise RuntimeError(msg[1])
        send_p = ctx.Process(
            name=f"{impl} sender",
            target=_sender,
            args=(impl, msg[1], count, args.seconds, args.size, args.hwm, args.pin, results),
        )
        send_p.start()
        msg = _get(results, [recv_p, send_p], limit)
        if msg[0] != "result":
            raise RuntimeError(msg[1])
        _, n, elapsed = msg
        return n, elapsed
    finally:
        for p in (send_p, recv_p):
            if p is None:
                continue
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
                p.join()
        if endpoint.startswith("ipc://"):
            try:
                os.unlink(endpoint[len("ipc://"):])
            except OSError:
                pass


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--impl", choices=["zmqlite", "pyzmq", "all"], default="all")
    ap.add_argument("--size", type=int, default=16, help="message size in bytes (default 16)")
    sizing = ap.add_mutually_exclusive_group()
    sizing.add_argument("--count", type=int, default=1_000_000, help="messages per run")
    sizing.add_argument("--seconds", type=float, help="send for this long instead of --count")
    ap.add_argument("--transport", choices=["tcp", "ipc"], default="tcp")
    ap.add_argument("--runs", type=int, default=3, help="runs per implementation")
    ap.add_argument("--hwm", type=int, default=None, help="SNDHWM/RCVHWM (default: library's)")
    ap.add_argument("--pin", action="store_true", help="pin both processes to CPU 0")
    args = ap.parse_args(argv)
    if args.seconds is not None and args.size < 1:
        ap.error("--seconds needs --size >= 1 (an empty message marks the end)")
    if args.count < 2 and not args.seconds:
        ap.error("--count must be at least 2")
    if args.pin and not hasattr(os, "sched_setaffinity"):
        print("note: --pin is not supported on this platform; ignored", file=sys.stderr)
        args.pin = False

    impls = ["zmqlite", "pyzmq"] if args.impl == "all" else [args.impl]
    sizing = f"{args.seconds:g} s" if args.seconds else f"{args.count} msgs"
    print(
        f"PUSH->PULL {args.transport}, {args.size} B messages, {sizing} per run, "
        f"{args.runs} runs{', pinned to CPU 0' if args.pin else ''}"
    )
    rates = {impl: [] for impl in impls}
    failed = []
    for run in range(args.runs):
        for impl in impls:
            try:
                n, elapsed = run_once(impl, args, f"{run}-{impl}")
            except Exception as exc:
                print(f"  run {run + 1} {impl:8s} FAILED: {exc}")
                failed.append(impl)
                continue
            rate = n / elapsed
            rates[impl].append(rate)
            print(
                f"  run {run + 1} {impl:8s} {n} msgs in {elapsed * 1000:9.1f} ms: "
                f"{rate:12,.0f} msg/s {rate * args.size / 1e6:9.2f} MB/s"
            )

    print()
    print(f"{'impl':8s} {'median msg/s':>14s} {'median MB/s':>12s}  runs")
    medians = {}
    for impl in impls:
        if not rates[impl]:
            print(f"{impl:8s} {'-':>14s} {'-':>12s}  0")
            continue
        med = statistics.median(rates[impl])
        medians[impl] = med
        print(f"{impl:8s} {med:14,.0f} {med * args.size / 1e6:12.2f}  {len(rates[impl])}")
    if "zmqlite" in medians and "pyzmq" in medians:
        print(f"ratio zmqlite/pyzmq: {medians['zmqlite'] / medians['pyzmq']:.2f}x")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
