# Socket options: one table of the numeric ones, which drives setsockopt,
# getsockopt, their checks and their error messages (socket.pyx keeps only
# the options that are not a number: ROUTING_ID, SUBSCRIBE, LAST_ENDPOINT...).
# The numbers are libzmq's, from include/zl_constants.h; zmqlite/constants.py
# has the same ones for Python, and tests/unit/test_constants.py checks that
# the two agree (through CONSTANTS below, made from these tables).

cdef enum:
    OPT_INT = 0           # an int field of zl_socket
    OPT_BOOL = 1          # an int field holding 0 or 1
    OPT_HWM = 2           # an int field where 0 (no limit) is stored as INT_MAX
    OPT_INT64 = 3         # a long long field (MAXMSGSIZE)
    OPT_STORED = 4        # accepted and reported back, no effect yet (zl_socket has no field)
    OPT_FLAG = 5          # an int field holding 0 or 1, and only 0 or 1 accepted

cdef enum:
    OPT_HWM_NONE = 0x7fffffff

cdef struct zl_int_option:
    int option            # libzmq's number, ZL_OPT_*
    const char *name      # pyzmq's name, for error messages and CONSTANTS
    int kind              # OPT_*
    long long lowest      # the smallest value accepted (-1 or 0)
    long long default     # OPT_STORED: what getsockopt reports until set
    size_t offset         # where the field is in zl_socket
    int pipes_change      # a change may give or take room in the pipes (pipe_update)
    unsigned types        # the socket types that take it, a bit (1 << type) each; 0: every type
    long long highest     # the largest value accepted, -1: up to the type's limit
    int write_only        # libzmq's getsockopt does not know it (EINVAL)

cdef zl_socket _layout      # only its field addresses are used, for the offsets

cdef inline size_t _at(void *field) noexcept nogil:
    return <size_t>(<char *>field - <char *>&_layout)

cdef zl_int_option INT_OPTIONS[64]
cdef int N_INT_OPTIONS = 0

cdef void _int_option(int option, const char *name, int kind, long long lowest, size_t offset,
                      int pipes_change=0, long long default=0, unsigned types=0,
                      long long highest=-1, int write_only=0) noexcept nogil:
    global N_INT_OPTIONS
    if N_INT_OPTIONS == 64:
        abort()     # the table is full: make INT_OPTIONS larger (a build-time mistake)
    cdef zl_int_option *o = &INT_OPTIONS[N_INT_OPTIONS]
    o.option, o.name, o.kind, o.lowest = option, name, kind, lowest
    o.offset, o.pipes_change, o.default = offset, pipes_change, default
    o.types, o.highest, o.write_only = types, highest, write_only
    N_INT_OPTIONS += 1

_int_option(ZL_OPT_LINGER, "LINGER", OPT_INT, -1, _at(&_layout.linger))
_int_option(ZL_OPT_SNDHWM, "SNDHWM", OPT_HWM, 0, _at(&_layout.sndhwm), 1)
_int_option(ZL_OPT_RCVHWM, "RCVHWM", OPT_HWM, 0, _at(&_layout.rcvhwm))
_int_option(ZL_OPT_RCVTIMEO, "RCVTIMEO", OPT_INT, -1, _at(&_layout.rcvtimeo))
_int_option(ZL_OPT_SNDTIMEO, "SNDTIMEO", OPT_INT, -1, _at(&_layout.sndtimeo))
_int_option(ZL_OPT_SNDBUF, "SNDBUF", OPT_INT, -1, _at(&_layout.sndbuf))
_int_option(ZL_OPT_RCVBUF, "RCVBUF", OPT_INT, -1, _at(&_layout.rcvbuf))
_int_option(ZL_OPT_RECONNECT_IVL, "RECONNECT_IVL", OPT_INT, -1, _at(&_layout.reconnect_ivl))
_int_option(ZL_OPT_RECONNECT_IVL_MAX, "RECONNECT_IVL_MAX", OPT_INT, 0, _at(&_layout.reconnect_ivl_max))
_int_option(ZL_OPT_BACKLOG, "BACKLOG", OPT_INT, 0, _at(&_layout.backlog))
_int_option(ZL_OPT_IPV6, "IPV6", OPT_BOOL, 0, _at(&_layout.ipv6))
_int_option(ZL_OPT_IMMEDIATE, "IMMEDIATE", OPT_BOOL, 0, _at(&_layout.immediate), 1)
_int_option(ZL_OPT_HANDSHAKE_IVL, "HANDSHAKE_IVL", OPT_INT, 0, _at(&_layout.handshake_ivl))
_int_option(ZL_OPT_MAXMSGSIZE, "MAXMSGSIZE", OPT_INT64, -1, _at(&_layout.maxmsgsize))
_int_option(ZL_OPT_ROUTER_MANDATORY, "ROUTER_MANDATORY", OPT_BOOL, 0, _at(&_layout.router_mandatory))
_int_option(ZL_OPT_ROUTER_HANDOVER, "ROUTER_HANDOVER", OPT_BOOL, 0, _at(&_layout.router_handover))
_int_option(ZL_OPT_XPUB_VERBOSE, "XPUB_VERBOSE", OPT_BOOL, 0, _at(&_layout.xpub_verbose))
_int_option(ZL_OPT_STREAM_NOTIFY, "STREAM_NOTIFY", OPT_BOOL, 0, _at(&_layout.stream_notify))
_int_option(ZL_OPT_HEARTBEAT_IVL, "HEARTBEAT_IVL", OPT_INT, 0, _at(&_layout.heartbeat_ivl))
_int_option(ZL_OPT_HEARTBEAT_TTL, "HEARTBEAT_TTL", OPT_INT, 0, _at(&_layout.heartbeat_ttl))
_int_option(ZL_OPT_HEARTBEAT_TIMEOUT, "HEARTBEAT_TIMEOUT", OPT_INT, -1, _at(&_layout.heartbeat_timeout))
# tcp tuning, applied to each new tcp connection (engine.pyx conn_tune_tcp)
_int_option(ZL_OPT_TCP_KEEPALIVE, "TCP_KEEPALIVE", OPT_INT, -1, _at(&_layout.tcp_keepalive), 0, 0, 0, 1)
_int_option(ZL_OPT_TCP_KEEPALIVE_CNT, "TCP_KEEPALIVE_CNT", OPT_INT, -1, _at(&_layout.tcp_keepalive_cnt))
_int_option(ZL_OPT_TCP_KEEPALIVE_IDLE, "TCP_KEEPALIVE_IDLE", OPT_INT, -1, _at(&_layout.tcp_keepalive_idle))
_int_option(ZL_OPT_TCP_KEEPALIVE_INTVL, "TCP_KEEPALIVE_INTVL", OPT_INT, -1, _at(&_layout.tcp_keepalive_intvl))
_int_option(ZL_OPT_TOS, "TOS", OPT_INT, 0, _at(&_layout.tos))
_int_option(ZL_OPT_TCP_MAXRT, "TCP_MAXRT", OPT_INT, 0, _at(&_layout.tcp_maxrt))
_int_option(ZL_OPT_CONNECT_TIMEOUT, "CONNECT_TIMEOUT", OPT_INT, 0, _at(&_layout.connect_timeout))
# the REQ/REP/DEALER/ROUTER family's, on the types libzmq takes them on (its
# req.cpp, dealer.cpp, router.cpp; REP is a ROUTER there); write-only but
# ROUTER_NOTIFY, as in libzmq. After the offset: pipes_change, default (of
# OPT_STORED), types, highest, write_only
_int_option(ZL_OPT_REQ_RELAXED, "REQ_RELAXED", OPT_BOOL, 0, _at(&_layout.req_relaxed), 0, 0,
            _types(ZL_REQ), -1, 1)
_int_option(ZL_OPT_REQ_CORRELATE, "REQ_CORRELATE", OPT_BOOL, 0, _at(&_layout.req_correlate), 0, 0,
            _types(ZL_REQ), -1, 1)
_int_option(ZL_OPT_PROBE_ROUTER, "PROBE_ROUTER", OPT_BOOL, 0, _at(&_layout.probe_router), 0, 0,
            _types(ZL_REQ, ZL_REP, ZL_DEALER) | _types(ZL_ROUTER), -1, 1)
# (a DRAFT option of libzmq 4.3.5, which reads it back on any socket type)
_int_option(ZL_OPT_ROUTER_NOTIFY, "ROUTER_NOTIFY", OPT_INT, 0, _at(&_layout.router_notify), 0, 0,
            _types(ZL_ROUTER, ZL_REP), ZL_NOTIFY_CONNECT | ZL_NOTIFY_DISCONNECT, 0)
# the pub/sub family's (CONFLATE also PUSH/PULL/DEALER's: sockets/table.pyx)
_int_option(ZL_OPT_INVERT_MATCHING, "INVERT_MATCHING", OPT_BOOL, -(1LL << 31), _at(&_layout.invert_matching))
_int_option(ZL_OPT_CONFLATE, "CONFLATE", OPT_FLAG, 0, _at(&_layout.conflate), 1)
# stored only: pgm/epgm multicast (not a transport here), and AFFINITY (one I/O thread)
_int_option(ZL_OPT_AFFINITY, "AFFINITY", OPT_STORED, -(1LL << 62), 0, 0, 0)
_int_option(ZL_OPT_RATE, "RATE", OPT_STORED, -(1LL << 62), 0, 0, 100)
_int_option(ZL_OPT_RECOVERY_IVL, "RECOVERY_IVL", OPT_STORED, -(1LL << 62), 0, 0, 10000)
_int_option(ZL_OPT_MULTICAST_HOPS, "MULTICAST_HOPS", OPT_STORED, -(1LL << 62), 0, 0, 1)

# Options of libzmq that zmqlite does not implement, with libzmq's default:
# getsockopt reports the default (it is what zmqlite does), setsockopt accepts
# the default only, since any other value would look as if it had an effect
# (the README lists each). Readable: libzmq's getsockopt knows it (the others
# are write-only there, EINVAL).
cdef struct zl_fixed_option:
    int option
    const char *name
    long long default
    int readable

cdef zl_fixed_option FIXED_OPTIONS[16]
cdef int N_FIXED_OPTIONS = 0

cdef void _fixed_option(int option, const char *name, long long default, int readable) noexcept nogil:
    global N_FIXED_OPTIONS
    FIXED_OPTIONS[N_FIXED_OPTIONS].option = option
    FIXED_OPTIONS[N_FIXED_OPTIONS].name = name
    FIXED_OPTIONS[N_FIXED_OPTIONS].default = default
    FIXED_OPTIONS[N_FIXED_OPTIONS].readable = readable
    N_FIXED_OPTIONS += 1

_fixed_option(81, "THREAD_SAFE", 0, 1)            # read-only in libzmq too
_fixed_option(84, "MULTICAST_MAXTPDU", 1500, 1)   # pgm/norm transports: none here
_fixed_option(89, "USE_FD", -1, 1)
_fixed_option(93, "ZAP_ENFORCE_DOMAIN", 0, 1)
_fixed_option(94, "LOOPBACK_FASTPATH", 0, 1)      # Windows only in libzmq
_fixed_option(96, "MULTICAST_LOOP", 1, 1)

cdef zl_fixed_option *fixed_option(int option) noexcept nogil:
    cdef int i
    for i in range(N_FIXED_OPTIONS):
        if FIXED_OPTIONS[i].option == option:
            return &FIXED_OPTIONS[i]
    return NULL

cdef set_fixed_option(zl_fixed_option *o, value):
    if isinstance(value, bool):
        value = int(value)
    if not isinstance(value, int):
        raise TypeError("%s takes an int, got %r" % (o.name.decode(), value))
    if value != o.default:
        raise _zmq_error(EINVAL, "Invalid argument: zmqlite does not implement %s; only its "
                         "default, %d, is accepted (see the README)" % (o.name.decode(), o.default))

cdef zl_int_option *int_option(int option) noexcept nogil:
    """The table's entry for option, or NULL when it is not a numeric one."""
    cdef int i
    for i in range(N_INT_OPTIONS):
        if INT_OPTIONS[i].option == option:
            return &INT_OPTIONS[i]
    return NULL

cdef object option_name(int option):
    """pyzmq's name of option for messages ("option 999" when we know none)."""
    cdef zl_int_option *o = int_option(option)
    if o != NULL:
        return o.name.decode()
    try:
        from zmqlite.constants import SocketOption
        return SocketOption(option).name
    except (ImportError, ValueError):
        return "option %d" % option

cdef set_int_option(zl_socket *s, zl_int_option *o, value, dict stored):
    """setsockopt of a numeric option: checks value, then stores it under the lock."""
    cdef zl_ctx *c = <zl_ctx *>s.ctx
    cdef long long v
    cdef int i
    if isinstance(value, bool):
        value = int(value)      # bools are ints to pyzmq: sock.ipv6 = True
    if isinstance(value, str):
        raise TypeError("unicode not allowed, use setsockopt_string")
    if not isinstance(value, int):
        raise TypeError("%s takes an int, got %r" % (o.name.decode(), value))
    if o.types and not (o.types >> s.type) & 1:
        raise _zmq_error(EINVAL, "Invalid argument: %s on a %s socket (libzmq takes it on %s only)"
                         % (o.name.decode(), SOCKET_TYPES[s.type].name.decode(), _type_names(o.types)))
    limit = 2**63 if o.kind == OPT_INT64 or o.kind == OPT_STORED else 2**31
    if o.highest >= 0:
        limit = o.highest + 1
    if o.kind == OPT_FLAG and value not in (0, 1):
        raise _zmq_error(EINVAL, "Invalid argument: %s = %r (it takes 0 or 1)" % (o.name.decode(), value))
    if not (o.lowest <= value < limit):
        if o.highest >= 0:
            raise _zmq_error(EINVAL, "Invalid argument: %s = %r (it takes %d to %d)"
                             % (o.name.decode(), value, o.lowest, o.highest))
        raise _zmq_error(EINVAL, "Invalid argument: %s = %r (it takes %d and up)" % (o.name.decode(), value, o.lowest))
    if o.kind == OPT_STORED:
        stored[o.option] = value
        return
    v = value
    pthread_mutex_lock(&c.lock)
    if o.kind == OPT_INT64:
        (<long long *>(<char *>s + o.offset))[0] = v
    elif o.kind == OPT_BOOL:
        (<int *>(<char *>s + o.offset))[0] = 1 if v else 0
    elif o.kind == OPT_HWM:
        (<int *>(<char *>s + o.offset))[0] = <int>v if v > 0 else OPT_HWM_NONE
    else:
        (<int *>(<char *>s + o.offset))[0] = <int>v
    if o.pipes_change:
        for i in range(s.npipes):
            pipe_update(s.pipes[i])     # which pipes have room may have changed
    sock_signal(s)      # a raised HWM may unblock a sender or a paused connection
    pthread_mutex_unlock(&c.lock)

cdef str _type_names(unsigned types):
    return ", ".join(SOCKET_TYPES[t].name.decode() for t in range(ZL_NSOCKET_TYPES) if (types >> t) & 1)

cdef object get_int_option(zl_socket *s, zl_int_option *o, dict stored):
    cdef long long v
    cdef zl_ctx *c = <zl_ctx *>s.ctx
    if o.write_only:
        raise _zmq_error(EINVAL, None)
    if o.kind == OPT_STORED:
        return stored.get(o.option, o.default)
    pthread_mutex_lock(&c.lock)
    if o.kind == OPT_INT64:
        v = (<long long *>(<char *>s + o.offset))[0]
    else:
        v = (<int *>(<char *>s + o.offset))[0]
    pthread_mutex_unlock(&c.lock)
    if o.kind == OPT_HWM and v == OPT_HWM_NONE:
        return 0
    return v

cdef dict _constants():
    """The C numbers as names, from the tables (tests/unit/test_constants.py
    compares them with zmqlite.constants)."""
    cdef int i
    table = {SOCKET_TYPES[i].name.decode(): i for i in range(ZL_NSOCKET_TYPES)}
    table.update({INT_OPTIONS[i].name.decode(): INT_OPTIONS[i].option for i in range(N_INT_OPTIONS)})
    table.update({FIXED_OPTIONS[i].name.decode(): FIXED_OPTIONS[i].option for i in range(N_FIXED_OPTIONS)})
    table.update({
        "ROUTING_ID": ZL_OPT_ROUTING_ID, "IDENTITY": ZL_OPT_ROUTING_ID,
        "CONNECT_ROUTING_ID": ZL_OPT_CONNECT_ROUTING_ID, "IPV4ONLY": ZL_OPT_IPV4ONLY,
        "SUBSCRIBE": ZL_OPT_SUBSCRIBE, "UNSUBSCRIBE": ZL_OPT_UNSUBSCRIBE,
        "RCVMORE": ZL_OPT_RCVMORE, "FD": ZL_OPT_FD, "EVENTS": ZL_OPT_EVENTS,
        "TYPE": ZL_OPT_TYPE, "LAST_ENDPOINT": ZL_OPT_LAST_ENDPOINT, "MECHANISM": ZL_OPT_MECHANISM,
        "PLAIN_SERVER": ZL_OPT_PLAIN_SERVER, "PLAIN_USERNAME": ZL_OPT_PLAIN_USERNAME,
        "PLAIN_PASSWORD": ZL_OPT_PLAIN_PASSWORD, "CURVE_SERVER": ZL_OPT_CURVE_SERVER,
        "CURVE_PUBLICKEY": ZL_OPT_CURVE_PUBLICKEY, "CURVE_SECRETKEY": ZL_OPT_CURVE_SECRETKEY,
        "CURVE_SERVERKEY": ZL_OPT_CURVE_SERVERKEY, "ZAP_DOMAIN": ZL_OPT_ZAP_DOMAIN,
        "DONTWAIT": ZL_DONTWAIT, "NOBLOCK": ZL_DONTWAIT, "SNDMORE": ZL_SNDMORE,
        "POLLIN": ZL_POLLIN, "POLLOUT": ZL_POLLOUT, "POLLERR": ZL_POLLERR,
        "EFSM": ZL_EFSM, "ENOCOMPATPROTO": ZL_ENOCOMPATPROTO, "ETERM": ZL_ETERM,
        "EMTHREAD": ZL_EMTHREAD,
    })
    return table

# ------------------------------------------------------- security options
# (as libzmq's options.cpp: setting a PLAIN or CURVE option chooses that
# mechanism, and the *_SERVER options the side; the I/O thread copies them
# under the lock when a connection starts)

cdef tuple SECURITY_OPTIONS = (ZL_OPT_PLAIN_SERVER, ZL_OPT_PLAIN_USERNAME, ZL_OPT_PLAIN_PASSWORD,
                               ZL_OPT_CURVE_SERVER, ZL_OPT_CURVE_PUBLICKEY, ZL_OPT_CURVE_SECRETKEY,
                               ZL_OPT_CURVE_SERVERKEY, ZL_OPT_ZAP_DOMAIN, ZL_OPT_MECHANISM)

cdef bytes _security_bytes(int option, value, size_t most):
    if isinstance(value, str):
        raise TypeError("unicode not allowed, use setsockopt_string")
    if value is None:
        return b""
    if isinstance(value, int):
        raise TypeError("%s takes bytes, got %r" % (option_name(option), value))
    b = bytes(value)
    if len(b) > most:
        raise _zmq_error(EINVAL, "Invalid argument: %s takes at most %d bytes" % (option_name(option), most))
    return b

cdef bytes _curve_key(int option, value):
    """A CURVE key as 32 raw bytes, from 32 raw bytes or 40 Z85 characters (as libzmq)."""
    b = _security_bytes(option, value, 41)
    if len(b) == 41 and b[40] == 0:
        b = b[:40]      # a Z85 key with its C string terminator
    if len(b) == 40:
        from zmqlite.utils.z85 import decode
        try:
            b = decode(b)
        except ValueError:
            raise _zmq_error(EINVAL, "Invalid argument: %s is not a Z85 key" % option_name(option)) from None
    if len(b) != 32:
        raise _zmq_error(EINVAL, "Invalid argument: %s takes a 32-byte key or its 40-character Z85 form"
                         % option_name(option))
    return b

cdef set_security_option(zl_socket *s, int option, value):
    cdef zl_ctx *c = <zl_ctx *>s.ctx
    cdef bytes b
    cdef int flag
    if option == ZL_OPT_MECHANISM:
        raise _zmq_error(EINVAL, "Invalid argument: MECHANISM is read-only (set PLAIN_* or CURVE_* options)")
    if option in (ZL_OPT_CURVE_SERVER, ZL_OPT_CURVE_PUBLICKEY, ZL_OPT_CURVE_SECRETKEY,
                  ZL_OPT_CURVE_SERVERKEY) and not ZL_HAVE_CURVE:
        raise _zmq_error(EINVAL, "Invalid argument: this zmqlite was built without libsodium, so "
                         "without CURVE (zmq.has('curve') is False)")
    if option == ZL_OPT_PLAIN_SERVER or option == ZL_OPT_CURVE_SERVER:
        if isinstance(value, bool):
            value = int(value)
        if not isinstance(value, int) or value not in (0, 1):
            raise _zmq_error(EINVAL, "Invalid argument: %s takes 0 or 1" % option_name(option))
        pthread_mutex_lock(&c.lock)
        s.as_server = value
        if option == ZL_OPT_PLAIN_SERVER:
            s.mechanism = ZL_MECH_PLAIN if value else ZL_MECH_NULL
        else:
            s.mechanism = ZL_MECH_CURVE if value else ZL_MECH_NULL
        pthread_mutex_unlock(&c.lock)
        return
    if option == ZL_OPT_PLAIN_USERNAME or option == ZL_OPT_PLAIN_PASSWORD:
        b = _security_bytes(option, value, 255)
        pthread_mutex_lock(&c.lock)
        if option == ZL_OPT_PLAIN_USERNAME:
            memcpy(s.plain_username, <char *>b, len(b))
            s.plain_username_len = len(b)
        else:
            memcpy(s.plain_password, <char *>b, len(b))
            s.plain_password_len = len(b)
        s.as_server = 0
        s.mechanism = ZL_MECH_PLAIN if len(b) else ZL_MECH_NULL
        pthread_mutex_unlock(&c.lock)
        return
    if option == ZL_OPT_ZAP_DOMAIN:
        b = _security_bytes(option, value, 255)
        pthread_mutex_lock(&c.lock)
        memcpy(s.zap_domain, <char *>b, len(b))
        s.zap_domain_len = len(b)
        pthread_mutex_unlock(&c.lock)
        return
    b = _curve_key(option, value)
    pthread_mutex_lock(&c.lock)
    if option == ZL_OPT_CURVE_PUBLICKEY:
        memcpy(s.curve_public, <char *>b, 32)
        s.curve_keys |= 1
    elif option == ZL_OPT_CURVE_SECRETKEY:
        memcpy(s.curve_secret, <char *>b, 32)
        s.curve_keys |= 2
        if not (s.curve_keys & 1):
            # a server given only its secret key still proves who it is (the
            # client's vouch names S): derive S, as curve_public() does
            crypto_scalarmult_base(s.curve_public, s.curve_secret)
    else:
        memcpy(s.curve_server, <char *>b, 32)
        s.curve_keys |= 4
        s.as_server = 0
    s.mechanism = ZL_MECH_CURVE
    pthread_mutex_unlock(&c.lock)

cdef object get_security_option(zl_socket *s, int option):
    cdef zl_ctx *c = <zl_ctx *>s.ctx
    cdef int mech, server
    pthread_mutex_lock(&c.lock)
    mech = s.mechanism
    server = s.as_server
    if option == ZL_OPT_PLAIN_USERNAME:
        v = (<char *>s.plain_username)[:s.plain_username_len]
    elif option == ZL_OPT_PLAIN_PASSWORD:
        v = (<char *>s.plain_password)[:s.plain_password_len]
    elif option == ZL_OPT_ZAP_DOMAIN:
        v = (<char *>s.zap_domain)[:s.zap_domain_len]
    elif option == ZL_OPT_CURVE_PUBLICKEY:
        v = (<char *>s.curve_public)[:32]
    elif option == ZL_OPT_CURVE_SECRETKEY:
        v = (<char *>s.curve_secret)[:32]
    elif option == ZL_OPT_CURVE_SERVERKEY:
        v = (<char *>s.curve_server)[:32]
    else:
        v = None
    pthread_mutex_unlock(&c.lock)
    if option == ZL_OPT_MECHANISM:
        return mech
    if option == ZL_OPT_PLAIN_SERVER:
        return int(server and mech == ZL_MECH_PLAIN)
    if option == ZL_OPT_CURVE_SERVER:
        return int(server and mech == ZL_MECH_CURVE)
    if option in (ZL_OPT_CURVE_PUBLICKEY, ZL_OPT_CURVE_SECRETKEY, ZL_OPT_CURVE_SERVERKEY):
        from zmqlite.utils.z85 import encode
        return encode(v)      # pyzmq reads CURVE keys back in Z85
    return v

# ------------------------------------------------------- publisher options
# (libzmq's xpub.cpp takes them on PUB and XPUB, a PUB being an XPUB there)

cdef int _publisher_option(zl_socket *s, int option) except -1:
    if not (SOCKET_TYPES[s.type].flags & T_PUBLISHER):
        raise _zmq_error(EINVAL, "Invalid argument: %s is for PUB and XPUB sockets" % option_name(option))
    return 0

cdef set_welcome_option(zl_socket *s, bytes b):
    """XPUB_WELCOME_MSG: what each new peer is sent first (b"": nothing)."""
    cdef zl_ctx *c = <zl_ctx *>s.ctx
    cdef unsigned char *copy = NULL
    cdef unsigned char *old
    _publisher_option(s, ZL_OPT_XPUB_WELCOME_MSG)
    if len(b):
        copy = <unsigned char *>malloc(len(b))
        if copy == NULL:
            raise _zmq_error(ENOMEM, None)
        memcpy(copy, <char *>b, len(b))
    pthread_mutex_lock(&c.lock)     # the I/O thread reads it as a peer arrives
    old = s.xpub_welcome
    s.xpub_welcome = copy
    s.xpub_welcome_len = len(b)
    pthread_mutex_unlock(&c.lock)
    free(old)

cdef set_publisher_flag(zl_socket *s, int option, value):
    """XPUB_MANUAL, XPUB_NODROP: an int, 0 or more, any but 0 meaning on; write-only (as
    libzmq's xpub.cpp)."""
    cdef zl_ctx *c = <zl_ctx *>s.ctx
    cdef int on
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, str):
        raise TypeError("unicode not allowed, use setsockopt_string")
    if not isinstance(value, int):
        raise TypeError("%s takes an int, got %r" % (option_name(option), value))
    _publisher_option(s, option)
    if not (0 <= value < 2**31):
        raise _zmq_error(EINVAL, "Invalid argument: %s = %r (it takes 0 and up)" % (option_name(option), value))
    on = 1 if value else 0
    pthread_mutex_lock(&c.lock)
    if option == ZL_OPT_XPUB_MANUAL:
        s.xpub_manual = on
    else:
        s.xpub_nodrop = on
        sock_signal(s)      # a sender waiting for room goes on (and drops) when it is off
    pthread_mutex_unlock(&c.lock)

cdef set_manual_subscription(zl_socket *s, int option, bytes b):
    """SUBSCRIBE/UNSUBSCRIBE on a PUB or XPUB: only with XPUB_MANUAL, for the
    subscriber whose request recv() gave last."""
    cdef zl_ctx *c = <zl_ctx *>s.ctx
    cdef int manual
    pthread_mutex_lock(&c.lock)
    manual = s.xpub_manual
    if manual:
        pub_manual_subscribe(s, option == ZL_OPT_SUBSCRIBE, b, len(b))
    pthread_mutex_unlock(&c.lock)
    if not manual:
        raise _zmq_error(EINVAL, "Invalid argument: %s on a %s needs XPUB_MANUAL"
                         % (option_name(option), SOCKET_TYPES[s.type].name.decode()))

# ------------------------------------------------ bytes options not implemented
# libzmq's bytes-valued options that zmqlite does not implement: option ->
# (name, what libzmq 4.3.5 makes of it, README's reason). "stable": libzmq
# reads it back as b"" (and accepts b"" where "empty" says so, its default);
# "draft": libzmq 4.3.5 as pyzmq ships it refuses it (EINVAL) both ways;
# "absent": a stable option of a libzmq feature pyzmq's build leaves out.
cdef dict UNIMPLEMENTED_BYTES = {
    68: ("SOCKS_PROXY", "stable", "no SOCKS proxy"),
    99: ("SOCKS_USERNAME", "stable empty", "no SOCKS proxy"),
    100: ("SOCKS_PASSWORD", "stable empty", "no SOCKS proxy"),
    38: ("TCP_ACCEPT_FILTER", "absent", "deprecated in libzmq"),
    63: ("GSSAPI_PRINCIPAL", "absent", "no GSSAPI mechanism"),
    64: ("GSSAPI_SERVICE_PRINCIPAL", "absent", "no GSSAPI mechanism"),
    95: ("METADATA", "draft", "a DRAFT option of libzmq 4.3.5"),
    103: ("WSS_KEY_PEM", "draft", "a DRAFT option of libzmq 4.3.5 (no ws/wss transports)"),
    104: ("WSS_CERT_PEM", "draft", "a DRAFT option of libzmq 4.3.5 (no ws/wss transports)"),
    105: ("WSS_TRUST_PEM", "draft", "a DRAFT option of libzmq 4.3.5 (no ws/wss transports)"),
    106: ("WSS_HOSTNAME", "draft", "a DRAFT option of libzmq 4.3.5 (no ws/wss transports)"),
    110: ("HELLO_MSG", "draft", "a DRAFT option of libzmq 4.3.5"),
    111: ("DISCONNECT_MSG", "draft", "a DRAFT option of libzmq 4.3.5"),
    114: ("HICCUP_MSG", "draft", "a DRAFT option of libzmq 4.3.5"),
}

cdef object _unimplemented_bytes_error(int option):
    name, kind, why = UNIMPLEMENTED_BYTES[option]
    return _zmq_error(EINVAL, "Invalid argument: zmqlite does not implement %s (%s; see the README)"
                      % (name, why))

cdef set_unimplemented_bytes(int option, value):
    """setsockopt of one of them: bytes, as pyzmq (TypeError otherwise), then
    EINVAL naming it; b"" is accepted where it is libzmq's default and libzmq
    takes it, as the fixed options accept their default."""
    name, kind, why = UNIMPLEMENTED_BYTES[option]
    if isinstance(value, str):
        raise TypeError("unicode not allowed, use setsockopt_string")
    if not isinstance(value, bytes):
        raise TypeError("%s takes bytes, got: %r" % (name, value))
    if value == b"" and kind == "stable empty":
        return
    raise _unimplemented_bytes_error(option)

cdef object get_unimplemented_bytes(int option):
    name, kind, why = UNIMPLEMENTED_BYTES[option]
    if kind.startswith("stable"):
        return b""
    raise _unimplemented_bytes_error(option)
