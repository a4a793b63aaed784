# inproc:// joins a connecting socket's pipe to a new pipe of the binding
# socket of the same context: no I/O thread and no framing, messages move from
# one pipe's out to the other's inq (pipe.pyx: inproc_transfer, inproc_unlink).
# Runs with the context lock held.

cdef void inproc_link(zl_pipe *p, zl_socket *binder) noexcept nogil:
    """Joins connect-side inproc pipe p to a new pipe of the binding socket."""
    cdef zl_pipe *q
    cdef zl_queue first
    if not types_compatible(p.sock.type, binder.type) or not sock_takes_another_peer(binder):
        return      # stays unconnected, waiting for another binder
    q = pipe_new(binder, 0)
    if q == NULL:
        return
    # a routing id already taken (without ROUTER_HANDOVER) refuses the link,
    # as over tcp; so does running out of memory for it
    if router_assign_rid(binder, q, p.sock.routing_id, p.sock.routing_id_len) < 0 or \
            router_assign_rid(p.sock, p, binder.routing_id, binder.routing_id_len) < 0:
        pipe_remove(q)
        return
    p.peer = q
    q.peer = p
    p.active = q.active = 1
    sock_probe_peer(binder, q)
    # what each says first goes before what a connect-side pipe queued while
    # unlinked (a publisher's welcome message); out of memory, a subscriber's
    # subscriptions may miss this peer
    queue_init(&first)
    sock_greet_peer(p.sock, &first)
    queue_prepend(&p.out, &first)
    sock_greet_peer(binder, &first)
    queue_prepend(&q.out, &first)
    inproc_transfer(q)
    inproc_transfer(p)
    sock_signal(p.sock)
    sock_signal(binder)

cdef int inproc_bind(zl_ctx *c, zl_socket *s, const char *name) noexcept nogil:
    """Binds s to inproc://name (lock held): 0, EADDRINUSE or ENOMEM. Every pipe
    already waiting for the name is joined to s."""
    cdef zl_inproc_bind *b = c.inproc_binds
    cdef zl_socket *o
    cdef int i
    while b != NULL:
        if strcmp(b.name, name) == 0:
            return EADDRINUSE
        b = b.next
    b = <zl_inproc_bind *>calloc(1, sizeof(zl_inproc_bind))
    if b == NULL:
        return ENOMEM
    b.sock = s
    strcpy(b.name, name)
    b.next = c.inproc_binds
    c.inproc_binds = b
    strcpy(s.last_endpoint, "inproc://")
    strcat(s.last_endpoint, name)
    # connect() may have come first: join every pipe waiting for this name.
    # A socket closed since then hands over what it was sent (as libzmq,
    # whose pending inproc connections outlive the socket) and is done.
    o = c.sockets
    while o != NULL:
        for i in range(o.npipes):
            if o.pipes[i].connect_side and o.pipes[i].ep == NULL and o.pipes[i].peer == NULL \
                    and strcmp(o.pipes[i].inproc_name, name) == 0:
                inproc_link(o.pipes[i], s)
                if o.closing:
                    inproc_unlink(o.pipes[i], 1)
                    ctx_wake(c)     # the I/O thread frees o once it is drained
        o = o.next
    return 0


cdef void sock_close(zl_ctx *c, zl_socket *s, int linger) noexcept nogil:
    """close() (lock held): no more calls on s; its inproc peers get what it
    was sent, and the I/O thread tears it down after LINGER (-2: as set)."""
    cdef zl_inproc_bind **pb = &c.inproc_binds
    cdef zl_inproc_bind *b
    cdef int i
    s.closing = 1
    if linger != -2:
        s.linger = linger
    while pb[0] != NULL:
        b = pb[0]
        if b.sock == s:
            pb[0] = b.next
            free(b)
        else:
            pb = &b.next
    for i in range(s.npipes):
        if s.pipes[i].peer != NULL:
            inproc_unlink(s.pipes[i], 1)
    ctx_command(c, &s.close_cmd, ZL_CMD_CLOSE, s)
    sock_signal(s)      # a thread blocked on it wakes up and fails with ENOTSOCK
