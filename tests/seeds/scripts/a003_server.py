# seed 003 server: SUB in, Poller, relay to PUB and (NOBLOCK) PUSH.
# Python 2 -> 3 (bytes), args from argv, HWM -> hwm (libzmq >= 3 has no HWM option),
# the loop stops after argv[4] relayed messages.
import os
if os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower() == "pyzmq":
    import zmq
else:
    import zmqlite as zmq  # the drop-in promise: nothing else changes
import argparse

context = zmq.Context()


def create_subscriber(port):
    sub = context.socket(zmq.SUB)
    sub.bind('tcp://*:%s' % port)
    sub.setsockopt(zmq.SUBSCRIBE, b'')
    return sub


def create_publisher(port):
    pub = context.socket(zmq.PUB)
    pub.bind('tcp://*:%s' % port)
    pub.hwm = 0  # was: pub.setsockopt(zmq.HWM, 0)
    return pub


def create_pusher(port):
    pusher = context.socket(zmq.PUSH)
    pusher.bind('tcp://*:%s' % port)
    return pusher


def main():
    sub = create_subscriber(args.sub_port)
    pub = create_publisher(args.pub_port)
    pusher = create_pusher(args.push_port)

    poller = zmq.Poller()
    poller.register(sub, zmq.POLLIN)

    relayed = 0
    while relayed < args.count:  # was: while True
        socks = poller.poll()
        for k, v in socks:
            message = k.recv()
            relayed += 1

            pub.send(message)
            # FIXME: Use gevent instead.
            try:
                pusher.send(message.split(b' ', 1)[-1], zmq.NOBLOCK)
            except:
                pass
    print('relayed', relayed, flush=True)


parser = argparse.ArgumentParser()
parser.add_argument('sub_port')
parser.add_argument('pub_port')
parser.add_argument('push_port')
parser.add_argument('count', type=int)
args = parser.parse_args()
main()
