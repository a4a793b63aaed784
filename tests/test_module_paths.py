"""pyzmq's module paths that third-party code imports or annotates with (zmq.sugar.*,
zmq.backend, zmq.error, zmq.constants): the same objects as the top-level names, run on
zmqlite and, as the oracle, on pyzmq (ZMQLITE_TEST_IMPL=pyzmq)."""

from __future__ import annotations

import importlib
import typing

import pytest


def sub(zl, name):
    return importlib.import_module(f"{zl.__name__}.{name}")


@pytest.mark.parametrize(
    "module, names",
    [
        ("sugar.socket", ["Socket", "SyncSocket"]),
        ("sugar.context", ["Context", "SyncContext"]),
        ("sugar.poll", ["Poller", "select"]),
        ("sugar.frame", ["Frame", "Message"]),
        ("sugar.tracker", ["MessageTracker"]),
        ("sugar.version", ["zmq_version", "zmq_version_info", "pyzmq_version",
                           "pyzmq_version_info", "__version__"]),
        ("sugar", ["Context", "Socket", "Poller", "Frame", "Message", "MessageTracker",
                   "select", "device", "ZMQError", "Again", "zmq_version_info"]),
        ("error", ["ZMQBaseError", "ZMQError", "Again", "ContextTerminated", "NotDone",
                   "InterruptedSystemCall", "ZMQBindError", "ZMQVersionError"]),
        ("constants", ["SocketType", "SocketOption", "PUSH", "LINGER", "EAGAIN", "Event"]),
    ],
)
def test_same_objects_as_top_level(zl, module, names):
    mod = sub(zl, module)
    for name in names:
        assert getattr(mod, name) is getattr(zl, name), f"{module}.{name}"


def test_sugar_all_is_importable(zl):
    namespace = {}
    exec(f"from {zl.__name__}.sugar import *", namespace)
    for name in ("Context", "Socket", "Poller", "Frame", "MessageTracker", "ZMQError"):
        assert namespace[name] is getattr(zl, name)
    assert sub(zl, "sugar.tracker")._FINISHED_TRACKER.done


def test_backend_names(zl, ctx):
    backend = sub(zl, "backend")
    namespace = {}
    exec(f"from {zl.__name__}.backend import Context, Socket, Frame, Message, proxy, "
         "proxy_steerable, zmq_poll, strerror, has, zmq_version_info, IPC_PATH_MAX_LEN, "
         "PYZMQ_DRAFT_API", namespace)
    # as in pyzmq: the sugar classes derive from the backend ones
    assert issubclass(zl.Socket, backend.Socket)
    assert issubclass(zl.Context, backend.Context)
    assert isinstance(ctx, backend.Context)
    sock = ctx.socket(zl.PAIR)
    assert isinstance(sock, backend.Socket)
    assert backend.Frame(b"data").bytes == b"data"
    assert backend.strerror(zl.EAGAIN) == zl.strerror(zl.EAGAIN)
    assert backend.has("ipc") is True and backend.has("no-such-thing") is False
    assert backend.zmq_version_info() == zl.zmq_version_info()
    assert backend.IPC_PATH_MAX_LEN == zl.IPC_PATH_MAX_LEN
    assert backend.zmq_poll([(sock, zl.POLLOUT)], 0) == []  # a PAIR with no peer


def test_backend_frame_is_what_recv_returns(zl, ctx):
    backend = sub(zl, "backend")
    a, b = ctx.socket(zl.PAIR), ctx.socket(zl.PAIR)
    a.bind("inproc://paths-frame")
    b.connect("inproc://paths-frame")
    a.send(b"x")
    assert b.poll(5000)
    frame = b.recv(copy=False)
    assert isinstance(frame, backend.Frame)
    assert isinstance(frame, sub(zl, "sugar.frame").Frame)


def use_socket(sock: zmq.sugar.socket.Socket, ctx: zmq.sugar.context.Context) -> zmq.sugar.frame.Frame:  # noqa: F821
    raise NotImplementedError


def test_annotations_with_sugar_paths_evaluate(zl, ctx):
    hints = typing.get_type_hints(use_socket, globalns={"zmq": zl})
    assert hints == {"sock": zl.Socket, "ctx": zl.Context, "return": zl.Frame}
    sock = ctx.socket(zl.PUSH)
    assert isinstance(sock, sub(zl, "sugar.socket").Socket)
    assert isinstance(ctx, sub(zl, "sugar.context").Context)
    assert isinstance(zl.Poller(), sub(zl, "sugar.poll").Poller)
