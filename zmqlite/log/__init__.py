"""Logging over ZeroMQ (``zmq.log``): ``handlers.PUBHandler`` and ``handlers.TopicLogger``."""
