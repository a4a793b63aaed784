# cython: language_level=3
# zmqlite._core: the engine, compiled from the parts below.
# The order is that of the layers, bottom up: a part calls only the parts
# above it in this list (a socket type's hooks, reached through SOCKET_TYPES,
# are how the pipes and the engine call up into the socket families).

import os as _os
import sys as _sys
from libc.stdlib cimport malloc, calloc, realloc, free
from libc.string cimport memcpy, memmove, memset, memcmp, strlen, strcmp, strcpy, strncpy
from libc.stdint cimport uint32_t, uint64_t
from libc.errno cimport (errno, EAGAIN, EINTR, EINVAL, ENOTSOCK,
                         EPROTONOSUPPORT, EADDRINUSE, ENOENT, ENOMEM, ENODEV, ENAMETOOLONG,
                         EINPROGRESS, EHOSTUNREACH, EMFILE, ENFILE, ENOBUFS, ECONNABORTED)
from posix.unistd cimport close, unlink
from cpython.bytes cimport PyBytes_FromStringAndSize, PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.buffer cimport (PyObject_GetBuffer, PyBuffer_Release, PyObject_CheckBuffer, PyBUF_SIMPLE,
                             PyBUF_WRITABLE, PyBUF_C_CONTIGUOUS)
from cpython.exc cimport PyErr_CheckSignals
from cpython.ref cimport Py_INCREF, Py_DECREF
from cpython.memoryview cimport PyMemoryView_FromMemory
from cpython.buffer cimport PyBUF_READ, PyBuffer_FillInfo
from syscalls cimport *
from zl cimport *

include "errors.pyx"
include "msg.pyx"
include "zmtp/codec.pyx"
include "sockets/types.pyx"
include "sockets/subscriptions.pyx"
include "wakeups.pyx"
include "conn_write.pyx"
include "sockets/routing.pyx"
include "pipe.pyx"
include "sockets/base.pyx"
include "sockets/pipeline.pyx"
include "sockets/reqrep.pyx"
include "sockets/pubsub.pyx"
include "sockets/table.pyx"
include "mechanisms/mechanism.pyx"
include "mechanisms/null.pyx"
include "engine.pyx"
include "io_thread.pyx"
include "transport.pyx"
include "context.pyx"
include "inproc.pyx"
include "wait.pyx"
include "frames.pyx"
include "socket.pyx"
include "poll.pyx"
include "proxy.pyx"
include "fuzz.pyx"

CONSTANTS = {
    "PAIR": ZL_PAIR, "PUB": ZL_PUB, "SUB": ZL_SUB, "REQ": ZL_REQ, "REP": ZL_REP,
    "DEALER": ZL_DEALER, "ROUTER": ZL_ROUTER, "PULL": ZL_PULL, "PUSH": ZL_PUSH,
    "XPUB": ZL_XPUB, "XSUB": ZL_XSUB,
    "ROUTING_ID": ZL_OPT_ROUTING_ID, "IDENTITY": ZL_OPT_ROUTING_ID,
    "SUBSCRIBE": ZL_OPT_SUBSCRIBE, "UNSUBSCRIBE": ZL_OPT_UNSUBSCRIBE,
    "SNDBUF": ZL_OPT_SNDBUF, "RCVBUF": ZL_OPT_RCVBUF, "RCVMORE": ZL_OPT_RCVMORE,
    "FD": ZL_OPT_FD, "EVENTS": ZL_OPT_EVENTS, "TYPE": ZL_OPT_TYPE, "LINGER": ZL_OPT_LINGER,
    "RECONNECT_IVL": ZL_OPT_RECONNECT_IVL, "BACKLOG": ZL_OPT_BACKLOG,
    "RECONNECT_IVL_MAX": ZL_OPT_RECONNECT_IVL_MAX, "MAXMSGSIZE": ZL_OPT_MAXMSGSIZE,
    "SNDHWM": ZL_OPT_SNDHWM, "RCVHWM": ZL_OPT_RCVHWM, "RCVTIMEO": ZL_OPT_RCVTIMEO,
    "SNDTIMEO": ZL_OPT_SNDTIMEO, "LAST_ENDPOINT": ZL_OPT_LAST_ENDPOINT,
    "IMMEDIATE": ZL_OPT_IMMEDIATE, "IPV6": ZL_OPT_IPV6, "MECHANISM": ZL_OPT_MECHANISM,
    "HANDSHAKE_IVL": ZL_OPT_HANDSHAKE_IVL,
    "HEARTBEAT_IVL": ZL_OPT_HEARTBEAT_IVL, "HEARTBEAT_TTL": ZL_OPT_HEARTBEAT_TTL,
    "HEARTBEAT_TIMEOUT": ZL_OPT_HEARTBEAT_TIMEOUT,
    "XPUB_VERBOSE": ZL_OPT_XPUB_VERBOSE, "ROUTER_MANDATORY": ZL_OPT_ROUTER_MANDATORY, "ROUTER_HANDOVER": ZL_OPT_ROUTER_HANDOVER,
    "DONTWAIT": ZL_DONTWAIT, "NOBLOCK": ZL_DONTWAIT, "SNDMORE": ZL_SNDMORE,
    "POLLIN": ZL_POLLIN, "POLLOUT": ZL_POLLOUT, "POLLERR": ZL_POLLERR,
    "EFSM": ZL_EFSM, "ENOCOMPATPROTO": ZL_ENOCOMPATPROTO, "ETERM": ZL_ETERM,
    "EMTHREAD": ZL_EMTHREAD,
}
