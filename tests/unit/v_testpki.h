/* A small PKI made at test time for the path and revocation suites: keys and
 * certificates with the OpenSSL API (any validity period), files for the
 * openssl CLI (OCSP responder index, PEM), a trusted list parsed from XML
 * written here and a snapshot built from it. Everything lives in a
 * temporary directory removed by tp_cleanup. */
#ifndef V_TESTPKI_H
#define V_TESTPKI_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "common/vn_b64.h"
#include "common/vn_time.h"
#include "trustlists/tl_snapshot.h"
#include "trustlists/tl_xml.h"

#define TP_DAY 86400

/* Setup runs outside any Check test, where ck_assert cannot report. */
#define TP_REQUIRE(c)                                                          \
	do {                                                                   \
		if (!(c)) {                                                    \
			fprintf(stderr, "%s:%d: test PKI: %s\n", __FILE__, __LINE__, #c); \
			abort();                                               \
		}                                                              \
	} while (0)

typedef struct tp_cert {
	X509 *x;
	EVP_PKEY *k;
} tp_cert;

static char tp_dir[256];

static inline EVP_PKEY *tp_key(int rsa_bits)
{
	EVP_PKEY *k = rsa_bits > 0 ? EVP_RSA_gen((unsigned)rsa_bits) : EVP_EC_gen("P-256");
	TP_REQUIRE((k) != NULL);
	return k;
}

static inline void tp_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX c;
	X509_EXTENSION *e;

	X509V3_set_ctx(&c, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &c, nid, value);
	TP_REQUIRE((e) != NULL);
	TP_REQUIRE(X509_add_ext(x, e, -1) == 1);
	X509_EXTENSION_free(e);
}

/* A certificate for cn with key k (made when NULL), issued by iss (self-signed
 * when iss is NULL), valid [nb, na]. ca: basicConstraints CA; ku and eku
 * (may be NULL) in openssl config syntax; aia: an OCSP URL or NULL; crldp:
 * a CRL URL or NULL. */
static inline tp_cert tp_make(const char *cn, EVP_PKEY *k, const tp_cert *iss, long serial,
			      vn_time nb, vn_time na, int ca, const char *ku, const char *eku,
			      const char *aia, const char *crldp)
{
	tp_cert c = {X509_new(), k != NULL ? k : tp_key(0)};
	X509_NAME *nm = X509_NAME_new();
	char buf[512];

	TP_REQUIRE((c.x) != NULL);
	X509_set_version(c.x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c.x), serial);
	X509_NAME_add_entry_by_txt(nm, "C", MBSTRING_ASC, (const unsigned char *)"XX", -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(c.x, nm);
	X509_set_issuer_name(c.x, iss != NULL ? X509_get_subject_name(iss->x) : nm);
	X509_NAME_free(nm);
	ASN1_TIME_set(X509_getm_notBefore(c.x), (time_t)nb);
	ASN1_TIME_set(X509_getm_notAfter(c.x), (time_t)na);
	X509_set_pubkey(c.x, c.k);
	tp_ext(c.x, NULL, NID_subject_key_identifier, "hash");
	tp_ext(c.x, iss != NULL ? iss->x : c.x, NID_authority_key_identifier, "keyid:always");
	tp_ext(c.x, NULL, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	if (ku != NULL)
		tp_ext(c.x, NULL, NID_key_usage, ku);
	if (eku != NULL)
		tp_ext(c.x, NULL, NID_ext_key_usage, eku);
	if (aia != NULL) {
		snprintf(buf, sizeof buf, "OCSP;URI:%s", aia);
		tp_ext(c.x, NULL, NID_info_access, buf);
	}
	if (crldp != NULL) {
		snprintf(buf, sizeof buf, "URI:%s", crldp);
		tp_ext(c.x, NULL, NID_crl_distribution_points, buf);
	}
	TP_REQUIRE(X509_sign(c.x, iss != NULL ? iss->k : c.k, EVP_sha256()) > 0);
	return c;
}

static inline void tp_free(tp_cert *c)
{
	X509_free(c->x);
	EVP_PKEY_free(c->k);
	c->x = NULL;
	c->k = NULL;
}

static inline const char *tp_path(const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", tp_dir, name);
	return buf;
}

/* name.pem and name.key in the directory. */
static inline void tp_write(const tp_cert *c, const char *name)
{
	char p[512], f[128];
	FILE *fp;

	snprintf(f, sizeof f, "%s.pem", name);
	fp = fopen(tp_path(f, p, sizeof p), "w");
	TP_REQUIRE((fp) != NULL);
	PEM_write_X509(fp, c->x);
	fclose(fp);
	snprintf(f, sizeof f, "%s.key", name);
	fp = fopen(tp_path(f, p, sizeof p), "w");
	TP_REQUIRE((fp) != NULL);
	PEM_write_PrivateKey(fp, c->k, NULL, NULL, 0, NULL, NULL);
	fclose(fp);
}

static inline void tp_mkdir(void)
{
	snprintf(tp_dir, sizeof tp_dir, "/tmp/vn-testpki-XXXXXX");
	if (mkdtemp(tp_dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
}

static inline void tp_cleanup(void)
{
	char cmd[300];

	if (tp_dir[0] == '\0' || strncmp(tp_dir, "/tmp/vn-testpki-", 16) != 0)
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tp_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tp_dir);
}

/* A port on 127.0.0.1 free at the time of asking. */
static inline int tp_free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int s = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) != 0) {
		perror("free port");
		exit(1);
	}
	port = ntohs(a.sin_port);
	close(s);
	return port;
}

/* Whether something listens on port: a bind that fails with EADDRINUSE.
 * (A probe connection would not do: `openssl ocsp` serves one connection at
 * a time and would wait for a request on it.) */
static inline int tp_port_listening(int port)
{
	struct sockaddr_in a;
	int s = socket(AF_INET, SOCK_STREAM, 0), busy;

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	busy = s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) != 0 && errno == EADDRINUSE;
	if (s >= 0)
		close(s);
	return busy;
}

/* `openssl ocsp` as a responder on 127.0.0.1:port for the CA ca (PEM file
 * names in the directory), signing with rsigner; returns its pid once it
 * accepts connections. */
static inline pid_t tp_responder(int port, const char *index, const char *ca, const char *rsigner)
{
	char pidx[512], pca[512], prs[512], prk[512], sport[16], rk[128], rs[128], cap[128];
	pid_t pid;
	int i;

	snprintf(sport, sizeof sport, "%d", port);
	snprintf(rs, sizeof rs, "%s.pem", rsigner);
	snprintf(rk, sizeof rk, "%s.key", rsigner);
	snprintf(cap, sizeof cap, "%s.pem", ca);
	tp_path(index, pidx, sizeof pidx);
	tp_path(cap, pca, sizeof pca);
	tp_path(rs, prs, sizeof prs);
	tp_path(rk, prk, sizeof prk);
	pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp("openssl", "openssl", "ocsp", "-index", pidx, "-port", sport, "-rsigner", prs,
		       "-rkey", prk, "-CA", pca, "-ndays", "1", (char *)NULL);
		_exit(127);
	}
	TP_REQUIRE(pid > 0);
	for (i = 0; i < 200; i++) {	/* up to 10 s */
		struct timespec ts = {0, 50 * 1000 * 1000};
		if (tp_port_listening(port))
			return pid;
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	return -1;
}

static inline void tp_stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

/* Run a shell command in the directory; its status. */
static inline int tp_sh(const char *fmt, ...) VN_PRINTF(1, 2);
static inline int tp_sh(const char *fmt, ...)
{
	char cmd[2048];
	int n;
	va_list ap;

	n = snprintf(cmd, sizeof cmd, "cd '%s' && ", tp_dir);
	va_start(ap, fmt);
	vsnprintf(cmd + n, sizeof cmd - (size_t)n, fmt, ap);
	va_end(ap);
	return system(cmd);
}

static inline unsigned char *tp_read(const char *name, size_t *n)
{
	char p[512];
	FILE *fp = fopen(tp_path(name, p, sizeof p), "rb");
	unsigned char *b;
	long len;

	TP_REQUIRE((fp) != NULL);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	b = malloc(len > 0 ? (size_t)len : 1);
	TP_REQUIRE((b) != NULL);
	*n = fread(b, 1, (size_t)len, fp);
	fclose(fp);
	return b;
}

static inline void tp_b64(X509 *x, char *out, size_t n)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);
	EVP_ENCODE_CTX *e = EVP_ENCODE_CTX_new();
	int outl = 0, tot = 0;
	unsigned char *o = malloc((size_t)len * 2 + 64);

	TP_REQUIRE((o) != NULL);
	EVP_EncodeInit(e);
	EVP_EncodeUpdate(e, o, &outl, der, len);
	tot = outl;
	EVP_EncodeFinal(e, o + tot, &outl);
	tot += outl;
	o[tot] = '\0';
	TP_REQUIRE((size_t)tot < n);
	snprintf(out, n, "%s", (char *)o);
	free(o);
	EVP_ENCODE_CTX_free(e);
	OPENSSL_free(der);
}

/* A trusted list with one TSP and one service per (type, cert) pair. */
static inline tl_snapshot *tp_snapshot(const char *const *types, X509 *const *certs, size_t n)
{
	size_t cap = 4096 + n * 8192, i, len;
	char *xml = malloc(cap), *b64 = malloc(8192);
	xmlDocPtr doc = NULL;
	tl_list *l = NULL;
	tl_snapshot_builder *b;
	tl_snapshot *s = NULL;

	TP_REQUIRE((xml) != NULL);
	len = (size_t)snprintf(
		xml, cap,
		"<tsl:TrustServiceStatusList xmlns:tsl=\"http://uri.etsi.org/02231/v2#\" "
		"TSLTag=\"http://uri.etsi.org/19612/TSLTag\"><tsl:SchemeInformation>"
		"<tsl:TSLVersionIdentifier>6</tsl:TSLVersionIdentifier>"
		"<tsl:TSLSequenceNumber>1</tsl:TSLSequenceNumber>"
		"<tsl:TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</tsl:TSLType>"
		"<tsl:SchemeOperatorName><tsl:Name xml:lang=\"en\">Test</tsl:Name></tsl:SchemeOperatorName>"
		"<tsl:SchemeTerritory>XX</tsl:SchemeTerritory>"
		"<tsl:ListIssueDateTime>2026-01-01T00:00:00Z</tsl:ListIssueDateTime>"
		"<tsl:NextUpdate><tsl:dateTime>2099-01-01T00:00:00Z</tsl:dateTime></tsl:NextUpdate>"
		"</tsl:SchemeInformation><tsl:TrustServiceProviderList><tsl:TrustServiceProvider>"
		"<tsl:TSPInformation><tsl:TSPName><tsl:Name xml:lang=\"en\">Test TSP</tsl:Name>"
		"</tsl:TSPName></tsl:TSPInformation><tsl:TSPServices>");
	for (i = 0; i < n; i++) {
		tp_b64(certs[i], b64, 8192);
		len += (size_t)snprintf(
			xml + len, cap - len,
			"<tsl:TSPService><tsl:ServiceInformation>"
			"<tsl:ServiceTypeIdentifier>%s</tsl:ServiceTypeIdentifier>"
			"<tsl:ServiceName><tsl:Name xml:lang=\"en\">Service %zu</tsl:Name></tsl:ServiceName>"
			"<tsl:ServiceDigitalIdentity><tsl:DigitalId><tsl:X509Certificate>%s"
			"</tsl:X509Certificate></tsl:DigitalId></tsl:ServiceDigitalIdentity>"
			"<tsl:ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted"
			"</tsl:ServiceStatus><tsl:StatusStartingTime>2016-07-01T00:00:00Z"
			"</tsl:StatusStartingTime></tsl:ServiceInformation></tsl:TSPService>",
			types[i], i, b64);
		TP_REQUIRE(len < cap);
	}
	len += (size_t)snprintf(xml + len, cap - len,
				"</tsl:TSPServices></tsl:TrustServiceProvider>"
				"</tsl:TrustServiceProviderList></tsl:TrustServiceStatusList>");
	TP_REQUIRE(len < cap);
	TP_REQUIRE(tl_xml_read((const unsigned char *)xml, len, &doc, NULL, 0) == VN_OK);
	TP_REQUIRE(tl_parse(doc, &l) == VN_OK);
	xmlFreeDoc(doc);
	b = tl_snapshot_builder_new();
	TP_REQUIRE((b) != NULL);
	TP_REQUIRE(tl_snapshot_builder_add(b, l, "test", "file:test.xml") == VN_OK);
	TP_REQUIRE(tl_snapshot_build(b, &s) == VN_OK);
	free(xml);
	free(b64);
	return s;
}

#define TP_CA_QC "http://uri.etsi.org/TrstSvc/Svctype/CA/QC"
#define TP_OCSP_QC "http://uri.etsi.org/TrstSvc/Svctype/Certstatus/OCSP/QC"
#define TP_TSA "http://uri.etsi.org/TrstSvc/Svctype/TSA/QTST"

#endif
