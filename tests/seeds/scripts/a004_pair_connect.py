# seed 004 PAIR, connecting end; port from argv; one exchange added
import os
if os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower() == "pyzmq":
    import zmq
else:
    import zmqlite as zmq  # the drop-in promise: nothing else changes
import sys

context = zmq.Context()
socket = context.socket(zmq.PAIR)
socket.connect("tcp://127.0.0.1:%s" % sys.argv[1])

socket.send(b"ping")
print(socket.recv(), flush=True)
socket.send(b"bye")
