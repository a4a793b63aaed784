"""ThreadAuthenticator: answers ZAP requests in a background thread."""

from __future__ import annotations

import logging
import threading
from typing import Any

from .. import Context, Poller
from ..constants import PollEvent
from ..error import ZMQError
from .base import Authenticator


class ThreadAuthenticator(Authenticator):
    """An Authenticator whose requests are answered by a thread of its own; configure
    it from any thread (``allow``, ``configure_plain``, ``configure_curve``...)."""

    thread: threading.Thread | None

    def __init__(self, context: Context | None = None, encoding: str = "utf-8",
                 log: logging.Logger | None = None) -> None:
        super().__init__(context=context, encoding=encoding, log=log)
        self.thread = None
        self._stopping = threading.Event()

    def start(self) -> None:
        super().start()     # bound before start() returns: no request can miss it
        self._stopping.clear()
        self.thread = threading.Thread(target=self._run, name="zmqlite.auth", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        poller = Poller()
        poller.register(self.zap_socket, PollEvent.POLLIN)
        while not self._stopping.is_set():
            try:
                ready = dict(poller.poll(100))
            except ZMQError:
                break       # the context ended
            if self.zap_socket in ready:
                try:
                    msg = self.zap_socket.recv_multipart()
                except ZMQError:
                    break
                self.handle_zap_message(msg)
        super().stop()

    def stop(self) -> None:
        """Stops answering and closes the ZAP socket (waits for the thread)."""
        self._stopping.set()
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join()
        self.thread = None

    def is_alive(self) -> bool:
        return bool(self.thread and self.thread.is_alive())

    def __enter__(self) -> ThreadAuthenticator:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


__all__ = ["ThreadAuthenticator"]
