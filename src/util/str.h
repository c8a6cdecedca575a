/* str.h: small string helpers on (pointer, length) slices. */
#ifndef RP_UTIL_STR_H
#define RP_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>

typedef struct rp_slice {
	const char *p;
	size_t n;
} rp_slice;

/* ASCII case-insensitive equality of two n-byte strings. */
bool rp_str_ieq(const char *a, const char *b, size_t n);
/* Slice s equals NUL-terminated lit, exactly / ASCII-case-insensitively. */
bool rp_slice_eq(rp_slice s, const char *lit);
bool rp_slice_ieq(rp_slice s, const char *lit);
bool rp_str_has_prefix(const char *s, const char *prefix);
bool rp_str_has_suffix(const char *s, const char *suffix);

/* Validate UTF-8 (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
 * Returns the byte offset of the first invalid sequence, or n if valid. */
size_t rp_utf8_check(const unsigned char *s, size_t n);
/* Number of code points in a valid-or-not UTF-8 prefix (invalid bytes count
 * as one each), for columns. */
size_t rp_utf8_count(const unsigned char *s, size_t n);

/* vsnprintf(buf, cap, fmt, ap), same result, faster for the formats hot
 * paths use: conversions %s %c %d %i %u %ld %lu %lld %llu %zu %zd and %%
 * without flags, width or precision are written here; any other format
 * goes to vsnprintf.  (glibc's vsnprintf costs about a thousand
 * instructions even for "%s/%s", and scans format millions of texts.) */
#include <stdarg.h>
int rp_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif
