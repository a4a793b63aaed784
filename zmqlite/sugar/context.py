"""``zmq.sugar.context``: the Context class (zmqlite's own, re-exported)."""

from ..context import Context, SyncContext

__all__ = ["Context", "SyncContext"]
