/* valnode: the mirror map, for air-gapped operation and tests.
 *
 * A mirror map says "this URL is to be read from this file instead of the
 * network" (DESIGN.md, --mirror MAPFILE). The file is text, one entry a line:
 *
 *     URL<TAB>PATH        the URL, byte for byte, is read from PATH
 *     *<TAB>DIR           any other URL: DIR/<mangled URL>, when that file exists
 *     # comment           and blank lines are ignored
 *
 * A relative PATH or DIR is relative to the directory of the map file. The
 * mangled name of a URL is the URL with every byte that is not an ASCII letter
 * or digit replaced by '_', the naming of DSS's offline file cache, so a
 * directory filled by DSS can serve as a mirror as it is.
 *
 * URLs are compared exactly: no case folding, no normalisation, so that what
 * the map grants is exactly what it names.
 */
#ifndef TL_MIRROR_H
#define TL_MIRROR_H

#include <stddef.h>
#include "common/vn_err.h"

typedef struct tl_mirror tl_mirror;

/* Caps on a map file: larger or longer files are refused, not truncated. */
#define TL_MIRROR_MAX_BYTES (1u << 20)
#define TL_MIRROR_MAX_LINES 10000u
#define TL_MIRROR_MAX_LINE 8192u
/* Longest path built for an entry (PATH_MAX on Linux). */
#define TL_MIRROR_PATH_MAX 4096u

/* Parse map text (len bytes, need not be NUL-terminated) into *out, which the
 * caller frees with tl_mirror_free. Relative paths are joined to basedir
 * (NULL or "" means the current directory). On failure *out is NULL and why
 * (when non-NULL) holds a sentence naming the offending line.
 * Refused: a NUL byte, a line without exactly one TAB, an empty URL or path,
 * control characters or spaces in a URL, a URL given twice, two '*' lines. */
vn_err tl_mirror_parse(const char *text, size_t len, const char *basedir,
		       tl_mirror **out, char *why, size_t why_n)
	VN_WUR VN_NONNULL(4);

/* Read and parse the map file at path (capped at TL_MIRROR_MAX_BYTES). */
vn_err tl_mirror_load(const char *path, tl_mirror **out, char *why, size_t why_n)
	VN_WUR VN_NONNULL(1, 2);

/* A map with only "*<TAB>dir": every URL is looked up by its mangled name in
 * dir (a DSS offline cache directory). dir is copied. */
vn_err tl_mirror_from_dir(const char *dir, tl_mirror **out) VN_WUR VN_NONNULL(1, 2);

void tl_mirror_free(tl_mirror *m);

/* The PATH of an explicit URL line, or NULL when the URL has none. The string
 * belongs to m. The '*' line is not consulted: see tl_mirror_resolve. */
const char *tl_mirror_lookup(const tl_mirror *m, const char *url) VN_NONNULL(1, 2);

/* Where to read url from: the explicit entry, else the '*' directory under the
 * mangled name when such a file exists. Writes the path into path (n bytes)
 * and sets *found; *found = 0 with VN_OK when the map does not cover url.
 * VN_ERR_TOO_LARGE when the path does not fit. */
vn_err tl_mirror_resolve(const tl_mirror *m, const char *url, char *path, size_t n,
			 int *found) VN_WUR VN_NONNULL(1, 2, 3, 5);

/* The mangled file name of url (DSS offline cache naming) into out (n bytes).
 * VN_ERR_TOO_LARGE when it does not fit or exceeds a file name (255 bytes). */
vn_err tl_mirror_mangle(const char *url, char *out, size_t n) VN_WUR VN_NONNULL(1, 2);

/* dir/<mangled url> into path when that regular file exists: returns 1, else 0. */
int tl_mirror_lookup_mangled(const char *dir, const char *url, char *path, size_t n)
	VN_NONNULL(1, 2, 3);

#endif
