/* valnode: findings, the stable-coded remarks every check leaves behind.
 *
 * A finding has a stable code (UPPER_SNAKE, never renamed once released), a
 * level and a human message. Reports carry them as they are.
 */
#ifndef VN_FINDINGS_H
#define VN_FINDINGS_H

#include <stddef.h>
#include "common/vn_buf.h"
#include "common/vn_err.h"

typedef enum vn_level {
	VN_LEVEL_INFO = 0,
	VN_LEVEL_WARN = 1,
	VN_LEVEL_ERROR = 2
} vn_level;

typedef struct vn_finding {
	char *code;	/* owned */
	vn_level level;
	char *message;	/* owned */
} vn_finding;

typedef struct vn_findings {
	vn_finding *items;	/* owned array */
	size_t n, cap;
} vn_findings;

#define VN_FINDINGS_MAX 4096	/* cap: more findings than this are dropped */

void vn_findings_init(vn_findings *f) VN_NONNULL(1);
void vn_findings_free(vn_findings *f);
/* Add a finding; the strings are copied. Beyond VN_FINDINGS_MAX the finding
 * is dropped silently (the cap protects against hostile inputs). */
vn_err vn_findings_add(vn_findings *f, vn_level level, const char *code,
		       const char *fmt, ...) VN_PRINTF(4, 5) VN_NONNULL(1, 3, 4);
/* Copy every finding of src to the end of dst. */
vn_err vn_findings_extend(vn_findings *dst, const vn_findings *src) VN_NONNULL(1, 2);
/* Whether a finding with this code is present. */
int vn_findings_has(const vn_findings *f, const char *code) VN_NONNULL(1, 2);
/* Number of findings at or above a level. */
size_t vn_findings_count(const vn_findings *f, vn_level min) VN_NONNULL(1);
const char *vn_level_name(vn_level l);

/* Append a JSON string literal (with quotes) for s to b. */
vn_err vn_json_str(vn_buf *b, const char *s) VN_WUR VN_NONNULL(1);
/* Append the findings as a JSON array of {code, level, message}. */
vn_err vn_findings_json(const vn_findings *f, vn_buf *b) VN_WUR VN_NONNULL(1, 2);

#endif
