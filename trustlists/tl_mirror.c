#include "trustlists/tl_mirror.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/vn_buf.h"

typedef struct mirror_entry {
	char *url;	/* owned */
	char *path;	/* owned, already joined to the base directory */
} mirror_entry;

struct tl_mirror {
	mirror_entry *e;	/* owned, sorted by url */
	size_t n, cap;
	char *any_dir;		/* owned; the '*' directory or NULL */
};

/* The longest file name a directory entry may have (NAME_MAX on Linux). */
#define MANGLED_MAX 255u

static void say(char *why, size_t n, const char *fmt, ...) VN_PRINTF(3, 4);
static void say(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || n == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(why, n, fmt, ap);
	va_end(ap);
}

void tl_mirror_free(tl_mirror *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++) {
		free(m->e[i].url);
		free(m->e[i].path);
	}
	free(m->e);
	free(m->any_dir);
	free(m);
}

static char *dup_range(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* basedir + "/" + rel unless rel is absolute; NULL on no memory or too long. */
static vn_err join_path(const char *basedir, const char *rel, size_t rel_n, char **out)
{
	size_t bn = 0;
	int sep = 0;
	char *s;

	*out = NULL;
	if (rel_n > 0 && rel[0] != '/' && basedir != NULL && basedir[0] != '\0') {
		bn = strlen(basedir);
		sep = basedir[bn - 1] != '/';
	}
	if (bn + (size_t)sep + rel_n >= TL_MIRROR_PATH_MAX)
		return VN_ERR_TOO_LARGE;
	s = malloc(bn + (size_t)sep + rel_n + 1);
	if (s == NULL)
		return VN_ERR_NOMEM;
	memcpy(s, basedir ? basedir : "", bn);
	if (sep)
		s[bn] = '/';
	memcpy(s + bn + (size_t)sep, rel, rel_n);
	s[bn + (size_t)sep + rel_n] = '\0';
	*out = s;
	return VN_OK;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const mirror_entry *)a)->url, ((const mirror_entry *)b)->url);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A URL in the map: printable ASCII or UTF-8 bytes, no spaces or controls. */
static int url_chars_ok(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c <= 0x20 || c == 0x7f)
			return 0;
	}
	return 1;
}

static int path_chars_ok(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x20 || c == 0x7f)
			return 0;
	}
	return 1;
}

static vn_err add_entry(tl_mirror *m, const char *url, size_t url_n, char *path)
{
	mirror_entry *ne;
	size_t ncap;

	if (m->n == m->cap) {
		ncap = m->cap ? m->cap * 2 : 16;
		ne = realloc(m->e, ncap * sizeof *ne);
		if (ne == NULL)
			return VN_ERR_NOMEM;
		m->e = ne;
		m->cap = ncap;
	}
	m->e[m->n].url = dup_range(url, url_n);
	if (m->e[m->n].url == NULL)
		return VN_ERR_NOMEM;
	m->e[m->n].path = path;
	m->n++;
	return VN_OK;
}

/* One non-blank, non-comment line (without its newline). */
static vn_err parse_line(tl_mirror *m, const char *p, size_t n, const char *basedir,
			 size_t lineno, char *why, size_t why_n)
{
	const char *tab, *url, *path;
	size_t url_n, path_n;
	char *joined = NULL;
	vn_err e;

	tab = memchr(p, '\t', n);
	if (tab == NULL) {
		say(why, why_n, "mirror map line %zu: no TAB between URL and path", lineno);
		return VN_ERR_MALFORMED;
	}
	url = p;
	url_n = (size_t)(tab - p);
	while (url_n > 0 && url[url_n - 1] == ' ')
		url_n--;
	path = tab;
	while (path < p + n && is_blank(*path))	/* a run of TABs aligns columns */
		path++;
	path_n = (size_t)(p + n - path);
	while (path_n > 0 && path[path_n - 1] == ' ')
		path_n--;
	if (url_n == 0 || path_n == 0) {
		say(why, why_n, "mirror map line %zu: empty %s", lineno, url_n ? "path" : "URL");
		return VN_ERR_MALFORMED;
	}
	if (!url_chars_ok(url, url_n)) {
		say(why, why_n, "mirror map line %zu: URL holds a space or control character",
		    lineno);
		return VN_ERR_MALFORMED;
	}
	if (memchr(path, '\t', path_n) != NULL || !path_chars_ok(path, path_n)) {
		say(why, why_n, "mirror map line %zu: path holds a TAB or control character",
		    lineno);
		return VN_ERR_MALFORMED;
	}
	e = join_path(basedir, path, path_n, &joined);
	if (e == VN_ERR_TOO_LARGE)
		say(why, why_n, "mirror map line %zu: path too long", lineno);
	if (e != VN_OK)
		return e;
	if (url_n == 1 && url[0] == '*') {
		if (m->any_dir != NULL) {
			free(joined);
			say(why, why_n, "mirror map line %zu: a second '*' line", lineno);
			return VN_ERR_MALFORMED;
		}
		m->any_dir = joined;
		return VN_OK;
	}
	e = add_entry(m, url, url_n, joined);
	if (e != VN_OK)
		free(joined);
	return e;
}

vn_err tl_mirror_parse(const char *text, size_t len, const char *basedir,
		       tl_mirror **out, char *why, size_t why_n)
{
	tl_mirror *m = NULL;
	size_t pos = 0, lineno = 0, i;
	vn_err e = VN_OK;

	*out = NULL;
	say(why, why_n, "%s", "");
	if (text == NULL && len > 0)
		return VN_ERR_ARG;
	if (len > TL_MIRROR_MAX_BYTES) {
		say(why, why_n, "mirror map larger than %u bytes", TL_MIRROR_MAX_BYTES);
		return VN_ERR_TOO_LARGE;
	}
	if (len > 0 && memchr(text, '\0', len) != NULL) {
		say(why, why_n, "mirror map holds a NUL byte");
		return VN_ERR_MALFORMED;
	}
	m = calloc(1, sizeof *m);
	if (m == NULL)
		return VN_ERR_NOMEM;
	while (pos < len) {
		const char *p = text + pos, *nl;
		size_t n, s = 0;

		nl = memchr(p, '\n', len - pos);
		n = nl ? (size_t)(nl - p) : len - pos;
		pos += n + (nl != NULL);
		if (++lineno > TL_MIRROR_MAX_LINES) {
			say(why, why_n, "mirror map longer than %u lines", TL_MIRROR_MAX_LINES);
			e = VN_ERR_TOO_LARGE;
			goto out;
		}
		if (n > TL_MIRROR_MAX_LINE) {
			say(why, why_n, "mirror map line %zu longer than %u bytes", lineno,
			    TL_MIRROR_MAX_LINE);
			e = VN_ERR_TOO_LARGE;
			goto out;
		}
		if (n > 0 && p[n - 1] == '\r')	/* maps written on Windows */
			n--;
		while (s < n && is_blank(p[s]))
			s++;
		if (s == n || p[s] == '#')
			continue;
		e = parse_line(m, p + s, n - s, basedir, lineno, why, why_n);
		if (e != VN_OK)
			goto out;
	}
	if (m->n > 1)
		qsort(m->e, m->n, sizeof *m->e, cmp_entry);
	for (i = 1; i < m->n; i++) {
		if (strcmp(m->e[i - 1].url, m->e[i].url) == 0) {
			/* Two paths for one URL: which one was meant is unknown. */
			say(why, why_n, "mirror map names %.200s twice", m->e[i].url);
			e = VN_ERR_MALFORMED;
			goto out;
		}
	}
	*out = m;
	m = NULL;
out:
	tl_mirror_free(m);
	return e;
}

vn_err tl_mirror_load(const char *path, tl_mirror **out, char *why, size_t why_n)
{
	vn_buf b;
	char *dir = NULL;
	const char *slash;
	vn_err e;

	*out = NULL;
	vn_buf_init(&b, TL_MIRROR_MAX_BYTES);
	e = vn_buf_read_file(&b, path);
	if (e != VN_OK) {
		say(why, why_n, "mirror map %.200s: %s", path,
		    e == VN_ERR_TOO_LARGE ? "larger than the cap" : vn_err_str(e));
		goto out;
	}
	slash = strrchr(path, '/');
	if (slash == NULL)
		dir = dup_range(".", 1);
	else
		dir = dup_range(path, slash == path ? 1 : (size_t)(slash - path));
	if (dir == NULL) {
		e = VN_ERR_NOMEM;
		goto out;
	}
	e = tl_mirror_parse((const char *)b.data, b.len, dir, out, why, why_n);
out:
	free(dir);
	vn_buf_free(&b);
	return e;
}

vn_err tl_mirror_from_dir(const char *dir, tl_mirror **out)
{
	tl_mirror *m;

	*out = NULL;
	if (dir[0] == '\0' || strlen(dir) >= TL_MIRROR_PATH_MAX)
		return VN_ERR_ARG;
	m = calloc(1, sizeof *m);
	if (m == NULL)
		return VN_ERR_NOMEM;
	m->any_dir = strdup(dir);
	if (m->any_dir == NULL) {
		free(m);
		return VN_ERR_NOMEM;
	}
	*out = m;
	return VN_OK;
}

const char *tl_mirror_lookup(const tl_mirror *m, const char *url)
{
	mirror_entry key, *hit;

	if (m->n == 0)
		return NULL;
	key.url = (char *)url;
	key.path = NULL;
	hit = bsearch(&key, m->e, m->n, sizeof *m->e, cmp_entry);
	return hit ? hit->path : NULL;
}

vn_err tl_mirror_mangle(const char *url, char *out, size_t n)
{
	size_t i, len = strlen(url);

	if (len == 0 || len > MANGLED_MAX || len >= n)
		return VN_ERR_TOO_LARGE;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)url[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9');
		out[i] = alnum ? (char)c : '_';
	}
	out[len] = '\0';
	return VN_OK;
}

int tl_mirror_lookup_mangled(const char *dir, const char *url, char *path, size_t n)
{
	char name[MANGLED_MAX + 1];
	struct stat st;
	int k;

	if (n > 0)
		path[0] = '\0';
	if (tl_mirror_mangle(url, name, sizeof name) != VN_OK)
		return 0;
	k = snprintf(path, n, "%s%s%s", dir,
		     dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", name);
	if (k < 0 || (size_t)k >= n) {
		if (n > 0)
			path[0] = '\0';
		return 0;
	}
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		path[0] = '\0';
		return 0;
	}
	return 1;
}

vn_err tl_mirror_resolve(const tl_mirror *m, const char *url, char *path, size_t n,
			 int *found)
{
	const char *p;
	size_t len;

	*found = 0;
	if (n == 0)
		return VN_ERR_ARG;
	path[0] = '\0';
	p = tl_mirror_lookup(m, url);
	if (p != NULL) {
		len = strlen(p);
		if (len >= n)
			return VN_ERR_TOO_LARGE;
		memcpy(path, p, len + 1);
		*found = 1;
		return VN_OK;
	}
	if (m->any_dir != NULL && tl_mirror_lookup_mangled(m->any_dir, url, path, n))
		*found = 1;
	return VN_OK;
}
