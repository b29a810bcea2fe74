/* Check suite for trustlists/tl_sign and `tl build` / `tl sign`: keys are
 * made at test time with the openssl CLI in a temporary directory; the
 * independent xmlsec1 and xmllint tools judge what we produce. */
#include "tests/unit/vn_test.h"

#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <libxml/tree.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "common/vn_b64.h"
#include "common/vn_buf.h"
#include "node/cli.h"
#include "trustlists/tl_sig.h"
#include "trustlists/tl_xml.h"

static char tmpdir[] = "/tmp/vn-tlsign-XXXXXX";
static int have_tools;

static int sh(const char *fmt, ...) VN_PRINTF(1, 2);

static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	r = system(cmd);
	return r == -1 ? -1 : WEXITSTATUS(r);
}

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	have_tools = system("command -v openssl >/dev/null && command -v xmlsec1 >/dev/null "
			    "&& command -v xmllint >/dev/null && command -v perl >/dev/null") == 0;
	if (!have_tools)
		return;
	ck_assert_int_eq(
		sh("cd '%s' && umask 077 && "
		   "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key 2>/dev/null && "
		   "openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -out pss.key 2>/dev/null && "
		   "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key 2>/dev/null && "
		   "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out weak.key 2>/dev/null && "
		   "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-224 -out weakec.key 2>/dev/null && "
		   "for k in rsa pss ec weak weakec; do openssl req -x509 -new -key $k.key -subj \"/C=AZ/O=Demo/CN=TL signer $k\" "
		   "-days 30 -out $k.pem 2>/dev/null || exit 1; done && "
		   "openssl x509 -in ec.pem -outform DER -out ec.der && "
		   "cp rsa.pem ca.pem && cp rsa.key open.key && chmod 644 open.key",
		   tmpdir),
		0);
}

static void teardown(void)
{
	if (strncmp(tmpdir, "/tmp/vn-tlsign-", 15) == 0 && strchr(tmpdir, 'X') == NULL &&
	    sh("rm -rf '%s'", tmpdir) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

#define SKIP_NO_TOOLS()                                                               \
	do {                                                                          \
		if (!have_tools) {                                                    \
			fprintf(stderr, "SKIP: openssl, xmlsec1, xmllint or perl absent\n"); \
			return;                                                       \
		}                                                                     \
	} while (0)

static const char spec[] =
	"[scheme]\n"
	"territory = AZ\n"
	"sequence = 3\n"
	"type = AZlist\n"
	"operator = Demo operator\n"
	"operator-street = 1 Street\n"
	"operator-locality = Baku\n"
	"operator-country = AZ\n"
	"operator-email = mailto:tl@example.invalid\n"
	"name = AZ: list\n"
	"info-uri = https://tl.example.invalid/info\n"
	"status-approach = http://uri.etsi.org/TrstSvc/TrustedList/StatusDetn/EUappropriate\n"
	"issued = 2026-11-01T00:00:00Z\n"
	"next-update = 2027-04-01T00:00:00Z\n"
	"[tsp]\n"
	"name = TSP\n"
	"street = 2 Street\n"
	"locality = Baku\n"
	"country = AZ\n"
	"email = mailto:ca@example.invalid\n"
	"info-uri = https://ca.example.invalid/\n"
	"[service]\n"
	"type = CA/QC\n"
	"name = CA\n"
	"certificate = ca.pem\n"
	"status = granted\n"
	"start = 2026-01-01T00:00:00Z\n"
	"qualifier = QCWithQSCD\n"
	"qualifier-policy = 0.4.0.194112.1.2\n";

static int run(int (*fn)(int, char **), char **argv)
{
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	return fn(argc, argv);
}

static void build_list(const char *out)
{
	char sp[256];
	FILE *f;

	snprintf(sp, sizeof sp, "%s/list.tlspec", tmpdir);
	f = fopen(sp, "w");
	ck_assert_ptr_nonnull(f);
	fputs(spec, f);
	fclose(f);
	{
		char *argv[] = {"build", sp, "--out", (char *)out, NULL};
		ck_assert_int_eq(run(vn_cli_tl_build, argv), 0);
	}
}

static const struct sign_case {
	const char *key;
	const char *digest;
	int pss;
	const char *method;	/* expected SignatureMethod */
} sign_cases[] = {
	{"rsa", NULL, 0, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"},
	{"rsa", "sha512", 0, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"},
	{"ec", NULL, 0, "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"},
	{"ec", "sha384", 0, "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"},
	{"rsa", NULL, 1, "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1"},
	{"pss", "sha384", 0, "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1"},
};

/* xmlsec1 1.2 has no RSASSA-PSS: for PSS the signature is checked with the
 * openssl CLI over xmllint's exclusive c14n of SignedInfo, and the data
 * reference digest over xmllint's exc-c14n of the list without its
 * signature. Both are independent of the code under test. */
static int pss_check(const char *file, const char *pem, const char *md)
{
	return sh("cd '%s' && openssl x509 -in '%s' -pubkey -noout >p.pub && "
		  "perl -0ne 'print $1 if /(<ds:SignedInfo>.*<\\/ds:SignedInfo>)/s' '%s' | "
		  "sed 's|<ds:SignedInfo>|<ds:SignedInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">|' >si.xml && "
		  "xmllint --exc-c14n si.xml >si.c14n && "
		  "perl -0ne 'print $1 if /<ds:SignatureValue>(.*?)<\\/ds:SignatureValue>/s' '%s' | base64 -d >sig.bin && "
		  "openssl dgst -%s -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest "
		  "-sigopt rsa_mgf1_md:%s -verify p.pub -signature sig.bin si.c14n >/dev/null && "
		  "perl -0pe 's/<ds:Signature .*<\\/ds:Signature>//s' '%s' >nosig.xml && "
		  "a=$(xmllint --exc-c14n nosig.xml | openssl dgst -%s -binary | base64 -w0) && "
		  "b=$(perl -0ne 'print $1 if /<ds:DigestValue>(.*?)<\\/ds:DigestValue>/s' '%s') && "
		  "[ \"$a\" = \"$b\" ]",
		  tmpdir, pem, file, file, md, md, file, md, file);
}

static int xmlsec_verify(const char *file, const char *pem)
{
	return sh("xmlsec1 --verify --enabled-reference-uris empty,same-doc "
		  "--pubkey-cert-pem '%s' '%s' >/dev/null 2>&1",
		  pem, file);
}

static int xsd_check(const char *file)
{
	char xsd[512];

	snprintf(xsd, sizeof xsd, "%s/../shared/xsd/ts_119612v020401_xsd.xsd", vn_test_srcdir());
	if (access(xsd, R_OK) != 0) {
		fprintf(stderr, "SKIP: ../shared/xsd is absent\n");
		return 0;
	}
	return sh("XML_CATALOG_FILES='%s/../shared/xsd/catalog.xml' xmllint --noout --nonet "
		  "--schema '%s' '%s' 2>/dev/null",
		  vn_test_srcdir(), xsd, file);
}

START_TEST(test_sign_verify)
{
	const struct sign_case *c = &sign_cases[_i];
	char unsigned_[256], out[256], key[256], pem[256], bad[256];
	char *argv[16];
	int n = 0;

	SKIP_NO_TOOLS();
	snprintf(unsigned_, sizeof unsigned_, "%s/u%d.xml", tmpdir, _i);
	snprintf(out, sizeof out, "%s/s%d.xml", tmpdir, _i);
	snprintf(bad, sizeof bad, "%s/bad%d.xml", tmpdir, _i);
	snprintf(key, sizeof key, "%s/%s.key", tmpdir, c->key);
	snprintf(pem, sizeof pem, "%s/%s.pem", tmpdir, c->key);
	build_list(unsigned_);
	argv[n++] = "sign";
	argv[n++] = unsigned_;
	argv[n++] = "--key";
	argv[n++] = key;
	argv[n++] = "--cert";
	argv[n++] = pem;
	argv[n++] = "--out";
	argv[n++] = out;
	argv[n++] = "--signing-time";
	argv[n++] = "2026-11-02T10:00:00+02:00";
	if (c->digest != NULL) {
		argv[n++] = "--digest";
		argv[n++] = (char *)c->digest;
	}
	if (c->pss)
		argv[n++] = "--pss";
	argv[n] = NULL;
	ck_assert_int_eq(run(vn_cli_tl_sign, argv), 0);

	ck_assert_int_eq(sh("grep -q 'SignatureMethod Algorithm=\"%s\"' '%s'", c->method, out), 0);
	ck_assert_int_eq(sh("grep -q '<xades:SigningTime>2026-11-02T08:00:00Z<' '%s'", out), 0);
	ck_assert_int_eq(xsd_check(out), 0);
	if (strstr(c->method, "MGF1") != NULL) {
		const char *md = c->digest != NULL ? c->digest : "sha256";
		ck_assert_int_eq(pss_check(out, pem, md), 0);
		/* one byte changed in the list: the data digest no longer matches */
		ck_assert_int_eq(sh("sed 's|<tsl:Locality>Baku<|<tsl:Locality>Bakx<|' '%s' >'%s'", out,
				    bad),
				 0);
		ck_assert_int_ne(pss_check(bad, pem, md), 0);
	} else {
		ck_assert_int_eq(xmlsec_verify(out, pem), 0);
		ck_assert_int_eq(sh("sed 's|<tsl:Locality>Baku<|<tsl:Locality>Bakx<|' '%s' >'%s'", out,
				    bad),
				 0);
		ck_assert_int_ne(sh("cmp -s '%s' '%s'", out, bad), 0);
		ck_assert_int_ne(xmlsec_verify(bad, pem), 0);
		/* another key must not verify it either */
		snprintf(pem, sizeof pem, "%s/%s.pem", tmpdir, strcmp(c->key, "ec") ? "ec" : "rsa");
		ck_assert_int_ne(xmlsec_verify(out, pem), 0);
	}
}
END_TEST

static EVP_PKEY *load_key(const char *name)
{
	char p[256];
	FILE *f;
	EVP_PKEY *k;

	snprintf(p, sizeof p, "%s/%s.key", tmpdir, name);
	f = fopen(p, "r");
	ck_assert_ptr_nonnull(f);
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(k);
	return k;
}

static X509 *load_cert(const char *name)
{
	char p[256];
	FILE *f;
	X509 *x;

	snprintf(p, sizeof p, "%s/%s.pem", tmpdir, name);
	f = fopen(p, "r");
	ck_assert_ptr_nonnull(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(x);
	return x;
}

static xmlDocPtr parse(const char *xml)
{
	xmlDocPtr d = NULL;

	ck_assert_int_eq(tl_xml_read((const unsigned char *)xml, strlen(xml), &d, NULL, 0), VN_OK);
	return d;
}

static char *dump(xmlDocPtr d)
{
	xmlChar *m = NULL;
	int n = 0;
	char *s;

	xmlDocDumpMemory(d, &m, &n);
	ck_assert_ptr_nonnull(m);
	s = strdup((char *)m);
	xmlFree(m);
	return s;
}

/* Signing adds the signature as the root's last child and nothing else:
 * remove it and the document is what it was (here a document of foreign
 * shape, whose root lacked the ds/xades declarations). */
START_TEST(test_api_undisturbed)
{
	const char *xml = "<r xmlns=\"urn:x\" a=\"1\">\n  <b>t &amp; u</b>\n</r>";
	xmlDocPtr d;
	xmlNodePtr root, last;
	EVP_PKEY *k;
	X509 *x;
	char *before, *after, path[256], pem[256];
	tl_sign_opts o = {TL_SIGN_AUTO, "sha384", VN_TIME_NONE};

	SKIP_NO_TOOLS();
	d = parse(xml);
	k = load_key("ec");
	x = load_cert("ec");
	before = dump(d);
	ck_assert_int_eq(tl_sig_sign(d, k, x, &o), VN_OK);
	root = xmlDocGetRootElement(d);
	last = xmlGetLastChild(root);
	ck_assert(tl_xml_is(last, TL_NS_DS, "Signature"));
	snprintf(path, sizeof path, "%s/foreign.xml", tmpdir);
	ck_assert_int_gt(xmlSaveFile(path, d), 0);
	snprintf(pem, sizeof pem, "%s/ec.pem", tmpdir);
	ck_assert_int_eq(xmlsec_verify(path, pem), 0);
	/* a second signature is refused, the document stays as it is */
	{
		char *s1 = dump(d), *s2;
		ck_assert_int_eq(tl_sig_sign(d, k, x, NULL), VN_ERR_ARG);
		s2 = dump(d);
		ck_assert_str_eq(s1, s2);
		free(s1);
		free(s2);
	}
	xmlUnlinkNode(last);
	xmlFreeNode(last);
	/* drop the declarations signing added to the root */
	{
		xmlNsPtr ns = root->nsDef, keep = NULL, *tail = &keep;
		while (ns != NULL) {
			xmlNsPtr next = ns->next;
			if (ns->prefix != NULL && (strcmp((char *)ns->prefix, "ds") == 0 ||
						   strcmp((char *)ns->prefix, "xades") == 0)) {
				ns->next = NULL;
				xmlFreeNs(ns);
			} else {
				*tail = ns;
				ns->next = NULL;
				tail = &ns->next;
			}
			ns = next;
		}
		root->nsDef = keep;
	}
	after = dump(d);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	EVP_PKEY_free(k);
	X509_free(x);
	xmlFreeDoc(d);
}
END_TEST

/* SigningCertificateV2: the sha256 of the signer's DER, and IssuerSerialV2
 * = DER of IssuerSerial { GeneralNames { [4] issuer Name }, serial }. */
START_TEST(test_api_signing_certificate)
{
	xmlDocPtr d;
	EVP_PKEY *k;
	X509 *x;
	unsigned char *der = NULL, *name = NULL, *serial = NULL, *is = NULL, md[32];
	int dlen, nlen, slen;
	size_t islen, n;
	char *b64 = NULL, *s;
	const char *p, *q;

	SKIP_NO_TOOLS();
	d = parse("<r/>");
	k = load_key("rsa");
	x = load_cert("rsa");
	ck_assert_int_eq(tl_sig_sign(d, k, x, NULL), VN_OK);
	s = dump(d);
	dlen = i2d_X509(x, &der);
	SHA256(der, (size_t)dlen, md);
	ck_assert_int_eq(vn_b64_encode(md, 32, &b64), VN_OK);
	ck_assert_ptr_nonnull(strstr(s, b64));
	p = strstr(s, "<xades:IssuerSerialV2>");
	ck_assert_ptr_nonnull(p);
	p += strlen("<xades:IssuerSerialV2>");
	q = strchr(p, '<');
	ck_assert_int_eq(vn_b64_decode(p, (size_t)(q - p), 4096, &is, &islen), VN_OK);
	nlen = i2d_X509_NAME(X509_get_issuer_name(x), &name);
	slen = i2d_ASN1_INTEGER((ASN1_INTEGER *)X509_get0_serialNumber(x), &serial);
	/* 30 L 30 L A4 L <Name> <INTEGER>, all lengths short or long form */
	ck_assert_uint_eq(is[0], 0x30);
	ck_assert_uint_ge(islen, (size_t)(nlen + slen + 6));
	ck_assert_int_eq(memcmp(is + islen - (size_t)slen, serial, (size_t)slen), 0);
	n = islen - (size_t)slen - (size_t)nlen;
	ck_assert_int_eq(memcmp(is + n, name, (size_t)nlen), 0);
	ck_assert(is[n - 2] == 0xA4 || is[n - 3] == 0xA4 || is[n - 4] == 0xA4);
	ck_assert_ptr_nonnull(strstr(s, "<xades:MimeType>text/xml</xades:MimeType>"));
	ck_assert_ptr_nonnull(strstr(s, "Type=\"http://uri.etsi.org/01903#SignedProperties\""));
	free(s);
	free(b64);
	free(is);
	OPENSSL_free(der);
	OPENSSL_free(name);
	OPENSSL_free(serial);
	EVP_PKEY_free(k);
	X509_free(x);
	xmlFreeDoc(d);
}
END_TEST

static const struct refuse_case {
	const char *key, *cert;
	int pss;
	vn_err want;
} refuse_cases[] = {
	{"weak", "weak", 0, VN_ERR_UNSUPPORTED},	/* RSA 1024 */
	{"weakec", "weakec", 0, VN_ERR_UNSUPPORTED},	/* P-224 */
	{"rsa", "ec", 0, VN_ERR_ARG},			/* certificate of another key */
	{"ec", "ec", 1, VN_ERR_ARG},			/* PSS with EC */
};

START_TEST(test_api_refused)
{
	const struct refuse_case *c = &refuse_cases[_i];
	xmlDocPtr d;
	EVP_PKEY *k;
	X509 *x;
	tl_sign_opts o = {TL_SIGN_AUTO, NULL, VN_TIME_NONE};
	char *before, *after;

	SKIP_NO_TOOLS();
	d = parse("<r><a/></r>");
	k = load_key(c->key);
	x = load_cert(c->cert);
	if (c->pss)
		o.alg = TL_SIGN_RSA_PSS;
	before = dump(d);
	ck_assert_int_eq(tl_sig_sign(d, k, x, &o), c->want);
	after = dump(d);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	EVP_PKEY_free(k);
	X509_free(x);
	xmlFreeDoc(d);
}
END_TEST

static const struct cli_case {
	const char *args;	/* blank-separated; %D is the temporary directory */
	int rc;
} cli_cases[] = {
	{"sign --help", 0},
	{"build --help", 0},
	{"sign", 64},
	{"sign %D/list.xml --key %D/rsa.key --cert %D/rsa.pem", 64},
	{"sign %D/list.xml --key %D/rsa.key --cert %D/rsa.pem --out %D/x.xml --digest md5", 64},
	{"sign %D/list.xml --key %D/rsa.key --cert %D/rsa.pem --out %D/x.xml --signing-time now", 64},
	{"sign %D/list.xml --key %D/rsa.key --cert %D/rsa.pem --out %D/x.xml --bogus", 64},
	{"sign %D/list.xml --key %D/open.key --cert %D/rsa.pem --out %D/x.xml", 64},
	{"sign %D/list.xml --key %D/weak.key --cert %D/weak.pem --out %D/x.xml", 65},
	{"sign %D/list.xml --key %D/missing.key --cert %D/rsa.pem --out %D/x.xml", 66},
	{"sign %D/missing.xml --key %D/rsa.key --cert %D/rsa.pem --out %D/x.xml", 66},
	{"sign %D/rsa.pem --key %D/rsa.key --cert %D/rsa.pem --out %D/x.xml", 65},
	{"sign %D/list.xml --key %D/rsa.pem --cert %D/rsa.pem --out %D/x.xml", 65},
	{"sign %D/list.xml --key %D/rsa.key --cert %D/rsa.key --out %D/x.xml", 65},
	{"sign %D/list.xml --key %D/ec.key --cert %D/ec.der --out %D/x.xml --json", 0},
	{"sign %D/dbl.xml --key %D/ec.key --cert %D/ec.der --out %D/y.xml", 64},
	{"build", 64},
	{"build %D/list.tlspec", 64},
	{"build %D/missing.tlspec --out %D/z.xml", 66},
	{"build %D/rsa.pem --out %D/z.xml", 65},
};

START_TEST(test_cli)
{
	const struct cli_case *c = &cli_cases[_i];
	char args[1024], list[256], dbl[256], *argv[32], *save = NULL, *tok;
	const char *p;
	size_t o = 0;
	int argc = 0, rc;

	SKIP_NO_TOOLS();
	snprintf(list, sizeof list, "%s/list.xml", tmpdir);
	snprintf(dbl, sizeof dbl, "%s/dbl.xml", tmpdir);
	build_list(list);
	if (access(dbl, R_OK) != 0) {
		char key[256], pem[256];
		char *sv[] = {"sign", list, "--key", key, "--cert", pem, "--out", dbl, NULL};
		snprintf(key, sizeof key, "%s/rsa.key", tmpdir);
		snprintf(pem, sizeof pem, "%s/rsa.pem", tmpdir);
		ck_assert_int_eq(run(vn_cli_tl_sign, sv), 0);
	}
	for (p = c->args; *p != '\0' && o + 256 < sizeof args; p++) {
		if (p[0] == '%' && p[1] == 'D') {
			o += (size_t)snprintf(args + o, sizeof args - o, "%s", tmpdir);
			p++;
		} else {
			args[o++] = *p;
		}
	}
	args[o] = '\0';
	for (tok = strtok_r(args, " ", &save); tok != NULL && argc < 31;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	rc = strcmp(argv[0], "build") == 0 ? vn_cli_tl_build(argc, argv)
					   : vn_cli_tl_sign(argc, argv);
	ck_assert_msg(rc == c->rc, "'%s': exit %d, wanted %d", c->args, rc, c->rc);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("tl_sign");
	TCase *tc = tcase_create("sign");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_sign_verify, 0, (int)(sizeof sign_cases / sizeof sign_cases[0]));
	tcase_add_test(tc, test_api_undisturbed);
	tcase_add_test(tc, test_api_signing_certificate);
	tcase_add_loop_test(tc, test_api_refused, 0,
			    (int)(sizeof refuse_cases / sizeof refuse_cases[0]));
	tcase_add_loop_test(tc, test_cli, 0, (int)(sizeof cli_cases / sizeof cli_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return vn_test_run(suite());
}
