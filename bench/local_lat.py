"""REP end of a latency run (libzmq perf/local_lat): bind and echo. Start it first:

    python bench/local_lat.py tcp://127.0.0.1:5556 16
    python bench/remote_lat.py tcp://127.0.0.1:5556 16 --seconds 5

All implementations run the same code (zmqlite/_perfends.py); for side-by-side numbers of many
points at once use `python -m zmqlite.perf`.
"""

from _ends import run

if __name__ == "__main__":
    run("local_lat")
