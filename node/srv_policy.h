/* valnode: the validation policies the node offers: the built-in
 * "default" (v_policy_default, EU semantics, no equivalences) and the
 * jurisdiction policies of the policy directory (policies/ID.xml, see
 * policies/pol.h). Every caller goes through srv_policy_find. */
#ifndef SRV_POLICY_H
#define SRV_POLICY_H

#include <stddef.h>
#include <jansson.h>

#include "node/v_engine.h"

struct pol_policy;

typedef struct srv_policy_info {
	const char *id;			/* "default", "eu", ... */
	const char *uri;		/* the same as a URI, for TS 119 442 clients */
	const char *version;
	const char *description;
	const char *digest;		/* SHA-256 of the file; NULL for "default" */
	const struct pol_policy *pol;	/* NULL for "default" */
} srv_policy_info;

/* The policy named id (its short id, its URI, or a path to a policy file;
 * "" means the default) into *out; NULL when there is none or it does not
 * load (the reasons are logged). Loaded policies are kept for the life of
 * the process; the returned pointers stay valid. Thread-safe. */
const srv_policy_info *srv_policy_find(const char *id, v_policy *out) VN_NONNULL(1, 2);

/* The policies the node knows (the default, then the policy directory's
 * files that load), for listing. */
size_t srv_policy_count(void);
const srv_policy_info *srv_policy_at(size_t i);

/* The policy directory: $VALNODE_POLICY_DIR, else policies/ of the source
 * tree the binary was built in (found from /proc/self/exe), else
 * PREFIX/share/valnode/policies. */
const char *srv_policy_dir(void);

/* Fill *out from a loaded policy (its id, version, digest and rules). */
void v_policy_from_pol(v_policy *out, const struct pol_policy *pol) VN_NONNULL(1, 2);

/* {id, uri, version, description, digest, jurisdiction} and, with detail,
 * the constraints the engine applies. A new reference. */
json_t *srv_policy_json(const srv_policy_info *p, int detail) VN_NONNULL(1);

#endif
