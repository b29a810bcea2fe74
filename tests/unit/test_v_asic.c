/* Check suite for ASiC containers (node/v_asic.c): containers zipped here
 * with libzip, CAdES signatures made here with CMS_sign over an
 * ASiCManifest the test writes, RFC 3161 tokens made with `openssl ts`,
 * and the ASiC rows of the shared corpus. XAdES containers are checked for
 * their structure (mimetype, manifest, files, signature files). */
#include "tests/unit/vn_test.h"

#include <stdarg.h>
#include <zip.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/vn_b64.h"
#include "node/v_asic.h"
#include "node/v_asic_int.h"
#include "tests/unit/v_testpki.h"

#define MT_E "application/vnd.etsi.asic-e+zip"
#define MT_S "application/vnd.etsi.asic-s+zip"

static tp_cert signer;
static char tdir[] = "/tmp/vn_asic_XXXXXX";
static int have_tst;

/* ---- building containers ---- */

typedef struct zent {
	const char *name;
	const unsigned char *p;
	size_t n;
	int store;
	int encrypt;
} zent;

static unsigned char *zbuild(const zent *e, size_t ne, size_t *outn)
{
	zip_error_t err;
	zip_source_t *src;
	zip_t *za;
	zip_stat_t st;
	unsigned char *buf;
	size_t i;

	zip_error_init(&err);
	src = zip_source_buffer_create(NULL, 0, 0, &err);
	ck_assert_ptr_nonnull(src);
	zip_source_keep(src);
	za = zip_open_from_source(src, ZIP_TRUNCATE, &err);
	ck_assert_ptr_nonnull(za);
	for (i = 0; i < ne; i++) {
		zip_source_t *s = zip_source_buffer(za, e[i].p, e[i].n, 0);
		zip_int64_t ix = zip_file_add(za, e[i].name, s, ZIP_FL_ENC_UTF_8);

		ck_assert_msg(ix >= 0, "add %s: %s", e[i].name, zip_strerror(za));
		ck_assert_int_eq(zip_set_file_compression(za, (zip_uint64_t)ix,
			e[i].store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0), 0);
		if (e[i].encrypt)
			ck_assert_int_eq(zip_file_set_encryption(za, (zip_uint64_t)ix,
								 ZIP_EM_AES_256, "pw"), 0);
	}
	ck_assert_msg(zip_close(za) == 0, "close: %s", zip_strerror(za));
	ck_assert_int_eq(zip_source_stat(src, &st), 0);
	buf = malloc(st.size + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(zip_source_open(src), 0);
	ck_assert_int_eq(zip_source_read(src, buf, st.size), (zip_int64_t)st.size);
	zip_source_close(src);
	zip_source_free(src);
	*outn = (size_t)st.size;
	return buf;
}

/* Overwrite every occurrence of from (in local and central headers). */
static void zpatch(unsigned char *z, size_t n, const char *from, const char *to)
{
	size_t i, l = strlen(from);

	for (i = 0; i + l <= n; i++)
		if (memcmp(z + i, from, l) == 0)
			memcpy(z + i, to, l);
}

/* Set the uncompressed size of the first entry in both headers. */
static void zsetsize(unsigned char *z, size_t n, unsigned v)
{
	size_t i;
	unsigned char le[4] = {(unsigned char)v, (unsigned char)(v >> 8),
			       (unsigned char)(v >> 16), (unsigned char)(v >> 24)};

	ck_assert(n > 30 && memcmp(z, "PK\3\4", 4) == 0);
	memcpy(z + 22, le, 4);
	for (i = 0; i + 46 <= n; i++)
		if (memcmp(z + i, "PK\1\2", 4) == 0) {
			memcpy(z + i + 24, le, 4);
			break;
		}
}

static unsigned char *cms_detached(const unsigned char *p, size_t n, size_t *outn)
{
	BIO *in = BIO_new_mem_buf(p, (int)n);
	CMS_ContentInfo *cms;
	unsigned char *der = NULL;
	int l;

	ck_assert_ptr_nonnull(in);
	cms = CMS_sign(signer.x, signer.k, NULL, in, CMS_DETACHED | CMS_BINARY);
	ck_assert_ptr_nonnull(cms);
	l = i2d_CMS_ContentInfo(cms, &der);
	ck_assert_int_gt(l, 0);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	*outn = (size_t)l;
	return der;
}

static char *sha256_b64(const char *s)
{
	unsigned char d[32];
	unsigned int dl = 0;
	char *o = NULL;

	ck_assert_int_eq(EVP_Digest(s, strlen(s), d, &dl, EVP_sha256(), NULL), 1);
	ck_assert_int_eq(vn_b64_encode(d, dl, &o), VN_OK);
	return o;
}

static const char doc_a[] = "first document\n";
static const char doc_b[] = "second document\n";

/* An ASiCManifest naming sigref over a.txt and b.txt (or the given
 * override name / digest for the second reference). */
static char *asic_manifest(const char *sigref, const char *bname, const char *bdigest)
{
	char *da = sha256_b64(doc_a), *db = sha256_b64(doc_b), *m = malloc(4096);

	ck_assert_ptr_nonnull(m);
	snprintf(m, 4096,
		 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
		 "<asic:ASiCManifest xmlns:asic=\"http://uri.etsi.org/02918/v1.2.1#\" "
		 "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">"
		 "<asic:SigReference URI=\"%s\" MimeType=\"application/pkcs7-signature\"/>"
		 "<asic:DataObjectReference URI=\"a.txt\">"
		 "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>"
		 "<ds:DigestValue>%s</ds:DigestValue></asic:DataObjectReference>"
		 "<asic:DataObjectReference URI=\"%s\">"
		 "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>"
		 "<ds:DigestValue>%s</ds:DigestValue></asic:DataObjectReference>"
		 "</asic:ASiCManifest>",
		 sigref, da, bname, bdigest != NULL ? bdigest : db);
	free(da);
	free(db);
	return m;
}

static const char odf_manifest[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\">"
	"<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"" MT_E "\"/>"
	"<manifest:file-entry manifest:full-path=\"a.txt\" manifest:media-type=\"text/plain\"/>"
	"<manifest:file-entry manifest:full-path=\"gone.txt\" manifest:media-type=\"text/plain\"/>"
	"</manifest:manifest>";
static const char xades_stub[] =
	"<asic:XAdESSignatures xmlns:asic=\"http://uri.etsi.org/02918/v1.2.1#\"/>";

#define Z(name, s, store) {name, (const unsigned char *)(s), sizeof(s) - 1, store, 0}

/* ---- the case table ---- */

typedef enum shape {
	SH_NOT_ZIP = 0,
	SH_BOMB,
	SH_MANY,
	SH_OVERSIZE,
	SH_TRAVERSAL,
	SH_ABSOLUTE,
	SH_DUPLICATE,
	SH_ENCRYPTED,
	SH_SIZE_LIE,
	SH_CADES_OK,
	SH_NO_MIMETYPE,
	SH_MIMETYPE_NOT_FIRST,
	SH_MIMETYPE_COMPRESSED,
	SH_MIMETYPE_UNKNOWN,
	SH_MIMETYPE_BDOC,
	SH_S_TWO_FILES,
	SH_DIGEST_MISMATCH,
	SH_REF_MISSING_FILE,
	SH_MANIFEST_ALTERED,
	SH_NO_MANIFEST_FOR_P7S,
	SH_NO_DATA,
	SH_XADES_NO_MANIFEST,
	SH_XADES_STRUCTURE,
	SH_UNKNOWN_META,
	SH_NO_SIGNATURE,
	SH_TWO_CADES,
	SH_S_CADES,
	SH_PARTIAL,
	SH_S_TST,
	SH_S_TST_MISMATCH,
	SH_S_TST_GARBAGE
} shape;

typedef struct acase {
	const char *label;
	shape sh;
	vn_err err;
	v_check check;		/* container */
	const char *finding;	/* container finding expected, or NULL */
	int nsigs;		/* -1: do not check */
	v_check sig0;		/* first signature's check when nsigs > 0 */
	const char *sigfinding;	/* on the first signature, or NULL */
	v_asic_type type;
} acase;

static const acase cases[] = {
	{"not a zip", SH_NOT_ZIP, VN_ERR_MALFORMED, V_CHECK_OK, NULL, -1, 0, NULL, V_ASIC_E},
	{"zip bomb ratio", SH_BOMB, VN_ERR_TOO_LARGE, V_CHECK_OK, NULL, -1, 0, NULL, V_ASIC_E},
	{"too many entries", SH_MANY, VN_ERR_TOO_LARGE, V_CHECK_OK, NULL, -1, 0, NULL, V_ASIC_E},
	{"oversized entry", SH_OVERSIZE, VN_ERR_TOO_LARGE, V_CHECK_OK, NULL, -1, 0, NULL, V_ASIC_E},
	{"path traversal", SH_TRAVERSAL, VN_ERR_MALFORMED, V_CHECK_OK, NULL, -1, 0, NULL, V_ASIC_E},
	{"absolute path", SH_ABSOLUTE, VN_ERR_MALFORMED, V_CHECK_OK, NULL, -1, 0, NULL, V_ASIC_E},
	{"duplicate name", SH_DUPLICATE, VN_ERR_MALFORMED, V_CHECK_OK, NULL, -1, 0, NULL, V_ASIC_E},
	{"encrypted entry", SH_ENCRYPTED, VN_ERR_MALFORMED, V_CHECK_OK, NULL, -1, 0, NULL, V_ASIC_E},
	{"size lie", SH_SIZE_LIE, VN_ERR_MALFORMED, V_CHECK_OK, NULL, -1, 0, NULL, V_ASIC_E},
	{"CAdES ASiC-E valid", SH_CADES_OK, VN_OK, V_CHECK_OK, NULL, 1, V_CHECK_OK, NULL, V_ASIC_E},
	{"mimetype missing", SH_NO_MIMETYPE, VN_OK, V_CHECK_OK, "V_ASIC_MIMETYPE_MISSING", 1,
	 V_CHECK_OK, NULL, V_ASIC_E},
	{"mimetype not first", SH_MIMETYPE_NOT_FIRST, VN_OK, V_CHECK_OK,
	 "V_ASIC_MIMETYPE_NOT_FIRST", 1, V_CHECK_OK, NULL, V_ASIC_E},
	{"mimetype compressed", SH_MIMETYPE_COMPRESSED, VN_OK, V_CHECK_OK,
	 "V_ASIC_MIMETYPE_COMPRESSED", 1, V_CHECK_OK, NULL, V_ASIC_E},
	{"mimetype unknown", SH_MIMETYPE_UNKNOWN, VN_OK, V_CHECK_OK, "V_ASIC_MIMETYPE_UNKNOWN", 1,
	 V_CHECK_OK, NULL, V_ASIC_E},
	{"mimetype BDOC", SH_MIMETYPE_BDOC, VN_OK, V_CHECK_OK, "V_ASIC_MIMETYPE_BDOC", 1,
	 V_CHECK_OK, NULL, V_ASIC_E},
	{"ASiC-S two data files", SH_S_TWO_FILES, VN_OK, V_CHECK_FORMAT_FAILURE,
	 "V_ASIC_S_MULTIPLE_FILES", -1, 0, NULL, V_ASIC_S},
	{"manifest digest mismatch", SH_DIGEST_MISMATCH, VN_OK, V_CHECK_OK,
	 "V_ASIC_FILE_NOT_COVERED", 1, V_CHECK_HASH_FAILURE, "V_ASIC_REFERENCE_DIGEST_MISMATCH",
	 V_ASIC_E},
	{"reference to a missing file", SH_REF_MISSING_FILE, VN_OK, V_CHECK_OK,
	 "V_ASIC_FILE_NOT_COVERED", 1, V_CHECK_SIGNED_DATA_NOT_FOUND,
	 "V_ASIC_REFERENCE_FILE_MISSING", V_ASIC_E},
	{"altered manifest", SH_MANIFEST_ALTERED, VN_OK, V_CHECK_OK, NULL, 1,
	 V_CHECK_FORMAT_FAILURE, "V_ASIC_MANIFEST_MALFORMED", V_ASIC_E},
	{"p7s without its manifest", SH_NO_MANIFEST_FOR_P7S, VN_OK, V_CHECK_OK, NULL, 1,
	 V_CHECK_FORMAT_FAILURE, "V_ASIC_MANIFEST_MISSING", V_ASIC_E},
	{"no data file", SH_NO_DATA, VN_OK, V_CHECK_FORMAT_FAILURE, "V_ASIC_NO_DATA_FILE", -1, 0,
	 NULL, V_ASIC_E},
	{"XAdES without manifest.xml", SH_XADES_NO_MANIFEST, VN_OK, V_CHECK_FORMAT_FAILURE,
	 "V_ASIC_MANIFEST_MISSING", -1, 0, NULL, V_ASIC_E},
	{"XAdES structure", SH_XADES_STRUCTURE, VN_OK, V_CHECK_OK, "V_ASIC_MANIFEST_FILE_MISSING",
	 1, V_CHECK_FORMAT_FAILURE, "V_ASIC_SIG_PARTIAL_COVERAGE", V_ASIC_E},
	{"unknown META-INF file", SH_UNKNOWN_META, VN_OK, V_CHECK_OK, "V_ASIC_META_INF_UNKNOWN", 1,
	 V_CHECK_OK, NULL, V_ASIC_E},
	{"no signature file", SH_NO_SIGNATURE, VN_OK, V_CHECK_FORMAT_FAILURE,
	 "V_ASIC_NO_SIGNATURE", 0, 0, NULL, V_ASIC_E},
	{"two CAdES signatures", SH_TWO_CADES, VN_OK, V_CHECK_OK, NULL, 2, V_CHECK_OK, NULL,
	 V_ASIC_E},
	{"ASiC-S CAdES", SH_S_CADES, VN_OK, V_CHECK_OK, NULL, 1, V_CHECK_OK, NULL, V_ASIC_S},
	{"signature leaves a file out", SH_PARTIAL, VN_OK, V_CHECK_OK, "V_ASIC_FILE_NOT_COVERED",
	 1, V_CHECK_OK, "V_ASIC_SIG_PARTIAL_COVERAGE", V_ASIC_E},
	{"ASiC-S timestamp", SH_S_TST, VN_OK, V_CHECK_OK, "V_ASIC_TST_IMPRINT_OK", 0, 0, NULL,
	 V_ASIC_S},
	{"ASiC-S timestamp over other data", SH_S_TST_MISMATCH, VN_OK, V_CHECK_OK,
	 "V_ASIC_TST_IMPRINT_MISMATCH", 0, 0, NULL, V_ASIC_S},
	{"ASiC-S timestamp not a token", SH_S_TST_GARBAGE, VN_OK, V_CHECK_OK,
	 "V_ASIC_TST_MALFORMED", 0, 0, NULL, V_ASIC_S},
};

static unsigned char *read_tmp(const char *name, size_t *n)
{
	char p[512];
	FILE *fp;
	unsigned char *b;
	long l;

	snprintf(p, sizeof p, "%s/%s", tdir, name);
	fp = fopen(p, "rb");
	ck_assert_ptr_nonnull(fp);
	fseek(fp, 0, SEEK_END);
	l = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	b = malloc((size_t)l + 1);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(fread(b, 1, (size_t)l, fp), (size_t)l);
	fclose(fp);
	*n = (size_t)l;
	return b;
}

static unsigned char *make(shape sh, size_t *n)
{
	unsigned char *z = NULL, *p7 = NULL, *p7b = NULL, *tst = NULL, *big = NULL;
	size_t p7n = 0, p7bn = 0, tstn = 0, i;
	char *man = NULL, *man2 = NULL;
	zent e[8];

	switch (sh) {
	case SH_NOT_ZIP:
		z = (unsigned char *)strdup("this is not a zip file");
		*n = strlen((char *)z);
		return z;
	case SH_BOMB:
		big = calloc(1, (size_t)2 << 20);
		ck_assert_ptr_nonnull(big);
		e[0] = (zent)Z("mimetype", MT_E, 1);
		e[1] = (zent){"zeros.bin", big, (size_t)2 << 20, 0, 0};
		z = zbuild(e, 2, n);
		free(big);
		return z;
	case SH_MANY: {
		zent *many = calloc(V_ASIC_MAX_ENTRIES + 1, sizeof *many);
		char(*names)[16] = calloc(V_ASIC_MAX_ENTRIES + 1, 16);

		for (i = 0; i <= V_ASIC_MAX_ENTRIES; i++) {
			snprintf(names[i], 16, "f%zu", i);
			many[i] = (zent){names[i], (const unsigned char *)"x", 1, 1, 0};
		}
		z = zbuild(many, V_ASIC_MAX_ENTRIES + 1, n);
		free(many);
		free(names);
		return z;
	}
	case SH_OVERSIZE:
		e[0] = (zent)Z("a.txt", "x", 1);
		z = zbuild(e, 1, n);
		zsetsize(z, *n, 0x7f000000u);	/* declares ~2 GiB */
		return z;
	case SH_TRAVERSAL:
		e[0] = (zent)Z("../evil.txt", "x", 1);
		return zbuild(e, 1, n);
	case SH_ABSOLUTE:
		e[0] = (zent)Z("xetc/passwd", "x", 1);
		z = zbuild(e, 1, n);
		zpatch(z, *n, "xetc/", "/etc/");
		return z;
	case SH_DUPLICATE:
		e[0] = (zent)Z("a.txt", "one", 1);
		e[1] = (zent)Z("b.txt", "two", 1);
		z = zbuild(e, 2, n);
		zpatch(z, *n, "b.txt", "a.txt");
		return z;
	case SH_ENCRYPTED:
		e[0] = (zent)Z("mimetype", MT_E, 1);
		e[1] = (zent){"a.txt", (const unsigned char *)doc_a, sizeof doc_a - 1, 0, 1};
		return zbuild(e, 2, n);
	case SH_SIZE_LIE:
		e[0] = (zent)Z("a.txt", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0);
		z = zbuild(e, 1, n);
		zsetsize(z, *n, 10);
		return z;
	default:
		break;
	}

	man = asic_manifest("META-INF/signature001.p7s", "b.txt", NULL);
	if (sh == SH_DIGEST_MISMATCH) {
		free(man);
		man = asic_manifest("META-INF/signature001.p7s", "b.txt",
				    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	} else if (sh == SH_REF_MISSING_FILE) {
		free(man);
		man = asic_manifest("META-INF/signature001.p7s", "c.txt", NULL);
	}
	p7 = cms_detached((const unsigned char *)man, strlen(man), &p7n);
	{
		zent mt = Z("mimetype", MT_E, 1), a = Z("a.txt", doc_a, 0), b = Z("b.txt", doc_b, 0);
		zent m = {"META-INF/ASiCManifest.xml", (const unsigned char *)man, strlen(man), 0, 0};
		zent s = {"META-INF/signature001.p7s", p7, p7n, 0, 0};
		size_t k = 0;

		switch (sh) {
		case SH_CADES_OK:
		case SH_DIGEST_MISMATCH:
		case SH_REF_MISSING_FILE:
		case SH_UNKNOWN_META:
			e[k++] = mt, e[k++] = a, e[k++] = b, e[k++] = m, e[k++] = s;
			if (sh == SH_UNKNOWN_META)
				e[k++] = (zent)Z("META-INF/notes.txt", "hello", 0);
			break;
		case SH_NO_MIMETYPE:
			e[k++] = a, e[k++] = b, e[k++] = m, e[k++] = s;
			break;
		case SH_MIMETYPE_NOT_FIRST:
			e[k++] = a, e[k++] = mt, e[k++] = b, e[k++] = m, e[k++] = s;
			break;
		case SH_MIMETYPE_COMPRESSED:
			mt.store = 0;
			e[k++] = mt, e[k++] = a, e[k++] = b, e[k++] = m, e[k++] = s;
			break;
		case SH_MIMETYPE_UNKNOWN:
			e[k++] = (zent)Z("mimetype", "application/zip", 1);
			e[k++] = a, e[k++] = b, e[k++] = m, e[k++] = s;
			break;
		case SH_MIMETYPE_BDOC:
			e[k++] = (zent)Z("mimetype", "application/vnd.bdoc-1.0", 1);
			e[k++] = a, e[k++] = b, e[k++] = m, e[k++] = s;
			break;
		case SH_S_TWO_FILES:
			e[k++] = (zent)Z("mimetype", MT_S, 1);
			e[k++] = a, e[k++] = b, e[k++] = s;
			break;
		case SH_MANIFEST_ALTERED:
			m.p = (const unsigned char *)"<a>";
			m.n = 3;
			e[k++] = mt, e[k++] = a, e[k++] = b, e[k++] = m, e[k++] = s;
			break;
		case SH_NO_MANIFEST_FOR_P7S:
			e[k++] = mt, e[k++] = a, e[k++] = b, e[k++] = s;
			break;
		case SH_NO_DATA:
			e[k++] = mt;
			e[k++] = (zent)Z("META-INF/manifest.xml", odf_manifest, 0);
			e[k++] = (zent)Z("META-INF/signatures0.xml", xades_stub, 0);
			break;
		case SH_XADES_NO_MANIFEST:
			e[k++] = mt, e[k++] = a;
			e[k++] = (zent)Z("META-INF/signatures0.xml", xades_stub, 0);
			break;
		case SH_XADES_STRUCTURE:
			e[k++] = mt, e[k++] = a;
			e[k++] = (zent)Z("META-INF/manifest.xml", odf_manifest, 0);
			e[k++] = (zent)Z("META-INF/signatures0.xml", xades_stub, 0);
			break;
		case SH_NO_SIGNATURE:
			e[k++] = mt, e[k++] = a;
			break;
		case SH_TWO_CADES:
			man2 = asic_manifest("META-INF/signature002.p7s", "b.txt", NULL);
			p7b = cms_detached((const unsigned char *)man2, strlen(man2), &p7bn);
			e[k++] = mt, e[k++] = a, e[k++] = b, e[k++] = m, e[k++] = s;
			e[k++] = (zent){"META-INF/ASiCManifest2.xml", (const unsigned char *)man2,
					strlen(man2), 0, 0};
			e[k++] = (zent){"META-INF/signature002.p7s", p7b, p7bn, 0, 0};
			break;
		case SH_PARTIAL:
			e[k++] = mt, e[k++] = a, e[k++] = b;
			e[k++] = (zent)Z("c.txt", "third", 0);
			e[k++] = m, e[k++] = s;
			break;
		case SH_S_CADES:
			free(p7);
			p7 = cms_detached((const unsigned char *)doc_a, sizeof doc_a - 1, &p7n);
			s.p = p7;
			s.n = p7n;
			s.name = "META-INF/signature.p7s";
			e[k++] = (zent)Z("mimetype", MT_S, 1);
			e[k++] = a, e[k++] = s;
			break;
		case SH_S_TST:
		case SH_S_TST_MISMATCH:
		case SH_S_TST_GARBAGE:
			e[k++] = (zent)Z("mimetype", MT_S, 1);
			e[k++] = sh == SH_S_TST_MISMATCH ? b : a;
			if (sh == SH_S_TST_GARBAGE) {
				e[k++] = (zent)Z("META-INF/timestamp.tst", "\x30\x03\x02\x01\x01", 0);
			} else {
				tst = read_tmp("a.tst", &tstn);
				e[k++] = (zent){"META-INF/timestamp.tst", tst, tstn, 0, 0};
			}
			break;
		default:
			ck_abort_msg("shape %d", (int)sh);
		}
		z = zbuild(e, k, n);
	}
	free(man);
	free(man2);
	OPENSSL_free(p7);
	OPENSSL_free(p7b);
	free(tst);
	return z;
}

START_TEST(test_container)
{
	const acase *t = &cases[_i];
	unsigned char *z;
	size_t n = 0, i;
	v_container c;
	char why[256];
	vn_err e;

	if ((t->sh == SH_S_TST || t->sh == SH_S_TST_MISMATCH) && !have_tst) {
		fprintf(stderr, "SKIP: %s: openssl ts could not make a token\n", t->label);
		return;
	}
	z = make(t->sh, &n);
	e = v_asic_parse(z, n, &c, why, sizeof why);
	ck_assert_msg(e == t->err, "%s: err %d (%s), want %d", t->label, (int)e, why, (int)t->err);
	if (e != VN_OK) {
		ck_assert_msg(why[0] != 0, "%s: no reason", t->label);
		ck_assert_uint_eq(c.nsigs, 0);
		ck_assert_uint_eq(c.nfiles, 0);
		free(z);
		return;
	}
	if (c.check != t->check)
		for (i = 0; i < c.findings.n; i++)
			fprintf(stderr, "%s: %s %s\n", t->label, c.findings.items[i].code,
				c.findings.items[i].message);
	ck_assert_msg(c.check == t->check, "%s: check %d", t->label, (int)c.check);
	ck_assert_msg(c.type == t->type, "%s: type %d", t->label, (int)c.type);
	if (t->finding != NULL)
		ck_assert_msg(vn_findings_has(&c.findings, t->finding), "%s: no %s", t->label,
			      t->finding);
	if (t->nsigs >= 0)
		ck_assert_msg(c.nsigs == (size_t)t->nsigs, "%s: %zu sigs", t->label, c.nsigs);
	if (t->nsigs > 0) {
		ck_assert_msg(c.sigs[0].check == t->sig0, "%s: sig check %d", t->label,
			      (int)c.sigs[0].check);
		ck_assert_str_eq(c.sigs[0].id, "S-1");
		ck_assert_str_eq(c.sigfile[0], t->sh == SH_XADES_STRUCTURE ? "META-INF/signatures0.xml"
				 : t->sh == SH_S_CADES ? "META-INF/signature.p7s"
				 : "META-INF/signature001.p7s");
		if (t->sigfinding != NULL)
			ck_assert_msg(vn_findings_has(&c.sigs[0].findings, t->sigfinding),
				      "%s: sig lacks %s", t->label, t->sigfinding);
	}
	if (t->sh == SH_CADES_OK || t->sh == SH_TWO_CADES) {
		ck_assert_uint_eq(c.nfiles, 2);
		for (i = 0; i < c.nsigs; i++)
			ck_assert_uint_eq(c.sigs[i].ncovered, 2);
		ck_assert(!vn_findings_has(&c.findings, "V_ASIC_FILE_NOT_COVERED"));
		ck_assert_uint_eq(vn_findings_count(&c.findings, VN_LEVEL_WARN), 0);
		ck_assert_str_eq(c.mimetype, MT_E);
	}
	if (t->sh == SH_TWO_CADES) {
		ck_assert_str_eq(c.sigs[1].id, "S-2");
		ck_assert_str_eq(c.sigfile[1], "META-INF/signature002.p7s");
	}
	if (t->sh == SH_DIGEST_MISMATCH) {	/* a.txt still matched */
		ck_assert_uint_eq(c.sigs[0].ncovered, 1);
		ck_assert_str_eq(c.sigs[0].covered[0], "a.txt");
	}
	if (t->sh == SH_S_CADES) {
		ck_assert_uint_eq(c.sigs[0].ncovered, 1);
		ck_assert_str_eq(c.sigs[0].covered[0], "a.txt");
	}
	if (t->sh == SH_S_TST) {
		ck_assert_int_eq(c.tst_check, V_CHECK_OK);
		ck_assert_ptr_nonnull(c.tst);
		ck_assert_int_eq(c.tst->kind, V_TS_CONTENT);
		ck_assert_uint_eq(c.tst->imprint_input.n, sizeof doc_a - 1);
		ck_assert(!vn_findings_has(&c.findings, "V_ASIC_FILE_NOT_COVERED"));
	}
	if (t->sh == SH_S_TST_MISMATCH)
		ck_assert_int_eq(c.tst_check, V_CHECK_HASH_FAILURE);
	if (t->sh == SH_S_TST_GARBAGE) {
		ck_assert_int_eq(c.tst_check, V_CHECK_FORMAT_FAILURE);
		ck_assert_ptr_null(c.tst);
	}
	if (t->sh == SH_XADES_STRUCTURE) {
		ck_assert_uint_eq(c.nfiles, 1);
		ck_assert_str_eq(c.files[0].name, "a.txt");
		ck_assert_uint_eq(c.files[0].len, sizeof doc_a - 1);
	}
	v_container_free(&c);
	free(z);
}
END_TEST

/* ---- entry names ---- */

static const struct {
	const char *name;
	int ok;
} names[] = {
	{"a.txt", 1}, {"dir/a.txt", 1}, {"META-INF/", 1}, {"", 0}, {"/abs", 0},
	{"../x", 0}, {"a/../x", 0}, {"a/..", 0}, {"./x", 0}, {"a//b", 0}, {"a\\b", 0},
	{"C:x", 0}, {"a\tb", 0}, {"..", 0}, {"a..b", 1},
};

START_TEST(test_names)
{
	ck_assert_msg(v_asic_name_safe(names[_i].name) == names[_i].ok, "%s", names[_i].name);
}
END_TEST

START_TEST(test_name_too_long)
{
	char n[V_DOCNAME_MAX + 1];

	memset(n, 'a', sizeof n - 1);
	n[V_DOCNAME_MAX] = 0;
	ck_assert_int_eq(v_asic_name_safe(n), 0);
	n[V_DOCNAME_MAX - 1] = 0;
	ck_assert_int_eq(v_asic_name_safe(n), 1);
}
END_TEST

/* ---- coverage with hand-filled covered names (as the XAdES parser sets them) ---- */

static const struct {
	const char *label;
	const char *cov[2][3];	/* per signature, up to 3 names */
	int notcovered;		/* container V_ASIC_FILE_NOT_COVERED expected */
	int partial[2];		/* V_ASIC_SIG_PARTIAL_COVERAGE per signature */
} covs[] = {
	{"both cover both", {{"a", "b", NULL}, {"b", "a", NULL}}, 0, {0, 0}},
	{"second covers one", {{"a", "b", NULL}, {"a", NULL, NULL}}, 0, {0, 1}},
	{"b covered by none", {{"a", NULL, NULL}, {"a", "x", NULL}}, 1, {1, 1}},
	{"nothing covered", {{NULL, NULL, NULL}, {NULL, NULL, NULL}}, 1, {1, 1}},
};

START_TEST(test_coverage)
{
	v_container c;
	size_t s, k;

	v_container_init(&c);
	c.nfiles = 2;
	c.files = calloc(2, sizeof *c.files);
	ck_assert_ptr_nonnull(c.files);
	strcpy(c.files[0].name, "a");
	strcpy(c.files[1].name, "b");
	c.nsigs = 2;
	c.sigs = calloc(2, sizeof *c.sigs);
	ck_assert_ptr_nonnull(c.sigs);
	for (s = 0; s < 2; s++) {
		v_sigobj_init(&c.sigs[s]);
		c.sigs[s].covered = calloc(3, V_DOCNAME_MAX);
		for (k = 0; k < 3 && covs[_i].cov[s][k] != NULL; k++)
			strcpy(c.sigs[s].covered[c.sigs[s].ncovered++], covs[_i].cov[s][k]);
	}
	ck_assert_int_eq(v_asic_coverage(&c), VN_OK);
	ck_assert_msg(vn_findings_has(&c.findings, "V_ASIC_FILE_NOT_COVERED") == covs[_i].notcovered,
		      "%s", covs[_i].label);
	for (s = 0; s < 2; s++)
		ck_assert_msg(vn_findings_has(&c.sigs[s].findings, "V_ASIC_SIG_PARTIAL_COVERAGE") ==
			      covs[_i].partial[s], "%s: sig %zu", covs[_i].label, s);
	v_container_free(&c);
}
END_TEST

/* ---- the shared corpus ---- */

static int is_container(const char *f)
{
	static const char *const ext[] = {".asice", ".asics", ".bdoc", ".sce", ".scs",
					  ".asice_.zip"};
	size_t i, l = strlen(f);

	for (i = 0; i < sizeof ext / sizeof ext[0]; i++)
		if (l > strlen(ext[i]) && strcmp(f + l - strlen(ext[i]), ext[i]) == 0)
			return 1;
	return 0;
}

static void corpus_one(const char *rel, const char *expected)
{
	char p[1024], why[256];
	unsigned char *z;
	size_t n, i;
	FILE *fp;
	long l;
	v_container c;
	vn_err e;
	int cades = strstr(rel, "dss-asic-cades") != NULL;

	if (vn_test_corpus(rel, p, sizeof p) == NULL) {
		fprintf(stderr, "SKIP: ../shared/corpus/%s is absent\n", rel);
		return;
	}
	fp = fopen(p, "rb");
	ck_assert_ptr_nonnull(fp);
	fseek(fp, 0, SEEK_END);
	l = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	z = malloc((size_t)l + 1);
	ck_assert_uint_eq(fread(z, 1, (size_t)l, fp), (size_t)l);
	fclose(fp);
	n = (size_t)l;
	e = v_asic_parse(z, n, &c, why, sizeof why);
	ck_assert_msg(e == VN_OK, "%s: %s", rel, why);
	ck_assert_msg(c.type == V_ASIC_E, "%s: type", rel);
	ck_assert_msg(c.nsigs >= 1, "%s: no signature", rel);
	for (i = 0; i < c.nsigs; i++) {
		ck_assert_msg(strncmp(c.sigfile[i], "META-INF/", 9) == 0, "%s: sigfile", rel);
		ck_assert_msg(c.sigs[i].format == (cades ? V_FMT_CMS : V_FMT_XADES), "%s: fmt", rel);
	}
	if (strstr(rel, "no-signed-file") != NULL) {
		ck_assert_int_eq(c.check, V_CHECK_FORMAT_FAILURE);
		ck_assert(vn_findings_has(&c.findings, "V_ASIC_NO_DATA_FILE"));
	} else {
		ck_assert_msg(c.nfiles >= 1, "%s: no data file", rel);
		ck_assert_msg(c.check == V_CHECK_OK, "%s: container check %d", rel, (int)c.check);
	}
	if (strstr(rel, "removed-doc") != NULL)	/* the XAdES parser then says SIGNED_DATA_NOT_FOUND */
		ck_assert(vn_findings_has(&c.findings, "V_ASIC_MANIFEST_FILE_MISSING"));
	if (strstr(rel, "hello.bdoc") != NULL) {
		ck_assert_str_eq(c.mimetype, "application/vnd.bdoc-1.0");
		ck_assert(vn_findings_has(&c.findings, "V_ASIC_MIMETYPE_BDOC"));
	}
	if (strstr(rel, "brokenReferenceAndAlteredManifest") != NULL) {
		ck_assert_uint_eq(c.nsigs, 1);
		ck_assert_int_eq(c.sigs[0].check, V_CHECK_FORMAT_FAILURE);	/* corpus: FORMAT_FAILURE */
	} else if (strstr(rel, "brokenReference.asice") != NULL) {
		ck_assert_uint_eq(c.nsigs, 1);
		ck_assert_uint_eq(c.nfiles, 2);
		ck_assert_int_eq(c.sigs[0].check, V_CHECK_HASH_FAILURE);	/* corpus: HASH_FAILURE */
		ck_assert(vn_findings_has(&c.sigs[0].findings, "V_ASIC_REFERENCE_DIGEST_MISMATCH"));
	} else if (strstr(rel, "twoSignaturesOneTimeOneSigner") != NULL) {
		ck_assert_uint_eq(c.nsigs, 2);
		ck_assert_str_eq(c.sigs[1].id, "S-2");
		for (i = 0; i < 2; i++)	/* each manifest binds the PDF */
			ck_assert_msg(c.sigs[i].ncovered == 1 || c.sigs[i].check != V_CHECK_OK,
				      "sig %zu covers %zu", i, c.sigs[i].ncovered);
	}
	(void)expected;
	v_container_free(&c);
	free(z);
}

START_TEST(test_corpus)
{
	char p[1024], line[8192];
	FILE *fp;
	int rows = 0;

	if (vn_test_corpus("MANIFEST.tsv", p, sizeof p) == NULL) {
		fprintf(stderr, "SKIP: ../shared/corpus/MANIFEST.tsv is absent\n");
		return;
	}
	fp = fopen(p, "r");
	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof line, fp) != NULL) {
		char *tab = strchr(line, '\t'), *exp;

		if (tab == NULL)
			continue;
		*tab = 0;
		if (!is_container(line))
			continue;
		exp = strchr(tab + 1, '\t');
		exp = exp != NULL ? exp + 1 : tab + 1;
		corpus_one(line, exp);
		rows++;
	}
	fclose(fp);
	ck_assert_int_gt(rows, 10);
}
END_TEST

static int make_tst(void)
{
	char cmd[4096];
	FILE *fp;

	if (mkdtemp(tdir) == NULL)
		return -1;
	snprintf(cmd, sizeof cmd, "%s/a.txt", tdir);
	if ((fp = fopen(cmd, "w")) == NULL)
		return -1;
	fputs(doc_a, fp);
	fclose(fp);
	snprintf(cmd, sizeof cmd, "%s/ts.cnf", tdir);
	if ((fp = fopen(cmd, "w")) == NULL)
		return -1;
	fprintf(fp, "[ tsa ]\ndefault_tsa = t\n[ t ]\nserial = %s/serial\nsigner_digest = sha256\n"
		    "default_policy = 1.2.3.4.1\ndigests = sha256\n", tdir);
	fclose(fp);
	snprintf(cmd, sizeof cmd,
		 "cd %s && exec >log 2>&1 && printf 'extendedKeyUsage=critical,timeStamping\\n' >ext && "
		 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tsa.key "
		 "-out tsa.pem -subj '/CN=Test TSA' -days 2 -addext "
		 "extendedKeyUsage=critical,timeStamping && "
		 "openssl ts -query -data a.txt -sha256 -cert -out a.tsq && "
		 "openssl ts -reply -config ts.cnf -queryfile a.tsq -inkey tsa.key -signer tsa.pem "
		 "-token_out -out a.tst", tdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	Suite *s = suite_create("v_asic");
	TCase *tc = tcase_create("core");
	char cmd[512];
	int rc;

	signer = tp_make("ASiC Test Signer", NULL, NULL, 1, (vn_time)time(NULL) - TP_DAY,
			 (vn_time)time(NULL) + TP_DAY, 0, "critical,digitalSignature,nonRepudiation",
			 NULL, NULL, NULL);
	have_tst = make_tst() == 0;
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_container, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_loop_test(tc, test_names, 0, (int)(sizeof names / sizeof names[0]));
	tcase_add_test(tc, test_name_too_long);
	tcase_add_loop_test(tc, test_coverage, 0, (int)(sizeof covs / sizeof covs[0]));
	tcase_add_test(tc, test_corpus);
	suite_add_tcase(s, tc);
	rc = vn_test_run(s);
	tp_free(&signer);
	snprintf(cmd, sizeof cmd, "rm -rf %s", tdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tdir);
	return rc;
}
