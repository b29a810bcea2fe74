/* valnode: revocation status (EN 319 102-1 5.2.5 revocation freshness and
 * 5.2.6 XCV): embedded OCSP responses and CRLs first, then online OCSP
 * (libcurl, with a nonce), then the CRL distribution point; an in-memory
 * cache keyed by issuer and serial that honours nextUpdate. A status that
 * cannot be obtained is V_REV_UNKNOWN, never good. */
#ifndef V_REV_H
#define V_REV_H

#include <openssl/x509.h>

#include "node/v_engine.h"
#include "node/v_sigobj.h"

typedef struct v_revcache v_revcache;

/* A thread-safe cache of up to max entries. */
v_revcache *v_revcache_new(size_t max);
void v_revcache_free(v_revcache *c);

/* Status of cert (issued by issuer) for validation at time t. An OCSP
 * response is accepted when signed by the issuer, by a delegated responder
 * (issued by the issuer, id-kp-OCSPSigning), or by a responder a list
 * announces (an OCSP service of the snapshot); its thisUpdate must not lie
 * after t by more than clock skew and must be fresh per the policy.
 * embedded: the values the signature carries (may be NULL). */
vn_err v_rev_check(const v_ctx *ctx, X509 *cert, X509 *issuer, vn_time t,
		   const v_sigobj *embedded, v_rev_result *out) VN_WUR VN_NONNULL(1, 2, 3, 6);

#endif
