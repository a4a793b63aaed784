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
    ap.add_argument("--size", type=int, default=16, help="message size in bytes (default 16)")
    ap.add_argument("--transport", choices=["tcp", "ipc", "inproc"], default="tcp")
    perf.add_shorthand_options(ap)
    args = ap.parse_args(argv)
    return perf.run_shorthand(f"pushpull-{args.transport}-{args.size}", args)


if __name__ == "__main__":
    sys.exit(main())
