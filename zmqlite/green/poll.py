"""The green ``Poller`` (and ``select``, ``zmq_poll``): wait on several sockets and fds,
blocking only the calling greenlet.

Each round asks ``zmq_poll`` without waiting (which reads every socket's EVENTS and so
re-arms its FD); if nothing is ready, gevent watchers on the sockets' FDs and on the plain
fds wake the greenlet when something may have changed, and it asks again.
"""

from __future__ import annotations

from typing import Any, Iterable

import gevent
from gevent.event import Event

from .. import _core
from ..constants import PollEvent, SocketOption
from ..poll import Poller as _SyncPoller
from .core import Socket, _deadline, _remaining

_POLLIN = int(PollEvent.POLLIN)
_POLLOUT = int(PollEvent.POLLOUT)
_POLLERR = int(PollEvent.POLLERR)
_FD = int(SocketOption.FD)
_READ, _WRITE = 1, 2  # gevent's io watcher masks


def _watch_masks(items: list[tuple[Any, int]]) -> dict[int, int]:
    """fd -> gevent mask to watch: a zmq socket's FD for reading whatever it waits for
    (it signals any change of EVENTS), a plain fd for what was asked."""
    masks: dict[int, int] = {}
    for obj, flags in items:
        if isinstance(obj, _core.Socket):
            fd, mask = _core.Socket.getsockopt(obj, _FD), _READ
        else:
            fd = obj if isinstance(obj, int) else int(obj.fileno())
            # POLLERR alone: an fd in error is readable too
            mask = (_READ if flags & (_POLLIN | _POLLERR) else 0) | (_WRITE if flags & _POLLOUT else 0)
        masks[fd] = masks.get(fd, 0) | mask
    return masks


def zmq_poll(items: list[tuple[Any, int]], timeout: float | None = -1) -> list[tuple[Any, int]]:
    """``zmq_poll`` for greenlets: [(socket, events)] ready within ``timeout`` ms
    (None or negative: no limit), [] when none was."""
    items = list(items)
    deadline = _deadline(timeout)
    wakeup: Event | None = None
    watchers: list[Any] = []
    try:
        while True:
            ready = _core.zmq_poll(items, 0)
            _pass_on_events(items)
            if ready:
                return ready
            wait = _remaining(deadline)
            if wait == 0:
                return []
            if wakeup is None:
                wakeup = Event()
                loop = gevent.get_hub().loop
                for fd, mask in _watch_masks(items).items():
                    watcher = loop.io(fd, mask)
                    watcher.start(wakeup.set)
                    watchers.append(watcher)
            if not wakeup.wait(wait):
                return []
            wakeup.clear()
    finally:
        for watcher in watchers:
            watcher.stop()
            watcher.close()


def _pass_on_events(items: list[tuple[Any, int]]) -> None:
    """zmq_poll read the EVENTS of every socket, re-arming their FDs: greenlets asleep
    in a green socket's own send/recv must hear of what it saw."""
    for obj, _flags in items:
        if isinstance(obj, Socket) and obj._waiters and not obj.closed:
            obj._fd_ready()


class Poller(_SyncPoller):
    """A Poller whose ``poll()`` blocks only the calling greenlet."""

    def poll(self, timeout: float | None = None) -> list[tuple[Any, int]]:
        """Wait up to ``timeout`` ms (None or negative: forever) for a watched event;
        returns [(socket, events)] for the ready ones, [] on timeout."""
        return zmq_poll(list(self._events.items()), timeout)


def select(rlist: Iterable[Any], wlist: Iterable[Any], xlist: Iterable[Any],
           timeout: float | None = None) -> tuple[list[Any], list[Any], list[Any]]:
    """``zmqlite.select`` for greenlets (``timeout`` in seconds)."""
    events: dict[Any, int] = {}
    for sockets, flag in ((rlist, _POLLIN), (wlist, _POLLOUT), (xlist, _POLLERR)):
        for s in sockets:
            events[s] = events.get(s, 0) | flag
    ready = zmq_poll(list(events.items()), None if timeout is None else timeout * 1000.0)
    return ([s for s, ev in ready if ev & _POLLIN], [s for s, ev in ready if ev & _POLLOUT],
            [s for s, ev in ready if ev & _POLLERR])


__all__ = ["Poller", "select", "zmq_poll"]

# pyzmq's name for this class (zmq.green.poll._Poller)
_Poller = Poller
