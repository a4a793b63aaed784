# The engine: one TCP/IPC connection speaking ZMTP 3.1, its security handshake
# delegated to the connection's mechanism (src/mechanisms/).
# Runs only on the I/O thread, without the GIL; it takes the context lock just
# to splice batches of frames to and from the pipe. (A user thread blocked in
# recv may hold a connection's read side and use the decoder and conn_deliver
# from here: src/inline_read.pyx, docs/threading.md.)
#
# Rules:
# - Greeting: we send our 64 bytes at once and check the peer's as its bytes
#   arrive, dropping a non-ZMTP-3 peer at the first bad byte (docs/zmtp.md).
# - Handshake: the mechanism's commands (NULL: READY with Socket-Type, and
#   Identity for REQ/DEALER/ROUTER, each way) until it hands over the peer's
#   metadata; an incompatible peer type, or a mechanism that says no, closes
#   the connection (conn_attach).
# - Reading fills a 64 KiB buffer and decodes every frame in it; a large body
#   is read straight into its frame. Completed messages are handed to the pipe
#   in one batch per read. At RCVHWM we stop reading (TCP back-pressure).
# - Writing gathers many frames into one writev(2): headers and small bodies
#   are copied into a 64 KiB buffer, larger bodies are written from their own
#   frames. Where "larger" starts depends on the transport (conn.copy_max),
#   measured with 4 KiB messages: over ipc, a copy costs more than an iovec
#   (the frame was just filled on the user thread's core, so copying it pulls
#   every cache line across; 520k -> 820k msg/s without it), while TCP goes
#   faster from one contiguous buffer (540k against 450k msg/s). Frames stay
#   in `inflight` until their last byte is written, so a dropped connection
#   can put every message it had not started writing back at the head of a
#   connect-side pipe.

cdef enum:
    ZL_CONN_CONNECTING = 0
    ZL_CONN_GREETING = 1
    ZL_CONN_HANDSHAKE = 2
    ZL_CONN_ACTIVE = 3

cdef enum:
    INLINE_MAX = 4096           # largest message a user thread writes itself
    INLINE_GAP_NS = 20000       # ...and only if the previous one left longer ago than this
    RBUF_SIZE = 65536
    WBUF_SIZE = 65536
    WIOV_MAX = 64           # pieces in one writev (zl_conn.wiov)
    COPY_MAX_IPC = 2048     # bodies below this are copied into the write buffer...
    COPY_MAX_TCP = 8193     # ...over TCP, up to 8 KiB (see above)
    WBATCH_MAX = 262144     # bytes taken from the pipe for one writev (after the first frame)
    WRITE_BUDGET = 262144   # bytes one connection writes before the others get a turn
    DIRECT_READ = 16384     # bodies missing at least this are read in place
    IPC_BUFFER = 1048576    # kernel buffers of ipc connections by default (conn_set_buffer)
    LOWAT_MIN = 131072      # bodies missing at least this wait for that much (conn_wait_for_body)
    LOWAT_MAX = 524288

cdef void endpoint_retry_at(zl_ctx *c, zl_endpoint *ep, long long at) noexcept nogil:
    """Schedules ep's next connect attempt (on ctx.retrying, I/O thread only:
    the timers never walk the sockets' endpoint lists, which user threads change)."""
    if ep.retry_at == 0:
        ep.retry_next = c.retrying
        c.retrying = ep
    ep.retry_at = at

cdef void endpoint_retry_cancel(zl_ctx *c, zl_endpoint *ep) noexcept nogil:
    cdef zl_endpoint **pp = &c.retrying
    if ep.retry_at == 0:
        return
    while pp[0] != NULL:
        if pp[0] == ep:
            pp[0] = ep.retry_next
            break
        pp = &pp[0].retry_next
    ep.retry_next = NULL
    ep.retry_at = 0

cdef void conn_timers(zl_ctx *c, zl_conn *conn) noexcept nogil:
    """Puts conn on ctx.timed while it has a timer to keep (a handshake that
    has a deadline, heartbeats of ours, or a TTL the peer asked for), and
    takes it off when it has none, so the I/O thread's timer pass visits only
    those (with thousands of connections it ran for each of them per loop)."""
    conn_timed(c, conn, (conn.state != ZL_CONN_ACTIVE and conn.handshake_deadline > 0) or
               (conn.state == ZL_CONN_ACTIVE and (conn.heartbeat_ivl > 0 or conn.peer_ttl > 0)))

cdef void conn_timed(zl_ctx *c, zl_conn *conn, int need) noexcept nogil:
    """Puts conn on ctx.timed (need) or takes it off (a doubly linked list)."""
    if need and conn.timed_pprev == NULL:
        conn.timed_next = c.timed
        if c.timed != NULL:
            c.timed.timed_pprev = &conn.timed_next
        c.timed = conn
        conn.timed_pprev = &c.timed
    elif not need and conn.timed_pprev != NULL:
        conn.timed_pprev[0] = conn.timed_next
        if conn.timed_next != NULL:
            conn.timed_next.timed_pprev = conn.timed_pprev
        conn.timed_next = NULL
        conn.timed_pprev = NULL

cdef void conn_set_buffer(int fd, int which, int size, int is_unix) noexcept nogil:
    """SO_SNDBUF/SO_RCVBUF from the SNDBUF/RCVBUF options: a size > 0 as set,
    0 the OS default. Left at -1, ipc asks for IPC_BUFFER: with the default
    208 KiB a 1 MiB message needs five wake-ups of each I/O thread, and
    1 MiB buffers took ipc from 3.8 to 4.3 GB/s (the kernel caps the request
    at net.core.wmem_max/rmem_max). TCP keeps the kernel's autotuning, which
    a fixed size would turn off."""
    if size == -1 and is_unix:
        size = IPC_BUFFER
    if size > 0:
        setsockopt(fd, SOL_SOCKET, which, &size, sizeof(size))

cdef void conn_tune_keepalive(int fd, int keepalive, int cnt, int idle, int intvl) noexcept nogil:
    """TCP_KEEPALIVE and its _CNT, _IDLE, _INTVL on a tcp connection, as
    libzmq: -1 leaves the OS's setting; the three tunings apply only when
    TCP_KEEPALIVE is set (to 0 or 1). A failure leaves the OS's value."""
    if keepalive == -1:
        return
    zl_setsockopt_int(fd, SOL_SOCKET, SO_KEEPALIVE, keepalive)
    if cnt != -1:
        zl_setsockopt_int(fd, IPPROTO_TCP, TCP_KEEPCNT, cnt)
    if idle != -1:
        zl_setsockopt_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, idle)
    if intvl != -1:
        zl_setsockopt_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, intvl)

cdef void sock_set_tos(int fd, int tos) noexcept nogil:
    """TOS on a tcp socket (before connect() or listen(), as libzmq): IP_TOS,
    and IPV6_TCLASS for IPv6 (which an IPv4 socket refuses, harmlessly)."""
    if tos != 0:
        zl_setsockopt_int(fd, IPPROTO_IP, IP_TOS, tos)
        zl_setsockopt_int(fd, IPPROTO_IPV6, IPV6_TCLASS, tos)

cdef zl_conn *conn_new(zl_ctx *c, zl_socket *s, int fd, zl_endpoint *ep, zl_listener *lst) noexcept nogil:
    """A connection on fd, registered with the poller; NULL when out of
    memory (the caller closes fd)."""
    cdef zl_conn *conn = <zl_conn *>calloc(1, sizeof(zl_conn))
    cdef sockaddr_storage local
    cdef socklen_t local_len = sizeof(local)
    cdef int sndbuf, rcvbuf, keepalive, keepalive_cnt, keepalive_idle, keepalive_intvl
    cdef long long maxmsgsize
    if conn == NULL:
        return NULL
    conn.rbuf = <unsigned char *>malloc(RBUF_SIZE)
    conn.wbuf = <unsigned char *>malloc(WBUF_SIZE)
    if conn.rbuf == NULL or conn.wbuf == NULL:
        free(conn.rbuf)
        free(conn.wbuf)
        free(conn)
        return NULL
    conn.sock = s
    conn.raw = (SOCKET_TYPES[s.type].flags & T_RAW) != 0
    conn.fd = fd
    conn.ep = ep
    conn.lst = lst
    conn.peer_type = -1
    local.ss_family = AF_UNSPEC
    getsockname(fd, <sockaddr *>&local, &local_len)
    conn.is_tcp = local.ss_family != AF_UNIX
    conn.copy_max = COPY_MAX_TCP if conn.is_tcp else COPY_MAX_IPC
    conn.rcvlowat = 1
    pthread_mutex_lock(&c.lock)
    sndbuf = s.sndbuf
    rcvbuf = s.rcvbuf
    maxmsgsize = s.maxmsgsize
    conn.heartbeat_ivl = s.heartbeat_ivl
    conn.heartbeat_timeout = s.heartbeat_timeout if s.heartbeat_timeout >= 0 else s.heartbeat_ivl
    conn.heartbeat_ttl = s.heartbeat_ttl
    conn.handshake_ivl = s.handshake_ivl
    conn.tcp_maxrt = s.tcp_maxrt
    keepalive = s.tcp_keepalive
    keepalive_cnt = s.tcp_keepalive_cnt
    keepalive_idle = s.tcp_keepalive_idle
    keepalive_intvl = s.tcp_keepalive_intvl
    conn.router_notify = s.router_notify
    conn.as_server = s.as_server
    if s.mechanism == ZL_MECH_CURVE:
        conn.mech = &CURVE_MECHANISM
    elif s.mechanism == ZL_MECH_PLAIN:
        conn.mech = &PLAIN_MECHANISM
    else:
        conn.mech = &NULL_MECHANISM
    conn.seal_overhead = conn.mech.seal_overhead
    pthread_mutex_unlock(&c.lock)
    conn_set_buffer(fd, SO_SNDBUF, sndbuf, not conn.is_tcp)
    conn_set_buffer(fd, SO_RCVBUF, rcvbuf, not conn.is_tcp)
    if conn.is_tcp:
        conn_tune_keepalive(fd, keepalive, keepalive_cnt, keepalive_idle, keepalive_intvl)
    decoder_init(&conn.dec, maxmsgsize)
    if ep != NULL:
        strcpy(conn.endpoint, ep.endpoint)
    elif lst != NULL:
        strcpy(conn.endpoint, lst.endpoint)
    if ep != NULL:
        ep.conn = conn      # conn.pipe is set at READY, under the lock
    conn.next = c.conns
    c.conns = conn
    conn.state = ZL_CONN_CONNECTING
    conn.events = ZL_EV_OUT
    conn.registered = ZL_EV_OUT
    zl_poller_add(&c.poller, fd, conn, ZL_EV_OUT)
    return conn

cdef inline int conn_interest(zl_conn *conn) noexcept nogil:
    """What the poller watches for conn (lock held): what the I/O thread wants,
    without reading while a user thread holds the read side (inline_read.pyx).
    The one place this is computed, so that neither thread puts back what the
    other took out."""
    return conn.events & ~ZL_EV_IN if conn.reader else conn.events

cdef void conn_sync_interest(zl_ctx *c, zl_conn *conn) noexcept nogil:
    """Registers conn_interest with the poller when it changed (lock held:
    epoll_ctl is thread-safe against the I/O thread's epoll_wait and never
    blocks; the lock orders the two threads' changes)."""
    cdef int want = conn_interest(conn)
    if want != conn.registered:
        conn.registered = want
        zl_poller_mod(&c.poller, conn.fd, conn, want)

cdef void conn_set_events(zl_ctx *c, zl_conn *conn, int events) noexcept nogil:
    if events != conn.events:
        pthread_mutex_lock(&c.lock)
        conn.events = events
        conn_sync_interest(c, conn)
        pthread_mutex_unlock(&c.lock)

cdef int conn_start(zl_ctx *c, zl_conn *conn) noexcept nogil:
    """The TCP/IPC connection is up: send our greeting, read the peer's (a
    raw one is attached at once). 0, or -1 when the caller must close it."""
    if conn.is_tcp and conn.tcp_maxrt > 0:
        # as libzmq off Windows: TCP_MAXRT is TCP_USER_TIMEOUT, set once connected
        zl_setsockopt_int(conn.fd, IPPROTO_TCP, TCP_USER_TIMEOUT, conn.tcp_maxrt)
    if conn.raw:
        if conn_attach_raw(c, conn) < 0:
            return -1
        conn_timers(c, conn)
        conn_set_events(c, conn, ZL_EV_IN | ZL_EV_OUT)
        return 0
    greeting_encode(conn.wbuf, conn.mech.name, conn.as_server, 1)
    conn_out_append(conn, conn.wbuf, 64)
    conn.wlen = 64
    conn.stream_queued = 64
    conn.state = ZL_CONN_GREETING
    conn.handshake_deadline = zl_now_ms() + conn.handshake_ivl if conn.handshake_ivl > 0 else 0
    conn_timers(c, conn)
    conn_set_events(c, conn, ZL_EV_IN | ZL_EV_OUT)
    return 0

cdef int peer_notice(zl_pipe *p) noexcept nogil:
    """Tells a STREAM's user (STREAM_NOTIFY) or a ROUTER's (ROUTER_NOTIFY)
    that p's peer came or went: an empty message from it (the user sees
    [id, b""]). 0, or -1 when out of memory."""
    cdef zl_frame *f = frame_new(0)
    if f == NULL:
        return -1
    if p.inq.msgs == 0:
        sock_signal(p.sock)
    queue_push(&p.inq, f)
    pipe_update(p)
    return 0

cdef int conn_attach_raw(zl_ctx *c, zl_conn *conn) noexcept nogil:
    """A STREAM's connection is up: no handshake, its pipe is attached at
    once (a bind-side one under a new routing id, a connect-side one keeps
    the id it got at connect()), and with STREAM_NOTIFY the user hears of it.
    As libzmq, no HANDSHAKE_SUCCEEDED event. 0, or -1 to drop the connection."""
    cdef zl_socket *s = conn.sock
    cdef zl_pipe *p
    pthread_mutex_lock(&c.lock)
    if s.closing and conn.ep == NULL:
        pthread_mutex_unlock(&c.lock)
        return -1
    if conn.ep != NULL:
        p = conn.ep.pipe
        if p == NULL:
            pthread_mutex_unlock(&c.lock)
            return -1
        conn.ep.cur_ivl = s.reconnect_ivl
    else:
        p = pipe_new(s, 0)
        if p == NULL:
            pthread_mutex_unlock(&c.lock)
            return -1
        if router_assign_rid(s, p, NULL, 0) < 0:
            pipe_remove(p)
            pthread_mutex_unlock(&c.lock)
            return -1
    if s.stream_notify and peer_notice(p) < 0:
        if conn.ep == NULL:
            pipe_remove(p)
        pthread_mutex_unlock(&c.lock)
        return -1
    p.conn = conn
    p.active = 1
    pipe_update(p)
    conn.pipe = p
    conn.state = ZL_CONN_ACTIVE
    conn.last_recv = zl_now_ms()
    if p.out.head != NULL:
        conn_mark_ready(c, conn)     # sent before the connection was up
    sock_signal(s)
    pthread_mutex_unlock(&c.lock)
    return 0

cdef zl_meta *conn_properties(zl_conn *conn, const unsigned char *meta, size_t meta_len) noexcept nogil:
    """The properties of the peer's messages (as libzmq attaches them): its
    handshake metadata, what ZAP said (User-Id and metadata), Peer-Address.
    NULL when out of memory (the messages then have none)."""
    cdef char address[64]
    cdef size_t alen
    cdef zl_meta *m
    conn_peer_address(conn, address, sizeof(address))
    alen = strlen(address)
    m = meta_new(meta_len + conn.zap_props_len + (5 + 12 + alen if alen else 0))
    if m == NULL:
        return NULL
    memcpy(m.data, meta, meta_len)
    if conn.zap_props_len:
        memcpy(m.data + meta_len, conn.zap_props, conn.zap_props_len)
    if alen:
        property_put(m.data + meta_len + conn.zap_props_len, "Peer-Address",
                     <const unsigned char *>address, alen)
    return m

cdef int conn_attach(zl_ctx *c, zl_conn *conn, const unsigned char *meta, size_t meta_len) noexcept nogil:
    """The handshake is complete: check the peer's socket type in its
    metadata, then attach the pipe (and give the peer its routing id). 0, or
    -1 to drop the peer."""
    cdef const unsigned char *value
    cdef size_t vlen
    cdef zl_socket *s = conn.sock
    cdef zl_pipe *p
    cdef zl_meta *props
    cdef int rc
    rc = property_find(meta, meta_len, "Socket-Type", &value, &vlen)
    if rc < 0:
        conn_failed(conn, ZL_EVENT_HANDSHAKE_FAILED_PROTOCOL, ZL_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY)
        return -1
    conn.peer_type = socket_type_from_name(value, vlen) if rc == 1 else -1
    if conn.peer_type < 0 or not types_compatible(s.type, conn.peer_type):
        conn_failed(conn, ZL_EVENT_HANDSHAKE_FAILED_PROTOCOL, ZL_PROTOCOL_ERROR_ZMTP_INVALID_METADATA)
        return -1
    props = conn_properties(conn, meta, meta_len)
    pthread_mutex_lock(&c.lock)
    if s.closing and conn.ep == NULL:
        # a new peer of a closed socket has nothing to receive; a connect-side
        # pipe may still hold what LINGER promises to deliver: let it through
        pthread_mutex_unlock(&c.lock)
        meta_unref(props)
        return -1
    if conn.ep != NULL:
        p = conn.ep.pipe
        if p == NULL:
            pthread_mutex_unlock(&c.lock)
            meta_unref(props)
            return -1
        conn.ep.cur_ivl = s.reconnect_ivl      # a good connection resets the backoff
    else:
        if not sock_takes_another_peer(s):
            pthread_mutex_unlock(&c.lock)
            meta_unref(props)
            return -1
        p = pipe_new(s, 0)
        if p == NULL:       # out of memory: this peer is refused
            pthread_mutex_unlock(&c.lock)
            meta_unref(props)
            return -1
    if property_find(meta, meta_len, "Identity", &value, &vlen) != 1:
        vlen = 0
    if router_assign_rid(s, p, value, vlen) < 0:
        if conn.ep == NULL:
            pipe_remove(p)
        pthread_mutex_unlock(&c.lock)
        meta_unref(props)
        return -1
    if conn.ep == NULL:
        sock_probe_peer(s, p)       # (a connect-side pipe got its probe at connect())
    p.conn = conn
    p.active = 1
    meta_unref(p.meta)      # a returning peer's may have changed
    p.meta = props
    props = NULL
    pipe_update(p)
    conn.pipe = p
    conn.state = ZL_CONN_ACTIVE
    conn.last_recv = zl_now_ms()
    # e.g. a new or returning publisher learns every subscription (or, out of
    # memory, the connection is retried rather than left missing some)
    if sock_greet_peer(s, &conn.ctrl) < 0:
        p.conn = NULL
        p.active = 0
        conn.pipe = NULL
        if conn.ep == NULL:
            pipe_remove(p)
        else:
            pipe_update(p)
        pthread_mutex_unlock(&c.lock)
        return -1
    if conn.ctrl.head != NULL:
        conn_mark_ready(c, conn)
    if p.out.head != NULL:
        conn_mark_ready(c, conn)     # messages queued while the peer was away
    # ROUTER_NOTIFY, as libzmq's engine: once the handshake is done, before
    # anything the peer sends (out of memory: unsaid). inproc has no engine,
    # so no notice there either.
    if conn.router_notify & ZL_NOTIFY_CONNECT:
        peer_notice(p)
    sock_signal(s)
    monitor_event(s, ZL_EVENT_HANDSHAKE_SUCCEEDED, 0, conn.endpoint)
    pthread_mutex_unlock(&c.lock)
    return 0

cdef int conn_zap_reply(zl_ctx *c, zl_conn *conn, const unsigned char *status) noexcept nogil:
    """The ZAP handler answered conn's request (io_thread.pyx: zap_in): the
    mechanism goes on, and may complete the handshake. 0, or -1 when the
    caller must close the connection."""
    cdef const unsigned char *meta
    cdef size_t meta_len
    cdef int rc
    conn.zap_id = 0
    rc = conn.mech.zap_reply(conn, status, &meta, &meta_len)
    if rc == 1:
        rc = conn_attach(c, conn, meta, meta_len)
        conn_timers(c, conn)
    if rc < 0:
        return -1
    conn_mark_ready_nolock(c, conn)     # WELCOME, READY or ERROR goes out
    return 0

cdef int conn_on_command(zl_ctx *c, zl_conn *conn, zl_frame *f) noexcept nogil:
    """Commands after the handshake. PING is answered with PONG echoing its
    context (RFC 37); ERROR is fatal; others are ignored. 0 or -1."""
    cdef zl_frame *pong
    if command_is(f, "PING"):
        if f.size < 7:
            return -1
        # the peer asks to be dropped when it is silent for TTL deciseconds
        conn.peer_ttl = (<long long>f.data[5] << 8 | f.data[6]) * 100
        conn_timers(c, conn)
        pong = command_new("PONG", f.data + 7, f.size - 7 if f.size - 7 <= 16 else 16)
        if pong == NULL:
            return 0        # out of memory: the peer gets no answer this time
        ctrl_put_latest(&conn.ctrl, pong, "PONG")
        conn_mark_ready_nolock(c, conn)
        return 0
    if command_is(f, "ERROR"):
        return -1
    return 0

cdef void ctrl_put_latest(zl_queue *ctrl, zl_frame *cmd, const char *name) noexcept nogil:
    """Queues a PING or PONG command, replacing one of the same name not yet
    sent. Commands are written only as fast as the peer reads, so a peer
    that keeps sending PINGs and never reads would otherwise grow our memory
    by a PONG each (measured: 200 MiB of PINGs -> +757 MiB resident), and
    one that never reads our heartbeats by a PING per HEARTBEAT_IVL. The
    latest context is the one worth echoing (RFC 37); a command already
    being written is no longer in ctrl."""
    cdef zl_frame **link = &ctrl.head
    cdef zl_frame *old
    while link[0] != NULL:
        # (ctrl also holds a publisher's welcome message, which may look like one)
        if (link[0].flags & ZL_FLAG_COMMAND) and command_is(link[0], name):
            old = link[0]
            cmd.next = old.next
            link[0] = cmd
            if ctrl.tail == old:
                ctrl.tail = cmd
            frame_free(old)
            return
        link = &link[0].next
    queue_push(ctrl, cmd)

cdef void conn_mark_ready_nolock(zl_ctx *c, zl_conn *conn) noexcept nogil:
    pthread_mutex_lock(&c.lock)
    conn_mark_ready(c, conn)
    pthread_mutex_unlock(&c.lock)

cdef int conn_consume(zl_ctx *c, zl_conn *conn, const unsigned char *data, size_t n, zl_queue *batch) noexcept nogil:
    """Feeds received bytes through greeting, handshake and frame decoding.
    Whole data messages are appended to batch. Returns 0, or -1 to drop the peer."""
    cdef size_t pos = 0, used, take
    cdef zl_frame *f
    cdef int rc
    if conn.close_after_flush:
        return 0        # the handshake failed: only our ERROR still goes out
    if conn.raw:
        # a STREAM's peer: each read is one message, as it came
        f = frame_new(n)
        if f == NULL:
            return -1
        memcpy(f.data, data, n)
        queue_push(batch, f)
        return 0
    while pos < n:
        if conn.state == ZL_CONN_GREETING:
            take = 64 - conn.greeting_len
            if take > n - pos:
                take = n - pos
            memcpy(conn.greeting + conn.greeting_len, data + pos, take)
            conn.greeting_len += take
            pos += take
            if greeting_check_prefix(conn.greeting, conn.greeting_len) < 0:
                conn_failed(conn, ZL_EVENT_HANDSHAKE_FAILED_PROTOCOL, ZL_PROTOCOL_ERROR_ZMTP_UNSPECIFIED)
                return -1
            if conn.greeting_len < 64:
                continue
            if not mechanism_greeting_matches(conn.mech, conn.greeting):
                conn_failed(conn, ZL_EVENT_HANDSHAKE_FAILED_PROTOCOL,
                            ZL_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH)
                return -1
            conn.peer_minor = conn.greeting[11]
            conn.state = ZL_CONN_HANDSHAKE
            if conn.mech.start(conn) < 0:
                return -1       # (conn_close frees what the mechanism made)
            conn_mark_ready_nolock(c, conn)
            continue
        rc = decoder_feed(&conn.dec, data + pos, n - pos, &used, &f)
        pos += used
        if rc < 0:
            conn_failed(conn, ZL_EVENT_HANDSHAKE_FAILED_PROTOCOL, ZL_PROTOCOL_ERROR_ZMTP_UNSPECIFIED)
            return -1
        if rc == ZL_DEC_NEED_DATA:
            break
        if conn_on_frame(c, conn, f, batch) < 0:
            return -1
    return 0

cdef int conn_on_frame(zl_ctx *c, zl_conn *conn, zl_frame *f, zl_queue *batch) noexcept nogil:
    cdef int rc = 0
    cdef const unsigned char *meta
    cdef size_t meta_len
    if conn.state == ZL_CONN_ACTIVE and conn.mech.open != NULL and conn.mech.open(conn, f) < 0:
        frame_free(f)       # a frame that does not open (forged, replayed, reordered)
        return -1
    if f.flags & ZL_FLAG_COMMAND:
        if conn.state == ZL_CONN_HANDSHAKE:
            rc = conn.mech.on_command(conn, f, &meta, &meta_len)
            if rc < 0:
                conn_failed(conn, ZL_EVENT_HANDSHAKE_FAILED_PROTOCOL,
                            ZL_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND)
            if rc == 1:
                rc = conn_attach(c, conn, meta, meta_len)
                conn_timers(c, conn)        # the handshake's deadline is over
            if rc >= 0 and conn.ctrl.head != NULL:
                conn_mark_ready_nolock(c, conn)     # the mechanism's answer goes out
        elif (SOCKET_TYPES[conn.sock.type].flags & T_PUBLISHER) and \
                (command_is(f, "SUBSCRIBE") or command_is(f, "CANCEL")):
            queue_push(batch, f)     # applied by the socket, in order with 3.0-style ones
            return 0
        else:
            rc = conn_on_command(c, conn, f)
        frame_free(f)
        return rc
    if conn.state != ZL_CONN_ACTIVE:
        frame_free(f)
        return -1
    queue_push(&conn.msg, f)
    if not (f.flags & ZL_FLAG_MORE):
        queue_splice(batch, &conn.msg)
    return 0

cdef inline int conn_deliver(zl_ctx *c, zl_conn *conn, zl_queue *batch) noexcept nogil:
    """Hands whole received messages to the pipe. Returns 1 when reading
    must pause because the pipe reached RCVHWM."""
    return conn_deliver_to(c, conn, batch, 1)

cdef int conn_deliver_to(zl_ctx *c, zl_conn *conn, zl_queue *batch, int wake) noexcept nogil:
    """conn_deliver; without wake, the socket's waiters are not signalled
    (the caller is the thread blocked in recv on it: inline_read.pyx)."""
    cdef zl_pipe *p
    cdef int paused = 0
    if batch.head == NULL:
        return 0
    pthread_mutex_lock(&c.lock)
    p = conn.pipe
    if p == NULL:       # disconnected meanwhile: nobody to deliver to
        pthread_mutex_unlock(&c.lock)
        queue_clear(batch)
        return 0
    if p.inq.msgs == 0 and wake:
        sock_signal(p.sock)
    queue_splice(&p.inq, batch)
    if sock_conflates(p.sock, T_CONFLATE_IN):
        pipe_conflate_in(p)     # and RCVHWM does not apply: never pause
    pipe_update(p)
    if p.inq.msgs >= p.sock.rcvhwm and not sock_conflates(p.sock, T_CONFLATE_IN):
        p.in_paused = 1
        paused = 1
    pthread_mutex_unlock(&c.lock)
    return paused

cdef void conn_wait_for_body(zl_conn *conn) noexcept nogil:
    """TCP on Linux: before waiting, asks the kernel not to report (nor wake
    us for) fewer bytes than the rest of a large body being read, so a 1 MiB
    frame costs a few wake-ups instead of one per arriving segment (measured:
    half the receiver's context switches, tcp 1 MiB +15%). Never more than is
    still missing, so the frame's own bytes always make us readable, nor more
    than a quarter of the receive buffer, so the sender's window allows it
    (kernels before 4.18 do not grow the buffer for the mark themselves)."""
    cdef unsigned char *direct
    cdef size_t want = 0
    cdef int lowat = 1
    cdef int rcvbuf = 0
    cdef socklen_t optlen = sizeof(rcvbuf)
    if not ZL_TCP_LOWAT or not conn.is_tcp:
        return
    # with heartbeats any bytes count as traffic: read them as they come
    if conn.state == ZL_CONN_ACTIVE and conn.heartbeat_ivl <= 0 and conn.peer_ttl <= 0:
        want = decoder_direct(&conn.dec, &direct)
    if want >= LOWAT_MIN:
        lowat = <int>(want if want < LOWAT_MAX else LOWAT_MAX)
        if getsockopt(conn.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &optlen) < 0 or rcvbuf // 4 < lowat:
            lowat = rcvbuf // 4 if rcvbuf // 4 >= LOWAT_MIN else 1
    if lowat != conn.rcvlowat:
        conn.rcvlowat = lowat
        setsockopt(conn.fd, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof(lowat))

cdef inline int conn_inline_eligible(zl_conn *conn) noexcept nogil:
    """Whether a user thread may read conn itself (inline_read.pyx): a data
    connection without per-frame crypto (NULL, PLAIN), not raw, without
    heartbeats (their bookkeeping stays the I/O thread's), on a poller that
    other threads may change (epoll). I/O thread only."""
    return (ZL_POLLER_SHARED and conn.state == ZL_CONN_ACTIVE and not conn.raw and
            conn.mech.open == NULL and conn.heartbeat_ivl <= 0 and conn.peer_ttl <= 0 and
            not conn.close_after_flush)

cdef int conn_in(zl_ctx *c, zl_conn *conn) noexcept nogil:
    """Reads conn unless a user thread holds its read side (then it is that
    thread's to read, and the poller no longer watches it for input)."""
    cdef int guarded = conn.inline_ok     # (only the I/O thread writes it)
    cdef int rc, ok
    if guarded:
        pthread_mutex_lock(&c.lock)
        if conn.reader:
            pthread_mutex_unlock(&c.lock)
            return 0
        conn.io_reading = 1
        pthread_mutex_unlock(&c.lock)
    rc = conn_read(c, conn)
    ok = rc == 0 and conn_inline_eligible(conn)
    if guarded or ok:
        pthread_mutex_lock(&c.lock)
        conn.io_reading = 0
        conn.inline_ok = ok
        pthread_mutex_unlock(&c.lock)
    return rc

cdef int conn_take_back(zl_ctx *c, zl_conn *conn) noexcept nogil:
    """The I/O thread's part of a read a user thread stopped (handback): the
    command it decoded and the bytes after it, or the fault it met, handled
    exactly as conn_read would have. Returns 0, or -1 to drop the peer."""
    cdef zl_queue batch
    cdef zl_frame *f
    cdef int hb, ok, paused
    pthread_mutex_lock(&c.lock)
    hb = conn.handback
    conn.handback = 0
    if hb:
        conn.io_reading = 1
    pthread_mutex_unlock(&c.lock)
    if not hb:
        return 0
    conn.last_recv = zl_now_ms()
    if conn.rb_fault:
        return -1
    queue_init(&batch)
    f = conn.rb_frame
    conn.rb_frame = NULL
    if f != NULL and conn_on_frame(c, conn, f, &batch) < 0:
        conn_deliver(c, conn, &batch)
        return -1
    if conn.rb_pos < conn.rb_end and conn_consume(c, conn, conn.rbuf + conn.rb_pos,
                                                  conn.rb_end - conn.rb_pos, &batch) < 0:
        conn_deliver(c, conn, &batch)
        return -1
    conn.rb_pos = conn.rb_end = 0
    paused = conn_deliver(c, conn, &batch)
    ok = conn_inline_eligible(conn)
    pthread_mutex_lock(&c.lock)
    conn.io_reading = 0
    conn.inline_ok = ok
    if conn.pipe != NULL and conn.pipe.in_paused:
        paused = 1      # (the user thread's delivery reached RCVHWM)
    pthread_mutex_unlock(&c.lock)
    if paused:
        conn_set_events(c, conn, conn.events & ~ZL_EV_IN)
    return 0

cdef int conn_read(zl_ctx *c, zl_conn *conn) noexcept nogil:
    """Readable: read and decode until the socket is drained (bounded, so one
    busy peer cannot starve the others). Returns 0, or -1 to drop the peer."""
    cdef ssize_t n
    cdef unsigned char *direct
    cdef size_t want
    cdef zl_frame *f
    cdef zl_queue batch
    cdef int rounds
    queue_init(&batch)
    for rounds in range(16):
        want = decoder_direct(&conn.dec, &direct) if conn.state == ZL_CONN_ACTIVE and not conn.raw else 0
        if want >= DIRECT_READ:
            n = recv(conn.fd, direct, want, 0)
            if n > 0:
                if decoder_direct_done(&conn.dec, n, &f) == ZL_DEC_FRAME:
                    if conn_on_frame(c, conn, f, &batch) < 0:
                        conn_deliver(c, conn, &batch)   # whole messages before the fault count
                        return -1
        else:
            n = recv(conn.fd, conn.rbuf, RBUF_SIZE, 0)
            if n > 0:
                if conn_consume(c, conn, conn.rbuf, n, &batch) < 0:
                    conn_deliver(c, conn, &batch)   # whole messages before the fault count
                    return -1
        if n > 0:
            conn.last_recv = zl_now_ms()     # any traffic counts as liveness (RFC 37)
        if n == 0:
            conn_failed(conn, ZL_EVENT_HANDSHAKE_FAILED_NO_DETAIL, EPIPE)   # libzmq's value for EOF
            conn_deliver(c, conn, &batch)
            return -1
        if n < 0:
            if errno == EINTR:
                continue
            if errno == EAGAIN or errno == EWOULDBLOCK:
                break
            conn_failed(conn, ZL_EVENT_HANDSHAKE_FAILED_NO_DETAIL, errno)
            conn_deliver(c, conn, &batch)
            return -1
        if batch.msgs >= 256 or n < RBUF_SIZE:
            if conn_deliver(c, conn, &batch):
                conn_set_events(c, conn, conn.events & ~ZL_EV_IN)
                conn_wait_for_body(conn)
                return 0
            if n < RBUF_SIZE and want < DIRECT_READ:
                break
    if conn_deliver(c, conn, &batch):
        conn_set_events(c, conn, conn.events & ~ZL_EV_IN)
    conn_wait_for_body(conn)    # on every way out: a stale low-water mark would hang the next frame
    return 0

cdef struct gather_room:
    size_t wbuf               # bytes left in the write buffer
    int pieces                # iovecs left
    int after_body            # the last piece is a frame's own body (or there is none yet)

cdef inline int frame_fits(zl_conn *conn, zl_frame *f, gather_room *room) noexcept nogil:
    """Whether f can join the output being gathered (see conn_fill), as
    conn_encode will lay it out; takes its room. The header (and a small body)
    extends the current write-buffer piece, or starts one after a body piece;
    a large body is a piece of its own."""
    cdef int copy_body = f.size < conn.copy_max
    cdef size_t body = f.size + (conn.seal_overhead if conn_seals(conn, f) else 0)
    # an upper bound: a ZMTP 3.0 subscription is shorter on the wire (frame_to_wire)
    cdef size_t need = (0 if conn.raw else zl_frame_header_size(body)) + (body if copy_body else 0)
    cdef int npieces = (1 if room.after_body else 0) + (0 if copy_body else 1)
    if need > room.wbuf or npieces > room.pieces:
        return 0
    room.wbuf -= need
    room.pieces -= npieces
    room.after_body = not copy_body
    return 1

cdef int conn_encode(zl_conn *conn, zl_frame *f, int keep) noexcept nogil:
    """Appends f to the output: header (and a small body) into the write
    buffer, a large body as a piece of its own. Frames not kept (`ctrl`
    commands: READY, PING, PONG, all small) must be copied. 0, or -1 when
    the connection must close (out of memory to encrypt a large frame)."""
    cdef const unsigned char *body
    cdef size_t body_len
    cdef int copy_body = f.size < conn.copy_max     # as frame_fits counted it
    cdef unsigned char *at = conn.wbuf + conn.wlen
    cdef size_t n
    if conn_seals(conn, f):
        return conn_encode_sealed(conn, f, keep)
    n = conn_frame_to_wire(conn, f, at, &body, &body_len)
    if copy_body:
        memcpy(at + n, body, body_len)
        n += body_len
        conn_out_append(conn, at, n)
        conn.wlen += n
    else:
        conn_out_append(conn, at, n)
        conn.wlen += n
        conn_out_append(conn, <unsigned char *>body, body_len)
    conn.stream_queued += n if copy_body else n + body_len
    f.wire_end = conn.stream_queued
    if keep:
        queue_push(&conn.inflight, f)
    else:
        frame_free(f)
    return 0

cdef int conn_encode_sealed(zl_conn *conn, zl_frame *f, int keep) noexcept nogil:
    """conn_encode for a connection that encrypts (CURVE): the frame goes as a
    data frame holding its sealed form. A small one is sealed straight into
    the write buffer; a large one into a frame of its own on `sealed`, freed
    once written, while `inflight` keeps the plaintext for a reconnect. Either
    way the body is read once, by the cipher."""
    cdef size_t sealed_len = f.size + conn.seal_overhead
    cdef unsigned char *at = conn.wbuf + conn.wlen
    cdef size_t n = zl_put_frame_header(at, 0, sealed_len)
    cdef zl_frame *sf = NULL
    cdef int rc
    if f.size < conn.copy_max:
        rc = conn.mech.seal(conn, f, at + n)
        if rc == 0:
            n += sealed_len
            conn_out_append(conn, at, n)
            conn.wlen += n
            conn.stream_queued += n
    else:
        sf = frame_new(sealed_len)
        rc = -1 if sf == NULL else conn.mech.seal(conn, f, sf.data)
        if rc == 0:
            conn_out_append(conn, at, n)
            conn.wlen += n
            conn_out_append(conn, sf.data, sealed_len)
            conn.stream_queued += n + sealed_len
            sf.wire_end = conn.stream_queued
            queue_push(&conn.sealed, sf)
        elif sf != NULL:
            frame_free(sf)
    # (not encoded: placed as if it came next, so that conn_requeue gives it back)
    f.wire_end = conn.stream_queued + (0 if rc == 0 else conn_wire_len(conn, f))
    if keep:
        queue_push(&conn.inflight, f)
    else:
        frame_free(f)
    return rc

cdef int conn_fill(zl_ctx *c, zl_conn *conn) noexcept nogil:
    """Gathers the next output once the previous is written: commands first,
    then a run of pipe frames that fits the write buffer and WIOV_MAX pieces,
    up to about WBATCH_MAX bytes. Returns 1 when there was nothing to write
    and the write side went to user threads (out_idle: the caller must not
    touch it again until conn_mark_ready gives it back), -1 when a STREAM's
    user closed the connection and all it sent before is written, else 0."""
    cdef zl_frame *f
    cdef zl_frame *first
    cdef zl_frame *last
    cdef zl_pipe *p
    cdef gather_room room
    cdef size_t taken = 0
    cdef int was_high
    # Under the lock: while out_idle was set, a user thread may have written
    # a message inline and handed its unwritten tail to this buffer.
    pthread_mutex_lock(&c.lock)
    if conn_has_unwritten(conn):
        pthread_mutex_unlock(&c.lock)
        return 0
    conn.wiov_n = 0
    conn.wiov_pos = 0
    conn.wlen = 0
    room.wbuf = WBUF_SIZE
    room.pieces = WIOV_MAX
    room.after_body = 1
    while conn.ctrl.head != NULL and frame_fits(conn, conn.ctrl.head, &room):
        if conn_encode(conn, queue_pop(&conn.ctrl), 0) < 0:
            pthread_mutex_unlock(&c.lock)
            return -1
    p = conn.pipe
    if conn.state != ZL_CONN_ACTIVE or conn.ctrl.head != NULL or p == NULL:
        pthread_mutex_unlock(&c.lock)
        return 0
    if p.out.head == NULL:
        if conn.wiov_n == 0:
            conn.out_idle = 1       # all written: a user thread may write the next one itself
            pthread_mutex_unlock(&c.lock)
            return 1
        pthread_mutex_unlock(&c.lock)
        return 0
    conn.out_idle = 0
    if conn.raw and p.out.head.size == 0:
        # a STREAM's [id, b""]: close once everything before it is out
        if conn.wiov_n == 0:
            conn.user_closed = 1
            pthread_mutex_unlock(&c.lock)
            return -1
        pthread_mutex_unlock(&c.lock)
        return 0
    # take a run of frames that fits, cut while holding the lock, encode after
    was_high = p.out.msgs >= low_water(p.sock.sndhwm)
    first = p.out.head
    last = NULL
    f = first
    while f != NULL and taken < WBATCH_MAX and frame_fits(conn, f, &room) and not (conn.raw and f.size == 0):
        taken += f.size
        if not (f.flags & ZL_FLAG_MORE):
            p.out.msgs -= 1
        last = f
        f = f.next
    if last != NULL:
        p.out_cut = (last.flags & ZL_FLAG_MORE) != 0
        p.out.head = last.next
        if p.out.head == NULL:
            p.out.tail = NULL
        last.next = NULL
        pipe_update(p)
        if was_high and p.out.msgs < low_water(p.sock.sndhwm):
            sock_signal(p.sock)     # a sender blocked at SNDHWM resumes (see low_water)
    pthread_mutex_unlock(&c.lock)
    if last == NULL:
        return 0
    f = first
    while f != NULL:
        first = f.next
        if not conn.taking_mid_msg:
            f.flags |= ZL_FRAME_FIRST
        conn.taking_mid_msg = f.flags & ZL_FLAG_MORE
        if conn_encode(conn, f, 1) < 0:
            while first != NULL:        # the rest stays with the connection, for conn_requeue
                f = first
                first = f.next
                f.wire_end = conn.stream_queued + conn_wire_len(conn, f)    # not on the wire
                queue_push(&conn.inflight, f)
            return -1
        f = first
    return 0

cdef int conn_out(zl_ctx *c, zl_conn *conn) noexcept nogil:
    """Writes until everything pending is out, the kernel buffer is full, or
    WRITE_BUDGET bytes went out: then the connection waits for its next turn
    (the poller is level-triggered), so one peer whose pipe keeps refilling
    cannot starve the others (PUB's subscribers lose messages at their HWM).
    Returns 0, or -1 to drop the peer."""
    cdef ssize_t n
    cdef size_t left
    cdef iovec *v
    cdef long long budget = WRITE_BUDGET
    cdef int rc
    while True:
        if not conn_has_unwritten(conn):
            # after conn_fill hands the write side over, a user thread may be
            # writing to it (conn_write_inline): not a byte of it is read here
            rc = conn_fill(c, conn)
            if rc < 0:
                return -1
            if rc or not conn_has_unwritten(conn):
                conn_set_events(c, conn, conn.events & ~ZL_EV_OUT)
                # a failed handshake's ERROR is out: now the connection closes
                return -1 if conn.close_after_flush else 0
        if conn.wiov_n - conn.wiov_pos == 1:
            v = &conn.wiov[conn.wiov_pos]
            n = send(conn.fd, v.iov_base, v.iov_len, MSG_NOSIGNAL)
        else:
            n = writev(conn.fd, &conn.wiov[conn.wiov_pos], conn.wiov_n - conn.wiov_pos)
        if n < 0:
            if errno == EINTR:
                continue
            if errno == EAGAIN or errno == EWOULDBLOCK:
                conn_set_events(c, conn, conn.events | ZL_EV_OUT)
                return 0
            return -1
        conn.stream_written += n
        budget -= n
        left = n
        while left > 0:
            v = &conn.wiov[conn.wiov_pos]
            if left < v.iov_len:
                v.iov_base = <unsigned char *>v.iov_base + left
                v.iov_len -= left
                break
            left -= v.iov_len
            conn.wiov_pos += 1
        # frames whose last byte is out are done
        while conn.inflight.head != NULL and conn.inflight.head.wire_end <= conn.stream_written:
            frame_free(queue_pop(&conn.inflight))
        while conn.sealed.head != NULL and conn.sealed.head.wire_end <= conn.stream_written:
            frame_free(queue_pop(&conn.sealed))
        if budget <= 0:
            conn_set_events(c, conn, conn.events | ZL_EV_OUT)
            return 0

cdef void conn_requeue(zl_conn *conn, zl_pipe *p) noexcept nogil:
    """A connect-side connection died: give the pipe back every message it had
    not started writing, and drop the rest of the message it had started."""
    cdef zl_frame *f
    cdef zl_queue back
    queue_init(&back)
    while conn.inflight.head != NULL:
        f = queue_pop(&conn.inflight)
        if back.head == NULL and not ((f.flags & ZL_FRAME_FIRST) and
                                      f.wire_end - conn_wire_len(conn, f) >= conn.stream_written):
            frame_free(f)       # part of a message already partly on the wire: lost with it
            continue
        f.flags &= ~ZL_FRAME_FIRST
        queue_push(&back, f)
    if back.head == NULL and conn.taking_mid_msg:
        # the partly written message continues in the pipe: drop its tail
        queue_drop_msg(&p.out)
    # a message cut between `back` and p.out joins up again here
    queue_prepend(&p.out, &back)
    conn.taking_mid_msg = 0
    p.out_cut = 0
    if sock_conflates(p.sock, T_CONFLATE_OUT):
        while p.out.msgs > 1:       # what was given back is older than what waited
            queue_drop_msg(&p.out)

cdef void conn_close(zl_ctx *c, zl_conn *conn, int reconnect) noexcept nogil:
    """Closes the connection; a connect-side pipe keeps its messages and the
    endpoint retries after RECONNECT_IVL (with backoff to RECONNECT_IVL_MAX)."""
    cdef zl_conn **pp
    cdef zl_conn **rr
    cdef zl_pipe *p
    cdef zl_socket *s = conn.sock
    cdef zl_endpoint *ep = conn.ep
    # detach under the lock first: a user thread writing inline (conn_write_inline)
    # reaches the fd only through p.conn, under the lock, so once detached the
    # fd can be closed without it being written to (or its number reused) meanwhile
    pthread_mutex_lock(&c.lock)
    while conn.reader:
        # a user thread reads it (inline_read.pyx): wake it until it lets go;
        # it gives the token back within one poll, and takes it no more
        conn.reclaim = 1
        s.sig_pending = 1
        zl_signaler_send(s.sig_wfd)
        pthread_mutex_unlock(&c.lock)
        zl_pause_us(20)
        pthread_mutex_lock(&c.lock)
    conn.inline_ok = 0
    if conn.in_ready:
        rr = &c.ready
        while rr[0] != NULL:
            if rr[0] == conn:
                rr[0] = conn.ready_next
                break
            rr = &rr[0].ready_next
    p = conn.pipe
    if conn.user_closed:
        reconnect = 0       # as libzmq: a STREAM peer the user closed is not called again
    if p != NULL and p.conn == conn:
        if conn.raw and s.stream_notify and not conn.user_closed:
            peer_notice(p)    # the peer went away (out of memory: unsaid)
        elif conn.router_notify & ZL_NOTIFY_DISCONNECT:
            peer_notice(p)    # (p.conn == conn: its handshake was done, as libzmq asks)
        p.conn = NULL
        p.active = 0
        p.in_paused = 0
        if p.connect_side and not conn.user_closed:
            conn_requeue(conn, p)
            pipe_update(p)
        else:
            p.dead = 1
            queue_clear(&p.out)
            if p.inq.msgs == 0:
                pipe_remove(p)
            else:
                pipe_update(p)
        sock_signal(s)
    # monitor events, in libzmq's order: a connect attempt that never got
    # through is CLOSED; a connection that did is DISCONNECTED, after how its
    # handshake failed if it had not finished
    if conn.state == ZL_CONN_CONNECTING:
        monitor_event(s, ZL_EVENT_CLOSED, conn.fd, conn.endpoint)
    else:
        # (a raw connection never completes a ZMTP handshake: libzmq reports it as
        # failed; a CURVE MESSAGE that does not open is reported the same way)
        if conn.state != ZL_CONN_ACTIVE or conn.raw or conn.fail_event:
            monitor_event(s, conn.fail_event if conn.fail_event else ZL_EVENT_HANDSHAKE_FAILED_NO_DETAIL,
                          conn.fail_value, conn.endpoint)
        monitor_event(s, ZL_EVENT_DISCONNECTED, conn.fd, conn.endpoint)
    if ep != NULL:
        ep.conn = NULL
        # a closed socket still lingering with messages for this endpoint keeps
        # trying: they are delivered once the peer is there, or LINGER ends
        if reconnect and (not s.closing or (ep.pipe != NULL and ep.pipe.out.head != NULL)):
            endpoint_retry_at(c, ep, zl_now_ms() + ep.cur_ivl)
            monitor_event(s, ZL_EVENT_CONNECT_RETRIED, ep.cur_ivl, ep.endpoint)
            if s.reconnect_ivl_max > ep.cur_ivl:
                ep.cur_ivl = ep.cur_ivl * 2 if ep.cur_ivl * 2 < s.reconnect_ivl_max else s.reconnect_ivl_max
    pthread_mutex_unlock(&c.lock)
    zl_poller_del(&c.poller, conn.fd)
    close(conn.fd)
    conn_timed(c, conn, 0)
    pp = &c.conns
    while pp[0] != NULL:
        if pp[0] == conn:
            pp[0] = conn.next
            break
        pp = &pp[0].next
    free(conn.zap_props)
    queue_clear(&conn.inflight)
    queue_clear(&conn.sealed)
    queue_clear(&conn.ctrl)
    queue_clear(&conn.msg)
    if conn.rb_frame != NULL:
        frame_free(conn.rb_frame)
    if conn.mech.free != NULL:
        conn.mech.free(conn)
    decoder_free(&conn.dec)
    free(conn.rbuf)
    free(conn.wbuf)
    free(conn)

cdef long long conn_heartbeat(zl_ctx *c, zl_conn *conn, long long now) noexcept nogil:
    """Sends PINGs every HEARTBEAT_IVL and drops a peer silent for
    HEARTBEAT_TIMEOUT after one, or for the TTL its own PINGs asked for.
    Returns -1 when the connection must close, else the next due time (0: none)."""
    cdef long long ivl = conn.heartbeat_ivl, timeout = conn.heartbeat_timeout, next_at = 0
    cdef unsigned char ttl[2]
    cdef long long ttl_ds
    cdef zl_frame *ping
    if conn.state != ZL_CONN_ACTIVE or conn.peer_minor < 1:
        return 0
    if conn.peer_ttl > 0:
        if now - conn.last_recv >= conn.peer_ttl:
            return -1
        next_at = conn.last_recv + conn.peer_ttl
    if ivl <= 0:
        return next_at
    if conn.ping_deadline and conn.last_recv >= conn.ping_sent:
        conn.ping_deadline = 0
    if conn.ping_deadline and now >= conn.ping_deadline:
        return -1
    if conn.next_ping == 0:
        conn.next_ping = now + ivl
    if now >= conn.next_ping:
        ttl_ds = conn.heartbeat_ttl // 100 if conn.heartbeat_ttl > 0 else 0
        if ttl_ds > 0xFFFF:
            ttl_ds = 0xFFFF
        ttl[0] = <unsigned char>(ttl_ds >> 8)
        ttl[1] = <unsigned char>(ttl_ds & 0xFF)
        ping = command_new("PING", ttl, 2)
        if ping != NULL:        # out of memory: the next interval tries again
            ctrl_put_latest(&conn.ctrl, ping, "PING")
            conn_mark_ready_nolock(c, conn)
        if conn.ping_deadline == 0:
            conn.ping_sent = now
            conn.ping_deadline = now + timeout
        conn.next_ping = now + ivl
    if next_at == 0 or conn.next_ping < next_at:
        next_at = conn.next_ping
    if conn.ping_deadline and conn.ping_deadline < next_at:
        next_at = conn.ping_deadline
    return next_at
