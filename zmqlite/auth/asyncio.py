"""AsyncioAuthenticator: answers ZAP requests in a task on the running asyncio loop."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from .. import asyncio as _zasyncio
from ..error import ZMQError
from .base import Authenticator


class AsyncioAuthenticator(Authenticator):
    """An Authenticator driven by asyncio: ``start()`` (in a running loop, or with
    ``loop`` given) makes a task that reads ZAP requests from an asyncio socket."""

    def __init__(self, context: Any = None, loop: Any = None, encoding: str = "utf-8",
                 log: logging.Logger | None = None) -> None:
        super().__init__(context or _zasyncio.Context.instance(), encoding=encoding, log=log)
        self._task: asyncio.Task | None = None
        self._loop = loop

    _zap_socket_class = _zasyncio.Socket

    def start(self) -> None:
        super().start()
        loop = self._loop or asyncio.get_event_loop()
        self._task = loop.create_task(self._handle_requests())

    async def _handle_requests(self) -> None:
        while True:
            try:
                msg = await self.zap_socket.recv_multipart()
            except (ZMQError, asyncio.CancelledError):
                return
            await self._handle_zap_message(msg)

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        super().stop()

    def __enter__(self) -> AsyncioAuthenticator:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


__all__ = ["AsyncioAuthenticator"]
