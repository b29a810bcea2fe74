/* valnode: revocation status of one certificate (EN 319 102-1 5.2.5
 * revocation freshness checker, 5.2.6 X.509 certificate validation).
 *
 * Order: the OCSP responses the signature carries, its CRLs, the cache,
 * then, only when the policy allows the network, OCSP at the certificate's
 * AIA (http or https) and the CRL distribution point (http only). The first
 * trustworthy and fresh answer wins. A status that cannot be obtained is
 * V_REV_UNKNOWN, never good, with the reasons collected in why.
 *
 * Who may answer (RFC 6960 4.2.2.2):
 *   - the issuing CA itself (same subject and key);
 *   - a delegated responder: issued and signed by the CA, with EKU
 *     id-kp-OCSPSigning, valid at producedAt; with id-pkix-ocsp-nocheck its
 *     own status is not asked, without it a CRL the signature carries must
 *     show it is not revoked (no recursion into OCSP);
 *   - a responder a trusted list announces: its certificate (or key) under an
 *     OCSP service (".../Certstatus/OCSP[/QC]") with an interval in force at
 *     producedAt (TS 119 615: the list is a trust source of its own).
 * A CRL must name the CA as issuer, verify with its key, come from a key
 * allowed to sign CRLs, and cover the certificate (no delta CRL alone, no
 * partial-scope or indirect CRL).
 *
 * Freshness (EN 319 102-1 5.2.5, with a V_REV_SKEW clock skew):
 *   - thisUpdate after the current clock (+ skew) is refused: a response
 *     from the future is a forgery or a broken responder;
 *   - issued at or after the validation time t (thisUpdate >= t - skew): it
 *     speaks for t. "good" then means not revoked at the time of the
 *     response, hence not at t; "revoked" carries its revocation time,
 *     which the caller sets against its proofs of existence. For a signature
 *     without POE, t is "now" anyway, so this is the usual case;
 *   - issued before t: it must still be current at t: t <= nextUpdate
 *     (+ skew), or, without nextUpdate, t - thisUpdate <= the policy's
 *     max_revocation_age;
 *   - "revoked" stands whatever the freshness: a revocation is not undone.
 * The cache gives an entry back only while the clock is before its
 * nextUpdate, and the entry must pass the same rule for t.
 *
 * Nonce (RFC 6960 4.4.1, RFC 8954): online requests carry one. A response
 * with a different nonce is refused. A responder that ignores nonces (many
 * serve pre-produced responses) is accepted only if its response is fresh
 * for the current clock by the rule above (t = now), so a replayed old
 * response cannot pass.
 *
 * OCSP URLs come only from the certificate being checked (AIA); the list's
 * service supply points do not say which kind of endpoint they are in the
 * model, so they are not used. CRL URLs come from the certificate's CRL
 * distribution points.
 */
#include "node/v_rev.h"
#include "node/v_pki_int.h"
#include "node/v_dersplit.h"
#include "node/v_sigmemo.h"
#include "common/vn_certcache.h"
#include "common/vn_digest.h"
#include "common/vn_p256.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#define V_REV_SKEW 300				/* seconds */
#define V_REV_OCSP_MAX ((size_t)64 << 10)	/* an OCSP response body */
#define V_REV_CRL_MAX ((size_t)8 << 20)		/* a CRL body */
#define V_REV_MAX_URLS 2			/* URLs tried per kind */
#define V_REV_MAX_SINGLES 64			/* SingleResponses looked at */
#define V_REV_MAX_URL_LEN 2048

/* ------------------------------------------------------------------ cache */

typedef struct rc_entry {
	unsigned char key[32];
	v_rev_result res;
	uint64_t used;
	int live;
} rc_entry;

struct v_revcache {
	pthread_mutex_t mu;
	rc_entry *e;
	size_t max;
	uint64_t tick;
};

v_revcache *v_revcache_new(size_t max)
{
	v_revcache *c;

	if (max == 0)
		return NULL;
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	c->e = calloc(max, sizeof *c->e);
	if (c->e == NULL || pthread_mutex_init(&c->mu, NULL) != 0) {
		free(c->e);
		free(c);
		return NULL;
	}
	c->max = max;
	return c;
}

void v_revcache_free(v_revcache *c)
{
	if (c == NULL)
		return;
	pthread_mutex_destroy(&c->mu);
	free(c->e);
	free(c);
}

/* SHA-256 over the issuer's SubjectPublicKeyInfo and the serial's DER. The
 * SPKI is the one the certificate carries (i2d_X509_PUBKEY): i2d_PUBKEY
 * would re-encode the key through OpenSSL 3's provider encoders on every
 * validation; a cache key needs only stable bytes. */
static int cache_key(X509 *cert, X509 *issuer, unsigned char key[32])
{
	unsigned char *spki = NULL, *ser = NULL;
	int ns, nr, ok = 0;
	EVP_MD_CTX *md = NULL;
	unsigned int len = 32;

	ns = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(issuer), &spki);
	nr = i2d_ASN1_INTEGER(X509_get0_serialNumber(cert), &ser);
	md = EVP_MD_CTX_new();
	if (ns > 0 && nr > 0 && md != NULL && EVP_DigestInit_ex(md, vn_md_by_nid(NID_sha256), NULL) == 1 &&
	    EVP_DigestUpdate(md, spki, (size_t)ns) == 1 && EVP_DigestUpdate(md, ser, (size_t)nr) == 1 &&
	    EVP_DigestFinal_ex(md, key, &len) == 1)
		ok = 1;
	EVP_MD_CTX_free(md);
	OPENSSL_free(spki);
	OPENSSL_free(ser);
	return ok;
}

static int cache_get(v_revcache *c, const unsigned char key[32], vn_time now, v_rev_result *out)
{
	size_t i;
	int hit = 0;

	pthread_mutex_lock(&c->mu);
	for (i = 0; i < c->max; i++) {
		rc_entry *e = &c->e[i];
		if (!e->live || memcmp(e->key, key, 32) != 0)
			continue;
		if (e->res.next_update == VN_TIME_NONE || now >= e->res.next_update) {
			e->live = 0;	/* past its nextUpdate: never used again */
			break;
		}
		*out = e->res;
		e->used = ++c->tick;
		hit = 1;
		break;
	}
	pthread_mutex_unlock(&c->mu);
	return hit;
}

/* Only answers with a nextUpdate are kept: without one there is no point
 * at which the entry stops being current. */
static void cache_put(v_revcache *c, const unsigned char key[32], const v_rev_result *r)
{
	size_t i, slot = 0;
	uint64_t oldest = UINT64_MAX;

	if (r->next_update == VN_TIME_NONE)
		return;
	pthread_mutex_lock(&c->mu);
	for (i = 0; i < c->max; i++) {
		rc_entry *e = &c->e[i];
		if (e->live && memcmp(e->key, key, 32) == 0) {
			slot = i;
			break;
		}
		if (!e->live) {
			if (oldest != 0) {
				slot = i;
				oldest = 0;
			}
		} else if (e->used < oldest) {	/* least recently used */
			slot = i;
			oldest = e->used;
		}
	}
	memcpy(c->e[slot].key, key, 32);
	c->e[slot].res = *r;
	c->e[slot].used = ++c->tick;
	c->e[slot].live = 1;
	pthread_mutex_unlock(&c->mu);
}

/* ------------------------------------------------------------- the check */

typedef struct rev_ctx {
	const v_ctx *ctx;
	X509 *cert, *issuer;
	const v_sigobj *embedded;
	vn_time t, now;
	char why[256];
} rev_ctx;

VN_PRINTF(2, 3) static void why_add(rev_ctx *rc, const char *fmt, ...)
{
	size_t n = strlen(rc->why);
	va_list ap;

	if (n + 3 >= sizeof rc->why)
		return;
	if (n > 0) {
		memcpy(rc->why + n, "; ", 3);
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(rc->why + n, sizeof rc->why - n, fmt, ap);
	va_end(ap);
}

static void result_reset(v_rev_result *r)
{
	memset(r, 0, sizeof *r);
	r->status = V_REV_UNKNOWN;
	r->source = V_REVSRC_NONE;
	r->revocation_time = VN_TIME_NONE;
	r->reason = -1;
	r->this_update = VN_TIME_NONE;
	r->next_update = VN_TIME_NONE;
	r->produced_at = VN_TIME_NONE;
}

/* The freshness rule at the top of this file; NULL when fresh. */
static const char *stale(const v_policy *p, vn_time t, vn_time now, vn_time tu, vn_time nu,
			 int revoked)
{
	long max_age = p != NULL && p->max_revocation_age > 0 ? p->max_revocation_age : 7 * 86400;

	if (tu == VN_TIME_NONE)
		return "no thisUpdate";
	if (tu > now + V_REV_SKEW)
		return "thisUpdate in the future";
	if (nu != VN_TIME_NONE && nu < tu)
		return "nextUpdate before thisUpdate";
	if (revoked)
		return NULL;
	if (tu >= t - V_REV_SKEW)
		return NULL;
	if (nu != VN_TIME_NONE)
		return t <= nu + V_REV_SKEW ? NULL : "response not fresh: nextUpdate before the validation time";
	return t - tu <= max_age ? NULL : "response not fresh: older than the policy's maximum age";
}

static int same_cert_or_key(X509 *a, X509 *b)
{
	if (X509_cmp(a, b) == 0)
		return 1;
	return X509_NAME_cmp(X509_get_subject_name(a), X509_get_subject_name(b)) == 0 &&
	       X509_get0_pubkey(a) != NULL && X509_get0_pubkey(b) != NULL &&
	       EVP_PKEY_eq(X509_get0_pubkey(a), X509_get0_pubkey(b)) == 1;
}

static int crl_eval(rev_ctx *rc, const unsigned char *der, size_t n, X509 *cert, int quiet,
		    v_rev_result *out);

/* Whether signer may answer for rc->cert (see the top of the file). */
static int responder_trusted(rev_ctx *rc, X509 *signer, vn_time produced)
{
	const tl_snapshot *snap = rc->ctx->trust != NULL ? rc->ctx->trust->snapshot : NULL;
	EVP_PKEY *ik = X509_get0_pubkey(rc->issuer);
	vn_time nb = v_asn1_time(X509_get0_notBefore(signer)), na = v_asn1_time(X509_get0_notAfter(signer));
	int in_validity = nb != VN_TIME_NONE && na != VN_TIME_NONE && nb <= produced && produced <= na;

	if (same_cert_or_key(signer, rc->issuer))
		return 1;
	if (ik != NULL && X509_check_issued(rc->issuer, signer) == X509_V_OK &&
	    vn_cert_verify_by(signer, rc->issuer) == 1 &&
	    (X509_get_extension_flags(signer) & EXFLAG_XKUSAGE) &&
	    (X509_get_extended_key_usage(signer) & XKU_OCSP_SIGN)) {
		size_t i;

		if (!in_validity) {
			why_add(rc, "delegated OCSP responder outside its validity at producedAt");
			return 0;
		}
		if (X509_get_ext_by_NID(signer, NID_id_pkix_OCSP_noCheck, -1) >= 0)
			return 1;
		/* No id-pkix-ocsp-nocheck: the responder's own status is needed. */
		for (i = 0; rc->embedded != NULL && i < rc->embedded->ncrls && i < V_MAX_REVOCATION; i++) {
			v_rev_result r;
			result_reset(&r);
			if (crl_eval(rc, rc->embedded->crls[i].p, rc->embedded->crls[i].n, signer, 1, &r))
				return r.status == V_REV_GOOD;
		}
		why_add(rc, "delegated OCSP responder without id-pkix-ocsp-nocheck and no status for it");
		return 0;
	}
	if (snap != NULL) {
		tl_snap_match m[16];
		size_t k, nm = tl_snapshot_find(snap, signer, produced, m, 16);

		for (k = 0; k < nm && k < 16; k++)
			if ((m[k].kind == TL_MATCH_CERT || m[k].kind == TL_MATCH_KEY) && m[k].entry != NULL &&
			    v_svc_type_is_ocsp(m[k].entry->type) && in_validity)
				return 1;
	}
	why_add(rc, "response not trusted: signed by neither the CA, a delegated responder of it, "
		    "nor a listed OCSP service");
	return 0;
}

/* The response's signature checked through the responder key's
 * fixed-base table, when it has one (vn_p256.h): what OCSP_BASICRESP_verify
 * checks (an ECDSA signature algorithm matching the key, no unused bits in
 * the signature, the signature over the DER of tbsResponseData with the
 * algorithm's digest), done faster. VN_P256_VALID only when it verifies;
 * anything else goes to OpenSSL, which then decides alone. */
static int ocsp_sig_fast(const OCSP_BASICRESP *bs, X509 *signer)
{
	const X509_ALGOR *alg = OCSP_resp_get0_tbs_sigalg(bs);
	const ASN1_OCTET_STRING *sig = OCSP_resp_get0_signature(bs);
	const OCSP_RESPDATA *rd = OCSP_resp_get0_respdata(bs);
	unsigned char *der = NULL, dg[EVP_MAX_MD_SIZE];
	unsigned dglen = 0;
	int mdnid = NID_undef, pknid = NID_undef, n, r = VN_P256_NOT_HANDLED;
	const EVP_MD *md;

	if (alg == NULL || sig == NULL || rd == NULL || (sig->flags & 0x7) != 0 ||
	    !OBJ_find_sigid_algs(OBJ_obj2nid(alg->algorithm), &mdnid, &pknid) ||
	    pknid != NID_X9_62_id_ecPublicKey)
		return VN_P256_NOT_HANDLED;
	md = mdnid == NID_sha256 ? vn_md_sha256() : EVP_get_digestbynid(mdnid);
	n = i2d_OCSP_RESPDATA(rd, &der);
	if (md != NULL && n > 0 && EVP_Digest(der, (size_t)n, dg, &dglen, md, NULL) == 1)
		r = vn_p256_verify(X509_get_X509_PUBKEY(signer), sig->data, (size_t)sig->length, dg,
				   dglen);
	OPENSSL_free(der);
	ERR_clear_error();
	return r;
}

/* What a response says for rc->cert once read and its signature checked. */
typedef struct ocsp_said {
	X509 *signer;
	int status, reason;		/* V_OCSP_CERTSTATUS_*, CRLReason or -1 */
	vn_time rev, tu, nu, produced;	/* VN_TIME_NONE when absent */
} ocsp_said;

/* Who signed, the nonce (req: the request sent, with bs its response), the
 * status and its freshness: 1 with out filled, else 0 with a reason. */
static int ocsp_conclude(rev_ctx *rc, const ocsp_said *s, OCSP_REQUEST *req, OCSP_BASICRESP *bs,
			 v_rev_result *out)
{
	vn_time produced = s->produced != VN_TIME_NONE ? s->produced : s->tu;
	const char *why;

	if (!responder_trusted(rc, s->signer, produced))
		return 0;
	if (req != NULL) {
		int nr = OCSP_check_nonce(req, bs);
		if (nr == 0) {
			why_add(rc, "response not trusted: OCSP nonce mismatch");
			return 0;
		}
		if (nr == -1 && (why = stale(rc->ctx->policy, rc->now, rc->now, s->tu, s->nu, 0)) != NULL) {
			why_add(rc, "responder ignored the nonce and its response is not current (%s)", why);
			return 0;
		}
	}
	if (s->status == V_OCSP_CERTSTATUS_UNKNOWN) {
		why_add(rc, "the OCSP responder does not know the certificate");
		return 0;
	}
	if ((why = stale(rc->ctx->policy, rc->t, rc->now, s->tu, s->nu,
			 s->status == V_OCSP_CERTSTATUS_REVOKED)) != NULL) {
		why_add(rc, "%s%s", strncmp(why, "response", 8) == 0 ? "" : "response not fresh: ", why);
		return 0;
	}
	out->status = s->status == V_OCSP_CERTSTATUS_REVOKED ? V_REV_REVOKED : V_REV_GOOD;
	out->revocation_time = s->status == V_OCSP_CERTSTATUS_REVOKED ? s->rev : VN_TIME_NONE;
	out->reason = s->status == V_OCSP_CERTSTATUS_REVOKED ? s->reason : -1;
	out->this_update = s->tu;
	out->next_update = s->nu;
	out->produced_at = produced;
	if (X509_NAME_oneline(X509_get_subject_name(s->signer), out->responder,
			      sizeof out->responder) == NULL)
		out->responder[0] = '\0';
	return 1;
}

/* ------------------------------------------------ the embedded fast way */

/* What the CertIDs and responder ids of RFC 6960 4.1.1 and 4.2.1 take
 * from one certificate, as OpenSSL computes them (OCSP_cert_to_id,
 * X509_pubkey_digest): a pure function of the certificate, kept beside it
 * (vn_cert_memo) instead of hashed again at every response. */
typedef struct ocsp_facts {
	unsigned char in_sha1[20], in_sha256[32];	/* its issuer Name, as a subject of a CertID */
	unsigned char key_sha1[20], key_sha256[32];	/* its key, as an issuer or a responder */
	size_t serial_len;
	unsigned char serial[];	/* its serialNumber's DER contents */
} ocsp_facts;

static void *ocsp_facts_make(X509 *x)
{
	const EVP_MD *s1 = vn_md_by_nid(NID_sha1), *s256 = vn_md_by_nid(NID_sha256);
	unsigned char *ser = NULL;
	ocsp_facts *f = NULL;
	unsigned int l1 = 0, l2 = 0, l3 = 0, l4 = 0;
	int ns = i2d_ASN1_INTEGER(X509_get0_serialNumber(x), &ser);
	size_t hl;

	/* header: one identifier octet and a definite length (i2d is DER) */
	if (s1 == NULL || s256 == NULL || ns < 2)
		goto out;
	hl = ser[1] < 0x80 ? 2 : 2 + (size_t)(ser[1] & 0x7f);
	if (hl > (size_t)ns || (f = calloc(1, sizeof *f + ((size_t)ns - hl))) == NULL)
		goto out;
	f->serial_len = (size_t)ns - hl;
	memcpy(f->serial, ser + hl, f->serial_len);
	if (X509_NAME_digest(X509_get_issuer_name(x), s1, f->in_sha1, &l1) != 1 || l1 != 20 ||
	    X509_NAME_digest(X509_get_issuer_name(x), s256, f->in_sha256, &l2) != 1 || l2 != 32 ||
	    X509_pubkey_digest(x, s1, f->key_sha1, &l3) != 1 || l3 != 20 ||
	    X509_pubkey_digest(x, s256, f->key_sha256, &l4) != 1 || l4 != 32) {
		free(f);
		f = NULL;
	}
out:
	OPENSSL_free(ser);
	ERR_clear_error();
	return f;
}

static vn_cert_memo_kind ocsp_facts_kind = {ocsp_facts_make, free, 0};

enum { FAST_FALLBACK = -1 };

/* DER contents of the OBJECT IDENTIFIERs the fast way knows. */
static const unsigned char oid_sha1[] = {0x2b, 0x0e, 0x03, 0x02, 0x1a};
static const unsigned char oid_sha256[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};

static const struct {
	unsigned char oid[9];
	size_t n;
	int nid;
} sig_oids[] = {
	{{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01}, 7, NID_ecdsa_with_SHA1},
	{{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x01}, 8, NID_ecdsa_with_SHA224},
	{{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02}, 8, NID_ecdsa_with_SHA256},
	{{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03}, 8, NID_ecdsa_with_SHA384},
	{{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04}, 8, NID_ecdsa_with_SHA512},
	{{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05}, 9, NID_sha1WithRSAEncryption},
	{{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b}, 9, NID_sha256WithRSAEncryption},
	{{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c}, 9, NID_sha384WithRSAEncryption},
	{{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d}, 9, NID_sha512WithRSAEncryption},
	{{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0e}, 9, NID_sha224WithRSAEncryption},
};

static int bytes_eq(const v_der_bytes *b, const unsigned char *p, size_t n)
{
	return b->n == n && memcmp(b->p, p, n) == 0;
}

/* A GeneralizedTime's contents as v_asn1_time reads the decoded one. */
static vn_time der_time(const v_der_bytes *b)
{
	ASN1_GENERALIZEDTIME a;

	if (b->p == NULL)
		return VN_TIME_NONE;
	memset(&a, 0, sizeof a);
	a.type = V_ASN1_GENERALIZEDTIME;
	a.length = (int)b->n;
	a.data = (unsigned char *)(uintptr_t)b->p;
	return v_asn1_time(&a);
}

/* The signature algorithm named by an OBJECT IDENTIFIER's contents, when
 * it is one of sig_oids (a hash and a key type, no parameters that count:
 * what the signature memo may key on); NID_undef otherwise. */
static int sig_nid(const unsigned char *oid, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof sig_oids / sizeof sig_oids[0]; i++)
		if (sig_oids[i].n == n && memcmp(oid, sig_oids[i].oid, n) == 0)
			return sig_oids[i].nid;
	return NID_undef;
}

/* The signature memo's key for a signature with the algorithm oid (its
 * contents), over bytes whose digest under that algorithm is dg, by
 * signer's key: 0 done, -1 when it cannot be kept (v_sigmemo.h). */
static int memo_key(X509 *signer, const unsigned char *oid, size_t oidlen, const unsigned char *dg,
		    size_t dglen, const unsigned char *sig, size_t siglen,
		    unsigned char key[V_SIGMEMO_KEY_LEN])
{
	unsigned char spki[32];
	v_sigmemo_in in = {oid, oidlen, dg, dglen, sig, siglen, spki};

	if (vn_cert_spki_sha256(signer, spki) != 0)
		return -1;
	return v_sigmemo_key(&in, key);
}

/* The signature over the received tbsResponseData (R: the bytes OpenSSL
 * would re-encode) with signer's key, the checks of OCSP_basic_verify with
 * OCSP_NOVERIFY (ASN1_item_verify: the algorithm's key type is the key's,
 * its digest known): the memo first (v_sigmemo.h: a valid verification
 * of these bytes with this key seen before), then through the key's P-256
 * table when it has one, else EVP_DigestVerify. 1 only when it verifies
 * (and then kept in memo, which may be NULL); any other answer is left to
 * OpenSSL (0), which then decides alone. */
static int ocsp_sig_raw(v_sigmemo *memo, const v_der_ocsp *o, X509 *signer)
{
	EVP_PKEY *pk = X509_get0_pubkey(signer);
	EVP_MD_CTX *mc = NULL;
	unsigned char dg[EVP_MAX_MD_SIZE], key[V_SIGMEMO_KEY_LEN];
	unsigned dglen = 0;
	int nid = sig_nid(o->sig_alg.p, o->sig_alg.n), mdnid = NID_undef, pknid = NID_undef, r = 0;
	int keyed = 0, hashed;
	const EVP_MD *md;

	if (pk == NULL || nid == NID_undef || !OBJ_find_sigid_algs(nid, &mdnid, &pknid) ||
	    mdnid == NID_undef)
		goto out;
	md = mdnid == NID_sha256 ? vn_md_sha256() : EVP_get_digestbynid(mdnid);
	if (md == NULL)
		goto out;
	/* The digest serves the memo's key and the P-256 table alike. */
	hashed = (memo != NULL || pknid == NID_X9_62_id_ecPublicKey) &&
		 EVP_Digest(o->tbs.p, o->tbs.n, dg, &dglen, md, NULL) == 1;
	if (memo != NULL && hashed &&
	    memo_key(signer, o->sig_alg.p, o->sig_alg.n, dg, dglen, o->sig.p, o->sig.n, key) == 0) {
		keyed = 1;
		if (v_sigmemo_has(memo, key)) {
			r = 1;
			goto out;
		}
	}
	/* as ocsp_sig_fast: the table answers for a P-256 key (vn_p256.h) */
	if (pknid == NID_X9_62_id_ecPublicKey) {
		int v = VN_P256_NOT_HANDLED;

		if (hashed)
			v = vn_p256_verify(X509_get_X509_PUBKEY(signer), o->sig.p, o->sig.n, dg, dglen);
		if (v != VN_P256_NOT_HANDLED) {
			r = v == VN_P256_VALID;
			goto done;
		}
	}
	if (!EVP_PKEY_is_a(pk, OBJ_nid2sn(pknid)))
		goto out;
	mc = EVP_MD_CTX_new();
	r = mc != NULL && EVP_DigestVerifyInit_ex(mc, NULL, EVP_MD_get0_name(md), NULL, NULL, pk, NULL) == 1 &&
	    EVP_DigestVerify(mc, o->sig.p, o->sig.n, o->tbs.p, o->tbs.n) == 1;
done:
	if (r == 1 && keyed)
		v_sigmemo_add(memo, key);
out:
	EVP_MD_CTX_free(mc);
	ERR_clear_error();
	return r;
}

/* The responder as OCSP_resp_get0_signer finds it in the response's
 * certificates, then the issuer, then the signature's certificates (the
 * order of ocsp_eval's extra): byName the first whose subject compares equal
 * (X509_NAME_cmp; identical bytes are equal without decoding), byKey the
 * first whose key's SHA-1 is the hash. *sure 0: an answer could not be had
 * here (the Name does not decode, no memory): the general way decides. */
typedef struct signer_find {
	const v_der_ocsp *o;
	X509_NAME *name;	/* decoded on the first need */
	int sure;
} signer_find;

static int signer_is(signer_find *sf, X509 *x)
{
	const unsigned char *q, *der = NULL;
	size_t dn = 0;

	if (sf->o->by_key) {
		const ocsp_facts *f = vn_cert_memo(x, &ocsp_facts_kind);

		if (f == NULL) {
			sf->sure = 0;
			return 0;
		}
		return sf->o->responder.n == 20 && memcmp(f->key_sha1, sf->o->responder.p, 20) == 0;
	}
	if (X509_NAME_get0_der(X509_get_subject_name(x), &der, &dn) == 1 &&
	    bytes_eq(&sf->o->responder, der, dn))
		return 1;
	if (sf->name == NULL) {
		q = sf->o->responder.p;
		sf->name = d2i_X509_NAME(NULL, &q, (long)sf->o->responder.n);
		if (sf->name == NULL || q != sf->o->responder.p + sf->o->responder.n) {
			sf->sure = 0;
			return 0;
		}
	}
	return X509_NAME_cmp(X509_get_subject_name(x), sf->name) == 0;
}

static X509 *find_signer(signer_find *sf, rev_ctx *rc, STACK_OF(X509) *rcerts)
{
	const STACK_OF(X509) *emb = rc->embedded != NULL ? rc->embedded->certs : NULL;
	int k;

	/* byKey with a hash that is not SHA-1 long: nobody (ocsp_find_signer_sk) */
	if (sf->o->by_key && sf->o->responder.n != 20)
		return NULL;
	for (k = 0; k < sk_X509_num(rcerts) && sf->sure; k++)
		if (signer_is(sf, sk_X509_value(rcerts, k)))
			return sk_X509_value(rcerts, k);
	if (sf->sure && signer_is(sf, rc->issuer))
		return rc->issuer;
	for (k = 0; emb != NULL && k < sk_X509_num(emb) && sf->sure; k++)
		if (signer_is(sf, sk_X509_value(emb, k)))
			return sk_X509_value(emb, k);
	return NULL;
}

/* ocsp_eval for an embedded response that v_der_ocsp_read accepts, without
 * decoding it: the same steps on the fields read in place, the same
 * answer. FAST_FALLBACK, with nothing added to rc or out, whenever a step
 * cannot be taken here (another shape, another CertID digest, a Name that
 * must be decoded and does not decode, a signature not found valid): the
 * general way then decides alone. */
static int ocsp_eval_fast(rev_ctx *rc, const unsigned char *der, size_t n, v_rev_result *out)
{
	v_der_ocsp o;
	STACK_OF(X509) *rcerts = NULL;
	const ocsp_facts *cf, *isf;
	signer_find sf = {&o, NULL, 1};
	const v_der_single *hit = NULL;
	X509 *signer;
	ocsp_said said;
	size_t i, j;
	int r = FAST_FALLBACK;

	if (v_der_ocsp_read(der, n, &o, &rcerts) != VN_OK)
		return FAST_FALLBACK;
	cf = vn_cert_memo(rc->cert, &ocsp_facts_kind);
	isf = vn_cert_memo(rc->issuer, &ocsp_facts_kind);
	if (cf == NULL || isf == NULL)
		goto out;
	/* The CertID loop of ocsp_eval: for each SingleResponse's digest in
	 * turn, the first SingleResponse equal to the certificate's CertID in
	 * it (OCSP_resp_find_status: algorithm, both hashes, serial). */
	for (i = 0; i < o.nsingles && i < V_REV_MAX_SINGLES && hit == NULL; i++) {
		const v_der_bytes *alg = &o.singles[i].hash_oid;
		const unsigned char *nh, *kh;
		size_t hl;

		if (bytes_eq(alg, oid_sha1, sizeof oid_sha1)) {
			if (vn_md_by_nid(NID_sha1) == NULL)
				continue;
			nh = cf->in_sha1;
			kh = isf->key_sha1;
			hl = 20;
		} else if (bytes_eq(alg, oid_sha256, sizeof oid_sha256)) {
			if (vn_md_by_nid(NID_sha256) == NULL)
				continue;
			nh = cf->in_sha256;
			kh = isf->key_sha256;
			hl = 32;
		} else {
			goto out;	/* another digest, known or not: the general way */
		}
		for (j = 0; j < o.nsingles && hit == NULL; j++) {
			const v_der_single *s = &o.singles[j];

			if (bytes_eq(&s->hash_oid, alg->p, alg->n) && bytes_eq(&s->name_hash, nh, hl) &&
			    bytes_eq(&s->key_hash, kh, hl) &&
			    bytes_eq(&s->serial, cf->serial, cf->serial_len))
				hit = s;
		}
	}
	/* The signer is looked for even when nothing answers: the Name is
	 * then known to decode, as the whole decode would have required. */
	signer = find_signer(&sf, rc, rcerts);
	if (!sf.sure)
		goto out;
	if (hit == NULL) {
		r = 0;
		goto out;
	}
	if (signer == NULL) {
		why_add(rc, "response not trusted: OCSP response signer not found");
		r = 0;
		goto out;
	}
	if (!ocsp_sig_raw(rc->ctx->sigmemo, &o, signer))
		goto out;
	said.signer = signer;
	said.status = hit->status;
	said.reason = hit->reason;
	said.rev = der_time(&hit->rev_time);
	said.tu = der_time(&hit->this_update);
	said.nu = der_time(&hit->next_update);
	said.produced = der_time(&o.produced_at);
	r = ocsp_conclude(rc, &said, NULL, NULL, out);
out:
	X509_NAME_free(sf.name);
	sk_X509_pop_free(rcerts, X509_free);
	return r;
}

/* The signature of a decoded response with signer, as OCSP_basic_verify
 * checks it with the flags below (one holds signer alone, found by the
 * responder id already, so it is found again; OCSP_NOVERIFY: the signature
 * only). memo (may be NULL) as in ocsp_sig_raw, keyed on the digest of the
 * re-encoded tbsResponseData OpenSSL verifies, for an algorithm of
 * sig_oids and a signature without unused bits (else ASN1_item_verify
 * refuses it, which is then left to it). 1 verifies, 0 not, -1 no memory. */
static int ocsp_sig_decoded(v_sigmemo *memo, OCSP_BASICRESP *bs, X509 *signer,
			    STACK_OF(X509) *one)
{
	const X509_ALGOR *alg = OCSP_resp_get0_tbs_sigalg(bs);
	const ASN1_OCTET_STRING *sig = OCSP_resp_get0_signature(bs);
	const OCSP_RESPDATA *rd = OCSP_resp_get0_respdata(bs);
	const unsigned char *oid = alg != NULL ? OBJ_get0_data(alg->algorithm) : NULL;
	size_t oidlen = alg != NULL ? OBJ_length(alg->algorithm) : 0;
	unsigned char *der = NULL, dg[EVP_MAX_MD_SIZE], key[V_SIGMEMO_KEY_LEN];
	unsigned dglen = 0;
	int nid, mdnid = NID_undef, pknid = NID_undef, n, keyed = 0, r = 0;
	X509_STORE *st = NULL;
	const EVP_MD *md;

	if (memo != NULL && oid != NULL && sig != NULL && rd != NULL && (sig->flags & 0x7) == 0 &&
	    (nid = sig_nid(oid, oidlen)) != NID_undef && OBJ_find_sigid_algs(nid, &mdnid, &pknid) &&
	    (md = vn_md_by_nid(mdnid)) != NULL && (n = i2d_OCSP_RESPDATA(rd, &der)) > 0 &&
	    EVP_Digest(der, (size_t)n, dg, &dglen, md, NULL) == 1 &&
	    memo_key(signer, oid, oidlen, dg, dglen, sig->data, (size_t)sig->length, key) == 0) {
		keyed = 1;
		if (v_sigmemo_has(memo, key)) {
			r = 1;
			goto out;
		}
	}
	/* The store is only OpenSSL's argument: with OCSP_NOVERIFY it builds
	 * no chain, so an empty one made when needed is enough. */
	if (ocsp_sig_fast(bs, signer) == VN_P256_VALID) {
		r = 1;
	} else if ((st = X509_STORE_new()) == NULL) {
		r = -1;
		goto out;
	} else {
		r = OCSP_basic_verify(bs, one, st,
				      OCSP_NOINTERN | OCSP_NOVERIFY | OCSP_NOCHAIN) > 0;
	}
	if (r == 1 && keyed)
		v_sigmemo_add(memo, key);
out:
	OPENSSL_free(der);
	X509_STORE_free(st);
	return r;
}

/* Evaluate one DER OCSPResponse for rc->cert. req: the request sent (its
 * nonce is checked), NULL for an embedded response. 1 when it answers
 * good or revoked, trustworthy and fresh (out filled), else 0 with a reason
 * added unless the response plainly concerns another certificate. */
static int ocsp_eval(rev_ctx *rc, const unsigned char *der, size_t n, OCSP_REQUEST *req,
		     v_rev_result *out)
{
	const unsigned char *p = der;
	OCSP_RESPONSE *resp = NULL;
	OCSP_BASICRESP *bs = NULL;
	OCSP_CERTID *id = NULL;
	STACK_OF(X509) *extra = NULL, *one = NULL, *rcerts = NULL;
	X509 *signer = NULL;
	ASN1_GENERALIZEDTIME *rev = NULL, *tu = NULL, *nu = NULL;
	int status = -1, reason = -1, i, cnt, found = 0, ok = 0;
	ocsp_said said;

	if (n == 0 || n > V_REV_OCSP_MAX) {
		why_add(rc, "unreadable OCSP response");
		goto out;
	}
	/* An embedded response in the usual strict DER shape: read in place
	 * (v_der_ocsp_read); anything else, and any doubt, the way below. */
	if (req == NULL && (i = ocsp_eval_fast(rc, der, n, out)) != FAST_FALLBACK)
		return i;
	/* The response's certificates from the certificate cache and the
	 * BasicOCSPResponse decoded without them (v_dersplit.h); any other
	 * shape, or a rest OpenSSL refuses, is decoded whole as received. */
	bs = v_der_ocsp_decode(der, n, V_REV_OCSP_MAX, &rcerts);
	if (bs == NULL) {
		if ((resp = d2i_OCSP_RESPONSE(NULL, &p, (long)n)) == NULL) {
			why_add(rc, "unreadable OCSP response");
			goto out;
		}
		if ((i = OCSP_response_status(resp)) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
			why_add(rc, "OCSP responder answered %s", OCSP_response_status_str(i));
			goto out;
		}
		if ((bs = OCSP_response_get1_basic(resp)) == NULL) {
			why_add(rc, "unreadable OCSP response");
			goto out;
		}
	}
	/* A CertID in each digest the response uses (SHA-1, SHA-256 ...). */
	cnt = OCSP_resp_count(bs);
	for (i = 0; i < cnt && i < V_REV_MAX_SINGLES && !found; i++) {
		const OCSP_CERTID *cid = OCSP_SINGLERESP_get0_id(OCSP_resp_get0(bs, i));
		ASN1_OBJECT *mdoid = NULL;
		const EVP_MD *md;

		if (cid == NULL || OCSP_id_get0_info(NULL, &mdoid, NULL, NULL, (OCSP_CERTID *)cid) != 1)
			continue;
		md = vn_md_by_nid(OBJ_obj2nid(mdoid));
		if (md == NULL)
			continue;
		OCSP_CERTID_free(id);
		id = OCSP_cert_to_id(md, rc->cert, rc->issuer);
		if (id != NULL && OCSP_resp_find_status(bs, id, &status, &reason, &rev, &tu, &nu) == 1)
			found = 1;
	}
	if (!found) {
		if (req != NULL)
			why_add(rc, "the OCSP response does not answer for the certificate");
		goto out;
	}
	extra = sk_X509_new_null();
	one = sk_X509_new_null();
	if (extra == NULL || one == NULL)
		goto out;
	/* OCSP_resp_get0_signer looks in the response's own certificates
	 * first, then in extra: taken out of the response, they come first
	 * here, in their order, for the same answer. */
	for (i = 0; rcerts != NULL && i < sk_X509_num(rcerts); i++)
		if (sk_X509_push(extra, sk_X509_value(rcerts, i)) <= 0)
			goto out;
	if (sk_X509_push(extra, rc->issuer) <= 0)
		goto out;
	/* The responder's certificate may travel in the signature's own
	 * certificate values (XAdES CertificateValues, CMS certificates)
	 * rather than in the response: look there too. Who it is, and
	 * whether it may answer, is still decided below. */
	if (rc->embedded != NULL && rc->embedded->certs != NULL) {
		int k;
		for (k = 0; k < sk_X509_num(rc->embedded->certs); k++)
			if (sk_X509_push(extra, sk_X509_value(rc->embedded->certs, k)) <= 0)
				goto out;
	}
	if (OCSP_resp_get0_signer(bs, &signer, extra) != 1 || signer == NULL) {
		why_add(rc, "response not trusted: OCSP response signer not found");
		goto out;
	}
	/* The signature alone, with exactly that signer; who it is is decided
	 * below, not by OpenSSL's chain rules. */
	if (sk_X509_push(one, signer) <= 0)
		goto out;
	/* An online response carries our nonce: never seen again, so not
	 * worth a memo slot. */
	if ((i = ocsp_sig_decoded(req == NULL ? rc->ctx->sigmemo : NULL, bs, signer, one)) != 1) {
		if (i == 0)
			why_add(rc, "response not trusted: OCSP signature does not verify");
		goto out;
	}
	said.signer = signer;
	said.status = status;
	said.reason = reason;
	said.rev = v_asn1_time(rev);
	said.tu = v_asn1_time(tu);
	said.nu = v_asn1_time(nu);
	said.produced = v_asn1_time(OCSP_resp_get0_produced_at(bs));
	if (!ocsp_conclude(rc, &said, req, bs, out))
		goto out;
	ok = 1;
out:
	sk_X509_free(extra);
	sk_X509_free(one);
	sk_X509_pop_free(rcerts, X509_free);
	OCSP_CERTID_free(id);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
	return ok;
}

/* A CRL that only covers part of the population cannot say "good". */
static const char *crl_scope(X509_CRL *crl, X509 *cert)
{
	ISSUING_DIST_POINT *idp;
	const char *bad = NULL;
	int crit = 0;

	if (X509_CRL_get_ext_by_NID(crl, NID_delta_crl, -1) >= 0)
		return "a delta CRL alone is not used";
	idp = X509_CRL_get_ext_d2i(crl, NID_issuing_distribution_point, &crit, NULL);
	if (idp == NULL)
		return crit == -1 ? NULL : "unreadable issuingDistributionPoint";
	if (idp->onlysomereasons != NULL || idp->indirectCRL || idp->onlyattr)
		bad = "a partial-scope or indirect CRL is not used";
	else if (idp->onlyuser && X509_check_ca(cert) > 0)
		bad = "CRL for end-entity certificates only";
	else if (idp->onlyCA && X509_check_ca(cert) == 0)
		bad = "CRL for CA certificates only";
	ISSUING_DIST_POINT_free(idp);
	return bad;
}

/* Evaluate one DER CRL for cert (rc->cert, or a delegated responder) issued
 * by rc->issuer. quiet: add no reason. 1 when it gives a fresh answer. */
static int crl_eval(rev_ctx *rc, const unsigned char *der, size_t n, X509 *cert, int quiet,
		    v_rev_result *out)
{
	const unsigned char *p = der;
	X509_CRL *crl = NULL;
	X509_REVOKED *r = NULL;
	EVP_PKEY *ik = X509_get0_pubkey(rc->issuer);
	ASN1_ENUMERATED *reason = NULL;
	vn_time tu, nu, na;
	const char *why;
	int rv, ok = 0;

	if (n == 0 || n > V_REV_CRL_MAX || (crl = d2i_X509_CRL(NULL, &p, (long)n)) == NULL) {
		if (!quiet)
			why_add(rc, "unreadable CRL");
		goto out;
	}
	if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(rc->issuer)) != 0)
		goto out;	/* another CA's CRL: not a failure of this one */
	if ((X509_get_extension_flags(rc->issuer) & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(rc->issuer) & KU_CRL_SIGN)) {
		if (!quiet)
			why_add(rc, "CRL issuer lacks the cRLSign key usage");
		goto out;
	}
	if (ik == NULL || X509_CRL_verify(crl, ik) != 1) {
		if (!quiet)
			why_add(rc, "CRL not trusted: its signature does not verify with the issuer's key");
		goto out;
	}
	if ((why = crl_scope(crl, cert)) != NULL) {
		if (!quiet)
			why_add(rc, "%s", why);
		goto out;
	}
	tu = v_asn1_time(X509_CRL_get0_lastUpdate(crl));
	nu = v_asn1_time(X509_CRL_get0_nextUpdate(crl));
	rv = X509_CRL_get0_by_cert(crl, &r, cert);
	if ((why = stale(rc->ctx->policy, rc->t, rc->now, tu, nu, rv == 1)) != NULL) {
		if (!quiet)
			why_add(rc, "CRL not fresh: %s", why);
		goto out;
	}
	/* RFC 5280 3.3: an expired certificate may leave the CRL, so its
	 * absence from a CRL issued after the expiry proves nothing. */
	na = v_asn1_time(X509_get0_notAfter(cert));
	if (rv != 1 && na != VN_TIME_NONE && na < tu) {
		if (!quiet)
			why_add(rc, "CRL issued after the certificate expired");
		goto out;
	}
	out->status = rv == 1 ? V_REV_REVOKED : V_REV_GOOD;
	if (rv == 1) {
		out->revocation_time = v_asn1_time(X509_REVOKED_get0_revocationDate(r));
		reason = X509_REVOKED_get_ext_d2i(r, NID_crl_reason, NULL, NULL);
		out->reason = reason != NULL ? (int)ASN1_ENUMERATED_get(reason) : -1;
	}
	out->this_update = tu;
	out->next_update = nu;
	if (X509_NAME_oneline(X509_CRL_get_issuer(crl), out->responder, sizeof out->responder) == NULL)
		out->responder[0] = '\0';
	ok = 1;
out:
	ASN1_ENUMERATED_free(reason);
	X509_CRL_free(crl);
	return ok;
}

/* ------------------------------------------------------------ transport */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

typedef struct sink {
	unsigned char *p;
	size_t n, max;
	int over;
} sink;

static size_t sink_write(char *ptr, size_t sz, size_t nm, void *ud)
{
	sink *s = ud;
	size_t add = sz * nm;
	unsigned char *np;

	if (add > s->max - s->n) {
		s->over = 1;
		return 0;
	}
	np = realloc(s->p, s->n + add + 1);
	if (np == NULL)
		return 0;
	s->p = np;
	memcpy(s->p + s->n, ptr, add);
	s->n += add;
	return add;
}

/* GET (body NULL) or POST an OCSP request to url; 200 with a body within
 * max, else 0 with a reason added. No redirects. */
static int http_do(rev_ctx *rc, const char *url, int allow_https, const unsigned char *body,
		   size_t bodyn, size_t max, sink *out)
{
	CURL *h = NULL;
	struct curl_slist *hdr = NULL;
	long timeout = rc->ctx->policy != NULL && rc->ctx->policy->revocation_timeout_ms > 0
			       ? rc->ctx->policy->revocation_timeout_ms
			       : 5000;
	long code = 0;
	CURLcode cc;
	int ok = 0;

	memset(out, 0, sizeof *out);
	out->max = max;
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK || (h = curl_easy_init()) == NULL) {
		why_add(rc, "responder unreachable: libcurl unavailable");
		return 0;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, allow_https ? "http,https" : "http");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
	if (rc->ctx->ocsp_ca_file != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, rc->ctx->ocsp_ca_file);
	if (body != NULL) {
		hdr = curl_slist_append(NULL, "Content-Type: application/ocsp-request");
		if (hdr == NULL)
			goto out;
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)bodyn);
	}
	cc = curl_easy_perform(h);
	if (cc != CURLE_OK) {
		why_add(rc, "%s (%s): %s", out->over || cc == CURLE_FILESIZE_EXCEEDED
						   ? "response too large"
						   : "responder unreachable",
			url, curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200) {
		why_add(rc, "responder unreachable (%s): HTTP status %ld", url, code);
		goto out;
	}
	ok = 1;
out:
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	if (!ok) {
		free(out->p);
		out->p = NULL;
		out->n = 0;
	}
	return ok;
}

static int url_ok(const char *u, int allow_https)
{
	if (u == NULL || strlen(u) > V_REV_MAX_URL_LEN)
		return 0;
	return strncmp(u, "http://", 7) == 0 || (allow_https && strncmp(u, "https://", 8) == 0);
}

static int online_ocsp(rev_ctx *rc, v_rev_result *out)
{
	STACK_OF(OPENSSL_STRING) *urls = X509_get1_ocsp(rc->cert);
	int i, tried = 0, ok = 0;

	for (i = 0; i < sk_OPENSSL_STRING_num(urls) && tried < V_REV_MAX_URLS && !ok; i++) {
		const char *url = sk_OPENSSL_STRING_value(urls, i);
		OCSP_REQUEST *req = OCSP_REQUEST_new();
		OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), rc->cert, rc->issuer);
		unsigned char *der = NULL;
		int n = -1;
		sink s;

		if (!url_ok(url, 1)) {
			why_add(rc, "OCSP URL not http(s)");
			OCSP_REQUEST_free(req);
			OCSP_CERTID_free(id);
			continue;
		}
		tried++;
		/* SHA-1 CertID: what every responder understands (RFC 5019 2.1.1). */
		if (req == NULL || id == NULL || OCSP_request_add0_id(req, id) == NULL) {
			OCSP_CERTID_free(id);
			OCSP_REQUEST_free(req);
			continue;
		}
		if (OCSP_request_add1_nonce(req, NULL, -1) == 1)
			n = i2d_OCSP_REQUEST(req, &der);
		if (n > 0 && http_do(rc, url, 1, der, (size_t)n, V_REV_OCSP_MAX, &s)) {
			ok = ocsp_eval(rc, s.p, s.n, req, out);
			free(s.p);
		}
		OPENSSL_free(der);
		OCSP_REQUEST_free(req);
	}
	X509_email_free(urls);
	return ok;
}

static int online_crl(rev_ctx *rc, v_rev_result *out)
{
	STACK_OF(DIST_POINT) *dps = X509_get_ext_d2i(rc->cert, NID_crl_distribution_points, NULL, NULL);
	int i, j, tried = 0, ok = 0;

	for (i = 0; i < sk_DIST_POINT_num(dps) && tried < V_REV_MAX_URLS && !ok; i++) {
		DIST_POINT *dp = sk_DIST_POINT_value(dps, i);

		if (dp->distpoint == NULL || dp->distpoint->type != 0)
			continue;
		for (j = 0; j < sk_GENERAL_NAME_num(dp->distpoint->name.fullname) && tried < V_REV_MAX_URLS &&
			    !ok;
		     j++) {
			GENERAL_NAME *g = sk_GENERAL_NAME_value(dp->distpoint->name.fullname, j);
			char url[V_REV_MAX_URL_LEN + 1];
			int len;
			sink s;

			if (g->type != GEN_URI)
				continue;
			len = ASN1_STRING_length(g->d.uniformResourceIdentifier);
			if (len <= 0 || len > V_REV_MAX_URL_LEN)
				continue;
			memcpy(url, ASN1_STRING_get0_data(g->d.uniformResourceIdentifier), (size_t)len);
			url[len] = '\0';
			if (strlen(url) != (size_t)len || !url_ok(url, 0))
				continue;	/* CRLs over http only: ldap and others are not fetched */
			tried++;
			if (http_do(rc, url, 0, NULL, 0, V_REV_CRL_MAX, &s)) {
				ok = crl_eval(rc, s.p, s.n, rc->cert, 0, out);
				free(s.p);
			}
		}
	}
	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
	return ok;
}

vn_err v_rev_check(const v_ctx *ctx, X509 *cert, X509 *issuer, vn_time t,
		   const v_sigobj *embedded, v_rev_result *out)
{
	rev_ctx rc;
	unsigned char key[32];
	int have_key, online;
	size_t i;

	result_reset(out);
	if (t == VN_TIME_NONE)
		return VN_ERR_ARG;
	memset(&rc, 0, sizeof rc);
	rc.ctx = ctx;
	rc.cert = cert;
	rc.issuer = issuer;
	rc.embedded = embedded;
	rc.t = t;
	rc.now = vn_time_now();
	have_key = ctx->revcache != NULL && cache_key(cert, issuer, key);
	online = ctx->policy != NULL && ctx->policy->online_revocation;

	/* 1. What the signature carries. */
	for (i = 0; embedded != NULL && i < embedded->nocsps && i < V_MAX_REVOCATION; i++)
		if (ocsp_eval(&rc, embedded->ocsps[i].p, embedded->ocsps[i].n, NULL, out)) {
			out->source = V_REVSRC_EMBEDDED_OCSP;
			goto answered;
		}
	for (i = 0; embedded != NULL && i < embedded->ncrls && i < V_MAX_REVOCATION; i++)
		if (crl_eval(&rc, embedded->crls[i].p, embedded->crls[i].n, cert, 0, out)) {
			out->source = V_REVSRC_EMBEDDED_CRL;
			goto answered;
		}
	/* 2. The cache, while before nextUpdate and fresh for t. */
	if (have_key && cache_get(ctx->revcache, key, rc.now, out)) {
		if (stale(ctx->policy, t, rc.now, out->this_update, out->next_update,
			  out->status == V_REV_REVOKED) == NULL) {
			out->source = V_REVSRC_CACHE;
			return VN_OK;
		}
		result_reset(out);
	}
	/* 3. The network, when the policy allows it. */
	if (online && online_ocsp(&rc, out)) {
		out->source = V_REVSRC_ONLINE_OCSP;
		goto answered;
	}
	if (online && online_crl(&rc, out)) {
		out->source = V_REVSRC_ONLINE_CRL;
		goto answered;
	}
	result_reset(out);
	if (rc.why[0] == '\0')
		why_add(&rc, "no revocation source");
	snprintf(out->why, sizeof out->why, "%s", rc.why);
	return VN_OK;
answered:
	if (have_key)
		cache_put(ctx->revcache, key, out);
	return VN_OK;
}
