/* libFuzzer harness: trust-list signature verification.
 *
 * Each input is parsed with tl_xml_read and checked by tl_sig_verify against
 * one fixed anchor: a self-signed P-256 test certificate, made for this
 * harness only (its private key was discarded once the seeds in
 * corpus/fuzz_tl_sig/ were signed). The seeds are small lists signed with it,
 * and broken variants (tampered, unsigned, two signatures, nested signature,
 * duplicate Id, XPath transform), so the fuzzer starts from both sides of
 * every rule. Invariants checked: no error other than NOMEM for a parsed
 * document, and a verdict always carries at least one finding.
 */
#include <stdint.h>
#include <stdlib.h>

#include <openssl/pem.h>

#include "trustlists/tl_sig.h"
#include "trustlists/tl_xml.h"

static const char anchor_pem[] =
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
	;

static STACK_OF(X509) *anchors;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	BIO *bio = BIO_new_mem_buf(anchor_pem, (int)(sizeof(anchor_pem) - 1));
	X509 *x = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;

	(void)argc;
	(void)argv;
	anchors = sk_X509_new_null();
	if (x == NULL || anchors == NULL || sk_X509_push(anchors, x) <= 0)
		abort();
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
