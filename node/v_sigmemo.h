/* valnode: a memo of signatures over revocation data found valid
 * (EN 319 102-1 5.2.5: the OCSP responses a signature carries).
 *
 * A CAdES-LT or XAdES-LT signature brings the same OCSP response with
 * every request, and its signature costs a verification with the
 * responder's key each time. Whether a signature verifies is a pure
 * function of four byte strings: the signature algorithm (its OBJECT
 * IDENTIFIER, which fixes the hash and the key type), the digest of the
 * signed bytes under that hash (RSA PKCS #1 v1.5 and ECDSA read the signed
 * bytes only through it, so it stands for them exactly: two inputs with one
 * digest verify alike, memo or not), the signature value, and the signer's
 * SubjectPublicKeyInfo. None of it depends on time, trust or policy; who
 * the signer is and whether it may answer is decided by the caller at
 * every use, never here.
 *
 * So "verified valid" is kept, keyed by a SHA-256 over an unambiguous
 * encoding of the four (a tag, then each with its length; the key through
 * the SHA-256 of its DER), and compared in full on that digest: a hit needs
 * a SHA-256 collision. Only a success is stored; a failure, or anything not
 * stored, is verified again. Direct-mapped on the key (a colliding entry
 * replaces the older one: bounded by the slot count), thread-safe (one
 * mutex around a 32-byte compare or copy; the hashing and the
 * verification happen outside it). Never used for the signature being
 * validated: only for revocation data (v_rev.c).
 */
#ifndef V_SIGMEMO_H
#define V_SIGMEMO_H

#include <stddef.h>
#include <stdint.h>

#include "common/vn_err.h"

typedef struct v_sigmemo v_sigmemo;

#define V_SIGMEMO_KEY_LEN 32
#define V_SIGMEMO_MAX_PART 1024		/* a longer algorithm, digest or signature is not kept */

/* What a verification read. Borrowed: nothing is kept but the key. */
typedef struct v_sigmemo_in {
	const unsigned char *alg;	/* the signature algorithm's OBJECT IDENTIFIER (DER contents) */
	size_t alg_len;
	const unsigned char *digest;	/* the signed bytes hashed with the algorithm's digest */
	size_t digest_len;
	const unsigned char *sig;	/* the signature value as verified */
	size_t sig_len;
	const unsigned char *spki_sha256;	/* 32 bytes: SHA-256 of the signer's SubjectPublicKeyInfo DER */
} v_sigmemo_in;

/* A memo of at most slots entries; NULL when slots is 0 (no memo: every
 * function below then treats m == NULL as "nothing kept") or out of memory. */
v_sigmemo *v_sigmemo_new(size_t slots);
void v_sigmemo_free(v_sigmemo *m);

/* The key of in, into key: 0 done, -1 when it cannot be kept (a part over
 * V_SIGMEMO_MAX_PART or missing, or the digest could not run). */
int v_sigmemo_key(const v_sigmemo_in *in, unsigned char key[V_SIGMEMO_KEY_LEN]) VN_WUR VN_NONNULL(1, 2);
/* 1 when key was stored as verified valid, else 0 (counted as a hit or a
 * miss; m NULL: 0, not counted). */
int v_sigmemo_has(v_sigmemo *m, const unsigned char key[V_SIGMEMO_KEY_LEN]) VN_NONNULL(2);
/* Store key as verified valid: call only after the verification said so.
 * It replaces whatever its slot held. m NULL: nothing. */
void v_sigmemo_add(v_sigmemo *m, const unsigned char key[V_SIGMEMO_KEY_LEN]) VN_NONNULL(2);
/* Lookups that hit and missed since creation (m NULL: 0 and 0). */
void v_sigmemo_stats(v_sigmemo *m, uint64_t *hits, uint64_t *misses) VN_NONNULL(2, 3);
/* The slot count (for tests). */
size_t v_sigmemo_slots(const v_sigmemo *m);

#endif
