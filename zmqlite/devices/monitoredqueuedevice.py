"""``MonitoredQueue``, ``ThreadMonitoredQueue``, ``ProcessMonitoredQueue``:
``monitored_queue`` as a device (the Espresso pattern of the zguide).

A message arriving on the in socket goes to the mon socket after ``in_prefix``,
one arriving on the out socket after ``out_prefix``; ROUTER on both sides works
(the first two frames are swapped on the way through).
"""

from __future__ import annotations

from ..constants import PUB
from .monitoredqueue import monitored_queue
from .proxydevice import ProcessProxy, Proxy, ThreadProxy

__all__ = ["MonitoredQueue", "ThreadMonitoredQueue", "ProcessMonitoredQueue"]


class MonitoredQueueBase:
    """The prefixes and the run of a monitored queue, mixed into the Proxy classes."""

    def __init__(self, in_type: int, out_type: int, mon_type: int = PUB,
                 in_prefix: bytes = b"in", out_prefix: bytes = b"out") -> None:
        super().__init__(in_type, out_type, mon_type)
        self._in_prefix = in_prefix
        self._out_prefix = out_prefix

    def run_device(self) -> None:
        ins, outs = self._setup_sockets()
        monitored_queue(ins, outs, self._capture(), self._in_prefix, self._out_prefix)


class MonitoredQueue(MonitoredQueueBase, Proxy):
    """A monitored queue run by ``run()`` in the calling thread, or ``start()``ed."""


class ThreadMonitoredQueue(MonitoredQueueBase, ThreadProxy):
    """A monitored queue in a background thread."""


class ProcessMonitoredQueue(MonitoredQueueBase, ProcessProxy):
    """A monitored queue in a background process."""
