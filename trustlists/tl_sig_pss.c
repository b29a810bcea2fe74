/* valnode: RSASSA-PSS for list signatures (see tl_sig_pss.h).
 *
 * Verification splits the XMLDSig core (XMLDSig 3.2) in two: reference
 * validation stays with xmlsec (the same transforms, URI resolution and
 * digest comparison as for every other algorithm), and only the signature
 * validation step, which xmlsec 1.2 cannot do for PSS, is done here with
 * OpenSSL over the canonical SignedInfo.
 */
#include "trustlists/tl_sig_pss.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/c14n.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "common/vn_b64.h"
#include "trustlists/tl_xml.h"

#define NS_EXC_C14N "http://www.w3.org/2001/10/xml-exc-c14n#"
#define PSS_MAX_PREFIXES 64
#define PSS_MAX_SIG_BYTES 2048	/* RSA-16384 */

static const struct pss_alg {
	const char *uri;
	const EVP_MD *(*md)(void);
} pss_algs[] = {
	{TL_URI_PSS_SHA256, EVP_sha256},
	{TL_URI_PSS_SHA384, EVP_sha384},
	{TL_URI_PSS_SHA512, EVP_sha512},
};

/* The canonicalisations XMLDSig names (C14N 1.0, C14N 1.1, exc-c14n 1.0). */
static const struct c14n_mode {
	const char *uri;
	int mode;	/* xmlC14NMode */
	int comments;
} c14n_modes[] = {
	{"http://www.w3.org/TR/2001/REC-xml-c14n-20010315", XML_C14N_1_0, 0},
	{"http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments", XML_C14N_1_0, 1},
	{"http://www.w3.org/2006/12/xml-c14n11", XML_C14N_1_1, 0},
	{"http://www.w3.org/2006/12/xml-c14n11#WithComments", XML_C14N_1_1, 1},
	{NS_EXC_C14N, XML_C14N_EXCLUSIVE_1_0, 0},
	{NS_EXC_C14N "WithComments", XML_C14N_EXCLUSIVE_1_0, 1},
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

const EVP_MD *tl_pss_md(const char *uri)
{
	size_t i;

	for (i = 0; uri != NULL && i < N_ELEMS(pss_algs); i++)
		if (strcmp(uri, pss_algs[i].uri) == 0)
			return pss_algs[i].md();
	return NULL;
}

vn_err tl_pss_params(EVP_PKEY_CTX *pctx, const EVP_MD *md)
{
	/* RFC 6931 2.3.10: MGF1 with the same hash, salt length = hash length
	 * (RSA_PSS_SALTLEN_DIGEST: when verifying, exactly that length). */
	if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1)
		return VN_ERR_CRYPTO;
	return VN_OK;
}

/* c14n visibility: the subtree under top (elements, text, comments, and the
 * attributes and namespace nodes of its elements). libxml2 hands namespace
 * and attribute nodes with their element as parent. */
static int in_subtree(void *user, xmlNodePtr node, xmlNodePtr parent)
{
	const xmlNode *top = user, *n;

	if (node == NULL)
		return 0;
	if (node->type == XML_NAMESPACE_DECL || node->type == XML_ATTRIBUTE_NODE)
		n = parent;
	else
		n = node;
	for (; n != NULL; n = n->parent)
		if (n == top)
			return 1;
	return 0;
}

static void free_prefixes(xmlChar **p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; p[i] != NULL; i++)
		xmlFree(p[i]);
	free(p);
}

static int is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Exc-C14N 3: InclusiveNamespaces/@PrefixList, blank-separated prefixes
 * ("#default" for the default namespace; libxml2 understands it). */
static vn_err read_prefixes(const xmlNode *method, int exclusive, xmlChar ***out)
{
	const xmlNode *c, *inc = NULL;
	xmlChar *list = NULL, **p = NULL;
	const char *s;
	size_t n = 0;
	vn_err err = VN_OK;

	*out = NULL;
	if (method == NULL)
		return VN_OK;
	for (c = tl_xml_first_elem(method); c != NULL; c = tl_xml_next_elem(c)) {
		if (!exclusive || inc != NULL || !tl_xml_is(c, NS_EXC_C14N, "InclusiveNamespaces"))
			return VN_ERR_MALFORMED;
		inc = c;
	}
	if (inc == NULL)
		return VN_OK;
	list = xmlGetNoNsProp(inc, BAD_CAST "PrefixList");
	if (list == NULL)
		return VN_ERR_MALFORMED;	/* required by Exc-C14N's schema */
	p = calloc(PSS_MAX_PREFIXES + 1, sizeof(*p));
	if (p == NULL) {
		err = VN_ERR_NOMEM;
		goto out;
	}
	for (s = (const char *)list; *s != '\0';) {
		size_t len = 0;

		while (is_xml_space(*s))
			s++;
		while (s[len] != '\0' && !is_xml_space(s[len]))
			len++;
		if (len == 0)
			break;
		if (n >= PSS_MAX_PREFIXES || len > (size_t)INT_MAX) {
			err = VN_ERR_TOO_LARGE;
			goto out;
		}
		p[n] = xmlStrndup(BAD_CAST s, (int)len);
		if (p[n++] == NULL) {
			err = VN_ERR_NOMEM;
			goto out;
		}
		s += len;
	}
	*out = p;
	p = NULL;
out:
	free_prefixes(p);
	xmlFree(list);
	return err;
}

vn_err tl_c14n_subtree(xmlNodePtr top, const char *c14n_uri, const xmlNode *method,
		       xmlBufferPtr out)
{
	const struct c14n_mode *m = NULL;
	xmlOutputBufferPtr ob = NULL;
	xmlChar **prefixes = NULL;
	size_t i;
	int rc;
	vn_err err;

	for (i = 0; i < N_ELEMS(c14n_modes) && m == NULL; i++)
		if (strcmp(c14n_uri, c14n_modes[i].uri) == 0)
			m = &c14n_modes[i];
	if (m == NULL || top->doc == NULL)
		return VN_ERR_UNSUPPORTED;
	err = read_prefixes(method, m->mode == XML_C14N_EXCLUSIVE_1_0, &prefixes);
	if (err != VN_OK)
		return err;
	ob = xmlOutputBufferCreateBuffer(out, NULL);
	if (ob == NULL) {
		err = VN_ERR_NOMEM;
		goto out;
	}
	rc = xmlC14NExecute(top->doc, in_subtree, top, m->mode, prefixes, m->comments, ob);
	/* Close flushes into out; the xmlBuffer itself stays the caller's. */
	if (xmlOutputBufferClose(ob) < 0 || rc < 0)
		err = VN_ERR_CRYPTO;
	ob = NULL;
out:
	free_prefixes(prefixes);
	return err;
}

/* Step 1: XMLDSig 3.2.1 reference validation, by xmlsec. */
static vn_err check_refs(xmlSecDSigCtxPtr ctx, xmlNodePtr si, tl_pss_outcome *res)
{
	xmlNodePtr ref;
	int bad_digest = 0;

	ctx->operation = xmlSecTransformOperationVerify;
	for (ref = tl_xml_first_elem(si); ref != NULL; ref = tl_xml_next_elem(ref)) {
		xmlSecDSigReferenceCtxPtr rc;
		int ret;

		if (!tl_xml_is(ref, TL_NS_DS, "Reference"))
			continue;
		rc = xmlSecDSigReferenceCtxCreate(ctx, xmlSecDSigReferenceOriginSignedInfo);
		if (rc == NULL)
			return VN_ERR_NOMEM;
		ret = xmlSecDSigReferenceCtxProcessNode(rc, ref);
		if (ret == 0 && rc->status != xmlSecDSigStatusSucceeded)
			bad_digest = 1;
		xmlSecDSigReferenceCtxDestroy(rc);
		if (ret < 0) {
			/* As xmlSecDSigCtxVerify: a reference that cannot be
			 * processed fails the whole signature's processing. */
			*res = TL_PSS_REJECTED;
			return VN_OK;
		}
	}
	*res = bad_digest ? TL_PSS_DIGEST : TL_PSS_OK;
	return VN_OK;
}

/* Step 2: XMLDSig 3.2.2 signature validation, over the canonical SignedInfo. */
static vn_err check_value(xmlNodePtr si, xmlNodePtr sv, EVP_PKEY *key, const EVP_MD *md,
			  tl_pss_outcome *res)
{
	xmlNodePtr cm = tl_xml_first_elem(si);
	xmlBufferPtr xb = NULL;
	xmlChar *alg = NULL;
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	char *txt = NULL;
	unsigned char *sig = NULL;
	size_t siglen = 0;
	vn_err err = VN_OK;

	*res = TL_PSS_REJECTED;
	alg = cm != NULL ? xmlGetNoNsProp(cm, BAD_CAST "Algorithm") : NULL;
	xb = xmlBufferCreate();
	if (xb == NULL) {
		err = VN_ERR_NOMEM;
		goto out;
	}
	if (alg == NULL)
		goto out;
	err = tl_c14n_subtree(si, (const char *)alg, cm, xb);
	if (err != VN_OK) {
		/* Unknown or malformed c14n: the signature cannot be processed. */
		if (err != VN_ERR_NOMEM)
			err = VN_OK;
		goto out;
	}
	txt = tl_xml_text(sv);
	if (txt == NULL) {
		err = VN_ERR_NOMEM;
		goto out;
	}
	if (vn_b64_decode(txt, strlen(txt), PSS_MAX_SIG_BYTES, &sig, &siglen) != VN_OK ||
	    siglen == 0)
		goto out;	/* TL_PSS_REJECTED, as xmlsec for bad base64 */
	mctx = EVP_MD_CTX_new();
	if (mctx == NULL) {
		err = VN_ERR_NOMEM;
		goto out;
	}
	/* A key OpenSSL will not set up for PSS with this hash (an RSA-PSS key
	 * restricted to other parameters) cannot have made the signature. */
	*res = TL_PSS_VALUE;
	if (EVP_DigestVerifyInit(mctx, &pctx, md, NULL, key) != 1 ||
	    tl_pss_params(pctx, md) != VN_OK)
		goto out;
	if (EVP_DigestVerify(mctx, sig, siglen, xmlBufferContent(xb),
			     (size_t)xmlBufferLength(xb)) == 1)
		*res = TL_PSS_OK;
out:
	ERR_clear_error();
	EVP_MD_CTX_free(mctx);
	free(sig);
	free(txt);
	xmlFree(alg);
	xmlBufferFree(xb);
	return err;
}

vn_err tl_pss_verify(xmlSecDSigCtxPtr ctx, xmlNodePtr sig, EVP_PKEY *key, const EVP_MD *md,
		     tl_pss_outcome *res)
{
	xmlNodePtr si = tl_xml_child(sig, TL_NS_DS, "SignedInfo");
	xmlNodePtr sv = tl_xml_child(sig, TL_NS_DS, "SignatureValue");
	vn_err err;

	*res = TL_PSS_REJECTED;
	if (si == NULL || sv == NULL)
		return VN_OK;
	err = check_refs(ctx, si, res);
	if (err != VN_OK || *res != TL_PSS_OK)
		return err;
	return check_value(si, sv, key, md, res);
}
