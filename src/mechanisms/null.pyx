# The NULL mechanism (RFC 23): no security. Each side sends READY with its
# metadata; the handshake is complete when the peer's READY arrives. With a
# ZAP_DOMAIN set and a ZAP handler bound, the handler is asked first (by
# address: zmqlite.auth's allow/deny), and our READY waits for its answer, as
# libzmq does. An ERROR command, or anything else, ends the connection.

cdef struct null_state:
    int zap_ok                # no ZAP to ask, or it said 200: READY may go
    int peer_ready            # the peer's READY came while ZAP was asked
    unsigned char *meta       # ...its metadata, kept until then
    size_t meta_len

cdef int null_send_ready(zl_conn *conn) noexcept nogil:
    cdef unsigned char props[READY_PROPERTIES_MAX]
    cdef size_t n = socket_metadata(conn, props)
    return handshake_command(conn, "READY", props, n)

cdef int null_start(zl_conn *conn) noexcept nogil:
    cdef null_state *st = <null_state *>calloc(1, sizeof(null_state))
    cdef int domain, rc
    if st == NULL:
        return -1
    conn.mech_state = st
    pthread_mutex_lock(&(<zl_ctx *>conn.sock.ctx).lock)
    domain = conn.sock.zap_domain_len > 0
    pthread_mutex_unlock(&(<zl_ctx *>conn.sock.ctx).lock)
    if domain:
        rc = zap_request(conn, "NULL", 0, NULL, 0, NULL, 0)
        if rc < 0:
            return -1
        if rc == ZAP_SENT:
            return 0
    st.zap_ok = 1
    return null_send_ready(conn)

cdef int null_on_command(zl_conn *conn, zl_frame *f, const unsigned char **meta,
                         size_t *meta_len) noexcept nogil:
    cdef null_state *st = <null_state *>conn.mech_state
    if error_command_reason(f):
        return peer_error_reason(conn, f)
    if not command_is(f, "READY") or st.peer_ready:
        return -1
    if st.zap_ok:
        meta[0] = f.data + 6
        meta_len[0] = f.size - 6
        return 1
    st.meta = metadata_keep(f.data + 6, f.size - 6)
    if st.meta == NULL:
        return -1
    st.meta_len = f.size - 6
    st.peer_ready = 1
    return 0

cdef int null_zap_reply(zl_conn *conn, const unsigned char *status, const unsigned char **meta,
                        size_t *meta_len) noexcept nogil:
    cdef null_state *st = <null_state *>conn.mech_state
    if memcmp(status, "200", 3) != 0:
        return 0 if zap_status_event(conn, status) == 0 else -1
    st.zap_ok = 1
    if null_send_ready(conn) < 0:
        return -1
    if st.peer_ready:
        meta[0] = st.meta
        meta_len[0] = st.meta_len
        return 1
    return 0

cdef void null_free(zl_conn *conn) noexcept nogil:
    cdef null_state *st = <null_state *>conn.mech_state
    if st != NULL:
        free(st.meta)
        free(st)
    conn.mech_state = NULL

cdef zl_mechanism NULL_MECHANISM
NULL_MECHANISM.name = "NULL"
NULL_MECHANISM.start = null_start
NULL_MECHANISM.on_command = null_on_command
NULL_MECHANISM.zap_reply = null_zap_reply
NULL_MECHANISM.seal = NULL
NULL_MECHANISM.open = NULL
NULL_MECHANISM.free = null_free
NULL_MECHANISM.seal_overhead = 0
