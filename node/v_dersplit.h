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
 *   C5 after the certificates field (or encapContentInfo): crls [1]
 *      OPTIONAL (not walked inside), then signerInfos SET, nothing after;
 *      at most V_DERSPLIT_MAX_SIGNERS SignerInfos;
 *   C6 each SignerInfo a SEQUENCE beginning version INTEGER, then sid:
 *      subjectKeyIdentifier [0] IMPLICIT OCTET STRING (primitive, 0x80),
 *      or issuerAndSerialNumber SEQUENCE { issuer Name SEQUENCE (not
 *      walked inside), serialNumber INTEGER in the fewest octets (R6) },
 *      nothing after the INTEGER;
 * the unsigned attributes (with V_DER_UATTRS), RFC 5652 5.3, on top of C6,
 * for each SignerInfo by itself:
 *   U1 after sid: digestAlgorithm, [0] signedAttrs OPTIONAL,
 *      signatureAlgorithm, signature OCTET STRING (primitive, 0x04), then
 *      [1] unsignedAttrs, nothing after it;
 *   U2 unsignedAttrs holds 1..V_DER_MAX_UATTRS Attribute ::= SEQUENCE {
 *      attrType OBJECT IDENTIFIER (R5), attrValues SET }, nothing after the
 *      SET, the SET not empty;
 *   U3 each AttributeValue a SEQUENCE.
 *   A SignerInfo that breaks a U rule is not refused: its unsignedAttrs stay
 *   in the rest (its uattrs.p NULL), for OpenSSL to decode as before;
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
 *
 * In the rest each issuerAndSerialNumber's issuer Name is an empty Name
 * (30 00), the enclosing lengths re-encoded: OpenSSL canonicalises every
 * Name it decodes, and the sid's is only ever compared with the carried
 * certificates' issuers, which the caller does on the bytes returned here
 * (v_der_sid_find). The rest decodes exactly when the input does, provided
 * each such Name decodes alone (d2i_X509_NAME): OpenSSL decodes a Name by
 * itself wherever it stands (its nesting count starts afresh), and an empty
 * Name always decodes. v_der_cms_decode makes sure it does. A
 * subjectKeyIdentifier sid is left in the rest as received.
 *
 * With V_DER_UATTRS, a SignerInfo that obeys U1-U3 also has its [1]
 * unsignedAttrs left out of the rest, the enclosing lengths re-encoded,
 * and its contents handed back (v_der_sid.uattrs, read by v_der_attrs_read).
 * OpenSSL decodes an Attribute as SEQUENCE { OBJECT, SET OF ANY }, and an
 * ANY that is a SEQUENCE of definite length as its received octets,
 * contents not looked into, which i2d_ASN1_TYPE gives back unchanged: so
 * unsignedAttrs in that shape always decode, and the attribute types and
 * value bytes read here are those CMS_unsigned_get_attr and
 * X509_ATTRIBUTE_get0_type give, in the same order. The rest decodes
 * exactly when the input does (the fields before [1] are the same bytes,
 * and [1] is the SignerInfo's last, optional field); it lacks only what
 * the SignerInfo's signature does not cover (RFC 5652 5.4), and what
 * OpenSSL would check of it, its attribute rules in CMS_SignerInfo_verify,
 * is the caller's to check over the attributes read.
 *
 * The BasicOCSPResponse read (v_der_ocsp_read), RFC 6960 4.2.1, on top of
 * D1-D5, O1-O3, K1, K2; each field in exactly the shape below, everything
 * inside the bytes of its parent, nothing after the last field:
 *   R1 tbsResponseData ::= SEQUENCE { version [0] EXPLICIT INTEGER
 *      OPTIONAL, responderID ([1] EXPLICIT Name, a SEQUENCE whose contents
 *      are not walked, or [2] EXPLICIT OCTET STRING), producedAt, responses
 *      SEQUENCE of 1..V_DER_OCSP_MAX_SINGLES SingleResponse,
 *      responseExtensions [1] EXPLICIT Extensions OPTIONAL };
 *   R2 AlgorithmIdentifier ::= SEQUENCE { OBJECT IDENTIFIER, NULL (empty)
 *      OPTIONAL } (the signature's and each CertID's);
 *   R3 SingleResponse ::= SEQUENCE { certID SEQUENCE { hashAlgorithm,
 *      issuerNameHash OCTET STRING, issuerKeyHash OCTET STRING,
 *      serialNumber INTEGER }, certStatus (good [0] IMPLICIT NULL, revoked
 *      [1] IMPLICIT SEQUENCE { revocationTime, revocationReason [0]
 *      EXPLICIT ENUMERATED of one octet 0..127 OPTIONAL }, unknown [2]
 *      IMPLICIT NULL), thisUpdate, nextUpdate [0] EXPLICIT OPTIONAL,
 *      singleExtensions [1] EXPLICIT Extensions OPTIONAL };
 *   R4 Extensions ::= SEQUENCE of at least one SEQUENCE { OBJECT
 *      IDENTIFIER, critical BOOLEAN 0xff OPTIONAL, OCTET STRING } (DER:
 *      FALSE, the default, is left out);
 *   R5 an OBJECT IDENTIFIER has contents, ends with an octet below 0x80 and
 *      no subidentifier starts with 0x80 (what OpenSSL's decoder refuses);
 *   R6 INTEGERs in the fewest octets (X.690 8.3.2);
 *   R7 every time a GeneralizedTime of 15 octets ending in 'Z' (RFC 5280
 *      4.1.2.5.2: YYYYMMDDHHMMSSZ);
 *   R8 the signature BIT STRING has no unused bits.
 * The responder's Name is handed over as bytes, not looked into: OpenSSL
 * decodes the response exactly when it decodes that Name alone
 * (d2i_X509_NAME), and the caller must know it does (same bytes as a
 * decoded certificate's subject, or decoded) before it relies on the read.
 * With that, whatever the read accepts OpenSSL's d2i_OCSP_BASICRESP accepts
 * too, with the same values, and re-encodes tbsResponseData to the same
 * bytes (a Name keeps its received encoding in OpenSSL; every other field
 * is in its only DER form): so the bytes hashed for the signature are the
 * received ones, which RFC 6960 4.2.1 says are signed.
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
#define V_DERSPLIT_MAX_SIGNERS 16	/* = V_MAX_SIGNATURES: likewise */

/* Bytes inside the input given to the function that returned them. */
typedef struct v_der_bytes {
	const unsigned char *p;	/* NULL: absent */
	size_t n;
} v_der_bytes;

/* One SignerInfo's sid as received (C6), and its unsigned attributes when
 * the split took them (U1-U3). */
typedef struct v_der_sid {
	v_der_bytes name;	/* issuerAndSerialNumber: the issuer Name, whole
				 * element; p NULL: a subjectKeyIdentifier */
	v_der_bytes serial;	/* the serialNumber INTEGER's contents */
	v_der_bytes uattrs;	/* the [1] unsignedAttrs' contents, left out of
				 * the rest; p NULL: none taken (absent, not in
				 * the U shape, or V_DER_UATTRS not asked) */
} v_der_sid;

/* The sids of a SignedData's SignerInfos, in their order. */
typedef struct v_der_sids {
	size_t n;
	v_der_sid sid[V_DERSPLIT_MAX_SIGNERS];
} v_der_sids;

/* flags of v_der_cms_split, v_der_cms_decode: the unsignedAttrs of each
 * SignerInfo in the U1-U3 shape left out of the rest too */
#define V_DER_UATTRS 1u

/* der/n: a DER ContentInfo holding a SignedData. On VN_OK, rest (initialised
 * by the caller, appended to) holds the ContentInfo without the
 * certificates field, with every issuerAndSerialNumber's Name emptied and,
 * with V_DER_UATTRS in flags, without the unsignedAttrs taken (the input
 * itself when there is none of these), *certs a new stack (caller frees
 * with sk_X509_pop_free(.., X509_free)) of the carried certificates in
 * their order, and *sids the SignerInfos' sids and unsigned attributes
 * taken (pointing into der, valid while it is). VN_ERR_NOT_FOUND: not in
 * the shape above, nothing returned (*sids zeroed); VN_ERR_NOMEM,
 * VN_ERR_TOO_LARGE (rest's cap). */
vn_err v_der_cms_split(const unsigned char *der, size_t n, vn_buf *rest,
		       STACK_OF(X509) **certs, v_der_sids *sids,
		       unsigned flags) VN_WUR VN_NONNULL(3, 4, 5);

#define V_DER_MAX_UATTRS 32	/* U2: more are left to OpenSSL */

/* One unsigned attribute (U2); pointers into the input. */
typedef struct v_der_attr {
	v_der_bytes oid;	/* attrType's contents octets */
	v_der_bytes vals;	/* attrValues' contents: the value TLVs in order */
	int nvals;		/* at least 1 */
} v_der_attr;

/* The attributes of uattrs (a v_der_sid's, taken by v_der_cms_split) into
 * a[0..V_DER_MAX_UATTRS), in their order: how many (at least 1), 0 when
 * uattrs.p is NULL. */
size_t v_der_attrs_read(const v_der_bytes *uattrs, v_der_attr *a) VN_NONNULL(1, 2);

/* Value i (0 <= i < a->nvals) of a, the whole TLV, in *v: as
 * i2d_ASN1_TYPE encodes OpenSSL's decoded value (U3). 1, or 0 when i is
 * out of range. */
int v_der_attr_value(const v_der_attr *a, int i, v_der_bytes *v) VN_NONNULL(1, 3);

/* der/n: a DER OCSPResponse. On VN_OK, basic holds the BasicOCSPResponse
 * without its certs field (its bytes as received when there is none) and
 * *certs a new stack of its certificates, as above. Errors as above. */
vn_err v_der_ocsp_split(const unsigned char *der, size_t n, vn_buf *basic,
			STACK_OF(X509) **certs) VN_WUR VN_NONNULL(3, 4);

#define V_DER_OCSP_MAX_SINGLES 16	/* more go the general way */

/* One SingleResponse (R3); contents octets unless said otherwise. */
typedef struct v_der_single {
	v_der_bytes hash_oid;		/* hashAlgorithm's OBJECT IDENTIFIER */
	v_der_bytes name_hash, key_hash;
	v_der_bytes serial;		/* the INTEGER's, two's complement */
	int status;			/* V_OCSP_CERTSTATUS_* */
	v_der_bytes rev_time;		/* revoked only */
	int reason;			/* revocationReason, -1 when absent */
	v_der_bytes this_update, next_update;	/* the GeneralizedTimes' */
} v_der_single;

/* A BasicOCSPResponse as read by v_der_ocsp_read. */
typedef struct v_der_ocsp {
	v_der_bytes tbs;		/* tbsResponseData, the whole element */
	v_der_bytes sig_alg;		/* signatureAlgorithm's OBJECT IDENTIFIER */
	v_der_bytes sig;		/* signature value (after the unused-bits octet) */
	int by_key;			/* responderID: 1 byKey, 0 byName */
	v_der_bytes responder;		/* byName: the whole Name; byKey: the hash */
	v_der_bytes produced_at;
	size_t nsingles;
	v_der_single singles[V_DER_OCSP_MAX_SINGLES];
} v_der_ocsp;

/* der/n: a DER OCSPResponse read by the rules above (D, O, K, R). On VN_OK,
 * *o points into der (valid while der is) and *certs is a new stack of the
 * response's certificates as for v_der_ocsp_split. VN_ERR_NOT_FOUND: not
 * in that shape (the caller decodes with OpenSSL), *o zeroed, *certs NULL;
 * VN_ERR_NOMEM. */
vn_err v_der_ocsp_read(const unsigned char *der, size_t n, v_der_ocsp *o,
		       STACK_OF(X509) **certs) VN_WUR VN_NONNULL(3, 4);

/* Append a DER header (one-octet tag, definite length in the fewest
 * octets) to b. */
vn_err v_der_put_hdr(vn_buf *b, unsigned char tag, size_t len) VN_WUR VN_NONNULL(1);

/* The ContentInfo der/n decoded by OpenSSL with its certificates taken out
 * and its sids' Names emptied by v_der_cms_split (rest capped at cap
 * bytes; flags as there): the new ContentInfo, the certificates in *certs
 * (caller frees both) and the sids as received in *sids, to be matched with
 * v_der_sid_find (the decoded SignerInfos' issuer Names are empty). Each
 * sid Name is known to decode: it has the bytes of a carried certificate's
 * issuer, or it is decoded once here. A SignerInfo whose sid has uattrs.p
 * set has no unsigned attributes in the ContentInfo: the caller reads them
 * with v_der_attrs_read and applies OpenSSL's rules on them itself. NULL
 * with *certs NULL and *sids zeroed when the walk refuses the input, a sid
 * Name does not decode or OpenSSL refuses the rest (the caller then
 * decodes der as received). */
CMS_ContentInfo *v_der_cms_decode(const unsigned char *der, size_t n, size_t cap,
				  STACK_OF(X509) **certs, v_der_sids *sids,
				  unsigned flags) VN_NONNULL(4, 5);

/* The signer's certificate as CMS_SignerInfo_cert_cmp finds it (RFC 5652
 * 5.3): the first of certs, in order, that SignerInfo si names; *found
 * borrowed from certs, NULL when none does. sid: si's identifier as
 * v_der_cms_decode returned it, or NULL when si was decoded from the input
 * as received (then CMS_SignerInfo_cert_cmp itself). An
 * issuerAndSerialNumber names a certificate with the same serial number
 * (ASN1_INTEGER_cmp) and an issuer with the same bytes, or else one equal to
 * the sid's Name by X509_NAME_cmp (the Name decoded once, only then); a
 * subjectKeyIdentifier (left in si) goes to CMS_SignerInfo_cert_cmp.
 * VN_OK; VN_ERR_MALFORMED when the sid's Name does not decode (not after
 * v_der_cms_decode), VN_ERR_NOMEM. */
vn_err v_der_sid_find(CMS_SignerInfo *si, const v_der_sid *sid, STACK_OF(X509) *certs,
		      X509 **found) VN_WUR VN_NONNULL(1, 4);

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
