/* Check suite for revocation (node/v_rev.c): embedded OCSP responses (made
 * by `openssl ocsp -respout`) from the CA, a delegated responder, a listed
 * responder, and untrusted ones; embedded CRLs; freshness; a real
 * `openssl ocsp` responder on 127.0.0.1 for online checks (good, revoked,
 * unknown, down, untrusted signer); the cache; the same answers with the
 * signature memo (v_sigmemo.h), which keeps only signatures that verify. */
#include "tests/unit/vn_test.h"
#include "tests/unit/v_testpki.h"

#include <openssl/ocsp.h>

#include "common/vn_buf.h"
#include "common/vn_p256.h"
#include "node/v_dersplit.h"
#include "node/v_rev.h"
#include "node/v_sigmemo.h"
#include "node/v_validate.h"

static tp_cert root, ica, responder, nonocheck, rogue, listed, good, revoked, unknown, down,
	rogue_c, cache_c, crl_rev;
static tl_snapshot *snap;
static vn_time now;
static int port_main, port_cache, port_rogue, port_down;
static pid_t pid_main = -1, pid_rogue = -1;

enum { T_NOW = 0, T_MINUS_5D, T_PLUS_3D, T_PLUS_10D };

typedef struct rcase {
	const char *name;
	tp_cert *cert;
	const char *ocsp[2];	/* files in the PKI directory, DER OCSPResponse */
	const char *crl[2];	/* DER CRLs */
	int use_snap, online, t;
	v_rev_status want;
	v_rev_source src;	/* checked unless want is UNKNOWN */
	const char *why;	/* substring of why when UNKNOWN */
	int no_reason;		/* REVOKED without a revocationReason */
} rcase;

static const rcase cases[] = {
	{"embedded OCSP, delegated responder with nocheck", &good, {"emb_good.der"}, {NULL}, 0, 0,
	 T_NOW, V_REV_GOOD, V_REVSRC_EMBEDDED_OCSP, NULL},
	{"embedded OCSP with a SHA-256 CertID", &good, {"emb_good256.der"}, {NULL}, 0, 0, T_NOW,
	 V_REV_GOOD, V_REVSRC_EMBEDDED_OCSP, NULL},
	{"embedded OCSP revoked", &revoked, {"emb_rev.der"}, {NULL}, 0, 0, T_NOW, V_REV_REVOKED,
	 V_REVSRC_EMBEDDED_OCSP, NULL},
	{"embedded OCSP signed by the CA itself", &good, {"emb_ca.der"}, {NULL}, 0, 0, T_NOW,
	 V_REV_GOOD, V_REVSRC_EMBEDDED_OCSP, NULL},
	{"embedded OCSP by a listed responder", &good, {"emb_listed.der"}, {NULL}, 1, 0, T_NOW,
	 V_REV_GOOD, V_REVSRC_EMBEDDED_OCSP, NULL},
	{"embedded OCSP by that responder, no list", &good, {"emb_listed.der"}, {NULL}, 0, 0, T_NOW,
	 V_REV_UNKNOWN, 0, "not trusted"},
	{"embedded OCSP by an untrusted key", &good, {"emb_rogue.der"}, {NULL}, 1, 0, T_NOW,
	 V_REV_UNKNOWN, 0, "not trusted"},
	{"delegated responder without nocheck, no status for it", &good, {"emb_nonocheck.der"},
	 {NULL}, 0, 0, T_NOW, V_REV_UNKNOWN, 0, "nocheck"},
	{"delegated responder without nocheck, a CRL clears it", &good, {"emb_nonocheck.der"},
	 {"crl.der"}, 0, 0, T_NOW, V_REV_GOOD, V_REVSRC_EMBEDDED_OCSP, NULL},
	{"embedded OCSP about another certificate", &revoked, {"emb_good.der"}, {NULL}, 0, 0, T_NOW,
	 V_REV_UNKNOWN, 0, "no revocation source"},
	{"embedded OCSP with a tampered signature", &good, {"emb_badsig.der"}, {NULL}, 0, 0, T_NOW,
	 V_REV_UNKNOWN, 0, "signature does not verify"},
	{"embedded garbage", &good, {"garbage.der"}, {NULL}, 0, 0, T_NOW, V_REV_UNKNOWN, 0,
	 "unreadable"},
	{"embedded CRL revoked", &crl_rev, {NULL}, {"crl.der"}, 0, 0, T_NOW, V_REV_REVOKED,
	 V_REVSRC_EMBEDDED_CRL, NULL},
	{"embedded CRL good", &good, {NULL}, {"crl.der"}, 0, 0, T_NOW, V_REV_GOOD,
	 V_REVSRC_EMBEDDED_CRL, NULL},
	{"embedded CRL with a bad signature", &crl_rev, {NULL}, {"crl_badsig.der"}, 0, 0, T_NOW,
	 V_REV_UNKNOWN, 0, "signature"},
	{"embedded CRL stale", &good, {NULL}, {"crl_stale.der"}, 0, 0, T_NOW, V_REV_UNKNOWN, 0,
	 "not fresh"},
	{"stale CRL still proves a revocation", &crl_rev, {NULL}, {"crl_stale.der"}, 0, 0, T_NOW,
	 V_REV_REVOKED, V_REVSRC_EMBEDDED_CRL, NULL},
	{"no nextUpdate, within the maximum age", &good, {"emb_nonext.der"}, {NULL}, 0, 0, T_NOW,
	 V_REV_GOOD, V_REVSRC_EMBEDDED_OCSP, NULL},
	{"no nextUpdate, beyond the maximum age", &good, {"emb_nonext.der"}, {NULL}, 0, 0,
	 T_PLUS_10D, V_REV_UNKNOWN, 0, "not fresh"},
	{"response produced after t, good", &good, {"emb_good.der"}, {NULL}, 0, 0, T_MINUS_5D,
	 V_REV_GOOD, V_REVSRC_EMBEDDED_OCSP, NULL},
	{"t after nextUpdate", &good, {"emb_good.der"}, {NULL}, 0, 0, T_PLUS_3D, V_REV_UNKNOWN, 0,
	 "not fresh"},
	{"nothing, offline", &good, {NULL}, {NULL}, 0, 0, T_NOW, V_REV_UNKNOWN, 0,
	 "no revocation source"},
	{"online OCSP good", &good, {NULL}, {NULL}, 0, 1, T_NOW, V_REV_GOOD, V_REVSRC_ONLINE_OCSP,
	 NULL},
	{"online OCSP revoked", &revoked, {NULL}, {NULL}, 0, 1, T_NOW, V_REV_REVOKED,
	 V_REVSRC_ONLINE_OCSP, NULL},
	{"online OCSP unknown serial", &unknown, {NULL}, {NULL}, 0, 1, T_NOW, V_REV_UNKNOWN, 0,
	 "does not know"},
	{"online OCSP responder down", &down, {NULL}, {NULL}, 0, 1, T_NOW, V_REV_UNKNOWN, 0,
	 "unreachable"},
	{"online OCSP signed by an untrusted key", &rogue_c, {NULL}, {NULL}, 1, 1, T_NOW,
	 V_REV_UNKNOWN, 0, "not trusted"},
	{"online revocation off by policy", &good, {NULL}, {NULL}, 0, 0, T_NOW, V_REV_UNKNOWN, 0,
	 "no revocation source"},
	{"embedded answer wins over the network", &revoked, {"emb_rev.der"}, {NULL}, 0, 1, T_NOW,
	 V_REV_REVOKED, V_REVSRC_EMBEDDED_OCSP, NULL},
	/* Responses read in place (v_der_ocsp_read) and those it leaves to
	 * OpenSSL: each answer as the whole decode gives it. */
	{"two SingleResponses, the second answers", &good, {"fx_two.der"}, {NULL}, 0, 0, T_NOW,
	 V_REV_GOOD, V_REVSRC_EMBEDDED_OCSP, NULL},
	{"two SingleResponses, the first answers", &revoked, {"fx_two.der"}, {NULL}, 0, 0, T_NOW,
	 V_REV_REVOKED, V_REVSRC_EMBEDDED_OCSP, NULL},
	{"17 SingleResponses (decoded by OpenSSL)", &good, {"fx_many.der"}, {NULL}, 0, 0, T_NOW,
	 V_REV_GOOD, V_REVSRC_EMBEDDED_OCSP, NULL},
	{"17 SingleResponses, a tampered signature", &good, {"fx_many_badsig.der"}, {NULL}, 0, 0,
	 T_NOW, V_REV_UNKNOWN, 0, "signature does not verify"},
	{"a SHA-384 CertID (decoded by OpenSSL)", &good, {"fx_sha384.der"}, {NULL}, 0, 0, T_NOW,
	 V_REV_GOOD, V_REVSRC_EMBEDDED_OCSP, NULL},
	{"a nonce in the response", &good, {"fx_nonce.der"}, {NULL}, 0, 0, T_NOW, V_REV_GOOD,
	 V_REVSRC_EMBEDDED_OCSP, NULL},
	{"a nonce (openssl ocsp)", &good, {"emb_nonce.der"}, {NULL}, 0, 0, T_NOW, V_REV_GOOD,
	 V_REVSRC_EMBEDDED_OCSP, NULL},
	{"responder by key", &good, {"fx_bykey.der"}, {NULL}, 0, 0, T_NOW, V_REV_GOOD,
	 V_REVSRC_EMBEDDED_OCSP, NULL},
	{"responder by key (openssl ocsp)", &good, {"emb_bykey.der"}, {NULL}, 0, 0, T_NOW, V_REV_GOOD,
	 V_REVSRC_EMBEDDED_OCSP, NULL},
	{"responder by key, another certificate", &revoked, {"fx_bykey.der"}, {NULL}, 0, 0, T_NOW,
	 V_REV_UNKNOWN, 0, "no revocation source"},
	{"responder by key, hash not SHA-1 long", &good, {"fx_bykey32.der"}, {NULL}, 0, 0, T_NOW,
	 V_REV_UNKNOWN, 0, "signer not found"},
	{"responder by a Name in another encoding", &good, {"fx_name_enc.der"}, {NULL}, 0, 0, T_NOW,
	 V_REV_GOOD, V_REVSRC_EMBEDDED_OCSP, NULL},
	{"responder by a Name nobody has", &good, {"fx_name_none.der"}, {NULL}, 0, 0, T_NOW,
	 V_REV_UNKNOWN, 0, "signer not found"},
	{"responder Name that does not decode", &good, {"fx_name_bad.der"}, {NULL}, 0, 0, T_NOW,
	 V_REV_UNKNOWN, 0, "unreadable"},
	{"responder Name that does not decode, another certificate", &revoked, {"fx_name_bad.der"},
	 {NULL}, 0, 0, T_NOW, V_REV_UNKNOWN, 0, "unreadable"},
	{"no nextUpdate (read in place)", &good, {"fx_nonext.der"}, {NULL}, 0, 0, T_NOW, V_REV_GOOD,
	 V_REVSRC_EMBEDDED_OCSP, NULL},
	{"no nextUpdate, beyond the maximum age (read in place)", &good, {"fx_nonext.der"}, {NULL},
	 0, 0, T_PLUS_10D, V_REV_UNKNOWN, 0, "not fresh"},
	{"revoked with no reason", &revoked, {"fx_noreason.der"}, {NULL}, 0, 0, T_NOW,
	 V_REV_REVOKED, V_REVSRC_EMBEDDED_OCSP, NULL, 1},
	{"status unknown (read in place)", &good, {"fx_unknown.der"}, {NULL}, 0, 0, T_NOW,
	 V_REV_UNKNOWN, 0, "does not know"},
	{"re-signed as received", &good, {"fx_resigned.der"}, {NULL}, 0, 0, T_NOW, V_REV_GOOD,
	 V_REVSRC_EMBEDDED_OCSP, NULL},
	{"a tampered tbsResponseData byte", &good, {"fx_tampered.der"}, {NULL}, 0, 0, T_NOW,
	 V_REV_UNKNOWN, 0, "signature does not verify"},
	{"tbsResponseData with a BER length, signed so", &good, {"fx_ber.der"}, {NULL}, 0, 0, T_NOW,
	 V_REV_UNKNOWN, 0, "signature does not verify"},
	{"critical FALSE spelt out (OpenSSL keeps it), signed so", &good, {"fx_critfalse.der"},
	 {NULL}, 0, 0, T_NOW, V_REV_GOOD, V_REVSRC_EMBEDDED_OCSP, NULL},
	{"the responder's certificate in the signature only", &good, {"fx_nocerts.der"}, {NULL}, 0,
	 0, T_NOW, V_REV_UNKNOWN, 0, "signer not found"},
	{"two responses, the second answers", &good, {"emb_rev.der", "fx_two.der"}, {NULL}, 0, 0,
	 T_NOW, V_REV_GOOD, V_REVSRC_EMBEDDED_OCSP, NULL},
	{"an unreadable response before a good one", &good, {"garbage.der", "fx_bykey.der"}, {NULL},
	 0, 0, T_NOW, V_REV_GOOD, V_REVSRC_EMBEDDED_OCSP, NULL},
};

static void add_blob(v_blob **arr, size_t *n, const char *file)
{
	size_t len;
	unsigned char *b = tp_read(file, &len);

	ck_assert_int_eq(v_blob_push(arr, n, V_MAX_REVOCATION, b, len), VN_OK);
	free(b);
}

/* out: the response in, with one bit of its signature value flipped (the
 * tbsResponseData, the algorithm and the certificates unchanged). */
static void tamper_sig(const char *in, const char *out)
{
	size_t n;
	unsigned char *b = tp_read(in, &n), *der = NULL;
	const unsigned char *p = b;
	OCSP_RESPONSE *r = d2i_OCSP_RESPONSE(NULL, &p, (long)n), *r2;
	OCSP_BASICRESP *bs = r != NULL ? OCSP_response_get1_basic(r) : NULL;
	const ASN1_OCTET_STRING *sig = bs != NULL ? OCSP_resp_get0_signature(bs) : NULL;
	char path[512];
	FILE *fp;
	int len;

	TP_REQUIRE(sig != NULL && sig->length > 8);
	sig->data[sig->length - 3] ^= 0x01;
	r2 = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
	TP_REQUIRE(r2 != NULL);
	len = i2d_OCSP_RESPONSE(r2, &der);
	TP_REQUIRE(len > 0);
	fp = fopen(tp_path(out, path, sizeof path), "wb");
	TP_REQUIRE(fp != NULL && fwrite(der, 1, (size_t)len, fp) == (size_t)len);
	fclose(fp);
	OPENSSL_free(der);
	OCSP_RESPONSE_free(r2);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(r);
	free(b);
}

static vn_time when(int t)
{
	switch (t) {
	case T_MINUS_5D:
		return now - 5 * TP_DAY;
	case T_PLUS_3D:
		return now + 3 * TP_DAY;
	case T_PLUS_10D:
		return now + 10 * TP_DAY;
	default:
		return now;
	}
}

static void run_rev_memo(int i_case, v_sigmemo *memo)
{
	const rcase *c = &cases[i_case];
	v_policy pol;
	v_trust tr = {NULL, NULL};
	v_ctx ctx = {&tr, &pol, NULL, NULL, NULL, memo};
	v_sigobj so;
	v_rev_result r;
	size_t i;

	v_policy_default(&pol);
	pol.online_revocation = c->online;
	pol.revocation_timeout_ms = 3000;
	tr.snapshot = c->use_snap ? snap : NULL;
	v_sigobj_init(&so);
	for (i = 0; i < 2; i++) {
		if (c->ocsp[i] != NULL)
			add_blob(&so.ocsps, &so.nocsps, c->ocsp[i]);
		if (c->crl[i] != NULL)
			add_blob(&so.crls, &so.ncrls, c->crl[i]);
	}
	ck_assert_int_eq(v_rev_check(&ctx, c->cert->x, ica.x, when(c->t), &so, &r), VN_OK);
	ck_assert_msg(r.status == c->want, "%s: status %d, want %d (%s)", c->name, r.status, c->want,
		      r.why);
	if (c->want == V_REV_UNKNOWN) {
		ck_assert_msg(strstr(r.why, c->why) != NULL, "%s: why '%s'", c->name, r.why);
		ck_assert_int_eq(r.source, V_REVSRC_NONE);
	} else {
		ck_assert_int_eq(r.source, c->src);
		ck_assert(r.this_update != VN_TIME_NONE);
		ck_assert(r.responder[0] != '\0');
	}
	if (c->want == V_REV_REVOKED) {
		ck_assert(r.revocation_time != VN_TIME_NONE);
		ck_assert(r.revocation_time < now);
		ck_assert_int_eq(r.reason, c->no_reason ? -1 : 1);	/* keyCompromise */
	} else {
		ck_assert(r.revocation_time == VN_TIME_NONE);
	}
	v_sigobj_free(&so);
}

static void run_rev(int i_case)
{
	run_rev_memo(i_case, NULL);
}

START_TEST(test_rev)
{
	run_rev(_i);
}
END_TEST

/* The same rows with fixed-base tables for every key that signs a
 * response (vn_p256.h): each answer stays what it was. */
START_TEST(test_rev_tables)
{
	const tp_cert *const signers[] = {&responder, &ica, &listed, &rogue, &nonocheck, &root};

	for (size_t k = 0; k < sizeof signers / sizeof signers[0]; k++)
		ck_assert_int_eq(vn_p256_table_now(X509_get_X509_PUBKEY(signers[k]->x)), 0);
	run_rev(_i);
}
END_TEST

/* The same rows with the signature memo, twice: the same answers both
 * times. A response whose signature verified is found in the memo the
 * second time (its trust and freshness are still judged: an untrusted or
 * stale one stays UNKNOWN); one that does not verify is never kept; an
 * online response (nonce) is not looked up. */
START_TEST(test_rev_memo)
{
	const rcase *c = &cases[_i];
	v_sigmemo *memo = v_sigmemo_new(64);
	uint64_t h1, m1, h2, m2;
	int bad = c->why != NULL && strstr(c->why, "signature does not verify") != NULL;

	ck_assert_ptr_nonnull(memo);
	run_rev_memo(_i, memo);
	v_sigmemo_stats(memo, &h1, &m1);
	run_rev_memo(_i, memo);
	v_sigmemo_stats(memo, &h2, &m2);
	if (bad)
		ck_assert_msg(h2 == 0, "%s: a failed signature was kept", c->name);
	if (c->want != V_REV_UNKNOWN && c->src == V_REVSRC_EMBEDDED_OCSP)
		ck_assert_msg(h1 == 0 && h2 > 0, "%s: hits %llu then %llu", c->name,
			      (unsigned long long)h1, (unsigned long long)h2);
	if (c->ocsp[0] == NULL)
		ck_assert_msg(h2 + m2 == 0, "%s: the memo was asked", c->name);
	v_sigmemo_free(memo);
}
END_TEST

/* A good response memoised, then the same response with one bit of its
 * signature flipped (tbsResponseData and responder unchanged, so the memo
 * is asked for it): it fails, twice; the good one still passes. Both for a
 * response read in place and one left to OpenSSL. */
static int row_of(const char *ocsp)
{
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (cases[i].ocsp[0] != NULL && strcmp(cases[i].ocsp[0], ocsp) == 0 &&
		    cases[i].ocsp[1] == NULL && cases[i].cert == &good && !cases[i].online &&
		    cases[i].t == T_NOW)
			return (int)i;
	ck_abort_msg("no row for %s", ocsp);
	return -1;
}

START_TEST(test_memo_tampered)
{
	static const char *const pairs[][2] = {
		{"emb_good.der", "emb_badsig.der"},		/* read in place */
		{"fx_many.der", "fx_many_badsig.der"},		/* decoded by OpenSSL */
	};
	v_sigmemo *memo = v_sigmemo_new(64);
	int good_row = row_of(pairs[_i][0]), bad_row = row_of(pairs[_i][1]);
	uint64_t h0, h1, m;

	ck_assert_ptr_nonnull(memo);
	ck_assert_int_eq(cases[good_row].want, V_REV_GOOD);
	ck_assert_int_eq(cases[bad_row].want, V_REV_UNKNOWN);
	run_rev_memo(good_row, memo);
	run_rev_memo(good_row, memo);
	v_sigmemo_stats(memo, &h0, &m);
	ck_assert_uint_gt(h0, 0);	/* the good one is in the memo */
	run_rev_memo(bad_row, memo);	/* UNKNOWN, "signature does not verify" */
	run_rev_memo(bad_row, memo);
	v_sigmemo_stats(memo, &h1, &m);
	ck_assert_uint_eq(h1, h0);	/* never answered from the memo */
	run_rev_memo(good_row, memo);
	v_sigmemo_free(memo);
}
END_TEST

/* A good answer fetched online is reused while before nextUpdate, with the
 * responder gone; not for a t past nextUpdate; not without the cache. */
START_TEST(test_cache_online)
{
	v_policy pol;
	v_trust tr = {NULL, NULL};
	v_revcache *rc = v_revcache_new(16);
	v_ctx ctx = {&tr, &pol, rc, NULL}, nocache = {&tr, &pol, NULL, NULL};
	v_rev_result r;
	pid_t pid;

	v_policy_default(&pol);
	pol.revocation_timeout_ms = 3000;
	ck_assert_ptr_nonnull(rc);
	pid = tp_responder(port_cache, "index.txt", "ica", "responder");
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(v_rev_check(&ctx, cache_c.x, ica.x, now, NULL, &r), VN_OK);
	ck_assert_int_eq(r.status, V_REV_GOOD);
	ck_assert_int_eq(r.source, V_REVSRC_ONLINE_OCSP);
	ck_assert(r.next_update != VN_TIME_NONE);
	tp_stop(pid);
	ck_assert_int_eq(v_rev_check(&ctx, cache_c.x, ica.x, now, NULL, &r), VN_OK);
	ck_assert_int_eq(r.status, V_REV_GOOD);
	ck_assert_int_eq(r.source, V_REVSRC_CACHE);
	ck_assert_int_eq(v_rev_check(&ctx, cache_c.x, ica.x, now + 3 * TP_DAY, NULL, &r), VN_OK);
	ck_assert_int_eq(r.status, V_REV_UNKNOWN);
	ck_assert_msg(strstr(r.why, "unreachable") != NULL, "%s", r.why);
	ck_assert_int_eq(v_rev_check(&nocache, cache_c.x, ica.x, now, NULL, &r), VN_OK);
	ck_assert_int_eq(r.status, V_REV_UNKNOWN);
	v_revcache_free(rc);
}
END_TEST

/* Keyed by issuer and serial; the least recently used entry leaves first. */
START_TEST(test_cache_eviction)
{
	v_policy pol;
	v_trust tr = {NULL, NULL};
	v_revcache *rc = v_revcache_new(1);
	v_ctx ctx = {&tr, &pol, rc, NULL};
	v_sigobj so;
	v_rev_result r;

	v_policy_default(&pol);
	pol.online_revocation = 0;
	v_sigobj_init(&so);
	add_blob(&so.ocsps, &so.nocsps, "emb_good.der");
	add_blob(&so.ocsps, &so.nocsps, "emb_rev.der");
	ck_assert_int_eq(v_rev_check(&ctx, good.x, ica.x, now, &so, &r), VN_OK);
	ck_assert_int_eq(r.status, V_REV_GOOD);
	ck_assert_int_eq(v_rev_check(&ctx, good.x, ica.x, now, NULL, &r), VN_OK);
	ck_assert_int_eq(r.source, V_REVSRC_CACHE);
	ck_assert_int_eq(v_rev_check(&ctx, revoked.x, ica.x, now, &so, &r), VN_OK);
	ck_assert_int_eq(r.status, V_REV_REVOKED);
	ck_assert_int_eq(v_rev_check(&ctx, good.x, ica.x, now, NULL, &r), VN_OK);
	ck_assert_int_eq(r.status, V_REV_UNKNOWN);	/* evicted */
	ck_assert_int_eq(v_rev_check(&ctx, revoked.x, ica.x, now, NULL, &r), VN_OK);
	ck_assert_int_eq(r.status, V_REV_REVOKED);
	ck_assert_int_eq(r.source, V_REVSRC_CACHE);
	/* another issuer, same serial: not the same entry */
	ck_assert_int_eq(v_rev_check(&ctx, revoked.x, root.x, now, NULL, &r), VN_OK);
	ck_assert_int_eq(r.status, V_REV_UNKNOWN);
	ck_assert_ptr_null(v_revcache_new(0));
	v_revcache_free(NULL);
	v_revcache_free(rc);
	v_sigobj_free(&so);
}
END_TEST

static void write_der(const char *name, unsigned char *der, int n)
{
	char p[512];
	FILE *fp = fopen(tp_path(name, p, sizeof p), "wb");

	TP_REQUIRE(fp != NULL && n > 0);
	TP_REQUIRE(fwrite(der, 1, (size_t)n, fp) == (size_t)n);
	fclose(fp);
	OPENSSL_free(der);
}

/* A CRL by ica (signed with key k) revoking crl_rev. */
static void make_crl(const char *name, EVP_PKEY *k, vn_time tu, vn_time nu)
{
	X509_CRL *crl = X509_CRL_new();
	X509_REVOKED *rv = X509_REVOKED_new();
	ASN1_TIME *a = ASN1_TIME_new();
	ASN1_ENUMERATED *reason = ASN1_ENUMERATED_new();
	unsigned char *der = NULL;

	TP_REQUIRE(crl != NULL && rv != NULL && a != NULL && reason != NULL);
	X509_CRL_set_version(crl, 1);
	X509_CRL_set_issuer_name(crl, X509_get_subject_name(ica.x));
	ASN1_TIME_set(a, (time_t)tu);
	X509_CRL_set1_lastUpdate(crl, a);
	ASN1_TIME_set(a, (time_t)nu);
	X509_CRL_set1_nextUpdate(crl, a);
	X509_REVOKED_set_serialNumber(rv, X509_get_serialNumber(crl_rev.x));
	ASN1_TIME_set(a, (time_t)(tu - 2 * TP_DAY));
	X509_REVOKED_set_revocationDate(rv, a);
	ASN1_ENUMERATED_set(reason, 1);
	X509_REVOKED_add1_ext_i2d(rv, NID_crl_reason, reason, 0, 0);
	X509_CRL_add0_revoked(crl, rv);
	X509_CRL_sort(crl);
	TP_REQUIRE(X509_CRL_sign(crl, k, EVP_sha256()) > 0);
	write_der(name, der, i2d_X509_CRL(crl, &der));
	ASN1_TIME_free(a);
	ASN1_ENUMERATED_free(reason);
	X509_CRL_free(crl);
}

static void index_line(FILE *fp, const tp_cert *c, int rev)
{
	char sub[256], exp[32], rd[32];
	struct tm tm;
	time_t t;
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(c->x), NULL);
	char *hex = BN_bn2hex(bn);

	X509_NAME_oneline(X509_get_subject_name(c->x), sub, sizeof sub);
	t = (time_t)(now + 365 * TP_DAY);
	gmtime_r(&t, &tm);
	snprintf(exp, sizeof exp, "%02d%02d%02d%02d%02d%02dZ", tm.tm_year % 100, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	t = (time_t)(now - 2 * TP_DAY);
	gmtime_r(&t, &tm);
	snprintf(rd, sizeof rd, "%02d%02d%02d%02d%02d%02dZ", tm.tm_year % 100, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	fprintf(fp, "%s\t%s\t%s%s\t%s\tunknown\t%s\n", rev ? "R" : "V", exp, rev ? rd : "",
		rev ? ",keyCompromise" : "", hex, sub);
	OPENSSL_free(hex);
	BN_free(bn);
}

/* An OCSP response for cert.pem from the index, signed by rsigner, with
 * extra options (-ndays 1, -sha256). */
static void make_resp(const char *out, const char *cert, const char *rsigner, const char *reqopt,
		      const char *respopt)
{
	TP_REQUIRE(tp_sh("openssl ocsp %s -issuer ica.pem -cert %s.pem -reqout %s.req %s "
			 ">/dev/null 2>&1 && openssl ocsp -index index.txt -CA ica.pem -rsigner "
			 "%s.pem -rkey %s.key -reqin %s.req -respout %s %s >/dev/null 2>&1",
			 reqopt, cert, out, strstr(reqopt, "-nonce") != NULL ? "" : "-no_nonce", rsigner,
			 rsigner, out, out, respopt) == 0);
}

/* ---- responses built here, for the in-place read and its fallbacks ---- */

static void der_hdr(vn_buf *b, unsigned char tag, size_t len)
{
	TP_REQUIRE(v_der_put_hdr(b, tag, len) == VN_OK);
}

static void der_put(vn_buf *b, const void *p, size_t n)
{
	TP_REQUIRE(vn_buf_append(b, p, n) == VN_OK);
}

/* Length of the whole DER element at p (definite, up to 3 length octets). */
static size_t der_elem(const unsigned char *p)
{
	size_t k, len = 0, nb;

	if (p[1] < 0x80)
		return 2 + (size_t)p[1];
	nb = p[1] & 0x7f;
	for (k = 0; k < nb; k++)
		len = len << 8 | p[2 + k];
	return 2 + nb + len;
}

static size_t der_hlen(const unsigned char *p)
{
	return p[1] < 0x80 ? 2 : 2 + (size_t)(p[1] & 0x7f);
}

/* Edits of tbsResponseData, each signed over afterwards unless said. */
enum { FX_NONE, FX_RESIGN, FX_TAMPER, FX_BER, FX_CRITFALSE, FX_BYKEY32, FX_NAME_BAD };

typedef struct fx {
	const char *out;
	int by_key, name_enc, name_none, nonce, no_next, nocerts;
	int n_before;		/* SingleResponses about revoked before good's */
	int good_status;	/* V_OCSP_CERTSTATUS_* of good's, GOOD by default */
	int no_reason;		/* revoked ones without a reason */
	const char *idmd;	/* CertID digest, "SHA1" unless said */
	int edit;
} fx;

/* A responder certificate stand-in whose subject is the responder's Name
 * with other string types (or another Name), with the responder's key: it
 * signs, the response carries the real one. */
static X509 *stand_in(int none)
{
	X509 *d = X509_new();
	X509_NAME *nm = X509_NAME_new(), *src = X509_get_subject_name(responder.x);
	int i;

	TP_REQUIRE(d != NULL && nm != NULL);
	for (i = 0; i < X509_NAME_entry_count(src) && !none; i++) {
		X509_NAME_ENTRY *e = X509_NAME_get_entry(src, i);
		ASN1_STRING *v = X509_NAME_ENTRY_get_data(e);
		int t = ASN1_STRING_type(v) == V_ASN1_UTF8STRING ? V_ASN1_PRINTABLESTRING
								 : V_ASN1_UTF8STRING;
		TP_REQUIRE(X509_NAME_add_entry_by_OBJ(nm, X509_NAME_ENTRY_get_object(e), t,
						      ASN1_STRING_get0_data(v), ASN1_STRING_length(v),
						      -1, 0) == 1);
	}
	if (none)
		TP_REQUIRE(X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
						      (const unsigned char *)"Nobody", -1, -1, 0) == 1);
	TP_REQUIRE(X509_set_subject_name(d, nm) == 1 && X509_set_pubkey(d, responder.k) == 1);
	X509_NAME_free(nm);
	return d;
}

/* b's contents enclosed in an element tag. */
static void enclose(vn_buf *b, unsigned char tag)
{
	vn_buf n;

	vn_buf_init(&n, (size_t)1 << 20);
	der_hdr(&n, tag, b->len);
	der_put(&n, b->data, b->len);
	vn_buf_free(b);
	*b = n;
}

/* The OCSPResponse around tbs (the responder's ECDSA-SHA256 signature over
 * exactly those bytes) with a certificate (DER, cn 0: none), into out. */
static void wrap_signed(vn_buf *out, const unsigned char *tbs, size_t tn, const unsigned char *cert,
			size_t cn)
{
	static const unsigned char alg[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
					    0x3d, 0x04, 0x03, 0x02};
	static const unsigned char basic_oid[] = {0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05,
						  0x07, 0x30, 0x01, 0x01};
	EVP_MD_CTX *mc = EVP_MD_CTX_new();
	unsigned char sig[128];
	size_t sn = sizeof sig;
	vn_buf b, c;

	TP_REQUIRE(mc != NULL &&
		   EVP_DigestSignInit(mc, NULL, EVP_sha256(), NULL, responder.k) == 1 &&
		   EVP_DigestSign(mc, sig, &sn, tbs, tn) == 1);
	EVP_MD_CTX_free(mc);
	vn_buf_init(&b, (size_t)1 << 20);
	der_put(&b, tbs, tn);
	der_put(&b, alg, sizeof alg);
	der_hdr(&b, 0x03, sn + 1);
	der_put(&b, "", 1);
	der_put(&b, sig, sn);
	if (cn > 0) {
		vn_buf_init(&c, (size_t)1 << 20);
		der_put(&c, cert, cn);
		enclose(&c, 0x30);
		enclose(&c, 0xa0);
		der_put(&b, c.data, c.len);
		vn_buf_free(&c);
	}
	enclose(&b, 0x30);	/* BasicOCSPResponse */
	enclose(&b, 0x04);
	vn_buf_init(&c, (size_t)1 << 20);
	der_put(&c, basic_oid, sizeof basic_oid);
	der_put(&c, b.data, b.len);
	enclose(&c, 0x30);	/* ResponseBytes */
	enclose(&c, 0xa0);
	vn_buf_free(&b);
	vn_buf_init(&b, (size_t)1 << 20);
	der_put(&b, "\x0a\x01\x00", 3);
	der_put(&b, c.data, c.len);
	enclose(&b, 0x30);
	der_put(out, b.data, b.len);
	vn_buf_free(&b);
	vn_buf_free(&c);
}

/* tbs (whole element) rebuilt with its top-level element number k replaced
 * by rep (rn octets). */
static void tbs_replace(vn_buf *out, const unsigned char *tbs, size_t k, const unsigned char *rep,
			size_t rn)
{
	const unsigned char *c = tbs + der_hlen(tbs), *end = tbs + der_elem(tbs), *q;
	size_t i, len = 0;

	for (q = c, i = 0; q < end; q += der_elem(q), i++)
		len += i == k ? rn : der_elem(q);
	der_hdr(out, 0x30, len);
	for (q = c, i = 0; q < end; q += der_elem(q), i++)
		if (i == k)
			der_put(out, rep, rn);
		else
			der_put(out, q, der_elem(q));
}

static void make_fx(const fx *f)
{
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	OCSP_RESPONSE *resp = NULL;
	ASN1_TIME *tu = X509_gmtime_adj(NULL, -60), *nu = X509_gmtime_adj(NULL, TP_DAY),
		  *rt = X509_gmtime_adj(NULL, -2 * TP_DAY);
	const EVP_MD *md = EVP_get_digestbyname(f->idmd != NULL ? f->idmd : "SHA1");
	X509 *who = responder.x, *d = NULL;
	STACK_OF(X509) *rc = NULL;
	unsigned char *der = NULL, *cder = NULL;
	v_der_ocsp o;
	vn_buf b, t;
	char path[512];
	FILE *fp;
	int i, n, cn = 0;
	unsigned long flags = f->by_key ? OCSP_RESPID_KEY : 0;

	TP_REQUIRE(bs != NULL && tu != NULL && nu != NULL && rt != NULL && md != NULL);
	for (i = 0; i < f->n_before; i++) {
		OCSP_CERTID *id = OCSP_cert_to_id(md, revoked.x, ica.x);
		TP_REQUIRE(OCSP_basic_add1_status(bs, id, V_OCSP_CERTSTATUS_REVOKED,
						  f->no_reason ? -1 : OCSP_REVOKED_STATUS_KEYCOMPROMISE,
						  rt, tu, f->no_next ? NULL : nu) != NULL);
		OCSP_CERTID_free(id);
	}
	{
		OCSP_CERTID *id = OCSP_cert_to_id(md, good.x, ica.x);
		TP_REQUIRE(OCSP_basic_add1_status(bs, id, f->good_status, 0, NULL, tu,
						  f->no_next ? NULL : nu) != NULL);
		OCSP_CERTID_free(id);
	}
	if (f->nonce)
		TP_REQUIRE(OCSP_basic_add1_nonce(bs, NULL, 16) == 1);
	if (f->name_enc || f->name_none) {
		who = d = stand_in(f->name_none);
		flags |= OCSP_NOCERTS;
		if (!f->nocerts)
			TP_REQUIRE(OCSP_basic_add1_cert(bs, responder.x) == 1);
	} else if (f->nocerts) {
		flags |= OCSP_NOCERTS;
	}
	TP_REQUIRE(OCSP_basic_sign(bs, who, responder.k, EVP_sha256(), NULL, flags) == 1);
	resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
	TP_REQUIRE(resp != NULL && (n = i2d_OCSP_RESPONSE(resp, &der)) > 0);
	vn_buf_init(&b, (size_t)1 << 20);
	vn_buf_init(&t, (size_t)1 << 20);
	if (f->edit == FX_NONE) {
		der_put(&b, der, (size_t)n);
		goto write;
	}
	/* the tbsResponseData as OpenSSL signed it, edited, signed again */
	TP_REQUIRE(v_der_ocsp_read(der, (size_t)n, &o, &rc) == VN_OK);
	if (sk_X509_num(rc) > 0)
		TP_REQUIRE((cn = i2d_X509(sk_X509_value(rc, 0), &cder)) > 0);
	switch (f->edit) {
	case FX_BER: {	/* producedAt (element 1) with its length in the long form */
		static const unsigned char pre[] = {0x18, 0x81, 0x0f};
		unsigned char rep[18];
		const unsigned char *c = o.tbs.p + der_hlen(o.tbs.p);

		c += der_elem(c);	/* responderID */
		TP_REQUIRE(c[0] == 0x18 && c[1] == 0x0f);
		memcpy(rep, pre, 3);
		memcpy(rep + 3, c + 2, 15);
		tbs_replace(&t, o.tbs.p, 1, rep, sizeof rep);
		break;
	}
	case FX_CRITFALSE: {	/* the nonce extension marked critical FALSE */
		const unsigned char *c = o.tbs.p + der_hlen(o.tbs.p), *ext;
		vn_buf e;

		c += der_elem(c);
		c += der_elem(c);
		c += der_elem(c);	/* responseExtensions [1] */
		TP_REQUIRE(c[0] == 0xa1);
		ext = c + 2 + 2 + 2;	/* [1], Extensions, Extension headers (short) */
		TP_REQUIRE(ext[0] == 0x06);
		vn_buf_init(&e, 4096);
		{
			size_t ol = der_elem(ext), vl = der_elem(ext + ol), il = ol + 3 + vl;
			der_hdr(&e, 0xa1, il + 4);
			der_hdr(&e, 0x30, il + 2);
			der_hdr(&e, 0x30, il);
			der_put(&e, ext, ol);
			der_put(&e, "\x01\x01\x00", 3);
			der_put(&e, ext + ol, vl);
		}
		tbs_replace(&t, o.tbs.p, 3, e.data, e.len);
		vn_buf_free(&e);
		break;
	}
	case FX_BYKEY32: {	/* responderID byKey with 32 octets */
		unsigned char rep[36] = {0xa2, 0x22, 0x04, 0x20};
		memcpy(rep + 4, o.responder.p, 20);
		tbs_replace(&t, o.tbs.p, 0, rep, sizeof rep);
		break;
	}
	case FX_NAME_BAD: {	/* responderID: a Name with a UTF8String that is not UTF-8 */
		static const unsigned char rep[] = {0xa1, 0x11, 0x30, 0x0f, 0x31, 0x0d, 0x30, 0x0b,
						    0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x04, 0xff,
						    0xfe, 0x41, 0x42};
		tbs_replace(&t, o.tbs.p, 0, rep, sizeof rep);
		break;
	}
	default:	/* FX_RESIGN, FX_TAMPER */
		der_put(&t, o.tbs.p, o.tbs.n);
		break;
	}
	wrap_signed(&b, t.data, t.len, cder, (size_t)cn);
	if (f->edit == FX_TAMPER) {	/* producedAt's last digit, after signing */
		size_t k;
		for (k = 0; k + 17 <= b.len; k++)
			if (b.data[k] == 0x18 && b.data[k + 1] == 0x0f && b.data[k + 16] == 'Z')
				break;
		TP_REQUIRE(k + 17 <= b.len);
		b.data[k + 15] = b.data[k + 15] == '9' ? '8' : (unsigned char)(b.data[k + 15] + 1);
	}
write:
	fp = fopen(tp_path(f->out, path, sizeof path), "wb");
	TP_REQUIRE(fp != NULL && fwrite(b.data, 1, b.len, fp) == b.len);
	fclose(fp);
	vn_buf_free(&b);
	vn_buf_free(&t);
	sk_X509_pop_free(rc, X509_free);
	OPENSSL_free(der);
	OPENSSL_free(cder);
	X509_free(d);
	ASN1_TIME_free(tu);
	ASN1_TIME_free(nu);
	ASN1_TIME_free(rt);
	OCSP_RESPONSE_free(resp);
	OCSP_BASICRESP_free(bs);
}

static const fx fxs[] = {
	{"fx_two.der", 0, 0, 0, 0, 0, 0, 1, V_OCSP_CERTSTATUS_GOOD, 0, NULL, FX_NONE},
	{"fx_many.der", 0, 0, 0, 0, 0, 0, 16, V_OCSP_CERTSTATUS_GOOD, 0, NULL, FX_NONE},
	{"fx_sha384.der", 0, 0, 0, 0, 0, 0, 0, V_OCSP_CERTSTATUS_GOOD, 0, "SHA384", FX_NONE},
	{"fx_nonce.der", 0, 0, 0, 1, 0, 0, 0, V_OCSP_CERTSTATUS_GOOD, 0, NULL, FX_NONE},
	{"fx_bykey.der", 1, 0, 0, 0, 0, 0, 0, V_OCSP_CERTSTATUS_GOOD, 0, NULL, FX_NONE},
	{"fx_bykey32.der", 1, 0, 0, 0, 0, 0, 0, V_OCSP_CERTSTATUS_GOOD, 0, NULL, FX_BYKEY32},
	{"fx_name_enc.der", 0, 1, 0, 0, 0, 0, 0, V_OCSP_CERTSTATUS_GOOD, 0, NULL, FX_NONE},
	{"fx_name_none.der", 0, 0, 1, 0, 0, 0, 0, V_OCSP_CERTSTATUS_GOOD, 0, NULL, FX_NONE},
	{"fx_name_bad.der", 0, 0, 0, 0, 0, 0, 0, V_OCSP_CERTSTATUS_GOOD, 0, NULL, FX_NAME_BAD},
	{"fx_nonext.der", 0, 0, 0, 0, 1, 0, 0, V_OCSP_CERTSTATUS_GOOD, 0, NULL, FX_NONE},
	{"fx_noreason.der", 0, 0, 0, 0, 0, 0, 1, V_OCSP_CERTSTATUS_GOOD, 1, NULL, FX_NONE},
	{"fx_unknown.der", 0, 0, 0, 0, 0, 0, 0, V_OCSP_CERTSTATUS_UNKNOWN, 0, NULL, FX_NONE},
	{"fx_resigned.der", 0, 0, 0, 0, 0, 0, 0, V_OCSP_CERTSTATUS_GOOD, 0, NULL, FX_RESIGN},
	{"fx_tampered.der", 0, 0, 0, 0, 0, 0, 0, V_OCSP_CERTSTATUS_GOOD, 0, NULL, FX_TAMPER},
	{"fx_ber.der", 0, 0, 0, 0, 0, 0, 0, V_OCSP_CERTSTATUS_GOOD, 0, NULL, FX_BER},
	{"fx_critfalse.der", 0, 0, 0, 1, 0, 0, 0, V_OCSP_CERTSTATUS_GOOD, 0, NULL, FX_CRITFALSE},
	{"fx_nocerts.der", 0, 0, 0, 0, 0, 1, 0, V_OCSP_CERTSTATUS_GOOD, 0, NULL, FX_NONE},
};

static void make_pki(void)
{
	vn_time y2010 = 1262304000;
	const char *ee = "critical,digitalSignature,nonRepudiation";
	char url[64];
	const char *types[1] = {TP_OCSP_QC};
	X509 *lc[1];
	FILE *fp;
	char p[512];

	tp_mkdir();
	now = vn_time_now();
	port_main = tp_free_port();
	port_cache = tp_free_port();
	port_rogue = tp_free_port();
	port_down = tp_free_port();
	root = tp_make("Rev Root", NULL, NULL, 1, y2010, now + 20 * 365 * TP_DAY, 1,
		       "critical,keyCertSign,cRLSign", NULL, NULL, NULL);
	ica = tp_make("Rev Issuing CA", NULL, &root, 2, y2010, now + 10 * 365 * TP_DAY, 1,
		      "critical,keyCertSign,cRLSign,digitalSignature", NULL, NULL, NULL);
	responder = tp_make("OCSP Responder", NULL, &ica, 0x3001, now - 30 * TP_DAY,
			    now + 365 * TP_DAY, 0, "critical,digitalSignature", "OCSPSigning", NULL,
			    NULL);
	tp_ext(responder.x, NULL, NID_id_pkix_OCSP_noCheck, "ignored");
	TP_REQUIRE(X509_sign(responder.x, ica.k, EVP_sha256()) > 0);
	nonocheck = tp_make("OCSP Responder Without NoCheck", NULL, &ica, 0x3002, now - 30 * TP_DAY,
			    now + 365 * TP_DAY, 0, "critical,digitalSignature", "OCSPSigning", NULL,
			    NULL);
	rogue = tp_make("Rogue Responder", NULL, NULL, 0x3003, now - 30 * TP_DAY, now + 365 * TP_DAY,
			0, "critical,digitalSignature", "OCSPSigning", NULL, NULL);
	listed = tp_make("Listed Responder", NULL, NULL, 0x3004, now - 30 * TP_DAY,
			 now + 365 * TP_DAY, 0, "critical,digitalSignature", "OCSPSigning", NULL, NULL);
	snprintf(url, sizeof url, "http://127.0.0.1:%d", port_main);
	good = tp_make("Good", NULL, &ica, 0x2001, now - 30 * TP_DAY, now + 365 * TP_DAY, 0, ee, NULL,
		       url, NULL);
	revoked = tp_make("Revoked", NULL, &ica, 0x2002, now - 30 * TP_DAY, now + 365 * TP_DAY, 0, ee,
			  NULL, url, NULL);
	unknown = tp_make("Unknown", NULL, &ica, 0x2003, now - 30 * TP_DAY, now + 365 * TP_DAY, 0, ee,
			  NULL, url, NULL);
	crl_rev = tp_make("On The CRL", NULL, &ica, 0x2007, now - 30 * TP_DAY, now + 365 * TP_DAY, 0,
			  ee, NULL, NULL, NULL);
	snprintf(url, sizeof url, "http://127.0.0.1:%d", port_down);
	down = tp_make("Down", NULL, &ica, 0x2004, now - 30 * TP_DAY, now + 365 * TP_DAY, 0, ee, NULL,
		       url, NULL);
	snprintf(url, sizeof url, "http://127.0.0.1:%d", port_rogue);
	rogue_c = tp_make("Rogue Answered", NULL, &ica, 0x2005, now - 30 * TP_DAY, now + 365 * TP_DAY,
			  0, ee, NULL, url, NULL);
	snprintf(url, sizeof url, "http://127.0.0.1:%d", port_cache);
	cache_c = tp_make("Cached", NULL, &ica, 0x2006, now - 30 * TP_DAY, now + 365 * TP_DAY, 0, ee,
			  NULL, url, NULL);
	tp_write(&ica, "ica");
	tp_write(&responder, "responder");
	tp_write(&nonocheck, "nonocheck");
	tp_write(&rogue, "rogue");
	tp_write(&listed, "listed");
	tp_write(&good, "good");
	tp_write(&revoked, "revoked");
	fp = fopen(tp_path("index.txt", p, sizeof p), "w");
	TP_REQUIRE(fp != NULL);
	index_line(fp, &good, 0);
	index_line(fp, &revoked, 1);
	index_line(fp, &down, 0);
	index_line(fp, &rogue_c, 0);
	index_line(fp, &cache_c, 0);
	fclose(fp);
	make_resp("emb_good.der", "good", "responder", "", "-ndays 1");
	make_resp("emb_good256.der", "good", "responder", "-sha256", "-ndays 1");
	make_resp("emb_rev.der", "revoked", "responder", "", "-ndays 1");
	make_resp("emb_ca.der", "good", "ica", "", "-ndays 1");
	make_resp("emb_listed.der", "good", "listed", "", "-ndays 1");
	make_resp("emb_rogue.der", "good", "rogue", "", "-ndays 1");
	make_resp("emb_nonocheck.der", "good", "nonocheck", "", "-ndays 1");
	make_resp("emb_nonext.der", "good", "responder", "", "");
	make_resp("emb_nonce.der", "good", "responder", "-nonce", "-ndays 1");
	make_resp("emb_bykey.der", "good", "responder", "", "-ndays 1 -resp_key_id");
	for (size_t k = 0; k < sizeof fxs / sizeof fxs[0]; k++)
		make_fx(&fxs[k]);
	tamper_sig("emb_good.der", "emb_badsig.der");
	tamper_sig("fx_many.der", "fx_many_badsig.der");
	TP_REQUIRE(tp_sh("printf 'not an OCSP response' > garbage.der") == 0);
	make_crl("crl.der", ica.k, now - 3600, now + TP_DAY);
	make_crl("crl_badsig.der", root.k, now - 3600, now + TP_DAY);
	make_crl("crl_stale.der", ica.k, now - 20 * TP_DAY, now - 13 * TP_DAY);
	lc[0] = listed.x;
	snap = tp_snapshot(types, lc, 1);
	pid_main = tp_responder(port_main, "index.txt", "ica", "responder");
	pid_rogue = tp_responder(port_rogue, "index.txt", "ica", "rogue");
	TP_REQUIRE(pid_main > 0 && pid_rogue > 0);
}

/* ---- the BDOC time-mark in the engine ----------------------------------
 * An OCSP response the parser found bound to the signature value (its
 * nonce) is a proof of existence at its producedAt, but only once the
 * revocation check has authenticated that very response. */
typedef struct tmcase {
	const char *name;
	const char *ocsp[2];	/* embedded, in order; timemark is index 0 */
	int online;
	vn_indication want;
	vn_subind sub;
	const char *code;	/* a finding that must be there */
} tmcase;

static const tmcase tmcases[] = {
	{"time-mark by the CA's responder", {"emb_good.der"}, 0, VN_IND_TOTAL_PASSED, VN_SUB_NONE,
	 "V_TIMEMARK"},
	{"time-mark by an untrusted responder, status online", {"emb_rogue.der"}, 1,
	 VN_IND_INDETERMINATE, VN_SUB_NO_POE, "V_TIMEMARK_UNVERIFIED"},
	{"time-mark unreadable", {"garbage.der"}, 0, VN_IND_INDETERMINATE, VN_SUB_TRY_LATER,
	 "V_TIMEMARK_UNREADABLE"},
};

START_TEST(test_timemark)
{
	const tmcase *c = &tmcases[_i];
	STACK_OF(X509) *anchors = sk_X509_new_null();
	v_policy pol;
	v_trust tr = {NULL, NULL};
	v_ctx ctx = {&tr, &pol, NULL, NULL};
	v_sigobj so;
	v_result r;
	size_t i;

	ck_assert_ptr_nonnull(anchors);
	ck_assert_int_gt(sk_X509_push(anchors, root.x), 0);
	tr.anchors = anchors;
	v_policy_default(&pol);
	pol.online_revocation = c->online;
	pol.revocation_timeout_ms = 3000;
	v_sigobj_init(&so);
	so.format = V_FMT_XADES;
	so.level = V_LEVEL_LT;
	so.signer = X509_dup(good.x);
	so.certs = sk_X509_new_null();
	ck_assert_int_gt(sk_X509_push(so.certs, X509_dup(ica.x)), 0);
	snprintf(so.sig_alg, sizeof so.sig_alg, "ECDSA");
	snprintf(so.digest_alg, sizeof so.digest_alg, "SHA-256");
	so.key_bits = 256;
	for (i = 0; i < 2; i++)
		if (c->ocsp[i] != NULL)
			add_blob(&so.ocsps, &so.nocsps, c->ocsp[i]);
	so.timemark = 0;
	v_result_init(&r);
	ck_assert_int_eq(v_validate(&ctx, &so, VN_TIME_NONE, &r), VN_OK);
	ck_assert_msg(r.indication == c->want && r.sub == c->sub, "%s: %s/%s", c->name,
		      vn_indication_name(r.indication), vn_subind_name(r.sub) ? vn_subind_name(r.sub) : "-");
	ck_assert_msg(vn_findings_has(&r.findings, c->code), "%s: no %s", c->name, c->code);
	if (c->want == VN_IND_TOTAL_PASSED) {
		ck_assert_str_eq(r.process, "LTVM");
		ck_assert(r.best_signature_time == r.revocation.produced_at);
		ck_assert_str_eq(r.format, "XAdES-BASELINE-LT-TM");
	}
	v_result_free(&r);
	v_sigobj_free(&so);
	sk_X509_free(anchors);
}
END_TEST

static void free_pki(void)
{
	tp_cert *all[] = {&root, &ica, &responder, &nonocheck, &rogue, &listed, &good,
			  &revoked, &unknown, &down, &rogue_c, &cache_c, &crl_rev};
	size_t i;

	tp_stop(pid_main);
	tp_stop(pid_rogue);
	for (i = 0; i < sizeof all / sizeof all[0]; i++)
		tp_free(all[i]);
	tl_snapshot_unref(snap);
	tp_cleanup();
}

int main(void)
{
	Suite *s = suite_create("v_rev");
	TCase *tc = tcase_create("rev");
	int rc;

	make_pki();
	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, test_rev, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_loop_test(tc, test_rev_tables, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_loop_test(tc, test_rev_memo, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_loop_test(tc, test_memo_tampered, 0, 2);
	tcase_add_test(tc, test_cache_online);
	tcase_add_test(tc, test_cache_eviction);
	tcase_add_loop_test(tc, test_timemark, 0, (int)(sizeof tmcases / sizeof tmcases[0]));
	suite_add_tcase(s, tc);
	rc = vn_test_run(s);
	free_pki();
	return rc;
}
