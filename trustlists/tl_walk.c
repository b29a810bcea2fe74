/* Walking a scheme: fetch, parse, verify, and the cache policy that never
 * lets a bad download replace a good list. */
#include "trustlists/tl_walk.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "common/vn_buf.h"
#include "trustlists/tl_sig.h"
#include "trustlists/tl_snapshot.h"
#include "trustlists/tl_xml.h"

#define TSL_XML_MIME "application/vnd.etsi.tsl+xml"

static const char *const state_names[] = {
	"valid", "expired", "closed", "signature-failed", "untrusted-signer",
	"unreachable", "parse-error", "rollback"};
static const char *const update_names[] = {
	"new", "not-modified", "rejected-invalid", "rejected-rollback", "unreachable", "none"};
static const char *const kind_names[] = {"lotl", "pivot", "tl"};

const char *tl_state_name(tl_state s)
{
	return (unsigned)s < sizeof state_names / sizeof *state_names ? state_names[s] : "unknown";
}

const char *tl_update_name(tl_update u)
{
	return (unsigned)u < sizeof update_names / sizeof *update_names ? update_names[u] : "unknown";
}

const char *tl_kind_name(tl_kind k)
{
	return (unsigned)k < 3 ? kind_names[k] : "tl";
}

void tl_walk_opts_init(tl_walk_opts *o)
{
	memset(o, 0, sizeof *o);
	o->at = VN_TIME_NONE;
	tl_fetch_opts_init(&o->fetch);
	o->follow_pivots = 1;
	o->follow_pointers = 1;
	o->max_pivots = 16;
	o->max_lists = 256;
}

void tl_walk_entry_free(tl_walk_entry *e)
{
	if (e == NULL)
		return;
	free(e->url);
	free(e->territory);
	free(e->pointer_territory);
	X509_free(e->signer);
	tl_list_free(e->list);
	tl_list_free(e->unverified);
	vn_findings_free(&e->findings);
	memset(e, 0, sizeof *e);
}

void tl_walk_result_free(tl_walk_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++)
		tl_walk_entry_free(&r->entries[i]);
	free(r->entries);
	r->entries = NULL;
	r->n = 0;
}

int tl_pointer_is_xml(const tl_pointer *p)
{
	size_t n;

	if (p->location == NULL)
		return 0;
	if (p->mime_type != NULL)
		return strcmp(p->mime_type, TSL_XML_MIME) == 0;
	n = strlen(p->location);
	return (n > 4 && strcmp(p->location + n - 4, ".xml") == 0) ||
	       (n > 5 && strcmp(p->location + n - 5, ".xtsl") == 0);
}

STACK_OF(X509) *tl_pointer_certs(const tl_pointer *p)
{
	STACK_OF(X509) *st = sk_X509_new_null();
	size_t i;

	if (st == NULL)
		return NULL;
	for (i = 0; i < p->sdi.ncerts; i++) {
		const unsigned char *q = p->sdi.certs[i].p;
		X509 *x = d2i_X509(NULL, &q, (long)p->sdi.certs[i].n);
		if (x != NULL && !sk_X509_push(st, x))
			X509_free(x);
	}
	return st;
}

/* One copy of a list, judged: parsed and verified. */
typedef struct judged {
	int parsed;		/* XML and a trusted list */
	int valid;		/* signature TOTAL-PASSED with the given anchors */
	tl_list *list;
	tl_sig_result sig;
	char why[256];
} judged;

static void judged_free(judged *j)
{
	tl_list_free(j->list);
	tl_sig_result_free(&j->sig);
	memset(j, 0, sizeof *j);
}

static vn_err judge(const unsigned char *p, size_t n, STACK_OF(X509) *anchors, judged *j)
{
	xmlDocPtr doc = NULL;
	vn_err e;

	memset(j, 0, sizeof *j);
	tl_sig_result_init(&j->sig);
	e = tl_xml_read(p, n, &doc, j->why, sizeof j->why);
	if (e == VN_ERR_NOMEM)
		return e;
	if (e != VN_OK)
		return VN_OK;
	e = tl_parse(doc, &j->list);
	if (e == VN_ERR_NOMEM) {
		xmlFreeDoc(doc);
		return e;
	}
	if (e != VN_OK) {
		snprintf(j->why, sizeof j->why, "not a trusted list (%s)", vn_err_str(e));
		xmlFreeDoc(doc);
		return VN_OK;
	}
	j->parsed = 1;
	e = tl_sig_verify(doc, anchors, &j->sig);
	xmlFreeDoc(doc);
	if (e != VN_OK)
		return e;
	j->valid = j->sig.indication == VN_IND_TOTAL_PASSED;
	if (!j->valid)
		snprintf(j->why, sizeof j->why, "signature %s%s%s",
			 vn_indication_name(j->sig.indication), j->sig.sub ? "/" : "",
			 j->sig.sub ? vn_subind_name(j->sig.sub) : "");
	return VN_OK;
}

static tl_state failure_state(const judged *j)
{
	if (!j->parsed)
		return TL_STATE_PARSE_ERROR;
	if (j->sig.indication == VN_IND_INDETERMINATE &&
	    j->sig.sub == VN_SUB_NO_CERTIFICATE_CHAIN_FOUND)
		return TL_STATE_UNTRUSTED_SIGNER;
	return TL_STATE_SIGNATURE_FAILED;
}

static void sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[32];
	unsigned int len = 32, i;

	if (EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) != 1)
		memset(md, 0, sizeof md);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Record a failed attempt in the cache's metadata; the body is untouched.
 * Losing that note only loses the "last error" shown to operators. */
static void cache_note(const tl_walk_opts *o, tl_walk_entry *en, const char *url,
		       const char *why, vn_time now)
{
	if (o->cache != NULL && tl_cache_note_failure(o->cache, url, why, now) != VN_OK)
		(void)vn_findings_add(&en->findings, VN_LEVEL_INFO, "TL_CACHE_WRITE",
				      "the failure could not be noted in the cache");
}

#define NOTE(e, lvl, code, ...)                                                   \
	do {                                                                      \
		if (vn_findings_add(&(e)->findings, lvl, code, __VA_ARGS__) != VN_OK) \
			err = VN_ERR_NOMEM;                                       \
	} while (0)

static size_t count_services(const tl_list *l)
{
	size_t i, n = 0;

	for (i = 0; i < l->ntsps; i++)
		n += l->tsps[i].nservices;
	return n;
}

/* Take the in-use copy j into the entry. */
static void use_copy(tl_walk_entry *en, judged *j, vn_time at, int from_cache)
{
	tl_list *l = j->list;

	en->list = l;
	j->list = NULL;
	en->signer = j->sig.signer;
	j->sig.signer = NULL;
	en->from_cache = from_cache;
	en->indication = VN_IND_TOTAL_PASSED;
	en->sub = VN_SUB_NONE;
	en->seq = l->seq;
	en->issued = l->issued;
	en->next_update = l->next_update;
	en->services = count_services(l);
	if (l->territory != NULL) {
		free(en->territory);
		en->territory = strdup(l->territory);
	}
	if (l->closed)
		en->state = TL_STATE_CLOSED;
	else if (l->next_update == VN_TIME_NONE || l->next_update < at)
		en->state = TL_STATE_EXPIRED;
	else
		en->state = TL_STATE_VALID;
	(void)vn_findings_extend(&en->findings, &j->sig.findings);
}

vn_err tl_load_list(const char *url, tl_kind kind, STACK_OF(X509) *anchors,
		    const tl_walk_opts *o, tl_walk_entry *en)
{
	vn_time at = o->at == VN_TIME_NONE ? vn_time_now() : o->at, now = vn_time_now();
	tl_fetch_opts fo = o->fetch;
	tl_fetch_result fr;
	tl_cache_meta cmeta;
	vn_buf cbody;
	judged fresh, cached;
	int have_cached = 0, fetched = 0, same_bytes = 0;
	STACK_OF(X509) *none = NULL;
	tl_cache_decision d;
	vn_err err = VN_OK, e;
	char hex[65];

	memset(en, 0, sizeof *en);
	memset(&fresh, 0, sizeof fresh);
	memset(&cached, 0, sizeof cached);
	tl_sig_result_init(&fresh.sig);
	tl_sig_result_init(&cached.sig);
	vn_findings_init(&en->findings);
	tl_cache_meta_init(&cmeta);
	vn_buf_init(&cbody, TL_CACHE_MAX_BODY);
	tl_fetch_result_init(&fr);
	en->url = strdup(url);
	en->kind = kind;
	en->state = TL_STATE_UNREACHABLE;
	en->update = TL_UPDATE_NONE;
	en->indication = VN_IND_INDETERMINATE;
	en->sub = VN_SUB_TRY_LATER;
	en->issued = VN_TIME_NONE;
	en->next_update = VN_TIME_NONE;
	if (en->url == NULL)
		return VN_ERR_NOMEM;
	if (anchors == NULL) {
		none = sk_X509_new_null();
		if (none == NULL)
			return VN_ERR_NOMEM;
		anchors = none;
	}

	/* 1. The last good copy, if any: its validators make the GET conditional. */
	if (o->cache != NULL && tl_cache_get(o->cache, url, &cbody, &cmeta) == VN_OK) {
		e = judge(cbody.data, cbody.len, anchors, &cached);
		if (e != VN_OK) {
			err = e;
			goto out;
		}
		have_cached = cached.valid;
		if (!cached.valid)
			NOTE(en, VN_LEVEL_WARN, "TL_CACHE_INVALID",
			     "the cached copy no longer verifies (%s): ignored", cached.why);
		if (have_cached) {
			fo.etag = cmeta.etag;
			fo.last_modified = cmeta.last_modified;
		}
	} else if (cmeta.problem[0] != '\0') {
		NOTE(en, VN_LEVEL_WARN, "TL_CACHE_INVALID", "cache: %s", cmeta.problem);
	}

	/* 2. The ETSI .sha2 digest published beside the list (STANDARDS.md
	 * 2.2): when it names the cached copy, the list has not changed and is
	 * not downloaded again. Absent or unreadable, the download decides. */
	if (have_cached && cmeta.sha256[0] != '\0') {
		unsigned char dg[32];
		char hexdg[65];
		int found = 0, k;

		if (tl_fetch_sha2(url, &fo, dg, &found) == VN_OK && found) {
			for (k = 0; k < 32; k++)
				snprintf(hexdg + 2 * k, 3, "%02x", dg[k]);
			if (strcmp(hexdg, cmeta.sha256) == 0) {
				NOTE(en, VN_LEVEL_INFO, "TL_SHA2_UNCHANGED",
				     "the published .sha2 digest matches the cached copy: not downloaded again");
				en->update = TL_UPDATE_NOT_MODIFIED;
				if (o->cache != NULL &&
				    tl_cache_note_current(o->cache, url, cmeta.sha256, NULL, NULL, now) != VN_OK)
					NOTE(en, VN_LEVEL_INFO, "TL_CACHE_WRITE", "the cache note could not be updated");
				use_copy(en, &cached, at, 1);
				goto out;
			}
		}
	}

	/* 3. Fetch. */
	e = tl_fetch(url, &fo, &fr);
	if (e == VN_ERR_NOMEM) {
		err = e;
		goto out;
	}
	if (e != VN_OK) {
		NOTE(en, have_cached ? VN_LEVEL_WARN : VN_LEVEL_ERROR, "TL_FETCH_FAILED",
		     "%s%s", fr.error[0] ? fr.error : vn_err_str(e),
		     have_cached ? "; the last good copy stays in use" : "");
		cache_note(o, en, url, fr.error[0] ? fr.error : vn_err_str(e), now);
		en->update = TL_UPDATE_UNREACHABLE;
	} else if (fr.not_modified) {
		en->update = TL_UPDATE_NOT_MODIFIED;
	} else {
		fetched = 1;
		if (have_cached && cbody.len == fr.body.len &&
		    memcmp(cbody.data, fr.body.data, cbody.len) == 0)
			same_bytes = 1;
		e = same_bytes ? VN_OK : judge(fr.body.data, fr.body.len, anchors, &fresh);
		if (e != VN_OK) {
			err = e;
			goto out;
		}
	}

	/* 4. Decide which copy to use (tl_cache_decide holds the table). */
	if (!fetched || same_bytes) {
		if (have_cached) {
			if (same_bytes)
				en->update = TL_UPDATE_NOT_MODIFIED;
			/* A good attempt: clear the failure notes and keep the
			 * server's current validators (a re-upload of the same
			 * bytes changes them; see tl_cache_note_current). */
			if (en->update == TL_UPDATE_NOT_MODIFIED && o->cache != NULL &&
			    tl_cache_note_current(o->cache, url, cmeta.sha256, fr.etag,
						  fr.last_modified, now) != VN_OK)
				NOTE(en, VN_LEVEL_INFO, "TL_CACHE_WRITE",
				     "the cache's notes could not be brought up to date");
			use_copy(en, &cached, at, 1);
		}
		goto out;
	}
	/* The highest sequence number recorded for this URL stays a floor even
	 * when the cached body itself is gone or damaged: an older list is still
	 * a rollback (TS 119 612 5.3.3: every issue increments it). */
	if (!have_cached && fresh.valid && cmeta.sequence > fresh.list->seq) {
		en->update = TL_UPDATE_REJECTED_ROLLBACK;
		en->state = TL_STATE_ROLLBACK;
		en->indication = fresh.sig.indication;
		en->seq = fresh.list->seq;
		en->issued = fresh.list->issued;
		en->next_update = fresh.list->next_update;
		if (fresh.list->territory != NULL)
			en->territory = strdup(fresh.list->territory);
		NOTE(en, VN_LEVEL_ERROR, "TL_ROLLBACK",
		     "the downloaded copy has sequence %llu, lower than %llu recorded before, and no "
		     "good copy is cached: refused as a rollback",
		     (unsigned long long)fresh.list->seq, (unsigned long long)cmeta.sequence);
		cache_note(o, en, url, "rollback refused", now);
		goto out;
	}
	d = tl_cache_decide(have_cached, have_cached ? cached.list->seq : 0, fresh.valid,
			    fresh.valid ? fresh.list->seq : 0);
	switch (d) {
	case TL_CACHE_ACCEPT_NEW:
		en->update = TL_UPDATE_NEW;
		use_copy(en, &fresh, at, 0);
		if (o->cache != NULL) {
			tl_cache_meta m;
			tl_cache_meta_init(&m);
			m.url = (char *)url;
			m.etag = fr.etag;
			m.last_modified = fr.last_modified;
			m.sequence = en->seq;
			m.fetched_at = now;
			m.verified_at = now;
			m.last_attempt = now;
			sha256_hex(fr.body.data, fr.body.len, hex);
			memcpy(m.sha256, hex, sizeof m.sha256);
			if (tl_cache_put(o->cache, url, fr.body.data, fr.body.len, &m) != VN_OK)
				NOTE(en, VN_LEVEL_WARN, "TL_CACHE_WRITE", "the new copy could not be cached");
		}
		break;
	case TL_CACHE_KEEP_OLD_INVALID:
		en->update = TL_UPDATE_REJECTED_INVALID;
		NOTE(en, VN_LEVEL_WARN, "TL_UPDATE_REJECTED",
		     "the downloaded copy was refused (%s); the last good copy (sequence %llu) stays in use",
		     fresh.why, (unsigned long long)cached.list->seq);
		(void)vn_findings_extend(&en->findings, &fresh.sig.findings);
		cache_note(o, en, url, fresh.why, now);
		use_copy(en, &cached, at, 1);
		break;
	case TL_CACHE_KEEP_OLD_ROLLBACK:
		en->update = TL_UPDATE_REJECTED_ROLLBACK;
		NOTE(en, VN_LEVEL_WARN, "TL_ROLLBACK",
		     "the downloaded copy has sequence %llu, lower than %llu already seen: refused as a rollback",
		     (unsigned long long)fresh.list->seq, (unsigned long long)cached.list->seq);
		cache_note(o, en, url, "rollback refused", now);
		use_copy(en, &cached, at, 1);
		break;
	case TL_CACHE_KEEP_OLD_SAME:
		en->update = TL_UPDATE_NOT_MODIFIED;
		NOTE(en, VN_LEVEL_WARN, "TL_SEQUENCE_NOT_INCREMENTED",
		     "the downloaded copy differs from the cached one but keeps sequence %llu "
		     "(TS 119 612 5.3.3): the cached copy stays in use",
		     (unsigned long long)cached.list->seq);
		use_copy(en, &cached, at, 1);
		break;
	case TL_CACHE_NONE_VALID:
	default:
		en->update = TL_UPDATE_NONE;
		en->state = failure_state(&fresh);
		if (fresh.parsed) {
			en->indication = fresh.sig.indication;
			en->sub = fresh.sig.sub;
			en->seq = fresh.list->seq;
			en->issued = fresh.list->issued;
			en->next_update = fresh.list->next_update;
			en->services = count_services(fresh.list);
			if (fresh.list->territory != NULL)
				en->territory = strdup(fresh.list->territory);
			en->signer = fresh.sig.signer;
			fresh.sig.signer = NULL;
			(void)vn_findings_extend(&en->findings, &fresh.sig.findings);
			en->unverified = fresh.list;
			fresh.list = NULL;
		} else {
			en->indication = VN_IND_TOTAL_FAILED;
			en->sub = VN_SUB_FORMAT_FAILURE;
			NOTE(en, VN_LEVEL_ERROR, "TL_PARSE", "%s", fresh.why);
		}
		cache_note(o, en, url, fresh.why, now);
		break;
	}
out:
	if (en->state == TL_STATE_UNREACHABLE && en->list == NULL && en->update == TL_UPDATE_UNREACHABLE)
		en->update = TL_UPDATE_NONE;
	judged_free(&fresh);
	judged_free(&cached);
	tl_fetch_result_free(&fr);
	tl_cache_meta_free(&cmeta);
	vn_buf_free(&cbody);
	sk_X509_free(none);
	return err;
}

static vn_err push_entry(tl_walk_result *r, tl_walk_entry *e)
{
	tl_walk_entry *n = realloc(r->entries, (r->n + 1) * sizeof *n);

	if (n == NULL) {
		tl_walk_entry_free(e);
		return VN_ERR_NOMEM;
	}
	r->entries = n;
	r->entries[r->n++] = *e;
	memset(e, 0, sizeof *e);
	return VN_OK;
}

const tl_pointer *tl_lotl_self_pointer(const tl_list *l)
{
	size_t i;

	for (i = 0; i < l->npointers; i++)
		if (tl_type_is_lotl(l->pointers[i].tsl_type) && tl_pointer_is_xml(&l->pointers[i]))
			return &l->pointers[i];
	return NULL;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* EU pivot LOTLs (STANDARDS.md 2.1): the SchemeInformationURI entries that
 * are XML lists, newest first; processed oldest first, each verified with
 * the certificates the previous one announced, starting from the pinned
 * ones. Returns the anchors to verify the current LOTL with (new stack). */
static vn_err follow_pivots(const char *url, const tl_list *unverified, const tl_walk_opts *o,
			    tl_walk_result *r, STACK_OF(X509) **anchors_out)
{
	STACK_OF(X509) *cur = NULL;
	size_t i, n = 0;
	vn_err e = VN_OK;

	cur = X509_chain_up_ref(o->anchors ? o->anchors : NULL);
	if (cur == NULL)
		cur = sk_X509_new_null();
	if (cur == NULL)
		return VN_ERR_NOMEM;
	for (i = unverified->scheme_info_uris.n; i-- > 0;) {
		const char *p = unverified->scheme_info_uris.v[i];
		tl_walk_entry pe;

		if (!ends_with(p, ".xml") || strcmp(p, url) == 0)
			continue;
		if (++n > o->max_pivots)
			break;
		e = tl_load_list(p, TL_KIND_PIVOT, cur, o, &pe);
		if (e != VN_OK) {
			tl_walk_entry_free(&pe);
			break;
		}
		if (pe.list != NULL) {
			const tl_pointer *sp = tl_lotl_self_pointer(pe.list);
			if (sp != NULL && sp->sdi.ncerts > 0) {
				STACK_OF(X509) *next = tl_pointer_certs(sp);
				if (next != NULL) {
					sk_X509_pop_free(cur, X509_free);
					cur = next;
				}
			}
		}
		e = push_entry(r, &pe);
		if (e != VN_OK)
			break;
	}
	if (e != VN_OK) {
		sk_X509_pop_free(cur, X509_free);
		return e;
	}
	*anchors_out = cur;
	return VN_OK;
}

vn_err tl_walk(const char *url, const tl_walk_opts *o, tl_walk_result *out)
{
	tl_walk_entry lotl;
	STACK_OF(X509) *pivot_anchors = NULL;
	size_t i, nlists = 0, lotl_index;
	const tl_list *l;
	vn_err e;

	out->entries = NULL;
	out->n = 0;
	e = tl_load_list(url, TL_KIND_LOTL, o->anchors, o, &lotl);
	if (e != VN_OK) {
		tl_walk_entry_free(&lotl);
		return e;
	}
	/* A LOTL signed by a key we do not pin: follow the pivots back to one. */
	if (lotl.list == NULL && lotl.state == TL_STATE_UNTRUSTED_SIGNER && o->follow_pivots &&
	    lotl.unverified != NULL && tl_list_is_lotl(lotl.unverified)) {
		tl_walk_result piv = {NULL, 0};
		e = follow_pivots(url, lotl.unverified, o, &piv, &pivot_anchors);
		if (e == VN_OK && piv.n > 0) {
			tl_walk_entry again;
			e = tl_load_list(url, TL_KIND_LOTL, pivot_anchors, o, &again);
			if (e == VN_OK) {
				tl_walk_entry_free(&lotl);
				lotl = again;
				(void)vn_findings_add(&lotl.findings, VN_LEVEL_INFO, "TL_PIVOTS_FOLLOWED",
						      "signer reached through %zu pivot list(s)", piv.n);
			} else {
				tl_walk_entry_free(&again);
			}
		}
		sk_X509_pop_free(pivot_anchors, X509_free);
		if (e == VN_OK)
			e = push_entry(out, &lotl);
		for (i = 0; e == VN_OK && i < piv.n; i++)
			e = push_entry(out, &piv.entries[i]);
		tl_walk_result_free(&piv);
		if (e != VN_OK) {
			tl_walk_entry_free(&lotl);
			return e;
		}
	} else {
		e = push_entry(out, &lotl);
		if (e != VN_OK)
			return e;
	}
	lotl_index = 0;
	l = out->entries[lotl_index].list;
	if (l == NULL)
		l = NULL;
	if (l != NULL && !tl_list_is_lotl(l)) {
		out->entries[lotl_index].kind = TL_KIND_TL;	/* a single list */
		return VN_OK;
	}
	if (l == NULL || !o->follow_pointers)
		return VN_OK;
	for (i = 0; i < l->npointers; i++) {
		const tl_pointer *p = &l->pointers[i];
		STACK_OF(X509) *certs;
		tl_walk_entry te;

		/* the LOTL's own pointers (self, other LOTLs) are not followed */
		if (!tl_pointer_is_xml(p) || tl_type_is_lotl(p->tsl_type))
			continue;
		if (++nlists > o->max_lists) {
			(void)vn_findings_add(&out->entries[lotl_index].findings, VN_LEVEL_WARN,
					      "TL_TOO_MANY_POINTERS", "more than %zu lists: the rest skipped",
					      o->max_lists);
			break;
		}
		certs = tl_pointer_certs(p);
		if (certs == NULL)
			return VN_ERR_NOMEM;
		/* TS 119 615 / DSS: a TL is verified with exactly the certificates
		 * its pointer announces, nothing else. */
		e = tl_load_list(p->location, TL_KIND_TL, certs, o, &te);
		sk_X509_pop_free(certs, X509_free);
		if (e != VN_OK) {
			tl_walk_entry_free(&te);
			return e;
		}
		if (p->territory != NULL) {
			te.pointer_territory = strdup(p->territory);
			if (te.territory == NULL)
				te.territory = strdup(p->territory);
			else if (strcmp(te.territory, p->territory) != 0)
				(void)vn_findings_add(&te.findings, VN_LEVEL_WARN, "TL_TERRITORY_MISMATCH",
						      "the list says territory %s, its pointer %s",
						      te.territory, p->territory);
		}
		if (te.list != NULL && p->tsl_type != NULL && te.list->tsl_type != NULL &&
		    strcmp(p->tsl_type, te.list->tsl_type) != 0)
			(void)vn_findings_add(&te.findings, VN_LEVEL_WARN, "TL_TYPE_MISMATCH",
					      "the list's TSLType differs from its pointer's");
		e = push_entry(out, &te);
		if (e != VN_OK)
			return e;
		l = out->entries[lotl_index].list;	/* entries moved by realloc */
	}
	return VN_OK;
}

vn_err tl_walk_to_snapshot(tl_walk_result *r, tl_snapshot_builder *b, const char *scheme)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		tl_walk_entry *en = &r->entries[i];
		tl_list *l = en->list;
		vn_err e;

		/* pivots are history: only the current LOTL and its lists count */
		if (l == NULL || en->kind == TL_KIND_PIVOT)
			continue;
		en->list = NULL;
		e = tl_snapshot_builder_add(b, l, scheme, en->url);
		if (e != VN_OK)
			return e;
	}
	return VN_OK;
}
