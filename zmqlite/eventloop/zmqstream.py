"""``ZMQStream``: a socket driven by callbacks on a tornado IOLoop (``zmq.eventloop.zmqstream``).

    stream = ZMQStream(sock)
    stream.on_recv(lambda msg: print(msg))      # every whole message, a list of frames
    stream.send_multipart([b"a", b"b"], callback=lambda msg, status: ...)

The socket's FD is registered with the loop. It is edge-triggered (readable when the
socket's events may have changed, re-armed by reading EVENTS). So each time it fires,
and after each call that adds work, the stream receives and sends for as long as
EVENTS allows. A queued message is sent whole when the socket can take it. The
callbacks run on the loop's thread; an exception in one is logged, and the stream goes
on.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import warnings
import pickle
from collections import deque
from typing import Any, Callable, Sequence

from tornado.ioloop import IOLoop

from .. import _core
from ..asyncio import Socket as _AsyncSocket
from ..socket import Socket as _SyncSocket
from ..constants import Flag, PollEvent, SocketOption
from ..error import Again

# tornado's logger for callbacks' errors, under pyzmq's name for it (tests patch it)
from tornado.log import gen_log  # noqa: E402

_log = gen_log

_NOBLOCK = int(Flag.NOBLOCK)
_POLLIN = int(PollEvent.POLLIN)
_POLLOUT = int(PollEvent.POLLOUT)
_EVENTS = int(SocketOption.EVENTS)
_FD = int(SocketOption.FD)


class ZMQStream:
    """Callbacks for what a socket receives and sends, run by a tornado IOLoop."""

    def __init__(self, socket: Any, io_loop: IOLoop | None = None) -> None:
        if isinstance(socket, _AsyncSocket):
            # as pyzmq: the stream reads an asyncio socket through a plain shadow of it
            warnings.warn(f"ZMQStream only supports the base zmq.Socket class; using a shadow "
                          f"of {socket!r}", RuntimeWarning, stacklevel=2)
            socket = _SyncSocket.shadow(socket)
        self.socket = socket
        # the socket's own calls, as pyzmq's stream passes them through
        for name in ("bind", "bind_to_random_port", "unbind", "connect", "disconnect",
                     "setsockopt", "getsockopt", "setsockopt_string", "getsockopt_string",
                     "setsockopt_unicode", "getsockopt_unicode"):
            setattr(self, name, getattr(socket, name))
        self.io_loop = io_loop or IOLoop.current()
        self._recv_callback: Callable[[list], Any] | None = None
        self._recv_copy = True
        self._send_callback: Callable[[list, Any], Any] | None = None
        self._close_callback: Callable[[], Any] | None = None
        self._send_queue: deque = deque()  # (message, flags, copy, track, kwargs, callback)
        self._fd = socket.getsockopt(_FD)
        self._closed = False
        self._scheduled = False
        self.io_loop.add_handler(self._fd, self._on_fd, IOLoop.READ)

    # -- callbacks --------------------------------------------------------------------

    def on_recv(self, callback: Callable[[list], Any] | None, copy: bool = True) -> None:
        """Call ``callback(msg)`` with every whole message received (None: stop)."""
        self._check_closed()
        assert callback is None or callable(callback), f"not callable: {callback!r}"  # as pyzmq
        self._recv_callback = callback
        self._recv_copy = copy
        self._schedule()

    def on_recv_stream(self, callback: Callable[[ZMQStream, list], Any] | None,
                       copy: bool = True) -> None:
        """Like on_recv, with the stream as first argument."""
        self.on_recv(None if callback is None else (lambda msg: callback(self, msg)), copy)

    def stop_on_recv(self) -> None:
        self.on_recv(None)

    def on_send(self, callback: Callable[[list, Any], Any] | None) -> None:
        """Call ``callback(msg, status)`` after each message is sent (None: stop)."""
        self._check_closed()
        assert callback is None or callable(callback), f"not callable: {callback!r}"  # as pyzmq
        self._send_callback = callback

    def on_send_stream(self, callback: Callable[[ZMQStream, list, Any], Any] | None) -> None:
        self.on_send(None if callback is None else (lambda msg, status: callback(self, msg, status)))

    def stop_on_send(self) -> None:
        self.on_send(None)

    def on_err(self, callback: Any) -> None:
        """Kept for old code: libzmq reports no error events, so this is never called."""

    def stop_on_err(self) -> None:
        """Kept for old code (see on_err)."""

    def set_close_callback(self, callback: Callable[[], Any] | None) -> None:
        """Call ``callback()`` when the stream is closed."""
        self._close_callback = callback

    # -- sending ----------------------------------------------------------------------

    def send(self, msg: Any, flags: int = 0, copy: bool = True, track: bool = False,
             callback: Callable[[list, Any], Any] | None = None, **kwargs: Any) -> None:
        """Queue one frame as a message; ``callback(msg, status)`` once it is sent."""
        self.send_multipart([msg], flags, copy, track, callback, **kwargs)

    def send_multipart(self, msg: Sequence[Any], flags: int = 0, copy: bool = True,
                       track: bool = False, callback: Callable[[list, Any], Any] | None = None,
                       **kwargs: Any) -> None:
        """Queue a message; it is sent from the loop when the socket can take it."""
        self._check_closed()
        self._send_queue.append((list(msg), flags, copy, track, kwargs, callback))
        self._schedule()

    def send_string(self, u: str, flags: int = 0, encoding: str = "utf-8",
                    callback: Callable[[list, Any], Any] | None = None, **kwargs: Any) -> None:
        if not isinstance(u, str):
            raise TypeError("unicode/str objects only")
        self.send(u.encode(encoding), flags=flags, callback=callback, **kwargs)

    send_unicode = send_string

    def send_json(self, obj: Any, flags: int = 0,
                  callback: Callable[[list, Any], Any] | None = None, **kwargs: Any) -> None:
        import json

        self.send(json.dumps(obj, **kwargs).encode("utf-8"), flags=flags, callback=callback)

    def send_pyobj(self, obj: Any, flags: int = 0, protocol: int = pickle.DEFAULT_PROTOCOL,
                   callback: Callable[[list, Any], Any] | None = None, **kwargs: Any) -> None:
        self.send(pickle.dumps(obj, protocol), flags=flags, callback=callback, **kwargs)

    # -- state ------------------------------------------------------------------------

    def receiving(self) -> bool:
        return self._recv_callback is not None

    def sending(self) -> bool:
        return bool(self._send_queue)

    def closed(self) -> bool:
        return self._closed or self.socket.closed

    def flush(self, flag: int = _POLLIN | _POLLOUT, limit: int | None = None) -> int:
        """Receive and send now what the socket allows (up to ``limit`` messages);
        returns how many messages were handled."""
        return self._handle(flag, limit)

    def close(self, linger: int | None = None) -> None:
        """Stop watching the socket, then close it."""
        if self._closed:
            return
        self._closed = True
        if self.socket.closed:
            # the socket's FD closed with it, and the number may already name another file
            warnings.warn(
                f"Unregistering FD {self._fd} after closing socket: the handler of whatever "
                "now has that number may go. Close the stream instead of its socket.",
                stacklevel=2,
            )
        try:
            self.io_loop.remove_handler(self._fd)
        except (KeyError, ValueError):
            pass
        if not self.socket.closed:
            self.socket.close(linger)
        if self._close_callback is not None:
            self._run(self._close_callback)

    # -- the loop's side ----------------------------------------------------------------

    def _check_closed(self) -> None:
        if self.closed():
            raise OSError("Stream is closed")

    def _schedule(self) -> None:
        # the FD fires only on changes: what is already possible is done on the next turn
        if not self._scheduled:
            self._scheduled = True
            self.io_loop.add_callback(self._on_fd)

    def _on_fd(self, fd: Any = None, events: Any = None) -> None:
        self._scheduled = False
        if not self._closed and self.socket.closed:
            # closed under the stream (through a shadow, say): say so once, stop watching
            _log.warning("Got events for stream %s attached to closed socket", self)
            self.close()
        elif not self.closed():
            self._handle(_POLLIN | _POLLOUT, None)

    def _handle(self, flag: int, limit: int | None) -> int:
        handled = 0
        while not self.closed() and (limit is None or handled < limit):
            events = self.socket.getsockopt(_EVENTS)  # re-arms the FD
            done = 0
            if flag & _POLLIN and events & _POLLIN and self._recv_callback is not None:
                done += self._recv_one()
            if flag & _POLLOUT and events & _POLLOUT and self._send_queue and not self.closed():
                done += self._send_one()
            if not done:
                break
            handled += done
        return handled

    def _recv_one(self) -> int:
        try:
            msg = self.socket.recv_multipart(_NOBLOCK, copy=self._recv_copy)
        except Again:
            return 0
        callback = self._recv_callback
        if callback is not None:
            self._run(callback, msg)
        return 1

    def _send_one(self) -> int:
        msg, flags, copy, track, kwargs, callback = self._send_queue[0]
        try:
            status = self.socket.send_multipart(msg, flags | _NOBLOCK, copy=copy, track=track,
                                                **kwargs)
        except Again:
            return 0
        self._send_queue.popleft()
        for cb in (callback, self._send_callback):
            if cb is not None:
                self._run(cb, msg, status)
        return 1

    def _run(self, callback: Callable[..., Any], *args: Any) -> None:
        try:
            result = callback(*args)
        except Exception:
            _log.error("Uncaught exception in ZMQStream callback", exc_info=True)
            return
        if inspect.isawaitable(result):
            # a coroutine callback (ipykernel's) runs as a task on this loop; as pyzmq's,
            # the stream goes on with the next message without waiting for it
            asyncio.ensure_future(result).add_done_callback(_log_failure)


def _log_failure(task: asyncio.Future) -> None:
    if not task.cancelled() and task.exception() is not None:
        _log.error("Uncaught exception in ZMQStream callback", exc_info=task.exception())


__all__ = ["ZMQStream"]
