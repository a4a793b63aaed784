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
