# The security mechanism of a connection (RFC 23, "Security handshake"):
# between the greetings and the first message, the two peers exchange the
# mechanism's commands until both are ready, and the mechanism hands the
# engine the peer's metadata (Socket-Type, Identity and the rest). The engine
# knows the mechanism only through this interface: NULL (null.pyx), PLAIN
# (RFC 24, plain.pyx) and CURVE (RFC 26, curve.pyx).
#
# Hooks, all on the I/O thread, without the lock unless they take it:
#   start       both greetings are in: set up conn.mech_state and queue our
#               first handshake commands on conn.ctrl. 0, or -1 to drop the peer.
#   on_command  a command of the peer's during the handshake. Returns 0 to go
#               on (also while a ZAP reply is awaited), 1 when the handshake is
#               complete, with the peer's metadata in *meta/*meta_len (pointing
#               into f or the mechanism's state, used before either is freed),
#               or -1 to drop the peer (after conn_failed says why).
#   zap_reply   the ZAP handler answered this connection's request (zap.pyx):
#               status is its 3-digit code; returns as on_command.
#   seal        NULL, or: writes f sealed for the wire at out (seal_overhead
#               bytes more than f.size) as the body of a data frame. 0 or -1.
#   open        NULL, or: opens a sealed frame received after the handshake,
#               in place (f then holds the plaintext, with MORE/COMMAND set
#               from it). 0, or -1 to drop the peer.
#   free        releases conn.mech_state (NULL: nothing to release).
# Handshake commands are queued with ZL_FRAME_PLAIN: they go unsealed even
# when the connection is already complete by the time they are written.

ctypedef int (*mech_start_fn)(zl_conn *conn) noexcept nogil
ctypedef int (*mech_command_fn)(zl_conn *conn, zl_frame *f, const unsigned char **meta,
                                size_t *meta_len) noexcept nogil
ctypedef int (*mech_zap_fn)(zl_conn *conn, const unsigned char *status, const unsigned char **meta,
                            size_t *meta_len) noexcept nogil
ctypedef int (*mech_seal_fn)(zl_conn *conn, zl_frame *f, unsigned char *out) noexcept nogil
ctypedef int (*mech_open_fn)(zl_conn *conn, zl_frame *f) noexcept nogil
ctypedef void (*mech_free_fn)(zl_conn *conn) noexcept nogil

cdef struct zl_mechanism:
    const char *name          # as in the greeting (at most 20 bytes)
    mech_start_fn start
    mech_command_fn on_command
    mech_zap_fn zap_reply
    mech_seal_fn seal
    mech_open_fn open
    mech_free_fn free
    size_t seal_overhead      # bytes seal adds to a frame

cdef inline void conn_failed(zl_conn *conn, int event, long long value) noexcept nogil:
    """Notes how a handshake failed, for the monitor event conn_close reports
    (the first reason found is the one reported). A raw connection never
    finishes a handshake, so libzmq reports how it ended this way too."""
    if (conn.state != ZL_CONN_ACTIVE or conn.raw) and conn.fail_event == 0:
        conn.fail_event = event
        conn.fail_value = value

cdef int mechanism_greeting_matches(const zl_mechanism *m, const unsigned char *greeting) noexcept nogil:
    """Both sides must use the same mechanism (RFC 23): the peer's greeting names it."""
    return greeting_mechanism_is(greeting, m.name)

cdef int handshake_command(zl_conn *conn, const char *name, const unsigned char *data, size_t n) noexcept nogil:
    """Queues one of the mechanism's handshake commands. 0, or -1 when out of memory."""
    cdef zl_frame *f = command_new(name, data, n)
    if f == NULL:
        return -1
    f.flags |= ZL_FRAME_PLAIN
    queue_push(&conn.ctrl, f)
    return 0

cdef int handshake_error(zl_conn *conn, const unsigned char *reason, size_t n) noexcept nogil:
    """Queues ERROR with reason (RFC 23) and has the connection closed once it
    is written; the peer learns why (a ZAP status code, as libzmq sends)."""
    cdef unsigned char body[256]
    if n > 255:
        n = 255
    body[0] = <unsigned char>n
    memcpy(body + 1, reason, n)
    conn.close_after_flush = 1
    return handshake_command(conn, "ERROR", body, n + 1)

cdef int zap_status_event(zl_conn *conn, const unsigned char *status) noexcept nogil:
    """A ZAP status other than 200 fails the handshake as libzmq reports it:
    HANDSHAKE_FAILED_AUTH with 300, 400 or 500."""
    conn_failed(conn, ZL_EVENT_HANDSHAKE_FAILED_AUTH, (status[0] - 48) * 100)
    return handshake_error(conn, status, 3)

cdef size_t error_command_reason(zl_frame *f) noexcept nogil:
    """Where an ERROR command's reason starts, or 0 when f is no ERROR. libzmq
    4.3.5 names it "\\x5ERROR" in its source, which C reads as 0x5E "RROR" (seen on
    the wire from pyzmq 27.3: 04 09 5e 52 52 4f 52 03 34 30 30), so that form is
    understood too. We send the RFC 23 form: a libzmq 4.3.5 peer then reports
    the failed handshake as HANDSHAKE_FAILED_PROTOCOL rather than _AUTH."""
    if f.size >= 7 and memcmp(f.data, b"\x05ERROR", 6) == 0:
        return 6
    if f.size >= 6 and memcmp(f.data, b"\x5eRROR", 5) == 0:
        return 5
    return 0

cdef int peer_error_reason(zl_conn *conn, zl_frame *f) noexcept nogil:
    """The peer sent ERROR during the handshake: with a ZAP status code as its
    reason, libzmq reports HANDSHAKE_FAILED_AUTH with it; else no detail. -1."""
    cdef size_t at = error_command_reason(f)      # the reason's length byte
    if f.size >= at + 4 and f.data[at] == 3 and f.data[at + 1] >= 50 and f.data[at + 1] <= 53:
        conn_failed(conn, ZL_EVENT_HANDSHAKE_FAILED_AUTH, (f.data[at + 1] - 48) * 100)
    else:
        conn_failed(conn, ZL_EVENT_HANDSHAKE_FAILED_NO_DETAIL, 0)
    return -1

cdef size_t socket_metadata(zl_conn *conn, unsigned char *props) noexcept nogil:
    """Our metadata for READY/INITIATE: Socket-Type, and Identity for the types
    that send one. props holds READY_PROPERTIES_MAX bytes."""
    cdef zl_socket *s = conn.sock
    cdef size_t n
    pthread_mutex_lock(&(<zl_ctx *>s.ctx).lock)    # setsockopt(ROUTING_ID) writes it
    n = ready_properties(props, SOCKET_TYPES[s.type].name, s.routing_id, s.routing_id_len,
                         SOCKET_TYPES[s.type].flags & T_IDENTITY)
    pthread_mutex_unlock(&(<zl_ctx *>s.ctx).lock)
    return n

cdef unsigned char *metadata_keep(const unsigned char *meta, size_t n) noexcept nogil:
    """A copy of the peer's metadata, kept while a ZAP reply is awaited (NULL
    when out of memory)."""
    cdef unsigned char *copy = <unsigned char *>malloc(n if n else 1)
    if copy != NULL and n:
        memcpy(copy, meta, n)
    return copy
