/* The fast JSON writer (vn_jsonw.h) writes what json_dumps(JSON_COMPACT |
 * JSON_ENCODE_ANY) writes, byte for byte, and refuses what it refuses. */
#include "vn_test.h"

#include <jansson.h>

#include "common/vn_jsonw.h"

static const char *const texts[] = {
	"{}",
	"[]",
	"\"\"",
	"0",
	"-9223372036854775808",
	"9223372036854775807",
	"1.5",
	"-0.0",
	"1e300",
	"true",
	"false",
	"null",
	"{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}",
	"{\"z\":1,\"a\":2,\"m\":3}",	/* insertion order, not sorted */
	"[\"quote \\\" backslash \\\\ slash / tab \\t nl \\n cr \\r bs \\b ff \\f\"]",
	"[\"\\u0000\\u0001\\u001f\\u007f\"]",
	"[\"caf\\u00e9 \\u20ac \\ud83d\\ude00 \\u2028\"]",
	"{\"k\\u0007ey\":\"v\"}",
	"[[[[[[[[[[1]]]]]]]]]]",
	"{\"signatures\":[{\"id\":\"S-1\",\"indication\":\"TOTAL-PASSED\",\"subIndication\":null,"
	"\"chain\":[{\"subject\":\"CN=Mari Tamm,C=EE\",\"notBefore\":\"2026-01-01T00:00:00Z\"}]}]}",
};

static void same(const json_t *j, const char *what)
{
	char *want = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	size_t n = 0;
	char *got = vn_json_dumps(j, &n);

	ck_assert_msg(want != NULL, "%s: json_dumps failed", what);
	ck_assert_msg(got != NULL, "%s: vn_json_dumps failed", what);
	ck_assert_msg(strcmp(want, got) == 0, "%s: %s != %s", what, got, want);
	ck_assert_uint_eq(n, strlen(want));
	free(want);
	free(got);
}

START_TEST(t_same_as_jansson)
{
	json_error_t err;
	json_t *j = json_loads(texts[_i], JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);

	ck_assert_msg(j != NULL, "%s: %s", texts[_i], err.text);
	same(j, texts[_i]);
	json_decref(j);
}
END_TEST

/* Every byte value alone in a string, and every control in the middle of
 * plain text. */
START_TEST(t_every_byte)
{
	char s[8];

	for (unsigned c = 0; c < 0x80; c++) {
		json_t *j;

		s[0] = 'a';
		s[1] = (char)c;
		s[2] = 'b';
		j = json_stringn(s, 3);
		ck_assert_ptr_nonnull(j);
		same(j, "byte");
		json_decref(j);
	}
}
END_TEST

/* Not UTF-8 (a lone continuation byte, an overlong form, a surrogate, a
 * truncated sequence, past U+10FFFF): both refuse; and a tree deeper than
 * the cap is refused. */
START_TEST(t_refused)
{
	static const char *const bad[] = {"\x80", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82",
					  "\xf4\x90\x80\x80", "ok\xff"};
	size_t n;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_t *j = json_stringn_nocheck(bad[i], strlen(bad[i]));
		json_t *o = json_pack("{s:o}", "k", json_incref(j));
		char *t;

		ck_assert_ptr_nonnull(o);
		t = json_dumps(o, JSON_COMPACT);
		ck_assert_ptr_null(t);
		ck_assert_ptr_null(vn_json_dumps(j, &n));
		ck_assert_ptr_null(vn_json_dumps(o, &n));
		json_decref(j);
		json_decref(o);
	}
	{
		json_t *root = json_array(), *cur = root;
		for (int d = 0; d < VN_JSONW_MAX_DEPTH + 2; d++) {
			json_t *next = json_array();
			ck_assert_int_eq(json_array_append_new(cur, next), 0);
			cur = next;
		}
		ck_assert_ptr_null(vn_json_dumps(root, &n));
		json_decref(root);
	}
	ck_assert_ptr_null(vn_json_dumps(NULL, &n));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vn_jsonw");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, t_same_as_jansson, 0, (int)(sizeof texts / sizeof texts[0]));
	tcase_add_test(tc, t_every_byte);
	tcase_add_test(tc, t_refused);
	suite_add_tcase(s, tc);
	return vn_test_run(s);
}
