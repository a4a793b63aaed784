"""The interop matrix: every compatible socket-type pair, zmqlite <-> pyzmq (libzmq 4.3).

One test per cell: socket-type pair x {tcp, ipc} x {zmqlite binds, pyzmq binds}
x which side zmqlite plays (one side only for PAIR-PAIR, DEALER-DEALER and
ROUTER-ROUTER, where both sides are the same type).  A cell exchanges one
message of each size in SIZES (around the short/long frame boundary at
255/256 bytes, and two large bodies) and a 3-frame multipart, in every
direction the pattern allows, and checks what the pair adds on top:
routing ids for ROUTER (RFC 28), the subscription filter for PUB/XPUB and
the subscription messages an XPUB reads (RFC 29).

test_interop.py and test_interop_types.py probe individual behaviours in
depth; this file checks that nothing falls through between the pairs.
Under ZMQLITE_TEST_IMPL=pyzmq every cell is pyzmq<->pyzmq, which validates it.
"""

import time

import pytest
import zmq as pyzmq

from conftest import WIRE_TRANSPORTS
from helpers import recv_multipart

pytestmark = pytest.mark.timeout(20)

WAIT_S = 5.0

#: 0 and 1 are the edges, 255/256 straddle the short/long frame boundary
SIZES = [0, 1, 255, 256, 65536, 1048576]

#: every compatible pair, as (type A, type B); A sends first
PAIRS = [
    ("PAIR", "PAIR"),
    ("PUSH", "PULL"),
    ("REQ", "REP"),
    ("REQ", "ROUTER"),
    ("DEALER", "REP"),
    ("DEALER", "DEALER"),
    ("DEALER", "ROUTER"),
    ("ROUTER", "ROUTER"),
    ("PUB", "SUB"),
    ("PUB", "XSUB"),
    ("XPUB", "SUB"),
    ("XPUB", "XSUB"),
]

#: pairs where only A can send data (B answers nothing, or only subscriptions)
ONE_WAY = {"PUSH", "PUB", "XPUB"}

# a non-repeating-looking pattern (251 is prime, so it never lines up with a
# power-of-two frame size); a message is a tag then this, cut to its size, so
# a body swapped with another of the same size or truncated is caught
_PATTERN = bytes(range(251)) * (SIZES[-1] // 251 + 1)


def body(tag, size):
    """``size`` bytes that say who sent them and how big they should be."""
    return (b"<%s %d>" % (tag, size) + _PATTERN)[:size]


def payloads(tag):
    """One single-frame message of each size, then a 3-frame multipart: short,
    empty (MORE on a zero-length frame) and long."""
    return [[body(tag, size)] for size in SIZES] + [
        [b"first " + tag, b"", body(b"third " + tag, 300)]
    ]


def _cells():
    for a, b in PAIRS:
        sides = (a,) if a == b else (a, b)
        for transport in WIRE_TRANSPORTS:
            for binds in ("zl_binds", "py_binds"):
                for zl_is in sides:
                    yield pytest.param(
                        a, b, transport, binds == "zl_binds", zl_is,
                        id=f"{a}-{b}-{transport}-{binds}-zl_is_{zl_is}",
                    )


CELLS = list(_cells())


def routing_id(sock_type, is_zl):
    return b"%s-%s" % (sock_type.encode(), b"zl" if is_zl else b"py")


# --- the halves of each pattern ------------------------------------------
# ``send(frames)`` on one side and ``expect(frames)`` on the other, with the
# envelope each pattern adds or strips applied, so every pair runs the same
# payload schedule.


class Side:
    def __init__(self, sock, sock_type, rid):
        self.sock = sock
        self.type = sock_type
        self.rid = rid


def _send(me, peer, frames):
    if me.type == "ROUTER":
        frames = [peer.rid] + ([b""] if peer.type == "REQ" else []) + frames
    elif me.type == "DEALER" and peer.type == "REP":
        frames = [b""] + frames  # a DEALER supplies the delimiter REQ would add
    me.sock.send_multipart(frames)


def _expect(me, peer, frames):
    if me.type == "ROUTER":
        # the ROUTER sees the id the peer set with ROUTING_ID (RFC 28), and
        # for a REQ peer the empty delimiter REQ put before the body
        frames = [peer.rid] + ([b""] if peer.type == "REQ" else []) + frames
    elif me.type == "DEALER" and peer.type == "REP":
        frames = [b""] + frames  # REP echoes the envelope ending in the delimiter
    got = recv_multipart(me.sock)
    assert [len(f) for f in got] == [len(f) for f in frames], "frame sizes differ"
    assert got == frames


def transfer(sender, receiver, frames):
    _send(sender, receiver, frames)
    _expect(receiver, sender, frames)


# --- publish-subscribe helpers -------------------------------------------


def subscribe(sub, topic):
    if sub.type == "XSUB":
        sub.sock.send(b"\x01" + topic)  # RFC 29: an XSUB subscribes by message
    else:
        sub.sock.setsockopt(pyzmq.SUBSCRIBE, topic)


def recv_nudging(sock, peer, timeout=WAIT_S):
    """Receive on ``sock`` while ``peer`` keeps processing its commands.

    libzmq attaches the pipe of an accepted connection only when the owning
    socket next handles its command mailbox, which it does only when the
    application calls into it; a bound SUB that sits idle never sends its
    subscriptions.  Reading EVENTS is such a call.
    """
    deadline = time.monotonic() + timeout
    while True:
        peer.getsockopt(pyzmq.EVENTS)
        if sock.poll(20, pyzmq.POLLIN):
            return sock.recv_multipart(pyzmq.NOBLOCK)
        assert time.monotonic() < deadline, f"no message within {timeout} s"


def subscribed(pub, sub, topic, sync_topic):
    """Subscribe ``sub`` to ``topic`` and return once ``pub`` applies it.

    An XPUB reads the subscription itself (and has applied it by then); a PUB
    cannot tell, so publish on a sync topic subscribed after ``topic`` until
    one arrives: subscriptions travel in order, so ``topic`` is live too.
    """
    subscribe(sub, topic)
    if pub.type == "XPUB":
        assert recv_nudging(pub.sock, sub.sock) == [b"\x01" + topic]
        return
    subscribe(sub, sync_topic)
    deadline = time.monotonic() + WAIT_S
    while True:
        assert time.monotonic() < deadline, "subscription never reached the publisher"
        pub.sock.send(sync_topic + b" ping")
        if sub.sock.poll(20, pyzmq.POLLIN):
            break
    pub.sock.send(sync_topic + b" end")
    while True:
        frames = recv_multipart(sub.sock)
        if frames == [sync_topic + b" end"]:
            return
        assert frames == [sync_topic + b" ping"], frames


def check_filter(pub, sub):
    """A message the subscriber did not ask for is dropped, a match is not."""
    subscribed(pub, sub, b"keep", b"~sync1")
    pub.sock.send(b"drop: nobody subscribed to this")
    pub.sock.send_multipart([b"kee", b"p: the topic is the first frame only"])
    pub.sock.send(b"keep 1")
    assert recv_multipart(sub.sock) == [b"keep 1"]
    # from here on everything passes, so the sizes below need no topic
    subscribed(pub, sub, b"", b"~sync2")


# --- router-router --------------------------------------------------------


def first_route(connector, binder):
    """The connecting ROUTER retries (ROUTER_MANDATORY) until the binder's id,
    learnt from its READY, is routable; the binder then knows the connector."""
    deadline = time.monotonic() + WAIT_S
    while True:
        try:
            connector.sock.send_multipart([binder.rid, b"hello"], pyzmq.NOBLOCK)
            break
        except Exception as exc:  # ZMQError of either implementation
            if getattr(exc, "errno", None) not in (pyzmq.EHOSTUNREACH, pyzmq.EAGAIN):
                raise
            assert time.monotonic() < deadline, "binder never became routable"
            connector.sock.poll(10, pyzmq.POLLOUT)
    assert recv_multipart(binder.sock) == [connector.rid, b"hello"]


# --- the matrix -----------------------------------------------------------


@pytest.mark.parametrize("type_a, type_b, transport, zl_binds, zl_is", CELLS)
def test_cell(zl, ctx, pyctx, endpoint, bound, type_a, type_b, transport, zl_binds, zl_is):
    py_is = type_b if (zl_is == type_a) else type_a
    mine = ctx.socket(getattr(zl, zl_is))
    theirs = pyctx.socket(getattr(pyzmq, py_is))
    zl_side = Side(mine, zl_is, routing_id(zl_is, True))
    py_side = Side(theirs, py_is, routing_id(py_is, False))

    # routing ids only where a ROUTER will see them; set before connecting
    for side in (zl_side, py_side):
        other = py_side if side is zl_side else zl_side
        if other.type == "ROUTER" and side.type in ("REQ", "DEALER", "ROUTER"):
            side.sock.setsockopt(pyzmq.ROUTING_ID, side.rid)
        if side.type == "ROUTER":
            side.sock.setsockopt(pyzmq.ROUTER_MANDATORY, 1)

    binder, connector = (zl_side, py_side) if zl_binds else (py_side, zl_side)
    connector.sock.connect(bound(binder.sock, endpoint(transport)))

    # A is the side that sends first (for PAIR-like pairs: zmqlite)
    if zl_is == type_a:
        a, b = zl_side, py_side
    else:
        a, b = py_side, zl_side

    if type_a == type_b == "ROUTER":
        first_route(connector, binder)
    if type_a in ("PUB", "XPUB"):
        check_filter(a, b)

    two_way = type_a not in ONE_WAY
    for there, back in zip(payloads(b"A->B"), payloads(b"B->A")):
        transfer(a, b, there)
        if two_way:  # REQ-REP style pairs must alternate anyway
            transfer(b, a, back)
