/* valnode: validation results as DESIGN.md's JSON. */
#ifndef V_REPORT_H
#define V_REPORT_H

#include <stddef.h>
#include <jansson.h>

#include "node/v_engine.h"

/* One signature's JSON object (new reference). */
json_t *v_result_json(const v_result *r, const v_policy *p);

struct v_container;	/* node/v_asic.h */
/* The container part of a report (new reference): type, mimetype, the
 * container's own verdict ind/sub (as v_container_verdict gave it), each
 * data file with the ids of the signatures that cover it, each signature's
 * file, the ASiC-S timestamp's result, and the container-level findings. */
json_t *v_container_json(const struct v_container *c, vn_indication ind, vn_subind sub);

/* The ETSI TS 119 102-2 (v1.4.1 namespace) XML validation report for n
 * results: one SignatureValidationReport each, and the certificates of their
 * chains as validation objects. *out is a NUL-terminated UTF-8 document the
 * caller frees with xmlFree; *len its length. */
vn_err v_result_xml(const v_result *r, size_t n, const v_policy *p, unsigned char **out,
		    size_t *len) VN_WUR;

#define V_NS_VR "http://uri.etsi.org/19102/v1.4.1#"

#endif
