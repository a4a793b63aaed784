"""PUB -> SUB throughput with 1 and 4 subscriber processes, side by side.

A shorthand for two points of `python -m zmqlite.perf` (one process per end;
the table gives messages per second received in total and by the slowest
subscriber; implementations alternate run by run):

    python bench/pubsub_thr.py --runs 3
    python bench/pubsub_thr.py --subscribers 1,4,8 --size 64 --impl pyzmq

is `python -m zmqlite.perf --points pubsub1-tcp-16,pubsub4-tcp-16 --repeat 3`.
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
    ap.add_argument("--subscribers", default="1,4", help="comma-separated counts (default 1,4)")
    ap.add_argument("--size", type=int, default=16, help="message size in bytes (default 16)")
    ap.add_argument("--transport", choices=["tcp", "ipc"], default="tcp")
    perf.add_shorthand_options(ap)
    args = ap.parse_args(argv)
    return perf.run_shorthand(",".join(f"pubsub{n.strip()}-{args.transport}-{args.size}"
                                       for n in args.subscribers.split(",")), args)


if __name__ == "__main__":
    sys.exit(main())
