/* EC_GROUP_precompute_mult is deprecated in OpenSSL 3 with nothing in its
 * place: it is still the one way to give a point other than the curve's
 * generator a fixed-base table (vn_p256.h). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "common/vn_p256.h"
#include "common/vn_p256_int.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
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

/* A number below 2^310 as five signed 62-bit limbs, least significant
 * first: limbs 0-3 in [0, 2^62), limb 4 signed (the inversion's form). */
typedef struct s62 {
	int64_t v[5];
} s62;

typedef struct modulus {
	s62 m;		/* odd, in (1, 2^256) */
	uint64_t mi;	/* m^-1 mod 2^62 */
} modulus;

/* A key's table, shared: the slot holds one reference and every
 * verification using it one more, so that a table taken from its slot
 * (ageing, vn_p256.h) is freed by whoever drops the last reference, never
 * while a thread still multiplies through it. */
typedef struct table {
	EC_GROUP *g;		/* generator = the key */
	atomic_uint refs;
} table;

typedef struct slot {
	unsigned char pt[PT_MAX];	/* the key's encoded point as its SPKI holds it */
	size_t ptlen;			/* 0: empty */
	unsigned uses;			/* verifications counted before a table */
	unsigned cur;			/* verifications in period `last` */
	uint64_t last;			/* the period of its last use */
	int building;			/* a thread is building the table */
	table *table;			/* NULL: none (yet) */
} slot;

static slot slots[SLOTS];
static size_t ntables;		/* tables held by slots */
static size_t nbuilding;	/* tables being built, counted against the allowance */
static size_t max_tables = VN_P256_TABLES_DEFAULT;
static uint64_t period_len = VN_P256_PERIOD_DEFAULT;	/* 0: no ageing */
static uint64_t period;		/* the current period's number */
static uint64_t period_used;	/* verifications counted in it */
static uint64_t no_victim_in = UINT64_MAX;	/* a period already searched in vain */
static size_t evictions;
static atomic_size_t late_frees;	/* tables freed by a verification after their eviction */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static EC_GROUP *std_group;	/* P-256 with its own generator table */
static modulus order_mod;	/* its order n, for inversions */

static int modulus_of(modulus *o, const BIGNUM *m);

/* An odd modulus below 2^256 for Montgomery multiplication (mont_mul). */
typedef struct mont {
	uint64_t m[4];		/* least significant word first */
	uint64_t m0i;		/* -m^-1 mod 2^64 */
	uint64_t rr[4];		/* R^2 mod m, R = 2^256 */
} mont;

static mont order_mt, field_mt;	/* the order n and the field prime p */
static int mont_of(mont *o, const BIGNUM *m);
static pthread_key_t scratch_key;	/* per-thread working values */
static int scratch_ok;
static void scratch_free(void *arg);

static void init_std(void)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	BIGNUM *p = BN_new();

	if (g == NULL || p == NULL || EC_GROUP_get_curve(g, p, NULL, NULL, NULL) != 1 ||
	    modulus_of(&order_mod, EC_GROUP_get0_order(g)) != 0 ||
	    mont_of(&order_mt, EC_GROUP_get0_order(g)) != 0 || mont_of(&field_mt, p) != 0) {
		EC_GROUP_free(g);
		BN_free(p);
		return;
	}
	BN_free(p);
	scratch_ok = pthread_key_create(&scratch_key, scratch_free) == 0;
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

/* Drop a reference to t; the last one frees it (1 returned). */
static int table_put(table *t)
{
	if (t == NULL || atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) != 1)
		return 0;
	EC_GROUP_free(t->g);
	free(t);
	return 1;
}

/* Build the table of slot s (marked building, and counted in nbuilding, by
 * the caller) and publish it; the table with a reference for the caller,
 * or NULL when that failed (the count starts again). */
static table *build(slot *s, const unsigned char *pt, size_t n)
{
	EC_GROUP *g = make_table(pt, n);
	table *t = g != NULL ? malloc(sizeof *t) : NULL;

	if (t != NULL) {
		t->g = g;
		atomic_init(&t->refs, 2);	/* the slot's and the caller's */
		g = NULL;
	}
	(void)pthread_mutex_lock(&lock);
	s->building = 0;
	nbuilding--;
	/* the allowance may have been lowered meanwhile */
	if (t != NULL && s->table == NULL && ntables < max_tables) {
		s->table = t;
		s->last = period;	/* a new table is not stale */
		ntables++;
	} else {
		s->uses = 0;
		if (t != NULL) {
			EC_GROUP_free(t->g);
			free(t);
		}
		t = NULL;
	}
	(void)pthread_mutex_unlock(&lock);
	EC_GROUP_free(g);
	return t;
}

/* Under the lock: take the table of the slot unused longest, if none of
 * its key's verifications fell in this period or the last full one. Its
 * slot's reference is handed to the caller, who drops it after unlocking;
 * NULL when there is no such table (not searched again in this period:
 * a table only grows stale as periods end). */
static table *evict_stale(void)
{
	slot *v = NULL;
	table *t;

	if (period_len == 0 || no_victim_in == period)
		return NULL;
	for (size_t i = 0; i < SLOTS; i++) {
		slot *c = &slots[i];
		if (c->table != NULL && c->last + 1 < period && (v == NULL || c->last < v->last))
			v = c;
	}
	if (v == NULL) {
		no_victim_in = period;
		return NULL;
	}
	t = v->table;
	v->table = NULL;
	v->uses = 0;
	v->cur = 0;
	ntables--;
	evictions++;
	return t;
}

/* The key's table with a reference for the caller (table_put when done):
 * the existing one, or one built now when force is set or the key has
 * just reached its count; NULL otherwise. A verification (force unset)
 * counts towards its key and towards the period. */
static table *table_for(const unsigned char *pt, size_t n, int force)
{
	size_t h = slot_of(pt, n), k;
	slot *s = NULL, *free_slot = NULL;
	table *t = NULL, *stale = NULL;
	int mine = 0;

	(void)pthread_mutex_lock(&lock);
	if (!force && period_len != 0 && ++period_used > period_len) {
		period++;
		period_used = 1;
	}
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
		s->cur = 0;
		s->last = period;
	}
	if (!force) {
		if (s->last != period) {
			s->last = period;
			s->cur = 0;
		}
		if (s->cur < UINT_MAX)
			s->cur++;
	}
	t = s->table;
	if (t != NULL) {
		atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
		goto unlock;
	}
	if (s->building)
		goto unlock;
	if (!force && s->uses < UINT_MAX)
		s->uses++;
	if (!force && s->uses < VN_P256_TABLE_AFTER)
		goto unlock;
	/* Room, or a stale table to take over for a key that has reached
	 * its count within this period (or is forced): the allowance is
	 * counted with the tables being built, so that it always holds. */
	if (ntables + nbuilding < max_tables)
		mine = 1;
	else if (ntables + nbuilding <= max_tables && (force || s->cur >= VN_P256_TABLE_AFTER) &&
		 (stale = evict_stale()) != NULL)
		mine = 1;
	if (mine) {
		s->building = 1;
		nbuilding++;
	}
unlock:
	(void)pthread_mutex_unlock(&lock);
	(void)table_put(stale);	/* the slot's reference: freed now unless in use */
	if (mine)
		t = build(s, pt, n);
	return t;
}

/* Inversion modulo an odd m below 2^256, in variable time: every value it
 * is given in a verification is public (s of the signature). BN_mod_inverse
 * costs as much as one of the two table multiplications; this costs a
 * small fraction of it. It is the Bernstein-Yang division-step ("safegcd")
 * algorithm (Bernstein, Yang, "Fast constant-time gcd computation and
 * modular inversion", TCHES 2019), in its variable-time form:
 *
 * - f = m, g = x, delta = 1 (kept as eta = -delta), and coefficients d = 0,
 *   e = 1 with d*x = f and e*x = g (mod m) throughout. Each divstep keeps
 *   f odd and halves g; when g reaches 0, f = +-gcd(m, x) (paper, 11).
 * - The next N divsteps depend only on the bottom N bits of f and g
 *   (paper, 8.3): so 62 of them at a time are computed on the low 64 bits
 *   alone, as a transition matrix (u v; q r) scaled by 2^62 whose entries
 *   fit in a signed 64-bit word (|u| + |v| <= 2^62), then applied once to
 *   the full f, g (an exact division by 2^62) and to d, e (divided by 2^62
 *   modulo m: a multiple of m that clears their low 62 bits is added first,
 *   found with m^-1 mod 2^62).
 * - Variable time: a run of zero bits of g is shifted out in one step, and
 *   while delta <= 0 (f unchanged) up to six low bits of g are cleared at
 *   once by adding w*f, w = -g/f mod 2^k; that is exactly the divsteps it
 *   replaces, so the paper's bound holds: 724 divsteps suffice for any
 *   input below 2^256 (741 proven, paper theorem 11.2), i.e. 12 batches.
 * - d and e are kept in (-2m, m) by adding m in the matrix step when they
 *   are negative, and brought into [0, m) at the end, times the sign of f.
 *
 * Numbers are five signed 62-bit limbs, least significant first: limbs 0-3
 * in [0, 2^62), limb 4 signed (310 bits, room for the signed ranges above).
 * Its answer is checked (w * s == 1 mod n) before use, and BN_mod_inverse
 * answers instead if that ever fails. */
typedef __int128 i128;

#define L62 (UINT64_MAX >> 2)	/* the low 62 bits */
#define BATCHES_MAX 16		/* 992 divsteps; 12 always suffice */

typedef struct trans {
	int64_t u, v, q, r;	/* the matrix of 62 divsteps, times 2^62 */
} trans;

/* 4 x 64 bits, least significant first, to five 62-bit limbs. */
static void s62_from_words(s62 *o, const uint64_t w[4])
{
	o->v[0] = (int64_t)(w[0] & L62);
	o->v[1] = (int64_t)((w[0] >> 62 | w[1] << 2) & L62);
	o->v[2] = (int64_t)((w[1] >> 60 | w[2] << 4) & L62);
	o->v[3] = (int64_t)((w[2] >> 58 | w[3] << 6) & L62);
	o->v[4] = (int64_t)(w[3] >> 56);
}

/* The reverse, for a value in [0, 2^256) with its limbs in range. */
static void s62_to_words(uint64_t w[4], const s62 *a)
{
	w[0] = (uint64_t)a->v[0] | (uint64_t)a->v[1] << 62;
	w[1] = (uint64_t)a->v[1] >> 2 | (uint64_t)a->v[2] << 60;
	w[2] = (uint64_t)a->v[2] >> 4 | (uint64_t)a->v[3] << 58;
	w[3] = (uint64_t)a->v[3] >> 6 | (uint64_t)a->v[4] << 56;
}

static int s62_is_zero(const s62 *a)
{
	return (a->v[0] | a->v[1] | a->v[2] | a->v[3] | a->v[4]) == 0;
}

/* The low 64 bits, as divsteps need them. */
static uint64_t s62_low(const s62 *a)
{
	return (uint64_t)a->v[0] | (uint64_t)a->v[1] << 62;
}

/* Limbs 0-3 back into [0, 2^62), their excess carried upwards. */
static void s62_carry(s62 *a)
{
	for (int i = 0; i < 4; i++) {
		a->v[i + 1] += a->v[i] >> 62;	/* arithmetic shift: floor */
		a->v[i] &= (int64_t)L62;
	}
}

static void s62_add(s62 *a, const s62 *b)
{
	for (int i = 0; i < 5; i++)
		a->v[i] += b->v[i];
	s62_carry(a);
}

static void s62_neg(s62 *a)
{
	for (int i = 0; i < 5; i++)
		a->v[i] = -a->v[i];
	s62_carry(a);
}

/* 62 divsteps on the low bits f and g (f odd) from eta: the matrix in t,
 * the new eta returned. Entries are computed modulo 2^64 (unsigned, so
 * that wrapping is defined); they fit in a signed 64-bit word. */
static int64_t divsteps62(int64_t eta, uint64_t f, uint64_t g, trans *t)
{
	uint64_t u = 1, v = 0, q = 0, r = 1, x, w;
	int i = 62, z, k;

	for (;;) {
		/* a run of zeros of g: that many divsteps that only halve g
		 * (the matrix keeps its 2^62 scale by doubling f's row) */
		z = __builtin_ctzll(g | UINT64_MAX << i);
		g >>= z;
		u <<= z;
		v <<= z;
		eta -= z;
		i -= z;
		if (i == 0)
			break;
		/* g odd: with delta > 0, (f, g) = (g, -f) before the addition */
		if (eta < 0) {
			eta = -eta;
			x = f;
			f = g;
			g = 0 - x;
			x = u;
			u = q;
			q = 0 - x;
			x = v;
			v = r;
			r = 0 - x;
		}
		/* g += w*f clearing k low bits, k at most eta + 1 (the divsteps
		 * until delta turns positive), the steps left, and 6 (the
		 * reach of f(f^2 - 2) = -1/f mod 2^6) */
		k = eta + 1 < i ? (int)eta + 1 : i;
		if (k > 6)
			k = 6;
		w = (g * f * (f * f - 2)) & (UINT64_MAX >> (64 - k));
		g += f * w;
		q += u * w;
		r += v * w;
	}
	t->u = (int64_t)u;
	t->v = (int64_t)v;
	t->q = (int64_t)q;
	t->r = (int64_t)r;
	return eta;
}

/* (f, g) = t (f, g) / 2^62, an exact division. */
static void update_fg(s62 *f, s62 *g, const trans *t)
{
	i128 cf = (i128)t->u * f->v[0] + (i128)t->v * g->v[0];
	i128 cg = (i128)t->q * f->v[0] + (i128)t->r * g->v[0];

	cf >>= 62;
	cg >>= 62;
	for (int i = 1; i < 5; i++) {
		cf += (i128)t->u * f->v[i] + (i128)t->v * g->v[i];
		cg += (i128)t->q * f->v[i] + (i128)t->r * g->v[i];
		f->v[i - 1] = (int64_t)((uint64_t)cf & L62);
		g->v[i - 1] = (int64_t)((uint64_t)cg & L62);
		cf >>= 62;
		cg >>= 62;
	}
	f->v[4] = (int64_t)cf;
	g->v[4] = (int64_t)cg;
}

/* (d, e) = t (d, e) / 2^62 mod m, from (-2m, m) into (-2m, m). */
static void update_de(s62 *d, s62 *e, const trans *t, const modulus *m)
{
	int64_t sd = -(int64_t)((uint64_t)d->v[4] >> 63), se = -(int64_t)((uint64_t)e->v[4] >> 63);
	/* m added to a negative d or e, folded into the multiples of m */
	int64_t md = (t->u & sd) + (t->v & se), me = (t->q & sd) + (t->r & se);
	i128 cd = (i128)t->u * d->v[0] + (i128)t->v * e->v[0];
	i128 ce = (i128)t->q * d->v[0] + (i128)t->r * e->v[0];

	/* the multiples that clear the low 62 bits, moved down from md and
	 * me (not merely set), which keeps the range */
	md -= (int64_t)((m->mi * (uint64_t)cd + (uint64_t)md) & L62);
	me -= (int64_t)((m->mi * (uint64_t)ce + (uint64_t)me) & L62);
	cd += (i128)m->m.v[0] * md;
	ce += (i128)m->m.v[0] * me;
	cd >>= 62;
	ce >>= 62;
	for (int i = 1; i < 5; i++) {
		cd += (i128)t->u * d->v[i] + (i128)t->v * e->v[i] + (i128)m->m.v[i] * md;
		ce += (i128)t->q * d->v[i] + (i128)t->r * e->v[i] + (i128)m->m.v[i] * me;
		d->v[i - 1] = (int64_t)((uint64_t)cd & L62);
		e->v[i - 1] = (int64_t)((uint64_t)ce & L62);
		cd >>= 62;
		ce >>= 62;
	}
	d->v[4] = (int64_t)cd;
	e->v[4] = (int64_t)ce;
}

/* out = x^-1 mod m for 0 <= x < m; -1 when gcd(x, m) != 1 (x = 0 among
 * them). */
static int inv_mod(uint64_t out[4], const uint64_t x[4], const modulus *m)
{
	s62 f = m->m, g, d = {{0, 0, 0, 0, 0}}, e = {{1, 0, 0, 0, 0}};
	static const s62 one = {{1, 0, 0, 0, 0}};
	int64_t eta = -1;
	int neg;
	trans t;

	s62_from_words(&g, x);
	for (int b = 0; b < BATCHES_MAX && !s62_is_zero(&g); b++) {
		eta = divsteps62(eta, s62_low(&f), s62_low(&g), &t);
		update_fg(&f, &g, &t);
		update_de(&d, &e, &t, m);
	}
	if (!s62_is_zero(&g))
		return -1;
	/* f = +-gcd(x, m), and 1/x = d/f = d*f (mod m) when it is +-1 */
	neg = f.v[4] < 0;
	if (neg)
		s62_neg(&f);
	if (memcmp(&f, &one, sizeof f) != 0)
		return -1;
	if (d.v[4] < 0)		/* (-2m, m) to (-m, m) */
		s62_add(&d, &m->m);
	if (neg)
		s62_neg(&d);
	if (d.v[4] < 0)		/* to [0, m) */
		s62_add(&d, &m->m);
	s62_to_words(out, &d);
	return 0;
}

static int words_from_bn(uint64_t w[4], const BIGNUM *b)
{
	unsigned char le[32];

	if (BN_is_negative(b) || BN_bn2lebinpad(b, le, (int)sizeof le) != (int)sizeof le)
		return -1;
	for (int i = 0; i < 4; i++) {
		uint64_t x = 0;
		for (int j = 7; j >= 0; j--)
			x = x << 8 | le[i * 8 + j];
		w[i] = x;
	}
	return 0;
}

static int words_to_bn(BIGNUM *b, const uint64_t w[4])
{
	unsigned char le[32];

	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 8; j++)
			le[i * 8 + j] = (unsigned char)(w[i] >> (8 * j));
	return BN_lebin2bn(le, (int)sizeof le, b) != NULL ? 0 : -1;
}

/* The modulus m (odd, 1 < m < 2^256) in limbs, with m^-1 mod 2^62. */
static int modulus_of(modulus *o, const BIGNUM *m)
{
	uint64_t w[4], x;

	if (!BN_is_odd(m) || BN_is_one(m) || words_from_bn(w, m) != 0)
		return -1;
	/* Newton's iteration x = x(2 - mx) doubles the correct low bits;
	 * x = m is right to 3 (an odd square is 1 mod 8): 5 rounds give 64 */
	x = w[0];
	for (int i = 0; i < 5; i++)
		x *= 2 - w[0] * x;
	s62_from_words(&o->m, w);
	o->mi = x & L62;
	return 0;
}

/* w = s^-1 mod m by the limb code, 0 <= s < m. */
static int inv_bn(BIGNUM *w, const BIGNUM *s, const modulus *m)
{
	uint64_t sw[4], ww[4];

	if (words_from_bn(sw, s) != 0 || inv_mod(ww, sw, m) != 0)
		return -1;
	return words_to_bn(w, ww);
}

int vn_p256_inv_order(BIGNUM *w, const BIGNUM *s)
{
	if (w == NULL || s == NULL || pthread_once(&once, init_std) != 0 || std_group == NULL)
		return -1;
	if (BN_is_negative(s) || BN_ucmp(s, EC_GROUP_get0_order(std_group)) >= 0)
		return -1;
	return inv_bn(w, s, &order_mod);	/* 0 is refused there, by its gcd */
}

int vn_p256_inv_mod(BIGNUM *w, const BIGNUM *s, const BIGNUM *m)
{
	modulus mm;

	if (w == NULL || s == NULL || m == NULL || modulus_of(&mm, m) != 0 ||
	    BN_is_negative(s) || BN_ucmp(s, m) >= 0)
		return -1;
	return inv_bn(w, s, &mm);
}

/* Multiplication modulo an odd m below 2^256 on four 64-bit words, least
 * significant first: Montgomery's (CIOS form, Koc, Acar, Kaliski, "Analyzing
 * and comparing Montgomery multiplication algorithms", IEEE Micro 1996).
 * mont_mul gives a*b/R mod m (R = 2^256) fully reduced for any a < 2^256
 * and b < m: the sum before the last subtraction is a*b/R + (a multiple of
 * m below R*m)/R < 2m. A product a*b mod m is then mont_mul(a,
 * mont_mul(b, R^2 mod m)). It serves the verification's scalar products
 * modulo the order n (BN_mod_mul through BN_div cost as much as the rest
 * of the arithmetic) and its final comparison modulo the field prime p.
 * Variable time is fine: every value is public. */
typedef unsigned __int128 u128;


/* a >= b, as numbers */
static int words_ge(const uint64_t a[4], const uint64_t b[4])
{
	for (int i = 3; i >= 0; i--)
		if (a[i] != b[i])
			return a[i] > b[i];
	return 1;
}

/* a -= b, the borrow returned */
static uint64_t words_sub(uint64_t a[4], const uint64_t b[4])
{
	uint64_t borrow = 0;

	for (int i = 0; i < 4; i++) {
		u128 d = (u128)a[i] - b[i] - borrow;
		a[i] = (uint64_t)d;
		borrow = (uint64_t)(d >> 64) & 1;
	}
	return borrow;
}

static int words_is_zero(const uint64_t a[4])
{
	return (a[0] | a[1] | a[2] | a[3]) == 0;
}

static void mont_mul(uint64_t out[4], const uint64_t a[4], const uint64_t b[4], const mont *m)
{
	uint64_t t[6] = {0, 0, 0, 0, 0, 0}, q;
	u128 c;

	for (int i = 0; i < 4; i++) {
		c = 0;
		for (int j = 0; j < 4; j++) {
			c += (u128)a[j] * b[i] + t[j];
			t[j] = (uint64_t)c;
			c >>= 64;
		}
		c += t[4];
		t[4] = (uint64_t)c;
		t[5] = (uint64_t)(c >> 64);
		/* add q*m, q chosen to clear the low word, and shift a word down */
		q = t[0] * m->m0i;
		c = (u128)q * m->m[0] + t[0];
		c >>= 64;
		for (int j = 1; j < 4; j++) {
			c += (u128)q * m->m[j] + t[j];
			t[j - 1] = (uint64_t)c;
			c >>= 64;
		}
		c += t[4];
		t[3] = (uint64_t)c;
		t[4] = t[5] + (uint64_t)(c >> 64);
	}
	/* t < 2m: one subtraction at most */
	if (t[4] != 0 || words_ge(t, m->m))
		(void)words_sub(t, m->m);
	memcpy(out, t, 4 * sizeof *out);
}

/* out = a*b mod m, for any a, b below 2^256. */
static void mod_mul(uint64_t out[4], const uint64_t a[4], const uint64_t b[4], const mont *m)
{
	uint64_t bm[4];

	mont_mul(bm, b, m->rr, m);	/* b*R mod m */
	mont_mul(out, a, bm, m);
}

static int mont_of(mont *o, const BIGNUM *m)
{
	BIGNUM *rr = BN_new();
	BN_CTX *bn = BN_CTX_new();
	uint64_t x;
	int rv = -1;

	if (rr == NULL || bn == NULL || !BN_is_odd(m) || words_from_bn(o->m, m) != 0)
		goto out;
	x = o->m[0];	/* Newton, as in modulus_of: 5 rounds give 64 bits */
	for (int i = 0; i < 5; i++)
		x *= 2 - o->m[0] * x;
	o->m0i = 0 - x;
	BN_zero(rr);
	if (BN_set_bit(rr, 512) != 1 || BN_mod(rr, rr, m, bn) != 1 || words_from_bn(o->rr, rr) != 0)
		goto out;
	rv = 0;
out:
	BN_free(rr);
	BN_CTX_free(bn);
	return rv;
}

/* 32 big-endian bytes to words. */
static void words_from_be(uint64_t w[4], const unsigned char be[32])
{
	for (int i = 0; i < 4; i++) {
		uint64_t x = 0;
		for (int j = 0; j < 8; j++)
			x = x << 8 | be[(3 - i) * 8 + j];
		w[i] = x;
	}
}

/* r or s of a signature: in [1, n-1] (FIPS 186-5 6.4.2 step 1). */
static int in_order_range(const uint64_t v[4])
{
	return !words_is_zero(v) && !words_ge(v, order_mt.m);
}

/* One DER INTEGER (X.690 8.3, 10.1) from the cursor *p (end e) as an
 * ECDSA r or s: well formed, minimal, non-negative, at most 32 bytes of
 * value. 0 with *p moved past it, -1 otherwise. A long-form length is
 * refused: in DER it means 128 bytes or more, far above n, and so is a
 * needless leading zero (not DER) or a negative value (out of range). */
static int der_uint(const unsigned char **p, const unsigned char *e, uint64_t w[4])
{
	const unsigned char *q = *p;
	unsigned char be[32];
	size_t len;

	if (e - q < 2 || q[0] != 0x02 || (q[1] & 0x80) != 0)
		return -1;
	len = q[1];
	q += 2;
	if (len == 0 || (size_t)(e - q) < len || (q[0] & 0x80) != 0)
		return -1;
	*p = q + len;
	if (q[0] == 0 && len > 1) {
		if ((q[1] & 0x80) == 0)
			return -1;	/* not minimal */
		q++;
		len--;
	}
	if (len > 32)
		return -1;
	memset(be, 0, sizeof be);
	memcpy(be + 32 - len, q, len);
	words_from_be(w, be);
	return 0;
}

/* The DER ECDSA-Sig-Value (RFC 5480 2.2.3: SEQUENCE of the INTEGERs r and
 * s), exactly as OpenSSL's verification accepts it: it decodes and
 * re-encodes to the same bytes (strict DER, nothing after it), and r, s lie
 * in [1, n-1]. Every signature this refuses is one OpenSSL refuses: a
 * long-form SEQUENCE length is DER only from 128 content bytes on, which
 * needs an INTEGER of 61 bytes or more. */
static int der_sig(const unsigned char *sig, size_t siglen, uint64_t r[4], uint64_t s[4])
{
	const unsigned char *p = sig, *e = sig + siglen;

	if (siglen < 2 || sig[0] != 0x30 || (sig[1] & 0x80) != 0 || (size_t)sig[1] != siglen - 2)
		return -1;
	p += 2;
	if (der_uint(&p, e, r) != 0 || der_uint(&p, e, s) != 0 || p != e)
		return -1;
	return in_order_range(r) && in_order_range(s) ? 0 : -1;
}

/* Per-thread working values for the two multiplications, made on a
 * thread's first verification and freed when it ends: allocating them
 * afresh cost as much as the scalar arithmetic. */
typedef struct scratch {
	BN_CTX *bn;
	BIGNUM *u1, *u2, *x, *z;
	EC_POINT *p1, *p2;	/* P-256 points; p2 also serves the keys' groups */
} scratch;

static void scratch_free(void *arg)
{
	scratch *sc = arg;

	if (sc == NULL)
		return;
	EC_POINT_free(sc->p1);
	EC_POINT_free(sc->p2);
	BN_free(sc->u1);
	BN_free(sc->u2);
	BN_free(sc->x);
	BN_free(sc->z);
	BN_CTX_free(sc->bn);
	free(sc);
}

static scratch *scratch_get(void)
{
	scratch *sc;

	if (!scratch_ok)
		return NULL;
	if ((sc = pthread_getspecific(scratch_key)) != NULL)
		return sc;
	if ((sc = calloc(1, sizeof *sc)) == NULL)
		return NULL;
	sc->bn = BN_CTX_new();
	sc->u1 = BN_new();
	sc->u2 = BN_new();
	sc->x = BN_new();
	sc->z = BN_new();
	sc->p1 = EC_POINT_new(std_group);
	sc->p2 = EC_POINT_new(std_group);
	if (sc->bn == NULL || sc->u1 == NULL || sc->u2 == NULL || sc->x == NULL || sc->z == NULL ||
	    sc->p1 == NULL || sc->p2 == NULL || pthread_setspecific(scratch_key, sc) != 0) {
		scratch_free(sc);
		return NULL;
	}
	return sc;
}

/* w = s^-1 mod n with w*R mod n beside it (wr), checked: w*s == 1. The
 * limb inversion answers; BN_mod_inverse only if its answer were ever
 * wrong. */
static int inverse(uint64_t wr[4], const uint64_t s[4], BN_CTX *bn)
{
	static const uint64_t one[4] = {1, 0, 0, 0};
	uint64_t w[4], chk[4];
	BIGNUM *b = NULL;
	int rv = -1;

	if (inv_mod(w, s, &order_mod) == 0) {
		mont_mul(wr, w, order_mt.rr, &order_mt);
		mont_mul(chk, s, wr, &order_mt);
		if (memcmp(chk, one, sizeof chk) == 0)
			return 0;
	}
	BN_CTX_start(bn);
	if ((b = BN_CTX_get(bn)) == NULL || words_to_bn(b, s) != 0 ||
	    BN_mod_inverse(b, b, EC_GROUP_get0_order(std_group), bn) == NULL ||
	    words_from_bn(w, b) != 0)
		goto out;
	mont_mul(wr, w, order_mt.rr, &order_mt);
	rv = 0;
out:
	BN_CTX_end(bn);
	return rv;
}

int vn_p256_mul_mod(BIGNUM *o, const BIGNUM *a, const BIGNUM *b, int field)
{
	uint64_t x[4], y[4];

	if (o == NULL || a == NULL || b == NULL || pthread_once(&once, init_std) != 0 ||
	    std_group == NULL || words_from_bn(x, a) != 0 || words_from_bn(y, b) != 0)
		return -1;
	mod_mul(x, x, y, field ? &field_mt : &order_mt);
	return words_to_bn(o, x);
}

/* ECDSA verification (FIPS 186-5 6.4.2) of (r, s), both in [1, n-1], with
 * u2*Q through Q's table. */
static int verify_with(const EC_GROUP *t, const uint64_t r[4], const uint64_t s[4],
		       const unsigned char *dg, size_t dglen)
{
	unsigned char be[32];
	uint64_t e[4], wr[4], u[4], x[4], z[4], k[4], rn[4], carry = 0;
	scratch *sc = scratch_get();
	size_t el = dglen > ORDER_BYTES ? ORDER_BYTES : dglen;
	int rv = VN_P256_NOT_HANDLED;	/* a failure here is ours, not the signature's */

	if (sc == NULL)
		goto out;
	/* The digest's leftmost bits, as many as the order has (256), as a
	 * number (below 2^256, possibly above n: mont_mul takes it so). */
	memset(be, 0, sizeof be);
	if (el > 0)
		memcpy(be + sizeof be - el, dg, el);
	words_from_be(e, be);
	if (inverse(wr, s, sc->bn) != 0)
		goto out;
	mont_mul(u, e, wr, &order_mt);	/* u1 = e*w mod n */
	if (words_to_bn(sc->u1, u) != 0)
		goto out;
	mont_mul(u, r, wr, &order_mt);	/* u2 = r*w mod n */
	if (words_to_bn(sc->u2, u) != 0)
		goto out;
	if (EC_POINT_mul(std_group, sc->p1, sc->u1, NULL, NULL, sc->bn) != 1 ||
	    EC_POINT_mul(t, sc->p2, sc->u2, NULL, NULL, sc->bn) != 1 ||
	    EC_POINT_add(std_group, sc->p1, sc->p1, sc->p2, sc->bn) != 1)
		goto out;
	if (EC_POINT_is_at_infinity(std_group, sc->p1)) {
		rv = VN_P256_INVALID;
		goto out;
	}
	/* x(R) mod n == r without leaving Jacobian coordinates (no field
	 * inversion): the affine x is X/Z^2 and lies in [0, p), p < 2n, so it
	 * is r or r + n; compare X with r*Z^2 and (r + n)*Z^2 mod p. */
	if (EC_POINT_get_Jprojective_coordinates_GFp(std_group, sc->p1, sc->x, NULL, sc->z,
						     sc->bn) != 1 ||
	    words_from_bn(x, sc->x) != 0 || words_from_bn(z, sc->z) != 0)
		goto out;
	mod_mul(z, z, z, &field_mt);	/* Z^2 */
	mod_mul(k, r, z, &field_mt);
	rv = VN_P256_INVALID;
	if (memcmp(k, x, sizeof k) == 0) {
		rv = VN_P256_VALID;
	} else {
		/* r + n, when below p (a carry: above 2^256, so above p) */
		for (int i = 0; i < 4; i++) {
			u128 c = (u128)r[i] + order_mt.m[i] + carry;
			rn[i] = (uint64_t)c;
			carry = (uint64_t)(c >> 64);
		}
		if (carry == 0 && !words_ge(rn, field_mt.m)) {
			mod_mul(k, rn, z, &field_mt);
			if (memcmp(k, x, sizeof k) == 0)
				rv = VN_P256_VALID;
		}
	}
out:
	ERR_clear_error();
	return rv;
}

/* The verification through the key's table of the signature (r, s),
 * well formed (ok set) or not: the key's use is counted either way. */
static int verify_key(const X509_PUBKEY *spki, const uint64_t r[4], const uint64_t s[4], int ok,
		      const unsigned char *dg, size_t dglen)
{
	const unsigned char *pt = NULL;
	size_t ptlen = 0;
	table *t;
	int rv;

	if (spki == NULL || (dg == NULL && dglen > 0))
		return VN_P256_NOT_HANDLED;
	if (pthread_once(&once, init_std) != 0 || std_group == NULL)
		return VN_P256_NOT_HANDLED;
	if (p256_point(spki, &pt, &ptlen) != 0)
		return VN_P256_NOT_HANDLED;
	t = table_for(pt, ptlen, 0);
	if (t == NULL)
		return VN_P256_NOT_HANDLED;
	rv = ok ? verify_with(t->g, r, s, dg, dglen) : VN_P256_INVALID;
	if (table_put(t))	/* taken from its slot meanwhile */
		atomic_fetch_add_explicit(&late_frees, 1, memory_order_relaxed);
	return rv;
}

int vn_p256_verify(const X509_PUBKEY *spki, const unsigned char *sig, size_t siglen,
		   const unsigned char *dg, size_t dglen)
{
	uint64_t r[4], s[4];
	int ok;

	if (sig == NULL || pthread_once(&once, init_std) != 0 || std_group == NULL)
		return VN_P256_NOT_HANDLED;
	ok = der_sig(sig, siglen, r, s) == 0;
	return verify_key(spki, r, s, ok, dg, dglen);
}

int vn_p256_verify_rs(const X509_PUBKEY *spki, const unsigned char *rs, size_t rslen,
		      const unsigned char *dg, size_t dglen)
{
	uint64_t r[4], s[4];
	int ok = 0;

	if (rs == NULL || pthread_once(&once, init_std) != 0 || std_group == NULL)
		return VN_P256_NOT_HANDLED;
	if (rslen == 2 * ORDER_BYTES) {
		words_from_be(r, rs);
		words_from_be(s, rs + ORDER_BYTES);
		ok = in_order_range(r) && in_order_range(s);
	}
	return verify_key(spki, r, s, ok, dg, dglen);
}

int vn_p256_table_now(const X509_PUBKEY *spki)
{
	const unsigned char *pt = NULL;
	size_t ptlen = 0;
	table *t;

	if (spki == NULL || pthread_once(&once, init_std) != 0 || std_group == NULL ||
	    p256_point(spki, &pt, &ptlen) != 0)
		return -1;
	t = table_for(pt, ptlen, 1);
	(void)table_put(t);
	return t != NULL ? 0 : -1;
}

void vn_p256_set_max_tables(size_t n)
{
	(void)pthread_mutex_lock(&lock);
	max_tables = n < VN_P256_TABLES ? n : VN_P256_TABLES;
	(void)pthread_mutex_unlock(&lock);
}

void vn_p256_set_period(uint64_t n)
{
	(void)pthread_mutex_lock(&lock);
	period_len = n;
	period_used = 0;
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

size_t vn_p256_max_tables(void)
{
	size_t n;

	(void)pthread_mutex_lock(&lock);
	n = max_tables;
	(void)pthread_mutex_unlock(&lock);
	return n;
}

size_t vn_p256_table_evictions(void)
{
	size_t n;

	(void)pthread_mutex_lock(&lock);
	n = evictions;
	(void)pthread_mutex_unlock(&lock);
	return n;
}

size_t vn_p256_late_frees(void)
{
	return atomic_load_explicit(&late_frees, memory_order_relaxed);
}
