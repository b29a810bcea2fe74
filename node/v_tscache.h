/* valnode: a cache of timestamp-token validations (EN 319 102-1 5.4).
 *
 * A CAdES-T/LT/LTA signature brings the same tokens with every request,
 * and decoding and verifying a token (its CMS, the TSA certificate, its
 * chain to a TSA service) costs several signature verifications. What
 * v_ts_validate decides is a function of the exact bytes it reads (the
 * token's DER, the covered bytes and their alternative reading, the kind)
 * and of the trust snapshot the TSA path is built in; the validation time
 * only adds a warning when genTime is later, which is left out of what is
 * stored and added at every use. So the outcome is kept keyed by those
 * bytes, compared in full, and by the snapshot (the entry holds a
 * reference to it, so a pointer cannot come back as another snapshot).
 *
 * Direct-mapped on a hash of the key's ends (a colliding entry replaces the
 * older one: bounded by the slot count), thread-safe (one mutex around a
 * slot copy; no validation work under it). Used only with a snapshot and
 * no bare anchors (v_ts_validate_ex decides).
 */
#ifndef V_TSCACHE_H
#define V_TSCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "common/vn_findings.h"
#include "node/v_engine.h"
#include "node/v_sigobj.h"

typedef struct v_tscache v_tscache;

#define V_TSCACHE_MAX_KEY ((size_t)512 << 10)	/* larger inputs are not cached */

/* A cache of at most slots entries (at least 1); NULL when out of memory. */
v_tscache *v_tscache_new(size_t slots);
void v_tscache_free(v_tscache *c);

/* The stored outcome for ts under snap: 1 and out filled (out->tsa a new
 * reference; free with v_ts_result_free) with the stored findings appended
 * to f (may be NULL); 0 on a miss (out untouched). */
int v_tscache_get(v_tscache *c, const tl_snapshot *snap, const v_timestamp *ts, v_ts_result *out,
		  vn_findings *f) VN_NONNULL(1, 2, 3, 4);
/* Store the outcome r and findings f (may be NULL) of ts under snap. A
 * failure to store (memory, a key over V_TSCACHE_MAX_KEY) is silent: the
 * next lookup misses. */
void v_tscache_put(v_tscache *c, tl_snapshot *snap, const v_timestamp *ts, const v_ts_result *r,
		   const vn_findings *f) VN_NONNULL(1, 2, 3, 4);
/* Lookups that hit and missed since creation. */
void v_tscache_stats(v_tscache *c, uint64_t *hits, uint64_t *misses) VN_NONNULL(1, 2, 3);

#endif
