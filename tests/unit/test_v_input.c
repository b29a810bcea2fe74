/* Check suite for node/v_input.c: the one entry point from bytes to
 * signatures (detection, the arguments each format accepts) and a
 * container's own verdict. */
#include "tests/unit/vn_test.h"

#include "node/v_input.h"

/* ---- v_input_parse: what each format accepts ------------------------- */

typedef struct icase {
	const char *name;
	const char *in;
	size_t len;		/* 0: strlen(in) */
	int with_data;		/* 1 bytes, 2 digest only */
	vn_err want;
	v_input_kind kind;
	const char *why;	/* a word the reason must hold */
} icase;

static const unsigned char digest[32] = {1};

static const icase icases[] = {
	{"unknown bytes", "hello", 0, 0, VN_ERR_UNSUPPORTED, V_INPUT_UNKNOWN, "not a signature"},
	{"raw object with a document", "{\"raw\": {}}", 0, 1, VN_ERR_ARG, V_INPUT_RAW_JSON, "own hash"},
	{"raw object, malformed", "{\"raw\": {}}", 0, 0, VN_ERR_MALFORMED, V_INPUT_RAW_JSON, ""},
	{"container with a document", "PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 22, 1, VN_ERR_ARG,
	 V_INPUT_ZIP, "own documents"},
	{"XML with only a digest", "<a/>", 0, 2, VN_ERR_ARG, V_INPUT_XML, "document itself"},
	{"XML without a signature", "<a/>", 0, 0, VN_ERR_MALFORMED, V_INPUT_XML, ""},
};

START_TEST(test_parse)
{
	const icase *c = &icases[_i];
	v_data d = {(const unsigned char *)"doc", 3, NULL, NULL, 0, "doc.txt"};
	v_parsed p;
	char why[256] = "";
	vn_err e;

	if (c->with_data == 2) {
		d.bytes = NULL;
		d.len = 0;
		d.digest_alg = "SHA-256";
		d.digest = digest;
		d.digest_len = sizeof digest;
	}
	e = v_input_parse((const unsigned char *)c->in, c->len ? c->len : strlen(c->in),
			  c->with_data ? &d : NULL, &p, why, sizeof why);
	ck_assert_msg(e == c->want, "%s: %s, want %s (%s)", c->name, vn_err_str(e), vn_err_str(c->want),
		      why);
	ck_assert_msg(p.kind == c->kind || e != VN_OK, "%s: kind %d", c->name, p.kind);
	ck_assert_msg(strstr(why, c->why) != NULL, "%s: why '%s'", c->name, why);
	ck_assert_ptr_null(p.sigs);	/* nothing is left behind on an error */
	ck_assert_ptr_null(p.container);
	v_parsed_free(&p);
}
END_TEST

/* ---- v_container_verdict ------------------------------------------------ */

typedef struct vcase {
	const char *name;
	v_check check;			/* the container's FC */
	vn_indication ind[2];		/* the signatures' verdicts */
	size_t nsigs;
	const char *covers[2];		/* "ab": signature i covers files a and b */
	int tst;			/* 0 none, 1 validated PASSED, 2 imprint mismatch, 3 not validated */
	vn_indication want;
	vn_subind sub;
} vcase;

static const vcase vcases[] = {
	{"all pass, all covered", V_CHECK_OK, {VN_IND_TOTAL_PASSED, VN_IND_TOTAL_PASSED}, 2, {"ab", "ab"},
	 0, VN_IND_TOTAL_PASSED, VN_SUB_NONE},
	{"container format fails", V_CHECK_FORMAT_FAILURE, {VN_IND_TOTAL_PASSED}, 1, {"ab"}, 0,
	 VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE},
	{"one signature indeterminate", V_CHECK_OK, {VN_IND_TOTAL_PASSED, VN_IND_INDETERMINATE}, 2,
	 {"ab", "ab"}, 0, VN_IND_INDETERMINATE, VN_SUB_TRY_LATER},
	{"failed beats indeterminate", V_CHECK_OK, {VN_IND_INDETERMINATE, VN_IND_TOTAL_FAILED}, 2,
	 {"ab", "ab"}, 0, VN_IND_TOTAL_FAILED, VN_SUB_TRY_LATER},
	{"a file one signature does not cover", V_CHECK_OK, {VN_IND_TOTAL_PASSED, VN_IND_TOTAL_PASSED},
	 2, {"ab", "a"}, 0, VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE},
	{"a file no signature covers", V_CHECK_OK, {VN_IND_TOTAL_PASSED}, 1, {"a"}, 0,
	 VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE},
	{"no signature", V_CHECK_OK, {VN_IND_TOTAL_PASSED}, 0, {""}, 0, VN_IND_INDETERMINATE,
	 VN_SUB_SIGNED_DATA_NOT_FOUND},
	{"ASiC-S timestamp passes", V_CHECK_OK, {VN_IND_TOTAL_PASSED}, 0, {""}, 1, VN_IND_TOTAL_PASSED,
	 VN_SUB_NONE},
	{"ASiC-S timestamp over other bytes", V_CHECK_OK, {VN_IND_TOTAL_PASSED}, 0, {""}, 2,
	 VN_IND_TOTAL_FAILED, VN_SUB_HASH_FAILURE},
	{"ASiC-S timestamp not validated", V_CHECK_OK, {VN_IND_TOTAL_PASSED}, 0, {""}, 3,
	 VN_IND_INDETERMINATE, VN_SUB_NO_POE},
};

START_TEST(test_verdict)
{
	const vcase *c = &vcases[_i];
	v_container ct;
	v_result r[2];
	v_timestamp ts;
	v_ts_result tr;
	vn_indication ind;
	vn_subind sub;
	size_t i, k;

	v_container_init(&ct);
	memset(r, 0, sizeof r);
	memset(&ts, 0, sizeof ts);
	memset(&tr, 0, sizeof tr);
	ct.check = c->check;
	ct.nfiles = 2;
	ct.files = calloc(2, sizeof *ct.files);
	ct.sigs = calloc(2, sizeof *ct.sigs);
	ck_assert(ct.files != NULL && ct.sigs != NULL);
	snprintf(ct.files[0].name, sizeof ct.files[0].name, "a");
	snprintf(ct.files[1].name, sizeof ct.files[1].name, "b");
	ct.nsigs = c->nsigs;
	for (i = 0; i < c->nsigs; i++) {
		v_sigobj_init(&ct.sigs[i]);
		ct.sigs[i].covered = calloc(2, sizeof *ct.sigs[i].covered);
		ck_assert_ptr_nonnull(ct.sigs[i].covered);
		for (k = 0; c->covers[i][k]; k++)
			snprintf(ct.sigs[i].covered[ct.sigs[i].ncovered++], V_DOCNAME_MAX, "%c",
				 c->covers[i][k]);
		r[i].indication = c->ind[i];
		r[i].sub = c->ind[i] == VN_IND_TOTAL_PASSED ? VN_SUB_NONE : VN_SUB_TRY_LATER;
	}
	if (c->tst) {
		ct.tst = &ts;
		ct.tst_check = c->tst == 2 ? V_CHECK_HASH_FAILURE : V_CHECK_OK;
		if (c->tst == 1) {
			tr.indication = VN_IND_TOTAL_PASSED;
			ct.tst_result = &tr;
		}
	}
	v_container_verdict(&ct, r, c->nsigs, &ind, &sub);
	ck_assert_msg(ind == c->want && sub == c->sub, "%s: %s/%s", c->name, vn_indication_name(ind),
		      vn_subind_name(sub) ? vn_subind_name(sub) : "-");
	ct.tst = NULL;
	ct.tst_result = NULL;
	for (i = 0; i < c->nsigs; i++)
		v_sigobj_free(&ct.sigs[i]);
	ct.nsigs = 0;
	v_container_free(&ct);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("v_input");
	TCase *tc = tcase_create("input");

	tcase_add_loop_test(tc, test_parse, 0, (int)(sizeof icases / sizeof icases[0]));
	tcase_add_loop_test(tc, test_verdict, 0, (int)(sizeof vcases / sizeof vcases[0]));
	suite_add_tcase(s, tc);
	return vn_test_run(s);
}
