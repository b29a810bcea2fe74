/* valnode: validation results as DESIGN.md's JSON. */
#ifndef V_REPORT_H
#define V_REPORT_H

#include <stddef.h>
#include "common/vn_jsonw.h"

#include "node/v_engine.h"

/* The JSON report is written by a streaming writer (vn_jsonw.h), straight
 * into the answer's buffer: these two are the one description of its
 * layout (DESIGN.md), for the node, the API and the CLI. A failure (a
 * string that is not UTF-8, no memory) sticks in w, see vn_jw_done. */

/* One signature's JSON object: id, indication, subIndication,
 * qualification, format, process, signer, the three times, trust, chain,
 * revocation, certificateQualification, timestamps, policy (null for a
 * NULL p), findings, signaturePolicy. */
void v_result_write(vn_jw *w, const v_result *r, const v_policy *p) VN_NONNULL(1, 2);
/* A generous estimate of that object's length, to size the buffer once. */
size_t v_result_json_size(const v_result *r) VN_NONNULL(1);

struct v_container;	/* node/v_asic.h */
/* The container part of a report: type, mimetype, the container's own
 * verdict ind/sub (as v_container_verdict gave it), each data file with
 * the ids of the signatures that cover it, each signature's file, the
 * container-level findings and the ASiC-S timestamp's result. */
void v_container_write(vn_jw *w, const struct v_container *c, vn_indication ind,
		       vn_subind sub) VN_NONNULL(1, 2);

/* The report of one input as `valnode validate` and vn_result_json give
 * it: one signature alone is its own object (v_result_write); several, or
 * a container's, are {"container": ..., "signatures": [...]}, the
 * container's part first, written by container(w, arg) when container is
 * not NULL. */
void v_report_write(vn_jw *w, const v_result *r, size_t n, const v_policy *p,
		    void (*container)(vn_jw *w, const void *arg), const void *arg)
	VN_NONNULL(1);

/* The ETSI TS 119 102-2 (v1.4.1 namespace) XML validation report for n
 * results: one SignatureValidationReport each, and the certificates of their
 * chains as validation objects. *out is a NUL-terminated UTF-8 document the
 * caller frees with xmlFree; *len its length. */
vn_err v_result_xml(const v_result *r, size_t n, const v_policy *p, unsigned char **out,
		    size_t *len) VN_WUR;

#define V_NS_VR "http://uri.etsi.org/19102/v1.4.1#"

#endif
