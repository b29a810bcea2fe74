/* libFuzzer harness: a policy file is untrusted input. The loader (XSD
 * from policies/valnode-policy.xsd when the harness runs from the source
 * tree, then the semantic rules) on arbitrary bytes; a loaded policy's
 * crypto suite and declared equivalences are exercised; the same bytes
 * also go to the MRA parser and, when it yields a model, the translation. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policies/pol.h"
#include "policies/pol_mra.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *xsd;
	static int init;
	pol_policy *p = NULL;
	pol_mra *m = NULL;
	vn_findings f;
	char *s;
	size_t i;

	if (!init) {
		init = 1;
		xsd = access("policies/valnode-policy.xsd", R_OK) == 0 ? "policies/valnode-policy.xsd" : NULL;
	}
	vn_findings_init(&f);
	if (pol_load_mem(data, size, (size & 1) ? xsd : NULL, &p, &f) == VN_OK) {
		vn_time exp;
		(void)pol_crypto_expiry(p, "SHA-1", "RSA", 2048, &exp);
		(void)pol_crypto_expiry(p, "SHA-256", "ECDSA", 256, &exp);
		for (i = 0; i < p->nequivs; i++) {
			pol_mra *q = NULL;
			if (pol_mra_from_equiv(&p->equivs[i], &q) == VN_OK)
				pol_mra_free(q);
		}
		pol_free(p);
	}
	s = malloc(size + 1);
	if (s != NULL) {
		memcpy(s, data, size);
		s[size] = '\0';
		if (pol_mra_parse(s, &m, &f) == VN_OK) {
			tl_service_entry e;
			pol_qc qc = {1, 1, 1, 0, 0, "ZZ"};
			pol_mapped out;

			memset(&e, 0, sizeof e);
			e.type = "http://uri.etsi.org/TrstSvc/Svctype/CA/QC";
			e.status = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted";
			if (pol_mra_map(m, &e, 1600000000, &qc, 1700000000, &out) == 1)
				pol_mapped_free(&out);
			pol_mra_free(m);
		}
		free(s);
	}
	vn_findings_free(&f);
	return 0;
}
