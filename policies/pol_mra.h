/* valnode: trust-service equivalence (STANDARDS.md section 3, as DSS
 * implements it): the EU LOTL's mra:MutualRecognitionAgreementInformation
 * blocks, and the equivalences a policy declares for partners with no LOTL
 * entry, as one model and one pure translation layer: a foreign service
 * interval and the certificate's QC statements in, an EU-vocabulary record
 * out, the original kept for the report.
 */
#ifndef POL_MRA_H
#define POL_MRA_H

#include <stddef.h>

#include "common/vn_err.h"
#include "common/vn_findings.h"
#include "common/vn_time.h"
#include "policies/pol.h"
#include "trustlists/tl_model.h"

#define POL_MRA_ENACTED "http://ec.europa.eu/tools/lotl/mra/enacted"
#define POL_MRA_REPEALED "http://ec.europa.eu/tools/lotl/mra/repealed"
#define POL_MRA_CTX_QCCOMPLIANCE "http://ec.europa.eu/tools/lotl/mra/QcCompliance"
#define POL_MRA_CTX_QCTYPE "http://ec.europa.eu/tools/lotl/mra/QcType"
#define POL_MRA_CTX_QCQSCD "http://ec.europa.eu/tools/lotl/mra/QcQSCD"
#define POL_MRA_MAX_EQUIVS 64
#define POL_MRA_MAX_DEPTH 8

/* What a certificate says of itself, in the terms MRA content rules speak
 * (EN 319 412-5 statements). */
typedef struct pol_qc {
	int compliance, sscd, esign, eseal, web;
	char cc[64];		/* QcCClegislation countries, comma-separated */
} pol_qc;

/* mra:QcStatement: an id and optionally a QcType OID or a country. */
typedef struct pol_qcst {
	char *oid;
	char *qctype;		/* QcStatementInfo/QcType, or NULL */
	char *cc;		/* QcStatementInfo/QcCClegislation, or NULL */
} pol_qcst;

typedef struct pol_qcset {
	pol_qcst *v;
	size_t n;
} pol_qcset;

/* ecc:CriteriaList restricted to what MRA content declarations use:
 * nested lists and mra:QcStatementSet entries in otherCriteriaList. */
typedef struct pol_crit {
	enum tl_assert assert_;
	struct pol_crit *nested;
	size_t nnested;
	pol_qcset *sets;
	size_t nsets;
	int unknown;		/* content we do not read: matches nothing */
} pol_crit;

enum { POL_CTX_QCCOMPLIANCE = 0, POL_CTX_QCTYPE, POL_CTX_QCQSCD, POL_CTX_OTHER };

typedef struct pol_ccref {
	int context;
	pol_crit pointing, pointed;
} pol_ccref;

typedef struct pol_svctype {
	char *type;
	char *asi;		/* or NULL */
} pol_svctype;

/* One period of an equivalence: the current TrustServiceEquivalenceInformation
 * or one TrustServiceEquivalenceHistoryInstance. */
typedef struct pol_mra_period {
	int enacted;
	vn_time start;
	vn_time end;		/* the start of the next newer period, or NONE */
	pol_svctype *pointing_types, *pointed_types;
	size_t npointing_types, npointed_types;
	tl_strs valid_pointing, valid_pointed, invalid_pointing, invalid_pointed;
	pol_ccref *refs;
	size_t nrefs;
	int has_qmap;		/* a qualifier equivalence list is given */
	pol_pair *qmap;		/* from = pointed, to = pointing */
	size_t nqmap;
} pol_mra_period;

typedef struct pol_mra_equiv {
	char *legal_id;
	pol_mra_period *periods;	/* [0] current, then history */
	size_t nperiods;
} pol_mra_equiv;

typedef struct pol_mra {
	char *origin;		/* "lotl" or "policy:<equivalence id>" */
	char *pointing_legislation, *pointed_legislation;
	long technical_type, version, depth;
	pol_mra_equiv *equivs;
	size_t nequivs;
} pol_mra;

/* Parse a serialised MutualRecognitionAgreementInformation element (as
 * tl_pointer.mra_xml holds it). Problems become findings (POL_MRA_*);
 * only memory and an element that is not one give an error. */
vn_err pol_mra_parse(const char *xml, pol_mra **out, vn_findings *f) VN_WUR VN_NONNULL(1, 2);
/* The same model from a policy's declared equivalence. */
vn_err pol_mra_from_equiv(const pol_equiv *eq, pol_mra **out) VN_WUR VN_NONNULL(1, 2);
void pol_mra_free(pol_mra *m);

/* The translated view of one service interval. */
typedef struct pol_mapped {
	tl_service_entry entry;	/* EU vocabulary; its type, status, asi and
				 * quals are owned (pol_mapped_free), the rest
				 * borrowed from the original */
	const tl_service_entry *orig;
	const char *legal_id;	/* borrowed from the model */
	const char *origin;
	int cert_mapped;	/* the certificate content was translated */
	pol_qc qc;		/* the certificate's translated QC view */
} pol_mapped;

/* Translate interval e (of a list the MRA points at) for a certificate
 * issued at cert_nb with QC view qc, at time t (STANDARDS.md 3.3): the
 * equivalence whose period in force at t is enacted and whose pointed
 * type (and ASI) and status lists hold the service's; none or more than
 * one matching gives 0 (no translation: the caller falls back to the
 * original, unmapped). 1: *out filled (pol_mapped_free). -1: no memory. */
int pol_mra_map(const pol_mra *m, const tl_service_entry *e, vn_time cert_nb,
		const pol_qc *qc, vn_time t, pol_mapped *out) VN_NONNULL(1, 2, 4, 6);
void pol_mapped_free(pol_mapped *m);

/* Whether a content declaration selects the certificate (exported for
 * tests). */
int pol_crit_match(const pol_crit *c, const pol_qc *qc) VN_NONNULL(1, 2);

#endif
