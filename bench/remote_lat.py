"""REQ end of a latency run (libzmq perf/remote_lat): ping-pong for --seconds.

Prints the median, p99 and mean round trip.

    python bench/remote_lat.py tcp://127.0.0.1:5556 16 --seconds 5 --impl zmqlite

All implementations run the same code (zmqlite/_perfends.py); for side-by-side numbers of many
points at once use `python -m zmqlite.perf`.
"""

from _ends import run

if __name__ == "__main__":
    run("remote_lat")
