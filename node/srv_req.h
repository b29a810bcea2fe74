/* valnode: the request bodies of POST /v1/validate and POST /v1/verify
 * (the ETSI TS 119 442 JSON binding, STANDARDS.md 6), parsed into one
 * internal request. Pure: no I/O, no trust, no URL is ever taken from a
 * request (refURI, sigValPolLocs and the like are ignored).
 *
 * /v1/validate:
 *   {"signature": B64 | "raw": {...}, "documents": [{"name", "data": B64}]
 *    | "digests": [{"alg": "SHA-256", "value": B64}], "policy": ID,
 *    "validationTime": RFC3339, "reports": ["json", "etsi-xml"]}
 * /v1/verify:
 *   {"reqID", "sigObj": [{"b64Sig": {"val": B64}}], "inDocs": {"doc":
 *    [{"b64Data": B64}] | "docHash": [{"dis": [{"alg": URI, "val": B64}]}]},
 *    "optInp": {"policy": [URI], "useSigValPol": {"sigValPolId": URI},
 *    "useVerificationTime": {"currTime": true | "specTime": RFC3339}}}
 */
#ifndef SRV_REQ_H
#define SRV_REQ_H

#include <stddef.h>
#include <jansson.h>

#include "common/vn_err.h"
#include "common/vn_time.h"

typedef enum srv_req_kind { SRV_REQ_VALIDATE = 0, SRV_REQ_VERIFY } srv_req_kind;

#define SRV_REQ_MAX_DEPTH_DEFAULT 32
#define SRV_REQ_MAX_ITEMS 16	/* documents, digests, sigObj, dis entries */
#define SRV_REQ_MAX_NAME 256

typedef struct srv_request {
	srv_req_kind kind;
	unsigned char *sig;	/* owned: CMS bytes (or a raw object's JSON text given
				 * base64 in "signature"); NULL with raw */
	size_t siglen;
	int raw;		/* the API's raw Mobile-ID object was given */
	json_t *raw_json;	/* a reference: the value of "raw" (v_raw_parse_json),
				 * parsed once, or NULL */
	unsigned char *doc;	/* owned: the detached document, or NULL */
	size_t doclen;
	char doc_name[SRV_REQ_MAX_NAME];
	char digest_alg[16];	/* "SHA-256", ... or "" */
	unsigned char digest[64];
	size_t digest_len;
	char policy[128];	/* as asked ("" = the default policy) */
	vn_time at;		/* VN_TIME_NONE: now */
	int want_json, want_xml;
	char *req_id;		/* owned: TS 119 442 reqID to echo, or NULL */
} srv_request;

void srv_request_init(srv_request *r) VN_NONNULL(1);
void srv_request_free(srv_request *r);

/* The deepest nesting of arrays and objects in a JSON text (strings are
 * skipped), without parsing it; stops counting past max + 1. */
size_t srv_json_depth(const char *p, size_t n, size_t max) VN_NONNULL(1);

/* Parse a body of n bytes (no NUL needed) into out (initialised here; free
 * with srv_request_free whatever the outcome). On failure *status is the
 * HTTP status to answer: 400 when the body is not JSON, nests deeper than
 * max_depth or is not an object; 422 when it is JSON but not a request
 * (a missing or mistyped member, base64 that does not decode, a time that
 * is not RFC 3339, an unknown digest algorithm, too many items); and why
 * says which member and how, for the problem's detail. */
vn_err srv_req_parse(srv_req_kind kind, const char *body, size_t n, size_t max_depth,
		     size_t max_item, srv_request *out, int *status, char *why, size_t whylen)
	VN_WUR VN_NONNULL(2, 6, 7);

/* "SHA-256" for a digest algorithm name or XML digest URI the node
 * accepts (SHA-256/384/512), NULL otherwise. */
const char *srv_digest_alg(const char *name) VN_NONNULL(1);

#endif
