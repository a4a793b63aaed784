# The write side of a connection, which changes hands between the I/O thread
# (engine.pyx gathers frames into conn.wbuf/wiov and writes them) and a user
# thread writing a small message to an idle connection itself (inline). The
# token is conn.out_idle, under the context lock: docs/threading.md.

cdef void conn_mark_ready(zl_ctx *c, zl_conn *conn) noexcept nogil:
    """Asks the I/O thread to flush conn's output and resume its reading."""
    conn.out_idle = 0
    if conn.in_ready:
        return
    conn.in_ready = 1
    conn.ready_next = c.ready
    c.ready = conn
    ctx_wake(c)

cdef inline void conn_out_append(zl_conn *conn, unsigned char *p, size_t n) noexcept nogil:
    """Adds n bytes at p to the output, joining the previous piece when contiguous."""
    cdef iovec *last
    if n == 0:
        return
    if conn.wiov_n > 0:
        last = &conn.wiov[conn.wiov_n - 1]
        if <unsigned char *>last.iov_base + last.iov_len == p:
            last.iov_len += n
            return
    conn.wiov[conn.wiov_n].iov_base = p
    conn.wiov[conn.wiov_n].iov_len = n
    conn.wiov_n += 1

cdef inline size_t conn_frame_to_wire(zl_conn *conn, zl_frame *f, unsigned char *head,
                                     const unsigned char **body, size_t *body_len) noexcept nogil:
    """frame_to_wire for this connection: a raw one (STREAM) sends the bytes
    alone, without a frame header."""
    if conn.raw:
        body[0] = f.data
        body_len[0] = f.size
        return 0
    return frame_to_wire(f, conn.peer_minor, head, body, body_len)

cdef inline int conn_seals(zl_conn *conn, zl_frame *f) noexcept nogil:
    """Whether f goes encrypted (CURVE after its handshake; not the handshake's commands)."""
    return conn.seal_overhead != 0 and not (f.flags & ZL_FRAME_PLAIN)

cdef inline size_t conn_wire_len(zl_conn *conn, zl_frame *f) noexcept nogil:
    """The bytes f takes on the wire (conn_encode)."""
    cdef size_t body
    if conn.raw:
        return f.size
    if conn_seals(conn, f):
        body = f.size + conn.seal_overhead
        return zl_frame_header_size(body) + body
    return frame_wire_len(f, conn.peer_minor)

cdef inline int conn_has_unwritten(zl_conn *conn) noexcept nogil:
    """Gathered output (wiov) not all written yet."""
    return conn.wiov_pos < conn.wiov_n

cdef int conn_write_inline(zl_ctx *c, zl_conn *conn, zl_queue *msg) noexcept nogil:
    """Called by a user thread, with the lock held, for a message going to an
    idle connection: writes it straight away instead of waking the I/O thread
    (two thread switches less per request/reply). Only small messages, and
    only when the last one went out more than INLINE_GAP_NS ago, so that a
    stream keeps being batched by the I/O thread. Returns 1 when the message
    was taken (written, or its unwritten tail handed to the I/O thread), 0
    when the caller should queue it as usual."""
    cdef unsigned char buf[INLINE_MAX]
    cdef size_t total = 0, n = 0, body_len
    cdef const unsigned char *body
    cdef zl_frame *f = msg.head
    cdef ssize_t w
    cdef long long now
    if not conn.out_idle or conn.state != ZL_CONN_ACTIVE or conn.in_ready or conn.seal_overhead:
        return 0        # (sealing is the I/O thread's: its nonces must stay in order)
    while f != NULL:
        total += conn_wire_len(conn, f)
        if total > INLINE_MAX:
            return 0
        f = f.next
    now = zl_now_ns()
    if now - conn.last_inline_ns < INLINE_GAP_NS:
        conn.last_inline_ns = now
        return 0
    conn.last_inline_ns = now
    f = msg.head
    while f != NULL:
        n += conn_frame_to_wire(conn, f, buf + n, &body, &body_len)
        memcpy(buf + n, body, body_len)
        n += body_len
        f = f.next
    w = send(conn.fd, buf, total, MSG_DONTWAIT | MSG_NOSIGNAL)
    if w <= 0:
        return 0        # the I/O thread takes it from the pipe (and sees any error)
    queue_clear(msg)
    if <size_t>w < total:
        # the rest must be next on the wire: the idle write buffer takes it
        memcpy(conn.wbuf, buf + w, total - w)
        conn.wiov_n = 0
        conn.wiov_pos = 0
        conn_out_append(conn, conn.wbuf, total - w)
        conn.wlen = total - w
        conn.stream_queued += total - w
        conn_mark_ready(c, conn)
    return 1

cdef int conn_pending_output(zl_conn *conn) noexcept nogil:
    return conn_has_unwritten(conn) or conn.inflight.head != NULL
