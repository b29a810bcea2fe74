/* valnode: embedded certificates out of CMS SignedData and OCSP responses
 * by a strict DER walk (see v_dersplit.h for the rules, D/C/U/O/K). */
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

static int int_ok(const tlv *t);
static int oid_ok(const tlv *t);
static void bytes_of(const tlv *t, v_der_bytes *b);

/* Rules U2, U3 over the contents c of an unsignedAttrs: the attributes,
 * read into a[0..n) when a is not NULL; n (at least 1), or 0 refused. */
static size_t attrs_walk(cur c, v_der_attr *a)
{
	cur ac, vc;
	tlv at, oid, vals, v;
	size_t n = 0;
	int nv;

	if (c.n == 0)
		return 0;
	while (c.n > 0) {
		if (n >= V_DER_MAX_UATTRS || !get_tag(&c, &at, 0x30))
			return 0;
		enter(&at, &ac);
		if (!get(&ac, &oid) || !oid_ok(&oid) || !get_tag(&ac, &vals, 0x31) || ac.n != 0 ||
		    vals.clen == 0)
			return 0;
		/* U3: a SEQUENCE, which OpenSSL's ANY keeps as the received
		 * octets (contents not looked into, as there) */
		enter(&vals, &vc);
		for (nv = 0; vc.n > 0; nv++)
			if (nv == INT_MAX || !get_tag(&vc, &v, 0x30))
				return 0;
		if (a != NULL) {
			bytes_of(&oid, &a[n].oid);
			bytes_of(&vals, &a[n].vals);
			a[n].nvals = nv;
		}
		n++;
	}
	return n;
}

/* Rule U1 over the fields after sid (c), then U2, U3: the unsignedAttrs in
 * *uat. 1 in that shape, 0 not. */
static int uattrs_walk(cur c, tlv *uat)
{
	tlv t;

	/* digestAlgorithm, then [0] signedAttrs or signatureAlgorithm */
	if (!get(&c, &t) || !get(&c, &t))
		return 0;
	if (t.tag == 0xa0 && !get(&c, &t))
		return 0;
	if (!get_tag(&c, &t, 0x04) || !get_tag(&c, uat, 0xa1) || c.n != 0)
		return 0;
	return attrs_walk((cur){ uat->c, uat->clen }, NULL) > 0;
}

size_t v_der_attrs_read(const v_der_bytes *uattrs, v_der_attr *a)
{
	if (uattrs->p == NULL)
		return 0;
	return attrs_walk((cur){ uattrs->p, uattrs->n }, a);
}

int v_der_attr_value(const v_der_attr *a, int i, v_der_bytes *v)
{
	cur c = { a->vals.p, a->vals.n };
	tlv t;
	int k;

	v->p = NULL;
	v->n = 0;
	if (i < 0 || i >= a->nvals || c.p == NULL)
		return 0;
	for (k = 0; k <= i; k++)
		if (!get(&c, &t))
			return 0;
	v->p = t.start;
	v->n = t.len;
	return 1;
}

/* One SignerInfo as walked by rules C6 (and U1-U3), and its re-encoded
 * lengths. */
typedef struct si_part {
	tlv si, ver, sid;
	tlv name, serial;	/* issuerAndSerialNumber only */
	int ias;
	tlv uat;		/* unsignedAttrs, when taken (start non-NULL) */
	size_t l_sid, l_si;	/* contents of sid and SignerInfo in the rest */
} si_part;

/* Rules C5, C6 (and U1-U3 with V_DER_UATTRS) over what follows the
 * certificates field in c: crls in *crls (start NULL when absent), the
 * SignerInfos in sp[0..*nsp). 1 walked, 0 refused. */
static int walk_signers(cur c, tlv *crls, si_part *sp, size_t *nsp, unsigned flags)
{
	cur s, in, ias;
	tlv set;
	size_t k;

	crls->start = NULL;
	*nsp = 0;
	if (c.n > 0 && c.p[0] == 0xa1 && !get(&c, crls))
		return 0;
	if (!get_tag(&c, &set, 0x31) || c.n != 0)
		return 0;
	enter(&set, &s);
	while (s.n > 0) {
		si_part *x = &sp[*nsp];

		if (*nsp >= V_DERSPLIT_MAX_SIGNERS || !get_tag(&s, &x->si, 0x30))
			return 0;
		enter(&x->si, &in);
		if (!get_tag(&in, &x->ver, 0x02) || !get(&in, &x->sid))
			return 0;
		if (x->sid.tag == 0x80) {	/* subjectKeyIdentifier: kept */
			x->ias = 0;
			x->l_sid = x->sid.clen;
		} else if (x->sid.tag == 0x30) {
			enter(&x->sid, &ias);
			if (!get_tag(&ias, &x->name, 0x30) || !get_tag(&ias, &x->serial, 0x02) ||
			    !int_ok(&x->serial) || ias.n != 0)
				return 0;
			x->ias = 1;
			x->l_sid = 2 + x->serial.len;	/* 30 00, then the INTEGER */
		} else {
			return 0;
		}
		k = hdr_size(x->l_sid) + x->l_sid;
		x->l_si = x->si.clen - x->sid.len + k;
		if ((flags & V_DER_UATTRS) && uattrs_walk(in, &x->uat))
			x->l_si -= x->uat.len;	/* U: taken */
		else
			x->uat.start = NULL;
		(*nsp)++;
	}
	return 1;
}

/* The SET OF SignerInfo of the rest (C6: Names emptied; U1: the
 * unsignedAttrs taken left out). */
static vn_err put_signers(vn_buf *b, const si_part *sp, size_t nsp, size_t l_set)
{
	static const unsigned char empty_name[] = { 0x30, 0x00 };
	const unsigned char *after, *end;
	size_t i;
	vn_err e;

	if ((e = v_der_put_hdr(b, 0x31, l_set)) != VN_OK)
		return e;
	for (i = 0; i < nsp; i++) {
		const si_part *x = &sp[i];

		after = x->sid.start + x->sid.len;
		end = x->uat.start != NULL ? x->uat.start : x->si.c + x->si.clen;
		if ((e = v_der_put_hdr(b, 0x30, x->l_si)) != VN_OK ||
		    (e = vn_buf_append(b, x->ver.start, x->ver.len)) != VN_OK)
			return e;
		if (!x->ias)
			e = vn_buf_append(b, x->sid.start, x->sid.len);
		else if ((e = v_der_put_hdr(b, 0x30, x->l_sid)) == VN_OK &&
			 (e = vn_buf_append(b, empty_name, sizeof empty_name)) == VN_OK)
			e = vn_buf_append(b, x->serial.start, x->serial.len);
		if (e != VN_OK || (e = vn_buf_append(b, after, (size_t)(end - after))) != VN_OK)
			return e;
	}
	return VN_OK;
}

vn_err v_der_cms_split(const unsigned char *der, size_t n, vn_buf *rest, STACK_OF(X509) **certs,
		       v_der_sids *sids, unsigned flags)
{
	cur c = { der, n }, ci, ex, sd;
	tlv top, oid, ctx0, sdt, t, crt, crls;
	si_part sp[V_DERSPLIT_MAX_SIGNERS];
	const unsigned char *before_end;
	STACK_OF(X509) *sk = NULL;
	size_t l_before, l_set, l_sd, l_ctx, l_top, nsp = 0, i;
	vn_err e = VN_ERR_NOT_FOUND;

	*certs = NULL;
	memset(sids, 0, sizeof *sids);
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
	crt.start = NULL;
	if (sd.n > 0 && sd.p[0] == 0xa0) {
		if (!get(&sd, &crt))
			return VN_ERR_NOT_FOUND;
		/* C4: a second [0] cannot follow (crls is [1], then
		 * signerInfos): such input is not a SignedData, and its rest
		 * would walk differently */
		if (sd.n > 0 && sd.p[0] == 0xa0)
			return VN_ERR_NOT_FOUND;
	}
	/* C5, C6 (U1-U3) */
	if (!walk_signers(sd, &crls, sp, &nsp, flags))
		return VN_ERR_NOT_FOUND;
	/* C3, K1, K2 */
	if (crt.start != NULL)
		e = decode_certs((cur){ crt.c, crt.clen }, &sk);
	else
		e = (sk = sk_X509_new_null()) != NULL ? VN_OK : VN_ERR_NOMEM;
	if (e != VN_OK)
		return e;
	l_set = 0;
	for (i = 0; i < nsp; i++)
		l_set += hdr_size(sp[i].l_si) + sp[i].l_si;
	l_before = (size_t)(before_end - sdt.c);
	l_sd = l_before + (crls.start != NULL ? crls.len : 0) + hdr_size(l_set) + l_set;
	l_ctx = hdr_size(l_sd) + l_sd;
	l_top = oid.len + hdr_size(l_ctx) + l_ctx;
	if ((e = v_der_put_hdr(rest, 0x30, l_top)) != VN_OK ||
	    (e = vn_buf_append(rest, oid.start, oid.len)) != VN_OK ||
	    (e = v_der_put_hdr(rest, 0xa0, l_ctx)) != VN_OK ||
	    (e = v_der_put_hdr(rest, 0x30, l_sd)) != VN_OK ||
	    (e = vn_buf_append(rest, sdt.c, l_before)) != VN_OK ||
	    (crls.start != NULL && (e = vn_buf_append(rest, crls.start, crls.len)) != VN_OK) ||
	    (e = put_signers(rest, sp, nsp, l_set)) != VN_OK)
		goto out;
	sids->n = nsp;
	for (i = 0; i < nsp; i++) {
		if (sp[i].uat.start != NULL)
			bytes_of(&sp[i].uat, &sids->sid[i].uattrs);
		if (!sp[i].ias)
			continue;
		sids->sid[i].name.p = sp[i].name.start;
		sids->sid[i].name.n = sp[i].name.len;
		bytes_of(&sp[i].serial, &sids->sid[i].serial);
	}
	*certs = sk;
	sk = NULL;
out:
	sk_X509_pop_free(sk, X509_free);
	return e;
}

/* Rules D5, O1-O3 down to the BasicOCSPResponse: its element bst, its
 * first three fields, and in seq the SEQUENCE OF Certificate of its certs
 * field (seq->start NULL when there is none). 1 walked, 0 refused. */
static int ocsp_outer(const unsigned char *der, size_t n, tlv *bst, tlv *tbs, tlv *alg,
		      tlv *sig, tlv *seq)
{
	cur c = { der, n }, in, rb, br, bs, cc;
	tlv top, st, ctx0, rbt, oid, os, ct;

	seq->start = NULL;
	if (der == NULL)
		return 0;
	/* D5, O1 */
	if (!get_tag(&c, &top, 0x30) || c.n != 0)
		return 0;
	enter(&top, &in);
	if (!get_tag(&in, &st, 0x0a) || st.clen != 1 || st.c[0] != 0 ||
	    !get_tag(&in, &ctx0, 0xa0) || in.n != 0)
		return 0;
	/* O2 */
	enter(&ctx0, &rb);
	if (!get_tag(&rb, &rbt, 0x30) || rb.n != 0)
		return 0;
	enter(&rbt, &br);
	if (!get_tag(&br, &oid, 0x06) || oid.len != sizeof oid_ocsp_basic ||
	    memcmp(oid.start, oid_ocsp_basic, oid.len) != 0 || !get_tag(&br, &os, 0x04) ||
	    br.n != 0)
		return 0;
	/* O3 */
	enter(&os, &bs);
	if (!get_tag(&bs, bst, 0x30) || bs.n != 0)
		return 0;
	enter(bst, &bs);
	if (!get_tag(&bs, tbs, 0x30) || !get_tag(&bs, alg, 0x30) || !get_tag(&bs, sig, 0x03))
		return 0;
	if (bs.n == 0)	/* no certs */
		return 1;
	if (!get_tag(&bs, &ct, 0xa0) || bs.n != 0)
		return 0;
	enter(&ct, &cc);
	return get_tag(&cc, seq, 0x30) && cc.n == 0;
}

vn_err v_der_ocsp_split(const unsigned char *der, size_t n, vn_buf *basic, STACK_OF(X509) **certs)
{
	tlv bst, tbs, alg, sig, seq;
	STACK_OF(X509) *sk = NULL;
	size_t l_before;
	vn_err e = VN_ERR_NOT_FOUND;

	*certs = NULL;
	if (!ocsp_outer(der, n, &bst, &tbs, &alg, &sig, &seq))
		return VN_ERR_NOT_FOUND;
	if (seq.start == NULL) {	/* no certs */
		if ((sk = sk_X509_new_null()) == NULL)
			return VN_ERR_NOMEM;
		if ((e = vn_buf_append(basic, bst.start, bst.len)) != VN_OK)
			goto out;
		*certs = sk;
		return VN_OK;
	}
	/* K1, K2 */
	if ((e = decode_certs((cur){ seq.c, seq.clen }, &sk)) != VN_OK)
		return e;
	l_before = (size_t)(sig.start + sig.len - bst.c);
	if ((e = v_der_put_hdr(basic, 0x30, l_before)) != VN_OK ||
	    (e = vn_buf_append(basic, bst.c, l_before)) != VN_OK)
		goto out;
	*certs = sk;
	sk = NULL;
out:
	sk_X509_pop_free(sk, X509_free);
	return e;
}

/* --- the BasicOCSPResponse read (rules R1-R8 of v_dersplit.h) ------------ */

static void bytes_of(const tlv *t, v_der_bytes *b)
{
	b->p = t->c;
	b->n = t->clen;
}

/* R5: what OpenSSL's OBJECT IDENTIFIER decoder accepts. */
static int oid_ok(const tlv *t)
{
	size_t i;

	if (t->tag != 0x06 || t->clen == 0 || (t->c[t->clen - 1] & 0x80))
		return 0;
	for (i = 0; i < t->clen; i++)
		if (t->c[i] == 0x80 && (i == 0 || !(t->c[i - 1] & 0x80)))
			return 0;
	return 1;
}

/* R6: an INTEGER (or ENUMERATED) in the fewest octets (X.690 8.3.2). */
static int int_ok(const tlv *t)
{
	if (t->clen == 0)
		return 0;
	return t->clen == 1 || !((t->c[0] == 0x00 && !(t->c[1] & 0x80)) ||
				 (t->c[0] == 0xff && (t->c[1] & 0x80)));
}

/* R7: GeneralizedTime YYYYMMDDHHMMSSZ (RFC 5280 4.1.2.5.2). */
static int time_ok(const tlv *t)
{
	return t->tag == 0x18 && t->clen == 15 && t->c[14] == 'Z';
}

/* R2: AlgorithmIdentifier { OBJECT IDENTIFIER, NULL OPTIONAL }. */
static int algid_ok(const tlv *t, tlv *oid)
{
	cur c;
	tlv prm;

	enter(t, &c);
	if (!get(&c, oid) || !oid_ok(oid))
		return 0;
	return c.n == 0 || (get_tag(&c, &prm, 0x05) && prm.clen == 0 && c.n == 0);
}

/* R4: the contents of [1] EXPLICIT Extensions ::= SEQUENCE SIZE (1..MAX) OF
 * SEQUENCE { OBJECT IDENTIFIER, BOOLEAN TRUE OPTIONAL, OCTET STRING }. */
static int exts_ok(const tlv *ctx1)
{
	cur c, l, e;
	tlv seq, ext, f;

	enter(ctx1, &c);
	if (!get_tag(&c, &seq, 0x30) || c.n != 0 || seq.clen == 0)
		return 0;
	enter(&seq, &l);
	while (l.n > 0) {
		if (!get_tag(&l, &ext, 0x30))
			return 0;
		enter(&ext, &e);
		if (!get(&e, &f) || !oid_ok(&f) || !get(&e, &f))
			return 0;
		/* DER: critical FALSE is left out (X.690 11.5), TRUE is 0xff (11.1) */
		if (f.tag == 0x01 && (f.clen != 1 || f.c[0] != 0xff || !get(&e, &f)))
			return 0;
		if (f.tag != 0x04 || e.n != 0)
			return 0;
	}
	return 1;
}

/* R3: one SingleResponse. */
static int single_ok(const tlv *t, v_der_single *s)
{
	cur c, id, rv, sub;
	tlv cid, alg, oid, f, g, e;

	memset(s, 0, sizeof *s);
	s->reason = -1;
	enter(t, &c);
	if (!get_tag(&c, &cid, 0x30))
		return 0;
	enter(&cid, &id);
	if (!get_tag(&id, &alg, 0x30) || !algid_ok(&alg, &oid))
		return 0;
	bytes_of(&oid, &s->hash_oid);
	if (!get_tag(&id, &f, 0x04))
		return 0;
	bytes_of(&f, &s->name_hash);
	if (!get_tag(&id, &f, 0x04))
		return 0;
	bytes_of(&f, &s->key_hash);
	if (!get_tag(&id, &f, 0x02) || !int_ok(&f) || id.n != 0)
		return 0;
	bytes_of(&f, &s->serial);
	if (!get(&c, &f))
		return 0;
	switch (f.tag) {
	case 0x80:	/* good [0] IMPLICIT NULL */
		if (f.clen != 0)
			return 0;
		s->status = V_OCSP_CERTSTATUS_GOOD;
		break;
	case 0x82:	/* unknown [2] IMPLICIT NULL */
		if (f.clen != 0)
			return 0;
		s->status = V_OCSP_CERTSTATUS_UNKNOWN;
		break;
	case 0xa1:	/* revoked [1] IMPLICIT RevokedInfo */
		enter(&f, &rv);
		if (!get(&rv, &g) || !time_ok(&g))
			return 0;
		bytes_of(&g, &s->rev_time);
		if (rv.n > 0) {	/* revocationReason [0] EXPLICIT CRLReason */
			if (!get_tag(&rv, &g, 0xa0) || rv.n != 0)
				return 0;
			enter(&g, &sub);
			if (!get_tag(&sub, &e, 0x0a) || sub.n != 0 || e.clen != 1 || e.c[0] >= 0x80)
				return 0;
			s->reason = e.c[0];
		}
		s->status = V_OCSP_CERTSTATUS_REVOKED;
		break;
	default:
		return 0;
	}
	if (!get(&c, &f) || !time_ok(&f))
		return 0;
	bytes_of(&f, &s->this_update);
	if (c.n > 0 && c.p[0] == 0xa0) {	/* nextUpdate [0] EXPLICIT */
		if (!get(&c, &f))
			return 0;
		enter(&f, &sub);
		if (!get(&sub, &g) || !time_ok(&g) || sub.n != 0)
			return 0;
		bytes_of(&g, &s->next_update);
	}
	/* singleExtensions [1] EXPLICIT */
	return c.n == 0 || (get_tag(&c, &f, 0xa1) && exts_ok(&f) && c.n == 0);
}

/* R1: tbsResponseData. */
static int respdata_ok(const tlv *t, v_der_ocsp *o)
{
	cur c, v, rl;
	tlv f, g;

	enter(t, &c);
	if (!get(&c, &f))
		return 0;
	if (f.tag == 0xa0) {	/* version [0] EXPLICIT */
		enter(&f, &v);
		if (!get_tag(&v, &g, 0x02) || !int_ok(&g) || v.n != 0 || !get(&c, &f))
			return 0;
	}
	enter(&f, &v);
	if (f.tag == 0xa1) {	/* byName [1] EXPLICIT Name, whole */
		if (!get_tag(&v, &g, 0x30) || v.n != 0)
			return 0;
		o->by_key = 0;
		o->responder.p = g.start;
		o->responder.n = g.len;
	} else if (f.tag == 0xa2) {	/* byKey [2] EXPLICIT KeyHash */
		if (!get_tag(&v, &g, 0x04) || v.n != 0)
			return 0;
		o->by_key = 1;
		bytes_of(&g, &o->responder);
	} else {
		return 0;
	}
	if (!get(&c, &f) || !time_ok(&f))
		return 0;
	bytes_of(&f, &o->produced_at);
	if (!get_tag(&c, &f, 0x30) || f.clen == 0)
		return 0;
	enter(&f, &rl);
	o->nsingles = 0;
	while (rl.n > 0) {
		if (o->nsingles >= V_DER_OCSP_MAX_SINGLES || !get_tag(&rl, &g, 0x30) ||
		    !single_ok(&g, &o->singles[o->nsingles]))
			return 0;
		o->nsingles++;
	}
	/* responseExtensions [1] EXPLICIT */
	return c.n == 0 || (get_tag(&c, &f, 0xa1) && exts_ok(&f) && c.n == 0);
}

vn_err v_der_ocsp_read(const unsigned char *der, size_t n, v_der_ocsp *o, STACK_OF(X509) **certs)
{
	tlv bst, tbs, alg, sig, seq, oid;
	vn_err e;

	*certs = NULL;
	memset(o, 0, sizeof *o);
	if (!ocsp_outer(der, n, &bst, &tbs, &alg, &sig, &seq))
		return VN_ERR_NOT_FOUND;
	/* R8 */
	if (!algid_ok(&alg, &oid) || sig.clen < 1 || sig.c[0] != 0 || !respdata_ok(&tbs, o)) {
		memset(o, 0, sizeof *o);
		return VN_ERR_NOT_FOUND;
	}
	o->tbs.p = tbs.start;
	o->tbs.n = tbs.len;
	bytes_of(&oid, &o->sig_alg);
	o->sig.p = sig.c + 1;
	o->sig.n = sig.clen - 1;
	/* K1, K2 */
	if (seq.start == NULL)
		e = (*certs = sk_X509_new_null()) != NULL ? VN_OK : VN_ERR_NOMEM;
	else
		e = decode_certs((cur){ seq.c, seq.clen }, certs);
	if (e != VN_OK)
		memset(o, 0, sizeof *o);
	return e;
}

/* The issuer Name of x has the bytes b (its encoding as received, kept by
 * OpenSSL's decoder: X509_NAME_get0_der does no work). */
static int issuer_is(X509 *x, const v_der_bytes *b)
{
	const unsigned char *d = NULL;
	size_t dl = 0;

	return X509_NAME_get0_der(X509_get_issuer_name(x), &d, &dl) == 1 && dl == b->n &&
	       memcmp(d, b->p, dl) == 0;
}

/* The sid Name b decoded alone; NULL when OpenSSL refuses it. */
static X509_NAME *name_decode(const v_der_bytes *b)
{
	const unsigned char *q = b->p;
	X509_NAME *nm;

	if (b->n > (size_t)LONG_MAX)
		return NULL;
	nm = d2i_X509_NAME(NULL, &q, (long)b->n);
	if (nm != NULL && q != b->p + b->n) {
		X509_NAME_free(nm);
		nm = NULL;
	}
	return nm;
}

/* Each issuerAndSerialNumber Name of sids decodes alone: its bytes are a
 * carried certificate's issuer, which OpenSSL decoded, or it is decoded
 * here. The original input then decodes exactly when the rest does. */
static int sid_names_decode(const v_der_sids *sids, STACK_OF(X509) *certs)
{
	X509_NAME *nm;
	size_t i;
	int k, ok;

	for (i = 0; i < sids->n; i++) {
		const v_der_bytes *b = &sids->sid[i].name;

		if (b->p == NULL)
			continue;
		for (ok = 0, k = 0; k < sk_X509_num(certs) && !ok; k++)
			ok = issuer_is(sk_X509_value(certs, k), b);
		if (ok)
			continue;
		if ((nm = name_decode(b)) == NULL)
			return 0;
		X509_NAME_free(nm);
	}
	return 1;
}

CMS_ContentInfo *v_der_cms_decode(const unsigned char *der, size_t n, size_t cap,
				  STACK_OF(X509) **certs, v_der_sids *sids, unsigned flags)
{
	CMS_ContentInfo *cms = NULL;
	const unsigned char *q = NULL;
	vn_buf rest;

	*certs = NULL;
	memset(sids, 0, sizeof *sids);
	if (der == NULL || n < 2 || n > (size_t)LONG_MAX)
		return NULL;
	vn_buf_init(&rest, cap);
	if (v_der_cms_split(der, n, &rest, certs, sids, flags) == VN_OK) {
		if (sid_names_decode(sids, *certs)) {
			q = rest.data;
			cms = d2i_CMS_ContentInfo(NULL, &q, (long)rest.len);
		}
		if (cms == NULL || q != rest.data + rest.len) {
			CMS_ContentInfo_free(cms);
			cms = NULL;
			sk_X509_pop_free(*certs, X509_free);
			*certs = NULL;
			memset(sids, 0, sizeof *sids);
			ERR_clear_error();
		}
	}
	vn_buf_free(&rest);
	return cms;
}

/* ASN1_INTEGER_cmp(a, ci) == 0, where a is the INTEGER whose DER contents
 * are s (fewest octets, R6) as OpenSSL decodes it: the sign in the type,
 * the magnitude in the fewest octets (zero as one zero octet); the compare
 * is on type, length and octets. */
static int serial_eq(const v_der_bytes *s, const ASN1_INTEGER *ci)
{
	const unsigned char *m = ASN1_STRING_get0_data(ci);
	int mlen = ASN1_STRING_length(ci), neg = s->n > 0 && (s->p[0] & 0x80);
	size_t ml, k, j;
	unsigned int carry = 1, t;

	if (s->n == 0 || mlen <= 0 || m == NULL ||
	    ASN1_STRING_type(ci) != (neg ? V_ASN1_NEG_INTEGER : V_ASN1_INTEGER))
		return 0;
	ml = (size_t)mlen;
	if (!neg) {	/* one leading zero octet at most, before a high bit */
		k = s->n > 1 && s->p[0] == 0x00 ? 1 : 0;
		return ml == s->n - k && memcmp(m, s->p + k, ml) == 0;
	}
	/* negative: the magnitude is the two's complement, its leading zero
	 * octets dropped; compared from the last octet */
	if (ml > s->n || m[0] == 0)
		return 0;
	for (j = s->n; j-- > 0;) {
		t = (unsigned int)(s->p[j] ^ 0xffu) + carry;
		carry = t >> 8;
		t &= 0xffu;
		if (s->n - j <= ml ? m[ml - (s->n - j)] != t : t != 0)
			return 0;
	}
	return 1;
}

vn_err v_der_sid_find(CMS_SignerInfo *si, const v_der_sid *sid, STACK_OF(X509) *certs,
		      X509 **found)
{
	X509_NAME *nm = NULL;
	X509 *x;
	int k;
	vn_err e = VN_OK;

	*found = NULL;
	if (sid == NULL || sid->name.p == NULL) {	/* the sid as decoded */
		for (k = 0; k < sk_X509_num(certs) && *found == NULL; k++)
			if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs, k)) == 0)
				*found = sk_X509_value(certs, k);
		ERR_clear_error();
		return VN_OK;
	}
	/* CMS_SignerInfo_cert_cmp in the same order: issuer by X509_NAME_cmp
	 * (canonical encodings, which equal bytes have), then serial. */
	for (k = 0; k < sk_X509_num(certs) && *found == NULL; k++) {
		x = sk_X509_value(certs, k);
		if (!serial_eq(&sid->serial, X509_get0_serialNumber(x)))
			continue;
		if (issuer_is(x, &sid->name)) {
			*found = x;
			break;
		}
		if (nm == NULL && (nm = name_decode(&sid->name)) == NULL) {
			e = VN_ERR_MALFORMED;
			goto out;
		}
		if (X509_NAME_cmp(nm, X509_get_issuer_name(x)) == 0)
			*found = x;
	}
out:
	X509_NAME_free(nm);
	ERR_clear_error();
	return e;
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
