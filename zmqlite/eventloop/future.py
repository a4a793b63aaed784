"""Sockets whose calls return awaitables, for tornado code (``zmq.eventloop.future``).

They are zmqlite.asyncio's, with what pyzmq's tornado flavour does differently:

- a cancelled future holds a ``CancelledError`` exception (this module's, an
  ``Exception``): ``cancelled()`` is true and awaiting it raises that error;
- a socket is registered with the tornado IOLoop (``add_handler``) from its first use
  on that loop until it closes, so ``IOLoop.close(all_fds=True)`` closes it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tornado.ioloop import IOLoop

from .. import _core
from ..asyncio import Context as _AsyncContext
from ..asyncio import Poller as _AsyncPoller
from ..asyncio import Socket as _AsyncSocket
from ..constants import SocketOption

_FD = int(SocketOption.FD)


class CancelledError(Exception):
    """What a cancelled future of these sockets holds (tornado code catches it as an
    Exception, as pyzmq's)."""


class _Future(asyncio.Future):
    """An asyncio Future (tornado's Future since tornado 5) whose cancel() sets
    CancelledError as its exception."""

    def cancel(self, msg: Any = None) -> bool:
        if self.done():
            return False
        self.set_exception(CancelledError())
        return True

    def cancelled(self) -> bool:
        return (self.done() and not super().cancelled()
                and isinstance(self.exception(), CancelledError))


class Socket(_AsyncSocket):
    """A zmqlite socket for tornado coroutines (see the module's doc)."""

    _repr_cls = "zmqlite.eventloop.future.Socket"
    _ioloop: IOLoop | None = None  # the IOLoop the socket is registered with

    def _new_future(self, loop: asyncio.AbstractEventLoop) -> asyncio.Future:
        return _Future(loop=loop)

    def _get_loop(self) -> asyncio.AbstractEventLoop:
        loop = super()._get_loop()
        self._watch()
        return loop

    def _watch(self) -> None:
        if self._ioloop is not None or self.closed:
            return
        if self._loop is None:
            super()._get_loop()
        ioloop = IOLoop.current()
        fd = _core.Socket.getsockopt(self, _FD)
        ioloop.add_handler(self, self._on_fd, IOLoop.READ)
        self._ioloop, self._watched_fd = ioloop, fd

    def _on_fd(self, _fileobj: Any, _events: int) -> None:
        self._handle_events()

    def _unwatch(self) -> None:
        """Nothing waits: the socket stays registered (pyzmq's do too)."""

    def _detach(self) -> None:
        ioloop, fd = self._ioloop, self._watched_fd
        self._ioloop = self._watched_fd = None
        if ioloop is not None and fd is not None:
            ioloop.remove_handler(fd)  # by number: a closed socket has no fileno()


class Poller(_AsyncPoller):
    """A Poller whose ``poll()`` returns an awaitable of [(socket, events)]."""

    _socket_class = Socket

    def _new_future(self, loop: asyncio.AbstractEventLoop) -> asyncio.Future:
        return _Future(loop=loop)


class Context(_AsyncContext):
    """A zmqlite context whose ``socket()`` makes this module's sockets."""

    _repr_cls = "zmqlite.eventloop.future.Context"
    _socket_class = Socket
    _instance = None
    _instance_pid = None


__all__ = ["Context", "Socket", "Poller", "CancelledError"]
