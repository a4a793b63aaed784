# STREAM: raw TCP (or ipc) peers, no ZMTP. Every function runs with the
# context lock held.
#
# A message is [routing id, data]. recv() gives each chunk of bytes a peer
# sent, as it arrived, after the id of its connection (as a ROUTER does,
# router_recv); with STREAM_NOTIFY (the default) a peer connecting or going
# away is [id, b""]. send() writes the data frames after the id to that
# peer's connection, unframed; [id, b""] closes the connection once what was
# sent before it is written (the engine, conn_fill). An id that names no
# connection is EHOSTUNREACH, one without room EAGAIN, as libzmq. libzmq
# takes only the frame after the id as data and treats a third frame as the
# next message's id; zmqlite writes every data frame, so that
# send_multipart([id, header, body]) does what it says.

cdef int stream_first_send(zl_socket *s, zl_frame *f) noexcept nogil:
    """The first frame names the connection: find it now (router_out)."""
    if not (f.flags & ZL_FLAG_MORE):
        s.router_out = NULL     # an id alone: nothing to send
        return 0
    s.router_out = router_find(s, f.data, f.size)
    if s.router_out == NULL:
        return EHOSTUNREACH
    if not pipe_can_send(s.router_out):
        s.router_out = NULL
        return EAGAIN
    return 0

cdef int stream_send(zl_socket *s) noexcept nogil:
    """Queues each data frame as a message of its own (the engine writes
    each one's bytes, nothing else); a message whose data is all empty asks
    for the connection to be closed: one empty frame goes in its place."""
    cdef zl_pipe *p = s.router_out
    cdef zl_queue msg
    cdef zl_frame *f
    cdef int closing = 1
    s.router_out = NULL
    frame_free(queue_pop(&s.tx))        # the routing id
    f = s.tx.head
    while f != NULL:
        if f.size > 0:
            closing = 0
        f = f.next
    if p == NULL or s.tx.head == NULL:
        queue_clear(&s.tx)
        return 0
    queue_init(&msg)
    while s.tx.head != NULL:
        f = queue_pop(&s.tx)
        f.flags &= ~ZL_FLAG_MORE
        if f.size == 0 and not (closing and msg.head == NULL):
            frame_free(f)       # nothing to write; only one empty frame means "close"
            continue
        queue_push(&msg, f)
    pipe_push_msg(p, &msg)
    return 0
