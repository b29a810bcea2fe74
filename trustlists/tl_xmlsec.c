#include "trustlists/tl_xmlsec.h"

#include <pthread.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/crypto.h>

#include "trustlists/tl_xml.h"

static pthread_once_t xmlsec_once = PTHREAD_ONCE_INIT;
static vn_err xmlsec_status = VN_ERR_INTERNAL;

static void xmlsec_init_once(void)
{
	tl_xml_global_init();
	if (xmlSecInit() < 0) {
		xmlsec_status = VN_ERR_CRYPTO;
		return;
	}
	/* A library older or ABI-incompatible with the headers we were built
	 * against would misread our structures: refuse to go on. */
	if (xmlSecCheckVersion() != 1) {
		xmlsec_status = VN_ERR_CRYPTO;
		return;
	}
	if (xmlSecCryptoAppInit(NULL) < 0 || xmlSecCryptoInit() < 0) {
		xmlsec_status = VN_ERR_CRYPTO;
		return;
	}
	xmlsec_status = VN_OK;
}

vn_err tl_xmlsec_init(void)
{
	if (pthread_once(&xmlsec_once, xmlsec_init_once) != 0)
		return VN_ERR_INTERNAL;
	return xmlsec_status;
}
