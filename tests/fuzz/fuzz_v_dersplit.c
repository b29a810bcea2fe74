/* libFuzzer harness: the strict DER walk that takes embedded certificates
 * out of a CMS SignedData and an OCSP response (node/v_dersplit.c).
 *
 * Each input goes through both walks. Seeds in corpus/fuzz_v_dersplit/:
 * CMS signatures made with `openssl cms -sign` (with and without
 * certificates) and OCSP responses made with `openssl ocsp` (with and
 * without the responder certificate), all with throwaway P-256 test keys.
 * Invariants: VN_OK or VN_ERR_NOT_FOUND only, certificates returned exactly
 * on VN_OK (at most V_DERSPLIT_MAX_CERTS), the rest never longer than the
 * input, and the CMS rest, walked again, is itself with no certificates. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "node/v_dersplit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(vn_err e, const vn_buf *rest, STACK_OF(X509) *certs, size_t size)
{
	if (e != VN_OK && e != VN_ERR_NOT_FOUND)
		abort();
	if ((e == VN_OK) != (certs != NULL))
		abort();
	if (e == VN_OK && (sk_X509_num(certs) > V_DERSPLIT_MAX_CERTS || rest->len > size))
		abort();
	if (e != VN_OK && rest->len != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	STACK_OF(X509) *certs = NULL, *again = NULL;
	vn_buf rest, rest2;
	vn_err e;

	vn_buf_init(&rest, (size_t)1 << 20);
	vn_buf_init(&rest2, (size_t)1 << 20);
	e = v_der_cms_split(data, size, &rest, &certs);
	check(e, &rest, certs, size);
	if (e == VN_OK) {
		if (v_der_cms_split(rest.data, rest.len, &rest2, &again) != VN_OK ||
		    sk_X509_num(again) != 0 || rest2.len != rest.len ||
		    memcmp(rest2.data, rest.data, rest.len) != 0)
			abort();
	}
	sk_X509_pop_free(certs, X509_free);
	sk_X509_pop_free(again, X509_free);
	certs = NULL;
	vn_buf_reset(&rest);
	e = v_der_ocsp_split(data, size, &rest, &certs);
	check(e, &rest, certs, size);
	sk_X509_pop_free(certs, X509_free);
	certs = NULL;
	/* the decoding wrappers: certificates exactly with a result */
	{
		CMS_ContentInfo *cms = v_der_cms_decode(data, size, (size_t)1 << 20, &certs);
		if ((cms == NULL) != (certs == NULL))
			abort();
		CMS_ContentInfo_free(cms);
		sk_X509_pop_free(certs, X509_free);
		OCSP_BASICRESP *bs = v_der_ocsp_decode(data, size, (size_t)1 << 20, &certs);
		if ((bs == NULL) != (certs == NULL))
			abort();
		OCSP_BASICRESP_free(bs);
		sk_X509_pop_free(certs, X509_free);
		OCSP_BASICRESP_free(v_der_ocsp_basic(data, size, (size_t)1 << 20));
	}
	vn_buf_free(&rest);
	vn_buf_free(&rest2);
	return 0;
}
