/* valnode: compact JSON text of a jansson tree, fast.
 *
 * Every answer of the node is a JSON tree written out once; json_dumps
 * walks each string codepoint by codepoint through a callback and was a
 * tenth of a full validation answer's cost. This writes the very same bytes
 * as json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) (keys in insertion
 * order; '"', '\\' and control characters escaped as jansson escapes them;
 * no other escaping), copying runs of plain bytes at once. Strings must be
 * valid UTF-8, as json_dumps requires: otherwise nothing is written.
 */
#ifndef VN_JSONW_H
#define VN_JSONW_H

#include <stddef.h>
#include <jansson.h>

#include "common/vn_buf.h"
#include "common/vn_err.h"

#define VN_JSONW_MAX_DEPTH 256	/* deeper trees are refused (VN_ERR_TOO_LARGE) */
#define VN_JSONW_MAX_OUT ((size_t)256 << 20)	/* vn_json_dumps' cap on the text */

/* Append the text of j to out. VN_ERR_MALFORMED for a string that is not
 * UTF-8 or a value jansson cannot write; out may then hold a partial text. */
vn_err vn_json_write(const json_t *j, vn_buf *out) VN_WUR VN_NONNULL(2);

/* The text of j as a new NUL-terminated string (free() it) and its length
 * in *len; NULL on failure, as json_dumps. */
char *vn_json_dumps(const json_t *j, size_t *len) VN_NONNULL(2);

#endif
