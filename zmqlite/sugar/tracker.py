"""``zmq.sugar.tracker``: MessageTracker (zmqlite's own, re-exported), and the tracker
that is always done, which zmqlite hands out for every send."""

from ..frame import _DONE_TRACKER as _FINISHED_TRACKER
from ..frame import MessageTracker

__all__ = ["MessageTracker", "_FINISHED_TRACKER"]
