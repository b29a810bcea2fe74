/* XSD validation of trusted lists against the official TS 119 612 schemas,
 * offline: imports are resolved through the schema directory's catalog.xml,
 * and libxml2's loader is told never to use the network. The compiled schema
 * is kept per (directory, version) for the life of the process. */
#include "trustlists/tl_model.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/catalog.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlschemas.h>

#include "trustlists/tl_xml.h"

#define SCHEMA_SLOTS 4

static pthread_mutex_t schema_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char dir[PATH_MAX];
	int version;
	xmlSchemaPtr schema;
} schema_cache[SCHEMA_SLOTS];

typedef struct schema_errs {
	vn_findings *f;
	size_t n;
	size_t real;	/* errors that are not libxml2 limitations */
} schema_errs;

static void schema_error(void *ctx, xmlErrorPtr err)
{
	schema_errs *se = ctx;
	const char *m = err && err->message ? err->message : "schema error";

	/* libxml2 holds xs:integer in 24 decimal digits; certificate serial
	 * numbers (ds:X509SerialNumber) are often longer. That is the
	 * validator's limit, not the list's fault: reported, not counted. */
	if (strstr(m, "X509SerialNumber") != NULL && strstr(m, "xs:integer") != NULL) {
		(void)vn_findings_add(se->f, VN_LEVEL_INFO, "TL_XSD_LIMIT",
				      "line %d: serial number too long for the XSD validator's "
				      "xs:integer; not checked", err ? err->line : 0);
		return;
	}
	se->real++;
	if (se->n++ >= 50)	/* cap: a hostile list must not flood the report */
		return;
	(void)vn_findings_add(se->f, VN_LEVEL_ERROR, "TL_XSD", "line %d: %.*s",
			      err ? err->line : 0, (int)strcspn(m, "\n"), m);
}

static void parser_silent(void *ctx, xmlErrorPtr err)
{
	(void)ctx;
	(void)err;
}

static xmlSchemaPtr compile(const char *dir, int version)
{
	char wrapper[8192], cat[PATH_MAX + 16];
	const char *v = version == 5 ? "020101" : "020401";
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaPtr s;
	int n;

	snprintf(cat, sizeof cat, "%s/catalog.xml", dir);
	if (access(cat, R_OK) == 0)
		(void)xmlLoadCatalog(cat);
	/* One wrapper importing the list schema and the schemas of the
	 * extension namespaces, so that lax content is checked too. */
	n = snprintf(wrapper, sizeof wrapper,
		     "<xsd:schema xmlns:xsd='http://www.w3.org/2001/XMLSchema'>"
		     "<xsd:import namespace='" TL_NS_TSL "' schemaLocation='file://%s/ts_119612v%s_xsd.xsd'/>"
		     "<xsd:import namespace='" TL_NS_TSLX "' schemaLocation='file://%s/ts_119612v%s_additionaltypes_xsd.xsd'/>"
		     "<xsd:import namespace='" TL_NS_ECC "' schemaLocation='file://%s/ts_119612v%s_sie_xsd.xsd'/>"
		     "<xsd:import namespace='" TL_NS_XADES "' schemaLocation='file://%s/XAdES01903v132-202407.xsd'/>"
		     "</xsd:schema>",
		     dir, v, dir, v, dir, v, dir);
	if (n < 0 || (size_t)n >= sizeof wrapper)
		return NULL;
	pc = xmlSchemaNewMemParserCtxt(wrapper, n);
	if (pc == NULL)
		return NULL;
	xmlSchemaSetParserStructuredErrors(pc, parser_silent, NULL);
	s = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	return s;
}

static xmlSchemaPtr get_schema(const char *dir, int version)
{
	char real[PATH_MAX];
	xmlSchemaPtr s = NULL;
	int i;

	if (realpath(dir, real) == NULL)
		return NULL;
	(void)pthread_mutex_lock(&schema_lock);
	for (i = 0; i < SCHEMA_SLOTS; i++)
		if (schema_cache[i].schema != NULL && schema_cache[i].version == version &&
		    strcmp(schema_cache[i].dir, real) == 0) {
			s = schema_cache[i].schema;
			goto out;
		}
	s = compile(real, version);
	if (s == NULL)
		goto out;
	for (i = 0; i < SCHEMA_SLOTS; i++)
		if (schema_cache[i].schema == NULL) {
			schema_cache[i].schema = s;
			schema_cache[i].version = version;
			snprintf(schema_cache[i].dir, sizeof schema_cache[i].dir, "%s", real);
			goto out;
		}
	/* cache full: replace the first slot (old schema stays alive: readers
	 * may hold it; the leak is bounded by the number of directories used) */
	schema_cache[0].schema = s;
	schema_cache[0].version = version;
	snprintf(schema_cache[0].dir, sizeof schema_cache[0].dir, "%s", real);
out:
	(void)pthread_mutex_unlock(&schema_lock);
	return s;
}

vn_err tl_schema_validate(xmlDocPtr doc, const char *dir, vn_findings *f, int *valid)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), si, ver;
	xmlSchemaValidCtxtPtr vc;
	xmlSchemaPtr s;
	schema_errs se = {f, 0, 0};
	int version = 6, rc;

	*valid = 0;
	tl_xml_global_init();
	si = tl_xml_child(root, TL_NS_TSL, "SchemeInformation");
	ver = tl_xml_child(si, TL_NS_TSL, "TSLVersionIdentifier");
	if (ver != NULL) {
		char *t = tl_xml_text(ver);
		if (t != NULL && strcmp(t, "5") == 0)
			version = 5;
		free(t);
	}
	s = get_schema(dir, version);
	if (s == NULL)
		return VN_ERR_NOT_FOUND;
	vc = xmlSchemaNewValidCtxt(s);
	if (vc == NULL)
		return VN_ERR_NOMEM;
	xmlSchemaSetValidStructuredErrors(vc, schema_error, &se);
	rc = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaFreeValidCtxt(vc);
	if (rc < 0)
		return VN_ERR_INTERNAL;
	*valid = rc == 0 || (rc > 0 && se.real == 0);
	return VN_OK;
}
