# seed 004 REQ client of two echo servers; Python 2 -> 3; the two ports from argv
import os
if os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower() == "pyzmq":
    import zmq
else:
    import zmqlite as zmq  # the drop-in promise: nothing else changes
import sys

context = zmq.Context()
socket = context.socket(zmq.REQ)
socket.connect("tcp://127.0.0.1:%s" % sys.argv[1])
socket.connect("tcp://127.0.0.1:%s" % sys.argv[2])

for i in range(10):
    msg = "msg %s" % i
    socket.send(msg.encode())
    print("Sending", msg, flush=True)
    msg_in = socket.recv()
