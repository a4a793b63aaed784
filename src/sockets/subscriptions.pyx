# A set of subscription prefixes (zl_sublist): a SUB's own (counted), or one
# subscriber's at a PUB/XPUB. Sorted by (length, bytes), so that a message is
# matched with one binary search per distinct prefix length, and the array is
# trivial to walk when subscriptions are re-sent. Plain data, no locking of
# its own (its owner's lock guards it).

cdef int sub_cmp(zl_sub *a, const unsigned char *t, size_t n) noexcept nogil:
    """Orders prefixes by length, then bytes."""
    if a.len != n:
        return -1 if a.len < n else 1
    return memcmp(a.topic, t, n) if n else 0

cdef int sublist_search(zl_sublist *l, const unsigned char *t, size_t n, int *found) noexcept nogil:
    """Binary search: the index of prefix t, or where it would go."""
    cdef int lo = 0, hi = l.n, mid, c
    found[0] = 0
    while lo < hi:
        mid = (lo + hi) // 2
        c = sub_cmp(&l.items[mid], t, n)
        if c == 0:
            found[0] = 1
            return mid
        if c < 0:
            lo = mid + 1
        else:
            hi = mid
    return lo

cdef int sublist_find(zl_sublist *l, const unsigned char *t, size_t n) noexcept nogil:
    cdef int found
    cdef int i = sublist_search(l, t, n, &found)
    return i if found else -1

cdef int sublist_add(zl_sublist *l, const unsigned char *t, size_t n, int counted) noexcept nogil:
    """Adds a prefix; returns 1 if it was not there before, 0 if it was."""
    cdef int found
    cdef int i = sublist_search(l, t, n, &found)
    cdef zl_sub *grown
    cdef unsigned char *topic = NULL
    if found:
        if counted:
            l.items[i].count += 1
        return 0
    if n:
        topic = <unsigned char *>malloc(n)
        if topic == NULL:
            return 0        # out of memory: not subscribed
        memcpy(topic, t, n)
    if l.n == l.cap:
        grown = <zl_sub *>realloc(l.items, (l.cap * 2 + 4) * sizeof(zl_sub))
        if grown == NULL:
            free(topic)
            return 0
        l.items = grown
        l.cap = l.cap * 2 + 4
    memmove(&l.items[i + 1], &l.items[i], (l.n - i) * sizeof(zl_sub))
    l.items[i].topic = topic
    l.items[i].len = n
    l.items[i].count = 1
    l.n += 1
    return 1

cdef int sublist_remove(zl_sublist *l, const unsigned char *t, size_t n, int counted) noexcept nogil:
    """Removes a prefix (one count of it); 1 if it is gone now, 0 if counts
    remain, -1 if it was not there."""
    cdef int i = sublist_find(l, t, n)
    if i < 0:
        return -1
    if counted and l.items[i].count > 1:
        l.items[i].count -= 1
        return 0
    free(l.items[i].topic)
    memmove(&l.items[i], &l.items[i + 1], (l.n - i - 1) * sizeof(zl_sub))
    l.n -= 1
    return 1

cdef int sublist_match(zl_sublist *l, const unsigned char *data, size_t n) noexcept nogil:
    """Whether some prefix in l starts data: one binary search per distinct
    prefix length (the list is sorted by length first), so a subscriber with
    thousands of topics of a few lengths costs a few dozen comparisons."""
    cdef int i = 0, found
    cdef size_t plen
    while i < l.n:
        plen = l.items[i].len
        if plen > n:
            return 0            # sorted by length: the rest are longer still
        sublist_search(l, data, plen, &found)
        if found:
            return 1
        i = sublist_after_len(l, i, plen)     # on to the next length
    return 0

cdef inline int sub_wants(zl_socket *s, zl_frame *f) noexcept nogil:
    """Whether a SUB delivers the message starting with frame f."""
    return sublist_match(&s.subs, f.data, f.size) != s.invert_matching

cdef int sublist_after_len(zl_sublist *l, int lo, size_t plen) noexcept nogil:
    """The first index at or after lo whose prefix is longer than plen."""
    cdef int hi = l.n, mid
    while lo < hi:
        mid = (lo + hi) // 2
        if l.items[mid].len <= plen:
            lo = mid + 1
        else:
            hi = mid
    return lo

cdef void sublist_clear(zl_sublist *l) noexcept nogil:
    cdef int i
    for i in range(l.n):
        free(l.items[i].topic)
    free(l.items)
    l.items = NULL
    l.n = l.cap = 0
