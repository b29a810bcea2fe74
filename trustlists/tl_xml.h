/* valnode: locked-down XML reading for trusted lists and other outside XML.
 *
 * Every document from outside goes through tl_xml_read: no network, no entity
 * substitution, no DTD loading, no DTD at all (a document with a DOCTYPE is
 * refused), a size cap and a depth cap.
 */
#ifndef TL_XML_H
#define TL_XML_H

#include <stddef.h>
#include <libxml/tree.h>

#include "common/vn_err.h"

#define TL_XML_MAX_SIZE ((size_t)64 << 20)	/* hard cap on one document */
#define TL_XML_MAX_DEPTH 48			/* element nesting */

/* Call once per process before any XML work (idempotent, thread-safe). */
void tl_xml_global_init(void);

/* Parse buf into *out (free with xmlFreeDoc). On failure *out is NULL, the
 * return is VN_ERR_MALFORMED / VN_ERR_TOO_LARGE / VN_ERR_UNSUPPORTED (DTD),
 * and a one-line reason is written to why (may be NULL). */
vn_err tl_xml_read(const unsigned char *buf, size_t len, xmlDocPtr *out,
		   char *why, size_t whylen) VN_WUR VN_NONNULL(3);

/* Namespaces. */
#define TL_NS_TSL "http://uri.etsi.org/02231/v2#"
#define TL_NS_TSLX "http://uri.etsi.org/02231/v2/additionaltypes#"
#define TL_NS_ECC "http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#"
#define TL_NS_DS "http://www.w3.org/2000/09/xmldsig#"
#define TL_NS_XADES "http://uri.etsi.org/01903/v1.3.2#"
#define TL_NS_MRA "http://ec.europa.eu/tools/lotl/mra/schema/v2#"

/* Whether node is an element named name in namespace ns. */
int tl_xml_is(const xmlNode *node, const char *ns, const char *name);
/* First element child (any name), next element sibling. NULL when none. */
xmlNodePtr tl_xml_first_elem(const xmlNode *node);
xmlNodePtr tl_xml_next_elem(const xmlNode *node);
/* First element child with this namespace and name. */
xmlNodePtr tl_xml_child(const xmlNode *node, const char *ns, const char *name);
/* Text content with surrounding XML whitespace trimmed; malloc'd (free()),
 * NULL on no memory. */
char *tl_xml_text(const xmlNode *node);

#endif
