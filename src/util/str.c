/* str.c: slices, case-insensitive compare, UTF-8 validation. */
#include "util/str.h"

#include <string.h>

static unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

bool rp_str_ieq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (x != y && lower(x) != lower(y))
			return false;
	}
	return true;
}

bool rp_slice_eq(rp_slice s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n == n && memcmp(s.p, lit, n) == 0;
}

bool rp_slice_ieq(rp_slice s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n == n && rp_str_ieq(s.p, lit, n);
}

bool rp_str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool rp_str_has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

size_t rp_utf8_check(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
		} else if (c >= 0xC2 && c <= 0xDF) {
			if (n - i < 2 || (s[i + 1] & 0xC0) != 0x80)
				return i;
			i += 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			unsigned char lo = 0x80, hi = 0xBF;
			if (c == 0xE0)
				lo = 0xA0; /* overlong */
			else if (c == 0xED)
				hi = 0x9F; /* surrogates */
			if (n - i < 3 || s[i + 1] < lo || s[i + 1] > hi ||
			    (s[i + 2] & 0xC0) != 0x80)
				return i;
			i += 3;
		} else if (c >= 0xF0 && c <= 0xF4) {
			unsigned char lo = 0x80, hi = 0xBF;
			if (c == 0xF0)
				lo = 0x90; /* overlong */
			else if (c == 0xF4)
				hi = 0x8F; /* > U+10FFFF */
			if (n - i < 4 || s[i + 1] < lo || s[i + 1] > hi ||
			    (s[i + 2] & 0xC0) != 0x80 || (s[i + 3] & 0xC0) != 0x80)
				return i;
			i += 4;
		} else {
			return i;
		}
	}
	return n;
}

size_t rp_utf8_count(const unsigned char *s, size_t n)
{
	size_t i, count = 0;

	for (i = 0; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			count++;
	return count;
}
