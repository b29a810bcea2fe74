#include "node/srv_trust.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/vn_log.h"
#include "trustlists/tl_cache.h"
#include "trustlists/tl_mirror.h"

/* The configuration, shared between the holder and a walk in progress. */
typedef struct cfg_box {
	atomic_uint refs;
	v_trust_cfg cfg;
	unsigned interval, before;
} cfg_box;

struct srv_trust {
	pthread_mutex_t mu;		/* guards view, box, kicked, stop */
	pthread_cond_t cv;
	srv_view *view;
	cfg_box *box;
	int kicked, stop, running;
	pthread_t thread;
	pthread_mutex_t walk_mu;	/* one walk at a time */
	uint64_t generation;
	atomic_uint_fast64_t refreshes, refresh_failures, fetch_errors, list_cache_hits, list_fetches;
};

static cfg_box *box_new(v_trust_cfg *cfg, unsigned interval, unsigned before)
{
	cfg_box *b = calloc(1, sizeof *b);

	if (b == NULL) {
		v_trust_cfg_free(cfg);
		return NULL;
	}
	atomic_init(&b->refs, 1);
	b->cfg = *cfg;
	v_trust_cfg_init(cfg);
	b->interval = interval ? interval : 3600;
	b->before = before;
	return b;
}

static void box_unref(cfg_box *b)
{
	if (b != NULL && atomic_fetch_sub(&b->refs, 1) == 1) {
		v_trust_cfg_free(&b->cfg);
		free(b);
	}
}

static void view_free(srv_view *v)
{
	size_t i;

	tl_snapshot_unref(v->snap);
	for (i = 0; i < v->n; i++) {
		free(v->lists[i].scheme);
		free(v->lists[i].url);
		free(v->lists[i].territory);
		free(v->lists[i].last_error);
	}
	free(v->lists);
	free(v->error);
	free(v);
}

void srv_view_release(srv_view *v)
{
	if (v != NULL && atomic_fetch_sub(&v->refs, 1) == 1)
		view_free(v);
}

srv_view *srv_trust_acquire(srv_trust *t)
{
	srv_view *v;

	/* The lock covers only the load and the increment, so a request
	 * never waits for a walk (which runs without it). */
	pthread_mutex_lock(&t->mu);
	v = t->view;
	atomic_fetch_add(&v->refs, 1);
	pthread_mutex_unlock(&t->mu);
	return v;
}

static srv_view *view_empty(void)
{
	srv_view *v = calloc(1, sizeof *v);

	if (v == NULL)
		return NULL;
	atomic_init(&v->refs, 1);
	v->built_at = VN_TIME_NONE;
	v->attempted_at = VN_TIME_NONE;
	return v;
}

vn_err srv_trust_new(v_trust_cfg *cfg, unsigned interval, unsigned before_next_update,
		     srv_trust **out)
{
	srv_trust *t = calloc(1, sizeof *t);

	*out = NULL;
	if (t == NULL) {
		v_trust_cfg_free(cfg);
		return VN_ERR_NOMEM;
	}
	t->box = box_new(cfg, interval, before_next_update);
	t->view = view_empty();
	if (t->box == NULL || t->view == NULL) {
		box_unref(t->box);
		free(t->view);
		free(t);
		return VN_ERR_NOMEM;
	}
	pthread_mutex_init(&t->mu, NULL);
	pthread_mutex_init(&t->walk_mu, NULL);
	{
		pthread_condattr_t ca;
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&t->cv, &ca);
		pthread_condattr_destroy(&ca);
	}
	*out = t;
	return VN_OK;
}

/* The first error (else warning) finding of a list that is not valid. */
static char *list_error(const tl_walk_entry *en)
{
	size_t i;
	int lvl;

	if (en->state == TL_STATE_VALID)
		return NULL;
	for (lvl = VN_LEVEL_ERROR; lvl >= VN_LEVEL_WARN; lvl--)
		for (i = 0; i < en->findings.n; i++)
			if ((int)en->findings.items[i].level == lvl)
				return strdup(en->findings.items[i].message);
	return strdup(tl_state_name(en->state));
}

static vn_err add_info(srv_view *v, const char *scheme, const tl_walk_entry *en, vn_time now)
{
	srv_list_info *li, *nl;

	nl = realloc(v->lists, (v->n + 1) * sizeof *nl);
	if (nl == NULL)
		return VN_ERR_NOMEM;
	v->lists = nl;
	li = &nl[v->n];
	memset(li, 0, sizeof *li);
	v->n++;
	li->scheme = strdup(scheme);
	li->url = strdup(en->url ? en->url : "");
	li->territory = en->territory ? strdup(en->territory) : NULL;
	li->kind = en->kind;
	li->state = en->state;
	li->update = en->update;
	li->seq = en->seq;
	li->issued = en->issued;
	li->next_update = en->next_update;
	li->services = en->services;
	li->from_cache = en->from_cache;
	li->last_fetch = now;
	li->last_error = list_error(en);
	if (li->scheme == NULL || li->url == NULL)
		return VN_ERR_NOMEM;
	return VN_OK;
}

typedef struct walk_arg {
	srv_trust *t;
	srv_view *v;
	vn_time now;
} walk_arg;

/* Every list met: its state for /v1/trustlists and the fetch counters. */
static vn_err on_entry(void *p, const char *scheme, const tl_walk_entry *en)
{
	walk_arg *a = p;

	atomic_fetch_add(&a->t->list_fetches, 1);
	if (en->update == TL_UPDATE_NOT_MODIFIED || en->from_cache)
		atomic_fetch_add(&a->t->list_cache_hits, 1);
	if (en->update == TL_UPDATE_UNREACHABLE || en->update == TL_UPDATE_NONE ||
	    en->update == TL_UPDATE_REJECTED_INVALID || en->update == TL_UPDATE_REJECTED_ROLLBACK)
		atomic_fetch_add(&a->t->fetch_errors, 1);
	return add_info(a->v, scheme, en, a->now);
}

/* v_trust_build, keeping every list's state. */
static vn_err walk_all(srv_trust *t, const v_trust_cfg *c, srv_view *v, tl_snapshot **snap,
		       char *why, size_t whylen)
{
	walk_arg a = {t, v, vn_time_now()};
	vn_findings notes;
	vn_err e;

	vn_findings_init(&notes);
	e = v_trust_build_ex(c, snap, &notes, on_entry, &a, why, whylen);
	vn_findings_free(&notes);
	return e;
}

static void publish(srv_trust *t, srv_view *nv)
{
	srv_view *old;

	pthread_mutex_lock(&t->mu);
	old = t->view;
	nv->generation = ++t->generation;
	t->view = nv;
	pthread_mutex_unlock(&t->mu);
	/* Readers holding the old view keep it alive until they release it. */
	srv_view_release(old);
}

vn_err srv_trust_refresh_now(srv_trust *t)
{
	cfg_box *box;
	srv_view *nv, *cur;
	tl_snapshot *snap = NULL;
	char why[512] = "";
	vn_err e;

	pthread_mutex_lock(&t->walk_mu);
	pthread_mutex_lock(&t->mu);
	box = t->box;
	atomic_fetch_add(&box->refs, 1);
	pthread_mutex_unlock(&t->mu);

	nv = view_empty();
	if (nv == NULL) {
		e = VN_ERR_NOMEM;
		goto out;
	}
	nv->attempted_at = vn_time_now();
	e = walk_all(t, &box->cfg, nv, &snap, why, sizeof why);
	atomic_fetch_add(&t->refreshes, 1);
	if (e == VN_OK) {
		nv->snap = snap;
		nv->built_at = nv->attempted_at;
	} else {
		/* Keep serving with the last good snapshot. */
		atomic_fetch_add(&t->refresh_failures, 1);
		nv->error = strdup(why[0] ? why : vn_err_str(e));
		cur = srv_trust_acquire(t);
		if (cur->snap != NULL) {
			nv->snap = tl_snapshot_ref(cur->snap);
			nv->built_at = cur->built_at;
		}
		srv_view_release(cur);
		vn_warn("trust refresh: %s%s", why[0] ? why : vn_err_str(e),
			nv->snap ? " (the previous snapshot stays in use)" : "");
	}
	publish(t, nv);
	if (e == VN_OK)
		vn_info("trust refresh: %zu lists, snapshot generation %llu", nv->n,
			(unsigned long long)nv->generation);
out:
	box_unref(box);
	pthread_mutex_unlock(&t->walk_mu);
	return e;
}

/* When the next refresh is due: the interval, or earlier when a list in
 * use reaches its NextUpdate (minus the margin) before (TS 119 612 5.3.15:
 * a new issue is published by then). Never sooner than a short pause, so
 * an expired list does not make the refresher spin. */
static vn_time next_due(srv_trust *t, vn_time now)
{
	srv_view *v = srv_trust_acquire(t);
	unsigned interval, before;
	vn_time due, floor;
	size_t i;

	pthread_mutex_lock(&t->mu);
	interval = t->box->interval;
	before = t->box->before;
	pthread_mutex_unlock(&t->mu);
	due = now + interval;
	floor = now + (interval < 30 ? interval : 30);
	for (i = 0; i < v->n; i++)
		if (v->lists[i].next_update != VN_TIME_NONE && v->lists[i].next_update - before < due)
			due = v->lists[i].next_update - before;
	srv_view_release(v);
	return due < floor ? floor : due;
}

static void *refresher(void *arg)
{
	srv_trust *t = arg;

	for (;;) {
		vn_time due;
		struct timespec ts;

		if (srv_trust_refresh_now(t) != VN_OK) {
			/* said in the log; the view carries the reason */
		}
		due = next_due(t, vn_time_now());
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += (time_t)(due - vn_time_now());
		pthread_mutex_lock(&t->mu);
		while (!t->stop && !t->kicked) {
			if (pthread_cond_timedwait(&t->cv, &t->mu, &ts) == ETIMEDOUT)
				break;
		}
		t->kicked = 0;
		if (t->stop) {
			pthread_mutex_unlock(&t->mu);
			break;
		}
		pthread_mutex_unlock(&t->mu);
	}
	return NULL;
}

vn_err srv_trust_start(srv_trust *t)
{
	if (pthread_create(&t->thread, NULL, refresher, t) != 0)
		return VN_ERR_INTERNAL;
	t->running = 1;
	return VN_OK;
}

void srv_trust_kick(srv_trust *t)
{
	pthread_mutex_lock(&t->mu);
	t->kicked = 1;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
}

void srv_trust_reconfigure(srv_trust *t, v_trust_cfg *cfg, unsigned interval,
			   unsigned before_next_update)
{
	cfg_box *nb = box_new(cfg, interval, before_next_update), *old;

	if (nb == NULL)
		return;
	pthread_mutex_lock(&t->mu);
	old = t->box;
	t->box = nb;
	t->kicked = 1;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
	box_unref(old);
}

void srv_trust_stats_get(srv_trust *t, srv_trust_stats *out)
{
	out->refreshes = atomic_load(&t->refreshes);
	out->refresh_failures = atomic_load(&t->refresh_failures);
	out->fetch_errors = atomic_load(&t->fetch_errors);
	out->list_cache_hits = atomic_load(&t->list_cache_hits);
	out->list_fetches = atomic_load(&t->list_fetches);
}

void srv_trust_free(srv_trust *t)
{
	if (t == NULL)
		return;
	if (t->running) {
		pthread_mutex_lock(&t->mu);
		t->stop = 1;
		pthread_cond_signal(&t->cv);
		pthread_mutex_unlock(&t->mu);
		pthread_join(t->thread, NULL);
	}
	srv_view_release(t->view);
	box_unref(t->box);
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mu);
	pthread_mutex_destroy(&t->walk_mu);
	free(t);
}
