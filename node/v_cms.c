/* valnode: CMS SignedData and CAdES (RFC 5652, EN 319 122-1), as a format
 * parser for the validation engine.
 *
 * OpenSSL reads the structure and verifies signatures; what OpenSSL does not
 * keep (the original bytes of the signed attributes, the SignedData's
 * RevocationInfoChoices of type "other", the inside of CAdES unsigned
 * attributes) is read here through a small bounded DER cursor. Nothing from
 * the input is trusted beyond its structure: certificates are only
 * candidates, their trust is the engine's business.
 */
#include "node/v_format.h"
#include "node/v_format_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/sha.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include "common/vn_buf.h"
#include "common/vn_certcache.h"
#include "common/vn_digest.h"
#include "common/vn_p256.h"
#include "node/v_dersplit.h"

#define DER_MAX_DEPTH 48

/* OIDs the parser recognises, as the contents octets of their DER
 * (X.690 8.19): compared as bytes, since DER gives each OID one encoding. */
#define PK9 "\x2a\x86\x48\x86\xf7\x0d\x01\x09"	/* 1.2.840.113549.1.9 */
#define OID_CONTENT_TYPE PK9 "\x03"		/* 1.2.840.113549.1.9.3 */
#define OID_MESSAGE_DIGEST PK9 "\x04"		/* 1.2.840.113549.1.9.4 */
#define OID_SIGNING_TIME PK9 "\x05"		/* 1.2.840.113549.1.9.5 */
#define OID_SIG_TST PK9 "\x10\x02\x0e"	/* id-aa-signatureTimeStampToken */
#define OID_CONTENT_TST PK9 "\x10\x02\x14"	/* id-aa-ets-contentTimestamp */
#define OID_CERT_VALUES PK9 "\x10\x02\x17"	/* id-aa-ets-certValues */
#define OID_REV_VALUES PK9 "\x10\x02\x18"	/* id-aa-ets-revocationValues */
#define OID_ATS_V1 PK9 "\x10\x02\x1b"		/* id-aa-ets-archiveTimestamp */
#define OID_ATS_V2 PK9 "\x10\x02\x30"		/* id-aa-ets-archiveTimestampV2 */
#define OID_SIGNING_CERT PK9 "\x10\x02\x0c"	/* id-aa-signingCertificate */
#define OID_SIGNING_CERT_V2 PK9 "\x10\x02\x2f"	/* id-aa-signingCertificateV2 */
#define OID_ATS_V3 "\x04\x00\x8d\x45\x02\x04"	/* 0.4.0.1733.2.4 id-aa-ets-archiveTimestampV3 */
#define OID_ATS_HASH_INDEX_V3 "\x04\x00\x8d\x45\x02\x05"	/* 0.4.0.1733.2.5 */
/* An OID macro above as (bytes, length); a literal's sizeof counts its NUL. */
#define OID_ARG(o) (const unsigned char *)(o), sizeof(o) - 1

/* DER of the OBJECT IDENTIFIERs met inside RevocationInfoChoice "other". */
static const unsigned char oid_ocsp_basic[] = { 0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05,
						0x07, 0x30, 0x01, 0x01 };
static const unsigned char oid_ri_ocsp[] = { 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05,
					     0x07, 0x10, 0x02 };

/* --- a bounded DER/BER cursor (X.690) ---------------------------------- */

typedef struct der_cur {
	const unsigned char *p;
	size_t n;
} der_cur;

typedef struct der_tlv {
	unsigned char tag;		/* single-octet identifiers only */
	const unsigned char *start;	/* the identifier octet */
	size_t len;			/* the whole element, header to end */
	const unsigned char *c;		/* contents */
	size_t clen;
	int indef;			/* BER indefinite length */
} der_tlv;

static int der_get(der_cur *cur, der_tlv *t, int depth);

/* The definite length of the element at p (n >= 2 bytes, p[1] != 0x80):
 * its header size in *hl and contents length in *len, both inside n; 0 when
 * the length is longer than 4 octets or runs past n. */
static int der_def_len(const unsigned char *p, size_t n, size_t *hl, size_t *len)
{
	size_t nb, k, l = 0;

	if (p[1] < 0x80) {
		*hl = 2;
		l = p[1];
	} else {
		nb = p[1] & 0x7f;
		if (nb > 4 || n - 2 < nb)
			return 0;
		for (k = 0; k < nb; k++)
			l = (l << 8) | p[2 + k];
		*hl = 2 + nb;
	}
	if (n - *hl < l)
		return 0;
	*len = l;
	return 1;
}

/* Contents of an indefinite-length element: elements up to end-of-contents. */
static int der_indef_len(const unsigned char *p, size_t n, size_t *clen, int depth)
{
	der_cur c = { p, n };
	der_tlv t;

	for (;;) {
		if (c.n >= 2 && c.p[0] == 0 && c.p[1] == 0) {
			*clen = (size_t)(c.p - p);
			return 1;
		}
		if (!der_get(&c, &t, depth + 1))
			return 0;
	}
}

/* Read the next element; 1 on success, 0 on anything malformed. */
static int der_get(der_cur *cur, der_tlv *t, int depth)
{
	const unsigned char *p = cur->p;
	size_t n = cur->n, i = 2, len = 0;

	if (depth > DER_MAX_DEPTH || n < 2 || (p[0] & 0x1f) == 0x1f)
		return 0;
	memset(t, 0, sizeof *t);
	t->tag = p[0];
	t->start = p;
	if (p[1] == 0x80) {
		if (!(p[0] & 0x20) || !der_indef_len(p + 2, n - 2, &len, depth))
			return 0;
		t->indef = 1;
		t->c = p + 2;
		t->clen = len;
		t->len = 2 + len + 2;
		cur->p += t->len;
		cur->n -= t->len;
		return 1;
	}
	if (!der_def_len(p, n, &i, &len))
		return 0;
	t->c = p + i;
	t->clen = len;
	t->len = i + len;
	cur->p += t->len;
	cur->n -= t->len;
	return 1;
}

static int der_enter(const der_tlv *t, der_cur *c)
{
	c->p = t->c;
	c->n = t->clen;
	return (t->tag & 0x20) != 0;
}

/* Whether every element in p/n, at any depth, has a definite length (X.690
 * 10.1: DER), and with fewest set, its length in the fewest octets too
 * (X.690 10.1). Constructed contents are elements themselves (X.690
 * 8.1.1); anything unreadable or deeper than DER_MAX_DEPTH counts as not
 * DER. */
static int der_lengths_ok(const unsigned char *p, size_t n, int fewest, int depth)
{
	/* der_get's rules, read in place: the walk covers every element of
	 * the input, certificates included, so it does no more than check. */
	while (n > 0) {
		size_t i, len;

		if (depth > DER_MAX_DEPTH || n < 2 || (p[0] & 0x1f) == 0x1f || p[1] == 0x80 ||
		    !der_def_len(p, n, &i, &len))
			return 0;
		if (fewest && i > 2 && (p[2] == 0 || len < 0x80))
			return 0;
		if ((p[0] & 0x20) && !der_lengths_ok(p + i, len, fewest, depth + 1))
			return 0;
		p += i + len;
		n -= i + len;
	}
	return 1;
}

/* --- what the walk over the SignedData finds --------------------------- */

typedef struct cms_walk {
	size_t nsi;
	const unsigned char *sattr[V_MAX_SIGNATURES];	/* [0] IMPLICIT signedAttrs */
	size_t sattr_len[V_MAX_SIGNATURES];
	int sattr_indef[V_MAX_SIGNATURES];
	v_blob *crls;		/* SignedData.crls, CertificateList */
	size_t ncrls;
	v_blob *ocsps;		/* SignedData.crls, "other" OCSP, as OCSPResponse */
	size_t nocsps;
	/* Where the archive-timestamp-v2 input's parts lie in the input
	 * (TS 101 733 annex K); pointers into the caller's bytes. */
	der_tlv eci;		/* encapContentInfo */
	int econtent;		/* eContent present (enveloping) */
	der_tlv certs, crlf;	/* certificates [0], crls [1]; start NULL when absent */
	der_tlv si[V_MAX_SIGNATURES];	/* each SignerInfo SEQUENCE */
	const unsigned char *der;	/* the whole input, as walked */
	size_t n;
} cms_walk;

/* Whether the input has no indefinite length anywhere: asked only where a
 * single byte string must be hashed (the archive timestamps), so that
 * other signatures do not pay a walk of every element. */
static int walk_all_definite(const cms_walk *w)
{
	return der_lengths_ok(w->der, w->n, 0, 0);
}

static void walk_free(cms_walk *w)
{
	size_t i;

	for (i = 0; i < w->ncrls; i++)
		free(w->crls[i].p);
	free(w->crls);
	for (i = 0; i < w->nocsps; i++)
		free(w->ocsps[i].p);
	free(w->ocsps);
}

/* A BasicOCSPResponse wrapped as a successful OCSPResponse (RFC 6960 4.2.1)
 * so the revocation code reads one shape; the inner bytes are kept as they
 * are, since the responder's signature covers them. */
static vn_err push_basic_ocsp(v_blob **arr, size_t *n, const unsigned char *p, size_t len)
{
	static const unsigned char status[] = { 0x0a, 0x01, 0x00 };	/* successful */
	vn_buf rb, body, ob;
	vn_err e;

	vn_buf_init(&rb, V_MAX_DOCUMENT);
	vn_buf_init(&body, V_MAX_DOCUMENT);
	vn_buf_init(&ob, V_MAX_DOCUMENT);
	/* ResponseBytes ::= SEQUENCE { responseType, response OCTET STRING } */
	{
		vn_buf ob2;
		vn_buf_init(&ob2, V_MAX_DOCUMENT);
		if ((e = vn_buf_append(&ob2, oid_ocsp_basic, sizeof oid_ocsp_basic)) != VN_OK ||
		    (e = v_der_put_hdr(&ob2, 0x04, len)) != VN_OK ||
		    (e = vn_buf_append(&ob2, p, len)) != VN_OK ||
		    (e = v_der_put_hdr(&rb, 0x30, ob2.len)) != VN_OK ||
		    (e = vn_buf_append(&rb, ob2.data, ob2.len)) != VN_OK) {
			vn_buf_free(&ob2);
			goto out;
		}
		vn_buf_free(&ob2);
	}
	/* OCSPResponse ::= SEQUENCE { responseStatus, [0] EXPLICIT ResponseBytes } */
	if ((e = vn_buf_append(&body, status, sizeof status)) != VN_OK ||
	    (e = v_der_put_hdr(&body, 0xa0, rb.len)) != VN_OK ||
	    (e = vn_buf_append(&body, rb.data, rb.len)) != VN_OK ||
	    (e = v_der_put_hdr(&ob, 0x30, body.len)) != VN_OK ||
	    (e = vn_buf_append(&ob, body.data, body.len)) != VN_OK)
		goto out;
	e = v_blob_push(arr, n, V_MAX_REVOCATION, ob.data, ob.len);
out:
	vn_buf_free(&rb);
	vn_buf_free(&body);
	vn_buf_free(&ob);
	return e;
}

/* SignedData.crls: RevocationInfoChoices (RFC 5652 10.2.1; RFC 5940 for
 * the OCSP "other" formats). */
static vn_err walk_crls(const der_tlv *crls, cms_walk *w)
{
	der_cur c, oc;
	der_tlv t, oid, info;
	vn_err e;

	der_enter(crls, &c);
	while (c.n > 0) {
		if (!der_get(&c, &t, 3))
			return VN_ERR_MALFORMED;
		if (t.tag == 0x30) {
			if ((e = v_blob_push(&w->crls, &w->ncrls, V_MAX_REVOCATION, t.start,
					     t.len)) != VN_OK)
				return e;
			continue;
		}
		if (t.tag != 0xa1)
			continue;	/* unknown choice: not revocation data we use */
		der_enter(&t, &oc);
		if (!der_get(&oc, &oid, 4) || oid.tag != 0x06 || !der_get(&oc, &info, 4))
			return VN_ERR_MALFORMED;
		if (oid.len == sizeof oid_ocsp_basic &&
		    memcmp(oid.start, oid_ocsp_basic, oid.len) == 0 && info.tag == 0x30) {
			if ((e = push_basic_ocsp(&w->ocsps, &w->nocsps, info.start, info.len)) !=
			    VN_OK)
				return e;
		} else if (oid.len == sizeof oid_ri_ocsp &&
			   memcmp(oid.start, oid_ri_ocsp, oid.len) == 0 && info.tag == 0x30) {
			if ((e = v_blob_push(&w->ocsps, &w->nocsps, V_MAX_REVOCATION, info.start,
					     info.len)) != VN_OK)
				return e;
		}
	}
	return VN_OK;
}

/* ContentInfo -> SignedData -> (crls, signerInfos[i].signedAttrs). */
static vn_err cms_walk_der(const unsigned char *der, size_t n, cms_walk *w)
{
	der_cur c = { der, n }, ci, sd, sis, si;
	der_tlv t, u;

	w->der = der;
	w->n = n;
	if (!der_get(&c, &t, 0) || t.tag != 0x30 || !der_enter(&t, &ci))
		return VN_ERR_MALFORMED;
	if (!der_get(&ci, &t, 1) || t.tag != 0x06 || !der_get(&ci, &t, 1) || t.tag != 0xa0)
		return VN_ERR_MALFORMED;
	der_enter(&t, &ci);
	if (!der_get(&ci, &t, 2) || t.tag != 0x30)
		return VN_ERR_MALFORMED;
	der_enter(&t, &sd);
	/* version, digestAlgorithms, encapContentInfo */
	if (!der_get(&sd, &t, 3) || t.tag != 0x02 || !der_get(&sd, &t, 3) || t.tag != 0x31 ||
	    !der_get(&sd, &w->eci, 3) || w->eci.tag != 0x30 || !der_get(&sd, &t, 3))
		return VN_ERR_MALFORMED;
	{
		/* EncapsulatedContentInfo ::= SEQUENCE { eContentType,
		 * eContent [0] EXPLICIT OCTET STRING OPTIONAL } (RFC 5652 5.2) */
		der_cur ec;
		der_enter(&w->eci, &ec);
		if (!der_get(&ec, &u, 4) || u.tag != 0x06)
			return VN_ERR_MALFORMED;
		w->econtent = ec.n > 0;
	}
	if (t.tag == 0xa0) {				/* certificates */
		w->certs = t;
		if (!der_get(&sd, &t, 3))
			return VN_ERR_MALFORMED;
	}
	if (t.tag == 0xa1) {				/* crls */
		vn_err e;
		w->crlf = t;
		e = walk_crls(&t, w);
		if (e != VN_OK)
			return e;
		if (!der_get(&sd, &t, 3))
			return VN_ERR_MALFORMED;
	}
	if (t.tag != 0x31)
		return VN_ERR_MALFORMED;
	der_enter(&t, &sis);
	while (sis.n > 0) {
		if (w->nsi >= V_MAX_SIGNATURES)
			return VN_ERR_TOO_LARGE;
		if (!der_get(&sis, &t, 4) || t.tag != 0x30)
			return VN_ERR_MALFORMED;
		w->si[w->nsi] = t;
		der_enter(&t, &si);
		/* version, sid, digestAlgorithm, [0] signedAttrs? */
		if (!der_get(&si, &u, 5) || !der_get(&si, &u, 5) || !der_get(&si, &u, 5))
			return VN_ERR_MALFORMED;
		if (si.n > 0 && si.p[0] == 0xa0) {
			if (!der_get(&si, &u, 5))
				return VN_ERR_MALFORMED;
			w->sattr[w->nsi] = u.start;
			w->sattr_len[w->nsi] = u.len;
			w->sattr_indef[w->nsi] = u.indef;
		}
		w->nsi++;
	}
	return VN_OK;
}

/* --- per-SignerInfo checks --------------------------------------------- */

/* The first failure in EN 319 102-1 order wins: FC, ISC, then CV; v_check's
 * values are declared in that order. */
static void raise_check(v_sigobj *o, v_check c)
{
	if (o->check == V_CHECK_OK || c < o->check)
		o->check = c;
}

static vn_err finding(v_sigobj *o, vn_level l, const char *code, const char *msg)
{
	return vn_findings_add(&o->findings, l, code, "%s", msg);
}

static int obj_is(const ASN1_OBJECT *obj, const unsigned char *oid, size_t len)
{
	const unsigned char *d = OBJ_get0_data(obj);

	return d != NULL && (size_t)OBJ_length(obj) == len && memcmp(d, oid, len) == 0;
}

/* DER of an attribute value. */
static vn_err attr_value_der(X509_ATTRIBUTE *a, int i, unsigned char **der, size_t *len)
{
	ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(a, i);
	unsigned char *p = NULL;
	int n;

	if (t == NULL)
		return VN_ERR_MALFORMED;
	n = i2d_ASN1_TYPE(t, &p);
	if (n <= 0)
		return VN_ERR_MALFORMED;
	*der = p;
	*len = (size_t)n;
	return VN_OK;
}

/* ---- the signed attributes, read once per SignerInfo -------------------
 * Every check on the signed attributes reads this view: the attribute
 * types, how many values each has, and the DER of the first value. When
 * the walk proves the received [0] DER (sattrs_from_walk), the view points
 * into the input, whose bytes are then exactly what OpenSSL would encode;
 * otherwise it is made from OpenSSL's decoded attributes, each first value
 * re-encoded (sattrs_from_cms), as the checks always read them. */
#define SATTR_INLINE 32

typedef struct sattr {
	const unsigned char *oid;	/* contents octets of attrType */
	size_t oidlen;
	int nvals;			/* values in attrValues */
	const unsigned char *v0;	/* DER of the first value; NULL without */
	size_t v0len;
	unsigned char *own;		/* v0 when re-encoded (OPENSSL_malloc'd) */
} sattr;

typedef struct sattrs {
	int n;				/* attributes */
	int der;			/* 1: read from the received bytes, proved DER */
	sattr *a;			/* inl, or n entries calloc'd */
	sattr inl[SATTR_INLINE];
} sattrs;

static void sattrs_free(sattrs *v)
{
	for (int i = 0; v->a != NULL && i < v->n; i++)
		OPENSSL_free(v->a[i].own);
	if (v->a != v->inl)
		free(v->a);
	v->a = NULL;
	v->n = 0;
}

/* Attribute value types whose OpenSSL decoding (ASN1_ANY) keeps the
 * received octets and encodes them back unchanged. */
static int sattr_value_kept(unsigned char tag)
{
	return tag == 0x04 || tag == 0x06 || tag == 0x17 || tag == 0x18 || tag == 0x30 ||
	       tag == 0x31;
}

/* X.690 11.6 order of two TLVs (the shorter padded with nothing: as
 * OpenSSL sorts a SET OF when it encodes one). */
static int tlv_cmp(const der_tlv *x, const der_tlv *y)
{
	size_t m = x->len < y->len ? x->len : y->len;
	int r = memcmp(x->start, y->start, m);

	if (r != 0)
		return r;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* The view from the received [0] signedAttrs (raw/rlen), when the walk
 * proves that OpenSSL's encoding of the decoded attributes, sorted as DER
 * sorts a SET OF, is these very bytes: strict DER at every depth, each
 * Attribute SEQUENCE { OID, SET OF value }, attributes and each
 * attribute's values in ascending order, each value of a type OpenSSL
 * keeps as received. 1 proved (v filled), 0 not (v untouched). */
static int sattrs_from_walk(const unsigned char *raw, size_t rlen, int indef, sattrs *v)
{
	der_cur c = { raw, rlen }, in, ac, vc;
	der_tlv t, prev, a, oid, set, val, pv;
	int n = 0, k;

	if (raw == NULL || indef || rlen < 2 || raw[0] != 0xa0 || !der_lengths_ok(raw, rlen, 1, 0) ||
	    !der_get(&c, &t, 0) || c.n != 0)
		return 0;
	der_enter(&t, &in);
	memset(&prev, 0, sizeof prev);
	memset(&pv, 0, sizeof pv);
	while (in.n > 0) {
		if (n >= SATTR_INLINE || !der_get(&in, &a, 1) || a.tag != 0x30 ||
		    (n > 0 && tlv_cmp(&prev, &a) > 0))
			return 0;
		der_enter(&a, &ac);
		if (!der_get(&ac, &oid, 2) || oid.tag != 0x06 || !der_get(&ac, &set, 2) ||
		    set.tag != 0x31 || ac.n != 0)
			return 0;
		der_enter(&set, &vc);
		for (k = 0; vc.n > 0; k++) {
			if (!der_get(&vc, &val, 3) || !sattr_value_kept(val.tag) ||
			    (k > 0 && tlv_cmp(&pv, &val) > 0))
				return 0;
			if (k == 0) {
				v->inl[n].v0 = val.start;
				v->inl[n].v0len = val.len;
			}
			pv = val;
		}
		v->inl[n].oid = oid.c;
		v->inl[n].oidlen = oid.clen;
		v->inl[n].nvals = k;
		if (k == 0)
			v->inl[n].v0 = NULL;
		v->inl[n].own = NULL;
		prev = a;
		n++;
	}
	v->a = v->inl;
	v->n = n;
	v->der = 1;
	return 1;
}

/* The view from OpenSSL's decoded attributes. VN_OK or VN_ERR_NOMEM. */
static vn_err sattrs_from_cms(CMS_SignerInfo *si, sattrs *v)
{
	int i, n = CMS_signed_get_attr_count(si);

	v->der = 0;
	v->n = 0;
	v->a = v->inl;
	if (n <= 0)
		return VN_OK;
	if (n > SATTR_INLINE && (v->a = calloc((size_t)n, sizeof *v->a)) == NULL)
		return VN_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		X509_ATTRIBUTE *x = CMS_signed_get_attr(si, i);
		const ASN1_OBJECT *obj = x != NULL ? X509_ATTRIBUTE_get0_object(x) : NULL;
		sattr *s = &v->a[i];

		memset(s, 0, sizeof *s);
		v->n = i + 1;
		if (obj == NULL || OBJ_get0_data(obj) == NULL)
			continue;	/* matches no OID */
		s->oid = OBJ_get0_data(obj);
		s->oidlen = (size_t)OBJ_length(obj);
		s->nvals = X509_ATTRIBUTE_count(x);
		if (s->nvals > 0) {
			size_t l = 0;
			if (attr_value_der(x, 0, &s->own, &l) != VN_OK)
				return VN_ERR_NOMEM;
			s->v0 = s->own;
			s->v0len = l;
		}
	}
	return VN_OK;
}

/* The single signed attribute of this OID: 0 absent, 1 found once with one
 * value (*out its index), -1 repeated or multi-valued (RFC 5652 11: a
 * signed attribute occurs once, with one value, for content-type,
 * message-digest, signing-time; EN 319 122-1 5.2.2.3 for the ESS
 * attributes). */
static int signed_attr_one(const sattrs *v, const unsigned char *oid, size_t len, int *out)
{
	int i, found = 0;

	*out = -1;
	for (i = 0; i < v->n; i++) {
		const sattr *s = &v->a[i];
		if (s->oid == NULL || s->oidlen != len || memcmp(s->oid, oid, len) != 0)
			continue;
		if (found++ || s->nvals != 1)
			return -1;
		*out = i;
	}
	return found;
}

/* The first value of attribute i when it is a primitive of this tag: its
 * contents in *c / *clen. 1 yes, 0 no. */
static int sattr_prim(const sattrs *v, int i, unsigned char tag, const unsigned char **c,
		      size_t *clen)
{
	der_cur cur;
	der_tlv t;

	if (i < 0 || v->a[i].v0 == NULL)
		return 0;
	cur.p = v->a[i].v0;
	cur.n = v->a[i].v0len;
	if (!der_get(&cur, &t, 0) || t.tag != tag || t.indef)
		return 0;
	*c = t.c;
	*clen = t.clen;
	return 1;
}

/* X.690 11.6: the encodings of a SET OF's elements in ascending order. */
static int der_cmp(const void *a, const void *b)
{
	const v_blob *x = a, *y = b;
	size_t m = x->n < y->n ? x->n : y->n;
	int r = memcmp(x->p, y->p, m);

	if (r != 0)
		return r;
	return x->n < y->n ? -1 : x->n > y->n;
}

/* The DER of each signed attribute as OpenSSL holds it, in the order
 * received: for the DER check of attributes that sattrs_from_walk could not
 * prove DER. */
typedef struct sattr_enc {
	int done;		/* tried */
	int n;			/* attributes; -1 when they could not be encoded */
	v_blob *enc;		/* n entries, OPENSSL_malloc'd bytes */
} sattr_enc;

static const sattr_enc *sattr_enc_get(CMS_SignerInfo *si, sattr_enc *se)
{
	int i, n = CMS_signed_get_attr_count(si);

	if (se->done)
		return se->n > 0 ? se : NULL;
	se->done = 1;
	se->n = -1;
	if (n <= 0 || (se->enc = calloc((size_t)n, sizeof *se->enc)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char *p = NULL;
		int len = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &p);
		if (len <= 0) {
			OPENSSL_free(p);
			for (int k = 0; k < i; k++)
				OPENSSL_free(se->enc[k].p);
			free(se->enc);
			se->enc = NULL;
			return NULL;
		}
		se->enc[i].p = p;
		se->enc[i].n = (size_t)len;
	}
	se->n = n;
	return se;
}

static void sattr_enc_free(sattr_enc *se)
{
	for (int i = 0; se->enc != NULL && i < se->n; i++)
		OPENSSL_free(se->enc[i].p);
	free(se->enc);
	memset(se, 0, sizeof *se);
}

/* Whether the signed attributes were sent in DER (RFC 5652 5.4: the
 * signature is computed over their DER; a verifier that re-encodes would
 * hide a BER encoding). 1 yes, 0 no, <0 could not tell. */
static int signed_attrs_der(CMS_SignerInfo *si, const unsigned char *orig, size_t olen,
			    int indef)
{
	sattr_enc enc_s, *se = &enc_s;
	const sattr_enc *s;
	int i, r = -1;
	v_blob *enc = NULL;
	vn_buf b;

	memset(se, 0, sizeof *se);
	vn_buf_init(&b, V_MAX_DOCUMENT);
	if (indef || orig == NULL || olen < 2 || orig[0] != 0xa0)
		return 0;
	if ((s = sattr_enc_get(si, se)) == NULL ||
	    (enc = malloc((size_t)s->n * sizeof *enc)) == NULL)
		goto out;
	memcpy(enc, s->enc, (size_t)s->n * sizeof *enc);
	qsort(enc, (size_t)s->n, sizeof *enc, der_cmp);
	{
		size_t total = 0;
		for (i = 0; i < s->n; i++)
			total += enc[i].n;
		if (v_der_put_hdr(&b, 0xa0, total) != VN_OK)
			goto out;
		for (i = 0; i < s->n; i++)
			if (vn_buf_append(&b, enc[i].p, enc[i].n) != VN_OK)
				goto out;
	}
	r = b.len == olen && memcmp(b.data, orig, olen) == 0;
out:
	free(enc);
	vn_buf_free(&b);
	sattr_enc_free(se);
	return r;
}

/* ESS signing-certificate(-v2) (RFC 2634 5.4, RFC 5035 3; EN 319 122-1
 * 5.2.2.3): the first ESSCertID(v2) names the signing certificate by hash.
 * 1 matches, 0 does not, -1 malformed. */
static int ess_first_matches(const unsigned char *der, size_t n, int v2, X509 *signer)
{
	der_cur c = { der, n }, in;
	der_tlv t;
	/* v2: DEFAULT sha256; v1: SHA-1, which X509_digest answers from the
	 * hash OpenSSL keeps of every certificate. */
	const EVP_MD *md = v2 ? vn_md_by_nid(NID_sha256) : EVP_sha1();
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;

	if (!der_get(&c, &t, 0) || t.tag != 0x30 || !der_enter(&t, &in))
		return -1;
	if (!der_get(&in, &t, 1) || t.tag != 0x30 || !der_enter(&t, &in))	/* certs */
		return -1;
	if (!der_get(&in, &t, 2) || t.tag != 0x30 || !der_enter(&t, &in))	/* ESSCertID */
		return -1;
	if (!der_get(&in, &t, 3))
		return -1;
	if (v2 && t.tag == 0x30) {
		der_cur ac;
		der_tlv oid;
		const unsigned char *q;
		ASN1_OBJECT *obj;
		der_enter(&t, &ac);
		if (!der_get(&ac, &oid, 4) || oid.tag != 0x06)
			return -1;
		q = oid.start;
		obj = d2i_ASN1_OBJECT(NULL, &q, (long)oid.len);
		if (obj == NULL)
			return -1;
		md = vn_md_by_nid(OBJ_obj2nid(obj));
		ASN1_OBJECT_free(obj);
		if (md == NULL)
			return -1;
		if (!der_get(&in, &t, 3))
			return -1;
	}
	if (t.tag != 0x04 || t.indef)
		return -1;
	if (EVP_MD_get_type(md) == NID_sha256) {
		/* the usual case: the signer's fingerprint, kept beside it */
		if (vn_cert_sha256(signer, h) != 0)
			return -1;
		hl = SHA256_DIGEST_LENGTH;
	} else if (!X509_digest(signer, md, h, &hl)) {
		return -1;
	}
	return t.clen == hl && CRYPTO_memcmp(t.c, h, hl) == 0;
}

/* CAdES certificate-values (EN 319 122-1 5.5.1): SEQUENCE OF Certificate. */
static vn_err cert_values(v_sigobj *o, const unsigned char *der, size_t n)
{
	der_cur c = { der, n }, in;
	der_tlv t;
	vn_err e;

	if (!der_get(&c, &t, 0) || t.tag != 0x30 || !der_enter(&t, &in))
		return VN_ERR_MALFORMED;
	while (in.n > 0) {
		X509 *x;
		if (!der_get(&in, &t, 1))
			return VN_ERR_MALFORMED;
		/* The same certificate values come back with every request
		 * for the same signer: decoded once (vn_certcache.h). */
		x = vn_cert_decode(t.start, t.len);
		if (x == NULL)
			return VN_ERR_MALFORMED;
		e = v_sigobj_add_cert(o, x);
		X509_free(x);
		if (e != VN_OK)
			return e;
	}
	return VN_OK;
}

/* CAdES revocation-values (EN 319 122-1 5.5.2): crlVals [0] SEQUENCE OF
 * CertificateList, ocspVals [1] SEQUENCE OF BasicOCSPResponse, explicitly
 * tagged as in the ExplicitSyntax88 module. */
static vn_err revocation_values(v_sigobj *o, const unsigned char *der, size_t n)
{
	der_cur c = { der, n }, in, tc, sc;
	der_tlv t, s, el;
	vn_err e;

	if (!der_get(&c, &t, 0) || t.tag != 0x30 || !der_enter(&t, &in))
		return VN_ERR_MALFORMED;
	while (in.n > 0) {
		if (!der_get(&in, &t, 1))
			return VN_ERR_MALFORMED;
		if (t.tag != 0xa0 && t.tag != 0xa1)
			continue;	/* otherRevVals: not a format we read */
		der_enter(&t, &tc);
		if (!der_get(&tc, &s, 2) || s.tag != 0x30 || tc.n != 0)
			return VN_ERR_MALFORMED;
		der_enter(&s, &sc);
		while (sc.n > 0) {
			if (!der_get(&sc, &el, 3) || el.tag != 0x30)
				return VN_ERR_MALFORMED;
			if (t.tag == 0xa0)
				e = v_blob_push(&o->crls, &o->ncrls, V_MAX_REVOCATION, el.start,
						el.len);
			else
				e = push_basic_ocsp(&o->ocsps, &o->nocsps, el.start, el.len);
			if (e != VN_OK)
				return e;
		}
	}
	return VN_OK;
}

typedef struct cms_content {
	const unsigned char *p;	/* the signed content, embedded or supplied; NULL: none */
	size_t n;
	/* Detached with no bytes: the caller's digest of the document, or
	 * NULL. An archive-time-stamp-v3 covers only a hash of the content
	 * (EN 319 122-1 5.5.3), which this gives when the algorithms agree. */
	const v_data *dg;
} cms_content;

/* ---- the unsigned attributes -------------------------------------------
 * Read from the received bytes when the strict split took them out of what
 * OpenSSL decodes (v_dersplit.h, U1-U3: the same types, value counts and
 * value bytes as OpenSSL's, in the same order), else from OpenSSL's decoded
 * SignerInfo. */
typedef struct uattr {
	X509_ATTRIBUTE *x;		/* OpenSSL's; NULL when d is used */
	const v_der_attr *d;		/* read by the split */
} uattr;

typedef struct uattrs {
	CMS_SignerInfo *si;
	int n;				/* with d: how many */
	const v_der_attr *d;		/* NULL: OpenSSL holds them */
} uattrs;

static int ua_count(const uattrs *l)
{
	return l->d != NULL ? l->n : CMS_unsigned_get_attr_count(l->si);
}

/* Attribute i; 0 when OpenSSL has no type for it. */
static int ua_get(const uattrs *l, int i, uattr *a)
{
	a->x = NULL;
	a->d = NULL;
	if (l->d != NULL) {
		a->d = &l->d[i];
		return 1;
	}
	a->x = CMS_unsigned_get_attr(l->si, i);
	return a->x != NULL && X509_ATTRIBUTE_get0_object(a->x) != NULL;
}

static int uattr_is(const uattr *a, const unsigned char *oid, size_t len)
{
	if (a->d != NULL)
		return a->d->oid.n == len && memcmp(a->d->oid.p, oid, len) == 0;
	return obj_is(X509_ATTRIBUTE_get0_object(a->x), oid, len);
}

static int uattr_nvals(const uattr *a)
{
	return a->d != NULL ? a->d->nvals : X509_ATTRIBUTE_count(a->x);
}

/* The DER of value i: *own (OPENSSL_free) holds it when re-encoded, NULL
 * when it points into the input. */
static vn_err uattr_value(const uattr *a, int i, const unsigned char **der, size_t *len,
			  unsigned char **own)
{
	v_der_bytes v;

	*own = NULL;
	if (a->d == NULL) {
		vn_err e = attr_value_der(a->x, i, own, len);
		*der = *own;
		return e;
	}
	if (!v_der_attr_value(a->d, i, &v))
		return VN_ERR_MALFORMED;
	*der = v.p;
	*len = v.n;
	return VN_OK;
}

/* Timestamps of every value of an attribute. */
static vn_err attr_timestamps(v_sigobj *o, const uattr *a, v_ts_kind kind,
			      const unsigned char *imp, size_t ilen)
{
	int i, nv = uattr_nvals(a);
	vn_err e = VN_OK;

	for (i = 0; i < nv && e == VN_OK; i++) {
		unsigned char *own = NULL;
		const unsigned char *tok = NULL;
		size_t tlen = 0;
		if ((e = uattr_value(a, i, &tok, &tlen, &own)) != VN_OK)
			break;
		e = v_sigobj_add_ts(o, kind, tok, tlen, imp, ilen);
		OPENSSL_free(own);
	}
	return e;
}

/* --- archive-timestamp-v2 input (TS 101 733 v2.2.1 6.4.1, annex K) ----- */

/* DER of the archive timestamp attribute types. */
static const unsigned char oid_ats_v1[] = { 0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
					    0x01, 0x09, 0x10, 0x02, 0x1b };
static const unsigned char oid_ats_v2[] = { 0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
					    0x01, 0x09, 0x10, 0x02, 0x30 };
static const unsigned char oid_ats_v3[] = { 0x06, 0x06, 0x04, 0x00, 0x8d, 0x45, 0x02, 0x04 };

/* Whether an Attribute TLV (SEQUENCE { attrType, attrValues }) is an
 * archive timestamp of any version. 1 yes, 0 no, -1 malformed. */
static int attr_is_ats(const der_tlv *attr)
{
	der_cur c;
	der_tlv oid;

	if (attr->tag != 0x30 || !der_enter(attr, &c) || !der_get(&c, &oid, 7) ||
	    oid.tag != 0x06)
		return -1;
	return (oid.len == sizeof oid_ats_v1 && memcmp(oid.start, oid_ats_v1, oid.len) == 0) ||
	       (oid.len == sizeof oid_ats_v2 && memcmp(oid.start, oid_ats_v2, oid.len) == 0) ||
	       (oid.len == sizeof oid_ats_v3 && memcmp(oid.start, oid_ats_v3, oid.len) == 0);
}

/* The bytes an archive-timestamp-v2 of SignerInfo idx covers, from the
 * input as sent (annex K, the reading of interop/demo/cades-extend.c):
 *   1. the encapContentInfo TLV;
 *   2. when eContent is absent, the detached document;
 *   3. the certificates [0] and crls [1] field TLVs when present;
 *   4. the SignerInfo's field TLVs in order, unsignedAttrs re-encoded
 *      without the archive timestamp attribute.
 * in gets the v2.2.1 reading (unsignedAttrs with its [1] tag and length),
 * alt the v1.8.3 reading (the kept attributes alone), as DSS accepts both.
 *
 * Each archive timestamp covers the unsigned attributes present when it was
 * added, which excludes itself and every later archive timestamp. A DER SET
 * OF is ordered by encoding, not by addition, so "later" is not visible
 * here: every archive timestamp attribute (v1, v2, v3) is dropped. With one
 * archive timestamp (the common case) the input is exact; with several, the
 * first one added is exact and the others will not match.
 *
 * VN_OK with the bytes; VN_ERR_NOT_FOUND when they cannot be computed (the
 * reason in *why); VN_ERR_NOMEM. */
static vn_err ats_v2_input(const cms_walk *w, size_t idx, const cms_content *ct, vn_buf *in,
			   vn_buf *alt, const char **why)
{
	der_cur c, ua;
	der_tlv f, a;
	vn_buf kept;
	vn_err e = VN_OK;
	int r;

	vn_buf_init(&kept, V_MAX_DOCUMENT);
	*why = NULL;
	/* CAdES requires DER (EN 319 122-1 4.1); a BER input has no single
	 * byte string to hash. */
	if (!walk_all_definite(w)) {
		*why = "the CMS uses indefinite lengths (not DER)";
		e = VN_ERR_NOT_FOUND;
		goto out;
	}
	if (idx >= w->nsi || w->si[idx].start == NULL || w->eci.start == NULL) {
		*why = "the SignerInfo was not located";
		e = VN_ERR_NOT_FOUND;
		goto out;
	}
	if (!w->econtent && ct->p == NULL) {
		*why = "detached signature without the document (a digest is not enough)";
		e = VN_ERR_NOT_FOUND;
		goto out;
	}
#define BOTH(p_, n_)                                                              \
	do {                                                                      \
		if ((e = vn_buf_append(in, (p_), (n_))) != VN_OK ||               \
		    (e = vn_buf_append(alt, (p_), (n_))) != VN_OK)                \
			goto out;                                                 \
	} while (0)
	BOTH(w->eci.start, w->eci.len);
	if (!w->econtent)
		BOTH(ct->p, ct->n);
	if (w->certs.start != NULL)
		BOTH(w->certs.start, w->certs.len);
	if (w->crlf.start != NULL)
		BOTH(w->crlf.start, w->crlf.len);
	der_enter(&w->si[idx], &c);
	while (c.n > 0) {
		if (!der_get(&c, &f, 5)) {
			e = VN_ERR_MALFORMED;
			goto out;
		}
		if (f.tag != 0xa1) {	/* every field but unsignedAttrs as it stands */
			BOTH(f.start, f.len);
			continue;
		}
		der_enter(&f, &ua);
		while (ua.n > 0) {
			if (!der_get(&ua, &a, 6) || (r = attr_is_ats(&a)) < 0) {
				e = VN_ERR_MALFORMED;
				goto out;
			}
			if (!r && (e = vn_buf_append(&kept, a.start, a.len)) != VN_OK)
				goto out;
		}
		/* UnsignedAttributes is SIZE (1..MAX): with nothing left, the
		 * field was absent when the timestamp was made. */
		if (kept.len > 0) {
			if ((e = v_der_put_hdr(in, 0xa1, kept.len)) != VN_OK)
				goto out;
			BOTH(kept.data, kept.len);
		}
	}
#undef BOTH
out:
	if (e == VN_ERR_TOO_LARGE || e == VN_ERR_MALFORMED) {
		*why = e == VN_ERR_TOO_LARGE ? "the covered bytes exceed the cap"
					     : "the SignerInfo is unreadable";
		e = VN_ERR_NOT_FOUND;
	}
	vn_buf_free(&kept);
	return e;
}

/* The archive-timestamp-v2 inputs of one SignerInfo, computed once, on the
 * first such attribute met. */
typedef struct ats_ctx {
	const cms_walk *w;
	size_t idx;
	const cms_content *ct;
	int done;		/* computed (or tried) */
	vn_buf in, alt;		/* empty when not computable */
	const char *why;	/* why not, or NULL */
} ats_ctx;

/* Timestamps of an archive-timestamp-v2 attribute, with their inputs. */
static vn_err ats_v2_timestamps(v_sigobj *o, const uattr *a, ats_ctx *ac)
{
	size_t first = o->ntss, k;
	vn_err e;

	if (!ac->done) {
		ac->done = 1;
		/* The document may be as large as the input itself. */
		vn_buf_init(&ac->in, 2 * V_MAX_DOCUMENT + 64);
		vn_buf_init(&ac->alt, 2 * V_MAX_DOCUMENT + 64);
		e = ats_v2_input(ac->w, ac->idx, ac->ct, &ac->in, &ac->alt, &ac->why);
		if (e != VN_OK) {
			vn_buf_free(&ac->in);
			vn_buf_free(&ac->alt);
			if (e != VN_ERR_NOT_FOUND)
				return e;
		}
	}
	if (ac->in.len == 0)
		return attr_timestamps(o, a, V_TS_ARCHIVE, NULL, 0);
	if ((e = attr_timestamps(o, a, V_TS_ARCHIVE, ac->in.data, ac->in.len)) != VN_OK)
		return e;
	for (k = first; k < o->ntss; k++)
		if ((e = v_blob_set(&o->tss[k].imprint_input_alt, ac->alt.data, ac->alt.len)) !=
		    VN_OK)
			return e;
	return VN_OK;
}

static vn_err ats_not_checked(v_sigobj *o, const char *why)
{
	if (vn_findings_has(&o->findings, "V_CMS_ARCHIVE_TS_NOT_CHECKED"))
		return VN_OK;
	return vn_findings_add(&o->findings, VN_LEVEL_WARN, "V_CMS_ARCHIVE_TS_NOT_CHECKED",
			       "archive timestamp recognised; its imprint input is not computed: %s",
			       why);
}


/* --- archive-time-stamp-v3 input (EN 319 122-1 5.5.3) --------------------- */

#define ATS_V3_MAX_HASHES 4096	/* hashes an index may list, per list */

/* The token's message imprint algorithm and the DER of its ats-hash-index-v3
 * value (an unsigned attribute of the token's own SignerInfo, EN 319 122-1
 * 5.5.3; the token's signature does not cover it). *hi is OPENSSL_malloc'd,
 * the caller frees it. 1 found, 0 absent or unreadable (*why set). */
static int ats_v3_token(const unsigned char *tok, size_t tlen, const EVP_MD **md,
			unsigned char **hi, size_t *hilen, const char **why)
{
	const unsigned char *q = tok;
	PKCS7 *p7 = NULL;
	TS_TST_INFO *tst = NULL;
	STACK_OF(PKCS7_SIGNER_INFO) *sis;
	PKCS7_SIGNER_INFO *psi;
	X509_ALGOR *alg;
	int i, found = 0, ok = 0;

	*hi = NULL;
	*why = "the archive-time-stamp-v3 token is unreadable";
	if (tlen > LONG_MAX || (p7 = d2i_PKCS7(NULL, &q, (long)tlen)) == NULL ||
	    (tst = PKCS7_to_TS_TST_INFO(p7)) == NULL)
		goto out;
	alg = TS_MSG_IMPRINT_get_algo(TS_TST_INFO_get_msg_imprint(tst));
	*md = alg != NULL ? EVP_get_digestbyobj(alg->algorithm) : NULL;
	if (*md == NULL) {
		*why = "the archive-time-stamp-v3 imprint algorithm is not supported";
		goto out;
	}
	sis = PKCS7_get_signer_info(p7);
	psi = sis != NULL && sk_PKCS7_SIGNER_INFO_num(sis) == 1
		      ? sk_PKCS7_SIGNER_INFO_value(sis, 0) : NULL;
	if (psi == NULL)
		goto out;
	for (i = 0; i < sk_X509_ATTRIBUTE_num(psi->unauth_attr); i++) {
		X509_ATTRIBUTE *a = sk_X509_ATTRIBUTE_value(psi->unauth_attr, i);
		const ASN1_OBJECT *obj = X509_ATTRIBUTE_get0_object(a);
		if (obj == NULL || !obj_is(obj, OID_ARG(OID_ATS_HASH_INDEX_V3)))
			continue;
		/* a single instance, with a single value */
		if (found++ || X509_ATTRIBUTE_count(a) != 1 ||
		    attr_value_der(a, 0, hi, hilen) != VN_OK) {
			*why = "the token's ats-hash-index-v3 is not a single value";
			goto out;
		}
	}
	if (!found) {
		*why = "the archive-time-stamp-v3 token has no ats-hash-index-v3";
		goto out;
	}
	ok = 1;
	*why = NULL;
out:
	if (!ok) {
		OPENSSL_free(*hi);
		*hi = NULL;
	}
	TS_TST_INFO_free(tst);
	PKCS7_free(p7);
	return ok;
}

/* Append the digest of each element of a [n] field's contents (or of each
 * value of each unsigned attribute, prefixed by its attrType, when attrs) to
 * out. 1 ok, 0 malformed or too many, -1 no memory. */
static int ats_v3_present(const der_tlv *field, int attrs, const EVP_MD *md, vn_buf *out)
{
	der_cur c, ac, vc;
	der_tlv el, oid, vals, v;
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl;
	EVP_MD_CTX *mc;
	int ok = 1;

	if (field->start == NULL)
		return 1;
	if ((mc = EVP_MD_CTX_new()) == NULL)
		return -1;
	der_enter(field, &c);
	while (c.n > 0 && ok == 1) {
		if (!der_get(&c, &el, 6)) {
			ok = 0;
			break;
		}
		if (!attrs) {
			ok = EVP_DigestInit_ex(mc, md, NULL) && EVP_DigestUpdate(mc, el.start, el.len) &&
			     EVP_DigestFinal_ex(mc, h, &hl) ? 1 : 0;
			if (ok == 1 && vn_buf_append(out, h, hl) != VN_OK)
				ok = -1;
			continue;
		}
		/* Attribute ::= SEQUENCE { attrType, attrValues SET OF } */
		if (el.tag != 0x30 || !der_enter(&el, &ac) || !der_get(&ac, &oid, 7) ||
		    oid.tag != 0x06 || !der_get(&ac, &vals, 7) || vals.tag != 0x31) {
			ok = 0;
			break;
		}
		der_enter(&vals, &vc);
		while (vc.n > 0 && ok == 1) {
			if (!der_get(&vc, &v, 8)) {
				ok = 0;
				break;
			}
			ok = EVP_DigestInit_ex(mc, md, NULL) &&
			     EVP_DigestUpdate(mc, oid.start, oid.len) &&
			     EVP_DigestUpdate(mc, v.start, v.len) && EVP_DigestFinal_ex(mc, h, &hl)
				     ? 1 : 0;
			if (ok == 1 && vn_buf_append(out, h, hl) != VN_OK)
				ok = -1;
		}
	}
	EVP_MD_CTX_free(mc);
	return ok;
}

/* Whether every hash a SEQUENCE OF OCTET STRING lists is among present
 * (digests of dl octets each). 1 yes, 0 no, -1 malformed. */
static int ats_v3_listed_present(const der_tlv *list, const vn_buf *present, size_t dl)
{
	der_cur c;
	der_tlv h;
	size_t k, n = 0;

	if (list->tag != 0x30 || !der_enter(list, &c))
		return -1;
	while (c.n > 0) {
		int hit = 0;
		if (!der_get(&c, &h, 3) || h.tag != 0x04 || ++n > ATS_V3_MAX_HASHES)
			return -1;
		if (h.clen != dl)
			return 0;
		for (k = 0; k + dl <= present->len && !hit; k += dl)
			hit = memcmp(present->data + k, h.c, dl) == 0;
		if (!hit)
			return 0;
	}
	return 1;
}

/* ATSHashIndexV3 ::= SEQUENCE { hashIndAlgorithm AlgorithmIdentifier DEFAULT
 * {algorithm id-sha256}, certificatesHashIndex, crlsHashIndex,
 * unsignedAttrValuesHashIndex } (EN 319 122-1 5.5.3).
 * Each listed hash must name an element present now: certificates and crls
 * (CertificateChoices / RevocationInfoChoice TLVs) may only have been added
 * to, and unsigned attribute values (attrType TLV || AttributeValue TLV)
 * likewise. 1 all present, 0 some missing, -1 malformed or unsupported. */
static int ats_v3_index_ok(const cms_walk *w, size_t idx, const unsigned char *hi, size_t hilen)
{
	der_cur c = { hi, hilen }, in, sc;
	der_tlv seq, t, first, l[3], ua;
	const EVP_MD *md = EVP_sha256();
	vn_buf present;
	der_cur sic;
	size_t dl;
	int i, r = -1;

	vn_buf_init(&present, (size_t)V_MAX_CERTS * 4 * EVP_MAX_MD_SIZE + 65536);
	if (!der_get(&c, &seq, 0) || seq.tag != 0x30 || c.n != 0 || !der_enter(&seq, &in) ||
	    !der_get(&in, &first, 1) || first.tag != 0x30)
		goto out;
	/* An AlgorithmIdentifier starts with an OBJECT IDENTIFIER; a hash list
	 * is empty or starts with an OCTET STRING. */
	der_enter(&first, &sc);
	if (sc.n > 0 && sc.p[0] == 0x06) {
		ASN1_OBJECT *obj;
		const unsigned char *q;
		if (!der_get(&sc, &t, 2))
			goto out;
		q = t.start;
		if ((obj = d2i_ASN1_OBJECT(NULL, &q, (long)t.len)) == NULL)
			goto out;
		md = EVP_get_digestbyobj(obj);
		ASN1_OBJECT_free(obj);
		if (md == NULL || !der_get(&in, &l[0], 1))
			goto out;
	} else {
		l[0] = first;
	}
	if (!der_get(&in, &l[1], 1) || !der_get(&in, &l[2], 1) || in.n != 0)
		goto out;
	dl = (size_t)EVP_MD_get_size(md);
	memset(&ua, 0, sizeof ua);
	der_enter(&w->si[idx], &sic);
	while (sic.n > 0) {
		if (!der_get(&sic, &t, 5))
			goto out;
		if (t.tag == 0xa1)
			ua = t;
	}
	for (i = 0; i < 3; i++) {
		const der_tlv *f = i == 0 ? &w->certs : i == 1 ? &w->crlf : &ua;
		int p;
		vn_buf_reset(&present);
		p = ats_v3_present(f, i == 2, md, &present);
		if (p != 1)
			goto out;
		p = ats_v3_listed_present(&l[i], &present, dl);
		if (p != 1) {
			r = p;
			goto out;
		}
	}
	r = 1;
out:
	vn_buf_free(&present);
	return r;
}

/* The bytes an archive-time-stamp-v3 covers (EN 319 122-1 5.5.3), each in its
 * encoding as sent:
 *   1. encapContentInfo.eContentType (the OID TLV);
 *   2. the hash of the signed content (eContent's octets or the detached
 *      document), with the token's message imprint algorithm;
 *   3. the SignerInfo's fields version, sid, digestAlgorithm, signedAttrs
 *      ([0] IMPLICIT as it stands), signatureAlgorithm, signature;
 *   4. the token's ATSHashIndexV3 value (its DER).
 * Unlike v2 nothing depends on the other unsigned attributes: each v3 token
 * is checked exactly, whatever was added before or after it. When the index
 * lists an element no longer present, part 4 is replaced by an empty
 * SEQUENCE so that the imprint cannot match (as DSS does), and *mismatch set.
 * VN_OK with the bytes; VN_ERR_NOT_FOUND (reason in *why); VN_ERR_NOMEM. */
static vn_err ats_v3_input(const cms_walk *w, size_t idx, const cms_content *ct,
			   const unsigned char *tok, size_t tlen, vn_buf *in, int *mismatch,
			   const char **why)
{
	static const unsigned char empty_seq[] = { 0x30, 0x00 };
	const EVP_MD *md = NULL;
	unsigned char *hi = NULL, h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;
	size_t hilen = 0;
	der_cur c;
	der_tlv f;
	int r;
	vn_err e = VN_OK;

	*mismatch = 0;
	*why = NULL;
	/* CAdES requires DER (EN 319 122-1 4.1): see ats_v2_input. */
	if (!walk_all_definite(w)) {
		*why = "the CMS uses indefinite lengths (not DER)";
		e = VN_ERR_NOT_FOUND;
		goto out;
	}
	if (idx >= w->nsi || w->si[idx].start == NULL || w->eci.start == NULL) {
		*why = "the SignerInfo was not located";
		e = VN_ERR_NOT_FOUND;
		goto out;
	}
	if (ct->p == NULL && ct->dg == NULL) {
		*why = "detached signature without the document or its digest";
		e = VN_ERR_NOT_FOUND;
		goto out;
	}
	if (!ats_v3_token(tok, tlen, &md, &hi, &hilen, why)) {
		e = VN_ERR_NOT_FOUND;
		goto out;
	}
	r = ats_v3_index_ok(w, idx, hi, hilen);
	if (r < 0) {
		*why = "the ats-hash-index-v3 is malformed or uses an unsupported algorithm";
		e = VN_ERR_NOT_FOUND;
		goto out;
	}
	*mismatch = r == 0;
	/* 1. eContentType */
	der_enter(&w->eci, &c);
	if (!der_get(&c, &f, 4) || f.tag != 0x06) {
		e = VN_ERR_MALFORMED;
		goto out;
	}
	if ((e = vn_buf_append(in, f.start, f.len)) != VN_OK)
		goto out;
	/* 2. the signed content's hash, with the imprint's algorithm */
	if (ct->p != NULL) {
		if (!EVP_Digest(ct->p, ct->n, h, &hl, md, NULL)) {
			e = VN_ERR_INTERNAL;
			goto out;
		}
	} else {
		const EVP_MD *given = EVP_get_digestbyname(ct->dg->digest_alg);
		if (given == NULL || EVP_MD_get_type(given) != EVP_MD_get_type(md) ||
		    ct->dg->digest_len != (size_t)EVP_MD_get_size(md)) {
			*why = "the supplied digest does not use the time-stamp's imprint algorithm";
			e = VN_ERR_NOT_FOUND;
			goto out;
		}
		memcpy(h, ct->dg->digest, ct->dg->digest_len);
		hl = (unsigned int)ct->dg->digest_len;
	}
	if ((e = vn_buf_append(in, h, hl)) != VN_OK)
		goto out;
	/* 3. every SignerInfo field but unsignedAttrs, in order */
	der_enter(&w->si[idx], &c);
	while (c.n > 0) {
		if (!der_get(&c, &f, 5)) {
			e = VN_ERR_MALFORMED;
			goto out;
		}
		if (f.tag != 0xa1 && (e = vn_buf_append(in, f.start, f.len)) != VN_OK)
			goto out;
	}
	/* 4. the index */
	if (*mismatch)
		e = vn_buf_append(in, empty_seq, sizeof empty_seq);
	else
		e = vn_buf_append(in, hi, hilen);
out:
	if (e == VN_ERR_TOO_LARGE || e == VN_ERR_MALFORMED) {
		*why = e == VN_ERR_TOO_LARGE ? "the covered bytes exceed the cap"
					     : "the SignerInfo is unreadable";
		e = VN_ERR_NOT_FOUND;
	}
	if (e != VN_OK)
		vn_buf_reset(in);
	OPENSSL_free(hi);
	return e;
}

/* Timestamps of an archive-time-stamp-v3 attribute, each with its own input
 * (the index lives in each token). */
static vn_err ats_v3_timestamps(v_sigobj *o, const uattr *a, const cms_walk *w, size_t idx,
				const cms_content *ct)
{
	int i, nv = uattr_nvals(a), mismatch = 0;
	const char *why = NULL;
	vn_buf in;
	vn_err e = VN_OK;

	vn_buf_init(&in, V_MAX_DOCUMENT);
	for (i = 0; i < nv && e == VN_OK; i++) {
		unsigned char *own = NULL;
		const unsigned char *tok = NULL;
		size_t tlen = 0;
		if ((e = uattr_value(a, i, &tok, &tlen, &own)) != VN_OK)
			break;
		vn_buf_reset(&in);
		e = ats_v3_input(w, idx, ct, tok, tlen, &in, &mismatch, &why);
		if (e == VN_ERR_NOT_FOUND)
			e = VN_OK;
		if (e == VN_OK)
			e = v_sigobj_add_ts(o, V_TS_ARCHIVE, tok, tlen, in.len > 0 ? in.data : NULL, in.len);
		OPENSSL_free(own);
		if (e == VN_OK && in.len == 0)
			e = ats_not_checked(o, why != NULL ? why : "unknown");
		if (e == VN_OK && mismatch && !vn_findings_has(&o->findings, "V_CMS_ATS_INDEX_MISMATCH"))
			e = finding(o, VN_LEVEL_ERROR, "V_CMS_ATS_INDEX_MISMATCH",
				    "an archive-time-stamp-v3 index lists a certificate, CRL or "
				    "unsigned attribute value that is no longer present");
	}
	vn_buf_free(&in);
	return e;
}
/* Unsigned attributes (EN 319 122-1 5.3, 5.5). Sets *has_rev when
 * revocation values are present, *has_ats for archive timestamps. */
static vn_err unsigned_attrs(CMS_SignerInfo *si, const uattrs *ul, v_sigobj *o,
			     const cms_walk *w, size_t idx, const cms_content *ct, int *has_rev,
			     int *has_ats)
{
	int i, j, n = ua_count(ul), nats = 0;
	ASN1_OCTET_STRING *sv = CMS_SignerInfo_get0_signature(si);
	ats_ctx ac;
	vn_err e = VN_OK;

	memset(&ac, 0, sizeof ac);
	ac.w = w;
	ac.idx = idx;
	ac.ct = ct;
	vn_buf_init(&ac.in, 0);
	vn_buf_init(&ac.alt, 0);

	for (i = 0; i < n; i++) {
		uattr a_s, *a = &a_s;
		if (!ua_get(ul, i, a)) {
			e = VN_ERR_MALFORMED;
			goto out;
		}
		if (uattr_is(a, OID_ARG(OID_SIG_TST))) {
			/* RFC 3161 / EN 319 122-1 5.3: the imprint is over the
			 * SignerInfo's signature field value (contents only). */
			e = attr_timestamps(o, a, V_TS_SIGNATURE, sv->data, (size_t)sv->length);
		} else if (uattr_is(a, OID_ARG(OID_ATS_V2))) {
			nats += uattr_nvals(a);
			e = ats_v2_timestamps(o, a, &ac);
			if (e == VN_OK && ac.in.len == 0)
				e = ats_not_checked(o, ac.why != NULL ? ac.why : "unknown");
			*has_ats = 1;
		} else if (uattr_is(a, OID_ARG(OID_ATS_V3))) {
			nats += uattr_nvals(a);
			e = ats_v3_timestamps(o, a, w, idx, ct);
			*has_ats = 1;
		} else if (uattr_is(a, OID_ARG(OID_ATS_V1))) {
			/* The v1 input (TS 101 733 v1) is not computed here: the
			 * engine reports such a timestamp as not verifiable. */
			nats += uattr_nvals(a);
			e = attr_timestamps(o, a, V_TS_ARCHIVE, NULL, 0);
			if (e == VN_OK)
				e = ats_not_checked(o, "archive-timestamp (v1) is not supported");
			*has_ats = 1;
		} else if (uattr_is(a, OID_ARG(OID_CERT_VALUES)) ||
			   uattr_is(a, OID_ARG(OID_REV_VALUES))) {
			int cv = uattr_is(a, OID_ARG(OID_CERT_VALUES));
			for (j = 0; j < uattr_nvals(a) && e == VN_OK; j++) {
				unsigned char *own = NULL;
				const unsigned char *d = NULL;
				size_t dl = 0;
				if ((e = uattr_value(a, j, &d, &dl, &own)) != VN_OK)
					break;
				e = cv ? cert_values(o, d, dl) : revocation_values(o, d, dl);
				OPENSSL_free(own);
			}
			if (!cv)
				*has_rev = 1;
		}
		if (e != VN_OK)
			goto out;
	}
	/* See ats_v2_input: with several archive timestamps only the first one
	 * added is checked against exactly what it covered. */
	if (nats > 1 && ac.in.len > 0)
		e = finding(o, VN_LEVEL_WARN, "V_CMS_ARCHIVE_TS_SEVERAL",
			    "several archive timestamps: each is checked against the signature "
			    "without any of them, which is exact for the first one only");
out:
	vn_buf_free(&ac.in);
	vn_buf_free(&ac.alt);
	return e;
}

static void set_algs(v_sigobj *o, CMS_SignerInfo *si)
{
	X509_ALGOR *dig = NULL, *sig = NULL;
	int dnid, snid, mdnid = NID_undef, pknid = NID_undef;
	const char *dn;

	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
	if (dig != NULL) {
		dnid = OBJ_obj2nid(dig->algorithm);
		dn = v_digest_name(dnid);
		snprintf(o->digest_alg, sizeof o->digest_alg, "%s",
			 dn != NULL ? dn : dnid != NID_undef ? OBJ_nid2sn(dnid) : "unknown");
	}
	if (sig != NULL) {
		snid = OBJ_obj2nid(sig->algorithm);
		if (!OBJ_find_sigid_algs(snid, &mdnid, &pknid))
			pknid = snid;
		if (snid == NID_rsassaPss)
			snprintf(o->sig_alg, sizeof o->sig_alg, "RSASSA-PSS");
		else if (pknid == NID_rsaEncryption)
			snprintf(o->sig_alg, sizeof o->sig_alg, "RSA");
		else if (pknid == NID_X9_62_id_ecPublicKey)
			snprintf(o->sig_alg, sizeof o->sig_alg, "ECDSA");
		else
			snprintf(o->sig_alg, sizeof o->sig_alg, "%s",
				 snid != NID_undef ? OBJ_nid2sn(snid) : "unknown");
	}
}

/* CV without signed attributes: the signature is over the content itself
 * (RFC 5652 5.4); OpenSSL's digest BIO chain computes it. 1 ok, 0 bad. */
static int verify_no_attrs(CMS_ContentInfo *cms, CMS_SignerInfo *si, const cms_content *ct,
			   int embedded)
{
	BIO *in = NULL, *chain = NULL;
	char buf[4096];
	int r = 0;

	if (!embedded && (ct->n > INT_MAX || (in = BIO_new_mem_buf(ct->p, (int)ct->n)) == NULL))
		goto out;
	/* On success the chain ends with in and owns it. */
	if ((chain = CMS_dataInit(cms, in)) == NULL)
		goto out;
	in = NULL;
	while (BIO_read(chain, buf, sizeof buf) > 0)
		;
	r = CMS_SignerInfo_verify_content(si, chain) == 1;
out:
	BIO_free_all(chain);
	BIO_free(in);
	ERR_clear_error();
	return r;
}

/* Compare the message-digest attribute with the data (EN 319 102-1
 * 5.2.7.4 step 1, "the hash of the signed data object"). */
static vn_err check_message_digest(v_sigobj *o, const unsigned char *mdv, size_t mdlen,
				   int dnid, const cms_content *ct, const v_data *data)
{
	const EVP_MD *md = vn_md_by_nid(dnid);
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;

	if (md == NULL) {
		raise_check(o, V_CHECK_FORMAT_FAILURE);
		return finding(o, VN_LEVEL_ERROR, "V_CMS_DIGEST_UNSUPPORTED",
			       "the SignerInfo's digest algorithm is not supported");
	}
	if (ct->p != NULL) {
		if (!EVP_Digest(ct->p, ct->n, h, &hl, md, NULL))
			return VN_ERR_CRYPTO;
	} else if (data != NULL && data->digest != NULL && data->digest_alg != NULL) {
		const EVP_MD *given = EVP_get_digestbyname(data->digest_alg);
		/* A digest of another algorithm proves nothing about this one. */
		if (given == NULL || EVP_MD_get_type(given) != EVP_MD_get_type(md) ||
		    data->digest_len != (size_t)EVP_MD_get_size(md)) {
			raise_check(o, V_CHECK_SIGNED_DATA_NOT_FOUND);
			return finding(o, VN_LEVEL_ERROR, "V_CMS_DIGEST_ALG_MISMATCH",
				       "the supplied digest does not use the signature's "
				       "digest algorithm");
		}
		memcpy(h, data->digest, data->digest_len);
		hl = (unsigned int)data->digest_len;
	} else {
		raise_check(o, V_CHECK_SIGNED_DATA_NOT_FOUND);
		return finding(o, VN_LEVEL_ERROR, "V_CMS_SIGNED_DATA_NOT_FOUND",
			       "detached signature and no signed data supplied");
	}
	if (mdlen != hl || CRYPTO_memcmp(mdv, h, hl) != 0) {
		raise_check(o, V_CHECK_HASH_FAILURE);
		return finding(o, VN_LEVEL_ERROR, "V_CMS_HASH_MISMATCH",
			       "message-digest does not match the signed data");
	}
	return VN_OK;
}

/* signing-certificate-v2, else v1 (EN 319 122-1 5.2.2.3). */
static vn_err check_signing_cert(v_sigobj *o, const sattrs *v)
{
	int v2 = 1, f, m, i = -1;

	f = signed_attr_one(v, OID_ARG(OID_SIGNING_CERT_V2), &i);
	if (f == 0) {
		v2 = 0;
		f = signed_attr_one(v, OID_ARG(OID_SIGNING_CERT), &i);
	}
	if (f == 0) {
		/* STANDARDS.md 9.5: a CMS signature without it is not CAdES. */
		return finding(o, VN_LEVEL_WARN, "V_CMS_NOT_CADES",
			       "no signing-certificate(-v2) attribute: CMS, not CAdES");
	}
	o->level = V_LEVEL_B;
	if (f < 0 || v->a[i].v0 == NULL) {
		raise_check(o, V_CHECK_FORMAT_FAILURE);
		return finding(o, VN_LEVEL_ERROR, "V_CMS_SIGNING_CERT_ATTR",
			       "signing-certificate attribute repeated or malformed");
	}
	if (o->signer == NULL)
		return VN_OK;	/* ISC already failed */
	m = ess_first_matches(v->a[i].v0, v->a[i].v0len, v2, o->signer);
	if (m < 0) {
		raise_check(o, V_CHECK_FORMAT_FAILURE);
		return finding(o, VN_LEVEL_ERROR, "V_CMS_SIGNING_CERT_ATTR",
			       "signing-certificate attribute malformed");
	}
	if (m == 0) {
		/* EN 319 102-1 5.2.3.4: the reference does not match the
		 * certificate the SID names. */
		raise_check(o, V_CHECK_NO_SIGNING_CERT);
		return finding(o, VN_LEVEL_ERROR, "V_CMS_SIGNING_CERT_MISMATCH",
			       "signing-certificate reference does not match the signer's certificate");
	}
	o->has_signing_cert_ref = 1;
	return VN_OK;
}

/* ---- the signer's signature through a fixed-base table -----------------
 * CMS_SignerInfo_verify re-encodes the signed attributes and checks the
 * signature with EVP; for a P-256 signer whose key has a table (vn_p256.h)
 * the same check runs faster here. Only a success is taken from it, and
 * only where it is certain to be OpenSSL's answer too: the attributes obey
 * the rules OpenSSL applies first (RFC 5652 11, RFC 2634 / RFC 5035: a
 * superset of them here), and they are already in DER order, so that the
 * SET OF encodes the same whatever order a re-encoding keeps. Anything
 * else goes to CMS_SignerInfo_verify, which then decides alone. */
#define ATTR_SIGNED 0x01
#define ATTR_UNSIGNED 0x02
#define ATTR_REQUIRED 0x10	/* present whenever the set has attributes */
#define ATTR_ONLY_ONE 0x20
#define ATTR_ONE_VALUE 0x40
#define FAST_MAX_ATTRS 64

static const struct {
	int nid, flags;
} attr_rules[] = {
	{NID_pkcs9_contentType, ATTR_SIGNED | ATTR_ONLY_ONE | ATTR_ONE_VALUE | ATTR_REQUIRED},
	{NID_pkcs9_messageDigest, ATTR_SIGNED | ATTR_ONLY_ONE | ATTR_ONE_VALUE | ATTR_REQUIRED},
	{NID_pkcs9_signingTime, ATTR_SIGNED | ATTR_ONLY_ONE | ATTR_ONE_VALUE},
	{NID_pkcs9_countersignature, ATTR_UNSIGNED},
	{NID_id_smime_aa_signingCertificate, ATTR_SIGNED | ATTR_ONLY_ONE | ATTR_ONE_VALUE},
	{NID_id_smime_aa_signingCertificateV2, ATTR_SIGNED | ATTR_ONLY_ONE | ATTR_ONE_VALUE},
	{NID_id_smime_aa_receiptRequest, ATTR_SIGNED | ATTR_ONLY_ONE | ATTR_ONE_VALUE},
};

/* One rule over the unsigned attributes, as OpenSSL holds them or as the
 * split read them (the same types and value counts): the first attribute
 * of the type decides, a second one breaks ATTR_ONLY_ONE (what
 * CMS_unsigned_get_attr_by_NID finds, an OBJ_cmp of the OID bytes). */
static int unsigned_rule_holds(const uattrs *ul, int nid, int flags)
{
	const ASN1_OBJECT *obj = OBJ_nid2obj(nid);
	const unsigned char *d = obj != NULL ? OBJ_get0_data(obj) : NULL;
	size_t dl = obj != NULL ? (size_t)OBJ_length(obj) : 0;
	int i, n = ua_count(ul), found = 0, count;
	uattr a;

	if (d == NULL)
		return 0;
	for (i = 0; i < n; i++) {
		if (!ua_get(ul, i, &a) || !uattr_is(&a, d, dl))
			continue;
		if (found++) {
			if (flags & ATTR_ONLY_ONE)
				return 0;
			continue;
		}
		count = uattr_nvals(&a);
		if ((flags & ATTR_UNSIGNED) == 0 || count == 0 ||
		    ((flags & ATTR_ONE_VALUE) && count != 1))
			return 0;
	}
	return 1;	/* ATTR_REQUIRED binds the signed side only */
}

static int unsigned_rules_hold(const uattrs *ul)
{
	for (size_t i = 0; i < sizeof attr_rules / sizeof attr_rules[0]; i++)
		if (!unsigned_rule_holds(ul, attr_rules[i].nid, attr_rules[i].flags))
			return 0;
	return 1;
}

/* One rule over the signed attributes, in the view: the first attribute
 * of the type decides the values rule, a second one breaks ATTR_ONLY_ONE
 * (what CMS_signed_get_attr_by_NID finds, compared as OID bytes). */
static int signed_rule_holds(const sattrs *v, int nid, int flags)
{
	const ASN1_OBJECT *obj = OBJ_nid2obj(nid);
	const unsigned char *d = obj != NULL ? OBJ_get0_data(obj) : NULL;
	size_t dl = obj != NULL ? (size_t)OBJ_length(obj) : 0;
	int i, found = 0;

	if (d == NULL)
		return 0;
	for (i = 0; i < v->n; i++) {
		const sattr *s = &v->a[i];
		if (s->oid == NULL || s->oidlen != dl || memcmp(s->oid, d, dl) != 0)
			continue;
		if (found++) {
			if (flags & ATTR_ONLY_ONE)
				return 0;
			continue;
		}
		if ((flags & ATTR_SIGNED) == 0 || s->nvals == 0 ||
		    ((flags & ATTR_ONE_VALUE) && s->nvals != 1))
			return 0;
	}
	return found || !(v->n > 0 && (flags & ATTR_REQUIRED) && (flags & ATTR_SIGNED));
}

static int attr_rules_hold(const uattrs *ul, const sattrs *v)
{
	for (size_t i = 0; i < sizeof attr_rules / sizeof attr_rules[0]; i++)
		if (!signed_rule_holds(v, attr_rules[i].nid, attr_rules[i].flags))
			return 0;
	return unsigned_rules_hold(ul);
}

/* With the view read from the received bytes (proved DER), the bytes the
 * signature covers are those bytes with the SET OF tag (RFC 5652 5.4):
 * what CMS_SignerInfo_verify would encode. Any other view is left to
 * CMS_SignerInfo_verify. */
static int cms_sig_fast(CMS_SignerInfo *si, const uattrs *ul, const sattrs *v,
			const unsigned char *raw, size_t rlen, X509 *signer)
{
	static const unsigned char set_tag = 0x31;
	unsigned char dg[EVP_MAX_MD_SIZE];
	int r = VN_P256_NOT_HANDLED;
	unsigned dglen = 0;
	X509_ALGOR *dig = NULL;
	ASN1_OCTET_STRING *sig = CMS_SignerInfo_get0_signature(si);
	const EVP_MD *md;
	EVP_MD_CTX *mc = NULL;

	if (!v->der || v->n <= 0 || v->n > FAST_MAX_ATTRS || sig == NULL || raw == NULL ||
	    rlen < 2 || !attr_rules_hold(ul, v))
		return VN_P256_NOT_HANDLED;
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, NULL);
	if (dig == NULL)
		return VN_P256_NOT_HANDLED;
	md = OBJ_obj2nid(dig->algorithm) == NID_sha256 ? vn_md_sha256()
						     : EVP_get_digestbyobj(dig->algorithm);
	if (md == NULL)
		return VN_P256_NOT_HANDLED;
	if ((mc = EVP_MD_CTX_new()) == NULL || EVP_DigestInit_ex(mc, md, NULL) != 1 ||
	    EVP_DigestUpdate(mc, &set_tag, 1) != 1 || EVP_DigestUpdate(mc, raw + 1, rlen - 1) != 1 ||
	    EVP_DigestFinal_ex(mc, dg, &dglen) != 1)
		goto out;
	r = vn_p256_verify(X509_get_X509_PUBKEY(signer), ASN1_STRING_get0_data(sig),
			   (size_t)ASN1_STRING_length(sig), dg, dglen);
out:
	EVP_MD_CTX_free(mc);
	ERR_clear_error();
	return r;
}

/* signing-time (RFC 5652 11.3), when readable: 1 read into *st, 0 not,
 * -1 no memory. */
static int signing_time(const sattrs *v, int i, vn_time *st)
{
	const unsigned char *c = NULL;
	size_t cl = 0;
	int type, ok;
	ASN1_TIME *tm;

	if (sattr_prim(v, i, 0x17, &c, &cl))
		type = V_ASN1_UTCTIME;
	else if (sattr_prim(v, i, 0x18, &c, &cl))
		type = V_ASN1_GENERALIZEDTIME;
	else
		return 0;
	if (cl > INT_MAX || (tm = ASN1_STRING_type_new(type)) == NULL)
		return -1;
	if (!ASN1_STRING_set(tm, c, (int)cl)) {
		ASN1_STRING_free(tm);
		return -1;
	}
	ok = v_asn1_time_to_vn(tm, st) == VN_OK;
	ASN1_STRING_free(tm);
	return ok;
}

/* FC and CV over the signed attributes (RFC 5652 5.3, 11), read into v. */
static vn_err signed_attrs_check(CMS_ContentInfo *cms, CMS_SignerInfo *si, const uattrs *ul,
				 v_sigobj *o, const cms_walk *w, size_t idx,
				 const cms_content *ct, const v_data *data, sattrs *v)
{
	const unsigned char *raw = w->sattr[idx], *c = NULL;
	size_t rlen = w->sattr_len[idx], cl = 0;
	const ASN1_OBJECT *ect;
	X509_ALGOR *dig = NULL;
	int der, f, i = -1;
	vn_err e;

	if (sattrs_from_walk(raw, rlen, w->sattr_indef[idx], v)) {
		der = 1;
	} else {
		der = signed_attrs_der(si, raw, rlen, w->sattr_indef[idx]);
		if (der >= 0 && (e = sattrs_from_cms(si, v)) != VN_OK)
			return e;
	}
	if (der == 0) {
		raise_check(o, V_CHECK_FORMAT_FAILURE);
		if ((e = finding(o, VN_LEVEL_ERROR, "V_CMS_SIGNED_ATTRS_NOT_DER",
				 "signed attributes are not DER-encoded")) != VN_OK)
			return e;
	} else if (der < 0) {
		return VN_ERR_CRYPTO;
	}

	f = signed_attr_one(v, OID_ARG(OID_CONTENT_TYPE), &i);
	ect = CMS_get0_eContentType(cms);
	if (f != 1 || !sattr_prim(v, i, 0x06, &c, &cl) || ect == NULL ||
	    OBJ_get0_data(ect) == NULL || cl != (size_t)OBJ_length(ect) ||
	    memcmp(c, OBJ_get0_data(ect), cl) != 0) {
		raise_check(o, V_CHECK_FORMAT_FAILURE);
		if ((e = finding(o, VN_LEVEL_ERROR, "V_CMS_CONTENT_TYPE",
				 "content-type attribute absent, repeated or not the "
				 "eContentType")) != VN_OK)
			return e;
	}

	f = signed_attr_one(v, OID_ARG(OID_SIGNING_TIME), &i);
	if (f != 0) {
		vn_time st;
		int r = f == 1 ? signing_time(v, i, &st) : 0;
		if (r < 0)
			return VN_ERR_NOMEM;
		if (r > 0)
			o->claimed_time = st;
		else if ((e = finding(o, VN_LEVEL_WARN, "V_CMS_SIGNING_TIME_INVALID",
				      "signing-time attribute unreadable; ignored")) != VN_OK)
			return e;
	}

	if ((e = check_signing_cert(o, v)) != VN_OK)
		return e;

	f = signed_attr_one(v, OID_ARG(OID_CONTENT_TST), &i);
	if (f == 1 && (e = v_sigobj_add_ts(o, V_TS_CONTENT, v->a[i].v0, v->a[i].v0len, ct->p,
					   ct->n)) != VN_OK)
		return e;

	f = signed_attr_one(v, OID_ARG(OID_MESSAGE_DIGEST), &i);
	if (f != 1 || !sattr_prim(v, i, 0x04, &c, &cl)) {
		raise_check(o, V_CHECK_FORMAT_FAILURE);
		return finding(o, VN_LEVEL_ERROR, "V_CMS_MESSAGE_DIGEST",
			       "message-digest attribute absent, repeated or malformed");
	}
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, NULL);
	if ((e = check_message_digest(o, c, cl,
				      dig != NULL ? OBJ_obj2nid(dig->algorithm) : NID_undef, ct,
				      data)) != VN_OK)
		return e;

	/* The signature over the DER of the signed attributes. */
	if (o->signer != NULL) {
		int r = cms_sig_fast(si, ul, v, raw, rlen, o->signer) == VN_P256_VALID ? 1 : -1;
		/* CMS_SignerInfo_verify first applies its attribute rules to
		 * both sets; the unsigned ones it no longer holds when the
		 * split took them out are checked here, as it would. */
		if (r != 1)
			r = ul->d != NULL && !unsigned_rules_hold(ul) ? -1
								     : CMS_SignerInfo_verify(si);
		ERR_clear_error();
		if (r != 1) {
			raise_check(o, V_CHECK_SIG_CRYPTO_FAILURE);
			return finding(o, VN_LEVEL_ERROR, "V_CMS_SIG_INVALID",
				       "the signature value does not verify with the signer's key");
		}
	}
	return VN_OK;
}

static vn_err check_signed_attrs(CMS_ContentInfo *cms, CMS_SignerInfo *si, const uattrs *ul,
				 v_sigobj *o, const cms_walk *w, size_t idx,
				 const cms_content *ct, const v_data *data)
{
	sattrs v;
	vn_err e;

	v.a = NULL;
	v.n = 0;
	v.der = 0;
	e = signed_attrs_check(cms, si, ul, o, w, idx, ct, data, &v);
	sattrs_free(&v);
	return e;
}

static vn_err cms_signer(CMS_ContentInfo *cms, CMS_SignerInfo *si, const v_der_sid *sid,
			 size_t idx, STACK_OF(X509) *sdcerts, const cms_walk *w,
			 const cms_content *ct, int embedded, const v_data *data, v_sigobj *o)
{
	X509 *signer = NULL;
	ASN1_OCTET_STRING *sv = CMS_SignerInfo_get0_signature(si);
	v_der_attr uav[V_DER_MAX_UATTRS];
	uattrs ul = { si, 0, NULL };
	int i, has_rev = 0, has_ats = 0, nsig_ts = 0;
	size_t k;
	vn_err e;

	o->format = V_FMT_CMS;
	o->level = V_LEVEL_NONE;
	o->check = V_CHECK_OK;
	snprintf(o->id, sizeof o->id, "S-%zu", idx + 1);
	if ((o->certs = sk_X509_new_null()) == NULL)
		return VN_ERR_NOMEM;
	for (i = 0; i < sk_X509_num(sdcerts); i++)
		if ((e = v_sigobj_add_cert(o, sk_X509_value(sdcerts, i))) != VN_OK)
			return e;
	if ((e = v_blob_set(&o->signature_value, sv->data, (size_t)sv->length)) != VN_OK)
		return e;
	for (k = 0; k < w->ncrls; k++)
		if ((e = v_blob_push(&o->crls, &o->ncrls, V_MAX_REVOCATION, w->crls[k].p,
				     w->crls[k].n)) != VN_OK)
			return e;
	for (k = 0; k < w->nocsps; k++)
		if ((e = v_blob_push(&o->ocsps, &o->nocsps, V_MAX_REVOCATION, w->ocsps[k].p,
				     w->ocsps[k].n)) != VN_OK)
			return e;
	set_algs(o, si);

	/* the unsigned attributes the split took out of si (v_dersplit.h U) */
	if (sid != NULL && sid->uattrs.p != NULL) {
		ul.n = (int)v_der_attrs_read(&sid->uattrs, uav);
		if (ul.n == 0)
			return VN_ERR_INTERNAL;
		ul.d = uav;
	}
	if ((e = unsigned_attrs(si, &ul, o, w, idx, ct, &has_rev, &has_ats)) != VN_OK)
		return e;

	/* ISC (EN 319 102-1 5.2.3): the certificate the SID names, among those
	 * the signature carries (sid: as received, v_der_cms_decode). */
	if ((e = v_der_sid_find(si, sid, o->certs, &signer)) != VN_OK)
		return e;
	if (signer != NULL) {
		if (!X509_up_ref(signer))
			return VN_ERR_INTERNAL;
		o->signer = signer;
	}
	if (o->signer == NULL) {
		raise_check(o, V_CHECK_NO_SIGNING_CERT);
		if ((e = finding(o, VN_LEVEL_ERROR, "V_CMS_NO_SIGNING_CERT",
				 "no carried certificate matches the SignerInfo's sid")) != VN_OK)
			return e;
	} else {
		EVP_PKEY *pk = X509_get0_pubkey(o->signer);
		o->key_bits = pk != NULL ? EVP_PKEY_get_bits(pk) : 0;
		CMS_SignerInfo_set1_signer_cert(si, o->signer);
	}

	if (CMS_signed_get_attr_count(si) > 0) {
		if ((e = check_signed_attrs(cms, si, &ul, o, w, idx, ct, data)) != VN_OK)
			return e;
	} else {
		if ((e = finding(o, VN_LEVEL_WARN, "V_CMS_NOT_CADES",
				 "no signed attributes: CMS, not CAdES")) != VN_OK)
			return e;
		if (ct->p == NULL) {
			raise_check(o, V_CHECK_SIGNED_DATA_NOT_FOUND);
			if ((e = finding(o, VN_LEVEL_ERROR, "V_CMS_SIGNED_DATA_NOT_FOUND",
					 "no signed attributes and no signed data: only the data "
					 "itself can be verified")) != VN_OK)
				return e;
		} else if (o->signer != NULL && !verify_no_attrs(cms, si, ct, embedded)) {
			raise_check(o, V_CHECK_SIG_CRYPTO_FAILURE);
			if ((e = finding(o, VN_LEVEL_ERROR, "V_CMS_SIG_INVALID",
					 "the signature value does not verify over the data")) !=
			    VN_OK)
				return e;
		}
	}

	/* CAdES-BASELINE levels (EN 319 122-1 clause 6): B needs the signing
	 * certificate attribute, T a signature timestamp, LT the validation
	 * material, LTA an archive timestamp. */
	for (k = 0; k < o->ntss; k++)
		nsig_ts += o->tss[k].kind == V_TS_SIGNATURE;
	if (o->level == V_LEVEL_B && nsig_ts > 0) {
		o->level = V_LEVEL_T;
		if (has_rev || o->ncrls > 0 || o->nocsps > 0) {
			o->level = V_LEVEL_LT;
			if (has_ats)
				o->level = V_LEVEL_LTA;
		}
	}
	return VN_OK;
}

static vn_err fail(char *why, size_t whylen, vn_err e, const char *msg)
{
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "%s", msg);
	return e;
}

vn_err v_cms_parse(const unsigned char *der, size_t n, const v_data *data, v_sigobj **out,
		   size_t *nout, char *why, size_t whylen)
{
	unsigned char *pem = NULL;
	size_t plen = 0, i, nsi = 0;
	const unsigned char *q;
	CMS_ContentInfo *cms = NULL;
	STACK_OF(CMS_SignerInfo) *sis;
	STACK_OF(X509) *sdcerts = NULL;
	ASN1_OCTET_STRING **pos;
	v_der_sids sids;
	cms_walk w;
	cms_content ct = { NULL, 0, NULL };
	v_sigobj *objs = NULL;
	int embedded = 0;
	vn_err e;

	memset(&w, 0, sizeof w);
	memset(&sids, 0, sizeof sids);
	*out = NULL;
	*nout = 0;
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (n > V_MAX_DOCUMENT)
		return fail(why, whylen, VN_ERR_TOO_LARGE, "CMS input over the document cap");
	e = v_cms_pem_decode(der, n, &pem, &plen);
	if (e == VN_OK) {
		der = pem;
		n = plen;
	} else if (e != VN_ERR_NOT_FOUND) {
		e = fail(why, whylen, VN_ERR_MALFORMED, "broken PEM around the CMS");
		goto out;
	}
	/* The carried certificates from the certificate cache and the rest
	 * decoded without them (v_dersplit.h); any other shape, or a rest
	 * OpenSSL refuses, is decoded whole as received. */
	cms = v_der_cms_decode(der, n, V_MAX_DOCUMENT, &sdcerts, &sids, V_DER_UATTRS);
	q = der;
	if (cms == NULL &&
	    (n < 2 || der[0] != 0x30 || (cms = d2i_CMS_ContentInfo(NULL, &q, (long)n)) == NULL ||
	     q != der + n)) {
		e = fail(why, whylen, VN_ERR_MALFORMED, "not a CMS ContentInfo");
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		e = fail(why, whylen, VN_ERR_MALFORMED, "CMS content is not SignedData");
		goto out;
	}
	if ((e = cms_walk_der(der, n, &w)) != VN_OK) {
		e = fail(why, whylen, e, e == VN_ERR_TOO_LARGE ? "too many SignerInfos"
			 : e == VN_ERR_NOMEM ? "out of memory" : "SignedData structure unreadable");
		goto out;
	}
	sis = CMS_get0_SignerInfos(cms);
	nsi = sis != NULL ? (size_t)sk_CMS_SignerInfo_num(sis) : 0;
	/* from the walk: one sid per SignerInfo, in order; none: as decoded */
	if (nsi == 0 || nsi != w.nsi || (sids.n != 0 && sids.n != nsi)) {
		e = fail(why, whylen, VN_ERR_MALFORMED, "SignedData without a readable SignerInfo");
		goto out;
	}
	if (sdcerts == NULL)
		sdcerts = CMS_get1_certs(cms);
	if (sdcerts != NULL && sk_X509_num(sdcerts) > V_MAX_CERTS) {
		e = fail(why, whylen, VN_ERR_TOO_LARGE, "too many certificates");
		goto out;
	}

	pos = CMS_get0_content(cms);
	if (pos != NULL && *pos != NULL) {
		ct.p = (*pos)->data;
		ct.n = (size_t)(*pos)->length;
		embedded = 1;
	} else if (data != NULL && data->bytes != NULL) {
		ct.p = data->bytes;
		ct.n = data->len;
	} else if (data != NULL && data->digest != NULL && data->digest_alg != NULL) {
		ct.dg = data;
	}

	if ((objs = calloc(nsi, sizeof *objs)) == NULL) {
		e = fail(why, whylen, VN_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < nsi; i++)
		v_sigobj_init(&objs[i]);
	for (i = 0; i < nsi; i++) {
		e = cms_signer(cms, sk_CMS_SignerInfo_value(sis, (int)i),
			       sids.n != 0 ? &sids.sid[i] : NULL, i, sdcerts, &w, &ct, embedded,
			       data, &objs[i]);
		if (e == VN_OK && embedded && data != NULL && data->bytes != NULL)
			e = finding(&objs[i], VN_LEVEL_WARN, "V_CMS_DATA_IGNORED",
				    "the signature embeds its content; the supplied data "
				    "was not used");
		if (e != VN_OK) {
			(void)fail(why, whylen, e, e == VN_ERR_TOO_LARGE
				   ? "a cap on certificates, revocation data or timestamps was hit"
				   : e == VN_ERR_MALFORMED ? "a CAdES attribute is malformed"
				   : vn_err_str(e));
			goto out;
		}
	}
	*out = objs;
	*nout = nsi;
	objs = NULL;
	e = VN_OK;
out:
	if (objs != NULL) {
		for (i = 0; i < nsi; i++)
			v_sigobj_free(&objs[i]);
		free(objs);
	}
	sk_X509_pop_free(sdcerts, X509_free);
	CMS_ContentInfo_free(cms);
	walk_free(&w);
	free(pem);
	ERR_clear_error();
	return e;
}
