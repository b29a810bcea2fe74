/* The reference for vn_b64_decode: the same acceptance rules read one
 * character at a time, with no fast path, for the differential tests
 * (test_common.c) and the fuzz harness (tests/fuzz/fuzz_vn_b64.c).
 *
 * The rules (common/vn_b64.h): the RFC 4648 section 4 alphabet; space,
 * tab, CR and LF skipped anywhere; '=' only as the last one or two places
 * of a quad, nothing but whitespace after it; a whole number of quads; the
 * bits past the last byte zero (section 3.5, canonical); more than max
 * output bytes refused with VN_ERR_TOO_LARGE at the byte that passes it,
 * whatever follows. Nothing is allocated: out needs room for
 * srclen / 4 * 3 + 3 bytes. */
#ifndef VN_B64_REF_H
#define VN_B64_REF_H

#include <stddef.h>

#include "common/vn_err.h"

static inline vn_err vn_b64_ref_decode(const char *src, size_t srclen, size_t max,
				       unsigned char *out, size_t *outlen)
{
	size_t i, n = 0;
	unsigned acc = 0;
	int nbits = 0, quad = 0, pad = 0;

	*outlen = 0;
	for (i = 0; i < srclen; i++) {
		unsigned char c = (unsigned char)src[i];
		int v;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			if (quad < 2 || ++pad > 2)
				return VN_ERR_MALFORMED;
			quad = (quad + 1) % 4;
			continue;
		}
		if (pad > 0)
			return VN_ERR_MALFORMED;
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '+')
			v = 62;
		else if (c == '/')
			v = 63;
		else
			return VN_ERR_MALFORMED;
		acc = acc << 6 | (unsigned)v;
		nbits += 6;
		quad = (quad + 1) % 4;
		if (nbits >= 8) {
			nbits -= 8;
			if (n >= max)
				return VN_ERR_TOO_LARGE;
			out[n++] = (unsigned char)(acc >> nbits);
			acc &= (1u << nbits) - 1;
		}
	}
	if (quad != 0 || acc != 0)
		return VN_ERR_MALFORMED;
	*outlen = n;
	return VN_OK;
}

#endif
