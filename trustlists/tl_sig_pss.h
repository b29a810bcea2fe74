/* valnode (internal to trustlists/): RSASSA-PSS list signatures.
 *
 * xmlsec1 1.2 has no RSASSA-PSS transform. The signer (tl_sign.c) and the
 * verifier (tl_sig_verify.c) share what they need to do it with OpenSSL:
 * the canonical form of a subtree (SignedInfo) and the PSS parameters of
 * RFC 6931 2.3.10 (MGF1 with the signature's hash, salt as long as that
 * hash, trailer field 1). Not a public interface.
 */
#ifndef TL_SIG_PSS_H
#define TL_SIG_PSS_H

#include <libxml/tree.h>
#include <openssl/evp.h>
#include <xmlsec/xmldsig.h>

#include "common/vn_err.h"

/* RFC 6931 2.3.10, "RSASSA-PSS Without Parameters". */
#define TL_URI_PSS_SHA256 "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1"
#define TL_URI_PSS_SHA384 "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1"
#define TL_URI_PSS_SHA512 "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1"
/* The namespace of pss:RSAPSSParams (RFC 6931 2.3.11). */
#define TL_NS_PSS "http://www.w3.org/2007/05/xmldsig-more#"

/* The hash of a PSS SignatureMethod URI above; NULL for any other URI.
 * The EVP_MD is static (not owned). */
const EVP_MD *tl_pss_md(const char *uri);

/* Set RSASSA-PSS padding, MGF1(md) and salt length = hash length on a
 * context from EVP_DigestSignInit / EVP_DigestVerifyInit. VN_ERR_CRYPTO
 * when OpenSSL refuses (for instance an RSA-PSS key restricted to another
 * hash). */
vn_err tl_pss_params(EVP_PKEY_CTX *pctx, const EVP_MD *md) VN_WUR VN_NONNULL(1, 2);

/* Canonicalise the subtree rooted at top (the element, its attributes,
 * descendants and the namespace nodes in scope on them, as XMLDSig core
 * 4.4.1 canonicalises SignedInfo) with the c14n algorithm c14n_uri (C14N
 * 1.0, 1.1 or exclusive 1.0, each with or without comments) and append the
 * octets to out (caller's buffer). method, when not NULL, is the element
 * naming the algorithm (ds:CanonicalizationMethod): for exclusive c14n its
 * one optional ec:InclusiveNamespaces/@PrefixList is honoured; any other
 * element child is refused. Errors: VN_ERR_UNSUPPORTED (unknown URI),
 * VN_ERR_MALFORMED (method content), VN_ERR_TOO_LARGE (more than 64
 * prefixes), VN_ERR_NOMEM, VN_ERR_CRYPTO (libxml2's c14n failed). */
vn_err tl_c14n_subtree(xmlNodePtr top, const char *c14n_uri, const xmlNode *method,
		       xmlBufferPtr out) VN_WUR VN_NONNULL(1, 2, 4);

typedef enum tl_pss_outcome {
	TL_PSS_OK,
	TL_PSS_DIGEST,	 /* a Reference's digest does not match */
	TL_PSS_VALUE,	 /* SignatureValue does not verify with key */
	TL_PSS_REJECTED	 /* a Reference or SignatureValue could not be processed */
} tl_pss_outcome;

/* The XMLDSig core of a PSS-signed ds:Signature whose structure the caller
 * has already checked (SignedInfo: CanonicalizationMethod, SignatureMethod,
 * References; then SignatureValue):
 *  1. every Reference through xmlsec's reference processing, under ctx
 *     (not owned; its enabled URIs and reference transforms are the
 *     caller's policy; ctx->operation is set to verify);
 *  2. SignatureValue against the canonical SignedInfo with key (not owned),
 *     the caller's trusted key, never one taken from KeyInfo.
 * Returns VN_OK with the outcome in *res, or VN_ERR_NOMEM / VN_ERR_CRYPTO
 * when the check could not run. */
vn_err tl_pss_verify(xmlSecDSigCtxPtr ctx, xmlNodePtr sig, EVP_PKEY *key, const EVP_MD *md,
		     tl_pss_outcome *res) VN_WUR VN_NONNULL(1, 2, 3, 4, 5);

#endif
