/* libsodium for CURVE (src/mechanisms/curve.pyx), or stubs when zmqlite is built
 * without it: setup.py defines ZL_HAVE_SODIUM when it finds the library, and
 * zmq.has("curve") reports ZL_HAVE_CURVE. The stubs fail, so nothing can be
 * encrypted by accident with them; CURVE options are refused before that. */
#ifndef ZL_SODIUM_H
#define ZL_SODIUM_H

#ifdef ZL_HAVE_SODIUM
#include <sodium.h>
#define ZL_HAVE_CURVE 1
#else
#include <stddef.h>
#define ZL_HAVE_CURVE 0
static inline int sodium_init(void) { return -1; }
static inline void randombytes_buf(void *b, size_t n) { (void)b; (void)n; }
static inline void sodium_memzero(void *b, size_t n) { volatile unsigned char *p = b; while (n--) *p++ = 0; }
static inline int crypto_box_keypair(unsigned char *pk, unsigned char *sk) { (void)pk; (void)sk; return -1; }
static inline int crypto_scalarmult_base(unsigned char *q, const unsigned char *n) { (void)q; (void)n; return -1; }
static inline int crypto_box_beforenm(unsigned char *k, const unsigned char *pk, const unsigned char *sk) { (void)k; (void)pk; (void)sk; return -1; }
static inline int crypto_box_easy(unsigned char *c, const unsigned char *m, unsigned long long mlen, const unsigned char *n, const unsigned char *pk, const unsigned char *sk) { (void)c; (void)m; (void)mlen; (void)n; (void)pk; (void)sk; return -1; }
static inline int crypto_box_open_easy(unsigned char *m, const unsigned char *c, unsigned long long clen, const unsigned char *n, const unsigned char *pk, const unsigned char *sk) { (void)m; (void)c; (void)clen; (void)n; (void)pk; (void)sk; return -1; }
static inline int crypto_box_easy_afternm(unsigned char *c, const unsigned char *m, unsigned long long mlen, const unsigned char *n, const unsigned char *k) { (void)c; (void)m; (void)mlen; (void)n; (void)k; return -1; }
static inline int crypto_box_open_easy_afternm(unsigned char *m, const unsigned char *c, unsigned long long clen, const unsigned char *n, const unsigned char *k) { (void)m; (void)c; (void)clen; (void)n; (void)k; return -1; }
static inline int crypto_box_open_detached_afternm(unsigned char *m, const unsigned char *c, const unsigned char *mac, unsigned long long clen, const unsigned char *n, const unsigned char *k) { (void)m; (void)c; (void)mac; (void)clen; (void)n; (void)k; return -1; }
static inline int crypto_secretbox_easy(unsigned char *c, const unsigned char *m, unsigned long long mlen, const unsigned char *n, const unsigned char *k) { (void)c; (void)m; (void)mlen; (void)n; (void)k; return -1; }
static inline int crypto_secretbox_open_easy(unsigned char *m, const unsigned char *c, unsigned long long clen, const unsigned char *n, const unsigned char *k) { (void)m; (void)c; (void)clen; (void)n; (void)k; return -1; }
static inline int crypto_stream_xsalsa20(unsigned char *c, unsigned long long clen, const unsigned char *n, const unsigned char *k) { (void)c; (void)clen; (void)n; (void)k; return -1; }
static inline int crypto_stream_xsalsa20_xor_ic(unsigned char *c, const unsigned char *m, unsigned long long mlen, const unsigned char *n, unsigned long long ic, const unsigned char *k) { (void)c; (void)m; (void)mlen; (void)n; (void)ic; (void)k; return -1; }
static inline int crypto_onetimeauth_poly1305(unsigned char *out, const unsigned char *in, unsigned long long inlen, const unsigned char *k) { (void)out; (void)in; (void)inlen; (void)k; return -1; }
#endif

#endif
