#include "trustlists/tl_xmlsec.h"

#include <pthread.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/errors.h>
#include <xmlsec/crypto.h>

#include "trustlists/tl_xml.h"

static pthread_once_t xmlsec_once = PTHREAD_ONCE_INIT;
static vn_err xmlsec_status = VN_ERR_CRYPTO;

/* xmlsec prints every failure to stderr by default; an invalid signature is a
 * verdict for us, not console noise, so its messages are dropped. */
static void xmlsec_silent(const char *file, int line, const char *func,
			  const char *errorObject, const char *errorSubject, int reason,
			  const char *msg)
{
	(void)file;
	(void)line;
	(void)func;
	(void)errorObject;
	(void)errorSubject;
	(void)reason;
	(void)msg;
}

static void xmlsec_init_once(void)
{
	tl_xml_global_init();
	xmlSecErrorsSetCallback(xmlsec_silent);
	if (xmlSecInit() < 0)
		return;
	/* The headers we compiled against must match the library loaded. */
	if (xmlSecCheckVersion() != 1)
		return;
	if (xmlSecCryptoAppInit(NULL) < 0)
		return;
	if (xmlSecCryptoInit() < 0)
		return;
	xmlsec_status = VN_OK;
}

vn_err tl_xmlsec_init(void)
{
	if (pthread_once(&xmlsec_once, xmlsec_init_once) != 0)
		return VN_ERR_INTERNAL;
	return xmlsec_status;
}
