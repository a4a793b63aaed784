"""Helpers pyzmq keeps under ``zmq.utils`` (``monitor``)."""
