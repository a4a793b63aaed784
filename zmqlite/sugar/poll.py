"""``zmq.sugar.poll``: Poller and select (zmqlite's own, re-exported)."""

from ..poll import Poller, select

__all__ = ["Poller", "select"]
