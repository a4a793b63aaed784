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

cdef void sock_signal(zl_socket *s) noexcept nogil:
    """Tells waiters (recv/send/poll, the FD option) that events may have changed.
    One write per drain: a busy stream does not make a syscall per message."""
    if not s.sig_pending:
        s.sig_pending = 1
        zl_signaler_send(s.sig_wfd)

cdef void ctx_socket_gone(zl_ctx *c) noexcept nogil:
    """A socket struct was freed (lock held): the last one lets term() and a
    stopping I/O thread go on."""
    c.nsockets -= 1
    if c.nsockets == 0:
        zl_signaler_send(c.term_wfd)
        if c.stop:
            c.io_sleeping = 1       # make ctx_wake write: the thread may be waiting
            ctx_wake(c)

cdef void sock_free_struct(zl_socket *s) noexcept nogil:
    """The last step of a socket's life, lock held: it is off every list."""
    ctx_socket_gone(<zl_ctx *>s.ctx)
    zl_signaler_close(s.sig_rfd, s.sig_wfd)
    free(s)

cdef void sock_hold(zl_socket *s) noexcept nogil:
    """Keeps s's struct alive while this thread uses it without the GIL
    (see zl_socket.holders). Lock held."""
    s.holders += 1

cdef void sock_unhold(zl_socket *s) noexcept nogil:
    """Ends a sock_hold; frees s if the I/O thread tore it down meanwhile.
    Takes the lock itself."""
    cdef zl_ctx *c = <zl_ctx *>s.ctx
    pthread_mutex_lock(&c.lock)
    s.holders -= 1
    if s.holders == 0 and s.torn_down:
        sock_free_struct(s)
    pthread_mutex_unlock(&c.lock)

cdef void ctx_wake(zl_ctx *c) noexcept nogil:
    if c.io_sleeping:
        c.io_sleeping = 0
        zl_signaler_send(c.wake_wfd)

cdef void ctx_command(zl_ctx *c, zl_cmd *cmd, int kind, void *ptr) noexcept nogil:
    """Queues cmd (a field of the object it is about) for the I/O thread."""
    cmd.next = NULL
    cmd.kind = kind
    cmd.ptr = ptr
    if c.cmds_tail == NULL:
        c.cmds = cmd
    else:
        c.cmds_tail.next = cmd
    c.cmds_tail = cmd
    ctx_wake(c)

cdef void conn_mark_ready(zl_ctx *c, zl_conn *conn) noexcept nogil:
    """Asks the I/O thread to flush conn's output and resume its reading."""
    conn.out_idle = 0
    if conn.in_ready:
        return
    conn.in_ready = 1
    conn.ready_next = c.ready
    c.ready = conn
    ctx_wake(c)

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
    free(p.rid)
    free(p)

cdef inline int low_water(int hwm) noexcept nogil:
    """Where a queue that reached its HWM wakes its waiter again: half way
    down, so a sender (or a paused reader) at the mark is woken once per
    half a queue instead of once per freed slot."""
    return (hwm + 1) // 2

cdef inline int pipe_can_send(zl_pipe *p) noexcept nogil:
    # IMMEDIATE: queue only for peers whose connection is complete
    return not p.dead and p.out.msgs < p.sock.sndhwm and (p.active or not p.sock.immediate)

cdef void inproc_transfer(zl_pipe *p) noexcept nogil:
    """Moves whole messages from p.out to the inproc peer's inq while it has room."""
    cdef zl_pipe *q = p.peer
    cdef int was_full = p.out.msgs >= p.sock.sndhwm
    cdef int was_empty
    if q == NULL or q.dead:
        return
    was_empty = q.inq.msgs == 0
    while p.out.msgs > 0 and q.inq.msgs < q.sock.rcvhwm:
        queue_move_msg(&q.inq, &p.out)
    pipe_update(p)
    pipe_update(q)
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
    pipe_update(p)
    if p.peer != NULL:
        inproc_transfer(p.peer)
    elif p.in_paused and p.conn != NULL and p.inq.msgs < low_water(p.sock.rcvhwm):
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
    queue_splice(&p.out, msg)
    pipe_kick(p)
    pipe_update(p)
