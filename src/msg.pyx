# Frames and queues: C memory for message data, outside Python's allocator so
# the I/O thread can make and free them without the GIL.
#
# A frame is one malloc: the zl_frame header followed by its bytes. A queue is
# a singly linked list of frames holding whole messages only, so a reader never
# sees half a multipart message (RFC 23: a message is delivered whole or not at all).

cdef enum:
    ZL_FRAME_FIRST = 0x100    # engine-private: this frame starts a message (see engine.pyx)
    ZL_FRAME_PLAIN = 0x200    # engine-private: a handshake command, never sealed (mechanisms/)

# Frames of 64 B and more are recycled through a cache shared by all threads,
# in power-of-two size classes, instead of going back to malloc. Without it,
# frames freed in the order they were allocated coalesce at the top of glibc's
# heap, which returns them to the kernel (brk, or madvise in a thread's arena),
# and the next ones page-fault on every 4 KiB. Measured: a 4 KiB send() took
# 2.5 us instead of 0.6 us; a 1 MiB receiver had 4.5x libzmq's page faults; a
# 256 B PUSH/PULL stream over ipc, pinned to one CPU, made 2,000 madvise calls
# and 80,000 page faults in 2 s and lost 10% of its rate. Smaller frames stay
# with malloc: a thousand of them (the default HWM) take under 128 KiB, glibc's
# trim threshold. (Caching 16 B frames too was no clear gain: tcp and ipc
# 0.90x unpinned, inproc 1.13x, all within this machine's noise.)
# Bounded: each class keeps at most FRAME_CACHE_CLASS_BYTES (and at least one
# buffer), 32 MiB over all classes.
cdef enum:
    FRAME_CACHE_MIN_SHIFT = 6           # 64 B
    FRAME_CACHE_MAX_SHIFT = 21          # 2 MiB: larger ones are malloc'ed each time
    FRAME_CACHE_CLASSES = 16
    FRAME_CACHE_CLASS_BYTES = 2097152

# First in, first out: the buffer handed out is the one freed longest ago.
# Frames cross threads (a user thread fills one, the I/O thread reads it, or
# the other way round), and a buffer that was just read on the other core
# costs its writer a cache-line transfer per 64 bytes: measured in C on this
# kind of VM, a 4 KiB copy into such a buffer took 525 ns against 119 ns into
# one freed a thousand buffers earlier.
cdef pthread_mutex_t frame_cache_lock
cdef zl_queue frame_cache[16]           # per class, oldest first; .msgs counts buffers
zl_mutex_init(&frame_cache_lock)

cdef inline int frame_class(size_t size) noexcept nogil:
    """The size class for a body of size bytes, or -1 if not cached."""
    cdef int shift = FRAME_CACHE_MIN_SHIFT
    if size < (<size_t>1 << FRAME_CACHE_MIN_SHIFT) or size > (<size_t>1 << FRAME_CACHE_MAX_SHIFT):
        return -1
    while (<size_t>1 << shift) < size:
        shift += 1
    return shift - FRAME_CACHE_MIN_SHIFT

# Zero copy: send() lends a large bytes object's buffer to its frame instead
# of copying it (bytes are immutable, and the frame holds a reference). Such a
# frame must drop that reference with the GIL, which the I/O thread never
# takes: frame_free() only queues it on `released`, and the next send/recv/
# poll/term of any thread drains the queue (release_borrowed). recv() of a
# frame that borrows a whole bytes object returns that very object, so inproc
# moves large messages without copying at all.
cdef enum:
    BORROW_MIN = 16384       # below this a copy is cheaper than the bookkeeping

cdef pthread_mutex_t released_lock
cdef zl_frame *released = NULL
zl_mutex_init(&released_lock)

# fork(): the child has only the forking thread, so a process-wide lock held
# by another thread at that moment (an I/O thread freeing a frame) would stay
# locked for ever there: a child making a new Context hung in frame_new. The
# forking thread takes both locks before fork(), so the lists are whole in
# the child, and the child starts with fresh locks. Neither lock is ever held
# while taking the other, so taking both here cannot deadlock.
cdef void _before_fork() noexcept nogil:
    pthread_mutex_lock(&frame_cache_lock)
    pthread_mutex_lock(&released_lock)

cdef void _after_fork_parent() noexcept nogil:
    pthread_mutex_unlock(&released_lock)
    pthread_mutex_unlock(&frame_cache_lock)

cdef void _after_fork_child() noexcept nogil:
    zl_mutex_init(&frame_cache_lock)
    zl_mutex_init(&released_lock)

pthread_atfork(_before_fork, _after_fork_parent, _after_fork_child)

cdef zl_frame *frame_borrow(object data, object owner) except NULL:
    """A frame lending the buffer of `data` (an exact bytes object). The frame
    holds `owner` (None: data itself), which must keep data alive: a tracked
    send's owner is a _Lease (frames.pyx), whose end tells its tracker."""
    # (owner is a required argument and `keep` a plain pointer: Cython passes
    # a default argument in a struct and counts references on a reassigned
    # object variable; callgrind, per message: 45 instructions before, 28 now)
    cdef PyObject *keep = <PyObject *>owner
    cdef zl_frame *f = <zl_frame *>malloc(sizeof(zl_frame))
    if f == NULL:
        raise MemoryError()
    if owner is None:
        keep = <PyObject *>data
    Py_INCREF(<object>keep)
    f.owner = <void *>keep
    f.data = <unsigned char *>PyBytes_AS_STRING(data)
    f.size = PyBytes_GET_SIZE(data)
    f.cap = 0
    f.next = NULL
    f.flags = 0
    f.wire_end = 0
    return f

cdef void frame_free_gil(zl_frame *f):
    """frame_free for a caller holding the GIL: drops a borrowed reference now."""
    if f.owner != NULL:
        Py_DECREF(<object>f.owner)
        free(f)
    else:
        frame_free(f)

cdef void release_borrowed():
    """Drops the references of borrowed frames freed without the GIL."""
    global released
    cdef zl_frame *f
    cdef zl_frame *n
    if zl_peek(<void **>&released) == NULL:    # unlocked: a miss is caught on the next call
        return
    pthread_mutex_lock(&released_lock)
    f = released
    zl_poke(<void **>&released, NULL)
    pthread_mutex_unlock(&released_lock)
    while f != NULL:
        n = f.next
        Py_DECREF(<object>f.owner)
        free(f)
        f = n

cdef zl_frame *frame_new(size_t size) noexcept nogil:
    cdef zl_frame *f = NULL
    cdef int k = frame_class(size)
    cdef size_t cap = size
    if k >= 0:
        cap = <size_t>1 << (k + FRAME_CACHE_MIN_SHIFT)
        pthread_mutex_lock(&frame_cache_lock)
        f = frame_cache[k].head
        if f != NULL:
            frame_cache[k].head = f.next
            if f.next == NULL:
                frame_cache[k].tail = NULL
            frame_cache[k].msgs -= 1
        pthread_mutex_unlock(&frame_cache_lock)
    if f == NULL:
        f = <zl_frame *>malloc(sizeof(zl_frame) + cap)
        if f == NULL:
            return NULL
        f.cap = cap
    f.data = (<unsigned char *>f) + sizeof(zl_frame)   # (a recycled one may have been advanced)
    f.owner = NULL
    f.next = NULL
    f.size = size
    f.flags = 0
    f.wire_end = 0
    return f

cdef void frame_free(zl_frame *f) noexcept nogil:
    global released
    cdef int k
    if f.owner != NULL:
        pthread_mutex_lock(&released_lock)
        f.next = released
        zl_poke(<void **>&released, f)      # release_borrowed peeks at it unlocked
        pthread_mutex_unlock(&released_lock)
        return
    k = frame_class(f.cap)
    if k >= 0 and f.cap == (<size_t>1 << (k + FRAME_CACHE_MIN_SHIFT)):
        pthread_mutex_lock(&frame_cache_lock)
        if frame_cache[k].msgs == 0 or \
                (<size_t>(frame_cache[k].msgs + 1) << (k + FRAME_CACHE_MIN_SHIFT)) <= FRAME_CACHE_CLASS_BYTES:
            f.next = NULL
            if frame_cache[k].tail == NULL:
                frame_cache[k].head = f
            else:
                frame_cache[k].tail.next = f
            frame_cache[k].tail = f
            frame_cache[k].msgs += 1
            f = NULL
        pthread_mutex_unlock(&frame_cache_lock)
    free(f)

cdef void frame_advance(zl_frame *f, size_t n) noexcept nogil:
    """Drops the first n bytes of f's body (a frame decrypted in place, whose
    plaintext starts after the box's header). cap still names the buffer
    behind the struct, so the frame goes back to its size class when freed,
    as every received frame does (the frame cache's reason: a large buffer
    handed back to malloc is unmapped, and the next one page-faults again)."""
    f.data += n
    f.size -= n

cdef void frames_free(zl_frame *f) noexcept nogil:
    cdef zl_frame *n
    while f != NULL:
        n = f.next
        frame_free(f)
        f = n

cdef inline void queue_init(zl_queue *q) noexcept nogil:
    q.head = NULL
    q.tail = NULL
    q.msgs = 0

cdef void queue_clear(zl_queue *q) noexcept nogil:
    frames_free(q.head)
    queue_init(q)

cdef inline void queue_push(zl_queue *q, zl_frame *f) noexcept nogil:
    """Appends one frame (callers push whole messages frame by frame)."""
    f.next = NULL
    if q.tail == NULL:
        q.head = f
    else:
        q.tail.next = f
    q.tail = f
    if not (f.flags & ZL_FLAG_MORE):
        q.msgs += 1

cdef inline void queue_splice(zl_queue *dst, zl_queue *src) noexcept nogil:
    """Moves every frame of src to the end of dst."""
    if src.head == NULL:
        return
    if dst.tail == NULL:
        dst.head = src.head
    else:
        dst.tail.next = src.head
    dst.tail = src.tail
    dst.msgs += src.msgs
    queue_init(src)

cdef inline void queue_prepend(zl_queue *dst, zl_queue *src) noexcept nogil:
    """Puts every frame of src before the frames of dst."""
    if src.head == NULL:
        return
    src.tail.next = dst.head
    if dst.tail == NULL:
        dst.tail = src.tail
    dst.head = src.head
    dst.msgs += src.msgs
    queue_init(src)

cdef inline zl_frame *queue_pop(zl_queue *q) noexcept nogil:
    cdef zl_frame *f = q.head
    if f == NULL:
        return NULL
    q.head = f.next
    if q.head == NULL:
        q.tail = NULL
    if not (f.flags & ZL_FLAG_MORE):
        q.msgs -= 1
    f.next = NULL
    return f

cdef void queue_move_msg(zl_queue *dst, zl_queue *src) noexcept nogil:
    """Moves the first whole message of src to the end of dst."""
    cdef zl_frame *f
    while src.head != NULL:
        f = queue_pop(src)
        queue_push(dst, f)
        if not (f.flags & ZL_FLAG_MORE):
            return

cdef zl_frame *frame_copy(zl_frame *f) noexcept nogil:
    """A copy of f in C memory of its own (NULL when out of memory)."""
    cdef zl_frame *g = frame_new(f.size)
    if g != NULL:
        g.flags = f.flags
        memcpy(g.data, f.data, f.size)
    return g

cdef int queue_copy(zl_queue *dst, zl_queue *src) noexcept nogil:
    """Fills dst (made empty first) with a copy of every frame of src, for
    fan-out. Returns 0, or -1 with dst empty when out of memory."""
    cdef zl_frame *f = src.head
    cdef zl_frame *g
    queue_init(dst)
    while f != NULL:
        g = frame_copy(f)
        if g == NULL:
            queue_clear(dst)
            return -1
        queue_push(dst, g)
        f = f.next
    return 0

cdef void queue_drop_msg(zl_queue *q) noexcept nogil:
    """Frees the first whole message of q."""
    cdef zl_frame *f
    while q.head != NULL:
        f = queue_pop(q)
        if not (f.flags & ZL_FLAG_MORE):
            frame_free(f)
            return
        frame_free(f)

# ---------------------------------------------------------------- properties

cdef zl_meta *meta_new(size_t n) noexcept nogil:
    """A zl_meta of n bytes, one reference. NULL when out of memory."""
    cdef zl_meta *m = <zl_meta *>malloc(sizeof(zl_meta) + (n if n else 1))
    if m == NULL:
        return NULL
    m.refs = 1
    m.len = n
    m.data = (<unsigned char *>m) + sizeof(zl_meta)
    return m

cdef inline zl_meta *meta_ref(zl_meta *m) noexcept nogil:
    if m != NULL:
        zl_ref_add(&m.refs, 1)
    return m

cdef inline void meta_unref(zl_meta *m) noexcept nogil:
    if m != NULL and zl_ref_add(&m.refs, -1) == 0:
        free(m)
