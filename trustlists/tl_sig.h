/* valnode: the XAdES enveloped signature of a trusted list.
 *
 * tl_sig_verify checks a list's signature as TS 119 612 clause 5.7 and DSS's
 * tsl-constraint policy require, with xmlsec1 doing the XMLDSig core and this
 * module adding the anti-wrapping rules xmlsec does not enforce:
 *   - exactly one ds:Signature in the whole document, a child of the root
 *     (none, or more than one: TOTAL-FAILED / FORMAT_FAILURE);
 *   - exactly one data reference, URI "" or "#<root Id>", with only the
 *     enveloped-signature transform and a c14n / exc-c14n transform; a second
 *     reference only to this signature's own SignedProperties; no XPath/XSLT,
 *     no external URI (FORMAT_FAILURE);
 *   - the signing certificate (KeyInfo) must equal one of the anchors,
 *     compared as whole DER certificates; the key used for the check is the
 *     anchor's key, never KeyInfo's on trust (otherwise INDETERMINATE /
 *     NO_CERTIFICATE_CHAIN_FOUND);
 *   - when xades SigningCertificate(V2) is present its digest must match the
 *     signer (else INDETERMINATE / NO_SIGNING_CERTIFICATE_FOUND);
 *   - digest mismatch: TOTAL-FAILED / HASH_FAILURE; signature value wrong:
 *     TOTAL-FAILED / SIG_CRYPTO_FAILURE;
 *   - RSASSA-PSS (RFC 6931 2.3.10: sha256/sha384/sha512-rsa-MGF1, salt
 *     length = hash length, MGF1 with the same hash), which xmlsec 1.2
 *     lacks: xmlsec checks the references, OpenSSL the signature value
 *     over the canonical SignedInfo with the anchor's key; the same rules
 *     and verdicts as for the other algorithms. pss:RSAPSSParams inside
 *     SignatureMethod are refused (TOTAL-FAILED / FORMAT_FAILURE,
 *     TL_SIG_ALGORITHM_UNKNOWN): the -MGF1 URIs take no parameters;
 *   - algorithms judged as DSS judges lists: SHA-1 (or MD5) digests or
 *     signatures, RSA below 1024 bits (DSS tsl-constraint), ECDSA
 *     below 256 bits: INDETERMINATE / CRYPTO_CONSTRAINTS_FAILURE_NO_POE.
 */
#ifndef TL_SIG_H
#define TL_SIG_H

#include <libxml/tree.h>
#include <openssl/x509.h>

#include "common/vn_err.h"
#include "common/vn_findings.h"
#include "common/vn_time.h"
#include "common/vn_verdict.h"

typedef struct tl_sig_result {
	vn_indication indication;
	vn_subind sub;		/* VN_SUB_NONE when TOTAL-PASSED */
	X509 *signer;		/* owned: the KeyInfo certificate, when one was found */
	vn_time signing_time;	/* xades:SigningTime, or VN_TIME_NONE */
	char *sig_alg;		/* SignatureMethod URI, or NULL */
	char *digest_alg;	/* data reference DigestMethod URI, or NULL */
	vn_findings findings;	/* why, with stable codes (TL_SIG_*) */
} tl_sig_result;

void tl_sig_result_init(tl_sig_result *r) VN_NONNULL(1);
void tl_sig_result_free(tl_sig_result *r);

/* Verify doc's signature against the anchors (certificates; not owned).
 * Returns VN_OK with the verdict in *out, or an error when the check could
 * not run at all (no memory, xmlsec failure). The document is not changed. */
vn_err tl_sig_verify(xmlDocPtr doc, STACK_OF(X509) *anchors, tl_sig_result *out)
	VN_WUR VN_NONNULL(1, 3);

/* Load certificates (PEM, possibly several, or DER) from a file and append
 * them to *st (created when NULL). VN_ERR_NOT_FOUND / VN_ERR_MALFORMED. */
vn_err tl_load_certs(const char *path, STACK_OF(X509) **st) VN_WUR VN_NONNULL(1, 2);

typedef enum tl_sign_alg {
	TL_SIGN_AUTO = 0,	/* RSA PKCS#1 v1.5 or ECDSA, from the key */
	TL_SIGN_RSA_PSS		/* RSASSA-PSS (RSA keys only) */
} tl_sign_alg;

typedef struct tl_sign_opts {
	tl_sign_alg alg;
	const char *digest;	/* "sha256" (default), "sha384", "sha512" */
	vn_time signing_time;	/* VN_TIME_NONE: now */
} tl_sign_opts;

/* Add an enveloped XAdES-BASELINE-B signature (exc-c14n, one reference
 * URI="" with enveloped-signature + exc-c14n, SignedProperties with
 * SigningTime and SigningCertificateV2) as the last child of the root.
 * Refuses a document that already holds a ds:Signature (VN_ERR_ARG), and
 * weak keys (RSA < 2048, EC < 256: VN_ERR_UNSUPPORTED). */
vn_err tl_sig_sign(xmlDocPtr doc, EVP_PKEY *key, X509 *cert,
		   const tl_sign_opts *opts) VN_WUR VN_NONNULL(1, 2, 3);

#endif
