/* Signed responses (node/srv_sig.c): RFC 9530 Content-Digest, the RFC 9421
 * signature base against the RFC's own Ed25519 vector, signing and checking
 * a whole response, the node key file, public key parsing. */
#include <sodium.h>
#include <sys/stat.h>

#include "vn_test.h"

#include "common/vn_b64.h"
#include "node/srv_sig.h"

/* RFC 9421 B.1.4 test-key-ed25519 (PKCS#8 and SPKI, PEM bodies). */
static const char rfc_priv_b64[] = "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF";
static const char rfc_pub_pem[] = "-----BEGIN PUBLIC KEY-----\n"
				  "MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n"
				  "-----END PUBLIC KEY-----\n";
/* RFC 9421 B.2.6: the signature base and the signature. */
static const char rfc_base[] =
	"\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n"
	"\"@method\": POST\n"
	"\"@path\": /foo\n"
	"\"@authority\": example.com\n"
	"\"content-type\": application/json\n"
	"\"content-length\": 18\n"
	"\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" "
	"\"content-length\");created=1618884473;keyid=\"test-key-ed25519\"";
static const char rfc_sig_b64[] =
	"wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==";

static srv_sig_comp rfc_comps[6] = {
	{"date", "Tue, 20 Apr 2021 02:07:55 GMT"}, {"@method", "POST"}, {"@path", "/foo"},
	{"@authority", "example.com"}, {"content-type", "application/json"}, {"content-length", "18"},
};

static void rfc_key(srv_key *k)
{
	unsigned char *der = NULL;
	size_t n = 0;

	ck_assert_int_eq(vn_b64_decode(rfc_priv_b64, strlen(rfc_priv_b64), 128, &der, &n), VN_OK);
	ck_assert_uint_eq(n, 48);	/* 16 bytes of PKCS#8 framing, then the seed */
	ck_assert_int_eq(srv_key_from_seed(der + 16, k), VN_OK);
	free(der);
}

START_TEST(rfc9421_vector)
{
	char params[512];
	unsigned char sig[64], pk[32], *want = NULL;
	size_t wn = 0;
	srv_key k;
	vn_buf b;

	rfc_key(&k);
	ck_assert_int_eq(srv_pubkey_parse(rfc_pub_pem, strlen(rfc_pub_pem), pk), VN_OK);
	ck_assert_mem_eq(pk, k.pk, 32);
	ck_assert_int_eq(srv_sig_params(rfc_comps, 6, 1618884473, "test-key-ed25519", NULL, params,
					sizeof params), VN_OK);
	vn_buf_init(&b, 4096);
	ck_assert_int_eq(srv_sig_base(rfc_comps, 6, params, &b), VN_OK);
	ck_assert_str_eq((const char *)b.data, rfc_base);
	/* Ed25519 is deterministic: the RFC's signature comes out. */
	crypto_sign_detached(sig, NULL, b.data, b.len, k.sk);
	ck_assert_int_eq(vn_b64_decode(rfc_sig_b64, strlen(rfc_sig_b64), 128, &want, &wn), VN_OK);
	ck_assert_uint_eq(wn, 64);
	ck_assert_mem_eq(sig, want, 64);
	ck_assert_int_eq(crypto_sign_verify_detached(want, b.data, b.len, pk), 0);
	free(want);
	vn_buf_free(&b);
	srv_key_free(&k);
}
END_TEST

/* A changed component value (or parameter) no longer verifies. */
static const struct {
	size_t comp;		/* which component changes; 6 = created */
	const char *value;
} changes[] = {
	{0, "Tue, 20 Apr 2021 02:07:56 GMT"},
	{1, "GET"},
	{4, "application/json; charset=utf-8"},
	{5, "19"},
	{6, NULL},
};

START_TEST(rfc9421_changed_breaks)
{
	srv_sig_comp c[6];
	char params[512];
	unsigned char *want = NULL;
	size_t wn = 0;
	int64_t created = 1618884473;
	srv_key k;
	vn_buf b;

	rfc_key(&k);
	memcpy(c, rfc_comps, sizeof c);
	if (changes[_i].comp < 6)
		c[changes[_i].comp].value = changes[_i].value;
	else
		created++;
	ck_assert_int_eq(srv_sig_params(c, 6, created, "test-key-ed25519", NULL, params, sizeof params),
			 VN_OK);
	vn_buf_init(&b, 4096);
	ck_assert_int_eq(srv_sig_base(c, 6, params, &b), VN_OK);
	ck_assert_int_eq(vn_b64_decode(rfc_sig_b64, strlen(rfc_sig_b64), 128, &want, &wn), VN_OK);
	ck_assert_int_ne(crypto_sign_verify_detached(want, b.data, b.len, k.pk), 0);
	free(want);
	vn_buf_free(&b);
	srv_key_free(&k);
}
END_TEST

START_TEST(content_digest_rfc9530)
{
	char d[96];
	static const char body[] = "{\"hello\": \"world\"}";

	/* RFC 9530 2 / RFC 9421 B.2: the digest of this 18-byte body. */
	ck_assert_int_eq(srv_content_digest(body, strlen(body), d, sizeof d), VN_OK);
	ck_assert_str_eq(d, "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:");
	ck_assert_int_eq(srv_content_digest(body, strlen(body), d, 20), VN_ERR_TOO_LARGE);
}
END_TEST

START_TEST(base_refuses_line_breaks)
{
	srv_sig_comp c[1] = {{"content-type", "text/plain\n\"@status\": 200"}};
	srv_sig_comp u[1] = {{"Content-Type", "text/plain"}};
	char params[128];
	vn_buf b;

	vn_buf_init(&b, 4096);
	ck_assert_int_eq(srv_sig_params(c, 1, 1, NULL, NULL, params, sizeof params), VN_OK);
	ck_assert_int_eq(srv_sig_base(c, 1, params, &b), VN_ERR_MALFORMED);
	/* component names are lower case (RFC 9421 2.1) */
	ck_assert_int_eq(srv_sig_params(u, 1, 1, NULL, NULL, params, sizeof params), VN_ERR_MALFORMED);
	ck_assert_int_eq(srv_sig_params(c, 1, 1, "a\"b", NULL, params, sizeof params), VN_ERR_MALFORMED);
	vn_buf_free(&b);
}
END_TEST

/* A whole response, signed by the node code, then edited. */
static const struct {
	const char *from, *to;	/* replace the first `from` in the response */
	int valid;
} edits[] = {
	{NULL, NULL, 1},
	{"HTTP/1.1 200 OK", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK", 1},
	{"HTTP/1.1 200 OK", "HTTP/1.1 500 OK", 0},
	{"\"TOTAL-PASSED\"", "\"TOTAL-FAILED\"", 0},
	{"Content-Type: application/json", "Content-Type: text/plain", 0},
	{"Content-Type: application/json\r\n", "", 0},
	{"X-Extra: 1", "X-Extra: 2", 1},		/* not covered */
	{"sig1=:", "sig2=:", 0},
	{";alg=\"ed25519\"", ";alg=\"rsa-pss-sha512\"", 0},
	{"(\"@status\" \"content-digest\" \"content-type\")", "(\"content-digest\" \"content-type\")", 0},
	{"created=", "created=1", 0},
};

static char *make_response(const srv_key *k, const char *body)
{
	srv_sig_headers h;
	char *out;
	size_t n;

	ck_assert_int_eq(srv_sign_response(k, 200, "application/json", body, strlen(body), 1795700000,
					   &h), VN_OK);
	n = strlen(body) + 2048;
	out = malloc(n);
	ck_assert_ptr_nonnull(out);
	snprintf(out, n,
		 "HTTP/1.1 200 OK\r\nDate: Thu, 26 Nov 2026 15:23:35 GMT\r\n"
		 "Content-Type: application/json\r\nContent-Digest: %s\r\nSignature-Input: %s\r\n"
		 "Signature: %s\r\nX-Extra: 1\r\n\r\n%s",
		 h.content_digest, h.signature_input, h.signature, body);
	return out;
}

START_TEST(response_edits)
{
	unsigned char seed[32];
	char *resp, *edited, why[256];
	srv_key k;
	int valid = -1;

	memset(seed, 7, sizeof seed);
	ck_assert_int_eq(srv_key_from_seed(seed, &k), VN_OK);
	resp = make_response(&k, "{\"indication\":\"TOTAL-PASSED\"}");
	edited = malloc(strlen(resp) + 256);
	ck_assert_ptr_nonnull(edited);
	if (edits[_i].from == NULL) {
		strcpy(edited, resp);
	} else {
		const char *at = strstr(resp, edits[_i].from);
		ck_assert_ptr_nonnull(at);
		memcpy(edited, resp, (size_t)(at - resp));
		strcpy(edited + (at - resp), edits[_i].to);
		strcat(edited, at + strlen(edits[_i].from));
	}
	ck_assert_int_eq(srv_verify_response((unsigned char *)edited, strlen(edited), k.pk, &valid, why,
					     sizeof why), VN_OK);
	ck_assert_msg(valid == edits[_i].valid, "edit %d: valid=%d (%s)", _i, valid, why);
	free(edited);
	free(resp);
	srv_key_free(&k);
}
END_TEST

START_TEST(response_wrong_key_and_garbage)
{
	unsigned char seed[32];
	char *resp, why[256];
	srv_key k, other;
	int valid = -1;

	memset(seed, 7, sizeof seed);
	ck_assert_int_eq(srv_key_from_seed(seed, &k), VN_OK);
	seed[0] = 8;
	ck_assert_int_eq(srv_key_from_seed(seed, &other), VN_OK);
	resp = make_response(&k, "{}");
	ck_assert_int_eq(srv_verify_response((unsigned char *)resp, strlen(resp), other.pk, &valid, why,
					     sizeof why), VN_OK);
	ck_assert_int_eq(valid, 0);
	ck_assert_int_eq(srv_verify_response((const unsigned char *)"{}", 2, k.pk, &valid, why, sizeof why),
			 VN_ERR_MALFORMED);
	ck_assert_int_eq(srv_verify_response((const unsigned char *)"HTTP/1.1 200 OK\r\nA: b", 22, k.pk,
					     &valid, why, sizeof why), VN_ERR_MALFORMED);
	free(resp);
	srv_key_free(&k);
	srv_key_free(&other);
}
END_TEST

START_TEST(key_file)
{
	char dir[] = "/tmp/vn_srv_key_XXXXXX", path[256];
	srv_key k1, k2, k3;
	struct stat st;
	int created = -1;
	char why[256];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/node.key", dir);
	ck_assert_int_eq(srv_key_load_or_create(path, &k1, &created, why, sizeof why), VN_OK);
	ck_assert_int_eq(created, 1);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(srv_key_load_or_create(path, &k2, &created, why, sizeof why), VN_OK);
	ck_assert_int_eq(created, 0);
	ck_assert_mem_eq(k1.pk, k2.pk, 32);
	ck_assert_str_eq(k1.keyid, k2.keyid);
	/* readable by group: refused, saying why */
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_int_eq(srv_key_load_or_create(path, &k3, &created, why, sizeof why), VN_ERR_ARG);
	ck_assert_ptr_nonnull(strstr(why, "chmod 600"));
	ck_assert_int_eq(chmod(path, 0604), 0);
	ck_assert_int_eq(srv_key_load_or_create(path, &k3, &created, why, sizeof why), VN_ERR_ARG);
	/* wrong size */
	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_int_eq(truncate(path, 31), 0);
	ck_assert_int_eq(srv_key_load_or_create(path, &k3, &created, why, sizeof why), VN_ERR_MALFORMED);
	unlink(path);
	rmdir(dir);
	srv_key_free(&k1);
	srv_key_free(&k2);
}
END_TEST

START_TEST(pubkey_forms)
{
	unsigned char pk[32], pk2[32];
	char b64[64];
	srv_key k;

	rfc_key(&k);
	sodium_bin2base64(b64, sizeof b64, k.pk, 32, sodium_base64_VARIANT_ORIGINAL);
	ck_assert_int_eq(srv_pubkey_parse(b64, strlen(b64), pk), VN_OK);
	ck_assert_int_eq(srv_pubkey_parse(rfc_pub_pem, strlen(rfc_pub_pem), pk2), VN_OK);
	ck_assert_mem_eq(pk, pk2, 32);
	ck_assert_int_eq(srv_pubkey_parse("AAAA", 4, pk), VN_ERR_MALFORMED);
	ck_assert_int_eq(srv_pubkey_parse("not base64!", 11, pk), VN_ERR_MALFORMED);
	ck_assert_int_eq(srv_pubkey_parse("-----BEGIN PUBLIC KEY-----\nAAAA", 31, pk), VN_ERR_MALFORMED);
	/* the RFC 7638 thumbprint is stable and base64url */
	ck_assert_uint_eq(strlen(k.keyid), 43);
	ck_assert_ptr_null(strpbrk(k.keyid, "+/="));
	srv_key_free(&k);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("srv_sig");
	TCase *t = tcase_create("core");

	tcase_add_test(t, rfc9421_vector);
	tcase_add_loop_test(t, rfc9421_changed_breaks, 0, sizeof changes / sizeof changes[0]);
	tcase_add_test(t, content_digest_rfc9530);
	tcase_add_test(t, base_refuses_line_breaks);
	tcase_add_loop_test(t, response_edits, 0, sizeof edits / sizeof edits[0]);
	tcase_add_test(t, response_wrong_key_and_garbage);
	tcase_add_test(t, key_file);
	tcase_add_test(t, pubkey_forms);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return vn_test_run(suite());
}
