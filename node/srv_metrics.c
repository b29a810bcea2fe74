#include "node/srv_metrics.h"

#include <inttypes.h>
#include <string.h>

#include "common/vn_p256.h"
#include "trustlists/tl_walk.h"

static const unsigned statuses[SRV_NSTATUS] = {200, 400, 404, 405, 413, 415,
					       422, 500, 503, 204, 408, 0};
/* Upper bounds of the latency histogram, in microseconds. */
static const uint64_t bounds_us[SRV_NBUCKETS - 1] = {1000,   5000,   10000,  25000,  50000, 100000,
						     250000, 500000, 1000000, 2500000, 10000000};

const char *srv_route_name(srv_route r)
{
	static const char *const names[SRV_R__COUNT] = {
		"/v1/validate",	    "/v1/verify",	   "/v1/trustlists", "/v1/trustlists/{territory}",
		"/v1/policies",	    "/v1/policies/{id}", "/v1/node",	     "/healthz",
		"/readyz",	    "/metrics",	   "other"};
	return (unsigned)r < SRV_R__COUNT ? names[r] : "other";
}

void srv_metrics_init(srv_metrics *m)
{
	memset(m, 0, sizeof *m);
}

void srv_metrics_request(srv_metrics *m, srv_route r, unsigned status, uint64_t micros)
{
	size_t i;

	for (i = 0; i < SRV_NSTATUS - 1 && statuses[i] != status; i++)
		;
	if ((unsigned)r >= SRV_R__COUNT)
		r = SRV_R_OTHER;
	atomic_fetch_add_explicit(&m->requests[r][i], 1, memory_order_relaxed);
	for (i = 0; i < SRV_NBUCKETS - 1 && micros > bounds_us[i]; i++)
		;
	atomic_fetch_add_explicit(&m->buckets[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->latency_count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->latency_sum_us, micros, memory_order_relaxed);
}

void srv_metrics_validation(srv_metrics *m, vn_indication ind)
{
	if ((unsigned)ind < 3)
		atomic_fetch_add_explicit(&m->validations[ind], 1, memory_order_relaxed);
}

/* A label value: the characters Prometheus needs escaped are escaped. */
static vn_err label(vn_buf *b, const char *s)
{
	vn_err e = VN_OK;

	for (; s && *s && e == VN_OK; s++) {
		if (*s == '\\' || *s == '"')
			e = vn_buf_printf(b, "\\%c", *s);
		else if (*s == '\n')
			e = vn_buf_append_str(b, "\\n");
		else
			e = vn_buf_append(b, s, 1);
	}
	return e;
}

#define P(...)                                            \
	do {                                              \
		if ((e = vn_buf_printf(out, __VA_ARGS__)) != VN_OK) \
			return e;                         \
	} while (0)
#define L(s)                                     \
	do {                                     \
		if ((e = label(out, (s))) != VN_OK) \
			return e;                \
	} while (0)

static double ratio(uint64_t hits, uint64_t misses)
{
	return hits + misses ? (double)hits / (double)(hits + misses) : 0.0;
}

vn_err srv_metrics_render(const srv_metrics *m, const srv_view *v, const srv_trust_stats *ts,
			  const srv_memo_stats *ms, vn_time now, vn_buf *out)
{
	static const char *const ind[3] = {"TOTAL-PASSED", "TOTAL-FAILED", "INDETERMINATE"};
	uint64_t cum = 0, hits, misses;
	size_t r, i;
	vn_err e;

	P("# HELP valnode_http_requests_total HTTP requests by route and status.\n"
	  "# TYPE valnode_http_requests_total counter\n");
	for (r = 0; r < SRV_R__COUNT; r++)
		for (i = 0; i < SRV_NSTATUS; i++) {
			uint64_t n = atomic_load_explicit(&m->requests[r][i], memory_order_relaxed);
			if (n == 0)
				continue;
			if (statuses[i] != 0)
				P("valnode_http_requests_total{route=\"%s\",status=\"%u\"} %" PRIu64 "\n",
				  srv_route_name((srv_route)r), statuses[i], n);
			else
				P("valnode_http_requests_total{route=\"%s\",status=\"other\"} %" PRIu64 "\n",
				  srv_route_name((srv_route)r), n);
		}
	P("# HELP valnode_validations_total Signatures validated, by EN 319 102-1 indication.\n"
	  "# TYPE valnode_validations_total counter\n");
	for (i = 0; i < 3; i++)
		P("valnode_validations_total{indication=\"%s\"} %" PRIu64 "\n", ind[i],
		  (uint64_t)atomic_load_explicit(&m->validations[i], memory_order_relaxed));
	P("# HELP valnode_request_duration_seconds Time from request to response.\n"
	  "# TYPE valnode_request_duration_seconds histogram\n");
	for (i = 0; i < SRV_NBUCKETS; i++) {
		cum += atomic_load_explicit(&m->buckets[i], memory_order_relaxed);
		if (i < SRV_NBUCKETS - 1)
			P("valnode_request_duration_seconds_bucket{le=\"%g\"} %" PRIu64 "\n",
			  (double)bounds_us[i] / 1e6, cum);
		else
			P("valnode_request_duration_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n", cum);
	}
	P("valnode_request_duration_seconds_sum %.6f\n",
	  (double)atomic_load_explicit(&m->latency_sum_us, memory_order_relaxed) / 1e6);
	P("valnode_request_duration_seconds_count %" PRIu64 "\n",
	  (uint64_t)atomic_load_explicit(&m->latency_count, memory_order_relaxed));
	P("# HELP valnode_http_in_flight Requests being served.\n"
	  "# TYPE valnode_http_in_flight gauge\n"
	  "valnode_http_in_flight %" PRIu64 "\n",
	  (uint64_t)atomic_load_explicit(&m->in_flight, memory_order_relaxed));

	P("# HELP valnode_trustlist_state Each list met by the last refresh; 1 for its state.\n"
	  "# TYPE valnode_trustlist_state gauge\n");
	for (i = 0; i < v->n; i++) {
		P("valnode_trustlist_state{scheme=\"");
		L(v->lists[i].scheme);
		P("\",territory=\"");
		L(v->lists[i].territory ? v->lists[i].territory : "");
		P("\",kind=\"%s\",url=\"", tl_kind_name(v->lists[i].kind));
		L(v->lists[i].url);
		P("\",state=\"%s\"} 1\n", tl_state_name(v->lists[i].state));
	}
	P("# HELP valnode_trustlist_age_seconds Time since the list in use was issued.\n"
	  "# TYPE valnode_trustlist_age_seconds gauge\n");
	for (i = 0; i < v->n; i++) {
		if (v->lists[i].issued == VN_TIME_NONE)
			continue;
		P("valnode_trustlist_age_seconds{scheme=\"");
		L(v->lists[i].scheme);
		P("\",url=\"");
		L(v->lists[i].url);
		P("\"} %" PRId64 "\n", now - v->lists[i].issued);
	}
	P("# HELP valnode_trustlist_next_update_seconds Time until the NextUpdate of the list in use.\n"
	  "# TYPE valnode_trustlist_next_update_seconds gauge\n");
	for (i = 0; i < v->n; i++) {
		if (v->lists[i].next_update == VN_TIME_NONE)
			continue;
		P("valnode_trustlist_next_update_seconds{scheme=\"");
		L(v->lists[i].scheme);
		P("\",url=\"");
		L(v->lists[i].url);
		P("\"} %" PRId64 "\n", v->lists[i].next_update - now);
	}
	P("# HELP valnode_snapshot_age_seconds Time since the trust snapshot in use was built.\n"
	  "# TYPE valnode_snapshot_age_seconds gauge\n");
	if (v->built_at != VN_TIME_NONE)
		P("valnode_snapshot_age_seconds %" PRId64 "\n", now - v->built_at);
	P("# HELP valnode_snapshot_generation Publications of a trust view since start.\n"
	  "# TYPE valnode_snapshot_generation gauge\n"
	  "valnode_snapshot_generation %" PRIu64 "\n", v->generation);
	P("# HELP valnode_trust_refreshes_total Refreshes of the trust, and those that built no snapshot.\n"
	  "# TYPE valnode_trust_refreshes_total counter\n"
	  "valnode_trust_refreshes_total %" PRIu64 "\n"
	  "# TYPE valnode_trust_refresh_failures_total counter\n"
	  "valnode_trust_refresh_failures_total %" PRIu64 "\n",
	  ts->refreshes, ts->refresh_failures);
	P("# HELP valnode_trustlist_fetch_errors_total List fetches that failed or were refused.\n"
	  "# TYPE valnode_trustlist_fetch_errors_total counter\n"
	  "valnode_trustlist_fetch_errors_total %" PRIu64 "\n", ts->fetch_errors);
	P("# HELP valnode_cache_requests_total Cache lookups by cache and result.\n"
	  "# TYPE valnode_cache_requests_total counter\n"
	  "valnode_cache_requests_total{cache=\"trustlist\",result=\"hit\"} %" PRIu64 "\n"
	  "valnode_cache_requests_total{cache=\"trustlist\",result=\"miss\"} %" PRIu64 "\n",
	  ts->list_cache_hits, ts->list_fetches - ts->list_cache_hits);
	hits = atomic_load_explicit(&m->rev_hits, memory_order_relaxed);
	misses = atomic_load_explicit(&m->rev_misses, memory_order_relaxed);
	P("valnode_cache_requests_total{cache=\"revocation\",result=\"hit\"} %" PRIu64 "\n"
	  "valnode_cache_requests_total{cache=\"revocation\",result=\"miss\"} %" PRIu64 "\n"
	  "valnode_cache_requests_total{cache=\"timestamp\",result=\"hit\"} %" PRIu64 "\n"
	  "valnode_cache_requests_total{cache=\"timestamp\",result=\"miss\"} %" PRIu64 "\n"
	  "valnode_cache_requests_total{cache=\"revocation-memo\",result=\"hit\"} %" PRIu64 "\n"
	  "valnode_cache_requests_total{cache=\"revocation-memo\",result=\"miss\"} %" PRIu64 "\n"
	  "# HELP valnode_cache_hit_ratio Hits over lookups, per cache (0 before any lookup).\n"
	  "# TYPE valnode_cache_hit_ratio gauge\n"
	  "valnode_cache_hit_ratio{cache=\"trustlist\"} %.4f\n"
	  "valnode_cache_hit_ratio{cache=\"revocation\"} %.4f\n"
	  "valnode_cache_hit_ratio{cache=\"timestamp\"} %.4f\n"
	  "valnode_cache_hit_ratio{cache=\"revocation-memo\"} %.4f\n",
	  hits, misses, ms->ts_hits, ms->ts_misses, ms->sig_hits, ms->sig_misses,
	  ts->list_fetches ? (double)ts->list_cache_hits / (double)ts->list_fetches : 0.0,
	  ratio(hits, misses), ratio(ms->ts_hits, ms->ts_misses),
	  ratio(ms->sig_hits, ms->sig_misses));
	P("# HELP valnode_key_tables Fixed-base tables built for recurring P-256 keys.\n"
	  "# TYPE valnode_key_tables gauge\n"
	  "valnode_key_tables %zu\n", vn_p256_tables());
	P("# HELP valnode_key_table_takeovers_total Key tables taken over from a key unused for a period.\n"
	  "# TYPE valnode_key_table_takeovers_total counter\n"
	  "valnode_key_table_takeovers_total %zu\n", vn_p256_table_evictions());
	return VN_OK;
}
