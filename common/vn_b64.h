/* valnode: base64 (RFC 4648, standard alphabet). */
#ifndef VN_B64_H
#define VN_B64_H

#include <stddef.h>
#include "common/vn_err.h"

/* Decode src (srclen bytes). Whitespace (space, tab, CR, LF) anywhere is
 * skipped, as in XML's base64Binary; padding is required where the length
 * needs it and nothing may follow it. On success *out is a malloc'd buffer the
 * caller frees (NUL-terminated for convenience, not counted in *outlen).
 * Fails with VN_ERR_MALFORMED or VN_ERR_TOO_LARGE (more than max output bytes). */
vn_err vn_b64_decode(const char *src, size_t srclen, size_t max,
		     unsigned char **out, size_t *outlen) VN_WUR VN_NONNULL(1, 4, 5);

/* Encode; *out is a malloc'd NUL-terminated string the caller frees. */
vn_err vn_b64_encode(const unsigned char *src, size_t srclen, char **out) VN_WUR
	VN_NONNULL(3);

#endif
