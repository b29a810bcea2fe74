/* common/vn_json.c: each rule of the strict parser with a negative case,
 * the edges (empty input, depth at and past the cap, json_int_t's limits,
 * every UTF-8 boundary), and the same texts given to json_loadb with
 * JSON_REJECT_DUPLICATES: both accept (and build equal trees, members in
 * the same order) or both refuse. */
#include "vn_test.h"

#include <jansson.h>
#include <limits.h>

#include "common/vn_json.h"

#define OK VN_JSON_OK
#define SYN VN_JSON_E_SYNTAX
#define U8 VN_JSON_E_UTF8
#define RNG VN_JSON_E_RANGE
#define DUP VN_JSON_E_DUPLICATE
#define DEEP VN_JSON_E_DEPTH
/* a literal with its length, NUL bytes included */
#define T(s) s, sizeof(s) - 1

static const struct jcase {
	const char *name;
	const char *in;
	size_t len;
	size_t depth;		/* the cap; 0: the largest */
	vn_json_code want;
} cases[] = {
	/* the text is one array or object */
	{"empty object", T("{}"), 0, OK},
	{"empty array", T("[]"), 0, OK},
	{"whitespace around", T(" \t\r\n{} \n\t\r"), 0, OK},
	{"empty input", T(""), 0, SYN},
	{"only whitespace", T(" \n\t\r "), 0, SYN},
	{"top-level number", T("1"), 0, SYN},
	{"top-level string", T("\"a\""), 0, SYN},
	{"top-level true", T("true"), 0, SYN},
	{"top-level null", T("null"), 0, SYN},
	{"two values", T("{}{}"), 0, SYN},
	{"garbage after", T("{} x"), 0, SYN},
	{"extra bracket", T("[]]"), 0, SYN},
	{"NUL after", T("{}\0"), 0, SYN},
	{"NUL before", T("\0{}"), 0, SYN},
	{"vertical tab is not whitespace", T("\v{}"), 0, SYN},
	{"form feed is not whitespace", T("[1,\f2]"), 0, SYN},
	{"UTF-8 BOM", T("\xEF\xBB\xBF{}"), 0, SYN},
	/* structure */
	{"members", T("{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}"), 0, OK},
	{"spaces everywhere", T("{ \"a\" : [ 1 , 2 ] , \"b\" : { } }"), 0, OK},
	{"unclosed object", T("{"), 0, SYN},
	{"unclosed array", T("[1"), 0, SYN},
	{"unclosed after comma", T("[1,"), 0, SYN},
	{"trailing comma in array", T("[1,]"), 0, SYN},
	{"trailing comma in object", T("{\"a\":1,}"), 0, SYN},
	{"leading comma", T("[,1]"), 0, SYN},
	{"empty member", T("{,}"), 0, SYN},
	{"key without value", T("{\"a\"}"), 0, SYN},
	{"key without colon", T("{\"a\" 1}"), 0, SYN},
	{"number as key", T("{1:2}"), 0, SYN},
	{"bare key", T("{a:2}"), 0, SYN},
	{"missing comma", T("[1 2]"), 0, SYN},
	{"mismatched close", T("[1}"), 0, SYN},
	{"mismatched close 2", T("{\"a\":1]"), 0, SYN},
	{"line comment", T("[1]//c"), 0, SYN},
	{"block comment", T("[/*c*/1]"), 0, SYN},
	{"hash comment", T("[1]#"), 0, SYN},
	{"single quotes", T("['a']"), 0, SYN},
	/* literals */
	{"literals", T("[true,false,null]"), 0, OK},
	{"short literal", T("[tru]"), 0, SYN},
	{"long literal", T("[truex]"), 0, SYN},
	{"capital literal", T("[True]"), 0, SYN},
	{"cut literal", T("[nul"), 0, SYN},
	{"NaN", T("[NaN]"), 0, SYN},
	{"Infinity", T("[Infinity]"), 0, SYN},
	{"-Infinity", T("[-Infinity]"), 0, SYN},
	/* numbers */
	{"zero", T("[0]"), 0, OK},
	{"minus zero", T("[-0]"), 0, OK},
	{"minus zero real", T("[-0.0]"), 0, OK},
	{"reals", T("[1.5,1.5e3,1E-2,1e+2,0.0,2.50,1e05]"), 0, OK},
	{"int max", T("[9223372036854775807]"), 0, OK},
	{"int min", T("[-9223372036854775808]"), 0, OK},
	{"int max + 1", T("[9223372036854775808]"), 0, RNG},
	{"int min - 1", T("[-9223372036854775809]"), 0, RNG},
	{"huge integer", T("[123456789012345678901234567890]"), 0, RNG},
	{"huge integer written as real", T("[123456789012345678901234567890.0]"), 0, OK},
	{"huge integer with exponent", T("[123456789012345678901234567890e0]"), 0, OK},
	{"largest real", T("[1.7976931348623157e308]"), 0, OK},
	{"real overflow", T("[1e309]"), 0, RNG},
	{"negative real overflow", T("[-1e309]"), 0, RNG},
	{"real underflow is kept", T("[1e-400,4.9e-324,-1e-400]"), 0, OK},
	{"long real", T("[0.00000000000000000000000000000000000000000000000000000000000000000000001]"), 0, OK},
	{"plus sign", T("[+1]"), 0, SYN},
	{"leading zero", T("[01]"), 0, SYN},
	{"negative leading zero", T("[-01]"), 0, SYN},
	{"leading zeros", T("[00]"), 0, SYN},
	{"no digit after point", T("[1.]"), 0, SYN},
	{"no digit before point", T("[.5]"), 0, SYN},
	{"empty exponent", T("[1e]"), 0, SYN},
	{"signed empty exponent", T("[1e+]"), 0, SYN},
	{"lone minus", T("[-]"), 0, SYN},
	{"double minus", T("[--1]"), 0, SYN},
	{"hex", T("[0x10]"), 0, SYN},
	{"minus point", T("[-.5]"), 0, SYN},
	{"number then letter", T("[1a]"), 0, SYN},
	{"cut number", T("[1.5e"), 0, SYN},
	/* strings */
	{"strings", T("[\"\",\"a\",\"hello world, long enough for a word or two\"]"), 0, OK},
	{"short escapes", T("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]"), 0, OK},
	{"unicode escapes", T("[\"\\u0041\\u00e9\\u00E9\\u20AC\\uffff\\u0001\"]"), 0, OK},
	{"surrogate pair", T("[\"\\uD83D\\uDE00\",\"\\udbff\\udfff\",\"\\uD800\\uDC00\"]"), 0, OK},
	{"escapes amid plain runs", T("[\"abcdefghij\\nklmnopqrstu\\u0041vwxyz0123456789\\\"\"]"), 0, OK},
	{"DEL is not a control", T("[\"\x7F\"]"), 0, OK},
	{"newline in string", T("[\"a\nb\"]"), 0, SYN},
	{"tab in string", T("[\"\t\"]"), 0, SYN},
	{"0x1F in string", T("[\"\x1F\"]"), 0, SYN},
	{"NUL in string", T("[\"a\0b\"]"), 0, SYN},
	{"NUL in long string", T("[\"abcdefghijklmnop\0qrstuvwxyz\"]"), 0, SYN},
	{"unterminated string", T("[\"abc]"), 0, SYN},
	{"unterminated long string", T("[\"abcdefghijklmnopqrstuvwxyz"), 0, SYN},
	{"unterminated escaped string", T("[\"a\\nbcdefghijklmnop"), 0, SYN},
	{"backslash at end", T("[\"\\"), 0, SYN},
	{"unknown escape", T("[\"\\x41\"]"), 0, SYN},
	{"escaped quote char", T("[\"\\'\"]"), 0, SYN},
	{"escape of a control", T("[\"\\\n\"]"), 0, SYN},
	{"short \\u", T("[\"\\u12\"]"), 0, SYN},
	{"bad hex", T("[\"\\u12G4\"]"), 0, SYN},
	{"\\u at end", T("[\"\\u00"), 0, SYN},
	{"\\u0000", T("[\"\\u0000\"]"), 0, SYN},
	{"\\u0000 in a key", T("{\"\\u0000\":1}"), 0, SYN},
	{"lone high surrogate", T("[\"\\uD800\"]"), 0, SYN},
	{"lone high surrogate at end", T("[\"\\uDBFF"), 0, SYN},
	{"lone low surrogate", T("[\"\\uDC00\"]"), 0, SYN},
	{"high then letter", T("[\"\\uD800\\u0041\"]"), 0, SYN},
	{"high then text", T("[\"\\uD800abcdef\"]"), 0, SYN},
	{"high then high", T("[\"\\uDBFF\\uDBFF\"]"), 0, SYN},
	{"high then bad hex", T("[\"\\uD800\\uDCxx\"]"), 0, SYN},
	{"high then short escape", T("[\"\\uD800\\n\"]"), 0, SYN},
	{"low then high", T("[\"\\uDC00\\uD800\"]"), 0, SYN},
	/* UTF-8 (RFC 3629), each boundary on both sides */
	{"U+0080", T("[\"\xC2\x80\"]"), 0, OK},
	{"U+07FF", T("[\"\xDF\xBF\"]"), 0, OK},
	{"U+0800", T("[\"\xE0\xA0\x80\"]"), 0, OK},
	{"U+D7FF", T("[\"\xED\x9F\xBF\"]"), 0, OK},
	{"U+E000", T("[\"\xEE\x80\x80\"]"), 0, OK},
	{"U+FFFF", T("[\"\xEF\xBF\xBF\"]"), 0, OK},
	{"U+10000", T("[\"\xF0\x90\x80\x80\"]"), 0, OK},
	{"U+10FFFF", T("[\"\xF4\x8F\xBF\xBF\"]"), 0, OK},
	{"UTF-8 amid plain runs", T("[\"abcdefg\xC3\xA9hijklmnopq\xE2\x82\xACrstuvwxyz\xF0\x9F\x98\x80\"]"), 0, OK},
	{"UTF-8 in a key", T("{\"cl\xC3\xA9\":1}"), 0, OK},
	{"lone continuation", T("[\"\x80\"]"), 0, U8},
	{"last continuation", T("[\"\xBF\"]"), 0, U8},
	{"overlong NUL", T("[\"\xC0\x80\"]"), 0, U8},
	{"overlong U+007F", T("[\"\xC1\xBF\"]"), 0, U8},
	{"overlong U+07FF", T("[\"\xE0\x9F\xBF\"]"), 0, U8},
	{"overlong U+FFFF", T("[\"\xF0\x8F\xBF\xBF\"]"), 0, U8},
	{"surrogate U+D800", T("[\"\xED\xA0\x80\"]"), 0, U8},
	{"surrogate U+DFFF", T("[\"\xED\xBF\xBF\"]"), 0, U8},
	{"U+110000", T("[\"\xF4\x90\x80\x80\"]"), 0, U8},
	{"lead F5", T("[\"\xF5\x80\x80\x80\"]"), 0, U8},
	{"lead FF", T("[\"\xFF\"]"), 0, U8},
	{"lead FE", T("[\"\xFE\"]"), 0, U8},
	{"truncated by quote", T("[\"\xC3\"]"), 0, U8},
	{"truncated 3 by quote", T("[\"\xE2\x82\"]"), 0, U8},
	{"truncated by the end", T("[\"\xE2\x82"), 0, U8},
	{"truncated 4 by the end", T("[\"\xF0\x9F\x98"), 0, U8},
	{"bad continuation", T("[\"\xC3\x28\"]"), 0, U8},
	{"bad third byte", T("[\"\xE2\x82\x28\"]"), 0, U8},
	{"bad fourth byte", T("[\"\xF0\x9F\x98\x28\"]"), 0, U8},
	{"invalid UTF-8 in a key", T("{\"\xC0\xAF\":1}"), 0, U8},
	{"invalid UTF-8 after escape", T("[\"\\n\xED\xA0\x80\"]"), 0, U8},
	{"UTF-8 outside a string", T("[\xC3\xA9]"), 0, SYN},
	{"invalid UTF-8 outside a string", T("[\xC0]"), 0, U8},
	/* duplicate keys */
	{"duplicate key", T("{\"a\":1,\"a\":2}"), 0, DUP},
	{"duplicate key, nested", T("{\"x\":{\"a\":[],\"a\":{}}}"), 0, DUP},
	{"duplicate key after escape", T("{\"a\":1,\"\\u0061\":2}"), 0, DUP},
	{"duplicate container key", T("{\"a\":{},\"a\":[]}"), 0, DUP},
	{"same key, other objects", T("[{\"a\":1},{\"a\":2}]"), 0, OK},
	{"keys that differ", T("{\"a\":1,\"A\":2,\"a \":3,\"\":4}"), 0, OK},
	/* depth: arrays and objects count, scalars and strings do not */
	{"at the cap", T("[[[[1]]]]"), 4, OK},
	{"past the cap", T("[[[[[1]]]]]"), 4, DEEP},
	{"objects at the cap", T("{\"a\":{\"b\":{\"c\":{}}}}"), 4, OK},
	{"objects past the cap", T("{\"a\":{\"b\":{\"c\":{\"d\":[]}}}}"), 4, DEEP},
	{"brackets in strings", T("[\"[[[[[[[[\",{\"{{{{\":\"]]]]\"}]"), 2, OK},
	{"cap of one", T("{\"a\":1}"), 1, OK},
	{"cap of one, nested", T("{\"a\":[]}"), 1, DEEP},
};

static json_t *reference(const char *in, size_t len)
{
	return json_loadb(in, len, JSON_REJECT_DUPLICATES, NULL);
}

/* Both accept with equal trees, in the same member order, or both refuse;
 * our refusal for depth alone is not compared (jansson's cap is its own). */
static void same_as_jansson(const char *name, const char *in, size_t len, size_t depth)
{
	vn_json_error err;
	json_t *a = vn_json_parse(in, len, depth, &err), *b = reference(in, len);

	if (a == NULL && err.code == VN_JSON_E_DEPTH) {
		json_decref(b);
		return;
	}
	/* every text with a NUL byte is refused (see nul_divergence) */
	if (memchr(in, 0, len) != NULL) {
		ck_assert_msg(a == NULL, "%s: a NUL byte accepted", name);
		json_decref(b);
		return;
	}
	ck_assert_msg((a != NULL) == (b != NULL), "%s: vn_json %s (%s), json_loadb %s", name,
		      a ? "accepts" : "refuses", a ? "" : err.text, b ? "accepts" : "refuses");
	if (a != NULL) {
		char *da = json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY);
		char *db = json_dumps(b, JSON_COMPACT | JSON_ENCODE_ANY);
		ck_assert_msg(json_equal(a, b), "%s: trees differ", name);
		ck_assert_ptr_nonnull(da);
		ck_assert_ptr_nonnull(db);
		ck_assert_msg(strcmp(da, db) == 0, "%s: %s vs %s", name, da, db);
		free(da);
		free(db);
	}
	json_decref(a);
	json_decref(b);
}

START_TEST(rule)
{
	const struct jcase *c = &cases[_i];
	vn_json_error err;
	json_t *v = vn_json_parse(c->in, c->len, c->depth, &err);

	if (c->want == OK) {
		ck_assert_msg(v != NULL, "%s: refused: %s at line %zu, column %zu", c->name, err.text,
			      err.line, err.column);
		ck_assert_int_eq(err.code, VN_JSON_OK);
	} else {
		ck_assert_msg(v == NULL, "%s: accepted", c->name);
		ck_assert_msg(err.code == c->want, "%s: code %d, not %d (%s)", c->name, err.code,
			      c->want, err.text);
		ck_assert_msg(err.text[0] != '\0', "%s: no reason", c->name);
		ck_assert_msg(err.offset <= c->len, "%s: offset %zu past %zu", c->name, err.offset,
			      c->len);
		ck_assert_uint_ge(err.line, 1);
		ck_assert_uint_ge(err.column, 1);
	}
	json_decref(v);
}
END_TEST

START_TEST(differential)
{
	same_as_jansson(cases[_i].name, cases[_i].in, cases[_i].len, cases[_i].depth);
}
END_TEST

/* Each ending of a plain run (escape, UTF-8, control, quote, invalid
 * byte) at every offset of the first two sixteen-byte blocks and the
 * eight-byte scan after them, compared with jansson; '~' (0x7E) and 0x7F
 * are the plain bytes nearest the signed compare's edge at 0x80. */
static const char *const breakers[] = {
	"\\n", "\\u00e9", "\\uD83D\\uDE00", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\x01",
	"\x1F", "\"", "\\", "\x80", "\xC3", "\xED\xA0\x80", "\\u0000", "\x7F", "\\q",
	"\xFF", "\xC0\xAF", "\xF5\x80\x80\x80", "~", " \x20",
};

START_TEST(scan_offsets)
{
	const char *brk = breakers[_i];
	char str[80], buf[128], name[64];
	size_t pre, post, n, k;

	for (pre = 0; pre < 40; pre++)
		for (post = 0; post < 20; post++) {
			memset(str, 'a', pre);
			k = strlen(brk);
			memcpy(str + pre, brk, k);
			memset(str + pre + k, 'b', post);
			k += pre + post;
			snprintf(name, sizeof name, "breaker %d pre %zu post %zu", _i, pre, post);
			/* as a value, then as a key */
			n = (size_t)snprintf(buf, sizeof buf, "{\"k\":\"%.*s\"}", (int)k, str);
			same_as_jansson(name, buf, n, 0);
			n = (size_t)snprintf(buf, sizeof buf, "{\"%.*s\":1}", (int)k, str);
			same_as_jansson(name, buf, n, 0);
		}
}
END_TEST

/* A text n levels deep: [[[...[1]...]]] */
static char *nest(size_t n, size_t *len)
{
	char *s = malloc(2 * n + 2);
	size_t i;

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < n; i++) {
		s[i] = '[';
		s[n + 1 + i] = ']';
	}
	s[n] = '1';
	s[2 * n + 1] = '\0';
	*len = 2 * n + 1;
	return s;
}

START_TEST(deep)
{
	vn_json_error err;
	size_t len;
	char *s;
	json_t *v;

	/* the largest cap: jansson's own limit, a scalar inside counted */
	s = nest(VN_JSON_MAX_DEPTH, &len);
	v = vn_json_parse(s, len, 0, &err);
	ck_assert_ptr_nonnull(v);
	json_decref(v);
	same_as_jansson("2047 levels", s, len, 0);
	free(s);
	s = nest(VN_JSON_MAX_DEPTH + 1, &len);
	ck_assert_ptr_null(vn_json_parse(s, len, 0, &err));
	ck_assert_int_eq(err.code, VN_JSON_E_DEPTH);
	ck_assert_ptr_null(vn_json_parse(s, len, 100000, &err));	/* clamped */
	ck_assert_int_eq(err.code, VN_JSON_E_DEPTH);
	v = reference(s, len);	/* jansson refuses it too */
	ck_assert_ptr_null(v);
	free(s);
	/* past the fixed stack, at and beyond a cap of 100 */
	s = nest(100, &len);
	v = vn_json_parse(s, len, 100, &err);
	ck_assert_ptr_nonnull(v);
	json_decref(v);
	ck_assert_ptr_null(vn_json_parse(s, len, 99, &err));
	ck_assert_int_eq(err.code, VN_JSON_E_DEPTH);
	ck_assert_uint_eq(err.offset, 99);	/* the bracket one too deep */
	free(s);
}
END_TEST

START_TEST(values)
{
	static const char in[] = "{\"i\":[9223372036854775807,-9223372036854775808,-0,42],"
				 "\"r\":[1.5,-2.5e-3,1e-400],\"s\":\"\\uD83D\\uDE00\\u00e9\\/\","
				 "\"k\\ney\":true,\"n\":null,\"f\":false}";
	vn_json_error err;
	json_t *v = vn_json_parse(in, sizeof in - 1, 0, &err), *i, *r;
	const char *k;
	json_t *x;
	static const char *const order[] = {"i", "r", "s", "k\ney", "n", "f"};
	size_t at = 0;

	ck_assert_ptr_nonnull(v);
	i = json_object_get(v, "i");
	r = json_object_get(v, "r");
	ck_assert(json_integer_value(json_array_get(i, 0)) == LLONG_MAX);
	ck_assert(json_integer_value(json_array_get(i, 1)) == LLONG_MIN);
	ck_assert(json_is_integer(json_array_get(i, 2)));
	ck_assert(json_integer_value(json_array_get(i, 2)) == 0);
	ck_assert(json_integer_value(json_array_get(i, 3)) == 42);
	ck_assert(json_is_real(json_array_get(r, 0)));
	ck_assert(json_real_value(json_array_get(r, 0)) == 1.5);
	ck_assert(json_real_value(json_array_get(r, 1)) == -2.5e-3);
	ck_assert(json_real_value(json_array_get(r, 2)) == 0.0);
	ck_assert_str_eq(json_string_value(json_object_get(v, "s")), "\xF0\x9F\x98\x80\xC3\xA9/");
	ck_assert_uint_eq(json_string_length(json_object_get(v, "s")), 7);
	ck_assert(json_is_true(json_object_get(v, "k\ney")));
	ck_assert(json_is_null(json_object_get(v, "n")));
	ck_assert(json_is_false(json_object_get(v, "f")));
	json_object_foreach(v, k, x) {
		ck_assert_str_eq(k, order[at]);
		at++;
	}
	ck_assert_uint_eq(at, 6);
	json_decref(v);
	/* err may be NULL; text NULL with no bytes is an empty input */
	ck_assert_ptr_null(vn_json_parse("[", 1, 0, NULL));
	ck_assert_ptr_null(vn_json_parse(NULL, 0, 0, &err));
	ck_assert_int_eq(err.code, VN_JSON_E_SYNTAX);
}
END_TEST

/* Where a failure is reported: line and column (characters) and the
 * byte offset. */
START_TEST(position)
{
	static const struct {
		const char *in;
		size_t line, column, offset;
		const char *text;
	} p[] = {
		{"{\n  \"a\": x}", 2, 8, 9, "invalid token"},
		{"[\"\xC3\xA9\", x]", 1, 7, 7, "invalid token"},
		{"[1,\n2,\n3 4]", 3, 3, 9, "',' or ']' expected"},
		{"{\"a\":1,\"a\":2}", 1, 8, 7, "duplicate"},
		{"[\"ab\ncd\"]", 1, 5, 4, "control character"},
		{"[\"abc", 1, 2, 1, "unterminated"},
		{"", 1, 1, 0, "'[' or '{' expected"},
	};
	size_t i;
	vn_json_error err;

	for (i = 0; i < sizeof p / sizeof p[0]; i++) {
		ck_assert_ptr_null(vn_json_parse(p[i].in, strlen(p[i].in), 0, &err));
		ck_assert_msg(err.line == p[i].line && err.column == p[i].column &&
				      err.offset == p[i].offset,
			      "%zu: line %zu column %zu offset %zu", i, err.line, err.column,
			      err.offset);
		ck_assert_msg(strstr(err.text, p[i].text) != NULL, "%zu: '%s'", i, err.text);
	}
}
END_TEST

/* The one deliberate divergence: jansson's stream drops a NUL byte right
 * after a number or a literal (it ungets it into a slot where 0 means
 * "empty"), so it reads "[0\0]" as [0]. A NUL is no JSON token and an
 * unescaped control character in a string (RFC 8259 sections 2, 7): it is
 * refused wherever it stands. */
START_TEST(nul_divergence)
{
	static const struct {
		const char *in;
		size_t len;
	} t[] = {{T("[0\0]")}, {T("[true\0]")}, {T("{\"a\":-1.5\0}")}, {T("[null\0,1]")}};
	vn_json_error err;
	size_t i;
	json_t *b;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		ck_assert_ptr_null(vn_json_parse(t[i].in, t[i].len, 0, &err));
		ck_assert_int_eq(err.code, VN_JSON_E_SYNTAX);
		b = reference(t[i].in, t[i].len);
		ck_assert_msg(b != NULL, "%zu: json_loadb now refuses it: the exception can go", i);
		json_decref(b);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("vn_json");
	TCase *t = tcase_create("core");

	tcase_add_loop_test(t, rule, 0, sizeof cases / sizeof cases[0]);
	tcase_add_loop_test(t, differential, 0, sizeof cases / sizeof cases[0]);
	tcase_add_loop_test(t, scan_offsets, 0, sizeof breakers / sizeof breakers[0]);
	tcase_add_test(t, deep);
	tcase_add_test(t, values);
	tcase_add_test(t, position);
	tcase_add_test(t, nul_divergence);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return vn_test_run(suite());
}
