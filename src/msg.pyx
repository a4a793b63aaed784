# Frames and queues: C memory for message data, outside Python's allocator so
# the I/O thread can make and free them without the GIL.
#
# A frame is one malloc: the zl_frame header followed by its bytes. A queue is
# a singly linked list of frames holding whole messages only, so a reader never
# sees half a multipart message (RFC 23: a message is delivered whole or not at all).

cdef enum:
    ZL_FRAME_FIRST = 0x100    # engine-private: this frame starts a message (see engine.pyx)

cdef zl_frame *frame_new(size_t size) noexcept nogil:
    cdef zl_frame *f = <zl_frame *>malloc(sizeof(zl_frame) + size)
    if f == NULL:
        return NULL
    f.next = NULL
    f.size = size
    f.flags = 0
    f.wire_end = 0
    f.data = (<unsigned char *>f) + sizeof(zl_frame)
    return f

cdef inline void frame_free(zl_frame *f) noexcept nogil:
    free(f)

cdef void frames_free(zl_frame *f) noexcept nogil:
    cdef zl_frame *n
    while f != NULL:
        n = f.next
        free(f)
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

cdef void queue_drop_msg(zl_queue *q) noexcept nogil:
    """Frees the first whole message of q."""
    cdef zl_frame *f
    while q.head != NULL:
        f = queue_pop(q)
        if not (f.flags & ZL_FLAG_MORE):
            free(f)
            return
        free(f)
