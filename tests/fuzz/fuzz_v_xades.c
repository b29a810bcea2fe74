/* libFuzzer harness: XMLDSig / XAdES parsing (node/v_xades.c).
 *
 * Each input is parsed twice: alone, and with two fixed detached documents
 * ("my file.txt", "b.bin") that detached references may name. The seeds in
 * corpus/fuzz_v_xades/ are small: an enveloping signature made with
 * `xmlsec1 --sign` and a throwaway P-256 key (discarded after signing), and
 * hand-made shapes (asic:XAdESSignatures with detached references and
 * XAdES properties, an enveloped signature with a duplicated Id).
 * Invariants: no error other than the documented ones, one object per
 * signature (at most V_MAX_SIGNATURES), every object freed cleanly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "node/v_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char doc1[] = "first detached document\n";
static const char doc2[] = "second\n";

static void run(const uint8_t *data, size_t size, const v_docs *docs)
{
	v_sigobj *o = NULL;
	size_t n = 0, i, k;
	char why[128];
	vn_err e = v_xades_parse(data, size, docs, &o, &n, why, sizeof why);

	if (e == VN_OK) {
		if (n == 0 || n > V_MAX_SIGNATURES || o == NULL)
			abort();
		for (i = 0; i < n; i++) {
			if (o[i].format != V_FMT_XADES || o[i].id[0] == '\0')
				abort();
			/* covered names are among the supplied documents */
			for (k = 0; k < o[i].ncovered; k++)
				if (docs == NULL || (strcmp(o[i].covered[k], "my file.txt") != 0 &&
						     strcmp(o[i].covered[k], "b.bin") != 0))
					abort();
			v_sigobj_free(&o[i]);
		}
		free(o);
	} else if (e != VN_ERR_MALFORMED && e != VN_ERR_TOO_LARGE && e != VN_ERR_NOMEM &&
		   e != VN_ERR_CRYPTO) {
		abort();
	} else if (o != NULL || n != 0) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const v_docfile files[] = {
		{"my file.txt", (const unsigned char *)doc1, sizeof doc1 - 1},
		{"b.bin", (const unsigned char *)doc2, sizeof doc2 - 1},
	};
	const v_docs docs = {files, 2};

	run(data, size, NULL);
	run(data, size, &docs);
	return 0;
}
