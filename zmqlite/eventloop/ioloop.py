"""tornado's IOLoop, where pyzmq users import it from (``zmq.eventloop.ioloop``).

Since tornado 5 the IOLoop runs on asyncio and zmqlite sockets need nothing special
from it: ``install()`` and ``ZMQIOLoop`` remain for old code and change nothing."""

import warnings

from tornado.ioloop import IOLoop, PeriodicCallback  # noqa: F401

ZMQIOLoop = IOLoop


def install() -> None:
    """Deprecated, as in pyzmq: there is no special IOLoop to install any more."""
    warnings.warn(
        "zmq.eventloop.ioloop.install() is deprecated: tornado's IOLoop needs nothing from it",
        DeprecationWarning, stacklevel=2,
    )


__all__ = ["IOLoop", "PeriodicCallback", "ZMQIOLoop", "install"]
