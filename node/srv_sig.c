#include "node/srv_sig.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/sha.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/vn_b64.h"
#include "common/vn_digest.h"

/* DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 4): SEQUENCE {
 * SEQUENCE { OID 1.3.101.112 }, BIT STRING (33 bytes, 0 unused bits) }. */
static const unsigned char ed25519_spki_prefix[12] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
						      0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

static void set_why(char *why, size_t n, const char *msg)
{
	if (why != NULL && n > 0)
		snprintf(why, n, "%s", msg);
}

void srv_keyid(const unsigned char pk[SRV_ED25519_PK], char *out, size_t outlen)
{
	char x[64], jwk[128];
	unsigned char h[crypto_hash_sha256_BYTES];

	/* RFC 7638 3.2: the required members of an OKP JWK (RFC 8037), in
	 * lexicographic order, no whitespace. */
	sodium_bin2base64(x, sizeof x, pk, SRV_ED25519_PK, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(jwk, sizeof jwk, "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"%s\"}", x);
	crypto_hash_sha256(h, (const unsigned char *)jwk, strlen(jwk));
	if (outlen < sodium_base64_ENCODED_LEN(sizeof h, sodium_base64_VARIANT_URLSAFE_NO_PADDING)) {
		if (outlen > 0)
			out[0] = '\0';
		return;
	}
	sodium_bin2base64(out, outlen, h, sizeof h, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

vn_err srv_key_from_seed(const unsigned char seed[SRV_ED25519_SEED], srv_key *out)
{
	memset(out, 0, sizeof *out);
	if (sodium_init() < 0)
		return VN_ERR_CRYPTO;
	out->sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	if (out->sk == NULL)
		return VN_ERR_NOMEM;
	if (crypto_sign_seed_keypair(out->pk, out->sk, seed) != 0) {
		srv_key_free(out);
		return VN_ERR_CRYPTO;
	}
	srv_keyid(out->pk, out->keyid, sizeof out->keyid);
	return VN_OK;
}

void srv_key_free(srv_key *k)
{
	if (k == NULL)
		return;
	if (k->sk != NULL)
		sodium_free(k->sk);	/* wipes */
	memset(k, 0, sizeof *k);
}

static vn_err key_create(const char *path, srv_key *out, char *why, size_t whylen)
{
	unsigned char *seed = sodium_malloc(SRV_ED25519_SEED);
	vn_err e = VN_ERR_IO;
	int fd = -1;

	if (seed == NULL)
		return VN_ERR_NOMEM;
	randombytes_buf(seed, SRV_ED25519_SEED);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (why)
			snprintf(why, whylen, "%s: cannot create the key file: %s", path, strerror(errno));
		goto out;
	}
	if (write(fd, seed, SRV_ED25519_SEED) != SRV_ED25519_SEED || fsync(fd) != 0) {
		if (why)
			snprintf(why, whylen, "%s: cannot write the key file", path);
		(void)unlink(path);
		goto out;
	}
	e = srv_key_from_seed(seed, out);
out:
	if (fd >= 0)
		close(fd);
	sodium_free(seed);
	return e;
}

vn_err srv_key_load_or_create(const char *path, srv_key *out, int *created, char *why,
			      size_t whylen)
{
	unsigned char *seed = NULL;
	struct stat st;
	vn_err e = VN_ERR_IO;
	ssize_t got;
	int fd;

	memset(out, 0, sizeof *out);
	if (created)
		*created = 0;
	if (sodium_init() < 0)
		return VN_ERR_CRYPTO;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		e = key_create(path, out, why, whylen);
		if (e == VN_OK && created)
			*created = 1;
		return e;
	}
	if (fd < 0) {
		if (why)
			snprintf(why, whylen, "%s: cannot open the key file: %s", path, strerror(errno));
		return VN_ERR_IO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		set_why(why, whylen, "the key file is not a regular file");
		e = VN_ERR_ARG;
		goto out;
	}
	/* A private key others can read is a leaked key (DESIGN.md "Security
	 * stance": 0600 files only). */
	if ((st.st_mode & 077) != 0) {
		if (why)
			snprintf(why, whylen, "%s: mode %03o: a node key must not be readable or "
					      "writable by group or other (chmod 600)",
				 path, (unsigned)(st.st_mode & 0777));
		e = VN_ERR_ARG;
		goto out;
	}
	if (st.st_size != SRV_ED25519_SEED) {
		if (why)
			snprintf(why, whylen, "%s: not a valnode key (%d bytes expected)", path,
				 SRV_ED25519_SEED);
		e = VN_ERR_MALFORMED;
		goto out;
	}
	seed = sodium_malloc(SRV_ED25519_SEED);
	if (seed == NULL) {
		e = VN_ERR_NOMEM;
		goto out;
	}
	got = read(fd, seed, SRV_ED25519_SEED);
	if (got != SRV_ED25519_SEED) {
		if (why)
			snprintf(why, whylen, "%s: cannot read the key file", path);
		goto out;
	}
	e = srv_key_from_seed(seed, out);
out:
	if (seed != NULL)
		sodium_free(seed);
	close(fd);
	return e;
}

vn_err srv_content_digest(const void *body, size_t n, char *out, size_t outlen)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	int w;

	/* OpenSSL's SHA-256 (assembler, SHA extensions where the CPU has
	 * them) rather than libsodium's portable one, fetched once
	 * (vn_digest.h): the body is hashed for every response. */
	if (vn_sha256(body, body ? n : 0, h) != 0)
		return VN_ERR_CRYPTO;
	sodium_bin2base64(b64, sizeof b64, h, sizeof h, sodium_base64_VARIANT_ORIGINAL);
	/* RFC 9530 2: a Structured Fields dictionary, the digest a byte
	 * sequence (RFC 8941 3.3.5: base64 between colons). */
	w = snprintf(out, outlen, "sha-256=:%s:", b64);
	return w < 0 || (size_t)w >= outlen ? VN_ERR_TOO_LARGE : VN_OK;
}

/* A component value must not break the line structure of the base. */
static int value_ok(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || (unsigned char)*v == 0x7f)
			return 0;
	return 1;
}

/* A component name: lower case token characters or a leading '@'. */
static int name_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f ||
		    (*s >= 'A' && *s <= 'Z'))
			return 0;
	return 1;
}

vn_err srv_sig_params(const srv_sig_comp *c, size_t n, int64_t created, const char *keyid,
		      const char *alg, char *out, size_t outlen)
{
	size_t used = 0, i;
	int w;

#define PUT(...)                                                               \
	do {                                                                   \
		w = snprintf(out + used, outlen - used, __VA_ARGS__);          \
		if (w < 0 || (size_t)w >= outlen - used)                       \
			return VN_ERR_TOO_LARGE;                               \
		used += (size_t)w;                                             \
	} while (0)

	if (outlen == 0)
		return VN_ERR_TOO_LARGE;
	PUT("(");
	for (i = 0; i < n; i++) {
		if (!name_ok(c[i].name))
			return VN_ERR_MALFORMED;
		PUT("%s\"%s\"", i ? " " : "", c[i].name);
	}
	PUT(");created=%" PRId64, created);
	if (keyid != NULL) {
		if (strchr(keyid, '"') || strchr(keyid, '\\') || !value_ok(keyid))
			return VN_ERR_MALFORMED;
		PUT(";keyid=\"%s\"", keyid);
	}
	if (alg != NULL)
		PUT(";alg=\"%s\"", alg);
	return VN_OK;
#undef PUT
}

vn_err srv_sig_base(const srv_sig_comp *c, size_t n, const char *params, vn_buf *out)
{
	size_t i;
	vn_err e;

	vn_buf_reset(out);
	for (i = 0; i < n; i++) {
		if (c[i].name == NULL || c[i].value == NULL || !name_ok(c[i].name) ||
		    !value_ok(c[i].value))
			return VN_ERR_MALFORMED;
		/* RFC 9421 2.5: "name": value LF, for each covered component. */
		if ((e = vn_buf_append(out, "\"", 1)) != VN_OK ||
		    (e = vn_buf_append_str(out, c[i].name)) != VN_OK ||
		    (e = vn_buf_append(out, "\": ", 3)) != VN_OK ||
		    (e = vn_buf_append_str(out, c[i].value)) != VN_OK ||
		    (e = vn_buf_append(out, "\n", 1)) != VN_OK)
			return e;
	}
	if (!value_ok(params))
		return VN_ERR_MALFORMED;
	if ((e = vn_buf_append_str(out, "\"@signature-params\": ")) != VN_OK)
		return e;
	return vn_buf_append_str(out, params);
}

vn_err srv_sign_response(const srv_key *k, unsigned status, const char *content_type,
			 const void *body, size_t n, int64_t created, srv_sig_headers *out)
{
	char st[8], params[SRV_SIG_HDR_MAX - 8];
	unsigned char sig[SRV_ED25519_SIG];
	char b64[sodium_base64_ENCODED_LEN(SRV_ED25519_SIG, sodium_base64_VARIANT_ORIGINAL)];
	srv_sig_comp c[3];
	vn_buf base;
	vn_err e;

	if (k->sk == NULL || status < 100 || status > 999)
		return VN_ERR_ARG;
	e = srv_content_digest(body, n, out->content_digest, sizeof out->content_digest);
	if (e != VN_OK)
		return e;
	snprintf(st, sizeof st, "%u", status);
	c[0].name = "@status";
	c[0].value = st;
	c[1].name = "content-digest";
	c[1].value = out->content_digest;
	c[2].name = "content-type";
	c[2].value = content_type;
	e = srv_sig_params(c, 3, created, k->keyid, "ed25519", params, sizeof params);
	if (e != VN_OK)
		return e;
	vn_buf_init(&base, 4096);
	e = srv_sig_base(c, 3, params, &base);
	if (e == VN_OK) {
		crypto_sign_detached(sig, NULL, base.data, base.len, k->sk);
		sodium_bin2base64(b64, sizeof b64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
		snprintf(out->signature_input, sizeof out->signature_input, "sig1=%s", params);
		snprintf(out->signature, sizeof out->signature, "sig1=:%s:", b64);
	}
	vn_buf_free(&base);
	return e;
}

vn_err srv_pubkey_parse(const char *text, size_t n, unsigned char pk[SRV_ED25519_PK])
{
	static const char begin[] = "-----BEGIN PUBLIC KEY-----";
	static const char end[] = "-----END PUBLIC KEY-----";
	unsigned char *raw = NULL;
	size_t rawlen = 0;
	const char *p = text, *q;
	vn_err e;

	while (n > 0 && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++, n--;
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n'))
		n--;
	if (n > sizeof begin - 1 && memcmp(p, begin, sizeof begin - 1) == 0) {
		p += sizeof begin - 1;
		n -= sizeof begin - 1;
		q = NULL;
		for (size_t i = 0; i + sizeof end - 1 <= n; i++)
			if (memcmp(p + i, end, sizeof end - 1) == 0) {
				q = p + i;
				break;
			}
		if (q == NULL)
			return VN_ERR_MALFORMED;
		n = (size_t)(q - p);
	}
	e = vn_b64_decode(p, n, 256, &raw, &rawlen);
	if (e != VN_OK)
		return VN_ERR_MALFORMED;
	if (rawlen == SRV_ED25519_PK) {
		memcpy(pk, raw, SRV_ED25519_PK);
	} else if (rawlen == sizeof ed25519_spki_prefix + SRV_ED25519_PK &&
		   memcmp(raw, ed25519_spki_prefix, sizeof ed25519_spki_prefix) == 0) {
		memcpy(pk, raw + sizeof ed25519_spki_prefix, SRV_ED25519_PK);
	} else {
		e = VN_ERR_MALFORMED;
	}
	free(raw);
	return e;
}

/* ---- checking a saved response ---------------------------------------- */

#define MAX_HEADERS 128

typedef struct hdr {
	const char *name;	/* into the copy of the text */
	size_t nlen;
	const char *value;
	size_t vlen;
} hdr;

typedef struct resp {
	unsigned status;
	hdr h[MAX_HEADERS];
	size_t nh;
	const unsigned char *body;
	size_t blen;
} resp;

static const unsigned char *find_eol(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = memchr(p, '\n', (size_t)(end - p));
	return q ? q : end;
}

static vn_err parse_resp(const unsigned char *p, size_t n, resp *r)
{
	const unsigned char *end = p + n, *eol;

	for (;;) {
		unsigned st = 0;
		int i;

		memset(r, 0, sizeof *r);
		eol = find_eol(p, end);
		/* Status line: HTTP/x[.y] SP 3DIGIT ... */
		if (eol - p < 12 || memcmp(p, "HTTP/", 5) != 0)
			return VN_ERR_MALFORMED;
		{
			const unsigned char *s = memchr(p, ' ', (size_t)(eol - p));
			if (s == NULL || eol - s < 4)
				return VN_ERR_MALFORMED;
			for (i = 1; i <= 3; i++) {
				if (s[i] < '0' || s[i] > '9')
					return VN_ERR_MALFORMED;
				st = st * 10 + (unsigned)(s[i] - '0');
			}
		}
		r->status = st;
		p = eol < end ? eol + 1 : end;
		for (;;) {
			const unsigned char *line = p, *le, *colon;
			eol = find_eol(p, end);
			if (eol == end)
				return VN_ERR_MALFORMED;	/* no blank line */
			le = eol;
			if (le > line && le[-1] == '\r')
				le--;
			p = eol + 1;
			if (le == line)
				break;
			if (*line == ' ' || *line == '\t')
				return VN_ERR_MALFORMED;	/* obs-fold: refused */
			colon = memchr(line, ':', (size_t)(le - line));
			if (colon == NULL || colon == line || r->nh >= MAX_HEADERS)
				return VN_ERR_MALFORMED;
			r->h[r->nh].name = (const char *)line;
			r->h[r->nh].nlen = (size_t)(colon - line);
			colon++;
			while (colon < le && (*colon == ' ' || *colon == '\t'))
				colon++;
			while (le > colon && (le[-1] == ' ' || le[-1] == '\t'))
				le--;
			r->h[r->nh].value = (const char *)colon;
			r->h[r->nh].vlen = (size_t)(le - colon);
			r->nh++;
		}
		/* An interim 1xx response precedes the real one. */
		if (st >= 100 && st < 200)
			continue;
		r->body = p;
		r->blen = (size_t)(end - p);
		return VN_OK;
	}
}

/* The value of header name (lower case), several fields combined with ", "
 * (RFC 9421 2.1), into out. 0 when absent. */
static int header_value(const resp *r, const char *name, char *out, size_t outlen)
{
	size_t i, used = 0, nl = strlen(name);
	int found = 0;

	out[0] = '\0';
	for (i = 0; i < r->nh; i++) {
		if (r->h[i].nlen != nl || strncasecmp(r->h[i].name, name, nl) != 0)
			continue;
		if (used + (found ? 2 : 0) + r->h[i].vlen + 1 > outlen)
			return -1;
		if (found) {
			memcpy(out + used, ", ", 2);
			used += 2;
		}
		memcpy(out + used, r->h[i].value, r->h[i].vlen);
		used += r->h[i].vlen;
		out[used] = '\0';
		found = 1;
	}
	return found;
}

#define MAX_COMPS 16

/* Parse the first member of a Signature-Input value: its label, its
 * component names and the whole parameter text (the inner list with its
 * parameters, as the signer serialised it). */
static vn_err parse_sig_input(char *v, char **label, char *names[MAX_COMPS], size_t *nnames,
			      char **params)
{
	char *p = v, *eq = strchr(v, '='), *q;
	int inq = 0;

	*nnames = 0;
	if (eq == NULL || eq == v || eq[1] != '(')
		return VN_ERR_MALFORMED;
	*eq = '\0';
	*label = v;
	*params = eq + 1;
	/* The member ends at a top-level comma. */
	for (q = eq + 1; *q; q++) {
		if (*q == '"' && q[-1] != '\\')
			inq = !inq;
		else if (*q == ',' && !inq) {
			*q = '\0';
			break;
		}
	}
	p = eq + 2;
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == ')')
			break;
		if (*p != '"' || *nnames >= MAX_COMPS)
			return VN_ERR_MALFORMED;
		q = strchr(p + 1, '"');
		if (q == NULL || q == p + 1)
			return VN_ERR_MALFORMED;
		/* Component parameters (;sf, ;key ...) are not used by the node. */
		if (q[1] != ' ' && q[1] != ')')
			return VN_ERR_MALFORMED;
		names[(*nnames)++] = p + 1;
		p = q + 1;
		*q = '\0';	/* terminates the name; the params text is read before */
	}
	return VN_OK;
}

vn_err srv_verify_response(const unsigned char *raw, size_t n,
			   const unsigned char pk[SRV_ED25519_PK], int *valid, char *why,
			   size_t whylen)
{
	resp *r = NULL;
	char *sigin = NULL, *sigval = NULL, *params_copy = NULL, *cd = NULL;
	char *label, *names[MAX_COMPS], *params, *vals[MAX_COMPS] = {NULL};
	size_t nnames = 0, i;
	srv_sig_comp comps[MAX_COMPS];
	char want[96], st[8];
	unsigned char *sig = NULL;
	size_t siglen = 0;
	int have_status = 0, have_cd = 0, have_ct = 0;
	vn_buf base;
	vn_err e = VN_ERR_NOMEM;

	*valid = 0;
	vn_buf_init(&base, 64 << 10);
	r = calloc(1, sizeof *r);
	sigin = malloc(SRV_SIG_HDR_MAX);
	sigval = malloc(SRV_SIG_HDR_MAX);
	cd = malloc(SRV_SIG_HDR_MAX);
	if (r == NULL || sigin == NULL || sigval == NULL || cd == NULL)
		goto out;
	e = parse_resp(raw, n, r);
	if (e != VN_OK) {
		set_why(why, whylen, "not an HTTP response with headers (save it with curl -si)");
		goto out;
	}
	e = VN_OK;
	if (header_value(r, "signature-input", sigin, SRV_SIG_HDR_MAX) != 1 ||
	    header_value(r, "signature", sigval, SRV_SIG_HDR_MAX) != 1) {
		set_why(why, whylen, "no Signature-Input or Signature header");
		goto out;
	}
	if (header_value(r, "content-digest", cd, SRV_SIG_HDR_MAX) != 1) {
		set_why(why, whylen, "no Content-Digest header");
		goto out;
	}
	/* RFC 9530: the digest of the body as received. */
	if (srv_content_digest(r->body, r->blen, want, sizeof want) != VN_OK ||
	    strstr(cd, want) == NULL) {
		set_why(why, whylen, "Content-Digest does not match the body");
		goto out;
	}
	params_copy = strdup(sigin);
	if (params_copy == NULL) {
		e = VN_ERR_NOMEM;
		goto out;
	}
	if (parse_sig_input(sigin, &label, names, &nnames, &params) != VN_OK) {
		set_why(why, whylen, "Signature-Input is not one the node writes");
		goto out;
	}
	/* params points into sigin, whose quotes were cut; take it from the
	 * untouched copy at the same offset. */
	params = params_copy + (params - sigin);
	{
		char *c = params;
		int inq = 0;
		for (; *c; c++) {
			if (*c == '"' && c[-1] != '\\')
				inq = !inq;
			else if (*c == ',' && !inq) {
				*c = '\0';
				break;
			}
		}
	}
	if (strstr(params, ";alg=") != NULL && strstr(params, ";alg=\"ed25519\"") == NULL) {
		set_why(why, whylen, "the signature algorithm is not ed25519");
		goto out;
	}
	/* Signature: label=:BASE64: */
	{
		size_t ll = strlen(label);
		char *s = sigval, *b, *end;
		while (*s == ' ')
			s++;
		if (strncmp(s, label, ll) != 0 || s[ll] != '=' || s[ll + 1] != ':') {
			set_why(why, whylen, "Signature has no value for the label in Signature-Input");
			goto out;
		}
		b = s + ll + 2;
		end = strchr(b, ':');
		if (end == NULL || vn_b64_decode(b, (size_t)(end - b), 128, &sig, &siglen) != VN_OK ||
		    siglen != SRV_ED25519_SIG) {
			set_why(why, whylen, "Signature is not an Ed25519 signature value");
			goto out;
		}
	}
	snprintf(st, sizeof st, "%u", r->status);
	for (i = 0; i < nnames; i++) {
		comps[i].name = names[i];
		if (strcmp(names[i], "@status") == 0) {
			comps[i].value = st;
			have_status = 1;
			continue;
		}
		if (names[i][0] == '@') {
			set_why(why, whylen, "a derived component other than @status is covered");
			goto out;
		}
		vals[i] = malloc(SRV_SIG_HDR_MAX);
		if (vals[i] == NULL) {
			e = VN_ERR_NOMEM;
			goto out;
		}
		if (header_value(r, names[i], vals[i], SRV_SIG_HDR_MAX) != 1) {
			if (why)
				snprintf(why, whylen, "the covered header %s is missing", names[i]);
			goto out;
		}
		comps[i].value = vals[i];
		have_cd |= strcmp(names[i], "content-digest") == 0;
		have_ct |= strcmp(names[i], "content-type") == 0;
	}
	/* The node's contract (DESIGN.md): at least these are covered, so a
	 * body or a status cannot be swapped under a valid signature. */
	if (!have_status || !have_cd || !have_ct) {
		set_why(why, whylen, "the signature does not cover @status, content-digest and content-type");
		goto out;
	}
	if (srv_sig_base(comps, nnames, params, &base) != VN_OK) {
		set_why(why, whylen, "a covered value cannot be put in a signature base");
		goto out;
	}
	if (crypto_sign_verify_detached(sig, base.data, base.len, pk) != 0) {
		set_why(why, whylen, "the signature does not verify with this key");
		goto out;
	}
	*valid = 1;
	set_why(why, whylen, "the signature verifies");
out:
	for (i = 0; i < MAX_COMPS; i++)
		free(vals[i]);
	free(sig);
	free(params_copy);
	free(cd);
	free(sigval);
	free(sigin);
	free(r);
	vn_buf_free(&base);
	return e;
}
