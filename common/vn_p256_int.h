/* valnode: vn_p256 internals exposed for the unit suite only. */
#ifndef VN_P256_INT_H
#define VN_P256_INT_H

#include <openssl/bn.h>

/* w = s^-1 mod n (n the P-256 group order), by the limb code alone: no
 * check and no fallback. 0 done, -1 s out of (0, n) or no inverse. */
int vn_p256_inv_order(BIGNUM *w, const BIGNUM *s);

#endif
