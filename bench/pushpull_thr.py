"""PUSH -> PULL throughput of one message size and transport, side by side.

A shorthand for one point of `python -m zmqlite.perf` (which holds the machinery: one process
per end, receiver timing first..last message, implementations alternating run by run):

    python bench/pushpull_thr.py --impl all --size 16 --runs 3
    python bench/pushpull_thr.py --impl pyzmq --transport ipc --seconds 5 --pin

is `python -m zmqlite.perf --points pushpull-ipc-16 --impls pyzmq --seconds 5 --pin`.
"""

import argparse
import os
import sys

try:
    from zmqlite import perf
except ImportError:  # run from a checkout that is not installed: use the checkout
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from zmqlite import perf


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--impl", choices=[*perf.IMPLS, "all"], default="all",
                    help="one implementation, or all installed (default)")
    ap.add_argument("--size", type=int, default=16, help="message size in bytes (default 16)")
    ap.add_argument("--transport", choices=["tcp", "ipc", "inproc"], default="tcp")
    ap.add_argument("--seconds", type=float, default=2.0, help="measured seconds per run")
    ap.add_argument("--runs", type=int, default=3, help="runs per implementation (medians)")
    ap.add_argument("--pin", action="store_true", help="pin every process to one CPU")
    ap.add_argument("--json", metavar="FILE", help="write runs and medians as JSON")
    args = ap.parse_args(argv)
    forward = ["--points", f"pushpull-{args.transport}-{args.size}", "--seconds",
               str(args.seconds), "--repeat", str(args.runs)]
    if args.impl != "all":
        forward += ["--impls", args.impl]
    if args.pin:
        forward.append("--pin")
    if args.json:
        forward += ["--json", args.json]
    return perf.main(forward)


if __name__ == "__main__":
    sys.exit(main())
