# Every socket type in one place: its facts and its hooks (sockets/base.pyx).
# Peers are libzmq's check_socket_type (docs/zmtp.md).

cdef void socket_type_set(int t, const char *name, unsigned peers, unsigned flags,
                          first_send_fn first_send, sock_fn xsend, sock_fn first_recv,
                          sock_fn xrecv, sock_fn has_in, sock_fn has_out,
                          pipe_fn pipe_gone, greet_fn greet=NULL) noexcept nogil:
    SOCKET_TYPES[t].name = name
    SOCKET_TYPES[t].peers = peers
    SOCKET_TYPES[t].flags = flags
    SOCKET_TYPES[t].first_send = first_send
    SOCKET_TYPES[t].xsend = xsend
    SOCKET_TYPES[t].first_recv = first_recv
    SOCKET_TYPES[t].xrecv = xrecv
    SOCKET_TYPES[t].has_in = has_in
    SOCKET_TYPES[t].has_out = has_out
    SOCKET_TYPES[t].pipe_gone = pipe_gone
    SOCKET_TYPES[t].greet = greet

cdef unsigned _types(int a, int b=-1, int c=-1) noexcept nogil:
    cdef unsigned m = 1u << a
    if b >= 0:
        m |= 1u << b
    if c >= 0:
        m |= 1u << c
    return m

# type, name, peers, flags; first_send, xsend; first_recv, xrecv; has_in, has_out; pipe_gone[, greet]
socket_type_set(ZL_PAIR, "PAIR", _types(ZL_PAIR), T_SEND | T_RECV | T_ONE_PEER | T_INLINE | T_READ_INLINE,
                first_send_when_room, pair_send, NULL, fq_recv, fq_has_message, pair_has_out, NULL)
socket_type_set(ZL_PUB, "PUB", _types(ZL_SUB, ZL_XSUB), T_SEND | T_PUBLISHER | T_CONFLATE_OUT,
                pub_first_send, pub_send, NULL, NULL, NULL, pub_has_out, pub_pipe_gone, pub_greet)
socket_type_set(ZL_SUB, "SUB", _types(ZL_PUB, ZL_XPUB),
                T_RECV | T_SUBSCRIBER | T_SUBSCRIBE_OPTION | T_CONFLATE_IN | T_READ_INLINE,
                NULL, NULL, NULL, sub_recv, sub_filter_inq, NULL, NULL, sub_send_all)
socket_type_set(ZL_REQ, "REQ", _types(ZL_REP, ZL_ROUTER), T_SEND | T_RECV | T_IDENTITY | T_INLINE | T_LB
                | T_READ_INLINE,
                req_first_send, req_send, req_first_recv, req_recv, req_has_in, req_has_out, NULL)
socket_type_set(ZL_REP, "REP", _types(ZL_REQ, ZL_DEALER), T_SEND | T_RECV | T_INLINE | T_READ_INLINE,
                rep_first_send, rep_send, rep_first_recv, rep_recv, rep_has_in, rep_has_out, NULL)
socket_type_set(ZL_DEALER, "DEALER", _types(ZL_REP, ZL_DEALER, ZL_ROUTER),
                T_SEND | T_RECV | T_IDENTITY | T_INLINE | T_LB | T_CONFLATE_IN | T_CONFLATE_OUT
                | T_READ_INLINE,
                first_send_when_room, lb_send, NULL, fq_recv, fq_has_message, lb_has_room, NULL)
socket_type_set(ZL_ROUTER, "ROUTER", _types(ZL_REQ, ZL_DEALER, ZL_ROUTER),
                T_SEND | T_RECV | T_IDENTITY | T_INLINE | T_ROUTER | T_READ_INLINE,
                router_first_send, router_send, NULL, router_recv, fq_has_message, always, NULL)
socket_type_set(ZL_PULL, "PULL", _types(ZL_PUSH), T_RECV | T_CONFLATE_IN,
                NULL, NULL, NULL, fq_recv, fq_has_message, NULL, NULL)
socket_type_set(ZL_PUSH, "PUSH", _types(ZL_PULL), T_SEND | T_LB | T_CONFLATE_OUT,
                first_send_when_room, lb_send, NULL, NULL, NULL, lb_has_room, NULL)
socket_type_set(ZL_XPUB, "XPUB", _types(ZL_SUB, ZL_XSUB), T_SEND | T_RECV | T_PUBLISHER,
                pub_first_send, pub_send, NULL, xpub_recv, xpub_has_in, pub_has_out, xpub_pipe_gone, pub_greet)
socket_type_set(ZL_XSUB, "XSUB", _types(ZL_PUB, ZL_XPUB), T_SEND | T_RECV | T_SUBSCRIBER | T_READ_INLINE,
                NULL, xsub_send, NULL, fq_recv, fq_has_message, always, NULL, sub_send_all)
socket_type_set(ZL_STREAM, "STREAM", 0, T_SEND | T_RECV | T_ROUTER | T_RAW,
                stream_first_send, stream_send, NULL, router_recv, fq_has_message, always, NULL)
