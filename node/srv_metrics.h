/* valnode: the node's counters, rendered as Prometheus text (GET /metrics).
 * Lock-free: relaxed atomics, read without a consistent cut (Prometheus
 * scrapes tolerate that). */
#ifndef SRV_METRICS_H
#define SRV_METRICS_H

#include <stdatomic.h>
#include <stdint.h>

#include "common/vn_buf.h"
#include "common/vn_verdict.h"
#include "node/srv_trust.h"

typedef enum srv_route {
	SRV_R_VALIDATE = 0,
	SRV_R_VERIFY,
	SRV_R_TRUSTLISTS,
	SRV_R_TRUSTLIST,
	SRV_R_POLICIES,
	SRV_R_POLICY,
	SRV_R_NODE,
	SRV_R_HEALTHZ,
	SRV_R_READYZ,
	SRV_R_METRICS,
	SRV_R_OTHER,
	SRV_R__COUNT
} srv_route;

/* The route's label: its path template ("/v1/trustlists/{territory}"). */
const char *srv_route_name(srv_route r);

#define SRV_NSTATUS 12
#define SRV_NBUCKETS 12

typedef struct srv_metrics {
	atomic_uint_fast64_t requests[SRV_R__COUNT][SRV_NSTATUS];
	atomic_uint_fast64_t validations[3];		/* by vn_indication */
	atomic_uint_fast64_t buckets[SRV_NBUCKETS];	/* cumulative at render */
	atomic_uint_fast64_t latency_count, latency_sum_us;
	atomic_uint_fast64_t rev_hits, rev_misses;	/* revocation cache */
	atomic_uint_fast64_t in_flight;
} srv_metrics;

void srv_metrics_init(srv_metrics *m) VN_NONNULL(1);
void srv_metrics_request(srv_metrics *m, srv_route r, unsigned status, uint64_t micros)
	VN_NONNULL(1);
void srv_metrics_validation(srv_metrics *m, vn_indication ind) VN_NONNULL(1);

/* Lookups of what is kept across requests, read from each at render time. */
typedef struct srv_memo_stats {
	uint64_t ts_hits, ts_misses;	/* timestamp validations (v_tscache.h) */
	uint64_t sig_hits, sig_misses;	/* OCSP signatures found valid (v_sigmemo.h) */
} srv_memo_stats;

/* The exposition text: the counters, then the trust view (list states and
 * ages, snapshot age), the refresher's statistics and ms's lookups. */
vn_err srv_metrics_render(const srv_metrics *m, const srv_view *v, const srv_trust_stats *ts,
			  const srv_memo_stats *ms, vn_time now, vn_buf *out)
	VN_WUR VN_NONNULL(1, 2, 3, 4, 6);

#endif
