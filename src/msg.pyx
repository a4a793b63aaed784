# Frames and queues: C memory for message data, outside Python's allocator so
# the I/O thread can make and free them without the GIL.
#
# A frame is one malloc: the zl_frame header followed by its bytes. A queue is
# a singly linked list of frames holding whole messages only, so a reader never
# sees half a multipart message (RFC 23: a message is delivered whole or not at all).

cdef enum:
    ZL_FRAME_FIRST = 0x100    # engine-private: this frame starts a message (see engine.pyx)

# Large frames are kept for reuse in a small cache shared by all threads: a
# fresh large malloc is mmap'ed memory that page-faults on every 4 KiB as the
# kernel copies a message into it (measured: 4.5x the receiver's page faults
# of libzmq at 1 MiB). Bounded: at most FRAME_CACHE_SLOTS buffers.
cdef enum:
    FRAME_CACHE_MIN = 65536
    FRAME_CACHE_SLOTS = 8

cdef pthread_mutex_t frame_cache_lock
cdef zl_frame *frame_cache[8]
cdef int frame_cache_n = 0
pthread_mutex_init(&frame_cache_lock, NULL)

cdef zl_frame *frame_cache_take(size_t size) noexcept nogil:
    """A cached buffer for size bytes, not more than twice too large, or NULL."""
    global frame_cache_n
    cdef int i
    cdef zl_frame *f = NULL
    pthread_mutex_lock(&frame_cache_lock)
    for i in range(frame_cache_n - 1, -1, -1):
        if frame_cache[i].cap >= size and frame_cache[i].cap <= 2 * size:
            f = frame_cache[i]
            frame_cache_n -= 1
            frame_cache[i] = frame_cache[frame_cache_n]
            break
    pthread_mutex_unlock(&frame_cache_lock)
    return f

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
pthread_mutex_init(&released_lock, NULL)

cdef zl_frame *frame_borrow(object data) except NULL:
    """A frame lending the buffer of `data` (an exact bytes object)."""
    cdef zl_frame *f = <zl_frame *>malloc(sizeof(zl_frame))
    if f == NULL:
        raise MemoryError()
    Py_INCREF(data)
    f.owner = <void *>data
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
    if released == NULL:       # unlocked peek: a miss is caught on the next call
        return
    pthread_mutex_lock(&released_lock)
    f = released
    released = NULL
    pthread_mutex_unlock(&released_lock)
    while f != NULL:
        n = f.next
        Py_DECREF(<object>f.owner)
        free(f)
        f = n

cdef zl_frame *frame_new(size_t size) noexcept nogil:
    cdef zl_frame *f = NULL
    if size >= FRAME_CACHE_MIN:
        f = frame_cache_take(size)
    if f == NULL:
        f = <zl_frame *>malloc(sizeof(zl_frame) + size)
        if f == NULL:
            return NULL
        f.cap = size
        f.data = (<unsigned char *>f) + sizeof(zl_frame)
    f.owner = NULL
    f.next = NULL
    f.size = size
    f.flags = 0
    f.wire_end = 0
    return f

cdef void frame_free(zl_frame *f) noexcept nogil:
    global frame_cache_n, released
    if f.owner != NULL:
        pthread_mutex_lock(&released_lock)
        f.next = released
        released = f
        pthread_mutex_unlock(&released_lock)
        return
    if f.cap >= FRAME_CACHE_MIN:
        pthread_mutex_lock(&frame_cache_lock)
        if frame_cache_n < FRAME_CACHE_SLOTS:
            frame_cache[frame_cache_n] = f
            frame_cache_n += 1
            f = NULL
        pthread_mutex_unlock(&frame_cache_lock)
    free(f)

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
