/* TS 119 612 list parser: a libxml2 tree (already read by tl_xml_read) into
 * the tl_list model. Structure problems are findings, not errors: a list
 * whose signature verifies is reported as it is, with what is wrong in it. */
#include "trustlists/tl_model.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/vn_b64.h"
#include "trustlists/tl_xml.h"

#define TL_MAX_CERT_SIZE ((size_t)64 << 10)

typedef struct parse_ctx {
	tl_list *l;
	vn_err err;		/* first hard error (nomem, cap) */
} parse_ctx;

/* ---- small helpers ---------------------------------------------------- */

void tl_strs_free(tl_strs *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

int tl_strs_has(const tl_strs *s, const char *v)
{
	size_t i;

	for (i = 0; v != NULL && i < s->n; i++)
		if (strcmp(s->v[i], v) == 0)
			return 1;
	return 0;
}

int tl_assert_holds(enum tl_assert a, size_t nmatch, size_t nchild)
{
	switch (a) {
	case TL_ASSERT_ALL:
		return nmatch == nchild;
	case TL_ASSERT_AT_LEAST_ONE:
		return nmatch > 0;
	case TL_ASSERT_NONE:
		return nmatch == 0;
	}
	return 0;
}

vn_err tl_strs_push(tl_strs *s, const char *v)
{
	char **nv;
	char *c = strdup(v);

	if (c == NULL)
		return VN_ERR_NOMEM;
	nv = realloc(s->v, (s->n + 1) * sizeof *nv);
	if (nv == NULL) {
		free(c);
		return VN_ERR_NOMEM;
	}
	nv[s->n++] = c;
	s->v = nv;
	return VN_OK;
}

void tl_sdi_free(tl_sdi *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ncerts; i++)
		free(s->certs[i].p);
	free(s->certs);
	for (i = 0; i < s->nskis; i++)
		free(s->skis[i].p);
	free(s->skis);
	tl_strs_free(&s->subject_names);
	memset(s, 0, sizeof *s);
}

static void criteria_free(tl_criteria *c)
{
	size_t i;

	free(c->key_usages);
	for (i = 0; i < c->npolicy_sets; i++)
		tl_strs_free(&c->policy_sets[i]);
	free(c->policy_sets);
	for (i = 0; i < c->nnested; i++)
		criteria_free(&c->nested[i]);
	free(c->nested);
	tl_strs_free(&c->ekus);
	tl_strs_free(&c->subject_attrs);
	free(c->description);
	memset(c, 0, sizeof *c);
}

static void entry_free(tl_service_entry *e)
{
	size_t i;

	free(e->type);
	free(e->name);
	free(e->status);
	tl_sdi_free(&e->sdi);
	tl_strs_free(&e->supply_points);
	tl_strs_free(&e->asi);
	for (i = 0; i < e->nquals; i++) {
		tl_strs_free(&e->quals[i].qualifiers);
		criteria_free(&e->quals[i].criteria);
	}
	free(e->quals);
}

void tl_list_free(tl_list *l)
{
	size_t i, j, k;

	if (l == NULL)
		return;
	free(l->tsl_type);
	free(l->operator_name);
	free(l->scheme_name);
	tl_strs_free(&l->scheme_info_uris);
	free(l->status_approach);
	tl_strs_free(&l->community_rules);
	free(l->territory);
	tl_strs_free(&l->distribution_points);
	for (i = 0; i < l->npointers; i++) {
		tl_pointer *p = &l->pointers[i];
		free(p->location);
		tl_sdi_free(&p->sdi);
		free(p->tsl_type);
		free(p->territory);
		free(p->mime_type);
		free(p->operator_name);
		free(p->mra_xml);
	}
	free(l->pointers);
	for (i = 0; i < l->ntsps; i++) {
		tl_tsp *t = &l->tsps[i];
		for (j = 0; j < t->nservices; j++) {
			for (k = 0; k < t->services[j].n; k++)
				entry_free(&t->services[j].entries[k]);
			free(t->services[j].entries);
		}
		free(t->services);
		free(t->name);
		free(t->trade_name);
	}
	free(l->tsps);
	free(l->root_id);
	vn_findings_free(&l->findings);
	free(l);
}

int tl_type_is_lotl(const char *t)
{
	size_t n;

	if (t == NULL)
		return 0;
	n = strlen(t);
	return n >= 14 && strcmp(t + n - 14, "listofthelists") == 0;
}

int tl_list_is_lotl(const tl_list *l)
{
	return tl_type_is_lotl(l->tsl_type);
}

static void note(parse_ctx *c, vn_level lvl, const char *code, const char *msg,
		 const xmlNode *n)
{
	vn_err e = vn_findings_add(&c->l->findings, lvl, code, "%s (line %ld)", msg,
				   n ? xmlGetLineNo(n) : 0L);
	if (e != VN_OK && c->err == VN_OK)
		c->err = e;
}

static char *text_of(parse_ctx *c, const xmlNode *n)
{
	char *t = tl_xml_text(n);

	if (t == NULL && c->err == VN_OK)
		c->err = VN_ERR_NOMEM;
	return t;
}

static void push_str(parse_ctx *c, tl_strs *s, const xmlNode *n)
{
	char *t = text_of(c, n);
	vn_err e;

	if (t == NULL)
		return;
	e = tl_strs_push(s, t);
	free(t);
	if (e != VN_OK && c->err == VN_OK)
		c->err = e;
}

/* Set an owned string field; an element that appears twice (a structure
 * error the order check reports) must not leak its first value. */
static void set_str(char **field, char *v)
{
	free(*field);
	*field = v;
}

static vn_time time_of(parse_ctx *c, const xmlNode *n, const char *what)
{
	char *t = text_of(c, n);
	vn_time v = VN_TIME_NONE;

	if (t == NULL)
		return VN_TIME_NONE;
	if (vn_time_parse(t, VN_TIME_XSD, &v) != VN_OK) {
		char msg[256];
		snprintf(msg, sizeof msg, "%s is not a valid xsd:dateTime: '%.64s'", what, t);
		note(c, VN_LEVEL_ERROR, "TL_BAD_DATETIME", msg, n);
		v = VN_TIME_NONE;
	}
	free(t);
	return v;
}

/* The English Name of a multilingual element, else the first one. */
static char *ml_name(parse_ctx *c, const xmlNode *n, const char *child)
{
	xmlNodePtr k, first = NULL;

	for (k = tl_xml_first_elem(n); k != NULL; k = tl_xml_next_elem(k)) {
		if (!tl_xml_is(k, TL_NS_TSL, child))
			continue;
		if (first == NULL)
			first = k;
		{
			xmlChar *lang = xmlNodeGetLang(k);
			int en = lang != NULL && strncmp((const char *)lang, "en", 2) == 0;
			xmlFree(lang);
			if (en)
				return text_of(c, k);
		}
	}
	return first ? text_of(c, first) : NULL;
}

/* Check that the element children of parent come in the given order, each
 * known, with the required ones present. order[] ends with NULL; a name
 * prefixed with '!' is required. Namespaces: all TSL except where the name
 * contains ':' ("ds:Signature"). */
static void check_order(parse_ctx *c, const xmlNode *parent, const char *const *order)
{
	size_t nord = 0, i, last = 0;
	unsigned seen = 0;
	xmlNodePtr k;
	char msg[256];

	while (order[nord] != NULL)
		nord++;
	for (k = tl_xml_first_elem(parent); k != NULL; k = tl_xml_next_elem(k)) {
		for (i = 0; i < nord; i++) {
			const char *nm = order[i][0] == '!' ? order[i] + 1 : order[i];
			const char *colon = strchr(nm, ':');
			if (colon ? tl_xml_is(k, TL_NS_DS, colon + 1) : tl_xml_is(k, TL_NS_TSL, nm))
				break;
		}
		if (i == nord) {
			snprintf(msg, sizeof msg, "unexpected element %s in %s",
				 (const char *)k->name, (const char *)parent->name);
			note(c, VN_LEVEL_ERROR, "TL_STRUCTURE", msg, k);
			continue;
		}
		if (i < last) {
			snprintf(msg, sizeof msg, "element %s out of order in %s",
				 (const char *)k->name, (const char *)parent->name);
			note(c, VN_LEVEL_ERROR, "TL_STRUCTURE", msg, k);
		}
		if (i < 32)
			seen |= 1u << i;
		last = i;
	}
	for (i = 0; i < nord && i < 32; i++)
		if (order[i][0] == '!' && !(seen & (1u << i))) {
			snprintf(msg, sizeof msg, "required element %s missing in %s",
				 order[i] + 1, (const char *)parent->name);
			note(c, VN_LEVEL_ERROR, "TL_STRUCTURE", msg, parent);
		}
}

/* ---- digital identities ---------------------------------------------- */

static int cert_der(const char *txt, unsigned char **der, size_t *n)
{
	BIO *bio;
	X509 *x;
	int len;
	unsigned char *p;

	if (vn_b64_decode(txt, strlen(txt), TL_MAX_CERT_SIZE, der, n) == VN_OK)
		return 0;
	/* Some lists carry PEM text inside X509Certificate. */
	if (strstr(txt, "-----BEGIN") == NULL)
		return -1;
	bio = BIO_new_mem_buf(txt, -1);
	if (bio == NULL)
		return -1;
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (x == NULL)
		return -1;
	len = i2d_X509(x, NULL);
	if (len <= 0 || (p = malloc((size_t)len)) == NULL) {
		X509_free(x);
		return -1;
	}
	*der = p;
	(void)i2d_X509(x, &p);
	*n = (size_t)len;
	X509_free(x);
	return 0;
}

static void blob_push(parse_ctx *c, tl_blob **arr, size_t *n, unsigned char *p, size_t len)
{
	tl_blob *nb = realloc(*arr, (*n + 1) * sizeof *nb);

	if (nb == NULL) {
		free(p);
		if (c->err == VN_OK)
			c->err = VN_ERR_NOMEM;
		return;
	}
	nb[*n].p = p;
	nb[*n].n = len;
	*arr = nb;
	(*n)++;
}

/* DigitalId children of a ServiceDigitalIdentity into sdi (appending). */
static void parse_sdi(parse_ctx *c, const xmlNode *sdi_node, tl_sdi *sdi)
{
	xmlNodePtr d, k;
	size_t count = 0;

	for (d = tl_xml_first_elem(sdi_node); d != NULL; d = tl_xml_next_elem(d)) {
		if (!tl_xml_is(d, TL_NS_TSL, "DigitalId"))
			continue;
		if (++count > TL_MAX_IDS) {
			note(c, VN_LEVEL_ERROR, "TL_TOO_MANY_IDS", "too many DigitalId entries", d);
			return;
		}
		for (k = tl_xml_first_elem(d); k != NULL; k = tl_xml_next_elem(k)) {
			char *t;
			unsigned char *der = NULL;
			size_t n = 0;

			if (tl_xml_is(k, TL_NS_DS, "KeyValue")) {
				sdi->nkeyvalues++;
				continue;
			}
			if (!tl_xml_is(k, TL_NS_TSL, "X509Certificate") &&
			    !tl_xml_is(k, TL_NS_TSL, "X509SKI") &&
			    !tl_xml_is(k, TL_NS_TSL, "X509SubjectName"))
				continue;
			t = text_of(c, k);
			if (t == NULL)
				return;
			if (tl_xml_is(k, TL_NS_TSL, "X509SubjectName")) {
				vn_err e = tl_strs_push(&sdi->subject_names, t);
				if (e != VN_OK && c->err == VN_OK)
					c->err = e;
			} else if (tl_xml_is(k, TL_NS_TSL, "X509Certificate")) {
				if (cert_der(t, &der, &n) == 0)
					blob_push(c, &sdi->certs, &sdi->ncerts, der, n);
				else
					note(c, VN_LEVEL_ERROR, "TL_BAD_CERTIFICATE",
					     "X509Certificate is neither base64 DER nor PEM", k);
			} else {
				if (vn_b64_decode(t, strlen(t), 64, &der, &n) == VN_OK)
					blob_push(c, &sdi->skis, &sdi->nskis, der, n);
				else
					note(c, VN_LEVEL_ERROR, "TL_BAD_SKI", "X509SKI is not base64", k);
			}
			free(t);
		}
	}
}

/* ---- service information extensions ---------------------------------- */

static const char *const ku_names[9] = {
	"digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment",
	"keyAgreement", "keyCertSign", "crlSign", "encipherOnly", "decipherOnly"};

static void oid_push(parse_ctx *c, tl_strs *s, const xmlNode *holder)
{
	/* ObjectIdentifierType: xades:Identifier, optional Qualifier="OIDAsURN" */
	xmlNodePtr id = tl_xml_child(holder, TL_NS_XADES, "Identifier");
	char *t;
	const char *v;
	vn_err e;

	if (id == NULL)
		return;
	t = text_of(c, id);
	if (t == NULL)
		return;
	v = t;
	if (strncmp(v, "urn:oid:", 8) == 0)
		v += 8;
	e = tl_strs_push(s, v);
	free(t);
	if (e != VN_OK && c->err == VN_OK)
		c->err = e;
}

static void parse_criteria(parse_ctx *c, const xmlNode *n, tl_criteria *cr, int depth)
{
	xmlChar *a = xmlGetProp(n, (const xmlChar *)"assert");
	xmlNodePtr k, m;

	cr->assert_ = TL_ASSERT_ALL;
	if (a != NULL) {
		if (strcmp((const char *)a, "atLeastOne") == 0)
			cr->assert_ = TL_ASSERT_AT_LEAST_ONE;
		else if (strcmp((const char *)a, "none") == 0)
			cr->assert_ = TL_ASSERT_NONE;
		else if (strcmp((const char *)a, "all") != 0)
			note(c, VN_LEVEL_ERROR, "TL_STRUCTURE", "unknown CriteriaList assert value", n);
		xmlFree(a);
	}
	if (depth > 8) {
		note(c, VN_LEVEL_ERROR, "TL_STRUCTURE", "CriteriaList nested too deep", n);
		cr->has_unknown = 1;
		return;
	}
	for (k = tl_xml_first_elem(n); k != NULL && c->err == VN_OK; k = tl_xml_next_elem(k)) {
		if (tl_xml_is(k, TL_NS_ECC, "KeyUsage")) {
			tl_key_usage ku = {0, 0};
			tl_key_usage *nk;
			for (m = tl_xml_first_elem(k); m != NULL; m = tl_xml_next_elem(m)) {
				xmlChar *nm = xmlGetProp(m, (const xmlChar *)"name");
				char *val = text_of(c, m);
				unsigned b;
				for (b = 0; nm != NULL && b < 9; b++)
					if (strcmp((const char *)nm, ku_names[b]) == 0)
						break;
				if (nm == NULL || b == 9 || val == NULL) {
					note(c, VN_LEVEL_ERROR, "TL_STRUCTURE", "unknown KeyUsageBit", m);
					cr->has_unknown = 1;
				} else {
					ku.mask |= 1u << b;
					if (strcmp(val, "true") == 0 || strcmp(val, "1") == 0)
						ku.value |= 1u << b;
				}
				xmlFree(nm);
				free(val);
			}
			nk = realloc(cr->key_usages, (cr->nkey_usages + 1) * sizeof *nk);
			if (nk == NULL) {
				c->err = VN_ERR_NOMEM;
				return;
			}
			nk[cr->nkey_usages++] = ku;
			cr->key_usages = nk;
		} else if (tl_xml_is(k, TL_NS_ECC, "PolicySet")) {
			tl_strs *ns = realloc(cr->policy_sets, (cr->npolicy_sets + 1) * sizeof *ns);
			if (ns == NULL) {
				c->err = VN_ERR_NOMEM;
				return;
			}
			cr->policy_sets = ns;
			memset(&ns[cr->npolicy_sets], 0, sizeof *ns);
			for (m = tl_xml_first_elem(k); m != NULL; m = tl_xml_next_elem(m))
				if (tl_xml_is(m, TL_NS_ECC, "PolicyIdentifier"))
					oid_push(c, &ns[cr->npolicy_sets], m);
			cr->npolicy_sets++;
		} else if (tl_xml_is(k, TL_NS_ECC, "CriteriaList")) {
			tl_criteria *nn = realloc(cr->nested, (cr->nnested + 1) * sizeof *nn);
			if (nn == NULL) {
				c->err = VN_ERR_NOMEM;
				return;
			}
			cr->nested = nn;
			memset(&nn[cr->nnested], 0, sizeof *nn);
			parse_criteria(c, k, &nn[cr->nnested++], depth + 1);
		} else if (tl_xml_is(k, TL_NS_ECC, "Description")) {
			free(cr->description);
			cr->description = text_of(c, k);
		} else if (tl_xml_is(k, TL_NS_ECC, "otherCriteriaList")) {
			for (m = tl_xml_first_elem(k); m != NULL; m = tl_xml_next_elem(m)) {
				xmlNodePtr o;
				if (tl_xml_is(m, TL_NS_TSLX, "ExtendedKeyUsage")) {
					for (o = tl_xml_first_elem(m); o; o = tl_xml_next_elem(o))
						if (tl_xml_is(o, TL_NS_TSLX, "KeyPurposeId"))
							oid_push(c, &cr->ekus, o);
				} else if (tl_xml_is(m, TL_NS_TSLX, "CertSubjectDNAttribute")) {
					for (o = tl_xml_first_elem(m); o; o = tl_xml_next_elem(o))
						if (tl_xml_is(o, TL_NS_TSLX, "AttributeOID"))
							oid_push(c, &cr->subject_attrs, o);
				} else {
					cr->has_unknown = 1;
				}
			}
		}
	}
}

static void parse_qualifications(parse_ctx *c, const xmlNode *n, tl_service_entry *e)
{
	xmlNodePtr q, k, m;

	for (q = tl_xml_first_elem(n); q != NULL && c->err == VN_OK; q = tl_xml_next_elem(q)) {
		tl_qualification *nq;

		if (!tl_xml_is(q, TL_NS_ECC, "QualificationElement"))
			continue;
		nq = realloc(e->quals, (e->nquals + 1) * sizeof *nq);
		if (nq == NULL) {
			c->err = VN_ERR_NOMEM;
			return;
		}
		e->quals = nq;
		nq = &nq[e->nquals++];
		memset(nq, 0, sizeof *nq);
		for (k = tl_xml_first_elem(q); k != NULL; k = tl_xml_next_elem(k)) {
			if (tl_xml_is(k, TL_NS_ECC, "Qualifiers")) {
				for (m = tl_xml_first_elem(k); m; m = tl_xml_next_elem(m)) {
					xmlChar *u = xmlGetProp(m, (const xmlChar *)"uri");
					if (u != NULL) {
						if (tl_strs_push(&nq->qualifiers, (const char *)u) != VN_OK)
							c->err = VN_ERR_NOMEM;
						xmlFree(u);
					}
				}
			} else if (tl_xml_is(k, TL_NS_ECC, "CriteriaList")) {
				parse_criteria(c, k, &nq->criteria, 0);
			}
		}
	}
}

static void parse_extensions(parse_ctx *c, const xmlNode *n, tl_service_entry *e)
{
	xmlNodePtr x, k, m;

	for (x = tl_xml_first_elem(n); x != NULL && c->err == VN_OK; x = tl_xml_next_elem(x)) {
		xmlChar *crit;
		int critical, known = 0;

		if (!tl_xml_is(x, TL_NS_TSL, "Extension"))
			continue;
		crit = xmlGetProp(x, (const xmlChar *)"Critical");
		critical = crit != NULL && (strcmp((const char *)crit, "true") == 0 ||
					    strcmp((const char *)crit, "1") == 0);
		xmlFree(crit);
		for (k = tl_xml_first_elem(x); k != NULL; k = tl_xml_next_elem(k)) {
			if (tl_xml_is(k, TL_NS_ECC, "Qualifications")) {
				parse_qualifications(c, k, e);
				known = 1;
			} else if (tl_xml_is(k, TL_NS_TSL, "AdditionalServiceInformation")) {
				m = tl_xml_child(k, TL_NS_TSL, "URI");
				if (m != NULL)
					push_str(c, &e->asi, m);
				known = 1;
			} else if (tl_xml_is(k, TL_NS_TSL, "ExpiredCertsRevocationInfo")) {
				e->expired_certs_revocation_info =
					time_of(c, k, "ExpiredCertsRevocationInfo");
				known = 1;
			} else if (tl_xml_is(k, TL_NS_TSLX, "TakenOverBy")) {
				known = 1;
			}
		}
		if (critical && !known) {
			/* TS 119 612 5.5.9: a critical extension that is not
			 * understood makes the service entry unusable. */
			e->unknown_critical = 1;
			note(c, VN_LEVEL_WARN, "TL_UNKNOWN_CRITICAL_EXTENSION",
			     "service carries a critical extension that is not understood", x);
		}
	}
}

/* ServiceInformation or ServiceHistoryInstance. */
static void parse_entry(parse_ctx *c, const xmlNode *n, tl_service_entry *e, int history)
{
	static const char *const order_info[] = {
		"!ServiceTypeIdentifier", "!ServiceName", "!ServiceDigitalIdentity",
		"!ServiceStatus", "!StatusStartingTime", "SchemeServiceDefinitionURI",
		"ServiceSupplyPoints", "TSPServiceDefinitionURI",
		"ServiceInformationExtensions", NULL};
	static const char *const order_hist[] = {
		"!ServiceTypeIdentifier", "!ServiceName", "!ServiceDigitalIdentity",
		"!ServiceStatus", "!StatusStartingTime", "ServiceInformationExtensions", NULL};
	xmlNodePtr k, m;

	memset(e, 0, sizeof *e);
	e->start = VN_TIME_NONE;
	e->end = VN_TIME_NONE;
	e->expired_certs_revocation_info = VN_TIME_NONE;
	check_order(c, n, history ? order_hist : order_info);
	for (k = tl_xml_first_elem(n); k != NULL && c->err == VN_OK; k = tl_xml_next_elem(k)) {
		if (tl_xml_is(k, TL_NS_TSL, "ServiceTypeIdentifier"))
			set_str(&e->type, text_of(c, k));
		else if (tl_xml_is(k, TL_NS_TSL, "ServiceName"))
			set_str(&e->name, ml_name(c, k, "Name"));
		else if (tl_xml_is(k, TL_NS_TSL, "ServiceDigitalIdentity"))
			parse_sdi(c, k, &e->sdi);
		else if (tl_xml_is(k, TL_NS_TSL, "ServiceStatus"))
			set_str(&e->status, text_of(c, k));
		else if (tl_xml_is(k, TL_NS_TSL, "StatusStartingTime"))
			e->start = time_of(c, k, "StatusStartingTime");
		else if (tl_xml_is(k, TL_NS_TSL, "ServiceSupplyPoints")) {
			for (m = tl_xml_first_elem(k); m; m = tl_xml_next_elem(m))
				if (tl_xml_is(m, TL_NS_TSL, "ServiceSupplyPoint"))
					push_str(c, &e->supply_points, m);
		} else if (tl_xml_is(k, TL_NS_TSL, "ServiceInformationExtensions"))
			parse_extensions(c, k, e);
	}
}

static int entry_cmp_newest_first(const void *a, const void *b)
{
	const tl_service_entry *x = a, *y = b;

	if (x->start == y->start)
		return 0;
	return x->start > y->start ? -1 : 1;
}

static void parse_service(parse_ctx *c, const xmlNode *n, tl_service *s)
{
	xmlNodePtr info = tl_xml_child(n, TL_NS_TSL, "ServiceInformation");
	xmlNodePtr hist = tl_xml_child(n, TL_NS_TSL, "ServiceHistory");
	xmlNodePtr h;
	size_t nh = 0, i;

	if (info == NULL) {
		note(c, VN_LEVEL_ERROR, "TL_STRUCTURE", "TSPService without ServiceInformation", n);
		return;
	}
	for (h = tl_xml_first_elem(hist); h != NULL; h = tl_xml_next_elem(h))
		if (tl_xml_is(h, TL_NS_TSL, "ServiceHistoryInstance"))
			nh++;
	c->l->nservices_total += 1 + nh;
	if (c->l->nservices_total > TL_MAX_SERVICES) {
		c->err = VN_ERR_TOO_LARGE;
		return;
	}
	s->entries = calloc(1 + nh, sizeof *s->entries);
	if (s->entries == NULL) {
		c->err = VN_ERR_NOMEM;
		return;
	}
	parse_entry(c, info, &s->entries[0], 0);
	s->n = 1;
	for (h = tl_xml_first_elem(hist); h != NULL && c->err == VN_OK; h = tl_xml_next_elem(h)) {
		if (!tl_xml_is(h, TL_NS_TSL, "ServiceHistoryInstance"))
			continue;
		parse_entry(c, h, &s->entries[s->n], 1);
		s->n++;
	}
	/* TS 119 612 5.6: history instances, newest first; each ends where the
	 * next newer one (or the current information) starts. Entries without
	 * a start time cannot be placed and keep start = NONE (never matched). */
	if (s->n > 2)
		qsort(s->entries + 1, s->n - 1, sizeof *s->entries, entry_cmp_newest_first);
	for (i = 1; i < s->n; i++)
		s->entries[i].end = s->entries[i - 1].start;
}

static void parse_tsp(parse_ctx *c, const xmlNode *n, tl_tsp *t)
{
	xmlNodePtr info = tl_xml_child(n, TL_NS_TSL, "TSPInformation");
	xmlNodePtr svcs = tl_xml_child(n, TL_NS_TSL, "TSPServices");
	xmlNodePtr k;
	size_t ns = 0;

	if (info == NULL || svcs == NULL) {
		note(c, VN_LEVEL_ERROR, "TL_STRUCTURE",
		     "TrustServiceProvider needs TSPInformation and TSPServices", n);
	}
	if (info != NULL) {
		xmlNodePtr nm = tl_xml_child(info, TL_NS_TSL, "TSPName");
		xmlNodePtr tn = tl_xml_child(info, TL_NS_TSL, "TSPTradeName");
		if (nm != NULL)
			set_str(&t->name, ml_name(c, nm, "Name"));
		if (tn != NULL)
			set_str(&t->trade_name, ml_name(c, tn, "Name"));
	}
	for (k = tl_xml_first_elem(svcs); k != NULL; k = tl_xml_next_elem(k))
		if (tl_xml_is(k, TL_NS_TSL, "TSPService"))
			ns++;
	if (ns == 0)
		return;
	t->services = calloc(ns, sizeof *t->services);
	if (t->services == NULL) {
		c->err = VN_ERR_NOMEM;
		return;
	}
	/* A service that could not be read (no ServiceInformation: noted as
	 * TL_STRUCTURE) has no entry and is left out, so that every service of
	 * a list has its current entry, entries[0], as every reader expects. */
	for (k = tl_xml_first_elem(svcs); k != NULL && c->err == VN_OK; k = tl_xml_next_elem(k))
		if (tl_xml_is(k, TL_NS_TSL, "TSPService")) {
			parse_service(c, k, &t->services[t->nservices]);
			if (t->services[t->nservices].n > 0)
				t->nservices++;
		}
}

/* ---- pointers ---------------------------------------------------------- */

static char *serialise(parse_ctx *c, const xmlNode *n)
{
	xmlDocPtr d = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr copy;
	xmlChar *mem = NULL;
	int len = 0;
	char *r = NULL;

	if (d == NULL)
		goto nomem;
	copy = xmlDocCopyNode((xmlNodePtr)n, d, 1);
	if (copy == NULL)
		goto nomem;
	xmlDocSetRootElement(d, copy);
	(void)xmlReconciliateNs(d, copy);
	xmlDocDumpMemory(d, &mem, &len);
	if (mem == NULL)
		goto nomem;
	r = strdup((const char *)mem);
	xmlFree(mem);
	xmlFreeDoc(d);
	if (r == NULL)
		goto nomem2;
	return r;
nomem:
	xmlFreeDoc(d);
nomem2:
	if (c->err == VN_OK)
		c->err = VN_ERR_NOMEM;
	return NULL;
}

static void parse_pointer(parse_ctx *c, const xmlNode *n, tl_pointer *p)
{
	xmlNodePtr k, m, o;

	for (k = tl_xml_first_elem(n); k != NULL && c->err == VN_OK; k = tl_xml_next_elem(k)) {
		if (tl_xml_is(k, TL_NS_TSL, "ServiceDigitalIdentities")) {
			for (m = tl_xml_first_elem(k); m; m = tl_xml_next_elem(m))
				if (tl_xml_is(m, TL_NS_TSL, "ServiceDigitalIdentity"))
					parse_sdi(c, m, &p->sdi);
		} else if (tl_xml_is(k, TL_NS_TSL, "TSLLocation")) {
			set_str(&p->location, text_of(c, k));
		} else if (tl_xml_is(k, TL_NS_TSL, "AdditionalInformation")) {
			for (m = tl_xml_first_elem(k); m; m = tl_xml_next_elem(m)) {
				if (!tl_xml_is(m, TL_NS_TSL, "OtherInformation"))
					continue;
				o = tl_xml_first_elem(m);
				if (o == NULL)
					continue;
				if (tl_xml_is(o, TL_NS_TSL, "TSLType") && p->tsl_type == NULL)
					p->tsl_type = text_of(c, o);
				else if (tl_xml_is(o, TL_NS_TSL, "SchemeTerritory") && p->territory == NULL)
					p->territory = text_of(c, o);
				else if (tl_xml_is(o, TL_NS_TSLX, "MimeType") && p->mime_type == NULL)
					p->mime_type = text_of(c, o);
				else if (tl_xml_is(o, TL_NS_TSL, "SchemeOperatorName") &&
					 p->operator_name == NULL)
					p->operator_name = ml_name(c, o, "Name");
				else if (tl_xml_is(o, TL_NS_MRA, "MutualRecognitionAgreementInformation") &&
					 p->mra_xml == NULL)
					p->mra_xml = serialise(c, o);
			}
		}
	}
	if (p->location == NULL)
		note(c, VN_LEVEL_ERROR, "TL_STRUCTURE", "OtherTSLPointer without TSLLocation", n);
}

/* ---- scheme information ------------------------------------------------ */

static void parse_scheme(parse_ctx *c, const xmlNode *si)
{
	static const char *const order[] = {
		"!TSLVersionIdentifier", "!TSLSequenceNumber", "!TSLType",
		"!SchemeOperatorName", "!SchemeOperatorAddress", "!SchemeName",
		"!SchemeInformationURI", "!StatusDeterminationApproach",
		"SchemeTypeCommunityRules", "SchemeTerritory", "PolicyOrLegalNotice",
		"!HistoricalInformationPeriod", "PointersToOtherTSL", "!ListIssueDateTime",
		"!NextUpdate", "DistributionPoints", "SchemeExtensions", NULL};
	tl_list *l = c->l;
	xmlNodePtr k, m;
	char *t;

	check_order(c, si, order);
	for (k = tl_xml_first_elem(si); k != NULL && c->err == VN_OK; k = tl_xml_next_elem(k)) {
		if (tl_xml_is(k, TL_NS_TSL, "TSLVersionIdentifier")) {
			t = text_of(c, k);
			if (t != NULL) {
				char *end;
				long v = strtol(t, &end, 10);
				if (*t == '\0' || *end != '\0' || v < 1 || v > 100)
					note(c, VN_LEVEL_ERROR, "TL_STRUCTURE", "bad TSLVersionIdentifier", k);
				else
					l->version = (int)v;
				free(t);
			}
		} else if (tl_xml_is(k, TL_NS_TSL, "TSLSequenceNumber")) {
			t = text_of(c, k);
			if (t != NULL) {
				char *end;
				unsigned long long v = strtoull(t, &end, 10);
				if (*t < '1' || *t > '9' || *end != '\0' || v == 0)
					note(c, VN_LEVEL_ERROR, "TL_STRUCTURE",
					     "TSLSequenceNumber is not a positive integer", k);
				else
					l->seq = (uint64_t)v;
				free(t);
			}
		} else if (tl_xml_is(k, TL_NS_TSL, "TSLType")) {
			set_str(&l->tsl_type, text_of(c, k));
		} else if (tl_xml_is(k, TL_NS_TSL, "SchemeOperatorName")) {
			set_str(&l->operator_name, ml_name(c, k, "Name"));
		} else if (tl_xml_is(k, TL_NS_TSL, "SchemeName")) {
			set_str(&l->scheme_name, ml_name(c, k, "Name"));
		} else if (tl_xml_is(k, TL_NS_TSL, "SchemeInformationURI")) {
			for (m = tl_xml_first_elem(k); m; m = tl_xml_next_elem(m))
				if (tl_xml_is(m, TL_NS_TSL, "URI"))
					push_str(c, &l->scheme_info_uris, m);
		} else if (tl_xml_is(k, TL_NS_TSL, "StatusDeterminationApproach")) {
			set_str(&l->status_approach, text_of(c, k));
		} else if (tl_xml_is(k, TL_NS_TSL, "SchemeTypeCommunityRules")) {
			for (m = tl_xml_first_elem(k); m; m = tl_xml_next_elem(m))
				if (tl_xml_is(m, TL_NS_TSL, "URI"))
					push_str(c, &l->community_rules, m);
		} else if (tl_xml_is(k, TL_NS_TSL, "SchemeTerritory")) {
			set_str(&l->territory, text_of(c, k));
		} else if (tl_xml_is(k, TL_NS_TSL, "HistoricalInformationPeriod")) {
			t = text_of(c, k);
			if (t != NULL) {
				l->historical_period = strtoll(t, NULL, 10);
				free(t);
			}
		} else if (tl_xml_is(k, TL_NS_TSL, "PointersToOtherTSL")) {
			size_t np = 0;
			for (m = tl_xml_first_elem(k); m; m = tl_xml_next_elem(m))
				if (tl_xml_is(m, TL_NS_TSL, "OtherTSLPointer"))
					np++;
			if (np > TL_MAX_POINTERS) {
				c->err = VN_ERR_TOO_LARGE;
				return;
			}
			if (np == 0 || l->pointers != NULL)
				continue;
			l->pointers = calloc(np, sizeof *l->pointers);
			if (l->pointers == NULL) {
				c->err = VN_ERR_NOMEM;
				return;
			}
			for (m = tl_xml_first_elem(k); m && c->err == VN_OK; m = tl_xml_next_elem(m))
				if (tl_xml_is(m, TL_NS_TSL, "OtherTSLPointer"))
					parse_pointer(c, m, &l->pointers[l->npointers++]);
		} else if (tl_xml_is(k, TL_NS_TSL, "ListIssueDateTime")) {
			l->issued = time_of(c, k, "ListIssueDateTime");
		} else if (tl_xml_is(k, TL_NS_TSL, "NextUpdate")) {
			/* TS 119 612 5.3.15: an empty NextUpdate closes the list. */
			m = tl_xml_child(k, TL_NS_TSL, "dateTime");
			if (m == NULL)
				l->closed = 1;
			else
				l->next_update = time_of(c, m, "NextUpdate");
		} else if (tl_xml_is(k, TL_NS_TSL, "DistributionPoints")) {
			for (m = tl_xml_first_elem(k); m; m = tl_xml_next_elem(m))
				if (tl_xml_is(m, TL_NS_TSL, "URI"))
					push_str(c, &l->distribution_points, m);
		}
	}
}

vn_err tl_parse(xmlDocPtr doc, tl_list **out)
{
	parse_ctx c;
	xmlNodePtr root = xmlDocGetRootElement(doc), si, tspl, k;
	xmlChar *id;
	size_t nt = 0;
	static const char *const root_order[] = {"!SchemeInformation",
						 "TrustServiceProviderList", "ds:Signature", NULL};

	*out = NULL;
	if (!tl_xml_is(root, TL_NS_TSL, "TrustServiceStatusList"))
		return VN_ERR_MALFORMED;
	si = tl_xml_child(root, TL_NS_TSL, "SchemeInformation");
	if (si == NULL)
		return VN_ERR_MALFORMED;
	c.l = calloc(1, sizeof *c.l);
	if (c.l == NULL)
		return VN_ERR_NOMEM;
	c.err = VN_OK;
	c.l->issued = VN_TIME_NONE;
	c.l->next_update = VN_TIME_NONE;
	vn_findings_init(&c.l->findings);
	id = xmlGetProp(root, (const xmlChar *)"Id");
	if (id != NULL) {
		c.l->root_id = strdup((const char *)id);
		xmlFree(id);
		if (c.l->root_id == NULL)
			c.err = VN_ERR_NOMEM;
	}
	if (!xmlHasProp(root, (const xmlChar *)"TSLTag"))
		note(&c, VN_LEVEL_ERROR, "TL_STRUCTURE", "root lacks the TSLTag attribute", root);
	check_order(&c, root, root_order);
	parse_scheme(&c, si);
	tspl = tl_xml_child(root, TL_NS_TSL, "TrustServiceProviderList");
	for (k = tl_xml_first_elem(tspl); k != NULL; k = tl_xml_next_elem(k))
		if (tl_xml_is(k, TL_NS_TSL, "TrustServiceProvider"))
			nt++;
	if (nt > TL_MAX_TSPS && c.err == VN_OK)
		c.err = VN_ERR_TOO_LARGE;
	if (nt > 0 && c.err == VN_OK) {
		c.l->tsps = calloc(nt, sizeof *c.l->tsps);
		if (c.l->tsps == NULL)
			c.err = VN_ERR_NOMEM;
		for (k = tl_xml_first_elem(tspl); k != NULL && c.err == VN_OK; k = tl_xml_next_elem(k))
			if (tl_xml_is(k, TL_NS_TSL, "TrustServiceProvider"))
				parse_tsp(&c, k, &c.l->tsps[c.l->ntsps++]);
	}
	if (c.err == VN_OK && c.l->version != 0 && c.l->version != 5 && c.l->version != 6)
		note(&c, VN_LEVEL_ERROR, "TL_VERSION",
		     "TSLVersionIdentifier is neither 5 nor 6", si);
	if (c.err != VN_OK) {
		vn_err e = c.err;
		tl_list_free(c.l);
		return e;
	}
	*out = c.l;
	return VN_OK;
}
