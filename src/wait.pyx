# Waiting for a socket without the GIL: what blocking recv/send use (poll and
# proxy wait the same way on the same signal fd, poll.pyx and proxy.pyx).

cdef int sock_wait(zl_ctx *c, zl_socket *s, int events, long long deadline) noexcept nogil:
    """Waits until `events` may be ready, the context terminates, or the
    deadline (monotonic ms, -1 none) passes. Returns 0 (look again), EAGAIN
    (timed out) or EINTR (a signal arrived: the caller runs the handlers)."""
    cdef pollfd pfd
    cdef int ready, rc
    cdef long long timeout = -1
    pthread_mutex_lock(&c.lock)
    sock_rearm(s)
    ready = (sock_events(s) & events) or c.terminating or s.closing
    pthread_mutex_unlock(&c.lock)
    if ready:
        return 0
    if deadline >= 0:
        timeout = deadline - zl_now_ms()
        if timeout <= 0:
            return EAGAIN
    pfd.fd = s.sig_rfd
    pfd.events = POLLIN
    pfd.revents = 0
    rc = poll(&pfd, 1, <int>timeout)
    if rc < 0:
        return EINTR if errno == EINTR else 0
    if rc == 0:
        return EAGAIN
    return 0
