"""``zmq.sugar.tracker``: MessageTracker (zmqlite's own, re-exported), and
``_FINISHED_TRACKER``, the tracker of a send that copied (done at once)."""

from ..frame import _FINISHED_TRACKER, MessageTracker

__all__ = ["MessageTracker", "_FINISHED_TRACKER"]
