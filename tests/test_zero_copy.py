"""Zero copy of large bytes (msg.pyx): send() lends a bytes object of 16 KiB or
more to its frame instead of copying it; inproc recv() hands back the very
object; references dropped by the I/O thread are released later by a thread
holding the GIL. These pin zmqlite internals, so they do not run under pyzmq."""

import sys

import pytest

from helpers import recv

pytestmark = pytest.mark.zmqlite_only(reason="zero-copy is a zmqlite implementation detail")

BIG = 100_000


def _pair(zl, ctx, addr):
    pull, push = ctx.socket(zl.PULL), ctx.socket(zl.PUSH)
    pull.bind(addr)
    push.connect(pull.getsockopt(zl.LAST_ENDPOINT).decode())
    return push, pull


def test_inproc_large_message_is_handed_over_not_copied(zl, ctx):
    push, pull = _pair(zl, ctx, "inproc://zero-copy")
    big = bytes(BIG)
    push.send(big)
    assert recv(pull) is big
    small = b"s" * 100
    push.send(small)
    got = recv(pull)
    assert got == small and got is not small    # small messages are copied


@pytest.mark.parametrize("addr", ["tcp://127.0.0.1:*", "inproc://zero-copy-refs"])
def test_borrowed_references_are_released(zl, ctx, addr):
    """Over tcp the I/O thread frees the frame after writing it; the reference
    goes back at the next call into zmqlite (here: poll)."""
    push, pull = _pair(zl, ctx, addr)
    big = bytes(BIG)
    before = sys.getrefcount(big)
    for _ in range(10):
        push.send(big)
    for _ in range(10):
        assert recv(pull) == big
    pull.poll(0)
    assert sys.getrefcount(big) == before


def test_unread_borrowed_messages_are_released_at_term(zl):
    ctx = zl.Context()
    push, pull = _pair(zl, ctx, "tcp://127.0.0.1:*")
    big = bytes(BIG)
    before = sys.getrefcount(big)
    for _ in range(5):
        push.send(big)
    assert recv(pull) == big
    push.close(linger=0)
    pull.close(linger=0)
    ctx.term()
    assert sys.getrefcount(big) == before


def test_multipart_and_pub_fan_out_with_borrowed_frames(zl, ctx):
    """A borrowed frame fanned out to several subscribers is copied for all
    but one, and every subscriber gets the same bytes."""
    pub = ctx.socket(zl.PUB)
    pub.bind("inproc://zero-copy-pub")
    subs = []
    for _ in range(3):
        sub = ctx.socket(zl.SUB)
        sub.subscribe(b"")
        sub.connect("inproc://zero-copy-pub")
        subs.append(sub)
    big = b"t" + bytes(BIG)
    pub.send_multipart([big, big])
    for sub in subs:
        assert sub.recv_multipart() == [big, big]
