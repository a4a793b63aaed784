# seed 001 worker.py; ports from argv; runs until killed, as in the article
import os
if os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower() == "pyzmq":
    import zmq
else:
    import zmqlite as zmq  # the drop-in promise: nothing else changes
import sys

context = zmq.Context()

recive = context.socket(zmq.PULL)
recive.connect('tcp://127.0.0.1:%s' % sys.argv[1])

sender = context.socket(zmq.PUSH)
sender.connect('tcp://127.0.0.1:%s' % sys.argv[2])

while True:
    data = recive.recv()
    print("work1 正在转发...", flush=True)
    sender.send(data)
