# The socket core: send()/recv()/events of any socket type, through its entry
# in SOCKET_TYPES (sockets/table.pyx). Every function runs with the context
# lock held.
#
# A type is static facts (flags, compatible peers, wire name) and hooks:
#   first_send  may a message starting with this frame be sent now? (EAGAIN,
#               EFSM...; the frame is still the caller's when it says no;
#               NULL: always)
#   xsend       route the whole message in s.tx; s.tx is empty afterwards
#   first_recv  may a message be received now? (NULL: yes)
#   xrecv       move the next whole message into s.rx, or EAGAIN
#   has_in      the POLLIN condition (a message recv() would return)
#   has_out     the POLLOUT condition (a message send() would accept)
#   pipe_gone   p is about to be freed (NULL: nothing to do)
#   greet       what to say first to a new peer, appended to a queue (NULL:
#               nothing; a subscriber's subscriptions)
# Families live in sockets/pair.pyx, pipeline.pyx, reqrep.pyx, pubsub.pyx.

cdef int sock_events(zl_socket *s) noexcept nogil:
    cdef zl_socket_type *t = &SOCKET_TYPES[s.type]
    cdef int ev = 0
    if (t.flags & T_RECV) and (s.rx.head != NULL or t.has_in(s)):
        ev |= ZL_POLLIN
    if (t.flags & T_SEND) and (s.tx.head != NULL or t.has_out(s)):
        ev |= ZL_POLLOUT
    return ev

cdef int sock_send_frame(zl_socket *s, zl_frame *f) noexcept nogil:
    """Accepts one frame from send(). Returns 0 (frame owned by the socket),
    or a positive errno (frame still the caller's)."""
    cdef zl_socket_type *t = &SOCKET_TYPES[s.type]
    cdef int rc
    if (<zl_ctx *>s.ctx).terminating:
        return ZL_ETERM
    if s.closing:
        return ENOTSOCK     # closed by another thread while this one waited
    if not (t.flags & T_SEND):
        return ENOTSUP
    if s.tx.head == NULL and t.first_send != NULL:
        rc = t.first_send(s, f)
        if rc:
            return rc
    queue_push(&s.tx, f)
    if not (f.flags & ZL_FLAG_MORE):
        t.xsend(s)
    return 0

cdef int sock_recv_frame(zl_socket *s, zl_frame **out) noexcept nogil:
    """Gives the next frame for recv() in *out. Returns 0 or a positive errno."""
    cdef zl_socket_type *t = &SOCKET_TYPES[s.type]
    cdef int rc
    if s.rx.head == NULL:
        if (<zl_ctx *>s.ctx).terminating:
            return ZL_ETERM
        if s.closing:
            return ENOTSOCK     # closed by another thread while this one waited
        if not (t.flags & T_RECV):
            return ENOTSUP
        if t.first_recv != NULL:
            rc = t.first_recv(s)
            if rc:
                return rc
        rc = t.xrecv(s)
        if rc:
            return rc
    out[0] = queue_pop(&s.rx)
    s.rcvmore = 1 if (out[0].flags & ZL_FLAG_MORE) else 0
    return 0

cdef zl_socket *sock_new(zl_ctx *c, int t) noexcept nogil:
    """A socket of type t with libzmq's default options, not yet on c's list;
    NULL with errno set when out of memory or descriptors."""
    cdef zl_socket *s = <zl_socket *>calloc(1, sizeof(zl_socket))
    cdef unsigned long long seed
    if s == NULL:
        errno = ENOMEM
        return NULL
    if zl_signaler_open(&s.sig_rfd, &s.sig_wfd) < 0:
        free(s)
        return NULL
    s.ctx = c
    s.type = t
    s.sndhwm = s.rcvhwm = ZL_DEFAULT_HWM
    s.linger = -1
    s.rcvtimeo = s.sndtimeo = -1
    s.sndbuf = s.rcvbuf = -1
    s.tcp_keepalive = s.tcp_keepalive_cnt = s.tcp_keepalive_idle = s.tcp_keepalive_intvl = -1
    s.reconnect_ivl = ZL_DEFAULT_RECONNECT_IVL
    s.backlog = ZL_DEFAULT_BACKLOG
    s.handshake_ivl = ZL_DEFAULT_HANDSHAKE_IVL
    s.maxmsgsize = -1
    s.heartbeat_timeout = -1
    s.stream_notify = 1
    seed = <unsigned long long>zl_now_ms() * 2654435761ULL
    s.next_rid = <unsigned int>(seed & 0xffffffffULL)   # as libzmq, ids start at a random point
    s.req_id = <unsigned int>((seed * 6364136223846793005ULL) >> 32)    # so do REQ_CORRELATE's
    queue_init(&s.tx)
    queue_init(&s.rx)
    queue_init(&s.envelope)
    return s

# ------------------------------------------------- peers coming and going

cdef int sock_takes_another_peer(zl_socket *s) noexcept nogil:
    """Whether s accepts one more peer on its bind side (tcp, ipc or inproc):
    PAIR talks to one peer only (RFC 31), a second one is refused."""
    cdef int i
    if SOCKET_TYPES[s.type].flags & T_ONE_PEER:
        for i in range(s.npipes):
            if not s.pipes[i].dead:
                return 0
    return 1

cdef int sock_greet_peer(zl_socket *s, zl_queue *out) noexcept nogil:
    """What s says first to a new (or returning) peer, appended to out: a
    subscriber's subscriptions. 0, or -1 when out of memory."""
    if SOCKET_TYPES[s.type].greet != NULL:
        return SOCKET_TYPES[s.type].greet(s, out)
    return 0

cdef void sock_probe_peer(zl_socket *s, zl_pipe *p) noexcept nogil:
    """PROBE_ROUTER: the first message on a new pipe is an empty one, so
    that a ROUTER peer sees [our routing id, b""] as soon as we meet. Called
    where the pipe is made, as libzmq writes it when it attaches a pipe: a
    connect-side one at connect() (sent once, not again on reconnecting), an
    accepted one at the end of its handshake, an inproc one when the two
    sockets meet; the caller gets it moving. Out of memory, no probe goes
    (libzmq does not count a failed probe as an error either)."""
    cdef zl_frame *f
    if not s.probe_router:
        return
    f = frame_new(0)
    if f == NULL:
        return
    queue_push(&p.out, f)
    pipe_update(p)

# ------------------------------------------- helpers the families share

cdef int first_send_when_room(zl_socket *s, zl_frame *f) noexcept nogil:
    return 0 if SOCKET_TYPES[s.type].has_out(s) else EAGAIN

cdef int always(zl_socket *s) noexcept nogil:
    return 1

cdef int lb_has_room(zl_socket *s) noexcept nogil:
    return s.lb.active > 0

cdef int fq_has_message(zl_socket *s) noexcept nogil:
    return s.fq.active > 0

cdef void fq_took(zl_socket *s, zl_pipe *p) noexcept nogil:
    """After a whole message was taken from p, the fair queue's current pipe:
    the next pipe's turn. An emptied p leaves the active ones and the last
    active pipe takes its place, and its turn (as libzmq's fq)."""
    if p.inq.msgs > 0:
        pipeset_advance(&s.fq)
    pipe_after_read(p)

cdef int fq_recv(zl_socket *s) noexcept nogil:
    """Fair-queued receive of the next whole message into s.rx."""
    cdef zl_pipe *p = pipeset_current(&s.fq)
    if p == NULL:
        return EAGAIN
    sock_rx_from(s, p)
    queue_move_msg(&s.rx, &p.inq)
    fq_took(s, p)
    return 0

cdef int lb_send(zl_socket *s) noexcept nogil:
    """Round-robin send of the whole message in s.tx to a pipe with room."""
    cdef zl_pipe *p = pipeset_current(&s.lb)
    cdef zl_queue msg
    if p == NULL:
        queue_clear(&s.tx)      # the room seen at the first frame has gone since
        return 0
    pipeset_advance(&s.lb)
    queue_init(&msg)
    queue_splice(&msg, &s.tx)
    pipe_push_msg(p, &msg)
    return 0
