/* valnode: `tl lint`, an operator's check of a list before publishing it. */
#ifndef TL_LINT_H
#define TL_LINT_H

#include <libxml/tree.h>

#include "common/vn_err.h"
#include "common/vn_findings.h"
#include "common/vn_time.h"
#include "trustlists/tl_model.h"

/* Check doc / l (its model) at time now and append findings (TL_LINT_*, plus
 * the parser's structure findings and, with schema_dir, TL_XSD ones) to out.
 * The list passes when no finding of level error was added. Returns an error
 * only when the check could not run (VN_ERR_NOT_FOUND: schemas missing). */
vn_err tl_lint(xmlDocPtr doc, const tl_list *l, vn_time now, const char *schema_dir,
	       vn_findings *out) VN_WUR VN_NONNULL(1, 2, 5);

/* Whether code is an ISO 3166-1 alpha-2 code, or one of the EU list
 * spellings EL and UK. */
int tl_is_territory_code(const char *code);
/* Whether uri is a service type / service status URI of TS 119 612. */
int tl_is_known_service_type(const char *uri);
int tl_is_known_service_status(const char *uri);

#endif
