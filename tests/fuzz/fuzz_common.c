/* libFuzzer harness: the strict date-time and base64 parsers of common/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/vn_b64.h"
#include "common/vn_time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	unsigned char *out = NULL;
	size_t n;
	vn_time t;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (vn_time_parse(s, VN_TIME_RFC3339, &t) == VN_OK &&
	    t > -62135596800 + 86400 && t < 253402300800 - 86400) {
		char buf[VN_TIME_BUFSZ];
		vn_time t2;
		/* what parses must survive a round trip */
		if (vn_time_parse(vn_time_format(t, buf), VN_TIME_RFC3339, &t2) != VN_OK ||
		    t2 != t)
			abort();
	}
	(void)vn_time_parse(s, VN_TIME_XSD, &t);
	if (vn_b64_decode(s, size, 1 << 20, &out, &n) == VN_OK) {
		char *enc = NULL;
		if (vn_b64_encode(out, n, &enc) != VN_OK)
			abort();
		free(enc);
		free(out);
	}
	free(s);
	return 0;
}
