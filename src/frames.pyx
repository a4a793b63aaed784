# Frames <-> Python objects, on the user's thread with the GIL: the one copy
# send() makes (or the large bytes it lends) and the bytes or Frame recv()
# returns (a Frame owns the received buffer itself). zmqlite.frame (the
# Python Frame class) is imported on first use: plain bytes never need it.

# Frames for copy=False (zmqlite.frame, imported on first use: the plain
# bytes path never needs it).
cdef object _frame_module = None

cdef object _frames():
    global _frame_module
    if _frame_module is None:
        import zmqlite.frame as m
        _frame_module = m
    return _frame_module

cdef class _Lease:
    """The owner of frames lent from a tracked send's bytes: it keeps the bytes
    alive, and once the last frame lending them is released (with the GIL,
    msg.pyx) and nothing else holds it, it sets the event its MessageTracker
    watches. So a tracker stays pending until the I/O thread has really
    finished with the buffer, as pyzmq's does (libzmq's free callback)."""
    cdef readonly object data       # the bytes lent
    cdef object event               # threading.Event, set when this lease ends

    def __cinit__(self, bytes data not None, event):
        self.data = data
        self.event = event

    def __dealloc__(self):
        self.event.set()

def _release_borrowed():
    """Drops the references of lent frames the I/O thread has finished with
    (a tracker polls this: nothing else may run send/recv meanwhile)."""
    release_borrowed()

cdef inline bint _lends_whole_bytes(zl_frame *f):
    """Whether f lends a whole bytes object (which recv may hand back as is)."""
    return (f.owner != NULL and type(<object>f.owner) is bytes
            and f.size == <size_t>PyBytes_GET_SIZE(<object>f.owner))

cdef class _FrameBase:
    """The data of a zmqlite.Frame, exported through the buffer protocol:
    either a received zl_frame, owned and freed with this object, so that
    recv(copy=False) copies nothing (a 2 GiB frame once cost two more copies
    and their page faults, about 10 s, where pyzmq wraps libzmq's buffer), or
    a bytes object for frames made from Python data. zmqlite.Frame subclasses
    it (a Python class can export a buffer only from Python 3.12 on)."""
    cdef zl_frame *_f               # owned received frame, or NULL
    cdef object _data               # bytes holding the data when _f is NULL
    cdef const unsigned char *_ptr
    cdef Py_ssize_t _len
    cdef _Lease _lease              # a tracked frame's: what its sends lend, or None
    cdef zl_meta *_meta             # a received frame's message properties, or NULL

    def __cinit__(self, *args, **kwargs):
        self._f = NULL
        self._data = b""
        self._ptr = <const unsigned char *>PyBytes_AS_STRING(self._data)
        self._len = 0

    def __dealloc__(self):
        if self._f != NULL:
            frame_free_gil(self._f)
            self._f = NULL
        meta_unref(self._meta)
        self._meta = NULL

    def _property(self, str name):
        """The message property name ("Socket-Type", "User-Id", "Peer-Address",
        a ZAP handler's metadata...) as str, or None."""
        cdef const unsigned char *value
        cdef size_t vlen
        cdef bytes key = name.encode("utf-8")
        if self._meta == NULL or len(key) > 255:
            return None
        if property_find(self._meta.data, self._meta.len, key, &value, &vlen) != 1:
            return None
        return (<const char *>value)[:vlen].decode("utf-8", "replace")

    def _set_data(self, bytes data not None, event=None):
        """Makes this frame hold data (once, before the frame is used). With
        event (a tracked frame), its sends lend data through a lease that sets
        event once this frame and every frame sent from it are gone."""
        if self._f != NULL:
            raise RuntimeError("frame data is already set")
        if event is not None:
            self._lease = _Lease(data, event)
        self._data = data
        self._ptr = <const unsigned char *>PyBytes_AS_STRING(data)
        self._len = PyBytes_GET_SIZE(data)

    def _copy_into(self, _FrameBase other not None):
        """Makes other (new, empty) share this frame's data and lease: a copy
        of a tracked frame keeps its tracker pending while it lives, as pyzmq's
        (libzmq's zmq_msg_copy shares the buffer)."""
        if self._f != NULL:
            other._set_data(self._bytes())
        else:
            other._data = self._data
            other._ptr = self._ptr
            other._len = self._len
            other._lease = self._lease

    def _bytes(self):
        """The data as bytes: the object it is held in, when there is one."""
        if self._f == NULL:
            return self._data
        if _lends_whole_bytes(self._f):
            return <object>self._f.owner
        return PyBytes_FromStringAndSize(<char *>self._ptr, self._len)

    def __len__(self):
        return self._len

    def __getbuffer__(self, Py_buffer *view, int flags):
        # a received frame in C memory of its own is writable, as pyzmq's; data
        # held as (or lent from) bytes is not: bytes are immutable
        cdef int readonly = self._f == NULL or self._f.owner != NULL
        if readonly and flags & PyBUF_WRITABLE:
            raise BufferError("a Frame is read-only")
        PyBuffer_FillInfo(view, self, <void *>self._ptr, self._len, readonly, flags)

    def __releasebuffer__(self, Py_buffer *view):
        pass

cdef object _frame_from(zl_frame *f, int more, track):
    """A Frame owning a received zl_frame: no copy."""
    cdef _FrameBase frame
    m = _frames()
    try:
        frame = _FrameBase.__new__(m.Frame)
    except BaseException:
        frame_free_gil(f)
        raise
    frame._f = f
    frame._ptr = f.data
    frame._len = f.size
    frame._data = None
    if more:
        frame.more = True
    if track:
        frame.tracker = m._FINISHED_TRACKER
    return frame

cdef zl_frame *frame_for(object data, Py_ssize_t lend_min=BORROW_MIN, _Lease lease=None) except NULL:
    """The frame to send for data: a bytes object of lend_min bytes or more is
    lent (msg.pyx; through lease when given), anything else with the buffer
    protocol is copied into C memory. A tracked Frame's bytes are always lent,
    through its lease."""
    cdef zl_frame *f
    cdef Py_buffer view
    if type(data) is bytes:
        if PyBytes_GET_SIZE(data) >= lend_min:
            return frame_borrow(data, lease)
        f = frame_new(PyBytes_GET_SIZE(data))
        if f == NULL:
            raise MemoryError()
        memcpy(f.data, PyBytes_AS_STRING(data), f.size)
        return f
    if isinstance(data, str):
        raise TypeError("unicode not allowed, use send_string")
    if isinstance(data, _FrameBase) and (<_FrameBase>data)._f == NULL:
        if (<_FrameBase>data)._lease is not None:
            return frame_borrow((<_FrameBase>data)._data, (<_FrameBase>data)._lease)
        return frame_for((<_FrameBase>data)._data)    # a large one is lent, not copied
    if hasattr(data, "buffer") and not PyObject_CheckBuffer(data):
        data = data.buffer      # a Frame-like object
    PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
    f = frame_new(view.len)
    if f != NULL:
        memcpy(f.data, view.buf, view.len)
    PyBuffer_Release(&view)
    if f == NULL:
        raise MemoryError()
    return f

cdef object bytes_from(zl_frame *f):
    """recv()'s bytes for a frame (freed here): the sender's own bytes object
    when the frame lends a whole one (inproc), else a copy of the C memory."""
    cdef object result
    try:
        if _lends_whole_bytes(f):
            result = <object>f.owner      # immutable, so sharing it is safe
        else:
            result = PyBytes_FromStringAndSize(<char *>f.data, f.size)
    finally:
        frame_free_gil(f)
    return result
