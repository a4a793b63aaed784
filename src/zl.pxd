# Extern declarations of zmqlite's own C headers in include/.
from libc.stdint cimport uint32_t, uint64_t
from syscalls cimport pthread_mutex_t

cdef extern from "zl_tcp.h" nogil:
    int SO_KEEPALIVE, TCP_KEEPCNT, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_USER_TIMEOUT
    int IPPROTO_IP, IP_TOS, IPV6_TCLASS
    int zl_setsockopt_int(int fd, int level, int name, int value)

cdef extern from "zl_constants.h" nogil:
    int ZL_PAIR, ZL_PUB, ZL_SUB, ZL_REQ, ZL_REP, ZL_DEALER, ZL_ROUTER, ZL_PULL, ZL_PUSH
    int ZL_XPUB, ZL_XSUB, ZL_STREAM, ZL_NSOCKET_TYPES
    int ZL_OPT_ROUTING_ID, ZL_OPT_SUBSCRIBE, ZL_OPT_UNSUBSCRIBE, ZL_OPT_SNDBUF, ZL_OPT_RCVBUF
    int ZL_OPT_RCVMORE, ZL_OPT_FD, ZL_OPT_EVENTS, ZL_OPT_TYPE, ZL_OPT_LINGER
    int ZL_OPT_RECONNECT_IVL, ZL_OPT_BACKLOG, ZL_OPT_RECONNECT_IVL_MAX, ZL_OPT_MAXMSGSIZE
    int ZL_OPT_SNDHWM, ZL_OPT_RCVHWM, ZL_OPT_RCVTIMEO, ZL_OPT_SNDTIMEO, ZL_OPT_LAST_ENDPOINT
    int ZL_OPT_IMMEDIATE, ZL_OPT_IPV6, ZL_OPT_IPV4ONLY, ZL_OPT_MECHANISM, ZL_OPT_HANDSHAKE_IVL
    int ZL_OPT_ROUTER_MANDATORY, ZL_OPT_ROUTER_HANDOVER, ZL_OPT_XPUB_VERBOSE
    int ZL_OPT_CONFLATE, ZL_OPT_XPUB_NODROP, ZL_OPT_XPUB_MANUAL, ZL_OPT_XPUB_WELCOME_MSG
    int ZL_OPT_INVERT_MATCHING, ZL_OPT_BINDTODEVICE
    int ZL_OPT_CONNECT_ROUTING_ID, ZL_OPT_STREAM_NOTIFY
    int ZL_OPT_PLAIN_SERVER, ZL_OPT_PLAIN_USERNAME, ZL_OPT_PLAIN_PASSWORD, ZL_OPT_CURVE_SERVER
    int ZL_OPT_CURVE_PUBLICKEY, ZL_OPT_CURVE_SECRETKEY, ZL_OPT_CURVE_SERVERKEY, ZL_OPT_ZAP_DOMAIN
    int ZL_MECH_NULL, ZL_MECH_PLAIN, ZL_MECH_CURVE
    int ZL_OPT_HEARTBEAT_IVL, ZL_OPT_HEARTBEAT_TTL, ZL_OPT_HEARTBEAT_TIMEOUT
    int ZL_OPT_PROBE_ROUTER, ZL_OPT_REQ_CORRELATE, ZL_OPT_REQ_RELAXED, ZL_OPT_ROUTER_NOTIFY
    int ZL_NOTIFY_CONNECT, ZL_NOTIFY_DISCONNECT
    int ZL_OPT_AFFINITY, ZL_OPT_RATE, ZL_OPT_RECOVERY_IVL, ZL_OPT_MULTICAST_HOPS
    int ZL_OPT_TCP_KEEPALIVE, ZL_OPT_TCP_KEEPALIVE_CNT, ZL_OPT_TCP_KEEPALIVE_IDLE
    int ZL_OPT_TCP_KEEPALIVE_INTVL, ZL_OPT_TOS, ZL_OPT_CONNECT_TIMEOUT, ZL_OPT_TCP_MAXRT
    int ZL_DONTWAIT, ZL_SNDMORE, ZL_POLLIN, ZL_POLLOUT, ZL_POLLERR
    int ZL_HAUSNUMERO, ZL_EFSM, ZL_ENOCOMPATPROTO, ZL_ETERM, ZL_EMTHREAD
    int ZL_DEFAULT_HWM, ZL_DEFAULT_RECONNECT_IVL, ZL_DEFAULT_BACKLOG, ZL_DEFAULT_HANDSHAKE_IVL

cdef extern from "zl_wire.h" nogil:
    int ZL_GREETING_SIZE, ZL_FLAG_MORE, ZL_FLAG_LONG, ZL_FLAG_COMMAND, ZL_FLAG_RESERVED
    int ZL_MAX_HEADER
    void zl_put_u32(unsigned char *p, uint32_t v)
    uint32_t zl_get_u32(const unsigned char *p)
    void zl_put_u64(unsigned char *p, uint64_t v)
    uint64_t zl_get_u64(const unsigned char *p)
    size_t zl_frame_header_size(uint64_t size)
    size_t zl_put_frame_header(unsigned char *p, unsigned flags, uint64_t size)

cdef extern from "zl_poll.h" nogil:
    int ZL_EV_IN, ZL_EV_OUT, ZL_EV_ERR, ZL_TCP_LOWAT
    ctypedef struct zl_event:
        void *data
        int events
    ctypedef struct zl_poller:
        pass
    int zl_mutex_init(pthread_mutex_t *m)
    void *zl_peek(void **p)
    void zl_poke(void **p, void *v)
    int zl_ref_add(int *p, int d)
    long long zl_now_ms()
    int zl_bind_to_device(int fd, const char *device)
    long long zl_now_ns()
    int zl_set_nonblock(int fd)
    int ZL_POLLER_SHARED
    void zl_pause_us(long us)
    int zl_poller_init(zl_poller *p)
    void zl_poller_close(zl_poller *p)
    int zl_poller_add(zl_poller *p, int fd, void *data, int events)
    int zl_poller_mod(zl_poller *p, int fd, void *data, int events)
    int zl_poller_del(zl_poller *p, int fd)
    int zl_poller_wait(zl_poller *p, zl_event *out, int max, int timeout_ms)
    int zl_signaler_open(int *rfd, int *wfd)
    void zl_signaler_send(int wfd)
    void zl_signaler_drain(int rfd)
    void zl_signaler_close(int rfd, int wfd)
