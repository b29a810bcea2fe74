/* Check suite for trustlists/tl_build: the tlspec reader and the TS 119 612
 * writer. Certificates are made at test time in a temporary directory. */
#include "tests/unit/vn_test.h"

#include <sys/stat.h>

#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/vn_buf.h"
#include "common/vn_findings.h"
#include "trustlists/tl_build.h"
#include "trustlists/tl_xml.h"

static char tmpdir[] = "/tmp/vn-tlbuild-XXXXXX";

static void make_cert(const char *pem_path, const char *der_path)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *n;
	FILE *f;

	ck_assert_ptr_nonnull(k);
	ck_assert_ptr_nonnull(x);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 4242);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"Test CA", -1,
				   -1, 0);
	X509_set_issuer_name(x, n);
	X509_set_pubkey(x, k);
	ck_assert_int_gt(X509_sign(x, k, EVP_sha256()), 0);
	f = fopen(pem_path, "w");
	ck_assert_ptr_nonnull(f);
	PEM_write_X509(f, x);
	fclose(f);
	f = fopen(der_path, "wb");
	ck_assert_ptr_nonnull(f);
	i2d_X509_fp(f, x);
	fclose(f);
	X509_free(x);
	EVP_PKEY_free(k);
}

static void setup(void)
{
	char p[256], d[256];

	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(p, sizeof p, "%s/ca.pem", tmpdir);
	snprintf(d, sizeof d, "%s/ca.der", tmpdir);
	make_cert(p, d);
	snprintf(p, sizeof p, "%s/pki", tmpdir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/pki/az", tmpdir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/pki/az/mid-ca.pem", tmpdir);
	snprintf(d, sizeof d, "%s/pki/az/mid-ca.der", tmpdir);
	make_cert(p, d);
	snprintf(p, sizeof p, "%s/garbage.pem", tmpdir);
	{
		FILE *f = fopen(p, "w");
		ck_assert_ptr_nonnull(f);
		fputs("not a certificate\n", f);
		fclose(f);
	}
}

static void teardown(void)
{
	char cmd[320];

	if (strncmp(tmpdir, "/tmp/vn-tlbuild-", 16) == 0 && strchr(tmpdir, 'X') == NULL) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmpdir);
	}
}

/* 14 lines: every required key of [scheme]. */
#define SCHEME                                                              \
	"[scheme]\n"                                                        \
	"territory = AZ\n"                                                  \
	"sequence = 7\n"                                                    \
	"type = AZlist\n"                                                   \
	"operator = Operator & Co <demo>\n"                                 \
	"operator-street = 1 Street\n"                                      \
	"operator-locality = Baku\n"                                        \
	"operator-country = AZ\n"                                           \
	"operator-email = mailto:tl@example.invalid\n"                      \
	"name = AZ: list\n"                                                 \
	"info-uri = https://tl.example.invalid/info\n"                      \
	"status-approach = http://uri.etsi.org/TrstSvc/TrustedList/StatusDetn/EUappropriate\n" \
	"issued = 2026-11-01T00:00:00Z\n"                                   \
	"next-update = 2027-04-01T00:00:00Z\n"
#define L_SCHEME 14
/* 7 lines */
#define TSP                                   \
	"[tsp]\n"                             \
	"name = TSP\n"                        \
	"street = 2 Street\n"                 \
	"locality = Baku\n"                   \
	"country = AZ\n"                      \
	"email = mailto:ca@example.invalid\n" \
	"info-uri = https://ca.example.invalid/\n"
/* 6 lines */
#define SERVICE                            \
	"[service]\n"                      \
	"type = CA/QC\n"                   \
	"name = CA\n"                      \
	"certificate = ca.pem\n"           \
	"status = granted\n"               \
	"start = 2026-01-01T00:00:00Z\n"
#define L_TSP 7
#define L_SVC 6

static const struct bad_case {
	const char *text;
	int err;		/* vn_err */
	const char *code;
	unsigned line;
	const char *msg;	/* substring of the message */
} bad_cases[] = {
	{SCHEME TSP "foo = bar\n" SERVICE, VN_ERR_MALFORMED, "TL_BUILD_UNKNOWN_KEY",
	 L_SCHEME + L_TSP + 1, "unknown key 'foo' in [tsp]"},
	{SCHEME "[foo]\nx = y\n", VN_ERR_MALFORMED, "TL_BUILD_UNKNOWN_SECTION", L_SCHEME + 1,
	 "unknown section [foo]"},
	{SCHEME "[pointer]\nlocation = https://x.invalid/\ntype = AZlist\nterritory = AZ\n"
		"operator = O\ncertificate = ca.pem\nmime-type = text\n",
	 VN_ERR_MALFORMED, "TL_BUILD_BAD_VALUE", L_SCHEME + 7, "mime-type"},
	{"[scheme]\nissued = 2026-13-01T00:00:00Z\n", VN_ERR_MALFORMED, "TL_BUILD_BAD_TIME", 2,
	 "'issued'"},
	{"[scheme]\nissued = 2026-11-01 00:00:00\n", VN_ERR_MALFORMED, "TL_BUILD_BAD_TIME", 2,
	 "RFC 3339"},
	{SCHEME TSP SERVICE "start = 2026-01-01T00:00:00Z\n", VN_ERR_MALFORMED,
	 "TL_BUILD_DUPLICATE_KEY", L_SCHEME + L_TSP + L_SVC + 1, "first on line"},
	{"[scheme]\nterritory = AZ\n", VN_ERR_MALFORMED, "TL_BUILD_MISSING_KEY", 1,
	 "lacks required key 'sequence'"},
	{SCHEME SERVICE, VN_ERR_MALFORMED, "TL_BUILD_SECTION_ORDER", L_SCHEME + 1,
	 "[service] must follow a [tsp]"},
	{SCHEME TSP "[history]\n", VN_ERR_MALFORMED, "TL_BUILD_SECTION_ORDER", L_SCHEME + L_TSP + 1,
	 "[history] must follow a [service]"},
	{SCHEME TSP, VN_ERR_MALFORMED, "TL_BUILD_MISSING_SECTION", L_SCHEME + 1,
	 "[tsp] without a [service]"},
	{SCHEME SCHEME, VN_ERR_MALFORMED, "TL_BUILD_SECTION_ORDER", L_SCHEME + 1,
	 "[scheme] must come first"},
	{TSP SERVICE, VN_ERR_MALFORMED, "TL_BUILD_SECTION_ORDER", 1, "first section"},
	{SCHEME TSP SERVICE "[pointer]\n", VN_ERR_MALFORMED, "TL_BUILD_SECTION_ORDER",
	 L_SCHEME + L_TSP + L_SVC + 1, "[pointer] must follow"},
	{"territory = AZ\n[scheme]\n", VN_ERR_MALFORMED, "TL_BUILD_SYNTAX", 1, "outside any section"},
	{SCHEME "just words\n", VN_ERR_MALFORMED, "TL_BUILD_SYNTAX", L_SCHEME + 1, "key = value"},
	{SCHEME "[tsp\n", VN_ERR_MALFORMED, "TL_BUILD_SYNTAX", L_SCHEME + 1, "without ']'"},
	{SCHEME TSP SERVICE "name =   \n", VN_ERR_MALFORMED, "TL_BUILD_BAD_VALUE",
	 L_SCHEME + L_TSP + L_SVC + 1, "empty value"},
	{"[scheme]\ntype = azlist\n", VN_ERR_MALFORMED, "TL_BUILD_BAD_VALUE", 2, "'type'"},
	{"[scheme]\nsequence = 0\n", VN_ERR_MALFORMED, "TL_BUILD_BAD_VALUE", 2, "'sequence'"},
	{"[scheme]\nsequence = 12a\n", VN_ERR_MALFORMED, "TL_BUILD_BAD_VALUE", 2, "'sequence'"},
	{"[scheme]\nterritory = Azerbaijan\n", VN_ERR_MALFORMED, "TL_BUILD_BAD_VALUE", 2,
	 "'territory'"},
	{"[scheme]\ninfo-uri = not a uri\n", VN_ERR_MALFORMED, "TL_BUILD_BAD_VALUE", 2,
	 "'info-uri'"},
	{"[scheme]\ninfo-uri = https://a.invalid/x y\n", VN_ERR_MALFORMED, "TL_BUILD_BAD_VALUE", 2,
	 "'info-uri'"},
	{SCHEME TSP "[service]\nstatus = grant ed\n", VN_ERR_MALFORMED, "TL_BUILD_BAD_VALUE",
	 L_SCHEME + L_TSP + 2, "'status'"},
	{SCHEME TSP SERVICE "qualifier = QCWithQSCD\nqualifier-policy = 0.4.0.x\n",
	 VN_ERR_MALFORMED, "TL_BUILD_BAD_VALUE", L_SCHEME + L_TSP + L_SVC + 2,
	 "'qualifier-policy'"},
	{SCHEME TSP SERVICE "qualifier = QCWithQSCD\n", VN_ERR_MALFORMED, "TL_BUILD_MISSING_KEY",
	 L_SCHEME + L_TSP + L_SVC + 1, "without a following 'qualifier-policy'"},
	{SCHEME TSP SERVICE "qualifier-policy = 0.4.0.1\n", VN_ERR_MALFORMED, "TL_BUILD_SYNTAX",
	 L_SCHEME + L_TSP + L_SVC + 1, "before any 'qualifier'"},
	{SCHEME TSP SERVICE "expired-certs-revocation-info = yesterday\n", VN_ERR_MALFORMED,
	 "TL_BUILD_BAD_TIME", L_SCHEME + L_TSP + L_SVC + 1, "expired-certs"},
	{SCHEME TSP SERVICE "certificate = garbage.pem\n", VN_ERR_MALFORMED, "TL_BUILD_BAD_CERT",
	 L_SCHEME + L_TSP + L_SVC + 1, "garbage.pem"},
	{SCHEME TSP SERVICE "certificate = missing.pem\n", VN_ERR_NOT_FOUND,
	 "TL_BUILD_CERT_MISSING", L_SCHEME + L_TSP + L_SVC + 1, "cannot read certificate"},
	{SCHEME "legal-notice = bad \x01 control\n", VN_ERR_MALFORMED, "TL_BUILD_SYNTAX",
	 L_SCHEME + 1, "control character"},
	{SCHEME "legal-notice = bad \xff utf8\n", VN_ERR_MALFORMED, "TL_BUILD_SYNTAX", L_SCHEME + 1,
	 "UTF-8"},
	{"", VN_ERR_MALFORMED, "TL_BUILD_MISSING_SECTION", 1, "no [scheme]"},
};

START_TEST(test_bad_specs)
{
	const struct bad_case *c = &bad_cases[_i];
	vn_findings f;
	xmlDocPtr doc = (xmlDocPtr)1;
	char want[64];
	size_t k;
	int found = 0;

	vn_findings_init(&f);
	ck_assert_int_eq(tl_build_mem(c->text, strlen(c->text), tmpdir, &doc, &f), c->err);
	ck_assert_ptr_null(doc);
	snprintf(want, sizeof want, "spec:%u: ", c->line);
	for (k = 0; k < f.n; k++)
		if (strcmp(f.items[k].code, c->code) == 0 &&
		    strncmp(f.items[k].message, want, strlen(want)) == 0 &&
		    strstr(f.items[k].message, c->msg) != NULL)
			found = 1;
	if (!found)
		for (k = 0; k < f.n; k++)
			fprintf(stderr, "case %d: got %s %s\n", _i, f.items[k].code,
				f.items[k].message);
	ck_assert_msg(found, "case %d: no %s at %s'%s'", _i, c->code, want, c->msg);
	vn_findings_free(&f);
}
END_TEST

START_TEST(test_caps)
{
	vn_findings f;
	xmlDocPtr doc = NULL;
	size_t n = TL_BUILD_MAX_SPEC + 1, k;
	char *big = malloc(n);
	char *line;
	int found = 0;

	ck_assert_ptr_nonnull(big);
	memset(big, '#', n);
	vn_findings_init(&f);
	ck_assert_int_eq(tl_build_mem(big, n, NULL, &doc, &f), VN_ERR_TOO_LARGE);
	ck_assert(vn_findings_has(&f, "TL_BUILD_TOO_LARGE"));
	vn_findings_free(&f);
	free(big);

	/* a line one byte over the cap */
	line = malloc(TL_BUILD_MAX_LINE + 64);
	ck_assert_ptr_nonnull(line);
	strcpy(line, "[scheme]\nname = ");
	k = strlen(line);
	memset(line + k, 'a', TL_BUILD_MAX_LINE + 1 - 7);
	line[k + TL_BUILD_MAX_LINE + 1 - 7] = '\n';
	vn_findings_init(&f);
	ck_assert_int_eq(tl_build_mem(line, k + TL_BUILD_MAX_LINE + 1 - 7 + 1, NULL, &doc, &f),
			 VN_ERR_MALFORMED);
	for (k = 0; k < f.n; k++)
		if (strcmp(f.items[k].code, "TL_BUILD_LINE_TOO_LONG") == 0 &&
		    strncmp(f.items[k].message, "spec:2: ", 8) == 0)
			found = 1;
	ck_assert(found);
	vn_findings_free(&f);
	free(line);

	/* a NUL byte inside a line */
	vn_findings_init(&f);
	ck_assert_int_eq(tl_build_mem("[scheme]\nname = a\0b\n", 20, NULL, &doc, &f),
			 VN_ERR_MALFORMED);
	ck_assert(vn_findings_has(&f, "TL_BUILD_SYNTAX"));
	vn_findings_free(&f);

	/* the file API: a missing spec */
	vn_findings_init(&f);
	ck_assert_int_eq(tl_build("/nonexistent/spec.tlspec", &doc, &f), VN_ERR_NOT_FOUND);
	ck_assert(vn_findings_has(&f, "TL_BUILD_NO_SPEC"));
	vn_findings_free(&f);
}
END_TEST

/* The text of the one node matching a tsl:/ecc:/xades: XPath, or NULL. */
static char *xp(xmlDocPtr doc, const char *expr, int *count)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;
	char *s = NULL;

	xmlXPathRegisterNs(ctx, BAD_CAST "tsl", BAD_CAST TL_NS_TSL);
	xmlXPathRegisterNs(ctx, BAD_CAST "tslx", BAD_CAST TL_NS_TSLX);
	xmlXPathRegisterNs(ctx, BAD_CAST "ecc", BAD_CAST TL_NS_ECC);
	xmlXPathRegisterNs(ctx, BAD_CAST "xades", BAD_CAST TL_NS_XADES);
	o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	ck_assert_ptr_nonnull(o);
	*count = o->nodesetval ? o->nodesetval->nodeNr : 0;
	if (*count > 0) {
		xmlChar *c = xmlNodeGetContent(o->nodesetval->nodeTab[0]);
		s = strdup((const char *)c);
		xmlFree(c);
	}
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return s;
}

static const struct good_case {
	const char *xpath;
	int count;
	const char *value;	/* NULL: do not compare */
} good_cases[] = {
	{"/tsl:TrustServiceStatusList/@TSLTag", 1, "http://uri.etsi.org/19612/TSLTag"},
	{"//tsl:SchemeInformation/tsl:TSLVersionIdentifier", 1, "6"},
	{"//tsl:SchemeInformation/tsl:TSLSequenceNumber", 1, "7"},
	{"//tsl:SchemeInformation/tsl:TSLType", 1,
	 "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric"},
	{"/*/tsl:SchemeInformation/tsl:SchemeOperatorName/tsl:Name[@xml:lang='en']", 1, "Operator & Co <demo>"},
	{"//tsl:HistoricalInformationPeriod", 1, "65535"},
	{"//tsl:NextUpdate/tsl:dateTime", 0, NULL},
	{"//tsl:NextUpdate", 1, ""},
	{"//tsl:ListIssueDateTime", 1, "2026-11-01T00:00:00Z"},
	{"//tsl:DistributionPoints/tsl:URI", 2, "https://a.invalid/l.xml"},
	{"//tsl:OtherTSLPointer/tsl:TSLLocation", 1, "https://tl.ge.invalid/GE.xml"},
	{"//tsl:OtherTSLPointer//tsl:OtherInformation/tsl:TSLType", 1,
	 "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/GElist"},
	{"//tsl:OtherTSLPointer//tslx:MimeType", 1, "application/vnd.etsi.tsl+xml"},
	{"//tsl:OtherTSLPointer//tsl:ServiceDigitalIdentity", 2, NULL},
	{"//tsl:TrustServiceProvider", 2, NULL},
	{"//tsl:TSPService", 3, NULL},
	{"//tsl:ServiceInformation/tsl:ServiceTypeIdentifier", 3,
	 "http://uri.etsi.org/TrstSvc/Svctype/CA/QC"},
	{"//tsl:ServiceInformation/tsl:ServiceStatus", 3,
	 "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted"},
	{"//tsl:ServiceInformation/tsl:StatusStartingTime", 3, "2025-12-31T22:00:00Z"},
	{"//tsl:ServiceSupplyPoint", 1, "http://127.0.0.1:18101/ocsp"},
	{"//tsl:AdditionalServiceInformation/tsl:URI", 1,
	 "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForeSignatures"},
	{"//ecc:QualificationElement", 2, NULL},
	{"//ecc:Qualifier/@uri", 2, "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCWithQSCD"},
	{"//ecc:QualificationElement[1]//ecc:PolicySet", 2, NULL},
	{"//ecc:CriteriaList/@assert", 2, "atLeastOne"},
	{"//ecc:PolicyIdentifier/xades:Identifier", 3, "0.4.0.194112.1.2"},
	{"//tsl:Extension[tsl:ExpiredCertsRevocationInfo]/@Critical", 1, "false"},
	{"//tsl:ServiceHistoryInstance", 2, NULL},
	{"//tsl:ServiceHistoryInstance/tsl:ServiceStatus", 2,
	 "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn"},
	{"//tsl:X509Certificate", 7, NULL},
	{"//tsl:TSPTradeName/tsl:Name", 1, "VATAZ-1"},
};

static const char good_spec[] =
	"# comment\n"
	"[scheme]\n"
	"territory = AZ\n"
	"sequence = 7\n"
	"type = generic\n"
	"operator = Operator & Co <demo>\n"
	"operator-street = 1 Street\n"
	"operator-locality = Baku\n"
	"operator-postal-code = AZ1000\n"
	"operator-country = AZ\n"
	"operator-email = mailto:tl@example.invalid\n"
	"name = AZ: list\n"
	"info-uri = https://tl.example.invalid/info\n"
	"status-approach = http://uri.etsi.org/TrstSvc/TrustedList/StatusDetn/EUappropriate\n"
	"community-rule = http://uri.etsi.org/TrstSvc/TrustedList/schemerules/EUcommon\n"
	"legal-notice = Demo.\n"
	"issued = 2026-11-01T00:00:00Z\n"
	"next-update = closed\n"
	"distribution-point = https://a.invalid/l.xml\n"
	"distribution-point = https://b.invalid/l.xml\n"
	"\n"
	"[pointer]\n"
	"location = https://tl.ge.invalid/GE.xml\n"
	"certificate = ca.pem\n"
	"certificate = ca.der\n"
	"type = GElist\n"
	"territory = GE\n"
	"operator = GE operator\n"
	"[tsp]\r\n"
	"name = TSP one\n"
	"trade-name = VATAZ-1\n"
	"street = 2 Street\n"
	"locality = Baku\n"
	"country = AZ\n"
	"email = mailto:ca@example.invalid\n"
	"info-uri = https://ca.example.invalid/\n"
	"  [ service ]  \n"
	"type = CA/QC\n"
	"name = CA one\n"
	"certificate = ca.pem\n"
	"status = granted\n"
	"start = 2026-01-01T00:00:00+02:00\n"
	"supply-point = http://127.0.0.1:18101/ocsp\n"
	"asi = ForeSignatures\n"
	"qualifier = QCWithQSCD\n"
	"qualifier-policy = 0.4.0.194112.1.2, 0.4.0.194112.1.3\n"
	"qualifier = http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCForESig\n"
	"qualifier-policy = 0.4.0.194112.1.2\n"
	"expired-certs-revocation-info = 2026-01-01T00:00:00Z\n"
	"[history]\n"
	"type = CA/QC\n"
	"name = CA one\n"
	"certificate = ca.der\n"
	"status = withdrawn\n"
	"start = 2025-06-01T00:00:00Z\n"
	"[history]\n"
	"type = http://uri.etsi.org/TrstSvc/Svctype/CA/QC\n"
	"name = CA one\n"
	"certificate = ca.der\n"
	"status = withdrawn\n"
	"start = 2025-01-01T00:00:00Z\n"
	"[service]\n"
	"type = CA/QC\n"
	"name = CA two\n"
	"certificate = ca.pem\n"
	"status = granted\n"
	"start = 2026-01-01T00:00:00+02:00\n"
	"[tsp]\n"
	"name = TSP two\n"
	"street = 3 Street\n"
	"locality = Ganja\n"
	"country = AZ\n"
	"email = mailto:two@example.invalid\n"
	"info-uri = https://two.example.invalid/\n"
	"[service]\n"
	"type = CA/QC\n"
	"name = CA three\n"
	"certificate = ca.pem\n"
	"status = granted\n"
	"start = 2026-01-01T00:00:00+02:00\n";

START_TEST(test_good_elements)
{
	const struct good_case *c = &good_cases[_i];
	vn_findings f;
	xmlDocPtr doc = NULL;
	int n;
	char *v;

	vn_findings_init(&f);
	ck_assert_int_eq(tl_build_mem(good_spec, sizeof good_spec - 1, tmpdir, &doc, &f), VN_OK);
	ck_assert_uint_eq(f.n, 0);
	v = xp(doc, c->xpath, &n);
	ck_assert_msg(n == c->count, "%s: %d nodes, wanted %d", c->xpath, n, c->count);
	if (c->value != NULL)
		ck_assert_str_eq(v, c->value);
	free(v);
	xmlFreeDoc(doc);
	vn_findings_free(&f);
}
END_TEST

/* Validate the file against the official XSD with xmllint (offline). */
static int xsd_valid(const char *file)
{
	char cmd[1024], xsd[512];

	snprintf(xsd, sizeof xsd, "%s/../shared/xsd/ts_119612v020401_xsd.xsd", vn_test_srcdir());
	if (access(xsd, R_OK) != 0 || system("command -v xmllint >/dev/null 2>&1") != 0)
		return -1;
	snprintf(cmd, sizeof cmd,
		 "XML_CATALOG_FILES='%s/../shared/xsd/catalog.xml' xmllint --noout --nonet "
		 "--schema '%s' '%s'",
		 vn_test_srcdir(), xsd, file);
	return system(cmd) == 0;
}

static void save(xmlDocPtr doc, const char *path)
{
	ck_assert_int_gt(xmlSaveFormatFileEnc(path, doc, "UTF-8", 1), 0);
}

START_TEST(test_good_validates)
{
	vn_findings f;
	xmlDocPtr doc = NULL;
	char out[256];
	int r;

	vn_findings_init(&f);
	ck_assert_int_eq(tl_build_mem(good_spec, sizeof good_spec - 1, tmpdir, &doc, &f), VN_OK);
	snprintf(out, sizeof out, "%s/good.xml", tmpdir);
	save(doc, out);
	r = xsd_valid(out);
	if (r < 0)
		fprintf(stderr, "SKIP: ../shared/xsd or xmllint is absent\n");
	else
		ck_assert_msg(r == 1, "%s does not validate", out);
	xmlFreeDoc(doc);
	vn_findings_free(&f);
}
END_TEST

/* The shipped example builds and validates (its certificate path resolved
 * against a temporary directory). */
START_TEST(test_example_spec)
{
	char path[512], out[256];
	vn_buf b;
	vn_findings f;
	xmlDocPtr doc = NULL;
	int r, n;
	char *v;

	snprintf(path, sizeof path, "%s/interop/demo/example.tlspec", vn_test_srcdir());
	vn_buf_init(&b, TL_BUILD_MAX_SPEC);
	ck_assert_int_eq(vn_buf_read_file(&b, path), VN_OK);
	vn_findings_init(&f);
	ck_assert_int_eq(tl_build_mem((const char *)b.data, b.len, tmpdir, &doc, &f), VN_OK);
	v = xp(doc, "//tsl:TSLType", &n);
	ck_assert_str_eq(v, "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/AZlist");
	free(v);
	snprintf(out, sizeof out, "%s/example.xml", tmpdir);
	save(doc, out);
	r = xsd_valid(out);
	if (r >= 0)
		ck_assert_msg(r == 1, "%s does not validate", out);
	xmlFreeDoc(doc);
	vn_findings_free(&f);
	vn_buf_free(&b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("tl_build");
	TCase *tc = tcase_create("spec");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_bad_specs, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
	tcase_add_test(tc, test_caps);
	tcase_add_loop_test(tc, test_good_elements, 0,
			    (int)(sizeof good_cases / sizeof good_cases[0]));
	tcase_add_test(tc, test_good_validates);
	tcase_add_test(tc, test_example_spec);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return vn_test_run(suite());
}
