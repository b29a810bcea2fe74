/* Check suite for the validation reports: DESIGN.md's JSON fields and a TS
 * 119 102-2 XML report that validates against the official schema. */
#include "tests/unit/vn_test.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <openssl/sha.h>

#include "node/tl_json.h"
#include "node/v_report.h"

static X509 *make_cert(const char *cn, EVP_PKEY *key, EVP_PKEY *issuer_key, X509 *issuer)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();

	ck_assert_ptr_nonnull(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	ck_assert_int_gt(X509_sign(x, issuer_key, EVP_sha256()), 0);
	X509_NAME_free(n);
	return x;
}

static void fill(v_result *r, vn_indication ind, vn_subind sub, v_qual q)
{
	EVP_PKEY *ka = EVP_EC_gen("P-256"), *ks = EVP_EC_gen("P-256");
	X509 *ca = make_cert("Demo CA", ka, ka, NULL);
	X509 *sg = make_cert("SABINA ALIYEVA", ks, ka, ca);

	v_result_init(r);
	snprintf(r->id, sizeof r->id, "S-1");
	r->indication = ind;
	r->sub = sub;
	r->qualification = q;
	snprintf(r->process, sizeof r->process, "LTVM");
	snprintf(r->format, sizeof r->format, "CAdES-BASELINE-T");
	r->signer = sg;
	r->chain = sk_X509_new_null();
	X509_up_ref(sg);
	sk_X509_push(r->chain, sg);
	sk_X509_push(r->chain, ca);
	r->validation_time = 1798761600;
	r->best_signature_time = 1798700000;
	r->claimed_time = 1798690000;
	r->trusted_by_list = 1;
	snprintf(r->territory, sizeof r->territory, "AZ");
	snprintf(r->scheme, sizeof r->scheme, "guam");
	r->revocation.status = V_REV_REVOKED;
	r->revocation.revocation_time = 1798600000;
	(void)vn_findings_add(&r->findings, VN_LEVEL_ERROR, "V_REVOKED_NO_POE", "revoked");
	EVP_PKEY_free(ka);
	EVP_PKEY_free(ks);
}

START_TEST(test_json)
{
	v_result r;
	v_policy p;
	json_t *j;

	fill(&r, VN_IND_INDETERMINATE, VN_SUB_REVOKED_NO_POE, V_QUAL_INDETERMINATE);
	v_policy_default(&p);
	j = v_result_json(&r, &p);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string_value(json_object_get(j, "indication")), "INDETERMINATE");
	ck_assert_str_eq(json_string_value(json_object_get(j, "subIndication")), "REVOKED_NO_POE");
	ck_assert_str_eq(json_string_value(json_object_get(j, "qualification")), "Indeterminate");
	ck_assert_str_eq(json_string_value(json_object_get(j, "signingTime")), "2026-12-31T04:06:40Z");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "trust"), "territory")), "AZ");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "policy"), "id")), "default");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "signer"), "commonName")),
			 "SABINA ALIYEVA");
	ck_assert_int_eq(json_array_size(json_object_get(j, "chain")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(j, "findings"), 0),
							   "code")), "V_REVOKED_NO_POE");
	json_decref(j);
	v_result_free(&r);
}
END_TEST

/* A certificate's report text is rendered once and kept beside it
 * (tl_json.c cert_text): two certificates asked in turn each get their own
 * names, serial, fingerprint and validity, equal to a fresh rendering, in
 * the report's key order; the signer alone carries commonName. */
static void expect_cert(json_t *j, X509 *x, int with_cn)
{
	unsigned char *der = NULL, md[32];
	char hex[65], sn[128];
	BIO *b = BIO_new(BIO_s_mem());
	char *p = NULL;
	long len;
	int n = i2d_X509(x, &der), i;
	const char *key;
	json_t *v;
	static const char *const order[] = {"subject", "issuer", "serial", "sha256", "notBefore",
					    "notAfter", "commonName"};
	size_t k = 0;

	ck_assert_ptr_nonnull(j);
	ck_assert_int_gt(n, 0);
	ck_assert_ptr_nonnull(SHA256(der, (size_t)n, md));
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	ck_assert_str_eq(json_string_value(json_object_get(j, "sha256")), hex);
	ck_assert_int_ge(X509_NAME_print_ex(b, X509_get_subject_name(x), 0,
					    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB), 0);
	len = BIO_get_mem_data(b, &p);
	ck_assert_int_gt(len, 0);
	ck_assert_uint_eq(json_string_length(json_object_get(j, "subject")), (size_t)len);
	ck_assert_mem_eq(json_string_value(json_object_get(j, "subject")), p, (size_t)len);
	/* BN_bn2hex: whole bytes, upper case */
	snprintf(sn, sizeof sn, "%lX", ASN1_INTEGER_get(X509_get0_serialNumber(x)));
	if (strlen(sn) % 2 != 0) {
		memmove(sn + 1, sn, strlen(sn) + 1);
		sn[0] = '0';
	}
	ck_assert_str_eq(json_string_value(json_object_get(j, "serial")), sn);
	json_object_foreach(j, key, v) {
		ck_assert_uint_lt(k, 7);
		ck_assert_str_eq(key, order[k]);
		k++;
	}
	ck_assert_uint_eq(k, with_cn ? 7 : 6);
	BIO_free(b);
	OPENSSL_free(der);
}

START_TEST(test_cert_json_memo)
{
	EVP_PKEY *ka = EVP_EC_gen("P-256"), *kb = EVP_EC_gen("P-256");
	X509 *a = make_cert("Alpha CA", ka, ka, NULL), *b = make_cert("Beta Signer", kb, ka, a);
	json_t *j;
	int round;

	ASN1_INTEGER_set(X509_get_serialNumber(b), 0x1234);
	ck_assert_int_gt(X509_sign(b, ka, EVP_sha256()), 0);
	for (round = 0; round < 2; round++) {
		j = vn_json_cert(a);
		expect_cert(j, a, 0);
		ck_assert_str_eq(json_string_value(json_object_get(j, "subject")), "CN=Alpha CA");
		json_decref(j);
		j = vn_json_signer(b);
		expect_cert(j, b, 1);
		ck_assert_str_eq(json_string_value(json_object_get(j, "commonName")), "Beta Signer");
		ck_assert_str_eq(json_string_value(json_object_get(j, "issuer")), "CN=Alpha CA");
		json_decref(j);
		j = vn_json_cert(b);	/* the same memo, without commonName */
		expect_cert(j, b, 0);
		json_decref(j);
	}
	ck_assert(json_is_null(vn_json_cert(NULL)));
	X509_free(a);
	X509_free(b);
	EVP_PKEY_free(ka);
	EVP_PKEY_free(kb);
}
END_TEST

static int xsd_valid(const unsigned char *xml, size_t len)
{
	char path[] = "/tmp/vn-vr-XXXXXX", cmd[2048];
	int fd = mkstemp(path), rc;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, xml, len), (ssize_t)len);
	close(fd);
	snprintf(cmd, sizeof cmd,
		 "XML_CATALOG_FILES=%s/../shared/xsd/catalog.xml xmllint --noout --nonet --schema "
		 "%s/../shared/xsd/1910202xmlSchema.xsd %s 2>/tmp/vn-vr.err",
		 vn_test_srcdir(), vn_test_srcdir(), path);
	rc = system(cmd);
	unlink(path);
	return rc == 0;
}

static const struct xml_case {
	vn_indication ind;
	vn_subind sub;
	v_qual q;
	const char *want;
} xml_cases[] = {
	{VN_IND_INDETERMINATE, VN_SUB_REVOKED_NO_POE, V_QUAL_INDETERMINATE,
	 "urn:etsi:019102:subindication:REVOKED_NO_POE"},
	{VN_IND_TOTAL_PASSED, VN_SUB_NONE, V_QUAL_QESIG, "urn:cef:dss:signatureQualification:QESig"},
	{VN_IND_TOTAL_FAILED, VN_SUB_HASH_FAILURE, V_QUAL_NOT_ADES, "urn:etsi:019102:mainindication:total-failed"},
};

START_TEST(test_xml_schema_valid)
{
	char p[1024];
	v_result r[2];
	v_policy pol;
	unsigned char *xml = NULL;
	size_t len = 0;

	VN_SKIP_NO_CORPUS(vn_test_corpus("../xsd/1910202xmlSchema.xsd", p, sizeof p), "../xsd");
	fill(&r[0], xml_cases[_i].ind, xml_cases[_i].sub, xml_cases[_i].q);
	fill(&r[1], VN_IND_TOTAL_PASSED, VN_SUB_NONE, V_QUAL_ADESIG);
	snprintf(r[1].id, sizeof r[1].id, "S-2");
	v_policy_default(&pol);
	ck_assert_int_eq(v_result_xml(r, 2, &pol, &xml, &len), VN_OK);
	ck_assert_ptr_nonnull(strstr((char *)xml, xml_cases[_i].want));
	ck_assert_ptr_nonnull(strstr((char *)xml, "urn:etsi:019102:validationprocess:LTVM"));
	ck_assert_msg(xsd_valid(xml, len), "report is not valid against 1910202xmlSchema.xsd:\n%s", xml);
	xmlFree(xml);
	v_result_free(&r[0]);
	v_result_free(&r[1]);
}
END_TEST

START_TEST(test_xml_schema_negative)
{
	char p[1024];
	const char *bad = "<vr:ValidationReport xmlns:vr='http://uri.etsi.org/19102/v1.4.1#'>"
			  "<vr:SignatureValidationReport/></vr:ValidationReport>";

	VN_SKIP_NO_CORPUS(vn_test_corpus("../xsd/1910202xmlSchema.xsd", p, sizeof p), "../xsd");
	/* the checker itself refuses a report without SignatureValidationStatus */
	ck_assert(!xsd_valid((const unsigned char *)bad, strlen(bad)));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("v_report");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_cert_json_memo);
	tcase_add_loop_test(tc, test_xml_schema_valid, 0, (int)(sizeof xml_cases / sizeof xml_cases[0]));
	tcase_add_test(tc, test_xml_schema_negative);
	suite_add_tcase(s, tc);
	return vn_test_run(s);
}
