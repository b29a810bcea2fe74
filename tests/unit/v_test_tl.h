/* Helpers for the engine's Check suites: a one-TSP trusted list made from
 * XML fragments, turned into a snapshot; services name their certificate
 * by its DER. */
#ifndef V_TEST_TL_H
#define V_TEST_TL_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/vn_time.h"
#include "trustlists/tl_snapshot.h"
#include "trustlists/tl_xml.h"

#define VT_HEAD "<tsl:TrustServiceStatusList xmlns:tsl='http://uri.etsi.org/02231/v2#' " \
	"xmlns:ecc='http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#' " \
	"xmlns:tslx='http://uri.etsi.org/02231/v2/additionaltypes#' " \
	"xmlns:xades='http://uri.etsi.org/01903/v1.3.2#' TSLTag='http://uri.etsi.org/19612/TSLTag' Id='root'>" \
	"<tsl:SchemeInformation><tsl:TSLVersionIdentifier>6</tsl:TSLVersionIdentifier>" \
	"<tsl:TSLSequenceNumber>7</tsl:TSLSequenceNumber>" \
	"<tsl:TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</tsl:TSLType>" \
	"<tsl:SchemeOperatorName><tsl:Name xml:lang='en'>Op</tsl:Name></tsl:SchemeOperatorName>" \
	"<tsl:SchemeOperatorAddress/><tsl:SchemeName><tsl:Name xml:lang='en'>XX list</tsl:Name></tsl:SchemeName>" \
	"<tsl:SchemeInformationURI><tsl:URI xml:lang='en'>https://x/</tsl:URI></tsl:SchemeInformationURI>" \
	"<tsl:StatusDeterminationApproach>x</tsl:StatusDeterminationApproach>" \
	"<tsl:SchemeTerritory>XX</tsl:SchemeTerritory>" \
	"<tsl:HistoricalInformationPeriod>65535</tsl:HistoricalInformationPeriod>" \
	"<tsl:ListIssueDateTime>2026-01-01T00:00:00Z</tsl:ListIssueDateTime>" \
	"<tsl:NextUpdate/></tsl:SchemeInformation><tsl:TrustServiceProviderList><tsl:TrustServiceProvider>" \
	"<tsl:TSPInformation><tsl:TSPName><tsl:Name xml:lang='en'>TSP</tsl:Name></tsl:TSPName></tsl:TSPInformation>" \
	"<tsl:TSPServices>"
#define VT_TAIL "</tsl:TSPServices></tsl:TrustServiceProvider></tsl:TrustServiceProviderList></tsl:TrustServiceStatusList>"
#define VT_SVCINFOEXT "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/"

static inline void vt_fmt_time(vn_time t, char *buf)
{
	(void)vn_time_format(t, buf);
}

/* One interval's body: type (after Svctype/), status (after Svcstatus/),
 * start, the certificate, and the ServiceInformationExtensions content
 * (may be ""). Appended to out. */
static inline void vt_entry(char *out, size_t n, X509 *cert, const char *type,
			    const char *status, vn_time start, const char *ext)
{
	unsigned char *der = NULL, *b64;
	int dl = i2d_X509(cert, &der);
	char ts[VN_TIME_BUFSZ];
	size_t used = strlen(out);

	b64 = malloc((size_t)dl * 2 + 8);
	ck_assert_ptr_nonnull(b64);
	EVP_EncodeBlock(b64, der, dl);
	vt_fmt_time(start, ts);
	snprintf(out + used, n - used,
		 "<tsl:ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/%s</tsl:ServiceTypeIdentifier>"
		 "<tsl:ServiceName><tsl:Name xml:lang='en'>svc</tsl:Name></tsl:ServiceName>"
		 "<tsl:ServiceDigitalIdentity><tsl:DigitalId><tsl:X509Certificate>%s</tsl:X509Certificate>"
		 "</tsl:DigitalId></tsl:ServiceDigitalIdentity>"
		 "<tsl:ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/%s</tsl:ServiceStatus>"
		 "<tsl:StatusStartingTime>%s</tsl:StatusStartingTime>%s%s%s",
		 type, (char *)b64, status, ts, *ext ? "<tsl:ServiceInformationExtensions>" : "", ext,
		 *ext ? "</tsl:ServiceInformationExtensions>" : "");
	free(b64);
	OPENSSL_free(der);
}

/* A snapshot of one list made of VT_HEAD services VT_TAIL. */
static inline tl_snapshot *vt_snapshot(const char *services)
{
	size_t n = strlen(VT_HEAD) + strlen(services) + strlen(VT_TAIL) + 1;
	char *x = malloc(n);
	xmlDocPtr doc = NULL;
	tl_list *l = NULL;
	tl_snapshot_builder *b;
	tl_snapshot *s = NULL;
	char why[256] = "";

	ck_assert_ptr_nonnull(x);
	snprintf(x, n, "%s%s%s", VT_HEAD, services, VT_TAIL);
	tl_xml_global_init();
	ck_assert_msg(tl_xml_read((const unsigned char *)x, strlen(x), &doc, why, sizeof why) == VN_OK,
		      "%s", why);
	ck_assert_int_eq(tl_parse(doc, &l), VN_OK);
	xmlFreeDoc(doc);
	free(x);
	b = tl_snapshot_builder_new();
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(tl_snapshot_builder_add(b, l, "test", "https://x/XX.xml"), VN_OK);
	ck_assert_int_eq(tl_snapshot_build(b, &s), VN_OK);
	return s;
}

#endif
