# seed 003 client: pub() / sub() / pull(), chosen by argv[1]; Python 2 -> 3;
# host 127.0.0.1, port argv[2]; pub sends argv[3] messages, sub/pull stop after argv[3].
import os
if os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower() == "pyzmq":
    import zmq
else:
    import zmqlite as zmq  # the drop-in promise: nothing else changes
import sys
import time

context = zmq.Context()
host = '127.0.0.1'


def pub(port, count):
    pub = context.socket(zmq.PUB)
    pub.connect('tcp://%s:%s' % (host, port))
    for _ in range(count):  # was: while True
        msg = 'abc hello' + str(time.time())
        pub.send(msg.encode())
        print('sending', msg, flush=True)
        time.sleep(0.1)  # was 1 s


def sub(port, count):
    sub = context.socket(zmq.SUB)
    sub.setsockopt(zmq.SUBSCRIBE, b'')
    sub.connect('tcp://%s:%s' % (host, port))

    for _ in range(count):  # was: while True
        msg = sub.recv()
        print('Got:', msg, flush=True)


def pull(port, count):
    pull = context.socket(zmq.PULL)
    pull.connect('tcp://%s:%s' % (host, port))

    for _ in range(count):  # was: while True
        msg = pull.recv()
        print('Got: ', msg, flush=True)


{'pub': pub, 'sub': sub, 'pull': pull}[sys.argv[1]](sys.argv[2], int(sys.argv[3]))
