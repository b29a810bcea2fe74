/* valnode: strict JSON (RFC 8259) into a jansson tree; see vn_json.h.
 *
 * Why not json_loadb: jansson reads its input a character at a time through
 * a stream layer (a function call, a UTF-8 check and a buffer append per
 * byte), which made it the largest single cost of answering a small request
 * whose body is mostly base64. Here a string is scanned eight bytes at a
 * time until a quote, a backslash, a control byte or a non-ASCII byte, and
 * a string without escapes is handed to jansson straight from the text.
 *
 * The parser is iterative: a container is attached to its parent when it
 * opens and stays on a stack of borrowed pointers while its members are
 * read, so nesting costs no C stack and a failure frees everything with
 * one json_decref of the root. */
#include "common/vn_json.h"

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#if JSON_INTEGER_IS_LONG_LONG
#define VN_JSON_INT_MAX LLONG_MAX
#define VN_JSON_INT_MIN LLONG_MIN
#else
#define VN_JSON_INT_MAX LONG_MAX
#define VN_JSON_INT_MIN LONG_MIN
#endif

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
#define STACK_FIXED 32

typedef struct jp {
	const unsigned char *base, *p, *end;
	vn_json_error *err;
	char *buf[2];		/* decoded strings with escapes: [0] a key, [1] a value */
	size_t cap[2];
} jp;

static int fail(jp *j, const unsigned char *at, vn_json_code code, const char *fmt, ...)
	VN_PRINTF(4, 5);

/* Always -1. The line and column are counted here, on failure only, so
 * that the fast paths track nothing. */
static int fail(jp *j, const unsigned char *at, vn_json_code code, const char *fmt, ...)
{
	vn_json_error *e = j->err;
	const unsigned char *q;
	va_list ap;

	if (e == NULL)
		return -1;
	e->code = code;
	e->offset = (size_t)(at - j->base);
	e->line = 1;
	e->column = 1;
	for (q = j->base; q < at; q++) {
		if (*q == '\n') {
			e->line++;
			e->column = 1;
		} else if ((*q & 0xC0) != 0x80) {
			e->column++;
		}
	}
	va_start(ap, fmt);
	(void)vsnprintf(e->text, sizeof e->text, fmt, ap);
	va_end(ap);
	return -1;
}

static int nomem(jp *j)
{
	return fail(j, j->p, VN_JSON_E_NOMEM, "out of memory");
}

static inline const unsigned char *skip_ws(const unsigned char *p, const unsigned char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

/* Eight bytes none of which ends a plain run: no '"', no '\\', nothing
 * below 0x20, nothing above 0x7F. The zero-byte and less-than tests are
 * exact as to whether any byte matches, which is all that is asked. */
static inline int plain8(uint64_t x)
{
	uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\');

	return ((((q - ONES) & ~q) | ((b - ONES) & ~b) | (x - ONES * 0x20) | x) & HIGHS) == 0;
}

static inline int plain1(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* The length (2-4) of the well-formed UTF-8 sequence at q, or 0: RFC 3629
 * section 4 (no overlong form, no surrogate, nothing above U+10FFFF). */
static inline size_t utf8_seq(const unsigned char *q, const unsigned char *end)
{
	unsigned char c = q[0], lo = 0x80, hi = 0xBF;
	size_t k, i;

	if (c < 0xC2 || c > 0xF4)
		return 0;
	k = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	if ((size_t)(end - q) < k)
		return 0;
	if (c == 0xE0)
		lo = 0xA0;	/* overlong below U+0800 */
	else if (c == 0xED)
		hi = 0x9F;	/* U+D800..U+DFFF */
	else if (c == 0xF0)
		lo = 0x90;	/* overlong below U+10000 */
	else if (c == 0xF4)
		hi = 0x8F;	/* above U+10FFFF */
	if (q[1] < lo || q[1] > hi)
		return 0;
	for (i = 2; i < k; i++)
		if ((q[i] & 0xC0) != 0x80)
			return 0;
	return k;
}

static inline long hex4(const unsigned char *p, const unsigned char *end)
{
	long v = 0;
	int i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		unsigned char c = p[i], l = (unsigned char)(c | 0x20);
		if (c >= '0' && c <= '9')
			v = v << 4 | (c - '0');
		else if (l >= 'a' && l <= 'f')
			v = v << 4 | (l - 'a' + 10);
		else
			return -1;
	}
	return v;
}

static unsigned char *put_utf8(unsigned char *o, unsigned long cp)
{
	if (cp < 0x80) {
		*o++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*o++ = (unsigned char)(0xC0 | cp >> 6);
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (unsigned char)(0xE0 | cp >> 12);
		*o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (unsigned char)(0xF0 | cp >> 18);
		*o++ = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
		*o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	}
	return o;
}

/* One \uXXXX escape (a surrogate pair: two) at q into o; RFC 8259
 * section 7. A lone surrogate and U+0000 are refused, as jansson refuses
 * them (no JSON_ALLOW_NUL). */
static int unicode_escape(jp *j, const unsigned char **qp, unsigned char **op)
{
	const unsigned char *q = *qp;
	long cp = hex4(q + 2, j->end), lo;

	if (cp < 0)
		return fail(j, q, VN_JSON_E_SYNTAX, "invalid \\u escape");
	if (cp == 0)
		return fail(j, q, VN_JSON_E_SYNTAX, "\\u0000 is not allowed");
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return fail(j, q, VN_JSON_E_SYNTAX, "lone surrogate \\u%04lX", cp);
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (j->end - q < 8 || q[6] != '\\' || q[7] != 'u')
			return fail(j, q, VN_JSON_E_SYNTAX, "lone surrogate \\u%04lX", cp);
		lo = hex4(q + 8, j->end);
		if (lo < 0)
			return fail(j, q + 6, VN_JSON_E_SYNTAX, "invalid \\u escape");
		if (lo < 0xDC00 || lo > 0xDFFF)
			return fail(j, q, VN_JSON_E_SYNTAX, "lone surrogate \\u%04lX", cp);
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		q += 6;
	}
	*op = put_utf8(*op, (unsigned long)cp);
	*qp = q + 6;
	return 0;
}

/* The rest of a string with escapes, from q (its first backslash) on,
 * decoded into j->buf[slot]; start is the first byte after the opening
 * quote, and [start, q) is already known plain. */
static int decode_string(jp *j, int slot, const unsigned char *start, const unsigned char *q,
			 const char **s, size_t *len)
{
	const unsigned char *end = j->end, *r;
	unsigned char *o, *b;
	size_t need;
	size_t k;

	/* A decoded value is never longer than its source (an escape of 2, 6
	 * or 12 bytes gives at most 1, 3 or 4), so the source's extent, to the
	 * first unescaped quote or the end, sizes the buffer. */
	for (r = q; r < end && *r != '"'; r += *r == '\\' ? 2 : 1)
		;
	if (r > end)
		r = end;
	need = (size_t)(r - start) + 1;
	if (need > j->cap[slot]) {
		size_t c = j->cap[slot] * 2 > need ? j->cap[slot] * 2 : need < 256 ? 256 : need;
		char *nb = realloc(j->buf[slot], c);
		if (nb == NULL)
			return nomem(j);
		j->buf[slot] = nb;
		j->cap[slot] = c;
	}
	b = (unsigned char *)j->buf[slot];
	memcpy(b, start, (size_t)(q - start));
	o = b + (q - start);
	while (q < end) {
		unsigned char c = *q;
		if (plain1(c)) {
			*o++ = c;
			q++;
		} else if (c == '"') {
			*s = (const char *)b;
			*len = (size_t)(o - b);
			j->p = q + 1;
			return 0;
		} else if (c == '\\') {
			if (end - q < 2)
				break;
			switch (q[1]) {
			case '"': case '\\': case '/':
				*o++ = q[1];
				break;
			case 'b': *o++ = '\b'; break;
			case 'f': *o++ = '\f'; break;
			case 'n': *o++ = '\n'; break;
			case 'r': *o++ = '\r'; break;
			case 't': *o++ = '\t'; break;
			case 'u':
				if (unicode_escape(j, &q, &o) != 0)
					return -1;
				continue;
			default:
				return fail(j, q, VN_JSON_E_SYNTAX, "invalid escape");
			}
			q += 2;
		} else if (c < 0x20) {
			return fail(j, q, VN_JSON_E_SYNTAX, "control character 0x%02x in a string", c);
		} else {
			k = utf8_seq(q, end);
			if (k == 0)
				return fail(j, q, VN_JSON_E_UTF8, "invalid UTF-8 byte 0x%02x", c);
			memcpy(o, q, k);
			o += k;
			q += k;
		}
	}
	return fail(j, start - 1, VN_JSON_E_SYNTAX, "unterminated string");
}

/* A string whose opening quote is just before j->p: *s and *len point
 * into the text when it has no escape (the common case, scanned in bulk),
 * into j->buf[slot] otherwise. j->p ends past the closing quote. */
static int scan_string(jp *j, int slot, const char **s, size_t *len)
{
	const unsigned char *start = j->p, *q = start, *end = j->end;
	size_t k;

	for (;;) {
		uint64_t x;
#if defined(__SSE2__)
		/* Sixteen bytes at a time where SSE2 is there (every x86-64):
		 * a signed compare below 0x20 catches the control bytes and
		 * every byte from 0x80 at once, so one mask holds all that
		 * ends a plain run, and the first set bit is where. */
		while (end - q >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
			__m128i m = _mm_or_si128(
				_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
					     _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
				_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
			unsigned bits = (unsigned)_mm_movemask_epi8(m);
			if (bits != 0) {
				q += __builtin_ctz(bits);
				break;
			}
			q += 16;
		}
#endif
		while (end - q >= 8) {
			memcpy(&x, q, sizeof x);
			if (!plain8(x))
				break;
			q += 8;
		}
		while (q < end && plain1(*q))
			q++;
		if (q == end)
			return fail(j, start - 1, VN_JSON_E_SYNTAX, "unterminated string");
		if (*q == '"') {
			*s = (const char *)start;
			*len = (size_t)(q - start);
			j->p = q + 1;
			return 0;
		}
		if (*q == '\\')
			return decode_string(j, slot, start, q, s, len);
		if (*q < 0x20)
			return fail(j, q, VN_JSON_E_SYNTAX, "control character 0x%02x in a string", *q);
		k = utf8_seq(q, end);
		if (k == 0)
			return fail(j, q, VN_JSON_E_UTF8, "invalid UTF-8 byte 0x%02x", *q);
		q += k;
	}
}

static inline int is_digit(const unsigned char *q, const unsigned char *end)
{
	return q < end && *q >= '0' && *q <= '9';
}

/* A real as jansson reads it: strtod over the token in the locale's
 * decimal point, refused when it overflows to infinity. */
static int read_real(jp *j, const unsigned char *s, size_t len, double *out)
{
	char small[64], *t = small, *e = NULL;
	double d;
	int rc = -1;

	if (len >= sizeof small && (t = malloc(len + 1)) == NULL)
		return nomem(j);
	memcpy(t, s, len);
	t[len] = '\0';
	errno = 0;
	d = strtod(t, &e);
	if (e != t + len) {
		/* a locale whose decimal point is not '.' (never the node's) */
		const char *pt = localeconv()->decimal_point;
		char *dot = strchr(t, '.');
		if (dot != NULL && pt[0] != '\0' && pt[1] == '\0')
			*dot = pt[0];
		errno = 0;
		d = strtod(t, &e);
		if (e != t + len) {
			fail(j, s, VN_JSON_E_SYNTAX, "unreadable number");
			goto out;
		}
	}
	if ((d == HUGE_VAL || d == -HUGE_VAL) && errno == ERANGE) {
		fail(j, s, VN_JSON_E_RANGE, "real number overflow");
		goto out;
	}
	*out = d;
	rc = 0;
out:
	if (t != small)
		free(t);
	return rc;
}

/* RFC 8259 section 6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static int scan_number(jp *j, json_t **out)
{
	const unsigned char *s = j->p, *q = s, *end = j->end, *r;
	int neg = 0, real = 0;

	if (*q == '-') {
		neg = 1;
		q++;
	}
	if (!is_digit(q, end))
		return fail(j, s, VN_JSON_E_SYNTAX, "invalid number");
	if (*q == '0') {
		if (is_digit(++q, end))
			return fail(j, s, VN_JSON_E_SYNTAX, "invalid number (leading zero)");
	} else {
		while (is_digit(q, end))
			q++;
	}
	if (q < end && *q == '.') {
		if (!is_digit(++q, end))
			return fail(j, q, VN_JSON_E_SYNTAX, "a digit expected after '.'");
		while (is_digit(q, end))
			q++;
		real = 1;
	}
	if (q < end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < end && (*q == '+' || *q == '-'))
			q++;
		if (!is_digit(q, end))
			return fail(j, q, VN_JSON_E_SYNTAX, "a digit expected in the exponent");
		while (is_digit(q, end))
			q++;
		real = 1;
	}
	if (real) {
		double d = 0;
		if (read_real(j, s, (size_t)(q - s), &d) != 0)
			return -1;
		*out = json_real(d);
	} else {
		/* json_int_t's range, as strtoll gives it to jansson */
		unsigned long long v = 0, lim = neg ? (unsigned long long)VN_JSON_INT_MAX + 1
						     : (unsigned long long)VN_JSON_INT_MAX;
		json_int_t iv;
		for (r = s + neg; r < q; r++) {
			unsigned d = (unsigned)(*r - '0');
			if (v > (lim - d) / 10)
				return fail(j, s, VN_JSON_E_RANGE, neg ? "too big negative integer"
								       : "too big integer");
			v = v * 10 + d;
		}
		if (!neg)
			iv = (json_int_t)v;
		else if (v == lim)
			iv = VN_JSON_INT_MIN;
		else
			iv = -(json_int_t)v;
		*out = json_integer(iv);
	}
	j->p = q;
	return *out == NULL ? nomem(j) : 0;
}

static int literal(jp *j, const char *word, size_t n, json_t *v, json_t **out)
{
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0)
		return fail(j, j->p, VN_JSON_E_SYNTAX, "invalid token");
	j->p += n;
	*out = v;
	return 0;
}

/* A value that is not an array or object, at j->p (not the end). */
static int scalar(jp *j, json_t **out)
{
	const char *s = NULL;
	size_t len = 0;

	switch (*j->p) {
	case '"':
		j->p++;
		if (scan_string(j, 1, &s, &len) != 0)
			return -1;
		/* validated above: UTF-8, no NUL */
		*out = json_stringn_nocheck(s, len);
		return *out == NULL ? nomem(j) : 0;
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return scan_number(j, out);
	case 't':
		return literal(j, "true", 4, json_true(), out);
	case 'f':
		return literal(j, "false", 5, json_false(), out);
	case 'n':
		return literal(j, "null", 4, json_null(), out);
	default:
		if (*j->p >= 0x80 && utf8_seq(j->p, j->end) == 0)
			return fail(j, j->p, VN_JSON_E_UTF8, "invalid UTF-8 byte 0x%02x", *j->p);
		return fail(j, j->p, VN_JSON_E_SYNTAX, "invalid token");
	}
}

json_t *vn_json_parse(const char *text, size_t n, size_t max_depth, vn_json_error *err)
{
	static const unsigned char nothing[1];
	jp j = {0};
	json_t *root = NULL, *fixed[STACK_FIXED], **stk = fixed, *top, *v;
	size_t d = 0, scap = STACK_FIXED;
	const unsigned char *at = NULL;
	const char *key = NULL;
	size_t klen = 0, before;
	int ok = 0;

	j.err = err;
	if (err != NULL)
		memset(err, 0, sizeof *err);
	j.base = j.p = text != NULL ? (const unsigned char *)text : nothing;
	j.end = j.base + (text != NULL ? n : 0);
	if (max_depth == 0 || max_depth > VN_JSON_MAX_DEPTH)
		max_depth = VN_JSON_MAX_DEPTH;
	if (n > VN_JSON_MAX_INPUT) {
		j.end = j.base;
		fail(&j, j.base, VN_JSON_E_TOO_LARGE, "over %zu bytes", VN_JSON_MAX_INPUT);
		goto out;
	}
	/* jansson without JSON_DECODE_ANY: the text is an array or object */
	j.p = skip_ws(j.p, j.end);
	if (j.p == j.end || (*j.p != '{' && *j.p != '[')) {
		fail(&j, j.p, VN_JSON_E_SYNTAX, "'[' or '{' expected");
		goto out;
	}
	root = *j.p == '{' ? json_object() : json_array();
	if (root == NULL) {
		nomem(&j);
		goto out;
	}
	j.p++;
	stk[d++] = root;

open:	/* just past the bracket of stk[d - 1] */
	top = stk[d - 1];
	j.p = skip_ws(j.p, j.end);
	if (j.p < j.end && *j.p == (json_is_object(top) ? '}' : ']')) {
		j.p++;
		goto close;
	}

item:	/* a member or element, at j.p after any whitespace */
	v = NULL;
	if (json_is_object(top)) {
		if (j.p == j.end || *j.p != '"') {
			fail(&j, j.p, VN_JSON_E_SYNTAX, "string or '}' expected");
			goto out;
		}
		at = j.p++;
		if (scan_string(&j, 0, &key, &klen) != 0)
			goto out;
		j.p = skip_ws(j.p, j.end);
		if (j.p == j.end || *j.p != ':') {
			fail(&j, j.p, VN_JSON_E_SYNTAX, "':' expected");
			goto out;
		}
		j.p = skip_ws(j.p + 1, j.end);
	}
	if (j.p == j.end) {
		fail(&j, j.p, VN_JSON_E_SYNTAX, "unexpected end of input");
		goto out;
	}
	if (*j.p == '{' || *j.p == '[') {
		/* the cap counts arrays and objects, as srv_json_depth does */
		if (d >= max_depth) {
			fail(&j, j.p, VN_JSON_E_DEPTH, "nested deeper than %zu levels", max_depth);
			goto out;
		}
		v = *j.p == '{' ? json_object() : json_array();
		if (v == NULL) {
			nomem(&j);
			goto out;
		}
		j.p++;
	} else if (scalar(&j, &v) != 0) {
		goto out;
	}
	if (json_is_object(top)) {
		/* a key given twice replaces the value and leaves the size as it
		 * was: one hash lookup instead of a get then a set */
		before = json_object_size(top);
		if (json_object_setn_new_nocheck(top, key, klen, v) != 0) {
			nomem(&j);
			goto out;
		}
		if (json_object_size(top) == before) {
			fail(&j, at, VN_JSON_E_DUPLICATE, "duplicate object key");
			goto out;
		}
	} else if (json_array_append_new(top, v) != 0) {
		nomem(&j);
		goto out;
	}
	if (json_is_object(v) || json_is_array(v)) {
		if (d == scap) {
			json_t **ns = malloc(sizeof *ns * max_depth);
			if (ns == NULL) {
				nomem(&j);
				goto out;
			}
			memcpy(ns, stk, sizeof *ns * d);
			stk = ns;
			scap = max_depth;
		}
		stk[d++] = v;
		goto open;
	}

next:	/* after a member or element of top */
	j.p = skip_ws(j.p, j.end);
	if (j.p < j.end && *j.p == ',') {
		j.p = skip_ws(j.p + 1, j.end);
		goto item;
	}
	if (j.p < j.end && *j.p == (json_is_object(top) ? '}' : ']')) {
		j.p++;
		goto close;
	}
	fail(&j, j.p, VN_JSON_E_SYNTAX, json_is_object(top) ? "',' or '}' expected"
							     : "',' or ']' expected");
	goto out;

close:
	if (--d > 0) {
		top = stk[d - 1];
		goto next;
	}
	j.p = skip_ws(j.p, j.end);
	if (j.p != j.end) {
		fail(&j, j.p, VN_JSON_E_SYNTAX, "end of input expected");
		goto out;
	}
	ok = 1;
out:
	if (stk != fixed)
		free(stk);
	free(j.buf[0]);
	free(j.buf[1]);
	if (!ok) {
		json_decref(root);
		root = NULL;
	}
	return root;
}
