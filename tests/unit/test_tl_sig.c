/* Check suite for trustlists/tl_sig_verify.c: list signature verification.
 *
 * Three tables:
 *   corpus_cases   real lists from ../shared/corpus with the anchors their
 *                  source tests use, and the verdict DSS gives them;
 *   mutation_cases a good real list changed in memory, one anti-wrapping or
 *                  crypto rule broken per row;
 *   signed_cases   small lists signed at test time by the xmlsec1 CLI with
 *                  keys made by the openssl CLI in a temporary directory
 *                  (weak algorithms and keys, SigningCertificate, KeyInfo
 *                  without a certificate); a passing twin beside each
 *                  failing row proves that the rule is what fails;
 *   pss_cases      RSASSA-PSS lists signed at test time by tl_sig_sign with
 *                  keys made in the fixture, changed or signed again by
 *                  hand (RSA-1024, other c14n, wrong PSS parameters);
 * and the canonicalisation PSS relies on, against hand-worked outputs and
 * against real lists xmlsec verifies.
 */
#include "tests/unit/vn_test.h"

#include <stdarg.h>

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "common/vn_b64.h"
#include "common/vn_buf.h"
#include "trustlists/tl_sig.h"
#include "trustlists/tl_sig_pss.h"
#include "trustlists/tl_xml.h"

#define LOTL_CACHE "esig/dss/dss-tsl-validation/src/test/resources/lotlCache/"
#define ANCHORS "esig/dss/derived-trust-anchors/"
#define POOL "esig/dss/dss-cookbook/src/test/resources/signature-pool/cache/"
#define OJ_P12 "esig/dss/dss-cookbook/src/main/resources/keystore.p12"
#define CZ_ANCHOR ANCHORS "TLValidationJobTest__02__Ing_Radom_C3_ADr_C5_A0imek.cer"
#define LOTL_ANCHOR ANCHORS "TLValidationJobTest__00__Patrick_Kremer_Signature_.cer"
#define EE_T "open-eid/test-TL/EE_T.xml"
#define EE_ANCHOR "open-eid/test-TL/trusted-test-tsl.crt"

/* Temporary directory made by the unchecked fixture (parent process). */
static char tmpdir[64];
static int have_tools;	/* openssl and xmlsec1 ran fine in the fixture */
static int have_oj;	/* the OJ keystore certificates were extracted */

/* ---- helpers ---------------------------------------------------------- */

static xmlDocPtr read_doc_buf(const unsigned char *p, size_t n)
{
	xmlDocPtr doc = NULL;
	char why[256];

	ck_assert_msg(tl_xml_read(p, n, &doc, why, sizeof(why)) == VN_OK, "parse: %s", why);
	return doc;
}

static void read_file(const char *path, vn_buf *b)
{
	vn_buf_init(b, TL_XML_MAX_SIZE);
	ck_assert_msg(vn_buf_read_file(b, path) == VN_OK, "read %s", path);
}

/* An anchor spec: "corpus/relative/path", "tmp:name" (in tmpdir), or
 * "ptr:corpus/relative/list" (the list's own EU LOTL pointer certificates). */
static int add_anchor(const char *spec, STACK_OF(X509) **st);

static void run_verify(xmlDocPtr doc, STACK_OF(X509) *anchors, vn_indication ind, vn_subind sub,
		       const char *code, const char *name)
{
	tl_sig_result r;

	tl_sig_result_init(&r);
	ck_assert_int_eq(tl_sig_verify(doc, anchors, &r), VN_OK);
	ck_assert_msg(r.indication == ind && r.sub == sub,
		      "%s: got %s/%s, want %s/%s (first finding %s)", name,
		      vn_indication_name(r.indication),
		      r.sub ? vn_subind_name(r.sub) : "-", vn_indication_name(ind),
		      sub ? vn_subind_name(sub) : "-",
		      r.findings.n ? r.findings.items[0].code : "none");
	ck_assert_msg(vn_findings_has(&r.findings, code), "%s: finding %s missing", name, code);
	if (ind == VN_IND_TOTAL_PASSED) {
		ck_assert_ptr_nonnull(r.signer);
		ck_assert_ptr_nonnull(r.sig_alg);
		ck_assert_ptr_nonnull(r.digest_alg);
	}
	tl_sig_result_free(&r);
}

static char *b64_cert_digest(X509 *x)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char *s = NULL;

	ck_assert_int_eq(X509_digest(x, EVP_sha256(), md, &n), 1);
	ck_assert_int_eq(vn_b64_encode(md, n, &s), VN_OK);
	return s;
}

/* The certificates of the list's own LOTL pointer (TSLType EUlistofthelists,
 * XML MIME type): how a pivot announces the next LOTL's signers. */
static int add_pointer_certs(const char *rel, STACK_OF(X509) **st)
{
	char path[1024];
	vn_buf b;
	xmlDocPtr doc;
	xmlXPathContextPtr xp;
	xmlXPathObjectPtr res;
	int i, n = 0;

	if (vn_test_corpus(rel, path, sizeof(path)) == NULL)
		return -1;
	read_file(path, &b);
	doc = read_doc_buf(b.data, b.len);
	xp = xmlXPathNewContext(doc);
	ck_assert_ptr_nonnull(xp);
	xmlXPathRegisterNs(xp, BAD_CAST "t", BAD_CAST TL_NS_TSL);
	xmlXPathRegisterNs(xp, BAD_CAST "x", BAD_CAST TL_NS_TSLX);
	res = xmlXPathEvalExpression(
		BAD_CAST "/t:TrustServiceStatusList/t:SchemeInformation/t:PointersToOtherTSL/"
			 "t:OtherTSLPointer[t:AdditionalInformation/t:OtherInformation/t:TSLType="
			 "'http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUlistofthelists' and "
			 "t:AdditionalInformation/t:OtherInformation/x:MimeType="
			 "'application/vnd.etsi.tsl+xml']/t:ServiceDigitalIdentities/"
			 "t:ServiceDigitalIdentity/t:DigitalId/t:X509Certificate",
		xp);
	ck_assert_ptr_nonnull(res);
	if (*st == NULL)
		*st = sk_X509_new_null();
	for (i = 0; res->nodesetval != NULL && i < res->nodesetval->nodeNr; i++) {
		char *txt = tl_xml_text(res->nodesetval->nodeTab[i]);
		unsigned char *der = NULL;
		const unsigned char *p;
		size_t len = 0;
		X509 *x;

		ck_assert_int_eq(vn_b64_decode(txt, strlen(txt), 1 << 16, &der, &len), VN_OK);
		p = der;
		x = d2i_X509(NULL, &p, (long)len);
		ck_assert_ptr_nonnull(x);
		sk_X509_push(*st, x);
		n++;
		free(der);
		free(txt);
	}
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(xp);
	xmlFreeDoc(doc);
	vn_buf_free(&b);
	ck_assert_int_gt(n, 0);
	return 0;
}

static int add_anchor(const char *spec, STACK_OF(X509) **st)
{
	char path[1024];

	if (strncmp(spec, "ptr:", 4) == 0)
		return add_pointer_certs(spec + 4, st);
	if (strncmp(spec, "tmp:", 4) == 0) {
		if (!have_tools && strcmp(spec, "tmp:oj.pem") != 0)
			return -1;
		if (strcmp(spec, "tmp:oj.pem") == 0 && !have_oj)
			return -1;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, spec + 4);
	} else if (vn_test_corpus(spec, path, sizeof(path)) == NULL) {
		return -1;
	}
	ck_assert_msg(tl_load_certs(path, st) == VN_OK, "load %s", path);
	return 0;
}

/* ---- fixture: keys, certificates and signed lists made with the CLIs --- */

static int sh(const char *fmt, ...) VN_PRINTF(1, 2);
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

#define ALG_EXC "http://www.w3.org/2001/10/xml-exc-c14n#"
#define ALG_RSA_SHA256 "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
#define ALG_RSA_SHA1 "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
#define ALG_ECDSA_SHA256 "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
#define ALG_SHA256 "http://www.w3.org/2001/04/xmlenc#sha256"
#define ALG_SHA1 "http://www.w3.org/2000/09/xmldsig#sha1"

/* What to sign: the key, the algorithms, and the XAdES content. */
static const struct sign_spec {
	const char *out;	/* file name in tmpdir */
	const char *key;	/* key/cert base name in tmpdir */
	const char *sig_alg, *digest_alg;
	int with_cert;		/* KeyInfo/X509Data with the certificate */
	int wrong_cert_digest;	/* SigningCertificateV2 names another certificate */
	const char *signing_time;
} sign_specs[] = {
	{"rsa_sha256.xml", "rsa2048", ALG_RSA_SHA256, ALG_SHA256, 1, 0, "2024-05-01T10:00:00Z"},
	{"rsa_sha1.xml", "rsa2048", ALG_RSA_SHA1, ALG_SHA256, 1, 0, "2024-05-01T10:00:00Z"},
	{"digest_sha1.xml", "rsa2048", ALG_RSA_SHA256, ALG_SHA1, 1, 0, "2024-05-01T10:00:00Z"},
	{"rsa768.xml", "rsa768", ALG_RSA_SHA256, ALG_SHA256, 1, 0, "2024-05-01T10:00:00Z"},
	{"ec256.xml", "ec256", ALG_ECDSA_SHA256, ALG_SHA256, 1, 0, "2024-05-01T10:00:00Z"},
	{"ec224.xml", "ec224", ALG_ECDSA_SHA256, ALG_SHA256, 1, 0, "2024-05-01T10:00:00Z"},
	{"wrong_sc.xml", "rsa2048", ALG_RSA_SHA256, ALG_SHA256, 1, 1, "2024-05-01T10:00:00Z"},
	{"no_cert.xml", "rsa2048", ALG_RSA_SHA256, ALG_SHA256, 0, 0, "2024-05-01T10:00:00Z"},
	{"bad_time.xml", "rsa2048", ALG_RSA_SHA256, ALG_SHA256, 1, 0, "yesterday"},
};

static int write_template(const struct sign_spec *s, const char *path)
{
	char certpath[512], *dig = NULL;
	STACK_OF(X509) *st = NULL;
	FILE *f;
	int rc;

	snprintf(certpath, sizeof(certpath), "%s/%s.crt",
		 tmpdir, s->wrong_cert_digest ? "other" : s->key);
	if (tl_load_certs(certpath, &st) != VN_OK)
		return -1;
	dig = b64_cert_digest(sk_X509_value(st, 0));
	sk_X509_pop_free(st, X509_free);
	f = fopen(path, "w");
	if (f == NULL) {
		free(dig);
		return -1;
	}
	rc = fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<TrustServiceStatusList xmlns=\"" TL_NS_TSL "\" xmlns:ds=\"" TL_NS_DS "\" "
		"xmlns:xades=\"" TL_NS_XADES "\" Id=\"tsl\">"
		"<SchemeInformation><TSLVersionIdentifier>5</TSLVersionIdentifier>"
		"<TSLSequenceNumber>1</TSLSequenceNumber></SchemeInformation>"
		"<ds:Signature Id=\"sig\"><ds:SignedInfo>"
		"<ds:CanonicalizationMethod Algorithm=\"" ALG_EXC "\"/>"
		"<ds:SignatureMethod Algorithm=\"%s\"/>"
		"<ds:Reference URI=\"\"><ds:Transforms>"
		"<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>"
		"<ds:Transform Algorithm=\"" ALG_EXC "\"/></ds:Transforms>"
		"<ds:DigestMethod Algorithm=\"%s\"/><ds:DigestValue/></ds:Reference>"
		"<ds:Reference Type=\"http://uri.etsi.org/01903#SignedProperties\" URI=\"#props\">"
		"<ds:Transforms><ds:Transform Algorithm=\"" ALG_EXC "\"/></ds:Transforms>"
		"<ds:DigestMethod Algorithm=\"" ALG_SHA256 "\"/><ds:DigestValue/></ds:Reference>"
		"</ds:SignedInfo><ds:SignatureValue/>%s"
		"<ds:Object><xades:QualifyingProperties Target=\"#sig\">"
		"<xades:SignedProperties Id=\"props\"><xades:SignedSignatureProperties>"
		"<xades:SigningTime>%s</xades:SigningTime><xades:SigningCertificateV2><xades:Cert>"
		"<xades:CertDigest><ds:DigestMethod Algorithm=\"" ALG_SHA256 "\"/>"
		"<ds:DigestValue>%s</ds:DigestValue></xades:CertDigest></xades:Cert>"
		"</xades:SigningCertificateV2></xades:SignedSignatureProperties>"
		"</xades:SignedProperties></xades:QualifyingProperties></ds:Object>"
		"</ds:Signature></TrustServiceStatusList>\n",
		s->sig_alg, s->digest_alg,
		s->with_cert ? "<ds:KeyInfo><ds:X509Data/></ds:KeyInfo>" : "",
		s->signing_time, dig);
	free(dig);
	return fclose(f) == 0 && rc > 0 ? 0 : -1;
}

static int make_key(const char *name, const char *newkey)
{
	return sh("cd %s && openssl req -x509 -newkey %s -nodes -keyout %s.key -out %s.crt "
		  "-days 3650 -subj /CN=%s -sha256 >/dev/null 2>&1",
		  tmpdir, newkey, name, name, name);
}

static void setup_tmp(void)
{
	size_t i;
	char oj[1024];

	tl_xml_global_init();
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vn_tl_sig.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	if (vn_test_corpus(OJ_P12, oj, sizeof(oj)) != NULL)
		have_oj = sh("openssl pkcs12 -legacy -in %s -passin pass:dss-password -nokeys "
			     "-out %s/oj.pem >/dev/null 2>&1", oj, tmpdir) == 0;
	if (!have_oj)
		fprintf(stderr, "SKIP: the OJ keystore could not be read (openssl pkcs12 -legacy)\n");
	if (sh("command -v openssl >/dev/null && command -v xmlsec1 >/dev/null") != 0 ||
	    make_key("rsa2048", "rsa:2048") != 0 || make_key("rsa768", "rsa:768") != 0 ||
	    make_key("other", "rsa:2048") != 0 ||
	    make_key("ec256", "ec -pkeyopt ec_paramgen_curve:P-256") != 0 ||
	    make_key("ec224", "ec -pkeyopt ec_paramgen_curve:P-224") != 0) {
		fprintf(stderr, "SKIP: openssl/xmlsec1 CLI unavailable, signed cases skipped\n");
		return;
	}
	for (i = 0; i < sizeof(sign_specs) / sizeof(sign_specs[0]); i++) {
		const struct sign_spec *s = &sign_specs[i];
		char tmpl[512];

		snprintf(tmpl, sizeof(tmpl), "%s/%s.tmpl", tmpdir, s->out);
		if (write_template(s, tmpl) != 0 ||
		    sh("cd %s && xmlsec1 --sign --privkey-pem %s.key,%s.crt "
		       "--id-attr:Id " TL_NS_XADES ":SignedProperties --output %s %s.tmpl "
		       ">%s.log 2>&1",
		       tmpdir, s->key, s->key, s->out, s->out, s->out) != 0) {
			fprintf(stderr, "SKIP: xmlsec1 --sign failed for %s (see %s)\n", s->out,
				tmpdir);
			return;
		}
	}
	have_tools = 1;
}

static void teardown_tmp(void)
{
	if (tmpdir[0] != '\0')
		(void)sh("rm -rf '%s'", tmpdir);
}

/* ---- table 1: the real corpus ----------------------------------------- */

static const struct corpus_case {
	const char *file;
	const char *anchors[3];	/* NULL-terminated */
	vn_indication ind;
	vn_subind sub;
	const char *code;
} corpus_cases[] = {
	{LOTL_CACHE "CZ.xml", {CZ_ANCHOR}, VN_IND_TOTAL_PASSED, VN_SUB_NONE, "TL_SIG_OK"},
	{LOTL_CACHE "CZ_broken-sig.xml", {CZ_ANCHOR}, VN_IND_TOTAL_FAILED, VN_SUB_HASH_FAILURE,
	 "TL_SIG_DIGEST"},
	{LOTL_CACHE "CZ_no-sig.xml", {CZ_ANCHOR}, VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE,
	 "TL_SIG_MISSING"},
	{LOTL_CACHE "CZ_two-sigs.xml", {CZ_ANCHOR}, VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE,
	 "TL_SIG_MULTIPLE"},
	{LOTL_CACHE "CZ.xml", {LOTL_ANCHOR}, VN_IND_INDETERMINATE,
	 VN_SUB_NO_CERTIFICATE_CHAIN_FOUND, "TL_SIG_UNTRUSTED_SIGNER"},
	{LOTL_CACHE "CZ.xml", {NULL}, VN_IND_INDETERMINATE, VN_SUB_NO_CERTIFICATE_CHAIN_FOUND,
	 "TL_SIG_UNTRUSTED_SIGNER"},
	/* the right anchor among others */
	{LOTL_CACHE "CZ.xml", {LOTL_ANCHOR, CZ_ANCHOR}, VN_IND_TOTAL_PASSED, VN_SUB_NONE,
	 "TL_SIG_OK"},
	{LOTL_CACHE "eu-lotl_original.xml", {LOTL_ANCHOR}, VN_IND_TOTAL_PASSED, VN_SUB_NONE,
	 "TL_SIG_OK"},
	{LOTL_CACHE "eu-lotl_broken-sig.xml", {LOTL_ANCHOR}, VN_IND_TOTAL_FAILED,
	 VN_SUB_HASH_FAILURE, "TL_SIG_DIGEST"},
	{LOTL_CACHE "eu-lotl_original.xml", {CZ_ANCHOR}, VN_IND_INDETERMINATE,
	 VN_SUB_NO_CERTIFICATE_CHAIN_FOUND, "TL_SIG_UNTRUSTED_SIGNER"},
	/* Estonian test list: Reference URI="#TEST-EE", inclusive c14n */
	{EE_T, {EE_ANCHOR}, VN_IND_TOTAL_PASSED, VN_SUB_NONE, "TL_SIG_OK"},
	{"open-eid/test-TL/tl-mp-test-EE.xml", {EE_ANCHOR}, VN_IND_TOTAL_PASSED, VN_SUB_NONE,
	 "TL_SIG_OK"},
	{EE_T, {CZ_ANCHOR}, VN_IND_INDETERMINATE, VN_SUB_NO_CERTIFICATE_CHAIN_FOUND,
	 "TL_SIG_UNTRUSTED_SIGNER"},
	/* EU pivots signed by an OJ-announced certificate; the 2023 LOTL by the
	 * certificates pivot 300 announces, not by the OJ set */
	{POOL "https___ec_europa_eu_tools_lotl_eu_lotl_pivot_282_xml", {"tmp:oj.pem"},
	 VN_IND_TOTAL_PASSED, VN_SUB_NONE, "TL_SIG_OK"},
	{POOL "https___ec_europa_eu_tools_lotl_eu_lotl_pivot_300_xml", {"tmp:oj.pem"},
	 VN_IND_TOTAL_PASSED, VN_SUB_NONE, "TL_SIG_OK"},
	{POOL "https___ec_europa_eu_tools_lotl_eu_lotl_xml",
	 {"ptr:" POOL "https___ec_europa_eu_tools_lotl_eu_lotl_pivot_300_xml"},
	 VN_IND_TOTAL_PASSED, VN_SUB_NONE, "TL_SIG_OK"},
	{POOL "https___ec_europa_eu_tools_lotl_eu_lotl_xml", {"tmp:oj.pem"},
	 VN_IND_INDETERMINATE, VN_SUB_NO_CERTIFICATE_CHAIN_FOUND, "TL_SIG_UNTRUSTED_SIGNER"},
};

START_TEST(test_corpus)
{
	const struct corpus_case *c = &corpus_cases[_i];
	char path[1024];
	STACK_OF(X509) *anchors = NULL;
	vn_buf b;
	xmlDocPtr doc;
	size_t k;

	VN_SKIP_NO_CORPUS(vn_test_corpus(c->file, path, sizeof(path)), c->file);
	for (k = 0; k < 3 && c->anchors[k] != NULL; k++)
		if (add_anchor(c->anchors[k], &anchors) != 0) {
			fprintf(stderr, "SKIP: anchor %s unavailable\n", c->anchors[k]);
			sk_X509_pop_free(anchors, X509_free);
			return;
		}
	read_file(path, &b);
	doc = read_doc_buf(b.data, b.len);
	run_verify(doc, anchors, c->ind, c->sub, c->code, c->file);
	if (c->ind == VN_IND_TOTAL_PASSED) {
		tl_sig_result r;
		tl_sig_result_init(&r);
		ck_assert_int_eq(tl_sig_verify(doc, anchors, &r), VN_OK);
		ck_assert(r.signing_time != VN_TIME_NONE);
		ck_assert(!vn_findings_has(&r.findings, "TL_SIG_SIGNING_TIME_OUTSIDE"));
		ck_assert_int_eq(vn_findings_count(&r.findings, VN_LEVEL_WARN), 0);
		tl_sig_result_free(&r);
	}
	xmlFreeDoc(doc);
	vn_buf_free(&b);
	sk_X509_pop_free(anchors, X509_free);
}
END_TEST

/* ---- table 2: a good list broken in memory, one rule per row ---------- */

typedef enum dom_op {
	OP_NONE,
	OP_MOVE_SIG,		/* ds:Signature moved under SchemeInformation */
	OP_FLIP_SIGVALUE	/* one base64 character of SignatureValue changed */
} dom_op;

#define XPATH_TRANSFORM                                                         \
	"<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\">" \
	"<ds:XPath>not(ancestor-or-self::ds:Signature)</ds:XPath></ds:Transform>"
#define ENV_TRANSFORM "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>"
#define CZ_PROPS "SignedProperties-1536489189"

static const struct mutation_case {
	const char *name;
	const char *file, *anchor;
	const char *from, *to;		/* first occurrence replaced, when from != NULL */
	const char *from2, *to2;	/* a second replacement */
	dom_op op;
	vn_indication ind;
	vn_subind sub;
	const char *code;
} mutation_cases[] = {
	{"unchanged", LOTL_CACHE "CZ.xml", CZ_ANCHOR, NULL, NULL, NULL, NULL, OP_NONE,
	 VN_IND_TOTAL_PASSED, VN_SUB_NONE, "TL_SIG_OK"},
	{"signature value altered", LOTL_CACHE "CZ.xml", CZ_ANCHOR, NULL, NULL, NULL, NULL,
	 OP_FLIP_SIGVALUE, VN_IND_TOTAL_FAILED, VN_SUB_SIG_CRYPTO_FAILURE, "TL_SIG_VALUE"},
	{"signature moved under SchemeInformation", LOTL_CACHE "CZ.xml", CZ_ANCHOR, NULL, NULL,
	 NULL, NULL, OP_MOVE_SIG, VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE,
	 "TL_SIG_NOT_ROOT_CHILD"},
	{"data reference to an external URL", LOTL_CACHE "CZ.xml", CZ_ANCHOR, "URI=\"\"",
	 "URI=\"http://example.com/list.xml\"", NULL, NULL, OP_NONE, VN_IND_TOTAL_FAILED,
	 VN_SUB_FORMAT_FAILURE, "TL_SIG_EXTERNAL_URI"},
	{"data reference to another element's Id", LOTL_CACHE "CZ.xml", CZ_ANCHOR, "URI=\"\"",
	 "URI=\"#someOtherId\"", "<SchemeInformation>", "<SchemeInformation Id=\"someOtherId\">",
	 OP_NONE, VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE, "TL_SIG_REFERENCE_SCOPE"},
	{"data reference to a missing Id", LOTL_CACHE "CZ.xml", CZ_ANCHOR, "URI=\"\"",
	 "URI=\"#someOtherId\"", NULL, NULL, OP_NONE, VN_IND_TOTAL_FAILED,
	 VN_SUB_FORMAT_FAILURE, "TL_SIG_REFERENCE_SCOPE"},
	{"extra XPath transform", LOTL_CACHE "CZ.xml", CZ_ANCHOR, ENV_TRANSFORM,
	 ENV_TRANSFORM XPATH_TRANSFORM, NULL, NULL, OP_NONE, VN_IND_TOTAL_FAILED,
	 VN_SUB_FORMAT_FAILURE, "TL_SIG_TRANSFORM"},
	{"XSLT transform", LOTL_CACHE "CZ.xml", CZ_ANCHOR, ENV_TRANSFORM,
	 ENV_TRANSFORM "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xslt-19991116\"/>",
	 NULL, NULL, OP_NONE, VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE, "TL_SIG_TRANSFORM"},
	{"enveloped transform removed", LOTL_CACHE "CZ.xml", CZ_ANCHOR, ENV_TRANSFORM, "", NULL,
	 NULL, OP_NONE, VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE, "TL_SIG_TRANSFORM"},
	{"duplicate Id (SignedProperties)", LOTL_CACHE "CZ.xml", CZ_ANCHOR, "<SchemeInformation>",
	 "<SchemeInformation Id=\"" CZ_PROPS "\">", NULL, NULL, OP_NONE, VN_IND_TOTAL_FAILED,
	 VN_SUB_FORMAT_FAILURE, "TL_SIG_DUPLICATE_ID"},
	{"duplicate Id (root)", EE_T, EE_ANCHOR, "<SchemeInformation>",
	 "<SchemeInformation Id=\"TEST-EE\">", NULL, NULL, OP_NONE, VN_IND_TOTAL_FAILED,
	 VN_SUB_FORMAT_FAILURE, "TL_SIG_DUPLICATE_ID"},
	{"xml:id on another element equal to the root Id", EE_T, EE_ANCHOR, "<SchemeInformation>",
	 "<SchemeInformation xml:id=\"TEST-EE\">", NULL, NULL, OP_NONE, VN_IND_TOTAL_FAILED,
	 VN_SUB_FORMAT_FAILURE, "TL_SIG_DUPLICATE_ID"},
	{"SignedProperties reference elsewhere", LOTL_CACHE "CZ.xml", CZ_ANCHOR,
	 "URI=\"#" CZ_PROPS "\"", "URI=\"#elsewhere\"", "<SchemeInformation>",
	 "<SchemeInformation Id=\"elsewhere\">", OP_NONE, VN_IND_TOTAL_FAILED,
	 VN_SUB_FORMAT_FAILURE, "TL_SIG_REFERENCE_SCOPE"},
	{"second data reference", LOTL_CACHE "CZ.xml", CZ_ANCHOR,
	 "<ds:Reference Type=", "<ds:Reference URI=\"\"><ds:Transforms>" ENV_TRANSFORM
	 "</ds:Transforms><ds:DigestMethod Algorithm=\"" ALG_SHA256 "\"/><ds:DigestValue>"
	 "AAAA</ds:DigestValue></ds:Reference><ds:Reference Type=", NULL, NULL, OP_NONE,
	 VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE, "TL_SIG_REFERENCE_SCOPE"},
	{"unknown digest method", LOTL_CACHE "CZ.xml", CZ_ANCHOR, ALG_SHA256 "\"/><ds:DigestValue>8jG",
	 "http://example.com/digest\"/><ds:DigestValue>8jG", NULL, NULL, OP_NONE,
	 VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE, "TL_SIG_ALGORITHM_UNKNOWN"},
	{"HMAC signature method", LOTL_CACHE "CZ.xml", CZ_ANCHOR, ALG_RSA_SHA256,
	 "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256", NULL, NULL, OP_NONE,
	 VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE, "TL_SIG_ALGORITHM_UNKNOWN"},
	{"list content changed", EE_T, EE_ANCHOR, "<TSLSequenceNumber>",
	 "<TSLSequenceNumber>1", NULL, NULL, OP_NONE, VN_IND_TOTAL_FAILED,
	 VN_SUB_HASH_FAILURE, "TL_SIG_DIGEST"},
	{"KeyInfo certificate garbled", LOTL_CACHE "eu-lotl_original.xml", LOTL_ANCHOR,
	 "<ds:X509Certificate>", "<ds:X509Certificate>AAAA", NULL, NULL, OP_NONE,
	 VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE, "TL_SIG_CERT_MALFORMED"},
};

static unsigned char *replace_first(const unsigned char *s, size_t n, const char *from,
				    const char *to, size_t *outn)
{
	const char *hit = strstr((const char *)s, from);
	size_t fl = strlen(from), tl = strlen(to), pre;
	unsigned char *o;

	ck_assert_msg(hit != NULL, "pattern %s absent", from);
	pre = (size_t)(hit - (const char *)s);
	o = malloc(n - fl + tl + 1);
	ck_assert_ptr_nonnull(o);
	memcpy(o, s, pre);
	memcpy(o + pre, to, tl);
	memcpy(o + pre + tl, s + pre + fl, n - pre - fl);
	*outn = n - fl + tl;
	o[*outn] = '\0';
	return o;
}

static xmlNodePtr find_sig(xmlDocPtr doc)
{
	xmlNodePtr c;

	for (c = tl_xml_first_elem(xmlDocGetRootElement(doc)); c != NULL; c = tl_xml_next_elem(c))
		if (tl_xml_is(c, TL_NS_DS, "Signature"))
			return c;
	return NULL;
}

START_TEST(test_mutation)
{
	const struct mutation_case *m = &mutation_cases[_i];
	char path[1024];
	STACK_OF(X509) *anchors = NULL;
	unsigned char *d1 = NULL, *d2 = NULL;
	size_t n1 = 0, n2 = 0;
	vn_buf b;
	xmlDocPtr doc;
	xmlNodePtr sig, sv;

	VN_SKIP_NO_CORPUS(vn_test_corpus(m->file, path, sizeof(path)), m->file);
	if (add_anchor(m->anchor, &anchors) != 0)
		return;
	read_file(path, &b);
	if (m->from != NULL) {
		d1 = replace_first(b.data, b.len, m->from, m->to, &n1);
		if (m->from2 != NULL)
			d2 = replace_first(d1, n1, m->from2, m->to2, &n2);
	}
	doc = d2 ? read_doc_buf(d2, n2) : d1 ? read_doc_buf(d1, n1) : read_doc_buf(b.data, b.len);
	sig = find_sig(doc);
	ck_assert_ptr_nonnull(sig);
	if (m->op == OP_MOVE_SIG) {
		xmlUnlinkNode(sig);
		ck_assert_ptr_nonnull(xmlAddChild(tl_xml_first_elem(xmlDocGetRootElement(doc)), sig));
	} else if (m->op == OP_FLIP_SIGVALUE) {
		xmlChar *v;
		size_t k;
		sv = tl_xml_child(sig, TL_NS_DS, "SignatureValue");
		v = xmlNodeGetContent(sv);
		for (k = 0; v[k] != '\0' && k < 40; k++)
			;
		v[k / 2] = v[k / 2] == 'A' ? 'B' : 'A';
		xmlNodeSetContent(sv, v);
		xmlFree(v);
	}
	run_verify(doc, anchors, m->ind, m->sub, m->code, m->name);
	xmlFreeDoc(doc);
	free(d1);
	free(d2);
	vn_buf_free(&b);
	sk_X509_pop_free(anchors, X509_free);
}
END_TEST

/* ---- table 3: lists signed here by the xmlsec1 CLI --------------------- */

static const struct signed_case {
	const char *file;
	const char *anchors[3];
	const char *tamper_from, *tamper_to;	/* change after signing */
	vn_indication ind;
	vn_subind sub;
	const char *code;
} signed_cases[] = {
	{"rsa_sha256.xml", {"tmp:rsa2048.crt"}, NULL, NULL, VN_IND_TOTAL_PASSED, VN_SUB_NONE,
	 "TL_SIG_OK"},
	{"rsa_sha1.xml", {"tmp:rsa2048.crt"}, NULL, NULL, VN_IND_INDETERMINATE,
	 VN_SUB_CRYPTO_CONSTRAINTS_FAILURE_NO_POE, "TL_SIG_WEAK_ALGORITHM"},
	/* a tampered weak list reports the tampering, not the weakness */
	{"rsa_sha1.xml", {"tmp:rsa2048.crt"}, "<TSLSequenceNumber>1<", "<TSLSequenceNumber>2<",
	 VN_IND_TOTAL_FAILED, VN_SUB_HASH_FAILURE, "TL_SIG_DIGEST"},
	{"digest_sha1.xml", {"tmp:rsa2048.crt"}, NULL, NULL, VN_IND_INDETERMINATE,
	 VN_SUB_CRYPTO_CONSTRAINTS_FAILURE_NO_POE, "TL_SIG_WEAK_ALGORITHM"},
	{"rsa768.xml", {"tmp:rsa768.crt"}, NULL, NULL, VN_IND_INDETERMINATE,
	 VN_SUB_CRYPTO_CONSTRAINTS_FAILURE_NO_POE, "TL_SIG_WEAK_KEY"},
	{"ec256.xml", {"tmp:ec256.crt"}, NULL, NULL, VN_IND_TOTAL_PASSED, VN_SUB_NONE,
	 "TL_SIG_OK"},
	{"ec224.xml", {"tmp:ec224.crt"}, NULL, NULL, VN_IND_INDETERMINATE,
	 VN_SUB_CRYPTO_CONSTRAINTS_FAILURE_NO_POE, "TL_SIG_WEAK_KEY"},
	{"wrong_sc.xml", {"tmp:rsa2048.crt"}, NULL, NULL, VN_IND_INDETERMINATE,
	 VN_SUB_NO_SIGNING_CERTIFICATE_FOUND, "TL_SIG_SIGNING_CERT_MISMATCH"},
	/* no certificate in KeyInfo: each anchor's key is tried */
	{"no_cert.xml", {"tmp:other.crt", "tmp:rsa2048.crt"}, NULL, NULL, VN_IND_TOTAL_PASSED,
	 VN_SUB_NONE, "TL_SIG_OK"},
	{"no_cert.xml", {"tmp:other.crt", "tmp:ec256.crt"}, NULL, NULL, VN_IND_INDETERMINATE,
	 VN_SUB_NO_CERTIFICATE_CHAIN_FOUND, "TL_SIG_UNTRUSTED_SIGNER"},
	{"no_cert.xml", {"tmp:rsa2048.crt"}, "<TSLSequenceNumber>1<", "<TSLSequenceNumber>2<",
	 VN_IND_TOTAL_FAILED, VN_SUB_HASH_FAILURE, "TL_SIG_DIGEST"},
	{"bad_time.xml", {"tmp:rsa2048.crt"}, NULL, NULL, VN_IND_TOTAL_FAILED,
	 VN_SUB_FORMAT_FAILURE, "TL_SIG_SIGNING_TIME"},
	{"rsa_sha256.xml", {"tmp:other.crt"}, NULL, NULL, VN_IND_INDETERMINATE,
	 VN_SUB_NO_CERTIFICATE_CHAIN_FOUND, "TL_SIG_UNTRUSTED_SIGNER"},
};

START_TEST(test_signed)
{
	const struct signed_case *c = &signed_cases[_i];
	char path[1024];
	STACK_OF(X509) *anchors = NULL;
	unsigned char *d = NULL;
	size_t n = 0, k;
	vn_buf b;
	xmlDocPtr doc;

	if (!have_tools) {
		fprintf(stderr, "SKIP: %s: no signed lists (openssl/xmlsec1 CLI)\n", c->file);
		return;
	}
	for (k = 0; k < 3 && c->anchors[k] != NULL; k++)
		ck_assert_int_eq(add_anchor(c->anchors[k], &anchors), 0);
	snprintf(path, sizeof(path), "%s/%s", tmpdir, c->file);
	read_file(path, &b);
	if (c->tamper_from != NULL)
		d = replace_first(b.data, b.len, c->tamper_from, c->tamper_to, &n);
	doc = d ? read_doc_buf(d, n) : read_doc_buf(b.data, b.len);
	run_verify(doc, anchors, c->ind, c->sub, c->code, c->file);
	if (c->ind == VN_IND_TOTAL_PASSED) {
		tl_sig_result r;
		tl_sig_result_init(&r);
		ck_assert_int_eq(tl_sig_verify(doc, anchors, &r), VN_OK);
		ck_assert_int_eq(r.signing_time, 1714557600);	/* 2024-05-01T10:00:00Z */
		ck_assert_int_eq(X509_cmp(r.signer, sk_X509_value(anchors, (int)k - 1)), 0);
		/* the certificates were made today, after the 2024 SigningTime */
		ck_assert(vn_findings_has(&r.findings, "TL_SIG_SIGNING_TIME_OUTSIDE"));
		tl_sig_result_free(&r);
	}
	xmlFreeDoc(doc);
	free(d);
	vn_buf_free(&b);
	sk_X509_pop_free(anchors, X509_free);
}
END_TEST

/* ---- tl_load_certs, and the document left as it was ------------------- */

START_TEST(test_load_certs)
{
	char path[1024], p2[1200];
	STACK_OF(X509) *st = NULL;
	FILE *f;

	/* DER (.cer) */
	if (vn_test_corpus(CZ_ANCHOR, path, sizeof(path)) != NULL) {
		ck_assert_int_eq(tl_load_certs(path, &st), VN_OK);
		ck_assert_int_eq(sk_X509_num(st), 1);
	}
	/* PEM */
	if (vn_test_corpus(EE_ANCHOR, path, sizeof(path)) != NULL) {
		int before = st ? sk_X509_num(st) : 0;
		ck_assert_int_eq(tl_load_certs(path, &st), VN_OK);
		ck_assert_int_eq(sk_X509_num(st), before + 1);
	}
	/* several PEM blocks, with text before them */
	if (have_oj) {
		int before = st ? sk_X509_num(st) : 0;
		snprintf(p2, sizeof(p2), "%s/oj.pem", tmpdir);
		ck_assert_int_eq(tl_load_certs(p2, &st), VN_OK);
		ck_assert_int_eq(sk_X509_num(st), before + 8);
	}
	/* missing, and not a certificate: the stack is left alone */
	{
		int before = st ? sk_X509_num(st) : 0;
		ck_assert_int_eq(tl_load_certs("/nonexistent/x.crt", &st), VN_ERR_NOT_FOUND);
		snprintf(p2, sizeof(p2), "%s/junk.crt", tmpdir[0] ? tmpdir : "/tmp");
		f = fopen(p2, "w");
		ck_assert_ptr_nonnull(f);
		fputs("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", f);
		fclose(f);
		ck_assert_int_eq(tl_load_certs(p2, &st), VN_ERR_MALFORMED);
		f = fopen(p2, "w");
		fputs("\x30\x03\x02\x01\x01", f);
		fclose(f);
		ck_assert_int_eq(tl_load_certs(p2, &st), VN_ERR_MALFORMED);
		ck_assert_int_eq(st ? sk_X509_num(st) : 0, before);
		unlink(p2);
	}
	sk_X509_pop_free(st, X509_free);
}
END_TEST

/* Verification does not change the document: same bytes out, and the Ids it
 * registered for xmlsec are gone again. */
START_TEST(test_doc_unchanged)
{
	char path[1024];
	STACK_OF(X509) *anchors = NULL;
	vn_buf b;
	xmlDocPtr doc;
	xmlChar *before = NULL, *after = NULL;
	int nb = 0, na = 0;
	tl_sig_result r;

	VN_SKIP_NO_CORPUS(vn_test_corpus(EE_T, path, sizeof(path)), EE_T);
	ck_assert_int_eq(add_anchor(EE_ANCHOR, &anchors), 0);
	read_file(path, &b);
	doc = read_doc_buf(b.data, b.len);
	xmlDocDumpMemory(doc, &before, &nb);
	tl_sig_result_init(&r);
	ck_assert_int_eq(tl_sig_verify(doc, anchors, &r), VN_OK);
	ck_assert_int_eq(r.indication, VN_IND_TOTAL_PASSED);
	tl_sig_result_free(&r);
	xmlDocDumpMemory(doc, &after, &na);
	ck_assert_int_eq(nb, na);
	ck_assert_int_eq(memcmp(before, after, (size_t)nb), 0);
	ck_assert_ptr_null(xmlGetID(doc, BAD_CAST "TEST-EE"));
	ck_assert_ptr_null(xmlGetID(doc, BAD_CAST "SignedProperties"));
	/* a second run gives the same answer */
	tl_sig_result_init(&r);
	ck_assert_int_eq(tl_sig_verify(doc, anchors, &r), VN_OK);
	ck_assert_int_eq(r.indication, VN_IND_TOTAL_PASSED);
	tl_sig_result_free(&r);
	tl_sig_result_free(NULL);
	xmlFree(before);
	xmlFree(after);
	xmlFreeDoc(doc);
	vn_buf_free(&b);
	sk_X509_pop_free(anchors, X509_free);
}
END_TEST

/* ---- table 4: RSASSA-PSS lists signed here by tl_sig_sign -------------- */

#define C14N_INCL "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
#define PREFIXES_65 \
	"p0 p1 p2 p3 p4 p5 p6 p7 p8 p9 p10 p11 p12 p13 p14 p15 " \
	"p16 p17 p18 p19 p20 p21 p22 p23 p24 p25 p26 p27 p28 p29 p30 p31 " \
	"p32 p33 p34 p35 p36 p37 p38 p39 p40 p41 p42 p43 p44 p45 p46 p47 " \
	"p48 p49 p50 p51 p52 p53 p54 p55 p56 p57 p58 p59 p60 p61 p62 p63 " \
	"p64"

/* Keys made in the fixture with OpenSSL (no CLI needed): two RSA-2048
 * signers, an RSA-PSS-typed (id-RSASSA-PSS) one, and RSA-1024 and RSA-768
 * keys that tl_sig_sign rightly refuses, so their lists are signed by hand
 * below. The list policy (STANDARDS.md 1.7, DSS tsl-constraint) takes RSA
 * and RSASSA-PSS from 1024 bits: 1024 passes, 768 is too weak. */
enum { PK_SIGNER, PK_OTHER, PK_PSS_TYPED, PK_1024, PK_WEAK, PK_N };
static EVP_PKEY *pk[PK_N];
static X509 *pk_cert[PK_N];

static X509 *self_signed(EVP_PKEY *k, const char *cn)
{
	X509 *x = X509_new();
	X509_NAME *name;

	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(X509_set_version(x, 2), 1);
	ck_assert_int_eq(ASN1_INTEGER_set(X509_get_serialNumber(x), 7), 1);
	ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notBefore(x), -3600));
	ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notAfter(x), 30L * 86400));
	ck_assert_int_eq(X509_set_pubkey(x, k), 1);
	name = X509_get_subject_name(x);
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
						    (const unsigned char *)cn, -1, -1, 0), 1);
	ck_assert_int_eq(X509_set_issuer_name(x, name), 1);
	ck_assert_int_gt(X509_sign(x, k, EVP_sha256()), 0);
	return x;
}

static void setup_pss(void)
{
	static const struct { const char *type; size_t bits; const char *cn; } spec[PK_N] = {
		{"RSA", 2048, "PSS signer"}, {"RSA", 2048, "PSS other"},
		{"RSA-PSS", 2048, "PSS typed"}, {"RSA", 1024, "PSS 1024"},
		{"RSA", 768, "PSS weak"}};
	int i;

	tl_xml_global_init();
	for (i = 0; i < PK_N; i++) {
		EVP_PKEY_CTX *kc = EVP_PKEY_CTX_new_from_name(NULL, spec[i].type, NULL);

		ck_assert_ptr_nonnull(kc);
		ck_assert_int_eq(EVP_PKEY_keygen_init(kc), 1);
		ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_keygen_bits(kc, (int)spec[i].bits), 1);
		ck_assert_int_eq(EVP_PKEY_keygen(kc, &pk[i]), 1);
		EVP_PKEY_CTX_free(kc);
		pk_cert[i] = self_signed(pk[i], spec[i].cn);
	}
}

static void teardown_pss(void)
{
	int i;

	for (i = 0; i < PK_N; i++) {
		X509_free(pk_cert[i]);
		EVP_PKEY_free(pk[i]);
		pk_cert[i] = NULL;
		pk[i] = NULL;
	}
}

static const char pss_list[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<TrustServiceStatusList xmlns=\"" TL_NS_TSL "\" Id=\"tsl\">"
	"<SchemeInformation><TSLVersionIdentifier>5</TSLVersionIdentifier>"
	"<TSLSequenceNumber>1</TSLSequenceNumber>"
	"<SchemeOperatorName><Name xml:lang=\"en\">Operator</Name></SchemeOperatorName>"
	"</SchemeInformation></TrustServiceStatusList>\n";

static xmlDocPtr pss_signed(int key, const char *digest)
{
	xmlDocPtr doc = read_doc_buf((const unsigned char *)pss_list, sizeof(pss_list) - 1);
	tl_sign_opts o = {TL_SIGN_RSA_PSS, digest, 1714557600};

	ck_assert_int_eq(tl_sig_sign(doc, pk[key], pk_cert[key], &o), VN_OK);
	return doc;
}

/* Serialise, replace the first occurrence, parse again (a byte-level change
 * as a list would suffer in transit). */
static xmlDocPtr reparse_replaced(xmlDocPtr doc, const char *from, const char *to)
{
	xmlChar *mem = NULL;
	int n = 0;
	unsigned char *d;
	size_t dn = 0;
	xmlDocPtr out;

	xmlDocDumpMemory(doc, &mem, &n);
	ck_assert_ptr_nonnull(mem);
	d = replace_first(mem, (size_t)n, from, to, &dn);
	out = read_doc_buf(d, dn);
	free(d);
	xmlFree(mem);
	xmlFreeDoc(doc);
	return out;
}

static xmlNodePtr sig_part(xmlDocPtr doc, const char *name)
{
	xmlNodePtr n = tl_xml_child(find_sig(doc), TL_NS_DS, name);

	ck_assert_ptr_nonnull(n);
	return n;
}

static void set_b64(xmlNodePtr n, const unsigned char *p, size_t len)
{
	char *s = NULL;

	ck_assert_int_eq(vn_b64_encode(p, len, &s), VN_OK);
	xmlNodeSetContent(n, BAD_CAST s);
	free(s);
}

static const EVP_MD *md_of_digest_uri(const char *uri)
{
	if (strcmp(uri, ALG_SHA256) == 0)
		return EVP_sha256();
	if (strcmp(uri, "http://www.w3.org/2001/04/xmldsig-more#sha384") == 0)
		return EVP_sha384();
	if (strcmp(uri, "http://www.w3.org/2001/04/xmlenc#sha512") == 0)
		return EVP_sha512();
	ck_abort_msg("digest %s not expected here", uri);
	return NULL;
}

/* How a list is signed by hand (after tl_sig_sign made it). */
typedef struct resign {
	int key;		/* PK_*: KeyInfo, SigningCertificateV2 and the value */
	const char *c14n;	/* new CanonicalizationMethod, or NULL */
	const char *prefixes;	/* its ec:InclusiveNamespaces/@PrefixList, or NULL */
	int saltlen;		/* RSA_PSS_SALTLEN_DIGEST, or a wrong one */
	const EVP_MD *(*mgf1)(void);	/* NULL: the signature's hash */
} resign;

/* Sign doc's signature again with r: certificate in KeyInfo and its digest
 * in SigningCertificateV2, the SignedProperties digest recomputed (its
 * reference is exc-c14n, as tl_sig_sign writes it), then SignatureValue
 * over the canonical SignedInfo. The data reference is left as it is. */
static void resign_doc(xmlDocPtr doc, const resign *r)
{
	xmlNodePtr si = sig_part(doc, "SignedInfo"), cm, ref, sp, n;
	xmlBufferPtr xb = xmlBufferCreate();
	unsigned char *der = NULL, md[EVP_MAX_MD_SIZE], *sv = NULL;
	unsigned int mdlen = 0;
	xmlChar *alg;
	const EVP_MD *h;
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	size_t svlen = 0;
	int derlen;

	ck_assert_ptr_nonnull(xb);
	ck_assert_ptr_nonnull(mctx);
	/* the signer's certificate, where it is named */
	derlen = i2d_X509(pk_cert[r->key], &der);
	ck_assert_int_gt(derlen, 0);
	n = tl_xml_child(tl_xml_child(sig_part(doc, "KeyInfo"), TL_NS_DS, "X509Data"), TL_NS_DS,
			 "X509Certificate");
	ck_assert_ptr_nonnull(n);
	set_b64(n, der, (size_t)derlen);
	sp = tl_xml_child(sig_part(doc, "Object"), TL_NS_XADES, "QualifyingProperties");
	sp = tl_xml_child(sp, TL_NS_XADES, "SignedProperties");
	ck_assert_ptr_nonnull(sp);
	n = tl_xml_child(tl_xml_child(tl_xml_child(tl_xml_child(tl_xml_child(sp, TL_NS_XADES,
		"SignedSignatureProperties"), TL_NS_XADES, "SigningCertificateV2"), TL_NS_XADES,
		"Cert"), TL_NS_XADES, "CertDigest"), TL_NS_DS, "DigestValue");
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(EVP_Digest(der, (size_t)derlen, md, &mdlen, EVP_sha256(), NULL), 1);
	set_b64(n, md, mdlen);
	OPENSSL_free(der);
	/* the SignedProperties reference */
	for (ref = tl_xml_first_elem(si); ref != NULL; ref = tl_xml_next_elem(ref)) {
		xmlChar *type = xmlGetProp(ref, BAD_CAST "Type");
		int props = type != NULL &&
			    strcmp((char *)type, "http://uri.etsi.org/01903#SignedProperties") == 0;

		xmlFree(type);
		if (props)
			break;
	}
	ck_assert_ptr_nonnull(ref);
	alg = xmlGetProp(tl_xml_child(ref, TL_NS_DS, "DigestMethod"), BAD_CAST "Algorithm");
	h = md_of_digest_uri((const char *)alg);
	xmlFree(alg);
	ck_assert_int_eq(tl_c14n_subtree(sp, ALG_EXC, NULL, xb), VN_OK);
	ck_assert_int_eq(EVP_Digest(xmlBufferContent(xb), (size_t)xmlBufferLength(xb), md, &mdlen,
				    h, NULL), 1);
	set_b64(tl_xml_child(ref, TL_NS_DS, "DigestValue"), md, mdlen);
	xmlBufferEmpty(xb);
	/* the canonicalisation of SignedInfo */
	cm = tl_xml_child(si, TL_NS_DS, "CanonicalizationMethod");
	if (r->c14n != NULL)
		ck_assert_ptr_nonnull(xmlSetProp(cm, BAD_CAST "Algorithm", BAD_CAST r->c14n));
	if (r->prefixes != NULL) {
		xmlNodePtr inc = xmlNewChild(cm, NULL, BAD_CAST "InclusiveNamespaces", NULL);
		xmlNsPtr ns = xmlNewNs(inc, BAD_CAST ALG_EXC, BAD_CAST "ec");

		ck_assert_ptr_nonnull(ns);
		xmlSetNs(inc, ns);
		ck_assert_ptr_nonnull(xmlSetProp(inc, BAD_CAST "PrefixList", BAD_CAST r->prefixes));
	}
	alg = xmlGetProp(cm, BAD_CAST "Algorithm");
	ck_assert_int_eq(tl_c14n_subtree(si, (const char *)alg, cm, xb), VN_OK);
	xmlFree(alg);
	/* the value */
	alg = xmlGetProp(tl_xml_child(si, TL_NS_DS, "SignatureMethod"), BAD_CAST "Algorithm");
	h = tl_pss_md((const char *)alg);
	xmlFree(alg);
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(EVP_DigestSignInit(mctx, &pctx, h, NULL, pk[r->key]), 1);
	ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
	ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, r->saltlen), 1);
	ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, r->mgf1 != NULL ? r->mgf1() : h), 1);
	ck_assert_int_eq(EVP_DigestSign(mctx, NULL, &svlen, xmlBufferContent(xb),
					(size_t)xmlBufferLength(xb)), 1);
	sv = OPENSSL_malloc(svlen);
	ck_assert_ptr_nonnull(sv);
	ck_assert_int_eq(EVP_DigestSign(mctx, sv, &svlen, xmlBufferContent(xb),
					(size_t)xmlBufferLength(xb)), 1);
	set_b64(sig_part(doc, "SignatureValue"), sv, svlen);
	OPENSSL_free(sv);
	EVP_MD_CTX_free(mctx);
	xmlBufferFree(xb);
}

typedef enum pss_op {
	PSS_NONE,
	PSS_CONTENT,		/* one byte of the list changed after signing */
	PSS_PROPS,		/* one byte of SigningTime changed after signing */
	PSS_SIGVALUE,		/* one byte of SignatureValue changed */
	PSS_SIGVALUE_B64,	/* SignatureValue not base64 */
	PSS_URI_SHA512,		/* SignatureMethod claims sha512 after a sha256 signature */
	PSS_PARAMS,		/* a pss:RSAPSSParams inside SignatureMethod */
	PSS_NO_KEYINFO,		/* ds:KeyInfo removed */
	PSS_KEYINFO_OTHER,	/* KeyInfo holds another certificate */
	PSS_BAD_METHOD,		/* inclusive c14n with an ec:InclusiveNamespaces child */
	PSS_RESIGN,		/* signed again by hand (resign_doc) */
	PSS_RESIGN_CONTENT	/* signed again by hand, then the list changed */
} pss_op;

static const struct pss_case {
	const char *name;
	int key;		/* PK_*: the signer tl_sig_sign uses */
	const char *digest;
	pss_op op;
	resign rs;		/* PSS_RESIGN */
	int anchors[2];		/* PK_*, -1 ends */
	vn_indication ind;
	vn_subind sub;
	const char *code;
} pss_cases[] = {
	{"sha256", PK_SIGNER, "sha256", PSS_NONE, {0}, {PK_SIGNER, -1},
	 VN_IND_TOTAL_PASSED, VN_SUB_NONE, "TL_SIG_OK"},
	{"sha384", PK_SIGNER, "sha384", PSS_NONE, {0}, {PK_SIGNER, -1},
	 VN_IND_TOTAL_PASSED, VN_SUB_NONE, "TL_SIG_OK"},
	{"sha512", PK_SIGNER, "sha512", PSS_NONE, {0}, {PK_SIGNER, -1},
	 VN_IND_TOTAL_PASSED, VN_SUB_NONE, "TL_SIG_OK"},
	{"sha256, signer among other anchors", PK_SIGNER, "sha256", PSS_NONE, {0},
	 {PK_OTHER, PK_SIGNER}, VN_IND_TOTAL_PASSED, VN_SUB_NONE, "TL_SIG_OK"},
	{"RSA-PSS-typed key", PK_PSS_TYPED, "sha256", PSS_NONE, {0}, {PK_PSS_TYPED, -1},
	 VN_IND_TOTAL_PASSED, VN_SUB_NONE, "TL_SIG_OK"},
	{"sha256, another anchor", PK_SIGNER, "sha256", PSS_NONE, {0}, {PK_OTHER, -1},
	 VN_IND_INDETERMINATE, VN_SUB_NO_CERTIFICATE_CHAIN_FOUND, "TL_SIG_UNTRUSTED_SIGNER"},
	{"sha512, another anchor", PK_SIGNER, "sha512", PSS_NONE, {0}, {PK_OTHER, -1},
	 VN_IND_INDETERMINATE, VN_SUB_NO_CERTIFICATE_CHAIN_FOUND, "TL_SIG_UNTRUSTED_SIGNER"},
	{"sha256, list content changed", PK_SIGNER, "sha256", PSS_CONTENT, {0}, {PK_SIGNER, -1},
	 VN_IND_TOTAL_FAILED, VN_SUB_HASH_FAILURE, "TL_SIG_DIGEST"},
	{"sha512, list content changed", PK_SIGNER, "sha512", PSS_CONTENT, {0}, {PK_SIGNER, -1},
	 VN_IND_TOTAL_FAILED, VN_SUB_HASH_FAILURE, "TL_SIG_DIGEST"},
	{"sha256, SigningTime changed", PK_SIGNER, "sha256", PSS_PROPS, {0}, {PK_SIGNER, -1},
	 VN_IND_TOTAL_FAILED, VN_SUB_HASH_FAILURE, "TL_SIG_DIGEST"},
	{"sha256, SignatureValue changed", PK_SIGNER, "sha256", PSS_SIGVALUE, {0},
	 {PK_SIGNER, -1}, VN_IND_TOTAL_FAILED, VN_SUB_SIG_CRYPTO_FAILURE, "TL_SIG_VALUE"},
	{"sha512, SignatureValue changed", PK_SIGNER, "sha512", PSS_SIGVALUE, {0},
	 {PK_SIGNER, -1}, VN_IND_TOTAL_FAILED, VN_SUB_SIG_CRYPTO_FAILURE, "TL_SIG_VALUE"},
	{"SignatureValue not base64", PK_SIGNER, "sha256", PSS_SIGVALUE_B64, {0},
	 {PK_SIGNER, -1}, VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE, "TL_SIG_XMLSEC_REJECTED"},
	{"SignatureMethod hash swapped", PK_SIGNER, "sha256", PSS_URI_SHA512, {0},
	 {PK_SIGNER, -1}, VN_IND_TOTAL_FAILED, VN_SUB_SIG_CRYPTO_FAILURE, "TL_SIG_VALUE"},
	{"RSAPSSParams refused", PK_SIGNER, "sha256", PSS_PARAMS, {0}, {PK_SIGNER, -1},
	 VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE, "TL_SIG_ALGORITHM_UNKNOWN"},
	/* no certificate in KeyInfo: each anchor's key is tried */
	{"no KeyInfo, signer among anchors", PK_SIGNER, "sha256", PSS_NO_KEYINFO, {0},
	 {PK_OTHER, PK_SIGNER}, VN_IND_TOTAL_PASSED, VN_SUB_NONE, "TL_SIG_OK"},
	{"no KeyInfo, another anchor", PK_SIGNER, "sha256", PSS_NO_KEYINFO, {0}, {PK_OTHER, -1},
	 VN_IND_INDETERMINATE, VN_SUB_NO_CERTIFICATE_CHAIN_FOUND, "TL_SIG_UNTRUSTED_SIGNER"},
	/* signed again by hand: the twin proves the hand signing itself is right */
	{"re-signed, same parameters", PK_SIGNER, "sha256", PSS_RESIGN,
	 {PK_SIGNER, NULL, NULL, RSA_PSS_SALTLEN_DIGEST, NULL}, {PK_SIGNER, -1},
	 VN_IND_TOTAL_PASSED, VN_SUB_NONE, "TL_SIG_OK"},
	{"RSA-1024 signer (the list policy's minimum)", PK_SIGNER, "sha256", PSS_RESIGN,
	 {PK_1024, NULL, NULL, RSA_PSS_SALTLEN_DIGEST, NULL}, {PK_1024, -1},
	 VN_IND_TOTAL_PASSED, VN_SUB_NONE, "TL_SIG_OK"},
	{"RSA-768 signer", PK_SIGNER, "sha256", PSS_RESIGN,
	 {PK_WEAK, NULL, NULL, RSA_PSS_SALTLEN_DIGEST, NULL}, {PK_WEAK, -1},
	 VN_IND_INDETERMINATE, VN_SUB_CRYPTO_CONSTRAINTS_FAILURE_NO_POE, "TL_SIG_WEAK_KEY"},
	{"RSA-768 signer, content changed", PK_SIGNER, "sha256", PSS_RESIGN_CONTENT,
	 {PK_WEAK, NULL, NULL, RSA_PSS_SALTLEN_DIGEST, NULL}, {PK_WEAK, -1},
	 VN_IND_TOTAL_FAILED, VN_SUB_HASH_FAILURE, "TL_SIG_DIGEST"},
	/* the key checked is the anchor's that KeyInfo names, not the signer's */
	{"KeyInfo names another anchor", PK_SIGNER, "sha256", PSS_KEYINFO_OTHER, {0},
	 {PK_SIGNER, PK_OTHER}, VN_IND_TOTAL_FAILED, VN_SUB_SIG_CRYPTO_FAILURE, "TL_SIG_VALUE"},
	{"salt length 0", PK_SIGNER, "sha256", PSS_RESIGN, {PK_SIGNER, NULL, NULL, 0, NULL},
	 {PK_SIGNER, -1}, VN_IND_TOTAL_FAILED, VN_SUB_SIG_CRYPTO_FAILURE, "TL_SIG_VALUE"},
	{"MGF1 with SHA-1", PK_SIGNER, "sha256", PSS_RESIGN,
	 {PK_SIGNER, NULL, NULL, RSA_PSS_SALTLEN_DIGEST, EVP_sha1}, {PK_SIGNER, -1},
	 VN_IND_TOTAL_FAILED, VN_SUB_SIG_CRYPTO_FAILURE, "TL_SIG_VALUE"},
	{"inclusive c14n of SignedInfo", PK_SIGNER, "sha256", PSS_RESIGN,
	 {PK_SIGNER, C14N_INCL, NULL, RSA_PSS_SALTLEN_DIGEST, NULL}, {PK_SIGNER, -1},
	 VN_IND_TOTAL_PASSED, VN_SUB_NONE, "TL_SIG_OK"},
	{"c14n 1.1 with comments", PK_SIGNER, "sha512", PSS_RESIGN,
	 {PK_SIGNER, "http://www.w3.org/2006/12/xml-c14n11#WithComments", NULL,
	  RSA_PSS_SALTLEN_DIGEST, NULL}, {PK_SIGNER, -1},
	 VN_IND_TOTAL_PASSED, VN_SUB_NONE, "TL_SIG_OK"},
	{"exc-c14n with a PrefixList", PK_SIGNER, "sha256", PSS_RESIGN,
	 {PK_SIGNER, NULL, "#default xades", RSA_PSS_SALTLEN_DIGEST, NULL}, {PK_SIGNER, -1},
	 VN_IND_TOTAL_PASSED, VN_SUB_NONE, "TL_SIG_OK"},
	{"PrefixList under inclusive c14n", PK_SIGNER, "sha256", PSS_BAD_METHOD, {0},
	 {PK_SIGNER, -1},
	 VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE, "TL_SIG_XMLSEC_REJECTED"},
};

static void flip_b64(xmlNodePtr n)
{
	xmlChar *v = xmlNodeGetContent(n);

	ck_assert_ptr_nonnull(v);
	ck_assert_int_gt(xmlStrlen(v), 20);
	v[10] = v[10] == 'A' ? 'B' : 'A';
	xmlNodeSetContent(n, v);
	xmlFree(v);
}

static void pss_apply(xmlDocPtr *doc, const struct pss_case *c)
{
	xmlNodePtr n;

	switch (c->op) {
	case PSS_NONE:
		break;
	case PSS_CONTENT:
		*doc = reparse_replaced(*doc, "<TSLSequenceNumber>1<", "<TSLSequenceNumber>2<");
		break;
	case PSS_PROPS:
		*doc = reparse_replaced(*doc, "2024-05-01T10:", "2024-05-01T11:");
		break;
	case PSS_SIGVALUE:
		flip_b64(sig_part(*doc, "SignatureValue"));
		break;
	case PSS_SIGVALUE_B64:
		xmlNodeSetContent(sig_part(*doc, "SignatureValue"), BAD_CAST "not base64!");
		break;
	case PSS_URI_SHA512:
		n = tl_xml_child(sig_part(*doc, "SignedInfo"), TL_NS_DS, "SignatureMethod");
		ck_assert_ptr_nonnull(
			xmlSetProp(n, BAD_CAST "Algorithm", BAD_CAST TL_URI_PSS_SHA512));
		break;
	case PSS_PARAMS:
		n = tl_xml_child(sig_part(*doc, "SignedInfo"), TL_NS_DS, "SignatureMethod");
		n = xmlNewChild(n, NULL, BAD_CAST "RSAPSSParams", NULL);
		ck_assert_ptr_nonnull(n);
		xmlSetNs(n, xmlNewNs(n, BAD_CAST TL_NS_PSS, BAD_CAST "pss"));
		break;
	case PSS_NO_KEYINFO:
		n = sig_part(*doc, "KeyInfo");
		xmlUnlinkNode(n);
		xmlFreeNode(n);
		break;
	case PSS_KEYINFO_OTHER: {
		unsigned char *der = NULL;
		int len = i2d_X509(pk_cert[PK_OTHER], &der);

		ck_assert_int_gt(len, 0);
		n = tl_xml_child(tl_xml_child(sig_part(*doc, "KeyInfo"), TL_NS_DS, "X509Data"),
				 TL_NS_DS, "X509Certificate");
		ck_assert_ptr_nonnull(n);
		set_b64(n, der, (size_t)len);
		OPENSSL_free(der);
		break;
	}
	case PSS_BAD_METHOD:
		n = tl_xml_child(sig_part(*doc, "SignedInfo"), TL_NS_DS, "CanonicalizationMethod");
		ck_assert_ptr_nonnull(xmlSetProp(n, BAD_CAST "Algorithm", BAD_CAST C14N_INCL));
		n = xmlNewChild(n, NULL, BAD_CAST "InclusiveNamespaces", NULL);
		ck_assert_ptr_nonnull(n);
		xmlSetNs(n, xmlNewNs(n, BAD_CAST ALG_EXC, BAD_CAST "ec"));
		ck_assert_ptr_nonnull(xmlSetProp(n, BAD_CAST "PrefixList", BAD_CAST "ds"));
		break;
	case PSS_RESIGN:
		resign_doc(*doc, &c->rs);
		break;
	case PSS_RESIGN_CONTENT:
		resign_doc(*doc, &c->rs);
		*doc = reparse_replaced(*doc, "<TSLSequenceNumber>1<", "<TSLSequenceNumber>2<");
		break;
	}
}

START_TEST(test_pss)
{
	const struct pss_case *c = &pss_cases[_i];
	STACK_OF(X509) *anchors = sk_X509_new_null();
	xmlDocPtr doc;
	size_t k;

	ck_assert_ptr_nonnull(anchors);
	for (k = 0; k < 2 && c->anchors[k] >= 0; k++) {
		ck_assert_int_eq(X509_up_ref(pk_cert[c->anchors[k]]), 1);
		ck_assert_int_gt(sk_X509_push(anchors, pk_cert[c->anchors[k]]), 0);
	}
	doc = pss_signed(c->key, c->digest);
	pss_apply(&doc, c);
	run_verify(doc, anchors, c->ind, c->sub, c->code, c->name);
	if (c->ind == VN_IND_TOTAL_PASSED) {
		tl_sig_result r;

		tl_sig_result_init(&r);
		ck_assert_int_eq(tl_sig_verify(doc, anchors, &r), VN_OK);
		ck_assert_ptr_nonnull(tl_pss_md(r.sig_alg));
		ck_assert_int_eq(X509_cmp(r.signer, pk_cert[c->op == PSS_RESIGN ? c->rs.key
										 : c->key]),
				 0);
		ck_assert_int_eq(r.signing_time, 1714557600);
		ck_assert(!vn_findings_has(&r.findings, "TL_SIG_SIGNING_CERT_MISMATCH"));
		tl_sig_result_free(&r);
	}
	xmlFreeDoc(doc);
	sk_X509_pop_free(anchors, X509_free);
}
END_TEST

/* tl_c14n_subtree against outputs worked out by hand from C14N 1.0 2.4
 * (a document subset's apex gets the in-scope namespaces and xml:
 * attributes), C14N 1.1 and Exc-C14N 3 (InclusiveNamespaces). */
static const char c14n_doc[] =
	"<r xmlns=\"urn:a\" xmlns:p=\"urn:p\" xml:lang=\"en\">"
	"<p:s b=\"2\" a=\"1\"><!--c--><t/></p:s></r>";

static const struct c14n_case {
	const char *uri;
	const char *method;	/* the method element's children, or NULL */
	vn_err err;
	const char *want;
} c14n_cases[] = {
	{C14N_INCL, NULL, VN_OK,
	 "<p:s xmlns=\"urn:a\" xmlns:p=\"urn:p\" a=\"1\" b=\"2\" xml:lang=\"en\"><t></t></p:s>"},
	{C14N_INCL "#WithComments", NULL, VN_OK,
	 "<p:s xmlns=\"urn:a\" xmlns:p=\"urn:p\" a=\"1\" b=\"2\" xml:lang=\"en\"><!--c--><t></t>"
	 "</p:s>"},
	{"http://www.w3.org/2006/12/xml-c14n11", NULL, VN_OK,
	 "<p:s xmlns=\"urn:a\" xmlns:p=\"urn:p\" a=\"1\" b=\"2\" xml:lang=\"en\"><t></t></p:s>"},
	{ALG_EXC, NULL, VN_OK,
	 "<p:s xmlns:p=\"urn:p\" a=\"1\" b=\"2\"><t xmlns=\"urn:a\"></t></p:s>"},
	{ALG_EXC "WithComments", NULL, VN_OK,
	 "<p:s xmlns:p=\"urn:p\" a=\"1\" b=\"2\"><!--c--><t xmlns=\"urn:a\"></t></p:s>"},
	{ALG_EXC, "<ec:InclusiveNamespaces PrefixList=\" #default \"/>", VN_OK,
	 "<p:s xmlns=\"urn:a\" xmlns:p=\"urn:p\" a=\"1\" b=\"2\"><t></t></p:s>"},
	{ALG_EXC, "", VN_OK,
	 "<p:s xmlns:p=\"urn:p\" a=\"1\" b=\"2\"><t xmlns=\"urn:a\"></t></p:s>"},
	{ALG_EXC, "<ec:InclusiveNamespaces/>", VN_ERR_MALFORMED, NULL},
	{ALG_EXC, "<ec:Other PrefixList=\"p\"/>", VN_ERR_MALFORMED, NULL},
	{ALG_EXC,
	 "<ec:InclusiveNamespaces PrefixList=\"p\"/><ec:InclusiveNamespaces PrefixList=\"p\"/>",
	 VN_ERR_MALFORMED, NULL},
	{C14N_INCL, "<ec:InclusiveNamespaces PrefixList=\"p\"/>", VN_ERR_MALFORMED, NULL},
	{ALG_EXC, "<ec:InclusiveNamespaces PrefixList=\"" PREFIXES_65 "\"/>", VN_ERR_TOO_LARGE,
	 NULL},
	{"http://www.w3.org/TR/1999/REC-xpath-19991116", NULL, VN_ERR_UNSUPPORTED, NULL},
};

START_TEST(test_c14n)
{
	const struct c14n_case *c = &c14n_cases[_i];
	xmlDocPtr doc = read_doc_buf((const unsigned char *)c14n_doc, sizeof(c14n_doc) - 1);
	xmlDocPtr mdoc = NULL;
	xmlNodePtr top = tl_xml_first_elem(xmlDocGetRootElement(doc)), method = NULL;
	xmlBufferPtr xb = xmlBufferCreate();

	ck_assert_ptr_nonnull(xb);
	if (c->method != NULL) {
		char m[4096];
		int n = snprintf(m, sizeof(m), "<m xmlns:ec=\"" ALG_EXC "\">%s</m>", c->method);

		ck_assert(n > 0 && (size_t)n < sizeof(m));
		mdoc = read_doc_buf((const unsigned char *)m, (size_t)n);
		method = xmlDocGetRootElement(mdoc);
	}
	ck_assert_int_eq(tl_c14n_subtree(top, c->uri, method, xb), c->err);
	if (c->want != NULL)
		ck_assert_str_eq((const char *)xmlBufferContent(xb), c->want);
	xmlBufferFree(xb);
	xmlFreeDoc(mdoc);
	xmlFreeDoc(doc);
}
END_TEST

/* The same function against xmlsec: real lists (inclusive and exclusive
 * c14n) whose RSA PKCS#1 signature xmlsec verifies also verify over
 * tl_c14n_subtree's canonical SignedInfo. */
static const struct xcheck_case {
	const char *file, *anchor;
} xcheck_cases[] = {
	{EE_T, EE_ANCHOR},
	{LOTL_CACHE "CZ.xml", CZ_ANCHOR},
	{LOTL_CACHE "eu-lotl_original.xml", LOTL_ANCHOR},
};

START_TEST(test_c14n_xmlsec)
{
	const struct xcheck_case *c = &xcheck_cases[_i];
	char path[1024];
	STACK_OF(X509) *anchors = NULL;
	vn_buf b;
	xmlDocPtr doc;
	xmlNodePtr si, cm;
	xmlBufferPtr xb;
	xmlChar *alg;
	char *txt;
	unsigned char *sig = NULL;
	size_t siglen = 0;
	EVP_MD_CTX *mctx;

	VN_SKIP_NO_CORPUS(vn_test_corpus(c->file, path, sizeof(path)), c->file);
	xb = xmlBufferCreate();
	mctx = EVP_MD_CTX_new();
	ck_assert_ptr_nonnull(xb);
	ck_assert_ptr_nonnull(mctx);
	ck_assert_int_eq(add_anchor(c->anchor, &anchors), 0);
	read_file(path, &b);
	doc = read_doc_buf(b.data, b.len);
	si = sig_part(doc, "SignedInfo");
	cm = tl_xml_child(si, TL_NS_DS, "CanonicalizationMethod");
	alg = xmlGetProp(cm, BAD_CAST "Algorithm");
	ck_assert_int_eq(tl_c14n_subtree(si, (const char *)alg, cm, xb), VN_OK);
	xmlFree(alg);
	txt = tl_xml_text(sig_part(doc, "SignatureValue"));
	ck_assert_int_eq(vn_b64_decode(txt, strlen(txt), 4096, &sig, &siglen), VN_OK);
	ck_assert_int_eq(EVP_DigestVerifyInit(mctx, NULL, EVP_sha256(), NULL,
					      X509_get0_pubkey(sk_X509_value(anchors, 0))), 1);
	ck_assert_int_eq(EVP_DigestVerify(mctx, sig, siglen, xmlBufferContent(xb),
					  (size_t)xmlBufferLength(xb)), 1);
	EVP_MD_CTX_free(mctx);
	free(sig);
	free(txt);
	xmlBufferFree(xb);
	xmlFreeDoc(doc);
	vn_buf_free(&b);
	sk_X509_pop_free(anchors, X509_free);
}
END_TEST

static Suite *tl_sig_suite(void)
{
	Suite *s = suite_create("tl_sig");
	TCase *tc = tcase_create("verify");

	tcase_add_unchecked_fixture(tc, setup_tmp, teardown_tmp);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_corpus, 0,
			    (int)(sizeof(corpus_cases) / sizeof(corpus_cases[0])));
	tcase_add_loop_test(tc, test_mutation, 0,
			    (int)(sizeof(mutation_cases) / sizeof(mutation_cases[0])));
	tcase_add_loop_test(tc, test_signed, 0,
			    (int)(sizeof(signed_cases) / sizeof(signed_cases[0])));
	tcase_add_test(tc, test_load_certs);
	tcase_add_test(tc, test_doc_unchanged);
	suite_add_tcase(s, tc);

	tc = tcase_create("pss");
	tcase_add_unchecked_fixture(tc, setup_pss, teardown_pss);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_pss, 0, (int)(sizeof(pss_cases) / sizeof(pss_cases[0])));
	tcase_add_loop_test(tc, test_c14n, 0, (int)(sizeof(c14n_cases) / sizeof(c14n_cases[0])));
	tcase_add_loop_test(tc, test_c14n_xmlsec, 0,
			    (int)(sizeof(xcheck_cases) / sizeof(xcheck_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return vn_test_run(tl_sig_suite());
}
