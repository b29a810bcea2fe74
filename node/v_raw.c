/* valnode: raw Mobile-ID signatures (DESIGN.md "raw Mobile-ID signature";
 * STANDARDS.md 9.2-9.5): a hash (or the data), the signature value a mobile
 * service returned over it, and the signer's certificate.
 *
 * The object is read strictly: unknown keys, duplicate keys, loose base64,
 * a hash whose length does not fit its algorithm are malformed input. What
 * is left is EN 319 102-1's CV (5.2.7): the value must verify with the
 * certificate's public key over the given hash. ISC (5.2.3) is trivial here:
 * the certificate is named by the object itself.
 */
#include "common/vn_certcache.h"
#include "common/vn_p256.h"
#include "node/v_format.h"
#include "node/v_format_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "common/vn_b64.h"
#include "common/vn_json.h"

#define RAW_MAX_CERT ((size_t)64 << 10)
#define RAW_MAX_SIG ((size_t)2048)

typedef struct raw_alg {
	const char *name;	/* as in the JSON */
	const char *md;		/* OpenSSL digest name */
	size_t len;
} raw_alg;

/* SHA-1 is read here and judged by the acceptance policy (TS 119 312), not
 * by the parser. */
static const raw_alg raw_algs[] = {
	{ "SHA-256", "SHA256", 32 },
	{ "SHA-384", "SHA384", 48 },
	{ "SHA-512", "SHA512", 64 },
	{ "SHA-1", "SHA1", 20 },
};

typedef enum raw_sigalg { RAW_ECDSA, RAW_RSA, RAW_PSS } raw_sigalg;

static const char *const raw_keys[] = {
	"hashAlgorithm", "hash", "data", "signatureAlgorithm", "signatureValue",
	"certificate", "chain", "signingTime",
};

static vn_err fail(char *why, size_t whylen, vn_err e, const char *msg)
{
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "%s", msg);
	return e;
}

/* A base64 string member, decoded strictly (vn_b64.h), at most max bytes. */
static vn_err b64_member(json_t *v, size_t max, unsigned char **out, size_t *outlen)
{
	if (!json_is_string(v))
		return VN_ERR_MALFORMED;
	return vn_b64_decode(json_string_value(v), json_string_length(v), max, out, outlen);
}

/* Trailing bytes after the certificate are not a certificate
 * (vn_cert_decode refuses them); a returning signer is decoded once. */
static X509 *der_cert(const unsigned char *p, size_t n)
{
	return vn_cert_decode(p, n);
}

/* Field size in bytes of an EC key's curve (the length of r and of s). */
static size_t ec_field_bytes(EVP_PKEY *pk)
{
	int bits = EVP_PKEY_get_bits(pk);

	return bits > 0 ? ((size_t)bits + 7) / 8 : 0;
}

/* Whether sig is exactly one DER ECDSA-Sig-Value. */
static int ecdsa_is_der(const unsigned char *sig, size_t n)
{
	const unsigned char *q = sig;
	unsigned char *re = NULL;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &q, (long)n);
	int len, ok = 0;

	if (es == NULL || q != sig + n)
		goto out;
	len = i2d_ECDSA_SIG(es, &re);
	ok = len > 0 && (size_t)len == n && memcmp(re, sig, n) == 0;
out:
	OPENSSL_free(re);
	ECDSA_SIG_free(es);
	ERR_clear_error();
	return ok;
}

vn_err v_ecdsa_raw_to_der(const unsigned char *sig, size_t n, unsigned char **der, size_t *dlen)
{
	ECDSA_SIG *es = NULL;
	BIGNUM *r = NULL, *s = NULL;
	unsigned char *p = NULL;
	int len;
	vn_err e = VN_ERR_MALFORMED;

	*der = NULL;
	if (n == 0 || n % 2 != 0 || n > 264)
		return VN_ERR_MALFORMED;
	if ((es = ECDSA_SIG_new()) == NULL || (r = BN_bin2bn(sig, (int)(n / 2), NULL)) == NULL ||
	    (s = BN_bin2bn(sig + n / 2, (int)(n / 2), NULL)) == NULL) {
		e = VN_ERR_NOMEM;
		goto out;
	}
	if (!ECDSA_SIG_set0(es, r, s))
		goto out;
	r = s = NULL;
	if ((len = i2d_ECDSA_SIG(es, &p)) <= 0)
		goto out;
	*der = p;
	*dlen = (size_t)len;
	e = VN_OK;
out:
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	return e;
}

/* Verify sig over the digest with EVP (not recomputed: the mobile service
 * signed the hash it was given). 1 valid, 0 invalid, <0 could not run. */
static int verify_evp(EVP_PKEY *pk, raw_sigalg alg, const EVP_MD *md, int pss_saltlen,
		      const unsigned char *sig, size_t siglen, const unsigned char *dg,
		      size_t dglen)
{
	EVP_PKEY_CTX *ctx = NULL;
	int r = -1;

	ctx = EVP_PKEY_CTX_new(pk, NULL);
	if (ctx == NULL || EVP_PKEY_verify_init(ctx) <= 0)
		goto out;
	if (alg == RAW_RSA && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0)
		goto out;
	if (alg == RAW_PSS &&
	    (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
	     EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) <= 0 ||
	     EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, pss_saltlen) <= 0))
		goto out;
	/* PKCS#1 v1.5: the key checks a DigestInfo of this algorithm. */
	if (EVP_PKEY_CTX_set_signature_md(ctx, md) <= 0)
		goto out;
	r = EVP_PKEY_verify(ctx, sig, siglen, dg, dglen) == 1 ? 1 : 0;
out:
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return r;
}

/* The same, where a P-256 key that recurs is verified through its
 * fixed-base table (vn_p256.h). */
static int verify_digest(X509 *cert, EVP_PKEY *pk, raw_sigalg alg, const EVP_MD *md,
			 int pss_saltlen, const unsigned char *sig, size_t siglen,
			 const unsigned char *dg, size_t dglen)
{
	int r;

	if (alg == RAW_ECDSA) {
		r = vn_p256_verify(X509_get_X509_PUBKEY(cert), sig, siglen, dg, dglen);
		if (r != VN_P256_NOT_HANDLED)
			return r;
	}
	return verify_evp(pk, alg, md, pss_saltlen, sig, siglen, dg, dglen);
}

/* An ECDSA value in the plain form r || s, 2*fs bytes: through the key's
 * table when it has one (r and s handed over as they are), else as DER
 * through EVP. */
static int verify_plain(X509 *cert, EVP_PKEY *pk, const EVP_MD *md, const unsigned char *sig,
			size_t siglen, const unsigned char *dg, size_t dglen)
{
	unsigned char *der = NULL;
	size_t dlen = 0;
	int r = vn_p256_verify_rs(X509_get_X509_PUBKEY(cert), sig, siglen, dg, dglen);

	if (r != VN_P256_NOT_HANDLED)
		return r;
	if (v_ecdsa_raw_to_der(sig, siglen, &der, &dlen) != VN_OK)
		return -1;
	r = verify_evp(pk, RAW_ECDSA, md, 0, der, dlen, dg, dglen);
	OPENSSL_free(der);
	return r;
}

static vn_err add_finding(v_sigobj *o, vn_level l, const char *code, const char *msg)
{
	return vn_findings_add(&o->findings, l, code, "%s", msg);
}

/* The cryptographic verification (EN 319 102-1 5.2.7) of a parsed object. */
static vn_err raw_verify(v_sigobj *o, raw_sigalg alg, const raw_alg *ha,
			 const unsigned char *sig, size_t siglen, const unsigned char *dg)
{
	EVP_PKEY *pk = X509_get0_pubkey(o->signer);
	const EVP_MD *md = EVP_get_digestbyname(ha->md);
	int id, r;
	vn_err e = VN_OK;

	if (pk == NULL || md == NULL) {
		o->check = V_CHECK_SIG_CRYPTO_FAILURE;
		e = add_finding(o, VN_LEVEL_ERROR, "V_RAW_KEY_UNUSABLE",
				"the certificate's public key cannot be used");
		goto out;
	}
	o->key_bits = EVP_PKEY_get_bits(pk);
	id = EVP_PKEY_get_base_id(pk);
	/* The declared algorithm must fit the key (FC: the object says what it
	 * is; a mismatch is a malformed signature, not a bad value). */
	if ((alg == RAW_ECDSA && id != EVP_PKEY_EC) ||
	    (alg == RAW_RSA && id != EVP_PKEY_RSA) ||
	    (alg == RAW_PSS && id != EVP_PKEY_RSA && id != EVP_PKEY_RSA_PSS)) {
		o->check = V_CHECK_FORMAT_FAILURE;
		e = add_finding(o, VN_LEVEL_ERROR, "V_RAW_ALG_KEY_MISMATCH",
				"signatureAlgorithm does not match the certificate's key type");
		goto out;
	}
	if (alg == RAW_ECDSA) {
		size_t fs = ec_field_bytes(pk);
		if (ecdsa_is_der(sig, siglen)) {
			r = verify_digest(o->signer, pk, alg, md, 0, sig, siglen, dg, ha->len);
		} else if (fs > 0 && siglen == 2 * fs) {
			/* The plain r||s form mobile services return (TS 119 312
			 * / BSI TR-03111 "plain" encoding). */
			r = verify_plain(o->signer, pk, md, sig, siglen, dg, ha->len);
		} else {
			o->check = V_CHECK_SIG_CRYPTO_FAILURE;
			e = add_finding(o, VN_LEVEL_ERROR, "V_RAW_SIG_ENCODING",
					"the ECDSA value is neither DER nor r||s of the curve's size");
			goto out;
		}
	} else if (alg == RAW_PSS) {
		/* MGF1 with the same hash, salt as long as the hash (RFC 8017
		 * 9.1 recommendation, Smart-ID v3); other salt lengths are
		 * accepted as the encoding reveals them. */
		r = verify_digest(o->signer, pk, alg, md, (int)ha->len, sig, siglen, dg, ha->len);
		if (r == 0) {
			r = verify_digest(o->signer, pk, alg, md, RSA_PSS_SALTLEN_AUTO, sig, siglen, dg,
					  ha->len);
			if (r == 1)
				e = add_finding(o, VN_LEVEL_INFO, "V_RAW_PSS_SALT",
						"RSASSA-PSS salt length differs from the hash length");
		}
	} else {
		r = verify_digest(o->signer, pk, alg, md, 0, sig, siglen, dg, ha->len);
	}
	if (e != VN_OK)
		goto out;
	if (r < 0) {
		e = VN_ERR_CRYPTO;
		goto out;
	}
	if (r == 0) {
		o->check = V_CHECK_SIG_CRYPTO_FAILURE;
		e = add_finding(o, VN_LEVEL_ERROR, "V_RAW_SIG_INVALID",
				"the signature value does not verify with the certificate's key");
		goto out;
	}
	o->check = V_CHECK_OK;
out:
	return e;
}

static int known_key(const char *k)
{
	size_t i;

	for (i = 0; i < sizeof raw_keys / sizeof raw_keys[0]; i++)
		if (strcmp(k, raw_keys[i]) == 0)
			return 1;
	return 0;
}

/* The compact JSON size of the raw object, as far as it can be bounded
 * without writing it: the members are strings or an array of strings, whose
 * base64 needs no escaping; anything else is refused by the type checks. */
static size_t raw_size(const json_t *raw)
{
	const char *key;
	json_t *v, *c;
	size_t n = 9, i;	/* {"raw":{ and } } */

	json_object_foreach((json_t *)raw, key, v) {
		n += strlen(key) + 4;
		if (json_is_string(v))
			n += json_string_length(v) + 2;
		else if (json_is_array(v))
			json_array_foreach(v, i, c)
				n += (json_is_string(c) ? json_string_length(c) : 0) + 3;
	}
	return n;
}

vn_err v_raw_parse(const unsigned char *json, size_t n, v_sigobj *out, char *why, size_t whylen)
{
	json_t *root = NULL, *raw;
	vn_json_error jerr;
	vn_err e = VN_ERR_MALFORMED;

	v_sigobj_init(out);
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (n > V_RAW_MAX_JSON)
		return fail(why, whylen, VN_ERR_TOO_LARGE, "raw signature object over 1 MiB");
	/* strict JSON, duplicate keys refused, nesting capped as it is read */
	root = vn_json_parse((const char *)json, n, V_RAW_MAX_DEPTH, &jerr);
	if (root == NULL && jerr.code == VN_JSON_E_DEPTH)
		return fail(why, whylen, VN_ERR_MALFORMED, "JSON nested too deeply");
	if (root == NULL || !json_is_object(root)) {
		e = fail(why, whylen, VN_ERR_MALFORMED, "not a JSON object");
		goto out;
	}
	raw = json_object_get(root, "raw");
	if (json_object_size(root) != 1 || !json_is_object(raw)) {
		e = fail(why, whylen, VN_ERR_MALFORMED, "expected exactly {\"raw\": {...}}");
		goto out;
	}
	e = v_raw_parse_json(raw, out, why, whylen);
out:
	json_decref(root);
	return e;
}

vn_err v_raw_parse_json(const json_t *rawobj, v_sigobj *out, char *why, size_t whylen)
{
	json_t *raw = (json_t *)rawobj, *v;	/* only read: jansson's getters are not const */
	const char *key;
	const raw_alg *ha = NULL;
	raw_sigalg alg;
	unsigned char *hash = NULL, *data = NULL, *sig = NULL, *cert = NULL, *dg = NULL;
	size_t hlen = 0, datalen = 0, siglen = 0, clen = 0, i;
	unsigned int mdlen = 0;
	X509 *x = NULL;
	vn_err e = VN_ERR_MALFORMED;

	v_sigobj_init(out);
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (!json_is_object(raw)) {
		e = fail(why, whylen, VN_ERR_MALFORMED, "expected exactly {\"raw\": {...}}");
		goto out;
	}
	if (raw_size(raw) > V_RAW_MAX_JSON)
		return fail(why, whylen, VN_ERR_TOO_LARGE, "raw signature object over 1 MiB");
	json_object_foreach(raw, key, v) {
		if (!known_key(key)) {
			if (why != NULL && whylen > 0)
				snprintf(why, whylen, "unknown key \"%.64s\"", key);
			goto out;
		}
	}

	v = json_object_get(raw, "hashAlgorithm");
	if (!json_is_string(v)) {
		e = fail(why, whylen, VN_ERR_MALFORMED, "hashAlgorithm missing");
		goto out;
	}
	for (i = 0; i < sizeof raw_algs / sizeof raw_algs[0]; i++)
		if (strcmp(json_string_value(v), raw_algs[i].name) == 0)
			ha = &raw_algs[i];
	if (ha == NULL) {
		e = fail(why, whylen, VN_ERR_MALFORMED, "hashAlgorithm not supported");
		goto out;
	}

	v = json_object_get(raw, "signatureAlgorithm");
	if (!json_is_string(v)) {
		e = fail(why, whylen, VN_ERR_MALFORMED, "signatureAlgorithm missing");
		goto out;
	}
	if (strcmp(json_string_value(v), "ECDSA") == 0)
		alg = RAW_ECDSA;
	else if (strcmp(json_string_value(v), "RSA") == 0)
		alg = RAW_RSA;
	else if (strcmp(json_string_value(v), "RSASSA-PSS") == 0)
		alg = RAW_PSS;
	else {
		e = fail(why, whylen, VN_ERR_MALFORMED, "signatureAlgorithm not supported");
		goto out;
	}

	/* Exactly one of hash / data. */
	if ((json_object_get(raw, "hash") == NULL) == (json_object_get(raw, "data") == NULL)) {
		e = fail(why, whylen, VN_ERR_MALFORMED, "exactly one of hash and data is required");
		goto out;
	}
	if ((v = json_object_get(raw, "hash")) != NULL) {
		if (b64_member(v, 64, &hash, &hlen) != VN_OK) {
			e = fail(why, whylen, VN_ERR_MALFORMED, "hash is not base64");
			goto out;
		}
		if (hlen != ha->len) {
			e = fail(why, whylen, VN_ERR_MALFORMED,
				 "hash length does not match hashAlgorithm");
			goto out;
		}
	} else if (b64_member(json_object_get(raw, "data"), V_RAW_MAX_JSON, &data, &datalen) !=
		   VN_OK) {
		e = fail(why, whylen, VN_ERR_MALFORMED, "data is not base64");
		goto out;
	}

	if (b64_member(json_object_get(raw, "signatureValue"), RAW_MAX_SIG, &sig, &siglen) !=
		    VN_OK ||
	    siglen == 0) {
		e = fail(why, whylen, VN_ERR_MALFORMED, "signatureValue missing or not base64");
		goto out;
	}
	if (b64_member(json_object_get(raw, "certificate"), RAW_MAX_CERT, &cert, &clen) != VN_OK) {
		e = fail(why, whylen, VN_ERR_MALFORMED, "certificate missing or not base64");
		goto out;
	}
	if ((x = der_cert(cert, clen)) == NULL) {
		ERR_clear_error();
		e = fail(why, whylen, VN_ERR_MALFORMED, "certificate is not a DER X.509 certificate");
		goto out;
	}

	e = VN_ERR_NOMEM;
	if ((out->certs = sk_X509_new_null()) == NULL)
		goto out;
	if (!X509_up_ref(x))
		goto out;
	if (!sk_X509_push(out->certs, x)) {
		X509_free(x);
		goto out;
	}
	out->signer = x;
	x = NULL;

	if ((v = json_object_get(raw, "chain")) != NULL) {
		json_t *c;
		if (!json_is_array(v) || json_array_size(v) >= V_MAX_CERTS) {
			e = fail(why, whylen, VN_ERR_MALFORMED,
				 "chain must be an array of at most 63 certificates");
			goto out;
		}
		json_array_foreach(v, i, c) {
			unsigned char *cd = NULL;
			size_t cdl = 0;
			X509 *cx;
			if (b64_member(c, RAW_MAX_CERT, &cd, &cdl) != VN_OK) {
				e = fail(why, whylen, VN_ERR_MALFORMED, "chain entry is not base64");
				goto out;
			}
			cx = der_cert(cd, cdl);
			free(cd);
			if (cx == NULL) {
				ERR_clear_error();
				e = fail(why, whylen, VN_ERR_MALFORMED,
					 "chain entry is not a DER X.509 certificate");
				goto out;
			}
			if (!sk_X509_push(out->certs, cx)) {
				X509_free(cx);
				e = VN_ERR_NOMEM;
				goto out;
			}
		}
	}

	if ((v = json_object_get(raw, "signingTime")) != NULL &&
	    (!json_is_string(v) ||
	     vn_time_parse(json_string_value(v), VN_TIME_RFC3339, &out->claimed_time) != VN_OK)) {
		e = fail(why, whylen, VN_ERR_MALFORMED, "signingTime is not RFC 3339");
		goto out;
	}

	out->format = V_FMT_RAW;
	out->level = V_LEVEL_NONE;
	snprintf(out->id, sizeof out->id, "S-1");
	snprintf(out->digest_alg, sizeof out->digest_alg, "%s", ha->name);
	snprintf(out->sig_alg, sizeof out->sig_alg, "%s",
		 alg == RAW_ECDSA ? "ECDSA" : alg == RAW_RSA ? "RSA" : "RSASSA-PSS");
	if ((e = v_blob_set(&out->signature_value, sig, siglen)) != VN_OK)
		goto out;

	if (data != NULL) {
		const EVP_MD *md = EVP_get_digestbyname(ha->md);
		e = VN_ERR_CRYPTO;
		if (md == NULL || (dg = malloc(EVP_MAX_MD_SIZE)) == NULL ||
		    !EVP_Digest(data, datalen, dg, &mdlen, md, NULL) || mdlen != ha->len)
			goto out;
	}
	e = raw_verify(out, alg, ha, sig, siglen, data != NULL ? dg : hash);
out:
	if (e != VN_OK) {
		if (e == VN_ERR_NOMEM || e == VN_ERR_CRYPTO)
			(void)fail(why, whylen, e, vn_err_str(e));
		v_sigobj_free(out);
	}
	X509_free(x);
	free(hash);
	free(data);
	free(sig);
	free(cert);
	free(dg);
	return e;
}
