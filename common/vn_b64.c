#include "common/vn_b64.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* Whole groups from s into d while four alphabet characters follow, at
 * most k of them; returns how many were decoded. d must have room for
 * 3 * k + 1 bytes (the last store writes one past the data). */
static size_t b64_groups(const unsigned char *s, unsigned char *d, size_t k)
{
	size_t done = 0;

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
