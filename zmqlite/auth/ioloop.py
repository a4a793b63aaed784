"""pyzmq's deprecated ``zmq.auth.ioloop``: the tornado IOLoop authenticator is the asyncio
one (tornado runs on asyncio)."""

from __future__ import annotations

import warnings
from typing import Any

from .asyncio import AsyncioAuthenticator


class IOLoopAuthenticator(AsyncioAuthenticator):
    """AsyncioAuthenticator under its old name; ``io_loop`` is deprecated, as in pyzmq."""

    def __init__(self, context: Any = None, encoding: str = "utf-8", log: Any = None,
                 io_loop: Any = None) -> None:
        loop = None
        if io_loop is not None:
            warnings.warn("IOLoopAuthenticator(io_loop) is deprecated and ignored",
                          DeprecationWarning, stacklevel=2)
        super().__init__(context, loop=loop, encoding=encoding, log=log)


__all__ = ["IOLoopAuthenticator"]
