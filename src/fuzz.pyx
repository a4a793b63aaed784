# Test-only entry points for fuzzing (tests/fuzz/): the engine's own C code
# fed with arbitrary bytes, with no I/O thread and no network.
#
# _fuzz_connection builds a context without an I/O thread, one socket and one
# connection on a socketpair, and plays the I/O thread's part itself: the
# peer's bytes (a valid greeting first, then the fuzzer's) are written into
# the other end and read by conn_in exactly as from a real peer, ready
# connections are flushed, heartbeats run, and a "user" takes every message
# the socket will give and sends replies, so routing, subscriptions and the
# REQ/REP envelopes see what the peer made of them. Everything is torn down
# the way the I/O thread does (conn_close, socket_free), so a sanitizer or a
# leak checker sees the real paths.

cdef int _fuzz_user_turn(zl_ctx *c, zl_socket *s) noexcept nogil:
    """What an application would do: receive everything, answer, publish.
    Returns the number of frames received."""
    cdef zl_frame *f
    cdef zl_frame *g
    cdef int rc, n = 0
    pthread_mutex_lock(&c.lock)
    while n < 10000:
        rc = sock_recv_frame(s, &f)
        if rc:
            break
        n += 1
        if s.type == ZL_ROUTER and s.rx.head != NULL and n == 1:
            # answer the peer by its routing id (the first frame)
            g = frame_copy(f)
            if g != NULL:
                g.flags = ZL_FLAG_MORE
                if sock_send_frame(s, g) == 0:
                    g = frame_new(2)
                    if g != NULL:
                        memcpy(g.data, b"ok", 2)
                        if sock_send_frame(s, g):
                            frame_free(g)
                else:
                    frame_free(g)
        frame_free(f)
    if (SOCKET_TYPES[s.type].flags & T_SEND) and s.tx.head == NULL and (s.type != ZL_REQ or not s.req_waiting) \
            and (s.type != ZL_REP or s.req_waiting) and s.type != ZL_ROUTER:
        f = frame_new(5)
        if f != NULL:
            memcpy(f.data, b"reply", 5)
            if sock_send_frame(s, f):
                frame_free(f)
    pthread_mutex_unlock(&c.lock)
    return n

cdef int _fuzz_io_turn(zl_ctx *c, zl_conn *conn, int events, long long skew) noexcept nogil:
    """One turn of the I/O thread for the only connection, its clock skew ms
    ahead (heartbeats fire): 1 while the connection lives."""
    cdef zl_conn *ready
    conn_event(c, conn, events)
    if c.conns == NULL:
        return 0
    while True:
        ready = ctx_take_ready(c)
        if ready == NULL:
            break
        conn_ready(c, ready)
        if c.conns == NULL:
            return 0
    if conn_heartbeat(c, conn, zl_now_ms() + skew) < 0:
        conn_close(c, conn, 0)
        return 0
    return 1

def _fuzz_connection(int socket_type, bint connect_side, bint zmtp30, bint heartbeats,
                     int chunk, bytes data):
    """Feeds data, after a valid greeting, to a connection of a socket of
    socket_type (bind or connect side), chunk bytes at a time (0: at once).
    Returns the number of frames the user took. Test-only."""
    cdef zl_ctx *c = NULL
    cdef zl_socket *s = NULL
    cdef zl_conn *conn = NULL
    cdef zl_endpoint *ep = NULL
    cdef zl_pipe *p
    cdef int fds[2]
    cdef int err = 0, alive = 1
    cdef const unsigned char *buf
    cdef Py_ssize_t total, pos = 0, step
    cdef ssize_t w
    cdef unsigned char greet[64]
    cdef unsigned char sink[65536]
    cdef unsigned long long taken = 0
    cdef long long skew = 100000 if heartbeats else 0
    if socket_type < 0 or socket_type >= ZL_NSOCKET_TYPES:
        raise ValueError("socket type")
    greeting_encode(greet, "NULL", 0, 0 if zmtp30 else 1)
    data = (<char *>greet)[:64] + data
    buf = <const unsigned char *>PyBytes_AS_STRING(data)
    total = PyBytes_GET_SIZE(data)
    with nogil:
        c = <zl_ctx *>calloc(1, sizeof(zl_ctx))
        if c == NULL:
            err = ENOMEM
        else:
            c.wake_rfd = c.wake_wfd = c.term_rfd = c.term_wfd = -1
            zl_mutex_init(&c.lock)
            if zl_poller_init(&c.poller) < 0:
                err = errno
        if err == 0:
            s = sock_new(c, socket_type)
            if s == NULL:
                err = errno
        if err == 0:
            c.sockets = s
            c.nsockets = 1
            s.rcvhwm = 4            # small, so that reading pauses and resumes
            s.sndhwm = 4
            s.maxmsgsize = 1 << 24  # see fuzz_engine.py: no 17 GB buffers declared by a header
            if heartbeats:
                s.heartbeat_ivl = 1
                s.heartbeat_ttl = 1000
            if socket_type == ZL_SUB:
                sub_subscribe(s, 1, <const unsigned char *>"", 0)
            if socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0:
                err = errno
        if err == 0:
            zl_set_nonblock(fds[0])
            zl_set_nonblock(fds[1])
            if connect_side:
                ep = <zl_endpoint *>calloc(1, sizeof(zl_endpoint))
                p = pipe_new(s, 1) if ep != NULL else NULL
                if p != NULL and connect_side_rid(s, p) != 0:     # as connect() does
                    pipe_remove(p)
                    p = NULL
                if p == NULL:
                    err = ENOMEM
                    free(ep)
                    ep = NULL
                else:
                    ep.sock = s
                    ep.pipe = p
                    p.ep = ep
                    s.endpoints = ep
            if err == 0:
                conn = conn_new(c, s, fds[0], ep, NULL)
                if conn == NULL:
                    err = ENOMEM
                else:
                    conn_start(c, conn)
            if conn == NULL:
                close(fds[0])
        if err == 0:
            while alive:
                if pos < total:
                    step = total - pos if chunk <= 0 or chunk > total - pos else chunk
                    w = send(fds[1], buf + pos, step, MSG_NOSIGNAL)
                    if w > 0:
                        pos += w
                while recv(fds[1], sink, sizeof(sink), 0) > 0:
                    pass        # what we answered: discard
                alive = _fuzz_io_turn(c, conn, ZL_EV_IN | ZL_EV_OUT, skew)
                taken += _fuzz_user_turn(c, s)
                if alive:
                    alive = _fuzz_io_turn(c, conn, ZL_EV_IN | ZL_EV_OUT, skew)
                if pos >= total:
                    break
            if c.conns != NULL:
                conn_close(c, c.conns, 0)
            close(fds[1])
        if s != NULL:
            pthread_mutex_lock(&c.lock)
            s.closing = 1
            pthread_mutex_unlock(&c.lock)
            socket_free(c, s)
        if c != NULL:
            pthread_mutex_destroy(&c.lock)
            zl_poller_close(&c.poller)
            free(c)
    release_borrowed()
    if err:
        raise _zmq_error(err, None)
    return taken

def _curve_seal_matches_box(bytes payload, int more, int command):
    """Test-only (tests/unit/test_curve.py): curve_seal's one-pass MESSAGE box
    against libsodium's crypto_box_easy_afternm of flags + payload, both ways:
    the sealed bytes must be equal, and curve_open must give the frame back."""
    cdef curve_state st
    cdef zl_conn conn
    cdef zl_frame *f
    cdef zl_frame *g
    cdef unsigned char n24[24]
    cdef size_t n = len(payload)
    cdef bytes plain = bytes([(1 if more else 0) | (2 if command else 0)]) + payload
    cdef bytearray expected = bytearray(n + 17)
    cdef bytes sealed, opened
    if not ZL_HAVE_CURVE:
        raise RuntimeError("built without libsodium")
    memset(&st, 0, sizeof(st))
    memset(&conn, 0, sizeof(conn))
    randombytes_buf(st.precom, 32)
    st.nonce = 7
    conn.mech_state = &st
    f = frame_new(n)
    if f == NULL:
        raise MemoryError()
    memcpy(f.data, <char *>payload, n)
    f.flags = (ZL_FLAG_MORE if more else 0) | (ZL_FLAG_COMMAND if command else 0)
    g = frame_new(n + CURVE_MESSAGE_OVERHEAD)
    if g == NULL:
        frame_free(f)
        raise MemoryError()
    rc = curve_seal(&conn, f, g.data)
    frame_free(f)
    curve_short_nonce(n24, "CurveZMQMESSAGEC", 7)
    crypto_box_easy_afternm(<unsigned char *><char *>expected, <const unsigned char *><char *>plain,
                            n + 1, n24, st.precom)
    sealed = (<char *>g.data)[:n + CURVE_MESSAGE_OVERHEAD]
    # the receiving side (a server): opens it in place
    st.server = 1
    st.peer_nonce = 6
    rc2 = curve_open(&conn, g)
    opened = (<char *>g.data)[:g.size]
    flags_back = g.flags
    frame_free(g)
    return (rc == 0 and sealed[16:] == bytes(expected) and sealed[:16] == b"\x07MESSAGE" + (7).to_bytes(8, "big")
            and rc2 == 0 and opened == payload
            and flags_back == ((ZL_FLAG_MORE if more else 0) | (ZL_FLAG_COMMAND if command else 0)))
