/* valnode: the trust snapshot, the verified union of every scheme's lists.
 *
 * Immutable once built, shared by reference count between the refresher
 * that builds the next one and any number of concurrent readers. It owns the
 * tl_list models given to it. Indexed by certificate (public key, SKI,
 * subject), territory and service type.
 */
#ifndef TL_SNAPSHOT_H
#define TL_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/x509.h>

#include "common/vn_err.h"
#include "common/vn_time.h"
#include "trustlists/tl_model.h"

/* One service of one list, as the snapshot knows it. */
typedef struct tl_snap_service {
	const char *scheme;		/* the configured scheme it came through */
	const char *url;		/* where the list was fetched from */
	const tl_list *list;		/* owned by the snapshot */
	const tl_tsp *tsp;
	const tl_service *service;	/* entries[0] current, then history */
} tl_snap_service;

typedef enum tl_match_kind {
	TL_MATCH_CERT = 0,	/* the certificate itself (same DER) is listed */
	TL_MATCH_KEY,		/* a listed certificate has the same public key */
	TL_MATCH_SKI,		/* a listed X509SKI equals the certificate's SKI */
	TL_MATCH_SUBJECT	/* a listed certificate has this subject name
				 * (tl_snapshot_find_by_subject only) */
} tl_match_kind;

typedef struct tl_snap_match {
	const tl_snap_service *svc;
	const tl_service_entry *entry;	/* the interval in force at the asked time,
					 * or NULL when none covers it */
	tl_match_kind kind;
} tl_snap_match;

typedef struct tl_snapshot tl_snapshot;
typedef struct tl_snapshot_builder tl_snapshot_builder;

tl_snapshot_builder *tl_snapshot_builder_new(void);
/* Add a verified list; the builder takes ownership of list (also on error).
 * scheme and url are copied. */
vn_err tl_snapshot_builder_add(tl_snapshot_builder *b, tl_list *list, const char *scheme,
			       const char *url) VN_WUR VN_NONNULL(1, 2);
/* Build the snapshot and free the builder (always). */
vn_err tl_snapshot_build(tl_snapshot_builder *b, tl_snapshot **out) VN_WUR VN_NONNULL(1, 2);
void tl_snapshot_builder_free(tl_snapshot_builder *b);

/* Reference counting: _ref returns s; _unref frees on the last reference.
 * Both are safe from any thread; _unref(NULL) is a no-op. */
tl_snapshot *tl_snapshot_ref(tl_snapshot *s);
void tl_snapshot_unref(tl_snapshot *s);

/* Which services vouch for this certificate: fills up to max matches (each
 * with the history interval in force at `at`, or NULL) and returns how many
 * were found in all (which may exceed max). The pointers stay valid while
 * the caller holds a reference to s. */
size_t tl_snapshot_find(const tl_snapshot *s, X509 *cert, vn_time at, tl_snap_match *out,
			size_t max) VN_NONNULL(1, 2);

/* Which services list a certificate whose subject is name (DER-equal), for
 * finding an issuer the signature does not carry: fills up to max matches
 * (kind TL_MATCH_SUBJECT, entry NULL: the caller looks through the
 * service's entries for the certificates with that subject and decides
 * the interval itself) and returns how many were found in all. */
size_t tl_snapshot_find_by_subject(const tl_snapshot *s, const X509_NAME *name,
				   tl_snap_match *out, size_t max) VN_NONNULL(1, 2);

/* All services, sorted by territory then service type (current entry). */
const tl_snap_service *tl_snapshot_services(const tl_snapshot *s, size_t *n) VN_NONNULL(1, 2);
/* The contiguous run of services of one territory (NULL, *n = 0 if none). */
const tl_snap_service *tl_snapshot_by_territory(const tl_snapshot *s, const char *territory,
						size_t *n) VN_NONNULL(1, 2, 3);
size_t tl_snapshot_nlists(const tl_snapshot *s) VN_NONNULL(1);
/* A number no other snapshot of this process has (unlike its address,
 * which a later snapshot may reuse): for caches keyed by snapshot. */
uint64_t tl_snapshot_id(const tl_snapshot *s) VN_NONNULL(1);
const tl_list *tl_snapshot_list(const tl_snapshot *s, size_t i) VN_NONNULL(1);

/* The interval of a service in force at time t: start <= t < end (an open
 * end for the current entry); NULL when no interval covers t. */
const tl_service_entry *tl_service_at(const tl_service *svc, vn_time t) VN_NONNULL(1);

#endif
