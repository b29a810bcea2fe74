/* `valnode verify-response`: check a node's signed response offline. */
#include <stdio.h>
#include <string.h>

#include "common/vn_buf.h"
#include "node/cli.h"
#include "node/cli_srv.h"
#include "node/srv_sig.h"

static const char vr_help[] =
	"usage: valnode verify-response FILE (--key BASE64 | --key-file FILE)\n"
	"\n"
	"Check a response of a valnode node, saved with its headers (curl -si URL >\n"
	"FILE): its Content-Digest (RFC 9530) matches the body, and its Signature\n"
	"(RFC 9421, Ed25519) covers @status, content-digest and content-type and\n"
	"verifies with the node's public key.\n"
	"\n"
	"  --key BASE64     the public key as GET /v1/node gives it (publicKey.value)\n"
	"  --key-file FILE  the same in a file, or a PEM public key\n"
	"\n"
	"example:\n"
	"  key=$(curl -s http://127.0.0.1:8080/v1/node | jq -r .publicKey.value)\n"
	"  curl -si http://127.0.0.1:8080/v1/trustlists > answer.http\n"
	"  valnode verify-response answer.http --key \"$key\"\n"
	"\n"
	"exit status: 0 the signature verifies, 1 it does not, 64 usage,\n"
	"65 not an HTTP response or not a key, 66 missing file.\n";

int vn_cli_verify_response(int argc, char **argv)
{
	const char *file = NULL, *key = NULL, *key_file = NULL;
	unsigned char pk[SRV_ED25519_PK];
	char why[256] = "";
	vn_buf in, kb;
	int i, valid = 0, rc;
	vn_err e;

	vn_buf_init(&in, (size_t)64 << 20);
	vn_buf_init(&kb, 16 << 10);
	for (i = 1; i < argc; i++) {
		if (vn_cli_is_help(argv[i])) {
			fputs(vr_help, stdout);
			rc = 0;
			goto out;
		} else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) {
			key = argv[++i];
		} else if (strcmp(argv[i], "--key-file") == 0 && i + 1 < argc) {
			key_file = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			rc = vn_cli_usage_error("verify-response", "unknown option '%s'", argv[i]);
			goto out;
		} else if (file == NULL) {
			file = argv[i];
		} else {
			rc = vn_cli_usage_error("verify-response", "one FILE only");
			goto out;
		}
	}
	if (file == NULL || (key == NULL) == (key_file == NULL)) {
		rc = vn_cli_usage_error("verify-response", "FILE and one of --key or --key-file are required");
		goto out;
	}
	if (key_file != NULL) {
		e = vn_buf_read_file(&kb, key_file);
		if (e != VN_OK) {
			fprintf(stderr, "valnode verify-response: %s: %s\n", key_file, vn_err_str(e));
			rc = vn_err_exit_code(e);
			goto out;
		}
	} else if (vn_buf_append_str(&kb, key) != VN_OK) {
		rc = VN_EXIT_USAGE;
		goto out;
	}
	if (srv_pubkey_parse(kb.data ? (const char *)kb.data : "", kb.len, pk) != VN_OK) {
		fprintf(stderr, "valnode verify-response: not an Ed25519 public key (base64 of 32 "
				"bytes, or PEM)\n");
		rc = VN_EXIT_DATAERR;
		goto out;
	}
	e = vn_buf_read_file(&in, strcmp(file, "-") == 0 ? "/dev/stdin" : file);
	if (e != VN_OK) {
		fprintf(stderr, "valnode verify-response: %s: %s\n", file, vn_err_str(e));
		rc = vn_err_exit_code(e);
		goto out;
	}
	e = srv_verify_response(in.data ? in.data : (const unsigned char *)"", in.len, pk, &valid,
				why, sizeof why);
	if (e != VN_OK) {
		fprintf(stderr, "valnode verify-response: %s: %s\n", file, why[0] ? why : vn_err_str(e));
		rc = vn_err_exit_code(e);
		goto out;
	}
	printf("%s: %s\n", valid ? "valid" : "INVALID", why);
	rc = valid ? 0 : 1;
out:
	vn_buf_free(&in);
	vn_buf_free(&kb);
	return rc;
}
