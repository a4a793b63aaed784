"""Closing and terminating while other things happen: LINGER's promise, and
close() from another thread while one is blocked on the socket."""

import errno
import threading
import time

import pytest

from helpers import free_tcp_endpoint, recv


def _late_binder(zl, endpoint, count, delay, got):
    """In a thread: after ``delay`` s, bind a PULL to ``endpoint`` in a context
    of its own and collect ``count`` messages into ``got``."""

    def run():
        time.sleep(delay)  # the scenario itself: the binder comes up late
        ctx = zl.Context()
        pull = ctx.socket(zl.PULL)
        pull.bind(endpoint)
        for _ in range(count):
            got.append(recv(pull))
        pull.close()
        ctx.term()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _term_within(ctx, seconds):
    """ctx.term() in a thread; True if it returned within ``seconds``."""
    done = threading.Event()

    def run():
        ctx.term()
        done.set()

    threading.Thread(target=run, daemon=True).start()
    return done.wait(seconds)


@pytest.mark.parametrize("transport", ["tcp", "ipc"])
@pytest.mark.parametrize("delay", [0.0, 0.3])
def test_messages_sent_before_the_peer_exists_survive_close(zl, ipc_dir, transport, delay):
    """connect, send three, close (LINGER -1), term: the messages reach a
    binder that comes up later, and term() returns once they are delivered
    (the start order of the ZeroMQ guide does not matter). With delay 0 the
    close comes before the asynchronous connect has completed."""
    if transport == "tcp":
        endpoint = free_tcp_endpoint()
    else:
        endpoint = f"ipc://{ipc_dir}/late-{delay}.ipc"
    got = []
    binder = _late_binder(zl, endpoint, 3, delay, got)
    ctx = zl.Context()
    push = ctx.socket(zl.PUSH)
    push.connect(endpoint)
    for i in range(3):
        push.send(b"m%d" % i)
    push.close()
    assert _term_within(ctx, 10), "term() did not return once the messages were delivered"
    binder.join(10)
    assert got == [b"m0", b"m1", b"m2"]


def test_inproc_message_of_a_closed_socket_reaches_a_later_binder(zl):
    """inproc connect before bind, send, close: the binder that comes later
    still gets the message (libzmq keeps pending inproc connections)."""
    ctx = zl.Context()
    push = ctx.socket(zl.PUSH)
    push.connect("inproc://later")
    push.send(b"kept")
    push.close()
    pull = ctx.socket(zl.PULL)
    pull.bind("inproc://later")
    assert recv(pull) == b"kept"
    pull.close()
    assert _term_within(ctx, 5)


def test_term_does_not_wait_for_an_inproc_binder_that_never_comes(zl):
    ctx = zl.Context()
    push = ctx.socket(zl.PUSH)
    push.connect("inproc://nobody")
    push.send(b"lost")
    push.close()
    assert _term_within(ctx, 5), "term() waited for an inproc peer that was never bound"


def test_linger_ends_the_retrying(zl):
    """A lingering socket keeps connecting only until LINGER ends."""
    ctx = zl.Context()
    push = ctx.socket(zl.PUSH)
    push.connect(free_tcp_endpoint())
    push.send(b"never delivered")
    push.close(linger=200)
    start = time.monotonic()
    assert _term_within(ctx, 5)
    assert time.monotonic() - start < 3


# --- close() from another thread while a call is blocked ------------------

closes_under_a_blocked_call = pytest.mark.zmqlite_only(
    reason="libzmq asserts (signaler.cpp) when a socket is closed under a blocked call"
)


def _blocked_call_then_close(zl, make, call, rounds=20):
    """``rounds`` times: a thread blocks in ``call(sock)``, this one closes
    the socket; the call must end with ENOTSOCK and nothing may crash or hang."""
    for i in range(rounds):
        ctx = zl.Context()
        sock, others = make(ctx)
        started = threading.Event()
        result = []

        def run():
            started.set()
            try:
                call(sock)
                result.append("returned")
            except zl.ZMQError as exc:
                result.append(exc.errno)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        started.wait(5)
        time.sleep(0.001 * (i % 5))  # vary where the close lands in the call
        sock.close(linger=0)
        thread.join(5)
        assert not thread.is_alive(), "the blocked call never returned after close()"
        assert result == [errno.ENOTSOCK], result
        for other in others:
            other.close(linger=0)
        assert _term_within(ctx, 5)


def _pull(rcvtimeo=None, peer=False):
    def make(ctx):
        import zmqlite as zl

        sock = ctx.socket(zl.PULL)
        if rcvtimeo is not None:
            sock.rcvtimeo = rcvtimeo
        sock.bind("tcp://127.0.0.1:*")
        others = []
        if peer:
            push = ctx.socket(zl.PUSH)
            push.connect(sock.getsockopt(zl.LAST_ENDPOINT).decode())
            others.append(push)
        return sock, others

    return make


@closes_under_a_blocked_call
@pytest.mark.parametrize(
    "make",
    [_pull(rcvtimeo=2000), _pull(peer=True), _pull()],
    ids=["rcvtimeo", "peer", "no-timeout"],
)
def test_close_from_another_thread_ends_a_blocked_recv(zl, make):
    _blocked_call_then_close(zl, make, lambda s: s.recv())


@closes_under_a_blocked_call
def test_close_from_another_thread_ends_a_blocked_send(zl):
    def make(ctx):
        push = ctx.socket(zl.PUSH)
        push.sndhwm = 1
        push.connect(free_tcp_endpoint())
        push.send(b"fills the pipe")
        return push, []

    _blocked_call_then_close(zl, make, lambda s: s.send(b"waits"))


@closes_under_a_blocked_call
def test_close_from_another_thread_ends_a_blocked_poll(zl):
    def make(ctx):
        pull = ctx.socket(zl.PULL)
        pull.bind("tcp://127.0.0.1:*")
        return pull, []

    _blocked_call_then_close(zl, make, lambda s: _poll_forever(zl, s))


def _poll_forever(zl, sock):
    poller = zl.Poller()
    poller.register(sock, zl.POLLIN)
    poller.poll()


@closes_under_a_blocked_call
def test_close_from_another_thread_ends_a_proxy(zl):
    """The proxy waits on two sockets: closing either one ends it."""
    for which in (0, 1):
        ctx = zl.Context()
        front = ctx.socket(zl.PULL)
        front.bind("inproc://front")
        back = ctx.socket(zl.PUSH)
        back.bind("inproc://back")
        result = []

        def run():
            try:
                zl.proxy(front, back)
            except zl.ZMQError as exc:
                result.append(exc.errno)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        time.sleep(0.02)  # let the proxy start waiting (either way it must end)
        (front, back)[which].close(linger=0)
        thread.join(5)
        assert not thread.is_alive()
        assert result == [errno.ENOTSOCK]
        (back, front)[which].close(linger=0)
        assert _term_within(ctx, 5)
