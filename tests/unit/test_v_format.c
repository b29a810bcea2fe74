/* Check suite for the format layer: node/v_detect.c, node/v_raw.c,
 * node/v_cms.c.
 *
 * Tables:
 *   raw_cases    raw Mobile-ID objects built at test time: P-256 keys (DER
 *                and r||s values), RSA-2048 (PKCS#1 v1.5 and PSS), one rule
 *                broken per negative row, a passing twin for each;
 *   cms_cases    CMS signatures made at test time with `openssl cms -sign`
 *                (enveloping, detached, with and without signed attributes,
 *                with -cades for signing-certificate-v2), then changed in
 *                memory; every row with a definite cryptographic outcome is
 *                also checked against `openssl cms -verify -noverify`;
 *   corpus_cases three DSS test files and the outcome DSS asserts.
 * Keys and certificates live in a temporary directory removed at the end.
 */
#include "tests/unit/vn_test.h"

#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "common/vn_b64.h"
#include "common/vn_buf.h"
#include "common/vn_p256.h"
#include "node/v_format.h"
#include "node/v_format_int.h"
#include "node/v_dersplit.h"

#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

static const char test_data[] = "valnode format layer test data\n";

/* ---- keys and certificates (unchecked fixture, runner process) -------- */

static EVP_PKEY *ec_key, *rsa_key;
static X509 *ec_cert, *rsa_cert;
static char tmpdir[64];
static int have_cli;	/* the openssl CLI made the CMS key and certificates */

static X509 *self_signed(EVP_PKEY *k, const char *cn)
{
	X509 *x = X509_new();
	X509_NAME *nm = X509_NAME_new();

	ck_assert(x != NULL && nm != NULL);
	ck_assert(X509_set_version(x, 2));
	ck_assert(ASN1_INTEGER_set(X509_get_serialNumber(x), 7));
	ck_assert(X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)cn,
					     -1, -1, 0));
	ck_assert(X509_set_subject_name(x, nm) && X509_set_issuer_name(x, nm));
	ck_assert(X509_gmtime_adj(X509_getm_notBefore(x), 0) != NULL);
	ck_assert(X509_gmtime_adj(X509_getm_notAfter(x), 86400) != NULL);
	ck_assert(X509_set_pubkey(x, k));
	ck_assert(X509_sign(x, k, EVP_sha256()) > 0);
	X509_NAME_free(nm);
	return x;
}

static int sh(const char *fmt, ...) VN_PRINTF(1, 2);
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	ck_assert(r > 0 && (size_t)r < sizeof cmd);
	r = system(cmd);
	return r;
}

static void setup(void)
{
	FILE *f;
	char p[128];

	ec_key = EVP_EC_gen("P-256");
	rsa_key = EVP_RSA_gen(2048);
	ck_assert(ec_key != NULL && rsa_key != NULL);
	ec_cert = self_signed(ec_key, "valnode raw test EC");
	rsa_cert = self_signed(rsa_key, "valnode raw test RSA");

	snprintf(tmpdir, sizeof tmpdir, "/tmp/vn_fmt_XXXXXX");
	ck_assert(mkdtemp(tmpdir) != NULL);
	snprintf(p, sizeof p, "%s/data", tmpdir);
	f = fopen(p, "wb");
	ck_assert(f != NULL);
	ck_assert(fwrite(test_data, 1, sizeof test_data - 1, f) == sizeof test_data - 1);
	fclose(f);
	have_cli =
		sh("cd %s && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
		   "-nodes -subj /CN=valnode-cms-test-ec -days 2 -keyout ec.key -out ec.crt "
		   ">/dev/null 2>&1 && openssl req -x509 -newkey rsa:2048 -nodes "
		   "-subj /CN=valnode-cms-test-rsa -days 2 -keyout rsa.key -out rsa.crt "
		   ">/dev/null 2>&1",
		   tmpdir) == 0;
	if (!have_cli)
		fprintf(stderr, "SKIP: the openssl CLI could not make test keys; CMS rows skip\n");
}

static void teardown(void)
{
	if (tmpdir[0] != '\0')
		(void)sh("rm -rf '%s'", tmpdir);
	EVP_PKEY_free(ec_key);
	EVP_PKEY_free(rsa_key);
	X509_free(ec_cert);
	X509_free(rsa_cert);
}

/* ---- raw Mobile-ID objects -------------------------------------------- */

enum { K_EC, K_RSA };
enum { S_ECDSA_DER, S_ECDSA_RAW, S_RSA, S_PSS, S_PSS_SALT0 };
enum {
	M_NONE, M_DATA, M_BAD_B64_SIG, M_BAD_B64_HASH, M_HASH_LEN, M_UNKNOWN_KEY, M_BOTH,
	M_NEITHER, M_TAMPER_SIG, M_TAMPER_HASH, M_BAD_CERT, M_CHAIN, M_BAD_CHAIN, M_BAD_TIME,
	M_DUP_KEY, M_TOP_KEY, M_DEEP, M_BIG, M_SIG_LEN, M_NO_CERT, M_CHAIN_LONG
};

typedef struct raw_case {
	const char *name;
	int key, sig;
	const char *hash_alg;	/* JSON hashAlgorithm */
	const char *md;		/* digest actually used */
	const char *sig_alg;	/* JSON signatureAlgorithm */
	int mut;
	vn_err want_err;
	v_check want_check;
	const char *want_finding;	/* NULL: none required */
} raw_case;

static const raw_case raw_cases[] = {
	{ "ecdsa DER", K_EC, S_ECDSA_DER, "SHA-256", "SHA256", "ECDSA", M_NONE, VN_OK, V_CHECK_OK, NULL },
	{ "ecdsa r||s", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "ECDSA", M_NONE, VN_OK, V_CHECK_OK, NULL },
	{ "ecdsa r||s sha384", K_EC, S_ECDSA_RAW, "SHA-384", "SHA384", "ECDSA", M_NONE, VN_OK, V_CHECK_OK, NULL },
	{ "ecdsa data", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "ECDSA", M_DATA, VN_OK, V_CHECK_OK, NULL },
	{ "ecdsa chain", K_EC, S_ECDSA_DER, "SHA-256", "SHA256", "ECDSA", M_CHAIN, VN_OK, V_CHECK_OK, NULL },
	{ "rsa pkcs1", K_RSA, S_RSA, "SHA-256", "SHA256", "RSA", M_NONE, VN_OK, V_CHECK_OK, NULL },
	{ "rsa pkcs1 sha512", K_RSA, S_RSA, "SHA-512", "SHA512", "RSA", M_NONE, VN_OK, V_CHECK_OK, NULL },
	{ "rsa pkcs1 sha1", K_RSA, S_RSA, "SHA-1", "SHA1", "RSA", M_NONE, VN_OK, V_CHECK_OK, NULL },
	{ "rsa pss", K_RSA, S_PSS, "SHA-256", "SHA256", "RSASSA-PSS", M_NONE, VN_OK, V_CHECK_OK, NULL },
	{ "rsa pss salt 0", K_RSA, S_PSS_SALT0, "SHA-256", "SHA256", "RSASSA-PSS", M_NONE, VN_OK, V_CHECK_OK, "V_RAW_PSS_SALT" },
	{ "rsa pss data", K_RSA, S_PSS, "SHA-384", "SHA384", "RSASSA-PSS", M_DATA, VN_OK, V_CHECK_OK, NULL },
	/* CV failures: a verdict, not an error */
	{ "ecdsa tampered value", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "ECDSA", M_TAMPER_SIG, VN_OK, V_CHECK_SIG_CRYPTO_FAILURE, "V_RAW_SIG_INVALID" },
	{ "ecdsa DER tampered value", K_EC, S_ECDSA_DER, "SHA-256", "SHA256", "ECDSA", M_TAMPER_SIG, VN_OK, V_CHECK_SIG_CRYPTO_FAILURE, "V_RAW_SIG_INVALID" },
	{ "ecdsa tampered hash", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "ECDSA", M_TAMPER_HASH, VN_OK, V_CHECK_SIG_CRYPTO_FAILURE, "V_RAW_SIG_INVALID" },
	{ "ecdsa value of wrong size", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "ECDSA", M_SIG_LEN, VN_OK, V_CHECK_SIG_CRYPTO_FAILURE, "V_RAW_SIG_ENCODING" },
	{ "rsa tampered value", K_RSA, S_RSA, "SHA-256", "SHA256", "RSA", M_TAMPER_SIG, VN_OK, V_CHECK_SIG_CRYPTO_FAILURE, "V_RAW_SIG_INVALID" },
	{ "rsa tampered hash", K_RSA, S_RSA, "SHA-256", "SHA256", "RSA", M_TAMPER_HASH, VN_OK, V_CHECK_SIG_CRYPTO_FAILURE, "V_RAW_SIG_INVALID" },
	{ "pss tampered hash", K_RSA, S_PSS, "SHA-256", "SHA256", "RSASSA-PSS", M_TAMPER_HASH, VN_OK, V_CHECK_SIG_CRYPTO_FAILURE, "V_RAW_SIG_INVALID" },
	{ "pss value as pkcs1", K_RSA, S_PSS, "SHA-256", "SHA256", "RSA", M_NONE, VN_OK, V_CHECK_SIG_CRYPTO_FAILURE, "V_RAW_SIG_INVALID" },
	{ "hash of another algorithm", K_RSA, S_RSA, "SHA-256", "SHA384", "RSA", M_NONE, VN_ERR_MALFORMED, V_CHECK_OK, NULL },
	/* FC: the declared algorithm must fit the key */
	{ "rsa declared, ec key", K_EC, S_ECDSA_DER, "SHA-256", "SHA256", "RSA", M_NONE, VN_OK, V_CHECK_FORMAT_FAILURE, "V_RAW_ALG_KEY_MISMATCH" },
	{ "ecdsa declared, rsa key", K_RSA, S_RSA, "SHA-256", "SHA256", "ECDSA", M_NONE, VN_OK, V_CHECK_FORMAT_FAILURE, "V_RAW_ALG_KEY_MISMATCH" },
	{ "pss declared, ec key", K_EC, S_ECDSA_DER, "SHA-256", "SHA256", "RSASSA-PSS", M_NONE, VN_OK, V_CHECK_FORMAT_FAILURE, "V_RAW_ALG_KEY_MISMATCH" },
	/* malformed objects */
	{ "bad base64 value", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "ECDSA", M_BAD_B64_SIG, VN_ERR_MALFORMED, V_CHECK_OK, NULL },
	{ "bad base64 hash", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "ECDSA", M_BAD_B64_HASH, VN_ERR_MALFORMED, V_CHECK_OK, NULL },
	{ "hash length", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "ECDSA", M_HASH_LEN, VN_ERR_MALFORMED, V_CHECK_OK, NULL },
	{ "unknown key", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "ECDSA", M_UNKNOWN_KEY, VN_ERR_MALFORMED, V_CHECK_OK, NULL },
	{ "hash and data", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "ECDSA", M_BOTH, VN_ERR_MALFORMED, V_CHECK_OK, NULL },
	{ "neither hash nor data", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "ECDSA", M_NEITHER, VN_ERR_MALFORMED, V_CHECK_OK, NULL },
	{ "certificate not DER", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "ECDSA", M_BAD_CERT, VN_ERR_MALFORMED, V_CHECK_OK, NULL },
	{ "certificate missing", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "ECDSA", M_NO_CERT, VN_ERR_MALFORMED, V_CHECK_OK, NULL },
	{ "chain entry not DER", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "ECDSA", M_BAD_CHAIN, VN_ERR_MALFORMED, V_CHECK_OK, NULL },
	{ "chain too long", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "ECDSA", M_CHAIN_LONG, VN_ERR_MALFORMED, V_CHECK_OK, NULL },
	{ "signingTime not RFC 3339", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "ECDSA", M_BAD_TIME, VN_ERR_MALFORMED, V_CHECK_OK, NULL },
	{ "duplicate key", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "ECDSA", M_DUP_KEY, VN_ERR_MALFORMED, V_CHECK_OK, NULL },
	{ "extra top-level key", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "ECDSA", M_TOP_KEY, VN_ERR_MALFORMED, V_CHECK_OK, NULL },
	{ "nested too deep", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "ECDSA", M_DEEP, VN_ERR_MALFORMED, V_CHECK_OK, NULL },
	{ "over 1 MiB", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "ECDSA", M_BIG, VN_ERR_TOO_LARGE, V_CHECK_OK, NULL },
	{ "unknown hash algorithm", K_EC, S_ECDSA_RAW, "MD5", "SHA256", "ECDSA", M_NONE, VN_ERR_MALFORMED, V_CHECK_OK, NULL },
	{ "unknown signature algorithm", K_EC, S_ECDSA_RAW, "SHA-256", "SHA256", "DSA", M_NONE, VN_ERR_MALFORMED, V_CHECK_OK, NULL },
};

static char *b64(const unsigned char *p, size_t n)
{
	char *s = NULL;

	ck_assert(vn_b64_encode(p, n, &s) == VN_OK);
	return s;
}

static char *cert_b64(X509 *x)
{
	unsigned char *d = NULL;
	int n = i2d_X509(x, &d);
	char *s;

	ck_assert(n > 0);
	s = b64(d, (size_t)n);
	OPENSSL_free(d);
	return s;
}

/* Sign a digest the way a mobile service does: over the hash it is given. */
static void raw_sign(const raw_case *c, const unsigned char *dg, size_t dglen,
		     unsigned char *sig, size_t *siglen)
{
	EVP_PKEY *k = c->key == K_EC ? ec_key : rsa_key;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(k, NULL);
	const EVP_MD *md = EVP_get_digestbyname(c->md);
	size_t n = 1024;

	ck_assert(ctx != NULL && md != NULL && EVP_PKEY_sign_init(ctx) > 0);
	if (c->sig == S_RSA)
		ck_assert(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0);
	if (c->sig == S_PSS || c->sig == S_PSS_SALT0) {
		ck_assert(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) > 0);
		ck_assert(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) > 0);
		ck_assert(EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, c->sig == S_PSS ? RSA_PSS_SALTLEN_DIGEST
							   : 0) > 0);
	}
	ck_assert(EVP_PKEY_CTX_set_signature_md(ctx, md) > 0);
	ck_assert(EVP_PKEY_sign(ctx, sig, &n, dg, dglen) > 0);
	EVP_PKEY_CTX_free(ctx);
	if (c->sig == S_ECDSA_RAW) {
		const unsigned char *q = sig;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &q, (long)n);
		const BIGNUM *r, *s;
		ck_assert(es != NULL);
		ECDSA_SIG_get0(es, &r, &s);
		ck_assert(BN_bn2binpad(r, sig, 32) == 32 && BN_bn2binpad(s, sig + 32, 32) == 32);
		ECDSA_SIG_free(es);
		n = 64;
	}
	*siglen = n;
}

static void build_raw(const raw_case *c, vn_buf *j)
{
	unsigned char dg[EVP_MAX_MD_SIZE], sig[1024];
	unsigned int dglen = 0;
	size_t siglen = 0, hlen;
	char *hs, *ss, *cs, *ds;
	X509 *x = c->key == K_EC ? ec_cert : rsa_cert;
	int i;

	ck_assert(EVP_Digest(test_data, sizeof test_data - 1, dg, &dglen,
			     EVP_get_digestbyname(c->md), NULL));
	raw_sign(c, dg, dglen, sig, &siglen);
	hlen = dglen;
	if (c->mut == M_TAMPER_SIG)
		sig[siglen - 3] ^= 0x01;
	if (c->mut == M_TAMPER_HASH)
		dg[0] ^= 0x80;
	if (c->mut == M_HASH_LEN)
		hlen--;
	if (c->mut == M_SIG_LEN)
		siglen--;
	hs = b64(dg, hlen);
	ss = b64(sig, siglen);
	cs = cert_b64(x);
	ds = b64((const unsigned char *)test_data, sizeof test_data - 1);

	vn_buf_init(j, 4u << 20);
	ck_assert(vn_buf_printf(j, "{%s\"raw\": {\"hashAlgorithm\": \"%s\", "
				   "\"signatureAlgorithm\": \"%s\"",
				c->mut == M_TOP_KEY ? "\"x\": 1, " : "", c->hash_alg, c->sig_alg) ==
		  VN_OK);
	if (c->mut == M_BAD_B64_HASH)
		ck_assert(vn_buf_printf(j, ", \"hash\": \"%s!\"", hs) == VN_OK);
	else if (c->mut == M_DATA)
		ck_assert(vn_buf_printf(j, ", \"data\": \"%s\"", ds) == VN_OK);
	else if (c->mut != M_NEITHER)
		ck_assert(vn_buf_printf(j, ", \"hash\": \"%s\"", hs) == VN_OK);
	if (c->mut == M_BOTH)
		ck_assert(vn_buf_printf(j, ", \"data\": \"%s\"", ds) == VN_OK);
	ck_assert(vn_buf_printf(j, ", \"signatureValue\": \"%s%s\"", ss,
				c->mut == M_BAD_B64_SIG ? "=A" : "") == VN_OK);
	if (c->mut == M_BAD_CERT)
		ck_assert(vn_buf_printf(j, ", \"certificate\": \"MIIBAAAA\"") == VN_OK);
	else if (c->mut != M_NO_CERT)
		ck_assert(vn_buf_printf(j, ", \"certificate\": \"%s\"", cs) == VN_OK);
	if (c->mut == M_CHAIN) {
		char *rs = cert_b64(rsa_cert);
		ck_assert(vn_buf_printf(j, ", \"chain\": [\"%s\"]", rs) == VN_OK);
		free(rs);
	}
	if (c->mut == M_BAD_CHAIN)
		ck_assert(vn_buf_printf(j, ", \"chain\": [\"AAAA\"]") == VN_OK);
	if (c->mut == M_CHAIN_LONG) {
		ck_assert(vn_buf_append_str(j, ", \"chain\": [") == VN_OK);
		for (i = 0; i < V_MAX_CERTS; i++)
			ck_assert(vn_buf_printf(j, "%s\"%s\"", i ? "," : "", cs) == VN_OK);
		ck_assert(vn_buf_append_str(j, "]") == VN_OK);
	}
	ck_assert(vn_buf_printf(j, ", \"signingTime\": \"%s\"",
				c->mut == M_BAD_TIME ? "2026-11-26 10:00:00" : "2026-11-26T10:00:00Z") ==
		  VN_OK);
	if (c->mut == M_UNKNOWN_KEY)
		ck_assert(vn_buf_append_str(j, ", \"hashType\": \"SHA256\"") == VN_OK);
	if (c->mut == M_DUP_KEY)
		ck_assert(vn_buf_printf(j, ", \"hashAlgorithm\": \"%s\"", c->hash_alg) == VN_OK);
	if (c->mut == M_DEEP)
		ck_assert(vn_buf_append_str(j, ", \"chain\": [[[[[[[[[[]]]]]]]]]]") == VN_OK);
	if (c->mut == M_BIG) {
		ck_assert(vn_buf_append_str(j, ", \"pad\": \"") == VN_OK);
		for (i = 0; i < (1 << 20) / 64 + 1; i++)
			ck_assert(vn_buf_append_str(j, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
						       "AAAAAAAAAAAAAAAA") == VN_OK);
		ck_assert(vn_buf_append_str(j, "\"") == VN_OK);
	}
	ck_assert(vn_buf_append_str(j, "}}") == VN_OK);
	free(hs);
	free(ss);
	free(cs);
	free(ds);
}

static void run_raw(int i)
{
	const raw_case *c = &raw_cases[i];
	vn_buf j;
	v_sigobj o;
	char why[256];
	vn_err e;

	build_raw(c, &j);
	/* detection reads the first key only: {"x": .., "raw": ..} is not one */
	if (c->mut != M_BIG && c->mut != M_TOP_KEY)
		ck_assert_msg(v_detect(j.data, j.len) == V_INPUT_RAW_JSON, "%s: detect", c->name);
	e = v_raw_parse(j.data, j.len, &o, why, sizeof why);
	ck_assert_msg(e == c->want_err, "%s: err %s (%s), want %s", c->name, vn_err_name(e), why,
		      vn_err_name(c->want_err));
	if (e == VN_OK) {
		ck_assert_msg(o.check == c->want_check, "%s: check %d want %d", c->name, o.check,
			      c->want_check);
		ck_assert(o.format == V_FMT_RAW && o.level == V_LEVEL_NONE);
		ck_assert(o.signer != NULL && sk_X509_num(o.certs) >= 1);
		ck_assert_str_eq(o.digest_alg, c->hash_alg);
		ck_assert_str_eq(o.sig_alg, c->sig_alg);
		ck_assert_str_eq(o.id, "S-1");
		ck_assert(o.signature_value.n > 0);
		ck_assert_int_eq(o.claimed_time, 1795687200);
		ck_assert_int_eq(o.key_bits, c->key == K_EC ? 256 : 2048);
		if (c->mut == M_CHAIN)
			ck_assert_int_eq(sk_X509_num(o.certs), 2);
		if (c->want_finding != NULL)
			ck_assert_msg(vn_findings_has(&o.findings, c->want_finding), "%s: no %s",
				      c->name, c->want_finding);
		if (c->want_check == V_CHECK_OK)
			ck_assert(vn_findings_count(&o.findings, VN_LEVEL_ERROR) == 0);
		v_sigobj_free(&o);
	} else {
		ck_assert_msg(why[0] != '\0', "%s: an error says why", c->name);
		ck_assert(o.signer == NULL && o.certs == NULL);
	}
	/* The node's path: the same object already parsed gives the same
	 * outcome (error, or the same check). */
	{
		json_t *root = json_loadb((const char *)j.data, j.len, JSON_REJECT_DUPLICATES, NULL);
		json_t *raw = root ? json_object_get(root, "raw") : NULL;
		v_sigobj o2;
		vn_err e2;
		if (raw != NULL && json_object_size(root) == 1) {
			e2 = v_raw_parse_json(raw, &o2, why, sizeof why);
			ck_assert_msg(e2 == e, "%s: parsed: err %s, text: %s", c->name, vn_err_name(e2),
				      vn_err_name(e));
			if (e2 == VN_OK) {
				ck_assert_int_eq(o2.check, c->want_check);
				v_sigobj_free(&o2);
			}
		}
		json_decref(root);
	}
	vn_buf_free(&j);
}

START_TEST(test_raw)
{
	run_raw(_i);
}
END_TEST

/* The same rows with the EC key's fixed-base table in place (vn_p256.h):
 * every verdict and finding stays the same. */
START_TEST(test_raw_table)
{
	ck_assert_int_eq(vn_p256_table_now(X509_get_X509_PUBKEY(ec_cert)), 0);
	ck_assert_uint_ge(vn_p256_tables(), 1);
	run_raw(_i);
}
END_TEST

/* ---- detection -------------------------------------------------------- */

typedef struct detect_case {
	const char *in;
	v_input_kind want;
} detect_case;

static const detect_case detect_cases[] = {
	{ "{\"raw\": {}}", V_INPUT_RAW_JSON },
	{ " \n{ \"raw\" :{\"hash\":\"\"}}", V_INPUT_RAW_JSON },
	{ "{\"other\": 1, \"raw\": {}}", V_INPUT_UNKNOWN },
	{ "[\"raw\"]", V_INPUT_UNKNOWN },
	{ "{\"rawx\": {}}", V_INPUT_UNKNOWN },
	{ "-----BEGIN PKCS7-----\nMAA=\n-----END PKCS7-----\n", V_INPUT_CMS },
	{ "-----BEGIN CMS-----\nMAA=\n-----END CMS-----\n", V_INPUT_CMS },
	{ "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n", V_INPUT_UNKNOWN },
	{ "\x30\x03\x02\x01\x00", V_INPUT_UNKNOWN },
	{ "<?xml version=\"1.0\"?><a/>", V_INPUT_XML },
	{ "\xef\xbb\xbf\n <ds:Signature/>", V_INPUT_XML },
	{ "<!-- c --><a/>", V_INPUT_XML },
	{ "< a/>", V_INPUT_UNKNOWN },
	{ "<", V_INPUT_UNKNOWN },
	{ "a<b/>", V_INPUT_UNKNOWN },
	{ "PK\x03\x04rest", V_INPUT_ZIP },
	{ "PK\x05\x06", V_INPUT_ZIP },
	{ "PK\x01\x02", V_INPUT_UNKNOWN },
	{ "PK", V_INPUT_UNKNOWN },
	{ "", V_INPUT_UNKNOWN },
};

START_TEST(test_detect)
{
	const detect_case *c = &detect_cases[_i];

	ck_assert_msg(v_detect((const unsigned char *)c->in, strlen(c->in)) == c->want, "%s",
		      c->in);
}
END_TEST

/* ---- r||s to DER (raw Mobile-ID and XMLDSig ECDSA values) ------------- */

typedef struct rs_case {
	size_t n;
	vn_err want;
} rs_case;

static const rs_case rs_cases[] = {
	{64, VN_OK}, {96, VN_OK}, {132, VN_OK}, {264, VN_OK},
	{0, VN_ERR_MALFORMED}, {63, VN_ERR_MALFORMED}, {266, VN_ERR_MALFORMED},
};

START_TEST(test_rs_to_der)
{
	const rs_case *c = &rs_cases[_i];
	unsigned char rs[266], *der = NULL;
	const unsigned char *q;
	const BIGNUM *r = NULL, *s = NULL;
	ECDSA_SIG *es;
	size_t i, dlen = 0;

	for (i = 0; i < sizeof rs; i++)
		rs[i] = (unsigned char)(i * 7 + 1);
	ck_assert_int_eq(v_ecdsa_raw_to_der(rs, c->n, &der, &dlen), c->want);
	if (c->want != VN_OK) {
		ck_assert_ptr_null(der);
		return;
	}
	/* the DER holds exactly the two halves */
	q = der;
	es = d2i_ECDSA_SIG(NULL, &q, (long)dlen);
	ck_assert_ptr_nonnull(es);
	ck_assert(q == der + dlen);
	ECDSA_SIG_get0(es, &r, &s);
	{
		unsigned char back[266];
		ck_assert_int_eq(BN_bn2binpad(r, back, (int)(c->n / 2)), (int)(c->n / 2));
		ck_assert_int_eq(BN_bn2binpad(s, back + c->n / 2, (int)(c->n / 2)), (int)(c->n / 2));
		ck_assert_mem_eq(back, rs, c->n);
	}
	ECDSA_SIG_free(es);
	OPENSSL_free(der);
}
END_TEST

/* ---- CMS made with the openssl CLI ------------------------------------ */

enum { D_NONE, D_BYTES, D_TAMPERED, D_DIGEST, D_DIGEST_384, D_DIGEST_WRONG };
enum { C_NONE, C_FLIP_SIG, C_FLIP_CONTENT, C_SWAP_ATTRS, C_CONTENT_TYPE, C_ESS_HASH, C_PEM,
       C_STIME_BYTE, C_BER_LEN, C_TWO_MD, C_NO_CT, C_VALUE_INT };

typedef struct cms_case {
	const char *name;
	const char *key;	/* "ec" or "rsa" */
	const char *opts;	/* extra `openssl cms -sign` options */
	int detached;
	int data;		/* D_* */
	int mut;		/* C_* */
	v_check want_check;
	v_ades_level want_level;
	const char *want_finding;
	int openssl;		/* 1: openssl cms -verify accepts, 0 rejects, -1 not compared */
} cms_case;

static const cms_case cms_cases[] = {
	{ "cades enveloping", "ec", "-cades", 0, D_NONE, C_NONE, V_CHECK_OK, V_LEVEL_B, NULL, 1 },
	{ "cades enveloping pem", "ec", "-cades", 0, D_NONE, C_PEM, V_CHECK_OK, V_LEVEL_B, NULL, -1 },
	{ "cades enveloping, BER indefinite lengths", "ec", "-cades -stream", 0, D_NONE, C_NONE, V_CHECK_OK, V_LEVEL_B, NULL, 1 },
	{ "cms enveloping (not CAdES)", "ec", "", 0, D_NONE, C_NONE, V_CHECK_OK, V_LEVEL_NONE, "V_CMS_NOT_CADES", 1 },
	{ "cades detached", "ec", "-cades", 1, D_BYTES, C_NONE, V_CHECK_OK, V_LEVEL_B, NULL, 1 },
	{ "cades detached rsa", "rsa", "-cades", 1, D_BYTES, C_NONE, V_CHECK_OK, V_LEVEL_B, NULL, 1 },
	{ "cades detached rsa-pss", "rsa", "-cades -keyopt rsa_padding_mode:pss", 1, D_BYTES, C_NONE, V_CHECK_OK, V_LEVEL_B, NULL, 1 },
	{ "detached, digest only", "ec", "-cades", 1, D_DIGEST, C_NONE, V_CHECK_OK, V_LEVEL_B, NULL, -1 },
	{ "noattr enveloping", "ec", "-noattr", 0, D_NONE, C_NONE, V_CHECK_OK, V_LEVEL_NONE, "V_CMS_NOT_CADES", 1 },
	{ "noattr detached rsa", "rsa", "-noattr", 1, D_BYTES, C_NONE, V_CHECK_OK, V_LEVEL_NONE, "V_CMS_NOT_CADES", 1 },
	/* CV */
	{ "detached without data", "ec", "-cades", 1, D_NONE, C_NONE, V_CHECK_SIGNED_DATA_NOT_FOUND, V_LEVEL_B, "V_CMS_SIGNED_DATA_NOT_FOUND", -1 },
	{ "digest of another algorithm", "ec", "-cades", 1, D_DIGEST_384, C_NONE, V_CHECK_SIGNED_DATA_NOT_FOUND, V_LEVEL_B, "V_CMS_DIGEST_ALG_MISMATCH", -1 },
	{ "wrong digest", "ec", "-cades", 1, D_DIGEST_WRONG, C_NONE, V_CHECK_HASH_FAILURE, V_LEVEL_B, "V_CMS_HASH_MISMATCH", -1 },
	{ "detached tampered data", "ec", "-cades", 1, D_TAMPERED, C_NONE, V_CHECK_HASH_FAILURE, V_LEVEL_B, "V_CMS_HASH_MISMATCH", 0 },
	{ "enveloping tampered content", "ec", "-cades", 0, D_NONE, C_FLIP_CONTENT, V_CHECK_HASH_FAILURE, V_LEVEL_B, "V_CMS_HASH_MISMATCH", 0 },
	{ "tampered signature", "ec", "-cades", 0, D_NONE, C_FLIP_SIG, V_CHECK_SIG_CRYPTO_FAILURE, V_LEVEL_B, "V_CMS_SIG_INVALID", 0 },
	{ "tampered signature rsa detached", "rsa", "", 1, D_BYTES, C_FLIP_SIG, V_CHECK_SIG_CRYPTO_FAILURE, V_LEVEL_NONE, "V_CMS_SIG_INVALID", 0 },
	{ "noattr tampered content", "ec", "-noattr", 0, D_NONE, C_FLIP_CONTENT, V_CHECK_SIG_CRYPTO_FAILURE, V_LEVEL_NONE, "V_CMS_SIG_INVALID", 0 },
	{ "noattr tampered signature", "rsa", "-noattr", 1, D_BYTES, C_FLIP_SIG, V_CHECK_SIG_CRYPTO_FAILURE, V_LEVEL_NONE, "V_CMS_SIG_INVALID", 0 },
	/* FC: signed attributes in BER order (openssl re-encodes and accepts:
	 * RFC 5652 5.4 requires DER, so valnode is stricter here) */
	{ "signed attributes not DER", "ec", "", 0, D_NONE, C_SWAP_ATTRS, V_CHECK_FORMAT_FAILURE, V_LEVEL_NONE, "V_CMS_SIGNED_ATTRS_NOT_DER", -1 },
	{ "content-type not eContentType", "ec", "-cades", 0, D_NONE, C_CONTENT_TYPE, V_CHECK_FORMAT_FAILURE, V_LEVEL_B, "V_CMS_CONTENT_TYPE", 0 },
	/* ISC */
	{ "signing-certificate-v2 hash wrong", "ec", "-cades", 0, D_NONE, C_ESS_HASH, V_CHECK_NO_SIGNING_CERT, V_LEVEL_B, "V_CMS_SIGNING_CERT_MISMATCH", 0 },
	/* The signed attributes read from the received bytes (DER proved)
	 * or, failing the proof, from OpenSSL's re-encoding: the same
	 * verdicts either way. */
	{ "signed attribute byte changed", "ec", "-cades", 0, D_NONE, C_STIME_BYTE, V_CHECK_SIG_CRYPTO_FAILURE, V_LEVEL_B, "V_CMS_SIG_INVALID", 0 },
	{ "signed attributes with a BER length", "ec", "-cades", 0, D_NONE, C_BER_LEN, V_CHECK_FORMAT_FAILURE, V_LEVEL_B, "V_CMS_SIGNED_ATTRS_NOT_DER", -1 },
	{ "two message-digest attributes", "ec", "-cades", 0, D_NONE, C_TWO_MD, V_CHECK_FORMAT_FAILURE, V_LEVEL_B, "V_CMS_MESSAGE_DIGEST", -1 },
	{ "no content-type attribute", "ec", "-cades", 0, D_NONE, C_NO_CT, V_CHECK_FORMAT_FAILURE, V_LEVEL_B, "V_CMS_CONTENT_TYPE", -1 },
	{ "an INTEGER-valued signed attribute", "ec", "-cades", 0, D_NONE, C_VALUE_INT, V_CHECK_SIG_CRYPTO_FAILURE, V_LEVEL_B, "V_CMS_SIG_INVALID", -1 },
};

static void read_tmp(const char *name, vn_buf *b)
{
	char p[160];

	snprintf(p, sizeof p, "%s/%s", tmpdir, name);
	vn_buf_init(b, V_MAX_DOCUMENT);
	ck_assert_msg(vn_buf_read_file(b, p) == VN_OK, "read %s", p);
}

static void write_tmp(const char *name, const void *d, size_t n)
{
	char p[160];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", tmpdir, name);
	f = fopen(p, "wb");
	ck_assert(f != NULL && fwrite(d, 1, n, f) == n);
	fclose(f);
}

static unsigned char *find(unsigned char *h, size_t hn, const void *needle, size_t nn)
{
	size_t i;

	for (i = 0; i + nn <= hn; i++)
		if (memcmp(h + i, needle, nn) == 0)
			return h + i;
	return NULL;
}

/* The elements of p/n with the bytes [off, off + olen) replaced by nb/nl,
 * appended to out: every definite length that encloses them grown or
 * shrunk to fit (short definite-length headers only in the input). */
static void der_splice(const unsigned char *p, size_t n, size_t off, size_t olen,
		       const unsigned char *nb, size_t nl, vn_buf *out)
{
	size_t at = 0;

	while (at < n) {
		size_t hl = 2, len = p[at + 1], k;
		if (p[at + 1] & 0x80) {
			hl = 2 + (p[at + 1] & 0x7fu);
			for (len = 0, k = 2; k < hl; k++)
				len = (len << 8) | p[at + k];
		}
		if (at == off) {
			ck_assert(vn_buf_append(out, nb, nl) == VN_OK);
			ck_assert(vn_buf_append(out, p + at + olen, n - at - olen) == VN_OK);
			return;
		}
		if (off > at && off < at + hl + len) {
			ck_assert(off >= at + hl && off + olen <= at + hl + len);
			ck_assert(v_der_put_hdr(out, p[at], len - olen + nl) == VN_OK);
			der_splice(p + at + hl, len, off - at - hl, olen, nb, nl, out);
		} else {
			ck_assert(vn_buf_append(out, p + at, hl + len) == VN_OK);
		}
		at += hl + len;
	}
}

/* Replace the element at q (inside b, short form length) by nb/nl. */
static void splice_at(vn_buf *b, const unsigned char *q, const unsigned char *nb, size_t nl)
{
	vn_buf out;

	ck_assert(q[1] < 0x80);
	vn_buf_init(&out, V_MAX_DOCUMENT);
	der_splice(b->data, b->len, (size_t)(q - b->data), 2u + q[1], nb, nl, &out);
	vn_buf_reset(b);
	ck_assert(vn_buf_append(b, out.data, out.len) == VN_OK);
	vn_buf_free(&out);
}

/* The CMS mutations: in place, or spliced with the lengths around fixed. */
static void mutate(const cms_case *c, vn_buf *b)
{
	static const unsigned char st_attr[] = { 0x30, 0x1c, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
						 0xf7, 0x0d, 0x01, 0x09, 0x05, 0x31, 0x0f, 0x17,
						 0x0d };
	static const unsigned char md_attr[] = { 0x30, 0x2f, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
						 0xf7, 0x0d, 0x01, 0x09, 0x04 };
	static const unsigned char ct_attr[] = { 0x30, 0x18, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
						 0xf7, 0x0d, 0x01, 0x09, 0x03, 0x31, 0x0b, 0x06,
						 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
						 0x07, 0x01 };
	unsigned char *p;

	switch (c->mut) {
	case C_FLIP_SIG:
		/* Without unsigned attributes the signature value ends the
		 * input; its last octet is inside s (ECDSA) or the RSA value. */
		b->data[b->len - 2] ^= 0x01;
		break;
	case C_FLIP_CONTENT:
		p = find(b->data, b->len, "format layer", 12);
		ck_assert(p != NULL);
		p[0] ^= 0x20;
		break;
	case C_CONTENT_TYPE:
		p = find(b->data, b->len, ct_attr, sizeof ct_attr);
		ck_assert(p != NULL);
		p[sizeof ct_attr - 1] = 0x02;	/* id-signedData: not the eContentType */
		break;
	case C_STIME_BYTE:
		/* the last digit of the seconds: still a time, not the one signed */
		p = find(b->data, b->len, st_attr, sizeof st_attr);
		ck_assert(p != NULL);
		p[sizeof st_attr + 11] ^= 0x01;
		break;
	case C_BER_LEN: {
		/* content-type's SEQUENCE length in two octets (X.690 8.1.3.5
		 * allows it, 10.1 does not) */
		unsigned char ber[64];
		p = find(b->data, b->len, ct_attr, sizeof ct_attr);
		ck_assert(p != NULL);
		ber[0] = 0x30;
		ber[1] = 0x81;
		memcpy(ber + 2, p + 1, sizeof ct_attr - 1);
		splice_at(b, p, ber, sizeof ct_attr + 1);
		break;
	}
	case C_TWO_MD: {
		/* the same attribute twice: still in DER order */
		unsigned char two[2 * 0x31];
		p = find(b->data, b->len, md_attr, sizeof md_attr);
		ck_assert(p != NULL);
		memcpy(two, p, 0x31);
		memcpy(two + 0x31, p, 0x31);
		splice_at(b, p, two, sizeof two);
		break;
	}
	case C_NO_CT:
		p = find(b->data, b->len, ct_attr, sizeof ct_attr);
		ck_assert(p != NULL);
		splice_at(b, p, NULL, 0);
		break;
	case C_VALUE_INT: {
		/* challengePassword (1.2.840.113549.1.9.7) with an INTEGER value
		 * before content-type, where DER order puts it: still DER, but a
		 * value type outside those read from the received bytes; and not
		 * what was signed */
		static const unsigned char extra[] = { 0x30, 0x10, 0x06, 0x09, 0x2a, 0x86, 0x48,
						       0x86, 0xf7, 0x0d, 0x01, 0x09, 0x07, 0x31,
						       0x03, 0x02, 0x01, 0x05 };
		unsigned char both[sizeof extra + sizeof ct_attr];
		p = find(b->data, b->len, ct_attr, sizeof ct_attr);
		ck_assert(p != NULL);
		memcpy(both, extra, sizeof extra);
		memcpy(both + sizeof extra, ct_attr, sizeof ct_attr);
		splice_at(b, p, both, sizeof both);
		break;
	}
	case C_SWAP_ATTRS: {
		/* content-type sorts first; put the attribute after it first. */
		unsigned char tmp[256];
		size_t l2;
		p = find(b->data, b->len, ct_attr, sizeof ct_attr);
		ck_assert(p != NULL && p[sizeof ct_attr] == 0x30 && p[sizeof ct_attr + 1] < 0x80);
		l2 = 2u + p[sizeof ct_attr + 1];
		memcpy(tmp, p + sizeof ct_attr, l2);
		memmove(p + l2, p, sizeof ct_attr);
		memcpy(p, tmp, l2);
		break;
	}
	case C_ESS_HASH: {
		vn_buf cb;
		const unsigned char *q;
		X509 *x;
		unsigned char h[32];
		unsigned int hl = 0;
		read_tmp("ec.crt", &cb);
		{
			BIO *bio = BIO_new_mem_buf(cb.data, (int)cb.len);
			x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
			BIO_free(bio);
		}
		ck_assert(x != NULL && X509_digest(x, EVP_sha256(), h, &hl));
		q = find(b->data, b->len, h, hl);
		ck_assert_msg(q != NULL, "certHash not found");
		b->data[q - b->data] ^= 0x01;
		X509_free(x);
		vn_buf_free(&cb);
		break;
	}
	default:
		break;
	}
}

static void run_cms(int _i)
{
	const cms_case *c = &cms_cases[_i];
	char sname[32], mname[32];
	vn_buf b;
	v_sigobj *o = NULL;
	size_t n = 0;
	v_data d;
	unsigned char dg[EVP_MAX_MD_SIZE], bad[sizeof test_data];
	unsigned int dgl = 0;
	char why[256];
	vn_err e;
	int r;

	if (!have_cli) {
		fprintf(stderr, "SKIP: %s (no openssl CLI)\n", c->name);
		return;
	}
	snprintf(sname, sizeof sname, "s%d", _i);
	snprintf(mname, sizeof mname, "m%d", _i);
	ck_assert_msg(sh("cd %s && openssl cms -sign -binary -md sha256 %s -signer %s.crt "
			 "-inkey %s.key -in data -outform %s -out %s %s 2>/dev/null",
			 tmpdir, c->detached ? "" : "-nodetach", c->key, c->key,
			 c->mut == C_PEM ? "PEM" : "DER", sname, c->opts) == 0,
		      "%s: openssl cms -sign", c->name);
	read_tmp(sname, &b);
	mutate(c, &b);
	write_tmp(mname, b.data, b.len);

	memset(&d, 0, sizeof d);
	memcpy(bad, test_data, sizeof test_data);
	bad[3] ^= 0x01;
	if (c->data == D_BYTES || c->data == D_TAMPERED) {
		d.bytes = c->data == D_BYTES ? (const unsigned char *)test_data : bad;
		d.len = sizeof test_data - 1;
	} else if (c->data != D_NONE) {
		const char *alg = c->data == D_DIGEST_384 ? "SHA-384" : "SHA-256";
		ck_assert(EVP_Digest(test_data, sizeof test_data - 1, dg, &dgl,
				     c->data == D_DIGEST_384 ? EVP_sha384() : EVP_sha256(), NULL));
		if (c->data == D_DIGEST_WRONG)
			dg[5] ^= 0x10;
		d.digest_alg = alg;
		d.digest = dg;
		d.digest_len = dgl;
	}
	if (c->mut != C_PEM)
		ck_assert(v_detect(b.data, b.len) == V_INPUT_CMS);
	e = v_cms_parse(b.data, b.len, c->data == D_NONE ? NULL : &d, &o, &n, why, sizeof why);
	ck_assert_msg(e == VN_OK, "%s: %s (%s)", c->name, vn_err_name(e), why);
	ck_assert_int_eq(n, 1);
	ck_assert_msg(o[0].check == c->want_check, "%s: check %d, want %d", c->name, o[0].check,
		      c->want_check);
	ck_assert_msg(o[0].level == c->want_level, "%s: level %d, want %d", c->name, o[0].level,
		      c->want_level);
	if (c->want_finding != NULL)
		ck_assert_msg(vn_findings_has(&o[0].findings, c->want_finding), "%s: no %s", c->name,
			      c->want_finding);
	ck_assert(o[0].format == V_FMT_CMS);
	ck_assert(o[0].signer != NULL);
	ck_assert_str_eq(o[0].digest_alg, "SHA-256");
	ck_assert_str_eq(o[0].sig_alg, strstr(c->opts, "pss") ? "RSASSA-PSS"
				       : strcmp(c->key, "ec") == 0 ? "ECDSA" : "RSA");
	ck_assert(o[0].has_signing_cert_ref == (c->want_level == V_LEVEL_B &&
						c->want_check != V_CHECK_NO_SIGNING_CERT));
	if (strstr(c->opts, "noattr") == NULL && c->mut != C_SWAP_ATTRS)
		ck_assert(o[0].claimed_time != VN_TIME_NONE);
	v_sigobj_free(&o[0]);
	free(o);

	/* Differential: openssl's own verification (no path building) agrees
	 * on the cryptographic outcome. */
	if (c->openssl >= 0) {
		if (c->data == D_BYTES || c->data == D_TAMPERED)
			write_tmp("content", d.bytes, d.len);
		r = sh("cd %s && openssl cms -verify -noverify -binary -inform DER -in %s %s "
		       "-out /dev/null >/dev/null 2>&1",
		       tmpdir, mname, c->detached ? "-content content" : "");
		ck_assert_msg((r == 0) == (c->openssl == 1), "%s: openssl cms -verify says %d",
			      c->name, r);
	}
	vn_buf_free(&b);
}

START_TEST(test_cms)
{
	run_cms(_i);
}
END_TEST

/* A signature that is mathematically right over signed attributes that
 * break OpenSSL's attribute rules (two signing-time attributes): refused
 * as V_CMS_SIG_INVALID, with or without the signer key's table (_i = 1):
 * the fast check must leave such a SignerInfo to OpenSSL. The signature is
 * made here over the DER of the attributes, since OpenSSL will not sign
 * them. */
static int attr_der_cmp(const void *a, const void *b)
{
	const unsigned char *const *x = a, *const *y = b;
	int lx = (int)(*x)[1] + 2, ly = (int)(*y)[1] + 2;	/* short forms only */
	int c = memcmp(*x, *y, (size_t)(lx < ly ? lx : ly));

	return c != 0 ? c : lx - ly;
}

START_TEST(test_cms_attr_rules)
{
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL,
					CMS_PARTIAL | CMS_BINARY | CMS_DETACHED);
	CMS_SignerInfo *si;
	ASN1_TIME *t = ASN1_TIME_set(NULL, 1700000000);
	ASN1_OBJECT *data_oid = OBJ_nid2obj(NID_pkcs7_data);
	unsigned char md[32], *enc[4] = {NULL}, set[512], sig[80], *der = NULL;
	size_t setlen = 3, siglen = sizeof sig, n = 0;
	EVP_MD_CTX *mc = EVP_MD_CTX_new();
	v_sigobj *o = NULL;
	v_data d;
	char why[256];
	int len, i;

	ck_assert(cms != NULL && t != NULL && mc != NULL);
	si = CMS_add1_signer(cms, ec_cert, ec_key, EVP_sha256(),
			     CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP);
	ck_assert_ptr_nonnull(si);
	ck_assert(EVP_Digest(test_data, sizeof test_data - 1, md, NULL, EVP_sha256(), NULL));
	ck_assert_int_eq(CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
						     data_oid, -1), 1);
	ck_assert_int_eq(CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest,
						     V_ASN1_OCTET_STRING, md, (int)sizeof md), 1);
	ck_assert_int_eq(CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, V_ASN1_UTCTIME, t, -1), 1);
	ck_assert_int_eq(CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, V_ASN1_UTCTIME, t, -1), 1);
	ck_assert_int_eq(CMS_signed_get_attr_count(si), 4);
	for (i = 0; i < 4; i++) {
		len = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &enc[i]);
		ck_assert(len > 0 && len < 128 && enc[i][1] < 0x80);
	}
	qsort(enc, 4, sizeof enc[0], attr_der_cmp);	/* DER: a SET OF in order */
	for (i = 0; i < 4; i++) {
		memcpy(set + setlen, enc[i], (size_t)enc[i][1] + 2);
		setlen += (size_t)enc[i][1] + 2;
		OPENSSL_free(enc[i]);
	}
	/* SET, long form of one length byte: the four attributes are 128-255 bytes */
	ck_assert(setlen - 3 >= 0x80 && setlen - 3 < 0x100);
	set[0] = 0x31;
	set[1] = 0x81;
	set[2] = (unsigned char)(setlen - 3);
	ck_assert_int_eq(EVP_DigestSignInit(mc, NULL, EVP_sha256(), NULL, ec_key), 1);
	ck_assert_int_eq(EVP_DigestSign(mc, sig, &siglen, set, setlen), 1);
	ck_assert_int_eq(ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), sig, (int)siglen), 1);
	len = i2d_CMS_ContentInfo(cms, &der);
	ck_assert_int_gt(len, 0);
	if (_i == 1)
		ck_assert_int_eq(vn_p256_table_now(X509_get_X509_PUBKEY(ec_cert)), 0);
	memset(&d, 0, sizeof d);
	d.bytes = (const unsigned char *)test_data;
	d.len = sizeof test_data - 1;
	ck_assert_int_eq(v_cms_parse(der, (size_t)len, &d, &o, &n, why, sizeof why), VN_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(o[0].check, V_CHECK_SIG_CRYPTO_FAILURE);
	ck_assert(vn_findings_has(&o[0].findings, "V_CMS_SIG_INVALID"));
	v_sigobj_free(&o[0]);
	free(o);
	OPENSSL_free(der);
	EVP_MD_CTX_free(mc);
	ASN1_TIME_free(t);
	CMS_ContentInfo_free(cms);
}
END_TEST

/* The same rows with a fixed-base table for the EC signer's key
 * (vn_p256.h): every verdict and finding stays the same. */
START_TEST(test_cms_table)
{
	char p[160];
	FILE *f;
	X509 *x;

	if (!have_cli) {
		fprintf(stderr, "SKIP: no openssl CLI\n");
		return;
	}
	snprintf(p, sizeof p, "%s/ec.crt", tmpdir);
	f = fopen(p, "r");
	ck_assert_ptr_nonnull(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(vn_p256_table_now(X509_get_X509_PUBKEY(x)), 0);
	X509_free(x);
	run_cms(_i);
}
END_TEST

/* A certificate-only SignedData, random bytes, a non-SignedData CMS. */
START_TEST(test_cms_malformed)
{
	static const unsigned char junk[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
	static const char pem_bad[] = "-----BEGIN CMS-----\n@@@@\n-----END CMS-----\n";
	v_sigobj *o = NULL;
	size_t n = 0;
	char why[256];
	vn_buf b;

	ck_assert(v_cms_parse(junk, sizeof junk, NULL, &o, &n, why, sizeof why) ==
		  VN_ERR_MALFORMED);
	ck_assert(o == NULL && n == 0 && why[0] != '\0');
	ck_assert(v_cms_parse((const unsigned char *)pem_bad, sizeof pem_bad - 1, NULL, &o, &n,
			      why, sizeof why) == VN_ERR_MALFORMED);
	/* a footer of the other label: broken PEM, whatever is inside */
	{
		static const char mixed[] = "-----BEGIN CMS-----\nMAA=\n-----END PKCS7-----\n";
		unsigned char *der = NULL;
		size_t dn = 0;
		ck_assert_int_eq(v_cms_pem_decode((const unsigned char *)mixed, sizeof mixed - 1, &der,
						  &dn), VN_ERR_MALFORMED);
		ck_assert_ptr_null(der);
		ck_assert_int_eq(v_cms_pem_decode((const unsigned char *)"-----BEGIN X", 12, &der, &dn),
				 VN_ERR_NOT_FOUND);
	}
	if (!have_cli)
		return;
	ck_assert(sh("cd %s && openssl crl2pkcs7 -nocrl -certfile ec.crt -outform DER -out certs "
		     "2>/dev/null",
		     tmpdir) == 0);
	read_tmp("certs", &b);
	ck_assert(v_detect(b.data, b.len) == V_INPUT_CMS);
	ck_assert(v_cms_parse(b.data, b.len, NULL, &o, &n, why, sizeof why) == VN_ERR_MALFORMED);
	vn_buf_free(&b);
	/* trailing garbage after the ContentInfo */
	ck_assert(sh("cd %s && openssl cms -sign -binary -md sha256 -nodetach -signer ec.crt "
		     "-inkey ec.key -in data -outform DER -out tg 2>/dev/null && printf X >> tg",
		     tmpdir) == 0);
	read_tmp("tg", &b);
	ck_assert(v_cms_parse(b.data, b.len, NULL, &o, &n, why, sizeof why) == VN_ERR_MALFORMED);
	vn_buf_free(&b);
}
END_TEST

/* ---- CAdES unsigned attributes, added with the OpenSSL API ------------ */

/* Stage k adds: 0 nothing, 1 a signature timestamp, 2 certificate and
 * revocation values, 3 an archive timestamp v3. The timestamp tokens are
 * stand-ins (any SEQUENCE): the format layer hands them on, the timestamp
 * code judges them. */
typedef struct unsigned_case {
	const char *name;
	int stage;
	v_ades_level want;
} unsigned_case;

static const unsigned_case unsigned_cases[] = {
	{ "B", 0, V_LEVEL_B },
	{ "T", 1, V_LEVEL_T },
	{ "LT", 2, V_LEVEL_LT },
	{ "LTA", 3, V_LEVEL_LTA },
	{ "values without timestamp stay B", 4, V_LEVEL_B },
	{ "content timestamp (signed attribute)", 5, V_LEVEL_B },
};

static void add_unsigned(CMS_SignerInfo *si, const char *oid, const unsigned char *der, int n)
{
	ck_assert(CMS_unsigned_add1_attr_by_txt(si, oid, V_ASN1_SEQUENCE, der, n) == 1);
}

static int der_of_basic_ocsp(unsigned char **out)
{
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	int n;

	ck_assert(bs != NULL);
	ck_assert(OCSP_basic_sign(bs, ec_cert, ec_key, EVP_sha256(), NULL, 0) == 1);
	*out = NULL;
	n = i2d_OCSP_BASICRESP(bs, out);
	ck_assert(n > 0);
	OCSP_BASICRESP_free(bs);
	return n;
}

START_TEST(test_cms_unsigned)
{
	const unsigned_case *c = &unsigned_cases[_i];
	static const unsigned char tok[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
	BIO *in = BIO_new_mem_buf(test_data, (int)sizeof test_data - 1);
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	unsigned char *der = NULL, *bo = NULL, *cd = NULL;
	unsigned char cv[4096], rv[4096];
	int n, bn = 0, cn;
	v_sigobj *o = NULL;
	size_t no = 0;
	char why[256];

	ck_assert(in != NULL);
	if (c->stage == 5) {
		/* id-aa-ets-contentTimestamp is signed: add it before signing */
		int fl = CMS_BINARY | CMS_CADES | CMS_PARTIAL;
		cms = CMS_sign(NULL, NULL, NULL, NULL, fl);
		ck_assert(cms != NULL);
		si = CMS_add1_signer(cms, ec_cert, ec_key, EVP_sha256(), fl);
		ck_assert(si != NULL);
		ck_assert(CMS_signed_add1_attr_by_txt(si, "1.2.840.113549.1.9.16.2.20",
						      V_ASN1_SEQUENCE, tok, sizeof tok) == 1);
		ck_assert(CMS_final(cms, in, NULL, fl) == 1);
	} else {
		cms = CMS_sign(ec_cert, ec_key, NULL, in, CMS_BINARY | CMS_CADES);
		ck_assert(cms != NULL);
		si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	}
	if (c->stage >= 1 && c->stage <= 3)
		add_unsigned(si, "1.2.840.113549.1.9.16.2.14", tok, sizeof tok);
	if (c->stage >= 2 && c->stage <= 4) {
		/* certValues: SEQUENCE OF Certificate (one: the RSA certificate) */
		cn = i2d_X509(rsa_cert, &cd);
		ck_assert(cn > 0 && cn < 4000);
		cv[0] = 0x30;
		cv[1] = 0x82;
		cv[2] = (unsigned char)(cn >> 8);
		cv[3] = (unsigned char)cn;
		memcpy(cv + 4, cd, (size_t)cn);
		add_unsigned(si, "1.2.840.113549.1.9.16.2.23", cv, cn + 4);
		/* revocationValues: SEQUENCE { ocspVals [1] SEQUENCE OF BasicOCSPResponse } */
		bn = der_of_basic_ocsp(&bo);
		ck_assert(bn < 4000);
		rv[0] = 0x30;
		rv[1] = 0x82;
		rv[2] = (unsigned char)((bn + 8) >> 8);
		rv[3] = (unsigned char)(bn + 8);
		rv[4] = 0xa1;
		rv[5] = 0x82;
		rv[6] = (unsigned char)((bn + 4) >> 8);
		rv[7] = (unsigned char)(bn + 4);
		rv[8] = 0x30;
		rv[9] = 0x82;
		rv[10] = (unsigned char)(bn >> 8);
		rv[11] = (unsigned char)bn;
		memcpy(rv + 12, bo, (size_t)bn);
		add_unsigned(si, "1.2.840.113549.1.9.16.2.24", rv, bn + 12);
	}
	if (c->stage == 3)
		add_unsigned(si, "0.4.0.1733.2.4", tok, sizeof tok);
	n = i2d_CMS_ContentInfo(cms, &der);
	ck_assert(n > 0);

	ck_assert_msg(v_cms_parse(der, (size_t)n, NULL, &o, &no, why, sizeof why) == VN_OK, "%s",
		      why);
	ck_assert_int_eq(no, 1);
	ck_assert_msg(o[0].level == c->want, "%s: level %d", c->name, o[0].level);
	ck_assert(o[0].check == V_CHECK_OK);
	ck_assert(o[0].has_signing_cert_ref);
	if (c->stage == 5) {
		ck_assert_int_eq(o[0].ntss, 1);
		ck_assert(o[0].tss[0].kind == V_TS_CONTENT);
		ck_assert(o[0].tss[0].imprint_input.n == sizeof test_data - 1);
		ck_assert(memcmp(o[0].tss[0].imprint_input.p, test_data, sizeof test_data - 1) == 0);
	}
	if (c->stage >= 1 && c->stage <= 3) {
		/* DER sorts the unsigned attributes: find the token by kind */
		size_t k = o[0].ntss > 1 && o[0].tss[0].kind != V_TS_SIGNATURE;
		ck_assert(o[0].ntss >= 1 && o[0].tss[k].kind == V_TS_SIGNATURE);
		ck_assert(o[0].tss[k].token.n == sizeof tok);
		ck_assert(o[0].tss[k].imprint_input.n == o[0].signature_value.n);
		ck_assert(memcmp(o[0].tss[k].imprint_input.p, o[0].signature_value.p,
				 o[0].signature_value.n) == 0);
	}
	if (c->stage >= 2 && c->stage <= 4) {
		const unsigned char *q = o[0].ocsps[0].p;
		OCSP_RESPONSE *r;
		OCSP_BASICRESP *bs;
		unsigned char *bd = NULL;
		ck_assert_int_eq(sk_X509_num(o[0].certs), 2);
		ck_assert_int_eq(o[0].nocsps, 1);
		r = d2i_OCSP_RESPONSE(NULL, &q, (long)o[0].ocsps[0].n);
		ck_assert(r != NULL && q == o[0].ocsps[0].p + o[0].ocsps[0].n);
		bs = OCSP_response_get1_basic(r);
		ck_assert(bs != NULL);
		/* the responder's bytes are carried unchanged */
		ck_assert(i2d_OCSP_BASICRESP(bs, &bd) == bn && memcmp(bd, bo, (size_t)bn) == 0);
		OPENSSL_free(bd);
		OCSP_BASICRESP_free(bs);
		OCSP_RESPONSE_free(r);
	}
	if (c->stage == 3) {
		ck_assert_int_eq(o[0].ntss, 2);
		ck_assert((o[0].tss[0].kind == V_TS_ARCHIVE && o[0].tss[0].imprint_input.n == 0) ||
			  (o[0].tss[1].kind == V_TS_ARCHIVE && o[0].tss[1].imprint_input.n == 0));
		ck_assert(vn_findings_has(&o[0].findings, "V_CMS_ARCHIVE_TS_NOT_CHECKED"));
	}
	v_sigobj_free(&o[0]);
	free(o);
	OPENSSL_free(der);
	OPENSSL_free(bo);
	OPENSSL_free(cd);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
}
END_TEST

/* OpenSSL's attribute rules on the unsigned side (CMS_SignerInfo_verify
 * applies them): a valid signature with unsigned attributes that break
 * them is refused as V_CMS_SIG_INVALID, whether the split took the
 * attributes out of OpenSSL's decode (taken, v_dersplit.h U) or left them
 * in; with or without the signer key's table (odd _i). */
typedef struct urule_case {
	const char *name;
	int kind;
	int taken;		/* the split takes the unsigned attributes */
	v_check want;
} urule_case;

enum { UR_SCV2, UR_CT, UR_CS_EMPTY, UR_CS_TWO, UR_RR_TWO_VALUES };

static const urule_case urule_cases[] = {
	{ "signing-certificate-v2 as unsigned", UR_SCV2, 1, V_CHECK_SIG_CRYPTO_FAILURE },
	{ "content-type as unsigned (an OID value)", UR_CT, 0, V_CHECK_SIG_CRYPTO_FAILURE },
	{ "countersignature without a value", UR_CS_EMPTY, 0, V_CHECK_SIG_CRYPTO_FAILURE },
	{ "two countersignatures (allowed)", UR_CS_TWO, 1, V_CHECK_OK },
	{ "receipt-request, two values, as unsigned", UR_RR_TWO_VALUES, 1,
	  V_CHECK_SIG_CRYPTO_FAILURE },
};

START_TEST(test_cms_unsigned_rules)
{
	const urule_case *c = &urule_cases[_i / 2];
	static const unsigned char tok[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
	BIO *in = BIO_new_mem_buf(test_data, (int)sizeof test_data - 1);
	CMS_ContentInfo *cms, *back;
	CMS_SignerInfo *si;
	X509_ATTRIBUTE *at = NULL;
	STACK_OF(X509) *certs = NULL;
	unsigned char *der = NULL;
	v_der_sids sids;
	v_sigobj *o = NULL;
	size_t no = 0;
	char why[256];
	int n;

	ck_assert(in != NULL);
	cms = CMS_sign(ec_cert, ec_key, NULL, in, CMS_BINARY | CMS_CADES);
	ck_assert(cms != NULL);
	si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	/* a signature timestamp stand-in, so there is always one to take */
	add_unsigned(si, "1.2.840.113549.1.9.16.2.14", tok, sizeof tok);
	switch (c->kind) {
	case UR_SCV2:
		add_unsigned(si, "1.2.840.113549.1.9.16.2.47", tok, sizeof tok);
		break;
	case UR_CT:
		ck_assert(CMS_unsigned_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
							OBJ_nid2obj(NID_pkcs7_data), -1) == 1);
		break;
	case UR_CS_EMPTY:
		at = X509_ATTRIBUTE_create_by_NID(NULL, NID_pkcs9_countersignature, 0, NULL, -1);
		ck_assert(at != NULL && X509_ATTRIBUTE_count(at) == 0);
		ck_assert(CMS_unsigned_add1_attr(si, at) == 1);
		X509_ATTRIBUTE_free(at);
		break;
	case UR_CS_TWO:
		add_unsigned(si, "1.2.840.113549.1.9.6", tok, sizeof tok);
		add_unsigned(si, "1.2.840.113549.1.9.6", tok, sizeof tok);
		break;
	default:
		at = X509_ATTRIBUTE_create_by_NID(NULL, NID_id_smime_aa_receiptRequest,
						  V_ASN1_SEQUENCE, tok, sizeof tok);
		ck_assert(at != NULL);
		ck_assert(X509_ATTRIBUTE_set1_data(at, V_ASN1_SEQUENCE, tok, sizeof tok) == 1);
		ck_assert(X509_ATTRIBUTE_count(at) == 2);
		ck_assert(CMS_unsigned_add1_attr(si, at) == 1);
		X509_ATTRIBUTE_free(at);
		break;
	}
	n = i2d_CMS_ContentInfo(cms, &der);
	ck_assert(n > 0);
	/* which way the unsigned attributes go */
	back = v_der_cms_decode(der, (size_t)n, V_MAX_DOCUMENT, &certs, &sids, V_DER_UATTRS);
	ck_assert(back != NULL && sids.n == 1);
	ck_assert_msg((sids.sid[0].uattrs.p != NULL) == c->taken, "%s", c->name);
	CMS_ContentInfo_free(back);
	sk_X509_pop_free(certs, X509_free);
	if (_i % 2 == 1)
		ck_assert_int_eq(vn_p256_table_now(X509_get_X509_PUBKEY(ec_cert)), 0);
	ck_assert_msg(v_cms_parse(der, (size_t)n, NULL, &o, &no, why, sizeof why) == VN_OK, "%s",
		      why);
	ck_assert_int_eq(no, 1);
	ck_assert_msg(o[0].check == c->want, "%s: check %d", c->name, o[0].check);
	ck_assert_msg(vn_findings_has(&o[0].findings, "V_CMS_SIG_INVALID") ==
			      (c->want == V_CHECK_SIG_CRYPTO_FAILURE), "%s", c->name);
	v_sigobj_free(&o[0]);
	free(o);
	OPENSSL_free(der);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
}
END_TEST

/* ---- DSS corpus ------------------------------------------------------- */

#define DSS_CADES "esig/dss/dss-cades/src/test/resources/validation/"

typedef struct corpus_case {
	const char *rel;
	v_check want_check;
	v_ades_level want_level;
	const char *want_finding;
} corpus_case;

static const corpus_case corpus_cases[] = {
	/* DSS CMSNoSigningCertificateTest: INDETERMINATE /
	 * NO_SIGNING_CERTIFICATE_FOUND (no certificate is carried). */
	{ DSS_CADES "cms-no-sign-cert.p7m", V_CHECK_NO_SIGNING_CERT, V_LEVEL_NONE,
	  "V_CMS_NO_SIGNING_CERT" },
	/* DSS DSS2011LevelBTest without the document: INDETERMINATE /
	 * SIGNED_DATA_NOT_FOUND. */
	{ DSS_CADES "dss-2011/cades-detached.pkcs7", V_CHECK_SIGNED_DATA_NOT_FOUND, V_LEVEL_B,
	  "V_CMS_SIGNED_DATA_NOT_FOUND" },
	/* DSS CAdESWrongSignCertRefTest: the wrong signing-certificate
	 * reference is inside the signature timestamp token, not in the
	 * signature; DSS reports the signature as CAdES-BASELINE-LT and the
	 * timestamp as INDETERMINATE/NO_SIGNING_CERTIFICATE_FOUND. So the
	 * signature's own format checks pass here (its signing-certificate-v2
	 * matches, OCSP values in SignedData.crls make it LT), and the token is
	 * handed to the timestamp validation as a signature timestamp, whose
	 * imprint input is the signature value. */
	{ DSS_CADES "cms-wrong-sign-cert-ref.p7m", V_CHECK_OK, V_LEVEL_LT, NULL },
};

START_TEST(test_corpus)
{
	const corpus_case *c = &corpus_cases[_i];
	char path[512];
	const char *p = vn_test_corpus(c->rel, path, sizeof path);
	vn_buf b;
	v_sigobj *o = NULL;
	size_t n = 0, k;
	char why[256];

	VN_SKIP_NO_CORPUS(p, c->rel);
	vn_buf_init(&b, V_MAX_DOCUMENT);
	ck_assert(vn_buf_read_file(&b, p) == VN_OK);
	ck_assert(v_detect(b.data, b.len) == V_INPUT_CMS);
	ck_assert_msg(v_cms_parse(b.data, b.len, NULL, &o, &n, why, sizeof why) == VN_OK, "%s",
		      why);
	ck_assert_int_eq(n, 1);
	ck_assert_msg(o[0].check == c->want_check, "%s: check %d", c->rel, o[0].check);
	ck_assert_msg(o[0].level == c->want_level, "%s: level %d", c->rel, o[0].level);
	if (c->want_finding != NULL)
		ck_assert(vn_findings_has(&o[0].findings, c->want_finding));
	if (c->want_level == V_LEVEL_LT) {
		ck_assert(o[0].has_signing_cert_ref);
		ck_assert_int_eq(o[0].ntss, 1);
		ck_assert(o[0].tss[0].kind == V_TS_SIGNATURE);
		ck_assert(o[0].tss[0].imprint_input.n == o[0].signature_value.n);
		ck_assert(memcmp(o[0].tss[0].imprint_input.p, o[0].signature_value.p,
				 o[0].signature_value.n) == 0);
		ck_assert(o[0].nocsps > 0);
		/* each carried BasicOCSPResponse reads as a full OCSPResponse */
		for (k = 0; k < o[0].nocsps; k++) {
			const unsigned char *q = o[0].ocsps[k].p;
			OCSP_RESPONSE *r = d2i_OCSP_RESPONSE(NULL, &q, (long)o[0].ocsps[k].n);
			OCSP_BASICRESP *bs = r != NULL ? OCSP_response_get1_basic(r) : NULL;
			ck_assert(r != NULL && bs != NULL);
			ck_assert(OCSP_response_status(r) == OCSP_RESPONSE_STATUS_SUCCESSFUL);
			OCSP_BASICRESP_free(bs);
			OCSP_RESPONSE_free(r);
		}
	}
	for (k = 0; k < n; k++)
		v_sigobj_free(&o[k]);
	free(o);
	vn_buf_free(&b);
}
END_TEST

static Suite *v_format_suite(void)
{
	Suite *s = suite_create("v_format");
	TCase *tc = tcase_create("format");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_detect, 0, N(detect_cases));
	tcase_add_loop_test(tc, test_rs_to_der, 0, N(rs_cases));
	tcase_add_loop_test(tc, test_raw, 0, N(raw_cases));
	tcase_add_loop_test(tc, test_raw_table, 0, N(raw_cases));
	tcase_add_loop_test(tc, test_cms, 0, N(cms_cases));
	tcase_add_loop_test(tc, test_cms_table, 0, N(cms_cases));
	tcase_add_loop_test(tc, test_cms_attr_rules, 0, 2);
	tcase_add_test(tc, test_cms_malformed);
	tcase_add_loop_test(tc, test_cms_unsigned, 0, N(unsigned_cases));
	tcase_add_loop_test(tc, test_cms_unsigned_rules, 0, 2 * N(urule_cases));
	tcase_add_loop_test(tc, test_corpus, 0, N(corpus_cases));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return vn_test_run(v_format_suite());
}
