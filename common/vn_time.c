#include "common/vn_time.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* H. Hinnant's days_from_civil: exact for the proleptic Gregorian calendar. */
int64_t vn_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 + (int64_t)d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
	static const unsigned dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Read exactly n decimal digits. */
static int digits(const char **p, int n, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (unsigned)(c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

vn_err vn_time_parse(const char *s, int mode, vn_time *out)
{
	const char *p = s;
	unsigned year, mon, day, hh, mm, ss, oh = 0, om = 0;
	int sign = 0;
	int64_t days, t;

	if (mode == VN_TIME_XSD)
		while (is_xml_space(*p))
			p++;
	if (digits(&p, 4, &year) || *p++ != '-' || digits(&p, 2, &mon) ||
	    *p++ != '-' || digits(&p, 2, &day))
		return VN_ERR_MALFORMED;
	if (*p != 'T' && !(mode == VN_TIME_RFC3339 && *p == 't'))
		return VN_ERR_MALFORMED;
	p++;
	if (digits(&p, 2, &hh) || *p++ != ':' || digits(&p, 2, &mm) ||
	    *p++ != ':' || digits(&p, 2, &ss))
		return VN_ERR_MALFORMED;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return VN_ERR_MALFORMED;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || (mode == VN_TIME_RFC3339 && *p == 'z')) {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		p++;
		if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om))
			return VN_ERR_MALFORMED;
		if (oh > 14 || om > 59 || (oh == 14 && om != 0))
			return VN_ERR_MALFORMED;
	} else if (mode == VN_TIME_RFC3339) {
		return VN_ERR_MALFORMED;
	}
	if (mode == VN_TIME_XSD)
		while (is_xml_space(*p))
			p++;
	if (*p != '\0')
		return VN_ERR_MALFORMED;
	if (year < 1 || mon < 1 || mon > 12 || day < 1 ||
	    day > days_in_month(year, mon) || hh > 23 || mm > 59 || ss > 60)
		return VN_ERR_MALFORMED;
	if (ss == 60)	/* a leap second is read as the last second of its minute */
		ss = 59;
	days = vn_days_from_civil(year, mon, day);
	t = days * 86400 + (int64_t)hh * 3600 + (int64_t)mm * 60 + ss;
	t -= sign * ((int64_t)oh * 3600 + (int64_t)om * 60);
	*out = t;
	return VN_OK;
}

char *vn_time_format(vn_time t, char *buf)
{
	int64_t days = t / 86400, secs = t % 86400, y;
	unsigned m, d;

	if (secs < 0) {
		secs += 86400;
		days -= 1;
	}
	civil_from_days(days, &y, &m, &d);
	if (y >= 0 && y <= 9999) {
		/* The common case written by hand: every report carries several
		 * times, and snprintf's format parsing costs more than this. */
		unsigned v[6] = { (unsigned)y, m, d, (unsigned)(secs / 3600),
				  (unsigned)(secs / 60 % 60), (unsigned)(secs % 60) };
		char *o = buf;
		*o++ = (char)('0' + v[0] / 1000);
		*o++ = (char)('0' + v[0] / 100 % 10);
		*o++ = (char)('0' + v[0] / 10 % 10);
		*o++ = (char)('0' + v[0] % 10);
		for (int k = 1; k < 6; k++) {
			*o++ = "--T::"[k - 1];
			*o++ = (char)('0' + v[k] / 10 % 10);
			*o++ = (char)('0' + v[k] % 10);
		}
		*o++ = 'Z';
		*o = '\0';
		return buf;
	}
	snprintf(buf, VN_TIME_BUFSZ, "%04" PRId64 "-%02u-%02uT%02u:%02u:%02uZ", y, m,
		 d, (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60),
		 (unsigned)(secs % 60));
	return buf;
}

vn_time vn_time_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (vn_time)time(NULL);
	return (vn_time)ts.tv_sec;
}
