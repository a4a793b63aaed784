"""Log records published on a PUB socket (``zmq.log.handlers``).

    handler = PUBHandler("tcp://127.0.0.1:5558")      # or a bound PUB socket
    handler.root_topic = "myapp"
    logging.getLogger().addHandler(handler)
    logging.info("db.connect::connected")   # topic b"myapp.INFO.db.connect"

Each record is a two-frame message: the topic (the root topic if any, the level name,
then a subtopic given as ``"subtopic::message"``, joined by dots) and the formatted
message, both UTF-8. Subscribers filter on the topic's prefix. The formats per level
are pyzmq's, so a subscriber sees the same text from either library.
"""

from __future__ import annotations

import logging
from copy import copy
from typing import Any

from ..constants import SocketType
from ..context import Context
from ..socket import Socket

TOPIC_DELIM = "::"

_WITH_PLACE = "%(levelname)s %(filename)s:%(lineno)d - %(message)s\n"


class PUBHandler(logging.Handler):
    """A logging handler that publishes records on a PUB socket (given, or bound to
    ``interface_or_socket``)."""

    def __init__(self, interface_or_socket: str | Socket, context: Context | None = None,
                 root_topic: str = "") -> None:
        logging.Handler.__init__(self)
        self.root_topic = root_topic
        self.formatters: dict[int, logging.Formatter | None] = {
            logging.DEBUG: logging.Formatter(_WITH_PLACE),
            logging.INFO: logging.Formatter("%(message)s\n"),
            logging.WARNING: logging.Formatter(_WITH_PLACE),
            logging.ERROR: logging.Formatter(
                "%(levelname)s %(filename)s:%(lineno)d - %(message)s - %(exc_info)s\n"),
            logging.CRITICAL: logging.Formatter(_WITH_PLACE),
        }
        if isinstance(interface_or_socket, Socket):
            self.socket = interface_or_socket
            self.ctx = self.socket.context
        else:
            self.ctx = context or Context()
            self.socket = self.ctx.socket(SocketType.PUB)
            self.socket.bind(interface_or_socket)

    @property
    def root_topic(self) -> str:
        return self._root_topic

    @root_topic.setter
    def root_topic(self, value: str | bytes) -> None:
        self.setRootTopic(value)

    def setRootTopic(self, root_topic: str | bytes) -> None:
        """The topic every record's topic starts with ('' for none)."""
        self._root_topic = root_topic.decode("utf-8") if isinstance(root_topic, bytes) else root_topic

    def setFormatter(self, fmt: logging.Formatter | None, level: int = logging.NOTSET) -> None:
        """The formatter for ``level``, or for every level."""
        if level == logging.NOTSET:
            for known in self.formatters:
                self.formatters[known] = fmt
        else:
            self.formatters[level] = fmt

    def format(self, record: logging.LogRecord) -> str:
        formatter = self.formatters.get(record.levelno) or logging.Formatter()
        return formatter.format(record)

    def emit(self, record: logging.LogRecord) -> None:
        subtopic, sep, rest = str(record.msg).partition(TOPIC_DELIM)
        if sep:
            record = copy(record)  # the caller's record is not changed
            record.msg = rest
        else:
            subtopic = ""
        try:
            body = self.format(record).encode("utf-8")
        except Exception:
            self.handleError(record)
            return
        parts = [p for p in (self.root_topic, record.levelname, subtopic) if p]
        self.socket.send_multipart([".".join(parts).encode("utf-8", "replace"), body])


class TopicLogger(logging.Logger):
    """A logger whose methods take a topic before the message:
    ``logger.info("db.connect", "connected to %s", host)``."""

    def log(self, level: int, topic: str, msg: str, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        logging.Logger.log(self, level, topic + TOPIC_DELIM + msg, *args, **kwargs)


def _with_topic(level_method: Any) -> Any:
    def method(self: TopicLogger, topic: str, msg: str, *args: Any, **kwargs: Any) -> Any:
        return level_method(self, topic + TOPIC_DELIM + msg, *args, **kwargs)

    method.__name__ = level_method.__name__
    method.__doc__ = f"``{level_method.__name__}`` with a topic before the message."
    return method


for _name in ("debug", "info", "warning", "warn", "error", "exception", "critical", "fatal"):
    if hasattr(logging.Logger, _name):  # Logger.warn is gone from Python 3.13
        setattr(TopicLogger, _name, _with_topic(getattr(logging.Logger, _name)))

__all__ = ["PUBHandler", "TopicLogger", "TOPIC_DELIM"]
