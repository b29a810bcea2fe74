#include "node/srv_req.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/vn_b64.h"
#include "common/vn_json.h"

void srv_request_init(srv_request *r)
{
	memset(r, 0, sizeof *r);
	r->at = VN_TIME_NONE;
}

void srv_request_free(srv_request *r)
{
	if (r == NULL)
		return;
	free(r->sig);
	free(r->doc);
	free(r->req_id);
	json_decref(r->raw_json);
	srv_request_init(r);
}

size_t srv_json_depth(const char *p, size_t n, size_t max)
{
	size_t i, d = 0, deepest = 0;
	int instr = 0;

	for (i = 0; i < n; i++) {
		char c = p[i];
		if (instr) {
			if (c == '\\')
				i++;
			else if (c == '"')
				instr = 0;
			continue;
		}
		if (c == '"') {
			instr = 1;
		} else if (c == '{' || c == '[') {
			if (++d > deepest) {
				deepest = d;
				if (deepest > max)
					return deepest;
			}
		} else if ((c == '}' || c == ']') && d > 0) {
			d--;
		}
	}
	return deepest;
}

const char *srv_digest_alg(const char *name)
{
	static const struct {
		const char *in, *out;
	} map[] = {
		{"SHA-256", "SHA-256"},
		{"SHA256", "SHA-256"},
		{"http://www.w3.org/2001/04/xmlenc#sha256", "SHA-256"},
		{"SHA-384", "SHA-384"},
		{"SHA384", "SHA-384"},
		{"http://www.w3.org/2001/04/xmldsig-more#sha384", "SHA-384"},
		{"SHA-512", "SHA-512"},
		{"SHA512", "SHA-512"},
		{"http://www.w3.org/2001/04/xmlenc#sha512", "SHA-512"},
	};
	size_t i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(name, map[i].in) == 0)
			return map[i].out;
	return NULL;
}

static size_t digest_size(const char *alg)
{
	return strcmp(alg, "SHA-256") == 0 ? 32 : strcmp(alg, "SHA-384") == 0 ? 48 : 64;
}

typedef struct pctx {
	int *status;
	char *why;
	size_t whylen;
	size_t max_item;
} pctx;

static vn_err bad(pctx *c, int status, const char *fmt, ...) VN_PRINTF(3, 4);

static vn_err bad(pctx *c, int status, const char *fmt, ...)
{
	va_list ap;

	*c->status = status;
	if (c->why != NULL && c->whylen > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(c->why, c->whylen, fmt, ap);
		va_end(ap);
	}
	return VN_ERR_MALFORMED;
}

/* A base64 member into a new buffer. */
static vn_err b64_member(pctx *c, json_t *v, const char *what, unsigned char **out, size_t *len)
{
	vn_err e;

	if (!json_is_string(v))
		return bad(c, 422, "%s must be a base64 string", what);
	e = vn_b64_decode(json_string_value(v), json_string_length(v), c->max_item, out, len);
	if (e == VN_ERR_TOO_LARGE)
		return bad(c, 413, "%s is over the size limit", what);
	if (e != VN_OK)
		return bad(c, 422, "%s is not valid base64", what);
	if (*len == 0) {
		free(*out);
		*out = NULL;
		return bad(c, 422, "%s is empty", what);
	}
	return VN_OK;
}

static vn_err str_member(pctx *c, json_t *v, const char *what, char *out, size_t outlen)
{
	if (!json_is_string(v))
		return bad(c, 422, "%s must be a string", what);
	if (json_string_length(v) >= outlen)
		return bad(c, 422, "%s is longer than %zu characters", what, outlen - 1);
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return VN_OK;
}

static vn_err time_member(pctx *c, json_t *v, const char *what, vn_time *at)
{
	if (!json_is_string(v) || vn_time_parse(json_string_value(v), VN_TIME_RFC3339, at) != VN_OK)
		return bad(c, 422, "%s must be an RFC 3339 time such as 2026-05-02T10:00:00Z", what);
	return VN_OK;
}

static vn_err digest_member(pctx *c, json_t *alg, json_t *val, const char *what, srv_request *r)
{
	const char *a;
	unsigned char *d = NULL;
	size_t dl = 0;
	vn_err e;

	if (!json_is_string(alg))
		return bad(c, 422, "%s.alg must be a string", what);
	a = srv_digest_alg(json_string_value(alg));
	if (a == NULL)
		return bad(c, 422, "%s.alg '%.64s' is not a digest algorithm the node accepts "
				   "(SHA-256, SHA-384, SHA-512)", what, json_string_value(alg));
	e = b64_member(c, val, what, &d, &dl);
	if (e != VN_OK)
		return e;
	if (dl != digest_size(a)) {
		free(d);
		return bad(c, 422, "%s is %zu bytes, not a %s digest", what, dl, a);
	}
	snprintf(r->digest_alg, sizeof r->digest_alg, "%s", a);
	memcpy(r->digest, d, dl);
	r->digest_len = dl;
	free(d);
	return VN_OK;
}

static vn_err parse_validate(pctx *c, json_t *root, srv_request *r)
{
	static const char *const known[] = {"signature", "raw", "documents", "digests",
					    "policy", "validationTime", "reports"};
	json_t *sig = json_object_get(root, "signature"), *raw = json_object_get(root, "raw");
	json_t *docs = json_object_get(root, "documents"), *digs = json_object_get(root, "digests");
	json_t *v;
	const char *k;
	size_t i;
	vn_err e;

	json_object_foreach(root, k, v) {
		for (i = 0; i < sizeof known / sizeof known[0]; i++)
			if (strcmp(k, known[i]) == 0)
				break;
		if (i == sizeof known / sizeof known[0])
			return bad(c, 422, "unknown member '%.64s' (see interop/openapi.yaml)", k);
	}
	if ((sig == NULL) == (raw == NULL))
		return bad(c, 422, "give exactly one of signature (base64 CMS/CAdES) or raw (a raw "
				   "Mobile-ID object)");
	if (sig != NULL) {
		e = b64_member(c, sig, "signature", &r->sig, &r->siglen);
		if (e != VN_OK)
			return e;
	} else {
		if (!json_is_object(raw))
			return bad(c, 422, "raw must be an object (the raw Mobile-ID signature)");
		/* Handed to the engine as parsed (v_raw_parse_json): writing it
		 * out to read it again cost more than the signature check. */
		r->raw_json = json_incref(raw);
		r->raw = 1;
	}
	if (docs != NULL && digs != NULL)
		return bad(c, 422, "give documents or digests, not both");
	if (r->raw && (docs != NULL || digs != NULL))
		return bad(c, 422, "a raw signature carries its own hash or data: no documents or digests");
	if (docs != NULL) {
		json_t *d;
		if (!json_is_array(docs) || json_array_size(docs) != 1)
			return bad(c, 422, "documents must be an array of one {name, data} object "
					   "(one detached document per signature)");
		d = json_array_get(docs, 0);
		if (!json_is_object(d))
			return bad(c, 422, "documents[0] must be an object {name, data}");
		if ((v = json_object_get(d, "name")) != NULL &&
		    (e = str_member(c, v, "documents[0].name", r->doc_name, sizeof r->doc_name)) != VN_OK)
			return e;
		if ((v = json_object_get(d, "data")) == NULL)
			return bad(c, 422, "documents[0].data (base64) is missing");
		e = b64_member(c, v, "documents[0].data", &r->doc, &r->doclen);
		if (e != VN_OK)
			return e;
	}
	if (digs != NULL) {
		json_t *d;
		if (!json_is_array(digs) || json_array_size(digs) != 1)
			return bad(c, 422, "digests must be an array of one {alg, value} object");
		d = json_array_get(digs, 0);
		if (!json_is_object(d))
			return bad(c, 422, "digests[0] must be an object {alg, value}");
		e = digest_member(c, json_object_get(d, "alg"), json_object_get(d, "value"),
				  "digests[0].value", r);
		if (e != VN_OK)
			return e;
	}
	if ((v = json_object_get(root, "policy")) != NULL &&
	    (e = str_member(c, v, "policy", r->policy, sizeof r->policy)) != VN_OK)
		return e;
	if ((v = json_object_get(root, "validationTime")) != NULL &&
	    (e = time_member(c, v, "validationTime", &r->at)) != VN_OK)
		return e;
	r->want_json = 1;
	if ((v = json_object_get(root, "reports")) != NULL) {
		json_t *x;
		if (!json_is_array(v) || json_array_size(v) > 4)
			return bad(c, 422, "reports must be an array of \"json\" and \"etsi-xml\"");
		r->want_json = 0;
		json_array_foreach(v, i, x) {
			if (json_is_string(x) && strcmp(json_string_value(x), "json") == 0)
				r->want_json = 1;
			else if (json_is_string(x) && strcmp(json_string_value(x), "etsi-xml") == 0)
				r->want_xml = 1;
			else
				return bad(c, 422, "reports[%zu]: \"json\" or \"etsi-xml\"", i);
		}
	}
	return VN_OK;
}

/* TS 119 442 / DSS-X 2.0 VerifyRequest (STANDARDS.md 6.1). Members the node
 * does not use are ignored, as DSS-X allows; none of them is ever fetched. */
static vn_err parse_verify(pctx *c, json_t *root, srv_request *r)
{
	json_t *so = json_object_get(root, "sigObj"), *in = json_object_get(root, "inDocs");
	json_t *opt = json_object_get(root, "optInp"), *v, *b;
	vn_err e;

	if ((v = json_object_get(root, "reqID")) != NULL) {
		if (!json_is_string(v) || json_string_length(v) > SRV_REQ_MAX_NAME)
			return bad(c, 422, "reqID must be a string of at most %d characters",
				   SRV_REQ_MAX_NAME);
		r->req_id = strdup(json_string_value(v));
		if (r->req_id == NULL)
			return bad(c, 500, "out of memory");
	}
	if (!json_is_array(so) || json_array_size(so) == 0)
		return bad(c, 422, "sigObj must be an array holding one signature object");
	if (json_array_size(so) > 1)
		return bad(c, 422, "one sigObj per request");
	v = json_array_get(so, 0);
	if (!json_is_object(v))
		return bad(c, 422, "sigObj[0] must be an object");
	if (json_object_get(v, "sigPtr") != NULL)
		return bad(c, 422, "sigObj[0].sigPtr is not supported: give b64Sig");
	b = json_object_get(v, "b64Sig");
	if (!json_is_object(b))
		return bad(c, 422, "sigObj[0].b64Sig (an object with val) is missing");
	e = b64_member(c, json_object_get(b, "val"), "sigObj[0].b64Sig.val", &r->sig, &r->siglen);
	if (e != VN_OK)
		return e;
	if (in != NULL) {
		json_t *doc, *dh;
		if (!json_is_object(in))
			return bad(c, 422, "inDocs must be an object");
		doc = json_object_get(in, "doc");
		dh = json_object_get(in, "docHash");
		if (doc != NULL && dh != NULL)
			return bad(c, 422, "inDocs: doc or docHash, not both");
		if (doc != NULL) {
			json_t *d;
			if (!json_is_array(doc) || json_array_size(doc) != 1)
				return bad(c, 422, "inDocs.doc must hold one document");
			d = json_array_get(doc, 0);
			if (!json_is_object(d))
				return bad(c, 422, "inDocs.doc[0] must be an object");
			if ((v = json_object_get(d, "ID")) != NULL &&
			    (e = str_member(c, v, "inDocs.doc[0].ID", r->doc_name, sizeof r->doc_name)) != VN_OK)
				return e;
			e = b64_member(c, json_object_get(d, "b64Data"), "inDocs.doc[0].b64Data", &r->doc,
				       &r->doclen);
			if (e != VN_OK)
				return e;
		}
		if (dh != NULL) {
			json_t *d, *dis, *x;
			size_t i;
			if (!json_is_array(dh) || json_array_size(dh) != 1)
				return bad(c, 422, "inDocs.docHash must hold one document hash");
			d = json_array_get(dh, 0);
			dis = json_is_object(d) ? json_object_get(d, "dis") : NULL;
			if (!json_is_array(dis) || json_array_size(dis) == 0 ||
			    json_array_size(dis) > SRV_REQ_MAX_ITEMS)
				return bad(c, 422, "inDocs.docHash[0].dis must be an array of {alg, val}");
			/* The first digest in an algorithm the node accepts. */
			json_array_foreach(dis, i, x) {
				json_t *alg = json_is_object(x) ? json_object_get(x, "alg") : NULL;
				if (json_is_string(alg) && srv_digest_alg(json_string_value(alg)) != NULL)
					break;
			}
			if (i == json_array_size(dis))
				return bad(c, 422, "inDocs.docHash[0].dis holds no SHA-256/384/512 digest");
			x = json_array_get(dis, i);
			e = digest_member(c, json_object_get(x, "alg"), json_object_get(x, "val"),
					  "inDocs.docHash[0].dis.val", r);
			if (e != VN_OK)
				return e;
		}
	}
	if (opt != NULL) {
		json_t *pol, *uvt;
		if (!json_is_object(opt))
			return bad(c, 422, "optInp must be an object");
		pol = json_object_get(opt, "policy");
		if (pol != NULL) {
			if (!json_is_array(pol) || json_array_size(pol) > SRV_REQ_MAX_ITEMS)
				return bad(c, 422, "optInp.policy must be an array of policy URIs");
			if (json_array_size(pol) > 0 &&
			    (e = str_member(c, json_array_get(pol, 0), "optInp.policy[0]", r->policy,
					    sizeof r->policy)) != VN_OK)
				return e;
		}
		v = json_object_get(opt, "useSigValPol");
		if (v != NULL) {
			if (!json_is_object(v) || !json_is_string(json_object_get(v, "sigValPolId")))
				return bad(c, 422, "optInp.useSigValPol needs sigValPolId");
			e = str_member(c, json_object_get(v, "sigValPolId"), "optInp.useSigValPol.sigValPolId",
				       r->policy, sizeof r->policy);
			if (e != VN_OK)
				return e;
		}
		uvt = json_object_get(opt, "useVerificationTime");
		if (uvt != NULL) {
			if (!json_is_object(uvt))
				return bad(c, 422, "optInp.useVerificationTime must be an object");
			if ((v = json_object_get(uvt, "specTime")) != NULL &&
			    (e = time_member(c, v, "optInp.useVerificationTime.specTime", &r->at)) != VN_OK)
				return e;
		}
	}
	r->want_xml = 1;
	return VN_OK;
}

vn_err srv_req_parse(srv_req_kind kind, const char *body, size_t n, size_t max_depth,
		     size_t max_item, srv_request *out, int *status, char *why, size_t whylen)
{
	pctx c = {status, why, whylen, max_item ? max_item : ((size_t)64 << 20)};
	vn_json_error jerr;
	json_t *root = NULL;
	vn_err e;

	srv_request_init(out);
	out->kind = kind;
	*status = 200;
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (max_depth == 0)
		max_depth = SRV_REQ_MAX_DEPTH_DEFAULT;
	if (max_depth > VN_JSON_MAX_DEPTH)
		max_depth = VN_JSON_MAX_DEPTH;
	/* Strict RFC 8259, duplicate keys refused, nesting capped as it is
	 * read (jansson's own limit, 2048 levels, is far too deep for a
	 * request): vn_json.h. */
	root = vn_json_parse(body, n, max_depth, &jerr);
	if (root == NULL) {
		if (jerr.code == VN_JSON_E_DEPTH)
			return bad(&c, 400, "the JSON nests deeper than %zu levels", max_depth);
		if (jerr.code == VN_JSON_E_NOMEM)
			return bad(&c, 500, "out of memory");
		return bad(&c, 400, "the body is not JSON: %s at line %zu, column %zu", jerr.text,
			   jerr.line, jerr.column);
	}
	if (!json_is_object(root)) {
		e = bad(&c, 400, "the body must be a JSON object");
		goto out;
	}
	e = kind == SRV_REQ_VALIDATE ? parse_validate(&c, root, out) : parse_verify(&c, root, out);
out:
	json_decref(root);
	if (e != VN_OK) {
		int st = *status;
		srv_request_free(out);
		out->kind = kind;
		*status = st;
	}
	return e;
}
