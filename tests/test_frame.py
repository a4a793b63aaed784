"""Frame / Message / MessageTracker: pyzmq's copy=False API."""

import pytest

from helpers import POLLIN


@pytest.fixture
def pair(zl, ctx):
    a = ctx.socket(zl.PAIR)
    b = ctx.socket(zl.PAIR)
    port = a.bind_to_random_port("tcp://127.0.0.1")
    b.connect(f"tcp://127.0.0.1:{port}")
    return a, b


def test_frame_basics(zl):
    f = zl.Frame(b"abc")
    assert zl.Message is zl.Frame
    assert f.bytes == b"abc" and type(f.bytes) is bytes
    assert bytes(f) == b"abc"
    assert bytes(f.buffer) == b"abc" and isinstance(f.buffer, memoryview)
    assert memoryview(f).tobytes() == b"abc"
    assert len(f) == 3
    assert f.more is False
    assert f.get(zl.MORE) == 0
    assert repr(f).endswith(".Frame(b'abc')>")
    assert repr(zl.Frame(b"x" * 5000)).endswith(".Frame(b'xxxxxxxxxxxx'...5kB)>")
    assert zl.Frame().bytes == b""
    assert zl.Frame(bytearray(b"ab")).bytes == b"ab"
    # identity, not content, as pyzmq
    assert f != b"abc" and not (f == zl.Frame(b"abc")) and f == f


@pytest.mark.parametrize("bad", ["text", 5, [1, 2]])
def test_frame_refuses_non_buffers(zl, bad):
    with pytest.raises(TypeError):
        zl.Frame(bad)


def test_frame_properties_unavailable(zl):
    with pytest.raises(zl.ZMQError):
        zl.Frame(b"a").get("Socket-Typo")


def test_recv_copy_false_sets_more(pair):
    a, b = pair
    a.send_multipart([b"x", b"y", b"z"])
    assert b.poll(5000, POLLIN)
    frames = b.recv_multipart(copy=False)
    assert [f.bytes for f in frames] == [b"x", b"y", b"z"]
    assert [f.more for f in frames] == [True, True, False]
    assert [f.get(1) for f in frames] == [1, 1, 0]


def test_single_recv_copy_false(pair):
    a, b = pair
    a.send(b"one")
    assert b.poll(5000, POLLIN)
    f = b.recv(copy=False)
    assert f.bytes == b"one" and not f.more
    a.send(b"two")
    assert b.poll(5000, POLLIN)
    assert b.recv() == b"two"


def test_send_frames(zl, pair):
    a, b = pair
    assert a.send(zl.Frame(b"f1")) is None
    a.send_multipart([zl.Frame(b"m1"), zl.Frame(b"m2")], copy=False)
    assert b.poll(5000, POLLIN)
    assert b.recv() == b"f1"
    assert b.poll(5000, POLLIN)
    assert b.recv_multipart() == [b"m1", b"m2"]


def test_trackers_are_done(zl, pair):
    a, b = pair
    tracker = a.send(b"small", copy=False, track=True)
    tracker.wait(1)
    assert tracker.done
    assert a.send(b"copied", track=True) is None  # copy=True: no tracker, as pyzmq
    tracked = zl.Frame(b"t", track=True)
    assert a.send(tracked, copy=False, track=True) is tracked.tracker
    with pytest.raises(ValueError):
        a.send(zl.Frame(b"untracked"), copy=False, track=True)
    assert zl.MessageTracker(tracked).done
    for expected in (b"small", b"copied", b"t"):
        assert b.poll(5000, POLLIN)
        assert b.recv() == expected


def test_recv_into(zl, ctx):
    """recv_into (pyzmq 26.4+): fills the buffer, returns the frame's full
    size; a longer frame is truncated; an empty buffer discards a frame."""
    a, b = ctx.socket(zl.PAIR), ctx.socket(zl.PAIR)
    a.bind("inproc://recv-into")
    b.connect("inproc://recv-into")
    for body in (b"hello", b"0123456789" * 4, b"skipped", bytes(20000)):
        a.send(body)
    buf = bytearray(16)
    assert b.recv_into(buf) == 5
    assert buf[:5] == b"hello"
    assert b.recv_into(buf, nbytes=4) == 40
    assert buf[:4] == b"0123" and buf[4:5] == b"o"
    assert b.recv_into(bytearray()) == 7
    big = bytearray(20000)
    assert b.recv_into(memoryview(big)) == 20000 and big == bytes(20000)
    with pytest.raises((BufferError, TypeError)):
        b.recv_into(b"read-only")


@pytest.mark.parametrize("size", [3, 5000, 1 << 20])
def test_received_frame_buffer_outlives_the_frame(zl, pair, size):
    """recv(copy=False) hands out the received buffer itself (no copy): a view
    of it stays valid and intact after the Frame object is gone."""
    a, b = pair
    body = bytes(i % 251 for i in range(size))
    a.send(body)
    assert b.poll(5000, POLLIN)
    frame = b.recv(copy=False)
    view = memoryview(frame)
    assert view.nbytes == size and len(frame) == size
    del frame
    assert view.tobytes() == body
    view.release()


def test_frame_is_sent_as_its_data(zl, pair):
    a, b = pair
    a.send(zl.Frame(b"made here"))
    assert b.poll(5000, POLLIN)
    received = b.recv(copy=False)
    a_copy = zl.Frame(received)  # a Frame made from a received one
    a.send(received)
    a.send(a_copy)
    assert [b.recv(), b.recv()] == [b"made here", b"made here"]


@pytest.mark.zmqlite_only(reason="pyzmq copies over inproc where zmqlite lends a large bytes")
def test_inproc_copy_false_passes_the_sender_bytes_through(zl, ctx):
    a, b = ctx.socket(zl.PAIR), ctx.socket(zl.PAIR)
    a.bind("inproc://frame-zero-copy")
    b.connect("inproc://frame-zero-copy")
    big = bytes(1 << 20)
    a.send(big)
    assert b.recv(copy=False).bytes is big
