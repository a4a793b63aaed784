# errno -> exception, only here. nogil code returns positive errno values;
# the Python-facing methods turn them into zmqlite.error exceptions.

cdef object _exception_for = None

cdef object _zmq_error(int err, object msg):
    """The ZMQError subclass instance for err (Again for EAGAIN, ...)."""
    global _exception_for
    if _exception_for is None:
        from zmqlite.error import _exception_for as f
        _exception_for = f
    return _exception_for(err, msg)

cdef int _check_signals() except -1:
    """After EINTR in a wait: run Python's signal handlers (Ctrl-C raises here)."""
    PyErr_CheckSignals()
    return 0

# fork safety: a socket or context made before fork() must not be used in the
# child, where its I/O thread does not exist; they compare this generation.
cdef int _fork_generation = 0

def _after_fork_in_child():
    global _fork_generation
    _fork_generation += 1

_os.register_at_fork(after_in_child=_after_fork_in_child)
