#include "common/vn_b64.h"

#include <stdlib.h>

static const char b64_alpha[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Each character's value plus one; 0 (the default) for anything outside the
 * alphabet, whitespace and '=' included, which the general loop handles. */
static const signed char b64_tab[256] = {
	['A'] = 1 + 0, ['B'] = 1 + 1, ['C'] = 1 + 2, ['D'] = 1 + 3, ['E'] = 1 + 4, ['F'] = 1 + 5,
	['G'] = 1 + 6, ['H'] = 1 + 7, ['I'] = 1 + 8, ['J'] = 1 + 9, ['K'] = 1 + 10, ['L'] = 1 + 11,
	['M'] = 1 + 12, ['N'] = 1 + 13, ['O'] = 1 + 14, ['P'] = 1 + 15, ['Q'] = 1 + 16,
	['R'] = 1 + 17, ['S'] = 1 + 18, ['T'] = 1 + 19, ['U'] = 1 + 20, ['V'] = 1 + 21,
	['W'] = 1 + 22, ['X'] = 1 + 23, ['Y'] = 1 + 24, ['Z'] = 1 + 25, ['a'] = 1 + 26,
	['b'] = 1 + 27, ['c'] = 1 + 28, ['d'] = 1 + 29, ['e'] = 1 + 30, ['f'] = 1 + 31,
	['g'] = 1 + 32, ['h'] = 1 + 33, ['i'] = 1 + 34, ['j'] = 1 + 35, ['k'] = 1 + 36,
	['l'] = 1 + 37, ['m'] = 1 + 38, ['n'] = 1 + 39, ['o'] = 1 + 40, ['p'] = 1 + 41,
	['q'] = 1 + 42, ['r'] = 1 + 43, ['s'] = 1 + 44, ['t'] = 1 + 45, ['u'] = 1 + 46,
	['v'] = 1 + 47, ['w'] = 1 + 48, ['x'] = 1 + 49, ['y'] = 1 + 50, ['z'] = 1 + 51,
	['0'] = 1 + 52, ['1'] = 1 + 53, ['2'] = 1 + 54, ['3'] = 1 + 55, ['4'] = 1 + 56,
	['5'] = 1 + 57, ['6'] = 1 + 58, ['7'] = 1 + 59, ['8'] = 1 + 60, ['9'] = 1 + 61,
	['+'] = 1 + 62, ['/'] = 1 + 63,
};

/* A character's value, -1 for anything outside the alphabet. */
static int b64_val(unsigned char c)
{
	return b64_tab[c] - 1;
}

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
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
	dst = malloc(cap + 1);
	if (dst == NULL)
		return VN_ERR_NOMEM;
	for (i = 0; i < srclen; i++) {
		unsigned char c = (unsigned char)src[i];
		int v;

		/* At a quad boundary (nothing pending: acc and nbits are 0),
		 * four alphabet characters in a row make three bytes; anything
		 * else (whitespace, '=', the cap) takes the general way below. */
		if (quad == 0 && pad == 0 && n <= max) {
			size_t k = (srclen - i) / 4, room = (max - n) / 3;
			const unsigned char *s = (const unsigned char *)src + i;
			unsigned char *d = dst + n;

			if (k > room)
				k = room;
			while (k > 0) {
				/* values, -1 outside the alphabet: one test for all four */
				int a = b64_tab[s[0]] - 1, b = b64_tab[s[1]] - 1, c2 = b64_tab[s[2]] - 1,
				    e = b64_tab[s[3]] - 1;
				unsigned q;
				if ((a | b | c2 | e) < 0)
					break;
				q = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)c2 << 6 | (unsigned)e;
				d[0] = (unsigned char)(q >> 16);
				d[1] = (unsigned char)(q >> 8);
				d[2] = (unsigned char)q;
				d += 3;
				s += 4;
				k--;
			}
			n = (size_t)(d - dst);
			i = (size_t)(s - (const unsigned char *)src);
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
