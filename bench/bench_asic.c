/* valnode benchmark: XAdES-LT in an ASiC-E container against the raw
 * Mobile-ID path, in process, warm, through the public C API
 * (include/valnode/valnode.h), over the demo federation.
 *
 *   bench_asic -d DEMO [-s SECONDS] [-c CEILING_VERIFY_PER_S]
 *
 * DEMO is a generated demo federation (interop/demo/generate) whose OCSP
 * responders are running: the raw vector's status is fetched once online,
 * then comes from the node's cache, as on a running node; the container
 * carries its own OCSP response and timestamp. Each kind is validated once
 * untimed (it must be TOTAL-PASSED), then in a loop for at least SECONDS.
 * Prints "figure NAME VALUE UNIT [CEILING]" lines on stdout and the
 * narrative on stderr. Exit status 0, or 1 when a validation does not pass.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "valnode/valnode.h"

typedef struct blob {
	unsigned char *p;
	size_t n;
} blob;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int slurp(const char *path, blob *b)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		if (f != NULL)
			fclose(f);
		return -1;
	}
	b->n = (size_t)n;
	b->p = malloc(b->n ? b->n : 1);
	if (b->p == NULL || fread(b->p, 1, b->n, f) != b->n) {
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/* Validate once; 0 when TOTAL-PASSED. */
static int once(vn_node *node, const blob *b, const char *what)
{
	vn_result *r = NULL;
	char err[256] = "";
	int ok;

	if (vn_validate(node, b->p, b->n, NULL, 0, VN_NOW, &r, err, sizeof err) != 0) {
		fprintf(stderr, "bench_asic: %s: the validation could not run: %s\n", what, err);
		return -1;
	}
	ok = strcmp(vn_result_indication(r), "TOTAL-PASSED") == 0;
	if (!ok) {
		char *j = vn_result_json(r);
		fprintf(stderr, "bench_asic: %s is %s, not TOTAL-PASSED: %.1500s\n", what,
			vn_result_indication(r), j ? j : "");
		vn_free(j);
	}
	vn_result_free(r);
	return ok ? 0 : -1;
}

static double rate(vn_node *node, const blob *b, const char *what, double secs)
{
	unsigned long n = 0;
	double t0 = now_s(), t;

	do {
		if (once(node, b, what) != 0)
			return -1;
		n++;
		t = now_s();
	} while (t - t0 < secs);
	fprintf(stderr, "bench_asic: %-14s %lu validations in %.3f s, every one TOTAL-PASSED\n", what, n,
		t - t0);
	return (double)n / (t - t0);
}

int main(int argc, char **argv)
{
	const char *demo = NULL;
	double secs = 3, ceiling = 0, raw, asice;
	char path[4096], err[512] = "";
	blob rawb = {NULL, 0}, asiceb = {NULL, 0};
	vn_node *node = NULL;
	int i, rc = 1;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-d") == 0 && i + 1 < argc)
			demo = argv[++i];
		else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
			secs = strtod(argv[++i], NULL);
		else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			ceiling = strtod(argv[++i], NULL);
		else {
			fprintf(stderr, "usage: bench_asic -d DEMO [-s SECONDS] [-c CEILING_VERIFY_PER_S]\n");
			return 64;
		}
	}
	if (demo == NULL || secs <= 0) {
		fprintf(stderr, "usage: bench_asic -d DEMO [-s SECONDS] [-c CEILING_VERIFY_PER_S]\n");
		return 64;
	}
	snprintf(path, sizeof path, "%s/vectors/raw-ecdsa-good/signature.json", demo);
	if (slurp(path, &rawb) != 0) {
		fprintf(stderr, "bench_asic: cannot read %s\n", path);
		goto out;
	}
	snprintf(path, sizeof path, "%s/bench/xades-lt.asice", demo);
	if (slurp(path, &asiceb) != 0) {
		fprintf(stderr, "bench_asic: cannot read %s\n", path);
		goto out;
	}
	snprintf(path, sizeof path, "%s/vectors/trust.conf", demo);
	if (vn_node_open(path, &node, err, sizeof err) != 0) {
		fprintf(stderr, "bench_asic: %s: %s\n", path, err);
		goto out;
	}
	/* warm: decode caches, path memo, the raw signer's OCSP status */
	if (once(node, &rawb, "raw") != 0 || once(node, &asiceb, "XAdES-LT ASiC-E") != 0)
		goto out;
	raw = rate(node, &rawb, "raw", secs);
	asice = rate(node, &asiceb, "XAdES-LT ASiC-E", secs);
	if (raw <= 0 || asice <= 0)
		goto out;
	if (ceiling > 0) {
		printf("figure asic_raw_per_s %.10g validations/s %.10g\n", raw, ceiling);
		printf("figure asic_xades_lt_per_s %.10g validations/s %.10g\n", asice, ceiling);
	} else {
		printf("figure asic_raw_per_s %.10g validations/s\n", raw);
		printf("figure asic_xades_lt_per_s %.10g validations/s\n", asice);
	}
	printf("figure asic_xades_lt_vs_raw %.10g ratio\n", asice / raw);
	rc = 0;
out:
	vn_node_free(node);
	free(rawb.p);
	free(asiceb.p);
	return rc;
}
