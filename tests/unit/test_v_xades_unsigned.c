/* Check suite for the unsigned half of the XAdES parser: signature and
 * archive timestamps (real RFC 3161 tokens made here with OpenSSL's TS API
 * over the expected imprint input), certificate and revocation values,
 * the BDOC time-mark (OCSP responses made here with a nonce), levels, caps,
 * malformed values; and two real signatures of the corpus. */
#include "tests/unit/vn_test.h"

#include <openssl/ocsp.h>
#include <openssl/ts.h>

#include "node/v_xades_int.h"
#include "tests/unit/v_testpki.h"
#include "trustlists/tl_sig_pss.h"

#define C14N10 "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
#define XADES_NS "xmlns:xades=\"" V_NS_XADES132 "\" xmlns:xades141=\"" V_NS_XADES141 "\""
/* The decoded value is "sig"; its canonical element, pinned by hand. */
#define SV_B64 "c2ln"
#define SV_C14N "<ds:SignatureValue xmlns:ds=\"" V_NS_DSIG "\" Id=\"SV\">" SV_B64 "</ds:SignatureValue>"

static tp_cert ca, tsa, ocspsig, signer;

/* ---- material --------------------------------------------------------- */

static char *b64(const unsigned char *p, size_t n)
{
	char *s = NULL;
	TP_REQUIRE(vn_b64_encode(p, n, &s) == VN_OK);
	return s;
}

/* A DER TimeStampToken over SHA-256(data). Caller frees. */
static unsigned char *make_token(const unsigned char *data, size_t n, size_t *len)
{
	unsigned char h[32], *der = NULL;
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *a = X509_ALGOR_new();
	TS_RESP_CTX *ctx = TS_RESP_CTX_new();
	ASN1_OBJECT *pol = OBJ_txt2obj("1.2.3.4.1", 1);
	BIO *bio = BIO_new(BIO_s_mem());
	TS_RESP *resp;
	int l;

	TP_REQUIRE(EVP_Digest(data, n, h, NULL, EVP_sha256(), NULL) == 1);
	X509_ALGOR_set0(a, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL);
	TS_MSG_IMPRINT_set_algo(mi, a);
	TS_MSG_IMPRINT_set_msg(mi, h, 32);
	TS_REQ_set_version(req, 1);
	TS_REQ_set_msg_imprint(req, mi);
	TS_REQ_set_cert_req(req, 1);
	TP_REQUIRE(i2d_TS_REQ_bio(bio, req) == 1);
	TP_REQUIRE(TS_RESP_CTX_set_signer_cert(ctx, tsa.x) == 1);
	TP_REQUIRE(TS_RESP_CTX_set_signer_key(ctx, tsa.k) == 1);
	TP_REQUIRE(TS_RESP_CTX_set_def_policy(ctx, pol) == 1);
	TP_REQUIRE(TS_RESP_CTX_add_md(ctx, EVP_sha256()) == 1);
	resp = TS_RESP_create_response(ctx, bio);
	TP_REQUIRE(resp != NULL && TS_RESP_get_token(resp) != NULL);
	l = i2d_PKCS7(TS_RESP_get_token(resp), &der);
	TP_REQUIRE(l > 0);
	*len = (size_t)l;
	TS_RESP_free(resp);
	TS_RESP_CTX_free(ctx);
	BIO_free(bio);
	ASN1_OBJECT_free(pol);
	X509_ALGOR_free(a);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(req);
	return der;
}

/* Whether the token's message imprint is the digest of in. */
static int imprint_matches(const v_blob *tok, const v_blob *in)
{
	const unsigned char *q = tok->p;
	PKCS7 *p7 = d2i_PKCS7(NULL, &q, (long)tok->n);
	TS_TST_INFO *ti = p7 != NULL ? PKCS7_to_TS_TST_INFO(p7) : NULL;
	TS_MSG_IMPRINT *mi;
	const ASN1_OBJECT *obj = NULL;
	const ASN1_OCTET_STRING *m;
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;
	int ok = 0;

	if (ti != NULL) {
		mi = TS_TST_INFO_get_msg_imprint(ti);
		X509_ALGOR_get0(&obj, NULL, NULL, TS_MSG_IMPRINT_get_algo(mi));
		m = TS_MSG_IMPRINT_get_msg(mi);
		ok = in->n > 0 &&
		     EVP_Digest(in->p, in->n, h, &hl, EVP_get_digestbyobj(obj), NULL) == 1 &&
		     (int)hl == ASN1_STRING_length(m) &&
		     memcmp(h, ASN1_STRING_get0_data(m), hl) == 0;
	}
	TS_TST_INFO_free(ti);
	PKCS7_free(p7);
	return ok;
}

enum { NONCE_NONE, NONCE_DIGESTINFO, NONCE_WRONG, NONCE_RAW, NONCE_RANDOM };

/* A DER OCSPResponse for signer, with a nonce over sv as asked. */
static unsigned char *make_ocsp(int nonce, const unsigned char *sv, size_t svn, size_t *len)
{
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	OCSP_CERTID *id = OCSP_cert_to_id(NULL, signer.x, ca.x);
	ASN1_TIME *now = X509_gmtime_adj(NULL, 0);
	OCSP_RESPONSE *r;
	unsigned char h[32], *val = NULL, *der = NULL;
	int vl = 0, l;

	TP_REQUIRE(OCSP_basic_add1_status(bs, id, V_OCSP_CERTSTATUS_GOOD, 0, NULL, now, NULL) !=
		   NULL);
	TP_REQUIRE(EVP_Digest(sv, svn, h, NULL, EVP_sha256(), NULL) == 1);
	if (nonce == NONCE_WRONG)
		h[0] ^= 1;
	if (nonce == NONCE_DIGESTINFO || nonce == NONCE_WRONG) {
		X509_SIG *di = X509_SIG_new();
		X509_ALGOR *alg;
		ASN1_OCTET_STRING *dg;
		X509_SIG_getm(di, &alg, &dg);
		X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL);
		ASN1_OCTET_STRING_set(dg, h, 32);
		vl = i2d_X509_SIG(di, &val);
		X509_SIG_free(di);
	} else if (nonce == NONCE_RAW || nonce == NONCE_RANDOM) {
		val = OPENSSL_malloc(32);
		memcpy(val, h, 32);
		if (nonce == NONCE_RANDOM)
			memset(val, 0x5a, 16);
		vl = 32;
	}
	if (vl > 0) {
		ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
		X509_EXTENSION *x;
		ASN1_OCTET_STRING_set(os, val, vl);
		x = X509_EXTENSION_create_by_NID(NULL, NID_id_pkix_OCSP_Nonce, 0, os);
		TP_REQUIRE(x != NULL && OCSP_BASICRESP_add_ext(bs, x, -1) == 1);
		X509_EXTENSION_free(x);
		ASN1_OCTET_STRING_free(os);
	}
	OPENSSL_free(val);
	TP_REQUIRE(OCSP_basic_sign(bs, ocspsig.x, ocspsig.k, EVP_sha256(), NULL, 0) == 1);
	r = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
	l = i2d_OCSP_RESPONSE(r, &der);
	TP_REQUIRE(l > 0);
	*len = (size_t)l;
	OCSP_RESPONSE_free(r);
	OCSP_BASICRESP_free(bs);
	OCSP_CERTID_free(id);
	ASN1_TIME_free(now);
	return der;
}

static char *cert_b64(X509 *x)
{
	unsigned char *d = NULL;
	int l = i2d_X509(x, &d);
	char *s;

	TP_REQUIRE(l > 0);
	s = b64(d, (size_t)l);
	OPENSSL_free(d);
	return s;
}

static char *crl_b64(void)
{
	X509_CRL *c = X509_CRL_new();
	ASN1_TIME *t = X509_gmtime_adj(NULL, 0);
	unsigned char *d = NULL;
	char *s;
	int l;

	X509_CRL_set_version(c, 1);
	X509_CRL_set_issuer_name(c, X509_get_subject_name(ca.x));
	X509_CRL_set1_lastUpdate(c, t);
	TP_REQUIRE(X509_CRL_sign(c, ca.k, EVP_sha256()) > 0);
	l = i2d_X509_CRL(c, &d);
	s = b64(d, (size_t)l);
	OPENSSL_free(d);
	ASN1_TIME_free(t);
	X509_CRL_free(c);
	return s;
}

/* ---- the document ------------------------------------------------------ */

typedef struct doc {
	xmlDocPtr d;
	v_xades_sig xs;
	v_octets refs[2];
} doc;

/* A ds:Signature with two references (#o1 and a detached file), KeyInfo,
 * two extra ds:Objects around the one holding QualifyingProperties, and
 * usp as the UnsignedSignatureProperties content. */
static void doc_make(doc *dc, const char *usp, int missing_ref)
{
	vn_buf b;
	xmlNodePtr n;
	char why[128];

	vn_buf_init(&b, (size_t)64 << 20);
	TP_REQUIRE(vn_buf_printf(&b,
		"<ds:Signature xmlns:ds=\"" V_NS_DSIG "\" Id=\"S\">"
		"<ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"" C14N10 "\"/>"
		"<ds:Reference URI=\"#o1\"><ds:DigestValue>AA==</ds:DigestValue></ds:Reference>"
		"<ds:Reference URI=\"doc.txt\"><ds:DigestValue>AA==</ds:DigestValue></ds:Reference>"
		"</ds:SignedInfo>"
		"<ds:SignatureValue Id=\"SV\">" SV_B64 "</ds:SignatureValue>"
		"<ds:KeyInfo><ds:KeyName>k</ds:KeyName></ds:KeyInfo>"
		"<ds:Object Id=\"o1\"><a>one</a></ds:Object>"
		"<ds:Object><xades:QualifyingProperties " XADES_NS " Target=\"#S\">"
		"<xades:UnsignedProperties><xades:UnsignedSignatureProperties>%s"
		"</xades:UnsignedSignatureProperties></xades:UnsignedProperties>"
		"</xades:QualifyingProperties></ds:Object>"
		"<ds:Object Id=\"o2\"><b>two</b></ds:Object>"
		"</ds:Signature>", usp) == VN_OK);
	TP_REQUIRE(tl_xml_read(b.data, b.len, &dc->d, why, sizeof why) == VN_OK);
	vn_buf_free(&b);
	memset(&dc->xs, 0, sizeof dc->xs);
	dc->xs.doc = dc->d;
	dc->xs.sig = xmlDocGetRootElement(dc->d);
	dc->xs.signed_info = tl_xml_child(dc->xs.sig, V_NS_DSIG, "SignedInfo");
	dc->xs.c14n_uri = C14N10;
	dc->xs.sig_value = tl_xml_child(dc->xs.sig, V_NS_DSIG, "SignatureValue");
	dc->xs.key_info = tl_xml_child(dc->xs.sig, V_NS_DSIG, "KeyInfo");
	for (n = tl_xml_first_elem(dc->xs.sig); n != NULL; n = tl_xml_next_elem(n))
		if (tl_xml_is(n, V_NS_DSIG, "Object") &&
		    tl_xml_child(n, V_NS_XADES132, "QualifyingProperties") != NULL)
			dc->xs.qp = tl_xml_child(n, V_NS_XADES132, "QualifyingProperties");
	dc->xs.usp = tl_xml_child(tl_xml_child(dc->xs.qp, V_NS_XADES132, "UnsignedProperties"),
				  V_NS_XADES132, "UnsignedSignatureProperties");
	dc->refs[0].p = (const unsigned char *)"REF1";
	dc->refs[0].n = 4;
	dc->refs[1].p = missing_ref ? NULL : (const unsigned char *)"REF2";
	dc->refs[1].n = missing_ref ? 0 : 4;
	dc->xs.ref_octets = dc->refs;
	dc->xs.nrefs = 2;
}

static void c14n(xmlNodePtr n, vn_buf *b)
{
	xmlBufferPtr xb = xmlBufferCreate();
	TP_REQUIRE(tl_c14n_subtree(n, C14N10, NULL, xb) == VN_OK);
	TP_REQUIRE(vn_buf_append(b, xmlBufferContent(xb), (size_t)xmlBufferLength(xb)) == VN_OK);
	xmlBufferFree(xb);
}

static xmlNodePtr nth_child(xmlNodePtr p, size_t k)
{
	xmlNodePtr n = tl_xml_first_elem(p);
	while (n != NULL && k-- > 0)
		n = tl_xml_next_elem(n);
	return n;
}

/* The archive timestamp input of EN 319 132-1 5.5.2.2 built step by step
 * for the document above, the ATS being USP child k; wrong_order puts the
 * ds:Objects before the unsigned properties; v132 leaves out #o1. */
static void expected_ats(const doc *dc, size_t k, int v132, int wrong_order, vn_buf *b)
{
	xmlNodePtr sig = dc->xs.sig, n;
	size_t i;

	vn_buf_init(b, (size_t)64 << 20);
	TP_REQUIRE(vn_buf_append(b, "REF1REF2", 8) == VN_OK);
	c14n(dc->xs.signed_info, b);
	c14n(dc->xs.sig_value, b);
	c14n(dc->xs.key_info, b);
	for (int pass = 0; pass < 2; pass++) {
		if ((pass == 0) == !wrong_order) {
			for (i = 0; i < k; i++)
				c14n(nth_child(dc->xs.usp, i), b);
		} else {
			for (n = tl_xml_first_elem(sig); n != NULL; n = tl_xml_next_elem(n)) {
				xmlChar *id;
				if (!tl_xml_is(n, V_NS_DSIG, "Object"))
					continue;
				id = xmlGetProp(n, (const xmlChar *)"Id");
				if (id != NULL && !(v132 && strcmp((char *)id, "o1") == 0))
					c14n(n, b);
				xmlFree(id);
			}
		}
	}
}

/* ---- table-driven cases ------------------------------------------------ */

enum { TS_NONE, TS_OK, TS_BADB64, TS_NOTDER };
enum { ATS_NONE, ATS_141, ATS_132 };

static const struct ucase {
	const char *name;
	int sig_ts, certs, ocsp, crl, ats, tm_policy, missing_ref;
	v_ades_level level_in;
	/* expected */
	v_ades_level level;
	size_t ntss, nocsps, ncrls;
	int ncerts, timemark;
	const char *finding;	/* must be present, or NULL: no error finding */
} cases[] = {
	{"B stays B", TS_NONE, 0, -1, 0, ATS_NONE, 0, 0, V_LEVEL_B, V_LEVEL_B, 0, 0, 0, 0, -1, NULL},
	{"T", TS_OK, 0, -1, 0, ATS_NONE, 0, 0, V_LEVEL_B, V_LEVEL_T, 1, 0, 0, 0, -1, NULL},
	{"NONE stays NONE", TS_OK, 0, -1, 0, ATS_NONE, 0, 0, V_LEVEL_NONE, V_LEVEL_NONE, 1, 0, 0, 0,
	 -1, NULL},
	{"LT", TS_OK, 1, NONCE_NONE, 1, ATS_NONE, 0, 0, V_LEVEL_B, V_LEVEL_LT, 1, 1, 1, 2, -1, NULL},
	{"LT needs cert values", TS_OK, 0, NONCE_NONE, 0, ATS_NONE, 0, 0, V_LEVEL_B, V_LEVEL_T, 1, 1,
	 0, 0, -1, NULL},
	{"LTA 1.4.1", TS_OK, 1, NONCE_NONE, 0, ATS_141, 0, 0, V_LEVEL_B, V_LEVEL_LTA, 2, 1, 0, 2, -1,
	 NULL},
	{"LTA 1.3.2", TS_OK, 1, NONCE_NONE, 0, ATS_132, 0, 0, V_LEVEL_B, V_LEVEL_LTA, 2, 1, 0, 2, -1,
	 NULL},
	{"ATS missing reference", TS_OK, 1, NONCE_NONE, 0, ATS_141, 0, 1, V_LEVEL_B, V_LEVEL_LTA, 2,
	 1, 0, 2, -1, "V_XADES_ARCHIVE_TS_NOT_CHECKED"},
	{"bad base64 token", TS_BADB64, 0, -1, 0, ATS_NONE, 0, 0, V_LEVEL_B, V_LEVEL_B, 0, 0, 0, 0,
	 -1, "V_XADES_TS_MALFORMED"},
	{"non-DER token", TS_NOTDER, 0, -1, 0, ATS_NONE, 0, 0, V_LEVEL_B, V_LEVEL_B, 0, 0, 0, 0, -1,
	 "V_XADES_TS_MALFORMED"},
	{"time-mark DigestInfo", TS_NONE, 1, NONCE_DIGESTINFO, 0, ATS_NONE, 1, 0, V_LEVEL_B,
	 V_LEVEL_LT, 0, 1, 0, 2, 0, NULL},
	{"time-mark raw digest", TS_NONE, 1, NONCE_RAW, 0, ATS_NONE, 1, 0, V_LEVEL_B, V_LEVEL_LT, 0,
	 1, 0, 2, 0, NULL},
	{"time-mark without policy", TS_NONE, 0, NONCE_DIGESTINFO, 0, ATS_NONE, 0, 0, V_LEVEL_B,
	 V_LEVEL_T, 0, 1, 0, 0, 0, NULL},
	{"time-mark nonce mismatch", TS_NONE, 1, NONCE_WRONG, 0, ATS_NONE, 1, 0, V_LEVEL_B,
	 V_LEVEL_B, 0, 1, 0, 2, -1, "V_XADES_TIMEMARK_NONCE"},
	{"mismatch shaped, no policy", TS_NONE, 1, NONCE_WRONG, 0, ATS_NONE, 0, 0, V_LEVEL_B,
	 V_LEVEL_B, 0, 1, 0, 2, -1, "V_XADES_TIMEMARK_NONCE"},
	{"TM policy, no nonce", TS_NONE, 1, NONCE_NONE, 0, ATS_NONE, 1, 0, V_LEVEL_B, V_LEVEL_B, 0, 1,
	 0, 2, -1, "V_XADES_TIMEMARK_NONCE"},
	{"random nonce, timestamped", TS_OK, 1, NONCE_RANDOM, 0, ATS_NONE, 0, 0, V_LEVEL_B,
	 V_LEVEL_LT, 1, 1, 0, 2, -1, NULL},
	{"malformed OCSP", TS_OK, 1, 99, 0, ATS_NONE, 0, 0, V_LEVEL_B, V_LEVEL_LT, 1, 0, 0, 2, -1,
	 "V_XADES_OCSP_MALFORMED"},
	{"malformed cert", TS_OK, 2, NONCE_NONE, 0, ATS_NONE, 0, 0, V_LEVEL_B, V_LEVEL_LT, 1, 1, 0,
	 1, -1, "V_XADES_CERT_MALFORMED"},
};

static void append_ts(vn_buf *b, const char *el, const char *tok)
{
	TP_REQUIRE(vn_buf_printf(b, "<%s><xades:EncapsulatedTimeStamp>%s"
				 "</xades:EncapsulatedTimeStamp></%s>", el, tok, el) == VN_OK);
}

/* The unsigned properties of a case; ats_tok is the archive token's
 * base64 (NULL: a placeholder). */
static void case_usp(const struct ucase *c, const char *sig_tok, const char *ats_tok, vn_buf *b)
{
	vn_buf_init(b, (size_t)64 << 20);
	if (c->sig_ts == TS_OK)
		append_ts(b, "xades:SignatureTimeStamp", sig_tok);
	else if (c->sig_ts == TS_BADB64)
		append_ts(b, "xades:SignatureTimeStamp", "!!not base64!!");
	else if (c->sig_ts == TS_NOTDER)
		append_ts(b, "xades:SignatureTimeStamp", "MAMCAQE=");
	if (c->certs) {
		char *s1 = cert_b64(signer.x), *s2 = cert_b64(ca.x);
		TP_REQUIRE(vn_buf_printf(b, "<xades:CertificateValues>"
			"<xades:EncapsulatedX509Certificate>%s</xades:EncapsulatedX509Certificate>"
			"<xades:EncapsulatedX509Certificate>%s</xades:EncapsulatedX509Certificate>"
			"</xades:CertificateValues>", s1, c->certs == 2 ? "MAA=" : s2) == VN_OK);
		free(s1);
		free(s2);
	}
	if (c->ocsp >= 0 || c->crl) {
		TP_REQUIRE(vn_buf_append_str(b, "<xades:RevocationValues>") == VN_OK);
		if (c->crl) {
			/* Made once: ECDSA signatures differ at each run, and the
			 * document is built twice. */
			static char *s;
			if (s == NULL)
				s = crl_b64();
			TP_REQUIRE(vn_buf_printf(b, "<xades:CRLValues><xades:EncapsulatedCRLValue>%s"
				"</xades:EncapsulatedCRLValue></xades:CRLValues>", s) == VN_OK);
		}
		if (c->ocsp >= 0) {
			/* Made once per kind of nonce, as above. */
			static char *made[NONCE_RANDOM + 1];
			char *s = c->ocsp <= NONCE_RANDOM ? made[c->ocsp] : NULL;
			if (s == NULL && c->ocsp <= NONCE_RANDOM) {
				size_t n = 0;
				unsigned char *d = make_ocsp(c->ocsp, (const unsigned char *)"sig",
							     3, &n);
				s = made[c->ocsp] = b64(d, n);
				OPENSSL_free(d);
			}
			/* 99: an empty SEQUENCE is no OCSPResponse. */
			TP_REQUIRE(vn_buf_printf(b, "<xades:OCSPValues><xades:EncapsulatedOCSPValue>%s"
				"</xades:EncapsulatedOCSPValue></xades:OCSPValues>",
				s != NULL ? s : "MAA=") == VN_OK);
		}
		TP_REQUIRE(vn_buf_append_str(b, "</xades:RevocationValues>") == VN_OK);
	}
	if (c->ats != ATS_NONE)
		append_ts(b, c->ats == ATS_141 ? "xades141:ArchiveTimeStamp" : "xades:ArchiveTimeStamp",
			  ats_tok != NULL ? ats_tok : sig_tok);
}

START_TEST(test_case)
{
	const struct ucase *c = &cases[_i];
	unsigned char *tok;
	size_t tl = 0, k;
	char *sig_tok, *ats_tok = NULL;
	vn_buf usp, want;
	doc dc;
	v_sigobj o;

	tok = make_token((const unsigned char *)SV_C14N, strlen(SV_C14N), &tl);
	sig_tok = b64(tok, tl);
	OPENSSL_free(tok);
	case_usp(c, sig_tok, NULL, &usp);
	doc_make(&dc, (const char *)usp.data, c->missing_ref);
	vn_buf_init(&want, (size_t)64 << 20);
	if (c->ats != ATS_NONE) {
		/* The ATS is the last property: it covers every one before it. */
		for (k = 0; nth_child(dc.xs.usp, k + 1) != NULL; k++)
			;
		expected_ats(&dc, k, c->ats == ATS_132, 0, &want);
		tok = make_token(want.data, want.len, &tl);
		ats_tok = b64(tok, tl);
		OPENSSL_free(tok);
		xmlFreeDoc(dc.d);
		vn_buf_free(&usp);
		case_usp(c, sig_tok, ats_tok, &usp);
		doc_make(&dc, (const char *)usp.data, c->missing_ref);
	}

	v_sigobj_init(&o);
	o.level = c->level_in;
	if (c->tm_policy)
		snprintf(o.sig_policy, sizeof o.sig_policy, "1.3.6.1.4.1.10015.1000.3.2.1");
	ck_assert_int_eq(v_xades_unsigned(&dc.xs, &o), VN_OK);
	ck_assert_int_eq(o.level, c->level);
	ck_assert_uint_eq(o.ntss, c->ntss);
	ck_assert_uint_eq(o.nocsps, c->nocsps);
	ck_assert_uint_eq(o.ncrls, c->ncrls);
	ck_assert_int_eq(o.certs != NULL ? sk_X509_num(o.certs) : 0, c->ncerts);
	ck_assert_int_eq(o.timemark, c->timemark);
	if (c->finding != NULL)
		ck_assert_msg(vn_findings_has(&o.findings, c->finding), "%s: no %s", c->name,
			      c->finding);
	else
		ck_assert_uint_eq(vn_findings_count(&o.findings, VN_LEVEL_ERROR), 0);
	for (k = 0; k < o.ntss; k++) {
		if (o.tss[k].kind == V_TS_SIGNATURE) {
			ck_assert_uint_eq(o.tss[k].imprint_input.n, strlen(SV_C14N));
			ck_assert(memcmp(o.tss[k].imprint_input.p, SV_C14N, strlen(SV_C14N)) == 0);
			ck_assert(imprint_matches(&o.tss[k].token, &o.tss[k].imprint_input));
		} else if (c->missing_ref) {
			/* Not computable: left empty for the engine. */
			ck_assert_uint_eq(o.tss[k].imprint_input.n, 0);
		} else {
			ck_assert_int_eq(o.tss[k].kind, V_TS_ARCHIVE);
			ck_assert_uint_eq(o.tss[k].imprint_input.n, want.len);
			ck_assert(memcmp(o.tss[k].imprint_input.p, want.data, want.len) == 0);
			ck_assert(imprint_matches(&o.tss[k].token, &o.tss[k].imprint_input));
		}
	}
	v_sigobj_free(&o);
	xmlFreeDoc(dc.d);
	vn_buf_free(&usp);
	vn_buf_free(&want);
	free(sig_tok);
	free(ats_tok);
}
END_TEST

/* The order of EN 319 132-1 5.5.2.2 pinned: references, SignedInfo,
 * SignatureValue, KeyInfo, the properties before the ATS (not those after
 * it), then the ds:Objects other than the QualifyingProperties one. */
START_TEST(test_ats_order)
{
	static const char *const objs_last[] = { "REF1REF2<ds:SignedInfo", "<ds:SignatureValue",
		"<ds:KeyInfo", "<xades:SignatureTimeStamp", "<xades:ArchiveTimeStamp",
		"<ds:Object xmlns:ds=\"" V_NS_DSIG "\" Id=\"o1\"><a>one</a></ds:Object>"
		"<ds:Object xmlns:ds=\"" V_NS_DSIG "\" Id=\"o2\"><b>two</b></ds:Object>" };
	unsigned char *tok;
	size_t tl = 0, i;
	char *t;
	vn_buf usp, wrong;
	doc dc;
	v_sigobj o;
	const char *p, *prev;

	tok = make_token((const unsigned char *)"x", 1, &tl);
	t = b64(tok, tl);
	OPENSSL_free(tok);
	vn_buf_init(&usp, (size_t)64 << 20);
	append_ts(&usp, "xades:SignatureTimeStamp", t);
	append_ts(&usp, "xades:ArchiveTimeStamp", t);	/* an earlier 1.3.2 ATS */
	append_ts(&usp, "xades141:ArchiveTimeStamp", t);
	TP_REQUIRE(vn_buf_append_str(&usp, "<xades:CertificateValues/>") == VN_OK);	/* after */
	doc_make(&dc, (const char *)usp.data, 0);
	v_sigobj_init(&o);
	o.level = V_LEVEL_B;
	ck_assert_int_eq(v_xades_unsigned(&dc.xs, &o), VN_OK);
	ck_assert_uint_eq(o.ntss, 3);
	ck_assert_int_eq(o.tss[2].kind, V_TS_ARCHIVE);
	/* The second ATS's input, as text in the pinned order. */
	ck_assert_ptr_nonnull(o.tss[2].imprint_input.p);
	TP_REQUIRE(v_blob_set(&o.tss[2].imprint_input, o.tss[2].imprint_input.p,
			      o.tss[2].imprint_input.n) == VN_OK);
	{
		char *s = calloc(1, o.tss[2].imprint_input.n + 1);
		memcpy(s, o.tss[2].imprint_input.p, o.tss[2].imprint_input.n);
		ck_assert(strncmp(s, objs_last[0], strlen(objs_last[0])) == 0);
		prev = s;
		for (i = 1; i < sizeof objs_last / sizeof objs_last[0]; i++) {
			p = strstr(prev, objs_last[i]);
			ck_assert_msg(p != NULL && p > prev, "%s out of order", objs_last[i]);
			prev = p;
		}
		ck_assert_ptr_null(strstr(s, "CertificateValues"));	/* after the ATS */
		ck_assert_ptr_null(strstr(s, "QualifyingProperties"));
		ck_assert_ptr_null(strstr(s, "xades141:ArchiveTimeStamp"));	/* itself */
		free(s);
	}
	/* The 1.3.2 ATS (second property) leaves out ds:Object o1, which a
	 * ds:Reference names. */
	{
		vn_buf w132;
		expected_ats(&dc, 1, 1, 0, &w132);
		ck_assert_uint_eq(o.tss[1].imprint_input.n, w132.len);
		ck_assert(memcmp(o.tss[1].imprint_input.p, w132.data, w132.len) == 0);
		vn_buf_free(&w132);
	}
	/* Negative: the objects before the properties is not the input. */
	expected_ats(&dc, 2, 0, 1, &wrong);
	ck_assert(o.tss[2].imprint_input.n != wrong.len ||
		  memcmp(o.tss[2].imprint_input.p, wrong.data, wrong.len) != 0);
	vn_buf_free(&wrong);
	expected_ats(&dc, 2, 0, 0, &wrong);
	ck_assert_uint_eq(o.tss[2].imprint_input.n, wrong.len);
	ck_assert(memcmp(o.tss[2].imprint_input.p, wrong.data, wrong.len) == 0);
	vn_buf_free(&wrong);
	v_sigobj_free(&o);
	xmlFreeDoc(dc.d);
	vn_buf_free(&usp);
	free(t);
}
END_TEST

/* Caps: tokens, certificates, revocation values. */
START_TEST(test_caps)
{
	unsigned char *d;
	size_t n = 0, i;
	char *t;
	vn_buf usp;
	doc dc;
	v_sigobj o;

	d = make_token((const unsigned char *)"x", 1, &n);
	t = b64(d, n);
	OPENSSL_free(d);
	vn_buf_init(&usp, (size_t)64 << 20);
	TP_REQUIRE(vn_buf_append_str(&usp, "<xades:SignatureTimeStamp>") == VN_OK);
	for (i = 0; i < V_MAX_TIMESTAMPS + 2; i++)
		TP_REQUIRE(vn_buf_printf(&usp, "<xades:EncapsulatedTimeStamp>%s"
					 "</xades:EncapsulatedTimeStamp>", t) == VN_OK);
	TP_REQUIRE(vn_buf_append_str(&usp, "</xades:SignatureTimeStamp><xades:CertificateValues>") ==
		   VN_OK);
	for (i = 0; i < V_MAX_CERTS + 2; i++) {
		tp_cert c = tp_make("many", EVP_PKEY_dup(signer.k), &ca, (long)(1000 + i),
				    vn_time_now() - TP_DAY, vn_time_now() + TP_DAY, 0, NULL, NULL,
				    NULL, NULL);
		char *s = cert_b64(c.x);
		TP_REQUIRE(vn_buf_printf(&usp, "<xades:EncapsulatedX509Certificate>%s"
					 "</xades:EncapsulatedX509Certificate>", s) == VN_OK);
		free(s);
		tp_free(&c);
	}
	TP_REQUIRE(vn_buf_append_str(&usp, "</xades:CertificateValues><xades:RevocationValues>"
				     "<xades:OCSPValues>") == VN_OK);
	d = make_ocsp(NONCE_NONE, (const unsigned char *)"sig", 3, &n);
	free(t);
	t = b64(d, n);
	OPENSSL_free(d);
	for (i = 0; i < V_MAX_REVOCATION + 2; i++)
		TP_REQUIRE(vn_buf_printf(&usp, "<xades:EncapsulatedOCSPValue>%s"
					 "</xades:EncapsulatedOCSPValue>", t) == VN_OK);
	TP_REQUIRE(vn_buf_append_str(&usp, "</xades:OCSPValues></xades:RevocationValues>") == VN_OK);
	doc_make(&dc, (const char *)usp.data, 0);
	v_sigobj_init(&o);
	o.level = V_LEVEL_B;
	ck_assert_int_eq(v_xades_unsigned(&dc.xs, &o), VN_OK);
	ck_assert_uint_eq(o.ntss, V_MAX_TIMESTAMPS);
	ck_assert_int_eq(sk_X509_num(o.certs), V_MAX_CERTS);
	ck_assert_uint_eq(o.nocsps, V_MAX_REVOCATION);
	ck_assert(vn_findings_has(&o.findings, "V_XADES_TOO_MANY_TIMESTAMPS"));
	ck_assert(vn_findings_has(&o.findings, "V_XADES_TOO_MANY_CERTS"));
	ck_assert(vn_findings_has(&o.findings, "V_XADES_TOO_MANY_REVOCATION"));
	ck_assert_int_eq(o.level, V_LEVEL_LT);
	v_sigobj_free(&o);
	xmlFreeDoc(dc.d);
	vn_buf_free(&usp);
	free(t);
}
END_TEST

/* Malformed values, one rule each: the property is ignored (or its
 * imprint left empty), a finding says why. %s is a real token. */
static const struct bad {
	const char *usp, *code;
	size_t ntss;
} bads[] = {
	{"<xades:SignatureTimeStamp><xades:EncapsulatedTimeStamp Encoding=\"http://uri.etsi.org/"
	 "01903/v1.2.2#BER\">%s</xades:EncapsulatedTimeStamp></xades:SignatureTimeStamp>",
	 "V_XADES_TS_MALFORMED", 0},
	{"<xades:SignatureTimeStamp><xades:EncapsulatedTimeStamp></xades:EncapsulatedTimeStamp>"
	 "</xades:SignatureTimeStamp><!-- %s -->", "V_XADES_TS_MALFORMED", 0},
	{"<xades:RevocationValues><xades:CRLValues><xades:EncapsulatedCRLValue>MAA="
	 "</xades:EncapsulatedCRLValue></xades:CRLValues></xades:RevocationValues><!-- %s -->",
	 "V_XADES_CRL_MALFORMED", 0},
	{"<xades:RevocationValues><xades:OCSPValues><xades:EncapsulatedOCSPValue>@@"
	 "</xades:EncapsulatedOCSPValue></xades:OCSPValues></xades:RevocationValues><!-- %s -->",
	 "V_XADES_OCSP_MALFORMED", 0},
	{"<xades:SignatureTimeStamp><ds:CanonicalizationMethod xmlns:ds=\"" V_NS_DSIG "\" "
	 "Algorithm=\"urn:unknown\"/><xades:EncapsulatedTimeStamp>%s"
	 "</xades:EncapsulatedTimeStamp></xades:SignatureTimeStamp>", "V_XADES_TS_C14N", 1},
	{"<xades141:ArchiveTimeStamp><ds:CanonicalizationMethod xmlns:ds=\"" V_NS_DSIG "\" "
	 "Algorithm=\"urn:unknown\"/><xades:EncapsulatedTimeStamp>%s"
	 "</xades:EncapsulatedTimeStamp></xades141:ArchiveTimeStamp>",
	 "V_XADES_ARCHIVE_TS_NOT_CHECKED", 1},
	{"<xades:SignatureTimeStamp><xades:XMLTimeStamp/></xades:SignatureTimeStamp><!-- %s -->",
	 "V_XADES_XML_TIMESTAMP", 0},
};

START_TEST(test_bad)
{
	unsigned char *d;
	size_t n = 0;
	char *t;
	vn_buf usp;
	doc dc;
	v_sigobj o;

	d = make_token((const unsigned char *)"x", 1, &n);
	t = b64(d, n);
	OPENSSL_free(d);
	vn_buf_init(&usp, (size_t)64 << 20);
	{
		/* The token goes where the case's "%s" is. */
		const char *at = strstr(bads[_i].usp, "%s");
		TP_REQUIRE(at != NULL);
		TP_REQUIRE(vn_buf_append(&usp, bads[_i].usp, (size_t)(at - bads[_i].usp)) == VN_OK);
		TP_REQUIRE(vn_buf_append_str(&usp, t) == VN_OK);
		TP_REQUIRE(vn_buf_append_str(&usp, at + 2) == VN_OK);
		TP_REQUIRE(vn_buf_append(&usp, "", 1) == VN_OK);
	}
	doc_make(&dc, (const char *)usp.data, 0);
	v_sigobj_init(&o);
	o.level = V_LEVEL_B;
	ck_assert_int_eq(v_xades_unsigned(&dc.xs, &o), VN_OK);
	ck_assert_msg(vn_findings_has(&o.findings, bads[_i].code), "no %s", bads[_i].code);
	ck_assert_uint_eq(o.ntss, bads[_i].ntss);
	ck_assert_uint_eq(o.nocsps + o.ncrls, 0);
	if (o.ntss > 0)
		ck_assert_uint_eq(o.tss[0].imprint_input.n, 0);	/* not verifiable */
	ck_assert_int_eq(o.level, bads[_i].ntss > 0 && o.tss[0].kind == V_TS_SIGNATURE ? V_LEVEL_T
										       : V_LEVEL_B);
	v_sigobj_free(&o);
	xmlFreeDoc(dc.d);
	vn_buf_free(&usp);
	free(t);
}
END_TEST

/* ---- the corpus -------------------------------------------------------- */

/* Fill xs from the first ds:Signature of a real document (no reference
 * octets: archive timestamps are not part of these files). */
static void real_sig(xmlDocPtr d, v_xades_sig *xs, v_sigobj *o)
{
	xmlNodePtr r = xmlDocGetRootElement(d), n, up;
	char *pol;

	memset(xs, 0, sizeof *xs);
	xs->doc = d;
	xs->sig = tl_xml_is(r, V_NS_DSIG, "Signature") ? r : tl_xml_child(r, V_NS_DSIG, "Signature");
	TP_REQUIRE(xs->sig != NULL);
	xs->signed_info = tl_xml_child(xs->sig, V_NS_DSIG, "SignedInfo");
	xs->sig_value = tl_xml_child(xs->sig, V_NS_DSIG, "SignatureValue");
	xs->key_info = tl_xml_child(xs->sig, V_NS_DSIG, "KeyInfo");
	for (n = tl_xml_first_elem(xs->sig); n != NULL; n = tl_xml_next_elem(n))
		if (tl_xml_child(n, V_NS_XADES132, "QualifyingProperties") != NULL)
			xs->qp = tl_xml_child(n, V_NS_XADES132, "QualifyingProperties");
	TP_REQUIRE(xs->qp != NULL);
	up = tl_xml_child(xs->qp, V_NS_XADES132, "UnsignedProperties");
	xs->usp = tl_xml_child(up, V_NS_XADES132, "UnsignedSignatureProperties");
	TP_REQUIRE(xs->usp != NULL);
	/* SignedProperties/.../SigPolicyId/Identifier, as the signed half
	 * records it. */
	n = tl_xml_child(xs->qp, V_NS_XADES132, "SignedProperties");
	n = tl_xml_child(n, V_NS_XADES132, "SignedSignatureProperties");
	n = tl_xml_child(n, V_NS_XADES132, "SignaturePolicyIdentifier");
	n = tl_xml_child(n, V_NS_XADES132, "SignaturePolicyId");
	n = tl_xml_child(n, V_NS_XADES132, "SigPolicyId");
	n = tl_xml_child(n, V_NS_XADES132, "Identifier");
	if (n != NULL && (pol = tl_xml_text(n)) != NULL) {
		snprintf(o->sig_policy, sizeof o->sig_policy, "%s",
			 strncmp(pol, "urn:oid:", 8) == 0 ? pol + 8 : pol);
		free(pol);
	}
}

static xmlDocPtr read_xml(const char *path)
{
	vn_buf b;
	xmlDocPtr d = NULL;

	vn_buf_init(&b, TL_XML_MAX_SIZE);
	TP_REQUIRE(vn_buf_read_file(&b, path) == VN_OK);
	TP_REQUIRE(tl_xml_read(b.data, b.len, &d, NULL, 0) == VN_OK);
	vn_buf_free(&b);
	return d;
}

START_TEST(test_corpus_bdoc_tm)
{
	static const char rel[] =
		"open-eid/digidoc4j/digidoc4j/src/test/resources/testFiles/xades/"
		"bdoc-tm-jdigidoc-mobile-id.xml";
	char buf[1024];
	const char *p = vn_test_corpus(rel, buf, sizeof buf);
	xmlDocPtr d;
	v_xades_sig xs;
	v_sigobj o;

	VN_SKIP_NO_CORPUS(p, rel);
	d = read_xml(p);
	v_sigobj_init(&o);
	o.level = V_LEVEL_B;
	real_sig(d, &xs, &o);
	ck_assert_int_eq(v_xades_unsigned(&xs, &o), VN_OK);
	ck_assert_uint_ge(o.nocsps, 1);
	ck_assert_int_ge(o.timemark, 0);	/* the nonce binds the signature value */
	ck_assert(!vn_findings_has(&o.findings, "V_XADES_TIMEMARK_NONCE"));
	ck_assert_int_eq(o.level, V_LEVEL_LT);
	/* Negative: another signature value is not bound. */
	v_sigobj_free(&o);
	xmlNodeSetContent(xs.sig_value, (const xmlChar *)"AAAA");
	v_sigobj_init(&o);
	o.level = V_LEVEL_B;
	real_sig(d, &xs, &o);
	ck_assert_int_eq(v_xades_unsigned(&xs, &o), VN_OK);
	ck_assert_int_eq(o.timemark, -1);
	ck_assert(vn_findings_has(&o.findings, "V_XADES_TIMEMARK_NONCE"));
	v_sigobj_free(&o);
	xmlFreeDoc(d);
}
END_TEST

START_TEST(test_corpus_asice_lt)
{
	static const char rel[] = "open-eid/libdigidocpp/test/data/tsl.asice";
	char buf[1024], out[512], cmd[2048];
	const char *p = vn_test_corpus(rel, buf, sizeof buf);
	xmlDocPtr d;
	v_xades_sig xs;
	v_sigobj o;
	size_t k, nsig = 0;

	VN_SKIP_NO_CORPUS(p, rel);
	snprintf(out, sizeof out, "%s/signatures0.xml", tp_dir);
	snprintf(cmd, sizeof cmd, "unzip -p '%s' META-INF/signatures0.xml > '%s'", p, out);
	if (system(cmd) != 0) {
		fprintf(stderr, "SKIP: unzip could not extract from %s\n", rel);
		return;
	}
	d = read_xml(out);
	v_sigobj_init(&o);
	o.level = V_LEVEL_B;
	real_sig(d, &xs, &o);
	ck_assert_int_eq(v_xades_unsigned(&xs, &o), VN_OK);
	for (k = 0; k < o.ntss; k++) {
		if (o.tss[k].kind != V_TS_SIGNATURE)
			continue;
		nsig++;
		ck_assert(imprint_matches(&o.tss[k].token, &o.tss[k].imprint_input));
	}
	ck_assert_uint_ge(nsig, 1);
	ck_assert_uint_ge(o.nocsps, 1);
	ck_assert_int_eq(o.level, V_LEVEL_LT);
	ck_assert_uint_eq(vn_findings_count(&o.findings, VN_LEVEL_ERROR), 0);
	v_sigobj_free(&o);
	xmlFreeDoc(d);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("v_xades_unsigned");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_case, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_loop_test(tc, test_bad, 0, (int)(sizeof bads / sizeof bads[0]));
	tcase_add_test(tc, test_ats_order);
	tcase_add_test(tc, test_caps);
	tcase_add_test(tc, test_corpus_bdoc_tm);
	tcase_add_test(tc, test_corpus_asice_lt);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	vn_time now;
	int rc;

	tl_xml_global_init();
	tp_mkdir();
	now = vn_time_now();
	ca = tp_make("Test CA", NULL, NULL, 1, now - TP_DAY, now + 30 * TP_DAY, 1,
		     "critical,keyCertSign,cRLSign", NULL, NULL, NULL);
	tsa = tp_make("Test TSA", NULL, &ca, 2, now - TP_DAY, now + 30 * TP_DAY, 0,
		      "critical,digitalSignature", "critical,timeStamping", NULL, NULL);
	ocspsig = tp_make("Test OCSP", NULL, &ca, 3, now - TP_DAY, now + 30 * TP_DAY, 0,
			  "critical,digitalSignature", "OCSPSigning", NULL, NULL);
	signer = tp_make("Test Signer", NULL, &ca, 4, now - TP_DAY, now + 30 * TP_DAY, 0,
			 "critical,digitalSignature", NULL, NULL, NULL);
	rc = vn_test_run(suite());
	tp_free(&ca);
	tp_free(&tsa);
	tp_free(&ocspsig);
	tp_free(&signer);
	tp_cleanup();
	return rc;
}
