"""PUSH end of a throughput run (libzmq perf/remote_thr): connect, send for --seconds.

    python bench/remote_thr.py tcp://127.0.0.1:5555 16 --seconds 5 --impl zmqlite

All implementations run the same code (zmqlite/_perfends.py); for side-by-side numbers of many
points at once use `python -m zmqlite.perf`.
"""

from _ends import run

if __name__ == "__main__":
    run("remote_thr")
