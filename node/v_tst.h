/* valnode: RFC 3161 timestamps (EN 319 102-1 5.4): the token's signature,
 * its message imprint over the bytes the format says it covers, the TSA
 * certificate chained to a TSA service of the snapshot (TSA/QTST granted at
 * genTime for a qualified timestamp), genTime as proof of existence. */
#ifndef V_TST_H
#define V_TST_H

#include "node/v_engine.h"
#include "node/v_sigobj.h"

/* Validate one token. out->tsa is owned by out (free with v_ts_result_free). */
vn_err v_ts_validate(const v_ctx *ctx, const v_timestamp *ts, vn_time t, v_ts_result *out)
	VN_WUR VN_NONNULL(1, 2, 4);
void v_ts_result_free(v_ts_result *r);

#endif
