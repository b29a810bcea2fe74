/* EC_GROUP_precompute_mult is deprecated in OpenSSL 3 with nothing in its
 * place: it is still the one way to give a point other than the curve's
 * generator a fixed-base table (vn_p256.h). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "common/vn_p256.h"
#include "common/vn_p256_int.h"

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#define SLOTS 1024
#define PROBES 8	/* slots a key may take, from its hash on */
#define PT_MAX 65	/* an uncompressed P-256 point: 04 || x || y */
#define ORDER_BYTES 32

typedef struct slot {
	unsigned char pt[PT_MAX];	/* the key's encoded point as its SPKI holds it */
	size_t ptlen;			/* 0: empty */
	unsigned uses;			/* verifications counted before a table */
	int building;			/* a thread is building the table */
	EC_GROUP *table;		/* generator = the key; never freed */
} slot;

static slot slots[SLOTS];
static size_t ntables;
static size_t max_tables = VN_P256_TABLES_DEFAULT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static EC_GROUP *std_group;	/* P-256 with its own generator table */
static BIGNUM *field_p;		/* its field prime */

static void init_std(void)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	BIGNUM *p = BN_new();

	if (g == NULL || p == NULL || EC_GROUP_get_curve(g, p, NULL, NULL, NULL) != 1) {
		EC_GROUP_free(g);
		BN_free(p);
		return;
	}
	field_p = p;
	std_group = g;
}

/* The encoded point of a P-256 SPKI (id-ecPublicKey with the named curve
 * prime256v1), read in place; -1 for any other key. */
static int p256_point(const X509_PUBKEY *spki, const unsigned char **pt, size_t *ptlen)
{
	ASN1_OBJECT *alg = NULL;
	X509_ALGOR *a = NULL;
	const void *pval = NULL;
	int ptype = 0, n = 0;

	if (X509_PUBKEY_get0_param(&alg, pt, &n, &a, spki) != 1 || alg == NULL || a == NULL)
		return -1;
	if (OBJ_obj2nid(alg) != NID_X9_62_id_ecPublicKey)
		return -1;
	X509_ALGOR_get0(NULL, &ptype, &pval, a);
	if (ptype != V_ASN1_OBJECT || OBJ_obj2nid(pval) != NID_X9_62_prime256v1)
		return -1;
	if (*pt == NULL || n < 33 || n > PT_MAX)
		return -1;
	*ptlen = (size_t)n;
	return 0;
}

static size_t slot_of(const unsigned char *pt, size_t n)
{
	uint64_t h = 1469598103934665603u;	/* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ pt[i]) * 1099511628211u;
	return (size_t)(h % SLOTS);
}

/* A P-256 group whose generator is the point pt, with its table. */
static EC_GROUP *make_table(const unsigned char *pt, size_t n)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	EC_POINT *q = NULL;
	BN_CTX *bn = BN_CTX_new();
	int ok = 0;

	if (g == NULL || bn == NULL || (q = EC_POINT_new(g)) == NULL)
		goto out;
	/* oct2point refuses a point off the curve; the order is prime, so
	 * any finite point generates the whole group. */
	if (EC_POINT_oct2point(g, q, pt, n, bn) != 1 || EC_POINT_is_at_infinity(g, q) ||
	    EC_POINT_is_on_curve(g, q, bn) != 1)
		goto out;
	if (EC_GROUP_set_generator(g, q, EC_GROUP_get0_order(std_group),
				   EC_GROUP_get0_cofactor(std_group)) != 1 ||
	    EC_GROUP_precompute_mult(g, bn) != 1 || EC_GROUP_have_precompute_mult(g) != 1)
		goto out;
	ok = 1;
out:
	EC_POINT_free(q);
	BN_CTX_free(bn);
	if (!ok) {
		EC_GROUP_free(g);
		g = NULL;
	}
	ERR_clear_error();
	return g;
}

/* Build the table of slot s (marked building by the caller) and publish
 * it; NULL when that failed (the count starts again). */
static EC_GROUP *build(slot *s, const unsigned char *pt, size_t n)
{
	EC_GROUP *g = make_table(pt, n);

	(void)pthread_mutex_lock(&lock);
	s->building = 0;
	if (g != NULL && s->table == NULL && ntables < max_tables) {
		s->table = g;
		ntables++;
	} else {
		EC_GROUP_free(g);
		g = s->table;
		s->uses = 0;
	}
	(void)pthread_mutex_unlock(&lock);
	return g;
}

/* The key's table: the existing one, or one built now when force is set or
 * the key has just reached its count; NULL otherwise. */
static EC_GROUP *table_for(const unsigned char *pt, size_t n, int force)
{
	size_t h = slot_of(pt, n), k;
	slot *s = NULL, *free_slot = NULL;
	EC_GROUP *t = NULL;
	int mine = 0;

	(void)pthread_mutex_lock(&lock);
	/* The key's slot among PROBES neighbours: a slot holding a table (or
	 * building one) is never taken over, so a key has PROBES chances to
	 * find room; a counting slot goes to the newcomer, the emptiest
	 * first. */
	for (k = 0; k < PROBES; k++) {
		slot *c = &slots[(h + k) % SLOTS];
		if (c->ptlen == n && memcmp(c->pt, pt, n) == 0) {
			s = c;
			break;
		}
		if (c->table == NULL && !c->building &&
		    (free_slot == NULL || c->uses < free_slot->uses))
			free_slot = c;
	}
	if (s == NULL) {
		if (free_slot == NULL)
			goto unlock;
		s = free_slot;
		memcpy(s->pt, pt, n);
		s->ptlen = n;
		s->uses = 0;
	}
	t = s->table;
	if (t == NULL && !s->building && ntables < max_tables &&
	    (force || ++s->uses >= VN_P256_TABLE_AFTER)) {
		s->building = 1;
		mine = 1;
	}
unlock:
	(void)pthread_mutex_unlock(&lock);
	if (mine)
		t = build(s, pt, n);
	return t;
}

/* Inversion modulo the group order, variable time (every value in a
 * verification is public): the binary extended Euclidean algorithm on four
 * 64-bit limbs, least significant first. BN_mod_inverse costs as much as
 * one of the two table multiplications; this costs a fraction of it. Its
 * answer is checked (w * s == 1 mod n) before use, and BN_mod_inverse
 * answers instead if that ever fails. */
typedef struct u256 {
	uint64_t w[4];
} u256;

static int u256_is_one(const u256 *a)
{
	return a->w[0] == 1 && (a->w[1] | a->w[2] | a->w[3]) == 0;
}

static int u256_is_zero(const u256 *a)
{
	return (a->w[0] | a->w[1] | a->w[2] | a->w[3]) == 0;
}

static int u256_cmp(const u256 *a, const u256 *b)
{
	for (int i = 3; i >= 0; i--)
		if (a->w[i] != b->w[i])
			return a->w[i] > b->w[i] ? 1 : -1;
	return 0;
}

/* a -= b (a >= b) */
static void u256_sub(u256 *a, const u256 *b)
{
	uint64_t borrow = 0;

	for (int i = 0; i < 4; i++) {
		uint64_t x = a->w[i], y = b->w[i];
		uint64_t d = x - y - borrow;

		borrow = (x < y) || (x == y && borrow) ? 1 : 0;
		a->w[i] = d;
	}
}

/* a += b; the carry out */
static uint64_t u256_add(u256 *a, const u256 *b)
{
	uint64_t carry = 0;

	for (int i = 0; i < 4; i++) {
		uint64_t x = a->w[i], t = x + b->w[i], sum = t + carry;

		carry = (t < x) || (sum < t) ? 1 : 0;
		a->w[i] = sum;
	}
	return carry;
}

/* a = (top:a) >> 1 */
static void u256_shr1(u256 *a, uint64_t top)
{
	for (int i = 0; i < 3; i++)
		a->w[i] = (a->w[i] >> 1) | (a->w[i + 1] << 63);
	a->w[3] = (a->w[3] >> 1) | (top << 63);
}

/* x = x / 2 mod n (n odd, x < n) */
static void halve_mod(u256 *x, const u256 *n)
{
	uint64_t c = 0;

	if (x->w[0] & 1)
		c = u256_add(x, n);
	u256_shr1(x, c);
}

/* a = a - b mod n (a, b < n) */
static void sub_mod(u256 *a, const u256 *b, const u256 *n)
{
	if (u256_cmp(a, b) >= 0) {
		u256_sub(a, b);
	} else {
		u256 t = *n;

		u256_sub(&t, b);
		(void)u256_add(a, &t);	/* a + n - b < n: no carry */
	}
}

/* out = a^-1 mod n for an odd n and 0 < a < n; -1 when there is none. */
static int inv_mod(u256 *out, const u256 *a, const u256 *n)
{
	u256 u = *a, v = *n, x1 = {{1, 0, 0, 0}}, x2 = {{0, 0, 0, 0}};

	while (!u256_is_one(&u) && !u256_is_one(&v)) {
		if (u256_is_zero(&u) || u256_is_zero(&v))
			return -1;	/* gcd(a, n) > 1 */
		while ((u.w[0] & 1) == 0) {
			u256_shr1(&u, 0);
			halve_mod(&x1, n);
		}
		while ((v.w[0] & 1) == 0) {
			u256_shr1(&v, 0);
			halve_mod(&x2, n);
		}
		if (u256_cmp(&u, &v) >= 0) {
			u256_sub(&u, &v);
			sub_mod(&x1, &x2, n);
		} else {
			u256_sub(&v, &u);
			sub_mod(&x2, &x1, n);
		}
	}
	*out = u256_is_one(&u) ? x1 : x2;
	return 0;
}

static int u256_from_bn(u256 *o, const BIGNUM *b)
{
	unsigned char le[32];

	if (BN_is_negative(b) || BN_bn2lebinpad(b, le, (int)sizeof le) != (int)sizeof le)
		return -1;
	for (int i = 0; i < 4; i++) {
		uint64_t w = 0;
		for (int j = 7; j >= 0; j--)
			w = w << 8 | le[i * 8 + j];
		o->w[i] = w;
	}
	return 0;
}

static int u256_to_bn(BIGNUM *b, const u256 *a)
{
	unsigned char le[32];

	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 8; j++)
			le[i * 8 + j] = (unsigned char)(a->w[i] >> (8 * j));
	return BN_lebin2bn(le, (int)sizeof le, b) != NULL ? 0 : -1;
}

/* w = s^-1 mod n, checked. */
static int inverse(BIGNUM *w, const BIGNUM *s, const BIGNUM *n, BN_CTX *bn)
{
	u256 su, nu, wu;
	BIGNUM *chk = BN_CTX_get(bn);

	if (chk != NULL && u256_from_bn(&su, s) == 0 && u256_from_bn(&nu, n) == 0 &&
	    inv_mod(&wu, &su, &nu) == 0 && u256_to_bn(w, &wu) == 0 &&
	    BN_mod_mul(chk, w, s, n, bn) == 1 && BN_is_one(chk))
		return 0;
	return BN_mod_inverse(w, s, n, bn) != NULL ? 0 : -1;
}

int vn_p256_inv_order(BIGNUM *w, const BIGNUM *s)
{
	u256 su, nu, wu;

	if (w == NULL || s == NULL || pthread_once(&once, init_std) != 0 || std_group == NULL)
		return -1;
	if (BN_is_zero(s) || BN_ucmp(s, EC_GROUP_get0_order(std_group)) >= 0 ||
	    u256_from_bn(&su, s) != 0 || u256_from_bn(&nu, EC_GROUP_get0_order(std_group)) != 0 ||
	    inv_mod(&wu, &su, &nu) != 0)
		return -1;
	return u256_to_bn(w, &wu);
}

/* ECDSA verification (FIPS 186-5 6.4.2) with u2*Q through Q's table. */
static int verify_with(const EC_GROUP *t, const unsigned char *sig, size_t siglen,
		       const unsigned char *dg, size_t dglen)
{
	const BIGNUM *n = EC_GROUP_get0_order(std_group), *r = NULL, *s = NULL;
	const unsigned char *p = sig;
	unsigned char *der = NULL;
	ECDSA_SIG *es = NULL;
	BN_CTX *bn = NULL;
	BIGNUM *w, *u1, *u2, *e, *x, *z, *k;
	EC_POINT *p1 = NULL, *p2 = NULL;
	int derlen, rv = VN_P256_INVALID;

	if (siglen == 0 || siglen > INT_MAX)
		goto out;
	es = d2i_ECDSA_SIG(NULL, &p, (long)siglen);
	if (es == NULL || p != sig + siglen)
		goto out;
	/* Strict DER, as OpenSSL demands: the value re-encodes to the bytes. */
	derlen = i2d_ECDSA_SIG(es, &der);
	if (derlen <= 0 || (size_t)derlen != siglen || memcmp(der, sig, siglen) != 0)
		goto out;
	ECDSA_SIG_get0(es, &r, &s);
	if (r == NULL || s == NULL || BN_is_zero(r) || BN_is_negative(r) || BN_ucmp(r, n) >= 0 ||
	    BN_is_zero(s) || BN_is_negative(s) || BN_ucmp(s, n) >= 0)
		goto out;
	rv = VN_P256_NOT_HANDLED;	/* from here on a failure is ours, not the signature's */
	if ((bn = BN_CTX_new()) == NULL)
		goto out;
	BN_CTX_start(bn);
	w = BN_CTX_get(bn);
	u1 = BN_CTX_get(bn);
	u2 = BN_CTX_get(bn);
	e = BN_CTX_get(bn);
	x = BN_CTX_get(bn);
	z = BN_CTX_get(bn);
	k = BN_CTX_get(bn);
	if (k == NULL)
		goto out;
	/* The digest's leftmost bits, as many as the order has (256). */
	if (BN_bin2bn(dg, (int)(dglen > ORDER_BYTES ? ORDER_BYTES : dglen), e) == NULL)
		goto out;
	if (inverse(w, s, n, bn) != 0 || BN_mod_mul(u1, e, w, n, bn) != 1 ||
	    BN_mod_mul(u2, r, w, n, bn) != 1)
		goto out;
	if ((p1 = EC_POINT_new(std_group)) == NULL || (p2 = EC_POINT_new(t)) == NULL)
		goto out;
	if (EC_POINT_mul(std_group, p1, u1, NULL, NULL, bn) != 1 ||
	    EC_POINT_mul(t, p2, u2, NULL, NULL, bn) != 1 ||
	    EC_POINT_add(std_group, p1, p1, p2, bn) != 1)
		goto out;
	if (EC_POINT_is_at_infinity(std_group, p1)) {
		rv = VN_P256_INVALID;
		goto out;
	}
	/* x(R) mod n == r without leaving Jacobian coordinates (no field
	 * inversion): the affine x is X/Z^2 and lies in [0, p), p < 2n, so it
	 * is r or r + n; compare X with r*Z^2 and (r + n)*Z^2 mod p. */
	if (EC_POINT_get_Jprojective_coordinates_GFp(std_group, p1, x, NULL, z, bn) != 1 ||
	    BN_mod_sqr(z, z, field_p, bn) != 1 || BN_mod_mul(k, r, z, field_p, bn) != 1)
		goto out;
	rv = VN_P256_INVALID;
	if (BN_cmp(k, x) == 0) {
		rv = VN_P256_VALID;
	} else if (BN_add(k, r, n) == 1 && BN_ucmp(k, field_p) < 0) {
		if (BN_mod_mul(k, k, z, field_p, bn) != 1)
			rv = VN_P256_NOT_HANDLED;
		else if (BN_cmp(k, x) == 0)
			rv = VN_P256_VALID;
	}
out:
	EC_POINT_free(p1);
	EC_POINT_free(p2);
	if (bn != NULL)
		BN_CTX_end(bn);
	BN_CTX_free(bn);
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	ERR_clear_error();
	return rv;
}

int vn_p256_verify(const X509_PUBKEY *spki, const unsigned char *sig, size_t siglen,
		   const unsigned char *dg, size_t dglen)
{
	const unsigned char *pt = NULL;
	size_t ptlen = 0;
	EC_GROUP *t;

	if (spki == NULL || sig == NULL || (dg == NULL && dglen > 0))
		return VN_P256_NOT_HANDLED;
	if (pthread_once(&once, init_std) != 0 || std_group == NULL)
		return VN_P256_NOT_HANDLED;
	if (p256_point(spki, &pt, &ptlen) != 0)
		return VN_P256_NOT_HANDLED;
	t = table_for(pt, ptlen, 0);
	if (t == NULL)
		return VN_P256_NOT_HANDLED;
	return verify_with(t, sig, siglen, dg, dglen);
}

int vn_p256_table_now(const X509_PUBKEY *spki)
{
	const unsigned char *pt = NULL;
	size_t ptlen = 0;

	if (spki == NULL || pthread_once(&once, init_std) != 0 || std_group == NULL ||
	    p256_point(spki, &pt, &ptlen) != 0)
		return -1;
	return table_for(pt, ptlen, 1) != NULL ? 0 : -1;
}

void vn_p256_set_max_tables(size_t n)
{
	(void)pthread_mutex_lock(&lock);
	max_tables = n < VN_P256_TABLES ? n : VN_P256_TABLES;
	(void)pthread_mutex_unlock(&lock);
}

size_t vn_p256_tables(void)
{
	size_t n;

	(void)pthread_mutex_lock(&lock);
	n = ntables;
	(void)pthread_mutex_unlock(&lock);
	return n;
}
