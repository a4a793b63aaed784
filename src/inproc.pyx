# inproc:// joins a connecting socket's pipe to a new pipe of the binding
# socket of the same context: no I/O thread and no framing, messages move from
# one pipe's out to the other's inq (pipe.pyx: inproc_transfer, inproc_unlink).
# Runs with the context lock held.

cdef void inproc_link(zl_pipe *p, zl_socket *binder) noexcept nogil:
    """Joins connect-side inproc pipe p to a new pipe of the binding socket."""
    cdef zl_pipe *q
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
    # out of memory, a subscriber's subscriptions may miss this peer
    sock_greet_peer(p.sock, &p.out)
    sock_greet_peer(binder, &q.out)
    inproc_transfer(q)
    inproc_transfer(p)
    sock_signal(p.sock)
    sock_signal(binder)
