# PUSH and PULL (RFC 30) and PAIR (RFC 31). Every function runs with the
# context lock held.
#
# PUSH load-balances over its pipes with room (lb) and blocks when none has;
# PULL fair-queues (fq). PAIR has one peer: it sends to its first pipe and
# reads whatever arrives.

cdef int pair_has_out(zl_socket *s) noexcept nogil:
    return s.npipes > 0 and pipe_can_send(s.pipes[0])

cdef int pair_send(zl_socket *s) noexcept nogil:
    cdef zl_queue msg
    if s.npipes == 0:
        queue_clear(&s.tx)      # the peer has gone since the first frame
        return 0
    queue_init(&msg)
    queue_splice(&msg, &s.tx)
    pipe_push_msg(s.pipes[0], &msg)
    return 0
