# Types of the compiled zmqlite._core (src/zmqlite/_core.pyx); the interface is fixed
# by the project's internal spec. Keep in step with the Cython sources.
from typing import Any, Protocol, Sequence
from weakref import WeakValueDictionary

from typing_extensions import Buffer

class _HasFileno(Protocol):
    def fileno(self) -> int: ...

_Pollable = Socket | int | _HasFileno

class Context:
    @property
    def closed(self) -> bool: ...
    def __init__(self, io_threads: int | Context = 1, **kwargs: Any) -> None: ...
    @property
    def underlying(self) -> int:
        """The context's address, for shadow()."""
    @classmethod
    def shadow(cls, address: int | Context) -> Any:
        """Another object for the same context, not owning it."""
    def _shadow_owner(self) -> Context | None: ...
    def term(self) -> None:
        """Wait (GIL released) until every socket is closed and has lingered, then stop
        the I/O thread. Idempotent."""
    def _socket_count(self) -> int: ...

class Socket:
    @property
    def context(self) -> Context: ...
    @property
    def closed(self) -> bool: ...
    @property
    def socket_type(self) -> int: ...
    def __init__(self, context: Context | Socket | None = None, socket_type: int | None = None,
                 **kwargs: Any) -> None: ...
    @property
    def underlying(self) -> int:
        """The socket's address, for shadow()."""
    @classmethod
    def shadow(cls, address: int | Socket) -> Any:
        """Another object for the same socket, not owning it."""
    def _shadow_owner(self) -> Socket | None: ...
    def bind(self, addr: str) -> Any: ...
    def connect(self, addr: str) -> Any: ...
    def unbind(self, addr: str) -> None: ...
    def disconnect(self, addr: str) -> None: ...
    def close(self, linger: int | None = None) -> None: ...
    def send(
        self, data: Buffer, flags: int = 0, copy: bool = True, track: bool = False
    ) -> Any: ...
    def recv(self, flags: int = 0, copy: bool = True, track: bool = False) -> bytes: ...
    def recv_into(self, buffer: Buffer, *, nbytes: int = 0, flags: int = 0) -> int:
        """Receives one frame into a writable contiguous buffer, up to nbytes (0: the
        buffer's size). Returns the frame's full size (larger: the rest was dropped)."""
    def send_multipart(
        self, msg_parts: Sequence[Any], flags: int = 0, copy: bool = True, track: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Sends a sequence of buffers as one multipart message (SNDMORE on all but the
        last); every part is checked before the first is sent. [] is IndexError."""
    def recv_multipart(self, flags: int = 0, copy: bool = True, track: bool = False) -> list[Any]:
        """Receives every frame of the next message (bytes, or Frame with copy=False)."""
    def _recv_parts(self, flags: int = 0) -> list[bytes]: ...
    def _send_parts(self, parts: list[Any], flags: int = 0) -> None: ...
    def monitor(self, addr: str | None, events: int = 65535) -> None:
        """Reports this socket's events to a PAIR it binds at addr (inproc://);
        None stops monitoring."""
    @property
    def copy_threshold(self) -> int: ...
    @copy_threshold.setter
    def copy_threshold(self, value: int) -> None: ...
    def setsockopt(self, option: int, value: int | bytes) -> None: ...
    def getsockopt(self, option: int) -> int | bytes: ...
    def _events(self) -> int: ...

class _FrameBase:
    def _property(self, name: str) -> str | None: ...
    def _set_data(self, data: Any, event: Any = None) -> None: ...
    def _copy_into(self, other: _FrameBase) -> None: ...
    def _bytes(self) -> bytes: ...

class _Lease:
    @property
    def data(self) -> Any: ...

def _release_borrowed() -> None: ...
def _after_fork_in_child() -> None: ...

_live_contexts: WeakValueDictionary[Any, Context]
_live_sockets: WeakValueDictionary[Any, Socket]

def proxy(frontend: Socket, backend: Socket, capture: Socket | None = None) -> None:
    """zmq_proxy: forwards messages both ways until the context terminates."""
def proxy_steerable(
    frontend: Socket, backend: Socket, capture: Socket | None = None,
    control: Socket | None = None,
) -> int:
    """As proxy, steered by control (PAUSE, RESUME, TERMINATE, STATISTICS); 0 after
    TERMINATE."""
def device(device_type: int, frontend: Socket, backend: Socket) -> None:
    """The old zmq_device: QUEUE, FORWARDER and STREAMER are all proxies."""
def monitored_queue(
    in_socket: Socket, out_socket: Socket, mon_socket: Socket,
    in_prefix: bytes = b"in", out_prefix: bytes = b"out",
) -> None:
    """A proxy whose capture (mon_socket) gets every message prefixed by in_prefix
    or out_prefix."""

HAVE_CURVE: bool

def curve_keypair() -> tuple[bytes, bytes]:
    """A new CURVE key pair (public, secret), each 40 Z85 characters."""
def curve_public(secret_key: bytes | str) -> bytes:
    """The public key (40 Z85 characters) of a CURVE secret key (Z85 or 32 bytes)."""

def zmq_poll(
    items: list[tuple[_Pollable, int]], timeout: int | None = -1
) -> list[tuple[Any, int]]: ...

class ZMTPError(ValueError):
    """A peer broke the ZMTP protocol (RFC 23/37)."""

class ZMTPDecoder:
    def __init__(self, maxmsgsize: int = -1) -> None: ...
    def feed(self, data: bytes) -> None: ...
    def next_frame(self) -> tuple[int, bytes] | None:
        """(flags, body) of the next whole frame, or None until more data is fed.
        flags as on the wire: 1 MORE, 2 LONG, 4 COMMAND."""

def encode_frame(body: bytes, more: bool = False, command: bool = False) -> bytes: ...
def encode_greeting(
    mechanism: bytes = b"NULL", as_server: bool = False, minor: int = 1
) -> bytes: ...
def parse_greeting(data: bytes) -> tuple[int, int, bytes, bool]: ...
def encode_command(name: bytes, data: bytes) -> bytes: ...
def encode_ready(socket_type: bytes, identity: bytes | None) -> bytes: ...
def parse_command(body: bytes) -> tuple[bytes, bytes]: ...
def parse_properties(data: bytes) -> dict[bytes, bytes]: ...

CONSTANTS: dict[str, int]
