/* Check suite for the archive-timestamp-v2 input of v_cms.c (TS 101 733
 * v2.2.1 6.4.1, annex K) and the archive-time-stamp-v3 input with its
 * ats-hash-index-v3 (EN 319 122-1 5.5.3). CAdES-LTA signatures are built here with the
 * OpenSSL API (CMS_sign, TS_RESP_CTX); the bytes an archive timestamp covers
 * are computed by the test from the DER as it stands before the attribute is
 * added (the recipe of interop/demo/cades-extend.c), independently of the
 * parser, which must find the same bytes after the attribute is added. */
#include "tests/unit/vn_test.h"

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "common/vn_buf.h"
#include "node/v_format.h"
#include "node/v_tst.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define OID_ATS_V2 "1.2.840.113549.1.9.16.2.48"

static const char doc[] = "a document kept for a long time";

static EVP_PKEY *ca_key, *sig_key, *tsa_key;
static X509 *ca_cert, *sig_cert, *tsa_cert, *other_cert;
static X509_CRL *ca_crl;

static void ext(X509 *x, X509 *iss, int nid, const char *v)
{
	X509V3_CTX c;
	X509_EXTENSION *e;

	X509V3_set_ctx(&c, iss, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &c, nid, v);
	if (e == NULL || X509_add_ext(x, e, -1) != 1)
		abort();
	X509_EXTENSION_free(e);
}

/* cn's certificate for k, issued by iss/ik (self-signed when iss is NULL). */
static X509 *mk_cert(const char *cn, EVP_PKEY *k, X509 *iss, EVP_PKEY *ik, long serial,
		     const char *eku)
{
	X509 *x = X509_new();
	X509_NAME *nm = X509_NAME_new();

	if (x == NULL || nm == NULL)
		abort();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, nm);
	X509_set_issuer_name(x, iss != NULL ? X509_get_subject_name(iss) : nm);
	X509_NAME_free(nm);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 30L * 86400);
	X509_set_pubkey(x, k);
	ext(x, iss != NULL ? iss : x, NID_basic_constraints,
	    iss == NULL ? "critical,CA:TRUE" : "critical,CA:FALSE");
	if (eku != NULL)
		ext(x, iss, NID_ext_key_usage, eku);
	if (X509_sign(x, ik != NULL ? ik : k, EVP_sha256()) <= 0)
		abort();
	return x;
}

static void setup(void)
{
	ca_key = EVP_EC_gen("P-256");
	sig_key = EVP_EC_gen("P-256");
	tsa_key = EVP_EC_gen("P-256");
	if (ca_key == NULL || sig_key == NULL || tsa_key == NULL)
		abort();
	ca_cert = mk_cert("ATS Test CA", ca_key, NULL, NULL, 1, NULL);
	sig_cert = mk_cert("ATS Test Signer", sig_key, ca_cert, ca_key, 2, NULL);
	tsa_cert = mk_cert("ATS Test TSA", tsa_key, ca_cert, ca_key, 3, "critical,timeStamping");
	other_cert = mk_cert("ATS Test Other", sig_key, ca_cert, ca_key, 4, NULL);
	/* an empty CRL of the CA, for the SignedData.crls field */
	ca_crl = X509_CRL_new();
	if (ca_crl == NULL)
		abort();
	X509_CRL_set_version(ca_crl, 1);
	X509_CRL_set_issuer_name(ca_crl, X509_get_subject_name(ca_cert));
	{
		ASN1_TIME *t = X509_gmtime_adj(NULL, -3600), *u = X509_gmtime_adj(NULL, 86400);
		X509_CRL_set1_lastUpdate(ca_crl, t);
		X509_CRL_set1_nextUpdate(ca_crl, u);
		ASN1_TIME_free(t);
		ASN1_TIME_free(u);
	}
	if (X509_CRL_sign(ca_crl, ca_key, EVP_sha256()) <= 0)
		abort();
}

static void teardown(void)
{
	X509_CRL_free(ca_crl);
	X509_free(ca_cert);
	X509_free(sig_cert);
	X509_free(tsa_cert);
	X509_free(other_cert);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(sig_key);
	EVP_PKEY_free(tsa_key);
}

/* An RFC 3161 token (DER ContentInfo) over SHA-256(data), with the TSA
 * certificate. */
static unsigned char *make_ts(const unsigned char *data, size_t n, int *outlen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	TS_RESP_CTX *ctx = TS_RESP_CTX_new();
	ASN1_OBJECT *policy = OBJ_txt2obj("1.2.3.4.1", 1);
	BIO *rb = BIO_new(BIO_s_mem());
	TS_RESP *resp;
	unsigned char *der = NULL;

	ck_assert(req && mi && alg && ctx && policy && rb);
	ck_assert(EVP_Digest(data, n, md, &mdlen, EVP_sha256(), NULL));
	X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL);
	ck_assert(TS_MSG_IMPRINT_set_algo(mi, alg) && TS_MSG_IMPRINT_set_msg(mi, md, (int)mdlen));
	ck_assert(TS_REQ_set_version(req, 1) && TS_REQ_set_msg_imprint(req, mi) &&
		  TS_REQ_set_cert_req(req, 1) && i2d_TS_REQ_bio(rb, req) > 0);
	ck_assert(TS_RESP_CTX_set_signer_cert(ctx, tsa_cert) &&
		  TS_RESP_CTX_set_signer_key(ctx, tsa_key) &&
		  TS_RESP_CTX_set_signer_digest(ctx, EVP_sha256()) &&
		  TS_RESP_CTX_set_ess_cert_id_digest(ctx, EVP_sha256()) &&
		  TS_RESP_CTX_set_def_policy(ctx, policy) && TS_RESP_CTX_add_md(ctx, EVP_sha256()));
	resp = TS_RESP_create_response(ctx, rb);
	ck_assert(resp != NULL);
	ck_assert(ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp))) == 0);
	*outlen = i2d_PKCS7(TS_RESP_get_token(resp), &der);
	ck_assert(*outlen > 0);
	TS_RESP_free(resp);
	BIO_free(rb);
	ASN1_OBJECT_free(policy);
	TS_RESP_CTX_free(ctx);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(req);
	return der;
}

/* --- the recipe, walked with OpenSSL's ASN1_get_object ------------------- */

static const unsigned char *tlv(const unsigned char *p, const unsigned char *end, size_t *total,
				const unsigned char **c, size_t *cl)
{
	const unsigned char *q = p;
	long len = 0;
	int tag, cls, r;

	ck_assert(p < end);
	r = ASN1_get_object(&q, &len, &tag, &cls, end - p);
	ck_assert(!(r & 0x80) && !(r & 0x01));
	*c = q;
	*cl = (size_t)len;
	*total = (size_t)(q - p) + (size_t)len;
	return p + *total;
}

static void put2(vn_buf *a, vn_buf *b, const unsigned char *p, size_t n)
{
	ck_assert(vn_buf_append(a, p, n) == VN_OK);
	ck_assert(vn_buf_append(b, p, n) == VN_OK);
}

/* TS 101 733 v2.2.1 annex K over the DER before the archive timestamp is
 * added: v221 with the unsignedAttrs [1] tag and length, v183 without. */
static void recipe(const unsigned char *der, size_t n, const unsigned char *d, size_t dn,
		   vn_buf *v221, vn_buf *v183)
{
	const unsigned char *end = der + n, *c, *sd, *sdend, *p, *ec, *q, *si, *siend;
	size_t tot, cl, ecl;

	tlv(der, end, &tot, &c, &cl);			/* ContentInfo */
	p = tlv(c, c + cl, &tot, &q, &ecl);		/* contentType */
	tlv(p, c + cl, &tot, &c, &cl);			/* [0] */
	tlv(c, c + cl, &tot, &sd, &cl);			/* SignedData */
	sdend = sd + cl;
	p = tlv(sd, sdend, &tot, &c, &cl);		/* version */
	p = tlv(p, sdend, &tot, &c, &cl);		/* digestAlgorithms */
	q = p;
	p = tlv(p, sdend, &tot, &ec, &ecl);		/* encapContentInfo */
	put2(v221, v183, q, tot);
	if (tlv(ec, ec + ecl, &tot, &c, &cl) == ec + ecl)	/* only eContentType */
		put2(v221, v183, (const unsigned char *)d, dn);
	while (p < sdend && (*p == 0xa0 || *p == 0xa1)) {
		q = p;
		p = tlv(p, sdend, &tot, &c, &cl);
		put2(v221, v183, q, tot);
	}
	tlv(p, sdend, &tot, &c, &cl);			/* signerInfos */
	tlv(c, c + cl, &tot, &si, &cl);			/* the SignerInfo */
	siend = si + cl;
	for (p = si; p < siend;) {
		q = p;
		p = tlv(p, siend, &tot, &c, &cl);
		if (*q == 0xa1) {
			ck_assert(vn_buf_append(v221, q, tot) == VN_OK);
			ck_assert(vn_buf_append(v183, c, cl) == VN_OK);
		} else {
			put2(v221, v183, q, tot);
		}
	}
}

/* --- cases ----------------------------------------------------------------- */

enum { D_BYTES, D_DIGEST, D_NONE };
enum { T_NONE, T_CERT_FLIP, T_CERT_ADDED, T_BER, T_SECOND_ATS, T_V183 };

typedef struct ats_case {
	const char *name;
	int detached;
	int data;		/* detached: what is supplied */
	int lt;			/* signature timestamp + certificate values before the ATS */
	int tamper;
	int computed;		/* the parser computes an input */
	vn_indication ind;	/* the (first) archive timestamp's verdict */
	vn_subind sub;
} ats_case;

static const ats_case cases[] = {
	{ "enveloping LTA", 0, D_NONE, 1, T_NONE, 1, VN_IND_TOTAL_PASSED, VN_SUB_NONE },
	{ "detached LTA with the document", 1, D_BYTES, 1, T_NONE, 1, VN_IND_TOTAL_PASSED,
	  VN_SUB_NONE },
	{ "ATS straight on B (no other unsigned attribute)", 0, D_NONE, 0, T_NONE, 1,
	  VN_IND_TOTAL_PASSED, VN_SUB_NONE },
	{ "v1.8.3 reading accepted", 0, D_NONE, 1, T_V183, 1, VN_IND_TOTAL_PASSED, VN_SUB_NONE },
	{ "enveloping, CA certificate altered after the ATS", 0, D_NONE, 1, T_CERT_FLIP, 1,
	  VN_IND_TOTAL_FAILED, VN_SUB_HASH_FAILURE },
	{ "detached, certificate added after the ATS", 1, D_BYTES, 1, T_CERT_ADDED, 1,
	  VN_IND_TOTAL_FAILED, VN_SUB_HASH_FAILURE },
	{ "detached, digest only", 1, D_DIGEST, 1, T_NONE, 0, VN_IND_INDETERMINATE,
	  VN_SUB_SIGNED_DATA_NOT_FOUND },
	{ "detached, no data", 1, D_NONE, 1, T_NONE, 0, VN_IND_INDETERMINATE,
	  VN_SUB_SIGNED_DATA_NOT_FOUND },
	{ "indefinite-length BER", 0, D_NONE, 1, T_BER, 0, VN_IND_INDETERMINATE,
	  VN_SUB_SIGNED_DATA_NOT_FOUND },
	{ "two ATS: the first exact", 0, D_NONE, 1, T_SECOND_ATS, 1, VN_IND_TOTAL_PASSED,
	  VN_SUB_NONE },
};

static unsigned char *find(unsigned char *h, size_t hn, const unsigned char *nd, size_t nn)
{
	size_t i;

	for (i = 0; i + nn <= hn; i++)
		if (memcmp(h + i, nd, nn) == 0)
			return h + i;
	return NULL;
}

static int blob_eq(const v_blob *b, const vn_buf *v)
{
	return b->n == v->len && b->p != NULL && memcmp(b->p, v->data, v->len) == 0;
}

static void validate(const v_timestamp *ts, vn_indication ind, vn_subind sub, const char *name)
{
	STACK_OF(X509) *anchors = sk_X509_new_null();
	v_trust trust = { NULL, anchors };
	v_policy pol;
	v_ctx ctx = { &trust, &pol, NULL, NULL };
	v_ts_result r;

	ck_assert(anchors != NULL && sk_X509_push(anchors, ca_cert));
	v_policy_default(&pol);
	ck_assert_int_eq(v_ts_validate(&ctx, ts, (vn_time)time(NULL) + 60, &r), VN_OK);
	ck_assert_msg(r.indication == ind && r.sub == sub, "%s: got %s/%s", name,
		      vn_indication_name(r.indication),
		      vn_subind_name(r.sub) ? vn_subind_name(r.sub) : "-");
	v_ts_result_free(&r);
	sk_X509_free(anchors);
}

START_TEST(test_ats)
{
	const ats_case *c = &cases[_i];
	BIO *in = BIO_new_mem_buf(doc, (int)sizeof doc - 1);
	STACK_OF(X509) *extra = sk_X509_new_null();
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	unsigned char *der = NULL, *tok = NULL, *tok2 = NULL, *ber = NULL, *buf = NULL;
	unsigned char h[32];
	int n, tl = 0, tl2 = 0;
	vn_buf v221, v183, w221, w183;
	v_data data;
	v_sigobj *o = NULL;
	size_t no = 0, k, nats = 0, len;
	char why[256];

	vn_buf_init(&v221, V_MAX_DOCUMENT);
	vn_buf_init(&v183, V_MAX_DOCUMENT);
	vn_buf_init(&w221, V_MAX_DOCUMENT);
	vn_buf_init(&w183, V_MAX_DOCUMENT);
	ck_assert(in != NULL && extra != NULL && sk_X509_push(extra, ca_cert));
	cms = CMS_sign(sig_cert, sig_key, extra, in,
		       CMS_BINARY | CMS_CADES | (c->detached ? CMS_DETACHED : 0));
	ck_assert(cms != NULL);
	ck_assert(CMS_add1_crl(cms, ca_crl) == 1);
	si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	if (c->lt) {
		ASN1_OCTET_STRING *sv = CMS_SignerInfo_get0_signature(si);
		unsigned char *cd = NULL, cv[4096];
		int cn;
		tok = make_ts(sv->data, (size_t)sv->length, &tl);
		ck_assert(CMS_unsigned_add1_attr_by_txt(si, "1.2.840.113549.1.9.16.2.14",
							V_ASN1_SEQUENCE, tok, tl) == 1);
		OPENSSL_free(tok);
		tok = NULL;
		/* certificate-values: SEQUENCE OF Certificate (the CA) */
		cn = i2d_X509(ca_cert, &cd);
		ck_assert(cn > 0 && cn < 4000);
		cv[0] = 0x30;
		cv[1] = 0x82;
		cv[2] = (unsigned char)(cn >> 8);
		cv[3] = (unsigned char)cn;
		memcpy(cv + 4, cd, (size_t)cn);
		OPENSSL_free(cd);
		ck_assert(CMS_unsigned_add1_attr_by_txt(si, "1.2.840.113549.1.9.16.2.23",
							V_ASN1_SEQUENCE, cv, cn + 4) == 1);
	}
	/* what the archive timestamp covers, as the signature stands now */
	n = i2d_CMS_ContentInfo(cms, &der);
	ck_assert(n > 0);
	recipe(der, (size_t)n, (const unsigned char *)doc, sizeof doc - 1, &v221, &v183);
	OPENSSL_free(der);
	der = NULL;
	ck_assert(v221.len > v183.len || !c->lt);
	if (c->tamper == T_V183)
		tok = make_ts(v183.data, v183.len, &tl);
	else
		tok = make_ts(v221.data, v221.len, &tl);
	ck_assert(CMS_unsigned_add1_attr_by_txt(si, OID_ATS_V2, V_ASN1_SEQUENCE, tok, tl) == 1);
	if (c->tamper == T_SECOND_ATS) {
		/* the second covers the first */
		n = i2d_CMS_ContentInfo(cms, &der);
		ck_assert(n > 0);
		recipe(der, (size_t)n, (const unsigned char *)doc, sizeof doc - 1, &w221, &w183);
		OPENSSL_free(der);
		der = NULL;
		tok2 = make_ts(w221.data, w221.len, &tl2);
		ck_assert(CMS_unsigned_add1_attr_by_txt(si, OID_ATS_V2, V_ASN1_SEQUENCE, tok2,
							tl2) == 1);
	}
	if (c->tamper == T_CERT_ADDED)
		ck_assert(CMS_add1_cert(cms, other_cert) == 1);
	n = i2d_CMS_ContentInfo(cms, &der);
	ck_assert(n > 0);
	buf = der;
	len = (size_t)n;
	if (c->tamper == T_CERT_FLIP) {
		/* the last byte of the CA certificate's signature value in the
		 * SignedData.certificates field (it comes first in the file) */
		unsigned char *cd = NULL, *at;
		int cn = i2d_X509(ca_cert, &cd);
		ck_assert(cn > 0);
		at = find(der, len, cd, (size_t)cn);
		ck_assert(at != NULL);
		at[cn - 1] ^= 0x01;
		OPENSSL_free(cd);
	} else if (c->tamper == T_BER) {
		/* the outer ContentInfo with an indefinite length (X.690 8.1.3.6) */
		size_t hl = der[1] < 0x80 ? 2 : 2 + (size_t)(der[1] & 0x7f);
		ber = malloc(len - hl + 4);
		ck_assert(ber != NULL);
		ber[0] = 0x30;
		ber[1] = 0x80;
		memcpy(ber + 2, der + hl, len - hl);
		ber[len - hl + 2] = 0;
		ber[len - hl + 3] = 0;
		buf = ber;
		len = len - hl + 4;
	}

	memset(&data, 0, sizeof data);
	if (c->data == D_BYTES) {
		data.bytes = (const unsigned char *)doc;
		data.len = sizeof doc - 1;
	} else if (c->data == D_DIGEST) {
		ck_assert(EVP_Digest(doc, sizeof doc - 1, h, NULL, EVP_sha256(), NULL));
		data.digest_alg = "SHA-256";
		data.digest = h;
		data.digest_len = sizeof h;
	}
	ck_assert_msg(v_cms_parse(buf, len, c->detached ? &data : NULL, &o, &no, why,
				  sizeof why) == VN_OK, "%s: %s", c->name, why);
	ck_assert_int_eq(no, 1);
	ck_assert_msg(o[0].level == (c->lt ? V_LEVEL_LTA : V_LEVEL_B), "%s: level %d", c->name,
		      o[0].level);
	for (k = 0; k < o[0].ntss; k++) {
		const v_timestamp *ts = &o[0].tss[k];
		int second;
		if (ts->kind != V_TS_ARCHIVE)
			continue;
		nats++;
		second = tok2 != NULL && ts->token.n == (size_t)tl2 &&
			 memcmp(ts->token.p, tok2, (size_t)tl2) == 0;
		if (!c->computed) {
			ck_assert_msg(ts->imprint_input.n == 0, "%s", c->name);
			ck_assert(ts->imprint_input_alt.n == 0);
		} else if (c->tamper == T_CERT_FLIP || c->tamper == T_CERT_ADDED) {
			ck_assert_msg(ts->imprint_input.n > 0 && !blob_eq(&ts->imprint_input, &v221),
				      "%s: the input did not change", c->name);
		} else {
			/* every archive timestamp is dropped: both get the first's input */
			ck_assert_msg(blob_eq(&ts->imprint_input, &v221), "%s: v2.2.1 input",
				      c->name);
			ck_assert_msg(blob_eq(&ts->imprint_input_alt, &v183), "%s: v1.8.3 input",
				      c->name);
		}
		if (second)
			validate(ts, VN_IND_TOTAL_FAILED, VN_SUB_HASH_FAILURE, c->name);
		else
			validate(ts, c->ind, c->sub, c->name);
	}
	ck_assert_int_eq(nats, c->tamper == T_SECOND_ATS ? 2 : 1);
	ck_assert(vn_findings_has(&o[0].findings, "V_CMS_ARCHIVE_TS_NOT_CHECKED") ==
		  !c->computed);
	ck_assert(vn_findings_has(&o[0].findings, "V_CMS_ARCHIVE_TS_SEVERAL") ==
		  (c->tamper == T_SECOND_ATS));

	v_sigobj_free(&o[0]);
	free(o);
	free(ber);
	OPENSSL_free(der);
	OPENSSL_free(tok);
	OPENSSL_free(tok2);
	vn_buf_free(&v221);
	vn_buf_free(&v183);
	vn_buf_free(&w221);
	vn_buf_free(&w183);
	sk_X509_free(extra);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
}
END_TEST

/* --- archive-time-stamp-v3 (EN 319 122-1 5.5.3) ----------------------------- */

#define OID_ATS_V3 "0.4.0.1733.2.4"
#define OID_ATS_HI_V3 "0.4.0.1733.2.5"

static void der_len(vn_buf *b, unsigned char tag, size_t n)
{
	unsigned char h[4] = { tag, 0, 0, 0 };
	size_t hl = 2;

	if (n < 0x80) {
		h[1] = (unsigned char)n;
	} else if (n < 0x100) {
		h[1] = 0x81;
		h[2] = (unsigned char)n;
		hl = 3;
	} else {
		ck_assert(n < 0x10000);
		h[1] = 0x82;
		h[2] = (unsigned char)(n >> 8);
		h[3] = (unsigned char)n;
		hl = 4;
	}
	ck_assert(vn_buf_append(b, h, hl) == VN_OK);
}

static void sha256_octets(vn_buf *list, const unsigned char *a, size_t an,
			  const unsigned char *b, size_t bn)
{
	unsigned char h[32];
	EVP_MD_CTX *mc = EVP_MD_CTX_new();

	ck_assert(mc != NULL && EVP_DigestInit_ex(mc, EVP_sha256(), NULL) &&
		  EVP_DigestUpdate(mc, a, an) && (bn == 0 || EVP_DigestUpdate(mc, b, bn)) &&
		  EVP_DigestFinal_ex(mc, h, NULL));
	EVP_MD_CTX_free(mc);
	der_len(list, 0x04, sizeof h);
	ck_assert(vn_buf_append(list, h, sizeof h) == VN_OK);
}

static void seq_of(vn_buf *out, const vn_buf *items)
{
	der_len(out, 0x30, items->len);
	if (items->len > 0)
		ck_assert(vn_buf_append(out, items->data, items->len) == VN_OK);
}

/* The v3 recipe over the DER before the archive timestamp is added: in gets
 * parts 1 to 3 (eContentType, SHA-256 of the content, the SignerInfo fields
 * but unsignedAttrs), idx the ATSHashIndexV3 (SHA-256, algorithm omitted as
 * the DEFAULT, or written out when alg, as DSS does) over the certificates,
 * crls and unsigned attribute values. */
static void recipe_v3(const unsigned char *der, size_t n, const unsigned char *d, size_t dn,
		      int alg, vn_buf *in, vn_buf *idx)
{
	const unsigned char *end = der + n, *c, *sd, *sdend, *p, *ec, *q, *si, *siend, *e2;
	size_t tot, cl, ecl;
	unsigned char h[32];
	vn_buf lc, lr, la, body;

	vn_buf_init(&lc, V_MAX_DOCUMENT);
	vn_buf_init(&lr, V_MAX_DOCUMENT);
	vn_buf_init(&la, V_MAX_DOCUMENT);
	vn_buf_init(&body, V_MAX_DOCUMENT);
	tlv(der, end, &tot, &c, &cl);			/* ContentInfo */
	p = tlv(c, c + cl, &tot, &q, &ecl);		/* contentType */
	tlv(p, c + cl, &tot, &c, &cl);			/* [0] */
	tlv(c, c + cl, &tot, &sd, &cl);			/* SignedData */
	sdend = sd + cl;
	p = tlv(sd, sdend, &tot, &c, &cl);		/* version */
	p = tlv(p, sdend, &tot, &c, &cl);		/* digestAlgorithms */
	p = tlv(p, sdend, &tot, &ec, &ecl);		/* encapContentInfo */
	e2 = tlv(ec, ec + ecl, &tot, &c, &cl);		/* eContentType */
	ck_assert(vn_buf_append(in, ec, tot) == VN_OK);
	ck_assert(EVP_Digest(d, dn, h, NULL, EVP_sha256(), NULL));
	ck_assert(vn_buf_append(in, h, sizeof h) == VN_OK);
	(void)e2;
	while (p < sdend && (*p == 0xa0 || *p == 0xa1)) {
		unsigned char t = *p;
		const unsigned char *el, *fe;
		p = tlv(p, sdend, &tot, &c, &cl);
		for (el = c, fe = c + cl; el < fe;) {
			const unsigned char *s0 = el, *x;
			size_t xl;
			el = tlv(el, fe, &tot, &x, &xl);
			sha256_octets(t == 0xa0 ? &lc : &lr, s0, tot, NULL, 0);
		}
	}
	tlv(p, sdend, &tot, &c, &cl);			/* signerInfos */
	tlv(c, c + cl, &tot, &si, &cl);			/* the SignerInfo */
	siend = si + cl;
	for (p = si; p < siend;) {
		q = p;
		p = tlv(p, siend, &tot, &c, &cl);
		if (*q != 0xa1) {
			ck_assert(vn_buf_append(in, q, tot) == VN_OK);
			continue;
		}
		/* each value of each attribute: attrType || AttributeValue */
		{
			const unsigned char *a = c, *ae = c + cl;
			while (a < ae) {
				const unsigned char *ac, *oid, *vals, *ve, *v, *x;
				size_t acl, oidl, vl, xl, vt;
				a = tlv(a, ae, &tot, &ac, &acl);
				oid = ac;
				vals = tlv(ac, ac + acl, &oidl, &x, &xl);
				tlv(vals, ac + acl, &tot, &v, &vl);
				for (ve = v + vl; v < ve;) {
					const unsigned char *v0 = v;
					v = tlv(v, ve, &vt, &x, &xl);
					sha256_octets(&la, oid, oidl, v0, vt);
				}
			}
		}
	}
	if (alg) {
		static const unsigned char sha256_alg[] = { 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48,
							    0x01, 0x65, 0x03, 0x04, 0x02, 0x01 };
		ck_assert(vn_buf_append(&body, sha256_alg, sizeof sha256_alg) == VN_OK);
	}
	seq_of(&body, &lc);
	seq_of(&body, &lr);
	seq_of(&body, &la);
	seq_of(idx, &body);
	vn_buf_free(&lc);
	vn_buf_free(&lr);
	vn_buf_free(&la);
	vn_buf_free(&body);
}

/* The token with the index added as an unsigned attribute of its SignerInfo
 * (outside what the TSA signed), re-encoded. */
static unsigned char *add_index(const unsigned char *tok, int tl, const vn_buf *idx, int *outlen)
{
	const unsigned char *q = tok;
	PKCS7 *p7 = d2i_PKCS7(NULL, &q, tl);
	PKCS7_SIGNER_INFO *psi;
	unsigned char *der = NULL;

	ck_assert(p7 != NULL);
	psi = sk_PKCS7_SIGNER_INFO_value(PKCS7_get_signer_info(p7), 0);
	ck_assert(psi != NULL);
	ck_assert(X509at_add1_attr_by_txt(&psi->unauth_attr, OID_ATS_HI_V3, V_ASN1_SEQUENCE,
					  idx->data, (int)idx->len) != NULL);
	*outlen = i2d_PKCS7(p7, &der);
	ck_assert(*outlen > 0);
	PKCS7_free(p7);
	return der;
}

enum { V3_NONE, V3_ALG, V3_DIGEST, V3_NO_DATA, V3_CONTENT, V3_CERT_FLIP, V3_CERT_ADDED, V3_NO_INDEX, V3_ATTR_FLIP, V3_TWO };

typedef struct ats3_case {
	const char *name;
	int detached;
	int tamper;
	int computed;
	int mismatch;		/* V_CMS_ATS_INDEX_MISMATCH expected */
	vn_indication ind;
	vn_subind sub;
} ats3_case;

static const ats3_case cases3[] = {
	{ "v3 enveloping LTA", 0, V3_NONE, 1, 0, VN_IND_TOTAL_PASSED, VN_SUB_NONE },
	{ "v3 index with its hashIndAlgorithm written out", 0, V3_ALG, 1, 0, VN_IND_TOTAL_PASSED,
	  VN_SUB_NONE },
	{ "v3 detached LTA with the document", 1, V3_NONE, 1, 0, VN_IND_TOTAL_PASSED,
	  VN_SUB_NONE },
	{ "v3 detached, the document's SHA-256 digest only", 1, V3_DIGEST, 1, 0,
	  VN_IND_TOTAL_PASSED, VN_SUB_NONE },
	{ "v3 detached, no data", 1, V3_NO_DATA, 0, 0, VN_IND_INDETERMINATE,
	  VN_SUB_SIGNED_DATA_NOT_FOUND },
	{ "v3 certificate added after the ATS (allowed)", 1, V3_CERT_ADDED, 1, 0,
	  VN_IND_TOTAL_PASSED, VN_SUB_NONE },
	{ "v3 two ATS, each exact", 0, V3_TWO, 1, 0, VN_IND_TOTAL_PASSED, VN_SUB_NONE },
	{ "v3 detached, another document", 1, V3_CONTENT, 1, 0, VN_IND_TOTAL_FAILED,
	  VN_SUB_HASH_FAILURE },
	{ "v3 covered CA certificate altered", 0, V3_CERT_FLIP, 1, 1, VN_IND_TOTAL_FAILED,
	  VN_SUB_HASH_FAILURE },
	{ "v3 covered certificate-values altered", 0, V3_ATTR_FLIP, 1, 1, VN_IND_TOTAL_FAILED,
	  VN_SUB_HASH_FAILURE },
	{ "v3 token without ats-hash-index-v3", 0, V3_NO_INDEX, 0, 0, VN_IND_INDETERMINATE,
	  VN_SUB_SIGNED_DATA_NOT_FOUND },
};

/* One v3 archive timestamp over the signature as it stands; in/idx get the
 * independently computed input and index. */
static unsigned char *make_ats3(CMS_ContentInfo *cms, int with_index, int alg, vn_buf *in,
				vn_buf *idx, int *tl)
{
	unsigned char *der = NULL, *tok, *tok2;
	int n, tl0 = 0;

	n = i2d_CMS_ContentInfo(cms, &der);
	ck_assert(n > 0);
	recipe_v3(der, (size_t)n, (const unsigned char *)doc, sizeof doc - 1, alg, in, idx);
	OPENSSL_free(der);
	ck_assert(vn_buf_append(in, idx->data, idx->len) == VN_OK);
	tok = make_ts(in->data, in->len, &tl0);
	if (!with_index) {
		*tl = tl0;
		return tok;
	}
	tok2 = add_index(tok, tl0, idx, tl);
	OPENSSL_free(tok);
	return tok2;
}

START_TEST(test_ats_v3)
{
	const ats3_case *c = &cases3[_i];
	static const char other[] = "another document";
	BIO *bin = BIO_new_mem_buf(doc, (int)sizeof doc - 1);
	STACK_OF(X509) *extra = sk_X509_new_null();
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	ASN1_OCTET_STRING *sv;
	unsigned char *der = NULL, *tok = NULL, *tok2 = NULL, *cd = NULL, cv[4096], dg[32];
	int n, tl = 0, tl2 = 0, cn;
	vn_buf in, idx, in2, idx2;
	v_data data;
	v_sigobj *o = NULL;
	size_t no = 0, k, nats = 0;
	char why[256];

	vn_buf_init(&in, V_MAX_DOCUMENT);
	vn_buf_init(&idx, V_MAX_DOCUMENT);
	vn_buf_init(&in2, V_MAX_DOCUMENT);
	vn_buf_init(&idx2, V_MAX_DOCUMENT);
	ck_assert(bin != NULL && extra != NULL && sk_X509_push(extra, ca_cert));
	cms = CMS_sign(sig_cert, sig_key, extra, bin,
		       CMS_BINARY | CMS_CADES | (c->detached ? CMS_DETACHED : 0));
	ck_assert(cms != NULL);
	ck_assert(CMS_add1_crl(cms, ca_crl) == 1);
	si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	sv = CMS_SignerInfo_get0_signature(si);
	tok = make_ts(sv->data, (size_t)sv->length, &tl);
	ck_assert(CMS_unsigned_add1_attr_by_txt(si, "1.2.840.113549.1.9.16.2.14", V_ASN1_SEQUENCE,
						tok, tl) == 1);
	OPENSSL_free(tok);
	cn = i2d_X509(ca_cert, &cd);
	ck_assert(cn > 0 && cn < 4000);
	cv[0] = 0x30;
	cv[1] = 0x82;
	cv[2] = (unsigned char)(cn >> 8);
	cv[3] = (unsigned char)cn;
	memcpy(cv + 4, cd, (size_t)cn);
	ck_assert(CMS_unsigned_add1_attr_by_txt(si, "1.2.840.113549.1.9.16.2.23", V_ASN1_SEQUENCE,
						cv, cn + 4) == 1);

	tok = make_ats3(cms, c->tamper != V3_NO_INDEX, c->tamper == V3_ALG, &in, &idx, &tl);
	ck_assert(CMS_unsigned_add1_attr_by_txt(si, OID_ATS_V3, V_ASN1_SEQUENCE, tok, tl) == 1);
	if (c->tamper == V3_TWO) {
		tok2 = make_ats3(cms, 1, 0, &in2, &idx2, &tl2);
		ck_assert(CMS_unsigned_add1_attr_by_txt(si, OID_ATS_V3, V_ASN1_SEQUENCE, tok2,
							tl2) == 1);
	}
	if (c->tamper == V3_CERT_ADDED)
		ck_assert(CMS_add1_cert(cms, other_cert) == 1);
	n = i2d_CMS_ContentInfo(cms, &der);
	ck_assert(n > 0);
	if (c->tamper == V3_CERT_FLIP || c->tamper == V3_ATTR_FLIP) {
		/* the CA certificate: first in SignedData.certificates, then
		 * inside certificate-values */
		unsigned char *at = find(der, (size_t)n, cd, (size_t)cn);
		ck_assert(at != NULL);
		if (c->tamper == V3_ATTR_FLIP) {
			at = find(at + cn, (size_t)n - (size_t)(at + cn - der), cd, (size_t)cn);
			ck_assert(at != NULL);
		}
		at[cn - 1] ^= 0x01;
	}

	memset(&data, 0, sizeof data);
	data.bytes = (const unsigned char *)(c->tamper == V3_CONTENT ? other : doc);
	data.len = c->tamper == V3_CONTENT ? sizeof other - 1 : sizeof doc - 1;
	if (c->tamper == V3_DIGEST || c->tamper == V3_NO_DATA) {
		data.bytes = NULL;
		data.len = 0;
	}
	if (c->tamper == V3_DIGEST) {
		ck_assert(EVP_Digest(doc, sizeof doc - 1, dg, NULL, EVP_sha256(), NULL));
		data.digest_alg = "SHA-256";
		data.digest = dg;
		data.digest_len = sizeof dg;
	}
	ck_assert_msg(v_cms_parse(der, (size_t)n, c->detached ? &data : NULL, &o, &no, why,
				  sizeof why) == VN_OK, "%s: %s", c->name, why);
	ck_assert_int_eq(no, 1);
	for (k = 0; k < o[0].ntss; k++) {
		const v_timestamp *ts = &o[0].tss[k];
		int second;
		if (ts->kind != V_TS_ARCHIVE)
			continue;
		nats++;
		second = tok2 != NULL && ts->token.n == (size_t)tl2 &&
			 memcmp(ts->token.p, tok2, (size_t)tl2) == 0;
		if (!c->computed)
			ck_assert_msg(ts->imprint_input.n == 0, "%s", c->name);
		else if (c->tamper == V3_NONE || c->tamper == V3_ALG || c->tamper == V3_DIGEST ||
			 c->tamper == V3_CERT_ADDED || c->tamper == V3_TWO)
			ck_assert_msg(blob_eq(&ts->imprint_input, second ? &in2 : &in),
				      "%s: v3 input", c->name);
		else
			ck_assert_msg(ts->imprint_input.n > 0 && !blob_eq(&ts->imprint_input, &in),
				      "%s: the input did not change", c->name);
		ck_assert(ts->imprint_input_alt.n == 0);
		validate(ts, c->ind, c->sub, c->name);
	}
	ck_assert_int_eq(nats, c->tamper == V3_TWO ? 2 : 1);
	ck_assert_msg(vn_findings_has(&o[0].findings, "V_CMS_ARCHIVE_TS_NOT_CHECKED") ==
		      !c->computed, "%s: NOT_CHECKED", c->name);
	ck_assert_msg(vn_findings_has(&o[0].findings, "V_CMS_ATS_INDEX_MISMATCH") == c->mismatch,
		      "%s: INDEX_MISMATCH", c->name);

	v_sigobj_free(&o[0]);
	free(o);
	OPENSSL_free(der);
	OPENSSL_free(cd);
	OPENSSL_free(tok);
	OPENSSL_free(tok2);
	vn_buf_free(&in);
	vn_buf_free(&idx);
	vn_buf_free(&in2);
	vn_buf_free(&idx2);
	sk_X509_free(extra);
	CMS_ContentInfo_free(cms);
	BIO_free(bin);
}
END_TEST

static Suite *v_ats_suite(void)
{
	Suite *s = suite_create("v_ats");
	TCase *tc = tcase_create("ats");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_ats, 0, N(cases));
	tcase_add_loop_test(tc, test_ats_v3, 0, N(cases3));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return vn_test_run(v_ats_suite());
}
