"""pyzmq's ``zmq.backend``: the compiled layer under the Python classes, for code that
imports from it (``from zmq.backend import Socket``). As in pyzmq, ``Socket`` and
``Context`` are the base classes of ``zmqlite.Socket`` and ``zmqlite.Context`` (without
the helpers), so every zmqlite socket is an instance of ``backend.Socket``.

``Frame`` is ``zmqlite.Frame`` itself: zmqlite's compiled frame base cannot be made from
data. Absent, as in zmqlite: ``zmq_errno`` (no thread-local errno; the exception carries
it).
"""

from . import IPC_PATH_MAX_LEN, PYZMQ_DRAFT_API, has, zmq_version_info
from ._core import Context, Socket, curve_keypair, curve_public, proxy, proxy_steerable, zmq_poll
from .devices import monitored_queue
from .error import strerror
from .frame import Frame, Message

__all__ = ["Context", "Socket", "Frame", "Message", "proxy", "proxy_steerable", "zmq_poll",
           "curve_keypair", "curve_public", "monitored_queue",
           "strerror", "has", "zmq_version_info", "IPC_PATH_MAX_LEN", "PYZMQ_DRAFT_API"]
