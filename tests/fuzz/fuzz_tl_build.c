/* libFuzzer harness: the tlspec reader and the TS 119 612 writer. Certificate
 * paths resolve under a directory that does not exist, so no file is read. */
#include <stdint.h>
#include <stdlib.h>

#include <libxml/tree.h>

#include "common/vn_findings.h"
#include "trustlists/tl_build.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vn_findings f;
	xmlDocPtr doc = NULL;
	vn_err e;

	vn_findings_init(&f);
	e = tl_build_mem((const char *)data, size, "/nonexistent-vn-fuzz", &doc, &f);
	/* a document exactly when there is no error, and an error is explained */
	if ((e == VN_OK) != (doc != NULL) || (e != VN_OK && e != VN_ERR_NOMEM && f.n == 0))
		abort();
	xmlFreeDoc(doc);
	vn_findings_free(&f);
	return 0;
}
