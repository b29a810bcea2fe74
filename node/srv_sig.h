/* valnode: signed HTTP responses. The node's Ed25519 key (libsodium),
 * RFC 9530 Content-Digest and RFC 9421 HTTP message signatures.
 *
 * A response carries
 *   Content-Digest: sha-256=:BASE64:
 *   Signature-Input: sig1=("@status" "content-digest" "content-type");
 *                    created=T;keyid="K";alg="ed25519"
 *   Signature: sig1=:BASE64:
 * where the signature is Ed25519 over the signature base of RFC 9421 2.5:
 * one line per covered component, `"name": value`, then the
 * `"@signature-params": ...` line, joined by LF with no trailing LF.
 */
#ifndef SRV_SIG_H
#define SRV_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "common/vn_buf.h"
#include "common/vn_err.h"

#define SRV_ED25519_PK 32
#define SRV_ED25519_SEED 32
#define SRV_ED25519_SIG 64
#define SRV_KEYID_MAX 64
/* Longest header value we produce or accept when verifying. */
#define SRV_SIG_HDR_MAX 1024

/* The node key. sk lives in libsodium secure memory (sodium_malloc:
 * guarded, locked, wiped on free). */
typedef struct srv_key {
	unsigned char *sk;			/* 64 bytes, owned, secure memory */
	unsigned char pk[SRV_ED25519_PK];
	char keyid[SRV_KEYID_MAX];		/* RFC 7638 JWK thumbprint, base64url */
} srv_key;

/* Load the key seed from path; when the file does not exist, make a new key
 * and write it there (32 raw seed bytes, created 0600, O_EXCL). A file that
 * is not a regular file, is readable or writable by group or other, or is
 * not 32 bytes is refused (VN_ERR_ARG / VN_ERR_MALFORMED) with why.
 * *created says whether a key was made. Free with srv_key_free. */
vn_err srv_key_load_or_create(const char *path, srv_key *out, int *created, char *why,
			      size_t whylen) VN_WUR VN_NONNULL(1, 2);
/* A key from a seed (tests, tools). */
vn_err srv_key_from_seed(const unsigned char seed[SRV_ED25519_SEED], srv_key *out) VN_WUR
	VN_NONNULL(1, 2);
void srv_key_free(srv_key *k);

/* The RFC 7638 thumbprint of an Ed25519 public key (the keyid), base64url
 * without padding, into out (at least 44 bytes). */
void srv_keyid(const unsigned char pk[SRV_ED25519_PK], char *out, size_t outlen) VN_NONNULL(1, 2);

/* "sha-256=:BASE64:" of body, into out (at least 64 bytes). */
vn_err srv_content_digest(const void *body, size_t n, char *out, size_t outlen) VN_WUR
	VN_NONNULL(3);

/* One covered component: a derived one ("@status") or a header field name
 * (lower case), with its value as it goes into the base (already trimmed). */
typedef struct srv_sig_comp {
	const char *name;
	const char *value;
} srv_sig_comp;

/* The serialised signature parameters (RFC 9421 2.3): the inner list of
 * component names, then ;created=T, ;keyid="K" when keyid is not NULL and
 * ;alg="A" when alg is not NULL. VN_ERR_TOO_LARGE when out is too small. */
vn_err srv_sig_params(const srv_sig_comp *c, size_t n, int64_t created, const char *keyid,
		      const char *alg, char *out, size_t outlen) VN_WUR VN_NONNULL(6);

/* The signature base (RFC 9421 2.5) into out (reset first). A component
 * value holding CR, LF or a non-printable byte is refused (VN_ERR_MALFORMED):
 * it could forge a line of the base. */
vn_err srv_sig_base(const srv_sig_comp *c, size_t n, const char *params, vn_buf *out) VN_WUR
	VN_NONNULL(3, 4);

/* The headers of a signed response: Content-Digest, Signature-Input and
 * Signature values for status, content type and body, at time created. */
typedef struct srv_sig_headers {
	char content_digest[96];
	char signature_input[SRV_SIG_HDR_MAX];
	char signature[160];
} srv_sig_headers;

vn_err srv_sign_response(const srv_key *k, unsigned status, const char *content_type,
			 const void *body, size_t n, int64_t created, srv_sig_headers *out) VN_WUR
	VN_NONNULL(1, 3, 7);

/* Check a response as saved by `curl -si` (status line, headers, CRLF CRLF,
 * body; a leading "HTTP/1.1 100 Continue" block is skipped): the
 * Content-Digest matches the body, and the first signature of
 * Signature-Input / Signature verifies with pk over the components it
 * names (which must include @status, content-digest and content-type).
 * VN_OK and *valid = 1 when it does; *valid = 0 with the reason in why when
 * it does not; VN_ERR_MALFORMED when the text is not an HTTP response. */
vn_err srv_verify_response(const unsigned char *raw, size_t n,
			   const unsigned char pk[SRV_ED25519_PK], int *valid, char *why,
			   size_t whylen) VN_WUR VN_NONNULL(1, 3, 4);

/* Read a public key: base64 of the 32 raw bytes (as GET /v1/node gives),
 * or a PEM SubjectPublicKeyInfo ("-----BEGIN PUBLIC KEY-----"). */
vn_err srv_pubkey_parse(const char *text, size_t n, unsigned char pk[SRV_ED25519_PK]) VN_WUR
	VN_NONNULL(1, 3);

#endif
