/* valnode: logging to stderr, as human lines or JSON lines. */
#ifndef VN_LOG_H
#define VN_LOG_H

#include "common/vn_err.h"

typedef enum vn_log_level {
	VN_LOG_DEBUG = 0,
	VN_LOG_INFO,
	VN_LOG_WARN,
	VN_LOG_ERROR
} vn_log_level;

typedef enum vn_log_format {
	VN_LOG_HUMAN = 0,	/* "valnode: warning: message" */
	VN_LOG_JSON		/* {"ts":"...","level":"warning","msg":"..."} */
} vn_log_format;

/* Process-wide settings; call before starting threads. */
void vn_log_setup(vn_log_level min, vn_log_format fmt);
/* Parse "debug", "info", "warning", "error"; -1 if unknown. */
int vn_log_level_parse(const char *s);
void vn_log(vn_log_level lvl, const char *fmt, ...) VN_PRINTF(2, 3);

#define vn_debug(...) vn_log(VN_LOG_DEBUG, __VA_ARGS__)
#define vn_info(...) vn_log(VN_LOG_INFO, __VA_ARGS__)
#define vn_warn(...) vn_log(VN_LOG_WARN, __VA_ARGS__)
#define vn_error(...) vn_log(VN_LOG_ERROR, __VA_ARGS__)

#endif
