/* valnode: `tl build` and `tl sign`, the trust operator's publishing tools
 * (DESIGN.md "3 publishing"). */
#include "node/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/tree.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "common/vn_buf.h"
#include "common/vn_err.h"
#include "common/vn_findings.h"
#include "common/vn_time.h"
#include "trustlists/tl_build.h"
#include "trustlists/tl_sig.h"
#include "trustlists/tl_xml.h"

#define KEY_MAX ((size_t)64 << 10)	/* a private key file */
#define CERT_MAX ((size_t)1 << 20)

/* ---- tl build ------------------------------------------------------- */

static void build_help(FILE *f)
{
	fprintf(f,
		"usage: valnode tl build SPEC --out FILE [--json]\n"
		"\n"
		"Build an unsigned ETSI TS 119 612 (v2.4.1, TSLVersionIdentifier 6)\n"
		"trusted list from a list description (\"tlspec\"). The format is\n"
		"documented, with a commented example, in interop/demo/example.tlspec:\n"
		"[scheme], [pointer], [tsp], [service] and [history] sections of\n"
		"`key = value` lines; certificate paths are relative to SPEC's directory.\n"
		"The output follows the XSD's element order and validates against\n"
		"ts_119612v020401_xsd.xsd; sign it next with `valnode tl sign`.\n"
		"\n"
		"options:\n"
		"  --out FILE   where to write the list (written atomically, mode 0644)\n"
		"  --json       print one JSON object ({\"ok\", \"out\", \"errors\"}) on stdout\n"
		"  -h, --help   this text\n"
		"\n"
		"Every problem in SPEC is reported with its line (\"spec:12: unknown key\n"
		"'foo' in [tsp]\"); nothing is written unless SPEC is entirely valid.\n"
		"\n"
		"example:\n"
		"  valnode tl build interop/demo/example.tlspec --out AZ-unsigned.xml\n"
		"\n"
		"exit status: 0 built, 64 usage error, 65 malformed spec (or too large),\n"
		"66 spec or a certificate file missing, 70 internal error.\n");
}

static int print_errors_json(const vn_findings *f, const char *out, int ok)
{
	vn_buf b;
	int rc = 0;

	vn_buf_init(&b, (size_t)16 << 20);
	if (vn_buf_printf(&b, "{\"ok\":%s,\"out\":", ok ? "true" : "false") != VN_OK ||
	    (out != NULL ? vn_json_str(&b, out) : vn_buf_append_str(&b, "null")) != VN_OK ||
	    vn_buf_append_str(&b, ",\"errors\":") != VN_OK || vn_findings_json(f, &b) != VN_OK ||
	    vn_buf_append_str(&b, "}\n") != VN_OK)
		rc = -1;
	else
		fputs((const char *)b.data, stdout);
	vn_buf_free(&b);
	return rc;
}

/* Serialise doc and write it atomically. A freshly built list is indented
 * for its readers; a signed one is written as it is (indenting it would
 * change what the data reference digested). */
static vn_err write_doc(xmlDocPtr doc, const char *path, int indent)
{
	xmlChar *mem = NULL;
	int len = 0;
	vn_err e;

	xmlDocDumpFormatMemoryEnc(doc, &mem, &len, "UTF-8", indent);
	if (mem == NULL || len <= 0) {
		xmlFree(mem);
		return VN_ERR_NOMEM;
	}
	e = vn_write_file_atomic(path, mem, (size_t)len, 0644);
	xmlFree(mem);
	return e;
}

int vn_cli_tl_build(int argc, char **argv)
{
	const char *spec = NULL, *out = NULL;
	int json = 0, i, rc;
	vn_findings errs;
	xmlDocPtr doc = NULL;
	vn_err e;
	size_t k;

	for (i = 1; i < argc; i++) {
		if (vn_cli_is_help(argv[i])) {
			build_help(stdout);
			return 0;
		} else if (strcmp(argv[i], "--out") == 0) {
			if (++i >= argc)
				return vn_cli_usage_error("tl build", "--out needs a FILE");
			out = argv[i];
		} else if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return vn_cli_usage_error("tl build", "unknown option '%s'", argv[i]);
		} else if (spec == NULL) {
			spec = argv[i];
		} else {
			return vn_cli_usage_error("tl build", "more than one SPEC ('%s')", argv[i]);
		}
	}
	if (spec == NULL)
		return vn_cli_usage_error("tl build", "missing SPEC");
	if (out == NULL)
		return vn_cli_usage_error("tl build", "missing --out FILE");

	vn_findings_init(&errs);
	e = tl_build(spec, &doc, &errs);
	if (e == VN_OK)
		e = write_doc(doc, out, 1);
	if (json) {
		if (print_errors_json(&errs, e == VN_OK ? out : NULL, e == VN_OK) != 0 &&
		    e == VN_OK)
			e = VN_ERR_NOMEM;
	} else if (e != VN_OK) {
		for (k = 0; k < errs.n; k++)
			fprintf(stderr, "valnode tl build: %s: %s\n", spec, errs.items[k].message);
		if (errs.n == 0)
			fprintf(stderr, "valnode tl build: %s: %s\n", out, vn_err_str(e));
	}
	rc = e == VN_OK ? 0 : vn_err_exit_code(e);
	xmlFreeDoc(doc);
	vn_findings_free(&errs);
	return rc;
}

/* ---- tl sign -------------------------------------------------------- */

static void sign_help(FILE *f)
{
	fprintf(f,
		"usage: valnode tl sign FILE --key KEY --cert CERT --out FILE\n"
		"                       [--pss] [--digest sha256|sha384|sha512]\n"
		"                       [--signing-time TIME] [--json]\n"
		"\n"
		"Sign a trusted list (for instance the output of `valnode tl build`) with\n"
		"an enveloped XAdES-BASELINE-B signature as TS 119 612 requires: the\n"
		"ds:Signature becomes the last child of the root, covers the whole list\n"
		"(Reference URI=\"\", enveloped-signature + exclusive c14n) and carries\n"
		"SigningTime and SigningCertificateV2. The rest of the document is left\n"
		"byte for byte as it was. A list that already holds a signature is refused.\n"
		"\n"
		"options:\n"
		"  --key KEY          the private key, PEM or DER, unencrypted: RSA of 2048\n"
		"                     bits or more, or EC of 256 bits or more. The file must\n"
		"                     not be readable by group or others (chmod 600 KEY).\n"
		"  --cert CERT        the signer's certificate (PEM or DER), matching KEY;\n"
		"                     published in KeyInfo and pinned by relying parties\n"
		"  --out FILE         where to write the signed list (atomically, mode 0644)\n"
		"  --pss              RSASSA-PSS (RFC 6931 sha*-rsa-MGF1) instead of PKCS#1\n"
		"                     v1.5 (RSA keys only); an RSA-PSS key implies it\n"
		"  --digest ALG       sha256 (default), sha384 or sha512, for the references\n"
		"                     and the signature\n"
		"  --signing-time T   xades:SigningTime, RFC 3339 (default: now)\n"
		"  --json             print one JSON object on stdout\n"
		"  -h, --help         this text\n"
		"\n"
		"example:\n"
		"  valnode tl sign AZ-unsigned.xml --key tl-signer.key \\\n"
		"      --cert tl-signer.pem --digest sha512 --out AZ.xml\n"
		"\n"
		"exit status: 0 signed; 64 usage error (also: a key file readable by\n"
		"others, a list already signed, a certificate that does not match the\n"
		"key); 65 malformed input (list, key or certificate) or a weak or\n"
		"unsupported key; 66 missing input; 70 internal error.\n");
}

/* Read the private key: refuse a file others may read (DESIGN.md "Security
 * stance"); the raw bytes live only in libsodium guarded memory, wiped when
 * freed. Never print the key or its contents. */
static int read_key(const char *path, EVP_PKEY **key)
{
	int fd = -1, rc = VN_EXIT_NOINPUT;
	struct stat st;
	unsigned char *buf = NULL;
	size_t len = 0;
	ssize_t r;
	BIO *bio = NULL;
	const unsigned char *p;

	*key = NULL;
	if (sodium_init() < 0) {
		fprintf(stderr, "valnode tl sign: cannot initialise secure memory\n");
		return VN_EXIT_SOFTWARE;
	}
	fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "valnode tl sign: cannot open key '%s': %s\n", path,
			strerror(errno));
		goto out;
	}
	/* fstat on the open descriptor: what we check is what we read. */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "valnode tl sign: key '%s' is not a regular file\n", path);
		rc = VN_EXIT_USAGE;
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		fprintf(stderr,
			"valnode tl sign: key '%s' is readable by group or others (mode %03o);"
			" refusing to use it: run `chmod 600 %s` (and consider the key exposed)\n",
			path, (unsigned)(st.st_mode & 0777), path);
		rc = VN_EXIT_USAGE;
		goto out;
	}
	if ((size_t)st.st_size > KEY_MAX) {
		fprintf(stderr, "valnode tl sign: key '%s' is larger than %zu bytes\n", path,
			KEY_MAX);
		rc = VN_EXIT_DATAERR;
		goto out;
	}
	buf = sodium_malloc(KEY_MAX);
	if (buf == NULL) {
		rc = VN_EXIT_SOFTWARE;
		goto out;
	}
	while (len < KEY_MAX && (r = read(fd, buf + len, KEY_MAX - len)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "valnode tl sign: cannot read key '%s'\n", path);
			goto out;
		}
		len += (size_t)r;
	}
	rc = VN_EXIT_DATAERR;
	if (len == 0 || len >= KEY_MAX) {
		fprintf(stderr, "valnode tl sign: key '%s' is empty or too large\n", path);
		goto out;
	}
	bio = BIO_new_mem_buf(buf, (int)len);
	if (bio == NULL) {
		rc = VN_EXIT_SOFTWARE;
		goto out;
	}
	/* No passphrase callback: an encrypted key fails here, never prompts. */
	*key = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)"");
	if (*key == NULL) {
		p = buf;
		*key = d2i_AutoPrivateKey(NULL, &p, (long)len);
	}
	ERR_clear_error();
	if (*key == NULL) {
		fprintf(stderr,
			"valnode tl sign: '%s' is not an unencrypted PEM or DER private key\n",
			path);
		goto out;
	}
	rc = 0;
out:
	BIO_free(bio);
	if (buf != NULL)
		sodium_free(buf);
	if (fd >= 0)
		(void)close(fd);
	return rc;
}

static int read_cert(const char *path, X509 **cert)
{
	vn_buf b;
	BIO *bio = NULL;
	const unsigned char *p;
	vn_err e;
	int rc = VN_EXIT_DATAERR;

	*cert = NULL;
	vn_buf_init(&b, CERT_MAX);
	e = vn_buf_read_file(&b, path);
	if (e != VN_OK) {
		fprintf(stderr, "valnode tl sign: cannot read certificate '%s': %s\n", path,
			vn_err_str(e));
		rc = vn_err_exit_code(e);
		goto out;
	}
	if (b.len == 0 || (bio = BIO_new_mem_buf(b.data, (int)b.len)) == NULL)
		goto bad;
	*cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	if (*cert == NULL) {
		p = b.data;
		*cert = d2i_X509(NULL, &p, (long)b.len);
		if (*cert != NULL && p != b.data + b.len) {
			X509_free(*cert);
			*cert = NULL;
		}
	}
	ERR_clear_error();
	if (*cert == NULL)
		goto bad;
	rc = 0;
	goto out;
bad:
	fprintf(stderr, "valnode tl sign: '%s' is not a PEM or DER certificate\n", path);
out:
	BIO_free(bio);
	vn_buf_free(&b);
	return rc;
}

static const char *sign_err_text(vn_err e)
{
	switch (e) {
	case VN_ERR_UNSUPPORTED:
		return "the key is too weak or of an unsupported type (RSA >= 2048 bits or "
		       "EC >= 256 bits required)";
	case VN_ERR_ARG:
		return "the list already holds a ds:Signature, the certificate does not match "
		       "the key, or --pss was given with an EC key";
	default:
		return vn_err_str(e);
	}
}

static int sign_json(const char *out, const tl_sign_opts *o, X509 *cert, vn_time when)
{
	vn_buf b;
	char subj[512], tb[VN_TIME_BUFSZ];
	int rc = 0;

	X509_NAME_oneline(X509_get_subject_name(cert), subj, sizeof subj);
	vn_buf_init(&b, 1 << 16);
	if (vn_buf_append_str(&b, "{\"ok\":true,\"out\":") != VN_OK || vn_json_str(&b, out) != VN_OK ||
	    vn_buf_printf(&b, ",\"pss\":%s,\"digest\":\"%s\",\"signingTime\":\"%s\",\"signer\":",
			  o->alg == TL_SIGN_RSA_PSS ? "true" : "false",
			  o->digest != NULL ? o->digest : "sha256",
			  vn_time_format(when, tb)) != VN_OK ||
	    vn_json_str(&b, subj) != VN_OK || vn_buf_append_str(&b, "}\n") != VN_OK)
		rc = -1;
	else
		fputs((const char *)b.data, stdout);
	vn_buf_free(&b);
	return rc;
}

int vn_cli_tl_sign(int argc, char **argv)
{
	const char *in = NULL, *keyp = NULL, *certp = NULL, *out = NULL;
	tl_sign_opts o = {TL_SIGN_AUTO, NULL, VN_TIME_NONE};
	int json = 0, i, rc;
	vn_buf b;
	xmlDocPtr doc = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	char why[256] = "";
	vn_err e;

	vn_buf_init(&b, TL_XML_MAX_SIZE);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;

		if (vn_cli_is_help(a)) {
			sign_help(stdout);
			return 0;
		}
		if (strcmp(a, "--key") == 0)
			slot = &keyp;
		else if (strcmp(a, "--cert") == 0)
			slot = &certp;
		else if (strcmp(a, "--out") == 0)
			slot = &out;
		else if (strcmp(a, "--digest") == 0 || strcmp(a, "--signing-time") == 0) {
			if (++i >= argc)
				return vn_cli_usage_error("tl sign", "%s needs a value", a);
			if (a[2] == 'd') {
				if (strcmp(argv[i], "sha256") != 0 && strcmp(argv[i], "sha384") != 0 &&
				    strcmp(argv[i], "sha512") != 0)
					return vn_cli_usage_error(
						"tl sign", "--digest: '%s' is not sha256, sha384 or sha512",
						argv[i]);
				o.digest = argv[i];
			} else if (vn_time_parse(argv[i], VN_TIME_RFC3339, &o.signing_time) !=
				   VN_OK) {
				return vn_cli_usage_error("tl sign",
							  "--signing-time: '%s' is not an RFC 3339 time",
							  argv[i]);
			}
			continue;
		} else if (strcmp(a, "--pss") == 0) {
			o.alg = TL_SIGN_RSA_PSS;
			continue;
		} else if (strcmp(a, "--json") == 0) {
			json = 1;
			continue;
		} else if (a[0] == '-' && a[1] != '\0') {
			return vn_cli_usage_error("tl sign", "unknown option '%s'", a);
		} else if (in == NULL) {
			in = a;
			continue;
		} else {
			return vn_cli_usage_error("tl sign", "more than one FILE ('%s')", a);
		}
		if (++i >= argc)
			return vn_cli_usage_error("tl sign", "%s needs a value", a);
		*slot = argv[i];
	}
	if (in == NULL)
		return vn_cli_usage_error("tl sign", "missing FILE");
	if (keyp == NULL || certp == NULL || out == NULL)
		return vn_cli_usage_error("tl sign", "--key, --cert and --out are required");

	e = vn_buf_read_file(&b, in);
	if (e != VN_OK) {
		fprintf(stderr, "valnode tl sign: cannot read '%s': %s\n", in, vn_err_str(e));
		rc = vn_err_exit_code(e);
		goto out;
	}
	e = tl_xml_read(b.data, b.len, &doc, why, sizeof why);
	if (e != VN_OK) {
		fprintf(stderr, "valnode tl sign: '%s' is not a readable XML document: %s\n", in,
			why);
		rc = vn_err_exit_code(e);
		goto out;
	}
	if ((rc = read_cert(certp, &cert)) != 0 || (rc = read_key(keyp, &key)) != 0)
		goto out;
	if (o.signing_time == VN_TIME_NONE)
		o.signing_time = vn_time_now();
	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA_PSS)
		o.alg = TL_SIGN_RSA_PSS;
	e = tl_sig_sign(doc, key, cert, &o);
	if (e == VN_OK)
		e = write_doc(doc, out, 0);
	if (e != VN_OK) {
		fprintf(stderr, "valnode tl sign: %s: %s\n", in, sign_err_text(e));
		rc = vn_err_exit_code(e);
		goto out;
	}
	rc = 0;
	if (json && sign_json(out, &o, cert, o.signing_time) != 0)
		rc = VN_EXIT_SOFTWARE;
out:
	EVP_PKEY_free(key);
	X509_free(cert);
	xmlFreeDoc(doc);
	vn_buf_free(&b);
	return rc;
}
