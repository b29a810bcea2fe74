/* TS 119 102-2 validation reports (v1.4.1 schema, ../shared/xsd/1910202xmlSchema.xsd). */
#include "node/v_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>
#include <openssl/evp.h>

#include "common/vn_b64.h"

#define NS_DS "http://www.w3.org/2000/09/xmldsig#"
#define NS_XADES "http://uri.etsi.org/01903/v1.3.2#"
#define URN_IND "urn:etsi:019102:mainindication:"
#define URN_SUB "urn:etsi:019102:subindication:"

typedef struct xw {
	xmlDocPtr doc;
	xmlNsPtr vr, ds, xades;
	int err;
} xw;

static xmlNodePtr el(xw *w, xmlNodePtr parent, const char *name, const char *text)
{
	xmlNodePtr n;

	if (w->err)
		return NULL;
	n = xmlNewChild(parent, w->vr, (const xmlChar *)name, NULL);
	if (n == NULL) {
		w->err = 1;
		return NULL;
	}
	if (text != NULL)
		xmlNodeAddContent(n, (const xmlChar *)text);
	return n;
}

static void ref(xw *w, xmlNodePtr parent, const char *name, const char *id)
{
	xmlNodePtr n = el(w, parent, name, NULL);

	if (n != NULL && xmlNewProp(n, (const xmlChar *)"VOReference", (const xmlChar *)id) == NULL)
		w->err = 1;
}

static const char *ind_urn(vn_indication i, char *buf, size_t n)
{
	const char *s = i == VN_IND_TOTAL_PASSED ? "total-passed"
			: i == VN_IND_TOTAL_FAILED ? "total-failed"
						   : "indeterminate";
	snprintf(buf, n, URN_IND "%s", s);
	return buf;
}

/* DSS's signature-qualification URIs (STANDARDS.md 5.2). */
static const char *qual_urn(v_qual q, vn_indication ind)
{
	static const char *const pass[] = {"QESig", "QESeal", "AdESigQC", "AdESealQC",
					   "AdESig", "AdESeal", "notAdES", "notApplicable"};
	static const char *const indet[] = {"indeterminateQESig", "indeterminateQESeal",
					    "indeterminateAdESigQC", "indeterminateAdESealQC",
					    "indeterminateAdESig", "indeterminateAdESeal", "notAdES",
					    "notApplicable"};
	static char buf[128];

	if ((unsigned)q > V_QUAL_INDETERMINATE)
		q = V_QUAL_INDETERMINATE;
	snprintf(buf, sizeof buf, "urn:cef:dss:signatureQualification:%s",
		 ind == VN_IND_INDETERMINATE ? indet[q] : pass[q]);
	return buf;
}

static void add_cert_object(xw *w, xmlNodePtr objs, X509 *x, const char *id)
{
	unsigned char *der = NULL;
	char *b64 = NULL;
	int n = i2d_X509(x, &der);
	xmlNodePtr vo, rep;

	if (n <= 0 || vn_b64_encode(der, (size_t)n, &b64) != VN_OK) {
		OPENSSL_free(der);
		w->err = 1;
		return;
	}
	vo = el(w, objs, "ValidationObject", NULL);
	if (vo != NULL && xmlNewProp(vo, (const xmlChar *)"id", (const xmlChar *)id) == NULL)
		w->err = 1;
	el(w, vo, "ObjectType", "urn:etsi:019102:validationObject:certificate");
	rep = el(w, vo, "ValidationObjectRepresentation", NULL);
	el(w, rep, "base64", b64);
	free(b64);
	OPENSSL_free(der);
}

static void one_report(xw *w, xmlNodePtr root, xmlNodePtr objs, const v_result *r,
		       const v_policy *p)
{
	char buf[256], t1[VN_TIME_BUFSZ], cid[64];
	xmlNodePtr rep, n, st, avr, chain;
	int k, nchain = r->chain ? sk_X509_num(r->chain) : 0;

	rep = el(w, root, "SignatureValidationReport", NULL);
	n = el(w, rep, "SignatureIdentifier", NULL);
	if (n != NULL && xmlNewProp(n, (const xmlChar *)"id", (const xmlChar *)r->id) == NULL)
		w->err = 1;
	el(w, n, "HashOnly", "false");
	el(w, n, "DocHashOnly", "false");
	if (p != NULL) {
		xmlNodePtr ce = el(w, rep, "ValidationConstraintsEvaluationReport", NULL);
		xmlNodePtr sp = el(w, ce, "SignatureValidationPolicy", NULL);
		xmlNodePtr spi = el(w, sp, "SignaturePolicyIdentifier", NULL);
		/* the local validation policy, not a signature policy the signer
		 * committed to: XAdES SignaturePolicyImplied */
		if (spi != NULL && xmlNewChild(spi, w->xades, (const xmlChar *)"SignaturePolicyImplied",
					       NULL) == NULL)
			w->err = 1;
		snprintf(buf, sizeof buf, "urn:valnode:policy:%s:%s", p->id, p->version);
		el(w, sp, "PolicyName", buf);
		/* the exact policy text applied: its SHA-256 (TS 119 102-2
		 * FormalPolicyURI, as a URN that names the digest) */
		if (p->digest != NULL) {
			snprintf(buf, sizeof buf, "urn:valnode:policy:%s:%s:sha256:%s", p->id, p->version,
				 p->digest);
			el(w, sp, "FormalPolicyURI", buf);
		}
	}
	n = el(w, rep, "ValidationTimeInfo", NULL);
	el(w, n, "ValidationTime", vn_time_format(r->validation_time, t1));
	n = el(w, n, "BestSignatureTime", NULL);
	el(w, n, "POETime", vn_time_format(r->best_signature_time, t1));
	el(w, n, "TypeOfProof", "urn:etsi:019102:poetype:validation");
	if (r->claimed_time != VN_TIME_NONE) {
		n = el(w, rep, "SignatureAttributes", NULL);
		n = el(w, n, "SigningTime", NULL);
		if (n != NULL && xmlNewProp(n, (const xmlChar *)"Signed", (const xmlChar *)"true") == NULL)
			w->err = 1;
		el(w, n, "Time", vn_time_format(r->claimed_time, t1));
	}
	if (r->signer != NULL) {
		char cn[256] = "";
		snprintf(cid, sizeof cid, "%s-C-0", r->id);
		n = el(w, rep, "SignerInformation", NULL);
		ref(w, n, "SignerCertificate", cid);
		if (X509_NAME_get_text_by_NID(X509_get_subject_name(r->signer), NID_commonName, cn,
					      sizeof cn) > 0)
			el(w, n, "Signer", cn);
	}
	n = el(w, rep, "SignatureQuality", NULL);
	el(w, n, "SignatureQualityInformation", qual_urn(r->qualification, r->indication));
	n = el(w, rep, "SignatureValidationProcess", NULL);
	snprintf(buf, sizeof buf, "urn:etsi:019102:validationprocess:%s", r->process);
	el(w, n, "SignatureValidationProcessID", buf);
	st = el(w, rep, "SignatureValidationStatus", NULL);
	el(w, st, "MainIndication", ind_urn(r->indication, buf, sizeof buf));
	if (r->sub != VN_SUB_NONE) {
		snprintf(buf, sizeof buf, URN_SUB "%s", vn_subind_name(r->sub));
		el(w, st, "SubIndication", buf);
	}
	if (r->signer != NULL) {
		avr = el(w, st, "AssociatedValidationReportData", NULL);
		chain = el(w, avr, "CertificateChain", NULL);
		ref(w, chain, "SigningCertificate", cid);
		for (k = 1; k < nchain; k++) {
			snprintf(buf, sizeof buf, "%s-C-%d", r->id, k);
			ref(w, chain, k == nchain - 1 ? "TrustAnchor" : "IntermediateCertificate", buf);
		}
		if (r->revocation.status == V_REV_REVOKED &&
		    r->revocation.revocation_time != VN_TIME_NONE) {
			n = el(w, avr, "RevocationStatusInformation", NULL);
			ref(w, n, "ValidationObjectId", cid);
			el(w, n, "RevocationTime", vn_time_format(r->revocation.revocation_time, t1));
		}
		/* the certificates, as validation objects */
		add_cert_object(w, objs, r->signer, cid);
		for (k = 1; k < nchain; k++) {
			snprintf(buf, sizeof buf, "%s-C-%d", r->id, k);
			add_cert_object(w, objs, sk_X509_value(r->chain, k), buf);
		}
	}
}

vn_err v_result_xml(const v_result *r, size_t n, const v_policy *p, unsigned char **out,
		    size_t *len)
{
	xw w = {NULL, NULL, NULL, NULL, 0};
	xmlNodePtr root, objs;
	xmlChar *mem = NULL;
	int mlen = 0;
	size_t i;

	*out = NULL;
	*len = 0;
	w.doc = xmlNewDoc((const xmlChar *)"1.0");
	if (w.doc == NULL)
		return VN_ERR_NOMEM;
	root = xmlNewNode(NULL, (const xmlChar *)"ValidationReport");
	if (root == NULL) {
		xmlFreeDoc(w.doc);
		return VN_ERR_NOMEM;
	}
	xmlDocSetRootElement(w.doc, root);
	w.vr = xmlNewNs(root, (const xmlChar *)V_NS_VR, (const xmlChar *)"vr");
	w.ds = xmlNewNs(root, (const xmlChar *)NS_DS, (const xmlChar *)"ds");
	w.xades = xmlNewNs(root, (const xmlChar *)NS_XADES, (const xmlChar *)"XAdES");
	if (w.vr == NULL || w.ds == NULL || w.xades == NULL) {
		xmlFreeDoc(w.doc);
		return VN_ERR_NOMEM;
	}
	xmlSetNs(root, w.vr);
	/* the objects go after every report: build them aside, then attach */
	objs = xmlNewNode(w.vr, (const xmlChar *)"SignatureValidationObjects");
	if (objs == NULL) {
		xmlFreeDoc(w.doc);
		return VN_ERR_NOMEM;
	}
	for (i = 0; i < n && !w.err; i++)
		one_report(&w, root, objs, &r[i], p);
	if (objs->children != NULL)
		xmlAddChild(root, objs);
	else
		xmlFreeNode(objs);
	if (!w.err)
		xmlDocDumpFormatMemoryEnc(w.doc, &mem, &mlen, "UTF-8", 1);
	xmlFreeDoc(w.doc);
	if (w.err || mem == NULL || mlen <= 0) {
		xmlFree(mem);
		return VN_ERR_NOMEM;
	}
	*out = mem;
	*len = (size_t)mlen;
	return VN_OK;
}
