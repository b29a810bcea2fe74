/* The EN 319 102-1 validation of one signature, orchestrating the building
 * blocks: the format layer's FC/ISC/CV outcome, timestamps as proofs of
 * existence (5.4), X.509 validation (5.2.6) with past certificate
 * validation when a POE allows it (5.5, 5.6.2.1), revocation with the
 * REVOKED_NO_POE / REVOKED decision, cryptographic constraints by date
 * (5.2.8, TS 119 312), and TS 119 615 qualification. */
#include "node/v_validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "node/v_dersplit.h"
#include "node/v_pki.h"
#include "node/v_qual.h"
#include "node/v_rev.h"
#include "node/v_tst.h"
#include "node/v_tst_int.h"
#include "node/v_qual_int.h"
#include "policies/pol.h"
#include "policies/pol_mra.h"

#define EIDAS_START 1467324000	/* 2016-06-30T22:00:00Z */
#define MAX_MATCHES 8

static vn_level lvl(int pl)
{
	return pl == POL_FAIL ? VN_LEVEL_ERROR : pl == POL_WARN ? VN_LEVEL_WARN : VN_LEVEL_INFO;
}

static vn_time asn1_to_time(const ASN1_TIME *a)
{
	struct tm tm;

	if (a == NULL || ASN1_TIME_to_tm(a, &tm) != 1)
		return VN_TIME_NONE;
	return vn_days_from_civil(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday) *
		       86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

static void set(v_result *r, vn_indication ind, vn_subind sub)
{
	r->indication = ind;
	r->sub = sub;
}

#define NOTE(r, lvl, code, ...) (void)vn_findings_add(&(r)->findings, lvl, code, __VA_ARGS__)

/* TS 119 312 (as in DSS's default suite, STANDARDS.md 8): the date after
 * which an algorithm or key size is no longer acceptable; VN_TIME_NONE when
 * it does not expire. */
static vn_time algo_expiry(const v_sigobj *s, const v_policy *p)
{
	vn_time t = VN_TIME_NONE, e;
	int rsa = strcmp(s->sig_alg, "RSA") == 0 || strcmp(s->sig_alg, "RSASSA-PSS") == 0;

	if (strcmp(s->digest_alg, "SHA-1") == 0 || strcmp(s->digest_alg, "SHA1") == 0)
		t = 1343779200;	/* 2012-08-01 */
	else if (strcmp(s->digest_alg, "MD5") == 0)
		t = 1091318400;	/* 2004-08-01 */
	if (rsa && s->key_bits > 0) {
		e = VN_TIME_NONE;
		if (s->key_bits < 1024)
			e = 1280620800;	/* 2010-08-01 */
		else if (s->key_bits < p->min_rsa_bits)
			e = 1569888000;	/* 2019-10-01 */
		if (e != VN_TIME_NONE && (t == VN_TIME_NONE || e < t))
			t = e;
	}
	if (strcmp(s->sig_alg, "ECDSA") == 0 && s->key_bits > 0 && s->key_bits < p->min_ec_bits) {
		e = s->key_bits < 224 ? 1343779200 : 1633046400;	/* 2012-08-01, 2021-10-01 */
		if (t == VN_TIME_NONE || e < t)
			t = e;
	}
	return t;
}

static const char *format_name(const v_sigobj *s)
{
	static const char *const cades[] = {"CMS", "CAdES-BASELINE-B", "CAdES-BASELINE-T",
					    "CAdES-BASELINE-LT", "CAdES-BASELINE-LTA"};

	static const char *const xades[] = {"XMLDSig", "XAdES-BASELINE-B", "XAdES-BASELINE-T",
					    "XAdES-BASELINE-LT", "XAdES-BASELINE-LTA"};

	if (s->format == V_FMT_RAW)
		return "RAW";
	if (s->format == V_FMT_XADES) {
		/* BDOC 2.1: an LT signature whose time comes from a time-mark
		 * (no signature timestamp) is "LT-TM", as the Estonian
		 * validators name it. */
		size_t i, nts = 0;
		for (i = 0; i < s->ntss; i++)
			nts += s->tss[i].kind == V_TS_SIGNATURE;
		if (s->level == V_LEVEL_LT && s->timemark >= 0 && nts == 0)
			return "XAdES-BASELINE-LT-TM";
		return (unsigned)s->level < 5 ? xades[s->level] : "XMLDSig";
	}
	return (unsigned)s->level < 5 ? cades[s->level] : "CMS";
}

/* The producedAt of a BDOC time-mark (the OCSP response whose nonce binds
 * the signature value, as the parser found it): a claimed POE until the
 * revocation check has authenticated that very response. */
static vn_time timemark_time(const v_sigobj *s)
{
	OCSP_BASICRESP *br;
	vn_time t = VN_TIME_NONE;

	if (s->timemark < 0 || (size_t)s->timemark >= s->nocsps)
		return VN_TIME_NONE;
	br = v_der_ocsp_basic(s->ocsps[s->timemark].p, s->ocsps[s->timemark].n, V_MAX_DOCUMENT);
	if (br != NULL)
		t = asn1_to_time(OCSP_resp_get0_produced_at(br));
	OCSP_BASICRESP_free(br);
	return t;
}

static void copy_trust(v_result *r, const v_path *p, vn_time at)
{
	const tl_snap_service *sv = p->match.svc;
	const tl_service_entry *e;

	r->trusted_by_list = p->by_list;
	if (!p->by_list || sv == NULL)
		return;
	e = tl_service_at(sv->service, at);
	if (e == NULL)
		e = &sv->service->entries[0];
	snprintf(r->scheme, sizeof r->scheme, "%s", sv->scheme ? sv->scheme : "");
	snprintf(r->territory, sizeof r->territory, "%s",
		 sv->list->territory ? sv->list->territory : "");
	snprintf(r->tsp, sizeof r->tsp, "%s", sv->tsp->name ? sv->tsp->name : "");
	snprintf(r->service, sizeof r->service, "%s", e->name ? e->name : "");
	snprintf(r->service_type, sizeof r->service_type, "%s", e->type ? e->type : "");
	snprintf(r->service_status, sizeof r->service_status, "%s", e->status ? e->status : "");
}

/* Whether the policy accepts a service: its scheme and territory, and its
 * list not staler than the policy's grace after NextUpdate (at vt, the
 * validation time). Without a jurisdiction policy everything configured
 * is accepted. */
static int accepted(const v_policy *p, const tl_snap_service *sv, vn_time vt, const char **why)
{
	const pol_policy *pol = p->pol;

	if (pol == NULL)
		return 1;
	if (pol->schemes.n > 0 && !tl_strs_has(&pol->schemes, sv->scheme)) {
		*why = "scheme";
		return 0;
	}
	if (pol->territories.n > 0 && !tl_strs_has(&pol->territories, sv->list->territory)) {
		*why = "territory";
		return 0;
	}
	if (pol->stale_list_grace >= 0 && sv->list->next_update != VN_TIME_NONE &&
	    vt > sv->list->next_update + pol->stale_list_grace) {
		*why = "stale";
		return 0;
	}
	return 1;
}

/* The equivalence that applies to a foreign list, if any: a LOTL pointer
 * to it with an MRA block (when the policy applies them), else one the
 * policy declares for its territory. *out is the caller's. */
static vn_err equivalence_for(const v_ctx *ctx, const tl_snap_service *sv, pol_mra **out,
			      vn_findings *f)
{
	const pol_policy *pol = ctx->policy->pol;
	const tl_snapshot *snap = ctx->trust->snapshot;
	size_t i, j, n;

	*out = NULL;
	if (pol == NULL)
		return VN_OK;
	if (pol->lotl_mra && snap != NULL) {
		n = tl_snapshot_nlists(snap);
		for (i = 0; i < n; i++) {
			const tl_list *l = tl_snapshot_list(snap, i);
			if (l == NULL || !tl_list_is_lotl(l))
				continue;
			for (j = 0; j < l->npointers; j++) {
				const tl_pointer *pt = &l->pointers[j];
				if (pt->mra_xml == NULL || pt->location == NULL || sv->url == NULL ||
				    strcmp(pt->location, sv->url) != 0)
					continue;
				return pol_mra_parse(pt->mra_xml, out, f) == VN_ERR_NOMEM ? VN_ERR_NOMEM
											  : VN_OK;
			}
		}
	}
	for (i = 0; i < pol->nequivs; i++)
		if (sv->list->territory != NULL && pol->equivs[i].territory != NULL &&
		    strcmp(pol->equivs[i].territory, sv->list->territory) == 0)
			return pol_mra_from_equiv(&pol->equivs[i], out);
	return VN_OK;
}

static void qc_to_pol(const v_qcs *q, pol_qc *o)
{
	memset(o, 0, sizeof *o);
	o->compliance = q->compliance;
	o->sscd = q->sscd;
	o->esign = q->type_esign;
	o->eseal = q->type_eseal;
	o->web = q->type_web;
	snprintf(o->cc, sizeof o->cc, "%s", q->cc_legislation);
}

static void qc_from_pol(const pol_qc *o, v_qcs *q)
{
	q->compliance = o->compliance;
	q->sscd = o->sscd;
	q->type_esign = o->esign;
	q->type_eseal = o->eseal;
	q->type_web = o->web;
	q->ntypes = o->esign + o->eseal + o->web;
	snprintf(q->cc_legislation, sizeof q->cc_legislation, "%s", o->cc);
}

/* Qualification at one time: the CA services vouching for the anchor,
 * those the policy accepts, each foreign one read through its equivalence
 * (STANDARDS.md 3.3: a service of a list under an equivalence counts only
 * when an enacted equivalence maps it). r, when given, records the
 * mapping for the report. */
static vn_err qualify_at(const v_ctx *ctx, const v_path *p, X509 *signer, const v_qcs *q,
			 vn_time t, vn_findings *f, v_result *r, v_cert_qual *out)
{
	tl_snap_match m[MAX_MATCHES], use[MAX_MATCHES];
	tl_snap_service fake[MAX_MATCHES];
	tl_service fsvc[MAX_MATCHES];
	pol_mapped mp[MAX_MATCHES];
	size_t n = 0, nu = 0, nm = 0, i;
	v_qcs qv = *q;
	pol_qc pq;
	vn_time nb = asn1_to_time(X509_get0_notBefore(signer));
	const char *why = "";
	vn_err e = VN_OK;

	qc_to_pol(q, &pq);
	if (p->by_list && ctx->trust->snapshot != NULL && p->anchor != NULL) {
		n = tl_snapshot_find(ctx->trust->snapshot, p->anchor, t, m, MAX_MATCHES);
		if (n > MAX_MATCHES)
			n = MAX_MATCHES;
	}
	for (i = 0; i < n; i++) {
		pol_mra *mra = NULL;
		int rc;

		if (m[i].svc == NULL || !accepted(ctx->policy, m[i].svc, r ? r->validation_time : t, &why))
			continue;
		e = equivalence_for(ctx, m[i].svc, &mra, f);
		if (e != VN_OK)
			goto out;
		if (mra == NULL) {
			use[nu++] = m[i];
			continue;
		}
		{
			const tl_service_entry *en = tl_service_at(m[i].svc->service, t);
			rc = en != NULL ? pol_mra_map(mra, en, nb, &pq, t, &mp[nm]) : 0;
		}
		if (rc < 0) {
			pol_mra_free(mra);
			e = VN_ERR_NOMEM;
			goto out;
		}
		if (rc == 0) {
			char ts[VN_TIME_BUFSZ];
			(void)vn_findings_add(f, VN_LEVEL_INFO, "V_EQUIVALENCE_NOT_APPLIED",
					      "no enacted equivalence (%s) maps the %s service at %s: not used for qualification",
					      mra->origin, m[i].svc->list->territory ? m[i].svc->list->territory : "?",
					      vn_time_format(t, ts));
			pol_mra_free(mra);
			continue;
		}
		/* a one-interval service holding the translated interval; the
		 * legal identifier and origin live as long as the model, so
		 * the report copies them now */
		fsvc[nm].entries = &mp[nm].entry;
		fsvc[nm].n = 1;
		mp[nm].entry.end = VN_TIME_NONE;
		fake[nm] = *m[i].svc;
		fake[nm].service = &fsvc[nm];
		use[nu] = m[i];
		use[nu].svc = &fake[nm];
		use[nu].entry = &mp[nm].entry;
		nu++;
		if (mp[nm].cert_mapped)
			qc_from_pol(&mp[nm].qc, &qv);
		if (r != NULL) {
			r->mapped = 1;
			snprintf(r->mapping, sizeof r->mapping, "%s:%s", mra->origin,
				 mp[nm].legal_id ? mp[nm].legal_id : "");
			snprintf(r->orig_service_type, sizeof r->orig_service_type, "%s",
				 mp[nm].orig->type ? mp[nm].orig->type : "");
			snprintf(r->orig_service_status, sizeof r->orig_service_status, "%s",
				 mp[nm].orig->status ? mp[nm].orig->status : "");
			snprintf(r->service_type, sizeof r->service_type, "%s", mp[nm].entry.type);
			snprintf(r->service_status, sizeof r->service_status, "%s", mp[nm].entry.status);
			if (mp[nm].cert_mapped) {
				r->qc_mapped = 1;
				snprintf(r->orig_qc_legislation, sizeof r->orig_qc_legislation, "%s",
					 q->cc_legislation);
			}
		}
		pol_mra_free(mra);
		nm++;
	}
	if (n > 0 && nu == 0 && why[0] != '\0')
		(void)vn_findings_add(f, VN_LEVEL_INFO, "V_POLICY_SERVICE_NOT_ACCEPTED",
				      "the policy does not accept the vouching service (%s)", why);
	*out = v_cert_qualify(signer, &qv, use, nu, t, f);
out:
	for (i = 0; i < nm; i++)
		pol_mapped_free(&mp[i]);
	return e;
}

/* The policy's verdict on the anchor: some service vouching for it must be
 * accepted (scheme, territory, list freshness). */
static int anchor_accepted(const v_ctx *ctx, const v_path *p, vn_time t, vn_time vt, const char **why,
			   v_result *r)
{
	tl_snap_match m[MAX_MATCHES];
	size_t n, i;

	if (ctx->policy->pol == NULL || !p->by_list)
		return 1;
	if (ctx->trust->snapshot == NULL || p->anchor == NULL)
		return 0;
	n = tl_snapshot_find(ctx->trust->snapshot, p->anchor, t, m, MAX_MATCHES);
	for (i = 0; i < n && i < MAX_MATCHES; i++)
		if (m[i].svc != NULL && accepted(ctx->policy, m[i].svc, vt, why)) {
			/* report the scheme the policy trusts it through */
			snprintf(r->scheme, sizeof r->scheme, "%s", m[i].svc->scheme ? m[i].svc->scheme : "");
			return 1;
		}
	return 0;
}

/* 5.2.8 under a jurisdiction policy's suite (TS 119 312 style): the
 * earliest expiry of the digest and the signature algorithm with its key
 * size; an algorithm the suite does not list is never acceptable. */
static int crypto_expiry(const v_ctx *ctx, const v_sigobj *s, vn_time *exp)
{
	if (ctx->policy->pol == NULL) {
		*exp = algo_expiry(s, ctx->policy);
		return 0;
	}
	return pol_crypto_expiry(ctx->policy->pol, s->digest_alg, s->sig_alg, s->key_bits, exp) ==
			       POL_CRYPTO_UNKNOWN
		       ? -1
		       : 0;
}

static int qual_rank(v_qual q)
{
	switch (q) {
	case V_QUAL_QESIG:
		return POL_QUAL_QESIG;
	case V_QUAL_ADESIG_QC:
		return POL_QUAL_ADESIG_QC;
	case V_QUAL_ADESIG:
		return POL_QUAL_ADESIG;
	default:
		/* seals and NotAdES meet no signature level */
		return -1;
	}
}

/* The lowest qualification the policy lets pass (a notary: QESig; a bank:
 * AdESig-QC): a signature that passed below it does not meet the
 * validation constraints (EN 319 102-1 5.2.8 SIG_CONSTRAINTS_FAILURE). */
static void required_qualification(const v_ctx *ctx, v_result *r)
{
	const pol_policy *pol = ctx->policy->pol;

	if (pol == NULL || pol->min_qual == POL_QUAL_ANY || r->indication != VN_IND_TOTAL_PASSED ||
	    qual_rank(r->qualification) >= (int)pol->min_qual || pol->qual_level == POL_IGNORE)
		return;
	NOTE(r, lvl(pol->qual_level), "V_POLICY_QUALIFICATION",
	     "the signature is %s; policy %s requires %s", v_qual_name(r->qualification), pol->id,
	     pol_qual_name(pol->min_qual));
	if (pol->qual_level == POL_FAIL) {
		set(r, VN_IND_INDETERMINATE, VN_SUB_SIG_CONSTRAINTS_FAILURE);
		r->qualification = V_QUAL_INDETERMINATE;
	}
}

/* The signing certificate's constraints the policy sets beyond the path
 * builder's: QcCompliance and certificate policies (EN 319 412-5 4.2.1,
 * EN 319 411-2 5.3). FAIL: CHAIN_CONSTRAINTS_FAILURE (5.2.6). */
static int signer_constraints(const v_ctx *ctx, X509 *signer, v_result *r)
{
	const pol_policy *pol = ctx->policy->pol;
	v_qcs q;
	int fail = 0;

	if (pol == NULL)
		return 0;
	memset(&q, 0, sizeof q);
	if (v_qcs_parse(signer, &q, NULL) != VN_OK)
		return 0;
	if (pol->qcc_level > POL_IGNORE && !q.compliance) {
		NOTE(r, lvl(pol->qcc_level), "V_POLICY_NO_QC_COMPLIANCE",
		     "the signing certificate carries no QcCompliance statement");
		fail |= pol->qcc_level == POL_FAIL;
	}
	if (pol->cert_policy_level > POL_IGNORE && pol->cert_policies.n > 0) {
		CERTIFICATEPOLICIES *cp = X509_get_ext_d2i(signer, NID_certificate_policies, NULL, NULL);
		char oid[80];
		int i, found = 0;

		for (i = 0; cp != NULL && i < sk_POLICYINFO_num(cp); i++) {
			OBJ_obj2txt(oid, sizeof oid, sk_POLICYINFO_value(cp, i)->policyid, 1);
			found |= tl_strs_has(&pol->cert_policies, oid);
		}
		CERTIFICATEPOLICIES_free(cp);
		if (!found) {
			NOTE(r, lvl(pol->cert_policy_level), "V_POLICY_CERT_POLICY",
			     "the signing certificate has none of the certificate policies the policy names");
			fail |= pol->cert_policy_level == POL_FAIL;
		}
	}
	return fail ? -1 : 0;
}

vn_err v_validate(const v_ctx *ctx, const v_sigobj *s, vn_time t, v_result *r)
{
	v_path path;
	int have_path = 0, have_poe = 0, have_lower = 0;
	/* poe: the earliest time the signature is proven to exist (signature
	 * and archive timestamps: an upper bound on when it was made). lower: a
	 * content timestamp sits inside the signed attributes, so the signature
	 * was made after its genTime (a lower bound). */
	vn_time poe = VN_TIME_NONE, lower = VN_TIME_NONE, ct, not_after, not_before, exp;
	vn_time tm = VN_TIME_NONE;	/* a BDOC time-mark's producedAt */
	X509 *issuer = NULL;
	size_t i;
	vn_err e = VN_OK;

	memset(&path, 0, sizeof path);
	if (t == VN_TIME_NONE)
		t = vn_time_now();
	r->validation_time = t;
	r->best_signature_time = t;
	r->claimed_time = s->claimed_time;
	snprintf(r->id, sizeof r->id, "%s", s->id[0] ? s->id : "S-1");
	snprintf(r->format, sizeof r->format, "%s", format_name(s));
	snprintf(r->sig_policy, sizeof r->sig_policy, "%s", s->sig_policy);
	snprintf(r->process, sizeof r->process, "Basic");
	if (vn_findings_extend(&r->findings, &s->findings) != VN_OK)
		return VN_ERR_NOMEM;
	if (s->signer != NULL) {
		X509_up_ref(s->signer);
		r->signer = s->signer;
	}

	/* 5.2.2-5.2.7 as decided by the format layer. */
	switch (s->check) {
	case V_CHECK_OK:
		break;
	case V_CHECK_FORMAT_FAILURE:
		set(r, VN_IND_TOTAL_FAILED, VN_SUB_FORMAT_FAILURE);
		goto qualify;
	case V_CHECK_NO_SIGNING_CERT:
		set(r, VN_IND_INDETERMINATE, VN_SUB_NO_SIGNING_CERTIFICATE_FOUND);
		goto qualify;
	case V_CHECK_SIGNED_DATA_NOT_FOUND:
		set(r, VN_IND_INDETERMINATE, VN_SUB_SIGNED_DATA_NOT_FOUND);
		goto qualify;
	case V_CHECK_HASH_FAILURE:
		set(r, VN_IND_TOTAL_FAILED, VN_SUB_HASH_FAILURE);
		goto qualify;
	case V_CHECK_SIG_CRYPTO_FAILURE:
		set(r, VN_IND_TOTAL_FAILED, VN_SUB_SIG_CRYPTO_FAILURE);
		goto qualify;
	}
	if (s->signer == NULL) {
		set(r, VN_IND_INDETERMINATE, VN_SUB_NO_SIGNING_CERTIFICATE_FOUND);
		goto qualify;
	}
	not_after = asn1_to_time(X509_get0_notAfter(s->signer));
	not_before = asn1_to_time(X509_get0_notBefore(s->signer));

	/* 5.4: timestamps. A signature timestamp that passes is a POE of the
	 * signature at its genTime (5.6.2.1 best-signature-time). */
	if (s->ntss > 0) {
		r->timestamps = calloc(s->ntss, sizeof *r->timestamps);
		if (r->timestamps == NULL)
			return VN_ERR_NOMEM;
	}
	for (i = 0; i < s->ntss; i++) {
		v_ts_result *tr = &r->timestamps[r->ntimestamps];
		memset(tr, 0, sizeof *tr);
		tr->gen_time = VN_TIME_NONE;
		e = v_ts_validate_ex(ctx, &s->tss[i], t, tr, &r->findings);
		if (e != VN_OK)
			return e;
		r->ntimestamps++;
		if (tr->indication != VN_IND_TOTAL_PASSED) {
			NOTE(r, VN_LEVEL_WARN, "V_TIMESTAMP_FAILED", "a %s timestamp did not pass: %s%s%s",
			     s->tss[i].kind == V_TS_ARCHIVE ? "archive" : s->tss[i].kind == V_TS_CONTENT ? "content" : "signature",
			     vn_indication_name(tr->indication), tr->sub ? "/" : "",
			     tr->sub ? vn_subind_name(tr->sub) : "");
			continue;
		}
		if (s->tss[i].kind == V_TS_CONTENT) {
			if (!have_lower || tr->gen_time > lower)
				lower = tr->gen_time;
			have_lower = 1;
		} else {
			if (!have_poe || tr->gen_time < poe)
				poe = tr->gen_time;
			have_poe = 1;
			if (s->tss[i].kind == V_TS_ARCHIVE || strcmp(r->process, "LTA") != 0)
				snprintf(r->process, sizeof r->process, "%s",
					 s->tss[i].kind == V_TS_ARCHIVE ? "LTA" : "LTVM");
		}
	}
	/* A BDOC time-mark (an OCSP response whose nonce is a digest of the
	 * signature value) proves the signature existed when the response was
	 * produced. It counts only once the revocation check below has
	 * authenticated that same response. */
	tm = timemark_time(s);
	if (s->timemark >= 0 && tm == VN_TIME_NONE)
		NOTE(r, VN_LEVEL_ERROR, "V_TIMEMARK_UNREADABLE", "the time-mark OCSP response cannot be read");
	if (tm != VN_TIME_NONE && (!have_poe || tm < poe)) {
		poe = tm;
		have_poe = 1;
		if (strcmp(r->process, "LTA") != 0)
			snprintf(r->process, sizeof r->process, "LTVM");
	}
	if (have_poe)
		r->best_signature_time = poe;
	if (ctx->policy->require_timestamp && !have_poe) {
		NOTE(r, VN_LEVEL_ERROR, "V_TIMESTAMP_REQUIRED", "the policy requires a signature timestamp");
		set(r, VN_IND_INDETERMINATE, VN_SUB_SIG_CONSTRAINTS_FAILURE);
		goto qualify;
	}
	if (ctx->policy->pol != NULL && !have_poe &&
	    (ctx->policy->pol->timestamp_level == POL_WARN || ctx->policy->pol->timestamp_level == POL_INFORM))
		NOTE(r, lvl(ctx->policy->pol->timestamp_level), "V_TIMESTAMP_MISSING",
		     "the policy asks for a signature timestamp; there is none");

	/* 5.2.6 X.509 validation at the validation time; when the signer is out
	 * of its validity then, past certificate validation at the POE. */
	ct = t;
	e = v_path_build(ctx, s->signer, s->certs, ct, 1, &path);
	if (e != VN_OK)
		return e;
	have_path = 1;
	if (path.status == V_PATH_EXPIRED && have_poe && poe <= not_after) {
		v_path_free(&path);
		ct = poe;
		e = v_path_build(ctx, s->signer, s->certs, ct, 1, &path);
		if (e != VN_OK)
			return e;
		NOTE(r, VN_LEVEL_INFO, "V_PAST_VALIDATION",
		     "the certificate has expired since; validated at the proof of existence");
	}
	switch (path.status) {
	case V_PATH_OK:
		break;
	case V_PATH_NO_CHAIN:
		NOTE(r, VN_LEVEL_ERROR, "V_NO_CHAIN", "%s", path.why[0] ? path.why : "no path to a trust anchor");
		set(r, VN_IND_INDETERMINATE, VN_SUB_NO_CERTIFICATE_CHAIN_FOUND);
		goto qualify;
	case V_PATH_GENERAL_FAILURE:
		NOTE(r, VN_LEVEL_ERROR, "V_CHAIN_FAILURE", "%s", path.why);
		set(r, VN_IND_INDETERMINATE, VN_SUB_CERTIFICATE_CHAIN_GENERAL_FAILURE);
		goto qualify;
	case V_PATH_CONSTRAINTS:
		NOTE(r, VN_LEVEL_ERROR, "V_CHAIN_CONSTRAINTS", "%s", path.why);
		set(r, VN_IND_INDETERMINATE, VN_SUB_CHAIN_CONSTRAINTS_FAILURE);
		goto qualify;
	case V_PATH_CRYPTO:
		NOTE(r, VN_LEVEL_ERROR, "V_CHAIN_CRYPTO", "%s", path.why);
		set(r, VN_IND_INDETERMINATE, VN_SUB_CRYPTO_CONSTRAINTS_FAILURE_NO_POE);
		goto qualify;
	case V_PATH_EXPIRED:
		/* 5.2.6: only a proof that the signature was made after the expiry
		 * (a content timestamp later than notAfter) makes it TOTAL-FAILED;
		 * a POE after it proves nothing about when it was made. */
		if (have_lower && lower > not_after) {
			NOTE(r, VN_LEVEL_ERROR, "V_SIGNED_AFTER_EXPIRY",
			     "a content timestamp proves the signature was made after the certificate expired");
			set(r, VN_IND_TOTAL_FAILED, VN_SUB_EXPIRED);
		} else {
			NOTE(r, VN_LEVEL_ERROR, "V_CERT_EXPIRED",
			     "the certificate has expired and no proof of existence predates its expiry");
			set(r, VN_IND_INDETERMINATE, VN_SUB_OUT_OF_BOUNDS_NO_POE);
		}
		goto qualify;
	case V_PATH_NOT_YET_VALID:
		/* The signature exists now (at the validation time, or at its
		 * POE), before the certificate's notBefore: it was made before the
		 * certificate was valid, proven (EN 319 102-1 5.2.6 NOT_YET_VALID). */
		NOTE(r, VN_LEVEL_ERROR, "V_CERT_NOT_YET_VALID",
		     "the signature exists before the certificate's validity begins: %s", path.why);
		set(r, VN_IND_TOTAL_FAILED, VN_SUB_NOT_YET_VALID);
		goto qualify;
	}
	if (sk_X509_num(path.chain) > 0)
		r->chain = X509_chain_up_ref(path.chain);
	copy_trust(r, &path, have_poe ? poe : ct);
	{
		const char *why = "";
		if (!anchor_accepted(ctx, &path, have_poe ? poe : ct, t, &why, r)) {
			NOTE(r, VN_LEVEL_ERROR, "V_POLICY_ANCHOR_NOT_ACCEPTED",
			     "policy %s does not accept the trust anchor's list (%s: %s %s)", ctx->policy->id,
			     why, r->scheme, r->territory);
			set(r, VN_IND_INDETERMINATE, VN_SUB_NO_CERTIFICATE_CHAIN_FOUND);
			goto qualify;
		}
	}

	if (signer_constraints(ctx, s->signer, r) != 0) {
		set(r, VN_IND_INDETERMINATE, VN_SUB_CHAIN_CONSTRAINTS_FAILURE);
		goto qualify;
	}

	/* A POE before notBefore proves the signature predates the certificate. */
	if (have_poe && poe < not_before) {
		NOTE(r, VN_LEVEL_ERROR, "V_SIGNED_BEFORE_CERT",
		     "a timestamp proves the signature was made before the certificate was valid");
		set(r, VN_IND_TOTAL_FAILED, VN_SUB_NOT_YET_VALID);
		goto qualify;
	}
	if (!have_poe && s->claimed_time != VN_TIME_NONE &&
	    (s->claimed_time < not_before || s->claimed_time > not_after))
		NOTE(r, VN_LEVEL_WARN, "V_CLAIMED_TIME_OUTSIDE_CERT",
		     "the claimed signing time lies outside the certificate's validity");

	/* Revocation of the signing certificate (5.2.5/5.2.6). */
	issuer = sk_X509_num(path.chain) > 1 ? sk_X509_value(path.chain, 1) : NULL;
	if (issuer == NULL && X509_check_issued(s->signer, s->signer) == X509_V_OK)
		issuer = s->signer;	/* a directly trusted self-signed signer */
	if (issuer == NULL) {
		NOTE(r, VN_LEVEL_ERROR, "V_REVOCATION_NO_ISSUER", "the issuer is unknown: no revocation check");
		set(r, VN_IND_INDETERMINATE, VN_SUB_TRY_LATER);
		goto qualify;
	}
	/* With a proof of existence, revocation evidence is judged at it
	 * (EN 319 102-1 5.5: status information issued after the best
	 * signature time is fresh enough for an LT signature; a revocation
	 * after the POE is dealt with below). */
	e = v_rev_check(ctx, s->signer, issuer, have_poe ? poe : ct, s, &r->revocation);
	if (e != VN_OK)
		return e;
	switch (r->revocation.status) {
	case V_REV_GOOD:
		break;
	case V_REV_REVOKED:
		/* 5.5.4 / 5.6.2.4: a POE before the revocation keeps it valid. */
		if (have_poe && poe < r->revocation.revocation_time) {
			NOTE(r, VN_LEVEL_INFO, "V_REVOKED_AFTER_POE",
			     "the certificate was revoked after the signature's proof of existence");
			break;
		}
		if (have_lower && lower > r->revocation.revocation_time) {
			NOTE(r, VN_LEVEL_ERROR, "V_REVOKED",
			     "a content timestamp proves the signature was made after the revocation");
			set(r, VN_IND_TOTAL_FAILED, VN_SUB_REVOKED);
		} else {
			NOTE(r, VN_LEVEL_ERROR, "V_REVOKED_NO_POE",
			     "the certificate is revoked and nothing proves the signature predates it");
			set(r, VN_IND_INDETERMINATE, VN_SUB_REVOKED_NO_POE);
		}
		goto qualify;
	case V_REV_UNKNOWN:
		NOTE(r, VN_LEVEL_ERROR, "V_REVOCATION_UNKNOWN", "revocation status unavailable: %s",
		     r->revocation.why[0] ? r->revocation.why : "no source");
		set(r, VN_IND_INDETERMINATE, VN_SUB_TRY_LATER);
		goto qualify;
	}
	/* The time-mark was used as a POE: it must be the response that was
	 * authenticated and said "good" (a response produced at the time-mark,
	 * from the signature itself). */
	if (tm != VN_TIME_NONE && poe == tm &&
	    !(r->revocation.source == V_REVSRC_EMBEDDED_OCSP && r->revocation.produced_at == tm)) {
		NOTE(r, VN_LEVEL_ERROR, "V_TIMEMARK_UNVERIFIED",
		     "the time-mark OCSP response was not the authenticated revocation evidence");
		set(r, VN_IND_INDETERMINATE, VN_SUB_NO_POE);
		goto qualify;
	}
	if (tm != VN_TIME_NONE && poe == tm)
		NOTE(r, VN_LEVEL_INFO, "V_TIMEMARK", "a BDOC time-mark proves the signature existed at its producedAt");

	/* 5.2.8 cryptographic constraints, judged at the best signature time. */
	if (crypto_expiry(ctx, s, &exp) != 0) {
		NOTE(r, lvl(ctx->policy->pol->crypto_level), "V_ALGORITHM_NOT_IN_SUITE",
		     "%s with %s (%d-bit key) is not in the cryptographic suite of policy %s",
		     s->sig_alg, s->digest_alg, s->key_bits, ctx->policy->id);
		if (ctx->policy->pol->crypto_level == POL_FAIL) {
			set(r, VN_IND_INDETERMINATE, VN_SUB_CRYPTO_CONSTRAINTS_FAILURE);
			goto qualify;
		}
		exp = VN_TIME_NONE;
	}
	if (exp != VN_TIME_NONE && exp <= r->validation_time) {
		if (r->best_signature_time >= exp &&
		    (ctx->policy->pol == NULL || ctx->policy->pol->crypto_level == POL_FAIL)) {
			NOTE(r, VN_LEVEL_ERROR, "V_WEAK_ALGORITHM",
			     "%s with %s (%d-bit key) is no longer acceptable and no proof of existence predates its expiry",
			     s->sig_alg, s->digest_alg, s->key_bits);
			set(r, VN_IND_INDETERMINATE, VN_SUB_CRYPTO_CONSTRAINTS_FAILURE_NO_POE);
			goto qualify;
		}
		if (r->best_signature_time >= exp)
			NOTE(r, lvl(ctx->policy->pol->crypto_level), "V_WEAK_ALGORITHM",
			     "%s with %s (%d-bit key) is no longer acceptable; the policy only reports it",
			     s->sig_alg, s->digest_alg, s->key_bits);
		else
			NOTE(r, VN_LEVEL_WARN, "V_WEAK_ALGORITHM_BEFORE_EXPIRY",
			     "%s with %s is expired now but was acceptable when a proof of existence was made",
			     s->sig_alg, s->digest_alg);
	}
	set(r, VN_IND_TOTAL_PASSED, VN_SUB_NONE);

qualify:
	/* TS 119 615: qualification at issuance and at the best signature time. */
	if (s->signer != NULL) {
		v_qcs q;
		v_cert_qual qi = V_CQ_NA, qs = V_CQ_NA;
		vn_time bst = r->best_signature_time;

		memset(&q, 0, sizeof q);
		if (v_qcs_parse(s->signer, &q, &r->findings) == VN_OK) {
			if (!have_path) {
				e = v_path_build(ctx, s->signer, s->certs, t, 1, &path);
				if (e != VN_OK)
					return e;
				have_path = 1;
			}
			if (path.anchor != NULL) {
				vn_time nb = asn1_to_time(X509_get0_notBefore(s->signer));
				if (!r->trusted_by_list)
					copy_trust(r, &path, bst);
				e = qualify_at(ctx, &path, s->signer, &q, nb, &r->findings, NULL, &qi);
				if (e == VN_OK)
					e = qualify_at(ctx, &path, s->signer, &q, bst, &r->findings, r, &qs);
				if (e != VN_OK) {
					v_path_free(&path);
					return e;
				}
			}
			snprintf(r->cert_qualification, sizeof r->cert_qualification, "%s",
				 v_cert_qual_name(qs));
		}
		r->qualification = v_sig_qualify(qi, qs, r->indication);
		if ((s->format == V_FMT_CMS || s->format == V_FMT_XADES) && s->level == V_LEVEL_NONE &&
		    r->indication == VN_IND_TOTAL_PASSED) {
			/* EN 319 122-1 / EN 319 132-1: without the signing-certificate
			 * attribute (signed property) a CMS (XMLDSig) signature is not
			 * a CAdES (XAdES) baseline signature. */
			NOTE(r, VN_LEVEL_WARN, "V_NOT_ADES", "%s",
			     s->format == V_FMT_CMS ? "a CMS signature without signing-certificate attribute is not CAdES"
						    : "an XMLDSig signature without signed XAdES properties is not XAdES");
			r->qualification = V_QUAL_NOT_ADES;
		}
	} else {
		r->qualification = r->indication == VN_IND_TOTAL_FAILED ? V_QUAL_NOT_ADES : V_QUAL_INDETERMINATE;
	}
	required_qualification(ctx, r);
	(void)EIDAS_START;
	if (have_path)
		v_path_free(&path);
	return VN_OK;
}
