/* valnode: the node's configuration file (`valnode serve --config FILE`).
 *
 * The trust part is v_config.h's format (top-level mirror, cache, offline,
 * ca-file and [scheme NAME] sections), read by v_trust_cfg_load. The node
 * adds three sections, read here; unknown sections and keys are errors with
 * their line. interop/node.conf.example is the commented reference.
 *
 *   [node]
 *   listen = 127.0.0.1:8080      address:port (IPv4) to listen on
 *   id = NAME                    the node's name in /v1/node (default: its keyid)
 *   key = FILE                   Ed25519 key, made 0600 at first start
 *   threads = N                  worker threads; 0 = one per core
 *   log-format = human | json    one line per request either way
 *   log-level = debug | info | warning | error
 *   policies = default           the policies offered (space separated)
 *   [limits]
 *   max-body = 16M               request body cap (k, M suffixes): 413 past it
 *   max-json-depth = 32          deepest nesting a request may have: 400 past it
 *   request-time = 30            seconds of validation work per request: 503 past it
 *   connection-timeout = 30      seconds a connection may idle (slow clients)
 *   max-connections = 256
 *   max-per-ip = 32
 *   [refresh]
 *   interval = 3600              seconds between two refreshes of every list
 *   before-next-update = 3600    re-fetch a list this long before its NextUpdate
 *   max-age = 86400              /readyz fails when the snapshot is older
 */
#ifndef SRV_CONF_H
#define SRV_CONF_H

#include <stddef.h>

#include "common/vn_err.h"
#include "common/vn_log.h"
#include "node/v_config.h"

#define SRV_MAX_POLICIES 16

typedef struct srv_conf {
	char *path;			/* owned: the file, absolute */
	v_trust_cfg trust;		/* owned */
	char listen_addr[64];		/* dotted IPv4 */
	unsigned short port;
	char *id;			/* owned or NULL (keyid) */
	char *key_path;			/* owned, absolute */
	unsigned threads;		/* 0: one per core */
	vn_log_format log_format;
	vn_log_level log_level;
	char policies[SRV_MAX_POLICIES][64];
	size_t npolicies;
	size_t max_body;
	size_t max_json_depth;
	unsigned request_time;		/* seconds */
	unsigned connection_timeout;	/* seconds */
	unsigned max_connections;
	unsigned max_per_ip;
	unsigned key_tables;		/* fixed-base tables for recurring P-256 keys (vn_p256.h) */
	unsigned timestamp_cache;	/* timestamp validations kept (v_tscache.h); 0: none */
	unsigned revocation_memo;	/* OCSP signatures found valid kept (v_sigmemo.h); 0: none */
	unsigned refresh_interval;	/* seconds */
	unsigned before_next_update;	/* seconds */
	unsigned max_age;		/* seconds */
} srv_conf;

void srv_conf_init(srv_conf *c) VN_NONNULL(1);
void srv_conf_free(srv_conf *c);

/* Read the whole file: the trust part and the node's sections. Errors are
 * "file:line: reason" in why. */
vn_err srv_conf_load(const char *path, srv_conf *c, char *why, size_t whylen) VN_WUR
	VN_NONNULL(1, 2);

#endif
