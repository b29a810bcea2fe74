/* valnode: the node's trust, kept fresh in the background.
 *
 * A refresher thread walks every configured scheme (as v_trust_build does,
 * keeping each list's state for /v1/trustlists), builds a new snapshot off
 * the request path and publishes it as a new view: a mutex-protected
 * pointer swap. A request takes a reference to the current view
 * (srv_trust_acquire) and keeps it, whatever is published meanwhile; it
 * never waits for a refresh. A refresh that yields no usable list keeps the
 * previous snapshot in the new view (a bad download never replaces a good
 * list) and says why.
 *
 * Lists are re-fetched at the configured interval and before the earliest
 * NextUpdate of the lists in use (minus before_next_update).
 */
#ifndef SRV_TRUST_H
#define SRV_TRUST_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "common/vn_err.h"
#include "common/vn_time.h"
#include "node/v_config.h"
#include "trustlists/tl_snapshot.h"
#include "trustlists/tl_walk.h"

typedef struct srv_list_info {
	char *scheme, *url, *territory;	/* owned; territory may be NULL */
	tl_kind kind;
	tl_state state;
	tl_update update;
	uint64_t seq;			/* 0: no copy in use */
	vn_time issued, next_update;	/* VN_TIME_NONE when unknown / closed */
	size_t services;
	int from_cache;
	vn_time last_fetch;		/* the refresh that last tried it */
	char *last_error;		/* owned; NULL when the list is valid */
} srv_list_info;

/* One published state of the trust: immutable, reference counted. */
typedef struct srv_view {
	atomic_uint refs;
	tl_snapshot *snap;		/* a reference; NULL before the first good build */
	srv_list_info *lists;		/* owned */
	size_t n;
	vn_time built_at;		/* when snap was built; VN_TIME_NONE: never */
	vn_time attempted_at;		/* the refresh that made this view */
	char *error;			/* owned: why that refresh built no snapshot, or NULL */
	uint64_t generation;		/* 1, 2, ... per publication */
} srv_view;

typedef struct srv_trust srv_trust;

typedef struct srv_trust_stats {
	uint64_t refreshes, refresh_failures, fetch_errors, list_cache_hits, list_fetches;
} srv_trust_stats;

/* A trust holder for cfg (taken over, also on error; freed with the
 * holder). Nothing is walked yet: srv_trust_start runs the refresher,
 * whose first walk is immediate. */
vn_err srv_trust_new(v_trust_cfg *cfg, unsigned interval, unsigned before_next_update,
		     srv_trust **out) VN_WUR VN_NONNULL(1, 4);
vn_err srv_trust_start(srv_trust *t) VN_WUR VN_NONNULL(1);
/* Stop the refresher (waits for a walk in progress) and free everything. */
void srv_trust_free(srv_trust *t);

/* Replace the configuration (taken over) and refresh now (SIGHUP). */
void srv_trust_reconfigure(srv_trust *t, v_trust_cfg *cfg, unsigned interval,
			   unsigned before_next_update) VN_NONNULL(1, 2);
/* Ask for a refresh now. */
void srv_trust_kick(srv_trust *t) VN_NONNULL(1);
/* Run one refresh in the calling thread and publish it (tests, tools). */
vn_err srv_trust_refresh_now(srv_trust *t) VN_WUR VN_NONNULL(1);

/* The current view, with a reference the caller gives back with
 * srv_view_release. Never NULL: before the first walk the view is empty. */
srv_view *srv_trust_acquire(srv_trust *t) VN_NONNULL(1);
void srv_view_release(srv_view *v);

void srv_trust_stats_get(srv_trust *t, srv_trust_stats *out) VN_NONNULL(1, 2);

#endif
