/* valnode: bounded growable byte buffers.
 *
 * Every buffer has a hard cap set at init: appending past it fails with
 * VN_ERR_TOO_LARGE and leaves the buffer as it was. The data is always kept
 * NUL-terminated (the terminator is not counted in len), so a buffer holding
 * text can be passed to string functions.
 */
#ifndef VN_BUF_H
#define VN_BUF_H

#include <stddef.h>
#include <stdint.h>
#include "common/vn_err.h"

typedef struct vn_buf {
	unsigned char *data;	/* owned; NULL until the first append */
	size_t len;
	size_t cap;		/* allocated bytes */
	size_t max;		/* hard cap on len */
} vn_buf;

/* Prepare an empty buffer that may grow to max bytes. Allocates nothing. */
void vn_buf_init(vn_buf *b, size_t max) VN_NONNULL(1);
/* Release the memory; the buffer is empty afterwards and may be reused. */
void vn_buf_free(vn_buf *b);
/* Drop the contents, keep the memory. */
void vn_buf_reset(vn_buf *b) VN_NONNULL(1);
/* Make room for n more bytes (and the terminator) in one allocation, so
 * that a text of a size known beforehand is appended without reallocating
 * or copying on the way; the text stays NUL-terminated, even empty. Fails
 * with VN_ERR_TOO_LARGE, the buffer as it was, when len + n is over the
 * cap. */
vn_err vn_buf_reserve(vn_buf *b, size_t n) VN_WUR VN_NONNULL(1);
vn_err vn_buf_append(vn_buf *b, const void *p, size_t n) VN_WUR VN_NONNULL(1);
vn_err vn_buf_append_str(vn_buf *b, const char *s) VN_WUR VN_NONNULL(1, 2);
vn_err vn_buf_printf(vn_buf *b, const char *fmt, ...) VN_WUR VN_PRINTF(2, 3);
/* Hand the data over to the caller (free() it); the buffer becomes empty.
 * Returns an empty string, not NULL, for an empty buffer; NULL on no memory. */
unsigned char *vn_buf_steal(vn_buf *b, size_t *len) VN_NONNULL(1);

/* Read a whole file into b, failing with VN_ERR_TOO_LARGE past b->max bytes. */
vn_err vn_buf_read_file(vn_buf *b, const char *path) VN_WUR VN_NONNULL(1, 2);
/* Write data to path atomically: a temporary file beside it, fsync, rename. */
vn_err vn_write_file_atomic(const char *path, const void *data, size_t len,
			    unsigned mode) VN_WUR VN_NONNULL(1);

#endif
