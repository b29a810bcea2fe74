/* TEMPORARY placeholder for v_xades_unsigned (node/v_xades_int.h) so that
 * this branch links on its own; removed when the real v_xades_unsigned.c
 * is merged. It reads nothing and changes nothing. */
#include "node/v_xades_int.h"

vn_err v_xades_unsigned(const v_xades_sig *xs, v_sigobj *o)
{
	(void)xs;
	(void)o;
	return VN_OK;
}
