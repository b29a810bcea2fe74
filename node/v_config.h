/* valnode: the trust configuration: which schemes a node (or one
 * `valnode validate` run) trusts, and how it reaches their lists.
 *
 * The format, shared with the node's configuration file, is line-oriented:
 *   # comment
 *   mirror = FILE            a mirror map (URL<TAB>PATH lines); no network
 *   cache = DIR              keep the last good copy of every list here
 *   offline = true|false     never touch the network (default false)
 *   ca-file = FILE           CAs for https downloads instead of the system's
 *   [scheme NAME]            one per scheme, NAME a short word (guam, eu, az)
 *   lotl = URL               a list of lists ...
 *   tl = URL                 ... or a single national list
 *   signer = FILE            a pinned signer certificate (PEM/DER), repeatable
 * Relative paths are relative to the file's directory. Unknown keys and
 * sections are errors, reported with their line.
 */
#ifndef V_CONFIG_H
#define V_CONFIG_H

#include <openssl/x509.h>

#include "common/vn_err.h"
#include "common/vn_findings.h"

#define V_MAX_SCHEMES 64

typedef struct v_scheme_cfg {
	char *name;
	char *url;
	int is_lotl;
	STACK_OF(X509) *signers;	/* owned */
} v_scheme_cfg;

typedef struct v_trust_cfg {
	char *mirror;			/* owned, absolute or NULL */
	char *cache;
	char *ca_file;
	int offline;
	v_scheme_cfg *schemes;		/* owned */
	size_t nschemes;
} v_trust_cfg;

void v_trust_cfg_init(v_trust_cfg *c) VN_NONNULL(1);
void v_trust_cfg_free(v_trust_cfg *c);
/* The line-oriented configuration files' one trimming rule: s without
 * leading blanks and trailing blanks or CR, in place. */
char *v_cfg_trim(char *s) VN_NONNULL(1);

/* Read the trust part of a configuration file. Errors give a
 * "file:line: reason" message in why. */
vn_err v_trust_cfg_load(const char *path, v_trust_cfg *c, char *why, size_t whylen) VN_WUR
	VN_NONNULL(1, 2);
/* Add one scheme (command-line --lotl/--tl); takes ownership of signers. */
vn_err v_trust_cfg_add(v_trust_cfg *c, const char *name, const char *url, int is_lotl,
		       STACK_OF(X509) *signers) VN_WUR VN_NONNULL(1, 3);

struct tl_snapshot;
struct tl_walk_entry;
/* Called for every list a walk meets (before its list moves into the
 * snapshot); an error stops the build. */
typedef vn_err (*v_trust_entry_fn)(void *arg, const char *scheme,
				   const struct tl_walk_entry *en);

/* Walk every scheme of c (through its mirror, cache, offline setting) into
 * one trust snapshot. Lists that are not valid leave a note (V_TRUST_LIST,
 * level warning) in notes; no usable list at all while schemes are
 * configured is VN_ERR_UNAVAILABLE with the reason in why. */
vn_err v_trust_build(const v_trust_cfg *c, struct tl_snapshot **out, vn_findings *notes,
		     char *why, size_t whylen) VN_WUR VN_NONNULL(1, 2, 3);
/* The same, calling on_entry (may be NULL) for every list met. */
vn_err v_trust_build_ex(const v_trust_cfg *c, struct tl_snapshot **out, vn_findings *notes,
			v_trust_entry_fn on_entry, void *arg, char *why, size_t whylen) VN_WUR
	VN_NONNULL(1, 2, 3);

#endif
