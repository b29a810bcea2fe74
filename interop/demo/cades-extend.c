/* cades-extend: the demo federation's CMS/CAdES helper (interop/demo/generate
 * compiles it into OUTDIR/bin; it is not part of valnode). It does what the
 * openssl command line cannot: sign with a chosen signing-time and content
 * timestamp, add unsigned attributes (CAdES-T, -LT, -LTA), damage a
 * signature on purpose, and turn a DER ECDSA value into raw r||s.
 *
 *   cades-extend sign --key K --cert C [--chain F] --in DOC --out OUT
 *       [--detached] [--md sha256|sha1] [--signing-time EPOCH]
 *       [--content-ts EPOCH --tsa-cert C --tsa-key K [--tsa-chain F]]
 *       [--bad-content-type]   (eContentType made id-digestedData after signing)
 *   cades-extend extend --in CMS --out OUT [--data DOC]
 *       --tsa-cert C --tsa-key K [--tsa-chain F]
 *       [--sig-ts EPOCH|now] [--value-cert F ...] [--ocsp RESP.der ...]
 *       [--archive EPOCH|now] [--dump DIR]
 *   cades-extend tamper --in CMS --out OUT (--signature | --content)
 *   cades-extend ecdsa-raw --in SIG.der --out SIG.bin --bytes N
 *
 * Files: CMS in DER; certificates and keys in PEM; OCSP responses in DER.
 * EPOCH: seconds since 1970-01-01T00:00:00Z, the genTime (or signing-time)
 * to use; "now" the current time. Timestamps are made in-process with the
 * TS_RESP_CTX API and the TSA's key, so their genTime can be set (the same
 * settings as interop/demo/openssl/tsa.cnf: policy 0.4.0.2023.1.1, SHA-256,
 * ESSCertIDv2, accuracy 1 s).
 *
 * What each unsigned attribute covers (so that a validator can recompute it):
 *
 * - id-aa-signatureTimeStampToken (1.2.840.113549.1.9.16.2.14; RFC 3161
 *   annex / EN 319 122-1 5.3): the message imprint is SHA-256 over the
 *   contents octets of the SignerInfo's `signature` OCTET STRING (the value
 *   only, without tag and length).
 *
 * - id-aa-ets-certValues (1.2.840.113549.1.9.16.2.23): CertificateValues ::=
 *   SEQUENCE OF Certificate, the --value-cert certificates in order.
 *
 * - id-aa-ets-revocationValues (1.2.840.113549.1.9.16.2.24): RevocationValues
 *   ::= SEQUENCE { ocspVals [1] EXPLICIT SEQUENCE OF BasicOCSPResponse }
 *   (TS 101 733 explicit-tag module), one BasicOCSPResponse per --ocsp file.
 *
 * - id-aa-ets-archiveTimestampV2 (1.2.840.113549.1.9.16.2.48; TS 101 733
 *   v2.2.1 6.4.1 and annex K): the message imprint is SHA-256 over the
 *   concatenation of, taken from the file as written (all DER):
 *     1. the whole encapContentInfo TLV of the SignedData;
 *     2. when eContent is absent (detached), the document bytes;
 *     3. the certificates field TLV ([0] IMPLICIT, tag 0xA0) when present;
 *     4. the crls field TLV ([1] IMPLICIT, tag 0xA1) when present;
 *     5. the contents octets of the SignerInfo SEQUENCE (every field TLV in
 *        order: version, sid, digestAlgorithm, [0] signedAttrs,
 *        signatureAlgorithm, signature, [1] unsignedAttrs) as they stand
 *        BEFORE the archive timestamp attribute is added, i.e. with the
 *        unsignedAttrs [1] tag and length included (the v2.2.1 reading; DSS
 *        also tries the 1.8.3 reading without them). In the output,
 *        unsignedAttrs is a DER SET OF, so dropping the archive timestamp
 *        attribute from it and re-encoding the [1] tag and length gives these
 *        bytes back. --dump writes them to DIR/ats.input.
 *
 * With --dump DIR, extend also writes each token it made (sig-ts.tst, ats.tst)
 * and the bytes it covers (sig-ts.input, ats.input), for `openssl ts -verify`.
 *
 * Exit status: 0 done, 64 usage, 70 failure (with OpenSSL's errors).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#define DEMO_PROG "cades-extend"
static void usage(void);
#include "demo-tool.h"

#define MAXLIST 16

static void usage(void)
{
	fprintf(stderr, "usage: cades-extend sign|extend|tamper|ecdsa-raw ... (see the source)\n");
	exit(64);
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

static CMS_ContentInfo *read_cms(const char *path)
{
	size_t n;
	unsigned char *p = read_file(path, &n);
	const unsigned char *q = p;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &q, (long)n);

	free(p);
	if (cms == NULL)
		die("not a DER CMS");
	return cms;
}

static void write_cms(const char *path, CMS_ContentInfo *cms)
{
	unsigned char *der = NULL;
	int n = i2d_CMS_ContentInfo(cms, &der);

	if (n <= 0)
		die("cannot encode the CMS");
	write_file(path, der, (size_t)n);
	OPENSSL_free(der);
}

/* "now" or seconds since the epoch; -1 for now. */

/* --- timestamps -------------------------------------------------------- */

/* --- DER walking (for the archive timestamp input) ---------------------- */

/* The TLV at *p (within end): its total length and where its contents start. */
static const unsigned char *tlv(const unsigned char *p, const unsigned char *end, int *tag,
				size_t *total, const unsigned char **contents, size_t *clen)
{
	const unsigned char *q = p;
	long len;
	int t, cls, r;

	if (p >= end)
		die("truncated DER");
	r = ASN1_get_object(&q, &len, &t, &cls, end - p);
	if (r & 0x80)
		die("bad DER");
	if (r & 0x01)
		die("indefinite length in the CMS (not DER)");
	*tag = *p;
	*contents = q;
	*clen = (size_t)len;
	*total = (size_t)(q - p) + (size_t)len;
	return p + *total;
}

struct buf {
	unsigned char *p;
	size_t n, cap;
};

static void put(struct buf *b, const unsigned char *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2;
		if ((b->p = realloc(b->p, b->cap)) == NULL)
			die("out of memory");
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

/* The archive-timestamp-v2 input (see the header comment) of the first
 * SignerInfo of the DER CMS der/n; doc/docn the detached document. */
static void ats_input(const unsigned char *der, size_t n, const unsigned char *doc, size_t docn,
		      struct buf *out)
{
	const unsigned char *end = der + n, *c, *sd, *sdend, *p, *eci, *ecic, *sis;
	size_t tot, cl, ecitot, ecicl;
	int tag;

	tlv(der, end, &tag, &tot, &c, &cl);		/* ContentInfo */
	p = tlv(c, c + cl, &tag, &tot, &c, &cl);	/* contentType */
	tlv(p, end, &tag, &tot, &c, &cl);		/* [0] */
	tlv(c, c + cl, &tag, &tot, &sd, &cl);		/* SignedData */
	sdend = sd + cl;
	p = tlv(sd, sdend, &tag, &tot, &c, &cl);	/* version */
	p = tlv(p, sdend, &tag, &tot, &c, &cl);		/* digestAlgorithms */
	eci = p;
	p = tlv(p, sdend, &tag, &ecitot, &ecic, &ecicl);	/* encapContentInfo */
	put(out, eci, ecitot);
	{
		const unsigned char *q = tlv(ecic, ecic + ecicl, &tag, &tot, &c, &cl);
		if (q == ecic + ecicl) {	/* no eContent: detached */
			if (doc == NULL)
				die("a detached signature needs --data for the archive timestamp");
			put(out, doc, docn);
		}
	}
	while (p < sdend && (*p == 0xa0 || *p == 0xa1)) {	/* certificates, crls */
		const unsigned char *f = p;
		p = tlv(p, sdend, &tag, &tot, &c, &cl);
		put(out, f, tot);
	}
	tlv(p, sdend, &tag, &tot, &sis, &cl);		/* signerInfos SET */
	tlv(sis, sis + cl, &tag, &tot, &c, &cl);	/* the first SignerInfo */
	put(out, c, cl);
}

/* --- sign ---------------------------------------------------------------- */

static int cmd_sign(int argc, char **argv)
{
	const char *key = NULL, *cert = NULL, *chain = NULL, *in = NULL, *out = NULL;
	const char *md = "sha256", *tsa_cert = NULL, *tsa_key = NULL, *tsa_chain = NULL;
	long stime = -1, cts = -2;
	int detached = 0, bad_ct = 0;
	unsigned int flags = CMS_BINARY | CMS_PARTIAL;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--detached") == 0) { detached = 1; continue; }
		if (strcmp(a, "--bad-content-type") == 0) { bad_ct = 1; continue; }
		if (v == NULL)
			usage();
		i++;
		if (strcmp(a, "--key") == 0) key = v;
		else if (strcmp(a, "--cert") == 0) cert = v;
		else if (strcmp(a, "--chain") == 0) chain = v;
		else if (strcmp(a, "--in") == 0) in = v;
		else if (strcmp(a, "--out") == 0) out = v;
		else if (strcmp(a, "--md") == 0) md = v;
		else if (strcmp(a, "--signing-time") == 0) stime = parse_time(v);
		else if (strcmp(a, "--content-ts") == 0) cts = parse_time(v);
		else if (strcmp(a, "--tsa-cert") == 0) tsa_cert = v;
		else if (strcmp(a, "--tsa-key") == 0) tsa_key = v;
		else if (strcmp(a, "--tsa-chain") == 0) tsa_chain = v;
		else usage();
	}
	if (!key || !cert || !in || !out || (cts != -2 && (!tsa_cert || !tsa_key)))
		usage();

	size_t docn;
	unsigned char *doc = read_file(in, &docn);
	X509 *signer = read_cert(cert);
	EVP_PKEY *pkey = read_key(key);
	STACK_OF(X509) *extra = chain ? read_certs(chain) : NULL;
	const EVP_MD *dg = EVP_get_digestbyname(md);
	if (detached)
		flags |= CMS_DETACHED;
	if (dg == NULL)
		usage();

	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, extra, NULL, flags);
	if (cms == NULL)
		die("CMS_sign");
	CMS_SignerInfo *si = CMS_add1_signer(cms, signer, pkey, dg, flags | CMS_CADES);
	if (si == NULL)
		die("CMS_add1_signer");
	if (stime >= 0) {
		ASN1_TIME *t = ASN1_TIME_set(NULL, (time_t)stime);
		if (t == NULL || !CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, t->type, t, -1))
			die("signing-time");
		ASN1_TIME_free(t);
	}
	if (cts != -2) {
		struct demo_tsa t = { read_cert(tsa_cert), read_key(tsa_key),
				 tsa_chain ? read_certs(tsa_chain) : NULL };
		int tl;
		unsigned char *tok = make_ts(&t, doc, docn, cts, &tl);
		/* id-aa-ets-contentTimestamp (EN 319 122-1 5.2.8): a token over the
		 * signed data, made before the signature. */
		if (!CMS_signed_add1_attr_by_OBJ(si, OBJ_txt2obj("1.2.840.113549.1.9.16.2.20", 1),
						 V_ASN1_SEQUENCE, tok, tl))
			die("content timestamp");
		OPENSSL_free(tok);
	}
	BIO *data = BIO_new_mem_buf(doc, (int)docn);
	if (!CMS_final(cms, data, NULL, flags))
		die("CMS_final");
	if (bad_ct) {
		/* eContentType changed to id-digestedData after signing: the signed
		 * content-type attribute (id-data) no longer matches it, which RFC 5652
		 * 11.1 and EN 319 122-1 5.1.1 forbid. The signature value stays valid
		 * (eContentType is not signed). */
		if (!CMS_set1_eContentType(cms, OBJ_nid2obj(NID_pkcs7_digest)))
			die("eContentType");
	}
	write_cms(out, cms);
	BIO_free(data);
	CMS_ContentInfo_free(cms);
	free(doc);
	return 0;
}

/* --- extend -------------------------------------------------------------- */

static int cmd_extend(int argc, char **argv)
{
	const char *in = NULL, *out = NULL, *data = NULL, *dir = NULL;
	const char *tsa_cert = NULL, *tsa_key = NULL, *tsa_chain = NULL;
	const char *vcerts[MAXLIST], *ocsps[MAXLIST];
	int nv = 0, no = 0;
	long sigts = -2, ats = -2;

	for (int i = 0; i + 1 < argc; i += 2) {
		const char *a = argv[i], *v = argv[i + 1];
		if (strcmp(a, "--in") == 0) in = v;
		else if (strcmp(a, "--out") == 0) out = v;
		else if (strcmp(a, "--data") == 0) data = v;
		else if (strcmp(a, "--dump") == 0) dir = v;
		else if (strcmp(a, "--tsa-cert") == 0) tsa_cert = v;
		else if (strcmp(a, "--tsa-key") == 0) tsa_key = v;
		else if (strcmp(a, "--tsa-chain") == 0) tsa_chain = v;
		else if (strcmp(a, "--sig-ts") == 0) sigts = parse_time(v);
		else if (strcmp(a, "--archive") == 0) ats = parse_time(v);
		else if (strcmp(a, "--value-cert") == 0 && nv < MAXLIST) vcerts[nv++] = v;
		else if (strcmp(a, "--ocsp") == 0 && no < MAXLIST) ocsps[no++] = v;
		else usage();
	}
	if (argc % 2 != 0 || !in || !out || ((sigts != -2 || ats != -2) && (!tsa_cert || !tsa_key)))
		usage();

	CMS_ContentInfo *cms = read_cms(in);
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	if (sis == NULL || sk_CMS_SignerInfo_num(sis) < 1)
		die("no SignerInfo");
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);
	struct demo_tsa t = { NULL, NULL, NULL };
	if (tsa_cert) {
		t.cert = read_cert(tsa_cert);
		t.key = read_key(tsa_key);
		t.chain = tsa_chain ? read_certs(tsa_chain) : NULL;
	}

	if (sigts != -2) {
		ASN1_OCTET_STRING *sig = CMS_SignerInfo_get0_signature(si);
		int tl;
		unsigned char *tok = make_ts(&t, ASN1_STRING_get0_data(sig),
					     (size_t)ASN1_STRING_length(sig), sigts, &tl);
		if (!CMS_unsigned_add1_attr_by_OBJ(si, OBJ_txt2obj("1.2.840.113549.1.9.16.2.14", 1),
						   V_ASN1_SEQUENCE, tok, tl))
			die("signature timestamp");
		dump(dir, "sig-ts.tst", tok, (size_t)tl);
		dump(dir, "sig-ts.input", ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig));
		OPENSSL_free(tok);
	}

	if (nv > 0) {
		struct buf body = { 0 }, seq = { 0 };
		for (int i = 0; i < nv; i++) {
			X509 *x = read_cert(vcerts[i]);
			unsigned char *d = NULL;
			int dl = i2d_X509(x, &d);
			if (dl <= 0)
				die("certificate");
			put(&body, d, (size_t)dl);
			OPENSSL_free(d);
			X509_free(x);
		}
		unsigned char hdr[8], *q = hdr;
		ASN1_put_object(&q, 1, (int)body.n, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
		put(&seq, hdr, (size_t)(q - hdr));
		put(&seq, body.p, body.n);
		if (!CMS_unsigned_add1_attr_by_OBJ(si, OBJ_txt2obj("1.2.840.113549.1.9.16.2.23", 1),
						   V_ASN1_SEQUENCE, seq.p, (int)seq.n))
			die("certificate values");
		free(body.p);
		free(seq.p);
	}

	if (no > 0) {
		struct buf basics = { 0 }, out1 = { 0 };
		for (int i = 0; i < no; i++) {
			size_t rn;
			unsigned char *r = read_file(ocsps[i], &rn);
			const unsigned char *q = r;
			OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &q, (long)rn);
			OCSP_BASICRESP *br = resp ? OCSP_response_get1_basic(resp) : NULL;
			unsigned char *d = NULL;
			int dl = br ? i2d_OCSP_BASICRESP(br, &d) : 0;
			if (dl <= 0)
				die(ocsps[i]);
			put(&basics, d, (size_t)dl);
			OPENSSL_free(d);
			OCSP_BASICRESP_free(br);
			OCSP_RESPONSE_free(resp);
			free(r);
		}
		/* RevocationValues { ocspVals [1] EXPLICIT SEQUENCE OF BasicOCSPResponse } */
		unsigned char h1[8], h2[8], h3[8], *q;
		size_t l1, l2, l3;
		q = h1; ASN1_put_object(&q, 1, (int)basics.n, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL); l1 = (size_t)(q - h1);
		q = h2; ASN1_put_object(&q, 1, (int)(l1 + basics.n), 1, V_ASN1_CONTEXT_SPECIFIC); l2 = (size_t)(q - h2);
		q = h3; ASN1_put_object(&q, 1, (int)(l2 + l1 + basics.n), V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL); l3 = (size_t)(q - h3);
		put(&out1, h3, l3);
		put(&out1, h2, l2);
		put(&out1, h1, l1);
		put(&out1, basics.p, basics.n);
		if (!CMS_unsigned_add1_attr_by_OBJ(si, OBJ_txt2obj("1.2.840.113549.1.9.16.2.24", 1),
						   V_ASN1_SEQUENCE, out1.p, (int)out1.n))
			die("revocation values");
		free(basics.p);
		free(out1.p);
	}

	if (ats != -2) {
		unsigned char *der = NULL, *doc = NULL;
		size_t docn = 0;
		int n = i2d_CMS_ContentInfo(cms, &der), tl;
		struct buf input = { 0 };
		if (n <= 0)
			die("encode");
		if (data)
			doc = read_file(data, &docn);
		ats_input(der, (size_t)n, doc, docn, &input);
		unsigned char *tok = make_ts(&t, input.p, input.n, ats, &tl);
		if (!CMS_unsigned_add1_attr_by_OBJ(si, OBJ_txt2obj("1.2.840.113549.1.9.16.2.48", 1),
						   V_ASN1_SEQUENCE, tok, tl))
			die("archive timestamp");
		dump(dir, "ats.tst", tok, (size_t)tl);
		dump(dir, "ats.input", input.p, input.n);
		OPENSSL_free(tok);
		OPENSSL_free(der);
		free(input.p);
		free(doc);
	}
	write_cms(out, cms);
	CMS_ContentInfo_free(cms);
	return 0;
}

/* --- tamper -------------------------------------------------------------- */

static int cmd_tamper(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	int what = 0;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--signature") == 0) what = 1;
		else if (strcmp(argv[i], "--content") == 0) what = 2;
		else if (strcmp(argv[i], "--in") == 0 && i + 1 < argc) in = argv[++i];
		else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) out = argv[++i];
		else usage();
	}
	if (!in || !out || !what)
		usage();
	CMS_ContentInfo *cms = read_cms(in);
	ASN1_OCTET_STRING *s;
	if (what == 1) {
		CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
		s = si ? CMS_SignerInfo_get0_signature(si) : NULL;
	} else {
		ASN1_OCTET_STRING **pp = CMS_get0_content(cms);
		s = pp ? *pp : NULL;
	}
	if (s == NULL || ASN1_STRING_length(s) < 16)
		die("nothing to tamper with");
	/* One bit in the middle: the encoding stays valid, the value is wrong. */
	unsigned char *p = (unsigned char *)ASN1_STRING_get0_data(s);
	p[ASN1_STRING_length(s) / 2] ^= 0x01;
	write_cms(out, cms);
	CMS_ContentInfo_free(cms);
	return 0;
}

/* --- ecdsa-raw ----------------------------------------------------------- */

static int cmd_ecdsa_raw(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	int bytes = 0;

	for (int i = 0; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--in") == 0) in = argv[i + 1];
		else if (strcmp(argv[i], "--out") == 0) out = argv[i + 1];
		else if (strcmp(argv[i], "--bytes") == 0) bytes = atoi(argv[i + 1]);
		else usage();
	}
	if (!in || !out || bytes <= 0 || bytes > 66)
		usage();
	size_t n;
	unsigned char *p = read_file(in, &n), raw[132];
	const unsigned char *q = p;
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &q, (long)n);
	const BIGNUM *r, *s;
	if (sig == NULL)
		die("not a DER ECDSA signature");
	ECDSA_SIG_get0(sig, &r, &s);
	/* IEEE P1363 / TS 119 312: r and s, each left-padded to the order size. */
	if (BN_bn2binpad(r, raw, bytes) != bytes || BN_bn2binpad(s, raw + bytes, bytes) != bytes)
		die("r or s too long");
	write_file(out, raw, (size_t)bytes * 2);
	ECDSA_SIG_free(sig);
	free(p);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "sign") == 0)
		return cmd_sign(argc - 2, argv + 2);
	if (strcmp(argv[1], "extend") == 0)
		return cmd_extend(argc - 2, argv + 2);
	if (strcmp(argv[1], "tamper") == 0)
		return cmd_tamper(argc - 2, argv + 2);
	if (strcmp(argv[1], "ecdsa-raw") == 0)
		return cmd_ecdsa_raw(argc - 2, argv + 2);
	usage();
	return 64;
}
