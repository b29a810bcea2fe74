/* libFuzzer harness: trust-list signature verification.
 *
 * Each input is parsed with tl_xml_read and checked by tl_sig_verify against
 * two fixed anchors: self-signed P-256 and RSA-2048 test certificates, made
 * for this harness only (their private keys were discarded once the seeds in
 * corpus/fuzz_tl_sig/ were signed). The seeds are small lists signed with
 * them (ECDSA; RSASSA-PSS by `valnode tl sign --pss`, the *_pss seeds), and
 * broken variants (tampered, unsigned, two signatures, nested signature,
 * duplicate Id, XPath transform, pss:RSAPSSParams), so the fuzzer starts
 * from both sides of every rule. Invariants checked: no error other than NOMEM for a parsed
 * document, and a verdict always carries at least one finding.
 */
#include <stdint.h>
#include <stdlib.h>

#include <openssl/pem.h>

#include "trustlists/tl_sig.h"
#include "trustlists/tl_xml.h"

static const char anchor_pem[] =
	/* P-256 */
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBrDCCAVGgAwIBAgIUPmblRiXy3Ei8f8EeXIUHWIDgYykwCgYIKoZIzj0EAwIw\n"
	"KjEoMCYGA1UEAwwfdmFsbm9kZSBmdXp6IGFuY2hvciAodGVzdCBvbmx5KTAgFw0y\n"
	"NjExMjYxNDQ2NDNaGA8yMTI2MTEwMjE0NDY0M1owKjEoMCYGA1UEAwwfdmFsbm9k\n"
	"ZSBmdXp6IGFuY2hvciAodGVzdCBvbmx5KTBZMBMGByqGSM49AgEGCCqGSM49AwEH\n"
	"A0IABCYa8GYo8X1YWMiXhAQO2q/BpkJmgMuPwnc5DfxBnA/Cbf0j+NibYxGPoi7J\n"
	"Hwmx9vgdyqranmuei9ywAy3T4yejUzBRMB0GA1UdDgQWBBS8Nk1iyUpTIK6Bqila\n"
	"a1HuaLrn5zAfBgNVHSMEGDAWgBS8Nk1iyUpTIK6Bqilaa1HuaLrn5zAPBgNVHRMB\n"
	"Af8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQCqnlmPdF3DkP4q/qdoMaziga58\n"
	"vvjI7Liz52bBHN+a8AIhALIMME4W42A6xVFoe1kX6Nab2hgFTVXFOuNvLMyRYIq7\n"
	"-----END CERTIFICATE-----\n"
	/* RSA-2048 */
	"-----BEGIN CERTIFICATE-----\n"
	"MIIDPzCCAiegAwIBAgIUNBbblNJ+eDlVrrTeNbwwgTwbc5cwDQYJKoZIhvcNAQEL\n"
	"BQAwLjEsMCoGA1UEAwwjdmFsbm9kZSBmdXp6IFJTQSBhbmNob3IgKHRlc3Qgb25s\n"
	"eSkwIBcNMjYxMTI2MTQ1OTQ1WhgPMjEyNjExMDIxNDU5NDVaMC4xLDAqBgNVBAMM\n"
	"I3ZhbG5vZGUgZnV6eiBSU0EgYW5jaG9yICh0ZXN0IG9ubHkpMIIBIjANBgkqhkiG\n"
	"9w0BAQEFAAOCAQ8AMIIBCgKCAQEAm3+4E8KYskbUImq7atgjSPkb9pVyoYMLnSlh\n"
	"suPR3lncY+ogL8P4Cgq2UW/2GmK83Jjwbsb+UPCZ1DGIVdrunFkMErnNyWHX+mzC\n"
	"jeriDrILgX/MTjtnBWI7d8zxIwXeyBIR6Mrbiuho2D6PQZa/vCHiLA18IMuF0Czh\n"
	"WC6g71a4YxzcC1G9eR9xmPOrSB3F2vP02ZWtNyw8+iG9M0Fv9vVuRGDje7FR5V7k\n"
	"zRTi3TcJw/pP1mTAueF13FIvzXcLP6frmGZr/TIvDIwuZTVvKnzzZwiz+Os0vJfy\n"
	"v3V0HufTNVUgGFOrCS4KaaO/hUncZ+hxqDjdMAWo3q9cxMyIdQIDAQABo1MwUTAd\n"
	"BgNVHQ4EFgQUlkl0UQQXmjTdYxq6hq+E5QQwxFkwHwYDVR0jBBgwFoAUlkl0UQQX\n"
	"mjTdYxq6hq+E5QQwxFkwDwYDVR0TAQH/BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOC\n"
	"AQEATGSkUe8IkC0RI2FpX+inV7HDopvMYKb2vHOmGHJQm6gdcRwgl2cWrGr937yT\n"
	"KFho42O2+rEIYMpjmR/X2xrOyBATo30/lJ2+Sqk7XfBpRK2o0xvn3L0kKOSS0LEr\n"
	"+kJvBvSyiIgVjzc+cDq5MpKqlbFWdQY4ruzlMF0M1pD5rDgFLNPBi959hisvobz0\n"
	"zvtTW2vv8Shad//VzYdc0QveMqSVr9Qv44hYsectVPBOABbtPXn8AdXn7JupZwE5\n"
	"nvUNVihu29c7JdqsavNL2xQir7mTA6XMJtHjbb5rBT3Q25YjBObFwZFUIgGPXAtf\n"
	"vhU/BlwqHB1bSQC36R+7b5llAg==\n"
	"-----END CERTIFICATE-----\n"
	;

static STACK_OF(X509) *anchors;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	BIO *bio = BIO_new_mem_buf(anchor_pem, (int)(sizeof(anchor_pem) - 1));
	X509 *x;
	int i;

	(void)argc;
	(void)argv;
	anchors = sk_X509_new_null();
	if (bio == NULL || anchors == NULL)
		abort();
	for (i = 0; i < 2; i++) {
		x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		if (x == NULL || sk_X509_push(anchors, x) <= 0)
			abort();
	}
	BIO_free(bio);
	tl_xml_global_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	xmlDocPtr doc = NULL;
	tl_sig_result r;
	vn_err err;

	if (tl_xml_read(data, size, &doc, NULL, 0) != VN_OK)
		return 0;
	tl_sig_result_init(&r);
	err = tl_sig_verify(doc, anchors, &r);
	if (err != VN_OK && err != VN_ERR_NOMEM)
		abort();
	if (err == VN_OK && r.findings.n == 0)
		abort();
	tl_sig_result_free(&r);
	xmlFreeDoc(doc);
	return 0;
}
