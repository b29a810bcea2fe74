/* Check suite for the trust snapshot: lookup by certificate, key and SKI,
 * status at a time through the service history, territory index,
 * reference counting. Real lists from the corpus. */
#include "tests/unit/vn_test.h"

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "common/vn_buf.h"
#include "trustlists/tl_snapshot.h"
#include "trustlists/tl_xml.h"
#include "tests/unit/v_testpki.h"

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

/* The lookup keeps the certificate's DER and key hashes beside the object
 * (vn_cert_memo): the same object asked of other snapshots, at other
 * times, and other objects after it, gets each its own answer. */
START_TEST(test_find_memo_per_cert)
{
	const vn_time y2016 = 1451606400, y2020 = 1577836800, far = 4102444800;	/* 2016, 2020, 2100 */
	EVP_PKEY *k = tp_key(0);
	tp_cert ca = tp_make("Memo CA", k, NULL, 1, y2016, far, 1, NULL, NULL, NULL, NULL);
	tp_cert ca2 = tp_make("Memo CA", k, NULL, 2, y2016, far, 1, NULL, NULL, NULL, NULL);
	tp_cert other = tp_make("Other CA", NULL, NULL, 3, y2016, far, 1, NULL, NULL, NULL, NULL);
	const char *types[] = {TP_CA_QC};
	tl_snapshot *s1, *s2;
	tl_snap_match m[4];
	unsigned char *der = NULL;
	const unsigned char *p;
	X509 *again;
	int n, round;

	tl_xml_global_init();
	s1 = tp_snapshot(types, &ca.x, 1);
	s2 = tp_snapshot(types, &ca2.x, 1);
	for (round = 0; round < 2; round++) {	/* the second round is answered from the memo */
		ck_assert_uint_eq(tl_snapshot_find(s1, ca.x, y2020, m, 4), 1);
		ck_assert_int_eq(m[0].kind, TL_MATCH_CERT);
		ck_assert_ptr_nonnull(m[0].entry);
		/* another snapshot lists another certificate with the same key */
		ck_assert_uint_eq(tl_snapshot_find(s2, ca.x, y2020, m, 4), 1);
		ck_assert_int_eq(m[0].kind, TL_MATCH_KEY);
		/* before the service's interval: matched, nothing in force */
		ck_assert_uint_eq(tl_snapshot_find(s1, ca.x, y2016, m, 4), 1);
		ck_assert_ptr_null(m[0].entry);
		/* other objects have their own facts */
		ck_assert_uint_eq(tl_snapshot_find(s1, other.x, y2020, m, 4), 0);
		ck_assert_uint_eq(tl_snapshot_find(s1, ca2.x, y2020, m, 4), 1);
		ck_assert_int_eq(m[0].kind, TL_MATCH_KEY);
		ck_assert_uint_eq(tl_snapshot_find(s2, ca2.x, y2020, m, 4), 1);
		ck_assert_int_eq(m[0].kind, TL_MATCH_CERT);
	}
	/* a fresh decode of the same bytes: the same answer */
	n = i2d_X509(ca.x, &der);
	ck_assert_int_gt(n, 0);
	p = der;
	again = d2i_X509(NULL, &p, n);
	ck_assert_ptr_nonnull(again);
	ck_assert_uint_eq(tl_snapshot_find(s1, again, y2020, m, 4), 1);
	ck_assert_int_eq(m[0].kind, TL_MATCH_CERT);
	X509_free(again);
	OPENSSL_free(der);
	tl_snapshot_unref(s1);
	tl_snapshot_unref(s2);
	tp_free(&other);
	X509_free(ca2.x);	/* ca2 shares ca's key */
	tp_free(&ca);
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
	tcase_add_test(tc, test_find_memo_per_cert);
	suite_add_tcase(s, tc);
	return vn_test_run(s);
}
