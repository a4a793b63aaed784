"""zmqlite.decorators and the small utils modules pyzmq users import."""

import importlib

import pytest


@pytest.fixture
def decorators(zl):
    return importlib.import_module(zl.__name__ + ".decorators")


def test_context_and_socket_decorators(zl, decorators):
    seen = {}

    @decorators.context()
    @decorators.socket(zl.PUSH)
    def work(ctx, push):
        seen["ctx"], seen["push"] = ctx, push
        assert isinstance(ctx, zl.Context)
        assert push.socket_type == zl.PUSH
        return "done"

    assert work() == "done"
    assert seen["push"].closed
    assert seen["ctx"].closed


def test_named_objects_and_context_from_keyword(zl, decorators):
    @decorators.context(name="c")
    @decorators.socket(zl.PULL, name="pull", context_name="c")
    def work(*, c, pull):
        return c, pull

    c, pull = work()
    assert pull.context is c and pull.closed and c.closed

    @decorators.context("c")
    def twice(c):
        return c

    with pytest.raises(TypeError):
        twice(c="given")


def test_socket_uses_the_context_passed_positionally(zl, decorators):
    ctx = zl.Context()
    try:
        @decorators.socket(zl.PAIR)
        def work(ctx, sock):
            return sock.context

        assert work(ctx) is ctx
    finally:
        ctx.term()


def test_jsonapi_and_win32(zl):
    jsonapi = importlib.import_module(zl.__name__ + ".utils.jsonapi")
    assert jsonapi.dumps({"a": 1}) == b'{"a": 1}'
    assert jsonapi.loads(b'{"a": 1}') == {"a": 1} == jsonapi.loads('{"a": 1}')
    win32 = importlib.import_module(zl.__name__ + ".utils.win32")
    with win32.allow_interrupt():
        pass
