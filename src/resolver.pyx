# Host names for tcp connect, resolved off the I/O thread.
#
# libzmq accepts connect("tcp://name:port") whatever the name, and resolves it
# again at every connect attempt; a name that fails is retried at the next
# reconnect, and the messages sent meanwhile wait in the pipe. zmqlite does
# the same, but getaddrinfo() may block for seconds (a DNS server that does not
# answer), so it never runs in the I/O thread (libzmq runs it there, stalling
# every other connection of the context) nor under the context's lock.
#
# Why one resolver thread per context, started on the first name: it is made
# once, not per attempt (a name that never resolves is retried every
# RECONNECT_IVL for as long as the socket lives), and a context that only
# connects to literals never has it. Lookups of one context are answered in
# turn; a second thread would only help a context whose names time out.
#
# How it ends without waiting: the thread is detached, and the struct it
# shares with the I/O thread (zl_resolver) is freed by whichever of the two
# lets go last. When the context ends (its I/O thread exits), it sets `stop`
# and lets go; a lookup still blocked in getaddrinfo() finishes later, sees
# `stop` and drops its answer. A socket closed or an endpoint disconnected
# while its lookup is in flight only clears the request's `ep`: the answer is
# dropped when it comes back. Nothing here touches the context, so the
# context may be freed while a lookup is in flight. After fork() the child
# has no resolver thread, as it has no I/O thread: its contexts are refused.

cdef pthread_mutex_t _test_answer_lock    # a process-wide lock, never held with another
cdef int _test_answer_on        # (atomic) a test set an answer: only then is the lock taken,
                                # so a fork() cannot leave it held for a child's lookups
cdef int _test_delay            # ms the answer takes
cdef char _test_name[256]       # a name answered with _test_addr, for the tests only
cdef char _test_addr[64]
zl_mutex_init(&_test_answer_lock)

def _test_resolve_as(name, address, int delay_ms=0):
    """Test-only: from now on, resolving `name` (bytes) answers the literal
    `address` (bytes, b"" for no answer) after delay_ms, without asking the
    system; name None forgets it. A test cannot make a real name resolvable
    later, or slow to resolve, without root."""
    global _test_delay
    if not zl_ref_add(&_test_answer_on, 0):     # (the GIL: no two callers at once)
        zl_ref_add(&_test_answer_on, 1)
    cdef bytes bname = b"" if name is None else bytes(name)
    cdef bytes baddr = b"" if name is None else bytes(address)
    if len(bname) >= 256 or len(baddr) >= 64:
        raise ValueError("name or address too long")
    pthread_mutex_lock(&_test_answer_lock)
    strcpy(_test_name, bname)
    strcpy(_test_addr, baddr)
    _test_delay = delay_ms
    pthread_mutex_unlock(&_test_answer_lock)

cdef int resolve_literal(const char *host, int port, int ipv6, sockaddr_storage *out,
                         socklen_t *outlen) noexcept nogil:
    """An IPv4 or IPv6 literal into out: 1, or 0 when host is no literal, or
    -1 for an IPv6 literal without the IPV6 option (no usable address, as libzmq)."""
    cdef sockaddr_in *a4 = <sockaddr_in *>out
    cdef sockaddr_in6 *a6 = <sockaddr_in6 *>out
    memset(out, 0, sizeof(sockaddr_storage))
    if inet_pton(AF_INET, host, &a4.sin_addr) == 1:
        a4.sin_family = AF_INET
        a4.sin_port = htons(port)
        outlen[0] = sizeof(sockaddr_in)
        return 1
    if inet_pton(AF_INET6, host, &a6.sin6_addr) == 1:
        if not ipv6:
            return -1
        a6.sin6_family = AF_INET6
        a6.sin6_port = htons(port)
        outlen[0] = sizeof(sockaddr_in6)
        return 1
    return 0

cdef int resolve_name(const char *host, int port, int ipv6, sockaddr_storage *out,
                      socklen_t *outlen) noexcept nogil:
    """The first address of host usable with the IPV6 option (IPv6 answers
    only with it), port set: 0, or -1. May block for seconds (getaddrinfo):
    the caller holds no lock."""
    cdef addrinfo hints
    cdef addrinfo *res = NULL
    cdef addrinfo *ai
    cdef char answer[64]
    cdef int rc, delay = 0, faked = 0
    if zl_ref_add(&_test_answer_on, 0):
        pthread_mutex_lock(&_test_answer_lock)
        if _test_name[0] and strcmp(_test_name, host) == 0:
            faked = 1
            strcpy(answer, _test_addr)
            delay = _test_delay
        pthread_mutex_unlock(&_test_answer_lock)
    if faked:
        if delay > 0:
            poll(NULL, 0, delay)
        return 0 if resolve_literal(answer, port, ipv6, out, outlen) == 1 else -1
    memset(&hints, 0, sizeof(hints))
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = SOCK_STREAM
    rc = getaddrinfo(host, NULL, &hints, &res)
    if rc != 0 or res == NULL:
        return -1
    ai = res
    while ai != NULL:
        if (ai.ai_family == AF_INET or (ipv6 and ai.ai_family == AF_INET6)) \
                and ai.ai_addrlen <= sizeof(sockaddr_storage):
            break
        ai = ai.ai_next
    if ai == NULL:
        freeaddrinfo(res)
        return -1
    memset(out, 0, sizeof(sockaddr_storage))
    memcpy(out, ai.ai_addr, ai.ai_addrlen)
    outlen[0] = ai.ai_addrlen
    freeaddrinfo(res)
    if out.ss_family == AF_INET:
        (<sockaddr_in *>out).sin_port = htons(port)
    else:
        (<sockaddr_in6 *>out).sin6_port = htons(port)
    return 0

cdef void resolver_release(zl_resolver *r) noexcept nogil:
    """Lets go of r (r.mu held, released here); the last one frees it."""
    cdef zl_resolve_req *q
    r.refs -= 1
    if r.refs > 0:
        pthread_mutex_unlock(&r.mu)
        return
    pthread_mutex_unlock(&r.mu)
    while r.todo != NULL:
        q = r.todo
        r.todo = q.next
        free(q)
    while r.done != NULL:
        q = r.done
        r.done = q.next
        free(q)
    zl_signaler_close(r.sig_rfd, r.sig_wfd)
    pthread_cond_destroy(&r.cond)
    pthread_mutex_destroy(&r.mu)
    free(r)

cdef void *resolver_main(void *arg) noexcept nogil:
    """The resolver thread: answers requests in turn until stopped."""
    cdef zl_resolver *r = <zl_resolver *>arg
    cdef zl_resolve_req *q
    pthread_mutex_lock(&r.mu)
    while True:
        while r.todo == NULL and not r.stop:
            pthread_cond_wait(&r.cond, &r.mu)
        if r.stop:
            break
        q = r.todo
        r.todo = q.next
        if r.todo == NULL:
            r.todo_tail = NULL
        pthread_mutex_unlock(&r.mu)
        q.err = EINVAL if resolve_name(q.host, q.port, q.ipv6, &q.addr, &q.addrlen) < 0 else 0
        pthread_mutex_lock(&r.mu)
        q.next = r.done
        r.done = q
        if not r.stop:
            zl_signaler_send(r.sig_wfd)
    resolver_release(r)
    return NULL

cdef zl_resolver *resolver_start(zl_poller *poller, void *tag) noexcept nogil:
    """A resolver with its thread running and its signal fd in the poller
    under tag, or NULL (out of memory, descriptors or threads)."""
    cdef zl_resolver *r = <zl_resolver *>calloc(1, sizeof(zl_resolver))
    cdef pthread_t t
    if r == NULL:
        return NULL
    if zl_mutex_init(&r.mu) != 0:
        free(r)
        return NULL
    if pthread_cond_init(&r.cond, NULL) != 0:
        pthread_mutex_destroy(&r.mu)
        free(r)
        return NULL
    r.sig_rfd = r.sig_wfd = -1
    if zl_signaler_open(&r.sig_rfd, &r.sig_wfd) < 0 or zl_poller_add(poller, r.sig_rfd, tag, ZL_EV_IN) < 0:
        if r.sig_rfd >= 0:
            zl_signaler_close(r.sig_rfd, r.sig_wfd)
        pthread_cond_destroy(&r.cond)
        pthread_mutex_destroy(&r.mu)
        free(r)
        return NULL
    r.refs = 2
    if pthread_create(&t, NULL, resolver_main, r) != 0:
        zl_poller_del(poller, r.sig_rfd)
        zl_signaler_close(r.sig_rfd, r.sig_wfd)
        pthread_cond_destroy(&r.cond)
        pthread_mutex_destroy(&r.mu)
        free(r)
        return NULL
    pthread_detach(t)
    return r

cdef int resolver_post(zl_resolver *r, zl_endpoint *ep) noexcept nogil:
    """Asks for ep's host (I/O thread): 0, or -1 when out of memory."""
    cdef zl_resolve_req *q = <zl_resolve_req *>calloc(1, sizeof(zl_resolve_req))
    if q == NULL:
        return -1
    strcpy(q.host, ep.host)
    q.port = ep.port
    q.ipv6 = ep.ipv6
    q.ep = ep
    ep.resolving = q
    pthread_mutex_lock(&r.mu)
    if r.todo_tail != NULL:
        r.todo_tail.next = q
    else:
        r.todo = q
    r.todo_tail = q
    pthread_cond_signal(&r.cond)
    pthread_mutex_unlock(&r.mu)
    return 0

cdef zl_resolve_req *resolver_take(zl_resolver *r) noexcept nogil:
    """The answered requests (I/O thread), to be freed by the caller."""
    cdef zl_resolve_req *q
    zl_signaler_drain(r.sig_rfd)
    pthread_mutex_lock(&r.mu)
    q = r.done
    r.done = NULL
    pthread_mutex_unlock(&r.mu)
    return q

cdef void resolver_stop(zl_resolver *r, zl_poller *poller) noexcept nogil:
    """The context ends (I/O thread): the thread drops what it has and exits,
    maybe after a lookup still in flight; neither waits for the other."""
    zl_poller_del(poller, r.sig_rfd)
    pthread_mutex_lock(&r.mu)
    r.stop = 1
    pthread_cond_signal(&r.cond)
    resolver_release(r)
