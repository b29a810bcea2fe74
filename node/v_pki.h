/* valnode: certification path building and X.509 validation against the
 * trust snapshot (EN 319 102-1 5.2.6 XCV), with OpenSSL. */
#ifndef V_PKI_H
#define V_PKI_H

#include <openssl/x509.h>

#include "common/vn_findings.h"
#include "node/v_engine.h"

typedef enum v_path_status {
	V_PATH_OK = 0,
	V_PATH_NO_CHAIN,		/* NO_CERTIFICATE_CHAIN_FOUND */
	V_PATH_GENERAL_FAILURE,		/* CERTIFICATE_CHAIN_GENERAL_FAILURE: a bad
					 * signature on a certificate, a non-CA issuer... */
	V_PATH_CONSTRAINTS,		/* CHAIN_CONSTRAINTS_FAILURE: key usage,
					 * basic constraints, path length */
	V_PATH_EXPIRED,			/* a certificate outside its validity at the
					 * control time: OUT_OF_BOUNDS_NO_POE */
	V_PATH_NOT_YET_VALID,
	V_PATH_CRYPTO			/* weak algorithm in the chain */
} v_path_status;

typedef struct v_path {
	v_path_status status;
	STACK_OF(X509) *chain;		/* owned: signer first, up to the anchor */
	/* The trust anchor: the first certificate up from the signer's issuer
	 * that a list CA service vouches for (or a bare anchor). */
	X509 *anchor;			/* borrowed from chain */
	int by_list;			/* anchored by a list service (else a bare anchor) */
	tl_snap_match match;		/* when by_list: the CA service and its interval
					 * in force at the control time */
	vn_time expiry;			/* earliest notAfter along the chain */
	char why[256];
} v_path;

/* Build and validate the path of signer at control time t, using the
 * certificates the signature carries (extra) and the snapshot/anchors of
 * ctx. Certificates of list services that are not self-signed are accepted
 * as anchors (partial chains). Key usage: the signer must have
 * nonRepudiation (contentCommitment) when for_signature is set; a TSA or OCSP
 * responder certificate passes for_signature = 0 and its EKU is checked by
 * the caller. No AIA fetching. Returns an error only when the check could
 * not run. */
vn_err v_path_build(const v_ctx *ctx, X509 *signer, STACK_OF(X509) *extra, vn_time t,
		    int for_signature, v_path *out) VN_WUR VN_NONNULL(1, 2, 6);
void v_path_free(v_path *p);

#endif
