/* Check suite for the signature memo (node/v_sigmemo.h): a stored key hits;
 * a changed byte, length or boundary of any part misses; parts it cannot
 * key are refused; the slots are bounded and a colliding entry replaces the
 * older; off when 0; counters; threads. That a failed verification is never
 * stored, and that verdicts do not change, is shown where the memo is used
 * (test_v_rev.c). */
#include "tests/unit/vn_test.h"

#include <pthread.h>
#include <stdint.h>

#include "node/v_sigmemo.h"

/* ecdsa-with-SHA256, a SHA-256 digest, a DER-shaped signature, a key digest */
static const unsigned char alg[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
static unsigned char dg[32], sig[72], spki[32];

static void fill(void)
{
	size_t i;

	for (i = 0; i < sizeof dg; i++)
		dg[i] = (unsigned char)(i * 7 + 1);
	for (i = 0; i < sizeof sig; i++)
		sig[i] = (unsigned char)(i * 13 + 5);
	for (i = 0; i < sizeof spki; i++)
		spki[i] = (unsigned char)(i * 31 + 9);
}

static v_sigmemo_in base(void)
{
	v_sigmemo_in in = {alg, sizeof alg, dg, sizeof dg, sig, sizeof sig, spki};

	fill();
	return in;
}

static void key_of(const v_sigmemo_in *in, unsigned char key[V_SIGMEMO_KEY_LEN])
{
	ck_assert_int_eq(v_sigmemo_key(in, key), 0);
}

/* ---- a change anywhere misses --------------------------------------------- */

typedef enum { P_ALG, P_DG, P_SIG, P_SPKI } part;

typedef struct mcase {
	const char *name;
	part p;
	size_t at;		/* byte flipped (when not a length change) */
	int shorten;		/* drop the last byte instead */
	int shift;		/* move the boundary between alg and digest by one byte */
} mcase;

static const mcase mcases[] = {
	{"algorithm, first byte", P_ALG, 0, 0, 0},
	{"algorithm, last byte", P_ALG, sizeof alg - 1, 0, 0},
	{"algorithm, one byte shorter", P_ALG, 0, 1, 0},
	{"digest, first byte", P_DG, 0, 0, 0},
	{"digest, last byte", P_DG, 31, 0, 0},
	{"digest, one byte shorter", P_DG, 0, 1, 0},
	{"signature, first byte", P_SIG, 0, 0, 0},
	{"signature, last byte", P_SIG, 71, 0, 0},
	{"signature, one byte shorter", P_SIG, 0, 1, 0},
	{"key, first byte", P_SPKI, 0, 0, 0},
	{"key, last byte", P_SPKI, 31, 0, 0},
	{"the same bytes, the algorithm/digest boundary moved", P_ALG, 0, 0, 1},
};

START_TEST(test_change_misses)
{
	const mcase *c = &mcases[_i];
	v_sigmemo *m = v_sigmemo_new(64);
	v_sigmemo_in in = base(), ch;
	unsigned char k0[V_SIGMEMO_KEY_LEN], k1[V_SIGMEMO_KEY_LEN], a2[sizeof alg + sizeof dg],
		d2[sizeof alg + sizeof dg], s2[sizeof sig], p2[sizeof spki];
	uint64_t hits, misses;

	ck_assert_ptr_nonnull(m);
	key_of(&in, k0);
	ck_assert_int_eq(v_sigmemo_has(m, k0), 0);
	v_sigmemo_add(m, k0);
	ck_assert_int_eq(v_sigmemo_has(m, k0), 1);
	ch = in;
	memcpy(a2, alg, sizeof alg);
	memcpy(d2, dg, sizeof dg);
	memcpy(s2, sig, sizeof sig);
	memcpy(p2, spki, sizeof spki);
	ch.alg = a2;
	ch.digest = d2;
	ch.sig = s2;
	ch.spki_sha256 = p2;
	if (c->shift) {
		/* alg || digest as one string, cut one byte later */
		memcpy(a2 + sizeof alg, dg, sizeof dg);
		ch.alg_len = sizeof alg + 1;
		ch.digest = a2 + sizeof alg + 1;
		ch.digest_len = sizeof dg - 1;
	} else {
		unsigned char *b = c->p == P_ALG ? a2 : c->p == P_DG ? d2 : c->p == P_SIG ? s2 : p2;
		size_t *len = c->p == P_ALG ? &ch.alg_len : c->p == P_DG ? &ch.digest_len : &ch.sig_len;

		if (c->shorten)
			(*len)--;
		else
			b[c->at] ^= 0x01;
	}
	key_of(&ch, k1);
	ck_assert_msg(memcmp(k0, k1, sizeof k0) != 0, "%s: same key", c->name);
	ck_assert_msg(v_sigmemo_has(m, k1) == 0, "%s: hit", c->name);
	ck_assert_int_eq(v_sigmemo_has(m, k0), 1);	/* the stored one still there */
	v_sigmemo_stats(m, &hits, &misses);
	ck_assert_uint_eq(hits, 2);
	ck_assert_uint_eq(misses, 2);
	v_sigmemo_free(m);
}
END_TEST

/* ---- what cannot be keyed ------------------------------------------------- */

typedef struct kcase {
	const char *name;
	int which;	/* 0 alg, 1 digest, 2 signature, 3 key */
	size_t len;	/* the part's length (ignored for the key) */
	int null;	/* the part missing */
} kcase;

static const kcase kcases[] = {
	{"empty algorithm", 0, 0, 0},
	{"empty digest", 1, 0, 0},
	{"empty signature", 2, 0, 0},
	{"algorithm over the cap", 0, V_SIGMEMO_MAX_PART + 1, 0},
	{"digest over the cap", 1, V_SIGMEMO_MAX_PART + 1, 0},
	{"signature over the cap", 2, V_SIGMEMO_MAX_PART + 1, 0},
	{"no algorithm", 0, 8, 1},
	{"no digest", 1, 32, 1},
	{"no signature", 2, 72, 1},
	{"no key", 3, 0, 1},
};

START_TEST(test_key_refused)
{
	const kcase *c = &kcases[_i];
	static unsigned char big[V_SIGMEMO_MAX_PART + 1];
	v_sigmemo_in in = base();
	unsigned char key[V_SIGMEMO_KEY_LEN];

	switch (c->which) {
	case 0:
		in.alg = c->null ? NULL : big;
		in.alg_len = c->len;
		break;
	case 1:
		in.digest = c->null ? NULL : big;
		in.digest_len = c->len;
		break;
	case 2:
		in.sig = c->null ? NULL : big;
		in.sig_len = c->len;
		break;
	default:
		in.spki_sha256 = NULL;
		break;
	}
	ck_assert_msg(v_sigmemo_key(&in, key) == -1, "%s: keyed", c->name);
	/* at the cap itself it is kept */
	in = base();
	in.sig = big;
	in.sig_len = V_SIGMEMO_MAX_PART;
	ck_assert_int_eq(v_sigmemo_key(&in, key), 0);
}
END_TEST

/* ---- bounded, replaced, off ----------------------------------------------- */

/* A key that differs from base's in the signature's first bytes. */
static void nth_key(uint32_t n, unsigned char key[V_SIGMEMO_KEY_LEN])
{
	v_sigmemo_in in = base();
	unsigned char s[sizeof sig];

	memcpy(s, sig, sizeof s);
	memcpy(s, &n, sizeof n);
	in.sig = s;
	key_of(&in, key);
}

START_TEST(test_bounded)
{
	v_sigmemo *m = v_sigmemo_new(4);
	unsigned char k[V_SIGMEMO_KEY_LEN];
	uint32_t i, kept = 0;

	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(v_sigmemo_slots(m), 4);
	for (i = 0; i < 200; i++) {
		nth_key(i, k);
		v_sigmemo_add(m, k);
		ck_assert_int_eq(v_sigmemo_has(m, k), 1);	/* the newest is always there */
	}
	for (i = 0; i < 200; i++) {
		nth_key(i, k);
		kept += (uint32_t)v_sigmemo_has(m, k);
	}
	ck_assert_uint_le(kept, 4);
	ck_assert_uint_ge(kept, 1);
	v_sigmemo_free(m);

	/* one slot: every new key replaces the one before */
	m = v_sigmemo_new(1);
	ck_assert_ptr_nonnull(m);
	nth_key(1, k);
	v_sigmemo_add(m, k);
	nth_key(2, k);
	v_sigmemo_add(m, k);
	ck_assert_int_eq(v_sigmemo_has(m, k), 1);
	nth_key(1, k);
	ck_assert_int_eq(v_sigmemo_has(m, k), 0);
	v_sigmemo_free(m);
}
END_TEST

START_TEST(test_off)
{
	unsigned char k[V_SIGMEMO_KEY_LEN];
	uint64_t hits = 7, misses = 7;

	ck_assert_ptr_null(v_sigmemo_new(0));
	nth_key(0, k);
	v_sigmemo_add(NULL, k);
	ck_assert_int_eq(v_sigmemo_has(NULL, k), 0);
	v_sigmemo_stats(NULL, &hits, &misses);
	ck_assert_uint_eq(hits, 0);
	ck_assert_uint_eq(misses, 0);
	ck_assert_uint_eq(v_sigmemo_slots(NULL), 0);
	v_sigmemo_free(NULL);
}
END_TEST

/* ---- threads (under ASan in make check) ----------------------------------- */

#define T_THREADS 4
#define T_ROUNDS 2000

typedef struct targ {
	v_sigmemo *m;
	uint32_t base;
	int wrong;	/* a key never added that hit */
} targ;

static void *worker(void *p)
{
	targ *a = p;
	unsigned char k[V_SIGMEMO_KEY_LEN], never[V_SIGMEMO_KEY_LEN];
	uint32_t i;

	nth_key(0xffffff00u + a->base, never);
	for (i = 0; i < T_ROUNDS; i++) {
		nth_key(a->base * T_ROUNDS + i % 64, k);
		if (!v_sigmemo_has(a->m, k))
			v_sigmemo_add(a->m, k);
		if (v_sigmemo_has(a->m, never))
			a->wrong = 1;
	}
	return NULL;
}

START_TEST(test_threads)
{
	v_sigmemo *m = v_sigmemo_new(97);
	pthread_t th[T_THREADS];
	targ a[T_THREADS];
	uint64_t hits, misses;
	int i;

	ck_assert_ptr_nonnull(m);
	for (i = 0; i < T_THREADS; i++) {
		a[i].m = m;
		a[i].base = (uint32_t)i;
		a[i].wrong = 0;
		ck_assert_int_eq(pthread_create(&th[i], NULL, worker, &a[i]), 0);
	}
	for (i = 0; i < T_THREADS; i++) {
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);
		ck_assert_int_eq(a[i].wrong, 0);
	}
	v_sigmemo_stats(m, &hits, &misses);
	ck_assert_uint_eq(hits + misses, (uint64_t)T_THREADS * T_ROUNDS * 2);
	ck_assert_uint_gt(hits, 0);
	v_sigmemo_free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("v_sigmemo");
	TCase *tc = tcase_create("sigmemo");

	tcase_add_loop_test(tc, test_change_misses, 0, (int)(sizeof mcases / sizeof mcases[0]));
	tcase_add_loop_test(tc, test_key_refused, 0, (int)(sizeof kcases / sizeof kcases[0]));
	tcase_add_test(tc, test_bounded);
	tcase_add_test(tc, test_off);
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);
	return vn_test_run(s);
}
