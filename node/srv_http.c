/* The HTTP plumbing of `valnode serve`: libmicrohttpd set-up, routing,
 * request bodies under their cap, signed responses, the request log, the
 * metrics, reload and drain. The handlers are in srv_routes.c. */
#define _GNU_SOURCE	/* accept4 */
#include "node/srv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "common/vn_findings.h"
#include "common/vn_jsonw.h"
#include "common/vn_log.h"
#include "common/vn_p256.h"
#include "node/v_rev.h"
#include "node/v_sigmemo.h"
#include "node/v_tscache.h"

/* The most body reserved up front from Content-Length (see on_request). */
#define SRV_BODY_RESERVE ((size_t)1 << 20)

/* One request in progress (libmicrohttpd's per-request pointer). */
typedef struct rq {
	srv_route route;
	char arg[136];			/* path parameter */
	char id[20];			/* request id: 16 hex digits */
	char method[8];
	double t0;
	vn_buf body;
	int too_large, answered;
	unsigned status;
	char verdict[16];
	srv_settings *st;		/* a reference for the request's life */
} rq;

double srv_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

srv_settings *srv_settings_acquire(srv *s)
{
	srv_settings *st;

	pthread_mutex_lock(&s->mu);
	st = s->settings;
	atomic_fetch_add(&st->refs, 1);
	pthread_mutex_unlock(&s->mu);
	return st;
}

static void settings_free(srv_settings *st)
{
	srv_conf_free(&st->conf);
	free(st->ca_file);
	free(st);
}

void srv_settings_release(srv_settings *st)
{
	if (st != NULL && atomic_fetch_sub(&st->refs, 1) == 1)
		settings_free(st);
}

/* Settings from a loaded configuration; its trust part is moved to *trust. */
static srv_settings *settings_from(srv_conf *conf, v_trust_cfg *trust)
{
	srv_settings *st = calloc(1, sizeof *st);

	if (st == NULL)
		return NULL;
	atomic_init(&st->refs, 1);
	st->offline = conf->trust.offline;
	if (conf->trust.ca_file != NULL && (st->ca_file = strdup(conf->trust.ca_file)) == NULL) {
		free(st);
		return NULL;
	}
	*trust = conf->trust;
	v_trust_cfg_init(&conf->trust);
	st->conf = *conf;
	srv_conf_init(conf);
	return st;
}

void srv_json_reply(srv_reply *out, unsigned status, json_t *j)
{
	size_t n = 0;
	char *s = j ? vn_json_dumps(j, &n) : NULL;	/* json_dumps' bytes, faster */

	json_decref(j);
	free(out->body);
	out->body = NULL;
	if (s == NULL) {
		static const char oom[] = "{\"type\":\"urn:valnode:problem:internal\",\"title\":\"Internal error\",\"status\":500}";
		out->status = 500;
		out->ctype = "application/problem+json";
		out->body = strdup(oom);
		out->len = out->body ? sizeof oom - 1 : 0;
		return;
	}
	out->status = status;
	out->ctype = "application/json";
	out->body = s;
	out->len = n;
}

void srv_buf_reply(srv_reply *out, unsigned status, vn_buf *b)
{
	size_t n = 0;
	unsigned char *s = vn_buf_steal(b, &n);

	free(out->body);
	out->body = NULL;
	if (s == NULL) {
		srv_json_reply(out, 500, NULL);	/* the answer of no memory */
		return;
	}
	out->status = status;
	out->ctype = "application/json";
	out->body = (char *)s;
	out->len = n;
}

void srv_problem(srv_reply *out, unsigned status, const char *slug, const char *title,
		 const char *detail, const char *request_id)
{
	char type[96], inst[64];

	/* RFC 9457 3.1: type, title, status, detail, instance. */
	snprintf(type, sizeof type, "urn:valnode:problem:%s", slug);
	snprintf(inst, sizeof inst, "urn:valnode:request:%s", request_id);
	srv_json_reply(out, status,
		       json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", type, "title", title, "status",
				 (int)status, "detail", detail ? detail : title, "instance", inst));
	if (out->status == status)
		out->ctype = "application/problem+json";
	snprintf(out->verdict, sizeof out->verdict, "-");
}

/* ---- routing -------------------------------------------------------------- */

static int path_param_ok(const char *p, size_t max)
{
	size_t n = 0;

	for (; *p; p++, n++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_' || *p == '.' || *p == ':'))
			return 0;
	return n > 0 && n <= max;
}

static srv_route route_of(const char *url, char *arg, size_t arglen)
{
	static const struct {
		const char *path;
		srv_route r;
	} exact[] = {
		{"/v1/validate", SRV_R_VALIDATE}, {"/v1/verify", SRV_R_VERIFY},
		{"/v1/trustlists", SRV_R_TRUSTLISTS}, {"/v1/policies", SRV_R_POLICIES},
		{"/v1/node", SRV_R_NODE}, {"/healthz", SRV_R_HEALTHZ},
		{"/readyz", SRV_R_READYZ}, {"/metrics", SRV_R_METRICS},
	};
	size_t i;

	arg[0] = '\0';
	for (i = 0; i < sizeof exact / sizeof exact[0]; i++)
		if (strcmp(url, exact[i].path) == 0)
			return exact[i].r;
	if (strncmp(url, "/v1/trustlists/", 15) == 0 && path_param_ok(url + 15, 16)) {
		snprintf(arg, arglen, "%s", url + 15);
		return SRV_R_TRUSTLIST;
	}
	if (strncmp(url, "/v1/policies/", 13) == 0 && path_param_ok(url + 13, 128)) {
		snprintf(arg, arglen, "%s", url + 13);
		return SRV_R_POLICY;
	}
	return SRV_R_OTHER;
}

static int is_post_route(srv_route r)
{
	return r == SRV_R_VALIDATE || r == SRV_R_VERIFY;
}

/* application/json, with or without parameters (charset=utf-8). */
static int json_ctype(const char *ct)
{
	size_t n = strlen("application/json");

	if (ct == NULL || strncasecmp(ct, "application/json", n) != 0)
		return 0;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

/* ---- sending -------------------------------------------------------------- */

static enum MHD_Result send_reply(srv *s, struct MHD_Connection *c, rq *q, srv_reply *r)
{
	struct MHD_Response *resp;
	srv_sig_headers h;
	enum MHD_Result ret;
	char ra[16];

	if (r->body == NULL)
		srv_problem(r, 500, "internal", "Internal error", "no response was made", q->id);
	if (srv_sign_response(&s->key, r->status, r->ctype, r->body, r->len, (int64_t)time(NULL), &h) !=
	    VN_OK) {
		/* An unsigned answer would break the contract: none at all. */
		vn_error("request %s: the response could not be signed", q->id);
		free(r->body);
		r->body = NULL;
		return MHD_NO;
	}
	resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(r->body);
		r->body = NULL;
		return MHD_NO;
	}
	r->body = NULL;	/* libmicrohttpd frees it */
	MHD_add_response_header(resp, "Content-Type", r->ctype);
	MHD_add_response_header(resp, "Content-Digest", h.content_digest);
	MHD_add_response_header(resp, "Signature-Input", h.signature_input);
	MHD_add_response_header(resp, "Signature", h.signature);
	MHD_add_response_header(resp, "X-Request-Id", q->id);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (r->allow != NULL)
		MHD_add_response_header(resp, "Allow", r->allow);
	if (r->retry_after > 0) {
		snprintf(ra, sizeof ra, "%u", r->retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	ret = MHD_queue_response(c, r->status, resp);
	MHD_destroy_response(resp);
	q->status = r->status;
	q->answered = 1;
	snprintf(q->verdict, sizeof q->verdict, "%s", r->verdict[0] ? r->verdict : "-");
	return ret;
}

static enum MHD_Result answer_problem(srv *s, struct MHD_Connection *c, rq *q, unsigned status,
				      const char *slug, const char *title, const char *detail,
				      const char *allow)
{
	srv_reply r;

	memset(&r, 0, sizeof r);
	srv_problem(&r, status, slug, title, detail, q->id);
	r.allow = allow;
	return send_reply(s, c, q, &r);
}

/* ---- libmicrohttpd callbacks -------------------------------------------- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	srv *s = cls;
	rq *q = *con_cls;
	srv_reply r;
	int is_get, is_post;

	(void)version;
	if (q == NULL) {
		unsigned char rnd[crypto_shorthash_BYTES], ctr[8];
		uint64_t k;
		const char *ct, *cl;

		q = calloc(1, sizeof *q);
		if (q == NULL)
			return MHD_NO;
		*con_cls = q;
		atomic_fetch_add(&s->metrics.in_flight, 1);
		q->t0 = srv_monotonic();
		/* The request id: SipHash of a counter under a key drawn at
		 * start: unique and unguessable without a system call per
		 * request. */
		k = atomic_fetch_add_explicit(&s->rid_counter, 1, memory_order_relaxed);
		for (size_t b = 0; b < sizeof ctr; b++)
			ctr[b] = (unsigned char)(k >> (8 * b));
		crypto_shorthash(rnd, ctr, sizeof ctr, s->rid_key);
		sodium_bin2hex(q->id, sizeof q->id, rnd, sizeof rnd);
		snprintf(q->method, sizeof q->method, "%s", method);
		snprintf(q->verdict, sizeof q->verdict, "-");
		q->st = srv_settings_acquire(s);
		vn_buf_init(&q->body, q->st->conf.max_body);
		q->route = route_of(url, q->arg, sizeof q->arg);
		is_get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
		is_post = strcmp(method, "POST") == 0;
		if (q->route == SRV_R_OTHER)
			return answer_problem(s, c, q, 404, "not-found", "Not found",
					      url[0] == '/' && (strncmp(url, "/v1/trustlists/", 15) == 0 ||
								strncmp(url, "/v1/policies/", 13) == 0)
						      ? "the path parameter is not a valid name"
						      : "no such resource: see interop/openapi.yaml for the API",
					      NULL);
		if (is_post_route(q->route) && !is_post)
			return answer_problem(s, c, q, 405, "method-not-allowed", "Method not allowed",
					      "this resource accepts POST only", "POST");
		if (!is_post_route(q->route) && !is_get)
			return answer_problem(s, c, q, 405, "method-not-allowed", "Method not allowed",
					      "this resource accepts GET and HEAD only", "GET, HEAD");
		if (is_get) {
			memset(&r, 0, sizeof r);
			srv_handle_get(s, q->st, q->route, q->arg[0] ? q->arg : NULL, q->id, &r);
			return send_reply(s, c, q, &r);
		}
		ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
		if (!json_ctype(ct))
			return answer_problem(s, c, q, 415, "unsupported-media-type",
					      "Unsupported media type",
					      "the request body must be application/json", NULL);
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL) {
			unsigned long long len = strtoull(cl, NULL, 10);
			if (len > q->st->conf.max_body) {
				char d[96];
				snprintf(d, sizeof d, "the request body is over the limit of %zu bytes",
					 q->st->conf.max_body);
				return answer_problem(s, c, q, 413, "too-large", "Content too large", d,
						      NULL);
			}
			/* The body in one allocation, copied once, instead of
			 * doubling from 256 bytes as it arrives. A declared
			 * length is not data yet: past SRV_BODY_RESERVE the
			 * buffer grows as before, so that a header alone cannot
			 * hold max_body on every connection. */
			if (vn_buf_reserve(&q->body, len < SRV_BODY_RESERVE ? (size_t)len
									    : SRV_BODY_RESERVE) != VN_OK)
				vn_buf_free(&q->body);	/* no memory now: the appends try again */
		}
		return MHD_YES;
	}
	if (q->answered) {
		/* An early answer: drop whatever body still arrives. */
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (!q->too_large && vn_buf_append(&q->body, upload, *upload_size) != VN_OK) {
			q->too_large = 1;
			vn_buf_free(&q->body);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (q->too_large) {
		char d[96];
		snprintf(d, sizeof d, "the request body is over the limit of %zu bytes",
			 q->st->conf.max_body);
		return answer_problem(s, c, q, 413, "too-large", "Content too large", d, NULL);
	}
	memset(&r, 0, sizeof r);
	srv_handle_validate(s, q->st, q->route == SRV_R_VALIDATE ? SRV_REQ_VALIDATE : SRV_REQ_VERIFY,
			    q->body.data ? (const char *)q->body.data : "", q->body.len, q->id,
			    q->t0 + q->st->conf.request_time, &r);
	vn_buf_free(&q->body);
	return send_reply(s, c, q, &r);
}

/* One line per request: id, method, route, status, verdict, duration.
 * Never the document, the signature or any key. */
static void log_request(const rq *q, double secs)
{
	char ts[VN_TIME_BUFSZ];

	/* A request line is at level info, in either format. */
	if (q->st->conf.log_level > VN_LOG_INFO)
		return;
	if (q->st->conf.log_format == VN_LOG_JSON)
		fprintf(stderr,
			"{\"ts\":\"%s\",\"level\":\"info\",\"msg\":\"request\",\"id\":\"%s\","
			"\"method\":\"%s\",\"route\":\"%s\",\"status\":%u,\"verdict\":\"%s\","
			"\"ms\":%.3f}\n",
			vn_time_format(vn_time_now(), ts), q->id, q->method, srv_route_name(q->route),
			q->status, q->verdict, secs * 1e3);
	else
		fprintf(stderr, "valnode: request %s %s %s %u %s %.3fms\n", q->id, q->method,
			srv_route_name(q->route), q->status, q->verdict, secs * 1e3);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
		    enum MHD_RequestTerminationCode toe)
{
	srv *s = cls;
	rq *q = *con_cls;
	double secs;

	(void)c;
	(void)toe;
	if (q == NULL)
		return;
	secs = srv_monotonic() - q->t0;
	srv_metrics_request(&s->metrics, q->route, q->status, (uint64_t)(secs * 1e6));
	log_request(q, secs);
	vn_buf_free(&q->body);
	srv_settings_release(q->st);
	free(q);
	*con_cls = NULL;
	atomic_fetch_sub(&s->metrics.in_flight, 1);
}

/* ---- life cycle ----------------------------------------------------------- */

vn_err srv_new(srv_conf *conf, srv **out, char *why, size_t whylen)
{
	srv *s = calloc(1, sizeof *s);
	v_trust_cfg trust;
	unsigned tscache_slots, memo_slots;
	int created = 0;
	vn_err e;

	*out = NULL;
	v_trust_cfg_init(&trust);
	if (s == NULL) {
		srv_conf_free(conf);
		return VN_ERR_NOMEM;
	}
	pthread_mutex_init(&s->mu, NULL);
	s->listen_fd = -1;
	srv_metrics_init(&s->metrics);
	if (sodium_init() < 0) {
		srv_conf_free(conf);
		e = VN_ERR_CRYPTO;
		goto fail;
	}
	crypto_shorthash_keygen(s->rid_key);
	atomic_init(&s->rid_counter, 0);
	e = srv_key_load_or_create(conf->key_path, &s->key, &created, why, whylen);
	if (e != VN_OK) {
		srv_conf_free(conf);
		goto fail;
	}
	if (created)
		vn_info("made a new node key in %s (keyid %s)", conf->key_path, s->key.keyid);
	/* Sizes read at start only (settings_from takes the configuration). */
	tscache_slots = conf->timestamp_cache;
	memo_slots = conf->revocation_memo;
	vn_p256_set_max_tables(conf->key_tables);
	s->settings = settings_from(conf, &trust);
	s->revcache = v_revcache_new(4096);
	s->tscache = tscache_slots > 0 ? v_tscache_new(tscache_slots) : NULL;
	s->sigmemo = v_sigmemo_new(memo_slots);	/* NULL for 0: none */
	if (s->settings == NULL || s->revcache == NULL || (tscache_slots > 0 && s->tscache == NULL) ||
	    (memo_slots > 0 && s->sigmemo == NULL)) {
		srv_conf_free(conf);
		v_trust_cfg_free(&trust);
		e = VN_ERR_NOMEM;
		goto fail;
	}
	e = srv_trust_new(&trust, s->settings->conf.refresh_interval,
			  s->settings->conf.before_next_update, &s->trust);
	if (e != VN_OK)
		goto fail;
	*out = s;
	return VN_OK;
fail:
	srv_free(s);
	return e;
}

/* The accepting thread. With a thread pool, each MHD worker accepts from
 * the shared listening socket on its own, and a burst of new connections
 * (a load balancer's or a client's keep-alive pool opening at once) can all
 * land on the first worker awake and stay there for their lifetime: the
 * other cores then idle. Connections accepted here are handed to MHD with
 * MHD_add_connection, which places each on the pool's workers in turn
 * (from the socket's number), within the per-worker and per-IP limits. */
static void *acceptor_main(void *arg)
{
	srv *s = arg;

	while (!atomic_load(&s->stopping)) {
		struct sockaddr_storage sa;
		socklen_t len = sizeof sa;
		/* non-blocking from the start: a worker must never wait on
		 * one client's socket */
		int fd = accept4(s->listen_fd, (struct sockaddr *)&sa, &len,
				 SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd < 0) {
			if (atomic_load(&s->stopping))
				break;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				usleep(10000);	/* out of descriptors: let some close */
			continue;	/* EINTR, ECONNABORTED and the like */
		}
		/* MHD owns fd from here, closing it when it cannot take it. */
		(void)MHD_add_connection(s->daemon, fd, (const struct sockaddr *)&sa, len);
	}
	return NULL;
}

/* Stop accepting: the thread leaves accept() when the socket is shut down. */
static void acceptor_stop(srv *s)
{
	atomic_store(&s->stopping, 1);
	if (s->listen_fd >= 0)
		(void)shutdown(s->listen_fd, SHUT_RDWR);
	if (s->acceptor_running) {
		pthread_join(s->acceptor, NULL);
		s->acceptor_running = 0;
	}
	if (s->listen_fd >= 0) {
		close(s->listen_fd);
		s->listen_fd = -1;
	}
}

vn_err srv_start(srv *s, char *why, size_t whylen)
{
	const srv_conf *c = &s->settings->conf;
	struct sockaddr_in sa;
	unsigned threads = c->threads;
	int one = 1;
	vn_err e;

	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 && n < 256 ? (unsigned)n : 2;
	}
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(c->port);
	if (inet_pton(AF_INET, c->listen_addr, &sa.sin_addr) != 1) {
		snprintf(why, whylen, "listen address %s is not IPv4", c->listen_addr);
		return VN_ERR_ARG;
	}
	s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0 ||
	    setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(s->listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    listen(s->listen_fd, SOMAXCONN) != 0) {
		if (s->listen_fd >= 0)
			close(s->listen_fd);
		s->listen_fd = -1;
		snprintf(why, whylen, "cannot listen on %s:%u (in use, or not an address of this host)",
			 c->listen_addr, (unsigned)c->port);
		return VN_ERR_UNAVAILABLE;
	}
	e = srv_trust_start(s->trust);
	if (e != VN_OK) {
		acceptor_stop(s);
		snprintf(why, whylen, "cannot start the trust refresher");
		return e;
	}
	/* MHD_USE_ITC: MHD_add_connection from another thread wakes a worker. */
	s->daemon = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_NO_LISTEN_SOCKET, 0, NULL, NULL,
		on_request, s,
		MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_CONNECTION_TIMEOUT, c->connection_timeout,
		MHD_OPTION_CONNECTION_LIMIT, c->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, c->max_per_ip,
		MHD_OPTION_NOTIFY_COMPLETED, on_done, s,
		MHD_OPTION_END);
	if (s->daemon == NULL) {
		acceptor_stop(s);
		snprintf(why, whylen, "cannot start the HTTP workers on %s:%u", c->listen_addr,
			 (unsigned)c->port);
		return VN_ERR_UNAVAILABLE;
	}
	atomic_store(&s->stopping, 0);
	if (pthread_create(&s->acceptor, NULL, acceptor_main, s) != 0) {
		acceptor_stop(s);
		MHD_stop_daemon(s->daemon);
		s->daemon = NULL;
		snprintf(why, whylen, "cannot start the accepting thread");
		return VN_ERR_NOMEM;
	}
	s->acceptor_running = 1;
	snprintf(s->listen_desc, sizeof s->listen_desc, "http://%s:%u", c->listen_addr,
		 (unsigned)c->port);
	vn_info("listening on %s (%u threads, epoll); node keyid %s", s->listen_desc, threads,
		s->key.keyid);
	return VN_OK;
}

void srv_reload(srv *s)
{
	srv_settings *st, *old;
	srv_conf conf;
	v_trust_cfg trust;
	char why[512] = "";
	const char *path;

	srv_conf_init(&conf);
	v_trust_cfg_init(&trust);
	st = srv_settings_acquire(s);
	path = st->conf.path;
	if (srv_conf_load(path, &conf, why, sizeof why) != VN_OK) {
		vn_error("reload: %s; the running configuration stays", why);
		srv_conf_free(&conf);
		srv_settings_release(st);
		return;
	}
	if (strcmp(conf.listen_addr, st->conf.listen_addr) != 0 || conf.port != st->conf.port ||
	    conf.threads != st->conf.threads || conf.max_connections != st->conf.max_connections ||
	    conf.max_per_ip != st->conf.max_per_ip ||
	    conf.connection_timeout != st->conf.connection_timeout ||
	    strcmp(conf.key_path, st->conf.key_path) != 0)
		vn_warn("reload: listen, threads, key and connection limits change at restart only");
	srv_settings_release(st);
	st = settings_from(&conf, &trust);
	if (st == NULL) {
		vn_error("reload: out of memory; the running configuration stays");
		srv_conf_free(&conf);
		v_trust_cfg_free(&trust);
		return;
	}
	srv_trust_reconfigure(s->trust, &trust, st->conf.refresh_interval,
			      st->conf.before_next_update);
	pthread_mutex_lock(&s->mu);
	old = s->settings;
	s->settings = st;
	pthread_mutex_unlock(&s->mu);
	srv_settings_release(old);
	vn_info("reload: configuration read again; refreshing the trust");
}

void srv_stop(srv *s, unsigned grace)
{
	double until = srv_monotonic() + grace;

	if (s->daemon == NULL)
		return;
	/* Stop accepting; connections already open finish their request. */
	acceptor_stop(s);
	while (atomic_load(&s->metrics.in_flight) > 0 && srv_monotonic() < until)
		usleep(20000);
	if (atomic_load(&s->metrics.in_flight) > 0)
		vn_warn("stopping with %" PRIu64 " requests still in flight",
			(uint64_t)atomic_load(&s->metrics.in_flight));
	MHD_stop_daemon(s->daemon);
	s->daemon = NULL;
}

void srv_free(srv *s)
{
	if (s == NULL)
		return;
	acceptor_stop(s);
	if (s->daemon != NULL)
		MHD_stop_daemon(s->daemon);
	srv_trust_free(s->trust);
	v_revcache_free(s->revcache);
	v_tscache_free(s->tscache);
	v_sigmemo_free(s->sigmemo);
	srv_settings_release(s->settings);
	srv_key_free(&s->key);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
