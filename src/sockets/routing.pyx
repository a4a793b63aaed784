# Socket types: how messages are routed between the user and the pipes.
# Every function runs with the context lock held.
#
#   lb  round-robin over pipes with room (PUSH, REQ; PAIR has one pipe)
#   fq  fair-queue over pipes with messages (PULL, PAIR, REP)
# plus the REQ/REP envelope state machines of RFC 28: REQ puts an empty
# delimiter frame before the request and strips it from the reply; REP keeps
# everything up to and including the delimiter and puts it back on the reply.

# Which peer types each type accepts (ZMTP.md; libzmq's check_socket_type).
cdef int socket_types_compatible(int ours, int theirs) noexcept nogil:
    if ours == ZL_PAIR:
        return theirs == ZL_PAIR
    if ours == ZL_PUSH:
        return theirs == ZL_PULL
    if ours == ZL_PULL:
        return theirs == ZL_PUSH
    if ours == ZL_REQ:
        return theirs == ZL_REP or theirs == ZL_ROUTER
    if ours == ZL_REP:
        return theirs == ZL_REQ or theirs == ZL_DEALER
    if ours == ZL_DEALER:
        return theirs == ZL_REP or theirs == ZL_DEALER or theirs == ZL_ROUTER
    if ours == ZL_ROUTER:
        return theirs == ZL_REQ or theirs == ZL_DEALER or theirs == ZL_ROUTER
    if ours == ZL_PUB or ours == ZL_XPUB:
        return theirs == ZL_SUB or theirs == ZL_XSUB
    if ours == ZL_SUB or ours == ZL_XSUB:
        return theirs == ZL_PUB or theirs == ZL_XPUB
    return 0

cdef const char *SOCKET_TYPE_NAMES[11]
SOCKET_TYPE_NAMES[:] = [b"PAIR", b"PUB", b"SUB", b"REQ", b"REP", b"DEALER",
                        b"ROUTER", b"PULL", b"PUSH", b"XPUB", b"XSUB"]

cdef int socket_type_from_name(const unsigned char *name, size_t n) noexcept nogil:
    cdef int t
    for t in range(ZL_NSOCKET_TYPES):
        if strlen(SOCKET_TYPE_NAMES[t]) == n and memcmp(SOCKET_TYPE_NAMES[t], name, n) == 0:
            return t
    return -1

cdef inline int type_can_send(int t) noexcept nogil:
    return t != ZL_PULL and t != ZL_SUB

cdef inline int type_can_recv(int t) noexcept nogil:
    return t != ZL_PUSH and t != ZL_PUB

cdef int pipe_set_rid(zl_pipe *p, const unsigned char *rid, size_t n) noexcept nogil:
    """Stores a copy of rid as p's routing id. 0, or -1 when out of memory
    (p keeps the id it had)."""
    cdef unsigned char *copy = <unsigned char *>malloc(n if n > 0 else 1)
    if copy == NULL:
        return -1
    if n:
        memcpy(copy, rid, n)
    free(p.rid)
    p.rid = copy
    p.rid_len = n
    return 0

cdef int router_assign_rid(zl_socket *s, zl_pipe *p, const unsigned char *rid, size_t n) noexcept nogil:
    """Gives a ROUTER's pipe its routing id: the one the peer announced (any
    length, as libzmq: the id is the peer's, not bounded by our option's 255
    bytes), or a generated 5-byte one (0x00 + a 32-bit counter; ids with a
    leading 0 are reserved for these). A taken id refuses the newcomer, or
    with ROUTER_HANDOVER moves the id to it. Returns 0, or -1 to refuse
    (also when out of memory)."""
    cdef int i
    cdef zl_pipe *o
    cdef unsigned char gen[5]
    if s.type != ZL_ROUTER:
        return 0
    if n == 0:
        gen[0] = 0
        zl_put_u32(gen + 1, s.next_rid)
        s.next_rid += 1
        return pipe_set_rid(p, gen, 5)
    for i in range(s.npipes):
        o = s.pipes[i]
        if o != p and not o.dead and o.rid_len == n and memcmp(o.rid, rid, n) == 0:
            if not s.router_handover or router_assign_rid(s, o, NULL, 0) < 0:
                return -1
    return pipe_set_rid(p, rid, n)

cdef zl_pipe *router_find(zl_socket *s, const unsigned char *rid, size_t n) noexcept nogil:
    cdef int i
    cdef zl_pipe *p
    for i in range(s.npipes):
        p = s.pipes[i]
        if p.active and not p.dead and p.rid_len == n and memcmp(p.rid, rid, n) == 0:
            return p
    return NULL

cdef zl_pipe *lb_pick(zl_socket *s) noexcept nogil:
    """The next pipe with room in round-robin order, or NULL."""
    cdef int i, k
    cdef zl_pipe *p
    for i in range(s.npipes):
        k = (s.lb_next + i) % s.npipes
        p = s.pipes[k]
        if pipe_can_send(p):
            s.lb_next = (k + 1) % s.npipes
            return p
    return NULL

cdef zl_pipe *fq_pick(zl_socket *s) noexcept nogil:
    """The next pipe holding a message in fair-queue order, or NULL."""
    cdef int i, k
    cdef zl_pipe *p
    for i in range(s.npipes):
        k = (s.fq_next + i) % s.npipes
        p = s.pipes[k]
        if p.inq.msgs > 0:
            s.fq_next = (k + 1) % s.npipes
            return p
    return NULL

cdef int sock_can_send(zl_socket *s) noexcept nogil:
    """Whether a new message may be started now (the POLLOUT condition)."""
    cdef int i
    if s.type == ZL_REP:
        return s.req_waiting
    if s.type == ZL_ROUTER or s.type == ZL_PUB or s.type == ZL_XPUB or s.type == ZL_XSUB:
        return 1      # routed or fanned out per message; nobody waits for a full peer
    if s.type == ZL_REQ and s.req_waiting:
        return 0
    if s.type == ZL_PAIR:
        return s.npipes > 0 and pipe_can_send(s.pipes[0])
    for i in range(s.npipes):
        if pipe_can_send(s.pipes[i]):
            return 1
    return 0

cdef int sock_can_recv(zl_socket *s) noexcept nogil:
    """Whether recv() would return a frame now (the POLLIN condition)."""
    cdef int i
    if s.rx.head != NULL:
        return 1
    if s.type == ZL_XPUB:
        pub_process_input(s)
        return s.xpub_rx.head != NULL
    if s.type == ZL_SUB:
        # only a message that passes the filter makes SUB readable
        return sub_filter_inq(s)
    if s.type == ZL_REQ:
        return s.req_waiting and s.reply_pipe != NULL and s.reply_pipe.inq.msgs > 0
    if s.type == ZL_REP and s.req_waiting:
        return 0
    for i in range(s.npipes):
        if s.pipes[i].inq.msgs > 0:
            return 1
    return 0

cdef int sock_events(zl_socket *s) noexcept nogil:
    cdef int ev = 0
    if type_can_recv(s.type) and sock_can_recv(s):
        ev |= ZL_POLLIN
    if type_can_send(s.type) and (s.tx.head != NULL or sock_can_send(s)):
        ev |= ZL_POLLOUT
    return ev

cdef int sock_xsend(zl_socket *s) noexcept nogil:
    """Routes the whole message in s.tx to a pipe (or drops it, where the
    pattern says so). Returns 0; s.tx is empty afterwards."""
    cdef zl_pipe *p
    cdef zl_queue msg
    queue_init(&msg)
    if s.type == ZL_PUB or s.type == ZL_XPUB:
        pub_distribute(s)
        return 0
    if s.type == ZL_XSUB:
        xsub_send(s)
        return 0
    if s.type == ZL_ROUTER:
        # the first frame named the peer (sock_send_frame chose router_out)
        frame_free(queue_pop(&s.tx))
        p = s.router_out
        s.router_out = NULL
        if p == NULL or s.tx.head == NULL:
            queue_clear(&s.tx)
            return 0
        queue_splice(&msg, &s.tx)
        pipe_push_msg(p, &msg)
        return 0
    if s.type == ZL_REP:
        # the reply goes back along the request's envelope; a vanished
        # requester means the reply is dropped (RFC 28)
        p = s.reply_pipe
        s.req_waiting = 0
        s.reply_pipe = NULL
        if p == NULL or p.dead:
            queue_clear(&s.envelope)
            queue_clear(&s.tx)
            return 0
        queue_splice(&msg, &s.envelope)
        queue_splice(&msg, &s.tx)
        pipe_push_msg(p, &msg)
        return 0
    if s.type == ZL_PAIR:
        p = s.pipes[0] if s.npipes > 0 else NULL
    else:
        p = lb_pick(s)
    if p == NULL:
        # the pipe chosen when the first frame was accepted has gone since
        queue_clear(&s.tx)
        return 0
    if s.type == ZL_REQ:
        # s.tx starts with the empty delimiter (sock_send_frame put it there)
        s.req_waiting = 1
        s.reply_pipe = p
    queue_splice(&msg, &s.tx)
    pipe_push_msg(p, &msg)
    return 0

cdef int sock_send_frame(zl_socket *s, zl_frame *f) noexcept nogil:
    """Accepts one frame from send(). Returns 0 (frame owned by the socket),
    or a positive errno (frame still the caller's)."""
    cdef zl_frame *delim
    if (<zl_ctx *>s.ctx).terminating:
        return ZL_ETERM
    if s.closing:
        return ENOTSOCK     # closed by another thread while this one waited
    if not type_can_send(s.type):
        return ENOTSUP
    if s.tx.head == NULL:
        if s.type == ZL_REQ and s.req_waiting:
            return ZL_EFSM
        if s.type == ZL_REP and not s.req_waiting:
            return ZL_EFSM
        if s.type == ZL_ROUTER:
            s.router_out = router_find(s, f.data, f.size)
            if s.router_out == NULL and s.router_mandatory:
                return EHOSTUNREACH
            if s.router_out != NULL and not pipe_can_send(s.router_out):
                if s.router_mandatory:
                    return EAGAIN
                s.router_out = NULL      # a peer at its HWM loses the message
        elif not sock_can_send(s):
            return EAGAIN
        if s.type == ZL_REQ:
            # REQ's envelope, RFC 28: an empty delimiter frame before the
            # request, made now so that running out of memory is an error
            # while the frame is still the caller's
            delim = frame_new(0)
            if delim == NULL:
                return ENOMEM
            delim.flags = ZL_FLAG_MORE
            queue_push(&s.tx, delim)
    queue_push(&s.tx, f)
    if not (f.flags & ZL_FLAG_MORE):
        sock_xsend(s)
    return 0

cdef int sock_xrecv(zl_socket *s) noexcept nogil:
    """Moves the next whole message for the user into s.rx. Returns 0 or EAGAIN."""
    cdef zl_pipe *p
    cdef zl_frame *f
    cdef int i
    if s.type == ZL_XPUB:
        pub_process_input(s)
        if s.xpub_rx.head == NULL:
            return EAGAIN
        queue_move_msg(&s.rx, &s.xpub_rx)
        return 0
    if s.type == ZL_SUB and not sub_filter_inq(s):
        return EAGAIN
    if s.type == ZL_REQ:
        # only the reply from the pipe the request went to counts; anything
        # else is a stale or stray message and is dropped (RFC 28)
        for i in range(s.npipes - 1, -1, -1):
            p = s.pipes[i]
            if p != s.reply_pipe and p.inq.msgs > 0:
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
            queue_move_msg(&s.rx, &p.inq)
            s.req_waiting = 0
            s.reply_pipe = NULL
            pipe_after_read(p)
            return 0
        return EAGAIN
    while True:
        p = fq_pick(s)
        if p == NULL:
            return EAGAIN
        if s.type == ZL_REP:
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
                pipe_after_read(p)
                continue
            s.envelope.msgs = 0   # the envelope is a message prefix, not a message
            queue_move_msg(&s.rx, &p.inq)
            s.req_waiting = 1
            s.reply_pipe = p
        else:
            if s.type == ZL_ROUTER:
                f = frame_new(p.rid_len)
                if f == NULL:
                    return ENOMEM       # the message stays queued for the next try
                memcpy(f.data, p.rid, p.rid_len)
                f.flags = ZL_FLAG_MORE
                queue_push(&s.rx, f)
            queue_move_msg(&s.rx, &p.inq)
        pipe_after_read(p)
        return 0

cdef int sub_filter_inq(zl_socket *s) noexcept nogil:
    """SUB: drops queued messages that match no subscription (the publisher
    filters too, but a 3.0 peer or a just-cancelled topic may still send),
    and tells whether a matching one is waiting."""
    cdef int i, found = 0
    cdef zl_pipe *p
    for i in range(s.npipes - 1, -1, -1):
        p = s.pipes[i]
        while p.inq.msgs > 0 and not sublist_match(&s.subs, p.inq.head.data, p.inq.head.size):
            queue_drop_msg(&p.inq)
        if p.inq.msgs > 0:
            found = 1
        else:
            pipe_after_read(p)
    return found

cdef int sock_recv_frame(zl_socket *s, zl_frame **out) noexcept nogil:
    """Gives the next frame for recv() in *out. Returns 0 or a positive errno."""
    cdef int rc
    if s.rx.head == NULL:
        if (<zl_ctx *>s.ctx).terminating:
            return ZL_ETERM
        if s.closing:
            return ENOTSOCK     # closed by another thread while this one waited
        if not type_can_recv(s.type):
            return ENOTSUP
        if s.type == ZL_REQ and not s.req_waiting:
            return ZL_EFSM
        if s.type == ZL_REP and s.req_waiting:
            return ZL_EFSM
        rc = sock_xrecv(s)
        if rc:
            return rc
    out[0] = queue_pop(&s.rx)
    s.rcvmore = 1 if (out[0].flags & ZL_FLAG_MORE) else 0
    return 0
