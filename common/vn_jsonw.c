#include "common/vn_jsonw.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes a string may hold unescaped: 0 for '"', '\\' and the controls,
 * 1 for the rest of ASCII, 2 for a byte that starts or continues a
 * multi-byte sequence (checked as UTF-8). */
static unsigned char byte_class[256];
static pthread_once_t classes_once = PTHREAD_ONCE_INIT;

static void init_classes(void)
{
	for (unsigned c = 0; c < 256; c++)
		byte_class[c] = c < 0x20 || c == '"' || c == '\\' ? 0 : c < 0x80 ? 1 : 2;
}

/* The length of the UTF-8 sequence at p (at most n bytes) if it is well
 * formed (no overlong form, no surrogate, nothing above U+10FFFF), else 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t k;
	uint32_t cp;

	if (c >= 0xc2 && c <= 0xdf)
		k = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4, cp = c & 0x07;
	else
		return 0;
	if (n < k)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k;
}

/* U+FFFD REPLACEMENT CHARACTER, in UTF-8. */
static const char replacement[] = "\xef\xbf\xbd";

/* With repair set, each byte that does not begin a well-formed UTF-8
 * sequence is written as U+FFFD (Unicode 16.0 section 3.9.6 allows one per
 * byte) instead of failing the text. */
static vn_err write_string(const char *s, size_t n, vn_buf *out, int repair)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run;
	vn_err e;

	if ((e = vn_buf_append(out, "\"", 1)) != VN_OK)
		return e;
	while (p < end) {
		run = p;
		while (p < end && byte_class[*p] == 1)
			p++;
		while (p < end && byte_class[*p] == 2) {
			size_t k = utf8_len(p, (size_t)(end - p));
			if (k == 0) {
				if (!repair)
					return VN_ERR_MALFORMED;
				if ((p > run && (e = vn_buf_append(out, run, (size_t)(p - run))) != VN_OK) ||
				    (e = vn_buf_append(out, replacement, sizeof replacement - 1)) != VN_OK)
					return e;
				run = ++p;
				continue;
			}
			p += k;
			while (p < end && byte_class[*p] == 1)
				p++;
		}
		if (p > run && (e = vn_buf_append(out, run, (size_t)(p - run))) != VN_OK)
			return e;
		if (p < end && byte_class[*p] == 0) {
			char seq[8];
			const char *t = seq;
			size_t tl = 2;

			switch (*p) {
			case '\\': t = "\\\\"; break;
			case '"': t = "\\\""; break;
			case '\b': t = "\\b"; break;
			case '\f': t = "\\f"; break;
			case '\n': t = "\\n"; break;
			case '\r': t = "\\r"; break;
			case '\t': t = "\\t"; break;
			default:
				snprintf(seq, sizeof seq, "\\u%04X", (unsigned)*p);
				tl = 6;
			}
			if ((e = vn_buf_append(out, t, tl)) != VN_OK)
				return e;
			p++;
		}
	}
	return vn_buf_append(out, "\"", 1);
}

static vn_err write_value(const json_t *j, vn_buf *out, size_t depth)
{
	vn_err e = VN_OK;

	if (depth > VN_JSONW_MAX_DEPTH)
		return VN_ERR_TOO_LARGE;
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *v;
		int first = 1;

		if ((e = vn_buf_append(out, "{", 1)) != VN_OK)
			return e;
		/* json_object_foreach walks keys in insertion order, as the
		 * iterator json_dumps uses without JSON_SORT_KEYS. */
		json_object_foreach((json_t *)j, k, v) {
			if (!first && (e = vn_buf_append(out, ",", 1)) != VN_OK)
				return e;
			first = 0;
			if ((e = write_string(k, strlen(k), out, 0)) != VN_OK ||
			    (e = vn_buf_append(out, ":", 1)) != VN_OK ||
			    (e = write_value(v, out, depth + 1)) != VN_OK)
				return e;
		}
		return vn_buf_append(out, "}", 1);
	}
	case JSON_ARRAY: {
		size_t i, n = json_array_size(j);

		if ((e = vn_buf_append(out, "[", 1)) != VN_OK)
			return e;
		for (i = 0; i < n; i++) {
			if (i > 0 && (e = vn_buf_append(out, ",", 1)) != VN_OK)
				return e;
			if ((e = write_value(json_array_get(j, i), out, depth + 1)) != VN_OK)
				return e;
		}
		return vn_buf_append(out, "]", 1);
	}
	case JSON_STRING:
		return write_string(json_string_value(j), json_string_length(j), out, 0);
	case JSON_INTEGER:
		return vn_buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
	case JSON_REAL: {
		/* Rare in answers: jansson's own formatting, for the same text. */
		char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);

		if (s == NULL)
			return VN_ERR_MALFORMED;
		e = vn_buf_append_str(out, s);
		free(s);
		return e;
	}
	case JSON_TRUE:
		return vn_buf_append(out, "true", 4);
	case JSON_FALSE:
		return vn_buf_append(out, "false", 5);
	case JSON_NULL:
		return vn_buf_append(out, "null", 4);
	}
	return VN_ERR_MALFORMED;
}

vn_err vn_json_write(const json_t *j, vn_buf *out)
{
	if (j == NULL)
		return VN_ERR_ARG;
	if (pthread_once(&classes_once, init_classes) != 0)
		return VN_ERR_INTERNAL;
	return write_value(j, out, 0);
}

char *vn_json_dumps(const json_t *j, size_t *len)
{
	vn_buf b;
	unsigned char *s;

	*len = 0;
	vn_buf_init(&b, VN_JSONW_MAX_OUT);
	if (vn_json_write(j, &b) != VN_OK) {
		vn_buf_free(&b);
		return NULL;
	}
	s = vn_buf_steal(&b, len);	/* NUL-terminated, as vn_buf keeps its data */
	return (char *)s;
}

/* ---- the streaming writer ---- */

void vn_jw_init(vn_jw *w, vn_buf *out)
{
	w->out = out;
	w->err = pthread_once(&classes_once, init_classes) != 0 ? VN_ERR_INTERNAL : VN_OK;
	w->comma = 0;
	w->depth = 0;
}

static void put(vn_jw *w, const char *p, size_t n)
{
	if (w->err == VN_OK)
		w->err = vn_buf_append(w->out, p, n);
}

/* Before a value or a key: the comma after the previous one. */
static void sep(vn_jw *w)
{
	if (w->comma)
		put(w, ",", 1);
}

static void open_(vn_jw *w, const char *c)
{
	sep(w);
	if (w->depth >= VN_JSONW_MAX_DEPTH && w->err == VN_OK)
		w->err = VN_ERR_TOO_LARGE;
	put(w, c, 1);
	w->depth++;
	w->comma = 0;
}

static void close_(vn_jw *w, const char *c)
{
	if (w->depth == 0) {
		if (w->err == VN_OK)
			w->err = VN_ERR_INTERNAL;	/* more closed than opened */
		return;
	}
	put(w, c, 1);
	w->depth--;
	w->comma = 1;
}

void vn_jw_obj(vn_jw *w)
{
	open_(w, "{");
}

void vn_jw_obj_end(vn_jw *w)
{
	close_(w, "}");
}

void vn_jw_arr(vn_jw *w)
{
	open_(w, "[");
}

void vn_jw_arr_end(vn_jw *w)
{
	close_(w, "]");
}

void vn_jw_key(vn_jw *w, const char *k)
{
	sep(w);
	if (w->err == VN_OK)
		w->err = write_string(k, strlen(k), w->out, 0);
	put(w, ":", 1);
	w->comma = 0;	/* the value follows the colon */
}

void vn_jw_strn(vn_jw *w, const char *s, size_t n)
{
	sep(w);
	if (w->err == VN_OK)
		w->err = write_string(s, n, w->out, 1);
	w->comma = 1;
}

void vn_jw_str(vn_jw *w, const char *s)
{
	if (s == NULL) {
		if (w->err == VN_OK)
			w->err = VN_ERR_ARG;
		return;
	}
	vn_jw_strn(w, s, strlen(s));
}

void vn_jw_str_or_null(vn_jw *w, const char *s)
{
	if (s == NULL)
		vn_jw_null(w);
	else
		vn_jw_strn(w, s, strlen(s));
}

void vn_jw_raw(vn_jw *w, const char *json, size_t n)
{
	sep(w);
	put(w, json, n);
	w->comma = 1;
}

void vn_jw_null(vn_jw *w)
{
	vn_jw_raw(w, "null", 4);
}

void vn_jw_bool(vn_jw *w, int b)
{
	if (b)
		vn_jw_raw(w, "true", 4);
	else
		vn_jw_raw(w, "false", 5);
}

void vn_jw_int(vn_jw *w, json_int_t v)
{
	char t[32];
	int n = snprintf(t, sizeof t, "%" JSON_INTEGER_FORMAT, v);	/* as json_dumps */

	vn_jw_raw(w, t, (size_t)n);
}

void vn_jw_time(vn_jw *w, vn_time t)
{
	char b[VN_TIME_BUFSZ];

	if (t == VN_TIME_NONE)
		vn_jw_null(w);
	else
		vn_jw_str(w, vn_time_format(t, b));
}

void vn_jw_kstr(vn_jw *w, const char *k, const char *s)
{
	vn_jw_key(w, k);
	vn_jw_str(w, s);
}

void vn_jw_kstr_or_null(vn_jw *w, const char *k, const char *s)
{
	vn_jw_key(w, k);
	vn_jw_str_or_null(w, s);
}

void vn_jw_kint(vn_jw *w, const char *k, json_int_t v)
{
	vn_jw_key(w, k);
	vn_jw_int(w, v);
}

void vn_jw_kbool(vn_jw *w, const char *k, int b)
{
	vn_jw_key(w, k);
	vn_jw_bool(w, b);
}

void vn_jw_ktime(vn_jw *w, const char *k, vn_time t)
{
	vn_jw_key(w, k);
	vn_jw_time(w, t);
}

vn_err vn_jw_done(const vn_jw *w)
{
	if (w->err != VN_OK)
		return w->err;
	return w->depth == 0 ? VN_OK : VN_ERR_INTERNAL;
}
