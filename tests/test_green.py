"""zmqlite.green (zmq.green under ZMQLITE_TEST_IMPL=pyzmq): sockets, Poller and device
whose blocking calls block only the calling greenlet, driven by the socket FD on gevent's
hub."""

import importlib
import os
import threading
import time
import warnings

import pytest

gevent = pytest.importorskip("gevent")
import gevent.event  # noqa: E402

from conftest import IS_PYZMQ  # noqa: E402

pytestmark = pytest.mark.timeout(30)

TRANSPORTS = ["inproc", "tcp"]


@pytest.fixture
def green(zl):
    return importlib.import_module(zl.__name__ + ".green")


@pytest.fixture
def gctx(green):
    ctx = green.Context()
    yield ctx
    ctx.destroy(linger=0)


def link(gctx, kind_a, kind_b, transport):
    """A socket of kind_a bound, one of kind_b connected to it."""
    a = gctx.socket(kind_a)
    b = gctx.socket(kind_b)
    if transport == "tcp":
        port = a.bind_to_random_port("tcp://127.0.0.1")
        b.connect(f"tcp://127.0.0.1:{port}")
    else:
        name = f"inproc://green-{os.getpid()}-{id(a)}"
        a.bind(name)
        b.connect(name)
    return a, b


def spawn_ticker(counter, interval=0.001):
    """A greenlet counting while it gets to run: proof that the hub is not blocked."""

    def tick():
        while True:
            counter[0] += 1
            gevent.sleep(interval)

    return gevent.spawn(tick)


def test_imports_and_classes(green, zl):
    assert issubclass(green.Socket, zl.Socket)
    assert issubclass(green.Context, zl.Context)
    assert issubclass(green.Poller, zl.Poller)
    assert green.PUSH == zl.PUSH and green.Again is zl.Again
    ctx = green.Context()
    try:
        sock = ctx.socket(green.PAIR)
        assert type(sock) is green.Socket
        sock.close()
    finally:
        ctx.term()
    # pyzmq's module layout: zmq.green.core, zmq.green.poll, zmq.green.device
    assert importlib.import_module(green.__name__ + ".core")._Socket is green.Socket
    assert importlib.import_module(green.__name__ + ".poll")._Poller is green.Poller
    assert callable(importlib.import_module(green.__name__ + ".device").device)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_recv_blocks_only_its_greenlet(green, gctx, transport):
    a, b = link(gctx, green.PAIR, green.PAIR, transport)
    # a non-green recv would block the hub: RCVTIMEO makes that fail (Again, no ticks)
    # instead of hanging the test
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyzmq's green warns that TIMEO has no effect
        b.rcvtimeo = 5000
    ticks = [0]
    ticker = spawn_ticker(ticks)
    receiver = gevent.spawn(b.recv)
    gevent.sleep(0.05)
    assert not receiver.ready()
    ticks_while_waiting = ticks[0]
    assert ticks_while_waiting >= 5  # other greenlets ran while recv waited
    a.send(b"wake up")
    assert receiver.get(timeout=5) == b"wake up"
    ticker.kill()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_many_greenlets_request_reply(green, gctx, transport):
    """10 DEALER greenlets, 20 requests each, to one ROUTER greenlet that echoes."""
    router = gctx.socket(green.ROUTER)
    if transport == "tcp":
        endpoint = f"tcp://127.0.0.1:{router.bind_to_random_port('tcp://127.0.0.1')}"
    else:
        endpoint = "inproc://green-many"
        router.bind(endpoint)
    n_clients, n_requests = 10, 20

    def serve():
        for _ in range(n_clients * n_requests):
            peer, body = router.recv_multipart()
            router.send_multipart([peer, b"echo:" + body])

    def client(i):
        dealer = gctx.socket(green.DEALER)
        dealer.connect(endpoint)
        replies = []
        for j in range(n_requests):
            dealer.send(b"%d-%d" % (i, j))
            replies.append(dealer.recv())
        dealer.close(linger=0)
        return replies

    server = gevent.spawn(serve)
    clients = [gevent.spawn(client, i) for i in range(n_clients)]
    gevent.joinall(clients + [server], timeout=20, raise_error=True)
    for i, g in enumerate(clients):
        assert g.value == [b"echo:%d-%d" % (i, j) for j in range(n_requests)]
    assert server.successful()


@pytest.mark.zmqlite_only(reason="pyzmq's zmq.green allows one waiting greenlet per socket")
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_several_greenlets_receive_from_one_socket(green, gctx, transport):
    push, pull = link(gctx, green.PUSH, green.PULL, transport)
    got = []

    def receive(n):
        for _ in range(n):
            got.append(pull.recv())

    receivers = [gevent.spawn(receive, 250) for _ in range(4)]
    gevent.sleep(0)  # all four wait before anything is sent

    def send():
        for i in range(1000):
            push.send(b"%d" % i)

    sender = gevent.spawn(send)
    gevent.joinall(receivers + [sender], timeout=20, raise_error=True)
    assert sorted(got, key=int) == [b"%d" % i for i in range(1000)]


def test_send_at_hwm_waits_for_room(green, gctx):
    """A PUSH at its HWM blocks its greenlet until the PULL takes messages."""
    push = gctx.socket(green.PUSH)
    pull = gctx.socket(green.PULL)
    push.sndhwm = 2
    pull.rcvhwm = 2
    pull.bind("inproc://green-hwm")
    push.connect("inproc://green-hwm")
    sent = []

    def send():
        for i in range(50):
            push.send(b"%d" % i)
            sent.append(i)

    sender = gevent.spawn(send)
    gevent.sleep(0.05)
    assert not sender.ready()
    assert len(sent) < 50  # held back at the HWM, not dropped
    got = [pull.recv() for _ in range(50)]
    sender.get(timeout=5)
    assert got == [b"%d" % i for i in range(50)]


def test_multipart_and_helpers(green, gctx):
    a, b = link(gctx, green.PAIR, green.PAIR, "tcp")
    receiver = gevent.spawn(lambda: [b.recv_multipart(), b.recv_string(), b.recv_json(),
                                     b.recv_pyobj(), b.recv_multipart(copy=False)])
    gevent.sleep(0)
    a.send_multipart([b"one", b"two", b""])
    a.send_string("héllo")
    a.send_json({"n": [1, 2]})
    a.send_pyobj({"set": {1, 2}})
    a.send_multipart((b"x", b"yz"), copy=False)
    got = receiver.get(timeout=5)
    assert got[:4] == [[b"one", b"two", b""], "héllo", {"n": [1, 2]}, {"set": {1, 2}}]
    assert [f.bytes for f in got[4]] == [b"x", b"yz"]


def test_recv_into(green, gctx):
    a, b = link(gctx, green.PAIR, green.PAIR, "inproc")
    buf = bytearray(8)
    receiver = gevent.spawn(b.recv_into, buf)
    gevent.sleep(0.01)
    a.send(b"abc")
    assert receiver.get(timeout=5) == 3
    assert bytes(buf[:3]) == b"abc"


def test_noblock_raises_at_once(green, gctx):
    a, b = link(gctx, green.PAIR, green.PAIR, "inproc")
    start = time.monotonic()
    with pytest.raises(green.Again):
        b.recv(green.NOBLOCK)
    with pytest.raises(green.Again):
        b.recv_multipart(green.NOBLOCK)
    assert time.monotonic() - start < 0.5


@pytest.mark.zmqlite_only(reason="pyzmq's zmq.green ignores RCVTIMEO/SNDTIMEO")
def test_rcvtimeo_raises_again_while_others_run(green, gctx):
    a, b = link(gctx, green.PAIR, green.PAIR, "tcp")
    b.rcvtimeo = 200
    ticks = [0]
    ticker = spawn_ticker(ticks)
    start = time.monotonic()
    with pytest.raises(green.Again):
        b.recv()
    elapsed = time.monotonic() - start
    assert 0.18 <= elapsed < 2.0
    assert ticks[0] >= 10
    with pytest.raises(green.Again):
        b.recv_multipart()
    # a message after a timeout is still received whole
    a.send_multipart([b"late", b"!"])
    assert b.recv_multipart() == [b"late", b"!"]
    ticker.kill()


@pytest.mark.zmqlite_only(reason="pyzmq's zmq.green ignores RCVTIMEO/SNDTIMEO")
def test_sndtimeo_raises_again(green, gctx):
    push = gctx.socket(green.PUSH)
    push.sndtimeo = 100
    push.bind("tcp://127.0.0.1:*")  # no peer: nothing can take a message
    start = time.monotonic()
    with pytest.raises(green.Again):
        push.send(b"nobody")
    with pytest.raises(green.Again):
        push.send_multipart([b"no", b"body"])
    assert 0.18 <= time.monotonic() - start < 2.0
    push.sndtimeo = 0
    with pytest.raises(green.Again):
        push.send(b"at once")


def test_socket_poll(green, gctx):
    a, b = link(gctx, green.PAIR, green.PAIR, "inproc")
    start = time.monotonic()
    assert b.poll(100) == 0
    assert 0.08 <= time.monotonic() - start < 2.0
    assert b.poll(0, green.POLLOUT) == green.POLLOUT
    gevent.spawn_later(0.02, a.send, b"x")
    assert b.poll(5000) == green.POLLIN
    assert b.recv() == b"x"


def test_poller_several_sockets_and_an_fd(green, gctx):
    pulls, pushes = [], []
    for i in range(3):
        push, pull = link(gctx, green.PUSH, green.PULL, "tcp" if i else "inproc")
        pushes.append(push)
        pulls.append(pull)
    rfd, wfd = os.pipe()
    try:
        poller = green.Poller()
        for pull in pulls:
            poller.register(pull, green.POLLIN)
        poller.register(rfd, green.POLLIN)
        assert poller.poll(50) == []

        ticks = [0]
        ticker = spawn_ticker(ticks)
        gevent.spawn_later(0.05, pushes[1].send, b"one")
        assert poller.poll(5000) == [(pulls[1], green.POLLIN)]
        assert ticks[0] >= 5  # the poll waited without blocking the hub
        assert pulls[1].recv() == b"one"

        gevent.spawn_later(0.02, os.write, wfd, b"!")
        assert poller.poll(5000) == [(rfd, green.POLLIN)]
        assert os.read(rfd, 1) == b"!"

        pushes[0].send(b"zero")
        pushes[2].send(b"two")
        # both arrive; poll until both are seen (tcp may deliver one first)
        seen = {}
        deadline = time.monotonic() + 5
        while len(seen) < 2 and time.monotonic() < deadline:
            for sock, events in poller.poll(1000):
                seen[sock] = sock.recv()
        assert seen == {pulls[0]: b"zero", pulls[2]: b"two"}
        assert poller.poll(0) == []
        ticker.kill()
    finally:
        os.close(rfd)
        os.close(wfd)


@pytest.mark.zmqlite_only(reason="pyzmq's zmq.green.select is zmq.select, which blocks the hub")
def test_select(green, gctx):
    a, b = link(gctx, green.PAIR, green.PAIR, "inproc")
    assert green.select([b], [], [], 0.05) == ([], [], [])
    assert green.select([b], [a], [], 5) == ([], [a], [])
    gevent.spawn_later(0.02, a.send, b"x")
    assert green.select([b], [], [], 5) == ([b], [], [])


def test_poll_wakes_socket_waiters(green, gctx):
    """A Poller and a recv waiting on the same socket: reading EVENTS in the poll must
    not swallow the wake-up the recv waits for."""
    a, b = link(gctx, green.PAIR, green.PAIR, "tcp")
    receiver = gevent.spawn(b.recv)
    gevent.sleep(0.01)
    poller = green.Poller()
    poller.register(b, green.POLLIN)
    polling = gevent.spawn(poller.poll, 5000)
    gevent.sleep(0.01)
    a.send(b"for one of them")
    assert receiver.get(timeout=5) == b"for one of them"
    polling.kill()


def test_green_req_against_pyzmq_rep_thread(green, gctx, pyctx):
    rep = pyctx.socket(green.REP)
    port = rep.bind_to_random_port("tcp://127.0.0.1")
    n = 50

    def serve():
        for _ in range(n):
            rep.send(b"re:" + rep.recv())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    req = gctx.socket(green.REQ)
    req.connect(f"tcp://127.0.0.1:{port}")
    ticks = [0]
    ticker = spawn_ticker(ticks)
    replies = []
    for i in range(n):
        req.send(b"%d" % i)
        replies.append(req.recv())
    assert replies == [b"re:%d" % i for i in range(n)]
    thread.join(5)
    assert not thread.is_alive()
    assert ticks[0] > 0
    ticker.kill()


def test_green_rep_serves_pyzmq_req_thread(green, gctx, pyctx):
    rep = gctx.socket(green.REP)
    port = rep.bind_to_random_port("tcp://127.0.0.1")
    replies = []

    def ask():
        req = pyctx.socket(green.REQ)
        req.connect(f"tcp://127.0.0.1:{port}")
        for i in range(20):
            req.send_multipart([b"q", b"%d" % i])
            replies.append(req.recv_multipart())

    thread = threading.Thread(target=ask, daemon=True)
    thread.start()
    for _ in range(20):
        q, i = rep.recv_multipart()
        rep.send_multipart([b"a", i])
    thread.join(5)
    assert replies == [[b"a", b"%d" % i] for i in range(20)]


def test_device_queue(green, gctx):
    frontend = gctx.socket(green.ROUTER)
    backend = gctx.socket(green.DEALER)
    frontend.bind("inproc://green-front")
    backend.bind("inproc://green-back")
    device = gevent.spawn(green.device, green.QUEUE, frontend, backend)

    def worker():
        rep = gctx.socket(green.REP)
        rep.connect("inproc://green-back")
        for _ in range(30):
            rep.send(rep.recv().upper())
        rep.close(linger=0)

    def client(i):
        req = gctx.socket(green.REQ)
        req.connect("inproc://green-front")
        out = []
        for j in range(10):
            req.send(b"c%d-%d" % (i, j))
            out.append(req.recv())
        req.close(linger=0)
        return out

    workers = [gevent.spawn(worker)]
    clients = [gevent.spawn(client, i) for i in range(3)]
    gevent.joinall(clients + workers, timeout=20, raise_error=True)
    for i, c in enumerate(clients):
        assert c.value == [b"C%d-%d" % (i, j) for j in range(10)]
    assert not device.ready()  # a device runs until its context ends
    device.kill()


@pytest.mark.zmqlite_only(reason="zmqlite.green.proxy and device(-1) echo are zmqlite's")
def test_proxy_with_capture_and_echo(green, gctx):
    frontend, client = link(gctx, green.ROUTER, green.DEALER, "tcp")
    backend, server = link(gctx, green.DEALER, green.ROUTER, "inproc")
    capture, tap = link(gctx, green.PUSH, green.PULL, "inproc")
    proxy = gevent.spawn(green.proxy, frontend, backend, capture)
    client.send(b"ping")
    peer, body = server.recv_multipart()[-2:]
    assert body == b"ping"
    assert tap.recv_multipart()[-1] == b"ping"
    proxy.kill()
    with pytest.raises(green.ZMQError):
        green.device(99, frontend, backend)
    pair_a, pair_b = link(gctx, green.PAIR, green.PAIR, "inproc")
    echo = gevent.spawn(green.device, green.QUEUE, pair_a, -1)
    pair_b.send(b"echo me")
    assert pair_b.recv() == b"echo me"
    echo.kill()


def test_close_wakes_a_waiting_greenlet(green, gctx):
    a, b = link(gctx, green.PAIR, green.PAIR, "inproc")
    receiver = gevent.spawn(b.recv)
    gevent.sleep(0.01)
    b.close(linger=0)
    receiver.join(timeout=5)
    assert receiver.ready()
    assert isinstance(receiver.exception, green.ZMQError)
    assert receiver.exception.errno == green.ENOTSOCK


@pytest.mark.zmqlite_only(reason="pyzmq's green term() blocks the hub until sockets close")
def test_term_lets_blocked_greenlets_close(green):
    ctx = green.Context()
    a = ctx.socket(green.PAIR)
    a.bind("inproc://green-term")
    outcome = []

    def blocked():
        try:
            a.recv()
        except green.ContextTerminated:
            outcome.append("ETERM")
        finally:
            a.close(linger=0)

    g = gevent.spawn(blocked)
    gevent.sleep(0.01)
    terminator = gevent.spawn(ctx.term)
    terminator.join(timeout=5)
    assert terminator.ready() and terminator.successful()
    assert outcome == ["ETERM"]
    assert g.ready() and ctx.closed


def test_waiting_uses_no_cpu(green, gctx):
    """A greenlet waiting in recv sleeps on the FD: no busy polling."""
    a, b = link(gctx, green.PAIR, green.PAIR, "tcp")
    receiver = gevent.spawn(b.recv)
    cpu_before = time.process_time()
    gevent.sleep(0.5)
    cpu_used = time.process_time() - cpu_before
    assert cpu_used < 0.1, f"{cpu_used:.3f}s of CPU while idle"
    a.send(b"done")
    assert receiver.get(timeout=5) == b"done"


@pytest.mark.zmqlite_only(reason="pyzmq's zmq.green allows one waiting greenlet per socket")
@pytest.mark.parametrize("reader", ["Poller.poll", "Socket.poll", "getsockopt(EVENTS)"])
def test_reading_events_elsewhere_does_not_swallow_a_wakeup(green, gctx, reader):
    """Reading EVENTS re-arms the edge-triggered FD. When another greenlet's read comes
    between the signal and the hub's look at the FD, the signal is gone: what the read
    saw must reach the greenlet asleep in recv, or it sleeps forever."""
    a, b = link(gctx, green.PAIR, green.PAIR, "inproc")
    receiver = gevent.spawn(b.recv)
    gevent.sleep(0.01)  # asleep on the FD
    a.send(b"first")  # inproc: the FD is signalled now, the hub has not looked yet
    if reader == "Poller.poll":
        poller = green.Poller()
        poller.register(b, green.POLLIN)
        assert poller.poll(0) == [(b, green.POLLIN)]
    elif reader == "Socket.poll":
        assert b.poll(0) == green.POLLIN
    else:
        assert b.getsockopt(green.EVENTS) & green.POLLIN
    assert receiver.get(timeout=2) == b"first"


@pytest.mark.zmqlite_only(reason="pyzmq's green poll is woken only by its 1.33 s safety timer")
def test_own_call_wakes_a_poll_for_its_effect(green, gctx):
    """A REQ cannot send until its reply came; receiving the reply is the socket's own
    call, which signals nothing: a greenlet polling the REQ for POLLOUT must still wake."""
    rep, req = link(gctx, green.REP, green.REQ, "inproc")
    req.send(b"question")
    poller = gevent.spawn(req.poll, 5000, green.POLLOUT)
    gevent.sleep(0.01)
    assert not poller.ready()
    rep.send(b"answer:" + rep.recv())
    gevent.sleep(0.01)  # the hub handles the reply's signal: POLLIN, not yet POLLOUT
    assert not poller.ready()
    start = time.monotonic()
    assert req.recv() == b"answer:question"
    assert poller.get(timeout=5) == green.POLLOUT
    assert time.monotonic() - start < 1.0


@pytest.mark.zmqlite_only(reason="pyzmq's green ZMQStream is a subclass; zmqlite's stream is the same class")
def test_green_eventloop_paths(green, zl):
    pytest.importorskip("tornado")
    ioloop = importlib.import_module(green.__name__ + ".eventloop.ioloop")
    zmqstream = importlib.import_module(green.__name__ + ".eventloop.zmqstream")
    import tornado.ioloop

    assert ioloop.IOLoop is tornado.ioloop.IOLoop
    assert importlib.import_module(green.__name__ + ".eventloop").IOLoop is tornado.ioloop.IOLoop
    assert zmqstream.ZMQStream is importlib.import_module(zl.__name__ + ".eventloop.zmqstream").ZMQStream
