/* valnode: strict date-time parsing and formatting, in 64-bit UTC seconds. */
#ifndef VN_TIME_H
#define VN_TIME_H

#include <stddef.h>
#include <stdint.h>
#include "common/vn_err.h"

typedef int64_t vn_time;	/* seconds since 1970-01-01T00:00:00Z */

#define VN_TIME_NONE INT64_MIN	/* "no time given" */

enum {
	/* RFC 3339: the offset (Z or +hh:mm) is required. */
	VN_TIME_RFC3339 = 0,
	/* xsd:dateTime: the offset may be absent; the time is then read as UTC. */
	VN_TIME_XSD = 1
};

/* Parse s (exactly, no surrounding text except leading/trailing XML
 * whitespace in VN_TIME_XSD mode) into *out. Fractional seconds are accepted
 * and truncated. Fails with VN_ERR_MALFORMED on anything else, including
 * impossible dates (2023-02-29) and out-of-range fields. */
vn_err vn_time_parse(const char *s, int mode, vn_time *out) VN_WUR VN_NONNULL(1, 3);

/* Write t as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least VN_TIME_BUFSZ bytes).
 * Returns buf. */
#define VN_TIME_BUFSZ 32
char *vn_time_format(vn_time t, char *buf) VN_NONNULL(2);

/* The current time. */
vn_time vn_time_now(void);

/* Civil date to days since the epoch (proleptic Gregorian). */
int64_t vn_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
