/* Trust-service equivalence: the MRA model, its parser and the translation
 * of a foreign service and certificate into EU vocabulary (STANDARDS.md 3.2,
 * 3.3; DSS TrustServiceEquivalenceConverter, MRAEquivalenceContext). */
#include "policies/pol_mra.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trustlists/tl_xml.h"

#define NS TL_NS_MRA
#define OID_QCC "0.4.0.1862.1.1"
#define OID_QSCD "0.4.0.1862.1.4"
#define OID_QCTYPE "0.4.0.1862.1.6"
#define OID_ESIGN "0.4.0.1862.1.6.1"
#define OID_ESEAL "0.4.0.1862.1.6.2"
#define OID_WEB "0.4.0.1862.1.6.3"
#define OID_CCLEG "0.4.0.1862.1.7"
#define SVCTYPE_CAQC "http://uri.etsi.org/TrstSvc/Svctype/CA/QC"
#define ST_GRANTED "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted"
#define ST_WITHDRAWN "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn"

/* ---- freeing ------------------------------------------------------------- */

static void crit_free(pol_crit *c)
{
	size_t i, j;

	for (i = 0; i < c->nnested; i++)
		crit_free(&c->nested[i]);
	free(c->nested);
	for (i = 0; i < c->nsets; i++) {
		for (j = 0; j < c->sets[i].n; j++) {
			free(c->sets[i].v[j].oid);
			free(c->sets[i].v[j].qctype);
			free(c->sets[i].v[j].cc);
		}
		free(c->sets[i].v);
	}
	free(c->sets);
	memset(c, 0, sizeof *c);
}

static void types_free(pol_svctype *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].type);
		free(v[i].asi);
	}
	free(v);
}

static void period_free(pol_mra_period *p)
{
	size_t i;

	types_free(p->pointing_types, p->npointing_types);
	types_free(p->pointed_types, p->npointed_types);
	tl_strs_free(&p->valid_pointing);
	tl_strs_free(&p->valid_pointed);
	tl_strs_free(&p->invalid_pointing);
	tl_strs_free(&p->invalid_pointed);
	for (i = 0; i < p->nrefs; i++) {
		crit_free(&p->refs[i].pointing);
		crit_free(&p->refs[i].pointed);
	}
	free(p->refs);
	for (i = 0; i < p->nqmap; i++) {
		free(p->qmap[i].from);
		free(p->qmap[i].to);
	}
	free(p->qmap);
}

void pol_mra_free(pol_mra *m)
{
	size_t i, j;

	if (m == NULL)
		return;
	for (i = 0; i < m->nequivs; i++) {
		for (j = 0; j < m->equivs[i].nperiods; j++)
			period_free(&m->equivs[i].periods[j]);
		free(m->equivs[i].periods);
		free(m->equivs[i].legal_id);
	}
	free(m->equivs);
	free(m->origin);
	free(m->pointing_legislation);
	free(m->pointed_legislation);
	free(m);
}

/* ---- parsing --------------------------------------------------------------- */

typedef struct pctx {
	vn_findings *f;
	int nomem;
} pctx;

static void *grow(void *v, size_t n, size_t sz, pctx *c)
{
	void *nv = realloc(v, (n + 1) * sz);

	if (nv == NULL) {
		c->nomem = 1;
		return NULL;
	}
	memset((char *)nv + n * sz, 0, sz);
	return nv;
}

static char *text(const xmlNode *n, pctx *c)
{
	char *t = n ? tl_xml_text(n) : NULL;

	if (n != NULL && t == NULL)
		c->nomem = 1;
	return t;
}

static void strs_add(tl_strs *s, const xmlNode *n, pctx *c)
{
	char *t = text(n, c);

	if (t != NULL && s->n < 256 && tl_strs_push(s, t) != VN_OK)
		c->nomem = 1;
	free(t);
}

/* TrustServiceTSLType: tsl:ServiceTypeIdentifier + optional ASI/URI. */
static void read_types(const xmlNode *list, pol_svctype **v, size_t *n, pctx *c)
{
	const xmlNode *t, *asi;

	for (t = tl_xml_child(list, NS, "TrustServiceTSLType"); t != NULL; t = tl_xml_next_elem(t)) {
		pol_svctype *nv;

		if (!tl_xml_is(t, NS, "TrustServiceTSLType") || *n >= 64)
			continue;
		if ((nv = grow(*v, *n, sizeof *nv, c)) == NULL)
			return;
		*v = nv;
		nv[*n].type = text(tl_xml_child(t, TL_NS_TSL, "ServiceTypeIdentifier"), c);
		asi = tl_xml_child(t, TL_NS_TSL, "AdditionalServiceInformation");
		if (asi != NULL)
			nv[*n].asi = text(tl_xml_child(asi, TL_NS_TSL, "URI"), c);
		(*n)++;
	}
}

static void read_statuses(const xmlNode *list, tl_strs *s, pctx *c)
{
	const xmlNode *x;

	for (x = tl_xml_first_elem(list); x != NULL; x = tl_xml_next_elem(x))
		if (tl_xml_is(x, TL_NS_TSL, "ServiceStatus"))
			strs_add(s, x, c);
}

static void read_qcset(const xmlNode *set, pol_qcset *qs, pctx *c)
{
	const xmlNode *st, *id, *info, *v;

	for (st = tl_xml_first_elem(set); st != NULL; st = tl_xml_next_elem(st)) {
		pol_qcst *nv;
		char *oid;

		if (!tl_xml_is(st, NS, "QcStatement") || qs->n >= 32)
			continue;
		if ((nv = grow(qs->v, qs->n, sizeof *nv, c)) == NULL)
			return;
		qs->v = nv;
		id = tl_xml_child(st, NS, "QcStatementId");
		oid = text(id ? tl_xml_child(id, TL_NS_XADES, "Identifier") : NULL, c);
		if (oid != NULL && strncmp(oid, "urn:oid:", 8) == 0)
			memmove(oid, oid + 8, strlen(oid + 8) + 1);
		nv[qs->n].oid = oid;
		info = tl_xml_child(st, NS, "QcStatementInfo");
		if (info != NULL) {
			if ((v = tl_xml_child(info, NS, "QcType")) != NULL) {
				char *q = text(tl_xml_child(v, TL_NS_XADES, "Identifier"), c);
				if (q != NULL && strncmp(q, "urn:oid:", 8) == 0)
					memmove(q, q + 8, strlen(q + 8) + 1);
				nv[qs->n].qctype = q;
			} else if ((v = tl_xml_child(info, NS, "QcCClegislation")) != NULL) {
				nv[qs->n].cc = text(v, c);
			}
		}
		qs->n++;
	}
}

static void read_crit(const xmlNode *n, pol_crit *cr, pctx *c, int depth)
{
	const xmlNode *x, *y;
	xmlChar *a = xmlGetProp(n, (const xmlChar *)"assert");

	cr->assert_ = TL_ASSERT_ALL;
	if (a != NULL) {
		if (strcmp((const char *)a, "atLeastOne") == 0)
			cr->assert_ = TL_ASSERT_AT_LEAST_ONE;
		else if (strcmp((const char *)a, "none") == 0)
			cr->assert_ = TL_ASSERT_NONE;
		else if (strcmp((const char *)a, "all") != 0)
			cr->unknown = 1;
		xmlFree(a);
	}
	if (depth > POL_MRA_MAX_DEPTH) {
		cr->unknown = 1;
		return;
	}
	for (x = tl_xml_first_elem(n); x != NULL; x = tl_xml_next_elem(x)) {
		if (tl_xml_is(x, TL_NS_ECC, "CriteriaList") && cr->nnested < 16) {
			pol_crit *nv = grow(cr->nested, cr->nnested, sizeof *nv, c);
			if (nv == NULL)
				return;
			cr->nested = nv;
			read_crit(x, &nv[cr->nnested++], c, depth + 1);
		} else if (tl_xml_is(x, TL_NS_ECC, "otherCriteriaList")) {
			for (y = tl_xml_first_elem(x); y != NULL; y = tl_xml_next_elem(y)) {
				pol_qcset *nv;
				if (!tl_xml_is(y, NS, "QcStatementSet") || cr->nsets >= 16) {
					cr->unknown = 1;
					continue;
				}
				if ((nv = grow(cr->sets, cr->nsets, sizeof *nv, c)) == NULL)
					return;
				cr->sets = nv;
				read_qcset(y, &nv[cr->nsets++], c);
			}
		} else if (!tl_xml_is(x, TL_NS_ECC, "Description")) {
			/* key usage, policy sets ...: not certificate content an
			 * MRA context speaks of; never matched (fail closed) */
			cr->unknown = 1;
		}
	}
}

static int ctx_of(const char *uri)
{
	if (uri == NULL)
		return POL_CTX_OTHER;
	if (strcmp(uri, POL_MRA_CTX_QCCOMPLIANCE) == 0)
		return POL_CTX_QCCOMPLIANCE;
	if (strcmp(uri, POL_MRA_CTX_QCTYPE) == 0)
		return POL_CTX_QCTYPE;
	if (strcmp(uri, POL_MRA_CTX_QCQSCD) == 0)
		return POL_CTX_QCQSCD;
	return POL_CTX_OTHER;
}

/* The fields common to TrustServiceEquivalenceInformation and
 * TrustServiceEquivalenceHistoryInstance. */
static void read_period(const xmlNode *n, pol_mra_period *p, pctx *c)
{
	const xmlNode *x, *y, *z;
	char *s;

	p->start = VN_TIME_NONE;
	p->end = VN_TIME_NONE;
	s = text(tl_xml_child(n, NS, "TrustServiceEquivalenceStatus"), c);
	p->enacted = s != NULL && strcmp(s, POL_MRA_ENACTED) == 0;
	if (s == NULL || (!p->enacted && strcmp(s, POL_MRA_REPEALED) != 0))
		(void)vn_findings_add(c->f, VN_LEVEL_WARN, "POL_MRA_STATUS",
				      "unknown equivalence status '%.100s': read as repealed", s ? s : "");
	free(s);
	s = text(tl_xml_child(n, NS, "TrustServiceEquivalenceStatusStartingTime"), c);
	if (s == NULL || vn_time_parse(s, VN_TIME_XSD, &p->start) != VN_OK) {
		(void)vn_findings_add(c->f, VN_LEVEL_WARN, "POL_MRA_TIME",
				      "an equivalence without a readable starting time: not applied");
		p->enacted = 0;
	}
	free(s);
	if ((x = tl_xml_child(n, NS, "TrustServiceTSLTypeEquivalenceList")) != NULL) {
		read_types(tl_xml_child(x, NS, "TrustServiceTSLTypeListPointingParty"),
			   &p->pointing_types, &p->npointing_types, c);
		read_types(tl_xml_child(x, NS, "TrustServiceTSLTypeListPointedParty"),
			   &p->pointed_types, &p->npointed_types, c);
	}
	if ((x = tl_xml_child(n, NS, "TrustServiceTSLStatusEquivalenceList")) != NULL) {
		if ((y = tl_xml_child(x, NS, "TrustServiceTSLStatusValidEquivalence")) != NULL) {
			read_statuses(tl_xml_child(y, NS, "TrustServiceTSLStatusListPointingParty"),
				      &p->valid_pointing, c);
			read_statuses(tl_xml_child(y, NS, "TrustServiceTSLStatusListPointedParty"),
				      &p->valid_pointed, c);
		}
		if ((y = tl_xml_child(x, NS, "TrustServiceTSLStatusInvalidEquivalence")) != NULL) {
			read_statuses(tl_xml_child(y, NS, "TrustServiceTSLStatusListPointingParty"),
				      &p->invalid_pointing, c);
			read_statuses(tl_xml_child(y, NS, "TrustServiceTSLStatusListPointedParty"),
				      &p->invalid_pointed, c);
		}
	}
	if ((x = tl_xml_child(n, NS, "CertificateContentReferencesEquivalenceList")) != NULL) {
		for (y = tl_xml_first_elem(x); y != NULL; y = tl_xml_next_elem(y)) {
			pol_ccref *nv;
			char *ctx;

			if (!tl_xml_is(y, NS, "CertificateContentReferenceEquivalence") || p->nrefs >= 16)
				continue;
			if ((nv = grow(p->refs, p->nrefs, sizeof *nv, c)) == NULL)
				return;
			p->refs = nv;
			ctx = text(tl_xml_child(y, NS, "CertificateContentReferenceEquivalenceContext"), c);
			nv[p->nrefs].context = ctx_of(ctx);
			free(ctx);
			if ((z = tl_xml_child(y, NS, "CertificateContentDeclarationPointingParty")) != NULL)
				read_crit(z, &nv[p->nrefs].pointing, c, 0);
			else
				nv[p->nrefs].pointing.unknown = 1;
			if ((z = tl_xml_child(y, NS, "CertificateContentDeclarationPointedParty")) != NULL)
				read_crit(z, &nv[p->nrefs].pointed, c, 0);
			else
				nv[p->nrefs].pointed.unknown = 1;
			p->nrefs++;
		}
	}
	if ((x = tl_xml_child(n, NS, "TrustServiceTSLQualificationExtensionEquivalenceList")) != NULL) {
		p->has_qmap = 1;
		for (y = tl_xml_first_elem(x); y != NULL; y = tl_xml_next_elem(y)) {
			if (!tl_xml_is(y, NS, "QualifierEquivalenceList"))
				continue;
			for (z = tl_xml_first_elem(y); z != NULL; z = tl_xml_next_elem(z)) {
				const xmlNode *a = tl_xml_child(z, NS, "QualifierPointingParty");
				const xmlNode *b = tl_xml_child(z, NS, "QualifierPointedParty");
				xmlChar *ua, *ub;
				pol_pair *nv;

				if (a == NULL || b == NULL || p->nqmap >= 64)
					continue;
				if ((nv = grow(p->qmap, p->nqmap, sizeof *nv, c)) == NULL)
					return;
				p->qmap = nv;
				ua = xmlGetProp(a, (const xmlChar *)"uri");
				ub = xmlGetProp(b, (const xmlChar *)"uri");
				if (ua != NULL && ub != NULL) {
					nv[p->nqmap].to = strdup((const char *)ua);
					nv[p->nqmap].from = strdup((const char *)ub);
					if (nv[p->nqmap].to == NULL || nv[p->nqmap].from == NULL)
						c->nomem = 1;
					p->nqmap++;
				}
				xmlFree(ua);
				xmlFree(ub);
			}
		}
	}
}

/* Each period ends where the next newer one begins (the timeline of
 * STANDARDS.md 3.3, like service history). */
static void timeline(pol_mra_equiv *e)
{
	size_t i, j;

	for (i = 0; i < e->nperiods; i++) {
		vn_time end = VN_TIME_NONE;
		if (e->periods[i].start == VN_TIME_NONE)
			continue;
		for (j = 0; j < e->nperiods; j++)
			if (e->periods[j].start != VN_TIME_NONE &&
			    e->periods[j].start > e->periods[i].start &&
			    (end == VN_TIME_NONE || e->periods[j].start < end))
				end = e->periods[j].start;
		e->periods[i].end = end;
	}
}

static long lattr(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	long x = v ? strtol((const char *)v, NULL, 10) : -1;

	xmlFree(v);
	return x;
}

vn_err pol_mra_parse(const char *xml, pol_mra **out, vn_findings *f)
{
	xmlDocPtr doc = NULL;
	const xmlNode *root, *x, *h, *hi;
	pol_mra *m = NULL;
	pctx c = {f, 0};
	char why[200] = "";
	xmlChar *a;
	vn_err e;

	*out = NULL;
	tl_xml_global_init();
	e = tl_xml_read((const unsigned char *)xml, strlen(xml), &doc, why, sizeof why);
	if (e != VN_OK) {
		(void)vn_findings_add(f, VN_LEVEL_ERROR, "POL_MRA_XML", "the MRA block is not readable: %s", why);
		return e == VN_ERR_NOMEM ? e : VN_ERR_MALFORMED;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || !tl_xml_is(root, NS, "MutualRecognitionAgreementInformation")) {
		(void)vn_findings_add(f, VN_LEVEL_ERROR, "POL_MRA_XML",
				      "not an mra:MutualRecognitionAgreementInformation element");
		e = VN_ERR_MALFORMED;
		goto out;
	}
	m = calloc(1, sizeof *m);
	if (m == NULL || (m->origin = strdup("lotl")) == NULL) {
		e = VN_ERR_NOMEM;
		goto out;
	}
	m->technical_type = lattr(root, "technicalType");
	m->version = lattr(root, "version");
	m->depth = lattr(root, "MRADepth");
	if ((a = xmlGetProp(root, (const xmlChar *)"pointingContractingPartyLegislation")) != NULL) {
		m->pointing_legislation = strdup((const char *)a);
		xmlFree(a);
	}
	if ((a = xmlGetProp(root, (const xmlChar *)"pointedContractingPartyLegislation")) != NULL) {
		m->pointed_legislation = strdup((const char *)a);
		xmlFree(a);
	}
	for (x = tl_xml_first_elem(root); x != NULL && !c.nomem; x = tl_xml_next_elem(x)) {
		pol_mra_equiv *nv, *q;

		if (!tl_xml_is(x, NS, "TrustServiceEquivalenceInformation") ||
		    m->nequivs >= POL_MRA_MAX_EQUIVS)
			continue;
		if ((nv = grow(m->equivs, m->nequivs, sizeof *nv, &c)) == NULL)
			break;
		m->equivs = nv;
		q = &nv[m->nequivs++];
		q->legal_id = text(tl_xml_child(x, NS, "TrustServiceLegalIdentifier"), &c);
		if ((q->periods = grow(NULL, 0, sizeof *q->periods, &c)) == NULL)
			break;
		q->nperiods = 1;
		read_period(x, &q->periods[0], &c);
		for (h = tl_xml_child(x, NS, "TrustServiceEquivalenceHistory"); h != NULL;
		     h = tl_xml_next_elem(h)) {
			if (!tl_xml_is(h, NS, "TrustServiceEquivalenceHistory"))
				continue;
			for (hi = tl_xml_first_elem(h); hi != NULL && q->nperiods < 32; hi = tl_xml_next_elem(hi)) {
				pol_mra_period *np;
				if (!tl_xml_is(hi, NS, "TrustServiceEquivalenceHistoryInstance"))
					continue;
				if ((np = grow(q->periods, q->nperiods, sizeof *np, &c)) == NULL)
					break;
				q->periods = np;
				read_period(hi, &np[q->nperiods++], &c);
			}
		}
		timeline(q);
	}
	if (c.nomem) {
		e = VN_ERR_NOMEM;
		goto out;
	}
	if (m->nequivs == 0)
		(void)vn_findings_add(f, VN_LEVEL_WARN, "POL_MRA_EMPTY", "the MRA block holds no equivalence");
	*out = m;
	m = NULL;
	e = VN_OK;
out:
	pol_mra_free(m);
	xmlFreeDoc(doc);
	return e;
}

/* ---- a policy's declared equivalence as the same model ------------------- */

static char *dup(const char *s, int *nomem)
{
	char *d = s ? strdup(s) : NULL;

	if (s != NULL && d == NULL)
		*nomem = 1;
	return d;
}

static void push(tl_strs *s, const char *v, int *nomem)
{
	if (tl_strs_push(s, v) != VN_OK)
		*nomem = 1;
}

/* A "QcCompliance + QcCClegislation CC" certificate reads as an EU QC:
 * pointed all{set{QcCompliance, QcCClegislation=CC}}, pointing
 * all{all{set{QcCompliance}}, none{set{QcCClegislation}}} (the shape of
 * the EU pilot's ZZ block, STANDARDS.md 3.2). */
static void cc_ref(pol_ccref *r, const char *cc, int *nomem)
{
	pol_qcst *st;

	r->context = POL_CTX_QCCOMPLIANCE;
	r->pointed.assert_ = TL_ASSERT_ALL;
	r->pointed.sets = calloc(1, sizeof *r->pointed.sets);
	st = calloc(2, sizeof *st);
	r->pointing.assert_ = TL_ASSERT_ALL;
	r->pointing.nested = calloc(2, sizeof *r->pointing.nested);
	if (r->pointed.sets == NULL || st == NULL || r->pointing.nested == NULL) {
		free(st);
		*nomem = 1;
		return;
	}
	r->pointed.nsets = 1;
	r->pointed.sets[0].v = st;
	r->pointed.sets[0].n = 2;
	st[0].oid = dup(OID_QCC, nomem);
	st[1].oid = dup(OID_CCLEG, nomem);
	st[1].cc = dup(cc, nomem);
	r->pointing.nnested = 2;
	r->pointing.nested[0].assert_ = TL_ASSERT_ALL;
	r->pointing.nested[1].assert_ = TL_ASSERT_NONE;
	for (int k = 0; k < 2; k++) {
		pol_crit *n = &r->pointing.nested[k];
		n->sets = calloc(1, sizeof *n->sets);
		if (n->sets == NULL || (n->sets[0].v = calloc(1, sizeof(pol_qcst))) == NULL) {
			*nomem = 1;
			return;
		}
		n->nsets = 1;
		n->sets[0].n = 1;
		n->sets[0].v[0].oid = dup(k == 0 ? OID_QCC : OID_CCLEG, nomem);
	}
}

vn_err pol_mra_from_equiv(const pol_equiv *eq, pol_mra **out)
{
	pol_mra *m = calloc(1, sizeof *m);
	size_t ntypes = eq->ntypes > 0 ? eq->ntypes : 1, i, j;
	int nomem = m == NULL;
	char org[160];

	*out = NULL;
	if (nomem)
		return VN_ERR_NOMEM;
	snprintf(org, sizeof org, "policy:%s", eq->id ? eq->id : "?");
	m->origin = dup(org, &nomem);
	m->technical_type = m->version = m->depth = 1;
	/* one equivalence per declared service type (an MRA maps a list of
	 * pointed types onto one pointing type) */
	m->equivs = calloc(ntypes, sizeof *m->equivs);
	if (m->equivs == NULL) {
		pol_mra_free(m);
		return VN_ERR_NOMEM;
	}
	m->nequivs = ntypes;
	for (i = 0; i < ntypes && !nomem; i++) {
		pol_mra_equiv *q = &m->equivs[i];
		pol_mra_period *p;

		q->legal_id = dup(eq->id, &nomem);
		q->periods = calloc(1, sizeof *q->periods);
		if (q->periods == NULL) {
			nomem = 1;
			break;
		}
		q->nperiods = 1;
		p = &q->periods[0];
		p->enacted = eq->enacted;
		p->start = eq->start;
		p->end = VN_TIME_NONE;
		p->pointing_types = calloc(1, sizeof *p->pointing_types);
		p->pointed_types = calloc(1, sizeof *p->pointed_types);
		if (p->pointing_types == NULL || p->pointed_types == NULL) {
			nomem = 1;
			break;
		}
		p->npointing_types = p->npointed_types = 1;
		p->pointed_types[0].type = dup(eq->ntypes ? eq->types[i].from : SVCTYPE_CAQC, &nomem);
		p->pointing_types[0].type = dup(eq->ntypes ? eq->types[i].to : SVCTYPE_CAQC, &nomem);
		if (eq->nstatuses == 0) {
			push(&p->valid_pointed, ST_GRANTED, &nomem);
			push(&p->valid_pointing, ST_GRANTED, &nomem);
			push(&p->invalid_pointed, ST_WITHDRAWN, &nomem);
			push(&p->invalid_pointing, ST_WITHDRAWN, &nomem);
		}
		for (j = 0; j < eq->nstatuses; j++) {
			/* a mapping onto "granted" is a valid equivalence, any
			 * other an invalid one */
			int valid = strcmp(eq->statuses[j].to, ST_GRANTED) == 0;
			push(valid ? &p->valid_pointed : &p->invalid_pointed, eq->statuses[j].from, &nomem);
			push(valid ? &p->valid_pointing : &p->invalid_pointing, eq->statuses[j].to, &nomem);
		}
		/* A declared map that misses a qualifier leaves it as it is
		 * (STANDARDS.md 3.3); with no Qualifier entries the partner uses
		 * the EU qualifiers already. */
		p->has_qmap = 1;
		if (eq->nqualifiers > 0) {
			p->qmap = calloc(eq->nqualifiers, sizeof *p->qmap);
			if (p->qmap == NULL) {
				nomem = 1;
				break;
			}
			for (j = 0; j < eq->nqualifiers; j++) {
				p->qmap[j].from = dup(eq->qualifiers[j].from, &nomem);
				p->qmap[j].to = dup(eq->qualifiers[j].to, &nomem);
			}
			p->nqmap = eq->nqualifiers;
		}
		if (eq->cc_legislation.n > 0) {
			p->refs = calloc(eq->cc_legislation.n, sizeof *p->refs);
			if (p->refs == NULL) {
				nomem = 1;
				break;
			}
			for (j = 0; j < eq->cc_legislation.n; j++)
				cc_ref(&p->refs[j], eq->cc_legislation.v[j], &nomem);
			p->nrefs = eq->cc_legislation.n;
		}
	}
	if (nomem) {
		pol_mra_free(m);
		return VN_ERR_NOMEM;
	}
	*out = m;
	return VN_OK;
}

/* ---- certificate content ------------------------------------------------ */

static int cc_has(const char *list, const char *cc)
{
	size_t n = strlen(cc);
	const char *p = list;

	while (*p != '\0') {
		size_t l = strcspn(p, ",");
		if (l == n && strncmp(p, cc, n) == 0)
			return 1;
		p += l;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int st_present(const pol_qcst *s, const pol_qc *q)
{
	if (s->oid == NULL)
		return 0;
	if (strcmp(s->oid, OID_QCC) == 0)
		return q->compliance;
	if (strcmp(s->oid, OID_QSCD) == 0)
		return q->sscd;
	if (strcmp(s->oid, OID_QCTYPE) == 0) {
		if (s->qctype == NULL)
			return q->esign || q->eseal || q->web;
		return (strcmp(s->qctype, OID_ESIGN) == 0 && q->esign) ||
		       (strcmp(s->qctype, OID_ESEAL) == 0 && q->eseal) ||
		       (strcmp(s->qctype, OID_WEB) == 0 && q->web);
	}
	if (strcmp(s->oid, OID_CCLEG) == 0)
		return s->cc == NULL ? q->cc[0] != '\0' : cc_has(q->cc, s->cc);
	return 0;	/* a statement we do not track is not shown present */
}

static int crit_unknown(const pol_crit *c, int depth)
{
	size_t i;

	if (c->unknown || depth > POL_MRA_MAX_DEPTH)
		return 1;
	for (i = 0; i < c->nnested; i++)
		if (crit_unknown(&c->nested[i], depth + 1))
			return 1;
	return 0;
}

static int crit_eval(const pol_crit *c, const pol_qc *q, int depth)
{
	size_t i, j, nchild = 0, nmatch = 0;

	if (depth > POL_MRA_MAX_DEPTH)
		return 0;
	for (i = 0; i < c->nnested; i++, nchild++)
		nmatch += crit_eval(&c->nested[i], q, depth + 1) != 0;
	for (i = 0; i < c->nsets; i++, nchild++) {
		int all = 1;
		for (j = 0; j < c->sets[i].n; j++)
			all = all && st_present(&c->sets[i].v[j], q);
		nmatch += all;
	}
	return tl_assert_holds(c->assert_, nmatch, nchild);
}

int pol_crit_match(const pol_crit *c, const pol_qc *q)
{
	return !crit_unknown(c, 0) && crit_eval(c, q, 0);
}

static void st_apply(const pol_qcst *s, int add, pol_qc *q)
{
	if (s->oid == NULL)
		return;
	if (strcmp(s->oid, OID_QCC) == 0) {
		q->compliance = add;
	} else if (strcmp(s->oid, OID_QSCD) == 0) {
		q->sscd = add;
	} else if (strcmp(s->oid, OID_QCTYPE) == 0 && s->qctype != NULL) {
		if (strcmp(s->qctype, OID_ESIGN) == 0)
			q->esign = add;
		else if (strcmp(s->qctype, OID_ESEAL) == 0)
			q->eseal = add;
		else if (strcmp(s->qctype, OID_WEB) == 0)
			q->web = add;
	} else if (strcmp(s->oid, OID_CCLEG) == 0) {
		if (!add)
			q->cc[0] = '\0';
		else if (s->cc != NULL)
			snprintf(q->cc, sizeof q->cc, "%s", s->cc);
	}
}

/* DSS builds the translated statements from the pointing declaration:
 * "all" adds every statement, "atLeastOne" uses its first child only,
 * "none" lists statements to remove (STANDARDS.md 3.3). */
static void apply(const pol_crit *c, int add, pol_qc *q, int depth)
{
	size_t i, j;
	int sub = c->assert_ == TL_ASSERT_NONE ? !add : add;

	if (depth > POL_MRA_MAX_DEPTH)
		return;
	if (c->assert_ == TL_ASSERT_AT_LEAST_ONE) {
		if (c->nnested > 0)
			apply(&c->nested[0], add, q, depth + 1);
		else if (c->nsets > 0)
			for (j = 0; j < c->sets[0].n; j++)
				st_apply(&c->sets[0].v[j], add, q);
		return;
	}
	for (i = 0; i < c->nnested; i++)
		apply(&c->nested[i], sub, q, depth + 1);
	for (i = 0; i < c->nsets; i++)
		for (j = 0; j < c->sets[i].n; j++)
			st_apply(&c->sets[i].v[j], sub, q);
}

/* ---- translation ------------------------------------------------------------ */

static const pol_mra_period *period_at(const pol_mra_equiv *e, vn_time t)
{
	size_t i;

	for (i = 0; i < e->nperiods; i++) {
		const pol_mra_period *p = &e->periods[i];
		if (p->start != VN_TIME_NONE && p->start <= t && (p->end == VN_TIME_NONE || t < p->end))
			return p;
	}
	return NULL;
}

/* The pointed type the service matches (type, and the ASI when stated). */
static const pol_svctype *type_match(const pol_mra_period *p, const tl_service_entry *e)
{
	size_t i;

	for (i = 0; e->type != NULL && i < p->npointed_types; i++) {
		const pol_svctype *t = &p->pointed_types[i];
		if (t->type != NULL && strcmp(t->type, e->type) == 0 &&
		    (t->asi == NULL || tl_strs_has(&e->asi, t->asi)))
			return t;
	}
	return NULL;
}

static const char *status_map(const pol_mra_period *p, const tl_service_entry *e)
{
	if (tl_strs_has(&p->valid_pointed, e->status))
		return p->valid_pointing.n > 0 ? p->valid_pointing.v[0] : NULL;
	if (tl_strs_has(&p->invalid_pointed, e->status))
		return p->invalid_pointing.n > 0 ? p->invalid_pointing.v[0] : NULL;
	return NULL;
}

void pol_mapped_free(pol_mapped *m)
{
	size_t i;

	if (m == NULL)
		return;
	free(m->entry.type);
	free(m->entry.status);
	tl_strs_free(&m->entry.asi);
	for (i = 0; i < m->entry.nquals; i++)
		tl_strs_free(&m->entry.quals[i].qualifiers);
	free(m->entry.quals);
	memset(m, 0, sizeof *m);
}

static const char *qual_map(const pol_mra_period *p, const char *uri)
{
	size_t i;

	for (i = 0; i < p->nqmap; i++)
		if (strcmp(p->qmap[i].from, uri) == 0)
			return p->qmap[i].to;
	return uri;	/* missing from the map: left as it is */
}

int pol_mra_map(const pol_mra *m, const tl_service_entry *e, vn_time cert_nb, const pol_qc *qc,
		vn_time t, pol_mapped *out)
{
	const pol_mra_equiv *eq = NULL;
	const pol_mra_period *p = NULL, *pc;
	const pol_svctype *pt = NULL;
	const char *status = NULL;
	size_t i, j, nmatch = 0;
	int nomem = 0, ctx_done[POL_CTX_OTHER + 1] = {0};

	memset(out, 0, sizeof *out);
	for (i = 0; i < m->nequivs; i++) {
		const pol_mra_period *pp = period_at(&m->equivs[i], t);
		const pol_svctype *tt;
		const char *st;

		if (pp == NULL || !pp->enacted || (cert_nb != VN_TIME_NONE && pp->end != VN_TIME_NONE &&
						    pp->end <= cert_nb))
			continue;
		if ((tt = type_match(pp, e)) == NULL || (st = status_map(pp, e)) == NULL)
			continue;
		nmatch++;
		eq = &m->equivs[i];
		p = pp;
		pt = tt;
		status = st;
	}
	/* none, or ambiguous: DSS applies no MRA rule at all */
	if (nmatch != 1 || p->npointing_types == 0 || p->pointing_types[0].type == NULL)
		return 0;
	out->entry = *e;
	out->orig = e;
	out->legal_id = eq->legal_id;
	out->origin = m->origin;
	out->entry.type = dup(p->pointing_types[0].type, &nomem);
	out->entry.status = dup(status, &nomem);
	memset(&out->entry.asi, 0, sizeof out->entry.asi);
	for (i = 0; i < e->asi.n; i++)
		push(&out->entry.asi,
		     pt->asi != NULL && strcmp(e->asi.v[i], pt->asi) == 0 && p->pointing_types[0].asi
			     ? p->pointing_types[0].asi
			     : e->asi.v[i],
		     &nomem);
	if (pt->asi == NULL && p->pointing_types[0].asi != NULL &&
	    !tl_strs_has(&out->entry.asi, p->pointing_types[0].asi))
		push(&out->entry.asi, p->pointing_types[0].asi, &nomem);
	out->entry.quals = NULL;
	out->entry.nquals = 0;
	if (p->has_qmap && e->nquals > 0) {
		/* the criteria are borrowed; the qualifier URIs translated */
		out->entry.quals = calloc(e->nquals, sizeof *out->entry.quals);
		if (out->entry.quals == NULL) {
			nomem = 1;
		} else {
			out->entry.nquals = e->nquals;
			for (i = 0; i < e->nquals; i++) {
				out->entry.quals[i].criteria = e->quals[i].criteria;
				for (j = 0; j < e->quals[i].qualifiers.n; j++)
					push(&out->entry.quals[i].qualifiers,
					     qual_map(p, e->quals[i].qualifiers.v[j]), &nomem);
			}
		}
	}
	/* The certificate: only under an enacted period that covers its
	 * issuance; each context rewritten from the pointing declaration
	 * when the pointed one selects the certificate. */
	out->qc = *qc;
	pc = cert_nb != VN_TIME_NONE ? period_at(eq, cert_nb) : NULL;
	for (i = 0; pc != NULL && pc->enacted && i < pc->nrefs; i++) {
		const pol_ccref *r = &pc->refs[i];
		if (r->context == POL_CTX_OTHER || ctx_done[r->context] ||
		    !pol_crit_match(&r->pointed, qc))
			continue;
		ctx_done[r->context] = 1;
		if (r->context == POL_CTX_QCTYPE)
			out->qc.esign = out->qc.eseal = out->qc.web = 0;
		apply(&r->pointing, 1, &out->qc, 0);
		out->cert_mapped = 1;
	}
	if (nomem) {
		pol_mapped_free(out);
		return -1;
	}
	return 1;
}
