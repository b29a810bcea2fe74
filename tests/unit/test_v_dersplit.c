/* Check suite for node/v_dersplit.c: certificates out of a CMS SignedData
 * and an OCSP BasicOCSPResponse by a strict DER walk. Positive cases on
 * structures OpenSSL makes (CMS_sign, OCSP_basic_sign): the rest decodes,
 * the certificates are those OpenSSL finds, and the signature verifies over
 * the rest (the signed bytes are untouched). Negative cases, one per rule of
 * v_dersplit.h, on structures built here byte by byte around a real
 * certificate: each is refused with VN_ERR_NOT_FOUND. */
#include "tests/unit/vn_test.h"
#include "tests/unit/v_testpki.h"

#include <stdarg.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>

#include "common/vn_buf.h"
#include "node/v_dersplit.h"

static tp_cert ca, other;
static unsigned char *cert_der, *other_der;
static size_t cert_len, other_len;

/* --- a small DER builder: each call takes ownership of its parts --------- */

typedef struct blob {
	unsigned char *p;
	size_t n;
} blob;

static blob raw(const void *p, size_t n)
{
	blob b = { malloc(n > 0 ? n : 1), n };

	TP_REQUIRE(b.p != NULL);
	memcpy(b.p, p, n);
	return b;
}

/* The concatenation of nparts blobs (freed). */
static blob cat(int nparts, ...)
{
	vn_buf b;
	blob r;
	va_list ap;
	int i;

	vn_buf_init(&b, (size_t)16 << 20);
	va_start(ap, nparts);
	for (i = 0; i < nparts; i++) {
		blob x = va_arg(ap, blob);
		TP_REQUIRE(vn_buf_append(&b, x.p, x.n) == VN_OK);
		free(x.p);
	}
	va_end(ap);
	r = raw(b.data != NULL ? b.data : (const unsigned char *)"", b.len);
	vn_buf_free(&b);
	return r;
}

/* tag, DER length, contents (freed). */
static blob tlv(unsigned char tag, blob c)
{
	unsigned char h[6];
	size_t hn = 0;

	h[hn++] = tag;
	if (c.n < 0x80) {
		h[hn++] = (unsigned char)c.n;
	} else if (c.n <= 0xff) {
		h[hn++] = 0x81;
		h[hn++] = (unsigned char)c.n;
	} else if (c.n <= 0xffff) {
		h[hn++] = 0x82;
		h[hn++] = (unsigned char)(c.n >> 8);
		h[hn++] = (unsigned char)c.n;
	} else {
		h[hn++] = 0x83;
		h[hn++] = (unsigned char)(c.n >> 16);
		h[hn++] = (unsigned char)(c.n >> 8);
		h[hn++] = (unsigned char)c.n;
	}
	return cat(2, raw(h, hn), c);
}

static blob none(void)
{
	return raw("", 0);
}

static blob cert(void)
{
	return raw(cert_der, cert_len);
}

static const unsigned char OID_SD[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02 };
static const unsigned char OID_DATA[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01 };
static const unsigned char OID_BASIC[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01 };

/* What the CMS builder varies, one rule at a time. */
typedef struct cms_shape {
	unsigned char outer_tag;	/* 0x30 */
	int oid_data;			/* contentType id-data instead */
	int after_sd, after_ctx;	/* an element after SignedData in [0], after [0] */
	int no_version;			/* C2 */
	unsigned char cert_tag;		/* 0x30; 0xa1: an attribute certificate choice */
	int ncerts;			/* 1 */
	int not_a_cert;			/* a SEQUENCE that is not a certificate */
	int long_version;		/* D3: version's length in the long form */
	int no_field;			/* no certificates field at all */
	int two_fields;			/* C4: a second [0] after the certificates */
} cms_shape;

static blob cms_build(const cms_shape *s)
{
	blob certs = none(), sd, ci;
	int i;

	for (i = 0; i < s->ncerts; i++)
		certs = cat(2, certs, s->not_a_cert ? tlv(0x30, tlv(0x02, raw("\x01", 1)))
				     : s->cert_tag == 0x30 ? cert() : tlv(s->cert_tag, cert()));
	sd = cat(5, s->no_version ? none()
		 : s->long_version ? raw("\x02\x81\x01\x01", 4) : tlv(0x02, raw("\x01", 1)),
		 tlv(0x31, none()),
		 tlv(0x30, tlv(0x06, raw(OID_DATA, sizeof OID_DATA))),
		 s->no_field ? (free(certs.p), none())
		 : s->two_fields ? cat(2, tlv(0xa0, certs), tlv(0xa0, none())) : tlv(0xa0, certs),
		 tlv(0x31, none()));
	ci = cat(2, tlv(0x06, raw(s->oid_data ? OID_DATA : OID_SD, sizeof OID_SD)),
		 tlv(0xa0, cat(2, tlv(0x30, sd), s->after_sd ? tlv(0x05, none()) : none())));
	if (s->after_ctx)
		ci = cat(2, ci, tlv(0x05, none()));
	return tlv(s->outer_tag, ci);
}

typedef struct ocsp_shape {
	unsigned char status;		/* 0 */
	int status_len2;		/* ENUMERATED of two octets */
	int after_ctx;			/* O1: after [0] */
	int wrong_oid, not_octets, after_octets;	/* O2 */
	int after_basic;		/* O3: after the SEQUENCE in the OCTET STRING */
	unsigned char sig_tag;		/* 0x03 */
	unsigned char certs_tag;	/* 0xa0 */
	int two_in_certs, after_certs;	/* O3 */
	int ncerts;			/* 1 */
	int not_a_cert;
} ocsp_shape;

static blob ocsp_build(const ocsp_shape *s)
{
	blob certs = none(), basic, rb, top;
	int i;

	for (i = 0; i < s->ncerts; i++)
		certs = cat(2, certs, s->not_a_cert ? tlv(0x30, tlv(0x02, raw("\x01", 1))) : cert());
	basic = cat(4, tlv(0x30, tlv(0x02, raw("\x01", 1))), tlv(0x30, tlv(0x05, none())),
		    tlv(s->sig_tag, raw("\x00\x01", 2)),
		    tlv(s->certs_tag, cat(2, tlv(0x30, certs),
					  s->two_in_certs ? tlv(0x30, none()) : none())));
	if (s->after_certs)
		basic = cat(2, basic, tlv(0x05, none()));
	basic = cat(2, tlv(0x30, basic), s->after_basic ? tlv(0x05, none()) : none());
	rb = cat(3, tlv(0x06, raw(s->wrong_oid ? OID_DATA : OID_BASIC, sizeof OID_BASIC)),
		 tlv(s->not_octets ? 0x30 : 0x04, basic),
		 s->after_octets ? tlv(0x05, none()) : none());
	top = cat(3, tlv(0x0a, s->status_len2 ? raw("\x00\x00", 2) : raw(&s->status, 1)),
		  tlv(0xa0, tlv(0x30, rb)), s->after_ctx ? tlv(0x05, none()) : none());
	return tlv(0x30, top);
}

#define CMS_OK { 0x30, 0, 0, 0, 0, 0x30, 1, 0 }
#define OCSP_OK { 0, 0, 0, 0, 0, 0, 0, 0x03, 0xa0, 0, 0, 1, 0 }

/* Byte-level edits on a good structure, for the D rules. */
enum { ED_NONE, ED_HIGH_TAG, ED_INDEF, ED_LEADING_ZERO, ED_FIVE_OCTETS, ED_INNER_OVER,
       ED_TRAILING };

/* Header octets and contents length of a DER element (up to 3 length octets). */
static size_t tlv_hdr(const unsigned char *p)
{
	return p[1] < 0x80 ? 2 : 2 + (size_t)(p[1] & 0x7f);
}

static size_t tlv_clen(const unsigned char *p)
{
	size_t k, len = 0;

	if (p[1] < 0x80)
		return p[1];
	for (k = 0; k < (size_t)(p[1] & 0x7f); k++)
		len = len << 8 | p[2 + k];
	return len;
}

typedef struct neg {
	const char *name;
	int ocsp;
	cms_shape c;
	ocsp_shape o;
	int ed;
} neg;

/* The outer header of b replaced by bytes h (hn), contents kept. */
static blob rehead(blob b, const void *h, size_t hn)
{
	size_t hl = b.p[1] < 0x80 ? 2 : 2 + (size_t)(b.p[1] & 0x7f);
	blob r = cat(2, raw(h, hn), raw(b.p + hl, b.n - hl));

	free(b.p);
	return r;
}

static blob apply(blob b, int ed)
{
	size_t cl = b.n - (b.p[1] < 0x80 ? 2 : 2 + (size_t)(b.p[1] & 0x7f));
	unsigned char h[8];

	switch (ed) {
	case ED_HIGH_TAG:
		h[0] = 0x3f;
		h[1] = 0x10;
		h[2] = 0x83;
		h[3] = (unsigned char)(cl >> 16);
		h[4] = (unsigned char)(cl >> 8);
		h[5] = (unsigned char)cl;
		return rehead(b, h, 6);
	case ED_INDEF: {	/* D2 */
		blob r = rehead(b, "\x30\x80", 2);
		return cat(2, r, raw("\x00\x00", 2));
	}
	case ED_LEADING_ZERO:	/* D3 */
		h[0] = 0x30;
		h[1] = 0x84;
		h[2] = 0;
		h[3] = (unsigned char)(cl >> 16);
		h[4] = (unsigned char)(cl >> 8);
		h[5] = (unsigned char)cl;
		return rehead(b, h, 6);
	case ED_FIVE_OCTETS:	/* D3 */
		h[0] = 0x30;
		h[1] = 0x85;
		h[2] = 0;
		h[3] = 0;
		h[4] = (unsigned char)(cl >> 16);
		h[5] = (unsigned char)(cl >> 8);
		h[6] = (unsigned char)cl;
		return rehead(b, h, 7);
	case ED_INNER_OVER:	/* D4: the outer length one short of its contents */
		h[0] = 0x30;
		h[1] = 0x83;
		h[2] = (unsigned char)((cl - 1) >> 16);
		h[3] = (unsigned char)((cl - 1) >> 8);
		h[4] = (unsigned char)(cl - 1);
		{
			blob r = rehead(b, h, 5);
			r.n--;	/* the last octet left out: the inner element overruns */
			return r;
		}
	case ED_TRAILING:	/* D5 */
		return cat(2, b, raw("\x00", 1));
	default:
		return b;
	}
}

static const neg negs[] = {
	{ "D1 high tag number", 0, CMS_OK, OCSP_OK, ED_HIGH_TAG },
	{ "D2 indefinite length", 0, CMS_OK, OCSP_OK, ED_INDEF },
	{ "D3 long form for a short length", 0, { 0x30, 0, 0, 0, 0, 0x30, 1, 0, 1 }, OCSP_OK, 0 },
	{ "D3 leading zero length octet", 0, CMS_OK, OCSP_OK, ED_LEADING_ZERO },
	{ "D3 five length octets", 0, CMS_OK, OCSP_OK, ED_FIVE_OCTETS },
	{ "D4 element past its parent", 0, CMS_OK, OCSP_OK, ED_INNER_OVER },
	{ "D5 trailing byte (CMS)", 0, CMS_OK, OCSP_OK, ED_TRAILING },
	{ "D5 trailing byte (OCSP)", 1, CMS_OK, OCSP_OK, ED_TRAILING },
	{ "C1 outer not a SEQUENCE", 0, { 0x31, 0, 0, 0, 0, 0x30, 1, 0 }, OCSP_OK, 0 },
	{ "C1 contentType not signedData", 0, { 0x30, 1, 0, 0, 0, 0x30, 1, 0 }, OCSP_OK, 0 },
	{ "C1 element after SignedData", 0, { 0x30, 0, 1, 0, 0, 0x30, 1, 0 }, OCSP_OK, 0 },
	{ "C1 element after [0]", 0, { 0x30, 0, 0, 1, 0, 0x30, 1, 0 }, OCSP_OK, 0 },
	{ "C2 no version", 0, { 0x30, 0, 0, 0, 1, 0x30, 1, 0 }, OCSP_OK, 0 },
	{ "C3 attribute certificate choice", 0, { 0x30, 0, 0, 0, 0, 0xa1, 1, 0 }, OCSP_OK, 0 },
	{ "C4 a second [0] after the certificates", 0, { 0x30, 0, 0, 0, 0, 0x30, 1, 0, 0, 0, 1 },
	  OCSP_OK, 0 },
	{ "K1 too many certificates (CMS)", 0, { 0x30, 0, 0, 0, 0, 0x30, 65, 0 }, OCSP_OK, 0 },
	{ "K2 not a certificate (CMS)", 0, { 0x30, 0, 0, 0, 0, 0x30, 1, 1 }, OCSP_OK, 0 },
	{ "O1 status not successful", 1, CMS_OK, { 1, 0, 0, 0, 0, 0, 0, 0x03, 0xa0, 0, 0, 1, 0 }, 0 },
	{ "O1 status of two octets", 1, CMS_OK, { 0, 1, 0, 0, 0, 0, 0, 0x03, 0xa0, 0, 0, 1, 0 }, 0 },
	{ "O1 element after [0]", 1, CMS_OK, { 0, 0, 1, 0, 0, 0, 0, 0x03, 0xa0, 0, 0, 1, 0 }, 0 },
	{ "O2 responseType not basic", 1, CMS_OK, { 0, 0, 0, 1, 0, 0, 0, 0x03, 0xa0, 0, 0, 1, 0 }, 0 },
	{ "O2 response not an OCTET STRING", 1, CMS_OK,
	  { 0, 0, 0, 0, 1, 0, 0, 0x03, 0xa0, 0, 0, 1, 0 }, 0 },
	{ "O2 element after the OCTET STRING", 1, CMS_OK,
	  { 0, 0, 0, 0, 0, 1, 0, 0x03, 0xa0, 0, 0, 1, 0 }, 0 },
	{ "O3 bytes after the BasicOCSPResponse", 1, CMS_OK,
	  { 0, 0, 0, 0, 0, 0, 1, 0x03, 0xa0, 0, 0, 1, 0 }, 0 },
	{ "O3 signature not a BIT STRING", 1, CMS_OK,
	  { 0, 0, 0, 0, 0, 0, 0, 0x04, 0xa0, 0, 0, 1, 0 }, 0 },
	{ "O3 certs not [0]", 1, CMS_OK, { 0, 0, 0, 0, 0, 0, 0, 0x03, 0xa1, 0, 0, 1, 0 }, 0 },
	{ "O3 two elements in [0]", 1, CMS_OK, { 0, 0, 0, 0, 0, 0, 0, 0x03, 0xa0, 1, 0, 1, 0 }, 0 },
	{ "O3 element after [0]", 1, CMS_OK, { 0, 0, 0, 0, 0, 0, 0, 0x03, 0xa0, 0, 1, 1, 0 }, 0 },
	{ "K1 too many certificates (OCSP)", 1, CMS_OK,
	  { 0, 0, 0, 0, 0, 0, 0, 0x03, 0xa0, 0, 0, 65, 0 }, 0 },
	{ "K2 not a certificate (OCSP)", 1, CMS_OK, { 0, 0, 0, 0, 0, 0, 0, 0x03, 0xa0, 0, 0, 1, 1 }, 0 },
};

static vn_err split(int ocsp, const blob *b, vn_buf *out, STACK_OF(X509) **certs)
{
	return ocsp ? v_der_ocsp_split(b->p, b->n, out, certs)
		    : v_der_cms_split(b->p, b->n, out, certs);
}

START_TEST(t_negative)
{
	const neg *c = &negs[_i];
	blob b = c->ocsp ? ocsp_build(&c->o) : cms_build(&c->c);
	STACK_OF(X509) *certs = NULL;
	vn_buf out;

	b = apply(b, c->ed);
	vn_buf_init(&out, (size_t)1 << 20);
	ck_assert_msg(split(c->ocsp, &b, &out, &certs) == VN_ERR_NOT_FOUND, "%s", c->name);
	ck_assert_ptr_null(certs);
	vn_buf_free(&out);
	free(b.p);
}
END_TEST

/* The unmodified hand-made shapes pass, so each negative case fails on its
 * own rule; the rest is the input without the certificates. */
START_TEST(t_shapes_ok)
{
	static const cms_shape cs = CMS_OK;
	static const ocsp_shape os = OCSP_OK;
	cms_shape c64 = cs;
	blob b;
	STACK_OF(X509) *certs = NULL;
	vn_buf out;
	int ocsp;

	for (ocsp = 0; ocsp <= 1; ocsp++) {
		b = ocsp ? ocsp_build(&os) : cms_build(&cs);
		vn_buf_init(&out, (size_t)1 << 20);
		ck_assert_int_eq(split(ocsp, &b, &out, &certs), VN_OK);
		ck_assert_int_eq(sk_X509_num(certs), 1);
		ck_assert_int_eq(X509_cmp(sk_X509_value(certs, 0), ca.x), 0);
		{
			cms_shape bare = cs;
			blob want;
			bare.no_field = 1;
			want = ocsp ? tlv(0x30, cat(3, tlv(0x30, tlv(0x02, raw("\x01", 1))),
						    tlv(0x30, tlv(0x05, none())),
						    tlv(0x03, raw("\x00\x01", 2))))
				    : cms_build(&bare);
			ck_assert(out.len == want.n && memcmp(out.data, want.p, want.n) == 0);
			free(want.p);
		}
		sk_X509_pop_free(certs, X509_free);
		certs = NULL;
		vn_buf_free(&out);
		free(b.p);
	}
	c64.ncerts = 64;	/* the cap itself is accepted */
	b = cms_build(&c64);
	vn_buf_init(&out, (size_t)1 << 20);
	ck_assert_int_eq(split(0, &b, &out, &certs), VN_OK);
	ck_assert_int_eq(sk_X509_num(certs), 64);
	sk_X509_pop_free(certs, X509_free);
	vn_buf_free(&out);
	free(b.p);
}
END_TEST

/* A SignedData made by OpenSSL with two certificates: the rest decodes
 * without certificates, the two come back in order, and the signature
 * verifies over the rest with them. nocerts: none carried, the rest is the
 * input itself. */
static void cms_real(int nocerts)
{
	BIO *data = BIO_new_mem_buf("valnode split test", -1);
	CMS_ContentInfo *cms = NULL, *back = NULL;
	STACK_OF(X509) *certs = NULL, *theirs = NULL;
	unsigned char *der = NULL;
	const unsigned char *q;
	vn_buf out;
	int n, i;

	ck_assert_ptr_nonnull(data);
	cms = CMS_sign(ca.x, ca.k, NULL, data,
		       CMS_BINARY | CMS_PARTIAL | (nocerts ? CMS_NOCERTS : 0));
	ck_assert_ptr_nonnull(cms);
	if (!nocerts)
		ck_assert_int_eq(CMS_add1_cert(cms, other.x), 1);
	ck_assert_int_eq(BIO_reset(data), 1);
	ck_assert_int_eq(CMS_final(cms, data, NULL, CMS_BINARY), 1);
	n = i2d_CMS_ContentInfo(cms, &der);
	ck_assert_int_gt(n, 0);
	/* in the order of the encoding (a DER SET OF is sorted) */
	q = der;
	back = d2i_CMS_ContentInfo(NULL, &q, n);
	ck_assert_ptr_nonnull(back);
	theirs = CMS_get1_certs(back);
	CMS_ContentInfo_free(back);

	vn_buf_init(&out, (size_t)1 << 20);
	ck_assert_int_eq(v_der_cms_split(der, (size_t)n, &out, &certs), VN_OK);
	ck_assert_int_eq(sk_X509_num(certs), nocerts ? 0 : 2);
	for (i = 0; i < sk_X509_num(certs); i++)
		ck_assert_int_eq(X509_cmp(sk_X509_value(certs, i), sk_X509_value(theirs, i)), 0);
	if (nocerts)
		ck_assert(out.len == (size_t)n && memcmp(out.data, der, out.len) == 0);
	q = out.data;
	back = d2i_CMS_ContentInfo(NULL, &q, (long)out.len);
	ck_assert_ptr_nonnull(back);
	ck_assert(q == out.data + out.len);
	{
		STACK_OF(X509) *none_left = CMS_get1_certs(back);
		ck_assert_int_le(sk_X509_num(none_left), 0);
		sk_X509_pop_free(none_left, X509_free);
	}
	{
		STACK_OF(X509) *with = nocerts ? sk_X509_new_null() : certs;
		if (nocerts)
			ck_assert_int_eq(sk_X509_push(with, ca.x), 1);
		ck_assert_int_eq(CMS_verify(back, with, NULL, NULL, NULL,
					    CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY), 1);
		if (nocerts)
			sk_X509_free(with);
	}
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(back);
	/* v_der_cms_decode: the same split and decode in one call; refused
	 * input (a byte short, or a rest beyond the cap) gives nothing */
	back = v_der_cms_decode(der, (size_t)n, (size_t)1 << 20, &certs);
	ck_assert_ptr_nonnull(back);
	ck_assert_int_eq(sk_X509_num(certs), nocerts ? 0 : 2);
	for (i = 0; i < sk_X509_num(certs); i++)
		ck_assert_int_eq(X509_cmp(sk_X509_value(certs, i), sk_X509_value(theirs, i)), 0);
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(back);
	{
		STACK_OF(X509) *junk = sk_X509_new_null();	/* overwritten with NULL */

		certs = junk;
		ck_assert_ptr_null(v_der_cms_decode(der, (size_t)n - 1, (size_t)1 << 20, &certs));
		ck_assert_ptr_null(certs);
		certs = junk;
		ck_assert_ptr_null(v_der_cms_decode(der, (size_t)n, 16, &certs));
		ck_assert_ptr_null(certs);
		sk_X509_free(junk);
	}
	sk_X509_pop_free(theirs, X509_free);
	CMS_ContentInfo_free(cms);
	OPENSSL_free(der);
	BIO_free(data);
	vn_buf_free(&out);
	ERR_clear_error();
}

START_TEST(t_cms_real)
{
	cms_real(_i);
}
END_TEST

/* An OCSP response made by OpenSSL: the BasicOCSPResponse without certs
 * decodes, its signature verifies with the certificate taken out, and the
 * tbsResponseData bytes are those of the input. */
static void ocsp_real(int nocerts)
{
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new(), *back = NULL;
	OCSP_RESPONSE *resp = NULL;
	OCSP_CERTID *id = OCSP_cert_to_id(NULL, other.x, ca.x);
	ASN1_TIME *now = X509_gmtime_adj(NULL, 0);
	STACK_OF(X509) *certs = NULL, *one = sk_X509_new_null();
	X509_STORE *st = X509_STORE_new();
	unsigned char *der = NULL, *bder = NULL;
	const unsigned char *q;
	vn_buf out;
	int n, bn;

	ck_assert(bs != NULL && id != NULL && now != NULL && one != NULL && st != NULL);
	ck_assert_ptr_nonnull(OCSP_basic_add1_status(bs, id, V_OCSP_CERTSTATUS_GOOD, 0, NULL, now,
						      NULL));
	ck_assert_int_eq(OCSP_basic_sign(bs, ca.x, ca.k, EVP_sha256(), NULL,
					 nocerts ? OCSP_NOCERTS : 0), 1);
	resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
	ck_assert_ptr_nonnull(resp);
	n = i2d_OCSP_RESPONSE(resp, &der);
	bn = i2d_OCSP_BASICRESP(bs, &bder);
	ck_assert(n > 0 && bn > 0);

	vn_buf_init(&out, (size_t)1 << 20);
	ck_assert_int_eq(v_der_ocsp_split(der, (size_t)n, &out, &certs), VN_OK);
	ck_assert_int_eq(sk_X509_num(certs), nocerts ? 0 : 1);
	if (nocerts)
		ck_assert(out.len == (size_t)bn && memcmp(out.data, bder, out.len) == 0);
	else
		ck_assert_int_eq(X509_cmp(sk_X509_value(certs, 0), ca.x), 0);
	/* tbsResponseData: the bytes of the input, as received */
	{
		const unsigned char *t = out.data + tlv_hdr(out.data);
		size_t ts = tlv_hdr(t) + tlv_clen(t), k;
		int found = 0;

		for (k = 0; k + ts <= (size_t)n && !found; k++)
			found = memcmp(der + k, t, ts) == 0;
		ck_assert(found);
	}
	q = out.data;
	back = d2i_OCSP_BASICRESP(NULL, &q, (long)out.len);
	ck_assert_ptr_nonnull(back);
	ck_assert(q == out.data + out.len);
	ck_assert_int_eq(sk_X509_push(one, ca.x), 1);
	ck_assert_int_eq(OCSP_basic_verify(back, one, st,
					   OCSP_NOINTERN | OCSP_NOVERIFY | OCSP_NOCHAIN), 1);
	sk_X509_pop_free(certs, X509_free);
	OCSP_BASICRESP_free(back);
	/* v_der_ocsp_decode: the split and the decode in one call */
	back = v_der_ocsp_decode(der, (size_t)n, (size_t)1 << 20, &certs);
	ck_assert_ptr_nonnull(back);
	ck_assert_int_eq(sk_X509_num(certs), nocerts ? 0 : 1);
	ck_assert_int_eq(OCSP_resp_count(back), 1);
	sk_X509_pop_free(certs, X509_free);
	OCSP_BASICRESP_free(back);
	ck_assert_ptr_null(v_der_ocsp_decode(der, (size_t)n - 1, (size_t)1 << 20, &certs));
	ck_assert_ptr_null(certs);
	/* v_der_ocsp_basic: the split first; the whole decode when the walk
	 * refuses (here a length in BER's long form with a leading zero, which
	 * OpenSSL reads); nothing for a truncated response or over the cap */
	back = v_der_ocsp_basic(der, (size_t)n, (size_t)1 << 20);
	ck_assert_ptr_nonnull(back);
	OCSP_BASICRESP_free(back);
	ck_assert(der[1] == 0x81 || der[1] == 0x82);
	{
		unsigned char *ber = malloc((size_t)n + 1);

		ck_assert_ptr_nonnull(ber);
		ber[0] = 0x30;
		ber[1] = (unsigned char)(der[1] + 1);	/* one more length octet ... */
		ber[2] = 0;				/* ... a leading zero */
		memcpy(ber + 3, der + 2, (size_t)n - 2);
		ck_assert_ptr_null(v_der_ocsp_decode(ber, (size_t)n + 1, (size_t)1 << 20, &certs));
		back = v_der_ocsp_basic(ber, (size_t)n + 1, (size_t)1 << 20);
		ck_assert_ptr_nonnull(back);
		ck_assert_int_eq(OCSP_resp_count(back), 1);
		OCSP_BASICRESP_free(back);
		ck_assert_ptr_null(v_der_ocsp_basic(ber, (size_t)n + 1, (size_t)n));
		free(ber);
	}
	ck_assert_ptr_null(v_der_ocsp_basic(der, (size_t)n - 1, (size_t)1 << 20));
	ck_assert_ptr_null(v_der_ocsp_basic(der, (size_t)n, 16));
	sk_X509_free(one);
	X509_STORE_free(st);
	back = NULL;
	OCSP_RESPONSE_free(resp);
	OCSP_BASICRESP_free(bs);
	OCSP_CERTID_free(id);
	ASN1_TIME_free(now);
	OPENSSL_free(der);
	OPENSSL_free(bder);
	vn_buf_free(&out);
	ERR_clear_error();
}

/* A response that is not successful has no BasicOCSPResponse: both refuse
 * it (the walk by rule O1, the whole decode by its status). */
START_TEST(t_ocsp_not_successful)
{
	OCSP_RESPONSE *r = OCSP_response_create(OCSP_RESPONSE_STATUS_TRYLATER, NULL);
	STACK_OF(X509) *certs = NULL;
	unsigned char *der = NULL;
	int n;

	ck_assert_ptr_nonnull(r);
	n = i2d_OCSP_RESPONSE(r, &der);
	ck_assert_int_gt(n, 0);
	ck_assert_ptr_null(v_der_ocsp_decode(der, (size_t)n, (size_t)1 << 20, &certs));
	ck_assert_ptr_null(certs);
	ck_assert_ptr_null(v_der_ocsp_basic(der, (size_t)n, (size_t)1 << 20));
	OPENSSL_free(der);
	OCSP_RESPONSE_free(r);
}
END_TEST

START_TEST(t_ocsp_real)
{
	ocsp_real(_i);
}
END_TEST

/* --- the BasicOCSPResponse read (rules R1-R8) ---------------------------- */

static const unsigned char OID_SHA1[] = { 0x2b, 0x0e, 0x03, 0x02, 0x1a };
static const unsigned char OID_ECDSA256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 };
static const char TIME[] = "20250102030405Z";

/* What the hand-made response varies, one rule at a time (0: as valid). */
typedef struct rd_shape {
	int version;		/* 1 v1 present, 2 version in a SET */
	unsigned char rid_tag;	/* 0xa1 (0: 0xa1), 0xa2 byKey, else that tag */
	int time_len14, time_no_z, time_utc;	/* R7 on producedAt */
	int serial_pad;		/* R6: serial 00 01 */
	int oid_lead80, oid_last_high, oid_empty;	/* R5 on the CertID digest */
	int alg_param_int;	/* R2: parameters not NULL */
	unsigned char status_tag;	/* 0x80 (0: 0x80) */
	int good_content;	/* good NULL with a content octet */
	int reason_len2, reason_neg;	/* R3 */
	int next_no_time;	/* nextUpdate [0] with an INTEGER */
	int nsingles;		/* 1 (0: 1) */
	int ext_crit;		/* critical: 1 0xff, 2 0x01, 3 0x00 */
	int ext_empty;		/* R4: an empty Extensions */
	int after_exts;		/* an element after responseExtensions */
	int sig_unused;		/* R8 */
	int no_ext;		/* no responseExtensions at all */
} rd_shape;

static blob rd_build(const rd_shape *s)
{
	blob singles = none(), tbs, ext, certid, oid;
	int i;

	oid = s->oid_empty ? none()
	    : s->oid_lead80 ? raw("\x2b\x80\x03", 3)
	    : s->oid_last_high ? raw("\x2b\x0e\x83", 3) : raw(OID_SHA1, sizeof OID_SHA1);
	certid = tlv(0x30, cat(4, tlv(0x30, cat(2, tlv(0x06, oid),
						  s->alg_param_int ? tlv(0x02, raw("\x01", 1))
								    : tlv(0x05, none()))),
			       tlv(0x04, raw("0123456789abcdefghij", 20)),
			       tlv(0x04, raw("klmnopqrstuvwxyz0123", 20)),
			       tlv(0x02, s->serial_pad ? raw("\x00\x01", 2) : raw("\x01", 1))));
	for (i = 0; i < (s->nsingles ? s->nsingles : 1); i++) {
		blob status;
		unsigned char st = s->status_tag ? s->status_tag : 0x80;

		if (st == 0xa1)
			status = tlv(0xa1, cat(2, tlv(0x18, raw(TIME, 15)),
					       tlv(0xa0, tlv(0x0a, s->reason_len2 ? raw("\x00\x01", 2)
							   : s->reason_neg ? raw("\x80", 1)
							   : raw("\x01", 1)))));
		else
			status = tlv(st, s->good_content ? raw("\x00", 1) : none());
		singles = cat(2, singles,
			      tlv(0x30, cat(4, raw(certid.p, certid.n), status, tlv(0x18, raw(TIME, 15)),
					    tlv(0xa0, s->next_no_time ? tlv(0x02, raw("\x01", 1))
								      : tlv(0x18, raw(TIME, 15))))));
	}
	free(certid.p);
	ext = s->ext_empty ? tlv(0xa1, tlv(0x30, none()))
	    : tlv(0xa1, tlv(0x30, tlv(0x30, cat(3, tlv(0x06, raw("\x2b\x06\x01\x05\x05\x07\x30\x01\x02", 9)),
					       s->ext_crit == 1 ? raw("\x01\x01\xff", 3)
					       : s->ext_crit == 2 ? raw("\x01\x01\x01", 3)
					       : s->ext_crit == 3 ? raw("\x01\x01\x00", 3) : none(),
					       tlv(0x04, tlv(0x04, raw("nonce-nonce", 11)))))));
	tbs = tlv(0x30, cat(6,
			    s->version == 1 ? tlv(0xa0, tlv(0x02, raw("\x00", 1)))
			    : s->version == 2 ? tlv(0xa0, tlv(0x31, none())) : none(),
			    s->rid_tag == 0xa2 ? tlv(0xa2, tlv(0x04, raw("01234567890123456789", 20)))
					       : tlv(s->rid_tag ? s->rid_tag : 0xa1, tlv(0x30, none())),
			    tlv(s->time_utc ? 0x17 : 0x18,
				raw(s->time_no_z ? "20250102030405+" : TIME, s->time_len14 ? 14 : 15)),
			    tlv(0x30, singles), s->no_ext ? (free(ext.p), none()) : ext,
			    s->after_exts ? tlv(0x05, none()) : none()));
	return tlv(0x30, cat(2, tlv(0x0a, raw("\x00", 1)),
			     tlv(0xa0, tlv(0x30, cat(2, tlv(0x06, raw(OID_BASIC, sizeof OID_BASIC)),
						     tlv(0x04, tlv(0x30, cat(3, tbs,
							tlv(0x30, tlv(0x06, raw(OID_ECDSA256, sizeof OID_ECDSA256))),
							tlv(0x03, raw(s->sig_unused ? "\x01\x30" : "\x00\x30", 2))))))))));
}

typedef struct rd_neg {
	const char *name;
	rd_shape s;
} rd_neg;

static const rd_neg rd_negs[] = {
	{ "R1 version not an INTEGER", { .version = 2 } },
	{ "R1 responderID [3]", { .rid_tag = 0xa3 } },
	{ "R1 17 SingleResponses", { .nsingles = 17 } },
	{ "R1 an element after responseExtensions", { .after_exts = 1 } },
	{ "R2 CertID digest parameters not NULL", { .alg_param_int = 1 } },
	{ "R3 good with contents", { .good_content = 1 } },
	{ "R3 certStatus [3]", { .status_tag = 0x83 } },
	{ "R3 revocationReason of two octets", { .status_tag = 0xa1, .reason_len2 = 1 } },
	{ "R3 revocationReason negative", { .status_tag = 0xa1, .reason_neg = 1 } },
	{ "R3 nextUpdate not a time", { .next_no_time = 1 } },
	{ "R4 empty Extensions", { .ext_empty = 1 } },
	{ "R4 critical TRUE as 0x01", { .ext_crit = 2 } },
	{ "R4 critical FALSE spelt out", { .ext_crit = 3 } },
	{ "R5 OID subidentifier starting 0x80", { .oid_lead80 = 1 } },
	{ "R5 OID ending mid-subidentifier", { .oid_last_high = 1 } },
	{ "R5 empty OID", { .oid_empty = 1 } },
	{ "R6 serial with a padding octet", { .serial_pad = 1 } },
	{ "R7 producedAt of 14 octets", { .time_len14 = 1 } },
	{ "R7 producedAt not in Z", { .time_no_z = 1 } },
	{ "R7 producedAt a UTCTime", { .time_utc = 1 } },
	{ "R8 signature with unused bits", { .sig_unused = 1 } },
};

START_TEST(t_read_negative)
{
	const rd_neg *c = &rd_negs[_i];
	blob b = rd_build(&c->s);
	STACK_OF(X509) *certs = NULL;
	v_der_ocsp o;

	ck_assert_msg(v_der_ocsp_read(b.p, b.n, &o, &certs) == VN_ERR_NOT_FOUND, "%s", c->name);
	ck_assert_ptr_null(certs);
	ck_assert(o.nsingles == 0 && o.tbs.p == NULL);
	free(b.p);
}
END_TEST

/* The valid shapes are read, with the fields where they are; OpenSSL
 * decodes each too and re-encodes tbsResponseData to the same bytes. */
START_TEST(t_read_shapes_ok)
{
	static const rd_shape ok[] = {
		{ 0 }, { .version = 1 }, { .rid_tag = 0xa2 }, { .nsingles = 16 },
		{ .status_tag = 0xa1 }, { .status_tag = 0x82 }, { .ext_crit = 1 }, { .no_ext = 1 },
	};
	size_t k;

	for (k = 0; k < sizeof ok / sizeof ok[0]; k++) {
		blob b = rd_build(&ok[k]);
		STACK_OF(X509) *certs = NULL, *c2 = NULL;
		OCSP_BASICRESP *bs;
		unsigned char *t = NULL;
		v_der_ocsp o;
		int tn;

		ck_assert_msg(v_der_ocsp_read(b.p, b.n, &o, &certs) == VN_OK, "shape %zu", k);
		ck_assert_int_eq(sk_X509_num(certs), 0);
		ck_assert_uint_eq(o.nsingles, ok[k].nsingles ? (size_t)ok[k].nsingles : 1);
		ck_assert_int_eq(o.by_key, ok[k].rid_tag == 0xa2);
		ck_assert(o.produced_at.n == 15 && memcmp(o.produced_at.p, TIME, 15) == 0);
		ck_assert(o.sig.n == 1 && o.sig.p[0] == 0x30);
		ck_assert(o.sig_alg.n == sizeof OID_ECDSA256);
		ck_assert_int_eq(o.singles[0].status, ok[k].status_tag == 0xa1 ? V_OCSP_CERTSTATUS_REVOKED
						  : ok[k].status_tag == 0x82 ? V_OCSP_CERTSTATUS_UNKNOWN
						  : V_OCSP_CERTSTATUS_GOOD);
		ck_assert_int_eq(o.singles[0].reason, ok[k].status_tag == 0xa1 ? 1 : -1);
		ck_assert(o.singles[0].serial.n == 1 && o.singles[0].serial.p[0] == 1);
		ck_assert(o.singles[0].next_update.n == 15);
		bs = v_der_ocsp_decode(b.p, b.n, (size_t)1 << 20, &c2);
		ck_assert_ptr_nonnull(bs);
		tn = i2d_OCSP_RESPDATA((OCSP_RESPDATA *)OCSP_resp_get0_respdata(bs), &t);
		ck_assert(tn > 0 && (size_t)tn == o.tbs.n && memcmp(t, o.tbs.p, o.tbs.n) == 0);
		OPENSSL_free(t);
		OCSP_BASICRESP_free(bs);
		sk_X509_pop_free(c2, X509_free);
		sk_X509_pop_free(certs, X509_free);
		free(b.p);
	}
}
END_TEST

/* The read of a response OpenSSL made, with its certificate. */
START_TEST(t_read_real)
{
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	OCSP_RESPONSE *resp = NULL;
	OCSP_CERTID *id = OCSP_cert_to_id(NULL, other.x, ca.x);
	ASN1_TIME *now = X509_gmtime_adj(NULL, 0);
	STACK_OF(X509) *certs = NULL;
	unsigned char *der = NULL, *t = NULL;
	v_der_ocsp o;
	int n, tn;

	ck_assert(bs != NULL && id != NULL && now != NULL);
	ck_assert_ptr_nonnull(OCSP_basic_add1_status(bs, id, V_OCSP_CERTSTATUS_REVOKED,
						      OCSP_REVOKED_STATUS_SUPERSEDED, now, now, now));
	ck_assert_int_eq(OCSP_basic_add1_nonce(bs, NULL, 16), 1);
	ck_assert_int_eq(OCSP_basic_sign(bs, ca.x, ca.k, EVP_sha256(), NULL, OCSP_RESPID_KEY), 1);
	resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
	ck_assert_ptr_nonnull(resp);
	n = i2d_OCSP_RESPONSE(resp, &der);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(v_der_ocsp_read(der, (size_t)n, &o, &certs), VN_OK);
	ck_assert_int_eq(sk_X509_num(certs), 1);
	ck_assert_int_eq(X509_cmp(sk_X509_value(certs, 0), ca.x), 0);
	tn = i2d_OCSP_RESPDATA((OCSP_RESPDATA *)OCSP_resp_get0_respdata(bs), &t);
	ck_assert(tn > 0 && (size_t)tn == o.tbs.n && memcmp(t, o.tbs.p, o.tbs.n) == 0);
	ck_assert(o.by_key && o.responder.n == 20);
	ck_assert_uint_eq(o.nsingles, 1);
	ck_assert_int_eq(o.singles[0].status, V_OCSP_CERTSTATUS_REVOKED);
	ck_assert_int_eq(o.singles[0].reason, OCSP_REVOKED_STATUS_SUPERSEDED);
	ck_assert(o.singles[0].rev_time.n == 15 && o.singles[0].next_update.n == 15);
	/* a byte short: nothing */
	sk_X509_pop_free(certs, X509_free);
	ck_assert_int_eq(v_der_ocsp_read(der, (size_t)n - 1, &o, &certs), VN_ERR_NOT_FOUND);
	ck_assert_ptr_null(certs);
	OPENSSL_free(t);
	OPENSSL_free(der);
	OCSP_RESPONSE_free(resp);
	OCSP_BASICRESP_free(bs);
	OCSP_CERTID_free(id);
	ASN1_TIME_free(now);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("v_dersplit");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, t_negative, 0, (int)(sizeof negs / sizeof negs[0]));
	tcase_add_test(tc, t_shapes_ok);
	tcase_add_loop_test(tc, t_cms_real, 0, 2);
	tcase_add_loop_test(tc, t_ocsp_real, 0, 2);
	tcase_add_test(tc, t_ocsp_not_successful);
	tcase_add_loop_test(tc, t_read_negative, 0, (int)(sizeof rd_negs / sizeof rd_negs[0]));
	tcase_add_test(tc, t_read_shapes_ok);
	tcase_add_test(tc, t_read_real);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	vn_time now = (vn_time)time(NULL);
	int n;

	ca = tp_make("split CA", NULL, NULL, 1, now - TP_DAY, now + TP_DAY, 1, NULL, NULL, NULL,
		     NULL);
	other = tp_make("split leaf", NULL, &ca, 2, now - TP_DAY, now + TP_DAY, 0, NULL, NULL,
			NULL, NULL);
	n = i2d_X509(ca.x, &cert_der);
	TP_REQUIRE(n > 0);
	cert_len = (size_t)n;
	n = i2d_X509(other.x, &other_der);
	TP_REQUIRE(n > 0);
	other_len = (size_t)n;
	n = vn_test_run(suite());
	OPENSSL_free(cert_der);
	OPENSSL_free(other_der);
	tp_free(&ca);
	tp_free(&other);
	return n;
}
