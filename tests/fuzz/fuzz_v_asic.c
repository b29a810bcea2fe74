/* libFuzzer harness: ASiC containers (node/v_asic.c) and detection.
 *
 * The seeds in corpus/fuzz_v_asic/ are small containers zipped for the
 * purpose: ASiC-E with a CAdES signature (a throwaway P-256 key, discarded
 * after signing) over an ASiCManifest, ASiC-E with XAdES structure, ASiC-S
 * with a timestamp file, a container without mimetype. Invariants: only the
 * documented errors, an error leaves the container empty, every signature
 * has a unique id and a signature file, every covered name is a data file,
 * and everything is freed cleanly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "node/v_asic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_file(const v_container *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nfiles; i++)
		if (strcmp(c->files[i].name, name) == 0)
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	v_container c;
	char why[256];
	size_t i, j;
	vn_err e;

	(void)v_detect(data, size);
	e = v_asic_parse(data, size, &c, why, sizeof why);
	if (e != VN_OK) {
		if (e != VN_ERR_MALFORMED && e != VN_ERR_TOO_LARGE && e != VN_ERR_NOMEM)
			abort();
		if (c.nsigs != 0 || c.nfiles != 0 || c.sigs != NULL || c.files != NULL)
			abort();
		return 0;
	}
	if (c.nsigs > V_MAX_SIGNATURES || (c.nsigs > 0 && c.sigfile == NULL))
		abort();
	for (i = 0; i < c.nsigs; i++) {
		if (c.sigfile[i][0] == '\0' || strncmp(c.sigfile[i], "META-INF/", 9) != 0)
			abort();
		for (j = 0; j < i; j++)
			if (strcmp(c.sigs[i].id, c.sigs[j].id) == 0)
				abort();
		for (j = 0; j < c.sigs[i].ncovered; j++)
			if (!is_file(&c, c.sigs[i].covered[j]))
				abort();
	}
	if (c.nfiles == 0 && c.check != V_CHECK_FORMAT_FAILURE)
		abort();
	v_container_free(&c);
	return 0;
}
