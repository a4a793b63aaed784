# libsodium (or the stubs of include/zl_sodium.h when built without it).
cdef extern from "zl_sodium.h" nogil:
    int ZL_HAVE_CURVE
    int sodium_init()
    void randombytes_buf(void *buf, size_t n)
    void sodium_memzero(void *buf, size_t n)
    int crypto_box_keypair(unsigned char *pk, unsigned char *sk)
    int crypto_scalarmult_base(unsigned char *q, const unsigned char *n)
    int crypto_box_beforenm(unsigned char *k, const unsigned char *pk, const unsigned char *sk)
    int crypto_box_easy(unsigned char *c, const unsigned char *m, unsigned long long mlen,
                        const unsigned char *n, const unsigned char *pk, const unsigned char *sk)
    int crypto_box_open_easy(unsigned char *m, const unsigned char *c, unsigned long long clen,
                             const unsigned char *n, const unsigned char *pk, const unsigned char *sk)
    int crypto_box_easy_afternm(unsigned char *c, const unsigned char *m, unsigned long long mlen,
                                const unsigned char *n, const unsigned char *k)
    int crypto_box_open_easy_afternm(unsigned char *m, const unsigned char *c, unsigned long long clen,
                                     const unsigned char *n, const unsigned char *k)
    int crypto_box_open_detached_afternm(unsigned char *m, const unsigned char *c, const unsigned char *mac,
                                         unsigned long long clen, const unsigned char *n,
                                         const unsigned char *k)
    int crypto_secretbox_easy(unsigned char *c, const unsigned char *m, unsigned long long mlen,
                              const unsigned char *n, const unsigned char *k)
    int crypto_secretbox_open_easy(unsigned char *m, const unsigned char *c, unsigned long long clen,
                                   const unsigned char *n, const unsigned char *k)
    int crypto_stream_xsalsa20(unsigned char *c, unsigned long long clen, const unsigned char *n,
                               const unsigned char *k)
    int crypto_stream_xsalsa20_xor_ic(unsigned char *c, const unsigned char *m, unsigned long long mlen,
                                      const unsigned char *n, unsigned long long ic, const unsigned char *k)
    int crypto_onetimeauth_poly1305(unsigned char *out, const unsigned char *inp, unsigned long long inlen,
                                    const unsigned char *k)
