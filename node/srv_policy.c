#include "node/srv_policy.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/vn_log.h"
#include "policies/pol.h"

#define MAX_LOADED 64

static const srv_policy_info builtin = {
	"default", "urn:valnode:policy:default", "1",
	"The built-in policy: EN 319 102-1 validation against the node's trusted lists, "
	"TS 119 615 qualification with EU semantics and no equivalences, TS 119 312 key sizes "
	"(RSA 1900 bits, EC 256 bits), revocation no older than 7 days when no nextUpdate is "
	"given, no timestamp required.",
	NULL, NULL};

typedef struct loaded {
	srv_policy_info info;
	char path[PATH_MAX];
	char uri[160];
	pol_policy *pol;
} loaded;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static loaded *cache[MAX_LOADED];
static size_t ncache;
static int scanned;
static char dir_buf[PATH_MAX + 64];

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *srv_policy_dir(void)
{
	const char *env = getenv("VALNODE_POLICY_DIR");
	char exe[PATH_MAX], cand[PATH_MAX + 32];
	ssize_t n;
	int up;

	if (env != NULL && env[0] != '\0')
		return env;
	pthread_mutex_lock(&lock);
	if (dir_buf[0] != '\0')
		goto out;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		/* build/valnode, build/asan/valnode, build/tests/x, build/asan/tests/x */
		for (up = 1; up <= 4 && dir_buf[0] == '\0'; up++) {
			char *slash;
			int k;

			for (k = 0; k < up; k++)
				if ((slash = strrchr(exe, '/')) != NULL)
					*slash = '\0';
			snprintf(cand, sizeof cand, "%s/policies/valnode-policy.xsd", exe);
			if (access(cand, R_OK) == 0)
				snprintf(dir_buf, sizeof dir_buf, "%s/policies", exe);
			snprintf(cand, sizeof cand, "%s/share/valnode/policies", exe);
			if (dir_buf[0] == '\0' && is_dir(cand))
				snprintf(dir_buf, sizeof dir_buf, "%s", cand);
			n = readlink("/proc/self/exe", exe, sizeof exe - 1);
			if (n <= 0)
				break;
			exe[n] = '\0';
		}
	}
	if (dir_buf[0] == '\0')
		snprintf(dir_buf, sizeof dir_buf, "/usr/local/share/valnode/policies");
out:
	pthread_mutex_unlock(&lock);
	return dir_buf;
}

void v_policy_from_pol(v_policy *out, const pol_policy *pol)
{
	v_policy_default(out);
	out->id = pol->id;
	out->version = pol->version;
	out->digest = pol->digest;
	out->jurisdiction = pol->jurisdiction;
	out->pol = pol;
	out->online_revocation = pol->online_revocation;
	out->revocation_timeout_ms = pol->revocation_timeout_ms;
	out->max_revocation_age = pol->max_revocation_age;
	out->require_timestamp = pol->timestamp_level == POL_FAIL;
}

/* A short id is letters, digits, '-' and '_' only: never a path. */
static int short_id(const char *id)
{
	size_t i;

	if (id[0] == '\0' || strlen(id) > 64)
		return 0;
	for (i = 0; id[i] != '\0'; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= 'A' && id[i] <= 'Z') ||
		      (id[i] >= '0' && id[i] <= '9') || id[i] == '-' || id[i] == '_'))
			return 0;
	return 1;
}

/* Load path (once); called with the lock held. */
static loaded *load_locked(const char *path)
{
	char real[PATH_MAX], xsd[PATH_MAX + 96];
	vn_findings f;
	pol_policy *p = NULL;
	loaded *l;
	size_t i;
	vn_err e;

	if (realpath(path, real) == NULL)
		return NULL;
	for (i = 0; i < ncache; i++)
		if (strcmp(cache[i]->path, real) == 0)
			return cache[i];
	if (ncache >= MAX_LOADED)
		return NULL;
	snprintf(xsd, sizeof xsd, "%s/valnode-policy.xsd", dir_buf[0] ? dir_buf : ".");
	vn_findings_init(&f);
	e = pol_load_file(real, xsd, &p, &f);
	if (e != VN_OK) {
		for (i = 0; i < f.n; i++)
			vn_log(VN_LOG_WARN, "policy %s: %s: %s", real, f.items[i].code, f.items[i].message);
		vn_findings_free(&f);
		return NULL;
	}
	vn_findings_free(&f);
	l = calloc(1, sizeof *l);
	if (l == NULL) {
		pol_free(p);
		return NULL;
	}
	snprintf(l->path, sizeof l->path, "%s", real);
	snprintf(l->uri, sizeof l->uri, "urn:valnode:policy:%s", p->id);
	l->pol = p;
	l->info.id = p->id;
	l->info.uri = l->uri;
	l->info.version = p->version;
	l->info.description = p->purpose;
	l->info.digest = p->digest;
	l->info.pol = p;
	cache[ncache++] = l;
	return l;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Load every *.xml of the directory once; with the lock held. */
static void scan_locked(const char *dir)
{
	DIR *d;
	struct dirent *de;
	char *names[MAX_LOADED], path[PATH_MAX + 256];
	size_t n = 0, i;

	if (scanned)
		return;
	scanned = 1;
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL && n < MAX_LOADED) {
		size_t l = strlen(de->d_name);
		if (l > 4 && strcmp(de->d_name + l - 4, ".xml") == 0 && de->d_name[0] != '.')
			if ((names[n] = strdup(de->d_name)) != NULL)
				n++;
	}
	closedir(d);
	qsort(names, n, sizeof names[0], cmp_names);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		(void)load_locked(path);
		free(names[i]);
	}
}

const srv_policy_info *srv_policy_find(const char *id, v_policy *out)
{
	const char *dir;
	char path[PATH_MAX + 80];
	loaded *l = NULL;
	size_t i;

	if (id[0] == '\0' || strcmp(id, builtin.id) == 0 || strcmp(id, builtin.uri) == 0) {
		v_policy_default(out);
		return &builtin;
	}
	dir = srv_policy_dir();
	if (strncmp(id, "urn:valnode:policy:", 19) == 0)
		id += 19;
	pthread_mutex_lock(&lock);
	if (short_id(id)) {
		for (i = 0; i < ncache && l == NULL; i++)
			if (strcmp(cache[i]->info.id, id) == 0)
				l = cache[i];
		if (l == NULL) {
			snprintf(path, sizeof path, "%s/%s.xml", dir, id);
			l = load_locked(path);
			/* the file's own id must be the one asked for */
			if (l != NULL && strcmp(l->info.id, id) != 0)
				l = NULL;
		}
	} else if (strchr(id, '/') != NULL || strstr(id, ".xml") != NULL) {
		l = load_locked(id);
	}
	pthread_mutex_unlock(&lock);
	if (l == NULL)
		return NULL;
	v_policy_from_pol(out, l->pol);
	return &l->info;
}

size_t srv_policy_count(void)
{
	const char *dir = srv_policy_dir();
	size_t n;

	pthread_mutex_lock(&lock);
	scan_locked(dir);
	n = ncache;
	pthread_mutex_unlock(&lock);
	return 1 + n;
}

const srv_policy_info *srv_policy_at(size_t i)
{
	const srv_policy_info *r = NULL;

	if (i == 0)
		return &builtin;
	(void)srv_policy_count();
	pthread_mutex_lock(&lock);
	if (i - 1 < ncache)
		r = &cache[i - 1]->info;
	pthread_mutex_unlock(&lock);
	return r;
}

static json_t *strs_json(const tl_strs *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < s->n; i++)
		json_array_append_new(a, json_string(s->v[i]));
	return a;
}

static json_t *algos_json(const pol_algo *v, size_t n)
{
	json_t *a = json_array();
	char ts[VN_TIME_BUFSZ];
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *o = json_pack("{s:s}", "name", v[i].name);
		if (v[i].min_bits > 0)
			json_object_set_new(o, "minKeySize", json_integer(v[i].min_bits));
		json_object_set_new(o, "expires", v[i].expires == VN_TIME_NONE
							  ? json_null()
							  : json_stringn(vn_time_format(v[i].expires, ts), 10));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *pairs_json(const pol_pair *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "foreign", v[i].from, "mapped", v[i].to));
	return a;
}

static json_t *pol_json(const pol_policy *p)
{
	json_t *eq = json_array();
	char ts[VN_TIME_BUFSZ];
	size_t i;

	for (i = 0; i < p->nequivs; i++) {
		const pol_equiv *q = &p->equivs[i];
		json_array_append_new(
			eq, json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "id", q->id, "territory",
				      q->territory, "status", q->enacted ? "enacted" : "repealed", "start",
				      vn_time_format(q->start, ts), "qcCClegislation",
				      strs_json(&q->cc_legislation), "serviceTypes",
				      pairs_json(q->types, q->ntypes), "statuses",
				      pairs_json(q->statuses, q->nstatuses), "qualifiers",
				      pairs_json(q->qualifiers, q->nqualifiers)));
	}
	return json_pack("{s:{s:o, s:o}, s:{s:s, s:s}, s:{s:s, s:o, s:o}, s:{s:s, s:I, s:b, s:I},"
			 " s:s, s:{s:s, s:s, s:o, s:s}, s:{s:o, s:b}, s:o}",
			 "accept", "schemes", strs_json(&p->schemes), "territories",
			 strs_json(&p->territories), "qualification", "required",
			 pol_qual_name(p->min_qual), "level", pol_level_name(p->qual_level),
			 "cryptographic", "level", pol_level_name(p->crypto_level), "digests",
			 algos_json(p->digests, p->ndigests), "signatures",
			 algos_json(p->sigs, p->nsigs), "revocation", "level",
			 pol_level_name(p->revocation_level), "maxAgeSeconds",
			 (json_int_t)p->max_revocation_age, "online", p->online_revocation,
			 "timeoutMs", (json_int_t)p->revocation_timeout_ms, "timestamp",
			 pol_level_name(p->timestamp_level), "signingCertificate", "nonRepudiation",
			 pol_level_name(p->nonrep_level), "qcCompliance", pol_level_name(p->qcc_level),
			 "certificatePolicies", strs_json(&p->cert_policies), "certificatePolicyLevel",
			 pol_level_name(p->cert_policy_level), "trustedLists", "staleGraceSeconds",
			 p->stale_list_grace < 0 ? json_null() : json_integer(p->stale_list_grace),
			 "lotlMRA", p->lotl_mra, "equivalences", eq);
}

json_t *srv_policy_json(const srv_policy_info *p, int detail)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "id", p->id, "uri", p->uri,
			      "version", p->version, "description", p->description ? p->description : "",
			      "digest", p->digest ? json_string(p->digest) : json_null(), "jurisdiction",
			      p->pol ? json_string(p->pol->jurisdiction) : json_null());
	v_policy v;

	if (j == NULL || !detail)
		return j;
	if (p->pol != NULL)
		v_policy_from_pol(&v, p->pol);
	else
		v_policy_default(&v);
	json_object_set_new(j, "constraints",
			    json_pack("{s:b, s:I, s:I, s:b, s:i, s:i, s:I}", "onlineRevocation",
				      v.online_revocation, "revocationTimeoutMs",
				      (json_int_t)v.revocation_timeout_ms, "maxRevocationAgeSeconds",
				      (json_int_t)v.max_revocation_age, "requireTimestamp",
				      v.require_timestamp, "minRsaBits", v.min_rsa_bits, "minEcBits",
				      v.min_ec_bits, "maxChain", (json_int_t)v.max_chain));
	if (p->pol != NULL)
		json_object_set_new(j, "rules", pol_json(p->pol));
	return j;
}
