"""zmqlite.log.handlers (zmq.log.handlers under ZMQLITE_TEST_IMPL=pyzmq)."""

import importlib
import logging

import pytest

from helpers import recv_multipart, sync_subscription


@pytest.fixture
def handlers(zl):
    return importlib.import_module(zl.__name__ + ".log.handlers")


def subscribed(zl, ctx, handler, topic=b""):
    sub = ctx.socket(zl.SUB)
    sub.connect(handler.socket.getsockopt(zl.LAST_ENDPOINT).decode())
    sub.setsockopt(zl.SUBSCRIBE, topic)
    # a record at a level nobody logs until the subscription is live
    sync_subscription(zl, handler.socket, sub, b"SYNC", only_pings=True)
    return sub


def test_pub_handler_topics_and_formats(zl, ctx, handlers):
    pub = ctx.socket(zl.PUB)
    pub.bind("tcp://127.0.0.1:*")
    handler = handlers.PUBHandler(pub)
    handler.root_topic = "app"
    logger = logging.getLogger("zmqlite-test-pub")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        sub = subscribed(zl, ctx, handler)
        logger.info("db.connect::connected to %s", "here")
        logger.warning("careful")
        assert recv_multipart(sub) == [b"app.INFO.db.connect", b"connected to here\n"]
        topic, body = recv_multipart(sub)
        assert topic == b"app.WARNING"
        assert body.startswith(b"WARNING test_log_handlers.py:") and body.endswith(b" - careful\n")
    finally:
        logger.removeHandler(handler)


def test_pub_handler_binds_an_interface(zl, handlers):
    handler = handlers.PUBHandler("inproc://zl-log")
    try:
        assert handler.socket.socket_type == zl.PUB
        handler.setFormatter(logging.Formatter("%(message)s"))
        assert all(f is not None for f in handler.formatters.values())
    finally:
        handler.socket.close(linger=0)
        handler.ctx.term()


def test_topic_logger(zl, ctx, handlers):
    logging.setLoggerClass(handlers.TopicLogger)
    try:
        logger = logging.getLogger("zmqlite-test-topic")
    finally:
        logging.setLoggerClass(logging.Logger)
    pub = ctx.socket(zl.PUB)
    pub.bind("tcp://127.0.0.1:*")
    handler = handlers.PUBHandler(pub)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        sub = subscribed(zl, ctx, handler)
        logger.log(logging.INFO, "jobs", "started %d", 3)
        assert recv_multipart(sub) == [b"INFO.jobs", b"started 3\n"]
    finally:
        logger.removeHandler(handler)
