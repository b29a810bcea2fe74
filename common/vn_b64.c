#include "common/vn_b64.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define B64_SIMD 1
#endif

static const char b64_alpha[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* A character's value, -1 for anything outside the alphabet (whitespace
 * and '=' included, which the general loop handles). A constant
 * expression, so that the tables below are built by the compiler. */
#define B64_V(c) ((c) >= 'A' && (c) <= 'Z' ? (c) - 'A'				\
		  : (c) >= 'a' && (c) <= 'z' ? (c) - 'a' + 26			\
		  : (c) >= '0' && (c) <= '9' ? (c) - '0' + 52			\
		  : (c) == '+' ? 62 : (c) == '/' ? 63 : -1)

/* Four characters make a 24-bit group (RFC 4648 section 4): T0..T3 give
 * each position's six bits already in their place among the three output
 * bytes as they lie in memory, so one 32-bit store of
 * T0[a] | T1[b] | T2[c] | T3[d] writes the three bytes (the fourth is
 * overwritten by the next group or lies past the data). A character outside
 * the alphabet is B64_ERR alone, a bit of that fourth byte which no valid
 * character sets: one test refuses a whole group to the general loop. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define B64_ERR 0x000000FFu
#define B64_P0(v) ((uint32_t)(v) << 26)
#define B64_P1(v) ((uint32_t)(v) << 20)
#define B64_P2(v) ((uint32_t)(v) << 14)
#define B64_P3(v) ((uint32_t)(v) << 8)
#else
#define B64_ERR 0xFF000000u
#define B64_P0(v) ((uint32_t)(v) << 2)
#define B64_P1(v) ((uint32_t)(v) >> 4 | ((uint32_t)(v) & 15) << 12)
#define B64_P2(v) ((uint32_t)(v) >> 2 << 8 | ((uint32_t)(v) & 3) << 22)
#define B64_P3(v) ((uint32_t)(v) << 16)
#endif
#define B64_E(P, c) (B64_V(c) < 0 ? B64_ERR : P(B64_V(c)))
#define B64_R4(P, c) B64_E(P, (c)), B64_E(P, (c) + 1), B64_E(P, (c) + 2), B64_E(P, (c) + 3)
#define B64_R16(P, c) B64_R4(P, (c)), B64_R4(P, (c) + 4), B64_R4(P, (c) + 8), B64_R4(P, (c) + 12)
#define B64_R64(P, c) B64_R16(P, (c)), B64_R16(P, (c) + 16), B64_R16(P, (c) + 32), \
		      B64_R16(P, (c) + 48)
#define B64_TABLE(P) {B64_R64(P, 0), B64_R64(P, 64), B64_R64(P, 128), B64_R64(P, 192)}

static const uint32_t b64_t0[256] = B64_TABLE(B64_P0);
static const uint32_t b64_t1[256] = B64_TABLE(B64_P1);
static const uint32_t b64_t2[256] = B64_TABLE(B64_P2);
static const uint32_t b64_t3[256] = B64_TABLE(B64_P3);

static inline uint32_t b64_group(const unsigned char *s)
{
	return b64_t0[s[0]] | b64_t1[s[1]] | b64_t2[s[2]] | b64_t3[s[3]];
}

/* A character's value, -1 for anything outside the alphabet. */
static int b64_val(unsigned char c)
{
	return B64_V(c);
}

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

#ifdef B64_SIMD
/* Sixteen characters at a time (four groups) while all sixteen are in the
 * alphabet, at most k groups. A character c is classed by its nibbles:
 * HI[c >> 4] is its high nibble's class (one bit: 0x01 for '+' and '/',
 * 0x02 digits, 0x04 'A'-'O' and 'a'-'o', 0x08 'P'-'Z' and 'p'-'z', 0x10 no
 * character of the alphabet), LO[c & 15] the classes in which that low
 * nibble is not a character of the alphabet (0x10 in all): c is refused
 * when the two share a bit. Its value is c plus the offset of its high
 * nibble's row, '/' taking the row before its own. The values are packed:
 * a pair into 12 bits (maddubs: a * 64 + b), two pairs into 24 (madd:
 * ab * 4096 + cd), and the three bytes of each 32-bit lane taken in order.
 * Exactly 12 bytes are stored per block. Returns the groups decoded (a
 * multiple of four); the rest is the scalar loop's. */
__attribute__((target("ssse3"))) static size_t b64_blocks(const unsigned char *s,
							    unsigned char *d, size_t k)
{
	const __m128i lo_bad = _mm_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
					     0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A);
	const __m128i hi_cls = _mm_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10,
					     0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
	const __m128i shift = _mm_setr_epi8(0, 63 - '/', 62 - '+', 52 - '0', -'A', -'A', 26 - 'a',
					    26 - 'a', 0, 0, 0, 0, 0, 0, 0, 0);
	const __m128i nib = _mm_set1_epi8(0x0F), slash = _mm_set1_epi8('/'), zero = _mm_setzero_si128();
	const __m128i pair = _mm_set1_epi32(0x01400140), quad = _mm_set1_epi32(0x00011000);
	const __m128i order = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
	size_t done = 0;

	while (k - done >= 4) {
		__m128i c = _mm_loadu_si128((const __m128i *)(const void *)s);
		__m128i hi = _mm_and_si128(_mm_srli_epi32(c, 4), nib);
		__m128i bad = _mm_and_si128(_mm_shuffle_epi8(lo_bad, _mm_and_si128(c, nib)),
					    _mm_shuffle_epi8(hi_cls, hi));
		__m128i v;
		uint32_t tail;

		if (_mm_movemask_epi8(_mm_cmpeq_epi8(bad, zero)) != 0xFFFF)
			break;
		v = _mm_add_epi8(c, _mm_shuffle_epi8(shift, _mm_add_epi8(hi, _mm_cmpeq_epi8(c, slash))));
		v = _mm_madd_epi16(_mm_maddubs_epi16(v, pair), quad);
		v = _mm_shuffle_epi8(v, order);
		_mm_storel_epi64((__m128i *)(void *)d, v);
		tail = (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(v, 8));
		memcpy(d + 8, &tail, 4);
		s += 16;
		d += 12;
		done += 4;
	}
	return done;
}

static int b64_have_ssse3(void)
{
	static int have = -1;	/* a race writes the same value */

	if (have < 0) {
		__builtin_cpu_init();
		have = __builtin_cpu_supports("ssse3") ? 1 : 0;
	}
	return have;
}
#endif

/* Whole groups from s into d while four alphabet characters follow, at
 * most k of them; returns how many were decoded. d must have room for
 * 3 * k + 1 bytes (the last store writes one past the data). */
static size_t b64_groups(const unsigned char *s, unsigned char *d, size_t k)
{
	size_t done = 0;

#ifdef B64_SIMD
	if (k >= 4 && b64_have_ssse3()) {
		done = b64_blocks(s, d, k);
		s += 4 * done;
		d += 3 * done;
	}
#endif
	while (k - done >= 2) {
		uint32_t x = b64_group(s), y = b64_group(s + 4);
		if ((x | y) & B64_ERR)
			break;
		memcpy(d, &x, 4);
		memcpy(d + 3, &y, 4);
		s += 8;
		d += 6;
		done += 2;
	}
	if (k - done >= 1) {
		uint32_t x = b64_group(s);
		if ((x & B64_ERR) == 0) {
			memcpy(d, &x, 4);
			done++;
		}
	}
	return done;
}

vn_err vn_b64_decode(const char *src, size_t srclen, size_t max,
		     unsigned char **out, size_t *outlen)
{
	unsigned char *dst;
	size_t i, n = 0, cap = srclen / 4 * 3 + 3;
	unsigned acc = 0;
	int nbits = 0, quad = 0, pad = 0;

	*out = NULL;
	*outlen = 0;
	/* cap + 1: three bytes per four characters, the terminator, and the
	 * byte past the data that a group's four-byte store may touch (a
	 * group ends at most at 3 * (srclen / 4) <= cap). */
	dst = malloc(cap + 1);
	if (dst == NULL)
		return VN_ERR_NOMEM;
	for (i = 0; i < srclen; i++) {
		unsigned char c;
		int v;

		/* At a quad boundary (nothing pending: acc and nbits are 0),
		 * whole groups go the fast way, as many as the input and the
		 * cap allow; anything else (whitespace, '=', a foreign byte,
		 * the cap, a short tail) takes the general way below. */
		if (quad == 0 && pad == 0 && n <= max) {
			size_t k = (srclen - i) / 4, room = (max - n) / 3, g;

			if (k > room)
				k = room;
			g = b64_groups((const unsigned char *)src + i, dst + n, k);
			n += 3 * g;
			i += 4 * g;
		}
		if (i >= srclen)
			break;
		c = (unsigned char)src[i];

		if (is_ws(c))
			continue;
		if (c == '=') {
			/* '=' only in the last one or two places of a quad */
			if (quad < 2)
				goto bad;
			pad++;
			quad++;
			if (pad > 2)
				goto bad;
			if (quad == 4)
				quad = 0;
			continue;
		}
		if (pad > 0)
			goto bad;	/* data after padding */
		v = b64_val(c);
		if (v < 0)
			goto bad;
		acc = (acc << 6) | (unsigned)v;
		nbits += 6;
		quad = (quad + 1) % 4;
		if (nbits >= 8) {
			nbits -= 8;
			if (n >= max) {
				free(dst);
				return VN_ERR_TOO_LARGE;
			}
			dst[n++] = (unsigned char)(acc >> nbits);
			acc &= (1u << nbits) - 1;
		}
	}
	if (quad != 0)
		goto bad;	/* incomplete final quad */
	if (acc != 0)
		goto bad;	/* non-zero trailing bits: not canonical */
	dst[n] = '\0';
	*out = dst;
	*outlen = n;
	return VN_OK;
bad:
	free(dst);
	return VN_ERR_MALFORMED;
}

vn_err vn_b64_encode(const unsigned char *src, size_t srclen, char **out)
{
	size_t i, o = 0, olen;
	char *dst;

	*out = NULL;
	if (srclen > (((size_t)-1) / 4) * 3 - 3)
		return VN_ERR_TOO_LARGE;
	olen = (srclen + 2) / 3 * 4;
	dst = malloc(olen + 1);
	if (dst == NULL)
		return VN_ERR_NOMEM;
	for (i = 0; i + 2 < srclen; i += 3) {
		unsigned v = (unsigned)src[i] << 16 | (unsigned)src[i + 1] << 8 | src[i + 2];
		dst[o++] = b64_alpha[v >> 18 & 63];
		dst[o++] = b64_alpha[v >> 12 & 63];
		dst[o++] = b64_alpha[v >> 6 & 63];
		dst[o++] = b64_alpha[v & 63];
	}
	if (i < srclen) {
		unsigned v = (unsigned)src[i] << 16;
		if (i + 1 < srclen)
			v |= (unsigned)src[i + 1] << 8;
		dst[o++] = b64_alpha[v >> 18 & 63];
		dst[o++] = b64_alpha[v >> 12 & 63];
		dst[o++] = i + 1 < srclen ? b64_alpha[v >> 6 & 63] : '=';
		dst[o++] = '=';
	}
	dst[o] = '\0';
	*out = dst;
	return VN_OK;
}
