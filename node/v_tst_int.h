/* valnode: internals of timestamp validation, for the unit tests and the
 * validation engine. Not installed. */
#ifndef V_TST_INT_H
#define V_TST_INT_H

#include "node/v_tst.h"

#define V_MAX_TST ((size_t)256 << 10)	/* cap on one TimeStampToken */

/* v_ts_validate, leaving its findings (V_TS_*) in f (may be NULL). */
vn_err v_ts_validate_ex(const v_ctx *ctx, const v_timestamp *ts, vn_time t, v_ts_result *out,
			vn_findings *f) VN_WUR VN_NONNULL(1, 2, 4);

/* RFC 3161 2.3: the TSA certificate has an extendedKeyUsage extension,
 * critical, with id-kp-timeStamping. 1 when it does. */
int v_ts_tsa_eku_ok(X509 *tsa) VN_NONNULL(1);

/* The TSA path decision, self-contained: chain tsa (with the token's
 * certificates extra) at t to a certificate of a TSA service of the
 * snapshot (TSA/QTST, TSA, TSA/TSS-QC, TSA/TSS-AdESQCandQES) or to a bare
 * anchor. Sets *sub (VN_SUB_NONE when trusted) and *qualified (a TSA/QTST
 * service granted at t vouches for a certificate of the chain). */
vn_err v_ts_tsa_path(const v_trust *trust, X509 *tsa, STACK_OF(X509) *extra, vn_time t,
		     vn_subind *sub, int *qualified, vn_findings *f) VN_WUR
	VN_NONNULL(1, 2, 5, 6);

#endif
