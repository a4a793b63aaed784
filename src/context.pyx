# Context: the C state of one zl_ctx and its I/O thread.

cdef zl_ctx *ctx_new(int *err) noexcept nogil:
    """A context with its poller, signalers and I/O thread, or NULL with the
    errno in *err (EMFILE when descriptors run out, as pyzmq): a context
    missing any of them would queue messages that never move."""
    cdef zl_ctx *c = <zl_ctx *>calloc(1, sizeof(zl_ctx))
    cdef int rc
    if c == NULL:
        err[0] = ENOMEM
        return NULL
    c.wake_rfd = c.wake_wfd = c.term_rfd = c.term_wfd = -1
    rc = zl_mutex_init(&c.lock)
    if rc != 0:
        free(c)
        err[0] = rc
        return NULL
    if zl_poller_init(&c.poller) < 0:
        err[0] = errno
        pthread_mutex_destroy(&c.lock)
        free(c)
        return NULL
    if zl_signaler_open(&c.wake_rfd, &c.wake_wfd) < 0 or \
            zl_signaler_open(&c.term_rfd, &c.term_wfd) < 0 or \
            zl_poller_add(&c.poller, c.wake_rfd, NULL, ZL_EV_IN) < 0:
        err[0] = errno
        ctx_free(c)
        return NULL
    rc = pthread_create(&c.thread, NULL, io_thread_main, c)
    if rc != 0:
        err[0] = rc
        ctx_free(c)
        return NULL
    return c

cdef void ctx_free(zl_ctx *c) noexcept nogil:
    """After the I/O thread has exited: release what is left."""
    cdef zl_inproc_bind *b
    while c.inproc_binds != NULL:
        b = c.inproc_binds
        c.inproc_binds = b.next
        free(b)
    zl_poller_close(&c.poller)
    if c.wake_rfd >= 0:
        zl_signaler_close(c.wake_rfd, c.wake_wfd)
    if c.term_rfd >= 0:
        zl_signaler_close(c.term_rfd, c.term_wfd)
    pthread_mutex_destroy(&c.lock)
    free(c)

# Shadows: the live contexts and sockets by address (`underlying`), so that an
# address given to shadow() is checked before it is used: a stale or made-up
# number is an error, never a wild pointer.
_live_contexts = _weakref.WeakValueDictionary()
_live_sockets = _weakref.WeakValueDictionary()

cdef object _owner_of(shadow, type kind, registry, what):
    """The object that owns what `shadow` names: an object of `kind` (or its
    owner, if it is a shadow itself), or an address from `underlying`."""
    if isinstance(shadow, kind):
        owner = getattr(shadow, "_shadow_owner")()
        return owner if owner is not None else shadow
    try:
        address = int(shadow)
    except (TypeError, ValueError):
        raise TypeError("shadow takes a %s or its underlying address, got %r" % (what, shadow)) from None
    owner = registry.get(address)
    if owner is None:
        raise _zmq_error(ENOTSOCK if what == "socket" else EFAULT,
                         "no open zmqlite %s at address %#x" % (what, address))
    return owner

cdef class Context:
    """A zmqlite context: one background I/O thread and the sockets made from it."""

    def __cinit__(self, *args, **kwargs):
        cdef int err = 0
        cdef Context owner
        shadow = kwargs.get("shadow") or (args[0] if args and isinstance(args[0], Context) else None)
        if shadow:
            # pyzmq's Context(shadow=address) and Context(other): one more object
            # for the same context, which it does not own (term() only lets go)
            owner = _owner_of(shadow, Context, _live_contexts, "context")
            if owner._closed:
                raise _zmq_error(ZL_ETERM, None)
            self._ctx = owner._ctx
            self._owner = owner
            self._fork_gen = owner._fork_gen
            self._closed = False
            return
        with nogil:
            self._ctx = ctx_new(&err)
        if self._ctx == NULL:
            raise _zmq_error(err, None)
        self._fork_gen = _fork_generation
        self._closed = False
        _live_contexts[<size_t>self._ctx] = self

    def __init__(self, io_threads=1, **kwargs):
        pass

    @property
    def closed(self):
        if self._owner is not None and (<Context>self._owner)._closed:
            self._closed = True     # the context this one shadows has ended
            self._ctx = NULL
        return self._closed

    @property
    def underlying(self):
        """The context's address, which Context.shadow (and Context(shadow=))
        turn back into a Context object for the same context."""
        if self.closed:
            raise _zmq_error(ZL_ETERM, None)
        return <size_t>self._ctx

    @classmethod
    def shadow(cls, address):
        """A Context object for the context at address (its ``underlying``, or
        the Context itself), not owning it: term() on it ends only the shadow."""
        return cls(shadow=address)

    def _shadow_owner(self):
        return self._owner

    def _socket_count(self):
        cdef int n
        if self.closed:
            return 0
        pthread_mutex_lock(&self._ctx.lock)
        n = self._ctx.nsockets
        pthread_mutex_unlock(&self._ctx.lock)
        return n

    def term(self):
        """Waits until every socket is closed and has lingered, then stops the
        I/O thread. Blocking calls on its sockets fail with ContextTerminated."""
        cdef zl_ctx *c = self._ctx
        cdef zl_socket *s
        cdef int n
        cdef pollfd pfd
        if self.closed:
            return
        if self._owner is not None:
            self._closed = True     # a shadow lets go; the owner terminates the context
            self._ctx = NULL
            return
        if self._fork_gen != _fork_generation:
            # made in the parent: its I/O thread does not exist here
            self._closed = True
            self._ctx = NULL
            return
        _live_contexts.pop(<size_t>c, None)
        pthread_mutex_lock(&c.lock)
        c.terminating = 1
        s = c.sockets
        while s != NULL:
            sock_signal(s)
            s = s.next
        c.io_sleeping = 1   # the I/O thread looks again at what lingers (socket_drained)
        ctx_wake(c)
        pthread_mutex_unlock(&c.lock)
        while True:
            pthread_mutex_lock(&c.lock)
            n = c.nsockets
            pthread_mutex_unlock(&c.lock)
            if n == 0:
                break
            pfd.fd = c.term_rfd
            pfd.events = POLLIN
            with nogil:
                rc = poll(&pfd, 1, -1)
            if rc < 0 and errno == EINTR:
                _check_signals()
            zl_signaler_drain(c.term_rfd)
        pthread_mutex_lock(&c.lock)
        c.stop = 1
        c.io_sleeping = 1     # make sure ctx_wake writes
        ctx_wake(c)
        pthread_mutex_unlock(&c.lock)
        with nogil:
            pthread_join(c.thread, NULL)
            ctx_free(c)
        release_borrowed()      # what the I/O thread freed while tearing down
        self._ctx = NULL
        self._closed = True

    def __dealloc__(self):
        # Sockets hold a reference to their context, so none is open here; but
        # a closed socket may still be lingering: never block a garbage
        # collection on that, leave the I/O thread to finish (it is freed
        # with the process).
        cdef int n
        if self._ctx == NULL or self._fork_gen != _fork_generation or self._owner is not None:
            return
        pthread_mutex_lock(&self._ctx.lock)
        n = self._ctx.nsockets
        self._ctx.terminating = 1
        pthread_mutex_unlock(&self._ctx.lock)
        if n == 0:
            pthread_mutex_lock(&self._ctx.lock)
            self._ctx.stop = 1
            self._ctx.io_sleeping = 1
            ctx_wake(self._ctx)
            pthread_mutex_unlock(&self._ctx.lock)
            with nogil:
                pthread_join(self._ctx.thread, NULL)
                ctx_free(self._ctx)
        else:
            pthread_mutex_lock(&self._ctx.lock)
            self._ctx.stop = 1
            ctx_wake(self._ctx)
            pthread_mutex_unlock(&self._ctx.lock)
        self._ctx = NULL
