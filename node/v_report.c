#include "node/v_report.h"
#include "node/v_input.h"

#include <string.h>

#include "node/tl_json.h"

static const char *rev_status_name(v_rev_status s)
{
	switch (s) {
	case V_REV_GOOD:
		return "good";
	case V_REV_REVOKED:
		return "revoked";
	case V_REV_UNKNOWN:
		break;
	}
	return "unknown";
}

static const char *rev_source_name(v_rev_source s)
{
	static const char *const n[] = {"none", "embedded-ocsp", "embedded-crl", "online-ocsp",
					"online-crl", "cache"};

	return (unsigned)s < 6 ? n[s] : "none";
}

/* Findings as [{code, level, message}, ...]. */
static void findings_write(vn_jw *w, const vn_findings *f)
{
	size_t i;

	vn_jw_arr(w);
	for (i = 0; i < f->n; i++) {
		vn_jw_obj(w);
		vn_jw_kstr(w, "code", f->items[i].code);
		vn_jw_kstr(w, "level", vn_level_name(f->items[i].level));
		vn_jw_kstr(w, "message", f->items[i].message);
		vn_jw_obj_end(w);
	}
	vn_jw_arr_end(w);
}

/* The anchor the chain ends in: a list service (with the foreign values
 * beside the mapped ones, STANDARDS.md 3.3: DSS's
 * OriginalThirdCountryMapping), a bare anchor, or null without a chain. */
static void trust_write(vn_jw *w, const v_result *r)
{
	if (!r->trusted_by_list) {
		if (r->chain == NULL) {
			vn_jw_null(w);
			return;
		}
		vn_jw_obj(w);
		vn_jw_kstr(w, "anchor", "bare");
		vn_jw_obj_end(w);
		return;
	}
	vn_jw_obj(w);
	vn_jw_kstr(w, "scheme", r->scheme);
	vn_jw_kstr(w, "territory", r->territory);
	vn_jw_kstr(w, "tsp", r->tsp);
	vn_jw_kstr(w, "service", r->service);
	vn_jw_kstr(w, "serviceType", r->service_type);
	vn_jw_kstr(w, "status", r->service_status);
	if (r->mapped) {
		vn_jw_kstr(w, "mapping", r->mapping);
		vn_jw_key(w, "original");
		vn_jw_obj(w);
		vn_jw_kstr(w, "serviceType", r->orig_service_type);
		vn_jw_kstr(w, "status", r->orig_service_status);
		if (r->qc_mapped)
			vn_jw_kstr(w, "qcCClegislation", r->orig_qc_legislation);
		vn_jw_obj_end(w);
		vn_jw_kbool(w, "certificateMapped", r->qc_mapped);
	}
	vn_jw_obj_end(w);
}

static void timestamp_write(vn_jw *w, const v_ts_result *t, int with_kind)
{
	vn_jw_obj(w);
	if (with_kind)
		vn_jw_kstr(w, "kind", t->kind == 1 ? "archive" : t->kind == 2 ? "content" : "signature");
	vn_jw_kstr(w, "indication", vn_indication_name(t->indication));
	vn_jw_kstr_or_null(w, "subIndication", vn_subind_name(t->sub));
	vn_jw_ktime(w, "genTime", t->gen_time);
	vn_jw_kstr(w, "tsa", t->tsa_name);
	vn_jw_kbool(w, "qualified", t->qualified);
	vn_jw_obj_end(w);
}

void v_result_write(vn_jw *w, const v_result *r, const v_policy *p)
{
	size_t i;

	vn_jw_obj(w);
	vn_jw_kstr(w, "id", r->id);
	vn_jw_kstr(w, "indication", vn_indication_name(r->indication));
	vn_jw_kstr_or_null(w, "subIndication", vn_subind_name(r->sub));
	vn_jw_kstr(w, "qualification", v_qual_name(r->qualification));
	vn_jw_kstr(w, "format", r->format);
	vn_jw_kstr(w, "process", r->process);
	vn_jw_key(w, "signer");
	vn_json_cert_write(w, r->signer, 1);
	vn_jw_ktime(w, "signingTime", r->claimed_time);
	vn_jw_ktime(w, "bestSignatureTime", r->best_signature_time);
	vn_jw_ktime(w, "validationTime", r->validation_time);
	vn_jw_key(w, "trust");
	trust_write(w, r);
	vn_jw_key(w, "chain");
	vn_jw_arr(w);
	for (i = 0; r->chain != NULL && i < (size_t)sk_X509_num(r->chain); i++)
		vn_json_cert_write(w, sk_X509_value(r->chain, (int)i), 0);
	vn_jw_arr_end(w);
	vn_jw_key(w, "revocation");
	vn_jw_obj(w);
	vn_jw_kstr(w, "status", rev_status_name(r->revocation.status));
	vn_jw_kstr(w, "source", rev_source_name(r->revocation.source));
	vn_jw_ktime(w, "revocationTime", r->revocation.revocation_time);
	vn_jw_ktime(w, "thisUpdate", r->revocation.this_update);
	vn_jw_ktime(w, "producedAt", r->revocation.produced_at);
	vn_jw_obj_end(w);
	vn_jw_kstr(w, "certificateQualification", r->cert_qualification);
	vn_jw_key(w, "timestamps");
	vn_jw_arr(w);
	for (i = 0; i < r->ntimestamps; i++)
		timestamp_write(w, &r->timestamps[i], 1);
	vn_jw_arr_end(w);
	vn_jw_key(w, "policy");
	if (p != NULL) {
		vn_jw_obj(w);
		vn_jw_kstr(w, "id", p->id);
		vn_jw_kstr(w, "version", p->version);
		vn_jw_kstr_or_null(w, "digest", p->digest);
		vn_jw_kstr_or_null(w, "jurisdiction", p->jurisdiction);
		vn_jw_obj_end(w);
	} else {
		vn_jw_null(w);
	}
	vn_jw_key(w, "findings");
	findings_write(w, &r->findings);
	vn_jw_kstr_or_null(w, "signaturePolicy", r->sig_policy[0] ? r->sig_policy : NULL);
	vn_jw_obj_end(w);
}

size_t v_result_json_size(const v_result *r)
{
	/* The fixed members with their longest values, a certificate's six
	 * (two RFC 2253 names, about 400 bytes in the corpus), each
	 * timestamp's, and the findings' own texts: enough for the whole
	 * object in one allocation in the usual case, never a cap. */
	size_t n = 2048, i;

	n += 512 * (1 + (r->chain != NULL ? (size_t)sk_X509_num(r->chain) : 0));
	n += 384 * r->ntimestamps;
	for (i = 0; i < r->findings.n; i++)
		n += 48 + strlen(r->findings.items[i].code) + strlen(r->findings.items[i].message);
	return n;
}

void v_container_write(vn_jw *w, const struct v_container *c, vn_indication ind, vn_subind sub)
{
	size_t i, j, k;

	vn_jw_obj(w);
	vn_jw_kstr(w, "type", c->type == V_ASIC_S ? "ASiC-S" : "ASiC-E");
	vn_jw_kstr(w, "mimetype", c->mimetype);
	vn_jw_kstr(w, "indication", vn_indication_name(ind));
	vn_jw_kstr_or_null(w, "subIndication", vn_subind_name(sub));
	vn_jw_key(w, "dataFiles");
	vn_jw_arr(w);
	for (i = 0; i < c->nfiles; i++) {
		vn_jw_obj(w);
		vn_jw_kstr(w, "name", c->files[i].name);
		vn_jw_kint(w, "size", (json_int_t)c->files[i].len);
		/* the ids of the signatures that cover the file */
		vn_jw_key(w, "signedBy");
		vn_jw_arr(w);
		for (j = 0; j < c->nsigs; j++)
			for (k = 0; k < c->sigs[j].ncovered; k++)
				if (strcmp(c->sigs[j].covered[k], c->files[i].name) == 0) {
					vn_jw_str(w, c->sigs[j].id);
					break;
				}
		vn_jw_arr_end(w);
		vn_jw_obj_end(w);
	}
	vn_jw_arr_end(w);
	vn_jw_key(w, "signatures");
	vn_jw_arr(w);
	for (j = 0; j < c->nsigs; j++) {
		vn_jw_obj(w);
		vn_jw_kstr(w, "id", c->sigs[j].id);
		vn_jw_kstr(w, "file", c->sigfile != NULL ? c->sigfile[j] : "");
		vn_jw_obj_end(w);
	}
	vn_jw_arr_end(w);
	vn_jw_key(w, "findings");
	findings_write(w, &c->findings);
	if (c->tst_result != NULL) {
		vn_jw_key(w, "timestamp");
		timestamp_write(w, c->tst_result, 0);
	}
	vn_jw_obj_end(w);
}

void v_report_write(vn_jw *w, const v_result *r, size_t n, const v_policy *p,
		    void (*container)(vn_jw *w, const void *arg), const void *arg)
{
	int wrap = container != NULL || n != 1;

	if (wrap) {
		vn_jw_obj(w);
		if (container != NULL) {
			vn_jw_key(w, "container");
			container(w, arg);
		}
		vn_jw_key(w, "signatures");
		vn_jw_arr(w);
	}
	for (size_t i = 0; i < n; i++)
		v_result_write(w, &r[i], p);
	if (wrap) {
		vn_jw_arr_end(w);
		vn_jw_obj_end(w);
	}
}
