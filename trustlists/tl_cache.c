#include "trustlists/tl_cache.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct tl_cache {
	char *dir;		/* owned */
	size_t max_body;
	pthread_mutex_t lock;
};

/* "<dir>/<key>.meta" and the like fit in this. */
#define CACHE_PATH_MAX 4096u

void tl_cache_meta_init(tl_cache_meta *m)
{
	memset(m, 0, sizeof *m);
	m->fetched_at = VN_TIME_NONE;
	m->verified_at = VN_TIME_NONE;
	m->last_attempt = VN_TIME_NONE;
}

void tl_cache_meta_free(tl_cache_meta *m)
{
	if (m == NULL)
		return;
	free(m->url);
	free(m->etag);
	free(m->last_modified);
	free(m->last_error);
	tl_cache_meta_init(m);
}

/* ---- directory ---- */

/* mkdir -p, new components 0700. */
static vn_err make_dirs(const char *dir)
{
	char p[CACHE_PATH_MAX];
	size_t n = strlen(dir), i;
	struct stat st;

	if (n == 0 || n >= sizeof p)
		return VN_ERR_ARG;
	memcpy(p, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			return VN_ERR_IO;
		p[i] = i < n ? '/' : '\0';
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return VN_ERR_IO;
	return VN_OK;
}

vn_err tl_cache_open(const char *dir, tl_cache **out)
{
	tl_cache *c = NULL;
	vn_err e;

	*out = NULL;
	e = make_dirs(dir);
	if (e != VN_OK)
		return e;
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return VN_ERR_NOMEM;
	c->dir = strdup(dir);
	if (c->dir == NULL || pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c->dir);
		free(c);
		return VN_ERR_NOMEM;
	}
	c->max_body = TL_CACHE_MAX_BODY;
	*out = c;
	return VN_OK;
}

void tl_cache_set_max_body(tl_cache *c, size_t max)
{
	pthread_mutex_lock(&c->lock);
	c->max_body = max;
	pthread_mutex_unlock(&c->lock);
}

void tl_cache_close(tl_cache *c)
{
	if (c == NULL)
		return;
	pthread_mutex_destroy(&c->lock);
	free(c->dir);
	free(c);
}

/* ---- digests ---- */

static vn_err sha256_hex(const void *p, size_t n, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	if (EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return VN_ERR_CRYPTO;
	for (i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
	return VN_OK;
}

vn_err tl_cache_key(const char *url, char key[65])
{
	return sha256_hex(url, strlen(url), key);
}

static vn_err entry_path(const tl_cache *c, const char *url, const char *ext,
			 char *path, size_t n)
{
	char key[65];
	vn_err e = tl_cache_key(url, key);
	int k;

	if (e != VN_OK)
		return e;
	k = snprintf(path, n, "%s/%s.%s", c->dir, key, ext);
	return k < 0 || (size_t)k >= n ? VN_ERR_TOO_LARGE : VN_OK;
}

/* ---- meta JSON ---- */

static json_t *time_json(vn_time t)
{
	char buf[VN_TIME_BUFSZ];

	return t == VN_TIME_NONE ? json_null() : json_string(vn_time_format(t, buf));
}

static json_t *str_json(const char *s)
{
	return s ? json_string(s) : json_null();
}

static vn_err meta_write(const char *path, const tl_cache_meta *m)
{
	json_t *o = NULL;
	char seq[24];
	char *text = NULL;
	vn_err e = VN_ERR_NOMEM;

	(void)snprintf(seq, sizeof seq, "%" PRIu64, m->sequence);
	o = json_object();
	if (o == NULL ||
	    json_object_set_new(o, "url", str_json(m->url)) != 0 ||
	    json_object_set_new(o, "etag", str_json(m->etag)) != 0 ||
	    json_object_set_new(o, "last_modified", str_json(m->last_modified)) != 0 ||
	    json_object_set_new(o, "sha256", m->sha256[0] ? json_string(m->sha256) :
				json_null()) != 0 ||
	    json_object_set_new(o, "sequence", m->sequence ? json_string(seq) :
				json_null()) != 0 ||
	    json_object_set_new(o, "fetched_at", time_json(m->fetched_at)) != 0 ||
	    json_object_set_new(o, "verified_at", time_json(m->verified_at)) != 0 ||
	    json_object_set_new(o, "last_attempt", time_json(m->last_attempt)) != 0 ||
	    json_object_set_new(o, "last_error", str_json(m->last_error)) != 0)
		goto out;
	text = json_dumps(o, JSON_INDENT(1) | JSON_SORT_KEYS);
	if (text == NULL)
		goto out;
	e = vn_write_file_atomic(path, text, strlen(text), 0600);
out:
	free(text);
	json_decref(o);
	return e;
}

/* An optional string member: absent or null gives NULL; a non-string fails. */
static int get_str(json_t *o, const char *k, char **dst)
{
	json_t *v = json_object_get(o, k);

	*dst = NULL;
	if (v == NULL || json_is_null(v))
		return 1;
	if (!json_is_string(v))
		return 0;
	*dst = strdup(json_string_value(v));
	return *dst != NULL;
}

static int get_time(json_t *o, const char *k, vn_time *t)
{
	json_t *v = json_object_get(o, k);

	*t = VN_TIME_NONE;
	if (v == NULL || json_is_null(v))
		return 1;
	return json_is_string(v) &&
	       vn_time_parse(json_string_value(v), VN_TIME_RFC3339, t) == VN_OK;
}

static int get_seq(json_t *o, uint64_t *seq)
{
	json_t *v = json_object_get(o, "sequence");
	const char *s;
	uint64_t x = 0;

	*seq = 0;
	if (v == NULL || json_is_null(v))
		return 1;
	if (!json_is_string(v))
		return 0;
	s = json_string_value(v);
	if (*s == '\0' || strlen(s) > 20)
		return 0;
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (*s < '0' || *s > '9' || x > (UINT64_MAX - d) / 10)
			return 0;
		x = x * 10 + d;
	}
	*seq = x;
	return 1;
}

static int is_hex64(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

/* Read <key>.meta into m. VN_ERR_NOT_FOUND when absent, VN_ERR_MALFORMED
 * when it is not our JSON. */
static vn_err meta_read(const char *path, tl_cache_meta *m)
{
	vn_buf b;
	json_t *o = NULL;
	json_error_t jerr;
	char *sha = NULL;
	vn_err e;

	vn_buf_init(&b, TL_CACHE_MAX_META);
	e = vn_buf_read_file(&b, path);
	if (e != VN_OK)
		goto out;
	o = json_loadb((const char *)b.data, b.len, JSON_REJECT_DUPLICATES, &jerr);
	e = VN_ERR_MALFORMED;
	if (o == NULL || !json_is_object(o))
		goto out;
	if (!get_str(o, "url", &m->url) || m->url == NULL ||
	    !get_str(o, "etag", &m->etag) || !get_str(o, "last_modified", &m->last_modified) ||
	    !get_str(o, "last_error", &m->last_error) || !get_str(o, "sha256", &sha) ||
	    !get_seq(o, &m->sequence) || !get_time(o, "fetched_at", &m->fetched_at) ||
	    !get_time(o, "verified_at", &m->verified_at) ||
	    !get_time(o, "last_attempt", &m->last_attempt))
		goto out;
	if (sha != NULL) {
		if (!is_hex64(sha))
			goto out;
		memcpy(m->sha256, sha, 65);
	}
	e = VN_OK;
out:
	free(sha);
	json_decref(o);
	vn_buf_free(&b);
	return e;
}

/* ---- operations ---- */

static vn_err get_locked(tl_cache *c, const char *url, vn_buf *body, tl_cache_meta *m)
{
	char path[CACHE_PATH_MAX], sha[65];
	vn_err e;

	e = entry_path(c, url, "meta", path, sizeof path);
	if (e != VN_OK)
		return e;
	e = meta_read(path, m);
	if (e == VN_ERR_MALFORMED) {
		tl_cache_meta_free(m);
		(void)snprintf(m->problem, sizeof m->problem, "the cached metadata is unreadable");
		return VN_ERR_NOT_FOUND;
	}
	if (e != VN_OK)
		return e;
	if (strcmp(m->url, url) != 0) {
		tl_cache_meta_free(m);
		(void)snprintf(m->problem, sizeof m->problem,
			       "the cached metadata belongs to another URL");
		return VN_ERR_NOT_FOUND;
	}
	if (m->sha256[0] == '\0')	/* only failure notes so far */
		return VN_ERR_NOT_FOUND;
	e = entry_path(c, url, "xml", path, sizeof path);
	if (e != VN_OK)
		return e;
	e = vn_buf_read_file(body, path);
	if (e == VN_ERR_NOT_FOUND || e == VN_ERR_TOO_LARGE) {
		(void)snprintf(m->problem, sizeof m->problem, "the cached list is %s",
			       e == VN_ERR_NOT_FOUND ? "missing" : "larger than the cap");
		vn_buf_free(body);
		return VN_ERR_NOT_FOUND;
	}
	if (e != VN_OK)
		return e;
	e = sha256_hex(body->data, body->len, sha);
	if (e != VN_OK)
		return e;
	if (strcmp(sha, m->sha256) != 0) {
		/* Altered on disk, or a crash between the two renames of a put. */
		(void)snprintf(m->problem, sizeof m->problem,
			       "the cached list does not match its recorded SHA-256");
		vn_buf_free(body);
		return VN_ERR_NOT_FOUND;
	}
	return VN_OK;
}

vn_err tl_cache_get(tl_cache *c, const char *url, vn_buf *body, tl_cache_meta *meta)
{
	tl_cache_meta local;
	tl_cache_meta *m = meta ? meta : &local;
	vn_err e;

	vn_buf_init(body, 0);
	tl_cache_meta_init(m);
	pthread_mutex_lock(&c->lock);
	body->max = c->max_body;
	e = get_locked(c, url, body, m);
	pthread_mutex_unlock(&c->lock);
	if (e != VN_OK)
		vn_buf_free(body);
	if (m == &local)
		tl_cache_meta_free(&local);
	return e;
}

static char *dup_or_null(const char *s, int *nomem)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*nomem = 1;
	return d;
}

vn_err tl_cache_put(tl_cache *c, const char *url, const void *body, size_t len,
		    const tl_cache_meta *meta)
{
	tl_cache_meta m;
	char path[CACHE_PATH_MAX];
	size_t max;
	int nomem = 0;
	vn_err e;

	tl_cache_meta_init(&m);
	if (body == NULL && len > 0)
		return VN_ERR_ARG;
	/* What could not be read back is not stored. */
	pthread_mutex_lock(&c->lock);
	max = c->max_body;
	pthread_mutex_unlock(&c->lock);
	if (len > max)
		return VN_ERR_TOO_LARGE;
	if (meta != NULL) {
		m.etag = dup_or_null(meta->etag, &nomem);
		m.last_modified = dup_or_null(meta->last_modified, &nomem);
		m.last_error = dup_or_null(meta->last_error, &nomem);
		m.sequence = meta->sequence;
		m.fetched_at = meta->fetched_at;
		m.verified_at = meta->verified_at;
		m.last_attempt = meta->last_attempt;
	}
	m.url = dup_or_null(url, &nomem);
	if (nomem) {
		e = VN_ERR_NOMEM;
		goto out;
	}
	e = sha256_hex(body ? body : "", len, m.sha256);
	if (e != VN_OK)
		goto out;
	pthread_mutex_lock(&c->lock);
	e = entry_path(c, url, "xml", path, sizeof path);
	if (e == VN_OK)
		e = vn_write_file_atomic(path, body ? body : "", len, 0600);
	if (e == VN_OK)
		e = entry_path(c, url, "meta", path, sizeof path);
	if (e == VN_OK)
		e = meta_write(path, &m);
	pthread_mutex_unlock(&c->lock);
out:
	tl_cache_meta_free(&m);
	return e;
}

vn_err tl_cache_note_failure(tl_cache *c, const char *url, const char *reason,
			     vn_time when)
{
	tl_cache_meta m;
	char path[CACHE_PATH_MAX];
	char *r = NULL;
	vn_err e;

	tl_cache_meta_init(&m);
	pthread_mutex_lock(&c->lock);
	e = entry_path(c, url, "meta", path, sizeof path);
	if (e != VN_OK)
		goto out;
	e = meta_read(path, &m);
	if (e == VN_OK && strcmp(m.url, url) != 0)
		e = VN_ERR_MALFORMED;
	if (e == VN_ERR_NOT_FOUND || e == VN_ERR_MALFORMED) {
		/* Nothing usable stored: a meta with the failure alone. */
		tl_cache_meta_free(&m);
		m.url = strdup(url);
		e = m.url ? VN_OK : VN_ERR_NOMEM;
	}
	if (e != VN_OK)
		goto out;
	r = strdup(reason);
	if (r == NULL) {
		e = VN_ERR_NOMEM;
		goto out;
	}
	free(m.last_error);
	m.last_error = r;
	m.last_attempt = when;
	e = meta_write(path, &m);
out:
	pthread_mutex_unlock(&c->lock);
	tl_cache_meta_free(&m);
	return e;
}

vn_err tl_cache_note_current(tl_cache *c, const char *url, const char *sha256,
			     const char *etag, const char *last_modified, vn_time when)
{
	tl_cache_meta m;
	char path[CACHE_PATH_MAX];
	char *et = NULL, *lm = NULL;
	vn_err e;

	tl_cache_meta_init(&m);
	if ((etag != NULL && (et = strdup(etag)) == NULL) ||
	    (last_modified != NULL && (lm = strdup(last_modified)) == NULL)) {
		free(et);
		return VN_ERR_NOMEM;
	}
	pthread_mutex_lock(&c->lock);
	e = entry_path(c, url, "meta", path, sizeof path);
	if (e != VN_OK)
		goto out;
	e = meta_read(path, &m);
	if (e == VN_ERR_MALFORMED)
		e = VN_ERR_NOT_FOUND;
	if (e != VN_OK)
		goto out;
	/* The validators describe the body the caller verified, no other. */
	if (strcmp(m.url, url) != 0 || m.sha256[0] == '\0' || strcmp(m.sha256, sha256) != 0) {
		e = VN_ERR_NOT_FOUND;
		goto out;
	}
	if (et != NULL) {
		free(m.etag);
		m.etag = et;
		et = NULL;
	}
	if (lm != NULL) {
		free(m.last_modified);
		m.last_modified = lm;
		lm = NULL;
	}
	free(m.last_error);
	m.last_error = NULL;
	m.last_attempt = when;
	m.verified_at = when;
	e = meta_write(path, &m);
out:
	pthread_mutex_unlock(&c->lock);
	free(et);
	free(lm);
	tl_cache_meta_free(&m);
	return e;
}

/* ---- the replacement policy ---- */

tl_cache_decision tl_cache_decide(int have_cached, uint64_t cached_seq, int new_valid,
				  uint64_t new_seq)
{
	if (!new_valid)
		return have_cached ? TL_CACHE_KEEP_OLD_INVALID : TL_CACHE_NONE_VALID;
	if (!have_cached)
		return TL_CACHE_ACCEPT_NEW;
	/* TSLSequenceNumber increases with every issue (TS 119 612 5.3.3): a
	 * lower one is an old list replayed, even with a valid signature. */
	if (new_seq < cached_seq)
		return TL_CACHE_KEEP_OLD_ROLLBACK;
	if (new_seq == cached_seq)
		return TL_CACHE_KEEP_OLD_SAME;
	return TL_CACHE_ACCEPT_NEW;
}

const char *tl_cache_decision_name(tl_cache_decision d)
{
	switch (d) {
	case TL_CACHE_ACCEPT_NEW: return "accept-new";
	case TL_CACHE_KEEP_OLD_INVALID: return "keep-old-invalid";
	case TL_CACHE_KEEP_OLD_ROLLBACK: return "keep-old-rollback";
	case TL_CACHE_KEEP_OLD_SAME: return "keep-old-same";
	case TL_CACHE_NONE_VALID: return "none-valid";
	}
	return "unknown";
}
