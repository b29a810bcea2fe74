#include "node/v_sigmemo.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/vn_digest.h"

typedef struct slot {
	unsigned char key[V_SIGMEMO_KEY_LEN];
	int live;
} slot;

struct v_sigmemo {
	pthread_mutex_t mu;
	size_t n;
	slot *slots;
	uint64_t hits, misses;
};

/* Distinct from any other use of SHA-256 in the process (and versioned:
 * a change of encoding changes the tag). */
static const char tag[] = "valnode sigmemo 1";

static unsigned char *put_part(unsigned char *p, const unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i < 4; i++)
		*p++ = (unsigned char)(n >> (8 * i));
	memcpy(p, b, n);
	return p + n;
}

int v_sigmemo_key(const v_sigmemo_in *in, unsigned char key[V_SIGMEMO_KEY_LEN])
{
	/* tag, three length-prefixed parts, the key's digest */
	unsigned char buf[sizeof tag - 1 + 3 * (4 + V_SIGMEMO_MAX_PART) + VN_SHA256_LEN], *p = buf;

	if (in->alg == NULL || in->digest == NULL || in->sig == NULL || in->spki_sha256 == NULL ||
	    in->alg_len == 0 || in->digest_len == 0 || in->sig_len == 0 ||
	    in->alg_len > V_SIGMEMO_MAX_PART || in->digest_len > V_SIGMEMO_MAX_PART ||
	    in->sig_len > V_SIGMEMO_MAX_PART)
		return -1;
	memcpy(p, tag, sizeof tag - 1);
	p += sizeof tag - 1;
	p = put_part(p, in->alg, in->alg_len);
	p = put_part(p, in->digest, in->digest_len);
	p = put_part(p, in->sig, in->sig_len);
	memcpy(p, in->spki_sha256, VN_SHA256_LEN);
	p += VN_SHA256_LEN;
	return vn_sha256(buf, (size_t)(p - buf), key);
}

static size_t slot_of(const v_sigmemo *m, const unsigned char key[V_SIGMEMO_KEY_LEN])
{
	uint64_t h = 0;
	size_t i;

	for (i = 0; i < 8; i++)
		h |= (uint64_t)key[i] << (8 * i);
	return (size_t)(h % m->n);
}

v_sigmemo *v_sigmemo_new(size_t slots)
{
	v_sigmemo *m;

	if (slots == 0 || (m = calloc(1, sizeof *m)) == NULL)
		return NULL;
	m->n = slots;
	m->slots = calloc(slots, sizeof *m->slots);
	if (m->slots == NULL) {
		free(m);
		return NULL;
	}
	pthread_mutex_init(&m->mu, NULL);
	return m;
}

void v_sigmemo_free(v_sigmemo *m)
{
	if (m == NULL)
		return;
	free(m->slots);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

int v_sigmemo_has(v_sigmemo *m, const unsigned char key[V_SIGMEMO_KEY_LEN])
{
	size_t i;
	int hit;

	if (m == NULL)
		return 0;
	i = slot_of(m, key);
	pthread_mutex_lock(&m->mu);
	hit = m->slots[i].live && memcmp(m->slots[i].key, key, V_SIGMEMO_KEY_LEN) == 0;
	if (hit)
		m->hits++;
	else
		m->misses++;
	pthread_mutex_unlock(&m->mu);
	return hit;
}

void v_sigmemo_add(v_sigmemo *m, const unsigned char key[V_SIGMEMO_KEY_LEN])
{
	size_t i;

	if (m == NULL)
		return;
	i = slot_of(m, key);
	pthread_mutex_lock(&m->mu);
	memcpy(m->slots[i].key, key, V_SIGMEMO_KEY_LEN);
	m->slots[i].live = 1;
	pthread_mutex_unlock(&m->mu);
}

void v_sigmemo_stats(v_sigmemo *m, uint64_t *hits, uint64_t *misses)
{
	*hits = *misses = 0;
	if (m == NULL)
		return;
	pthread_mutex_lock(&m->mu);
	*hits = m->hits;
	*misses = m->misses;
	pthread_mutex_unlock(&m->mu);
}

size_t v_sigmemo_slots(const v_sigmemo *m)
{
	return m != NULL ? m->n : 0;
}
