/* Check suite for trustlists/tl_cache: the on-disk last-good-copy cache and
 * the replacement decision. */
#include "tests/unit/vn_test.h"

#include <sys/stat.h>

#include "common/vn_buf.h"
#include "trustlists/tl_cache.h"

static char tmpdir[256];

static void mk_tmp(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/vn-cache-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void rm_tmp(void)
{
	char cmd[320];

	if (tmpdir[0] == '\0')
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	tmpdir[0] = '\0';
}

static void path_of(tl_cache *c, const char *url, const char *ext, char *p, size_t n)
{
	char key[65];

	(void)c;
	ck_assert_int_eq(tl_cache_key(url, key), VN_OK);
	snprintf(p, n, "%s/c/%s.%s", tmpdir, key, ext);
}

/* ---- the decision table ---- */

static const struct decide_case {
	int have;
	uint64_t cached_seq;
	int valid;
	uint64_t new_seq;
	tl_cache_decision want;
} decide_cases[] = {
	{0, 0, 0, 0, TL_CACHE_NONE_VALID},		/* nothing held, bad download */
	{0, 0, 0, 9, TL_CACHE_NONE_VALID},
	{0, 0, 1, 1, TL_CACHE_ACCEPT_NEW},		/* first good copy */
	{0, 7, 1, 1, TL_CACHE_ACCEPT_NEW},		/* cached_seq ignored without a copy */
	{1, 5, 0, 6, TL_CACHE_KEEP_OLD_INVALID},	/* bad never replaces good */
	{1, 5, 0, 4, TL_CACHE_KEEP_OLD_INVALID},
	{1, 5, 1, 6, TL_CACHE_ACCEPT_NEW},		/* newer issue */
	{1, 5, 1, 500, TL_CACHE_ACCEPT_NEW},
	{1, 5, 1, 4, TL_CACHE_KEEP_OLD_ROLLBACK},	/* replayed older issue */
	{1, 5, 1, 0, TL_CACHE_KEEP_OLD_ROLLBACK},
	{1, UINT64_MAX, 1, 1, TL_CACHE_KEEP_OLD_ROLLBACK},
	{1, 5, 1, 5, TL_CACHE_KEEP_OLD_SAME},		/* same issue (or uncounted change) */
	{1, UINT64_MAX, 1, UINT64_MAX, TL_CACHE_KEEP_OLD_SAME},
	{1, UINT64_MAX - 1, 1, UINT64_MAX, TL_CACHE_ACCEPT_NEW},
};

START_TEST(test_decide)
{
	const struct decide_case *k = &decide_cases[_i];
	tl_cache_decision d = tl_cache_decide(k->have, k->cached_seq, k->valid, k->new_seq);

	ck_assert_msg(d == k->want, "case %d: got %s, wanted %s", _i,
		      tl_cache_decision_name(d), tl_cache_decision_name(k->want));
}
END_TEST

START_TEST(test_decision_names)
{
	ck_assert_str_eq(tl_cache_decision_name(TL_CACHE_ACCEPT_NEW), "accept-new");
	ck_assert_str_eq(tl_cache_decision_name(TL_CACHE_KEEP_OLD_ROLLBACK), "keep-old-rollback");
	ck_assert_str_eq(tl_cache_decision_name((tl_cache_decision)99), "unknown");
}
END_TEST

/* ---- storage ---- */

START_TEST(test_key)
{
	char key[65];

	/* SHA-256("abc"), FIPS 180-2 appendix B.1 */
	ck_assert_int_eq(tl_cache_key("abc", key), VN_OK);
	ck_assert_str_eq(key, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

START_TEST(test_open_creates_0700)
{
	char dir[320];
	struct stat st;
	tl_cache *c = NULL;

	mk_tmp();
	snprintf(dir, sizeof dir, "%s/a/b/cache", tmpdir);
	ck_assert_int_eq(tl_cache_open(dir, &c), VN_OK);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0700);
	tl_cache_close(c);
	/* opening again is fine */
	ck_assert_int_eq(tl_cache_open(dir, &c), VN_OK);
	tl_cache_close(c);
	/* a file where the directory should be is refused */
	snprintf(dir, sizeof dir, "%s/file", tmpdir);
	ck_assert_int_eq(vn_write_file_atomic(dir, "x", 1, 0600), VN_OK);
	ck_assert_int_eq(tl_cache_open(dir, &c), VN_ERR_IO);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(tl_cache_open("", &c), VN_ERR_ARG);
	tl_cache_close(NULL);
	rm_tmp();
}
END_TEST

static const char URL[] = "https://tl.example/lotl.xml";
static const char BODY[] = "<TrustServiceStatusList/>\n";

START_TEST(test_put_get_roundtrip)
{
	char dir[320], p[400];
	tl_cache *c = NULL;
	tl_cache_meta in, out;
	vn_buf b;
	struct stat st;

	mk_tmp();
	snprintf(dir, sizeof dir, "%s/c", tmpdir);
	ck_assert_int_eq(tl_cache_open(dir, &c), VN_OK);

	/* absent */
	ck_assert_int_eq(tl_cache_get(c, URL, &b, &out), VN_ERR_NOT_FOUND);
	ck_assert_int_eq(b.len, 0);
	ck_assert_str_eq(out.problem, "");
	tl_cache_meta_free(&out);

	tl_cache_meta_init(&in);
	in.etag = "\"abc-123\"";
	in.last_modified = "Wed, 01 Nov 2023 00:00:00 GMT";
	in.sequence = 18446744073709551615u;	/* the whole uint64 range survives */
	in.fetched_at = 1698796800;
	in.verified_at = 1698796801;
	in.last_attempt = 1698796800;
	ck_assert_int_eq(tl_cache_put(c, URL, BODY, strlen(BODY), &in), VN_OK);

	ck_assert_int_eq(tl_cache_get(c, URL, &b, &out), VN_OK);
	ck_assert_int_eq(b.len, strlen(BODY));
	ck_assert_mem_eq(b.data, BODY, b.len);
	ck_assert_str_eq(out.url, URL);
	ck_assert_str_eq(out.etag, "\"abc-123\"");
	ck_assert_str_eq(out.last_modified, "Wed, 01 Nov 2023 00:00:00 GMT");
	ck_assert(out.sequence == 18446744073709551615u);
	ck_assert_int_eq(out.fetched_at, 1698796800);
	ck_assert_int_eq(out.verified_at, 1698796801);
	ck_assert_ptr_null(out.last_error);
	ck_assert_int_eq(strlen(out.sha256), 64);
	tl_cache_meta_free(&out);
	vn_buf_free(&b);

	/* the body file holds the bytes exactly, mode 0600 */
	path_of(c, URL, "xml", p, sizeof p);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_size, (off_t)strlen(BODY));
	ck_assert_int_eq(st.st_mode & 0777, 0600);

	/* meta may be NULL; another URL is absent */
	ck_assert_int_eq(tl_cache_get(c, URL, &b, NULL), VN_OK);
	vn_buf_free(&b);
	ck_assert_int_eq(tl_cache_get(c, "https://tl.example/other.xml", &b, NULL),
			 VN_ERR_NOT_FOUND);

	/* an empty list body is stored as such; put without meta */
	ck_assert_int_eq(tl_cache_put(c, "file:///empty", "", 0, NULL), VN_OK);
	ck_assert_int_eq(tl_cache_get(c, "file:///empty", &b, &out), VN_OK);
	ck_assert_int_eq(b.len, 0);
	ck_assert(out.sequence == 0);
	ck_assert(out.fetched_at == VN_TIME_NONE);
	tl_cache_meta_free(&out);
	vn_buf_free(&b);
	ck_assert_int_eq(tl_cache_put(c, URL, NULL, 3, NULL), VN_ERR_ARG);
	tl_cache_close(c);
	rm_tmp();
}
END_TEST

START_TEST(test_note_failure_keeps_body)
{
	char dir[320];
	tl_cache *c = NULL;
	tl_cache_meta in, out;
	vn_buf b;

	mk_tmp();
	snprintf(dir, sizeof dir, "%s/c", tmpdir);
	ck_assert_int_eq(tl_cache_open(dir, &c), VN_OK);

	/* a failure before anything was stored: notes only, still absent */
	ck_assert_int_eq(tl_cache_note_failure(c, URL, "unreachable: refused", 100), VN_OK);
	ck_assert_int_eq(tl_cache_get(c, URL, &b, &out), VN_ERR_NOT_FOUND);
	ck_assert_str_eq(out.last_error, "unreachable: refused");
	ck_assert_int_eq(out.last_attempt, 100);
	ck_assert_str_eq(out.problem, "");
	tl_cache_meta_free(&out);

	tl_cache_meta_init(&in);
	in.sequence = 7;
	in.fetched_at = 200;
	ck_assert_int_eq(tl_cache_put(c, URL, BODY, strlen(BODY), &in), VN_OK);
	ck_assert_int_eq(tl_cache_note_failure(c, URL, "HTTP 503", 300), VN_OK);
	ck_assert_int_eq(tl_cache_get(c, URL, &b, &out), VN_OK);
	ck_assert_mem_eq(b.data, BODY, strlen(BODY));
	ck_assert_str_eq(out.last_error, "HTTP 503");
	ck_assert_int_eq(out.last_attempt, 300);
	ck_assert(out.sequence == 7);
	ck_assert_int_eq(out.fetched_at, 200);
	tl_cache_meta_free(&out);
	vn_buf_free(&b);
	tl_cache_close(c);
	rm_tmp();
}
END_TEST

/* Damage done to an entry on disk, each of which must make it absent. */
enum damage { D_BODY_ALTERED, D_BODY_MISSING, D_META_GARBAGE, D_META_OTHER_URL,
	      D_META_BAD_SHA, D_META_BAD_SEQ, D_META_BAD_TIME, D_META_DUP_KEY, D__N };

START_TEST(test_damaged_entry_is_absent)
{
	char dir[320], xml[400], meta[400];
	tl_cache *c = NULL;
	tl_cache_meta out;
	vn_buf b;
	const char *s = NULL;

	mk_tmp();
	snprintf(dir, sizeof dir, "%s/c", tmpdir);
	ck_assert_int_eq(tl_cache_open(dir, &c), VN_OK);
	ck_assert_int_eq(tl_cache_put(c, URL, BODY, strlen(BODY), NULL), VN_OK);
	path_of(c, URL, "xml", xml, sizeof xml);
	path_of(c, URL, "meta", meta, sizeof meta);
	switch ((enum damage)_i) {
	case D_BODY_ALTERED:
		ck_assert_int_eq(vn_write_file_atomic(xml, "<evil/>", 7, 0600), VN_OK);
		break;
	case D_BODY_MISSING:
		ck_assert_int_eq(unlink(xml), 0);
		break;
	case D_META_GARBAGE:
		s = "{not json";
		break;
	case D_META_OTHER_URL:
		s = "{\"url\":\"https://evil.example/\"}";
		break;
	case D_META_BAD_SHA:
		s = "{\"url\":\"https://tl.example/lotl.xml\",\"sha256\":\"xyz\"}";
		break;
	case D_META_BAD_SEQ:
		s = "{\"url\":\"https://tl.example/lotl.xml\",\"sequence\":\"99999999999999999999999\"}";
		break;
	case D_META_BAD_TIME:
		s = "{\"url\":\"https://tl.example/lotl.xml\",\"fetched_at\":\"yesterday\"}";
		break;
	case D_META_DUP_KEY:
		s = "{\"url\":\"https://tl.example/lotl.xml\",\"url\":\"https://tl.example/lotl.xml\"}";
		break;
	case D__N:
		break;
	}
	if (s != NULL)
		ck_assert_int_eq(vn_write_file_atomic(meta, s, strlen(s), 0600), VN_OK);
	ck_assert_int_eq(tl_cache_get(c, URL, &b, &out), VN_ERR_NOT_FOUND);
	ck_assert_int_eq(b.len, 0);
	ck_assert_msg(out.problem[0] != '\0', "damage %d gave no problem", _i);
	tl_cache_meta_free(&out);
	/* a fresh put repairs the entry */
	ck_assert_int_eq(tl_cache_put(c, URL, BODY, strlen(BODY), NULL), VN_OK);
	ck_assert_int_eq(tl_cache_get(c, URL, &b, NULL), VN_OK);
	vn_buf_free(&b);
	tl_cache_close(c);
	rm_tmp();
}
END_TEST

/* tl_cache_note_current: the notes of a stored copy kept by a good attempt. */
enum current_case { C_BOTH, C_NULL_KEEPS, C_OTHER_BODY, C_NOTHING, C_NOTES_ONLY,
		    C_GARBAGE, C__N };

START_TEST(test_note_current)
{
	char dir[320], meta[400], sha[65];
	tl_cache *c = NULL;
	tl_cache_meta in, out;
	vn_buf b;
	vn_err want = VN_OK;

	mk_tmp();
	snprintf(dir, sizeof dir, "%s/c", tmpdir);
	ck_assert_int_eq(tl_cache_open(dir, &c), VN_OK);
	tl_cache_meta_init(&in);
	in.etag = "\"old\"";
	in.last_modified = "Wed, 01 Nov 2023 00:00:00 GMT";
	in.sequence = 7;
	in.fetched_at = 100;
	in.verified_at = 100;
	in.last_attempt = 100;
	if (_i != C_NOTHING && _i != C_NOTES_ONLY)
		ck_assert_int_eq(tl_cache_put(c, URL, BODY, strlen(BODY), &in), VN_OK);
	ck_assert_int_eq(tl_cache_note_failure(c, URL, "unreachable: refused", 200), VN_OK);
	if (_i == C_NOTHING) {
		path_of(c, URL, "meta", meta, sizeof meta);
		ck_assert_int_eq(unlink(meta), 0);
	}
	if (_i == C_GARBAGE) {
		path_of(c, URL, "meta", meta, sizeof meta);
		ck_assert_int_eq(vn_write_file_atomic(meta, "{not json", 9, 0600), VN_OK);
	}
	/* the SHA-256 of BODY, as the holder of the stored copy knows it */
	ck_assert_int_eq(tl_cache_key(BODY, sha), VN_OK);
	if (_i == C_OTHER_BODY)
		sha[0] = sha[0] == '0' ? '1' : '0';
	if (_i >= C_OTHER_BODY)
		want = VN_ERR_NOT_FOUND;
	ck_assert_int_eq(tl_cache_note_current(c, URL, sha, _i == C_NULL_KEEPS ? NULL : "\"new\"",
					       _i == C_NULL_KEEPS ? NULL :
					       "Thu, 02 Nov 2023 00:00:00 GMT", 300), want);
	if (_i == C_BOTH || _i == C_NULL_KEEPS) {
		ck_assert_int_eq(tl_cache_get(c, URL, &b, &out), VN_OK);
		ck_assert_mem_eq(b.data, BODY, strlen(BODY));
		ck_assert_ptr_null(out.last_error);
		ck_assert_int_eq(out.last_attempt, 300);
		ck_assert_int_eq(out.verified_at, 300);
		ck_assert_int_eq(out.fetched_at, 100);
		ck_assert(out.sequence == 7);
		ck_assert_str_eq(out.etag, _i == C_BOTH ? "\"new\"" : "\"old\"");
		ck_assert_str_eq(out.last_modified, _i == C_BOTH ? "Thu, 02 Nov 2023 00:00:00 GMT" :
				 "Wed, 01 Nov 2023 00:00:00 GMT");
		tl_cache_meta_free(&out);
		vn_buf_free(&b);
	} else if (_i == C_OTHER_BODY) {
		/* refused: the notes stay as they were */
		ck_assert_int_eq(tl_cache_get(c, URL, &b, &out), VN_OK);
		ck_assert_str_eq(out.last_error, "unreachable: refused");
		ck_assert_str_eq(out.etag, "\"old\"");
		ck_assert_int_eq(out.last_attempt, 200);
		tl_cache_meta_free(&out);
		vn_buf_free(&b);
	}
	tl_cache_close(c);
	rm_tmp();
}
END_TEST

START_TEST(test_put_cap)
{
	char dir[320];
	tl_cache *c = NULL;
	static const char one = 'x';

	mk_tmp();
	snprintf(dir, sizeof dir, "%s/c", tmpdir);
	ck_assert_int_eq(tl_cache_open(dir, &c), VN_OK);
	/* the length is checked before the pointer is read */
	ck_assert_int_eq(tl_cache_put(c, URL, &one, TL_CACHE_MAX_BODY + 1, NULL),
			 VN_ERR_TOO_LARGE);
	/* a lower cap: storing past it is refused, and a stored body that has
	 * grown past it reads as absent */
	ck_assert_int_eq(tl_cache_put(c, URL, BODY, strlen(BODY), NULL), VN_OK);
	tl_cache_set_max_body(c, 8);
	ck_assert_int_eq(tl_cache_put(c, URL, BODY, strlen(BODY), NULL), VN_ERR_TOO_LARGE);
	{
		vn_buf b;
		tl_cache_meta m;

		ck_assert_int_eq(tl_cache_get(c, URL, &b, &m), VN_ERR_NOT_FOUND);
		ck_assert_int_eq(b.len, 0);
		ck_assert_ptr_nonnull(strstr(m.problem, "cap"));
		tl_cache_meta_free(&m);
		tl_cache_set_max_body(c, TL_CACHE_MAX_BODY);
		ck_assert_int_eq(tl_cache_get(c, URL, &b, &m), VN_OK);
		tl_cache_meta_free(&m);
		vn_buf_free(&b);
	}
	tl_cache_close(c);
	rm_tmp();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tl_cache");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_decide, 0, (int)(sizeof decide_cases / sizeof decide_cases[0]));
	tcase_add_test(tc, test_decision_names);
	tcase_add_test(tc, test_key);
	tcase_add_test(tc, test_open_creates_0700);
	tcase_add_test(tc, test_put_get_roundtrip);
	tcase_add_test(tc, test_note_failure_keeps_body);
	tcase_add_loop_test(tc, test_damaged_entry_is_absent, 0, D__N);
	tcase_add_test(tc, test_put_cap);
	tcase_add_loop_test(tc, test_note_current, 0, C__N);
	suite_add_tcase(s, tc);
	return vn_test_run(s);
}
