#include "node/v_sigobj.h"

#include <stdlib.h>
#include <string.h>

void v_sigobj_init(v_sigobj *s)
{
	memset(s, 0, sizeof *s);
	s->claimed_time = VN_TIME_NONE;
	s->timemark = -1;
	vn_findings_init(&s->findings);
}

void v_sigobj_free(v_sigobj *s)
{
	size_t i;

	if (s == NULL)
		return;
	X509_free(s->signer);
	sk_X509_pop_free(s->certs, X509_free);
	for (i = 0; i < s->nocsps; i++)
		free(s->ocsps[i].p);
	free(s->ocsps);
	for (i = 0; i < s->ncrls; i++)
		free(s->crls[i].p);
	free(s->crls);
	for (i = 0; i < s->ntss; i++) {
		free(s->tss[i].token.p);
		free(s->tss[i].imprint_input.p);
		free(s->tss[i].imprint_input_alt.p);
	}
	free(s->tss);
	free(s->signature_value.p);
	free(s->covered);
	vn_findings_free(&s->findings);
	v_sigobj_init(s);
}

vn_err v_blob_set(v_blob *b, const void *p, size_t n)
{
	unsigned char *c = malloc(n ? n : 1);

	if (c == NULL)
		return VN_ERR_NOMEM;
	if (n)
		memcpy(c, p, n);
	free(b->p);
	b->p = c;
	b->n = n;
	return VN_OK;
}

vn_err v_blob_push(v_blob **arr, size_t *n, size_t cap, const void *p, size_t len)
{
	v_blob *na;

	if (*n >= cap)
		return VN_ERR_TOO_LARGE;
	na = realloc(*arr, (*n + 1) * sizeof *na);
	if (na == NULL)
		return VN_ERR_NOMEM;
	*arr = na;
	na[*n].p = NULL;
	na[*n].n = 0;
	if (v_blob_set(&na[*n], p, len) != VN_OK)
		return VN_ERR_NOMEM;
	(*n)++;
	return VN_OK;
}

vn_err v_sigobj_add_ts(v_sigobj *o, v_ts_kind kind, const unsigned char *tok, size_t tlen,
		       const unsigned char *imp, size_t ilen)
{
	v_timestamp *na;
	vn_err e;

	if (o->ntss >= V_MAX_TIMESTAMPS)
		return VN_ERR_TOO_LARGE;
	na = realloc(o->tss, (o->ntss + 1) * sizeof *na);
	if (na == NULL)
		return VN_ERR_NOMEM;
	o->tss = na;
	memset(&na[o->ntss], 0, sizeof na[o->ntss]);
	na[o->ntss].kind = kind;
	if ((e = v_blob_set(&na[o->ntss].token, tok, tlen)) != VN_OK)
		return e;
	o->ntss++;
	if (imp != NULL && ilen > 0)
		return v_blob_set(&o->tss[o->ntss - 1].imprint_input, imp, ilen);
	return VN_OK;
}

vn_err v_sigobj_add_cert(v_sigobj *o, X509 *x)
{
	int i;

	if (o->certs == NULL && (o->certs = sk_X509_new_null()) == NULL)
		return VN_ERR_NOMEM;
	for (i = 0; i < sk_X509_num(o->certs); i++)
		if (X509_cmp(sk_X509_value(o->certs, i), x) == 0)
			return VN_OK;	/* already carried (KeyInfo, another property) */
	if (sk_X509_num(o->certs) >= V_MAX_CERTS)
		return VN_ERR_TOO_LARGE;
	if (!X509_up_ref(x))
		return VN_ERR_INTERNAL;
	if (!sk_X509_push(o->certs, x)) {
		X509_free(x);
		return VN_ERR_NOMEM;
	}
	return VN_OK;
}
