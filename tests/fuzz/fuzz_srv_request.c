/* libFuzzer harness: the request bodies of POST /v1/validate and POST
 * /v1/verify (node/srv_req.c) into the internal request. The first byte
 * picks the binding. Invariants: a failure names an HTTP status of 400, 413
 * or 422 and says why; a success holds a signature (its bytes, or a raw
 * object already parsed, and then nothing beside it); a parsed digest has
 * the size of its algorithm; a document and a digest never come together. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "node/srv_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	srv_request r;
	char why[256];
	int status = 0;
	vn_err e;

	if (size < 1)
		return 0;
	e = srv_req_parse(data[0] & 1 ? SRV_REQ_VERIFY : SRV_REQ_VALIDATE, (const char *)data + 1,
			  size - 1, 8, (size_t)1 << 20, &r, &status, why, sizeof why);
	if (e != VN_OK) {
		if ((status != 400 && status != 413 && status != 422) || why[0] == '\0' ||
		    r.sig != NULL || r.doc != NULL || r.req_id != NULL)
			abort();
	} else {
		/* a signature's bytes, or a raw Mobile-ID object kept parsed */
		if (((r.sig == NULL || r.siglen == 0) && r.raw_json == NULL) || status != 200)
			abort();
		if (r.raw_json != NULL && (r.sig != NULL || r.doc != NULL || r.digest_len != 0))
			abort();
		if (r.digest_len != 0 && r.digest_len != 32 && r.digest_len != 48 && r.digest_len != 64)
			abort();
		if (r.doc != NULL && r.digest_len != 0)
			abort();
	}
	srv_request_free(&r);
	return 0;
}
