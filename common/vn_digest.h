/* valnode: SHA-256 without a provider fetch per call.
 *
 * OpenSSL 3's one-shot SHA256() and EVP_Digest(..., EVP_sha256(), ...)
 * look the algorithm up in the provider store at every call (EVP_Q_digest /
 * an implicit EVP_MD_fetch), which costs as much as hashing a certificate.
 * The hot path hashes through one EVP_MD fetched once per process; the
 * bytes produced are the same.
 */
#ifndef VN_DIGEST_H
#define VN_DIGEST_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>

#include "common/vn_err.h"

#define VN_SHA256_LEN 32

/* The process-wide SHA-256 implementation, fetched on first use (thread-
 * safe); NULL when the default provider has none. Owned by the process:
 * never freed by the caller. */
const EVP_MD *vn_md_sha256(void);

/* The digest of an OpenSSL NID: for SHA-1 and the SHA-2 family, one
 * fetched once per process (thread-safe), so that hashing with it skips the
 * per-call provider lookup; for any other NID, EVP_get_digestbynid's answer
 * (NULL when unknown). The same bytes come out either way. Owned by the
 * process: never freed by the caller. */
const EVP_MD *vn_md_by_nid(int nid);

/* SHA-256 of p (n bytes; p may be NULL when n is 0) into out. 0 on
 * success, -1 when the digest could not run (out is zeroed then). */
int vn_sha256(const void *p, size_t n, unsigned char out[VN_SHA256_LEN]) VN_WUR;

/* FNV-1a (64-bit) of p (n bytes) continued from h (start with
 * VN_FNV1A_INIT): to spread entries over a cache's slots where a hit
 * compares the whole key anyway, never to tell keys apart. */
#define VN_FNV1A_INIT 0xcbf29ce484222325ULL
uint64_t vn_fnv1a(uint64_t h, const void *p, size_t n);

#endif
