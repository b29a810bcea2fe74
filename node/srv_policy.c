#include "node/srv_policy.h"

#include <string.h>

static const srv_policy_info policies[] = {
	{"default", "urn:valnode:policy:default", "1",
	 "The built-in policy: EN 319 102-1 validation against the node's trusted lists, "
	 "TS 119 615 qualification, TS 119 312 key sizes (RSA 1900 bits, EC 256 bits), "
	 "revocation no older than 7 days when no nextUpdate is given, no timestamp required."},
};

const srv_policy_info *srv_policy_find(const char *id, v_policy *out)
{
	size_t i;

	for (i = 0; i < sizeof policies / sizeof policies[0]; i++)
		if ((id[0] == '\0' && i == 0) || strcmp(id, policies[i].id) == 0 ||
		    strcmp(id, policies[i].uri) == 0) {
			/* One engine policy for now; the jurisdiction layer will
			 * fill *out from the policy file instead. */
			v_policy_default(out);
			return &policies[i];
		}
	return NULL;
}

size_t srv_policy_count(void)
{
	return sizeof policies / sizeof policies[0];
}

const srv_policy_info *srv_policy_at(size_t i)
{
	return i < srv_policy_count() ? &policies[i] : NULL;
}

json_t *srv_policy_json(const srv_policy_info *p, int detail)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s}", "id", p->id, "uri", p->uri, "version",
			      p->version, "description", p->description);
	v_policy v;

	if (j != NULL && detail && srv_policy_find(p->id, &v) != NULL)
		json_object_set_new(j, "constraints",
				    json_pack("{s:b, s:I, s:I, s:b, s:i, s:i, s:I}",
					      "onlineRevocation", v.online_revocation,
					      "revocationTimeoutMs", (json_int_t)v.revocation_timeout_ms,
					      "maxRevocationAgeSeconds", (json_int_t)v.max_revocation_age,
					      "requireTimestamp", v.require_timestamp,
					      "minRsaBits", v.min_rsa_bits, "minEcBits", v.min_ec_bits,
					      "maxChain", (json_int_t)v.max_chain));
	return j;
}
