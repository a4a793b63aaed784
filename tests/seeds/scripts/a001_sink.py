# seed 001 sink.py; port and message count from argv
import os
if os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower() == "pyzmq":
    import zmq
else:
    import zmqlite as zmq  # the drop-in promise: nothing else changes
import sys

context = zmq.Context()
socket = context.socket(zmq.PULL)
socket.bind("tcp://*:%s" % sys.argv[1])

for _ in range(int(sys.argv[2])):  # was: while True
    response = socket.recv()
    print("response: %s" % response, flush=True)
