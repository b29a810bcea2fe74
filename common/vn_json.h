/* valnode: a strict JSON text (RFC 8259) into a jansson tree, in one pass
 * over a byte buffer.
 *
 * It accepts exactly what json_loadb(text, n, JSON_REJECT_DUPLICATES, ...)
 * accepts, and builds the same tree (json_equal), with the nesting cap
 * built in:
 *   - the text is one array or object (jansson without JSON_DECODE_ANY),
 *     with only space, tab, CR and LF around it;
 *   - no comments, trailing commas, NaN/Infinity, leading zeros or '+';
 *   - strings: no bare control character (U+0000..U+001F), escapes
 *     \" \\ \/ \b \f \n \r \t \uXXXX, a surrogate only as a \uD8xx\uDCxx
 *     pair, never \u0000 (jansson without JSON_ALLOW_NUL);
 *   - the bytes are UTF-8: no overlong form, no surrogate, nothing above
 *     U+10FFFF, no truncated sequence;
 *   - an object key appears once (JSON_REJECT_DUPLICATES);
 *   - a number without fraction or exponent is a json_integer and must fit
 *     json_int_t; any other is a json_real from strtod, refused when it
 *     overflows to infinity (an underflow to 0 or a subnormal is kept, as
 *     jansson keeps it).
 * Pure and thread-safe: no global state is read or written but the
 * locale's decimal point, as jansson reads it. */
#ifndef VN_JSON_H
#define VN_JSON_H

#include <stddef.h>
#include <jansson.h>

#include "common/vn_err.h"

/* jansson counts every value, a scalar too, against its 2048 levels: a
 * scalar inside 2047 containers is its last. Our cap counts containers
 * only (as srv_json_depth does), so it is at most 2047 for the two parsers
 * to agree on every text within it. */
#define VN_JSON_MAX_DEPTH 2047
/* A text over 1 GiB is refused (offsets stay within int, as jansson's). */
#define VN_JSON_MAX_INPUT ((size_t)1 << 30)

typedef enum vn_json_code {
	VN_JSON_OK = 0,
	VN_JSON_E_SYNTAX,	/* not JSON, or not an array or object */
	VN_JSON_E_UTF8,		/* a byte sequence that is not UTF-8 */
	VN_JSON_E_RANGE,	/* an integer outside json_int_t, a real overflowing */
	VN_JSON_E_DUPLICATE,	/* an object key given twice */
	VN_JSON_E_DEPTH,	/* arrays and objects nested deeper than the cap */
	VN_JSON_E_TOO_LARGE,	/* the text is over VN_JSON_MAX_INPUT */
	VN_JSON_E_NOMEM
} vn_json_code;

typedef struct vn_json_error {
	vn_json_code code;
	size_t offset;		/* bytes before the offending one */
	size_t line;		/* 1-based */
	size_t column;		/* 1-based, in characters (UTF-8 sequences) */
	char text[96];		/* a short reason, NUL-terminated */
} vn_json_error;

/* Parse text (n bytes; no NUL needed, one inside is refused like any
 * control byte) with arrays and objects nested at most max_depth deep
 * (0 or above VN_JSON_MAX_DEPTH: VN_JSON_MAX_DEPTH). Returns a new
 * reference the caller json_decref's, or NULL with *err filled (err may be
 * NULL). text may be NULL only when n is 0. */
json_t *vn_json_parse(const char *text, size_t n, size_t max_depth, vn_json_error *err) VN_WUR;

#endif
