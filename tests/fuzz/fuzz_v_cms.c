/* libFuzzer harness: CMS / CAdES parsing (node/v_cms.c) and detection.
 *
 * Each input is parsed three ways: alone (enveloping, or detached without
 * data), with a fixed detached document, and with only that document's
 * SHA-256 digest. The seeds in corpus/fuzz_v_cms/ are small signatures made
 * with `openssl cms -sign` and a throwaway P-256 test key (discarded after
 * signing): CAdES enveloping, detached over the fixed document below, without
 * signed attributes, and PEM. Invariants: no error other than the documented
 * ones, one object per SignerInfo, and every object freed cleanly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "node/v_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char doc[] = "valnode fuzz detached document\n";

static void run(const uint8_t *data, size_t size, const v_data *d)
{
	v_sigobj *o = NULL;
	size_t n = 0, i;
	char why[128];
	vn_err e = v_cms_parse(data, size, d, &o, &n, why, sizeof why);

	if (e == VN_OK) {
		if (n == 0 || n > V_MAX_SIGNATURES || o == NULL)
			abort();
		for (i = 0; i < n; i++) {
			/* a named signer is among the carried certificates */
			if (o[i].signer != NULL && o[i].certs == NULL)
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
	unsigned char dg[EVP_MAX_MD_SIZE];
	unsigned int dgl = 0;
	v_data d;

	(void)v_detect(data, size);
	run(data, size, NULL);
	memset(&d, 0, sizeof d);
	d.bytes = (const unsigned char *)doc;
	d.len = sizeof doc - 1;
	run(data, size, &d);
	if (EVP_Digest(doc, sizeof doc - 1, dg, &dgl, EVP_sha256(), NULL)) {
		memset(&d, 0, sizeof d);
		d.digest_alg = "SHA-256";
		d.digest = dg;
		d.digest_len = dgl;
		run(data, size, &d);
	}
	return 0;
}
