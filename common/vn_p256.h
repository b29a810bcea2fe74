/* valnode: ECDSA P-256 verification with fixed-base tables for keys that
 * recur.
 *
 * An ECDSA verification computes u1*G + u2*Q (FIPS 186-5 6.4.2). OpenSSL
 * multiplies the generator G through a precomputed table but the public key
 * Q through a window computed afresh at each call: that half is most of the
 * cost. A validation node sees the same keys again and again (a returning
 * signer, an OCSP responder, a time-stamping unit), so once a key has been
 * used VN_P256_TABLE_AFTER times it gets a fixed-base table of its own (an
 * EC_GROUP whose generator is Q, precomputed by OpenSSL) and its
 * verifications then cost about half. The threshold is the break-even of
 * the rent-or-buy choice: building a table costs about as much as
 * VN_P256_TABLE_AFTER verifications save (measured: ~20 ms against ~30 µs
 * saved per use).
 *
 * The verification itself is the standard one, with OpenSSL's own checks:
 * the signature must be strict DER (re-encoding gives the same bytes), r and
 * s in [1, n-1], the digest taken as its leftmost 256 bits, the sum not the
 * point at infinity, and x(R) mod n == r. Keys that are not P-256, and
 * P-256 keys that have no table yet, are left to the caller
 * (VN_P256_NOT_HANDLED), which verifies with EVP_PKEY_verify as before.
 * Tables live for the process (VN_P256_TABLES_DEFAULT of them unless
 * vn_p256_set_max_tables says otherwise, each about 150 KiB) and are shared
 * read-only by every thread.
 */
#ifndef VN_P256_H
#define VN_P256_H

#include <stddef.h>
#include <openssl/x509.h>

#define VN_P256_TABLE_AFTER 1024u	/* uses of a key before its table is built */
#define VN_P256_TABLES 256		/* tables a process may be allowed at most */
#define VN_P256_TABLES_DEFAULT 32	/* tables allowed unless set otherwise */

enum { VN_P256_INVALID = 0, VN_P256_VALID = 1, VN_P256_NOT_HANDLED = -1 };

/* Verify the DER ECDSA signature sig (siglen bytes) over the digest dg
 * (dglen bytes, not hashed again) with the key of spki. VN_P256_VALID or
 * VN_P256_INVALID when the key has a table; VN_P256_NOT_HANDLED otherwise
 * (not a P-256 key, no table yet, or an internal failure): the caller must
 * then verify by other means. Counts the use towards the key's table.
 * Thread-safe. */
int vn_p256_verify(const X509_PUBKEY *spki, const unsigned char *sig, size_t siglen,
		   const unsigned char *dg, size_t dglen);

/* For tests and benchmarks: build the key's table now, whatever its count
 * (0 done or already there, -1 not a P-256 key or out of room). */
int vn_p256_table_now(const X509_PUBKEY *spki);

/* How many tables exist (for /metrics and tests). */
size_t vn_p256_tables(void);

/* Allow at most n tables from now on (at most VN_P256_TABLES; 0: no new
 * table is built). Tables already built stay. */
void vn_p256_set_max_tables(size_t n);

#endif
