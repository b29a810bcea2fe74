#include "node/v_config.h"

#include <ctype.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/vn_buf.h"
#include "trustlists/tl_cache.h"
#include "trustlists/tl_mirror.h"
#include "trustlists/tl_sig.h"
#include "trustlists/tl_snapshot.h"
#include "trustlists/tl_walk.h"

#define CFG_MAX_SIZE ((size_t)1 << 20)

void v_trust_cfg_init(v_trust_cfg *c)
{
	memset(c, 0, sizeof *c);
}

void v_trust_cfg_free(v_trust_cfg *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->mirror);
	free(c->cache);
	free(c->ca_file);
	for (i = 0; i < c->nschemes; i++) {
		free(c->schemes[i].name);
		free(c->schemes[i].url);
		sk_X509_pop_free(c->schemes[i].signers, X509_free);
	}
	free(c->schemes);
	v_trust_cfg_init(c);
}

vn_err v_trust_cfg_add(v_trust_cfg *c, const char *name, const char *url, int is_lotl,
		       STACK_OF(X509) *signers)
{
	v_scheme_cfg *ns;

	if (c->nschemes >= V_MAX_SCHEMES) {
		sk_X509_pop_free(signers, X509_free);
		return VN_ERR_TOO_LARGE;
	}
	ns = realloc(c->schemes, (c->nschemes + 1) * sizeof *ns);
	if (ns == NULL) {
		sk_X509_pop_free(signers, X509_free);
		return VN_ERR_NOMEM;
	}
	c->schemes = ns;
	ns = &ns[c->nschemes];
	memset(ns, 0, sizeof *ns);
	ns->name = strdup(name ? name : url);
	ns->url = strdup(url);
	ns->is_lotl = is_lotl;
	ns->signers = signers;
	c->nschemes++;
	if (ns->name == NULL || ns->url == NULL)
		return VN_ERR_NOMEM;
	return VN_OK;
}

char *v_cfg_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static char *resolve(const char *dir, const char *v)
{
	size_t n;
	char *r;

	if (v[0] == '/')
		return strdup(v);
	n = strlen(dir) + strlen(v) + 2;
	r = malloc(n);
	if (r != NULL)
		snprintf(r, n, "%s/%s", dir, v);
	return r;
}

vn_err v_trust_cfg_load(const char *path, v_trust_cfg *c, char *why, size_t whylen)
{
	char dirbuf[PATH_MAX], *dir, *line, *save = NULL, *text;
	vn_buf b;
	v_scheme_cfg *cur = NULL;
	int other = 0;	/* inside a section of the node's own configuration */
	unsigned lineno = 0;
	vn_err e;

#define BAD(...)                                         \
	do {                                             \
		if (why)                                 \
			snprintf(why, whylen, __VA_ARGS__); \
		e = VN_ERR_MALFORMED;                    \
		goto out;                                \
	} while (0)

	snprintf(dirbuf, sizeof dirbuf, "%s", path);
	dir = dirname(dirbuf);
	vn_buf_init(&b, CFG_MAX_SIZE);
	e = vn_buf_read_file(&b, path);
	if (e != VN_OK) {
		if (why)
			snprintf(why, whylen, "%s: %s", path, vn_err_str(e));
		vn_buf_free(&b);
		return e;
	}
	text = (char *)b.data;
	if (text == NULL)
		text = (char *)"";
	if (memchr(b.data, '\0', b.len) != NULL)
		BAD("%s: contains a NUL byte", path);
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char *k, *v, *eq;

		lineno++;
		line = v_cfg_trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		if (*line == '[') {
			char *end = strchr(line, ']');
			if (end == NULL || end[1] != '\0')
				BAD("%s:%u: malformed section header", path, lineno);
			*end = '\0';
			k = v_cfg_trim(line + 1);
			if (strncmp(k, "scheme", 6) != 0 || (k[6] != ' ' && k[6] != '\t')) {
				/* other sections belong to the node's configuration,
				 * which checks them itself */
				cur = NULL;
				other = 1;
				continue;
			}
			v = v_cfg_trim(k + 6);
			if (*v == '\0')
				BAD("%s:%u: [scheme NAME] needs a name", path, lineno);
			for (eq = v; *eq; eq++)
				if (!isalnum((unsigned char)*eq) && *eq != '-' && *eq != '_')
					BAD("%s:%u: scheme name '%s': letters, digits, - and _ only", path, lineno, v);
			e = v_trust_cfg_add(c, v, "", 0, sk_X509_new_null());
			if (e != VN_OK)
				goto out;
			free(c->schemes[c->nschemes - 1].url);
			c->schemes[c->nschemes - 1].url = NULL;
			cur = &c->schemes[c->nschemes - 1];
			other = 0;
			continue;
		}
		eq = strchr(line, '=');
		if (eq == NULL)
			BAD("%s:%u: expected key = value", path, lineno);
		*eq = '\0';
		k = v_cfg_trim(line);
		v = v_cfg_trim(eq + 1);
		if (other)
			continue;
		if (cur == NULL && (strcmp(k, "lotl") == 0 || strcmp(k, "tl") == 0 || strcmp(k, "signer") == 0))
			BAD("%s:%u: '%s' belongs in a [scheme NAME] section", path, lineno, k);
		if (cur != NULL) {
			if (strcmp(k, "lotl") == 0 || strcmp(k, "tl") == 0) {
				if (cur->url != NULL)
					BAD("%s:%u: scheme '%s' already has a list URL", path, lineno, cur->name);
				if (strstr(v, "://") == NULL) {
					char *p = resolve(dir, v), real[PATH_MAX];
					if (p == NULL || realpath(p, real) == NULL) {
						free(p);
						BAD("%s:%u: %s: not a URL and no such file", path, lineno, v);
					}
					free(p);
					cur->url = malloc(strlen(real) + 8);
					if (cur->url != NULL)
						sprintf(cur->url, "file://%s", real);
				} else {
					cur->url = strdup(v);
				}
				cur->is_lotl = strcmp(k, "lotl") == 0;
				if (cur->url == NULL) {
					e = VN_ERR_NOMEM;
					goto out;
				}
			} else if (strcmp(k, "signer") == 0) {
				char *p = resolve(dir, v);
				vn_err le = p ? tl_load_certs(p, &cur->signers) : VN_ERR_NOMEM;
				free(p);
				if (le != VN_OK)
					BAD("%s:%u: signer %s: %s", path, lineno, v,
					    le == VN_ERR_NOT_FOUND ? "no such file" : "not a certificate");
			} else {
				BAD("%s:%u: unknown key '%s' in [scheme %s]", path, lineno, k, cur->name);
			}
			continue;
		}
		if (strcmp(k, "mirror") == 0 || strcmp(k, "cache") == 0 || strcmp(k, "ca-file") == 0) {
			char **slot = k[0] == 'm' ? &c->mirror : k[1] == 'a' ? &c->cache : &c->ca_file;
			free(*slot);
			*slot = resolve(dir, v);
			if (*slot == NULL) {
				e = VN_ERR_NOMEM;
				goto out;
			}
		} else if (strcmp(k, "offline") == 0) {
			if (strcmp(v, "true") == 0)
				c->offline = 1;
			else if (strcmp(v, "false") == 0)
				c->offline = 0;
			else
				BAD("%s:%u: offline is true or false", path, lineno);
		} else {
			BAD("%s:%u: unknown key '%s'", path, lineno, k);
		}
	}
	for (size_t i = 0; i < c->nschemes; i++) {
		if (c->schemes[i].url == NULL)
			BAD("%s: scheme '%s' names no lotl or tl URL", path, c->schemes[i].name);
		if (sk_X509_num(c->schemes[i].signers) == 0)
			BAD("%s: scheme '%s' pins no signer certificate", path, c->schemes[i].name);
	}
	e = VN_OK;
out:
	vn_buf_free(&b);
	return e;
#undef BAD
}

vn_err v_trust_build(const v_trust_cfg *c, tl_snapshot **out, vn_findings *notes, char *why,
		     size_t whylen)
{
	return v_trust_build_ex(c, out, notes, NULL, NULL, why, whylen);
}

vn_err v_trust_build_ex(const v_trust_cfg *c, tl_snapshot **out, vn_findings *notes,
			v_trust_entry_fn on_entry, void *arg, char *why, size_t whylen)
{
	tl_snapshot_builder *b = tl_snapshot_builder_new();
	tl_mirror *mirror = NULL;
	tl_cache *cache = NULL;
	char mwhy[256] = "";
	size_t i, usable = 0;
	vn_err e = VN_OK;

	*out = NULL;
	if (b == NULL)
		return VN_ERR_NOMEM;
	if (c->mirror != NULL && (e = tl_mirror_load(c->mirror, &mirror, mwhy, sizeof mwhy)) != VN_OK) {
		snprintf(why, whylen, "mirror %s: %s", c->mirror, mwhy);
		goto out;
	}
	if (c->cache != NULL && (e = tl_cache_open(c->cache, &cache)) != VN_OK) {
		snprintf(why, whylen, "cannot open the cache %s", c->cache);
		goto out;
	}
	for (i = 0; i < c->nschemes; i++) {
		const v_scheme_cfg *sc = &c->schemes[i];
		tl_walk_opts o;
		tl_walk_result r = {NULL, 0};
		size_t k;

		tl_walk_opts_init(&o);
		o.anchors = sc->signers;
		o.cache = cache;
		o.fetch.mirror = mirror;
		o.fetch.mirror_only = mirror != NULL;
		o.fetch.offline = c->offline;
		o.fetch.ca_file = c->ca_file;
		e = tl_walk(sc->url, &o, &r);
		for (k = 0; e == VN_OK && k < r.n; k++) {
			const tl_walk_entry *en = &r.entries[k];
			if (en->list != NULL && en->kind != TL_KIND_PIVOT)
				usable++;
			if (en->state != TL_STATE_VALID && en->kind != TL_KIND_PIVOT)
				(void)vn_findings_add(notes, VN_LEVEL_WARN, "V_TRUST_LIST",
						      "scheme %s: %s %s is %s", sc->name,
						      en->territory ? en->territory : "?", en->url,
						      tl_state_name(en->state));
			if (on_entry != NULL)
				e = on_entry(arg, sc->name, en);
		}
		if (e == VN_OK)
			e = tl_walk_to_snapshot(&r, b, sc->name);
		tl_walk_result_free(&r);
		if (e != VN_OK) {
			snprintf(why, whylen, "scheme %s: %s", sc->name, vn_err_str(e));
			goto out;
		}
	}
	if (c->nschemes > 0 && usable == 0) {
		snprintf(why, whylen, "no trusted list of the configured schemes could be used");
		e = VN_ERR_UNAVAILABLE;
		goto out;
	}
	e = tl_snapshot_build(b, out);
	b = NULL;
	if (e != VN_OK)
		snprintf(why, whylen, "%s", vn_err_str(e));
out:
	tl_snapshot_builder_free(b);
	tl_mirror_free(mirror);
	tl_cache_close(cache);
	return e;
}
