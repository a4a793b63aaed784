"""DEALER/ROUTER, REQ->ROUTER and PUB/SUB/XPUB/XSUB: zmqlite <-> pyzmq (libzmq 4.3).

Every test runs with zmqlite binding and with pyzmq binding, over tcp and
ipc, and most pairs both ways round (zmqlite playing either socket type).
Routing ids and subscriptions cross the wire in READY properties and
SUBSCRIBE/CANCEL commands, so these pin our ZMTP against libzmq's.  Under
ZMQLITE_TEST_IMPL=pyzmq they become pyzmq<->pyzmq, which validates them.
"""

import time

import pytest
import zmq as pyzmq

from helpers import assert_no_message, recv, recv_multipart, sync_subscription

pytestmark = pytest.mark.timeout(20)

WAIT_S = 5.0


# --- DEALER <-> ROUTER ----------------------------------------------------


def dealer_router_exchange(dealer, router, rid):
    """The DEALER's id reaches the ROUTER exactly; replies routed by it return."""
    for i in range(3):
        dealer.send_multipart([b"req", b"%d" % i])
        frames = recv_multipart(router)
        assert frames[1:] == [b"req", b"%d" % i]
        if rid is None:
            assert len(frames[0]) == 5 and frames[0][:1] == b"\x00", frames[0]
        else:
            assert frames[0] == rid
        router.send_multipart([frames[0], b"rep", b"%d" % i])
        assert recv_multipart(dealer) == [b"rep", b"%d" % i]


@pytest.mark.parametrize("rid", [b"dealer-1", b"\x01\x02\xff", None], ids=["text", "binary", "generated"])
def test_zl_dealer_py_router(link, rid):
    opts = {"ROUTING_ID": rid} if rid is not None else None
    dealer, router = link("DEALER", "ROUTER", zl_opts=opts)
    dealer_router_exchange(dealer, router, rid)


@pytest.mark.parametrize("rid", [b"dealer-1", b"\x01\x02\xff", None], ids=["text", "binary", "generated"])
def test_py_dealer_zl_router(link, rid):
    opts = {"ROUTING_ID": rid} if rid is not None else None
    router, dealer = link("ROUTER", "DEALER", py_opts=opts)
    dealer_router_exchange(dealer, router, rid)


def test_zl_router_routes_among_py_dealers(zl, ctx, pyctx, endpoint, wire_transport, bound):
    """A zmqlite ROUTER with two pyzmq DEALERs: each reply reaches only its peer."""
    router = ctx.socket(zl.ROUTER)
    addr = bound(router, endpoint(wire_transport))
    dealers = {}
    for rid in (b"one", b"two"):
        d = pyctx.socket(pyzmq.DEALER)
        d.setsockopt(pyzmq.ROUTING_ID, rid)
        d.connect(addr)
        d.send(b"hi")
        dealers[rid] = d
    assert sorted(recv_multipart(router) for _ in dealers) == [[b"one", b"hi"], [b"two", b"hi"]]
    router.send_multipart([b"two", b"for two"])
    assert recv(dealers[b"two"]) == b"for two"
    assert_no_message(dealers[b"one"], 100)


def test_router_to_router_with_ids(link):
    """ROUTER<->ROUTER: each side learns the other's ROUTING_ID at handshake and
    can address it (the connecting side once ROUTER_MANDATORY stops refusing)."""
    mine, theirs = link(
        "ROUTER", "ROUTER",
        zl_opts={"ROUTING_ID": b"zl-side", "ROUTER_MANDATORY": 1},
        py_opts={"ROUTING_ID": b"py-side", "ROUTER_MANDATORY": 1},
    )
    deadline = time.monotonic() + WAIT_S
    while True:
        try:
            mine.send_multipart([b"py-side", b"hello"], pyzmq.NOBLOCK)
            break
        except Exception as exc:  # ZMQError of either implementation
            if getattr(exc, "errno", None) not in (pyzmq.EHOSTUNREACH, pyzmq.EAGAIN):
                raise
            assert time.monotonic() < deadline, "peer never became routable"
            mine.poll(10, pyzmq.POLLOUT)
    assert recv_multipart(theirs) == [b"zl-side", b"hello"]
    theirs.send_multipart([b"zl-side", b"back"])
    assert recv_multipart(mine) == [b"py-side", b"back"]


# --- REQ -> ROUTER --------------------------------------------------------


def req_router_exchange(req, router, rid):
    for i in range(3):
        req.send(b"question %d" % i)
        assert recv_multipart(router) == [rid, b"", b"question %d" % i]
        router.send_multipart([rid, b"", b"answer %d" % i])
        assert recv_multipart(req) == [b"answer %d" % i]


def test_zl_req_py_router(link):
    req, router = link("REQ", "ROUTER", zl_opts={"ROUTING_ID": b"zl-req"})
    req_router_exchange(req, router, b"zl-req")


def test_py_req_zl_router(link):
    router, req = link("ROUTER", "REQ", py_opts={"ROUTING_ID": b"py-req"})
    req_router_exchange(req, router, b"py-req")


def test_zl_dealer_py_rep(link):
    """A zmqlite DEALER supplies the delimiter itself; pyzmq's REP keeps it."""
    dealer, rep = link("DEALER", "REP")
    dealer.send_multipart([b"", b"q"])
    assert recv_multipart(rep) == [b"q"]
    rep.send(b"a")
    assert recv_multipart(dealer) == [b"", b"a"]


def test_py_dealer_zl_rep(link):
    rep, dealer = link("REP", "DEALER")
    dealer.send_multipart([b"hop", b"", b"q"])
    assert recv_multipart(rep) == [b"q"]
    rep.send(b"a")
    assert recv_multipart(dealer) == [b"hop", b"", b"a"]


# --- PUB -> SUB -----------------------------------------------------------


def sync(pub, sub, topic=b"~sync"):
    """Wait until ``sub``'s subscriptions are live at ``pub`` (helpers.sync_subscription)."""
    sync_subscription(pyzmq, pub, sub, topic, only_pings=False)


def filtered_stream(pub, sub):
    sub.setsockopt(pyzmq.SUBSCRIBE, b"news")
    sub.setsockopt(pyzmq.SUBSCRIBE, b"ne")  # overlapping: still delivered once
    sub.setsockopt(pyzmq.SUBSCRIBE, b"\x00")
    sync(pub, sub)
    bodies = [b"news 1", b"sport 1", b"nex", b"\x00bin", b"n", b"", b"news 2"]
    for body in bodies:
        pub.send(body)
    pub.send_multipart([b"news 3", b"part 2", b""])
    pub.send_multipart([b"sport 2", b"news"])
    pub.send(b"~sync mark")
    got = []
    while True:
        frames = recv_multipart(sub)
        if frames == [b"~sync mark"]:
            break
        got.append(frames)
    assert got == [[b"news 1"], [b"nex"], [b"\x00bin"], [b"news 2"], [b"news 3", b"part 2", b""]]

    sub.setsockopt(pyzmq.UNSUBSCRIBE, b"news")
    sub.setsockopt(pyzmq.UNSUBSCRIBE, b"ne")
    sync(pub, sub, topic=b"~2")
    pub.send(b"news 4")
    pub.send(b"\x00again")
    pub.send(b"~2 mark")
    assert recv_multipart(sub) == [b"\x00again"]
    assert recv_multipart(sub) == [b"~2 mark"]


def test_zl_pub_py_sub(link):
    pub, sub = link("PUB", "SUB")
    filtered_stream(pub, sub)


def test_py_pub_zl_sub(link):
    sub, pub = link("SUB", "PUB")
    filtered_stream(pub, sub)


def test_zl_sub_str_subscribe_to_py_pub(link):
    """A str topic crosses the wire UTF-8 encoded."""
    sub, pub = link("SUB", "PUB")
    sub.subscribe("tö")
    sync(pub, sub)
    pub.send("tö 1".encode())
    pub.send(b"t 2")
    pub.send(b"~sync mark")
    assert recv(sub) == "tö 1".encode()
    assert recv(sub) == b"~sync mark"


# --- XPUB / XSUB ----------------------------------------------------------


def recv_nudging(sock, peer, timeout=WAIT_S):
    """Receive on ``sock`` while ``peer`` keeps processing its commands.

    libzmq attaches the pipe of an accepted connection only when the owning
    socket next handles its command mailbox, which it does only when the
    application calls into it.  A bound SUB/XSUB that sits idle therefore
    never sends its subscriptions to a connecting XPUB; reading EVENTS is
    such a call, and harmless for an implementation that needs no nudge.
    """
    deadline = time.monotonic() + timeout
    while True:
        peer.getsockopt(pyzmq.EVENTS)
        if sock.poll(20, pyzmq.POLLIN):
            return sock.recv(pyzmq.NOBLOCK)
        assert time.monotonic() < deadline, f"no message within {timeout} s"


def xpub_sees_subscriptions(xpub, sub):
    sub.setsockopt(pyzmq.SUBSCRIBE, b"topic")
    assert recv_nudging(xpub, sub) == b"\x01topic"
    sub.setsockopt(pyzmq.SUBSCRIBE, b"")
    assert recv(xpub) == b"\x01"
    sub.setsockopt(pyzmq.SUBSCRIBE, b"topic")  # counted at the SUB ...
    sub.setsockopt(pyzmq.UNSUBSCRIBE, b"topic")  # ... so this cancels nothing yet
    sub.setsockopt(pyzmq.SUBSCRIBE, b"marker")
    assert recv(xpub) == b"\x01marker"  # and no duplicate \x01topic before it
    sub.setsockopt(pyzmq.UNSUBSCRIBE, b"topic")
    assert recv(xpub) == b"\x00topic"
    xpub.send(b"data for everyone")
    assert recv(sub) == b"data for everyone"
    assert_no_message(xpub, 50)


def test_py_xpub_sees_zl_sub(link):
    sub, xpub = link("SUB", "XPUB")
    xpub_sees_subscriptions(xpub, sub)


def test_zl_xpub_sees_py_sub(link):
    xpub, sub = link("XPUB", "SUB")
    xpub_sees_subscriptions(xpub, sub)


def xsub_to_pub(xsub, pub):
    xsub.send(b"\x01a")
    xsub.send(b"\x01~sync")
    deadline = time.monotonic() + WAIT_S
    while not xsub.poll(20, pyzmq.POLLIN):
        assert time.monotonic() < deadline, "subscription never reached the publisher"
        pub.send(b"~sync ping")
    pub.send(b"~sync end")
    while recv(xsub) != b"~sync end":
        pass
    for body in (b"a1", b"b1", b"a2"):
        pub.send(body)
    pub.send(b"~sync mark")
    assert [recv(xsub) for _ in range(3)] == [b"a1", b"a2", b"~sync mark"]


def test_zl_xsub_py_pub(link):
    xsub, pub = link("XSUB", "PUB")
    xsub_to_pub(xsub, pub)


def test_py_xsub_zl_pub(link):
    pub, xsub = link("PUB", "XSUB")
    xsub_to_pub(xsub, pub)


def test_zl_xsub_py_xpub_raw_subscription(link):
    """The subscription message an XSUB sends arrives at an XPUB byte for byte."""
    xsub, xpub = link("XSUB", "XPUB")
    xsub.send(b"\x01raw topic")
    assert recv_nudging(xpub, xsub) == b"\x01raw topic"
    xsub.send(b"\x00raw topic")
    assert recv(xpub) == b"\x00raw topic"


def test_py_xsub_zl_xpub_raw_subscription(link):
    xpub, xsub = link("XPUB", "XSUB")
    xsub.send(b"\x01raw topic")
    assert recv_nudging(xpub, xsub) == b"\x01raw topic"
    xsub.send(b"\x00raw topic")
    assert recv(xpub) == b"\x00raw topic"
