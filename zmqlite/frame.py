"""``Frame`` (alias ``Message``) and ``MessageTracker``: pyzmq's zero-copy API.

zmqlite decides about copies itself: ``send()`` copies small messages into C
memory and lends the buffer of a large ``bytes`` object (immutable, so it cannot
change under the I/O thread); ``recv()`` makes ``bytes`` from C memory, or over
inproc hands back the sender's large ``bytes`` object itself. ``copy=False`` has
nothing left to switch. These classes keep scripts written for it working:

- ``recv(copy=False)`` returns a ``Frame``; ``.more`` tells whether more frames of
  the message follow, ``.bytes``/``.buffer``/``memoryview(frame)`` give the data.
- ``Frame(data)`` copies ``data`` at once, so mutating the source afterwards does
  not change the frame (pyzmq shares large buffers instead).
- a ``MessageTracker`` is pending while zmqlite still holds the buffer it
  tracks: a tracked ``Frame``'s bytes (lent to every send of it, until the frame
  and those sends are gone), or the ``bytes`` that ``send(copy=False,
  track=True)`` lent (``Socket.copy_threshold`` bytes or more); a send that
  copied returns ``_FINISHED_TRACKER``, done at once.

A ``Frame`` from ``recv(copy=False)`` owns the received message buffer itself
(no copy, as pyzmq's wraps libzmq's); one made from Python data holds it as
``bytes``. Its base class in ``_core`` exports the data through the buffer
protocol on every Python version (a Python class can only define
``__buffer__`` from 3.12 on), so ``numpy.frombuffer(frame)`` and
``memoryview(frame)`` work as with pyzmq. Like pyzmq's, frames compare and hash
by identity, not by content: ``frame == b"x"`` is False, compare ``frame.bytes``
instead.
"""

from __future__ import annotations

import threading
import time
from errno import EINVAL
from typing import Any

from ._core import _FrameBase, _release_borrowed
from .error import NotDone, ZMQError

#: pyzmq's zmq.COPY_THRESHOLD: Frame(data, track=True) shares data this long or more
_COPY_THRESHOLD = 65536

#: libzmq's zmq_msg_get() options (MessageOption in pyzmq): MORE, SRCFD, SHARED
_MORE = 1
_SHARED = 3


def _draft_only(feature: str) -> RuntimeError:
    # what pyzmq raises without a DRAFT build; zmqlite has no DRAFT socket types
    return RuntimeError(f"libzmq and pyzmq must be built with draft support for {feature}")


class MessageTracker:
    """Tells when ZeroMQ is done with the buffers of sent messages.

    ``MessageTracker(*towatch)`` watches ``threading.Event`` objects, other
    trackers and tracked ``Frame``s; it is done when all of them are. A send
    that copied returns ``_FINISHED_TRACKER``, which watches nothing.
    """

    def __init__(self, *towatch: Any) -> None:
        self.events: set = set()
        self.peers: set = set()
        for obj in towatch:
            if isinstance(obj, threading.Event):
                self.events.add(obj)
            elif isinstance(obj, MessageTracker):
                self.peers.add(obj)
            elif isinstance(obj, Frame):
                if obj.tracker is None:
                    raise ValueError("Not a tracked message")
                self.peers.add(obj.tracker)
            else:
                raise TypeError(f"Require Events or MessageTrackers, not {type(obj)}")

    @property
    def done(self) -> bool:
        """Whether every watched send has finished with its buffer."""
        # lent buffers the I/O thread is done with are let go by whoever runs
        # next with the GIL: this may be the only call running, so do it here
        _release_borrowed()
        return all(e.is_set() for e in self.events) and all(p.done for p in self.peers)

    def wait(self, timeout: float | int = -1) -> None:
        """Wait up to ``timeout`` seconds (negative: forever); raise NotDone on timeout."""
        deadline = None if timeout is None or timeout < 0 else time.monotonic() + timeout
        # the event is set when a thread with the GIL releases the lent frame, which
        # may be only this one: look again every few milliseconds
        while not self.done:
            if deadline is not None and time.monotonic() >= deadline:
                raise NotDone("tracker timed out")
            pending = [e for e in self.events if not e.is_set()]
            slice_s = 0.005 if deadline is None else max(0.0, min(0.005, deadline - time.monotonic()))
            if pending:
                pending[0].wait(slice_s)
            else:
                time.sleep(slice_s)


#: the tracker of every send that copied: nothing to wait for (pyzmq's name)
_FINISHED_TRACKER = MessageTracker()


class Frame(_FrameBase):
    """One message frame, as ``recv(copy=False)`` returns it and ``send`` accepts.

    ``Frame(data=b"", track=False, copy=None, copy_threshold=None)``: ``data`` is
    any object with the buffer protocol (``str`` is refused, as by pyzmq); it is
    copied unless it is ``bytes`` (immutable, so shared), whatever ``copy`` says.
    With ``track=True`` the frame carries a ``tracker``, which ``send`` returns:
    with ``copy=False`` (or ``copy=None`` and ``copy_threshold`` bytes or more)
    pending until the frame, its copies and every send of it are gone, else
    ``_FINISHED_TRACKER`` (pyzmq copies such data).
    """

    # class-level defaults: instances only get a __dict__ entry when they differ
    more: bool = False
    tracker: MessageTracker | None = None
    tracker_event: None = None  # pyzmq >= 27 keeps None here too

    def __new__(
        cls,
        data: Any = None,
        track: bool = False,
        copy: bool | None = None,
        copy_threshold: int | None = None,
    ) -> Frame:
        if data is None:
            data = b""
        elif isinstance(data, str):
            raise TypeError("Str objects not allowed. Only: bytes, buffer interfaces.")
        elif type(data) is not bytes:
            # bytes(5) or bytes([1, 2]) would succeed: accept buffers only, contiguous
            # ones as pyzmq (a strided view is BufferError there too)
            view = memoryview(data)
            if not view.contiguous:
                raise BufferError("memoryview: underlying buffer is not contiguous")
            data = view.tobytes()
        self = super().__new__(cls)
        if copy_threshold is None:
            copy_threshold = _COPY_THRESHOLD
        if track and (copy or (copy is None and len(data) < copy_threshold)):
            # pyzmq copies such data into the message: nothing to track
            self._set_data(data)
            self.tracker = _FINISHED_TRACKER
        elif track:
            # pending until this frame and every send of it are gone, as pyzmq's
            event = threading.Event()
            self._set_data(data, event)
            self.tracker = MessageTracker(event)
        else:
            self._set_data(data)
        return self

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass  # everything happened in __new__

    @property
    def bytes(self) -> bytes:
        """The frame's data as a plain ``bytes`` object (made once, then kept)."""
        data = self.__dict__.get("_bytes_cache")
        if data is None:
            data = self.__dict__["_bytes_cache"] = self._bytes()
        return data

    @property
    def buffer(self) -> memoryview:
        """A memoryview of the frame's data (the same one every time, as pyzmq's)."""
        view = self.__dict__.get("_buffer_cache")
        if view is None:
            view = self.__dict__["_buffer_cache"] = memoryview(self)
        return view

    def __bytes__(self) -> bytes:
        return self.bytes

    # pyzmq frames are distinct objects, not values: identity comparison and hash
    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other

    __hash__ = object.__hash__

    def get(self, option: int | str) -> int | str:
        """A message option (MORE, SHARED) or property ("Socket-Type", "User-Id"...).

        A received frame (copy=False) has the properties of its connection:
        the peer's handshake metadata (Socket-Type, Identity), what ZAP said
        (User-Id and metadata) and Peer-Address; one it lacks (and every one of
        a frame made in Python, or received over inproc) raises ZMQError(EINVAL),
        as libzmq does.
        """
        if isinstance(option, bytes):
            option = option.decode("utf-8")
        if isinstance(option, str):
            if option == "routing_id":
                raise _draft_only("CLIENT-SERVER")
            if option == "group":
                raise _draft_only("RADIO-DISH")
            value = self._property(option)
            if value is None:
                raise ZMQError(EINVAL)
            return value
        if option == _MORE:
            return int(self.more)
        if option == _SHARED:
            return 0  # never shared: every frame owns a private copy
        raise ZMQError(EINVAL)

    def set(self, option: int | str, value: Any) -> None:
        """Set a message option; libzmq defines none outside DRAFT (ZMQError EINVAL)."""
        if option == "routing_id":
            raise _draft_only("CLIENT-SERVER")
        if option == "group":
            raise _draft_only("RADIO-DISH")
        raise ZMQError(EINVAL)

    def __getitem__(self, key: int | str) -> int | str:
        # frame["User-Id"] is frame.get("User-Id"), as pyzmq (not indexing into the data)
        if isinstance(key, slice):
            raise TypeError(f"expected str, got: {key!r}")
        return self.get(key)

    @property
    def routing_id(self) -> int:
        """CLIENT-SERVER routing id: needs DRAFT sockets, which zmqlite lacks."""
        raise _draft_only("CLIENT-SERVER")

    @routing_id.setter
    def routing_id(self, value: int) -> None:
        raise _draft_only("CLIENT-SERVER")

    @property
    def group(self) -> str:
        """RADIO-DISH group: needs DRAFT sockets, which zmqlite lacks."""
        raise _draft_only("RADIO-DISH")

    @group.setter
    def group(self, value: str | bytes) -> None:
        raise _draft_only("RADIO-DISH")

    def __copy__(self) -> Frame:
        # shares the data (immutable bytes) and, as pyzmq's, the tracker
        other = _FrameBase.__new__(type(self))
        self._copy_into(other)
        if self.tracker is not None:
            other.tracker = self.tracker
        if self.more:
            other.more = True
        return other

    fast_copy = __copy__

    def __repr__(self) -> str:
        size = len(self)
        if size <= 16:
            shown, suffix = self.bytes, ""
        else:
            shown = bytes(memoryview(self)[:12])
            for scale, unit in ((10**9, "GB"), (10**6, "MB"), (1000, "kB"), (1, "B")):
                if size >= scale:
                    suffix = f"...{size // scale}{unit}"
                    break
        return f"<zmqlite.Frame({shown!r}{suffix})>"

    __str__ = __repr__

    def __reduce__(self) -> tuple:
        return (type(self), (self.bytes,), {"more": self.more} if self.more else None)


#: pyzmq's older name for Frame
Message = Frame

__all__ = ["Frame", "Message", "MessageTracker"]
