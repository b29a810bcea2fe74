/* Check suite for the TS 119 612 parser, the locked-down XML reader and the
 * XSD validation: real lists from the corpus, and crafted lists for every
 * structural rule. */
#include "tests/unit/vn_test.h"

#include "common/vn_buf.h"
#include "node/tl_json.h"
#include "trustlists/tl_model.h"
#include "trustlists/tl_xml.h"

#define RES "esig/dss/dss-tsl-validation/src/test/resources/"

static tl_list *load_path(const char *path, xmlDocPtr *docp)
{
	vn_buf b;
	xmlDocPtr doc = NULL;
	tl_list *l = NULL;

	vn_buf_init(&b, TL_XML_MAX_SIZE);
	ck_assert_int_eq(vn_buf_read_file(&b, path), VN_OK);
	ck_assert_int_eq(tl_xml_read(b.data, b.len, &doc, NULL, 0), VN_OK);
	ck_assert_int_eq(tl_parse(doc, &l), VN_OK);
	vn_buf_free(&b);
	if (docp)
		*docp = doc;
	else
		xmlFreeDoc(doc);
	return l;
}

static tl_list *load_mem(const char *xml, vn_err want)
{
	xmlDocPtr doc = NULL;
	tl_list *l = NULL;

	ck_assert_int_eq(tl_xml_read((const unsigned char *)xml, strlen(xml), &doc, NULL, 0), VN_OK);
	ck_assert_int_eq(tl_parse(doc, &l), want);
	xmlFreeDoc(doc);
	return l;
}

START_TEST(test_eu_lotl)
{
	char p[1024];
	tl_list *l;
	size_t i, xmlp = 0;

	VN_SKIP_NO_CORPUS(vn_test_corpus(RES "eu-lotl.xml", p, sizeof p), RES "eu-lotl.xml");
	l = load_path(p, NULL);
	/* DSS LOTLParsingTaskTest: v5, seq 248, 1 LOTL pointer with 8 certs, 31 TLs */
	ck_assert_int_eq(l->version, 5);
	ck_assert_uint_eq(l->seq, 248);
	ck_assert(tl_list_is_lotl(l));
	ck_assert_str_eq(l->territory, "EU");
	for (i = 0; i < l->npointers; i++) {
		const tl_pointer *ptr = &l->pointers[i];
		if (ptr->mime_type == NULL || strcmp(ptr->mime_type, "application/vnd.etsi.tsl+xml"))
			continue;
		xmlp++;
		if (tl_type_is_lotl(ptr->tsl_type))
			ck_assert_uint_eq(ptr->sdi.ncerts, 8);
	}
	ck_assert_uint_eq(xmlp, 32);
	ck_assert_str_eq(l->scheme_info_uris.v[0],
			 "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=uriserv:OJ.C_.2019.276.01.0001.01.ENG");
	ck_assert_uint_eq(vn_findings_count(&l->findings, VN_LEVEL_WARN), 0);
	tl_list_free(l);
}
END_TEST

START_TEST(test_pivot_order)
{
	char p[1024];
	tl_list *l;

	VN_SKIP_NO_CORPUS(vn_test_corpus(RES "eu-lotl-pivot.xml", p, sizeof p), RES "eu-lotl-pivot.xml");
	l = load_path(p, NULL);
	ck_assert_uint_eq(l->seq, 247);
	ck_assert_ptr_nonnull(strstr(l->scheme_info_uris.v[0], "tl-pivot-247-mp.xml"));
	ck_assert_ptr_nonnull(strstr(l->scheme_info_uris.v[1], "tl-pivot-226-mp.xml"));
	ck_assert_ptr_nonnull(strstr(l->scheme_info_uris.v[2], "tl-pivot-191-mp.xml"));
	ck_assert_ptr_nonnull(strstr(l->scheme_info_uris.v[3], "tl-pivot-172-mp.xml"));
	tl_list_free(l);
}
END_TEST

START_TEST(test_fi_v6_and_v5)
{
	static const char *const files[] = {RES "fi-v6.xml", RES "fi-v5.xml"};
	char p[1024];
	int k;

	for (k = 0; k < 2; k++) {
		tl_list *l;
		size_t i, j, qual = 0;
		VN_SKIP_NO_CORPUS(vn_test_corpus(files[k], p, sizeof p), files[k]);
		l = load_path(p, NULL);
		ck_assert_int_eq(l->version, k == 0 ? 6 : 5);
		ck_assert_uint_eq(l->seq, 49);
		ck_assert_str_eq(l->territory, "FI");
		ck_assert(!tl_list_is_lotl(l));
		/* "no structure messages" in DSS TLParsingTaskTest */
		ck_assert_uint_eq(l->findings.n, 0);
		ck_assert_uint_gt(l->ntsps, 0);
		for (i = 0; i < l->ntsps; i++)
			for (j = 0; j < l->tsps[i].nservices; j++)
				qual += l->tsps[i].services[j].entries[0].nquals;
		ck_assert_uint_gt(qual, 0);
		tl_list_free(l);
	}
}
END_TEST

START_TEST(test_mra_lotl)
{
	char p[1024];
	tl_list *l;
	size_t i, mra = 0, xmlp = 0;

	VN_SKIP_NO_CORPUS(vn_test_corpus(RES "mra-lotl.xml", p, sizeof p), RES "mra-lotl.xml");
	l = load_path(p, NULL);
	ck_assert_uint_eq(l->seq, 6);
	for (i = 0; i < l->npointers; i++) {
		if (l->pointers[i].mime_type &&
		    strcmp(l->pointers[i].mime_type, "application/vnd.etsi.tsl+xml") == 0)
			xmlp++;
		if (l->pointers[i].mra_xml != NULL) {
			mra++;
			ck_assert_ptr_nonnull(strstr(l->pointers[i].mra_xml,
						     "TrustServiceEquivalenceInformation"));
		}
	}
	ck_assert_uint_eq(xmlp, 33);
	ck_assert_uint_eq(mra, 1);
	ck_assert_ptr_nonnull(l->pointers[l->npointers - 1].mra_xml);
	tl_list_free(l);
}
END_TEST

START_TEST(test_xsd)
{
	char p[1024], x[1024];
	xmlDocPtr doc = NULL;
	tl_list *l;
	vn_findings f;
	int valid = -1;

	VN_SKIP_NO_CORPUS(vn_test_corpus(RES "fi-v6.xml", p, sizeof p), RES "fi-v6.xml");
	snprintf(x, sizeof x, "%s/../shared/xsd", vn_test_srcdir());
	l = load_path(p, &doc);
	vn_findings_init(&f);
	ck_assert_int_eq(tl_schema_validate(doc, x, &f, &valid), VN_OK);
	ck_assert_int_eq(valid, 1);
	ck_assert_uint_eq(f.n, 0);
	/* negative: remove a required element, the schema says so */
	{
		xmlNodePtr si = tl_xml_child(xmlDocGetRootElement(doc), TL_NS_TSL, "SchemeInformation");
		xmlNodePtr sn = tl_xml_child(si, TL_NS_TSL, "SchemeName");
		xmlUnlinkNode(sn);
		xmlFreeNode(sn);
	}
	ck_assert_int_eq(tl_schema_validate(doc, x, &f, &valid), VN_OK);
	ck_assert_int_eq(valid, 0);
	ck_assert(vn_findings_has(&f, "TL_XSD"));
	ck_assert_int_eq(tl_schema_validate(doc, "/nonexistent", &f, &valid), VN_ERR_NOT_FOUND);
	vn_findings_free(&f);
	xmlFreeDoc(doc);
	tl_list_free(l);
}
END_TEST

#define HEAD "<tsl:TrustServiceStatusList xmlns:tsl='http://uri.etsi.org/02231/v2#' " \
	"xmlns:ecc='http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#' " \
	"xmlns:xades='http://uri.etsi.org/01903/v1.3.2#' TSLTag='http://uri.etsi.org/19612/TSLTag' Id='root'>"
#define SI_START "<tsl:SchemeInformation><tsl:TSLVersionIdentifier>6</tsl:TSLVersionIdentifier>" \
	"<tsl:TSLSequenceNumber>7</tsl:TSLSequenceNumber>" \
	"<tsl:TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/AZlist</tsl:TSLType>" \
	"<tsl:SchemeOperatorName><tsl:Name xml:lang='az'>Op AZ</tsl:Name><tsl:Name xml:lang='en'>Op</tsl:Name></tsl:SchemeOperatorName>" \
	"<tsl:SchemeOperatorAddress/><tsl:SchemeName><tsl:Name xml:lang='en'>AZ list</tsl:Name></tsl:SchemeName>" \
	"<tsl:SchemeInformationURI><tsl:URI xml:lang='en'>https://x/</tsl:URI></tsl:SchemeInformationURI>" \
	"<tsl:StatusDeterminationApproach>x</tsl:StatusDeterminationApproach>" \
	"<tsl:SchemeTerritory>AZ</tsl:SchemeTerritory>" \
	"<tsl:HistoricalInformationPeriod>65535</tsl:HistoricalInformationPeriod>" \
	"<tsl:ListIssueDateTime>2026-11-01T00:00:00Z</tsl:ListIssueDateTime>"
#define SVC(status, start, ext) "<tsl:ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/CA/QC</tsl:ServiceTypeIdentifier>" \
	"<tsl:ServiceName><tsl:Name xml:lang='en'>CA</tsl:Name></tsl:ServiceName>" \
	"<tsl:ServiceDigitalIdentity><tsl:DigitalId><tsl:X509SKI>AAECAw==</tsl:X509SKI></tsl:DigitalId>" \
	"<tsl:DigitalId><tsl:X509SubjectName>CN=CA</tsl:X509SubjectName></tsl:DigitalId></tsl:ServiceDigitalIdentity>" \
	"<tsl:ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/" status "</tsl:ServiceStatus>" \
	"<tsl:StatusStartingTime>" start "</tsl:StatusStartingTime>" ext

START_TEST(test_crafted_good)
{
	tl_list *l = load_mem(HEAD SI_START
		"<tsl:NextUpdate/></tsl:SchemeInformation><tsl:TrustServiceProviderList><tsl:TrustServiceProvider>"
		"<tsl:TSPInformation><tsl:TSPName><tsl:Name xml:lang='en'>TSP</tsl:Name></tsl:TSPName></tsl:TSPInformation>"
		"<tsl:TSPServices><tsl:TSPService><tsl:ServiceInformation>"
		SVC("granted", "2026-01-01T00:00:00Z",
		    "<tsl:ServiceInformationExtensions><tsl:Extension Critical='true'><ecc:Qualifications>"
		    "<ecc:QualificationElement><ecc:Qualifiers><ecc:Qualifier uri='http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCWithQSCD'/></ecc:Qualifiers>"
		    "<ecc:CriteriaList assert='atLeastOne'><ecc:KeyUsage><ecc:KeyUsageBit name='nonRepudiation'>true</ecc:KeyUsageBit></ecc:KeyUsage>"
		    "<ecc:PolicySet><ecc:PolicyIdentifier><xades:Identifier Qualifier='OIDAsURN'>urn:oid:0.4.0.194112.1.2</xades:Identifier></ecc:PolicyIdentifier></ecc:PolicySet>"
		    "</ecc:CriteriaList></ecc:QualificationElement></ecc:Qualifications></tsl:Extension>"
		    "<tsl:Extension Critical='false'><tsl:ExpiredCertsRevocationInfo>2026-02-01T00:00:00Z</tsl:ExpiredCertsRevocationInfo></tsl:Extension>"
		    "</tsl:ServiceInformationExtensions>")
		"</tsl:ServiceInformation><tsl:ServiceHistory>"
		/* deliberately oldest first: the parser orders them */
		"<tsl:ServiceHistoryInstance>" SVC("undersupervision", "2015-01-01T00:00:00Z", "") "</tsl:ServiceHistoryInstance>"
		"<tsl:ServiceHistoryInstance>" SVC("withdrawn", "2025-01-01T00:00:00Z", "") "</tsl:ServiceHistoryInstance>"
		"</tsl:ServiceHistory></tsl:TSPService></tsl:TSPServices></tsl:TrustServiceProvider>"
		"</tsl:TrustServiceProviderList></tsl:TrustServiceStatusList>", VN_OK);
	const tl_service *s;
	const tl_criteria *cr;
	vn_time t;

	ck_assert_uint_eq(l->findings.n, 0);
	ck_assert_str_eq(l->operator_name, "Op");	/* English preferred */
	ck_assert(l->closed);
	ck_assert(l->next_update == VN_TIME_NONE);
	ck_assert_str_eq(l->root_id, "root");
	ck_assert_uint_eq(l->ntsps, 1);
	s = &l->tsps[0].services[0];
	ck_assert_uint_eq(s->n, 3);
	ck_assert_uint_eq(l->nservices_total, 3);
	ck_assert_ptr_nonnull(strstr(s->entries[1].status, "withdrawn"));
	ck_assert_ptr_nonnull(strstr(s->entries[2].status, "undersupervision"));
	ck_assert(s->entries[0].end == VN_TIME_NONE);
	ck_assert(s->entries[1].end == s->entries[0].start);
	ck_assert(s->entries[2].end == s->entries[1].start);
	ck_assert_uint_eq(s->entries[0].sdi.nskis, 1);
	ck_assert_uint_eq(s->entries[0].sdi.skis[0].n, 4);
	ck_assert_str_eq(s->entries[0].sdi.subject_names.v[0], "CN=CA");
	ck_assert_uint_eq(s->entries[0].nquals, 1);
	cr = &s->entries[0].quals[0].criteria;
	ck_assert_int_eq(cr->assert_, TL_ASSERT_AT_LEAST_ONE);
	ck_assert_uint_eq(cr->nkey_usages, 1);
	ck_assert_uint_eq(cr->key_usages[0].mask, 2);
	ck_assert_uint_eq(cr->key_usages[0].value, 2);
	ck_assert_str_eq(cr->policy_sets[0].v[0], "0.4.0.194112.1.2");
	ck_assert_int_eq(vn_time_parse("2026-02-01T00:00:00Z", VN_TIME_RFC3339, &t), VN_OK);
	ck_assert(s->entries[0].expired_certs_revocation_info == t);
	ck_assert(!s->entries[0].unknown_critical);
	tl_list_free(l);
}
END_TEST

/* Each structural rule has its negative case and the finding it must give. */
static const struct bad_case {
	const char *xml;
	const char *code;
} bad_cases[] = {
	/* NextUpdate before ListIssueDateTime: out of order */
	{HEAD "<tsl:SchemeInformation><tsl:TSLVersionIdentifier>6</tsl:TSLVersionIdentifier>"
	      "<tsl:TSLSequenceNumber>7</tsl:TSLSequenceNumber><tsl:TSLType>t</tsl:TSLType>"
	      "<tsl:SchemeOperatorName/><tsl:SchemeOperatorAddress/><tsl:SchemeName/>"
	      "<tsl:SchemeInformationURI/><tsl:StatusDeterminationApproach/>"
	      "<tsl:HistoricalInformationPeriod>1</tsl:HistoricalInformationPeriod>"
	      "<tsl:NextUpdate/><tsl:ListIssueDateTime>2026-11-01T00:00:00Z</tsl:ListIssueDateTime>"
	      "</tsl:SchemeInformation></tsl:TrustServiceStatusList>", "TL_STRUCTURE"},
	/* a required element missing (NextUpdate) */
	{HEAD SI_START "</tsl:SchemeInformation></tsl:TrustServiceStatusList>", "TL_STRUCTURE"},
	/* an unknown element */
	{HEAD SI_START "<tsl:NextUpdate/><tsl:Bogus/></tsl:SchemeInformation></tsl:TrustServiceStatusList>", "TL_STRUCTURE"},
	/* a bad date */
	{HEAD SI_START "<tsl:NextUpdate><tsl:dateTime>2026-02-30T00:00:00Z</tsl:dateTime></tsl:NextUpdate>"
	      "</tsl:SchemeInformation></tsl:TrustServiceStatusList>", "TL_BAD_DATETIME"},
	/* version 4 */
	{"<tsl:TrustServiceStatusList xmlns:tsl='http://uri.etsi.org/02231/v2#' TSLTag='x'><tsl:SchemeInformation>"
	 "<tsl:TSLVersionIdentifier>4</tsl:TSLVersionIdentifier></tsl:SchemeInformation></tsl:TrustServiceStatusList>", "TL_VERSION"},
	/* no TSLTag */
	{"<tsl:TrustServiceStatusList xmlns:tsl='http://uri.etsi.org/02231/v2#'><tsl:SchemeInformation/>"
	 "</tsl:TrustServiceStatusList>", "TL_STRUCTURE"},
	/* sequence number zero */
	{"<tsl:TrustServiceStatusList xmlns:tsl='http://uri.etsi.org/02231/v2#' TSLTag='x'><tsl:SchemeInformation>"
	 "<tsl:TSLVersionIdentifier>6</tsl:TSLVersionIdentifier><tsl:TSLSequenceNumber>0</tsl:TSLSequenceNumber>"
	 "</tsl:SchemeInformation></tsl:TrustServiceStatusList>", "TL_STRUCTURE"},
	/* an unknown critical extension makes the service unusable */
	{HEAD SI_START "<tsl:NextUpdate/></tsl:SchemeInformation><tsl:TrustServiceProviderList><tsl:TrustServiceProvider>"
	      "<tsl:TSPInformation/><tsl:TSPServices><tsl:TSPService><tsl:ServiceInformation>"
	      SVC("granted", "2026-01-01T00:00:00Z", "<tsl:ServiceInformationExtensions><tsl:Extension Critical='true'>"
	      "<tsl:Mystery/></tsl:Extension></tsl:ServiceInformationExtensions>")
	      "</tsl:ServiceInformation></tsl:TSPService></tsl:TSPServices></tsl:TrustServiceProvider>"
	      "</tsl:TrustServiceProviderList></tsl:TrustServiceStatusList>", "TL_UNKNOWN_CRITICAL_EXTENSION"},
	/* a certificate that is not base64 */
	{HEAD SI_START "<tsl:NextUpdate/></tsl:SchemeInformation><tsl:TrustServiceProviderList><tsl:TrustServiceProvider>"
	      "<tsl:TSPInformation/><tsl:TSPServices><tsl:TSPService><tsl:ServiceInformation>"
	      "<tsl:ServiceDigitalIdentity><tsl:DigitalId><tsl:X509Certificate>!!notb64</tsl:X509Certificate></tsl:DigitalId></tsl:ServiceDigitalIdentity>"
	      "</tsl:ServiceInformation></tsl:TSPService></tsl:TSPServices></tsl:TrustServiceProvider>"
	      "</tsl:TrustServiceProviderList></tsl:TrustServiceStatusList>", "TL_BAD_CERTIFICATE"},
};

/* A TSPService without ServiceInformation is noted and left out: the
 * provider keeps its readable services only, each with its current entry
 * (a reader of entries[0], such as `valnode tl parse --json` or the
 * snapshot's index, met an empty service before). */
START_TEST(test_service_without_information)
{
	tl_list *l = load_mem(HEAD SI_START "<tsl:NextUpdate/></tsl:SchemeInformation>"
			      "<tsl:TrustServiceProviderList><tsl:TrustServiceProvider>"
			      "<tsl:TSPInformation/><tsl:TSPServices>"
			      "<tsl:TSPService><tsl:ServiceHistory/></tsl:TSPService>"
			      "<tsl:TSPService><tsl:ServiceInformation>"
			      SVC("granted", "2026-01-01T00:00:00Z", "")
			      "</tsl:ServiceInformation></tsl:TSPService>"
			      "<tsl:TSPService/>"
			      "</tsl:TSPServices></tsl:TrustServiceProvider>"
			      "</tsl:TrustServiceProviderList></tsl:TrustServiceStatusList>", VN_OK);
	json_t *j;

	ck_assert(vn_findings_has(&l->findings, "TL_STRUCTURE"));
	ck_assert_uint_eq(l->ntsps, 1);
	ck_assert_uint_eq(l->tsps[0].nservices, 1);
	ck_assert_uint_eq(l->tsps[0].services[0].n, 1);
	ck_assert_ptr_nonnull(strstr(l->tsps[0].services[0].entries[0].status, "granted"));
	j = vn_json_list(l, 1);	/* with every service: no empty one to trip on */
	ck_assert_ptr_nonnull(j);
	json_decref(j);
	tl_list_free(l);
}
END_TEST

START_TEST(test_crafted_bad)
{
	tl_list *l = load_mem(bad_cases[_i].xml, VN_OK);

	ck_assert_msg(vn_findings_has(&l->findings, bad_cases[_i].code), "case %d lacks %s", _i,
		      bad_cases[_i].code);
	tl_list_free(l);
}
END_TEST

START_TEST(test_not_a_list)
{
	tl_list *l = load_mem("<a/>", VN_ERR_MALFORMED);
	ck_assert_ptr_null(l);
	l = load_mem("<tsl:TrustServiceStatusList xmlns:tsl='http://uri.etsi.org/02231/v2#'/>", VN_ERR_MALFORMED);
	ck_assert_ptr_null(l);
}
END_TEST

START_TEST(test_xml_lockdown)
{
	static const char *const evil[] = {
		/* internal entity: a DOCTYPE at all is refused */
		"<!DOCTYPE a [<!ENTITY x 'boom'>]><a>&x;</a>",
		/* external entity */
		"<!DOCTYPE a [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><a>&x;</a>",
		/* not XML */
		"%PDF-1.4 this is not xml",
		"",
		"<a><b></a>",
	};
	char deep[TL_XML_MAX_DEPTH * 8 + 64];
	size_t i, o = 0;
	xmlDocPtr doc = NULL;
	char why[256];

	for (i = 0; i < sizeof evil / sizeof evil[0]; i++) {
		ck_assert_int_ne(tl_xml_read((const unsigned char *)evil[i], strlen(evil[i]), &doc, why,
					     sizeof why), VN_OK);
		ck_assert_ptr_null(doc);
	}
	for (i = 0; i < TL_XML_MAX_DEPTH + 1; i++)
		o += (size_t)sprintf(deep + o, "<a>");
	for (i = 0; i < TL_XML_MAX_DEPTH + 1; i++)
		o += (size_t)sprintf(deep + o, "</a>");
	ck_assert_int_eq(tl_xml_read((const unsigned char *)deep, o, &doc, why, sizeof why), VN_ERR_TOO_LARGE);
	ck_assert_int_eq(tl_xml_read((const unsigned char *)"<a/>", TL_XML_MAX_SIZE + 1, &doc, why,
				     sizeof why), VN_ERR_TOO_LARGE);
	ck_assert_int_eq(tl_xml_read((const unsigned char *)"<a/>", 4, &doc, why, sizeof why), VN_OK);
	xmlFreeDoc(doc);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tl_parse");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_eu_lotl);
	tcase_add_test(tc, test_pivot_order);
	tcase_add_test(tc, test_fi_v6_and_v5);
	tcase_add_test(tc, test_mra_lotl);
	tcase_add_test(tc, test_xsd);
	tcase_add_test(tc, test_crafted_good);
	tcase_add_test(tc, test_service_without_information);
	tcase_add_loop_test(tc, test_crafted_bad, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
	tcase_add_test(tc, test_not_a_list);
	tcase_add_test(tc, test_xml_lockdown);
	suite_add_tcase(s, tc);
	return vn_test_run(s);
}
