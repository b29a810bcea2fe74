/* Check suite for policies/: the loader (the shipped policies load; every
 * semantic rule has a negative case, reported with the offending line),
 * the cryptographic suite by date (pol_crypto_expiry, and end to end: a
 * SHA-1 CAdES-T whose timestamp predates 2012-08-01 passes with a warning,
 * one after fails with CRYPTO_CONSTRAINTS_FAILURE_NO_POE), and the MRA
 * translation over DSS's mra-lotl.xml / mra-zz-tl.xml /
 * mra-zz-lotl-history.xml (enacted: mapped; repealed now and enacted in
 * history: mapped only inside the history period, as DSS's
 * MRALOTLRepealedWithHistoryEnactedTest asserts). */
#include "tests/unit/vn_test.h"

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "common/vn_buf.h"
#include "node/srv_policy.h"
#include "node/v_format.h"
#include "node/v_validate.h"
#include "policies/pol.h"
#include "policies/pol_mra.h"
#include "trustlists/tl_xml.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void xsd_path(char *buf, size_t n)
{
	snprintf(buf, n, "%s/policies/valnode-policy.xsd", vn_test_srcdir());
}

/* ---- the shipped policies ---------------------------------------------- */

static const char *const shipped[] = {"eu", "az", "ge", "ua", "md", "kz", "tr", "notary"};

START_TEST(test_shipped)
{
	char path[4096], xsd[4096];
	pol_policy *p = NULL;
	vn_findings f;

	vn_findings_init(&f);
	xsd_path(xsd, sizeof xsd);
	snprintf(path, sizeof path, "%s/policies/%s.xml", vn_test_srcdir(), shipped[_i]);
	ck_assert_msg(pol_load_file(path, xsd, &p, &f) == VN_OK, "%s: %s", shipped[_i],
		      f.n ? f.items[0].message : "?");
	ck_assert_str_eq(p->id, shipped[_i]);
	ck_assert_int_eq((int)strlen(p->digest), 64);
	ck_assert_uint_eq(vn_findings_count(&f, VN_LEVEL_WARN), 0);
	pol_free(p);
	vn_findings_free(&f);
}
END_TEST

/* ---- negative cases ------------------------------------------------------ */

static const char tmpl[] =
	"<?xml version=\"1.0\"?>\n"
	"<!-- a test policy -->\n"
	"<Policy xmlns=\"urn:valnode:policy:1\" id=\"t\" version=\"1\">\n"
	"  <Jurisdiction>XX</Jurisdiction>\n"
	"  <Purpose>tests</Purpose>\n"
	"  <Accept>\n"
	"    <Territory>AZ</Territory>\n"
	"  </Accept>\n"
	"  <Qualification Level=\"FAIL\">AdESig</Qualification>\n"
	"  <Cryptographic Level=\"FAIL\">\n"
	"    <Digest name=\"SHA-1\" expires=\"2012-08-01\"/>\n"
	"    <Digest name=\"SHA-256\"/>\n"
	"%s"
	"    <Signature name=\"ECDSA\" minKeySize=\"224\" expires=\"2021-10-01\"/>\n"
	"    <Signature name=\"ECDSA\" minKeySize=\"256\"/>\n"
	"%s"
	"  </Cryptographic>\n"
	"  <Revocation Level=\"FAIL\" maxAgeSeconds=\"86400\" online=\"true\"/>\n"
	"  <Timestamp Level=\"IGNORE\"/>\n"
	"  <SigningCertificate>\n"
	"    <NonRepudiation Level=\"FAIL\"/>\n"
	"    <QcCompliance Level=\"INFORM\"/>\n"
	"  </SigningCertificate>\n"
	"  <TrustedLists lotlMRA=\"false\"/>\n"
	"%s"
	"</Policy>\n";

#define EQ(t, start) \
	"  <Equivalence id=\"e-" t "\" territory=\"" t "\" status=\"enacted\" start=\"" start "\">\n" \
	"    <QcCClegislation>" t "</QcCClegislation>\n" \
	"  </Equivalence>\n"

typedef struct neg_case {
	const char *name;
	const char *digests, *sigs, *equivs;
	const char *code;	/* NULL: loads */
	const char *marker;	/* the finding names the line holding this */
} neg_case;

static const neg_case negs[] = {
	{"valid", "", "", EQ("AZ", "2020-01-01T00:00:00Z"), NULL, NULL},
	{"unknown digest", "    <Digest name=\"GOST3411\"/>\n", "", "", "POL_UNKNOWN_ALGORITHM",
	 "GOST3411"},
	{"unknown signature", "", "    <Signature name=\"SM2\" minKeySize=\"256\"/>\n", "",
	 "POL_UNKNOWN_ALGORITHM", "SM2"},
	{"date out of range", "    <Digest name=\"MD5\" expires=\"1970-01-01\"/>\n", "", "",
	 "POL_BAD_DATE", "MD5"},
	{"equivalence start out of range", "", "", EQ("AZ", "2150-01-01T00:00:00Z"), "POL_BAD_DATE",
	 "e-AZ"},
	{"digest twice", "    <Digest name=\"SHA-256\"/>\n", "", "", "POL_DUPLICATE",
	 "<Digest name=\"SHA-256\"/>\n%s"},
	{"key tier twice", "", "    <Signature name=\"ECDSA\" minKeySize=\"256\"/>\n", "",
	 "POL_DUPLICATE", "minKeySize=\"256\"/>\n%s"},
	{"larger key expires first", "",
	 "    <Signature name=\"ECDSA\" minKeySize=\"384\" expires=\"2015-01-01\"/>\n", "",
	 "POL_CONTRADICTION", "384"},
	{"equivalence for a territory not accepted", "", "", EQ("GE", "2020-01-01T00:00:00Z"),
	 "POL_CONTRADICTION", "e-GE"},
	{"two equivalences for one territory", "", "",
	 EQ("AZ", "2020-01-01T00:00:00Z") EQ("AZ", "2021-01-01T00:00:00Z"), "POL_DUPLICATE",
	 "2021-01-01"},
	{"schema: unknown element", "    <Cipher name=\"AES\"/>\n", "", "", "POL_XSD", "Cipher"},
	{"schema: bad level", "", "", "  <Extra Level=\"MAYBE\"/>\n", "POL_XSD", "MAYBE"},
};

/* The line of the first occurrence of marker in s (markers with "%s" are
 * matched up to it, for the second of two equal lines). */
static int line_of(const char *s, const char *marker)
{
	char m[128];
	const char *at, *cut = strstr(marker, "%s");
	int line = 1;

	snprintf(m, sizeof m, "%.*s", cut ? (int)(cut - marker) : (int)strlen(marker), marker);
	at = strstr(s, m);
	if (cut != NULL && at != NULL)	/* the repeated one: the next occurrence */
		at = strstr(at + 1, m) ? strstr(at + 1, m) : at;
	ck_assert_msg(at != NULL, "marker %s", m);
	for (; s < at; s++)
		line += *s == '\n';
	return line;
}

START_TEST(test_negative)
{
	const neg_case *c = &negs[_i];
	char doc[8192], xsd[4096], want[32];
	pol_policy *p = NULL;
	vn_findings f;
	size_t i;
	int found = 0;
	vn_err e;

	snprintf(doc, sizeof doc, tmpl, c->digests, c->sigs, c->equivs);
	xsd_path(xsd, sizeof xsd);
	vn_findings_init(&f);
	e = pol_load_mem((const unsigned char *)doc, strlen(doc), xsd, &p, &f);
	if (c->code == NULL) {
		ck_assert_msg(e == VN_OK, "%s: %s", c->name, f.n ? f.items[0].message : "?");
		ck_assert_int_eq((int)p->nequivs, 1);
		pol_free(p);
		vn_findings_free(&f);
		return;
	}
	ck_assert_msg(e == VN_ERR_MALFORMED && p == NULL, "%s: loaded", c->name);
	snprintf(want, sizeof want, "line %d:", line_of(doc, c->marker));
	for (i = 0; i < f.n; i++)
		if (strcmp(f.items[i].code, c->code) == 0 &&
		    strncmp(f.items[i].message, want, strlen(want)) == 0)
			found = 1;
	ck_assert_msg(found, "%s: no %s at %s (first: %s %s)", c->name, c->code, want,
		      f.n ? f.items[0].code : "-", f.n ? f.items[0].message : "-");
	vn_findings_free(&f);
}
END_TEST

START_TEST(test_not_xml)
{
	static const char *const bad[] = {"", "<Policy", "<x xmlns=\"urn:other\"/>",
					  "<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>"};
	pol_policy *p = NULL;
	vn_findings f;

	vn_findings_init(&f);
	ck_assert(pol_load_mem((const unsigned char *)bad[_i], strlen(bad[_i]), NULL, &p, &f) != VN_OK);
	ck_assert(p == NULL);
	ck_assert(vn_findings_has(&f, "POL_XML"));
	vn_findings_free(&f);
}
END_TEST

/* ---- the suite by date ------------------------------------------------------ */

static pol_policy *load_eu(void)
{
	char path[4096], xsd[4096];
	pol_policy *p = NULL;
	vn_findings f;

	vn_findings_init(&f);
	xsd_path(xsd, sizeof xsd);
	snprintf(path, sizeof path, "%s/policies/eu.xml", vn_test_srcdir());
	ck_assert(pol_load_file(path, xsd, &p, &f) == VN_OK);
	vn_findings_free(&f);
	return p;
}

typedef struct algo_case {
	const char *digest, *sig;
	int bits;
	pol_crypto_verdict v;
	const char *expiry;	/* NULL: none */
} algo_case;

static const algo_case algos[] = {
	{"SHA-1", "ECDSA", 256, POL_CRYPTO_EXPIRED, "2012-08-01T00:00:00Z"},
	{"SHA-256", "ECDSA", 256, POL_CRYPTO_OK, NULL},
	{"SHA-256", "ECDSA", 224, POL_CRYPTO_EXPIRED, "2021-10-01T00:00:00Z"},
	{"SHA-256", "RSA", 2048, POL_CRYPTO_EXPIRED, "2029-01-01T00:00:00Z"},
	{"SHA-256", "RSA", 1024, POL_CRYPTO_EXPIRED, "2019-10-01T00:00:00Z"},
	{"SHA-1", "RSA", 1024, POL_CRYPTO_EXPIRED, "2012-08-01T00:00:00Z"},
	{"SHA-256", "RSASSA-PSS", 3072, POL_CRYPTO_OK, NULL},
	{"SHA-256", "RSA", 512, POL_CRYPTO_UNKNOWN, NULL},
	{"GOST3411", "ECDSA", 256, POL_CRYPTO_UNKNOWN, NULL},
	{"SHA-256", "Ed25519", 256, POL_CRYPTO_UNKNOWN, NULL},
};

START_TEST(test_crypto_suite)
{
	const algo_case *c = &algos[_i];
	pol_policy *p = load_eu();
	vn_time exp = 0, want = VN_TIME_NONE;

	if (c->expiry != NULL)
		ck_assert(vn_time_parse(c->expiry, VN_TIME_RFC3339, &want) == VN_OK);
	ck_assert_int_eq(pol_crypto_expiry(p, c->digest, c->sig, c->bits, &exp), c->v);
	if (c->v != POL_CRYPTO_UNKNOWN)
		ck_assert_msg(exp == want, "%s/%s/%d", c->digest, c->sig, c->bits);
	pol_free(p);
}
END_TEST

/* A SHA-1 CAdES-T made with the OpenSSL API: certificates from 2010, the
 * signature timestamp's genTime chosen by a TS_RESP_CTX time callback. */
static EVP_PKEY *k_ca, *k_sig, *k_tsa;
static X509 *c_ca, *c_sig, *c_tsa;

static void ext(X509 *x, X509 *iss, int nid, const char *v)
{
	X509V3_CTX c;
	X509_EXTENSION *e;

	X509V3_set_ctx(&c, iss, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &c, nid, v);
	ck_assert(e != NULL && X509_add_ext(x, e, -1) == 1);
	X509_EXTENSION_free(e);
}

static X509 *mk(const char *cn, EVP_PKEY *k, X509 *iss, EVP_PKEY *ik, long serial, int kind)
{
	X509 *x = X509_new();
	X509_NAME *nm = X509_NAME_new();

	ck_assert(x != NULL && nm != NULL);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, nm);
	X509_set_issuer_name(x, iss ? X509_get_subject_name(iss) : nm);
	X509_NAME_free(nm);
	ASN1_TIME_set(X509_getm_notBefore(x), (time_t)1262304000);	/* 2010-01-01 */
	ASN1_TIME_set_string(X509_getm_notAfter(x), "20400101000000Z");
	X509_set_pubkey(x, k);
	ext(x, iss ? iss : x, NID_basic_constraints, kind == 0 ? "critical,CA:TRUE" : "critical,CA:FALSE");
	if (kind == 0)
		ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign");
	if (kind == 1)
		ext(x, iss, NID_key_usage, "critical,digitalSignature,nonRepudiation");
	if (kind == 2)
		ext(x, iss, NID_ext_key_usage, "critical,timeStamping");
	ck_assert(X509_sign(x, ik ? ik : k, EVP_sha256()) > 0);
	return x;
}

static void pki_setup(void)
{
	k_ca = EVP_EC_gen("P-256");
	k_sig = EVP_EC_gen("P-256");
	k_tsa = EVP_EC_gen("P-256");
	ck_assert(k_ca && k_sig && k_tsa);
	c_ca = mk("Policy Test CA", k_ca, NULL, NULL, 1, 0);
	c_sig = mk("Policy Test Signer", k_sig, c_ca, k_ca, 2, 1);
	c_tsa = mk("Policy Test TSA", k_tsa, c_ca, k_ca, 3, 2);
}

static void pki_teardown(void)
{
	X509_free(c_ca);
	X509_free(c_sig);
	X509_free(c_tsa);
	EVP_PKEY_free(k_ca);
	EVP_PKEY_free(k_sig);
	EVP_PKEY_free(k_tsa);
}

static long gen_time;

static int time_cb(TS_RESP_CTX *ctx, void *data, long *sec, long *usec)
{
	(void)ctx;
	(void)data;
	*sec = gen_time;
	*usec = 0;
	return 1;
}

static unsigned char *token(const unsigned char *d, size_t n, int *len)
{
	unsigned char md[32];
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	TS_RESP_CTX *ctx = TS_RESP_CTX_new();
	ASN1_OBJECT *pol = OBJ_txt2obj("1.2.3.4.1", 1);
	BIO *rb = BIO_new(BIO_s_mem());
	TS_RESP *resp;
	unsigned char *der = NULL;

	ck_assert(req && mi && alg && ctx && pol && rb);
	ck_assert(EVP_Digest(d, n, md, NULL, EVP_sha256(), NULL));
	X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL);
	ck_assert(TS_MSG_IMPRINT_set_algo(mi, alg) && TS_MSG_IMPRINT_set_msg(mi, md, 32));
	ck_assert(TS_REQ_set_version(req, 1) && TS_REQ_set_msg_imprint(req, mi) &&
		  TS_REQ_set_cert_req(req, 1) && i2d_TS_REQ_bio(rb, req) > 0);
	ck_assert(TS_RESP_CTX_set_signer_cert(ctx, c_tsa) && TS_RESP_CTX_set_signer_key(ctx, k_tsa) &&
		  TS_RESP_CTX_set_signer_digest(ctx, EVP_sha256()) &&
		  TS_RESP_CTX_set_ess_cert_id_digest(ctx, EVP_sha256()) &&
		  TS_RESP_CTX_set_def_policy(ctx, pol) && TS_RESP_CTX_add_md(ctx, EVP_sha256()));
	TS_RESP_CTX_set_time_cb(ctx, time_cb, NULL);
	resp = TS_RESP_create_response(ctx, rb);
	ck_assert(resp != NULL);
	ck_assert(ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp))) == 0);
	*len = i2d_PKCS7(TS_RESP_get_token(resp), &der);
	ck_assert(*len > 0);
	TS_RESP_free(resp);
	BIO_free(rb);
	ASN1_OBJECT_free(pol);
	TS_RESP_CTX_free(ctx);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(req);
	return der;
}

typedef struct date_case {
	const char *name;
	long ts;		/* genTime */
	vn_indication ind;
	vn_subind sub;
	const char *code;	/* a finding the result carries */
} date_case;

static const date_case dates[] = {
	{"POE 2011-06-01, before SHA-1's expiry", 1306886400, VN_IND_TOTAL_PASSED, VN_SUB_NONE,
	 "V_WEAK_ALGORITHM_BEFORE_EXPIRY"},
	{"POE 2013-01-01, after it", 1356998400, VN_IND_INDETERMINATE,
	 VN_SUB_CRYPTO_CONSTRAINTS_FAILURE_NO_POE, "V_WEAK_ALGORITHM"},
};

START_TEST(test_sha1_by_date)
{
	static const char doc[] = "signed with SHA-1 long ago";
	const date_case *c = &dates[_i];
	BIO *in = BIO_new_mem_buf(doc, (int)sizeof doc - 1);
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	X509_CRL *crl = X509_CRL_new();
	STACK_OF(X509) *anchors = sk_X509_new_null();
	ASN1_TIME *st, *t1, *t2;
	ASN1_OCTET_STRING *sv;
	unsigned char *tok, *der = NULL;
	int tl, n;
	v_sigobj *o = NULL;
	size_t no = 0;
	char why[256];
	pol_policy *p = load_eu();
	v_policy pol;
	v_trust trust;
	v_ctx ctx;
	v_result r;

	ck_assert(in && crl && anchors && sk_X509_push(anchors, c_ca));
	/* an empty CRL of the CA, current */
	X509_CRL_set_version(crl, 1);
	X509_CRL_set_issuer_name(crl, X509_get_subject_name(c_ca));
	t1 = X509_gmtime_adj(NULL, -3600);
	t2 = X509_gmtime_adj(NULL, 86400);
	X509_CRL_set1_lastUpdate(crl, t1);
	X509_CRL_set1_nextUpdate(crl, t2);
	ASN1_TIME_free(t1);
	ASN1_TIME_free(t2);
	ck_assert(X509_CRL_sign(crl, k_ca, EVP_sha256()) > 0);

	cms = CMS_sign(NULL, NULL, NULL, in, CMS_BINARY | CMS_PARTIAL | CMS_DETACHED);
	ck_assert(cms != NULL);
	si = CMS_add1_signer(cms, c_sig, k_sig, EVP_sha1(), CMS_BINARY | CMS_CADES);
	ck_assert(si != NULL);
	/* the claimed signing time, an hour before the timestamp */
	st = ASN1_UTCTIME_set(NULL, (time_t)(c->ts - 3600));
	ck_assert(CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, V_ASN1_UTCTIME, st, -1) == 1);
	ASN1_TIME_free(st);
	ck_assert(CMS_add1_cert(cms, c_ca) == 1);
	ck_assert(CMS_final(cms, in, NULL, CMS_BINARY | CMS_DETACHED) == 1);
	ck_assert(CMS_add1_crl(cms, crl) == 1);
	sv = CMS_SignerInfo_get0_signature(si);
	gen_time = c->ts;
	tok = token(sv->data, (size_t)sv->length, &tl);
	ck_assert(CMS_unsigned_add1_attr_by_txt(si, "1.2.840.113549.1.9.16.2.14", V_ASN1_SEQUENCE,
						tok, tl) == 1);
	OPENSSL_free(tok);
	n = i2d_CMS_ContentInfo(cms, &der);
	ck_assert(n > 0);
	{
		v_data d;
		memset(&d, 0, sizeof d);
		d.bytes = (const unsigned char *)doc;
		d.len = sizeof doc - 1;
		ck_assert_msg(v_cms_parse(der, (size_t)n, &d, &o, &no, why, sizeof why) == VN_OK, "%s", why);
	}
	ck_assert_int_eq(no, 1);
	ck_assert_str_eq(o[0].digest_alg, "SHA-1");

	v_policy_from_pol(&pol, p);
	pol.online_revocation = 0;
	trust.snapshot = NULL;
	trust.anchors = anchors;
	memset(&ctx, 0, sizeof ctx);
	ctx.trust = &trust;
	ctx.policy = &pol;
	v_result_init(&r);
	ck_assert(v_validate(&ctx, &o[0], VN_TIME_NONE, &r) == VN_OK);
	ck_assert_msg(r.indication == c->ind && r.sub == c->sub, "%s: got %s/%s (%s)", c->name,
		      vn_indication_name(r.indication), vn_subind_name(r.sub) ? vn_subind_name(r.sub) : "-",
		      r.findings.n ? r.findings.items[r.findings.n - 1].message : "");
	ck_assert_msg(vn_findings_has(&r.findings, c->code), "%s: no %s", c->name, c->code);
	ck_assert(r.best_signature_time == c->ts);
	v_result_free(&r);
	v_sigobj_free(&o[0]);
	free(o);
	OPENSSL_free(der);
	CMS_ContentInfo_free(cms);
	X509_CRL_free(crl);
	sk_X509_free(anchors);
	BIO_free(in);
	pol_free(p);
}
END_TEST

/* ---- MRA over DSS's test lists ------------------------------------------------ */

#define MRA_DIR "esig/dss/dss-tsl-validation/src/test/resources/"

static tl_list *read_list(const char *rel)
{
	char path[4096];
	vn_buf b;
	xmlDocPtr d = NULL;
	tl_list *l = NULL;

	if (vn_test_corpus(rel, path, sizeof path) == NULL)
		return NULL;
	vn_buf_init(&b, (size_t)64 << 20);
	if (vn_buf_read_file(&b, path) != VN_OK) {
		vn_buf_free(&b);
		return NULL;
	}
	tl_xml_global_init();
	ck_assert(tl_xml_read(b.data, b.len, &d, NULL, 0) == VN_OK);
	ck_assert(tl_parse(d, &l) == VN_OK);
	xmlFreeDoc(d);
	vn_buf_free(&b);
	return l;
}

static pol_mra *mra_of(const tl_list *l)
{
	pol_mra *m = NULL;
	vn_findings f;
	size_t i;

	vn_findings_init(&f);
	for (i = 0; i < l->npointers; i++)
		if (l->pointers[i].mra_xml != NULL) {
			ck_assert(pol_mra_parse(l->pointers[i].mra_xml, &m, &f) == VN_OK);
			break;
		}
	vn_findings_free(&f);
	ck_assert(m != NULL);
	return m;
}

/* The ZZ list's CA/QC-for-eSig service interval. */
static const tl_service_entry *zz_service(const tl_list *l)
{
	size_t i, j;

	for (i = 0; i < l->ntsps; i++)
		for (j = 0; j < l->tsps[i].nservices; j++) {
			const tl_service_entry *e = &l->tsps[i].services[j].entries[0];
			if (e->type != NULL && strstr(e->type, "zz-trusted-list") != NULL &&
			    strstr(e->type, "CA/QC/for-eSig") != NULL)
				return e;
		}
	return NULL;
}

typedef struct mra_case {
	const char *name;
	const char *lotl;
	const char *at;		/* qualification time */
	const char *cert_nb;	/* the certificate's notBefore */
	int mapped;
	int cert_mapped;
} mra_case;

static const mra_case mras[] = {
	{"enacted: mapped", "mra-lotl.xml", "2024-01-01T00:00:00Z", "2021-01-01T00:00:00Z", 1, 1},
	{"enacted, before its start: not mapped", "mra-lotl.xml", "2019-01-01T00:00:00Z",
	 "2018-06-01T00:00:00Z", 0, 0},
	{"repealed now: falls back", "mra-zz-lotl-history.xml", "2024-01-01T00:00:00Z",
	 "2021-01-01T00:00:00Z", 0, 0},
	{"repealed now, at a time of the enacted history: mapped", "mra-zz-lotl-history.xml",
	 "2021-06-01T00:00:00Z", "2021-01-01T00:00:00Z", 1, 1},
};

START_TEST(test_mra)
{
	const mra_case *c = &mras[_i];
	char rel[256], p1[4096];
	tl_list *lotl, *zz;
	const tl_service_entry *e;
	pol_mra *m;
	pol_mapped out;
	pol_qc qc;
	vn_time at, nb;
	size_t i, j;
	int rc, has_qscd = 0;

	snprintf(rel, sizeof rel, MRA_DIR "%s", c->lotl);
	VN_SKIP_NO_CORPUS(vn_test_corpus(rel, p1, sizeof p1), rel);
	lotl = read_list(rel);
	zz = read_list(MRA_DIR "mra-zz-tl.xml");
	ck_assert(lotl != NULL && zz != NULL);
	m = mra_of(lotl);
	e = zz_service(zz);
	ck_assert_msg(e != NULL, "no ZZ CA/QC service");
	ck_assert(vn_time_parse(c->at, VN_TIME_RFC3339, &at) == VN_OK);
	ck_assert(vn_time_parse(c->cert_nb, VN_TIME_RFC3339, &nb) == VN_OK);
	/* a ZZ qualified certificate: QcCompliance + QcCClegislation ZZ,
	 * QcSSCD, no QcType */
	memset(&qc, 0, sizeof qc);
	qc.compliance = qc.sscd = 1;
	snprintf(qc.cc, sizeof qc.cc, "ZZ");
	rc = pol_mra_map(m, e, nb, &qc, at, &out);
	ck_assert_msg(rc == c->mapped, "%s: rc %d", c->name, rc);
	if (rc == 1) {
		ck_assert_str_eq(out.entry.type, "http://uri.etsi.org/TrstSvc/Svctype/CA/QC");
		ck_assert_str_eq(out.entry.status, "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted");
		ck_assert_str_eq(out.legal_id, "QCForESig");
		ck_assert(out.orig == e);
		ck_assert_int_eq(out.entry.asi.n >= 1, 1);
		ck_assert(strstr(out.entry.asi.v[out.entry.asi.n - 1], "ForeSignatures") != NULL);
		for (i = 0; i < out.entry.nquals; i++)
			for (j = 0; j < out.entry.quals[i].qualifiers.n; j++) {
				const char *q = out.entry.quals[i].qualifiers.v[j];
				ck_assert_msg(strstr(q, "zz-trusted-list") == NULL, "unmapped qualifier %s", q);
				has_qscd |= strcmp(q, "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCWithQSCD") == 0;
			}
		ck_assert(has_qscd);
		ck_assert_int_eq(out.cert_mapped, c->cert_mapped);
		/* QcCompliance + ZZ legislation reads as an EU QC; QcType esign */
		ck_assert(out.qc.compliance && out.qc.cc[0] == '\0' && out.qc.esign && out.qc.sscd);
		pol_mapped_free(&out);
	}
	pol_mra_free(m);
	tl_list_free(lotl);
	tl_list_free(zz);
}
END_TEST

START_TEST(test_mra_criteria)
{
	/* the pointed declaration of a policy equivalence selects only the
	 * named legislation */
	pol_equiv eq;
	pol_mra *m = NULL;
	pol_qc az = {1, 1, 0, 0, 0, "AZ"}, ge = {1, 1, 0, 0, 0, "GE"}, none = {1, 1, 0, 0, 0, ""};
	char *ccs[] = {"AZ"};

	memset(&eq, 0, sizeof eq);
	eq.id = "t";
	eq.territory = "AZ";
	eq.enacted = 1;
	eq.start = 0;
	eq.cc_legislation.v = ccs;
	eq.cc_legislation.n = 1;
	ck_assert(pol_mra_from_equiv(&eq, &m) == VN_OK);
	ck_assert(pol_crit_match(&m->equivs[0].periods[0].refs[0].pointed, &az));
	ck_assert(!pol_crit_match(&m->equivs[0].periods[0].refs[0].pointed, &ge));
	ck_assert(!pol_crit_match(&m->equivs[0].periods[0].refs[0].pointed, &none));
	pol_mra_free(m);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("policies");
	TCase *t = tcase_create("loader");
	TCase *c = tcase_create("crypto");
	TCase *m = tcase_create("mra");

	tcase_add_loop_test(t, test_shipped, 0, (int)N(shipped));
	tcase_add_loop_test(t, test_negative, 0, (int)N(negs));
	tcase_add_loop_test(t, test_not_xml, 0, 4);
	tcase_add_loop_test(c, test_crypto_suite, 0, (int)N(algos));
	tcase_add_unchecked_fixture(c, pki_setup, pki_teardown);
	tcase_add_loop_test(c, test_sha1_by_date, 0, (int)N(dates));
	tcase_set_timeout(m, 60);
	tcase_add_loop_test(m, test_mra, 0, (int)N(mras));
	tcase_add_test(m, test_mra_criteria);
	suite_add_tcase(s, t);
	suite_add_tcase(s, c);
	suite_add_tcase(s, m);
	return s;
}

int main(void)
{
	return vn_test_run(suite());
}
