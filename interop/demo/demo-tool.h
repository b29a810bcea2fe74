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

static void dump(const char *dir, const char *name, const unsigned char *p, size_t n)
{
	char path[4096];

	if (dir == NULL)
		return;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	write_file(path, p, n);
}

#endif
