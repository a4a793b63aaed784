"""gevent for zmqlite, as pyzmq's ``zmq.green``: every call that would block the thread
blocks only the calling greenlet.

    import zmqlite.green as zmq      # instead of: import zmqlite as zmq
    ctx = zmq.Context()
    sock = ctx.socket(zmq.REP)
    msg = sock.recv()                # other greenlets run meanwhile

``Context``, ``Socket``, ``Poller``, ``select``, ``zmq_poll``, ``device`` and ``proxy``
are the green ones; every other name is zmqlite's. The waiting is driven by each
socket's FD on gevent's hub (see ``zmqlite.green.core``). Needs gevent
(``pip install zmqlite[gevent]``); nothing else in zmqlite imports it.
"""

from __future__ import annotations

from .. import *  # noqa: F403  (constants, errors, version functions)
from .. import __all__ as _zmqlite_all
from .core import Context, Socket
from .device import device, proxy
from .poll import Poller, select, zmq_poll

__all__ = list(_zmqlite_all)
