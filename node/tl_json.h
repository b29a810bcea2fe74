/* valnode: JSON views of trusted-list models and results (jansson). */
#ifndef VN_TL_JSON_H
#define VN_TL_JSON_H

#include <jansson.h>
#include <openssl/x509.h>

#include "common/vn_findings.h"
#include "common/vn_jsonw.h"
#include "common/vn_time.h"
#include "trustlists/tl_model.h"

/* RFC 3339 string, or JSON null for VN_TIME_NONE. New reference. */
json_t *vn_json_time(vn_time t);
/* A string or JSON null. New reference. */
json_t *vn_json_strornull(const char *s);
/* [{code, level, message}, ...]. New reference. */
json_t *vn_json_findings(const vn_findings *f);
/* {subject, issuer, serial, sha256, notBefore, notAfter} of a certificate,
 * rendered once per decoded certificate and kept beside it (vn_cert_memo).
 * New reference; JSON null for NULL; NULL when out of memory. */
json_t *vn_json_cert(X509 *x);
/* The same with the subject's commonName (when it has one), as a
 * signature report names its signer. */
json_t *vn_json_signer(X509 *x);
/* The same objects (cert 0, signer 1) written by a streaming writer,
 * from the same rendering; null for NULL. */
void vn_json_cert_write(vn_jw *w, X509 *x, int with_cn) VN_NONNULL(1);
/* The subject as those objects render it: a new NUL-terminated string
 * (free() it) of *len bytes, or NULL when x has none that renders (or on
 * no memory). */
char *vn_json_cert_subject(X509 *x, size_t *len) VN_NONNULL(2);
json_t *vn_json_cert_der(const unsigned char *der, size_t n);
/* The whole list: scheme information, pointers, and (when services is set)
 * every TSP and service with its history. New reference. */
json_t *vn_json_list(const tl_list *l, int services);
/* Print a JSON value on stdout, followed by a newline; steals the reference. */
void vn_json_print(json_t *v);

#endif
