# Pipes: one per peer of a socket, a pair of bounded queues (out, inq).
# Every function here runs with the context lock held (see _core.pxd).
#
# Transfer rules:
# - tcp/ipc: the user thread appends whole messages to `out` and, when the
#   connection is not already due to be flushed, puts it on the I/O thread's
#   ready list (waking the thread only if it sleeps). The I/O thread appends
#   whole decoded messages to `inq`.
# - inproc: no I/O thread. Messages move from one socket's `out` straight to
#   the peer pipe's `inq` while the receiver is under RCVHWM, and the rest wait
#   in `out` up to SNDHWM: an unread PUSH->PULL holds SNDHWM + RCVHWM, as libzmq.

cdef zl_pipe *pipe_new(zl_socket *s, int connect_side) noexcept nogil:
    cdef zl_pipe *p = <zl_pipe *>calloc(1, sizeof(zl_pipe))
    cdef zl_pipe **grown
    if p == NULL:
        return NULL
    if s.npipes == s.cap:
        grown = <zl_pipe **>realloc(s.pipes, (s.cap * 2 + 4) * sizeof(zl_pipe *))
        if grown == NULL:
            free(p)
            return NULL
        s.pipes = grown
        s.cap = s.cap * 2 + 4
    p.sock = s
    p.connect_side = connect_side
    p.fq_at = p.lb_at = -1
    queue_init(&p.out)
    queue_init(&p.inq)
    if pipeset_add(&s.fq, p, PIPESET_FQ) < 0:
        free(p)
        return NULL
    if (SOCKET_TYPES[s.type].flags & T_LB) and pipeset_add(&s.lb, p, PIPESET_LB) < 0:
        pipeset_remove(&s.fq, p, PIPESET_FQ)
        free(p)
        return NULL
    s.pipes[s.npipes] = p
    s.npipes += 1
    pipe_update(p)
    return p

cdef inline void sock_rx_from(zl_socket *s, zl_pipe *p) noexcept nogil:
    """The message about to go into s.rx comes from p: its properties are p's
    (what Frame.get("User-Id") and friends read)."""
    if s.rx_meta != p.meta:
        meta_unref(s.rx_meta)
        s.rx_meta = meta_ref(p.meta)

cdef void pipe_remove(zl_pipe *p) noexcept nogil:
    """Detaches p from its socket and frees it with whatever it still holds."""
    cdef zl_socket *s = p.sock
    cdef int i, j = -1
    if SOCKET_TYPES[s.type].pipe_gone != NULL:
        SOCKET_TYPES[s.type].pipe_gone(s, p)
    pipeset_remove(&s.fq, p, PIPESET_FQ)
    pipeset_remove(&s.lb, p, PIPESET_LB)
    rids_remove(s, p)
    for i in range(s.npipes):
        if s.pipes[i] == p:
            j = i
            break
    if j >= 0:
        memmove(&s.pipes[j], &s.pipes[j + 1], (s.npipes - j - 1) * sizeof(zl_pipe *))
        s.npipes -= 1
    if s.reply_pipe == p:
        s.reply_pipe = NULL
    if s.router_out == p:
        s.router_out = NULL
    if p.peer != NULL:
        inproc_unlink(p, 0)
    if p.conn != NULL:
        p.conn.pipe = NULL      # the engine checks: the user may drop a pipe (disconnect)
    if p.ep != NULL:
        p.ep.pipe = NULL
    queue_clear(&p.out)
    queue_clear(&p.inq)
    sublist_clear(&p.subs)
    sublist_clear(&p.asked)
    meta_unref(p.meta)
    free(p.rid)
    free(p)

cdef void pipe_conflate_in(zl_pipe *p) noexcept nogil:
    """CONFLATE: p.inq keeps only its newest whole message; a SUB's newest one
    it subscribes to (a newer one it would drop is not worth more)."""
    cdef zl_socket *s = p.sock
    cdef zl_queue keep, m
    if p.inq.msgs <= 1 and s.type != ZL_SUB:
        return
    queue_init(&keep)
    while p.inq.msgs > 0:
        queue_init(&m)
        queue_move_msg(&m, &p.inq)
        if s.type != ZL_SUB or sub_wants(s, m.head):
            queue_clear(&keep)
            keep = m
        else:
            queue_clear(&m)
    queue_clear(&p.inq)     # (a partial message never sits in inq)
    p.inq = keep

cdef void pipe_conflate_out(zl_pipe *p) noexcept nogil:
    """CONFLATE: drops every message waiting in p.out (a newer one is coming),
    but the rest of one its connection has begun writing."""
    cdef zl_queue begun
    queue_init(&begun)
    if p.out_cut:
        queue_move_msg(&begun, &p.out)
    queue_clear(&p.out)
    p.out = begun

cdef void inproc_transfer(zl_pipe *p) noexcept nogil:
    """Moves whole messages from p.out to the inproc peer's inq while it has room."""
    cdef zl_pipe *q = p.peer
    cdef int was_full = p.out.msgs >= p.sock.sndhwm
    cdef int was_empty
    if q == NULL or q.dead:
        return
    was_empty = q.inq.msgs == 0
    if sock_conflates(q.sock, T_CONFLATE_IN):
        queue_splice(&q.inq, &p.out)        # RCVHWM does not apply: the newest stays
        pipe_conflate_in(q)
    while p.out.msgs > 0 and q.inq.msgs < q.sock.rcvhwm:
        queue_move_msg(&q.inq, &p.out)
    # (a transfer changes p.out and q.inq, nothing else: once per message
    # each way on inproc, so only the two sets that can change are looked at)
    pipe_update_out(p)
    pipe_update_in(q)
    if was_empty and q.inq.msgs > 0:
        sock_signal(q.sock)
    if was_full and p.out.msgs < p.sock.sndhwm:
        sock_signal(p.sock)

cdef void pipe_kick(zl_pipe *p) noexcept nogil:
    """After whole messages were appended to p.out: start moving them."""
    if p.peer != NULL:
        inproc_transfer(p)
    elif p.conn != NULL:
        conn_mark_ready(<zl_ctx *>p.sock.ctx, p.conn)

cdef void pipe_after_read(zl_pipe *p) noexcept nogil:
    """After a message was taken from p.inq: refill or resume the sender."""
    if p.peer != NULL and not p.dead:
        inproc_transfer(p.peer)     # (which brings both ends' places up to date)
    else:
        pipe_update(p)
        if p.in_paused and p.conn != NULL and p.inq.msgs < low_water(p.sock.rcvhwm):
            p.in_paused = 0
            conn_mark_ready(<zl_ctx *>p.sock.ctx, p.conn)
    if p.dead and p.inq.msgs == 0:
        pipe_remove(p)

cdef void pipe_push_msg(zl_pipe *p, zl_queue *msg) noexcept nogil:
    """Queues a whole message on p. Conversational types (T_INLINE) write it
    to an idle connection from the user's thread; one-way streams (PUSH, and
    PUB's fan-out to many peers) go faster batched by the I/O thread
    (measured: 4 subscribers got half the messages with PUB writing inline)."""
    if p.out.head == NULL and p.conn != NULL and (SOCKET_TYPES[p.sock.type].flags & T_INLINE) \
            and conn_write_inline(<zl_ctx *>p.sock.ctx, p.conn, msg):
        return
    if sock_conflates(p.sock, T_CONFLATE_OUT):
        pipe_conflate_out(p)
    queue_splice(&p.out, msg)
    pipe_kick(p)
    if p.peer == NULL or p.peer.dead:
        pipe_update(p)      # (else the inproc transfer brought both ends' places up to date)

cdef void inproc_unlink(zl_pipe *p, int flush) noexcept nogil:
    """Separates p from its inproc peer; with flush, p's queued messages are
    handed over first (a closing socket delivers what it was sent). The peer
    waits for a new binder if it is connect-side, else it is gone once read."""
    cdef zl_pipe *q = p.peer
    if q == NULL:
        return
    if flush:
        queue_splice(&q.inq, &p.out)
        if sock_conflates(q.sock, T_CONFLATE_IN):
            pipe_conflate_in(q)
    p.peer = NULL
    q.peer = NULL
    p.active = 0
    q.active = 0
    pipe_update(p)
    sock_signal(q.sock)
    if not q.connect_side:
        q.dead = 1
        if q.inq.msgs == 0:
            pipe_remove(q)
            return
    pipe_update(q)
