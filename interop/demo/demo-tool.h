/* The helpers the demo federation's small producers share (cades-extend.c,
 * xades-make.c): whole-file I/O, PEM certificates and keys, the time
 * arguments, a timestamp clock fixed to a given second. Each producer
 * defines DEMO_PROG (its name, for messages) and declares its usage()
 * before including this file. Failures end the process: 70 for I/O and
 * crypto, 64 (usage) for a bad argument. */
#ifndef DEMO_TOOL_H
#define DEMO_TOOL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/evp.h>
#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

static void die(const char *msg)
{
	fprintf(stderr, DEMO_PROG ": %s\n", msg);
	ERR_print_errors_fp(stderr);
	exit(70);
}

static unsigned char *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	size_t cap = 0, len = 0;

	if (f == NULL) {
		fprintf(stderr, DEMO_PROG ": %s: %s\n", path, strerror(errno));
		exit(70);
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			if ((p = realloc(p, cap)) == NULL)
				die("out of memory");
		}
		size_t r = fread(p + len, 1, cap - len, f);
		len += r;
		if (r == 0)
			break;
	}
	fclose(f);
	*n = len;
	return p;
}

static void write_file(const char *path, const unsigned char *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, DEMO_PROG ": cannot write %s\n", path);
		exit(70);
	}
}

static STACK_OF(X509) *read_certs(const char *path)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	BIO *b = BIO_new_file(path, "r");
	X509 *x;

	if (sk == NULL || b == NULL)
		die(path);
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
		sk_X509_push(sk, x);
	ERR_clear_error();
	BIO_free(b);
	return sk;
}

static EVP_PKEY *read_key(const char *path)
{
	BIO *b = BIO_new_file(path, "r");
	EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	if (k == NULL)
		die(path);
	return k;
}

static long parse_time(const char *s)
{
	char *end;
	long v;

	if (strcmp(s, "now") == 0)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0)
		usage();
	return v;
}

static int fixed_time_cb(TS_RESP_CTX *ctx, void *data, long *sec, long *usec)
{
	(void)ctx;
	*sec = *(long *)data;
	*usec = 0;
	return 1;
}

/* --- timestamps: a demo TSA answering at a fixed time ------------------ */

struct demo_tsa {
	X509 *cert;
	EVP_PKEY *key;
	STACK_OF(X509) *chain;
};

static ASN1_INTEGER *serial_cb(TS_RESP_CTX *ctx, void *data)
{
	unsigned char r[8];
	BIGNUM *bn = NULL;
	ASN1_INTEGER *ai = NULL;

	(void)data;
	if (RAND_bytes(r, sizeof r) == 1) {
		r[0] &= 0x7f;
		r[0] |= 0x01;
		bn = BN_bin2bn(r, sizeof r, NULL);
		ai = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
	}
	BN_free(bn);
	if (ai == NULL)
		TS_RESP_CTX_set_status_info(ctx, TS_STATUS_REJECTION, "no serial");
	return ai;
}

/* An RFC 3161 TimeStampToken (DER ContentInfo) over SHA-256(data), genTime
 * at `when` (-1: now). */
static unsigned char *make_ts(const struct demo_tsa *t, const unsigned char *data, size_t n,
			      long when, int *outlen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	TS_RESP_CTX *ctx = TS_RESP_CTX_new();
	ASN1_OBJECT *policy = OBJ_txt2obj("0.4.0.2023.1.1", 1);
	BIO *rb = BIO_new(BIO_s_mem());
	TS_RESP *resp = NULL;
	unsigned char *der = NULL;
	long fixed = when;

	if (!req || !mi || !alg || !ctx || !policy || !rb)
		die("out of memory");
	if (!EVP_Digest(data, n, md, &mdlen, EVP_sha256(), NULL))
		die("digest");
	X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL);
	if (!TS_MSG_IMPRINT_set_algo(mi, alg) || !TS_MSG_IMPRINT_set_msg(mi, md, (int)mdlen) ||
	    !TS_REQ_set_version(req, 1) || !TS_REQ_set_msg_imprint(req, mi) ||
	    !TS_REQ_set_cert_req(req, 1) || i2d_TS_REQ_bio(rb, req) <= 0)
		die("cannot make the timestamp request");
	if (!TS_RESP_CTX_set_signer_cert(ctx, t->cert) || !TS_RESP_CTX_set_signer_key(ctx, t->key) ||
	    !TS_RESP_CTX_set_signer_digest(ctx, EVP_sha256()) ||
	    !TS_RESP_CTX_set_ess_cert_id_digest(ctx, EVP_sha256()) ||
	    !TS_RESP_CTX_set_def_policy(ctx, policy) || !TS_RESP_CTX_add_md(ctx, EVP_sha256()) ||
	    !TS_RESP_CTX_set_accuracy(ctx, 1, 0, 0))
		die("cannot set up the TSA");
	if (t->chain && !TS_RESP_CTX_set_certs(ctx, t->chain))
		die("TSA chain");
	TS_RESP_CTX_set_serial_cb(ctx, serial_cb, NULL);
	if (when >= 0)
		TS_RESP_CTX_set_time_cb(ctx, fixed_time_cb, &fixed);
	resp = TS_RESP_create_response(ctx, rb);
	if (resp == NULL || ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp))) != 0)
		die("the TSA refused");
	*outlen = i2d_PKCS7(TS_RESP_get_token(resp), &der);
	if (*outlen <= 0)
		die("cannot encode the token");
	TS_RESP_free(resp);
	BIO_free(rb);
	ASN1_OBJECT_free(policy);
	TS_RESP_CTX_free(ctx);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(req);
	return der;
}

static void dump(const char *dir, const char *name, const unsigned char *p, size_t n)
{
	char path[4096];

	if (dir == NULL)
		return;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	write_file(path, p, n);
}

#endif
