/* valnode: the validation engine's shared types: what it trusts, the
 * (built-in, until jurisdiction policies land) validation policy, and the
 * result of validating one signature (EN 319 102-1 indication, sub-indication,
 * TS 119 615 qualification, and everything a report shows).
 */
#ifndef V_ENGINE_H
#define V_ENGINE_H

#include <stddef.h>
#include <openssl/x509.h>

#include "common/vn_err.h"
#include "common/vn_findings.h"
#include "common/vn_time.h"
#include "common/vn_verdict.h"
#include "trustlists/tl_snapshot.h"

struct v_revcache;	/* node/v_rev.h */
struct pol_policy;	/* policies/pol.h */

/* What the engine trusts. */
typedef struct v_trust {
	tl_snapshot *snapshot;		/* verified lists; may be NULL; not owned */
	STACK_OF(X509) *anchors;	/* bare trust anchors (--anchor), outside any
					 * list: no TL qualification; not owned */
} v_trust;

/* The validation policy: the built-in default (pol NULL), or a
 * jurisdiction policy (policies/pol.h) whose rules fill these fields and
 * which the engine consults for the rest (crypto suite by date, accepted
 * schemes, equivalences, required qualification). */
typedef struct v_policy {
	const char *id;			/* "default" */
	const char *version;		/* "1" */
	const char *digest;		/* SHA-256 of the policy file (hex); NULL
					 * for the built-in default */
	const char *jurisdiction;	/* NULL for the built-in default */
	const struct pol_policy *pol;	/* the loaded policy; not owned; NULL:
					 * built-in rules */
	int online_revocation;		/* may fetch OCSP/CRL over the network */
	long revocation_timeout_ms;
	long max_revocation_age;	/* seconds: OCSP thisUpdate / CRL thisUpdate
					 * no older than this before the validation
					 * time (freshness), when nextUpdate is absent */
	int require_timestamp;
	int min_rsa_bits;		/* 1900 (TS 119 312 until 2029) */
	int min_ec_bits;		/* 256 */
	size_t max_chain;		/* cap on path length */
} v_policy;

/* The engine's context for a batch of validations (one per request or run).
 * Everything is borrowed; the context owns nothing. */
typedef struct v_ctx {
	const v_trust *trust;
	const v_policy *policy;
	struct v_revcache *revcache;	/* may be NULL: no caching */
	struct v_tscache *tscache;	/* timestamp validations (v_tscache.h); may be NULL */
	const char *ocsp_ca_file;	/* extra CAs for https OCSP/CRL; NULL: system */
	struct v_sigmemo *sigmemo;	/* OCSP signatures found valid (v_sigmemo.h); may be NULL */
} v_ctx;

void v_policy_default(v_policy *p) VN_NONNULL(1);

/* TS 119 615 / DSS signature qualification. */
typedef enum v_qual {
	V_QUAL_QESIG = 0,
	V_QUAL_QESEAL,
	V_QUAL_ADESIG_QC,
	V_QUAL_ADESEAL_QC,
	V_QUAL_ADESIG,
	V_QUAL_ADESEAL,
	V_QUAL_NOT_ADES,
	V_QUAL_INDETERMINATE
} v_qual;

/* "QESig", "QESeal", "AdESig-QC", "AdESeal-QC", "AdESig", "AdESeal",
 * "NotAdES", "Indeterminate" (DESIGN.md's JSON names). */
const char *v_qual_name(v_qual q);

/* Revocation status of one certificate at a time. */
typedef enum v_rev_status {
	V_REV_GOOD = 0,
	V_REV_REVOKED,
	V_REV_UNKNOWN		/* not obtainable or not trustworthy: never "good" */
} v_rev_status;

typedef enum v_rev_source {
	V_REVSRC_NONE = 0,
	V_REVSRC_EMBEDDED_OCSP,
	V_REVSRC_EMBEDDED_CRL,
	V_REVSRC_ONLINE_OCSP,
	V_REVSRC_ONLINE_CRL,
	V_REVSRC_CACHE
} v_rev_source;

typedef struct v_rev_result {
	v_rev_status status;
	v_rev_source source;
	vn_time revocation_time;	/* REVOKED: when; else NONE */
	int reason;			/* CRLReason, -1 when none */
	vn_time this_update, next_update, produced_at;
	char responder[256];		/* OCSP responder / CRL issuer, readable */
	char why[256];			/* UNKNOWN: the reason, for the finding */
} v_rev_result;

/* One timestamp token's verdict. */
typedef struct v_ts_result {
	int kind;			/* v_ts_kind */
	vn_indication indication;
	vn_subind sub;
	vn_time gen_time;		/* genTime; NONE when unreadable */
	X509 *tsa;			/* owned; the TSA certificate */
	int qualified;			/* TSA under a TSA/QTST service granted at genTime */
	char tsa_name[256];
} v_ts_result;

/* Everything the engine concluded about one signature. */
typedef struct v_result {
	char id[32];
	vn_indication indication;
	vn_subind sub;
	v_qual qualification;
	char process[8];		/* "Basic", "LTVM", "LTA" (TS 119 102-2 process id) */
	char format[32];		/* "RAW", "CMS", "CAdES-BASELINE-B" ... "-LTA" */
	X509 *signer;			/* owned */
	STACK_OF(X509) *chain;		/* owned: signer ... trust anchor, as built */
	vn_time claimed_time;		/* the signing time the signature claims */
	vn_time best_signature_time;	/* EN 319 102-1 5.6.2.1 */
	vn_time validation_time;
	/* The trust anchor: a list service or a bare anchor. */
	int trusted_by_list;
	char scheme[64], territory[32], tsp[256], service[256];
	char service_type[160], service_status[160];
	/* A foreign service read through an equivalence (an MRA block of the
	 * LOTL, or one the policy declares): service_type/service_status
	 * above are the mapped values, these the list's own. */
	int mapped;
	char mapping[96];		/* "lotl:<legal id>" or "policy:<id>" */
	char orig_service_type[160], orig_service_status[160];
	char orig_qc_legislation[64];	/* QcCClegislation before translation */
	int qc_mapped;			/* the certificate's QC view was translated */
	v_rev_result revocation;	/* of the signing certificate */
	v_ts_result *timestamps;	/* owned */
	size_t ntimestamps;
	char cert_qualification[48];	/* e.g. "QC for eSig with QSCD" at signing time */
	char sig_policy[128];		/* the signature policy the signature names
					 * (an OID, e.g. BDOC's), or "" */
	vn_findings findings;		/* stable codes (V_*), with levels */
} v_result;

void v_result_init(v_result *r) VN_NONNULL(1);
void v_result_free(v_result *r);

#endif
