/* valnode: ASiC containers (EN 319 162-1): ASiC-E with XAdES or CAdES
 * signatures, ASiC-S with one data file and an XAdES, CAdES or RFC 3161
 * timestamp token. The container layer opens the ZIP under caps, checks
 * the container's own format (mimetype, manifests), hands each signature
 * file to the XAdES or CMS parser with the data files as detached
 * documents, and records which data files each signature covers.
 */
#ifndef V_ASIC_H
#define V_ASIC_H

#include <stddef.h>

#include "common/vn_err.h"
#include "common/vn_findings.h"
#include "node/v_engine.h"
#include "node/v_format.h"
#include "node/v_sigobj.h"

/* Caps on a container (DESIGN.md "every input has a cap"). */
#define V_ASIC_MAX_ENTRIES 1024
#define V_ASIC_MAX_ENTRY ((size_t)64 << 20)	/* uncompressed, per entry */
#define V_ASIC_MAX_TOTAL ((size_t)256 << 20)	/* uncompressed, all entries */
#define V_ASIC_MAX_RATIO 100			/* uncompressed / compressed */

typedef enum v_asic_type {
	V_ASIC_E = 0,
	V_ASIC_S
} v_asic_type;

typedef struct v_asic_file {
	char name[V_DOCNAME_MAX];	/* entry name */
	unsigned char *bytes;		/* owned */
	size_t len;
} v_asic_file;

typedef struct v_container {
	v_asic_type type;
	char mimetype[128];		/* the mimetype entry, or "" when absent */
	v_asic_file *files;		/* owned: the data files (not META-INF/, not mimetype) */
	size_t nfiles;
	v_sigobj *sigs;			/* owned: every signature found, in entry order */
	size_t nsigs;
	/* Per signature, the name of the signature file it came from. */
	char (*sigfile)[V_DOCNAME_MAX];	/* owned, nsigs entries */
	/* ASiC-S with META-INF/timestamp.tst: the RFC 3161 token as a content
	 * timestamp over the data file (token = the DER, imprint_input = the
	 * file's bytes) for the engine to validate, or NULL. tst_check is what
	 * the container layer found: V_CHECK_OK (the imprint matches the file),
	 * V_CHECK_FORMAT_FAILURE (not a token), V_CHECK_HASH_FAILURE (imprint
	 * differs), V_CHECK_SIGNED_DATA_NOT_FOUND (no single data file). */
	v_timestamp *tst;		/* owned */
	v_check tst_check;
	/* The engine's verdict on tst once v_container_timestamp (v_input.h)
	 * has validated it, or NULL. */
	v_ts_result *tst_result;	/* owned */
	/* FC of the container itself: V_CHECK_OK or V_CHECK_FORMAT_FAILURE. */
	v_check check;
	vn_findings findings;		/* container-level findings, stable codes */
} v_container;

void v_container_init(v_container *c) VN_NONNULL(1);
/* Frees what c owns (not c itself); NULL is a no-op. */
void v_container_free(v_container *c);

/* Open an ASiC container from its bytes into *out (initialised by the
 * callee). A container whose structure is wrong (bad or misplaced
 * mimetype, a signature without its manifest, a data file no signature
 * covers, ...) is a verdict: out->check and out->findings, and each
 * signature's own check, not an error. Errors: VN_ERR_MALFORMED (not a
 * ZIP at all, or a ZIP we refuse to read: an unsafe or duplicate entry
 * name, an encrypted entry, a compression other than stored / deflate, an
 * entry whose bytes differ from its declared size or CRC), VN_ERR_TOO_LARGE
 * (a cap: entries, per-entry or total size, compression ratio, signatures),
 * VN_ERR_NOMEM; why says which. On error *out is left initialised and
 * empty. */
vn_err v_asic_parse(const unsigned char *zip, size_t n, v_container *out, char *why,
		    size_t whylen) VN_WUR VN_NONNULL(1, 3);

#endif
