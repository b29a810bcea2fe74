/* The request bodies of POST /v1/validate and POST /v1/verify
 * (node/srv_req.c): each rule, with the status and the reason it gives. */
#include "vn_test.h"

#include "node/srv_req.h"

#define SIG "\"MIAGCSqGSIb3DQEHAqCA\""
#define H256 "\"n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=\""

static const struct {
	srv_req_kind kind;
	const char *body;
	int status;		/* 200: parsed */
	const char *why;	/* a part of the reason, for failures */
} cases[] = {
	/* /v1/validate */
	{SRV_REQ_VALIDATE, "{\"signature\":" SIG "}", 200, NULL},
	{SRV_REQ_VALIDATE, "{\"signature\":" SIG ",\"documents\":[{\"name\":\"a\",\"data\":\"aGk=\"}],"
			   "\"policy\":\"default\",\"validationTime\":\"2026-05-02T10:00:00Z\","
			   "\"reports\":[\"etsi-xml\"]}", 200, NULL},
	{SRV_REQ_VALIDATE, "{\"signature\":" SIG ",\"digests\":[{\"alg\":\"SHA-256\",\"value\":" H256 "}]}", 200, NULL},
	{SRV_REQ_VALIDATE, "{\"raw\":{\"hashAlgorithm\":\"SHA-256\"}}", 200, NULL},
	{SRV_REQ_VALIDATE, "{\"signature\":", 400, "not JSON"},
	{SRV_REQ_VALIDATE, "[1]", 400, "object"},
	{SRV_REQ_VALIDATE, "{\"a\":[[[[[[[[[[1]]]]]]]]]]}", 400, "deeper"},
	{SRV_REQ_VALIDATE, "{\"signature\":" SIG ",\"signature\":" SIG "}", 400, "not JSON"},
	{SRV_REQ_VALIDATE, "{\"signature\":" SIG ",\"signature\":" SIG "}", 400, "duplicate object key"},
	/* the parser's reason and where, for the problem's detail */
	{SRV_REQ_VALIDATE, "{\"signature\":\n x}", 400, "invalid token at line 2, column 2"},
	{SRV_REQ_VALIDATE, "{\"signature\":" SIG ",}", 400, "string or '}' expected at line 1"},
	{SRV_REQ_VALIDATE, "{\"signature\":\"\\u0000\"}", 400, "not JSON"},
	{SRV_REQ_VALIDATE, "{\"signature\":\"\xC0\xAF\"}", 400, "UTF-8"},
	{SRV_REQ_VALIDATE, "{\"signature\":01}", 400, "not JSON"},
	{SRV_REQ_VALIDATE, "", 400, "not JSON"},
	/* at the cap of 8 (the object and 7 arrays), parsed; one more is refused */
	{SRV_REQ_VALIDATE, "{\"a\":[[[[[[[1]]]]]]]}", 422, "unknown member"},
	{SRV_REQ_VALIDATE, "{\"a\":[[[[[[[[1]]]]]]]]}", 400, "deeper than 8"},
	{SRV_REQ_VALIDATE, "{}", 422, "exactly one"},
	{SRV_REQ_VALIDATE, "{\"signature\":" SIG ",\"raw\":{}}", 422, "exactly one"},
	{SRV_REQ_VALIDATE, "{\"signature\":" SIG ",\"extra\":1}", 422, "unknown member"},
	{SRV_REQ_VALIDATE, "{\"signature\":\"!!\"}", 422, "base64"},
	{SRV_REQ_VALIDATE, "{\"signature\":\"\"}", 422, "empty"},
	{SRV_REQ_VALIDATE, "{\"signature\":7}", 422, "base64 string"},
	{SRV_REQ_VALIDATE, "{\"raw\":[]}", 422, "raw must be an object"},
	{SRV_REQ_VALIDATE, "{\"raw\":{},\"documents\":[{\"data\":\"aGk=\"}]}", 422, "raw signature"},
	{SRV_REQ_VALIDATE, "{\"signature\":" SIG ",\"documents\":[],\"digests\":[]}", 422, "not both"},
	{SRV_REQ_VALIDATE, "{\"signature\":" SIG ",\"documents\":[{\"data\":\"aGk=\"},{\"data\":\"aGk=\"}]}", 422, "one detached"},
	{SRV_REQ_VALIDATE, "{\"signature\":" SIG ",\"documents\":[{\"name\":\"a\"}]}", 422, "data"},
	{SRV_REQ_VALIDATE, "{\"signature\":" SIG ",\"digests\":[{\"alg\":\"MD5\",\"value\":" H256 "}]}", 422, "digest algorithm"},
	{SRV_REQ_VALIDATE, "{\"signature\":" SIG ",\"digests\":[{\"alg\":\"SHA-512\",\"value\":" H256 "}]}", 422, "not a SHA-512"},
	{SRV_REQ_VALIDATE, "{\"signature\":" SIG ",\"validationTime\":\"2026-05-02\"}", 422, "RFC 3339"},
	{SRV_REQ_VALIDATE, "{\"signature\":" SIG ",\"reports\":[\"pdf\"]}", 422, "reports[0]"},
	{SRV_REQ_VALIDATE, "{\"signature\":" SIG ",\"policy\":5}", 422, "policy"},
	/* /v1/verify (TS 119 442) */
	{SRV_REQ_VERIFY, "{\"reqID\":\"r\",\"sigObj\":[{\"b64Sig\":{\"val\":" SIG "}}],\"inDocs\":{\"docHash\":"
			 "[{\"dis\":[{\"alg\":\"urn:x\",\"val\":\"AA==\"},{\"alg\":\"http://www.w3.org/2001/04/xmlenc#sha256\","
			 "\"val\":" H256 "}]}]},\"optInp\":{\"policy\":[\"urn:valnode:policy:default\"],"
			 "\"useVerificationTime\":{\"specTime\":\"2026-05-02T10:00:00Z\"},\"unknown\":1}}", 200, NULL},
	{SRV_REQ_VERIFY, "{\"sigObj\":[{\"b64Sig\":{\"val\":" SIG "}}],\"inDocs\":{\"doc\":[{\"b64Data\":\"aGk=\"}]}}", 200, NULL},
	{SRV_REQ_VERIFY, "{}", 422, "sigObj"},
	{SRV_REQ_VERIFY, "{\"sigObj\":[]}", 422, "sigObj"},
	{SRV_REQ_VERIFY, "{\"sigObj\":[{},{}]}", 422, "one sigObj"},
	{SRV_REQ_VERIFY, "{\"sigObj\":[{\"sigPtr\":{}}]}", 422, "sigPtr"},
	{SRV_REQ_VERIFY, "{\"sigObj\":[{\"b64Sig\":{}}]}", 422, "b64Sig.val"},
	{SRV_REQ_VERIFY, "{\"sigObj\":[{\"b64Sig\":{\"val\":" SIG "}}],\"inDocs\":{\"docHash\":[{\"dis\":[{\"alg\":\"urn:x\",\"val\":\"AA==\"}]}]}}", 422, "no SHA"},
	{SRV_REQ_VERIFY, "{\"sigObj\":[{\"b64Sig\":{\"val\":" SIG "}}],\"inDocs\":{\"doc\":[],\"docHash\":[]}}", 422, "not both"},
	{SRV_REQ_VERIFY, "{\"sigObj\":[{\"b64Sig\":{\"val\":" SIG "}}],\"optInp\":{\"useVerificationTime\":{\"specTime\":\"now\"}}}", 422, "RFC 3339"},
	{SRV_REQ_VERIFY, "{\"reqID\":3,\"sigObj\":[{\"b64Sig\":{\"val\":" SIG "}}]}", 422, "reqID"},
};

START_TEST(parse_case)
{
	srv_request r;
	char why[256];
	int status = 0;
	vn_err e;

	e = srv_req_parse(cases[_i].kind, cases[_i].body, strlen(cases[_i].body), 8, 1 << 20, &r,
			  &status, why, sizeof why);
	ck_assert_msg(status == cases[_i].status, "case %d: status %d (%s)", _i, status, why);
	if (cases[_i].status == 200) {
		ck_assert_int_eq(e, VN_OK);
		/* a raw object stays parsed; a signature is decoded bytes */
		ck_assert(r.raw_json != NULL || (r.sig != NULL && r.siglen > 0));
	} else {
		ck_assert_int_eq(e, VN_ERR_MALFORMED);
		ck_assert_msg(strstr(why, cases[_i].why) != NULL, "case %d: '%s' lacks '%s'", _i, why,
			      cases[_i].why);
		ck_assert_ptr_null(r.sig);
		ck_assert_ptr_null(r.raw_json);
	}
	srv_request_free(&r);
}
END_TEST

START_TEST(parsed_fields)
{
	static const char v[] = "{\"sigObj\":[{\"b64Sig\":{\"val\":" SIG "}}],\"reqID\":\"q-1\","
				"\"inDocs\":{\"docHash\":[{\"dis\":[{\"alg\":\"SHA-256\",\"val\":" H256 "}]}]},"
				"\"optInp\":{\"useSigValPol\":{\"sigValPolId\":\"urn:valnode:policy:default\"}}}";
	static const char w[] = "{\"raw\":{\"a\":1},\"validationTime\":\"2026-05-02T10:00:00Z\"}";
	srv_request r;
	int status;

	ck_assert_int_eq(srv_req_parse(SRV_REQ_VERIFY, v, strlen(v), 0, 0, &r, &status, NULL, 0), VN_OK);
	ck_assert_str_eq(r.req_id, "q-1");
	ck_assert_str_eq(r.digest_alg, "SHA-256");
	ck_assert_uint_eq(r.digest_len, 32);
	ck_assert_str_eq(r.policy, "urn:valnode:policy:default");
	ck_assert_int_eq(r.want_xml, 1);
	srv_request_free(&r);
	ck_assert_int_eq(srv_req_parse(SRV_REQ_VALIDATE, w, strlen(w), 0, 0, &r, &status, NULL, 0), VN_OK);
	ck_assert_int_eq(r.raw, 1);
	ck_assert_ptr_null(r.sig);
	ck_assert_ptr_nonnull(r.raw_json);
	ck_assert_int_eq(json_integer_value(json_object_get(r.raw_json, "a")), 1);
	ck_assert_int_eq(r.at, 1777716000);
	ck_assert_int_eq(r.want_json, 1);
	srv_request_free(&r);
}
END_TEST

START_TEST(depth_and_caps)
{
	static const char s[] = "{\"a\":\"[[[[[[[[[[[[\",\"b\":[{}]}";
	static const char big[] = "{\"signature\":\"aGVsbG8gd29ybGQ=\"}";
	srv_request r;
	char why[128];
	int status;

	/* brackets inside strings do not count */
	ck_assert_uint_eq(srv_json_depth(s, strlen(s), 32), 3);
	ck_assert_uint_eq(srv_json_depth("[[[[", 4, 2), 3);
	/* a decoded member over the cap is 413 */
	ck_assert_int_eq(srv_req_parse(SRV_REQ_VALIDATE, big, strlen(big), 0, 4, &r, &status, why,
				       sizeof why), VN_ERR_MALFORMED);
	ck_assert_int_eq(status, 413);
	srv_request_free(&r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("srv_req");
	TCase *t = tcase_create("core");

	tcase_add_loop_test(t, parse_case, 0, sizeof cases / sizeof cases[0]);
	tcase_add_test(t, parsed_fields);
	tcase_add_test(t, depth_and_caps);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return vn_test_run(suite());
}
