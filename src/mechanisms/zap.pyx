# ZAP (RFC 27): a server asks the application whether to accept a peer. The
# handler is whatever socket the application bound at inproc://zeromq.zap.01
# in the same context (zmqlite.auth's authenticators are one); the I/O thread
# talks to it through a DEALER of its own (ctx.zap, not a user socket: it is
# not on ctx.sockets and term() does not wait for it), whose signal fd is in
# the I/O thread's poller. Each request carries an id; the reply names it, and
# the connection waiting for it (conn.zap_id) goes on (io_thread.pyx: zap_in).
# With no handler bound: NULL asks nobody, PLAIN refuses everyone, CURVE lets
# every client with a valid handshake in, as libzmq does.

cdef enum:
    ZAP_NO_HANDLER = 0
    ZAP_SENT = 1

cdef void *ZAP_TAG = <void *>2     # the poller's tag for ctx.zap's signal fd (conns and listeners are pointers)

cdef void conn_peer_address(zl_conn *conn, char *address, size_t size) noexcept nogil:
    """The peer's IP address as text (ZAP's address, the Peer-Address property);
    empty for ipc."""
    cdef sockaddr_storage peer
    cdef socklen_t peer_len = sizeof(peer)
    address[0] = 0
    if getpeername(conn.fd, <sockaddr *>&peer, &peer_len) == 0:
        if peer.ss_family == AF_INET:
            inet_ntop(AF_INET, &(<sockaddr_in *>&peer).sin_addr, address, <socklen_t>size)
        elif peer.ss_family == AF_INET6:
            inet_ntop(AF_INET6, &(<sockaddr_in6 *>&peer).sin6_addr, address, <socklen_t>size)

cdef zl_socket *zap_handler(zl_ctx *c) noexcept nogil:
    """The socket bound at inproc://zeromq.zap.01, or NULL (lock held)."""
    cdef zl_inproc_bind *b = c.inproc_binds
    while b != NULL:
        if strcmp(b.name, "zeromq.zap.01") == 0:
            return b.sock
        b = b.next
    return NULL

cdef int zap_link(zl_ctx *c, zl_socket *handler) noexcept nogil:
    """Makes sure ctx.zap exists and is linked to handler (lock held). 0, or -1."""
    cdef zl_socket *z = c.zap
    cdef zl_pipe *p
    if z == NULL:
        z = sock_new(c, ZL_DEALER)
        if z == NULL:
            return -1
        z.sndhwm = z.rcvhwm = 0x7fffffff     # no HWM: never drop a request or a reply
        c.zap = z
        zl_poller_add(&c.poller, z.sig_rfd, ZAP_TAG, ZL_EV_IN)
    p = z.pipes[0] if z.npipes > 0 else pipe_new(z, 1)
    if p == NULL:
        return -1
    if p.peer == NULL:
        inproc_link(p, handler)
    return 0 if p.peer != NULL else -1

cdef int zap_frame(zl_socket *z, const unsigned char *data, size_t n, int more) noexcept nogil:
    cdef zl_frame *f = frame_new(n)
    if f == NULL:
        return -1
    if n:
        memcpy(f.data, data, n)
    f.flags = ZL_FLAG_MORE if more else 0
    if sock_send_frame(z, f) != 0:
        frame_free(f)
        return -1
    return 0

cdef int zap_request(zl_conn *conn, const char *mechanism, int ncred, const unsigned char *cred1,
                     size_t len1, const unsigned char *cred2, size_t len2) noexcept nogil:
    """Asks the ZAP handler about conn's peer: version, request id, domain,
    address, identity, mechanism and ncred credentials (RFC 27). Returns
    ZAP_SENT (conn.zap_id waits for the reply), ZAP_NO_HANDLER, or -1."""
    cdef zl_socket *s = conn.sock
    cdef zl_ctx *c = <zl_ctx *>s.ctx
    cdef zl_socket *handler
    cdef char rid[24]
    cdef char address[64]     # INET6_ADDRSTRLEN is 46
    cdef int rc = 0
    conn_peer_address(conn, address, sizeof(address))
    pthread_mutex_lock(&c.lock)
    handler = zap_handler(c)
    if handler == NULL:
        pthread_mutex_unlock(&c.lock)
        return ZAP_NO_HANDLER
    if zap_link(c, handler) < 0:
        pthread_mutex_unlock(&c.lock)
        return -1
    c.zap_next_id += 1
    conn.zap_id = c.zap_next_id
    snprintf(rid, sizeof(rid), "%llu", conn.zap_id)
    rc |= zap_frame(c.zap, NULL, 0, 1)                  # the envelope's delimiter (a REP handler)
    rc |= zap_frame(c.zap, <const unsigned char *>"1.0", 3, 1)
    rc |= zap_frame(c.zap, <const unsigned char *>rid, strlen(rid), 1)
    rc |= zap_frame(c.zap, s.zap_domain, s.zap_domain_len, 1)
    rc |= zap_frame(c.zap, <const unsigned char *>address, strlen(address), 1)
    rc |= zap_frame(c.zap, s.routing_id, s.routing_id_len, 1)
    rc |= zap_frame(c.zap, <const unsigned char *>mechanism, strlen(mechanism), ncred > 0)
    if ncred >= 1:
        rc |= zap_frame(c.zap, cred1, len1, ncred > 1)
    if ncred >= 2:
        rc |= zap_frame(c.zap, cred2, len2, 0)
    if rc:
        queue_clear(&c.zap.tx)      # a request cut short is not sent
        conn.zap_id = 0
    pthread_mutex_unlock(&c.lock)
    return -1 if rc else ZAP_SENT

cdef void zap_close(zl_ctx *c) noexcept nogil:
    """Frees ctx.zap when the I/O thread ends (lock held)."""
    cdef zl_socket *z = c.zap
    if z == NULL:
        return
    c.zap = NULL
    zl_poller_del(&c.poller, z.sig_rfd)
    while z.npipes > 0:
        pipe_remove(z.pipes[0])
    queue_clear(&z.tx)
    queue_clear(&z.rx)
    pipeset_clear(&z.fq)
    pipeset_clear(&z.lb)
    free(z.pipes)
    zl_signaler_close(z.sig_rfd, z.sig_wfd)
    free(z)
