# seed 004 PAIR, binding end; port from argv; one exchange added (the article only connects)
import os
if os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower() == "pyzmq":
    import zmq
else:
    import zmqlite as zmq  # the drop-in promise: nothing else changes
import sys

context = zmq.Context()
socket = context.socket(zmq.PAIR)
socket.bind("tcp://127.0.0.1:%s" % sys.argv[1])

print(socket.recv(), flush=True)
socket.send(b"pong")
print(socket.recv(), flush=True)
