"""``zmq.sugar.frame``: Frame and Message (zmqlite's own, re-exported)."""

from ..frame import Frame, Message

__all__ = ["Frame", "Message"]
