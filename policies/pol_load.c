/* Loading and checking jurisdiction policies. A policy file is untrusted
 * input: it is read through the locked-down XML reader (tl_xml.h),
 * validated against policies/valnode-policy.xsd, then checked for what a
 * schema cannot say, every finding with its line number. */
#include "policies/pol.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlschemas.h>
#include <openssl/evp.h>

#include "common/vn_buf.h"
#include "trustlists/tl_xml.h"

#define ERR(f, line, code, fmt, ...) \
	(void)vn_findings_add(f, VN_LEVEL_ERROR, code, "line %d: " fmt, line, ##__VA_ARGS__)
#define YEAR_MIN ((vn_time)631152000)	/* 1990-01-01 */
#define YEAR_MAX ((vn_time)4102444800)	/* 2100-01-01 */

const char *pol_level_name(pol_level l)
{
	static const char *const n[] = {"IGNORE", "INFORM", "WARN", "FAIL"};

	return (unsigned)l < 4 ? n[l] : "FAIL";
}

const char *pol_qual_name(pol_qual q)
{
	static const char *const n[] = {"Any", "AdESig", "AdESig-QC", "QESig"};

	return (unsigned)q < 4 ? n[q] : "Any";
}

/* The names the engine produces (v_sigobj digest_alg / sig_alg). */
int pol_known_digest(const char *name)
{
	static const char *const k[] = {"MD5", "SHA-1", "SHA-224", "SHA-256", "SHA-384",
					"SHA-512", "SHA3-256", "SHA3-384", "SHA3-512",
					"RIPEMD160", "WHIRLPOOL"};
	size_t i;

	for (i = 0; i < sizeof k / sizeof k[0]; i++)
		if (strcmp(name, k[i]) == 0)
			return 1;
	return 0;
}

int pol_known_sig(const char *name)
{
	static const char *const k[] = {"RSA", "RSASSA-PSS", "ECDSA", "DSA", "Ed25519"};
	size_t i;

	for (i = 0; i < sizeof k / sizeof k[0]; i++)
		if (strcmp(name, k[i]) == 0)
			return 1;
	return 0;
}

/* ---- the schema, compiled once per path ------------------------------ */

static pthread_mutex_t xsd_lock = PTHREAD_MUTEX_INITIALIZER;
static char xsd_cached_path[PATH_MAX];
static xmlSchemaPtr xsd_cached;

typedef struct xsd_errs {
	vn_findings *f;
	size_t n;
} xsd_errs;

static void xsd_error(void *ctx, xmlErrorPtr err)
{
	xsd_errs *xe = ctx;
	const char *m = err && err->message ? err->message : "schema error";

	if (xe->n++ >= 50)	/* cap: a hostile file must not flood the report */
		return;
	(void)vn_findings_add(xe->f, VN_LEVEL_ERROR, "POL_XSD", "line %d: %.*s",
			      err ? err->line : 0, (int)strcspn(m, "\n"), m);
}

static void silent(void *ctx, xmlErrorPtr err)
{
	(void)ctx;
	(void)err;
}

static xmlSchemaPtr schema_get(const char *path)
{
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaPtr s = NULL;

	pthread_mutex_lock(&xsd_lock);
	if (xsd_cached != NULL && strcmp(xsd_cached_path, path) == 0) {
		s = xsd_cached;
		goto out;
	}
	pc = xmlSchemaNewParserCtxt(path);
	if (pc == NULL)
		goto out;
	xmlSchemaSetParserStructuredErrors(pc, silent, NULL);
	s = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	if (s == NULL || strlen(path) >= sizeof xsd_cached_path)
		goto out;
	/* the previous one stays allocated: validators may still use it */
	xsd_cached = s;
	snprintf(xsd_cached_path, sizeof xsd_cached_path, "%s", path);
out:
	pthread_mutex_unlock(&xsd_lock);
	return s;
}

/* ---- reading ------------------------------------------------------------ */

static int line_of(const xmlNode *n)
{
	long l = xmlGetLineNo(n);

	return l > 0 && l < INT_MAX ? (int)l : 0;
}

static char *attr(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s;

	if (v == NULL)
		return NULL;
	s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

static int is(const xmlNode *n, const char *name)
{
	return tl_xml_is(n, POL_NS, name);
}

static pol_level level_of(const xmlNode *n, vn_findings *f, int *bad)
{
	char *v = attr(n, "Level");
	pol_level l = POL_FAIL;

	if (v == NULL || strcmp(v, "FAIL") == 0)
		l = POL_FAIL;
	else if (strcmp(v, "WARN") == 0)
		l = POL_WARN;
	else if (strcmp(v, "INFORM") == 0)
		l = POL_INFORM;
	else if (strcmp(v, "IGNORE") == 0)
		l = POL_IGNORE;
	else {
		ERR(f, line_of(n), "POL_BAD_VALUE", "unknown Level '%.32s'", v);
		*bad = 1;
	}
	free(v);
	return l;
}

static int parse_bool(const char *v)
{
	return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/* A non-negative decimal no larger than max; -1 when not one. */
static long parse_num(const char *v, long max)
{
	char *end;
	long x;

	if (v == NULL || *v < '0' || *v > '9')
		return -1;
	x = strtol(v, &end, 10);
	if (*end != '\0' || x < 0 || x > max)
		return -1;
	return x;
}

/* xs:date "YYYY-MM-DD", 1990..2100 (an expiry outside is a typo). */
static int parse_date(const char *v, vn_time *out)
{
	char buf[40];

	if (v == NULL || strlen(v) != 10)
		return -1;
	snprintf(buf, sizeof buf, "%sT00:00:00Z", v);
	if (vn_time_parse(buf, VN_TIME_RFC3339, out) != VN_OK)
		return -1;
	return *out >= YEAR_MIN && *out < YEAR_MAX ? 0 : -1;
}

static int push_algo(pol_algo **v, size_t *n, const xmlNode *x, int sig, vn_findings *f)
{
	pol_algo *a, *nv;
	char *ks, *ex;
	int bad = 0;

	if (*n >= POL_MAX_ITEMS) {
		ERR(f, line_of(x), "POL_BAD_VALUE", "too many algorithm entries");
		return -1;
	}
	nv = realloc(*v, (*n + 1) * sizeof **v);
	if (nv == NULL)
		return -2;
	*v = nv;
	a = &nv[*n];
	memset(a, 0, sizeof *a);
	a->line = line_of(x);
	a->expires = VN_TIME_NONE;
	a->name = attr(x, "name");
	(*n)++;
	if (a->name == NULL) {
		ERR(f, a->line, "POL_BAD_VALUE", "an algorithm without a name");
		return -1;
	}
	if (sig ? !pol_known_sig(a->name) : !pol_known_digest(a->name)) {
		ERR(f, a->line, "POL_UNKNOWN_ALGORITHM", "unknown %s algorithm '%.64s'",
		    sig ? "signature" : "digest", a->name);
		bad = 1;
	}
	ks = attr(x, "minKeySize");
	if (ks != NULL) {
		long k = parse_num(ks, 65536);
		if (!sig || k <= 0) {
			ERR(f, a->line, "POL_BAD_VALUE", "minKeySize '%.16s' %s", ks,
			    sig ? "is not a key size" : "applies to signatures only");
			bad = 1;
		}
		a->min_bits = (int)(k > 0 ? k : 0);
		free(ks);
	}
	ex = attr(x, "expires");
	if (ex != NULL) {
		if (parse_date(ex, &a->expires) != 0) {
			ERR(f, a->line, "POL_BAD_DATE", "expires '%.32s' is not a date between 1990 and 2100", ex);
			bad = 1;
		}
		free(ex);
	}
	return bad ? -1 : 0;
}

static int push_pair(pol_pair **v, size_t *n, const xmlNode *x)
{
	pol_pair *nv;

	if (*n >= POL_MAX_ITEMS)
		return -1;
	nv = realloc(*v, (*n + 1) * sizeof **v);
	if (nv == NULL)
		return -2;
	*v = nv;
	nv[*n].from = attr(x, "foreign");
	nv[*n].to = attr(x, "mapped");
	(*n)++;
	return nv[*n - 1].from != NULL && nv[*n - 1].to != NULL ? 0 : -1;
}

static vn_err push_text(tl_strs *s, const xmlNode *x)
{
	char *t = tl_xml_text(x);
	vn_err e;

	if (t == NULL)
		return VN_ERR_NOMEM;
	e = s->n >= POL_MAX_ITEMS ? VN_ERR_TOO_LARGE : tl_strs_push(s, t);
	free(t);
	return e;
}

static void free_pairs(pol_pair *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].from);
		free(v[i].to);
	}
	free(v);
}

void pol_free(pol_policy *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->id);
	free(p->version);
	free(p->jurisdiction);
	free(p->purpose);
	tl_strs_free(&p->schemes);
	tl_strs_free(&p->territories);
	for (i = 0; i < p->ndigests; i++)
		free(p->digests[i].name);
	free(p->digests);
	for (i = 0; i < p->nsigs; i++)
		free(p->sigs[i].name);
	free(p->sigs);
	tl_strs_free(&p->cert_policies);
	for (i = 0; i < p->nequivs; i++) {
		pol_equiv *q = &p->equivs[i];
		free(q->id);
		free(q->territory);
		free_pairs(q->types, q->ntypes);
		free_pairs(q->statuses, q->nstatuses);
		free_pairs(q->qualifiers, q->nqualifiers);
		tl_strs_free(&q->cc_legislation);
	}
	free(p->equivs);
	free(p);
}

static pol_qual qual_of(const char *t, int *bad)
{
	if (t != NULL && strcmp(t, "QESig") == 0)
		return POL_QUAL_QESIG;
	if (t != NULL && strcmp(t, "AdESig-QC") == 0)
		return POL_QUAL_ADESIG_QC;
	if (t != NULL && strcmp(t, "AdESig") == 0)
		return POL_QUAL_ADESIG;
	if (t != NULL && strcmp(t, "Any") == 0)
		return POL_QUAL_ANY;
	*bad = 1;
	return POL_QUAL_QESIG;
}

static int read_equiv(pol_policy *p, const xmlNode *x, vn_findings *f)
{
	pol_equiv *nv, *q;
	const xmlNode *c;
	char *st, *start;
	int bad = 0, r;

	if (p->nequivs >= 32) {
		ERR(f, line_of(x), "POL_BAD_VALUE", "too many Equivalence entries");
		return -1;
	}
	nv = realloc(p->equivs, (p->nequivs + 1) * sizeof *nv);
	if (nv == NULL)
		return -2;
	p->equivs = nv;
	q = &nv[p->nequivs++];
	memset(q, 0, sizeof *q);
	q->line = line_of(x);
	q->id = attr(x, "id");
	q->territory = attr(x, "territory");
	st = attr(x, "status");
	start = attr(x, "start");
	q->enacted = st != NULL && strcmp(st, "enacted") == 0;
	if (st == NULL || (!q->enacted && strcmp(st, "repealed") != 0)) {
		ERR(f, q->line, "POL_BAD_VALUE", "Equivalence status must be enacted or repealed");
		bad = 1;
	}
	if (start == NULL || vn_time_parse(start, VN_TIME_XSD, &q->start) != VN_OK ||
	    q->start < YEAR_MIN || q->start >= YEAR_MAX) {
		ERR(f, q->line, "POL_BAD_DATE", "Equivalence start '%.40s' is not a date-time between 1990 and 2100",
		    start ? start : "");
		bad = 1;
	}
	free(st);
	free(start);
	if (q->id == NULL || q->territory == NULL) {
		ERR(f, q->line, "POL_BAD_VALUE", "Equivalence needs id and territory");
		bad = 1;
	}
	for (c = tl_xml_first_elem(x); c != NULL; c = tl_xml_next_elem(c)) {
		r = 0;
		if (is(c, "QcCClegislation")) {
			vn_err e = push_text(&q->cc_legislation, c);
			if (e == VN_ERR_NOMEM)
				return -2;
			r = e == VN_OK ? 0 : -1;
		} else if (is(c, "ServiceType")) {
			r = push_pair(&q->types, &q->ntypes, c);
		} else if (is(c, "Status")) {
			r = push_pair(&q->statuses, &q->nstatuses, c);
		} else if (is(c, "Qualifier")) {
			r = push_pair(&q->qualifiers, &q->nqualifiers, c);
		} else {
			ERR(f, line_of(c), "POL_BAD_VALUE", "unexpected element in Equivalence");
			r = -1;
		}
		if (r == -2)
			return -2;
		if (r != 0) {
			ERR(f, line_of(c), "POL_BAD_VALUE", "incomplete or too many equivalence entries");
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

/* The policy's elements into p; returns -2 on no memory, -1 when a
 * finding was recorded. */
static int read_policy(pol_policy *p, const xmlNode *root, vn_findings *f)
{
	const xmlNode *c, *d;
	int bad = 0, r;
	char *v;

	p->id = attr(root, "id");
	p->version = attr(root, "version");
	if (p->id == NULL || p->version == NULL) {
		ERR(f, line_of(root), "POL_BAD_VALUE", "Policy needs id and version");
		bad = 1;
	}
	for (c = tl_xml_first_elem(root); c != NULL; c = tl_xml_next_elem(c)) {
		if (is(c, "Jurisdiction")) {
			free(p->jurisdiction);
			p->jurisdiction = tl_xml_text(c);
		} else if (is(c, "Purpose")) {
			free(p->purpose);
			p->purpose = tl_xml_text(c);
		} else if (is(c, "Accept")) {
			for (d = tl_xml_first_elem(c); d != NULL; d = tl_xml_next_elem(d)) {
				vn_err e = push_text(is(d, "Scheme") ? &p->schemes : &p->territories, d);
				if (e == VN_ERR_NOMEM)
					return -2;
				if (e != VN_OK)
					bad = 1;
			}
		} else if (is(c, "Qualification")) {
			int qb = 0;
			v = tl_xml_text(c);
			p->min_qual = qual_of(v, &qb);
			p->qual_level = level_of(c, f, &bad);
			if (qb) {
				ERR(f, line_of(c), "POL_BAD_VALUE", "unknown qualification '%.32s'", v ? v : "");
				bad = 1;
			}
			free(v);
		} else if (is(c, "Cryptographic")) {
			p->crypto_level = level_of(c, f, &bad);
			for (d = tl_xml_first_elem(c); d != NULL; d = tl_xml_next_elem(d)) {
				if (is(d, "Digest"))
					r = push_algo(&p->digests, &p->ndigests, d, 0, f);
				else
					r = push_algo(&p->sigs, &p->nsigs, d, 1, f);
				if (r == -2)
					return -2;
				bad |= r != 0;
			}
		} else if (is(c, "Revocation")) {
			long age, to;
			p->revocation_level = level_of(c, f, &bad);
			v = attr(c, "maxAgeSeconds");
			age = parse_num(v, 366L * 86400);
			free(v);
			if (age < 0) {
				ERR(f, line_of(c), "POL_BAD_VALUE", "maxAgeSeconds must be 0 to one year");
				bad = 1;
			}
			p->max_revocation_age = age;
			v = attr(c, "online");
			p->online_revocation = parse_bool(v);
			free(v);
			v = attr(c, "timeoutMs");
			to = v != NULL ? parse_num(v, 120000) : 5000;
			free(v);
			if (to <= 0) {
				ERR(f, line_of(c), "POL_BAD_VALUE", "timeoutMs must be 1 to 120000");
				bad = 1;
			}
			p->revocation_timeout_ms = to;
		} else if (is(c, "Timestamp")) {
			p->timestamp_level = level_of(c, f, &bad);
		} else if (is(c, "SigningCertificate")) {
			for (d = tl_xml_first_elem(c); d != NULL; d = tl_xml_next_elem(d)) {
				if (is(d, "NonRepudiation")) {
					p->nonrep_level = level_of(d, f, &bad);
				} else if (is(d, "QcCompliance")) {
					p->qcc_level = level_of(d, f, &bad);
				} else if (is(d, "CertificatePolicies")) {
					const xmlNode *o;
					p->cert_policy_level = level_of(d, f, &bad);
					for (o = tl_xml_first_elem(d); o != NULL; o = tl_xml_next_elem(o)) {
						vn_err e = push_text(&p->cert_policies, o);
						if (e == VN_ERR_NOMEM)
							return -2;
						bad |= e != VN_OK;
					}
				}
			}
		} else if (is(c, "TrustedLists")) {
			v = attr(c, "staleGraceSeconds");
			if (v != NULL) {
				p->stale_list_grace = parse_num(v, 366L * 86400);
				if (p->stale_list_grace < 0) {
					ERR(f, line_of(c), "POL_BAD_VALUE", "staleGraceSeconds must be 0 to one year");
					bad = 1;
				}
			}
			free(v);
			v = attr(c, "lotlMRA");
			p->lotl_mra = parse_bool(v);
			free(v);
		} else if (is(c, "Equivalence")) {
			r = read_equiv(p, c, f);
			if (r == -2)
				return -2;
			bad |= r != 0;
		}
	}
	if (p->jurisdiction == NULL || p->purpose == NULL) {
		ERR(f, line_of(root), "POL_BAD_VALUE", "Jurisdiction and Purpose are required");
		bad = 1;
	}
	return bad ? -1 : 0;
}

/* ---- semantic rules ------------------------------------------------------ */

static int strs_has(const tl_strs *s, const char *v)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], v) == 0)
			return 1;
	return 0;
}

/* Rules the schema cannot state: no algorithm (tier) twice; a larger key
 * of the same algorithm never expires before a smaller one; an
 * equivalence only for a territory the policy accepts, at most one per
 * territory; a required QES with the QcCompliance check switched off is a
 * contradiction. */
static int check(const pol_policy *p, vn_findings *f)
{
	size_t i, j;
	int bad = 0;

	for (i = 0; i < p->ndigests; i++)
		for (j = 0; j < i; j++)
			if (p->digests[i].name != NULL && p->digests[j].name != NULL &&
			    strcmp(p->digests[i].name, p->digests[j].name) == 0) {
				ERR(f, p->digests[i].line, "POL_DUPLICATE",
				    "digest %s is already listed on line %d", p->digests[i].name,
				    p->digests[j].line);
				bad = 1;
			}
	for (i = 0; i < p->nsigs; i++)
		for (j = 0; j < p->nsigs; j++) {
			const pol_algo *a = &p->sigs[i], *b = &p->sigs[j];
			if (i == j || a->name == NULL || b->name == NULL || strcmp(a->name, b->name) != 0)
				continue;
			if (j < i && a->min_bits == b->min_bits) {
				ERR(f, a->line, "POL_DUPLICATE", "%s with %d-bit keys is already listed on line %d",
				    a->name, a->min_bits, b->line);
				bad = 1;
			} else if (a->min_bits > b->min_bits &&
				   ((a->expires != VN_TIME_NONE && b->expires == VN_TIME_NONE) ||
				    (a->expires != VN_TIME_NONE && b->expires != VN_TIME_NONE &&
				     a->expires < b->expires))) {
				ERR(f, a->line, "POL_CONTRADICTION",
				    "%s with %d-bit keys expires before %d-bit keys (line %d)", a->name,
				    a->min_bits, b->min_bits, b->line);
				bad = 1;
			}
		}
	for (i = 0; i < p->nequivs; i++) {
		const pol_equiv *q = &p->equivs[i];
		if (q->territory == NULL)
			continue;
		if (p->territories.n > 0 && !strs_has(&p->territories, q->territory)) {
			ERR(f, q->line, "POL_CONTRADICTION",
			    "an equivalence for %s, a territory the policy does not accept", q->territory);
			bad = 1;
		}
		for (j = 0; j < i; j++)
			if (p->equivs[j].territory != NULL &&
			    strcmp(p->equivs[j].territory, q->territory) == 0) {
				ERR(f, q->line, "POL_DUPLICATE", "a second equivalence for %s (line %d)",
				    q->territory, p->equivs[j].line);
				bad = 1;
			}
	}
	if (p->min_qual >= POL_QUAL_ADESIG_QC && p->qual_level == POL_FAIL &&
	    p->qcc_level == POL_IGNORE && p->nequivs == 0 && !p->lotl_mra &&
	    p->territories.n == 0) {
		/* harmless on its own; flagged so that a reader sees it */
		(void)vn_findings_add(f, VN_LEVEL_INFO, "POL_NOTE",
				      "a qualified level is required but the QcCompliance check is ignored");
	}
	if (p->nonrep_level != POL_FAIL)
		(void)vn_findings_add(f, VN_LEVEL_WARN, "POL_NOTE",
				      "NonRepudiation is always required of a signing certificate "
				      "(EN 319 412-2 4.3.2); Level %s is read as FAIL",
				      pol_level_name(p->nonrep_level));
	if (p->ndigests == 0 || p->nsigs == 0) {
		ERR(f, 0, "POL_CONTRADICTION", "the cryptographic suite accepts no %s",
		    p->ndigests == 0 ? "digest" : "signature algorithm");
		bad = 1;
	}
	return bad ? -1 : 0;
}

/* ---- entry points ---------------------------------------------------------- */

vn_err pol_load_mem(const unsigned char *buf, size_t len, const char *xsd_path,
		    pol_policy **out, vn_findings *f)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	pol_policy *p = NULL;
	int xsd_bad = 0;
	unsigned char md[32];
	unsigned int mdlen = 0;
	char why[256] = "";
	size_t i;
	vn_err e;
	int r;

	*out = NULL;
	if (len > POL_MAX_SIZE) {
		ERR(f, 0, "POL_XML", "the file is larger than %zu bytes", POL_MAX_SIZE);
		return VN_ERR_TOO_LARGE;
	}
	tl_xml_global_init();
	e = tl_xml_read(buf, len, &doc, why, sizeof why);
	if (e != VN_OK) {
		ERR(f, 0, "POL_XML", "not well-formed XML: %s", why);
		return e == VN_ERR_NOMEM ? e : VN_ERR_MALFORMED;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || !is(root, "Policy")) {
		ERR(f, root ? line_of(root) : 0, "POL_XML", "the root is not a Policy in %s", POL_NS);
		e = VN_ERR_MALFORMED;
		goto out;
	}
	if (xsd_path != NULL) {
		xmlSchemaPtr s = schema_get(xsd_path);
		xmlSchemaValidCtxtPtr vc;
		xsd_errs xe = {f, 0};

		if (s == NULL) {
			ERR(f, 0, "POL_XSD", "cannot load the schema %s", xsd_path);
			e = VN_ERR_NOT_FOUND;
			goto out;
		}
		vc = xmlSchemaNewValidCtxt(s);
		if (vc == NULL) {
			e = VN_ERR_NOMEM;
			goto out;
		}
		xmlSchemaSetValidStructuredErrors(vc, xsd_error, &xe);
		r = xmlSchemaValidateDoc(vc, doc);
		xmlSchemaFreeValidCtxt(vc);
		if (r != 0) {
			/* the semantic rules still run, so that one lint shows
			 * every problem with its line */
			if (xe.n == 0)
				ERR(f, 0, "POL_XSD", "the policy does not validate against its schema");
			xsd_bad = 1;
		}
	}
	p = calloc(1, sizeof *p);
	if (p == NULL) {
		e = VN_ERR_NOMEM;
		goto out;
	}
	p->stale_list_grace = -1;
	p->revocation_timeout_ms = 5000;
	p->max_revocation_age = 7 * 86400;
	p->online_revocation = 1;
	r = read_policy(p, root, f);
	if (r == -2) {
		e = VN_ERR_NOMEM;
		goto out;
	}
	if (check(p, f) != 0 || r != 0 || xsd_bad || vn_findings_count(f, VN_LEVEL_ERROR) > 0) {
		e = VN_ERR_MALFORMED;
		goto out;
	}
	if (EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32) {
		e = VN_ERR_CRYPTO;
		goto out;
	}
	for (i = 0; i < 32; i++)
		snprintf(p->digest + 2 * i, 3, "%02x", md[i]);
	*out = p;
	p = NULL;
	e = VN_OK;
out:
	pol_free(p);
	xmlFreeDoc(doc);
	return e;
}

vn_err pol_load_file(const char *path, const char *xsd_path, pol_policy **out, vn_findings *f)
{
	vn_buf b;
	char xsd[PATH_MAX];
	const char *slash;
	vn_err e;

	*out = NULL;
	vn_buf_init(&b, POL_MAX_SIZE);
	e = vn_buf_read_file(&b, path);
	if (e != VN_OK) {
		(void)vn_findings_add(f, VN_LEVEL_ERROR, "POL_IO", "%s: %s", path, vn_err_str(e));
		goto out;
	}
	if (xsd_path == NULL) {
		slash = strrchr(path, '/');
		snprintf(xsd, sizeof xsd, "%.*svalnode-policy.xsd",
			 slash ? (int)(slash - path + 1) : 0, path);
		xsd_path = xsd;
	}
	e = pol_load_mem(b.data ? b.data : (const unsigned char *)"", b.len, xsd_path, out, f);
out:
	vn_buf_free(&b);
	return e;
}

/* ---- the cryptographic suite ---------------------------------------------- */

static const char *norm_digest(const char *d)
{
	/* the engine writes "SHA-1"; OpenSSL short names also occur */
	if (strcmp(d, "SHA1") == 0)
		return "SHA-1";
	if (strcmp(d, "SHA256") == 0)
		return "SHA-256";
	if (strcmp(d, "SHA384") == 0)
		return "SHA-384";
	if (strcmp(d, "SHA512") == 0)
		return "SHA-512";
	if (strcmp(d, "SHA224") == 0)
		return "SHA-224";
	return d;
}

pol_crypto_verdict pol_digest_expiry(const pol_policy *p, const char *digest, vn_time *expiry)
{
	size_t i;

	*expiry = VN_TIME_NONE;
	digest = norm_digest(digest);
	for (i = 0; i < p->ndigests; i++)
		if (strcmp(p->digests[i].name, digest) == 0) {
			*expiry = p->digests[i].expires;
			return *expiry == VN_TIME_NONE ? POL_CRYPTO_OK : POL_CRYPTO_EXPIRED;
		}
	return POL_CRYPTO_UNKNOWN;
}

pol_crypto_verdict pol_crypto_expiry(const pol_policy *p, const char *digest,
				     const char *sig_alg, int key_bits, vn_time *expiry)
{
	const pol_algo *dg = NULL, *sg = NULL;
	size_t i;
	vn_time t = VN_TIME_NONE;

	*expiry = VN_TIME_NONE;
	digest = norm_digest(digest);
	for (i = 0; i < p->ndigests; i++)
		if (strcmp(p->digests[i].name, digest) == 0)
			dg = &p->digests[i];
	/* the tier with the largest minimum not above the key size */
	for (i = 0; i < p->nsigs; i++) {
		const pol_algo *a = &p->sigs[i];
		if (strcmp(a->name, sig_alg) != 0 || (key_bits > 0 && a->min_bits > key_bits))
			continue;
		if (sg == NULL || a->min_bits > sg->min_bits)
			sg = a;
	}
	if (dg == NULL || sg == NULL)
		return POL_CRYPTO_UNKNOWN;
	if (dg->expires != VN_TIME_NONE)
		t = dg->expires;
	if (sg->expires != VN_TIME_NONE && (t == VN_TIME_NONE || sg->expires < t))
		t = sg->expires;
	*expiry = t;
	return t == VN_TIME_NONE ? POL_CRYPTO_OK : POL_CRYPTO_EXPIRED;
}
