/* valnode: QC statements (EN 319 412-5) and qualification (TS 119 615, as
 * DSS implements it: STANDARDS.md section 7). */
#ifndef V_QUAL_H
#define V_QUAL_H

#include <openssl/x509.h>

#include "common/vn_findings.h"
#include "node/v_engine.h"

/* What a certificate says about itself. */
typedef struct v_qcs {
	int present;		/* a qcStatements extension exists */
	int compliance;		/* QcCompliance 0.4.0.1862.1.1 */
	int sscd;		/* QcSSCD 0.4.0.1862.1.4 */
	int type_esign, type_eseal, type_web, ntypes;	/* QcType 0.4.0.1862.1.6 */
	char cc_legislation[64];	/* QcCClegislation countries, comma-separated; "" none */
	int has_pds;		/* QcPDS */
	int policy_qcp_n_qscd, policy_qcp_n, policy_qcp_l, policy_qcp_l_qscd;	/* EN 319 411-2 */
	int policy_pre_qcp, policy_pre_qcp_sscd;	/* TS 101 456 */
} v_qcs;

/* Parse the certificate's QC statements and policies; a malformed
 * extension is a finding (V_QC_MALFORMED) and counts as absent. */
vn_err v_qcs_parse(X509 *cert, v_qcs *out, vn_findings *f) VN_WUR VN_NONNULL(1, 2);

/* Certificate qualification at one time (STANDARDS.md 7.2). */
typedef enum v_cert_qual {
	V_CQ_NA = 0,
	V_CQ_QC_ESIG_QSCD, V_CQ_QC_ESEAL_QSCD, V_CQ_QC_UNKNOWN_QSCD,
	V_CQ_QC_ESIG, V_CQ_QC_ESEAL, V_CQ_QC_WSA, V_CQ_QC_UNKNOWN,
	V_CQ_CERT_ESIG, V_CQ_CERT_ESEAL, V_CQ_CERT_WSA, V_CQ_CERT_UNKNOWN
} v_cert_qual;

const char *v_cert_qual_name(v_cert_qual q);

/* The qualification of cert at time t, from its QC statements and the CA/QC
 * services that vouch for its issuer (matches from tl_snapshot_find on the
 * issuing CA certificate, each with the interval in force at t). */
v_cert_qual v_cert_qualify(X509 *cert, const v_qcs *qcs, const tl_snap_match *matches,
			   size_t nmatches, vn_time t, vn_findings *f) VN_NONNULL(1, 2);

/* The signature's qualification: run at issuance (notBefore) and at the
 * best signature time, merged, crossed with the indication (7.3). */
v_qual v_sig_qualify(v_cert_qual at_issuance, v_cert_qual at_signing, vn_indication ind);

#endif
