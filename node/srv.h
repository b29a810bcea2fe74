/* valnode: the node's HTTP server (`valnode serve`), internal interface.
 *
 * libmicrohttpd with an internal thread pool (one thread per core by
 * default) polling with epoll; jansson for JSON. Every response is signed
 * (srv_sig.h). The routes are those of interop/openapi.yaml.
 */
#ifndef SRV_H
#define SRV_H

#include <stdatomic.h>
#include <stddef.h>
#include <jansson.h>
#include <pthread.h>

#include "common/vn_buf.h"
#include "common/vn_err.h"
#include "node/srv_conf.h"
#include "node/srv_metrics.h"
#include "node/srv_req.h"
#include "node/srv_sig.h"
#include "node/srv_trust.h"

struct v_revcache;
struct v_tscache;
struct v_sigmemo;

/* The settings requests read: the configuration without its trust part
 * (which srv_trust owns), swapped as a whole on reload. */
typedef struct srv_settings {
	atomic_uint refs;
	srv_conf conf;			/* conf.trust is empty */
	int offline;			/* from the trust part */
	char *ca_file;			/* owned, from the trust part, or NULL */
} srv_settings;

typedef struct srv srv;

/* What a handler answers; send_reply signs and queues it. */
typedef struct srv_reply {
	unsigned status;
	const char *ctype;		/* static */
	char *body;			/* owned (malloc) */
	size_t len;
	const char *allow;		/* for 405: the methods allowed */
	unsigned retry_after;		/* seconds, for 503; 0: none */
	char verdict[16];		/* for the request log: "TOTAL-PASSED", "-" */
} srv_reply;

/* Make a server from a loaded configuration (taken over, also on error):
 * loads or makes the node key, sets up the trust holder. Nothing listens
 * yet. */
vn_err srv_new(srv_conf *conf, srv **out, char *why, size_t whylen) VN_WUR VN_NONNULL(1, 2);
/* Start the refresher and listen. */
vn_err srv_start(srv *s, char *why, size_t whylen) VN_WUR VN_NONNULL(1);
/* SIGHUP: read the configuration file again; on success the new settings
 * and trust configuration replace the old ones and a refresh runs. The
 * listen address, thread count and connection limits stay until restart. */
void srv_reload(srv *s) VN_NONNULL(1);
/* SIGTERM: stop accepting, let requests in flight finish (up to grace
 * seconds), then stop. */
void srv_stop(srv *s, unsigned grace) VN_NONNULL(1);
void srv_free(srv *s);

/* ---- shared between srv_http.c and srv_routes.c ---- */

struct srv {
	srv_key key;
	srv_trust *trust;
	struct v_revcache *revcache;
	struct v_tscache *tscache;	/* timestamp validations, across requests */
	struct v_sigmemo *sigmemo;	/* OCSP signatures found valid, across requests */
	srv_metrics metrics;
	pthread_mutex_t mu;		/* guards settings */
	srv_settings *settings;
	struct MHD_Daemon *daemon;
	/* The listening socket is ours: one thread accepts and hands each
	 * connection to MHD, which spreads them over its workers (srv_http.c
	 * acceptor). -1 when not listening. */
	int listen_fd;
	pthread_t acceptor;
	int acceptor_running;
	atomic_int stopping;
	char listen_desc[96];
	unsigned char rid_key[16];	/* crypto_shorthash key for request ids */
	atomic_uint_fast64_t rid_counter;
};

srv_settings *srv_settings_acquire(srv *s) VN_NONNULL(1);
void srv_settings_release(srv_settings *st);

/* An RFC 9457 problem: application/problem+json with type
 * "urn:valnode:problem:SLUG", title, status, detail and instance (the
 * request id). */
void srv_problem(srv_reply *out, unsigned status, const char *slug, const char *title,
		 const char *detail, const char *request_id) VN_NONNULL(1, 3, 4, 6);
/* A JSON reply (steals j). */
void srv_json_reply(srv_reply *out, unsigned status, json_t *j) VN_NONNULL(1);
/* A JSON reply already written into b (a streaming writer's, vn_jsonw.h):
 * its data is taken over, b is left empty. */
void srv_buf_reply(srv_reply *out, unsigned status, vn_buf *b) VN_NONNULL(1, 3);

/* The GET routes. arg is the path parameter ({territory}, {id}) or NULL. */
void srv_handle_get(srv *s, srv_settings *st, srv_route r, const char *arg,
		    const char *request_id, srv_reply *out) VN_NONNULL(1, 2, 5, 6);
/* POST /v1/validate and POST /v1/verify; deadline is CLOCK_MONOTONIC
 * seconds. */
void srv_handle_validate(srv *s, srv_settings *st, srv_req_kind kind, const char *body,
			 size_t n, const char *request_id, double deadline, srv_reply *out)
	VN_NONNULL(1, 2, 6, 8);

double srv_monotonic(void);

#endif
