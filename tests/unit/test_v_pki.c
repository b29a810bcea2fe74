/* Check suite for path building (node/v_pki.c): anchored by a list service
 * (partial chain), by a bare anchor, the issuer found only in the list,
 * no chain, validity at the control time, the nonRepudiation constraint, an
 * issuer that is not a CA, weak keys, a directly listed signer, a list
 * match without an interval in force. The PKI is made at test time. */
#include "tests/unit/vn_test.h"
#include "tests/unit/v_testpki.h"

#include "node/v_pki.h"
#include "node/v_pki_int.h"
#include "node/srv_policy.h"
#include "policies/pol.h"

static tp_cert root, ica, other_ca, signer, nonr, expired, future, notca, under_notca, weak,
	longlived, tsa, forged, sha1_signer;
static tl_snapshot *snap;
static vn_time now;

#define T_NOW 0
#define T_2020 1590969600	/* 2020-06-01 */
#define T_2015 1420070400	/* 2015-01-01: before the service's first interval */

typedef struct pcase {
	const char *name;
	tp_cert *signer;
	tp_cert *extra[3];
	int use_snap, use_anchor;
	vn_time t;
	int for_sig;
	v_path_status want;
	int by_list;		/* checked when want is V_PATH_OK */
	int chain_len;		/* 0: not checked */
	int entry;		/* -1: not checked, 0: NULL, 1: an interval */
	const char *why;	/* a substring of why, or NULL */
} pcase;

static const pcase cases[] = {
	{"list anchor, intermediate not self-signed (partial chain)", &signer, {&ica}, 1, 0, T_NOW,
	 1, V_PATH_OK, 1, 2, 1, NULL},
	{"issuer only in the list", &signer, {NULL}, 1, 0, T_NOW, 1, V_PATH_OK, 1, 2, 1, NULL},
	{"bare anchor", &signer, {&ica}, 0, 1, T_NOW, 1, V_PATH_OK, 0, 3, -1, NULL},
	{"bare anchor, intermediate missing", &signer, {NULL}, 0, 1, T_NOW, 1, V_PATH_NO_CHAIN, 0, 0,
	 -1, "no trust anchor"},
	{"nothing trusted", &signer, {&ica, &root}, 0, 0, T_NOW, 1, V_PATH_NO_CHAIN, 0, 0, -1,
	 "no trust anchor"},
	{"expired at t", &expired, {&ica}, 1, 0, T_NOW, 1, V_PATH_EXPIRED, 0, 0, -1, "expired"},
	{"expired signer valid at an earlier t", &expired, {&ica}, 1, 0, T_2020, 1, V_PATH_OK, 1, 2, 1,
	 NULL},
	{"not yet valid", &future, {&ica}, 1, 0, T_NOW, 1, V_PATH_NOT_YET_VALID, 0, 0, -1, NULL},
	{"no nonRepudiation for a signature", &nonr, {&ica}, 1, 0, T_NOW, 1, V_PATH_CONSTRAINTS, 0, 0,
	 -1, "nonRepudiation"},
	{"no nonRepudiation, not for a signature", &nonr, {&ica}, 1, 0, T_NOW, 0, V_PATH_OK, 1, 2, 1,
	 NULL},
	{"issuer that is not a CA", &under_notca, {&notca, &ica}, 1, 0, T_NOW, 1,
	 V_PATH_GENERAL_FAILURE, 0, 0, -1, "CA"},
	{"weak RSA key", &weak, {&ica}, 1, 0, T_NOW, 1, V_PATH_CRYPTO, 0, 0, -1, "RSA"},
	{"listed, no interval in force at t", &longlived, {&ica}, 1, 0, T_2015, 1, V_PATH_OK, 1, 2, 0,
	 NULL},
	{"signer listed directly (TSA), issuer unknown", &tsa, {NULL}, 1, 0, T_NOW, 0, V_PATH_OK, 1, 1,
	 1, NULL},
	{"signature by a key that is not the issuer's", &forged, {&ica}, 1, 0, T_NOW, 1,
	 V_PATH_NO_CHAIN, 0, 0, -1, NULL},
	{"bare anchor, forged signer", &forged, {&ica}, 0, 1, T_NOW, 1, V_PATH_NO_CHAIN, 0, 0, -1,
	 NULL},
};

START_TEST(test_path)
{
	const pcase *c = &cases[_i];
	v_policy pol;
	v_trust tr = {NULL, NULL};
	v_ctx ctx = {&tr, &pol, NULL, NULL};
	v_path p;
	STACK_OF(X509) *extra = sk_X509_new_null(), *anchors = sk_X509_new_null();
	size_t i;

	v_policy_default(&pol);
	for (i = 0; i < 3 && c->extra[i] != NULL; i++)
		sk_X509_push(extra, c->extra[i]->x);
	if (c->use_anchor)
		sk_X509_push(anchors, root.x);
	tr.snapshot = c->use_snap ? snap : NULL;
	tr.anchors = anchors;
	ck_assert_int_eq(v_path_build(&ctx, c->signer->x, extra, c->t == T_NOW ? now : c->t,
				      c->for_sig, &p),
			 VN_OK);
	ck_assert_msg(p.status == c->want, "%s: status %d, want %d (%s)", c->name, p.status, c->want,
		      p.why);
	if (c->why != NULL)
		ck_assert_msg(strstr(p.why, c->why) != NULL, "%s: why '%s'", c->name, p.why);
	if (c->want == V_PATH_OK) {
		ck_assert_int_eq(p.by_list, c->by_list);
		ck_assert_ptr_nonnull(p.anchor);
		ck_assert_ptr_nonnull(p.chain);
		ck_assert_int_eq(X509_cmp(sk_X509_value(p.chain, 0), c->signer->x), 0);
		ck_assert(p.anchor == sk_X509_value(p.chain, sk_X509_num(p.chain) - 1));
		ck_assert(p.expiry != VN_TIME_NONE);
		ck_assert_str_eq(p.why, "");
		if (c->by_list)
			ck_assert_ptr_nonnull(p.match.svc);
	}
	if (c->chain_len)
		ck_assert_int_eq(sk_X509_num(p.chain), c->chain_len);
	if (c->entry == 0)
		ck_assert_ptr_null(p.match.entry);
	if (c->entry == 1)
		ck_assert_ptr_nonnull(p.match.entry);
	v_path_free(&p);
	v_path_free(&p);	/* idempotent */
	sk_X509_free(extra);
	sk_X509_free(anchors);
}
END_TEST

/* The earliest notAfter along the chain is the path's expiry. */
START_TEST(test_expiry_and_anchor)
{
	v_policy pol;
	v_trust tr = {snap, NULL};
	v_ctx ctx = {&tr, &pol, NULL, NULL};
	v_path p;
	STACK_OF(X509) *extra = sk_X509_new_null();

	v_policy_default(&pol);
	sk_X509_push(extra, ica.x);
	ck_assert_int_eq(v_path_build(&ctx, signer.x, extra, now, 1, &p), VN_OK);
	ck_assert_int_eq(p.status, V_PATH_OK);
	ck_assert_int_eq(X509_cmp(p.anchor, ica.x), 0);
	ck_assert_str_eq(p.match.svc->service->entries[0].type, TP_CA_QC);
	ck_assert(p.expiry == v_asn1_time(X509_get0_notAfter(signer.x)));
	v_path_free(&p);
	/* a time that is not given is an error, not a verdict */
	ck_assert_int_eq(v_path_build(&ctx, signer.x, extra, VN_TIME_NONE, 1, &p), VN_ERR_ARG);
	v_path_free(&p);
	sk_X509_free(extra);
}
END_TEST

/* The memo of validated paths never answers outside what it proved: another
 * time outside the chain's validity, another purpose, another policy. */
START_TEST(test_memo_bounds)
{
	v_policy pol;
	v_trust tr = {snap, NULL};
	v_ctx ctx = {&tr, &pol, NULL, NULL};
	v_path p;
	STACK_OF(X509) *extra = sk_X509_new_null();

	v_policy_default(&pol);
	sk_X509_push(extra, ica.x);
	/* valid in 2020: remembered */
	ck_assert_int_eq(v_path_build(&ctx, expired.x, extra, T_2020, 1, &p), VN_OK);
	ck_assert_int_eq(p.status, V_PATH_OK);
	v_path_free(&p);
	ck_assert_int_eq(v_path_build(&ctx, expired.x, extra, T_2020 + 60, 1, &p), VN_OK);
	ck_assert_int_eq(p.status, V_PATH_OK);
	ck_assert_ptr_nonnull(p.match.svc);
	v_path_free(&p);
	/* now it has expired: the memo must not answer */
	ck_assert_int_eq(v_path_build(&ctx, expired.x, extra, now, 1, &p), VN_OK);
	ck_assert_int_eq(p.status, V_PATH_EXPIRED);
	v_path_free(&p);
	/* remembered for a purpose that needs no nonRepudiation ... */
	ck_assert_int_eq(v_path_build(&ctx, nonr.x, extra, now, 0, &p), VN_OK);
	ck_assert_int_eq(p.status, V_PATH_OK);
	v_path_free(&p);
	/* ... does not answer for a signature */
	ck_assert_int_eq(v_path_build(&ctx, nonr.x, extra, now, 1, &p), VN_OK);
	ck_assert_int_eq(p.status, V_PATH_CONSTRAINTS);
	v_path_free(&p);
	/* a stricter policy is judged again */
	ck_assert_int_eq(v_path_build(&ctx, signer.x, extra, now, 1, &p), VN_OK);
	ck_assert_int_eq(p.status, V_PATH_OK);
	v_path_free(&p);
	pol.min_ec_bits = 384;
	ck_assert_int_eq(v_path_build(&ctx, signer.x, extra, now, 1, &p), VN_OK);
	ck_assert_int_eq(p.status, V_PATH_CRYPTO);
	v_path_free(&p);
	/* without the snapshot there is no list anchor, remembered or not */
	tr.snapshot = NULL;
	v_policy_default(&pol);
	ck_assert_int_eq(v_path_build(&ctx, signer.x, extra, now, 1, &p), VN_OK);
	ck_assert_int_eq(p.status, V_PATH_NO_CHAIN);
	v_path_free(&p);
	sk_X509_free(extra);
}
END_TEST

/* The cap on carried certificates: many useless ones do not break the path. */
START_TEST(test_candidate_cap)
{
	v_policy pol;
	v_trust tr = {snap, NULL};
	v_ctx ctx = {&tr, &pol, NULL, NULL};
	v_path p;
	STACK_OF(X509) *extra = sk_X509_new_null();
	int i;

	v_policy_default(&pol);
	for (i = 0; i < 200; i++)
		sk_X509_push(extra, other_ca.x);	/* duplicates: counted once */
	sk_X509_push(extra, ica.x);
	ck_assert_int_eq(v_path_build(&ctx, signer.x, extra, now, 1, &p), VN_OK);
	ck_assert_int_eq(p.status, V_PATH_OK);
	v_path_free(&p);
	sk_X509_free(extra);
}
END_TEST

/* A certificate signed with SHA-1 is judged by the policy's suite: refused
 * by the built-in rules and by eu (SHA-1 expired 2012-08-01), accepted by
 * ee, which lists it without expiry. The memo of validated paths never
 * carries one policy's answer to another. */
START_TEST(test_cert_digest_by_policy)
{
	char path[1024];
	pol_policy *ee = NULL, *eu = NULL;
	vn_findings f;
	v_policy pol;
	v_trust tr = {snap, NULL};
	v_ctx ctx = {&tr, &pol, NULL, NULL};
	v_path p;
	STACK_OF(X509) *extra = sk_X509_new_null();

	vn_findings_init(&f);
	snprintf(path, sizeof path, "%s/policies/ee.xml", vn_test_srcdir());
	ck_assert_int_eq(pol_load_file(path, NULL, &ee, &f), VN_OK);
	snprintf(path, sizeof path, "%s/policies/eu.xml", vn_test_srcdir());
	ck_assert_int_eq(pol_load_file(path, NULL, &eu, &f), VN_OK);
	sk_X509_push(extra, ica.x);

	v_policy_from_pol(&pol, ee);
	ck_assert_int_eq(v_path_build(&ctx, sha1_signer.x, extra, now, 1, &p), VN_OK);
	ck_assert_msg(p.status == V_PATH_OK, "ee: %d (%s)", p.status, p.why);
	v_path_free(&p);
	v_policy_from_pol(&pol, eu);	/* remembered under ee: must be judged again */
	ck_assert_int_eq(v_path_build(&ctx, sha1_signer.x, extra, now, 1, &p), VN_OK);
	ck_assert_int_eq(p.status, V_PATH_CRYPTO);
	ck_assert_ptr_nonnull(strstr(p.why, "expired by policy eu"));
	v_path_free(&p);
	v_policy_default(&pol);
	ck_assert_int_eq(v_path_build(&ctx, sha1_signer.x, extra, now, 1, &p), VN_OK);
	ck_assert_int_eq(p.status, V_PATH_CRYPTO);
	ck_assert_ptr_nonnull(strstr(p.why, "SHA1"));
	v_path_free(&p);
	v_policy_from_pol(&pol, ee);
	ck_assert_int_eq(v_path_build(&ctx, sha1_signer.x, extra, now, 1, &p), VN_OK);
	ck_assert_int_eq(p.status, V_PATH_OK);
	v_path_free(&p);
	/* a SHA-256 certificate passes under eu */
	v_policy_from_pol(&pol, eu);
	ck_assert_int_eq(v_path_build(&ctx, signer.x, extra, now, 1, &p), VN_OK);
	ck_assert_int_eq(p.status, V_PATH_OK);
	v_path_free(&p);
	pol_free(ee);
	pol_free(eu);
	vn_findings_free(&f);
	sk_X509_free(extra);
}
END_TEST

static void make_pki(void)
{
	vn_time y2010 = 1262304000, y2014 = 1388534400, y2020 = 1577836800, y2021 = 1609459200;
	const char *ee = "critical,digitalSignature,nonRepudiation";
	tp_cert fake;
	X509 *listed[2];
	const char *types[2] = {TP_CA_QC, TP_TSA};

	now = vn_time_now();
	root = tp_make("Test Root", NULL, NULL, 1, y2010, now + 20 * 365 * TP_DAY, 1,
		       "critical,keyCertSign,cRLSign", NULL, NULL, NULL);
	ica = tp_make("Test Issuing CA", NULL, &root, 2, y2010, now + 10 * 365 * TP_DAY, 1,
		      "critical,keyCertSign,cRLSign", NULL, NULL, NULL);
	other_ca = tp_make("Other CA", NULL, NULL, 3, y2010, now + 10 * 365 * TP_DAY, 1,
			   "critical,keyCertSign,cRLSign", NULL, NULL, NULL);
	signer = tp_make("Signer", NULL, &ica, 0x1001, now - 30 * TP_DAY, now + 365 * TP_DAY, 0, ee,
			 NULL, NULL, NULL);
	nonr = tp_make("No NonRepudiation", NULL, &ica, 0x1002, now - 30 * TP_DAY,
		       now + 365 * TP_DAY, 0, "critical,digitalSignature", NULL, NULL, NULL);
	expired = tp_make("Expired", NULL, &ica, 0x1003, y2020, y2021, 0, ee, NULL, NULL, NULL);
	future = tp_make("Future", NULL, &ica, 0x1004, now + 365 * TP_DAY, now + 730 * TP_DAY, 0, ee,
			 NULL, NULL, NULL);
	notca = tp_make("Not A CA", NULL, &ica, 0x1005, now - 30 * TP_DAY, now + 365 * TP_DAY, 0,
			"critical,digitalSignature,keyCertSign", NULL, NULL, NULL);
	under_notca = tp_make("Under Not A CA", NULL, &notca, 0x1006, now - 30 * TP_DAY,
			      now + 365 * TP_DAY, 0, ee, NULL, NULL, NULL);
	weak = tp_make("Weak", tp_key(1024), &ica, 0x1007, now - 30 * TP_DAY, now + 365 * TP_DAY, 0,
		       ee, NULL, NULL, NULL);
	longlived = tp_make("Long Lived", NULL, &ica, 0x1008, y2014, now + 365 * TP_DAY, 0, ee, NULL,
			    NULL, NULL);
	tsa = tp_make("Listed TSA", NULL, &other_ca, 0x1009, now - 30 * TP_DAY, now + 365 * TP_DAY, 0,
		      "critical,digitalSignature", "critical,timeStamping", NULL, NULL);
	/* same names as the issuing CA, another key */
	fake = tp_make("Test Issuing CA", NULL, &root, 2, y2010, now + 10 * 365 * TP_DAY, 1,
		       "critical,keyCertSign,cRLSign", NULL, NULL, NULL);
	sha1_signer = tp_make("SHA-1 Signed", NULL, &ica, 0x100b, now - 30 * TP_DAY,
			      now + 365 * TP_DAY, 0, ee, NULL, NULL, NULL);
	TP_REQUIRE(X509_sign(sha1_signer.x, ica.k, EVP_sha1()) > 0);
	forged = tp_make("Forged", NULL, &fake, 0x100a, now - 30 * TP_DAY, now + 365 * TP_DAY, 0, ee,
			 NULL, NULL, NULL);
	tp_free(&fake);
	listed[0] = ica.x;
	listed[1] = tsa.x;
	snap = tp_snapshot(types, listed, 2);
}

static void free_pki(void)
{
	tp_cert *all[] = {&root,  &ica,	 &other_ca,    &signer, &nonr,	    &expired, &future,
			  &notca, &under_notca, &weak, &longlived, &tsa, &forged, &sha1_signer};
	size_t i;

	for (i = 0; i < sizeof all / sizeof all[0]; i++)
		tp_free(all[i]);
	tl_snapshot_unref(snap);
}

int main(void)
{
	Suite *s = suite_create("v_pki");
	TCase *tc = tcase_create("path");
	int rc;

	make_pki();
	tcase_add_loop_test(tc, test_path, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, test_expiry_and_anchor);
	tcase_add_test(tc, test_candidate_cap);
	tcase_add_test(tc, test_memo_bounds);
	tcase_add_test(tc, test_cert_digest_by_policy);
	suite_add_tcase(s, tc);
	rc = vn_test_run(s);
	free_pki();
	return rc;
}
