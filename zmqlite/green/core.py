"""The green ``Socket`` and ``Context``: blocking calls that block only their greenlet.

A socket's FD (its FD option) is edge-triggered, as libzmq's: it becomes readable when the
socket's events may have changed, and is re-armed by reading EVENTS. So a call that would
block tries once without blocking (NOBLOCK); on ``Again`` it reads EVENTS, and if the
event it needs is still missing it sleeps until a gevent watcher on the FD
(``hub.loop.io(fd, READ)``) sees EVENTS allow it, then tries again. The watcher exists
only while some greenlet waits on the socket; nothing polls in a loop.

Every place that reads EVENTS (and so re-arms the FD) wakes the greenlets whose event is
now ready: the watcher's callback, the end of every send/recv (another greenlet may be
waiting for the message behind the one just taken), ``getsockopt(EVENTS)`` and the green
Poller. Otherwise a greenlet could sleep through a change that someone else's read
consumed.

RCVTIMEO/SNDTIMEO are honoured (``Again`` after that many ms), unlike pyzmq's zmq.green,
which ignores them.
"""

from __future__ import annotations

import time
from typing import Any, Callable

import gevent
from gevent.event import Event

from .. import _core
from ..constants import Errno, Flag, PollEvent, SocketOption
from ..context import Context as _SyncContext
from ..error import Again, ZMQError
from ..frame import Frame
from ..socket import Socket as _SyncSocket

_NOBLOCK = int(Flag.NOBLOCK)
_POLLIN = int(PollEvent.POLLIN)
_POLLOUT = int(PollEvent.POLLOUT)
_EVENTS = int(SocketOption.EVENTS)
_FD = int(SocketOption.FD)
_RCVTIMEO = int(SocketOption.RCVTIMEO)
_SNDTIMEO = int(SocketOption.SNDTIMEO)
_READ = 1  # gevent's (libev's and libuv's) mask for "readable"


def _deadline(timeout_ms: float | None) -> float | None:
    """A monotonic deadline in seconds for a timeout in ms (None or negative: none)."""
    if timeout_ms is None or timeout_ms < 0:
        return None
    return time.monotonic() + timeout_ms / 1000.0


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else max(0.0, deadline - time.monotonic())


class Socket(_SyncSocket):
    """A zmqlite socket whose blocking calls (send, recv, poll and every helper built
    on them) block only the calling greenlet."""

    _repr_cls = "zmqlite.green.Socket"
    # class-level defaults, so that these are plain attributes and not socket options
    # (see Socket.__setattr__)
    _waiters: list | None = None  # (events, Event) of each greenlet sleeping on EVENTS
    _watcher: Any = None  # gevent io watcher on the FD, only while someone waits

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._waiters = []

    # -- the calls --------------------------------------------------------------------

    def send(self, data: Any, flags: int = 0, copy: bool = True, track: bool = False,
             **kwargs: Any) -> Any:
        """Send a frame; waits (this greenlet only) while the socket cannot take it."""
        return self._until_done(_POLLOUT, flags, _SNDTIMEO, _core.Socket.send,
                                data, flags | _NOBLOCK, copy, track, **kwargs)

    def recv(self, flags: int = 0, copy: bool = True, track: bool = False) -> Any:
        """Receive a frame; waits (this greenlet only) until one is there."""
        return self._until_done(_POLLIN, flags, _RCVTIMEO, _core.Socket.recv,
                                flags | _NOBLOCK, copy, track)

    def recv_into(self, buffer: Any, *, nbytes: int = 0, flags: int = 0) -> int:
        """Receive a frame into ``buffer``; waits (this greenlet only) until one is there."""
        return self._until_done(_POLLIN, flags, _RCVTIMEO, _call_recv_into,
                                buffer, nbytes, flags | _NOBLOCK)

    def send_multipart(self, msg_parts: Any, flags: int = 0, copy: bool = True,
                       track: bool = False, **kwargs: Any) -> Any:
        """Send a whole message; waits (this greenlet only) until the socket takes it."""
        parts = list(msg_parts)
        if copy and not track and not kwargs and not (
            parts and isinstance(parts[-1], Frame)  # may carry a tracker to return
        ):
            # all frames checked and queued in one call: a greenlet switch cannot come
            # between two frames of the message
            return self._until_done(_POLLOUT, flags, _SNDTIMEO, _core.Socket._send_parts,
                                    parts, flags | _NOBLOCK)
        # once the first frame is taken the socket takes the rest without waiting, so
        # the frame-by-frame helper does not switch greenlets in mid-message either
        return super().send_multipart(parts, flags, copy, track, **kwargs)

    def recv_multipart(self, flags: int = 0, copy: bool = True, track: bool = False) -> list:
        """Receive a whole message (a list of frames); waits until one is there."""
        if copy:
            return self._until_done(_POLLIN, flags, _RCVTIMEO, _core.Socket._recv_parts,
                                    flags | _NOBLOCK)
        return super().recv_multipart(flags, copy, track)

    def poll(self, timeout: int | None = None, flags: int = _POLLIN) -> int:
        """Wait up to ``timeout`` ms (None: forever) for ``flags``; returns the events
        that are ready (0 on timeout)."""
        if self.closed:
            raise ZMQError(Errno.ENOTSUP)
        return self._wait_for(flags, _deadline(timeout))

    def getsockopt(self, option: int) -> Any:
        if option == _EVENTS:
            return self._read_events()
        return _core.Socket.getsockopt(self, option)

    get = getsockopt

    def close(self, linger: int | None = None) -> None:
        """Close the socket; greenlets waiting on it wake up and fail with ENOTSOCK."""
        if not self.closed:
            self._unwatch()  # before the FD is closed with the socket
        super().close(linger)
        for _events, wakeup in list(self._waiters or ()):
            wakeup.set()

    # -- how calls wait ----------------------------------------------------------------

    def _until_done(self, events: int, flags: int, timeout_option: int,
                    call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Runs ``call(self, *args)`` (a NOBLOCK call) until it does not raise Again,
        sleeping until ``events`` are ready in between; Again after the socket's
        RCVTIMEO/SNDTIMEO, at once if the caller asked for NOBLOCK."""
        deadline: float | None = None
        first = True
        while True:
            try:
                result = call(self, *args, **kwargs)
            except Again:
                if flags & _NOBLOCK:
                    raise
            else:
                if self._waiters:
                    # no signal comes for a change made by this socket's own call
                    # (a REQ that got its reply can send again): look for the others
                    self._fd_ready()
                return result
            if first:
                first = False
                deadline = _deadline(_core.Socket.getsockopt(self, timeout_option))
            if not self._wait_for(events, deadline):
                raise Again()

    def _wait_for(self, events: int, deadline: float | None) -> int:
        """Sleeps this greenlet until one of ``events`` is ready (returns them) or the
        deadline passes (returns 0). Raises ContextTerminated, and ENOTSOCK if the
        socket is closed meanwhile."""
        while True:
            # reading EVENTS re-arms the FD: after it, any change makes the FD readable
            ready = self._read_events() & events
            if ready:
                return ready
            timeout = _remaining(deadline)
            if timeout == 0:
                return 0
            waiter = (events, Event())
            self._waiters.append(waiter)
            try:
                self._watch()
                if not waiter[1].wait(timeout):
                    return 0
            finally:
                self._waiters.remove(waiter)
                if not self._waiters:
                    self._unwatch()
            if self.closed:
                raise ZMQError(Errno.ENOTSOCK)

    def _watch(self) -> None:
        if self._watcher is None:
            watcher = gevent.get_hub().loop.io(_core.Socket.getsockopt(self, _FD), _READ)
            watcher.start(self._fd_ready)
            self._watcher = watcher

    def _unwatch(self) -> None:
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.stop()
            watcher.close()

    def _fd_ready(self) -> None:
        """The FD fired (in the hub): wake the greenlets whose events are ready."""
        if self.closed:
            self._wake(-1)
            return
        try:
            self._read_events()
        except ZMQError:
            # the context is terminating: every waiter retries and gets the error itself
            self._wake(-1)

    def _read_events(self) -> int:
        """EVENTS, passed on to the sleeping greenlets: the read re-armed the FD, so no
        signal will come for what it saw, and a greenlet left asleep would miss it."""
        events = _core.Socket.getsockopt(self, _EVENTS)
        if self._waiters:
            self._wake(events)
        return events

    def _wake(self, events: int) -> None:
        for wanted, wakeup in self._waiters:
            if wanted & events:
                wakeup.set()


def _call_recv_into(sock: Socket, buffer: Any, nbytes: int, flags: int) -> int:
    return _core.Socket.recv_into(sock, buffer, nbytes=nbytes, flags=flags)


class Context(_SyncContext):
    """A zmqlite context whose ``socket()`` makes green sockets."""

    _repr_cls = "zmqlite.green.Context"
    _socket_class = Socket
    _instance = None  # not shared with zmqlite.Context.instance()
    _instance_pid = None

    def term(self) -> None:
        """Wait until every socket is closed, then end the context. Other greenlets run
        meanwhile, so that one blocked on a socket of this context gets
        ContextTerminated and can close its socket."""
        if self.closed:
            return
        hub = gevent.get_hub()
        if gevent.getcurrent() is hub or _core.Context._socket_count(self) == 0:
            _core.Context.term(self)  # nothing for other greenlets to do first
            return
        # term() blocks its thread without the GIL: run it in gevent's thread pool
        hub.threadpool.apply(_core.Context.term, (self,))


# pyzmq's names for these classes (zmq.green.core._Socket, _Context)
_Socket = Socket
_Context = Context

__all__ = ["Context", "Socket"]
