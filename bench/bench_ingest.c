/* valnode bench: ingest of a whole trusted-list snapshot, in process.
 *
 *   bench_ingest POOL_DIR OJ_PEM [-s SECONDS] [-l LOTL_URL] [-x EXPORT_DIR]
 *
 * POOL_DIR is a DSS offline cache (file name = URL with every byte that is
 * not an ASCII letter or digit replaced by '_', tl_mirror.h): a list of
 * lists, its pivots and the lists it points to. OJ_PEM holds the signer
 * certificates announced in the Official Journal.
 *
 * What is measured is the work a node does per list at ingest: tl_xml_read,
 * tl_parse and tl_sig_verify, each list against the certificates that vouch
 * for it (TS 119 615 / DSS: a member list against exactly the certificates of
 * its pointer in the list of lists; the list of lists and its pivots against
 * the Official Journal keys, or, as the walker does, against the certificates
 * the previous pivot's self-pointer announces when those do not verify it).
 * Files are read into memory and anchors found outside the timed region.
 *
 * Every list must come out TOTAL-PASSED, in every pass: a benchmark that
 * measures failures measures nothing, so any other verdict is an error and
 * the exit status is non-zero.
 *
 * Output: one "figure NAME VALUE UNIT" line per figure on stdout (bench/run
 * turns them into build/bench/results.jsonl); progress and errors on stderr.
 * With -x, EXPORT_DIR/lists.tsv gets "XML_PATH<TAB>SIGNER_PEM" per list, the
 * signer certificate of each list written beside it, for the xmlsec1 ceiling.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/vn_buf.h"
#include "common/vn_err.h"
#include "common/vn_verdict.h"
#include "trustlists/tl_mirror.h"
#include "trustlists/tl_model.h"
#include "trustlists/tl_sig.h"
#include "trustlists/tl_walk.h"
#include "trustlists/tl_xml.h"

#define MAX_LISTS 512		/* cap on files in the pool */
#define MAX_PIVOTS 16		/* as tl_walk's default */
#define PATH_LEN 4096
#define DEFAULT_LOTL "https://ec.europa.eu/tools/lotl/eu-lotl.xml"

typedef enum role { ROLE_NONE = 0, ROLE_LOTL, ROLE_PIVOT, ROLE_TL } role;

typedef struct blist {
	char name[256];		/* file name in the pool */
	unsigned char *data;	/* owned: the file's bytes */
	size_t len;
	role role;
	STACK_OF(X509) *anchors;	/* owned */
	X509 *signer;		/* owned: from the first pass, for -x */
} blist;

typedef struct pool {
	blist v[MAX_LISTS];
	size_t n;
	size_t bytes;
} pool;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void figure(const char *name, double value, const char *unit)
{
	printf("figure %s %.10g %s\n", name, value, unit);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const blist *)a)->name, ((const blist *)b)->name);
}

/* Read every regular file of dir into p (sorted by name, for a stable order). */
static vn_err read_pool(const char *dir, pool *p)
{
	DIR *d = NULL;
	struct dirent *de;
	vn_err e = VN_OK;

	d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "bench_ingest: %s: %s\n", dir, strerror(errno));
		return VN_ERR_NOT_FOUND;
	}
	while ((de = readdir(d)) != NULL) {
		char path[PATH_LEN];
		struct stat st;
		vn_buf b;
		blist *l;

		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= sizeof path ||
		    strlen(de->d_name) >= sizeof p->v[0].name) {
			e = VN_ERR_TOO_LARGE;
			goto out;
		}
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (p->n == MAX_LISTS) {
			fprintf(stderr, "bench_ingest: more than %d files in %s\n", MAX_LISTS, dir);
			e = VN_ERR_TOO_LARGE;
			goto out;
		}
		vn_buf_init(&b, TL_XML_MAX_SIZE);
		e = vn_buf_read_file(&b, path);
		if (e != VN_OK) {
			vn_buf_free(&b);
			fprintf(stderr, "bench_ingest: %s: %s\n", path, vn_err_str(e));
			goto out;
		}
		l = &p->v[p->n++];
		memset(l, 0, sizeof *l);
		memcpy(l->name, de->d_name, strlen(de->d_name) + 1);
		l->data = vn_buf_steal(&b, &l->len);
		if (l->data == NULL) {
			e = VN_ERR_NOMEM;
			goto out;
		}
		p->bytes += l->len;
	}
	qsort(p->v, p->n, sizeof p->v[0], cmp_name);
out:
	closedir(d);
	return e;
}

static blist *find_url(pool *p, const char *url)
{
	char m[256];
	size_t i;

	if (tl_mirror_mangle(url, m, sizeof m) != VN_OK)
		return NULL;
	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, m) == 0)
			return &p->v[i];
	return NULL;
}

static vn_err parse_one(const blist *l, tl_list **out)
{
	xmlDocPtr doc = NULL;
	char why[256] = "";
	vn_err e;

	*out = NULL;
	e = tl_xml_read(l->data, l->len, &doc, why, sizeof why);
	if (e != VN_OK) {
		fprintf(stderr, "bench_ingest: %s: %s (%s)\n", l->name, vn_err_str(e), why);
		return e;
	}
	e = tl_parse(doc, out);
	xmlFreeDoc(doc);
	if (e != VN_OK)
		fprintf(stderr, "bench_ingest: %s: not a trusted list (%s)\n", l->name, vn_err_str(e));
	return e;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* One verification, as in a pass; *passed is 1 for TOTAL-PASSED. The signer
 * is handed over when signer is non-NULL. */
static vn_err verify_one(const blist *l, STACK_OF(X509) *anchors, int *passed, X509 **signer,
			 int quiet)
{
	xmlDocPtr doc = NULL;
	tl_list *tl = NULL;
	tl_sig_result r;
	char why[256] = "";
	vn_err e;

	*passed = 0;
	tl_sig_result_init(&r);
	e = tl_xml_read(l->data, l->len, &doc, why, sizeof why);
	if (e != VN_OK) {
		fprintf(stderr, "bench_ingest: %s: %s (%s)\n", l->name, vn_err_str(e), why);
		goto out;
	}
	e = tl_parse(doc, &tl);
	if (e != VN_OK) {
		fprintf(stderr, "bench_ingest: %s: not a trusted list (%s)\n", l->name, vn_err_str(e));
		goto out;
	}
	e = tl_sig_verify(doc, anchors, &r);
	if (e != VN_OK) {
		fprintf(stderr, "bench_ingest: %s: verification could not run (%s)\n", l->name,
			vn_err_str(e));
		goto out;
	}
	*passed = r.indication == VN_IND_TOTAL_PASSED;
	if (!*passed && !quiet) {
		fprintf(stderr, "bench_ingest: %s: %s%s%s", l->name, vn_indication_name(r.indication),
			r.sub != VN_SUB_NONE ? "/" : "", r.sub != VN_SUB_NONE ? vn_subind_name(r.sub) : "");
		if (r.findings.n > 0)
			fprintf(stderr, " (%s: %s)", r.findings.items[0].code, r.findings.items[0].message);
		fputc('\n', stderr);
	}
	if (*passed && signer != NULL) {
		*signer = r.signer;
		r.signer = NULL;
	}
out:
	tl_sig_result_free(&r);
	tl_list_free(tl);
	xmlFreeDoc(doc);
	return e;
}

/* The chain of lists of lists, oldest first: pivots (the LOTL names them in
 * SchemeInformationURI, newest first, STANDARDS.md 2.1), then the LOTL. Each
 * gets as candidates the Official Journal keys and the certificates of the
 * previous one's self-pointer. */
typedef struct chain {
	blist *v[MAX_PIVOTS + 1];
	STACK_OF(X509) *alt[MAX_PIVOTS + 1];	/* owned; NULL for the first */
	size_t n;
} chain;

static void chain_free(chain *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		sk_X509_pop_free(c->alt[i], X509_free);
	c->n = 0;
}

/* Which candidate verifies each chain element: decided in a child process,
 * so that the parent's first pass is still cold (xmlsec and OpenSSL not yet
 * initialised). choice[i]: 0 Official Journal keys, 1 previous self-pointer,
 * 2 neither. */
static vn_err choose_anchors(chain *c, STACK_OF(X509) *oj, unsigned char *choice)
{
	int fds[2], status = 0;
	pid_t pid;
	size_t got = 0;

	if (pipe(fds) != 0)
		return VN_ERR_IO;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return VN_ERR_IO;
	}
	if (pid == 0) {
		unsigned char ch[MAX_PIVOTS + 1];
		size_t i;

		close(fds[0]);
		for (i = 0; i < c->n; i++) {
			int ok = 0;

			ch[i] = 2;
			if (verify_one(c->v[i], oj, &ok, NULL, 1) == VN_OK && ok)
				ch[i] = 0;
			else if (c->alt[i] != NULL &&
				 verify_one(c->v[i], c->alt[i], &ok, NULL, 0) == VN_OK && ok)
				ch[i] = 1;
		}
		_exit(write(fds[1], ch, c->n) == (ssize_t)c->n ? 0 : 1);
	}
	close(fds[1]);
	while (got < c->n) {
		ssize_t r = read(fds[0], choice + got, c->n - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    got != c->n)
		return VN_ERR_INTERNAL;
	return VN_OK;
}

/* Assign roles and anchors to every file of the pool. Every file must be
 * claimed: the LOTL, one of its pivots, or a list one of its pointers names. */
static vn_err setup(pool *p, const char *lotl_url, STACK_OF(X509) *oj)
{
	tl_list *lotl = NULL, *prev = NULL;
	blist *lb;
	chain c;
	unsigned char choice[MAX_PIVOTS + 1];
	size_t i, missing = 0;
	vn_err e;

	memset(&c, 0, sizeof c);
	lb = find_url(p, lotl_url);
	if (lb == NULL) {
		fprintf(stderr, "bench_ingest: %s is not in the pool\n", lotl_url);
		return VN_ERR_NOT_FOUND;
	}
	e = parse_one(lb, &lotl);
	if (e != VN_OK)
		goto out;
	if (!tl_list_is_lotl(lotl)) {
		fprintf(stderr, "bench_ingest: %s is not a list of lists\n", lb->name);
		e = VN_ERR_MALFORMED;
		goto out;
	}
	lb->role = ROLE_LOTL;

	/* Pivots oldest first, then the LOTL itself. */
	for (i = lotl->scheme_info_uris.n; i-- > 0;) {
		const char *u = lotl->scheme_info_uris.v[i];
		blist *pb;

		if (!ends_with(u, ".xml") || strcmp(u, lotl_url) == 0)
			continue;
		pb = find_url(p, u);
		if (pb == NULL) {
			fprintf(stderr, "bench_ingest: pivot %s is not in the pool\n", u);
			continue;
		}
		if (pb->role != ROLE_NONE || c.n == MAX_PIVOTS)
			continue;
		pb->role = ROLE_PIVOT;
		c.v[c.n++] = pb;
	}
	c.v[c.n++] = lb;
	for (i = 0; i < c.n; i++) {
		tl_list *cur = NULL;
		const tl_pointer *sp;

		if (prev != NULL && (sp = tl_lotl_self_pointer(prev)) != NULL && sp->sdi.ncerts > 0) {
			c.alt[i] = tl_pointer_certs(sp);
			if (c.alt[i] == NULL) {
				e = VN_ERR_NOMEM;
				goto out;
			}
		}
		if (c.v[i] != lb) {
			e = parse_one(c.v[i], &cur);
			if (e != VN_OK)
				goto out;
		}
		tl_list_free(prev);
		prev = cur;	/* NULL after the LOTL, the last of the chain */
	}
	e = choose_anchors(&c, oj, choice);
	if (e != VN_OK) {
		fprintf(stderr, "bench_ingest: choosing anchors failed\n");
		goto out;
	}
	for (i = 0; i < c.n; i++) {
		if (choice[i] == 2) {
			fprintf(stderr, "bench_ingest: %s verifies neither with the Official Journal "
				"keys nor with the previous pivot's certificates\n", c.v[i]->name);
			e = VN_ERR_INTERNAL;
			goto out;
		}
		c.v[i]->anchors = choice[i] == 0 ? X509_chain_up_ref(oj) : c.alt[i];
		if (choice[i] == 1)
			c.alt[i] = NULL;
		if (c.v[i]->anchors == NULL) {
			e = VN_ERR_NOMEM;
			goto out;
		}
		fprintf(stderr, "bench_ingest: %s anchored by %s\n", c.v[i]->name,
			choice[i] == 0 ? "the Official Journal keys" : "the previous self-pointer");
	}

	/* Member lists: exactly the certificates of their pointer. */
	for (i = 0; i < lotl->npointers; i++) {
		const tl_pointer *ptr = &lotl->pointers[i];
		blist *tb;

		if (!tl_pointer_is_xml(ptr) || tl_type_is_lotl(ptr->tsl_type) || ptr->location == NULL)
			continue;
		tb = find_url(p, ptr->location);
		if (tb == NULL) {
			fprintf(stderr, "bench_ingest: %s (%s) is not in the pool: not measured\n",
				ptr->location, ptr->territory ? ptr->territory : "?");
			missing++;
			continue;
		}
		if (tb->role != ROLE_NONE)
			continue;
		tb->role = ROLE_TL;
		tb->anchors = tl_pointer_certs(ptr);
		if (tb->anchors == NULL) {
			e = VN_ERR_NOMEM;
			goto out;
		}
	}
	for (i = 0; i < p->n; i++)
		if (p->v[i].role == ROLE_NONE) {
			fprintf(stderr, "bench_ingest: %s is named by no pointer of the LOTL\n",
				p->v[i].name);
			e = VN_ERR_NOT_FOUND;
		}
	if (missing > 0)
		fprintf(stderr, "bench_ingest: %zu pointed list(s) absent from the pool\n", missing);
out:
	tl_list_free(prev);
	tl_list_free(lotl);
	chain_free(&c);
	return e;
}

/* One full pass over the pool. Returns the number of TOTAL-PASSED lists in
 * *passed; keep_signer stores each signer (first pass) for the export. */
static vn_err run_pass(pool *p, size_t *passed, int keep_signer)
{
	size_t i;
	vn_err e = VN_OK;

	*passed = 0;
	for (i = 0; i < p->n; i++) {
		blist *l = &p->v[i];
		int ok = 0;

		e = verify_one(l, l->anchors, &ok, keep_signer ? &l->signer : NULL, 0);
		if (e != VN_OK)
			return e;
		if (ok)
			(*passed)++;
	}
	return VN_OK;
}

static vn_err export_signers(pool *p, const char *dir, const char *pool_dir)
{
	char path[PATH_LEN];
	FILE *tsv = NULL;
	size_t i;
	vn_err e = VN_OK;

	if ((size_t)snprintf(path, sizeof path, "%s/lists.tsv", dir) >= sizeof path)
		return VN_ERR_TOO_LARGE;
	tsv = fopen(path, "w");
	if (tsv == NULL) {
		fprintf(stderr, "bench_ingest: %s: %s\n", path, strerror(errno));
		return VN_ERR_IO;
	}
	for (i = 0; i < p->n; i++) {
		FILE *f;
		int ok;

		if (p->v[i].signer == NULL) {
			e = VN_ERR_INTERNAL;
			goto out;
		}
		if ((size_t)snprintf(path, sizeof path, "%s/signer-%03zu.pem", dir, i) >= sizeof path) {
			e = VN_ERR_TOO_LARGE;
			goto out;
		}
		f = fopen(path, "w");
		if (f == NULL) {
			e = VN_ERR_IO;
			goto out;
		}
		ok = PEM_write_X509(f, p->v[i].signer);
		if (fclose(f) != 0 || ok != 1) {
			e = VN_ERR_IO;
			goto out;
		}
		fprintf(tsv, "%s/%s\t%s\n", pool_dir, p->v[i].name, path);
	}
out:
	if (fclose(tsv) != 0 && e == VN_OK)
		e = VN_ERR_IO;
	return e;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_ingest POOL_DIR OJ_PEM [-s SECONDS] [-l LOTL_URL] "
			"[-x EXPORT_DIR]\n");
}

int main(int argc, char **argv)
{
	static pool p;
	STACK_OF(X509) *oj = NULL;
	const char *pool_dir, *oj_pem, *lotl_url = DEFAULT_LOTL, *export_dir = NULL;
	double seconds = 2.0, t0, t1, cold, warm;
	size_t passed = 0, rounds = 0, i;
	struct rusage ru;
	int argi, rc = 1;
	vn_err e;

	if (argc < 3) {
		usage();
		return 64;
	}
	pool_dir = argv[1];
	oj_pem = argv[2];
	for (argi = 3; argi < argc; argi++) {
		if (argi + 1 >= argc) {
			usage();
			return 64;
		}
		if (strcmp(argv[argi], "-s") == 0)
			seconds = strtod(argv[++argi], NULL);
		else if (strcmp(argv[argi], "-l") == 0)
			lotl_url = argv[++argi];
		else if (strcmp(argv[argi], "-x") == 0)
			export_dir = argv[++argi];
		else {
			usage();
			return 64;
		}
	}
	if (!(seconds > 0.0 && seconds < 3600.0)) {
		usage();
		return 64;
	}

	e = tl_load_certs(oj_pem, &oj);
	if (e != VN_OK) {
		fprintf(stderr, "bench_ingest: %s: %s\n", oj_pem, vn_err_str(e));
		goto out;
	}
	e = read_pool(pool_dir, &p);
	if (e != VN_OK)
		goto out;
	if (p.n == 0) {
		fprintf(stderr, "bench_ingest: %s holds no lists\n", pool_dir);
		goto out;
	}
	e = setup(&p, lotl_url, oj);
	if (e != VN_OK)
		goto out;
	fprintf(stderr, "bench_ingest: %zu lists, %zu bytes of XML\n", p.n, p.bytes);

	/* Cold: the first pass of the process, xmlsec and OpenSSL init included. */
	t0 = now_s();
	e = run_pass(&p, &passed, 1);
	cold = now_s() - t0;
	if (e != VN_OK)
		goto out;
	if (passed != p.n) {
		fprintf(stderr, "bench_ingest: cold pass: %zu of %zu lists TOTAL-PASSED\n", passed, p.n);
		goto out;
	}

	/* Warm: whole passes until at least `seconds` have gone by. */
	t0 = now_s();
	do {
		e = run_pass(&p, &passed, 0);
		if (e != VN_OK)
			goto out;
		if (passed != p.n) {
			fprintf(stderr, "bench_ingest: pass %zu: %zu of %zu lists TOTAL-PASSED\n",
				rounds + 1, passed, p.n);
			goto out;
		}
		rounds++;
		t1 = now_s();
	} while (t1 - t0 < seconds);
	warm = t1 - t0;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		goto out;
	fprintf(stderr, "bench_ingest: %zu warm passes in %.3f s, every list TOTAL-PASSED\n",
		rounds, warm);
	figure("ingest_lists", (double)p.n, "lists");
	figure("ingest_xml_bytes", (double)p.bytes, "bytes");
	figure("ingest_rounds", (double)rounds, "passes");
	figure("ingest_lists_per_s", (double)(p.n * rounds) / warm, "lists/s");
	figure("ingest_mb_per_s", (double)p.bytes * (double)rounds / warm / 1e6, "MB/s");
	figure("ingest_pass_ms", warm / (double)rounds * 1e3, "ms");
	figure("ingest_cold_pass_ms", cold * 1e3, "ms");
	figure("ingest_peak_rss_kib", (double)ru.ru_maxrss, "KiB");
	fflush(stdout);

	if (export_dir != NULL) {
		e = export_signers(&p, export_dir, pool_dir);
		if (e != VN_OK) {
			fprintf(stderr, "bench_ingest: export to %s: %s\n", export_dir, vn_err_str(e));
			goto out;
		}
	}
	rc = 0;
out:
	for (i = 0; i < p.n; i++) {
		free(p.v[i].data);
		sk_X509_pop_free(p.v[i].anchors, X509_free);
		X509_free(p.v[i].signer);
	}
	sk_X509_pop_free(oj, X509_free);
	if (rc != 0)
		fprintf(stderr, "bench_ingest: FAILED\n");
	return rc;
}
