"""Shadows: more than one Python object for the same socket or context
(``underlying``, ``Socket.shadow``, ``Socket(other)``, ``asyncio.Socket.from_socket``,
``Context.shadow``, ``Context(shadow=)``), as jupyter_client uses them."""

import asyncio
import gc
import importlib

import pytest

from helpers import recv, recv_multipart

pytestmark = pytest.mark.timeout(30)


def pair(ctx, zl, endpoint):
    a = ctx.socket(zl.PAIR)
    b = ctx.socket(zl.PAIR)
    addr = endpoint("inproc")
    a.bind(addr)
    b.connect(addr)
    return a, b


def test_shadow_of_underlying_is_the_same_socket(zl, ctx, endpoint):
    a, b = pair(ctx, zl, endpoint)
    assert isinstance(b.underlying, int)
    shadow = zl.Socket.shadow(b.underlying)
    assert shadow.underlying == b.underlying
    assert shadow.getsockopt(zl.TYPE) == zl.PAIR
    shadow.send(b"through the shadow")
    assert recv(a) == b"through the shadow"
    a.send(b"to the original")
    assert recv(shadow) == b"to the original"
    # dropping the shadow closes nothing
    del shadow
    gc.collect()
    b.send(b"still open")
    assert recv(a) == b"still open"


def test_socket_of_socket_is_a_shadow(zl, ctx, endpoint):
    a, b = pair(ctx, zl, endpoint)
    shadow = zl.Socket(b)
    assert shadow.underlying == b.underlying
    shadow.send_multipart([b"x", b"y"])
    assert recv_multipart(a) == [b"x", b"y"]


def test_asyncio_socket_from_socket_and_back(zl, ctx, endpoint):
    """jupyter_client sends with zmq.Socket.shadow(async_socket.underlying)."""
    zasyncio = importlib.import_module(zl.__name__ + ".asyncio")
    a, b = pair(ctx, zl, endpoint)

    async def main():
        asock = zasyncio.Socket.from_socket(a)
        assert asock.underlying == a.underlying
        sync_again = zl.Socket.shadow(asock.underlying)
        b.send(b"hello")
        assert await asyncio.wait_for(asock.recv(), 5) == b"hello"
        sync_again.send(b"reply")
        assert recv(b) == b"reply"

    asyncio.run(main())


@pytest.mark.parametrize("how", ["shadow", "underlying", "kwarg", "positional"])
def test_context_shadow_shares_inproc(zl, ctx, endpoint, how):
    if how == "shadow":
        other = zl.Context.shadow(ctx)
    elif how == "underlying":
        other = zl.Context.shadow(ctx.underlying)
    elif how == "kwarg":
        other = zl.Context(shadow=ctx.underlying)
    else:
        other = zl.Context(ctx)
    assert other.underlying == ctx.underlying
    addr = endpoint("inproc")
    pull = ctx.socket(zl.PULL)
    pull.bind(addr)
    push = other.socket(zl.PUSH)
    push.connect(addr)      # inproc names are per context: same context, so it links
    push.send(b"one context")
    assert recv(pull) == b"one context"
    push.close(linger=0)


@pytest.mark.zmqlite_only(reason="libzmq frees the socket: a pyzmq shadow of a closed socket "
                          "reads freed memory")
def test_closed_owner_leaves_shadow_closed(zl, ctx, endpoint):
    a, b = pair(ctx, zl, endpoint)
    shadow = zl.Socket.shadow(b.underlying)
    b.close()
    assert shadow.closed
    with pytest.raises(zl.ZMQError) as exc:
        shadow.send(b"x")
    assert exc.value.errno == zl.ENOTSOCK
    # and the other way: a shadow's close closes the socket (as libzmq)
    other = zl.Socket.shadow(a)
    other.close()
    assert a.closed


@pytest.mark.zmqlite_only(reason="pyzmq dereferences any address it is given")
def test_made_up_address_is_an_error(zl, ctx):
    with pytest.raises(zl.ZMQError) as exc:
        zl.Socket.shadow(12345)
    assert exc.value.errno == zl.ENOTSOCK
    with pytest.raises(TypeError):
        zl.Socket.shadow("not an address")
    with pytest.raises(zl.ZMQError):
        zl.Context.shadow(12345)


@pytest.mark.zmqlite_only(reason="libzmq's context is gone after term(): a shadow reads freed memory")
def test_shadow_context_term_lets_go_only(zl):
    ctx = zl.Context()
    first = zl.Context.shadow(ctx)
    second = zl.Context.shadow(ctx.underlying)
    first.term()
    assert first.closed and not ctx.closed and not second.closed
    s = second.socket(zl.PAIR)
    s.close()
    ctx.term()
    assert second.closed
    with pytest.raises(zl.ZMQError) as exc:
        ctx.underlying
    assert exc.value.errno == zl.ETERM
