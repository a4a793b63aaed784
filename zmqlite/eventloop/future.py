"""Sockets whose calls return awaitables, for tornado code (``zmq.eventloop.future``).

Tornado's Future is asyncio's since tornado 5, so these are zmqlite.asyncio's classes."""

from ..asyncio import Context, Poller, Socket

__all__ = ["Context", "Socket", "Poller"]
