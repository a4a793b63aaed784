# seed 002 Hello World client (PHP in the article, same calls in Python); port from argv
import os
if os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower() == "pyzmq":
    import zmq
else:
    import zmqlite as zmq  # the drop-in promise: nothing else changes
import sys

context = zmq.Context()
# Socket to talk to server
print("Connecting to hello world server...", flush=True)
requester = context.socket(zmq.REQ)
requester.connect("tcp://localhost:%s" % sys.argv[1])
for request_nbr in range(10):
    print("Sending request %d..." % request_nbr, flush=True)
    requester.send(b"Hello")
    reply = requester.recv()
    print("Received reply %d: [%s]" % (request_nbr, reply.decode()), flush=True)
