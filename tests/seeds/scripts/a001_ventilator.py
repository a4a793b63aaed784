# seed 001 ventilator.py; port and message count from argv
import os
if os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower() == "pyzmq":
    import zmq
else:
    import zmqlite as zmq  # the drop-in promise: nothing else changes
import sys
import time

context = zmq.Context()
socket = context.socket(zmq.PUSH)
socket.bind("tcp://*:%s" % sys.argv[1])

for _ in range(int(sys.argv[2])):  # was: while True
    socket.send(b"test")
    print("已发送", flush=True)
    time.sleep(0.2)  # was 1 s
