/* valnode: the certificates a CMS SignedData or an OCSP BasicOCSPResponse
 * carries, taken out of the structure by a strict DER walk.
 *
 * OpenSSL 3 decodes a certificate's public key through the provider
 * decoders, which costs more than the signature verification the
 * certificate is carried for; a CAdES-LT signature carries a dozen
 * certificates (its own, its OCSP responses', its timestamps'). These
 * functions find each embedded Certificate in the DER, decode it through
 * the process-wide cache (vn_cert_decode: same bytes, same certificate) and
 * hand back the rest of the structure with the certificates field left
 * out, for OpenSSL to decode without them. Every other byte is copied as
 * received (signed attributes, eContent, tbsResponseData, signatures); only
 * the headers of the elements that enclosed the certificates are re-encoded.
 *
 * The walk is a fast path, not a parser of record: any input not in the
 * exact strict-DER shape below is refused with VN_ERR_NOT_FOUND, and the
 * caller then decodes the original bytes with OpenSSL as before, so what
 * is accepted and what is refused never depends on this code.
 *
 * Rules (each refused with VN_ERR_NOT_FOUND):
 *   D1 single-octet identifiers (no high tag numbers);
 *   D2 definite lengths (X.690 10.1);
 *   D3 lengths in the fewest octets (X.690 10.1), at most 4 of them;
 *   D4 every element inside the bytes of its parent;
 *   D5 the outer element spans the input exactly (no trailing bytes);
 * CMS (RFC 5652 3, 5.1):
 *   C1 ContentInfo ::= SEQUENCE { id-signedData, [0] EXPLICIT SignedData },
 *      nothing after the SignedData inside [0], nothing after [0];
 *   C2 SignedData begins version INTEGER, digestAlgorithms SET,
 *      encapContentInfo SEQUENCE;
 *   C3 certificates [0] IMPLICIT holds only Certificate SEQUENCEs (no
 *      attribute or other certificate choices);
 *   C4 no second [0] element follows the certificates field;
 * OCSP (RFC 6960 4.2.1):
 *   O1 OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED successful
 *      (one octet, 0), [0] EXPLICIT ResponseBytes }, nothing after;
 *   O2 ResponseBytes ::= SEQUENCE { id-pkix-ocsp-basic, OCTET STRING }
 *      alone inside [0], nothing after the OCTET STRING;
 *   O3 the OCTET STRING holds exactly one BasicOCSPResponse SEQUENCE
 *      { tbsResponseData SEQUENCE, signatureAlgorithm SEQUENCE, signature
 *      BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL },
 *      nothing after the SEQUENCE OF inside [0], nothing after [0];
 * both:
 *   K1 at most V_DERSPLIT_MAX_CERTS certificates, each a SEQUENCE;
 *   K2 each one decodes (vn_cert_decode).
 */
#ifndef V_DERSPLIT_H
#define V_DERSPLIT_H

#include <stddef.h>
#include <openssl/cms.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include "common/vn_buf.h"
#include "common/vn_err.h"

#define V_DERSPLIT_MAX_CERTS 64	/* = V_MAX_CERTS: more goes the general way */

/* der/n: a DER ContentInfo holding a SignedData. On VN_OK, rest (initialised
 * by the caller, appended to) holds the ContentInfo without the
 * certificates field (the input itself when there is none) and *certs a new
 * stack (caller frees with sk_X509_pop_free(.., X509_free)) of the carried
 * certificates in their order. VN_ERR_NOT_FOUND: not in the shape above,
 * nothing returned; VN_ERR_NOMEM, VN_ERR_TOO_LARGE (rest's cap). */
vn_err v_der_cms_split(const unsigned char *der, size_t n, vn_buf *rest,
		       STACK_OF(X509) **certs) VN_WUR VN_NONNULL(3, 4);

/* der/n: a DER OCSPResponse. On VN_OK, basic holds the BasicOCSPResponse
 * without its certs field (its bytes as received when there is none) and
 * *certs a new stack of its certificates, as above. Errors as above. */
vn_err v_der_ocsp_split(const unsigned char *der, size_t n, vn_buf *basic,
			STACK_OF(X509) **certs) VN_WUR VN_NONNULL(3, 4);

/* Append a DER header (one-octet tag, definite length in the fewest
 * octets) to b. */
vn_err v_der_put_hdr(vn_buf *b, unsigned char tag, size_t len) VN_WUR VN_NONNULL(1);

/* The ContentInfo der/n decoded by OpenSSL with its certificates taken out
 * by v_der_cms_split (rest capped at cap bytes): the new ContentInfo, and
 * the certificates in *certs (caller frees both); NULL with *certs NULL
 * when the walk refuses the input or OpenSSL refuses the rest (the caller
 * then decodes der as received). */
CMS_ContentInfo *v_der_cms_decode(const unsigned char *der, size_t n, size_t cap,
				  STACK_OF(X509) **certs) VN_NONNULL(4);

/* The BasicOCSPResponse of the OCSPResponse der/n decoded by OpenSSL with
 * its certificates taken out by v_der_ocsp_split (basic capped at cap
 * bytes), and the certificates in *certs (caller frees both); NULL with
 * *certs NULL when the walk or OpenSSL refuses (the caller then decodes der
 * as received). */
OCSP_BASICRESP *v_der_ocsp_decode(const unsigned char *der, size_t n, size_t cap,
				  STACK_OF(X509) **certs) VN_NONNULL(4);

/* The BasicOCSPResponse of der/n when it is a successful OCSPResponse
 * spanning exactly n bytes: through v_der_ocsp_decode when it can, else
 * decoded whole; NULL otherwise. For readers that need neither the
 * certificates nor why a response is refused. */
OCSP_BASICRESP *v_der_ocsp_basic(const unsigned char *der, size_t n, size_t cap);

#endif
