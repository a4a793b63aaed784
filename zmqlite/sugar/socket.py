"""``zmq.sugar.socket``: the Socket class (zmqlite's own, re-exported)."""

from ..socket import Socket, SyncSocket

__all__ = ["Socket", "SyncSocket"]
