"""Background devices, as pyzmq's ``zmq.devices``: a proxy between two sockets
made, configured and run in a thread (``Thread*``) or a process (``Process*``).

The sockets are made inside the thread or process itself, from the calls
recorded beforehand (``bind_in``, ``connect_out``, ``setsockopt_in``...), since
a socket must not cross threads while in use. The forwarding is
``zmqlite.proxy``, which runs in C with the GIL released.
"""

from __future__ import annotations

import multiprocessing
import threading

from ._core import device, proxy, proxy_steerable
from .constants import DeviceType, QUEUE, FORWARDER, STREAMER, PUB
from .context import Context

__all__ = [
    "Device", "ThreadDevice", "ProcessDevice",
    "Proxy", "ThreadProxy", "ProcessProxy",
    "ProxySteerable", "ThreadProxySteerable", "ProcessProxySteerable",
    "device", "proxy", "proxy_steerable", "DeviceType", "QUEUE", "FORWARDER", "STREAMER",
]


class Device:
    """A device forwarding between an "in" socket and an "out" socket.

    Record the set-up with ``bind_in``/``connect_in``/``setsockopt_in`` (and
    the ``_out`` twins), then ``start()`` runs it in the background; ``run()``
    runs it in the calling thread. It stops when its context is terminated.
    """

    _launch_class: type = threading.Thread

    def __init__(self, device_type: int = QUEUE, in_type: int | None = None,
                 out_type: int | None = None) -> None:
        if in_type is None or out_type is None:
            raise TypeError("in_type and out_type are required")
        self.device_type = device_type
        self.in_type = in_type
        self.out_type = out_type
        self.daemon = True
        self.done = False
        self._setup: dict[str, list[tuple[str, tuple]]] = {"in": [], "out": []}
        self.launcher = None
        self._context = None
        self._sockets: list = []

    # the recorded calls, replayed on the sockets in the device's own thread
    def bind_in(self, addr: str) -> None: self._setup["in"].append(("bind", (addr,)))
    def bind_out(self, addr: str) -> None: self._setup["out"].append(("bind", (addr,)))
    def connect_in(self, addr: str) -> None: self._setup["in"].append(("connect", (addr,)))
    def connect_out(self, addr: str) -> None: self._setup["out"].append(("connect", (addr,)))
    def setsockopt_in(self, opt: int, value) -> None: self._setup["in"].append(("setsockopt", (opt, value)))
    def setsockopt_out(self, opt: int, value) -> None: self._setup["out"].append(("setsockopt", (opt, value)))

    def bind_in_to_random_port(self, addr: str, *args, **kwargs) -> int:
        return self._bind_random("in", addr, *args, **kwargs)

    def bind_out_to_random_port(self, addr: str, *args, **kwargs) -> int:
        return self._bind_random("out", addr, *args, **kwargs)

    def _bind_random(self, side: str, addr: str, min_port: int = 49152, max_port: int = 65536,
                     max_tries: int = 100) -> int:
        # find a free port now with a throwaway socket, then record a plain bind
        import random
        import socket as _socket
        host = addr.rsplit("://", 1)[-1]
        for _ in range(max_tries):
            port = random.randrange(min_port, max_port)
            probe = _socket.socket()
            try:
                probe.bind((host if host != "*" else "0.0.0.0", port))
            except OSError:
                continue
            finally:
                probe.close()
            self._setup[side].append(("bind", (f"{addr}:{port}",)))
            return port
        from .error import ZMQBindError
        raise ZMQBindError("Could not bind socket to random port.")

    def context_factory(self):
        """The context the device's sockets come from (a fresh one per device)."""
        return Context()

    def _make_socket(self, ctx, side: str, socket_type: int):
        sock = ctx.socket(socket_type)
        for method, args in self._setup[side]:
            getattr(sock, method)(*args)
        return sock

    def _setup_sockets(self):
        ctx = self._context = self.context_factory()
        ins = self._make_socket(ctx, "in", self.in_type)
        if self.out_type < 0:
            # one socket both ways (an echo device): the "out" set-up applies to it too
            for method, args in self._setup["out"]:
                getattr(ins, method)(*args)
            self._sockets = [ins]
            return ins, ins
        self._sockets = [ins, self._make_socket(ctx, "out", self.out_type)]
        return self._sockets

    def run_device(self) -> None:
        ins, outs = self._setup_sockets()
        device(self.device_type, ins, outs)

    def run(self) -> None:
        from .error import ContextTerminated
        try:
            self.run_device()
        except ContextTerminated:
            pass
        finally:
            # closed here so that the terminating context's term() can finish
            for sock in self._sockets:
                sock.close(linger=0)
            self.done = True

    def start(self) -> None:
        self.launcher = self._launch_class(target=self.run, daemon=self.daemon)
        self.launcher.start()

    def join(self, timeout: float | None = None) -> None:
        if self.launcher is not None:
            self.launcher.join(timeout)


class ThreadDevice(Device):
    """A Device run in a background thread, on the process's shared
    ``Context.instance()``: terminating that context stops the device."""
    _launch_class = threading.Thread

    def context_factory(self):
        return Context.instance()


class ProcessDevice(Device):
    """A Device run in a background process."""
    _launch_class = multiprocessing.Process


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
    context_factory = ThreadDevice.context_factory


class ProcessProxy(Proxy):
    _launch_class = multiprocessing.Process


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
    context_factory = ThreadDevice.context_factory


class ProcessProxySteerable(ProxySteerable):
    _launch_class = multiprocessing.Process
