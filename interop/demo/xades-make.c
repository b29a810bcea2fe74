/* xades-make: the demo federation's XAdES / ASiC-E producer (interop/demo/generate
 * compiles it into OUTDIR/bin beside cades-extend; it is not part of valnode).
 *
 *   xades-make sign --key K --cert C --out SIG.xml (--asic | --detached | --enveloped DOC.xml)
 *       [--file PATH[=NAME] ...]          data files (--asic, --detached), NAME as referenced
 *       [--id ID] [--c14n exc|c11] [--signing-time EPOCH]
 *       [--tsa-cert C --tsa-key K [--tsa-chain F] --sig-ts EPOCH|now]          -> XAdES-T
 *       [--value-cert F ...] [--ocsp RESP.der ...]                               -> XAdES-LT
 *       [--ats EPOCH|now [--ats-c14n c10|exc] [--tamper-ats]]                    -> XAdES-LTA
 *       [--dump DIR] [--wrap] [--extra-object]
 *   xades-make zip --out C.asice [--file PATH[=NAME] ...] [--sig SIG.xml ...]
 *
 * sign makes one XAdES-BASELINE signature (EN 319 132-1) with libxml2 and
 * OpenSSL:
 * - one ds:Reference per data file: URI = NAME, percent-encoded (RFC 3986
 *   unreserved characters and '/' kept), no transforms, SHA-256 of the
 *   file's bytes; with --enveloped, one Reference URI="" with the
 *   enveloped-signature and exclusive c14n transforms instead;
 * - one Reference Type="http://uri.etsi.org/01903#SignedProperties"
 *   URI="#ID-SignedProperties" with an exclusive c14n transform;
 * - SignedInfo canonicalised with exclusive c14n (default) or c14n 1.1;
 *   ecdsa-sha256 (the value is r||s, each padded to the order size, XMLDSig
 *   1.1 / RFC 4050) or rsa-sha256 from the key;
 * - ds:KeyInfo with the signing certificate;
 * - xades:QualifyingProperties Target="#ID" in a ds:Object: SigningTime,
 *   SigningCertificateV2 (CertDigest SHA-256 and IssuerSerialV2 = base64 of
 *   the DER IssuerSerial { GeneralNames { directoryName issuer }, serial }),
 *   a DataObjectFormat with MimeType per data reference.
 * - --sig-ts: xades:SignatureTimeStamp whose message imprint is SHA-256 over
 *   the C14N 1.0 (inclusive, no comments; named by its
 *   ds:CanonicalizationMethod) of the ds:SignatureValue element as it stands
 *   in the output document (EN 319 132-1 5.3). The token is made in-process
 *   with the TSA key, as cades-extend does (policy 0.4.0.2023.1.1, SHA-256,
 *   ESSCertIDv2, accuracy 1 s), so its genTime can be chosen.
 * - --value-cert / --ocsp: xades:CertificateValues (EncapsulatedX509Certificate
 *   each) and xades:RevocationValues/OCSPValues (EncapsulatedOCSPValue: the
 *   whole DER OCSPResponse each).
 * - --ats (with the TSA options): after the -LT material, an
 *   xades141:ArchiveTimeStamp (http://uri.etsi.org/01903/v1.4.1#) with its
 *   ds:CanonicalizationMethod (C14N 1.0 by default, exclusive with
 *   --ats-c14n exc) and an xades:EncapsulatedTimeStamp from the same TSA,
 *   whose message imprint is SHA-256 over the concatenation EN 319 132-1
 *   5.5.2.2 defines (see ats_input below). --tamper-ats then swaps the
 *   first two EncapsulatedX509Certificate values of CertificateValues: the
 *   same certificates, other octets under the archive timestamp.
 * - --extra-object: a ds:Object (Id ID-Note, text) after the one holding
 *   QualifyingProperties, no ds:Reference naming it: the archive timestamp
 *   covers it (EN 319 132-1 5.5.2.2 step 4), nothing else does.
 * With --asic the ds:Signature is the child of an asic:XAdESSignatures root
 * (http://uri.etsi.org/02918/v1.2.1#, EN 319 162-1 A.5); with --enveloped it
 * is appended as the last child of DOC's root; else it is the root.
 * --dump DIR writes sig-ts.tst and sig-ts.input (the bytes the imprint covers),
 * and with --ats ats.tst and ats.input likewise.
 * --wrap makes a duplicate-ID wrapping attempt after signing: a copy of the
 * signed xades:SignedProperties goes into a new ds:Object before the
 * QualifyingProperties, and the SigningTime of the one in
 * QualifyingProperties is moved a year back; both carry the same Id.
 *
 * zip makes an ASiC-E container (EN 319 162-1 4.4): `mimetype` first, stored
 * (not compressed), holding application/vnd.etsi.asic-e+zip;
 * META-INF/manifest.xml in the ODF manifest namespace listing each data file
 * with its media type; each --sig as META-INF/signatures<i>.xml; the data
 * files at the container's root under NAME.
 *
 * Media types, by extension: .txt text/plain, .csv text/csv, .xml text/xml,
 * else application/octet-stream.
 *
 * Exit status: 0 done, 64 usage, 70 failure.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <zip.h>

#define DEMO_PROG "xades-make"
static void usage(void);
#include "demo-tool.h"

#define MAXLIST 16
#define NS_DS "http://www.w3.org/2000/09/xmldsig#"
#define NS_XADES "http://uri.etsi.org/01903/v1.3.2#"
#define NS_XADES141 "http://uri.etsi.org/01903/v1.4.1#"
#define NS_ASIC "http://uri.etsi.org/02918/v1.2.1#"
#define NS_MANIFEST "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
#define ALG_EXC "http://www.w3.org/2001/10/xml-exc-c14n#"
#define ALG_C11 "http://www.w3.org/2006/12/xml-c14n11"
#define ALG_C10 "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
#define ALG_ENV "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
#define ALG_SHA256 "http://www.w3.org/2001/04/xmlenc#sha256"
#define ALG_ECDSA "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
#define ALG_RSA "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
#define ASICE_MIME "application/vnd.etsi.asic-e+zip"

static void usage(void)
{
	fprintf(stderr, "usage: xades-make sign|zip ... (see the source)\n");
	exit(64);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		die("out of memory");
	return p;
}

static X509 *read_cert(const char *path)
{
	BIO *b = BIO_new_file(path, "r");
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	if (x == NULL)
		die(path);
	return x;
}

/* Base64 on one line; the caller frees. */
static char *b64(const unsigned char *p, size_t n)
{
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}

static void sha256(const unsigned char *p, size_t n, unsigned char md[32])
{
	if (!EVP_Digest(p, n, md, NULL, EVP_sha256(), NULL))
		die("digest");
}

static char *sha256_b64(const unsigned char *p, size_t n)
{
	unsigned char md[32];

	sha256(p, n, md);
	return b64(md, sizeof md);
}

static const char *media_type(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot == NULL)
		return "application/octet-stream";
	if (strcmp(dot, ".txt") == 0)
		return "text/plain";
	if (strcmp(dot, ".csv") == 0)
		return "text/csv";
	if (strcmp(dot, ".xml") == 0)
		return "text/xml";
	return "application/octet-stream";
}

/* NAME percent-encoded for a Reference URI (RFC 3986 2.3 unreserved and '/'
 * kept); the caller frees. */
static char *uri_encode(const char *name)
{
	char *out = xmalloc(strlen(name) * 3 + 1), *q = out;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p) != NULL)
			*q++ = (char)*p;
		else
			q += sprintf(q, "%%%02X", *p);
	}
	*q = '\0';
	return out;
}

/* --file PATH[=NAME] */
struct datafile {
	const char *path;
	char name[256];
};

static void parse_file(const char *arg, struct datafile *f)
{
	const char *eq = strchr(arg, '=');
	const char *base;
	static char pathbuf[MAXLIST][4096];
	static int used;

	if (eq != NULL) {
		if ((size_t)(eq - arg) >= sizeof pathbuf[0] || used >= MAXLIST || strlen(eq + 1) >= sizeof f->name)
			usage();
		memcpy(pathbuf[used], arg, (size_t)(eq - arg));
		pathbuf[used][eq - arg] = '\0';
		f->path = pathbuf[used++];
		snprintf(f->name, sizeof f->name, "%s", eq + 1);
	} else {
		f->path = arg;
		base = strrchr(arg, '/');
		snprintf(f->name, sizeof f->name, "%s", base ? base + 1 : arg);
	}
	if (f->name[0] == '\0')
		usage();
}

/* --- c14n of a subtree or of a document without a subtree -------------- */

struct c14n_sel {
	xmlNodePtr top;	/* the subtree */
	int exclude;	/* 1: everything but the subtree */
};

static int within(xmlNodePtr n, xmlNodePtr top)
{
	for (; n != NULL; n = n->parent)
		if (n == top)
			return 1;
	return 0;
}

/* libxml2's c14n visibility callback: a namespace node is passed with its
 * element as parent. */
static int visible(void *user, xmlNodePtr node, xmlNodePtr parent)
{
	const struct c14n_sel *s = user;
	xmlNodePtr n = (node != NULL && node->type == XML_NAMESPACE_DECL) ? parent : node;
	int in = within(n, s->top);

	return s->exclude ? !in : in;
}

/* The canonical form (mode: XML_C14N_1_0, _1_1, _EXCLUSIVE_1_0; no comments)
 * of the subtree at top (exclude 0) or of the document without it (1). */
static xmlBufferPtr c14n(xmlNodePtr top, int mode, int exclude)
{
	struct c14n_sel s = { top, exclude };
	xmlBufferPtr b = xmlBufferCreate();
	xmlOutputBufferPtr ob = b ? xmlOutputBufferCreateBuffer(b, NULL) : NULL;

	if (ob == NULL)
		die("out of memory");
	if (xmlC14NExecute(top->doc, visible, &s, mode, NULL, 0, ob) < 0)
		die("c14n failed");
	if (xmlOutputBufferClose(ob) < 0)
		die("c14n output");
	return b;
}

/* --- XML building ------------------------------------------------------- */

static xmlNodePtr el(xmlNodePtr parent, xmlNsPtr ns, const char *name, const char *text)
{
	xmlNodePtr n = xmlNewChild(parent, ns, BAD_CAST name, NULL);

	if (n == NULL)
		die("out of memory");
	if (text != NULL)
		xmlNodeAddContent(n, BAD_CAST text);
	return n;
}

static void attr(xmlNodePtr n, const char *name, const char *value)
{
	if (xmlNewProp(n, BAD_CAST name, BAD_CAST value) == NULL)
		die("out of memory");
}

static xmlNodePtr alg_el(xmlNodePtr parent, xmlNsPtr ds, const char *name, const char *alg)
{
	xmlNodePtr n = el(parent, ds, name, NULL);

	attr(n, "Algorithm", alg);
	return n;
}

static char *rfc3339(long when)
{
	static char s[32];
	time_t t = when < 0 ? time(NULL) : (time_t)when;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		die("time");
	return s;
}

/* The DER IssuerSerial of RFC 5035 / EN 319 132-1 5.2.2.2 (IssuerSerialV2):
 * SEQUENCE { GeneralNames { [4] EXPLICIT Name }, INTEGER serial }. */
static char *issuer_serial_v2(X509 *cert)
{
	unsigned char *name = NULL, *serial = NULL, *der, *q;
	int nl = i2d_X509_NAME(X509_get_issuer_name(cert), &name);
	int sl = i2d_ASN1_INTEGER(X509_get_serialNumber(cert), &serial);
	int gn, gns, all;
	char *out;

	if (nl <= 0 || sl <= 0)
		die("issuer and serial");
	gn = ASN1_object_size(1, nl, 4);
	gns = ASN1_object_size(1, gn, V_ASN1_SEQUENCE);
	all = ASN1_object_size(1, gns + sl, V_ASN1_SEQUENCE);
	der = q = xmalloc((size_t)all);
	ASN1_put_object(&q, 1, gns + sl, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
	ASN1_put_object(&q, 1, gn, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
	ASN1_put_object(&q, 1, nl, 4, V_ASN1_CONTEXT_SPECIFIC);
	memcpy(q, name, (size_t)nl);
	q += nl;
	memcpy(q, serial, (size_t)sl);
	out = b64(der, (size_t)all);
	free(der);
	OPENSSL_free(name);
	OPENSSL_free(serial);
	return out;
}

static char *cert_b64(X509 *x)
{
	unsigned char *d = NULL;
	int n = i2d_X509(x, &d);
	char *s;

	if (n <= 0)
		die("certificate");
	s = b64(d, (size_t)n);
	OPENSSL_free(d);
	return s;
}

/* A timestamp token from the TSA in the given files over the bytes of b,
 * genTime when; base64 (free() it). The token and its input are dumped as
 * NAME.tst and NAME.input in dir. */
static char *stamp(const char *cert, const char *key, const char *chain, xmlBufferPtr b,
		   long when, const char *dir, const char *name)
{
	struct demo_tsa t = { read_cert(cert), read_key(key), chain ? read_certs(chain) : NULL };
	const unsigned char *in = xmlBufferContent(b);
	size_t n = (size_t)xmlBufferLength(b);
	char path[256];
	int tl;
	unsigned char *tok = make_ts(&t, in, n, when, &tl);
	char *t64 = b64(tok, (size_t)tl);

	snprintf(path, sizeof path, "%s.tst", name);
	dump(dir, path, tok, (size_t)tl);
	snprintf(path, sizeof path, "%s.input", name);
	dump(dir, path, in, n);
	OPENSSL_free(tok);
	X509_free(t.cert);
	EVP_PKEY_free(t.key);
	sk_X509_pop_free(t.chain, X509_free);
	return t64;
}

/* --- the signature value ------------------------------------------------- */

/* Sign data with key: rsa-sha256 (PKCS#1 v1.5) or ecdsa-sha256 as r||s. */
static char *sign_value(EVP_PKEY *key, const unsigned char *data, size_t n)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	unsigned char *sig = NULL, *raw = NULL;
	size_t sl = 0;
	char *out;

	if (mctx == NULL || EVP_DigestSignInit(mctx, NULL, EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(mctx, NULL, &sl, data, n) != 1)
		die("sign");
	sig = xmalloc(sl);
	if (EVP_DigestSign(mctx, sig, &sl, data, n) != 1)
		die("sign");
	if (EVP_PKEY_base_id(key) == EVP_PKEY_EC) {
		const unsigned char *q = sig;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &q, (long)sl);
		const BIGNUM *r, *s;
		int bytes = (EVP_PKEY_get_bits(key) + 7) / 8;

		if (es == NULL)
			die("ECDSA value");
		ECDSA_SIG_get0(es, &r, &s);
		raw = xmalloc((size_t)bytes * 2);
		if (BN_bn2binpad(r, raw, bytes) != bytes || BN_bn2binpad(s, raw + bytes, bytes) != bytes)
			die("r or s too long");
		out = b64(raw, (size_t)bytes * 2);
		ECDSA_SIG_free(es);
		free(raw);
	} else {
		out = b64(sig, sl);
	}
	free(sig);
	EVP_MD_CTX_free(mctx);
	return out;
}

/* --- archive timestamp input (EN 319 132-1 5.5.2.2) --------------------- */

/* The octets each ds:Reference of SignedInfo yields after its transforms,
 * in SignedInfo order (EN 319 132-1 5.5.2.2 step 1: the reference
 * processing model of XMLDSig; a node-set result is canonicalised as its
 * last transform says, which is what its digest covered). */
struct refoctets {
	xmlBufferPtr b[MAXLIST + 1];
	int n;
};

static void refoctets_add(struct refoctets *r, const unsigned char *p, size_t n)
{
	xmlBufferPtr b = xmlBufferCreate();

	if (b == NULL || r->n >= MAXLIST + 1 || n > (size_t)INT_MAX)
		die("reference octets");
	if (n > 0 && xmlBufferAdd(b, p, (int)n) != 0)
		die("out of memory");
	r->b[r->n++] = b;
}

static void cat(xmlBufferPtr to, xmlBufferPtr from)
{
	if (xmlBufferLength(from) > 0 &&
	    xmlBufferAdd(to, xmlBufferContent(from), xmlBufferLength(from)) != 0)
		die("out of memory");
}

static void cat_c14n(xmlBufferPtr to, xmlNodePtr n, int mode)
{
	xmlBufferPtr b = c14n(n, mode, 0);

	cat(to, b);
	xmlBufferFree(b);
}

static int is_ds(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	       strcmp((const char *)n->ns->href, NS_DS) == 0 && strcmp((const char *)n->name, name) == 0;
}

/* Whether ds:Object obj holds a xades:QualifyingProperties child. */
static int holds_qp(xmlNodePtr obj)
{
	for (xmlNodePtr c = obj->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->ns != NULL &&
		    strcmp((const char *)c->ns->href, NS_XADES) == 0 &&
		    strcmp((const char *)c->name, "QualifyingProperties") == 0)
			return 1;
	return 0;
}

/* The input of an archive timestamp's message imprint, EN 319 132-1
 * 5.5.2.2 (not distributed case), each element canonicalised with the
 * timestamp's own method (mode), concatenated in this order:
 *  1) the octets of every ds:Reference of SignedInfo, in their order;
 *  2) ds:SignedInfo, ds:SignatureValue, ds:KeyInfo (when present), in
 *     their order of appearance;
 *  3) every unsigned signature property before this ArchiveTimeStamp, in
 *     their order within UnsignedSignatureProperties;
 *  4) every ds:Object of the signature except the one holding
 *     QualifyingProperties, in their order.
 * The caller frees the buffer. */
static xmlBufferPtr ats_input(xmlNodePtr sig, const struct refoctets *refs, xmlNodePtr usp,
			      xmlNodePtr ats, int mode)
{
	xmlBufferPtr in = xmlBufferCreate();
	static const char *const step2[] = { "SignedInfo", "SignatureValue", "KeyInfo" };

	if (in == NULL)
		die("out of memory");
	for (int i = 0; i < refs->n; i++)
		cat(in, refs->b[i]);
	for (size_t k = 0; k < sizeof step2 / sizeof step2[0]; k++)
		for (xmlNodePtr c = sig->children; c != NULL; c = c->next)
			if (is_ds(c, step2[k])) {
				cat_c14n(in, c, mode);
				break;
			}
	for (xmlNodePtr c = usp->children; c != NULL && c != ats; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			cat_c14n(in, c, mode);
	for (xmlNodePtr c = sig->children; c != NULL; c = c->next)
		if (is_ds(c, "Object") && !holds_qp(c))
			cat_c14n(in, c, mode);
	return in;
}

/* --tamper-ats: the contents of the first two EncapsulatedX509Certificate
 * children of cv exchanged. */
static void swap_cert_values(xmlNodePtr cv)
{
	xmlNodePtr a = NULL, b = NULL;

	for (xmlNodePtr c = cv->children; c != NULL && b == NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE) {
			if (a == NULL)
				a = c;
			else
				b = c;
		}
	if (b == NULL)
		die("--tamper-ats needs two certificate values");
	xmlChar *ta = xmlNodeGetContent(a), *tb = xmlNodeGetContent(b);
	if (ta == NULL || tb == NULL || xmlStrEqual(ta, tb))
		die("cannot swap the certificate values");
	xmlNodeSetContent(a, tb);
	xmlNodeSetContent(b, ta);
	xmlFree(ta);
	xmlFree(tb);
}

/* --- sign ---------------------------------------------------------------- */

enum mode { M_NONE, M_ASIC, M_DETACHED, M_ENVELOPED };

static int cmd_sign(int argc, char **argv)
{
	const char *keyf = NULL, *certf = NULL, *out = NULL, *envdoc = NULL, *dir = NULL;
	const char *tsa_cert = NULL, *tsa_key = NULL, *tsa_chain = NULL, *id = "S0";
	const char *vcerts[MAXLIST], *ocsps[MAXLIST];
	struct datafile files[MAXLIST];
	int nf = 0, nv = 0, no = 0, wrap = 0, c11 = 0, ats_exc = 0, tamper = 0, extra_obj = 0;
	long stime = -1, sigts = -2, atstime = -2;
	struct refoctets refs = { .n = 0 };
	xmlNodePtr cvals = NULL;
	enum mode mode = M_NONE;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--asic") == 0) { mode = M_ASIC; continue; }
		if (strcmp(a, "--detached") == 0) { mode = M_DETACHED; continue; }
		if (strcmp(a, "--wrap") == 0) { wrap = 1; continue; }
		if (strcmp(a, "--tamper-ats") == 0) { tamper = 1; continue; }
		if (strcmp(a, "--extra-object") == 0) { extra_obj = 1; continue; }
		if (v == NULL)
			usage();
		i++;
		if (strcmp(a, "--key") == 0) keyf = v;
		else if (strcmp(a, "--cert") == 0) certf = v;
		else if (strcmp(a, "--out") == 0) out = v;
		else if (strcmp(a, "--enveloped") == 0) { mode = M_ENVELOPED; envdoc = v; }
		else if (strcmp(a, "--file") == 0 && nf < MAXLIST) parse_file(v, &files[nf++]);
		else if (strcmp(a, "--id") == 0) id = v;
		else if (strcmp(a, "--c14n") == 0) {
			if (strcmp(v, "c11") == 0) c11 = 1;
			else if (strcmp(v, "exc") != 0) usage();
		}
		else if (strcmp(a, "--signing-time") == 0) stime = parse_time(v);
		else if (strcmp(a, "--tsa-cert") == 0) tsa_cert = v;
		else if (strcmp(a, "--tsa-key") == 0) tsa_key = v;
		else if (strcmp(a, "--tsa-chain") == 0) tsa_chain = v;
		else if (strcmp(a, "--sig-ts") == 0) sigts = parse_time(v);
		else if (strcmp(a, "--ats") == 0) atstime = parse_time(v);
		else if (strcmp(a, "--ats-c14n") == 0) {
			if (strcmp(v, "exc") == 0) ats_exc = 1;
			else if (strcmp(v, "c10") != 0) usage();
		}
		else if (strcmp(a, "--value-cert") == 0 && nv < MAXLIST) vcerts[nv++] = v;
		else if (strcmp(a, "--ocsp") == 0 && no < MAXLIST) ocsps[no++] = v;
		else if (strcmp(a, "--dump") == 0) dir = v;
		else usage();
	}
	if (!keyf || !certf || !out || mode == M_NONE ||
	    ((sigts != -2 || atstime != -2) && (!tsa_cert || !tsa_key)) || (tamper && atstime == -2) ||
	    (mode == M_ENVELOPED ? nf != 0 : nf == 0))
		usage();

	EVP_PKEY *key = read_key(keyf);
	X509 *cert = read_cert(certf);
	xmlDocPtr doc;
	xmlNodePtr parent;
	char buf[512];

	if (mode == M_ENVELOPED) {
		doc = xmlReadFile(envdoc, NULL, XML_PARSE_NONET);
		if (doc == NULL || xmlDocGetRootElement(doc) == NULL)
			die("the document to sign is not XML");
		parent = xmlDocGetRootElement(doc);
	} else {
		doc = xmlNewDoc(BAD_CAST "1.0");
		parent = NULL;
		if (doc == NULL)
			die("out of memory");
		if (mode == M_ASIC) {
			parent = xmlNewDocNode(doc, NULL, BAD_CAST "XAdESSignatures", NULL);
			xmlNsPtr asic = xmlNewNs(parent, BAD_CAST NS_ASIC, BAD_CAST "asic");
			xmlSetNs(parent, asic);
			xmlDocSetRootElement(doc, parent);
		}
	}

	/* ds:Signature */
	xmlNodePtr sig = xmlNewDocNode(doc, NULL, BAD_CAST "Signature", NULL);
	xmlNsPtr ds = xmlNewNs(sig, BAD_CAST NS_DS, BAD_CAST "ds");
	xmlSetNs(sig, ds);
	if (parent)
		xmlAddChild(parent, sig);
	else
		xmlDocSetRootElement(doc, sig);
	attr(sig, "Id", id);

	xmlNodePtr si = el(sig, ds, "SignedInfo", NULL);
	alg_el(si, ds, "CanonicalizationMethod", c11 ? ALG_C11 : ALG_EXC);
	alg_el(si, ds, "SignatureMethod", EVP_PKEY_base_id(key) == EVP_PKEY_EC ? ALG_ECDSA : ALG_RSA);
	xmlNodePtr envref_dv = NULL;
	int nrefs = mode == M_ENVELOPED ? 1 : nf;
	for (int i = 0; i < nrefs; i++) {
		xmlNodePtr r = el(si, ds, "Reference", NULL);
		snprintf(buf, sizeof buf, "%s-ref-%d", id, i);
		attr(r, "Id", buf);
		if (mode == M_ENVELOPED) {
			attr(r, "URI", "");
			xmlNodePtr ts = el(r, ds, "Transforms", NULL);
			alg_el(ts, ds, "Transform", ALG_ENV);
			alg_el(ts, ds, "Transform", ALG_EXC);
			alg_el(r, ds, "DigestMethod", ALG_SHA256);
			envref_dv = el(r, ds, "DigestValue", NULL);
		} else {
			size_t n;
			unsigned char *p = read_file(files[i].path, &n);
			char *u = uri_encode(files[i].name), *d = sha256_b64(p, n);
			refoctets_add(&refs, p, n);
			attr(r, "URI", u);
			alg_el(r, ds, "DigestMethod", ALG_SHA256);
			el(r, ds, "DigestValue", d);
			free(u);
			free(d);
			free(p);
		}
	}
	xmlNodePtr spref = el(si, ds, "Reference", NULL);
	attr(spref, "Type", "http://uri.etsi.org/01903#SignedProperties");
	snprintf(buf, sizeof buf, "#%s-SignedProperties", id);
	attr(spref, "URI", buf);
	alg_el(el(spref, ds, "Transforms", NULL), ds, "Transform", ALG_EXC);
	alg_el(spref, ds, "DigestMethod", ALG_SHA256);
	xmlNodePtr spdv = el(spref, ds, "DigestValue", NULL);

	xmlNodePtr sv = el(sig, ds, "SignatureValue", NULL);
	snprintf(buf, sizeof buf, "%s-SIG", id);
	attr(sv, "Id", buf);
	char *cb = cert_b64(cert);
	el(el(el(sig, ds, "KeyInfo", NULL), ds, "X509Data", NULL), ds, "X509Certificate", cb);
	free(cb);

	/* QualifyingProperties */
	xmlNodePtr obj = el(sig, ds, "Object", NULL);
	xmlNodePtr qp = xmlNewChild(obj, NULL, BAD_CAST "QualifyingProperties", NULL);
	xmlNsPtr xa = xmlNewNs(qp, BAD_CAST NS_XADES, BAD_CAST "xades");
	xmlSetNs(qp, xa);
	snprintf(buf, sizeof buf, "#%s", id);
	attr(qp, "Target", buf);
	xmlNodePtr sp = el(qp, xa, "SignedProperties", NULL);
	snprintf(buf, sizeof buf, "%s-SignedProperties", id);
	attr(sp, "Id", buf);
	xmlNodePtr ssp = el(sp, xa, "SignedSignatureProperties", NULL);
	xmlNodePtr st = el(ssp, xa, "SigningTime", rfc3339(stime));
	xmlNodePtr xc = el(el(ssp, xa, "SigningCertificateV2", NULL), xa, "Cert", NULL);
	xmlNodePtr cd = el(xc, xa, "CertDigest", NULL);
	alg_el(cd, ds, "DigestMethod", ALG_SHA256);
	{
		unsigned char md[32];
		unsigned int mdl = 0;
		if (!X509_digest(cert, EVP_sha256(), md, &mdl))
			die("certificate digest");
		char *d = b64(md, mdl), *is = issuer_serial_v2(cert);
		el(cd, ds, "DigestValue", d);
		el(xc, xa, "IssuerSerialV2", is);
		free(d);
		free(is);
	}
	xmlNodePtr sdop = el(sp, xa, "SignedDataObjectProperties", NULL);
	for (int i = 0; i < nrefs; i++) {
		xmlNodePtr f = el(sdop, xa, "DataObjectFormat", NULL);
		snprintf(buf, sizeof buf, "#%s-ref-%d", id, i);
		attr(f, "ObjectReference", buf);
		el(f, xa, "MimeType", mode == M_ENVELOPED ? "text/xml" : media_type(files[i].name));
	}

	if (extra_obj) {
		xmlNodePtr note = el(sig, ds, "Object", "demo federation: an unsigned note");
		snprintf(buf, sizeof buf, "%s-Note", id);
		attr(note, "Id", buf);
		attr(note, "MimeType", "text/plain");
	}

	/* Digests, then the value, in the document as it will be written. */
	if (envref_dv != NULL) {
		xmlBufferPtr b = c14n(sig, XML_C14N_EXCLUSIVE_1_0, 1);
		char *d = sha256_b64(xmlBufferContent(b), (size_t)xmlBufferLength(b));
		xmlNodeSetContent(envref_dv, BAD_CAST d);
		refs.b[refs.n++] = b;
		free(d);
	}
	{
		xmlBufferPtr b = c14n(sp, XML_C14N_EXCLUSIVE_1_0, 0);
		char *d = sha256_b64(xmlBufferContent(b), (size_t)xmlBufferLength(b));
		xmlNodeSetContent(spdv, BAD_CAST d);
		refs.b[refs.n++] = b;
		free(d);
	}
	{
		xmlBufferPtr b = c14n(si, c11 ? XML_C14N_1_1 : XML_C14N_EXCLUSIVE_1_0, 0);
		char *v = sign_value(key, xmlBufferContent(b), (size_t)xmlBufferLength(b));
		xmlNodeSetContent(sv, BAD_CAST v);
		free(v);
		xmlBufferFree(b);
	}

	/* Unsigned properties: -T, -LT, -LTA. */
	if (sigts != -2 || nv > 0 || no > 0 || atstime != -2) {
		xmlNodePtr usp = el(el(qp, xa, "UnsignedProperties", NULL), xa, "UnsignedSignatureProperties", NULL);
		if (sigts != -2) {
			xmlBufferPtr b = c14n(sv, XML_C14N_1_0, 0);
			xmlNodePtr ts = el(usp, xa, "SignatureTimeStamp", NULL);
			snprintf(buf, sizeof buf, "%s-SigTST", id);
			attr(ts, "Id", buf);
			alg_el(ts, ds, "CanonicalizationMethod", ALG_C10);
			char *t64 = stamp(tsa_cert, tsa_key, tsa_chain, b, sigts, dir, "sig-ts");
			el(ts, xa, "EncapsulatedTimeStamp", t64);
			free(t64);
			xmlBufferFree(b);
		}
		if (nv > 0) {
			xmlNodePtr cv = cvals = el(usp, xa, "CertificateValues", NULL);
			for (int i = 0; i < nv; i++) {
				X509 *x = read_cert(vcerts[i]);
				char *s = cert_b64(x);
				el(cv, xa, "EncapsulatedX509Certificate", s);
				free(s);
				X509_free(x);
			}
		}
		if (no > 0) {
			xmlNodePtr ov = el(el(usp, xa, "RevocationValues", NULL), xa, "OCSPValues", NULL);
			for (int i = 0; i < no; i++) {
				size_t n;
				unsigned char *p = read_file(ocsps[i], &n);
				char *s = b64(p, n);
				el(ov, xa, "EncapsulatedOCSPValue", s);
				free(s);
				free(p);
			}
		}
		if (atstime != -2) {
			int m = ats_exc ? XML_C14N_EXCLUSIVE_1_0 : XML_C14N_1_0;
			/* The element, its namespace and its c14n method first:
			 * nothing it contains is covered, but the covered
			 * octets are those of the document as written. */
			xmlNodePtr ats = xmlNewDocNode(doc, NULL, BAD_CAST "ArchiveTimeStamp", NULL);
			if (ats == NULL || xmlAddChild(usp, ats) == NULL)
				die("out of memory");
			xmlSetNs(ats, xmlNewNs(ats, BAD_CAST NS_XADES141, BAD_CAST "xades141"));
			snprintf(buf, sizeof buf, "%s-ArchiveTST", id);
			attr(ats, "Id", buf);
			alg_el(ats, ds, "CanonicalizationMethod", ats_exc ? ALG_EXC : ALG_C10);
			xmlBufferPtr b = ats_input(sig, &refs, usp, ats, m);
			char *t64 = stamp(tsa_cert, tsa_key, tsa_chain, b, atstime, dir, "ats");
			el(ats, xa, "EncapsulatedTimeStamp", t64);
			free(t64);
			xmlBufferFree(b);
			if (tamper) {
				if (cvals == NULL)
					die("--tamper-ats needs --value-cert");
				swap_cert_values(cvals);
			}
		}
	}
	for (int i = 0; i < refs.n; i++)
		xmlBufferFree(refs.b[i]);

	if (wrap) {
		/* The signed SignedProperties, intact, moves into a new
		 * ds:Object before the real one; the one the
		 * QualifyingProperties holds claims another signing time. A
		 * resolver that takes the first element with the Id finds the
		 * signed copy; the properties a reader takes are the others. */
		xmlNodePtr copy = xmlCopyNode(sp, 1);
		xmlNodePtr wobj = xmlNewDocNode(doc, ds, BAD_CAST "Object", NULL);
		if (copy == NULL || wobj == NULL)
			die("out of memory");
		xmlAddChild(wobj, copy);
		xmlAddPrevSibling(obj, wobj);
		xmlNodeSetContent(st, BAD_CAST rfc3339((stime < 0 ? (long)time(NULL) : stime) - 365L * 86400));
	}

	xmlChar *mem = NULL;
	int memlen = 0;
	xmlDocDumpMemoryEnc(doc, &mem, &memlen, "UTF-8");
	if (mem == NULL || memlen <= 0)
		die("cannot serialise");
	write_file(out, mem, (size_t)memlen);
	xmlFree(mem);
	xmlFreeDoc(doc);
	X509_free(cert);
	EVP_PKEY_free(key);
	return 0;
}

/* --- zip ------------------------------------------------------------------ */

static void zadd(zip_t *z, const char *name, unsigned char *p, size_t n, int store)
{
	zip_source_t *s = zip_source_buffer(z, p, n, 1);
	zip_int64_t idx;

	if (s == NULL)
		die("zip source");
	idx = zip_file_add(z, name, s, ZIP_FL_ENC_UTF_8);
	if (idx < 0) {
		zip_source_free(s);
		die(zip_strerror(z));
	}
	if (zip_set_file_compression(z, (zip_uint64_t)idx, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0) < 0)
		die(zip_strerror(z));
	/* A fixed time: the same inputs give the same container. */
	if (zip_file_set_mtime(z, (zip_uint64_t)idx, (time_t)1577836800, 0) < 0)
		die(zip_strerror(z));
}

static unsigned char *dupstr(const char *s, size_t *n)
{
	*n = strlen(s);
	unsigned char *p = xmalloc(*n);
	memcpy(p, s, *n);
	return p;
}

static int cmd_zip(int argc, char **argv)
{
	const char *out = NULL, *sigs[MAXLIST];
	struct datafile files[MAXLIST];
	int nf = 0, ns = 0, err = 0;
	size_t n;
	char name[64];

	for (int i = 0; i + 1 < argc; i += 2) {
		const char *a = argv[i], *v = argv[i + 1];
		if (strcmp(a, "--out") == 0) out = v;
		else if (strcmp(a, "--file") == 0 && nf < MAXLIST) parse_file(v, &files[nf++]);
		else if (strcmp(a, "--sig") == 0 && ns < MAXLIST) sigs[ns++] = v;
		else usage();
	}
	if (argc % 2 != 0 || out == NULL)
		usage();
	remove(out);
	zip_t *z = zip_open(out, ZIP_CREATE | ZIP_EXCL, &err);
	if (z == NULL)
		die("cannot create the container");
	/* EN 319 162-1 A.1: mimetype first, stored, no extra field. */
	unsigned char *mt = dupstr(ASICE_MIME, &n);
	zadd(z, "mimetype", mt, n, 1);
	{
		/* The manifest (ODF 1.2 part 3, EN 319 162-1 A.1 for ASiC-E). */
		size_t cap = 512 + (size_t)nf * 600, len;
		char *m = xmalloc(cap);
		len = (size_t)snprintf(m, cap,
			"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			"<manifest:manifest xmlns:manifest=\"" NS_MANIFEST "\" manifest:version=\"1.2\">\n"
			" <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"" ASICE_MIME "\"/>\n");
		for (int i = 0; i < nf; i++) {
			xmlChar *esc = xmlEncodeSpecialChars(NULL, BAD_CAST files[i].name);
			len += (size_t)snprintf(m + len, cap - len,
				" <manifest:file-entry manifest:full-path=\"%s\" manifest:media-type=\"%s\"/>\n",
				(const char *)esc, media_type(files[i].name));
			xmlFree(esc);
		}
		len += (size_t)snprintf(m + len, cap - len, "</manifest:manifest>\n");
		if (len >= cap)
			die("manifest too long");
		zadd(z, "META-INF/manifest.xml", (unsigned char *)m, len, 0);
	}
	for (int i = 0; i < ns; i++) {
		unsigned char *p = read_file(sigs[i], &n);
		snprintf(name, sizeof name, "META-INF/signatures%d.xml", i);
		zadd(z, name, p, n, 0);
	}
	for (int i = 0; i < nf; i++) {
		unsigned char *p = read_file(files[i].path, &n);
		zadd(z, files[i].name, p, n, 0);
	}
	if (zip_close(z) < 0)
		die(zip_strerror(z));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	xmlInitParser();
	if (strcmp(argv[1], "sign") == 0)
		return cmd_sign(argc - 2, argv + 2);
	if (strcmp(argv[1], "zip") == 0)
		return cmd_zip(argc - 2, argv + 2);
	usage();
	return 64;
}
