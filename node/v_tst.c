/* valnode: RFC 3161 timestamp tokens (EN 319 102-1 5.4: a timestamp is
 * validated as a basic signature, its TSA chained to a TSA service of the
 * trusted lists; a TSA/QTST service granted at genTime makes it qualified). */
#include "common/vn_buf.h"
#include "common/vn_certcache.h"
#include "node/v_dersplit.h"
#include "node/v_tst.h"

#include <string.h>
#include <time.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "node/v_qual_int.h"
#include "node/v_tst_int.h"
#include "node/v_tscache.h"

#define MAX_MATCHES 16

static void note(vn_findings *f, vn_level l, const char *code, const char *msg)
{
	if (f != NULL)
		(void)vn_findings_add(f, l, code, "%s", msg);
}

/* The first failing check decides; later checks still run to fill in the
 * TSA, genTime and the qualification, but do not override it. */
static void verdict(v_ts_result *r, int *decided, vn_indication ind, vn_subind sub)
{
	if (*decided)
		return;
	*decided = 1;
	r->indication = ind;
	r->sub = sub;
}

static vn_time asn1_to_vn(const ASN1_TIME *a)
{
	struct tm tm;

	if (a == NULL || !ASN1_TIME_to_tm(a, &tm))
		return VN_TIME_NONE;
	return vn_days_from_civil((int64_t)tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
				  (unsigned)tm.tm_mday) * 86400 +
	       (int64_t)tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

static void readable_name(X509 *x, char *buf, size_t n)
{
	BIO *b = BIO_new(BIO_s_mem());
	int len;

	buf[0] = '\0';
	if (b == NULL)
		return;
	if (X509_NAME_print_ex(b, X509_get_subject_name(x), 0,
			       XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		len = BIO_read(b, buf, (int)n - 1);
		buf[len > 0 ? len : 0] = '\0';
	}
	BIO_free(b);
}

int v_ts_tsa_eku_ok(X509 *tsa)
{
	int crit = -1, i, ok = 0;
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(tsa, NID_ext_key_usage, &crit, NULL);

	/* RFC 3161 2.3: "This extension MUST be critical." */
	for (i = 0; eku != NULL && crit == 1 && i < sk_ASN1_OBJECT_num(eku); i++)
		if (OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i)) == NID_time_stamp)
			ok = 1;
	EXTENDED_KEY_USAGE_free(eku);
	return ok;
}

/* The service types a TSA may be listed under (TS 119 612 5.5.1). */
static int tsa_type(const tl_service_entry *e)
{
	static const char *const types[] = {V_SVCTYPE "TSA/QTST", V_SVCTYPE "TSA",
					    V_SVCTYPE "TSA/TSS-QC",
					    V_SVCTYPE "TSA/TSS-AdESQCandQES"};
	size_t i;

	for (i = 0; e->type != NULL && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(e->type, types[i]) == 0)
			return 1;
	return 0;
}

/* Trust every certificate of every TSA service (each interval): without a
 * sunset predicate DSS trusts a listed identity without time limit
 * (STANDARDS.md 2.4); the status matters for the qualification only. */
static size_t add_tsa_services(X509_STORE *st, const tl_snapshot *s)
{
	size_t n = 0, ns, i, k, c;
	const tl_snap_service *sv = tl_snapshot_services(s, &ns);

	for (i = 0; i < ns; i++) {
		for (k = 0; k < sv[i].service->n; k++) {
			const tl_service_entry *e = &sv[i].service->entries[k];
			if (!tsa_type(e) || e->unknown_critical)
				continue;
			for (c = 0; c < e->sdi.ncerts; c++) {
				const unsigned char *p = e->sdi.certs[c].p;
				X509 *x = vn_cert_decode(p, e->sdi.certs[c].n);
				if (x != NULL && X509_STORE_add_cert(st, x) == 1)
					n++;
				X509_free(x);
			}
		}
	}
	return n;
}

static vn_subind path_error(int err)
{
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return VN_SUB_OUT_OF_BOUNDS_NO_POE;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_CERT_CHAIN_TOO_LONG:
		return VN_SUB_NO_CERTIFICATE_CHAIN_FOUND;
	case X509_V_ERR_INVALID_CA:
	case X509_V_ERR_PATH_LENGTH_EXCEEDED:
	case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
		return VN_SUB_CHAIN_CONSTRAINTS_FAILURE;
	default:
		return VN_SUB_CERTIFICATE_CHAIN_GENERAL_FAILURE;
	}
}

vn_err v_ts_tsa_path(const v_trust *trust, X509 *tsa, STACK_OF(X509) *extra, vn_time t,
		     vn_subind *sub, int *qualified, vn_findings *f)
{
	X509_STORE *st = NULL;
	X509_STORE_CTX *xc = NULL;
	X509_VERIFY_PARAM *vp;
	STACK_OF(X509) *chain;
	tl_snap_match m[MAX_MATCHES];
	size_t ntrusted = 0, nm, i;
	vn_err e = VN_ERR_NOMEM;
	int k;

	*sub = VN_SUB_NO_CERTIFICATE_CHAIN_FOUND;
	*qualified = 0;
	if ((st = X509_STORE_new()) == NULL || (xc = X509_STORE_CTX_new()) == NULL)
		goto out;
	if (trust->snapshot != NULL)
		ntrusted += add_tsa_services(st, trust->snapshot);
	for (k = 0; trust->anchors != NULL && k < sk_X509_num(trust->anchors); k++)
		if (X509_STORE_add_cert(st, sk_X509_value(trust->anchors, k)) == 1)
			ntrusted++;
	e = VN_OK;
	if (ntrusted == 0) {
		note(f, VN_LEVEL_ERROR, "V_TS_TSA_UNTRUSTED",
		     "no TSA service and no anchor is trusted");
		goto out;
	}
	if (!X509_STORE_CTX_init(xc, st, tsa, extra)) {
		e = VN_ERR_CRYPTO;
		goto out;
	}
	vp = X509_STORE_CTX_get0_param(xc);
	/* EN 319 102-1 5.4: the TSA's chain at the time it claims, genTime;
	 * listed certificates that are not self-signed are anchors too. */
	X509_VERIFY_PARAM_set_time(vp, (time_t)t);
	X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_PARTIAL_CHAIN);
	X509_VERIFY_PARAM_set_depth(vp, 8);
	if (X509_verify_cert(xc) != 1) {
		*sub = path_error(X509_STORE_CTX_get_error(xc));
		if (f != NULL)
			(void)vn_findings_add(f, VN_LEVEL_ERROR, "V_TS_TSA_UNTRUSTED",
					      "the TSA certificate does not chain to a trusted TSA: %s",
					      X509_verify_cert_error_string(
						      X509_STORE_CTX_get_error(xc)));
		goto out;
	}
	*sub = VN_SUB_NONE;
	chain = X509_STORE_CTX_get0_chain(xc);
	/* STANDARDS.md 2.4: qualified when a TSA/QTST service granted at
	 * genTime vouches for the chain. */
	for (k = 0; trust->snapshot != NULL && k < sk_X509_num(chain) && !*qualified; k++) {
		nm = tl_snapshot_find(trust->snapshot, sk_X509_value(chain, k), t, m, MAX_MATCHES);
		for (i = 0; i < nm && i < MAX_MATCHES; i++) {
			const tl_service_entry *se = m[i].entry;
			if (se != NULL && !se->unknown_critical && se->type != NULL &&
			    strcmp(se->type, V_SVCTYPE "TSA/QTST") == 0 && v_service_granted(se))
				*qualified = 1;
		}
	}
out:
	X509_STORE_CTX_free(xc);
	X509_STORE_free(st);
	return e;
}

/* ESS signing-certificate(-v2) (RFC 5035, RFC 3161 2.4.1): when present it
 * must name the certificate that signed. -1 malformed or mismatch, 0 absent,
 * 1 matches. */
static int ess_check(CMS_SignerInfo *si, X509 *signer)
{
	ASN1_STRING *v1 = CMS_signed_get0_data_by_OBJ(
		si, OBJ_nid2obj(NID_id_smime_aa_signingCertificate), -3, V_ASN1_SEQUENCE);
	ASN1_STRING *v2 = CMS_signed_get0_data_by_OBJ(
		si, OBJ_nid2obj(NID_id_smime_aa_signingCertificateV2), -3, V_ASN1_SEQUENCE);
	ESS_SIGNING_CERT *ss = NULL;
	ESS_SIGNING_CERT_V2 *ss2 = NULL;
	STACK_OF(X509) *chain = NULL;
	const unsigned char *p;
	int rc = -1;

	if (v1 == NULL && v2 == NULL)
		return 0;
	if (v1 != NULL) {
		p = ASN1_STRING_get0_data(v1);
		if ((ss = d2i_ESS_SIGNING_CERT(NULL, &p, ASN1_STRING_length(v1))) == NULL)
			goto out;
	}
	if (v2 != NULL) {
		p = ASN1_STRING_get0_data(v2);
		if ((ss2 = d2i_ESS_SIGNING_CERT_V2(NULL, &p, ASN1_STRING_length(v2))) == NULL)
			goto out;
	}
	if ((chain = sk_X509_new_null()) == NULL || !sk_X509_push(chain, signer))
		goto out;
	rc = OSSL_ESS_check_signing_certs(ss, ss2, chain, 1) > 0 ? 1 : -1;
out:
	sk_X509_free(chain);
	ESS_SIGNING_CERT_free(ss);
	ESS_SIGNING_CERT_V2_free(ss2);
	return rc;
}

/* The message imprint against the digest of the covered bytes (RFC 3161
 * 2.4.2). 1 equal, 0 different, -1 unknown algorithm. */
static int imprint_check(TS_TST_INFO *tst, const v_blob *in)
{
	TS_MSG_IMPRINT *mi = TS_TST_INFO_get_msg_imprint(tst);
	X509_ALGOR *alg = TS_MSG_IMPRINT_get_algo(mi);
	ASN1_OCTET_STRING *want = TS_MSG_IMPRINT_get_msg(mi);
	const EVP_MD *md = alg != NULL ? EVP_get_digestbyobj(alg->algorithm) : NULL;
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;

	if (md == NULL || want == NULL)
		return -1;
	if (!EVP_Digest(in->p, in->n, d, &dl, md, NULL))
		return -1;
	return (size_t)ASN1_STRING_length(want) == dl &&
	       memcmp(ASN1_STRING_get0_data(want), d, dl) == 0;
}

/* The validation itself; t only for the genTime-in-the-future warning. */
static vn_err ts_validate(const v_ctx *ctx, const v_timestamp *ts, vn_time t, v_ts_result *out,
			  vn_findings *f)
{
	CMS_ContentInfo *cms = NULL;
	TS_TST_INFO *tst = NULL;
	STACK_OF(X509) *certs = NULL;
	v_der_sids sids;
	STACK_OF(CMS_SignerInfo) *sis;
	CMS_SignerInfo *si;
	ASN1_OCTET_STRING **pos;
	const unsigned char *p;
	X509 *signer = NULL;
	vn_subind psub = VN_SUB_NONE;
	v_trust none = {NULL, NULL};
	vn_err e = VN_OK;
	int decided = 0, rc;

	memset(out, 0, sizeof *out);
	out->kind = (int)ts->kind;
	out->indication = VN_IND_INDETERMINATE;
	out->sub = VN_SUB_NONE;
	out->gen_time = VN_TIME_NONE;

	/* FC: a CMS SignedData over a TSTInfo (RFC 3161 2.4.2) */
	if (ts->token.p == NULL || ts->token.n == 0 || ts->token.n > V_MAX_TST)
		goto format;
	/* The token's certificates from the certificate cache and the rest
	 * decoded without them (v_dersplit.h); any other shape, or a rest
	 * OpenSSL refuses, is decoded whole as received. */
	cms = v_der_cms_decode(ts->token.p, ts->token.n, V_MAX_TST, &certs, &sids, 0);
	p = ts->token.p;
	if (cms == NULL && (cms = d2i_CMS_ContentInfo(NULL, &p, (long)ts->token.n)) != NULL &&
	    p != ts->token.p + ts->token.n) {
		CMS_ContentInfo_free(cms);
		cms = NULL;
	}
	if (cms == NULL ||
	    OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed ||
	    OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_id_smime_ct_TSTInfo)
		goto format;
	pos = CMS_get0_content(cms);
	if (pos == NULL || *pos == NULL)
		goto format;
	p = ASN1_STRING_get0_data(*pos);
	tst = d2i_TS_TST_INFO(NULL, &p, ASN1_STRING_length(*pos));
	if (tst == NULL || p != ASN1_STRING_get0_data(*pos) + ASN1_STRING_length(*pos))
		goto format;
	out->gen_time = asn1_to_vn(TS_TST_INFO_get_time(tst));
	if (out->gen_time == VN_TIME_NONE)
		goto format;
	sis = CMS_get0_SignerInfos(cms);
	if (sis == NULL || sk_CMS_SignerInfo_num(sis) != 1)
		goto format;	/* RFC 3161 2.4.1: one signer, the TSA */
	si = sk_CMS_SignerInfo_value(sis, 0);
	if (t != VN_TIME_NONE && out->gen_time > t)
		note(f, VN_LEVEL_WARN, "V_TS_GENTIME_FUTURE",
		     "the timestamp's genTime is after the validation time");

	/* ISC: the TSA certificate, carried in the token */
	if (certs == NULL)
		certs = CMS_get1_certs(cms);
	if ((e = v_der_sid_find(si, sids.n == 1 ? &sids.sid[0] : NULL, certs, &signer)) != VN_OK)
		goto out;
	if (signer == NULL) {
		note(f, VN_LEVEL_ERROR, "V_TS_NO_TSA_CERT",
		     "the token does not carry the TSA certificate");
		verdict(out, &decided, VN_IND_INDETERMINATE, VN_SUB_NO_SIGNING_CERTIFICATE_FOUND);
		goto out;
	}
	if (!X509_up_ref(signer)) {
		e = VN_ERR_CRYPTO;
		goto out;
	}
	out->tsa = signer;
	readable_name(signer, out->tsa_name, sizeof out->tsa_name);
	rc = ess_check(si, signer);
	if (rc < 0) {
		note(f, VN_LEVEL_ERROR, "V_TS_ESS_MISMATCH",
		     "the ESS signing-certificate attribute does not name the TSA certificate");
		verdict(out, &decided, VN_IND_INDETERMINATE, VN_SUB_NO_SIGNING_CERTIFICATE_FOUND);
		goto out;
	}
	if (rc == 0)
		note(f, VN_LEVEL_WARN, "V_TS_NO_ESS",
		     "the token has no ESS signing-certificate attribute");

	/* CV: the token's signature (signed attributes and content digest).
	 * The signer is set here: CMS_verify would look for it by the sid,
	 * whose Name the decoded token may not hold (v_der_cms_decode); it
	 * finds the same certificate (the first of certs the sid names). */
	CMS_SignerInfo_set1_signer_cert(si, signer);
	if (CMS_verify(cms, certs, NULL, NULL, NULL, CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
		note(f, VN_LEVEL_ERROR, "V_TS_SIG_INVALID", "the token's signature does not verify");
		verdict(out, &decided, VN_IND_TOTAL_FAILED, VN_SUB_SIG_CRYPTO_FAILURE);
		goto out;
	}
	/* CV: the message imprint over what the format says it covers */
	if (ts->imprint_input.n == 0 || ts->imprint_input.p == NULL) {
		note(f, VN_LEVEL_WARN, "V_TS_NOT_VERIFIABLE",
		     "the bytes the timestamp covers are not available: not verifiable");
		verdict(out, &decided, VN_IND_INDETERMINATE, VN_SUB_SIGNED_DATA_NOT_FOUND);
	} else {
		rc = imprint_check(tst, &ts->imprint_input);
		if (rc == 0 && ts->imprint_input_alt.p != NULL && ts->imprint_input_alt.n > 0)
			rc = imprint_check(tst, &ts->imprint_input_alt);
		if (rc < 0) {
			note(f, VN_LEVEL_ERROR, "V_TS_IMPRINT_ALG",
			     "the message imprint's digest algorithm is not supported");
			verdict(out, &decided, VN_IND_INDETERMINATE, VN_SUB_CRYPTO_CONSTRAINTS_FAILURE);
		} else if (rc == 0) {
			note(f, VN_LEVEL_ERROR, "V_TS_IMPRINT_MISMATCH",
			     "the message imprint does not match the covered bytes");
			verdict(out, &decided, VN_IND_TOTAL_FAILED, VN_SUB_HASH_FAILURE);
		}
	}
	/* XCV: RFC 3161 2.3 EKU, then the TSA chain at genTime */
	if (!v_ts_tsa_eku_ok(signer)) {
		note(f, VN_LEVEL_ERROR, "V_TS_TSA_EKU",
		     "the TSA certificate lacks a critical timeStamping extended key usage");
		verdict(out, &decided, VN_IND_INDETERMINATE, VN_SUB_CHAIN_CONSTRAINTS_FAILURE);
	}
	e = v_ts_tsa_path(ctx->trust != NULL ? ctx->trust : &none, signer, certs, out->gen_time,
			  &psub, &out->qualified, f);
	if (e != VN_OK)
		goto out;
	if (psub != VN_SUB_NONE) {
		out->qualified = 0;
		verdict(out, &decided, VN_IND_INDETERMINATE, psub);
	}
	verdict(out, &decided, VN_IND_TOTAL_PASSED, VN_SUB_NONE);
	if (out->indication != VN_IND_TOTAL_PASSED)
		out->qualified = 0;
	goto out;
format:
	note(f, VN_LEVEL_ERROR, "V_TS_FORMAT", "the timestamp token cannot be parsed");
	verdict(out, &decided, VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE);
out:
	sk_X509_pop_free(certs, X509_free);
	TS_TST_INFO_free(tst);
	CMS_ContentInfo_free(cms);
	return e;
}

vn_err v_ts_validate_ex(const v_ctx *ctx, const v_timestamp *ts, vn_time t, v_ts_result *out,
			vn_findings *f)
{
	tl_snapshot *snap = ctx->trust != NULL ? ctx->trust->snapshot : NULL;
	vn_findings mine;
	vn_err e;

	/* The cache is used only where the outcome depends on the snapshot
	 * alone (no bare anchors): see v_tscache.h. */
	if (ctx->tscache == NULL || snap == NULL || ctx->trust->anchors != NULL)
		return ts_validate(ctx, ts, t, out, f);
	if (!v_tscache_get(ctx->tscache, snap, ts, out, f)) {
		vn_findings_init(&mine);
		e = ts_validate(ctx, ts, VN_TIME_NONE, out, &mine);
		if (e != VN_OK) {
			vn_findings_free(&mine);
			return e;
		}
		v_tscache_put(ctx->tscache, snap, ts, out, &mine);
		e = f != NULL ? vn_findings_extend(f, &mine) : VN_OK;
		vn_findings_free(&mine);
		if (e != VN_OK) {
			v_ts_result_free(out);
			return e;
		}
	}
	if (t != VN_TIME_NONE && out->gen_time != VN_TIME_NONE && out->gen_time > t)
		note(f, VN_LEVEL_WARN, "V_TS_GENTIME_FUTURE",
		     "the timestamp's genTime is after the validation time");
	return VN_OK;
}

vn_err v_ts_validate(const v_ctx *ctx, const v_timestamp *ts, vn_time t, v_ts_result *out)
{
	return v_ts_validate_ex(ctx, ts, t, out, NULL);
}

void v_ts_result_free(v_ts_result *r)
{
	if (r == NULL)
		return;
	X509_free(r->tsa);
	r->tsa = NULL;
}
