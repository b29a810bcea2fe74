#include "common/vn_digest.h"

#include <pthread.h>
#include <string.h>

#include <openssl/objects.h>

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

static const struct {
	int nid;
	const char *name;
} fetched_names[] = {
	{NID_sha1, "SHA1"},
	{NID_sha224, "SHA2-224"},
	{NID_sha256, "SHA2-256"},
	{NID_sha384, "SHA2-384"},
	{NID_sha512, "SHA2-512"},
};
#define N_FETCHED (sizeof fetched_names / sizeof fetched_names[0])
static EVP_MD *fetched[N_FETCHED];
static pthread_once_t fetched_once = PTHREAD_ONCE_INIT;

static void fetch_all(void)
{
	for (size_t i = 0; i < N_FETCHED; i++)
		fetched[i] = EVP_MD_fetch(NULL, fetched_names[i].name, NULL);
}

const EVP_MD *vn_md_by_nid(int nid)
{
	if (nid == NID_sha256 && vn_md_sha256() != NULL)
		return vn_md_sha256();
	(void)pthread_once(&fetched_once, fetch_all);
	for (size_t i = 0; i < N_FETCHED; i++)
		if (fetched_names[i].nid == nid && fetched[i] != NULL)
			return fetched[i];
	return EVP_get_digestbynid(nid);
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

uint64_t vn_fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
