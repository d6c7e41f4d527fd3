/* crc32.c: CRC-32 by folding with PCLMULQDQ (Intel's "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ"), zlib otherwise. */
#include "proto/crc32.h"

#include <zlib.h>

#include "proto/crc32_tables.h"

/* Slicing-by-8 CRC for short inputs and tails (zlib's setup costs more there). */
static inline uint32_t
crc32_bytes(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	while (n >= 8) {
		uint32_t lo = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
		lo ^= crc;
		crc = crc_tables[7][lo & 0xff] ^ crc_tables[6][(lo >> 8) & 0xff] ^
		    crc_tables[5][(lo >> 16) & 0xff] ^ crc_tables[4][lo >> 24] ^
		    crc_tables[3][p[4]] ^ crc_tables[2][p[5]] ^
		    crc_tables[1][p[6]] ^ crc_tables[0][p[7]];
		p += 8;
		n -= 8;
	}
	while (n--)
		crc = crc_tables[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

/*
 * Folding constants for the bit-reflected polynomial 0x104C11DB7, from the
 * paper: k1 = x^(4*128+32) mod P, k2 = x^(4*128-32) mod P (fold by 512 bits),
 * k3 = x^(128+32), k4 = x^(128-32) (fold by 128), k5 = x^64 mod P, and
 * Barrett's P' and mu, all bit-reflected and shifted left by one.
 */
#define K1 0x0154442bd4ULL
#define K2 0x01c6e41596ULL
#define K3 0x01751997d0ULL
#define K4 0x00ccaa009eULL
#define K5 0x0163cd6124ULL
#define P_PRIME 0x01db710641ULL
#define MU 0x01f7011641ULL

/* Fold acc by 128 bits with constants k and xor in data. */
__attribute__((target("pclmul,sse4.1"))) static inline __m128i
fold16(__m128i acc, __m128i k, __m128i data)
{
	__m128i lo = _mm_clmulepi64_si128(acc, k, 0x00);
	__m128i hi = _mm_clmulepi64_si128(acc, k, 0x11);

	return _mm_xor_si128(_mm_xor_si128(lo, hi), data);
}

/* n >= 64 and a multiple of 16; state is the inverted running CRC. */
__attribute__((target("pclmul,sse4.1"))) static uint32_t
crc32_clmul(uint32_t state, const uint8_t *p, size_t n)
{
	const __m128i k12 = _mm_set_epi64x((long long)K2, (long long)K1);
	const __m128i k34 = _mm_set_epi64x((long long)K4, (long long)K3);
	const __m128i mask32 = _mm_setr_epi32(-1, 0, -1, 0);
	__m128i a0, a1, a2, a3, t;

	a0 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)p),
	    _mm_cvtsi32_si128((int)state));
	a1 = _mm_loadu_si128((const __m128i *)(p + 16));
	a2 = _mm_loadu_si128((const __m128i *)(p + 32));
	a3 = _mm_loadu_si128((const __m128i *)(p + 48));
	p += 64;
	n -= 64;
	while (n >= 64) {
		a0 = fold16(a0, k12, _mm_loadu_si128((const __m128i *)p));
		a1 = fold16(a1, k12, _mm_loadu_si128((const __m128i *)(p + 16)));
		a2 = fold16(a2, k12, _mm_loadu_si128((const __m128i *)(p + 32)));
		a3 = fold16(a3, k12, _mm_loadu_si128((const __m128i *)(p + 48)));
		p += 64;
		n -= 64;
	}
	/* four lanes into one */
	a0 = fold16(a0, k34, a1);
	a0 = fold16(a0, k34, a2);
	a0 = fold16(a0, k34, a3);
	while (n >= 16) {
		a0 = fold16(a0, k34, _mm_loadu_si128((const __m128i *)p));
		p += 16;
		n -= 16;
	}
	/* 128 bits to 64 */
	t = _mm_clmulepi64_si128(a0, k34, 0x10);
	a0 = _mm_xor_si128(_mm_srli_si128(a0, 8), t);
	t = _mm_srli_si128(a0, 4);
	a0 = _mm_clmulepi64_si128(_mm_and_si128(a0, mask32),
	    _mm_cvtsi64_si128((long long)K5), 0x00);
	a0 = _mm_xor_si128(a0, t);
	/* Barrett reduction to 32 bits */
	{
		const __m128i pm = _mm_set_epi64x((long long)MU, (long long)P_PRIME);
		t = _mm_clmulepi64_si128(_mm_and_si128(a0, mask32), pm, 0x10);
		t = _mm_clmulepi64_si128(_mm_and_si128(t, mask32), pm, 0x00);
		a0 = _mm_xor_si128(a0, t);
	}
	return (uint32_t)_mm_extract_epi32(a0, 1);
}

uint32_t
crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
	if (n >= 64 && __builtin_cpu_supports("pclmul") &&
	    __builtin_cpu_supports("sse4.1")) {
		size_t bulk = n & ~(size_t)15;
		crc = ~crc32_clmul(~crc, p, bulk);
		p += bulk;
		n -= bulk;
	}
	if (n < 256)
		return crc32_bytes(crc, p, n);
	return (uint32_t)crc32(crc, p, (uInt)n);
}

#else

uint32_t
crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
	while (n > 0) {
		uInt chunk = n > (1u << 30) ? (1u << 30) : (uInt)n;
		crc = (uint32_t)crc32(crc, p, chunk);
		p += chunk;
		n -= chunk;
	}
	return crc;
}

#endif
