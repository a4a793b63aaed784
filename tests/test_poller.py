"""Poller and Socket.poll: zmqlite sockets and plain file descriptors together."""

import os
import time

import pytest

from helpers import connect_pair

pytestmark = pytest.mark.timeout(10)


@pytest.fixture
def push_pull(zl, ctx, endpoint, transport, bound):
    pull, push = ctx.socket(zl.PULL), ctx.socket(zl.PUSH)
    connect_pair(pull, push, endpoint(transport), bound)
    return push, pull


@pytest.fixture
def pipe():
    r, w = os.pipe()
    yield r, w
    os.close(r)
    os.close(w)


class FilenoOnly:
    """Anything with fileno() is pollable, like a socket.socket."""

    def __init__(self, fd):
        self.fd = fd

    def fileno(self):
        return self.fd


def test_pollin_when_message_arrives(zl, push_pull):
    push, pull = push_pull
    poller = zl.Poller()
    poller.register(pull, zl.POLLIN)
    assert poller.poll(0) == []
    push.send(b"hello")
    assert poller.poll(5000) == [(pull, zl.POLLIN)]
    assert pull.recv() == b"hello"
    assert poller.poll(0) == []


def test_socket_and_raw_fd_together(zl, push_pull, pipe):
    push, pull = push_pull
    r, w = pipe
    poller = zl.Poller()
    poller.register(pull, zl.POLLIN)
    poller.register(r, zl.POLLIN)
    assert poller.poll(0) == []

    os.write(w, b"x")
    assert dict(poller.poll(5000)) == {r: zl.POLLIN}

    push.send(b"msg")
    deadline = time.monotonic() + 5
    events = {}
    while len(events) < 2 and time.monotonic() < deadline:
        events = dict(poller.poll(100))
    assert events == {r: zl.POLLIN, pull: zl.POLLIN}

    os.read(r, 1)
    assert dict(poller.poll(0)) == {pull: zl.POLLIN}
    assert pull.recv() == b"msg"
    assert poller.poll(0) == []


def test_object_with_fileno(zl, pipe):
    """Anything with fileno() can be registered.  pyzmq reports such an object
    by its fd number, not the object itself (libzmq's zmq_poll only knows
    fds), so a drop-in must do the same."""
    r, w = pipe
    obj = FilenoOnly(r)
    poller = zl.Poller()
    poller.register(obj, zl.POLLIN)
    assert poller.poll(0) == []
    os.write(w, b"x")
    assert poller.poll(5000) == [(r, zl.POLLIN)]
    poller.unregister(obj)
    assert poller.poll(0) == []


def test_raw_fd_pollout(zl, pipe):
    _, w = pipe
    poller = zl.Poller()
    poller.register(w, zl.POLLOUT)
    assert poller.poll(0) == [(w, zl.POLLOUT)]


def test_pollout_on_push_with_peer(zl, push_pull):
    push, pull = push_pull
    poller = zl.Poller()
    poller.register(push, zl.POLLOUT)
    assert poller.poll(5000) == [(push, zl.POLLOUT)]


def test_no_pollout_on_bound_push_without_peer(zl, ctx, endpoint, bound):
    """RFC 30: a PUSH "SHALL block on sending, or return a suitable error, when it
    has no available peers" -- so it is not writable either."""
    push = ctx.socket(zl.PUSH)
    bound(push, endpoint("tcp"))
    poller = zl.Poller()
    poller.register(push, zl.POLLOUT)
    assert poller.poll(50) == []
    assert push.poll(0, zl.POLLOUT) == 0


def test_timeout_zero_returns_at_once(zl, ctx):
    pull = ctx.socket(zl.PULL)
    poller = zl.Poller()
    poller.register(pull, zl.POLLIN)
    start = time.monotonic()
    assert poller.poll(0) == []
    # generous bound: "immediately" means no waiting, not a benchmark
    assert time.monotonic() - start < 1.0


def test_timeout_is_honoured(zl, ctx):
    pull = ctx.socket(zl.PULL)
    poller = zl.Poller()
    poller.register(pull, zl.POLLIN)
    start = time.monotonic()
    assert poller.poll(100) == []
    elapsed = time.monotonic() - start
    assert 0.05 <= elapsed < 2.0


def test_register_modify_unregister(zl, ctx, endpoint, transport, bound):
    a, b = ctx.socket(zl.PAIR), ctx.socket(zl.PAIR)
    connect_pair(a, b, endpoint(transport), bound)
    poller = zl.Poller()

    poller.register(a, zl.POLLOUT)
    assert poller.poll(5000) == [(a, zl.POLLOUT)]

    b.send(b"x")
    poller.modify(a, zl.POLLIN)
    assert poller.poll(5000) == [(a, zl.POLLIN)]

    poller.modify(a, zl.POLLIN | zl.POLLOUT)
    assert poller.poll(5000) == [(a, zl.POLLIN | zl.POLLOUT)]

    poller.unregister(a)
    assert poller.poll(0) == []
    with pytest.raises(KeyError):
        poller.unregister(a)

    # registering with no events is the same as unregistering
    poller.register(a, zl.POLLIN)
    poller.register(a, 0)
    assert poller.poll(0) == []
    assert a.recv() == b"x"


def test_register_default_is_in_and_out(zl, push_pull):
    push, pull = push_pull
    poller = zl.Poller()
    poller.register(pull)
    poller.register(push)
    push.send(b"x")
    deadline = time.monotonic() + 5
    events = {}
    while pull not in events and time.monotonic() < deadline:
        events = dict(poller.poll(100))
    assert events == {push: zl.POLLOUT, pull: zl.POLLIN}


def test_socket_poll(zl, push_pull):
    push, pull = push_pull
    assert pull.poll(0) == 0
    assert pull.poll(50) == 0
    assert push.poll(5000, zl.POLLOUT) == zl.POLLOUT
    push.send(b"x")
    assert pull.poll(5000) == zl.POLLIN
    assert pull.poll(5000, zl.POLLIN | zl.POLLOUT) == zl.POLLIN
    assert pull.recv() == b"x"
    assert pull.poll(0) == 0


def test_poll_many_sockets(zl, ctx, endpoint, transport, bound):
    pairs = []
    poller = zl.Poller()
    for _ in range(8):
        pull, push = ctx.socket(zl.PULL), ctx.socket(zl.PUSH)
        connect_pair(pull, push, endpoint(transport), bound)
        poller.register(pull, zl.POLLIN)
        pairs.append((push, pull))
    ready = {pairs[i][1] for i in (1, 4, 6)}
    for push, pull in pairs:
        if pull in ready:
            push.send(b"go")
    deadline = time.monotonic() + 5
    events = {}
    while len(events) < 3 and time.monotonic() < deadline:
        events = dict(poller.poll(100))
    assert events == {pull: zl.POLLIN for pull in ready}
