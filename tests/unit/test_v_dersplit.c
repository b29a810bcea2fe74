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
#include "node/v_format.h"
#include "node/v_sigobj.h"

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
	int si;				/* SI_*: the signerInfos (C5, C6) */
	int emptied;			/* the sid Names as 30 00 (the rest) */
	size_t name_len;		/* contents octets of the sid Name */
} cms_shape;

static blob signers(const cms_shape *s);

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
		 signers(s));
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

/* The signerInfos (and crls) a cms_shape asks for. */
enum { SI_NONE, SI_OK, SI_SKI, SI_CRLS, SI_TWO, SI_CAP, SI_MANY, SI_AFTER_SET, SI_NOT_SET,
       SI_NOT_SEQ, SI_NO_VERSION, SI_SID_TAG, SI_SKI_CONSTRUCTED, SI_NAME_NOT_SEQ,
       SI_SERIAL_PAD, SI_SERIAL_EMPTY, SI_NO_SERIAL, SI_AFTER_SERIAL };

static const unsigned char OID_SHA256[] = { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01 };
static const unsigned char OID_ECDSA_SHA256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 };

/* One SignerInfo; k: which sid (the Name's contents are nl octets, or
 * none when emptied). */
static blob signer_info(int k, size_t nl, int emptied)
{
	unsigned char *fill = malloc(nl > 0 ? nl : 1);
	blob name, serial, sid, ver;

	TP_REQUIRE(fill != NULL);
	memset(fill, 0x5a, nl);
	name = emptied ? tlv(0x30, none()) : tlv(k == SI_NAME_NOT_SEQ ? 0x31 : 0x30, raw(fill, nl));
	free(fill);
	serial = k == SI_SERIAL_PAD ? tlv(0x02, raw("\x00\x05", 2))
		 : k == SI_SERIAL_EMPTY ? tlv(0x02, none())
		 : k == SI_NO_SERIAL ? none() : tlv(0x02, raw("\x05", 1));
	if (k == SI_AFTER_SERIAL)
		serial = cat(2, serial, tlv(0x05, none()));
	if (k == SI_SKI) {
		free(name.p);
		free(serial.p);
		sid = tlv(0x80, raw("\x01\x02\x03\x04", 4));
	} else if (k == SI_SKI_CONSTRUCTED) {
		free(name.p);
		free(serial.p);
		sid = tlv(0xa0, tlv(0x04, raw("\x01\x02\x03\x04", 4)));
	} else {
		sid = tlv(k == SI_SID_TAG ? 0xa1 : 0x30, cat(2, name, serial));
	}
	ver = k == SI_NO_VERSION ? none() : tlv(0x02, raw("\x01", 1));
	return tlv(k == SI_NOT_SEQ ? 0x31 : 0x30,
		   cat(5, ver, sid, tlv(0x30, tlv(0x06, raw(OID_SHA256, sizeof OID_SHA256))),
		       tlv(0x30, tlv(0x06, raw(OID_ECDSA_SHA256, sizeof OID_ECDSA_SHA256))),
		       tlv(0x04, raw("\x01", 1))));
}

static blob signers(const cms_shape *s)
{
	size_t nl = s->name_len > 0 ? s->name_len : 20, i, count;
	blob set = none(), crls = none();

	switch (s->si) {
	case SI_NONE:
		count = 0;
		break;
	case SI_TWO:
		count = 2;
		break;
	case SI_CAP:
		count = 16;
		break;
	case SI_MANY:
		count = 17;
		break;
	default:
		count = 1;
	}
	for (i = 0; i < count; i++)
		set = cat(2, set, signer_info(s->si == SI_TWO && i == 1 ? SI_SKI : s->si,
					      nl + i, s->emptied));
	if (s->si == SI_CRLS)
		crls = tlv(0xa1, cat(2, crls, tlv(0x30, raw("\x01\x02", 2))));
	return cat(3, crls, tlv(s->si == SI_NOT_SET ? 0x30 : 0x31, set),
		   s->si == SI_AFTER_SET ? tlv(0x05, none()) : none());
}
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
#define SI_NEG(k) { 0x30, 0, 0, 0, 0, 0x30, 1, 0, 0, 0, 0, (k) }
	{ "C5 an element after signerInfos", 0, SI_NEG(SI_AFTER_SET), OCSP_OK, 0 },
	{ "C5 signerInfos not a SET", 0, SI_NEG(SI_NOT_SET), OCSP_OK, 0 },
	{ "C5 more than 16 SignerInfos", 0, SI_NEG(SI_MANY), OCSP_OK, 0 },
	{ "C6 SignerInfo not a SEQUENCE", 0, SI_NEG(SI_NOT_SEQ), OCSP_OK, 0 },
	{ "C6 no version", 0, SI_NEG(SI_NO_VERSION), OCSP_OK, 0 },
	{ "C6 sid of another tag", 0, SI_NEG(SI_SID_TAG), OCSP_OK, 0 },
	{ "C6 subjectKeyIdentifier constructed", 0, SI_NEG(SI_SKI_CONSTRUCTED), OCSP_OK, 0 },
	{ "C6 issuer not a SEQUENCE", 0, SI_NEG(SI_NAME_NOT_SEQ), OCSP_OK, 0 },
	{ "C6 serial with a leading zero octet", 0, SI_NEG(SI_SERIAL_PAD), OCSP_OK, 0 },
	{ "C6 serial without contents", 0, SI_NEG(SI_SERIAL_EMPTY), OCSP_OK, 0 },
	{ "C6 no serial", 0, SI_NEG(SI_NO_SERIAL), OCSP_OK, 0 },
	{ "C6 an element after the serial", 0, SI_NEG(SI_AFTER_SERIAL), OCSP_OK, 0 },
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
	v_der_sids sids;

	return ocsp ? v_der_ocsp_split(b->p, b->n, out, certs)
		    : v_der_cms_split(b->p, b->n, out, certs, &sids, V_DER_UATTRS);
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

/* sid is SignerInfo i's sid in OpenSSL's decode of der/n as received:
 * the issuer Name's bytes and the serial's contents, or the key id. */
static void sid_is_original(const unsigned char *der, int n, int i, const v_der_sid *sid)
{
	const unsigned char *q = der, *nd = NULL;
	CMS_ContentInfo *orig = d2i_CMS_ContentInfo(NULL, &q, n);
	CMS_SignerInfo *si;
	ASN1_OCTET_STRING *kid = NULL;
	X509_NAME *nm = NULL;
	ASN1_INTEGER *sno = NULL;
	unsigned char *sd = NULL;
	size_t nl = 0;
	int sl;

	ck_assert_ptr_nonnull(orig);
	si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(orig), i);
	ck_assert_ptr_nonnull(si);
	ck_assert_int_eq(CMS_SignerInfo_get0_signer_id(si, &kid, &nm, &sno), 1);
	if (kid != NULL) {
		ck_assert_ptr_null(sid->name.p);
	} else {
		ck_assert_int_eq(X509_NAME_get0_der(nm, &nd, &nl), 1);
		ck_assert(sid->name.p != NULL && sid->name.n == nl &&
			  memcmp(sid->name.p, nd, nl) == 0);
		ck_assert(sid->name.p >= der && sid->name.p + nl <= der + n);
		sl = i2d_ASN1_INTEGER(sno, &sd);
		ck_assert_int_gt(sl, 2);
		ck_assert(sd[1] < 0x80 && sid->serial.n == (size_t)sl - 2 &&
			  memcmp(sid->serial.p, sd + 2, sid->serial.n) == 0);
		OPENSSL_free(sd);
	}
	CMS_ContentInfo_free(orig);
}

/* A SignedData made by OpenSSL with two certificates: the rest decodes
 * without certificates, the two come back in order, and the signature
 * verifies over the rest with them once the signer is found on the sid
 * bytes returned. nocerts: none carried. */
static void cms_real(int nocerts)
{
	BIO *data = BIO_new_mem_buf("valnode split test", -1);
	CMS_ContentInfo *cms = NULL, *back = NULL;
	STACK_OF(X509) *certs = NULL, *theirs = NULL;
	unsigned char *der = NULL;
	const unsigned char *q;
	v_der_sids sids;
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
	ck_assert_int_eq(v_der_cms_split(der, (size_t)n, &out, &certs, &sids, V_DER_UATTRS), VN_OK);
	ck_assert_int_eq(sk_X509_num(certs), nocerts ? 0 : 2);
	for (i = 0; i < sk_X509_num(certs); i++)
		ck_assert_int_eq(X509_cmp(sk_X509_value(certs, i), sk_X509_value(theirs, i)), 0);
	/* the sid as received: the original's Name bytes and serial */
	ck_assert_int_eq(sids.n, 1);
	sid_is_original(der, n, 0, &sids.sid[0]);
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
		CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(back), 0);
		X509 *signer = NULL;
		X509_NAME *empty = NULL;

		if (nocerts)
			ck_assert_int_eq(sk_X509_push(with, ca.x), 1);
		/* the rest's sid Name is empty; the signer is found on the
		 * returned bytes, then the signature verifies */
		ck_assert_int_eq(CMS_SignerInfo_get0_signer_id(si, NULL, &empty, NULL), 1);
		ck_assert_int_eq(X509_NAME_entry_count(empty), 0);
		ck_assert_int_eq(v_der_sid_find(si, &sids.sid[0], with, &signer), VN_OK);
		ck_assert(signer != NULL && X509_cmp(signer, ca.x) == 0);
		CMS_SignerInfo_set1_signer_cert(si, signer);
		ck_assert_int_eq(CMS_verify(back, with, NULL, NULL, NULL,
					    CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY), 1);
		if (nocerts)
			sk_X509_free(with);
	}
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(back);
	/* v_der_cms_decode: the same split and decode in one call; refused
	 * input (a byte short, or a rest beyond the cap) gives nothing */
	back = v_der_cms_decode(der, (size_t)n, (size_t)1 << 20, &certs, &sids, 0);
	ck_assert_ptr_nonnull(back);
	ck_assert_int_eq(sk_X509_num(certs), nocerts ? 0 : 2);
	for (i = 0; i < sk_X509_num(certs); i++)
		ck_assert_int_eq(X509_cmp(sk_X509_value(certs, i), sk_X509_value(theirs, i)), 0);
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(back);
	{
		STACK_OF(X509) *junk = sk_X509_new_null();	/* overwritten with NULL */

		certs = junk;
		ck_assert_ptr_null(v_der_cms_decode(der, (size_t)n - 1, (size_t)1 << 20, &certs,
						    &sids, V_DER_UATTRS));
		ck_assert_ptr_null(certs);
		certs = junk;
		ck_assert_ptr_null(
			v_der_cms_decode(der, (size_t)n, 16, &certs, &sids, V_DER_UATTRS));
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

/* --- the sids (rules C5, C6): Names emptied in the rest ------------------ */

/* Hand-made signerInfos that pass: the rest is the same structure without
 * certificates and with every issuer Name as 30 00, byte for byte, and the
 * sids returned point at the Names and serials of the input. The Name
 * lengths run across the short/long length boundaries (0x80, 0x100) of the
 * SignerInfo and of every element around it. */
static void si_shape_ok(int si, size_t name_len)
{
	cms_shape c = CMS_OK, want_s;
	blob b, want;
	STACK_OF(X509) *certs = NULL;
	v_der_sids sids;
	vn_buf out;
	size_t i;

	c.si = si;
	c.name_len = name_len;
	want_s = c;
	want_s.no_field = 1;
	want_s.emptied = 1;
	b = cms_build(&c);
	want = cms_build(&want_s);
	vn_buf_init(&out, (size_t)1 << 20);
	ck_assert_int_eq(v_der_cms_split(b.p, b.n, &out, &certs, &sids, V_DER_UATTRS), VN_OK);
	ck_assert_msg(out.len == want.n && memcmp(out.data, want.p, want.n) == 0,
		      "si %d name %zu", si, name_len);
	ck_assert_int_eq(sids.n, si == SI_TWO ? 2 : si == SI_CAP ? 16 : 1);
	for (i = 0; i < sids.n; i++) {
		const v_der_sid *d = &sids.sid[i];
		if (si == SI_SKI || (si == SI_TWO && i == 1)) {
			ck_assert_ptr_null(d->name.p);	/* the key id is left in place */
			continue;
		}
		ck_assert(d->name.p > b.p && d->name.p + d->name.n < b.p + b.n);
		ck_assert_int_eq(d->name.p[0], 0x30);
		ck_assert_uint_eq(d->name.n, (name_len > 0 ? name_len : 20) + i +
				  (name_len + i < 0x80 ? 2 : name_len + i < 0x100 ? 3 : 4));
		ck_assert(d->serial.n == 1 && d->serial.p[0] == 0x05 && d->serial.p[-2] == 0x02);
	}
	/* the rest walks again to itself */
	{
		vn_buf again;
		STACK_OF(X509) *none_left = NULL;
		v_der_sids s2;

		vn_buf_init(&again, (size_t)1 << 20);
		ck_assert_int_eq(v_der_cms_split(out.data, out.len, &again, &none_left, &s2,
						 V_DER_UATTRS), VN_OK);
		ck_assert(again.len == out.len && memcmp(again.data, out.data, out.len) == 0);
		sk_X509_pop_free(none_left, X509_free);
		vn_buf_free(&again);
	}
	sk_X509_pop_free(certs, X509_free);
	vn_buf_free(&out);
	free(b.p);
	free(want.p);
}

START_TEST(t_si_shapes_ok)
{
	static const int kinds[] = { SI_NONE, SI_OK, SI_SKI, SI_CRLS, SI_TWO, SI_CAP };
	size_t k, nl;

	for (k = 1; k < sizeof kinds / sizeof kinds[0]; k++)
		si_shape_ok(kinds[k], 0);
	for (nl = 1; nl < 420; nl++)
		si_shape_ok(nl % 2 ? SI_OK : SI_TWO, nl);
}
END_TEST

/* An X509_NAME C=XX, CN=cn with the CN in string type type (MBSTRING_ASC:
 * as the test PKI makes it, a UTF8String). */
static X509_NAME *name_of(const char *cn, int type)
{
	X509_NAME *nm = X509_NAME_new();

	TP_REQUIRE(nm != NULL);
	TP_REQUIRE(X509_NAME_add_entry_by_txt(nm, "C", MBSTRING_ASC, (const unsigned char *)"XX",
					      -1, -1, 0) == 1);
	TP_REQUIRE(X509_NAME_add_entry_by_txt(nm, "CN", type, (const unsigned char *)cn, -1, -1,
					      0) == 1);
	return nm;
}

/* How a test changes the sid after signing (the sid is not signed). */
enum { M_NONE, M_SERIAL, M_ISSUER, M_CASE, M_PRINTABLE, M_SPACES, M_KEYID };

/* A SignedData with embedded content signed by signer (key k), carrying
 * extra (may be NULL) and a second SignerInfo by second when not NULL; the
 * first sid changed by mod. DER in *der. */
static int cms_make(X509 *signer, EVP_PKEY *k, STACK_OF(X509) *extra, const tp_cert *second,
		    int mod, int noattr, unsigned char **der)
{
	BIO *data = BIO_new_mem_buf("valnode sid test", -1);
	unsigned int fl = CMS_BINARY | CMS_PARTIAL | (noattr ? CMS_NOATTR : 0);
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, extra, NULL, fl);
	CMS_SignerInfo *si;
	X509_NAME *issuer = NULL, *nm = NULL;
	ASN1_INTEGER *sno = NULL;
	ASN1_OCTET_STRING *kid = NULL;
	int n;

	ck_assert(data != NULL && cms != NULL);
	si = CMS_add1_signer(cms, signer, k, EVP_sha256(),
			     fl | (mod == M_KEYID ? CMS_USE_KEYID : 0));
	ck_assert_ptr_nonnull(si);
	if (second != NULL)
		ck_assert_ptr_nonnull(CMS_add1_signer(cms, second->x, second->k, EVP_sha256(),
						      fl | CMS_USE_KEYID | CMS_NOCERTS));
	ck_assert_int_eq(CMS_final(cms, data, NULL, CMS_BINARY), 1);
	ck_assert_int_eq(CMS_SignerInfo_get0_signer_id(si, &kid, NULL, NULL), 1);
	if (kid == NULL)
		ck_assert_int_eq(CMS_SignerInfo_get0_signer_id(si, NULL, &issuer, &sno), 1);
	switch (mod) {
	case M_SERIAL:
		ck_assert_int_eq(ASN1_INTEGER_set(sno, ASN1_INTEGER_get(sno) + 1), 1);
		break;
	case M_ISSUER:
	case M_CASE:
	case M_PRINTABLE:
	case M_SPACES:
		/* the sid's Name rewritten in place, entry by entry */
		nm = mod == M_ISSUER ? name_of("split CB", MBSTRING_ASC)
		     : mod == M_CASE ? name_of("SPLIT ca", MBSTRING_ASC)
		     : mod == M_PRINTABLE ? name_of("split CA", V_ASN1_PRINTABLESTRING)
					  : name_of("  split   CA ", MBSTRING_ASC);
		while (X509_NAME_entry_count(issuer) > 0)
			X509_NAME_ENTRY_free(X509_NAME_delete_entry(issuer, 0));
		for (n = 0; n < X509_NAME_entry_count(nm); n++)
			ck_assert_int_eq(X509_NAME_add_entry(issuer, X509_NAME_get_entry(nm, n),
							     -1, 0), 1);
		X509_NAME_free(nm);
		break;
	default:
		break;
	}
	*der = NULL;
	n = i2d_CMS_ContentInfo(cms, der);
	ck_assert_int_gt(n, 0);
	CMS_ContentInfo_free(cms);
	BIO_free(data);
	return n;
}

/* The certificate OpenSSL finds for SignerInfo i in der/n as received
 * (CMS_SignerInfo_cert_cmp over the carried certificates, in order). */
static X509 *reference_signer(const unsigned char *der, int n, int i)
{
	const unsigned char *q = der;
	CMS_ContentInfo *orig = d2i_CMS_ContentInfo(NULL, &q, n);
	CMS_SignerInfo *si;
	STACK_OF(X509) *all;
	X509 *r = NULL;
	int k;

	ck_assert_ptr_nonnull(orig);
	si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(orig), i);
	all = CMS_get1_certs(orig);
	for (k = 0; k < sk_X509_num(all) && r == NULL; k++)
		if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(all, k)) == 0)
			r = X509_dup(sk_X509_value(all, k));
	sk_X509_pop_free(all, X509_free);
	CMS_ContentInfo_free(orig);
	return r;
}

/* Through v_der_cms_decode and v_der_sid_find: the certificate found for
 * SignerInfo i, NULL for none; the signature verifies with it. */
static X509 *found_signer(const unsigned char *der, int n, int i)
{
	STACK_OF(X509) *certs = NULL;
	v_der_sids sids;
	CMS_ContentInfo *cms =
		v_der_cms_decode(der, (size_t)n, (size_t)1 << 20, &certs, &sids, V_DER_UATTRS);
	CMS_SignerInfo *si;
	X509 *x = NULL, *r = NULL;

	ck_assert_ptr_nonnull(cms);
	ck_assert_int_eq(sids.n, (size_t)sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms)));
	sid_is_original(der, n, i, &sids.sid[i]);
	si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), i);
	ck_assert_int_eq(v_der_sid_find(si, &sids.sid[i], certs, &x), VN_OK);
	if (x != NULL) {
		r = X509_dup(x);
		CMS_SignerInfo_set1_signer_cert(si, x);
		ck_assert_int_eq(CMS_SignerInfo_verify(si) == 1 ||
				 CMS_signed_get_attr_count(si) < 0, 1);
	}
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
	return r;
}

typedef struct match_case {
	const char *name;
	int mod;
	int twin;	/* carry a twin of the signer: same serial, its issuer
			 * equal to the signer's only canonically */
	int want;	/* 0 the signer, 1 the twin, -1 none */
} match_case;

static const match_case match_cases[] = {
	{ "issuer bytes and serial equal", M_NONE, 0, 0 },
	{ "serial differs", M_SERIAL, 0, -1 },
	{ "issuer differs", M_ISSUER, 0, -1 },
	{ "issuer in other case (canonically equal)", M_CASE, 0, 0 },
	{ "CN a PrintableString, not a UTF8String", M_PRINTABLE, 0, 0 },
	{ "CN with extra spaces", M_SPACES, 0, 0 },
	{ "subjectKeyIdentifier", M_KEYID, 0, 0 },
	{ "first carried wins: a canonical match before the byte match", M_NONE, 1, 1 },
};

/* The signer found on the bytes (and the fallback) is the one
 * CMS_SignerInfo_cert_cmp finds in the input as received, and v_cms_parse
 * reports it, or V_CMS_NO_SIGNING_CERT when there is none. */
START_TEST(t_match)
{
	const match_case *c = &match_cases[_i];
	STACK_OF(X509) *extra = sk_X509_new_null();
	X509 *twin = NULL, *ref, *got, *want;
	unsigned char *der = NULL;
	v_sigobj *o = NULL;
	size_t no = 0;
	char why[256];
	int n;

	ck_assert_ptr_nonnull(extra);
	ck_assert_int_eq(sk_X509_push(extra, ca.x), 1);
	if (c->twin) {
		X509_NAME *nm = name_of("SPLIT ca", MBSTRING_ASC);

		/* the same key and serial, the issuer in other case; signed
		 * again until its encoding sorts before the signer's in the
		 * DER SET OF (ECDSA signatures vary in length) */
		twin = X509_dup(other.x);
		ck_assert(twin != NULL && X509_set_issuer_name(twin, nm) == 1);
		X509_NAME_free(nm);
		for (n = 0; n < 64; n++) {
			unsigned char *td = NULL, *od = NULL;
			int tl, ol, r;

			ck_assert_int_gt(X509_sign(twin, ca.k, EVP_sha256()), 0);
			tl = i2d_X509(twin, &td);
			ol = i2d_X509(other.x, &od);
			ck_assert(tl > 0 && ol > 0);
			r = memcmp(td, od, (size_t)(tl < ol ? tl : ol));
			OPENSSL_free(td);
			OPENSSL_free(od);
			if (r < 0 || (r == 0 && tl < ol))
				break;
		}
		ck_assert_int_lt(n, 64);
		ck_assert_int_eq(sk_X509_push(extra, twin), 2);
	}
	n = cms_make(other.x, other.k, extra, NULL, c->mod, 0, &der);
	ref = reference_signer(der, n, 0);
	got = found_signer(der, n, 0);
	want = c->want < 0 ? NULL : c->want == 0 ? other.x : twin;
	ck_assert_msg((ref == NULL) == (want == NULL) && (want == NULL || X509_cmp(ref, want) == 0),
		      "%s: the reference", c->name);
	ck_assert_msg((got == NULL) == (want == NULL) && (want == NULL || X509_cmp(got, want) == 0),
		      "%s", c->name);
	ck_assert_msg(v_cms_parse(der, (size_t)n, NULL, &o, &no, why, sizeof why) == VN_OK, "%s",
		      why);
	ck_assert_int_eq(no, 1);
	if (want == NULL) {
		ck_assert_ptr_null(o[0].signer);
		ck_assert_int_eq(o[0].check, V_CHECK_NO_SIGNING_CERT);
		ck_assert(vn_findings_has(&o[0].findings, "V_CMS_NO_SIGNING_CERT"));
	} else {
		ck_assert(o[0].signer != NULL && X509_cmp(o[0].signer, want) == 0);
		ck_assert_msg(o[0].check == V_CHECK_OK, "%s: check %d", c->name, o[0].check);
	}
	v_sigobj_free(&o[0]);
	free(o);
	X509_free(ref);
	X509_free(got);
	X509_free(twin);
	sk_X509_free(extra);
	OPENSSL_free(der);
	ERR_clear_error();
}
END_TEST

/* Serial numbers in every INTEGER form (sign octet, negative values, the
 * two's complement boundaries): found when equal, not when one apart, as
 * ASN1_INTEGER_cmp decides. */
START_TEST(t_serials)
{
	static const long serials[] = { 0, 2, 127, 128, 255, 256, 65535, 0x7fffffffL,
					-1, -127, -128, -129, -255, -256, -257, -32768,
					-32769, -65536 };
	vn_time now = (vn_time)time(NULL);
	tp_cert leaf = tp_make("serial leaf", NULL, &ca, serials[_i], now - TP_DAY,
			       now + TP_DAY, 0, NULL, NULL, NULL, NULL);
	STACK_OF(X509) *extra = sk_X509_new_null();
	X509 *ref, *got;
	unsigned char *der = NULL;
	int n, mod;

	ck_assert(extra != NULL && sk_X509_push(extra, ca.x) == 1);
	for (mod = M_NONE; mod <= M_SERIAL; mod++) {
		n = cms_make(leaf.x, leaf.k, extra, NULL, mod, 1, &der);
		ref = reference_signer(der, n, 0);
		got = found_signer(der, n, 0);
		/* one apart from the CA's own serial (1, the same issuer),
		 * the sid names the CA */
		ck_assert_msg(mod == M_NONE ? ref != NULL && X509_cmp(ref, leaf.x) == 0
			      : serials[_i] + 1 == 1 ? ref != NULL && X509_cmp(ref, ca.x) == 0
						     : ref == NULL, "serial %ld", serials[_i]);
		ck_assert_msg((got == NULL) == (ref == NULL) &&
			      (ref == NULL || X509_cmp(got, ref) == 0), "serial %ld", serials[_i]);
		X509_free(ref);
		X509_free(got);
		OPENSSL_free(der);
	}
	sk_X509_free(extra);
	tp_free(&leaf);
}
END_TEST

/* Two SignerInfos, the second by subjectKeyIdentifier, and a signer whose
 * long Name puts its SignerInfo in the long length form, the rest's in the
 * short: the rest decodes, each sid comes back as received, each signer is
 * found as OpenSSL finds it and its signature verifies. */
START_TEST(t_sid_real)
{
	vn_time now = (vn_time)time(NULL);
	tp_cert longca = tp_make("a certification authority whose name is long enough, 64 chars",
				 NULL, NULL, 7, now - TP_DAY, now + TP_DAY, 1, NULL, NULL, NULL,
				 NULL);
	STACK_OF(X509) *extra = sk_X509_new_null();
	unsigned char *der = NULL;
	X509 *ref, *got;
	int n, i;

	ck_assert(extra != NULL && sk_X509_push(extra, ca.x) == 1);
	n = _i == 0 ? cms_make(other.x, other.k, extra, &ca, M_NONE, 0, &der)
		    : cms_make(longca.x, longca.k, NULL, NULL, M_NONE, 1, &der);
	for (i = 0; i < (_i == 0 ? 2 : 1); i++) {
		ref = reference_signer(der, n, i);
		got = found_signer(der, n, i);
		ck_assert(ref != NULL && got != NULL && X509_cmp(ref, got) == 0);
		X509_free(ref);
		X509_free(got);
	}
	OPENSSL_free(der);
	sk_X509_free(extra);
	tp_free(&longca);
}
END_TEST

/* --- the unsigned attributes (rules U1-U3, V_DER_UATTRS) ------------------ */

static const unsigned char OID_TST[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10,
					 0x02, 0x0e };
static const unsigned char OID_CV[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10,
					0x02, 0x17 };

/* What the SignedData-with-SignerInfos builder varies, one rule at a time. */
typedef struct ua_shape {
	int no_value;		/* U2: an attribute with an empty SET */
	int bad_oid;		/* U2/R5: a subidentifier starting 0x80 */
	int empty_oid;		/* U2/R5: attrType without contents */
	int open_oid;		/* U2/R5: the last octet with 0x80 set */
	int type_not_oid;	/* U2: attrType an OCTET STRING */
	int after_set;		/* U2: an element after attrValues */
	int empty_ua;		/* U2: [1] with no attribute */
	int many;		/* U2: 1 V_DER_MAX_UATTRS attributes, 2 one more */
	int attr_set;		/* U2: an Attribute tagged SET */
	int value_int;		/* U3: a value that is an INTEGER */
	int value_indef;	/* D2: a value of indefinite length */
	int attr_long;		/* D3: an Attribute's length in the long form */
	int after_ua;		/* U1: an element after [1] */
	int sig_cons;		/* U1: the signature a constructed OCTET STRING */
	int no_sig_alg;		/* U1: no signatureAlgorithm */
	int no_ua;		/* no [1]: nothing to take */
	int crls;		/* a crls [1] field (accepted) */
	int no_certs;		/* no certificates field (accepted) */
	int sattrs;		/* a [0] signedAttrs (accepted) */
	int two_si;		/* a second SignerInfo, the same (accepted) */
	int second_bad;		/* with two_si: the second's value an INTEGER */
	int first_bare;		/* with two_si: no [1] in the first */
} ua_shape;

static blob ua_oid(const ua_shape *s, const unsigned char *oid, size_t n)
{
	if (s->type_not_oid)
		return tlv(0x04, raw(oid, n));
	if (s->empty_oid)
		return tlv(0x06, none());
	if (s->bad_oid)
		return tlv(0x06, raw("\x2a\x80\x01", 3));
	if (s->open_oid)
		return tlv(0x06, raw("\x2a\x86", 2));
	return tlv(0x06, raw(oid, n));
}

static blob ua_attrs(const ua_shape *s)
{
	blob a1, a2, v1, all = none();
	int i;

	v1 = s->value_int ? tlv(0x02, raw("\x05", 1))
	     : s->value_indef ? raw("\x30\x80\x02\x01\x07\x00\x00", 7)
	     : tlv(0x30, tlv(0x02, raw("\x07", 1)));
	a1 = cat(3, ua_oid(s, OID_TST, sizeof OID_TST),
		 tlv(0x31, s->no_value ? (free(v1.p), none()) : v1),
		 s->after_set ? tlv(0x05, none()) : none());
	if (s->attr_long)
		a1 = cat(2, raw((const unsigned char[]){ 0x30, 0x81, (unsigned char)a1.n }, 3), a1);
	else
		a1 = tlv(s->attr_set ? 0x31 : 0x30, a1);
	a2 = tlv(0x30, cat(2, tlv(0x06, raw(OID_CV, sizeof OID_CV)),
			   tlv(0x31, cat(2, tlv(0x30, none()), tlv(0x30, cert())))));
	if (s->empty_ua) {
		free(a1.p);
		free(a2.p);
		free(all.p);
		return tlv(0xa1, none());
	}
	/* many 1: the cap itself, 2: one more */
	for (i = 0; s->many && i < V_DER_MAX_UATTRS - 3 + s->many; i++)
		all = cat(2, all, tlv(0x30, cat(2, tlv(0x06, raw(OID_CV, sizeof OID_CV)),
						tlv(0x31, tlv(0x30, none())))));
	return tlv(0xa1, cat(3, a1, a2, all));
}

static blob ua_si(const ua_shape *s)
{
	blob sattrs;

	if (s->sattrs)
		sattrs = tlv(0xa0, tlv(0x30, cat(2, tlv(0x06, raw(OID_CV, sizeof OID_CV)),
						 tlv(0x31, tlv(0x30, none())))));
	else
		sattrs = none();
	return tlv(0x30, cat(8, tlv(0x02, raw("\x01", 1)),
			     tlv(0x30, cat(2, tlv(0x30, none()), tlv(0x02, raw("\x01", 1)))),
			     tlv(0x30, tlv(0x06, raw(OID_SHA256, sizeof OID_SHA256))), sattrs,
			     s->no_sig_alg ? none()
					   : tlv(0x30, tlv(0x06, raw(OID_ECDSA_SHA256,
								     sizeof OID_ECDSA_SHA256))),
			     s->sig_cons ? tlv(0x24, tlv(0x04, raw("\x01\x02", 2)))
					 : tlv(0x04, raw("\x01\x02", 2)),
			     s->no_ua ? none() : ua_attrs(s),
			     s->after_ua ? tlv(0x05, none()) : none()));
}

static blob ua_build(const ua_shape *s)
{
	ua_shape first = *s, second = *s;
	blob sd;

	first.no_ua = s->no_ua || s->first_bare;
	second.value_int = s->second_bad;
	sd = cat(6, tlv(0x02, raw("\x01", 1)), tlv(0x31, none()),
		 tlv(0x30, tlv(0x06, raw(OID_DATA, sizeof OID_DATA))),
		 s->no_certs ? none() : tlv(0xa0, cert()), s->crls ? tlv(0xa1, none()) : none(),
		 tlv(0x31, cat(2, ua_si(&first), s->two_si ? ua_si(&second) : none())));
	return tlv(0x30, cat(2, tlv(0x06, raw(OID_SD, sizeof OID_SD)), tlv(0xa0, tlv(0x30, sd))));
}

typedef struct ua_neg {
	const char *name;
	ua_shape s;
} ua_neg;

static const ua_neg ua_negs[] = {
	{ "U2 no value in an attribute's SET", { .no_value = 1 } },
	{ "U2 OID with a subidentifier starting 0x80", { .bad_oid = 1 } },
	{ "U2 OID without contents", { .empty_oid = 1 } },
	{ "U2 OID ending in an open subidentifier", { .open_oid = 1 } },
	{ "U2 attrType not an OID", { .type_not_oid = 1 } },
	{ "U2 element after attrValues", { .after_set = 1 } },
	{ "U2 empty unsignedAttrs", { .empty_ua = 1 } },
	{ "U2 too many attributes", { .many = 2 } },
	{ "U2 Attribute not a SEQUENCE", { .attr_set = 1 } },
	{ "U3 value not a SEQUENCE", { .value_int = 1 } },
	{ "D2 value of indefinite length", { .value_indef = 1 } },
	{ "D3 Attribute length in the long form", { .attr_long = 1 } },
	{ "U1 element after unsignedAttrs", { .after_ua = 1 } },
	{ "U1 constructed signature", { .sig_cons = 1 } },
	{ "U1 no signatureAlgorithm", { .no_sig_alg = 1 } },
	{ "no unsignedAttrs", { .no_ua = 1 } },
};

/* Each negative shape: split with V_DER_UATTRS as without it (the same
 * result, rest and certificates), nothing taken, and decoded exactly when
 * it was without it. */
START_TEST(t_ua_negative)
{
	const ua_neg *c = &ua_negs[_i];
	blob b = ua_build(&c->s);
	STACK_OF(X509) *certs = NULL, *certs2 = NULL;
	CMS_ContentInfo *x, *y;
	v_der_sids sids, sids2;
	vn_buf out, out2;
	vn_err e, e2;
	size_t i;

	vn_buf_init(&out, (size_t)1 << 20);
	vn_buf_init(&out2, (size_t)1 << 20);
	e = v_der_cms_split(b.p, b.n, &out, &certs, &sids, V_DER_UATTRS);
	e2 = v_der_cms_split(b.p, b.n, &out2, &certs2, &sids2, 0);
	ck_assert_msg(e == e2, "%s", c->name);
	ck_assert_msg(out.len == out2.len && memcmp(out.data, out2.data, out.len) == 0, "%s",
		      c->name);
	ck_assert_int_eq(sk_X509_num(certs), sk_X509_num(certs2));
	for (i = 0; i < sids.n; i++)
		ck_assert_msg(sids.sid[i].uattrs.p == NULL, "%s", c->name);
	sk_X509_pop_free(certs, X509_free);
	sk_X509_pop_free(certs2, X509_free);
	x = v_der_cms_decode(b.p, b.n, (size_t)1 << 20, &certs, &sids, V_DER_UATTRS);
	y = v_der_cms_decode(b.p, b.n, (size_t)1 << 20, &certs2, &sids2, 0);
	ck_assert_msg((x == NULL) == (y == NULL), "%s", c->name);
	for (i = 0; i < sids.n; i++)
		ck_assert_msg(sids.sid[i].uattrs.p == NULL, "%s", c->name);
	CMS_ContentInfo_free(x);
	CMS_ContentInfo_free(y);
	sk_X509_pop_free(certs, X509_free);
	sk_X509_pop_free(certs2, X509_free);
	vn_buf_free(&out);
	vn_buf_free(&out2);
	free(b.p);
	ERR_clear_error();
}
END_TEST

/* The attributes read for SignerInfo k are OpenSSL's, type and value
 * bytes, in order; how many. */
static size_t ua_same_as_openssl(const unsigned char *der, size_t n, int k, const v_der_sid *sid)
{
	const unsigned char *q = der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &q, (long)n);
	v_der_attr a[V_DER_MAX_UATTRS];
	CMS_SignerInfo *si;
	size_t i, na = v_der_attrs_read(&sid->uattrs, a);
	int j;

	ck_assert_ptr_nonnull(cms);
	ck_assert(q == der + n);
	si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), k);
	ck_assert_int_eq(CMS_unsigned_get_attr_count(si), (int)na);
	for (i = 0; i < na; i++) {
		X509_ATTRIBUTE *x = CMS_unsigned_get_attr(si, (int)i);
		const ASN1_OBJECT *o = X509_ATTRIBUTE_get0_object(x);
		v_der_bytes v;

		ck_assert(a[i].oid.n == (size_t)OBJ_length(o) &&
			  memcmp(a[i].oid.p, OBJ_get0_data(o), a[i].oid.n) == 0);
		ck_assert_int_eq(X509_ATTRIBUTE_count(x), a[i].nvals);
		for (j = 0; j < a[i].nvals; j++) {
			unsigned char *e = NULL;
			int el = i2d_ASN1_TYPE(X509_ATTRIBUTE_get0_type(x, j), &e);

			ck_assert_int_eq(v_der_attr_value(&a[i], j, &v), 1);
			ck_assert(el > 0 && (size_t)el == v.n && memcmp(e, v.p, v.n) == 0);
			OPENSSL_free(e);
		}
		ck_assert_int_eq(v_der_attr_value(&a[i], a[i].nvals, &v), 0);
		ck_assert_int_eq(v_der_attr_value(&a[i], -1, &v), 0);
	}
	CMS_ContentInfo_free(cms);
	return na;
}

/* The accepted shapes: taken (the second SignerInfo's too, unless it
 * breaks U3), read as OpenSSL reads them; the rest is the rest of the same
 * input without those [1] fields, byte for byte, and decodes without them. */
START_TEST(t_ua_ok)
{
	static const ua_shape shapes[] = { { 0 }, { .crls = 1 }, { .no_certs = 1 },
					   { .many = 1 }, { .sattrs = 1 }, { .two_si = 1 },
					   { .two_si = 1, .second_bad = 1 } };
	const ua_shape *s = &shapes[_i];
	ua_shape bare = *s;
	blob b = ua_build(s), want;
	STACK_OF(X509) *certs = NULL, *c2 = NULL;
	CMS_ContentInfo *x;
	v_der_sids sids, s2;
	vn_buf out, out2;
	size_t k, nsi = s->two_si ? 2 : 1;

	bare.no_ua = 1;
	vn_buf_init(&out, (size_t)1 << 20);
	vn_buf_init(&out2, (size_t)1 << 20);
	ck_assert_int_eq(v_der_cms_split(b.p, b.n, &out, &certs, &sids, V_DER_UATTRS), VN_OK);
	ck_assert_uint_eq(sids.n, nsi);
	ck_assert_int_eq(sk_X509_num(certs), s->no_certs ? 0 : 1);
	for (k = 0; k < nsi; k++) {
		if (k == 1 && s->second_bad) {
			ck_assert_ptr_null(sids.sid[k].uattrs.p);
			continue;
		}
		ck_assert_ptr_nonnull(sids.sid[k].uattrs.p);
		ck_assert_uint_eq(ua_same_as_openssl(b.p, b.n, (int)k, &sids.sid[k]),
				  s->many ? V_DER_MAX_UATTRS : 2);
	}
	/* the rest: that of the input without the [1] fields taken */
	if (s->second_bad)
		bare = (ua_shape){ .two_si = 1, .second_bad = 1, .first_bare = 1 };
	want = ua_build(&bare);
	ck_assert_int_eq(v_der_cms_split(want.p, want.n, &out2, &c2, &s2, 0), VN_OK);
	ck_assert(out.len == out2.len && memcmp(out.data, out2.data, out.len) == 0);
	sk_X509_pop_free(c2, X509_free);
	free(want.p);
	sk_X509_pop_free(certs, X509_free);
	x = v_der_cms_decode(b.p, b.n, (size_t)1 << 20, &certs, &sids, V_DER_UATTRS);
	ck_assert_ptr_nonnull(x);
	for (k = 0; k < nsi; k++) {
		int cnt = CMS_unsigned_get_attr_count(
			sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(x), (int)k));
		ck_assert_int_eq(sids.sid[k].uattrs.p != NULL, !(k == 1 && s->second_bad));
		if (sids.sid[k].uattrs.p != NULL)
			ck_assert_int_le(cnt, 0);
		else
			ck_assert_int_eq(cnt, 2);
	}
	CMS_ContentInfo_free(x);
	sk_X509_pop_free(certs, X509_free);
	/* without the flag: nothing taken */
	x = v_der_cms_decode(b.p, b.n, (size_t)1 << 20, &certs, &sids, 0);
	ck_assert_ptr_nonnull(x);
	for (k = 0; k < nsi; k++)
		ck_assert_ptr_null(sids.sid[k].uattrs.p);
	CMS_ContentInfo_free(x);
	sk_X509_pop_free(certs, X509_free);
	vn_buf_free(&out);
	vn_buf_free(&out2);
	free(b.p);
	ERR_clear_error();
}
END_TEST

/* A signature made by OpenSSL with unsigned attributes added: they are
 * taken out, read as OpenSSL reads them, and the signature verifies over
 * the rest. */
START_TEST(t_ua_real)
{
	BIO *data = BIO_new_mem_buf("valnode split test", -1);
	CMS_ContentInfo *cms, *back;
	CMS_SignerInfo *si;
	STACK_OF(X509) *certs = NULL;
	unsigned char *der = NULL;
	static const unsigned char v1[] = { 0x30, 0x03, 0x02, 0x01, 0x09 };
	v_der_sids sids;
	X509 *signer = NULL;
	int n;

	cms = CMS_sign(ca.x, ca.k, NULL, data, CMS_BINARY | CMS_PARTIAL);
	ck_assert_ptr_nonnull(cms);
	ck_assert_int_eq(BIO_reset(data), 1);
	ck_assert_int_eq(CMS_final(cms, data, NULL, CMS_BINARY), 1);
	si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	ck_assert_int_eq(CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken,
						       V_ASN1_SEQUENCE, v1, sizeof v1), 1);
	ck_assert_int_eq(CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_ets_certValues,
						       V_ASN1_SEQUENCE, cert_der, (int)cert_len),
			 1);
	n = i2d_CMS_ContentInfo(cms, &der);
	ck_assert_int_gt(n, 0);
	back = v_der_cms_decode(der, (size_t)n, (size_t)1 << 20, &certs, &sids, V_DER_UATTRS);
	ck_assert_ptr_nonnull(back);
	ck_assert_uint_eq(sids.n, 1);
	ck_assert_uint_eq(ua_same_as_openssl(der, (size_t)n, 0, &sids.sid[0]), 2);
	si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(back), 0);
	ck_assert_int_le(CMS_unsigned_get_attr_count(si), 0);
	ck_assert_int_eq(v_der_sid_find(si, &sids.sid[0], certs, &signer), VN_OK);
	ck_assert_ptr_nonnull(signer);
	CMS_SignerInfo_set1_signer_cert(si, signer);
	ck_assert_int_eq(CMS_verify(back, certs, NULL, NULL, NULL,
				    CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY), 1);
	CMS_ContentInfo_free(back);
	sk_X509_pop_free(certs, X509_free);
	/* a byte short: nothing, nothing taken */
	ck_assert_ptr_null(v_der_cms_decode(der, (size_t)n - 1, (size_t)1 << 20, &certs, &sids,
					    V_DER_UATTRS));
	ck_assert(certs == NULL && sids.n == 0);
	OPENSSL_free(der);
	CMS_ContentInfo_free(cms);
	BIO_free(data);
	ERR_clear_error();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("v_dersplit");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, t_negative, 0, (int)(sizeof negs / sizeof negs[0]));
	tcase_add_test(tc, t_shapes_ok);
	tcase_add_loop_test(tc, t_cms_real, 0, 2);
	tcase_add_test(tc, t_si_shapes_ok);
	tcase_add_loop_test(tc, t_match, 0, (int)(sizeof match_cases / sizeof match_cases[0]));
	tcase_add_loop_test(tc, t_serials, 0, 18);
	tcase_add_loop_test(tc, t_sid_real, 0, 2);
	tcase_add_loop_test(tc, t_ocsp_real, 0, 2);
	tcase_add_test(tc, t_ocsp_not_successful);
	tcase_add_loop_test(tc, t_read_negative, 0, (int)(sizeof rd_negs / sizeof rd_negs[0]));
	tcase_add_test(tc, t_read_shapes_ok);
	tcase_add_test(tc, t_read_real);
	tcase_add_loop_test(tc, t_ua_negative, 0, (int)(sizeof ua_negs / sizeof ua_negs[0]));
	tcase_add_loop_test(tc, t_ua_ok, 0, 7);
	tcase_add_test(tc, t_ua_real);
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
