/* valnode: recognising a signed input by its content (never by its name),
 * and small helpers the format parsers share. */
#include "node/v_format.h"
#include "node/v_format_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include "common/vn_b64.h"

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t skip_ws(const unsigned char *p, size_t n, size_t i)
{
	while (i < n && is_ws(p[i]))
		i++;
	return i;
}

int v_raw_looks_like(const unsigned char *p, size_t n)
{
	size_t i = 0;

	/* A UTF-8 byte order mark is tolerated by many JSON writers. */
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	i = skip_ws(p, n, i);
	if (i >= n || p[i] != '{')
		return 0;
	i = skip_ws(p, n, i + 1);
	if (n - i < 5 || memcmp(p + i, "\"raw\"", 5) != 0)
		return 0;
	i = skip_ws(p, n, i + 5);
	return i < n && p[i] == ':';
}

/* The labels RFC 7468 section 9 allows for CMS, as header and footer. */
static const struct {
	const char *begin, *end;
} pem_labels[] = {
	{"-----BEGIN PKCS7-----", "-----END PKCS7-----"},
	{"-----BEGIN CMS-----", "-----END CMS-----"},
};

vn_err v_cms_pem_decode(const unsigned char *p, size_t n, unsigned char **der, size_t *dlen)
{
	const char *end = NULL;
	size_t i, k, blen = 0, elen, body, stop;

	*der = NULL;
	*dlen = 0;
	i = skip_ws(p, n, 0);
	for (k = 0; k < sizeof pem_labels / sizeof pem_labels[0]; k++) {
		blen = strlen(pem_labels[k].begin);
		if (n - i >= blen && memcmp(p + i, pem_labels[k].begin, blen) == 0) {
			end = pem_labels[k].end;
			break;
		}
	}
	if (end == NULL)
		return VN_ERR_NOT_FOUND;
	body = i + blen;
	elen = strlen(end);
	/* The footer is the last non-blank thing in the input. */
	stop = n;
	while (stop > body && is_ws(p[stop - 1]))
		stop--;
	if (stop - body < elen || memcmp(p + stop - elen, end, elen) != 0)
		return VN_ERR_MALFORMED;
	stop -= elen;
	/* RFC 7468: no headers for CMS; the body is base64 with line breaks,
	 * which vn_b64_decode skips. */
	return vn_b64_decode((const char *)p + body, stop - body, V_MAX_DOCUMENT, der, dlen);
}

/* A BER/DER ContentInfo whose contentType is id-signedData
 * (1.2.840.113549.1.7.2): only the head is read here, since recognising the
 * format must not cost a second parse; v_cms_parse parses the whole of it
 * and refuses what is not really SignedData. */
static int is_der_signed_data(const unsigned char *p, size_t n)
{
	static const unsigned char oid[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
					    0x0d, 0x01, 0x07, 0x02};
	const unsigned char *q = p;
	long len = 0;
	int tag, cls, r;

	if (n < 2 || p[0] != 0x30 || n > V_MAX_DOCUMENT)
		return 0;
	r = ASN1_get_object(&q, &len, &tag, &cls, (long)n);
	ERR_clear_error();
	if ((r & 0x80) || tag != V_ASN1_SEQUENCE || cls != V_ASN1_UNIVERSAL || !(r & V_ASN1_CONSTRUCTED))
		return 0;
	if ((size_t)(q - p) + sizeof oid > n)
		return 0;
	return memcmp(q, oid, sizeof oid) == 0;
}

/* An XML document: an optional UTF-8 byte order mark and white space,
 * then '<' opening a declaration, a comment or an element. The XAdES parser
 * decides whether it holds a signature. */
static int looks_like_xml(const unsigned char *p, size_t n)
{
	size_t i = 0;

	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return i + 1 < n && p[i] == '<' &&
	       (p[i + 1] == '?' || p[i + 1] == '!' || (p[i + 1] >= 'A' && p[i + 1] <= 'Z') ||
		(p[i + 1] >= 'a' && p[i + 1] <= 'z') || p[i + 1] == '_');
}

v_input_kind v_detect(const unsigned char *p, size_t n)
{
	unsigned char *der = NULL;
	size_t dlen = 0;
	v_input_kind k = V_INPUT_UNKNOWN;

	if (v_raw_looks_like(p, n))
		return V_INPUT_RAW_JSON;
	if (is_der_signed_data(p, n))
		return V_INPUT_CMS;
	/* A ZIP local file header (APPNOTE 4.3.7) or, for an empty archive,
	 * the end of central directory record: ASiC containers are ZIP files. */
	if (n >= 4 && p[0] == 'P' && p[1] == 'K' &&
	    ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6)))
		return V_INPUT_ZIP;
	if (looks_like_xml(p, n))
		return V_INPUT_XML;
	/* PEM: the label says what it is; v_cms_parse decides whether the body
	 * really is SignedData. */
	switch (v_cms_pem_decode(p, n, &der, &dlen)) {
	case VN_ERR_NOT_FOUND:
		break;
	default:
		k = V_INPUT_CMS;
		break;
	}
	free(der);
	return k;
}

vn_err v_asn1_time_to_vn(const ASN1_TIME *t, vn_time *out)
{
	struct tm tm;

	if (!ASN1_TIME_check(t) || !ASN1_TIME_to_tm(t, &tm))
		return VN_ERR_MALFORMED;
	*out = vn_days_from_civil((int64_t)tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
				  (unsigned)tm.tm_mday) * 86400 +
	       (int64_t)tm.tm_hour * 3600 + (int64_t)tm.tm_min * 60 + tm.tm_sec;
	return VN_OK;
}

const char *v_digest_name(int nid)
{
	switch (nid) {
	case NID_sha1: return "SHA-1";
	case NID_sha224: return "SHA-224";
	case NID_sha256: return "SHA-256";
	case NID_sha384: return "SHA-384";
	case NID_sha512: return "SHA-512";
	case NID_sha3_256: return "SHA3-256";
	case NID_sha3_384: return "SHA3-384";
	case NID_sha3_512: return "SHA3-512";
	default: return NULL;
	}
}
