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

/* ---- the streaming writer ---- */

/* One escaping rule per row: the string, and the only bytes it may give
 * (json_dumps' too). The second half are the negatives: what must NOT be
 * escaped, or not escaped in another form. */
static const struct esc_case {
	const char *in;
	size_t n;
	const char *want;
} esc_cases[] = {
	{"\"", 1, "\"\\\"\""},			/* quote: \" */
	{"\\", 1, "\"\\\\\""},			/* backslash: \\ */
	{"\b", 1, "\"\\b\""},			/* the five short forms */
	{"\f", 1, "\"\\f\""},
	{"\n", 1, "\"\\n\""},
	{"\r", 1, "\"\\r\""},
	{"\t", 1, "\"\\t\""},
	{"\x01", 1, "\"\\u0001\""},		/* other controls: \u00XX, upper-case hex */
	{"\x1f", 1, "\"\\u001F\""},
	{"\x0b", 1, "\"\\u000B\""},
	{"a\0b", 3, "\"a\\u0000b\""},		/* a NUL inside (vn_jw_strn) */
	{"/", 1, "\"/\""},			/* not: \/ */
	{"\x7f", 1, "\"\x7f\""},		/* not: \u007F (DEL is no control here) */
	{" ", 1, "\" \""},			/* the first byte past the controls */
	{"caf\xc3\xa9", 5, "\"caf\xc3\xa9\""},	/* not: \u00e9 */
	{"\xe2\x80\xa8\xe2\x80\xa9", 6, "\"\xe2\x80\xa8\xe2\x80\xa9\""},	/* not: \u2028 */
	{"\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\""},	/* not: a surrogate pair */
	{"\xf4\x8f\xbf\xbf", 4, "\"\xf4\x8f\xbf\xbf\""},	/* U+10FFFF, the last */
	{"", 0, "\"\""},
};

static char *jw_text(void (*fill)(vn_jw *, const void *), const void *arg, vn_err *e)
{
	vn_buf b;
	vn_jw w;
	size_t n;

	vn_buf_init(&b, 1 << 20);
	vn_jw_init(&w, &b);
	fill(&w, arg);
	*e = vn_jw_done(&w);
	if (*e != VN_OK) {
		vn_buf_free(&b);
		return NULL;
	}
	return (char *)vn_buf_steal(&b, &n);
}

static void fill_esc(vn_jw *w, const void *arg)
{
	const struct esc_case *c = arg;

	vn_jw_strn(w, c->in, c->n);
}

START_TEST(t_jw_escapes)
{
	const struct esc_case *c = &esc_cases[_i];
	json_t *j = json_stringn(c->in, c->n);
	char *want, *got;
	vn_err e;

	ck_assert_ptr_nonnull(j);
	want = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	ck_assert_str_eq(want, c->want);	/* the rule is jansson's */
	got = jw_text(fill_esc, c, &e);
	ck_assert_int_eq(e, VN_OK);
	ck_assert_str_eq(got, c->want);
	free(want);
	free(got);
	json_decref(j);
}
END_TEST

/* Not UTF-8 (each a rule of UTF-8; json_stringn refuses every one): a
 * string value is written with U+FFFD for each byte that does not begin a
 * well-formed sequence; a key is refused. */
#define R "\xef\xbf\xbd"
static const struct {
	const char *in, *want;
} jw_bad[] = {
	{"\x80", R},				/* a lone continuation byte */
	{"\xc0\xaf", R R},			/* overlong (two bytes) */
	{"\xe0\x80\xaf", R R R},		/* overlong (three bytes) */
	{"\xf0\x80\x80\xaf", R R R R},	/* overlong (four bytes) */
	{"\xed\xa0\x80", R R R},		/* a surrogate */
	{"\xe2\x82", R R},			/* truncated */
	{"\xf4\x90\x80\x80", R R R R},	/* past U+10FFFF */
	{"\xf8\x88\x80\x80\x80", R R R R R},	/* five bytes */
	{"ok\xff", "ok" R},			/* a byte never in UTF-8 */
	{"a\xc3(b", "a" R "(b"},		/* a lead byte without its continuation */
	{"\xc3\xa9\xc3\"\xe2\x82\xac", "\xc3\xa9" R "\\\"\xe2\x82\xac"},	/* mixed with good and escaped */
};
#undef R

static void fill_bad(vn_jw *w, const void *arg)
{
	vn_jw_obj(w);
	vn_jw_key(w, "k");
	vn_jw_str(w, arg);
	vn_jw_obj_end(w);
}

static void fill_bad_key(vn_jw *w, const void *arg)
{
	vn_jw_obj(w);
	vn_jw_key(w, arg);
	vn_jw_int(w, 1);
	vn_jw_obj_end(w);
}

START_TEST(t_jw_not_utf8)
{
	char want[64], *got;
	json_t *j;
	vn_err e;

	ck_assert_ptr_null(json_string(jw_bad[_i].in));
	snprintf(want, sizeof want, "{\"k\":\"%s\"}", jw_bad[_i].want);
	got = jw_text(fill_bad, jw_bad[_i].in, &e);
	ck_assert_ptr_nonnull(got);
	ck_assert_int_eq(e, VN_OK);
	ck_assert_str_eq(got, want);
	j = json_loads(got, 0, NULL);	/* and it is JSON that jansson reads */
	ck_assert_ptr_nonnull(j);
	json_decref(j);
	free(got);
	ck_assert_ptr_null(jw_text(fill_bad_key, jw_bad[_i].in, &e));
	ck_assert_int_eq(e, VN_ERR_MALFORMED);
}
END_TEST

/* Commas and colons in every nesting, scalars of every kind: the text
 * json_dumps gives for the same document. */
static void fill_nested(vn_jw *w, const void *arg)
{
	(void)arg;
	vn_jw_obj(w);
	vn_jw_key(w, "a");
	vn_jw_arr(w);
	vn_jw_arr_end(w);
	vn_jw_key(w, "b");
	vn_jw_obj(w);
	vn_jw_obj_end(w);
	vn_jw_key(w, "c");
	vn_jw_arr(w);
	vn_jw_int(w, 0);
	vn_jw_int(w, -9223372036854775807LL - 1);
	vn_jw_int(w, 9223372036854775807LL);
	vn_jw_bool(w, 1);
	vn_jw_bool(w, 0);
	vn_jw_null(w);
	vn_jw_str_or_null(w, NULL);
	vn_jw_str_or_null(w, "x");
	vn_jw_time(w, VN_TIME_NONE);
	vn_jw_time(w, 1798761600);
	vn_jw_arr(w);
	vn_jw_obj(w);
	vn_jw_key(w, "d");
	vn_jw_arr(w);
	vn_jw_arr_end(w);
	vn_jw_obj_end(w);
	vn_jw_obj(w);
	vn_jw_obj_end(w);
	vn_jw_arr_end(w);
	vn_jw_raw(w, "{\"r\":[1,2]}", 11);
	vn_jw_arr_end(w);
	vn_jw_key(w, "k\"\x01");
	vn_jw_str(w, "");
	vn_jw_obj_end(w);
}

START_TEST(t_jw_nested)
{
	const char *doc = "{\"a\": [], \"b\": {}, \"c\": [0, -9223372036854775808, 9223372036854775807,"
			  " true, false, null, null, \"x\", null, \"2027-01-01T00:00:00Z\","
			  " [{\"d\": []}, {}], {\"r\": [1, 2]}], \"k\\\"\\u0001\": \"\"}";
	json_error_t jerr;
	json_t *j = json_loads(doc, 0, &jerr);
	char *want, *got;
	vn_err e;

	ck_assert_msg(j != NULL, "%s", jerr.text);
	want = json_dumps(j, JSON_COMPACT);
	got = jw_text(fill_nested, NULL, &e);
	ck_assert_int_eq(e, VN_OK);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	json_decref(j);
}
END_TEST

/* What the writer refuses, and that a failure sticks. */
static void fill_null_str(vn_jw *w, const void *arg)
{
	(void)arg;
	vn_jw_arr(w);
	vn_jw_str(w, NULL);	/* json_pack's "s" refuses NULL too */
	vn_jw_arr_end(w);
}

static void fill_unclosed(vn_jw *w, const void *arg)
{
	(void)arg;
	vn_jw_obj(w);
	vn_jw_key(w, "a");
	vn_jw_arr(w);
	vn_jw_arr_end(w);
}

static void fill_overclosed(vn_jw *w, const void *arg)
{
	(void)arg;
	vn_jw_arr(w);
	vn_jw_arr_end(w);
	vn_jw_arr_end(w);
}

static void fill_deep(vn_jw *w, const void *arg)
{
	(void)arg;
	for (int d = 0; d < VN_JSONW_MAX_DEPTH + 1; d++)
		vn_jw_arr(w);
	for (int d = 0; d < VN_JSONW_MAX_DEPTH + 1; d++)
		vn_jw_arr_end(w);
}

static const struct {
	void (*fill)(vn_jw *, const void *);
	vn_err want;
} jw_refused[] = {
	{fill_null_str, VN_ERR_ARG},
	{fill_unclosed, VN_ERR_INTERNAL},
	{fill_overclosed, VN_ERR_INTERNAL},
	{fill_deep, VN_ERR_TOO_LARGE},
};

START_TEST(t_jw_refused)
{
	vn_err e;

	ck_assert_ptr_null(jw_text(jw_refused[_i].fill, NULL, &e));
	ck_assert_int_eq(e, jw_refused[_i].want);
}
END_TEST

START_TEST(t_jw_sticky_and_cap)
{
	vn_buf b;
	vn_jw w;
	size_t len;

	/* after a failure nothing more is written */
	vn_buf_init(&b, 1 << 10);
	vn_jw_init(&w, &b);
	vn_jw_arr(&w);
	vn_jw_str(&w, NULL);
	len = b.len;
	vn_jw_str(&w, "more");
	vn_jw_int(&w, 1);
	vn_jw_arr_end(&w);
	ck_assert_uint_eq(b.len, len);
	ck_assert_int_eq(vn_jw_done(&w), VN_ERR_ARG);
	vn_buf_free(&b);
	/* the buffer's cap holds */
	vn_buf_init(&b, 8);
	vn_jw_init(&w, &b);
	vn_jw_str(&w, "longer than eight");
	ck_assert_int_eq(vn_jw_done(&w), VN_ERR_TOO_LARGE);
	vn_buf_free(&b);
	/* reserved room keeps the text terminated and empty */
	vn_buf_init(&b, 1 << 10);
	ck_assert_int_eq(vn_buf_reserve(&b, 600), VN_OK);
	ck_assert_uint_ge(b.cap, 601);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq((char *)b.data, "");
	ck_assert_int_eq(vn_buf_reserve(&b, 2000), VN_ERR_TOO_LARGE);
	vn_buf_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vn_jsonw");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, t_same_as_jansson, 0, (int)(sizeof texts / sizeof texts[0]));
	tcase_add_test(tc, t_every_byte);
	tcase_add_test(tc, t_refused);
	tcase_add_loop_test(tc, t_jw_escapes, 0, (int)(sizeof esc_cases / sizeof esc_cases[0]));
	tcase_add_loop_test(tc, t_jw_not_utf8, 0, (int)(sizeof jw_bad / sizeof jw_bad[0]));
	tcase_add_test(tc, t_jw_nested);
	tcase_add_loop_test(tc, t_jw_refused, 0, (int)(sizeof jw_refused / sizeof jw_refused[0]));
	tcase_add_test(tc, t_jw_sticky_and_cap);
	suite_add_tcase(s, tc);
	return vn_test_run(s);
}
