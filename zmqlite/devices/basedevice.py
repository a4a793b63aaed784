"""``Device``, ``ThreadDevice``, ``ProcessDevice``: a device between two sockets
made, configured and run in a thread (``Thread*``) or a process (``Process*``).

The sockets are made inside the thread or process itself, from the calls
recorded beforehand (``bind_in``, ``connect_out``, ``setsockopt_in``...), since
a socket must not cross threads while in use. The forwarding is
``zmqlite.device``, which runs in C with the GIL released.
"""

from __future__ import annotations

import multiprocessing
import threading

from .._core import device
from ..constants import QUEUE, PUSH
from ..context import Context
from ..error import ContextTerminated, ZMQBindError

__all__ = ["Device", "ThreadDevice", "ProcessDevice"]


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
        self._random_addrs: list[str] = []

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

    def _bind_random(self, side: str, addr: str, *args, **kwargs) -> int:
        # a port is found now, as pyzmq does, by binding a throwaway socket; the real
        # bind is recorded. A port handed out before is not handed out again, so a
        # range with no port left gives ZMQBindError.
        with Context() as ctx, ctx.socket(PUSH) as binder:
            for _ in range(5):
                port = binder.bind_to_random_port(addr, *args, **kwargs)
                binder.unbind(f"{addr}:{port}")
                if f"{addr}:{port}" not in self._random_addrs:
                    break
            else:
                raise ZMQBindError("Could not reserve random port.")
        self._random_addrs.append(f"{addr}:{port}")
        self._setup[side].append(("bind", (f"{addr}:{port}",)))
        return port

    #: where the device's sockets come from (a class attribute, as pyzmq's: the
    #: process's shared context; ProcessDevice makes a fresh one in the child)
    context_factory = Context.instance

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


class ProcessDevice(Device):
    """A Device run in a background process, on a context of its own."""
    _launch_class = multiprocessing.Process
    context_factory = Context
