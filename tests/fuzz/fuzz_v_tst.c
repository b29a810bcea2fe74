/* libFuzzer harness: RFC 3161 token validation on arbitrary token bytes,
 * with a fixed imprint input and nothing trusted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "node/v_tst.h"
#include "node/v_tst_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char imprint[] = "the signature value a timestamp covers";
	v_trust trust = {NULL, NULL};
	v_policy pol;
	v_ctx ctx = {&trust, &pol, NULL, NULL};
	v_timestamp ts;
	v_ts_result r;
	vn_findings f;

	v_policy_default(&pol);
	vn_findings_init(&f);
	memset(&ts, 0, sizeof ts);
	ts.token.p = (unsigned char *)(uintptr_t)data;
	ts.token.n = size;
	ts.imprint_input.p = (unsigned char *)(uintptr_t)imprint;
	ts.imprint_input.n = sizeof imprint - 1;
	if (v_ts_validate_ex(&ctx, &ts, VN_TIME_NONE, &r, &f) == VN_OK)
		v_ts_result_free(&r);
	vn_findings_free(&f);
	return 0;
}
