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

#endif
