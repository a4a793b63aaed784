"""``device`` and ``proxy`` for greenlets: the forwarding loop runs in the calling
greenlet (on the green Poller) instead of in C with the GIL released, which would block
every other greenlet of the thread."""

from __future__ import annotations

from typing import Any, NoReturn

from ..constants import DeviceType, Errno, PollEvent
from ..error import ZMQError
from .poll import Poller

_POLLIN = int(PollEvent.POLLIN)


def proxy(frontend: Any, backend: Any, capture: Any = None) -> NoReturn:
    """Forward whole messages both ways between ``frontend`` and ``backend`` (a copy of
    each to ``capture``, if given) until the context terminates (ContextTerminated).
    ``backend`` may be ``frontend`` itself (or -1): its messages go back to it."""
    if backend is frontend or (isinstance(backend, int) and backend == -1):
        backend = frontend
    poller = Poller()
    poller.register(frontend, _POLLIN)
    poller.register(backend, _POLLIN)
    while True:
        for source, _events in poller.poll():
            target = backend if source is frontend else frontend
            # a greenlet switch inside send_multipart (target at its HWM) holds back
            # only this device: the message waits in hand, as libzmq's proxy does
            message = source.recv_multipart()
            if capture is not None:
                capture.send_multipart(message)
            target.send_multipart(message)


def device(device_type: int, frontend: Any, backend: Any) -> NoReturn:
    """The old zmq_device (QUEUE, FORWARDER, STREAMER are all proxies), for greenlets."""
    if device_type not in (DeviceType.QUEUE, DeviceType.FORWARDER, DeviceType.STREAMER):
        raise ZMQError(Errno.EINVAL)
    proxy(frontend, backend)


__all__ = ["device", "proxy"]
