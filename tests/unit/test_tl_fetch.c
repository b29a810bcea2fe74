/* Check suite for trustlists/tl_fetch and tl_mirror.
 *
 * The network cases run against a real nginx on 127.0.0.1, started by an
 * unchecked fixture (in the runner process, before the tests fork) with a
 * configuration, a test CA and server certificates generated into a temporary
 * directory, and stopped at the end. Without /usr/sbin/nginx or openssl those
 * cases are skipped, saying so.
 */
#include "tests/unit/vn_test.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "common/vn_buf.h"
#include "trustlists/tl_fetch.h"
#include "trustlists/tl_mirror.h"

#define NGINX "/usr/sbin/nginx"

/* ---- small helpers ---- */

static int run(const char *fmt, ...) VN_PRINTF(1, 2);
static int run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	(void)vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return rc == 0 ? 0 : -1;
}

static void put_file(const char *dir, const char *name, const void *p, size_t n)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	ck_assert_int_eq(vn_write_file_atomic(path, p, n, 0644), VN_OK);
}

static int free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static int port_open(int port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), ok;

	if (fd < 0)
		return 0;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	close(fd);
	return ok;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void sha256(const void *p, size_t n, unsigned char md[32])
{
	unsigned int len = 0;

	ck_assert_int_eq(EVP_Digest(p, n, md, &len, EVP_sha256(), NULL), 1);
}

/* ---- the nginx fixture ---- */

typedef struct server {
	char dir[256];		/* everything lives here */
	int port;		/* https, certificate from ca.crt */
	int rogue_port;		/* https, certificate from another CA */
	int http_port;		/* plain http */
	pid_t pid;
	int up;
} server;

static server srv;
static const char *skip_reason;

static const char TL_XML[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<TrustServiceStatusList xmlns=\"http://uri.etsi.org/02231/v2#\"/>\n";

static int make_certs(const char *d)
{
	static const char *ext =
		"basicConstraints=critical,CA:FALSE\n"
		"keyUsage=critical,digitalSignature\n"
		"extendedKeyUsage=serverAuth\n"
		"subjectAltName=DNS:localhost,IP:127.0.0.1\n";
	char p[512];

	snprintf(p, sizeof p, "%s/ext.cnf", d);
	if (vn_write_file_atomic(p, ext, strlen(ext), 0600) != VN_OK)
		return -1;
	/* the test CA, the server it signs, and a rogue CA with its own server */
	return run("cd '%s' && for ca in ca rogue; do "
		   "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
		   "-keyout $ca.key -out $ca.crt -days 2 -subj /CN=valnode-test-$ca "
		   "-addext basicConstraints=critical,CA:TRUE "
		   "-addext keyUsage=critical,keyCertSign,cRLSign && "
		   "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
		   "-keyout $ca-server.key -out $ca-server.csr -subj /CN=localhost && "
		   "openssl x509 -req -in $ca-server.csr -CA $ca.crt -CAkey $ca.key "
		   "-set_serial 0x$(openssl rand -hex 8) -days 2 -extfile ext.cnf "
		   "-out $ca-server.crt || exit 1; done >openssl.log 2>&1", d);
}

static void make_site(const char *d)
{
	char www[320];
	unsigned char md[32];
	char hex[66];
	vn_buf big;
	size_t i;

	snprintf(www, sizeof www, "%s/www", d);
	ck_assert_int_eq(mkdir(www, 0755), 0);
	put_file(www, "tl.xml", TL_XML, strlen(TL_XML));
	sha256(TL_XML, strlen(TL_XML), md);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[64] = '\n';
	put_file(www, "tl.sha2", hex, 65);
	put_file(www, "raw.xml", TL_XML, strlen(TL_XML));
	put_file(www, "raw.sha2", md, 32);
	put_file(www, "badsha.xml", TL_XML, strlen(TL_XML));
	put_file(www, "badsha.sha2", "not a digest\n", 13);
	put_file(www, "page.html", "<!DOCTYPE html><html><body>Sorry</body></html>", 46);
	put_file(www, "disguised.xml", "\n  <!DOCTYPE html>\n<html><body>503</body></html>", 48);
	put_file(www, "notxml.xml", "Service temporarily unavailable", 31);
	put_file(www, "doc.pdf", "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 15);
	/* 1 MiB of XML, against a 64 KiB cap */
	vn_buf_init(&big, 2u << 20);
	ck_assert_int_eq(vn_buf_append_str(&big, "<big>"), VN_OK);
	while (big.len < (1u << 20))
		ck_assert_int_eq(vn_buf_append_str(&big, "<e>0123456789abcdef</e>\n"), VN_OK);
	ck_assert_int_eq(vn_buf_append_str(&big, "</big>"), VN_OK);
	put_file(www, "big.xml", big.data, big.len);
	vn_buf_free(&big);
}

static int write_conf(const server *s, const char *name, int all)
{
	char conf[4096], p[512];
	int n;

	n = snprintf(conf, sizeof conf,
		"%s"
		"daemon off;\nmaster_process off;\nworker_processes 1;\n"
		"pid %s/%s.pid;\nerror_log %s/%s.error.log;\n"
		"events { worker_connections 64; }\n"
		"http {\n"
		"  access_log %s/%s.access.log;\n"
		"  client_body_temp_path %s/tmp-body; proxy_temp_path %s/tmp-proxy;\n"
		"  fastcgi_temp_path %s/tmp-fcgi; uwsgi_temp_path %s/tmp-uwsgi;\n"
		"  scgi_temp_path %s/tmp-scgi;\n"
		"  types { text/xml xml; text/html html; application/pdf pdf; }\n"
		"  default_type application/octet-stream;\n"
		"  ssl_certificate %s/ca-server.crt; ssl_certificate_key %s/ca-server.key;\n"
		"  server {\n"
		"    listen 127.0.0.1:%d ssl;\n    root %s/www;\n"
		"    location = /redir-file { return 302 file:///etc/passwd; }\n"
		"    location = /redir-ok { return 302 https://127.0.0.1:%d/tl.xml; }\n"
		"    location = /redir-http { return 302 http://127.0.0.1:%d/tl.xml; }\n"
		"    location = /loop { return 302 /loop; }\n"
		"    location = /html-as-xml { default_type text/html; return 200 '<a/>'; }\n"
		/* sub_filter drops Content-Length: the cap must bite while reading */
		"    location /chunked/ { alias %s/www/; sub_filter 'zzzz' 'y';\n"
		"      sub_filter_types *; sub_filter_once off; }\n"
		"  }\n",
		geteuid() == 0 ? "user root;\n" : "",
		s->dir, name, s->dir, name, s->dir, name,
		s->dir, s->dir, s->dir, s->dir, s->dir, s->dir, s->dir,
		s->port, s->dir, s->port, s->http_port, s->dir);
	if (n < 0 || (size_t)n >= sizeof conf)
		return -1;
	if (all) {
		int k = snprintf(conf + n, sizeof conf - (size_t)n,
			"  server {\n    listen 127.0.0.1:%d ssl;\n    root %s/www;\n"
			"    ssl_certificate %s/rogue-server.crt;\n"
			"    ssl_certificate_key %s/rogue-server.key;\n  }\n"
			"  server {\n    listen 127.0.0.1:%d;\n    root %s/www;\n  }\n",
			s->rogue_port, s->dir, s->dir, s->dir, s->http_port, s->dir);
		if (k < 0 || (size_t)k >= sizeof conf - (size_t)n)
			return -1;
		n += k;
	}
	if ((size_t)n + 2 >= sizeof conf)
		return -1;
	memcpy(conf + n, "}\n", 3);
	snprintf(p, sizeof p, "%s/%s.conf", s->dir, name);
	return vn_write_file_atomic(p, conf, strlen(conf), 0600) == VN_OK ? 0 : -1;
}

static int server_start(server *s, const char *name, int all)
{
	char conf[512], elog[512];
	int i;

	if (write_conf(s, name, all) != 0)
		return -1;
	snprintf(conf, sizeof conf, "%s/%s.conf", s->dir, name);
	snprintf(elog, sizeof elog, "%s/%s.error.log", s->dir, name);
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (s->pid == 0) {
		execl(NGINX, "nginx", "-p", s->dir, "-c", conf, "-e", elog, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100; i++) {	/* up to 5 s */
		int st;

		if (port_open(s->port) && (!all || (port_open(s->rogue_port) &&
						    port_open(s->http_port)))) {
			s->up = 1;
			return 0;
		}
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			s->pid = 0;
			return -1;
		}
		sleep_ms(50);
	}
	return -1;
}

static void server_stop(server *s)
{
	if (s->pid > 0) {
		(void)kill(s->pid, SIGTERM);
		(void)waitpid(s->pid, NULL, 0);
	}
	s->pid = 0;
	s->up = 0;
}

static void nginx_setup(void)
{
	memset(&srv, 0, sizeof srv);
	if (access(NGINX, X_OK) != 0) {
		skip_reason = NGINX " is absent";
		return;
	}
	snprintf(srv.dir, sizeof srv.dir, "/tmp/vn-fetch-XXXXXX");
	if (mkdtemp(srv.dir) == NULL) {
		skip_reason = "no temporary directory";
		return;
	}
	if (make_certs(srv.dir) != 0) {
		skip_reason = "openssl could not make the test certificates";
		return;
	}
	make_site(srv.dir);
	srv.port = free_port();
	srv.rogue_port = free_port();
	srv.http_port = free_port();
	while (srv.rogue_port == srv.port)
		srv.rogue_port = free_port();
	while (srv.http_port == srv.port || srv.http_port == srv.rogue_port)
		srv.http_port = free_port();
	if (srv.port < 0 || server_start(&srv, "main", 1) != 0) {
		server_stop(&srv);
		skip_reason = "nginx did not start (see its error log in the temp dir)";
	}
}

static void nginx_teardown(void)
{
	server_stop(&srv);
	if (srv.dir[0] != '\0' && getenv("VN_KEEP_TMP") == NULL)
		(void)run("rm -rf '%s'", srv.dir);
}

#define NEED_SERVER()                                                         \
	do {                                                                  \
		if (!srv.up) {                                                \
			fprintf(stderr, "SKIP: %s\n",                          \
				skip_reason ? skip_reason : "no server");      \
			return;                                               \
		}                                                             \
	} while (0)

static void opts_for_test(tl_fetch_opts *o)
{
	static char ca[320];

	tl_fetch_opts_init(o);
	snprintf(ca, sizeof ca, "%s/ca.crt", srv.dir);
	o->ca_file = ca;
	o->timeout_ms = 5000;
	o->connect_timeout_ms = 2000;
}

static void url_of(char *u, size_t n, int port, const char *path)
{
	snprintf(u, n, "https://127.0.0.1:%d%s", port, path);
}

/* ---- network cases, one table ---- */

static const struct net_case {
	const char *path;
	int port_kind;		/* 0 main, 1 rogue CA, 2 plain http */
	int allow_http;
	int system_ca;		/* do not pass the test CA */
	size_t cap;		/* 0: default */
	vn_err want;
	long status;
	const char *reason;	/* a word the error must hold */
} net_cases[] = {
	{"/tl.xml", 0, 0, 0, 0, VN_OK, 200, NULL},
	{"/redir-ok", 0, 0, 0, 0, VN_OK, 200, NULL},
	{"/missing.xml", 0, 0, 0, 0, VN_ERR_UNAVAILABLE, 404, "404"},
	{"/page.html", 0, 0, 0, 0, VN_ERR_MALFORMED, 200, "HTML"},
	{"/html-as-xml", 0, 0, 0, 0, VN_ERR_MALFORMED, 200, "HTML"},
	{"/disguised.xml", 0, 0, 0, 0, VN_ERR_MALFORMED, 200, "HTML"},
	{"/notxml.xml", 0, 0, 0, 0, VN_ERR_MALFORMED, 200, "not XML"},
	{"/doc.pdf", 0, 0, 0, 0, VN_ERR_MALFORMED, 200, "PDF"},
	/* declared Content-Length over the cap: refused before reading */
	{"/big.xml", 0, 0, 0, 64 << 10, VN_ERR_TOO_LARGE, 200, "Content-Length"},
	/* no length declared: aborted by the write callback past the cap */
	{"/chunked/big.xml", 0, 0, 0, 64 << 10, VN_ERR_TOO_LARGE, 200, "aborted"},
	{"/big.xml", 0, 0, 0, 0, VN_OK, 200, NULL},
	{"/redir-file", 0, 0, 0, 0, VN_ERR_UNAVAILABLE, 302, "redirect"},
	{"/redir-http", 0, 0, 0, 0, VN_ERR_UNAVAILABLE, 302, "redirect"},
	{"/loop", 0, 0, 0, 0, VN_ERR_UNAVAILABLE, 302, "redirects"},
	{"/tl.xml", 1, 0, 0, 0, VN_ERR_UNAVAILABLE, 0, "TLS"},
	{"/tl.xml", 0, 0, 1, 0, VN_ERR_UNAVAILABLE, 0, "TLS"},
	{"/tl.xml", 2, 0, 0, 0, VN_ERR_UNSUPPORTED, 0, "http"},
	{"/tl.xml", 2, 1, 0, 0, VN_OK, 200, NULL},
};

START_TEST(test_net)
{
	const struct net_case *k = &net_cases[_i];
	tl_fetch_opts o;
	tl_fetch_result r;
	char url[256];
	vn_err e;

	NEED_SERVER();
	opts_for_test(&o);
	if (k->system_ca)
		o.ca_file = NULL;
	o.allow_http = k->allow_http;
	if (k->cap)
		o.max_body = k->cap;
	if (k->port_kind == 2)
		snprintf(url, sizeof url, "http://127.0.0.1:%d%s", srv.http_port, k->path);
	else
		url_of(url, sizeof url, k->port_kind ? srv.rogue_port : srv.port, k->path);
	e = tl_fetch(url, &o, &r);
	ck_assert_msg(e == k->want, "case %d %s: got %s (%s), wanted %s", _i, url,
		      vn_err_name(e), r.error, vn_err_name(k->want));
	ck_assert_msg(r.status == k->status, "case %d: status %ld", _i, r.status);
	if (k->reason != NULL)
		ck_assert_msg(strstr(r.error, k->reason) != NULL,
			      "case %d: reason '%s' lacks '%s'", _i, r.error, k->reason);
	if (e == VN_OK) {
		ck_assert_str_eq(r.error, "");
		ck_assert(r.body.len > 0 && r.body.data[0] == '<');
	} else {
		ck_assert_int_eq(r.body.len, 0);	/* nothing partial is handed out */
	}
	tl_fetch_result_free(&r);
}
END_TEST

START_TEST(test_conditional_get)
{
	tl_fetch_opts o;
	tl_fetch_result r, r2;
	char url[256];
	char *etag, *lm;

	NEED_SERVER();
	opts_for_test(&o);
	url_of(url, sizeof url, srv.port, "/tl.xml");
	ck_assert_int_eq(tl_fetch(url, &o, &r), VN_OK);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(r.not_modified, 0);
	ck_assert_int_eq(r.body.len, strlen(TL_XML));
	ck_assert_mem_eq(r.body.data, TL_XML, r.body.len);
	ck_assert_ptr_nonnull(r.etag);
	ck_assert_ptr_nonnull(r.last_modified);
	ck_assert_str_eq(r.content_type, "text/xml");
	ck_assert_int_eq(r.from_mirror, 0);
	etag = strdup(r.etag);
	lm = strdup(r.last_modified);

	/* the same ETag: 304, no body, validators carried */
	o.etag = etag;
	ck_assert_int_eq(tl_fetch(url, &o, &r2), VN_OK);
	ck_assert_int_eq(r2.status, 304);
	ck_assert_int_eq(r2.not_modified, 1);
	ck_assert_int_eq(r2.body.len, 0);
	ck_assert_str_eq(r2.etag, etag);
	tl_fetch_result_free(&r2);

	/* Last-Modified alone also gives 304 */
	o.etag = NULL;
	o.last_modified = lm;
	ck_assert_int_eq(tl_fetch(url, &o, &r2), VN_OK);
	ck_assert_int_eq(r2.not_modified, 1);
	tl_fetch_result_free(&r2);

	/* a stale ETag: the full body again */
	o.last_modified = NULL;
	o.etag = "\"0-0\"";
	ck_assert_int_eq(tl_fetch(url, &o, &r2), VN_OK);
	ck_assert_int_eq(r2.not_modified, 0);
	ck_assert_int_eq(r2.body.len, strlen(TL_XML));
	tl_fetch_result_free(&r2);

	/* a validator that would inject a header is refused, nothing sent */
	o.etag = "\"x\"\r\nX-Evil: 1";
	ck_assert_int_eq(tl_fetch(url, &o, &r2), VN_ERR_ARG);
	ck_assert(r2.error[0] != '\0');
	tl_fetch_result_free(&r2);

	free(etag);
	free(lm);
	tl_fetch_result_free(&r);
}
END_TEST

START_TEST(test_server_stopped)
{
	server s2;
	tl_fetch_opts o;
	tl_fetch_result r;
	char url[256];

	NEED_SERVER();
	/* a second nginx of our own, stopped in the middle */
	s2 = srv;
	s2.pid = 0;
	s2.up = 0;
	s2.port = free_port();
	ck_assert_int_eq(server_start(&s2, "second", 0), 0);
	opts_for_test(&o);
	url_of(url, sizeof url, s2.port, "/tl.xml");
	ck_assert_int_eq(tl_fetch(url, &o, &r), VN_OK);
	tl_fetch_result_free(&r);
	server_stop(&s2);
	ck_assert_int_eq(tl_fetch(url, &o, &r), VN_ERR_UNAVAILABLE);
	ck_assert_msg(strstr(r.error, "unreachable") != NULL, "%s", r.error);
	ck_assert_int_eq(r.status, 0);
	tl_fetch_result_free(&r);
}
END_TEST

START_TEST(test_sha2)
{
	tl_fetch_opts o;
	unsigned char want[32], got[32];
	char url[256], why[200];
	int found = -1;

	NEED_SERVER();
	opts_for_test(&o);
	sha256(TL_XML, strlen(TL_XML), want);

	/* 64 hex digits and a newline */
	url_of(url, sizeof url, srv.port, "/tl.xml");
	ck_assert_int_eq(tl_fetch_sha2(url, &o, got, &found), VN_OK);
	ck_assert_int_eq(found, 1);
	ck_assert_mem_eq(got, want, 32);
	/* 32 raw bytes */
	found = -1;
	memset(got, 0, sizeof got);
	url_of(url, sizeof url, srv.port, "/raw.xml");
	ck_assert_int_eq(tl_fetch_sha2(url, &o, got, &found), VN_OK);
	ck_assert_int_eq(found, 1);
	ck_assert_mem_eq(got, want, 32);
	/* none published: not an error */
	found = -1;
	url_of(url, sizeof url, srv.port, "/big.xml");
	ck_assert_int_eq(tl_fetch_sha2(url, &o, got, &found), VN_OK);
	ck_assert_int_eq(found, 0);
	/* something that is not a digest */
	found = -1;
	url_of(url, sizeof url, srv.port, "/badsha.xml");
	ck_assert_int_eq(tl_fetch_sha2_ex(url, &o, got, &found, why, sizeof why),
			 VN_ERR_MALFORMED);
	ck_assert_int_eq(found, 0);
	ck_assert(why[0] != '\0');
	/* a TLS failure is an error, not "none" */
	url_of(url, sizeof url, srv.rogue_port, "/tl.xml");
	ck_assert_int_eq(tl_fetch_sha2_ex(url, &o, got, &found, why, sizeof why),
			 VN_ERR_UNAVAILABLE);
	ck_assert_msg(strstr(why, "TLS") != NULL, "%s", why);
}
END_TEST

/* Mirror: a covered URL never reaches the network, an uncovered one in a
 * mirror-only run is unreachable without a connection (the access log of the
 * server it names stays silent about it). */
START_TEST(test_mirror_net)
{
	tl_fetch_opts o;
	tl_fetch_result r;
	tl_mirror *m = NULL;
	char map[1024], url_dead[256], url_absent[256], url_live[256], why[200];
	char log[320];
	vn_buf b;
	int dead = free_port();

	NEED_SERVER();
	opts_for_test(&o);
	snprintf(url_dead, sizeof url_dead, "https://127.0.0.1:%d/lotl.xml", dead);
	url_of(url_absent, sizeof url_absent, srv.port, "/absent-from-map.xml");
	url_of(url_live, sizeof url_live, srv.port, "/tl.xml");
	snprintf(map, sizeof map, "# test map\n%s\twww/tl.xml\n", url_dead);
	ck_assert_int_eq(tl_mirror_parse(map, strlen(map), srv.dir, &m, why, sizeof why),
			 VN_OK);
	o.mirror = m;
	o.mirror_only = 1;

	ck_assert_int_eq(tl_fetch(url_dead, &o, &r), VN_OK);
	ck_assert_int_eq(r.from_mirror, 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_mem_eq(r.body.data, TL_XML, strlen(TL_XML));
	tl_fetch_result_free(&r);

	ck_assert_int_eq(tl_fetch(url_absent, &o, &r), VN_ERR_UNAVAILABLE);
	ck_assert_str_eq(r.error, "unreachable: not in the mirror map");
	tl_fetch_result_free(&r);
	snprintf(log, sizeof log, "%s/main.access.log", srv.dir);
	vn_buf_init(&b, 1u << 20);
	ck_assert_int_eq(vn_buf_read_file(&b, log), VN_OK);
	ck_assert_ptr_null(strstr((char *)b.data ? (char *)b.data : "", "absent-from-map"));
	vn_buf_free(&b);

	/* offline without mirror_only: the same refusal */
	o.mirror_only = 0;
	o.offline = 1;
	ck_assert_int_eq(tl_fetch(url_absent, &o, &r), VN_ERR_UNAVAILABLE);
	ck_assert(strstr(r.error, "unreachable") != NULL);
	tl_fetch_result_free(&r);
	o.mirror = NULL;
	ck_assert_int_eq(tl_fetch(url_live, &o, &r), VN_ERR_UNAVAILABLE);
	tl_fetch_result_free(&r);

	/* a mirror that is not mirror-only falls through to the network */
	o.offline = 0;
	o.mirror = m;
	ck_assert_int_eq(tl_fetch(url_live, &o, &r), VN_OK);
	ck_assert_int_eq(r.from_mirror, 0);
	tl_fetch_result_free(&r);

	/* the .sha2 of a covered list: the mirror lacks it, so none */
	{
		unsigned char d[32];
		int found = -1;

		o.mirror_only = 1;
		ck_assert_int_eq(tl_fetch_sha2(url_dead, &o, d, &found), VN_OK);
		ck_assert_int_eq(found, 0);
	}
	tl_mirror_free(m);
}
END_TEST

/* ---- local cases: file:, mirror files, refusals before any I/O ---- */

static char ldir[256];

static void local_setup(void)
{
	snprintf(ldir, sizeof ldir, "/tmp/vn-fetchl-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(ldir));
}

static void local_teardown(void)
{
	(void)run("rm -rf '%s'", ldir);
}

START_TEST(test_file_urls)
{
	tl_fetch_opts o;
	tl_fetch_result r;
	char url[512], sub[320];
	vn_buf big;

	tl_fetch_opts_init(&o);
	put_file(ldir, "tl.xml", TL_XML, strlen(TL_XML));
	put_file(ldir, "a b.xml", TL_XML, strlen(TL_XML));
	put_file(ldir, "page.xml", "<html><body>x</body></html>", 27);
	snprintf(sub, sizeof sub, "%s/dir.xml", ldir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);

	snprintf(url, sizeof url, "file://%s/tl.xml", ldir);
	ck_assert_int_eq(tl_fetch(url, &o, &r), VN_OK);
	ck_assert_mem_eq(r.body.data, TL_XML, strlen(TL_XML));
	ck_assert_int_eq(r.status, 0);
	tl_fetch_result_free(&r);
	snprintf(url, sizeof url, "file://localhost%s/a%%20b.xml", ldir);
	ck_assert_int_eq(tl_fetch(url, &o, &r), VN_OK);
	tl_fetch_result_free(&r);
	snprintf(url, sizeof url, "file:%s/tl.xml", ldir);
	ck_assert_int_eq(tl_fetch(url, &o, &r), VN_OK);
	tl_fetch_result_free(&r);
	/* offline does not stop local files */
	o.offline = 1;
	snprintf(url, sizeof url, "file://%s/tl.xml", ldir);
	ck_assert_int_eq(tl_fetch(url, &o, &r), VN_OK);
	tl_fetch_result_free(&r);
	o.offline = 0;

	snprintf(url, sizeof url, "file://%s/none.xml", ldir);
	ck_assert_int_eq(tl_fetch(url, &o, &r), VN_ERR_NOT_FOUND);
	ck_assert(r.error[0] != '\0');
	tl_fetch_result_free(&r);
	snprintf(url, sizeof url, "file://%s/page.xml", ldir);
	ck_assert_int_eq(tl_fetch(url, &o, &r), VN_ERR_MALFORMED);
	tl_fetch_result_free(&r);
	snprintf(url, sizeof url, "file://%s/dir.xml", ldir);
	ck_assert_int_eq(tl_fetch(url, &o, &r), VN_ERR_IO);
	tl_fetch_result_free(&r);
	ck_assert_int_eq(tl_fetch("file://otherhost/etc/passwd", &o, &r), VN_ERR_UNSUPPORTED);
	tl_fetch_result_free(&r);
	ck_assert_int_eq(tl_fetch("file:///etc/x%00y", &o, &r), VN_ERR_ARG);
	tl_fetch_result_free(&r);
	ck_assert_int_eq(tl_fetch("file:///etc/x%zz", &o, &r), VN_ERR_ARG);
	tl_fetch_result_free(&r);
	ck_assert_int_eq(tl_fetch("file:///etc/passwd?x=1", &o, &r), VN_ERR_ARG);
	tl_fetch_result_free(&r);
	ck_assert_int_eq(tl_fetch("file:relative.xml", &o, &r), VN_ERR_ARG);
	tl_fetch_result_free(&r);

	/* a .sha2 beside a file: list, or none */
	{
		unsigned char d[32], want[32];
		char hex[65];
		int found = -1;
		size_t i;

		snprintf(url, sizeof url, "file://%s/tl.xml", ldir);
		ck_assert_int_eq(tl_fetch_sha2(url, &o, d, &found), VN_OK);
		ck_assert_int_eq(found, 0);
		sha256(TL_XML, strlen(TL_XML), want);
		for (i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02X", want[i]);
		put_file(ldir, "tl.sha2", hex, 64);
		ck_assert_int_eq(tl_fetch_sha2(url, NULL, d, &found), VN_OK);
		ck_assert_int_eq(found, 1);
		ck_assert_mem_eq(d, want, 32);
	}

	/* the cap applies to local files too */
	vn_buf_init(&big, 1u << 20);
	while (big.len < 70000)
		ck_assert_int_eq(vn_buf_append_str(&big, "<e/>"), VN_OK);
	put_file(ldir, "big.xml", big.data, big.len);
	vn_buf_free(&big);
	o.max_body = 64 << 10;
	snprintf(url, sizeof url, "file://%s/big.xml", ldir);
	ck_assert_int_eq(tl_fetch(url, &o, &r), VN_ERR_TOO_LARGE);
	ck_assert_int_eq(r.body.len, 0);
	tl_fetch_result_free(&r);
}
END_TEST

START_TEST(test_refused_urls)
{
	tl_fetch_result r;
	static const struct {
		const char *url;
		vn_err want;
	} cases[] = {
		{"ftp://127.0.0.1/tl.xml", VN_ERR_UNSUPPORTED},
		{"ldap://127.0.0.1/x", VN_ERR_UNSUPPORTED},
		{"tl.xml", VN_ERR_UNSUPPORTED},
		{"http://127.0.0.1:1/tl.xml", VN_ERR_UNSUPPORTED},	/* no allow_http */
		{"https://127.0.0.1/a b.xml", VN_ERR_ARG},
		{"https://127.0.0.1/a\r\nb.xml", VN_ERR_ARG},
		{"", VN_ERR_UNSUPPORTED},
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		vn_err e = tl_fetch(cases[i].url, NULL, &r);
		ck_assert_msg(e == cases[i].want, "%s: %s", cases[i].url, vn_err_name(e));
		ck_assert(r.error[0] != '\0');
		tl_fetch_result_free(&r);
	}
	tl_fetch_result_free(NULL);
}
END_TEST

/* A listener that accepts the connection (the kernel does) and never speaks:
 * the total time budget must end the transfer. */
START_TEST(test_timeout)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	tl_fetch_opts o;
	tl_fetch_result r;
	char url[128];
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	snprintf(url, sizeof url, "https://127.0.0.1:%d/tl.xml", ntohs(a.sin_port));
	tl_fetch_opts_init(&o);
	o.timeout_ms = 300;
	ck_assert_int_eq(tl_fetch(url, &o, &r), VN_ERR_TIMEOUT);
	ck_assert_ptr_nonnull(strstr(r.error, "timed out"));
	tl_fetch_result_free(&r);
	close(fd);
}
END_TEST

START_TEST(test_mirror_local)
{
	tl_fetch_opts o;
	tl_fetch_result r;
	tl_mirror *m = NULL;
	char map[1024], mapfile[320], cache[320], name[300], why[200];
	const char *url = "https://ec.europa.eu/tools/lotl/eu-lotl.xml";

	tl_fetch_opts_init(&o);
	put_file(ldir, "lotl.xml", TL_XML, strlen(TL_XML));
	snprintf(cache, sizeof cache, "%s/dss-cache", ldir);
	ck_assert_int_eq(mkdir(cache, 0700), 0);
	ck_assert_int_eq(tl_mirror_mangle("https://tl.example/de-tl.xml", name, sizeof name),
			 VN_OK);
	ck_assert_str_eq(name, "https___tl_example_de_tl_xml");
	put_file(cache, name, TL_XML, strlen(TL_XML));

	/* a map file with a relative path, a '*' directory and comments */
	snprintf(map, sizeof map,
		 "# lists for the air-gapped test\r\n\n%s\tlotl.xml\r\n"
		 "  # indented comment\n*\t%s\n", url, "dss-cache");
	put_file(ldir, "mirror.map", map, strlen(map));
	snprintf(mapfile, sizeof mapfile, "%s/mirror.map", ldir);
	ck_assert_int_eq(tl_mirror_load(mapfile, &m, why, sizeof why), VN_OK);
	o.mirror = m;
	o.mirror_only = 1;

	ck_assert_int_eq(tl_fetch(url, &o, &r), VN_OK);
	ck_assert_int_eq(r.from_mirror, 1);
	tl_fetch_result_free(&r);
	ck_assert_int_eq(tl_fetch("https://tl.example/de-tl.xml", &o, &r), VN_OK);
	ck_assert_int_eq(r.from_mirror, 1);
	ck_assert_mem_eq(r.body.data, TL_XML, strlen(TL_XML));
	tl_fetch_result_free(&r);
	ck_assert_int_eq(tl_fetch("https://tl.example/fr-tl.xml", &o, &r), VN_ERR_UNAVAILABLE);
	ck_assert_str_eq(r.error, "unreachable: not in the mirror map");
	tl_fetch_result_free(&r);
	tl_mirror_free(m);

	/* a map entry whose file is gone: not found, and no network */
	snprintf(map, sizeof map, "%s\t%s/gone.xml\n", url, ldir);
	ck_assert_int_eq(tl_mirror_parse(map, strlen(map), NULL, &m, why, sizeof why), VN_OK);
	o.mirror = m;
	ck_assert_int_eq(tl_fetch(url, &o, &r), VN_ERR_NOT_FOUND);
	tl_fetch_result_free(&r);
	tl_mirror_free(m);

	/* the DSS cache directory as a mirror */
	ck_assert_int_eq(tl_mirror_from_dir(cache, &m), VN_OK);
	o.mirror = m;
	ck_assert_int_eq(tl_fetch("https://tl.example/de-tl.xml", &o, &r), VN_OK);
	tl_fetch_result_free(&r);
	ck_assert_int_eq(tl_fetch(url, &o, &r), VN_ERR_UNAVAILABLE);
	tl_fetch_result_free(&r);
	ck_assert_ptr_null(tl_mirror_lookup(m, url));
	tl_mirror_free(m);
	tl_mirror_free(NULL);

	ck_assert_int_eq(tl_mirror_load("/nonexistent/map", &m, why, sizeof why),
			 VN_ERR_NOT_FOUND);
	ck_assert(why[0] != '\0');
}
END_TEST

/* ---- pure parsers ---- */

static const struct map_case {
	const char *text;
	vn_err want;
	const char *url;	/* looked up when want is VN_OK */
	const char *path;	/* expected, with basedir "/base" */
} map_cases[] = {
	{"", VN_OK, "https://a/x", NULL},
	{"# only a comment\n\n   \n", VN_OK, "https://a/x", NULL},
	{"https://a/x\tx.xml", VN_OK, "https://a/x", "/base/x.xml"},
	{"https://a/x\t/abs/x.xml\n", VN_OK, "https://a/x", "/abs/x.xml"},
	{"https://a/x\t\t\tx.xml  \r\n", VN_OK, "https://a/x", "/base/x.xml"},
	{"https://a/x\tdir with space/x.xml\n", VN_OK, "https://a/x", "/base/dir with space/x.xml"},
	{"https://a/y\ty\nhttps://a/x\tx\nhttps://a/z\tz\n", VN_OK, "https://a/x", "/base/x"},
	{"https://a/x\tx.xml\n", VN_OK, "https://A/x", NULL},	/* exact match only */
	{"*\tcache\n", VN_OK, "https://a/x", NULL},
	/* negative cases: each rule */
	{"https://a/x x.xml\n", VN_ERR_MALFORMED, NULL, NULL},	/* no TAB */
	{"\tx.xml\n", VN_ERR_MALFORMED, NULL, NULL},		/* empty URL */
	{"https://a/x\t\n", VN_ERR_MALFORMED, NULL, NULL},	/* empty path */
	{"https://a/x\t   \n", VN_ERR_MALFORMED, NULL, NULL},
	{"https://a/ x\tx.xml\n", VN_ERR_MALFORMED, NULL, NULL},	/* space in URL */
	{"https://a/x\x01\tx.xml\n", VN_ERR_MALFORMED, NULL, NULL},	/* control */
	{"https://a/x\tx\tmore\n", VN_ERR_MALFORMED, NULL, NULL},	/* TAB in path */
	{"https://a/x\tx\x7f\n", VN_ERR_MALFORMED, NULL, NULL},
	{"https://a/x\tx\nhttps://a/x\ty\n", VN_ERR_MALFORMED, NULL, NULL},	/* twice */
	{"*\ta\n*\tb\n", VN_ERR_MALFORMED, NULL, NULL},		/* two '*' */
};

START_TEST(test_mirror_parse)
{
	const struct map_case *k = &map_cases[_i];
	tl_mirror *m = NULL;
	char why[200];
	vn_err e = tl_mirror_parse(k->text, strlen(k->text), "/base", &m, why, sizeof why);

	ck_assert_msg(e == k->want, "case %d: %s (%s)", _i, vn_err_name(e), why);
	if (e != VN_OK) {
		ck_assert_ptr_null(m);
		ck_assert(why[0] != '\0');
		return;
	}
	if (k->path == NULL)
		ck_assert_ptr_null(tl_mirror_lookup(m, k->url));
	else
		ck_assert_str_eq(tl_mirror_lookup(m, k->url), k->path);
	tl_mirror_free(m);
}
END_TEST

START_TEST(test_mirror_caps)
{
	tl_mirror *m = NULL;
	char why[200];
	vn_buf b;
	unsigned i;

	/* a NUL byte */
	ck_assert_int_eq(tl_mirror_parse("https://a\0\tx\n", 12, NULL, &m, why, sizeof why),
			 VN_ERR_MALFORMED);
	/* too many lines (blank ones count) */
	vn_buf_init(&b, TL_MIRROR_MAX_BYTES);
	for (i = 0; i <= TL_MIRROR_MAX_LINES; i++)
		ck_assert_int_eq(vn_buf_append_str(&b, "\n"), VN_OK);
	ck_assert_int_eq(tl_mirror_parse((char *)b.data, b.len, NULL, &m, why, sizeof why),
			 VN_ERR_TOO_LARGE);
	/* a line too long */
	vn_buf_reset(&b);
	for (i = 0; i <= TL_MIRROR_MAX_LINE; i++)
		ck_assert_int_eq(vn_buf_append_str(&b, "a"), VN_OK);
	ck_assert_int_eq(tl_mirror_parse((char *)b.data, b.len, NULL, &m, why, sizeof why),
			 VN_ERR_TOO_LARGE);
	vn_buf_free(&b);
	/* larger than the file cap: refused before reading */
	ck_assert_int_eq(tl_mirror_parse("", TL_MIRROR_MAX_BYTES + 1, NULL, &m, why, sizeof why),
			 VN_ERR_TOO_LARGE);
	ck_assert_ptr_null(m);
	/* the mangled name of an over-long URL */
	{
		char url[400], out[400];

		memset(url, 'a', 300);
		url[300] = '\0';
		ck_assert_int_eq(tl_mirror_mangle(url, out, sizeof out), VN_ERR_TOO_LARGE);
		ck_assert_int_eq(tl_mirror_lookup_mangled("/tmp", url, out, sizeof out), 0);
		ck_assert_int_eq(tl_mirror_mangle("", out, sizeof out), VN_ERR_TOO_LARGE);
		ck_assert_int_eq(tl_mirror_mangle("h\xc3\xa9!", out, sizeof out), VN_OK);
		ck_assert_str_eq(out, "h___");
	}
}
END_TEST

static const struct body_case {
	const char *body;
	size_t len;		/* 0: strlen */
	const char *ctype;
	vn_err want;
} body_cases[] = {
	{"<a/>", 0, NULL, VN_OK},
	{"\xef\xbb\xbf<a/>", 0, NULL, VN_OK},
	{"\xef\xbb\xbf \r\n\t<?xml version=\"1.0\"?><a/>", 0, "application/xml", VN_OK},
	{"<?xml version=\"1.0\"?>\n<TrustServiceStatusList/>", 0, "text/xml; charset=UTF-8", VN_OK},
	{"<htmlish/>", 0, NULL, VN_OK},		/* an element merely named so */
	{"<a/>", 0, "application/octet-stream", VN_OK},
	/* negative cases: each rule */
	{"<a/>", 0, "text/html", VN_ERR_MALFORMED},
	{"<a/>", 0, " Text/HTML ; charset=utf-8", VN_ERR_MALFORMED},
	{"<a/>", 0, "application/xhtml+xml", VN_ERR_MALFORMED},
	{"<a/>", 0, "application/pdf", VN_ERR_MALFORMED},
	{"", 0, NULL, VN_ERR_MALFORMED},
	{" \r\n\t", 0, NULL, VN_ERR_MALFORMED},
	{"\xef\xbb\xbf", 0, NULL, VN_ERR_MALFORMED},
	{"{\"json\":1}", 0, NULL, VN_ERR_MALFORMED},
	{"\xef\xbb\xbf\xef\xbb\xbf<a/>", 0, NULL, VN_ERR_MALFORMED},	/* two BOMs */
	{"\xff\xfe<\0a\0/\0>\0", 10, NULL, VN_ERR_MALFORMED},		/* UTF-16 */
	{"%PDF-1.4\n", 0, NULL, VN_ERR_MALFORMED},
	{"<!DOCTYPE html><p>", 0, NULL, VN_ERR_MALFORMED},
	{"  <!doctype HTML>", 0, NULL, VN_ERR_MALFORMED},
	{"<html>", 0, NULL, VN_ERR_MALFORMED},
	{"<HTML lang=en>", 0, NULL, VN_ERR_MALFORMED},
	{"<html", 0, NULL, VN_ERR_MALFORMED},
	{"<?xml version=\"1.0\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\">",
	 0, NULL, VN_ERR_MALFORMED},
	{"<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\">",
	 0, NULL, VN_ERR_MALFORMED},
};

START_TEST(test_check_body)
{
	const struct body_case *k = &body_cases[_i];
	size_t n = k->len ? k->len : strlen(k->body);
	char why[160] = "";
	vn_err e = tl_fetch_check_body((const unsigned char *)k->body, n, k->ctype, why,
				       sizeof why);

	ck_assert_msg(e == k->want, "case %d: %s", _i, vn_err_name(e));
	if (e != VN_OK)
		ck_assert(why[0] != '\0');
}
END_TEST

static const struct sha2_case {
	const char *in;
	size_t len;		/* 0: strlen */
	int ok;
} sha2_cases[] = {
	{"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 0, 1},
	{"000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F\n", 0, 1},
	{" \t\r\n000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\r\n", 0, 1},
	{"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
	 "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f", 32, 1},
	/* negative cases */
	{"", 0, 0},
	{"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e", 0, 0},	/* 62 */
	{"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f00", 0, 0},	/* 66 */
	{"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g", 0, 0},	/* g */
	{"00010203040506070809 a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 0, 0},
	{"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f  tl.xml", 0, 0},
	{"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
	 "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e", 31, 0},
};

START_TEST(test_sha2_parse)
{
	const struct sha2_case *k = &sha2_cases[_i];
	unsigned char d[32];
	size_t i;
	vn_err e = tl_sha2_parse((const unsigned char *)k->in, k->len ? k->len : strlen(k->in), d);

	ck_assert_msg((e == VN_OK) == k->ok, "case %d: %s", _i, vn_err_name(e));
	if (e == VN_OK)
		for (i = 0; i < 32; i++)
			ck_assert_int_eq(d[i], i);
}
END_TEST

static const struct sha2_url_case {
	const char *in, *out;
} sha2_url_cases[] = {
	{"https://ec.europa.eu/tools/lotl/eu-lotl.xml", "https://ec.europa.eu/tools/lotl/eu-lotl.sha2"},
	{"https://tl.example/a.b/tl", "https://tl.example/a.b/tl.sha2"},
	{"https://tl.example/tl.xml?x=1.y#f", "https://tl.example/tl.sha2"},
	{"https://tl.example", "https://tl.example.sha2"},
	{"https://tl.example/", "https://tl.example/.sha2"},
	{"file:///srv/tl/ee.xml", "file:///srv/tl/ee.sha2"},
	{"https://tl.example/tl.tar.xml", "https://tl.example/tl.tar.sha2"},
};

START_TEST(test_sha2_url)
{
	char out[256];

	ck_assert_int_eq(tl_fetch_sha2_url(sha2_url_cases[_i].in, out, sizeof out), VN_OK);
	ck_assert_str_eq(out, sha2_url_cases[_i].out);
	ck_assert_int_eq(tl_fetch_sha2_url(sha2_url_cases[_i].in, out, 8), VN_ERR_TOO_LARGE);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

int main(void)
{
	Suite *s = suite_create("tl_fetch");
	TCase *pure = tcase_create("parsers");
	TCase *local = tcase_create("local");
	TCase *net = tcase_create("nginx");

	tcase_add_loop_test(pure, test_mirror_parse, 0, N(map_cases));
	tcase_add_test(pure, test_mirror_caps);
	tcase_add_loop_test(pure, test_check_body, 0, N(body_cases));
	tcase_add_loop_test(pure, test_sha2_parse, 0, N(sha2_cases));
	tcase_add_loop_test(pure, test_sha2_url, 0, N(sha2_url_cases));
	suite_add_tcase(s, pure);

	tcase_add_checked_fixture(local, local_setup, local_teardown);
	tcase_add_test(local, test_file_urls);
	tcase_add_test(local, test_refused_urls);
	tcase_add_test(local, test_mirror_local);
	tcase_add_test(local, test_timeout);
	suite_add_tcase(s, local);

	/* one nginx for the whole case, started before the tests fork */
	tcase_add_unchecked_fixture(net, nginx_setup, nginx_teardown);
	tcase_set_timeout(net, 60);
	tcase_add_loop_test(net, test_net, 0, N(net_cases));
	tcase_add_test(net, test_conditional_get);
	tcase_add_test(net, test_server_stopped);
	tcase_add_test(net, test_sha2);
	tcase_add_test(net, test_mirror_net);
	suite_add_tcase(s, net);
	return vn_test_run(s);
}
