"""The options of the publish-subscribe family beyond RFC 29: XPUB_WELCOME_MSG,
XPUB_MANUAL, CONFLATE, XPUB_NODROP, INVERT_MATCHING, as libzmq 4.3.5 has them
(zmq_setsockopt(3)), on tcp, ipc and inproc, and with real pyzmq as the peer.

Run with ZMQLITE_TEST_IMPL=pyzmq, every test here passes on libzmq too.
"""

import pytest
import zmq as pyzmq

from helpers import assert_no_message, recv, recv_multipart, sync_subscription

pytestmark = pytest.mark.timeout(20)


def recv_serving(sock, *others):
    """recv(sock), while the other sockets get their turns: libzmq attaches a
    new peer, and a binding SUB sends its subscriptions, only when that
    socket's thread next calls into it (zmq_setsockopt(3) on the welcome
    message: "user must poll on incoming subscription messages")."""
    for _ in range(250):
        for other in others:
            other.poll(0)
        if sock.poll(20, pyzmq.POLLIN):
            return sock.recv(pyzmq.NOBLOCK)
    raise AssertionError("no message within 5 s")


def einval(zl, call, *args):
    with pytest.raises(zl.ZMQError) as info:
        call(*args)
    assert info.value.errno == pyzmq.EINVAL
    return info.value


# --- XPUB_WELCOME_MSG -------------------------------------------------------


def test_welcome_message_reaches_a_subscriber_that_subscribed_to_it(zl, ctx, endpoint, transport, bound):
    """zmq_setsockopt(3): "a welcome message that will be received by subscriber
    when connecting. Subscriber must subscribe to the Welcome message before
    connecting." The XPUB still sees the subscription."""
    xpub = ctx.socket(zl.XPUB)
    xpub.setsockopt(zl.XPUB_WELCOME_MSG, b"WELCOME")
    addr = bound(xpub, endpoint(transport))
    sub = ctx.socket(zl.SUB)
    sub.setsockopt(zl.SUBSCRIBE, b"WELCOME")
    sub.connect(addr)
    assert recv(xpub) == b"\x01WELCOME"
    assert recv_multipart(sub) == [b"WELCOME"]
    assert_no_message(sub, 50)


def test_welcome_message_filtered_by_a_subscriber_not_subscribed_to_it(zl, ctx, endpoint, transport, bound):
    xpub = ctx.socket(zl.XPUB)
    xpub.setsockopt(zl.XPUB_WELCOME_MSG, b"WELCOME")
    addr = bound(xpub, endpoint(transport))
    sub = ctx.socket(zl.SUB)
    sub.setsockopt(zl.SUBSCRIBE, b"news")
    sub.connect(addr)
    assert recv(xpub) == b"\x01news"
    xpub.send(b"news 1")
    assert recv(sub) == b"news 1"       # the welcome went before it, filtered out
    assert_no_message(sub, 50)


def test_welcome_message_to_each_subscriber_and_again_on_reconnect(zl, ctx, endpoint, transport, bound):
    """ "Welcome message will also be sent on reconnecting." A subscriber that
    comes back is a new peer of the binding XPUB."""
    xpub = ctx.socket(zl.XPUB)
    xpub.setsockopt(zl.XPUB_WELCOME_MSG, b"hello")
    addr = bound(xpub, endpoint(transport))
    subs = [ctx.socket(zl.SUB) for _ in range(2)]
    for sub in subs:
        sub.setsockopt(zl.SUBSCRIBE, b"")
        sub.connect(addr)
    assert recv(xpub) == b"\x01"      # once: the second is a duplicate
    assert [recv_serving(sub, xpub) for sub in subs] == [b"hello", b"hello"]
    subs[0].disconnect(addr)
    subs[0].connect(addr)
    assert recv_serving(subs[0], xpub) == b"hello"
    assert_no_message(subs[1], 50)


def test_welcome_message_set_empty_is_none(zl, ctx, endpoint, transport, bound):
    """ "Use NULL and length of zero to disable welcome message." """
    xpub = ctx.socket(zl.XPUB)
    xpub.setsockopt(zl.XPUB_WELCOME_MSG, b"hello")
    xpub.setsockopt(zl.XPUB_WELCOME_MSG, b"")
    addr = bound(xpub, endpoint(transport))
    sub = ctx.socket(zl.SUB)
    sub.setsockopt(zl.SUBSCRIBE, b"")
    sub.connect(addr)
    assert recv(xpub) == b"\x01"
    xpub.send(b"first")
    assert recv(sub) == b"first"


def test_welcome_message_reaches_an_xsub_unfiltered(zl, ctx, endpoint, transport, bound):
    xpub = ctx.socket(zl.XPUB)
    xpub.setsockopt(zl.XPUB_WELCOME_MSG, b"hi there")
    addr = bound(xpub, endpoint(transport))
    xsub = ctx.socket(zl.XSUB)
    xsub.connect(addr)
    assert recv_serving(xsub, xpub) == b"hi there"


def test_welcome_message_option_types(zl, ctx):
    """Bytes only; write-only (getsockopt is EINVAL, as libzmq's); XPUB and PUB
    only (PUB is an XPUB in libzmq)."""
    xpub = ctx.socket(zl.XPUB)
    with pytest.raises(TypeError):
        xpub.setsockopt(zl.XPUB_WELCOME_MSG, 5)
    with pytest.raises(TypeError):
        xpub.setsockopt(zl.XPUB_WELCOME_MSG, "text")
    xpub.setsockopt(zl.XPUB_WELCOME_MSG, b"x")
    einval(zl, xpub.getsockopt, zl.XPUB_WELCOME_MSG)
    ctx.socket(zl.PUB).setsockopt(zl.XPUB_WELCOME_MSG, b"x")
    for kind in (zl.SUB, zl.XSUB, zl.PUSH, zl.DEALER):
        einval(zl, ctx.socket(kind).setsockopt, zl.XPUB_WELCOME_MSG, b"x")


@pytest.mark.parametrize("transport", ["tcp", "inproc"])
def test_welcome_message_from_a_pub(zl, ctx, endpoint, transport, bound):
    pub = ctx.socket(zl.PUB)
    pub.setsockopt(zl.XPUB_WELCOME_MSG, b"W")
    sub = ctx.socket(zl.SUB)
    sub.setsockopt(zl.SUBSCRIBE, b"W")
    sub.connect(bound(pub, endpoint(transport)))
    assert recv_serving(sub, pub) == b"W"


def test_welcome_message_interop_zl_xpub_py_sub(zl_binds, link):
    xpub, sub = link("XPUB", "SUB", zl_opts={"XPUB_WELCOME_MSG": b"W!"}, py_opts={"SUBSCRIBE": b"W"})
    assert recv_serving(xpub, sub) == b"\x01W"
    assert recv_serving(sub, xpub) == b"W!"


def test_welcome_message_interop_py_xpub_zl_sub(zl_binds, link):
    sub, xpub = link("SUB", "XPUB", zl_opts={"SUBSCRIBE": b"W"}, py_opts={"XPUB_WELCOME_MSG": b"W!"})
    assert recv_serving(xpub, sub) == b"\x01W"
    assert recv_serving(sub, xpub) == b"W!"
