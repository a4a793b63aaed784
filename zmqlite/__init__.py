"""zmqlite: ZeroMQ for Python without libzmq, a drop-in for pyzmq.

``import zmqlite as zmq`` gives the names an ordinary pyzmq script uses:
``Context``, ``Socket``, ``Poller``, the constants (``zmq.PUSH``,
``zmq.SocketType.PUSH``), the exceptions (``zmq.Again``), and the version
functions.
"""

from __future__ import annotations

import re as _re
import sys as _sys

from . import constants, error
from .constants import *  # noqa: F403  (every flat constant and enum class)
from .error import *  # noqa: F403
from .error import strerror
from ._core import zmq_poll, proxy, proxy_steerable, device
from .frame import Frame, Message, MessageTracker
from .socket import Socket, SyncSocket
from .context import Context, SyncContext
from .poll import Poller, select

try:
    from ._version import version as __version__
except ImportError:  # a source tree without setuptools-scm's generated file
    __version__ = "0.0.0+unknown"

#: The libzmq API level zmqlite mirrors (constants, option semantics, error numbers).
#: No libzmq is loaded; this is what pyzmq-style version checks compare against.
_ZMQ_API_VERSION = (4, 3, 5)

#: pyzmq's threshold below which copy=False still copies; zmqlite chooses itself (it
#: lends a bytes object of 16 KiB or more, copies smaller ones): kept for scripts that read it
COPY_THRESHOLD = 65536
#: libzmq DRAFT sockets and options are not available
DRAFT_API = False
PYZMQ_DRAFT_API = False
#: longest ipc:// path: sizeof(sockaddr_un.sun_path) - 1
IPC_PATH_MAX_LEN = 103 if _sys.platform == "darwin" or "bsd" in _sys.platform else 107

_CAPABILITIES = {
    "ipc": True,
    "pgm": False,
    "tipc": False,
    "norm": False,
    "curve": False,
    "gssapi": False,
    "draft": False,
}


def has(capability: str) -> bool:
    """Whether zmqlite supports ``capability`` ("ipc", "curve", ...), as zmq_has()."""
    return _CAPABILITIES.get(capability, False)


def zmq_version_info() -> tuple[int, int, int]:
    """The libzmq API level zmqlite mirrors, as (major, minor, patch)."""
    return _ZMQ_API_VERSION


def zmq_version() -> str:
    """The libzmq API level zmqlite mirrors, e.g. "4.3.5" (no libzmq is loaded)."""
    return "%d.%d.%d" % _ZMQ_API_VERSION


def pyzmq_version() -> str:
    """zmqlite's own version (what pyzmq_version() reports for pyzmq)."""
    return __version__


def pyzmq_version_info() -> tuple:
    """zmqlite's version as (major, minor, patch), plus inf for a development version."""
    # setuptools-scm versions may have fewer parts: "0.1.dev3+g1234abc"
    match = _re.match(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?(.*)", __version__)
    if match is None:
        return (0, 0, 0, float("inf"))
    info = tuple(int(part or 0) for part in match.groups()[:3])
    return info + (float("inf"),) if match.group(4) else info


__all__ = (
    constants.__all__
    + error.__all__
    + [
        "Context",
        "SyncContext",
        "Socket",
        "SyncSocket",
        "Poller",
        "select",
        "Frame",
        "Message",
        "MessageTracker",
        "zmq_poll",
        "proxy",
        "proxy_steerable",
        "device",
        "strerror",
        "has",
        "zmq_version",
        "zmq_version_info",
        "pyzmq_version",
        "pyzmq_version_info",
        "__version__",
        "COPY_THRESHOLD",
        "DRAFT_API",
        "PYZMQ_DRAFT_API",
        "IPC_PATH_MAX_LEN",
    ]
)


def install_as_zmq(children: bool = True) -> None:
    """Make ``import zmq`` give zmqlite, in this process and (with ``children``) in the
    Python processes it starts; see ``zmqlite.as_zmq``."""
    from .as_zmq import install_as_zmq as install

    install(children)
