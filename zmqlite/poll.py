"""Waiting on several sockets at once: ``Poller`` and ``select``.

Both hand a list of (socket, events) to ``_core.zmq_poll``, which waits with
the GIL released. A "socket" may be a zmqlite Socket, an int fd, or any object
with ``fileno()``; results come back as the same objects.
"""

from __future__ import annotations

from typing import Any, Iterable

from . import _core
from ._core import zmq_poll
from .constants import PollEvent

_POLLIN = int(PollEvent.POLLIN)
_POLLOUT = int(PollEvent.POLLOUT)
_POLLERR = int(PollEvent.POLLERR)


def _poll_timeout_ms(timeout: float | None) -> int:
    """zmq_poll's timeout: an int of ms, -1 meaning forever."""
    if timeout is None or timeout < 0:
        return -1
    return int(timeout)


class Poller:
    """A set of sockets and the events to wait for on each, like ``select.poll``."""

    def __init__(self) -> None:
        self._events: dict[Any, int] = {}  # socket -> events, in registration order
        self._items: list[tuple[Any, int]] | None = None  # zmq_poll's argument, cached

    @property
    def sockets(self) -> list[tuple[Any, int]]:
        """The registered (socket, events) pairs, in registration order."""
        return list(self._events.items())

    def __contains__(self, socket: Any) -> bool:
        return socket in self._events

    def register(self, socket: Any, flags: int = _POLLIN | _POLLOUT) -> None:
        """Watch ``socket`` for ``flags`` (POLLIN, POLLOUT, ...); flags 0 unregisters it.

        ``socket`` is a Socket, a file descriptor or an object with ``fileno()``;
        anything else is TypeError here (pyzmq finds out only in ``poll()``).
        """
        if not (isinstance(socket, (_core.Socket, int)) or hasattr(socket, "fileno")):
            raise TypeError(f"Poller.register takes a Socket, an fd or an object with "
                            f"fileno(), not {socket!r}")
        if flags:
            self._events[socket] = flags
            self._items = None
        elif socket in self._events:
            self.unregister(socket)

    def modify(self, socket: Any, flags: int = _POLLIN | _POLLOUT) -> None:
        """Change the events watched on ``socket`` (same as register)."""
        self.register(socket, flags)

    def unregister(self, socket: Any) -> None:
        """Stop watching ``socket``; KeyError if it is not registered."""
        del self._events[socket]
        self._items = None

    def poll(self, timeout: float | None = None) -> list[tuple[Any, int]]:
        """Wait up to ``timeout`` ms (None or negative: forever) for a watched event.

        Returns [(socket, events)] for the sockets with events ready, empty on
        timeout; ``dict(poller.poll())`` maps each to its events.
        """
        items = self._items
        if items is None:
            items = self._items = list(self._events.items())
        return zmq_poll(items, _poll_timeout_ms(timeout))


def select(
    rlist: Iterable[Any],
    wlist: Iterable[Any],
    xlist: Iterable[Any],
    timeout: float | None = None,
) -> tuple[list[Any], list[Any], list[Any]]:
    """Like ``select.select`` for zmqlite sockets and fds; ``timeout`` in seconds.

    Returns the lists of sockets ready to read, ready to write, and in error.
    """
    events: dict[Any, int] = {}
    for sockets, flag in ((rlist, _POLLIN), (wlist, _POLLOUT), (xlist, _POLLERR)):
        for s in sockets:
            events[s] = events.get(s, 0) | flag
    ms = -1 if timeout is None else _poll_timeout_ms(timeout * 1000.0)
    readable: list[Any] = []
    writable: list[Any] = []
    errored: list[Any] = []
    for s, revents in zmq_poll(list(events.items()), ms):
        if revents & _POLLIN:
            readable.append(s)
        if revents & _POLLOUT:
            writable.append(s)
        if revents & _POLLERR:
            errored.append(s)
    return readable, writable, errored


__all__ = ["Poller", "select"]
