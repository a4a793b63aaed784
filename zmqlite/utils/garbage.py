"""pyzmq's ``zmq.utils.garbage`` keeps, in ``gc.refs``, the Python objects that
libzmq still uses for zero-copy sends, until its garbage-collection thread hears
libzmq is done with them. zmqlite has no such thread: the references a lent
buffer holds are dropped by the next thread that runs with the GIL (see
``MessageTracker``). So ``gc.refs`` here is always empty; the object exists for
code (pyzmq's own tests among it) that looks at it.
"""

from __future__ import annotations

__all__ = ["GarbageCollector", "gc"]


class GarbageCollector:
    """Stands in for pyzmq's: nothing to collect, nothing to start or stop."""

    def __init__(self, context=None) -> None:
        self.refs: dict = {}
        self.context = context

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    @property
    def is_alive(self) -> bool:
        return False


gc = GarbageCollector()
