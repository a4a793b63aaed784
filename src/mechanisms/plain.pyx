# PLAIN (RFC 24): a username and password in clear text, checked by the
# server's ZAP handler. Client: HELLO(username, password); server: WELCOME
# once ZAP says 200 (ERROR with the status otherwise); client: INITIATE with
# its metadata; server: READY with its own. As libzmq, a PLAIN server with no
# ZAP handler bound refuses every client (HANDSHAKE_FAILED_NO_DETAIL, EFAULT).
# Nothing is encrypted: use it on networks you trust, or CURVE.

cdef enum:
    PLAIN_WAIT_HELLO = 0      # server
    PLAIN_WAIT_ZAP = 1        # server
    PLAIN_WAIT_INITIATE = 2   # server
    PLAIN_WAIT_WELCOME = 3    # client
    PLAIN_WAIT_READY = 4      # client

cdef int plain_start(zl_conn *conn) noexcept nogil:
    cdef zl_socket *s = conn.sock
    cdef unsigned char hello[2 + 255 + 255]
    cdef size_t n
    if conn.as_server:
        conn.mech_state = <void *>PLAIN_WAIT_HELLO
        return 0
    pthread_mutex_lock(&(<zl_ctx *>s.ctx).lock)
    hello[0] = <unsigned char>s.plain_username_len
    memcpy(hello + 1, s.plain_username, s.plain_username_len)
    n = 1 + s.plain_username_len
    hello[n] = <unsigned char>s.plain_password_len
    memcpy(hello + n + 1, s.plain_password, s.plain_password_len)
    n += 1 + s.plain_password_len
    pthread_mutex_unlock(&(<zl_ctx *>s.ctx).lock)
    conn.mech_state = <void *>PLAIN_WAIT_WELCOME
    return handshake_command(conn, "HELLO", hello, n)

cdef int plain_on_command(zl_conn *conn, zl_frame *f, const unsigned char **meta,
                          size_t *meta_len) noexcept nogil:
    cdef size_t step = <size_t>conn.mech_state
    cdef unsigned char props[READY_PROPERTIES_MAX]
    cdef const unsigned char *body
    cdef size_t n, ulen, plen
    cdef int rc
    if error_command_reason(f) and not conn.as_server:
        return peer_error_reason(conn, f)
    if step == PLAIN_WAIT_HELLO and command_is(f, "HELLO"):
        body = f.data + 6
        n = f.size - 6
        # username and password, each a length byte and that many bytes, and nothing more
        if n < 1 or n < 1 + <size_t>body[0] + 1:
            conn_failed(conn, ZL_EVENT_HANDSHAKE_FAILED_PROTOCOL, ZL_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO)
            return -1
        ulen = body[0]
        plen = body[1 + ulen]
        if 2 + ulen + plen != n:
            conn_failed(conn, ZL_EVENT_HANDSHAKE_FAILED_PROTOCOL, ZL_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO)
            return -1
        rc = zap_request(conn, "PLAIN", 2, body + 1, ulen, body + 2 + ulen, plen)
        if rc == ZAP_NO_HANDLER:
            conn_failed(conn, ZL_EVENT_HANDSHAKE_FAILED_NO_DETAIL, EFAULT)
            return -1
        if rc < 0:
            return -1
        conn.mech_state = <void *>PLAIN_WAIT_ZAP
        return 0
    if step == PLAIN_WAIT_INITIATE and command_is(f, "INITIATE"):
        if handshake_command(conn, "READY", props, socket_metadata(conn, props)) < 0:
            return -1
        meta[0] = f.data + 9
        meta_len[0] = f.size - 9
        return 1
    if step == PLAIN_WAIT_WELCOME and command_is(f, "WELCOME"):
        conn.mech_state = <void *>PLAIN_WAIT_READY
        return handshake_command(conn, "INITIATE", props, socket_metadata(conn, props))
    if step == PLAIN_WAIT_READY and command_is(f, "READY"):
        meta[0] = f.data + 6
        meta_len[0] = f.size - 6
        return 1
    conn_failed(conn, ZL_EVENT_HANDSHAKE_FAILED_PROTOCOL, ZL_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND)
    return -1

cdef int plain_zap_reply(zl_conn *conn, const unsigned char *status, const unsigned char **meta,
                         size_t *meta_len) noexcept nogil:
    if <size_t>conn.mech_state != PLAIN_WAIT_ZAP:
        return -1
    if memcmp(status, "200", 3) != 0:
        return 0 if zap_status_event(conn, status) == 0 else -1
    conn.mech_state = <void *>PLAIN_WAIT_INITIATE
    return handshake_command(conn, "WELCOME", NULL, 0)

cdef zl_mechanism PLAIN_MECHANISM
PLAIN_MECHANISM.name = "PLAIN"
PLAIN_MECHANISM.start = plain_start
PLAIN_MECHANISM.on_command = plain_on_command
PLAIN_MECHANISM.zap_reply = plain_zap_reply
PLAIN_MECHANISM.seal = NULL
PLAIN_MECHANISM.open = NULL
PLAIN_MECHANISM.free = NULL      # its state is the step itself, kept in the pointer
PLAIN_MECHANISM.seal_overhead = 0
