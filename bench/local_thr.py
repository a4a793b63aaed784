"""PULL end of a throughput run (libzmq perf/local_thr): bind, time first..last message.

Start it first, then remote_thr.py:

    python bench/local_thr.py tcp://127.0.0.1:5555 16 --impl pyzmq
    python bench/remote_thr.py tcp://127.0.0.1:5555 16 --impl pyzmq --seconds 5

All implementations run the same code (zmqlite/_perfends.py); for side-by-side numbers of many
points at once use `python -m zmqlite.perf`.
"""

from _ends import run

if __name__ == "__main__":
    run("local_thr")
