"""zmqlite's exceptions: pyzmq's classes, names and hierarchy.

``zmqlite._core`` raises through :func:`_exception_for`, so every failure of a
ZeroMQ call surfaces as the same class pyzmq would raise (``Again`` for EAGAIN,
``ContextTerminated`` for ETERM, ...) and ``except zmq.Again`` works unchanged.

This module must not import ``zmqlite._core`` (``_core`` imports it lazily).
"""

from __future__ import annotations

import os
import sys
from errno import EAGAIN, EINTR

from .constants import _HAUSNUMERO, Errno

ETERM = int(Errno.ETERM)

# libzmq's zmq_strerror() texts where it does not defer to the OS's strerror().
# It has its own text for these 8 only where it supplies the number itself: the
# HAUSNUMERO fallbacks (see constants._os_errno), and the CRT values on Windows.
_FALLBACK_MESSAGES = {
    "ENOTSUP": "Not supported",
    "EPROTONOSUPPORT": "Protocol not supported",
    "ENOBUFS": "No buffer space available",
    "ENETDOWN": "Network is down",
    "EADDRINUSE": "Address in use",
    "EADDRNOTAVAIL": "Address not available",
    "ECONNREFUSED": "Connection refused",
    "EINPROGRESS": "Operation in progress",
}
_ZMQ_MESSAGES = {
    int(Errno[name]): text
    for name, text in _FALLBACK_MESSAGES.items()
    if Errno[name] > _HAUSNUMERO or sys.platform.startswith("win")
}
_ZMQ_MESSAGES.update(
    {
        int(Errno.EFSM): "Operation cannot be accomplished in current state",
        int(Errno.ENOCOMPATPROTO): "The protocol is not compatible with the socket type",
        int(Errno.ETERM): "Context was terminated",
        int(Errno.EMTHREAD): "No thread available",
        # libzmq's own text on every platform (Linux's strerror says "No route to host")
        int(Errno.EHOSTUNREACH): "Host unreachable",
    }
)


def strerror(errno: int) -> str:
    """The message libzmq's ``zmq_strerror(errno)`` gives."""
    try:
        return _ZMQ_MESSAGES[errno]
    except KeyError:
        pass
    try:
        return os.strerror(errno)
    except (ValueError, OverflowError):  # out of the C int range
        return f"Unknown error {errno}"


class ZMQBaseError(Exception):
    """Base class of every zmqlite exception."""


class ZMQError(ZMQBaseError):
    """A ZeroMQ call failed with ``errno`` (libzmq's number, see ``zmqlite.Errno``).

    ``ZMQError(errno)`` takes its message from :func:`strerror`; ``ZMQError(errno, msg)``
    overrides it. A non-int first argument is taken as the message itself, as pyzmq does.
    """

    errno: int | None = None
    strerror: str

    def __init__(self, errno: int | None = None, msg: str | None = None) -> None:
        if isinstance(errno, int):
            self.errno = errno
            self.strerror = strerror(errno) if msg is None else msg
        elif errno is None:
            # pyzmq asks libzmq for the calling thread's errno here; zmqlite has no
            # such hidden state, so the error is simply unspecified
            self.strerror = "Unknown error" if msg is None else msg
        else:
            self.strerror = str(errno) if msg is None else msg

    def __str__(self) -> str:
        return self.strerror

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class ZMQBindError(ZMQBaseError):
    """``Socket.bind_to_random_port`` found no free port."""


class NotDone(ZMQBaseError):
    """A wait for ZeroMQ to finish with a message timed out (``MessageTracker.wait``)."""


class ContextTerminated(ZMQError):
    """The socket's context was terminated (ETERM)."""

    def __init__(self, errno: object = "ignored", msg: object = "ignored") -> None:
        # the signature accepts pyzmq's positional (errno, msg), but the class fixes both
        super().__init__(ETERM)


class Again(ZMQError):
    """The operation would block (EAGAIN): NOBLOCK, or a RCVTIMEO/SNDTIMEO expired."""

    def __init__(self, errno: object = "ignored", msg: object = "ignored") -> None:
        super().__init__(EAGAIN)


class InterruptedSystemCall(ZMQError, InterruptedError):
    """A call was interrupted by a signal (EINTR).

    zmqlite retries such calls itself after running Python's signal handlers, so
    seeing this exception means a retry was missed.
    """

    errno = EINTR

    def __init__(self, errno: object = "ignored", msg: object = "ignored") -> None:
        super().__init__(EINTR)

    def __str__(self) -> str:
        return f"{self.strerror}: this call should have been retried; please report it to zmqlite"


class ZMQVersionError(NotImplementedError):
    """A feature needs a newer libzmq than the one emulated (see ``zmq_version``)."""

    def __init__(self, min_version: str, msg: str = "Feature") -> None:
        from . import zmq_version  # the package imports this module first

        self.msg = msg
        self.min_version = min_version
        self.version = zmq_version()

    def __repr__(self) -> str:
        return f"ZMQVersionError({str(self)!r})"

    def __str__(self) -> str:
        return f"{self.msg} requires libzmq >= {self.min_version}, have {self.version}"


class DraftFDWarning(RuntimeWarning):
    """pyzmq warns with this about FD on thread-safe (DRAFT) sockets; named for parity."""


# errno -> the class that owns it; its constructor takes no errno/msg of its own
_ERRNO_CLASSES = {
    EAGAIN: Again,
    ETERM: ContextTerminated,
    EINTR: InterruptedSystemCall,
}


def _exception_for(errno: int, msg: str | None = None) -> ZMQError:
    """The exception for a failed ZeroMQ call: the right ZMQError subclass for ``errno``.

    ``msg``, when given, replaces the standard message (e.g. to name an address).
    ``_core`` calls this at its boundary and raises the result.
    """
    cls = _ERRNO_CLASSES.get(errno)
    if cls is None:
        return ZMQError(errno, msg)
    exc = cls()
    if msg is not None:
        exc.strerror = msg
    return exc


__all__ = [
    "DraftFDWarning",
    "ZMQBaseError",
    "ZMQBindError",
    "ZMQError",
    "NotDone",
    "ContextTerminated",
    "InterruptedSystemCall",
    "Again",
    "ZMQVersionError",
]
