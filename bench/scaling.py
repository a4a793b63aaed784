"""Cost per message as the number of connected peers grows, side by side.

A shorthand for the scale-* points of `python -m zmqlite.perf` (the machinery and what
each point measures live there and in zmqlite/_perfends.py: one busy peer among N, in one
process):

    python bench/scaling.py                                # router, pull, pub; N = 1..10,000; inproc
    python bench/scaling.py --patterns pull --transport tcp --peers 1,1000 --runs 1

is `python -m zmqlite.perf --points scale-pull-tcp-1,scale-pull-tcp-1000 --repeat 1`.
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
    ap.add_argument("--patterns", default="router,pull,pub", help="router, pull, pub")
    ap.add_argument("--transport", choices=["tcp", "ipc", "inproc"], default="inproc")
    ap.add_argument("--peers", default="1,100,1000,10000", help="comma list of N")
    perf.add_shorthand_options(ap)
    args = ap.parse_args(argv)
    points = ",".join(f"scale-{p}-{args.transport}-{n}"
                      for p in args.patterns.split(",") for n in args.peers.split(","))
    return perf.run_shorthand(points, args)


if __name__ == "__main__":
    sys.exit(main())
