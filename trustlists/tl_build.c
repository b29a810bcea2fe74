/* valnode: tlspec -> TS 119 612 v2.4.1 trusted list (unsigned).
 *
 * Two passes: the text is read into sections of key/value entries (syntax,
 * placement, known keys, value checks), then, when nothing was wrong, the
 * XML is written in the XSD's sequence order (STANDARDS.md 1.2-1.6).
 */
#include "trustlists/tl_build.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlstring.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/vn_b64.h"
#include "common/vn_buf.h"
#include "common/vn_time.h"
#include "trustlists/tl_xml.h"

#define TSLTAG "http://uri.etsi.org/19612/TSLTag"
#define TSLTYPE_PREFIX "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/"
#define SVCTYPE_PREFIX "http://uri.etsi.org/TrstSvc/Svctype/"
#define STATUS_PREFIX "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/"
#define SIE_PREFIX "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/"
#define TSL_MIME "application/vnd.etsi.tsl+xml"
#define LANG "en"
/* EU lists use the largest value (TS 119 612 5.3.15). */
#define DEFAULT_HISTORY_PERIOD "65535"

/* ---- the format ------------------------------------------------------ */

typedef enum sect_kind { S_SCHEME, S_POINTER, S_TSP, S_SERVICE, S_HISTORY, S__COUNT } sect_kind;

static const char *const sect_names[S__COUNT] = {"scheme", "pointer", "tsp", "service",
						 "history"};

typedef enum vtype {
	V_TEXT,		/* any non-empty single-line text */
	V_URI,		/* absolute URI, no blanks */
	V_TIME,		/* RFC 3339, normalised to UTC "Z" */
	V_NEXT,		/* V_TIME or "closed" */
	V_UINT,		/* positive decimal integer */
	V_UINT0,	/* non-negative decimal integer */
	V_TERR,		/* two capital letters */
	V_TERRG,	/* a territory, or a federation's name for a list of lists:
			 * 2 to 16 capital letters ("AZ", "GUAM", "SILKROAD") */
	V_CERT,		/* path to a PEM or DER certificate */
	V_LISTTYPE,	/* TSLType, with short forms */
	V_SVCTYPE,	/* ServiceTypeIdentifier, short form under Svctype/ */
	V_STATUS,	/* ServiceStatus, short form under Svcstatus/ */
	V_SIE,		/* qualifier / ASI, short form under SvcInfoExt/ */
	V_OIDS,		/* OIDs separated by blanks or commas */
	V_MIME,		/* type/subtype */
	V_MRAFILE	/* path to an mra:MutualRecognitionAgreementInformation
			 * XML fragment, embedded in the pointer */
} vtype;

typedef struct keydef {
	const char *name;
	vtype type;
	unsigned char required, repeat;
} keydef;

static const keydef scheme_keys[] = {
	{"territory", V_TERRG, 1, 0},
	{"sequence", V_UINT, 1, 0},
	{"type", V_LISTTYPE, 1, 0},
	{"operator", V_TEXT, 1, 0},
	{"operator-street", V_TEXT, 1, 0},
	{"operator-locality", V_TEXT, 1, 0},
	{"operator-state", V_TEXT, 0, 0},
	{"operator-postal-code", V_TEXT, 0, 0},
	{"operator-country", V_TERR, 1, 0},
	{"operator-email", V_URI, 1, 1},
	{"operator-uri", V_URI, 0, 1},
	{"name", V_TEXT, 1, 0},
	{"info-uri", V_URI, 1, 1},
	{"status-approach", V_URI, 1, 0},
	{"community-rule", V_URI, 0, 1},
	{"legal-notice", V_TEXT, 0, 1},
	{"historical-period", V_UINT0, 0, 0},
	{"issued", V_TIME, 1, 0},
	{"next-update", V_NEXT, 1, 0},
	{"distribution-point", V_URI, 0, 1},
	{NULL, V_TEXT, 0, 0}};

static const keydef pointer_keys[] = {
	{"location", V_URI, 1, 0},
	{"certificate", V_CERT, 1, 1},
	{"type", V_LISTTYPE, 1, 0},
	{"territory", V_TERRG, 1, 0},
	{"mime-type", V_MIME, 0, 0},
	{"operator", V_TEXT, 1, 0},
	{"mra-file", V_MRAFILE, 0, 0},
	{NULL, V_TEXT, 0, 0}};

static const keydef tsp_keys[] = {
	{"name", V_TEXT, 1, 0},
	{"trade-name", V_TEXT, 0, 1},
	{"street", V_TEXT, 1, 0},
	{"locality", V_TEXT, 1, 0},
	{"state", V_TEXT, 0, 0},
	{"postal-code", V_TEXT, 0, 0},
	{"country", V_TERR, 1, 0},
	{"email", V_URI, 1, 1},
	{"uri", V_URI, 0, 1},
	{"info-uri", V_URI, 1, 1},
	{NULL, V_TEXT, 0, 0}};

#define SERVICE_COMMON                                      \
	{"type", V_SVCTYPE, 1, 0}, {"name", V_TEXT, 1, 0},  \
	{"certificate", V_CERT, 1, 1}, {"status", V_STATUS, 1, 0}, \
	{"start", V_TIME, 1, 0}, {"asi", V_SIE, 0, 1},      \
	{"qualifier", V_SIE, 0, 1}, {"qualifier-policy", V_OIDS, 0, 1}, \
	{"expired-certs-revocation-info", V_TIME, 0, 0}

static const keydef service_keys[] = {
	SERVICE_COMMON,
	{"supply-point", V_URI, 0, 1},
	{NULL, V_TEXT, 0, 0}};

static const keydef history_keys[] = {
	SERVICE_COMMON,
	{NULL, V_TEXT, 0, 0}};

static const keydef *const sect_keys[S__COUNT] = {scheme_keys, pointer_keys, tsp_keys,
						  service_keys, history_keys};

/* ---- the parsed spec ------------------------------------------------- */

typedef struct kv {
	const keydef *def;
	char *value;	/* owned; normalised (short forms expanded, times in Z,
			 * certificates as base64 DER) */
	unsigned line;
} kv;

typedef struct sect {
	sect_kind kind;
	unsigned line;
	kv *kv;
	size_t n, cap;
} sect;

typedef struct spec {
	sect *s;
	size_t n, cap;
	const char *basedir;
	vn_findings *errors;
	int malformed;		/* an error other than a missing file */
	int missing_file;
	int nomem;
} spec;

static void spec_free(spec *sp)
{
	size_t i, j;

	for (i = 0; i < sp->n; i++) {
		for (j = 0; j < sp->s[i].n; j++)
			free(sp->s[i].kv[j].value);
		free(sp->s[i].kv);
	}
	free(sp->s);
	sp->s = NULL;
	sp->n = sp->cap = 0;
}

static void err(spec *sp, unsigned line, const char *code, const char *fmt, ...)
	VN_PRINTF(4, 5);

static void err(spec *sp, unsigned line, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (strcmp(code, "TL_BUILD_CERT_MISSING") == 0)
		sp->missing_file = 1;
	else
		sp->malformed = 1;
	if (vn_findings_add(sp->errors, VN_LEVEL_ERROR, code, "spec:%u: %s", line, msg) !=
	    VN_OK)
		sp->nomem = 1;
}

static const keydef *find_key(sect_kind k, const char *name)
{
	const keydef *d;

	for (d = sect_keys[k]; d->name != NULL; d++)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

static const kv *get(const sect *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->kv[i].def->name, key) == 0)
			return &s->kv[i];
	return NULL;
}

static const char *val(const sect *s, const char *key)
{
	const kv *e = get(s, key);

	return e != NULL ? e->value : NULL;
}

/* ---- value checks ---------------------------------------------------- */

static int is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static char *dup_printf(const char *fmt, ...) VN_PRINTF(1, 2);

static char *dup_printf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (s == NULL)
		return NULL;
	va_start(ap, fmt);
	(void)vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* RFC 3986 3.1 scheme, then ':' and at least one character, no blanks or
 * characters XML or URIs cannot carry. */
static int uri_ok(const char *v)
{
	const char *p = v;

	if (!isalpha((unsigned char)*p))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	if (*p != ':' || p[1] == '\0')
		return 0;
	for (p = v; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == '"' || *p == '<' || *p == '>' ||
		    *p == '\\' || *p == '^' || *p == '`' || *p == '{' || *p == '|' ||
		    *p == '}' || (unsigned char)*p >= 0x7f)
			return 0;
	return 1;
}

static int uint_ok(const char *v, int allow_zero)
{
	size_t n = strlen(v), i;

	if (n == 0 || n > 18)
		return 0;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)v[i]))
			return 0;
	if (v[0] == '0')
		return allow_zero && n == 1;
	return 1;
}

/* A dotted OID: first arc 0-2, at least two arcs, no leading zeros. */
static int oid_ok(const char *v, size_t n)
{
	size_t i, arcs = 0, start = 0;

	if (n == 0 || n > 200 || v[0] < '0' || v[0] > '2' || (n > 1 && v[1] != '.'))
		return 0;
	for (i = 0; i <= n; i++) {
		if (i == n || v[i] == '.') {
			if (i == start || (v[start] == '0' && i - start > 1))
				return 0;
			arcs++;
			start = i + 1;
		} else if (!isdigit((unsigned char)v[i])) {
			return 0;
		}
	}
	return arcs >= 2;
}

/* Normalised OIDs: single blanks between them. NULL when one is bad. */
static char *oids_norm(const char *v, int *bad)
{
	vn_buf b;
	const char *p = v, *q;
	char *out = NULL;

	*bad = 0;
	vn_buf_init(&b, TL_BUILD_MAX_LINE + 1);
	for (;;) {
		while (is_blank(*p) || *p == ',')
			p++;
		if (*p == '\0')
			break;
		for (q = p; *q != '\0' && !is_blank(*q) && *q != ','; q++)
			;
		if (!oid_ok(p, (size_t)(q - p))) {
			*bad = 1;
			goto out;
		}
		if ((b.len > 0 && vn_buf_append(&b, " ", 1) != VN_OK) ||
		    vn_buf_append(&b, p, (size_t)(q - p)) != VN_OK)
			goto out;
		p = q;
	}
	if (b.len == 0) {
		*bad = 1;
		goto out;
	}
	out = (char *)vn_buf_steal(&b, NULL);
out:
	vn_buf_free(&b);
	return out;
}

/* A short form: letters, digits, '/', '-', '_'. */
static int short_ok(const char *v)
{
	if (*v == '\0' || *v == '/')
		return 0;
	for (; *v != '\0'; v++)
		if (!isalnum((unsigned char)*v) && *v != '/' && *v != '-' && *v != '_')
			return 0;
	return 1;
}

static int is_http(const char *v)
{
	return strncmp(v, "http", 4) == 0;
}

static char *expand(const char *prefix, const char *v, int *bad)
{
	*bad = 0;
	if (is_http(v)) {
		if (!uri_ok(v)) {
			*bad = 1;
			return NULL;
		}
		return strdup(v);
	}
	if (!short_ok(v)) {
		*bad = 1;
		return NULL;
	}
	return dup_printf("%s%s", prefix, v);
}

/* "generic" / "listofthelists": the EU types; "CClist", "GUAMlistofthelists"
 * (two capitals first): TSLType/<value> (TS 119 612 5.3.3). */
static char *list_type(const char *v, int *bad)
{
	*bad = 0;
	if (strcmp(v, "generic") == 0)
		return strdup(TSLTYPE_PREFIX "EUgeneric");
	if (strcmp(v, "listofthelists") == 0)
		return strdup(TSLTYPE_PREFIX "EUlistofthelists");
	if (is_http(v))
		return expand("", v, bad);
	if (isupper((unsigned char)v[0]) && isupper((unsigned char)v[1]) && short_ok(v) &&
	    strchr(v, '/') == NULL)
		return dup_printf("%s%s", TSLTYPE_PREFIX, v);
	*bad = 1;
	return NULL;
}

static int mime_ok(const char *v)
{
	const char *slash = strchr(v, '/');
	const char *p;

	if (slash == NULL || slash == v || slash[1] == '\0' || strchr(slash + 1, '/'))
		return 0;
	for (p = v; *p != '\0'; p++)
		if (p != slash && !isalnum((unsigned char)*p) && strchr("!#$&-^_.+", *p) == NULL)
			return 0;
	return 1;
}

/* Read a PEM or DER certificate; *b64 gets base64 of its DER. */
static vn_err load_cert_b64(const char *path, char **b64)
{
	vn_buf b;
	BIO *bio = NULL;
	X509 *x = NULL;
	unsigned char *der = NULL;
	const unsigned char *p;
	int len;
	vn_err e;

	*b64 = NULL;
	vn_buf_init(&b, TL_BUILD_MAX_CERT);
	if ((e = vn_buf_read_file(&b, path)) != VN_OK)
		goto out;
	if (b.len == 0 || b.len > (size_t)0x7fffffff) {
		e = VN_ERR_MALFORMED;
		goto out;
	}
	bio = BIO_new_mem_buf(b.data, (int)b.len);
	if (bio == NULL) {
		e = VN_ERR_NOMEM;
		goto out;
	}
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	if (x == NULL) {
		p = b.data;
		x = d2i_X509(NULL, &p, (long)b.len);
		if (x == NULL || p != b.data + b.len) {
			e = VN_ERR_MALFORMED;
			goto out;
		}
	}
	len = i2d_X509(x, &der);
	if (len <= 0) {
		e = VN_ERR_MALFORMED;
		goto out;
	}
	e = vn_b64_encode(der, (size_t)len, b64);
out:
	OPENSSL_free(der);
	X509_free(x);
	BIO_free(bio);
	vn_buf_free(&b);
	return e;
}

/* Check and normalise one value; on success *norm is the value to keep. */
static void check_value(spec *sp, sect *s, const keydef *d, const char *v, unsigned line,
			char **norm)
{
	vn_time t;
	int bad = 0;
	char tb[VN_TIME_BUFSZ];

	*norm = NULL;
	switch (d->type) {
	case V_TEXT:
		*norm = strdup(v);
		break;
	case V_URI:
		if (!uri_ok(v))
			goto bad;
		*norm = strdup(v);
		break;
	case V_NEXT:
		if (strcmp(v, "closed") == 0) {
			*norm = strdup(v);
			break;
		}
		/* fall through */
	case V_TIME:
		if (vn_time_parse(v, VN_TIME_RFC3339, &t) != VN_OK) {
			err(sp, line, "TL_BUILD_BAD_TIME",
			    "'%s' in [%s]: '%s' is not an RFC 3339 time", d->name,
			    sect_names[s->kind], v);
			return;
		}
		*norm = strdup(vn_time_format(t, tb));
		break;
	case V_UINT:
	case V_UINT0:
		if (!uint_ok(v, d->type == V_UINT0))
			goto bad;
		*norm = strdup(v);
		break;
	case V_TERRG: {
		size_t k, n = strlen(v);
		if (n < 2 || n > 16)
			goto bad;
		for (k = 0; k < n; k++)
			if (!isupper((unsigned char)v[k]))
				goto bad;
		*norm = strdup(v);
		break;
	}
	case V_TERR:
		if (strlen(v) != 2 || !isupper((unsigned char)v[0]) ||
		    !isupper((unsigned char)v[1]))
			goto bad;
		*norm = strdup(v);
		break;
	case V_CERT: {
		char *path;
		vn_err e;

		path = v[0] == '/' || sp->basedir == NULL
			       ? strdup(v)
			       : dup_printf("%s/%s", sp->basedir, v);
		if (path == NULL)
			break;
		e = load_cert_b64(path, norm);
		free(path);
		if (e == VN_ERR_NOT_FOUND || e == VN_ERR_IO) {
			err(sp, line, "TL_BUILD_CERT_MISSING", "cannot read certificate '%s'", v);
			return;
		}
		if (e != VN_OK && e != VN_ERR_NOMEM) {
			err(sp, line, "TL_BUILD_BAD_CERT",
			    "'%s' is not a PEM or DER certificate (%s)", v, vn_err_name(e));
			return;
		}
		break;
	}
	case V_LISTTYPE:
		*norm = list_type(v, &bad);
		break;
	case V_SVCTYPE:
		*norm = expand(SVCTYPE_PREFIX, v, &bad);
		break;
	case V_STATUS:
		*norm = expand(STATUS_PREFIX, v, &bad);
		break;
	case V_SIE:
		*norm = expand(SIE_PREFIX, v, &bad);
		break;
	case V_OIDS:
		*norm = oids_norm(v, &bad);
		break;
	case V_MIME:
		if (!mime_ok(v))
			goto bad;
		*norm = strdup(v);
		break;
	case V_MRAFILE: {
		/* the fragment is read and checked now; the pointer embeds it
		 * (STANDARDS.md 3.2: the MRA block in the pointer's
		 * AdditionalInformation) */
		char *path = v[0] == '/' || sp->basedir == NULL ? strdup(v)
							       : dup_printf("%s/%s", sp->basedir, v);
		vn_buf b;
		xmlDocPtr md = NULL;
		xmlNodePtr r;
		vn_err e;

		if (path == NULL)
			break;
		vn_buf_init(&b, (size_t)1 << 20);
		e = vn_buf_read_file(&b, path);
		free(path);
		if (e != VN_OK) {
			vn_buf_free(&b);
			err(sp, line, "TL_BUILD_MRA_MISSING", "cannot read MRA fragment '%s'", v);
			return;
		}
		if (tl_xml_read(b.data ? b.data : (const unsigned char *)"", b.len, &md, NULL, 0) != VN_OK ||
		    (r = xmlDocGetRootElement(md)) == NULL ||
		    !tl_xml_is(r, TL_NS_MRA, "MutualRecognitionAgreementInformation")) {
			xmlFreeDoc(md);
			vn_buf_free(&b);
			err(sp, line, "TL_BUILD_BAD_MRA",
			    "'%s' is not an mra:MutualRecognitionAgreementInformation document", v);
			return;
		}
		xmlFreeDoc(md);
		*norm = strndup((const char *)b.data, b.len);
		vn_buf_free(&b);
		break;
	}
	}
	if (bad)
		goto bad;
	if (*norm == NULL)
		sp->nomem = 1;
	return;
bad:
	free(*norm);
	*norm = NULL;
	err(sp, line, "TL_BUILD_BAD_VALUE", "bad value for '%s' in [%s]: '%s'", d->name,
	    sect_names[s->kind], v);
}

/* ---- pass 1: lines -> sections -------------------------------------- */

static sect *new_sect(spec *sp, sect_kind k, unsigned line)
{
	sect *s;

	if (sp->n == sp->cap) {
		size_t nc = sp->cap ? sp->cap * 2 : 16;
		sect *ns = realloc(sp->s, nc * sizeof *ns);
		if (ns == NULL) {
			sp->nomem = 1;
			return NULL;
		}
		sp->s = ns;
		sp->cap = nc;
	}
	s = &sp->s[sp->n++];
	memset(s, 0, sizeof *s);
	s->kind = k;
	s->line = line;
	return s;
}

static void add_kv(spec *sp, sect *s, const keydef *d, char *value, unsigned line)
{
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 8;
		kv *nk = realloc(s->kv, nc * sizeof *nk);
		if (nk == NULL) {
			free(value);
			sp->nomem = 1;
			return;
		}
		s->kv = nk;
		s->cap = nc;
	}
	s->kv[s->n].def = d;
	s->kv[s->n].value = value;
	s->kv[s->n].line = line;
	s->n++;
}

/* Whether a section of kind k may follow one of kind prev (-1: none yet). */
static const char *placement_error(int prev, sect_kind k)
{
	switch (k) {
	case S_SCHEME:
		return prev == -1 ? NULL : "[scheme] must come first, exactly once";
	case S_POINTER:
		return prev == S_SCHEME || prev == S_POINTER
			       ? NULL
			       : "[pointer] must follow [scheme] or another [pointer]";
	case S_TSP:
		return prev == -1 ? "the first section must be [scheme]" : NULL;
	case S_SERVICE:
		return prev == S_TSP || prev == S_SERVICE || prev == S_HISTORY
			       ? NULL
			       : "[service] must follow a [tsp]";
	case S_HISTORY:
		return prev == S_SERVICE || prev == S_HISTORY
			       ? NULL
			       : "[history] must follow a [service]";
	default:
		return "unknown section";
	}
}

static int text_ok(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (((unsigned char)p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f)
			return 0;
	return xmlCheckUTF8((const unsigned char *)p) != 0;
}

static void parse_line(spec *sp, char *l, unsigned line, sect **cur, int *prev, int *skip)
{
	char *end = l + strlen(l), *eq, *key, *v;
	const keydef *d;
	size_t i;
	char *norm;

	while (is_blank(*l))
		l++;
	while (end > l && is_blank(end[-1]))
		*--end = '\0';
	if (*l == '\0' || *l == '#')
		return;
	if (!text_ok(l, (size_t)(end - l))) {
		err(sp, line, "TL_BUILD_SYNTAX", "control character or invalid UTF-8");
		return;
	}
	if (*l == '[') {
		char *name = l + 1, *ne;
		int k;
		const char *why;

		if (end[-1] != ']') {
			err(sp, line, "TL_BUILD_SYNTAX", "section header without ']'");
			*cur = NULL;
			*skip = 1;
			return;
		}
		end[-1] = '\0';
		while (is_blank(*name))
			name++;
		ne = name + strlen(name);
		while (ne > name && is_blank(ne[-1]))
			*--ne = '\0';
		for (k = 0; k < S__COUNT; k++)
			if (strcmp(name, sect_names[k]) == 0)
				break;
		*cur = NULL;
		*skip = 1;
		if (k == S__COUNT) {
			err(sp, line, "TL_BUILD_UNKNOWN_SECTION", "unknown section [%s]", name);
			return;
		}
		if (k == S_SCHEME && *prev != -1)
			why = "[scheme] must come first, exactly once";
		else
			why = placement_error(*prev, (sect_kind)k);
		if (why != NULL) {
			err(sp, line, "TL_BUILD_SECTION_ORDER", "%s", why);
			return;
		}
		*cur = new_sect(sp, (sect_kind)k, line);
		*prev = k;
		*skip = 0;
		return;
	}
	eq = strchr(l, '=');
	if (eq == NULL) {
		err(sp, line, "TL_BUILD_SYNTAX", "expected 'key = value' or '[section]'");
		return;
	}
	if (*cur == NULL) {
		/* Keys of a refused section: already reported once. */
		if (!*skip)
			err(sp, line, "TL_BUILD_SYNTAX", "'key = value' outside any section");
		return;
	}
	key = l;
	*eq = '\0';
	v = eq + 1;
	for (end = eq; end > key && is_blank(end[-1]);)
		*--end = '\0';
	while (is_blank(*v))
		v++;
	if (*key == '\0') {
		err(sp, line, "TL_BUILD_SYNTAX", "empty key");
		return;
	}
	d = find_key((*cur)->kind, key);
	if (d == NULL) {
		err(sp, line, "TL_BUILD_UNKNOWN_KEY", "unknown key '%s' in [%s]", key,
		    sect_names[(*cur)->kind]);
		return;
	}
	if (*v == '\0') {
		err(sp, line, "TL_BUILD_BAD_VALUE", "empty value for '%s' in [%s]", key,
		    sect_names[(*cur)->kind]);
		return;
	}
	if (!d->repeat)
		for (i = 0; i < (*cur)->n; i++)
			if ((*cur)->kv[i].def == d) {
				err(sp, line, "TL_BUILD_DUPLICATE_KEY",
				    "'%s' given twice in [%s] (first on line %u)", key,
				    sect_names[(*cur)->kind], (*cur)->kv[i].line);
				return;
			}
	if (strcmp(d->name, "qualifier-policy") == 0 && get(*cur, "qualifier") == NULL) {
		err(sp, line, "TL_BUILD_SYNTAX", "'qualifier-policy' before any 'qualifier'");
		return;
	}
	check_value(sp, *cur, d, v, line, &norm);
	if (norm != NULL)
		add_kv(sp, *cur, d, norm, line);
}

static void check_required(spec *sp, const sect *s)
{
	const keydef *d;
	size_t i;

	for (d = sect_keys[s->kind]; d->name != NULL; d++)
		if (d->required && get(s, d->name) == NULL)
			err(sp, s->line, "TL_BUILD_MISSING_KEY", "[%s] lacks required key '%s'",
			    sect_names[s->kind], d->name);
	/* Each qualifier needs its criteria: a qualifier that applies to no
	 * certificate is a mistake the operator should hear about. */
	for (i = 0; i < s->n; i++) {
		size_t j;
		int found = 0;

		if (strcmp(s->kv[i].def->name, "qualifier") != 0)
			continue;
		for (j = i + 1; j < s->n && strcmp(s->kv[j].def->name, "qualifier") != 0; j++)
			found |= strcmp(s->kv[j].def->name, "qualifier-policy") == 0;
		if (!found)
			err(sp, s->kv[i].line, "TL_BUILD_MISSING_KEY",
			    "'qualifier' without a following 'qualifier-policy'");
	}
}

static void parse(spec *sp, const char *text, size_t len)
{
	size_t pos = 0;
	unsigned line = 0;
	sect *cur = NULL;
	int prev = -1, skip = 0;
	char buf[TL_BUILD_MAX_LINE + 2];
	size_t i;

	while (pos < len && !sp->nomem) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;

		line++;
		if (n > 0 && text[pos + n - 1] == '\r')
			n--;
		if (n > TL_BUILD_MAX_LINE) {
			err(sp, line, "TL_BUILD_LINE_TOO_LONG", "line longer than %d bytes",
			    TL_BUILD_MAX_LINE);
		} else if (memchr(text + pos, '\0', n) != NULL) {
			err(sp, line, "TL_BUILD_SYNTAX", "NUL byte");
		} else {
			memcpy(buf, text + pos, n);
			buf[n] = '\0';
			parse_line(sp, buf, line, &cur, &prev, &skip);
		}
		pos += (nl != NULL ? (size_t)(nl - (text + pos)) + 1 : len - pos);
	}
	if (sp->nomem)
		return;
	if (sp->n == 0 || sp->s[0].kind != S_SCHEME) {
		err(sp, line ? line : 1, "TL_BUILD_MISSING_SECTION", "no [scheme] section");
		return;
	}
	for (i = 0; i < sp->n; i++) {
		check_required(sp, &sp->s[i]);
		if (sp->s[i].kind == S_TSP &&
		    (i + 1 >= sp->n || sp->s[i + 1].kind != S_SERVICE))
			err(sp, sp->s[i].line, "TL_BUILD_MISSING_SECTION",
			    "[tsp] without a [service] (TSPServices needs one or more)");
	}
}

/* ---- pass 2: XML ---------------------------------------------------- */

typedef struct gen {
	xmlDocPtr doc;
	xmlNsPtr tsl, tslx, ecc, ds, xades;
	int failed;
} gen;

static xmlNodePtr el(gen *g, xmlNodePtr parent, xmlNsPtr ns, const char *name,
		     const char *text)
{
	xmlNodePtr n;

	if (g->failed)
		return NULL;
	/* xmlNewTextChild escapes the content ('&', '<'). */
	n = xmlNewTextChild(parent, ns, BAD_CAST name, BAD_CAST text);
	if (n == NULL)
		g->failed = 1;
	return n;
}

static xmlNodePtr el_lang(gen *g, xmlNodePtr parent, const char *name, const char *text)
{
	xmlNodePtr n = el(g, parent, g->tsl, name, text);

	if (n != NULL && xmlSetNsProp(n, xmlSearchNs(g->doc, n, BAD_CAST "xml"),
				      BAD_CAST "lang", BAD_CAST LANG) == NULL)
		g->failed = 1;
	return n;
}

static void set_attr(gen *g, xmlNodePtr n, const char *name, const char *value)
{
	if (!g->failed && xmlNewProp(n, BAD_CAST name, BAD_CAST value) == NULL)
		g->failed = 1;
}

/* InternationalNamesType with one English name. */
static xmlNodePtr names(gen *g, xmlNodePtr parent, const char *elem, const char *name)
{
	xmlNodePtr n = el(g, parent, g->tsl, elem, NULL);

	el_lang(g, n, "Name", name);
	return n;
}

/* Every value of a repeatable key, as <child xml:lang> (lang) or <child>. */
static void each(gen *g, const sect *s, const char *key, xmlNodePtr parent, xmlNsPtr ns,
		 const char *child, int lang)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->kv[i].def->name, key) == 0) {
			if (lang)
				el_lang(g, parent, child, s->kv[i].value);
			else
				el(g, parent, ns, child, s->kv[i].value);
		}
}

static int count(const sect *s, const char *key)
{
	size_t i;
	int c = 0;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->kv[i].def->name, key) == 0)
			c++;
	return c;
}

/* AddressType (TS 119 612 5.3.5.1): one English postal address, then the
 * electronic addresses (email keys first, then uri keys). */
static void address(gen *g, xmlNodePtr parent, const char *elem, const sect *s,
		    const char *pfx)
{
	char k[64];
	xmlNodePtr a, pa, p, ea;
	const char *v;

	a = el(g, parent, g->tsl, elem, NULL);
	pa = el(g, a, g->tsl, "PostalAddresses", NULL);
	p = el_lang(g, pa, "PostalAddress", NULL);
	(void)snprintf(k, sizeof k, "%sstreet", pfx);
	el(g, p, g->tsl, "StreetAddress", val(s, k));
	(void)snprintf(k, sizeof k, "%slocality", pfx);
	el(g, p, g->tsl, "Locality", val(s, k));
	(void)snprintf(k, sizeof k, "%sstate", pfx);
	if ((v = val(s, k)) != NULL)
		el(g, p, g->tsl, "StateOrProvince", v);
	(void)snprintf(k, sizeof k, "%spostal-code", pfx);
	if ((v = val(s, k)) != NULL)
		el(g, p, g->tsl, "PostalCode", v);
	(void)snprintf(k, sizeof k, "%scountry", pfx);
	el(g, p, g->tsl, "CountryName", val(s, k));
	ea = el(g, a, g->tsl, "ElectronicAddress", NULL);
	(void)snprintf(k, sizeof k, "%semail", pfx);
	each(g, s, k, ea, NULL, "URI", 1);
	(void)snprintf(k, sizeof k, "%suri", pfx);
	each(g, s, k, ea, NULL, "URI", 1);
}

static void digital_ids(gen *g, xmlNodePtr sdi, const sect *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->kv[i].def->name, "certificate") == 0)
			el(g, el(g, sdi, g->tsl, "DigitalId", NULL), g->tsl, "X509Certificate",
			   s->kv[i].value);
}

static void pointer(gen *g, xmlNodePtr parent, const sect *s)
{
	xmlNodePtr p, sdis, ai, oi;
	size_t i;
	const char *mime = val(s, "mime-type");

	p = el(g, parent, g->tsl, "OtherTSLPointer", NULL);
	/* The pointed list's signer certificates: its only trust anchors
	 * (STANDARDS.md 1.3), one ServiceDigitalIdentity each. */
	sdis = el(g, p, g->tsl, "ServiceDigitalIdentities", NULL);
	for (i = 0; i < s->n; i++)
		if (strcmp(s->kv[i].def->name, "certificate") == 0)
			el(g, el(g, el(g, sdis, g->tsl, "ServiceDigitalIdentity", NULL), g->tsl,
				 "DigitalId", NULL),
			   g->tsl, "X509Certificate", s->kv[i].value);
	el(g, p, g->tsl, "TSLLocation", val(s, "location"));
	ai = el(g, p, g->tsl, "AdditionalInformation", NULL);
	oi = el(g, ai, g->tsl, "OtherInformation", NULL);
	el(g, oi, g->tsl, "TSLType", val(s, "type"));
	oi = el(g, ai, g->tsl, "OtherInformation", NULL);
	names(g, oi, "SchemeOperatorName", val(s, "operator"));
	oi = el(g, ai, g->tsl, "OtherInformation", NULL);
	el(g, oi, g->tsl, "SchemeTerritory", val(s, "territory"));
	oi = el(g, ai, g->tsl, "OtherInformation", NULL);
	el(g, oi, g->tslx, "MimeType", mime != NULL ? mime : TSL_MIME);
	if (val(s, "mra-file") != NULL && !g->failed) {
		const char *x = val(s, "mra-file");
		xmlDocPtr d = NULL;
		xmlNodePtr c;

		if (tl_xml_read((const unsigned char *)x, strlen(x), &d, NULL, 0) != VN_OK ||
		    (c = xmlDocCopyNode(xmlDocGetRootElement(d), g->doc, 1)) == NULL) {
			g->failed = 1;
		} else {
			oi = el(g, ai, g->tsl, "OtherInformation", NULL);
			if (oi == NULL || xmlAddChild(oi, c) == NULL) {
				xmlFreeNode(c);
				g->failed = 1;
			}
		}
		xmlFreeDoc(d);
	}
}

static void scheme(gen *g, xmlNodePtr root, const spec *sp, const sect *s)
{
	xmlNodePtr si, n;
	const char *v;
	size_t i;
	int npointers = 0;

	si = el(g, root, g->tsl, "SchemeInformation", NULL);
	el(g, si, g->tsl, "TSLVersionIdentifier", "6");
	el(g, si, g->tsl, "TSLSequenceNumber", val(s, "sequence"));
	el(g, si, g->tsl, "TSLType", val(s, "type"));
	names(g, si, "SchemeOperatorName", val(s, "operator"));
	address(g, si, "SchemeOperatorAddress", s, "operator-");
	names(g, si, "SchemeName", val(s, "name"));
	n = el(g, si, g->tsl, "SchemeInformationURI", NULL);
	each(g, s, "info-uri", n, NULL, "URI", 1);
	el(g, si, g->tsl, "StatusDeterminationApproach", val(s, "status-approach"));
	if (count(s, "community-rule") > 0) {
		n = el(g, si, g->tsl, "SchemeTypeCommunityRules", NULL);
		each(g, s, "community-rule", n, NULL, "URI", 1);
	}
	el(g, si, g->tsl, "SchemeTerritory", val(s, "territory"));
	if (count(s, "legal-notice") > 0) {
		n = el(g, si, g->tsl, "PolicyOrLegalNotice", NULL);
		each(g, s, "legal-notice", n, NULL, "TSLLegalNotice", 1);
	}
	v = val(s, "historical-period");
	el(g, si, g->tsl, "HistoricalInformationPeriod", v != NULL ? v : DEFAULT_HISTORY_PERIOD);
	for (i = 0; i < sp->n; i++)
		npointers += sp->s[i].kind == S_POINTER;
	if (npointers > 0) {
		n = el(g, si, g->tsl, "PointersToOtherTSL", NULL);
		for (i = 0; i < sp->n; i++)
			if (sp->s[i].kind == S_POINTER)
				pointer(g, n, &sp->s[i]);
	}
	el(g, si, g->tsl, "ListIssueDateTime", val(s, "issued"));
	n = el(g, si, g->tsl, "NextUpdate", NULL);
	/* An empty NextUpdate closes the list (TS 119 612 5.3.15). */
	v = val(s, "next-update");
	if (v != NULL && strcmp(v, "closed") != 0)
		el(g, n, g->tsl, "dateTime", v);
	if (count(s, "distribution-point") > 0) {
		n = el(g, si, g->tsl, "DistributionPoints", NULL);
		each(g, s, "distribution-point", n, g->tsl, "URI", 0);
	}
}

/* ServiceInformationExtensions: one critical Extension per ASI, one
 * critical ecc:Qualifications holding a QualificationElement per
 * `qualifier` (criteria: its policies, atLeastOne, one PolicySet per OID),
 * and the non-critical ExpiredCertsRevocationInfo (STANDARDS.md 1.5). */
static void extensions(gen *g, xmlNodePtr parent, const sect *s)
{
	xmlNodePtr exts, ext, q = NULL, cl = NULL, qe;
	const char *ecri = val(s, "expired-certs-revocation-info");
	size_t i;

	if (count(s, "asi") == 0 && count(s, "qualifier") == 0 && ecri == NULL)
		return;
	exts = el(g, parent, g->tsl, "ServiceInformationExtensions", NULL);
	for (i = 0; i < s->n; i++)
		if (strcmp(s->kv[i].def->name, "asi") == 0) {
			ext = el(g, exts, g->tsl, "Extension", NULL);
			set_attr(g, ext, "Critical", "true");
			el_lang(g, el(g, ext, g->tsl, "AdditionalServiceInformation", NULL), "URI",
				s->kv[i].value);
		}
	for (i = 0; i < s->n; i++) {
		const char *k = s->kv[i].def->name;
		if (strcmp(k, "qualifier") == 0) {
			if (q == NULL) {
				ext = el(g, exts, g->tsl, "Extension", NULL);
				set_attr(g, ext, "Critical", "true");
				q = el(g, ext, g->ecc, "Qualifications", NULL);
			}
			qe = el(g, q, g->ecc, "QualificationElement", NULL);
			set_attr(g, el(g, el(g, qe, g->ecc, "Qualifiers", NULL), g->ecc,
				       "Qualifier", NULL),
				 "uri", s->kv[i].value);
			cl = el(g, qe, g->ecc, "CriteriaList", NULL);
			set_attr(g, cl, "assert", "atLeastOne");
		} else if (strcmp(k, "qualifier-policy") == 0 && cl != NULL) {
			const char *p = s->kv[i].value, *sp_;
			char oid[256];

			while (*p != '\0') {
				size_t n;

				sp_ = strchr(p, ' ');
				n = sp_ != NULL ? (size_t)(sp_ - p) : strlen(p);
				if (n >= sizeof oid)
					n = sizeof oid - 1;	/* oid_ok caps at 200 */
				memcpy(oid, p, n);
				oid[n] = '\0';
				el(g, el(g, el(g, cl, g->ecc, "PolicySet", NULL), g->ecc,
					 "PolicyIdentifier", NULL),
				   g->xades, "Identifier", oid);
				p += n;
				while (*p == ' ')
					p++;
			}
		}
	}
	if (ecri != NULL) {
		ext = el(g, exts, g->tsl, "Extension", NULL);
		set_attr(g, ext, "Critical", "false");
		el(g, ext, g->tsl, "ExpiredCertsRevocationInfo", ecri);
	}
}

/* The common head of ServiceInformation and ServiceHistoryInstance. */
static void service_head(gen *g, xmlNodePtr n, const sect *s)
{
	el(g, n, g->tsl, "ServiceTypeIdentifier", val(s, "type"));
	names(g, n, "ServiceName", val(s, "name"));
	digital_ids(g, el(g, n, g->tsl, "ServiceDigitalIdentity", NULL), s);
	el(g, n, g->tsl, "ServiceStatus", val(s, "status"));
	el(g, n, g->tsl, "StatusStartingTime", val(s, "start"));
}

static void tsps(gen *g, xmlNodePtr root, const spec *sp)
{
	xmlNodePtr list = NULL, tsp, info, svcs = NULL, svc = NULL, si, hist = NULL, n;
	size_t i;

	for (i = 0; i < sp->n && !g->failed; i++) {
		const sect *s = &sp->s[i];

		switch (s->kind) {
		case S_TSP:
			if (list == NULL)
				list = el(g, root, g->tsl, "TrustServiceProviderList", NULL);
			tsp = el(g, list, g->tsl, "TrustServiceProvider", NULL);
			info = el(g, tsp, g->tsl, "TSPInformation", NULL);
			names(g, info, "TSPName", val(s, "name"));
			if (count(s, "trade-name") > 0) {
				n = el(g, info, g->tsl, "TSPTradeName", NULL);
				each(g, s, "trade-name", n, NULL, "Name", 1);
			}
			address(g, info, "TSPAddress", s, "");
			n = el(g, info, g->tsl, "TSPInformationURI", NULL);
			each(g, s, "info-uri", n, NULL, "URI", 1);
			svcs = el(g, tsp, g->tsl, "TSPServices", NULL);
			break;
		case S_SERVICE:
			svc = el(g, svcs, g->tsl, "TSPService", NULL);
			si = el(g, svc, g->tsl, "ServiceInformation", NULL);
			service_head(g, si, s);
			if (count(s, "supply-point") > 0) {
				n = el(g, si, g->tsl, "ServiceSupplyPoints", NULL);
				each(g, s, "supply-point", n, g->tsl, "ServiceSupplyPoint", 0);
			}
			extensions(g, si, s);
			hist = NULL;
			break;
		case S_HISTORY:
			if (hist == NULL)
				hist = el(g, svc, g->tsl, "ServiceHistory", NULL);
			n = el(g, hist, g->tsl, "ServiceHistoryInstance", NULL);
			service_head(g, n, s);
			extensions(g, n, s);
			break;
		default:
			break;
		}
	}
}

static vn_err generate(const spec *sp, xmlDocPtr *out)
{
	gen g;
	xmlNodePtr root;

	memset(&g, 0, sizeof g);
	g.doc = xmlNewDoc(BAD_CAST "1.0");
	if (g.doc == NULL)
		return VN_ERR_NOMEM;
	root = xmlNewDocNode(g.doc, NULL, BAD_CAST "TrustServiceStatusList", NULL);
	if (root == NULL) {
		xmlFreeDoc(g.doc);
		return VN_ERR_NOMEM;
	}
	(void)xmlDocSetRootElement(g.doc, root);
	/* All five namespaces on the root, as published lists do, so that the
	 * signature added later needs no declaration of its own. */
	g.tsl = xmlNewNs(root, BAD_CAST TL_NS_TSL, BAD_CAST "tsl");
	g.tslx = xmlNewNs(root, BAD_CAST TL_NS_TSLX, BAD_CAST "tslx");
	g.ecc = xmlNewNs(root, BAD_CAST TL_NS_ECC, BAD_CAST "ecc");
	g.ds = xmlNewNs(root, BAD_CAST TL_NS_DS, BAD_CAST "ds");
	g.xades = xmlNewNs(root, BAD_CAST TL_NS_XADES, BAD_CAST "xades");
	if (!g.tsl || !g.tslx || !g.ecc || !g.ds || !g.xades) {
		xmlFreeDoc(g.doc);
		return VN_ERR_NOMEM;
	}
	xmlSetNs(root, g.tsl);
	set_attr(&g, root, "TSLTag", TSLTAG);
	scheme(&g, root, sp, &sp->s[0]);
	tsps(&g, root, sp);
	if (g.failed) {
		xmlFreeDoc(g.doc);
		return VN_ERR_NOMEM;
	}
	*out = g.doc;
	return VN_OK;
}

vn_err tl_build_mem(const char *text, size_t len, const char *basedir, xmlDocPtr *out,
		    vn_findings *errors)
{
	spec sp;
	vn_err e;

	*out = NULL;
	memset(&sp, 0, sizeof sp);
	sp.basedir = basedir;
	sp.errors = errors;
	tl_xml_global_init();
	if (len > TL_BUILD_MAX_SPEC) {
		(void)vn_findings_add(errors, VN_LEVEL_ERROR, "TL_BUILD_TOO_LARGE",
				      "spec:0: %zu bytes exceed the %zu-byte cap", len,
				      TL_BUILD_MAX_SPEC);
		return VN_ERR_TOO_LARGE;
	}
	parse(&sp, text, len);
	if (sp.nomem)
		e = VN_ERR_NOMEM;
	else if (sp.malformed)
		e = VN_ERR_MALFORMED;
	else if (sp.missing_file)
		e = VN_ERR_NOT_FOUND;
	else
		e = generate(&sp, out);
	spec_free(&sp);
	return e;
}

vn_err tl_build(const char *spec_path, xmlDocPtr *out, vn_findings *errors)
{
	vn_buf b;
	char *dir = NULL, *slash;
	vn_err e;

	*out = NULL;
	vn_buf_init(&b, TL_BUILD_MAX_SPEC);
	e = vn_buf_read_file(&b, spec_path);
	if (e == VN_ERR_TOO_LARGE) {
		(void)vn_findings_add(errors, VN_LEVEL_ERROR, "TL_BUILD_TOO_LARGE",
				      "spec:0: larger than the %zu-byte cap", TL_BUILD_MAX_SPEC);
		goto out;
	}
	if (e != VN_OK) {
		(void)vn_findings_add(errors, VN_LEVEL_ERROR, "TL_BUILD_NO_SPEC",
				      "spec:0: cannot read '%s' (%s)", spec_path, vn_err_name(e));
		goto out;
	}
	slash = strrchr(spec_path, '/');
	dir = strdup(slash != NULL ? spec_path : ".");
	if (dir == NULL) {
		e = VN_ERR_NOMEM;
		goto out;
	}
	slash = strrchr(dir, '/');
	if (slash == NULL)
		;
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	e = tl_build_mem(b.data != NULL ? (const char *)b.data : "", b.len, dir, out, errors);
out:
	free(dir);
	vn_buf_free(&b);
	return e;
}
