/* libvalnode: validate signatures in-process.
 *
 *   vn_node *node = NULL;
 *   char err[256];
 *   if (vn_node_open("valnode.conf", &node, err, sizeof err) != 0) ...
 *   vn_result *res = NULL;
 *   if (vn_validate(node, sig, siglen, data, datalen, VN_NOW, &res) == 0) {
 *       printf("%s %s\n", vn_result_indication(res), vn_result_qualification(res));
 *       vn_result_free(res);
 *   }
 *   vn_node_free(node);
 *
 * A node holds a trust snapshot (the verified trusted lists of the schemes
 * its configuration names) and the validation policy; it may be shared by
 * several threads calling vn_validate at once. Ownership is stated on each
 * function; every _free accepts NULL.
 */
#ifndef VALNODE_VALNODE_H
#define VALNODE_VALNODE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define VN_API __attribute__((visibility("default")))
#else
#define VN_API
#endif

typedef struct vn_node vn_node;
typedef struct vn_result vn_result;

/* The validation time "now". Otherwise seconds since the epoch, UTC. */
#define VN_NOW INT64_MIN

/* Open a node from a configuration file ([scheme NAME] sections with lotl or
 * tl and signer lines; mirror, cache, offline: see valnode(1)). Walks and
 * verifies the lists now. Returns 0 and a node the caller frees with
 * vn_node_free, or -1 with a message in err. config may be NULL for a node
 * with bare anchors only (vn_node_add_anchor). */
VN_API int vn_node_open(const char *config, vn_node **node, char *err, size_t errlen);

/* Trust a certificate (DER or PEM) directly, outside any list. The bytes are
 * copied. Returns 0, or -1 when they are not a certificate. Not thread-safe
 * with concurrent vn_validate calls on the same node. */
VN_API int vn_node_add_anchor(vn_node *node, const unsigned char *cert, size_t len);

/* Validate under a jurisdiction policy from now on: its short id ("eu",
 * "ee", "az", ...: the files of the policy directory, see valnode(1)), its
 * URI, or the path of a policy file; "default" (or "") is the built-in
 * policy. Returns 0, or -1 with a message in err when there is no such
 * policy or it does not load; the node's policy is then unchanged. An
 * offline node stays offline. Not thread-safe with concurrent vn_validate
 * calls on the same node. */
VN_API int vn_node_set_policy(vn_node *node, const char *policy, char *err, size_t errlen);

/* Never fetch OCSP responses or CRLs over the network (default: allowed). */
VN_API void vn_node_set_offline(vn_node *node, int offline);

VN_API void vn_node_free(vn_node *node);

/* Validate a signature: a raw Mobile-ID JSON object, CMS/CAdES (DER or
 * PEM), XAdES (an XML document) or an ASiC-E/ASiC-S container; data is the
 * signed document of a detached signature (or NULL). For a document with
 * several signatures the result is the first; see vn_result_count /
 * vn_result_json for all. For a container, vn_result_indication and
 * vn_result_subindication give the container's own verdict (the worst of
 * its signatures, and not TOTAL-PASSED while a data file is unsigned). Returns 0 and a result the caller
 * frees with vn_result_free (a failed signature is a result, not an error),
 * or -1 when the input is not a signature or the validation could not run,
 * with a message in err (may be NULL). */
VN_API int vn_validate(vn_node *node, const unsigned char *sig, size_t siglen,
		       const unsigned char *data, size_t datalen, int64_t at, vn_result **out,
		       char *err, size_t errlen);

/* "TOTAL-PASSED", "TOTAL-FAILED" or "INDETERMINATE". Owned by the result. */
VN_API const char *vn_result_indication(const vn_result *r);
/* An EN 319 102-1 sub-indication name, or NULL. Owned by the result. */
VN_API const char *vn_result_subindication(const vn_result *r);
/* "QESig", "QESeal", "AdESig-QC", "AdESeal-QC", "AdESig", "AdESeal",
 * "NotAdES" or "Indeterminate". Owned by the result. */
VN_API const char *vn_result_qualification(const vn_result *r);
/* Number of signatures the input held. */
VN_API size_t vn_result_count(const vn_result *r);
/* The whole report as DESIGN.md's JSON (one object, {"signatures":
 * [...]}, or {"container": {...}, "signatures": [...]}). A new string the caller frees with vn_free. */
VN_API char *vn_result_json(const vn_result *r);
VN_API void vn_result_free(vn_result *r);

/* Free memory the library handed over (strings from vn_result_json). */
VN_API void vn_free(void *p);

#ifdef __cplusplus
}
#endif

#endif
