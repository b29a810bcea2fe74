/* valnode: walking a scheme: a list of lists, its pivots and every list it
 * points to, each fetched (network, file: or mirror), parsed, verified with
 * the certificates that vouch for it, and kept on disk as the last good copy.
 *
 * A bad download never replaces a good list: when a newer copy is invalid,
 * older (a lower sequence number: rollback) or unreachable, the cached copy
 * stays in use (its signature is checked again before use). The walk goes on
 * when one list fails and reports every list it met.
 */
#ifndef TL_WALK_H
#define TL_WALK_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/x509.h>

#include "common/vn_err.h"
#include "common/vn_findings.h"
#include "common/vn_time.h"
#include "common/vn_verdict.h"
#include "trustlists/tl_cache.h"
#include "trustlists/tl_fetch.h"
#include "trustlists/tl_model.h"

typedef enum tl_state {
	TL_STATE_VALID = 0,
	TL_STATE_EXPIRED,		/* NextUpdate before the walk time */
	TL_STATE_CLOSED,		/* empty NextUpdate: no further issues */
	TL_STATE_SIGNATURE_FAILED,	/* TOTAL-FAILED or a non-trust INDETERMINATE */
	TL_STATE_UNTRUSTED_SIGNER,	/* signer not among the vouching certificates */
	TL_STATE_UNREACHABLE,		/* no copy could be had */
	TL_STATE_PARSE_ERROR,		/* not XML, not a trusted list */
	TL_STATE_ROLLBACK		/* only an older copy than one seen before */
} tl_state;

typedef enum tl_update {
	TL_UPDATE_NEW = 0,		/* a new copy was fetched and accepted */
	TL_UPDATE_NOT_MODIFIED,		/* 304, or the same bytes again */
	TL_UPDATE_REJECTED_INVALID,	/* fetched copy refused, cached one kept */
	TL_UPDATE_REJECTED_ROLLBACK,	/* fetched copy older than cached, kept */
	TL_UPDATE_UNREACHABLE,		/* fetch failed, cached one (if any) kept */
	TL_UPDATE_NONE			/* nothing usable at all */
} tl_update;

typedef enum tl_kind { TL_KIND_LOTL = 0, TL_KIND_PIVOT, TL_KIND_TL } tl_kind;

typedef struct tl_walk_entry {
	char *url;
	tl_kind kind;
	char *territory;	/* from the list, else from its pointer */
	char *pointer_territory;	/* what the pointer announced, or NULL */
	tl_state state;		/* of the copy in use (or of the failure) */
	tl_update update;
	vn_indication indication;
	vn_subind sub;
	uint64_t seq;		/* of the copy in use; 0 when none */
	vn_time issued, next_update;
	size_t services;
	int from_cache;		/* the copy in use came from the cache */
	X509 *signer;		/* owned, when known */
	tl_list *list;		/* owned: the verified list in use, or NULL */
	tl_list *unverified;	/* owned: the fetched copy's model when it was
				 * refused (pivot discovery), or NULL */
	vn_findings findings;
} tl_walk_entry;

typedef struct tl_walk_result {
	tl_walk_entry *entries;
	size_t n;
} tl_walk_result;

typedef struct tl_walk_opts {
	STACK_OF(X509) *anchors;	/* pinned signers of the start list; not owned */
	vn_time at;			/* judge expiry at this time; VN_TIME_NONE: now */
	tl_fetch_opts fetch;		/* network, mirror, caps */
	tl_cache *cache;		/* optional; not owned */
	int follow_pivots;		/* EU pivot LOTLs (default on) */
	size_t max_pivots;		/* cap (default 16) */
	size_t max_lists;		/* cap on pointed lists (default 256) */
	int follow_pointers;		/* walk the pointed lists (default on) */
} tl_walk_opts;

void tl_walk_opts_init(tl_walk_opts *o) VN_NONNULL(1);
void tl_walk_result_free(tl_walk_result *r);

/* Walk the scheme that starts at url. A start list that is a list of lists
 * is followed (pivots, then pointers); a single trusted list is reported as
 * one entry. Returns an error only when the walk could not run at all. */
vn_err tl_walk(const char *url, const tl_walk_opts *o, tl_walk_result *out) VN_WUR
	VN_NONNULL(1, 2, 3);

/* Load one list: fetch, parse, verify with anchors, apply the cache policy.
 * entry is filled in (and owned by the caller: tl_walk_entry_free). */
vn_err tl_load_list(const char *url, tl_kind kind, STACK_OF(X509) *anchors,
		    const tl_walk_opts *o, tl_walk_entry *entry) VN_WUR VN_NONNULL(1, 4, 5);
void tl_walk_entry_free(tl_walk_entry *e);

/* Move every verified list in use out of the walk (entry->list becomes
 * NULL) into a snapshot builder, tagged with the scheme and the list's URL.
 * Lists of lists carry no services and are added too (for their pointers). */
struct tl_snapshot_builder;
vn_err tl_walk_to_snapshot(tl_walk_result *r, struct tl_snapshot_builder *b,
			   const char *scheme) VN_WUR VN_NONNULL(1, 2);

const char *tl_state_name(tl_state s);
const char *tl_update_name(tl_update u);
const char *tl_kind_name(tl_kind k);

/* The XML pointers of a list of lists (TSL XML mime type, or no mime type
 * and a location ending in .xml / .xtsl). */
int tl_pointer_is_xml(const tl_pointer *p) VN_NONNULL(1);
/* The self-pointer of a list of lists: its XML pointer whose type is a list
 * of lists; its certificates announce who signs the next one (the EU pivot
 * mechanism, STANDARDS.md 2.1). NULL when there is none. Borrowed from l. */
const tl_pointer *tl_lotl_self_pointer(const tl_list *l) VN_NONNULL(1);
/* Certificates a pointer announces (DER in its SDIs) as a new stack. */
STACK_OF(X509) *tl_pointer_certs(const tl_pointer *p) VN_NONNULL(1);

#endif
