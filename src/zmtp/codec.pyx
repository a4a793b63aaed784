# The ZMTP 3.x frame codec, sans I/O (RFC 23 section "Framing", RFC 37).
#
# Rules:
# - The decoder is a step-function state machine fed with whatever bytes the
#   socket gave: FLAGS -> SIZE (1 or 8 bytes) -> BODY. It never looks ahead and
#   never needs the input split at frame boundaries, so truncated input fed
#   byte by byte decodes exactly like the same bytes in one piece.
# - It allocates each frame once, when its size is known, and copies the body
#   straight into it; a large body can be read directly into the frame
#   (decoder_direct) so big messages are copied only by the kernel.
# - Errors are remote protocol violations, returned as codes: reserved flag
#   bits, MORE on a command, a size over MAXMSGSIZE. The engine drops the peer.
# - Encoding is one function, frame_to_wire, used by both write paths of the
#   engine (the I/O thread's gather and a user thread's inline write): the
#   header (include/zl_wire.h) straight into the caller's buffer, and where the
#   body is; for a ZMTP 3.0 peer it turns SUBSCRIBE/CANCEL into RFC 29's
#   0x01/0x00 messages. The Python helpers at the end wrap these C functions
#   for the tests; they hold no protocol logic of their own.

cdef enum:
    ZL_DEC_FLAGS = 0
    ZL_DEC_SIZE = 1
    ZL_DEC_BODY = 2

cdef enum:
    ZL_DEC_NEED_DATA = 0     # all input consumed, no frame complete
    ZL_DEC_FRAME = 1         # *out holds a complete frame
    ZL_DEC_ERR_FLAGS = -1    # reserved flag bits set
    ZL_DEC_ERR_COMMAND_MORE = -2
    ZL_DEC_ERR_TOO_LARGE = -3
    ZL_DEC_ERR_NOMEM = -4

cdef void decoder_init(zl_decoder *d, long long maxmsgsize) noexcept nogil:
    d.state = ZL_DEC_FLAGS
    d.flags = 0
    d.hdr_len = 0
    d.hdr_need = 0
    d.maxmsgsize = maxmsgsize
    d.cur = NULL
    d.filled = 0

cdef void decoder_free(zl_decoder *d) noexcept nogil:
    if d.cur != NULL:
        frame_free(d.cur)
        d.cur = NULL

cdef int _decoder_start_body(zl_decoder *d, unsigned long long size) noexcept nogil:
    if d.maxmsgsize >= 0 and size > <unsigned long long>d.maxmsgsize:
        return ZL_DEC_ERR_TOO_LARGE
    if size > (<unsigned long long>1 << 62):
        return ZL_DEC_ERR_TOO_LARGE
    d.cur = frame_new(<size_t>size)
    if d.cur == NULL:
        return ZL_DEC_ERR_NOMEM
    d.cur.flags = d.flags & (ZL_FLAG_MORE | ZL_FLAG_COMMAND)
    d.filled = 0
    d.state = ZL_DEC_BODY
    return 0

cdef int decoder_feed(zl_decoder *d, const unsigned char *data, size_t n,
                      size_t *used, zl_frame **out) noexcept nogil:
    """Consumes bytes from data until a frame completes or the input ends.

    Sets *used to the bytes consumed; returns ZL_DEC_FRAME with the frame in
    *out (caller owns it), ZL_DEC_NEED_DATA, or a negative error code."""
    cdef size_t pos = 0, take
    cdef int rc
    cdef unsigned char b
    out[0] = NULL
    while True:
        if d.state == ZL_DEC_BODY:
            take = d.cur.size - d.filled
            if take > n - pos:
                take = n - pos
            if take:
                memcpy(d.cur.data + d.filled, data + pos, take)
                d.filled += take
                pos += take
            if d.filled == d.cur.size:
                out[0] = d.cur
                d.cur = NULL
                d.state = ZL_DEC_FLAGS
                used[0] = pos
                return ZL_DEC_FRAME
            used[0] = pos
            return ZL_DEC_NEED_DATA
        if pos == n:
            used[0] = pos
            return ZL_DEC_NEED_DATA
        if d.state == ZL_DEC_FLAGS:
            b = data[pos]
            pos += 1
            if b & ZL_FLAG_RESERVED:
                used[0] = pos
                return ZL_DEC_ERR_FLAGS
            if (b & ZL_FLAG_COMMAND) and (b & ZL_FLAG_MORE):
                used[0] = pos
                return ZL_DEC_ERR_COMMAND_MORE
            d.flags = b
            d.hdr_len = 0
            d.hdr_need = 8 if (b & ZL_FLAG_LONG) else 1
            d.state = ZL_DEC_SIZE
        else:  # ZL_DEC_SIZE
            d.hdr[d.hdr_len] = data[pos]
            d.hdr_len += 1
            pos += 1
            if d.hdr_len == d.hdr_need:
                if d.hdr_need == 1:
                    rc = _decoder_start_body(d, d.hdr[0])
                else:
                    rc = _decoder_start_body(d, zl_get_u64(d.hdr))
                if rc < 0:
                    used[0] = pos
                    return rc
                if d.cur.size == 0:
                    out[0] = d.cur
                    d.cur = NULL
                    d.state = ZL_DEC_FLAGS
                    used[0] = pos
                    return ZL_DEC_FRAME

cdef size_t decoder_direct(zl_decoder *d, unsigned char **dst) noexcept nogil:
    """When a body is being filled, where its missing bytes go and how many:
    lets the engine recv() a large body straight into the frame."""
    if d.state != ZL_DEC_BODY:
        return 0
    dst[0] = d.cur.data + d.filled
    return d.cur.size - d.filled

cdef int decoder_direct_done(zl_decoder *d, size_t n, zl_frame **out) noexcept nogil:
    """Accounts n bytes read by the engine into the decoder_direct() area."""
    d.filled += n
    out[0] = NULL
    if d.filled == d.cur.size:
        out[0] = d.cur
        d.cur = NULL
        d.state = ZL_DEC_FLAGS
        return ZL_DEC_FRAME
    return ZL_DEC_NEED_DATA

cdef const char *decoder_strerror(int rc) noexcept nogil:
    if rc == ZL_DEC_ERR_FLAGS:
        return "reserved bits set in frame flags"
    if rc == ZL_DEC_ERR_COMMAND_MORE:
        return "command frame with MORE flag"
    if rc == ZL_DEC_ERR_TOO_LARGE:
        return "frame larger than MAXMSGSIZE"
    if rc == ZL_DEC_ERR_NOMEM:
        return "out of memory"
    return "protocol error"

# ---------------------------------------------------------------- encoding

cdef enum:
    WIRE_HEAD_MAX = 10       # a long header and a ZMTP 3.0 subscription's 0x01/0x00

cdef size_t frame_to_wire(zl_frame *f, int peer_minor, unsigned char *head,
                          const unsigned char **body, size_t *body_len) noexcept nogil:
    """How f goes on the wire to a peer speaking ZMTP 3.peer_minor: writes what
    comes before the body (at most WIRE_HEAD_MAX bytes) at head and returns its
    length; *body, *body_len: the rest, sent as it is. ZMTP 3.0 has no
    SUBSCRIBE/CANCEL commands (they came with RFC 37): to such a peer they go as
    0x01/0x00 + topic messages (RFC 29)."""
    cdef int prefix = -1
    cdef size_t skip = 0, n
    if (f.flags & ZL_FLAG_COMMAND) and peer_minor == 0:
        if command_is(f, "SUBSCRIBE"):
            prefix, skip = 1, 10
        elif command_is(f, "CANCEL"):
            prefix, skip = 0, 7
    body[0] = f.data + skip
    body_len[0] = f.size - skip
    if prefix < 0:
        return zl_put_frame_header(head, f.flags & (ZL_FLAG_MORE | ZL_FLAG_COMMAND), f.size)
    n = zl_put_frame_header(head, 0, f.size - skip + 1)
    head[n] = <unsigned char>prefix
    return n + 1

cdef size_t frame_wire_len(zl_frame *f, int peer_minor) noexcept nogil:
    """The bytes frame_to_wire puts on the wire for f."""
    cdef unsigned char head[WIRE_HEAD_MAX]
    cdef const unsigned char *body
    cdef size_t body_len
    return frame_to_wire(f, peer_minor, head, &body, &body_len) + body_len

cdef zl_frame *subscription_message(int subscribe, const unsigned char *topic, size_t n) noexcept nogil:
    """RFC 29's subscription message: 0x01 (subscribe) or 0x00 (cancel), then
    the topic (an XSUB's upstream, an XPUB's notice). NULL when out of memory."""
    cdef zl_frame *f = frame_new(n + 1)
    if f == NULL:
        return NULL
    f.data[0] = 1 if subscribe else 0
    if n:
        memcpy(f.data + 1, topic, n)
    return f

# ---------------------------------------------------------------- greeting

cdef void greeting_encode(unsigned char *g, const char *mechanism, int as_server, int minor) noexcept nogil:
    """The 64-byte greeting (RFC 23): signature, version 3.minor, mechanism,
    as-server, filler. We send it whole at once (docs/zmtp.md: never wait for the
    peer's greeting before sending ours)."""
    memset(g, 0, 64)
    g[0] = 0xFF
    g[9] = 0x7F
    g[10] = 3
    g[11] = <unsigned char>minor
    strncpy(<char *>g + 12, mechanism, 20)
    g[32] = 1 if as_server else 0

cdef int greeting_check_prefix(const unsigned char *g, int n) noexcept nogil:
    """Checks as many greeting bytes as have arrived: 0 while plausible, -1 as
    soon as the peer is not speaking ZMTP 3 (a bad signature or major < 3)."""
    if n >= 1 and g[0] != 0xFF:
        return -1
    if n >= 10 and g[9] != 0x7F:
        return -1
    if n >= 11 and g[10] < 3:
        return -1
    return 0

cdef int greeting_mechanism_is(const unsigned char *g, const char *mechanism) noexcept nogil:
    cdef unsigned char mech[21]
    memcpy(mech, g + 12, 20)
    mech[20] = 0
    return strcmp(<char *>mech, mechanism) == 0

# ---------------------------------------------------------------- commands

cdef zl_frame *command_new(const char *name, const unsigned char *data, size_t n) noexcept nogil:
    """A command frame: 1-byte name length, name, data (RFC 23)."""
    cdef size_t nl = strlen(name)
    cdef zl_frame *f = frame_new(1 + nl + n)
    if f == NULL:
        return NULL
    f.flags = ZL_FLAG_COMMAND
    f.data[0] = <unsigned char>nl
    memcpy(f.data + 1, name, nl)
    if n:
        memcpy(f.data + 1 + nl, data, n)
    return f

cdef size_t property_put(unsigned char *p, const char *name, const unsigned char *value, size_t vlen) noexcept nogil:
    """Writes one metadata property (RFC 23): name length, name, 4-byte value length, value."""
    cdef size_t nl = strlen(name)
    p[0] = <unsigned char>nl
    memcpy(p + 1, name, nl)
    zl_put_u32(p + 1 + nl, <uint32_t>vlen)
    if vlen:
        memcpy(p + 5 + nl, value, vlen)
    return 5 + nl + vlen

cdef int command_is(zl_frame *f, const char *name) noexcept nogil:
    cdef size_t want = strlen(name), nl
    return command_split(f.data, f.size, &nl) == 0 and nl == want and memcmp(f.data + 1, name, nl) == 0

cdef size_t ready_properties(unsigned char *p, const char *socket_type,
                             const unsigned char *identity, size_t identity_len,
                             int with_identity) noexcept nogil:
    """The metadata of our READY at p: Socket-Type, and Identity for the types
    that send one. p must hold READY_PROPERTIES_MAX bytes (socket types are
    at most 6 bytes, an identity we send at most 255: setsockopt checks)."""
    cdef size_t n = property_put(p, "Socket-Type", <const unsigned char *>socket_type, strlen(socket_type))
    if with_identity:
        n += property_put(p + n, "Identity", identity, identity_len)
    return n

cdef enum:
    READY_PROPERTIES_MAX = 290   # 22 for Socket-Type, 268 for a 255-byte Identity

cdef int property_next(const unsigned char *p, size_t n, size_t *pos,
                       const unsigned char **name, size_t *name_len,
                       const unsigned char **value, size_t *value_len) noexcept nogil:
    """The metadata property (RFC 23) at p[*pos:n], advancing *pos past it.
    Returns 1, 0 at the end, or -1 when what is left is malformed (a length
    that points past the end)."""
    cdef size_t at = pos[0], nl
    cdef uint32_t vl
    if at >= n:
        return 0
    nl = p[at]
    if at + 1 + nl + 4 > n:
        return -1
    vl = zl_get_u32(p + at + 1 + nl)
    if at + 5 + nl + vl > n:
        return -1
    name[0] = p + at + 1
    name_len[0] = nl
    value[0] = p + at + 5 + nl
    value_len[0] = vl
    pos[0] = at + 5 + nl + vl
    return 1

cdef int property_find(const unsigned char *p, size_t n, const char *name,
                       const unsigned char **value, size_t *vlen) noexcept nogil:
    """Finds property `name` in metadata p[0:n]. Returns 1 found, 0 absent,
    -1 malformed metadata."""
    cdef size_t pos = 0, nl, want = strlen(name)
    cdef const unsigned char *pname
    cdef int rc
    while True:
        rc = property_next(p, n, &pos, &pname, &nl, value, vlen)
        if rc <= 0:
            return rc
        if nl == want and memcmp(pname, name, nl) == 0:
            return 1

cdef int command_split(const unsigned char *data, size_t n, size_t *name_len) noexcept nogil:
    """A command frame's body is a 1-byte name length, the name, its data (RFC
    23): the name's length, or -1 when the body is shorter than that."""
    if n < 1 or n < 1 + <size_t>data[0]:
        return -1
    name_len[0] = data[0]
    return 0

# ------------------------------------------------------- Python test helpers

class ZMTPError(ValueError):
    """A remote ZMTP protocol violation found by the codec."""

cdef class ZMTPDecoder:
    """The engine's frame decoder, for tests: feed() bytes, next_frame() -> (flags, body) or None."""
    cdef zl_decoder _d
    cdef bytearray _buf
    cdef Py_ssize_t _pos

    def __cinit__(self, long long maxmsgsize=-1):
        decoder_init(&self._d, maxmsgsize)
        self._buf = bytearray()
        self._pos = 0

    def __dealloc__(self):
        decoder_free(&self._d)

    def feed(self, data):
        self._buf += data

    def next_frame(self):
        cdef const unsigned char[:] view
        cdef size_t used = 0
        cdef zl_frame *f = NULL
        cdef int rc
        cdef Py_ssize_t avail = len(self._buf) - self._pos
        if avail == 0:
            return None
        view = self._buf
        rc = decoder_feed(&self._d, &view[self._pos], <size_t>avail, &used, &f)
        del view
        self._pos += used
        if self._pos == len(self._buf):
            self._buf = bytearray()
            self._pos = 0
        if rc < 0:
            raise ZMTPError(decoder_strerror(rc).decode())
        if rc == ZL_DEC_NEED_DATA:
            return None
        try:
            # the flags byte as it was on the wire (LONG included)
            return (self._d.flags, (<char *>f.data)[:f.size])
        finally:
            frame_free(f)

def encode_frame(body, more=False, command=False, peer_minor=1):
    """A frame as the engine writes it (frame_to_wire) to a ZMTP 3.peer_minor peer."""
    cdef bytes b = bytes(body)
    cdef zl_frame *f = frame_new(len(b))
    cdef unsigned char head[WIRE_HEAD_MAX]
    cdef const unsigned char *rest
    cdef size_t rest_len, n
    if f == NULL:
        raise MemoryError()
    try:
        memcpy(f.data, <char *>b, len(b))
        f.flags = (ZL_FLAG_MORE if more else 0) | (ZL_FLAG_COMMAND if command else 0)
        n = frame_to_wire(f, peer_minor, head, &rest, &rest_len)
        return (<char *>head)[:n] + (<char *>rest)[:rest_len]
    finally:
        frame_free(f)

def encode_greeting(mechanism=b"NULL", as_server=False, minor=1):
    cdef unsigned char g[64]
    greeting_encode(g, mechanism, 1 if as_server else 0, minor)
    return (<char *>g)[:64]

def parse_greeting(data):
    cdef bytes b = bytes(data)
    if len(b) != 64:
        raise ZMTPError("a greeting is 64 bytes, got %d" % len(b))
    if greeting_check_prefix(b, 64) < 0:
        raise ZMTPError("not a ZMTP 3 greeting")
    return (b[10], b[11], b[12:32].rstrip(b"\0"), bool(b[32]))

def encode_command(name, data=b""):
    cdef bytes n = bytes(name), d = bytes(data)
    cdef zl_frame *f = command_new(n, d, len(d))
    if f == NULL:
        raise MemoryError()
    try:
        return encode_frame((<char *>f.data)[:f.size], command=True)
    finally:
        frame_free(f)

def encode_ready(socket_type, identity=None):
    """Our READY as the engine makes it (ready_properties)."""
    cdef bytes t = bytes(socket_type), ident = bytes(identity or b"")
    cdef unsigned char props[READY_PROPERTIES_MAX]
    cdef size_t n
    if len(t) > 6 or len(ident) > 255:
        raise ValueError("socket type over 6 bytes or identity over 255")
    n = ready_properties(props, t, ident, len(ident), identity is not None)
    return encode_command(b"READY", (<char *>props)[:n])

def parse_command(body):
    """(name, data) of a command frame's body, split as the engine does."""
    cdef bytes b = bytes(body)
    cdef size_t nl
    if command_split(b, len(b), &nl) < 0:
        raise ZMTPError("malformed command")
    return (b[1:1 + nl], b[1 + nl:])

def parse_properties(data):
    """The metadata properties, read as the engine reads them (property_next)."""
    cdef bytes b = bytes(data)
    cdef size_t pos = 0, nl, vl
    cdef const unsigned char *name
    cdef const unsigned char *value
    cdef int rc
    props = {}
    while True:
        rc = property_next(b, len(b), &pos, &name, &nl, &value, &vl)
        if rc == 0:
            return props
        if rc < 0:
            raise ZMTPError("malformed metadata")
        props[(<char *>name)[:nl]] = (<char *>value)[:vl]
