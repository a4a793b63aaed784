"""connect("tcp://name:port") as libzmq does it (issue 13): the name is looked up
at each connect attempt, not at connect(); one that does not resolve (yet) is
accepted, the messages sent wait in the pipe up to SNDHWM, and the lookup is
tried again at every reconnect. Only a malformed endpoint is EINVAL at once.

A test cannot make a real name resolvable later (or slow to resolve) without
root: glibc's HOSTALIASES only applies to DNS queries, which this does not
reach. Those paths use zmqlite's test-only answer (`_core._test_resolve_as`)
and are zmqlite_only.
"""

import threading
import time

import pytest

from conftest import destroy_with_timeout
from helpers import recv

pytestmark = pytest.mark.timeout(30)

UNKNOWN = "tcp://nohost.invalid:5555"   # RFC 6761: .invalid never resolves


def events(zl, monitor, count, timeout=5.0):
    """The next `count` monitor events as (event, endpoint), bounded in time."""
    from_monitor = __import__(zl.__name__ + ".utils.monitor", fromlist=["recv_monitor_message"])
    out = []
    deadline = time.monotonic() + timeout
    while len(out) < count:
        left = int((deadline - time.monotonic()) * 1000)
        assert left > 0 and monitor.poll(left), f"only {out} within {timeout} s"
        ev = from_monitor.recv_monitor_message(monitor)
        out.append((ev["event"], ev["endpoint"]))
    return out


@pytest.fixture
def answer():
    """zmqlite's test-only resolver answer, forgotten after the test."""
    from zmqlite import _core

    yield _core._test_resolve_as
    _core._test_resolve_as(None, None)


@pytest.mark.parametrize(
    "addr",
    [
        "tcp://host",               # no port
        "tcp://host:abc",           # port not a number
        "tcp://nohost.invalid:-1",
        "tcp://nohost.invalid:*",   # '*' is for bind
        "tcp://*:5555",
        "tcp://a b:5555",           # a character libzmq refuses
        "tcp://:",
    ],
)
def test_malformed_endpoint_is_einval_at_once(zl, ctx, addr):
    sock = ctx.socket(zl.PUSH)
    with pytest.raises(zl.ZMQError) as info:
        sock.connect(addr)
    assert info.value.errno == zl.EINVAL


@pytest.mark.parametrize(
    "addr",
    [
        "tcp://:5555",                     # empty host
        "tcp://[]:5555",
        "tcp://nohost.invalid:0",          # port 0
        "tcp://nohost.invalid:99999",      # port above 65535
        "tcp://[::1]:5555",                # IPv6 literal without the IPV6 option
        "tcp://127.0.0.1;nohost.invalid:5555",   # a source address
    ],
)
@pytest.mark.zmqlite_only(
    reason="libzmq accepts these and retries for ever (or, for a source address, "
    "binds the source): zmqlite says at once that they can never connect"
)
def test_endpoint_that_cannot_connect_is_einval(zl, ctx, addr):
    sock = ctx.socket(zl.PUSH)
    with pytest.raises(zl.ZMQError) as info:
        sock.connect(addr)
    assert info.value.errno == zl.EINVAL


@pytest.mark.parametrize(
    "addr", [UNKNOWN, "tcp://[nohost.invalid]:5555", "tcp://under_score.invalid:1", "tcp://nohost:5555"]
)
def test_unknown_host_is_accepted_and_queues_to_the_hwm(zl, ctx, addr):
    push = ctx.socket(zl.PUSH)
    push.sndhwm = 10
    push.sndtimeo = 100
    start = time.monotonic()
    push.connect(addr)
    assert time.monotonic() - start < 0.5       # no lookup on the caller's thread
    assert push.last_endpoint == addr.encode()
    for i in range(10):
        push.send(b"%d" % i)
    with pytest.raises(zl.Again):
        push.send(b"one too many")


def test_unknown_host_is_retried_with_connect_retried_events(zl, ctx):
    """Each failed lookup is a CONNECT_RETRIED (no CONNECT_DELAYED: no connection
    was tried), and it is tried again every RECONNECT_IVL."""
    push = ctx.socket(zl.PUSH)
    push.reconnect_ivl = 20
    monitor = push.get_monitor_socket()
    push.connect(UNKNOWN)
    got = events(zl, monitor, 3)
    assert got == [(zl.EVENT_CONNECT_RETRIED, UNKNOWN.encode())] * 3
    push.disable_monitor()


def test_close_disconnect_and_term_return_promptly(zl):
    ctx = zl.Context()
    try:
        first = ctx.socket(zl.PUSH)
        second = ctx.socket(zl.PUSH)
        for sock in (first, second):
            sock.linger = 0
            sock.reconnect_ivl = 10
            sock.connect(UNKNOWN)
            sock.send(b"never delivered")
        start = time.monotonic()
        first.disconnect(UNKNOWN)
        first.close()
        second.close()
        ctx.term()
        assert time.monotonic() - start < 2.0
    finally:
        destroy_with_timeout(ctx)


def test_localhost_name_connects(zl, ctx):
    pull = ctx.socket(zl.PULL)
    port = pull.bind_to_random_port("tcp://127.0.0.1")
    push = ctx.socket(zl.PUSH)
    push.connect("tcp://localhost:%d" % port)
    push.send(b"by name")
    assert recv(pull) == b"by name"


@pytest.mark.zmqlite_only(reason="makes a name resolvable later through zmqlite's test-only answer")
def test_name_that_resolves_later_delivers_what_was_queued(zl, ctx, answer):
    pull = ctx.socket(zl.PULL)
    port = pull.bind_to_random_port("tcp://127.0.0.1")
    push = ctx.socket(zl.PUSH)
    push.reconnect_ivl = 20
    monitor = push.get_monitor_socket()
    addr = "tcp://later.invalid:%d" % port
    push.connect(addr)
    push.send(b"queued")
    assert events(zl, monitor, 1) == [(zl.EVENT_CONNECT_RETRIED, addr.encode())]
    answer(b"later.invalid", b"127.0.0.1")
    assert recv(pull, 5000) == b"queued"
    push.disable_monitor()


@pytest.mark.zmqlite_only(reason="changes what a name resolves to through zmqlite's test-only answer")
def test_name_is_resolved_again_at_each_reconnect(zl, ctx, answer):
    """As libzmq: a reconnect looks the name up again, so it follows a move."""
    first = ctx.socket(zl.PULL)
    port = first.bind_to_random_port("tcp://127.0.0.1")
    second = ctx.socket(zl.PULL)
    second.bind("tcp://127.0.0.2:%d" % port)
    answer(b"moving.invalid", b"127.0.0.1")
    push = ctx.socket(zl.PUSH)
    push.reconnect_ivl = 20
    monitor = push.get_monitor_socket(zl.EVENT_HANDSHAKE_SUCCEEDED)
    addr = "tcp://moving.invalid:%d" % port
    push.connect(addr)
    push.send(b"one")
    assert recv(first) == b"one"
    assert events(zl, monitor, 1) == [(zl.EVENT_HANDSHAKE_SUCCEEDED, addr.encode())]
    answer(b"moving.invalid", b"127.0.0.2")
    first.close(linger=0)       # the connection drops: push reconnects
    # (a message sent before push has seen the drop could go down the dying connection)
    assert events(zl, monitor, 1) == [(zl.EVENT_HANDSHAKE_SUCCEEDED, addr.encode())]
    push.send(b"two")
    assert recv(second) == b"two"
    push.disable_monitor()


@pytest.mark.zmqlite_only(reason="makes a lookup slow through zmqlite's test-only answer")
def test_term_does_not_wait_for_a_lookup_in_flight(zl, answer):
    """A lookup blocked for seconds (a DNS server that does not answer) holds up
    neither close(), disconnect() nor term(), and its answer is dropped."""
    answer(b"slow.invalid", b"127.0.0.1", 3000)
    ctx = zl.Context()
    try:
        pull = ctx.socket(zl.PULL)
        pull.linger = 0
        port = pull.bind_to_random_port("tcp://127.0.0.1")
        gone = ctx.socket(zl.PUSH)
        gone.linger = 0
        gone.connect("tcp://slow.invalid:%d" % port)
        gone.send(b"from a disconnected endpoint")
        time.sleep(0.1)         # the lookup has started (nothing to wait on: it is silent)
        start = time.monotonic()
        gone.disconnect("tcp://slow.invalid:%d" % port)
        gone.close()
        closing = ctx.socket(zl.PUSH)
        closing.linger = 0
        closing.connect("tcp://slow.invalid:%d" % port)
        closing.close()
        pull.close()
        done = threading.Event()
        threading.Thread(target=lambda: (ctx.term(), done.set()), daemon=True).start()
        assert done.wait(1.0), "term() waited for the lookup"
        assert time.monotonic() - start < 1.0
    finally:
        destroy_with_timeout(ctx)


@pytest.mark.zmqlite_only(reason="makes a lookup slow through zmqlite's test-only answer")
def test_answer_for_a_disconnected_endpoint_is_dropped(zl, ctx, answer):
    """The answer to a lookup whose endpoint was disconnected meanwhile connects
    nothing; a new connect() to the same name works."""
    pull = ctx.socket(zl.PULL)
    port = pull.bind_to_random_port("tcp://127.0.0.1")
    monitor = pull.get_monitor_socket(zl.EVENT_ACCEPTED)
    push = ctx.socket(zl.PUSH)
    addr = "tcp://slow.invalid:%d" % port
    answer(b"slow.invalid", b"127.0.0.1", 300)
    push.connect(addr)
    time.sleep(0.05)            # the lookup has started
    push.disconnect(addr)
    time.sleep(0.5)             # its answer has come back
    assert not monitor.poll(100), "a disconnected endpoint connected"
    answer(b"slow.invalid", b"127.0.0.1")
    push.connect(addr)
    push.send(b"again")
    assert recv(pull, 5000) == b"again"
    pull.disable_monitor()

