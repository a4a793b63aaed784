"""Decorators that give a function a Context or a Socket for the time of a call, as
``zmq.decorators``::

    from zmqlite.decorators import context, socket

    @context()
    @socket(zmqlite.PUSH)
    def work(ctx, push):
        ...

``context(*args, name=None, **kwargs)`` makes ``Context(*args, **kwargs)``,
``socket(socket_type, *args, name=None, context_name="context", **kwargs)`` makes a
socket of the context the call was given: its keyword argument ``context_name``, else its
first positional argument that is a Context, else ``Context.instance()``. The object is
appended to the positional arguments, or passed as keyword ``name`` (a first positional
string names it too). Either way it is closed when the call returns: the context is
destroyed, the socket closed.
"""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from .context import Context


def _split_name(args: tuple, kwargs: dict) -> tuple[str | None, tuple, dict]:
    """The keyword to pass the object as (``name=`` or a first positional str), and the
    arguments left for the factory."""
    kwargs = dict(kwargs)
    name = kwargs.pop("name", None)
    if name is None and args and isinstance(args[0], str):
        name, args = args[0], args[1:]
    return name, args, kwargs


def _decorator(make: Callable[[tuple, dict], Any], name: str | None) -> Callable:
    def decorate(func: Callable) -> Callable:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if name is not None and name in kwargs:
                raise TypeError(f"{func.__name__}() got multiple values for argument '{name}'")
            with make(args, kwargs) as obj:
                if name is not None:
                    kwargs[name] = obj
                else:
                    args = args + (obj,)
                return func(*args, **kwargs)

        return wrapper

    return decorate


def context(*args: Any, **kwargs: Any) -> Callable:
    """A Context for each call of the decorated function, destroyed when it returns."""
    name, args, kwargs = _split_name(args, kwargs)
    return _decorator(lambda call_args, call_kwargs: Context(*args, **kwargs), name)


def socket(*args: Any, **kwargs: Any) -> Callable:
    """A socket for each call of the decorated function, closed when it returns."""
    name, args, kwargs = _split_name(args, kwargs)
    context_name = kwargs.pop("context_name", "context")

    def make(call_args: tuple, call_kwargs: dict) -> Any:
        ctx = call_kwargs.get(context_name)
        if ctx is None:
            ctx = next((a for a in call_args if isinstance(a, Context)), None)
        if ctx is None:
            ctx = Context.instance()
        return ctx.socket(*args, **kwargs)

    return _decorator(make, name)


__all__ = ["context", "socket"]
