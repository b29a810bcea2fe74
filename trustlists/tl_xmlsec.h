/* valnode: process-wide xmlsec1 (OpenSSL backend) initialisation. */
#ifndef TL_XMLSEC_H
#define TL_XMLSEC_H

#include "common/vn_err.h"

/* Initialise libxml2 (tl_xml_global_init), xmlsec, its crypto app layer and
 * the OpenSSL crypto backend, once per process (pthread_once; thread-safe,
 * idempotent). Checks that the loaded xmlsec library matches the headers.
 * Returns the outcome of the one initialisation: VN_OK, or VN_ERR_CRYPTO. */
vn_err tl_xmlsec_init(void) VN_WUR;

#endif
