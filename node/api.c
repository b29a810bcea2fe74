/* The public C API (include/valnode/valnode.h) over the engine. */
#include "valnode/valnode.h"

#include <openssl/pem.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/vn_jsonw.h"
#include "node/srv_policy.h"
#include "node/v_config.h"
#include "node/v_format.h"
#include "node/v_input.h"
#include "node/v_report.h"
#include "node/v_rev.h"
#include "node/v_sigmemo.h"
#include "node/v_tscache.h"
#include "node/v_validate.h"
#include "trustlists/tl_sig.h"
#include "trustlists/tl_snapshot.h"

struct vn_node {
	tl_snapshot *snapshot;
	STACK_OF(X509) *anchors;
	v_revcache *revcache;
	v_tscache *tscache;	/* timestamp validations across calls */
	v_sigmemo *sigmemo;	/* OCSP signatures found valid across calls */
	v_policy policy;
	char *ca_file;
};

struct vn_result {
	v_result *r;		/* one per signature */
	size_t n;
	v_policy policy;
	char *container;	/* an ASiC container's report part (JSON text), or NULL */
	size_t container_len;
	vn_indication cind;	/* and its own verdict */
	vn_subind csub;
};

static void seterr(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || n == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(err, n, fmt, ap);
	va_end(ap);
}

int vn_node_open(const char *config, vn_node **out, char *err, size_t errlen)
{
	vn_node *n = calloc(1, sizeof *n);
	v_trust_cfg cfg;
	vn_findings notes;
	char why[512] = "";
	vn_err e;

	*out = NULL;
	if (n == NULL) {
		seterr(err, errlen, "%s", "out of memory");
		return -1;
	}
	v_policy_default(&n->policy);
	n->revcache = v_revcache_new(4096);
	n->tscache = v_tscache_new(1024);
	n->sigmemo = v_sigmemo_new(1024);
	v_trust_cfg_init(&cfg);
	vn_findings_init(&notes);
	if (config != NULL) {
		e = v_trust_cfg_load(config, &cfg, why, sizeof why);
		if (e == VN_OK)
			e = v_trust_build(&cfg, &n->snapshot, &notes, why, sizeof why);
		if (e == VN_OK && cfg.ca_file != NULL)
			n->ca_file = strdup(cfg.ca_file);
		if (e == VN_OK && cfg.offline)
			n->policy.online_revocation = 0;
		if (e != VN_OK) {
			seterr(err, errlen, "%s", why[0] ? why : vn_err_str(e));
			v_trust_cfg_free(&cfg);
			vn_findings_free(&notes);
			vn_node_free(n);
			return -1;
		}
	}
	v_trust_cfg_free(&cfg);
	vn_findings_free(&notes);
	*out = n;
	return 0;
}

int vn_node_add_anchor(vn_node *node, const unsigned char *cert, size_t len)
{
	BIO *b;
	X509 *x;

	if (node == NULL || cert == NULL || len == 0 || len > (1u << 20))
		return -1;
	b = BIO_new_mem_buf(cert, (int)len);
	if (b == NULL)
		return -1;
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	if (x == NULL) {
		const unsigned char *p = cert;
		x = d2i_X509(NULL, &p, (long)len);
	}
	BIO_free(b);
	if (x == NULL)
		return -1;
	if (node->anchors == NULL)
		node->anchors = sk_X509_new_null();
	if (node->anchors == NULL || !sk_X509_push(node->anchors, x)) {
		X509_free(x);
		return -1;
	}
	return 0;
}

int vn_node_set_policy(vn_node *node, const char *policy, char *err, size_t errlen)
{
	v_policy p;
	int online;

	if (node == NULL || policy == NULL) {
		seterr(err, errlen, "%s", "no node or no policy");
		return -1;
	}
	if (srv_policy_find(policy, &p) == NULL) {
		seterr(err, errlen, "no policy '%.128s' (a short id of the policy directory, a URI, "
				    "or a policy file that loads: valnode policy lint FILE)", policy);
		return -1;
	}
	online = node->policy.online_revocation;
	if (!online)
		p.online_revocation = 0;	/* an offline node stays offline */
	node->policy = p;
	return 0;
}

void vn_node_set_offline(vn_node *node, int offline)
{
	if (node != NULL)
		node->policy.online_revocation = !offline;
}

void vn_node_free(vn_node *node)
{
	if (node == NULL)
		return;
	tl_snapshot_unref(node->snapshot);
	sk_X509_pop_free(node->anchors, X509_free);
	v_revcache_free(node->revcache);
	v_tscache_free(node->tscache);
	v_sigmemo_free(node->sigmemo);
	free(node->ca_file);
	free(node);
}

int vn_validate(vn_node *node, const unsigned char *sig, size_t siglen,
		const unsigned char *data, size_t datalen, int64_t at, vn_result **out, char *err,
		size_t errlen)
{
	v_parsed parsed;
	v_sigobj *sigs = NULL;	/* parsed's */
	size_t nsigs = 0, i;
	char why[256] = "";
	vn_result *res = NULL;
	v_trust trust;
	v_ctx ctx;
	vn_err e;
	int rc = -1;

	*out = NULL;
	v_parsed_init(&parsed);
	if (node == NULL || sig == NULL || siglen == 0 || siglen > V_MAX_DOCUMENT) {
		seterr(err, errlen, "%s", "no signature, or one over the size limit");
		return -1;
	}
	{
		v_data d = {data, datalen, NULL, NULL, 0, NULL};
		e = v_input_parse(sig, siglen, data ? &d : NULL, &parsed, why, sizeof why);
		sigs = parsed.sigs;
		nsigs = parsed.nsigs;
	}
	if (e != VN_OK) {
		seterr(err, errlen, "%s", why[0] ? why : vn_err_str(e));
		goto out;
	}
	res = calloc(1, sizeof *res);
	if (res == NULL || (res->r = calloc(nsigs ? nsigs : 1, sizeof *res->r)) == NULL)
		goto nomem;
	res->policy = node->policy;
	trust.snapshot = node->snapshot;
	trust.anchors = node->anchors;
	memset(&ctx, 0, sizeof ctx);
	ctx.trust = &trust;
	ctx.policy = &node->policy;
	ctx.revcache = node->revcache;
	ctx.tscache = node->tscache;
	ctx.sigmemo = node->sigmemo;
	ctx.ocsp_ca_file = node->ca_file;
	for (i = 0; i < nsigs; i++) {
		v_result_init(&res->r[i]);
		res->n++;
		e = v_validate(&ctx, &sigs[i], at == VN_NOW ? VN_TIME_NONE : at, &res->r[i]);
		if (e != VN_OK) {
			seterr(err, errlen, "the validation could not run: %s", vn_err_str(e));
			goto out;
		}
	}
	if (parsed.container != NULL) {
		if (v_container_timestamp(&ctx, parsed.container, at == VN_NOW ? VN_TIME_NONE : at) != VN_OK)
			goto nomem;
		v_container_verdict(parsed.container, res->r, res->n, &res->cind, &res->csub);
		{
			/* written now: the container goes with parsed */
			vn_buf b;
			vn_jw w;
			vn_buf_init(&b, VN_JSONW_MAX_OUT);
			vn_jw_init(&w, &b);
			v_container_write(&w, parsed.container, res->cind, res->csub);
			if ((e = vn_jw_done(&w)) != VN_OK) {
				vn_buf_free(&b);
				seterr(err, errlen, "the container's report could not be written: %s",
				       vn_err_str(e));
				goto out;
			}
			res->container = (char *)vn_buf_steal(&b, &res->container_len);
			vn_buf_free(&b);
			if (res->container == NULL)
				goto nomem;
		}
	}
	*out = res;
	res = NULL;
	rc = 0;
	goto out;
nomem:
	seterr(err, errlen, "%s", "out of memory");
out:
	vn_result_free(res);
	v_parsed_free(&parsed);
	return rc;
}

const char *vn_result_indication(const vn_result *r)
{
	if (r != NULL && r->container != NULL)
		return vn_indication_name(r->cind);
	return r && r->n ? vn_indication_name(r->r[0].indication) : "INDETERMINATE";
}

const char *vn_result_subindication(const vn_result *r)
{
	if (r != NULL && r->container != NULL)
		return vn_subind_name(r->csub);
	return r && r->n ? vn_subind_name(r->r[0].sub) : NULL;
}

const char *vn_result_qualification(const vn_result *r)
{
	return r && r->n ? v_qual_name(r->r[0].qualification) : "Indeterminate";
}

size_t vn_result_count(const vn_result *r)
{
	return r ? r->n : 0;
}

/* The container's part, written when the container was at hand. */
static void container_text(vn_jw *w, const void *arg)
{
	const vn_result *r = arg;

	vn_jw_raw(w, r->container, r->container_len);
}

char *vn_result_json(const vn_result *r)
{
	vn_buf b;
	vn_jw w;
	size_t i, n = 64;

	if (r == NULL || (r->n == 0 && r->container == NULL))
		return NULL;
	vn_buf_init(&b, VN_JSONW_MAX_OUT);
	n += r->container_len;
	for (i = 0; i < r->n; i++)
		n += v_result_json_size(&r->r[i]);
	if (vn_buf_reserve(&b, n) != VN_OK)
		return NULL;
	vn_jw_init(&w, &b);
	v_report_write(&w, r->r, r->n, &r->policy, r->container != NULL ? container_text : NULL, r);
	if (vn_jw_done(&w) != VN_OK) {
		vn_buf_free(&b);
		return NULL;
	}
	return (char *)vn_buf_steal(&b, &n);
}

void vn_result_free(vn_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		v_result_free(&r->r[i]);
	free(r->r);
	free(r->container);
	free(r);
}

void vn_free(void *p)
{
	free(p);
}
