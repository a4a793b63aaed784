"""ZMTP 3.0 peers (RFC 23), written as raw sockets, against our sockets.

JeroMQ, NetMQ, Go zmq4 and zmq.rs greet with version 3.0.  3.0 has no
SUBSCRIBE/CANCEL commands (RFC 37 added them): a 3.0 subscriber subscribes
with an ordinary one-frame message whose first byte is 1 (0 cancels), and a
3.1 subscriber must downgrade to that form when its publisher said 3.0.  Both
forms must be accepted from anyone.

The raw peers send bytes built by hand (helpers.py).  Every test here passes
under ZMQLITE_TEST_IMPL=pyzmq as well: libzmq 4.3 behaves the same way.
"""

import socket
import time

import pytest
import zmq as pyzmq

from conftest import IS_PYZMQ

from helpers import (
    RawListener,
    assert_no_message,
    command_frame,
    greeting,
    message_frame,
    raw_connect,
    read_frame,
    recv,
    recv_multipart,
)

pytestmark = pytest.mark.timeout(15)

WAIT_S = 5.0




BINDS = pytest.mark.parametrize("zl_binds", [True, False], ids=["zl_binds", "zl_connects"])


def read_frames_until(raw, last, timeout=WAIT_S):
    """Read data frames until one whose body is ``last``; return those before it."""
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        flags, body = read_frame(raw, max(0.001, deadline - time.monotonic()))
        assert not flags & 4, f"unexpected command {body!r}"
        if body == last:
            return seen
        seen.append(body)


# --- a 3.0 PUSH -> our PULL -----------------------------------------------


@BINDS
def test_zmtp30_push_is_accepted(raw_peer, zl_binds):
    """A peer greeting with 3.0 completes the handshake (we still greet as
    3.1: the greeting carries our own version) and its messages arrive."""
    pull, raw, our_greeting = raw_peer("PULL", b"PUSH", zl_binds, minor=0)
    assert our_greeting[10:12] == b"\x03\x01"
    long_body = bytes(range(256)) * 4
    raw.sendall(
        message_frame(b"one")
        + message_frame(b"")
        + message_frame(b"multi", more=True) + message_frame(b"", more=True) + message_frame(long_body)
    )
    assert recv_multipart(pull) == [b"one"]
    assert recv_multipart(pull) == [b""]
    assert recv_multipart(pull) == [b"multi", b"", long_body]
    assert_no_message(pull, 50)


# --- a 3.0 SUB -> our PUB / XPUB --------------------------------------------


def publish_until_received(pub, raw, topic, timeout=WAIT_S):
    """Publish a non-matching and a matching message until the raw subscriber
    reads one; it must only ever read matching ones."""
    deadline = time.monotonic() + timeout
    raw.settimeout(0.02)
    n = 0
    while True:
        assert time.monotonic() < deadline, "the subscription never took effect"
        pub.send(b"other %d" % n)
        pub.send(topic + b" %d" % n)
        n += 1
        try:
            first = raw.recv(1, socket.MSG_PEEK)
        except socket.timeout:
            continue
        assert first, "publisher hung up"
        break
    pub.send(topic + b" end")
    seen = read_frames_until(raw, topic + b" end")
    assert seen and all(body.startswith(topic + b" ") for body in seen), seen


@pytest.mark.parametrize("zl_type", ["PUB", "XPUB"])
@BINDS
def test_zmtp30_sub_subscribes_by_message(raw_peer, zl_binds, zl_type):
    """A 3.0 SUB's b"\\x01topic" message is a subscription: only matching
    messages reach it.  b"\\x00topic" cancels it again."""
    pub, raw, _ = raw_peer(zl_type, b"SUB", zl_binds, minor=0)
    raw.sendall(message_frame(b"\x01topic"))
    if zl_type == "XPUB":
        # an XPUB reads the subscription as the same message
        assert recv(pub) == b"\x01topic"
    publish_until_received(pub, raw, b"topic")

    # cancel, then subscribe a marker: the marker arriving proves the
    # cancel (sent before it on the same connection) was applied
    raw.sendall(message_frame(b"\x00topic") + message_frame(b"\x01mark"))
    if zl_type == "XPUB":
        assert recv(pub) == b"\x00topic"
        assert recv(pub) == b"\x01mark"
    publish_until_received(pub, raw, b"mark")
    pub.send(b"topic late")
    pub.send(b"mark end2")
    assert read_frames_until(raw, b"mark end2") == []


@BINDS
def test_zmtp30_xsub_subscription_reaches_xpub_verbatim(raw_peer, zl_binds):
    """A 3.0 XSUB may send any first byte; an XPUB passes the message up."""
    xpub, raw, _ = raw_peer("XPUB", b"XSUB", zl_binds, minor=0)
    raw.sendall(message_frame(b"\x01raw topic"))
    assert recv(xpub) == b"\x01raw topic"
    raw.sendall(message_frame(b"\x00raw topic"))
    assert recv(xpub) == b"\x00raw topic"


# --- our SUB / XSUB -> a 3.0 PUB -------------------------------------------


def subscribe(sock, zl_type, topic):
    if zl_type == "XSUB":
        sock.send(b"\x01" + topic)
    else:
        sock.setsockopt(pyzmq.SUBSCRIBE, topic)


@pytest.mark.parametrize("zl_type", ["SUB", "XSUB"])
@BINDS
def test_subscription_downgraded_for_zmtp30_pub(raw_peer, zl_binds, zl_type):
    """To a publisher that greeted with 3.0 a subscription is the message
    b"\\x01topic" (flags 0), not a SUBSCRIBE command; what the publisher
    then sends is filtered by the subscriber as well."""
    sub, raw, _ = raw_peer(zl_type, b"PUB", zl_binds, minor=0)
    subscribe(sub, zl_type, b"topic")
    sub.getsockopt(pyzmq.EVENTS)  # libzmq: an idle bound socket attaches the pipe only when called
    assert read_frame(raw) == (0x00, b"\x01topic")
    if zl_type == "SUB":
        sub.setsockopt(pyzmq.UNSUBSCRIBE, b"topic")
        assert read_frame(raw) == (0x00, b"\x00topic")
        subscribe(sub, zl_type, b"topic")
        assert read_frame(raw) == (0x00, b"\x01topic")
    raw.sendall(message_frame(b"other 1") + message_frame(b"topic 1") + message_frame(b"topic 2"))
    if zl_type == "SUB":  # a SUB filters; an XSUB passes all up (the PUB is trusted)
        assert recv(sub) == b"topic 1"
    else:
        assert recv(sub) == b"other 1"
        assert recv(sub) == b"topic 1"
    assert recv(sub) == b"topic 2"


@BINDS
def test_sub_subscription_is_a_command_for_zmtp31_pub(raw_peer, zl_binds):
    """The contrast: a publisher that greeted with 3.1 gets a SUBSCRIBE command
    from a SUB (and a CANCEL command for an unsubscribe)."""
    sub, raw, _ = raw_peer("SUB", b"PUB", zl_binds, minor=1)
    sub.setsockopt(pyzmq.SUBSCRIBE, b"topic")
    sub.getsockopt(pyzmq.EVENTS)
    assert read_frame(raw) == (0x04, b"\x09SUBSCRIBE" + b"topic")
    sub.setsockopt(pyzmq.UNSUBSCRIBE, b"topic")
    assert read_frame(raw) == (0x04, b"\x06CANCEL" + b"topic")


@BINDS
def test_xsub_subscription_message_forwarded_verbatim_to_zmtp31_pub(raw_peer, zl_binds):
    """libzmq's XSUB sends what the application wrote, b"\\x01topic" as an
    ordinary message, even to a 3.1 publisher (which must accept both forms)."""
    sub, raw, _ = raw_peer("XSUB", b"PUB", zl_binds, minor=1)
    sub.send(b"\x01topic")
    assert read_frame(raw) == (0x00, b"\x01topic")


def recv_exact(raw, n):
    data = b""
    while len(data) < n:
        chunk = raw.recv(n - len(data))  # the socket's own timeout bounds this
        assert chunk, f"peer hung up after {data!r}"
        data += chunk
    return data


@BINDS
def test_zmtp30_greeting_in_pieces(zl, ctx, bound, zl_binds):
    """A 3.0 peer that sends its greeting in two parts (as libzmq does: the
    first 10 bytes, then the rest) is accepted too."""
    pull = ctx.socket(zl.PULL)
    if zl_binds:
        raw = raw_connect(bound(pull, "tcp://127.0.0.1:*"))
        listener = None
    else:
        listener = RawListener()
        pull.connect(listener.endpoint)
        raw = listener.accept()
    try:
        whole = greeting(minor=0)
        raw.sendall(whole[:10])
        assert recv_exact(raw, 10)[:1] == b"\xff"
        raw.sendall(whole[10:] + command_frame(b"READY", b"\x0bSocket-Type\x00\x00\x00\x04PUSH"))
        # read the rest of our greeting and our READY before sending data
        assert len(recv_exact(raw, 54)) == 54
        flags, body = read_frame(raw)
        assert flags == 0x04 and body.startswith(b"\x05READY")
        raw.sendall(message_frame(b"in pieces"))
        assert recv(pull) == b"in pieces"
    finally:
        raw.close()
        if listener is not None:
            listener.close()
