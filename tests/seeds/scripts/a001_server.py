# seed 001 server.py; port and request count from argv
import os
if os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower() == "pyzmq":
    import zmq
else:
    import zmqlite as zmq  # the drop-in promise: nothing else changes
import sys
import time

context = zmq.Context()
socket = context.socket(zmq.REP)
socket.bind("tcp://*:%s" % sys.argv[1])

for _ in range(int(sys.argv[2])):  # was: while True
    #  Wait for next request from client
    message = socket.recv()
    print("Received request: %s" % message, flush=True)

    #  Do some 'work'
    time.sleep(0.1)  # was 1 s

    #  Send reply back to client
    socket.send(b"World")
