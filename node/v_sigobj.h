/* valnode: a signature under validation, as a format parser hands it to the
 * validation engine (EN 319 102-1 clause 5: the "signed data object" and
 * the material the signature carries).
 *
 * The format layer (v_raw.c: raw Mobile-ID values; v_cms.c: CMS / CAdES)
 * does the format checks (FC), identifies the signing certificate (ISC) and
 * the cryptographic verification (CV), and records their outcomes here. The
 * engine (v_validate.c) does the rest: X.509 validation against the trust
 * snapshot, revocation, timestamps, acceptance, qualification.
 */
#ifndef V_SIGOBJ_H
#define V_SIGOBJ_H

#include <stddef.h>
#include <openssl/x509.h>

#include "common/vn_err.h"
#include "common/vn_findings.h"
#include "common/vn_time.h"

typedef struct v_blob {
	unsigned char *p;	/* owned */
	size_t n;
} v_blob;

typedef enum v_format {
	V_FMT_RAW = 0,		/* a raw Mobile-ID signature value + certificate */
	V_FMT_CMS,		/* CMS SignedData / CAdES */
	V_FMT_XADES		/* XMLDSig / XAdES (EN 319 132-1), bare or in ASiC */
} v_format;

/* AdES level the material supports (CAdES-BASELINE names). */
typedef enum v_ades_level {
	V_LEVEL_NONE = 0,	/* raw, CMS that is not CAdES (no signing-certificate
				 * attribute), or XMLDSig that is not XAdES */
	V_LEVEL_B,
	V_LEVEL_T,		/* + signature timestamp */
	V_LEVEL_LT,		/* + certificate and revocation values */
	V_LEVEL_LTA		/* + archive timestamp(s) */
} v_ades_level;

/* Outcome of the format parser's checks, in EN 319 102-1 terms. */
typedef enum v_check {
	V_CHECK_OK = 0,
	V_CHECK_FORMAT_FAILURE,		/* FC failed: TOTAL-FAILED/FORMAT_FAILURE */
	V_CHECK_NO_SIGNING_CERT,	/* ISC: INDETERMINATE/NO_SIGNING_CERTIFICATE_FOUND */
	V_CHECK_SIGNED_DATA_NOT_FOUND,	/* CV: INDETERMINATE/SIGNED_DATA_NOT_FOUND */
	V_CHECK_HASH_FAILURE,		/* CV: TOTAL-FAILED/HASH_FAILURE */
	V_CHECK_SIG_CRYPTO_FAILURE	/* CV: TOTAL-FAILED/SIG_CRYPTO_FAILURE */
} v_check;

typedef enum v_ts_kind {
	V_TS_SIGNATURE = 0,	/* id-aa-signatureTimeStampToken over the signature value */
	V_TS_ARCHIVE,		/* id-aa-ets-archiveTimestampV3 (or v2) */
	V_TS_CONTENT		/* id-aa-ets-contentTimestamp over the data */
} v_ts_kind;

/* The largest name of a detached document a signature covers (an ASiC
 * entry name), NUL included. */
#define V_DOCNAME_MAX 256

typedef struct v_timestamp {
	v_ts_kind kind;
	v_blob token;		/* DER of the TimeStampToken (a CMS ContentInfo) */
	/* The bytes whose digest the token's message imprint must equal, as the
	 * format defines them (the SignerInfo's signature value for a signature
	 * timestamp). Empty when the parser could not compute them: the engine
	 * then reports the timestamp as not verifiable. */
	v_blob imprint_input;
	/* A second accepted reading of the same bytes, or empty. For an
	 * archive-timestamp-v2 (TS 101 733 annex K) imprint_input is the v2.2.1
	 * reading (unsignedAttrs with its [1] tag and length) and this the
	 * v1.8.3 reading (the attributes without them); the imprint may match
	 * either. */
	v_blob imprint_input_alt;
} v_timestamp;

typedef struct v_sigobj {
	v_format format;
	v_ades_level level;
	char id[32];			/* "S-1", ... unique within a document */
	v_check check;			/* FC + ISC + CV, decided by the parser */
	X509 *signer;			/* owned; the identified signing certificate, or NULL */
	STACK_OF(X509) *certs;		/* owned; every certificate the signature carries */
	vn_time claimed_time;		/* signing-time attribute / raw signingTime, or NONE */
	char digest_alg[32];		/* "SHA-256", ... (OpenSSL short names are fine) */
	char sig_alg[32];		/* "ECDSA", "RSA", "RSASSA-PSS" */
	int key_bits;			/* signer public key size */
	int has_signing_cert_ref;	/* ESS signing-certificate(-v2) present and matching */
	v_blob *ocsps;			/* owned DER OCSPResponse values carried (LT) */
	size_t nocsps;
	v_blob *crls;			/* owned DER CRLs carried (LT) */
	size_t ncrls;
	v_timestamp *tss;		/* owned */
	size_t ntss;
	v_blob signature_value;		/* the signature value (for the report's identifier) */
	/* XAdES: the detached documents (ASiC entry names, URI-decoded) that
	 * the signature's references cover and whose digests matched; the
	 * container layer checks coverage against them. */
	char (*covered)[V_DOCNAME_MAX];	/* owned */
	size_t ncovered;
	/* A BDOC time-mark: the index into ocsps of the OCSP response whose
	 * nonce binds this signature value (its producedAt is then a proof of
	 * existence of the signature), or -1 when there is none. */
	int timemark;
	char sig_policy[128];		/* signature policy identifier (OID), or "" */
	vn_findings findings;		/* what the parser found, with stable codes */
} v_sigobj;

/* Caps applied by the parsers. */
#define V_MAX_SIGNATURES 16
#define V_MAX_CERTS 64
#define V_MAX_REVOCATION 64
#define V_MAX_TIMESTAMPS 16
#define V_MAX_DOCUMENT ((size_t)64 << 20)

void v_sigobj_init(v_sigobj *s) VN_NONNULL(1);
/* Frees what s owns (not s itself); NULL is a no-op. */
void v_sigobj_free(v_sigobj *s);
vn_err v_blob_set(v_blob *b, const void *p, size_t n) VN_WUR VN_NONNULL(1);
vn_err v_blob_push(v_blob **arr, size_t *n, size_t cap, const void *p, size_t len) VN_WUR
	VN_NONNULL(1, 2);
/* Add a certificate the signature carries to o->certs (created when NULL):
 * a new reference is taken, the caller keeps its own; one already there
 * (X509_cmp) is not added twice. VN_ERR_TOO_LARGE past V_MAX_CERTS,
 * VN_ERR_NOMEM. */
vn_err v_sigobj_add_cert(v_sigobj *o, X509 *x) VN_WUR VN_NONNULL(1, 2);
/* Append a timestamp of kind to o->tss: its token (DER, copied) and the
 * bytes its imprint must cover (copied; imp NULL or ilen 0: unknown, the
 * engine then reports the timestamp as not verifiable). VN_ERR_TOO_LARGE
 * past V_MAX_TIMESTAMPS, VN_ERR_NOMEM. */
vn_err v_sigobj_add_ts(v_sigobj *o, v_ts_kind kind, const unsigned char *tok, size_t tlen,
		       const unsigned char *imp, size_t ilen) VN_WUR VN_NONNULL(1, 3);

#endif
