/* valnode: the unsigned half of the XAdES parser (EN 319 132-1 clause 5.3
 * signature timestamps, 5.4 validation data, 5.5.2 archive timestamps; the
 * BDOC 2.1 time-mark). See node/v_xades_int.h. */
#include "common/vn_certcache.h"
#include "node/v_dersplit.h"
#include "node/v_xades_int.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include "common/vn_b64.h"
#include "common/vn_buf.h"
#include "trustlists/tl_sig_pss.h"
#include "trustlists/tl_xml.h"

/* XAdES 1.3.2 / EN 319 132-1 4.5: a timestamp without its own
 * CanonicalizationMethod is computed with canonical XML 1.0. */
#define URI_C14N10 "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
/* XAdES EncapsulatedPKIData/@Encoding: DER is the default. */
#define URI_ENC_DER "http://uri.etsi.org/01903/v1.2.2#DER"
/* BDOC 2.1 time-mark signature policy (BDOC 2.1:2014 clause 5). */
#define OID_BDOC_TM "1.3.6.1.4.1.10015.1000.3.2.1"

/* One unsigned property's base64 payload. */
#define MAX_ENCAPSULATED ((size_t)16 << 20)

static vn_err finding(v_sigobj *o, vn_level l, const char *code, const char *msg)
{
	return vn_findings_add(&o->findings, l, code, "%s", msg);
}

/* A finding once per code: hostile input may repeat the same defect. */
static vn_err finding_once(v_sigobj *o, vn_level l, const char *code, const char *msg)
{
	if (vn_findings_has(&o->findings, code))
		return VN_OK;
	return finding(o, l, code, msg);
}

static int is_xades(const xmlNode *n, const char *name)
{
	return tl_xml_is(n, V_NS_XADES132, name) || tl_xml_is(n, V_NS_XADES141, name);
}

/* The base64 DER content of an Encapsulated* element. VN_ERR_MALFORMED for
 * bad base64, an empty value or a non-DER Encoding; VN_ERR_NOMEM. */
static vn_err encapsulated(const xmlNode *el, unsigned char **out, size_t *len)
{
	xmlChar *enc = xmlGetProp(el, (const xmlChar *)"Encoding");
	char *txt = NULL;
	vn_err e;

	*out = NULL;
	*len = 0;
	if (enc != NULL && strcmp((const char *)enc, URI_ENC_DER) != 0) {
		xmlFree(enc);
		return VN_ERR_MALFORMED;
	}
	xmlFree(enc);
	if ((txt = tl_xml_text(el)) == NULL)
		return VN_ERR_NOMEM;
	e = vn_b64_decode(txt, strlen(txt), MAX_ENCAPSULATED, out, len);
	free(txt);
	if (e == VN_ERR_NOMEM)
		return e;
	if (e != VN_OK || *len == 0) {
		free(*out);
		*out = NULL;
		*len = 0;
		return VN_ERR_MALFORMED;
	}
	return VN_OK;
}

/* The canonicalisation a timestamp names: its ds:CanonicalizationMethod
 * child, or C14N 1.0 (EN 319 132-1 4.5). *uri is owned by the caller
 * (xmlFree) when *owned. */
static const char *ts_c14n(const xmlNode *ts, const xmlNode **method, xmlChar **owned)
{
	xmlNodePtr m = tl_xml_child(ts, V_NS_DSIG, "CanonicalizationMethod");

	*method = NULL;
	*owned = NULL;
	if (m == NULL)
		return URI_C14N10;
	*method = m;
	*owned = xmlGetProp(m, (const xmlChar *)"Algorithm");
	return *owned != NULL ? (const char *)*owned : "";
}

/* Append the canonical form of el to b. Errors from tl_c14n_subtree. */
static vn_err c14n_append(xmlNodePtr el, const char *uri, const xmlNode *method, vn_buf *b)
{
	xmlBufferPtr xb = xmlBufferCreate();
	vn_err e;
	int n;

	if (xb == NULL)
		return VN_ERR_NOMEM;
	e = tl_c14n_subtree(el, uri, method, xb);
	n = xmlBufferLength(xb);
	if (e == VN_OK && n > 0)
		e = vn_buf_append(b, xmlBufferContent(xb), (size_t)n);
	xmlBufferFree(xb);
	return e;
}

/* DER of one whole TimeStampToken: a CMS ContentInfo, nothing after it. */
static int token_ok(const unsigned char *p, size_t n)
{
	const unsigned char *q = p;
	CMS_ContentInfo *ci;

	if (n > LONG_MAX)
		return 0;
	ci = d2i_CMS_ContentInfo(NULL, &q, (long)n);
	if (ci == NULL)
		return 0;
	CMS_ContentInfo_free(ci);
	return q == p + n;
}

/* Every EncapsulatedTimeStamp of a XAdESTimeStampType element, each with
 * the same imprint input (imp may be NULL: not computed). *nadded counts
 * the tokens kept. */
static vn_err timestamps(v_sigobj *o, const xmlNode *ts, v_ts_kind kind, const vn_buf *imp,
			 size_t *nadded)
{
	xmlNodePtr c;
	vn_err e = VN_OK;

	for (c = tl_xml_first_elem(ts); c != NULL && e == VN_OK; c = tl_xml_next_elem(c)) {
		unsigned char *der = NULL;
		size_t n = 0;
		if (is_xades(c, "XMLTimeStamp")) {
			e = finding_once(o, VN_LEVEL_WARN, "V_XADES_XML_TIMESTAMP",
					 "an XMLTimeStamp is not a format read here; ignored");
			continue;
		}
		if (!is_xades(c, "EncapsulatedTimeStamp"))
			continue;
		e = encapsulated(c, &der, &n);
		if (e == VN_ERR_NOMEM)
			break;
		if (e != VN_OK || !token_ok(der, n)) {
			free(der);
			e = finding(o, VN_LEVEL_ERROR, "V_XADES_TS_MALFORMED",
				    "an EncapsulatedTimeStamp is not a DER TimeStampToken in base64; "
				    "ignored");
			continue;
		}
		e = v_sigobj_add_ts(o, kind, der, n, imp != NULL ? imp->data : NULL, imp != NULL ? imp->len : 0);
		free(der);
		if (e == VN_ERR_TOO_LARGE)
			e = finding_once(o, VN_LEVEL_WARN, "V_XADES_TOO_MANY_TIMESTAMPS",
					 "more timestamps than the parser keeps; the rest ignored");
		else if (e == VN_OK)
			(*nadded)++;
	}
	return e;
}

/* --- signature timestamp (EN 319 132-1 5.3) ---------------------------- */

static vn_err sig_timestamp(const v_xades_sig *xs, v_sigobj *o, const xmlNode *ts,
			    size_t *nadded)
{
	const xmlNode *method;
	xmlChar *owned;
	const char *uri = ts_c14n(ts, &method, &owned);
	vn_buf in;
	vn_err e = VN_OK;

	vn_buf_init(&in, V_MAX_DOCUMENT);
	/* The imprint is over the canonical ds:SignatureValue element, with
	 * the timestamp's own canonicalisation. */
	if (xs->sig_value != NULL) {
		e = c14n_append(xs->sig_value, uri, method, &in);
		if (e == VN_ERR_NOMEM)
			goto out;
		if (e != VN_OK) {
			vn_buf_reset(&in);
			if ((e = finding(o, VN_LEVEL_WARN, "V_XADES_TS_C14N",
					 "a timestamp's canonicalisation could not be applied; "
					 "its imprint cannot be checked")) != VN_OK)
				goto out;
		}
	}
	e = timestamps(o, ts, V_TS_SIGNATURE, &in, nadded);
out:
	xmlFree(owned);
	vn_buf_free(&in);
	return e;
}

/* --- certificate and revocation values (EN 319 132-1 5.4) -------------- */

/* xades:CertificateValues: EncapsulatedX509Certificate children (the
 * OtherCertificate choice is not read). */
static vn_err cert_values(v_sigobj *o, const xmlNode *cv)
{
	xmlNodePtr c;
	vn_err e = VN_OK;

	for (c = tl_xml_first_elem(cv); c != NULL && e == VN_OK; c = tl_xml_next_elem(c)) {
		unsigned char *der = NULL;
		size_t n = 0;
		X509 *x = NULL;
		if (!is_xades(c, "EncapsulatedX509Certificate"))
			continue;
		if ((e = encapsulated(c, &der, &n)) == VN_ERR_NOMEM)
			break;
		/* the same bytes decode once per process (vn_certcache.h); trailing
		 * bytes make it fail */
		if (e == VN_OK)
			x = vn_cert_decode(der, n);
		if (x == NULL) {
			e = finding(o, VN_LEVEL_ERROR, "V_XADES_CERT_MALFORMED",
				    "an EncapsulatedX509Certificate is not a DER certificate in "
				    "base64; ignored");
		} else {
			e = v_sigobj_add_cert(o, x);
			if (e == VN_ERR_TOO_LARGE)
				e = finding_once(o, VN_LEVEL_WARN, "V_XADES_TOO_MANY_CERTS",
						 "more certificates than the parser keeps; the rest "
						 "ignored");
		}
		X509_free(x);
		free(der);
	}
	return e;
}

/* A DER OCSPResponse, exactly n bytes (any status). Through the split first
 * (v_dersplit.h), so that the usual successful response does not send its
 * certificates through OpenSSL's decoders here and again in v_rev. */
static int ocsp_ok(const unsigned char *p, size_t n)
{
	OCSP_BASICRESP *bs = v_der_ocsp_basic(p, n, V_MAX_DOCUMENT);
	const unsigned char *q = p;
	OCSP_RESPONSE *r;

	if (bs != NULL) {
		OCSP_BASICRESP_free(bs);
		return 1;
	}
	if (n > LONG_MAX || (r = d2i_OCSP_RESPONSE(NULL, &q, (long)n)) == NULL)
		return 0;
	OCSP_RESPONSE_free(r);
	return q == p + n;
}

static int crl_ok(const unsigned char *p, size_t n)
{
	const unsigned char *q = p;
	X509_CRL *c;

	if (n > LONG_MAX || (c = d2i_X509_CRL(NULL, &q, (long)n)) == NULL)
		return 0;
	X509_CRL_free(c);
	return q == p + n;
}

/* xades:RevocationValues: CRLValues/EncapsulatedCRLValue (DER
 * CertificateList), OCSPValues/EncapsulatedOCSPValue (DER OCSPResponse,
 * RFC 6960 4.2.1). OtherValues is not read. */
static vn_err revocation_values(v_sigobj *o, const xmlNode *rv)
{
	xmlNodePtr g, c;
	vn_err e = VN_OK;

	for (g = tl_xml_first_elem(rv); g != NULL && e == VN_OK; g = tl_xml_next_elem(g)) {
		int ocsp = is_xades(g, "OCSPValues");
		if (!ocsp && !is_xades(g, "CRLValues"))
			continue;
		for (c = tl_xml_first_elem(g); c != NULL && e == VN_OK; c = tl_xml_next_elem(c)) {
			unsigned char *der = NULL;
			size_t n = 0;
			if (!is_xades(c, ocsp ? "EncapsulatedOCSPValue" : "EncapsulatedCRLValue"))
				continue;
			if ((e = encapsulated(c, &der, &n)) == VN_ERR_NOMEM)
				break;
			if (e != VN_OK || !(ocsp ? ocsp_ok(der, n) : crl_ok(der, n))) {
				e = finding(o, VN_LEVEL_ERROR,
					    ocsp ? "V_XADES_OCSP_MALFORMED" : "V_XADES_CRL_MALFORMED",
					    ocsp ? "an EncapsulatedOCSPValue is not a DER OCSPResponse "
						   "in base64; ignored"
						 : "an EncapsulatedCRLValue is not a DER CRL in base64; "
						   "ignored");
			} else {
				e = ocsp ? v_blob_push(&o->ocsps, &o->nocsps, V_MAX_REVOCATION, der, n)
					 : v_blob_push(&o->crls, &o->ncrls, V_MAX_REVOCATION, der, n);
				if (e == VN_ERR_TOO_LARGE)
					e = finding_once(o, VN_LEVEL_WARN, "V_XADES_TOO_MANY_REVOCATION",
							 "more revocation values than the parser "
							 "keeps; the rest ignored");
			}
			free(der);
		}
	}
	return e;
}

/* --- archive timestamp (EN 319 132-1 5.5.2.2; XAdES 1.4.1 8.2.1) -------- */

/* Whether ds:Object obj is referenced ("#Id") by a ds:Reference of
 * SignedInfo; the XAdES 1.3.2 archive timestamp leaves those out, since
 * step 1 already covered them (TS 101 903 v1.3.2 7.7.1 step 5). */
static int object_referenced(const v_xades_sig *xs, const xmlNode *obj)
{
	xmlChar *id = xmlGetProp(obj, (const xmlChar *)"Id");
	xmlNodePtr r;
	int hit = 0;

	if (id == NULL)
		return 0;
	for (r = tl_xml_first_elem(xs->signed_info); r != NULL && !hit; r = tl_xml_next_elem(r)) {
		xmlChar *uri;
		if (!tl_xml_is(r, V_NS_DSIG, "Reference"))
			continue;
		uri = xmlGetProp(r, (const xmlChar *)"URI");
		hit = uri != NULL && uri[0] == '#' &&
		      strcmp((const char *)uri + 1, (const char *)id) == 0;
		xmlFree(uri);
	}
	xmlFree(id);
	return hit;
}

/* Whether a ds:Object holds this signature's QualifyingProperties. */
static int object_has_qp(const v_xades_sig *xs, const xmlNode *obj)
{
	xmlNodePtr c;

	for (c = tl_xml_first_elem(obj); c != NULL; c = tl_xml_next_elem(c))
		if (c == xs->qp || is_xades(c, "QualifyingProperties"))
			return 1;
	return 0;
}

/* The octets an ArchiveTimeStamp's imprint covers, in this order
 * (EN 319 132-1 5.5.2.2, with the validation variant of step 5):
 *  1. each ds:Reference's octets, in SignedInfo order;
 *  2-4. canonical ds:SignedInfo, ds:SignatureValue, ds:KeyInfo (if any);
 *  5. canonical every unsigned signature property before ats, in
 *     document order;
 *  6. canonical every ds:Object of the signature except the one holding
 *     QualifyingProperties, in document order (XAdES 1.3.2 form: only
 *     those no ds:Reference names).
 * All with the timestamp's canonicalisation. On a missing reference or a
 * canonicalisation that cannot be applied, in stays empty and *why says
 * which. */
static vn_err ats_input(const v_xades_sig *xs, const xmlNode *ats, vn_buf *in, const char **why)
{
	const xmlNode *method;
	xmlChar *owned;
	const char *uri = ts_c14n(ats, &method, &owned);
	int v132 = tl_xml_is(ats, V_NS_XADES132, "ArchiveTimeStamp");
	xmlNodePtr c;
	size_t i;
	vn_err e = VN_OK;

	*why = NULL;
	if (xs->nrefs == 0 || xs->ref_octets == NULL) {
		*why = "the signature's references are not available";
		goto out;
	}
	for (i = 0; i < xs->nrefs; i++) {
		if (xs->ref_octets[i].p == NULL) {
			*why = "a ds:Reference could not be dereferenced";
			goto out;
		}
		if ((e = vn_buf_append(in, xs->ref_octets[i].p, xs->ref_octets[i].n)) != VN_OK)
			goto out;
	}
	if (xs->signed_info == NULL || xs->sig_value == NULL) {
		*why = "SignedInfo or SignatureValue is missing";
		goto out;
	}
	if ((e = c14n_append(xs->signed_info, uri, method, in)) != VN_OK ||
	    (e = c14n_append(xs->sig_value, uri, method, in)) != VN_OK)
		goto out;
	if (xs->key_info != NULL && (e = c14n_append(xs->key_info, uri, method, in)) != VN_OK)
		goto out;
	for (c = tl_xml_first_elem(xs->usp); c != NULL && c != ats; c = tl_xml_next_elem(c))
		if ((e = c14n_append(c, uri, method, in)) != VN_OK)
			goto out;
	for (c = tl_xml_first_elem(xs->sig); c != NULL; c = tl_xml_next_elem(c)) {
		if (!tl_xml_is(c, V_NS_DSIG, "Object") || object_has_qp(xs, c))
			continue;
		if (v132 && object_referenced(xs, c))
			continue;
		if ((e = c14n_append(c, uri, method, in)) != VN_OK)
			goto out;
	}
out:
	xmlFree(owned);
	if (e != VN_OK && e != VN_ERR_NOMEM) {
		*why = e == VN_ERR_TOO_LARGE ? "the covered octets exceed the cap"
					     : "its canonicalisation could not be applied";
		e = VN_OK;
	}
	if (*why != NULL)
		vn_buf_reset(in);
	return e;
}

static vn_err archive_timestamp(const v_xades_sig *xs, v_sigobj *o, const xmlNode *ats,
				size_t *nadded)
{
	const char *why = NULL;
	vn_buf in;
	vn_err e;

	vn_buf_init(&in, V_MAX_DOCUMENT);
	if ((e = ats_input(xs, ats, &in, &why)) != VN_OK)
		goto out;
	if (why != NULL &&
	    (e = vn_findings_add(&o->findings, VN_LEVEL_WARN, "V_XADES_ARCHIVE_TS_NOT_CHECKED",
				 "an archive timestamp's covered data cannot be computed: %s",
				 why)) != VN_OK)
		goto out;
	e = timestamps(o, ats, V_TS_ARCHIVE, &in, nadded);
out:
	vn_buf_free(&in);
	return e;
}

/* --- BDOC time-mark ----------------------------------------------------- */

/* The nonce extension value of a DER OCSPResponse: *p / *n borrow from
 * *basic (free with OCSP_BASICRESP_free). 0 when there is none. */
static int ocsp_nonce(const v_blob *b, OCSP_BASICRESP **basic, const unsigned char **p,
		      size_t *n)
{
	X509_EXTENSION *x;
	ASN1_OCTET_STRING *v;
	int i;

	*basic = v_der_ocsp_basic(b->p, b->n, V_MAX_DOCUMENT);
	if (*basic == NULL)
		return 0;
	i = OCSP_BASICRESP_get_ext_by_NID(*basic, NID_id_pkix_OCSP_Nonce, -1);
	if (i < 0 || (x = OCSP_BASICRESP_get_ext(*basic, i)) == NULL ||
	    (v = X509_EXTENSION_get_data(x)) == NULL)
		return 0;
	*p = ASN1_STRING_get0_data(v);
	*n = (size_t)ASN1_STRING_length(v);
	return 1;
}

/* Whether nonce binds sv (the decoded SignatureValue). BDOC 2.1 clause
 * 6.1: the nonce is the DER of SEQUENCE { AlgorithmIdentifier, OCTET
 * STRING digest(SignatureValue) }. Older producers put the bare digest
 * (possibly as an OCTET STRING, RFC 8954 style); accepted with the hash
 * its length names. *shaped: the nonce has the DigestInfo form, so it was
 * meant as a time-mark. */
static int nonce_binds(const unsigned char *nonce, size_t nn, const v_blob *sv, int *shaped)
{
	const unsigned char *q = nonce;
	X509_SIG *di = NULL;
	const X509_ALGOR *alg = NULL;
	const ASN1_OCTET_STRING *dg = NULL;
	const EVP_MD *md = NULL;
	const unsigned char *want = nonce;
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;
	size_t wl = nn;
	int ok = 0;

	*shaped = 0;
	if (nn <= LONG_MAX && (di = d2i_X509_SIG(NULL, &q, (long)nn)) != NULL && q == nonce + nn) {
		const ASN1_OBJECT *obj = NULL;
		*shaped = 1;
		X509_SIG_get0(di, &alg, &dg);
		X509_ALGOR_get0(&obj, NULL, NULL, alg);
		md = EVP_get_digestbyobj(obj);
		want = ASN1_STRING_get0_data(dg);
		wl = (size_t)ASN1_STRING_length(dg);
	} else {
		ASN1_OCTET_STRING *os;
		q = nonce;
		if (nn > 2 && nonce[0] == 0x04 && nn <= LONG_MAX &&
		    (os = d2i_ASN1_OCTET_STRING(NULL, &q, (long)nn)) != NULL) {
			size_t l = (size_t)ASN1_STRING_length(os);
			ASN1_OCTET_STRING_free(os);
			if (q == nonce + nn && l < nn) {
				want = nonce + (nn - l);
				wl = l;
			}
		}
		md = wl == 20 ? EVP_sha1() : wl == 28 ? EVP_sha224() : wl == 32 ? EVP_sha256()
		   : wl == 48 ? EVP_sha384() : wl == 64 ? EVP_sha512() : NULL;
	}
	if (md != NULL && sv->n > 0 && EVP_Digest(sv->p, sv->n, h, &hl, md, NULL) == 1)
		ok = wl == hl && CRYPTO_memcmp(want, h, hl) == 0;
	X509_SIG_free(di);
	return ok;
}

/* The decoded ds:SignatureValue. */
static vn_err sig_value_bytes(const v_xades_sig *xs, v_blob *sv)
{
	char *txt;
	vn_err e;

	sv->p = NULL;
	sv->n = 0;
	if (xs->sig_value == NULL)
		return VN_OK;
	if ((txt = tl_xml_text(xs->sig_value)) == NULL)
		return VN_ERR_NOMEM;
	e = vn_b64_decode(txt, strlen(txt), V_MAX_DOCUMENT, &sv->p, &sv->n);
	free(txt);
	if (e != VN_OK && e != VN_ERR_NOMEM) {
		free(sv->p);
		sv->p = NULL;
		sv->n = 0;
		e = VN_OK;	/* the signed half reports a bad SignatureValue */
	}
	return e;
}

/* A time-mark is looked for where no signature timestamp is, or where the
 * BDOC-TM policy says there must be one. */
static vn_err timemark(const v_xades_sig *xs, v_sigobj *o, size_t nsig_ts)
{
	int tm_policy = strcmp(o->sig_policy, OID_BDOC_TM) == 0;
	int nonce_seen = 0, shaped_seen = 0;
	v_blob sv = { NULL, 0 };
	size_t i;
	vn_err e;

	if (nsig_ts > 0 && !tm_policy)
		return VN_OK;
	if (o->nocsps == 0) {
		if (tm_policy && nsig_ts == 0)
			return finding(o, VN_LEVEL_ERROR, "V_XADES_TIMEMARK_MISSING",
				       "a BDOC-TM signature carries no OCSP response (time-mark)");
		return VN_OK;
	}
	if ((e = sig_value_bytes(xs, &sv)) != VN_OK)
		return e;
	for (i = 0; i < o->nocsps && o->timemark < 0; i++) {
		OCSP_BASICRESP *basic = NULL;
		const unsigned char *np = NULL;
		size_t nn = 0;
		int shaped = 0;
		if (ocsp_nonce(&o->ocsps[i], &basic, &np, &nn)) {
			nonce_seen = 1;
			if (nonce_binds(np, nn, &sv, &shaped))
				o->timemark = (int)i;
			shaped_seen |= shaped;
		}
		OCSP_BASICRESP_free(basic);
	}
	free(sv.p);
	/* BDOC 2.1 clause 6.1: the OCSP nonce must bind the signature value;
	 * a time-mark that does not is no proof of existence. */
	if (o->timemark < 0 && (tm_policy || shaped_seen))
		return finding(o, VN_LEVEL_ERROR, "V_XADES_TIMEMARK_NONCE",
			       nonce_seen ? "the OCSP nonce does not bind this signature value "
					    "(time-mark)"
					  : "no OCSP response carries a nonce (time-mark)");
	return VN_OK;
}

/* --- the properties ----------------------------------------------------- */

vn_err v_xades_unsigned(const v_xades_sig *xs, v_sigobj *o)
{
	size_t nsig_ts = 0, nats = 0;
	int has_cv = 0, has_rv = 0;
	xmlNodePtr c;
	vn_err e = VN_OK;

	for (c = tl_xml_first_elem(xs->usp); c != NULL && e == VN_OK; c = tl_xml_next_elem(c)) {
		if (is_xades(c, "SignatureTimeStamp")) {
			e = sig_timestamp(xs, o, c, &nsig_ts);
		} else if (is_xades(c, "CertificateValues")) {
			has_cv = 1;
			e = cert_values(o, c);
		} else if (is_xades(c, "RevocationValues")) {
			has_rv = 1;
			e = revocation_values(o, c);
		} else if (is_xades(c, "ArchiveTimeStamp")) {
			e = archive_timestamp(xs, o, c, &nats);
		} else if (tl_xml_is(c, V_NS_XADES141, "TimeStampValidationData")) {
			/* XAdES 1.4.1 clause 4.2.2: validation material of the
			 * timestamps, read as the signature's own. */
			xmlNodePtr v;
			for (v = tl_xml_first_elem(c); v != NULL && e == VN_OK;
			     v = tl_xml_next_elem(v)) {
				if (is_xades(v, "CertificateValues"))
					e = cert_values(o, v);
				else if (is_xades(v, "RevocationValues"))
					e = revocation_values(o, v);
			}
		}
		/* Other properties (references, other timestamps) carry nothing
		 * the engine uses; an archive timestamp still covers them. */
	}
	if (e != VN_OK)
		return e;
	if ((e = timemark(xs, o, nsig_ts)) != VN_OK)
		return e;

	/* XAdES-BASELINE levels (EN 319 132-1 clause 6.3): T a signature
	 * timestamp (or, for BDOC, the time-mark), LT with the certificate and
	 * revocation values, LTA with an archive timestamp. Never set from
	 * NONE: plain XMLDSig stays what it is. */
	if (o->level == V_LEVEL_B && (nsig_ts > 0 || o->timemark >= 0)) {
		o->level = V_LEVEL_T;
		if (has_cv && has_rv) {
			o->level = V_LEVEL_LT;
			if (nats > 0)
				o->level = V_LEVEL_LTA;
		}
	}
	return VN_OK;
}
