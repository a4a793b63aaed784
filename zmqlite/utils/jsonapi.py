"""JSON as pyzmq's ``zmq.utils.jsonapi`` gives it: bytes out, str or bytes in."""

from __future__ import annotations

import json
from typing import Any

jsonmod = json


def dumps(o: Any, **kwargs: Any) -> bytes:
    """``json.dumps`` encoded as UTF-8 bytes."""
    return json.dumps(o, **kwargs).encode("utf-8")


def loads(s: bytes | str, **kwargs: Any) -> Any:
    """``json.loads`` of bytes (UTF-8) or str."""
    if isinstance(s, bytes):
        s = s.decode("utf-8")
    return json.loads(s, **kwargs)


__all__ = ["dumps", "loads", "jsonmod"]
