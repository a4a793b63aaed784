# seed 004 SUB for two countries; Python 2 -> 3; port and message count from argv
import os
if os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower() == "pyzmq":
    import zmq
else:
    import zmqlite as zmq  # the drop-in promise: nothing else changes
import sys

context = zmq.Context()
socket = context.socket(zmq.SUB)
socket.connect("tcp://127.0.0.1:%s" % sys.argv[1])
socket.setsockopt(zmq.SUBSCRIBE, b"netherlands")
socket.setsockopt(zmq.SUBSCRIBE, b"germany")

for _ in range(int(sys.argv[2])):  # was: while True
    print(socket.recv().decode(), flush=True)
