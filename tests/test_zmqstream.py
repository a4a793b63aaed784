"""zmqlite.eventloop (zmq.eventloop under ZMQLITE_TEST_IMPL=pyzmq): ZMQStream callbacks
on a tornado IOLoop, and the ioloop/future modules pyzmq users import."""

import asyncio
import importlib

import pytest

tornado_ioloop = pytest.importorskip("tornado.ioloop")

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
def zmqstream(zl):
    return importlib.import_module(zl.__name__ + ".eventloop.zmqstream")


@pytest.fixture
def loop():
    """A fresh tornado IOLoop (on its own asyncio loop), closed afterwards."""
    aloop = asyncio.new_event_loop()
    asyncio.set_event_loop(aloop)
    io_loop = tornado_ioloop.IOLoop.current()
    yield io_loop
    io_loop.close(all_fds=False)
    asyncio.set_event_loop(None)


def run_until(io_loop, done, timeout=10):
    """Runs the loop until done() is true (checked every 10 ms), failing after timeout s."""
    import time

    deadline = time.monotonic() + timeout

    def check():
        if done() or time.monotonic() > deadline:
            io_loop.stop()

    periodic = tornado_ioloop.PeriodicCallback(check, 10)
    periodic.start()
    io_loop.start()
    periodic.stop()
    assert done(), "the stream did not finish in time"


def test_echo_with_on_recv_and_send_callbacks(zl, ctx, zmqstream, loop):
    rep = ctx.socket(zl.REP)
    req = ctx.socket(zl.REQ)
    port = rep.bind_to_random_port("tcp://127.0.0.1")
    req.connect(f"tcp://127.0.0.1:{port}")
    server = zmqstream.ZMQStream(rep, loop)
    client = zmqstream.ZMQStream(req, loop)
    replies, sent = [], []
    server.on_recv(lambda msg: server.send_multipart([msg[0].upper()]))
    server.on_send(lambda msg, status: sent.append(msg))

    def on_reply(msg):
        replies.append(msg)
        if len(replies) < 5:
            client.send(b"ping %d" % len(replies))

    client.on_recv(on_reply)
    client.send(b"ping 0")
    run_until(loop, lambda: len(replies) == 5)
    assert replies == [[b"PING %d" % i] for i in range(5)]
    assert sent == [[b"PING %d" % i] for i in range(5)]
    server.close(linger=0)
    client.close(linger=0)
    assert server.closed() and rep.closed


def test_queued_sends_go_out_in_order_with_their_callbacks(zl, ctx, zmqstream, loop):
    push = ctx.socket(zl.PUSH)
    pull = ctx.socket(zl.PULL)
    push.sndhwm = 5
    pull.rcvhwm = 5
    push.bind("inproc://stream-order")
    pull.connect("inproc://stream-order")
    out = zmqstream.ZMQStream(push, loop)
    inp = zmqstream.ZMQStream(pull, loop)
    got, confirmed = [], []
    for i in range(100):
        out.send_multipart([b"%d" % i, b"x"], callback=lambda msg, status: confirmed.append(msg[0]))
    assert out.sending()
    inp.on_recv_stream(lambda stream, msg: got.append(msg[0]))
    run_until(loop, lambda: len(got) == 100)
    assert got == [b"%d" % i for i in range(100)]
    assert confirmed == got
    assert not out.sending()
    inp.stop_on_recv()
    assert not inp.receiving()
    out.close(linger=0)
    inp.close(linger=0)


def test_copy_false_gives_frames_and_helpers_send(zl, ctx, zmqstream, loop):
    a, b = ctx.socket(zl.PAIR), ctx.socket(zl.PAIR)
    port = a.bind_to_random_port("tcp://127.0.0.1")
    b.connect(f"tcp://127.0.0.1:{port}")
    sa, sb = zmqstream.ZMQStream(a, loop), zmqstream.ZMQStream(b, loop)
    got = []
    sa.on_recv(got.append, copy=False)
    sb.send_string("text")
    sb.send_json({"k": 1})
    sb.send_pyobj([1, 2])
    run_until(loop, lambda: len(got) == 3)
    import json
    import pickle

    assert got[0][0].bytes == b"text"
    assert json.loads(got[1][0].bytes) == {"k": 1}

    assert pickle.loads(got[2][0].bytes) == [1, 2]
    sa.close(linger=0)
    sb.close(linger=0)


def test_flush_handles_what_is_ready_now(zl, ctx, zmqstream, loop):
    a, b = ctx.socket(zl.PAIR), ctx.socket(zl.PAIR)
    a.bind("inproc://stream-flush")
    b.connect("inproc://stream-flush")
    for i in range(3):
        b.send(b"%d" % i)
    stream = zmqstream.ZMQStream(a, loop)
    got = []
    stream.on_recv(got.append)
    assert stream.flush() == 3
    assert got == [[b"0"], [b"1"], [b"2"]]
    stream.close(linger=0)
    b.close(linger=0)


@pytest.mark.zmqlite_only(
    reason="pyzmq lets a callback's exception out into the IOLoop; the second message "
    "then never reaches the callback"
)
def test_a_failing_callback_does_not_stop_the_stream(zl, ctx, zmqstream, loop):
    a, b = ctx.socket(zl.PAIR), ctx.socket(zl.PAIR)
    a.bind("inproc://stream-fail")
    b.connect("inproc://stream-fail")
    stream = zmqstream.ZMQStream(a, loop)
    got = []

    def callback(msg):
        got.append(msg)
        if len(got) == 1:
            raise RuntimeError("in a callback")

    stream.on_recv(callback)
    b.send(b"first")
    b.send(b"second")
    run_until(loop, lambda: len(got) == 2)
    stream.close(linger=0)
    b.close(linger=0)


def test_coroutine_callbacks_run_as_tasks(zl, ctx, zmqstream, loop):
    """ipykernel's shell callback is a coroutine: each message's runs to completion,
    awaiting on the loop, and a failing one is logged without stopping the stream."""
    a, b = ctx.socket(zl.PAIR), ctx.socket(zl.PAIR)
    a.bind("inproc://stream-async")
    b.connect("inproc://stream-async")
    stream = zmqstream.ZMQStream(a, loop)
    done = []

    async def callback(msg):
        await asyncio.sleep(0.01)   # really suspends: the stream must not drop the task
        if msg == [b"boom"]:
            raise RuntimeError("in a coroutine callback")
        done.append(msg[0])

    stream.on_recv(callback)
    for body in (b"one", b"boom", b"two", b"three"):
        b.send(body)
    run_until(loop, lambda: len(done) == 3)
    assert sorted(done) == [b"one", b"three", b"two"]
    stream.close(linger=0)
    b.close(linger=0)


def test_ioloop_and_future_modules(zl):
    ioloop = importlib.import_module(zl.__name__ + ".eventloop.ioloop")
    future = importlib.import_module(zl.__name__ + ".eventloop.future")
    assert ioloop.IOLoop is tornado_ioloop.IOLoop
    assert hasattr(future, "Context") and hasattr(future, "Socket") and hasattr(future, "Poller")


def test_ioloop_install_is_deprecated(zl):
    ioloop = importlib.import_module(zl.__name__ + ".eventloop.ioloop")
    with pytest.warns(DeprecationWarning):
        ioloop.install()


def test_socket_closed_under_the_stream_is_reported(zl, ctx, zmqstream, loop, caplog):
    """A stream whose socket is closed elsewhere (through a shadow here) logs a warning
    when it next looks at it, and closing the stream warns that its FD may be reused."""
    import warnings

    push, pull = ctx.socket(zl.PUSH), ctx.socket(zl.PULL)
    push.linger = pull.linger = 0
    port = push.bind_to_random_port("tcp://127.0.0.1")
    pull.connect(f"tcp://127.0.0.1:{port}")
    stream = zmqstream.ZMQStream(zl.Socket.shadow(pull), loop)
    push.send(b"0")
    push.send(b"1")
    assert pull.recv() == b"0"
    got = []
    stream.on_recv(got.append)          # schedules a look at the socket on the next turn
    pull.close()
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        loop.run_sync(lambda: asyncio.sleep(0.2))
        stream.close()
    assert got == []
    assert "closed socket" in caplog.text
    assert any("after closing socket" in str(r.message) for r in records)
    push.close()
