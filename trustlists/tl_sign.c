/* valnode: the enveloped XAdES-BASELINE-B signature of a trusted list.
 *
 * The shape follows TS 119 612 clause 5.7 / Annex B as the EU LOTL and the
 * v6 national lists are signed (STANDARDS.md 1.7): ds:Signature last child of
 * the root, exclusive c14n, one data reference URI="" with the transforms
 * enveloped-signature then exc-c14n, a second reference to this signature's
 * own SignedProperties, and SigningCertificateV2 (EN 319 132-1 5.2.2).
 *
 * We build the template with the libxml2 tree API and let xmlsec compute the
 * digests and the signature. xmlsec 1.2 has no RSASSA-PSS transform, so for
 * PSS xmlsec computes the reference digests in a pass run under a throwaway
 * HMAC key (its value is discarded), and we then compute SignatureValue with
 * OpenSSL over the exclusive canonical form of SignedInfo, as XMLDSig core
 * 3.1.2 prescribes. This also serves RSA-PSS-typed keys, which xmlsec 1.2
 * cannot load.
 */
#include "trustlists/tl_sig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/valid.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/app.h>
#include <xmlsec/crypto.h>
#include <xmlsec/keys.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/openssl/evp.h>

#include "common/vn_b64.h"
#include "common/vn_buf.h"
#include "trustlists/tl_sig_pss.h"
#include "trustlists/tl_xml.h"
#include "trustlists/tl_xmlsec.h"

#define URI_EXC_C14N "http://www.w3.org/2001/10/xml-exc-c14n#"
#define URI_ENVELOPED "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
#define URI_SIGNED_PROPS_TYPE "http://uri.etsi.org/01903#SignedProperties"
#define URI_DIGEST_SHA256 "http://www.w3.org/2001/04/xmlenc#sha256"

/* TS 119 612 signers: we refuse to make a signature that DSS-grade
 * verifiers (and our own tl_sig_verify) would rate as weak. */
#define MIN_RSA_BITS 2048
#define MIN_EC_BITS 256

typedef struct digest_alg {
	const char *name;
	const char *digest_uri;
	const char *rsa_uri;
	const char *pss_uri;	/* RFC 6931 2.3.10 */
	const char *ecdsa_uri;
	const char *hmac_uri;	/* the PSS reference pass only */
	const EVP_MD *(*md)(void);
} digest_alg;

static const digest_alg digest_algs[] = {
	{"sha256", URI_DIGEST_SHA256,
	 "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
	 TL_URI_PSS_SHA256,
	 "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
	 "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256", EVP_sha256},
	{"sha384", "http://www.w3.org/2001/04/xmldsig-more#sha384",
	 "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
	 TL_URI_PSS_SHA384,
	 "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
	 "http://www.w3.org/2001/04/xmldsig-more#hmac-sha384", EVP_sha384},
	{"sha512", "http://www.w3.org/2001/04/xmlenc#sha512",
	 "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
	 TL_URI_PSS_SHA512,
	 "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
	 "http://www.w3.org/2001/04/xmldsig-more#hmac-sha512", EVP_sha512},
};

static const digest_alg *find_digest(const char *name)
{
	size_t i;

	if (name == NULL)
		return &digest_algs[0];
	for (i = 0; i < sizeof digest_algs / sizeof digest_algs[0]; i++)
		if (strcmp(digest_algs[i].name, name) == 0)
			return &digest_algs[i];
	return NULL;
}

/* Whether any ds:Signature exists anywhere below n (a second signature,
 * even nested, would make the list unverifiable under the one-signature
 * rule of tl_sig_verify). */
static int has_signature(const xmlNode *n)
{
	const xmlNode *c;

	for (c = n; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (tl_xml_is(c, TL_NS_DS, "Signature"))
			return 1;
		if (has_signature(c->children))
			return 1;
	}
	return 0;
}

typedef enum key_kind { KEY_RSA, KEY_RSA_PSS_ONLY, KEY_EC } key_kind;

static vn_err check_key(EVP_PKEY *key, X509 *cert, key_kind *kind)
{
	EVP_PKEY *pub = X509_get0_pubkey(cert);
	int id = EVP_PKEY_get_base_id(key);
	int bits = EVP_PKEY_get_bits(key);

	if (id == EVP_PKEY_RSA)
		*kind = KEY_RSA;
	else if (id == EVP_PKEY_RSA_PSS)
		*kind = KEY_RSA_PSS_ONLY;
	else if (id == EVP_PKEY_EC)
		*kind = KEY_EC;
	else
		return VN_ERR_UNSUPPORTED;
	if (*kind == KEY_EC ? bits < MIN_EC_BITS : bits < MIN_RSA_BITS)
		return VN_ERR_UNSUPPORTED;
	/* The certificate must carry this key's public half, otherwise the
	 * signature names a signer that did not make it. */
	if (pub == NULL || EVP_PKEY_eq(pub, key) != 1)
		return VN_ERR_ARG;
	return VN_OK;
}

/* DER length octets. */
static vn_err der_len(vn_buf *b, size_t n)
{
	unsigned char l[5];
	size_t k = 0, i;

	if (n < 0x80) {
		l[0] = (unsigned char)n;
		return vn_buf_append(b, l, 1);
	}
	for (i = n; i != 0; i >>= 8)
		k++;
	if (k > 4)
		return VN_ERR_TOO_LARGE;
	l[0] = (unsigned char)(0x80 | k);
	for (i = 0; i < k; i++)
		l[1 + i] = (unsigned char)(n >> (8 * (k - 1 - i)));
	return vn_buf_append(b, l, 1 + k);
}

static vn_err der_wrap(vn_buf *out, unsigned char tag, const unsigned char *p, size_t n)
{
	vn_err e;

	if ((e = vn_buf_append(out, &tag, 1)) != VN_OK || (e = der_len(out, n)) != VN_OK)
		return e;
	return vn_buf_append(out, p, n);
}

/* IssuerSerialV2 of EN 319 132-1 5.2.2: the base64 of the DER of RFC 5035's
 *   IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber INTEGER }
 * with issuer a single directoryName ([4], explicit: Name is a CHOICE). */
static vn_err issuer_serial_v2(X509 *cert, char **out)
{
	unsigned char *name = NULL, *serial = NULL;
	int nlen, slen;
	vn_buf gn, gns, body, seq;
	vn_err e;

	vn_buf_init(&gn, 1 << 16);
	vn_buf_init(&gns, 1 << 16);
	vn_buf_init(&body, 1 << 16);
	vn_buf_init(&seq, 1 << 16);
	*out = NULL;
	nlen = i2d_X509_NAME(X509_get_issuer_name(cert), &name);
	slen = i2d_ASN1_INTEGER((ASN1_INTEGER *)X509_get0_serialNumber(cert), &serial);
	if (nlen <= 0 || slen <= 0) {
		e = VN_ERR_CRYPTO;
		goto out;
	}
	if ((e = der_wrap(&gn, 0xA4, name, (size_t)nlen)) != VN_OK ||
	    (e = der_wrap(&gns, 0x30, gn.data, gn.len)) != VN_OK ||
	    (e = vn_buf_append(&body, gns.data, gns.len)) != VN_OK ||
	    (e = vn_buf_append(&body, serial, (size_t)slen)) != VN_OK ||
	    (e = der_wrap(&seq, 0x30, body.data, body.len)) != VN_OK)
		goto out;
	e = vn_b64_encode(seq.data, seq.len, out);
out:
	OPENSSL_free(name);
	OPENSSL_free(serial);
	vn_buf_free(&gn);
	vn_buf_free(&gns);
	vn_buf_free(&body);
	vn_buf_free(&seq);
	return e;
}

static vn_err cert_der_b64(X509 *cert, char **b64, char **sha256_b64)
{
	unsigned char *der = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int len;
	vn_err e;

	*b64 = NULL;
	*sha256_b64 = NULL;
	len = i2d_X509(cert, &der);
	if (len <= 0)
		return VN_ERR_CRYPTO;
	if (EVP_Digest(der, (size_t)len, md, &mdlen, EVP_sha256(), NULL) != 1) {
		e = VN_ERR_CRYPTO;
		goto out;
	}
	if ((e = vn_b64_encode(der, (size_t)len, b64)) != VN_OK)
		goto out;
	e = vn_b64_encode(md, mdlen, sha256_b64);
out:
	OPENSSL_free(der);
	return e;
}

/* Builder state: the namespaces in use and the first failure. */
typedef struct tmpl {
	xmlNsPtr ds, xades;
	int failed;
} tmpl;

static xmlNodePtr add(tmpl *t, xmlNodePtr parent, xmlNsPtr ns, const char *name,
		      const char *text)
{
	xmlNodePtr n;

	if (t->failed)
		return NULL;
	n = xmlNewChild(parent, ns, BAD_CAST name, NULL);
	if (n != NULL && text != NULL) {
		xmlNodePtr tn = xmlNewText(BAD_CAST text);
		if (tn == NULL || xmlAddChild(n, tn) == NULL) {
			xmlFreeNode(tn);
			n = NULL;
		}
	}
	if (n == NULL)
		t->failed = 1;
	return n;
}

static xmlAttrPtr attr(tmpl *t, xmlNodePtr n, const char *name, const char *value)
{
	xmlAttrPtr a;

	if (t->failed)
		return NULL;
	a = xmlNewProp(n, BAD_CAST name, BAD_CAST value);
	if (a == NULL)
		t->failed = 1;
	return a;
}

/* An Id attribute registered as an ID, so "#id" resolves (xmlsec looks
 * same-document references up with xmlGetID). */
static void id_attr(tmpl *t, xmlDocPtr doc, xmlNodePtr n, const char *value)
{
	xmlAttrPtr a = attr(t, n, "Id", value);

	if (a != NULL && xmlAddID(NULL, doc, BAD_CAST value, a) == NULL)
		t->failed = 1;
}

/* A namespace for prefix/href visible at root: reuse a declaration already
 * in scope, else declare it on the root when the prefix is free there, else
 * on the Signature element. *added gets a declaration made on the root (to
 * undo it on failure). */
static xmlNsPtr ensure_ns(xmlDocPtr doc, xmlNodePtr root, xmlNodePtr sig,
			  const char *href, const char *prefix, xmlNsPtr *added)
{
	xmlNsPtr ns = xmlSearchNsByHref(doc, root, BAD_CAST href);

	*added = NULL;
	if (ns != NULL && ns->prefix != NULL)
		return ns;
	if (xmlSearchNs(doc, root, BAD_CAST prefix) == NULL) {
		ns = xmlNewNs(root, BAD_CAST href, BAD_CAST prefix);
		*added = ns;
		return ns;
	}
	return xmlNewNs(sig, BAD_CAST href, BAD_CAST prefix);
}

static void drop_root_ns(xmlNodePtr root, xmlNsPtr ns)
{
	xmlNsPtr *pp;

	if (ns == NULL)
		return;
	for (pp = &root->nsDef; *pp != NULL; pp = &(*pp)->next)
		if (*pp == ns) {
			*pp = ns->next;
			ns->next = NULL;
			xmlFreeNs(ns);
			return;
		}
}

/* SignatureValue for RSASSA-PSS (RFC 6931 2.3.10: MGF1 with the same hash,
 * salt as long as the hash, trailer 1) over exc-c14n(SignedInfo). */
static vn_err pss_sign(xmlNodePtr signed_info, xmlNodePtr value, EVP_PKEY *key,
		       const EVP_MD *md)
{
	xmlBufferPtr xb = NULL;
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	unsigned char *sig = NULL;
	size_t siglen = 0;
	char *b64 = NULL;
	vn_err e = VN_ERR_CRYPTO;

	xb = xmlBufferCreate();
	if (xb == NULL) {
		e = VN_ERR_NOMEM;
		goto out;
	}
	if ((e = tl_c14n_subtree(signed_info, URI_EXC_C14N, NULL, xb)) != VN_OK)
		goto out;
	e = VN_ERR_CRYPTO;
	mctx = EVP_MD_CTX_new();
	if (mctx == NULL || EVP_DigestSignInit(mctx, &pctx, md, NULL, key) != 1 ||
	    tl_pss_params(pctx, md) != VN_OK ||
	    EVP_DigestSign(mctx, NULL, &siglen, xmlBufferContent(xb),
			   (size_t)xmlBufferLength(xb)) != 1)
		goto out;
	sig = OPENSSL_malloc(siglen);
	if (sig == NULL || EVP_DigestSign(mctx, sig, &siglen, xmlBufferContent(xb),
					  (size_t)xmlBufferLength(xb)) != 1)
		goto out;
	if ((e = vn_b64_encode(sig, siglen, &b64)) != VN_OK)
		goto out;
	xmlNodeSetContent(value, BAD_CAST b64);
	e = VN_OK;
out:
	xmlBufferFree(xb);
	EVP_MD_CTX_free(mctx);
	OPENSSL_free(sig);
	free(b64);
	return e;
}

static vn_err random_hex(char *buf, size_t n)
{
	unsigned char r[8];
	size_t i;

	if (n < 2 * sizeof r + 1 || RAND_bytes(r, sizeof r) != 1)
		return VN_ERR_CRYPTO;
	for (i = 0; i < sizeof r; i++)
		(void)snprintf(buf + 2 * i, 3, "%02x", r[i]);
	return VN_OK;
}

vn_err tl_sig_sign(xmlDocPtr doc, EVP_PKEY *key, X509 *cert, const tl_sign_opts *opts)
{
	static const tl_sign_opts defaults = {TL_SIGN_AUTO, NULL, VN_TIME_NONE};
	const digest_alg *da;
	xmlNodePtr root, sig = NULL, si, ref, tr, sv, obj, qp, sp, ssp, sc, c, cd, sdop, dof,
		   ki, xd;
	xmlNsPtr root_ds = NULL, root_xades = NULL;
	xmlSecDSigCtxPtr dctx = NULL;
	xmlSecKeyDataPtr kdata = NULL;
	key_kind kind;
	tmpl t = {NULL, NULL, 0};
	char hex[32], sig_id[64], ref_id[64], sp_id[64], target[80], sp_uri[80];
	char tbuf[VN_TIME_BUFSZ];
	char *cert_b64 = NULL, *cert_dig = NULL, *is_v2 = NULL;
	const char *sig_uri;
	vn_time when;
	int pss;
	vn_err e;

	if (opts == NULL)
		opts = &defaults;
	root = xmlDocGetRootElement(doc);
	if (root == NULL)
		return VN_ERR_ARG;
	if (has_signature(root))
		return VN_ERR_ARG;
	if ((da = find_digest(opts->digest)) == NULL)
		return VN_ERR_ARG;
	if ((e = check_key(key, cert, &kind)) != VN_OK)
		return e;
	pss = opts->alg == TL_SIGN_RSA_PSS || kind == KEY_RSA_PSS_ONLY;
	if (pss && kind == KEY_EC)
		return VN_ERR_ARG;
	if (opts->alg != TL_SIGN_AUTO && opts->alg != TL_SIGN_RSA_PSS)
		return VN_ERR_ARG;
	sig_uri = kind == KEY_EC ? da->ecdsa_uri : pss ? da->pss_uri : da->rsa_uri;
	when = opts->signing_time == VN_TIME_NONE ? vn_time_now() : opts->signing_time;
	if ((e = tl_xmlsec_init()) != VN_OK)
		return e;
	if ((e = cert_der_b64(cert, &cert_b64, &cert_dig)) != VN_OK ||
	    (e = issuer_serial_v2(cert, &is_v2)) != VN_OK || (e = random_hex(hex, sizeof hex)) != VN_OK)
		goto out;
	(void)snprintf(sig_id, sizeof sig_id, "sig-%s", hex);
	(void)snprintf(ref_id, sizeof ref_id, "ref-tl-%s", hex);
	(void)snprintf(sp_id, sizeof sp_id, "xades-sig-%s", hex);
	(void)snprintf(target, sizeof target, "#%s", sig_id);
	(void)snprintf(sp_uri, sizeof sp_uri, "#%s", sp_id);
	if (xmlGetID(doc, BAD_CAST sig_id) != NULL || xmlGetID(doc, BAD_CAST sp_id) != NULL) {
		e = VN_ERR_INTERNAL;
		goto out;
	}

	/* The template. The Signature goes in first so that namespaces can be
	 * declared on it when the root's prefixes are taken. */
	sig = xmlNewDocNode(doc, NULL, BAD_CAST "Signature", NULL);
	if (sig == NULL || xmlAddChild(root, sig) == NULL) {
		xmlFreeNode(sig);
		sig = NULL;
		e = VN_ERR_NOMEM;
		goto out;
	}
	t.ds = ensure_ns(doc, root, sig, TL_NS_DS, "ds", &root_ds);
	t.xades = ensure_ns(doc, root, sig, TL_NS_XADES, "xades", &root_xades);
	if (t.ds == NULL || t.xades == NULL) {
		e = VN_ERR_NOMEM;
		goto out;
	}
	xmlSetNs(sig, t.ds);
	id_attr(&t, doc, sig, sig_id);

	si = add(&t, sig, t.ds, "SignedInfo", NULL);
	attr(&t, add(&t, si, t.ds, "CanonicalizationMethod", NULL), "Algorithm", URI_EXC_C14N);
	/* For PSS the reference pass runs under HMAC; the method URI is
	 * switched before SignatureValue is computed. */
	attr(&t, add(&t, si, t.ds, "SignatureMethod", NULL), "Algorithm",
	     pss ? da->hmac_uri : sig_uri);

	ref = add(&t, si, t.ds, "Reference", NULL);
	id_attr(&t, doc, ref, ref_id);
	attr(&t, ref, "URI", "");
	tr = add(&t, ref, t.ds, "Transforms", NULL);
	attr(&t, add(&t, tr, t.ds, "Transform", NULL), "Algorithm", URI_ENVELOPED);
	attr(&t, add(&t, tr, t.ds, "Transform", NULL), "Algorithm", URI_EXC_C14N);
	attr(&t, add(&t, ref, t.ds, "DigestMethod", NULL), "Algorithm", da->digest_uri);
	add(&t, ref, t.ds, "DigestValue", NULL);

	ref = add(&t, si, t.ds, "Reference", NULL);
	attr(&t, ref, "Type", URI_SIGNED_PROPS_TYPE);
	attr(&t, ref, "URI", sp_uri);
	tr = add(&t, ref, t.ds, "Transforms", NULL);
	attr(&t, add(&t, tr, t.ds, "Transform", NULL), "Algorithm", URI_EXC_C14N);
	attr(&t, add(&t, ref, t.ds, "DigestMethod", NULL), "Algorithm", da->digest_uri);
	add(&t, ref, t.ds, "DigestValue", NULL);

	sv = add(&t, sig, t.ds, "SignatureValue", NULL);

	/* XAdES (EN 319 132-1 4.3, 5.2): the baseline-B signed properties. */
	obj = add(&t, sig, t.ds, "Object", NULL);
	qp = add(&t, obj, t.xades, "QualifyingProperties", NULL);
	attr(&t, qp, "Target", target);
	sp = add(&t, qp, t.xades, "SignedProperties", NULL);
	id_attr(&t, doc, sp, sp_id);
	ssp = add(&t, sp, t.xades, "SignedSignatureProperties", NULL);
	add(&t, ssp, t.xades, "SigningTime", vn_time_format(when, tbuf));
	sc = add(&t, ssp, t.xades, "SigningCertificateV2", NULL);
	c = add(&t, sc, t.xades, "Cert", NULL);
	cd = add(&t, c, t.xades, "CertDigest", NULL);
	attr(&t, add(&t, cd, t.ds, "DigestMethod", NULL), "Algorithm", URI_DIGEST_SHA256);
	add(&t, cd, t.ds, "DigestValue", cert_dig);
	add(&t, c, t.xades, "IssuerSerialV2", is_v2);
	sdop = add(&t, sp, t.xades, "SignedDataObjectProperties", NULL);
	dof = add(&t, sdop, t.xades, "DataObjectFormat", NULL);
	{
		char oref[80];
		(void)snprintf(oref, sizeof oref, "#%s", ref_id);
		attr(&t, dof, "ObjectReference", oref);
	}
	add(&t, dof, t.xades, "MimeType", "text/xml");
	if (t.failed) {
		e = VN_ERR_NOMEM;
		goto out;
	}

	/* xmlsec: the digests and (except PSS) the signature value. */
	dctx = xmlSecDSigCtxCreate(NULL);
	if (dctx == NULL) {
		e = VN_ERR_NOMEM;
		goto out;
	}
	if (pss) {
		dctx->signKey = xmlSecKeyGenerate(xmlSecKeyDataHmacId, 256,
						  xmlSecKeyDataTypeSession);
		if (dctx->signKey == NULL) {
			e = VN_ERR_CRYPTO;
			goto out;
		}
	} else {
		if (EVP_PKEY_up_ref(key) != 1) {
			e = VN_ERR_CRYPTO;
			goto out;
		}
		kdata = xmlSecOpenSSLEvpKeyAdopt(key);
		if (kdata == NULL) {
			EVP_PKEY_free(key);
			e = VN_ERR_CRYPTO;
			goto out;
		}
		if ((dctx->signKey = xmlSecKeyCreate()) == NULL ||
		    xmlSecKeySetValue(dctx->signKey, kdata) < 0) {
			xmlSecKeyDataDestroy(kdata);
			e = VN_ERR_CRYPTO;
			goto out;
		}
	}
	/* Only the empty URI and our own "#id": nothing outside the document. */
	dctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument;
	if (xmlSecDSigCtxSign(dctx, sig) < 0 || dctx->status != xmlSecDSigStatusSucceeded) {
		e = VN_ERR_CRYPTO;
		goto out;
	}
	if (pss) {
		xmlNodePtr sm = tl_xml_child(si, TL_NS_DS, "SignatureMethod");
		if (sm == NULL || xmlSetProp(sm, BAD_CAST "Algorithm", BAD_CAST sig_uri) == NULL) {
			e = VN_ERR_NOMEM;
			goto out;
		}
		if ((e = pss_sign(si, sv, key, da->md())) != VN_OK)
			goto out;
	}

	/* KeyInfo is not covered by any reference; it goes in after signing so
	 * xmlsec's KeyInfo writer cannot alter it. */
	ki = xmlNewDocNode(doc, t.ds, BAD_CAST "KeyInfo", NULL);
	if (ki == NULL || xmlAddNextSibling(sv, ki) == NULL) {
		xmlFreeNode(ki);
		e = VN_ERR_NOMEM;
		goto out;
	}
	xd = add(&t, ki, t.ds, "X509Data", NULL);
	add(&t, xd, t.ds, "X509Certificate", cert_b64);
	e = t.failed ? VN_ERR_NOMEM : VN_OK;
out:
	if (dctx != NULL)
		xmlSecDSigCtxDestroy(dctx);
	if (e != VN_OK && sig != NULL) {
		/* Leave the document as it was: freeing the node drops the IDs
		 * registered on its attributes. */
		xmlUnlinkNode(sig);
		xmlFreeNode(sig);
		drop_root_ns(root, root_xades);
		drop_root_ns(root, root_ds);
	}
	free(cert_b64);
	free(cert_dig);
	free(is_v2);
	return e;
}
