#include "common/vn_certcache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/sha.h>

#include "common/vn_digest.h"

typedef struct slot {
	unsigned char *der;	/* owned copy, NULL when empty */
	size_t n;
	X509 *x;		/* one reference held by the cache */
} slot;

static slot slots[VN_CERTCACHE_SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static X509 *decode(const unsigned char *der, size_t n)
{
	const unsigned char *p = der;
	X509 *x;

	if (n == 0 || n > (size_t)0x7fffffff)
		return NULL;
	x = d2i_X509(NULL, &p, (long)n);
	if (x != NULL && p != der + n) {	/* trailing garbage */
		X509_free(x);
		return NULL;
	}
	return x;
}

/* A certificate's slot, from its length and its last SLOT_TAIL bytes: where
 * a certificate ends, its signature value sets it apart from any other, and
 * a lookup compares the whole DER, so the slot only spreads them (a hash
 * over the whole of each certificate was most of a lookup's cost). */
#define SLOT_TAIL 32

static size_t slot_of(const unsigned char *der, size_t n)
{
	size_t t = n < SLOT_TAIL ? n : SLOT_TAIL;
	uint64_t h = vn_fnv1a(VN_FNV1A_INIT ^ (uint64_t)n, der + n - t, t);

	return (size_t)((h ^ (h >> 32)) % VN_CERTCACHE_SLOTS);
}

X509 *vn_cert_decode(const unsigned char *der, size_t n)
{
	size_t i;
	X509 *x;

	if (der == NULL || n == 0 || n > VN_CERTCACHE_MAX_DER)
		return decode(der, n);
	i = slot_of(der, n);
	(void)pthread_mutex_lock(&lock);
	if (slots[i].der != NULL && slots[i].n == n && memcmp(slots[i].der, der, n) == 0 &&
	    X509_up_ref(slots[i].x)) {
		x = slots[i].x;
		(void)pthread_mutex_unlock(&lock);
		return x;
	}
	(void)pthread_mutex_unlock(&lock);
	x = decode(der, n);
	if (x == NULL)
		return NULL;
	{
		unsigned char *copy = malloc(n);
		X509 *old_x = NULL;
		unsigned char *old_der = NULL;

		if (copy == NULL || !X509_up_ref(x)) {
			free(copy);
			return x;	/* uncached, still correct */
		}
		memcpy(copy, der, n);
		(void)pthread_mutex_lock(&lock);
		old_x = slots[i].x;
		old_der = slots[i].der;
		slots[i].x = x;
		slots[i].der = copy;
		slots[i].n = n;
		(void)pthread_mutex_unlock(&lock);
		X509_free(old_x);
		free(old_der);
	}
	return x;
}

/* --- memoised certificate signature checks ------------------------------ */

/* A slot holds SHA-256(SHA-256(x's DER) || SHA-256(issuer's SPKI DER)):
 * both digests are memos of the decoded certificates, so a lookup hashes
 * 64 bytes instead of copying and hashing both encodings. */
typedef struct vslot {
	unsigned char key[SHA256_DIGEST_LENGTH];
	int live;
} vslot;

static vslot vslots[VN_CERTCACHE_SLOTS];
static pthread_mutex_t vlock = PTHREAD_MUTEX_INITIALIZER;

int vn_cert_verify_by(X509 *x, X509 *issuer)
{
	unsigned char in[2 * SHA256_DIGEST_LENGTH], key[SHA256_DIGEST_LENGTH];
	EVP_PKEY *pk = X509_get0_pubkey(issuer);
	int r, hit;
	size_t i;

	if (pk == NULL)
		return 0;
	if (vn_cert_sha256(x, in) != 0 || vn_cert_spki_sha256(issuer, in + SHA256_DIGEST_LENGTH) != 0 ||
	    vn_sha256(in, sizeof in, key) != 0)
		return X509_verify(x, pk) == 1;
	i = ((size_t)key[0] | (size_t)key[1] << 8) % VN_CERTCACHE_SLOTS;
	(void)pthread_mutex_lock(&vlock);
	hit = vslots[i].live && memcmp(vslots[i].key, key, sizeof key) == 0;
	(void)pthread_mutex_unlock(&vlock);
	if (hit)
		return 1;
	r = X509_verify(x, pk) == 1;
	if (r) {
		(void)pthread_mutex_lock(&vlock);
		memcpy(vslots[i].key, key, sizeof key);
		vslots[i].live = 1;
		(void)pthread_mutex_unlock(&vlock);
	}
	return r;
}

/* ---- per-certificate memos -------------------------------------------- */

/* One lock for every memo: held only to read or attach a pointer (ex_data
 * is not safe against a concurrent set on the same object). */
static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;

static void memo_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
	const vn_cert_memo_kind *k = argp;

	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	if (ptr != NULL)
		k->free(ptr);
}

/* A copy of the object (X509_dup goes through DER and copies no ex_data,
 * but CRYPTO_dup_ex_data would share the pointer): it starts without. */
static int memo_dup(CRYPTO_EX_DATA *to, const CRYPTO_EX_DATA *from, void **from_d, int idx,
		    long argl, void *argp)
{
	(void)to;
	(void)from;
	(void)idx;
	(void)argl;
	(void)argp;
	*from_d = NULL;
	return 1;
}

const void *vn_cert_memo(X509 *x, vn_cert_memo_kind *k)
{
	void *p = NULL, *made;
	int idx;

	(void)pthread_mutex_lock(&memo_lock);
	if (k->idx == 0) {
		int i = X509_get_ex_new_index(0, k, NULL, memo_dup, memo_free);
		k->idx = i < 0 ? 0 : i + 1;
	}
	idx = k->idx - 1;
	if (idx >= 0)
		p = X509_get_ex_data(x, idx);
	(void)pthread_mutex_unlock(&memo_lock);
	if (idx < 0 || p != NULL)
		return p;
	if ((made = k->make(x)) == NULL)
		return NULL;
	(void)pthread_mutex_lock(&memo_lock);
	p = X509_get_ex_data(x, idx);
	if (p == NULL && X509_set_ex_data(x, idx, made) == 1) {
		p = made;
		made = NULL;
	}
	(void)pthread_mutex_unlock(&memo_lock);
	if (made != NULL)
		k->free(made);	/* another thread's is kept, or it could not be attached */
	return p;
}

/* The SHA-256 of n bytes of DER that i2d allocated (freed here), in a
 * new buffer; NULL when there are none or on failure. */
static void *sha256_taking(unsigned char *der, int n)
{
	unsigned char *md = n > 0 ? malloc(SHA256_DIGEST_LENGTH) : NULL;

	if (md != NULL && vn_sha256(der, (size_t)n, md) != 0) {
		free(md);
		md = NULL;
	}
	OPENSSL_free(der);
	return md;
}

static void *sha256_make(X509 *x)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);	/* the kept encoding, copied */

	return sha256_taking(der, n);
}

static vn_cert_memo_kind sha256_kind = {sha256_make, free, 0};

/* The digest kept by memo kind k for x, into out. */
static int memo_digest(X509 *x, vn_cert_memo_kind *k, unsigned char out[32])
{
	const unsigned char *md = vn_cert_memo(x, k);

	if (md == NULL)
		return -1;
	memcpy(out, md, SHA256_DIGEST_LENGTH);
	return 0;
}

int vn_cert_sha256(X509 *x, unsigned char out[32])
{
	return memo_digest(x, &sha256_kind, out);
}

static void *spki_sha256_make(X509 *x)
{
	unsigned char *der = NULL;
	/* the SPKI as the certificate carries it (no provider encoder) */
	int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);

	return sha256_taking(der, n);
}

static vn_cert_memo_kind spki_sha256_kind = {spki_sha256_make, free, 0};

int vn_cert_spki_sha256(X509 *x, unsigned char out[32])
{
	return memo_digest(x, &spki_sha256_kind, out);
}
