# CURVE (RFC 26, CurveZMQ): the handshake and the per-frame encryption, with
# libsodium's crypto_box (Curve25519, XSalsa20, Poly1305) as libzmq uses it.
#
# Keys: long-term pairs (C, c) client and (S, s) server, set by the options;
# short-term pairs (C', c') and (S', s') made per connection and forgotten
# with it. Nonces are 24 bytes: a 16-byte prefix naming the box's purpose and
# an 8-byte big-endian counter (short nonce), or an 8-byte prefix and 16
# random bytes (long nonce). Our counter only grows; a peer's must only grow
# too, so a replayed or reordered MESSAGE is refused (INVALID_SEQUENCE).
#
#   client  HELLO     version, C', Box[64 zeros](C'->S)
#   server  WELCOME   Box[S' + cookie](S->C'); cookie = Box[C' + s'](cookie key)
#   client  INITIATE  cookie, Box[C + vouch + metadata](C'->S'); vouch = Box[C' + S](C->S')
#   server  READY     Box[metadata](S'->C')
#   both    MESSAGE   Box[flags + frame](short-term keys), flags: 1 MORE, 2 COMMAND
#
# A MESSAGE travels as a data frame (flags 0), as libzmq 4.3 sends it. The
# server asks ZAP (credentials: C) once INITIATE has proved the client holds
# c; with no handler bound, every client is let in (libzmq's behaviour).

cdef enum:
    CURVE_WAIT_HELLO = 0      # server
    CURVE_WAIT_INITIATE = 1   # server
    CURVE_WAIT_ZAP = 2        # server
    CURVE_WAIT_WELCOME = 3    # client
    CURVE_WAIT_READY = 4      # client
    CURVE_DONE = 5

cdef enum:
    CURVE_MESSAGE_OVERHEAD = 33   # "\x07MESSAGE" (8), short nonce (8), MAC (16), flags (1)
    HELLO_SIZE = 200
    WELCOME_SIZE = 168
    INITIATE_MIN = 257            # 9 + cookie 96 + nonce 8 + MAC 16 + C 32 + vouch 96

cdef struct curve_state:
    int step
    int server
    unsigned char public[32]          # our long-term pair
    unsigned char secret[32]
    unsigned char peer_public[32]     # the server's S (a client's, from the option) or the client's C
    unsigned char cn_public[32]       # our short-term pair
    unsigned char cn_secret[32]
    unsigned char cn_peer[32]         # the peer's short-term key
    unsigned char cookie_key[32]      # server: seals the cookie
    unsigned char cookie[96]          # client: the server's cookie, sent back in INITIATE
    unsigned char precom[32]          # crypto_box_beforenm of the short-term keys
    unsigned long long nonce          # our next short nonce
    unsigned long long peer_nonce     # the peer's last short nonce
    unsigned char *meta               # server: the client's metadata while ZAP is asked
    size_t meta_len

cdef inline void curve_short_nonce(unsigned char *n24, const char *prefix, unsigned long long counter) noexcept nogil:
    memcpy(n24, prefix, 16)
    zl_put_u64(n24 + 16, counter)

cdef int curve_start(zl_conn *conn) noexcept nogil:
    cdef zl_socket *s = conn.sock
    cdef curve_state *st = <curve_state *>calloc(1, sizeof(curve_state))
    cdef unsigned char hello[HELLO_SIZE - 6]
    cdef unsigned char zeros[64]
    cdef unsigned char n24[24]
    if st == NULL:
        return -1
    conn.mech_state = st
    pthread_mutex_lock(&(<zl_ctx *>s.ctx).lock)
    memcpy(st.public, s.curve_public, 32)
    memcpy(st.secret, s.curve_secret, 32)
    memcpy(st.peer_public, s.curve_server, 32)
    pthread_mutex_unlock(&(<zl_ctx *>s.ctx).lock)
    st.server = conn.as_server
    st.nonce = 1
    if crypto_box_keypair(st.cn_public, st.cn_secret) != 0:
        return -1
    if st.server:
        st.step = CURVE_WAIT_HELLO
        randombytes_buf(st.cookie_key, 32)
        return 0
    # HELLO: version 1.0, 72 bytes of padding, C', short nonce, Box[64 zeros](C'->S)
    memset(hello, 0, sizeof(hello))
    memset(zeros, 0, 64)
    hello[0] = 1
    memcpy(hello + 74, st.cn_public, 32)
    zl_put_u64(hello + 106, st.nonce)
    curve_short_nonce(n24, "CurveZMQHELLO---", st.nonce)
    if crypto_box_easy(hello + 114, zeros, 64, n24, st.peer_public, st.cn_secret) != 0:
        return -1
    st.nonce += 1
    st.step = CURVE_WAIT_WELCOME
    return handshake_command(conn, "HELLO", hello, sizeof(hello))

cdef int curve_failed(zl_conn *conn, long long code) noexcept nogil:
    """Fails the handshake, or (as libzmq reports it, with the same event) a
    MESSAGE after it."""
    if conn.fail_event == 0:
        conn.fail_event = ZL_EVENT_HANDSHAKE_FAILED_PROTOCOL
        conn.fail_value = code
    return -1

cdef int curve_on_hello(zl_conn *conn, curve_state *st, zl_frame *f) noexcept nogil:
    """Server: checks HELLO's box (the client knows S), answers WELCOME."""
    cdef unsigned char n24[24]
    cdef unsigned char zeros[64]
    cdef unsigned char cookie_plain[64]
    cdef unsigned char welcome_plain[128]
    cdef unsigned char welcome[16 + 144]
    cdef unsigned char cookie_nonce[24]
    cdef unsigned char *d = f.data
    if f.size != HELLO_SIZE:
        return curve_failed(conn, ZL_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO)
    if d[6] != 1 or d[7] != 0:
        return curve_failed(conn, ZL_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO)
    memcpy(st.cn_peer, d + 80, 32)
    st.peer_nonce = zl_get_u64(d + 112)
    curve_short_nonce(n24, "CurveZMQHELLO---", st.peer_nonce)
    if crypto_box_open_easy(zeros, d + 120, 80, n24, st.cn_peer, st.secret) != 0:
        return curve_failed(conn, ZL_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC)
    # the cookie: C' and s' sealed with a key only this server knows
    memcpy(cookie_nonce, b"COOKIE--", 8)
    randombytes_buf(cookie_nonce + 8, 16)
    memcpy(cookie_plain, st.cn_peer, 32)
    memcpy(cookie_plain + 32, st.cn_secret, 32)
    memcpy(welcome_plain, st.cn_public, 32)
    memcpy(welcome_plain + 32, cookie_nonce + 8, 16)
    if crypto_secretbox_easy(welcome_plain + 48, cookie_plain, 64, cookie_nonce, st.cookie_key) != 0:
        return -1
    sodium_memzero(cookie_plain, 64)
    # WELCOME: long nonce, Box[S' + cookie](S->C')
    memcpy(n24, b"WELCOME-", 8)
    randombytes_buf(n24 + 8, 16)
    memcpy(welcome, n24 + 8, 16)
    if crypto_box_easy(welcome + 16, welcome_plain, 128, n24, st.cn_peer, st.secret) != 0:
        return -1
    if crypto_box_beforenm(st.precom, st.cn_peer, st.cn_secret) != 0:
        return -1
    st.step = CURVE_WAIT_INITIATE
    return handshake_command(conn, "WELCOME", welcome, sizeof(welcome))

cdef int curve_send_ready(zl_conn *conn, curve_state *st) noexcept nogil:
    """Server: READY, Box[metadata](S'->C')."""
    cdef unsigned char props[READY_PROPERTIES_MAX]
    cdef unsigned char ready[8 + 16 + READY_PROPERTIES_MAX]
    cdef unsigned char n24[24]
    cdef size_t n = socket_metadata(conn, props)
    zl_put_u64(ready, st.nonce)
    curve_short_nonce(n24, "CurveZMQREADY---", st.nonce)
    if crypto_box_easy_afternm(ready + 8, props, n, n24, st.precom) != 0:
        return -1
    st.nonce += 1
    st.step = CURVE_DONE
    return handshake_command(conn, "READY", ready, 8 + 16 + n)

cdef int curve_on_initiate(zl_conn *conn, curve_state *st, zl_frame *f, const unsigned char **meta,
                           size_t *meta_len) noexcept nogil:
    """Server: opens the cookie and the box, checks the vouch (the client
    holds c and meant this server), asks ZAP, answers READY."""
    cdef unsigned char n24[24]
    cdef unsigned char cookie_plain[64]
    cdef unsigned char vouch_plain[64]
    cdef unsigned char *plain
    cdef unsigned char *d = f.data
    cdef size_t box_len, plain_len
    cdef unsigned long long nonce
    cdef int rc
    if f.size < INITIATE_MIN:
        return curve_failed(conn, ZL_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE)
    memcpy(n24, b"COOKIE--", 8)
    memcpy(n24 + 8, d + 9, 16)
    if crypto_secretbox_open_easy(cookie_plain, d + 25, 80, n24, st.cookie_key) != 0 or \
            memcmp(cookie_plain, st.cn_peer, 32) != 0 or memcmp(cookie_plain + 32, st.cn_secret, 32) != 0:
        sodium_memzero(cookie_plain, 64)
        return curve_failed(conn, ZL_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC)
    sodium_memzero(cookie_plain, 64)
    nonce = zl_get_u64(d + 105)
    if nonce <= st.peer_nonce:
        return curve_failed(conn, ZL_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE)
    st.peer_nonce = nonce
    curve_short_nonce(n24, "CurveZMQINITIATE", nonce)
    box_len = f.size - 113
    plain_len = box_len - 16
    plain = <unsigned char *>malloc(plain_len)
    if plain == NULL:
        return -1
    if crypto_box_open_easy_afternm(plain, d + 113, box_len, n24, st.precom) != 0:
        free(plain)
        return curve_failed(conn, ZL_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC)
    # plain: C (32), vouch: long nonce (16) + Box[C' + S](C->S') (80), metadata
    memcpy(st.peer_public, plain, 32)
    memcpy(n24, b"VOUCH---", 8)
    memcpy(n24 + 8, plain + 32, 16)
    if crypto_box_open_easy(vouch_plain, plain + 48, 80, n24, st.peer_public, st.cn_secret) != 0 or \
            memcmp(vouch_plain, st.cn_peer, 32) != 0 or memcmp(vouch_plain + 32, st.public, 32) != 0:
        free(plain)
        return curve_failed(conn, ZL_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE)
    st.meta = metadata_keep(plain + 128, plain_len - 128)
    st.meta_len = plain_len - 128
    free(plain)
    if st.meta == NULL:
        return -1
    rc = zap_request(conn, "CURVE", 1, st.peer_public, 32, NULL, 0)
    if rc < 0:
        return -1
    if rc == ZAP_SENT:
        st.step = CURVE_WAIT_ZAP
        return 0
    if curve_send_ready(conn, st) < 0:
        return -1
    meta[0] = st.meta
    meta_len[0] = st.meta_len
    return 1

cdef int curve_on_welcome(zl_conn *conn, curve_state *st, zl_frame *f) noexcept nogil:
    """Client: opens WELCOME (the server holds s), answers INITIATE."""
    cdef unsigned char n24[24]
    cdef unsigned char welcome_plain[128]
    cdef unsigned char vouch_plain[64]
    cdef unsigned char props[READY_PROPERTIES_MAX]
    cdef unsigned char plain[32 + 96 + READY_PROPERTIES_MAX]
    cdef unsigned char initiate[96 + 8 + 16 + 32 + 96 + READY_PROPERTIES_MAX]
    cdef size_t n
    if f.size != WELCOME_SIZE:
        return curve_failed(conn, ZL_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME)
    memcpy(n24, b"WELCOME-", 8)
    memcpy(n24 + 8, f.data + 8, 16)
    if crypto_box_open_easy(welcome_plain, f.data + 24, 144, n24, st.peer_public, st.cn_secret) != 0:
        return curve_failed(conn, ZL_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC)
    memcpy(st.cn_peer, welcome_plain, 32)
    memcpy(st.cookie, welcome_plain + 32, 96)
    if crypto_box_beforenm(st.precom, st.cn_peer, st.cn_secret) != 0:
        return -1
    # vouch: Box[C' + S](C->S'), under a long nonce
    memcpy(vouch_plain, st.cn_public, 32)
    memcpy(vouch_plain + 32, st.peer_public, 32)
    memcpy(n24, b"VOUCH---", 8)
    randombytes_buf(n24 + 8, 16)
    memcpy(plain, st.public, 32)
    memcpy(plain + 32, n24 + 8, 16)
    if crypto_box_easy(plain + 48, vouch_plain, 64, n24, st.cn_peer, st.secret) != 0:
        return -1
    n = socket_metadata(conn, props)
    memcpy(plain + 128, props, n)
    # INITIATE: cookie, short nonce, Box[C + vouch + metadata](C'->S')
    memcpy(initiate, st.cookie, 96)
    zl_put_u64(initiate + 96, st.nonce)
    curve_short_nonce(n24, "CurveZMQINITIATE", st.nonce)
    if crypto_box_easy_afternm(initiate + 104, plain, 128 + n, n24, st.precom) != 0:
        return -1
    st.nonce += 1
    st.step = CURVE_WAIT_READY
    return handshake_command(conn, "INITIATE", initiate, 104 + 16 + 128 + n)

cdef int curve_on_ready(zl_conn *conn, curve_state *st, zl_frame *f, const unsigned char **meta,
                        size_t *meta_len) noexcept nogil:
    """Client: opens READY's metadata; the handshake is done. The metadata is
    opened in place, over the box it came in."""
    cdef unsigned char n24[24]
    cdef unsigned long long nonce
    if f.size < 6 + 8 + 16:
        return curve_failed(conn, ZL_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY)
    nonce = zl_get_u64(f.data + 6)
    if nonce <= st.peer_nonce:
        return curve_failed(conn, ZL_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE)
    st.peer_nonce = nonce
    curve_short_nonce(n24, "CurveZMQREADY---", nonce)
    if crypto_box_open_detached_afternm(f.data + 30, f.data + 30, f.data + 14, f.size - 30, n24,
                                        st.precom) != 0:
        return curve_failed(conn, ZL_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC)
    st.step = CURVE_DONE
    meta[0] = f.data + 30
    meta_len[0] = f.size - 30
    return 1

cdef int curve_on_command(zl_conn *conn, zl_frame *f, const unsigned char **meta,
                          size_t *meta_len) noexcept nogil:
    cdef curve_state *st = <curve_state *>conn.mech_state
    if error_command_reason(f) and not st.server:
        return peer_error_reason(conn, f)
    if st.step == CURVE_WAIT_HELLO and command_is(f, "HELLO"):
        return curve_on_hello(conn, st, f)
    if st.step == CURVE_WAIT_INITIATE and command_is(f, "INITIATE"):
        return curve_on_initiate(conn, st, f, meta, meta_len)
    if st.step == CURVE_WAIT_WELCOME and command_is(f, "WELCOME"):
        return curve_on_welcome(conn, st, f)
    if st.step == CURVE_WAIT_READY and command_is(f, "READY"):
        return curve_on_ready(conn, st, f, meta, meta_len)
    return curve_failed(conn, ZL_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND)

cdef int curve_zap_reply(zl_conn *conn, const unsigned char *status, const unsigned char **meta,
                         size_t *meta_len) noexcept nogil:
    cdef curve_state *st = <curve_state *>conn.mech_state
    if st.step != CURVE_WAIT_ZAP:
        return -1
    if memcmp(status, "200", 3) != 0:
        return 0 if zap_status_event(conn, status) == 0 else -1
    if curve_send_ready(conn, st) < 0:
        return -1
    meta[0] = st.meta
    meta_len[0] = st.meta_len
    return 1

cdef int curve_seal(zl_conn *conn, zl_frame *f, unsigned char *out) noexcept nogil:
    """MESSAGE: "\\x07MESSAGE", short nonce, then crypto_box_afternm of
    flags + body, written in one pass from f's own bytes (no copy of the body
    to put the flags byte before it): crypto_box_afternm is XSalsa20 with the
    first 32 bytes of key stream as the Poly1305 key, so the first 64-byte
    block of stream covers the MAC key, the flags and 31 body bytes, and the
    rest of the body is XORed from block 1 on. tests/unit/test_curve.py checks
    the result against crypto_box_easy_afternm."""
    cdef curve_state *st = <curve_state *>conn.mech_state
    cdef unsigned char n24[24]
    cdef unsigned char block0[64]
    cdef unsigned char *cipher = out + 32
    cdef size_t n = f.size, head, i
    cdef unsigned char flags = 0
    cdef const char *purpose = "CurveZMQMESSAGEC"
    cdef int rc
    if st.server:
        purpose = "CurveZMQMESSAGES"
    if f.flags & ZL_FLAG_MORE:
        flags |= 1
    if f.flags & ZL_FLAG_COMMAND:
        flags |= 2
    memcpy(out, b"\x07MESSAGE", 8)
    zl_put_u64(out + 8, st.nonce)
    curve_short_nonce(n24, purpose, st.nonce)
    st.nonce += 1
    if crypto_stream_xsalsa20(block0, 64, n24, st.precom) != 0:
        return -1
    cipher[0] = flags ^ block0[32]
    head = n if n < 31 else 31
    for i in range(head):
        cipher[1 + i] = f.data[i] ^ block0[33 + i]
    if n > 31 and crypto_stream_xsalsa20_xor_ic(cipher + 32, f.data + 31, n - 31, n24, 1, st.precom) != 0:
        return -1
    rc = crypto_onetimeauth_poly1305(out + 16, cipher, 1 + n, block0)
    sodium_memzero(block0, 64)
    return rc

cdef int curve_open(zl_conn *conn, zl_frame *f) noexcept nogil:
    """Opens a MESSAGE in place: after it, f holds the frame (flags applied)."""
    cdef curve_state *st = <curve_state *>conn.mech_state
    cdef unsigned char n24[24]
    cdef unsigned long long nonce
    cdef unsigned char flags
    cdef const char *purpose = "CurveZMQMESSAGES"     # what the peer sends
    if st.server:
        purpose = "CurveZMQMESSAGEC"
    if f.size < CURVE_MESSAGE_OVERHEAD or memcmp(f.data, b"\x07MESSAGE", 8) != 0:
        return curve_failed(conn, ZL_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE)
    nonce = zl_get_u64(f.data + 8)
    if nonce <= st.peer_nonce:
        return curve_failed(conn, ZL_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE)
    curve_short_nonce(n24, purpose, nonce)
    if crypto_box_open_detached_afternm(f.data + 32, f.data + 32, f.data + 16, f.size - 32, n24,
                                        st.precom) != 0:
        return curve_failed(conn, ZL_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC)
    st.peer_nonce = nonce
    flags = f.data[32]
    frame_advance(f, CURVE_MESSAGE_OVERHEAD)
    f.flags = (ZL_FLAG_MORE if flags & 1 else 0) | (ZL_FLAG_COMMAND if flags & 2 else 0)
    return 0

cdef void curve_free(zl_conn *conn) noexcept nogil:
    cdef curve_state *st = <curve_state *>conn.mech_state
    if st != NULL:
        free(st.meta)
        sodium_memzero(st, sizeof(curve_state))    # keys die with the connection
        free(st)
    conn.mech_state = NULL

cdef zl_mechanism CURVE_MECHANISM
CURVE_MECHANISM.name = "CURVE"
CURVE_MECHANISM.start = curve_start
CURVE_MECHANISM.on_command = curve_on_command
CURVE_MECHANISM.zap_reply = curve_zap_reply
CURVE_MECHANISM.seal = curve_seal
CURVE_MECHANISM.open = curve_open
CURVE_MECHANISM.free = curve_free
CURVE_MECHANISM.seal_overhead = CURVE_MESSAGE_OVERHEAD

if ZL_HAVE_CURVE and sodium_init() < 0:
    raise ImportError("libsodium failed to initialise")

# ------------------------------------------------------- keys, for Python

def curve_keypair():
    """A new CURVE key pair (public, secret), each 40 Z85 characters."""
    cdef unsigned char pk[32]
    cdef unsigned char sk[32]
    if not ZL_HAVE_CURVE:
        raise _zmq_error(ENOTSUP, "this zmqlite was built without libsodium, so without CURVE")
    crypto_box_keypair(pk, sk)
    from zmqlite.utils.z85 import encode
    result = encode((<char *>pk)[:32]), encode((<char *>sk)[:32])
    sodium_memzero(sk, 32)
    return result

def curve_public(secret_key):
    """The public key (40 Z85 characters) of a CURVE secret key (Z85 or 32 bytes)."""
    cdef unsigned char pk[32]
    cdef bytes sk
    if not ZL_HAVE_CURVE:
        raise _zmq_error(ENOTSUP, "this zmqlite was built without libsodium, so without CURVE")
    from zmqlite.utils.z85 import decode, encode
    if isinstance(secret_key, str):
        secret_key = secret_key.encode("ascii")
    sk = bytes(secret_key)
    if len(sk) == 40:
        sk = decode(sk)
    if len(sk) != 32:
        raise ValueError("a CURVE secret key is 32 bytes or 40 Z85 characters")
    crypto_scalarmult_base(pk, <const unsigned char *><char *>sk)
    return encode((<char *>pk)[:32])

HAVE_CURVE = bool(ZL_HAVE_CURVE)
