/* valnode: the ETSI TS 119 612 trusted-list model (TL v5 and v6, TL and LOTL).
 *
 * A tl_list owns everything below it; tl_list_free releases it all. Strings
 * are NUL-terminated UTF-8 as they appear in the list (trimmed); a missing
 * optional element is NULL (strings) or VN_TIME_NONE (times).
 */
#ifndef TL_MODEL_H
#define TL_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <libxml/tree.h>

#include "common/vn_err.h"
#include "common/vn_findings.h"
#include "common/vn_time.h"

/* Caps: a list beyond these is refused as hostile (VN_ERR_TOO_LARGE). */
#define TL_MAX_TSPS 4096
#define TL_MAX_SERVICES 16384	/* per list, history entries included */
#define TL_MAX_POINTERS 1024
#define TL_MAX_IDS 64		/* DigitalId entries per identity */

typedef struct tl_blob {
	unsigned char *p;	/* owned */
	size_t n;
} tl_blob;

typedef struct tl_strs {
	char **v;		/* owned array of owned strings */
	size_t n;
} tl_strs;

/* ServiceDigitalIdentity (DigitalIdentityListType): the forms a DigitalId
 * takes. Certificates are DER (PEM text in the list is converted). */
typedef struct tl_sdi {
	tl_blob *certs;
	size_t ncerts;
	tl_strs subject_names;	/* X509SubjectName, as written */
	tl_blob *skis;		/* X509SKI, decoded */
	size_t nskis;
	size_t nkeyvalues;	/* ds:KeyValue entries seen (not used for matching) */
} tl_sdi;

enum tl_assert { TL_ASSERT_ALL = 0, TL_ASSERT_AT_LEAST_ONE, TL_ASSERT_NONE };

/* Key-usage bits in X.509 order (digitalSignature = bit 0 ... decipherOnly = 8). */
typedef struct tl_key_usage {
	unsigned mask;		/* which bits the criterion names */
	unsigned value;		/* the value it requires for each named bit */
} tl_key_usage;

/* ecc:CriteriaList: selects the certificates a qualifier applies to. */
typedef struct tl_criteria {
	enum tl_assert assert_;
	tl_key_usage *key_usages;
	size_t nkey_usages;
	tl_strs *policy_sets;	/* each set: OIDs (urn:oid: prefix removed) */
	size_t npolicy_sets;
	struct tl_criteria *nested;
	size_t nnested;
	tl_strs ekus;		/* tslx:ExtendedKeyUsage/KeyPurposeId OIDs */
	tl_strs subject_attrs;	/* tslx:CertSubjectDNAttribute/AttributeOID */
	char *description;
	int has_unknown;	/* otherCriteriaList content we do not read */
} tl_criteria;

/* ecc:QualificationElement */
typedef struct tl_qualification {
	tl_strs qualifiers;	/* Qualifier@uri */
	tl_criteria criteria;
} tl_qualification;

/* One interval of a service: its current ServiceInformation or one
 * ServiceHistoryInstance. */
typedef struct tl_service_entry {
	char *type;		/* ServiceTypeIdentifier URI */
	char *name;		/* first ServiceName/Name (en preferred) */
	char *status;		/* ServiceStatus URI */
	vn_time start;		/* StatusStartingTime; VN_TIME_NONE if absent */
	vn_time end;		/* computed: start of the next newer entry, or VN_TIME_NONE (open) */
	tl_sdi sdi;
	tl_strs supply_points;
	tl_strs asi;		/* AdditionalServiceInformation/URI values */
	tl_qualification *quals;
	size_t nquals;
	vn_time expired_certs_revocation_info;	/* VN_TIME_NONE if absent */
	int unknown_critical;	/* a critical extension we do not understand */
} tl_service_entry;

typedef struct tl_service {
	tl_service_entry *entries;	/* [0] current, then history newest first */
	size_t n;
} tl_service;

typedef struct tl_tsp {
	char *name;
	char *trade_name;	/* first TSPTradeName/Name, or NULL */
	tl_service *services;
	size_t nservices;
} tl_tsp;

/* OtherTSLPointer */
typedef struct tl_pointer {
	char *location;		/* TSLLocation */
	tl_sdi sdi;		/* all ServiceDigitalIdentity entries, merged */
	char *tsl_type;		/* from AdditionalInformation, or NULL */
	char *territory;
	char *mime_type;
	char *operator_name;
	char *mra_xml;		/* the mra:MutualRecognitionAgreementInformation
				 * element serialised, kept for the policy layer; NULL if none */
} tl_pointer;

typedef struct tl_list {
	int version;		/* TSLVersionIdentifier (5 or 6) */
	uint64_t seq;		/* TSLSequenceNumber */
	char *tsl_type;
	char *operator_name;
	char *scheme_name;
	tl_strs scheme_info_uris;	/* in document order */
	char *status_approach;
	tl_strs community_rules;
	char *territory;	/* SchemeTerritory, or NULL */
	int64_t historical_period;
	vn_time issued;		/* ListIssueDateTime */
	vn_time next_update;	/* VN_TIME_NONE when closed (empty NextUpdate) */
	int closed;		/* NextUpdate present without dateTime */
	tl_strs distribution_points;
	tl_pointer *pointers;
	size_t npointers;
	tl_tsp *tsps;
	size_t ntsps;
	size_t nservices_total;	/* service entries, current + history */
	char *root_id;		/* the root's Id attribute, or NULL */
	vn_findings findings;	/* structure findings (order, missing parts) */
} tl_list;

/* Build the model from a parsed document. Structure problems become
 * findings in (*out)->findings (code TL_STRUCTURE and friends); only a root
 * that is not tsl:TrustServiceStatusList or missing SchemeInformation
 * fails, with VN_ERR_MALFORMED. Caps give VN_ERR_TOO_LARGE. */
vn_err tl_parse(xmlDocPtr doc, tl_list **out) VN_WUR VN_NONNULL(1, 2);
void tl_list_free(tl_list *l);

/* Whether the list is a list of lists (TSLType ends in "listofthelists"). */
int tl_list_is_lotl(const tl_list *l) VN_NONNULL(1);
int tl_type_is_lotl(const char *tsl_type);

/* XSD validation against the TS 119 612 schema in dir (the official
 * ts_119612v020401_xsd.xsd and its imports, resolved through dir's
 * catalog.xml offline). Each schema error becomes a TL_XSD finding. Returns
 * VN_ERR_NOT_FOUND if the schema cannot be loaded. *valid is 1 or 0. */
vn_err tl_schema_validate(xmlDocPtr doc, const char *dir, vn_findings *f,
			  int *valid) VN_WUR VN_NONNULL(1, 2, 3, 4);

void tl_strs_free(tl_strs *s);
vn_err tl_strs_push(tl_strs *s, const char *v) VN_WUR VN_NONNULL(1, 2);
/* 1 when v (may be NULL: never) is one of s's strings. */
int tl_strs_has(const tl_strs *s, const char *v) VN_NONNULL(1);
/* A criteria list's assertion over its children (TS 119 612 5.5.9.2.1):
 * nmatch of nchild matched. */
int tl_assert_holds(enum tl_assert a, size_t nmatch, size_t nchild);
void tl_sdi_free(tl_sdi *s);

#endif
