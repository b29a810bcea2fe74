#include "common/vn_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/vn_buf.h"
#include "common/vn_findings.h"
#include "common/vn_time.h"

static vn_log_level log_min = VN_LOG_INFO;
static vn_log_format log_fmt = VN_LOG_HUMAN;

static const char *const level_names[] = {"debug", "info", "warning", "error"};

void vn_log_setup(vn_log_level min, vn_log_format fmt)
{
	log_min = min;
	log_fmt = fmt;
}

int vn_log_level_parse(const char *s)
{
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, level_names[i]) == 0)
			return i;
	if (strcmp(s, "warn") == 0)
		return VN_LOG_WARN;
	return -1;
}

void vn_log(vn_log_level lvl, const char *fmt, ...)
{
	char msg[2048], ts[VN_TIME_BUFSZ];
	va_list ap;
	vn_buf b;

	if (lvl < log_min || (unsigned)lvl > VN_LOG_ERROR)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (log_fmt == VN_LOG_HUMAN) {
		fprintf(stderr, "valnode: %s: %s\n", level_names[lvl], msg);
		return;
	}
	vn_buf_init(&b, sizeof msg * 7);
	if (vn_buf_printf(&b, "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":",
			  vn_time_format(vn_time_now(), ts), level_names[lvl]) == VN_OK &&
	    vn_json_str(&b, msg) == VN_OK && vn_buf_append_str(&b, "}\n") == VN_OK)
		fputs((const char *)b.data, stderr);
	vn_buf_free(&b);
}
