/* libFuzzer harness: the strict DER walk that takes embedded certificates
 * out of a CMS SignedData and an OCSP response (node/v_dersplit.c).
 *
 * Each input goes through both walks. Seeds in corpus/fuzz_v_dersplit/:
 * CMS signatures made with `openssl cms -sign` (with and without
 * certificates, two signers, a key-identifier sid, and one whose sid Name
 * was changed to another case, equal to its certificate's issuer only
 * canonically, one with unsigned attributes, and fuzz_v_cms's CAdES-LTA
 * seed) and OCSP responses made with `openssl ocsp` (with and
 * without the responder certificate), all with throwaway P-256 test keys.
 * Invariants: VN_OK or VN_ERR_NOT_FOUND only, certificates returned exactly
 * on VN_OK (at most V_DERSPLIT_MAX_CERTS), the rest never longer than the
 * input, and the CMS rest, walked again, is itself with no certificates and
 * its sid Names empty. A CMS decoded through the split is checked against
 * OpenSSL's decode of the input as received: same certificates, signatures
 * and sids (the bytes returned), and the same signer found for each
 * SignerInfo (v_der_sid_find against CMS_SignerInfo_cert_cmp).
 * With V_DER_UATTRS the split gives the same result, sids and certificates
 * as without, and the same rest when it takes no unsignedAttrs; it decodes
 * exactly when the split without it does; for each SignerInfo whose
 * unsignedAttrs it took, OpenSSL's decode of the input holds the very
 * attributes read (types, value counts, each value's DER as
 * i2d_ASN1_TYPE gives it) and the decoded rest none; for the others the
 * rest holds as many as the input.
 * The BasicOCSPResponse read (v_der_ocsp_read) is checked against OpenSSL:
 * whatever it accepts OpenSSL decodes too (when the responder's Name, which
 * the read does not look into, decodes alone: else neither), to the same
 * values, and re-encodes tbsResponseData to the very bytes read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "node/v_dersplit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const v_der_bytes *b, const unsigned char *p, int n)
{
	return n >= 0 && b->n == (size_t)n && (n == 0 || memcmp(b->p, p, (size_t)n) == 0);
}

static int same_str(const v_der_bytes *b, const ASN1_STRING *s)
{
	if (s == NULL)
		return b->p == NULL;
	return b->p != NULL && same(b, ASN1_STRING_get0_data(s), ASN1_STRING_length(s));
}

/* The read of data against OpenSSL's decode of it. */
static void check_read(const uint8_t *data, size_t size)
{
	v_der_ocsp o;
	STACK_OF(X509) *rc = NULL, *c2 = NULL;
	OCSP_BASICRESP *bs;
	unsigned char *t = NULL;
	int tn, i;
	vn_err e = v_der_ocsp_read(data, size, &o, &rc);

	if (e != VN_OK && e != VN_ERR_NOT_FOUND && e != VN_ERR_NOMEM)
		abort();
	if ((e == VN_OK) != (rc != NULL))
		abort();
	if (e != VN_OK)
		return;
	bs = v_der_ocsp_decode(data, size, (size_t)1 << 20, &c2);
	if (!o.by_key) {	/* the Name is not looked into: OpenSSL decodes both or neither */
		const unsigned char *q = o.responder.p;
		X509_NAME *nm = d2i_X509_NAME(NULL, &q, (long)o.responder.n);
		int named = nm != NULL && q == o.responder.p + o.responder.n;

		X509_NAME_free(nm);
		if (!named) {
			if (bs != NULL)
				abort();
			sk_X509_pop_free(rc, X509_free);
			return;
		}
	}
	if (bs == NULL || sk_X509_num(c2) != sk_X509_num(rc) || o.nsingles == 0 ||
	    OCSP_resp_count(bs) != (int)o.nsingles)
		abort();
	tn = i2d_OCSP_RESPDATA((OCSP_RESPDATA *)OCSP_resp_get0_respdata(bs), &t);
	if (!same(&o.tbs, t, tn) || !same_str(&o.produced_at, OCSP_resp_get0_produced_at(bs)) ||
	    !same_str(&o.sig, OCSP_resp_get0_signature(bs)))
		abort();
	{
		const ASN1_OCTET_STRING *kid = NULL;
		const X509_NAME *nm = NULL;
		const unsigned char *nd = NULL;
		size_t nl = 0;

		if (OCSP_resp_get0_id(bs, &kid, &nm) != 1 || (kid != NULL) != o.by_key)
			abort();
		if (kid != NULL ? !same_str(&o.responder, kid)
				: (X509_NAME_get0_der(nm, &nd, &nl) != 1 || !same(&o.responder, nd, (int)nl)))
			abort();
	}
	for (i = 0; i < OCSP_resp_count(bs); i++) {
		OCSP_SINGLERESP *sr = OCSP_resp_get0(bs, i);
		const v_der_single *s = &o.singles[i];
		ASN1_GENERALIZEDTIME *rev = NULL, *tu = NULL, *nu = NULL;
		ASN1_OCTET_STRING *nh = NULL, *kh = NULL;
		ASN1_OBJECT *alg = NULL;
		ASN1_INTEGER *ser = NULL;
		unsigned char *sd = NULL;
		int reason = -7, st = OCSP_single_get0_status(sr, &reason, &rev, &tu, &nu), sl;

		if (st != s->status || !same_str(&s->rev_time, rev) || !same_str(&s->this_update, tu) ||
		    !same_str(&s->next_update, nu) ||
		    (st == V_OCSP_CERTSTATUS_REVOKED ? reason != s->reason : s->reason != -1))
			abort();
		if (OCSP_id_get0_info(&nh, &alg, &kh, &ser, (OCSP_CERTID *)OCSP_SINGLERESP_get0_id(sr)) != 1 ||
		    !same_str(&s->name_hash, nh) || !same_str(&s->key_hash, kh) ||
		    !same(&s->hash_oid, OBJ_get0_data(alg), (int)OBJ_length(alg)))
			abort();
		sl = i2d_ASN1_INTEGER(ser, &sd);
		{
			int hl = sl < 2 ? 0 : sd[1] < 0x80 ? 2 : 2 + (sd[1] & 0x7f);
			if (hl == 0 || hl > sl || !same(&s->serial, sd + hl, sl - hl))
				abort();
		}
		OPENSSL_free(sd);
	}
	OPENSSL_free(t);
	OCSP_BASICRESP_free(bs);
	sk_X509_pop_free(c2, X509_free);
	sk_X509_pop_free(rc, X509_free);
}

static int inside(const v_der_bytes *b, const uint8_t *data, size_t size)
{
	return b->p != NULL && b->p >= data && b->n <= size && (size_t)(b->p - data) <= size - b->n;
}

/* An accepted split's sids: inside the input, a Name SEQUENCE and a serial
 * each (or neither: a key id), and in the rest, walked again, the Names
 * emptied and the same serials. */
static void check_sids(const v_der_sids *s, const v_der_sids *s2, const uint8_t *data,
		       size_t size)
{
	v_der_attr attrs[V_DER_MAX_UATTRS];
	size_t i;

	if (s->n > V_DERSPLIT_MAX_SIGNERS || s2->n != s->n)
		abort();
	for (i = 0; i < s->n; i++) {
		const v_der_sid *a = &s->sid[i], *b = &s2->sid[i];

		if (b->uattrs.p != NULL)	/* none left to take in the rest */
			abort();
		if (a->uattrs.p != NULL &&
		    (!inside(&a->uattrs, data, size) || v_der_attrs_read(&a->uattrs, attrs) == 0))
			abort();
		if (a->name.p == NULL) {
			if (a->serial.p != NULL || b->name.p != NULL)
				abort();
			continue;
		}
		if (!inside(&a->name, data, size) || !inside(&a->serial, data, size) ||
		    a->name.n < 2 || a->name.p[0] != 0x30 || a->serial.n == 0 ||
		    b->name.p == NULL || b->name.n != 2 || b->name.p[0] != 0x30 ||
		    b->name.p[1] != 0 || b->serial.n != a->serial.n ||
		    memcmp(b->serial.p, a->serial.p, a->serial.n) != 0)
			abort();
	}
}

/* SignerInfo a of OpenSSL's decode of the input, b of the decoded rest,
 * d what the split read of it. */
static void check_uattrs(CMS_SignerInfo *a, CMS_SignerInfo *b, const v_der_sid *d)
{
	v_der_attr at[V_DER_MAX_UATTRS];
	size_t i, n;
	int j;

	if (d->uattrs.p == NULL) {
		if (CMS_unsigned_get_attr_count(a) != CMS_unsigned_get_attr_count(b))
			abort();
		return;
	}
	n = v_der_attrs_read(&d->uattrs, at);
	if (n == 0 || CMS_unsigned_get_attr_count(b) > 0 ||
	    CMS_unsigned_get_attr_count(a) != (int)n)
		abort();
	for (i = 0; i < n; i++) {
		X509_ATTRIBUTE *x = CMS_unsigned_get_attr(a, (int)i);
		const ASN1_OBJECT *o = X509_ATTRIBUTE_get0_object(x);
		v_der_bytes v;

		if (!same(&at[i].oid, OBJ_get0_data(o), OBJ_length(o)) ||
		    X509_ATTRIBUTE_count(x) != at[i].nvals || at[i].nvals < 1 ||
		    v_der_attr_value(&at[i], at[i].nvals, &v))
			abort();
		for (j = 0; j < at[i].nvals; j++) {
			unsigned char *e = NULL;
			int el = i2d_ASN1_TYPE(X509_ATTRIBUTE_get0_type(x, j), &e);

			if (!v_der_attr_value(&at[i], j, &v) || !same(&v, e, el))
				abort();
			OPENSSL_free(e);
		}
	}
}

/* An accepted v_der_cms_decode against OpenSSL's decode of the input as
 * received: that decodes too (the sid Names were proved to), with the same
 * certificates, signatures and sids (the returned bytes, the rest's Names
 * being empty by design), and each SignerInfo's signer, found on the
 * bytes, is the one CMS_SignerInfo_cert_cmp finds. */
static void check_decode(const uint8_t *data, size_t size, CMS_ContentInfo *cms,
			 STACK_OF(X509) *certs, const v_der_sids *sids)
{
	const unsigned char *q = data;
	CMS_ContentInfo *orig = d2i_CMS_ContentInfo(NULL, &q, (long)size);
	STACK_OF(CMS_SignerInfo) *so, *sn;
	STACK_OF(X509) *oc;
	int i, k;

	if (orig == NULL || q != data + size)
		abort();
	so = CMS_get0_SignerInfos(orig);
	sn = CMS_get0_SignerInfos(cms);
	oc = CMS_get1_certs(orig);
	if (sk_CMS_SignerInfo_num(so) != sk_CMS_SignerInfo_num(sn) ||
	    (size_t)sk_CMS_SignerInfo_num(sn) != sids->n ||
	    sk_X509_num(oc) != (sk_X509_num(certs) > 0 ? sk_X509_num(certs) : -1))
		abort();
	for (k = 0; k < sk_X509_num(certs); k++)
		if (X509_cmp(sk_X509_value(oc, k), sk_X509_value(certs, k)) != 0)
			abort();
	for (i = 0; i < sk_CMS_SignerInfo_num(so); i++) {
		CMS_SignerInfo *a = sk_CMS_SignerInfo_value(so, i), *b = sk_CMS_SignerInfo_value(sn, i);
		const v_der_sid *d = &sids->sid[i];
		ASN1_OCTET_STRING *kid = NULL, *kid2 = NULL;
		X509_NAME *nm = NULL;
		ASN1_INTEGER *sno = NULL;
		X509 *ref = NULL, *got = NULL;

		if (ASN1_STRING_cmp(CMS_SignerInfo_get0_signature(a),
				    CMS_SignerInfo_get0_signature(b)) != 0 ||
		    CMS_SignerInfo_get0_signer_id(a, &kid, &nm, &sno) != 1 ||
		    CMS_SignerInfo_get0_signer_id(b, &kid2, NULL, NULL) != 1)
			abort();
		if (kid != NULL) {
			if (d->name.p != NULL || kid2 == NULL || ASN1_STRING_cmp(kid, kid2) != 0)
				abort();
		} else {
			const unsigned char *nd = NULL;
			unsigned char *sd = NULL;
			size_t nl = 0;
			int sl = i2d_ASN1_INTEGER(sno, &sd);
			int hl = sl < 2 ? 0 : sd[1] < 0x80 ? 2 : 2 + (sd[1] & 0x7f);

			if (d->name.p == NULL || X509_NAME_get0_der(nm, &nd, &nl) != 1 ||
			    !same(&d->name, nd, (int)nl) || hl == 0 || hl > sl ||
			    !same(&d->serial, sd + hl, sl - hl))
				abort();
			OPENSSL_free(sd);
		}
		for (k = 0; k < sk_X509_num(oc) && ref == NULL; k++)
			if (CMS_SignerInfo_cert_cmp(a, sk_X509_value(oc, k)) == 0)
				ref = sk_X509_value(certs, k);
		if (v_der_sid_find(b, d, certs, &got) != VN_OK || got != ref)
			abort();
		check_uattrs(a, b, d);
	}
	sk_X509_pop_free(oc, X509_free);
	CMS_ContentInfo_free(orig);
	ERR_clear_error();
}

static void check(vn_err e, const vn_buf *rest, STACK_OF(X509) *certs, size_t size)
{
	if (e != VN_OK && e != VN_ERR_NOT_FOUND)
		abort();
	if ((e == VN_OK) != (certs != NULL))
		abort();
	if (e == VN_OK && (sk_X509_num(certs) > V_DERSPLIT_MAX_CERTS || rest->len > size))
		abort();
	if (e != VN_OK && rest->len != 0)
		abort();
}

/* The split with V_DER_UATTRS (e, rest, sids) against the split without
 * (e0, rest0, sids0). */
static void check_flags(vn_err e, const vn_buf *rest, STACK_OF(X509) *certs,
			const v_der_sids *sids, vn_err e0, const vn_buf *rest0,
			STACK_OF(X509) *certs0, const v_der_sids *sids0)
{
	size_t i;
	int taken = 0;

	if (e != e0 || sids->n != sids0->n || sk_X509_num(certs) != sk_X509_num(certs0))
		abort();
	for (i = 0; i < sids->n; i++) {
		const v_der_sid *a = &sids->sid[i], *b = &sids0->sid[i];

		if (b->uattrs.p != NULL || a->name.p != b->name.p || a->name.n != b->name.n ||
		    a->serial.p != b->serial.p || a->serial.n != b->serial.n)
			abort();
		taken |= a->uattrs.p != NULL;
	}
	if (taken ? rest->len >= rest0->len
		  : rest->len != rest0->len || memcmp(rest->data, rest0->data, rest->len) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	STACK_OF(X509) *certs = NULL, *again = NULL, *certs0 = NULL;
	v_der_sids sids, sids2, sids0;
	vn_buf rest, rest2, rest0;
	vn_err e, e0;

	vn_buf_init(&rest, (size_t)1 << 20);
	vn_buf_init(&rest2, (size_t)1 << 20);
	vn_buf_init(&rest0, (size_t)1 << 20);
	e = v_der_cms_split(data, size, &rest, &certs, &sids, V_DER_UATTRS);
	check(e, &rest, certs, size);
	if (e == VN_OK) {
		if (v_der_cms_split(rest.data, rest.len, &rest2, &again, &sids2, V_DER_UATTRS) !=
			    VN_OK ||
		    sk_X509_num(again) != 0 || rest2.len != rest.len ||
		    memcmp(rest2.data, rest.data, rest.len) != 0)
			abort();
		check_sids(&sids, &sids2, data, size);
	}
	e0 = v_der_cms_split(data, size, &rest0, &certs0, &sids0, 0);
	check(e0, &rest0, certs0, size);
	check_flags(e, &rest, certs, &sids, e0, &rest0, certs0, &sids0);
	sk_X509_pop_free(certs, X509_free);
	sk_X509_pop_free(certs0, X509_free);
	sk_X509_pop_free(again, X509_free);
	certs = NULL;
	vn_buf_reset(&rest);
	e = v_der_ocsp_split(data, size, &rest, &certs);
	check(e, &rest, certs, size);
	sk_X509_pop_free(certs, X509_free);
	certs = NULL;
	/* the decoding wrappers: certificates exactly with a result; with
	 * V_DER_UATTRS exactly when without */
	{
		CMS_ContentInfo *cms = v_der_cms_decode(data, size, (size_t)1 << 20, &certs, &sids,
							V_DER_UATTRS);
		CMS_ContentInfo *cms0 = v_der_cms_decode(data, size, (size_t)1 << 20, &certs0,
							 &sids0, 0);
		if ((cms == NULL) != (certs == NULL) || (cms0 == NULL) != (certs0 == NULL) ||
		    (cms == NULL) != (cms0 == NULL))
			abort();
		if (cms != NULL) {
			check_decode(data, size, cms, certs, &sids);
			check_decode(data, size, cms0, certs0, &sids0);
		}
		CMS_ContentInfo_free(cms);
		CMS_ContentInfo_free(cms0);
		sk_X509_pop_free(certs, X509_free);
		sk_X509_pop_free(certs0, X509_free);
		OCSP_BASICRESP *bs = v_der_ocsp_decode(data, size, (size_t)1 << 20, &certs);
		if ((bs == NULL) != (certs == NULL))
			abort();
		OCSP_BASICRESP_free(bs);
		sk_X509_pop_free(certs, X509_free);
		OCSP_BASICRESP_free(v_der_ocsp_basic(data, size, (size_t)1 << 20));
	}
	check_read(data, size);
	vn_buf_free(&rest);
	vn_buf_free(&rest2);
	vn_buf_free(&rest0);
	return 0;
}
