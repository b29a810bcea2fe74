/* valnode: one-time set-up of xmlsec1 (OpenSSL backend).
 *
 * xmlsec, its crypto "app" layer and its crypto library must be initialised
 * once per process before any signature is made or checked; the verifier
 * (tl_sig_verify.c) and the signer (tl_sign.c) both call tl_xmlsec_init first.
 */
#ifndef TL_XMLSEC_H
#define TL_XMLSEC_H

#include "common/vn_err.h"

/* Initialise libxml2 (through tl_xml_global_init), xmlsec, the xmlsec
 * OpenSSL app layer and crypto library, once; thread-safe (pthread_once).
 * xmlsec's own error printing is silenced: callers report through findings.
 * Every later call returns the first call's outcome: VN_OK, or
 * VN_ERR_CRYPTO when xmlsec could not be set up (version mismatch, ...). */
vn_err tl_xmlsec_init(void) VN_WUR;

#endif
