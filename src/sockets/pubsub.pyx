# PUB, SUB, XPUB, XSUB (RFC 29). Every function runs with the context lock held.
#
# - SUB/XSUB keep their subscriptions counted in s.subs and send them upstream:
#   as SUBSCRIBE/CANCEL command frames through the pipes (the engine rewrites
#   them as 0x01/0x00 messages for ZMTP 3.0 peers), and all of them again to
#   each new peer. A cancel goes upstream only when its count reaches zero.
# - PUB/XPUB keep each subscriber's prefixes as a set on its pipe and filter
#   before sending (INVERT_MATCHING: to those none of whose prefixes match);
#   a subscriber at its HWM loses the message, nobody blocks, unless
#   XPUB_NODROP refuses the send instead. Subscriptions arrive in the pipes'
#   inq (commands, or 0x01/0x00 messages from 3.0 peers and XSUB
#   applications) and are applied before each send, poll and recv; with
#   XPUB_MANUAL they only go up to the application, which applies them
#   itself (SUBSCRIBE on the XPUB, to the pipe of the request read last).
# - A new peer of a PUB/XPUB gets XPUB_WELCOME_MSG first (pub_greet).
# - Each subscriber's prefixes are an array sorted by (length, bytes): a
#   message is matched with one binary search per distinct prefix length, and
#   the array is trivial to walk when subscriptions are re-sent.

cdef zl_frame *subscription_frame(zl_socket *s, int subscribe, const unsigned char *t, size_t n) noexcept nogil:
    """How s tells a publisher about a subscription, as libzmq does: SUB with
    a SUBSCRIBE/CANCEL command (0x01/0x00 messages for ZMTP 3.0 peers, see
    engine.pyx), XSUB with its application's 0x01/0x00 message as it is."""
    if s.type != ZL_XSUB:
        return command_new("SUBSCRIBE" if subscribe else "CANCEL", t, n)
    return subscription_message(subscribe, t, n)

cdef int sub_send_all(zl_socket *s, zl_queue *q) noexcept nogil:
    """Appends a SUBSCRIBE command for each of s's subscriptions to q.
    0, or -1 when out of memory (q may hold some of them)."""
    cdef int i
    cdef zl_frame *f
    for i in range(s.subs.n):
        f = subscription_frame(s, 1, s.subs.items[i].topic, s.subs.items[i].len)
        if f == NULL:
            return -1
        queue_push(q, f)
    return 0

cdef void sub_subscribe(zl_socket *s, int subscribe, const unsigned char *t, size_t n) noexcept nogil:
    """SUB's SUBSCRIBE/UNSUBSCRIBE option and XSUB's 0x01/0x00 messages."""
    cdef int i, forward
    cdef zl_pipe *p
    cdef zl_frame *f
    cdef zl_queue q
    if subscribe:
        sublist_add(&s.subs, t, n, 1)
        forward = 1
    else:
        forward = sublist_remove(&s.subs, t, n, 1) == 1
    if not forward:
        return
    for i in range(s.npipes):
        p = s.pipes[i]
        if p.active and not p.dead:
            f = subscription_frame(s, subscribe, t, n)
            if f == NULL:
                continue        # out of memory: this publisher misses it
            queue_init(&q)
            queue_push(&q, f)
            pipe_push_msg(p, &q)

cdef int pub_greet(zl_socket *s, zl_queue *out) noexcept nogil:
    """PUB/XPUB: XPUB_WELCOME_MSG, before anything else, to each new peer
    (libzmq writes it when it attaches a pipe; a SUB sees it only if it is
    subscribed to it). 0, or -1 when out of memory."""
    cdef zl_frame *f
    if s.xpub_welcome_len == 0:
        return 0
    f = frame_new(s.xpub_welcome_len)
    if f == NULL:
        return -1
    memcpy(f.data, s.xpub_welcome, s.xpub_welcome_len)
    queue_push(out, f)
    return 0

cdef int pub_prefix_elsewhere(zl_socket *s, zl_pipe *skip, const unsigned char *t, size_t n) noexcept nogil:
    cdef int i
    for i in range(s.npipes):
        if s.pipes[i] != skip and sublist_find(&s.pipes[i].subs, t, n) >= 0:
            return 1
    return 0

cdef int xpub_from_push(zl_socket *s, zl_pipe *p) noexcept nogil:
    """Records that the message about to go into xpub_rx came from p (NULL:
    from no pipe). 0, or -1 when out of memory (then the message is dropped)."""
    cdef zl_pipe **grown
    cdef int i, cap
    if s.xpub_from_n == s.xpub_from_cap:
        cap = s.xpub_from_cap * 2 + 8
        grown = <zl_pipe **>malloc(cap * sizeof(zl_pipe *))
        if grown == NULL:
            return -1
        for i in range(s.xpub_from_n):
            grown[i] = s.xpub_from[(s.xpub_from_head + i) % s.xpub_from_cap]
        free(s.xpub_from)
        s.xpub_from = grown
        s.xpub_from_cap = cap
        s.xpub_from_head = 0
    s.xpub_from[(s.xpub_from_head + s.xpub_from_n) % s.xpub_from_cap] = p
    s.xpub_from_n += 1
    return 0

cdef zl_pipe *xpub_from_pop(zl_socket *s) noexcept nogil:
    cdef zl_pipe *p
    if s.xpub_from_n == 0:
        return NULL
    p = s.xpub_from[s.xpub_from_head]
    s.xpub_from_head = (s.xpub_from_head + 1) % s.xpub_from_cap
    s.xpub_from_n -= 1
    return p

cdef void xpub_notify(zl_socket *s, zl_pipe *p, int subscribe, const unsigned char *t, size_t n) noexcept nogil:
    """Queues 0x01/0x00 + topic for the application, from p (NULL: none)."""
    cdef zl_frame *f = subscription_message(subscribe, t, n)
    if f == NULL:
        return      # out of memory: the application misses this notice
    if xpub_from_push(s, p) < 0:
        frame_free(f)
        return
    queue_push(&s.xpub_rx, f)

cdef void pub_apply(zl_socket *s, zl_pipe *p, int subscribe, const unsigned char *t, size_t n) noexcept nogil:
    cdef int first, last
    if s.xpub_manual:
        # every request goes up, duplicates too, and nothing is applied; what
        # p asked for is kept to be cancelled when p goes (as libzmq)
        if subscribe:
            sublist_add(&p.asked, t, n, 0)
        else:
            sublist_remove(&p.asked, t, n, 0)
        if s.type == ZL_XPUB:
            xpub_notify(s, p, subscribe, t, n)
        return
    if subscribe:
        first = not pub_prefix_elsewhere(s, p, t, n) and sublist_find(&p.subs, t, n) < 0
        sublist_add(&p.subs, t, n, 0)
        if s.type == ZL_XPUB and (first or s.xpub_verbose):
            xpub_notify(s, p, 1, t, n)
    else:
        if sublist_remove(&p.subs, t, n, 0) == 1 and s.type == ZL_XPUB \
                and not pub_prefix_elsewhere(s, p, t, n):
            xpub_notify(s, p, 0, t, n)

cdef void pub_manual_subscribe(zl_socket *s, int subscribe, const unsigned char *t, size_t n) noexcept nogil:
    """SUBSCRIBE/UNSUBSCRIBE on an XPUB_MANUAL socket: applies to the
    subscriber whose request recv() gave last (nothing when none, or gone)."""
    cdef zl_pipe *p = s.xpub_last
    if p == NULL:
        return
    if subscribe:
        sublist_add(&p.subs, t, n, 0)
    else:
        sublist_remove(&p.subs, t, n, 0)

cdef void pub_process_input(zl_socket *s) noexcept nogil:
    """Applies the subscriptions waiting in the pipes (PUB/XPUB)."""
    cdef int i
    cdef zl_pipe *p
    cdef zl_frame *f
    cdef zl_queue msg
    # the pipes with input are the fair queue's active ones; downwards, as
    # an emptied pipe is swapped behind them
    for i in range(s.fq.active - 1, -1, -1):
        p = s.fq.items[i]
        while p.inq.msgs > 0:
            queue_init(&msg)
            queue_move_msg(&msg, &p.inq)
            f = msg.head
            if f.flags & ZL_FLAG_COMMAND:
                if command_is(f, "SUBSCRIBE"):
                    pub_apply(s, p, 1, f.data + 10, f.size - 10)
                elif command_is(f, "CANCEL"):
                    pub_apply(s, p, 0, f.data + 7, f.size - 7)
                queue_clear(&msg)
            elif f.next == NULL and f.size >= 1 and f.data[0] <= 1:
                pub_apply(s, p, f.data[0], f.data + 1, f.size - 1)
                queue_clear(&msg)
            elif s.type == ZL_XPUB and xpub_from_push(s, p) == 0:
                queue_splice(&s.xpub_rx, &msg)     # XPUB passes other messages up
            else:
                queue_clear(&msg)
        pipe_after_read(p)

cdef inline int pub_wants(zl_socket *s, zl_pipe *p, zl_frame *f) noexcept nogil:
    """Whether subscriber p gets the message starting with frame f (with
    INVERT_MATCHING, whether none of its prefixes matches)."""
    return p.active and not p.dead and sublist_match(&p.subs, f.data, f.size) != s.invert_matching

cdef inline int pub_room(zl_socket *s, zl_pipe *p) noexcept nogil:
    return p.out.msgs < s.sndhwm or sock_conflates(s, T_CONFLATE_OUT)

cdef int pub_first_send(zl_socket *s, zl_frame *f) noexcept nogil:
    """XPUB_NODROP: EAGAIN while a subscriber the message goes to is at
    SNDHWM (libzmq's check_hwm); that one is remembered for POLLOUT."""
    cdef int i
    if not s.xpub_nodrop:
        return 0
    pub_process_input(s)
    for i in range(s.npipes):
        if pub_wants(s, s.pipes[i], f) and not pub_room(s, s.pipes[i]):
            s.xpub_full = s.pipes[i]
            return EAGAIN
    return 0

cdef int pub_has_out(zl_socket *s) noexcept nogil:
    """POLLOUT: always, as libzmq, but with XPUB_NODROP not while the
    subscriber that made a send fail is still at SNDHWM: a blocked send()
    then sleeps until that one has room, instead of spinning."""
    cdef zl_pipe *p = s.xpub_full
    if p != NULL and s.xpub_nodrop and p.active and not p.dead and not pub_room(s, p):
        return 0
    s.xpub_full = NULL
    return 1

cdef void pub_pipe_gone(zl_socket *s, zl_pipe *p) noexcept nogil:
    if s.xpub_full == p:
        s.xpub_full = NULL
        sock_signal(s)

cdef int pub_send(zl_socket *s) noexcept nogil:
    """Sends the message in s.tx to every subscriber whose prefixes match its
    first frame and that has room; the last one gets the original frames."""
    cdef int i, last = -1
    cdef zl_pipe *p
    cdef zl_queue copy
    pub_process_input(s)
    for i in range(s.npipes):
        p = s.pipes[i]
        if pub_wants(s, p, s.tx.head) and pub_room(s, p):
            if last >= 0 and queue_copy(&copy, &s.tx) == 0:
                pipe_push_msg(s.pipes[last], &copy)
            last = i
    if last >= 0:
        pipe_push_msg(s.pipes[last], &s.tx)
    else:
        queue_clear(&s.tx)
    return 0

cdef int xsub_send(zl_socket *s) noexcept nogil:
    """XSUB: 0x01/0x00 messages are subscriptions, anything else goes to
    every publisher."""
    cdef zl_frame *f = s.tx.head
    cdef int i
    cdef zl_queue copy
    if f.next == NULL and f.size >= 1 and f.data[0] <= 1:
        sub_subscribe(s, f.data[0], f.data + 1, f.size - 1)
        queue_clear(&s.tx)
        return 0
    for i in range(s.npipes):
        if s.pipes[i].active and not s.pipes[i].dead and queue_copy(&copy, &s.tx) == 0:
            pipe_push_msg(s.pipes[i], &copy)
    queue_clear(&s.tx)
    return 0

cdef int sub_filter_inq(zl_socket *s) noexcept nogil:
    """SUB: drops queued messages that match no subscription (the publisher
    filters too, but a 3.0 peer or a just-cancelled topic may still send),
    and tells whether a matching one is waiting."""
    cdef int i
    cdef zl_pipe *p
    for i in range(s.fq.active - 1, -1, -1):     # downwards: an emptied pipe goes behind
        p = s.fq.items[i]
        while p.inq.msgs > 0 and not sub_wants(s, p.inq.head):
            queue_drop_msg(&p.inq)
        if p.inq.msgs == 0:
            pipe_after_read(p)
    return s.fq.active > 0

cdef int sub_recv(zl_socket *s) noexcept nogil:
    if not sub_filter_inq(s):
        return EAGAIN
    return fq_recv(s)

cdef int xpub_has_in(zl_socket *s) noexcept nogil:
    pub_process_input(s)
    return s.xpub_rx.head != NULL

cdef int xpub_recv(zl_socket *s) noexcept nogil:
    """Subscription messages (and others its peers sent) for the application."""
    cdef zl_pipe *p
    pub_process_input(s)
    if s.xpub_rx.head == NULL:
        return EAGAIN
    meta_unref(s.rx_meta)       # subscriptions carry no properties
    s.rx_meta = NULL
    queue_move_msg(&s.rx, &s.xpub_rx)
    p = xpub_from_pop(s)
    if s.xpub_manual:
        s.xpub_last = p
    return 0

cdef void xpub_pipe_gone(zl_socket *s, zl_pipe *p) noexcept nogil:
    """A departed subscriber's topics that nobody else wants are cancelled
    (the application sees 0x00 + topic, as from libzmq). With XPUB_MANUAL,
    each topic it asked for is cancelled, and SUBSCRIBE has no target until
    the next request is received (libzmq's send_unsubscription)."""
    cdef int i
    pub_pipe_gone(s, p)
    for i in range(s.xpub_from_n):      # its requests still queued have no pipe now
        if s.xpub_from[(s.xpub_from_head + i) % s.xpub_from_cap] == p:
            s.xpub_from[(s.xpub_from_head + i) % s.xpub_from_cap] = NULL
    if s.xpub_last == p:
        s.xpub_last = NULL
    if s.closing:
        return
    if s.xpub_manual:
        for i in range(p.asked.n):
            xpub_notify(s, NULL, 0, p.asked.items[i].topic, p.asked.items[i].len)
        if p.asked.n:
            s.xpub_last = NULL
    else:
        for i in range(p.subs.n):
            if not pub_prefix_elsewhere(s, p, p.subs.items[i].topic, p.subs.items[i].len):
                xpub_notify(s, NULL, 0, p.subs.items[i].topic, p.subs.items[i].len)
    sock_signal(s)
