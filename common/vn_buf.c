#include "common/vn_buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void vn_buf_init(vn_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void vn_buf_free(vn_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void vn_buf_reset(vn_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static vn_err buf_reserve(vn_buf *b, size_t extra)
{
	size_t need, ncap;
	unsigned char *p;

	if (extra > b->max || b->len > b->max - extra)
		return VN_ERR_TOO_LARGE;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return VN_OK;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (ncap > b->max + 1)
		ncap = b->max + 1;
	p = realloc(b->data, ncap);
	if (p == NULL)
		return VN_ERR_NOMEM;
	b->data = p;
	b->cap = ncap;
	return VN_OK;
}

vn_err vn_buf_reserve(vn_buf *b, size_t n)
{
	size_t need;
	unsigned char *p;

	if (n > b->max || b->len > b->max - n)
		return VN_ERR_TOO_LARGE;
	need = b->len + n + 1;
	if (need <= b->cap) {
		b->data[b->len] = '\0';	/* the text stays terminated, even empty */
		return VN_OK;
	}
	/* exactly what is asked: the caller knows the size, doubling would
	 * only waste it */
	p = realloc(b->data, need);
	if (p == NULL)
		return VN_ERR_NOMEM;
	p[b->len] = '\0';
	b->data = p;
	b->cap = need;
	return VN_OK;
}

vn_err vn_buf_append(vn_buf *b, const void *p, size_t n)
{
	vn_err e = buf_reserve(b, n);

	if (e != VN_OK)
		return e;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return VN_OK;
}

vn_err vn_buf_append_str(vn_buf *b, const char *s)
{
	return vn_buf_append(b, s, strlen(s));
}

vn_err vn_buf_printf(vn_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	vn_err e;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return VN_ERR_INTERNAL;
	e = buf_reserve(b, (size_t)n);
	if (e != VN_OK)
		return e;
	va_start(ap, fmt);
	(void)vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return VN_OK;
}

unsigned char *vn_buf_steal(vn_buf *b, size_t *len)
{
	unsigned char *p = b->data;

	if (p == NULL) {
		p = calloc(1, 1);
		if (p == NULL)
			return NULL;
	}
	if (len != NULL)
		*len = b->len;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

vn_err vn_buf_read_file(vn_buf *b, const char *path)
{
	unsigned char chunk[65536];
	FILE *f;
	size_t n;
	vn_err e = VN_OK;

	f = fopen(path, "rb");
	if (f == NULL)
		return errno == ENOENT ? VN_ERR_NOT_FOUND : VN_ERR_IO;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		e = vn_buf_append(b, chunk, n);
		if (e != VN_OK)
			break;
	}
	if (e == VN_OK && ferror(f))
		e = VN_ERR_IO;
	fclose(f);
	return e;
}

vn_err vn_write_file_atomic(const char *path, const void *data, size_t len,
			    unsigned mode)
{
	char tmp[4096];
	const unsigned char *p = data;
	int fd, n;
	vn_err e = VN_OK;

	n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof tmp)
		return VN_ERR_ARG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode);
	if (fd < 0)
		return VN_ERR_IO;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			e = VN_ERR_IO;
			break;
		}
		p += w;
		len -= (size_t)w;
	}
	if (e == VN_OK && fsync(fd) != 0)
		e = VN_ERR_IO;
	if (close(fd) != 0 && e == VN_OK)
		e = VN_ERR_IO;
	if (e == VN_OK && rename(tmp, path) != 0)
		e = VN_ERR_IO;
	if (e != VN_OK)
		(void)unlink(tmp);
	return e;
}
