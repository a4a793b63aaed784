# REQ, REP, DEALER and ROUTER (RFC 28). Every function runs with the context
# lock held.
#
# REQ puts an empty delimiter frame before the request and strips it from the
# reply; it accepts the reply only from the pipe the request went to. REP
# keeps everything up to and including the delimiter (the envelope) and puts
# it back on the reply. DEALER is lb + fq; ROUTER fair-queues with the peer's
# routing id as first frame and sends by that id (sockets/routing.pyx).
#
# REQ's options, as libzmq's req.cpp: REQ_RELAXED lets a new request go while
# a reply is pending, which gives that reply up; REQ_CORRELATE puts a 4-byte
# request id frame before the delimiter (a REP or ROUTER peer sends it back as
# part of the envelope) and takes only a reply that carries the last id, so a
# late reply to a given-up request cannot pass for the new one's.

# --- REQ

cdef void req_drain(zl_socket *s) noexcept nogil:
    """Drops every message already received: a new request is going out, and
    nothing that came before it is its reply (libzmq does the same, against a
    reply from one peer being taken, an hour later, for a request to it)."""
    cdef zl_pipe *p
    cdef int i
    for i in range(s.fq.active - 1, -1, -1):     # downwards: draining one swaps it behind
        p = s.fq.items[i]
        while p.inq.msgs > 0:
            queue_drop_msg(&p.inq)
        pipe_after_read(p)

cdef int req_first_send(zl_socket *s, zl_frame *f) noexcept nogil:
    cdef zl_frame *rid = NULL
    cdef zl_frame *delim
    if s.req_waiting or s.rx.head != NULL:      # a reply pending, or its frames not all read
        if not s.req_relaxed:
            return ZL_EFSM
        # REQ_RELAXED: the pending reply is given up, even if this send then
        # fails (as libzmq, which then refuses recv() with EFSM)
        s.req_waiting = 0
        s.reply_pipe = NULL
        queue_clear(&s.rx)
        s.rcvmore = 0
    if s.lb.active == 0:
        return EAGAIN
    # the envelope's frames, made now so that running out of memory is an
    # error while the frame is still the caller's
    if s.req_correlate:
        rid = frame_new(4)
        if rid == NULL:
            return ENOMEM
    delim = frame_new(0)
    if delim == NULL:
        if rid != NULL:
            frame_free(rid)
        return ENOMEM
    if rid != NULL:
        s.req_id += 1
        memcpy(rid.data, &s.req_id, 4)
        rid.flags = ZL_FLAG_MORE
        queue_push(&s.tx, rid)
    delim.flags = ZL_FLAG_MORE
    queue_push(&s.tx, delim)
    req_drain(s)
    return 0

cdef int req_send(zl_socket *s) noexcept nogil:
    cdef zl_pipe *p = pipeset_current(&s.lb)
    lb_send(s)
    if p != NULL:
        s.req_waiting = 1
        s.reply_pipe = p
    return 0

cdef int req_has_out(zl_socket *s) noexcept nogil:
    if (s.req_waiting or s.rx.head != NULL) and not s.req_relaxed:
        return 0
    return s.lb.active > 0

cdef int req_first_recv(zl_socket *s) noexcept nogil:
    return 0 if s.req_waiting else ZL_EFSM

cdef int req_is_reply(zl_socket *s, zl_frame *f) noexcept nogil:
    """Whether the message starting with frame f answers the last request:
    [the request's id, with REQ_CORRELATE,] an empty delimiter, the body."""
    if s.req_correlate:
        if f.size != 4 or not (f.flags & ZL_FLAG_MORE) or memcmp(f.data, &s.req_id, 4) != 0:
            return 0
        f = f.next      # (whole messages only: a frame with MORE has a next one)
    return f.size == 0 and (f.flags & ZL_FLAG_MORE) != 0

cdef int req_has_in(zl_socket *s) noexcept nogil:
    """Something came from the pipe the reply is due on (from any pipe, once
    that one is gone). As libzmq's, this does not look inside: recv() may
    then find only what it skips (a reply to an earlier request) and say
    EAGAIN. Looking inside would be worse: a skipped message left at the head
    of the pipe would hide the arrival of the real reply, which wakes a
    waiter only when the pipe was empty (engine.pyx, inproc_transfer)."""
    if not s.req_waiting:
        return 0
    if s.reply_pipe == NULL:
        return s.fq.active > 0
    return s.reply_pipe.inq.msgs > 0

cdef int req_recv(zl_socket *s) noexcept nogil:
    """Only the reply from the pipe the request went to counts; anything
    else is a stale or stray message and is dropped (RFC 28). When that pipe
    went away, a reply from any peer is taken (as libzmq)."""
    cdef zl_pipe *p
    cdef int i
    if s.reply_pipe != NULL:
        for i in range(s.fq.active - 1, -1, -1):     # downwards: draining one swaps it behind
            p = s.fq.items[i]
            if p != s.reply_pipe:
                while p.inq.msgs > 0:
                    queue_drop_msg(&p.inq)
                pipe_after_read(p)
    while True:
        p = s.reply_pipe if s.reply_pipe != NULL else pipeset_current(&s.fq)
        if p == NULL:
            return EAGAIN
        if p.inq.msgs == 0:
            pipe_after_read(p)      # (a dead pipe drained above goes now)
            return EAGAIN
        if not req_is_reply(s, p.inq.head):
            queue_drop_msg(&p.inq)  # malformed, or an answer to an earlier request
            pipe_after_read(p)
            continue
        if s.req_correlate:
            frame_free(queue_pop(&p.inq))
        frame_free(queue_pop(&p.inq))
        sock_rx_from(s, p)
        queue_move_msg(&s.rx, &p.inq)
        s.req_waiting = 0
        s.reply_pipe = NULL
        fq_took(s, p)
        return 0

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
