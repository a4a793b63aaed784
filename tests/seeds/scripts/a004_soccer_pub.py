# seed 004 PUB of soccer events; Python 2 -> 3; port from argv; stops after argv[2] s
import os
if os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower() == "pyzmq":
    import zmq
else:
    import zmqlite as zmq  # the drop-in promise: nothing else changes
import sys
import time
from random import choice
context = zmq.Context()
socket = context.socket(zmq.PUB)
socket.bind("tcp://127.0.0.1:%s" % sys.argv[1])

countries = ['netherlands','brazil','germany','portugal']
events = ['yellow card', 'red card', 'goal', 'corner', 'foul']

deadline = time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:  # was: while True
    msg = choice( countries ) +" "+ choice( events )
    print("->",msg)
    socket.send( msg.encode() )
    time.sleep(0.001)  # not in the article: keeps the printed log small
