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
 *                  failing row proves that the rule is what fails.
 */
#include "tests/unit/vn_test.h"

#include <stdarg.h>

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "common/vn_b64.h"
#include "common/vn_buf.h"
#include "trustlists/tl_sig.h"
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
	return s;
}

int main(void)
{
	return vn_test_run(tl_sig_suite());
}
