/* valnode: vn_p256 internals exposed for the unit suite only. */
#ifndef VN_P256_INT_H
#define VN_P256_INT_H

#include <openssl/bn.h>

/* w = s^-1 mod n (n the P-256 group order), by the limb code alone: no
 * check and no fallback. 0 done, -1 s out of [0, n) or no inverse (s = 0:
 * refused by the algorithm itself, not by a range check). */
int vn_p256_inv_order(BIGNUM *w, const BIGNUM *s);

/* w = s^-1 mod m by the same code, for any odd m in (1, 2^256) and s in
 * [0, m): 0 done, -1 out of range or gcd(s, m) != 1. */
int vn_p256_inv_mod(BIGNUM *w, const BIGNUM *s, const BIGNUM *m);

/* o = a*b mod n (the order) or mod p (the field prime, field set) by the
 * limb Montgomery code the verification uses, for any a, b in [0, 2^256):
 * 0 done, -1 out of range. */
int vn_p256_mul_mod(BIGNUM *o, const BIGNUM *a, const BIGNUM *b, int field);

/* How many tables were freed by a verification that was still using them
 * when they were taken over (the reference count's reason to be). */
size_t vn_p256_late_frees(void);

#endif
