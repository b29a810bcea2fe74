/* valnode: internals of QC statements and qualification, shared with the
 * timestamp validator, the unit tests and the fuzzers. Not installed. */
#ifndef V_QUAL_INT_H
#define V_QUAL_INT_H

#include <stddef.h>
#include <openssl/x509.h>

#include "common/vn_findings.h"
#include "node/v_qual.h"
#include "trustlists/tl_model.h"

/* 2016-06-30T22:00:00Z: 2016-07-01 00:00 Brussels, the eIDAS date as DSS
 * (EIDASUtils) and TS 119 615 use it (STANDARDS.md 2.4). */
#define V_EIDAS_DATE ((vn_time)1467324000)

#define V_MAX_QCS_DER ((size_t)16 << 10)	/* cap on one qcStatements value */

/* Parse the DER of a qcStatements extension value (QCStatements, RFC 3739)
 * into out (the QC fields only; policies are not touched). A malformed
 * value adds V_QC_MALFORMED to f (may be NULL) and leaves the QC fields
 * zero. Returns an error only when memory ran out. */
vn_err v_qcs_parse_der(const unsigned char *der, size_t n, v_qcs *out, vn_findings *f) VN_WUR
	VN_NONNULL(3);

/* What to encode in a qcStatements value (tests and tools). */
typedef struct v_qcs_spec {
	int compliance, sscd, esign, eseal, web, pds;
	const char *cc_legislation;	/* "US" or "US,CA"; NULL: no statement */
	int bad_qctype;			/* QcType whose info is not a SEQUENCE OF OID */
} v_qcs_spec;

/* DER of QCStatements for spec, in *der (OPENSSL_free) / *n. */
vn_err v_qcs_encode(const v_qcs_spec *spec, unsigned char **der, size_t *n) VN_WUR
	VN_NONNULL(1, 2, 3);

/* Whether a CriteriaList selects cert (TS 119 612 5.5.9.2, DSS
 * CriteriaListCondition): all / atLeastOne / none over KeyUsage blocks,
 * PolicySets, nested lists, EKU and subject-attribute criteria. A list with
 * content we do not read (anywhere in it) selects nothing: fail closed. */
int v_criteria_match(X509 *cert, const tl_criteria *c) VN_NONNULL(1, 2);

/* Whether a service interval counts as granted (STANDARDS.md 2.4, DSS
 * GrantedServiceFilter): "granted" for intervals starting at or after the
 * eIDAS date, undersupervision / supervisionincessation / accredited
 * before it. */
int v_service_granted(const tl_service_entry *e) VN_NONNULL(1);

#define V_SVCTYPE "http://uri.etsi.org/TrstSvc/Svctype/"
#define V_SVCSTATUS "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/"
#define V_SVCINFOEXT "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/"

#endif
