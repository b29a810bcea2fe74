/* valnode: one entry point from signed bytes to the signatures to validate,
 * whatever the format: a raw Mobile-ID object, CMS/CAdES, an XML document
 * with XMLDSig/XAdES signatures, or an ASiC-E/ASiC-S container. The CLI,
 * the HTTP node and the public C API all go through it, so a format is
 * added in one place. */
#ifndef V_INPUT_H
#define V_INPUT_H

#include <stddef.h>

#include "common/vn_err.h"
#include "common/vn_verdict.h"
#include "node/v_asic.h"
#include "node/v_engine.h"
#include "node/v_format.h"
#include "node/v_sigobj.h"

typedef struct v_parsed {
	v_input_kind kind;
	v_sigobj *sigs;		/* the signatures to validate; owned unless
				 * container is set (then they are its own) */
	size_t nsigs;
	v_container *container;	/* owned: an ASiC container, or NULL */
} v_parsed;

void v_parsed_init(v_parsed *p) VN_NONNULL(1);
/* Frees what p owns; NULL is a no-op. */
void v_parsed_free(v_parsed *p);

/* Detect the format of p and parse it into *out. data (may be NULL) is the
 * detached document or its digest; it makes no sense for a raw object
 * (VN_ERR_ARG) or a container (which holds its own documents:
 * VN_ERR_ARG). A structure that is not a signature valnode knows is
 * VN_ERR_UNSUPPORTED; a malformed one VN_ERR_MALFORMED; why says which in
 * words fit for the caller's user. A bad signature is not an error: it is
 * in the sigobjs' checks and findings. */
vn_err v_input_parse(const unsigned char *p, size_t n, const v_data *data, v_parsed *out,
		     char *why, size_t whylen) VN_WUR VN_NONNULL(1, 4);

/* ASiC-S with a timestamp token over its data file (EN 319 162-1 4.3): the
 * token validated as EN 319 102-1 5.4 validates a timestamp, at t, into
 * c->tst_result, with its findings added to the container's. A container
 * without a token is left alone. Errors: VN_ERR_NOMEM. */
vn_err v_container_timestamp(const v_ctx *ctx, v_container *c, vn_time t) VN_WUR VN_NONNULL(1, 2);

/* The container's own verdict, from its format check and the signatures'
 * results r[0..n) (in the order of p->sigs): TOTAL-FAILED/FORMAT_FAILURE
 * when the container's structure fails; INDETERMINATE/SIGNED_DATA_NOT_FOUND
 * when it holds no signature or a data file that no signature covers
 * (the verdict speaks only of what was signed); otherwise the worst of the
 * signatures' indications, with the sub-indication of the first signature
 * that has it. */
void v_container_verdict(const v_container *c, const v_result *r, size_t n, vn_indication *ind,
			 vn_subind *sub) VN_NONNULL(1, 4, 5);

/* A short name of the input kind: "raw", "CMS", "XML", "ASiC-E", "ASiC-S". */
const char *v_input_name(const v_parsed *p) VN_NONNULL(1);

#endif
