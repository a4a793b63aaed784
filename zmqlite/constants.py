"""ZeroMQ constants as enums, with libzmq's values and pyzmq's (>= 23) names.

Every enum member is also exported as a flat module-level name (``PUSH``,
``LINGER``, ``EVENT_CONNECTED``, ...), exactly as pyzmq does, so that
``import zmqlite as zmq`` finds ``zmq.PUSH`` and ``zmq.SocketType.PUSH`` alike.

The values are libzmq's (``zmq.h``), because they cross the wire in a few places
(socket type names in READY are derived from them, monitor events are encoded
with them) and because pyzmq users compare them with literal numbers.
``src/`` carries the same numbers in C (``include/zl_constants.h``); a test
checks that both agree with each other and with pyzmq.

This module must not import ``zmqlite._core``: it is used to build it.
"""

from __future__ import annotations

import errno as _errno
import sys as _sys
from enum import Enum, IntEnum, IntFlag

#: libzmq's base for error numbers the platform does not define (zmq.h)
_HAUSNUMERO = 156384712

# On Windows libzmq reports the C runtime's <errno.h> numbers, while Python's
# errno module prefers the WSA* ones (EADDRINUSE = 10048); pin the CRT values so an
# error raised by a libzmq peer process and one raised here compare equal.
_WINDOWS_ERRNO = {
    "ENOTSUP": 129,
    "EPROTONOSUPPORT": 135,
    "ENOBUFS": 119,
    "ENETDOWN": 116,
    "EADDRINUSE": 100,
    "EADDRNOTAVAIL": 101,
    "ECONNREFUSED": 107,
    "EINPROGRESS": 112,
    "ENOTSOCK": 128,
    "EMSGSIZE": 115,
    "EAFNOSUPPORT": 102,
    "ENETUNREACH": 118,
    "ECONNABORTED": 106,
    "ECONNRESET": 108,
    "ENOTCONN": 126,
    "ETIMEDOUT": 138,
    "EHOSTUNREACH": 110,
    "ENETRESET": 117,
}


def _os_errno(name: str, hausnumero_offset: int) -> int:
    """The platform's value of errno ``name``, else libzmq's HAUSNUMERO fallback."""
    if _sys.platform.startswith("win"):
        return _WINDOWS_ERRNO[name]
    return getattr(_errno, name, _HAUSNUMERO + hausnumero_offset)


class Errno(IntEnum):
    """Error numbers carried by :class:`zmqlite.ZMQError` (libzmq's values)."""

    EAGAIN = _errno.EAGAIN
    EFAULT = _errno.EFAULT
    EINVAL = _errno.EINVAL

    # zmq.h gives each of these a HAUSNUMERO-based number for platforms without it
    ENOTSUP = _os_errno("ENOTSUP", 1)
    EPROTONOSUPPORT = _os_errno("EPROTONOSUPPORT", 2)
    ENOBUFS = _os_errno("ENOBUFS", 3)
    ENETDOWN = _os_errno("ENETDOWN", 4)
    EADDRINUSE = _os_errno("EADDRINUSE", 5)
    EADDRNOTAVAIL = _os_errno("EADDRNOTAVAIL", 6)
    ECONNREFUSED = _os_errno("ECONNREFUSED", 7)
    EINPROGRESS = _os_errno("EINPROGRESS", 8)
    ENOTSOCK = _os_errno("ENOTSOCK", 9)
    EMSGSIZE = _os_errno("EMSGSIZE", 10)
    EAFNOSUPPORT = _os_errno("EAFNOSUPPORT", 11)
    ENETUNREACH = _os_errno("ENETUNREACH", 12)
    ECONNABORTED = _os_errno("ECONNABORTED", 13)
    ECONNRESET = _os_errno("ECONNRESET", 14)
    ENOTCONN = _os_errno("ENOTCONN", 15)
    ETIMEDOUT = _os_errno("ETIMEDOUT", 16)
    EHOSTUNREACH = _os_errno("EHOSTUNREACH", 17)
    ENETRESET = _os_errno("ENETRESET", 18)

    # ZeroMQ's own errors, on every platform
    EFSM = _HAUSNUMERO + 51
    ENOCOMPATPROTO = _HAUSNUMERO + 52
    ETERM = _HAUSNUMERO + 53
    EMTHREAD = _HAUSNUMERO + 54


class ContextOption(IntEnum):
    """Options for ``Context.get``/``Context.set``."""

    IO_THREADS = 1
    MAX_SOCKETS = 2
    SOCKET_LIMIT = 3
    # libzmq reuses 3: zmq_ctx_get(3) is SOCKET_LIMIT, zmq_ctx_set(3) THREAD_PRIORITY
    THREAD_PRIORITY = 3
    THREAD_SCHED_POLICY = 4
    MAX_MSGSZ = 5
    MSG_T_SIZE = 6
    THREAD_AFFINITY_CPU_ADD = 7
    THREAD_AFFINITY_CPU_REMOVE = 8
    THREAD_NAME_PREFIX = 9


class SocketType(IntEnum):
    """Socket types (the ``socket_type`` argument of ``Context.socket``)."""

    PAIR = 0
    PUB = 1
    SUB = 2
    REQ = 3
    REP = 4
    DEALER = 5
    ROUTER = 6
    PULL = 7
    PUSH = 8
    XPUB = 9
    XSUB = 10
    STREAM = 11
    # pre-3.0 names, kept as aliases
    XREQ = 5
    XREP = 6
    # libzmq DRAFT types: named so scripts import, not implemented by zmqlite
    SERVER = 12
    CLIENT = 13
    RADIO = 14
    DISH = 15
    GATHER = 16
    SCATTER = 17
    DGRAM = 18
    PEER = 19
    CHANNEL = 20


class _OptType(str, Enum):
    """How a socket option's value is represented (``zmq_setsockopt``'s optval)."""

    int = "int"  # C int
    int64 = "int64"  # int64_t / uint64_t
    bytes = "bytes"  # binary buffer; str must be encoded by the caller
    fd = "fd"  # a file descriptor (SOCKET on Windows)


#: the options whose value is not a C int; keyed by canonical member name
_OPTION_TYPES: dict[str, _OptType] = {
    name: _OptType.int64
    for name in (
        "AFFINITY",
        "MAXMSGSIZE",
        "VMCI_BUFFER_SIZE",
        "VMCI_BUFFER_MIN_SIZE",
        "VMCI_BUFFER_MAX_SIZE",
    )
}
_OPTION_TYPES.update(
    (name, _OptType.bytes)
    for name in (
        "ROUTING_ID",
        "SUBSCRIBE",
        "UNSUBSCRIBE",
        "LAST_ENDPOINT",
        "TCP_ACCEPT_FILTER",
        "PLAIN_USERNAME",
        "PLAIN_PASSWORD",
        "CURVE_PUBLICKEY",
        "CURVE_SECRETKEY",
        "CURVE_SERVERKEY",
        "ZAP_DOMAIN",
        "CONNECT_ROUTING_ID",
        "GSSAPI_PRINCIPAL",
        "GSSAPI_SERVICE_PRINCIPAL",
        "SOCKS_PROXY",
        "XPUB_WELCOME_MSG",
        "BINDTODEVICE",
        "METADATA",
        "SOCKS_USERNAME",
        "SOCKS_PASSWORD",
        "WSS_KEY_PEM",
        "WSS_CERT_PEM",
        "WSS_TRUST_PEM",
        "WSS_HOSTNAME",
        "HELLO_MSG",
        "DISCONNECT_MSG",
        "HICCUP_MSG",
    )
)
_OPTION_TYPES["FD"] = _OptType.fd


class SocketOption(IntEnum):
    """Options for ``Socket.get``/``Socket.set`` (and socket attributes).

    Each member knows the type of its value as ``_opt_type`` (see ``_OPTION_TYPES``).
    """

    # libzmq 2.x's HWM; in zmqlite's Socket it sets both SNDHWM and RCVHWM
    HWM = 1
    AFFINITY = 4
    ROUTING_ID = 5
    SUBSCRIBE = 6
    UNSUBSCRIBE = 7
    RATE = 8
    RECOVERY_IVL = 9
    SNDBUF = 11
    RCVBUF = 12
    RCVMORE = 13
    FD = 14
    EVENTS = 15
    TYPE = 16
    LINGER = 17
    RECONNECT_IVL = 18
    BACKLOG = 19
    RECONNECT_IVL_MAX = 21
    MAXMSGSIZE = 22
    SNDHWM = 23
    RCVHWM = 24
    MULTICAST_HOPS = 25
    RCVTIMEO = 27
    SNDTIMEO = 28
    LAST_ENDPOINT = 32
    ROUTER_MANDATORY = 33
    TCP_KEEPALIVE = 34
    TCP_KEEPALIVE_CNT = 35
    TCP_KEEPALIVE_IDLE = 36
    TCP_KEEPALIVE_INTVL = 37
    IMMEDIATE = 39
    XPUB_VERBOSE = 40
    ROUTER_RAW = 41
    IPV6 = 42
    MECHANISM = 43
    PLAIN_SERVER = 44
    PLAIN_USERNAME = 45
    PLAIN_PASSWORD = 46
    CURVE_SERVER = 47
    CURVE_PUBLICKEY = 48
    CURVE_SECRETKEY = 49
    CURVE_SERVERKEY = 50
    PROBE_ROUTER = 51
    REQ_CORRELATE = 52
    REQ_RELAXED = 53
    CONFLATE = 54
    ZAP_DOMAIN = 55
    ROUTER_HANDOVER = 56
    TOS = 57
    CONNECT_ROUTING_ID = 61
    GSSAPI_SERVER = 62
    GSSAPI_PRINCIPAL = 63
    GSSAPI_SERVICE_PRINCIPAL = 64
    GSSAPI_PLAINTEXT = 65
    HANDSHAKE_IVL = 66
    SOCKS_PROXY = 68
    XPUB_NODROP = 69
    BLOCKY = 70
    XPUB_MANUAL = 71
    XPUB_WELCOME_MSG = 72
    STREAM_NOTIFY = 73
    INVERT_MATCHING = 74
    HEARTBEAT_IVL = 75
    HEARTBEAT_TTL = 76
    HEARTBEAT_TIMEOUT = 77
    XPUB_VERBOSER = 78
    CONNECT_TIMEOUT = 79
    TCP_MAXRT = 80
    THREAD_SAFE = 81
    MULTICAST_MAXTPDU = 84
    VMCI_BUFFER_SIZE = 85
    VMCI_BUFFER_MIN_SIZE = 86
    VMCI_BUFFER_MAX_SIZE = 87
    VMCI_CONNECT_TIMEOUT = 88
    USE_FD = 89
    GSSAPI_PRINCIPAL_NAMETYPE = 90
    GSSAPI_SERVICE_PRINCIPAL_NAMETYPE = 91
    BINDTODEVICE = 92

    # deprecated names: aliases of the members above, or options libzmq dropped
    IDENTITY = 5
    CONNECT_RID = 61
    TCP_ACCEPT_FILTER = 38
    IPC_FILTER_PID = 58
    IPC_FILTER_UID = 59
    IPC_FILTER_GID = 60
    IPV4ONLY = 31
    DELAY_ATTACH_ON_CONNECT = 39
    FAIL_UNROUTABLE = 33
    ROUTER_BEHAVIOR = 33

    # libzmq DRAFT options (up to 4.3.5)
    ZAP_ENFORCE_DOMAIN = 93
    LOOPBACK_FASTPATH = 94
    METADATA = 95
    MULTICAST_LOOP = 96
    ROUTER_NOTIFY = 97
    XPUB_MANUAL_LAST_VALUE = 98
    SOCKS_USERNAME = 99
    SOCKS_PASSWORD = 100
    IN_BATCH_SIZE = 101
    OUT_BATCH_SIZE = 102
    WSS_KEY_PEM = 103
    WSS_CERT_PEM = 104
    WSS_TRUST_PEM = 105
    WSS_HOSTNAME = 106
    WSS_TRUST_SYSTEM = 107
    ONLY_FIRST_SUBSCRIBE = 108
    RECONNECT_STOP = 109
    HELLO_MSG = 110
    DISCONNECT_MSG = 111
    PRIORITY = 112
    BUSY_POLL = 113
    HICCUP_MSG = 114
    XSUB_VERBOSE_UNSUBSCRIBE = 115
    TOPICS_COUNT = 116
    NORM_MODE = 117
    NORM_UNICAST_NACK = 118
    NORM_BUFFER_SIZE = 119
    NORM_SEGMENT_SIZE = 120
    NORM_BLOCK_SIZE = 121
    NORM_NUM_PARITY = 122
    NORM_NUM_AUTOPARITY = 123
    NORM_PUSH = 124

    @property
    def _opt_type(self) -> _OptType:
        """The representation of this option's value (an alias shares its target's)."""
        return _OPTION_TYPES.get(self.name, _OptType.int)


def _option_type(opt: int | str) -> _OptType:
    """The value type of socket option ``opt`` (a number, member, or name like "linger").

    Raises ValueError for an option zmqlite does not know, as ``SocketOption(opt)``.
    """
    if isinstance(opt, str):
        try:
            opt = SocketOption.__members__[opt.upper()]
        except KeyError:
            raise ValueError(f"{opt!r} is not a valid SocketOption") from None
    return SocketOption(opt)._opt_type


class MessageOption(IntEnum):
    """Options of a message frame (``zmq_msg_get``)."""

    MORE = 1
    SRCFD = 2  # deprecated in libzmq
    SHARED = 3


class Flag(IntFlag):
    """Flags for send and recv."""

    DONTWAIT = 1
    SNDMORE = 2
    NOBLOCK = 1  # the libzmq 2.x name of DONTWAIT


class RouterNotify(IntEnum):
    """Values of the ROUTER_NOTIFY option (libzmq DRAFT); flat names ``NOTIFY_*``."""

    CONNECT = 1
    DISCONNECT = 2


class NormMode(IntEnum):
    """Values of the NORM_MODE option (libzmq DRAFT); flat names ``NORM_*``."""

    FIXED = 0
    CC = 1
    CCL = 2
    CCE = 3
    CCE_ECNONLY = 4


class SecurityMechanism(IntEnum):
    """Security mechanisms, as returned by ``socket.get(MECHANISM)`` (RFC 23)."""

    NULL = 0
    PLAIN = 1
    CURVE = 2
    GSSAPI = 3


class ReconnectStop(IntEnum):
    """Bits of the RECONNECT_STOP option; flat names ``RECONNECT_STOP_*``."""

    CONN_REFUSED = 0x1
    HANDSHAKE_FAILED = 0x2
    AFTER_DISCONNECT = 0x4


class Event(IntFlag):
    """Socket monitor events; flat names ``EVENT_*`` (and ``PROTOCOL_ERROR_*`` as is)."""

    # values of the EVENT_HANDSHAKE_FAILED_PROTOCOL event, not bits; listed first so
    # that the event bits below stay the canonical members of their values
    PROTOCOL_ERROR_WS_UNSPECIFIED = 0x30000000
    PROTOCOL_ERROR_ZMTP_UNSPECIFIED = 0x10000000
    PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND = 0x10000001
    PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE = 0x10000002
    PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE = 0x10000003
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED = 0x10000011
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE = 0x10000012
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO = 0x10000013
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE = 0x10000014
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR = 0x10000015
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY = 0x10000016
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME = 0x10000017
    PROTOCOL_ERROR_ZMTP_INVALID_METADATA = 0x10000018
    PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC = 0x11000001
    PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH = 0x11000002
    PROTOCOL_ERROR_ZAP_UNSPECIFIED = 0x20000000
    PROTOCOL_ERROR_ZAP_MALFORMED_REPLY = 0x20000001
    PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID = 0x20000002
    PROTOCOL_ERROR_ZAP_BAD_VERSION = 0x20000003
    PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE = 0x20000004
    PROTOCOL_ERROR_ZAP_INVALID_METADATA = 0x20000005

    CONNECTED = 0x0001
    CONNECT_DELAYED = 0x0002
    CONNECT_RETRIED = 0x0004
    LISTENING = 0x0008
    BIND_FAILED = 0x0010
    ACCEPTED = 0x0020
    ACCEPT_FAILED = 0x0040
    CLOSED = 0x0080
    CLOSE_FAILED = 0x0100
    DISCONNECTED = 0x0200
    MONITOR_STOPPED = 0x0400
    HANDSHAKE_FAILED_NO_DETAIL = 0x0800
    HANDSHAKE_SUCCEEDED = 0x1000
    HANDSHAKE_FAILED_PROTOCOL = 0x2000
    HANDSHAKE_FAILED_AUTH = 0x4000
    ALL_V1 = 0xFFFF
    ALL = 0xFFFF
    # libzmq DRAFT
    PIPES_STATS = 0x10000
    ALL_V2 = 0x1FFFF  # ALL_V1 | PIPES_STATS


class PollEvent(IntFlag):
    """Events to poll for (``Poller.register``, ``Socket.poll``)."""

    POLLIN = 1
    POLLOUT = 2
    POLLERR = 4
    POLLPRI = 8


class DeviceType(IntEnum):
    """Device kinds for the deprecated ``device()`` (all run as ``proxy``)."""

    STREAMER = 1
    FORWARDER = 2
    QUEUE = 3


# ---------------------------------------------------------------------------
# Flat names. pyzmq exports every member at module level; most under their own
# name, these few under a prefix (so NORM_MODE the option and NORM_FIXED its
# value do not collide).

_FLAT_PREFIX = {
    RouterNotify: "NOTIFY_",
    NormMode: "NORM_",
    ReconnectStop: "RECONNECT_STOP_",
    Event: "EVENT_",
}

_ENUMS = (
    ContextOption,
    DeviceType,
    Errno,
    Event,
    Flag,
    MessageOption,
    NormMode,
    PollEvent,
    ReconnectStop,
    RouterNotify,
    SecurityMechanism,
    SocketOption,
    SocketType,
)


def _flat_name(enum_cls: type, member_name: str) -> str:
    if enum_cls is Event and member_name.startswith("PROTOCOL_ERROR_"):
        return member_name
    return _FLAT_PREFIX.get(enum_cls, "") + member_name


def _flat_names() -> dict[str, Enum]:
    flat: dict[str, Enum] = {}
    for enum_cls in _ENUMS:
        # __members__ includes aliases (XREQ, IDENTITY, NOBLOCK, ...)
        for member_name, member in enum_cls.__members__.items():
            name = _flat_name(enum_cls, member_name)
            # two enums exporting one flat name would make one of them unreachable
            assert name not in flat, name
            flat[name] = member
    return flat


_FLAT = _flat_names()
globals().update(_FLAT)

__all__ = [cls.__name__ for cls in _ENUMS] + list(_FLAT)
# pyzmq's constants.__all__ also lists these (reached by `from zmq import *`)
__all__ += ["Enum", "IntEnum", "IntFlag"]
