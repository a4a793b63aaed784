"""zmqlite.Socket: the helpers pyzmq users expect, built on ``_core.Socket``.

Everything per-frame or per-message (send, recv, send_multipart, recv_multipart,
getsockopt) stays in ``_core``; this class only composes those calls (strings,
JSON, pickle), maps options to attributes, and adds pyzmq's conveniences.
``send``/``recv`` themselves are ``_core``'s, ``copy=False``, ``Frame`` arguments
and trackers included.
"""

from __future__ import annotations

import types as _types

import errno as _errno
import itertools
import json
import os
import pickle
import random
import sys
from typing import Any, Callable, Sequence
from warnings import warn

from . import _core
from .constants import Errno, Event, PollEvent, SocketOption, SocketType, _OptType
from .error import ZMQBindError, ZMQError
from .frame import _FINISHED_TRACKER, _draft_only

DEFAULT_PROTOCOL = pickle.DEFAULT_PROTOCOL
_monitor_names = itertools.count()

_HWM = SocketOption.HWM
_POLLIN = int(PollEvent.POLLIN)
# a failing get() with these errnos means "not readable": report AttributeError so
# hasattr() and mocking libraries see a missing attribute, as with pyzmq
_WRITE_ONLY_ERRNOS = frozenset((_errno.EINVAL, _errno.EFAULT))


def _class_defines(cls: type, key: str) -> bool:
    """Whether ``key`` is an ordinary attribute of ``cls``: defined or annotated in its MRO.

    Such names are plain Python attributes even when they spell an option
    (a subclass's ``rate`` field is not the RATE option).
    """
    for klass in cls.__mro__:
        # getattr, not __dict__: Python 3.14 builds class annotations lazily
        if key in klass.__dict__ or key in getattr(klass, "__annotations__", ()):
            return True
    return False


def _strict_attrs(obj: object) -> bool:
    """Unknown attribute names raise on zmqlite's own classes (catches ``sock.lingr = 0``
    as pyzmq does); a user's subclass may add attributes freely."""
    return type(obj).__dict__.get("_strict_attrs", False)


def _topic_bytes(topic: str | bytes) -> bytes:
    return topic.encode("utf-8") if isinstance(topic, str) else topic


class _BoundContext:
    """What ``bind``/``connect`` return: ``with sock.bind(url): ...`` unbinds on exit."""

    __slots__ = ("socket", "kind", "addr")

    def __init__(self, socket: Socket, kind: str, addr: str) -> None:
        self.socket = socket
        self.kind = kind
        self.addr = addr

    def __repr__(self) -> str:
        return f"<SocketContext({self.kind}={self.addr!r})>"

    def __enter__(self) -> Socket:
        return self.socket

    def __exit__(self, *exc_info: Any) -> None:
        if self.socket.closed:
            return
        if self.kind == "bind":
            self.socket.unbind(self.addr)
        else:
            self.socket.disconnect(self.addr)


class Socket(_core.Socket):
    """A ZeroMQ socket, created by ``Context.socket(socket_type)``.

    ``Socket(context, socket_type)`` works too. Socket options are also
    attributes: ``sock.linger = 0``, ``sock.rcvtimeo``, ``sock.last_endpoint``.
    """

    _repr_cls = "zmqlite.Socket"
    _strict_attrs = True

    def __class_getitem__(cls, item: Any) -> Any:
        # pyzmq's classes are Generic: annotations such as Context[Socket] must evaluate
        return _types.GenericAlias(cls, item)

    def __init__(self, context: Any = None, socket_type: int | None = None, **kwargs: Any) -> None:
        if kwargs.get("shadow") or isinstance(context, _core.Socket):
            # Socket(shadow=address) or Socket(other): _core made it a shadow, which the
            # owner's context already counts
            super().__init__(context, socket_type, **kwargs)
            return
        if context is None:
            raise TypeError("context must be specified")
        if socket_type is None:
            socket_type = SocketType.PAIR  # pyzmq's default
        creator = getattr(context, "__dict__", {}).get("_creator_pid")
        if creator is not None and creator != os.getpid():
            # the parent's I/O thread does not exist here: a socket would bind and
            # queue but never move a byte over tcp/ipc
            raise ZMQError(
                Errno.ENOTSUP,
                "this context was made before fork(); make a new Context in the child",
            )
        super().__init__(context, socket_type, **kwargs)
        # let Context.destroy() close sockets made directly, not only by ctx.socket()
        add = getattr(context, "_add_socket", None)
        if add is not None:
            add(self)

    def __del__(self) -> None:
        # a socket left open would make Context.term() wait forever
        try:
            if self.closed or self._shadow_owner() is not None:  # a shadow owns nothing
                return
            if warn is not None:  # None during interpreter teardown
                warn(f"Unclosed socket {self!r}", ResourceWarning, stacklevel=2, source=self)
            self.close()
        except Exception:
            pass  # e.g. a socket inherited across fork(): _core refuses it

    # copy.copy(socket) and deepcopy: one more object for the same socket, as pyzmq
    def __copy__(self, memo: Any = None) -> Socket:
        return type(self).shadow(self.underlying)

    __deepcopy__ = __copy__

    @property
    def _shadow(self) -> bool:
        """Whether this object is a shadow of a socket another object owns."""
        return self._shadow_owner() is not None

    @property
    def _shadow_obj(self) -> Any:
        """The socket object this one shadows (pyzmq's name), or None."""
        return self._shadow_owner()

    def __repr__(self) -> str:
        cls = type(self)
        # only the exact class's _repr_cls: a subclass shows its own name
        name = cls.__dict__.get("_repr_cls") or f"{cls.__module__}.{cls.__qualname__}"
        try:
            type_name = SocketType(self.socket_type).name
        except ValueError:
            type_name = str(self.socket_type)
        except Exception:  # repr must not fail, even on a half-built socket
            type_name = "UNKNOWN"
        closed = " closed" if self.closed else ""
        return f"<{name}(zmq.{type_name}) at {hex(id(self))}{closed}>"

    def __enter__(self) -> Socket:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self, linger: int | None = None) -> None:
        """Close the socket; undelivered messages wait up to LINGER ms (or ``linger``)."""
        sockets = getattr(self.context, "_sockets", None)
        if sockets is not None:
            sockets.discard(self)
        super().close(linger)

    # -- bind / connect -------------------------------------------------------------

    def bind(self, addr: str) -> _BoundContext:
        """Bind to ``addr`` (``tcp://host:port``, ``ipc://path``, ``inproc://name``).

        Returns a context manager that unbinds on exit. A ``:0``/``:*`` port is
        resolved first (``last_endpoint``) so the exit unbinds the real one.
        """
        try:
            super().bind(addr)
        except ZMQError as e:
            e.strerror += f" (addr={addr!r})"
            raise
        try:
            endpoint = self.getsockopt(SocketOption.LAST_ENDPOINT).decode("utf-8")
        except (ZMQError, UnicodeDecodeError, AttributeError):
            endpoint = ""
        return _BoundContext(self, "bind", endpoint or addr)

    def connect(self, addr: str) -> _BoundContext:
        """Connect to ``addr``; returns a context manager that disconnects on exit."""
        try:
            super().connect(addr)
        except ZMQError as e:
            e.strerror += f" (addr={addr!r})"
            raise
        return _BoundContext(self, "connect", addr)

    def bind_to_random_port(
        self,
        addr: str,
        min_port: int = 49152,
        max_port: int = 65536,
        max_tries: int = 100,
    ) -> int:
        """Bind to a random port of ``addr`` (no port in it) and return the port.

        With the default range the OS picks the port (``addr:*``); with an explicit
        range, random ports in [min_port, max_port) are tried until one binds,
        raising ZMQBindError after ``max_tries`` ports in use.
        """
        if isinstance(addr, bytes):
            addr = addr.decode("utf-8")
        if min_port == 49152 and max_port == 65536:
            self.bind(f"{addr}:*")
            endpoint = self.getsockopt(SocketOption.LAST_ENDPOINT).decode("ascii", "replace")
            return int(endpoint.rsplit(":", 1)[1])
        for _ in range(max_tries):
            port = random.randrange(min_port, max_port)
            try:
                self.bind(f"{addr}:{port}")
            except ZMQError as e:
                if e.errno == Errno.EADDRINUSE:
                    continue
                if sys.platform == "win32" and e.errno == _errno.EACCES:
                    continue  # Windows reports some reserved ports this way
                raise
            return port
        raise ZMQBindError("Could not bind socket to random port.")

    # -- options --------------------------------------------------------------------

    # pyzmq's names for the two calls _core provides; aliases, so no extra frame
    set = _core.Socket.setsockopt
    get = _core.Socket.getsockopt

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(SocketOption.__members__))

    def __getattr__(self, key: str) -> Any:
        # only reached when normal lookup failed: try an option name
        name = key.upper()
        opt = SocketOption.__members__.get(name)
        if opt is None:
            raise AttributeError(f"{type(self).__name__} has no such option: {name}")
        try:
            return self._get_attr_opt(opt)
        except ZMQError as e:
            if e.errno in _WRITE_ONLY_ERRNOS:
                raise AttributeError(f"{key} attribute is write-only") from None
            raise

    def __setattr__(self, key: str, value: Any) -> None:
        if key in self.__dict__:
            object.__setattr__(self, key, value)
            return
        lowered = key.lower()
        # subscribe/unsubscribe are also methods; `sock.subscribe = b"x"` means the option
        if lowered == "subscribe" or lowered == "unsubscribe":
            self.setsockopt(SocketOption[lowered.upper()], _topic_bytes(value))
            return
        if _class_defines(type(self), key):
            object.__setattr__(self, key, value)
            return
        name = key.upper()
        opt = SocketOption.__members__.get(name)
        if opt is not None:
            self._set_attr_opt(opt, value)
        elif _strict_attrs(self):
            raise AttributeError(f"{type(self).__name__} has no such option: {name}")
        else:
            object.__setattr__(self, key, value)

    def _get_attr_opt(self, opt: SocketOption) -> Any:
        if opt is _HWM:
            return self.get_hwm()
        return self.getsockopt(opt)

    def _set_attr_opt(self, opt: SocketOption, value: Any) -> None:
        if opt is _HWM:
            self.set_hwm(value)
        else:
            self.setsockopt(opt, value)

    def get_hwm(self) -> int:
        """The high-water mark: SNDHWM (RCVHWM where SNDHWM does not apply)."""
        try:
            return self.getsockopt(SocketOption.SNDHWM)
        except ZMQError:
            return self.getsockopt(SocketOption.RCVHWM)

    def set_hwm(self, value: int) -> None:
        """Set both SNDHWM and RCVHWM (effective for later binds/connects)."""
        error = None
        for opt in (SocketOption.SNDHWM, SocketOption.RCVHWM):
            try:
                self.setsockopt(opt, value)
            except Exception as e:  # set the other one anyway, then report
                error = e
        if error is not None:
            raise error

    hwm = property(get_hwm, set_hwm, None, "High-water mark: sets SNDHWM and RCVHWM, gets SNDHWM.")

    @property
    def type(self) -> SocketType | int:
        """The socket type (``SocketType`` member; int for a type zmqlite does not name)."""
        try:
            return SocketType(self.socket_type)
        except ValueError:
            return self.socket_type

    def set_string(self, option: int, optval: str, encoding: str = "utf-8") -> None:
        """Set a bytes option (SUBSCRIBE, ROUTING_ID, ...) from a str."""
        if not isinstance(optval, str):
            raise TypeError(f"strings only, not {type(optval)}: {optval!r}")
        self.setsockopt(option, optval.encode(encoding))

    def get_string(self, option: int, encoding: str = "utf-8") -> str:
        """Get a bytes option (LAST_ENDPOINT, ROUTING_ID, ...) as a str."""
        if SocketOption(option)._opt_type is not _OptType.bytes:
            raise TypeError(f"option {option} will not return a string to be decoded")
        return self.getsockopt(option).decode(encoding)

    setsockopt_string = setsockopt_unicode = set_string
    getsockopt_string = getsockopt_unicode = get_string

    def subscribe(self, topic: str | bytes) -> None:
        """SUB/XSUB: receive messages starting with ``topic`` (str is UTF-8 encoded)."""
        self.setsockopt(SocketOption.SUBSCRIBE, _topic_bytes(topic))

    def unsubscribe(self, topic: str | bytes) -> None:
        """SUB/XSUB: undo one ``subscribe(topic)``."""
        self.setsockopt(SocketOption.UNSUBSCRIBE, _topic_bytes(topic))

    def fileno(self) -> int:
        """The socket's FD: edge-triggered, readable when ``events`` may have changed.

        Read ``events`` until it shows nothing ready before waiting on it again.
        """
        return self.getsockopt(SocketOption.FD)

    def poll(self, timeout: int | None = None, flags: int = _POLLIN) -> int:
        """Wait up to ``timeout`` ms (None: forever) for ``flags`` events.

        Returns the events that are ready (0 on timeout).
        """
        if self.closed:
            raise ZMQError(Errno.ENOTSUP)
        if timeout is None or timeout < 0:
            timeout = -1
        for _sock, revents in _core.zmq_poll([(self, flags)], int(timeout)):
            return revents
        return 0

    # -- monitoring -------------------------------------------------------------------

    _monitor_socket: Any = None

    def get_monitor_socket(self, events: int | None = None, addr: str | None = None) -> Any:
        """A PAIR socket receiving this socket's monitor events (see
        ``zmqlite.utils.monitor``); made once, until ``disable_monitor()``."""
        if self._monitor_socket is not None and not self._monitor_socket.closed:
            return self._monitor_socket
        if addr is None:
            # unique: a PAIR still connected to an earlier monitor's name would take
            # a new monitor bound at the same name
            addr = f"inproc://monitor.s-{self.fileno()}.{next(_monitor_names)}"
        self.monitor(addr, int(Event.ALL) if events is None else events)
        sock = self.context.socket(SocketType.PAIR)
        sock.connect(addr)
        self._monitor_socket = sock
        return sock

    def disable_monitor(self) -> None:
        """Stop monitoring (MONITOR_STOPPED is the monitor's last message)."""
        self._monitor_socket = None
        self.monitor(None, 0)

    # -- serialization --------------------------------------------

    def _deserialize(self, recvd: Any, load: Callable[[Any], Any]) -> Any:
        """Turn what a recv call returned into the result of a recv_* helper.

        The one hook for every ``recv_*`` helper: a subclass whose recv returns
        something else (an asyncio Future) overrides only this.
        """
        return load(recvd)

    def send_serialized(
        self,
        msg: Any,
        serialize: Callable[[Any], Sequence[Any]],
        flags: int = 0,
        copy: bool = True,
        **kwargs: Any,
    ) -> Any:
        """Send ``serialize(msg)`` (a list of buffers) as one multipart message."""
        return self.send_multipart(serialize(msg), flags=flags, copy=copy, **kwargs)

    def recv_serialized(
        self, deserialize: Callable[[list], Any], flags: int = 0, copy: bool = True
    ) -> Any:
        """Receive a multipart message and return ``deserialize(frames)``."""
        frames = self.recv_multipart(flags=flags, copy=copy)
        return self._deserialize(frames, deserialize)

    def send_string(
        self, u: str, flags: int = 0, copy: bool = True, encoding: str = "utf-8", **kwargs: Any
    ) -> Any:
        """Send a str, encoded with ``encoding``."""
        if not isinstance(u, str):
            raise TypeError("str objects only")
        return self.send(u.encode(encoding), flags=flags, copy=copy, **kwargs)

    def recv_string(self, flags: int = 0, encoding: str = "utf-8") -> str:
        """Receive a message and decode it with ``encoding``."""
        return self._deserialize(self.recv(flags=flags), lambda buf: buf.decode(encoding))

    send_unicode = send_string
    recv_unicode = recv_string

    def send_json(self, obj: Any, flags: int = 0, **kwargs: Any) -> Any:
        """Send ``obj`` as UTF-8 JSON; keyword arguments go to ``json.dumps``."""
        send_kwargs = {key: kwargs.pop(key) for key in ("routing_id", "group") if key in kwargs}
        msg = json.dumps(obj, **kwargs).encode("utf-8")
        return self.send(msg, flags=flags, **send_kwargs)

    def recv_json(self, flags: int = 0, **kwargs: Any) -> Any:
        """Receive a JSON message; keyword arguments go to ``json.loads``."""
        return self._deserialize(
            self.recv(flags), lambda buf: json.loads(bytes(buf).decode("utf-8"), **kwargs)
        )

    def send_pyobj(
        self, obj: Any, flags: int = 0, protocol: int = DEFAULT_PROTOCOL, **kwargs: Any
    ) -> Any:
        """Send ``obj`` pickled with ``protocol``."""
        return self.send(pickle.dumps(obj, protocol), flags=flags, **kwargs)

    def recv_pyobj(self, flags: int = 0) -> Any:
        """Receive a pickled object. Never unpickle messages from untrusted peers."""
        return self._deserialize(self.recv(flags), pickle.loads)


#: pyzmq's name for the synchronous socket class (there, ``Socket[bytes]``)
SyncSocket = Socket

__all__ = ["Socket", "SyncSocket"]
