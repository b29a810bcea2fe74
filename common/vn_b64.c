#include "common/vn_b64.h"

#include <stdlib.h>

static const char b64_alpha[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The value of each base64 character, -1 for any other byte: one load per
 * character (certificates of ~1.5 kB arrive base64 in every raw request). */
static const signed char b64_val_tab[256] = {
	['A'] = 0, ['B'] = 1, ['C'] = 2, ['D'] = 3, ['E'] = 4, ['F'] = 5, ['G'] = 6, ['H'] = 7,
	['I'] = 8, ['J'] = 9, ['K'] = 10, ['L'] = 11, ['M'] = 12, ['N'] = 13, ['O'] = 14,
	['P'] = 15, ['Q'] = 16, ['R'] = 17, ['S'] = 18, ['T'] = 19, ['U'] = 20, ['V'] = 21,
	['W'] = 22, ['X'] = 23, ['Y'] = 24, ['Z'] = 25, ['a'] = 26, ['b'] = 27, ['c'] = 28,
	['d'] = 29, ['e'] = 30, ['f'] = 31, ['g'] = 32, ['h'] = 33, ['i'] = 34, ['j'] = 35,
	['k'] = 36, ['l'] = 37, ['m'] = 38, ['n'] = 39, ['o'] = 40, ['p'] = 41, ['q'] = 42,
	['r'] = 43, ['s'] = 44, ['t'] = 45, ['u'] = 46, ['v'] = 47, ['w'] = 48, ['x'] = 49,
	['y'] = 50, ['z'] = 51, ['0'] = 52, ['1'] = 53, ['2'] = 54, ['3'] = 55, ['4'] = 56,
	['5'] = 57, ['6'] = 58, ['7'] = 59, ['8'] = 60, ['9'] = 61, ['+'] = 62, ['/'] = 63,
};

/* The table's zero entries are 'A' or not base64 at all. */
static int b64_val(unsigned char c)
{
	int v = b64_val_tab[c];

	return v != 0 || c == 'A' ? v : -1;
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
