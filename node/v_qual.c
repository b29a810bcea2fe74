/* valnode: QC statements (EN 319 412-5) and the qualification of a
 * certificate and of a signature (TS 119 615 as DSS implements it:
 * STANDARDS.md section 7). */
#include "node/v_qual.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/asn1t.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "common/vn_certcache.h"
#include "node/v_qual_int.h"
#include "trustlists/tl_snapshot.h"

/* ---- ASN.1 templates (RFC 3739, EN 319 412-5) ------------------------ */

/* QCStatement ::= SEQUENCE { statementId OID, statementInfo ANY OPTIONAL } */
typedef struct V_QCSTATEMENT_st {
	ASN1_OBJECT *id;
	ASN1_TYPE *info;
} V_QCSTATEMENT;

DEFINE_STACK_OF(V_QCSTATEMENT)
DEFINE_STACK_OF(ASN1_PRINTABLESTRING)
typedef STACK_OF(V_QCSTATEMENT) V_QCSTATEMENTS;
typedef STACK_OF(ASN1_OBJECT) V_QCTYPE;
typedef STACK_OF(ASN1_PRINTABLESTRING) V_QCCCLEG;

ASN1_SEQUENCE(V_QCSTATEMENT) = {
	ASN1_SIMPLE(V_QCSTATEMENT, id, ASN1_OBJECT),
	ASN1_OPT(V_QCSTATEMENT, info, ASN1_ANY)
} static_ASN1_SEQUENCE_END(V_QCSTATEMENT)

/* QCStatements ::= SEQUENCE OF QCStatement */
ASN1_ITEM_TEMPLATE(V_QCSTATEMENTS) =
	ASN1_EX_TEMPLATE_TYPE(ASN1_TFLG_SEQUENCE_OF, 0, statements, V_QCSTATEMENT)
static_ASN1_ITEM_TEMPLATE_END(V_QCSTATEMENTS)

/* QcType ::= SEQUENCE OF OBJECT IDENTIFIER (EN 319 412-5 4.2.3) */
ASN1_ITEM_TEMPLATE(V_QCTYPE) =
	ASN1_EX_TEMPLATE_TYPE(ASN1_TFLG_SEQUENCE_OF, 0, types, ASN1_OBJECT)
static_ASN1_ITEM_TEMPLATE_END(V_QCTYPE)

/* QcCClegislation ::= SEQUENCE OF CountryName (PrintableString, EN 319 412-5 4.2.4) */
ASN1_ITEM_TEMPLATE(V_QCCCLEG) =
	ASN1_EX_TEMPLATE_TYPE(ASN1_TFLG_SEQUENCE_OF, 0, countries, ASN1_PRINTABLESTRING)
static_ASN1_ITEM_TEMPLATE_END(V_QCCCLEG)

#define OID_QC_COMPLIANCE "0.4.0.1862.1.1"
#define OID_QC_SSCD "0.4.0.1862.1.4"
#define OID_QC_PDS "0.4.0.1862.1.5"
#define OID_QC_TYPE "0.4.0.1862.1.6"
#define OID_QC_TYPE_ESIGN "0.4.0.1862.1.6.1"
#define OID_QC_TYPE_ESEAL "0.4.0.1862.1.6.2"
#define OID_QC_TYPE_WEB "0.4.0.1862.1.6.3"
#define OID_QC_CCLEG "0.4.0.1862.1.7"

static void oid_text(const ASN1_OBJECT *o, char *buf, size_t n)
{
	if (o == NULL || OBJ_obj2txt(buf, (int)n, o, 1) <= 0)
		buf[0] = '\0';
}

static void qcs_clear(v_qcs *q)
{
	q->present = q->compliance = q->sscd = 0;
	q->type_esign = q->type_eseal = q->type_web = q->ntypes = 0;
	q->cc_legislation[0] = '\0';
	q->has_pds = 0;
}

/* QcType: which of the three known types the certificate declares. */
static int parse_qctype(const ASN1_TYPE *info, v_qcs *q)
{
	V_QCTYPE *types = NULL;
	char oid[80];
	int i;

	if (info == NULL || info->type != V_ASN1_SEQUENCE)
		return -1;
	types = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(V_QCTYPE), info);
	if (types == NULL)
		return -1;
	for (i = 0; i < sk_ASN1_OBJECT_num(types); i++) {
		oid_text(sk_ASN1_OBJECT_value(types, i), oid, sizeof oid);
		if (strcmp(oid, OID_QC_TYPE_ESIGN) == 0)
			q->type_esign = 1;
		else if (strcmp(oid, OID_QC_TYPE_ESEAL) == 0)
			q->type_eseal = 1;
		else if (strcmp(oid, OID_QC_TYPE_WEB) == 0)
			q->type_web = 1;
	}
	q->ntypes = q->type_esign + q->type_eseal + q->type_web;
	sk_ASN1_OBJECT_pop_free(types, ASN1_OBJECT_free);
	return 0;
}

/* QcCClegislation: the countries, comma-separated. An empty or unreadable
 * list is malformed (SIZE (1..MAX)). */
static int parse_ccleg(const ASN1_TYPE *info, v_qcs *q)
{
	V_QCCCLEG *cc = NULL;
	size_t len = 0;
	int i, rc = -1;

	if (info == NULL || info->type != V_ASN1_SEQUENCE)
		return -1;
	cc = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(V_QCCCLEG), info);
	if (cc == NULL || sk_ASN1_PRINTABLESTRING_num(cc) == 0)
		goto out;
	for (i = 0; i < sk_ASN1_PRINTABLESTRING_num(cc); i++) {
		const ASN1_PRINTABLESTRING *s = sk_ASN1_PRINTABLESTRING_value(cc, i);
		int sl = ASN1_STRING_length(s);
		int j;

		if (sl <= 0 || (size_t)sl + len + 2 > sizeof q->cc_legislation)
			goto out;
		for (j = 0; j < sl; j++) {
			unsigned char ch = ASN1_STRING_get0_data(s)[j];
			if (ch < 0x20 || ch > 0x7e || ch == ',')
				goto out;
		}
		if (len > 0)
			q->cc_legislation[len++] = ',';
		memcpy(q->cc_legislation + len, ASN1_STRING_get0_data(s), (size_t)sl);
		len += (size_t)sl;
		q->cc_legislation[len] = '\0';
	}
	rc = 0;
out:
	sk_ASN1_PRINTABLESTRING_pop_free(cc, ASN1_STRING_free);
	return rc;
}

/* 1 when the value is malformed (out's QC fields zero then), else 0. */
static int qcs_parse_der(const unsigned char *der, size_t n, v_qcs *out)
{
	V_QCSTATEMENTS *st = NULL;
	const unsigned char *p = der;
	char oid[80];
	int i, bad = 0;

	qcs_clear(out);
	if (der == NULL || n == 0 || n > V_MAX_QCS_DER) {
		bad = 1;
		goto out;
	}
	st = (V_QCSTATEMENTS *)ASN1_item_d2i(NULL, &p, (long)n, ASN1_ITEM_rptr(V_QCSTATEMENTS));
	if (st == NULL || p != der + n) {
		bad = 1;
		goto out;
	}
	out->present = 1;
	for (i = 0; i < sk_V_QCSTATEMENT_num(st) && !bad; i++) {
		const V_QCSTATEMENT *s = sk_V_QCSTATEMENT_value(st, i);

		oid_text(s->id, oid, sizeof oid);
		if (strcmp(oid, OID_QC_COMPLIANCE) == 0)
			out->compliance = 1;
		else if (strcmp(oid, OID_QC_SSCD) == 0)
			out->sscd = 1;
		else if (strcmp(oid, OID_QC_PDS) == 0)
			out->has_pds = 1;
		else if (strcmp(oid, OID_QC_TYPE) == 0)
			bad = parse_qctype(s->info, out) != 0;
		else if (strcmp(oid, OID_QC_CCLEG) == 0)
			bad = parse_ccleg(s->info, out) != 0;
	}
out:
	/* EN 319 412-5: a statement we cannot read is not evidence of
	 * anything; the extension counts as absent (fail closed). */
	if (bad)
		qcs_clear(out);
	if (st != NULL)
		ASN1_item_free((ASN1_VALUE *)st, ASN1_ITEM_rptr(V_QCSTATEMENTS));
	return bad;
}

#define QC_MALFORMED_MSG "the qcStatements extension is malformed; ignored"
#define QC_TWICE_MSG "the certificate carries qcStatements twice; ignored"

vn_err v_qcs_parse_der(const unsigned char *der, size_t n, v_qcs *out, vn_findings *f)
{
	if (qcs_parse_der(der, n, out) && f != NULL)
		(void)vn_findings_add(f, VN_LEVEL_WARN, "V_QC_MALFORMED", QC_MALFORMED_MSG);
	return VN_OK;
}

static void parse_policies(X509 *cert, v_qcs *out)
{
	CERTIFICATEPOLICIES *cp = X509_get_ext_d2i(cert, NID_certificate_policies, NULL, NULL);
	char oid[80];
	int i;

	for (i = 0; cp != NULL && i < sk_POLICYINFO_num(cp); i++) {
		oid_text(sk_POLICYINFO_value(cp, i)->policyid, oid, sizeof oid);
		/* EN 319 411-2 5.3 */
		if (strcmp(oid, "0.4.0.194112.1.0") == 0)
			out->policy_qcp_n = 1;
		else if (strcmp(oid, "0.4.0.194112.1.1") == 0)
			out->policy_qcp_l = 1;
		else if (strcmp(oid, "0.4.0.194112.1.2") == 0)
			out->policy_qcp_n_qscd = 1;
		else if (strcmp(oid, "0.4.0.194112.1.3") == 0)
			out->policy_qcp_l_qscd = 1;
		/* TS 101 456: .2 QCP public, .1 QCP public + SSCD (STANDARDS.md 7.1) */
		else if (strcmp(oid, "0.4.0.1456.1.2") == 0)
			out->policy_pre_qcp = 1;
		else if (strcmp(oid, "0.4.0.1456.1.1") == 0)
			out->policy_pre_qcp_sscd = 1;
	}
	CERTIFICATEPOLICIES_free(cp);
}

enum { QC_NOTE_NONE = 0, QC_NOTE_TWICE, QC_NOTE_MALFORMED };

/* The certificate's QC statements and policies; which finding they call
 * for (QC_NOTE_*). */
static int qcs_of(X509 *cert, v_qcs *out)
{
	int idx;
	const ASN1_OCTET_STRING *v;

	memset(out, 0, sizeof *out);
	parse_policies(cert, out);
	idx = X509_get_ext_by_NID(cert, NID_qcStatements, -1);
	if (idx < 0)
		return QC_NOTE_NONE;
	if (X509_get_ext_by_NID(cert, NID_qcStatements, idx) >= 0)
		return QC_NOTE_TWICE;	/* RFC 5280 4.2: an extension appears at most once */
	v = X509_EXTENSION_get_data(X509_get_ext(cert, idx));
	return qcs_parse_der(ASN1_STRING_get0_data(v), (size_t)ASN1_STRING_length(v), out)
		       ? QC_NOTE_MALFORMED
		       : QC_NOTE_NONE;
}

/* ---- encoding (tests, tools) ------------------------------------------ */

static int push_statement(V_QCSTATEMENTS *st, const char *oid, ASN1_TYPE *info)
{
	V_QCSTATEMENT *s = OPENSSL_zalloc(sizeof *s);

	if (s == NULL)
		goto fail;
	s->id = OBJ_txt2obj(oid, 1);
	s->info = info;
	info = NULL;
	if (s->id == NULL || sk_V_QCSTATEMENT_push(st, s) <= 0)
		goto fail;
	return 0;
fail:
	if (s != NULL) {
		ASN1_OBJECT_free(s->id);
		ASN1_TYPE_free(s->info);
		OPENSSL_free(s);
	}
	ASN1_TYPE_free(info);
	return -1;
}

static ASN1_TYPE *pack_types(const v_qcs_spec *sp)
{
	V_QCTYPE *t = sk_ASN1_OBJECT_new_null();
	ASN1_TYPE *a = NULL;
	const char *oids[3];
	int n = 0, i, ok = t != NULL;

	if (sp->esign)
		oids[n++] = OID_QC_TYPE_ESIGN;
	if (sp->eseal)
		oids[n++] = OID_QC_TYPE_ESEAL;
	if (sp->web)
		oids[n++] = OID_QC_TYPE_WEB;
	for (i = 0; ok && i < n; i++) {
		ASN1_OBJECT *o = OBJ_txt2obj(oids[i], 1);
		if (o == NULL || sk_ASN1_OBJECT_push(t, o) <= 0) {
			ASN1_OBJECT_free(o);
			ok = 0;
		}
	}
	if (ok)
		a = ASN1_TYPE_pack_sequence(ASN1_ITEM_rptr(V_QCTYPE), t, NULL);
	sk_ASN1_OBJECT_pop_free(t, ASN1_OBJECT_free);
	return a;
}

static ASN1_TYPE *pack_cc(const char *list)
{
	V_QCCCLEG *cc = sk_ASN1_PRINTABLESTRING_new_null();
	ASN1_TYPE *a = NULL;
	const char *p = list;
	int ok = cc != NULL;

	while (ok && *p != '\0') {
		size_t l = strcspn(p, ",");
		ASN1_PRINTABLESTRING *s = ASN1_PRINTABLESTRING_new();
		if (s == NULL || !ASN1_STRING_set(s, p, (int)l) ||
		    sk_ASN1_PRINTABLESTRING_push(cc, s) <= 0) {
			ASN1_STRING_free(s);
			ok = 0;
		}
		p += l;
		if (*p == ',')
			p++;
	}
	if (ok)
		a = ASN1_TYPE_pack_sequence(ASN1_ITEM_rptr(V_QCCCLEG), cc, NULL);
	sk_ASN1_PRINTABLESTRING_pop_free(cc, ASN1_STRING_free);
	return a;
}

vn_err v_qcs_encode(const v_qcs_spec *sp, unsigned char **der, size_t *n)
{
	V_QCSTATEMENTS *st = sk_V_QCSTATEMENT_new_null();
	ASN1_TYPE *info = NULL;
	vn_err e = VN_ERR_NOMEM;
	int len;

	*der = NULL;
	*n = 0;
	if (st == NULL)
		goto out;
	if (sp->compliance && push_statement(st, OID_QC_COMPLIANCE, NULL) != 0)
		goto out;
	if (sp->sscd && push_statement(st, OID_QC_SSCD, NULL) != 0)
		goto out;
	if (sp->bad_qctype) {
		/* an INTEGER where a SEQUENCE OF OID belongs */
		info = ASN1_TYPE_new();
		if (info == NULL || !ASN1_TYPE_set1(info, V_ASN1_NULL, NULL))
			goto out;
		if (push_statement(st, OID_QC_TYPE, info) != 0) {
			info = NULL;
			goto out;
		}
		info = NULL;
	} else if (sp->esign || sp->eseal || sp->web) {
		if ((info = pack_types(sp)) == NULL)
			goto out;
		if (push_statement(st, OID_QC_TYPE, info) != 0) {
			info = NULL;
			goto out;
		}
		info = NULL;
	}
	if (sp->pds && push_statement(st, OID_QC_PDS, NULL) != 0)
		goto out;
	if (sp->cc_legislation != NULL) {
		if ((info = pack_cc(sp->cc_legislation)) == NULL)
			goto out;
		if (push_statement(st, OID_QC_CCLEG, info) != 0) {
			info = NULL;
			goto out;
		}
		info = NULL;
	}
	len = ASN1_item_i2d((ASN1_VALUE *)st, der, ASN1_ITEM_rptr(V_QCSTATEMENTS));
	if (len <= 0) {
		*der = NULL;
		e = VN_ERR_CRYPTO;
		goto out;
	}
	*n = (size_t)len;
	e = VN_OK;
out:
	ASN1_TYPE_free(info);
	if (st != NULL)
		ASN1_item_free((ASN1_VALUE *)st, ASN1_ITEM_rptr(V_QCSTATEMENTS));
	return e;
}

/* ---- criteria (TS 119 612 5.5.9.2) ------------------------------------ */

#define MAX_CERT_OIDS 32

typedef struct oid_set {
	char v[MAX_CERT_OIDS][80];
	size_t n;
} oid_set;

typedef struct cert_facts {
	unsigned ku;		/* bit i = X.509 KeyUsage bit i */
	oid_set pol, eku, attr;
} cert_facts;

static void set_add(oid_set *s, const ASN1_OBJECT *o)
{
	if (s->n < MAX_CERT_OIDS)
		oid_text(o, s->v[s->n++], sizeof s->v[0]);
}

static void facts_of(X509 *x, cert_facts *cf)
{
	static const uint32_t ku_flag[9] = {KU_DIGITAL_SIGNATURE, KU_NON_REPUDIATION,
					    KU_KEY_ENCIPHERMENT, KU_DATA_ENCIPHERMENT,
					    KU_KEY_AGREEMENT, KU_KEY_CERT_SIGN, KU_CRL_SIGN,
					    KU_ENCIPHER_ONLY, KU_DECIPHER_ONLY};
	uint32_t ku = X509_get_key_usage(x);
	CERTIFICATEPOLICIES *cp = X509_get_ext_d2i(x, NID_certificate_policies, NULL, NULL);
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	const X509_NAME *subj = X509_get_subject_name(x);
	unsigned b;
	int i;

	memset(cf, 0, sizeof *cf);
	/* No KeyUsage extension: no bit is set (DSS KeyUsageCondition). */
	if (ku != UINT32_MAX)
		for (b = 0; b < 9; b++)
			if (ku & ku_flag[b])
				cf->ku |= 1u << b;
	for (i = 0; cp != NULL && i < sk_POLICYINFO_num(cp); i++)
		set_add(&cf->pol, sk_POLICYINFO_value(cp, i)->policyid);
	for (i = 0; eku != NULL && i < sk_ASN1_OBJECT_num(eku); i++)
		set_add(&cf->eku, sk_ASN1_OBJECT_value(eku, i));
	for (i = 0; subj != NULL && i < X509_NAME_entry_count(subj); i++)
		set_add(&cf->attr, X509_NAME_ENTRY_get_object(X509_NAME_get_entry(subj, i)));
	CERTIFICATEPOLICIES_free(cp);
	EXTENDED_KEY_USAGE_free(eku);
}

/* All OIDs of want in have; an empty list matches (an empty ALL). */
static int has_all(const oid_set *have, const tl_strs *want)
{
	size_t i, j;

	for (i = 0; i < want->n; i++) {
		for (j = 0; j < have->n; j++)
			if (strcmp(have->v[j], want->v[i]) == 0)
				break;
		if (j == have->n)
			return 0;
	}
	return 1;
}

static int crit_unknown(const tl_criteria *c, int depth)
{
	size_t i;

	if (c->has_unknown || depth > 16)
		return 1;
	for (i = 0; i < c->nnested; i++)
		if (crit_unknown(&c->nested[i], depth + 1))
			return 1;
	return 0;
}

static int crit_eval(const cert_facts *cf, const tl_criteria *c, int depth)
{
	size_t i, nchild = 0, nmatch = 0;

	if (depth > 16)
		return 0;
	for (i = 0; i < c->nkey_usages; i++, nchild++) {
		/* every named bit has the stated value */
		const tl_key_usage *k = &c->key_usages[i];
		if ((cf->ku & k->mask) == (k->value & k->mask))
			nmatch++;
	}
	for (i = 0; i < c->npolicy_sets; i++, nchild++)
		if (has_all(&cf->pol, &c->policy_sets[i]))
			nmatch++;
	for (i = 0; i < c->nnested; i++, nchild++)
		if (crit_eval(cf, &c->nested[i], depth + 1))
			nmatch++;
	if (c->ekus.n > 0) {
		nchild++;
		if (has_all(&cf->eku, &c->ekus))
			nmatch++;
	}
	if (c->subject_attrs.n > 0) {
		nchild++;
		if (has_all(&cf->attr, &c->subject_attrs))
			nmatch++;
	}
	return tl_assert_holds(c->assert_, nmatch, nchild);
}

/* notBefore on or after the eIDAS date (DSS: the certificate is judged by
 * the post-eIDAS rules); 1 when it cannot be compared. */
static int post_eidas(X509 *cert)
{
	const ASN1_TIME *nb = X509_get0_notBefore(cert);
	int post = 1;

	if (nb != NULL) {
		int day = 0, sec = 0;
		ASN1_TIME *ref = ASN1_TIME_set(NULL, (time_t)V_EIDAS_DATE);
		/* notBefore - eIDAS date */
		if (ref != NULL && ASN1_TIME_diff(&day, &sec, ref, nb))
			post = day > 0 || (day == 0 && sec >= 0);
		ASN1_TIME_free(ref);
	}
	return post;
}

/* ---- what qualification reads of a certificate, memoised ---------------
 * Its QC statements and policies, the facts its criteria are matched on
 * and which side of the eIDAS date it was issued: functions of the decoded
 * certificate alone (vn_certcache.h), asked several times per signature
 * (the signer's constraints, two qualification times, every
 * QualificationElement of every service). The judgements made from them
 * (services, times, policy) are not kept. */
typedef struct qual_facts {
	v_qcs qcs;
	int qcs_note;		/* QC_NOTE_*: the finding v_qcs_parse adds */
	cert_facts cf;
	int post;
} qual_facts;

static void qual_facts_compute(X509 *x, qual_facts *q)
{
	memset(q, 0, sizeof *q);
	q->qcs_note = qcs_of(x, &q->qcs);
	facts_of(x, &q->cf);
	q->post = post_eidas(x);
}

static void *qual_facts_make(X509 *x)
{
	qual_facts *q = malloc(sizeof *q);

	if (q != NULL)
		qual_facts_compute(x, q);
	return q;
}

static vn_cert_memo_kind qual_facts_kind = {qual_facts_make, free, 0};

/* The memoised facts of x, or (out of memory) tmp filled for this call. */
static const qual_facts *qual_facts_of(X509 *x, qual_facts *tmp)
{
	const qual_facts *q = vn_cert_memo(x, &qual_facts_kind);

	if (q != NULL)
		return q;
	qual_facts_compute(x, tmp);
	return tmp;
}

vn_err v_qcs_parse(X509 *cert, v_qcs *out, vn_findings *f)
{
	qual_facts tmp;
	const qual_facts *q = qual_facts_of(cert, &tmp);

	*out = q->qcs;
	if (f != NULL && q->qcs_note != QC_NOTE_NONE)
		(void)vn_findings_add(f, VN_LEVEL_WARN, "V_QC_MALFORMED", "%s",
				      q->qcs_note == QC_NOTE_TWICE ? QC_TWICE_MSG : QC_MALFORMED_MSG);
	return VN_OK;
}

int v_criteria_match(X509 *cert, const tl_criteria *c)
{
	qual_facts tmp;

	if (crit_unknown(c, 0))
		return 0;
	return crit_eval(&qual_facts_of(cert, &tmp)->cf, c, 0);
}

/* ---- services --------------------------------------------------------- */

static int status_is(const tl_service_entry *e, const char *name)
{
	size_t pl = strlen(V_SVCSTATUS);

	return e->status != NULL && strncmp(e->status, V_SVCSTATUS, pl) == 0 &&
	       strcmp(e->status + pl, name) == 0;
}

static int pre_eidas_valid_status(const tl_service_entry *e)
{
	return status_is(e, "undersupervision") || status_is(e, "supervisionincessation") ||
	       status_is(e, "accredited") ||
	       (e->status != NULL &&
		strcmp(e->status, "http://uri.etsi.org/TrstSvc/eSigDir-1999-93-EC-TrustedList/"
				  "Svcstatus/undersupervision") == 0);
}

int v_service_granted(const tl_service_entry *e)
{
	if (e->start == VN_TIME_NONE)
		return 0;
	if (e->start >= V_EIDAS_DATE)
		return status_is(e, "granted");
	return pre_eidas_valid_status(e);
}

/* DSS ConsistentServiceByStatusFilter: a pre-eIDAS interval must carry a
 * pre-eIDAS status. */
static int status_consistent(const tl_service_entry *e)
{
	if (e->start == VN_TIME_NONE || e->start >= V_EIDAS_DATE)
		return 1;
	return pre_eidas_valid_status(e) || status_is(e, "supervisionceased") ||
	       status_is(e, "supervisionrevoked") || status_is(e, "accreditationceased") ||
	       status_is(e, "accreditationrevoked");
}

static int type_is(const tl_service_entry *e, const char *t)
{
	size_t pl = strlen(V_SVCTYPE);

	return e->type != NULL && strncmp(e->type, V_SVCTYPE, pl) == 0 &&
	       strcmp(e->type + pl, t) == 0;
}

static int has_asi(const tl_service_entry *e, const char *name)
{
	size_t i, pl = strlen(V_SVCINFOEXT);

	for (i = 0; i < e->asi.n; i++)
		if (strncmp(e->asi.v[i], V_SVCINFOEXT, pl) == 0 &&
		    strcmp(e->asi.v[i] + pl, name) == 0)
			return 1;
	return 0;
}

/* Qualifiers (STANDARDS.md 1.5), as bits. */
enum {
	Q_QCSTATEMENT = 1u << 0, Q_NOTQUALIFIED = 1u << 1,
	Q_WITHSSCD = 1u << 2, Q_NOSSCD = 1u << 3, Q_SSCDASINCERT = 1u << 4,
	Q_WITHQSCD = 1u << 5, Q_NOQSCD = 1u << 6, Q_QSCDASINCERT = 1u << 7,
	Q_QSCDMANAGED = 1u << 8, Q_LEGALPERSON = 1u << 9,
	Q_FORESIG = 1u << 10, Q_FORESEAL = 1u << 11, Q_FORWSA = 1u << 12
};

static unsigned qualifier_bit(const char *uri)
{
	static const struct {
		const char *name;
		unsigned bit;
	} map[] = {
		{"QCStatement", Q_QCSTATEMENT}, {"NotQualified", Q_NOTQUALIFIED},
		{"QCWithSSCD", Q_WITHSSCD}, {"QCNoSSCD", Q_NOSSCD},
		{"QCSSCDStatusAsInCert", Q_SSCDASINCERT}, {"QCWithQSCD", Q_WITHQSCD},
		{"QCNoQSCD", Q_NOQSCD}, {"QCQSCDStatusAsInCert", Q_QSCDASINCERT},
		{"QCQSCDManagedOnBehalf", Q_QSCDMANAGED}, {"QCForLegalPerson", Q_LEGALPERSON},
		{"QCForESig", Q_FORESIG}, {"QCForESeal", Q_FORESEAL}, {"QCForWSA", Q_FORWSA},
	};
	size_t i, pl = strlen(V_SVCINFOEXT);

	if (strncmp(uri, V_SVCINFOEXT, pl) != 0)
		return 0;
	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(uri + pl, map[i].name) == 0)
			return map[i].bit;
	return 0;
}

/* The qualifiers an interval applies to this certificate: those of every
 * QualificationElement whose CriteriaList selects it. */
static unsigned captured(X509 *cert, const tl_service_entry *e)
{
	unsigned q = 0;
	size_t i, j;

	for (i = 0; i < e->nquals; i++) {
		if (!v_criteria_match(cert, &e->quals[i].criteria))
			continue;
		for (j = 0; j < e->quals[i].qualifiers.n; j++)
			q |= qualifier_bit(e->quals[i].qualifiers.v[j]);
	}
	return q;
}

static int popcount3(int a, int b, int c)
{
	return (a != 0) + (b != 0) + (c != 0);
}

/* ---- the qualification of a certificate (STANDARDS.md 7.2) ------------ */

enum { T_ESIG = 0, T_ESEAL, T_WSA, T_UNKNOWN };

typedef struct cert_view {
	X509 *x;
	const v_qcs *q;
	int post;	/* notBefore on or after the eIDAS date */
} cert_view;

typedef struct cand {
	const tl_service_entry *e;
	unsigned q;	/* captured qualifiers */
} cand;

static v_cert_qual matrix(int qc, int type, int qscd)
{
	static const v_cert_qual qcm[4][2] = {
		{V_CQ_QC_ESIG, V_CQ_QC_ESIG_QSCD},
		{V_CQ_QC_ESEAL, V_CQ_QC_ESEAL_QSCD},
		{V_CQ_QC_WSA, V_CQ_QC_WSA},
		{V_CQ_QC_UNKNOWN, V_CQ_QC_UNKNOWN_QSCD}};
	static const v_cert_qual cm[4] = {V_CQ_CERT_ESIG, V_CQ_CERT_ESEAL, V_CQ_CERT_WSA,
					  V_CQ_CERT_UNKNOWN};

	if (type < 0 || type > T_UNKNOWN)
		type = T_UNKNOWN;
	/* DSS CertQualificationMatrix: a non-QC never carries the QSCD flag */
	return qc ? qcm[type][qscd != 0] : cm[type];
}

/* DSS QualificationByCertificatePost/PreEIDAS */
static int qc_by_cert(const cert_view *cv)
{
	if (cv->q->cc_legislation[0] != '\0')
		return 0;	/* EN 319 412-5 4.2.4: not an EU qualified certificate */
	if (cv->post)
		return cv->q->compliance;
	return cv->q->compliance || cv->q->policy_pre_qcp || cv->q->policy_pre_qcp_sscd;
}

/* DSS TypeByCertificatePostEIDAS / PreEIDAS */
static int type_by_cert(const cert_view *cv, int qc)
{
	const v_qcs *q = cv->q;
	int one = popcount3(q->type_esign, q->type_eseal, q->type_web) == 1;
	int none = !q->type_esign && !q->type_eseal && !q->type_web;

	if (!cv->post)
		return qc ? T_ESIG : T_UNKNOWN;
	if ((none && q->compliance) || (q->type_esign && one))
		return T_ESIG;	/* TS 119 615 Table 1: QcCompliance without QcType is eSig */
	if (q->type_eseal && one)
		return T_ESEAL;
	if (q->type_web && one)
		return T_WSA;
	return T_UNKNOWN;
}

static int qscd_by_cert(const cert_view *cv)
{
	return cv->post ? cv->q->sscd : (cv->q->sscd || cv->q->policy_pre_qcp_sscd);
}

/* DSS QualificationByTL: the TL overrules the certificate. */
static int qc_by_tl(const cert_view *cv, const cand *c)
{
	if (c == NULL || !v_service_granted(c->e))
		return 0;
	if (c->q & Q_NOTQUALIFIED)
		return 0;
	if (c->q & Q_QCSTATEMENT)
		return 1;
	return qc_by_cert(cv);
}

/* DSS TypeByTL */
static int type_by_tl(const cert_view *cv, const cand *c, int qc)
{
	if (qc) {
		int n;

		if (c == NULL)
			return T_UNKNOWN;
		if (c->e->start < V_EIDAS_DATE)
			return T_ESIG;
		n = popcount3(c->q & Q_FORESIG, c->q & Q_FORESEAL, c->q & Q_FORWSA);
		if (n > 1)
			return T_UNKNOWN;
		if (c->q & Q_FORESIG)
			return T_ESIG;
		if (c->q & Q_FORESEAL)
			return T_ESEAL;
		if (c->q & Q_FORWSA)
			return T_WSA;
	}
	return type_by_cert(cv, qc);
}

/* DSS QSCDByTL: post-eIDAS intervals speak of QSCD, older ones of SSCD. */
static int qscd_by_tl(const cert_view *cv, const cand *c, int qc)
{
	if (c == NULL || !qc)
		return 0;
	if (c->e->start >= V_EIDAS_DATE) {
		if (c->q & (Q_WITHQSCD | Q_QSCDMANAGED))
			return 1;
		if (c->q & Q_QSCDASINCERT)
			return qscd_by_cert(cv);
		if (c->q & Q_NOQSCD)
			return 0;
	} else {
		if (c->q & Q_WITHSSCD)
			return 1;
		if (c->q & Q_SSCDASINCERT)
			return qscd_by_cert(cv);
		if (c->q & Q_NOSSCD)
			return 0;
	}
	return qscd_by_cert(cv);
}

/* DSS CertificateQualificationCalculator: one service's verdict. */
static v_cert_qual calc(const cert_view *cv, const cand *c)
{
	int qc = qc_by_tl(cv, c);

	return matrix(qc, type_by_tl(cv, c, qc), qscd_by_tl(cv, c, qc));
}

/* DSS ServiceByCertificateTypeFilter (TS 119 615 Table 1, PRO-4.4.4-12). */
static int type_acceptable(const cert_view *cv, const cand *c)
{
	int asi_esig, asi_eseal, asi_wsa, for_esig, for_eseal, for_wsa, one;

	if (!cv->post)
		return 1;
	asi_esig = has_asi(c->e, "ForeSignatures");
	asi_eseal = has_asi(c->e, "ForeSeals");
	asi_wsa = has_asi(c->e, "ForWebSiteAuthentication");
	for_esig = (c->q & Q_FORESIG) != 0;
	for_eseal = (c->q & Q_FORESEAL) != 0;
	for_wsa = (c->q & Q_FORWSA) != 0;
	for_esig = for_esig || (!for_eseal && !for_wsa && cv->q->compliance);
	one = popcount3(for_esig, for_eseal, for_wsa) == 1;
	if (c->q & Q_LEGALPERSON)
		asi_esig = 0;
	switch (type_by_cert(cv, qc_by_cert(cv))) {
	case T_ESIG:
		return asi_esig || (asi_eseal && for_eseal && one) || (asi_wsa && for_wsa && one);
	case T_ESEAL:
		return asi_eseal || (asi_esig && for_esig && one) || (asi_wsa && for_wsa && one);
	case T_WSA:
		return asi_wsa || (asi_eseal && for_eseal && one) || (asi_esig && for_esig && one);
	default:
		return 1;
	}
}

/* DSS TrustServiceQCStatementConsistency / UsageConsistency /
 * QSCDConsistency: contradictory qualifiers make the service unusable
 * for that question. */
static int qc_consistent(const cand *c)
{
	return !((c->q & Q_QCSTATEMENT) && (c->q & Q_NOTQUALIFIED));
}

static int type_consistent(const cand *c)
{
	return popcount3(c->q & Q_FORESIG, c->q & Q_FORESEAL, c->q & Q_FORWSA) <= 1;
}

static int qscd_consistent(const cand *c)
{
	int q = popcount3(c->q & (Q_WITHQSCD | Q_QSCDMANAGED), c->q & Q_NOQSCD,
			  c->q & Q_QSCDASINCERT);
	int s = popcount3(c->q & Q_WITHSSCD, c->q & Q_NOSSCD, c->q & Q_SSCDASINCERT);

	return q <= 1 && s <= 1;
}

#define MAX_CANDS 64

static void note(vn_findings *f, vn_level l, const char *code, const char *msg, vn_time t)
{
	char ts[VN_TIME_BUFSZ];

	if (f != NULL)
		(void)vn_findings_add(f, l, code, "%s (at %s)", msg, vn_time_format(t, ts));
}

v_cert_qual v_cert_qualify(X509 *cert, const v_qcs *qcs, const tl_snap_match *matches,
			   size_t nmatches, vn_time t, vn_findings *f)
{
	cand all[MAX_CANDS], work[MAX_CANDS];
	const cand *sel = NULL, *sel_qc, *sel_type, *sel_qscd;
	size_t nall = 0, nw = 0, i, j, ncaqc = 0, ngranted = 0;
	qual_facts tmp;
	cert_view cv = {cert, qcs, qual_facts_of(cert, &tmp)->post};
	v_cert_qual r;
	int qc, sel_caqc = 0, sel_granted = 0;


	/* 1. the services in force at t (the snapshot's interval for t, computed
	 * here from the service so that one set of matches serves both times);
	 * a service that matched twice (key and SKI) counts once. */
	for (i = 0; i < nmatches && nall < MAX_CANDS; i++) {
		const tl_service_entry *e;
		int dup = 0;

		if (matches[i].svc == NULL || matches[i].svc->service == NULL)
			continue;
		for (j = 0; j < i; j++)
			if (matches[j].svc == matches[i].svc)
				dup = 1;
		if (dup)
			continue;
		e = tl_service_at(matches[i].svc->service, t);
		if (e == NULL)
			continue;
		if (e->unknown_critical) {
			/* TS 119 612 5.5.9: not understood, not used */
			note(f, VN_LEVEL_WARN, "V_QUAL_SERVICE_UNUSABLE",
			     "a service interval carries a critical extension that is not understood", t);
			continue;
		}
		all[nall].e = e;
		all[nall].q = captured(cert, e);
		nall++;
	}
	if (nall == 0)
		note(f, VN_LEVEL_INFO, "V_QUAL_NO_SERVICE",
		     "no trusted-list service vouches for the issuer", t);
	/* 1b. prefer CA/QC; carry on with the rest if there is none */
	for (i = 0; i < nall; i++)
		if (type_is(all[i].e, "CA/QC"))
			ncaqc++;
	for (i = 0; i < nall; i++)
		if (ncaqc == 0 || type_is(all[i].e, "CA/QC"))
			work[nw++] = all[i];
	/* 2. the certificate's type against the service's ASI (post-eIDAS) */
	for (i = j = 0; i < nw; i++)
		if (type_acceptable(&cv, &work[i]))
			work[j++] = work[i];
	nw = j;
	/* 3. services that would conclude differently: N/A */
	if (nw > 1) {
		v_cert_qual first = calc(&cv, &work[0]);
		for (i = 1; i < nw; i++)
			if (calc(&cv, &work[i]) != first) {
				note(f, VN_LEVEL_WARN, "V_QUAL_CONFLICT",
				     "trusted-list services conclude differently on the certificate", t);
				return V_CQ_NA;
			}
	}
	/* 4. consistent status, then granted (if any), then one service */
	for (i = j = 0; i < nw; i++)
		if (status_consistent(work[i].e))
			work[j++] = work[i];
	nw = j;
	for (i = 0; i < nw; i++)
		if (v_service_granted(work[i].e))
			ngranted++;
	if (ngranted > 0) {
		for (i = j = 0; i < nw; i++)
			if (v_service_granted(work[i].e))
				work[j++] = work[i];
		nw = j;
	}
	if (nw > 0)
		sel = &work[0];	/* step 3 already made them all agree */
	if (sel != NULL) {
		sel_caqc = type_is(sel->e, "CA/QC");
		sel_granted = v_service_granted(sel->e);
	}
	/* from here on only a CA/QC service granted at t counts */
	if (sel != NULL && (!sel_caqc || !sel_granted)) {
		note(f, VN_LEVEL_INFO, "V_QUAL_NOT_GRANTED",
		     "no CA/QC service granted for the issuer", t);
		sel = NULL;
	}
	/* 5.-7. qualified, type, QSCD, each from a service consistent on it */
	sel_qc = sel != NULL && qc_consistent(sel) ? sel : NULL;
	sel_type = sel != NULL && type_consistent(sel) ? sel : NULL;
	sel_qscd = sel != NULL && qscd_consistent(sel) ? sel : NULL;
	qc = qc_by_tl(&cv, sel_qc);
	r = matrix(qc, type_by_tl(&cv, sel_type, qc), qscd_by_tl(&cv, sel_qscd, qc));
	if (!qc && qcs->cc_legislation[0] != '\0')
		note(f, VN_LEVEL_INFO, "V_QC_NON_EU_LEGISLATION",
		     "the certificate is qualified under a non-EU legislation (QcCClegislation)", t);
	return r;
}

const char *v_cert_qual_name(v_cert_qual q)
{
	/* DSS CertificateQualification labels */
	static const char *const names[] = {
		"N/A", "QC for eSig with QSCD", "QC for eSeal with QSCD",
		"QC for unknown type with QSCD", "QC for eSig", "QC for eSeal", "QC for WSA",
		"QC for unknown type", "Certificate for eSig", "Certificate for eSeal",
		"Certificate for WSA", "Certificate for unknown type"};

	return (unsigned)q < sizeof names / sizeof names[0] ? names[q] : "N/A";
}

/* ---- the qualification of a signature (STANDARDS.md 7.3) ------------- */

static void split(v_cert_qual q, int *qc, int *type, int *qscd)
{
	*qc = q >= V_CQ_QC_ESIG_QSCD && q <= V_CQ_QC_UNKNOWN;
	*qscd = q == V_CQ_QC_ESIG_QSCD || q == V_CQ_QC_ESEAL_QSCD || q == V_CQ_QC_UNKNOWN_QSCD;
	switch (q) {
	case V_CQ_QC_ESIG_QSCD: case V_CQ_QC_ESIG: case V_CQ_CERT_ESIG:
		*type = T_ESIG;
		break;
	case V_CQ_QC_ESEAL_QSCD: case V_CQ_QC_ESEAL: case V_CQ_CERT_ESEAL:
		*type = T_ESEAL;
		break;
	case V_CQ_QC_WSA: case V_CQ_CERT_WSA:
		*type = T_WSA;
		break;
	default:
		*type = T_UNKNOWN;
	}
}

/* DSS FinalCertificateQualificationCalculator: QC needs both times
 * (eIDAS Art. 32(1)(a),(b)), the type only if both agree, the QSCD flag
 * from the signing time (Art. 32(1)(f)). */
static v_cert_qual merge(v_cert_qual at_issuance, v_cert_qual at_signing)
{
	int qc1, t1, s1, qc2, t2, s2;

	if (at_issuance == V_CQ_NA || at_signing == V_CQ_NA)
		return V_CQ_NA;
	if (at_issuance == at_signing)
		return at_signing;
	split(at_issuance, &qc1, &t1, &s1);
	split(at_signing, &qc2, &t2, &s2);
	(void)s1;
	return matrix(qc1 && qc2, t1 == t2 ? t1 : T_UNKNOWN, s2);
}

/* DSS SigQualificationMatrix, mapped onto DESIGN.md's names. Where DSS
 * has a label we do not output:
 *   - "Unknown-QC-QSCD" and "Unknown-QC" (a QC whose type could not be
 *     established: contradictory QcType / QCFor* data) become
 *     Indeterminate: whether it is a QES or a qualified seal, which have
 *     different legal effects (eIDAS Art. 25(2) / 35(2)), is undecided, and
 *     we do not claim either;
 *   - "Unknown" (not a QC, no type declared: most certificates outside the
 *     EU) becomes AdESig, the TS 119 615 Table 1 default, since an AdES is
 *     what is proven and no legal presumption hangs on the type;
 *   - "N/A" (services in conflict) becomes Indeterminate.
 * INDETERMINATE signatures are Indeterminate; TOTAL-FAILED ones NotAdES. */
v_qual v_sig_qualify(v_cert_qual at_issuance, v_cert_qual at_signing, vn_indication ind)
{
	if (ind == VN_IND_TOTAL_FAILED)
		return V_QUAL_NOT_ADES;
	if (ind != VN_IND_TOTAL_PASSED)
		return V_QUAL_INDETERMINATE;
	switch (merge(at_issuance, at_signing)) {
	case V_CQ_QC_ESIG_QSCD:
		return V_QUAL_QESIG;
	case V_CQ_QC_ESEAL_QSCD:
		return V_QUAL_QESEAL;
	case V_CQ_QC_ESIG:
		return V_QUAL_ADESIG_QC;
	case V_CQ_QC_ESEAL:
		return V_QUAL_ADESEAL_QC;
	case V_CQ_CERT_ESIG:
	case V_CQ_CERT_UNKNOWN:
		return V_QUAL_ADESIG;
	case V_CQ_CERT_ESEAL:
		return V_QUAL_ADESEAL;
	case V_CQ_QC_WSA:
	case V_CQ_CERT_WSA:
		return V_QUAL_NOT_ADES;	/* a website certificate does not sign */
	case V_CQ_QC_UNKNOWN_QSCD:
	case V_CQ_QC_UNKNOWN:
	case V_CQ_NA:
	default:
		return V_QUAL_INDETERMINATE;
	}
}
