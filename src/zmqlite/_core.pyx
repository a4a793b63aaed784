# cython: language_level=3
# zmqlite._core: the engine, compiled from the parts below.
# The order is that of the layers, bottom up: a part calls only the parts
# above it in this list (a socket type's hooks, reached through SOCKET_TYPES,
# are how the pipes and the engine call up into the socket families).

import os as _os
import sys as _sys
import threading as _threading
import weakref as _weakref
from libc.stdlib cimport malloc, calloc, realloc, free, abort
from libc.string cimport memcpy, memmove, memset, memcmp, strlen, strcmp, strcpy, strncpy, strcat
from libc.stdint cimport uint32_t, uint64_t
from libc.stdio cimport snprintf
from libc.errno cimport (errno, EAGAIN, EINTR, EINVAL, ENOTSOCK,
                         EPROTONOSUPPORT, EADDRINUSE, ENOENT, ENOMEM, ENODEV, ENAMETOOLONG,
                         EINPROGRESS, EHOSTUNREACH, EMFILE, ENFILE, ENOBUFS, ECONNABORTED,
                         EADDRNOTAVAIL, EACCES, EPIPE, EFAULT)
from posix.unistd cimport close, unlink
from cpython.bytes cimport PyBytes_FromStringAndSize, PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.buffer cimport (PyObject_GetBuffer, PyBuffer_Release, PyObject_CheckBuffer, PyBUF_SIMPLE,
                             PyBUF_WRITABLE, PyBUF_C_CONTIGUOUS)
from cpython.exc cimport PyErr_CheckSignals
from cpython.ref cimport PyObject, Py_INCREF, Py_DECREF
from cpython.memoryview cimport PyMemoryView_FromMemory
from cpython.buffer cimport PyBUF_READ, PyBuffer_FillInfo
from syscalls cimport *
from zl cimport *
from sodium cimport *

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
include "sockets/stream.pyx"
include "sockets/table.pyx"
include "inproc.pyx"
include "monitor.pyx"
include "mechanisms/mechanism.pyx"
include "mechanisms/zap.pyx"
include "mechanisms/null.pyx"
include "mechanisms/plain.pyx"
include "mechanisms/curve.pyx"
include "engine.pyx"
include "resolver.pyx"
include "io_thread.pyx"
include "transport.pyx"
include "context.pyx"
include "wait.pyx"
include "inline_read.pyx"
include "frames.pyx"
include "options.pyx"
include "socket.pyx"
include "poll.pyx"
include "proxy.pyx"
include "fuzz.pyx"

CONSTANTS = _constants()
