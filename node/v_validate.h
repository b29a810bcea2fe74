/* valnode: the EN 319 102-1 validation of one signature: basic validation
 * (5.3), validation with time and long-term material (5.5: signature
 * timestamps as POE, revocation, past certificate validation), and archive
 * timestamps recognised and checked (5.6 LTA, partially), then
 * qualification (TS 119 615). */
#ifndef V_VALIDATE_H
#define V_VALIDATE_H

#include "node/v_engine.h"
#include "node/v_sigobj.h"

/* Validate s at validation time t (VN_TIME_NONE: now) into out. An error
 * means the engine could not run (no memory); a bad signature is a verdict
 * in out. */
vn_err v_validate(const v_ctx *ctx, const v_sigobj *s, vn_time t, v_result *out) VN_WUR
	VN_NONNULL(1, 2, 4);

#endif
