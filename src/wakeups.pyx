# How the threads of a context tell each other that something changed: a
# socket's signal fd (its FD option; blocked recv/send/poll wait on it), the
# I/O thread's wake-up fd and its command list, and how long a socket's struct
# lives (sock_hold). Every function runs with the context lock held, but
# sock_unhold, which takes it. See docs/threading.md.

cdef void sock_signal(zl_socket *s) noexcept nogil:
    """Tells waiters (recv/send/poll, the FD option) that events may have changed.
    One write per drain: a busy stream does not make a syscall per message."""
    if not s.sig_pending:
        s.sig_pending = 1
        zl_signaler_send(s.sig_wfd)

cdef inline void sock_rearm(zl_socket *s) noexcept nogil:
    """Empties s's signal fd before a waiter looks at its events (lock held).
    Every write of the fd sets sig_pending, so without it the fd is empty and
    there is nothing to read: no read(2) that fails with EAGAIN per wait."""
    if s.sig_pending:
        s.sig_pending = 0
        zl_signaler_drain(s.sig_rfd)

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
