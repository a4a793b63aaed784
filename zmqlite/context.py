"""zmqlite.Context: pyzmq's Context API on top of ``_core.Context``.

``_core`` owns the I/O thread and ``term()``; this layer adds the shared
``instance()``, ``destroy()``, default socket options, and context options as
attributes. Context options (IO_THREADS, MAX_SOCKETS, ...) are kept here: the
core runs one I/O thread whatever IO_THREADS says, and MAX_SOCKETS is enforced
in ``socket()``.
"""

from __future__ import annotations

import types as _types

import atexit
import errno as _errno
import os
import threading
from typing import Any, Callable
from warnings import warn
from weakref import WeakSet

from . import _core
from .constants import ContextOption, Errno, SocketOption
from .error import ZMQError
from .socket import Socket, _class_defines, _strict_attrs

_exiting = False


def _notice_exit() -> None:
    # at interpreter exit a Context's __del__ must not block in term()
    global _exiting
    _exiting = True


atexit.register(_notice_exit)

_INT_MAX = 2**31 - 1
_BLOCKY = int(SocketOption.BLOCKY)  # also a context option in libzmq (zmq_ctx_set)
_IPV6 = int(SocketOption.IPV6)  # likewise

#: what zmq_ctx_get reports before any zmq_ctx_set (libzmq 4.3)
_CTX_DEFAULTS = {
    ContextOption.IO_THREADS: 1,
    ContextOption.MAX_SOCKETS: 1023,
    ContextOption.SOCKET_LIMIT: 65535,
    ContextOption.THREAD_SCHED_POLICY: -1,
    ContextOption.MAX_MSGSZ: _INT_MAX,
    ContextOption.MSG_T_SIZE: 64,
    ContextOption.THREAD_NAME_PREFIX: 0,
    _BLOCKY: 1,
    _IPV6: 0,
}
#: options zmq_ctx_set accepts; SOCKET_LIMIT and MSG_T_SIZE are read-only, and
#: 3 means THREAD_PRIORITY when set but SOCKET_LIMIT when read
_CTX_SETTABLE = frozenset(
    (
        ContextOption.IO_THREADS,
        ContextOption.MAX_SOCKETS,
        ContextOption.THREAD_PRIORITY,
        ContextOption.THREAD_SCHED_POLICY,
        ContextOption.MAX_MSGSZ,
        ContextOption.THREAD_AFFINITY_CPU_ADD,
        ContextOption.THREAD_AFFINITY_CPU_REMOVE,
        ContextOption.THREAD_NAME_PREFIX,
        _BLOCKY,
        _IPV6,
    )
)
#: settable options zmq_ctx_get cannot return (they are actions, or write-only)
_CTX_WRITE_ONLY = frozenset(
    (
        ContextOption.THREAD_PRIORITY,  # == SOCKET_LIMIT, which get() reports
        ContextOption.THREAD_AFFINITY_CPU_ADD,
        ContextOption.THREAD_AFFINITY_CPU_REMOVE,
    )
)


class Context(_core.Context):
    """A ZeroMQ context: the owner of sockets and of the background I/O thread.

    Use one per process (``Context.instance()``) unless you need isolation.
    """

    _repr_cls = "zmqlite.Context"
    _strict_attrs = True
    #: what socket() makes; an asyncio Context swaps this
    _socket_class: Callable[..., Any] = Socket

    _instance: Context | None = None
    _instance_pid: int | None = None
    _instance_lock = threading.Lock()

    sockopts: dict
    _sockets: WeakSet
    _options: dict
    _creator_pid: int

    def __class_getitem__(cls, item: Any) -> Any:
        # pyzmq's classes are Generic: annotations such as Context[Socket] must evaluate
        return _types.GenericAlias(cls, item)

    # copy.copy(context) and deepcopy: a shadow of the same context, as pyzmq
    def __copy__(self, memo: Any = None) -> Context:
        return type(self).shadow(self.underlying)

    __deepcopy__ = __copy__

    @property
    def _shadow(self) -> bool:
        """Whether this object is a shadow of a context another object owns."""
        return self._shadow_owner() is not None

    def __init__(self, io_threads: Any = 1, **kwargs: Any) -> None:
        if isinstance(io_threads, _core.Context):  # Context(other): a shadow, as pyzmq
            kwargs["shadow"] = io_threads
            io_threads = 1
        if not isinstance(io_threads, int) or io_threads < 0:
            # checked here, not in __new__, since a subclass may take other arguments
            # there (pyzmq's do); the C context already made is ended at once
            _core.Context.term(self)
            if not isinstance(io_threads, int):
                raise TypeError(f"io_threads must be an int, not {type(io_threads).__name__}")
            raise ZMQError(_errno.EINVAL)  # as zmq_ctx_set(IO_THREADS, -1)
        super().__init__(io_threads=io_threads, **kwargs)
        d = self.__dict__
        d["sockopts"] = {}  # default options for new sockets (ctx.linger = 0, ...)
        d["_sockets"] = WeakSet()  # for destroy(); sockets remove themselves on close
        d["_options"] = dict(_CTX_DEFAULTS)
        d["_options"][ContextOption.IO_THREADS] = io_threads
        d["_creator_pid"] = os.getpid()

    def __del__(self) -> None:
        # pyzmq >= 24: an unreferenced, unterminated context is destroyed, not leaked;
        # never at interpreter exit (term could block) nor in a forked child (not ours)
        try:
            if self.closed or _exiting or self.__dict__.get("_creator_pid") != os.getpid():
                return
            if self._shadow_owner() is not None:
                return  # a shadow owns nothing: its owner ends the context
            if warn is not None:  # None during interpreter teardown
                warn(f"Unclosed context {self!r}", ResourceWarning, stacklevel=2, source=self)
            self._destroy(None, warn_unclosed=True)
        except Exception:
            pass

    def __repr__(self) -> str:
        cls = type(self)
        name = cls.__dict__.get("_repr_cls") or f"{cls.__module__}.{cls.__qualname__}"
        n = sum(1 for s in self.__dict__.get("_sockets", ()) if not s.closed)
        sockets = f"{n} socket{'s' if n > 1 else ''}" if n else ""
        closed = " closed" if self.closed else ""
        return f"<{name}({sockets}) at {hex(id(self))}{closed}>"

    def __enter__(self) -> Context:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        # as pyzmq >= 24: destroy (closing leftover sockets, with a ResourceWarning),
        # because term() with a socket still open would never return
        self._destroy(None, warn_unclosed=True)

    @classmethod
    def instance(cls, io_threads: int = 1) -> Context:
        """The process-wide shared context (made on first use).

        As pyzmq's, ``_instance`` is inherited: a subclass shares its base's instance
        unless it declares ``_instance = None`` itself (asyncio's Context does). A
        forked child gets a fresh one: the parent's I/O thread does not exist there.
        """
        pid = os.getpid()
        inst = cls._instance
        if inst is None or cls._instance_pid != pid or inst.closed:
            with cls._instance_lock:
                inst = cls._instance
                if inst is None or cls._instance_pid != pid or inst.closed:
                    inst = cls(io_threads=io_threads)
                    cls._instance = inst
                    cls._instance_pid = pid
        return inst

    # -- sockets --------------------------------------------------------------------

    def socket(
        self, socket_type: int, socket_class: Callable[..., Any] | None = None, **kwargs: Any
    ) -> Any:
        """Create a socket of ``socket_type`` (PUSH, REQ, ...) in this context.

        ``socket_class`` overrides the class (default ``self._socket_class``);
        ``kwargs`` go to its constructor. Default options set on the context
        (``ctx.linger = 0``) are applied; ones that do not fit the type are skipped.
        """
        if not isinstance(socket_type, int):
            # as pyzmq ("PUSH" is not zmq.PUSH)
            raise TypeError(f"socket_type must be an int such as zmq.PUSH, not {socket_type!r}")
        if self.closed:
            # a shadow whose context was terminated meanwhile: libzmq finds a dead
            # context there (EFAULT); a closed context of one's own is ENOTSUP, as pyzmq
            raise ZMQError(_errno.EFAULT if self._shadow else Errno.ENOTSUP)
        if self._socket_count() >= self._options[ContextOption.MAX_SOCKETS]:
            raise ZMQError(_errno.EMFILE)
        if socket_class is None:
            socket_class = self._socket_class
        sock = socket_class(self, socket_type, **kwargs)
        for opt, value in self.sockopts.items():
            try:
                if opt == SocketOption.HWM:
                    sock.set_hwm(value)
                else:
                    sock.setsockopt(opt, value)
            except ZMQError:
                pass  # e.g. SUBSCRIBE on a PUSH socket, as pyzmq
        self._sockets.add(sock)
        return sock

    def _add_socket(self, sock: Any) -> None:
        self._sockets.add(sock)

    def destroy(self, linger: int | None = None) -> None:
        """Close every open socket of this context (with ``linger`` if given), then term().

        Not thread-safe: do not call it while other threads still use sockets.
        """
        self._destroy(linger, warn_unclosed=False)

    def _destroy(self, linger: int | None, warn_unclosed: bool) -> None:
        if self.closed:
            return
        for sock in list(self.__dict__.get("_sockets", ())):
            if sock.closed:
                continue
            if warn_unclosed and warn is not None:
                warn(
                    f"Destroying context with unclosed socket {sock!r}",
                    ResourceWarning,
                    stacklevel=3,
                    source=sock,
                )
            if linger is not None:
                sock.setsockopt(SocketOption.LINGER, linger)
            sock.close()
        self.term()

    # -- default socket options -----------------------------------------------------

    def setsockopt(self, opt: int, value: Any) -> None:
        """Set a default option for sockets created later by this context."""
        self.sockopts[opt] = value

    def getsockopt(self, opt: int) -> Any:
        """A default socket option set with ``setsockopt`` (KeyError if unset)."""
        return self.sockopts[opt]

    # -- context options ------------------------------------------------------------

    def set(self, option: int, optval: int) -> None:
        """Set a context option (IO_THREADS, MAX_SOCKETS, ...), as zmq_ctx_set."""
        if option not in _CTX_SETTABLE:
            raise ZMQError(Errno.EINVAL)
        if not isinstance(optval, int):
            raise TypeError(f"expected int, got: {optval!r}")
        if optval < 0 and option != ContextOption.THREAD_SCHED_POLICY:
            raise ZMQError(Errno.EINVAL)
        if option == ContextOption.MAX_SOCKETS and not (
            1 <= optval <= self._options[ContextOption.SOCKET_LIMIT]
        ):
            raise ZMQError(Errno.EINVAL)
        if option not in _CTX_WRITE_ONLY:
            self._options[option] = optval

    def get(self, option: int) -> int:
        """A context option's value, as zmq_ctx_get."""
        try:
            return self._options[option]
        except KeyError:
            raise ZMQError(Errno.EINVAL) from None

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(ContextOption.__members__))

    # ctx.io_threads is a context option; ctx.linger a default socket option
    def __getattr__(self, key: str) -> Any:
        name = key.upper()
        opt = ContextOption.__members__.get(name)
        if opt is not None:
            if opt in _CTX_WRITE_ONLY:
                # an AttributeError, so getattr(ctx, name, default) and dir()-walkers
                # (mock.Mock(spec=ctx)) pass over it
                raise AttributeError(f"{key} attribute is write-only")
            return self.get(opt)
        sock_opt = SocketOption.__members__.get(name)
        if sock_opt is not None:
            try:
                return self.__dict__["sockopts"][sock_opt]
            except KeyError:
                raise AttributeError(name) from None
        raise AttributeError(f"{type(self).__name__} has no such option: {name}")

    def __setattr__(self, key: str, value: Any) -> None:
        if key in self.__dict__ or _class_defines(type(self), key):
            object.__setattr__(self, key, value)
            return
        name = key.upper()
        opt = ContextOption.__members__.get(name)
        if opt is not None:
            self.set(opt, value)
            return
        sock_opt = SocketOption.__members__.get(name)
        if sock_opt is not None:
            self.sockopts[sock_opt] = value
        elif _strict_attrs(self):
            raise AttributeError(f"{type(self).__name__} has no such option: {name}")
        else:
            object.__setattr__(self, key, value)

    def __delattr__(self, key: str) -> None:
        if key in self.__dict__:
            del self.__dict__[key]
            return
        name = key.upper()
        sock_opt = SocketOption.__members__.get(name)
        if sock_opt is None:
            raise AttributeError(f"No such socket option: {name!r}")
        try:
            del self.sockopts[sock_opt]
        except KeyError:
            raise AttributeError(name) from None


#: pyzmq's name for the synchronous context class (there, ``Context[SyncSocket]``)
SyncContext = Context

__all__ = ["Context", "SyncContext"]


def _fresh_instance_lock_in_child() -> None:
    # another thread may have been inside Context.instance() at fork(): its lock
    # would stay held for ever in the child, which has none of the parent's threads
    Context._instance_lock = threading.Lock()


os.register_at_fork(after_in_child=_fresh_instance_lock_in_child)
