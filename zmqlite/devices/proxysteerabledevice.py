"""``ProxySteerable`` and its thread and process forms: ``zmqlite.proxy_steerable``
as a device, with a control socket (PAUSE, RESUME, TERMINATE, STATISTICS)."""

from __future__ import annotations

import multiprocessing
import threading

from .._core import proxy_steerable
from ..constants import PUB
from .basedevice import ProcessDevice
from .proxydevice import Proxy

__all__ = ["ProxySteerable", "ThreadProxySteerable", "ProcessProxySteerable"]


class ProxySteerable(Proxy):
    """A proxy that also obeys PAUSE, RESUME, TERMINATE and STATISTICS on a control socket."""

    def __init__(self, in_type: int, out_type: int, mon_type: int | None = PUB,
                 ctrl_type: int | None = None) -> None:
        super().__init__(in_type, out_type, mon_type)
        self.ctrl_type = ctrl_type
        self._setup["ctrl"] = []

    def bind_ctrl(self, addr: str) -> None: self._setup["ctrl"].append(("bind", (addr,)))
    def bind_ctrl_to_random_port(self, addr: str, *args, **kwargs) -> int:
        return self._bind_random("ctrl", addr, *args, **kwargs)
    def connect_ctrl(self, addr: str) -> None: self._setup["ctrl"].append(("connect", (addr,)))
    def setsockopt_ctrl(self, opt: int, value) -> None: self._setup["ctrl"].append(("setsockopt", (opt, value)))

    def run_device(self) -> None:
        ins, outs = self._setup_sockets()
        ctrl = None
        if self.ctrl_type is not None:
            ctrl = self._make_socket(self._context, "ctrl", self.ctrl_type)
            self._sockets.append(ctrl)
        proxy_steerable(ins, outs, self._capture(), ctrl)


class ThreadProxySteerable(ProxySteerable):
    _launch_class = threading.Thread


class ProcessProxySteerable(ProxySteerable):
    _launch_class = multiprocessing.Process
    context_factory = ProcessDevice.context_factory
