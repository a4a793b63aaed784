# The C-level state of zmqlite, shared by the user threads and the I/O thread.
#
# Locking rule (one rule, no lock ordering to get wrong; docs/threading.md has
# the whole contract): every field below is read and written with the owning
# context's `lock` held, except those marked "I/O thread only" (and the whole of
# zl_conn but its fields marked "(lock)"), and those written once before the
# object is shared. The lock is never held across a blocking system call; the
# I/O thread takes it briefly to splice whole batches of frames in or out.
from syscalls cimport pthread_mutex_t, pthread_cond_t, pthread_t, sockaddr_storage, socklen_t, iovec
from zl cimport zl_poller

cdef struct zl_frame:
    zl_frame *next
    size_t size
    size_t cap                # bytes allocated behind this struct (data may start later:
                              # frame_advance); large frames are reused by it
    int flags                 # ZL_FLAG_MORE / ZL_FLAG_COMMAND as on the wire, plus ZL_FRAME_FIRST
    unsigned long long wire_end   # engine: stream offset just past this frame once encoded
    unsigned char *data       # just past this struct (one malloc), or into `owner`
    void *owner               # a bytes object whose buffer `data` borrows (a strong
                              # reference), or NULL; released only with the GIL (msg.pyx)

cdef struct zl_queue:
    zl_frame *head            # frames in order; only whole messages are ever queued
    zl_frame *tail
    Py_ssize_t msgs           # number of whole messages (frames without MORE)

# A connection's message properties (libzmq's metadata_t): the peer's handshake
# metadata, the User-Id and metadata its ZAP handler gave, Peer-Address; in
# ZMTP metadata encoding (RFC 23). Immutable once made; shared by the pipe and
# each Frame received from it, so counted atomically (a Frame may outlive the
# context and its lock).
cdef struct zl_meta:
    int refs
    size_t len
    unsigned char *data       # just past this struct (one malloc)

cdef struct zl_sub:
    unsigned char *topic      # malloc'ed prefix bytes (NULL when empty)
    size_t len
    int count                 # SUB side: times subscribed; PUB side: always 1 (a set)

cdef struct zl_sublist:
    zl_sub *items
    int n
    int cap

cdef struct zl_socket
cdef struct zl_conn
cdef struct zl_pipe

# A set of pipes with the active ones first (libzmq's lb_t/fq_t): items[0:active]
# are active (fq: a message is waiting; lb: there is room to send), so picking
# one, activating and deactivating cost the same with 1 peer or 10,000. Each
# pipe knows its index (zl_pipe.fq_at / lb_at). See src/sockets/routing.pyx.
cdef struct zl_pipeset:
    zl_pipe **items
    int n                     # pipes in the set
    int active                # items[0:active] are active
    int current               # round-robin position among the active ones
    int cap
cdef struct zl_endpoint

cdef struct zl_pipe:
    zl_socket *sock           # owner
    zl_queue out              # user -> peer
    zl_queue inq              # peer -> user
    int connect_side          # made by connect(): outlives its connections, queues while away
    int active                # a peer is attached (handshake done / inproc peer linked)
    int dead                  # bind-side peer gone: no more sends, freed once inq is drained
    int in_paused             # its connection stopped reading: inq reached RCVHWM
    int out_cut               # its connection took the first frames of out's first message
                              # and not the rest yet (CONFLATE must not drop that one)
    zl_conn *conn             # live connection or NULL
    zl_pipe *peer             # inproc: the pipe of the other socket, or NULL
    zl_endpoint *ep           # connect-side: the endpoint record owning this pipe
    char inproc_name[256]     # inproc connect-side: the name it waits for
    unsigned char *rid        # ROUTER: the peer's routing id (announced or generated), malloc'ed:
                              # a peer's Identity may be any length its READY can carry
    size_t rid_len            # 0 until the peer is known
    unsigned long long rid_hash   # ROUTER: hash of rid, its bucket in sock.rids
    zl_pipe *rid_next         # ROUTER: next pipe in the same bucket of sock.rids
    int rid_fixed             # the id was given at connect() (CONNECT_ROUTING_ID, or a
                              # STREAM's connect side): a peer's Identity does not replace it
    int fq_at                 # index in sock.fq (every pipe is there)
    int lb_at                 # index in sock.lb, -1 when the type does not load-balance
    zl_sublist subs           # PUB/XPUB: the prefixes this subscriber asked for
    zl_sublist asked          # XPUB_MANUAL: what it asked for (subs is what the application
                              # applied); each is cancelled to the application when it goes
    zl_meta *meta             # the properties of messages from this peer (tcp/ipc), or NULL

# A command to the I/O thread. Each lives inside the object it is about (one
# per kind: a listener can be waiting to LISTEN and to UNBIND at once), so
# posting one never allocates and close()/unbind() cannot fail for memory.
cdef struct zl_cmd:
    zl_cmd *next
    int kind                  # ZL_CMD_*
    void *ptr

cdef struct zl_listener:
    zl_socket *sock
    zl_listener *next
    int fd
    char endpoint[300]        # the resolved endpoint (LAST_ENDPOINT), e.g. tcp://127.0.0.1:5555
    char ipc_path[108]        # ipc: the file to unlink on unbind/close, else empty
    zl_cmd listen_cmd, unbind_cmd
    long long accept_retry_at # out of descriptors: accepting resumes then (I/O thread only)
    zl_listener *paused_next  # in ctx.paused_listeners while accept_retry_at is set (I/O thread only)

cdef struct zl_resolve_req

cdef struct zl_endpoint:
    zl_socket *sock
    zl_endpoint *next
    zl_pipe *pipe             # the persistent connect-side pipe
    zl_conn *conn             # current connection (attempt) or NULL (I/O thread only)
    int transport             # ZL_TCP / ZL_IPC / ZL_INPROC
    sockaddr_storage addr
    socklen_t addrlen
    char endpoint[300]        # as the user wrote it (for disconnect)
    char bind_device[17]      # tcp: BINDTODEVICE as it was at connect() ("": none)
    long long retry_at        # monotonic ms of the next connect attempt, 0 = none (I/O thread only)
    zl_endpoint *retry_next   # in ctx.retrying while retry_at is set (I/O thread only)
    int cur_ivl               # current reconnect interval in ms (backoff)
    zl_cmd connect_cmd, disconnect_cmd
    # tcp to a host name: resolved again before every attempt (as libzmq), by
    # the context's resolver thread (src/resolver.pyx); `addr` holds the last answer
    char host[256]            # the name, empty when addr is a literal given at connect() (immutable)
    int port                  # (immutable)
    int ipv6                  # the IPV6 option at connect(): AAAA answers may be used (immutable)
    zl_resolve_req *resolving # the request in flight, or NULL (I/O thread only)
    int resolved              # addr was just resolved for the attempt to come (I/O thread only)

cdef struct zl_socket:
    void *ctx                 # zl_ctx *
    zl_socket *next           # in ctx.sockets
    int type
    int sig_rfd               # becomes readable when POLLIN/POLLOUT may have changed (FD option)
    int sig_wfd
    int sig_pending           # sig_wfd was written and not drained since: no second write
    zl_pipe **pipes           # every pipe, in attach order
    int npipes
    int cap
    zl_pipeset fq             # every pipe; active: inq holds a message
    zl_pipeset lb             # PUSH/REQ/DEALER's pipes; active: room to send (pipe_can_send)
    zl_pipe **rids            # ROUTER: hash buckets of pipes by routing id (chained by rid_next)
    int nrids                 # buckets (a power of two, or 0)
    int rid_count             # pipes in the table
    zl_queue tx               # frames of the message being composed with SNDMORE
    zl_queue rx               # frames of the message being delivered to recv()
    int rcvmore               # last frame recv() returned had MORE
    zl_meta *rx_meta          # the properties of the message in rx (its pipe's), or NULL
    # REQ / REP state machines (RFC 28)
    int req_waiting           # REQ: request sent, reply pending; REP: request received, reply pending
    zl_pipe *reply_pipe       # REQ: pipe the request went to; REP: pipe the request came from
    zl_queue envelope         # REP: routing envelope (up to the empty delimiter) of the request
    int req_relaxed           # REQ_RELAXED: a new request may go while a reply is pending (that
                              # reply is given up: dropped if it had not arrived yet)
    int req_correlate         # REQ_CORRELATE: a request starts with a 4-byte id frame, and only
                              # a reply carrying the last request's id is taken
    unsigned int req_id       # REQ: the last request's id (random start, as libzmq; sent in
                              # host byte order, which only this socket compares)
    int probe_router          # PROBE_ROUTER: a new pipe's first message is an empty one
    # ROUTER state
    zl_pipe *router_out       # pipe the message being sent goes to (NULL: drop it)
    unsigned int next_rid     # counter for generated 5-byte routing ids
    int router_mandatory, router_handover
    int router_notify         # ROUTER_NOTIFY: ZL_NOTIFY_CONNECT | ZL_NOTIFY_DISCONNECT, for new connections
    unsigned char connect_rid[256]    # CONNECT_ROUTING_ID: the id the next connect() gives its peer
    int connect_rid_len       # 0: none set (it is used once, as libzmq)
    # STREAM state
    int stream_notify         # STREAM_NOTIFY: an empty message per peer connecting/disconnecting
    # PUB/SUB state
    zl_sublist subs           # SUB/XSUB: our subscriptions, counted (re-sent on reconnect)
    zl_queue xpub_rx          # XPUB: subscription (and other) messages for recv()
    int xpub_verbose          # XPUB_VERBOSE: pass duplicate subscriptions up
    unsigned char *xpub_welcome   # XPUB_WELCOME_MSG (PUB/XPUB): a copy goes first to each new
    size_t xpub_welcome_len   # peer (malloc'ed; NULL and 0: none)
    int xpub_nodrop           # XPUB_NODROP: EAGAIN (or wait) when a subscriber is at SNDHWM
    zl_pipe *xpub_full        # XPUB_NODROP: the subscriber that made the last send wait, or
                              # NULL; POLLOUT is off while it has no room
    int xpub_manual           # XPUB_MANUAL: requests go to the application only, which applies
                              # them with SUBSCRIBE/UNSUBSCRIBE on the XPUB (to xpub_last)
    zl_pipe *xpub_last        # XPUB_MANUAL: the pipe of the request recv() gave last, or NULL
    zl_pipe **xpub_from       # the pipe each message in xpub_rx came from (NULL: none, or gone),
    int xpub_from_head        # a ring of xpub_from_cap entries, xpub_from_n used from
    int xpub_from_n           # xpub_from_head on: one per message, in the same order
    int xpub_from_cap
    # options
    int sndhwm, rcvhwm, linger, rcvtimeo, sndtimeo
    int invert_matching       # INVERT_MATCHING: PUB/XPUB send to, SUB keeps, what does not match
    char bind_device[17]      # BINDTODEVICE: the interface of its tcp sockets ("": any)
    int conflate              # CONFLATE: one message per pipe and direction (sock_conflates)
    int sndbuf, rcvbuf        # kernel buffer sizes for new connections, -1 default, 0 the OS's
    int reconnect_ivl, reconnect_ivl_max, backlog, ipv6, immediate, handshake_ivl
    int heartbeat_ivl         # ms between PINGs, 0 = none
    int heartbeat_timeout     # ms to wait for traffic after a PING, -1 = heartbeat_ivl
    int heartbeat_ttl         # ms the peer should wait for our traffic (sent in PING), 0 = none
    long long maxmsgsize
    # tcp tuning of new connections, as libzmq (engine.pyx conn_tune_tcp): -1 leaves the OS's
    int tcp_keepalive         # SO_KEEPALIVE 0/1; -1 also leaves the three below alone
    int tcp_keepalive_cnt, tcp_keepalive_idle, tcp_keepalive_intvl    # TCP_KEEPCNT/IDLE/INTVL
    int tcp_maxrt             # TCP_USER_TIMEOUT in ms once connected, 0 = the OS's
    int tos                   # IP_TOS / IPV6_TCLASS of connections and listeners, 0 = the OS's
    int connect_timeout       # ms a tcp connect may take before it is retried, 0 = the OS's
    # security (src/mechanisms/): set by the PLAIN_*/CURVE_* options, read by the
    # I/O thread under the lock when a connection starts (as libzmq, an option
    # applies to connections made after it is set)
    int mechanism             # ZL_MECH_NULL, _PLAIN or _CURVE
    int as_server             # PLAIN_SERVER / CURVE_SERVER
    unsigned char plain_username[256]
    int plain_username_len
    unsigned char plain_password[256]
    int plain_password_len
    unsigned char curve_public[32]    # our long-term key pair
    unsigned char curve_secret[32]
    unsigned char curve_server[32]    # a client's: the server's long-term public key
    int curve_keys            # which of the three are set: 1 public, 2 secret, 4 server
    unsigned char zap_domain[256]
    int zap_domain_len
    unsigned char routing_id[256]
    int routing_id_len
    zl_listener *listeners
    zl_endpoint *endpoints
    char last_endpoint[300]
    int closing               # close() called: the I/O thread tears it down after linger;
                              # calls still inside it (a blocked recv) fail with ENOTSOCK
    long long linger_deadline # monotonic ms, -1 = wait forever (I/O thread only)
    int lingering             # on ctx.lingering (I/O thread only)
    zl_socket *linger_next    # next on ctx.lingering (I/O thread only)
    # Lifetime: close() may come from another thread while one is blocked in
    # recv/send/poll/proxy on this socket without the GIL. Such a thread holds
    # the socket (sock_hold) for as long as it may touch it; the I/O thread's
    # teardown (socket_free) frees the struct only when nobody holds it, else
    # it leaves that to the last holder (sock_unhold). The context counts the
    # socket in nsockets until the struct is freed, so term() waits for it.
    zl_cmd close_cmd
    zl_socket *monitor        # the PAIR its events go to (src/monitor.pyx), or NULL
    int monitor_events        # the events it wants (EVENT_* bits)
    int holders               # threads using the struct without the GIL
    int torn_down             # socket_free ran; the last holder frees the struct

cdef struct zl_decoder:
    int state                 # ZL_DEC_FLAGS, ZL_DEC_SIZE, ZL_DEC_BODY
    int flags                 # flags byte of the frame being decoded
    unsigned char hdr[8]      # size bytes collected so far
    int hdr_len
    int hdr_need              # 1 or 8
    long long maxmsgsize      # -1 = unlimited
    zl_frame *cur             # frame whose body is being filled
    size_t filled

cdef struct zl_mechanism

cdef struct zl_conn:               # I/O thread only, but the fields marked (lock)
    zl_socket *sock
    const zl_mechanism *mech  # the security mechanism (src/mechanisms/)
    zl_conn *next             # in ctx.conns (I/O thread only)
    zl_conn *timed_next       # in ctx.timed: has a handshake deadline or heartbeats (conn_timers)
    zl_conn **timed_pprev     # the link that points at it there, NULL when not on ctx.timed
    zl_conn *ready_next       # (lock) in ctx.ready list
    int in_ready              # (lock) on ctx.ready
    int fd
    int state                 # ZL_CONN_CONNECTING .. ZL_CONN_ACTIVE; a user thread reads it (lock)
                              # only through pipe.conn, set with state ACTIVE, the last change
    int events                # (lock) the poller interest the I/O thread wants (written under
                              # the lock, read by it without): conn_interest() is what is registered
    int registered            # (lock) the interest registered with the poller now
    # reading by a user thread (src/inline_read.pyx, docs/threading.md): the
    # read side (dec, rbuf, msg, rb_*) belongs to whoever holds the token
    int inline_ok             # (lock) a user thread may take the reading (written by the I/O thread)
    int reader                # (lock) 1: a user thread holds the read side (the token)
    int io_reading            # (lock) the I/O thread is inside conn_in: the token cannot be taken
    int reclaim               # (lock) the I/O thread wants the token back (closing): not taken again
    int handback              # (lock) the user thread stopped with work for the I/O thread (rb_*)
    zl_frame *rb_frame        # a decoded command it did not handle, or NULL
    size_t rb_pos             # rbuf[rb_pos:rb_end]: bytes read and not decoded yet
    size_t rb_end
    int rb_fault              # the read failed (EOF, error, a protocol fault): close
    zl_pipe *pipe             # (lock) connect-side: the endpoint's pipe from the start; bind-side: after READY
    zl_endpoint *ep           # connect-side endpoint, NULL for accepted connections
    zl_listener *lst          # accepted from this listener, NULL for connected ones
    unsigned char greeting[64]    # peer greeting collected so far
    int greeting_len
    int peer_minor
    long long handshake_deadline
    zl_decoder dec
    unsigned char *rbuf       # read buffer, RBUF_SIZE bytes
    zl_queue msg              # frames of the incoming message not yet complete
    # write side: the I/O thread's, or a user thread's (holding the lock) while
    # out_idle is set; see docs/threading.md and conn_fill
    unsigned char *wbuf       # frame headers and small bodies, WBUF_SIZE bytes
    size_t wlen               # bytes encoded in wbuf
    iovec wiov[64]            # what is to be written, in wire order: pieces of wbuf and
                              # bodies written from their own frames (WIOV_MAX)
    int wiov_n                # pieces in wiov
    int wiov_pos              # first piece not completely written (advanced in place)
    size_t copy_max           # bodies below this size are copied into wbuf (engine.pyx)
    int is_tcp                # else ipc (a unix socket)
    int raw                   # a STREAM's: no greeting, no framing, bytes in and out as they are
    void *mech_state          # the mechanism's own state (keys, nonces, handshake step), or NULL
    int as_server             # our greeting's as-server flag (PLAIN_SERVER / CURVE_SERVER)
    size_t seal_overhead      # the mechanism encrypts frames (CURVE): the bytes it adds to each; 0 none
    zl_queue sealed           # encrypted copies of large frames being written (freed as written;
                              # `inflight` keeps the plaintext, which a reconnect re-sends)
    int close_after_flush     # the handshake failed and an ERROR is on its way: close once written
    unsigned long long zap_id # the ZAP request this connection waits for, 0 = none
    unsigned char *zap_props  # what the ZAP handler answered: User-Id and its metadata, as
    size_t zap_props_len      # properties, for the pipe's zl_meta (malloc'ed, or NULL)
    int user_closed           # raw: the user closed it (an empty message): no notice, no reconnect
    int rcvlowat              # SO_RCVLOWAT now set on fd (conn_wait_for_body)
    zl_queue inflight         # frames taken from the pipe whose bytes are not all written
    zl_queue ctrl             # commands to send (READY, PONG) before pipe data
    unsigned long long stream_queued   # bytes encoded so far
    unsigned long long stream_written  # bytes written so far
    int taking_mid_msg        # last frame taken from the pipe had MORE
    int out_idle              # (lock) everything written, write buffer empty: see conn_write_inline
    long long last_inline_ns  # (lock) when a user thread last wrote or tried to
    int peer_type
    char endpoint[300]        # for monitor events: the endpoint connected to, or listened on
    int fail_event            # how a failing handshake is reported (EVENT_HANDSHAKE_FAILED_*), 0 none yet
    long long fail_value      # ... and its value (a protocol error code or an errno)
    # the socket's options as they were when the connection was made (as
    # libzmq applies them), copied under the lock: the I/O thread never reads
    # the socket's option fields, which user threads change (I/O thread only)
    int heartbeat_ivl         # ms between PINGs, 0 = none
    int heartbeat_timeout     # ms to wait for traffic after a PING
    int heartbeat_ttl         # ms the peer should wait for our traffic (sent in PING), 0 = none
    int handshake_ivl         # ms the greeting and handshake may take, 0 = forever
    int tcp_maxrt             # TCP_MAXRT, set once the connection is up
    int router_notify         # ROUTER_NOTIFY: an empty message from the peer when it comes and goes
    # heartbeats, RFC 37 (I/O thread only)
    long long last_recv       # monotonic ms of the last bytes received
    long long next_ping       # when to send the next PING (0: not scheduled yet)
    long long ping_sent       # when the last unanswered PING went out
    long long ping_deadline   # drop the peer if silent until then (0: none)
    long long peer_ttl        # the peer's TTL from its PING, in ms (0: none)

# Host names are resolved by one thread per context, started when a name
# first needs it (src/resolver.pyx has the why). The I/O thread posts a
# request and the resolver thread hands it back on `done`, both under `mu`
# (never held with a context's lock), and signals `sig_wfd`, which the I/O
# thread polls. The struct is shared by the two threads and freed by the
# last one to let go (`refs`), so term() never waits for a slow lookup.
cdef struct zl_resolve_req:
    zl_resolve_req *next      # in todo or done (mu)
    zl_endpoint *ep           # who asked; NULL once it is gone (I/O thread only)
    char host[256]            # the question (immutable once posted)
    int port, ipv6
    int err                   # the answer, written by the resolver thread before it posts to
    sockaddr_storage addr     # done: 0 and addr, or an errno (EINVAL: no usable address)
    socklen_t addrlen

cdef struct zl_resolver:
    pthread_mutex_t mu
    pthread_cond_t cond       # signalled when todo gets a request or stop is set
    zl_resolve_req *todo      # oldest first (mu)
    zl_resolve_req *todo_tail
    zl_resolve_req *done      # answered, for the I/O thread (mu)
    int refs                  # the I/O thread's and the resolver thread's (mu)
    int stop                  # the context has ended: drop everything (mu)
    int sig_rfd               # readable when done is not empty (immutable)
    int sig_wfd

cdef struct zl_inproc_bind:
    zl_inproc_bind *next
    zl_socket *sock
    char name[256]

cdef struct zl_ctx:
    pthread_mutex_t lock
    pthread_t thread
    zl_poller poller          # I/O thread only
    int wake_rfd              # the I/O thread's signaler
    int wake_wfd
    int io_sleeping           # the I/O thread is (about to be) in poll: wake it with wake_wfd
    zl_cmd *cmds              # commands to the I/O thread, oldest first
    zl_cmd *cmds_tail
    zl_conn *ready            # connections with output to flush or reading to resume
    zl_socket *sockets        # every socket not yet freed (closing ones included)
    int nsockets
    zl_conn *conns            # every connection (I/O thread only)
    zl_conn *timed            # the connections with timers, the only ones run_timers visits
                              # (a thousand quiet peers cost nothing per loop; I/O thread only)
    zl_listener *paused_listeners  # listeners backing off from EMFILE (I/O thread only)
    zl_endpoint *retrying     # endpoints waiting to reconnect (I/O thread only)
    zl_resolver *resolver     # started on the first host name to connect to, or NULL (I/O thread only)
    zl_socket *lingering      # closed sockets delivering what LINGER allows (I/O thread only)
    zl_inproc_bind *inproc_binds
    zl_socket *zap            # the I/O thread's DEALER to the ZAP handler (inproc://zeromq.zap.01),
                              # made when the first request is; not on `sockets` (I/O thread + lock)
    unsigned long long zap_next_id    # the last ZAP request id given out
    int terminating           # term() called: blocking calls fail with ETERM
    int stop                  # the I/O thread should exit once no socket is left
    int term_rfd              # signalled by the I/O thread when the last socket is freed
    int term_wfd

cdef class Context:
    cdef zl_ctx *_ctx
    cdef int _fork_gen
    cdef bint _closed
    cdef object _owner          # a shadow (Context.shadow): the Context that owns _ctx; None: this one
    cdef object __weakref__

cdef class Socket:
    cdef zl_socket *_s
    cdef readonly object context
    cdef readonly int socket_type
    cdef int _fork_gen          # fork generation the socket was made in
    cdef dict _stored           # options accepted for compatibility but without effect yet
    cdef object _owner          # a shadow (Socket.shadow): the Socket that owns _s; None: this one
    cdef public Py_ssize_t copy_threshold   # pyzmq's: send(copy=False) lends bytes this long or more
    cdef bint _plain_io         # send/recv are this class's: multipart goes in one call
    cdef object __weakref__
    cdef _shadow(self, shadow)
    cdef zl_socket *_sock(self) except NULL
    cdef _bind_inproc(self, str name)
    cdef _bind_failed(self, int err, bytes where)
    cdef _connect_inproc(self, str name)
    cdef _close(self, int linger)
    cdef object _send(self, data, int flags)
    cdef object _recv(self, int flags, bint as_frame, track=*)
    cdef int _send_frame(self, zl_socket *s, zl_frame *f, int flags) except -1
    cdef zl_frame *_recv_frame(self, zl_socket *s, int flags) except NULL
    cdef object _send_parts_now(self, parts, int flags)
    cdef object _recv_parts_now(self, int flags)
