"""zmqlite: ZeroMQ for Python without libzmq, a drop-in for pyzmq.

``import zmqlite as zmq`` gives the names an ordinary pyzmq script uses:
``Context``, ``Socket``, ``Poller``, the constants (``zmq.PUSH``,
``zmq.SocketType.PUSH``), the exceptions (``zmq.Again``), and the version
functions.
"""

from __future__ import annotations

import sys as _sys

try:
    from . import _core
except ImportError as _e:  # say what to do, not only what is missing
    raise ImportError(
        "zmqlite's compiled core (zmqlite._core) is not built or not found: install zmqlite "
        "(`pip install -e .` in the checkout builds it in place; it needs a C compiler and the "
        "Python headers). Running from the source checkout without that imports its zmqlite/ "
        f"folder, which has no _core. ({_e})") from _e

from . import constants, error
from .constants import *  # noqa: F403  (every flat constant and enum class)
from .error import *  # noqa: F403
from .error import strerror
from ._core import zmq_poll, proxy, proxy_steerable, device, curve_keypair, curve_public
from ._core import HAVE_CURVE as _HAVE_CURVE
from .frame import Frame, Message, MessageTracker, _FINISHED_TRACKER
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
    "curve": _HAVE_CURVE,  # built with libsodium (setup.py, ZMQLITE_CURVE)
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


#: The pyzmq API level zmqlite implements (its own version is ``__version__``):
#: libraries that check ``pyzmq_version_info() >= (x, y)`` compare against this.
_PYZMQ_API_VERSION = (27, 3, 0)
#: pyzmq's name for the git revision of a development build: none here
__revision__ = ""


def pyzmq_version() -> str:
    """The pyzmq API level zmqlite implements, e.g. "27.3.0" (zmqlite's own
    version is ``zmqlite.__version__``)."""
    return "%d.%d.%d" % _PYZMQ_API_VERSION


def pyzmq_version_info() -> tuple[int, int, int]:
    """The pyzmq API level zmqlite implements, as (major, minor, patch)."""
    return _PYZMQ_API_VERSION


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
        "curve_keypair",
        "curve_public",
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


# pyzmq's module paths, loaded with the package as pyzmq's are: code reads
# zmq.sugar.socket.Socket (jupyter_client's annotations) after a bare `import zmq`
from . import backend, sugar  # noqa: E402
