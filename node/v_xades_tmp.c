/* valnode: stand-in for v_xades_parse so that the container layer links on
 * its own; it refuses every input. */
#include <stdio.h>

#include "node/v_format.h"

vn_err v_xades_parse(const unsigned char *xml, size_t n, const v_docs *docs, v_sigobj **out,
		     size_t *nout, char *why, size_t whylen)
{
	(void)xml;
	(void)n;
	(void)docs;
	*out = NULL;
	*nout = 0;
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "XAdES parser not built");
	return VN_ERR_UNSUPPORTED;
}
