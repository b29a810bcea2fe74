/* valnode: a process-wide cache of decoded X.509 certificates.
 *
 * Decoding a certificate with OpenSSL 3 costs more than verifying a
 * signature (the public key goes through the provider decoders). The
 * validation hot path decodes the same certificates again and again (the
 * signer of a returning Mobile-ID user, the issuing CAs a list carries), so
 * identical DER bytes are decoded once: same bytes, same certificate, no
 * judgement is cached. Direct-mapped by the DER's length and last bytes (a
 * slot holds the bytes too, compared in full), bounded (VN_CERTCACHE_SLOTS),
 * thread-safe.
 */
#ifndef VN_CERTCACHE_H
#define VN_CERTCACHE_H

#include <stddef.h>
#include <openssl/x509.h>

#include "common/vn_err.h"

#define VN_CERTCACHE_SLOTS 1024
#define VN_CERTCACHE_MAX_DER ((size_t)16 << 10)	/* larger ones are not cached */

/* The certificate encoded by der (n bytes), as a new reference the caller
 * frees with X509_free; NULL when the bytes are not a certificate. Trailing
 * bytes after the certificate make it fail, as d2i would leave them. */
X509 *vn_cert_decode(const unsigned char *der, size_t n);

/* X509_verify(x, issuer's public key) == 1, memoised: whether the
 * signature on the certificate x (its DER) verifies under the key of the
 * SubjectPublicKeyInfo issuer carries. A pure function of those bytes, so a
 * success is kept, keyed by a SHA-256 over the SHA-256 of each (both
 * memos of the decoded certificates, below; compared in full on that
 * digest: a hit needs a SHA-256 collision); a failure is not kept and is
 * computed again. Bounded (VN_CERTCACHE_SLOTS), thread-safe; x and issuer
 * are decoded certificates, never modified (as for every memo here).
 * 1 verifies, 0 not (or no memory, or no key). */
int vn_cert_verify_by(X509 *x, X509 *issuer);

/* Per-certificate memos: facts derived from a decoded certificate alone (its
 * DER and key hash, its policy OIDs and QC statements, its names rendered
 * for a report) kept beside it, as OpenSSL ex_data of the X509, for as long
 * as the object lives (the decode cache and the snapshots bound how many
 * live). A decoded certificate is never modified, so such a fact is a pure
 * function of the object: computed at the first ask, freed with it. A
 * memo never holds a judgement (time, trust list, policy).
 *
 * A kind is a static object of its module, zero-initialised but for make
 * and free:
 *	static vn_cert_memo_kind kind = {make_facts, free_facts, 0};
 * make returns the facts of x (owned by the memo from then on) or NULL
 * when they cannot be had (out of memory); free releases them. Thread-safe:
 * two threads asking at once may both make, one result is kept. */
typedef struct vn_cert_memo_kind {
	void *(*make)(X509 *x);
	void (*free)(void *facts);
	int idx;	/* internal: the ex_data index + 1; 0 until the first ask */
} vn_cert_memo_kind;

/* The facts of kind for x, valid while the caller holds x; NULL when
 * make failed or they could not be attached (out of memory). */
const void *vn_cert_memo(X509 *x, vn_cert_memo_kind *kind) VN_NONNULL(1, 2);

/* The SHA-256 of x's DER (its fingerprint, what an ESSCertIDv2 names),
 * into out; through a memo, so computed once per decoded certificate.
 * 0 done, -1 no encoding or no memory. */
int vn_cert_sha256(X509 *x, unsigned char out[32]) VN_NONNULL(1, 2);

/* The SHA-256 of x's SubjectPublicKeyInfo DER (what names its key to a
 * memo of signatures it verified), into out; through a memo, as above.
 * 0 done, -1 no encoding or no memory. */
int vn_cert_spki_sha256(X509 *x, unsigned char out[32]) VN_NONNULL(1, 2);

#endif
