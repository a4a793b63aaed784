"""Reading socket monitor events (``zmq.utils.monitor``).

A monitor message has two frames: 6 bytes (a 16-bit event and a 32-bit value, in the
host's byte order, as libzmq writes them), and the endpoint the event is about.
"""

from __future__ import annotations

import struct
from typing import Any

# pyzmq's monitor module imports zmq.asyncio too, and code relies on it: pyzmq's own
# example annotates `monitor: zmq.asyncio.Socket` having imported only zmq and this module
from .. import asyncio as _asyncio  # noqa: F401
from ..constants import Event


def parse_monitor_message(msg: list) -> dict:
    """{"event": Event, "value": value, "endpoint": bytes} from a monitor message.

    The value is an fd, an errno, an interval in ms or a protocol error code,
    depending on the event; it is an ``Event`` too, as pyzmq gives it."""
    if len(msg) != 2 or len(msg[0]) != 6:
        raise RuntimeError(f"Invalid event message format: {msg!r}")
    event, value = struct.unpack("=hi", bytes(msg[0]))
    return {"event": Event(event), "value": Event(value), "endpoint": bytes(msg[1])}


def recv_monitor_message(socket: Any, flags: int = 0) -> Any:
    """Receive one monitor message and parse it; with an asyncio socket, an awaitable."""
    return socket._deserialize(socket.recv_multipart(flags), parse_monitor_message)


__all__ = ["parse_monitor_message", "recv_monitor_message"]
