/* libFuzzer harness: the mirror-map parser, the .sha2 content parser and the
 * "is this body a list at all" check of the fetcher. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trustlists/tl_fetch.h"
#include "trustlists/tl_mirror.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tl_mirror *m = NULL;
	unsigned char d[32];
	char why[200], path[TL_MIRROR_PATH_MAX], name[300];
	int found = 0;

	if (tl_mirror_parse((const char *)data, size, "/nonexistent-base", &m, why,
			    sizeof why) == VN_OK) {
		const char *p = tl_mirror_lookup(m, "https://tl.example/tl.xml");

		if (p != NULL && strlen(p) >= TL_MIRROR_PATH_MAX)
			abort();
		if (tl_mirror_resolve(m, "https://tl.example/tl.xml", path, sizeof path,
				      &found) == VN_OK && found && path[0] == '\0')
			abort();
		tl_mirror_free(m);
	} else if (m != NULL) {
		abort();	/* a refusal leaves nothing behind */
	}
	if (tl_sha2_parse(data, size, d) == VN_OK && size != 32 && size < 64)
		abort();
	(void)tl_fetch_check_body(data, size, NULL, why, sizeof why);
	(void)tl_fetch_check_body(data, size, "text/xml", why, sizeof why);
	if (size < 1024) {
		char *s = malloc(size + 1);

		if (s == NULL)
			return 0;
		memcpy(s, data, size);
		s[size] = '\0';
		(void)tl_mirror_mangle(s, name, sizeof name);
		(void)tl_fetch_sha2_url(s, path, sizeof path);
		free(s);
	}
	return 0;
}
