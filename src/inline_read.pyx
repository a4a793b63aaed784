# A blocked recv reading its socket's one connection itself, instead of
# waiting for the I/O thread to read it and wake it: one thread wake-up per
# message instead of two (a tcp REQ/REP round trip went from two to one per
# direction). The rules are in docs/threading.md ("The read side of a
# connection"): the token is conn.reader, under the context lock.
#
# The user thread takes the read side only when its socket's type allows it
# (T_READ_INLINE: not PULL) and the socket has exactly one pipe, to a tcp/ipc
# connection the I/O thread marked eligible (inline_ok: active, NULL or PLAIN,
# not raw, no heartbeats), nothing is queued, and the I/O thread is not
# reading it. It reads and decodes with the engine's own
# decoder and delivers with conn_deliver. Anything but data frames (a
# command, EOF, an error, a protocol fault) goes back to the I/O thread as it
# is (conn.handback, conn_take_back), and so does a large body (the I/O thread
# reads it in place). Linux (epoll) only: the poll(2) poller is the I/O
# thread's alone.

cdef zl_conn *inline_take(zl_ctx *c, zl_socket *s) noexcept nogil:
    """Takes the read side of s's one connection when the rules allow it
    (lock held). Returns the connection, or NULL: wait as usual."""
    cdef zl_pipe *p
    cdef zl_conn *conn
    cdef unsigned char *direct
    if not ZL_POLLER_SHARED or s.npipes != 1 or not (SOCKET_TYPES[s.type].flags & T_READ_INLINE):
        return NULL
    p = s.pipes[0]
    conn = p.conn
    if conn == NULL or p.peer != NULL or p.inq.msgs != 0 or p.in_paused:
        return NULL
    if (not conn.inline_ok or conn.reader or conn.io_reading or conn.reclaim or
            conn.handback or not (conn.events & ZL_EV_IN)):
        return NULL
    # (the I/O thread is not reading it, so its decoder is at rest)
    if conn.rcvlowat > 1 or decoder_direct(&conn.dec, &direct) >= DIRECT_READ:
        return NULL
    conn.reader = 1
    conn_sync_interest(c, conn)     # the I/O thread stops watching it for input
    return conn

cdef void inline_give(zl_ctx *c, zl_conn *conn, int handback) noexcept nogil:
    """Gives the read side back to the I/O thread, which watches the
    connection for input again (bytes still in the kernel make it readable at
    once: the poller is level-triggered). With handback, the I/O thread is
    asked to finish what this thread left (conn_take_back)."""
    pthread_mutex_lock(&c.lock)
    conn.reader = 0
    conn_sync_interest(c, conn)
    if handback:
        conn.handback = 1
        conn_mark_ready(c, conn)
    pthread_mutex_unlock(&c.lock)

cdef int inline_read(zl_ctx *c, zl_conn *conn) noexcept nogil:
    """One read of a connection this thread holds: whole data messages go to
    the pipe. Returns 1 when the I/O thread must take over (a command and
    the bytes after it, a fault, or the pipe reached RCVHWM), else 0."""
    cdef ssize_t n
    cdef size_t pos = 0, used
    cdef zl_frame *f
    cdef zl_queue batch
    cdef int rc, handback = 0
    n = recv(conn.fd, conn.rbuf, RBUF_SIZE, 0)
    if n < 0 and (errno == EINTR or errno == EAGAIN or errno == EWOULDBLOCK):
        return 0
    if n <= 0:
        conn.rb_fault = 1       # EOF or an error: the I/O thread reads it again and closes
        return 1
    queue_init(&batch)
    while <size_t>pos < <size_t>n:
        rc = decoder_feed(&conn.dec, conn.rbuf + pos, n - pos, &used, &f)
        pos += used
        if rc < 0:
            conn.rb_fault = 1
            handback = 1
            break
        if rc == ZL_DEC_NEED_DATA:
            break
        if f.flags & ZL_FLAG_COMMAND:
            conn.rb_frame = f
            conn.rb_pos = pos
            conn.rb_end = n
            handback = 1
            break
        queue_push(&conn.msg, f)
        if not (f.flags & ZL_FLAG_MORE):
            queue_splice(&batch, &conn.msg)
    # this thread is the socket's waiter, and looks at the pipe next: it does
    # not signal itself (a write now and a read of the signal fd later)
    if conn_deliver_to(c, conn, &batch, 0):
        handback = 1        # paused at RCVHWM: the I/O thread stops reading
    return handback

cdef int sock_wait_in(zl_ctx *c, zl_socket *s, long long deadline) noexcept nogil:
    """sock_wait for POLLIN, reading the socket's connection in this thread
    when inline_take allows. Returns 0 (look again), EAGAIN or EINTR."""
    cdef zl_conn *conn = NULL
    cdef pollfd pfd[2]
    cdef int ready, rc, handback = 0
    cdef long long timeout = -1
    if not ZL_POLLER_SHARED:
        return sock_wait(c, s, ZL_POLLIN, deadline)
    pthread_mutex_lock(&c.lock)
    sock_rearm(s)
    ready = (sock_events(s) & ZL_POLLIN) or c.terminating or s.closing
    if not ready:
        conn = inline_take(c, s)
    pthread_mutex_unlock(&c.lock)
    if ready:
        return 0
    if conn == NULL:
        return sock_wait(c, s, ZL_POLLIN, deadline)
    if deadline >= 0:
        timeout = deadline - zl_now_ms()
        if timeout <= 0:
            inline_give(c, conn, 0)
            return EAGAIN
    # the signal fd wakes us for anything else: close(), term(), another
    # peer's message, the I/O thread wanting the connection back
    pfd[0].fd = conn.fd
    pfd[0].events = POLLIN
    pfd[0].revents = 0
    pfd[1].fd = s.sig_rfd
    pfd[1].events = POLLIN
    pfd[1].revents = 0
    rc = poll(pfd, 2, <int>timeout)
    if rc < 0:
        rc = EINTR if errno == EINTR else 0
    elif rc == 0:
        rc = EAGAIN
    else:
        if pfd[0].revents:
            handback = inline_read(c, conn)
        rc = 0
    inline_give(c, conn, handback)      # before any Python code runs (signal handlers)
    return rc
