/* valnode: the validation policies the node offers. Only the built-in
 * "default" exists now (v_policy_default); jurisdiction policies will be
 * looked up here too, so every caller goes through srv_policy_find. */
#ifndef SRV_POLICY_H
#define SRV_POLICY_H

#include <stddef.h>
#include <jansson.h>

#include "node/v_engine.h"

typedef struct srv_policy_info {
	const char *id;			/* "default" */
	const char *uri;		/* the same as a URI, for TS 119 442 clients */
	const char *version;
	const char *description;
} srv_policy_info;

/* The policy named id (its short id or its URI; "" means the default)
 * into *out; NULL when there is none. */
const srv_policy_info *srv_policy_find(const char *id, v_policy *out) VN_NONNULL(1, 2);

/* The policies the node knows, for listing. */
size_t srv_policy_count(void);
const srv_policy_info *srv_policy_at(size_t i);

/* {id, uri, version, description} and, with detail, the constraints the
 * engine applies. A new reference. */
json_t *srv_policy_json(const srv_policy_info *p, int detail) VN_NONNULL(1);

#endif
