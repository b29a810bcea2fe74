/* Unit suite: XMLDSig / XAdES signed half (node/v_xades.c).
 *
 * Signatures are made here with throwaway OpenSSL keys: enveloped ones by
 * the list signer (tl_sig_sign, xmlsec-based), enveloping, detached and
 * asic:XAdESSignatures ones by a small template signer below (references
 * digested with tl_c14n_subtree, SignedInfo signed with EVP). Each negative
 * case edits a good signature's text and asserts the check and finding. */
#include <libxml/tree.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/vn_b64.h"
#include "node/v_format.h"
#include "node/v_xades_int.h"
#include "trustlists/tl_sig.h"
#include "trustlists/tl_sig_pss.h"
#include "trustlists/tl_xml.h"
#include "vn_test.h"

#define DS "http://www.w3.org/2000/09/xmldsig#"
#define EXC "http://www.w3.org/2001/10/xml-exc-c14n#"
#define SHA256 "http://www.w3.org/2001/04/xmlenc#sha256"

static EVP_PKEY *k_ec, *k_rsa;
static X509 *c_ec, *c_rsa;

static const char doc1[] = "first detached document\n";
static const char doc2[] = "second\n";
static const v_docfile files[] = {
	{"my file.txt", (const unsigned char *)doc1, sizeof doc1 - 1},
	{"b.bin", (const unsigned char *)doc2, sizeof doc2 - 1},
};
static const v_docs docs = {files, 2};

static X509 *self_signed(EVP_PKEY *k, const char *cn)
{
	X509 *x = X509_new();
	X509_NAME *nm = X509_NAME_new();

	ck_assert_ptr_nonnull(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, nm);
	X509_set_issuer_name(x, nm);
	X509_NAME_free(nm);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k);
	ck_assert_int_gt(X509_sign(x, k, EVP_sha256()), 0);
	return x;
}

static void setup(void)
{
	tl_xml_global_init();
	if (k_ec != NULL)
		return;
	k_ec = EVP_EC_gen("P-256");
	k_rsa = EVP_RSA_gen(2048);
	ck_assert_ptr_nonnull(k_ec);
	ck_assert_ptr_nonnull(k_rsa);
	c_ec = self_signed(k_ec, "xades test ec");
	c_rsa = self_signed(k_rsa, "xades test rsa");
}

static char *b64(const unsigned char *p, size_t n)
{
	char *s = NULL;
	ck_assert_int_eq(vn_b64_encode(p, n, &s), VN_OK);
	return s;
}

static char *cert_b64(X509 *x)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);
	char *s = b64(der, (size_t)len);
	OPENSSL_free(der);
	return s;
}

static char *cert_sha256_b64(X509 *x)
{
	unsigned char *der = NULL, h[32];
	int len = i2d_X509(x, &der);
	char *s;
	EVP_Digest(der, (size_t)len, h, NULL, EVP_sha256(), NULL);
	OPENSSL_free(der);
	s = b64(h, 32);
	return s;
}

/* Enveloped XAdES-B by the list signer. */
static char *make_enveloped(EVP_PKEY *k, X509 *x, tl_sign_alg alg)
{
	static const char src[] = "<doc xmlns=\"urn:t\"><a Id=\"content\">hello</a></doc>";
	xmlDocPtr d = NULL;
	tl_sign_opts o = {alg, "sha256", VN_TIME_NONE};
	xmlChar *out = NULL;
	int len = 0;
	char *s;

	ck_assert_int_eq(tl_xml_read((const unsigned char *)src, sizeof src - 1, &d, NULL, 0), VN_OK);
	ck_assert_int_eq(tl_sig_sign(d, k, x, &o), VN_OK);
	xmlDocDumpMemory(d, &out, &len);
	s = strdup((const char *)out);
	xmlFree(out);
	xmlFreeDoc(d);
	return s;
}

static xmlNodePtr find_by_id(xmlNodePtr n, const char *id)
{
	for (; n != NULL; n = n->next) {
		xmlNodePtr r;
		xmlChar *v;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		v = xmlGetNoNsProp(n, BAD_CAST "Id");
		if (v != NULL && strcmp((char *)v, id) == 0) {
			xmlFree(v);
			return n;
		}
		xmlFree(v);
		if ((r = find_by_id(n->children, id)) != NULL)
			return r;
	}
	return NULL;
}

static void set_b64(xmlNodePtr n, const unsigned char *p, size_t len)
{
	char *s = b64(p, len);
	xmlNodeSetContent(n, BAD_CAST s);
	free(s);
}

/* Fill every empty DigestValue of every ds:Signature's SignedInfo ("#id":
 * exc-c14n of the element; a name: the bytes of that document), then
 * sign SignedInfo. */
static void fill_and_sign(xmlDocPtr d, xmlNodePtr sig, EVP_PKEY *k, int pss)
{
	xmlNodePtr si = tl_xml_first_elem(sig), ref, sv;
	xmlBufferPtr xb;
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pc = NULL;
	unsigned char h[32], sigbuf[1024];
	size_t sl = sizeof sigbuf;

	for (ref = tl_xml_first_elem(si); ref != NULL; ref = tl_xml_next_elem(ref)) {
		xmlChar *uri;
		xmlNodePtr dv;
		if (!tl_xml_is(ref, DS, "Reference"))
			continue;
		dv = tl_xml_child(ref, DS, "DigestValue");
		if (dv->children != NULL)
			continue;
		uri = xmlGetNoNsProp(ref, BAD_CAST "URI");
		if (uri[0] == '#') {
			xmlNodePtr t = find_by_id(xmlDocGetRootElement(d), (char *)uri + 1);
			ck_assert_ptr_nonnull(t);
			xb = xmlBufferCreate();
			ck_assert_int_eq(tl_c14n_subtree(t, EXC, NULL, xb), VN_OK);
			EVP_Digest(xmlBufferContent(xb), (size_t)xmlBufferLength(xb), h, NULL,
				   EVP_sha256(), NULL);
			xmlBufferFree(xb);
		} else {
			const v_docfile *f = strcmp((char *)uri, "b.bin") == 0 ? &files[1] : &files[0];
			EVP_Digest(f->bytes, f->len, h, NULL, EVP_sha256(), NULL);
		}
		xmlFree(uri);
		set_b64(dv, h, 32);
	}
	xb = xmlBufferCreate();
	ck_assert_int_eq(tl_c14n_subtree(si, EXC, tl_xml_first_elem(si), xb), VN_OK);
	ck_assert_int_eq(EVP_DigestSignInit(m, &pc, EVP_sha256(), NULL, k), 1);
	if (pss)
		ck_assert_int_eq(tl_pss_params(pc, EVP_sha256()), VN_OK);
	ck_assert_int_eq(EVP_DigestSign(m, sigbuf, &sl, xmlBufferContent(xb),
					(size_t)xmlBufferLength(xb)), 1);
	xmlBufferFree(xb);
	EVP_MD_CTX_free(m);
	sv = tl_xml_next_elem(si);
	if (EVP_PKEY_get_base_id(k) == EVP_PKEY_EC) {
		/* XMLDSig ECDSA values are r || s (RFC 4050 / XMLDSig 1.1 6.4.3). */
		const unsigned char *q = sigbuf;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &q, (long)sl);
		unsigned char rs[64];
		ck_assert_ptr_nonnull(es);
		BN_bn2binpad(ECDSA_SIG_get0_r(es), rs, 32);
		BN_bn2binpad(ECDSA_SIG_get0_s(es), rs + 32, 32);
		ECDSA_SIG_free(es);
		set_b64(sv, rs, 64);
	} else {
		set_b64(sv, sigbuf, sl);
	}
}

/* A XAdES signature element's text: data references refs, extra objects. */
static char *sig_text(const char *id, X509 *x, const char *method, const char *refs,
		      const char *objects)
{
	char *cb = cert_b64(x), *cd = cert_sha256_b64(x), *s = malloc(16384);
	snprintf(s, 16384,
		 "<ds:Signature xmlns:ds=\"" DS "\" Id=\"%s\"><ds:SignedInfo>"
		 "<ds:CanonicalizationMethod Algorithm=\"" EXC "\"/>"
		 "<ds:SignatureMethod Algorithm=\"%s\"/>%s"
		 "<ds:Reference Type=\"http://uri.etsi.org/01903#SignedProperties\" URI=\"#%s-sp\">"
		 "<ds:Transforms><ds:Transform Algorithm=\"" EXC "\"/></ds:Transforms>"
		 "<ds:DigestMethod Algorithm=\"" SHA256 "\"/><ds:DigestValue></ds:DigestValue>"
		 "</ds:Reference></ds:SignedInfo><ds:SignatureValue></ds:SignatureValue>"
		 "<ds:KeyInfo><ds:X509Data><ds:X509Certificate>%s</ds:X509Certificate>"
		 "</ds:X509Data></ds:KeyInfo><ds:Object><xades:QualifyingProperties "
		 "xmlns:xades=\"http://uri.etsi.org/01903/v1.3.2#\" Target=\"#%s\">"
		 "<xades:SignedProperties Id=\"%s-sp\"><xades:SignedSignatureProperties>"
		 "<xades:SigningTime>2024-01-02T03:04:05Z</xades:SigningTime>"
		 "<xades:SigningCertificateV2><xades:Cert><xades:CertDigest>"
		 "<ds:DigestMethod Algorithm=\"" SHA256 "\"/><ds:DigestValue>%s</ds:DigestValue>"
		 "</xades:CertDigest></xades:Cert></xades:SigningCertificateV2>"
		 "<xades:SignaturePolicyIdentifier><xades:SignaturePolicyId><xades:SigPolicyId>"
		 "<xades:Identifier>urn:oid:1.3.6.1.4.1.10015.1000.3.2.1</xades:Identifier>"
		 "</xades:SigPolicyId></xades:SignaturePolicyId></xades:SignaturePolicyIdentifier>"
		 "</xades:SignedSignatureProperties></xades:SignedProperties>"
		 "</xades:QualifyingProperties></ds:Object>%s</ds:Signature>",
		 id, method, refs, id, cb, id, id, cd, objects);
	free(cb);
	free(cd);
	return s;
}

#define REF_DOC1 "<ds:Reference URI=\"my%20file.txt\"><ds:DigestMethod Algorithm=\"" SHA256 \
		 "\"/><ds:DigestValue></ds:DigestValue></ds:Reference>"
#define REF_DOC2 "<ds:Reference URI=\"b.bin\"><ds:DigestMethod Algorithm=\"" SHA256 \
		 "\"/><ds:DigestValue></ds:DigestValue></ds:Reference>"
#define REF_OBJ "<ds:Reference URI=\"#obj\"><ds:Transforms><ds:Transform Algorithm=\"" EXC \
		"\"/></ds:Transforms><ds:DigestMethod Algorithm=\"" SHA256 \
		"\"/><ds:DigestValue></ds:DigestValue></ds:Reference>"

static char *finish(const char *text, EVP_PKEY *k, int pss)
{
	xmlDocPtr d = NULL;
	xmlNodePtr r, s;
	xmlChar *out = NULL;
	int len = 0;
	char *res;

	ck_assert_int_eq(tl_xml_read((const unsigned char *)text, strlen(text), &d, NULL, 0),
			 VN_OK);
	r = xmlDocGetRootElement(d);
	if (tl_xml_is(r, DS, "Signature"))
		fill_and_sign(d, r, k, pss);
	else
		for (s = tl_xml_first_elem(r); s != NULL; s = tl_xml_next_elem(s))
			fill_and_sign(d, s, k, pss);
	xmlDocDumpMemory(d, &out, &len);
	res = strdup((const char *)out);
	xmlFree(out);
	xmlFreeDoc(d);
	return res;
}

static char *make_detached(EVP_PKEY *k, X509 *x, const char *method, int pss)
{
	char *t = sig_text("sig-1", x, method, REF_DOC1 REF_DOC2, "");
	char *r = finish(t, k, pss);
	free(t);
	return r;
}

static char *make_enveloping(void)
{
	char *t = sig_text("env", c_ec, "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
			   REF_OBJ, "<ds:Object Id=\"obj\">signed content</ds:Object>");
	char *r = finish(t, k_ec, 0);
	free(t);
	return r;
}

static char *make_asic(void)
{
	char *a = sig_text("S1", c_ec, "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
			   REF_DOC1, "");
	char *b = sig_text("S2", c_rsa, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
			   REF_DOC1 REF_DOC2, "");
	size_t n = strlen(a) + strlen(b) + 256;
	char *t = malloc(n), *r;
	snprintf(t, n, "<asic:XAdESSignatures xmlns:asic=\"http://uri.etsi.org/02918/v1.2.1#\">"
		       "%s%s</asic:XAdESSignatures>", a, b);
	r = finish(t, k_ec, 0);
	/* the second one is RSA: sign it again with its own key */
	free(t);
	free(a);
	free(b);
	return r;
}

/* Parse, expect one result per signature. */
static v_sigobj *parse(const char *xml, const v_docs *dd, size_t *n)
{
	v_sigobj *o = NULL;
	char why[256];
	vn_err e = v_xades_parse((const unsigned char *)xml, strlen(xml), dd, &o, n, why, sizeof why);
	ck_assert_msg(e == VN_OK, "parse: %s (%s)", vn_err_str(e), why);
	return o;
}

static void free_objs(v_sigobj *o, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		v_sigobj_free(&o[i]);
	free(o);
}

START_TEST(good_shapes)
{
	static const char *const methods[] = {"ecdsa", "rsa", "pss"};
	char *xml;
	v_sigobj *o;
	size_t n;

	/* 0..2 enveloped by the list signer, 3..5 detached, 6 enveloping */
	if (_i < 3) {
		xml = _i == 0 ? make_enveloped(k_ec, c_ec, TL_SIGN_AUTO)
		      : _i == 1 ? make_enveloped(k_rsa, c_rsa, TL_SIGN_AUTO)
				: make_enveloped(k_rsa, c_rsa, TL_SIGN_RSA_PSS);
		o = parse(xml, NULL, &n);
	} else if (_i < 6) {
		int m = _i - 3;
		xml = make_detached(m == 0 ? k_ec : k_rsa, m == 0 ? c_ec : c_rsa,
				    m == 0 ? "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
				    : m == 1 ? "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
					     : TL_URI_PSS_SHA256,
				    m == 2);
		o = parse(xml, &docs, &n);
		ck_assert_uint_eq(o[0].ncovered, 2);
		ck_assert_str_eq(o[0].covered[0], "my file.txt");
		ck_assert_str_eq(o[0].sig_policy, "1.3.6.1.4.1.10015.1000.3.2.1");
		ck_assert_str_eq(o[0].id, "sig-1");
		ck_assert(o[0].claimed_time != VN_TIME_NONE);
	} else {
		xml = make_enveloping();
		o = parse(xml, NULL, &n);
	}
	ck_assert_uint_eq(n, 1);
	ck_assert_msg(o[0].check == V_CHECK_OK, "case %d (%s): check %d, first finding %s", _i,
		      methods[_i % 3], o[0].check,
		      o[0].findings.n ? o[0].findings.items[0].code : "-");
	ck_assert_int_eq(o[0].format, V_FMT_XADES);
	ck_assert_int_eq(o[0].level, V_LEVEL_B);
	ck_assert_int_eq(o[0].has_signing_cert_ref, 1);
	ck_assert_ptr_nonnull(o[0].signer);
	ck_assert_int_gt(o[0].key_bits, 0);
	ck_assert_str_eq(o[0].digest_alg, "SHA-256");
	ck_assert_uint_gt(o[0].signature_value.n, 0);
	if (_i == 0 || _i == 3 || _i == 6)
		ck_assert_str_eq(o[0].sig_alg, "ECDSA");
	if (_i == 2 || _i == 5)
		ck_assert_str_eq(o[0].sig_alg, "RSASSA-PSS");
	free_objs(o, n);
	free(xml);
}
END_TEST

START_TEST(asic_two)
{
	/* Build the two signatures separately (own keys), then wrap. */
	char *a = sig_text("S1", c_ec, "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
			   REF_DOC1, "");
	char *b = sig_text("S2", c_rsa, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
			   REF_DOC1 REF_DOC2, "");
	char *sa = finish(a, k_ec, 0), *sb = finish(b, k_rsa, 0), *t;
	const char *pa = strstr(sa, "<ds:Signature"), *pb = strstr(sb, "<ds:Signature");
	size_t n = strlen(sa) + strlen(sb) + 256;
	v_sigobj *o;
	size_t k;

	t = malloc(n);
	snprintf(t, n, "<asic:XAdESSignatures xmlns:asic=\"http://uri.etsi.org/02918/v1.2.1#\">"
		       "%s%s</asic:XAdESSignatures>", pa, pb);
	o = parse(t, &docs, &k);
	ck_assert_uint_eq(k, 2);
	ck_assert_int_eq(o[0].check, V_CHECK_OK);
	ck_assert_int_eq(o[1].check, V_CHECK_OK);
	ck_assert_str_eq(o[0].id, "S1");
	ck_assert_str_eq(o[1].id, "S2");
	ck_assert_uint_eq(o[0].ncovered, 1);
	ck_assert_uint_eq(o[1].ncovered, 2);
	ck_assert_str_eq(o[1].sig_alg, "RSA");
	free_objs(o, k);
	free(t);
	free(a);
	free(b);
	free(sa);
	free(sb);
	/* make_asic signs both with the EC key: the RSA one fails CV only */
	t = make_asic();
	o = parse(t, &docs, &k);
	ck_assert_uint_eq(k, 2);
	ck_assert_int_eq(o[0].check, V_CHECK_OK);
	ck_assert_int_eq(o[1].check, V_CHECK_SIG_CRYPTO_FAILURE);
	free_objs(o, k);
	free(t);
}
END_TEST

/* Negative cases: edit a good signature's text. */
typedef struct neg {
	int base;		/* 0 enveloped EC, 1 detached EC, 2 enveloping */
	const char *from, *to;	/* first occurrence replaced; from "@SV" = SignatureValue */
	int with_docs;
	v_check want;
	const char *code;
	v_ades_level level;	/* -1: don't care */
} neg;

static const neg negs[] = {
	{0, ">hello<", ">hellO<", 0, V_CHECK_HASH_FAILURE, "V_XADES_REF_DIGEST", -1},
	{0, "@SV", NULL, 0, V_CHECK_SIG_CRYPTO_FAILURE, "V_XADES_SIG_INVALID", -1},
	/* a second element carrying the SignedProperties' Id */
	{0, "<a Id=\"content\">", "<a Id=\"@SPID\">", 0, V_CHECK_FORMAT_FAILURE,
	 "V_XADES_DUPLICATE_ID", -1},
	{0, "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
	 "http://www.w3.org/TR/1999/REC-xslt-19991116", 0, V_CHECK_FORMAT_FAILURE,
	 "V_XADES_TRANSFORM_REFUSED", -1},
	{0, "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
	 "http://www.w3.org/2000/09/xmldsig#base64", 0, V_CHECK_FORMAT_FAILURE,
	 "V_XADES_TRANSFORM_REFUSED", -1},
	{0, "URI=\"\"", "URI=\"http://example.invalid/doc.xml\"", 0, V_CHECK_FORMAT_FAILURE,
	 "V_XADES_REF_EXTERNAL", -1},
	{0, "URI=\"\"", "URI=\"file:///etc/passwd\"", 0, V_CHECK_FORMAT_FAILURE,
	 "V_XADES_REF_EXTERNAL", -1},
	{0, "Target=\"#", "Target=\"#x", 0, V_CHECK_FORMAT_FAILURE, "V_XADES_QP_TARGET", -1},
	{0, "@CERTDIGEST", NULL, 0, V_CHECK_NO_SIGNING_CERT, "V_XADES_SIGNING_CERT_MISMATCH",
	 -1},
	{0, "@NOSPREF", NULL, 0, V_CHECK_SIG_CRYPTO_FAILURE, "V_XADES_NO_SIGNED_PROPS_REF",
	 V_LEVEL_NONE},
	{0, "@TWOSPREF", NULL, 0, V_CHECK_FORMAT_FAILURE, "V_XADES_SIGNED_PROPS_REF_MULTIPLE",
	 -1},
	{1, NULL, NULL, 0, V_CHECK_SIGNED_DATA_NOT_FOUND, "V_XADES_DOC_NOT_FOUND", -1},
	{1, "b.bin\"", "c.bin\"", 1, V_CHECK_SIGNED_DATA_NOT_FOUND, "V_XADES_DOC_NOT_FOUND", -1},
	{1, "my%20file.txt\">", "my%20file.txt\"><ds:Transforms><ds:Transform Algorithm=\"" EXC
	 "\"/></ds:Transforms>", 1, V_CHECK_FORMAT_FAILURE, "V_XADES_TRANSFORM_REFUSED", -1},
	{1, "my%20file.txt", "../my%20file.txt", 1, V_CHECK_FORMAT_FAILURE,
	 "V_XADES_REF_EXTERNAL", -1},
	{2, ">signed content<", ">signed c0ntent<", 0, V_CHECK_HASH_FAILURE,
	 "V_XADES_REF_DIGEST", -1},
	{2, "URI=\"#obj\"", "URI=\"#nothing\"", 0, V_CHECK_SIGNED_DATA_NOT_FOUND,
	 "V_XADES_REF_NOT_FOUND", -1},
	/* a second Object with the same Id: which one was signed? */
	{2, "<ds:Object Id=\"obj\">", "<ds:Object Id=\"obj\">x</ds:Object><ds:Object Id=\"obj\">",
	 0, V_CHECK_FORMAT_FAILURE, "V_XADES_DUPLICATE_ID", -1},
	/* XPath other than the one accepted form */
	{2, "<ds:Transform Algorithm=\"" EXC "\"/></ds:Transforms><ds:DigestMethod Algorithm=\"" SHA256
	 "\"/><ds:DigestValue>",
	 "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"><ds:XPath>"
	 "self::text()</ds:XPath></ds:Transform></ds:Transforms><ds:DigestMethod Algorithm=\""
	 SHA256 "\"/><ds:DigestValue>", 0, V_CHECK_FORMAT_FAILURE, "V_XADES_TRANSFORM_REFUSED", -1},
	/* the SignedProperties reference pointing at the data object */
	{2, "URI=\"#env-sp\"", "URI=\"#obj\"", 0, V_CHECK_SIGNED_DATA_NOT_FOUND,
	 "V_XADES_SIGNED_PROPS_NOT_FOUND", -1},
};

static char *replace(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	size_t n = strlen(s) + strlen(to) + 1;
	char *r = malloc(n);

	ck_assert_msg(p != NULL, "edit target \"%s\" absent", from);
	memcpy(r, s, (size_t)(p - s));
	snprintf(r + (p - s), n - (size_t)(p - s), "%s%s", to, p + strlen(from));
	return r;
}

/* Text between the first `open` after `after` and the next '<'. */
static char *between(const char *s, const char *open, const char *close)
{
	const char *p = strstr(s, open), *q;
	ck_assert_ptr_nonnull(p);
	p += strlen(open);
	q = strstr(p, close);
	return strndup(p, (size_t)(q - p));
}

START_TEST(negative)
{
	const neg *t = &negs[_i];
	char *base = t->base == 0 ? make_enveloped(k_ec, c_ec, TL_SIGN_AUTO)
		     : t->base == 1 ? make_detached(k_ec, c_ec,
						    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", 0)
				    : make_enveloping();
	char *xml = NULL, *tmp = NULL;
	v_sigobj *o;
	size_t n;

	if (t->from == NULL) {
		xml = strdup(base);
	} else if (strcmp(t->from, "@SV") == 0) {
		char *sv = between(base, "SignatureValue>", "<");
		char *bad = strdup(sv);
		bad[3] = bad[3] == 'A' ? 'B' : 'A';
		xml = replace(base, sv, bad);
		free(sv);
		free(bad);
	} else if (strcmp(t->from, "@CERTDIGEST") == 0) {
		char *cd = between(base, "CertDigest>", "</ds:DigestValue>"), *dv, *bad;
		dv = strstr(cd, "DigestValue>") + strlen("DigestValue>");
		bad = strdup(dv);
		bad[3] = bad[3] == 'A' ? 'B' : 'A';
		xml = replace(base, dv, bad);
		free(cd);
		free(bad);
	} else if (strcmp(t->from, "@NOSPREF") == 0 || strcmp(t->from, "@TWOSPREF") == 0) {
		const char *p = strstr(base, "<ds:Reference Type=\"http://uri.etsi.org/01903#SignedProperties\"");
		const char *q;
		char *ref;
		ck_assert_ptr_nonnull(p);
		q = strstr(p, "</ds:Reference>") + strlen("</ds:Reference>");
		ref = strndup(p, (size_t)(q - p));
		if (strcmp(t->from, "@NOSPREF") == 0) {
			xml = replace(base, ref, "");
		} else {
			tmp = malloc(2 * strlen(ref) + 1);
			sprintf(tmp, "%s%s", ref, ref);
			xml = replace(base, ref, tmp);
		}
		free(ref);
	} else if (strcmp(t->to, "<a Id=\"@SPID\">") == 0) {
		char *id = between(base, "<xades:SignedProperties Id=\"", "\"");
		char to[256];
		snprintf(to, sizeof to, "<a Id=\"%s\">", id);
		xml = replace(base, t->from, to);
		free(id);
	} else {
		xml = replace(base, t->from, t->to);
	}
	o = parse(xml, t->with_docs ? &docs : NULL, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_msg(o[0].check == t->want, "case %d: check %d, want %d", _i, o[0].check,
		      t->want);
	ck_assert_msg(vn_findings_has(&o[0].findings, t->code), "case %d: no %s", _i, t->code);
	if ((int)t->level >= 0)
		ck_assert_int_eq(o[0].level, t->level);
	free_objs(o, n);
	free(xml);
	free(tmp);
	free(base);
}
END_TEST

START_TEST(malformed)
{
	static const char *const bad[] = {
		"", "not xml", "<doc/>",
		"<!DOCTYPE d [<!ENTITY e \"x\">]><d>&e;</d>",
		"<ds:Signature xmlns:ds=\"" DS "\"/>",
	};
	v_sigobj *o = NULL;
	size_t n = 0;
	char why[128];
	vn_err e = v_xades_parse((const unsigned char *)bad[_i], strlen(bad[_i]), NULL, &o, &n,
				 why, sizeof why);

	if (_i < 4) {
		ck_assert_int_eq(e, VN_ERR_MALFORMED);
		ck_assert_ptr_null(o);
	} else {
		/* an empty ds:Signature is a signature that fails FC */
		ck_assert_int_eq(e, VN_OK);
		ck_assert_int_eq(o[0].check, V_CHECK_FORMAT_FAILURE);
		ck_assert(vn_findings_has(&o[0].findings, "V_XADES_STRUCTURE"));
		free_objs(o, n);
	}
}
END_TEST

/* xmlsec1, independently, accepts the core of an enveloped signature that
 * v_xades_parse accepts. */
START_TEST(xmlsec1_agrees)
{
	char *xml = make_enveloped(k_ec, c_ec, TL_SIGN_AUTO);
	char dir[] = "/tmp/vn_xades_XXXXXX", path[300], pem[300], cmd[1024];
	FILE *f;
	int rc;

	if (system("command -v xmlsec1 >/dev/null 2>&1") != 0) {
		fprintf(stderr, "SKIP: xmlsec1 not installed\n");
		free(xml);
		return;
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/sig.xml", dir);
	snprintf(pem, sizeof pem, "%s/cert.pem", dir);
	f = fopen(path, "w");
	fputs(xml, f);
	fclose(f);
	f = fopen(pem, "w");
	PEM_write_X509(f, c_ec);
	fclose(f);
	snprintf(cmd, sizeof cmd,
		 "xmlsec1 --verify --enabled-reference-uris empty,same-doc --id-attr:Id "
		 "SignedProperties --pubkey-cert-pem %s %s >/dev/null 2>&1",
		 pem, path);
	rc = system(cmd);
	unlink(path);
	unlink(pem);
	rmdir(dir);
	ck_assert_int_eq(rc, 0);
	free(xml);
}
END_TEST

static v_sigobj *corpus_parse(const char *rel, size_t *n)
{
	char buf[1024];
	const char *p = vn_test_corpus(rel, buf, sizeof buf);
	FILE *f;
	long len;
	char *s;
	v_sigobj *o;

	if (p == NULL)
		return NULL;
	f = fopen(p, "rb");
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)len + 1);
	ck_assert_uint_eq(fread(s, 1, (size_t)len, f), (size_t)len);
	s[len] = '\0';
	fclose(f);
	o = parse(s, NULL, n);
	free(s);
	return o;
}

#define XDIR "esig/dss/dss-xades/src/test/resources/validation/"

/* MANIFEST.tsv rows: what the format layer decides of each. */
static const struct corpus_row {
	const char *rel;
	v_check want;
	const char *code;
} corpus_rows[] = {
	{XDIR "xsw/XSW-enveloped-fake-signedProperties.xml", V_CHECK_SIGNED_DATA_NOT_FOUND,
	 "V_XADES_SIGNED_PROPS_NOT_FOUND"},
	{XDIR "xsw/XSW-enveloped-fake-content-two-same-id.xml", V_CHECK_FORMAT_FAILURE,
	 "V_XADES_DUPLICATE_ID"},
	/* NO_CERTIFICATE_CHAIN_FOUND is the engine's: the format layer passes */
	{XDIR "dss-signed.xml", V_CHECK_OK, NULL},
};

START_TEST(corpus)
{
	size_t n = 0;
	v_sigobj *o = corpus_parse(corpus_rows[_i].rel, &n);

	VN_SKIP_NO_CORPUS(o, corpus_rows[_i].rel);
	ck_assert_uint_eq(n, 1);
	ck_assert_msg(o[0].check == corpus_rows[_i].want, "%s: check %d, first finding %s",
		      corpus_rows[_i].rel, o[0].check,
		      o[0].findings.n ? o[0].findings.items[0].code : "-");
	if (corpus_rows[_i].code != NULL)
		ck_assert(vn_findings_has(&o[0].findings, corpus_rows[_i].code));
	else {
		ck_assert_ptr_nonnull(o[0].signer);
		ck_assert_int_eq(o[0].level, V_LEVEL_B);
	}
	free_objs(o, n);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("v_xades");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, good_shapes, 0, 7);
	tcase_add_test(tc, asic_two);
	tcase_add_loop_test(tc, negative, 0, (int)(sizeof negs / sizeof negs[0]));
	tcase_add_loop_test(tc, malformed, 0, 5);
	tcase_add_test(tc, xmlsec1_agrees);
	tcase_add_loop_test(tc, corpus, 0, (int)(sizeof corpus_rows / sizeof corpus_rows[0]));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return vn_test_run(suite());
}
