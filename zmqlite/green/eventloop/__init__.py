"""``zmq.green.eventloop``: the tornado integration (``zmqlite.eventloop``) for green
sockets, as pyzmq keeps it. Needs tornado."""

from .ioloop import IOLoop

__all__ = ["IOLoop"]
