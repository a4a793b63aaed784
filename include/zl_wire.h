/* ZMTP 3.x wire facts (RFC 23 / RFC 37) and big-endian helpers. */
#ifndef ZL_WIRE_H
#define ZL_WIRE_H
#include <stdint.h>
#include <stddef.h>

#define ZL_GREETING_SIZE 64
/* frame flags byte */
#define ZL_FLAG_MORE 0x01
#define ZL_FLAG_LONG 0x02
#define ZL_FLAG_COMMAND 0x04
#define ZL_FLAG_RESERVED 0xF8
/* largest frame header: flags + 8-byte size */
#define ZL_MAX_HEADER 9

static inline void zl_put_u32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
}
static inline uint32_t zl_get_u32(const unsigned char *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void zl_put_u64(unsigned char *p, uint64_t v) {
    zl_put_u32(p, (uint32_t)(v >> 32)); zl_put_u32(p + 4, (uint32_t)v);
}
static inline uint64_t zl_get_u64(const unsigned char *p) {
    return ((uint64_t)zl_get_u32(p) << 32) | zl_get_u32(p + 4);
}
/* The length of the header of a frame of `size` bytes: short frames (2 bytes
 * of header) up to 255 bytes, long ones (9) beyond. The one place of that rule. */
static inline size_t zl_frame_header_size(uint64_t size) { return size <= 255 ? 2 : 9; }

/* Writes the header of a frame of `size` bytes with `flags` (MORE/COMMAND)
 * and returns its length (zl_frame_header_size). */
static inline size_t zl_put_frame_header(unsigned char *p, unsigned flags, uint64_t size) {
    if (zl_frame_header_size(size) == 2) {
        p[0] = (unsigned char)flags; p[1] = (unsigned char)size; return 2;
    }
    p[0] = (unsigned char)(flags | ZL_FLAG_LONG); zl_put_u64(p + 1, size); return 9;
}
#endif
