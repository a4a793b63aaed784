"""RFC 28/REQREP: REQ and REP, zmqlite on both ends, on every transport."""

import pytest

from helpers import assert_no_message, connect_pair, recv, recv_multipart

pytestmark = pytest.mark.timeout(10)


@pytest.fixture
def req_rep(zl, ctx, endpoint, transport, bound):
    """A REP bound and a REQ connected to it."""
    rep = ctx.socket(zl.REP)
    req = ctx.socket(zl.REQ)
    connect_pair(rep, req, endpoint(transport), bound)
    return req, rep


def test_echo_round_trips(req_rep):
    """RFC 28, REQ: "SHALL send and then receive exactly one message at a time."
    REP: "SHALL deliver this message back to the originating peer."
    """
    req, rep = req_rep
    for i in range(5):
        body = b"request %d" % i
        req.send(body)
        assert recv(rep) == body
        rep.send(b"reply %d" % i)
        assert recv(req) == b"reply %d" % i


def test_multipart_request_and_reply(zl, req_rep):
    """RFC 28, REP: "SHALL remove and store the address envelope, including the
    delimiter." and "SHALL pass the remaining data frames to its calling
    application." -- every data frame, in order, boundaries kept.
    """
    req, rep = req_rep
    req.send_multipart([b"a", b"", b"ccc"])
    assert recv_multipart(rep) == [b"a", b"", b"ccc"]
    assert rep.getsockopt(zl.RCVMORE) == 0  # after the last frame
    rep.send_multipart([b"x", b"yy"])
    assert recv_multipart(req) == [b"x", b"yy"]


def test_empty_message(req_rep):
    """RFC 28, REQ: "SHALL prefix the outgoing message with an empty delimiter
    frame." An empty body frame after it is data, not a second delimiter.
    """
    req, rep = req_rep
    req.send(b"")
    assert recv_multipart(rep) == [b""]
    rep.send(b"")
    assert recv_multipart(req) == [b""]


def test_req_send_twice_is_efsm(zl, req_rep):
    """RFC 28, REQ: "SHALL send and then receive exactly one message at a time."
    A second send before the reply is a state error: EFSM, as libzmq.
    """
    req, rep = req_rep
    req.send(b"first")
    with pytest.raises(zl.ZMQError) as info:
        req.send(b"second", zl.NOBLOCK)
    assert info.value.errno == zl.EFSM
    # the socket is still usable: the first request completes normally
    assert recv(rep) == b"first"
    rep.send(b"ok")
    assert recv(req) == b"ok"


def test_req_recv_first_is_efsm(zl, req_rep):
    """RFC 28, REQ: "SHALL send and then receive exactly one message at a time."
    Receiving before sending is EFSM.
    """
    req, _ = req_rep
    with pytest.raises(zl.ZMQError) as info:
        req.recv(zl.NOBLOCK)
    assert info.value.errno == zl.EFSM


def test_rep_send_first_is_efsm(zl, req_rep):
    """RFC 28, REP: "SHALL receive and then send exactly one message at a time."
    Sending before any request is EFSM.
    """
    _, rep = req_rep
    with pytest.raises(zl.ZMQError) as info:
        rep.send(b"unsolicited", zl.NOBLOCK)
    assert info.value.errno == zl.EFSM


def test_rep_recv_twice_without_reply_is_efsm(zl, req_rep):
    """RFC 28, REP: "SHALL receive and then send exactly one message at a time."
    Receiving again before replying is EFSM.
    """
    req, rep = req_rep
    req.send(b"q")
    assert recv(rep) == b"q"
    with pytest.raises(zl.ZMQError) as info:
        rep.recv(zl.NOBLOCK)
    assert info.value.errno == zl.EFSM


def test_req_round_robins_over_reps(zl, ctx, endpoint, transport, bound):
    """RFC 28, REQ: "SHALL route outgoing messages to connected peers using a
    round-robin strategy." Connect-side pipes exist from connect(), so the
    alternation is exact from the first request.
    """
    rep_a, rep_b = ctx.socket(zl.REP), ctx.socket(zl.REP)
    req = ctx.socket(zl.REQ)
    req.connect(bound(rep_a, endpoint(transport)))
    req.connect(bound(rep_b, endpoint(transport)))
    poller = zl.Poller()
    poller.register(rep_a, zl.POLLIN)
    poller.register(rep_b, zl.POLLIN)
    served = []
    for i in range(6):
        req.send(b"%d" % i)
        events = dict(poller.poll(5000))
        assert len(events) == 1, events
        rep = rep_a if rep_a in events else rep_b
        assert rep.recv() == b"%d" % i
        rep.send(b"r%d" % i)
        assert recv(req) == b"r%d" % i
        served.append("a" if rep is rep_a else "b")
    assert served in (["a", "b"] * 3, ["b", "a"] * 3)


def test_rep_replies_to_originating_peer(zl, ctx, endpoint, transport, bound):
    """RFC 28, REP: "SHALL receive incoming messages from its peers using a
    fair-queuing strategy." and "SHALL deliver this message back to the
    originating peer."
    """
    rep = ctx.socket(zl.REP)
    addr = bound(rep, endpoint(transport))
    reqs = [ctx.socket(zl.REQ) for _ in range(3)]
    for i, req in enumerate(reqs):
        req.connect(addr)
        req.send(b"from %d" % i)
    seen = set()
    for _ in reqs:
        body = recv(rep)
        seen.add(body)
        rep.send(b"back " + body)
    assert seen == {b"from 0", b"from 1", b"from 2"}
    for i, req in enumerate(reqs):
        assert recv(req) == b"back from %d" % i
        assert_no_message(req, 50)
