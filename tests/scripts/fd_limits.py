"""Runs zmqlite (or pyzmq) with its descriptors nearly used up, for
tests/test_resources.py. Usage: fd_limits.py IMPL SCENARIO [ARGS]; prints one
JSON line with what happened.

Scenarios:
  context FREE   leave FREE descriptors, make a Context: report the error, or
                 that a tcp round trip works once the descriptors are back
  accept         bind a ROUTER, print its endpoint, use up every descriptor,
                 report this process's CPU seconds over 1 s while connections
                 wait in the backlog, give the descriptors back, then serve
                 one DEALER round trip (the test is the DEALER)
"""

import json
import os
import resource
import sys
import time

impl, scenario = sys.argv[1], sys.argv[2]
if impl == "pyzmq":
    import zmq
else:
    import zmqlite as zmq

LIMIT = 64


def use_up_descriptors(leave):
    """Opens /dev/null until EMFILE, then closes ``leave`` of them."""
    held = []
    while True:
        try:
            held.append(os.open(os.devnull, os.O_RDONLY))
        except OSError:
            break
    for _ in range(leave):
        os.close(held.pop())
    return held


def give_back(held):
    for fd in held:
        os.close(fd)
    held.clear()


resource.setrlimit(resource.RLIMIT_NOFILE, (LIMIT, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))

if scenario == "context":
    free = int(sys.argv[3])
    held = use_up_descriptors(free)
    try:
        ctx = zmq.Context()
        # pyzmq opens its descriptors lazily, at the first socket
        pull = ctx.socket(zmq.PULL)
    except zmq.ZMQError as exc:
        give_back(held)
        print(json.dumps({"error": exc.errno}))
        sys.exit(0)
    give_back(held)
    port = pull.bind_to_random_port("tcp://127.0.0.1")
    push = ctx.socket(zmq.PUSH)
    push.connect("tcp://127.0.0.1:%d" % port)
    push.send(b"through")
    ok = bool(pull.poll(5000)) and pull.recv() == b"through"
    push.close(linger=0)
    pull.close(linger=0)
    ctx.term()
    print(json.dumps({"works": ok}))

elif scenario == "accept":
    ctx = zmq.Context()
    router = ctx.socket(zmq.ROUTER)
    port = router.bind_to_random_port("tcp://127.0.0.1")
    print(port, flush=True)
    held = use_up_descriptors(0)
    sys.stdin.readline()  # the test has queued its connections
    cpu0 = sum(os.times()[:2])
    time.sleep(1.0)  # the measurement window: how busy are we while blocked?
    cpu = sum(os.times()[:2]) - cpu0
    give_back(held)
    served = False
    if router.poll(10000):
        rid, body = router.recv_multipart()
        router.send_multipart([rid, body + b" back"])
        served = True
    print(json.dumps({"cpu": cpu, "served": served}), flush=True)
    sys.stdin.readline()  # the test has its reply
    router.close(linger=0)
    ctx.term()
