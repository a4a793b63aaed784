# Socket: the Python face of one zl_socket. Per-frame work (send/recv) is a
# copy into or out of C memory plus a few pointer moves under the context
# lock; waiting happens with the GIL released.


cdef int connect_side_rid(zl_socket *s, zl_pipe *p) noexcept nogil:
    """The routing id a new connect-side pipe of a ROUTER or STREAM has from
    the start (lock held): the CONNECT_ROUTING_ID set before connect() (used
    once, as libzmq; EINVAL when a peer has it already), else, for a STREAM,
    a generated one, kept across reconnects. 0 or an errno."""
    if not (SOCKET_TYPES[s.type].flags & T_ROUTER):
        return 0
    if s.connect_rid_len > 0:
        if rids_find(s, s.connect_rid, s.connect_rid_len) != NULL:
            return EINVAL
        if pipe_set_rid(p, s.connect_rid, s.connect_rid_len) < 0:
            return ENOMEM
        s.connect_rid_len = 0
    elif SOCKET_TYPES[s.type].flags & T_RAW:
        if router_assign_rid(s, p, NULL, 0) < 0:
            return ENOMEM
    else:
        return 0        # a ROUTER's peer names itself at the handshake
    p.rid_fixed = 1
    return 0

cdef class Socket:
    """A zmqlite socket (see zmqlite.Socket for the pyzmq-style helpers)."""

    def __cinit__(self, context=None, socket_type=None, *args, **kwargs):
        cdef Context ctx
        cdef zl_socket *s
        cdef zl_ctx *c
        cdef int t
        self.copy_threshold = COPY_THRESHOLD
        self._plain_io = type(self).send is Socket.send and type(self).recv is Socket.recv
        # (asyncio's from_socket passes _from_socket; __cinit__ sees the caller's arguments)
        shadow = kwargs.get("shadow") or kwargs.get("_from_socket") or \
            (context if isinstance(context, Socket) else None)
        if shadow:
            self._shadow(shadow)
            return
        if not isinstance(context, Context):
            raise TypeError("a zmqlite Context is required, got %r" % (context,))
        ctx = context
        if ctx._fork_gen != _fork_generation:
            raise _zmq_error(ENOTSUP, "this Context was made before fork(); make a new Context in the child")
        if ctx.closed or ctx._ctx == NULL or ctx._ctx.terminating:     # (closed: a shadow checks its owner)
            raise _zmq_error(ZL_ETERM, None)
        t = int(socket_type)
        if not (0 <= t < ZL_NSOCKET_TYPES):
            raise _zmq_error(EINVAL, "socket type %d is not supported by zmqlite yet" % t)
        c = ctx._ctx
        s = sock_new(c, t)
        if s == NULL:
            raise _zmq_error(errno, None)
        pthread_mutex_lock(&c.lock)
        s.next = c.sockets
        c.sockets = s
        c.nsockets += 1
        pthread_mutex_unlock(&c.lock)
        self._s = s
        self.context = ctx
        self.socket_type = t
        self._fork_gen = _fork_generation
        self._stored = {}
        _live_sockets[<size_t>s] = self

    cdef _shadow(self, shadow):
        """pyzmq's Socket(shadow=address) and Socket(other): one more object
        for the same socket, not owning it. It holds its owner, so the struct
        lives as long as either; close() on either closes the socket, and the
        other then finds it closed (ENOTSOCK), as with libzmq."""
        cdef Socket owner = _owner_of(shadow, Socket, _live_sockets, "socket")
        owner._sock()
        self._s = owner._s
        self._owner = owner
        self.context = owner.context
        self.socket_type = owner.socket_type
        self._fork_gen = owner._fork_gen
        self._stored = owner._stored

    def _shadow_owner(self):
        return self._owner

    @property
    def underlying(self):
        """The socket's address, which Socket.shadow (and Socket(shadow=))
        turn back into a Socket object for the same socket."""
        return <size_t>self._sock()

    @classmethod
    def shadow(cls, address):
        """A Socket object for the socket at address (its ``underlying``, or the
        Socket itself), not owning it: garbage-collecting it closes nothing."""
        return cls(shadow=address)

    def __init__(self, context=None, socket_type=None, *args, **kwargs):
        pass

    def __dealloc__(self):
        if self._s != NULL and self._fork_gen == _fork_generation and self._owner is None:
            self._close(-2)

    cdef zl_socket *_sock(self) except NULL:
        if self._owner is not None and (<Socket>self._owner)._s == NULL:
            self._s = NULL      # the socket this one shadows was closed
        if self._s == NULL:
            raise _zmq_error(ENOTSOCK, None)
        if self._fork_gen != _fork_generation:
            raise _zmq_error(ENOTSUP, "this socket was made before fork(); make a new Context in the child")
        return self._s

    @property
    def closed(self):
        if self._owner is not None and (<Socket>self._owner)._s == NULL:
            self._s = NULL
        return self._s == NULL

    # ----------------------------------------------------------- endpoints

    def bind(self, addr):
        addr = endpoint_str(addr)
        cdef zl_socket *s = self._sock()
        cdef zl_ctx *c = <zl_ctx *>s.ctx
        cdef zl_listener *l
        scheme, rest = split_endpoint(addr)
        if scheme == "inproc":
            self._bind_inproc(rest)
            return
        l = <zl_listener *>calloc(1, sizeof(zl_listener))
        if l == NULL:
            raise MemoryError()
        l.fd = -1
        try:
            open_listener(s, scheme, rest, l)
        except BaseException as e:
            if l.fd >= 0:
                close(l.fd)
            free(l)
            if getattr(e, "errno", None) in _BIND_SYSCALL_ERRORS:
                self._bind_failed(e.errno, rest.encode())
            raise
        pthread_mutex_lock(&c.lock)
        l.next = s.listeners
        s.listeners = l
        strcpy(s.last_endpoint, l.endpoint)
        ctx_command(c, &l.listen_cmd, ZL_CMD_LISTEN, l)
        pthread_mutex_unlock(&c.lock)

    cdef _bind_failed(self, int err, bytes where):
        """Monitor events of a failed bind, as libzmq: its listening socket CLOSED
        (no endpoint), then BIND_FAILED with the address as given, without scheme."""
        cdef zl_socket *s = self._s
        cdef zl_ctx *c = <zl_ctx *>s.ctx
        pthread_mutex_lock(&c.lock)
        monitor_event(s, ZL_EVENT_CLOSED, -1, "")
        monitor_event(s, ZL_EVENT_BIND_FAILED, err, where)
        pthread_mutex_unlock(&c.lock)

    def monitor(self, addr, int events=0xFFFF):
        """Reports this socket's events (EVENT_* bits) as two-frame messages to a
        PAIR it binds at ``addr`` (inproc:// only, as libzmq); None stops
        monitoring (MONITOR_STOPPED is the last message)."""
        cdef zl_socket *s = self._sock()
        cdef zl_ctx *c = <zl_ctx *>s.ctx
        cdef bytes name
        cdef int rc
        if addr is None:
            pthread_mutex_lock(&c.lock)
            monitor_stop(c, s)
            pthread_mutex_unlock(&c.lock)
            return
        scheme, rest = split_endpoint(endpoint_str(addr))
        if scheme != "inproc":
            raise _zmq_error(EPROTONOSUPPORT, "a monitor is bound on inproc:// only")
        name = rest.encode()
        if len(name) >= 256:
            raise _zmq_error(ENAMETOOLONG, None)
        pthread_mutex_lock(&c.lock)
        rc = monitor_start(c, s, name, events)
        pthread_mutex_unlock(&c.lock)
        if rc:
            raise _zmq_error(rc, None)

    cdef _bind_inproc(self, str name):
        cdef zl_socket *s = self._s
        cdef zl_ctx *c = <zl_ctx *>s.ctx
        cdef bytes bname = name.encode()
        cdef int rc
        if len(bname) >= 256:
            raise _zmq_error(ENAMETOOLONG, None)
        pthread_mutex_lock(&c.lock)
        rc = inproc_bind(c, s, bname)
        pthread_mutex_unlock(&c.lock)
        if rc:
            raise _zmq_error(rc, None)

    def connect(self, addr):
        addr = endpoint_str(addr)
        cdef zl_socket *s = self._sock()
        cdef zl_ctx *c = <zl_ctx *>s.ctx
        cdef zl_endpoint *ep
        cdef zl_pipe *p
        cdef bytes baddr
        cdef int rc
        scheme, rest = split_endpoint(addr)
        baddr = addr.encode()
        if len(baddr) >= 300:
            raise _zmq_error(ENAMETOOLONG, None)
        if scheme == "inproc":
            self._connect_inproc(rest)
            return
        ep = <zl_endpoint *>calloc(1, sizeof(zl_endpoint))
        if ep == NULL:
            raise MemoryError()
        try:
            if scheme == "tcp":
                parse_tcp_connect(rest, s.ipv6, ep)
                ep.transport = ZL_TCP
            else:
                resolve_ipc(rest, &ep.addr, &ep.addrlen)
                ep.transport = ZL_IPC
        except BaseException:
            free(ep)
            raise
        strcpy(ep.endpoint, baddr)
        ep.sock = s
        ep.cur_ivl = s.reconnect_ivl if s.reconnect_ivl > 0 else ZL_DEFAULT_RECONNECT_IVL
        pthread_mutex_lock(&c.lock)
        p = pipe_new(s, 1)
        if p == NULL:
            pthread_mutex_unlock(&c.lock)
            free(ep)
            raise MemoryError()
        rc = connect_side_rid(s, p)
        if rc:
            pipe_remove(p)
            pthread_mutex_unlock(&c.lock)
            free(ep)
            raise _zmq_error(rc, None)
        sock_probe_peer(s, p)       # (sent once the connection is up)
        p.ep = ep
        ep.pipe = p
        strcpy(ep.bind_device, s.bind_device)     # as libzmq, options apply at connect()
        ep.next = s.endpoints
        s.endpoints = ep
        strcpy(s.last_endpoint, baddr)
        sock_signal(s)     # a connect-side pipe can take messages now: POLLOUT
        ctx_command(c, &ep.connect_cmd, ZL_CMD_CONNECT, ep)
        pthread_mutex_unlock(&c.lock)

    cdef _connect_inproc(self, str name):
        cdef zl_socket *s = self._s
        cdef zl_ctx *c = <zl_ctx *>s.ctx
        cdef bytes bname = name.encode()
        cdef bytes endpoint = b"inproc://" + bname   # made before the lock is taken
        cdef zl_inproc_bind *b
        cdef zl_pipe *p
        cdef int rc
        if len(bname) >= 256:
            raise _zmq_error(ENAMETOOLONG, None)
        pthread_mutex_lock(&c.lock)
        p = pipe_new(s, 1)
        if p == NULL:
            pthread_mutex_unlock(&c.lock)
            raise MemoryError()
        rc = connect_side_rid(s, p)
        if rc:
            pipe_remove(p)
            pthread_mutex_unlock(&c.lock)
            raise _zmq_error(rc, None)
        strcpy(p.inproc_name, bname)
        sock_probe_peer(s, p)       # (moves over once a binder is there)
        strcpy(s.last_endpoint, endpoint)
        b = c.inproc_binds
        while b != NULL:
            if strcmp(b.name, bname) == 0:
                inproc_link(p, b.sock)
                break
            b = b.next
        sock_signal(s)
        pthread_mutex_unlock(&c.lock)

    def unbind(self, addr):
        addr = endpoint_str(addr)
        cdef zl_socket *s = self._sock()
        cdef zl_ctx *c = <zl_ctx *>s.ctx
        cdef zl_listener **pl
        cdef zl_listener *l
        cdef char path[108]
        cdef zl_inproc_bind **pb
        cdef zl_inproc_bind *b
        scheme, rest = split_endpoint(addr)
        key = addr.replace("://*:", "://0.0.0.0:").encode()
        cdef bytes brest = rest.encode()    # no Python object is made under the lock
        pthread_mutex_lock(&c.lock)
        if scheme == "inproc":
            pb = &c.inproc_binds
            while pb[0] != NULL:
                b = pb[0]
                if b.sock == s and strcmp(b.name, brest) == 0:
                    pb[0] = b.next
                    free(b)
                    pthread_mutex_unlock(&c.lock)
                    return
                pb = &b.next
        else:
            pl = &s.listeners
            while pl[0] != NULL:
                l = pl[0]
                if strcmp(l.endpoint, key) == 0:
                    pl[0] = l.next
                    strcpy(path, l.ipc_path)    # no Python object is made under the lock
                    ctx_command(c, &l.unbind_cmd, ZL_CMD_UNBIND, l)
                    pthread_mutex_unlock(&c.lock)
                    _unlink_ipc_files([<bytes>path] if path[0] else [])
                    return
                pl = &l.next
        pthread_mutex_unlock(&c.lock)
        raise _zmq_error(ENOENT, None)

    def disconnect(self, addr):
        addr = endpoint_str(addr)
        cdef zl_socket *s = self._sock()
        cdef zl_ctx *c = <zl_ctx *>s.ctx
        cdef zl_endpoint **pe
        cdef zl_endpoint *ep
        cdef zl_pipe *p
        cdef int i
        scheme, rest = split_endpoint(addr)
        baddr = addr.encode()
        cdef bytes brest = rest.encode()    # no Python object is made under the lock
        pthread_mutex_lock(&c.lock)
        if scheme == "inproc":
            for i in range(s.npipes):
                p = s.pipes[i]
                if p.connect_side and p.ep == NULL and strcmp(p.inproc_name, brest) == 0:
                    pipe_remove(p)
                    pthread_mutex_unlock(&c.lock)
                    return
        else:
            pe = &s.endpoints
            while pe[0] != NULL:
                ep = pe[0]
                if strcmp(ep.endpoint, baddr) == 0:
                    pe[0] = ep.next
                    # the pipe goes now, so the next send cannot pick it; the
                    # I/O thread closes the connection and frees ep
                    if ep.pipe != NULL:
                        pipe_remove(ep.pipe)
                    sock_signal(s)
                    ctx_command(c, &ep.disconnect_cmd, ZL_CMD_DISCONNECT, ep)
                    pthread_mutex_unlock(&c.lock)
                    return
                pe = &ep.next
        pthread_mutex_unlock(&c.lock)
        raise _zmq_error(ENOENT, None)

    # ------------------------------------------------------------- closing

    def close(self, linger=None):
        """Closes the socket; undelivered messages keep going out in the
        background for LINGER ms (forever with -1, the default)."""
        if self.closed:
            return
        if self._owner is not None:
            self._owner.close(linger)     # as libzmq: a shadow's close closes the socket
            self._s = NULL
            return
        if self._fork_gen != _fork_generation:
            self._s = NULL
            return
        self._close(-2 if linger is None else int(linger))

    cdef _close(self, int linger):
        cdef zl_socket *s = self._s
        cdef zl_ctx *c = <zl_ctx *>s.ctx
        cdef zl_listener *l
        # the listeners change only under the GIL until the I/O thread gets
        # CLOSE, so their files are listed first, without the lock (making
        # Python objects under it could run a finalizer that takes it again)
        paths = []
        l = s.listeners
        while l != NULL:
            if l.ipc_path[0]:
                paths.append(<bytes>l.ipc_path)
            l = l.next
        _live_sockets.pop(<size_t>s, None)
        pthread_mutex_lock(&c.lock)
        sock_close(c, s, linger)
        pthread_mutex_unlock(&c.lock)
        self._s = NULL
        _unlink_ipc_files(paths)

    # ------------------------------------------------------- send and recv

    def send(self, data, int flags=0, copy=True, track=False, routing_id=None, group=None):
        """Sends one frame: bytes, any buffer, or a Frame (SNDMORE: more
        frames of the message follow). Returns None, or with copy=False or a
        tracked Frame a MessageTracker (see _send_general)."""
        if copy and routing_id is None and group is None and type(data) is bytes:
            return self._send(data, flags)
        return _send_general(self, data, flags, copy, track, routing_id, group)

    def recv(self, int flags=0, copy=True, track=False):
        """Receives one frame: bytes, or with copy=False a Frame whose
        .more tells whether more frames of the message follow."""
        if copy:
            return self._recv(flags, False)
        return self._recv(flags, True, track)

    cdef object _send(self, data, int flags):
        cdef zl_socket *s = self._sock()
        release_borrowed()
        self._send_frame(s, frame_for(data), flags)

    cdef object _recv(self, int flags, bint as_frame, track=False):
        cdef zl_socket *s = self._sock()
        cdef zl_frame *f
        release_borrowed()
        cdef zl_meta *meta = NULL
        cdef _FrameBase frame
        f = self._recv_frame(s, flags)
        if as_frame:
            pthread_mutex_lock(&(<zl_ctx *>s.ctx).lock)
            meta = meta_ref(s.rx_meta)
            pthread_mutex_unlock(&(<zl_ctx *>s.ctx).lock)
            try:
                frame = _frame_from(f, s.rcvmore, track)
            except BaseException:
                meta_unref(meta)
                raise
            frame._meta = meta
            return frame
        return bytes_from(f)

    def recv_into(self, buffer, *, Py_ssize_t nbytes=0, int flags=0):
        """Receives one frame into a writable contiguous buffer, up to nbytes
        (0: the buffer's size). Returns the frame's full size: when that is
        larger, the rest of the frame was discarded (as pyzmq's recv_into)."""
        cdef zl_socket *s = self._sock()
        cdef Py_buffer view
        cdef zl_frame *f
        cdef size_t size
        PyObject_GetBuffer(buffer, &view, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS)
        try:
            if nbytes < 0:
                raise ValueError("nbytes must be >= 0, got %d" % nbytes)
            if nbytes > view.len:
                raise ValueError("nbytes=%d exceeds the buffer's length, %d" % (nbytes, view.len))
            if nbytes == 0:
                nbytes = view.len
            release_borrowed()
            f = self._recv_frame(s, flags)
            size = f.size
            memcpy(view.buf, f.data, size if size < <size_t>nbytes else <size_t>nbytes)
            frame_free_gil(f)
            return size
        finally:
            PyBuffer_Release(&view)

    # ------------------------------------------------------- multipart
    # send_multipart/recv_multipart live here, not in zmqlite.Socket: a
    # Python-level wrapper cost as much as the rest of a 3-frame message
    # (callgrind, inproc 3 x 16 B: 9,758 instructions a message with the
    # wrappers in zmqlite/socket.py, 5,299 here). _plain_io (set at
    # creation) says send and recv are this class's own, so the whole message
    # can go in one call; a subclass that overrides them (green, asyncio)
    # gets them called per frame.

    def send_multipart(self, msg_parts, int flags=0, copy=True, track=False, **kwargs):
        """Sends a sequence of buffers as one multipart message (SNDMORE on
        all but the last). Every part is checked before the first is sent, so
        a bad part does not leave half a message queued. A message has at
        least one part: [] is IndexError, as with pyzmq."""
        cdef Py_ssize_t n = len(msg_parts)
        if n == 0:
            raise IndexError("send_multipart needs at least one message part")
        if self._plain_io and copy and not track and not isinstance(msg_parts[n - 1], _FrameBase):
            # (a Frame last may carry a tracker to return: the general path)
            return self._send_parts_now(msg_parts, flags)
        return _send_multipart_general(self, msg_parts, n, flags, copy, track)

    def recv_multipart(self, int flags=0, copy=True, track=False):
        """Receives every frame of the next message, as a list (of Frame with
        copy=False)."""
        if not self._plain_io:
            parts = [self.recv(flags, copy=copy, track=track)]
            while self.getsockopt(ZL_OPT_RCVMORE):
                parts.append(self.recv(flags, copy=copy, track=track))
            return parts
        if copy:
            return self._recv_parts_now(flags)
        # Frames (ZMQStream and Jupyter's sessions receive with copy=False)
        parts = [self._recv(flags, True, track)]
        while self._sock().rcvmore:
            parts.append(self._recv(flags, True, track))
        return parts

    def _send_parts(self, parts, int flags=0):
        """send_multipart's plain case, for the green and asyncio sockets."""
        return self._send_parts_now(parts, flags)

    def _recv_parts(self, int flags=0):
        """recv_multipart's plain case, for the green and asyncio sockets."""
        return self._recv_parts_now(flags)

    cdef object _send_parts_now(self, parts, int flags):
        """send_multipart's plain case in one call: every part is checked (and
        copied or lent) before the first is sent, so a bad part leaves no
        half message queued."""
        cdef zl_socket *s = self._sock()
        cdef Py_ssize_t i, n = len(parts)
        cdef zl_frame *on_stack[8]
        cdef zl_frame **fs = on_stack
        release_borrowed()
        if n == 0:
            return None
        if n > 8:
            fs = <zl_frame **>malloc(n * sizeof(zl_frame *))
            if fs == NULL:
                raise MemoryError()
        for i in range(n):
            fs[i] = NULL
        try:
            for i in range(n):
                try:
                    fs[i] = frame_for(parts[i])
                except TypeError:
                    raise _not_a_buffer(i, parts[i]) from None
            for i in range(n):
                f = fs[i]
                fs[i] = NULL
                self._send_frame(s, f, flags | ZL_SNDMORE if i < n - 1 else flags)
        finally:
            for i in range(n):
                if fs[i] != NULL:
                    frame_free_gil(fs[i])
            if fs != on_stack:
                free(fs)

    cdef object _recv_parts_now(self, int flags):
        """recv_multipart's plain case in one call: the whole message is
        already queued once its first frame is, so the rest comes without waiting."""
        cdef zl_socket *s = self._sock()
        cdef zl_ctx *c = <zl_ctx *>s.ctx
        cdef zl_frame *f
        cdef list parts
        release_borrowed()
        f = self._recv_frame(s, flags)
        parts = [bytes_from(f)]
        while s.rcvmore:
            # making bytes can run other Python code (a finalizer could close
            # this socket): s is only used while the socket is still open
            s = self._sock()
            pthread_mutex_lock(&c.lock)
            rc = sock_recv_frame(s, &f)
            pthread_mutex_unlock(&c.lock)
            if rc:
                raise _zmq_error(rc, None)
            parts.append(bytes_from(f))
        return parts

    cdef int _send_frame(self, zl_socket *s, zl_frame *f, int flags) except -1:
        """Sends one frame, waiting (GIL released) while the socket has no
        room, up to SNDTIMEO. Takes ownership of f, also on error."""
        cdef zl_ctx *c = <zl_ctx *>s.ctx
        cdef int rc, w
        cdef bint held
        cdef long long deadline = -2
        if flags & ZL_SNDMORE:
            f.flags = ZL_FLAG_MORE
        pthread_mutex_lock(&c.lock)
        rc = sock_send_frame(s, f)
        if rc == EAGAIN and not (flags & ZL_DONTWAIT):
            sock_hold(s)    # about to wait without the GIL: close() may come meanwhile
        pthread_mutex_unlock(&c.lock)
        if rc == 0:
            return 0
        if rc != EAGAIN or (flags & ZL_DONTWAIT):
            frame_free_gil(f)
            raise _zmq_error(rc, None)
        held = True
        try:
            deadline = -1 if s.sndtimeo < 0 else zl_now_ms() + s.sndtimeo
            while True:
                with nogil:
                    w = sock_wait(c, s, ZL_POLLOUT, deadline)
                if w == EINTR:
                    _check_signals()
                elif w == EAGAIN:
                    raise _zmq_error(EAGAIN, None)
                pthread_mutex_lock(&c.lock)
                rc = sock_send_frame(s, f)
                if rc == 0:
                    s.holders -= 1      # sent, so not closed: let go in the same turn
                    held = False
                pthread_mutex_unlock(&c.lock)
                if rc == 0:
                    f = NULL
                    return 0
                if rc != EAGAIN:
                    raise _zmq_error(rc, None)
        finally:
            if f != NULL:
                frame_free_gil(f)
            if held:
                sock_unhold(s)

    cdef zl_frame *_recv_frame(self, zl_socket *s, int flags) except NULL:
        """Receives one frame, waiting (GIL released) up to RCVTIMEO."""
        cdef zl_ctx *c = <zl_ctx *>s.ctx
        cdef zl_frame *f = NULL
        cdef int rc, w
        cdef bint held
        cdef long long deadline
        pthread_mutex_lock(&c.lock)
        rc = sock_recv_frame(s, &f)
        if rc == EAGAIN and not (flags & ZL_DONTWAIT):
            sock_hold(s)    # about to wait without the GIL: close() may come meanwhile
        pthread_mutex_unlock(&c.lock)
        if rc == 0:
            return f
        if rc != EAGAIN or (flags & ZL_DONTWAIT):
            raise _zmq_error(rc, None)
        held = True
        try:
            deadline = -1 if s.rcvtimeo < 0 else zl_now_ms() + s.rcvtimeo
            while True:
                with nogil:
                    w = sock_wait_in(c, s, deadline)
                if w == EINTR:
                    _check_signals()
                elif w == EAGAIN:
                    raise _zmq_error(EAGAIN, None)
                pthread_mutex_lock(&c.lock)
                rc = sock_recv_frame(s, &f)
                if rc == 0:
                    # a frame came, so the struct was not torn down (that empties
                    # rx and makes recv fail): let go of it in the same turn
                    s.holders -= 1
                    held = False
                pthread_mutex_unlock(&c.lock)
                if rc == 0:
                    return f
                if rc != EAGAIN:
                    raise _zmq_error(rc, None)
        finally:
            if held:
                sock_unhold(s)

    def _events(self):
        """POLLIN/POLLOUT as they stand now; re-arms the FD signal."""
        cdef zl_socket *s = self._sock()
        cdef zl_ctx *c = <zl_ctx *>s.ctx
        cdef int ev
        pthread_mutex_lock(&c.lock)
        sock_rearm(s)
        ev = sock_events(s)
        terminating = c.terminating
        pthread_mutex_unlock(&c.lock)
        if terminating:
            raise _zmq_error(ZL_ETERM, None)
        return ev

    # ------------------------------------------------------------- options

    def setsockopt(self, int option, value):
        cdef zl_socket *s = self._sock()
        cdef zl_ctx *c = <zl_ctx *>s.ctx
        cdef zl_int_option *o
        cdef zl_fixed_option *fixed
        cdef bytes b
        if option == ZL_OPT_SUBSCRIBE or option == ZL_OPT_UNSUBSCRIBE:
            b = _bytes_option(option, value)
            if SOCKET_TYPES[s.type].flags & T_PUBLISHER:
                set_manual_subscription(s, option, b)
                return
            if not (SOCKET_TYPES[s.type].flags & T_SUBSCRIBE_OPTION):
                raise _zmq_error(EINVAL, "Invalid argument: %s on a socket that does not subscribe"
                                 % option_name(option))
            pthread_mutex_lock(&c.lock)
            sub_subscribe(s, option == ZL_OPT_SUBSCRIBE, b, len(b))
            sock_signal(s)
            pthread_mutex_unlock(&c.lock)
            return
        if option == ZL_OPT_ROUTING_ID:
            b = _bytes_option(option, value)
            # as libzmq 4.3.5 (options.cpp): 1 to 255 bytes; a leading zero byte is
            # allowed there (it only marks ids a ROUTER makes up itself)
            if len(b) == 0 or len(b) > 255:
                raise _zmq_error(EINVAL, "Invalid argument: ROUTING_ID takes 1 to 255 bytes")
            pthread_mutex_lock(&c.lock)     # the I/O thread reads it for READY
            memcpy(s.routing_id, <char *>b, len(b))
            s.routing_id_len = len(b)
            pthread_mutex_unlock(&c.lock)
            return
        if option == ZL_OPT_CONNECT_ROUTING_ID:
            b = _bytes_option(option, value)
            if len(b) == 0 or len(b) > 255:
                raise _zmq_error(EINVAL, "Invalid argument: CONNECT_ROUTING_ID takes 1 to 255 bytes")
            pthread_mutex_lock(&c.lock)
            memcpy(s.connect_rid, <char *>b, len(b))
            s.connect_rid_len = len(b)
            pthread_mutex_unlock(&c.lock)
            return
        if option in SECURITY_OPTIONS:
            set_security_option(s, option, value)
            return
        if option == ZL_OPT_XPUB_MANUAL or option == ZL_OPT_XPUB_NODROP:
            set_publisher_flag(s, option, value)
            return
        if option == ZL_OPT_XPUB_WELCOME_MSG:
            set_welcome_option(s, _bytes_option(option, value))
            return
        if option == ZL_OPT_BINDTODEVICE:
            b = _bytes_option(option, value)
            # as libzmq: 1 to 16 bytes (an interface name, IFNAMSIZ)
            if len(b) == 0 or len(b) > 16 or b"\0" in b:
                raise _zmq_error(EINVAL, "Invalid argument: BINDTODEVICE takes an interface name of 1 to 16 bytes")
            pthread_mutex_lock(&c.lock)
            memcpy(s.bind_device, <char *>b, len(b))
            s.bind_device[len(b)] = 0
            pthread_mutex_unlock(&c.lock)
            return
        if option in UNIMPLEMENTED_BYTES:
            set_unimplemented_bytes(option, value)
            return
        if option == ZL_OPT_IPV4ONLY:
            # libzmq's older spelling of IPV6, inverted
            if isinstance(value, bool) or isinstance(value, int):
                value = 0 if value else 1
            set_int_option(s, int_option(ZL_OPT_IPV6), value, self._stored)
            return
        o = int_option(option)
        if o != NULL:
            set_int_option(s, o, value, self._stored)
            return
        fixed = fixed_option(option)
        if fixed != NULL:
            set_fixed_option(fixed, value)
            return
        if isinstance(value, str):
            raise TypeError("unicode not allowed, use setsockopt_string")
        if not isinstance(value, int):
            # as pyzmq: an option it does not know goes to libzmq as an int only
            raise TypeError("expected int, got: %r" % (value,))
        raise _zmq_error(EINVAL, "Invalid argument: %s cannot be set on a zmqlite socket"
                         % option_name(option))

    def getsockopt(self, int option):
        cdef zl_socket *s = self._sock()
        cdef zl_int_option *o
        cdef zl_fixed_option *fixed
        if option == ZL_OPT_ROUTING_ID:
            return (<char *>s.routing_id)[:s.routing_id_len]
        if option == ZL_OPT_CONNECT_ROUTING_ID:
            return (<char *>s.connect_rid)[:s.connect_rid_len]
        if option == ZL_OPT_LAST_ENDPOINT:
            return (<char *>s.last_endpoint)[:strlen(s.last_endpoint)]
        if option == ZL_OPT_BINDTODEVICE:
            return (<char *>s.bind_device)[:strlen(s.bind_device)]
        if option in UNIMPLEMENTED_BYTES:
            return get_unimplemented_bytes(option)
        if option == ZL_OPT_TYPE:
            return s.type
        if option == ZL_OPT_RCVMORE:
            return s.rcvmore
        if option == ZL_OPT_FD:
            return s.sig_rfd
        if option == ZL_OPT_EVENTS:
            return self._events()
        if option in SECURITY_OPTIONS:
            return get_security_option(s, option)
        if option == ZL_OPT_IPV4ONLY:
            return 0 if get_int_option(s, int_option(ZL_OPT_IPV6), self._stored) else 1
        o = int_option(option)
        if o != NULL:
            return get_int_option(s, o, self._stored)
        fixed = fixed_option(option)
        if fixed != NULL and fixed.readable:
            return fixed.default
        raise _zmq_error(EINVAL, None)


cdef bytes _bytes_option(int option, value):
    """The value of a bytes option: bytes only, as pyzmq (an int would make
    bytes(n) zero bytes, a list its items)."""
    if isinstance(value, str):
        raise TypeError("unicode not allowed, use setsockopt_string")
    if not isinstance(value, bytes):
        raise TypeError("%s takes bytes, got: %r" % (option_name(option), value))
    return bytes(value)

# errors of bind(2)/listen(2) that libzmq reports to a monitor (BIND_FAILED)
cdef tuple _BIND_SYSCALL_ERRORS = (EADDRINUSE, EADDRNOTAVAIL, EACCES)

cdef _unlink_ipc_files(list paths):
    """Removes the socket files of ipc listeners, by the user's thread in
    close()/unbind() (done later by the I/O thread, it could remove the file
    of a socket bound to the same path meanwhile), without the lock."""
    for path in paths:
        try:
            _os.unlink(path)
        except OSError:
            pass

cdef enum:
    COPY_THRESHOLD = 65536      # pyzmq's default Socket.copy_threshold (zmq.COPY_THRESHOLD)

cdef object _not_a_buffer(Py_ssize_t i, part):
    """pyzmq's error for a multipart part that is not a buffer."""
    text = repr(part)
    return TypeError("Frame %d (%s) does not support the buffer interface."
                     % (i, text if len(text) <= 32 else text[:32] + "..."))

cdef object _send_multipart_general(Socket sock, msg_parts, Py_ssize_t n, int flags,
                                    copy, track):
    """send_multipart beyond the plain case: a frame at a time through
    sock.send (a subclass's own, a Frame's tracker, copy=False), every part
    checked first."""
    for i in range(n):
        part = msg_parts[i]
        if isinstance(part, (bytes, memoryview, _FrameBase)):
            continue
        try:
            memoryview(part)
        except TypeError:
            raise _not_a_buffer(i, part) from None
    for i in range(n - 1):
        sock.send(msg_parts[i], flags | ZL_SNDMORE, copy=copy, track=track)
    return sock.send(msg_parts[n - 1], flags, copy=copy, track=track)

cdef object _send_general(Socket sock, data, int flags, copy, track, routing_id, group):
    """send() beyond plain bytes: Frames, trackers, the DRAFT-only arguments.
    As pyzmq: a Frame's own tracker is returned; with copy=False, a send that
    copies returns the finished tracker, one that lends a bytes object returns
    a tracker pending until every frame lending it is released (track=True) or
    None. zmqlite also lends bytes of BORROW_MIN and more with copy=True."""
    cdef Py_ssize_t lend_min
    cdef zl_socket *s
    m = _frames()
    if routing_id is not None:
        raise m._draft_only("CLIENT-SERVER")
    if group is not None:
        raise m._draft_only("RADIO-DISH")
    if isinstance(data, m.Frame):
        tracker = data.tracker
        if track and tracker is None:
            raise ValueError("Not a tracked message")
        sock._send(data, flags)
        return tracker
    if copy or type(data) is not bytes:
        sock._send(data, flags)     # bytes of BORROW_MIN or more are lent: immutable
        return None if copy else m._FINISHED_TRACKER
    lend_min = min(sock.copy_threshold, BORROW_MIN)
    if PyBytes_GET_SIZE(data) < lend_min:
        sock._send(data, flags)
        return m._FINISHED_TRACKER
    lease = tracker = None
    if track:
        event = _threading.Event()
        lease = _Lease(data, event)
        tracker = m.MessageTracker(event)
    s = sock._sock()
    release_borrowed()
    sock._send_frame(s, frame_for(data, lend_min, lease), flags)
    return tracker
