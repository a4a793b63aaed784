# zmq_poll: readiness of zmqlite sockets and plain fds in one call. A socket's
# readiness is computed from its queues; its signal fd wakes us when that may
# have changed, so the wait is a single poll(2) with the GIL released.

def zmq_poll(items, timeout=-1):
    """items: [(socket | fd | object with fileno(), events)]; timeout in ms
    (None or negative: forever). Returns [(obj, revents)] of the ready ones."""
    cdef Py_ssize_t n = len(items), i
    cdef pollfd *pfds
    cdef long long deadline = -1, wait
    cdef int rc, ev, any_ready
    cdef Socket sock
    if timeout is None or timeout < 0:
        timeout = -1
    else:
        deadline = zl_now_ms() + int(timeout)
    cdef zl_socket **held
    cdef zl_socket *s
    cdef zl_ctx *c
    objs = []
    release_borrowed()
    pfds = <pollfd *>calloc(n if n > 0 else 1, sizeof(pollfd))
    # the sockets polled, held (sock_hold) so that a close() from another
    # thread while we wait cannot free them or their signal fds under us
    held = <zl_socket **>calloc(n if n > 0 else 1, sizeof(zl_socket *))
    if pfds == NULL or held == NULL:
        free(pfds)
        free(held)
        raise MemoryError()
    try:
        for i in range(n):
            obj, events = items[i]
            objs.append((obj, int(events)))
            if isinstance(obj, Socket):
                s = (<Socket>obj)._sock()
                c = <zl_ctx *>s.ctx
                pthread_mutex_lock(&c.lock)
                sock_hold(s)
                pthread_mutex_unlock(&c.lock)
                held[i] = s
                pfds[i].fd = s.sig_rfd
                pfds[i].events = POLLIN
            else:
                fd = obj if isinstance(obj, int) else obj.fileno()
                objs[i] = (fd, objs[i][1])     # reported by fd, as pyzmq's zmq_poll does
                pfds[i].fd = fd
                pfds[i].events = (POLLIN if events & ZL_POLLIN else 0) | (POLLOUT if events & ZL_POLLOUT else 0)
        while True:
            ready = []
            for i in range(n):
                obj, events = objs[i]
                if isinstance(obj, Socket):
                    ev = obj._events() & events
                    if ev:
                        ready.append((obj, ev))
            wait = 0
            if not ready:
                if deadline < 0:
                    wait = -1
                else:
                    wait = deadline - zl_now_ms()
                    if wait < 0:
                        wait = 0
            for i in range(n):
                pfds[i].revents = 0
            with nogil:
                rc = poll(pfds, n, <int>wait)
            if rc < 0:
                if errno == EINTR:
                    _check_signals()
                    continue
                raise _zmq_error(errno, None)
            for i in range(n):
                obj, events = objs[i]
                if not isinstance(obj, Socket) and pfds[i].revents:
                    ev = ((ZL_POLLIN if pfds[i].revents & POLLIN else 0)
                          | (ZL_POLLOUT if pfds[i].revents & POLLOUT else 0)
                          | (ZL_POLLERR if pfds[i].revents & (POLLERR | POLLHUP | POLLNVAL) else 0))
                    if ev:
                        ready.append((obj, ev))
            if ready:
                # report in the order the items were given
                order = {id(o): k for k, (o, _) in enumerate(objs)}
                ready.sort(key=lambda r: order[id(r[0])])
                return ready
            if wait == 0 and deadline >= 0:
                return []
    finally:
        for i in range(n):
            if held[i] != NULL:
                sock_unhold(held[i])
        free(held)
        free(pfds)
