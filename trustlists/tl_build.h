/* valnode: build a TS 119 612 (v2.4.1, TSLVersionIdentifier 6) trusted list
 * from a "tlspec" description.
 *
 * The format is defined, with a commented example, in
 * interop/demo/example.tlspec. The spec is outside input: it is capped
 * (TL_BUILD_MAX_SPEC bytes, TL_BUILD_MAX_LINE bytes a line), unknown sections
 * and keys, bad times, URIs and OIDs, missing required keys and misplaced
 * sections are refused. Every problem becomes one finding (code TL_BUILD_*,
 * level error) whose message starts with "spec:LINE: ".
 *
 * The output is unsigned; its elements are in XSD order with every required
 * element present, so it validates against ts_119612v020401_xsd.xsd.
 */
#ifndef TL_BUILD_H
#define TL_BUILD_H

#include <stddef.h>
#include <libxml/tree.h>

#include "common/vn_err.h"
#include "common/vn_findings.h"

#define TL_BUILD_MAX_SPEC ((size_t)1 << 20)	/* 1 MiB */
#define TL_BUILD_MAX_LINE 4096			/* bytes, without the newline */
#define TL_BUILD_MAX_CERT ((size_t)1 << 20)	/* one certificate file */

/* Build from the spec file at spec_path; certificate paths are resolved
 * relative to the spec's directory. On VN_OK *out is a new document (the
 * caller frees it with xmlFreeDoc); otherwise *out is NULL and errors (the
 * caller's, initialised) says why. Errors: VN_ERR_NOT_FOUND (spec or a
 * certificate file missing), VN_ERR_TOO_LARGE, VN_ERR_MALFORMED, VN_ERR_NOMEM. */
vn_err tl_build(const char *spec_path, xmlDocPtr *out, vn_findings *errors)
	VN_WUR VN_NONNULL(1, 2, 3);

/* The same over text in memory (len bytes, need not be NUL-terminated).
 * basedir: where relative certificate paths start (NULL: the current
 * directory). */
vn_err tl_build_mem(const char *text, size_t len, const char *basedir, xmlDocPtr *out,
		    vn_findings *errors) VN_WUR VN_NONNULL(1, 4, 5);

#endif
