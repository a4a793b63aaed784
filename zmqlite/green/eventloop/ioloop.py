"""tornado's IOLoop, where ``zmq.green.eventloop.ioloop`` users import it from."""

from ...eventloop.ioloop import *  # noqa: F403
from ...eventloop.ioloop import __all__  # noqa: F401
