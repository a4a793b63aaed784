"""One huge message over tcp, zmqlite and pyzmq side by side (issue: a 2 GiB + 1
message took 16 s against pyzmq's 3 s).

Each run is two processes: a PULL that binds and a PUSH that makes the payload, waits
for "go", notes the time (CLOCK_MONOTONIC, shared by both processes) and sends; the
receiver notes when recv() returned. Implementations alternate run by run.

    python bench/huge_msg.py                      # 2049 MiB, copy=False, 3 runs each
    python bench/huge_msg.py --mib 256 --copy --runs 5
"""

import argparse
import os
import statistics
import subprocess
import sys
import time


def _import(impl):
    if impl == "pyzmq":
        import zmq
    else:
        import zmqlite as zmq
    return zmq


def sender(impl, endpoint, size, copy):
    zmq = _import(impl)
    ctx = zmq.Context()
    push = ctx.socket(zmq.PUSH)
    push.connect(endpoint)
    data = b"x" * size
    sys.stdin.readline()
    print(time.monotonic(), flush=True)
    push.send(data, copy=copy)
    push.close()
    ctx.term()


def one_run(impl, size, copy):
    """Seconds from send() to recv() returning, and the receiver's CPU seconds."""
    zmq = _import(impl)
    ctx = zmq.Context()
    pull = ctx.socket(zmq.PULL)
    port = pull.bind_to_random_port("tcp://127.0.0.1")
    proc = subprocess.Popen(
        [sys.executable, __file__, "--sender", impl, f"tcp://127.0.0.1:{port}", str(size),
         "1" if copy else "0"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    time.sleep(1.0)  # the sender builds its payload and connects
    cpu0 = sum(os.times()[:2])
    proc.stdin.write("go\n")
    proc.stdin.flush()
    t_send = float(proc.stdout.readline())
    msg = pull.recv(copy=copy)
    t_done = time.monotonic()
    cpu = sum(os.times()[:2]) - cpu0
    assert len(msg) == size
    del msg
    proc.wait()
    pull.close()
    ctx.term()
    return t_done - t_send, cpu


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mib", type=int, default=2049, help="MiB, plus one byte (default 2049)")
    ap.add_argument("--copy", action="store_true", help="send/recv with copy=True (default False)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--impls", default="zmqlite,pyzmq")
    args = ap.parse_args(argv)
    size = (args.mib << 20) + 1
    impls = args.impls.split(",")
    times = {impl: [] for impl in impls}
    cpus = {impl: [] for impl in impls}
    for _ in range(args.runs):
        for impl in impls:
            seconds, cpu = one_run(impl, size, args.copy)
            times[impl].append(seconds)
            cpus[impl].append(cpu)
            print(f"{impl}: {seconds:.2f} s (receiver CPU {cpu:.2f} s)", flush=True)
    print(f"\n{size} bytes over tcp, copy={args.copy}, medians of {args.runs}:")
    for impl in impls:
        print(f"  {impl:8} {statistics.median(times[impl]):6.2f} s   receiver CPU "
              f"{statistics.median(cpus[impl]):.2f} s   runs {', '.join(f'{t:.2f}' for t in times[impl])}")
    if "zmqlite" in times and "pyzmq" in times:
        ratio = statistics.median(times["zmqlite"]) / statistics.median(times["pyzmq"])
        print(f"  zmqlite takes {ratio:.2f}x pyzmq's time")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--sender":
        sender(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5] == "1")
    else:
        sys.exit(main())
