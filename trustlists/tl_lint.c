#include "trustlists/tl_lint.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/x509.h>

#include "common/vn_b64.h"
#include "trustlists/tl_xml.h"

/* ISO 3166-1 alpha-2, plus EL and UK as EU lists spell Greece and the UK. */
static const char iso3166[] =
	"AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL "
	"BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV "
	"CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD "
	"GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM "
	"IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK "
	"LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW "
	"MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR "
	"PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS "
	"ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY "
	"UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW EL UK";

int tl_is_territory_code(const char *code)
{
	const char *p;

	if (code == NULL || strlen(code) != 2)
		return 0;
	for (p = iso3166; *p; p += 3)
		if (p[0] == code[0] && p[1] == code[1])
			return 1;
	return 0;
}

#define SVCTYPE "http://uri.etsi.org/TrstSvc/Svctype/"
static const char *const service_types[] = {
	"CA/QC", "CA/PKC", "Certstatus/OCSP/QC", "Certstatus/OCSP", "Certstatus/CRL/QC",
	"Certstatus/CRL", "TSA/QTST", "TSA", "TSA/TSS-QC", "TSA/TSS-AdESQCandQES", "EDS/Q",
	"EDS", "EDS/REM/Q", "EDS/REM", "PSES/Q", "PSES", "QESValidation/Q", "AdESValidation",
	"AdESGeneration", "RemoteQSCDManagement/Q", "RA", "RA/nothavingPKIid",
	"SignaturePolicyAuthority", "Archiv", "Archiv/nothavingPKIid", "IdV",
	"IdV/nothavingPKIid", "KEscrow", "KEscrow/nothavingPKIid", "PPwd",
	"PPwd/nothavingPKIid", "NationalRootCA-QC", "ACA", "unspecified", NULL};

#define SVCSTATUS "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/"
static const char *const service_statuses[] = {
	"granted", "withdrawn", "setbynationallaw", "recognisedatnationallevel",
	"deprecatedbynationallaw", "deprecatedatnationallevel", "undersupervision",
	"supervisionincessation", "supervisionceased", "supervisionrevoked", "accredited",
	"accreditationceased", "accreditationrevoked", NULL};

static int in_table(const char *uri, const char *prefix, const char *const *tab)
{
	size_t n = strlen(prefix), i;

	if (uri == NULL || strncmp(uri, prefix, n) != 0)
		return 0;
	for (i = 0; tab[i] != NULL; i++)
		if (strcmp(uri + n, tab[i]) == 0)
			return 1;
	return 0;
}

int tl_is_known_service_type(const char *uri)
{
	return in_table(uri, SVCTYPE, service_types);
}

int tl_is_known_service_status(const char *uri)
{
	return in_table(uri, SVCSTATUS, service_statuses) ||
	       (uri != NULL && strcmp(uri, "http://uri.etsi.org/TrstSvc/eSigDir-1999-93-EC-"
					   "TrustedList/Svcstatus/undersupervision") == 0);
}

#define ADD(lvl, code, ...)                                                   \
	do {                                                                  \
		vn_err _e = vn_findings_add(out, lvl, code, __VA_ARGS__);     \
		if (_e != VN_OK)                                              \
			return _e;                                            \
	} while (0)

/* TS 119 612 5.3.14: NextUpdate at most six months after issue. Calendar
 * months: issue date plus 6 months, day clamped. */
static vn_time six_months_after(vn_time t)
{
	char buf[VN_TIME_BUFSZ];
	int y, m, d, hh, mm, ss;
	static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int maxd;

	vn_time_format(t, buf);
	if (sscanf(buf, "%d-%d-%dT%d:%d:%dZ", &y, &m, &d, &hh, &mm, &ss) != 6)
		return t + 183 * 86400LL;
	m += 6;
	if (m > 12) {
		m -= 12;
		y++;
	}
	maxd = dim[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	if (d > maxd)
		d = maxd;
	return vn_days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 + hh * 3600 + mm * 60 + ss;
}

static vn_err lint_signer(xmlDocPtr doc, const tl_list *l, vn_time now, vn_findings *out)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), sig, ki, xd, xc, obj;
	char a[VN_TIME_BUFSZ];
	size_t nsig = 0;
	xmlNodePtr k;

	for (k = tl_xml_first_elem(root); k != NULL; k = tl_xml_next_elem(k))
		if (tl_xml_is(k, TL_NS_DS, "Signature"))
			nsig++;
	if (nsig == 0) {
		ADD(VN_LEVEL_ERROR, "TL_LINT_UNSIGNED", "the list carries no ds:Signature");
		return VN_OK;
	}
	if (nsig > 1)
		ADD(VN_LEVEL_ERROR, "TL_LINT_SIGNATURES", "the list carries %zu signatures; exactly one is allowed", nsig);
	sig = tl_xml_child(root, TL_NS_DS, "Signature");
	ki = tl_xml_child(sig, TL_NS_DS, "KeyInfo");
	xd = tl_xml_child(ki, TL_NS_DS, "X509Data");
	xc = tl_xml_child(xd, TL_NS_DS, "X509Certificate");
	if (xc == NULL) {
		ADD(VN_LEVEL_ERROR, "TL_LINT_NO_SIGNER_CERT", "ds:KeyInfo carries no X509Certificate");
	} else {
		char *t = tl_xml_text(xc);
		unsigned char *der = NULL;
		size_t n = 0;
		X509 *x = NULL;

		if (t != NULL && vn_b64_decode(t, strlen(t), 1 << 16, &der, &n) == VN_OK) {
			const unsigned char *p = der;
			x = d2i_X509(NULL, &p, (long)n);
		}
		free(t);
		free(der);
		if (x == NULL) {
			ADD(VN_LEVEL_ERROR, "TL_LINT_NO_SIGNER_CERT", "the signer certificate cannot be read");
		} else {
			time_t tn = (time_t)now;
			time_t ti = (time_t)(l->issued == VN_TIME_NONE ? now : l->issued);
			if (X509_cmp_time(X509_get0_notAfter(x), &tn) < 0)
				ADD(VN_LEVEL_ERROR, "TL_LINT_SIGNER_EXPIRED",
				    "the signer certificate expired before %s", vn_time_format(now, a));
			else if (X509_cmp_time(X509_get0_notBefore(x), &tn) > 0)
				ADD(VN_LEVEL_ERROR, "TL_LINT_SIGNER_NOT_YET_VALID",
				    "the signer certificate is not yet valid");
			if (X509_cmp_time(X509_get0_notAfter(x), &ti) < 0 ||
			    X509_cmp_time(X509_get0_notBefore(x), &ti) > 0)
				ADD(VN_LEVEL_ERROR, "TL_LINT_SIGNER_AT_ISSUE",
				    "the signer certificate was not valid at the list's issue time");
			X509_free(x);
		}
	}
	/* TL v6 lists use SigningCertificateV2 (EN 319 132-1); v1 is an error there. */
	for (obj = tl_xml_child(sig, TL_NS_DS, "Object"); obj != NULL; obj = tl_xml_next_elem(obj)) {
		xmlNodePtr qp = tl_xml_child(obj, TL_NS_XADES, "QualifyingProperties");
		xmlNodePtr sp = tl_xml_child(qp, TL_NS_XADES, "SignedProperties");
		xmlNodePtr ssp = tl_xml_child(sp, TL_NS_XADES, "SignedSignatureProperties");
		if (ssp == NULL)
			continue;
		if (l->version >= 6 && tl_xml_child(ssp, TL_NS_XADES, "SigningCertificate") != NULL)
			ADD(VN_LEVEL_ERROR, "TL_LINT_SIGNING_CERT_V1",
			    "a TL v6 signature must use xades:SigningCertificateV2");
		if (tl_xml_child(ssp, TL_NS_XADES, "SigningCertificateV2") == NULL &&
		    tl_xml_child(ssp, TL_NS_XADES, "SigningCertificate") == NULL)
			ADD(VN_LEVEL_ERROR, "TL_LINT_NO_SIGNING_CERT_REF",
			    "the signature lacks a signing-certificate property");
		return VN_OK;
	}
	ADD(VN_LEVEL_ERROR, "TL_LINT_NOT_XADES", "the signature has no XAdES SignedProperties");
	return VN_OK;
}

vn_err tl_lint(xmlDocPtr doc, const tl_list *l, vn_time now, const char *schema_dir,
	       vn_findings *out)
{
	char a[VN_TIME_BUFSZ], b[VN_TIME_BUFSZ];
	xmlChar *tag;
	size_t i, j, k;
	vn_err e;

	e = vn_findings_extend(out, &l->findings);
	if (e != VN_OK)
		return e;
	if (schema_dir != NULL) {
		int valid = 0;
		e = tl_schema_validate(doc, schema_dir, out, &valid);
		if (e != VN_OK)
			return e;
	}
	tag = xmlGetProp(xmlDocGetRootElement(doc), (const xmlChar *)"TSLTag");
	if (tag == NULL || strcmp((const char *)tag, "http://uri.etsi.org/19612/TSLTag") != 0)
		ADD(VN_LEVEL_ERROR, "TL_LINT_TSLTAG", "TSLTag must be http://uri.etsi.org/19612/TSLTag");
	xmlFree(tag);
	if (l->version == 5)
		ADD(VN_LEVEL_WARN, "TL_LINT_VERSION",
		    "TSL version 5: version 6 (TS 119 612 v2.4.1) is required since 2026-04-28");
	else if (l->version != 6)
		ADD(VN_LEVEL_ERROR, "TL_LINT_VERSION", "TSLVersionIdentifier must be 6");
	if (l->seq == 0)
		ADD(VN_LEVEL_ERROR, "TL_LINT_SEQUENCE", "TSLSequenceNumber must be a positive integer");
	if (l->issued == VN_TIME_NONE) {
		ADD(VN_LEVEL_ERROR, "TL_LINT_ISSUED", "ListIssueDateTime is missing or invalid");
	} else if (l->issued > now + 86400) {
		ADD(VN_LEVEL_ERROR, "TL_LINT_ISSUED", "ListIssueDateTime %s lies in the future",
		    vn_time_format(l->issued, a));
	}
	if (l->closed) {
		ADD(VN_LEVEL_INFO, "TL_LINT_CLOSED", "NextUpdate is empty: this is a closed list");
	} else if (l->next_update == VN_TIME_NONE) {
		ADD(VN_LEVEL_ERROR, "TL_LINT_NEXT_UPDATE", "NextUpdate is missing or invalid");
	} else {
		if (l->next_update <= now)
			ADD(VN_LEVEL_ERROR, "TL_LINT_EXPIRED", "NextUpdate %s is not in the future",
			    vn_time_format(l->next_update, a));
		if (l->issued != VN_TIME_NONE && l->next_update <= l->issued)
			ADD(VN_LEVEL_ERROR, "TL_LINT_NEXT_UPDATE", "NextUpdate is not after ListIssueDateTime");
		if (l->issued != VN_TIME_NONE && l->next_update > six_months_after(l->issued))
			ADD(VN_LEVEL_ERROR, "TL_LINT_NEXT_UPDATE_TOO_FAR",
			    "NextUpdate %s is more than 6 months after issue %s (TS 119 612 5.3.14)",
			    vn_time_format(l->next_update, a), vn_time_format(l->issued, b));
	}
	if (l->territory == NULL)
		ADD(VN_LEVEL_ERROR, "TL_LINT_TERRITORY", "SchemeTerritory is missing");
	else if (!tl_list_is_lotl(l) && !tl_is_territory_code(l->territory))
		ADD(VN_LEVEL_ERROR, "TL_LINT_TERRITORY",
		    "SchemeTerritory '%s' is not an ISO 3166-1 alpha-2 code", l->territory);
	for (i = 0; i < l->npointers; i++) {
		const tl_pointer *p = &l->pointers[i];
		if (p->location == NULL || (strncmp(p->location, "https://", 8) != 0 &&
					    strncmp(p->location, "http://", 7) != 0))
			ADD(VN_LEVEL_ERROR, "TL_LINT_POINTER", "pointer %zu: TSLLocation is not an http(s) URL", i + 1);
		if (p->sdi.ncerts == 0)
			ADD(VN_LEVEL_ERROR, "TL_LINT_POINTER", "pointer %zu (%s): no signer certificate announced",
			    i + 1, p->location ? p->location : "?");
		if (p->mime_type == NULL)
			ADD(VN_LEVEL_WARN, "TL_LINT_POINTER", "pointer %zu: no MimeType", i + 1);
		if (p->territory != NULL && !tl_type_is_lotl(p->tsl_type) &&
		    !tl_is_territory_code(p->territory))
			ADD(VN_LEVEL_ERROR, "TL_LINT_TERRITORY", "pointer %zu: territory '%s' is not ISO 3166-1",
			    i + 1, p->territory);
	}
	for (i = 0; i < l->ntsps; i++)
		for (j = 0; j < l->tsps[i].nservices; j++)
			for (k = 0; k < l->tsps[i].services[j].n; k++) {
				const tl_service_entry *se = &l->tsps[i].services[j].entries[k];
				const char *nm = se->name ? se->name : "?";
				if (!tl_is_known_service_type(se->type))
					ADD(VN_LEVEL_ERROR, "TL_LINT_SERVICE_TYPE",
					    "service '%s': unknown service type %s", nm,
					    se->type ? se->type : "(none)");
				if (!tl_is_known_service_status(se->status))
					ADD(VN_LEVEL_ERROR, "TL_LINT_SERVICE_STATUS",
					    "service '%s': unknown status %s", nm,
					    se->status ? se->status : "(none)");
				if (se->start == VN_TIME_NONE)
					ADD(VN_LEVEL_ERROR, "TL_LINT_STATUS_TIME",
					    "service '%s': StatusStartingTime missing", nm);
				else if (l->issued != VN_TIME_NONE && se->start > l->issued)
					ADD(VN_LEVEL_WARN, "TL_LINT_STATUS_TIME",
					    "service '%s': StatusStartingTime after the list's issue time", nm);
				if (k == 0 && se->sdi.ncerts == 0 && se->sdi.nskis == 0)
					ADD(VN_LEVEL_ERROR, "TL_LINT_IDENTITY",
					    "service '%s': no certificate or SKI identifies it", nm);
			}
	return lint_signer(doc, l, now, out);
}
