/* valnode: helpers shared by path building and revocation (internal). */
#ifndef V_PKI_INT_H
#define V_PKI_INT_H

#include <openssl/asn1.h>
#include <openssl/x509.h>

#include "common/vn_time.h"
#include "trustlists/tl_snapshot.h"

/* An ASN1_TIME (UTCTime or GeneralizedTime) as vn_time; VN_TIME_NONE when
 * t is NULL or unreadable. */
vn_time v_asn1_time(const ASN1_TIME *t);

/* Whether a service type URI names a CA service (".../Svctype/CA/QC",
 * ".../CA/PKC", ".../NationalRootCA-QC"). */
int v_svc_type_is_ca(const char *type);
/* Whether a service type URI names an OCSP service (".../Certstatus/OCSP",
 * ".../Certstatus/OCSP/QC"). */
int v_svc_type_is_ocsp(const char *type);

/* The type of a match: its interval's, else the service's current one. */
const char *v_match_type(const tl_snap_match *m);

#endif
