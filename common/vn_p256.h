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
 * the signature must be strict DER (what decodes and re-encodes to the same
 * bytes; parsed here directly), r and s in [1, n-1], the digest taken as its leftmost 256 bits, the sum not the
 * point at infinity, and x(R) mod n == r. Keys that are not P-256, and
 * P-256 keys that have no table yet, are left to the caller
 * (VN_P256_NOT_HANDLED), which verifies with EVP_PKEY_verify as before.
 * At most VN_P256_TABLES_DEFAULT tables exist unless vn_p256_set_max_tables
 * says otherwise (each about 150 KiB); they are shared read-only by every
 * thread.
 *
 * Ageing: time is counted in periods of VN_P256_PERIOD_DEFAULT P-256
 * verifications (vn_p256_set_period), so that an idle node ages nothing.
 * Each key counts its verifications in the current period. When the
 * allowance is full and a key without a table reaches VN_P256_TABLE_AFTER
 * verifications within one period, it takes over the table of the key
 * unused longest, provided that key had no verification in this period or
 * in the last full one: a replaced responder or signer key frees its table
 * for a new hot key, a key in use keeps its own. A newcomer that finds no
 * stale table keeps being verified the ordinary way (and the search is not
 * repeated until the next period). A table given up is freed by the last
 * thread that uses it (reference count): never while a verification runs
 * through it. The fast path is unchanged: one short critical section per
 * verification (now also counting the period) and one atomic decrement
 * after it.
 */
#ifndef VN_P256_H
#define VN_P256_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/x509.h>

#define VN_P256_TABLE_AFTER 1024u	/* uses of a key before its table is built */
#define VN_P256_TABLES 256		/* tables a process may be allowed at most */
#define VN_P256_TABLES_DEFAULT 32	/* tables allowed unless set otherwise */
#define VN_P256_PERIOD_DEFAULT 1048576u	/* verifications in an ageing period */

enum { VN_P256_INVALID = 0, VN_P256_VALID = 1, VN_P256_NOT_HANDLED = -1 };

/* Verify the DER ECDSA signature sig (siglen bytes) over the digest dg
 * (dglen bytes, not hashed again) with the key of spki. VN_P256_VALID or
 * VN_P256_INVALID when the key has a table; VN_P256_NOT_HANDLED otherwise
 * (not a P-256 key, no table yet, or an internal failure): the caller must
 * then verify by other means. Counts the use towards the key's table.
 * Thread-safe. */
int vn_p256_verify(const X509_PUBKEY *spki, const unsigned char *sig, size_t siglen,
		   const unsigned char *dg, size_t dglen);

/* The same for a signature in the plain form r || s (BSI TR-03111 5.2.1,
 * as mobile signing services return it): rslen must be 64, r and s 32
 * big-endian bytes each. The answer is the one vn_p256_verify gives for
 * the DER encoding of (r, s): a length other than 64, or r or s outside
 * [1, n-1], is VN_P256_INVALID (when the key has a table). */
int vn_p256_verify_rs(const X509_PUBKEY *spki, const unsigned char *rs, size_t rslen,
		      const unsigned char *dg, size_t dglen);

/* For tests and benchmarks: build the key's table now, whatever its count
 * (0 done or already there, -1 not a P-256 key or out of room). When the
 * allowance is full it takes over a stale table as a key at its count
 * would. Not a verification: counts towards neither key nor period. */
int vn_p256_table_now(const X509_PUBKEY *spki);

/* How many tables exist (for /metrics and tests). */
size_t vn_p256_tables(void);

/* Allow at most n tables from now on (at most VN_P256_TABLES; 0: no new
 * table is built). Tables already built stay; none is taken over while
 * there are more than n. */
void vn_p256_set_max_tables(size_t n);

/* The allowance in force (for /metrics and tests). */
size_t vn_p256_max_tables(void);

/* Make an ageing period n P-256 verifications long from now on (0: tables
 * are never taken over). */
void vn_p256_set_period(uint64_t n);

/* How many tables have been taken over by another key (for /metrics and
 * tests). */
size_t vn_p256_table_evictions(void);

#endif
