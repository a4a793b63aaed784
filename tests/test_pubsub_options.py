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


@pytest.mark.parametrize("zl_publishes", [True, False])
def test_welcome_message_interop(zl_binds, link, zl_publishes):
    pub_opts, sub_opts = {"XPUB_WELCOME_MSG": b"W!"}, {"SUBSCRIBE": b"W"}
    if zl_publishes:
        xpub, sub = link("XPUB", "SUB", zl_opts=pub_opts, py_opts=sub_opts)
    else:
        sub, xpub = link("SUB", "XPUB", zl_opts=sub_opts, py_opts=pub_opts)
    assert recv_serving(xpub, sub) == b"\x01W"
    assert recv_serving(sub, xpub) == b"W!"


# --- XPUB_MANUAL --------------------------------------------------------------


def manual_xpub(zl, ctx, endpoint, transport, bound):
    xpub = ctx.socket(zl.XPUB)
    xpub.setsockopt(zl.XPUB_MANUAL, 1)
    return xpub, bound(xpub, endpoint(transport))


def test_manual_last_value_cache(zl, ctx, endpoint, transport, bound):
    """zmq_setsockopt(3): "with manual mode subscription requests are not added
    to the subscription list. To add subscription the user need to call
    setsockopt with ZMQ_SUBSCRIBE on XPUB socket." The guide's Last Value
    Cache: the application applies the subscription, then sends the subscriber
    the topic's last value."""
    xpub, addr = manual_xpub(zl, ctx, endpoint, transport, bound)
    sub = ctx.socket(zl.SUB)
    sub.setsockopt(zl.SUBSCRIBE, b"price")
    sub.connect(addr)
    assert recv_serving(xpub, sub) == b"\x01price"
    xpub.send(b"price 1")               # not applied yet: nobody gets it
    assert_no_message(sub, 100)
    xpub.setsockopt(zl.SUBSCRIBE, b"price")
    xpub.send(b"price 1")               # the cached value
    xpub.send(b"price 2")
    xpub.send(b"volume 7")
    assert [recv(sub), recv(sub)] == [b"price 1", b"price 2"]
    assert_no_message(sub, 50)


def test_manual_passes_every_request_up_and_applies_to_the_last_ones_pipe(zl, ctx, endpoint, transport, bound):
    """A duplicate subscription is passed up too, and SUBSCRIBE applies to the
    subscriber whose request recv() gave last."""
    xpub, addr = manual_xpub(zl, ctx, endpoint, transport, bound)
    first, second = ctx.socket(zl.SUB), ctx.socket(zl.SUB)
    first.connect(addr)
    first.setsockopt(zl.SUBSCRIBE, b"a")
    assert recv_serving(xpub, first) == b"\x01a"
    xpub.setsockopt(zl.SUBSCRIBE, b"a")
    second.connect(addr)
    second.setsockopt(zl.SUBSCRIBE, b"a")
    assert recv_serving(xpub, second) == b"\x01a"
    xpub.send(b"a 1")
    assert recv(first) == b"a 1"
    assert_no_message(second, 100)
    xpub.setsockopt(zl.SUBSCRIBE, b"a")
    xpub.send(b"a 2")
    assert [recv(first), recv(second)] == [b"a 2", b"a 2"]


def test_manual_applies_what_the_application_chooses(zl, ctx, endpoint, transport, bound):
    """The application may apply another topic than the one asked for, and a
    cancel is passed up but takes effect only when the application applies it
    (an XSUB subscriber: it does not filter on its own)."""
    xpub, addr = manual_xpub(zl, ctx, endpoint, transport, bound)
    xsub = ctx.socket(zl.XSUB)
    xsub.connect(addr)
    xsub.send(b"\x01x")
    assert recv_serving(xpub, xsub) == b"\x01x"
    xpub.setsockopt(zl.SUBSCRIBE, b"y")
    xpub.send(b"x 1")
    xpub.send(b"y 1")
    assert recv(xsub) == b"y 1"
    xsub.send(b"\x00x")
    assert recv(xpub) == b"\x00x"
    xpub.send(b"y 2")                   # the cancel changed nothing by itself
    assert recv(xsub) == b"y 2"
    xpub.setsockopt(zl.UNSUBSCRIBE, b"y")
    xpub.send(b"y 3")
    xpub.setsockopt(zl.SUBSCRIBE, b"z")
    xpub.send(b"z 1")
    assert recv(xsub) == b"z 1"


def test_manual_subscriber_leaving_cancels_what_it_asked_for(zl, ctx, endpoint, transport, bound):
    """libzmq passes up a cancel for each subscription the departed peer had
    asked for (and not cancelled), whatever the application applied."""
    xpub, addr = manual_xpub(zl, ctx, endpoint, transport, bound)
    sub = ctx.socket(zl.SUB)
    sub.connect(addr)
    sub.setsockopt(zl.SUBSCRIBE, b"a")
    assert recv_serving(xpub, sub) == b"\x01a"     # connected (zmqlite's SUB sends the
    for topic in (b"b", b"c"):                      # net set when it connects)
        sub.setsockopt(zl.SUBSCRIBE, topic)
    sub.setsockopt(zl.UNSUBSCRIBE, b"b")
    assert [recv(xpub) for _ in range(3)] == [b"\x01b", b"\x01c", b"\x00b"]
    xpub.setsockopt(zl.SUBSCRIBE, b"")
    sub.close(linger=0)
    assert sorted([recv(xpub), recv(xpub)]) == [b"\x00a", b"\x00c"]
    assert_no_message(xpub, 50)


def test_manual_option_rules(zl, ctx):
    """XPUB_MANUAL is an int >= 0 on PUB/XPUB, write-only; SUBSCRIBE on an XPUB
    needs manual mode, and with no request received yet it does nothing."""
    xpub = ctx.socket(zl.XPUB)
    einval(zl, xpub.setsockopt, zl.SUBSCRIBE, b"a")
    einval(zl, xpub.setsockopt, zl.XPUB_MANUAL, -1)
    xpub.setsockopt(zl.XPUB_MANUAL, 5)
    einval(zl, xpub.getsockopt, zl.XPUB_MANUAL)
    xpub.setsockopt(zl.SUBSCRIBE, b"a")
    xpub.setsockopt(zl.UNSUBSCRIBE, b"never")
    ctx.socket(zl.PUB).setsockopt(zl.XPUB_MANUAL, 1)
    einval(zl, ctx.socket(zl.PUB).setsockopt, zl.SUBSCRIBE, b"a")
    for kind in (zl.SUB, zl.XSUB, zl.PUSH):
        einval(zl, ctx.socket(kind).setsockopt, zl.XPUB_MANUAL, 1)


def test_manual_interop_zl_xpub_py_sub(zl_binds, link):
    xpub, sub = link("XPUB", "SUB", zl_opts={"XPUB_MANUAL": 1}, py_opts={"SUBSCRIBE": b"t"})
    assert recv_serving(xpub, sub) == b"\x01t"
    xpub.setsockopt(pyzmq.SUBSCRIBE, b"t")
    xpub.send(b"t 1")
    assert recv_serving(sub, xpub) == b"t 1"


def test_manual_interop_py_xpub_zl_sub(zl_binds, link):
    sub, xpub = link("SUB", "XPUB", zl_opts={"SUBSCRIBE": b"t"}, py_opts={"XPUB_MANUAL": 1})
    assert recv_serving(xpub, sub) == b"\x01t"
    xpub.send(b"t 0")
    xpub.setsockopt(pyzmq.SUBSCRIBE, b"t")
    xpub.send(b"t 1")
    assert recv_serving(sub, xpub) == b"t 1"


# --- CONFLATE -----------------------------------------------------------------


def recv_until(sock, last, *others):
    """Every message up to ``last``, in order (CONFLATE may skip any before it)."""
    got = []
    while not got or got[-1] != last:
        got.append(recv_serving(sock, *others))
    return got


def numbered(got):
    return [int(m.rsplit(b" ", 1)[1]) for m in got]


@pytest.mark.parametrize("kinds", [("PUSH", "PULL"), ("DEALER", "DEALER")])
def test_conflate_receiver_keeps_only_the_newest(zl, ctx, endpoint, transport, bound, kinds):
    """zmq_setsockopt(3): "a socket shall keep only one message in its inbound
    ... queue, this message being the last message received". A burst sent
    before the receiver reads reaches it as a few messages at most, the last
    one always, in order. (The conflating socket connects: over inproc, libzmq
    conflates only a pipe whose connecting socket set CONFLATE.)"""
    sender = ctx.socket(getattr(zl, kinds[0]))
    receiver = ctx.socket(getattr(zl, kinds[1]))
    receiver.setsockopt(zl.CONFLATE, 1)
    receiver.setsockopt(zl.RCVHWM, 1)           # ignored with CONFLATE
    receiver.connect(bound(sender, endpoint(transport)))
    sender.send(b"m 0")
    assert recv_serving(receiver, sender) == b"m 0"    # connected
    for i in range(1, 1001):
        sender.send(b"m %d" % i)
    got = numbered(recv_until(receiver, b"m 1000", sender))
    assert got == sorted(set(got)) and len(got) < 100, got
    assert_no_message(receiver, 50)


@pytest.mark.parametrize("transport", ["tcp", "ipc"])
def test_conflate_sender_queues_only_the_newest_while_no_peer(zl, ctx, endpoint, transport, ipc_dir):
    """ "... in its ... outbound queue, ... the last message to be sent": a
    PUSH with no peer yet keeps one message, the newest (ignoring SNDHWM)."""
    from helpers import free_tcp_endpoint

    addr = free_tcp_endpoint() if transport == "tcp" else endpoint("ipc")
    push = ctx.socket(zl.PUSH)
    push.setsockopt(zl.CONFLATE, 1)
    push.setsockopt(zl.SNDHWM, 1)
    push.connect(addr)
    for i in range(5):
        push.send(b"m %d" % i, zl.NOBLOCK)
    pull = ctx.socket(zl.PULL)
    pull.bind(addr)
    assert recv(pull) == b"m 4"
    assert_no_message(pull, 100)


def test_conflate_subscriber_keeps_the_newest(zl, ctx, endpoint, transport, bound):
    pub = ctx.socket(zl.PUB)
    pub.setsockopt(zl.SNDHWM, 0)                # the burst is not dropped on its way
    sub = ctx.socket(zl.SUB)
    sub.setsockopt(zl.CONFLATE, 1)
    sub.connect(bound(pub, endpoint(transport)))
    sync_subscription(zl, pub, sub, b"t")
    for i in range(1000):
        pub.send(b"t %d" % i)
        pub.send(b"other %d" % i)           # not subscribed: does not displace it
    got = numbered(recv_until(sub, b"t 999", pub))
    assert got == sorted(set(got)) and len(got) < 100, got
    assert_no_message(sub, 50)


def test_conflate_option(zl, ctx):
    """A 0/1 int, read back; accepted by any socket type (libzmq applies it to
    PUSH, PULL, PUB, SUB and DEALER only)."""
    for kind in (zl.PULL, zl.REQ, zl.ROUTER, zl.XPUB):
        sock = ctx.socket(kind)
        assert sock.getsockopt(zl.CONFLATE) == 0
        sock.setsockopt(zl.CONFLATE, 1)
        assert sock.getsockopt(zl.CONFLATE) == 1
        einval(zl, sock.setsockopt, zl.CONFLATE, 2)
        einval(zl, sock.setsockopt, zl.CONFLATE, -1)
        sock.setsockopt(zl.CONFLATE, False)
        assert sock.conflate == 0


@pytest.mark.parametrize("zl_pulls", [True, False])
def test_conflate_interop(zl_binds, link, zl_pulls):
    if zl_pulls:
        pull, push = link("PULL", "PUSH", zl_opts={"CONFLATE": 1})
    else:
        push, pull = link("PUSH", "PULL", py_opts={"CONFLATE": 1})
    push.send(b"m 0")
    assert recv_serving(pull, push) == b"m 0"
    for i in range(1, 1001):
        push.send(b"m %d" % i)
    got = numbered(recv_until(pull, b"m 1000", push))
    assert got == sorted(set(got)) and len(got) < 100, got


@pytest.mark.zmqlite_only(reason="libzmq applies only the connecting socket's CONFLATE to an inproc "
                          "pipe, and its conflating inproc PUSH connected before the bind delivers nothing")
def test_conflate_inproc_each_sockets_own_setting(zl, ctx, endpoint):
    addr = endpoint("inproc")
    push = ctx.socket(zl.PUSH)
    push.setsockopt(zl.CONFLATE, 1)
    push.connect(addr)
    for i in range(5):
        push.send(b"m %d" % i, zl.NOBLOCK)
    pull = ctx.socket(zl.PULL)
    pull.setsockopt(zl.CONFLATE, 1)
    pull.bind(addr)
    assert recv(pull) == b"m 4"
    push.setsockopt(zl.CONFLATE, 0)
    for i in range(5, 1000):
        push.send(b"m %d" % i)
    assert recv(pull) == b"m 999"       # the binding PULL conflates too
    assert_no_message(pull, 50)


# --- XPUB_NODROP --------------------------------------------------------------


def fill_until_eagain(zl, pub, body, most=5000):
    """Sends body with NOBLOCK until EAGAIN; how many went."""
    for sent in range(most):
        try:
            pub.send(body, zl.NOBLOCK)
        except zl.Again:
            return sent
    raise AssertionError(f"no EAGAIN after {most} messages")


def drain(sock, timeout=300):
    got = []
    while sock.poll(timeout, pyzmq.POLLIN):
        got.append(sock.recv(pyzmq.NOBLOCK))
    return got


def nodrop_fill_and_drain(zl, xpub, sub, transport):
    """A subscriber that does not read: the publisher's sends fail with EAGAIN
    once its pipe is full, and every message sent arrives."""
    body = b"a" + (b"x" * 65535 if transport != "inproc" else b"")
    sent = fill_until_eagain(zl, xpub, body)
    assert sent >= 2
    if transport == "inproc":
        assert sent == 4                # SNDHWM + RCVHWM, as libzmq's inproc pipe
    received = 0
    while received < sent:              # read it all; a blocking send goes once there is room
        received += len(drain(sub, 100))
    assert received == sent
    xpub.send(b"a last")
    assert recv(sub) == b"a last"


@pytest.mark.parametrize("kind", ["XPUB", "PUB"])
def test_nodrop_send_fails_at_the_hwm_instead_of_dropping(zl, ctx, endpoint, transport, bound, kind):
    """zmq_setsockopt(3): "returns an 'EAGAIN' error code if the SNDHWM is
    reached and ZMQ_DONTWAIT was used"; nothing is dropped, and a subscriber
    the message does not match is not in the way."""
    xpub = ctx.socket(getattr(zl, kind))
    xpub.setsockopt(zl.XPUB_NODROP, 1)
    xpub.setsockopt(zl.SNDHWM, 2)
    xpub.setsockopt(zl.SNDBUF, 65536)
    xpub.setsockopt(zl.SNDTIMEO, 5000)
    addr = bound(xpub, endpoint(transport))
    sub = ctx.socket(zl.SUB)
    sub.setsockopt(zl.RCVHWM, 2)
    sub.setsockopt(zl.RCVBUF, 65536)
    sub.connect(addr)
    other = ctx.socket(zl.SUB)
    other.connect(addr)
    sync_subscription(zl, xpub, sub, b"a")
    sync_subscription(zl, xpub, other, b"b")
    drain(xpub, 0)      # an XPUB's subscription messages
    body = b"a" + (b"x" * 65535 if transport != "inproc" else b"")
    sent = fill_until_eagain(zl, xpub, body)
    xpub.send(b"b other", zl.NOBLOCK)   # the full subscriber does not want it
    assert recv(other) == b"b other"
    if transport == "inproc":
        assert sent == 4                # SNDHWM + RCVHWM, as libzmq's inproc pipe
        xpub.setsockopt(zl.SNDTIMEO, 100)
        with pytest.raises(zl.Again):
            xpub.send(body)             # blocks, up to SNDTIMEO
        xpub.setsockopt(zl.SNDTIMEO, 5000)
    received = 0
    while received < sent:
        received += len(drain(sub, 100))
    assert received == sent             # none was dropped
    xpub.send(b"a last")                # room again
    assert recv(sub) == b"a last"


def test_nodrop_blocking_send_waits_for_room(zl, ctx, endpoint, bound):
    import threading

    xpub = ctx.socket(zl.XPUB)
    xpub.setsockopt(zl.XPUB_NODROP, 1)
    xpub.setsockopt(zl.SNDHWM, 1)
    addr = bound(xpub, endpoint("inproc"))
    sub = ctx.socket(zl.SUB)
    sub.setsockopt(zl.RCVHWM, 1)
    sub.setsockopt(zl.SUBSCRIBE, b"")
    sub.connect(addr)
    assert recv(xpub) == b"\x01"
    assert fill_until_eagain(zl, xpub, b"m") == 2
    reader = threading.Timer(0.2, lambda: sub.recv())
    reader.start()
    xpub.setsockopt(zl.SNDTIMEO, 5000)
    xpub.send(b"after")                 # returns once the reader made room
    reader.join()
    assert drain(sub, 100) == [b"m", b"after"]


def test_nodrop_option_rules(zl, ctx):
    for kind in (zl.XPUB, zl.PUB):
        sock = ctx.socket(kind)
        sock.setsockopt(zl.XPUB_NODROP, 1)
        sock.setsockopt(zl.XPUB_NODROP, 2)
        einval(zl, sock.setsockopt, zl.XPUB_NODROP, -1)
        einval(zl, sock.getsockopt, zl.XPUB_NODROP)
    for kind in (zl.SUB, zl.XSUB, zl.PUSH):
        einval(zl, ctx.socket(kind).setsockopt, zl.XPUB_NODROP, 1)


@pytest.mark.parametrize("zl_publishes", [True, False])
def test_nodrop_interop(zl, zl_binds, link, wire_transport, zl_publishes):
    pub_opts = {"XPUB_NODROP": 1, "SNDHWM": 2, "SNDBUF": 65536, "SNDTIMEO": 5000}
    sub_opts = {"SUBSCRIBE": b"a", "RCVHWM": 2, "RCVBUF": 65536}
    if zl_publishes:
        xpub, sub = link("XPUB", "SUB", zl_opts=pub_opts, py_opts=sub_opts)
        mod = zl
    else:
        sub, xpub = link("SUB", "XPUB", zl_opts=sub_opts, py_opts=pub_opts)
        mod = pyzmq
    assert recv_serving(xpub, sub) == b"\x01a"
    sync_subscription(mod, xpub, sub, b"a", subscribe=False)
    drain(xpub, 50)     # libzmq's XPUB learns how much of the sync its peer read
    nodrop_fill_and_drain(mod, xpub, sub, wire_transport)


# --- INVERT_MATCHING ----------------------------------------------------------


def inverted_pair(zl, ctx, endpoint, transport, bound, pub_inverts=True, sub_kind="SUB", sub_inverts=True):
    xpub = ctx.socket(zl.XPUB)
    xpub.setsockopt(zl.INVERT_MATCHING, int(pub_inverts))
    sub = ctx.socket(getattr(zl, sub_kind))
    sub.setsockopt(zl.INVERT_MATCHING, int(sub_inverts))
    sub.connect(bound(xpub, endpoint(transport)))
    if sub_kind == "SUB":
        sub.setsockopt(zl.SUBSCRIBE, b"a")
    else:
        sub.send(b"\x01a")
    assert recv_serving(xpub, sub) == b"\x01a"     # the subscription is applied
    for topic in (b"a 1", b"b 1", b"ab", b"c 1"):
        xpub.send(topic)
    return xpub, sub


def test_invert_matching_both_ends(zl, ctx, endpoint, transport, bound):
    """zmq_setsockopt(3): the publisher sends to "all connected sockets
    'except' those subscribed to a prefix that matches the message", and the
    SUB receives "only incoming messages that do 'not' match"."""
    xpub, sub = inverted_pair(zl, ctx, endpoint, transport, bound)
    assert [recv(sub), recv(sub)] == [b"b 1", b"c 1"]
    assert_no_message(sub, 50)


@pytest.mark.parametrize("pub_inverts", [True, False])
def test_invert_matching_on_one_end_only_delivers_nothing(zl, ctx, endpoint, transport, bound, pub_inverts):
    """ "all 'SUB' sockets connecting to it must also have the option set to
    1. Failure to do so will have the 'SUB' sockets reject everything"."""
    xpub, sub = inverted_pair(zl, ctx, endpoint, transport, bound, pub_inverts=pub_inverts,
                              sub_inverts=not pub_inverts)
    assert_no_message(sub, 200)


def test_invert_matching_to_an_xsub(zl, ctx, endpoint, transport, bound):
    """ "'XSUB' sockets do not need to do this because they do not filter"."""
    xpub, xsub = inverted_pair(zl, ctx, endpoint, transport, bound, sub_kind="XSUB", sub_inverts=False)
    assert [recv(xsub), recv(xsub)] == [b"b 1", b"c 1"]


def test_invert_matching_option(zl, ctx):
    """An int on any socket type, read back as 0 or 1 (libzmq's relaxed bool)."""
    for kind in (zl.PUB, zl.SUB, zl.XSUB, zl.PUSH, zl.DEALER):
        sock = ctx.socket(kind)
        assert sock.getsockopt(zl.INVERT_MATCHING) == 0
        sock.setsockopt(zl.INVERT_MATCHING, -1)
        assert sock.getsockopt(zl.INVERT_MATCHING) == 1
        sock.setsockopt(zl.INVERT_MATCHING, 7)
        assert sock.getsockopt(zl.INVERT_MATCHING) == 1
        sock.setsockopt(zl.INVERT_MATCHING, 0)
        assert sock.invert_matching == 0


@pytest.mark.parametrize("zl_publishes", [True, False])
def test_invert_matching_interop(zl_binds, link, zl_publishes):
    opts = {"INVERT_MATCHING": 1}
    if zl_publishes:
        xpub, sub = link("XPUB", "SUB", zl_opts=opts, py_opts=dict(opts, SUBSCRIBE=b"a"))
    else:
        sub, xpub = link("SUB", "XPUB", zl_opts=dict(opts, SUBSCRIBE=b"a"), py_opts=opts)
    assert recv_serving(xpub, sub) == b"\x01a"
    for topic in (b"a 1", b"b 1", b"ab", b"c 1"):
        xpub.send(topic)
    assert [recv(sub), recv(sub)] == [b"b 1", b"c 1"]


# --- bytes options: BINDTODEVICE, and those zmqlite does not implement --------


def test_bindtodevice_loopback(zl, ctx):
    """SO_BINDTODEVICE on the tcp sockets of bind() and connect()."""
    import errno

    pull = ctx.socket(zl.PULL)
    assert pull.getsockopt(zl.BINDTODEVICE) == b""
    pull.setsockopt(zl.BINDTODEVICE, b"lo")
    assert pull.getsockopt(zl.BINDTODEVICE) == b"lo"
    try:
        pull.bind("tcp://127.0.0.1:*")
    except zl.ZMQError as e:
        if e.errno in (errno.EPERM, errno.ENOTSUP):
            pytest.skip(f"SO_BINDTODEVICE not allowed here: {e}")
        raise
    push = ctx.socket(zl.PUSH)
    push.setsockopt(zl.BINDTODEVICE, b"lo")
    push.connect(pull.getsockopt(zl.LAST_ENDPOINT).decode())
    push.send(b"through lo")
    assert recv(pull) == b"through lo"


def test_bindtodevice_no_such_interface(zl, ctx, endpoint):
    """bind() fails with ENODEV; a connect() keeps retrying and delivers
    nothing; ipc is not concerned."""
    import errno

    pull = ctx.socket(zl.PULL)
    addr = pull.bind_to_random_port("tcp://127.0.0.1")
    sock = ctx.socket(zl.PUSH)
    sock.setsockopt(zl.BINDTODEVICE, b"nosuchdev0")
    with pytest.raises(zl.ZMQError) as info:
        sock.bind("tcp://127.0.0.1:*")
    assert info.value.errno == errno.ENODEV
    sock.bind(endpoint("ipc"))
    sock.connect(f"tcp://127.0.0.1:{addr}")
    sock.send(b"lost", zl.NOBLOCK)
    assert_no_message(pull, 300)


def test_bindtodevice_option_values(zl, ctx):
    sock = ctx.socket(zl.DEALER)
    sock.setsockopt(zl.BINDTODEVICE, b"x" * 16)
    einval(zl, sock.setsockopt, zl.BINDTODEVICE, b"x" * 17)
    einval(zl, sock.setsockopt, zl.BINDTODEVICE, b"")
    with pytest.raises(TypeError):
        sock.setsockopt(zl.BINDTODEVICE, 1)
    assert sock.getsockopt(zl.BINDTODEVICE) == b"x" * 16


STABLE_BYTES = ["SOCKS_PROXY", "SOCKS_USERNAME", "SOCKS_PASSWORD"]
DRAFT_BYTES = ["METADATA", "HELLO_MSG", "DISCONNECT_MSG", "HICCUP_MSG", "WSS_KEY_PEM", "WSS_HOSTNAME"]


@pytest.mark.parametrize("name", STABLE_BYTES + DRAFT_BYTES)
def test_bytes_options_take_bytes(zl, ctx, name):
    """Each is a bytes option to pyzmq: an int is a TypeError, not EINVAL."""
    sock = ctx.socket(zl.DEALER)
    with pytest.raises(TypeError):
        sock.setsockopt(getattr(zl, name), 1)
    if name in STABLE_BYTES:
        assert sock.getsockopt(getattr(zl, name)) == b""
    else:
        einval(zl, sock.getsockopt, getattr(zl, name))
        einval(zl, sock.setsockopt, getattr(zl, name), b"x")


@pytest.mark.zmqlite_only(reason="libzmq has a SOCKS client; zmqlite refuses the options, naming them")
@pytest.mark.parametrize("name", STABLE_BYTES + DRAFT_BYTES)
def test_bytes_options_not_implemented_say_so(zl, ctx, name):
    sock = ctx.socket(zl.DEALER)
    with pytest.raises(zl.ZMQError, match="zmqlite does not implement " + name) as info:
        sock.setsockopt(getattr(zl, name), b"proxy.example:1080")
    assert info.value.errno == zl.EINVAL
    if name in ("SOCKS_USERNAME", "SOCKS_PASSWORD"):
        sock.setsockopt(getattr(zl, name), b"")     # libzmq's default: nothing to do
