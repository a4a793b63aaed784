"""ssh tunnels to sockets only a server can reach (pyzmq's ``zmq.ssh``)."""

from .tunnel import *  # noqa: F401,F403
from .tunnel import __all__  # noqa: F401
