#include "node/v_tscache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/vn_digest.h"
#include "node/v_tst.h"

typedef struct entry {
	unsigned char *key;	/* owned: the bytes compared in full, NULL when empty */
	size_t keylen;
	tl_snapshot *snap;	/* a reference */
	v_ts_result r;		/* r.tsa: a reference */
	vn_findings f;
} entry;

struct v_tscache {
	pthread_mutex_t mu;
	size_t n;
	entry *slots;
	uint64_t hits, misses;
};

/* The key: kind, then each input as an 8-byte length and its bytes. */
static unsigned char *make_key(const v_timestamp *ts, size_t *len)
{
	const v_blob *b[3] = {&ts->token, &ts->imprint_input, &ts->imprint_input_alt};
	size_t n = 4, i;
	unsigned char *k, *p;

	for (i = 0; i < 3; i++)
		n += 8 + (b[i]->p ? b[i]->n : 0);
	if (n > V_TSCACHE_MAX_KEY || (k = malloc(n)) == NULL)
		return NULL;
	p = k;
	for (i = 0; i < 4; i++)
		*p++ = (unsigned char)((unsigned)ts->kind >> (8 * i));
	for (i = 0; i < 3; i++) {
		size_t m = b[i]->p ? b[i]->n : 0, j;
		for (j = 0; j < 8; j++)
			*p++ = (unsigned char)((uint64_t)m >> (8 * j));
		if (m > 0)
			memcpy(p, b[i]->p, m);
		p += m;
	}
	*len = n;
	return k;
}

/* The slot: from the kind, the three lengths and the last SLOT_TAIL bytes
 * of each input, not from the whole key (a token is some kilobytes, an
 * archive timestamp's input can be far more). Where a token lands is only
 * a matter of spreading, since a hit compares the whole key; and each
 * input ends in what sets it apart: a token in its TSA's signature value,
 * the covered bytes in a signature value or the newest attribute. */
#define SLOT_TAIL 128

static size_t slot_of(const v_tscache *c, const v_timestamp *ts)
{
	const v_blob *b[3] = {&ts->token, &ts->imprint_input, &ts->imprint_input_alt};
	uint64_t h = vn_fnv1a(VN_FNV1A_INIT, &ts->kind, sizeof ts->kind);
	size_t i;

	for (i = 0; i < 3; i++) {
		size_t m = b[i]->p ? b[i]->n : 0, t = m < SLOT_TAIL ? m : SLOT_TAIL;
		h = vn_fnv1a(h, &m, sizeof m);
		if (t > 0)
			h = vn_fnv1a(h, b[i]->p + m - t, t);
	}
	return (size_t)((h ^ (h >> 32)) % c->n);
}

static void entry_clear(entry *e)
{
	free(e->key);
	tl_snapshot_unref(e->snap);
	v_ts_result_free(&e->r);
	vn_findings_free(&e->f);
	memset(e, 0, sizeof *e);
}

v_tscache *v_tscache_new(size_t slots)
{
	v_tscache *c = calloc(1, sizeof *c);

	if (c == NULL)
		return NULL;
	c->n = slots ? slots : 1;
	c->slots = calloc(c->n, sizeof *c->slots);
	if (c->slots == NULL) {
		free(c);
		return NULL;
	}
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

void v_tscache_free(v_tscache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		entry_clear(&c->slots[i]);
	free(c->slots);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

int v_tscache_get(v_tscache *c, const tl_snapshot *snap, const v_timestamp *ts, v_ts_result *out,
		  vn_findings *f)
{
	unsigned char *k;
	size_t n = 0, i;
	int hit = 0;
	vn_findings copy;
	entry *e;

	vn_findings_init(&copy);
	k = make_key(ts, &n);
	if (k == NULL)
		return 0;
	i = slot_of(c, ts);
	pthread_mutex_lock(&c->mu);
	e = &c->slots[i];
	if (e->key != NULL && e->snap == snap && e->keylen == n && memcmp(e->key, k, n) == 0 &&
	    (e->r.tsa == NULL || X509_up_ref(e->r.tsa)) &&
	    (f == NULL || vn_findings_extend(&copy, &e->f) == VN_OK)) {
		*out = e->r;
		hit = 1;
		c->hits++;
	} else {
		c->misses++;
	}
	pthread_mutex_unlock(&c->mu);
	free(k);
	/* The findings are appended outside the lock (a copy was taken). */
	if (hit && f != NULL && vn_findings_extend(f, &copy) != VN_OK) {
		v_ts_result_free(out);
		hit = 0;
	}
	vn_findings_free(&copy);
	return hit;
}

void v_tscache_put(v_tscache *c, tl_snapshot *snap, const v_timestamp *ts, const v_ts_result *r,
		   const vn_findings *f)
{
	entry fresh, old;
	size_t i;

	memset(&fresh, 0, sizeof fresh);
	vn_findings_init(&fresh.f);
	fresh.key = make_key(ts, &fresh.keylen);
	if (fresh.key == NULL)
		return;
	if ((f != NULL && vn_findings_extend(&fresh.f, f) != VN_OK) ||
	    (r->tsa != NULL && !X509_up_ref(r->tsa))) {
		free(fresh.key);
		vn_findings_free(&fresh.f);
		return;
	}
	fresh.r = *r;
	fresh.snap = tl_snapshot_ref(snap);
	i = slot_of(c, ts);
	pthread_mutex_lock(&c->mu);
	old = c->slots[i];
	c->slots[i] = fresh;
	pthread_mutex_unlock(&c->mu);
	entry_clear(&old);
}

void v_tscache_stats(v_tscache *c, uint64_t *hits, uint64_t *misses)
{
	pthread_mutex_lock(&c->mu);
	*hits = c->hits;
	*misses = c->misses;
	pthread_mutex_unlock(&c->mu);
}
