"""Holds the GIL in a tight loop while a libzmq peer sends over tcp: every
message must still arrive, since zmqlite's I/O thread never takes the GIL.
Polls with recv(NOBLOCK), which keeps the GIL. Prints the count received.
Usage: gil_hog.py IMPL (tests/test_gil.py runs it under a timeout: an I/O
thread that waited for the GIL while holding the context lock would
deadlock with this loop, which takes that lock holding the GIL)."""

import sys
import time

import zmq as pyzmq

zl = pyzmq if sys.argv[1] == "pyzmq" else __import__("zmqlite")
COUNT = 200

ctx = zl.Context()
pull = ctx.socket(zl.PULL)
port = pull.bind_to_random_port("tcp://127.0.0.1")
peer_ctx = pyzmq.Context()
push = peer_ctx.socket(pyzmq.PUSH)
push.connect("tcp://127.0.0.1:%d" % port)
push.send(b"warm up")
assert pull.poll(5000) and pull.recv() == b"warm up"

sys.setswitchinterval(100)  # nobody else gets the GIL from here on
for i in range(COUNT):
    push.send(b"m%d" % i)
got = 0
deadline = time.monotonic() + 5
while got < COUNT and time.monotonic() < deadline:
    try:
        pull.recv(zl.NOBLOCK)
        got += 1
    except zl.Again:
        pass
sys.setswitchinterval(0.005)
print(got, flush=True)
push.close(linger=0)
pull.close(linger=0)
peer_ctx.term()
ctx.term()
