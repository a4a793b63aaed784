# seed 001 client.py; port from argv
import os
if os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower() == "pyzmq":
    import zmq
else:
    import zmqlite as zmq  # the drop-in promise: nothing else changes
import sys

context = zmq.Context()

#  Socket to talk to server
print("Connecting to hello world server…", flush=True)
socket = context.socket(zmq.REQ)
socket.connect("tcp://localhost:%s" % sys.argv[1])
socket.send(b"Hello")
#  Get the reply.
message = socket.recv()
print(f"Received reply [ {message} ]")
