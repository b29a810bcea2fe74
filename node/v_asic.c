/* valnode: ASiC containers (EN 319 162-1).
 *
 * The ZIP is opened from memory, read-only, and every entry is read whole
 * under caps before anything is interpreted: the declared sizes are checked
 * first (entry, total, ratio), then the bytes actually inflated are counted
 * against them, so a lying header cannot push past a cap. Then the
 * container's own format (mimetype, manifests) is checked and each
 * signature file is handed to the XAdES or CMS parser with the data files
 * as detached documents.
 *
 * Which container faults are fatal follows DSS's default validation policy
 * (ContainerConstraints): no signed data file and a missing manifest fail
 * format checking (FORMAT_FAILURE); a missing or unexpected mimetype, a
 * misplaced or compressed mimetype and data files not covered by every
 * signature are warnings.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include "common/vn_b64.h"
#include "node/v_asic.h"
#include "node/v_asic_int.h"
#include "node/v_tst_int.h"
#include "trustlists/tl_xml.h"

#define NS_ODF "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
#define NS_ASIC "http://uri.etsi.org/02918/v1.2.1#"
#define MT_E "application/vnd.etsi.asic-e+zip"
#define MT_S "application/vnd.etsi.asic-s+zip"
#define MT_BDOC "application/vnd.bdoc-1.0"	/* BDOC 2.1 legacy value */
#define META "META-INF/"

typedef enum ekind {
	K_DIR = 0,
	K_MIMETYPE,
	K_DATA,
	K_XADES,		/* META-INF/ *signatures*.xml */
	K_CADES,		/* META-INF/ *signature*.p7s */
	K_TST,			/* META-INF/ *timestamp*.tst */
	K_ODF_MANIFEST,		/* META-INF/manifest.xml */
	K_ASIC_MANIFEST,	/* META-INF/ASiCManifest*.xml */
	K_ARCHIVE_MANIFEST,	/* META-INF/ASiCArchiveManifest*.xml */
	K_KNOWN,		/* container.xml, metadata.xml (OCF): ignored */
	K_UNKNOWN
} ekind;

typedef struct entry {
	char name[V_DOCNAME_MAX];
	unsigned char *bytes;	/* owned until moved into the container */
	size_t len;
	int stored;		/* compression method STORE */
	int extra;		/* has extra fields */
	ekind kind;
	size_t file;		/* K_DATA: index into c->files */
} entry;

typedef struct actx {
	v_container *c;
	entry *ent;
	size_t nent;
	char *why;
	size_t whylen;
} actx;

static vn_err fail(char *why, size_t whylen, vn_err e, const char *fmt, ...) VN_PRINTF(4, 5);
static vn_err fail(char *why, size_t whylen, vn_err e, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && whylen > 0) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return e;
}

static vn_err note(vn_findings *f, vn_level l, const char *code, const char *fmt, ...)
	VN_PRINTF(4, 5);
static vn_err note(vn_findings *f, vn_level l, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return vn_findings_add(f, l, code, "%s", msg);
}

/* The container fails format checking (EN 319 102-1 5.2.2). */
static vn_err fc_fail(v_container *c, const char *code, const char *msg, const char *name)
{
	c->check = V_CHECK_FORMAT_FAILURE;
	return note(&c->findings, VN_LEVEL_ERROR, code, "%s%s%s", msg, name ? ": " : "",
		    name ? name : "");
}

void v_container_init(v_container *c)
{
	memset(c, 0, sizeof *c);
	c->type = V_ASIC_E;
	c->check = V_CHECK_OK;
	c->tst_check = V_CHECK_OK;
	vn_findings_init(&c->findings);
}

void v_container_free(v_container *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i].bytes);
	free(c->files);
	for (i = 0; i < c->nsigs; i++)
		v_sigobj_free(&c->sigs[i]);
	free(c->sigs);
	free(c->sigfile);
	if (c->tst != NULL) {
		free(c->tst->token.p);
		free(c->tst->imprint_input.p);
		free(c->tst->imprint_input_alt.p);
		free(c->tst);
	}
	if (c->tst_result != NULL) {
		X509_free(c->tst_result->tsa);
		free(c->tst_result);
	}
	vn_findings_free(&c->findings);
	v_container_init(c);
}

int v_asic_name_safe(const char *name)
{
	size_t len = strlen(name), i, start = 0;

	if (len == 0 || len >= V_DOCNAME_MAX || name[0] == '/')
		return 0;
	if (len >= 2 && name[1] == ':')
		return 0;	/* a drive letter */
	for (i = 0; i <= len; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (ch == '\\' || (ch != 0 && (ch < 0x20 || ch == 0x7f)))
			return 0;
		if (ch == '/' || ch == 0) {
			size_t cl = i - start;

			if (cl == 0 && !(ch == 0 && i == len && len > 0 && name[len - 1] == '/'))
				return 0;	/* empty component ("a//b") */
			if ((cl == 1 && name[start] == '.') ||
			    (cl == 2 && name[start] == '.' && name[start + 1] == '.'))
				return 0;
			start = i + 1;
		}
	}
	return 1;
}

/* ---- reading the ZIP under caps ---- */

static vn_err read_entry(zip_t *za, zip_uint64_t i, const zip_stat_t *st, entry *e, char *why,
			 size_t whylen)
{
	zip_file_t *zf = NULL;
	size_t want = (size_t)st->size, got = 0;
	vn_err r = VN_OK;

	e->bytes = malloc(want + 1);
	if (e->bytes == NULL)
		return fail(why, whylen, VN_ERR_NOMEM, "out of memory");
	zf = zip_fopen_index(za, i, 0);
	if (zf == NULL) {
		r = fail(why, whylen, VN_ERR_MALFORMED, "entry %s cannot be opened: %s", e->name,
			 zip_strerror(za));
		goto out;
	}
	/* Count what is actually inflated: ask for one byte more than declared
	 * so a header that understates the size is caught, never trusted. */
	for (;;) {
		zip_int64_t k = zip_fread(zf, e->bytes + got, (zip_uint64_t)(want + 1 - got));

		if (k < 0) {
			r = fail(why, whylen, VN_ERR_MALFORMED, "entry %s unreadable: %s", e->name,
				 zip_file_strerror(zf));
			goto out;
		}
		if (k == 0)
			break;
		got += (size_t)k;
		if (got > want) {
			r = fail(why, whylen, VN_ERR_MALFORMED,
				 "entry %s is longer than its declared size", e->name);
			goto out;
		}
	}
	if (got != want) {
		r = fail(why, whylen, VN_ERR_MALFORMED, "entry %s is shorter than declared",
			 e->name);
		goto out;
	}
	e->bytes[got] = 0;
	e->len = got;
out:
	if (zf != NULL)
		zip_fclose(zf);
	if (r != VN_OK) {
		free(e->bytes);
		e->bytes = NULL;
	}
	return r;
}

static vn_err read_entries(zip_t *za, actx *a)
{
	zip_int64_t ne = zip_get_num_entries(za, 0);
	size_t total = 0, i, j;
	const zip_uint64_t need = ZIP_STAT_NAME | ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE |
				  ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD;
	vn_err r;

	if (ne < 0)
		return fail(a->why, a->whylen, VN_ERR_MALFORMED, "ZIP directory unreadable");
	if ((zip_uint64_t)ne > V_ASIC_MAX_ENTRIES)
		return fail(a->why, a->whylen, VN_ERR_TOO_LARGE, "more than %d ZIP entries",
			    V_ASIC_MAX_ENTRIES);
	a->ent = calloc(ne > 0 ? (size_t)ne : 1, sizeof *a->ent);
	if (a->ent == NULL)
		return fail(a->why, a->whylen, VN_ERR_NOMEM, "out of memory");
	for (i = 0; i < (size_t)ne; i++) {
		entry *e = &a->ent[i];
		zip_stat_t st;

		zip_stat_init(&st);
		if (zip_stat_index(za, i, 0, &st) != 0 || (st.valid & need) != need)
			return fail(a->why, a->whylen, VN_ERR_MALFORMED, "ZIP entry %zu unreadable",
				    i);
		a->nent = i + 1;
		if (!v_asic_name_safe(st.name))
			return fail(a->why, a->whylen, VN_ERR_MALFORMED, "unsafe entry name");
		memcpy(e->name, st.name, strlen(st.name) + 1);
		for (j = 0; j < i; j++)
			if (strcmp(a->ent[j].name, e->name) == 0)
				return fail(a->why, a->whylen, VN_ERR_MALFORMED,
					    "duplicate entry name %s", e->name);
		if (st.encryption_method != ZIP_EM_NONE)
			return fail(a->why, a->whylen, VN_ERR_MALFORMED, "encrypted entry %s",
				    e->name);
		if (st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE)
			return fail(a->why, a->whylen, VN_ERR_MALFORMED,
				    "entry %s: compression method %d not supported", e->name,
				    (int)st.comp_method);
		/* Declared sizes first: a cap is refused before a byte is inflated. */
		if (st.size > V_ASIC_MAX_ENTRY)
			return fail(a->why, a->whylen, VN_ERR_TOO_LARGE, "entry %s over %zu bytes",
				    e->name, V_ASIC_MAX_ENTRY);
		if ((size_t)st.size > V_ASIC_MAX_TOTAL - total)
			return fail(a->why, a->whylen, VN_ERR_TOO_LARGE,
				    "entries over %zu bytes in total", V_ASIC_MAX_TOTAL);
		if (st.size >= V_ASIC_RATIO_FLOOR &&
		    (st.comp_size == 0 || st.size / st.comp_size > V_ASIC_MAX_RATIO))
			return fail(a->why, a->whylen, VN_ERR_TOO_LARGE,
				    "entry %s compressed more than 1:%d", e->name, V_ASIC_MAX_RATIO);
		e->stored = st.comp_method == ZIP_CM_STORE;
		e->extra = zip_file_extra_fields_count(za, i, ZIP_FL_LOCAL | ZIP_FL_CENTRAL) > 0;
		if (e->name[strlen(e->name) - 1] == '/') {
			e->kind = K_DIR;
			if (st.size != 0)
				return fail(a->why, a->whylen, VN_ERR_MALFORMED,
					    "directory entry %s has content", e->name);
			continue;
		}
		e->kind = K_UNKNOWN;	/* a file; classify() names it */
		if ((r = read_entry(za, i, &st, e, a->why, a->whylen)) != VN_OK)
			return r;
		total += e->len;
	}
	return VN_OK;
}

/* ---- classification ---- */

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && strcmp(s + a - b, suf) == 0;
}

static ekind meta_kind(const char *name)
{
	const char *base = name + strlen(META);

	if (strchr(base, '/') != NULL)
		/* OpenDocument-based containers (the Lithuanian ADOC) keep their
		 * XAdES files in META-INF/signatures/; DSS reads any
		 * META-INF/ path with "signatures" in it ending in .xml. */
		return strstr(base, "signatures") != NULL && ends_with(base, ".xml") ? K_XADES
										       : K_UNKNOWN;
	if (strcmp(base, "manifest.xml") == 0)
		return K_ODF_MANIFEST;
	if (strncmp(base, "ASiCArchiveManifest", 19) == 0 && ends_with(base, ".xml"))
		return K_ARCHIVE_MANIFEST;
	if (strncmp(base, "ASiCManifest", 12) == 0 && ends_with(base, ".xml"))
		return K_ASIC_MANIFEST;
	/* EN 319 162-1 4.4.1 / A.5: signature file names contain "signature". */
	if (strstr(base, "signatures") != NULL && ends_with(base, ".xml"))
		return K_XADES;
	if (strstr(base, "signature") != NULL && ends_with(base, ".p7s"))
		return K_CADES;
	if (strstr(base, "timestamp") != NULL && ends_with(base, ".tst"))
		return K_TST;
	if (strcmp(base, "container.xml") == 0 || strcmp(base, "metadata.xml") == 0)
		return K_KNOWN;
	return K_UNKNOWN;
}

static vn_err classify(actx *a, size_t *mimetype_at)
{
	v_container *c = a->c;
	size_t i, ndata = 0;

	*mimetype_at = (size_t)-1;
	for (i = 0; i < a->nent; i++)
		if (a->ent[i].kind != K_DIR && strncmp(a->ent[i].name, META, strlen(META)) != 0 &&
		    strcmp(a->ent[i].name, "mimetype") != 0)
			ndata++;
	c->files = calloc(ndata ? ndata : 1, sizeof *c->files);
	if (c->files == NULL)
		return fail(a->why, a->whylen, VN_ERR_NOMEM, "out of memory");
	for (i = 0; i < a->nent; i++) {
		entry *e = &a->ent[i];

		if (e->kind == K_DIR)
			continue;
		if (strcmp(e->name, "mimetype") == 0) {
			e->kind = K_MIMETYPE;
			*mimetype_at = i;
		} else if (strncmp(e->name, META, strlen(META)) == 0) {
			e->kind = meta_kind(e->name);
		} else {
			v_asic_file *f = &c->files[c->nfiles];

			e->kind = K_DATA;
			e->file = c->nfiles;
			memcpy(f->name, e->name, sizeof f->name);
			f->bytes = e->bytes;	/* moved: the container owns it now */
			f->len = e->len;
			e->bytes = NULL;
			c->nfiles++;
		}
	}
	return VN_OK;
}

static size_t count_kind(const actx *a, ekind k)
{
	size_t i, n = 0;

	for (i = 0; i < a->nent; i++)
		n += a->ent[i].kind == k;
	return n;
}

/* EN 319 162-1 4.3 (ASiC-S: one data object with one signature or time
 * assertion file) and 4.4 (ASiC-E: manifests, several files). */
static v_asic_type type_from_content(const actx *a)
{
	if (count_kind(a, K_ODF_MANIFEST) + count_kind(a, K_ASIC_MANIFEST) > 0 ||
	    a->c->nfiles > 1)
		return V_ASIC_E;
	if (a->c->nfiles == 1 && count_kind(a, K_XADES) + count_kind(a, K_CADES) +
	    count_kind(a, K_TST) > 0)
		return V_ASIC_S;
	return V_ASIC_E;
}

/* EN 319 162-1 A.1: "mimetype" is the first entry, stored, without extra
 * field, holding the container's media type. */
static vn_err check_mimetype(actx *a, size_t at)
{
	v_container *c = a->c;
	const entry *e;
	vn_err r;

	if (at == (size_t)-1) {
		c->type = type_from_content(a);
		return note(&c->findings, VN_LEVEL_WARN, "V_ASIC_MIMETYPE_MISSING",
			    "no mimetype entry; taken as %s from the content",
			    c->type == V_ASIC_S ? "ASiC-S" : "ASiC-E");
	}
	e = &a->ent[at];
	if (at != 0 && (r = note(&c->findings, VN_LEVEL_WARN, "V_ASIC_MIMETYPE_NOT_FIRST",
				 "mimetype is entry %zu, not the first", at)) != VN_OK)
		return r;
	if (!e->stored && (r = note(&c->findings, VN_LEVEL_WARN, "V_ASIC_MIMETYPE_COMPRESSED",
				    "mimetype is compressed, not stored")) != VN_OK)
		return r;
	if (e->extra && (r = note(&c->findings, VN_LEVEL_INFO, "V_ASIC_MIMETYPE_EXTRA_FIELD",
				  "mimetype entry has an extra field")) != VN_OK)
		return r;
	if (e->len < sizeof c->mimetype && memchr(e->bytes, 0, e->len) == NULL)
		memcpy(c->mimetype, e->bytes, e->len + 1);
	if (strcmp(c->mimetype, MT_E) == 0) {
		c->type = V_ASIC_E;
	} else if (strcmp(c->mimetype, MT_S) == 0) {
		c->type = V_ASIC_S;
	} else if (strcmp(c->mimetype, MT_BDOC) == 0) {
		c->type = V_ASIC_E;
		return note(&c->findings, VN_LEVEL_WARN, "V_ASIC_MIMETYPE_BDOC",
			    "legacy BDOC mimetype %s, read as ASiC-E", MT_BDOC);
	} else {
		c->type = type_from_content(a);
		return note(&c->findings, VN_LEVEL_WARN, "V_ASIC_MIMETYPE_UNKNOWN",
			    "unexpected mimetype content; taken as %s from the content",
			    c->type == V_ASIC_S ? "ASiC-S" : "ASiC-E");
	}
	return VN_OK;
}

/* ---- signatures ---- */

static int check_rank(v_check k)
{
	switch (k) {
	case V_CHECK_OK:
		return 0;
	case V_CHECK_SIGNED_DATA_NOT_FOUND:
		return 1;
	case V_CHECK_HASH_FAILURE:
	case V_CHECK_SIG_CRYPTO_FAILURE:
		return 2;
	case V_CHECK_NO_SIGNING_CERT:
		return 3;
	case V_CHECK_FORMAT_FAILURE:
	default:
		return 4;
	}
}

/* FC before ISC before CV (EN 319 102-1 5.3): the earliest failing check
 * names the result; among CV results a digest that differs outranks a
 * document that is missing. */
static void worsen(v_sigobj *s, v_check k)
{
	if (check_rank(k) > check_rank(s->check))
		s->check = k;
}

/* Takes objs (and its n objects) whatever happens. */
static vn_err push_sigs(actx *a, v_sigobj *objs, size_t n, const char *file)
{
	v_container *c = a->c;
	v_sigobj *ns = NULL;
	char(*nf)[V_DOCNAME_MAX] = NULL;
	size_t i;
	vn_err r = VN_OK;

	if (n > V_MAX_SIGNATURES - c->nsigs) {
		r = fail(a->why, a->whylen, VN_ERR_TOO_LARGE, "more than %d signatures",
			 V_MAX_SIGNATURES);
		goto out;
	}
	if ((ns = realloc(c->sigs, (c->nsigs + n + 1) * sizeof *ns)) == NULL) {
		r = fail(a->why, a->whylen, VN_ERR_NOMEM, "out of memory");
		goto out;
	}
	c->sigs = ns;
	if ((nf = realloc(c->sigfile, (c->nsigs + n + 1) * sizeof *nf)) == NULL) {
		r = fail(a->why, a->whylen, VN_ERR_NOMEM, "out of memory");
		goto out;
	}
	c->sigfile = nf;
	for (i = 0; i < n; i++) {
		c->sigs[c->nsigs] = objs[i];
		snprintf(c->sigfile[c->nsigs], V_DOCNAME_MAX, "%s", file);
		c->nsigs++;
	}
	n = 0;	/* moved */
out:
	for (i = 0; i < n; i++)
		v_sigobj_free(&objs[i]);
	free(objs);
	return r;
}

/* A signature file its parser refused: one object that fails FC. */
static vn_err push_broken(actx *a, const char *file, v_format fmt, const char *code,
			  const char *msg)
{
	v_sigobj *o = calloc(1, sizeof *o);
	vn_err r;

	if (o == NULL)
		return fail(a->why, a->whylen, VN_ERR_NOMEM, "out of memory");
	v_sigobj_init(o);
	o->format = fmt;
	o->check = V_CHECK_FORMAT_FAILURE;
	r = note(&o->findings, VN_LEVEL_ERROR, code, "%s: %s", file, msg);
	if (r != VN_OK) {
		v_sigobj_free(o);
		free(o);
		return r;
	}
	return push_sigs(a, o, 1, file);
}

static v_docs data_docs(const v_container *c, v_docfile *tmp)
{
	v_docs d;
	size_t i;

	for (i = 0; i < c->nfiles; i++) {
		tmp[i].name = c->files[i].name;
		tmp[i].bytes = c->files[i].bytes;
		tmp[i].len = c->files[i].len;
	}
	d.files = tmp;
	d.n = c->nfiles;
	return d;
}

static vn_err do_xades(actx *a, const entry *e, const v_docs *docs)
{
	v_sigobj *objs = NULL;
	size_t n = 0;
	char w[200] = "";
	vn_err r = v_xades_parse(e->bytes, e->len, docs, &objs, &n, w, sizeof w);

	if (r == VN_ERR_NOMEM)
		return fail(a->why, a->whylen, r, "out of memory");
	if (r != VN_OK)
		return push_broken(a, e->name, V_FMT_XADES, "V_ASIC_SIGNATURE_UNREADABLE", w);
	return push_sigs(a, objs, n, e->name);
}

static const v_asic_file *find_file(const v_container *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nfiles; i++)
		if (strcmp(c->files[i].name, name) == 0)
			return &c->files[i];
	return NULL;
}

static vn_err add_covered(v_sigobj *s, const char *name)
{
	char(*nc)[V_DOCNAME_MAX];
	size_t i;

	for (i = 0; i < s->ncovered; i++)
		if (strcmp(s->covered[i], name) == 0)
			return VN_OK;
	if (s->ncovered >= V_ASIC_MAX_ENTRIES)
		return VN_ERR_TOO_LARGE;
	nc = realloc(s->covered, (s->ncovered + 1) * sizeof *nc);
	if (nc == NULL)
		return VN_ERR_NOMEM;
	s->covered = nc;
	snprintf(s->covered[s->ncovered++], V_DOCNAME_MAX, "%s", name);
	return VN_OK;
}

/* XML Signature / XML Encryption digest URIs (RFC 6931). */
static const EVP_MD *md_from_uri(const char *u)
{
	static const struct {
		const char *uri;
		const char *name;
	} t[] = {
		{"http://www.w3.org/2000/09/xmldsig#sha1", "SHA1"},
		{"http://www.w3.org/2001/04/xmldsig-more#sha224", "SHA224"},
		{"http://www.w3.org/2001/04/xmlenc#sha256", "SHA256"},
		{"http://www.w3.org/2001/04/xmldsig-more#sha384", "SHA384"},
		{"http://www.w3.org/2001/04/xmlenc#sha512", "SHA512"},
		{"http://www.w3.org/2007/05/xmldsig-more#sha3-256", "SHA3-256"},
		{"http://www.w3.org/2007/05/xmldsig-more#sha3-384", "SHA3-384"},
		{"http://www.w3.org/2007/05/xmldsig-more#sha3-512", "SHA3-512"},
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(u, t[i].uri) == 0)
			return EVP_get_digestbyname(t[i].name);
	return NULL;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* A relative URI reference to an entry name: percent-decoded; 0 when it
 * does not decode to a safe name. */
static int uri_to_name(const char *uri, char *out, size_t n)
{
	size_t i, o = 0;

	for (i = 0; uri[i] != 0; i++) {
		int ch = (unsigned char)uri[i];

		if (ch == '%') {
			int h = hexval((unsigned char)uri[i + 1]), l;

			if (h < 0 || (l = hexval((unsigned char)uri[i + 2])) < 0)
				return 0;
			ch = h * 16 + l;
			i += 2;
		}
		if (ch == 0 || o + 1 >= n)
			return 0;
		out[o++] = (char)ch;
	}
	out[o] = 0;
	return v_asic_name_safe(out);
}

static char *xattr(const xmlNode *nd, const char *name)
{
	return (char *)xmlGetNoNsProp(nd, (const xmlChar *)name);
}

/* The SigReference URI of an ASiCManifest (EN 319 162-1 A.4), or "" */
static void manifest_sigref(xmlDocPtr doc, char *out, size_t n)
{
	xmlNodePtr root = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
	xmlNodePtr s = root != NULL && tl_xml_is(root, NS_ASIC, "ASiCManifest")
			       ? tl_xml_child(root, NS_ASIC, "SigReference") : NULL;
	char *u = s != NULL ? xattr(s, "URI") : NULL;

	out[0] = 0;
	if (u == NULL || !uri_to_name(u, out, n))
		out[0] = 0;
	xmlFree(u);
}

/* Check every asic:DataObjectReference of the manifest against the data
 * files, for the signatures objs[0..n) made over that manifest. */
static vn_err check_refs(actx *a, xmlDocPtr doc, v_sigobj *objs, size_t n)
{
	v_container *c = a->c;
	xmlNodePtr root = xmlDocGetRootElement(doc), d;
	size_t nrefs = 0, i;
	vn_err r = VN_OK;

	for (d = tl_xml_first_elem(root); d != NULL; d = tl_xml_next_elem(d)) {
		char name[V_DOCNAME_MAX];
		char *uri = NULL, *alg = NULL, *b64 = NULL;
		unsigned char *want = NULL, got[EVP_MAX_MD_SIZE];
		unsigned int gotlen = 0;
		size_t wantlen = 0;
		const v_asic_file *f;
		const EVP_MD *md;
		xmlNodePtr dm, dv;
		const char *code = NULL;
		v_check k = V_CHECK_OK;

		if (!tl_xml_is(d, NS_ASIC, "DataObjectReference"))
			continue;
		nrefs++;
		uri = xattr(d, "URI");
		dm = tl_xml_child(d, TL_NS_DS, "DigestMethod");
		dv = tl_xml_child(d, TL_NS_DS, "DigestValue");
		alg = dm != NULL ? xattr(dm, "Algorithm") : NULL;
		b64 = dv != NULL ? tl_xml_text(dv) : NULL;
		if (uri == NULL || !uri_to_name(uri, name, sizeof name)) {
			code = "V_ASIC_REFERENCE_BAD_URI";
			k = V_CHECK_FORMAT_FAILURE;
			snprintf(name, sizeof name, "%s", uri != NULL ? uri : "(none)");
		} else if (alg == NULL || (md = md_from_uri(alg)) == NULL || b64 == NULL ||
			   vn_b64_decode(b64, strlen(b64), EVP_MAX_MD_SIZE, &want, &wantlen) !=
				   VN_OK) {
			code = "V_ASIC_REFERENCE_BAD_DIGEST";
			k = V_CHECK_FORMAT_FAILURE;
		} else if ((f = find_file(c, name)) == NULL) {
			/* EN 319 102-1 5.2.7: the signed data object cannot be obtained */
			code = "V_ASIC_REFERENCE_FILE_MISSING";
			k = V_CHECK_SIGNED_DATA_NOT_FOUND;
		} else if (EVP_Digest(f->bytes, f->len, got, &gotlen, md, NULL) != 1) {
			r = fail(a->why, a->whylen, VN_ERR_NOMEM, "digest failed");
		} else if (gotlen != wantlen || CRYPTO_memcmp(got, want, gotlen) != 0) {
			code = "V_ASIC_REFERENCE_DIGEST_MISMATCH";
			k = V_CHECK_HASH_FAILURE;
		}
		for (i = 0; r == VN_OK && i < n; i++) {
			if (code == NULL) {
				r = add_covered(&objs[i], name);
				if (r != VN_OK)
					r = fail(a->why, a->whylen, r, "covered names");
				continue;
			}
			worsen(&objs[i], k);
			r = note(&objs[i].findings, k == V_CHECK_SIGNED_DATA_NOT_FOUND
				 ? VN_LEVEL_WARN : VN_LEVEL_ERROR, code,
				 "ASiCManifest reference %s", name);
		}
		xmlFree(uri);
		xmlFree(alg);
		free(b64);
		free(want);
		if (r != VN_OK)
			return r;
	}
	for (i = 0; nrefs == 0 && i < n; i++) {
		worsen(&objs[i], V_CHECK_FORMAT_FAILURE);
		if ((r = note(&objs[i].findings, VN_LEVEL_ERROR, "V_ASIC_MANIFEST_EMPTY",
			      "ASiCManifest has no DataObjectReference")) != VN_OK)
			return r;
	}
	return VN_OK;
}

/* ASiC-E with CAdES (EN 319 162-1 4.4.3): the .p7s signs the ASiCManifest
 * that names it, and the manifest's digests bind the data files. */
static vn_err do_cades_e(actx *a, const entry *p7s)
{
	const entry *m = NULL;
	xmlDocPtr doc = NULL;
	v_sigobj *objs = NULL;
	size_t n = 0, i, unreadable = 0;
	char w[200] = "", ref[V_DOCNAME_MAX];
	const char *code = NULL;
	v_data d;
	vn_err r;

	for (i = 0; i < a->nent && m == NULL; i++) {
		xmlDocPtr md = NULL;

		if (a->ent[i].kind != K_ASIC_MANIFEST)
			continue;
		if (tl_xml_read(a->ent[i].bytes, a->ent[i].len, &md, NULL, 0) != VN_OK) {
			unreadable++;
			continue;
		}
		manifest_sigref(md, ref, sizeof ref);
		if (strcmp(ref, p7s->name) == 0) {
			m = &a->ent[i];
			doc = md;
		} else {
			xmlFreeDoc(md);
		}
	}
	memset(&d, 0, sizeof d);
	if (m != NULL) {
		d.bytes = m->bytes;
		d.len = m->len;
	} else {
		/* No manifest to check it against: DSS's ManifestFilePresent
		 * (FAIL by default). An altered, unreadable manifest lands here. */
		code = unreadable ? "V_ASIC_MANIFEST_MALFORMED" : "V_ASIC_MANIFEST_MISSING";
	}
	r = v_cms_parse(p7s->bytes, p7s->len, m != NULL ? &d : NULL, &objs, &n, w, sizeof w);
	if (r == VN_ERR_NOMEM) {
		r = fail(a->why, a->whylen, r, "out of memory");
		goto out;
	}
	if (r != VN_OK) {
		r = push_broken(a, p7s->name, V_FMT_CMS, "V_ASIC_SIGNATURE_UNREADABLE", w);
		goto out;
	}
	if (code != NULL) {
		for (i = 0; i < n; i++) {
			worsen(&objs[i], V_CHECK_FORMAT_FAILURE);
			r = note(&objs[i].findings, VN_LEVEL_ERROR, code,
				 "no readable ASiCManifest references %s", p7s->name);
			if (r != VN_OK)
				break;
		}
	} else {
		r = check_refs(a, doc, objs, n);
	}
	if (r != VN_OK) {
		for (i = 0; i < n; i++)
			v_sigobj_free(&objs[i]);
		free(objs);
		goto out;
	}
	r = push_sigs(a, objs, n, p7s->name);
out:
	xmlFreeDoc(doc);
	return r;
}

/* ASiC-S with CAdES (EN 319 162-1 4.3.3): detached over the one file. */
static vn_err do_cades_s(actx *a, const entry *p7s, const v_asic_file *f)
{
	v_sigobj *objs = NULL;
	size_t n = 0, i;
	char w[200] = "";
	v_data d;
	vn_err r;

	memset(&d, 0, sizeof d);
	if (f != NULL) {
		d.bytes = f->bytes;
		d.len = f->len;
	}
	r = v_cms_parse(p7s->bytes, p7s->len, f != NULL ? &d : NULL, &objs, &n, w, sizeof w);
	if (r == VN_ERR_NOMEM)
		return fail(a->why, a->whylen, r, "out of memory");
	if (r != VN_OK)
		return push_broken(a, p7s->name, V_FMT_CMS, "V_ASIC_SIGNATURE_UNREADABLE", w);
	for (i = 0; f != NULL && i < n; i++)
		if (objs[i].check == V_CHECK_OK && (r = add_covered(&objs[i], f->name)) != VN_OK) {
			for (i = 0; i < n; i++)
				v_sigobj_free(&objs[i]);
			free(objs);
			return fail(a->why, a->whylen, r, "covered names");
		}
	return push_sigs(a, objs, n, p7s->name);
}

/* ASiC-S with a time assertion (EN 319 162-1 4.3.2): an RFC 3161 token
 * whose message imprint is the digest of the one data file. */
static vn_err do_tst(actx *a, const entry *t, const v_asic_file *f)
{
	v_container *c = a->c;
	const unsigned char *q = t->bytes;
	PKCS7 *p7 = NULL;
	TS_TST_INFO *ti = NULL;
	unsigned char dg[EVP_MAX_MD_SIZE];
	unsigned int dgl = 0;
	const char *code = "V_ASIC_TST_IMPRINT_OK";
	vn_level lvl = VN_LEVEL_INFO;
	vn_err r = VN_OK;

	if (c->tst != NULL) {
		r = note(&c->findings, VN_LEVEL_WARN, "V_ASIC_TST_EXTRA",
			 "a second timestamp file is ignored: %s", t->name);
		goto out;
	}
	if (t->len > V_MAX_TST || t->len == 0 ||
	    (p7 = d2i_PKCS7(NULL, &q, (long)t->len)) == NULL || q != t->bytes + t->len ||
	    (ti = PKCS7_to_TS_TST_INFO(p7)) == NULL) {
		c->tst_check = V_CHECK_FORMAT_FAILURE;
		code = "V_ASIC_TST_MALFORMED";
		lvl = VN_LEVEL_ERROR;
	} else if (f == NULL) {
		c->tst_check = V_CHECK_SIGNED_DATA_NOT_FOUND;
		code = "V_ASIC_TST_NO_DATA";
		lvl = VN_LEVEL_ERROR;
	} else {
		TS_MSG_IMPRINT *mi = TS_TST_INFO_get_msg_imprint(ti);
		X509_ALGOR *alg = TS_MSG_IMPRINT_get_algo(mi);
		ASN1_OCTET_STRING *m = TS_MSG_IMPRINT_get_msg(mi);
		const ASN1_OBJECT *obj = NULL;
		const EVP_MD *md;

		X509_ALGOR_get0(&obj, NULL, NULL, alg);
		md = obj != NULL ? EVP_get_digestbyobj(obj) : NULL;
		if (md == NULL || EVP_Digest(f->bytes, f->len, dg, &dgl, md, NULL) != 1) {
			c->tst_check = V_CHECK_FORMAT_FAILURE;
			code = "V_ASIC_TST_DIGEST_UNSUPPORTED";
			lvl = VN_LEVEL_ERROR;
		} else if ((size_t)ASN1_STRING_length(m) != dgl ||
			   CRYPTO_memcmp(ASN1_STRING_get0_data(m), dg, dgl) != 0) {
			c->tst_check = V_CHECK_HASH_FAILURE;
			code = "V_ASIC_TST_IMPRINT_MISMATCH";
			lvl = VN_LEVEL_ERROR;
		}
	}
	if ((r = note(&c->findings, lvl, code, "%s over %s", t->name,
		      f != NULL ? f->name : "(no data file)")) != VN_OK)
		goto out;
	if (c->tst_check == V_CHECK_FORMAT_FAILURE)
		goto out;
	if ((c->tst = calloc(1, sizeof *c->tst)) == NULL) {
		r = fail(a->why, a->whylen, VN_ERR_NOMEM, "out of memory");
		goto out;
	}
	c->tst->kind = V_TS_CONTENT;
	if ((r = v_blob_set(&c->tst->token, t->bytes, t->len)) != VN_OK ||
	    (f != NULL && (r = v_blob_set(&c->tst->imprint_input, f->bytes, f->len)) != VN_OK))
		r = fail(a->why, a->whylen, r, "out of memory");
out:
	TS_TST_INFO_free(ti);
	PKCS7_free(p7);
	return r;
}

/* META-INF/manifest.xml (ODF manifest, EN 319 162-1 A.6): the files it
 * lists against the data files. DSS's ManifestFilePresent: FAIL when
 * absent or unreadable. */
static vn_err check_odf_manifest(actx *a)
{
	v_container *c = a->c;
	const entry *m = NULL;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, fe;
	unsigned char *listed = NULL;
	size_t i;
	vn_err r = VN_OK;

	for (i = 0; i < a->nent; i++)
		if (a->ent[i].kind == K_ODF_MANIFEST)
			m = &a->ent[i];
	if (m == NULL)
		return fc_fail(c, "V_ASIC_MANIFEST_MISSING", "ASiC-E with XAdES needs",
			       META "manifest.xml");
	if (tl_xml_read(m->bytes, m->len, &doc, NULL, 0) != VN_OK ||
	    (root = xmlDocGetRootElement(doc)) == NULL ||
	    root->name == NULL || strcmp((const char *)root->name, "manifest") != 0) {
		r = fc_fail(c, "V_ASIC_MANIFEST_MALFORMED", "unreadable", m->name);
		goto out;
	}
	if (!tl_xml_is(root, NS_ODF, "manifest") &&
	    (r = note(&c->findings, VN_LEVEL_WARN, "V_ASIC_MANIFEST_NAMESPACE",
		      "manifest.xml root is not in the ODF manifest namespace")) != VN_OK)
		goto out;
	if ((listed = calloc(c->nfiles + 1, 1)) == NULL) {
		r = fail(a->why, a->whylen, VN_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (fe = tl_xml_first_elem(root); fe != NULL; fe = tl_xml_next_elem(fe)) {
		char *p;
		const v_asic_file *f;

		if (fe->name == NULL || strcmp((const char *)fe->name, "file-entry") != 0)
			continue;
		p = (char *)xmlGetNsProp(fe, (const xmlChar *)"full-path", (const xmlChar *)NS_ODF);
		if (p == NULL)
			p = xattr(fe, "full-path");
		if (p == NULL || strcmp(p, "/") == 0 || ends_with(p, "/")) {
			xmlFree(p);
			continue;
		}
		if ((f = find_file(c, p)) != NULL)
			listed[f - c->files] = 1;
		else
			r = note(&c->findings, VN_LEVEL_WARN, "V_ASIC_MANIFEST_FILE_MISSING",
				 "manifest.xml lists a file the container lacks: %.200s", p);
		xmlFree(p);
		if (r != VN_OK)
			goto out;
	}
	for (i = 0; i < c->nfiles; i++)
		if (!listed[i] && (r = note(&c->findings, VN_LEVEL_WARN,
					    "V_ASIC_MANIFEST_FILE_UNLISTED",
					    "data file not in manifest.xml: %s",
					    c->files[i].name)) != VN_OK)
			goto out;
out:
	free(listed);
	xmlFreeDoc(doc);
	return r;
}

vn_err v_asic_coverage(v_container *c)
{
	size_t i, j, k;
	vn_err r;

	for (i = 0; i < c->nfiles; i++) {
		size_t by = 0;

		for (j = 0; j < c->nsigs; j++)
			for (k = 0; k < c->sigs[j].ncovered; k++)
				if (strcmp(c->sigs[j].covered[k], c->files[i].name) == 0) {
					by++;
					break;
				}
		if (by == 0 && c->tst != NULL && c->tst_check == V_CHECK_OK)
			by++;	/* ASiC-S: the time assertion covers the file */
		if (by == 0 && (r = note(&c->findings, VN_LEVEL_WARN, "V_ASIC_FILE_NOT_COVERED",
					 "no signature covers %s", c->files[i].name)) != VN_OK)
			return r;
	}
	for (j = 0; j < c->nsigs; j++) {
		v_sigobj *s = &c->sigs[j];

		for (i = 0; i < c->nfiles; i++) {
			for (k = 0; k < s->ncovered; k++)
				if (strcmp(s->covered[k], c->files[i].name) == 0)
					break;
			if (k < s->ncovered)
				continue;
			if ((r = note(&s->findings, VN_LEVEL_WARN, "V_ASIC_SIG_PARTIAL_COVERAGE",
				      "the signature does not cover %s", c->files[i].name)) != VN_OK)
				return r;
		}
	}
	return VN_OK;
}

static vn_err interpret(actx *a)
{
	v_container *c = a->c;
	v_docfile *tmp = NULL;
	v_docs docs;
	const v_asic_file *one;
	size_t i, mt;
	vn_err r;

	if ((r = classify(a, &mt)) != VN_OK)
		return r;
	if ((r = check_mimetype(a, mt)) != VN_OK)
		return r;
	one = c->nfiles == 1 ? &c->files[0] : NULL;
	/* DSS SignedFilesPresent (FAIL): a container signs at least one file. */
	if (c->nfiles == 0 && (r = fc_fail(c, "V_ASIC_NO_DATA_FILE",
					   "the container holds no data file", NULL)) != VN_OK)
		return r;
	/* EN 319 162-1 4.3.1: ASiC-S holds exactly one data object. */
	if (c->type == V_ASIC_S && c->nfiles > 1 &&
	    (r = fc_fail(c, "V_ASIC_S_MULTIPLE_FILES", "ASiC-S with more than one data file",
			 NULL)) != VN_OK)
		return r;
	if (count_kind(a, K_XADES) + count_kind(a, K_CADES) + count_kind(a, K_TST) == 0 &&
	    (r = fc_fail(c, "V_ASIC_NO_SIGNATURE", "no signature or timestamp file", NULL)) !=
		    VN_OK)
		return r;
	if (c->type == V_ASIC_E && count_kind(a, K_XADES) > 0 &&
	    (r = check_odf_manifest(a)) != VN_OK)
		return r;
	if ((tmp = calloc(c->nfiles + 1, sizeof *tmp)) == NULL)
		return fail(a->why, a->whylen, VN_ERR_NOMEM, "out of memory");
	docs = data_docs(c, tmp);
	for (i = 0; i < a->nent && r == VN_OK; i++) {
		const entry *e = &a->ent[i];

		switch (e->kind) {
		case K_XADES:
			r = do_xades(a, e, &docs);
			break;
		case K_CADES:
			r = c->type == V_ASIC_S ? do_cades_s(a, e, one) : do_cades_e(a, e);
			break;
		case K_TST:
			if (c->type == V_ASIC_S)
				r = do_tst(a, e, one);
			else
				r = note(&c->findings, VN_LEVEL_WARN, "V_ASIC_TST_UNSUPPORTED",
					 "ASiC-E time assertion not validated: %s", e->name);
			break;
		case K_ARCHIVE_MANIFEST:
			r = note(&c->findings, VN_LEVEL_INFO, "V_ASIC_ARCHIVE_MANIFEST_IGNORED",
				 "archive manifest not evaluated: %s", e->name);
			break;
		case K_UNKNOWN:
			r = note(&c->findings, VN_LEVEL_WARN, "V_ASIC_META_INF_UNKNOWN",
				 "unknown file in META-INF: %s", e->name);
			break;
		default:
			break;
		}
	}
	free(tmp);
	if (r != VN_OK)
		return r;
	/* Ids unique across the container, in entry order. */
	for (i = 0; i < c->nsigs; i++)
		snprintf(c->sigs[i].id, sizeof c->sigs[i].id, "S-%zu", i + 1);
	return v_asic_coverage(c);
}

vn_err v_asic_parse(const unsigned char *zip, size_t n, v_container *out, char *why,
		    size_t whylen)
{
	zip_source_t *src = NULL;
	zip_t *za = NULL;
	zip_error_t zerr;
	actx a;
	size_t i;
	vn_err r;

	v_container_init(out);
	memset(&a, 0, sizeof a);
	a.c = out;
	a.why = why;
	a.whylen = whylen;
	if (why != NULL && whylen > 0)
		why[0] = 0;
	tl_xml_global_init();
	zip_error_init(&zerr);
	if (n == 0) {
		r = fail(why, whylen, VN_ERR_MALFORMED, "not a ZIP file");
		goto out;
	}
	if ((src = zip_source_buffer_create(zip, n, 0, &zerr)) == NULL) {
		r = fail(why, whylen, VN_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* ZIP_CHECKCONS: local and central headers must agree. */
	if ((za = zip_open_from_source(src, ZIP_RDONLY, &zerr)) == NULL) {
		r = fail(why, whylen, VN_ERR_MALFORMED, "not a ZIP file: %s",
			 zip_error_strerror(&zerr));
		goto out;
	}
	src = NULL;	/* the archive owns it */
	/* Names come from the central directory; the local headers' names are
	 * not compared with them (libzip does not expose them). */
	if ((r = read_entries(za, &a)) != VN_OK)
		goto out;
	r = interpret(&a);
out:
	for (i = 0; i < a.nent; i++)
		free(a.ent[i].bytes);
	free(a.ent);
	if (za != NULL)
		zip_discard(za);
	zip_source_free(src);
	zip_error_fini(&zerr);
	if (r != VN_OK)
		v_container_free(out);
	return r;
}
