#include "trustlists/tl_fetch.h"

#include <curl/curl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#ifndef VN_VERSION
#define VN_VERSION "0"
#endif

/* A URL longer than this is not one we were configured with. */
#define URL_MAX 8192u

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init_once(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void tl_fetch_opts_init(tl_fetch_opts *o)
{
	memset(o, 0, sizeof *o);
	o->max_body = TL_FETCH_MAX_BODY_DEFAULT;
	o->timeout_ms = TL_FETCH_TIMEOUT_MS_DEFAULT;
	o->connect_timeout_ms = TL_FETCH_CONNECT_MS_DEFAULT;
	o->max_redirects = TL_FETCH_REDIRECTS_DEFAULT;
}

void tl_fetch_result_init(tl_fetch_result *r)
{
	memset(r, 0, sizeof *r);
	vn_buf_init(&r->body, 0);
}

void tl_fetch_result_free(tl_fetch_result *r)
{
	if (r == NULL)
		return;
	vn_buf_free(&r->body);
	free(r->etag);
	free(r->last_modified);
	free(r->content_type);
	free(r->effective_url);
	r->etag = r->last_modified = r->content_type = r->effective_url = NULL;
}

static vn_err fail(tl_fetch_result *out, vn_err e, const char *fmt, ...) VN_PRINTF(3, 4);
static vn_err fail(tl_fetch_result *out, vn_err e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(out->error, sizeof out->error, fmt, ap);
	va_end(ap);
	return e;
}

static void say(char *why, size_t n, const char *msg)
{
	if (why != NULL && n > 0)
		(void)snprintf(why, n, "%s", msg);
}

/* ---- body checks ---- */

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int starts_ci(const unsigned char *p, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n >= k && strncasecmp((const char *)p, lit, k) == 0;
}

/* The media type of a Content-Type value, lower-cased, without parameters. */
static void media_type(const char *ct, char *mt, size_t n)
{
	size_t i = 0, j = 0;

	while (ct[i] == ' ' || ct[i] == '\t')
		i++;
	while (ct[i] != '\0' && ct[i] != ';' && ct[i] != ' ' && ct[i] != '\t' && j + 1 < n) {
		char c = ct[i++];
		mt[j++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	mt[j] = '\0';
}

vn_err tl_fetch_check_body(const unsigned char *p, size_t n, const char *content_type,
			   char *why, size_t why_n)
{
	size_t i = 0;

	if (content_type != NULL) {
		char mt[64];

		media_type(content_type, mt, sizeof mt);
		if (strcmp(mt, "text/html") == 0 || strcmp(mt, "application/xhtml+xml") == 0) {
			say(why, why_n, "the server answered with an HTML page, not a list");
			return VN_ERR_MALFORMED;
		}
		if (strcmp(mt, "application/pdf") == 0) {
			say(why, why_n, "the server answered with a PDF document, not an XML list");
			return VN_ERR_MALFORMED;
		}
	}
	if (p == NULL || n == 0) {
		say(why, why_n, "the body is empty");
		return VN_ERR_MALFORMED;
	}
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)	/* UTF-8 BOM */
		i = 3;
	while (i < n && is_ws(p[i]))
		i++;
	if (i == n) {
		say(why, why_n, "the body is blank");
		return VN_ERR_MALFORMED;
	}
	if (starts_ci(p + i, n - i, "%PDF-")) {
		say(why, why_n, "the body is a PDF document, not an XML list");
		return VN_ERR_MALFORMED;
	}
	if (p[i] != '<') {
		say(why, why_n, "the body does not start with '<': not XML");
		return VN_ERR_MALFORMED;
	}
	/* An XHTML page may open with an XML declaration: look past it. */
	if (starts_ci(p + i, n - i, "<?xml")) {
		size_t j = i + 5;

		while (j + 1 < n && !(p[j] == '?' && p[j + 1] == '>'))
			j++;
		if (j + 1 < n) {
			i = j + 2;
			while (i < n && is_ws(p[i]))
				i++;
		}
	}
	if (starts_ci(p + i, n - i, "<!doctype html") ||
	    (starts_ci(p + i, n - i, "<html") &&
	     (n - i == 5 || is_ws(p[i + 5]) || p[i + 5] == '>' || p[i + 5] == '/'))) {
		say(why, why_n, "the body is an HTML page, not a list");
		return VN_ERR_MALFORMED;
	}
	return VN_OK;
}

/* ---- URLs ---- */

enum scheme { SCHEME_OTHER, SCHEME_HTTPS, SCHEME_HTTP, SCHEME_FILE };

static enum scheme url_scheme(const char *url)
{
	if (strncasecmp(url, "https://", 8) == 0)
		return SCHEME_HTTPS;
	if (strncasecmp(url, "http://", 7) == 0)
		return SCHEME_HTTP;
	if (strncasecmp(url, "file:", 5) == 0)
		return SCHEME_FILE;
	return SCHEME_OTHER;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* file:///p, file://localhost/p or file:/p (RFC 8089) to a local path,
 * percent-decoded. A remote host, a query, %00 or a bad escape is refused. */
static vn_err file_url_path(const char *url, char *path, size_t n, const char **why)
{
	const char *p = url + 5, *s;
	size_t j = 0;

	if (strncmp(p, "//", 2) == 0) {
		p += 2;
		s = strchr(p, '/');
		if (s == NULL) {
			*why = "file: URL without a path";
			return VN_ERR_ARG;
		}
		if (s != p && !((size_t)(s - p) == 9 && strncasecmp(p, "localhost", 9) == 0)) {
			*why = "file: URL names a remote host";
			return VN_ERR_UNSUPPORTED;
		}
		p = s;
	}
	if (*p != '/') {
		*why = "file: URL without an absolute path";
		return VN_ERR_ARG;
	}
	if (strpbrk(p, "?#") != NULL) {
		*why = "file: URL with a query or fragment";
		return VN_ERR_ARG;
	}
	for (; *p != '\0'; p++) {
		char c = *p;

		if (c == '%') {
			int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				*why = "file: URL with a bad percent escape";
				return VN_ERR_ARG;
			}
			c = (char)(hi * 16 + lo);
			p += 2;
		}
		if (j + 1 >= n) {
			*why = "file: URL path too long";
			return VN_ERR_TOO_LARGE;
		}
		path[j++] = c;
	}
	path[j] = '\0';
	return VN_OK;
}

static int url_chars_ok(const char *url)
{
	for (; *url != '\0'; url++) {
		unsigned char c = (unsigned char)*url;
		if (c <= 0x20 || c == 0x7f)
			return 0;
	}
	return 1;
}

/* ---- local reads: file: URLs and mirror paths ---- */

static vn_err read_local(const char *path, size_t cap, tl_fetch_result *out)
{
	struct stat st;
	vn_err e;

	if (stat(path, &st) != 0)
		return fail(out, VN_ERR_NOT_FOUND, "cannot read %.200s: no such file", path);
	if (!S_ISREG(st.st_mode))
		return fail(out, VN_ERR_IO, "cannot read %.200s: not a regular file", path);
	if ((unsigned long long)st.st_size > (unsigned long long)cap)
		return fail(out, VN_ERR_TOO_LARGE, "%.200s is larger than the %zu-byte cap",
			    path, cap);
	vn_buf_free(&out->body);
	vn_buf_init(&out->body, cap);
	e = vn_buf_read_file(&out->body, path);
	if (e == VN_ERR_TOO_LARGE)	/* grew since stat */
		return fail(out, e, "%.200s is larger than the %zu-byte cap", path, cap);
	if (e != VN_OK)
		return fail(out, e, "cannot read %.200s: %s", path, vn_err_str(e));
	out->effective_url = strdup(path);
	if (out->effective_url == NULL)
		return fail(out, VN_ERR_NOMEM, "out of memory");
	return VN_OK;
}

/* ---- libcurl transfers ---- */

typedef struct xfer {
	vn_buf *body;
	int too_large;
	int nomem;
} xfer;

/* Abort as soon as the cap is passed: returning less than given makes libcurl
 * stop the transfer with CURLE_WRITE_ERROR. */
static size_t on_write(char *p, size_t size, size_t nmemb, void *ud)
{
	xfer *x = ud;
	size_t n = size * nmemb;
	vn_err e;

	e = vn_buf_append(x->body, p, n);
	if (e == VN_ERR_TOO_LARGE) {
		x->too_large = 1;
		return 0;
	}
	if (e != VN_OK) {
		x->nomem = 1;
		return 0;
	}
	return n;
}

/* A validator fit to store and send back: printable, no CR/LF, bounded. */
static int validator_ok(const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n > TL_FETCH_VALIDATOR_MAX)
		return 0;
	for (; *v != '\0'; v++) {
		unsigned char c = (unsigned char)*v;
		if (c < 0x20 || c == 0x7f)
			return 0;
	}
	return 1;
}

static vn_err keep_header(CURL *h, const char *name, char **dst)
{
	struct curl_header *hh = NULL;

	if (curl_easy_header(h, name, 0, CURLH_HEADER, -1, &hh) != CURLHE_OK || hh == NULL)
		return VN_OK;
	if (!validator_ok(hh->value))
		return VN_OK;	/* a hostile or broken value is dropped, not sent back */
	*dst = strdup(hh->value);
	return *dst ? VN_OK : VN_ERR_NOMEM;
}

static int is_tls_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_USE_SSL_FAILED:
		return 1;
	default:
		return 0;
	}
}

static vn_err map_curl_error(CURL *h, CURLcode rc, const xfer *x, const char *errbuf,
			     size_t cap, tl_fetch_result *out)
{
	const char *detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);
	char *loc = NULL;

	if (rc == CURLE_WRITE_ERROR && x->too_large)
		return fail(out, VN_ERR_TOO_LARGE, "the body passed the %zu-byte cap; "
			    "transfer aborted", cap);
	if (rc == CURLE_WRITE_ERROR && x->nomem)
		return fail(out, VN_ERR_NOMEM, "out of memory while receiving the body");
	if (rc == CURLE_FILESIZE_EXCEEDED)
		return fail(out, VN_ERR_TOO_LARGE, "the declared Content-Length is over the "
			    "%zu-byte cap; not read", cap);
	if (rc == CURLE_HTTP_RETURNED_ERROR)
		return fail(out, VN_ERR_UNAVAILABLE, "the server answered HTTP %ld", out->status);
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return fail(out, VN_ERR_TIMEOUT, "timed out: %.200s", detail);
	if (rc == CURLE_OUT_OF_MEMORY)
		return fail(out, VN_ERR_NOMEM, "out of memory");
	if (rc == CURLE_URL_MALFORMAT)
		return fail(out, VN_ERR_ARG, "malformed URL: %.200s", detail);
	if (is_tls_error(rc))
		return fail(out, VN_ERR_UNAVAILABLE, "TLS failure: %.200s", detail);
	if (rc == CURLE_UNSUPPORTED_PROTOCOL) {
		/* The first URL's scheme was checked: this is a redirect target. */
		(void)curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &loc);
		return fail(out, VN_ERR_UNAVAILABLE, "refused a redirect to a scheme that is "
			    "not allowed (%.120s)", loc ? loc : detail);
	}
	if (rc == CURLE_TOO_MANY_REDIRECTS)
		return fail(out, VN_ERR_UNAVAILABLE, "too many redirects");
	return fail(out, VN_ERR_UNAVAILABLE, "unreachable: %.200s", detail);
}

static long or_default(long v, long def)
{
	return v > 0 ? v : def;
}

static vn_err curl_fetch(const char *url, int http_ok, const tl_fetch_opts *o, size_t cap,
			 tl_fetch_result *out)
{
	CURL *h = NULL;
	struct curl_slist *hdrs = NULL, *nh;
	char errbuf[CURL_ERROR_SIZE];
	char line[TL_FETCH_VALIDATOR_MAX + 32];
	const char *protos = http_ok ? "https,http" : "https";
	char *s = NULL;
	xfer x;
	CURLcode rc;
	int conditional = 0;
	vn_err e = VN_OK;

	pthread_once(&curl_once, curl_init_once);
	if (curl_init_rc != CURLE_OK)
		return fail(out, VN_ERR_INTERNAL, "libcurl could not be initialised");
	vn_buf_free(&out->body);
	vn_buf_init(&out->body, cap);
	memset(&x, 0, sizeof x);
	x.body = &out->body;
	errbuf[0] = '\0';

	/* Conditional GET (RFC 9110 13.1): send back what the server gave. */
	if (o->etag != NULL) {
		if (!validator_ok(o->etag))
			return fail(out, VN_ERR_ARG, "the stored ETag is not a valid header value");
		(void)snprintf(line, sizeof line, "If-None-Match: %s", o->etag);
		if ((nh = curl_slist_append(hdrs, line)) == NULL)
			goto nomem;
		hdrs = nh;
		conditional = 1;
	}
	if (o->last_modified != NULL) {
		if (!validator_ok(o->last_modified)) {
			e = fail(out, VN_ERR_ARG, "the stored Last-Modified is not a valid value");
			goto out;
		}
		(void)snprintf(line, sizeof line, "If-Modified-Since: %s", o->last_modified);
		if ((nh = curl_slist_append(hdrs, line)) == NULL)
			goto nomem;
		hdrs = nh;
		conditional = 1;
	}

	h = curl_easy_init();
	if (h == NULL)
		goto nomem;
	if (curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, protos) != CURLE_OK ||
	    /* file: is never a redirect target (it would read local files). */
	    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, protos) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, o->max_redirects > 0 ? 1L : 0L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_MAXREDIRS, o->max_redirects > 0 ? o->max_redirects : 0L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
			     or_default(o->timeout_ms, TL_FETCH_TIMEOUT_MS_DEFAULT)) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			     or_default(o->connect_timeout_ms, TL_FETCH_CONNECT_MS_DEFAULT)) != CURLE_OK ||
	    /* A declared Content-Length over the cap is refused before reading. */
	    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cap) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEDATA, &x) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_USERAGENT, "valnode/" VN_VERSION) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK) {
		e = fail(out, VN_ERR_INTERNAL, "libcurl refused an option");
		goto out;
	}
	if (o->ca_file != NULL) {
		/* Only the given CA: no system directory beside it. */
		if (curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_file) != CURLE_OK ||
		    curl_easy_setopt(h, CURLOPT_CAPATH, o->ca_path) != CURLE_OK) {
			e = fail(out, VN_ERR_INTERNAL, "libcurl refused the CA file");
			goto out;
		}
	} else if (o->ca_path != NULL &&
		   curl_easy_setopt(h, CURLOPT_CAPATH, o->ca_path) != CURLE_OK) {
		e = fail(out, VN_ERR_INTERNAL, "libcurl refused the CA path");
		goto out;
	}

	rc = curl_easy_perform(h);
	(void)curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
	if (rc != CURLE_OK) {
		e = map_curl_error(h, rc, &x, errbuf, cap, out);
		goto out;
	}
	if (curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &s) == CURLE_OK && s != NULL &&
	    (out->effective_url = strdup(s)) == NULL)
		goto nomem;
	s = NULL;
	if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &s) == CURLE_OK && s != NULL &&
	    (out->content_type = strdup(s)) == NULL)
		goto nomem;
	if (keep_header(h, "ETag", &out->etag) != VN_OK ||
	    keep_header(h, "Last-Modified", &out->last_modified) != VN_OK)
		goto nomem;
	if (out->status == 304) {
		if (!conditional) {
			e = fail(out, VN_ERR_UNAVAILABLE, "HTTP 304 to an unconditional request");
			goto out;
		}
		vn_buf_reset(&out->body);
		out->not_modified = 1;
		goto out;
	}
	/* 206 would be a fragment of a list: we never ask for ranges. */
	if (out->status < 200 || out->status > 299 || out->status == 206) {
		e = fail(out, VN_ERR_UNAVAILABLE, "the server answered HTTP %ld", out->status);
		goto out;
	}
	goto out;
nomem:
	e = fail(out, VN_ERR_NOMEM, "out of memory");
out:
	curl_easy_cleanup(h);
	curl_slist_free_all(hdrs);
	return e;
}

/* ---- the entry points ---- */

/* Fetch url with a body cap; with expect_xml the body must look like a list.
 * *not_covered is set when the URL was refused only because a mirror-only or
 * offline run lacks it. */
static vn_err fetch_any(const char *url, const tl_fetch_opts *o, tl_fetch_result *out,
			size_t cap, int expect_xml, int *not_covered)
{
	char path[TL_MIRROR_PATH_MAX];
	const char *why = NULL;
	enum scheme sc;
	int found = 0;
	vn_err e;

	*not_covered = 0;
	if (strlen(url) > URL_MAX || !url_chars_ok(url))
		return fail(out, VN_ERR_ARG, "the URL is too long or holds spaces or control "
			    "characters");
	sc = url_scheme(url);
	if (o->mirror != NULL) {
		e = tl_mirror_resolve(o->mirror, url, path, sizeof path, &found);
		if (e != VN_OK)
			return fail(out, e, "mirror path for %.120s is too long", url);
	}
	if (found) {
		/* The network is never touched for a URL the mirror covers. */
		out->from_mirror = 1;
		e = read_local(path, cap, out);
	} else if (sc == SCHEME_FILE) {
		e = file_url_path(url, path, sizeof path, &why);
		if (e != VN_OK)
			return fail(out, e, "%s", why);
		e = read_local(path, cap, out);
	} else if (sc == SCHEME_OTHER) {
		return fail(out, VN_ERR_UNSUPPORTED, "unsupported URL scheme (https and file "
			    "only)");
	} else if (sc == SCHEME_HTTP && !o->allow_http) {
		return fail(out, VN_ERR_UNSUPPORTED, "plain http is not allowed; use https");
	} else if (o->mirror != NULL && o->mirror_only) {
		*not_covered = 1;
		return fail(out, VN_ERR_UNAVAILABLE, "unreachable: not in the mirror map");
	} else if (o->offline) {
		*not_covered = 1;
		return fail(out, VN_ERR_UNAVAILABLE, "unreachable: offline and not in the "
			    "mirror map");
	} else {
		e = curl_fetch(url, sc == SCHEME_HTTP, o, cap, out);
	}
	if (e != VN_OK || out->not_modified || !expect_xml)
		return e;
	{
		char reason[160];

		e = tl_fetch_check_body(out->body.data, out->body.len, out->content_type,
					reason, sizeof reason);
		if (e != VN_OK)
			return fail(out, e, "%s", reason);
	}
	return VN_OK;
}

vn_err tl_fetch(const char *url, const tl_fetch_opts *opts, tl_fetch_result *out)
{
	tl_fetch_opts def;
	int not_covered;
	vn_err e;

	tl_fetch_result_init(out);
	if (opts == NULL) {
		tl_fetch_opts_init(&def);
		opts = &def;
	}
	e = fetch_any(url, opts, out, opts->max_body ? opts->max_body :
		      TL_FETCH_MAX_BODY_DEFAULT, 1, &not_covered);
	if (e != VN_OK)	/* never hand out a partial or refused body */
		vn_buf_free(&out->body);
	return e;
}

vn_err tl_fetch_sha2_url(const char *xml_url, char *out, size_t n)
{
	size_t end = strcspn(xml_url, "?#"), path_start = 0, cut, i;
	const char *auth = strstr(xml_url, "://");
	int k;

	if (auth != NULL && (size_t)(auth - xml_url) < end) {
		const char *slash = strchr(auth + 3, '/');
		path_start = slash && (size_t)(slash - xml_url) < end ?
			(size_t)(slash - xml_url) : end;
	}
	cut = end;
	for (i = end; i > path_start; i--) {
		if (xml_url[i - 1] == '/')
			break;
		if (xml_url[i - 1] == '.') {
			cut = i - 1;
			break;
		}
	}
	if (cut > (size_t)INT_MAX)
		return VN_ERR_TOO_LARGE;
	k = snprintf(out, n, "%.*s.sha2", (int)cut, xml_url);
	if (k < 0 || (size_t)k >= n)
		return VN_ERR_TOO_LARGE;
	return VN_OK;
}

vn_err tl_sha2_parse(const unsigned char *p, size_t n, unsigned char digest[32])
{
	size_t i;

	if (p == NULL)
		return VN_ERR_MALFORMED;
	if (n == 32) {
		memcpy(digest, p, 32);
		return VN_OK;
	}
	while (n > 0 && is_ws(p[0])) {
		p++;
		n--;
	}
	while (n > 0 && is_ws(p[n - 1]))
		n--;
	if (n != 64)
		return VN_ERR_MALFORMED;
	for (i = 0; i < 32; i++) {
		int hi = hexval((char)p[2 * i]), lo = hexval((char)p[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return VN_ERR_MALFORMED;
		digest[i] = (unsigned char)(hi * 16 + lo);
	}
	return VN_OK;
}

vn_err tl_fetch_sha2_ex(const char *xml_url, const tl_fetch_opts *opts,
			unsigned char digest[32], int *found, char *why, size_t why_n)
{
	tl_fetch_opts o;
	tl_fetch_result r;
	char url[URL_MAX + 8];
	int not_covered = 0;
	vn_err e;

	*found = 0;
	tl_fetch_result_init(&r);
	if (opts != NULL)
		o = *opts;
	else
		tl_fetch_opts_init(&o);
	/* The validators belong to the list, not to its digest. */
	o.etag = o.last_modified = NULL;
	e = tl_fetch_sha2_url(xml_url, url, sizeof url);
	if (e != VN_OK) {
		say(why, why_n, "the URL is too long");
		goto out;
	}
	e = fetch_any(url, &o, &r, TL_FETCH_SHA2_MAX, 0, &not_covered);
	/* The digest is optional (DSS falls back to the full download). */
	if ((e == VN_ERR_UNAVAILABLE && (r.status == 404 || r.status == 410 || not_covered)) ||
	    e == VN_ERR_NOT_FOUND) {
		e = VN_OK;
		goto out;
	}
	if (e != VN_OK) {
		say(why, why_n, r.error);
		goto out;
	}
	if (r.content_type != NULL) {
		char mt[64];

		media_type(r.content_type, mt, sizeof mt);
		if (strcmp(mt, "text/html") == 0) {
			say(why, why_n, "the .sha2 URL answered with an HTML page");
			e = VN_ERR_MALFORMED;
			goto out;
		}
	}
	e = tl_sha2_parse(r.body.data, r.body.len, digest);
	if (e != VN_OK) {
		say(why, why_n, "the .sha2 file is neither 32 bytes nor 64 hex digits");
		goto out;
	}
	*found = 1;
out:
	tl_fetch_result_free(&r);
	return e;
}

vn_err tl_fetch_sha2(const char *xml_url, const tl_fetch_opts *opts,
		     unsigned char digest[32], int *found)
{
	return tl_fetch_sha2_ex(xml_url, opts, digest, found, NULL, 0);
}
