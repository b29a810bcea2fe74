/* valnode: XMLDSig / XAdES signatures, the signed half (EN 319 132-1;
 * XMLDSig core 1.1 clause 3.2 "core validation").
 *
 * Reference processing is our own and strict rather than xmlsec's: every
 * same-document reference resolves by ID to exactly one element of the
 * whole document, only enveloped-signature and the XMLDSig
 * canonicalisations are accepted as transforms, detached references name
 * documents the caller supplied, and nothing is ever fetched. Doing it
 * here also yields the octets each digest was computed over, which the
 * unsigned half (v_xades_unsigned.c) needs for archive timestamps.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/c14n.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/vn_b64.h"
#include "node/v_format.h"
#include "node/v_format_int.h"
#include "common/vn_certcache.h"
#include "node/v_xades_int.h"
#include "trustlists/tl_sig_pss.h"
#include "trustlists/tl_xml.h"

#define ALG_DSIG "http://www.w3.org/2000/09/xmldsig#"
#define ALG_MORE "http://www.w3.org/2001/04/xmldsig-more#"
#define ALG_ENC "http://www.w3.org/2001/04/xmlenc#"
#define ALG_ENC11 "http://www.w3.org/2007/05/xmldsig-more#"
#define ALG_ENVELOPED ALG_DSIG "enveloped-signature"
#define ALG_XPATH "http://www.w3.org/TR/1999/REC-xpath-19991116"
#define NS_EXC_C14N "http://www.w3.org/2001/10/xml-exc-c14n#"
#define TYPE_SIGNED_PROPS "http://uri.etsi.org/01903#SignedProperties"

#define XS_MAX_REFS 256		/* references in one SignedInfo */
#define XS_MAX_TRANSFORMS 4
#define XS_MAX_PREFIXES 64
#define XS_MAX_SIGVALUE 2048	/* RSA-16384 */
#define XS_MAX_CERT ((size_t)64 << 10)
#define XS_MAX_IDS 65536

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const struct digest_alg {
	const char *uri;
	const char *ossl;
} digest_algs[] = {
	{ALG_DSIG "sha1", "SHA1"},
	{ALG_MORE "sha224", "SHA224"},
	{ALG_ENC "sha256", "SHA256"},
	{ALG_MORE "sha384", "SHA384"},
	{ALG_ENC "sha512", "SHA512"},
	{ALG_ENC11 "sha3-224", "SHA3-224"},
	{ALG_ENC11 "sha3-256", "SHA3-256"},
	{ALG_ENC11 "sha3-384", "SHA3-384"},
	{ALG_ENC11 "sha3-512", "SHA3-512"},
};

enum { K_RSA, K_PSS, K_EC };

static const struct sig_alg {
	const char *uri;
	const char *ossl;	/* hash */
	int kind;
} sig_algs[] = {
	{ALG_DSIG "rsa-sha1", "SHA1", K_RSA},
	{ALG_MORE "rsa-sha224", "SHA224", K_RSA},
	{ALG_MORE "rsa-sha256", "SHA256", K_RSA},
	{ALG_MORE "rsa-sha384", "SHA384", K_RSA},
	{ALG_MORE "rsa-sha512", "SHA512", K_RSA},
	{ALG_MORE "ecdsa-sha1", "SHA1", K_EC},
	{ALG_MORE "ecdsa-sha224", "SHA224", K_EC},
	{ALG_MORE "ecdsa-sha256", "SHA256", K_EC},
	{ALG_MORE "ecdsa-sha384", "SHA384", K_EC},
	{ALG_MORE "ecdsa-sha512", "SHA512", K_EC},
	{TL_URI_PSS_SHA256, "SHA256", K_PSS},
	{TL_URI_PSS_SHA384, "SHA384", K_PSS},
	{TL_URI_PSS_SHA512, "SHA512", K_PSS},
};

static const struct c14n_mode {
	const char *uri;
	int mode;	/* xmlC14NMode */
} c14n_modes[] = {
	{"http://www.w3.org/TR/2001/REC-xml-c14n-20010315", XML_C14N_1_0},
	{"http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments", XML_C14N_1_0},
	{"http://www.w3.org/2006/12/xml-c14n11", XML_C14N_1_1},
	{"http://www.w3.org/2006/12/xml-c14n11#WithComments", XML_C14N_1_1},
	{NS_EXC_C14N, XML_C14N_EXCLUSIVE_1_0},
	{NS_EXC_C14N "WithComments", XML_C14N_EXCLUSIVE_1_0},
};

/* Every ID-like attribute value of the document, sorted, to resolve
 * "#name" and to see duplicates (the wrapping attacks' tool). */
typedef struct id_entry {
	const char *v;
	xmlNodePtr el;
} id_entry;

typedef struct id_index {
	id_entry *e;
	size_t n;
} id_index;

static void raise_check(v_sigobj *o, v_check c)
{
	if (o->check == V_CHECK_OK || c < o->check)
		o->check = c;
}

static vn_err finding(v_sigobj *o, vn_level l, const char *code, const char *msg)
{
	return vn_findings_add(&o->findings, l, code, "%s", msg);
}

/* A check failure with its finding, once per code. */
static vn_err fail(v_sigobj *o, v_check c, const char *code, const char *msg)
{
	raise_check(o, c);
	if (vn_findings_has(&o->findings, code))
		return VN_OK;
	return finding(o, VN_LEVEL_ERROR, code, msg);
}

static int is_ds(const xmlNode *n, const char *name)
{
	return tl_xml_is(n, V_NS_DSIG, name);
}

static int is_xades(const xmlNode *n, const char *name)
{
	return tl_xml_is(n, V_NS_XADES132, name) || tl_xml_is(n, V_NS_XADES141, name);
}

static xmlNodePtr xades_child(const xmlNode *n, const char *name)
{
	xmlNodePtr c;

	for (c = tl_xml_first_elem(n); c != NULL; c = tl_xml_next_elem(c))
		if (is_xades(c, name))
			return c;
	return NULL;
}

/* An attribute without namespace, as a borrowed string (single text child),
 * or NULL. */
static const char *attr(const xmlNode *n, const char *name)
{
	xmlAttrPtr a;

	for (a = n->properties; a != NULL; a = a->next)
		if (a->ns == NULL && strcmp((const char *)a->name, name) == 0) {
			if (a->children == NULL)
				return "";
			if (a->children->type != XML_TEXT_NODE || a->children->next != NULL)
				return NULL;
			return (const char *)a->children->content;
		}
	return NULL;
}

static xmlNodePtr next_elem_in_doc(xmlNodePtr n, xmlNodePtr top)
{
	xmlNodePtr c;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	while (n != top && n != NULL) {
		for (c = n->next; c != NULL; c = c->next)
			if (c->type == XML_ELEMENT_NODE)
				return c;
		n = n->parent;
	}
	return NULL;
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(((const id_entry *)a)->v, ((const id_entry *)b)->v);
}

/* Id, ID, id (no namespace) and xml:id: each can be what "#name" means to
 * some reader, so all of them count (XMLDSig 4.4.3.3 leaves ID-ness to the
 * schema; an attacker picks whichever reading suits him). */
static vn_err build_ids(xmlNodePtr root, id_index *ix)
{
	size_t cap = 0;
	xmlNodePtr e;

	ix->e = NULL;
	ix->n = 0;
	for (e = root; e != NULL; e = next_elem_in_doc(e, root)) {
		xmlAttrPtr a;
		for (a = e->properties; a != NULL; a = a->next) {
			const char *nm = (const char *)a->name;
			int is_id = a->ns == NULL && (strcmp(nm, "Id") == 0 ||
						      strcmp(nm, "ID") == 0 || strcmp(nm, "id") == 0);
			int is_xml_id = a->ns != NULL && a->ns->href != NULL &&
					strcmp((const char *)a->ns->href,
					       (const char *)XML_XML_NAMESPACE) == 0 &&
					strcmp(nm, "id") == 0;
			if (!is_id && !is_xml_id)
				continue;
			if (a->children == NULL || a->children->type != XML_TEXT_NODE ||
			    a->children->next != NULL)
				continue;
			if (ix->n == cap) {
				id_entry *nw;
				size_t ncap = cap ? cap * 2 : 32;
				if (ncap > XS_MAX_IDS)
					return VN_ERR_TOO_LARGE;
				nw = realloc(ix->e, ncap * sizeof(*nw));
				if (nw == NULL)
					return VN_ERR_NOMEM;
				ix->e = nw;
				cap = ncap;
			}
			ix->e[ix->n].v = (const char *)a->children->content;
			ix->e[ix->n].el = e;
			ix->n++;
		}
	}
	if (ix->n > 1)
		qsort(ix->e, ix->n, sizeof(*ix->e), cmp_id);
	return VN_OK;
}

/* How many elements carry the ID value v; *el the one when exactly one. */
static size_t lookup_id(const id_index *ix, const char *v, xmlNodePtr *el)
{
	size_t lo = 0, hi = ix->n, cnt = 0;

	*el = NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ix->e[mid].v, v) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ix->n && strcmp(ix->e[lo].v, v) == 0; lo++) {
		cnt++;
		*el = ix->e[lo].el;
	}
	return cnt;
}

static const EVP_MD *digest_of(const char *uri)
{
	size_t i;

	for (i = 0; uri != NULL && i < N_ELEMS(digest_algs); i++)
		if (strcmp(uri, digest_algs[i].uri) == 0)
			return EVP_get_digestbyname(digest_algs[i].ossl);
	return NULL;
}

static const struct c14n_mode *c14n_of(const char *uri)
{
	size_t i;

	for (i = 0; uri != NULL && i < N_ELEMS(c14n_modes); i++)
		if (strcmp(uri, c14n_modes[i].uri) == 0)
			return &c14n_modes[i];
	return NULL;
}

/* Text of an element, trimmed; malloc'd or NULL. */
static char *text_of(const xmlNode *n)
{
	return n != NULL ? tl_xml_text(n) : NULL;
}

/* Decode a base64 element's content. VN_ERR_MALFORMED when absent or bad. */
static vn_err b64_elem(const xmlNode *n, size_t max, unsigned char **out, size_t *len)
{
	char *t = text_of(n);
	vn_err e;

	*out = NULL;
	*len = 0;
	if (t == NULL)
		return n == NULL ? VN_ERR_MALFORMED : VN_ERR_NOMEM;
	e = vn_b64_decode(t, strlen(t), max, out, len);
	free(t);
	return e;
}

/* ---- the octets a reference's digest covers --------------------------- */

typedef struct view {
	xmlNodePtr top;		/* the referenced element, NULL: the whole document */
	xmlNodePtr exclude;	/* enveloped-signature: this signature, or NULL */
	int all_sigs;		/* the XPath "not(ancestor-or-self::ds:Signature)" */
} view;

static int visible(void *user, xmlNodePtr node, xmlNodePtr parent)
{
	const view *v = user;
	xmlNodePtr n;
	int in_top = v->top == NULL;

	if (node == NULL)
		return 0;
	n = (node->type == XML_NAMESPACE_DECL || node->type == XML_ATTRIBUTE_NODE) ? parent
										   : node;
	for (; n != NULL; n = n->parent) {
		if (n == v->exclude)
			return 0;
		if (v->all_sigs && is_ds(n, "Signature"))
			return 0;
		if (n == v->top)
			in_top = 1;
	}
	return in_top;
}

/* Exc-C14N 3: ec:InclusiveNamespaces/@PrefixList of a c14n Transform. */
static vn_err read_prefixes(const xmlNode *t, int exclusive, xmlChar ***out)
{
	xmlNodePtr c, inc = NULL;
	xmlChar **p = NULL;
	char *list = NULL, *s, *save = NULL;
	size_t n = 0;
	vn_err err = VN_OK;

	*out = NULL;
	for (c = tl_xml_first_elem(t); c != NULL; c = tl_xml_next_elem(c)) {
		if (!exclusive || inc != NULL || !tl_xml_is(c, NS_EXC_C14N, "InclusiveNamespaces"))
			return VN_ERR_MALFORMED;
		inc = c;
	}
	if (inc == NULL)
		return VN_OK;
	if (attr(inc, "PrefixList") == NULL || (list = strdup(attr(inc, "PrefixList"))) == NULL)
		return attr(inc, "PrefixList") == NULL ? VN_ERR_MALFORMED : VN_ERR_NOMEM;
	if ((p = calloc(XS_MAX_PREFIXES + 1, sizeof(*p))) == NULL) {
		err = VN_ERR_NOMEM;
		goto out;
	}
	for (s = strtok_r(list, " \t\r\n", &save); s != NULL; s = strtok_r(NULL, " \t\r\n", &save)) {
		if (n >= XS_MAX_PREFIXES) {
			err = VN_ERR_TOO_LARGE;
			goto out;
		}
		if ((p[n++] = xmlStrdup(BAD_CAST s)) == NULL) {
			err = VN_ERR_NOMEM;
			goto out;
		}
	}
	*out = p;
	p = NULL;
out:
	if (p != NULL) {
		for (n = 0; p[n] != NULL; n++)
			xmlFree(p[n]);
		free(p);
	}
	free(list);
	return err;
}

static vn_err c14n_view(xmlDocPtr doc, view *v, int mode, xmlChar **prefixes, v_blob *out)
{
	xmlBufferPtr xb = xmlBufferCreate();
	xmlOutputBufferPtr ob = NULL;
	vn_err err = VN_OK;
	int rc;

	if (xb == NULL)
		return VN_ERR_NOMEM;
	if ((ob = xmlOutputBufferCreateBuffer(xb, NULL)) == NULL) {
		err = VN_ERR_NOMEM;
		goto out;
	}
	/* Same-document references are node-sets without comments
	 * (XMLDSig 4.4.3.3), whatever c14n variant follows. */
	rc = xmlC14NExecute(doc, visible, v, mode, prefixes, 0, ob);
	if (xmlOutputBufferClose(ob) < 0 || rc < 0) {
		err = VN_ERR_CRYPTO;
		goto out;
	}
	err = v_blob_set(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
out:
	xmlBufferFree(xb);
	return err;
}

/* RFC 3986 percent-decoding of a relative reference naming a document;
 * 0 when malformed or too long. */
static int uri_decode(const char *s, char *out, size_t outsz)
{
	size_t j = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '%') {
			int hi, lo;
			if (!isxdigit((unsigned char)s[1]) || !isxdigit((unsigned char)s[2]))
				return 0;
			hi = isdigit((unsigned char)s[1]) ? s[1] - '0' : (tolower((unsigned char)s[1]) - 'a' + 10);
			lo = isdigit((unsigned char)s[2]) ? s[2] - '0' : (tolower((unsigned char)s[2]) - 'a' + 10);
			c = (unsigned char)(hi * 16 + lo);
			if (c == 0)
				return 0;
			s += 2;
		}
		if (j + 1 >= outsz)
			return 0;
		out[j++] = (char)c;
	}
	out[j] = '\0';
	return j > 0;
}

/* A URI with a scheme, an authority or an absolute path points outside
 * what the caller gave us. */
static int is_external(const char *uri)
{
	const char *p;

	if (uri[0] == '/' || uri[0] == '\\')
		return 1;
	for (p = uri; *p != '\0' && *p != '/' && *p != '?' && *p != '#'; p++)
		if (*p == ':')
			return 1;
	return strstr(uri, "..") != NULL;
}

/* The XPath transform DSS-era enveloped signatures use in place of
 * enveloped-signature: exactly "not(ancestor-or-self::P:Signature)" with P
 * bound to the XMLDSig namespace. Nothing else of XPath is evaluated. */
static int xpath_not_signature(const xmlNode *t)
{
	xmlNodePtr x = tl_xml_first_elem(t);
	char *s = NULL;
	const char *p, *colon;
	int ok = 0;
	xmlNsPtr ns;
	char pfx[64];
	size_t pl;

	if (x == NULL || !is_ds(x, "XPath") || tl_xml_next_elem(x) != NULL)
		return 0;
	if ((s = tl_xml_text(x)) == NULL)
		return 0;
	if (strncmp(s, "not(ancestor-or-self::", 22) != 0)
		goto out;
	p = s + 22;
	colon = strchr(p, ':');
	if (colon == NULL || (pl = (size_t)(colon - p)) == 0 || pl >= sizeof pfx)
		goto out;
	if (strcmp(colon, ":Signature)") != 0)
		goto out;
	memcpy(pfx, p, pl);
	pfx[pl] = '\0';
	ns = xmlSearchNs(x->doc, x, BAD_CAST pfx);
	ok = ns != NULL && ns->href != NULL && strcmp((const char *)ns->href, V_NS_DSIG) == 0;
out:
	free(s);
	return ok;
}

/* Per-signature state while references are processed. */
typedef struct sigctx {
	xmlDocPtr doc;
	xmlNodePtr sig, si, sp;
	const id_index *ix;
	const v_docs *docs;
	v_blob *octets;		/* one per reference: the canonical forms made here */
	v_octets *views;	/* one per reference: what its digest covered (an
				 * octets entry, or a detached document's bytes) */
	size_t nrefs;
	int sp_refs;		/* SignedProperties references */
	int sp_bound;		/* one of them resolves to sp */
	int data_refs;
} sigctx;

/* One ds:Reference (XMLDSig 3.2.1). Decisions go to o; errors are only
 * resource failures. */
static vn_err do_reference(sigctx *c, xmlNodePtr ref, size_t idx, v_sigobj *o)
{
	const char *uri = attr(ref, "URI"), *type = attr(ref, "Type");
	xmlNodePtr ts = NULL, dm = NULL, dv = NULL, ch, t, target = NULL;
	const EVP_MD *md;
	view v = {NULL, NULL, 0};
	const struct c14n_mode *cm = NULL;
	xmlNodePtr cm_node = NULL;
	xmlChar **prefixes = NULL;
	unsigned char *want = NULL, h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;
	size_t wl = 0, nt = 0, k;
	int is_sp = type != NULL && strcmp(type, TYPE_SIGNED_PROPS) == 0;
	const v_docfile *df = NULL;
	char name[V_DOCNAME_MAX];
	vn_err e = VN_OK;

	ch = tl_xml_first_elem(ref);
	if (is_ds(ch, "Transforms")) {
		ts = ch;
		ch = tl_xml_next_elem(ch);
	}
	if (is_ds(ch, "DigestMethod")) {
		dm = ch;
		ch = tl_xml_next_elem(ch);
	}
	if (is_ds(ch, "DigestValue")) {
		dv = ch;
		ch = tl_xml_next_elem(ch);
	}
	if (dm == NULL || dv == NULL || ch != NULL || uri == NULL)
		return fail(o, V_CHECK_FORMAT_FAILURE, "V_XADES_REFERENCE_MALFORMED",
			    "a ds:Reference lacks URI, DigestMethod or DigestValue, or has "
			    "unexpected content");
	if ((md = digest_of(attr(dm, "Algorithm"))) == NULL)
		return fail(o, V_CHECK_FORMAT_FAILURE, "V_XADES_DIGEST_ALG_UNSUPPORTED",
			    "a ds:Reference uses an unsupported digest algorithm");
	if (is_sp)
		c->sp_refs++;

	/* Transforms: [enveloped-signature | the one XPath form] then at most
	 * one c14n. XSLT, general XPath, XPath Filter 2, base64: refused. */
	for (t = ts != NULL ? tl_xml_first_elem(ts) : NULL; t != NULL; t = tl_xml_next_elem(t)) {
		const char *alg = attr(t, "Algorithm");
		if (!is_ds(t, "Transform") || alg == NULL || ++nt > XS_MAX_TRANSFORMS || cm != NULL)
			goto bad_transform;
		if (strcmp(alg, ALG_ENVELOPED) == 0 && nt == 1 && tl_xml_first_elem(t) == NULL) {
			v.exclude = c->sig;
			continue;
		}
		if (strcmp(alg, ALG_XPATH) == 0 && nt == 1 && xpath_not_signature(t)) {
			v.all_sigs = 1;
			continue;
		}
		if ((cm = c14n_of(alg)) != NULL) {
			cm_node = t;
			continue;
		}
		goto bad_transform;
	}

	if (uri[0] == '\0' || uri[0] == '#') {
		if (uri[0] == '#') {
			size_t cnt;
			/* Only the bare-name form: xpointer() is not ours. */
			if (strncmp(uri, "#xpointer(", 10) == 0)
				return fail(o, V_CHECK_FORMAT_FAILURE, "V_XADES_REF_XPOINTER",
					    "XPointer references are not supported");
			cnt = lookup_id(c->ix, uri + 1, &target);
			if (cnt > 1)
				return fail(o, V_CHECK_FORMAT_FAILURE, "V_XADES_DUPLICATE_ID",
					    "a reference's ID names more than one element of the "
					    "document (signature wrapping)");
			if (cnt == 0) {
				if (is_sp)
					goto sp_not_found;
				return fail(o, V_CHECK_SIGNED_DATA_NOT_FOUND,
					    "V_XADES_REF_NOT_FOUND",
					    "a reference names an ID no element carries");
			}
			v.top = target;
		}
		if (is_sp) {
			if (target != c->sp || c->sp == NULL)
				goto sp_not_found;
			c->sp_bound = 1;
		} else {
			c->data_refs++;
		}
		if (cm != NULL &&
		    (e = read_prefixes(cm_node, cm->mode == XML_C14N_EXCLUSIVE_1_0, &prefixes)) !=
			    VN_OK) {
			if (e == VN_ERR_NOMEM)
				goto out;
			e = VN_OK;
			goto bad_transform;
		}
		/* Without a c14n transform the node-set becomes octets by
		 * inclusive C14N 1.0 (XMLDSig 4.4.3.2). */
		e = c14n_view(c->doc, &v, cm != NULL ? cm->mode : XML_C14N_1_0, prefixes,
			      &c->octets[idx]);
		c->views[idx].p = c->octets[idx].p;
		c->views[idx].n = c->octets[idx].n;
		if (e == VN_ERR_CRYPTO) {
			e = fail(o, V_CHECK_FORMAT_FAILURE, "V_XADES_C14N_FAILED",
				 "a referenced node-set could not be canonicalised");
			goto out;
		}
		if (e != VN_OK)
			goto out;
	} else {
		if (is_sp)
			goto sp_not_found;
		c->data_refs++;
		if (is_external(uri) || !uri_decode(uri, name, sizeof name)) {
			e = fail(o, V_CHECK_FORMAT_FAILURE, "V_XADES_REF_EXTERNAL",
				 "a reference points outside the signature and the supplied "
				 "documents; nothing is fetched");
			goto out;
		}
		/* ASiC data objects are signed as they are: no transforms. */
		if (nt > 0)
			goto bad_transform;
		for (k = 0; c->docs != NULL && k < c->docs->n && df == NULL; k++)
			if (c->docs->files[k].name != NULL &&
			    strcmp(c->docs->files[k].name, name) == 0)
				df = &c->docs->files[k];
		if (df == NULL || (df->bytes == NULL && df->len > 0)) {
			e = fail(o, V_CHECK_SIGNED_DATA_NOT_FOUND, "V_XADES_DOC_NOT_FOUND",
				 "a reference names a detached document that was not supplied");
			goto out;
		}
		c->views[idx].p = df->bytes != NULL ? df->bytes : (const unsigned char *)"";
		c->views[idx].n = df->len;
	}

	if (!EVP_Digest(c->views[idx].p != NULL ? c->views[idx].p : (const unsigned char *)"",
			c->views[idx].n, h, &hl, md, NULL)) {
		e = VN_ERR_CRYPTO;
		goto out;
	}
	if (b64_elem(dv, EVP_MAX_MD_SIZE, &want, &wl) != VN_OK || wl != hl ||
	    CRYPTO_memcmp(want, h, hl) != 0) {
		e = fail(o, V_CHECK_HASH_FAILURE,
			 is_sp ? "V_XADES_SIGNED_PROPS_DIGEST" : "V_XADES_REF_DIGEST",
			 is_sp ? "the SignedProperties reference's digest does not match"
			       : "a reference's digest does not match the referenced data");
		goto out;
	}
	if (df != NULL) {
		void *nw;
		for (k = 0; k < o->ncovered; k++)
			if (strcmp(o->covered[k], name) == 0)
				goto out;
		nw = realloc(o->covered, (o->ncovered + 1) * sizeof(*o->covered));
		if (nw == NULL) {
			e = VN_ERR_NOMEM;
			goto out;
		}
		o->covered = nw;
		memcpy(o->covered[o->ncovered++], name, strlen(name) + 1);
	}
	goto out;

bad_transform:
	e = fail(o, V_CHECK_FORMAT_FAILURE, "V_XADES_TRANSFORM_REFUSED",
		 "a reference uses a transform other than enveloped-signature and one "
		 "canonicalisation (XPath, XSLT, base64 and others are refused)");
	goto out;
sp_not_found:
	/* The signature signs something called SignedProperties, but not this
	 * signature's QualifyingProperties/SignedProperties: what the verdict
	 * would speak of was not signed (the fake-SignedProperties wrapping). */
	e = fail(o, V_CHECK_SIGNED_DATA_NOT_FOUND, "V_XADES_SIGNED_PROPS_NOT_FOUND",
		 "the SignedProperties reference does not resolve to this signature's "
		 "xades:SignedProperties");
out:
	if (prefixes != NULL) {
		for (k = 0; prefixes[k] != NULL; k++)
			xmlFree(prefixes[k]);
		free(prefixes);
	}
	free(want);
	return e;
}

/* ---- signing certificate (EN 319 132-1 5.2.2) ------------------------- */

static int cert_digest_matches(X509 *x, const EVP_MD *md, const unsigned char *d, size_t dl)
{
	unsigned char *der = NULL, h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;
	int len = i2d_X509(x, &der), ok = 0;

	if (len > 0 && EVP_Digest(der, (size_t)len, h, &hl, md, NULL))
		ok = hl == dl && CRYPTO_memcmp(h, d, dl) == 0;
	OPENSSL_free(der);
	return ok;
}

/* The first xades:Cert of SigningCertificate(V2) names the signer; find it
 * among o->certs by its digest. *found 0: no carried certificate matches. */
static vn_err match_signing_cert(v_sigobj *o, xmlNodePtr scert, int *found, int *malformed)
{
	xmlNodePtr cert = xades_child(scert, "Cert"), cd, dm, dv, is;
	unsigned char *d = NULL;
	size_t dl = 0;
	const EVP_MD *md;
	int i;
	vn_err e = VN_OK;

	*found = 0;
	*malformed = 0;
	cd = cert != NULL ? xades_child(cert, "CertDigest") : NULL;
	dm = cd != NULL ? tl_xml_child(cd, V_NS_DSIG, "DigestMethod") : NULL;
	dv = cd != NULL ? tl_xml_child(cd, V_NS_DSIG, "DigestValue") : NULL;
	if (dm == NULL || dv == NULL || (md = digest_of(attr(dm, "Algorithm"))) == NULL ||
	    b64_elem(dv, EVP_MAX_MD_SIZE, &d, &dl) != VN_OK) {
		*malformed = 1;
		goto out;
	}
	for (i = 0; i < sk_X509_num(o->certs); i++) {
		X509 *x = sk_X509_value(o->certs, i);
		if (!cert_digest_matches(x, md, d, dl))
			continue;
		if (!X509_up_ref(x)) {
			e = VN_ERR_INTERNAL;
			goto out;
		}
		o->signer = x;
		*found = 1;
		break;
	}
	/* IssuerSerial (v1) is advisory: the digest identifies the
	 * certificate; a serial that contradicts it is worth saying. */
	is = cert != NULL ? xades_child(cert, "IssuerSerial") : NULL;
	if (*found && is != NULL) {
		char *sn = text_of(tl_xml_child(is, V_NS_DSIG, "X509SerialNumber"));
		BIGNUM *bn = NULL, *xs = ASN1_INTEGER_to_BN(X509_get0_serialNumber(o->signer), NULL);
		if (sn != NULL && xs != NULL && BN_dec2bn(&bn, sn) > 0 && BN_cmp(bn, xs) != 0)
			e = finding(o, VN_LEVEL_WARN, "V_XADES_ISSUER_SERIAL_MISMATCH",
				    "the SigningCertificate's IssuerSerial does not name the "
				    "certificate its digest identifies");
		BN_free(bn);
		BN_free(xs);
		free(sn);
	}
out:
	free(d);
	return e;
}

/* ---- SignatureValue (XMLDSig 3.2.2) ------------------------------------ */

/* 1 verifies, 0 does not, <0 resources. */
static int verify_value(const struct sig_alg *alg, X509 *x, const v_blob *tbs,
			const v_blob *sv)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	const EVP_MD *md = EVP_get_digestbyname(alg->ossl);
	unsigned char *der = NULL;
	const unsigned char *sig = sv->p;
	size_t siglen = sv->n;
	int base, ok = 0;

	if (pk == NULL || md == NULL)
		return 0;
	base = EVP_PKEY_get_base_id(pk);
	if ((alg->kind == K_EC) != (base == EVP_PKEY_EC))
		return 0;
	if (alg->kind != K_EC && base != EVP_PKEY_RSA && base != EVP_PKEY_RSA_PSS)
		return 0;
	if (alg->kind == K_EC) {
		if (v_ecdsa_raw_to_der(sv->p, sv->n, &der, &siglen) != VN_OK)
			return 0;
		sig = der;
	}
	if ((mctx = EVP_MD_CTX_new()) == NULL) {
		ok = -1;
		goto out;
	}
	if (EVP_DigestVerifyInit(mctx, &pctx, md, NULL, pk) != 1)
		goto out;
	if (alg->kind == K_PSS && tl_pss_params(pctx, md) != VN_OK)
		goto out;
	ok = EVP_DigestVerify(mctx, sig, siglen, tbs->p, tbs->n) == 1;
out:
	ERR_clear_error();
	EVP_MD_CTX_free(mctx);
	OPENSSL_free(der);
	return ok;
}

/* ---- one ds:Signature --------------------------------------------------- */

static int safe_id(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0' || strlen(s) >= sizeof(((v_sigobj *)0)->id))
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return 0;
	return 1;
}

static vn_err keyinfo_certs(xmlNodePtr ki, v_sigobj *o)
{
	xmlNodePtr xd, c;
	vn_err e = VN_OK;

	for (xd = tl_xml_first_elem(ki); xd != NULL; xd = tl_xml_next_elem(xd)) {
		if (!is_ds(xd, "X509Data"))
			continue;
		for (c = tl_xml_first_elem(xd); c != NULL; c = tl_xml_next_elem(c)) {
			unsigned char *der = NULL;
			size_t dl = 0;
			X509 *x;
			if (!is_ds(c, "X509Certificate"))
				continue;
			if (sk_X509_num(o->certs) >= V_MAX_CERTS)
				return finding(o, VN_LEVEL_WARN, "V_XADES_TOO_MANY_CERTS",
					       "more certificates than the cap; the rest ignored");
			if (b64_elem(c, XS_MAX_CERT, &der, &dl) != VN_OK) {
				free(der);
				if ((e = finding(o, VN_LEVEL_WARN, "V_XADES_KEYINFO_CERT_BAD",
						 "a KeyInfo certificate is not readable")) != VN_OK)
					return e;
				continue;
			}
			/* decoded once per process for the same bytes (vn_certcache.h):
			 * a returning signer's certificate costs no decode */
			x = vn_cert_decode(der, dl);
			free(der);
			ERR_clear_error();
			if (x == NULL) {
				if ((e = finding(o, VN_LEVEL_WARN, "V_XADES_KEYINFO_CERT_BAD",
						 "a KeyInfo certificate is not readable")) != VN_OK)
					return e;
				continue;
			}
			if (!sk_X509_push(o->certs, x)) {
				X509_free(x);
				return VN_ERR_NOMEM;
			}
		}
	}
	return VN_OK;
}

/* xades:QualifyingProperties of this signature (ds:Object children). */
static xmlNodePtr find_qp(xmlNodePtr sig, int *count)
{
	xmlNodePtr ob, q, found = NULL;

	*count = 0;
	for (ob = tl_xml_first_elem(sig); ob != NULL; ob = tl_xml_next_elem(ob)) {
		if (!is_ds(ob, "Object"))
			continue;
		for (q = tl_xml_first_elem(ob); q != NULL; q = tl_xml_next_elem(q))
			if (tl_xml_is(q, V_NS_XADES132, "QualifyingProperties")) {
				if (found == NULL)
					found = q;
				(*count)++;
			}
	}
	return found;
}

static vn_err signed_props(xmlNodePtr ssp, v_sigobj *o)
{
	xmlNodePtr st = xades_child(ssp, "SigningTime"), spi, id;
	vn_err e = VN_OK;

	if (st != NULL) {
		char *t = text_of(st);
		vn_time tm;
		if (t == NULL)
			return VN_ERR_NOMEM;
		if (vn_time_parse(t, VN_TIME_XSD, &tm) == VN_OK)
			o->claimed_time = tm;
		else
			e = finding(o, VN_LEVEL_WARN, "V_XADES_SIGNING_TIME_INVALID",
				    "SigningTime unreadable; ignored");
		free(t);
		if (e != VN_OK)
			return e;
	}
	spi = xades_child(ssp, "SignaturePolicyIdentifier");
	spi = spi != NULL ? xades_child(spi, "SignaturePolicyId") : NULL;
	spi = spi != NULL ? xades_child(spi, "SigPolicyId") : NULL;
	id = spi != NULL ? xades_child(spi, "Identifier") : NULL;
	if (id != NULL) {
		char *t = text_of(id);
		const char *v;
		if (t == NULL)
			return VN_ERR_NOMEM;
		v = t;
		if (strncmp(v, "urn:oid:", 8) == 0)
			v += 8;
		if (strlen(v) < sizeof o->sig_policy)
			memcpy(o->sig_policy, v, strlen(v) + 1);
		free(t);
	}
	return VN_OK;
}

static vn_err one_signature(xmlDocPtr doc, xmlNodePtr sig, const id_index *ix,
			    const v_docs *docs, size_t idx, v_sigobj *o)
{
	xmlNodePtr si, cm, smeth, ref, sv, ki = NULL, qp = NULL, sp = NULL, ssp = NULL,
							 scert = NULL, usp = NULL, c;
	const struct sig_alg *alg = NULL;
	const char *sig_id = attr(sig, "Id"), *tgt, *smu;
	sigctx cx;
	xmlBufferPtr xb = NULL;
	v_blob tbs = {NULL, 0};
	size_t i, nref = 0;
	int nqp = 0, has_scert = 0, structure_ok = 1, nki = 0;
	vn_err e = VN_OK;

	memset(&cx, 0, sizeof cx);
	o->format = V_FMT_XADES;
	o->level = V_LEVEL_NONE;
	o->check = V_CHECK_OK;
	if (safe_id(sig_id)) {
		xmlNodePtr el;
		if (lookup_id(ix, sig_id, &el) == 1)
			snprintf(o->id, sizeof o->id, "%s", sig_id);
	}
	if (o->id[0] == '\0')
		snprintf(o->id, sizeof o->id, "S-%zu", idx + 1);
	if ((o->certs = sk_X509_new_null()) == NULL)
		return VN_ERR_NOMEM;

	/* XMLDSig 4.1: SignedInfo, SignatureValue, KeyInfo?, Object*. */
	si = tl_xml_first_elem(sig);
	cm = si != NULL ? tl_xml_first_elem(si) : NULL;
	smeth = cm != NULL ? tl_xml_next_elem(cm) : NULL;
	sv = si != NULL ? tl_xml_next_elem(si) : NULL;
	if (!is_ds(si, "SignedInfo") || !is_ds(cm, "CanonicalizationMethod") ||
	    !is_ds(smeth, "SignatureMethod") || !is_ds(sv, "SignatureValue")) {
		structure_ok = 0;
	} else {
		c = tl_xml_next_elem(sv);
		if (is_ds(c, "KeyInfo")) {
			ki = c;
			c = tl_xml_next_elem(c);
		}
		for (; c != NULL; c = tl_xml_next_elem(c))
			if (!is_ds(c, "Object"))
				structure_ok = 0;
		for (ref = tl_xml_next_elem(smeth); ref != NULL; ref = tl_xml_next_elem(ref))
			if (!is_ds(ref, "Reference") || ++nref > XS_MAX_REFS)
				structure_ok = 0;
		if (nref == 0)
			structure_ok = 0;
	}
	if (!structure_ok)
		return fail(o, V_CHECK_FORMAT_FAILURE, "V_XADES_STRUCTURE",
			    "ds:Signature is not SignedInfo (CanonicalizationMethod, "
			    "SignatureMethod, Reference+), SignatureValue, KeyInfo?, Object*");

	if ((e = b64_elem(sv, XS_MAX_SIGVALUE, &o->signature_value.p, &o->signature_value.n)) !=
	    VN_OK) {
		if (e == VN_ERR_NOMEM)
			return e;
		if ((e = fail(o, V_CHECK_FORMAT_FAILURE, "V_XADES_SIGNATURE_VALUE_MALFORMED",
			      "SignatureValue is not base64 of an acceptable length")) != VN_OK)
			return e;
	}
	smu = attr(smeth, "Algorithm");
	for (i = 0; smu != NULL && i < N_ELEMS(sig_algs) && alg == NULL; i++)
		if (strcmp(smu, sig_algs[i].uri) == 0)
			alg = &sig_algs[i];
	if (alg == NULL) {
		if ((e = fail(o, V_CHECK_FORMAT_FAILURE, "V_XADES_SIG_ALG_UNSUPPORTED",
			      "the SignatureMethod is not supported")) != VN_OK)
			return e;
	} else {
		const char *dn = v_digest_name(EVP_MD_get_type(EVP_get_digestbyname(alg->ossl)));
		snprintf(o->sig_alg, sizeof o->sig_alg, "%s",
			 alg->kind == K_EC ? "ECDSA" : alg->kind == K_PSS ? "RSASSA-PSS" : "RSA");
		snprintf(o->digest_alg, sizeof o->digest_alg, "%s", dn != NULL ? dn : alg->ossl);
	}
	if (c14n_of(attr(cm, "Algorithm")) == NULL &&
	    (e = fail(o, V_CHECK_FORMAT_FAILURE, "V_XADES_C14N_UNSUPPORTED",
		      "SignedInfo's CanonicalizationMethod is not a supported c14n")) != VN_OK)
		return e;

	if (ki != NULL && (e = keyinfo_certs(ki, o)) != VN_OK)
		return e;
	nki = sk_X509_num(o->certs);

	/* XAdES: one QualifyingProperties whose Target is this signature
	 * (EN 319 132-1 4.3); its SignedProperties is what must be signed. */
	qp = find_qp(sig, &nqp);
	if (nqp > 1 && (e = fail(o, V_CHECK_FORMAT_FAILURE, "V_XADES_QP_MULTIPLE",
				 "more than one xades:QualifyingProperties")) != VN_OK)
		return e;
	if (qp != NULL) {
		tgt = attr(qp, "Target");
		if (tgt == NULL || tgt[0] != '#' || sig_id == NULL || strcmp(tgt + 1, sig_id) != 0) {
			if ((e = fail(o, V_CHECK_FORMAT_FAILURE, "V_XADES_QP_TARGET",
				      "QualifyingProperties' Target is not \"#\" and this "
				      "signature's Id")) != VN_OK)
				return e;
		}
		sp = tl_xml_child(qp, V_NS_XADES132, "SignedProperties");
		c = tl_xml_child(qp, V_NS_XADES132, "UnsignedProperties");
		usp = c != NULL ? tl_xml_child(c, V_NS_XADES132, "UnsignedSignatureProperties") : NULL;
	}

	/* References (XMLDSig 3.2.1). */
	cx.doc = doc;
	cx.sig = sig;
	cx.si = si;
	cx.sp = sp;
	cx.ix = ix;
	cx.docs = docs;
	cx.nrefs = nref;
	if ((cx.octets = calloc(nref, sizeof(*cx.octets))) == NULL ||
	    (cx.views = calloc(nref, sizeof(*cx.views))) == NULL) {
		free(cx.octets);
		return VN_ERR_NOMEM;
	}
	i = 0;
	for (ref = tl_xml_next_elem(smeth); ref != NULL; ref = tl_xml_next_elem(ref), i++)
		if ((e = do_reference(&cx, ref, i, o)) != VN_OK)
			goto out;
	if (cx.sp_refs > 1 &&
	    (e = fail(o, V_CHECK_FORMAT_FAILURE, "V_XADES_SIGNED_PROPS_REF_MULTIPLE",
		      "more than one SignedProperties reference")) != VN_OK)
		goto out;
	if (cx.data_refs == 0 &&
	    (e = fail(o, V_CHECK_SIGNED_DATA_NOT_FOUND, "V_XADES_NO_DATA_REFERENCE",
		      "the signature references no data object")) != VN_OK)
		goto out;

	if (sp != NULL && cx.sp_refs == 0) {
		/* Properties nobody signed say nothing: read as plain XMLDSig. */
		if ((e = finding(o, VN_LEVEL_WARN, "V_XADES_NO_SIGNED_PROPS_REF",
				 "no reference covers the SignedProperties: XMLDSig, not "
				 "XAdES; the signed properties are ignored")) != VN_OK)
			goto out;
	} else if (qp != NULL && sp == NULL) {
		if ((e = finding(o, VN_LEVEL_WARN, "V_XADES_NO_SIGNED_PROPS",
				 "QualifyingProperties without SignedProperties: XMLDSig, "
				 "not XAdES")) != VN_OK)
			goto out;
	}
	if (cx.sp_bound) {
		ssp = xades_child(sp, "SignedSignatureProperties");
		if (ssp != NULL) {
			if ((e = signed_props(ssp, o)) != VN_OK)
				goto out;
			scert = xades_child(ssp, "SigningCertificateV2");
			if (scert == NULL)
				scert = xades_child(ssp, "SigningCertificate");
		}
		if (scert != NULL) {
			has_scert = 1;
			o->level = V_LEVEL_B;
		} else if ((e = finding(o, VN_LEVEL_WARN, "V_XADES_NO_SIGNING_CERT_PROP",
					"no SigningCertificate(V2) signed property: not "
					"XAdES-B")) != VN_OK) {
			goto out;
		}
	}

	/* The unsigned half: timestamps, certificate and revocation values. */
	{
		v_xades_sig xs;
		memset(&xs, 0, sizeof xs);
		xs.doc = doc;
		xs.sig = sig;
		xs.signed_info = si;
		xs.c14n_uri = attr(cm, "Algorithm");
		xs.sig_value = sv;
		xs.key_info = ki;
		xs.qp = qp;
		xs.usp = usp;
		xs.docs = docs;
		xs.ref_octets = cx.views;
		xs.nrefs = cx.nrefs;
		if ((e = v_xades_unsigned(&xs, o)) != VN_OK)
			goto out;
	}

	/* ISC (EN 319 102-1 5.2.3). */
	if (has_scert) {
		int found = 0, malformed = 0;
		if ((e = match_signing_cert(o, scert, &found, &malformed)) != VN_OK)
			goto out;
		if (malformed)
			e = fail(o, V_CHECK_FORMAT_FAILURE, "V_XADES_SIGNING_CERT_MALFORMED",
				 "the SigningCertificate property is malformed");
		else if (!found)
			e = fail(o, V_CHECK_NO_SIGNING_CERT, "V_XADES_SIGNING_CERT_MISMATCH",
				 "no carried certificate matches the SigningCertificate digest");
		else
			o->has_signing_cert_ref = 1;
		if (e != VN_OK)
			goto out;
	}

	/* CV step 2: SignatureValue over the canonical SignedInfo. */
	if ((xb = xmlBufferCreate()) == NULL) {
		e = VN_ERR_NOMEM;
		goto out;
	}
	if (alg != NULL && c14n_of(attr(cm, "Algorithm")) != NULL) {
		e = tl_c14n_subtree(si, attr(cm, "Algorithm"), cm, xb);
		if (e == VN_ERR_NOMEM)
			goto out;
		if (e != VN_OK) {
			if ((e = fail(o, V_CHECK_FORMAT_FAILURE, "V_XADES_C14N_FAILED",
				      "SignedInfo could not be canonicalised")) != VN_OK)
				goto out;
		} else {
			tbs.p = (unsigned char *)xmlBufferContent(xb);
			tbs.n = (size_t)xmlBufferLength(xb);
		}
	}
	if (!has_scert && o->signer == NULL) {
		/* XMLDSig: the KeyInfo certificate whose key verifies, else
		 * the first one. */
		int k, r;
		for (k = 0; alg != NULL && tbs.p != NULL && k < nki && o->signer == NULL; k++) {
			X509 *x = sk_X509_value(o->certs, k);
			r = verify_value(alg, x, &tbs, &o->signature_value);
			if (r < 0) {
				e = VN_ERR_NOMEM;
				goto out;
			}
			if (r == 1 && X509_up_ref(x))
				o->signer = x;
		}
		if (o->signer == NULL && nki > 0 && X509_up_ref(sk_X509_value(o->certs, 0)))
			o->signer = sk_X509_value(o->certs, 0);
		if (o->signer == NULL &&
		    (e = fail(o, V_CHECK_NO_SIGNING_CERT, "V_XADES_NO_SIGNING_CERT",
			      "no certificate to verify the signature with")) != VN_OK)
			goto out;
	}
	if (o->signer != NULL) {
		EVP_PKEY *pk = X509_get0_pubkey(o->signer);
		o->key_bits = pk != NULL ? EVP_PKEY_get_bits(pk) : 0;
	}
	if (o->signer != NULL && alg != NULL && tbs.p != NULL && o->signature_value.p != NULL) {
		int r = verify_value(alg, o->signer, &tbs, &o->signature_value);
		if (r < 0) {
			e = VN_ERR_NOMEM;
			goto out;
		}
		if (r == 0 &&
		    (e = fail(o, V_CHECK_SIG_CRYPTO_FAILURE, "V_XADES_SIG_INVALID",
			      "SignatureValue does not verify with the signing certificate's "
			      "key")) != VN_OK)
			goto out;
	}
out:
	xmlBufferFree(xb);
	if (cx.octets != NULL) {
		for (i = 0; i < cx.nrefs; i++)
			free(cx.octets[i].p);
		free(cx.octets);
	}
	free(cx.views);
	return e;
}

/* The ds:Signature elements to validate: the root itself, the children of
 * asic:XAdESSignatures, or every ds:Signature not inside another one. */
static vn_err collect_sigs(xmlNodePtr root, xmlNodePtr *sigs, size_t *n)
{
	xmlNodePtr e;

	*n = 0;
	if (is_ds(root, "Signature")) {
		sigs[(*n)++] = root;
		return VN_OK;
	}
	if (tl_xml_is(root, V_NS_ASIC, "XAdESSignatures")) {
		for (e = tl_xml_first_elem(root); e != NULL; e = tl_xml_next_elem(e)) {
			if (!is_ds(e, "Signature"))
				continue;
			if (*n >= V_MAX_SIGNATURES)
				return VN_ERR_TOO_LARGE;
			sigs[(*n)++] = e;
		}
		return VN_OK;
	}
	for (e = root; e != NULL;) {
		if (is_ds(e, "Signature")) {
			xmlNodePtr nx;
			if (*n >= V_MAX_SIGNATURES)
				return VN_ERR_TOO_LARGE;
			sigs[(*n)++] = e;
			/* skip its subtree */
			for (nx = NULL; e != root && e != NULL && nx == NULL; e = e->parent)
				nx = tl_xml_next_elem(e);
			e = nx;
			continue;
		}
		e = next_elem_in_doc(e, root);
	}
	return VN_OK;
}

vn_err v_xades_parse(const unsigned char *xml, size_t n, const v_docs *docs, v_sigobj **out,
		     size_t *nout, char *why, size_t whylen)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr root, sigs[V_MAX_SIGNATURES];
	id_index ix = {NULL, 0};
	v_sigobj *objs = NULL;
	size_t nsig = 0, i, done = 0;
	vn_err e;

	*out = NULL;
	*nout = 0;
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	tl_xml_global_init();
	if (n > V_MAX_DOCUMENT) {
		if (why != NULL)
			snprintf(why, whylen, "document larger than the cap");
		return VN_ERR_TOO_LARGE;
	}
	if ((e = tl_xml_read(xml, n, &doc, why, whylen)) != VN_OK)
		return e == VN_ERR_UNSUPPORTED ? VN_ERR_MALFORMED : e;
	root = xmlDocGetRootElement(doc);
	if (root == NULL) {
		e = VN_ERR_MALFORMED;
		goto out;
	}
	if ((e = collect_sigs(root, sigs, &nsig)) != VN_OK) {
		if (why != NULL)
			snprintf(why, whylen, "more than %d signatures", V_MAX_SIGNATURES);
		goto out;
	}
	if (nsig == 0) {
		if (why != NULL)
			snprintf(why, whylen, "no ds:Signature in the document");
		e = VN_ERR_MALFORMED;
		goto out;
	}
	if ((e = build_ids(root, &ix)) != VN_OK) {
		if (why != NULL && e == VN_ERR_TOO_LARGE)
			snprintf(why, whylen, "too many ID attributes");
		goto out;
	}
	if ((objs = calloc(nsig, sizeof(*objs))) == NULL) {
		e = VN_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < nsig; i++) {
		v_sigobj_init(&objs[i]);
		done = i + 1;
		if ((e = one_signature(doc, sigs[i], &ix, docs, i, &objs[i])) != VN_OK)
			goto out;
	}
	/* Ids unique within the document. */
	for (i = 1; i < nsig; i++) {
		size_t j;
		for (j = 0; j < i; j++)
			if (strcmp(objs[i].id, objs[j].id) == 0)
				snprintf(objs[i].id, sizeof objs[i].id, "S-%zu", i + 1);
	}
	*out = objs;
	*nout = nsig;
	objs = NULL;
out:
	if (objs != NULL) {
		for (i = 0; i < done; i++)
			v_sigobj_free(&objs[i]);
		free(objs);
	}
	free(ix.e);
	xmlFreeDoc(doc);
	return e;
}
