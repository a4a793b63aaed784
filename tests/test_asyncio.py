"""zmqlite.asyncio (zmq.asyncio under ZMQLITE_TEST_IMPL=pyzmq): awaitable send, recv,
poll and helpers, on the default event loop (and uvloop when it is installed)."""

import asyncio
import importlib

import pytest

pytestmark = pytest.mark.timeout(30)

LOOPS = ["asyncio"]
try:
    import uvloop  # noqa: F401

    LOOPS.append("uvloop")
except ImportError:
    pass


@pytest.fixture(params=LOOPS)
def run(request):
    """run(coro): runs it on a new event loop of the parametrized kind."""

    def runner(coro):
        if request.param == "uvloop":
            import uvloop

            loop = uvloop.new_event_loop()
        else:
            loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(asyncio.wait_for(coro, 20))
        finally:
            loop.close()

    return runner


@pytest.fixture
def aio(zl):
    return importlib.import_module(zl.__name__ + ".asyncio")


@pytest.fixture
def actx(aio):
    ctx = aio.Context()
    yield ctx
    ctx.destroy(linger=0)


def pair(zl, actx, transport="tcp", a=None, b=None):
    a = actx.socket(a if a is not None else zl.PAIR)
    b = actx.socket(b if b is not None else zl.PAIR)
    if transport == "tcp":
        port = a.bind_to_random_port("tcp://127.0.0.1")
        b.connect(f"tcp://127.0.0.1:{port}")
    else:
        a.bind("inproc://aio-pair")
        b.connect("inproc://aio-pair")
    return a, b


@pytest.mark.parametrize("transport", ["tcp", "inproc"])
def test_req_rep_round_trips(zl, actx, run, transport):
    async def main():
        rep, req = pair(zl, actx, transport, zl.REP, zl.REQ)
        for i in range(20):
            await req.send(b"q%d" % i)
            assert await rep.recv() == b"q%d" % i
            await rep.send(b"r%d" % i)
            assert await req.recv() == b"r%d" % i

    run(main())


def test_recv_waits_then_completes_without_polling_in_a_loop(zl, actx, run):
    async def main():
        a, b = pair(zl, actx)
        pending = a.recv()
        await asyncio.sleep(0.05)
        assert not pending.done()
        await b.send(b"late")
        assert await pending == b"late"

    run(main())


def test_helpers_and_multipart(zl, actx, run):
    async def main():
        a, b = pair(zl, actx)
        await b.send_multipart([b"x", b"y", b"z"])
        assert await a.recv_multipart() == [b"x", b"y", b"z"]
        await b.send_string("héllo")
        assert await a.recv_string() == "héllo"
        await b.send_json({"n": [1, 2]})
        assert await a.recv_json() == {"n": [1, 2]}
        await b.send_pyobj((1, "two"))
        assert await a.recv_pyobj() == (1, "two")
        await b.send_multipart([b"p", b"q"], copy=False)
        frames = await a.recv_multipart(copy=False)
        assert [f.bytes for f in frames] == [b"p", b"q"]

    run(main())


def test_waiting_recvs_complete_in_order(zl, actx, run):
    async def main():
        a, b = pair(zl, actx)
        waiting = [a.recv() for _ in range(5)]
        for i in range(5):
            await b.send(b"%d" % i)
        assert [await w for w in waiting] == [b"0", b"1", b"2", b"3", b"4"]

    run(main())


def test_cancelled_recv_loses_no_message(zl, actx, run):
    """A recv cancelled before its message came leaves the message for the next one."""

    async def main():
        a, b = pair(zl, actx)
        first = a.recv()
        first.cancel()
        await asyncio.sleep(0)
        await b.send(b"kept")
        assert await a.recv() == b"kept"
        # cancelled while others wait behind it: they get the messages in order
        c1, c2 = a.recv(), a.recv()
        c1.cancel()
        await b.send(b"one")
        await b.send(b"two")
        assert await c2 == b"one"
        assert await a.recv() == b"two"

    run(main())


def test_rcvtimeo_ends_a_waiting_recv_with_again(zl, actx, run):
    async def main():
        a, _b = pair(zl, actx)
        a.rcvtimeo = 100
        with pytest.raises(zl.Again):
            await a.recv()

    run(main())


def test_noblock_recv_raises_again_at_once(zl, actx, run):
    async def main():
        a, _b = pair(zl, actx)
        with pytest.raises(zl.Again):
            await a.recv(zl.NOBLOCK)

    run(main())


def test_send_waits_at_hwm_until_the_peer_reads(zl, actx, run):
    async def main():
        push = actx.socket(zl.PUSH)
        pull = actx.socket(zl.PULL)
        push.sndhwm = 1
        pull.rcvhwm = 1
        push.bind("inproc://aio-hwm")
        pull.connect("inproc://aio-hwm")
        sent = []

        async def sender():
            for i in range(50):
                await push.send(b"%d" % i)
                sent.append(i)

        task = asyncio.ensure_future(sender())
        await asyncio.sleep(0.05)
        assert len(sent) < 50  # blocked at the high-water marks
        got = [await pull.recv() for _ in range(50)]
        await task
        assert got == [b"%d" % i for i in range(50)]

    run(main())


def test_socket_poll(zl, actx, run):
    async def main():
        a, b = pair(zl, actx)
        assert await a.poll(50) == 0
        waiting = a.poll(5000)
        await b.send(b"x")
        assert await waiting == zl.POLLIN
        assert await a.poll(0, zl.POLLOUT) == zl.POLLOUT

    run(main())


def test_poller_over_sockets(zl, aio, actx, run):
    async def main():
        a, b = pair(zl, actx)
        c, d = pair(zl, actx, "inproc")
        poller = aio.Poller()
        poller.register(a, zl.POLLIN)
        poller.register(c, zl.POLLIN)
        assert await poller.poll(50) == []
        waiting = poller.poll(5000)
        await d.send(b"to c")
        assert dict(await waiting) == {c: zl.POLLIN}
        assert await c.recv() == b"to c"

    run(main())


def test_close_cancels_waiting_calls(zl, actx, run):
    async def main():
        a, _b = pair(zl, actx)
        waiting = a.recv()
        await asyncio.sleep(0)
        a.close(linger=0)
        with pytest.raises(asyncio.CancelledError):
            await waiting

    run(main())


def test_many_concurrent_tasks(zl, actx, run):
    """A DEALER/ROUTER exchange between tasks: no message lost or stuck."""

    async def main():
        router, dealer = pair(zl, actx, "tcp", zl.ROUTER, zl.DEALER)

        async def server():
            for _ in range(200):
                rid, body = await router.recv_multipart()
                await router.send_multipart([rid, body.upper()])

        async def client():
            replies = []
            for i in range(200):
                await dealer.send(b"m%d" % i)
            for _ in range(200):
                replies.append(await dealer.recv())
            return replies

        _, replies = await asyncio.gather(server(), client())
        assert replies == [b"M%d" % i for i in range(200)]

    run(main())


def test_fd_is_edge_triggered_as_libzmq(zl, ctx):
    """The FD other event loops integrate with: it becomes readable when events may
    have changed; reading EVENTS re-arms it, so it is not readable again until the
    next change, even with messages still waiting."""
    import select

    a, b = ctx.socket(zl.PAIR), ctx.socket(zl.PAIR)
    port = a.bind_to_random_port("tcp://127.0.0.1")
    b.connect(f"tcp://127.0.0.1:{port}")
    fd = a.getsockopt(zl.FD)
    a.getsockopt(zl.EVENTS)  # whatever connecting signalled
    b.send(b"one")
    b.send(b"two")
    assert select.select([fd], [], [], 5)[0] == [fd], "FD never became readable"
    events = 0
    for _ in range(100):  # both messages may take a moment to be queued
        events = a.getsockopt(zl.EVENTS)
        if events & zl.POLLIN:
            break
        select.select([fd], [], [], 0.05)
    assert events & zl.POLLIN
    assert select.select([fd], [], [], 0.1)[0] == [], "FD still readable after EVENTS"
    assert a.recv(zl.NOBLOCK) == b"one"
    a.getsockopt(zl.EVENTS)
    assert a.recv(zl.NOBLOCK) == b"two"
