# seed 001 section 5 publisher; port and send count from argv
import os
if os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower() == "pyzmq":
    import zmq
else:
    import zmqlite as zmq  # the drop-in promise: nothing else changes
import sys
import time

context = zmq.Context()
socket = context.socket(zmq.PUB)
socket.bind("tcp://127.0.0.1:%s" % sys.argv[1])

for _ in range(int(sys.argv[2])):  # was: while True
    time.sleep(0.1)  # was 1 s
    socket.send(b"A new message from publisher!")
