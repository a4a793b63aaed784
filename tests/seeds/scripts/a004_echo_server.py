# seed 004 REP echo server; Python 2 -> 3; port and request count from argv
import os
if os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower() == "pyzmq":
    import zmq
else:
    import zmqlite as zmq  # the drop-in promise: nothing else changes
import sys

context = zmq.Context()
socket = context.socket(zmq.REP)
socket.bind("tcp://127.0.0.1:%s" % sys.argv[1])

for _ in range(int(sys.argv[2])):  # was: while True
    msg = socket.recv()
    print("Got", msg.decode(), flush=True)
    socket.send(msg)
