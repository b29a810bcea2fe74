/* libFuzzer harness: common/vn_b64.c's decoder against the one-character-
 * at-a-time reference (tests/unit/vn_b64_ref.h). Invariants: for any text
 * and any cap, both give the same answer (decoded, malformed, over the
 * cap) and, decoded, the same bytes, NUL-terminated; what decodes encodes
 * back to a text that decodes to the same bytes.
 *
 * The first two bytes choose the cap (0xFFFF: none), the rest is the
 * text, so that the cap falls before, inside and after any group. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/vn_b64.h"
#include "tests/unit/vn_b64_ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *out = NULL, *ref = NULL, *back = NULL;
	char *enc = NULL;
	size_t max, n = 0, rn = 0, bn = 0;
	const char *s;
	vn_err e, re;

	if (size < 2)
		return 0;
	max = (size_t)data[0] << 8 | data[1];
	if (max == 0xFFFF)
		max = (size_t)-1;
	s = (const char *)data + 2;
	size -= 2;
	ref = malloc(size / 4 * 3 + 3);
	if (ref == NULL)
		return 0;
	re = vn_b64_ref_decode(s, size, max, ref, &rn);
	e = vn_b64_decode(s, size, max, &out, &n);
	if (e == VN_ERR_NOMEM)
		goto out;
	if (e != re)
		abort();
	if (e != VN_OK) {
		if (out != NULL)
			abort();
		goto out;
	}
	if (n != rn || n > max || memcmp(out, ref, n) != 0 || out[n] != '\0')
		abort();
	if (vn_b64_encode(out, n, &enc) != VN_OK)
		goto out;
	if (vn_b64_decode(enc, strlen(enc), n, &back, &bn) != VN_OK || bn != n ||
	    memcmp(back, out, n) != 0)
		abort();
out:
	free(back);
	free(enc);
	free(out);
	free(ref);
	return 0;
}
