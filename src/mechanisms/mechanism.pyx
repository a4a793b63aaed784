# The security mechanism of a connection (RFC 23, "Security handshake"):
# between the greetings and the first message, the two peers exchange the
# mechanism's commands until both are ready, and the mechanism hands the
# engine the peer's metadata (Socket-Type, Identity and the rest). The engine
# knows the mechanism only through this interface, so PLAIN (RFC 24) and CURVE
# (RFC 26) are new files beside null.pyx, not edits to the engine.
#
# Hooks, all on the I/O thread, without the lock unless they take it:
#   start       both greetings are in: queue our first handshake commands on
#               conn.ctrl. 0, or -1 to drop the peer.
#   on_command  a command of the peer's during the handshake. Returns 0 to go
#               on, 1 when the handshake is complete, with the peer's metadata
#               in *meta/*meta_len (pointing into f, used before f is freed),
#               or -1 to drop the peer.
# Data frames and commands after the handshake go through unchanged (a
# mechanism that encrypts will add hooks for them here).

ctypedef int (*mech_start_fn)(zl_conn *conn) noexcept nogil
ctypedef int (*mech_command_fn)(zl_conn *conn, zl_frame *f, const unsigned char **meta,
                                size_t *meta_len) noexcept nogil

cdef struct zl_mechanism:
    const char *name          # as in the greeting (at most 20 bytes)
    mech_start_fn start
    mech_command_fn on_command

cdef int mechanism_greeting_matches(const zl_mechanism *m, const unsigned char *greeting) noexcept nogil:
    """Both sides must use the same mechanism (RFC 23): the peer's greeting names it."""
    return greeting_mechanism_is(greeting, m.name)
