/* valnode: a process-wide cache of decoded X.509 certificates.
 *
 * Decoding a certificate with OpenSSL 3 costs more than verifying a
 * signature (the public key goes through the provider decoders). The
 * validation hot path decodes the same certificates again and again (the
 * signer of a returning Mobile-ID user, the issuing CAs a list carries), so
 * identical DER bytes are decoded once: same bytes, same certificate, no
 * judgement is cached. Direct-mapped by SHA-256 of the DER (a slot holds the
 * bytes too, compared in full), bounded (VN_CERTCACHE_SLOTS), thread-safe.
 */
#ifndef VN_CERTCACHE_H
#define VN_CERTCACHE_H

#include <stddef.h>
#include <openssl/x509.h>

#define VN_CERTCACHE_SLOTS 1024
#define VN_CERTCACHE_MAX_DER ((size_t)16 << 10)	/* larger ones are not cached */

/* The certificate encoded by der (n bytes), as a new reference the caller
 * frees with X509_free; NULL when the bytes are not a certificate. Trailing
 * bytes after the certificate make it fail, as d2i would leave them. */
X509 *vn_cert_decode(const unsigned char *der, size_t n);

/* X509_verify(x, issuer's public key) == 1, memoised: whether the
 * signature on the certificate x (its DER) verifies under the key of the
 * SubjectPublicKeyInfo issuer carries. A pure function of those bytes, so a
 * success is kept, keyed by both byte strings (compared in full); a failure
 * is not kept and is computed again. Bounded (VN_CERTCACHE_SLOTS),
 * thread-safe. 1 verifies, 0 not (or no memory, or no key). */
int vn_cert_verify_by(X509 *x, X509 *issuer);

#endif
