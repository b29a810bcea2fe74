/* valnode: verification of a trusted list's enveloped XAdES signature.
 *
 * xmlsec1 does the XMLDSig core (digests, canonicalisation, the signature
 * value); everything it does not enforce is checked here first, before any
 * byte is hashed, because that is where signature wrapping lives
 * (TS 119 612 clause 5.7; STANDARDS.md 1.7; DSS tsl-constraint.xml).
 * For RSASSA-PSS, which xmlsec 1.2 lacks, xmlsec still checks the
 * references and tl_sig_pss.c checks the signature value with OpenSSL,
 * after the same structural checks.
 *
 * Finding codes (stable: never renamed once released):
 *
 * code                          level  verdict
 * TL_SIG_OK                     info   TOTAL-PASSED
 * TL_SIG_MISSING                error  TOTAL-FAILED / FORMAT_FAILURE: no ds:Signature
 * TL_SIG_MULTIPLE               error  TOTAL-FAILED / FORMAT_FAILURE: more than one
 * TL_SIG_NOT_ROOT_CHILD         error  TOTAL-FAILED / FORMAT_FAILURE
 * TL_SIG_STRUCTURE              error  TOTAL-FAILED / FORMAT_FAILURE: SignedInfo, Object,
 *                                      QualifyingProperties not as XMLDSig/XAdES say
 * TL_SIG_DUPLICATE_ID           error  TOTAL-FAILED / FORMAT_FAILURE: two elements, one Id
 * TL_SIG_REFERENCE_SCOPE        error  TOTAL-FAILED / FORMAT_FAILURE: the data reference
 *                                      is missing, doubled, or not "" / "#<root Id>";
 *                                      a reference to anything else
 * TL_SIG_EXTERNAL_URI           error  TOTAL-FAILED / FORMAT_FAILURE: a reference URI
 *                                      outside the document
 * TL_SIG_TRANSFORM              error  TOTAL-FAILED / FORMAT_FAILURE: a transform other
 *                                      than enveloped-signature + one c14n
 * TL_SIG_ALGORITHM_UNKNOWN      error  TOTAL-FAILED / FORMAT_FAILURE: a c14n, digest or
 *                                      signature method we do not know; pss:RSAPSSParams
 * TL_SIG_CERT_MALFORMED         error  TOTAL-FAILED / FORMAT_FAILURE: a KeyInfo
 *                                      certificate that does not decode
 * TL_SIG_SIGNING_TIME           error  TOTAL-FAILED / FORMAT_FAILURE: SigningTime not an
 *                                      xsd:dateTime
 * TL_SIG_XMLSEC_REJECTED        error  TOTAL-FAILED / FORMAT_FAILURE: xmlsec could not
 *                                      process the signature (bad base64, ...)
 * TL_SIG_DIGEST                 error  TOTAL-FAILED / HASH_FAILURE
 * TL_SIG_VALUE                  error  TOTAL-FAILED / SIG_CRYPTO_FAILURE
 * TL_SIG_UNTRUSTED_SIGNER       error  INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND
 * TL_SIG_SIGNING_CERT_MISMATCH  error  INDETERMINATE / NO_SIGNING_CERTIFICATE_FOUND
 * TL_SIG_WEAK_ALGORITHM         error  INDETERMINATE / CRYPTO_CONSTRAINTS_FAILURE_NO_POE:
 *                                      MD5 or SHA-1 digest or signature
 * TL_SIG_WEAK_KEY               error  INDETERMINATE / CRYPTO_CONSTRAINTS_FAILURE_NO_POE:
 *                                      RSA/DSA < 1024 bits, EC < 256 bits
 * TL_SIG_NO_SIGNED_PROPERTIES   warn   (none): no reference covers xades:SignedProperties,
 *                                      so SigningTime / SigningCertificate are ignored
 * TL_SIG_SIGNING_TIME_OUTSIDE   warn   (none): SigningTime outside the signer's validity
 */
#include "trustlists/tl_sig.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/valid.h>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/keys.h>
#include <xmlsec/keyinfo.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/openssl/crypto.h>
#include <xmlsec/openssl/x509.h>

#include "common/vn_b64.h"
#include "common/vn_buf.h"
#include "trustlists/tl_sig_pss.h"
#include "trustlists/tl_xml.h"
#include "trustlists/tl_xmlsec.h"

/* Caps against hostile input. */
#define SIG_MAX_REFERENCES 8	/* a list signature has two */
#define SIG_MAX_TRANSFORMS 4
#define SIG_MAX_KEYINFO_CERTS 16
#define SIG_MAX_CERT_BYTES ((size_t)64 << 10)
#define SIG_MAX_IDS 100000
#define CERTS_MAX_FILE ((size_t)4 << 20)
#define CERTS_MAX_COUNT 512

/* Thresholds of DSS's tsl-constraint policy for list signatures
 * (STANDARDS.md 1.7, 8): RSA 1024, EC 256 as required here (the list policy
 * itself stops at 192). The signer (tl_sign.c) is stricter: RSA 2048. */
#define MIN_RSA_BITS 1024
#define MIN_DSA_BITS 1024
#define MIN_EC_BITS 256

#define ALG_XMLDSIG "http://www.w3.org/2000/09/xmldsig#"
#define ALG_MORE "http://www.w3.org/2001/04/xmldsig-more#"
#define ALG_XMLENC "http://www.w3.org/2001/04/xmlenc#"
#define ALG_ENVELOPED ALG_XMLDSIG "enveloped-signature"
#define TYPE_SIGNED_PROPS "http://uri.etsi.org/01903#SignedProperties"

typedef xmlSecTransformId (*xform_get)(void);

/* The canonicalisations TS 119 612 lists use (exclusive, or inclusive as in
 * the Estonian lists), with or without comments. */
static const struct c14n_alg {
	const char *uri;
	xform_get id;
} c14n_algs[] = {
	{"http://www.w3.org/TR/2001/REC-xml-c14n-20010315", xmlSecTransformInclC14NGetKlass},
	{"http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
	 xmlSecTransformInclC14NWithCommentsGetKlass},
	{"http://www.w3.org/2006/12/xml-c14n11", xmlSecTransformInclC14N11GetKlass},
	{"http://www.w3.org/2006/12/xml-c14n11#WithComments",
	 xmlSecTransformInclC14N11WithCommentsGetKlass},
	{"http://www.w3.org/2001/10/xml-exc-c14n#", xmlSecTransformExclC14NGetKlass},
	{"http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
	 xmlSecTransformExclC14NWithCommentsGetKlass},
};

static const struct digest_alg {
	const char *uri;
	xform_get id;
	const char *ossl;	/* OpenSSL name, for xades CertDigest */
	int weak;		/* TS 119 312: expired for signatures (STANDARDS.md 8) */
} digest_algs[] = {
	{ALG_XMLDSIG "sha1", xmlSecOpenSSLTransformSha1GetKlass, "SHA1", 1},
	{ALG_MORE "sha224", xmlSecOpenSSLTransformSha224GetKlass, "SHA224", 0},
	{ALG_XMLENC "sha256", xmlSecOpenSSLTransformSha256GetKlass, "SHA256", 0},
	{ALG_MORE "sha384", xmlSecOpenSSLTransformSha384GetKlass, "SHA384", 0},
	{ALG_XMLENC "sha512", xmlSecOpenSSLTransformSha512GetKlass, "SHA512", 0},
	{ALG_MORE "md5", xmlSecOpenSSLTransformMd5GetKlass, "MD5", 1},
};

/* An entry without an xmlsec transform (id NULL) is RSASSA-PSS: xmlsec 1.2
 * has none, so tl_sig_pss.c does the signature step (RFC 6931 2.3.10). */
static const struct sig_alg {
	const char *uri;
	xform_get id;
	int key_type;	/* EVP_PKEY_RSA, EVP_PKEY_EC, EVP_PKEY_DSA */
	int weak;
} sig_algs[] = {
	{ALG_XMLDSIG "rsa-sha1", xmlSecOpenSSLTransformRsaSha1GetKlass, EVP_PKEY_RSA, 1},
	{ALG_MORE "rsa-sha224", xmlSecOpenSSLTransformRsaSha224GetKlass, EVP_PKEY_RSA, 0},
	{ALG_MORE "rsa-sha256", xmlSecOpenSSLTransformRsaSha256GetKlass, EVP_PKEY_RSA, 0},
	{ALG_MORE "rsa-sha384", xmlSecOpenSSLTransformRsaSha384GetKlass, EVP_PKEY_RSA, 0},
	{ALG_MORE "rsa-sha512", xmlSecOpenSSLTransformRsaSha512GetKlass, EVP_PKEY_RSA, 0},
	{ALG_MORE "rsa-md5", xmlSecOpenSSLTransformRsaMd5GetKlass, EVP_PKEY_RSA, 1},
	{ALG_MORE "ecdsa-sha1", xmlSecOpenSSLTransformEcdsaSha1GetKlass, EVP_PKEY_EC, 1},
	{ALG_MORE "ecdsa-sha224", xmlSecOpenSSLTransformEcdsaSha224GetKlass, EVP_PKEY_EC, 0},
	{ALG_MORE "ecdsa-sha256", xmlSecOpenSSLTransformEcdsaSha256GetKlass, EVP_PKEY_EC, 0},
	{ALG_MORE "ecdsa-sha384", xmlSecOpenSSLTransformEcdsaSha384GetKlass, EVP_PKEY_EC, 0},
	{ALG_MORE "ecdsa-sha512", xmlSecOpenSSLTransformEcdsaSha512GetKlass, EVP_PKEY_EC, 0},
	{ALG_XMLDSIG "dsa-sha1", xmlSecOpenSSLTransformDsaSha1GetKlass, EVP_PKEY_DSA, 1},
	{"http://www.w3.org/2009/xmldsig11#dsa-sha256", xmlSecOpenSSLTransformDsaSha256GetKlass,
	 EVP_PKEY_DSA, 0},
	{TL_URI_PSS_SHA256, NULL, EVP_PKEY_RSA, 0},
	{TL_URI_PSS_SHA384, NULL, EVP_PKEY_RSA, 0},
	{TL_URI_PSS_SHA512, NULL, EVP_PKEY_RSA, 0},
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* What the structural pass learned about the one signature. */
typedef struct sig_shape {
	xmlNodePtr sig;
	xmlNodePtr signed_props;	/* referenced xades:SignedProperties, or NULL */
	xmlAttrPtr root_id;		/* root's Id attribute, or NULL */
	xmlAttrPtr props_id;		/* SignedProperties' Id attribute, or NULL */
	const struct sig_alg *sig_alg;
	const struct digest_alg *digests[SIG_MAX_REFERENCES];
	size_t n_refs;
} sig_shape;

void tl_sig_result_init(tl_sig_result *r)
{
	memset(r, 0, sizeof(*r));
	r->indication = VN_IND_INDETERMINATE;
	r->sub = VN_SUB_NONE;
	r->signing_time = VN_TIME_NONE;
	vn_findings_init(&r->findings);
}

void tl_sig_result_free(tl_sig_result *r)
{
	if (r == NULL)
		return;
	X509_free(r->signer);
	free(r->sig_alg);
	free(r->digest_alg);
	vn_findings_free(&r->findings);
	memset(r, 0, sizeof(*r));
	r->indication = VN_IND_INDETERMINATE;
	r->signing_time = VN_TIME_NONE;
}

/* Record the verdict and its finding; the first verdict set wins, so the
 * most fundamental failure found is the one reported. */
static vn_err verdict(tl_sig_result *r, int *decided, vn_indication ind, vn_subind sub,
		      vn_level level, const char *code, const char *msg)
{
	if (!*decided) {
		r->indication = ind;
		r->sub = sub;
		*decided = 1;
	}
	return vn_findings_add(&r->findings, level, code, "%s", msg);
}

static const char *attr(const xmlNode *n, const char *name)
{
	xmlAttrPtr a;

	for (a = n->properties; a != NULL; a = a->next)
		if (a->ns == NULL && strcmp((const char *)a->name, name) == 0 &&
		    a->children != NULL && a->children->type == XML_TEXT_NODE &&
		    a->children->next == NULL)
			return (const char *)a->children->content;
	return NULL;
}

static xmlAttrPtr attr_node(const xmlNode *n, const char *name)
{
	xmlAttrPtr a;

	for (a = n->properties; a != NULL; a = a->next)
		if (a->ns == NULL && strcmp((const char *)a->name, name) == 0)
			return a;
	return NULL;
}

static int is_ds(const xmlNode *n, const char *name)
{
	return tl_xml_is(n, TL_NS_DS, name);
}

static const struct c14n_alg *find_c14n(const char *uri)
{
	size_t i;

	for (i = 0; uri != NULL && i < N_ELEMS(c14n_algs); i++)
		if (strcmp(uri, c14n_algs[i].uri) == 0)
			return &c14n_algs[i];
	return NULL;
}

static const struct digest_alg *find_digest(const char *uri)
{
	size_t i;

	for (i = 0; uri != NULL && i < N_ELEMS(digest_algs); i++)
		if (strcmp(uri, digest_algs[i].uri) == 0)
			return &digest_algs[i];
	return NULL;
}

static const struct sig_alg *find_sig(const char *uri)
{
	size_t i;

	for (i = 0; uri != NULL && i < N_ELEMS(sig_algs); i++)
		if (strcmp(uri, sig_algs[i].uri) == 0)
			return &sig_algs[i];
	return NULL;
}

/* Walk every element of the document without recursion (depth is capped by
 * tl_xml_read, but a caller may hand us a tree built otherwise). */
static xmlNodePtr next_elem_in_doc(xmlNodePtr n, xmlNodePtr top)
{
	if (n->children != NULL) {
		xmlNodePtr c;
		for (c = n->children; c != NULL; c = c->next)
			if (c->type == XML_ELEMENT_NODE)
				return c;
	}
	while (n != top) {
		xmlNodePtr s;
		for (s = n->next; s != NULL; s = s->next)
			if (s->type == XML_ELEMENT_NODE)
				return s;
		n = n->parent;
		if (n == NULL)
			return NULL;
	}
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Count ds:Signature elements anywhere, and check that no two elements share
 * an Id: a duplicate lets "#id" mean two things to two readers.
 * Returns VN_OK and sets *nsig, *dup (the duplicated value or NULL). */
static vn_err scan_doc(xmlNodePtr root, size_t *nsig, xmlNodePtr *first_sig, const char **dup)
{
	const char **ids = NULL;
	size_t n = 0, cap = 0, i;
	xmlNodePtr e;
	vn_err err = VN_OK;

	*nsig = 0;
	*first_sig = NULL;
	*dup = NULL;
	for (e = root; e != NULL; e = next_elem_in_doc(e, root)) {
		xmlAttrPtr a;
		if (is_ds(e, "Signature")) {
			if (*nsig == 0)
				*first_sig = e;
			(*nsig)++;
		}
		for (a = e->properties; a != NULL; a = a->next) {
			const char *v;
			/* Id, and xml:id which libxml2 registers as an ID by
			 * itself: both can be the target of "#..." */
			int is_id = a->ns == NULL && strcmp((const char *)a->name, "Id") == 0;
			int is_xml_id = a->ns != NULL && a->ns->href != NULL &&
					strcmp((const char *)a->ns->href,
					       (const char *)XML_XML_NAMESPACE) == 0 &&
					strcmp((const char *)a->name, "id") == 0;
			if (!is_id && !is_xml_id)
				continue;
			if (a->children == NULL || a->children->type != XML_TEXT_NODE ||
			    a->children->next != NULL)
				continue;
			v = (const char *)a->children->content;
			if (n == cap) {
				const char **nw;
				size_t ncap = cap ? cap * 2 : 16;
				if (ncap > SIG_MAX_IDS) {
					err = VN_ERR_TOO_LARGE;
					goto out;
				}
				nw = realloc(ids, ncap * sizeof(*ids));
				if (nw == NULL) {
					err = VN_ERR_NOMEM;
					goto out;
				}
				ids = nw;
				cap = ncap;
			}
			ids[n++] = v;
		}
	}
	if (n > 1) {
		qsort(ids, n, sizeof(*ids), cmp_str);
		for (i = 1; i < n; i++)
			if (strcmp(ids[i - 1], ids[i]) == 0) {
				*dup = ids[i];
				break;
			}
	}
out:
	free(ids);
	return err;
}

/* The xades:SignedProperties of this signature:
 * ds:Object/xades:QualifyingProperties/xades:SignedProperties. */
static xmlNodePtr own_signed_props(xmlNodePtr sig)
{
	xmlNodePtr o, q, p;

	for (o = tl_xml_first_elem(sig); o != NULL; o = tl_xml_next_elem(o)) {
		if (!is_ds(o, "Object"))
			continue;
		for (q = tl_xml_first_elem(o); q != NULL; q = tl_xml_next_elem(q)) {
			if (!tl_xml_is(q, TL_NS_XADES, "QualifyingProperties"))
				continue;
			p = tl_xml_child(q, TL_NS_XADES, "SignedProperties");
			if (p != NULL)
				return p;
		}
	}
	return NULL;
}

typedef enum ref_kind { REF_DATA, REF_PROPS } ref_kind;

/* Transforms of one reference (TS 119 612 5.7 / STANDARDS.md 1.7 rule 3):
 * data: enveloped-signature, then at most one c14n;
 * SignedProperties: at most one c14n. Anything else (XPath, XPath Filter 2,
 * XSLT, base64, a second enveloped) is refused. */
static int transforms_ok(xmlNodePtr ts, ref_kind kind, const char **why)
{
	xmlNodePtr t;
	size_t n = 0;
	int seen_env = 0, seen_c14n = 0;

	if (ts == NULL) {
		if (kind == REF_DATA) {
			*why = "the data reference lacks the enveloped-signature transform";
			return 0;
		}
		return 1;
	}
	for (t = tl_xml_first_elem(ts); t != NULL; t = tl_xml_next_elem(t)) {
		const char *alg = attr(t, "Algorithm");
		if (!is_ds(t, "Transform") || alg == NULL || ++n > SIG_MAX_TRANSFORMS) {
			*why = "a Transforms child that is not a ds:Transform with an Algorithm";
			return 0;
		}
		if (strcmp(alg, ALG_ENVELOPED) == 0 && kind == REF_DATA && n == 1) {
			seen_env = 1;
			continue;
		}
		if (find_c14n(alg) != NULL && !seen_c14n && (kind == REF_PROPS || seen_env)) {
			xmlNodePtr c;
			/* Only exc-c14n's InclusiveNamespaces may sit inside. */
			for (c = tl_xml_first_elem(t); c != NULL; c = tl_xml_next_elem(c))
				if (!tl_xml_is(c, "http://www.w3.org/2001/10/xml-exc-c14n#",
					       "InclusiveNamespaces")) {
					*why = "unexpected content inside a c14n transform";
					return 0;
				}
			seen_c14n = 1;
			continue;
		}
		*why = "a transform other than enveloped-signature followed by one c14n";
		return 0;
	}
	if (kind == REF_DATA && !seen_env) {
		*why = "the data reference lacks the enveloped-signature transform";
		return 0;
	}
	return 1;
}

/* The structural anti-wrapping rules of tl_sig.h. On a violation sets the
 * verdict (FORMAT_FAILURE) and returns VN_OK with *ok = 0. */
static vn_err check_shape(xmlDocPtr doc, tl_sig_result *r, int *decided, sig_shape *sh,
			  int *ok)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), si, c, props;
	const char *dup = NULL, *why = NULL, *code = "TL_SIG_STRUCTURE";
	const char *root_id, *alg;
	size_t nsig = 0, n_data = 0, n_props = 0;
	vn_err err;

	*ok = 0;
	memset(sh, 0, sizeof(*sh));
	err = scan_doc(root, &nsig, &sh->sig, &dup);
	if (err == VN_ERR_TOO_LARGE) {
		why = "too many Id attributes";
		goto bad;
	}
	if (err != VN_OK)
		return err;
	/* DSS: "Number of signatures must be equal to 1". */
	if (nsig == 0)
		return verdict(r, decided, VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE,
			       VN_LEVEL_ERROR, "TL_SIG_MISSING", "the list has no ds:Signature");
	if (nsig > 1) {
		err = verdict(r, decided, VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE,
			      VN_LEVEL_ERROR, "TL_SIG_MULTIPLE", "the list has more than one ds:Signature");
		return err;
	}
	if (sh->sig->parent != root) {
		code = "TL_SIG_NOT_ROOT_CHILD";
		why = "the ds:Signature is not a child of the root element";
		goto bad;
	}
	if (dup != NULL) {
		code = "TL_SIG_DUPLICATE_ID";
		why = "two elements carry the same Id";
		goto bad;
	}
	sh->root_id = attr_node(root, "Id");
	root_id = attr(root, "Id");

	/* XMLDSig 4.1: SignedInfo, SignatureValue, KeyInfo?, Object*. */
	si = tl_xml_first_elem(sh->sig);
	if (!is_ds(si, "SignedInfo") || !is_ds(tl_xml_next_elem(si), "SignatureValue")) {
		why = "ds:Signature does not start with SignedInfo, SignatureValue";
		goto bad;
	}
	c = tl_xml_first_elem(si);
	if (!is_ds(c, "CanonicalizationMethod") ||
	    find_c14n(attr(c, "Algorithm")) == NULL) {
		code = "TL_SIG_ALGORITHM_UNKNOWN";
		why = "CanonicalizationMethod missing or not a known c14n";
		goto bad;
	}
	c = tl_xml_next_elem(c);
	alg = is_ds(c, "SignatureMethod") ? attr(c, "Algorithm") : NULL;
	sh->sig_alg = find_sig(alg);
	if (sh->sig_alg == NULL) {
		code = "TL_SIG_ALGORITHM_UNKNOWN";
		why = "SignatureMethod missing or not a known public-key signature algorithm";
		goto bad;
	}
	if (alg != NULL && (r->sig_alg = strdup(alg)) == NULL)
		return VN_ERR_NOMEM;
	if (sh->sig_alg->id == NULL && tl_xml_is(tl_xml_first_elem(c), TL_NS_PSS, "RSAPSSParams")) {
		/* The -MGF1 URIs fix every parameter (RFC 6931 2.3.10);
		 * explicit ones belong to the generic rsa-pss URI (2.3.11),
		 * which is not supported: refused rather than half-read. */
		code = "TL_SIG_ALGORITHM_UNKNOWN";
		why = "pss:RSAPSSParams are not supported; the -MGF1 signature methods "
		      "take none";
		goto bad;
	}
	if (tl_xml_first_elem(c) != NULL) {
		/* HMACOutputLength and the like have no business here. */
		why = "unexpected content inside SignatureMethod";
		goto bad;
	}

	props = own_signed_props(sh->sig);
	for (c = tl_xml_next_elem(c); c != NULL; c = tl_xml_next_elem(c)) {
		const char *uri = attr(c, "URI"), *type = attr(c, "Type");
		xmlNodePtr ts, dm;
		const struct digest_alg *d;
		ref_kind kind;

		if (!is_ds(c, "Reference") || sh->n_refs >= SIG_MAX_REFERENCES) {
			why = "SignedInfo holds something other than References, or too many";
			goto bad;
		}
		if (uri == NULL || (uri[0] != '\0' && uri[0] != '#')) {
			code = uri == NULL ? "TL_SIG_REFERENCE_SCOPE" : "TL_SIG_EXTERNAL_URI";
			why = uri == NULL ? "a Reference without URI"
					  : "a Reference points outside the document";
			goto bad;
		}
		if (type != NULL && strcmp(type, TYPE_SIGNED_PROPS) == 0) {
			const char *pid = props != NULL ? attr(props, "Id") : NULL;
			/* Rule 4: only this signature's own SignedProperties. */
			if (n_props > 0 || pid == NULL || uri[0] != '#' || strcmp(uri + 1, pid) != 0) {
				code = "TL_SIG_REFERENCE_SCOPE";
				why = "the SignedProperties reference does not point to this "
				      "signature's own xades:SignedProperties, or is doubled";
				goto bad;
			}
			kind = REF_PROPS;
			n_props++;
			sh->signed_props = props;
			sh->props_id = attr_node(props, "Id");
		} else {
			/* Rule 2: the whole document, by "" or the root's Id. An
			 * empty Type attribute (real EU pivot lists carry one) is
			 * the same as none. */
			if ((type != NULL && type[0] != '\0') || n_data > 0 ||
			    (uri[0] != '\0' &&
			     (root_id == NULL || strcmp(uri + 1, root_id) != 0))) {
				code = "TL_SIG_REFERENCE_SCOPE";
				why = "a data reference other than one to the whole list "
				      "(URI \"\" or \"#<root Id>\")";
				goto bad;
			}
			kind = REF_DATA;
			n_data++;
		}
		ts = tl_xml_first_elem(c);
		if (is_ds(ts, "Transforms")) {
			dm = tl_xml_next_elem(ts);
		} else {
			dm = ts;
			ts = NULL;
		}
		if (!transforms_ok(ts, kind, &why)) {
			code = "TL_SIG_TRANSFORM";
			goto bad;
		}
		d = is_ds(dm, "DigestMethod") ? find_digest(attr(dm, "Algorithm")) : NULL;
		if (d == NULL) {
			code = "TL_SIG_ALGORITHM_UNKNOWN";
			why = "DigestMethod missing or not a known digest";
			goto bad;
		}
		if (!is_ds(tl_xml_next_elem(dm), "DigestValue") ||
		    tl_xml_next_elem(tl_xml_next_elem(dm)) != NULL) {
			why = "a Reference is not Transforms?, DigestMethod, DigestValue";
			goto bad;
		}
		if (kind == REF_DATA && (r->digest_alg = strdup(d->uri)) == NULL)
			return VN_ERR_NOMEM;
		sh->digests[sh->n_refs++] = d;
	}
	if (n_data != 1) {
		code = "TL_SIG_REFERENCE_SCOPE";
		why = "no reference covers the whole list";
		goto bad;
	}
	if (sh->signed_props != NULL) {
		/* XAdES 4.2: QualifyingProperties@Target names this signature. */
		const char *target = attr(sh->signed_props->parent, "Target");
		const char *sid = attr(sh->sig, "Id");
		if (target != NULL && (sid == NULL || target[0] != '#' ||
				       strcmp(target + 1, sid) != 0)) {
			why = "xades:QualifyingProperties@Target does not name this signature";
			goto bad;
		}
	}
	*ok = 1;
	return VN_OK;
bad:
	return verdict(r, decided, VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE, VN_LEVEL_ERROR,
		       code, why);
}

/* The certificates of ds:KeyInfo/ds:X509Data/ds:X509Certificate, in order.
 * *bad is set when one does not decode (the caller fails the format). */
static vn_err keyinfo_certs(xmlNodePtr sig, STACK_OF(X509) **out, int *bad)
{
	STACK_OF(X509) *st = NULL;
	xmlNodePtr ki, xd, xc;
	vn_err err = VN_OK;

	*out = NULL;
	*bad = 0;
	st = sk_X509_new_null();
	if (st == NULL)
		return VN_ERR_NOMEM;
	ki = tl_xml_child(sig, TL_NS_DS, "KeyInfo");
	for (xd = tl_xml_first_elem(ki); xd != NULL; xd = tl_xml_next_elem(xd)) {
		if (!is_ds(xd, "X509Data"))
			continue;
		for (xc = tl_xml_first_elem(xd); xc != NULL; xc = tl_xml_next_elem(xc)) {
			char *txt = NULL;
			unsigned char *der = NULL;
			const unsigned char *p;
			size_t len = 0;
			X509 *x = NULL;

			if (!is_ds(xc, "X509Certificate"))
				continue;
			if (sk_X509_num(st) >= SIG_MAX_KEYINFO_CERTS) {
				*bad = 1;
				goto out;
			}
			txt = tl_xml_text(xc);
			if (txt == NULL) {
				err = VN_ERR_NOMEM;
				goto out;
			}
			if (vn_b64_decode(txt, strlen(txt), SIG_MAX_CERT_BYTES, &der, &len) !=
			    VN_OK || len == 0 || len > (size_t)LONG_MAX) {
				free(txt);
				free(der);
				*bad = 1;
				goto out;
			}
			free(txt);
			p = der;
			x = d2i_X509(NULL, &p, (long)len);
			if (x == NULL || p != der + len) {
				X509_free(x);
				free(der);
				*bad = 1;
				goto out;
			}
			free(der);
			if (sk_X509_push(st, x) <= 0) {
				X509_free(x);
				err = VN_ERR_NOMEM;
				goto out;
			}
		}
	}
out:
	if (err != VN_OK || *bad) {
		sk_X509_pop_free(st, X509_free);
		return err;
	}
	*out = st;
	return VN_OK;
}

/* Whole-certificate equality, DER against DER (not issuer/serial, not key). */
static int cert_eq(X509 *a, X509 *b)
{
	unsigned char *da = NULL, *db = NULL;
	int la, lb, eq;

	la = i2d_X509(a, &da);
	lb = i2d_X509(b, &db);
	eq = la > 0 && la == lb && memcmp(da, db, (size_t)la) == 0;
	OPENSSL_free(da);
	OPENSSL_free(db);
	return eq;
}

/* Register the Ids the allowed references use, so xmlsec resolves "#id"
 * (the document has no DTD declaring them). Only these two: no other
 * element can be reached by a reference. *added is set per registration so
 * that unregister() leaves the document as it found it. */
static int register_ids(xmlDocPtr doc, const sig_shape *sh, int added[2])
{
	xmlAttrPtr as[2] = {sh->root_id, sh->props_id}, known;
	int i;

	for (i = 0; i < 2; i++)
		added[i] = 0;
	for (i = 0; i < 2; i++) {
		if (as[i] == NULL || as[i]->children == NULL)
			continue;
		/* Already an ID (a caller's tree, a DTD): it must be this very
		 * attribute, or "#id" would lead xmlsec somewhere else. */
		known = xmlGetID(doc, as[i]->children->content);
		if (known != NULL) {
			if (known != as[i])
				return 0;
			continue;
		}
		if (xmlAddID(NULL, doc, as[i]->children->content, as[i]) == NULL)
			return 0;
		added[i] = 1;
	}
	return 1;
}

static void unregister_ids(xmlDocPtr doc, const sig_shape *sh, const int added[2])
{
	xmlAttrPtr as[2] = {sh->root_id, sh->props_id};
	int i;

	for (i = 0; i < 2; i++)
		if (added[i])
			(void)xmlRemoveID(doc, as[i]);
}

typedef enum xs_outcome {
	XS_OK,
	XS_DIGEST,	/* a reference's digest does not match */
	XS_VALUE,	/* the SignatureValue does not verify with the key */
	XS_REJECTED	/* xmlsec could not process the signature */
} xs_outcome;

static vn_err enable_transforms(xmlSecDSigCtxPtr ctx)
{
	size_t i;

	for (i = 0; i < N_ELEMS(c14n_algs); i++) {
		if (xmlSecDSigCtxEnableSignatureTransform(ctx, c14n_algs[i].id()) < 0 ||
		    xmlSecDSigCtxEnableReferenceTransform(ctx, c14n_algs[i].id()) < 0)
			return VN_ERR_CRYPTO;
	}
	for (i = 0; i < N_ELEMS(sig_algs); i++)
		if (sig_algs[i].id != NULL &&
		    xmlSecDSigCtxEnableSignatureTransform(ctx, sig_algs[i].id()) < 0)
			return VN_ERR_CRYPTO;
	for (i = 0; i < N_ELEMS(digest_algs); i++)
		if (xmlSecDSigCtxEnableReferenceTransform(ctx, digest_algs[i].id()) < 0)
			return VN_ERR_CRYPTO;
	if (xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformEnvelopedId) < 0)
		return VN_ERR_CRYPTO;
	return VN_OK;
}

/* An xmlsec context with our policy: same-document references only, the
 * transforms of the tables above, no manifests. No keys manager: KeyInfo
 * can never supply a key or a certificate. */
static vn_err new_ctx(xmlSecDSigCtxPtr *out)
{
	xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(NULL);
	vn_err err;

	*out = NULL;
	if (ctx == NULL)
		return VN_ERR_NOMEM;
	ctx->flags = XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS |
		     XMLSEC_DSIG_FLAGS_STORE_SIGNEDINFO_REFERENCES;
	ctx->keyInfoReadCtx.flags |= XMLSEC_KEYINFO_FLAGS_X509DATA_DONT_VERIFY_CERTS;
	ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument;
	err = enable_transforms(ctx);
	if (err != VN_OK) {
		xmlSecDSigCtxDestroy(ctx);
		return err;
	}
	*out = ctx;
	return VN_OK;
}

/* RSASSA-PSS: xmlsec checks the references under the same policy, OpenSSL
 * the signature value with the anchor's key (tl_sig_pss.c). */
static vn_err pss_check(xmlNodePtr sig, const struct sig_alg *alg, X509 *anchor,
			xs_outcome *res)
{
	xmlSecDSigCtxPtr ctx = NULL;
	EVP_PKEY *k = X509_get0_pubkey(anchor);
	const EVP_MD *md = tl_pss_md(alg->uri);
	tl_pss_outcome po = TL_PSS_REJECTED;
	vn_err err;

	*res = XS_REJECTED;
	if (k == NULL || md == NULL)
		return VN_ERR_INTERNAL;	/* the key type and the table were checked */
	err = new_ctx(&ctx);
	if (err != VN_OK)
		return err;
	/* No copy of each reference's pre-digest octets: nobody reads them. */
	ctx->flags &= ~(unsigned int)XMLSEC_DSIG_FLAGS_STORE_SIGNEDINFO_REFERENCES;
	err = tl_pss_verify(ctx, sig, k, md, &po);
	xmlSecDSigCtxDestroy(ctx);
	*res = po == TL_PSS_OK ? XS_OK : po == TL_PSS_DIGEST ? XS_DIGEST
				 : po == TL_PSS_VALUE ? XS_VALUE : XS_REJECTED;
	return err;
}

/* One xmlsec run with the anchor's public key as the only key. */
static vn_err xmlsec_check(xmlNodePtr sig, const struct sig_alg *alg, X509 *anchor,
			   xs_outcome *res)
{
	xmlSecDSigCtxPtr ctx = NULL;
	xmlSecKeyPtr key = NULL;
	xmlSecKeyDataPtr data = NULL;
	xmlSecSize i, n;
	vn_err err = VN_OK;

	if (alg->id == NULL)
		return pss_check(sig, alg, anchor, res);
	*res = XS_REJECTED;
	err = new_ctx(&ctx);
	if (err != VN_OK)
		return err;
	key = xmlSecKeyCreate();
	data = xmlSecOpenSSLX509CertGetKey(anchor);
	if (key == NULL || data == NULL || xmlSecKeySetValue(key, data) < 0) {
		err = VN_ERR_CRYPTO;
		goto out;
	}
	data = NULL;	/* owned by key */
	ctx->signKey = key;	/* owned by ctx */
	key = NULL;

	if (xmlSecDSigCtxVerify(ctx, sig) < 0)
		goto out;	/* XS_REJECTED */
	n = xmlSecPtrListGetSize(&ctx->signedInfoReferences);
	for (i = 0; i < n; i++) {
		xmlSecDSigReferenceCtxPtr ref =
			(xmlSecDSigReferenceCtxPtr)xmlSecPtrListGetItem(&ctx->signedInfoReferences, i);
		if (ref == NULL || ref->status != xmlSecDSigStatusSucceeded) {
			*res = XS_DIGEST;
			goto out;
		}
	}
	if (ctx->status == xmlSecDSigStatusSucceeded)
		*res = XS_OK;
	else
		*res = XS_VALUE;
out:
	if (data != NULL)
		xmlSecKeyDataDestroy(data);
	if (key != NULL)
		xmlSecKeyDestroy(key);
	xmlSecDSigCtxDestroy(ctx);
	return err;
}

static int key_type_of(X509 *x)
{
	EVP_PKEY *k = X509_get0_pubkey(x);

	return k == NULL ? EVP_PKEY_NONE : EVP_PKEY_get_base_id(k);
}

/* Whether the anchor's key can have made a signature of this algorithm: an
 * RSASSA-PSS signature may come from an rsaEncryption or an id-RSASSA-PSS
 * key (RFC 4055 1.2); every other algorithm needs its own key type. */
static int key_fits(const struct sig_alg *alg, X509 *x)
{
	int t = key_type_of(x);

	if (alg->id == NULL)
		return t == EVP_PKEY_RSA || t == EVP_PKEY_RSA_PSS;
	return t == alg->key_type;
}

/* SigningTime and SigningCertificate(V2): only read when the SignedProperties
 * were covered by a verified reference. */
static vn_err check_signed_props(const sig_shape *sh, X509 *signer, tl_sig_result *r,
				 int *decided)
{
	xmlNodePtr ssp, st, sc, cert;
	char *txt = NULL;
	int match = 0, seen = 0;
	vn_err err = VN_OK;

	if (sh->signed_props == NULL)
		return vn_findings_add(&r->findings, VN_LEVEL_WARN, "TL_SIG_NO_SIGNED_PROPERTIES",
				       "no reference covers xades:SignedProperties; signing "
				       "time and signing certificate not checked");
	ssp = tl_xml_child(sh->signed_props, TL_NS_XADES, "SignedSignatureProperties");
	st = tl_xml_child(ssp, TL_NS_XADES, "SigningTime");
	if (st != NULL) {
		txt = tl_xml_text(st);
		if (txt == NULL)
			return VN_ERR_NOMEM;
		if (vn_time_parse(txt, VN_TIME_XSD, &r->signing_time) != VN_OK) {
			r->signing_time = VN_TIME_NONE;
			err = verdict(r, decided, VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE,
				      VN_LEVEL_ERROR, "TL_SIG_SIGNING_TIME",
				      "xades:SigningTime is not an xsd:dateTime");
			goto out;
		}
		free(txt);
		txt = NULL;
	}
	sc = tl_xml_child(ssp, TL_NS_XADES, "SigningCertificateV2");
	if (sc == NULL)
		sc = tl_xml_child(ssp, TL_NS_XADES, "SigningCertificate");
	if (sc == NULL)
		goto out;
	/* EN 319 132-1 5.2.2: one xades:Cert must be the signer's. */
	for (cert = tl_xml_first_elem(sc); cert != NULL && !match; cert = tl_xml_next_elem(cert)) {
		xmlNodePtr cd = tl_xml_child(cert, TL_NS_XADES, "CertDigest");
		xmlNodePtr dm = tl_xml_child(cd, TL_NS_DS, "DigestMethod");
		xmlNodePtr dv = tl_xml_child(cd, TL_NS_DS, "DigestValue");
		const struct digest_alg *d = dm != NULL ? find_digest(attr(dm, "Algorithm")) : NULL;
		const EVP_MD *md;
		unsigned char want[EVP_MAX_MD_SIZE], *got = NULL;
		unsigned int wlen = 0;
		size_t glen = 0;

		if (!tl_xml_is(cert, TL_NS_XADES, "Cert"))
			continue;
		seen++;
		if (d == NULL || dv == NULL || (md = EVP_get_digestbyname(d->ossl)) == NULL)
			continue;
		if (X509_digest(signer, md, want, &wlen) != 1) {
			err = VN_ERR_CRYPTO;
			goto out;
		}
		txt = tl_xml_text(dv);
		if (txt == NULL) {
			err = VN_ERR_NOMEM;
			goto out;
		}
		if (vn_b64_decode(txt, strlen(txt), EVP_MAX_MD_SIZE, &got, &glen) == VN_OK &&
		    glen == wlen && memcmp(got, want, wlen) == 0)
			match = 1;
		free(got);
		free(txt);
		txt = NULL;
	}
	if (!match)
		err = verdict(r, decided, VN_IND_INDETERMINATE, VN_SUB_NO_SIGNING_CERTIFICATE_FOUND,
			      VN_LEVEL_ERROR, "TL_SIG_SIGNING_CERT_MISMATCH",
			      seen ? "xades:SigningCertificate does not name the signer's certificate"
				   : "xades:SigningCertificate holds no xades:Cert");
out:
	free(txt);
	return err;
}

/* Algorithms and key sizes, judged only after the crypto check passed (so a
 * tampered weak list still says HASH_FAILURE). STANDARDS.md 8: SHA-1 expired
 * 2012-08-01, MD5 2004-08-01; without a proof of existence before then the
 * answer is CRYPTO_CONSTRAINTS_FAILURE_NO_POE. */
static vn_err check_strength(const sig_shape *sh, X509 *signer, tl_sig_result *r,
			     int *decided)
{
	EVP_PKEY *k = X509_get0_pubkey(signer);
	size_t i;
	int weak_alg = sh->sig_alg->weak, bits, type, min = 0;
	vn_err err = VN_OK;

	for (i = 0; i < sh->n_refs; i++)
		if (sh->digests[i]->weak)
			weak_alg = 1;
	if (weak_alg)
		err = verdict(r, decided, VN_IND_INDETERMINATE,
			      VN_SUB_CRYPTO_CONSTRAINTS_FAILURE_NO_POE, VN_LEVEL_ERROR,
			      "TL_SIG_WEAK_ALGORITHM",
			      "the signature or a reference uses MD5 or SHA-1");
	if (err != VN_OK || k == NULL)
		return err;
	bits = EVP_PKEY_get_bits(k);
	type = EVP_PKEY_get_base_id(k);
	if (type == EVP_PKEY_RSA || type == EVP_PKEY_RSA_PSS)
		min = MIN_RSA_BITS;
	else if (type == EVP_PKEY_DSA)
		min = MIN_DSA_BITS;
	else if (type == EVP_PKEY_EC)
		min = MIN_EC_BITS;
	if (bits < min) {
		char msg[96];
		(void)snprintf(msg, sizeof(msg), "the signing key has %d bits, below %d", bits, min);
		err = verdict(r, decided, VN_IND_INDETERMINATE,
			      VN_SUB_CRYPTO_CONSTRAINTS_FAILURE_NO_POE, VN_LEVEL_ERROR,
			      "TL_SIG_WEAK_KEY", msg);
	}
	return err;
}

static vn_err check_validity(X509 *signer, tl_sig_result *r)
{
	ASN1_TIME *t = NULL;
	int before, after;
	vn_err err = VN_OK;

	if (r->signing_time == VN_TIME_NONE)
		return VN_OK;
	t = ASN1_TIME_set(NULL, (time_t)r->signing_time);
	if (t == NULL)
		return VN_OK;	/* out of time_t range: nothing to compare */
	before = ASN1_TIME_compare(t, X509_get0_notBefore(signer));
	after = ASN1_TIME_compare(t, X509_get0_notAfter(signer));
	if (before < 0 || after > 0)
		err = vn_findings_add(&r->findings, VN_LEVEL_WARN, "TL_SIG_SIGNING_TIME_OUTSIDE",
				      "xades:SigningTime lies outside the signer's validity");
	ASN1_TIME_free(t);
	return err;
}

static vn_err crypto_verdict(xs_outcome o, tl_sig_result *r, int *decided)
{
	switch (o) {
	case XS_OK:
		return VN_OK;
	case XS_DIGEST:
		return verdict(r, decided, VN_IND_TOTAL_FAILED, VN_SUB_HASH_FAILURE,
			       VN_LEVEL_ERROR, "TL_SIG_DIGEST",
			       "a reference digest does not match: the list was changed");
	case XS_VALUE:
		return verdict(r, decided, VN_IND_TOTAL_FAILED, VN_SUB_SIG_CRYPTO_FAILURE,
			       VN_LEVEL_ERROR, "TL_SIG_VALUE",
			       "the signature value does not verify with the anchor's key");
	case XS_REJECTED:
	default:
		return verdict(r, decided, VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE,
			       VN_LEVEL_ERROR, "TL_SIG_XMLSEC_REJECTED",
			       "the signature could not be processed");
	}
}

static vn_err untrusted(tl_sig_result *r, int *decided, const char *msg)
{
	return verdict(r, decided, VN_IND_INDETERMINATE, VN_SUB_NO_CERTIFICATE_CHAIN_FOUND,
		       VN_LEVEL_ERROR, "TL_SIG_UNTRUSTED_SIGNER", msg);
}

vn_err tl_sig_verify(xmlDocPtr doc, STACK_OF(X509) *anchors, tl_sig_result *out)
{
	STACK_OF(X509) *kcerts = NULL;
	X509 *anchor = NULL;
	sig_shape sh;
	xs_outcome o = XS_REJECTED;
	int decided = 0, ok = 0, bad = 0, added[2] = {0, 0}, ids_set = 0, i, j, na;
	vn_err err;

	memset(&sh, 0, sizeof(sh));
	err = tl_xmlsec_init();
	if (err != VN_OK)
		return err;
	if (xmlDocGetRootElement(doc) == NULL) {
		err = verdict(out, &decided, VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE,
			      VN_LEVEL_ERROR, "TL_SIG_MISSING", "the document has no root element");
		goto out;
	}
	err = check_shape(doc, out, &decided, &sh, &ok);
	if (err != VN_OK || !ok)
		goto out;
	err = keyinfo_certs(sh.sig, &kcerts, &bad);
	if (err != VN_OK)
		goto out;
	if (bad) {
		err = verdict(out, &decided, VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE,
			      VN_LEVEL_ERROR, "TL_SIG_CERT_MALFORMED",
			      "a ds:X509Certificate does not decode, or there are too many");
		goto out;
	}
	na = anchors != NULL ? sk_X509_num(anchors) : 0;
	ids_set = 1;
	if (!register_ids(doc, &sh, added)) {
		err = verdict(out, &decided, VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE,
			      VN_LEVEL_ERROR, "TL_SIG_DUPLICATE_ID",
			      "a referenced Id is already bound to another element");
		goto out;
	}

	if (sk_X509_num(kcerts) > 0) {
		/* The signer is the KeyInfo certificate equal to an anchor. */
		for (i = 0; i < sk_X509_num(kcerts) && anchor == NULL; i++)
			for (j = 0; j < na && anchor == NULL; j++)
				if (cert_eq(sk_X509_value(kcerts, i), sk_X509_value(anchors, j)))
					anchor = sk_X509_value(anchors, j);
		if (X509_up_ref(anchor != NULL ? anchor : sk_X509_value(kcerts, 0)) != 1) {
			err = VN_ERR_CRYPTO;
			goto out;
		}
		out->signer = anchor != NULL ? anchor : sk_X509_value(kcerts, 0);
		if (anchor == NULL) {
			err = untrusted(out, &decided,
					na == 0 ? "no trust anchor was given for this list"
						: "the signing certificate is none of the list's anchors");
			goto out;
		}
		if (!key_fits(sh.sig_alg, anchor)) {
			o = XS_VALUE;	/* the key cannot have made this signature */
		} else {
			err = xmlsec_check(sh.sig, sh.sig_alg, anchor, &o);
			if (err != VN_OK)
				goto out;
		}
	} else {
		/* No certificate in KeyInfo: the signer is whichever anchor's key
		 * verifies; a digest failure does not depend on the key. */
		for (j = 0; j < na; j++) {
			X509 *a = sk_X509_value(anchors, j);
			if (!key_fits(sh.sig_alg, a))
				continue;
			err = xmlsec_check(sh.sig, sh.sig_alg, a, &o);
			if (err != VN_OK)
				goto out;
			if (o == XS_OK) {
				anchor = a;
				break;
			}
			if (o == XS_DIGEST || o == XS_REJECTED)
				break;
		}
		if (o != XS_DIGEST && o != XS_REJECTED && anchor == NULL) {
			err = untrusted(out, &decided,
					na == 0 ? "no trust anchor was given for this list"
						: "no certificate in KeyInfo and no anchor's key "
						  "verifies the signature");
			goto out;
		}
		if (anchor != NULL) {
			if (X509_up_ref(anchor) != 1) {
				err = VN_ERR_CRYPTO;
				goto out;
			}
			out->signer = anchor;
		}
	}
	err = crypto_verdict(o, out, &decided);
	if (err != VN_OK || o != XS_OK)
		goto out;

	/* The core passed: now the XAdES properties, then algorithm strength. */
	err = check_signed_props(&sh, anchor, out, &decided);
	if (err == VN_OK)
		err = check_validity(anchor, out);
	if (err == VN_OK)
		err = check_strength(&sh, anchor, out, &decided);
	if (err == VN_OK && !decided) {
		out->indication = VN_IND_TOTAL_PASSED;
		out->sub = VN_SUB_NONE;
		decided = 1;
		err = vn_findings_add(&out->findings, VN_LEVEL_INFO, "TL_SIG_OK",
				      "the list signature verifies with a pinned anchor");
	}
out:
	if (ids_set)
		unregister_ids(doc, &sh, added);
	sk_X509_pop_free(kcerts, X509_free);
	if (err == VN_OK && !decided)
		err = VN_ERR_INTERNAL;	/* every path above decides */
	return err;
}

static int has_pem_marker(const unsigned char *p, size_t n)
{
	static const char m[] = "-----BEGIN ";
	size_t i, ml = sizeof(m) - 1;

	for (i = 0; n >= ml && i <= n - ml; i++)
		if (p[i] == '-' && memcmp(p + i, m, ml) == 0)
			return 1;
	return 0;
}

vn_err tl_load_certs(const char *path, STACK_OF(X509) **st)
{
	vn_buf b;
	BIO *bio = NULL;
	STACK_OF(X509) *mine = NULL;
	X509 *x = NULL;
	const unsigned char *p;
	int n = 0, pushed = 0;
	vn_err err;

	vn_buf_init(&b, CERTS_MAX_FILE);
	err = vn_buf_read_file(&b, path);
	if (err != VN_OK)
		goto out;
	if (*st == NULL) {
		mine = sk_X509_new_null();
		if (mine == NULL) {
			err = VN_ERR_NOMEM;
			goto out;
		}
	}
	/* PEM when the marker appears anywhere: openssl pkcs12 writes "Bag
	 * Attributes" text before each block. Otherwise (or when no PEM block
	 * decodes) exactly one DER certificate filling the file. */
	if (has_pem_marker(b.data, b.len)) {
		if (b.len > (size_t)INT_MAX) {
			err = VN_ERR_TOO_LARGE;
			goto out;
		}
		bio = BIO_new_mem_buf(b.data, (int)b.len);
		if (bio == NULL) {
			err = VN_ERR_NOMEM;
			goto out;
		}
		/* Every CERTIFICATE block; other PEM blocks (keys) are skipped. */
		while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
			if (++n > CERTS_MAX_COUNT) {
				err = VN_ERR_TOO_LARGE;
				goto out;
			}
			if (sk_X509_push(mine != NULL ? mine : *st, x) <= 0) {
				err = VN_ERR_NOMEM;
				goto out;
			}
			x = NULL;
			pushed++;
		}
		ERR_clear_error();
	}
	if (n == 0 && b.len > 0 && b.len <= (size_t)LONG_MAX) {
		p = b.data;
		x = d2i_X509(NULL, &p, (long)b.len);
		if (x != NULL && p == b.data + b.len) {
			if (sk_X509_push(mine != NULL ? mine : *st, x) <= 0) {
				err = VN_ERR_NOMEM;
				goto out;
			}
			x = NULL;
			n = pushed = 1;
		}
		ERR_clear_error();
	}
	if (n == 0) {
		err = VN_ERR_MALFORMED;
		goto out;
	}
	if (mine != NULL) {
		*st = mine;
		mine = NULL;
	}
out:
	if (err != VN_OK && mine == NULL && *st != NULL) {
		/* Leave the caller's stack as it was. */
		while (pushed-- > 0 && sk_X509_num(*st) > 0)
			X509_free(sk_X509_pop(*st));
	}
	X509_free(x);
	BIO_free(bio);
	sk_X509_pop_free(mine, X509_free);
	vn_buf_free(&b);
	return err;
}
