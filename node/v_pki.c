/* valnode: certification path building and validation (EN 319 102-1 5.2.6
 * X.509 certificate validation).
 *
 * How a path is found:
 *   1. Candidates: the certificates the signature carries, the bare anchors,
 *      and, for an issuer neither provides, the certificates of list services
 *      whose subject is that issuer's name and whose key verifies the child
 *      (a list often carries the issuing CA that a signature omits). The
 *      candidates are capped (V_PKI_MAX_CANDIDATES); AIA is never fetched.
 *   2. A tentative chain from the signer upwards by name and signature.
 *   3. The trust anchor: walking from the signer's issuer upwards, the first
 *      certificate a CA service of the snapshot vouches for by certificate or
 *      key (TS 119 615 / STANDARDS 2.4: the issuing CA or a certificate higher
 *      in the chain; an SKI alone never anchors, since anyone can put a
 *      listed SKI in a certificate of their own). Then the signer itself,
 *      listed under a service of any type (a TSA or OCSP responder is often
 *      listed directly). Then, failing a list, a bare anchor (equal DER).
 *      A list anchor need not be self-signed: OpenSSL runs with
 *      X509_V_FLAG_PARTIAL_CHAIN and the anchor alone in the trusted store.
 *   4. X509_verify_cert at the control time, no CRL flags (revocation is
 *      node/v_rev.c's), depth capped by the policy.
 *
 * Mapping of failures to EN 319 102-1 sub-indications:
 *   no issuer / no anchor                        V_PATH_NO_CHAIN
 *   a bad certificate signature, an issuer that
 *   is not a CA, a basicConstraints pathLen or
 *   name constraint broken, an unknown critical
 *   extension: constraints the certificates
 *   themselves carry, i.e. a broken chain        V_PATH_GENERAL_FAILURE
 *   what the validation policy imposes: the
 *   signer's nonRepudiation key usage, the
 *   policy's cap on the path length               V_PATH_CONSTRAINTS
 *   key sizes under the policy, MD5/SHA-1
 *   certificate signatures (TS 119 312)           V_PATH_CRYPTO
 *   outside validity at the control time         V_PATH_EXPIRED / _NOT_YET_VALID
 * A time failure is reported only when the chain is otherwise sound, and
 * last: the caller may cure it with a proof of existence (5.6.2.4 PCV),
 * whereas the others stand whatever the time.
 *
 * X509_V_FLAG_X509_STRICT is not set: it refuses certificates in use in
 * the field (a CA certificate without SKI, an end-entity without AKID)
 * whose defects do not weaken the path.
 */
#include "common/vn_certcache.h"
#include "node/v_pki.h"

#include "policies/pol.h"
#include "node/v_pki_int.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#define V_PKI_MAX_CANDIDATES 64	/* carried + anchors + list certificates */
#define V_PKI_MAX_MATCHES 16
#define V_PKI_MAX_CHAIN 32	/* whatever the policy says */

vn_time v_asn1_time(const ASN1_TIME *t)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return VN_TIME_NONE;
	return vn_days_from_civil((int64_t)tm.tm_year + 1900, (unsigned)(tm.tm_mon + 1),
				  (unsigned)tm.tm_mday) * 86400 +
	       (int64_t)tm.tm_hour * 3600 + (int64_t)tm.tm_min * 60 + tm.tm_sec;
}

int v_svc_type_is_ca(const char *type)
{
	return type != NULL && (strstr(type, "/CA/") != NULL || strstr(type, "NationalRootCA") != NULL);
}

int v_svc_type_is_ocsp(const char *type)
{
	return type != NULL && strstr(type, "/Certstatus/OCSP") != NULL;
}

const char *v_match_type(const tl_snap_match *m)
{
	if (m->entry != NULL)
		return m->entry->type;
	if (m->svc != NULL && m->svc->service->n > 0)
		return m->svc->service->entries[0].type;
	return NULL;
}

static void subject_of(X509 *x, char *buf, int n)
{
	if (X509_NAME_oneline(X509_get_subject_name(x), buf, n) == NULL)
		snprintf(buf, (size_t)n, "?");
}

/* Add x to the candidate pool (a new reference), unless present or full. */
static vn_err pool_add(STACK_OF(X509) *pool, X509 *x)
{
	int i;

	for (i = 0; i < sk_X509_num(pool); i++)
		if (X509_cmp(sk_X509_value(pool, i), x) == 0)
			return VN_OK;
	if (sk_X509_num(pool) >= V_PKI_MAX_CANDIDATES)
		return VN_OK;	/* capped: extra candidates are ignored */
	if (!X509_up_ref(x))
		return VN_ERR_CRYPTO;
	if (sk_X509_push(pool, x) <= 0) {
		X509_free(x);
		return VN_ERR_NOMEM;
	}
	return VN_OK;
}

static int valid_at(X509 *x, vn_time t)
{
	vn_time nb = v_asn1_time(X509_get0_notBefore(x)), na = v_asn1_time(X509_get0_notAfter(x));

	return nb != VN_TIME_NONE && na != VN_TIME_NONE && nb <= t && t <= na;
}

/* The pool's issuer of cur: name and AKID match (X509_check_issued) and the
 * key verifies cur's signature; one valid at t preferred. When only one
 * certificate is named as the issuer there is nothing to choose between:
 * its signature is not checked here, since X509_verify_cert checks every
 * signature of the chain anyway (a bad one is a broken chain then). */
static X509 *find_issuer(STACK_OF(X509) *pool, X509 *cur, vn_time t)
{
	X509 *best = NULL, *named = NULL, *only = NULL;
	int i, count = 0;

	for (i = 0; i < sk_X509_num(pool); i++) {
		X509 *c = sk_X509_value(pool, i);

		if (X509_cmp(c, cur) == 0 || X509_get0_pubkey(c) == NULL)
			continue;
		if (X509_check_issued(c, cur) != X509_V_OK)
			continue;
		count++;
		only = c;
	}
	if (count <= 1)
		return only;
	for (i = 0; i < sk_X509_num(pool); i++) {
		X509 *c = sk_X509_value(pool, i);
		EVP_PKEY *k = X509_get0_pubkey(c);

		if (X509_cmp(c, cur) == 0 || k == NULL)
			continue;
		if (X509_check_issued(c, cur) != X509_V_OK)
			continue;
		if (X509_verify(cur, k) != 1) {
			/* named as the issuer but its key does not verify: kept as a
			 * last resort so that validation reports a broken chain
			 * (CERTIFICATE_CHAIN_GENERAL_FAILURE), not a missing one */
			if (named == NULL)
				named = c;
			continue;
		}
		if (valid_at(c, t))
			return c;
		if (best == NULL)
			best = c;
	}
	return best != NULL ? best : named;
}

/* The pool's element equal to x, or NULL. */
static X509 *pool_get(STACK_OF(X509) *pool, X509 *x)
{
	int i;

	for (i = 0; i < sk_X509_num(pool); i++)
		if (X509_cmp(sk_X509_value(pool, i), x) == 0)
			return sk_X509_value(pool, i);
	return NULL;
}

/* Put into the pool the list certificates named as cur's issuer whose key
 * verifies cur (TS 119 615: a CA the list carries), and set *issuer to the
 * one find_issuer would now pick (called when find_issuer found none in the
 * pool: only the certificates added here can qualify). Their signature over
 * cur has just been verified, so it is not verified a second time. */
static vn_err pool_add_listed_issuers(const tl_snapshot *snap, STACK_OF(X509) *pool, X509 *cur,
				      vn_time t, X509 **issuer)
{
	tl_snap_match m[V_PKI_MAX_MATCHES];
	const X509_NAME *iss = X509_get_issuer_name(cur);
	size_t n = tl_snapshot_find_by_subject(snap, iss, m, V_PKI_MAX_MATCHES), i, j, k;
	size_t decoded = 0;
	X509 *named = NULL;	/* a listed certificate of that name whose key does not verify */
	int verified = 0, best_valid = 0;
	vn_err e = VN_OK;

	if (n > V_PKI_MAX_MATCHES)
		n = V_PKI_MAX_MATCHES;
	for (i = 0; i < n && e == VN_OK; i++) {
		const tl_service *svc = m[i].svc->service;
		for (j = 0; j < svc->n && e == VN_OK; j++) {
			const tl_sdi *sdi = &svc->entries[j].sdi;
			for (k = 0; k < sdi->ncerts && e == VN_OK; k++) {
				const unsigned char *p = sdi->certs[k].p;
				X509 *x;

				if (++decoded > V_PKI_MAX_CANDIDATES)
					goto done;
				x = vn_cert_decode(p, sdi->certs[k].n);
				if (x == NULL)
					continue;
				if (X509_NAME_cmp(X509_get_subject_name(x), iss) == 0 &&
				    X509_get0_pubkey(x) != NULL) {
					X509 *in;

					if (X509_verify(cur, X509_get0_pubkey(x)) != 1) {
						if (named == NULL) {
							named = x;
							continue;
						}
						X509_free(x);
						continue;
					}
					verified = 1;
					e = pool_add(pool, x);
					/* find_issuer's choice: not cur, X509_check_issued,
					 * the first valid at t, else the first. */
					in = e == VN_OK ? pool_get(pool, x) : NULL;
					if (in != NULL && X509_cmp(in, cur) != 0 &&
					    X509_check_issued(in, cur) == X509_V_OK && !best_valid &&
					    (*issuer == NULL || valid_at(in, t))) {
						*issuer = in;
						best_valid = valid_at(in, t);
					}
				}
				X509_free(x);
			}
		}
	}
done:
	/* Only the issuer's name matches: offered all the same, so the chain is
	 * reported broken (a forged or damaged certificate signature) rather
	 * than missing, as DSS does. */
	if (e == VN_OK && !verified && named != NULL) {
		e = pool_add(pool, named);
		if (e == VN_OK && *issuer == NULL && X509_check_issued(named, cur) == X509_V_OK)
			*issuer = pool_get(pool, named);
	}
	X509_free(named);
	return e;
}

/* The best service vouching for x by certificate or key: a CA service
 * unless any_type; one with an interval in force at t first, then an exact
 * certificate over a key. */
static int pick_match(const tl_snapshot *snap, X509 *x, vn_time t, int any_type, tl_snap_match *out)
{
	tl_snap_match m[V_PKI_MAX_MATCHES];
	size_t n = tl_snapshot_find(snap, x, t, m, V_PKI_MAX_MATCHES), i;
	int best = -1, best_score = -1;

	if (n > V_PKI_MAX_MATCHES)
		n = V_PKI_MAX_MATCHES;
	for (i = 0; i < n; i++) {
		int score;

		if (m[i].kind != TL_MATCH_CERT && m[i].kind != TL_MATCH_KEY)
			continue;
		if (!any_type && !v_svc_type_is_ca(v_match_type(&m[i])))
			continue;
		score = (m[i].entry != NULL ? 2 : 0) + (m[i].kind == TL_MATCH_CERT ? 1 : 0);
		if (score > best_score) {
			best_score = score;
			best = (int)i;
		}
	}
	if (best < 0)
		return 0;
	*out = m[best];
	return 1;
}

static int is_bare_anchor(const v_trust *tr, X509 *x)
{
	int i;

	if (tr == NULL || tr->anchors == NULL)
		return 0;
	for (i = 0; i < sk_X509_num(tr->anchors); i++)
		if (X509_cmp(sk_X509_value(tr->anchors, i), x) == 0)
			return 1;
	return 0;
}

typedef struct time_err {
	int err;	/* the first X509_V_ERR_CERT_HAS_EXPIRED / _NOT_YET_VALID */
	int depth;
} time_err;

/* Let OpenSSL go on past a validity-period failure, remembering it, so that
 * a structural failure elsewhere is still found and takes precedence. */
static int verify_cb(int ok, X509_STORE_CTX *xc)
{
	int err = X509_STORE_CTX_get_error(xc);
	time_err *te = X509_STORE_CTX_get_app_data(xc);

	if (!ok && te != NULL &&
	    (err == X509_V_ERR_CERT_HAS_EXPIRED || err == X509_V_ERR_CERT_NOT_YET_VALID)) {
		if (te->err == 0) {
			te->err = err;
			te->depth = X509_STORE_CTX_get_error_depth(xc);
		}
		return 1;
	}
	return ok;
}

static v_path_status map_verify_err(int err)
{
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return V_PATH_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return V_PATH_NOT_YET_VALID;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_CERT_UNTRUSTED:
	case X509_V_ERR_CERT_REJECTED:
		return V_PATH_NO_CHAIN;
	case X509_V_ERR_CERT_CHAIN_TOO_LONG:
		return V_PATH_CONSTRAINTS;	/* the policy's cap */
	case X509_V_ERR_EE_KEY_TOO_SMALL:
	case X509_V_ERR_CA_KEY_TOO_SMALL:
	case X509_V_ERR_CA_MD_TOO_WEAK:
		return V_PATH_CRYPTO;
	default:
		return V_PATH_GENERAL_FAILURE;
	}
}

/* TS 119 312 / policy: the key of every certificate, and the digest of
 * every certificate signature below the anchor (the anchor's own signature
 * is not relied upon). */
static int weak_cert(const v_policy *p, X509 *x, int check_sig, char *why, size_t n)
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	char subj[128];
	int bits, id, mdnid = NID_undef;

	subject_of(x, subj, sizeof subj);
	if (k == NULL) {
		snprintf(why, n, "unreadable public key in %s", subj);
		return 1;
	}
	bits = EVP_PKEY_get_bits(k);
	id = EVP_PKEY_get_base_id(k);
	if ((id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS || id == EVP_PKEY_DSA) && p != NULL &&
	    bits < p->min_rsa_bits) {
		snprintf(why, n, "%d-bit RSA/DSA key below the policy's %d in %s", bits, p->min_rsa_bits,
			 subj);
		return 1;
	}
	if (id == EVP_PKEY_EC && p != NULL && bits < p->min_ec_bits) {
		snprintf(why, n, "%d-bit EC key below the policy's %d in %s", bits, p->min_ec_bits, subj);
		return 1;
	}
	if (check_sig) {
		vn_time exp = VN_TIME_NONE;

		if (X509_get_signature_info(x, &mdnid, NULL, NULL, NULL) != 1)
			mdnid = NID_undef;
		if (p != NULL && p->pol != NULL) {
			/* A jurisdiction policy's suite decides (TS 119 312 style): a
			 * digest it does not list, or one that expired before now,
			 * is refused. Certificates carry no proof of existence of
			 * their own, so the date is today's (an expiry years past
			 * does not move). */
			const char *dn = mdnid != NID_undef ? OBJ_nid2sn(mdnid) : "unknown";
			pol_crypto_verdict cv = pol_digest_expiry(p->pol, dn, &exp);
			if (cv == POL_CRYPTO_UNKNOWN ||
			    (cv == POL_CRYPTO_EXPIRED && exp <= vn_time_now())) {
				snprintf(why, n, "certificate signed with %s, %s by policy %s: %s", dn,
					 cv == POL_CRYPTO_UNKNOWN ? "not accepted" : "expired", p->id, subj);
				return 1;
			}
		} else if (mdnid == NID_md2 || mdnid == NID_md4 || mdnid == NID_md5 ||
			   mdnid == NID_sha1 || mdnid == NID_mdc2) {
			snprintf(why, n, "certificate signed with %s: %s", OBJ_nid2sn(mdnid), subj);
			return 1;
		}
	}
	return 0;
}

void v_path_free(v_path *p)
{
	if (p == NULL)
		return;
	sk_X509_pop_free(p->chain, X509_free);
	p->chain = NULL;
	p->anchor = NULL;
}

/* ---- a memo of validated paths ---------------------------------------
 * A path that validated (V_PATH_OK) stays valid for the same signer, the
 * same snapshot (snapshots are immutable; its id is never reused), the same
 * policy parameters, at any control time inside every chain certificate's
 * validity: the signatures, constraints and key sizes checked do not depend
 * on the time. Only paths anchored by a list are kept (bare anchors can
 * change under a node). The anchor's service match is looked up again at
 * each call, since the interval in force depends on the time. */
#define PATH_MEMO_SLOTS 256

typedef struct path_memo {
	X509 *signer;		/* NULL when the slot is empty */
	uint64_t snap_id;
	int for_signature, min_rsa, min_ec;
	char pol_digest[65];	/* the jurisdiction policy (its suite judges
				 * certificate digests); "" for the built-in */
	size_t maxc;
	STACK_OF(X509) *chain;
	int anchor_idx;
	vn_time lo, hi, expiry;
} path_memo;

static path_memo memo[PATH_MEMO_SLOTS];
static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;

static size_t memo_slot(X509 *signer, uint64_t snap_id)
{
	const ASN1_BIT_STRING *sig = NULL;
	size_t h = (size_t)snap_id * 31u, i;

	X509_get0_signature(&sig, NULL, signer);
	for (i = 0; sig != NULL && i < (size_t)ASN1_STRING_length(sig) && i < 16; i++)
		h = h * 131u + ASN1_STRING_get0_data(sig)[i];
	return h % PATH_MEMO_SLOTS;
}

static const char *policy_digest(const v_ctx *ctx)
{
	return ctx->policy != NULL && ctx->policy->pol != NULL ? ctx->policy->pol->digest : "";
}

static int memo_params_match(const path_memo *m, const v_ctx *ctx, uint64_t snap_id,
			     int for_signature, size_t maxc)
{
	return m->snap_id == snap_id && m->for_signature == for_signature && m->maxc == maxc &&
	       m->min_rsa == (ctx->policy ? ctx->policy->min_rsa_bits : 0) &&
	       m->min_ec == (ctx->policy ? ctx->policy->min_ec_bits : 0) &&
	       strcmp(m->pol_digest, policy_digest(ctx)) == 0;
}

/* 1 and *out filled when a memo answers. */
static int memo_get(const v_ctx *ctx, const tl_snapshot *snap, X509 *signer, vn_time t,
		    int for_signature, size_t maxc, v_path *out)
{
	uint64_t id = tl_snapshot_id(snap);
	path_memo *m = &memo[memo_slot(signer, id)];
	STACK_OF(X509) *chain = NULL;
	X509 *anchor;
	int idx = 0, hit = 0;
	vn_time expiry = VN_TIME_NONE;

	(void)pthread_mutex_lock(&memo_lock);
	if (m->signer != NULL && X509_cmp(m->signer, signer) == 0 &&
	    memo_params_match(m, ctx, id, for_signature, maxc) && m->lo <= t && t <= m->hi) {
		chain = X509_chain_up_ref(m->chain);
		idx = m->anchor_idx;
		expiry = m->expiry;
		hit = chain != NULL;
	}
	(void)pthread_mutex_unlock(&memo_lock);
	if (!hit)
		return 0;
	anchor = sk_X509_value(chain, idx);
	if (!pick_match(snap, anchor, t, idx == 0, &out->match)) {
		sk_X509_pop_free(chain, X509_free);
		return 0;
	}
	out->status = V_PATH_OK;
	out->chain = chain;
	out->anchor = anchor;
	out->by_list = 1;
	out->expiry = expiry;
	out->why[0] = '\0';
	return 1;
}

static void memo_put(const v_ctx *ctx, const tl_snapshot *snap, X509 *signer, int for_signature,
		     size_t maxc, const v_path *p)
{
	uint64_t id = tl_snapshot_id(snap);
	path_memo *m = &memo[memo_slot(signer, id)], old;
	STACK_OF(X509) *chain = X509_chain_up_ref(p->chain);
	vn_time lo = VN_TIME_NONE, hi = VN_TIME_NONE;
	int i, n = chain ? sk_X509_num(chain) : 0, idx = -1;

	if (chain == NULL || !X509_up_ref(signer)) {
		sk_X509_pop_free(chain, X509_free);
		return;
	}
	for (i = 0; i < n; i++) {
		X509 *x = sk_X509_value(chain, i);
		vn_time nb = v_asn1_time(X509_get0_notBefore(x)), na = v_asn1_time(X509_get0_notAfter(x));
		if (x == p->anchor)
			idx = i;
		if (nb == VN_TIME_NONE || na == VN_TIME_NONE)
			idx = -2;	/* unknown bounds: not memoised */
		if (lo == VN_TIME_NONE || nb > lo)
			lo = nb;
		if (hi == VN_TIME_NONE || na < hi)
			hi = na;
	}
	if (idx < 0) {
		sk_X509_pop_free(chain, X509_free);
		X509_free(signer);
		return;
	}
	(void)pthread_mutex_lock(&memo_lock);
	old = *m;
	m->signer = signer;
	m->snap_id = id;
	m->for_signature = for_signature;
	m->min_rsa = ctx->policy ? ctx->policy->min_rsa_bits : 0;
	m->min_ec = ctx->policy ? ctx->policy->min_ec_bits : 0;
	snprintf(m->pol_digest, sizeof m->pol_digest, "%s", policy_digest(ctx));
	m->maxc = maxc;
	m->chain = chain;
	m->anchor_idx = idx;
	m->lo = lo;
	m->hi = hi;
	m->expiry = p->expiry;
	(void)pthread_mutex_unlock(&memo_lock);
	X509_free(old.signer);
	sk_X509_pop_free(old.chain, X509_free);
}

vn_err v_path_build(const v_ctx *ctx, X509 *signer, STACK_OF(X509) *extra, vn_time t,
		    int for_signature, v_path *out)
{
	const v_trust *tr = ctx->trust;
	const tl_snapshot *snap = tr != NULL ? tr->snapshot : NULL;
	STACK_OF(X509) *pool = NULL, *tent = NULL, *chain = NULL;
	X509_STORE *st = NULL;
	X509_STORE_CTX *xc = NULL;
	X509 *cur, *anchor = NULL;
	tl_snap_match match;
	time_err te = {0, 0};
	size_t maxc = ctx->policy != NULL && ctx->policy->max_chain > 0 ? ctx->policy->max_chain : 8;
	char subj[128];
	int i, n, by_list = 0, rc;
	vn_err e = VN_OK;

	memset(out, 0, sizeof *out);
	memset(&match, 0, sizeof match);
	out->status = V_PATH_NO_CHAIN;
	out->expiry = VN_TIME_NONE;
	if (t == VN_TIME_NONE)
		return VN_ERR_ARG;
	if (maxc > V_PKI_MAX_CHAIN)
		maxc = V_PKI_MAX_CHAIN;
	if (maxc < 2)
		maxc = 2;
	if (snap != NULL && memo_get(ctx, snap, signer, t, for_signature, maxc, out))
		return VN_OK;
	pool = sk_X509_new_null();
	tent = sk_X509_new_null();
	if (pool == NULL || tent == NULL) {
		e = VN_ERR_NOMEM;
		goto out;
	}
	for (i = 0; extra != NULL && i < sk_X509_num(extra) && e == VN_OK; i++)
		if (X509_cmp(sk_X509_value(extra, i), signer) != 0)
			e = pool_add(pool, sk_X509_value(extra, i));
	for (i = 0; tr != NULL && tr->anchors != NULL && i < sk_X509_num(tr->anchors) && e == VN_OK; i++)
		e = pool_add(pool, sk_X509_value(tr->anchors, i));
	if (e != VN_OK)
		goto out;

	/* The tentative chain, signer first. */
	if (!X509_up_ref(signer) || sk_X509_push(tent, signer) <= 0) {
		X509_free(signer);
		e = VN_ERR_NOMEM;
		goto out;
	}
	cur = signer;
	while ((size_t)sk_X509_num(tent) < maxc && !X509_self_signed(cur, 0)) {
		X509 *iss = find_issuer(pool, cur, t);

		if (iss == NULL && snap != NULL &&
		    (e = pool_add_listed_issuers(snap, pool, cur, t, &iss)) != VN_OK)
			goto out;
		if (iss == NULL)
			break;
		for (i = 0; i < sk_X509_num(tent); i++)
			if (X509_cmp(sk_X509_value(tent, i), iss) == 0)
				break;
		if (i < sk_X509_num(tent))
			break;	/* a loop */
		if (!X509_up_ref(iss) || sk_X509_push(tent, iss) <= 0) {
			X509_free(iss);
			e = VN_ERR_NOMEM;
			goto out;
		}
		cur = iss;
	}
	n = sk_X509_num(tent);

	/* The trust anchor (see the top of this file). */
	if (snap != NULL) {
		for (i = 1; i < n && anchor == NULL; i++)
			if (pick_match(snap, sk_X509_value(tent, i), t, 0, &match))
				anchor = sk_X509_value(tent, i);
		if (anchor == NULL && pick_match(snap, signer, t, 1, &match))
			anchor = signer;
		by_list = anchor != NULL;
	}
	for (i = 0; i < n && anchor == NULL; i++)
		if (is_bare_anchor(tr, sk_X509_value(tent, i)))
			anchor = sk_X509_value(tent, i);
	if (anchor == NULL) {
		subject_of(sk_X509_value(tent, n - 1), subj, sizeof subj);
		snprintf(out->why, sizeof out->why,
			 "no trust anchor: no list service or anchor vouches for the %d certificate(s) "
			 "found up to %s",
			 n, subj);
		out->status = V_PATH_NO_CHAIN;
		out->chain = tent;
		tent = NULL;
		goto out;
	}

	/* X.509 validation at the control time, the anchor alone trusted. */
	st = X509_STORE_new();
	xc = X509_STORE_CTX_new();
	if (st == NULL || xc == NULL || X509_STORE_add_cert(st, anchor) != 1 ||
	    X509_STORE_CTX_init(xc, st, signer, pool) != 1) {
		e = VN_ERR_CRYPTO;
		goto out;
	}
	{
		X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(xc);
		X509_VERIFY_PARAM_set_time(vp, (time_t)t);
		X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_USE_CHECK_TIME);
		X509_VERIFY_PARAM_set_depth(vp, (int)maxc - 2);
	}
	X509_STORE_CTX_set_app_data(xc, &te);
	X509_STORE_CTX_set_verify_cb(xc, verify_cb);
	rc = X509_verify_cert(xc);
	chain = X509_STORE_CTX_get1_chain(xc);
	if (chain == NULL || sk_X509_num(chain) == 0) {
		sk_X509_pop_free(chain, X509_free);
		chain = tent;
		tent = NULL;
	}
	n = sk_X509_num(chain);
	for (i = 0; i < n; i++) {
		vn_time na = v_asn1_time(X509_get0_notAfter(sk_X509_value(chain, i)));
		if (na != VN_TIME_NONE && (out->expiry == VN_TIME_NONE || na < out->expiry))
			out->expiry = na;
	}
	if (X509_cmp(sk_X509_value(chain, n - 1), anchor) == 0) {
		out->anchor = sk_X509_value(chain, n - 1);
		out->by_list = by_list;
		if (by_list)
			out->match = match;
	}
	out->chain = chain;
	chain = NULL;
	if (rc != 1) {
		int err = X509_STORE_CTX_get_error(xc), depth = X509_STORE_CTX_get_error_depth(xc);
		X509 *bad = X509_STORE_CTX_get_current_cert(xc);

		if (bad != NULL)
			subject_of(bad, subj, sizeof subj);
		else
			snprintf(subj, sizeof subj, "?");
		out->status = map_verify_err(err);
		snprintf(out->why, sizeof out->why, "certificate %d (%s): %s", depth, subj,
			 X509_verify_cert_error_string(err));
		goto out;
	}

	/* Policy constraints: a signing certificate commits its holder
	 * (EN 319 412-2 4.3.2: nonRepudiation for a certificate for electronic
	 * signatures); without a keyUsage extension the commitment is absent. */
	if (for_signature && (!(X509_get_extension_flags(signer) & EXFLAG_KUSAGE) ||
			      !(X509_get_key_usage(signer) & KU_NON_REPUDIATION))) {
		out->status = V_PATH_CONSTRAINTS;
		snprintf(out->why, sizeof out->why,
			 "the signing certificate lacks the nonRepudiation (contentCommitment) key usage");
		goto out;
	}
	for (i = 0; i < n; i++)
		if (weak_cert(ctx->policy, sk_X509_value(out->chain, i), i < n - 1, out->why,
			      sizeof out->why)) {
			out->status = V_PATH_CRYPTO;
			goto out;
		}
	if (te.err != 0) {
		out->status = map_verify_err(te.err);
		subject_of(sk_X509_value(out->chain, te.depth < n ? te.depth : 0), subj, sizeof subj);
		snprintf(out->why, sizeof out->why, "certificate %d (%s): %s", te.depth, subj,
			 X509_verify_cert_error_string(te.err));
		goto out;
	}
	out->status = V_PATH_OK;
	out->why[0] = '\0';
	if (snap != NULL && out->by_list && out->anchor != NULL)
		memo_put(ctx, snap, signer, for_signature, maxc, out);
out:
	if (e != VN_OK) {
		v_path_free(out);
		out->status = V_PATH_NO_CHAIN;
	}
	X509_STORE_CTX_free(xc);
	X509_STORE_free(st);
	sk_X509_pop_free(chain, X509_free);
	sk_X509_pop_free(tent, X509_free);
	sk_X509_pop_free(pool, X509_free);
	return e;
}
