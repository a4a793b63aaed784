# The NULL mechanism (RFC 23): no security. Each side sends READY with its
# metadata; the handshake is complete when the peer's READY arrives. An ERROR
# command, or anything else, ends the connection.

cdef int null_start(zl_conn *conn) noexcept nogil:
    """Queues our READY: Socket-Type, and Identity for the types that send one."""
    cdef zl_socket *s = conn.sock
    cdef unsigned char props[READY_PROPERTIES_MAX]
    cdef size_t n
    cdef zl_frame *ready
    pthread_mutex_lock(&(<zl_ctx *>s.ctx).lock)    # setsockopt(ROUTING_ID) writes it
    n = ready_properties(props, SOCKET_TYPES[s.type].name, s.routing_id, s.routing_id_len,
                         SOCKET_TYPES[s.type].flags & T_IDENTITY)
    pthread_mutex_unlock(&(<zl_ctx *>s.ctx).lock)
    ready = command_new("READY", props, n)
    if ready == NULL:
        return -1       # out of memory: the peer is dropped
    queue_push(&conn.ctrl, ready)
    return 0

cdef int null_on_command(zl_conn *conn, zl_frame *f, const unsigned char **meta,
                         size_t *meta_len) noexcept nogil:
    if not command_is(f, "READY"):
        return -1
    meta[0] = f.data + 6
    meta_len[0] = f.size - 6
    return 1

cdef zl_mechanism NULL_MECHANISM
NULL_MECHANISM.name = "NULL"
NULL_MECHANISM.start = null_start
NULL_MECHANISM.on_command = null_on_command
