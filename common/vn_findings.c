#include "common/vn_findings.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vn_findings_init(vn_findings *f)
{
	f->items = NULL;
	f->n = 0;
	f->cap = 0;
}

void vn_findings_free(vn_findings *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++) {
		free(f->items[i].code);
		free(f->items[i].message);
	}
	free(f->items);
	vn_findings_init(f);
}

static vn_err findings_push(vn_findings *f, vn_level level, const char *code,
			    char *msg)
{
	vn_finding *it;
	char *c;

	if (f->n >= VN_FINDINGS_MAX) {
		free(msg);
		return VN_OK;
	}
	if (f->n == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 8;
		it = realloc(f->items, ncap * sizeof *it);
		if (it == NULL) {
			free(msg);
			return VN_ERR_NOMEM;
		}
		f->items = it;
		f->cap = ncap;
	}
	c = strdup(code);
	if (c == NULL) {
		free(msg);
		return VN_ERR_NOMEM;
	}
	f->items[f->n].code = c;
	f->items[f->n].level = level;
	f->items[f->n].message = msg;
	f->n++;
	return VN_OK;
}

vn_err vn_findings_add(vn_findings *f, vn_level level, const char *code,
		       const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return VN_ERR_INTERNAL;
	msg = malloc((size_t)n + 1);
	if (msg == NULL)
		return VN_ERR_NOMEM;
	va_start(ap, fmt);
	(void)vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return findings_push(f, level, code, msg);
}

vn_err vn_findings_extend(vn_findings *dst, const vn_findings *src)
{
	size_t i;

	for (i = 0; i < src->n; i++) {
		char *m = strdup(src->items[i].message);
		vn_err e;

		if (m == NULL)
			return VN_ERR_NOMEM;
		e = findings_push(dst, src->items[i].level, src->items[i].code, m);
		if (e != VN_OK)
			return e;
	}
	return VN_OK;
}

int vn_findings_has(const vn_findings *f, const char *code)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->items[i].code, code) == 0)
			return 1;
	return 0;
}

size_t vn_findings_count(const vn_findings *f, vn_level min)
{
	size_t i, c = 0;

	for (i = 0; i < f->n; i++)
		if (f->items[i].level >= min)
			c++;
	return c;
}

const char *vn_level_name(vn_level l)
{
	switch (l) {
	case VN_LEVEL_INFO:
		return "info";
	case VN_LEVEL_WARN:
		return "warning";
	case VN_LEVEL_ERROR:
		return "error";
	}
	return "error";
}

vn_err vn_json_str(vn_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	vn_err e;

	if (s == NULL)
		return vn_buf_append_str(b, "null");
	e = vn_buf_append(b, "\"", 1);
	for (; e == VN_OK && *p; p++) {
		switch (*p) {
		case '"':
			e = vn_buf_append(b, "\\\"", 2);
			break;
		case '\\':
			e = vn_buf_append(b, "\\\\", 2);
			break;
		case '\n':
			e = vn_buf_append(b, "\\n", 2);
			break;
		case '\r':
			e = vn_buf_append(b, "\\r", 2);
			break;
		case '\t':
			e = vn_buf_append(b, "\\t", 2);
			break;
		default:
			if (*p < 0x20)
				e = vn_buf_printf(b, "\\u%04x", *p);
			else
				e = vn_buf_append(b, p, 1);
		}
	}
	if (e == VN_OK)
		e = vn_buf_append(b, "\"", 1);
	return e;
}

vn_err vn_findings_json(const vn_findings *f, vn_buf *b)
{
	size_t i;
	vn_err e = vn_buf_append(b, "[", 1);

	for (i = 0; e == VN_OK && i < f->n; i++) {
		if (i > 0)
			e = vn_buf_append(b, ",", 1);
		if (e == VN_OK)
			e = vn_buf_append_str(b, "{\"code\":");
		if (e == VN_OK)
			e = vn_json_str(b, f->items[i].code);
		if (e == VN_OK)
			e = vn_buf_printf(b, ",\"level\":\"%s\",\"message\":",
					  vn_level_name(f->items[i].level));
		if (e == VN_OK)
			e = vn_json_str(b, f->items[i].message);
		if (e == VN_OK)
			e = vn_buf_append(b, "}", 1);
	}
	if (e == VN_OK)
		e = vn_buf_append(b, "]", 1);
	return e;
}
