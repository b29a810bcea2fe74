/* Check suite for the validation reports: DESIGN.md's JSON fields and a TS
 * 119 102-2 XML report that validates against the official schema. */
#include "tests/unit/vn_test.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <openssl/sha.h>

#include "node/tl_json.h"
#include "node/v_asic.h"
#include "node/v_report.h"

static X509 *make_cert(const char *cn, EVP_PKEY *key, EVP_PKEY *issuer_key, X509 *issuer)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();

	ck_assert_ptr_nonnull(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	ck_assert_int_gt(X509_sign(x, issuer_key, EVP_sha256()), 0);
	X509_NAME_free(n);
	return x;
}

static void fill(v_result *r, vn_indication ind, vn_subind sub, v_qual q)
{
	EVP_PKEY *ka = EVP_EC_gen("P-256"), *ks = EVP_EC_gen("P-256");
	X509 *ca = make_cert("Demo CA", ka, ka, NULL);
	X509 *sg = make_cert("SABINA ALIYEVA", ks, ka, ca);

	v_result_init(r);
	snprintf(r->id, sizeof r->id, "S-1");
	r->indication = ind;
	r->sub = sub;
	r->qualification = q;
	snprintf(r->process, sizeof r->process, "LTVM");
	snprintf(r->format, sizeof r->format, "CAdES-BASELINE-T");
	r->signer = sg;
	r->chain = sk_X509_new_null();
	X509_up_ref(sg);
	sk_X509_push(r->chain, sg);
	sk_X509_push(r->chain, ca);
	r->validation_time = 1798761600;
	r->best_signature_time = 1798700000;
	r->claimed_time = 1798690000;
	r->trusted_by_list = 1;
	snprintf(r->territory, sizeof r->territory, "AZ");
	snprintf(r->scheme, sizeof r->scheme, "guam");
	r->revocation.status = V_REV_REVOKED;
	r->revocation.revocation_time = 1798600000;
	(void)vn_findings_add(&r->findings, VN_LEVEL_ERROR, "V_REVOKED_NO_POE", "revoked");
	EVP_PKEY_free(ka);
	EVP_PKEY_free(ks);
}

static void container_part(vn_jw *w, const void *arg)
{
	v_container_write(w, arg, VN_IND_INDETERMINATE, VN_SUB_TRY_LATER);
}

/* The report as the streaming writer writes it (v_report.h), NUL-terminated
 * (free it); NULL when the writer failed, with *e its error. */

static char *report_text(const v_result *r, size_t n, const v_policy *p,
			 const v_container *c, vn_err *e)
{
	vn_buf b;
	vn_jw w;
	size_t len;

	vn_buf_init(&b, VN_JSONW_MAX_OUT);
	vn_jw_init(&w, &b);
	v_report_write(&w, r, n, p, c != NULL ? container_part : NULL, c);
	*e = vn_jw_done(&w);
	if (*e != VN_OK) {
		vn_buf_free(&b);
		return NULL;
	}
	return (char *)vn_buf_steal(&b, &len);
}

START_TEST(test_json)
{
	v_result r;
	v_policy p;
	json_t *j;
	json_error_t jerr;
	vn_err e;
	char *s;

	fill(&r, VN_IND_INDETERMINATE, VN_SUB_REVOKED_NO_POE, V_QUAL_INDETERMINATE);
	v_policy_default(&p);
	s = report_text(&r, 1, &p, NULL, &e);
	ck_assert_int_eq(e, VN_OK);
	j = json_loads(s, 0, &jerr);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string_value(json_object_get(j, "indication")), "INDETERMINATE");
	ck_assert_str_eq(json_string_value(json_object_get(j, "subIndication")), "REVOKED_NO_POE");
	ck_assert_str_eq(json_string_value(json_object_get(j, "qualification")), "Indeterminate");
	ck_assert_str_eq(json_string_value(json_object_get(j, "signingTime")), "2026-12-31T04:06:40Z");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "trust"), "territory")), "AZ");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "policy"), "id")), "default");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "signer"), "commonName")),
			 "SABINA ALIYEVA");
	ck_assert_int_eq(json_array_size(json_object_get(j, "chain")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(j, "findings"), 0),
							   "code")), "V_REVOKED_NO_POE");
	json_decref(j);
	free(s);
	v_result_free(&r);
}
END_TEST

/* ---- the report's bytes, shape by shape ----
 *
 * Each case sets a result up and gives the report it must produce as a
 * JSON document written by hand: jansson reads it and writes it
 * (json_dumps COMPACT, the bytes the node always answered), and the
 * streaming writer's text must be those bytes exactly. A string "@signer"
 * or "@chain" in the document stands for the certificate objects, put in
 * from vn_json_signer/vn_json_cert (the tree form of the same rendering). */

static const char esc_cn[] = "Q\"B\\S/ \x01\x1f\x7f\b\f\n\r\t caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe2\x80\xa8";
static const char esc_msg[] = "all: \"\\/\x01\x02\x03\x04\x05\x06\x07\b\t\n\x0b\f\r\x0e\x0f"
			      "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f"
			      " \xc2\x80 \xdf\xbf \xe0\xa0\x80 \xef\xbf\xbf \xf4\x8f\xbf\xbf";

static void set_cert(X509 **signer, STACK_OF(X509) **chain, const char *cn)
{
	EVP_PKEY *ka = EVP_EC_gen("P-256"), *ks = EVP_EC_gen("P-256");
	X509 *ca = make_cert("Demo CA", ka, ka, NULL);
	X509 *sg = make_cert(cn, ks, ka, ca);

	*signer = sg;
	*chain = sk_X509_new_null();
	X509_up_ref(sg);
	sk_X509_push(*chain, sg);
	sk_X509_push(*chain, ca);
	EVP_PKEY_free(ka);
	EVP_PKEY_free(ks);
}

static void shape_base(v_result *r)
{
	v_result_init(r);
	snprintf(r->id, sizeof r->id, "S-1");
	snprintf(r->process, sizeof r->process, "Basic");
	snprintf(r->format, sizeof r->format, "CAdES-BASELINE-B");
}

static void add_ts(v_result *r, int kind, vn_indication ind, vn_subind sub, vn_time gen,
		   const char *tsa, int q)
{
	v_ts_result *t;

	r->timestamps = realloc(r->timestamps, (r->ntimestamps + 1) * sizeof *r->timestamps);
	ck_assert_ptr_nonnull(r->timestamps);
	t = &r->timestamps[r->ntimestamps++];
	memset(t, 0, sizeof *t);
	t->kind = kind;
	t->indication = ind;
	t->sub = sub;
	t->gen_time = gen;
	t->qualified = q;
	snprintf(t->tsa_name, sizeof t->tsa_name, "%s", tsa);
}

/* 0: valid, list trust, chain, good revocation by online OCSP, three
 * timestamps, findings of every level, a policy with digest and
 * jurisdiction, a signature policy */
static void shape_valid(v_result *r, v_policy *p)
{
	shape_base(r);
	r->indication = VN_IND_TOTAL_PASSED;
	r->qualification = V_QUAL_QESIG;
	snprintf(r->process, sizeof r->process, "LTA");
	snprintf(r->format, sizeof r->format, "CAdES-BASELINE-LTA");
	set_cert(&r->signer, &r->chain, "Mari Tamm");
	r->claimed_time = 1798690000;
	r->best_signature_time = 1798700000;
	r->validation_time = 1798761600;
	r->trusted_by_list = 1;
	snprintf(r->scheme, sizeof r->scheme, "eu");
	snprintf(r->territory, sizeof r->territory, "EE");
	snprintf(r->tsp, sizeof r->tsp, "Demo TSP");
	snprintf(r->service, sizeof r->service, "Demo QC CA");
	snprintf(r->service_type, sizeof r->service_type, "http://uri.etsi.org/TrstSvc/Svctype/CA/QC");
	snprintf(r->service_status, sizeof r->service_status,
		 "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted");
	r->revocation.status = V_REV_GOOD;
	r->revocation.source = V_REVSRC_ONLINE_OCSP;
	r->revocation.this_update = 1798760000;
	r->revocation.produced_at = 1798760001;
	snprintf(r->cert_qualification, sizeof r->cert_qualification, "QC for eSig with QSCD");
	add_ts(r, 0, VN_IND_TOTAL_PASSED, VN_SUB_NONE, 1798700000, "CN=Demo TSA,C=EE", 1);
	add_ts(r, 1, VN_IND_INDETERMINATE, VN_SUB_TRY_LATER, 1798710000, "CN=Archive TSA", 0);
	add_ts(r, 2, VN_IND_TOTAL_FAILED, VN_SUB_HASH_FAILURE, VN_TIME_NONE, "", 0);
	(void)vn_findings_add(&r->findings, VN_LEVEL_INFO, "V_INFO", "an info");
	(void)vn_findings_add(&r->findings, VN_LEVEL_WARN, "V_WARN", "a warning");
	(void)vn_findings_add(&r->findings, VN_LEVEL_ERROR, "V_ERROR", "an error %d", 3);
	snprintf(r->sig_policy, sizeof r->sig_policy, "1.3.6.1.4.1.10015.1000.3.2.1");
	p->digest = "ab12";
	p->jurisdiction = "EE";
}

static const char want_valid[] =
	"{\"id\": \"S-1\", \"indication\": \"TOTAL-PASSED\", \"subIndication\": null,"
	" \"qualification\": \"QESig\", \"format\": \"CAdES-BASELINE-LTA\", \"process\": \"LTA\","
	" \"signer\": \"@signer\", \"signingTime\": \"2026-12-31T04:06:40Z\","
	" \"bestSignatureTime\": \"2026-12-31T06:53:20Z\", \"validationTime\": \"2027-01-01T00:00:00Z\","
	" \"trust\": {\"scheme\": \"eu\", \"territory\": \"EE\", \"tsp\": \"Demo TSP\","
	"   \"service\": \"Demo QC CA\", \"serviceType\": \"http://uri.etsi.org/TrstSvc/Svctype/CA/QC\","
	"   \"status\": \"http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted\"},"
	" \"chain\": \"@chain\","
	" \"revocation\": {\"status\": \"good\", \"source\": \"online-ocsp\", \"revocationTime\": null,"
	"   \"thisUpdate\": \"2026-12-31T23:33:20Z\", \"producedAt\": \"2026-12-31T23:33:21Z\"},"
	" \"certificateQualification\": \"QC for eSig with QSCD\","
	" \"timestamps\": ["
	"   {\"kind\": \"signature\", \"indication\": \"TOTAL-PASSED\", \"subIndication\": null,"
	"    \"genTime\": \"2026-12-31T06:53:20Z\", \"tsa\": \"CN=Demo TSA,C=EE\", \"qualified\": true},"
	"   {\"kind\": \"archive\", \"indication\": \"INDETERMINATE\", \"subIndication\": \"TRY_LATER\","
	"    \"genTime\": \"2026-12-31T09:40:00Z\", \"tsa\": \"CN=Archive TSA\", \"qualified\": false},"
	"   {\"kind\": \"content\", \"indication\": \"TOTAL-FAILED\", \"subIndication\": \"HASH_FAILURE\","
	"    \"genTime\": null, \"tsa\": \"\", \"qualified\": false}],"
	" \"policy\": {\"id\": \"default\", \"version\": \"1\", \"digest\": \"ab12\", \"jurisdiction\": \"EE\"},"
	" \"findings\": [{\"code\": \"V_INFO\", \"level\": \"info\", \"message\": \"an info\"},"
	"   {\"code\": \"V_WARN\", \"level\": \"warning\", \"message\": \"a warning\"},"
	"   {\"code\": \"V_ERROR\", \"level\": \"error\", \"message\": \"an error 3\"}],"
	" \"signaturePolicy\": \"1.3.6.1.4.1.10015.1000.3.2.1\"}";

/* 1: invalid, no signer, no chain: trust null, chain [], no policy,
 * revocation none, every time absent */
static void shape_invalid(v_result *r, v_policy *p)
{
	(void)p;
	shape_base(r);
	r->indication = VN_IND_TOTAL_FAILED;
	r->sub = VN_SUB_SIG_CRYPTO_FAILURE;
	r->qualification = V_QUAL_NOT_ADES;
	r->claimed_time = VN_TIME_NONE;
	r->best_signature_time = VN_TIME_NONE;
	r->validation_time = VN_TIME_NONE;
	r->revocation.revocation_time = VN_TIME_NONE;
	r->revocation.this_update = VN_TIME_NONE;
	r->revocation.produced_at = VN_TIME_NONE;
	(void)vn_findings_add(&r->findings, VN_LEVEL_ERROR, "V_SIG_INVALID", "does not verify");
}

static const char want_invalid[] =
	"{\"id\": \"S-1\", \"indication\": \"TOTAL-FAILED\", \"subIndication\": \"SIG_CRYPTO_FAILURE\","
	" \"qualification\": \"@qual\", \"format\": \"CAdES-BASELINE-B\", \"process\": \"Basic\","
	" \"signer\": null, \"signingTime\": null, \"bestSignatureTime\": null, \"validationTime\": null,"
	" \"trust\": null, \"chain\": [],"
	" \"revocation\": {\"status\": \"unknown\", \"source\": \"none\", \"revocationTime\": null,"
	"   \"thisUpdate\": null, \"producedAt\": null},"
	" \"certificateQualification\": \"\", \"timestamps\": [], \"policy\": null,"
	" \"findings\": [{\"code\": \"V_SIG_INVALID\", \"level\": \"error\", \"message\": \"does not verify\"}],"
	" \"signaturePolicy\": null}";

/* 2: indeterminate under a bare anchor, revoked, cached */
static void shape_bare(v_result *r, v_policy *p)
{
	(void)p;
	shape_base(r);
	r->indication = VN_IND_INDETERMINATE;
	r->sub = VN_SUB_REVOKED_NO_POE;
	set_cert(&r->signer, &r->chain, "Bare Signer");
	r->claimed_time = VN_TIME_NONE;
	r->best_signature_time = 1798700000;
	r->validation_time = 1798761600;
	r->revocation.status = V_REV_REVOKED;
	r->revocation.source = V_REVSRC_CACHE;
	r->revocation.revocation_time = 1798600000;
	r->revocation.this_update = VN_TIME_NONE;
	r->revocation.produced_at = VN_TIME_NONE;
}

static const char want_bare[] =
	"{\"id\": \"S-1\", \"indication\": \"INDETERMINATE\", \"subIndication\": \"REVOKED_NO_POE\","
	" \"qualification\": \"@qual\", \"format\": \"CAdES-BASELINE-B\", \"process\": \"Basic\","
	" \"signer\": \"@signer\", \"signingTime\": null, \"bestSignatureTime\": \"2026-12-31T06:53:20Z\","
	" \"validationTime\": \"2027-01-01T00:00:00Z\", \"trust\": {\"anchor\": \"bare\"}, \"chain\": \"@chain\","
	" \"revocation\": {\"status\": \"revoked\", \"source\": \"cache\","
	"   \"revocationTime\": \"2026-12-30T03:06:40Z\", \"thisUpdate\": null, \"producedAt\": null},"
	" \"certificateQualification\": \"\", \"timestamps\": [], \"policy\": \"@policy\","
	" \"findings\": [], \"signaturePolicy\": null}";

/* 3 and 4: a foreign service read through an equivalence, with and
 * without the certificate's QC view translated */
static void shape_mapped(v_result *r, v_policy *p, int qc)
{
	shape_valid(r, p);
	r->mapped = 1;
	r->qc_mapped = qc;
	snprintf(r->mapping, sizeof r->mapping, "lotl:UA-EU");
	snprintf(r->orig_service_type, sizeof r->orig_service_type, "http://ua/type");
	snprintf(r->orig_service_status, sizeof r->orig_service_status, "http://ua/status");
	snprintf(r->orig_qc_legislation, sizeof r->orig_qc_legislation, "UA");
}

static void shape_mapped_qc(v_result *r, v_policy *p)
{
	shape_mapped(r, p, 1);
}

static void shape_mapped_noqc(v_result *r, v_policy *p)
{
	shape_mapped(r, p, 0);
}

static const char mapped_trust[] =
	"\"trust\": {\"scheme\": \"eu\", \"territory\": \"EE\", \"tsp\": \"Demo TSP\","
	"   \"service\": \"Demo QC CA\", \"serviceType\": \"http://uri.etsi.org/TrstSvc/Svctype/CA/QC\","
	"   \"status\": \"http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted\","
	"   \"mapping\": \"lotl:UA-EU\", \"original\": {\"serviceType\": \"http://ua/type\","
	"   \"status\": \"http://ua/status\"%s}, \"certificateMapped\": %s}";

/* 5: every character that needs escaping, and UTF-8 that does not, in the
 * signer's name, a finding, a TSA name and the signature policy */
static void shape_escapes(v_result *r, v_policy *p)
{
	(void)p;
	shape_base(r);
	set_cert(&r->signer, &r->chain, esc_cn);
	r->claimed_time = VN_TIME_NONE;
	r->best_signature_time = VN_TIME_NONE;
	r->validation_time = VN_TIME_NONE;
	(void)vn_findings_add(&r->findings, VN_LEVEL_WARN, "V_ESC", "%s", esc_msg);
	add_ts(r, 0, VN_IND_TOTAL_PASSED, VN_SUB_NONE, VN_TIME_NONE, esc_cn, 0);
	snprintf(r->sig_policy, sizeof r->sig_policy, "%s", "urn:\"x\"\\y");
}

static const char want_escapes[] =
	"{\"id\": \"S-1\", \"indication\": \"@ind\", \"subIndication\": null,"
	" \"qualification\": \"@qual\", \"format\": \"CAdES-BASELINE-B\", \"process\": \"Basic\","
	" \"signer\": \"@signer\", \"signingTime\": null, \"bestSignatureTime\": null, \"validationTime\": null,"
	" \"trust\": {\"anchor\": \"bare\"}, \"chain\": \"@chain\","
	" \"revocation\": {\"status\": \"unknown\", \"source\": \"none\", \"revocationTime\": null,"
	"   \"thisUpdate\": null, \"producedAt\": null},"
	" \"certificateQualification\": \"\","
	" \"timestamps\": [{\"kind\": \"signature\", \"indication\": \"TOTAL-PASSED\", \"subIndication\": null,"
	"   \"genTime\": null, \"tsa\": \"Q\\\"B\\\\S/ \\u0001\\u001F\\u007F\\b\\f\\n\\r\\t caf\\u00e9 \\u20ac \\ud83d\\ude00 \\u2028\","
	"   \"qualified\": false}],"
	" \"policy\": \"@policy\","
	" \"findings\": [{\"code\": \"V_ESC\", \"level\": \"warning\", \"message\":"
	"   \"all: \\\"\\\\\\/\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
	"\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\\u007f"
	" \\u0080 \\u07ff \\u0800 \\uffff \\udbff\\udfff\"}],"
	" \"signaturePolicy\": \"urn:\\\"x\\\"\\\\y\"}";

static const struct shape {
	const char *name;
	void (*make)(v_result *, v_policy *);
	int with_policy;
} shapes[] = {
	{"valid", shape_valid, 1},	   {"invalid", shape_invalid, 0},
	{"bare", shape_bare, 1},	   {"mapped-qc", shape_mapped_qc, 1},
	{"mapped-noqc", shape_mapped_noqc, 1}, {"escapes", shape_escapes, 1},
};

static json_t *policy_json(const v_policy *p)
{
	return json_pack("{s:s, s:s, s:o, s:o}", "id", p->id, "version", p->version, "digest",
			 p->digest ? json_string(p->digest) : json_null(), "jurisdiction",
			 p->jurisdiction ? json_string(p->jurisdiction) : json_null());
}

/* The expected tree of shape i for r: the hand-written document with its
 * "@..." stand-ins filled from r. */
static json_t *shape_want(size_t i, const v_result *r, const v_policy *p)
{
	char doc[8192];
	json_error_t jerr;
	json_t *j, *v, *ch;
	const char *k;
	size_t c;

	switch (i) {
	case 0:
		snprintf(doc, sizeof doc, "%s", want_valid);
		break;
	case 1:
		snprintf(doc, sizeof doc, "%s", want_invalid);
		break;
	case 2:
		snprintf(doc, sizeof doc, "%s", want_bare);
		break;
	case 3:
	case 4: {
		/* the valid document with the mapped trust */
		char t[1024];
		const char *a = strstr(want_valid, "\"trust\":"), *b = strstr(want_valid, " \"chain\":");
		snprintf(t, sizeof t, mapped_trust, i == 3 ? ", \"qcCClegislation\": \"UA\"" : "",
			 i == 3 ? "true" : "false");
		snprintf(doc, sizeof doc, "%.*s%s,%s", (int)(a - want_valid), want_valid, t, b);
		break;
	}
	default:
		snprintf(doc, sizeof doc, "%s", want_escapes);
		break;
	}
	j = json_loads(doc, JSON_ALLOW_NUL, &jerr);
	ck_assert_msg(j != NULL, "%s: the expected document: %s at %d", shapes[i].name, jerr.text,
		      jerr.position);
	json_object_foreach(j, k, v) {
		const char *sv = json_string_value(v);
		if (sv == NULL || sv[0] != '@')
			continue;
		if (strcmp(sv, "@signer") == 0) {
			json_object_set_new(j, k, vn_json_signer(r->signer));
		} else if (strcmp(sv, "@chain") == 0) {
			ch = json_array();
			for (c = 0; c < (size_t)sk_X509_num(r->chain); c++)
				json_array_append_new(ch, vn_json_cert(sk_X509_value(r->chain, (int)c)));
			json_object_set_new(j, k, ch);
		} else if (strcmp(sv, "@qual") == 0) {
			json_object_set_new(j, k, json_string(v_qual_name(r->qualification)));
		} else if (strcmp(sv, "@ind") == 0) {
			json_object_set_new(j, k, json_string(vn_indication_name(r->indication)));
		} else if (strcmp(sv, "@policy") == 0) {
			json_object_set_new(j, k, policy_json(p));
		}
	}
	return j;
}

/* got must be exp byte for byte; else where they part, briefly. */
static void same_text(const char *got, const char *exp)
{
	size_t i = 0;

	while (got[i] != '\0' && got[i] == exp[i])
		i++;
	ck_assert_msg(got[i] == exp[i], "the texts part at byte %zu:\n got ...%.160s\nwant ...%.160s", i,
		      got + (i > 40 ? i - 40 : 0), exp + (i > 40 ? i - 40 : 0));
}

START_TEST(test_json_shapes)
{
	v_result r;
	v_policy p;
	json_t *want;
	char *exp, *got;
	vn_err e;

	v_policy_default(&p);
	shapes[_i].make(&r, &p);
	want = shape_want((size_t)_i, &r, &p);
	exp = json_dumps(want, JSON_COMPACT);
	got = report_text(&r, 1, shapes[_i].with_policy ? &p : NULL, NULL, &e);
	ck_assert_msg(got != NULL, "%s: the writer failed: %s", shapes[_i].name, vn_err_str(e));
	same_text(got, exp);
	free(got);
	free(exp);
	json_decref(want);
	v_result_free(&r);
}
END_TEST

/* Several signatures, and a container's part before them. */
START_TEST(test_json_several)
{
	v_result r[3];
	v_policy p;
	v_container c;
	json_t *want, *sigs, *ctr;
	json_error_t jerr;
	char *exp, *got;
	size_t i;
	vn_err e;

	v_policy_default(&p);
	shape_valid(&r[0], &p);
	shape_invalid(&r[1], &p);
	shape_escapes(&r[2], &p);
	snprintf(r[1].id, sizeof r[1].id, "S-2");
	snprintf(r[2].id, sizeof r[2].id, "S-3");
	sigs = json_array();
	for (i = 0; i < 3; i++) {
		json_t *one = shape_want(i == 2 ? 5 : i, &r[i], &p);
		json_object_set_new(one, "id", json_string(r[i].id));
		if (i == 1)	/* written with the request's policy, here */
			json_object_set_new(one, "policy", policy_json(&p));
		json_array_append_new(sigs, one);
	}
	/* without a container */
	want = json_pack("{s:O}", "signatures", sigs);
	exp = json_dumps(want, JSON_COMPACT);
	got = report_text(r, 3, &p, NULL, &e);
	ck_assert_ptr_nonnull(got);
	same_text(got, exp);
	free(got);
	free(exp);
	json_decref(want);

	/* with an ASiC-E container: two files, S-1 covers both, S-2 one, and
	 * a container-level finding; then as ASiC-S with its timestamp */
	v_container_init(&c);
	snprintf(c.mimetype, sizeof c.mimetype, "application/vnd.etsi.asic-e+zip");
	c.nfiles = 2;
	c.files = calloc(2, sizeof *c.files);
	snprintf(c.files[0].name, sizeof c.files[0].name, "a \"b\".txt");
	c.files[0].len = 4060;
	snprintf(c.files[1].name, sizeof c.files[1].name, "caf\xc3\xa9.txt");
	c.nsigs = 2;
	c.sigs = calloc(2, sizeof *c.sigs);
	c.sigfile = calloc(2, sizeof *c.sigfile);
	for (i = 0; i < 2; i++) {
		v_sigobj_init(&c.sigs[i]);
		snprintf(c.sigs[i].id, sizeof c.sigs[i].id, "S-%zu", i + 1);
		snprintf(c.sigfile[i], sizeof c.sigfile[i], "META-INF/signatures%zu.xml", i);
		c.sigs[i].ncovered = 2 - i;
		c.sigs[i].covered = calloc(2, sizeof *c.sigs[i].covered);
		snprintf(c.sigs[i].covered[0], sizeof c.sigs[i].covered[0], "%s", c.files[1].name);
		snprintf(c.sigs[i].covered[1], sizeof c.sigs[i].covered[1], "%s", c.files[0].name);
	}
	(void)vn_findings_add(&c.findings, VN_LEVEL_WARN, "V_ASIC_X", "odd \x01");
	for (int round = 0; round < 2; round++) {
		const char *ctext =
			"{\"type\": \"ASiC-E\", \"mimetype\": \"application/vnd.etsi.asic-e+zip\","
			" \"indication\": \"INDETERMINATE\", \"subIndication\": \"TRY_LATER\","
			" \"dataFiles\": [{\"name\": \"a \\\"b\\\".txt\", \"size\": 4060, \"signedBy\": [\"S-1\"]},"
			"   {\"name\": \"caf\\u00e9.txt\", \"size\": 0, \"signedBy\": [\"S-1\", \"S-2\"]}],"
			" \"signatures\": [{\"id\": \"S-1\", \"file\": \"META-INF/signatures0.xml\"},"
			"   {\"id\": \"S-2\", \"file\": \"META-INF/signatures1.xml\"}],"
			" \"findings\": [{\"code\": \"V_ASIC_X\", \"level\": \"warning\", \"message\": \"odd \\u0001\"}]}";
		ctr = json_loads(ctext, 0, &jerr);
		ck_assert_msg(ctr != NULL, "%s", jerr.text);
		if (round == 1) {
			c.type = V_ASIC_S;
			c.tst_result = calloc(1, sizeof *c.tst_result);
			c.tst_result->kind = 2;
			c.tst_result->indication = VN_IND_TOTAL_PASSED;
			c.tst_result->gen_time = 1798700000;
			snprintf(c.tst_result->tsa_name, sizeof c.tst_result->tsa_name, "CN=TSA");
			c.tst_result->qualified = 1;
			json_object_set_new(ctr, "type", json_string("ASiC-S"));
			json_object_set_new(ctr, "timestamp",
					    json_loads("{\"indication\": \"TOTAL-PASSED\", \"subIndication\": null,"
						       " \"genTime\": \"2026-12-31T06:53:20Z\", \"tsa\": \"CN=TSA\","
						       " \"qualified\": true}", 0, &jerr));
		}
		want = json_pack("{s:o, s:O}", "container", ctr, "signatures", sigs);
		exp = json_dumps(want, JSON_COMPACT);
		got = report_text(r, 3, &p, &c, &e);
		ck_assert_ptr_nonnull(got);
		same_text(got, exp);
		free(got);
		free(exp);
		json_decref(want);
	}
	json_decref(sigs);
	v_container_free(&c);
	for (i = 0; i < 3; i++)
		v_result_free(&r[i]);
}
END_TEST

/* A string that is not UTF-8 anywhere in a report (a TSA name cut inside a
 * sequence, a finding with a stray byte, a Latin-1 TSP name): the report
 * is still written, whole, with U+FFFD for each byte that does not begin a
 * well-formed sequence, and it is JSON that jansson reads (json_pack
 * refused such a string, and the signature fell out of the answer). */
#define R "\xef\xbf\xbd"
static const struct {
	const char *in, *want;
} bad_utf8[] = {
	{"cut \xc3", "cut " R},
	{"stray \x80 byte", "stray " R " byte"},
	{"latin-1 caf\xe9", "latin-1 caf" R},
	{"overlong \xc0\xaf", "overlong " R R},
	{"surrogate \xed\xa0\x80", "surrogate " R R R},
};
#undef R

START_TEST(test_json_not_utf8)
{
	v_result r;
	v_policy p;
	vn_err e;
	char *got, want[64];
	json_t *j;

	v_policy_default(&p);
	shape_valid(&r, &p);
	switch (_i % 3) {
	case 0:
		snprintf(r.timestamps[0].tsa_name, sizeof r.timestamps[0].tsa_name, "%s", bad_utf8[_i].in);
		break;
	case 1:
		(void)vn_findings_add(&r.findings, VN_LEVEL_INFO, "V_X", "%s", bad_utf8[_i].in);
		break;
	default:
		snprintf(r.tsp, sizeof r.tsp, "%s", bad_utf8[_i].in);
		break;
	}
	ck_assert_ptr_null(json_string(bad_utf8[_i].in));	/* jansson refuses it */
	got = report_text(&r, 1, &p, NULL, &e);
	ck_assert_ptr_nonnull(got);
	ck_assert_int_eq(e, VN_OK);
	snprintf(want, sizeof want, "\"%s\"", bad_utf8[_i].want);
	ck_assert_ptr_nonnull(strstr(got, want));
	ck_assert_ptr_null(strstr(got, bad_utf8[_i].in));
	j = json_loads(got, 0, NULL);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string_value(json_object_get(j, "indication")), "TOTAL-PASSED");
	json_decref(j);
	free(got);
	v_result_free(&r);
}
END_TEST

/* A certificate's report text is rendered once and kept beside it
 * (tl_json.c cert_text): two certificates asked in turn each get their own
 * names, serial, fingerprint and validity, equal to a fresh rendering, in
 * the report's key order; the signer alone carries commonName. */
static void expect_cert(json_t *j, X509 *x, int with_cn)
{
	unsigned char *der = NULL, md[32];
	char hex[65], sn[128];
	BIO *b = BIO_new(BIO_s_mem());
	char *p = NULL;
	long len;
	int n = i2d_X509(x, &der), i;
	const char *key;
	json_t *v;
	static const char *const order[] = {"subject", "issuer", "serial", "sha256", "notBefore",
					    "notAfter", "commonName"};
	size_t k = 0;

	ck_assert_ptr_nonnull(j);
	ck_assert_int_gt(n, 0);
	ck_assert_ptr_nonnull(SHA256(der, (size_t)n, md));
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	ck_assert_str_eq(json_string_value(json_object_get(j, "sha256")), hex);
	ck_assert_int_ge(X509_NAME_print_ex(b, X509_get_subject_name(x), 0,
					    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB), 0);
	len = BIO_get_mem_data(b, &p);
	ck_assert_int_gt(len, 0);
	ck_assert_uint_eq(json_string_length(json_object_get(j, "subject")), (size_t)len);
	ck_assert_mem_eq(json_string_value(json_object_get(j, "subject")), p, (size_t)len);
	/* BN_bn2hex: whole bytes, upper case */
	snprintf(sn, sizeof sn, "%lX", ASN1_INTEGER_get(X509_get0_serialNumber(x)));
	if (strlen(sn) % 2 != 0) {
		memmove(sn + 1, sn, strlen(sn) + 1);
		sn[0] = '0';
	}
	ck_assert_str_eq(json_string_value(json_object_get(j, "serial")), sn);
	json_object_foreach(j, key, v) {
		ck_assert_uint_lt(k, 7);
		ck_assert_str_eq(key, order[k]);
		k++;
	}
	ck_assert_uint_eq(k, with_cn ? 7 : 6);
	BIO_free(b);
	OPENSSL_free(der);
}

START_TEST(test_cert_json_memo)
{
	EVP_PKEY *ka = EVP_EC_gen("P-256"), *kb = EVP_EC_gen("P-256");
	X509 *a = make_cert("Alpha CA", ka, ka, NULL), *b = make_cert("Beta Signer", kb, ka, a);
	json_t *j;
	int round;

	ASN1_INTEGER_set(X509_get_serialNumber(b), 0x1234);
	ck_assert_int_gt(X509_sign(b, ka, EVP_sha256()), 0);
	for (round = 0; round < 2; round++) {
		j = vn_json_cert(a);
		expect_cert(j, a, 0);
		ck_assert_str_eq(json_string_value(json_object_get(j, "subject")), "CN=Alpha CA");
		json_decref(j);
		j = vn_json_signer(b);
		expect_cert(j, b, 1);
		ck_assert_str_eq(json_string_value(json_object_get(j, "commonName")), "Beta Signer");
		ck_assert_str_eq(json_string_value(json_object_get(j, "issuer")), "CN=Alpha CA");
		json_decref(j);
		j = vn_json_cert(b);	/* the same memo, without commonName */
		expect_cert(j, b, 0);
		json_decref(j);
		/* the streaming writer appends the object rendered once, with
		 * the bytes json_dumps gives for the tree */
		for (int k = 0; k < 3; k++) {
			X509 *x = k == 0 ? a : b;
			int cn = k == 1;
			json_t *t = cn ? vn_json_signer(x) : vn_json_cert(x);
			char *want = json_dumps(t, JSON_COMPACT);
			vn_buf out;
			vn_jw w;

			vn_buf_init(&out, (size_t)1 << 16);
			vn_jw_init(&w, &out);
			vn_json_cert_write(&w, x, cn);
			ck_assert_int_eq(w.err, VN_OK);
			ck_assert_ptr_nonnull(want);
			ck_assert_uint_eq(out.len, strlen(want));
			ck_assert_mem_eq(out.data, want, out.len);
			free(want);
			json_decref(t);
			vn_buf_free(&out);
		}
	}
	ck_assert(json_is_null(vn_json_cert(NULL)));
	X509_free(a);
	X509_free(b);
	EVP_PKEY_free(ka);
	EVP_PKEY_free(kb);
}
END_TEST

static int xsd_valid(const unsigned char *xml, size_t len)
{
	char path[] = "/tmp/vn-vr-XXXXXX", cmd[2048];
	int fd = mkstemp(path), rc;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, xml, len), (ssize_t)len);
	close(fd);
	snprintf(cmd, sizeof cmd,
		 "XML_CATALOG_FILES=%s/../shared/xsd/catalog.xml xmllint --noout --nonet --schema "
		 "%s/../shared/xsd/1910202xmlSchema.xsd %s 2>/tmp/vn-vr.err",
		 vn_test_srcdir(), vn_test_srcdir(), path);
	rc = system(cmd);
	unlink(path);
	return rc == 0;
}

static const struct xml_case {
	vn_indication ind;
	vn_subind sub;
	v_qual q;
	const char *want;
} xml_cases[] = {
	{VN_IND_INDETERMINATE, VN_SUB_REVOKED_NO_POE, V_QUAL_INDETERMINATE,
	 "urn:etsi:019102:subindication:REVOKED_NO_POE"},
	{VN_IND_TOTAL_PASSED, VN_SUB_NONE, V_QUAL_QESIG, "urn:cef:dss:signatureQualification:QESig"},
	{VN_IND_TOTAL_FAILED, VN_SUB_HASH_FAILURE, V_QUAL_NOT_ADES, "urn:etsi:019102:mainindication:total-failed"},
};

START_TEST(test_xml_schema_valid)
{
	char p[1024];
	v_result r[2];
	v_policy pol;
	unsigned char *xml = NULL;
	size_t len = 0;

	VN_SKIP_NO_CORPUS(vn_test_corpus("../xsd/1910202xmlSchema.xsd", p, sizeof p), "../xsd");
	fill(&r[0], xml_cases[_i].ind, xml_cases[_i].sub, xml_cases[_i].q);
	fill(&r[1], VN_IND_TOTAL_PASSED, VN_SUB_NONE, V_QUAL_ADESIG);
	snprintf(r[1].id, sizeof r[1].id, "S-2");
	v_policy_default(&pol);
	ck_assert_int_eq(v_result_xml(r, 2, &pol, &xml, &len), VN_OK);
	ck_assert_ptr_nonnull(strstr((char *)xml, xml_cases[_i].want));
	ck_assert_ptr_nonnull(strstr((char *)xml, "urn:etsi:019102:validationprocess:LTVM"));
	ck_assert_msg(xsd_valid(xml, len), "report is not valid against 1910202xmlSchema.xsd:\n%s", xml);
	xmlFree(xml);
	v_result_free(&r[0]);
	v_result_free(&r[1]);
}
END_TEST

START_TEST(test_xml_schema_negative)
{
	char p[1024];
	const char *bad = "<vr:ValidationReport xmlns:vr='http://uri.etsi.org/19102/v1.4.1#'>"
			  "<vr:SignatureValidationReport/></vr:ValidationReport>";

	VN_SKIP_NO_CORPUS(vn_test_corpus("../xsd/1910202xmlSchema.xsd", p, sizeof p), "../xsd");
	/* the checker itself refuses a report without SignatureValidationStatus */
	ck_assert(!xsd_valid((const unsigned char *)bad, strlen(bad)));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("v_report");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_json);
	tcase_add_loop_test(tc, test_json_shapes, 0, (int)(sizeof shapes / sizeof shapes[0]));
	tcase_add_test(tc, test_json_several);
	tcase_add_loop_test(tc, test_json_not_utf8, 0, (int)(sizeof bad_utf8 / sizeof bad_utf8[0]));
	tcase_add_test(tc, test_cert_json_memo);
	tcase_add_loop_test(tc, test_xml_schema_valid, 0, (int)(sizeof xml_cases / sizeof xml_cases[0]));
	tcase_add_test(tc, test_xml_schema_negative);
	suite_add_tcase(s, tc);
	return vn_test_run(s);
}
