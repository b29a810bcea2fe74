/* libFuzzer harness: the fast JSON writer (common/vn_jsonw.h) against
 * json_dumps on every tree jansson reads from arbitrary input (and on the
 * input as one raw string): the same text, or both refuse. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "common/vn_jsonw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void compare(const json_t *j)
{
	char *want = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	size_t n = 0;
	char *got = vn_json_dumps(j, &n);

	if ((want == NULL) != (got == NULL))
		abort();
	if (want != NULL && (strcmp(want, got) != 0 || n != strlen(want)))
		abort();
	free(want);
	free(got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	json_t *s = json_stringn_nocheck((const char *)data, size);

	if (j != NULL)
		compare(j);
	if (s != NULL)
		compare(s);
	json_decref(j);
	json_decref(s);
	return 0;
}
