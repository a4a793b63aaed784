"""``monitored_queue``: pyzmq's proxy with a prefixed capture, in C (``src/proxy.pyx``)."""

from .._core import monitored_queue

__all__ = ["monitored_queue"]
