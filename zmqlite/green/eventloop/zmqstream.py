"""``ZMQStream`` where ``zmq.green.eventloop.zmqstream`` users import it from: the
stream only sends and receives with NOBLOCK when the FD says so, so it works on green
sockets as on plain ones."""

from ...eventloop.zmqstream import ZMQStream

__all__ = ["ZMQStream"]
