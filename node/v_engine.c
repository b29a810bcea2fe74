#include "node/v_engine.h"

#include <stdlib.h>
#include <string.h>

void v_policy_default(v_policy *p)
{
	memset(p, 0, sizeof *p);
	p->id = "default";
	p->version = "1";
	p->online_revocation = 1;
	p->revocation_timeout_ms = 5000;
	p->max_revocation_age = 7 * 86400;
	p->require_timestamp = 0;
	p->min_rsa_bits = 1900;
	p->min_ec_bits = 256;
	p->max_chain = 8;
}

const char *v_qual_name(v_qual q)
{
	static const char *const names[] = {"QESig",   "QESeal",  "AdESig-QC", "AdESeal-QC",
					    "AdESig",  "AdESeal", "NotAdES",   "Indeterminate"};

	return (unsigned)q < sizeof names / sizeof names[0] ? names[q] : "Indeterminate";
}

void v_result_init(v_result *r)
{
	memset(r, 0, sizeof *r);
	r->indication = VN_IND_INDETERMINATE;
	r->qualification = V_QUAL_INDETERMINATE;
	r->claimed_time = VN_TIME_NONE;
	r->best_signature_time = VN_TIME_NONE;
	r->validation_time = VN_TIME_NONE;
	r->revocation.status = V_REV_UNKNOWN;
	r->revocation.revocation_time = VN_TIME_NONE;
	r->revocation.this_update = VN_TIME_NONE;
	r->revocation.next_update = VN_TIME_NONE;
	r->revocation.produced_at = VN_TIME_NONE;
	r->revocation.reason = -1;
	vn_findings_init(&r->findings);
}

void v_result_free(v_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	X509_free(r->signer);
	sk_X509_pop_free(r->chain, X509_free);
	for (i = 0; i < r->ntimestamps; i++)
		X509_free(r->timestamps[i].tsa);
	free(r->timestamps);
	vn_findings_free(&r->findings);
	v_result_init(r);
}
