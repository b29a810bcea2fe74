/* valnode: compact JSON text, fast: of a jansson tree, or streamed.
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
#include "common/vn_time.h"

#define VN_JSONW_MAX_DEPTH 256	/* deeper trees are refused (VN_ERR_TOO_LARGE) */
#define VN_JSONW_MAX_OUT ((size_t)256 << 20)	/* vn_json_dumps' cap on the text */

/* Append the text of j to out. VN_ERR_MALFORMED for a string that is not
 * UTF-8 or a value jansson cannot write; out may then hold a partial text. */
vn_err vn_json_write(const json_t *j, vn_buf *out) VN_WUR VN_NONNULL(2);

/* The text of j as a new NUL-terminated string (free() it) and its length
 * in *len; NULL on failure, as json_dumps. */
char *vn_json_dumps(const json_t *j, size_t *len) VN_NONNULL(2);

/* ---- the streaming writer ----
 *
 * The same compact text written straight from the caller's data, without a
 * tree: the caller says what comes in order (object, key, value, ...) and
 * the writer puts the commas and colons and escapes strings exactly as
 * vn_json_write does, with one difference: a string value that is not
 * well-formed UTF-8 (a name cut inside a character, Latin-1 bytes in a
 * certificate or a list) is written with U+FFFD for each byte that does not
 * begin a well-formed sequence, so that a report never fails, nor loses a
 * signature, over the spelling of a name. Keys must be UTF-8. The first
 * failure (no memory, the cap of out, a key that is not UTF-8, a NULL where
 * a string is required, unbalanced nesting) sticks: every later call does nothing and vn_jw_done returns
 * it, so a writer is called straight through and looked at once. Not
 * thread-safe per writer; writers on different buffers are independent.
 * The writer does not own out. */
typedef struct vn_jw {
	vn_buf *out;
	vn_err err;		/* the first failure, or VN_OK */
	int comma;		/* a value ended at this level: the next needs ',' */
	unsigned depth;		/* open objects and arrays */
} vn_jw;

void vn_jw_init(vn_jw *w, vn_buf *out) VN_NONNULL(1, 2);
void vn_jw_obj(vn_jw *w) VN_NONNULL(1);		/* { */
void vn_jw_obj_end(vn_jw *w) VN_NONNULL(1);	/* } */
void vn_jw_arr(vn_jw *w) VN_NONNULL(1);		/* [ */
void vn_jw_arr_end(vn_jw *w) VN_NONNULL(1);	/* ] */
/* An object member's name (a NUL-terminated UTF-8 string). */
void vn_jw_key(vn_jw *w, const char *k) VN_NONNULL(1, 2);
/* A string value; NULL is a failure (VN_ERR_ARG), as json_pack's "s". */
void vn_jw_str(vn_jw *w, const char *s) VN_NONNULL(1);
/* A string value, or null for NULL. */
void vn_jw_str_or_null(vn_jw *w, const char *s) VN_NONNULL(1);
/* n bytes of a string that may hold NULs (written \u0000). */
void vn_jw_strn(vn_jw *w, const char *s, size_t n) VN_NONNULL(1, 2);
void vn_jw_null(vn_jw *w) VN_NONNULL(1);
void vn_jw_bool(vn_jw *w, int b) VN_NONNULL(1);
void vn_jw_int(vn_jw *w, json_int_t v) VN_NONNULL(1);
/* An RFC 3339 UTC time string (vn_time_format), or null for VN_TIME_NONE. */
void vn_jw_time(vn_jw *w, vn_time t) VN_NONNULL(1);
/* A whole value already written as compact JSON (by a writer), as is. */
void vn_jw_raw(vn_jw *w, const char *json, size_t n) VN_NONNULL(1, 2);
/* A member: its name and value at once, as vn_jw_key and then the value
 * call of the same name (vn_jw_kstr = vn_jw_key + vn_jw_str, ...). */
void vn_jw_kstr(vn_jw *w, const char *k, const char *s) VN_NONNULL(1, 2);
void vn_jw_kstr_or_null(vn_jw *w, const char *k, const char *s) VN_NONNULL(1, 2);
void vn_jw_kint(vn_jw *w, const char *k, json_int_t v) VN_NONNULL(1, 2);
void vn_jw_kbool(vn_jw *w, const char *k, int b) VN_NONNULL(1, 2);
void vn_jw_ktime(vn_jw *w, const char *k, vn_time t) VN_NONNULL(1, 2);
/* VN_OK when everything was written and every object and array closed. */
vn_err vn_jw_done(const vn_jw *w) VN_WUR VN_NONNULL(1);

#endif
