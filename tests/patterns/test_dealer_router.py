"""RFC 28/REQREP: DEALER and ROUTER (and their meeting with REQ and REP), on every transport.

zmqlite on both ends.  Peers that must be attached before an assertion is
exact are made so by a round trip first, never by sleeping.
"""

import threading
import time

import pytest

from helpers import assert_no_message, recv, recv_multipart

pytestmark = pytest.mark.timeout(20)

WAIT_S = 5.0


def router_send_when_routable(zl, router, frames, timeout=WAIT_S):
    """Send ``frames`` from a ROUTER with ROUTER_MANDATORY set, retrying while
    the peer named by ``frames[0]`` is not connected yet (EHOSTUNREACH).

    This is how a test learns, without sleeping, that a connection whose
    routing id it knows has finished its handshake.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            router.send_multipart(frames, zl.NOBLOCK)
            return
        except zl.ZMQError as exc:
            if exc.errno not in (zl.EHOSTUNREACH, zl.EAGAIN) or time.monotonic() > deadline:
                raise
        router.poll(10, zl.POLLOUT)  # a short bounded wait between attempts


def fill_until_blocked(zl, sock, prefix, size=4096, limit=200_000, settle_ms=300):
    """Send ``prefix + counter`` messages without blocking until the HWM holds.

    Returns the number sent.  A first EAGAIN only means the I/O thread has not
    drained the pipe yet, so the sender waits for POLLOUT; once the pipe stays
    full for ``settle_ms`` every buffer on the way is full, the receiver's
    pipe included: it then holds a backlog from this peer that cannot run dry
    while it reads.
    """
    pad = b"." * size
    n = 0
    while n < limit:
        try:
            sock.send(prefix + b"%06d" % n + pad, zl.NOBLOCK)
            n += 1
        except zl.ZMQError as exc:
            if exc.errno != zl.EAGAIN:
                raise
            if not sock.poll(settle_ms, zl.POLLOUT):
                return n
    raise AssertionError(f"{limit} messages sent and the HWM never applied")


# --- DEALER ---------------------------------------------------------------


def test_dealer_round_robins_over_rep_peers(zl, ctx, endpoint, transport, bound):
    """RFC 28, DEALER: "SHALL route outgoing messages to available peers using
    a round-robin strategy."  Against REP the DEALER sends the empty delimiter
    itself, and each REP answers with it.
    """
    rep_a, rep_b = ctx.socket(zl.REP), ctx.socket(zl.REP)
    dealer = ctx.socket(zl.DEALER)
    dealer.connect(bound(rep_a, endpoint(transport)))
    dealer.connect(bound(rep_b, endpoint(transport)))

    # warm-up: ping until each REP has answered once, so both connections are
    # up whatever the order in which they complete
    poller = zl.Poller()
    poller.register(rep_a, zl.POLLIN)
    poller.register(rep_b, zl.POLLIN)
    answered = set()
    deadline = time.monotonic() + WAIT_S
    while answered != {rep_a, rep_b}:
        assert time.monotonic() < deadline, "both REPs never answered"
        dealer.send_multipart([b"", b"warm"])
        events = dict(poller.poll(int(WAIT_S * 1000)))
        assert len(events) == 1, events
        (rep,) = events
        assert rep.recv() == b"warm"
        rep.send(b"ok")
        assert recv_multipart(dealer) == [b"", b"ok"]
        answered.add(rep)

    got = {rep_a: [], rep_b: []}
    for i in range(10):
        dealer.send_multipart([b"", b"%d" % i])
    for _ in range(5):
        for rep in (rep_a, rep_b):
            body = recv(rep)
            got[rep].append(body)
            rep.send(b"re " + body)
    evens = [b"%d" % i for i in range(0, 10, 2)]
    odds = [b"%d" % i for i in range(1, 10, 2)]
    assert sorted([got[rep_a], got[rep_b]]) == [evens, odds]
    replies = [recv_multipart(dealer) for _ in range(10)]
    assert sorted(replies) == sorted([b"", b"re %d" % i] for i in range(10))
    assert_no_message(rep_a, 50)
    assert_no_message(rep_b, 50)


def test_dealer_round_robins_over_routers_once_connected(zl, ctx, endpoint, transport, bound):
    """RFC 28, DEALER: "SHALL route outgoing messages to available peers using
    a round-robin strategy."  Here the DEALER binds and two ROUTERs connect;
    a message from each ROUTER to the DEALER proves both connections are up
    before the count starts.
    """
    dealer = ctx.socket(zl.DEALER)
    dealer.setsockopt(zl.ROUTING_ID, b"the-dealer")
    addr = bound(dealer, endpoint(transport))
    routers = [ctx.socket(zl.ROUTER) for _ in range(2)]
    for name, router in zip((b"A", b"B"), routers):
        router.setsockopt(zl.ROUTER_MANDATORY, 1)
        router.connect(addr)
        router_send_when_routable(zl, router, [b"the-dealer", b"hello from " + name])
    assert sorted(recv(dealer) for _ in range(2)) == [b"hello from A", b"hello from B"]

    for i in range(10):
        dealer.send(b"%d" % i)
    got = [[recv_multipart(r)[1] for _ in range(5)] for r in routers]
    evens = [b"%d" % i for i in range(0, 10, 2)]
    odds = [b"%d" % i for i in range(1, 10, 2)]
    assert sorted(got) == [evens, odds]
    for router in routers:
        assert_no_message(router, 50)


def test_dealer_fair_queues_incoming(zl, ctx, endpoint, transport, bound):
    """RFC 28, DEALER: "SHALL receive incoming messages from its peers using a
    fair-queuing strategy."  Both senders fill every buffer up to their HWM
    (so the DEALER holds a backlog from each that cannot run dry); reading
    then alternates strictly between them.
    """
    dealer = ctx.socket(zl.DEALER)
    dealer.setsockopt(zl.RCVHWM, 50)
    addr = bound(dealer, endpoint(transport))
    senders = []
    for _ in range(2):
        sender = ctx.socket(zl.DEALER)
        sender.setsockopt(zl.SNDHWM, 50)
        sender.connect(addr)
        senders.append(sender)
    # a first message from each, so both pipes are attached before the flood
    senders[0].send(b"A-hello")
    senders[1].send(b"B-hello")
    assert sorted(recv(dealer) for _ in range(2)) == [b"A-hello", b"B-hello"]

    sent = [fill_until_blocked(zl, senders[0], b"A"), fill_until_blocked(zl, senders[1], b"B")]
    assert min(sent) >= 50
    first = [recv(dealer)[:7] for _ in range(40)]
    origins = [m[:1] for m in first]
    assert origins in ([b"A", b"B"] * 20, [b"B", b"A"] * 20), origins
    # and each peer's messages come in the order that peer sent them
    assert [m for m in first if m[:1] == b"A"] == [b"A%06d" % i for i in range(20)]
    assert [m for m in first if m[:1] == b"B"] == [b"B%06d" % i for i in range(20)]


# --- ROUTER ---------------------------------------------------------------


def test_router_sees_routing_id_set_before_connect(zl, ctx, endpoint, transport, bound):
    """RFC 28, ROUTER: "SHALL prepend a message part containing the identity of
    the originating peer" -- the id a peer chose with ROUTING_ID, byte for byte.
    """
    router = ctx.socket(zl.ROUTER)
    addr = bound(router, endpoint(transport))
    ids = [b"alice", b"\x01\xffbin\x00", b"x" * 255]
    dealers = []
    for rid in ids:
        dealer = ctx.socket(zl.DEALER)
        dealer.setsockopt(zl.ROUTING_ID, rid)
        dealer.connect(addr)
        dealer.send_multipart([b"from", rid])
        dealers.append(dealer)
    got = sorted(recv_multipart(router) for _ in ids)
    assert got == sorted([rid, b"from", rid] for rid in ids)
    # and the id routes the reply back to that peer
    for rid, dealer in zip(ids, dealers):
        router.send_multipart([rid, b"to", rid])
        assert recv_multipart(dealer) == [b"to", rid]


def test_router_generates_ids_for_anonymous_peers(zl, ctx, endpoint, transport, bound):
    """RFC 28, ROUTER: "SHALL create a double queue when a client connects to
    the socket" keyed by an identity.  libzmq generates 5 bytes, 0x00 then a
    counter (a leading 0 byte is reserved for generated ids); two anonymous
    peers get distinct ids, stable for the life of the connection.
    """
    router = ctx.socket(zl.ROUTER)
    addr = bound(router, endpoint(transport))
    dealers = [ctx.socket(zl.DEALER) for _ in range(2)]
    for i, dealer in enumerate(dealers):
        dealer.connect(addr)
        dealer.send(b"anon %d" % i)
    ids = {}
    for _ in dealers:
        rid, body = recv_multipart(router)
        assert len(rid) == 5 and rid[:1] == b"\x00", rid
        ids[body] = rid
    assert ids[b"anon 0"] != ids[b"anon 1"]
    # a second message on the same connection carries the same id
    dealers[0].send(b"again")
    assert recv_multipart(router) == [ids[b"anon 0"], b"again"]
    router.send_multipart([ids[b"anon 1"], b"reply"])
    assert recv(dealers[1]) == b"reply"
    assert_no_message(dealers[0], 50)


def test_router_routes_reply_only_to_named_peer(zl, ctx, endpoint, transport, bound):
    """RFC 28, ROUTER: "SHALL remove the first frame from the message and use
    that as the identity of the destination peer" -- and no other peer sees it.
    Multipart bodies travel whole.
    """
    router = ctx.socket(zl.ROUTER)
    addr = bound(router, endpoint(transport))
    peers = {}
    for rid in (b"p1", b"p2", b"p3"):
        dealer = ctx.socket(zl.DEALER)
        dealer.setsockopt(zl.ROUTING_ID, rid)
        dealer.connect(addr)
        dealer.send(b"hi")
        peers[rid] = dealer
    assert sorted(recv_multipart(router) for _ in peers) == [
        [b"p1", b"hi"], [b"p2", b"hi"], [b"p3", b"hi"]
    ]
    router.send_multipart([b"p2", b"part 1", b"", b"part 3"])
    assert recv_multipart(peers[b"p2"]) == [b"part 1", b"", b"part 3"]
    assert_no_message(peers[b"p1"], 100)
    assert_no_message(peers[b"p3"], 50)


def test_router_drops_unroutable_silently(zl, ctx, endpoint, transport, bound):
    """RFC 28, ROUTER: "If no such peer exists ... SHALL silently discard the
    message."  That is the default; the known peer still gets later messages.
    """
    router = ctx.socket(zl.ROUTER)
    addr = bound(router, endpoint(transport))
    dealer = ctx.socket(zl.DEALER)
    dealer.setsockopt(zl.ROUTING_ID, b"known")
    dealer.connect(addr)
    dealer.send(b"hi")
    assert recv_multipart(router) == [b"known", b"hi"]

    for i in range(100):  # far more than any HWM: dropping never blocks
        router.send_multipart([b"unknown", b"lost %d" % i], zl.NOBLOCK)
    router.send_multipart([b"known", b"delivered"])
    assert recv_multipart(dealer) == [b"delivered"]
    assert_no_message(dealer, 50)


def test_router_mandatory_raises_ehostunreach(zl, ctx, endpoint, transport, bound):
    """ROUTER_MANDATORY=1: a message for an unknown id fails with EHOSTUNREACH
    instead of vanishing (libzmq zmq_setsockopt(3)); the socket stays usable.
    """
    router = ctx.socket(zl.ROUTER)
    router.setsockopt(zl.ROUTER_MANDATORY, 1)
    addr = bound(router, endpoint(transport))
    with pytest.raises(zl.ZMQError) as info:
        router.send_multipart([b"nobody", b"x"])
    assert info.value.errno == zl.EHOSTUNREACH

    dealer = ctx.socket(zl.DEALER)
    dealer.setsockopt(zl.ROUTING_ID, b"somebody")
    dealer.connect(addr)
    dealer.send(b"hi")
    assert recv_multipart(router) == [b"somebody", b"hi"]
    with pytest.raises(zl.ZMQError) as info:
        router.send_multipart([b"nobody", b"x"])
    assert info.value.errno == zl.EHOSTUNREACH
    router.send_multipart([b"somebody", b"still works"])
    assert recv_multipart(dealer) == [b"still works"]
    assert_no_message(dealer, 50)


def test_req_to_router_envelope(zl, ctx, endpoint, transport, bound):
    """RFC 28, REQ: "SHALL prefix the outgoing message with an empty delimiter
    frame."  A ROUTER sees [id, b"", body]; replying with the same envelope
    delivers the body to the REQ as its reply.
    """
    router = ctx.socket(zl.ROUTER)
    addr = bound(router, endpoint(transport))
    req = ctx.socket(zl.REQ)
    req.setsockopt(zl.ROUTING_ID, b"client")
    req.connect(addr)
    for i in range(3):
        req.send_multipart([b"ask", b"%d" % i])
        assert recv_multipart(router) == [b"client", b"", b"ask", b"%d" % i]
        router.send_multipart([b"client", b"", b"answer %d" % i])
        assert recv_multipart(req) == [b"answer %d" % i]


def test_dealer_to_rep_with_explicit_delimiter(zl, ctx, endpoint, transport, bound):
    """RFC 28, REP: "SHALL remove and store the address envelope, including the
    delimiter" and prepend it to the reply: a DEALER that sends [b"", body]
    gets [b"", reply].  Frames before the delimiter form the envelope too.
    """
    rep = ctx.socket(zl.REP)
    addr = bound(rep, endpoint(transport))
    dealer = ctx.socket(zl.DEALER)
    dealer.connect(addr)
    dealer.send_multipart([b"", b"question"])
    assert recv_multipart(rep) == [b"question"]
    rep.send(b"answer")
    assert recv_multipart(dealer) == [b"", b"answer"]

    dealer.send_multipart([b"hop2", b"hop1", b"", b"q2", b"more"])
    assert recv_multipart(rep) == [b"q2", b"more"]
    rep.send(b"a2")
    assert recv_multipart(dealer) == [b"hop2", b"hop1", b"", b"a2"]


def _serve_rep(zl, rep, name, stop, served):
    """A REP worker: answer every request with name + request until ``stop``."""
    deadline = time.monotonic() + 15
    while not stop.is_set() and time.monotonic() < deadline:
        if rep.poll(20, zl.POLLIN):
            body = rep.recv()
            served.append(name)
            rep.send(body + b" by " + name)


def _broker(zl, frontend, backend, stop):
    """ROUTER<->DEALER relay: a bounded Poller loop, whole messages each way."""
    poller = zl.Poller()
    poller.register(frontend, zl.POLLIN)
    poller.register(backend, zl.POLLIN)
    deadline = time.monotonic() + 15
    while not stop.is_set() and time.monotonic() < deadline:
        events = dict(poller.poll(20))
        if frontend in events:
            backend.send_multipart(frontend.recv_multipart())
        if backend in events:
            frontend.send_multipart(backend.recv_multipart())


def test_req_router_dealer_rep_broker(zl, ctx, endpoint, transport, bound):
    """RFC 28 "Extended request-reply": a ROUTER front end and a DEALER back end
    relaying whole messages let 2 REQ clients reach 2 REP workers; the
    envelope REQ and ROUTER build brings every reply back to its client.
    """
    frontend, backend = ctx.socket(zl.ROUTER), ctx.socket(zl.DEALER)
    workers = [ctx.socket(zl.REP) for _ in range(2)]
    for w in workers:
        backend.connect(bound(w, endpoint(transport)))
    front_addr = bound(frontend, endpoint(transport))
    clients = [ctx.socket(zl.REQ) for _ in range(2)]
    for c in clients:
        c.connect(front_addr)

    stop = threading.Event()
    served = []
    threads = [threading.Thread(target=_broker, args=(zl, frontend, backend, stop), daemon=True)]
    for name, w in zip((b"w0", b"w1"), workers):
        threads.append(threading.Thread(target=_serve_rep, args=(zl, w, name, stop, served), daemon=True))
    for t in threads:
        t.start()
    try:
        for i in range(5):
            for n, c in enumerate(clients):
                c.send(b"c%d-r%d" % (n, i))
            for n, c in enumerate(clients):
                reply = recv(c)
                body, _, worker = reply.partition(b" by ")
                assert body == b"c%d-r%d" % (n, i)
                assert worker in (b"w0", b"w1")
    finally:
        stop.set()
        for t in threads:
            t.join(5)
    assert not any(t.is_alive() for t in threads)
    assert len(served) == 10
    assert set(served) == {b"w0", b"w1"}  # the DEALER spreads work over both


def test_xreq_xrep_are_dealer_router(zl):
    """The old names stay: XREQ is DEALER and XREP is ROUTER (libzmq zmq.h)."""
    assert zl.XREQ == zl.DEALER == 5
    assert zl.XREP == zl.ROUTER == 6


def test_router_handover_gives_id_to_new_peer(zl, ctx, endpoint, bound):
    """ROUTER_HANDOVER=1: a new connection announcing a routing id already in
    use takes it over; messages for that id then go to the newcomer only.
    (tcp: the old peer must not reconnect and take the id back while we look,
    so its reconnect interval is long.)
    """
    router = ctx.socket(zl.ROUTER)
    router.setsockopt(zl.ROUTER_HANDOVER, 1)
    addr = bound(router, endpoint("tcp"))
    old = ctx.socket(zl.DEALER)
    old.setsockopt(zl.ROUTING_ID, b"same")
    old.setsockopt(zl.RECONNECT_IVL, 60_000)
    old.connect(addr)
    old.send(b"from old")
    assert recv_multipart(router) == [b"same", b"from old"]

    new = ctx.socket(zl.DEALER)
    new.setsockopt(zl.ROUTING_ID, b"same")
    new.setsockopt(zl.RECONNECT_IVL, 60_000)
    new.connect(addr)
    new.send(b"from new")
    assert recv_multipart(router) == [b"same", b"from new"]
    router.send_multipart([b"same", b"for the owner"])
    assert recv_multipart(new) == [b"for the owner"]
    assert_no_message(old, 200)


def test_router_without_handover_keeps_first_peer(zl, ctx, endpoint, bound):
    """Default ROUTER_HANDOVER=0: the id stays with the first peer, and a second
    connection claiming it is refused (libzmq closes it), so its messages
    never arrive.  The first peer's own later messages prove we waited long
    enough.
    """
    router = ctx.socket(zl.ROUTER)
    addr = bound(router, endpoint("tcp"))
    first = ctx.socket(zl.DEALER)
    first.setsockopt(zl.ROUTING_ID, b"same")
    first.connect(addr)
    first.send(b"from first")
    assert recv_multipart(router) == [b"same", b"from first"]

    second = ctx.socket(zl.DEALER)
    second.setsockopt(zl.ROUTING_ID, b"same")
    second.connect(addr)
    second.send(b"from second")
    router.send_multipart([b"same", b"for the owner"])
    assert recv_multipart(first) == [b"for the owner"]
    first.send(b"first again")
    assert recv_multipart(router) == [b"same", b"first again"]
    assert_no_message(router, 200)
    assert_no_message(second, 50)
