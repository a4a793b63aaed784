"""pyzmq 27.3's behaviour at the edges of its API (issue 13: what pyzmq's own test
suite and a new user's first mistakes run into): option types, routing ids,
Frame buffers, message trackers, Context copies and arguments, bad arguments.

Each test passes on pyzmq as well, except those marked zmqlite_only (a documented
difference, with the reason).
"""

import copy
import gc

import pytest

from conftest import IS_PYZMQ
from helpers import bind_retry, free_tcp_endpoint, recv

pytestmark = pytest.mark.timeout(30)


# --- socket options ---------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 5, [65, 66], bytearray(b"ab")])
def test_bytes_options_refuse_other_types(zl, ctx, value):
    """SUBSCRIBE and ROUTING_ID take bytes only: bytes(0) or bytes([65, 66])
    must not quietly subscribe to everything or set b"AB"."""
    sub = ctx.socket(zl.SUB)
    with pytest.raises(TypeError):
        sub.setsockopt(zl.SUBSCRIBE, value)
    with pytest.raises(TypeError):
        sub.setsockopt(zl.IDENTITY, value)
    with pytest.raises(TypeError, match="setsockopt_string"):
        sub.setsockopt(zl.SUBSCRIBE, "text")


def test_routing_id_limits_as_libzmq(zl, ctx):
    """libzmq refuses an empty routing id and takes one starting with a zero byte."""
    dealer = ctx.socket(zl.DEALER)
    with pytest.raises(zl.ZMQError) as info:
        dealer.setsockopt(zl.IDENTITY, b"")
    assert info.value.errno == zl.EINVAL
    dealer.setsockopt(zl.IDENTITY, b"\0abc")
    assert dealer.getsockopt(zl.IDENTITY) == b"\0abc"


def test_unknown_option(zl, ctx):
    """An unknown option number: an int value reaches libzmq (EINVAL), any other is TypeError."""
    pub = ctx.socket(zl.PUB)
    for call in (lambda: pub.setsockopt(9999, 5), lambda: pub.getsockopt(9999)):
        with pytest.raises(zl.ZMQError) as info:
            call()
        assert info.value.errno == zl.EINVAL
    with pytest.raises(TypeError):
        pub.setsockopt(9999, b"5")
    with pytest.raises(TypeError):
        pub.setsockopt(zl.LINGER, 5.0)


def test_bools_are_ints(zl, ctx):
    """pyzmq passes True as 1: sock.ipv6 = True, setsockopt(IMMEDIATE, True)."""
    router = ctx.socket(zl.ROUTER)
    router.ipv6 = True
    assert router.getsockopt(zl.IPV6) == 1
    assert router.getsockopt(zl.IPV4ONLY) == 0
    for option in (zl.IMMEDIATE, zl.ROUTER_MANDATORY, zl.ROUTER_HANDOVER):
        router.setsockopt(option, True)
    router.setsockopt(zl.IPV4ONLY, 1)
    assert router.getsockopt(zl.IPV6) == 0


def test_unimplemented_options_read_their_default(zl, ctx):
    """Options libzmq can read report libzmq's defaults."""
    push = ctx.socket(zl.PUSH)
    for option, default in ((zl.CONFLATE, 0), (zl.INVERT_MATCHING, 0), (zl.THREAD_SAFE, 0),
                            (zl.USE_FD, -1), (zl.MULTICAST_LOOP, 1), (zl.MULTICAST_MAXTPDU, 1500)):
        assert push.getsockopt(option) == default, option
    push.setsockopt(zl.CONFLATE, 0)   # the default: nothing to do


@pytest.mark.zmqlite_only(reason="zmqlite has no pgm/norm transports: MULTICAST_LOOP keeps its default")
def test_unimplemented_option_refuses_a_change(zl, ctx):
    """A setting that would change nothing must not look as if it did."""
    push = ctx.socket(zl.PUSH)
    with pytest.raises(zl.ZMQError, match="MULTICAST_LOOP") as info:
        push.setsockopt(zl.MULTICAST_LOOP, 0)
    assert info.value.errno == zl.EINVAL


def test_ipc_path_too_long_names_the_limit(zl, ctx):
    pub = ctx.socket(zl.PUB)
    with pytest.raises(zl.ZMQError) as info:
        pub.bind("ipc://" + "a" * (zl.IPC_PATH_MAX_LEN + 1))
    assert str(zl.IPC_PATH_MAX_LEN) in info.value.strerror


# --- frames, buffers and trackers -----------------------------------------------------


def test_frame_buffer_is_one_view_and_strided_data_is_refused(zl):
    frame = zl.Frame(b"abc")
    assert frame.buffer is frame.buffer
    assert bytes(frame) == b"abc"
    with pytest.raises(BufferError):
        zl.Frame(memoryview(bytearray(10))[::2])


def test_received_frame_is_writable(zl, ctx):
    """A frame received in memory of its own is writable, as pyzmq's."""
    a, b = ctx.socket(zl.PAIR), ctx.socket(zl.PAIR)
    port = a.bind_to_random_port("tcp://127.0.0.1")
    b.connect(f"tcp://127.0.0.1:{port}")
    b.send(b"\0" * 64)
    assert a.poll(5000)
    view = memoryview(a.recv(copy=False))
    assert not view.readonly
    view[0] = 1


def test_recv_into_bad_buffers(zl, ctx):
    pull = ctx.socket(zl.PULL)
    with pytest.raises(BufferError):
        pull.recv_into(memoryview(bytearray(10))[::2])
    with pytest.raises(BufferError):
        pull.recv_into(memoryview(b"readonly"))
    with pytest.raises(ValueError):
        pull.recv_into(bytearray(10), nbytes=11)
    with pytest.raises(ValueError):
        pull.recv_into(bytearray(10), nbytes=-1)


def test_tracked_frame_pending_until_gone(zl):
    """A tracked Frame's tracker is done only once the frame (and its copies) are gone."""
    frame = zl.Frame(b"asdf", copy=False, track=True)
    tracker = zl.MessageTracker(frame)
    assert not frame.tracker.done
    twin = copy.copy(frame)
    del frame
    gc.collect()
    with pytest.raises(zl.NotDone):
        tracker.wait(0.05)
    del twin
    gc.collect()
    tracker.wait(5)
    assert tracker.done


def test_tracker_of_lent_send_pending_until_sent(zl, ctx):
    """send(copy=False, track=True) of bytes that are lent (copy_threshold 0: all)
    is pending until the message has left; one that copied is _FINISHED_TRACKER."""
    endpoint = free_tcp_endpoint()
    push = ctx.socket(zl.PUSH)
    push.connect(endpoint)        # nobody there yet: messages wait in the pipe
    assert push.send(b"small", copy=False, track=True) is zl._FINISHED_TRACKER
    push.copy_threshold = 0
    tracker = push.send_multipart([b"something", b"else"], copy=False, track=True)
    assert not tracker.done
    pull = ctx.socket(zl.PULL)
    bind_retry(pull, endpoint)
    assert recv(pull) == b"small"
    assert pull.recv_multipart() == [b"something", b"else"]
    tracker.wait(5)
    assert tracker.done


# --- contexts and argument checks -------------------------------------------------------


def test_context_copies_are_shadows(zl, ctx):
    for twin in (copy.copy(ctx), copy.deepcopy(ctx)):
        assert twin._shadow
        assert twin.underlying == ctx.underlying
    sock = ctx.socket(zl.PUB)
    twin = copy.copy(sock)
    assert twin._shadow and twin.underlying == sock.underlying


def test_context_bad_arguments(zl):
    with pytest.raises(zl.ZMQError) as info:
        zl.Context(-1)
    assert info.value.errno == zl.EINVAL
    with pytest.raises(TypeError):
        zl.Context("x")


def test_instance_is_inherited_by_subclasses(zl):
    """A subclass shares its base's instance unless it declares _instance = None."""
    class Inherit(zl.Context):
        pass

    class Own(zl.Context):
        _instance = None

    base = zl.Context.instance()
    try:
        assert Inherit.instance() is base
        own = Own.instance()
        assert type(own) is Own
        own.term()
    finally:
        base.term()


def test_misuse_fails_at_once(zl, ctx):
    with pytest.raises(TypeError):
        ctx.socket("PUSH")
    push = ctx.socket(zl.PUSH)
    with pytest.raises(IndexError):
        push.send_multipart([])


def test_multipart_calls_a_subclass_send_and_recv_per_frame(zl, ctx):
    """A subclass's own send/recv see every frame of send_multipart and
    recv_multipart (zmqlite sends a plain socket's message in one call)."""
    calls = []

    class Counting(zl.Socket):
        def send(self, data, flags=0, copy=True, track=False, **kwargs):
            calls.append(("send", bytes(data), flags))
            return super().send(data, flags, copy=copy, track=track, **kwargs)

        def recv(self, flags=0, copy=True, track=False):
            frame = super().recv(flags, copy=copy, track=track)
            calls.append(("recv", frame))
            return frame

    a = ctx.socket(zl.PAIR, socket_class=Counting)
    b = ctx.socket(zl.PAIR, socket_class=Counting)
    a.bind("inproc://subclass-multipart")
    b.connect("inproc://subclass-multipart")
    a.send_multipart([b"a", b"bc", b"d"])
    assert b.recv_multipart() == [b"a", b"bc", b"d"]
    assert calls == [("send", b"a", zl.SNDMORE), ("send", b"bc", zl.SNDMORE), ("send", b"d", 0),
                     ("recv", b"a"), ("recv", b"bc"), ("recv", b"d")]


def test_recv_multipart_without_copy_gives_frames(zl, ctx):
    """recv_multipart(copy=False), as ZMQStream and Jupyter's sessions call it:
    one Frame a part, each knowing whether more follow."""
    a = ctx.socket(zl.PAIR)
    b = ctx.socket(zl.PAIR)
    a.bind("inproc://frames-multipart")
    b.connect("inproc://frames-multipart")
    a.send_multipart([b"id", b"", b"x" * 100_000])
    a.send(b"next")
    frames = b.recv_multipart(copy=False)
    assert all(isinstance(f, zl.Frame) for f in frames)
    assert [f.bytes for f in frames] == [b"id", b"", b"x" * 100_000]
    assert [f.more for f in frames] == [True, True, False]
    assert b.recv_multipart(copy=False)[0].bytes == b"next"


def test_multipart_bad_part_sends_nothing(zl, ctx):
    """A part that is not a buffer fails before the first frame goes, so the
    next message arrives whole."""
    a = ctx.socket(zl.PAIR)
    b = ctx.socket(zl.PAIR)
    a.bind("inproc://bad-part")
    b.connect("inproc://bad-part")
    with pytest.raises(TypeError, match=r"Frame 1 \(3\) does not support the buffer interface"):
        a.send_multipart([b"first", 3, b"last"])
    a.send_multipart([b"x", memoryview(b"y")] + [b"z"] * 10)
    assert b.recv_multipart() == [b"x", b"y"] + [b"z"] * 10
    assert b.poll(0) == 0


@pytest.mark.zmqlite_only(reason="pyzmq accepts any object in register() and fails in poll()")
def test_poller_register_refuses_non_sockets(zl):
    with pytest.raises(TypeError):
        zl.Poller().register("abc")


def test_pyzmq_version_info_is_an_api_level(zl):
    info = zl.pyzmq_version_info()
    assert len(info) == 3 and all(isinstance(n, int) for n in info)
    assert info >= (27, 0, 0)
    assert zl.pyzmq_version() == "%d.%d.%d" % info
