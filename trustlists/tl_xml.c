#include "trustlists/tl_xml.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlerror.h>

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void xml_init_once(void)
{
	xmlInitParser();
	/* Never fetch or substitute: these globals are the defaults for any
	 * parser libxml2 or xmlsec creates behind our back. */
	xmlSubstituteEntitiesDefault(0);
	xmlLoadExtDtdDefaultValue = 0;
	xmlPedanticParserDefault(0);
	xmlSetGenericErrorFunc(NULL, xml_silent);
	/* Schemas, catalogs and includes: local files only. */
	xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader);
}

void tl_xml_global_init(void)
{
	(void)pthread_once(&xml_once, xml_init_once);
}

static int depth_ok(const xmlNode *n, int depth)
{
	const xmlNode *c;

	if (depth > TL_XML_MAX_DEPTH)
		return 0;
	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !depth_ok(c, depth + 1))
			return 0;
	return 1;
}

static void set_why(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || n == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(why, n, fmt, ap);
	va_end(ap);
}

vn_err tl_xml_read(const unsigned char *buf, size_t len, xmlDocPtr *out,
		   char *why, size_t whylen)
{
	xmlParserCtxtPtr ctx;
	xmlDocPtr doc;
	xmlErrorPtr err;
	int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
		   XML_PARSE_NOCDATA;

	*out = NULL;
	tl_xml_global_init();
	if (len > TL_XML_MAX_SIZE) {
		set_why(why, whylen, "document of %zu bytes exceeds the %zu-byte cap", len,
			TL_XML_MAX_SIZE);
		return VN_ERR_TOO_LARGE;
	}
	if (len == 0 || buf == NULL) {
		set_why(why, whylen, "empty document");
		return VN_ERR_MALFORMED;
	}
	ctx = xmlNewParserCtxt();
	if (ctx == NULL)
		return VN_ERR_NOMEM;
	doc = xmlCtxtReadMemory(ctx, (const char *)buf, (int)len, NULL, NULL, opts);
	if (doc == NULL) {
		err = xmlCtxtGetLastError(ctx);
		if (err != NULL && err->message != NULL)
			set_why(why, whylen, "not well-formed XML (line %d): %.*s", err->line,
				(int)strcspn(err->message, "\n"), err->message);
		else
			set_why(why, whylen, "not well-formed XML");
		xmlFreeParserCtxt(ctx);
		return VN_ERR_MALFORMED;
	}
	xmlFreeParserCtxt(ctx);
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		set_why(why, whylen, "a DOCTYPE is not allowed");
		xmlFreeDoc(doc);
		return VN_ERR_UNSUPPORTED;
	}
	if (xmlDocGetRootElement(doc) == NULL) {
		set_why(why, whylen, "no root element");
		xmlFreeDoc(doc);
		return VN_ERR_MALFORMED;
	}
	if (!depth_ok(xmlDocGetRootElement(doc), 1)) {
		set_why(why, whylen, "elements nested deeper than %d", TL_XML_MAX_DEPTH);
		xmlFreeDoc(doc);
		return VN_ERR_TOO_LARGE;
	}
	*out = doc;
	return VN_OK;
}

int tl_xml_is(const xmlNode *node, const char *ns, const char *name)
{
	if (node == NULL || node->type != XML_ELEMENT_NODE)
		return 0;
	if (strcmp((const char *)node->name, name) != 0)
		return 0;
	if (ns == NULL)
		return 1;
	return node->ns != NULL && node->ns->href != NULL &&
	       strcmp((const char *)node->ns->href, ns) == 0;
}

xmlNodePtr tl_xml_first_elem(const xmlNode *node)
{
	xmlNodePtr c;

	if (node == NULL)
		return NULL;
	for (c = node->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

xmlNodePtr tl_xml_next_elem(const xmlNode *node)
{
	xmlNodePtr c;

	if (node == NULL)
		return NULL;
	for (c = node->next; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return c;
	return NULL;
}

xmlNodePtr tl_xml_child(const xmlNode *node, const char *ns, const char *name)
{
	xmlNodePtr c;

	for (c = tl_xml_first_elem(node); c != NULL; c = tl_xml_next_elem(c))
		if (tl_xml_is(c, ns, name))
			return c;
	return NULL;
}

char *tl_xml_text(const xmlNode *node)
{
	xmlChar *t = xmlNodeGetContent(node);
	const char *s, *e;
	char *r;

	if (t == NULL)
		return strdup("");
	s = (const char *)t;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		e--;
	r = strndup(s, (size_t)(e - s));
	xmlFree(t);
	return r;
}
