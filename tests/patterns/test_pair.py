"""RFC 31/EXPAIR: PAIR to PAIR, zmqlite on both ends, on every transport."""

import pytest

from helpers import (
    assert_no_message,
    bind_retry,
    connect_pair,
    free_tcp_endpoint,
    recv,
    recv_multipart,
)

pytestmark = pytest.mark.timeout(10)


@pytest.fixture
def pair(zl, ctx, endpoint, transport, bound):
    """Two PAIR sockets: (bound, connected)."""
    a, b = ctx.socket(zl.PAIR), ctx.socket(zl.PAIR)
    connect_pair(a, b, endpoint(transport), bound)
    return a, b


def test_both_directions(pair):
    """RFC 31: "MAY both send and receive messages." and "SHALL maintain a double
    queue for its peer, allowing outgoing and incoming messages to be queued
    independently." -- both sides send before either receives."""
    a, b = pair
    for i in range(10):
        a.send(b"a%d" % i)
        b.send(b"b%d" % i)
    assert [recv(b) for _ in range(10)] == [b"a%d" % i for i in range(10)]
    assert [recv(a) for _ in range(10)] == [b"b%d" % i for i in range(10)]
    assert_no_message(a, 50)
    assert_no_message(b, 50)


def test_multipart(pair):
    """RFC 31: "SHALL not filter or modify outgoing or incoming messages in any
    way." -- frames, empty frames and large frames arrive as sent."""
    a, b = pair
    msg = [b"", b"x", b"y" * 255, b"z" * 256, b"w" * 100000]
    a.send_multipart(msg)
    b.send_multipart(list(reversed(msg)))
    assert recv_multipart(b) == msg
    assert recv_multipart(a) == list(reversed(msg))


def test_connect_side_queues_before_connection(zl, ctx, endpoint, transport, bound):
    """RFC 31: "SHALL create a double queue when initiating an outgoing connection
    to a peer, and SHALL maintain the double queue whether or not the connection
    is established." -- messages sent before the peer binds are delivered."""
    # the connector needs a concrete address before anything is bound
    addr = free_tcp_endpoint() if transport == "tcp" else endpoint(transport)
    connector = ctx.socket(zl.PAIR)
    connector.connect(addr)
    for i in range(5):
        connector.send(b"early %d" % i, zl.NOBLOCK)
    binder = ctx.socket(zl.PAIR)
    bind_retry(binder, addr)
    assert [recv(binder) for _ in range(5)] == [b"early %d" % i for i in range(5)]
    binder.send(b"back")
    assert recv(connector) == b"back"


def test_second_peer_is_refused(zl, ctx, endpoint, transport, bound):
    """RFC 31: "MAY be connected to at most one PAIR peers" and "SHALL receive
    incoming messages from its single peer if it has one." -- a second PAIR that
    connects is not served while the first is connected."""
    a = ctx.socket(zl.PAIR)
    addr = bound(a, endpoint(transport))
    b = ctx.socket(zl.PAIR)
    b.connect(addr)
    b.send(b"from b")
    assert recv(a) == b"from b"
    intruder = ctx.socket(zl.PAIR)
    intruder.connect(addr)
    try:
        intruder.send(b"from intruder", zl.NOBLOCK)
    except zl.Again:  # refused before the send: also correct
        pass
    assert_no_message(a, 300)
    a.send(b"to b")
    assert recv(b) == b"to b"
    assert_no_message(intruder, 50)
