/* valnode: getting a trusted list from the network, a file or a mirror.
 *
 * The fetcher moves bytes; it decides nothing about trust. Trusted lists are
 * signed (TS 119 612 clause 5.7), so the transport is not what makes a list
 * trustworthy, but it still fails closed: https with the peer and host name
 * verified, file: read locally, plain http only when asked for, every body
 * capped, every transfer timed, redirects few and never to file:.
 *
 * A body that is plainly not a list (an HTML error page served with 200, a
 * PDF, anything that does not start with '<') is refused here with a reason,
 * so that the walker reports "the server answered with an HTML page" rather
 * than a parser error.
 *
 * Thread safety: tl_fetch and tl_fetch_sha2 may run in several threads at
 * once; each call uses its own libcurl handle, and libcurl's global state is
 * set up once (pthread_once).
 */
#ifndef TL_FETCH_H
#define TL_FETCH_H

#include <stddef.h>
#include "common/vn_buf.h"
#include "common/vn_err.h"
#include "trustlists/tl_mirror.h"

#define TL_FETCH_MAX_BODY_DEFAULT ((size_t)32 << 20)	/* 32 MiB */
#define TL_FETCH_TIMEOUT_MS_DEFAULT 60000L
#define TL_FETCH_CONNECT_MS_DEFAULT 10000L
#define TL_FETCH_REDIRECTS_DEFAULT 3L
/* A .sha2 file is 32 or 64 bytes; anything much larger is not one. */
#define TL_FETCH_SHA2_MAX 1024u
/* Longest ETag / Last-Modified kept or sent (RFC 9110 puts no limit). */
#define TL_FETCH_VALIDATOR_MAX 512u

typedef struct tl_fetch_opts {
	size_t max_body;		/* 0: TL_FETCH_MAX_BODY_DEFAULT */
	long timeout_ms;		/* whole transfer; 0: default */
	long connect_timeout_ms;	/* 0: default */
	long max_redirects;		/* 0: none followed; tl_fetch_opts_init sets 3 */
	const char *ca_file;		/* PEM bundle to trust instead of the system's */
	const char *ca_path;		/* hashed CA directory; NULL: libcurl's default */
	int allow_http;			/* permit http:// (and http redirect targets) */
	/* Conditional GET: the validators of the copy held (NULL: none). */
	const char *etag;
	const char *last_modified;
	/* Mirror: a URL the map covers is read from disk, never the network. */
	const tl_mirror *mirror;	/* not owned */
	int mirror_only;		/* with a mirror: URLs it lacks are unreachable */
	int offline;			/* no network at all: only the mirror and file: */
} tl_fetch_opts;

typedef struct tl_fetch_result {
	vn_buf body;		/* the list bytes exactly as received; owned */
	long status;		/* HTTP status of the last response; 0 for file/mirror */
	int not_modified;	/* 304: body empty, the held copy is current */
	int from_mirror;	/* read from a mirror-map path */
	char *etag;		/* owned, NULL when the server sent none */
	char *last_modified;	/* owned, NULL when the server sent none */
	char *content_type;	/* owned, NULL when none */
	char *effective_url;	/* owned: the URL after redirects, or the path read */
	char error[256];	/* why the fetch failed: a short sentence, "" on success */
} tl_fetch_result;

/* Defaults: https+file only, 32 MiB, 60 s, 10 s connect, 3 redirects. */
void tl_fetch_opts_init(tl_fetch_opts *o) VN_NONNULL(1);
void tl_fetch_result_init(tl_fetch_result *r) VN_NONNULL(1);
/* Frees what r owns; r may be reused after tl_fetch_result_init. NULL is a no-op. */
void tl_fetch_result_free(tl_fetch_result *r);

/* Fetch url into out (initialised by this call; free it with
 * tl_fetch_result_free whatever the outcome). opts may be NULL (defaults).
 * Returns:
 *   VN_OK              out->body holds the list, or out->not_modified is set
 *   VN_ERR_UNSUPPORTED a scheme other than https/file (http without allow_http)
 *   VN_ERR_UNAVAILABLE unreachable, TLS failure, non-2xx status (in out->status),
 *                      a refused redirect, not in the mirror when mirror-only
 *   VN_ERR_TIMEOUT     the time budget ran out
 *   VN_ERR_TOO_LARGE   the body (or its declared length) passed the cap
 *   VN_ERR_MALFORMED   the body is HTML, PDF or otherwise not XML
 *   VN_ERR_NOT_FOUND   a file: URL or mirror path that does not exist
 * out->error always says why on failure. */
vn_err tl_fetch(const char *url, const tl_fetch_opts *opts, tl_fetch_result *out)
	VN_WUR VN_NONNULL(1, 3);

/* Decide whether a body may be a trusted list: after an optional UTF-8 BOM and
 * whitespace it starts with '<', is neither an HTML page nor a PDF, and the
 * Content-Type (may be NULL) is not text/html, application/xhtml+xml or
 * application/pdf. VN_ERR_MALFORMED with a reason in why otherwise. */
vn_err tl_fetch_check_body(const unsigned char *p, size_t n, const char *content_type,
			   char *why, size_t why_n) VN_WUR;

/* The ETSI digest file beside a list: "<url without its extension>.sha2"
 * (query and fragment dropped). VN_ERR_TOO_LARGE when out is too small. */
vn_err tl_fetch_sha2_url(const char *xml_url, char *out, size_t n) VN_WUR VN_NONNULL(1, 2);

/* Parse .sha2 content: exactly 32 raw bytes, or 64 hex digits with optional
 * surrounding whitespace. VN_ERR_MALFORMED otherwise. */
vn_err tl_sha2_parse(const unsigned char *p, size_t n, unsigned char digest[32])
	VN_WUR VN_NONNULL(3);

/* Fetch the SHA-256 digest published beside xml_url, for change detection
 * without a download (DSS Sha2FileCacheDataLoader). *found = 0 with VN_OK when
 * there is none (404/410, or the mirror lacks it); an error when the server
 * could not be asked or answered with something that is not a digest. The
 * digest only says whether to download again: it is never a reason to trust. */
vn_err tl_fetch_sha2(const char *xml_url, const tl_fetch_opts *opts,
		     unsigned char digest[32], int *found) VN_WUR VN_NONNULL(1, 3, 4);
/* The same, with the reason of a failure in why. */
vn_err tl_fetch_sha2_ex(const char *xml_url, const tl_fetch_opts *opts,
			unsigned char digest[32], int *found, char *why, size_t why_n)
	VN_WUR VN_NONNULL(1, 3, 4);

#endif
