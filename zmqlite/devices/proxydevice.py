"""``Proxy``, ``ThreadProxy``, ``ProcessProxy``: a device that is ``zmqlite.proxy``,
with an optional capture ("mon") socket."""

from __future__ import annotations

import multiprocessing
import threading

from .._core import proxy
from ..constants import PUB, QUEUE
from .basedevice import Device, ProcessDevice

__all__ = ["Proxy", "ThreadProxy", "ProcessProxy"]


class Proxy(Device):
    """A proxy with an optional capture ("mon") socket that gets a copy of every message."""

    def __init__(self, in_type: int, out_type: int, mon_type: int | None = PUB) -> None:
        super().__init__(QUEUE, in_type, out_type)
        self.mon_type = mon_type
        self._setup["mon"] = []

    def bind_mon(self, addr: str) -> None: self._setup["mon"].append(("bind", (addr,)))
    def bind_mon_to_random_port(self, addr: str, *args, **kwargs) -> int:
        return self._bind_random("mon", addr, *args, **kwargs)
    def connect_mon(self, addr: str) -> None: self._setup["mon"].append(("connect", (addr,)))
    def setsockopt_mon(self, opt: int, value) -> None: self._setup["mon"].append(("setsockopt", (opt, value)))

    def _capture(self):
        if self.mon_type is None:
            return None
        sock = self._make_socket(self._context, "mon", self.mon_type)
        self._sockets.append(sock)
        return sock

    def run_device(self) -> None:
        ins, outs = self._setup_sockets()
        proxy(ins, outs, self._capture())


class ThreadProxy(Proxy):
    _launch_class = threading.Thread


class ProcessProxy(Proxy):
    _launch_class = multiprocessing.Process
    context_factory = ProcessDevice.context_factory
