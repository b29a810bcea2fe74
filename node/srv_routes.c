/* The handlers of `valnode serve`: trust lists, policies, node identity,
 * health, metrics, and the two validation bindings (the node's own
 * POST /v1/validate and the ETSI TS 119 442 POST /v1/verify). */
#include "node/srv.h"

#include <libxml/tree.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/vn_b64.h"
#include "common/vn_jsonw.h"
#include "node/tl_json.h"
#include "node/srv_policy.h"
#include "node/v_format.h"
#include "node/v_input.h"
#include "node/v_report.h"
#include "node/v_rev.h"
#include "node/v_sigmemo.h"
#include "node/v_tscache.h"
#include "node/v_validate.h"

#define PROFILE_119442 "http://uri.etsi.org/19442/v1.1.1/validationprofile#"
#define MAJ_SUCCESS "urn:oasis:names:tc:dss:1.0:resultmajor:Success"

static json_t *time_or_null(vn_time t)
{
	char b[VN_TIME_BUFSZ];

	return t == VN_TIME_NONE ? json_null() : json_string(vn_time_format(t, b));
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The policy named id when this node offers it. */
static const srv_policy_info *offered_policy(const srv_settings *st, const char *id, v_policy *p)
{
	const srv_policy_info *pi = srv_policy_find(id, p);
	size_t i;

	if (pi == NULL)
		return NULL;
	for (i = 0; i < st->conf.npolicies; i++)
		if (strcmp(st->conf.policies[i], pi->id) == 0)
			return pi;
	return NULL;
}

static json_t *list_json(const srv_list_info *l)
{
	json_t *j = json_object();
	char seq[24];

	snprintf(seq, sizeof seq, "%llu", (unsigned long long)l->seq);
	json_object_set_new(j, "url", json_string(l->url));
	json_object_set_new(j, "scheme", json_string(l->scheme));
	json_object_set_new(j, "kind", json_string(tl_kind_name(l->kind)));
	json_object_set_new(j, "territory", str_or_null(l->territory));
	/* TSLSequenceNumber is unbounded (TS 119 612 5.3.2): an integer
	 * while it fits, as tl walk --json prints it. */
	json_object_set_new(j, "sequenceNumber", l->seq ? json_integer((json_int_t)l->seq) : json_null());
	json_object_set_new(j, "issued", time_or_null(l->issued));
	json_object_set_new(j, "nextUpdate", time_or_null(l->next_update));
	json_object_set_new(j, "state", json_string(tl_state_name(l->state)));
	json_object_set_new(j, "update", json_string(tl_update_name(l->update)));
	json_object_set_new(j, "services", json_integer((json_int_t)l->services));
	json_object_set_new(j, "fromCache", json_boolean(l->from_cache));
	json_object_set_new(j, "lastFetch", time_or_null(l->last_fetch));
	json_object_set_new(j, "lastError", str_or_null(l->last_error));
	return j;
}

static void get_trustlists(srv *s, const char *territory, const char *rid, srv_reply *out)
{
	srv_view *v = srv_trust_acquire(s->trust);
	json_t *arr = json_array(), *j;
	size_t i;

	for (i = 0; i < v->n; i++)
		if (territory == NULL ||
		    (v->lists[i].territory && strcasecmp(v->lists[i].territory, territory) == 0))
			json_array_append_new(arr, list_json(&v->lists[i]));
	if (territory != NULL && json_array_size(arr) == 0) {
		char d[96];
		json_decref(arr);
		snprintf(d, sizeof d, "no list of territory %s among the node's schemes", territory);
		srv_problem(out, 404, "unknown-territory", "Unknown territory", d, rid);
		srv_view_release(v);
		return;
	}
	j = json_object();
	if (territory != NULL)
		json_object_set_new(j, "territory", json_string(territory));
	json_object_set_new(j, "generation", json_integer((json_int_t)v->generation));
	json_object_set_new(j, "builtAt", time_or_null(v->built_at));
	json_object_set_new(j, "attemptedAt", time_or_null(v->attempted_at));
	json_object_set_new(j, "error", str_or_null(v->error));
	json_object_set_new(j, "lists", arr);
	srv_view_release(v);
	srv_json_reply(out, 200, j);
}

static void get_node(srv *s, srv_settings *st, srv_reply *out)
{
	char b64[64], x[64];
	json_t *pols = json_array(), *j;
	size_t i;

	sodium_bin2base64(b64, sizeof b64, s->key.pk, sizeof s->key.pk, sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(x, sizeof x, s->key.pk, sizeof s->key.pk,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	for (i = 0; i < st->conf.npolicies; i++)
		json_array_append_new(pols, json_string(st->conf.policies[i]));
	j = json_pack("{s:s, s:s, s:[s,s,s], s:o, s:{s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s}}, "
		      "s:{s:s, s:[s,s,s], s:s}}",
		      "id", st->conf.id ? st->conf.id : s->key.keyid, "version", VN_VERSION,
		      "formats", "raw-mobile-id", "cms", "cades",
		      "policies", pols,
		      "publicKey", "alg", "ed25519", "keyid", s->key.keyid, "value", b64, "jwk",
		      "kty", "OKP", "crv", "Ed25519", "x", x, "kid", s->key.keyid,
		      "responseSignature", "label", "sig1", "components", "@status", "content-digest",
		      "content-type", "digest", "sha-256");
	srv_json_reply(out, 200, j);
}

static void get_readyz(srv *s, srv_settings *st, srv_reply *out)
{
	srv_view *v = srv_trust_acquire(s->trust);
	vn_time now = vn_time_now();
	const char *reason = NULL;
	json_t *j;

	/* Ready only with a snapshot, built recently enough to be trusted
	 * for answers (the [refresh] max-age). */
	if (v->snap == NULL)
		reason = v->error ? v->error : "no trust snapshot loaded yet";
	else if (now - v->built_at > (vn_time)st->conf.max_age)
		reason = "the trust snapshot is older than the configured max-age";
	j = json_pack("{s:b, s:o, s:I, s:o}", "ready", reason == NULL, "builtAt",
		      time_or_null(v->built_at), "generation", (json_int_t)v->generation, "reason",
		      str_or_null(reason));
	srv_view_release(v);
	srv_json_reply(out, reason ? 503 : 200, j);
	if (reason)
		out->retry_after = 5;
}

static void get_metrics(srv *s, srv_reply *out)
{
	srv_view *v = srv_trust_acquire(s->trust);
	srv_trust_stats ts;
	srv_memo_stats ms = {0, 0, 0, 0};
	vn_buf b;

	srv_trust_stats_get(s->trust, &ts);
	if (s->tscache != NULL)
		v_tscache_stats(s->tscache, &ms.ts_hits, &ms.ts_misses);
	v_sigmemo_stats(s->sigmemo, &ms.sig_hits, &ms.sig_misses);
	vn_buf_init(&b, (size_t)8 << 20);
	if (srv_metrics_render(&s->metrics, v, &ts, &ms, vn_time_now(), &b) != VN_OK) {
		vn_buf_free(&b);
		srv_view_release(v);
		srv_problem(out, 500, "internal", "Internal error", "the metrics could not be written", "-");
		return;
	}
	srv_view_release(v);
	out->status = 200;
	out->ctype = "text/plain; version=0.0.4; charset=utf-8";
	out->body = (char *)vn_buf_steal(&b, &out->len);
	vn_buf_free(&b);
}

void srv_handle_get(srv *s, srv_settings *st, srv_route r, const char *arg,
		    const char *rid, srv_reply *out)
{
	size_t i;
	v_policy p;

	snprintf(out->verdict, sizeof out->verdict, "-");
	switch (r) {
	case SRV_R_TRUSTLISTS:
		get_trustlists(s, NULL, rid, out);
		break;
	case SRV_R_TRUSTLIST:
		get_trustlists(s, arg ? arg : "", rid, out);
		break;
	case SRV_R_POLICIES: {
		json_t *a = json_array();
		for (i = 0; i < st->conf.npolicies; i++) {
			const srv_policy_info *pi = srv_policy_find(st->conf.policies[i], &p);
			if (pi != NULL)
				json_array_append_new(a, srv_policy_json(pi, 0));
		}
		srv_json_reply(out, 200, json_pack("{s:o}", "policies", a));
		break;
	}
	case SRV_R_POLICY: {
		const srv_policy_info *pi = offered_policy(st, arg ? arg : "-", &p);
		if (pi == NULL || arg == NULL) {
			char d[200];
			snprintf(d, sizeof d, "no policy '%.128s' on this node (GET /v1/policies lists them)",
				 arg ? arg : "");
			srv_problem(out, 404, "unknown-policy", "Unknown policy", d, rid);
		} else {
			srv_json_reply(out, 200, srv_policy_json(pi, 1));
		}
		break;
	}
	case SRV_R_NODE:
		get_node(s, st, out);
		break;
	case SRV_R_HEALTHZ:
		srv_json_reply(out, 200, json_pack("{s:s}", "status", "ok"));
		break;
	case SRV_R_READYZ:
		get_readyz(s, st, out);
		break;
	case SRV_R_METRICS:
		get_metrics(s, out);
		break;
	default:
		srv_problem(out, 404, "not-found", "Not found", "no such resource", rid);
		break;
	}
}

/* ---- validation ------------------------------------------------------------ */

static const char *ind_uri(vn_indication i)
{
	return i == VN_IND_TOTAL_PASSED   ? "urn:etsi:019102:mainindication:total-passed"
	       : i == VN_IND_TOTAL_FAILED ? "urn:etsi:019102:mainindication:total-failed"
					  : "urn:etsi:019102:mainindication:indeterminate";
}

static vn_indication worse(vn_indication a, vn_indication b)
{
	if (a == VN_IND_TOTAL_FAILED || b == VN_IND_TOTAL_FAILED)
		return VN_IND_TOTAL_FAILED;
	if (a == VN_IND_INDETERMINATE || b == VN_IND_INDETERMINATE)
		return VN_IND_INDETERMINATE;
	return VN_IND_TOTAL_PASSED;
}

/* The TS 119 442 VerifyResponse (STANDARDS.md 6.1, 6.2): maj Success means
 * "processed"; min carries the TS 119 102-2 main indication URI. The first
 * signature's claimed signing time and signer subject, when it has them. */
static void verify_write(vn_jw *w, const srv_request *req, const char *rid, const v_result *res,
			 size_t n, vn_indication worst, const srv_policy_info *pi, vn_time at,
			 const char *xml_b64)
{
	char msg[128], *subject;
	const char *bucket = worst == VN_IND_TOTAL_PASSED   ? "valid"
			     : worst == VN_IND_TOTAL_FAILED ? "invalid"
							    : "indeterminate";
	size_t i, slen = 0;

	snprintf(msg, sizeof msg, "%zu signature%s validated: %s", n, n == 1 ? "" : "s",
		 vn_indication_name(worst));
	vn_jw_obj(w);
	vn_jw_key(w, "result");
	vn_jw_obj(w);
	vn_jw_kstr(w, "maj", MAJ_SUCCESS);
	vn_jw_kstr(w, "min", ind_uri(worst));
	vn_jw_key(w, "msg");
	vn_jw_obj(w);
	vn_jw_kstr(w, "value", msg);
	vn_jw_kstr(w, "lang", "en");
	vn_jw_obj_end(w);
	vn_jw_obj_end(w);
	vn_jw_key(w, "profile");
	vn_jw_arr(w);
	vn_jw_str(w, PROFILE_119442);
	vn_jw_arr_end(w);
	vn_jw_kstr_or_null(w, "reqID", req->req_id);
	vn_jw_kstr(w, "respID", rid);
	vn_jw_key(w, "optOutp");
	vn_jw_obj(w);
	vn_jw_key(w, "verificationTimeInfo");
	vn_jw_obj(w);
	vn_jw_ktime(w, "verificationTime", at);
	vn_jw_obj_end(w);
	if (n > 0 && res[0].claimed_time != VN_TIME_NONE) {
		vn_jw_key(w, "signingTimeInfo");
		vn_jw_obj(w);
		vn_jw_ktime(w, "signingTime", res[0].claimed_time);
		vn_jw_obj_end(w);
	}
	if (n > 0 && (subject = vn_json_cert_subject(res[0].signer, &slen)) != NULL) {
		vn_jw_key(w, "signerIdentity");
		vn_jw_obj(w);
		vn_jw_key(w, "value");
		vn_jw_strn(w, subject, slen);
		vn_jw_obj_end(w);
		free(subject);
	}
	vn_jw_key(w, "procDetails");
	vn_jw_obj(w);
	vn_jw_key(w, bucket);
	vn_jw_arr(w);
	for (i = 0; i < n; i++) {
		const char *sub = res[i].sub ? vn_subind_name(res[i].sub) : NULL;
		char t[128];
		if (sub != NULL)
			snprintf(t, sizeof t, "urn:etsi:019102:subindication:%s", sub);
		else
			snprintf(t, sizeof t, "%s", ind_uri(res[i].indication));
		vn_jw_obj(w);
		vn_jw_kstr(w, "type", t);
		vn_jw_kstr(w, "code", res[i].id);
		vn_jw_obj_end(w);
	}
	vn_jw_arr_end(w);
	vn_jw_obj_end(w);
	vn_jw_kstr(w, "appliedSigValPolicy", pi->uri);
	vn_jw_key(w, "validationReport");
	vn_jw_obj(w);
	vn_jw_kstr(w, "etsiTS11910202XMLReport", xml_b64);
	vn_jw_kbool(w, "isSigned", 0);
	vn_jw_obj_end(w);
	vn_jw_obj_end(w);
	vn_jw_obj_end(w);
}

/* The node's own answer: the worst indication, the reports when asked
 * for (DESIGN.md), the policy, the time, the trust generation. */
static void validate_write(vn_jw *w, const srv_request *req, const v_result *res, size_t n,
			   const v_policy *pol, const v_container *c, vn_indication cind,
			   vn_subind csub, vn_indication worst, const srv_policy_info *pi, vn_time at,
			   const srv_view *view, const char *xml_b64)
{
	size_t i;

	vn_jw_obj(w);
	vn_jw_kstr(w, "indication", vn_indication_name(worst));
	if (req->want_json) {
		vn_jw_key(w, "signatures");
		vn_jw_arr(w);
		for (i = 0; i < n; i++)
			v_result_write(w, &res[i], pol);
		vn_jw_arr_end(w);
		if (c != NULL) {
			vn_jw_key(w, "container");
			v_container_write(w, c, cind, csub);
		}
	}
	vn_jw_key(w, "policy");
	vn_jw_obj(w);
	vn_jw_kstr(w, "id", pi->id);
	vn_jw_kstr(w, "uri", pi->uri);
	vn_jw_kstr(w, "version", pi->version);
	vn_jw_obj_end(w);
	vn_jw_ktime(w, "validationTime", at);
	vn_jw_key(w, "trust");
	vn_jw_obj(w);
	vn_jw_kint(w, "generation", (json_int_t)view->generation);
	vn_jw_ktime(w, "builtAt", view->built_at);
	vn_jw_obj_end(w);
	if (xml_b64 != NULL) {
		vn_jw_key(w, "reports");
		vn_jw_obj(w);
		vn_jw_kstr(w, "etsi-xml", xml_b64);
		vn_jw_obj_end(w);
	}
	vn_jw_obj_end(w);
}

void srv_handle_validate(srv *s, srv_settings *st, srv_req_kind kind, const char *body, size_t n,
			 const char *rid, double deadline, srv_reply *out)
{
	srv_request req;
	const srv_policy_info *pi;
	v_policy pol;
	v_parsed parsed;
	v_sigobj *sigs = NULL;	/* parsed's */
	size_t nsigs = 0, nres = 0, i;
	v_result *res = NULL;
	srv_view *view = NULL;
	vn_buf ans;
	vn_jw w;
	char why[512] = "", *xml_b64 = NULL;
	vn_indication worst = VN_IND_TOTAL_PASSED;
	vn_indication cind = VN_IND_TOTAL_PASSED;	/* a container's own verdict */
	vn_subind csub = VN_SUB_NONE;
	vn_time at;
	int status = 0;
	vn_err e;

	snprintf(out->verdict, sizeof out->verdict, "-");
	v_parsed_init(&parsed);
	vn_buf_init(&ans, VN_JSONW_MAX_OUT);
	e = srv_req_parse(kind, body, n, st->conf.max_json_depth, st->conf.max_body, &req, &status,
			  why, sizeof why);
	if (e != VN_OK) {
		srv_problem(out, (unsigned)status,
			    status == 400   ? "malformed-request"
			    : status == 413 ? "too-large"
			    : status == 422 ? "unprocessable-request"
					    : "internal",
			    status == 400   ? "Malformed request"
			    : status == 413 ? "Content too large"
			    : status == 422 ? "Unprocessable request"
					    : "Internal error",
			    why, rid);
		return;
	}
	pi = offered_policy(st, req.policy, &pol);
	if (pi == NULL) {
		snprintf(why, sizeof why, "no policy '%.128s' on this node (GET /v1/policies lists them)",
			 req.policy);
		srv_problem(out, 422, "unknown-policy", "Unknown policy", why, rid);
		goto out;
	}
	if (st->offline)
		pol.online_revocation = 0;
	/* Online revocation must fit in the request's time budget. */
	if (pol.revocation_timeout_ms > (long)st->conf.request_time * 1000 / 2)
		pol.revocation_timeout_ms = (long)st->conf.request_time * 1000 / 2;
	if (req.raw_json != NULL) {
		/* A raw Mobile-ID object arrives parsed with the request: it is
		 * checked from that tree, not printed and parsed again. */
		if (req.doc != NULL || req.digest_len > 0) {
			srv_problem(out, 422, "unprocessable-request", "Unprocessable request",
				    "a raw Mobile-ID signature carries its own hash or data: no "
				    "documents or digests", rid);
			goto out;
		}
		parsed.kind = V_INPUT_RAW_JSON;
		parsed.sigs = calloc(1, sizeof *parsed.sigs);
		if (parsed.sigs == NULL)
			goto nomem;
		v_sigobj_init(parsed.sigs);
		parsed.nsigs = 1;
		e = v_raw_parse_json(req.raw_json, parsed.sigs, why, sizeof why);
		sigs = parsed.sigs;
		nsigs = parsed.nsigs;
	} else if (req.raw) {
		srv_problem(out, 422, "not-a-signature", "Not a signature",
			    "raw is not a raw Mobile-ID signature object", rid);
		goto out;
	} else {
		v_data d = {req.doc, req.doclen, NULL, NULL, 0, req.doc_name[0] ? req.doc_name : NULL};
		if (req.doc == NULL && req.digest_len > 0) {
			d.digest_alg = req.digest_alg;
			d.digest = req.digest;
			d.digest_len = req.digest_len;
		}
		e = v_input_parse(req.sig, req.siglen, req.doc || req.digest_len ? &d : NULL, &parsed,
				  why, sizeof why);
		sigs = parsed.sigs;
		nsigs = parsed.nsigs;
	}
	if (e == VN_ERR_ARG) {
		srv_problem(out, 422, "unprocessable-request", "Unprocessable request", why, rid);
		goto out;
	}
	if (e == VN_ERR_NOMEM)
		goto nomem;
	if (e != VN_OK) {
		srv_problem(out, 422, "not-a-signature", "Not a signature",
			    why[0] ? why : "the signature could not be read", rid);
		goto out;
	}
	view = srv_trust_acquire(s->trust);
	if (view->snap == NULL) {
		srv_problem(out, 503, "not-ready", "Not ready",
			    "no trust snapshot is loaded yet: see GET /readyz", rid);
		out->retry_after = 5;
		goto out;
	}
	res = calloc(nsigs ? nsigs : 1, sizeof *res);
	if (res == NULL)
		goto nomem;
	at = req.at == VN_TIME_NONE ? vn_time_now() : req.at;
	{
		v_trust trust = {view->snap, NULL};
		v_ctx ctx;

		memset(&ctx, 0, sizeof ctx);
		ctx.trust = &trust;
		ctx.policy = &pol;
		ctx.revcache = s->revcache;
		ctx.tscache = s->tscache;
		ctx.sigmemo = s->sigmemo;
		ctx.ocsp_ca_file = st->ca_file;
		for (i = 0; i < nsigs; i++) {
			/* The time budget is checked between signatures: a
			 * validation in progress is bounded by its own
			 * timeouts (revocation, above). */
			if (srv_monotonic() > deadline) {
				snprintf(why, sizeof why, "the time budget of %u s per request ran out "
							  "after %zu of %zu signatures",
					 st->conf.request_time, i, nsigs);
				srv_problem(out, 503, "time-budget", "Time budget exceeded", why, rid);
				goto out;
			}
			v_result_init(&res[i]);
			nres++;
			e = v_validate(&ctx, &sigs[i], at, &res[i]);
			if (e != VN_OK) {
				snprintf(why, sizeof why, "the validation could not run: %s", vn_err_str(e));
				srv_problem(out, 500, "internal", "Internal error", why, rid);
				goto out;
			}
			worst = worse(worst, res[i].indication);
			srv_metrics_validation(&s->metrics, res[i].indication);
			if (res[i].revocation.source == V_REVSRC_CACHE)
				atomic_fetch_add(&s->metrics.rev_hits, 1);
			else if (res[i].revocation.source == V_REVSRC_ONLINE_OCSP ||
				 res[i].revocation.source == V_REVSRC_ONLINE_CRL)
				atomic_fetch_add(&s->metrics.rev_misses, 1);
		}
		if (parsed.container != NULL) {
			/* The container's own verdict counts too: every data file
			 * must be covered by every signature; an ASiC-S timestamp
			 * token is validated here. */
			if (v_container_timestamp(&ctx, parsed.container, at) != VN_OK)
				goto nomem;
			v_container_verdict(parsed.container, res, nres, &cind, &csub);
			worst = worse(worst, cind);
		}
	}
	if (req.want_xml) {
		unsigned char *doc = NULL;
		size_t dlen = 0;
		if (v_result_xml(res, nres, &pol, &doc, &dlen) != VN_OK) {
			srv_problem(out, 500, "internal", "Internal error",
				    "the TS 119 102-2 report could not be written", rid);
			goto out;
		}
		e = vn_b64_encode(doc, dlen, &xml_b64);
		xmlFree(doc);
		if (e != VN_OK)
			goto nomem;
	}
	{
		/* The answer is written straight into one buffer sized for it:
		 * the per-signature reports only when they are answered (a
		 * client asking for the verdict alone, "reports": [], does not
		 * pay for them). */
		size_t size = 1024 + (xml_b64 != NULL ? strlen(xml_b64) : 0);
		if (req.want_json && kind != SRV_REQ_VERIFY)
			for (i = 0; i < nres; i++)
				size += v_result_json_size(&res[i]);
		if (vn_buf_reserve(&ans, size) != VN_OK)
			goto nomem;
	}
	vn_jw_init(&w, &ans);
	if (kind == SRV_REQ_VERIFY)
		verify_write(&w, &req, rid, res, nres, worst, pi, at, xml_b64 ? xml_b64 : "");
	else
		validate_write(&w, &req, res, nres, &pol, parsed.container, cind, csub, worst, pi, at,
			       view, xml_b64);
	if ((e = vn_jw_done(&w)) != VN_OK) {
		snprintf(why, sizeof why, "the report could not be written: %s", vn_err_str(e));
		srv_problem(out, 500, "internal", "Internal error", why, rid);
		goto out;
	}
	srv_buf_reply(out, 200, &ans);
	if (out->status == 200)
		snprintf(out->verdict, sizeof out->verdict, "%s", vn_indication_name(worst));
	goto out;
nomem:
	srv_problem(out, 500, "internal", "Internal error", "out of memory", rid);
out:
	vn_buf_free(&ans);
	free(xml_b64);
	for (i = 0; i < nres; i++)
		v_result_free(&res[i]);
	free(res);
	v_parsed_free(&parsed);
	srv_view_release(view);
	srv_request_free(&req);
}
