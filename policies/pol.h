/* valnode: jurisdiction policies (DESIGN.md "Trust: schemes, snapshots,
 * jurisdictions"): one XML file per relying jurisdiction, checked by
 * policies/valnode-policy.xsd and by the semantic rules of pol_load.
 *
 * A pol_policy owns everything below it; pol_free releases it. The engine
 * (node/) reads it; this module never includes node/ headers.
 */
#ifndef POL_H
#define POL_H

#include <stddef.h>

#include "common/vn_err.h"
#include "common/vn_findings.h"
#include "common/vn_time.h"
#include "trustlists/tl_model.h"

#define POL_NS "urn:valnode:policy:1"
#define POL_MAX_SIZE ((size_t)1 << 20)	/* cap on one policy file */
#define POL_MAX_ITEMS 256		/* cap on entries of each kind */

/* Rule levels, in the spirit of DSS's constraint.xml (STANDARDS.md 8). */
typedef enum pol_level {
	POL_IGNORE = 0,
	POL_INFORM,
	POL_WARN,
	POL_FAIL
} pol_level;

/* The lowest signature qualification that passes (TS 119 615 names). */
typedef enum pol_qual {
	POL_QUAL_ANY = 0,	/* any AdES */
	POL_QUAL_ADESIG,
	POL_QUAL_ADESIG_QC,
	POL_QUAL_QESIG
} pol_qual;

/* One entry of the cryptographic suite (TS 119 312 style): an algorithm,
 * for signatures a key-size tier (the entry with the largest min_bits not
 * above the key's size applies), and the date after which it is no longer
 * acceptable (VN_TIME_NONE: does not expire). */
typedef struct pol_algo {
	char *name;
	int min_bits;		/* signatures; 0 for digests */
	vn_time expires;
	int line;
} pol_algo;

/* A declared equivalence for a partner without an EU LOTL entry: the same
 * kind of mapping as an MRA block (STANDARDS.md 3), applied to one
 * territory's services. */
typedef struct pol_pair {
	char *from;		/* the foreign (pointed-party) value */
	char *to;		/* the mapped (pointing-party) value */
} pol_pair;

typedef struct pol_equiv {
	char *id;
	char *territory;
	int enacted;		/* status="enacted" (else repealed) */
	vn_time start;
	pol_pair *types, *statuses, *qualifiers;
	size_t ntypes, nstatuses, nqualifiers;
	tl_strs cc_legislation;	/* QcCClegislation values read as an EU QC */
	int line;
} pol_equiv;

typedef struct pol_policy {
	char *id, *version, *jurisdiction, *purpose;
	char digest[65];	/* SHA-256 of the file bytes, lower-case hex */
	tl_strs schemes;	/* accepted schemes; empty: any */
	tl_strs territories;	/* accepted territories; empty: any */
	pol_qual min_qual;
	pol_level qual_level;
	pol_level crypto_level;
	pol_algo *digests, *sigs;
	size_t ndigests, nsigs;
	pol_level revocation_level;
	long max_revocation_age;	/* seconds */
	int online_revocation;
	long revocation_timeout_ms;
	pol_level timestamp_level;	/* FAIL: a signature timestamp is required */
	pol_level nonrep_level;		/* signing certificate keyUsage nonRepudiation */
	pol_level qcc_level;		/* signing certificate QcCompliance */
	tl_strs cert_policies;		/* signing certificate policies, any of */
	pol_level cert_policy_level;
	long stale_list_grace;		/* seconds after NextUpdate a list still counts;
					 * -1: no limit */
	int lotl_mra;			/* apply the EU LOTL's MRA blocks */
	pol_equiv *equivs;
	size_t nequivs;
} pol_policy;

/* Parse, XSD-validate (xsd_path; NULL: the schema is not checked, for the
 * fuzzer only) and check a policy. Every problem becomes a finding with
 * its line number (codes POL_XML, POL_XSD, POL_BAD_DATE,
 * POL_UNKNOWN_ALGORITHM, POL_CONTRADICTION, POL_DUPLICATE, POL_BAD_VALUE);
 * any ERROR finding makes the result VN_ERR_MALFORMED and *out NULL. On
 * success *out is the caller's (pol_free). */
vn_err pol_load_mem(const unsigned char *buf, size_t len, const char *xsd_path,
		    pol_policy **out, vn_findings *f) VN_WUR VN_NONNULL(1, 4, 5);
/* The same from a file; the XSD is found beside it (valnode-policy.xsd in
 * the same directory) unless xsd_path is given. */
vn_err pol_load_file(const char *path, const char *xsd_path, pol_policy **out,
		     vn_findings *f) VN_WUR VN_NONNULL(1, 3, 4);
void pol_free(pol_policy *p);

const char *pol_level_name(pol_level l);
const char *pol_qual_name(pol_qual q);

/* The cryptographic suite's verdict on an algorithm used at time t. */
typedef enum pol_crypto_verdict {
	POL_CRYPTO_OK = 0,
	POL_CRYPTO_EXPIRED,	/* acceptable only before *expiry */
	POL_CRYPTO_UNKNOWN	/* not in the suite (or key below every tier) */
} pol_crypto_verdict;

/* The earliest expiry of digest and signature (with key_bits) under p:
 * POL_CRYPTO_OK and *expiry VN_TIME_NONE when neither expires,
 * POL_CRYPTO_EXPIRED with *expiry set when one does (the caller compares
 * it with its POE), POL_CRYPTO_UNKNOWN when one is not in the suite. */
pol_crypto_verdict pol_crypto_expiry(const pol_policy *p, const char *digest,
				     const char *sig_alg, int key_bits, vn_time *expiry)
	VN_NONNULL(1, 2, 3, 5);

/* The same for a digest alone (a certificate's signature, whose signing
 * key is the issuer's). */
pol_crypto_verdict pol_digest_expiry(const pol_policy *p, const char *digest, vn_time *expiry)
	VN_NONNULL(1, 2, 3);

/* Whether the name is one this node recognises (digests / signatures). */
int pol_known_digest(const char *name) VN_NONNULL(1);
int pol_known_sig(const char *name) VN_NONNULL(1);

#endif
