#include "node/srv_conf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/vn_buf.h"
#include "common/vn_p256.h"
#include "node/srv_policy.h"

#define CONF_MAX_SIZE ((size_t)1 << 20)

void srv_conf_init(srv_conf *c)
{
	memset(c, 0, sizeof *c);
	v_trust_cfg_init(&c->trust);
	snprintf(c->listen_addr, sizeof c->listen_addr, "127.0.0.1");
	c->port = 8080;
	c->log_format = VN_LOG_HUMAN;
	c->log_level = VN_LOG_INFO;
	snprintf(c->policies[0], sizeof c->policies[0], "default");
	c->npolicies = 1;
	c->max_body = (size_t)16 << 20;
	c->max_json_depth = 32;
	c->request_time = 30;
	c->connection_timeout = 30;
	c->max_connections = 256;
	c->max_per_ip = 32;
	c->key_tables = VN_P256_TABLES_DEFAULT;
	c->timestamp_cache = 1024;
	c->revocation_memo = 1024;
	c->refresh_interval = 3600;
	c->before_next_update = 3600;
	c->max_age = 86400;
}

void srv_conf_free(srv_conf *c)
{
	if (c == NULL)
		return;
	free(c->path);
	free(c->id);
	free(c->key_path);
	v_trust_cfg_free(&c->trust);
	srv_conf_init(c);
}

/* A decimal number in [lo, hi], with an optional k/M suffix when sized. */
static int number(const char *v, unsigned long long lo, unsigned long long hi, int sized,
		  unsigned long long *out)
{
	char *end;
	unsigned long long n;

	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0)
		return -1;
	if (sized && (*end == 'k' || *end == 'K')) {
		n <<= 10;
		end++;
	} else if (sized && *end == 'M') {
		n <<= 20;
		end++;
	}
	if (*end != '\0' || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

static vn_err node_key(srv_conf *c, const char *dir, const char *k, char *v, char *err, size_t errlen)
{
	unsigned long long n;

	if (strcmp(k, "listen") == 0) {
		char *colon = strrchr(v, ':');
		struct in_addr a;
		if (colon == NULL)
			goto bad;
		*colon = '\0';
		if (inet_pton(AF_INET, v, &a) != 1 || number(colon + 1, 1, 65535, 0, &n) != 0 ||
		    strlen(v) >= sizeof c->listen_addr)
			goto bad;
		snprintf(c->listen_addr, sizeof c->listen_addr, "%s", v);
		c->port = (unsigned short)n;
	} else if (strcmp(k, "id") == 0) {
		free(c->id);
		c->id = strdup(v);
		if (c->id == NULL)
			return VN_ERR_NOMEM;
	} else if (strcmp(k, "key") == 0) {
		size_t len = strlen(dir) + strlen(v) + 2;
		free(c->key_path);
		c->key_path = malloc(len);
		if (c->key_path == NULL)
			return VN_ERR_NOMEM;
		if (v[0] == '/')
			snprintf(c->key_path, len, "%s", v);
		else
			snprintf(c->key_path, len, "%s/%s", dir, v);
	} else if (strcmp(k, "threads") == 0) {
		if (number(v, 0, 256, 0, &n) != 0)
			goto bad;
		c->threads = (unsigned)n;
	} else if (strcmp(k, "log-format") == 0) {
		if (strcmp(v, "json") == 0)
			c->log_format = VN_LOG_JSON;
		else if (strcmp(v, "human") == 0)
			c->log_format = VN_LOG_HUMAN;
		else
			goto bad;
	} else if (strcmp(k, "log-level") == 0) {
		int l = vn_log_level_parse(v);
		if (l < 0)
			goto bad;
		c->log_level = (vn_log_level)l;
	} else if (strcmp(k, "policies") == 0) {
		char *save = NULL, *w;
		v_policy p;
		c->npolicies = 0;
		for (w = strtok_r(v, " \t,", &save); w != NULL; w = strtok_r(NULL, " \t,", &save)) {
			if (srv_policy_find(w, &p) == NULL) {
				snprintf(err, errlen, "unknown policy '%s' (see: valnode policy show)", w);
				return VN_ERR_MALFORMED;
			}
			if (c->npolicies >= SRV_MAX_POLICIES || strlen(w) >= sizeof c->policies[0])
				goto bad;
			snprintf(c->policies[c->npolicies++], sizeof c->policies[0], "%s", w);
		}
		if (c->npolicies == 0)
			goto bad;
	} else {
		snprintf(err, errlen, "unknown key '%s' in [node]", k);
		return VN_ERR_MALFORMED;
	}
	return VN_OK;
bad:
	snprintf(err, errlen, "bad value for %s", k);
	return VN_ERR_MALFORMED;
}

static vn_err limits_key(srv_conf *c, const char *k, const char *v, char *err, size_t errlen)
{
	static const struct {
		const char *key;
		unsigned long long lo, hi;
		int sized;
	} t[] = {
		{"max-body", 1024, (unsigned long long)256 << 20, 1},
		{"max-json-depth", 2, 1000, 0},
		{"request-time", 1, 3600, 0},
		{"connection-timeout", 1, 3600, 0},
		{"max-connections", 1, 100000, 0},
		{"max-per-ip", 1, 100000, 0},
		{"key-tables", 0, VN_P256_TABLES, 0},
		{"timestamp-cache", 0, 1u << 20, 0},
		{"revocation-memo", 0, 1u << 20, 0},
	};
	unsigned long long n;
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(k, t[i].key) == 0)
			break;
	if (i == sizeof t / sizeof t[0]) {
		snprintf(err, errlen, "unknown key '%s' in [limits]", k);
		return VN_ERR_MALFORMED;
	}
	if (number(v, t[i].lo, t[i].hi, t[i].sized, &n) != 0) {
		snprintf(err, errlen, "%s must be a number from %llu to %llu%s", k, t[i].lo, t[i].hi,
			 t[i].sized ? " (k and M suffixes allowed)" : "");
		return VN_ERR_MALFORMED;
	}
	switch (i) {
	case 0: c->max_body = (size_t)n; break;
	case 1: c->max_json_depth = (size_t)n; break;
	case 2: c->request_time = (unsigned)n; break;
	case 3: c->connection_timeout = (unsigned)n; break;
	case 4: c->max_connections = (unsigned)n; break;
	case 5: c->max_per_ip = (unsigned)n; break;
	case 6: c->key_tables = (unsigned)n; break;
	case 7: c->timestamp_cache = (unsigned)n; break;
	default: c->revocation_memo = (unsigned)n; break;
	}
	return VN_OK;
}

static vn_err refresh_key(srv_conf *c, const char *k, const char *v, char *err, size_t errlen)
{
	unsigned long long n;
	unsigned *slot;

	if (strcmp(k, "interval") == 0)
		slot = &c->refresh_interval;
	else if (strcmp(k, "before-next-update") == 0)
		slot = &c->before_next_update;
	else if (strcmp(k, "max-age") == 0)
		slot = &c->max_age;
	else {
		snprintf(err, errlen, "unknown key '%s' in [refresh]", k);
		return VN_ERR_MALFORMED;
	}
	if (number(v, slot == &c->before_next_update ? 0 : 1, 366ull * 86400, 0, &n) != 0) {
		snprintf(err, errlen, "%s must be a number of seconds", k);
		return VN_ERR_MALFORMED;
	}
	*slot = (unsigned)n;
	return VN_OK;
}

vn_err srv_conf_load(const char *path, srv_conf *c, char *why, size_t whylen)
{
	enum { S_TOP, S_SCHEME, S_NODE, S_LIMITS, S_REFRESH } sect = S_TOP;
	char dirbuf[PATH_MAX], real[PATH_MAX], *dir, *line, *save = NULL, *text, err[192];
	unsigned lineno = 0;
	vn_buf b;
	vn_err e;

	vn_buf_init(&b, CONF_MAX_SIZE);
	/* The trust part first: it reports its own errors with lines. */
	e = v_trust_cfg_load(path, &c->trust, why, whylen);
	if (e != VN_OK)
		goto out;
	if (realpath(path, real) == NULL) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		e = VN_ERR_NOT_FOUND;
		goto out;
	}
	c->path = strdup(real);
	snprintf(dirbuf, sizeof dirbuf, "%s", real);
	dir = dirname(dirbuf);
	e = vn_buf_read_file(&b, path);
	if (e != VN_OK || c->path == NULL) {
		snprintf(why, whylen, "%s: %s", path, vn_err_str(e));
		goto out;
	}
	text = b.data ? (char *)b.data : (char *)"";
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char *k, *v, *eq;

		lineno++;
		line = v_cfg_trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		if (*line == '[') {
			if (strncmp(line, "[scheme", 7) == 0 && (line[7] == ' ' || line[7] == '\t'))
				sect = S_SCHEME;
			else if (strcmp(line, "[node]") == 0)
				sect = S_NODE;
			else if (strcmp(line, "[limits]") == 0)
				sect = S_LIMITS;
			else if (strcmp(line, "[refresh]") == 0)
				sect = S_REFRESH;
			else {
				snprintf(why, whylen, "%s:%u: unknown section %s (known: [scheme NAME], "
						      "[node], [limits], [refresh])", path, lineno, line);
				e = VN_ERR_MALFORMED;
				goto out;
			}
			continue;
		}
		if (sect == S_TOP || sect == S_SCHEME)
			continue;	/* v_trust_cfg_load checked these */
		eq = strchr(line, '=');
		if (eq == NULL) {
			snprintf(why, whylen, "%s:%u: expected key = value", path, lineno);
			e = VN_ERR_MALFORMED;
			goto out;
		}
		*eq = '\0';
		k = v_cfg_trim(line);
		v = v_cfg_trim(eq + 1);
		err[0] = '\0';
		e = sect == S_NODE     ? node_key(c, dir, k, v, err, sizeof err)
		    : sect == S_LIMITS ? limits_key(c, k, v, err, sizeof err)
				       : refresh_key(c, k, v, err, sizeof err);
		if (e != VN_OK) {
			snprintf(why, whylen, "%s:%u: %s", path, lineno, err[0] ? err : vn_err_str(e));
			goto out;
		}
	}
	if (c->key_path == NULL) {
		size_t len = strlen(dir) + sizeof "/node.key";
		c->key_path = malloc(len);
		if (c->key_path == NULL) {
			e = VN_ERR_NOMEM;
			goto out;
		}
		snprintf(c->key_path, len, "%s/node.key", dir);
	}
	e = VN_OK;
out:
	vn_buf_free(&b);
	return e;
}
