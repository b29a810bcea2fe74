/* ECDSA P-256 verification through per-key fixed-base tables (vn_p256.h):
 * it must agree with EVP_PKEY_verify on every input, valid or not. */
#include "vn_test.h"

#include <pthread.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "common/vn_p256.h"
#include "common/vn_p256_int.h"

typedef struct key {
	EVP_PKEY *pk;
	X509_PUBKEY *spki;
} key;

static key make_key(const char *curve, int compressed)
{
	key k = {NULL, NULL};

	if (curve == NULL)
		k.pk = EVP_RSA_gen(2048);
	else if (strcmp(curve, "ED25519") == 0)
		k.pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	else
		k.pk = EVP_EC_gen(curve);
	ck_assert_ptr_nonnull(k.pk);
	if (compressed)
		ck_assert_int_eq(EVP_PKEY_set_utf8_string_param(
					 k.pk, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "compressed"),
				 1);
	ck_assert_int_eq(X509_PUBKEY_set(&k.spki, k.pk), 1);
	return k;
}

static void free_key(key *k)
{
	X509_PUBKEY_free(k->spki);
	EVP_PKEY_free(k->pk);
}

/* A DER ECDSA signature over the digest dg (no hashing: ECDSA takes the
 * digest's leftmost bits itself). */
static size_t sign(const key *k, const unsigned char *dg, size_t dglen, unsigned char *sig,
		   size_t cap)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(k->pk, NULL);
	size_t n = cap;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(EVP_PKEY_sign_init(c), 1);
	ck_assert_int_eq(EVP_PKEY_sign(c, sig, &n, dg, dglen), 1);
	EVP_PKEY_CTX_free(c);
	return n;
}

/* EVP's answer: 1 valid, 0 anything else. */
static int evp_verify(const key *k, const unsigned char *sig, size_t siglen,
		      const unsigned char *dg, size_t dglen)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(k->pk, NULL);
	int r;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(EVP_PKEY_verify_init(c), 1);
	r = EVP_PKEY_verify(c, sig, siglen, dg, dglen) == 1;
	EVP_PKEY_CTX_free(c);
	return r;
}

/* Ours and EVP's must agree; ours must have handled it (the key has a
 * table). Returns the common answer. */
static int agree(const key *k, const unsigned char *sig, size_t siglen,
		 const unsigned char *dg, size_t dglen)
{
	int ours = vn_p256_verify(k->spki, sig, siglen, dg, dglen);
	int theirs = evp_verify(k, sig, siglen, dg, dglen);

	ck_assert_int_ne(ours, VN_P256_NOT_HANDLED);
	ck_assert_int_eq(ours, theirs);
	return ours;
}

/* DER of (r, s) written by hand, so that values ECDSA_SIG would not
 * encode (zero, negative) can be given: a non-negative r or s as its
 * minimal big-endian bytes, or neg for the integer -1. */
static size_t der_int(const BIGNUM *v, unsigned char *out)
{
	unsigned char b[40];
	size_t n = 0;

	if (v == NULL) {
		out[0] = 0x02;
		out[1] = 0x01;
		out[2] = 0xff;	/* -1 */
		return 3;
	}
	if (BN_is_zero(v))
		b[n++] = 0;
	else {
		int k = BN_num_bytes(v);
		ck_assert_int_le(k, 33);
		if (BN_is_bit_set(v, k * 8 - 1))
			b[n++] = 0;
		n += (size_t)BN_bn2bin(v, b + n);
	}
	out[0] = 0x02;
	out[1] = (unsigned char)n;
	memcpy(out + 2, b, n);
	return n + 2;
}

static size_t der_of(const BIGNUM *r, const BIGNUM *s, unsigned char *out, size_t cap)
{
	unsigned char body[90];
	size_t n;

	n = der_int(r, body);
	n += der_int(s, body + n);
	ck_assert_uint_le(n + 2, cap);
	out[0] = 0x30;
	out[1] = (unsigned char)n;
	memcpy(out + 2, body, n);
	return n + 2;
}

static const size_t dglens[] = {32, 20, 48, 64};	/* SHA-256, SHA-1, SHA-384, SHA-512 */

/* Good signatures verify, a changed digest or signature does not, and
 * another key's signature does not: always as EVP says. */
START_TEST(t_agrees_with_evp)
{
	key a = make_key("P-256", _i == 3), b = make_key("P-256", 0);
	size_t dglen = dglens[_i];
	unsigned char dg[64], sig[80];

	size_t used = dglen < 32 ? dglen : 32;

	ck_assert_int_eq(vn_p256_table_now(a.spki), 0);
	for (int round = 0; round < 48; round++) {
		size_t n;

		ck_assert_int_eq(RAND_bytes(dg, (int)dglen), 1);
		n = sign(&a, dg, dglen, sig, sizeof sig);
		ck_assert_int_eq(agree(&a, sig, n, dg, dglen), VN_P256_VALID);
		dg[(size_t)round % used] ^= (unsigned char)(1u << (round % 8));
		ck_assert_int_eq(agree(&a, sig, n, dg, dglen), VN_P256_INVALID);
		dg[(size_t)round % used] ^= (unsigned char)(1u << (round % 8));
		if (dglen > 32) {	/* only the leftmost 256 bits count */
			dg[dglen - 1] ^= 0x80;
			ck_assert_int_eq(agree(&a, sig, n, dg, dglen), VN_P256_VALID);
			dg[dglen - 1] ^= 0x80;
		}
		sig[n - 1 - (size_t)round % 8] ^= 0x01;
		(void)agree(&a, sig, n, dg, dglen);
		ck_assert_int_eq(vn_p256_verify(a.spki, sig, n, dg, dglen), VN_P256_INVALID);
		n = sign(&b, dg, dglen, sig, sizeof sig);
		ck_assert_int_eq(agree(&a, sig, n, dg, dglen), VN_P256_INVALID);
	}
	free_key(&a);
	free_key(&b);
}
END_TEST

/* Only strict DER: a long-form length, a padded integer, trailing bytes
 * and a truncation are all refused, as EVP refuses them. */
START_TEST(t_strict_der)
{
	key a = make_key("P-256", 0);
	unsigned char dg[32], sig[80], bad[96];
	size_t n;

	ck_assert_int_eq(vn_p256_table_now(a.spki), 0);
	memset(dg, 0x5a, sizeof dg);
	n = sign(&a, dg, sizeof dg, sig, sizeof sig);
	ck_assert_int_eq(agree(&a, sig, n, dg, sizeof dg), VN_P256_VALID);
	/* 30 81 LL: the same length in long form */
	bad[0] = 0x30;
	bad[1] = 0x81;
	bad[2] = sig[1];
	memcpy(bad + 3, sig + 2, n - 2);
	ck_assert_int_eq(agree(&a, bad, n + 1, dg, sizeof dg), VN_P256_INVALID);
	/* r with a needless leading zero */
	ck_assert_uint_eq(sig[2], 0x02);
	bad[0] = 0x30;
	bad[1] = (unsigned char)(sig[1] + 1);
	bad[2] = 0x02;
	bad[3] = (unsigned char)(sig[3] + 1);
	bad[4] = 0x00;
	memcpy(bad + 5, sig + 4, n - 4);
	ck_assert_int_eq(agree(&a, bad, n + 1, dg, sizeof dg), VN_P256_INVALID);
	/* a trailing byte */
	memcpy(bad, sig, n);
	bad[n] = 0;
	ck_assert_int_eq(agree(&a, bad, n + 1, dg, sizeof dg), VN_P256_INVALID);
	/* truncated, and empty */
	ck_assert_int_eq(agree(&a, sig, n - 1, dg, sizeof dg), VN_P256_INVALID);
	ck_assert_int_eq(vn_p256_verify(a.spki, sig, 0, dg, sizeof dg), VN_P256_INVALID);
	free_key(&a);
}
END_TEST

/* r and s must lie in [1, n-1]. */
START_TEST(t_range)
{
	key a = make_key("P-256", 0);
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	const BIGNUM *n = EC_GROUP_get0_order(g);
	BIGNUM *zero = BN_new(), *one = BN_new(), *big = BN_new();
	unsigned char dg[32], sig[96];
	size_t len;

	ck_assert_int_eq(vn_p256_table_now(a.spki), 0);
	memset(dg, 0x11, sizeof dg);
	len = der_of(one, one, sig, sizeof sig);	/* well formed, just wrong */
	ck_assert_int_eq(agree(&a, sig, len, dg, sizeof dg), VN_P256_INVALID);
	BN_zero(zero);
	BN_one(one);
	ck_assert_int_eq(BN_add(big, n, one), 1);
	len = der_of(zero, one, sig, sizeof sig);
	ck_assert_int_eq(agree(&a, sig, len, dg, sizeof dg), VN_P256_INVALID);
	len = der_of(one, zero, sig, sizeof sig);
	ck_assert_int_eq(agree(&a, sig, len, dg, sizeof dg), VN_P256_INVALID);
	len = der_of(n, one, sig, sizeof sig);
	ck_assert_int_eq(agree(&a, sig, len, dg, sizeof dg), VN_P256_INVALID);
	len = der_of(one, n, sig, sizeof sig);
	ck_assert_int_eq(agree(&a, sig, len, dg, sizeof dg), VN_P256_INVALID);
	len = der_of(big, one, sig, sizeof sig);
	ck_assert_int_eq(agree(&a, sig, len, dg, sizeof dg), VN_P256_INVALID);
	len = der_of(one, NULL, sig, sizeof sig);	/* s = -1 */
	ck_assert_int_eq(agree(&a, sig, len, dg, sizeof dg), VN_P256_INVALID);
	BN_free(zero);
	BN_free(one);
	BN_free(big);
	EC_GROUP_free(g);
	free_key(&a);
}
END_TEST

/* u1*G + u2*Q at infinity is not a signature: with the private key d, the
 * digest e = -r*d mod n makes the sum vanish for any s. */
START_TEST(t_infinity)
{
	key a = make_key("P-256", 0);
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	const BIGNUM *n = EC_GROUP_get0_order(g);
	BIGNUM *d = NULL, *r = BN_new(), *s = BN_new(), *e = BN_new();
	BN_CTX *bn = BN_CTX_new();
	unsigned char dg[32], sig[96];
	size_t len;

	ck_assert_int_eq(vn_p256_table_now(a.spki), 0);
	ck_assert_int_eq(EVP_PKEY_get_bn_param(a.pk, OSSL_PKEY_PARAM_PRIV_KEY, &d), 1);
	ck_assert_int_eq(BN_set_word(r, 12345), 1);
	ck_assert_int_eq(BN_set_word(s, 678), 1);
	ck_assert_int_eq(BN_mod_mul(e, r, d, n, bn), 1);
	ck_assert_int_eq(BN_mod_sub(e, n, e, n, bn), 1);
	ck_assert_int_eq(BN_bn2binpad(e, dg, sizeof dg), (int)sizeof dg);
	len = der_of(r, s, sig, sizeof sig);
	ck_assert_int_eq(agree(&a, sig, len, dg, sizeof dg), VN_P256_INVALID);
	BN_free(d);
	BN_free(r);
	BN_free(s);
	BN_free(e);
	BN_CTX_free(bn);
	EC_GROUP_free(g);
	free_key(&a);
}
END_TEST

/* The DER rules one by one (X.690 8.3, 10.1; RFC 5480 2.2.3), each row a
 * change to a good signature that OpenSSL refuses and so must we: the
 * first row is the good signature itself. r and s are written from their
 * 32-byte values. */
typedef struct der_row {
	const char *what;
	int valid;
} der_row;

static const der_row der_rows[] = {
	{"canonical", 1},
	{"r with a needless leading zero", 0},
	{"s with a needless leading zero", 0},
	{"r negative", 0},
	{"r negative, padded with ff", 0},
	{"r zero", 0},
	{"r empty", 0},
	{"r = n", 0},
	{"s = n", 0},
	{"r + 2^256 (33 bytes)", 0},
	{"a byte after the SEQUENCE", 0},
	{"a byte inside the SEQUENCE after s", 0},
	{"long-form SEQUENCE length", 0},
	{"long-form INTEGER length", 0},
	{"indefinite SEQUENCE length", 0},
	{"SET instead of SEQUENCE", 0},
	{"BIT STRING instead of INTEGER s", 0},
	{"SEQUENCE length one short", 0},
	{"SEQUENCE length one long", 0},
	{"s length past the end", 0},
	{"r only", 0},
	{"three INTEGERs", 0},
	{"empty SEQUENCE", 0},
	{"one byte", 0},
};

/* The minimal INTEGER content of a 32-byte value v. */
static size_t int_content(const unsigned char v[32], unsigned char *out)
{
	size_t i = 0, n = 0;

	while (i < 31 && v[i] == 0)
		i++;
	if (v[i] & 0x80)
		out[n++] = 0;
	memcpy(out + n, v + i, 32 - i);
	return n + 32 - i;
}

static size_t put_tlv(unsigned char *out, unsigned char tag, const unsigned char *c, size_t n)
{
	out[0] = tag;
	out[1] = (unsigned char)n;
	memcpy(out + 2, c, n);
	return n + 2;
}

static size_t der_row_sig(int row, const unsigned char rb[32], const unsigned char sb[32],
			  const unsigned char nb[32], unsigned char *out)
{
	unsigned char rc[40], sc[40], body[120];
	size_t rn = int_content(rb, rc), sn = int_content(sb, sc), n = 0, k;

	switch (row) {
	case 1: case 2: {
		unsigned char *c = row == 1 ? rc : sc;
		size_t *cn = row == 1 ? &rn : &sn;
		memmove(c + 1, c, *cn);
		c[0] = 0;
		(*cn)++;
		break;
	}
	case 3:
		if (rc[0] == 0) {
			memmove(rc, rc + 1, --rn);
		} else {
			rc[0] |= 0x80;
		}
		break;
	case 4:
		rc[0] = 0xff;
		rc[1] = 0x80;
		rn = 2;
		break;
	case 5: rc[0] = 0; rn = 1; break;
	case 6: rn = 0; break;
	case 7: rn = int_content(nb, rc); break;
	case 8: sn = int_content(nb, sc); break;
	case 9:
		rc[0] = 1;
		memcpy(rc + 1, rb, 32);
		rn = 33;
		break;
	default: break;
	}
	n = put_tlv(body, 0x02, rc, rn);
	if (row == 13) {	/* 02 81 LL */
		body[0] = 0x02;
		body[1] = 0x81;
		body[2] = (unsigned char)rn;
		memcpy(body + 3, rc, rn);
		n = rn + 3;
	}
	if (row != 20)
		n += put_tlv(body + n, row == 16 ? 0x03 : 0x02, sc, sn);
	if (row == 21)
		n += put_tlv(body + n, 0x02, sc, sn);
	if (row == 11)
		body[n++] = 0;
	if (row == 22)
		n = 0;
	switch (row) {
	case 12:	/* 30 81 LL */
		out[0] = 0x30;
		out[1] = 0x81;
		out[2] = (unsigned char)n;
		memcpy(out + 3, body, n);
		return n + 3;
	case 14:	/* 30 80 ... 00 00 */
		out[0] = 0x30;
		out[1] = 0x80;
		memcpy(out + 2, body, n);
		out[n + 2] = 0;
		out[n + 3] = 0;
		return n + 4;
	case 23:
		out[0] = 0x30;
		return 1;
	default: break;
	}
	k = put_tlv(out, row == 15 ? 0x31 : 0x30, body, n);
	if (row == 10)
		out[k++] = 0;
	if (row == 17)
		out[1]--;
	if (row == 18)		/* a byte claimed that is not there */
		out[1]++;
	if (row == 19)		/* s claims one byte more than is left */
		out[k - sn - 1]++;
	return k;
}

START_TEST(t_der_rules)
{
	key a = make_key("P-256", 0);
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	unsigned char dg[32], sig[80], rb[32], sb[32], nb[32], bad[140];
	const unsigned char *p = sig;
	ECDSA_SIG *es;
	size_t n;
	int want = der_rows[_i].valid;

	ck_assert_int_eq(vn_p256_table_now(a.spki), 0);
	/* several signatures: r and s with and without their top bit set */
	for (int round = 0; round < 8; round++) {
		ck_assert_int_eq(RAND_bytes(dg, (int)sizeof dg), 1);
		n = sign(&a, dg, sizeof dg, sig, sizeof sig);
		p = sig;
		es = d2i_ECDSA_SIG(NULL, &p, (long)n);
		ck_assert_ptr_nonnull(es);
		ck_assert_int_eq(BN_bn2binpad(ECDSA_SIG_get0_r(es), rb, 32), 32);
		ck_assert_int_eq(BN_bn2binpad(ECDSA_SIG_get0_s(es), sb, 32), 32);
		ck_assert_int_eq(BN_bn2binpad(EC_GROUP_get0_order(g), nb, 32), 32);
		ECDSA_SIG_free(es);
		n = der_row_sig(_i, rb, sb, nb, bad);
		ck_assert_msg(agree(&a, bad, n, dg, sizeof dg) == want, "%s", der_rows[_i].what);
	}
	EC_GROUP_free(g);
	free_key(&a);
}
END_TEST

/* The plain form r || s: the same answers as the DER of (r, s), and any
 * length but 64 refused. Rows: 0 good, 1 another digest, 2 r = 0, 3 s = 0,
 * 4 r = n, 5 s = n, 6 s = n - 1 (in range, wrong), 7-12 lengths 0, 1, 63,
 * 65, 66 (r and s padded to 33 bytes), 128. */
START_TEST(t_rs)
{
	static const size_t lens[] = {0, 1, 63, 65, 66, 128};
	key a = make_key("P-256", 0);
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	const BIGNUM *order = EC_GROUP_get0_order(g);
	unsigned char dg[32], sig[80], rs[130], der[80], nb[32];
	const unsigned char *p = sig;
	ECDSA_SIG *es;
	BIGNUM *r = BN_new(), *s = BN_new();
	size_t n, rslen = 64, dn;
	int want = _i == 0 ? VN_P256_VALID : VN_P256_INVALID;

	ck_assert_int_eq(vn_p256_table_now(a.spki), 0);
	memset(dg, 0x6b, sizeof dg);
	n = sign(&a, dg, sizeof dg, sig, sizeof sig);
	es = d2i_ECDSA_SIG(NULL, &p, (long)n);
	ck_assert_ptr_nonnull(es);
	ck_assert_int_eq(BN_bn2binpad(ECDSA_SIG_get0_r(es), rs, 32), 32);
	ck_assert_int_eq(BN_bn2binpad(ECDSA_SIG_get0_s(es), rs + 32, 32), 32);
	ck_assert_int_eq(BN_bn2binpad(order, nb, 32), 32);
	ECDSA_SIG_free(es);
	switch (_i) {
	case 1: dg[5] ^= 0x10; break;
	case 2: memset(rs, 0, 32); break;
	case 3: memset(rs + 32, 0, 32); break;
	case 4: memcpy(rs, nb, 32); break;
	case 5: memcpy(rs + 32, nb, 32); break;
	case 6: memcpy(rs + 32, nb, 32); rs[63]--; break;
	default: break;
	}
	if (_i >= 7) {
		rslen = lens[_i - 7];
		if (rslen == 66) {	/* 00 || r || 00 || s */
			memmove(rs + 34, rs + 32, 32);
			memmove(rs + 1, rs, 32);
			rs[0] = 0;
			rs[33] = 0;
		} else if (rslen == 128) {
			memcpy(rs + 64, rs, 64);
		}
	}
	ck_assert_int_eq(vn_p256_verify_rs(a.spki, rs, rslen, dg, sizeof dg), want);
	if (rslen == 64) {	/* as its DER, and as EVP says */
		ck_assert_ptr_nonnull(BN_bin2bn(rs, 32, r));
		ck_assert_ptr_nonnull(BN_bin2bn(rs + 32, 32, s));
		dn = der_of(r, s, der, sizeof der);
		ck_assert_int_eq(agree(&a, der, dn, dg, sizeof dg), want);
	}
	/* no table, or not P-256: the caller's */
	{
		key b = make_key("P-256", 0), c = make_key("P-384", 0);
		ck_assert_int_eq(vn_p256_verify_rs(b.spki, rs, rslen, dg, sizeof dg),
				 VN_P256_NOT_HANDLED);
		ck_assert_int_eq(vn_p256_verify_rs(c.spki, rs, rslen, dg, sizeof dg),
				 VN_P256_NOT_HANDLED);
		ck_assert_int_eq(vn_p256_verify_rs(NULL, rs, rslen, dg, sizeof dg),
				 VN_P256_NOT_HANDLED);
		free_key(&b);
		free_key(&c);
	}
	BN_free(r);
	BN_free(s);
	EC_GROUP_free(g);
	free_key(&a);
}
END_TEST

/* The limb products modulo n and modulo p agree with BN_mod_mul on edge
 * values (0, 1, 2, m - 1, m, m + 1, 2^255, 2^256 - 1, n and p for each
 * other: values at or above the modulus are reduced by it) and on random
 * values of every size below 2^256. */
START_TEST(t_mul_mod)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	BIGNUM *m = BN_new(), *pn[2], *edge[12], *a = BN_new(), *b = BN_new(), *o = BN_new(),
	       *want = BN_new(), *top = BN_new();
	BN_CTX *bn = BN_CTX_new();
	int field = _i;

	ck_assert_ptr_nonnull(bn);
	pn[0] = BN_dup(EC_GROUP_get0_order(g));
	pn[1] = BN_new();
	ck_assert_int_eq(EC_GROUP_get_curve(g, pn[1], NULL, NULL, bn), 1);
	ck_assert_ptr_nonnull(BN_copy(m, pn[field]));
	BN_zero(top);
	ck_assert_int_eq(BN_set_bit(top, 256), 1);
	for (int i = 0; i < 12; i++)
		edge[i] = BN_new();
	BN_zero(edge[0]);
	BN_one(edge[1]);
	ck_assert_int_eq(BN_set_word(edge[2], 2), 1);
	ck_assert_int_eq(BN_sub(edge[3], m, BN_value_one()), 1);
	ck_assert_ptr_nonnull(BN_copy(edge[4], m));
	ck_assert_int_eq(BN_add(edge[5], m, BN_value_one()), 1);
	BN_zero(edge[6]);
	ck_assert_int_eq(BN_set_bit(edge[6], 255), 1);
	ck_assert_int_eq(BN_sub(edge[7], top, BN_value_one()), 1);
	ck_assert_ptr_nonnull(BN_copy(edge[8], pn[0]));
	ck_assert_ptr_nonnull(BN_copy(edge[9], pn[1]));
	ck_assert_int_eq(BN_rshift1(edge[10], m), 1);
	ck_assert_int_eq(BN_sub(edge[11], top, m), 1);	/* 2^256 mod m */
	for (int i = 0; i < 12; i++)
		for (int j = 0; j < 12; j++) {
			ck_assert_int_eq(vn_p256_mul_mod(o, edge[i], edge[j], field), 0);
			ck_assert_int_eq(BN_mod_mul(want, edge[i], edge[j], m, bn), 1);
			ck_assert_msg(BN_cmp(o, want) == 0, "edge %d * %d", i, j);
		}
	for (int i = 0; i < 20000; i++) {
		ck_assert_int_eq(BN_rand(a, 1 + i % 256, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY), 1);
		ck_assert_int_eq(BN_rand(b, 256 - i % 200, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY), 1);
		ck_assert_int_eq(vn_p256_mul_mod(o, a, b, field), 0);
		ck_assert_int_eq(BN_mod_mul(want, a, b, m, bn), 1);
		ck_assert_msg(BN_cmp(o, want) == 0, "random %d", i);
	}
	/* out of range: 2^256, negative */
	ck_assert_int_eq(vn_p256_mul_mod(o, top, edge[1], field), -1);
	BN_set_negative(a, 1);
	if (!BN_is_zero(a))
		ck_assert_int_eq(vn_p256_mul_mod(o, edge[1], a, field), -1);
	for (int i = 0; i < 12; i++)
		BN_free(edge[i]);
	BN_free(pn[0]);
	BN_free(pn[1]);
	BN_free(m);
	BN_free(a);
	BN_free(b);
	BN_free(o);
	BN_free(want);
	BN_free(top);
	BN_CTX_free(bn);
	EC_GROUP_free(g);
}
END_TEST

/* Keys that are not P-256 are left to the caller, with or without a
 * request for a table. */
START_TEST(t_not_p256)
{
	static const char *const curves[] = {"P-384", "ED25519", NULL};
	key k = make_key(curves[_i], 0);
	unsigned char dg[32] = {1}, sig[8] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};

	ck_assert_int_eq(vn_p256_table_now(k.spki), -1);
	ck_assert_int_eq(vn_p256_verify(k.spki, sig, sizeof sig, dg, sizeof dg),
			 VN_P256_NOT_HANDLED);
	ck_assert_int_eq(vn_p256_verify(NULL, sig, sizeof sig, dg, sizeof dg),
			 VN_P256_NOT_HANDLED);
	free_key(&k);
}
END_TEST

/* A key is left to the caller until its count is reached; the use that
 * reaches it builds the table and is answered through it. */
START_TEST(t_threshold)
{
	key a = make_key("P-256", 0);
	unsigned char dg[32], sig[80];
	size_t n, before = vn_p256_tables();

	memset(dg, 0x42, sizeof dg);
	n = sign(&a, dg, sizeof dg, sig, sizeof sig);
	for (unsigned i = 1; i < VN_P256_TABLE_AFTER; i++)
		ck_assert_int_eq(vn_p256_verify(a.spki, sig, n, dg, sizeof dg),
				 VN_P256_NOT_HANDLED);
	ck_assert_uint_eq(vn_p256_tables(), before);
	ck_assert_int_eq(vn_p256_verify(a.spki, sig, n, dg, sizeof dg), VN_P256_VALID);
	ck_assert_uint_eq(vn_p256_tables(), before + 1);
	dg[0] ^= 1;
	ck_assert_int_eq(vn_p256_verify(a.spki, sig, n, dg, sizeof dg), VN_P256_INVALID);
	free_key(&a);
}
END_TEST

/* x(R) may exceed n (it lies in [0, p)): then r = x(R) - n. Such a
 * signature is made by choosing R with x(R) >= n, r, s and e, and solving
 * for the key: Q = (r/s)^-1 * (R - (e/s)*G). */
START_TEST(t_x_above_order)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	const BIGNUM *n = EC_GROUP_get0_order(g);
	BN_CTX *bn = BN_CTX_new();
	BIGNUM *x = BN_new(), *r = BN_new(), *s = BN_new(), *e = BN_new(), *w = BN_new(),
	       *u1 = BN_new(), *u2 = BN_new(), *u2i = BN_new();
	EC_POINT *R = EC_POINT_new(g), *T = EC_POINT_new(g), *Q = EC_POINT_new(g);
	unsigned char dg[32], sig[96], pub[65];
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	key k = {NULL, NULL};
	size_t len;
	char grp[] = "prime256v1";

	ck_assert_ptr_nonnull(pc);
	/* R: the first point above n with an x that has a y */
	ck_assert_int_eq(BN_copy(x, n) != NULL, 1);
	while (EC_POINT_set_compressed_coordinates(g, R, x, 0, bn) != 1)
		ck_assert_int_eq(BN_add_word(x, 1), 1);
	ERR_clear_error();
	ck_assert_int_eq(BN_sub(r, x, n), 1);
	BN_set_word(s, 99991);
	memset(dg, 0x3c, sizeof dg);
	ck_assert_ptr_nonnull(BN_bin2bn(dg, sizeof dg, e));
	ck_assert_ptr_nonnull(BN_mod_inverse(w, s, n, bn));
	ck_assert_int_eq(BN_mod_mul(u1, e, w, n, bn), 1);
	ck_assert_int_eq(BN_mod_mul(u2, r, w, n, bn), 1);
	ck_assert_ptr_nonnull(BN_mod_inverse(u2i, u2, n, bn));
	ck_assert_int_eq(EC_POINT_mul(g, T, u1, NULL, NULL, bn), 1);
	ck_assert_int_eq(EC_POINT_invert(g, T, bn), 1);
	ck_assert_int_eq(EC_POINT_add(g, T, R, T, bn), 1);
	ck_assert_int_eq(EC_POINT_mul(g, Q, NULL, T, u2i, bn), 1);
	ck_assert_uint_eq(EC_POINT_point2oct(g, Q, POINT_CONVERSION_UNCOMPRESSED, pub, sizeof pub, bn),
			  sizeof pub);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, grp, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub);
	params[2] = OSSL_PARAM_construct_end();
	ck_assert_int_eq(EVP_PKEY_fromdata_init(pc), 1);
	ck_assert_int_eq(EVP_PKEY_fromdata(pc, &k.pk, EVP_PKEY_PUBLIC_KEY, params), 1);
	ck_assert_int_eq(X509_PUBKEY_set(&k.spki, k.pk), 1);
	ck_assert_int_eq(vn_p256_table_now(k.spki), 0);
	len = der_of(r, s, sig, sizeof sig);
	ck_assert_int_eq(agree(&k, sig, len, dg, sizeof dg), VN_P256_VALID);
	dg[0] ^= 1;	/* and a digest it does not fit */
	ck_assert_int_eq(agree(&k, sig, len, dg, sizeof dg), VN_P256_INVALID);
	EVP_PKEY_CTX_free(pc);
	free_key(&k);
	EC_POINT_free(R);
	EC_POINT_free(T);
	EC_POINT_free(Q);
	BN_free(x);
	BN_free(r);
	BN_free(s);
	BN_free(e);
	BN_free(w);
	BN_free(u1);
	BN_free(u2);
	BN_free(u2i);
	BN_CTX_free(bn);
	EC_GROUP_free(g);
}
END_TEST

/* Many keys each get their table: keys whose hashes meet share the
 * neighbouring slots (a slot with a table is never taken over), and the cap
 * set by vn_p256_set_max_tables holds. */
START_TEST(t_many_keys)
{
	enum { NKEYS = 48 };
	key k[NKEYS + 1];
	unsigned char dg[32], sig[80];
	size_t n;

	vn_p256_set_max_tables(NKEYS);
	memset(dg, 0x77, sizeof dg);
	for (int i = 0; i <= NKEYS; i++)
		k[i] = make_key("P-256", 0);
	for (int i = 0; i < NKEYS; i++)
		ck_assert_msg(vn_p256_table_now(k[i].spki) == 0, "key %d has no table", i);
	ck_assert_uint_eq(vn_p256_tables(), NKEYS);
	ck_assert_int_eq(vn_p256_table_now(k[NKEYS].spki), -1);	/* over the cap */
	for (int i = 0; i < NKEYS; i++) {
		n = sign(&k[i], dg, sizeof dg, sig, sizeof sig);
		ck_assert_int_eq(agree(&k[i], sig, n, dg, sizeof dg), VN_P256_VALID);
		ck_assert_int_eq(agree(&k[(i + 1) % NKEYS], sig, n, dg, sizeof dg), VN_P256_INVALID);
	}
	for (int i = 0; i <= NKEYS; i++)
		free_key(&k[i]);
}
END_TEST

/* The limb inversion modulo the order agrees with BN_mod_inverse on edge
 * values (1, 2, n-1, (n-1)/2, powers of two, 2^k - 1, a value of every bit
 * length) and on many random ones; 0 and n are refused. */
START_TEST(t_inverse)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	const BIGNUM *n = EC_GROUP_get0_order(g);
	BIGNUM *s = BN_new(), *w = BN_new(), *want = BN_new();
	BN_CTX *bn = BN_CTX_new();

	ck_assert_ptr_nonnull(bn);
	for (int i = 0; i < 6000; i++) {
		if (i < 256) {		/* 2^i */
			BN_zero(s);
			ck_assert_int_eq(BN_set_bit(s, i), 1);
		} else if (i < 512) {	/* 2^k - 1, k = 1..256 */
			BN_zero(s);
			ck_assert_int_eq(BN_set_bit(s, i - 255), 1);
			ck_assert_int_eq(BN_sub_word(s, 1), 1);
		} else if (i < 768) {	/* random, exactly i - 511 bits */
			ck_assert_int_eq(BN_rand(s, i - 511, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY), 1);
		} else {
			switch (i) {
			case 768: BN_one(s); break;
			case 769: ck_assert_int_eq(BN_sub(s, n, BN_value_one()), 1); break;
			case 770: ck_assert_int_eq(BN_rshift1(s, n), 1); break;
			case 771: ck_assert_int_eq(BN_sub_word(s, 2), 1); break;
			default: ck_assert_int_eq(BN_rand_range(s, n), 1);
			}
		}
		if (BN_is_zero(s) || BN_cmp(s, n) >= 0)
			continue;	/* 2^256 - 1 and 2^255.. above n */
		ck_assert_int_eq(vn_p256_inv_order(w, s), 0);
		ck_assert_ptr_nonnull(BN_mod_inverse(want, s, n, bn));
		ck_assert_msg(BN_cmp(w, want) == 0, "case %d", i);
	}
	BN_zero(s);
	ck_assert_int_eq(vn_p256_inv_order(w, s), -1);
	ck_assert_int_eq(vn_p256_inv_order(w, n), -1);
	ck_assert_int_eq(BN_add(s, n, BN_value_one()), 1);
	ck_assert_int_eq(vn_p256_inv_order(w, s), -1);
	BN_set_negative(s, 1);
	ck_assert_int_eq(vn_p256_inv_order(w, s), -1);
	BN_free(s);
	BN_free(w);
	BN_free(want);
	BN_CTX_free(bn);
	EC_GROUP_free(g);
}
END_TEST

/* The same code for other odd moduli, from 3 to 2^256 - 1: it agrees with
 * BN_mod_inverse where an inverse exists and refuses a value sharing a
 * factor with the modulus, and refuses an even modulus or 1. */
START_TEST(t_inverse_moduli)
{
	BIGNUM *m = BN_new(), *s = BN_new(), *w = BN_new(), *want = BN_new(), *a = BN_new(),
	       *b = BN_new();
	BN_CTX *bn = BN_CTX_new();

	ck_assert_ptr_nonnull(bn);
	for (int i = 0; i < 600; i++) {
		int bits = 2 + i % 255;

		if (i == 0) {
			ck_assert_int_eq(BN_set_word(m, 3), 1);
		} else if (i == 1) {	/* 2^256 - 1 = 3 * 5 * 17 * 257 * ... */
			BN_zero(m);
			ck_assert_int_eq(BN_set_bit(m, 256), 1);
			ck_assert_int_eq(BN_sub_word(m, 1), 1);
		} else {
			ck_assert_int_eq(BN_rand(m, bits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ODD), 1);
		}
		for (int j = 0; j < 8; j++) {
			ck_assert_int_eq(BN_rand_range(s, m), 1);
			if (BN_mod_inverse(want, s, m, bn) == NULL) {
				ERR_clear_error();
				ck_assert_int_eq(vn_p256_inv_mod(w, s, m), -1);
				continue;
			}
			ck_assert_int_eq(vn_p256_inv_mod(w, s, m), 0);
			ck_assert_msg(BN_cmp(w, want) == 0, "modulus %d value %d", i, j);
		}
		BN_zero(s);
		ck_assert_int_eq(vn_p256_inv_mod(w, s, m), -1);
	}
	/* m = a*b: multiples of a are refused, their neighbours are not */
	ck_assert_int_eq(BN_generate_prime_ex(a, 100, 0, NULL, NULL, NULL), 1);
	ck_assert_int_eq(BN_generate_prime_ex(b, 150, 0, NULL, NULL, NULL), 1);
	ck_assert_int_eq(BN_mul(m, a, b, bn), 1);
	for (unsigned k = 1; k < 40; k++) {
		ck_assert_ptr_nonnull(BN_copy(s, a));
		ck_assert_int_eq(BN_mul_word(s, k), 1);
		ck_assert_int_eq(vn_p256_inv_mod(w, s, m), -1);
		ck_assert_int_eq(BN_add_word(s, 1), 1);
		ck_assert_int_eq(vn_p256_inv_mod(w, s, m), 0);
		ck_assert_ptr_nonnull(BN_mod_inverse(want, s, m, bn));
		ck_assert_int_eq(BN_cmp(w, want), 0);
	}
	ck_assert_int_eq(BN_set_word(m, 1), 1);
	BN_zero(s);
	ck_assert_int_eq(vn_p256_inv_mod(w, s, m), -1);
	ck_assert_int_eq(BN_set_word(m, 1000), 1);
	ck_assert_int_eq(BN_set_word(s, 3), 1);
	ck_assert_int_eq(vn_p256_inv_mod(w, s, m), -1);
	ck_assert_int_eq(BN_set_bit(m, 257), 1);	/* above 2^256 */
	ck_assert_int_eq(BN_add_word(m, 1), 1);
	ck_assert_int_eq(vn_p256_inv_mod(w, s, m), -1);
	BN_free(m);
	BN_free(s);
	BN_free(w);
	BN_free(want);
	BN_free(a);
	BN_free(b);
	BN_CTX_free(bn);
}
END_TEST

/* Ageing (vn_p256.h): periods of PERIOD verifications, a table allowance
 * of one. */
#define PERIOD 1100u

typedef struct pair {
	key a, b;
	unsigned char dg[32], siga[80], sigb[80];
	size_t na, nb;
} pair;

static void pair_make(pair *p)
{
	p->a = make_key("P-256", 0);
	p->b = make_key("P-256", 0);
	memset(p->dg, 0x24, sizeof p->dg);
	p->na = sign(&p->a, p->dg, sizeof p->dg, p->siga, sizeof p->siga);
	p->nb = sign(&p->b, p->dg, sizeof p->dg, p->sigb, sizeof p->sigb);
	vn_p256_set_max_tables(1);
	vn_p256_set_period(PERIOD);
	ck_assert_int_eq(vn_p256_table_now(p->a.spki), 0);
}

static void pair_free(pair *p)
{
	free_key(&p->a);
	free_key(&p->b);
}

static int verify_a(const pair *p)
{
	return vn_p256_verify(p->a.spki, p->siga, p->na, p->dg, sizeof p->dg);
}

static int verify_b(const pair *p)
{
	return vn_p256_verify(p->b.spki, p->sigb, p->nb, p->dg, sizeof p->dg);
}

/* A key that stops being used loses its table to a new hot key once a full
 * period has passed without it. Verification 1 (period 0) is a's; b counts
 * its 1,024th verification of a period in periods 0 and 1 while a is still
 * recent, and in period 2 (from verification 2P + 1) it takes a's table
 * at its 1,024th: verification 2P + 1,024. */
START_TEST(t_ageing_takeover)
{
	pair p;
	unsigned i;

	pair_make(&p);
	ck_assert_int_eq(verify_a(&p), VN_P256_VALID);
	ck_assert_int_eq(vn_p256_table_now(p.b.spki), -1);	/* a is not stale */
	for (i = 2; i < 2 * PERIOD + VN_P256_TABLE_AFTER; i++)
		ck_assert_msg(verify_b(&p) == VN_P256_NOT_HANDLED, "verification %u", i);
	ck_assert_uint_eq(vn_p256_table_evictions(), 0);
	ck_assert_int_eq(verify_b(&p), VN_P256_VALID);
	ck_assert_uint_eq(vn_p256_table_evictions(), 1);
	ck_assert_uint_eq(vn_p256_tables(), 1);
	ck_assert_int_eq(verify_a(&p), VN_P256_NOT_HANDLED);	/* counting again */
	p.dg[0] ^= 1;
	ck_assert_int_eq(verify_b(&p), VN_P256_INVALID);
	pair_free(&p);
}
END_TEST

/* A key in use keeps its table: a verified once every 600 verifications
 * (some in every period) is never taken over, however hot b is; and no
 * table is taken over with ageing off (period 0) or with the allowance
 * lowered below the tables there are. */
START_TEST(t_ageing_keeps)
{
	pair p;
	unsigned i;

	pair_make(&p);
	if (_i == 1)
		vn_p256_set_period(0);
	if (_i == 2)
		vn_p256_set_max_tables(0);
	for (i = 1; i < 6 * PERIOD; i++) {
		if (_i == 0 ? i % 600 == 1 : i == 1)
			ck_assert_int_eq(verify_a(&p), VN_P256_VALID);
		else
			ck_assert_msg(verify_b(&p) == VN_P256_NOT_HANDLED, "verification %u", i);
	}
	ck_assert_int_eq(vn_p256_table_now(p.b.spki), -1);
	ck_assert_uint_eq(vn_p256_table_evictions(), 0);
	ck_assert_uint_eq(vn_p256_tables(), 1);
	ck_assert_int_eq(verify_a(&p), VN_P256_VALID);
	pair_free(&p);
}
END_TEST

/* The allowance never exceeds VN_P256_TABLES, whatever is asked. */
START_TEST(t_hard_cap)
{
	vn_p256_set_max_tables(100000);
	ck_assert_uint_eq(vn_p256_max_tables(), VN_P256_TABLES);
	vn_p256_set_max_tables(VN_P256_TABLES + 1);
	ck_assert_uint_eq(vn_p256_max_tables(), VN_P256_TABLES);
	vn_p256_set_max_tables(3);
	ck_assert_uint_eq(vn_p256_max_tables(), 3);
}
END_TEST

/* Threads verifying while tables change hands under them: periods of one
 * verification, an allowance of one, and each thread in turn forcing a
 * table for the key of its round, which takes over the table as soon as
 * two verifications have passed since its last use, often while another
 * thread is still multiplying through it: that thread's reference keeps
 * it alive and frees it (vn_p256_late_frees). They run until enough
 * tables have changed hands that way, or for a few seconds. Under ASan a
 * table used after its release, or never freed, shows. */
enum { TKEYS = 5, TTHREADS = 3, TPER = 10, TEVICT = 16, TLATE = 2, TSECONDS = 5 };

typedef struct churn {
	const key *k;
	const unsigned char (*sig)[80];
	const size_t *n;
	const unsigned char *dg;
	time_t until;
	int id, bad, handled;
} churn;

static void *churn_run(void *arg)
{
	churn *c = arg;

	for (int r = 0; time(NULL) < c->until; r++) {
		int i = (r + c->id) % TKEYS, o = (i + 1) % TKEYS;

		if (vn_p256_table_evictions() >= TEVICT && vn_p256_late_frees() >= TLATE)
			break;
		(void)vn_p256_table_now(c->k[i].spki);
		for (int j = 0; j < TPER; j++) {
			int v = vn_p256_verify(c->k[i].spki, c->sig[i], c->n[i], c->dg, 32);

			if (v == VN_P256_VALID)
				c->handled++;
			else if (v != VN_P256_NOT_HANDLED)
				c->bad++;
			/* another key's signature */
			v = vn_p256_verify(c->k[i].spki, c->sig[o], c->n[o], c->dg, 32);
			if (v == VN_P256_VALID)
				c->bad++;
			if (vn_p256_tables() > 1)
				c->bad++;
		}
	}
	return NULL;
}

START_TEST(t_threads)
{
	key k[TKEYS];
	unsigned char sig[TKEYS][80], dg[32];
	size_t n[TKEYS];
	pthread_t th[TTHREADS];
	churn c[TTHREADS];
	int handled = 0;
	time_t until = time(NULL) + TSECONDS;

	memset(dg, 0x5c, sizeof dg);
	for (int i = 0; i < TKEYS; i++) {
		k[i] = make_key("P-256", 0);
		n[i] = sign(&k[i], dg, sizeof dg, sig[i], sizeof sig[i]);
	}
	vn_p256_set_max_tables(1);
	vn_p256_set_period(1);
	for (int t = 0; t < TTHREADS; t++) {
		c[t] = (churn){k, (const unsigned char (*)[80])sig, n, dg, until, t, 0, 0};
		ck_assert_int_eq(pthread_create(&th[t], NULL, churn_run, &c[t]), 0);
	}
	for (int t = 0; t < TTHREADS; t++) {
		ck_assert_int_eq(pthread_join(th[t], NULL), 0);
		ck_assert_int_eq(c[t].bad, 0);
		handled += c[t].handled;
	}
	ck_assert_int_gt(handled, 0);
	ck_assert_uint_gt(vn_p256_table_evictions(), 0);
	ck_assert_uint_gt(vn_p256_late_frees(), 0);
	ck_assert_uint_le(vn_p256_tables(), 1);
	for (int i = 0; i < TKEYS; i++)
		free_key(&k[i]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vn_p256");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, t_agrees_with_evp, 0, (int)(sizeof dglens / sizeof dglens[0]));
	tcase_add_test(tc, t_strict_der);
	tcase_add_test(tc, t_range);
	tcase_add_loop_test(tc, t_der_rules, 0, (int)(sizeof der_rows / sizeof der_rows[0]));
	tcase_add_loop_test(tc, t_rs, 0, 13);
	tcase_add_loop_test(tc, t_mul_mod, 0, 2);
	tcase_add_test(tc, t_infinity);
	tcase_add_loop_test(tc, t_not_p256, 0, 3);
	tcase_add_test(tc, t_threshold);
	tcase_add_test(tc, t_inverse);
	tcase_add_test(tc, t_inverse_moduli);
	tcase_add_test(tc, t_many_keys);
	tcase_add_test(tc, t_x_above_order);
	tcase_add_test(tc, t_ageing_takeover);
	tcase_add_loop_test(tc, t_ageing_keeps, 0, 3);
	tcase_add_test(tc, t_hard_cap);
	tcase_add_test(tc, t_threads);
	suite_add_tcase(tc == NULL ? NULL : s, tc);
	return vn_test_run(s);
}
