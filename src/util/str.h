/* str.h: small string helpers on (pointer, length) slices. */
#ifndef RP_UTIL_STR_H
#define RP_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct rp_slice {
	const char *p;
	size_t n;
} rp_slice;

/* ASCII case-insensitive equality of two n-byte strings. */
bool rp_str_ieq(const char *a, const char *b, size_t n);
/* The eight bytes of w with ASCII 'A'-'Z' made lower case (other bytes,
 * those >= 0x80 included, unchanged): case folding a word at a time. */
static inline uint64_t rp_fold8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	uint64_t low7 = w & ~highs;
	/* high bit of each byte: its low 7 bits >= 'A', > 'Z' (no carry
	 * between bytes), and the byte itself < 0x80 */
	uint64_t ge_a = low7 + ones * (0x80 - 'A');
	uint64_t gt_z = low7 + ones * (0x80 - 'Z' - 1);
	uint64_t upper = ge_a & ~gt_z & ~w & highs;

	return w | (upper >> 2);
}
/* The n < 8 bytes at p as one word for hashing, without a variable-length
 * memcpy call: 4-7 bytes as the first and the last four (overlapping),
 * 1-3 bytes as the first, middle and last byte; 0 for none.  For a given
 * n, different bytes give different words. */
static inline uint64_t rp_load_short(const void *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;

	if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		return (uint64_t)a | (uint64_t)b << 32;
	}
	if (n == 0)
		return 0;
	return (uint64_t)s[0] | (uint64_t)s[n / 2] << 8 | (uint64_t)s[n - 1] << 16;
}
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

/* The value of hex digit c (0-15), or -1 when c is not one. */
static inline int rp_hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The four hex digits at s[0..3] as *out (the code unit of a JSON or ARM
 * string escape: backslash, 'u', four digits);
 * false when fewer than four bytes are available or one is not a digit. */
static inline bool rp_hex4(const char *s, size_t avail, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (avail < 4)
		return false;
	for (i = 0; i < 4; i++) {
		int h = rp_hex_digit((unsigned char)s[i]);
		if (h < 0)
			return false;
		v = v * 16 + (unsigned)h;
	}
	*out = v;
	return true;
}

/* The decimal digits of v, after a '-' when neg, written at the end of d;
 * returns the index of the first character (the text is d[i..RP_FMT_DEC_MAX)). */
#define RP_FMT_DEC_MAX 24
size_t rp_fmt_dec(char d[RP_FMT_DEC_MAX], unsigned long long v, bool neg);

/* vsnprintf(buf, cap, fmt, ap), same result, faster for the formats hot
 * paths use: conversions %s %c %d %i %u %ld %lu %lld %llu %zu %zd and %%
 * without flags, width or precision are written here; any other format
 * goes to vsnprintf.  (glibc's vsnprintf costs about a thousand
 * instructions even for "%s/%s", and scans format millions of texts.) */
#include <stdarg.h>
int rp_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif
