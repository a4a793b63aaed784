"""REQ_RELAXED, REQ_CORRELATE, PROBE_ROUTER and ROUTER_NOTIFY, as libzmq 4.3.5.

What each does is checked against pyzmq (``ZMQLITE_TEST_IMPL=pyzmq``) and,
in the interop tests, with a pyzmq peer on the wire. ROUTER_NOTIFY is a DRAFT
option of libzmq 4.3.5, and pyzmq's bundled libzmq is built without the draft
API (it refuses the option with EINVAL), so its tests run on zmqlite only;
they follow libzmq's source (stream_engine_base.cpp: a notice is an empty
message pushed by the connection's engine once the handshake is done, and
when a connection that finished it goes away).
"""

import struct

import pytest
import zmq as pyzmq

from helpers import assert_no_message, bind_retry, connect_pair, free_tcp_endpoint, recv, recv_multipart

pytestmark = pytest.mark.timeout(20)

DRAFT = "ROUTER_NOTIFY is a DRAFT option; pyzmq's libzmq 4.3.5 is built without the draft API (EINVAL)"

ALL_TYPES = ["PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB", "XSUB", "STREAM"]
TAKES = {
    "REQ_RELAXED": {"REQ"},
    "REQ_CORRELATE": {"REQ"},
    "PROBE_ROUTER": {"REQ", "REP", "DEALER", "ROUTER"},
}


def recv_reply(zl, req):
    """The next reply of a REQ, waiting in recv() (RCVTIMEO bounds it): a REQ
    reports POLLIN for a message recv() then skips (libzmq's does too), so
    poll() followed by a non-blocking recv() could miss a reply on its way."""
    req.setsockopt(zl.RCVTIMEO, 5000)
    return req.recv_multipart()


def einval(zl, call, *args):
    with pytest.raises(zl.ZMQError) as info:
        call(*args)
    assert info.value.errno == pyzmq.EINVAL


# ------------------------------------------------------------------ options


@pytest.mark.parametrize("option", sorted(TAKES))
@pytest.mark.parametrize("type_name", ALL_TYPES)
def test_option_taken_on_its_types_only_and_write_only(zl, ctx, option, type_name):
    """libzmq takes REQ_* on a REQ, PROBE_ROUTER on REQ, REP (a ROUTER inside),
    DEALER and ROUTER, any value >= 0 (non-zero is on); elsewhere, and for a
    negative value, EINVAL. None of the three can be read back (EINVAL)."""
    sock = ctx.socket(getattr(zl, type_name))
    opt = getattr(zl, option)
    if type_name in TAKES[option]:
        for value in (0, 1, 7):
            sock.setsockopt(opt, value)
        einval(zl, sock.setsockopt, opt, -1)
    else:
        for value in (0, 1):
            einval(zl, sock.setsockopt, opt, value)
    einval(zl, sock.getsockopt, opt)


@pytest.mark.zmqlite_only(reason=DRAFT)
@pytest.mark.parametrize("type_name", ALL_TYPES)
def test_router_notify_option(zl, ctx, type_name):
    """As libzmq's draft build: ROUTER (and REP, a ROUTER there) take 0 to 3,
    the NOTIFY_* bits; getsockopt reads it back on any type (0 if unset)."""
    sock = ctx.socket(getattr(zl, type_name))
    assert sock.getsockopt(zl.ROUTER_NOTIFY) == 0
    if type_name in ("ROUTER", "REP"):
        for value in (zl.NOTIFY_CONNECT, zl.NOTIFY_DISCONNECT, 0, zl.NOTIFY_CONNECT | zl.NOTIFY_DISCONNECT):
            sock.setsockopt(zl.ROUTER_NOTIFY, value)
            assert sock.getsockopt(zl.ROUTER_NOTIFY) == value
        einval(zl, sock.setsockopt, zl.ROUTER_NOTIFY, 4)
        einval(zl, sock.setsockopt, zl.ROUTER_NOTIFY, -1)
        assert sock.router_notify == 3
    else:
        einval(zl, sock.setsockopt, zl.ROUTER_NOTIFY, 1)


# -------------------------------------------------------------- REQ_RELAXED


@pytest.fixture
def req_router(zl, ctx, endpoint, transport, bound):
    """Factory: a ROUTER bound and a REQ (with options) connected to it."""

    def make(**opts):
        router = ctx.socket(zl.ROUTER)
        req = ctx.socket(zl.REQ)
        for name, value in opts.items():
            req.setsockopt(getattr(zl, name), value)
        connect_pair(router, req, endpoint(transport), bound)
        return req, router

    return make


def test_strict_req_is_efsm_until_the_whole_reply_is_read(zl, req_router):
    """Without REQ_RELAXED a REQ sends again only once it has read the last
    frame of the reply: EFSM (and no POLLOUT) until then."""
    req, router = req_router()
    req.send(b"a")
    rid, delim, body = recv_multipart(router)
    assert (delim, body) == (b"", b"a")
    assert not req.poll(0, zl.POLLOUT)
    with pytest.raises(zl.ZMQError) as info:
        req.send(b"b")
    assert info.value.errno == zl.EFSM
    router.send_multipart([rid, b"", b"r1", b"r2"])
    assert recv(req) == b"r1"
    with pytest.raises(zl.ZMQError) as info:  # half the reply read
        req.send(b"b", zl.NOBLOCK)
    assert info.value.errno == zl.EFSM
    assert req.recv() == b"r2"
    assert req.poll(1000, zl.POLLOUT)
    req.send(b"b")
    assert recv_multipart(router)[1:] == [b"", b"b"]


def test_relaxed_req_sends_again_and_takes_the_late_reply(zl, req_router):
    """REQ_RELAXED without REQ_CORRELATE: a second request may go before the
    reply; nothing tells the replies apart, so the first one to come from the
    peer (here, the late answer to the first request) is taken; recv() is then
    EFSM until the next send."""
    req, router = req_router(REQ_RELAXED=1)
    req.send(b"a")
    first = recv_multipart(router)
    assert req.poll(0, zl.POLLOUT)
    req.send(b"b")
    second = recv_multipart(router)
    assert first[1:] == [b"", b"a"] and second[1:] == [b"", b"b"]
    router.send_multipart(first[:2] + [b"reply to a"])
    router.send_multipart(second[:2] + [b"reply to b"])
    assert recv_multipart(req) == [b"reply to a"]
    with pytest.raises(zl.ZMQError) as info:
        req.recv(zl.NOBLOCK)
    assert info.value.errno == zl.EFSM
    assert req.poll(0, zl.POLLOUT) and not req.poll(100, zl.POLLIN)


def test_relaxed_send_drops_the_reply_that_came_first(zl, req_router):
    """A reply already received when the next request goes is no answer to
    it: the new send drops it (libzmq's req.cpp eats every waiting message)."""
    req, router = req_router(REQ_RELAXED=1)
    req.send(b"a")
    first = recv_multipart(router)
    router.send_multipart(first[:2] + [b"reply to a"])
    assert req.poll(5000, zl.POLLIN)  # it is there, unread
    req.send(b"b")
    assert not req.poll(100, zl.POLLIN)
    second = recv_multipart(router)
    router.send_multipart(second[:2] + [b"reply to b"])
    assert recv_multipart(req) == [b"reply to b"]


def test_relaxed_send_gives_up_the_rest_of_a_reply(zl, req_router):
    """The unread frames of a reply half read are given up by a relaxed send."""
    req, router = req_router(REQ_RELAXED=1)
    req.send(b"a")
    first = recv_multipart(router)
    router.send_multipart(first[:2] + [b"r1", b"r2", b"r3"])
    assert recv(req) == b"r1"
    req.send(b"b")
    second = recv_multipart(router)
    router.send_multipart(second[:2] + [b"s1"])
    assert recv_multipart(req) == [b"s1"]


def test_relaxed_req_recv_before_any_send_is_efsm(zl, ctx):
    req = ctx.socket(zl.REQ)
    req.setsockopt(zl.REQ_RELAXED, 1)
    with pytest.raises(zl.ZMQError) as info:
        req.recv(zl.NOBLOCK)
    assert info.value.errno == zl.EFSM


def test_relaxed_req_whose_peer_went_away_asks_another(zl, ctx, endpoint, transport, bound):
    """The Lazy Pirate's client (ZeroMQ guide, chapter 4): the REP that took the
    request dies without answering; a relaxed, correlated REQ asks again until
    another REP answers, and takes only the answer to its last request."""
    req = ctx.socket(zl.REQ)
    req.setsockopt(zl.REQ_RELAXED, 1)
    req.setsockopt(zl.REQ_CORRELATE, 1)
    addr = bound(req, endpoint(transport))
    dead = ctx.socket(zl.REP)
    dead.connect(addr)
    req.send(b"try 0")
    assert recv(dead) == b"try 0"
    dead.close(linger=0)
    alive = ctx.socket(zl.REP)
    alive.connect(addr)
    for attempt in range(1, 30):
        req.send(b"try %d" % attempt)
        if alive.poll(300, zl.POLLIN):
            alive.send(b"answer to " + alive.recv())
            break
    else:
        pytest.fail("the second REP never got a request")
    assert recv_multipart(req) == [b"answer to try %d" % attempt]


def test_lazy_pirate_server_restarts(zl, ctx, ipc_dir, wire_transport):
    """Lazy Pirate against a restarted server at the same endpoint: the
    request the first server took is asked again of the second one."""
    if wire_transport == "tcp":
        addr = free_tcp_endpoint()
    else:
        addr = "ipc://%s/pirate.ipc" % ipc_dir
    req = ctx.socket(zl.REQ)
    req.setsockopt(zl.REQ_RELAXED, 1)
    req.setsockopt(zl.REQ_CORRELATE, 1)
    req.setsockopt(zl.RECONNECT_IVL, 20)
    req.connect(addr)
    first = ctx.socket(zl.REP)
    bind_retry(first, addr)
    req.send(b"work")
    assert recv(first) == b"work"
    first.close(linger=0)
    assert not req.poll(100, zl.POLLIN)
    second = ctx.socket(zl.REP)
    bind_retry(second, addr)
    req.send(b"work again")
    assert recv(second) == b"work again"
    second.send(b"done")
    assert recv_multipart(req) == [b"done"]


# ------------------------------------------------------------ REQ_CORRELATE


def test_correlate_puts_a_request_id_frame_first(zl, req_router):
    """The request id is a 4-byte frame before the empty delimiter, one more
    for each request (libzmq copies a uint32 in the host's byte order)."""
    req, router = req_router(REQ_CORRELATE=1)
    ids = []
    for i in range(3):
        req.send_multipart([b"q%d" % i, b"more"])
        rid, request_id, delim, body, more = recv_multipart(router)
        assert (delim, body, more) == (b"", b"q%d" % i, b"more")
        assert len(request_id) == 4
        ids.append(struct.unpack("=I", request_id)[0])
        router.send_multipart([rid, request_id, b"", b"a%d" % i])
        assert recv_multipart(req) == [b"a%d" % i]
    assert [(b - a) % 2**32 for a, b in zip(ids, ids[1:])] == [1, 1]


def test_correlate_drops_replies_without_the_right_id(zl, req_router):
    """Only [id of the last request, b"", body...] is a reply; a wrong id, a
    missing one, or an id without the delimiter after it is dropped."""
    req, router = req_router(REQ_CORRELATE=1)
    req.send(b"q")
    rid, request_id, _, _ = recv_multipart(router)
    wrong = struct.pack("=I", (struct.unpack("=I", request_id)[0] + 1) % 2**32)
    router.send_multipart([rid, wrong, b"", b"wrong id"])
    router.send_multipart([rid, b"", b"no id"])
    router.send_multipart([rid, request_id, b"", b"right", b"two"])
    assert recv_reply(zl, req) == [b"right", b"two"]
    assert not req.poll(100, zl.POLLIN)


def test_correlate_poll_sees_the_reply_after_a_skipped_one(zl, req_router):
    """POLLIN counts what recv() will skip, as libzmq's REQ: recv() then says
    EAGAIN, and the real reply coming after it wakes poll() again."""
    req, router = req_router(REQ_CORRELATE=1)
    req.send(b"q")
    rid, request_id, _, _ = recv_multipart(router)
    wrong = struct.pack("=I", (struct.unpack("=I", request_id)[0] - 1) % 2**32)
    router.send_multipart([rid, wrong, b"", b"stale"])
    assert req.poll(5000, zl.POLLIN)
    with pytest.raises(zl.Again):
        req.recv(zl.NOBLOCK)
    router.send_multipart([rid, request_id, b"", b"real"])
    assert req.poll(5000, zl.POLLIN)
    assert req.recv_multipart(zl.NOBLOCK) == [b"real"]


def test_correlate_and_relaxed_drop_the_late_reply(zl, req_router):
    """With both options a reply to an earlier request that comes after the
    next request went is dropped: only the last request's reply counts."""
    req, router = req_router(REQ_CORRELATE=1, REQ_RELAXED=1)
    req.send(b"a")
    first = recv_multipart(router)
    req.send(b"b")
    second = recv_multipart(router)
    assert first[1] != second[1]
    router.send_multipart(first[:3] + [b"reply to a"])
    router.send_multipart(second[:3] + [b"reply to b"])
    assert recv_reply(zl, req) == [b"reply to b"]
    assert not req.poll(100, zl.POLLIN)


def test_correlate_with_rep(zl, ctx, endpoint, transport, bound):
    """A REP keeps the id frame as part of the envelope and sends it back."""
    rep = ctx.socket(zl.REP)
    req = ctx.socket(zl.REQ)
    req.setsockopt(zl.REQ_CORRELATE, 1)
    connect_pair(rep, req, endpoint(transport), bound)
    for i in range(3):
        req.send(b"q%d" % i)
        assert recv_multipart(rep) == [b"q%d" % i]
        rep.send(b"a%d" % i)
        assert recv_multipart(req) == [b"a%d" % i]


# ------------------------------------------------------------- PROBE_ROUTER


@pytest.mark.parametrize("type_name", ["DEALER", "REQ", "ROUTER"])
def test_probe_from_a_connecting_peer(zl, ctx, endpoint, transport, bound, type_name):
    """A socket with PROBE_ROUTER that connects to a ROUTER sends an empty
    message first: the ROUTER learns [routing id, b""] before anything else."""
    router = ctx.socket(zl.ROUTER)
    peer = ctx.socket(getattr(zl, type_name))
    peer.setsockopt(zl.PROBE_ROUTER, 1)
    peer.setsockopt(zl.ROUTING_ID, b"peer")
    connect_pair(router, peer, endpoint(transport), bound)
    assert recv_multipart(router) == [b"peer", b""]
    assert_no_message(router, 100)
    router.send_multipart([b"peer", b"", b"hello"])  # the ROUTER can speak first
    if type_name == "ROUTER":
        assert recv_multipart(peer)[1:] == [b"", b"hello"]
    elif type_name == "DEALER":
        assert recv_multipart(peer) == [b"", b"hello"]


def test_probe_before_the_binder_exists(zl, ctx, endpoint, transport, bound):
    """The probe waits in the pipe made at connect() and goes first."""
    if transport == "tcp":
        addr = free_tcp_endpoint()
    else:
        addr = endpoint(transport)
    dealer = ctx.socket(zl.DEALER)
    dealer.setsockopt(zl.PROBE_ROUTER, 1)
    dealer.setsockopt(zl.ROUTING_ID, b"early")
    dealer.connect(addr)
    dealer.send(b"first")
    router = ctx.socket(zl.ROUTER)
    bind_retry(router, addr)
    assert recv_multipart(router) == [b"early", b""]
    assert recv_multipart(router) == [b"early", b"first"]


def test_probe_is_not_sent_again_on_reconnecting(zl, ctx):
    """libzmq writes the probe once, when the pipe is attached; a connecting
    socket keeps its pipe across reconnections, so a ROUTER restarted at the
    same endpoint gets no probe (libzmq issue #1092)."""
    addr = free_tcp_endpoint()
    dealer = ctx.socket(zl.DEALER)
    dealer.setsockopt(zl.PROBE_ROUTER, 1)
    dealer.setsockopt(zl.ROUTING_ID, b"d")
    dealer.setsockopt(zl.RECONNECT_IVL, 20)
    dealer.connect(addr)
    first = ctx.socket(zl.ROUTER)
    bind_retry(first, addr)
    assert recv_multipart(first) == [b"d", b""]
    first.close(linger=0)
    second = ctx.socket(zl.ROUTER)
    bind_retry(second, addr)
    for _ in range(100):  # until the DEALER is back: what it sends arrives
        dealer.send(b"ping")
        if second.poll(100, zl.POLLIN):
            break
    assert recv_multipart(second) == [b"d", b"ping"]


def test_probe_from_a_rep(zl, ctx, endpoint, transport, bound):
    """A REP takes PROBE_ROUTER too (it is a ROUTER inside libzmq): its DEALER
    peer gets one empty message."""
    dealer = ctx.socket(zl.DEALER)
    rep = ctx.socket(zl.REP)
    rep.setsockopt(zl.PROBE_ROUTER, 1)
    connect_pair(dealer, rep, endpoint(transport), bound)
    assert recv_multipart(dealer) == [b""]
    assert_no_message(dealer, 100)


@pytest.mark.zmqlite_only(
    reason="libzmq 4.3.5 queues the probe of a pipe made on accepting (or at bind, inproc) but "
    "sends it only once the peer has sent something (measured); zmqlite sends it at once, as "
    "the zmq_setsockopt page says ('when a new connection is made or accepted')"
)
def test_probe_from_the_binding_side(zl, ctx, endpoint, transport, bound):
    router = ctx.socket(zl.ROUTER)
    router.setsockopt(zl.PROBE_ROUTER, 1)
    router.setsockopt(zl.ROUTING_ID, b"server")
    dealer = ctx.socket(zl.DEALER)
    connect_pair(router, dealer, endpoint(transport), bound)
    assert recv_multipart(dealer) == [b""]
    peer = ctx.socket(zl.ROUTER)
    peer.connect(router.getsockopt(zl.LAST_ENDPOINT).decode())
    assert recv_multipart(peer) == [b"server", b""]


# ------------------------------------------------------------ ROUTER_NOTIFY


@pytest.fixture
def notifying_router(zl, ctx, endpoint, bound):
    def make(transport, flags):
        router = ctx.socket(zl.ROUTER)
        router.setsockopt(zl.ROUTER_NOTIFY, flags)
        return router, bound(router, endpoint(transport))

    return make


@pytest.mark.zmqlite_only(reason=DRAFT)
@pytest.mark.parametrize("flags", [1, 2, 3])
def test_router_notify_connect_and_disconnect(zl, ctx, notifying_router, wire_transport, flags):
    router, addr = notifying_router(wire_transport, flags)
    dealer = ctx.socket(zl.DEALER)
    dealer.setsockopt(zl.ROUTING_ID, b"d1")
    dealer.connect(addr)
    if flags & zl.NOTIFY_CONNECT:
        assert recv_multipart(router) == [b"d1", b""]
    dealer.send(b"x")
    assert recv_multipart(router) == [b"d1", b"x"]
    dealer.close(linger=0)
    if flags & zl.NOTIFY_DISCONNECT:
        assert recv_multipart(router) == [b"d1", b""]
    assert_no_message(router, 100)


@pytest.mark.zmqlite_only(reason=DRAFT)
def test_router_notify_on_the_connecting_side(zl, ctx, endpoint, bound, wire_transport):
    """A connecting ROUTER hears of each connection its endpoint makes and
    loses: the peer restarting is a disconnect, then a connect."""
    if wire_transport == "tcp":
        addr = free_tcp_endpoint()
    else:
        addr = endpoint("ipc")
    router = ctx.socket(zl.ROUTER)
    router.setsockopt(zl.ROUTER_NOTIFY, 3)
    router.setsockopt(zl.RECONNECT_IVL, 20)
    router.connect(addr)
    for _ in range(2):
        dealer = ctx.socket(zl.DEALER)
        dealer.setsockopt(zl.ROUTING_ID, b"server")
        bind_retry(dealer, addr)
        assert recv_multipart(router) == [b"server", b""]
        router.send_multipart([b"server", b"hi"])
        assert recv(dealer) == b"hi"
        dealer.close(linger=0)
        assert recv_multipart(router) == [b"server", b""]


@pytest.mark.zmqlite_only(reason=DRAFT)
def test_router_notify_applies_to_later_connections(zl, ctx, notifying_router, wire_transport):
    """As every option libzmq copies into a connection when it is made."""
    router, addr = notifying_router(wire_transport, 0)
    early = ctx.socket(zl.DEALER)
    early.setsockopt(zl.ROUTING_ID, b"early")
    early.connect(addr)
    early.send(b"here")
    assert recv_multipart(router) == [b"early", b"here"]
    router.setsockopt(zl.ROUTER_NOTIFY, 3)
    late = ctx.socket(zl.DEALER)
    late.setsockopt(zl.ROUTING_ID, b"late")
    late.connect(addr)
    assert recv_multipart(router) == [b"late", b""]
    early.close(linger=0)
    late.close(linger=0)
    assert recv_multipart(router) == [b"late", b""]
    assert_no_message(router, 200)


@pytest.mark.zmqlite_only(reason=DRAFT)
def test_router_notify_says_nothing_over_inproc(zl, ctx, notifying_router):
    """libzmq's notices come from a connection's engine; inproc has none."""
    router, addr = notifying_router("inproc", 3)
    dealer = ctx.socket(zl.DEALER)
    dealer.setsockopt(zl.ROUTING_ID, b"d")
    dealer.connect(addr)
    dealer.send(b"x")
    assert recv_multipart(router) == [b"d", b"x"]
    dealer.close(linger=0)
    assert_no_message(router, 200)


# ------------------------------------------------- interop with real pyzmq


@pytest.mark.parametrize("py_type", ["REP", "ROUTER"])
def test_interop_zl_correlated_req(zl, link, py_type):
    """zmqlite's correlated, relaxed REQ against libzmq's REP and ROUTER."""
    req, theirs = link("REQ", py_type, zl_opts={"REQ_CORRELATE": 1, "REQ_RELAXED": 1})
    if py_type == "REP":
        for i in range(3):
            req.send(b"q%d" % i)
            assert recv_multipart(theirs) == [b"q%d" % i]
            theirs.send(b"a%d" % i)
            assert recv_multipart(req) == [b"a%d" % i]
        return
    req.send(b"a")
    first = recv_multipart(theirs)
    req.send(b"b")
    second = recv_multipart(theirs)
    assert [len(first[1]), first[2:]] == [4, [b"", b"a"]]
    assert (struct.unpack("=I", second[1])[0] - struct.unpack("=I", first[1])[0]) % 2**32 == 1
    theirs.send_multipart(first[:3] + [b"late"])
    theirs.send_multipart(second[:3] + [b"current"])
    assert recv_reply(zl, req) == [b"current"]


@pytest.mark.parametrize("zl_type", ["REP", "ROUTER"])
def test_interop_py_correlated_req(zl, link, zl_type):
    """libzmq's correlated REQ against zmqlite's REP and ROUTER."""
    mine, req = link(zl_type, "REQ", py_opts={"REQ_CORRELATE": 1})
    req.send(b"q")
    if zl_type == "REP":
        assert recv_multipart(mine) == [b"q"]
        mine.send(b"a")
    else:
        rid, request_id, delim, body = recv_multipart(mine)
        assert (len(request_id), delim, body) == (4, b"", b"q")
        wrong = struct.pack("=I", (struct.unpack("=I", request_id)[0] + 1) % 2**32)
        mine.send_multipart([rid, wrong, b"", b"answer to no request"])
        mine.send_multipart([rid, request_id, b"", b"a"])
    assert recv_reply(pyzmq, req) == [b"a"]


@pytest.mark.parametrize("direction", ["zl_probes", "py_probes"])
def test_interop_probe(zl, ctx, pyctx, endpoint, bound, wire_transport, direction):
    """A connecting DEALER's probe reaches the other library's ROUTER."""
    if direction == "zl_probes":
        dealer, router = ctx.socket(zl.DEALER), pyctx.socket(pyzmq.ROUTER)
    else:
        dealer, router = pyctx.socket(pyzmq.DEALER), ctx.socket(zl.ROUTER)
    dealer.setsockopt(pyzmq.PROBE_ROUTER, 1)
    dealer.setsockopt(pyzmq.ROUTING_ID, b"prober")
    connect_pair(router, dealer, endpoint(wire_transport), bound)
    assert recv_multipart(router) == [b"prober", b""]
    router.send_multipart([b"prober", b"welcome"])
    assert recv_multipart(dealer) == [b"welcome"]


@pytest.mark.zmqlite_only(reason=DRAFT)
def test_interop_router_notify_sees_a_pyzmq_dealer(zl, ctx, pyctx, notifying_router, wire_transport):
    router, addr = notifying_router(wire_transport, 3)
    dealer = pyctx.socket(pyzmq.DEALER)
    dealer.setsockopt(pyzmq.ROUTING_ID, b"libzmq")
    dealer.connect(addr)
    assert recv_multipart(router) == [b"libzmq", b""]
    dealer.send(b"x")
    assert recv_multipart(router) == [b"libzmq", b"x"]
    dealer.close(linger=0)
    assert recv_multipart(router) == [b"libzmq", b""]
