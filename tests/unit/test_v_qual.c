/* Check suite for QC statements and qualification (STANDARDS.md 7): crafted
 * certificates made here with OpenSSL, crafted trusted lists parsed and
 * snapshotted, the DSS decisions one rule at a time. */
#include "tests/unit/vn_test.h"

#include <openssl/x509v3.h>

#include "node/v_qual.h"
#include "node/v_qual_int.h"
#include "tests/unit/v_test_tl.h"

#define T2010 ((vn_time)1262304000)	/* 2010-01-01 */
#define T2012 ((vn_time)1325376000)
#define T2013 ((vn_time)1356998400)
#define T2018 ((vn_time)1514764800)
#define T2020 ((vn_time)1577836800)	/* the leaf's notBefore */
#define T2020B ((vn_time)1590969600)	/* 2020-06-01 */
#define T2021 ((vn_time)1609459200)	/* signing */

#define QCP_N_QSCD "0.4.0.194112.1.2"
#define QCP_N "0.4.0.194112.1.0"

#define QE(q, crit) "<ecc:QualificationElement><ecc:Qualifiers><ecc:Qualifier uri='" \
	VT_SVCINFOEXT q "'/></ecc:Qualifiers>" crit "</ecc:QualificationElement>"
#define QE2(q1, q2, crit) "<ecc:QualificationElement><ecc:Qualifiers><ecc:Qualifier uri='" \
	VT_SVCINFOEXT q1 "'/><ecc:Qualifier uri='" VT_SVCINFOEXT q2 "'/></ecc:Qualifiers>" \
	crit "</ecc:QualificationElement>"
#define CRIT(a, body) "<ecc:CriteriaList assert='" a "'>" body "</ecc:CriteriaList>"
#define ALWAYS CRIT("all", "")
#define POL(oid) "<ecc:PolicySet><ecc:PolicyIdentifier><xades:Identifier>" oid \
	"</xades:Identifier></ecc:PolicyIdentifier></ecc:PolicySet>"
#define POL2(a, b) "<ecc:PolicySet><ecc:PolicyIdentifier><xades:Identifier>" a \
	"</xades:Identifier></ecc:PolicyIdentifier><ecc:PolicyIdentifier><xades:Identifier>" b \
	"</xades:Identifier></ecc:PolicyIdentifier></ecc:PolicySet>"
#define KU(name, v) "<ecc:KeyUsage><ecc:KeyUsageBit name='" name "'>" v "</ecc:KeyUsageBit></ecc:KeyUsage>"

static EVP_PKEY *ca_key;
static X509 *ca_cert;

static void add_ext(X509 *x, int nid, const char *v)
{
	X509V3_CTX c;
	X509_EXTENSION *e;

	X509V3_set_ctx(&c, ca_cert != NULL ? ca_cert : x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &c, nid, v);
	ck_assert_ptr_nonnull(e);
	ck_assert(X509_add_ext(x, e, -1));
	X509_EXTENSION_free(e);
}

static X509 *make_cert(const char *cn, EVP_PKEY *k, vn_time nb, int ca)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();

	ck_assert_ptr_nonnull(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), ca ? 1 : 2);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, ca ? n : X509_get_subject_name(ca_cert));
	X509_NAME_free(n);
	ASN1_TIME_set(X509_getm_notBefore(x), (time_t)nb);
	ASN1_TIME_set(X509_getm_notAfter(x), (time_t)(nb + 20LL * 365 * 86400));
	X509_set_pubkey(x, k);
	return x;
}

static void make_ca(void)
{
	if (ca_cert != NULL)
		return;
	ca_key = EVP_EC_gen("P-256");
	ck_assert_ptr_nonnull(ca_key);
	ca_cert = make_cert("Test QCA", ca_key, T2010, 1);
	add_ext(ca_cert, NID_basic_constraints, "critical,CA:TRUE");
	add_ext(ca_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
	add_ext(ca_cert, NID_subject_key_identifier, "hash");
	ck_assert(X509_sign(ca_cert, ca_key, EVP_sha256()) > 0);
}

static void add_policies(X509 *x, const char *list)
{
	CERTIFICATEPOLICIES *cp = sk_POLICYINFO_new_null();
	char buf[256], *tok, *save = NULL;

	snprintf(buf, sizeof buf, "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		POLICYINFO *pi = POLICYINFO_new();
		ck_assert_ptr_nonnull(pi);
		ASN1_OBJECT_free(pi->policyid);
		pi->policyid = OBJ_txt2obj(tok, 1);
		ck_assert_ptr_nonnull(pi->policyid);
		sk_POLICYINFO_push(cp, pi);
	}
	ck_assert(X509_add1_ext_i2d(x, NID_certificate_policies, cp, 0, 0) == 1);
	CERTIFICATEPOLICIES_free(cp);
}

/* A leaf with the given QC statements, policies ("a,b") and key usage. */
static X509 *make_leaf(const v_qcs_spec *qs, const char *pols, const char *ku, vn_time nb)
{
	X509 *x = make_cert("Leaf", ca_key, nb, 0);
	unsigned char *der = NULL;
	size_t n = 0;

	if (qs != NULL && (qs->compliance || qs->sscd || qs->esign || qs->eseal || qs->web ||
			   qs->cc_legislation != NULL || qs->bad_qctype)) {
		ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
		X509_EXTENSION *e;
		ck_assert_int_eq(v_qcs_encode(qs, &der, &n), VN_OK);
		ck_assert(ASN1_OCTET_STRING_set(os, der, (int)n));
		e = X509_EXTENSION_create_by_NID(NULL, NID_qcStatements, 0, os);
		ck_assert_ptr_nonnull(e);
		ck_assert(X509_add_ext(x, e, -1));
		X509_EXTENSION_free(e);
		ASN1_OCTET_STRING_free(os);
		OPENSSL_free(der);
	}
	if (pols != NULL)
		add_policies(x, pols);
	if (ku != NULL)
		add_ext(x, NID_key_usage, ku);
	ck_assert(X509_sign(x, ca_key, EVP_sha256()) > 0);
	return x;
}

typedef struct svc_spec {
	const char *type, *status;
	vn_time start;
	const char *asi;		/* after SvcInfoExt/, NULL none */
	const char *quals;		/* QualificationElement*, NULL none */
	const char *hist_status;	/* NULL: no history */
	vn_time hist_start;
} svc_spec;

static void ext_of(char *buf, size_t n, const svc_spec *s)
{
	snprintf(buf, n, "%s%s%s%s%s%s", s->asi ? "<tsl:Extension Critical='true'><tsl:AdditionalServiceInformation><tsl:URI xml:lang='en'>" VT_SVCINFOEXT : "",
		 s->asi ? s->asi : "",
		 s->asi ? "</tsl:URI></tsl:AdditionalServiceInformation></tsl:Extension>" : "",
		 s->quals ? "<tsl:Extension Critical='true'><ecc:Qualifications>" : "",
		 s->quals ? s->quals : "", s->quals ? "</ecc:Qualifications></tsl:Extension>" : "");
}

static tl_snapshot *snapshot_of(const svc_spec *svcs, size_t nsvc)
{
	static char xml[65536];
	char ext[8192];
	size_t i;
	tl_snapshot *s;

	xml[0] = '\0';
	for (i = 0; i < nsvc; i++) {
		ext_of(ext, sizeof ext, &svcs[i]);
		strcat(xml, "<tsl:TSPService><tsl:ServiceInformation>");
		vt_entry(xml, sizeof xml, ca_cert, svcs[i].type, svcs[i].status, svcs[i].start, ext);
		strcat(xml, "</tsl:ServiceInformation>");
		if (svcs[i].hist_status != NULL) {
			strcat(xml, "<tsl:ServiceHistory><tsl:ServiceHistoryInstance>");
			vt_entry(xml, sizeof xml, ca_cert, svcs[i].type, svcs[i].hist_status,
				 svcs[i].hist_start, ext);
			strcat(xml, "</tsl:ServiceHistoryInstance></tsl:ServiceHistory>");
		}
		strcat(xml, "</tsl:TSPService>");
	}
	s = vt_snapshot(xml);
	return s;
}

typedef struct qcase {
	const char *name;
	v_qcs_spec qcs;
	const char *pols, *ku;
	vn_time nb;
	svc_spec svc[2];
	size_t nsvc;
	vn_time at;
	v_cert_qual want;
} qcase;

#define QES_CERT {1, 1, 1, 0, 0, 0, NULL, 0}
#define GRANTED(asi, q) {"CA/QC", "granted", T2018, asi, q, NULL, 0}
#define NR "critical,nonRepudiation"

static const qcase qcases[] = {
	{"QESig", QES_CERT, QCP_N_QSCD, NR, T2020,
	 {GRANTED("ForeSignatures", QE("QCWithQSCD", CRIT("atLeastOne", POL(QCP_N_QSCD))))}, 1,
	 T2021, V_CQ_QC_ESIG_QSCD},
	{"QC without QSCD (QCNoQSCD)", QES_CERT, NULL, NR, T2020,
	 {GRANTED("ForeSignatures", QE("QCNoQSCD", ALWAYS))}, 1, T2021, V_CQ_QC_ESIG},
	{"QSCD as in cert, cert says no", {1, 0, 1, 0, 0, 0, NULL, 0}, NULL, NR, T2020,
	 {GRANTED("ForeSignatures", QE("QCQSCDStatusAsInCert", ALWAYS))}, 1, T2021, V_CQ_QC_ESIG},
	{"not QC: no QcCompliance", {0, 0, 1, 0, 0, 0, NULL, 0}, NULL, NR, T2020,
	 {GRANTED("ForeSignatures", NULL)}, 1, T2021, V_CQ_CERT_ESIG},
	{"no service", QES_CERT, NULL, NR, T2020, {{NULL}}, 0, T2021, V_CQ_CERT_ESIG},
	{"withdrawn at signing time", QES_CERT, NULL, NR, T2020,
	 {{"CA/QC", "withdrawn", T2020B, "ForeSignatures", QE("QCWithQSCD", ALWAYS), "granted", T2018}},
	 1, T2021, V_CQ_CERT_ESIG},
	{"granted at issuance (history)", QES_CERT, NULL, NR, T2020,
	 {{"CA/QC", "withdrawn", T2020B, "ForeSignatures", QE("QCWithQSCD", ALWAYS), "granted", T2018}},
	 1, T2020, V_CQ_QC_ESIG_QSCD},
	{"NotQualified overrides", QES_CERT, NULL, NR, T2020,
	 {GRANTED("ForeSignatures", QE("NotQualified", ALWAYS))}, 1, T2021, V_CQ_CERT_ESIG},
	{"QCStatement makes a non-QC QC", {0, 0, 1, 0, 0, 0, NULL, 0}, QCP_N, NR, T2020,
	 {GRANTED("ForeSignatures", QE("QCStatement", CRIT("atLeastOne", POL(QCP_N))))}, 1, T2021,
	 V_CQ_QC_ESIG},
	{"QCStatement not captured", {0, 0, 1, 0, 0, 0, NULL, 0}, QCP_N_QSCD, NR, T2020,
	 {GRANTED("ForeSignatures", QE("QCStatement", CRIT("atLeastOne", POL(QCP_N))))}, 1, T2021,
	 V_CQ_CERT_ESIG},
	{"assert none: bit present, not captured", QES_CERT, NULL, NR, T2020,
	 {GRANTED("ForeSignatures", QE("NotQualified", CRIT("none", KU("nonRepudiation", "true"))))},
	 1, T2021, V_CQ_QC_ESIG_QSCD},
	{"assert none: bit absent, captured", QES_CERT, NULL, "critical,digitalSignature", T2020,
	 {GRANTED("ForeSignatures", QE("NotQualified", CRIT("none", KU("nonRepudiation", "true"))))},
	 1, T2021, V_CQ_CERT_ESIG},
	{"assert all: policy and key usage", {1, 0, 1, 0, 0, 0, NULL, 0}, QCP_N_QSCD, NR, T2020,
	 {GRANTED("ForeSignatures",
		  QE("QCWithQSCD", CRIT("all", KU("nonRepudiation", "true") POL(QCP_N_QSCD))))},
	 1, T2021, V_CQ_QC_ESIG_QSCD},
	{"assert all: policy missing", {1, 0, 1, 0, 0, 0, NULL, 0}, QCP_N, NR, T2020,
	 {GRANTED("ForeSignatures",
		  QE("QCWithQSCD", CRIT("all", KU("nonRepudiation", "true") POL(QCP_N_QSCD))))},
	 1, T2021, V_CQ_QC_ESIG},
	{"assert all: key usage bit false required", {1, 0, 1, 0, 0, 0, NULL, 0}, QCP_N_QSCD, NR,
	 T2020,
	 {GRANTED("ForeSignatures",
		  QE("QCWithQSCD", CRIT("all", KU("nonRepudiation", "false") POL(QCP_N_QSCD))))},
	 1, T2021, V_CQ_QC_ESIG},
	{"atLeastOne: none present", {1, 0, 1, 0, 0, 0, NULL, 0}, QCP_N, NR, T2020,
	 {GRANTED("ForeSignatures",
		  QE("QCWithQSCD", CRIT("atLeastOne", POL("1.2.3.4") POL(QCP_N_QSCD))))},
	 1, T2021, V_CQ_QC_ESIG},
	{"atLeastOne: one present", {1, 0, 1, 0, 0, 0, NULL, 0}, QCP_N, NR, T2020,
	 {GRANTED("ForeSignatures", QE("QCWithQSCD", CRIT("atLeastOne", POL("1.2.3.4") POL(QCP_N))))},
	 1, T2021, V_CQ_QC_ESIG_QSCD},
	{"PolicySet needs every OID", {1, 0, 1, 0, 0, 0, NULL, 0}, QCP_N, NR, T2020,
	 {GRANTED("ForeSignatures", QE("QCWithQSCD", CRIT("atLeastOne", POL2(QCP_N, "1.2.3.4"))))},
	 1, T2021, V_CQ_QC_ESIG},
	{"PolicySet with every OID", {1, 0, 1, 0, 0, 0, NULL, 0}, QCP_N ",1.2.3.4", NR, T2020,
	 {GRANTED("ForeSignatures", QE("QCWithQSCD", CRIT("atLeastOne", POL2(QCP_N, "1.2.3.4"))))},
	 1, T2021, V_CQ_QC_ESIG_QSCD},
	{"nested criteria", {1, 0, 1, 0, 0, 0, NULL, 0}, QCP_N, NR, T2020,
	 {GRANTED("ForeSignatures",
		  QE("QCWithQSCD", CRIT("all", KU("nonRepudiation", "true")
					   CRIT("atLeastOne", POL("1.2.3.4") POL(QCP_N)))))},
	 1, T2021, V_CQ_QC_ESIG_QSCD},
	{"unknown criteria do not match", {1, 0, 1, 0, 0, 0, NULL, 0}, QCP_N, NR, T2020,
	 {GRANTED("ForeSignatures",
		  QE("QCWithQSCD", CRIT("atLeastOne", POL(QCP_N)
			"<ecc:otherCriteriaList><z:x xmlns:z='urn:x'/></ecc:otherCriteriaList>")))},
	 1, T2021, V_CQ_QC_ESIG},
	{"QcCClegislation: not an EU QC", {1, 1, 1, 0, 0, 0, "US", 0}, NULL, NR, T2020,
	 {GRANTED("ForeSignatures", QE("QCWithQSCD", ALWAYS))}, 1, T2021, V_CQ_CERT_ESIG},
	{"QcCClegislation + QCStatement qualifier: QC (DSS)", {1, 1, 1, 0, 0, 0, "US", 0}, NULL, NR,
	 T2020, {GRANTED("ForeSignatures", QE2("QCStatement", "QCWithQSCD", ALWAYS))}, 1, T2021,
	 V_CQ_QC_ESIG_QSCD},
	{"conflicting services: N/A", QES_CERT, NULL, NR, T2020,
	 {GRANTED("ForeSignatures", QE("QCWithQSCD", ALWAYS)),
	  GRANTED("ForeSignatures", QE("QCNoQSCD", ALWAYS))},
	 2, T2021, V_CQ_NA},
	{"agreeing services", QES_CERT, NULL, NR, T2020,
	 {GRANTED("ForeSignatures", QE("QCWithQSCD", ALWAYS)),
	  GRANTED("ForeSignatures", QE("QCWithQSCD", ALWAYS))},
	 2, T2021, V_CQ_QC_ESIG_QSCD},
	{"QESeal", {1, 1, 0, 1, 0, 0, NULL, 0}, NULL, NR, T2020,
	 {GRANTED("ForeSeals", QE("QCWithQSCD", ALWAYS))}, 1, T2021, V_CQ_QC_ESEAL_QSCD},
	{"eseal QC without QSCD", {1, 0, 0, 1, 0, 0, NULL, 0}, NULL, NR, T2020,
	 {GRANTED("ForeSeals", NULL)}, 1, T2021, V_CQ_QC_ESEAL},
	{"eseal cert, WSA-only service: filtered out", {1, 1, 0, 1, 0, 0, NULL, 0}, NULL, NR, T2020,
	 {GRANTED("ForWebSiteAuthentication", QE("QCWithQSCD", ALWAYS))}, 1, T2021, V_CQ_CERT_ESEAL},
	/* DSS ServiceByCertificateTypeFilter: QcCompliance without QCFor* counts
	 * as QCForESig, which overrules an eSig-only ASI for an eseal cert */
	{"eseal cert, eSig-only service (DSS overrule)", {1, 1, 0, 1, 0, 0, NULL, 0}, NULL, NR, T2020,
	 {GRANTED("ForeSignatures", QE("QCWithQSCD", ALWAYS))}, 1, T2021, V_CQ_QC_ESEAL_QSCD},
	{"eseal cert, eSig-only service, QCForESeal: filtered", {1, 1, 0, 1, 0, 0, NULL, 0}, NULL, NR,
	 T2020, {GRANTED("ForeSignatures", QE2("QCWithQSCD", "QCForESeal", ALWAYS))}, 1, T2021,
	 V_CQ_CERT_ESEAL},
	{"eseal cert overruled to eSig", {1, 1, 0, 1, 0, 0, NULL, 0}, NULL, NR, T2020,
	 {GRANTED("ForeSignatures", QE2("QCWithQSCD", "QCForESig", ALWAYS))}, 1, T2021,
	 V_CQ_QC_ESIG_QSCD},
	{"QCForLegalPerson vs ForeSignatures", QES_CERT, NULL, NR, T2020,
	 {GRANTED("ForeSignatures", QE2("QCWithQSCD", "QCForLegalPerson", ALWAYS))}, 1, T2021,
	 V_CQ_CERT_ESIG},
	{"WSA", {1, 0, 0, 0, 1, 0, NULL, 0}, NULL, NULL, T2020,
	 {GRANTED("ForWebSiteAuthentication", NULL)}, 1, T2021, V_CQ_QC_WSA},
	{"two QcTypes: unknown", {1, 1, 1, 1, 0, 0, NULL, 0}, NULL, NR, T2020,
	 {GRANTED("ForeSignatures", QE("QCWithQSCD", ALWAYS))}, 1, T2021, V_CQ_QC_UNKNOWN_QSCD},
	{"CA/PKC only: not QC", QES_CERT, NULL, NR, T2020,
	 {{"CA/PKC", "granted", T2018, "ForeSignatures", QE("QCWithQSCD", ALWAYS), NULL, 0}}, 1,
	 T2021, V_CQ_CERT_ESIG},
	{"pre-eIDAS QCP+ under supervision", {1, 0, 0, 0, 0, 0, NULL, 0}, "0.4.0.1456.1.1", NR,
	 T2012, {{"CA/QC", "undersupervision", T2010, NULL, NULL, NULL, 0}}, 1, T2013,
	 V_CQ_QC_ESIG_QSCD},
	{"pre-eIDAS QCP, QCNoSSCD", {0, 0, 0, 0, 0, 0, NULL, 0}, "0.4.0.1456.1.2", NR, T2012,
	 {{"CA/QC", "accredited", T2010, NULL, QE("QCNoSSCD", ALWAYS), NULL, 0}}, 1, T2013,
	 V_CQ_QC_ESIG},
	{"pre-eIDAS interval with 'granted': inconsistent", {1, 0, 0, 0, 0, 0, NULL, 0},
	 "0.4.0.1456.1.1", NR, T2012, {{"CA/QC", "granted", T2010, NULL, NULL, NULL, 0}}, 1, T2013,
	 V_CQ_CERT_UNKNOWN},
};

START_TEST(test_cert_qualify)
{
	const qcase *c = &qcases[_i];
	tl_snapshot *s = NULL;
	tl_snap_match m[8];
	size_t nm = 0;
	X509 *leaf;
	v_qcs q;
	vn_findings f;
	v_cert_qual got;

	make_ca();
	vn_findings_init(&f);
	leaf = make_leaf(&c->qcs, c->pols, c->ku, c->nb);
	ck_assert_int_eq(v_qcs_parse(leaf, &q, &f), VN_OK);
	if (c->nsvc > 0) {
		s = snapshot_of(c->svc, c->nsvc);
		nm = tl_snapshot_find(s, ca_cert, c->at, m, 8);
		ck_assert_uint_ge(nm, 1);
	}
	got = v_cert_qualify(leaf, &q, m, nm < 8 ? nm : 8, c->at, &f);
	ck_assert_msg(got == c->want, "%s: got %s, want %s", c->name, v_cert_qual_name(got),
		      v_cert_qual_name(c->want));
	if (c->want == V_CQ_NA)
		ck_assert(vn_findings_has(&f, "V_QUAL_CONFLICT"));
	X509_free(leaf);
	tl_snapshot_unref(s);
	vn_findings_free(&f);
}
END_TEST

/* What qualification reads of a certificate is memoised beside it
 * (qual_facts in v_qual.c); the judgements are not: the same certificate
 * object under another list, at another time, and other certificates asked
 * in between each get their own answer, and a malformed extension is
 * reported at every ask. */
START_TEST(test_qual_memo)
{
	static const svc_spec qscd[] = {GRANTED("ForeSignatures", QE("QCWithQSCD", CRIT("atLeastOne", POL(QCP_N_QSCD))))};
	static const svc_spec noqscd[] = {GRANTED("ForeSignatures", QE("QCNoQSCD", ALWAYS))};
	v_qcs_spec qes = QES_CERT, nosscd = {1, 0, 1, 0, 0, 0, NULL, 0},
		   comp = {1, 0, 0, 0, 0, 0, NULL, 0}, bad = {1, 0, 0, 0, 0, 0, NULL, 1};
	tl_snapshot *sa, *sb;
	tl_snap_match ma[8], mb[8];
	size_t na, nb, i;
	X509 *leaf, *other, *pre, *post, *malformed;
	v_qcs q, qo, qx;
	vn_findings f;
	tl_criteria crit;
	int round;

	make_ca();
	vn_findings_init(&f);
	sa = snapshot_of(qscd, 1);
	sb = snapshot_of(noqscd, 1);
	na = tl_snapshot_find(sa, ca_cert, T2021, ma, 8);
	nb = tl_snapshot_find(sb, ca_cert, T2021, mb, 8);
	ck_assert_uint_eq(na, 1);
	ck_assert_uint_eq(nb, 1);
	leaf = make_leaf(&qes, QCP_N_QSCD, NR, T2020);
	other = make_leaf(&nosscd, QCP_N, NR, T2020);	/* the criteria's policy is not its */
	pre = make_leaf(&comp, NULL, NR, T2012);
	post = make_leaf(&comp, NULL, NR, T2020);
	malformed = make_leaf(&bad, NULL, NR, T2020);
	ck_assert_int_eq(v_qcs_parse(leaf, &q, NULL), VN_OK);
	ck_assert_int_eq(v_qcs_parse(other, &qo, NULL), VN_OK);
	ck_assert(q.policy_qcp_n_qscd && !qo.policy_qcp_n_qscd && qo.policy_qcp_n);
	for (round = 0; round < 2; round++) {
		/* the list decides: QSCD under one, not under the other */
		ck_assert_int_eq(v_cert_qualify(leaf, &q, ma, na, T2021, NULL), V_CQ_QC_ESIG_QSCD);
		ck_assert_int_eq(v_cert_qualify(leaf, &q, mb, nb, T2021, NULL), V_CQ_QC_ESIG);
		/* before the service's interval nothing vouches */
		ck_assert_int_eq(v_cert_qualify(leaf, &q, ma, na, T2013, NULL), V_CQ_CERT_ESIG);
		/* another certificate: the criteria do not select it */
		ck_assert_int_eq(v_cert_qualify(other, &qo, ma, na, T2021, NULL), V_CQ_QC_ESIG);
		for (i = 0; i < ma[0].entry->nquals; i++) {
			crit = ma[0].entry->quals[i].criteria;
			ck_assert_int_eq(v_criteria_match(leaf, &crit), 1);
			ck_assert_int_eq(v_criteria_match(other, &crit), 0);
		}
		/* issued before / after the eIDAS date, same statements */
		ck_assert_int_eq(v_qcs_parse(pre, &qx, NULL), VN_OK);
		ck_assert_int_eq(v_cert_qualify(pre, &qx, NULL, 0, T2021, NULL), V_CQ_CERT_UNKNOWN);
		ck_assert_int_eq(v_qcs_parse(post, &qx, NULL), VN_OK);
		ck_assert_int_eq(v_cert_qualify(post, &qx, NULL, 0, T2021, NULL), V_CQ_CERT_ESIG);
		/* the finding comes with every parse */
		ck_assert_int_eq(v_qcs_parse(malformed, &qx, &f), VN_OK);
		ck_assert(!qx.present && !qx.compliance);
		ck_assert_uint_eq(f.n, (size_t)round + 1);
		ck_assert_str_eq(f.items[round].code, "V_QC_MALFORMED");
	}
	X509_free(leaf);
	X509_free(other);
	X509_free(pre);
	X509_free(post);
	X509_free(malformed);
	tl_snapshot_unref(sa);
	tl_snapshot_unref(sb);
	vn_findings_free(&f);
}
END_TEST

START_TEST(test_qcs_parse)
{
	v_qcs_spec sp = {1, 1, 0, 1, 0, 1, "US,CA", 0};
	v_qcs_spec bad = {1, 0, 0, 0, 0, 0, NULL, 1};
	unsigned char *der = NULL;
	static const unsigned char junk[] = {0x30, 0x03, 0x06, 0x01};
	size_t n;
	v_qcs q;
	vn_findings f;
	X509 *x;

	make_ca();
	vn_findings_init(&f);
	ck_assert_int_eq(v_qcs_encode(&sp, &der, &n), VN_OK);
	ck_assert_int_eq(v_qcs_parse_der(der, n, &q, &f), VN_OK);
	ck_assert(q.present && q.compliance && q.sscd && q.type_eseal && !q.type_esign);
	ck_assert_int_eq(q.ntypes, 1);
	ck_assert(q.has_pds);
	ck_assert_str_eq(q.cc_legislation, "US,CA");
	ck_assert_uint_eq(f.n, 0);
	/* trailing garbage */
	ck_assert_int_eq(v_qcs_parse_der(der, n - 1, &q, &f), VN_OK);
	ck_assert(!q.present && !q.compliance);
	OPENSSL_free(der);
	ck_assert(vn_findings_has(&f, "V_QC_MALFORMED"));
	vn_findings_free(&f);
	/* a QcType that is not a SEQUENCE OF OID: all of it counts as absent */
	vn_findings_init(&f);
	ck_assert_int_eq(v_qcs_encode(&bad, &der, &n), VN_OK);
	ck_assert_int_eq(v_qcs_parse_der(der, n, &q, &f), VN_OK);
	ck_assert(!q.present && !q.compliance);
	ck_assert(vn_findings_has(&f, "V_QC_MALFORMED"));
	OPENSSL_free(der);
	ck_assert_int_eq(v_qcs_parse_der(junk, sizeof junk, &q, NULL), VN_OK);
	ck_assert(!q.present);
	vn_findings_free(&f);
	/* from a certificate, with policies */
	x = make_leaf(&sp, QCP_N_QSCD ",0.4.0.1456.1.1", NULL, T2020);
	ck_assert_int_eq(v_qcs_parse(x, &q, NULL), VN_OK);
	ck_assert(q.present && q.compliance && q.policy_qcp_n_qscd && q.policy_pre_qcp_sscd);
	ck_assert(!q.policy_qcp_n && !q.policy_pre_qcp);
	X509_free(x);
	/* no extension at all */
	x = make_leaf(NULL, NULL, NULL, T2020);
	ck_assert_int_eq(v_qcs_parse(x, &q, NULL), VN_OK);
	ck_assert(!q.present);
	X509_free(x);
}
END_TEST

typedef struct scase {
	v_cert_qual iss, sig;
	vn_indication ind;
	v_qual want;
} scase;

static const scase scases[] = {
	{V_CQ_QC_ESIG_QSCD, V_CQ_QC_ESIG_QSCD, VN_IND_TOTAL_PASSED, V_QUAL_QESIG},
	{V_CQ_QC_ESEAL_QSCD, V_CQ_QC_ESEAL_QSCD, VN_IND_TOTAL_PASSED, V_QUAL_QESEAL},
	{V_CQ_QC_ESIG, V_CQ_QC_ESIG, VN_IND_TOTAL_PASSED, V_QUAL_ADESIG_QC},
	{V_CQ_QC_ESEAL, V_CQ_QC_ESEAL, VN_IND_TOTAL_PASSED, V_QUAL_ADESEAL_QC},
	{V_CQ_CERT_ESIG, V_CQ_CERT_ESIG, VN_IND_TOTAL_PASSED, V_QUAL_ADESIG},
	{V_CQ_CERT_ESEAL, V_CQ_CERT_ESEAL, VN_IND_TOTAL_PASSED, V_QUAL_ADESEAL},
	{V_CQ_QC_WSA, V_CQ_QC_WSA, VN_IND_TOTAL_PASSED, V_QUAL_NOT_ADES},
	{V_CQ_CERT_WSA, V_CQ_CERT_WSA, VN_IND_TOTAL_PASSED, V_QUAL_NOT_ADES},
	{V_CQ_QC_UNKNOWN_QSCD, V_CQ_QC_UNKNOWN_QSCD, VN_IND_TOTAL_PASSED, V_QUAL_INDETERMINATE},
	{V_CQ_QC_UNKNOWN, V_CQ_QC_UNKNOWN, VN_IND_TOTAL_PASSED, V_QUAL_INDETERMINATE},
	{V_CQ_CERT_UNKNOWN, V_CQ_CERT_UNKNOWN, VN_IND_TOTAL_PASSED, V_QUAL_ADESIG},
	{V_CQ_NA, V_CQ_QC_ESIG_QSCD, VN_IND_TOTAL_PASSED, V_QUAL_INDETERMINATE},
	{V_CQ_QC_ESIG_QSCD, V_CQ_NA, VN_IND_TOTAL_PASSED, V_QUAL_INDETERMINATE},
	/* QC needs both times */
	{V_CQ_QC_ESIG_QSCD, V_CQ_CERT_ESIG, VN_IND_TOTAL_PASSED, V_QUAL_ADESIG},
	{V_CQ_CERT_ESIG, V_CQ_QC_ESIG_QSCD, VN_IND_TOTAL_PASSED, V_QUAL_ADESIG},
	/* QSCD from the signing time */
	{V_CQ_QC_ESIG, V_CQ_QC_ESIG_QSCD, VN_IND_TOTAL_PASSED, V_QUAL_QESIG},
	{V_CQ_QC_ESIG_QSCD, V_CQ_QC_ESIG, VN_IND_TOTAL_PASSED, V_QUAL_ADESIG_QC},
	/* the type only when both agree */
	{V_CQ_QC_ESEAL_QSCD, V_CQ_QC_ESIG_QSCD, VN_IND_TOTAL_PASSED, V_QUAL_INDETERMINATE},
	{V_CQ_CERT_ESEAL, V_CQ_CERT_ESIG, VN_IND_TOTAL_PASSED, V_QUAL_ADESIG},
	/* the indication */
	{V_CQ_QC_ESIG_QSCD, V_CQ_QC_ESIG_QSCD, VN_IND_INDETERMINATE, V_QUAL_INDETERMINATE},
	{V_CQ_CERT_ESEAL, V_CQ_CERT_ESEAL, VN_IND_INDETERMINATE, V_QUAL_INDETERMINATE},
	{V_CQ_QC_ESIG_QSCD, V_CQ_QC_ESIG_QSCD, VN_IND_TOTAL_FAILED, V_QUAL_NOT_ADES},
	{V_CQ_CERT_ESIG, V_CQ_CERT_ESIG, VN_IND_TOTAL_FAILED, V_QUAL_NOT_ADES},
};

START_TEST(test_sig_qualify)
{
	const scase *c = &scases[_i];
	v_qual got = v_sig_qualify(c->iss, c->sig, c->ind);

	ck_assert_msg(got == c->want, "case %d: got %s, want %s", _i, v_qual_name(got),
		      v_qual_name(c->want));
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(v_cert_qual_name(V_CQ_QC_ESIG_QSCD), "QC for eSig with QSCD");
	ck_assert_str_eq(v_cert_qual_name(V_CQ_CERT_UNKNOWN), "Certificate for unknown type");
	ck_assert_str_eq(v_cert_qual_name(V_CQ_NA), "N/A");
	ck_assert_str_eq(v_cert_qual_name((v_cert_qual)99), "N/A");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("v_qual");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_cert_qualify, 0, (int)(sizeof qcases / sizeof qcases[0]));
	tcase_add_loop_test(tc, test_sig_qualify, 0, (int)(sizeof scases / sizeof scases[0]));
	tcase_add_test(tc, test_qcs_parse);
	tcase_add_test(tc, test_qual_memo);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return vn_test_run(s);
}
