/* valnode: the format layer. Recognise a signed input, run the format
 * checks, identify the signing certificate and verify the signature
 * cryptographically (EN 319 102-1 5.2.2 FC, 5.2.3 ISC, 5.2.7 CV). */
#ifndef V_FORMAT_H
#define V_FORMAT_H

#include <stddef.h>
#include <jansson.h>

#include "common/vn_err.h"
#include "node/v_sigobj.h"

typedef enum v_input_kind {
	V_INPUT_UNKNOWN = 0,
	V_INPUT_RAW_JSON,	/* {"raw": {...}} (DESIGN.md) */
	V_INPUT_CMS,		/* DER or PEM ("-----BEGIN PKCS7/CMS-----") SignedData */
	V_INPUT_XML,		/* an XML document holding XMLDSig / XAdES signatures */
	V_INPUT_ZIP		/* a ZIP file: an ASiC-E or ASiC-S container */
} v_input_kind;

/* Recognise the input by its content, never by a file name. */
v_input_kind v_detect(const unsigned char *p, size_t n) VN_NONNULL(1);

/* Detached data supplied beside a signature: the document bytes, or only
 * its digest (hash-only validation). */
typedef struct v_data {
	const unsigned char *bytes;	/* NULL when only a digest is known */
	size_t len;
	const char *digest_alg;		/* with digest: "SHA-256", ... */
	const unsigned char *digest;
	size_t digest_len;
	/* The document's name, as a detached XAdES reference names it (a file
	 * name); NULL when unknown. */
	const char *name;
} v_data;

/* Parse a raw Mobile-ID signature (the JSON object of DESIGN.md: hash or
 * data, hashAlgorithm, signatureAlgorithm ECDSA (raw r||s or DER) / RSA
 * (PKCS#1 v1.5) / RSASSA-PSS, signatureValue, certificate, chain,
 * signingTime) into *out, verifying the value against the certificate's key.
 * A malformed object is VN_ERR_MALFORMED with a reason in why; a signature
 * that does not verify is a v_check in out, not an error. */
vn_err v_raw_parse(const unsigned char *json, size_t n, v_sigobj *out, char *why,
		   size_t whylen) VN_WUR VN_NONNULL(1, 3);
/* The same from an object already parsed (with duplicate keys refused):
 * raw is the value of the "raw" member, borrowed. The rules and the 1 MiB
 * bound are those of v_raw_parse; the node's request parser hands it over
 * instead of writing the object out and reading it again. */
vn_err v_raw_parse_json(const json_t *raw, v_sigobj *out, char *why, size_t whylen) VN_WUR
	VN_NONNULL(1, 2);

/* Parse CMS SignedData (enveloping, or detached with data), one v_sigobj per
 * SignerInfo (at most V_MAX_SIGNATURES) into *out / *nout (the caller frees
 * each with v_sigobj_free and the array with free). Checks: content-type and
 * message-digest signed attributes, signed attributes in DER (SET OF
 * ordering), signing-certificate-v2 (or v1) binding the signer, signing-time;
 * CAdES level from the unsigned attributes (signature timestamp, certificate
 * and revocation values, archive timestamps). Detached without data:
 * V_CHECK_SIGNED_DATA_NOT_FOUND. Not CMS at all: VN_ERR_MALFORMED. */
vn_err v_cms_parse(const unsigned char *der, size_t n, const v_data *data, v_sigobj **out,
		   size_t *nout, char *why, size_t whylen) VN_WUR VN_NONNULL(1, 4, 5);

/* Detached documents a signature may reference by name: the data files of
 * an ASiC container, or a document given beside a bare XAdES signature.
 * Borrowed; names are the container's entry names. */
typedef struct v_docfile {
	const char *name;
	const unsigned char *bytes;
	size_t len;
} v_docfile;

typedef struct v_docs {
	const v_docfile *files;
	size_t n;
} v_docs;

/* Parse the XMLDSig / XAdES signatures of an XML document (a bare
 * ds:Signature, a document holding enveloped signatures, or an
 * asic:XAdESSignatures root) into *out / *nout, one v_sigobj per
 * ds:Signature (at most V_MAX_SIGNATURES; the caller frees each with
 * v_sigobj_free and the array with free). docs (may be NULL) resolves
 * references to detached documents by name; nothing is ever fetched.
 * The parser does FC, ISC and CV (core validation of every reference and
 * of SignatureValue) and records the XAdES material (signing certificate,
 * signing time, timestamps with their imprint inputs, certificate and
 * revocation values, time-mark, policy). Not XML, or no signature in it:
 * VN_ERR_MALFORMED with a reason in why. */
vn_err v_xades_parse(const unsigned char *xml, size_t n, const v_docs *docs, v_sigobj **out,
		     size_t *nout, char *why, size_t whylen) VN_WUR VN_NONNULL(1, 4, 5);

#endif
