/* libFuzzer harness: raw Mobile-ID signature objects (node/v_raw.c) and
 * detection. The seeds in corpus/fuzz_v_raw/ are objects signed with
 * throwaway test keys (discarded after signing): P-256 with r||s and DER
 * values, RSA PKCS#1 v1.5 and RSASSA-PSS, with hash or data, and broken
 * variants. Invariants: an error leaves nothing allocated in the object and
 * says why; a parsed object always has its signer among its certificates.
 */
#include <stdint.h>
#include <stdlib.h>

#include "node/v_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	v_sigobj o;
	char why[128];
	vn_err e;

	(void)v_detect(data, size);
	e = v_raw_parse(data, size, &o, why, sizeof why);
	if (e == VN_OK) {
		if (o.signer == NULL || o.certs == NULL || sk_X509_num(o.certs) < 1 ||
		    o.format != V_FMT_RAW)
			abort();
		v_sigobj_free(&o);
	} else {
		if (o.signer != NULL || o.certs != NULL || why[0] == '\0')
			abort();
	}
	return 0;
}
