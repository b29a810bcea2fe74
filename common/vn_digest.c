#include "common/vn_digest.h"

#include <pthread.h>
#include <string.h>

static EVP_MD *sha256;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void fetch_sha256(void)
{
	sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL);
}

const EVP_MD *vn_md_sha256(void)
{
	(void)pthread_once(&sha256_once, fetch_sha256);
	return sha256;
}

int vn_sha256(const void *p, size_t n, unsigned char out[VN_SHA256_LEN])
{
	const EVP_MD *md = vn_md_sha256();
	unsigned int len = 0;

	if (p == NULL)
		p = "";
	if (md == NULL || EVP_Digest(p, n, out, &len, md, NULL) != 1 || len != VN_SHA256_LEN) {
		memset(out, 0, VN_SHA256_LEN);
		return -1;
	}
	return 0;
}
