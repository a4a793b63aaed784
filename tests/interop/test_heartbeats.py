"""ZMTP 3.1 heartbeats (RFC 37: PING/PONG) against pyzmq and against raw peers.

HEARTBEAT_IVL makes a socket send PING every interval, HEARTBEAT_TIMEOUT
(default: the interval) drops a peer that sends nothing for that long, and
HEARTBEAT_TTL, carried in each PING in deciseconds, asks the peer to drop us
if it hears nothing from us for that long.  A PING's body is the 2-byte TTL and
up to 16 bytes of context, which the PONG echoes.

The raw peers are plain sockets speaking bytes built by hand (helpers.py), so
they pin the wire format rather than trusting our codec.  Every test here also
passes under ZMQLITE_TEST_IMPL=pyzmq: libzmq 4.3 behaves the same way.
"""

import socket
import time

import pytest
import zmq as pyzmq
from zmq.utils.monitor import recv_monitor_message

from helpers import command_frame, read_frame, recv

pytestmark = pytest.mark.timeout(15)

IVL, TIMEOUT, TTL = 100, 300, 500


def set_heartbeats(sock, ivl=IVL, timeout=TIMEOUT, ttl=TTL):
    sock.setsockopt(pyzmq.HEARTBEAT_IVL, ivl)
    sock.setsockopt(pyzmq.HEARTBEAT_TIMEOUT, timeout)
    sock.setsockopt(pyzmq.HEARTBEAT_TTL, ttl)


def send_now(sock, body):
    """Send without blocking: a dropped PAIR would otherwise hang the test."""
    try:
        sock.send(body, pyzmq.NOBLOCK)
    except Exception as exc:  # ZMQError of either implementation
        raise AssertionError(f"cannot send {body!r}: the connection is gone ({exc})") from exc


# --- (a) heartbeats keep a live connection up ----------------------------


@pytest.mark.parametrize("heartbeats_on", ["zl", "py", "both"])
@pytest.mark.parametrize("zl_binds", [True, False], ids=["zl_binds", "py_binds"])
def test_idle_connection_stays_up(zl, ctx, pyctx, endpoint, bound, heartbeats_on, zl_binds):
    """With heartbeats on either side the peer answers every PING (and, for
    the TTL, hears from us often enough), so 1 s of idleness, over three
    times the timeout and twice the TTL, drops nothing.

    The connector never reconnects within the test (RECONNECT_IVL 10 s) and
    the pyzmq side's monitor must report no disconnect, so a connection that
    was dropped and silently re-made cannot pass for one that stayed up.
    """
    mine = ctx.socket(zl.PAIR)
    theirs = pyctx.socket(pyzmq.PAIR)
    if heartbeats_on in ("zl", "both"):
        set_heartbeats(mine)
    if heartbeats_on in ("py", "both"):
        set_heartbeats(theirs)
    monitor = theirs.get_monitor_socket()
    binder, connector = (mine, theirs) if zl_binds else (theirs, mine)
    connector.setsockopt(pyzmq.RECONNECT_IVL, 10000)
    connector.connect(bound(binder, endpoint("tcp")))

    mine.send(b"before")
    assert recv(theirs) == b"before"
    theirs.send(b"before, back")
    assert recv(mine) == b"before, back"

    time.sleep(1.0)  # the idleness is what is under test

    send_now(mine, b"after")
    send_now(theirs, b"after, back")
    assert recv(theirs, timeout=200) == b"after"
    assert recv(mine, timeout=200) == b"after, back"

    events = []
    while monitor.poll(0, pyzmq.POLLIN):
        events.append(recv_monitor_message(monitor)["event"])
    assert pyzmq.EVENT_DISCONNECTED not in events, events


# --- raw peers ------------------------------------------------------------




def read_until_eof(raw, timeout):
    """Read frames until the peer closes; return (frames, seconds to EOF or None)."""
    start = time.monotonic()
    frames = []
    while True:
        left = start + timeout - time.monotonic()
        if left <= 0:
            return frames, None
        try:
            frames.append(read_frame(raw, left))
        except (ConnectionResetError, BrokenPipeError):
            return frames, time.monotonic() - start
        except socket.timeout:
            return frames, None
        except AssertionError as exc:
            if "hung up" not in str(exc):
                raise
            return frames, time.monotonic() - start


def is_ping(frame):
    flags, body = frame
    return flags == 0x04 and body[:5] == b"\x04PING"


def next_ping(raw, timeout=2.0):
    deadline = time.monotonic() + timeout
    while True:
        frame = read_frame(raw, max(0.001, deadline - time.monotonic()))
        if is_ping(frame):
            return frame[1]


@pytest.mark.parametrize("zl_binds", [True, False], ids=["zl_binds", "zl_connects"])
def test_silent_peer_is_dropped(raw_peer, zl_binds):
    """(b) A peer that completed the handshake and then never answers a PING
    is disconnected once HEARTBEAT_TIMEOUT passes without traffic; we allow
    2 s for the 100 ms interval + 300 ms timeout."""
    mine, raw, _ = raw_peer(zl_binds=zl_binds, setup=lambda s: set_heartbeats(s, ttl=0))
    frames, took = read_until_eof(raw, 2.0)
    assert took is not None, f"still connected after 2 s; frames seen: {frames!r}"
    # first PING at 100 ms, then 300 ms of silence: ~0.4 s (libzmq too)
    assert took >= 0.25, f"dropped after {took:.3f} s, before the timeout could pass"
    assert any(is_ping(f) for f in frames), f"no PING before the drop: {frames!r}"
    assert all(is_ping(f) for f in frames), f"only PINGs expected: {frames!r}"


@pytest.mark.parametrize("zl_binds", [True, False], ids=["zl_binds", "zl_connects"])
def test_ping_carries_ttl(raw_peer, zl_binds):
    """(c) HEARTBEAT_TTL 500 ms travels in the PING as 5 deciseconds, a 2-byte
    big-endian field straight after the name; libzmq sends no context."""
    mine, raw, _ = raw_peer(zl_binds=zl_binds, setup=lambda s: set_heartbeats(s, timeout=2000))
    ping = next_ping(raw)
    assert ping[5:7] == b"\x00\x05", ping
    assert int.from_bytes(ping[5:7], "big") == 5
    assert len(ping) == 7, f"unexpected context: {ping!r}"


@pytest.mark.parametrize("context", [b"", b"c", b"ctx\x00\xff-12345678!"], ids=["empty", "1B", "16B"])
@pytest.mark.parametrize("zl_binds", [True, False], ids=["zl_binds", "zl_connects"])
def test_ping_answered_with_pong(raw_peer, zl_binds, context):
    """(d) A PING is answered by a PONG echoing its context, even by a socket
    with heartbeats off (the default); the socket keeps working afterwards."""
    assert len(context) <= 16
    mine, raw, _ = raw_peer(zl_binds=zl_binds)
    raw.sendall(command_frame(b"PING", b"\x00\x00" + context))
    flags, body = read_frame(raw)
    assert (flags, body) == (0x04, b"\x04PONG" + context)
    raw.sendall(b"\x00\x05hello")
    assert recv(mine) == b"hello"


@pytest.mark.parametrize("zl_binds", [True, False], ids=["zl_binds", "zl_connects"])
def test_peer_ttl_is_honoured(raw_peer, zl_binds):
    """A PING with TTL 3 (300 ms) asks us to drop the peer if it then stays
    silent that long; heartbeats are off on our side, so only the TTL can."""
    mine, raw, _ = raw_peer(zl_binds=zl_binds)
    raw.sendall(command_frame(b"PING", b"\x00\x03"))
    assert read_frame(raw) == (0x04, b"\x04PONG")
    frames, took = read_until_eof(raw, 2.0)
    assert took is not None, f"still connected 2 s after a 300 ms TTL; frames: {frames!r}"
    assert took >= 0.2, f"dropped after {took:.3f} s, before the TTL could pass"
    assert frames == []
