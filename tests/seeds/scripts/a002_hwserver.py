# seed 002 Hello World server (PHP in the article, same calls in Python); port, count from argv
import os
if os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower() == "pyzmq":
    import zmq
else:
    import zmqlite as zmq  # the drop-in promise: nothing else changes
import sys
import time

context = zmq.Context(1)
# Socket to talk to clients
responder = context.socket(zmq.REP)
responder.bind("tcp://*:%s" % sys.argv[1])
for _ in range(int(sys.argv[2])):  # was: while(true)
    # Wait for next request from client
    request = responder.recv()
    print("Received request: [%s]" % request.decode(), flush=True)
    # Do some 'work'
    time.sleep(0.01)  # was 1 s
    # Send reply back to client
    responder.send(b"World")
