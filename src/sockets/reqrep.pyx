# REQ, REP, DEALER and ROUTER (RFC 28). Every function runs with the context
# lock held.
#
# REQ puts an empty delimiter frame before the request and strips it from the
# reply; it accepts the reply only from the pipe the request went to. REP
# keeps everything up to and including the delimiter (the envelope) and puts
# it back on the reply. DEALER is lb + fq; ROUTER fair-queues with the peer's
# routing id as first frame and sends by that id (sockets/routing.pyx).

# --- REQ

cdef int req_first_send(zl_socket *s, zl_frame *f) noexcept nogil:
    cdef zl_frame *delim
    if s.req_waiting:
        return ZL_EFSM
    if s.lb.active == 0:
        return EAGAIN
    # the envelope's empty delimiter, made now so that running out of memory
    # is an error while the frame is still the caller's
    delim = frame_new(0)
    if delim == NULL:
        return ENOMEM
    delim.flags = ZL_FLAG_MORE
    queue_push(&s.tx, delim)
    return 0

cdef int req_send(zl_socket *s) noexcept nogil:
    cdef zl_pipe *p = pipeset_current(&s.lb)
    lb_send(s)
    if p != NULL:
        s.req_waiting = 1
        s.reply_pipe = p
    return 0

cdef int req_has_out(zl_socket *s) noexcept nogil:
    return not s.req_waiting and s.lb.active > 0

cdef int req_first_recv(zl_socket *s) noexcept nogil:
    return 0 if s.req_waiting else ZL_EFSM

cdef int req_has_in(zl_socket *s) noexcept nogil:
    return s.req_waiting and s.reply_pipe != NULL and s.reply_pipe.inq.msgs > 0

cdef int req_recv(zl_socket *s) noexcept nogil:
    """Only the reply from the pipe the request went to counts; anything
    else is a stale or stray message and is dropped (RFC 28)."""
    cdef zl_pipe *p
    cdef zl_frame *f
    cdef int i
    for i in range(s.fq.active - 1, -1, -1):     # downwards: draining one swaps it behind
        p = s.fq.items[i]
        if p != s.reply_pipe:
            while p.inq.msgs > 0:
                queue_drop_msg(&p.inq)
            pipe_after_read(p)
    p = s.reply_pipe
    while p != NULL and p.inq.msgs > 0:
        f = p.inq.head
        if f.size != 0 or not (f.flags & ZL_FLAG_MORE):
            queue_drop_msg(&p.inq)      # no empty delimiter: malformed reply
            continue
        frame_free(queue_pop(&p.inq))
        sock_rx_from(s, p)
        queue_move_msg(&s.rx, &p.inq)
        s.req_waiting = 0
        s.reply_pipe = NULL
        pipe_after_read(p)
        return 0
    if p != NULL:
        pipe_after_read(p)
    return EAGAIN

# --- REP

cdef int rep_first_send(zl_socket *s, zl_frame *f) noexcept nogil:
    return 0 if s.req_waiting else ZL_EFSM

cdef int rep_send(zl_socket *s) noexcept nogil:
    """The reply goes back along the request's envelope; a vanished
    requester means the reply is dropped (RFC 28)."""
    cdef zl_pipe *p = s.reply_pipe
    cdef zl_queue msg
    s.req_waiting = 0
    s.reply_pipe = NULL
    if p == NULL or p.dead:
        queue_clear(&s.envelope)
        queue_clear(&s.tx)
        return 0
    queue_init(&msg)
    queue_splice(&msg, &s.envelope)
    queue_splice(&msg, &s.tx)
    pipe_push_msg(p, &msg)
    return 0

cdef int rep_has_out(zl_socket *s) noexcept nogil:
    return s.req_waiting

cdef int rep_first_recv(zl_socket *s) noexcept nogil:
    return ZL_EFSM if s.req_waiting else 0

cdef int rep_has_in(zl_socket *s) noexcept nogil:
    return not s.req_waiting and s.fq.active > 0

cdef int rep_recv(zl_socket *s) noexcept nogil:
    cdef zl_pipe *p
    cdef zl_frame *f
    while True:
        p = pipeset_current(&s.fq)
        if p == NULL:
            return EAGAIN
        # split off the envelope: frames up to and including the empty delimiter
        queue_clear(&s.envelope)
        while p.inq.head != NULL:
            f = queue_pop(&p.inq)
            queue_push(&s.envelope, f)
            if f.size == 0 or not (f.flags & ZL_FLAG_MORE):
                break
        f = s.envelope.tail
        if f.size != 0 or not (f.flags & ZL_FLAG_MORE):
            queue_clear(&s.envelope)    # no delimiter: not a request, drop it
            fq_took(s, p)
            continue
        s.envelope.msgs = 0   # the envelope is a message prefix, not a message
        sock_rx_from(s, p)
        queue_move_msg(&s.rx, &p.inq)
        s.req_waiting = 1
        s.reply_pipe = p
        fq_took(s, p)
        return 0

# --- ROUTER

cdef int router_first_send(zl_socket *s, zl_frame *f) noexcept nogil:
    """The first frame names the peer: find its pipe now (router_out)."""
    s.router_out = router_find(s, f.data, f.size)
    if s.router_out == NULL and s.router_mandatory:
        return EHOSTUNREACH
    if s.router_out != NULL and not pipe_can_send(s.router_out):
        if s.router_mandatory:
            return EAGAIN
        s.router_out = NULL      # a peer at its HWM loses the message
    return 0

cdef int router_send(zl_socket *s) noexcept nogil:
    cdef zl_pipe *p = s.router_out
    cdef zl_queue msg
    frame_free(queue_pop(&s.tx))        # the routing id
    s.router_out = NULL
    if p == NULL or s.tx.head == NULL:
        queue_clear(&s.tx)
        return 0
    queue_init(&msg)
    queue_splice(&msg, &s.tx)
    pipe_push_msg(p, &msg)
    return 0

cdef int router_recv(zl_socket *s) noexcept nogil:
    cdef zl_pipe *p = pipeset_current(&s.fq)
    cdef zl_frame *f
    if p == NULL:
        return EAGAIN
    f = frame_new(p.rid_len)
    if f == NULL:
        return ENOMEM       # the message stays queued for the next try
    if p.rid_len:
        memcpy(f.data, p.rid, p.rid_len)
    f.flags = ZL_FLAG_MORE
    queue_push(&s.rx, f)
    sock_rx_from(s, p)
    queue_move_msg(&s.rx, &p.inq)
    fq_took(s, p)
    return 0
