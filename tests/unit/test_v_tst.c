/* Check suite for RFC 3161 timestamps: tokens made here with `openssl ts`
 * by a TSA whose key and certificate the suite generates (EKU timeStamping,
 * critical), trusted through a bare anchor or a trusted-list TSA service. */
#include "tests/unit/vn_test.h"

#include <stdarg.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "node/v_tst.h"
#include "node/v_tst_int.h"
#include "node/v_tscache.h"
#include "tests/unit/v_test_tl.h"

static char dir[] = "/tmp/vn_tst_XXXXXX";
static const char data[] = "the signature value a timestamp covers";

static int sh(const char *fmt, ...) VN_PRINTF(1, 2);
static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	return system(cmd);
}

static int make_material(void)
{
	FILE *fp;
	char p[512];

	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(p, sizeof p, "%s/data", dir);
	if ((fp = fopen(p, "w")) == NULL)
		return -1;
	fputs(data, fp);
	fclose(fp);
	snprintf(p, sizeof p, "%s/ts.cnf", dir);
	if ((fp = fopen(p, "w")) == NULL)
		return -1;
	fprintf(fp, "[ tsa ]\ndefault_tsa = t\n[ t ]\nserial = %s/serial\nsigner_digest = sha256\n"
		    "default_policy = 1.2.3.4.1\ndigests = sha256\naccuracy = secs:1\n"
		    "ess_cert_id_alg = sha256\n", dir);
	fclose(fp);
	snprintf(p, sizeof p, "%s/ext.cnf", dir);
	if ((fp = fopen(p, "w")) == NULL)
		return -1;
	fputs("extendedKeyUsage=critical,timeStamping\nkeyUsage=critical,digitalSignature\n", fp);
	fclose(fp);
	return sh("cd %s && exec >log 2>&1 && "
		  "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key "
		  "-out ca.pem -subj '/CN=Test TSA CA' -days 30 -addext basicConstraints=critical,CA:TRUE "
		  "-addext keyUsage=critical,keyCertSign && "
		  "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tsa.key "
		  "-out tsa.csr -subj '/CN=Test TSA' && "
		  "openssl x509 -req -in tsa.csr -CA ca.pem -CAkey ca.key -set_serial 2 -days 30 "
		  "-extfile ext.cnf -out tsa.pem && "
		  "openssl ts -query -data data -sha256 -cert -no_nonce -out q1.tsq && "
		  "openssl ts -query -data data -sha256 -no_nonce -out q2.tsq && "
		  "openssl ts -reply -config ts.cnf -queryfile q1.tsq -signer tsa.pem -inkey tsa.key "
		  "-token_out -out good.tst && "
		  "openssl ts -reply -config ts.cnf -queryfile q2.tsq -signer tsa.pem -inkey tsa.key "
		  "-token_out -out nocert.tst", dir);
}

static void slurp(const char *name, v_blob *b)
{
	char p[512];
	FILE *fp;
	long n;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	fp = fopen(p, "rb");
	ck_assert_ptr_nonnull(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	b->p = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(b->p);
	b->n = fread(b->p, 1, (size_t)n, fp);
	fclose(fp);
}

static X509 *pem(const char *name)
{
	char p[512];
	FILE *fp;
	X509 *x;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	fp = fopen(p, "r");
	ck_assert_ptr_nonnull(fp);
	x = PEM_read_X509(fp, NULL, NULL, NULL);
	fclose(fp);
	ck_assert_ptr_nonnull(x);
	return x;
}

enum { TOK_GOOD, TOK_NOCERT, TOK_GARBAGE, TOK_TRUNC, TOK_TAMPERED };
enum { IMP_GOOD, IMP_WRONG, IMP_EMPTY };
enum { TR_NONE, TR_ANCHOR, TR_QTST, TR_QTST_WITHDRAWN, TR_TSA, TR_CAQC_CA, TR_QTST_CA };

typedef struct tcase {
	const char *name;
	int tok, imp, trust;
	vn_indication ind;
	vn_subind sub;
	int qualified;
} tcase;

static const tcase cases[] = {
	{"good, bare anchor", TOK_GOOD, IMP_GOOD, TR_ANCHOR, VN_IND_TOTAL_PASSED, VN_SUB_NONE, 0},
	{"good, TSA/QTST granted", TOK_GOOD, IMP_GOOD, TR_QTST, VN_IND_TOTAL_PASSED, VN_SUB_NONE, 1},
	{"good, TSA/QTST CA granted", TOK_GOOD, IMP_GOOD, TR_QTST_CA, VN_IND_TOTAL_PASSED, VN_SUB_NONE, 1},
	{"TSA/QTST withdrawn at genTime", TOK_GOOD, IMP_GOOD, TR_QTST_WITHDRAWN, VN_IND_TOTAL_PASSED,
	 VN_SUB_NONE, 0},
	{"TSA (not qualified) service", TOK_GOOD, IMP_GOOD, TR_TSA, VN_IND_TOTAL_PASSED, VN_SUB_NONE, 0},
	{"imprint mismatch", TOK_GOOD, IMP_WRONG, TR_QTST, VN_IND_TOTAL_FAILED, VN_SUB_HASH_FAILURE, 0},
	{"imprint input absent", TOK_GOOD, IMP_EMPTY, TR_QTST, VN_IND_INDETERMINATE,
	 VN_SUB_SIGNED_DATA_NOT_FOUND, 0},
	{"untrusted TSA", TOK_GOOD, IMP_GOOD, TR_NONE, VN_IND_INDETERMINATE,
	 VN_SUB_NO_CERTIFICATE_CHAIN_FOUND, 0},
	{"CA listed as CA/QC only", TOK_GOOD, IMP_GOOD, TR_CAQC_CA, VN_IND_INDETERMINATE,
	 VN_SUB_NO_CERTIFICATE_CHAIN_FOUND, 0},
	{"garbage", TOK_GARBAGE, IMP_GOOD, TR_QTST, VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE, 0},
	{"truncated", TOK_TRUNC, IMP_GOOD, TR_QTST, VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE, 0},
	{"signature tampered", TOK_TAMPERED, IMP_GOOD, TR_QTST, VN_IND_TOTAL_FAILED,
	 VN_SUB_SIG_CRYPTO_FAILURE, 0},
	{"TSA certificate not in token", TOK_NOCERT, IMP_GOOD, TR_QTST, VN_IND_INDETERMINATE,
	 VN_SUB_NO_SIGNING_CERTIFICATE_FOUND, 0},
};

static tl_snapshot *snap(int trust, X509 *tsa, X509 *ca)
{
	char xml[32768] = "<tsl:TSPService><tsl:ServiceInformation>";
	vn_time now = vn_time_now();

	switch (trust) {
	case TR_QTST:
		vt_entry(xml, sizeof xml, tsa, "TSA/QTST", "granted", now - 86400, "");
		break;
	case TR_QTST_CA:
		vt_entry(xml, sizeof xml, ca, "TSA/QTST", "granted", now - 86400, "");
		break;
	case TR_TSA:
		vt_entry(xml, sizeof xml, tsa, "TSA", "granted", now - 86400, "");
		break;
	case TR_CAQC_CA:
		vt_entry(xml, sizeof xml, ca, "CA/QC", "granted", now - 86400, "");
		break;
	case TR_QTST_WITHDRAWN:
		vt_entry(xml, sizeof xml, tsa, "TSA/QTST", "withdrawn", now - 3600, "");
		strcat(xml, "</tsl:ServiceInformation><tsl:ServiceHistory><tsl:ServiceHistoryInstance>");
		vt_entry(xml, sizeof xml, tsa, "TSA/QTST", "granted", now - 10 * 86400, "");
		strcat(xml, "</tsl:ServiceHistoryInstance></tsl:ServiceHistory></tsl:TSPService>");
		return vt_snapshot(xml);
	default:
		return NULL;
	}
	strcat(xml, "</tsl:ServiceInformation></tsl:TSPService>");
	return vt_snapshot(xml);
}

START_TEST(test_ts)
{
	const tcase *c = &cases[_i];
	X509 *ca = pem("ca.pem"), *tsa = pem("tsa.pem");
	v_trust trust = {NULL, NULL};
	v_policy pol;
	v_ctx ctx = {&trust, &pol, NULL, NULL, NULL};
	v_timestamp ts;
	v_ts_result r;
	vn_findings f;
	vn_time now = vn_time_now();

	v_policy_default(&pol);
	vn_findings_init(&f);
	memset(&ts, 0, sizeof ts);
	ts.kind = V_TS_SIGNATURE;
	slurp(c->tok == TOK_NOCERT ? "nocert.tst" : "good.tst", &ts.token);
	if (c->tok == TOK_GARBAGE)
		memset(ts.token.p, 0x41, ts.token.n);
	else if (c->tok == TOK_TRUNC)
		ts.token.n /= 2;
	else if (c->tok == TOK_TAMPERED)
		ts.token.p[ts.token.n - 1] ^= 0x01;	/* the last byte of the signature value */
	if (c->imp != IMP_EMPTY) {
		ck_assert_int_eq(v_blob_set(&ts.imprint_input, data, strlen(data)), VN_OK);
		if (c->imp == IMP_WRONG)
			ts.imprint_input.p[0] ^= 1;
	}
	if (c->trust == TR_ANCHOR) {
		trust.anchors = sk_X509_new_null();
		sk_X509_push(trust.anchors, ca);
	}
	trust.snapshot = snap(c->trust, tsa, ca);
	ck_assert_int_eq(v_ts_validate_ex(&ctx, &ts, now + 60, &r, &f), VN_OK);
	ck_assert_msg(r.indication == c->ind && r.sub == c->sub,
		      "%s: got %s/%s, want %s/%s", c->name, vn_indication_name(r.indication),
		      vn_subind_name(r.sub) ? vn_subind_name(r.sub) : "-",
		      vn_indication_name(c->ind), vn_subind_name(c->sub) ? vn_subind_name(c->sub) : "-");
	ck_assert_int_eq(r.qualified, c->qualified);
	ck_assert_int_eq(r.kind, V_TS_SIGNATURE);
	if (c->tok == TOK_GOOD || c->tok == TOK_TAMPERED) {
		ck_assert(r.gen_time > now - 3600 && r.gen_time <= now + 5);
		ck_assert_ptr_nonnull(r.tsa);
		ck_assert_int_eq(X509_cmp(r.tsa, tsa), 0);
		ck_assert_str_eq(r.tsa_name, "CN=Test TSA");
	}
	if (c->imp == IMP_EMPTY)
		ck_assert(vn_findings_has(&f, "V_TS_NOT_VERIFIABLE"));
	v_ts_result_free(&r);
	v_ts_result_free(&r);	/* idempotent */
	ck_assert_ptr_null(r.tsa);
	/* the public entry point agrees */
	ck_assert_int_eq(v_ts_validate(&ctx, &ts, now + 60, &r), VN_OK);
	ck_assert_int_eq(r.indication, c->ind);
	v_ts_result_free(&r);
	tl_snapshot_unref(trust.snapshot);
	sk_X509_free(trust.anchors);
	free(ts.token.p);
	free(ts.imprint_input.p);
	vn_findings_free(&f);
	X509_free(ca);
	X509_free(tsa);
}
END_TEST

START_TEST(test_eku)
{
	X509 *ca = pem("ca.pem"), *tsa = pem("tsa.pem");

	ck_assert_int_eq(v_ts_tsa_eku_ok(tsa), 1);
	ck_assert_int_eq(v_ts_tsa_eku_ok(ca), 0);	/* no EKU at all */
	X509_free(ca);
	X509_free(tsa);
}
END_TEST

/* ---- the timestamp cache (v_tscache.h) ---------------------------------- */

enum { C_HIT, C_TOKEN_BYTE, C_TOKEN_MID, C_IMPRINT_BYTE, C_EVICT, C_SNAPSHOT, C_ANCHORS, C_FUTURE };

typedef struct ccase {
	const char *name;
	int kind;
	uint64_t hits, misses;	/* after the second validation */
} ccase;

static const ccase ccases[] = {
	{"same bytes, same snapshot: a hit", C_HIT, 1, 1},
	{"one token byte changed: a miss", C_TOKEN_BYTE, 0, 2},
	{"a byte changed before the slot's sample: a miss all the same", C_TOKEN_MID, 0, 2},
	{"one covered byte changed: a miss", C_IMPRINT_BYTE, 0, 2},
	{"evicted by another token in its slot", C_EVICT, 0, 3},
	{"another snapshot: a miss", C_SNAPSHOT, 0, 2},
	{"bare anchors: not cached", C_ANCHORS, 0, 0},
	{"genTime after the validation time: warned on a hit", C_FUTURE, 1, 1},
};

static void one(const v_ctx *ctx, const v_timestamp *ts, vn_time t, v_ts_result *r, vn_findings *f)
{
	vn_findings_init(f);
	ck_assert_int_eq(v_ts_validate_ex(ctx, ts, t, r, f), VN_OK);
}

START_TEST(test_cache)
{
	const ccase *c = &ccases[_i];
	X509 *ca = pem("ca.pem"), *tsa = pem("tsa.pem");
	v_trust trust = {NULL, NULL};
	v_policy pol;
	v_ctx ctx = {&trust, &pol, NULL, NULL, NULL};
	v_timestamp ts, other;
	v_ts_result r1, r2;
	vn_findings f1, f2;
	vn_time now = vn_time_now(), t2 = now + 60;
	tl_snapshot *s1, *s2 = NULL;
	uint64_t hits = 0, misses = 0;

	v_policy_default(&pol);
	ctx.tscache = v_tscache_new(c->kind == C_EVICT ? 1 : 64);
	ck_assert_ptr_nonnull(ctx.tscache);
	memset(&ts, 0, sizeof ts);
	memset(&other, 0, sizeof other);
	ts.kind = other.kind = V_TS_SIGNATURE;
	slurp("good.tst", &ts.token);
	slurp("nocert.tst", &other.token);
	ck_assert_int_eq(v_blob_set(&ts.imprint_input, data, strlen(data)), VN_OK);
	ck_assert_int_eq(v_blob_set(&other.imprint_input, data, strlen(data)), VN_OK);
	s1 = snap(TR_QTST, tsa, ca);
	trust.snapshot = s1;
	if (c->kind == C_ANCHORS) {
		trust.anchors = sk_X509_new_null();
		sk_X509_push(trust.anchors, ca);
	}
	one(&ctx, &ts, now + 60, &r1, &f1);
	ck_assert_int_eq(r1.indication, VN_IND_TOTAL_PASSED);
	switch (c->kind) {
	case C_TOKEN_BYTE:
		ts.token.p[ts.token.n - 1] ^= 0x01;
		break;
	case C_TOKEN_MID:
		/* the slot is chosen from each input's last bytes only: the
		 * same slot, and the full comparison must still miss */
		ck_assert_uint_gt(ts.token.n, 2 * 128);
		ts.token.p[ts.token.n / 2] ^= 0x01;
		break;
	case C_IMPRINT_BYTE:
		ts.imprint_input.p[0] ^= 0x01;
		break;
	case C_EVICT: {
		v_ts_result ro;
		vn_findings fo;
		one(&ctx, &other, now + 60, &ro, &fo);
		v_ts_result_free(&ro);
		vn_findings_free(&fo);
		break;
	}
	case C_SNAPSHOT:
		s2 = snap(TR_TSA, tsa, ca);
		trust.snapshot = s2;
		break;
	case C_FUTURE:
		t2 = now - 3600;
		break;
	default:
		break;
	}
	one(&ctx, &ts, t2, &r2, &f2);
	v_tscache_stats(ctx.tscache, &hits, &misses);
	ck_assert_msg(hits == c->hits && misses == c->misses, "%s: %llu hits, %llu misses", c->name,
		      (unsigned long long)hits, (unsigned long long)misses);
	switch (c->kind) {
	case C_TOKEN_BYTE:
		ck_assert_int_eq(r2.indication, VN_IND_TOTAL_FAILED);
		ck_assert_int_eq(r2.sub, VN_SUB_SIG_CRYPTO_FAILURE);
		break;
	case C_TOKEN_MID:
		ck_assert_int_ne(r2.indication, VN_IND_TOTAL_PASSED);
		break;
	case C_IMPRINT_BYTE:
		ck_assert_int_eq(r2.indication, VN_IND_TOTAL_FAILED);
		ck_assert_int_eq(r2.sub, VN_SUB_HASH_FAILURE);
		break;
	case C_SNAPSHOT:
		/* the same token, judged in the other snapshot: a TSA, not a QTST */
		ck_assert_int_eq(r2.indication, VN_IND_TOTAL_PASSED);
		ck_assert_int_eq(r1.qualified, 1);
		ck_assert_int_eq(r2.qualified, 0);
		break;
	case C_FUTURE:
		ck_assert(vn_findings_has(&f2, "V_TS_GENTIME_FUTURE"));
		ck_assert(!vn_findings_has(&f1, "V_TS_GENTIME_FUTURE"));
		/* fall through: otherwise the same outcome */
	default:
		/* a hit gives what the validation gave */
		ck_assert_int_eq(r2.indication, r1.indication);
		ck_assert_int_eq(r2.sub, r1.sub);
		ck_assert_int_eq(r2.qualified, r1.qualified);
		ck_assert_int_eq(r2.gen_time, r1.gen_time);
		ck_assert_str_eq(r2.tsa_name, r1.tsa_name);
		ck_assert_int_eq(X509_cmp(r2.tsa, r1.tsa), 0);
		if (c->kind != C_FUTURE)
			ck_assert_uint_eq(f2.n, f1.n);
		break;
	}
	v_ts_result_free(&r1);
	v_ts_result_free(&r2);
	vn_findings_free(&f1);
	vn_findings_free(&f2);
	/* entries hold their snapshot: freeing the cache after them is safe */
	tl_snapshot_unref(s1);
	tl_snapshot_unref(s2);
	v_tscache_free(ctx.tscache);
	sk_X509_free(trust.anchors);
	free(ts.token.p);
	free(ts.imprint_input.p);
	free(other.token.p);
	free(other.imprint_input.p);
	X509_free(ca);
	X509_free(tsa);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("v_tst");
	TCase *tc = tcase_create("core");
	int rc;

	if (make_material() != 0) {
		fprintf(stderr, "SKIP: openssl could not make the TSA material (see %s/log)\n", dir);
		return EXIT_SUCCESS;
	}
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_ts, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, test_eku);
	tcase_add_loop_test(tc, test_cache, 0, (int)(sizeof ccases / sizeof ccases[0]));
	suite_add_tcase(s, tc);
	rc = vn_test_run(s);
	sh("rm -rf %s", dir);
	return rc;
}
