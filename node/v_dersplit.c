/* valnode: embedded certificates out of CMS SignedData and OCSP responses
 * by a strict DER walk (see v_dersplit.h for the rules, D/C/O/K). */
#include "node/v_dersplit.h"

#include <limits.h>
#include <string.h>

#include <openssl/err.h>

#include "common/vn_certcache.h"

/* DER of the OBJECT IDENTIFIERs compared. */
static const unsigned char oid_signed_data[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
						 0x0d, 0x01, 0x07, 0x02 };
static const unsigned char oid_ocsp_basic[] = { 0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05,
						0x07, 0x30, 0x01, 0x01 };

typedef struct cur {
	const unsigned char *p;
	size_t n;
} cur;

typedef struct tlv {
	unsigned char tag;
	const unsigned char *start;	/* identifier octet */
	size_t len;			/* whole element */
	const unsigned char *c;		/* contents */
	size_t clen;
} tlv;

/* The next element of c (rules D1-D4); 1 read, 0 refused. */
static int get(cur *c, tlv *t)
{
	const unsigned char *p = c->p;
	size_t n = c->n, hl = 2, len, k, nb;

	if (n < 2 || (p[0] & 0x1f) == 0x1f)	/* D1 */
		return 0;
	if (p[1] < 0x80) {
		len = p[1];
	} else {
		nb = p[1] & 0x7f;
		if (nb == 0 || nb > 4 || n - 2 < nb)	/* D2 (0x80), D3 */
			return 0;
		if (p[2] == 0)	/* D3: a leading zero octet */
			return 0;
		len = 0;
		for (k = 0; k < nb; k++)
			len = (len << 8) | p[2 + k];
		if (len < 0x80)	/* D3: fits the short form */
			return 0;
		hl = 2 + nb;
	}
	if (n - hl < len)	/* D4 */
		return 0;
	t->tag = p[0];
	t->start = p;
	t->c = p + hl;
	t->clen = len;
	t->len = hl + len;
	c->p += t->len;
	c->n -= t->len;
	return 1;
}

static int get_tag(cur *c, tlv *t, unsigned char tag)
{
	return get(c, t) && t->tag == tag;
}

static void enter(const tlv *t, cur *c)
{
	c->p = t->c;
	c->n = t->clen;
}

/* Octets of a DER header for a length. */
static size_t hdr_size(size_t len)
{
	return len < 0x80 ? 2 : len <= 0xff ? 3 : len <= 0xffff ? 4 : len <= 0xffffff ? 5 : 6;
}

vn_err v_der_put_hdr(vn_buf *b, unsigned char tag, size_t len)
{
	unsigned char h[6];
	size_t hs = hdr_size(len), k;

	h[0] = tag;
	if (hs == 2) {
		h[1] = (unsigned char)len;
	} else {
		h[1] = (unsigned char)(0x80 | (hs - 2));
		for (k = 2; k < hs; k++)
			h[k] = (unsigned char)(len >> (8 * (hs - 1 - k)));
	}
	return vn_buf_append(b, h, hs);
}

/* The Certificate SEQUENCEs that make up contents c (rules K1, K2). */
static vn_err decode_certs(cur c, STACK_OF(X509) **out)
{
	STACK_OF(X509) *sk = NULL;
	X509 *x = NULL;
	tlv t;
	vn_err e = VN_ERR_NOT_FOUND;

	if ((sk = sk_X509_new_null()) == NULL)
		return VN_ERR_NOMEM;
	while (c.n > 0) {
		if (!get_tag(&c, &t, 0x30) || sk_X509_num(sk) >= V_DERSPLIT_MAX_CERTS)
			goto out;
		if ((x = vn_cert_decode(t.start, t.len)) == NULL)
			goto out;
		if (sk_X509_push(sk, x) <= 0) {
			e = VN_ERR_NOMEM;
			goto out;
		}
		x = NULL;
	}
	*out = sk;
	sk = NULL;
	e = VN_OK;
out:
	X509_free(x);
	sk_X509_pop_free(sk, X509_free);
	return e;
}

vn_err v_der_cms_split(const unsigned char *der, size_t n, vn_buf *rest, STACK_OF(X509) **certs)
{
	cur c = { der, n }, ci, ex, sd;
	tlv top, oid, ctx0, sdt, t, crt;
	const unsigned char *before_end;
	STACK_OF(X509) *sk = NULL;
	size_t l_before, l_after, l_sd, l_ctx, l_top;
	vn_err e = VN_ERR_NOT_FOUND;

	*certs = NULL;
	if (der == NULL)
		return VN_ERR_NOT_FOUND;
	/* D5, C1 */
	if (!get_tag(&c, &top, 0x30) || c.n != 0)
		return VN_ERR_NOT_FOUND;
	enter(&top, &ci);
	if (!get_tag(&ci, &oid, 0x06) || oid.len != sizeof oid_signed_data ||
	    memcmp(oid.start, oid_signed_data, oid.len) != 0 || !get_tag(&ci, &ctx0, 0xa0) ||
	    ci.n != 0)
		return VN_ERR_NOT_FOUND;
	enter(&ctx0, &ex);
	if (!get_tag(&ex, &sdt, 0x30) || ex.n != 0)
		return VN_ERR_NOT_FOUND;
	/* C2 */
	enter(&sdt, &sd);
	if (!get_tag(&sd, &t, 0x02) || !get_tag(&sd, &t, 0x31) || !get_tag(&sd, &t, 0x30))
		return VN_ERR_NOT_FOUND;
	before_end = sd.p;
	if (sd.n == 0 || sd.p[0] != 0xa0) {	/* no certificates field */
		if ((sk = sk_X509_new_null()) == NULL)
			return VN_ERR_NOMEM;
		if ((e = vn_buf_append(rest, der, n)) != VN_OK)
			goto out;
		*certs = sk;
		return VN_OK;
	}
	if (!get(&sd, &crt))
		return VN_ERR_NOT_FOUND;
	/* C4: a second [0] cannot follow (crls is [1], then signerInfos): such
	 * input is not a SignedData, and its rest would walk differently */
	if (sd.n > 0 && sd.p[0] == 0xa0)
		return VN_ERR_NOT_FOUND;
	/* C3, K1, K2 */
	if ((e = decode_certs((cur){ crt.c, crt.clen }, &sk)) != VN_OK)
		return e;
	l_before = (size_t)(before_end - sdt.c);
	l_after = sd.n;
	l_sd = l_before + l_after;
	l_ctx = hdr_size(l_sd) + l_sd;
	l_top = oid.len + hdr_size(l_ctx) + l_ctx;
	if ((e = v_der_put_hdr(rest, 0x30, l_top)) != VN_OK ||
	    (e = vn_buf_append(rest, oid.start, oid.len)) != VN_OK ||
	    (e = v_der_put_hdr(rest, 0xa0, l_ctx)) != VN_OK ||
	    (e = v_der_put_hdr(rest, 0x30, l_sd)) != VN_OK ||
	    (e = vn_buf_append(rest, sdt.c, l_before)) != VN_OK ||
	    (e = vn_buf_append(rest, sd.p, l_after)) != VN_OK)
		goto out;
	*certs = sk;
	sk = NULL;
out:
	sk_X509_pop_free(sk, X509_free);
	return e;
}

vn_err v_der_ocsp_split(const unsigned char *der, size_t n, vn_buf *basic, STACK_OF(X509) **certs)
{
	cur c = { der, n }, in, rb, br, bs, cc;
	tlv top, st, ctx0, rbt, oid, os, bst, t, ct, seq;
	const unsigned char *before_end;
	STACK_OF(X509) *sk = NULL;
	size_t l_before;
	vn_err e = VN_ERR_NOT_FOUND;

	*certs = NULL;
	if (der == NULL)
		return VN_ERR_NOT_FOUND;
	/* D5, O1 */
	if (!get_tag(&c, &top, 0x30) || c.n != 0)
		return VN_ERR_NOT_FOUND;
	enter(&top, &in);
	if (!get_tag(&in, &st, 0x0a) || st.clen != 1 || st.c[0] != 0 ||
	    !get_tag(&in, &ctx0, 0xa0) || in.n != 0)
		return VN_ERR_NOT_FOUND;
	/* O2 */
	enter(&ctx0, &rb);
	if (!get_tag(&rb, &rbt, 0x30) || rb.n != 0)
		return VN_ERR_NOT_FOUND;
	enter(&rbt, &br);
	if (!get_tag(&br, &oid, 0x06) || oid.len != sizeof oid_ocsp_basic ||
	    memcmp(oid.start, oid_ocsp_basic, oid.len) != 0 || !get_tag(&br, &os, 0x04) ||
	    br.n != 0)
		return VN_ERR_NOT_FOUND;
	/* O3 */
	enter(&os, &bs);
	if (!get_tag(&bs, &bst, 0x30) || bs.n != 0)
		return VN_ERR_NOT_FOUND;
	enter(&bst, &bs);
	if (!get_tag(&bs, &t, 0x30) || !get_tag(&bs, &t, 0x30) || !get_tag(&bs, &t, 0x03))
		return VN_ERR_NOT_FOUND;
	before_end = bs.p;
	if (bs.n == 0) {	/* no certs */
		if ((sk = sk_X509_new_null()) == NULL)
			return VN_ERR_NOMEM;
		if ((e = vn_buf_append(basic, bst.start, bst.len)) != VN_OK)
			goto out;
		*certs = sk;
		return VN_OK;
	}
	if (!get_tag(&bs, &ct, 0xa0) || bs.n != 0)
		return VN_ERR_NOT_FOUND;
	enter(&ct, &cc);
	if (!get_tag(&cc, &seq, 0x30) || cc.n != 0)
		return VN_ERR_NOT_FOUND;
	/* K1, K2 */
	if ((e = decode_certs((cur){ seq.c, seq.clen }, &sk)) != VN_OK)
		return e;
	l_before = (size_t)(before_end - bst.c);
	if ((e = v_der_put_hdr(basic, 0x30, l_before)) != VN_OK ||
	    (e = vn_buf_append(basic, bst.c, l_before)) != VN_OK)
		goto out;
	*certs = sk;
	sk = NULL;
out:
	sk_X509_pop_free(sk, X509_free);
	return e;
}

CMS_ContentInfo *v_der_cms_decode(const unsigned char *der, size_t n, size_t cap,
				  STACK_OF(X509) **certs)
{
	CMS_ContentInfo *cms = NULL;
	const unsigned char *q;
	vn_buf rest;

	*certs = NULL;
	if (der == NULL || n < 2 || n > (size_t)LONG_MAX)
		return NULL;
	vn_buf_init(&rest, cap);
	if (v_der_cms_split(der, n, &rest, certs) == VN_OK) {
		q = rest.data;
		cms = d2i_CMS_ContentInfo(NULL, &q, (long)rest.len);
		if (cms == NULL || q != rest.data + rest.len) {
			CMS_ContentInfo_free(cms);
			cms = NULL;
			sk_X509_pop_free(*certs, X509_free);
			*certs = NULL;
			ERR_clear_error();
		}
	}
	vn_buf_free(&rest);
	return cms;
}

OCSP_BASICRESP *v_der_ocsp_decode(const unsigned char *der, size_t n, size_t cap,
				  STACK_OF(X509) **certs)
{
	OCSP_BASICRESP *bs = NULL;
	const unsigned char *q;
	vn_buf basic;

	*certs = NULL;
	if (der == NULL || n < 2 || n > (size_t)LONG_MAX)
		return NULL;
	vn_buf_init(&basic, cap);
	if (v_der_ocsp_split(der, n, &basic, certs) == VN_OK) {
		q = basic.data;
		bs = d2i_OCSP_BASICRESP(NULL, &q, (long)basic.len);
		if (bs == NULL || q != basic.data + basic.len) {
			OCSP_BASICRESP_free(bs);
			bs = NULL;
			sk_X509_pop_free(*certs, X509_free);
			*certs = NULL;
			ERR_clear_error();
		}
	}
	vn_buf_free(&basic);
	return bs;
}

OCSP_BASICRESP *v_der_ocsp_basic(const unsigned char *der, size_t n, size_t cap)
{
	STACK_OF(X509) *certs = NULL;
	OCSP_BASICRESP *bs = v_der_ocsp_decode(der, n, cap, &certs);
	OCSP_RESPONSE *r;
	const unsigned char *q = der;

	sk_X509_pop_free(certs, X509_free);
	if (bs != NULL || der == NULL || n == 0 || n > cap || n > (size_t)LONG_MAX)
		return bs;
	r = d2i_OCSP_RESPONSE(NULL, &q, (long)n);
	if (r != NULL && q == der + n && OCSP_response_status(r) == OCSP_RESPONSE_STATUS_SUCCESSFUL)
		bs = OCSP_response_get1_basic(r);
	OCSP_RESPONSE_free(r);
	ERR_clear_error();
	return bs;
}
