"""asyncio for zmqlite: ``Context``, ``Socket`` and ``Poller`` whose blocking calls
return awaitables, as ``zmq.asyncio`` does.

    import zmqlite.asyncio as zaio
    ctx = zaio.Context()
    sock = ctx.socket(zmqlite.PULL)
    msg = await sock.recv()

How it works: every socket has a file descriptor (its FD option) that becomes readable
when the socket's events may have changed. It is edge-triggered, as libzmq's: after it
fires, EVENTS must be read until it shows nothing ready. A socket with calls waiting
registers that FD with the event loop (``add_reader``, so the default loop and uvloop both
work). When it fires, or when a call is made, the socket tries the waiting calls in order
without blocking (NOBLOCK), as long as EVENTS allows. Nothing polls in a loop.

- A cancelled ``recv`` never received anything: a call is tried only while its future is
  pending, so the message stays for the next ``recv``.
- RCVTIMEO/SNDTIMEO end a waiting call with ``zmqlite.Again``, as the blocking calls do.
- ``close()`` takes the FD off the loop and cancels the calls still waiting.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, Callable, Sequence

from . import _core
from .constants import Flag, PollEvent, SocketOption
from .context import Context as _SyncContext
from .error import Again, ZMQError
from .poll import Poller as _SyncPoller
from .socket import Socket as _SyncSocket

_NOBLOCK = int(Flag.NOBLOCK)
_SNDMORE = int(Flag.SNDMORE)
_POLLIN = int(PollEvent.POLLIN)
_POLLOUT = int(PollEvent.POLLOUT)
_EVENTS = int(SocketOption.EVENTS)
_RCVMORE = int(SocketOption.RCVMORE)


def _loop() -> asyncio.AbstractEventLoop:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # called outside a coroutine: the loop it will run on
        return asyncio.get_event_loop_policy().get_event_loop()


class _Call:
    """One waiting call: what to try (returns the result or raises Again) and its future.
    ``owner`` is the future the caller holds when it is not ``future`` (recv_json...)."""

    __slots__ = ("attempt", "future", "timer", "owner")

    def __init__(self, attempt: Callable[[], Any], future: asyncio.Future) -> None:
        self.attempt = attempt
        self.future = future
        self.timer: asyncio.TimerHandle | None = None
        self.owner: asyncio.Future | None = None

    def abandoned(self) -> bool:
        """Done already, or nobody waits for it any more: a cancelled recv_json is
        seen at once, not one loop iteration later when its callbacks run."""
        return self.future.done() or (self.owner is not None and self.owner.done())


class Socket(_SyncSocket):
    """A zmqlite socket for asyncio: ``send``, ``recv``, ``poll`` and the helpers built on
    them (multipart, string, json, pyobj, serialized) return awaitables."""

    _repr_cls = "zmqlite.asyncio.Socket"
    # state of the asyncio side (class-level defaults, so that they are attributes and
    # not socket options; see Socket.__setattr__)
    _loop: asyncio.AbstractEventLoop | None = None
    _recvs: deque | None = None  # waiting recv calls, oldest first
    _sends: deque | None = None  # waiting send calls, oldest first
    _polls: list | None = None  # waiting poll calls: (flags, _Call)
    _watched_fd: int | None = None  # the FD registered with the loop, or None

    def __init__(self, context: Any = None, socket_type: int | None = None, io_loop: Any = None,
                 _from_socket: Any = None, **kwargs: Any) -> None:
        if _from_socket is not None:
            kwargs["shadow"] = _from_socket
        super().__init__(context, socket_type, **kwargs)
        self._loop = io_loop
        self._recvs = deque()
        self._sends = deque()
        self._polls = []

    @classmethod
    def from_socket(cls, socket: Any, io_loop: Any = None) -> Socket:
        """An asyncio Socket for the same socket as ``socket`` (a shadow: it does
        not own it), as pyzmq's."""
        return cls(_from_socket=socket, io_loop=io_loop)

    # -- the calls --------------------------------------------------------------------

    def recv(self, flags: int = 0, copy: bool = True, track: bool = False) -> asyncio.Future:
        """An awaitable of the next frame (bytes, or a Frame with copy=False)."""
        return self._call(self._recvs, lambda: _core.Socket.recv(self, flags | _NOBLOCK, copy, track),
                          flags, self.rcvtimeo)

    def recv_multipart(self, flags: int = 0, copy: bool = True, track: bool = False) -> asyncio.Future:
        """An awaitable of the next whole message, a list of frames."""
        return self._call(self._recvs, lambda: self._recv_message(flags, copy, track),
                          flags, self.rcvtimeo)

    def recv_into(self, buf: Any, /, *, nbytes: int = 0, flags: int = 0) -> asyncio.Future:
        """An awaitable of the size of the next frame, received into ``buf`` (at most
        ``nbytes`` bytes of it, 0: the buffer's size; the rest of a longer frame is dropped)."""
        return self._call(
            self._recvs,
            lambda: _core.Socket.recv_into(self, buf, nbytes=nbytes, flags=flags | _NOBLOCK),
            flags, self.rcvtimeo)

    def send(self, data: Any, flags: int = 0, copy: bool = True, track: bool = False,
             **kwargs: Any) -> asyncio.Future:
        """An awaitable that is done once the socket took the frame (as the blocking send
        returns: queued, not delivered)."""
        return self._call(
            self._sends, lambda: _core.Socket.send(self, data, flags | _NOBLOCK, copy, track, **kwargs),
            flags, self.sndtimeo)

    def send_multipart(self, msg_parts: Sequence[Any], flags: int = 0, copy: bool = True,
                       track: bool = False, **kwargs: Any) -> asyncio.Future:
        """An awaitable that is done once the socket took the whole message."""
        parts = list(msg_parts)
        return self._call(self._sends, lambda: self._send_message(parts, flags, copy, track),
                          flags, self.sndtimeo)

    def poll(self, timeout: int | None = None, flags: int = _POLLIN) -> asyncio.Future:
        """An awaitable of the events in ``flags`` that are ready, 0 after ``timeout`` ms."""
        if self.closed:
            raise ZMQError(_core_errno("ENOTSUP"))
        loop = self._get_loop()
        future = self._new_future(loop)
        if timeout == 0:  # answered now, as the blocking poll(0)
            try:
                future.set_result(_core.Socket.getsockopt(self, _EVENTS) & flags)
            except ZMQError as e:
                future.set_exception(e)
            if self._recvs or self._sends or self._polls:
                self._handle_events()  # reading EVENTS may have taken the FD's edge
            return future
        call = _Call(lambda: None, future)
        if timeout is not None and timeout > 0:
            call.timer = loop.call_later(timeout / 1000.0, _resolve, future, 0)
        self._polls.append((flags, call))
        future.add_done_callback(lambda f: self._forget_poll(call))
        self._handle_events()
        return future

    def _deserialize(self, recvd: Any, load: Callable[[Any], Any]) -> asyncio.Future:
        """recv_string/json/pyobj/serialized: chain ``load`` on the awaitable. Cancelling
        the result cancels the recv, so that its message stays for the next one."""
        future = self._new_future(self._get_loop())
        for call in self._recvs:
            if call.future is recvd:  # waiting: skipped once future is cancelled
                call.owner = future
                break

        def done(f: asyncio.Future) -> None:
            if future.done():  # cancelled, and so was recvd (see cancelled below)
                return
            if f.cancelled():
                future.cancel()
                return
            exc = f.exception()
            if exc is not None:
                future.set_exception(exc)
                return
            try:
                future.set_result(load(f.result()))
            except Exception as e:  # a decoding error belongs to the awaiting code
                future.set_exception(e)

        def cancelled(f: asyncio.Future) -> None:
            if f.cancelled() and not recvd.done():
                recvd.cancel()

        recvd.add_done_callback(done)
        future.add_done_callback(cancelled)
        return future

    def close(self, linger: int | None = None) -> None:
        """Close the socket; calls still waiting are cancelled."""
        if not self.closed:
            self._detach()
            for queue in (self._recvs, self._sends):
                while queue:
                    _cancel(queue.popleft())
            for _flags, call in list(self._polls or ()):
                _cancel(call)
        super().close(linger)

    # -- how calls wait -----------------------------------------------------------------

    @property
    def _recv_futures(self) -> list:
        """The futures of the calls waiting to receive (recv and poll for POLLIN), as
        pyzmq's attribute of that name (there a deque of its own records)."""
        return [c.future for c in self._recvs or () if not c.future.done()] + [
            c.future for f, c in self._polls or () if f & _POLLIN and not c.future.done()]

    @property
    def _send_futures(self) -> list:
        """The futures of the calls waiting to send (send and poll for POLLOUT)."""
        return [c.future for c in self._sends or () if not c.future.done()] + [
            c.future for f, c in self._polls or () if f & _POLLOUT and not c.future.done()]

    def _get_loop(self) -> asyncio.AbstractEventLoop:
        """The running loop (else the one the socket used last, else the policy's): a
        socket may be used on one loop after another, as pyzmq's."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = self._loop
            if loop is None or loop.is_closed():
                loop = _loop()
        if loop is not self._loop:
            self._detach()  # off the previous loop, if it still runs
            self._loop = loop
        return loop

    def _new_future(self, loop: asyncio.AbstractEventLoop) -> asyncio.Future:
        return loop.create_future()

    def _call(self, queue: deque, attempt: Callable[[], Any], flags: int,
              timeout_ms: int) -> asyncio.Future:
        if self.closed:
            raise ZMQError(_core_errno("ENOTSOCK"))
        loop = self._get_loop()
        future = self._new_future(loop)
        call = _Call(attempt, future)
        # Tried at once when nothing waits before it; a NOBLOCK recv is tried at once
        # anyway, and then its future holds Again (as pyzmq: the call itself never raises).
        # A NOBLOCK send behind waiting sends waits its turn, so that frames keep order.
        if not queue or (flags & _NOBLOCK and queue is self._recvs):
            try:
                future.set_result(attempt())
                return future
            except Again as e:
                if flags & _NOBLOCK:
                    future.set_exception(e)
                    return future
            except Exception as e:
                future.set_exception(e)
                return future
        if timeout_ms is not None and timeout_ms >= 0:
            call.timer = loop.call_later(timeout_ms / 1000.0, _expire, call)
        queue.append(call)
        future.add_done_callback(lambda f: self._forget(queue, call))
        self._handle_events()
        return future

    def _handle_events(self) -> None:
        """Tries the waiting calls while EVENTS allows them (reading EVENTS re-arms the
        FD), then keeps the FD on the loop only while something still waits."""
        while not self.closed:
            try:
                events = _core.Socket.getsockopt(self, _EVENTS)
            except ZMQError as e:  # the context terminated: every waiting call fails
                self._fail_all(e)
                return
            progressed = False
            if events & _POLLIN and self._recvs:
                progressed |= self._try_first(self._recvs)
            if events & _POLLOUT and self._sends:
                progressed |= self._try_first(self._sends)
            for flags, call in list(self._polls):
                if events & flags and not call.future.done():
                    call.future.set_result(events & flags)
            if not progressed:
                break
        if self._recvs or self._sends or self._polls:
            self._watch()
        else:
            self._unwatch()

    def _try_first(self, queue: deque) -> bool:
        """Tries the oldest waiting call of queue. True if it finished (either way)."""
        while queue and queue[0].abandoned():  # cancelled or timed out meanwhile
            _cancel(queue.popleft())
        if not queue:
            return False
        call = queue[0]
        try:
            result = call.attempt()
        except Again:
            return False
        except Exception as e:
            queue.popleft()
            _settle(call, exc=e)
            return True
        queue.popleft()
        _settle(call, result=result)
        return True

    def _recv_message(self, flags: int, copy: bool, track: bool) -> list:
        # once its first frame is there, a whole message is there
        if copy:
            return self._recv_parts(flags | _NOBLOCK)
        parts = [_core.Socket.recv(self, flags | _NOBLOCK, False, track)]
        while _core.Socket.getsockopt(self, _RCVMORE):
            parts.append(_core.Socket.recv(self, _NOBLOCK, False, track))
        return parts

    def _send_message(self, parts: list, flags: int, copy: bool, track: bool) -> Any:
        if copy and not track:
            return self._send_parts(parts, flags | _NOBLOCK)  # all or nothing
        # after the first frame is taken, the socket takes the rest of the message
        result = None
        for i, part in enumerate(parts):
            more = _SNDMORE if i < len(parts) - 1 else 0
            result = _core.Socket.send(self, part, (flags & ~_SNDMORE) | more | _NOBLOCK, copy, track)
        return result

    def _watch(self) -> None:
        if self._watched_fd is None and not self.closed:
            fd = _core.Socket.getsockopt(self, int(SocketOption.FD))
            self._get_loop().add_reader(fd, self._handle_events)
            self._watched_fd = fd

    def _unwatch(self) -> None:
        """Nothing waits any more."""
        self._detach()

    def _detach(self) -> None:
        """Off the loop: the socket closes, or moves to another loop."""
        if self._watched_fd is not None:
            fd, self._watched_fd = self._watched_fd, None
            loop = self._loop
            if loop is not None and not loop.is_closed():
                loop.remove_reader(fd)

    def _forget(self, queue: deque, call: _Call) -> None:
        if call.timer is not None:
            call.timer.cancel()
        if call.future.cancelled() and call in queue:
            queue.remove(call)
            if not (self._recvs or self._sends or self._polls):
                self._unwatch()

    def _forget_poll(self, call: _Call) -> None:
        if call.timer is not None:
            call.timer.cancel()
        self._polls[:] = [(f, c) for f, c in self._polls if c is not call]
        if not (self._recvs or self._sends or self._polls):
            self._unwatch()

    def _fail_all(self, exc: ZMQError) -> None:
        self._detach()
        for queue in (self._recvs, self._sends):
            while queue:
                _settle(queue.popleft(), exc=exc)
        for _flags, call in list(self._polls):
            _settle(call, exc=exc)


def _settle(call: _Call, result: Any = None, exc: BaseException | None = None) -> None:
    if call.timer is not None:
        call.timer.cancel()
    if call.future.done():
        return
    if exc is not None:
        call.future.set_exception(exc)
    else:
        call.future.set_result(result)


def _cancel(call: _Call) -> None:
    if call.timer is not None:
        call.timer.cancel()
    call.future.cancel()


def _expire(call: _Call) -> None:
    """RCVTIMEO/SNDTIMEO passed: the call fails as the blocking one would."""
    if not call.future.done():
        call.future.set_exception(Again())


def _resolve(future: asyncio.Future, value: Any) -> None:
    if not future.done():
        future.set_result(value)


def _core_errno(name: str) -> int:
    from .constants import Errno

    return int(Errno[name])


class Context(_SyncContext):
    """A zmqlite context whose ``socket()`` makes asyncio sockets."""

    _repr_cls = "zmqlite.asyncio.Context"
    _socket_class = Socket
    _instance = None
    _instance_pid = None


class Poller(_SyncPoller):
    """A Poller whose ``poll()`` returns an awaitable of [(socket, events)].

    An asyncio socket is waited on through its own ``poll()`` (its FD stays its own:
    the loop has one reader per FD, so a second one would take the socket's place);
    a plain zmqlite socket and a file descriptor through the loop's readers/writers."""

    _socket_class = Socket

    def _new_future(self, loop: asyncio.AbstractEventLoop) -> asyncio.Future:
        return loop.create_future()

    def poll(self, timeout: float | None = None) -> asyncio.Future:  # type: ignore[override]
        """An awaitable of the ready (socket, events) pairs, [] after ``timeout`` ms."""
        loop = _loop()
        future = self._new_future(loop)
        items = list(self._events.items())
        watched: list[tuple[str, int]] = []
        waits: dict[Socket, asyncio.Future] = {}  # the asyncio sockets' own polls
        async_socks = [obj for obj, _f in items if isinstance(obj, Socket)]
        flags_of = dict(items)

        def wait_on(sock: Socket, flags: int) -> None:
            if not sock.closed:
                waits[sock] = wait = sock.poll(None, flags)
                wait.add_done_callback(check)

        def check(*_args: Any) -> None:
            if future.done():
                return
            try:
                ready = _core.zmq_poll(items, 0)  # also re-arms the sockets' FDs
            except Exception as e:
                future.set_exception(e)
                return
            if ready:
                future.set_result(ready)
            else:  # a socket's poll saw events that are gone again: it waits anew
                for sock, wait in list(waits.items()):
                    if wait.done() and not wait.cancelled():
                        wait_on(sock, flags_of[sock])
            for sock in async_socks:  # reading EVENTS may have taken an edge they wait on
                if not sock.closed and (sock._recvs or sock._sends):
                    sock._handle_events()

        if timeout == 0:  # answered now, as the blocking poll(0)
            check()
            if not future.done():
                future.set_result([])
            return future

        for obj, flags in items:
            if isinstance(obj, Socket):
                wait_on(obj, flags)
                continue
            if isinstance(obj, _core.Socket):
                fd = _core.Socket.getsockopt(obj, int(SocketOption.FD))
                loop.add_reader(fd, check)
                watched.append(("r", fd))
                continue
            fd = obj if isinstance(obj, int) else obj.fileno()
            if flags & _POLLIN:
                loop.add_reader(fd, check)
                watched.append(("r", fd))
            if flags & _POLLOUT:
                loop.add_writer(fd, check)
                watched.append(("w", fd))
        timer = None
        if timeout is not None and timeout > 0:
            timer = loop.call_later(timeout / 1000.0, _resolve, future, [])

        def cleanup(_f: asyncio.Future) -> None:
            if timer is not None:
                timer.cancel()
            for wait in waits.values():
                wait.cancel()
            if loop.is_closed():
                return
            for kind, fd in watched:
                (loop.remove_reader if kind == "r" else loop.remove_writer)(fd)

        future.add_done_callback(cleanup)
        check()
        return future


__all__ = ["Context", "Socket", "Poller"]
