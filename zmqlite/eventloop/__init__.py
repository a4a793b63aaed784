"""Tornado integration, as ``zmq.eventloop``: ``ioloop`` (tornado's IOLoop),
``zmqstream.ZMQStream`` (callbacks on a socket) and ``future`` (awaitable sockets).
Needs tornado (``pip install zmqlite[tornado]``); nothing else in zmqlite imports it."""

from .ioloop import IOLoop

__all__ = ["IOLoop"]
