/* valnode bench: the validation path, in process, on one core.
 *
 *   bench_validate [-s SECONDS] [-c CEILING] [-w WORKDIR] [-k raw|b|lt]
 *
 * Three signatures by the same signer, validated over and over with warm
 * caches (the engine as vn_validate drives it: v_detect, the format parser,
 * v_validate, everything freed each time):
 *   raw        a raw Mobile-ID P-256 signature (DESIGN.md: hash, ECDSA value
 *              as r||s, certificate; the issuing CA comes from the list);
 *   cades_b    CAdES-BASELINE-B, detached, over a 4 KiB document;
 *   cades_lt   CAdES-BASELINE-LT over the same document: a signature
 *              timestamp, certificate values and revocation values with an
 *              OCSP response embedded.
 * For raw and B the revocation status comes from the in-memory cache,
 * primed by the first validation against a real `openssl ocsp` responder on
 * 127.0.0.1 (-ndays 1) that this program starts, and stops (by pid) before
 * the warm loops: a warm validation that left the cache would fail.
 *
 * Cold latency: the first validation of the process (a new signer, an empty
 * cache: the OCSP round trip included), then the median over further new
 * signers, each with a fresh cache.
 *
 * Set-up, outside the timed region: the PKI made with the OpenSSL API (root
 * CA, issuing CA under a CA/QC service, signer with nonRepudiation and QC
 * statements, a delegated OCSP responder with id-pkix-ocsp-nocheck, a TSA
 * with a critical timeStamping EKU under a TSA/QTST service), the trust
 * snapshot from a trusted list parsed from XML written here, the signatures
 * made with the OpenSSL API.
 *
 * Every validation must come out TOTAL-PASSED (raw and B from the cache, LT
 * from its embedded response with its timestamp passed): any other outcome
 * is an error and the exit status is non-zero.
 *
 * -k runs one warm loop only (for a profiler: perf record, callgrind).
 *
 * Output: "figure NAME VALUE UNIT [CEILING]" lines on stdout (CEILING, the
 * -c value, after each throughput), progress on stderr.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "common/vn_b64.h"
#include "common/vn_err.h"
#include "common/vn_time.h"
#include "common/vn_verdict.h"
#include "node/v_engine.h"
#include "node/v_format.h"
#include "node/v_qual_int.h"
#include "node/v_rev.h"
#include "node/v_validate.h"
#include "trustlists/tl_model.h"
#include "trustlists/tl_snapshot.h"
#include "trustlists/tl_xml.h"

#define DAY 86400
#define DOC_LEN 4096
#define COLD_SIGNERS 5		/* new signers for the cold median */
#define NSIGNERS (1 + COLD_SIGNERS)
#define PATH_LEN 512

/* Set-up failures: print and leave (atexit stops the responder). */
#define REQUIRE(c)                                                                   \
	do {                                                                         \
		if (!(c)) {                                                          \
			fprintf(stderr, "bench_validate: %s:%d: set-up failed: %s\n", \
				__FILE__, __LINE__, #c);                             \
			exit(1);                                                     \
		}                                                                    \
	} while (0)

typedef struct cert {
	X509 *x;
	EVP_PKEY *k;
} cert;

static char work[PATH_LEN];
static int work_made;		/* made here: removed at exit */
static pid_t responder_pid = -1;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void figure(const char *name, double value, const char *unit, double ceiling)
{
	if (ceiling > 0.0)
		printf("figure %s %.10g %s %.10g\n", name, value, unit, ceiling);
	else
		printf("figure %s %.10g %s\n", name, value, unit);
}

/* ------------------------------------------------------------ processes */

static void responder_stop(void)
{
	if (responder_pid > 0) {
		kill(responder_pid, SIGTERM);
		waitpid(responder_pid, NULL, 0);
		responder_pid = -1;
	}
}

static void at_exit(void)
{
	char cmd[PATH_LEN + 16];

	responder_stop();
	if (work_made && strncmp(work, "/tmp/vn-bench-", 14) == 0) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", work);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_validate: could not remove %s\n", work);
	}
}

static void on_signal(int sig)
{
	(void)sig;
	exit(2);	/* atexit: the responder is stopped */
}

static int free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int s = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	REQUIRE(s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) == 0 &&
		getsockname(s, (struct sockaddr *)&a, &len) == 0);
	port = ntohs(a.sin_port);
	close(s);
	return port;
}

/* Someone listens on port: a bind fails with EADDRINUSE (a probe connection
 * would hold up `openssl ocsp`, which serves one connection at a time). */
static int port_busy(int port)
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

static const char *wpath(const char *name, char *buf, size_t n)
{
	REQUIRE((size_t)snprintf(buf, n, "%s/%s", work, name) < n);
	return buf;
}

/* `openssl ocsp` for the issuing CA on 127.0.0.1:port; dies with us. */
static void responder_start(int port)
{
	char idx[PATH_LEN], ca[PATH_LEN], rs[PATH_LEN], rk[PATH_LEN], sport[16];
	int i;

	wpath("index.txt", idx, sizeof idx);
	wpath("ica.pem", ca, sizeof ca);
	wpath("responder.pem", rs, sizeof rs);
	wpath("responder.key", rk, sizeof rk);
	snprintf(sport, sizeof sport, "%d", port);
	responder_pid = fork();
	REQUIRE(responder_pid >= 0);
	if (responder_pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp("openssl", "openssl", "ocsp", "-index", idx, "-port", sport, "-rsigner", rs,
		       "-rkey", rk, "-CA", ca, "-ndays", "1", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 200; i++) {	/* up to 10 s */
		struct timespec ts = {0, 50 * 1000 * 1000};
		if (port_busy(port))
			return;
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "bench_validate: the OCSP responder does not listen on %d\n", port);
	exit(1);
}

/* ------------------------------------------------------------------ PKI */

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX c;
	X509_EXTENSION *e;

	X509V3_set_ctx(&c, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &c, nid, value);
	REQUIRE(e != NULL);
	REQUIRE(X509_add_ext(x, e, -1) == 1);
	X509_EXTENSION_free(e);
}

/* EN 319 412-5: QcCompliance, QcSSCD, QcType esign. */
static void add_qcs(X509 *x)
{
	v_qcs_spec spec = {1, 1, 1, 0, 0, 0, NULL, 0};
	unsigned char *der = NULL;
	size_t n = 0;
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	X509_EXTENSION *e;

	REQUIRE(os != NULL && v_qcs_encode(&spec, &der, &n) == VN_OK);
	REQUIRE(ASN1_OCTET_STRING_set(os, der, (int)n) == 1);
	e = X509_EXTENSION_create_by_NID(NULL, NID_qcStatements, 0, os);
	REQUIRE(e != NULL && X509_add_ext(x, e, -1) == 1);
	X509_EXTENSION_free(e);
	ASN1_OCTET_STRING_free(os);
	OPENSSL_free(der);
}

typedef struct cert_spec {
	const char *cn;
	long serial;
	int ca;
	const char *ku, *eku;	/* openssl config syntax; eku may be NULL */
	const char *aia;	/* OCSP URL or NULL */
	int qcs, nocheck;
} cert_spec;

/* A P-256 certificate valid [now - 30 days, now + 1 year] (CAs: 10 years),
 * issued by iss (self-signed when NULL). */
static cert make_cert(const cert_spec *sp, const cert *iss, vn_time now)
{
	cert c = {X509_new(), EVP_EC_gen("P-256")};
	X509_NAME *nm = X509_NAME_new();
	char buf[256];

	REQUIRE(c.x != NULL && c.k != NULL && nm != NULL);
	REQUIRE(X509_set_version(c.x, 2) == 1);
	REQUIRE(ASN1_INTEGER_set(X509_get_serialNumber(c.x), sp->serial) == 1);
	X509_NAME_add_entry_by_txt(nm, "C", MBSTRING_ASC, (const unsigned char *)"XX", -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_ASC, (const unsigned char *)"Bench TSP", -1, -1, 0);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)sp->cn, -1, -1, 0);
	X509_set_subject_name(c.x, nm);
	X509_set_issuer_name(c.x, iss != NULL ? X509_get_subject_name(iss->x) : nm);
	X509_NAME_free(nm);
	REQUIRE(ASN1_TIME_set(X509_getm_notBefore(c.x), (time_t)(now - 30 * DAY)) != NULL);
	REQUIRE(ASN1_TIME_set(X509_getm_notAfter(c.x),
			      (time_t)(now + (sp->ca ? 3650 : 365) * DAY)) != NULL);
	REQUIRE(X509_set_pubkey(c.x, c.k) == 1);
	add_ext(c.x, NULL, NID_subject_key_identifier, "hash");
	add_ext(c.x, iss != NULL ? iss->x : c.x, NID_authority_key_identifier, "keyid:always");
	add_ext(c.x, NULL, NID_basic_constraints, sp->ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	add_ext(c.x, NULL, NID_key_usage, sp->ku);
	if (sp->eku != NULL)
		add_ext(c.x, NULL, NID_ext_key_usage, sp->eku);
	if (sp->aia != NULL) {
		snprintf(buf, sizeof buf, "OCSP;URI:%s", sp->aia);
		add_ext(c.x, NULL, NID_info_access, buf);
	}
	if (sp->nocheck)
		add_ext(c.x, NULL, NID_id_pkix_OCSP_noCheck, "ignored");
	if (sp->qcs)
		add_qcs(c.x);
	REQUIRE(X509_sign(c.x, iss != NULL ? iss->k : c.k, EVP_sha256()) > 0);
	return c;
}

static void write_pem(const cert *c, const char *name, int with_key)
{
	char p[PATH_LEN], f[64];
	FILE *fp;

	snprintf(f, sizeof f, "%s.pem", name);
	REQUIRE((fp = fopen(wpath(f, p, sizeof p), "w")) != NULL);
	REQUIRE(PEM_write_X509(fp, c->x) == 1);
	fclose(fp);
	if (!with_key)
		return;
	snprintf(f, sizeof f, "%s.key", name);
	REQUIRE((fp = fopen(wpath(f, p, sizeof p), "w")) != NULL);
	REQUIRE(PEM_write_PrivateKey(fp, c->k, NULL, NULL, 0, NULL, NULL) == 1);
	fclose(fp);
}

/* The `openssl ocsp` index: every signer valid (V), expiring in a year. */
static void write_index(const cert *signers, size_t n, vn_time now)
{
	char p[PATH_LEN], sub[256], exp[32];
	struct tm tm;
	time_t t = (time_t)(now + 365 * DAY);
	FILE *fp;
	size_t i;

	gmtime_r(&t, &tm);
	snprintf(exp, sizeof exp, "%02d%02d%02d%02d%02d%02dZ", tm.tm_year % 100, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	REQUIRE((fp = fopen(wpath("index.txt", p, sizeof p), "w")) != NULL);
	for (i = 0; i < n; i++) {
		BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(signers[i].x), NULL);
		char *hex = bn != NULL ? BN_bn2hex(bn) : NULL;

		REQUIRE(hex != NULL);
		X509_NAME_oneline(X509_get_subject_name(signers[i].x), sub, sizeof sub);
		fprintf(fp, "V\t%s\t\t%s\tunknown\t%s\n", exp, hex, sub);
		OPENSSL_free(hex);
		BN_free(bn);
	}
	fclose(fp);
}

/* ------------------------------------------------------------- the list */

static void append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		REQUIRE((*buf = realloc(*buf, *cap)) != NULL);
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

static void append_service(char **buf, size_t *len, size_t *cap, const char *type, X509 *x)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	char *b64 = NULL, *frag;
	size_t fl;

	REQUIRE(n > 0 && vn_b64_encode(der, (size_t)n, &b64) == VN_OK);
	fl = strlen(b64) + 1024;
	REQUIRE((frag = malloc(fl)) != NULL);
	snprintf(frag, fl,
		 "<tsl:TSPService><tsl:ServiceInformation>"
		 "<tsl:ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/%s</tsl:ServiceTypeIdentifier>"
		 "<tsl:ServiceName><tsl:Name xml:lang='en'>%s</tsl:Name></tsl:ServiceName>"
		 "<tsl:ServiceDigitalIdentity><tsl:DigitalId><tsl:X509Certificate>%s"
		 "</tsl:X509Certificate></tsl:DigitalId></tsl:ServiceDigitalIdentity>"
		 "<tsl:ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted"
		 "</tsl:ServiceStatus><tsl:StatusStartingTime>2016-07-01T00:00:00Z"
		 "</tsl:StatusStartingTime></tsl:ServiceInformation></tsl:TSPService>",
		 type, type, b64);
	append(buf, len, cap, frag);
	free(frag);
	free(b64);
	OPENSSL_free(der);
}

/* A one-TSP trusted list: the issuing CA under CA/QC, the TSA under
 * TSA/QTST; read, parsed and turned into a snapshot as a node does. */
static tl_snapshot *make_snapshot(X509 *ica, X509 *tsa)
{
	char *xml = NULL, why[256] = "";
	size_t len = 0, cap = 0;
	xmlDocPtr doc = NULL;
	tl_list *l = NULL;
	tl_snapshot_builder *b;
	tl_snapshot *s = NULL;

	append(&xml, &len, &cap,
	       "<tsl:TrustServiceStatusList xmlns:tsl='http://uri.etsi.org/02231/v2#' "
	       "TSLTag='http://uri.etsi.org/19612/TSLTag' Id='root'><tsl:SchemeInformation>"
	       "<tsl:TSLVersionIdentifier>6</tsl:TSLVersionIdentifier>"
	       "<tsl:TSLSequenceNumber>1</tsl:TSLSequenceNumber>"
	       "<tsl:TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</tsl:TSLType>"
	       "<tsl:SchemeOperatorName><tsl:Name xml:lang='en'>Bench</tsl:Name></tsl:SchemeOperatorName>"
	       "<tsl:SchemeTerritory>XX</tsl:SchemeTerritory>"
	       "<tsl:ListIssueDateTime>2026-01-01T00:00:00Z</tsl:ListIssueDateTime>"
	       "<tsl:NextUpdate><tsl:dateTime>2099-01-01T00:00:00Z</tsl:dateTime></tsl:NextUpdate>"
	       "</tsl:SchemeInformation><tsl:TrustServiceProviderList><tsl:TrustServiceProvider>"
	       "<tsl:TSPInformation><tsl:TSPName><tsl:Name xml:lang='en'>Bench TSP</tsl:Name>"
	       "</tsl:TSPName></tsl:TSPInformation><tsl:TSPServices>");
	append_service(&xml, &len, &cap, "CA/QC", ica);
	append_service(&xml, &len, &cap, "TSA/QTST", tsa);
	append(&xml, &len, &cap,
	       "</tsl:TSPServices></tsl:TrustServiceProvider></tsl:TrustServiceProviderList>"
	       "</tsl:TrustServiceStatusList>");
	tl_xml_global_init();
	if (tl_xml_read((const unsigned char *)xml, len, &doc, why, sizeof why) != VN_OK) {
		fprintf(stderr, "bench_validate: the list: %s\n", why);
		exit(1);
	}
	REQUIRE(tl_parse(doc, &l) == VN_OK);
	xmlFreeDoc(doc);
	free(xml);
	REQUIRE((b = tl_snapshot_builder_new()) != NULL);
	REQUIRE(tl_snapshot_builder_add(b, l, "bench", "https://bench.invalid/XX.xml") == VN_OK);
	REQUIRE(tl_snapshot_build(b, &s) == VN_OK);
	return s;
}

/* ------------------------------------------------------- the signatures */

typedef struct blob {
	unsigned char *p;
	size_t n;
} blob;

/* {"raw": {...}} over SHA-256(doc), the ECDSA value as r||s (Mobile-ID). */
static blob make_raw(const cert *signer, const unsigned char *doc, size_t dn)
{
	unsigned char dg[32], sig[128], rs[64];
	unsigned int dl = 0;
	size_t sl = sizeof sig;
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(signer->k, NULL);
	const unsigned char *q = sig;
	ECDSA_SIG *es;
	const BIGNUM *r, *s;
	unsigned char *der = NULL;
	int n = i2d_X509(signer->x, &der);
	char *hb = NULL, *sb = NULL, *cb = NULL;
	blob out;
	size_t cap;

	REQUIRE(n > 0 && pc != NULL);
	REQUIRE(EVP_Digest(doc, dn, dg, &dl, EVP_sha256(), NULL) == 1 && dl == 32);
	REQUIRE(EVP_PKEY_sign_init(pc) == 1 && EVP_PKEY_sign(pc, sig, &sl, dg, dl) == 1);
	EVP_PKEY_CTX_free(pc);
	REQUIRE((es = d2i_ECDSA_SIG(NULL, &q, (long)sl)) != NULL);
	ECDSA_SIG_get0(es, &r, &s);
	REQUIRE(BN_bn2binpad(r, rs, 32) == 32 && BN_bn2binpad(s, rs + 32, 32) == 32);
	ECDSA_SIG_free(es);
	REQUIRE(vn_b64_encode(dg, dl, &hb) == VN_OK && vn_b64_encode(rs, sizeof rs, &sb) == VN_OK &&
		vn_b64_encode(der, (size_t)n, &cb) == VN_OK);
	cap = strlen(hb) + strlen(sb) + strlen(cb) + 256;
	REQUIRE((out.p = malloc(cap)) != NULL);
	out.n = (size_t)snprintf((char *)out.p, cap,
				 "{\"raw\": {\"hashAlgorithm\": \"SHA-256\", \"hash\": \"%s\", "
				 "\"signatureAlgorithm\": \"ECDSA\", \"signatureValue\": \"%s\", "
				 "\"certificate\": \"%s\"}}",
				 hb, sb, cb);
	REQUIRE(out.n < cap);
	free(hb);
	free(sb);
	free(cb);
	OPENSSL_free(der);
	return out;
}

/* DER TLV: tag, definite length, content. */
static blob der_tlv(unsigned char tag, const unsigned char *c, size_t n)
{
	blob b;
	size_t h = 0;

	REQUIRE(n < 0x10000);
	REQUIRE((b.p = malloc(n + 4)) != NULL);
	b.p[h++] = tag;
	if (n < 0x80) {
		b.p[h++] = (unsigned char)n;
	} else if (n < 0x100) {
		b.p[h++] = 0x81;
		b.p[h++] = (unsigned char)n;
	} else {
		b.p[h++] = 0x82;
		b.p[h++] = (unsigned char)(n >> 8);
		b.p[h++] = (unsigned char)n;
	}
	memcpy(b.p + h, c, n);
	b.n = h + n;
	return b;
}

static void blob_cat(blob *b, const unsigned char *p, size_t n)
{
	REQUIRE((b->p = realloc(b->p, b->n + n + 1)) != NULL);
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void add_unsigned(CMS_SignerInfo *si, const char *oid, const blob *der)
{
	REQUIRE(CMS_unsigned_add1_attr_by_txt(si, oid, V_ASN1_SEQUENCE, der->p, (int)der->n) == 1);
}

/* An RFC 3161 token by the TSA over SHA-256(what): TS_RESP_CTX, ESS
 * signing-certificate-v2, the TSA certificate included. */
static blob make_token(const cert *tsa, const unsigned char *what, size_t n)
{
	TS_RESP_CTX *tc = TS_RESP_CTX_new();
	TS_REQ *rq = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	ASN1_OBJECT *pol = OBJ_txt2obj("1.3.6.1.4.1.99999.1", 1);
	BIO *qb = BIO_new(BIO_s_mem());
	TS_RESP *resp;
	unsigned char dg[32];
	unsigned int dl = 0;
	blob out = {NULL, 0};
	int len;

	REQUIRE(tc != NULL && rq != NULL && mi != NULL && alg != NULL && pol != NULL && qb != NULL);
	REQUIRE(EVP_Digest(what, n, dg, &dl, EVP_sha256(), NULL) == 1);
	X509_ALGOR_set_md(alg, EVP_sha256());
	REQUIRE(TS_MSG_IMPRINT_set_algo(mi, alg) == 1 && TS_MSG_IMPRINT_set_msg(mi, dg, (int)dl) == 1);
	REQUIRE(TS_REQ_set_version(rq, 1) == 1 && TS_REQ_set_msg_imprint(rq, mi) == 1 &&
		TS_REQ_set_cert_req(rq, 1) == 1);
	REQUIRE(i2d_TS_REQ_bio(qb, rq) == 1);
	REQUIRE(TS_RESP_CTX_set_signer_cert(tc, tsa->x) == 1 &&
		TS_RESP_CTX_set_signer_key(tc, tsa->k) == 1 &&
		TS_RESP_CTX_set_signer_digest(tc, EVP_sha256()) == 1 &&
		TS_RESP_CTX_set_ess_cert_id_digest(tc, EVP_sha256()) == 1 &&
		TS_RESP_CTX_set_def_policy(tc, pol) == 1 && TS_RESP_CTX_add_md(tc, EVP_sha256()) == 1);
	resp = TS_RESP_create_response(tc, qb);
	REQUIRE(resp != NULL && ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(
					TS_RESP_get_status_info(resp))) == TS_STATUS_GRANTED);
	len = i2d_PKCS7(TS_RESP_get_token(resp), &out.p);
	REQUIRE(len > 0);
	out.n = (size_t)len;
	TS_RESP_free(resp);
	BIO_free(qb);
	ASN1_OBJECT_free(pol);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(rq);
	TS_RESP_CTX_free(tc);
	return out;
}

/* A BasicOCSPResponse by the delegated responder: good, thisUpdate a minute
 * ago, nextUpdate in a day. */
static blob make_basic_ocsp(const cert *signer, const cert *ica, const cert *resp)
{
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), signer->x, ica->x);
	ASN1_TIME *tu = X509_gmtime_adj(NULL, -60), *nu = X509_gmtime_adj(NULL, DAY);
	blob out = {NULL, 0};
	int len;

	REQUIRE(bs != NULL && id != NULL && tu != NULL && nu != NULL);
	REQUIRE(OCSP_basic_add1_status(bs, id, V_OCSP_CERTSTATUS_GOOD, 0, NULL, tu, nu) != NULL);
	REQUIRE(OCSP_basic_sign(bs, resp->x, resp->k, EVP_sha256(), NULL, 0) == 1);
	len = i2d_OCSP_BASICRESP(bs, &out.p);
	REQUIRE(len > 0);
	out.n = (size_t)len;
	ASN1_TIME_free(tu);
	ASN1_TIME_free(nu);
	OCSP_CERTID_free(id);
	OCSP_BASICRESP_free(bs);
	return out;
}

/* CAdES-BASELINE-B, detached; with lt, the LT unsigned attributes
 * (EN 319 122-1 5.3, 5.4.1, 5.4.2): signature timestamp over the signature
 * value, certValues (issuing CA, root, OCSP responder), revocationValues
 * (ocspVals [1] with one BasicOCSPResponse). */
static blob make_cades(const cert *signer, const unsigned char *doc, size_t dn, int lt,
		       const cert *ica, const cert *root, const cert *resp, const cert *tsa)
{
	BIO *in = BIO_new_mem_buf(doc, (int)dn);
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	blob out = {NULL, 0};
	int len;

	REQUIRE(in != NULL);
	cms = CMS_sign(signer->x, signer->k, NULL, in, CMS_BINARY | CMS_CADES | CMS_DETACHED);
	REQUIRE(cms != NULL);
	si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	REQUIRE(si != NULL);
	if (lt) {
		ASN1_OCTET_STRING *sv = CMS_SignerInfo_get0_signature(si);
		const cert *cv[3] = {ica, root, resp};
		blob tok, certs = {NULL, 0}, seq, basic, inner, tagged, rv;
		size_t i;

		REQUIRE(sv != NULL);
		tok = make_token(tsa, ASN1_STRING_get0_data(sv), (size_t)ASN1_STRING_length(sv));
		add_unsigned(si, "1.2.840.113549.1.9.16.2.14", &tok);
		/* CertificateValues ::= SEQUENCE OF Certificate */
		for (i = 0; i < 3; i++) {
			unsigned char *d = NULL;
			int n = i2d_X509(cv[i]->x, &d);
			REQUIRE(n > 0);
			blob_cat(&certs, d, (size_t)n);
			OPENSSL_free(d);
		}
		seq = der_tlv(0x30, certs.p, certs.n);
		add_unsigned(si, "1.2.840.113549.1.9.16.2.23", &seq);
		/* RevocationValues ::= SEQUENCE { ocspVals [1] SEQUENCE OF BasicOCSPResponse } */
		basic = make_basic_ocsp(signer, ica, resp);
		inner = der_tlv(0x30, basic.p, basic.n);
		tagged = der_tlv(0xa1, inner.p, inner.n);
		rv = der_tlv(0x30, tagged.p, tagged.n);
		add_unsigned(si, "1.2.840.113549.1.9.16.2.24", &rv);
		OPENSSL_free(tok.p);
		free(certs.p);
		free(seq.p);
		OPENSSL_free(basic.p);
		free(inner.p);
		free(tagged.p);
		free(rv.p);
	}
	len = i2d_CMS_ContentInfo(cms, &out.p);
	REQUIRE(len > 0);
	out.n = (size_t)len;
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	return out;
}

/* ----------------------------------------------------------- validation */

typedef struct outcome {
	vn_indication ind;
	vn_subind sub;
	v_qual qual;
	v_rev_source rev;
	size_t nts;
	int ts_passed;
	char why[256];
} outcome;

/* One validation as vn_validate does it: detect, parse, validate, free. */
static vn_err validate_once(const v_ctx *ctx, const blob *sig, const unsigned char *doc,
			    size_t dn, outcome *o)
{
	v_sigobj *sigs = NULL;
	size_t nsigs = 0, i;
	v_result r;
	vn_err e;

	memset(o, 0, sizeof *o);
	o->ind = VN_IND_INDETERMINATE;
	v_result_init(&r);
	switch (v_detect(sig->p, sig->n)) {
	case V_INPUT_RAW_JSON:
		sigs = calloc(1, sizeof *sigs);
		if (sigs == NULL)
			return VN_ERR_NOMEM;
		v_sigobj_init(sigs);
		nsigs = 1;
		e = v_raw_parse(sig->p, sig->n, sigs, o->why, sizeof o->why);
		break;
	case V_INPUT_CMS: {
		v_data d = {doc, dn, NULL, NULL, 0};
		e = v_cms_parse(sig->p, sig->n, &d, &sigs, &nsigs, o->why, sizeof o->why);
		break;
	}
	default:
		return VN_ERR_MALFORMED;
	}
	if (e == VN_OK && nsigs != 1)
		e = VN_ERR_MALFORMED;
	if (e == VN_OK)
		e = v_validate(ctx, &sigs[0], VN_TIME_NONE, &r);
	if (e == VN_OK) {
		o->ind = r.indication;
		o->sub = r.sub;
		o->qual = r.qualification;
		o->rev = r.revocation.source;
		o->nts = r.ntimestamps;
		o->ts_passed = r.ntimestamps > 0;
		for (i = 0; i < r.ntimestamps; i++)
			if (r.timestamps[i].indication != VN_IND_TOTAL_PASSED)
				o->ts_passed = 0;
		if (r.indication != VN_IND_TOTAL_PASSED)
			snprintf(o->why, sizeof o->why, "%s",
				 r.revocation.why[0] ? r.revocation.why : "");
	}
	v_result_free(&r);
	for (i = 0; i < nsigs; i++)
		v_sigobj_free(&sigs[i]);
	free(sigs);
	return e;
}

static const char *rev_name(v_rev_source s)
{
	static const char *const n[] = {"none", "embedded OCSP", "embedded CRL", "online OCSP",
					"online CRL", "cache"};
	return (unsigned)s < sizeof n / sizeof n[0] ? n[s] : "?";
}

/* Validate and insist on TOTAL-PASSED with the expected revocation source
 * (and, want_ts, a passed timestamp); exit loudly otherwise. */
static void validate_ok(const char *what, const v_ctx *ctx, const blob *sig,
			const unsigned char *doc, size_t dn, v_rev_source want_rev, int want_ts)
{
	outcome o;
	vn_err e = validate_once(ctx, sig, doc, dn, &o);

	if (e != VN_OK) {
		fprintf(stderr, "bench_validate: %s: the validation could not run: %s%s%s\n", what,
			vn_err_str(e), o.why[0] ? ": " : "", o.why);
		exit(1);
	}
	if (o.ind != VN_IND_TOTAL_PASSED || o.rev != want_rev || (want_ts && !o.ts_passed)) {
		fprintf(stderr,
			"bench_validate: %s: %s%s%s, revocation from %s (want %s), %zu timestamp(s)%s%s%s\n",
			what, vn_indication_name(o.ind), o.sub ? "/" : "",
			o.sub ? vn_subind_name(o.sub) : "", rev_name(o.rev), rev_name(want_rev), o.nts,
			want_ts && !o.ts_passed ? " not passed" : "", o.why[0] ? ": " : "", o.why);
		exit(1);
	}
}

/* Warm throughput: validations of sig for at least seconds; each checked. */
static double warm_rate(const char *what, const v_ctx *ctx, const blob *sig,
			const unsigned char *doc, size_t dn, v_rev_source want_rev, int want_ts,
			double seconds)
{
	double t0, t1;
	unsigned long n = 0;
	int k;

	for (k = 0; k < 16; k++)	/* warm: code, allocator, cache */
		validate_ok(what, ctx, sig, doc, dn, want_rev, want_ts);
	t0 = now_s();
	do {
		for (k = 0; k < 16; k++)
			validate_ok(what, ctx, sig, doc, dn, want_rev, want_ts);
		n += 16;
		t1 = now_s();
	} while (t1 - t0 < seconds);
	fprintf(stderr, "bench_validate: %-8s %lu validations in %.3f s, every one TOTAL-PASSED\n",
		what, n, t1 - t0);
	return (double)n / (t1 - t0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_validate [-s SECONDS] [-c CEILING_VERIFY_PER_S] [-w WORKDIR] "
			"[-k raw|b|lt]\n");
}

int main(int argc, char **argv)
{
	double seconds = 2.0, ceiling = 0.0, t0, cold_first, cold[COLD_SIGNERS], raw = 0, b = 0, lt = 0;
	const char *wdir = NULL, *only = NULL;
	vn_time now = vn_time_now();
	unsigned char doc[DOC_LEN];
	char url[64];
	cert root, ica, resp, tsa, signers[NSIGNERS];
	blob raws[NSIGNERS], cades_b, cades_lt;
	tl_snapshot *snap;
	v_trust trust;
	v_policy pol;
	v_ctx ctx;
	v_revcache *cache;
	int argi, port;
	size_t i;

	for (argi = 1; argi < argc; argi++) {
		if (argi + 1 >= argc) {
			usage();
			return 64;
		}
		if (strcmp(argv[argi], "-s") == 0)
			seconds = strtod(argv[++argi], NULL);
		else if (strcmp(argv[argi], "-c") == 0)
			ceiling = strtod(argv[++argi], NULL);
		else if (strcmp(argv[argi], "-w") == 0)
			wdir = argv[++argi];
		else if (strcmp(argv[argi], "-k") == 0)
			only = argv[++argi];
		else {
			usage();
			return 64;
		}
	}
	if (!(seconds > 0.0 && seconds < 3600.0) || !(ceiling >= 0.0) ||
	    (only != NULL && strcmp(only, "raw") != 0 && strcmp(only, "b") != 0 &&
	     strcmp(only, "lt") != 0)) {
		usage();
		return 64;
	}
	if (wdir != NULL) {
		REQUIRE(strlen(wdir) < sizeof work - 64);
		snprintf(work, sizeof work, "%s", wdir);
	} else {
		snprintf(work, sizeof work, "/tmp/vn-bench-XXXXXX");
		REQUIRE(mkdtemp(work) != NULL);
		work_made = 1;
	}
	atexit(at_exit);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);

	/* Set-up: the PKI. */
	port = free_port();
	snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
	{
		const cert_spec rs = {"Bench Root CA", 1, 1, "critical,keyCertSign,cRLSign", NULL, NULL, 0, 0};
		const cert_spec is = {"Bench Issuing CA", 2, 1, "critical,keyCertSign,cRLSign", NULL,
				      NULL, 0, 0};
		const cert_spec os = {"Bench OCSP Responder", 3, 0, "critical,digitalSignature",
				      "OCSPSigning", NULL, 0, 1};
		const cert_spec ts = {"Bench TSA", 4, 0, "critical,digitalSignature",
				      "critical,timeStamping", NULL, 0, 0};

		root = make_cert(&rs, NULL, now);
		ica = make_cert(&is, &root, now);
		resp = make_cert(&os, &ica, now);
		tsa = make_cert(&ts, &root, now);
	}
	for (i = 0; i < NSIGNERS; i++) {
		char cn[64];
		cert_spec ss = {cn, 0x1000 + (long)i, 0, "critical,nonRepudiation", NULL, url, 1, 0};

		snprintf(cn, sizeof cn, "Bench Signer %zu", i);
		signers[i] = make_cert(&ss, &ica, now);
	}
	write_pem(&ica, "ica", 0);
	write_pem(&resp, "responder", 1);
	write_index(signers, NSIGNERS, now);
	snap = make_snapshot(ica.x, tsa.x);

	/* The signatures. */
	REQUIRE(RAND_bytes(doc, sizeof doc) == 1);
	for (i = 0; i < NSIGNERS; i++)
		raws[i] = make_raw(&signers[i], doc, sizeof doc);
	cades_b = make_cades(&signers[0], doc, sizeof doc, 0, &ica, &root, &resp, &tsa);
	cades_lt = make_cades(&signers[0], doc, sizeof doc, 1, &ica, &root, &resp, &tsa);
	fprintf(stderr, "bench_validate: raw %zu bytes, CAdES-B %zu bytes, CAdES-LT %zu bytes, "
			"document %d bytes\n",
		raws[0].n, cades_b.n, cades_lt.n, DOC_LEN);

	memset(&trust, 0, sizeof trust);
	trust.snapshot = snap;
	v_policy_default(&pol);
	memset(&ctx, 0, sizeof ctx);
	ctx.trust = &trust;
	ctx.policy = &pol;
	responder_start(port);

	/* Cold: the first validation of the process, a new signer, an empty
	 * cache; it primes the cache the warm raw and B loops use. */
	REQUIRE((cache = v_revcache_new(4096)) != NULL);
	ctx.revcache = cache;
	t0 = now_s();
	validate_ok("cold raw", &ctx, &raws[0], NULL, 0, V_REVSRC_ONLINE_OCSP, 0);
	cold_first = (now_s() - t0) * 1e3;
	/* Cold again: each further new signer with a fresh cache. */
	for (i = 0; i < COLD_SIGNERS; i++) {
		v_revcache *fresh = v_revcache_new(4096);

		REQUIRE(fresh != NULL);
		ctx.revcache = fresh;
		t0 = now_s();
		validate_ok("cold raw", &ctx, &raws[1 + i], NULL, 0, V_REVSRC_ONLINE_OCSP, 0);
		cold[i] = (now_s() - t0) * 1e3;
		v_revcache_free(fresh);
	}
	qsort(cold, COLD_SIGNERS, sizeof cold[0], cmp_double);
	ctx.revcache = cache;
	/* The warm loops must not reach the network: no responder from here. */
	responder_stop();

	if (only == NULL || strcmp(only, "raw") == 0) {
		raw = warm_rate("raw", &ctx, &raws[0], NULL, 0, V_REVSRC_CACHE, 0, seconds);
		figure("validate_raw_per_s", raw, "validations/s", ceiling);
	}
	if (only == NULL || strcmp(only, "b") == 0) {
		b = warm_rate("cades_b", &ctx, &cades_b, doc, sizeof doc, V_REVSRC_CACHE, 0, seconds);
		figure("validate_cades_b_per_s", b, "validations/s", ceiling);
	}
	if (only == NULL || strcmp(only, "lt") == 0) {
		lt = warm_rate("cades_lt", &ctx, &cades_lt, doc, sizeof doc, V_REVSRC_EMBEDDED_OCSP,
			       1, seconds);
		figure("validate_cades_lt_per_s", lt, "validations/s", ceiling);
	}
	figure("validate_cold_first_ms", cold_first, "ms", 0.0);
	figure("validate_cold_new_signer_ms", cold[COLD_SIGNERS / 2], "ms", 0.0);
	if (ceiling > 0.0)
		fprintf(stderr, "bench_validate: ratio to %.0f ECDSA P-256 verifies/s: raw %.3f, "
				"B %.3f, LT %.3f\n",
			ceiling, raw / ceiling, b / ceiling, lt / ceiling);
	fflush(stdout);

	for (i = 0; i < NSIGNERS; i++) {
		free(raws[i].p);
		X509_free(signers[i].x);
		EVP_PKEY_free(signers[i].k);
	}
	OPENSSL_free(cades_b.p);
	OPENSSL_free(cades_lt.p);
	v_revcache_free(cache);
	tl_snapshot_unref(snap);
	X509_free(root.x);
	EVP_PKEY_free(root.k);
	X509_free(ica.x);
	EVP_PKEY_free(ica.k);
	X509_free(resp.x);
	EVP_PKEY_free(resp.k);
	X509_free(tsa.x);
	EVP_PKEY_free(tsa.k);
	return 0;
}
