/* Check suite for the public C API (include/valnode/valnode.h). */
#include "tests/unit/vn_test.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "common/vn_b64.h"
#include "valnode/valnode.h"

static EVP_PKEY *key;
static X509 *cert;

static void make_signer(void)
{
	X509_NAME *n = X509_NAME_new();
	X509_EXTENSION *ext;

	key = EVP_EC_gen("P-256");
	cert = X509_new();
	X509_set_version(cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(cert), 42);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)"API Signer", -1, -1, 0);
	X509_set_subject_name(cert, n);
	X509_set_issuer_name(cert, n);
	X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
	X509_set_pubkey(cert, key);
	ext = X509V3_EXT_conf_nid(NULL, NULL, NID_key_usage, "critical,nonRepudiation");
	X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	ck_assert_int_gt(X509_sign(cert, key, EVP_sha256()), 0);
	X509_NAME_free(n);
}

/* A raw Mobile-ID JSON object over SHA-256(doc); tamper flips a byte of the value. */
static char *raw_json(int tamper)
{
	unsigned char h[32], sig[128], *der = NULL;
	size_t siglen = sizeof sig;
	unsigned int hl = 32;
	char *hb = NULL, *sb = NULL, *cb = NULL, *out;
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(key, NULL);
	int dl = i2d_X509(cert, &der);

	EVP_Digest("contract", 8, h, &hl, EVP_sha256(), NULL);
	ck_assert_int_eq(EVP_PKEY_sign_init(pc), 1);
	ck_assert_int_eq(EVP_PKEY_sign(pc, sig, &siglen, h, 32), 1);
	EVP_PKEY_CTX_free(pc);
	if (tamper)
		sig[siglen - 3] ^= 0x40;
	ck_assert_int_eq(vn_b64_encode(h, 32, &hb), VN_OK);
	ck_assert_int_eq(vn_b64_encode(sig, siglen, &sb), VN_OK);
	ck_assert_int_eq(vn_b64_encode(der, (size_t)dl, &cb), VN_OK);
	out = malloc(strlen(hb) + strlen(sb) + strlen(cb) + 256);
	sprintf(out, "{\"raw\":{\"hashAlgorithm\":\"SHA-256\",\"hash\":\"%s\",\"signatureAlgorithm\":"
		     "\"ECDSA\",\"signatureValue\":\"%s\",\"certificate\":\"%s\"}}", hb, sb, cb);
	free(hb);
	free(sb);
	free(cb);
	OPENSSL_free(der);
	return out;
}

START_TEST(test_api_roundtrip)
{
	vn_node *node = NULL;
	vn_result *r = NULL;
	char err[256], *json, *j;
	unsigned char *der = NULL;
	int dl;

	make_signer();
	ck_assert_int_eq(vn_node_open(NULL, &node, err, sizeof err), 0);
	vn_node_set_offline(node, 1);
	dl = i2d_X509(cert, &der);
	ck_assert_int_eq(vn_node_add_anchor(node, der, (size_t)dl), 0);
	ck_assert_int_eq(vn_node_add_anchor(node, (const unsigned char *)"junk", 4), -1);

	/* good value, directly trusted signer, no revocation source offline:
	 * never PASSED without revocation status */
	json = raw_json(0);
	ck_assert_int_eq(vn_validate(node, (unsigned char *)json, strlen(json), NULL, 0, VN_NOW, &r,
				     err, sizeof err), 0);
	ck_assert_str_eq(vn_result_indication(r), "INDETERMINATE");
	ck_assert_str_eq(vn_result_subindication(r), "TRY_LATER");
	ck_assert_uint_eq(vn_result_count(r), 1);
	j = vn_result_json(r);
	ck_assert_ptr_nonnull(strstr(j, "\"indication\":\"INDETERMINATE\""));
	vn_free(j);
	vn_result_free(r);
	free(json);

	/* a tampered value is a verdict, not an error */
	json = raw_json(1);
	ck_assert_int_eq(vn_validate(node, (unsigned char *)json, strlen(json), NULL, 0, VN_NOW, &r,
				     err, sizeof err), 0);
	ck_assert_str_eq(vn_result_indication(r), "TOTAL-FAILED");
	ck_assert_str_eq(vn_result_subindication(r), "SIG_CRYPTO_FAILURE");
	ck_assert_str_eq(vn_result_qualification(r), "NotAdES");
	vn_result_free(r);
	free(json);

	/* a jurisdiction policy: named in the report, and its rules apply (ee
	 * requires a timestamp or time-mark); an unknown one is an error */
	ck_assert_int_eq(vn_node_set_policy(node, "ee", err, sizeof err), 0);
	json = raw_json(0);
	ck_assert_int_eq(vn_validate(node, (unsigned char *)json, strlen(json), NULL, 0, VN_NOW, &r,
				     err, sizeof err), 0);
	j = vn_result_json(r);
	ck_assert_ptr_nonnull(strstr(j, "\"policy\":{\"id\":\"ee\""));
	ck_assert_str_eq(vn_result_subindication(r), "SIG_CONSTRAINTS_FAILURE");
	ck_assert_ptr_nonnull(strstr(j, "V_TIMESTAMP_REQUIRED"));
	vn_free(j);
	vn_result_free(r);
	free(json);
	ck_assert_int_eq(vn_node_set_policy(node, "no-such-policy", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "no-such-policy"));
	ck_assert_int_eq(vn_node_set_policy(node, "default", err, sizeof err), 0);

	/* not a signature: an error with a message */
	r = (vn_result *)1;
	ck_assert_int_eq(vn_validate(node, (const unsigned char *)"hello", 5, NULL, 0, VN_NOW, &r, err,
				     sizeof err), -1);
	ck_assert_ptr_null(r);
	ck_assert_ptr_nonnull(strstr(err, "not a signature"));
	/* a missing configuration file: an error */
	vn_node_free(node);
	node = NULL;
	ck_assert_int_eq(vn_node_open("/nonexistent/valnode.conf", &node, err, sizeof err), -1);
	ck_assert_ptr_null(node);
	vn_node_free(NULL);
	vn_result_free(NULL);
	OPENSSL_free(der);
	X509_free(cert);
	EVP_PKEY_free(key);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_api_roundtrip);
	suite_add_tcase(s, tc);
	return vn_test_run(s);
}
