/* libFuzzer harness: P-256 verification through a fixed-base table
 * (common/vn_p256.h) against EVP_PKEY_verify, on arbitrary signature bytes
 * and digests under one fixed test key. Input: one byte choosing the digest
 * length (20, 32, 48 or 64, low two bits) and the signature's form (bit 2:
 * plain r||s through vn_p256_verify_rs, compared with EVP on the DER of
 * the two halves; any length but 64 must be refused), the digest, then the
 * signature. Any disagreement aborts. The digest, as a number below 2^256, is also
 * inverted modulo the group order by the limb code and by BN_mod_inverse:
 * they must agree too. The key is a throwaway made for this harness. */
#include <stdint.h>
#include <stdlib.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/vn_p256.h"
#include "common/vn_p256_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char key_der[] = {
	  0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20, 0x99, 0xa0, 0x73, 0xb4, 0x38,
	  0x6d, 0x60, 0x16, 0x3c, 0x19, 0x60, 0xbd, 0xce, 0xbd, 0x55, 0x5d, 0x82,
	  0x22, 0x37, 0x6f, 0x4b, 0x45, 0xf3, 0x2f, 0x44, 0x04, 0xd6, 0x55, 0x98,
	  0x9c, 0x10, 0x83, 0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
	  0x03, 0x01, 0x07, 0xa1, 0x44, 0x03, 0x42, 0x00, 0x04, 0x45, 0x9c, 0x6b,
	  0x6c, 0x8e, 0x15, 0x3e, 0x29, 0xd7, 0xb0, 0xba, 0xf9, 0xd1, 0x9e, 0xca,
	  0x2f, 0x19, 0xb3, 0x69, 0x57, 0xb2, 0x36, 0x94, 0x62, 0xbe, 0x72, 0x60,
	  0x6c, 0x78, 0x40, 0x4e, 0xf7, 0x71, 0x17, 0xd5, 0x8c, 0x8e, 0xf1, 0xa5,
	  0xce, 0xae, 0x4c, 0x0f, 0x4e, 0x16, 0xd9, 0xf4, 0x4d, 0x36, 0x17, 0xe5,
	  0x41, 0x7f, 0xa6, 0xda, 0x0d, 0xdb, 0x92, 0x73, 0xa0, 0x86, 0x6d, 0xb7,
	  0x4a
};

static EVP_PKEY *pk;
static X509_PUBKEY *spki;
static EC_GROUP *grp;
static BN_CTX *bn;
static BIGNUM *x, *w, *want;

static void setup(void)
{
	const unsigned char *p = key_der;

	pk = d2i_PrivateKey(EVP_PKEY_EC, NULL, &p, (long)sizeof key_der);
	if (pk == NULL || X509_PUBKEY_set(&spki, pk) != 1 || vn_p256_table_now(spki) != 0)
		abort();
	grp = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	bn = BN_CTX_new();
	x = BN_new();
	w = BN_new();
	want = BN_new();
	if (grp == NULL || bn == NULL || x == NULL || w == NULL || want == NULL)
		abort();
}

/* x = the first 32 bytes of dg mod n; ours and BN's inverse agree (0 has
 * none). */
static void inverse_agrees(const uint8_t *dg)
{
	const BIGNUM *n = EC_GROUP_get0_order(grp);
	int ours, theirs;

	if (BN_bin2bn(dg, 32, x) == NULL || BN_nnmod(x, x, n, bn) != 1)
		abort();
	ours = vn_p256_inv_order(w, x);
	theirs = BN_mod_inverse(want, x, n, bn) != NULL;
	ERR_clear_error();
	if ((ours == 0) != theirs || (theirs && BN_cmp(w, want) != 0))
		abort();
}

/* EVP's answer for sig (DER), 1 valid. */
static int evp_verify(const uint8_t *sig, size_t siglen, const uint8_t *dg, size_t dglen)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pk, NULL);
	int r;

	if (c == NULL || EVP_PKEY_verify_init(c) != 1)
		abort();
	r = EVP_PKEY_verify(c, sig, siglen, dg, dglen) == 1;
	EVP_PKEY_CTX_free(c);
	ERR_clear_error();
	return r;
}

/* The plain form: EVP on the DER of (r, s) when it is 64 bytes long. */
static int evp_verify_rs(const uint8_t *rs, size_t n, const uint8_t *dg, size_t dglen)
{
	ECDSA_SIG *es;
	BIGNUM *r, *s;
	unsigned char *der = NULL;
	int len, v;

	if (n != 64)
		return 0;
	es = ECDSA_SIG_new();
	r = BN_bin2bn(rs, 32, NULL);
	s = BN_bin2bn(rs + 32, 32, NULL);
	if (es == NULL || r == NULL || s == NULL || ECDSA_SIG_set0(es, r, s) != 1)
		abort();
	if ((len = i2d_ECDSA_SIG(es, &der)) <= 0)
		abort();
	v = evp_verify(der, (size_t)len, dg, dglen);
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t lens[] = {20, 32, 48, 64};
	size_t dglen;
	int ours, theirs;

	if (pk == NULL)
		setup();
	if (size < 1)
		return 0;
	dglen = lens[data[0] & 3];
	if (size < 1 + dglen)
		return 0;
	if (dglen >= 32)
		inverse_agrees(data + 1);
	if (data[0] & 4) {
		ours = vn_p256_verify_rs(spki, data + 1 + dglen, size - 1 - dglen, data + 1, dglen);
		theirs = evp_verify_rs(data + 1 + dglen, size - 1 - dglen, data + 1, dglen);
	} else {
		ours = vn_p256_verify(spki, data + 1 + dglen, size - 1 - dglen, data + 1, dglen);
		theirs = evp_verify(data + 1 + dglen, size - 1 - dglen, data + 1, dglen);
	}
	if (ours == VN_P256_NOT_HANDLED || ours != theirs)
		abort();
	return 0;
}
