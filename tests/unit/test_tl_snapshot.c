/* Check suite for the trust snapshot: lookup by certificate, key and SKI,
 * status at a time through the service history, territory index,
 * reference counting. Real lists from the corpus. */
#include "tests/unit/vn_test.h"

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "common/vn_buf.h"
#include "trustlists/tl_snapshot.h"
#include "trustlists/tl_xml.h"

#define RES "esig/dss/dss-tsl-validation/src/test/resources/"

static tl_list *load(const char *rel)
{
	char p[1024];
	vn_buf b;
	xmlDocPtr doc = NULL;
	tl_list *l = NULL;

	if (vn_test_corpus(rel, p, sizeof p) == NULL)
		return NULL;
	vn_buf_init(&b, TL_XML_MAX_SIZE);
	ck_assert_int_eq(vn_buf_read_file(&b, p), VN_OK);
	ck_assert_int_eq(tl_xml_read(b.data, b.len, &doc, NULL, 0), VN_OK);
	ck_assert_int_eq(tl_parse(doc, &l), VN_OK);
	xmlFreeDoc(doc);
	vn_buf_free(&b);
	return l;
}

static tl_snapshot *two_lists(void)
{
	tl_list *cz = load(RES "lotlCache/CZ.xml"), *fi = load(RES "fi-v6.xml");
	tl_snapshot_builder *b;
	tl_snapshot *s = NULL;

	if (cz == NULL || fi == NULL) {
		tl_list_free(cz);
		tl_list_free(fi);
		return NULL;
	}
	b = tl_snapshot_builder_new();
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(tl_snapshot_builder_add(b, cz, "eu", "https://x/CZ.xml"), VN_OK);
	ck_assert_int_eq(tl_snapshot_builder_add(b, fi, "eu", "https://x/FI.xml"), VN_OK);
	ck_assert_int_eq(tl_snapshot_build(b, &s), VN_OK);
	return s;
}

/* The first service of a territory whose current entry carries a certificate. */
static const tl_snap_service *first_with_cert(const tl_snapshot *s, const char *terr, X509 **x)
{
	size_t n, i;
	const tl_snap_service *sv = tl_snapshot_by_territory(s, terr, &n);

	for (i = 0; i < n; i++) {
		const tl_service_entry *e = &sv[i].service->entries[0];
		if (e->sdi.ncerts > 0 && e->start != VN_TIME_NONE) {
			const unsigned char *p = e->sdi.certs[0].p;
			*x = d2i_X509(NULL, &p, (long)e->sdi.certs[0].n);
			return &sv[i];
		}
	}
	return NULL;
}

START_TEST(test_find_by_cert)
{
	tl_snapshot *s = two_lists();
	tl_snap_match m[8];
	const tl_snap_service *sv;
	X509 *x = NULL;
	size_t n, i;
	int hit = 0;

	if (s == NULL) {
		fprintf(stderr, "SKIP: corpus absent\n");
		return;
	}
	sv = first_with_cert(s, "FI", &x);
	ck_assert_ptr_nonnull(sv);
	ck_assert_ptr_nonnull(x);
	n = tl_snapshot_find(s, x, sv->service->entries[0].start + 1, m, 8);
	ck_assert_uint_ge(n, 1);
	for (i = 0; i < n && i < 8; i++)
		if (m[i].svc == sv) {
			hit = 1;
			ck_assert_ptr_eq(m[i].entry, &sv->service->entries[0]);
			ck_assert_int_eq(m[i].kind, TL_MATCH_CERT);
		}
	ck_assert(hit);
	/* before the service's first interval: matched, but nothing in force */
	n = tl_snapshot_find(s, x, -1000000000LL, m, 8);
	ck_assert_uint_ge(n, 1);
	ck_assert_ptr_null(m[0].entry);
	X509_free(x);
	tl_snapshot_unref(s);
}
END_TEST

START_TEST(test_history_interval)
{
	tl_snapshot *s = two_lists();
	size_t n, i;
	const tl_snap_service *sv;

	if (s == NULL)
		return;
	sv = tl_snapshot_services(s, &n);
	for (i = 0; i < n; i++) {
		const tl_service *svc = sv[i].service;
		if (svc->n >= 2 && svc->entries[1].start != VN_TIME_NONE &&
		    svc->entries[0].start > svc->entries[1].start) {
			/* just before the current entry: the history entry rules */
			ck_assert_ptr_eq(tl_service_at(svc, svc->entries[0].start - 1), &svc->entries[1]);
			ck_assert_ptr_eq(tl_service_at(svc, svc->entries[0].start), &svc->entries[0]);
			ck_assert_ptr_null(tl_service_at(svc, svc->entries[svc->n - 1].start - 1));
			tl_snapshot_unref(s);
			return;
		}
	}
	ck_abort_msg("no service with history in CZ/FI");
}
END_TEST

START_TEST(test_unknown_cert_and_territory)
{
	tl_snapshot *s = two_lists();
	EVP_PKEY *k;
	X509 *x;
	tl_snap_match m[4];
	size_t n;

	if (s == NULL)
		return;
	k = EVP_EC_gen("P-256");
	x = X509_new();
	ck_assert_ptr_nonnull(k);
	X509_set_pubkey(x, k);
	ck_assert_uint_eq(tl_snapshot_find(s, x, 0, m, 4), 0);
	ck_assert_ptr_null(tl_snapshot_by_territory(s, "AZ", &n));
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_nonnull(tl_snapshot_by_territory(s, "CZ", &n));
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_eq(tl_snapshot_nlists(s), 2);
	X509_free(x);
	EVP_PKEY_free(k);
	tl_snapshot_unref(s);
}
END_TEST

START_TEST(test_refcount)
{
	tl_snapshot *s = two_lists();

	if (s == NULL)
		return;
	ck_assert_ptr_eq(tl_snapshot_ref(s), s);
	tl_snapshot_unref(s);
	ck_assert_uint_eq(tl_snapshot_nlists(s), 2);	/* still alive */
	tl_snapshot_unref(s);
	tl_snapshot_unref(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tl_snapshot");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_find_by_cert);
	tcase_add_test(tc, test_history_interval);
	tcase_add_test(tc, test_unknown_cert_and_territory);
	tcase_add_test(tc, test_refcount);
	suite_add_tcase(s, tc);
	return vn_test_run(s);
}
