"""pyzmq's ``zmq.sugar``, where its Python classes live, for code that imports or
annotates with those paths (``zmq.sugar.socket.Socket``). Every name here is the same
object as zmqlite's own (``zmqlite.sugar.socket.Socket is zmqlite.Socket``)."""

from .. import device, proxy, pyzmq_version, pyzmq_version_info, zmq_version, zmq_version_info
from ..constants import DeviceType
from ..error import *  # noqa: F403
from ..error import __all__ as _error_all
from . import context, frame, poll, socket, tracker, version
from .context import Context, SyncContext
from .frame import Frame, Message
from .poll import Poller, select
from .socket import Socket, SyncSocket
from .tracker import _FINISHED_TRACKER, MessageTracker

__all__ = ["device", "Context", "SyncContext"] + list(_error_all) + [
    "Frame", "Message", "Poller", "select", "Socket", "SyncSocket", "MessageTracker",
    "_FINISHED_TRACKER",
]
