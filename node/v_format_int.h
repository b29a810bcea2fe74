/* valnode: helpers shared inside the format layer (v_detect.c, v_raw.c,
 * v_cms.c); not part of the engine's interface. */
#ifndef V_FORMAT_INT_H
#define V_FORMAT_INT_H

#include <stddef.h>
#include <openssl/asn1.h>

#include "common/vn_err.h"
#include "common/vn_time.h"

#define V_RAW_MAX_JSON ((size_t)1 << 20)	/* a raw signature object: 1 MiB */
#define V_RAW_MAX_DEPTH 8			/* {"raw": {"chain": [..]}} needs 3 */

/* Whether p begins (after JSON whitespace) with {"raw": ... : the shape of a
 * raw Mobile-ID signature object (DESIGN.md). */
int v_raw_looks_like(const unsigned char *p, size_t n) VN_NONNULL(1);

/* When p is a PEM "-----BEGIN PKCS7-----" / "-----BEGIN CMS-----" block
 * (surrounding whitespace only), decode its body into *der (malloc'd, the
 * caller frees). VN_ERR_NOT_FOUND when p is not PEM at all; VN_ERR_MALFORMED
 * for a broken PEM. */
vn_err v_cms_pem_decode(const unsigned char *p, size_t n, unsigned char **der,
			size_t *dlen) VN_WUR VN_NONNULL(1, 3, 4);

/* ASN.1 UTCTime / GeneralizedTime to seconds; VN_ERR_MALFORMED when invalid. */
vn_err v_asn1_time_to_vn(const ASN1_TIME *t, vn_time *out) VN_WUR VN_NONNULL(1, 2);

/* EN 319 102-1 style digest name ("SHA-256") for an OpenSSL digest NID;
 * NULL when the NID is not a digest we name. */
const char *v_digest_name(int nid);

/* An ECDSA signature value as r||s (n bytes: the two halves, big-endian,
 * as raw Mobile-ID and XMLDSig 1.1 carry it) to DER ECDSA-Sig-Value in
 * *der (OPENSSL_free) / *dlen. VN_ERR_MALFORMED for an odd or empty n or
 * one over 264 bytes (P-521 and below), VN_ERR_NOMEM. */
vn_err v_ecdsa_raw_to_der(const unsigned char *sig, size_t n, unsigned char **der, size_t *dlen)
	VN_WUR VN_NONNULL(1, 3, 4);

#endif
