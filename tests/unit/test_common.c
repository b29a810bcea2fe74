/* Check suite for common/: errors, buffers, time, base64, findings. */
#include "tests/unit/vn_test.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "common/vn_b64.h"
#include "tests/unit/vn_b64_ref.h"
#include "common/vn_certcache.h"
#include "common/vn_digest.h"
#include "common/vn_buf.h"
#include "common/vn_err.h"
#include "common/vn_findings.h"
#include "common/vn_time.h"

START_TEST(test_err_table)
{
	int e;

	for (e = 0; e < VN_ERR__COUNT; e++) {
		ck_assert_ptr_nonnull(vn_err_name((vn_err)e));
		ck_assert_str_ne(vn_err_name((vn_err)e), "unknown");
	}
	ck_assert_str_eq(vn_err_name((vn_err)999), "unknown");
	ck_assert_int_eq(vn_err_exit_code(VN_ERR_MALFORMED), 65);
	ck_assert_int_eq(vn_err_exit_code(VN_ERR_NOT_FOUND), 66);
	ck_assert_int_eq(vn_err_exit_code(VN_ERR_UNAVAILABLE), 69);
}
END_TEST

START_TEST(test_buf_cap)
{
	vn_buf b;

	vn_buf_init(&b, 8);
	ck_assert_int_eq(vn_buf_append(&b, "12345", 5), VN_OK);
	ck_assert_int_eq(vn_buf_append(&b, "678", 3), VN_OK);
	ck_assert_int_eq(b.len, 8);
	/* one byte past the cap fails and leaves the contents alone */
	ck_assert_int_eq(vn_buf_append(&b, "9", 1), VN_ERR_TOO_LARGE);
	ck_assert_int_eq(b.len, 8);
	ck_assert_str_eq((char *)b.data, "12345678");
	vn_buf_reset(&b);
	ck_assert_int_eq(vn_buf_printf(&b, "%d-%s", 42, "x"), VN_OK);
	ck_assert_str_eq((char *)b.data, "42-x");
	ck_assert_int_eq(vn_buf_printf(&b, "%s", "too long!"), VN_ERR_TOO_LARGE);
	vn_buf_free(&b);
	vn_buf_free(NULL);
	/* a reservation: within the cap, one allocation the appends fill
	 * without moving it; past the cap, refused and nothing changed */
	vn_buf_init(&b, 8);
	ck_assert_int_eq(vn_buf_reserve(&b, 9), VN_ERR_TOO_LARGE);
	ck_assert_ptr_null(b.data);
	ck_assert_int_eq(vn_buf_reserve(&b, 6), VN_OK);
	ck_assert_ptr_nonnull(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq((char *)b.data, "");
	{
		unsigned char *at = b.data;
		ck_assert_int_eq(vn_buf_append(&b, "123", 3), VN_OK);
		ck_assert_int_eq(vn_buf_append(&b, "456", 3), VN_OK);
		ck_assert_ptr_eq(b.data, at);
	}
	ck_assert_int_eq(vn_buf_reserve(&b, 3), VN_ERR_TOO_LARGE);
	ck_assert_uint_eq(b.len, 6);
	ck_assert_int_eq(vn_buf_reserve(&b, 2), VN_OK);
	ck_assert_int_eq(vn_buf_append(&b, "78", 2), VN_OK);
	ck_assert_str_eq((char *)b.data, "12345678");
	ck_assert_int_eq(vn_buf_append(&b, "9", 1), VN_ERR_TOO_LARGE);
	vn_buf_free(&b);
}
END_TEST

static const struct time_case {
	const char *in;
	int mode;
	int ok;
	vn_time want;
} time_cases[] = {
	{"1970-01-01T00:00:00Z", VN_TIME_RFC3339, 1, 0},
	{"2023-11-01T00:00:00Z", VN_TIME_RFC3339, 1, 1698796800},
	{"2016-06-30T22:00:00Z", VN_TIME_RFC3339, 1, 1467324000},
	{"2024-02-29T12:00:00.123Z", VN_TIME_RFC3339, 1, 1709208000},
	{"2023-11-01T02:00:00+02:00", VN_TIME_RFC3339, 1, 1698796800},
	{"2023-10-31T19:00:00-05:00", VN_TIME_RFC3339, 1, 1698796800},
	{"2023-11-01T00:00:00", VN_TIME_XSD, 1, 1698796800},
	{"  2023-11-01T00:00:00Z\n", VN_TIME_XSD, 1, 1698796800},
	{"1969-12-31T23:59:59Z", VN_TIME_RFC3339, 1, -1},
	{"2016-12-31T23:59:60Z", VN_TIME_RFC3339, 1, 1483228799},
	/* negative cases: each rule */
	{"2023-11-01T00:00:00", VN_TIME_RFC3339, 0, 0},	/* offset required */
	{"2023-02-29T00:00:00Z", VN_TIME_RFC3339, 0, 0},	/* not a leap year */
	{"2023-13-01T00:00:00Z", VN_TIME_RFC3339, 0, 0},
	{"2023-00-01T00:00:00Z", VN_TIME_RFC3339, 0, 0},
	{"2023-04-31T00:00:00Z", VN_TIME_RFC3339, 0, 0},
	{"2023-11-01T24:00:00Z", VN_TIME_RFC3339, 0, 0},
	{"2023-11-01T00:60:00Z", VN_TIME_RFC3339, 0, 0},
	{"2023-11-01 00:00:00Z", VN_TIME_RFC3339, 0, 0},
	{"2023-11-01T00:00:00Zjunk", VN_TIME_RFC3339, 0, 0},
	{"2023-11-01T00:00:00.Z", VN_TIME_RFC3339, 0, 0},
	{"2023-11-01T00:00:00+15:00", VN_TIME_RFC3339, 0, 0},
	{"2023-11-01T00:00:00+0200", VN_TIME_RFC3339, 0, 0},
	{"23-11-01T00:00:00Z", VN_TIME_RFC3339, 0, 0},
	{" 2023-11-01T00:00:00Z", VN_TIME_RFC3339, 0, 0},
	{"", VN_TIME_XSD, 0, 0},
};

START_TEST(test_time_parse)
{
	const struct time_case *c = &time_cases[_i];
	vn_time t = 12345;
	vn_err e = vn_time_parse(c->in, c->mode, &t);

	if (c->ok) {
		ck_assert_msg(e == VN_OK, "'%s' should parse", c->in);
		ck_assert_msg(t == c->want, "'%s' gave %lld", c->in, (long long)t);
	} else {
		ck_assert_msg(e == VN_ERR_MALFORMED, "'%s' should be refused", c->in);
	}
}
END_TEST

START_TEST(test_time_roundtrip)
{
	static const char *const in[] = {"1970-01-01T00:00:00Z", "2000-02-29T23:59:59Z",
					 "1969-07-20T20:17:40Z", "2099-12-31T00:00:01Z"};
	char buf[VN_TIME_BUFSZ];
	vn_time t;
	size_t i;

	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		ck_assert_int_eq(vn_time_parse(in[i], VN_TIME_RFC3339, &t), VN_OK);
		ck_assert_str_eq(vn_time_format(t, buf), in[i]);
	}
}
END_TEST

static const struct b64_case {
	const char *in;
	const char *out;	/* NULL: must be refused */
} b64_cases[] = {
	{"", ""},
	{"Zg==", "f"},
	{"Zm8=", "fo"},
	{"Zm9v", "foo"},
	{"Zm9v\nYmFy", "foobar"},
	{" Z m 9 v Y g = = ", "foob"},
	{"Zg", NULL},		/* missing padding */
	{"Zg=", NULL},
	{"Zg===", NULL},
	{"Zm9v=", NULL},	/* padding where none belongs */
	{"Zg==Zg==", NULL},	/* data after padding */
	{"Zh==", NULL},		/* non-zero trailing bits */
	{"Zm9-", NULL},		/* url alphabet is not accepted */
	{"Z", NULL},
	/* whole quads decode four characters at a time; whitespace, '=' or a
	 * foreign character inside a quad take the general way */
	{"Zm9vYmFyYmF6", "foobarbaz"},
	{"Zm9vY mFyYmF6", "foobarbaz"},
	{"Zm9vYmFy\r\nYmF6", "foobarbaz"},
	{"Zm9vYm\x01yYmF6", NULL},
	{"Zm9vYmFy*", NULL},
	{"Zm9vYmFyYg==Zm9v", NULL},
	/* groups are decoded two at a time: a fault in either group of a
	 * pair, or in a lone last group, refuses the same way */
	{"Zm9vYmFyYmF6Zm9v", "foobarbazfoo"},
	{"\x80m9vYmFyYmF6", NULL},
	{"Zm9vYmF\xffYmF6", NULL},
	{"Zm9vYmFyYm-6", NULL},
	{"Zm9vYmFyYmE=", "foobarba"},
	{"Zm9vYmFyYmF=", NULL},	/* non-zero trailing bits after a pair */
	{"Zm9vYmFyYg=\n=", "foobarb"},
	{"Zm9vYmFyYg==\n", "foobarb"},
	{"Zm9vYmFyYg===", NULL},
	{"Zm9vYmFyY===", NULL},
	{"Zm9vYmFy=Zm9", NULL},
};

START_TEST(test_b64_decode)
{
	const struct b64_case *c = &b64_cases[_i];
	unsigned char *out = NULL;
	size_t n = 0;
	vn_err e = vn_b64_decode(c->in, strlen(c->in), 1024, &out, &n);

	if (c->out != NULL) {
		ck_assert_msg(e == VN_OK, "'%s' should decode", c->in);
		ck_assert_uint_eq(n, strlen(c->out));
		ck_assert_mem_eq(out, c->out, n);
	} else {
		ck_assert_msg(e == VN_ERR_MALFORMED, "'%s' should be refused (%d)", c->in, e);
		ck_assert_ptr_null(out);
	}
	free(out);
}
END_TEST

START_TEST(test_b64_roundtrip_and_cap)
{
	unsigned char data[256], *back = NULL;
	char *enc = NULL;
	size_t i, n;

	for (i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)i;
	for (i = 0; i <= sizeof data; i += 37) {
		ck_assert_int_eq(vn_b64_encode(data, i, &enc), VN_OK);
		ck_assert_int_eq(vn_b64_decode(enc, strlen(enc), 1024, &back, &n), VN_OK);
		ck_assert_uint_eq(n, i);
		ck_assert_int_eq(memcmp(back, data, i), 0);
		free(enc);
		free(back);
	}
	ck_assert_int_eq(vn_b64_encode(data, 10, &enc), VN_OK);
	ck_assert_int_eq(vn_b64_decode(enc, strlen(enc), 9, &back, &n), VN_ERR_TOO_LARGE);
	free(enc);
	/* the cap at, inside and before a quad boundary */
	ck_assert_int_eq(vn_b64_decode("Zm9vYmFy", 8, 6, &back, &n), VN_OK);
	ck_assert_uint_eq(n, 6);
	free(back);
	ck_assert_int_eq(vn_b64_decode("Zm9vYmFy", 8, 5, &back, &n), VN_ERR_TOO_LARGE);
	ck_assert_int_eq(vn_b64_decode("Zm9vYmFy", 8, 3, &back, &n), VN_ERR_TOO_LARGE);
	ck_assert_int_eq(vn_b64_decode("Zm9vYmFy", 8, 0, &back, &n), VN_ERR_TOO_LARGE);
}
END_TEST

/* A small deterministic generator: the differential runs are the same
 * every time. */
static uint64_t b64_rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static char b64_alpha_at(size_t i)
{
	return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[i];
}

/* One input against the reference, at several caps around its length. */
static void b64_same(const char *in, size_t len)
{
	unsigned char *ref = malloc(len / 4 * 3 + 3), *out = NULL;
	size_t caps[6], rn = 0, n = 0, i;
	vn_err re, e;

	ck_assert_ptr_nonnull(ref);
	(void)vn_b64_ref_decode(in, len, (size_t)-1, ref, &rn);
	caps[0] = (size_t)-1;
	caps[1] = rn;
	caps[2] = rn > 0 ? rn - 1 : 0;
	caps[3] = rn / 2;
	caps[4] = rn > 3 ? rn - 3 : 0;
	caps[5] = rn + 1;
	for (i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		re = vn_b64_ref_decode(in, len, caps[i], ref, &rn);
		e = vn_b64_decode(in, len, caps[i], &out, &n);
		ck_assert_msg(e == re, "'%.*s' (cap %zu): %d, the reference %d", (int)len, in,
			      caps[i], e, re);
		if (e == VN_OK) {
			ck_assert_uint_eq(n, rn);
			ck_assert_mem_eq(out, ref, n);
			ck_assert_uint_eq(out[n], 0);
		} else {
			ck_assert_ptr_null(out);
		}
		free(out);
		out = NULL;
	}
	free(ref);
}

START_TEST(test_b64_differential)
{
	static const char noise[] = {' ', '\t', '\r', '\n', '=', '-', '_', '.', '\0', '\x80',
				     '\xff', 'A', '/', '+', '0', 'z', '\v', '\f'};
	unsigned char data[400];
	char buf[1200];
	uint64_t st = 0x9E3779B97F4A7C15ULL;
	int round;

	for (round = 0; round < 4000; round++) {
		size_t dn = (size_t)(b64_rng(&st) % sizeof data), len, i, k, muts;
		char *enc = NULL;

		for (i = 0; i < dn; i++)
			data[i] = (unsigned char)b64_rng(&st);
		ck_assert_int_eq(vn_b64_encode(data, dn, &enc), VN_OK);
		len = strlen(enc);
		memcpy(buf, enc, len);
		free(enc);
		b64_same(buf, len);
		/* then mutated: a byte replaced, inserted or dropped, each
		 * somewhere in the fast groups, at their edges or in the tail */
		muts = (size_t)(b64_rng(&st) % 4) + 1;
		for (k = 0; k < muts; k++) {
			size_t at = len > 0 ? (size_t)(b64_rng(&st) % (len + 1)) : 0;
			char ch = noise[b64_rng(&st) % sizeof noise];
			switch (b64_rng(&st) % 3) {
			case 0:
				if (at < len)
					buf[at] = ch;
				break;
			case 1:
				if (len < sizeof buf) {
					memmove(buf + at + 1, buf + at, len - at);
					buf[at] = ch;
					len++;
				}
				break;
			default:
				if (at < len) {
					memmove(buf + at, buf + at + 1, len - at - 1);
					len--;
				}
				break;
			}
			b64_same(buf, len);
		}
	}
	/* every single byte value at every place of a two-group block and a
	 * lone last group */
	for (round = 0; round < 256; round++) {
		size_t at;
		for (at = 0; at < 12; at++) {
			memcpy(buf, "Zm9vYmFyYmF6", 12);
			buf[at] = (char)round;
			b64_same(buf, 12);
		}
	}
	/* every byte value at every place of a 16-character block (the
	 * vector path's unit, where available), with one block after it and
	 * a lone group, so that a block refused falls back mid-input; and
	 * every alphabet character once at every place, each decoded the
	 * same as by the reference */
	for (round = 0; round < 256; round++) {
		size_t at;
		for (at = 0; at < 16; at++) {
			memcpy(buf, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNk", 36);
			buf[at] = (char)round;
			b64_same(buf, 36);
		}
	}
	for (round = 0; round < 64; round++) {
		size_t at;
		for (at = 0; at < 64; at++)
			buf[at] = b64_alpha_at((size_t)(round + (int)at) % 64);
		b64_same(buf, 64);
	}
}
END_TEST

START_TEST(test_findings)
{
	vn_findings f;
	vn_buf b;

	vn_findings_init(&f);
	ck_assert_int_eq(vn_findings_add(&f, VN_LEVEL_WARN, "TL_EXPIRED", "next update %s", "past"), VN_OK);
	ck_assert_int_eq(vn_findings_add(&f, VN_LEVEL_ERROR, "X\"Y", "a \"quoted\"\nline"), VN_OK);
	ck_assert(vn_findings_has(&f, "TL_EXPIRED"));
	ck_assert(!vn_findings_has(&f, "TL_CLOSED"));
	ck_assert_uint_eq(vn_findings_count(&f, VN_LEVEL_ERROR), 1);
	vn_buf_init(&b, 4096);
	ck_assert_int_eq(vn_findings_json(&f, &b), VN_OK);
	ck_assert_str_eq((char *)b.data,
			 "[{\"code\":\"TL_EXPIRED\",\"level\":\"warning\",\"message\":\"next update past\"},"
			 "{\"code\":\"X\\\"Y\",\"level\":\"error\",\"message\":\"a \\\"quoted\\\"\\nline\"}]");
	vn_buf_free(&b);
	vn_findings_free(&f);
}
END_TEST

START_TEST(test_atomic_write)
{
	char dir[] = "/tmp/vn-test-XXXXXX", path[256];
	vn_buf b;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/f", dir);
	ck_assert_int_eq(vn_write_file_atomic(path, "hello", 5, 0600), VN_OK);
	vn_buf_init(&b, 100);
	ck_assert_int_eq(vn_buf_read_file(&b, path), VN_OK);
	ck_assert_str_eq((char *)b.data, "hello");
	vn_buf_free(&b);
	vn_buf_init(&b, 3);
	ck_assert_int_eq(vn_buf_read_file(&b, path), VN_ERR_TOO_LARGE);
	vn_buf_free(&b);
	ck_assert_int_eq(vn_buf_read_file(&b, "/nonexistent/x"), VN_ERR_NOT_FOUND);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(test_certcache)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new(), *a, *b, *c;
	unsigned char *der = NULL, *bad;
	int n;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 5);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 60);
	X509_set_pubkey(x, k);
	ck_assert_int_gt(X509_sign(x, k, EVP_sha256()), 0);
	n = i2d_X509(x, &der);
	ck_assert_int_gt(n, 0);
	a = vn_cert_decode(der, (size_t)n);
	b = vn_cert_decode(der, (size_t)n);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_eq(a, b);	/* the same bytes: decoded once */
	ck_assert_int_eq(X509_cmp(a, x), 0);
	/* other bytes are another certificate or none */
	bad = malloc((size_t)n + 1);
	memcpy(bad, der, (size_t)n);
	bad[n] = 0;
	ck_assert_ptr_null(vn_cert_decode(bad, (size_t)n + 1));	/* trailing byte */
	bad[n - 5] ^= 1;	/* inside the signature: still parses, differs */
	c = vn_cert_decode(bad, (size_t)n);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_ne(c, a);
	ck_assert_int_ne(X509_cmp(c, a), 0);
	ck_assert_ptr_null(vn_cert_decode((const unsigned char *)"junk", 4));
	ck_assert_ptr_null(vn_cert_decode(NULL, 0));
	/* the serial changed, the signature (where the slot is read) not:
	 * the same slot, and the whole DER tells them apart */
	{
		unsigned char *p = memchr(der, 0x02, (size_t)n);	/* version's INTEGER */
		X509 *d;
		memcpy(bad, der, (size_t)n);
		ck_assert_ptr_nonnull(p);
		p = memchr(p + 3, 0x02, (size_t)(der + n - (p + 3)));	/* serialNumber */
		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(p[1], 1);
		ck_assert_int_eq(p[2], 5);
		bad[p - der + 2] = 6;
		d = vn_cert_decode(bad, (size_t)n);
		ck_assert_ptr_nonnull(d);
		ck_assert_ptr_ne(d, a);
		ck_assert_int_eq(ASN1_INTEGER_get(X509_get0_serialNumber(d)), 6);
		X509_free(d);
		d = vn_cert_decode(der, (size_t)n);	/* and back */
		ck_assert_int_eq(ASN1_INTEGER_get(X509_get0_serialNumber(d)), 5);
		X509_free(d);
	}
	/* the fingerprint memo: X509_digest's SHA-256, asked twice; the
	 * certificate with one signature bit changed has its own */
	for (int round = 0; round < 2; round++) {
		unsigned char want[32], got[32];
		unsigned int wl = 0;
		ck_assert_int_eq(X509_digest(x, EVP_sha256(), want, &wl), 1);
		ck_assert_uint_eq(wl, 32);
		ck_assert_int_eq(vn_cert_sha256(a, got), 0);
		ck_assert_mem_eq(got, want, 32);
		ck_assert_int_eq(vn_cert_sha256(c, got), 0);
		ck_assert(memcmp(got, want, 32) != 0);
		ck_assert_int_eq(X509_digest(c, EVP_sha256(), want, &wl), 1);
		ck_assert_mem_eq(got, want, 32);
	}
	X509_free(a);
	X509_free(b);
	X509_free(c);
	free(bad);
	OPENSSL_free(der);
	X509_free(x);
	EVP_PKEY_free(k);
}
END_TEST

/* vn_cert_verify_by: a success is kept for the same certificate and key
 * bytes; a failure (another key, another signature) is never taken for it. */
START_TEST(test_cert_verify_memo)
{
	EVP_PKEY *k = EVP_EC_gen("P-256"), *k2 = EVP_EC_gen("P-256");
	X509 *x = X509_new(), *y = X509_new(), *a, *c;
	unsigned char *der = NULL, *bad;
	int n, round;

	ck_assert(k != NULL && k2 != NULL && x != NULL && y != NULL);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 6);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 60);
	X509_set_pubkey(x, k);
	ck_assert_int_gt(X509_sign(x, k, EVP_sha256()), 0);
	X509_set_version(y, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(y), 7);
	X509_gmtime_adj(X509_getm_notBefore(y), 0);
	X509_gmtime_adj(X509_getm_notAfter(y), 60);
	X509_set_pubkey(y, k2);
	ck_assert_int_gt(X509_sign(y, k2, EVP_sha256()), 0);
	n = i2d_X509(x, &der);
	ck_assert_int_gt(n, 0);
	a = vn_cert_decode(der, (size_t)n);
	ck_assert_ptr_nonnull(a);
	bad = malloc((size_t)n);
	memcpy(bad, der, (size_t)n);
	bad[n - 5] ^= 1;	/* inside the signature */
	c = vn_cert_decode(bad, (size_t)n);
	ck_assert_ptr_nonnull(c);
	for (round = 0; round < 2; round++) {	/* the second round from the memo */
		ck_assert_int_eq(vn_cert_verify_by(a, a), 1);
		ck_assert_int_eq(vn_cert_verify_by(a, x), 1);
		ck_assert_int_eq(vn_cert_verify_by(c, a), 0);	/* another signature */
		ck_assert_int_eq(vn_cert_verify_by(a, y), 0);	/* another key */
		ck_assert_int_eq(vn_cert_verify_by(y, a), 0);
		ck_assert_int_eq(vn_cert_verify_by(y, y), 1);
	}
	{	/* the key's digest: its SPKI's SHA-256, the same for a and x */
		unsigned char d1[32], d2[32], d3[32], want[32], *sd = NULL;
		int sn = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &sd);

		ck_assert_int_gt(sn, 0);
		ck_assert_int_eq(vn_sha256(sd, (size_t)sn, want), 0);
		ck_assert_int_eq(vn_cert_spki_sha256(a, d1), 0);
		ck_assert_int_eq(vn_cert_spki_sha256(x, d2), 0);
		ck_assert_int_eq(vn_cert_spki_sha256(y, d3), 0);
		ck_assert_mem_eq(d1, want, 32);
		ck_assert_mem_eq(d2, want, 32);
		ck_assert(memcmp(d3, want, 32) != 0);
		OPENSSL_free(sd);
	}
	X509_free(a);
	X509_free(c);
	free(bad);
	OPENSSL_free(der);
	X509_free(x);
	X509_free(y);
	EVP_PKEY_free(k);
	EVP_PKEY_free(k2);
}
END_TEST

/* A memo kind that counts: what it makes is the certificate's serial,
 * so a memo answering for the wrong object shows. */
static atomic_int memo_made, memo_freed;

static void *serial_make(X509 *x)
{
	long *v = malloc(sizeof *v);

	if (v != NULL)
		*v = ASN1_INTEGER_get(X509_get0_serialNumber(x));
	atomic_fetch_add(&memo_made, 1);
	return v;
}

static void serial_free(void *p)
{
	atomic_fetch_add(&memo_freed, 1);
	free(p);
}

static vn_cert_memo_kind serial_kind = {serial_make, serial_free, 0};

static X509 *serial_cert(EVP_PKEY *k, long serial)
{
	X509 *x = X509_new();

	ck_assert_ptr_nonnull(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 60);
	X509_set_pubkey(x, k);
	ck_assert_int_gt(X509_sign(x, k, EVP_sha256()), 0);
	return x;
}

static void *memo_thread(void *arg)
{
	X509 *x = arg;
	const void *first = vn_cert_memo(x, &serial_kind);
	int i;

	for (i = 0; i < 2000; i++)
		if (vn_cert_memo(x, &serial_kind) != first)
			return (void *)1;
	return first != NULL && *(const long *)first == 77 ? NULL : (void *)1;
}

START_TEST(test_cert_memo)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *a = serial_cert(k, 5), *b = serial_cert(k, 6), *c = serial_cert(k, 77), *d;
	const long *pa, *pb;
	pthread_t th[4];
	void *rv;
	int i;

	atomic_store(&memo_made, 0);
	atomic_store(&memo_freed, 0);
	pa = vn_cert_memo(a, &serial_kind);
	ck_assert_ptr_nonnull(pa);
	ck_assert_int_eq(*pa, 5);
	ck_assert_ptr_eq(vn_cert_memo(a, &serial_kind), pa);	/* made once */
	ck_assert_int_eq(atomic_load(&memo_made), 1);
	/* another object has its own facts, never a's */
	pb = vn_cert_memo(b, &serial_kind);
	ck_assert_ptr_nonnull(pb);
	ck_assert_int_eq(*pb, 6);
	ck_assert_int_eq(atomic_load(&memo_made), 2);
	/* a copy starts without (no shared pointer, no double free) */
	d = X509_dup(a);
	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_ne(vn_cert_memo(d, &serial_kind), pa);
	X509_free(d);
	ck_assert_int_eq(atomic_load(&memo_freed), 1);
	/* the facts go with the last reference */
	ck_assert_int_eq(X509_up_ref(a), 1);
	X509_free(a);
	ck_assert_int_eq(atomic_load(&memo_freed), 1);
	X509_free(a);
	ck_assert_int_eq(atomic_load(&memo_freed), 2);
	X509_free(b);
	ck_assert_int_eq(atomic_load(&memo_freed), 3);
	/* threads asking at once all get the one kept */
	atomic_store(&memo_made, 0);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, memo_thread, c), 0);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(pthread_join(th[i], &rv), 0);
		ck_assert_ptr_null(rv);
	}
	ck_assert_int_ge(atomic_load(&memo_made), 1);
	ck_assert_int_le(atomic_load(&memo_made), 4);
	X509_free(c);
	EVP_PKEY_free(k);
}
END_TEST

/* The prefetched SHA-256 gives the FIPS 180-2 known answers, and the
 * same bytes as OpenSSL's one-shot SHA256(). */
static const struct {
	const char *in;
	const char *hex;
} sha_cases[] = {
	{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
};

START_TEST(test_sha256)
{
	unsigned char md[VN_SHA256_LEN], ref[SHA256_DIGEST_LENGTH];
	char hex[2 * VN_SHA256_LEN + 1];
	size_t i, n = strlen(sha_cases[_i].in);

	ck_assert_ptr_nonnull(vn_md_sha256());
	ck_assert_ptr_eq(vn_md_sha256(), vn_md_sha256());	/* fetched once */
	ck_assert_int_eq(vn_sha256(sha_cases[_i].in, n, md), 0);
	for (i = 0; i < sizeof md; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	ck_assert_str_eq(hex, sha_cases[_i].hex);
	SHA256((const unsigned char *)sha_cases[_i].in, n, ref);
	ck_assert_mem_eq(md, ref, sizeof md);
	/* NULL with length 0 is the empty message */
	ck_assert_int_eq(vn_sha256(NULL, 0, md), 0);
	ck_assert_mem_eq(md, "\xe3\xb0\xc4\x42", 4);
}
END_TEST

/* FNV-1a 64: the published vectors, and a hash continued across pieces is
 * the hash of their concatenation. */
START_TEST(test_fnv1a)
{
	ck_assert_uint_eq(vn_fnv1a(VN_FNV1A_INIT, "", 0), 0xcbf29ce484222325ULL);
	ck_assert_uint_eq(vn_fnv1a(VN_FNV1A_INIT, "a", 1), 0xaf63dc4c8601ec8cULL);
	ck_assert_uint_eq(vn_fnv1a(VN_FNV1A_INIT, "foobar", 6), 0x85944171f73967e8ULL);
	ck_assert_uint_eq(vn_fnv1a(vn_fnv1a(VN_FNV1A_INIT, "foo", 3), "bar", 3),
			  0x85944171f73967e8ULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("common");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_err_table);
	tcase_add_test(tc, test_buf_cap);
	tcase_add_loop_test(tc, test_time_parse, 0,
			    (int)(sizeof time_cases / sizeof time_cases[0]));
	tcase_add_test(tc, test_time_roundtrip);
	tcase_add_loop_test(tc, test_b64_decode, 0,
			    (int)(sizeof b64_cases / sizeof b64_cases[0]));
	tcase_add_test(tc, test_b64_roundtrip_and_cap);
	tcase_add_test(tc, test_b64_differential);
	tcase_add_test(tc, test_findings);
	tcase_add_test(tc, test_atomic_write);
	tcase_add_test(tc, test_certcache);
	tcase_add_test(tc, test_cert_memo);
	tcase_add_loop_test(tc, test_sha256, 0, (int)(sizeof sha_cases / sizeof sha_cases[0]));
	tcase_add_test(tc, test_fnv1a);
	tcase_add_test(tc, test_cert_verify_memo);
	suite_add_tcase(s, tc);
	return vn_test_run(s);
}
