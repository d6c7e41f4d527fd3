/* crc32.h: CRC-32 (ISO-HDLC, as zlib and the binlog use it), carry-less multiply when the CPU has it. */
#ifndef PROTO_CRC32_H
#define PROTO_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* zlib-compatible: crc32_update(0, p, n) == crc32(0, p, n). */
uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n);

#endif
