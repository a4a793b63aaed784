# Socket monitors (zmq_socket_monitor): a monitored socket reports what happens
# to its connections as two-frame messages on an inproc PAIR socket it binds,
# in libzmq's format: 6 bytes (a 16-bit event and a 32-bit value, host byte
# order, no padding), then the endpoint. The events, their values and their
# order are libzmq's for the same sequence (tests/test_monitor.py runs both).
#
# The monitor socket is C-only (no Python object): the monitored socket owns
# it, and it is closed (after MONITOR_STOPPED) when monitoring stops or the
# monitored socket closes. An event the monitor socket cannot take now (no
# peer connected yet, or its peer is at its HWM) is dropped, never waited for.

cdef enum:
    ZL_EVENT_CONNECTED = 0x0001
    ZL_EVENT_CONNECT_DELAYED = 0x0002
    ZL_EVENT_CONNECT_RETRIED = 0x0004
    ZL_EVENT_LISTENING = 0x0008
    ZL_EVENT_BIND_FAILED = 0x0010
    ZL_EVENT_ACCEPTED = 0x0020
    ZL_EVENT_ACCEPT_FAILED = 0x0040
    ZL_EVENT_CLOSED = 0x0080
    ZL_EVENT_CLOSE_FAILED = 0x0100
    ZL_EVENT_DISCONNECTED = 0x0200
    ZL_EVENT_MONITOR_STOPPED = 0x0400
    ZL_EVENT_HANDSHAKE_FAILED_NO_DETAIL = 0x0800
    ZL_EVENT_HANDSHAKE_SUCCEEDED = 0x1000
    ZL_EVENT_HANDSHAKE_FAILED_PROTOCOL = 0x2000
    ZL_EVENT_HANDSHAKE_FAILED_AUTH = 0x4000

# values of EVENT_HANDSHAKE_FAILED_PROTOCOL (libzmq's ZMQ_PROTOCOL_ERROR_*)
cdef enum:
    ZL_PROTOCOL_ERROR_ZMTP_UNSPECIFIED = 0x10000000
    ZL_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND = 0x10000001
    ZL_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE = 0x10000002
    ZL_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE = 0x10000003
    ZL_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE = 0x10000012
    ZL_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO = 0x10000013
    ZL_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE = 0x10000014
    ZL_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME = 0x10000017
    ZL_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY = 0x10000016
    ZL_PROTOCOL_ERROR_ZMTP_INVALID_METADATA = 0x10000018
    ZL_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC = 0x11000001
    ZL_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH = 0x11000002
    ZL_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY = 0x20000001

cdef void monitor_event(zl_socket *s, int event, long long value, const char *endpoint) noexcept nogil:
    """Reports event to s's monitor, if it has one that wants it (lock held)."""
    cdef zl_socket *m = s.monitor
    cdef zl_frame *head
    cdef zl_frame *where
    cdef unsigned short ev = <unsigned short>event
    cdef unsigned int v = <unsigned int>value
    if m == NULL or not (s.monitor_events & event):
        return
    head = frame_new(6)
    where = frame_new(strlen(endpoint))
    if head == NULL or where == NULL:
        if head != NULL:
            frame_free(head)
        if where != NULL:
            frame_free(where)
        return
    memcpy(head.data, &ev, 2)
    memcpy(head.data + 2, &v, 4)
    head.flags = ZL_FLAG_MORE
    memcpy(where.data, endpoint, where.size)
    if sock_send_frame(m, head) != 0:
        frame_free(head)        # nobody to take it now: dropped
        frame_free(where)
        return
    if sock_send_frame(m, where) != 0:
        frame_free(where)

cdef void monitor_event_nolock(zl_ctx *c, zl_socket *s, int event, long long value,
                               const char *endpoint) noexcept nogil:
    pthread_mutex_lock(&c.lock)
    monitor_event(s, event, value, endpoint)
    pthread_mutex_unlock(&c.lock)

cdef void monitor_stop(zl_ctx *c, zl_socket *s) noexcept nogil:
    """Ends s's monitoring (lock held): MONITOR_STOPPED, then the monitor
    socket closes (its peer still gets what it was sent)."""
    cdef zl_socket *m = s.monitor
    if m == NULL:
        return
    monitor_event(s, ZL_EVENT_MONITOR_STOPPED, 0, "")
    s.monitor = NULL
    s.monitor_events = 0
    sock_close(c, m, 0)

cdef int monitor_start(zl_ctx *c, zl_socket *s, const char *name, int events) noexcept nogil:
    """Makes s report events to a PAIR bound at inproc://name (lock held),
    replacing a monitor it had. 0, or an errno (EADDRINUSE, ENOMEM, EMFILE)."""
    cdef zl_socket *m
    cdef int rc
    monitor_stop(c, s)
    m = sock_new(c, ZL_PAIR)
    if m == NULL:
        return errno
    m.linger = 0
    m.next = c.sockets
    c.sockets = m
    c.nsockets += 1
    rc = inproc_bind(c, m, name)
    if rc:
        sock_close(c, m, 0)
        return rc
    s.monitor = m
    s.monitor_events = events
    return 0
