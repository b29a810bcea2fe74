#include "node/v_report.h"
#include "node/v_input.h"

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

json_t *v_result_json(const v_result *r, const v_policy *p)
{
	json_t *ts = json_array(), *chain = json_array(), *trust, *j;
	size_t i;

	for (i = 0; i < r->ntimestamps; i++) {
		const v_ts_result *t = &r->timestamps[i];
		json_array_append_new(
			ts, json_pack("{s:s, s:s, s:o, s:o, s:s, s:b}", "kind",
				      t->kind == 1 ? "archive" : t->kind == 2 ? "content" : "signature",
				      "indication", vn_indication_name(t->indication), "subIndication",
				      vn_json_strornull(vn_subind_name(t->sub)), "genTime",
				      vn_json_time(t->gen_time), "tsa", t->tsa_name, "qualified",
				      t->qualified));
	}
	for (i = 0; r->chain != NULL && i < (size_t)sk_X509_num(r->chain); i++)
		json_array_append_new(chain, vn_json_cert(sk_X509_value(r->chain, (int)i)));
	if (r->trusted_by_list)
		trust = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "scheme", r->scheme, "territory",
				  r->territory, "tsp", r->tsp, "service", r->service, "serviceType",
				  r->service_type, "status", r->service_status);
	else
		trust = r->chain != NULL ? json_pack("{s:s}", "anchor", "bare") : json_null();
	if (r->trusted_by_list && r->mapped && trust != NULL) {
		/* the foreign values beside the mapped ones (STANDARDS.md 3.3:
		 * DSS's OriginalThirdCountryMapping) */
		json_t *o = json_pack("{s:s, s:s}", "serviceType", r->orig_service_type, "status",
				      r->orig_service_status);
		if (r->qc_mapped)
			json_object_set_new(o, "qcCClegislation", json_string(r->orig_qc_legislation));
		json_object_set_new(trust, "mapping", json_string(r->mapping));
		json_object_set_new(trust, "original", o);
		json_object_set_new(trust, "certificateMapped", json_boolean(r->qc_mapped));
	}
	j = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o}",
		      "id", r->id, "indication", vn_indication_name(r->indication), "subIndication",
		      vn_json_strornull(vn_subind_name(r->sub)), "qualification",
		      v_qual_name(r->qualification), "format", r->format, "process", r->process,
		      "signer", vn_json_signer(r->signer), "signingTime", vn_json_time(r->claimed_time),
		      "bestSignatureTime", vn_json_time(r->best_signature_time), "validationTime",
		      vn_json_time(r->validation_time), "trust", trust, "chain", chain,
		      "revocation",
		      json_pack("{s:s, s:s, s:o, s:o, s:o}", "status",
				rev_status_name(r->revocation.status), "source",
				rev_source_name(r->revocation.source), "revocationTime",
				vn_json_time(r->revocation.revocation_time), "thisUpdate",
				vn_json_time(r->revocation.this_update), "producedAt",
				vn_json_time(r->revocation.produced_at)),
		      "certificateQualification", r->cert_qualification, "timestamps", ts, "policy",
		      p ? json_pack("{s:s, s:s, s:o, s:o}", "id", p->id, "version", p->version,
				    "digest", p->digest ? json_string(p->digest) : json_null(),
				    "jurisdiction",
				    p->jurisdiction ? json_string(p->jurisdiction) : json_null())
			: json_null(),
		      "findings", vn_json_findings(&r->findings));
	if (j != NULL)
		json_object_set_new(j, "signaturePolicy",
				    r->sig_policy[0] ? json_string(r->sig_policy) : json_null());
	return j;
}

json_t *v_container_json(const struct v_container *c, vn_indication ind, vn_subind sub)
{
	json_t *files = json_array(), *sigs = json_array();
	size_t i, j, k;

	if (files == NULL || sigs == NULL) {
		json_decref(files);
		json_decref(sigs);
		return NULL;
	}
	for (i = 0; i < c->nfiles; i++) {
		json_t *by = json_array();
		for (j = 0; j < c->nsigs && by != NULL; j++)
			for (k = 0; k < c->sigs[j].ncovered; k++)
				if (strcmp(c->sigs[j].covered[k], c->files[i].name) == 0) {
					json_array_append_new(by, json_string(c->sigs[j].id));
					break;
				}
		json_array_append_new(files, json_pack("{s:s, s:I, s:o}", "name", c->files[i].name,
						       "size", (json_int_t)c->files[i].len,
						       "signedBy", by ? by : json_null()));
	}
	for (j = 0; j < c->nsigs; j++)
		json_array_append_new(sigs, json_pack("{s:s, s:s}", "id", c->sigs[j].id, "file",
						      c->sigfile != NULL ? c->sigfile[j] : ""));
	{
		json_t *cj = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "type",
				      c->type == V_ASIC_S ? "ASiC-S" : "ASiC-E", "mimetype", c->mimetype,
				      "indication", vn_indication_name(ind), "subIndication",
				      vn_json_strornull(vn_subind_name(sub)), "dataFiles", files,
				      "signatures", sigs, "findings", vn_json_findings(&c->findings));
		if (cj != NULL && c->tst_result != NULL)
			json_object_set_new(cj, "timestamp",
					    json_pack("{s:s, s:o, s:o, s:s, s:b}", "indication",
						      vn_indication_name(c->tst_result->indication),
						      "subIndication",
						      vn_json_strornull(vn_subind_name(c->tst_result->sub)),
						      "genTime", vn_json_time(c->tst_result->gen_time),
						      "tsa", c->tst_result->tsa_name,
						      "qualified", c->tst_result->qualified));
		return cj;
	}
}
