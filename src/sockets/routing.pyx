# Routing structures shared by the socket types (libzmq's lb_t, fq_t and the
# ROUTER's outpipes map). Every function runs with the context lock held.
#
# - A zl_pipeset keeps its active pipes first: items[0:active]. Picking the
#   next pipe is an index, activating or deactivating one is a swap, so the
#   cost per message does not grow with the number of idle peers (measured
#   before: a PULL with 1,000 idle PUSH peers went from 3.1M to 450k msg/s).
#   The sets follow the pipes' state through pipe_update(), called wherever
#   a pipe's queues, its peer or its HWM change (pipe.pyx, engine.pyx).
# - fq: every pipe of a socket; active = a whole message waits in inq.
# - lb: PUSH/REQ/DEALER's pipes; active = pipe_can_send (room, a peer or
#   queueing allowed, not dead).
# - The ROUTER finds a pipe by routing id in a hash table of buckets chained
#   through the pipes (zl_pipe.rid_next), grown as pipes come.

cdef inline int low_water(int hwm) noexcept nogil:
    """Where a queue that reached its HWM wakes its waiter again: half way
    down, so a sender (or a paused reader) at the mark is woken once per
    half a queue instead of once per freed slot."""
    return (hwm + 1) // 2

cdef inline int pipe_can_send(zl_pipe *p) noexcept nogil:
    # IMMEDIATE: queue only for peers whose connection is complete
    return not p.dead and (p.out.msgs < p.sock.sndhwm or sock_conflates(p.sock, T_CONFLATE_OUT)) \
        and (p.active or not p.sock.immediate)

cdef enum:
    PIPESET_FQ = 0
    PIPESET_LB = 1

cdef inline int *pipeset_slot(zl_pipe *p, int which) noexcept nogil:
    return &p.fq_at if which == PIPESET_FQ else &p.lb_at

cdef inline void pipeset_swap(zl_pipeset *ps, int i, int j, int which) noexcept nogil:
    cdef zl_pipe *a = ps.items[i]
    cdef zl_pipe *b = ps.items[j]
    ps.items[i] = b
    ps.items[j] = a
    pipeset_slot(b, which)[0] = i
    pipeset_slot(a, which)[0] = j

cdef int pipeset_add(zl_pipeset *ps, zl_pipe *p, int which) noexcept nogil:
    """Adds p, inactive. 0, or -1 when out of memory."""
    cdef zl_pipe **grown
    if ps.n == ps.cap:
        grown = <zl_pipe **>realloc(ps.items, (ps.cap * 2 + 4) * sizeof(zl_pipe *))
        if grown == NULL:
            return -1
        ps.items = grown
        ps.cap = ps.cap * 2 + 4
    ps.items[ps.n] = p
    pipeset_slot(p, which)[0] = ps.n
    ps.n += 1
    return 0

cdef inline void pipeset_set_active(zl_pipeset *ps, zl_pipe *p, int which, int on) noexcept nogil:
    # (inline: pipe_update calls it for every message, mostly to find nothing to change)
    cdef int i = pipeset_slot(p, which)[0]
    if i < 0:
        return
    if on and i >= ps.active:
        pipeset_swap(ps, i, ps.active, which)
        ps.active += 1
    elif not on and i < ps.active:
        ps.active -= 1
        pipeset_swap(ps, i, ps.active, which)
        if ps.current >= ps.active:
            ps.current = 0

cdef void pipeset_remove(zl_pipeset *ps, zl_pipe *p, int which) noexcept nogil:
    cdef int i
    pipeset_set_active(ps, p, which, 0)
    i = pipeset_slot(p, which)[0]
    if i < 0:
        return
    ps.n -= 1
    pipeset_swap(ps, i, ps.n, which)
    pipeset_slot(p, which)[0] = -1

cdef inline zl_pipe *pipeset_current(zl_pipeset *ps) noexcept nogil:
    """The active pipe whose turn it is, or NULL when none is active."""
    if ps.active == 0:
        return NULL
    if ps.current >= ps.active:
        ps.current = 0
    return ps.items[ps.current]

cdef inline void pipeset_advance(zl_pipeset *ps) noexcept nogil:
    """The next active pipe's turn (after a whole message)."""
    ps.current += 1
    if ps.current >= ps.active:
        ps.current = 0

cdef void pipeset_clear(zl_pipeset *ps) noexcept nogil:
    free(ps.items)
    ps.items = NULL
    ps.n = ps.active = ps.current = ps.cap = 0

cdef inline void pipe_update_in(zl_pipe *p) noexcept nogil:
    """pipe_update for a change of p.inq alone (the fq set)."""
    pipeset_set_active(&p.sock.fq, p, PIPESET_FQ, p.inq.msgs > 0)

cdef inline void pipe_update_out(zl_pipe *p) noexcept nogil:
    """pipe_update for a change of p.out alone (the lb set)."""
    if p.lb_at >= 0:
        pipeset_set_active(&p.sock.lb, p, PIPESET_LB, pipe_can_send(p))

cdef void pipe_update(zl_pipe *p) noexcept nogil:
    """Brings p's place in its socket's pipe sets up to date with its state:
    called after p's queues, peer, liveness or its socket's HWM changed."""
    pipe_update_in(p)
    pipe_update_out(p)

# ------------------------------------------------------ ROUTER: pipes by id

cdef inline unsigned long long rid_hash(const unsigned char *rid, size_t n) noexcept nogil:
    """FNV-1a, 64 bits: ids are short and often differ in their last bytes."""
    cdef unsigned long long h = 14695981039346656037ULL
    cdef size_t i
    for i in range(n):
        h = (h ^ rid[i]) * 1099511628211ULL
    return h

cdef int rids_grow(zl_socket *s) noexcept nogil:
    """Doubles the buckets (16 to start). 0, or -1 when out of memory."""
    cdef int n = s.nrids * 2 if s.nrids else 16
    cdef zl_pipe **buckets = <zl_pipe **>calloc(n, sizeof(zl_pipe *))
    cdef zl_pipe *p
    cdef zl_pipe *nxt
    cdef int i
    if buckets == NULL:
        return -1
    for i in range(s.nrids):
        p = s.rids[i]
        while p != NULL:
            nxt = p.rid_next
            p.rid_next = buckets[p.rid_hash & (n - 1)]
            buckets[p.rid_hash & (n - 1)] = p
            p = nxt
    free(s.rids)
    s.rids = buckets
    s.nrids = n
    return 0

cdef int rids_add(zl_socket *s, zl_pipe *p) noexcept nogil:
    """Indexes p by its routing id. 0, or -1 when out of memory."""
    cdef zl_pipe **bucket
    if s.rid_count >= s.nrids and rids_grow(s) < 0 and s.nrids == 0:
        return -1       # (a table that could not grow still takes it, just longer chains)
    p.rid_hash = rid_hash(p.rid, p.rid_len)
    bucket = &s.rids[p.rid_hash & (s.nrids - 1)]
    p.rid_next = bucket[0]
    bucket[0] = p
    s.rid_count += 1
    return 0

cdef void rids_remove(zl_socket *s, zl_pipe *p) noexcept nogil:
    cdef zl_pipe **link
    if s.nrids == 0 or p.rid == NULL:
        return
    link = &s.rids[p.rid_hash & (s.nrids - 1)]
    while link[0] != NULL:
        if link[0] == p:
            link[0] = p.rid_next
            p.rid_next = NULL
            s.rid_count -= 1
            return
        link = &link[0].rid_next

cdef zl_pipe *rids_find(zl_socket *s, const unsigned char *rid, size_t n) noexcept nogil:
    """The live pipe with routing id rid, or NULL (dead ones may keep theirs
    until their last message is read)."""
    cdef zl_pipe *p
    cdef unsigned long long h
    if s.nrids == 0:
        return NULL
    h = rid_hash(rid, n)
    p = s.rids[h & (s.nrids - 1)]
    while p != NULL:
        if p.rid_hash == h and p.rid_len == n and not p.dead and memcmp(p.rid, rid, n) == 0:
            return p
        p = p.rid_next
    return NULL

cdef int pipe_set_rid(zl_pipe *p, const unsigned char *rid, size_t n) noexcept nogil:
    """Gives p a copy of rid as its routing id, indexed in its socket's table.
    0, or -1 when out of memory (p keeps the id it had)."""
    cdef unsigned char *copy = <unsigned char *>malloc(n if n > 0 else 1)
    cdef unsigned char *old = p.rid
    cdef size_t old_len = p.rid_len
    if copy == NULL:
        return -1
    if n:
        memcpy(copy, rid, n)
    rids_remove(p.sock, p)
    p.rid = copy
    p.rid_len = n
    if rids_add(p.sock, p) < 0:
        p.rid = old
        p.rid_len = old_len
        free(copy)
        if old != NULL:
            rids_add(p.sock, p)     # back where it was: no allocation needed
        return -1
    free(old)
    return 0

cdef int router_assign_rid(zl_socket *s, zl_pipe *p, const unsigned char *rid, size_t n) noexcept nogil:
    """Gives a ROUTER's pipe its routing id: the one the peer announced (any
    length, as libzmq: the id is the peer's, not bounded by our option's 255
    bytes), or a generated 5-byte one (0x00 + a 32-bit counter; ids with a
    leading 0 are reserved for these). A taken id refuses the newcomer, or
    with ROUTER_HANDOVER moves the id to it. Returns 0, or -1 to refuse
    (also when out of memory)."""
    cdef zl_pipe *o
    cdef unsigned char gen[5]
    if not (SOCKET_TYPES[s.type].flags & T_ROUTER) or p.rid_fixed:
        return 0
    if n == 0:
        gen[0] = 0
        zl_put_u32(gen + 1, s.next_rid)
        s.next_rid += 1
        return pipe_set_rid(p, gen, 5)
    o = rids_find(s, rid, n)
    if o != NULL and o != p:
        if not s.router_handover or router_assign_rid(s, o, NULL, 0) < 0:
            return -1
    return pipe_set_rid(p, rid, n)

cdef zl_pipe *router_find(zl_socket *s, const unsigned char *rid, size_t n) noexcept nogil:
    """The pipe a ROUTER sends a message addressed to rid through, or NULL: a
    peer that is there, or one named at connect() (it queues until it is)."""
    cdef zl_pipe *p = rids_find(s, rid, n)
    return p if p != NULL and (p.active or p.rid_fixed) else NULL
