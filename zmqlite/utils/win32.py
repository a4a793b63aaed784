"""``zmq.utils.win32`` for code that imports it everywhere: ``allow_interrupt`` lets
Ctrl-C interrupt a blocking call on Windows; zmqlite's blocking calls are interruptible
already (and zmqlite does not run on Windows yet), so here it changes nothing."""

from __future__ import annotations

from typing import Any, Callable


class allow_interrupt:
    """A context manager that does nothing but hold ``action``, as pyzmq's does off Windows."""

    def __init__(self, action: Callable[[], Any] | None = None) -> None:
        self.action = action

    def __enter__(self) -> allow_interrupt:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        return None


__all__ = ["allow_interrupt"]
