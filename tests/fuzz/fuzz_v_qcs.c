/* libFuzzer harness: the QC-statements parser (EN 319 412-5) on arbitrary
 * qcStatements extension values, then the qualification over an empty
 * service set. */
#include <stdint.h>
#include <stdlib.h>

#include "node/v_qual.h"
#include "node/v_qual_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	v_qcs q;
	vn_findings f;

	vn_findings_init(&f);
	if (size > 0 && v_qcs_parse_der(data, size, &q, &f) == VN_OK)
		(void)v_sig_qualify(q.compliance ? V_CQ_QC_ESIG : V_CQ_CERT_ESIG,
				    q.sscd ? V_CQ_QC_ESIG_QSCD : V_CQ_NA, VN_IND_TOTAL_PASSED);
	vn_findings_free(&f);
	return 0;
}
