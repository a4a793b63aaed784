# What a socket type is: static facts (T_* flags, compatible peers, wire name)
# and hooks, one entry per type in SOCKET_TYPES. Declared here, below every
# part that consults it; filled in by sockets/table.pyx once the families'
# hooks exist. The hooks are described in sockets/base.pyx.

cdef enum:
    T_SEND = 1 << 0           # send() is allowed
    T_RECV = 1 << 1           # recv() is allowed
    T_IDENTITY = 1 << 2       # our READY carries Identity (the ROUTING_ID option)
    T_ONE_PEER = 1 << 3       # a second peer is refused (PAIR, RFC 31)
    T_INLINE = 1 << 4         # conversational: a user thread writes an idle connection itself
    T_SUBSCRIBER = 1 << 5     # sends its subscriptions upstream, all again to each new peer
    T_PUBLISHER = 1 << 6      # SUBSCRIBE/CANCEL commands from peers are its input
    T_ROUTER = 1 << 7         # gives each peer a routing id and routes by it
    T_LB = 1 << 8             # sends round-robin over its pipes with room (zl_socket.lb)
    T_SUBSCRIBE_OPTION = 1 << 9   # takes the SUBSCRIBE/UNSUBSCRIBE options (SUB)
    T_RAW = 1 << 10           # speaks raw TCP, not ZMTP: no greeting, no frames (STREAM)
    T_CONFLATE_IN = 1 << 11   # CONFLATE keeps only the newest message a pipe received
    T_CONFLATE_OUT = 1 << 12  # CONFLATE keeps only the newest message a pipe has to send
    T_READ_INLINE = 1 << 13   # a user thread blocked in recv reads its one connection itself
                              # (inline_read.pyx): not PULL, whose stream the I/O thread
                              # reads ahead better (pinned ipc 256 B: 17% faster without)

ctypedef int (*first_send_fn)(zl_socket *s, zl_frame *f) noexcept nogil

ctypedef int (*sock_fn)(zl_socket *s) noexcept nogil

ctypedef void (*pipe_fn)(zl_socket *s, zl_pipe *p) noexcept nogil
ctypedef int (*greet_fn)(zl_socket *s, zl_queue *out) noexcept nogil

cdef struct zl_socket_type:
    const char *name          # as in READY's Socket-Type
    unsigned peers            # bit (1 << type) for each type it may talk to
    unsigned flags            # T_*
    first_send_fn first_send
    sock_fn xsend
    sock_fn first_recv
    sock_fn xrecv
    sock_fn has_in
    sock_fn has_out
    pipe_fn pipe_gone
    greet_fn greet

cdef zl_socket_type SOCKET_TYPES[12]     # ZL_NSOCKET_TYPES

cdef inline int types_compatible(int ours, int theirs) noexcept nogil:
    return (SOCKET_TYPES[ours].peers >> theirs) & 1

cdef inline int sock_conflates(zl_socket *s, unsigned which) noexcept nogil:
    """CONFLATE applies to this direction (T_CONFLATE_IN or _OUT) of s: set,
    and s is a PULL, SUB, PUSH, PUB or DEALER (zmq_setsockopt(3))."""
    return s.conflate and (SOCKET_TYPES[s.type].flags & which) != 0

cdef int socket_type_from_name(const unsigned char *name, size_t n) noexcept nogil:
    cdef int t
    for t in range(ZL_NSOCKET_TYPES):
        if strlen(SOCKET_TYPES[t].name) == n and memcmp(SOCKET_TYPES[t].name, name, n) == 0:
            return t
    return -1
