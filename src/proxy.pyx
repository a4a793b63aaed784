# proxy / proxy_steerable / device: forward whole messages between two
# sockets (and copy them to a capture socket) with the GIL released, both
# while moving and while waiting. Each move takes one socket's context lock
# at a time, so the two sockets may belong to different contexts.
#
# A message is taken from a socket only when the other side can accept it
# (POLLOUT), so the proxy never blocks half way through a message and never
# drops one because the destination was full: back-pressure reaches the source.

cdef enum:
    PROXY_BATCH = 256        # messages moved per direction before looking around

cdef int sock_rearm_events(zl_socket *s, int *events) noexcept nogil:
    """Re-arms s's signal fd and reads its POLLIN/POLLOUT. ETERM when its
    context is terminating, else 0."""
    cdef zl_ctx *c = <zl_ctx *>s.ctx
    pthread_mutex_lock(&c.lock)
    sock_rearm(s)
    events[0] = sock_events(s)
    rc = ZL_ETERM if c.terminating else (ENOTSOCK if s.closing else 0)
    pthread_mutex_unlock(&c.lock)
    return rc

# monitored_queue (pyzmq's, older than zmq_proxy's capture): the capture copy
# starts with a prefix frame naming the direction, and ROUTER to ROUTER works
# by swapping the first two frames (the sender's id, put first by the in
# ROUTER, and the addressee's id, which the out ROUTER routes by).
ctypedef struct proxy_mq:
    zl_frame *prefix[2]      # capture prefix (MORE set): [0] for a->b, [1] for b->a
    int swap_ids             # both ROUTER: swap the first two frames of every message

cdef int proxy_move(zl_socket *src, zl_socket *dst, zl_socket *cap,
                    unsigned long long *received, unsigned long long *sent,
                    zl_frame *prefix, int swap_ids) noexcept nogil:
    """Moves one whole message src -> dst, a copy to cap when given (after a
    copy of prefix, when given; first two frames swapped with swap_ids).
    received: [parts, bytes] src received; sent: [parts, bytes] dst sent
    (libzmq counts message parts). Returns 0 when a message moved, EAGAIN
    when there was none, or an errno."""
    cdef zl_ctx *sc = <zl_ctx *>src.ctx
    cdef zl_ctx *dc = <zl_ctx *>dst.ctx
    cdef zl_queue msg
    cdef zl_frame *f
    cdef zl_frame *g
    cdef int rc = 0
    cdef unsigned long long nbytes = 0, nparts = 0, nparts_sent = 0
    queue_init(&msg)
    pthread_mutex_lock(&sc.lock)
    while True:
        rc = sock_recv_frame(src, &f)
        if rc:
            break
        nbytes += f.size
        nparts += 1
        queue_push(&msg, f)
        if not (f.flags & ZL_FLAG_MORE):
            break
    pthread_mutex_unlock(&sc.lock)
    if msg.head == NULL:
        return rc
    received[0] += nparts
    received[1] += nbytes
    if swap_ids and msg.head.next != NULL:
        f = msg.head
        g = f.next
        f.next = g.next
        g.next = f
        msg.head = g
        if msg.tail == g:
            msg.tail = f
    if cap != NULL:
        rc = proxy_capture(cap, &msg, prefix)
        if rc:
            queue_clear(&msg)
            return rc
    pthread_mutex_lock(&dc.lock)
    while msg.head != NULL:
        f = queue_pop(&msg)
        rc = sock_send_frame(dst, f)
        while rc == EAGAIN and nparts_sent == 0:
            # POLLOUT said yes, yet the message is refused: an XPUB_NODROP
            # subscriber it goes to is at SNDHWM. libzmq's proxy sends blocking:
            # wait for room (the frame is still ours) rather than lose it
            pthread_mutex_unlock(&dc.lock)
            sock_wait(dc, dst, ZL_POLLOUT, zl_now_ms() + 100)
            pthread_mutex_lock(&dc.lock)
            rc = sock_send_frame(dst, f)
        nparts_sent += 1
        if rc:
            frame_free(f)
            queue_clear(&msg)
            break
    pthread_mutex_unlock(&dc.lock)
    if rc == 0:
        sent[0] += nparts
        sent[1] += nbytes
    return rc

cdef int proxy_capture(zl_socket *cap, zl_queue *msg, zl_frame *prefix) noexcept nogil:
    """Sends a copy of msg (after a copy of prefix, when given) to the capture
    socket, waiting while it cannot take it (libzmq sends captures blocking: a
    PUSH capture holds the proxy until its peer is there). Returns 0, or ETERM
    / another errno."""
    cdef zl_ctx *c = <zl_ctx *>cap.ctx
    cdef zl_frame *f = msg.head
    cdef zl_frame *g
    cdef int rc
    if prefix != NULL:
        f = prefix
        prefix.next = msg.head      # walk the prefix, then the message
    while f != NULL:
        g = frame_copy(f)
        if g == NULL:
            return ENOMEM
        while True:
            pthread_mutex_lock(&c.lock)
            rc = sock_send_frame(cap, g)
            pthread_mutex_unlock(&c.lock)
            if rc != EAGAIN:
                break
            sock_wait(c, cap, ZL_POLLOUT, zl_now_ms() + 100)
        if rc:
            frame_free(g)
            return rc
        f = f.next
    return 0

cdef int proxy_pump(zl_socket *a, zl_socket *b, zl_socket *cap, zl_socket *control,
                    unsigned long long *stats, int paused, proxy_mq *mq) noexcept nogil:
    """Forwards until a control message waits (returns -1) or an error (errno).
    stats as libzmq's STATISTICS: a received parts/bytes, a sent, b received, b sent.
    mq: the monitored_queue prefixes and swap, or NULL for a plain proxy."""
    cdef int ea, eb, ec, rc, n, moved
    cdef zl_frame *ab_prefix = mq.prefix[0] if mq != NULL else NULL
    cdef zl_frame *ba_prefix = mq.prefix[1] if mq != NULL else NULL
    cdef int swap_ids = mq.swap_ids if mq != NULL else 0
    cdef pollfd fds[3]
    cdef int nfds
    while True:
        rc = sock_rearm_events(a, &ea)
        if rc == 0:
            rc = sock_rearm_events(b, &eb)
        if rc:
            return rc
        if control != NULL:
            rc = sock_rearm_events(control, &ec)
            if rc:
                return rc
            if ec & ZL_POLLIN:
                return -1
        moved = 0
        if not paused and a == b:
            # one socket both ways (a device with out_type < 0): what it receives it
            # sends back; a REP has POLLOUT only once it has received, so only POLLIN counts
            if ea & ZL_POLLIN:
                for n in range(PROXY_BATCH):
                    rc = proxy_move(a, a, cap, stats, stats + 6, ab_prefix, swap_ids)
                    if rc == EAGAIN:
                        break
                    if rc:
                        return rc
                    moved = 1
        elif not paused:
            if (ea & ZL_POLLIN) and (eb & ZL_POLLOUT):
                for n in range(PROXY_BATCH):
                    rc = proxy_move(a, b, cap, stats, stats + 6, ab_prefix, swap_ids)
                    if rc == EAGAIN:
                        break
                    if rc:
                        return rc
                    moved = 1
                    if not (sock_events_locked(b) & ZL_POLLOUT):
                        break
            if (eb & ZL_POLLIN) and (ea & ZL_POLLOUT):
                for n in range(PROXY_BATCH):
                    rc = proxy_move(b, a, cap, stats + 4, stats + 2, ba_prefix, swap_ids)
                    if rc == EAGAIN:
                        break
                    if rc:
                        return rc
                    moved = 1
                    if not (sock_events_locked(a) & ZL_POLLOUT):
                        break
        if moved:
            continue
        fds[0].fd = a.sig_rfd
        fds[1].fd = b.sig_rfd
        nfds = 2
        if control != NULL:
            fds[2].fd = control.sig_rfd
            nfds = 3
        for n in range(nfds):
            fds[n].events = POLLIN
            fds[n].revents = 0
        if poll(fds, nfds, -1) < 0 and errno == EINTR:
            return EINTR

cdef int sock_events_locked(zl_socket *s) noexcept nogil:
    cdef zl_ctx *c = <zl_ctx *>s.ctx
    cdef int ev
    pthread_mutex_lock(&c.lock)
    ev = sock_events(s)
    pthread_mutex_unlock(&c.lock)
    return ev

def proxy_steerable(Socket frontend, Socket backend, Socket capture=None, Socket control=None):
    """Forwards messages both ways between frontend and backend until the
    context terminates (ContextTerminated) or control receives TERMINATE.
    control also takes PAUSE, RESUME and STATISTICS (8 uint64 counters, host
    byte order). A REP control socket gets an empty reply to the other
    commands, so that a REQ can drive it. Returns 0 after TERMINATE."""
    return _run_proxy(frontend, backend, capture, control, NULL)

cdef object _run_proxy(Socket frontend, Socket backend, Socket capture, Socket control,
                       proxy_mq *mq):
    cdef zl_socket *a = frontend._sock()
    cdef zl_socket *b = backend._sock()
    cdef zl_socket *cap = capture._sock() if capture is not None else NULL
    cdef zl_socket *ctl = control._sock() if control is not None else NULL
    cdef unsigned long long stats[8]
    cdef int rc, paused = 0
    cdef zl_socket *used[4]
    cdef int i
    memset(stats, 0, sizeof(stats))
    while True:
        # between pumps Python code runs (signal handlers, the control
        # socket): a socket may have been closed, so look each one up again
        a = frontend._sock()
        b = backend._sock()
        cap = capture._sock() if capture is not None else NULL
        ctl = control._sock() if control is not None else NULL
        used[0], used[1], used[2], used[3] = a, b, cap, ctl
        # held while the pump runs without the GIL: a socket closed by another
        # thread meanwhile ends it with ENOTSOCK instead of being freed under it
        for i in range(4):
            if used[i] != NULL:
                pthread_mutex_lock(&(<zl_ctx *>used[i].ctx).lock)
                sock_hold(used[i])
                pthread_mutex_unlock(&(<zl_ctx *>used[i].ctx).lock)
        with nogil:
            rc = proxy_pump(a, b, cap, ctl, stats, paused, mq)
            for i in range(4):
                if used[i] != NULL:
                    sock_unhold(used[i])
        if rc == EINTR:
            _check_signals()
            continue
        if rc != -1:
            raise _zmq_error(rc, None)
        command = control.recv()
        if command == b"STATISTICS":
            control.send_multipart([stats[i].to_bytes(8, _sys.byteorder) for i in range(8)])
            continue
        if control.socket_type == ZL_REP:
            control.send(b"")
        if command == b"PAUSE":
            paused = 1
        elif command == b"RESUME":
            paused = 0
        elif command == b"TERMINATE":
            return 0

def proxy(Socket frontend, Socket backend, Socket capture=None):
    """zmq_proxy: forwards messages both ways until the context terminates."""
    proxy_steerable(frontend, backend, capture, None)

def device(int device_type, Socket frontend, Socket backend):
    """The old zmq_device: QUEUE, FORWARDER and STREAMER are all proxies."""
    if device_type not in (1, 2, 3):
        raise _zmq_error(EINVAL, None)
    proxy_steerable(frontend, backend, None, None)

def monitored_queue(Socket in_socket not None, Socket out_socket not None,
                    Socket mon_socket not None, in_prefix=b"in", out_prefix=b"out"):
    """pyzmq's monitored_queue: a proxy whose capture (mon_socket) gets every
    message prefixed by in_prefix (from in_socket) or out_prefix (from
    out_socket). With ROUTER on both sides the first two frames are swapped, so
    [sender id, addressee id, ...] arriving in goes out to the addressee as
    [sender id, ...]. Runs until the context terminates (ContextTerminated)."""
    cdef proxy_mq mq
    mq.swap_ids = in_socket.socket_type == ZL_ROUTER and out_socket.socket_type == ZL_ROUTER
    mq.prefix[0] = frame_for(in_prefix)
    try:
        mq.prefix[1] = frame_for(out_prefix)
    except BaseException:
        frame_free_gil(mq.prefix[0])
        raise
    mq.prefix[0].flags |= ZL_FLAG_MORE
    mq.prefix[1].flags |= ZL_FLAG_MORE
    try:
        return _run_proxy(in_socket, out_socket, mon_socket, None, &mq)
    finally:
        mq.prefix[0].next = mq.prefix[1].next = NULL   # they were linked to messages
        frame_free_gil(mq.prefix[0])
        frame_free_gil(mq.prefix[1])
