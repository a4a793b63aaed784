# The I/O thread: one per Context, never holding the GIL.
#
# Rules:
# - It owns the poller, the connections and the listening fds; user threads
#   reach it only through the command list and the ready list (both under the
#   context lock) and wake it through its signaler, and only when it sleeps.
# - Each turn: run commands, flush ready connections, run timers (reconnects,
#   lingering sockets), then sleep in the poller until an fd or a wake-up.
# - A socket closed by the user stays here until its linger ends: its pipes'
#   messages keep going out (connect-side ones keep reconnecting) until they
#   are written or LINGER ms have passed; then it is freed, and term() is told
#   when the last socket of the context is gone.

cdef enum:
    ZL_CMD_LISTEN = 1
    ZL_CMD_CONNECT = 2
    ZL_CMD_CLOSE = 3
    ZL_CMD_UNBIND = 4
    ZL_CMD_DISCONNECT = 5

cdef enum:
    ACCEPT_BACKOFF_MS = 100     # a listener out of descriptors tries again after this

cdef enum:
    ZL_TCP = 1
    ZL_IPC = 2
    ZL_INPROC = 3

# poller user data: connections as they are, listeners tagged in the low bit
cdef inline void *listener_tag(zl_listener *l) noexcept nogil:
    return <void *>((<size_t>l) | 1)

cdef void listener_unpause(zl_ctx *c, zl_listener *l) noexcept nogil:
    """Takes l off the paused list (it may not be on it)."""
    cdef zl_listener **pp = &c.paused_listeners
    while pp[0] != NULL:
        if pp[0] == l:
            pp[0] = l.paused_next
            break
        pp = &pp[0].paused_next
    l.paused_next = NULL
    l.accept_retry_at = 0

cdef void listener_close(zl_ctx *c, zl_listener *l, int drop_connections) noexcept nogil:
    """Stops listening. unbind() also drops the connections accepted from
    it; close() leaves them to deliver what is queued during LINGER."""
    cdef zl_conn *conn = c.conns
    cdef zl_conn *nxt
    if l.accept_retry_at:
        listener_unpause(c, l)
    if l.fd >= 0:
        monitor_event_nolock(c, l.sock, ZL_EVENT_CLOSED, l.fd, l.endpoint)
        zl_poller_del(&c.poller, l.fd)
        close(l.fd)
        l.fd = -1
    while conn != NULL:
        nxt = conn.next
        if conn.lst == l:
            if drop_connections:
                conn_close(c, conn, 0)
            else:
                conn.lst = NULL     # l is freed next; the connection lives on
        conn = nxt

cdef void listener_accept(zl_ctx *c, zl_listener *l) noexcept nogil:
    cdef int fd, one = 1, closing
    cdef zl_conn *conn
    while True:
        fd = accept(l.fd, NULL, NULL)
        if fd < 0:
            if errno == EINTR or errno == ECONNABORTED:
                continue
            if errno == EMFILE or errno == ENFILE or errno == ENOBUFS or errno == ENOMEM:
                # Out of descriptors (or memory): the pending connection stays
                # in the backlog and the level-triggered poller would report it
                # again at once, spinning this thread at 100% CPU (as libzmq
                # does). Stop watching the listener for ACCEPT_BACKOFF_MS
                # instead; the connections we have keep being served.
                monitor_event_nolock(c, l.sock, ZL_EVENT_ACCEPT_FAILED, errno, l.endpoint)
                zl_poller_mod(&c.poller, l.fd, listener_tag(l), 0)
                l.accept_retry_at = zl_now_ms() + ACCEPT_BACKOFF_MS
                l.paused_next = c.paused_listeners
                c.paused_listeners = l
            return     # EAGAIN: nothing more to accept
        zl_set_nonblock(fd)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one))  # fails harmlessly on ipc
        pthread_mutex_lock(&c.lock)
        closing = l.sock.closing
        pthread_mutex_unlock(&c.lock)
        if closing:
            close(fd)
            continue
        conn = conn_new(c, l.sock, fd, NULL, l)
        if conn == NULL:
            close(fd)       # out of memory: this peer is refused, it may retry
            continue
        monitor_event_nolock(c, l.sock, ZL_EVENT_ACCEPTED, fd, l.endpoint)
        if conn_start(c, conn) < 0:
            conn_close(c, conn, 0)

cdef void *RESOLVER_TAG = <void *>4    # the poller's tag for ctx.resolver's signal fd

cdef void endpoint_retry_later(zl_ctx *c, zl_endpoint *ep) noexcept nogil:
    """An attempt failed before any connection was made (the name did not
    resolve): the next one comes after the reconnect interval, which backs
    off as after a lost connection; a closed socket only keeps trying while
    it has messages to deliver (until its LINGER ends)."""
    cdef zl_socket *s = ep.sock
    pthread_mutex_lock(&c.lock)
    if not s.closing or (ep.pipe != NULL and ep.pipe.out.head != NULL):
        endpoint_retry_at(c, ep, zl_now_ms() + ep.cur_ivl)
        monitor_event(s, ZL_EVENT_CONNECT_RETRIED, ep.cur_ivl, ep.endpoint)
        if s.reconnect_ivl_max > ep.cur_ivl:
            ep.cur_ivl = ep.cur_ivl * 2 if ep.cur_ivl * 2 < s.reconnect_ivl_max else s.reconnect_ivl_max
    pthread_mutex_unlock(&c.lock)

cdef void endpoint_forget_lookup(zl_endpoint *ep) noexcept nogil:
    """ep is going: the answer to its lookup in flight will be dropped."""
    if ep.resolving != NULL:
        ep.resolving.ep = NULL
        ep.resolving = NULL

cdef void endpoint_connect(zl_ctx *c, zl_endpoint *ep) noexcept nogil:
    """Starts one connection attempt; a failure schedules the next one. A
    host name is looked up first, by the resolver thread: the attempt goes on
    in resolver_in."""
    cdef int fd, rc, one = 1, delayed, tos, connect_timeout
    cdef zl_conn *conn
    endpoint_retry_cancel(c, ep)
    if ep.host[0] and not ep.resolved:
        if ep.resolving != NULL:
            return      # a lookup is on its way already
        if c.resolver == NULL:
            c.resolver = resolver_start(&c.poller, RESOLVER_TAG)
        if c.resolver == NULL or resolver_post(c.resolver, ep) < 0:
            endpoint_retry_later(c, ep)
        return
    ep.resolved = 0     # the next attempt asks again, as libzmq does
    fd = socket(ep.addr.ss_family, SOCK_STREAM, 0)
    if fd < 0:
        endpoint_retry_at(c, ep, zl_now_ms() + ep.cur_ivl)
        monitor_event_nolock(c, ep.sock, ZL_EVENT_CONNECT_RETRIED, ep.cur_ivl, ep.endpoint)
        return
    zl_set_nonblock(fd)
    pthread_mutex_lock(&c.lock)
    tos = ep.sock.tos
    connect_timeout = ep.sock.connect_timeout
    pthread_mutex_unlock(&c.lock)
    if ep.transport == ZL_TCP:
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one))
        sock_set_tos(fd, tos)   # before connect(), so that the SYN has it too
    conn = NULL
    if ep.transport == ZL_TCP and ep.bind_device[0] != 0 and zl_bind_to_device(fd, ep.bind_device) < 0:
        rc, delayed = -1, 0     # (an interface that is not there yet may come: retried)
    else:
        rc = connect(fd, <sockaddr *>&ep.addr, ep.addrlen)
        delayed = rc < 0 and (errno == EINPROGRESS or errno == EAGAIN)
    if rc == 0 or delayed:
        conn = conn_new(c, ep.sock, fd, ep, NULL)
    if conn == NULL:
        monitor_event_nolock(c, ep.sock, ZL_EVENT_CLOSED, fd, ep.endpoint)
        close(fd)
        endpoint_retry_at(c, ep, zl_now_ms() + ep.cur_ivl)
        monitor_event_nolock(c, ep.sock, ZL_EVENT_CONNECT_RETRIED, ep.cur_ivl, ep.endpoint)
        return
    if delayed:
        monitor_event_nolock(c, ep.sock, ZL_EVENT_CONNECT_DELAYED, EINPROGRESS, ep.endpoint)
        if connect_timeout > 0 and ep.transport == ZL_TCP:
            # CONNECT_TIMEOUT, as libzmq: a connect not through by then is
            # closed (CLOSED) and tried again after the reconnect interval
            # (CONNECT_RETRIED); the handshake's deadline replaces this one
            conn.handshake_deadline = zl_now_ms() + connect_timeout
            conn_timers(c, conn)

cdef void resolver_in(zl_ctx *c) noexcept nogil:
    """Answers from the resolver thread: each endpoint still there connects
    to the address found, or tries again later."""
    cdef zl_resolve_req *q
    cdef zl_resolve_req *qn
    cdef zl_endpoint *ep
    if c.resolver == NULL:
        return
    q = resolver_take(c.resolver)
    while q != NULL:
        qn = q.next
        ep = q.ep
        if ep != NULL:
            ep.resolving = NULL
            if q.err == 0:
                memcpy(&ep.addr, &q.addr, sizeof(sockaddr_storage))
                ep.addrlen = q.addrlen
                ep.resolved = 1
                endpoint_connect(c, ep)
            else:
                endpoint_retry_later(c, ep)
        free(q)
        q = qn

cdef void conn_connected(zl_ctx *c, zl_conn *conn) noexcept nogil:
    cdef int err = 0
    cdef socklen_t len = sizeof(err)
    if getsockopt(conn.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 or err != 0:
        conn_close(c, conn, 1)
        return
    monitor_event_nolock(c, conn.sock, ZL_EVENT_CONNECTED, conn.fd, conn.endpoint)
    conn.handshake_deadline = 0     # CONNECT_TIMEOUT's, if any
    conn_timers(c, conn)
    if conn_start(c, conn) < 0:
        conn_close(c, conn, 1)

cdef void conn_event(zl_ctx *c, zl_conn *conn, int events) noexcept nogil:
    if conn.state == ZL_CONN_CONNECTING:
        conn_connected(c, conn)
        return
    if events & (ZL_EV_IN | ZL_EV_ERR):
        if conn_in(c, conn) < 0:
            conn_close(c, conn, 1)
            return
    if events & ZL_EV_OUT:
        if conn_out(c, conn) < 0:
            conn_close(c, conn, 1)

cdef void conn_ready(zl_ctx *c, zl_conn *conn) noexcept nogil:
    """Flush what the user queued, resume reading if the pipe has room again."""
    cdef int resume
    if conn.state == ZL_CONN_CONNECTING:
        return
    if conn_take_back(c, conn) < 0:     # what a user thread's read left (inline_read.pyx)
        conn_close(c, conn, 1)
        return
    pthread_mutex_lock(&c.lock)
    resume = conn.pipe == NULL or not conn.pipe.in_paused
    pthread_mutex_unlock(&c.lock)
    if not (conn.events & ZL_EV_IN) and resume:
        conn_set_events(c, conn, conn.events | ZL_EV_IN)
        if conn_in(c, conn) < 0:
            conn_close(c, conn, 1)
            return
    if not (conn.events & ZL_EV_OUT):   # else the poller tells us when to write
        if conn_out(c, conn) < 0:
            conn_close(c, conn, 1)

cdef zl_conn *ctx_take_ready(zl_ctx *c) noexcept nogil:
    """The next connection on the ready list (taken off it), or NULL."""
    cdef zl_conn *conn
    pthread_mutex_lock(&c.lock)
    conn = c.ready
    if conn != NULL:
        c.ready = conn.ready_next
        conn.in_ready = 0
    pthread_mutex_unlock(&c.lock)
    return conn

cdef void socket_start_close(zl_ctx *c, zl_socket *s) noexcept nogil:
    cdef zl_listener *l
    cdef zl_listener *ln
    cdef int linger
    l = s.listeners
    while l != NULL:
        ln = l.next
        listener_close(c, l, 0)
        free(l)
        l = ln
    s.listeners = NULL
    pthread_mutex_lock(&c.lock)
    monitor_stop(c, s)      # after its listeners' CLOSED, as libzmq
    linger = s.linger
    pthread_mutex_unlock(&c.lock)
    s.linger_deadline = -1 if linger < 0 else zl_now_ms() + linger
    s.lingering = 1
    s.linger_next = c.lingering
    c.lingering = s

cdef int socket_drained(zl_ctx *c, zl_socket *s) noexcept nogil:
    """Whether a closing socket has nothing left to send (lock held)."""
    cdef int i
    cdef zl_pipe *p
    for i in range(s.npipes):
        p = s.pipes[i]
        if p.peer != NULL or p.dead:
            continue
        if p.connect_side and p.ep == NULL and c.terminating:
            continue    # inproc, never bound: its messages wait for a binder until term()
        if p.out.msgs > 0 or (p.conn != NULL and conn_pending_output(p.conn)):
            return 0
    return 1

cdef void socket_free(zl_ctx *c, zl_socket *s) noexcept nogil:
    """Frees a closed socket after its linger: connections, pipes, endpoints."""
    cdef zl_conn *conn = c.conns
    cdef zl_conn *nxt
    cdef zl_endpoint *ep
    cdef zl_socket **pp
    while conn != NULL:
        nxt = conn.next
        if conn.sock == s:
            conn_close(c, conn, 0)
        conn = nxt
    pp = &c.lingering
    while pp[0] != NULL:
        if pp[0] == s:
            pp[0] = s.linger_next
            break
        pp = &pp[0].linger_next
    s.lingering = 0
    pthread_mutex_lock(&c.lock)
    while s.npipes > 0:
        pipe_remove(s.pipes[s.npipes - 1])
    free(s.pipes)
    pipeset_clear(&s.fq)
    pipeset_clear(&s.lb)
    free(s.rids)
    while s.endpoints != NULL:
        ep = s.endpoints
        s.endpoints = ep.next
        endpoint_retry_cancel(c, ep)
        endpoint_forget_lookup(ep)
        free(ep)
    queue_clear(&s.tx)
    queue_clear(&s.rx)
    meta_unref(s.rx_meta)
    s.rx_meta = NULL
    queue_clear(&s.envelope)
    queue_clear(&s.xpub_rx)
    sublist_clear(&s.subs)
    free(s.xpub_welcome)
    free(s.xpub_from)
    pp = &c.sockets
    while pp[0] != NULL:
        if pp[0] == s:
            pp[0] = s.next
            break
        pp = &pp[0].next
    if s.holders > 0:
        s.torn_down = 1         # a thread still blocked on it frees it (sock_unhold)
    else:
        sock_free_struct(s)
    pthread_mutex_unlock(&c.lock)

cdef void endpoint_drop(zl_ctx *c, zl_endpoint *ep) noexcept nogil:
    """disconnect(): closes the endpoint's connection and drops its pipe."""
    cdef zl_socket *s = ep.sock
    cdef zl_endpoint **pp
    if ep.conn != NULL:
        conn_close(c, ep.conn, 0)
    endpoint_retry_cancel(c, ep)
    endpoint_forget_lookup(ep)
    pthread_mutex_lock(&c.lock)
    pp = &s.endpoints
    while pp[0] != NULL:
        if pp[0] == ep:
            pp[0] = ep.next
            break
        pp = &pp[0].next
    sock_signal(s)
    pthread_mutex_unlock(&c.lock)
    free(ep)

cdef void run_command(zl_ctx *c, zl_cmd *cmd) noexcept nogil:
    cdef zl_listener *l
    cdef zl_endpoint *ep
    if cmd.kind == ZL_CMD_LISTEN:
        l = <zl_listener *>cmd.ptr
        zl_poller_add(&c.poller, l.fd, listener_tag(l), ZL_EV_IN)
        monitor_event_nolock(c, l.sock, ZL_EVENT_LISTENING, l.fd, l.endpoint)
    elif cmd.kind == ZL_CMD_CONNECT:
        ep = <zl_endpoint *>cmd.ptr
        endpoint_connect(c, ep)
    elif cmd.kind == ZL_CMD_CLOSE:
        socket_start_close(c, <zl_socket *>cmd.ptr)
    elif cmd.kind == ZL_CMD_UNBIND:
        l = <zl_listener *>cmd.ptr
        listener_close(c, l, 1)
        free(l)
    elif cmd.kind == ZL_CMD_DISCONNECT:
        endpoint_drop(c, <zl_endpoint *>cmd.ptr)

cdef long long run_timers(zl_ctx *c) noexcept nogil:
    """Reconnects that are due and lingering sockets that are done.
    Returns the poll timeout in ms until the next timer (-1: none)."""
    cdef long long now = zl_now_ms(), next_at = -1
    cdef zl_socket *s
    cdef zl_socket *sn
    cdef zl_endpoint *ep
    cdef zl_endpoint *epn
    cdef zl_conn *conn
    cdef zl_conn *cn
    cdef int done
    cdef long long due
    cdef zl_listener *l
    cdef zl_listener *ln
    # listeners that ran out of descriptors watch for connections again
    l = c.paused_listeners
    while l != NULL:
        ln = l.paused_next
        if l.accept_retry_at <= now:
            listener_unpause(c, l)
            zl_poller_mod(&c.poller, l.fd, listener_tag(l), ZL_EV_IN)
        elif next_at < 0 or l.accept_retry_at < next_at:
            next_at = l.accept_retry_at
        l = ln
    # handshakes that take too long (HANDSHAKE_IVL), heartbeats: only the
    # connections on ctx.timed (conn_timers); closing one takes it off
    conn = c.timed
    while conn != NULL:
        cn = conn.timed_next
        due = conn_heartbeat(c, conn, now)
        if due < 0:
            conn_close(c, conn, 1)
            conn = cn
            continue
        if due > 0 and (next_at < 0 or due < next_at):
            next_at = due
        if conn.state != ZL_CONN_ACTIVE and conn.handshake_deadline > 0:
            if conn.handshake_deadline <= now:
                conn_close(c, conn, 1)
            elif next_at < 0 or conn.handshake_deadline < next_at:
                next_at = conn.handshake_deadline
        conn = cn
    # reconnects that are due (the list changes as we go: each is taken off
    # it before it is tried, and a failed attempt puts it back at the head)
    ep = c.retrying
    while ep != NULL:
        epn = ep.retry_next
        if ep.retry_at <= now:
            endpoint_connect(c, ep)     # a failure schedules it again
            if ep.conn != NULL and ep.conn.handshake_deadline > 0 and \
                    (next_at < 0 or ep.conn.handshake_deadline < next_at):
                next_at = ep.conn.handshake_deadline    # CONNECT_TIMEOUT (ctx.timed was walked above)
        if ep.retry_at > 0 and (next_at < 0 or ep.retry_at < next_at):
            next_at = ep.retry_at
        ep = epn
    # closed sockets whose messages are out, or whose LINGER has passed
    s = c.lingering
    while s != NULL:
        sn = s.linger_next
        pthread_mutex_lock(&c.lock)
        done = socket_drained(c, s)
        pthread_mutex_unlock(&c.lock)
        if done or (s.linger_deadline >= 0 and s.linger_deadline <= now):
            socket_free(c, s)
        elif s.linger_deadline >= 0 and (next_at < 0 or s.linger_deadline < next_at):
            next_at = s.linger_deadline
        s = sn
    if next_at < 0:
        return -1
    return next_at - now if next_at > now else 0

cdef void zap_in(zl_ctx *c) noexcept nogil:
    """Replies from the ZAP handler ([delimiter,] version, request id, status
    code, status text, user id, metadata: RFC 27), each to the connection
    waiting for it. A malformed reply, or one for a connection that is gone,
    is dropped. The connection is not closed here (other events of this poll
    round may be for it): a failure marks it to close once its ERROR is out."""
    cdef zl_socket *z = c.zap
    cdef zl_frame *f
    cdef zl_frame *parts[8]
    cdef int nparts, more, rc
    cdef unsigned long long rid
    cdef zl_conn *conn
    cdef unsigned char status[3]
    cdef size_t i
    if z == NULL:
        return
    while True:
        pthread_mutex_lock(&c.lock)
        zl_signaler_drain(z.sig_rfd)
        z.sig_pending = 0
        nparts = 0
        more = 1
        rc = 0
        while more:
            rc = sock_recv_frame(z, &f)
            if rc:
                break
            more = f.flags & ZL_FLAG_MORE
            if nparts < 8:
                parts[nparts] = f
                nparts += 1
            else:
                frame_free(f)
        pthread_mutex_unlock(&c.lock)
        if rc:
            return      # no more replies (EAGAIN)
        # skip the envelope's empty delimiter a REP handler puts back
        i = 1 if nparts > 0 and parts[0].size == 0 else 0
        rid = 0
        if nparts - i >= 4 and parts[i].size == 3 and memcmp(parts[i].data, b"1.0", 3) == 0 \
                and parts[i + 2].size == 3:
            rid = strtoull_n(parts[i + 1].data, parts[i + 1].size)
            memcpy(status, parts[i + 2].data, 3)
        conn = NULL
        if rid != 0 and status[0] >= 50 and status[0] <= 53:
            conn = c.conns
            while conn != NULL and conn.zap_id != rid:
                conn = conn.next
        if conn != NULL and status[0] == 50 and nparts - i >= 6:
            zap_keep_properties(conn, parts[i + 4], parts[i + 5])
        for i in range(nparts):
            frame_free(parts[i])
        if conn != NULL and conn_zap_reply(c, conn, status) < 0:
            conn.close_after_flush = 1
            conn_mark_ready_nolock(c, conn)

cdef void zap_keep_properties(zl_conn *conn, zl_frame *user_id, zl_frame *metadata) noexcept nogil:
    """A ZAP 200's user id and metadata become properties of the peer's
    messages (Frame.get("User-Id")), as libzmq hands them back. The metadata
    is already in property encoding (RFC 27); a malformed one is left out."""
    cdef size_t pos = 0, nl, vl
    cdef const unsigned char *name
    cdef const unsigned char *value
    cdef int rc
    while True:         # check the handler's metadata before trusting its lengths
        rc = property_next(metadata.data, metadata.size, &pos, &name, &nl, &value, &vl)
        if rc <= 0:
            break
    if rc < 0:
        metadata = NULL
    free(conn.zap_props)
    conn.zap_props_len = 0
    conn.zap_props = <unsigned char *>malloc(5 + 7 + user_id.size + (metadata.size if metadata != NULL else 0))
    if conn.zap_props == NULL:
        return
    if user_id.size:        # as libzmq: an empty user id is no property
        conn.zap_props_len = property_put(conn.zap_props, "User-Id", user_id.data, user_id.size)
    if metadata != NULL and metadata.size:
        memcpy(conn.zap_props + conn.zap_props_len, metadata.data, metadata.size)
        conn.zap_props_len += metadata.size

cdef unsigned long long strtoull_n(const unsigned char *p, size_t n) noexcept nogil:
    """A ZAP request id we gave out (a decimal number), or 0."""
    cdef unsigned long long v = 0
    cdef size_t i
    if n == 0 or n > 19:
        return 0
    for i in range(n):
        if p[i] < 48 or p[i] > 57:
            return 0
        v = v * 10 + (p[i] - 48)
    return v

cdef void *io_thread_main(void *arg) noexcept nogil:
    cdef zl_ctx *c = <zl_ctx *>arg
    cdef zl_event events[256]
    cdef zl_cmd *cmd
    cdef zl_conn *conn
    cdef int n, i, quit
    cdef long long timeout
    cdef size_t tag
    while True:
        # commands, one at a time so each sees the state the previous left
        while True:
            pthread_mutex_lock(&c.lock)
            c.io_sleeping = 0
            cmd = c.cmds
            if cmd != NULL:
                c.cmds = cmd.next
                if c.cmds == NULL:
                    c.cmds_tail = NULL
            pthread_mutex_unlock(&c.lock)
            if cmd == NULL:
                break
            run_command(c, cmd)     # may free the object cmd lives in
        # connections with output queued by user threads
        while True:
            conn = ctx_take_ready(c)
            if conn == NULL:
                break
            conn_ready(c, conn)
        timeout = run_timers(c)
        pthread_mutex_lock(&c.lock)
        quit = c.stop and c.nsockets == 0
        if c.cmds != NULL or c.ready != NULL:
            timeout = 0
        else:
            c.io_sleeping = 1
        pthread_mutex_unlock(&c.lock)
        if quit:
            pthread_mutex_lock(&c.lock)
            zap_close(c)
            pthread_mutex_unlock(&c.lock)
            if c.resolver != NULL:
                resolver_stop(c.resolver, &c.poller)    # a lookup in flight is not waited for
                c.resolver = NULL
            break
        if timeout > 1000000:
            timeout = 1000000
        n = zl_poller_wait(&c.poller, events, 256, <int>timeout)
        for i in range(n):
            tag = <size_t>events[i].data
            if tag == 0:
                zl_signaler_drain(c.wake_rfd)
            elif tag == <size_t>ZAP_TAG:
                zap_in(c)
            elif tag == <size_t>RESOLVER_TAG:
                resolver_in(c)
            elif tag & 1:
                listener_accept(c, <zl_listener *>(tag & ~(<size_t>1)))
            else:
                conn_event(c, <zl_conn *>events[i].data, events[i].events)
    return NULL
