#include "node/tl_json.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "common/vn_certcache.h"
#include "common/vn_digest.h"
#include "policies/pol_mra.h"

json_t *vn_json_time(vn_time t)
{
	char buf[VN_TIME_BUFSZ];

	if (t == VN_TIME_NONE)
		return json_null();
	return json_string(vn_time_format(t, buf));
}

json_t *vn_json_strornull(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *vn_json_findings(const vn_findings *f)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < f->n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "code", f->items[i].code,
						   "level", vn_level_name(f->items[i].level),
						   "message", f->items[i].message));
	return a;
}

/* A string of the report, as rendered once: NULL stands for JSON null. */
typedef struct rstr {
	char *p;	/* malloc'd, NUL-terminated; may hold NULs inside (len) */
	size_t len;
} rstr;

static int rstr_set(rstr *r, const char *p, size_t len)
{
	r->p = malloc(len + 1);
	if (r->p == NULL)
		return -1;
	memcpy(r->p, p, len);
	r->p[len] = '\0';
	r->len = len;
	return 0;
}

/* The JSON value of r: a string already checked as UTF-8 when rendered. */
static json_t *rstr_json(const rstr *r)
{
	return r->p != NULL ? json_stringn_nocheck(r->p, r->len) : json_null();
}

static int time_text(const ASN1_TIME *t, rstr *r)
{
	struct tm tm;
	char buf[32];

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;	/* null */
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return rstr_set(r, buf, strlen(buf));
}

static int name_text(const X509_NAME *n, rstr *r)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p = NULL, *s;
	long len;
	int rc = 1;	/* not yet rendered */

	/* RFC 2253 style; the one-line form only when that cannot be
	 * written (or is not UTF-8). It is for display, never compared. */
	if (b != NULL && X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
	    (len = BIO_get_mem_data(b, &p)) > 0) {
		json_t *j = json_stringn(p, (size_t)len);	/* the UTF-8 check */
		if (j != NULL)
			rc = rstr_set(r, p, (size_t)len);
		json_decref(j);
	}
	BIO_free(b);
	if (rc != 1)
		return rc;
	s = X509_NAME_oneline(n, NULL, 0);
	if (s != NULL) {
		json_t *j = json_string(s);
		rc = j != NULL ? rstr_set(r, s, strlen(s)) : 0;
		json_decref(j);
	} else {
		rc = 0;	/* null */
	}
	OPENSSL_free(s);
	return rc;
}

/* A certificate as the reports show it, rendered once per decoded
 * certificate (vn_certcache.h): its names, serial, fingerprint and
 * validity are functions of its bytes. */
typedef struct cert_text {
	rstr subject, issuer, serial, sha256, not_before, not_after, cn;
	rstr json[2];	/* the object cert_write writes, without and with cn */
} cert_text;

static void cert_text_free(void *p)
{
	cert_text *t = p;

	if (t == NULL)
		return;
	free(t->subject.p);
	free(t->issuer.p);
	free(t->serial.p);
	free(t->sha256.p);
	free(t->not_before.p);
	free(t->not_after.p);
	free(t->cn.p);
	free(t->json[0].p);
	free(t->json[1].p);
	free(t);
}

static int cert_render(const cert_text *t, int with_cn, rstr *out);

static void *cert_text_make(X509 *x)
{
	cert_text *t = calloc(1, sizeof *t);
	unsigned char md[VN_SHA256_LEN];
	char hex[2 * VN_SHA256_LEN + 1], cn[256] = "";
	size_t mdlen = 0, i;
	char *serial = NULL;
	BIGNUM *bn;
	int bad = 0, cnlen;

	if (t == NULL)
		return NULL;
	/* the fingerprint memo: the DER as received (OpenSSL keeps the
	 * encoding), hashed once per decoded certificate */
	if (vn_cert_sha256(x, md) == 0)
		mdlen = VN_SHA256_LEN;
	for (i = 0; i < mdlen; i++) {
		hex[2 * i] = "0123456789abcdef"[md[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[md[i] & 15];
	}
	hex[2 * mdlen] = '\0';
	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	if (bn != NULL)
		serial = BN_bn2hex(bn);
	bad |= rstr_set(&t->serial, serial ? serial : "", serial ? strlen(serial) : 0);
	OPENSSL_free(serial);
	BN_free(bn);
	bad |= rstr_set(&t->sha256, hex, strlen(hex));
	bad |= name_text(X509_get_subject_name(x), &t->subject);
	bad |= name_text(X509_get_issuer_name(x), &t->issuer);
	bad |= time_text(X509_get0_notBefore(x), &t->not_before);
	bad |= time_text(X509_get0_notAfter(x), &t->not_after);
	/* The signer's commonName, as the report adds it (NULL: none). */
	cnlen = X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof cn);
	if (cnlen > 0) {
		json_t *j = json_string(cn);	/* the UTF-8 check */
		if (j != NULL)
			bad |= rstr_set(&t->cn, cn, strlen(cn));
		json_decref(j);
	}
	/* and the two objects the reports write, once */
	for (i = 0; i < 2 && !bad; i++)
		bad |= cert_render(t, (int)i, &t->json[i]);
	if (bad) {
		cert_text_free(t);
		return NULL;
	}
	return t;
}

static vn_cert_memo_kind cert_text_kind = {cert_text_make, cert_text_free, 0};

/* A certificate's members, in this order, as the reports have always
 * listed them; the signer adds commonName after them when it has one. The
 * one table both writers below read. */
static const struct {
	const char *key;
	size_t off;
} cert_members[6] = {
	{"subject", offsetof(cert_text, subject)},	{"issuer", offsetof(cert_text, issuer)},
	{"serial", offsetof(cert_text, serial)},	{"sha256", offsetof(cert_text, sha256)},
	{"notBefore", offsetof(cert_text, not_before)}, {"notAfter", offsetof(cert_text, not_after)},
};

static const rstr *cert_member(const cert_text *t, size_t i)
{
	return (const rstr *)(const void *)((const char *)t + cert_members[i].off);
}

static json_t *cert_json(const cert_text *t, int with_cn)
{
	json_t *j = json_object(), *v;
	size_t i;
	int bad = j == NULL;

	for (i = 0; i < 6; i++) {
		v = rstr_json(cert_member(t, i));
		if (j == NULL || v == NULL)
			json_decref(v);
		else
			bad |= json_object_set_new_nocheck(j, cert_members[i].key, v) != 0;
		bad |= v == NULL;
	}
	if (bad) {
		json_decref(j);
		return NULL;
	}
	/* a commonName that is not UTF-8 is left out */
	if (with_cn && t->cn.p != NULL)
		json_object_set_new_nocheck(j, "commonName",
					    json_stringn_nocheck(t->cn.p, t->cn.len));
	return j;
}

static void cert_write(vn_jw *w, const cert_text *t, int with_cn)
{
	size_t i;

	vn_jw_obj(w);
	for (i = 0; i < 6; i++) {
		const rstr *r = cert_member(t, i);
		vn_jw_key(w, cert_members[i].key);
		if (r->p != NULL)
			vn_jw_strn(w, r->p, r->len);
		else
			vn_jw_null(w);
	}
	if (with_cn && t->cn.p != NULL) {
		vn_jw_key(w, "commonName");
		vn_jw_strn(w, t->cn.p, t->cn.len);
	}
	vn_jw_obj_end(w);
}

/* The object cert_write writes for t, into out: 0 done, 1 out of memory. */
static int cert_render(const cert_text *t, int with_cn, rstr *out)
{
	vn_buf b;
	vn_jw w;
	int bad;

	vn_buf_init(&b, (size_t)1 << 20);
	vn_jw_init(&w, &b);
	cert_write(&w, t, with_cn);
	bad = w.err != VN_OK || rstr_set(out, (const char *)b.data, b.len) != 0;
	vn_buf_free(&b);
	return bad;
}

void vn_json_cert_write(vn_jw *w, X509 *x, int with_cn)
{
	const cert_text *t;

	if (x == NULL) {
		vn_jw_null(w);
		return;
	}
	if ((t = vn_cert_memo(x, &cert_text_kind)) != NULL) {
		const rstr *j = &t->json[with_cn && t->cn.p != NULL];
		vn_jw_raw(w, j->p, j->len);
		return;
	}
	/* out of memory: rendered for this call only */
	if ((t = cert_text_make(x)) == NULL) {
		if (w->err == VN_OK)
			w->err = VN_ERR_NOMEM;
		return;
	}
	cert_write(w, t, with_cn);
	cert_text_free((void *)t);
}

char *vn_json_cert_subject(X509 *x, size_t *len)
{
	const cert_text *t;
	cert_text *own = NULL;
	char *s = NULL;

	*len = 0;
	if (x == NULL)
		return NULL;
	if ((t = vn_cert_memo(x, &cert_text_kind)) == NULL)
		t = own = cert_text_make(x);
	if (t != NULL && t->subject.p != NULL && (s = malloc(t->subject.len + 1)) != NULL) {
		memcpy(s, t->subject.p, t->subject.len + 1);
		*len = t->subject.len;
	}
	cert_text_free(own);
	return s;
}

json_t *vn_json_cert(X509 *x)
{
	const cert_text *t;
	json_t *j;

	if (x == NULL)
		return json_null();
	if ((t = vn_cert_memo(x, &cert_text_kind)) != NULL)
		return cert_json(t, 0);
	/* out of memory: rendered for this call only */
	if ((t = cert_text_make(x)) == NULL)
		return NULL;
	j = cert_json(t, 0);
	cert_text_free((void *)t);
	return j;
}

json_t *vn_json_signer(X509 *x)
{
	const cert_text *t;
	json_t *j;

	if (x == NULL)
		return json_null();
	if ((t = vn_cert_memo(x, &cert_text_kind)) != NULL)
		return cert_json(t, 1);
	if ((t = cert_text_make(x)) == NULL)
		return NULL;
	j = cert_json(t, 1);
	cert_text_free((void *)t);
	return j;
}

json_t *vn_json_cert_der(const unsigned char *der, size_t n)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)n);
	json_t *j;

	if (x == NULL)
		return json_pack("{s:s}", "error", "not a parseable certificate");
	j = vn_json_cert(x);
	X509_free(x);
	return j;
}

static json_t *strs_json(const tl_strs *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < s->n; i++)
		json_array_append_new(a, json_string(s->v[i]));
	return a;
}

static json_t *sdi_json(const tl_sdi *s)
{
	json_t *certs = json_array(), *skis = json_array();
	size_t i;

	for (i = 0; i < s->ncerts; i++)
		json_array_append_new(certs, vn_json_cert_der(s->certs[i].p, s->certs[i].n));
	for (i = 0; i < s->nskis; i++) {
		char hex[129];
		size_t k, n = s->skis[i].n > 64 ? 64 : s->skis[i].n;
		for (k = 0; k < n; k++)
			snprintf(hex + 2 * k, 3, "%02x", s->skis[i].p[k]);
		hex[2 * n] = '\0';
		json_array_append_new(skis, json_string(hex));
	}
	return json_pack("{s:o, s:o, s:o}", "certificates", certs, "subjectNames",
			 strs_json(&s->subject_names), "skis", skis);
}

static json_t *criteria_json(const tl_criteria *c)
{
	static const char *const asserts[] = {"all", "atLeastOne", "none"};
	json_t *ku = json_array(), *ps = json_array(), *nested = json_array();
	size_t i;

	for (i = 0; i < c->nkey_usages; i++)
		json_array_append_new(ku, json_pack("{s:i, s:i}", "mask", (json_int_t)c->key_usages[i].mask,
						    "value", (json_int_t)c->key_usages[i].value));
	for (i = 0; i < c->npolicy_sets; i++)
		json_array_append_new(ps, strs_json(&c->policy_sets[i]));
	for (i = 0; i < c->nnested; i++)
		json_array_append_new(nested, criteria_json(&c->nested[i]));
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "assert", asserts[c->assert_],
			 "keyUsage", ku, "policySets", ps, "nested", nested, "extendedKeyUsages",
			 strs_json(&c->ekus), "subjectAttributes", strs_json(&c->subject_attrs),
			 "description", vn_json_strornull(c->description));
}

static json_t *entry_json(const tl_service_entry *e)
{
	json_t *q = json_array();
	size_t i;

	for (i = 0; i < e->nquals; i++)
		json_array_append_new(q, json_pack("{s:o, s:o}", "qualifiers",
						   strs_json(&e->quals[i].qualifiers), "criteria",
						   criteria_json(&e->quals[i].criteria)));
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b}",
			 "type", vn_json_strornull(e->type), "name", vn_json_strornull(e->name),
			 "status", vn_json_strornull(e->status), "start", vn_json_time(e->start),
			 "end", vn_json_time(e->end), "identity", sdi_json(&e->sdi),
			 "supplyPoints", strs_json(&e->supply_points),
			 "additionalServiceInformation", strs_json(&e->asi), "qualifications", q,
			 "expiredCertsRevocationInfo", vn_json_time(e->expired_certs_revocation_info),
			 "unknownCriticalExtension", e->unknown_critical);
}

static json_t *svctypes_json(const pol_svctype *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:o, s:o}", "type", vn_json_strornull(v[i].type),
						   "asi", vn_json_strornull(v[i].asi)));
	return a;
}

/* The parsed MRA block of a pointer (STANDARDS.md 3.2), or null. */
static json_t *mra_json(const char *xml)
{
	static const char *const ctxn[] = {"QcCompliance", "QcType", "QcQSCD", "other"};
	pol_mra *m = NULL;
	vn_findings f;
	json_t *eqs, *j;
	size_t i, k, q;

	vn_findings_init(&f);
	if (pol_mra_parse(xml, &m, &f) != VN_OK || m == NULL) {
		j = json_pack("{s:o}", "findings", vn_json_findings(&f));
		vn_findings_free(&f);
		return j;
	}
	eqs = json_array();
	for (i = 0; i < m->nequivs; i++) {
		const pol_mra_equiv *e = &m->equivs[i];
		json_t *per = json_array();
		for (k = 0; k < e->nperiods; k++) {
			const pol_mra_period *p = &e->periods[k];
			json_t *refs = json_array(), *qm = json_array();
			for (q = 0; q < p->nrefs; q++)
				json_array_append_new(refs, json_string(ctxn[p->refs[q].context]));
			for (q = 0; q < p->nqmap; q++)
				json_array_append_new(qm, json_pack("{s:s, s:s}", "pointed", p->qmap[q].from,
								    "pointing", p->qmap[q].to));
			json_array_append_new(
				per, json_pack("{s:s, s:o, s:o, s:o, s:o, s:{s:o, s:o}, s:{s:o, s:o}, s:o, s:o}",
					       "status", p->enacted ? "enacted" : "repealed", "start",
					       vn_json_time(p->start), "end", vn_json_time(p->end),
					       "pointedTypes", svctypes_json(p->pointed_types, p->npointed_types),
					       "pointingTypes",
					       svctypes_json(p->pointing_types, p->npointing_types),
					       "validStatuses", "pointed", strs_json(&p->valid_pointed),
					       "pointing", strs_json(&p->valid_pointing), "invalidStatuses",
					       "pointed", strs_json(&p->invalid_pointed), "pointing",
					       strs_json(&p->invalid_pointing), "certificateContent", refs,
					       "qualifiers", p->has_qmap ? qm : (json_decref(qm), json_null())));
		}
		json_array_append_new(eqs, json_pack("{s:o, s:o}", "legalIdentifier",
						     vn_json_strornull(e->legal_id), "periods", per));
	}
	j = json_pack("{s:o, s:o, s:I, s:I, s:I, s:o, s:o}", "pointingLegislation",
		      vn_json_strornull(m->pointing_legislation), "pointedLegislation",
		      vn_json_strornull(m->pointed_legislation), "technicalType",
		      (json_int_t)m->technical_type, "version", (json_int_t)m->version, "depth",
		      (json_int_t)m->depth, "equivalences", eqs, "findings", vn_json_findings(&f));
	pol_mra_free(m);
	vn_findings_free(&f);
	return j;
}

json_t *vn_json_list(const tl_list *l, int services)
{
	json_t *ptrs = json_array(), *j;
	size_t i, k, m;

	for (i = 0; i < l->npointers; i++) {
		const tl_pointer *p = &l->pointers[i];
		json_array_append_new(
			ptrs, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:b}", "location",
					vn_json_strornull(p->location), "tslType",
					vn_json_strornull(p->tsl_type), "territory",
					vn_json_strornull(p->territory), "mimeType",
					vn_json_strornull(p->mime_type), "operator",
					vn_json_strornull(p->operator_name), "identity",
					sdi_json(&p->sdi), "mra", p->mra_xml != NULL));
		if (p->mra_xml != NULL)
			json_object_set_new(json_array_get(ptrs, json_array_size(ptrs) - 1),
					    "mraEquivalence", mra_json(p->mra_xml));
	}
	j = json_pack("{s:i, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:i, s:i, s:o}",
		      "version", l->version, "sequenceNumber", (json_int_t)l->seq, "tslType",
		      vn_json_strornull(l->tsl_type), "territory", vn_json_strornull(l->territory),
		      "operator", vn_json_strornull(l->operator_name), "schemeName",
		      vn_json_strornull(l->scheme_name), "schemeInformationURIs",
		      strs_json(&l->scheme_info_uris), "issued", vn_json_time(l->issued),
		      "nextUpdate", vn_json_time(l->next_update), "closed", l->closed,
		      "distributionPoints", strs_json(&l->distribution_points), "pointers", ptrs,
		      "tsps", (int)l->ntsps, "services", (int)l->nservices_total, "findings",
		      vn_json_findings(&l->findings));
	if (j == NULL || !services)
		return j;
	{
		json_t *tsps = json_array();
		for (i = 0; i < l->ntsps; i++) {
			const tl_tsp *t = &l->tsps[i];
			json_t *svcs = json_array();
			for (k = 0; k < t->nservices; k++) {
				json_t *hist = json_array(), *cur;
				const tl_service *s = &t->services[k];
				for (m = 1; m < s->n; m++)
					json_array_append_new(hist, entry_json(&s->entries[m]));
				cur = entry_json(&s->entries[0]);
				json_object_set_new(cur, "history", hist);
				json_array_append_new(svcs, cur);
			}
			json_array_append_new(tsps, json_pack("{s:o, s:o, s:o}", "name",
							      vn_json_strornull(t->name), "tradeName",
							      vn_json_strornull(t->trade_name),
							      "services", svcs));
		}
		json_object_set_new(j, "trustServiceProviders", tsps);
	}
	return j;
}

void vn_json_print(json_t *v)
{
	if (v == NULL) {
		puts("null");
		return;
	}
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(v);
}
