"""POLLIN and POLLOUT per socket type, as libzmq reports them.

libzmq answers POLLOUT from each socket type's ``xhas_out`` (``src/*.cpp``):
PUB/XPUB always (``dist`` drops what cannot be sent), ROUTER always (it
drops or fails per message), PUSH/DEALER/REQ when the load balancer has a
pipe with room, REQ only while no reply is awaited, REP only while a reply
is owed, SUB and PULL never.  POLLIN comes from ``xhas_in``: SUB only when a
message matching a subscription is queued.

Every "not ready" is a poll with a short timeout; every "ready" a poll that
may wait up to WAIT_MS for the connection to come up.
"""

import pytest

from helpers import assert_no_message, free_tcp_endpoint, recv, recv_multipart

pytestmark = pytest.mark.timeout(30)

WAIT_MS = 5000
NOT_READY_MS = 100


def events(sock, timeout=0):
    return sock.poll(timeout, 3)  # POLLIN | POLLOUT


def assert_pollout(zl, sock, timeout=WAIT_MS):
    assert sock.poll(timeout, zl.POLLOUT) == zl.POLLOUT


def assert_no_pollout(zl, sock, timeout=NOT_READY_MS):
    assert sock.poll(timeout, zl.POLLOUT) == 0


def unbound_endpoint(transport, endpoint):
    """An address nobody is bound to (to connect to)."""
    if transport == "tcp":
        return free_tcp_endpoint()
    return endpoint(transport)


# --- POLLOUT -----------------------------------------------------------------------


def test_pub_always_pollout(zl, ctx, endpoint, transport, bound):
    """A PUB is writable with no peer at all, bound or not (it drops)."""
    pub = ctx.socket(zl.PUB)
    assert_pollout(zl, pub, 0)
    bound(pub, endpoint(transport))
    assert_pollout(zl, pub, 0)
    assert events(pub) == zl.POLLOUT
    pub.send(b"nobody listens", zl.NOBLOCK)  # and indeed sending does not block
    assert_pollout(zl, pub, 0)


def test_xpub_always_pollout(zl, ctx, endpoint, transport, bound):
    xpub = ctx.socket(zl.XPUB)
    bound(xpub, endpoint(transport))
    assert events(xpub) == zl.POLLOUT


def test_push_bound_without_peer_is_not_writable(zl, ctx, endpoint, transport, bound):
    """A bound PUSH has no pipe until someone connects: no POLLOUT, and a
    non-blocking send fails with EAGAIN."""
    push = ctx.socket(zl.PUSH)
    bound(push, endpoint(transport))
    assert_no_pollout(zl, push)
    with pytest.raises(zl.Again):
        push.send(b"x", zl.NOBLOCK)


def test_push_unbound_socket_is_not_writable(zl, ctx):
    push = ctx.socket(zl.PUSH)
    assert_no_pollout(zl, push)


def test_push_connected_is_writable_before_the_peer_exists(zl, ctx, endpoint, transport):
    """connect() makes the pipe at once (IMMEDIATE off), so a connecting PUSH
    is writable even before anything is bound at the address."""
    push = ctx.socket(zl.PUSH)
    push.connect(unbound_endpoint(transport, endpoint))
    assert_pollout(zl, push)


def test_push_with_a_peer_is_writable(zl, ctx, endpoint, transport, bound):
    push = ctx.socket(zl.PUSH)
    pull = ctx.socket(zl.PULL)
    pull.connect(bound(push, endpoint(transport)))
    assert_pollout(zl, push)
    push.send(b"x")
    assert recv(pull) == b"x"


def test_push_at_hwm_is_not_writable_until_the_peer_reads(zl, ctx, endpoint, transport, bound):
    """Once every buffer on the way is full, PUSH drops POLLOUT; a read at
    the other end gives it back."""
    push = ctx.socket(zl.PUSH)
    push.setsockopt(zl.SNDHWM, 5)
    pull = ctx.socket(zl.PULL)
    pull.setsockopt(zl.RCVHWM, 5)
    pull.connect(bound(push, endpoint(transport)))
    push.send(b"first")
    assert recv(pull) == b"first"  # the pipe is attached on both sides

    pad = b"." * 16384  # so tcp's kernel buffers fill after a few hundred
    sent = 0
    while True:
        try:
            push.send(b"m%d " % sent + pad, zl.NOBLOCK)
            sent += 1
        except zl.Again:
            # the I/O thread may still be moving messages: wait for that to stop
            if not push.poll(300, zl.POLLOUT):
                break
        assert sent < 100_000, "HWM never applied"
    assert sent >= 5
    assert_no_pollout(zl, push)
    with pytest.raises(zl.Again):
        push.send(b"over", zl.NOBLOCK)

    got = [recv(pull) for _ in range(sent)]  # reading everything frees the pipe
    assert got == [b"m%d " % i + pad for i in range(sent)]
    assert_pollout(zl, push)


def test_dealer_pollout_needs_a_pipe(zl, ctx, endpoint, transport, bound):
    """A bound DEALER with no peer is not writable; with one it is."""
    dealer = ctx.socket(zl.DEALER)
    addr = bound(dealer, endpoint(transport))
    assert_no_pollout(zl, dealer)
    peer = ctx.socket(zl.DEALER)
    peer.connect(addr)
    peer.send(b"hi")
    assert recv(dealer) == b"hi"
    assert_pollout(zl, dealer, 0)
    assert events(peer) == zl.POLLOUT


def test_dealer_connected_is_writable(zl, ctx, endpoint, transport, bound):
    router = ctx.socket(zl.ROUTER)
    dealer = ctx.socket(zl.DEALER)
    dealer.connect(bound(router, endpoint(transport)))
    assert_pollout(zl, dealer)


def test_dealer_reports_pollin_and_pollout_together(zl, ctx, endpoint, transport, bound):
    a, b = ctx.socket(zl.DEALER), ctx.socket(zl.DEALER)
    b.connect(bound(a, endpoint(transport)))
    b.send(b"x")
    assert a.poll(WAIT_MS, zl.POLLIN) == zl.POLLIN
    assert events(a) == zl.POLLIN | zl.POLLOUT


def test_req_pollout_only_when_no_reply_is_awaited(zl, ctx, endpoint, transport, bound):
    """REQ: writable before a request (given a pipe), not after sending until
    the reply has been read, then writable again."""
    rep = ctx.socket(zl.REP)
    req = ctx.socket(zl.REQ)
    req.connect(bound(rep, endpoint(transport)))
    assert_pollout(zl, req)
    for i in range(3):
        req.send(b"q%d" % i)
        assert_no_pollout(zl, req)
        assert recv(rep) == b"q%d" % i
        rep.send(b"a%d" % i)
        assert req.poll(WAIT_MS, zl.POLLIN) == zl.POLLIN
        assert_no_pollout(zl, req, 0)  # the reply is there, but not read yet
        assert req.recv() == b"a%d" % i
        assert_pollout(zl, req, 0)


def test_req_bound_without_peer_is_not_writable(zl, ctx, endpoint, transport, bound):
    req = ctx.socket(zl.REQ)
    bound(req, endpoint(transport))
    assert_no_pollout(zl, req)


def test_rep_pollout_only_while_a_reply_is_owed(zl, ctx, endpoint, transport, bound):
    """REP: not writable with a peer but no request; writable once a request
    has been read; not after the reply went out."""
    rep = ctx.socket(zl.REP)
    req = ctx.socket(zl.REQ)
    req.connect(bound(rep, endpoint(transport)))
    assert_pollout(zl, req)
    assert_no_pollout(zl, rep)
    req.send(b"q")
    assert rep.poll(WAIT_MS, zl.POLLIN) == zl.POLLIN
    assert_no_pollout(zl, rep, 0)  # queued, but not read
    assert rep.recv() == b"q"
    assert events(rep) == zl.POLLOUT
    rep.send(b"a")
    assert_no_pollout(zl, rep)
    assert recv(req) == b"a"


def test_router_always_pollout(zl, ctx, endpoint, transport, bound):
    """ROUTER is writable with or without peers (an unroutable message is dropped)."""
    router = ctx.socket(zl.ROUTER)
    assert_pollout(zl, router, 0)
    addr = bound(router, endpoint(transport))
    assert_pollout(zl, router, 0)
    dealer = ctx.socket(zl.DEALER)
    dealer.connect(addr)
    dealer.send(b"hi")
    assert recv_multipart(router)[1:] == [b"hi"]
    assert_pollout(zl, router, 0)


def test_sub_and_pull_never_pollout(zl, ctx, endpoint, transport, bound):
    pub = ctx.socket(zl.PUB)
    addr = bound(pub, endpoint(transport))
    sub = ctx.socket(zl.SUB)
    sub.setsockopt(zl.SUBSCRIBE, b"")
    sub.connect(addr)
    push = ctx.socket(zl.PUSH)
    paddr = bound(push, endpoint(transport))
    pull = ctx.socket(zl.PULL)
    pull.connect(paddr)
    # connections up and a message waiting on each: still no POLLOUT
    push.send(b"x")
    while not sub.poll(20, zl.POLLIN):
        pub.send(b"ping")
    assert events(sub) == zl.POLLIN
    assert pull.poll(WAIT_MS, zl.POLLIN) == zl.POLLIN
    assert events(pull) == zl.POLLIN
    assert_no_pollout(zl, sub)
    assert_no_pollout(zl, pull)
    fresh_sub, fresh_pull = ctx.socket(zl.SUB), ctx.socket(zl.PULL)
    assert events(fresh_sub, NOT_READY_MS) == 0
    assert events(fresh_pull, NOT_READY_MS) == 0


# --- POLLIN on SUB --------------------------------------------------------------------


def test_sub_pollin_only_for_matching_messages(zl, ctx, endpoint, transport, bound):
    """A SUB is readable only when a message matching a subscription waits."""
    pub = ctx.socket(zl.PUB)
    sub = ctx.socket(zl.SUB)
    sub.connect(bound(pub, endpoint(transport)))
    assert sub.poll(NOT_READY_MS, zl.POLLIN) == 0
    sub.setsockopt(zl.SUBSCRIBE, b"a")
    while not sub.poll(20, zl.POLLIN):  # until the subscription is live
        pub.send(b"a-sync")
    while sub.poll(100, zl.POLLIN):
        assert sub.recv() == b"a-sync"

    for body in (b"b1", b"c1", b"ba"):
        pub.send(body)
    assert sub.poll(NOT_READY_MS, zl.POLLIN) == 0
    pub.send(b"a1")
    assert sub.poll(WAIT_MS, zl.POLLIN) == zl.POLLIN
    assert sub.recv() == b"a1"
    assert_no_message(sub)

    sub.setsockopt(zl.UNSUBSCRIBE, b"a")
    sub.setsockopt(zl.SUBSCRIBE, b"z")
    while not sub.poll(20, zl.POLLIN):
        pub.send(b"z-sync")
    while sub.poll(100, zl.POLLIN):
        assert sub.recv() == b"z-sync"
    pub.send(b"a2")
    assert sub.poll(NOT_READY_MS, zl.POLLIN) == 0


# --- zmq.select ------------------------------------------------------------------------


def test_select_reports_readable_and_writable(zl, ctx, endpoint, transport, bound):
    """``select(rlist, wlist, xlist, timeout)`` (timeout in seconds) returns
    three lists of the sockets ready in each sense, like ``select.select``."""
    push = ctx.socket(zl.PUSH)
    pull = ctx.socket(zl.PULL)
    pull.connect(bound(push, endpoint(transport)))
    pub = ctx.socket(zl.PUB)

    assert zl.select([pull], [], [], 0.1) == ([], [], [])
    assert zl.select([pull], [pull], [], 0) == ([], [], [])  # PULL is never writable
    r, w, x = zl.select([pull], [pub], [], 0)
    assert (r, w, x) == ([], [pub], [])

    push.send(b"x")
    r, w, x = zl.select([pull], [], [], WAIT_MS / 1000)
    assert (r, w, x) == ([pull], [], [])
    r, w, x = zl.select([pull, push], [push, pub, pull], [], 1)
    assert r == [pull]
    assert sorted(map(id, w)) == sorted(map(id, [push, pub]))
    assert x == []
    assert pull.recv() == b"x"
    assert zl.select([pull], [], [], 0) == ([], [], [])


def test_select_waits_until_a_message_arrives(zl, ctx, endpoint, transport, bound):
    """A select with a timeout returns as soon as the socket is readable."""
    import threading
    import time

    push = ctx.socket(zl.PUSH)
    pull = ctx.socket(zl.PULL)
    pull.connect(bound(push, endpoint(transport)))
    push.send(b"warm")
    assert recv(pull) == b"warm"

    timer = threading.Timer(0.2, push.send, args=(b"late",))
    start = time.monotonic()
    timer.start()
    try:
        r, w, x = zl.select([pull], [], [], 10)
    finally:
        timer.join(5)
    assert r == [pull] and w == [] and x == []
    assert time.monotonic() - start < 5
    assert pull.recv() == b"late"
