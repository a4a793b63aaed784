"""Hostile and broken peers, spoken to in raw ZMTP bytes.

Each test plays a peer that a server on the open network can meet: oversize
fields, floods of commands, truncated or contradictory frames, greetings that
never finish. Every one asserts two things: the socket under test keeps
serving a well-behaved peer afterwards (the bad connection is dropped, nothing
else is), and where the peer could make us hold memory, that the process's
resident memory stays bounded. The same tests run against pyzmq
(ZMQLITE_TEST_IMPL=pyzmq), which is the model of what a server should do.
"""

import os
import socket
import time

import pytest

from helpers import (
    _recv_exact,
    command_frame,
    greeting,
    message_frame,
    raw_connect,
    raw_handshake,
    read_frame,
    ready_frame,
    recv_multipart,
    wait_closed_by_peer,
)


def rss_bytes():
    """Resident memory of this process (Linux), for bounds on what a peer can make us hold."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def well_behaved_dealer(zl, ctx, router, endpoint, identity=b"good"):
    """A zmqlite DEALER that round-trips one message through ``router`` (an echo
    done here): proof that the ROUTER still serves its ordinary peers."""
    dealer = ctx.socket(zl.DEALER)
    dealer.setsockopt(zl.ROUTING_ID, identity)
    dealer.connect(endpoint)
    dealer.send(b"ping")
    rid, body = recv_multipart(router)
    assert (rid, body) == (identity, b"ping")
    router.send_multipart([rid, b"pong"])
    assert recv_multipart(dealer) == [b"pong"]
    return dealer


@pytest.fixture
def router(zl, ctx, bound):
    """A ROUTER bound to a random tcp port: (socket, endpoint)."""
    sock = ctx.socket(zl.ROUTER)
    return sock, bound(sock, "tcp://127.0.0.1:*")


# --- oversize fields --------------------------------------------------------


@pytest.mark.parametrize("size", [255, 256, 260, 300, 5000, 70000])
def test_router_routes_peer_identity_of_any_size(zl, ctx, router, size):
    """libzmq accepts a peer's Identity of any length its READY carries and
    routes to it; an id longer than 255 bytes once overflowed a fixed buffer."""
    sock, ep = router
    identity = bytes((i * 7 + 1) % 256 or 1 for i in range(size))
    raw = raw_connect(ep)
    _, ready = raw_handshake(raw, b"DEALER", Identity=identity)
    assert ready.startswith(b"\x05READY")
    raw.sendall(message_frame(b"hello"))
    assert recv_multipart(sock) == [identity, b"hello"]
    sock.send_multipart([identity, b"back"])
    assert read_frame(raw) == (0, b"back")
    raw.close()
    well_behaved_dealer(zl, ctx, sock, ep)


# --- floods -----------------------------------------------------------------


def after_flood(router, raw, timeout=60):
    """A message sent on the flooding connection after the flood reaches the
    ROUTER: everything before it has been read and dealt with."""
    raw.settimeout(timeout)
    raw.sendall(message_frame(b"after the flood"))
    assert recv_multipart(router, timeout * 1000)[1:] == [b"after the flood"]


def flood(raw, unit, total, stall=1.0):
    """Sends ``unit`` repeated up to ``total`` bytes, stopping early when the
    peer stops reading for ``stall`` s (as libzmq does with a peer whose
    replies it cannot write). Returns the bytes sent."""
    chunk = unit * max(1, (1 << 20) // len(unit))
    raw.settimeout(stall)
    sent = 0
    try:
        while sent < total:
            raw.sendall(chunk)
            sent += len(chunk)
    except (socket.timeout, TimeoutError):
        pass
    return sent


@pytest.mark.timeout(120)
def test_ping_flood_from_a_peer_that_never_reads_keeps_memory_bounded(zl, ctx, router):
    """A peer sends PINGs and never reads our PONGs: we must not queue a PONG
    per PING (32 MiB of PINGs once grew resident memory by about 120 MiB)."""
    sock, ep = router
    raw = raw_connect(ep, timeout=30)
    raw_handshake(raw, b"DEALER")
    before = rss_bytes()
    ping = command_frame(b"PING", b"\x00\x00" + b"c" * 16)
    flood(raw, ping, 32 << 20)
    well_behaved_dealer(zl, ctx, sock, ep)
    after_flood(sock, raw)
    assert rss_bytes() - before < 16 << 20
    raw.close()


@pytest.mark.timeout(120)
def test_data_flood_to_a_socket_nobody_reads_stays_at_rcvhwm(zl, ctx, bound):
    """A peer pushing as fast as it can to a PULL that is not read: we stop
    reading at RCVHWM (TCP back-pressure) instead of queueing what it sends."""
    pull = ctx.socket(zl.PULL)
    pull.setsockopt(zl.RCVHWM, 100)
    ep = bound(pull, "tcp://127.0.0.1:*")
    raw = raw_connect(ep, timeout=30)
    raw_handshake(raw, b"PUSH")
    before = rss_bytes()
    sent = flood(raw, message_frame(b"d" * 1000), 256 << 20)
    assert sent < 64 << 20, f"{sent} bytes went in: nobody stopped reading"
    assert rss_bytes() - before < 16 << 20
    assert recv_multipart(pull) == [b"d" * 1000]
    raw.close()


# --- malformed, contradictory and truncated input ---------------------------

HANDSHAKE = greeting() + ready_frame(b"DEALER")

#: (what the peer sends, why it must be dropped); each is sent on a fresh
#: connection to a ROUTER, which must close that connection and nothing else
MALFORMED = {
    "http request": b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    "zmtp 2 greeting": greeting(major=2) + b"\x00" * 16,
    "bad signature end": b"\xff" + b"\x00" * 8 + b"\x00" + b"\x03\x01" + b"NULL".ljust(52, b"\x00"),
    "unknown mechanism": greeting(mechanism=b"BOGUS") + ready_frame(b"DEALER"),
    "data before ready": greeting() + message_frame(b"too early"),
    "ping before ready": greeting() + command_frame(b"PING", b"\x00\x00"),
    "ready without socket type": greeting() + command_frame(b"READY", b""),
    "ready with unknown socket type": greeting() + ready_frame(b"BOGUS"),
    "ready with incompatible socket type": greeting() + ready_frame(b"PUB"),
    "ready property longer than the command": greeting()
    + command_frame(b"READY", b"\x0bSocket-Type\x00\x00\x10\x00DEALER"),
    "ready property name past the end": greeting() + command_frame(b"READY", b"\xffSocket"),
    "ready property length over 4 GiB - 1": greeting()
    + command_frame(b"READY", b"\x0bSocket-Type\xff\xff\xff\xffDEALER"),
    "command name longer than the frame": greeting() + b"\x04\x03\x09RE",
    "reserved flag bits": HANDSHAKE + b"\xf0\x01x",
    "command with more": HANDSHAKE + b"\x05\x07\x04PING\x00\x00",
    "error command": HANDSHAKE + command_frame(b"ERROR", b"\x04nope"),
    "frame size of 2**63": HANDSHAKE + b"\x02" + (1 << 63).to_bytes(8, "big"),
}


#: cases where libzmq does something else, with the reason
LIBZMQ_DIFFERS = {
    "http request": "libzmq takes a first byte other than 0xFF for a ZMTP 1.0 peer and waits",
    "ready without socket type": "libzmq accepts a READY without Socket-Type (RFC 23 requires it)",
}


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(name, marks=pytest.mark.zmqlite_only(reason=LIBZMQ_DIFFERS[name]))
        if name in LIBZMQ_DIFFERS else name
        for name in MALFORMED
    ],
)
def test_malformed_peer_is_dropped_and_others_are_served(zl, ctx, router, bad):
    sock, ep = router
    good = well_behaved_dealer(zl, ctx, sock, ep)
    raw = raw_connect(ep)
    raw.sendall(MALFORMED[bad])
    assert wait_closed_by_peer(raw), "the malformed peer was not disconnected"
    raw.close()
    # the socket still serves its old and new well-behaved peers
    good.send(b"still there")
    assert recv_multipart(sock) == [b"good", b"still there"]
    well_behaved_dealer(zl, ctx, sock, ep, identity=b"new")


@pytest.mark.parametrize("cut", [1, 2, 5, 9, 60])
def test_truncated_message_is_never_delivered(zl, ctx, router, cut):
    """A peer that hangs up in the middle of a frame (or of a multipart
    message) delivers nothing of it: messages are whole or absent."""
    sock, ep = router
    raw = raw_connect(ep)
    raw_handshake(raw, b"DEALER")
    whole = message_frame(b"first part", more=True) + message_frame(b"x" * 300)
    raw.sendall(message_frame(b"complete") + whole[:cut] if cut < 60 else
                message_frame(b"complete") + whole[:len(whole) - 3])
    raw.close()
    assert recv_multipart(sock)[1:] == [b"complete"]
    well_behaved_dealer(zl, ctx, sock, ep)
    assert not sock.poll(100)


def test_frame_over_maxmsgsize_drops_the_peer(zl, ctx, bound):
    router = ctx.socket(zl.ROUTER)
    router.setsockopt(zl.MAXMSGSIZE, 1000)
    ep = bound(router, "tcp://127.0.0.1:*")
    raw = raw_connect(ep)
    raw_handshake(raw, b"DEALER")
    raw.sendall(message_frame(b"fits" * 250) + message_frame(b"y" * 1001))
    assert recv_multipart(router)[1:] == [b"fits" * 250]
    assert wait_closed_by_peer(raw)
    raw.close()
    well_behaved_dealer(zl, ctx, router, ep)


def test_large_metadata_property_is_accepted(zl, ctx, router):
    """Properties we do not know are skipped, whatever their size."""
    sock, ep = router
    raw = raw_connect(ep)
    raw_handshake(raw, b"DEALER", X_Big=b"p" * 100000)
    raw.sendall(message_frame(b"after a big READY"))
    assert recv_multipart(sock)[1:] == [b"after a big READY"]
    raw.close()


# --- slow and silent peers --------------------------------------------------


def test_slow_loris_greeting_is_dropped_at_handshake_ivl(zl, ctx, bound):
    """A peer that sends its greeting a byte at a time and never finishes is
    dropped after HANDSHAKE_IVL; the socket serves others meanwhile."""
    router = ctx.socket(zl.ROUTER)
    router.setsockopt(zl.HANDSHAKE_IVL, 500)
    ep = bound(router, "tcp://127.0.0.1:*")
    slow = [raw_connect(ep) for _ in range(20)]
    start = time.monotonic()
    for i, byte in enumerate(greeting()[:40]):
        for raw in slow:
            try:
                raw.send(bytes([byte]))
            except OSError:
                pass  # already dropped
        if i == 2:
            well_behaved_dealer(zl, ctx, router, ep)
        if time.monotonic() - start > 3:
            break
        time.sleep(0.05)  # the attack itself: one byte per 50 ms
    for raw in slow:
        assert wait_closed_by_peer(raw, timeout=5), "a slow greeting was never dropped"
        raw.close()
    assert time.monotonic() - start < 8


def test_silent_connections_do_not_stop_the_socket(zl, ctx, bound):
    """Hundreds of connections that never send a byte cost nothing but their
    descriptors and are dropped at HANDSHAKE_IVL."""
    router = ctx.socket(zl.ROUTER)
    router.setsockopt(zl.HANDSHAKE_IVL, 1000)
    ep = bound(router, "tcp://127.0.0.1:*")
    silent = [raw_connect(ep) for _ in range(200)]
    well_behaved_dealer(zl, ctx, router, ep)
    assert all(wait_closed_by_peer(raw, timeout=10) for raw in silent)
    for raw in silent:
        raw.close()
