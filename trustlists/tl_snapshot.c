#include "trustlists/tl_snapshot.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "common/vn_certcache.h"
#include "common/vn_digest.h"

/* Index key: a tag byte and a SHA-256. */
typedef struct snap_key {
	unsigned char h[33];
	tl_match_kind kind;
	size_t svc;		/* index into services */
} snap_key;

static atomic_uint_fast64_t snapshot_ids;

struct tl_snapshot {
	atomic_int refs;
	uint64_t id;
	tl_list **lists;
	char **schemes, **urls;	/* per list */
	size_t nlists;
	tl_snap_service *services;
	size_t nservices;
	snap_key *keys;
	size_t nkeys;
};

struct tl_snapshot_builder {
	tl_snapshot *s;
	vn_err err;
};

tl_snapshot_builder *tl_snapshot_builder_new(void)
{
	tl_snapshot_builder *b = calloc(1, sizeof *b);

	if (b == NULL)
		return NULL;
	b->s = calloc(1, sizeof *b->s);
	if (b->s == NULL) {
		free(b);
		return NULL;
	}
	atomic_init(&b->s->refs, 1);
	b->s->id = (uint64_t)atomic_fetch_add(&snapshot_ids, 1) + 1;
	return b;
}

static void snapshot_free(tl_snapshot *s)
{
	size_t i;

	for (i = 0; i < s->nlists; i++) {
		tl_list_free(s->lists[i]);
		free(s->schemes[i]);
		free(s->urls[i]);
	}
	free(s->lists);
	free(s->schemes);
	free(s->urls);
	free(s->services);
	free(s->keys);
	free(s);
}

void tl_snapshot_builder_free(tl_snapshot_builder *b)
{
	if (b == NULL)
		return;
	if (b->s != NULL)
		snapshot_free(b->s);
	free(b);
}

vn_err tl_snapshot_builder_add(tl_snapshot_builder *b, tl_list *list, const char *scheme,
			       const char *url)
{
	tl_snapshot *s = b->s;
	tl_list **nl;
	char **ns, **nu;

	nl = realloc(s->lists, (s->nlists + 1) * sizeof *nl);
	if (nl != NULL)
		s->lists = nl;
	ns = realloc(s->schemes, (s->nlists + 1) * sizeof *ns);
	if (ns != NULL)
		s->schemes = ns;
	nu = realloc(s->urls, (s->nlists + 1) * sizeof *nu);
	if (nu != NULL)
		s->urls = nu;
	if (nl == NULL || ns == NULL || nu == NULL) {
		tl_list_free(list);
		return VN_ERR_NOMEM;
	}
	s->lists[s->nlists] = list;
	s->schemes[s->nlists] = strdup(scheme ? scheme : "");
	s->urls[s->nlists] = strdup(url ? url : "");
	s->nlists++;
	if (s->schemes[s->nlists - 1] == NULL || s->urls[s->nlists - 1] == NULL)
		return VN_ERR_NOMEM;
	return VN_OK;
}

static int str_cmp_null(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int svc_cmp(const void *x, const void *y)
{
	const tl_snap_service *a = x, *b = y;
	int c = str_cmp_null(a->list->territory, b->list->territory);

	if (c != 0)
		return c;
	return str_cmp_null(a->service->entries[0].type, b->service->entries[0].type);
}

static int key_cmp(const void *x, const void *y)
{
	return memcmp(((const snap_key *)x)->h, ((const snap_key *)y)->h, 33);
}

static void hash_tagged(unsigned char tag, const unsigned char *p, size_t n, unsigned char out[33])
{
	out[0] = tag;
	if (vn_sha256(p, n, out + 1) != 0)
		memset(out + 1, 0, 32);
}

/* Key hash of a certificate: SHA-256 over its SubjectPublicKeyInfo DER. */
static int cert_key_hash(X509 *x, unsigned char out[33])
{
	unsigned char *der = NULL;
	/* The SubjectPublicKeyInfo as the certificate carries it: encoding the
	 * stored structure costs nothing next to re-encoding a decoded EVP_PKEY
	 * through the providers, and gives the same bytes. */
	int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);

	if (n <= 0)
		return -1;
	hash_tagged('K', der, (size_t)n, out);
	OPENSSL_free(der);
	return 0;
}

/* Subject hash: SHA-256 over the name's DER, tagged apart from keys and SKIs
 * so that tl_snapshot_find never meets it. */
static int subject_hash(const X509_NAME *name, unsigned char out[33])
{
	const unsigned char *der = NULL;
	size_t n = 0;

	if (X509_NAME_get0_der(name, &der, &n) != 1 || n == 0)
		return -1;
	hash_tagged('N', der, n, out);
	return 0;
}

static vn_err push_key(tl_snapshot *s, size_t *cap, const unsigned char h[33],
		       tl_match_kind kind, size_t svc)
{
	if (s->nkeys == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		snap_key *nk = realloc(s->keys, nc * sizeof *nk);
		if (nk == NULL)
			return VN_ERR_NOMEM;
		s->keys = nk;
		*cap = nc;
	}
	memcpy(s->keys[s->nkeys].h, h, 33);
	s->keys[s->nkeys].kind = kind;
	s->keys[s->nkeys].svc = svc;
	s->nkeys++;
	return VN_OK;
}

static vn_err index_sdi(tl_snapshot *s, size_t *cap, const tl_sdi *sdi, size_t svc)
{
	unsigned char h[33];
	size_t i;
	vn_err e;

	for (i = 0; i < sdi->ncerts; i++) {
		const unsigned char *p = sdi->certs[i].p;
		X509 *x = d2i_X509(NULL, &p, (long)sdi->certs[i].n);
		const ASN1_OCTET_STRING *ski;

		if (x == NULL)
			continue;
		if (cert_key_hash(x, h) == 0 && (e = push_key(s, cap, h, TL_MATCH_KEY, svc)) != VN_OK) {
			X509_free(x);
			return e;
		}
		if (subject_hash(X509_get_subject_name(x), h) == 0 &&
		    (e = push_key(s, cap, h, TL_MATCH_SUBJECT, svc)) != VN_OK) {
			X509_free(x);
			return e;
		}
		ski = X509_get0_subject_key_id(x);
		if (ski != NULL) {
			hash_tagged('S', ASN1_STRING_get0_data(ski), (size_t)ASN1_STRING_length(ski), h);
			if ((e = push_key(s, cap, h, TL_MATCH_SKI, svc)) != VN_OK) {
				X509_free(x);
				return e;
			}
		}
		X509_free(x);
	}
	for (i = 0; i < sdi->nskis; i++) {
		hash_tagged('S', sdi->skis[i].p, sdi->skis[i].n, h);
		if ((e = push_key(s, cap, h, TL_MATCH_SKI, svc)) != VN_OK)
			return e;
	}
	return VN_OK;
}

vn_err tl_snapshot_build(tl_snapshot_builder *b, tl_snapshot **out)
{
	tl_snapshot *s = b->s;
	size_t i, j, k, m, n = 0, cap = 0;
	vn_err e = VN_OK;

	*out = NULL;
	for (i = 0; i < s->nlists; i++)
		for (j = 0; j < s->lists[i]->ntsps; j++)
			n += s->lists[i]->tsps[j].nservices;
	s->services = calloc(n ? n : 1, sizeof *s->services);
	if (s->services == NULL) {
		e = VN_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < s->nlists; i++)
		for (j = 0; j < s->lists[i]->ntsps; j++)
			for (k = 0; k < s->lists[i]->tsps[j].nservices; k++) {
				tl_snap_service *sv = &s->services[s->nservices++];
				sv->scheme = s->schemes[i];
				sv->url = s->urls[i];
				sv->list = s->lists[i];
				sv->tsp = &s->lists[i]->tsps[j];
				sv->service = &s->lists[i]->tsps[j].services[k];
			}
	qsort(s->services, s->nservices, sizeof *s->services, svc_cmp);
	for (i = 0; i < s->nservices; i++)
		for (m = 0; m < s->services[i].service->n; m++) {
			e = index_sdi(s, &cap, &s->services[i].service->entries[m].sdi, i);
			if (e != VN_OK)
				goto out;
		}
	if (s->nkeys > 0)	/* keys is NULL when no list carries a certificate */
		qsort(s->keys, s->nkeys, sizeof *s->keys, key_cmp);
	*out = s;
	b->s = NULL;
out:
	tl_snapshot_builder_free(b);
	return e;
}

tl_snapshot *tl_snapshot_ref(tl_snapshot *s)
{
	if (s != NULL)
		atomic_fetch_add(&s->refs, 1);
	return s;
}

void tl_snapshot_unref(tl_snapshot *s)
{
	if (s != NULL && atomic_fetch_sub(&s->refs, 1) == 1)
		snapshot_free(s);
}

const tl_service_entry *tl_service_at(const tl_service *svc, vn_time t)
{
	size_t i;

	for (i = 0; i < svc->n; i++) {
		const tl_service_entry *e = &svc->entries[i];
		if (e->start == VN_TIME_NONE || t < e->start)
			continue;
		if (e->end != VN_TIME_NONE && t >= e->end)
			continue;
		return e;
	}
	return NULL;
}

/* Whether the certificate is literally one of the identity's certificates. */
static int sdi_has_cert(const tl_sdi *sdi, const unsigned char *der, size_t n)
{
	size_t i;

	for (i = 0; i < sdi->ncerts; i++)
		if (sdi->certs[i].n == n && memcmp(sdi->certs[i].p, der, n) == 0)
			return 1;
	return 0;
}

static size_t lookup(const tl_snapshot *s, const unsigned char h[33], X509 *cert,
		     const unsigned char *der, size_t dern, vn_time at, tl_snap_match *out,
		     size_t max, size_t found)
{
	size_t lo = 0, hi = s->nkeys, i;

	(void)cert;
	while (lo < hi) {	/* first key >= h */
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(s->keys[mid].h, h, 33) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < s->nkeys && memcmp(s->keys[i].h, h, 33) == 0; i++) {
		const tl_snap_service *sv = &s->services[s->keys[i].svc];
		size_t k;
		int dup = 0;

		/* one match per service, the strongest kind first found */
		for (k = 0; k < found && k < max; k++)
			if (out[k].svc == sv)
				dup = 1;
		if (dup)
			continue;
		if (found < max) {
			const tl_service_entry *e = tl_service_at(sv->service, at);
			out[found].svc = sv;
			out[found].entry = e;
			out[found].kind = s->keys[i].kind;
			if (out[found].kind == TL_MATCH_KEY && e != NULL &&
			    sdi_has_cert(&e->sdi, der, dern))
				out[found].kind = TL_MATCH_CERT;
		}
		found++;
	}
	return found;
}

/* What a lookup needs of a certificate, memoised beside it (vn_certcache.h):
 * its DER and its key and SKI hashes are functions of the decoded object
 * alone, and the same anchor is looked up several times per signature. */
typedef struct snap_cert {
	unsigned char *der;	/* i2d_X509, OPENSSL_free */
	size_t dern;
	unsigned char key[33], ski[33];
	int has_key, has_ski;
} snap_cert;

static void snap_cert_free(void *p)
{
	snap_cert *c = p;

	if (c != NULL) {
		OPENSSL_free(c->der);
		free(c);
	}
}

static void *snap_cert_make(X509 *x)
{
	snap_cert *c = calloc(1, sizeof *c);
	const ASN1_OCTET_STRING *ski;
	int dern;

	if (c == NULL)
		return NULL;
	dern = i2d_X509(x, &c->der);
	if (dern <= 0) {
		c->der = NULL;	/* not encodable: never found, as before */
		return c;
	}
	c->dern = (size_t)dern;
	c->has_key = cert_key_hash(x, c->key) == 0;
	ski = X509_get0_subject_key_id(x);
	if (ski != NULL) {
		hash_tagged('S', ASN1_STRING_get0_data(ski), (size_t)ASN1_STRING_length(ski), c->ski);
		c->has_ski = 1;
	}
	return c;
}

static vn_cert_memo_kind snap_cert_kind = {snap_cert_make, snap_cert_free, 0};

size_t tl_snapshot_find(const tl_snapshot *s, X509 *cert, vn_time at, tl_snap_match *out,
			size_t max)
{
	const snap_cert *c = vn_cert_memo(cert, &snap_cert_kind);
	size_t found = 0;

	if (c == NULL || c->der == NULL)
		return 0;
	if (c->has_key)
		found = lookup(s, c->key, cert, c->der, c->dern, at, out, max, found);
	if (c->has_ski)
		found = lookup(s, c->ski, cert, c->der, c->dern, at, out, max, found);
	return found;
}

size_t tl_snapshot_find_by_subject(const tl_snapshot *s, const X509_NAME *name,
				   tl_snap_match *out, size_t max)
{
	unsigned char h[33];
	size_t lo = 0, hi = s->nkeys, i, k, found = 0;

	if (subject_hash(name, h) != 0)
		return 0;
	while (lo < hi) {	/* first key >= h */
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(s->keys[mid].h, h, 33) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < s->nkeys && memcmp(s->keys[i].h, h, 33) == 0; i++) {
		const tl_snap_service *sv = &s->services[s->keys[i].svc];
		int dup = 0;

		for (k = 0; k < found && k < max; k++)
			if (out[k].svc == sv)
				dup = 1;
		if (dup)
			continue;
		if (found < max) {
			out[found].svc = sv;
			out[found].entry = NULL;
			out[found].kind = TL_MATCH_SUBJECT;
		}
		found++;
	}
	return found;
}

const tl_snap_service *tl_snapshot_services(const tl_snapshot *s, size_t *n)
{
	*n = s->nservices;
	return s->services;
}

const tl_snap_service *tl_snapshot_by_territory(const tl_snapshot *s, const char *territory,
						size_t *n)
{
	size_t lo = 0, hi = s->nservices, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (str_cmp_null(s->services[mid].list->territory, territory) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < s->nservices &&
		       str_cmp_null(s->services[end].list->territory, territory) == 0; end++)
		;
	*n = end - lo;
	return *n ? &s->services[lo] : NULL;
}

uint64_t tl_snapshot_id(const tl_snapshot *s)
{
	return s->id;
}

size_t tl_snapshot_nlists(const tl_snapshot *s)
{
	return s->nlists;
}

const tl_list *tl_snapshot_list(const tl_snapshot *s, size_t i)
{
	return i < s->nlists ? s->lists[i] : NULL;
}
