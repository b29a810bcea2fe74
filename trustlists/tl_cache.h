/* valnode: the on-disk cache of trusted lists, the last good copy of each.
 *
 * One directory (created 0700). For each list URL, key = lowercase hex
 * SHA-256 of the URL, two files:
 *   <key>.xml    the list bytes exactly as downloaded
 *   <key>.meta   JSON: url, etag, last_modified, sha256 (of the .xml),
 *                sequence (decimal string: TSLSequenceNumber is unbounded),
 *                fetched_at, verified_at, last_attempt (RFC 3339 or null),
 *                last_error (string or null)
 * Both are written to a temporary file, fsynced and renamed, body first. A
 * crash between the two renames leaves a body that does not match its
 * digest: tl_cache_get then reports the entry absent (fail closed) and the
 * next successful fetch repairs it.
 *
 * The cache stores; it does not judge. "Never replace a good list with a bad
 * one" is the caller's rule, decided by tl_cache_decide before tl_cache_put.
 *
 * Thread safety: one tl_cache may be used from several threads; its
 * operations are serialised by a mutex inside.
 */
#ifndef TL_CACHE_H
#define TL_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include "common/vn_buf.h"
#include "common/vn_err.h"
#include "common/vn_time.h"

typedef struct tl_cache tl_cache;

/* Cap on a body read back (the fetcher's default cap) and on a .meta file. */
#define TL_CACHE_MAX_BODY ((size_t)32 << 20)
#define TL_CACHE_MAX_META ((size_t)64 << 10)

typedef struct tl_cache_meta {
	char *url;		/* owned */
	char *etag;		/* owned, NULL: none */
	char *last_modified;	/* owned, NULL: none */
	char sha256[65];	/* lowercase hex of the body; "" when no body is stored */
	uint64_t sequence;	/* TSLSequenceNumber; 0: unknown */
	vn_time fetched_at;	/* VN_TIME_NONE: unknown */
	vn_time verified_at;	/* when the signature last verified; VN_TIME_NONE: never */
	vn_time last_attempt;	/* last fetch attempt, good or bad */
	char *last_error;	/* owned, NULL: the last attempt succeeded */
	/* Set by tl_cache_get when it treats a damaged entry as absent. */
	char problem[160];
} tl_cache_meta;

void tl_cache_meta_init(tl_cache_meta *m) VN_NONNULL(1);
/* Frees the strings m owns and re-initialises it. NULL is a no-op. */
void tl_cache_meta_free(tl_cache_meta *m);

/* Open (creating it 0700, with missing parents, when absent) the cache
 * directory dir. *out is freed with tl_cache_close. */
vn_err tl_cache_open(const char *dir, tl_cache **out) VN_WUR VN_NONNULL(1, 2);
void tl_cache_close(tl_cache *c);
/* Lower (or raise) the cap on a body read back or stored; default
 * TL_CACHE_MAX_BODY. A stored body over the cap reads as absent. */
void tl_cache_set_max_body(tl_cache *c, size_t max) VN_NONNULL(1);

/* The cache key of url: 64 lowercase hex digits and a NUL into key. */
vn_err tl_cache_key(const char *url, char key[65]) VN_WUR VN_NONNULL(1, 2);

/* The stored copy of url. body is initialised by this call (free it with
 * vn_buf_free whatever the outcome); meta (may be NULL) is initialised too
 * and filled whenever a .meta exists, even without a usable body, so the
 * caller sees last_error / last_attempt.
 * VN_ERR_NOT_FOUND when there is no usable copy: nothing stored, only failure
 * notes, or a damaged entry (unreadable meta, another URL's meta, a missing,
 * oversized or altered body); for a damaged entry meta->problem says which.
 * VN_ERR_IO when the files exist but cannot be read. */
vn_err tl_cache_get(tl_cache *c, const char *url, vn_buf *body, tl_cache_meta *meta)
	VN_WUR VN_NONNULL(1, 2, 3);

/* Store len bytes of body for url, atomically, body then meta. From meta
 * (may be NULL) come etag, last_modified, sequence, fetched_at, verified_at,
 * last_attempt and last_error; url and sha256 are the cache's own. */
vn_err tl_cache_put(tl_cache *c, const char *url, const void *body, size_t len,
		    const tl_cache_meta *meta) VN_WUR VN_NONNULL(1, 2);

/* Record a failed attempt: only last_error and last_attempt change, the
 * stored body (if any) and the rest of its meta are left as they were. */
vn_err tl_cache_note_failure(tl_cache *c, const char *url, const char *reason,
			     vn_time when) VN_WUR VN_NONNULL(1, 2, 3);

/* Record a successful attempt that kept the stored copy (HTTP 304, or the
 * same bytes downloaded again): last_error is cleared, last_attempt and
 * verified_at become when, and etag / last_modified, when not NULL, replace
 * the stored validators (RFC 9111 4.3.4: a 304 freshens them; a publisher
 * that re-uploads the same bytes hands out new ones, and keeping the old
 * ones would make every later conditional GET a full download). The body is
 * untouched. sha256 (lowercase hex) names the body the caller holds:
 * VN_ERR_NOT_FOUND when the stored one differs (replaced meanwhile) or
 * nothing is stored. */
vn_err tl_cache_note_current(tl_cache *c, const char *url, const char *sha256,
			     const char *etag, const char *last_modified, vn_time when)
	VN_WUR VN_NONNULL(1, 2, 3);

/* What to do with a newly fetched list, given the cached one.
 * have_cached: a verified copy is held (cached_seq its sequence number);
 * new_valid: the new download parsed and its signature verified. */
typedef enum tl_cache_decision {
	TL_CACHE_ACCEPT_NEW = 0,	/* store and use the new list */
	TL_CACHE_KEEP_OLD_INVALID,	/* the new one is bad: keep the old one */
	TL_CACHE_KEEP_OLD_ROLLBACK,	/* lower sequence number: a replay; keep the old */
	/* Same sequence number: keep the old one. If the bytes differ the
	 * publisher changed a list without counting (TS 119 612 5.3.3 says
	 * every new issue increments it): the caller reports it. */
	TL_CACHE_KEEP_OLD_SAME,
	TL_CACHE_NONE_VALID		/* nothing held and the new one is bad */
} tl_cache_decision;

/* Pure: the table is in tests/unit/test_tl_cache.c. */
tl_cache_decision tl_cache_decide(int have_cached, uint64_t cached_seq, int new_valid,
				  uint64_t new_seq);
/* "accept-new", "keep-old-invalid", ...; never NULL. */
const char *tl_cache_decision_name(tl_cache_decision d);

#endif
