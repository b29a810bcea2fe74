#include "node/v_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/v_tst_int.h"

void v_parsed_init(v_parsed *p)
{
	memset(p, 0, sizeof *p);
	p->kind = V_INPUT_UNKNOWN;
}

void v_parsed_free(v_parsed *p)
{
	size_t i;

	if (p == NULL)
		return;
	if (p->container != NULL) {
		v_container_free(p->container);
		free(p->container);
	} else {
		for (i = 0; i < p->nsigs; i++)
			v_sigobj_free(&p->sigs[i]);
		free(p->sigs);
	}
	v_parsed_init(p);
}

const char *v_input_name(const v_parsed *p)
{
	switch (p->kind) {
	case V_INPUT_RAW_JSON:
		return "raw";
	case V_INPUT_CMS:
		return "CMS";
	case V_INPUT_XML:
		return "XML";
	case V_INPUT_ZIP:
		return p->container != NULL && p->container->type == V_ASIC_S ? "ASiC-S" : "ASiC-E";
	case V_INPUT_UNKNOWN:
		break;
	}
	return "unknown";
}

vn_err v_input_parse(const unsigned char *p, size_t n, const v_data *data, v_parsed *out,
		     char *why, size_t whylen)
{
	vn_err e = VN_OK;

	v_parsed_init(out);
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	out->kind = v_detect(p, n);
	switch (out->kind) {
	case V_INPUT_RAW_JSON:
		if (data != NULL) {
			snprintf(why, whylen, "a raw Mobile-ID signature carries its own hash or data: "
					      "no documents or digests");
			return VN_ERR_ARG;
		}
		out->sigs = calloc(1, sizeof *out->sigs);
		if (out->sigs == NULL)
			return VN_ERR_NOMEM;
		v_sigobj_init(out->sigs);
		out->nsigs = 1;
		e = v_raw_parse(p, n, out->sigs, why, whylen);
		break;
	case V_INPUT_CMS:
		e = v_cms_parse(p, n, data, &out->sigs, &out->nsigs, why, whylen);
		break;
	case V_INPUT_XML: {
		v_docfile f;
		v_docs docs = {&f, 0};

		if (data != NULL && data->bytes == NULL) {
			snprintf(why, whylen, "an XAdES signature needs the detached document itself, "
					      "not its digest");
			return VN_ERR_ARG;
		}
		if (data != NULL) {
			f.name = data->name != NULL ? data->name : "";
			f.bytes = data->bytes;
			f.len = data->len;
			docs.n = 1;
		}
		e = v_xades_parse(p, n, &docs, &out->sigs, &out->nsigs, why, whylen);
		break;
	}
	case V_INPUT_ZIP:
		if (data != NULL) {
			snprintf(why, whylen, "a container holds its own documents: give none beside it");
			return VN_ERR_ARG;
		}
		out->container = calloc(1, sizeof *out->container);
		if (out->container == NULL)
			return VN_ERR_NOMEM;
		v_container_init(out->container);
		e = v_asic_parse(p, n, out->container, why, whylen);
		out->sigs = out->container->sigs;
		out->nsigs = out->container->nsigs;
		/* EN 319 102-1 5.2.2: the container's structure is part of each
		 * signature's format checking (STANDARDS.md 4.1). */
		if (e == VN_OK && out->container->check != V_CHECK_OK) {
			size_t i;
			for (i = 0; i < out->nsigs; i++) {
				out->sigs[i].check = V_CHECK_FORMAT_FAILURE;
				if (vn_findings_add(&out->sigs[i].findings, VN_LEVEL_ERROR,
						    "V_ASIC_CONTAINER_FORMAT",
						    "the container around the signature fails its format checks") !=
				    VN_OK)
					e = VN_ERR_NOMEM;
			}
		}
		break;
	case V_INPUT_UNKNOWN:
		snprintf(why, whylen, "not a signature valnode knows: a raw Mobile-ID JSON object, "
				      "CMS/CAdES (DER or PEM), XAdES (XML) or an ASiC container (ZIP)");
		return VN_ERR_UNSUPPORTED;
	}
	if (e != VN_OK)
		v_parsed_free(out);
	return e;
}

vn_err v_container_timestamp(const v_ctx *ctx, v_container *c, vn_time t)
{
	vn_err e;

	if (c->tst == NULL || c->tst_result != NULL)
		return VN_OK;
	c->tst_result = calloc(1, sizeof *c->tst_result);
	if (c->tst_result == NULL)
		return VN_ERR_NOMEM;
	c->tst_result->gen_time = VN_TIME_NONE;
	e = v_ts_validate_ex(ctx, c->tst, t == VN_TIME_NONE ? vn_time_now() : t, c->tst_result,
			     &c->findings);
	if (e != VN_OK) {
		X509_free(c->tst_result->tsa);
		free(c->tst_result);
		c->tst_result = NULL;
	}
	return e;
}

static int severity(vn_indication i)
{
	return i == VN_IND_TOTAL_FAILED ? 2 : i == VN_IND_INDETERMINATE ? 1 : 0;
}

void v_container_verdict(const v_container *c, const v_result *r, size_t n, vn_indication *ind,
			 vn_subind *sub)
{
	size_t i, j, k;

	*ind = VN_IND_TOTAL_PASSED;
	*sub = VN_SUB_NONE;
	if (c->check != V_CHECK_OK) {
		*ind = VN_IND_TOTAL_FAILED;
		*sub = VN_SUB_FORMAT_FAILURE;
		return;
	}
	for (i = 0; i < n; i++)
		if (severity(r[i].indication) > severity(*ind)) {
			*ind = r[i].indication;
			*sub = r[i].sub;
		}
	if (severity(*ind) > 0)
		return;
	if ((n == 0 || c->nsigs == 0) && c->tst != NULL) {
		/* ASiC-S with a timestamp token: the token is the evidence. */
		if (c->tst_check == V_CHECK_HASH_FAILURE) {
			*ind = VN_IND_TOTAL_FAILED;
			*sub = VN_SUB_HASH_FAILURE;
		} else if (c->tst_check != V_CHECK_OK) {
			*ind = c->tst_check == V_CHECK_FORMAT_FAILURE ? VN_IND_TOTAL_FAILED
								    : VN_IND_INDETERMINATE;
			*sub = c->tst_check == V_CHECK_FORMAT_FAILURE ? VN_SUB_FORMAT_FAILURE
								    : VN_SUB_SIGNED_DATA_NOT_FOUND;
		} else if (c->tst_result == NULL) {
			*ind = VN_IND_INDETERMINATE;
			*sub = VN_SUB_NO_POE;	/* not validated */
		} else {
			*ind = c->tst_result->indication;
			*sub = c->tst_result->sub;
		}
		return;
	}
	if (n == 0 || c->nsigs == 0) {
		*ind = VN_IND_INDETERMINATE;
		*sub = VN_SUB_SIGNED_DATA_NOT_FOUND;
		return;
	}
	/* Every data file must be covered by every signature (BDOC 2.1, and
	 * what a relying party needs): a container that presents unsigned
	 * content beside signed content fails its format; its signatures
	 * keep their own verdicts. */
	for (i = 0; i < c->nfiles; i++)
		for (j = 0; j < c->nsigs; j++) {
			int hit = 0;
			for (k = 0; k < c->sigs[j].ncovered && !hit; k++)
				hit = strcmp(c->sigs[j].covered[k], c->files[i].name) == 0;
			if (!hit) {
				*ind = VN_IND_TOTAL_FAILED;
				*sub = VN_SUB_FORMAT_FAILURE;
				return;
			}
		}
}
