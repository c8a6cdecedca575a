/* str.c: slices, case-insensitive compare, UTF-8 validation. */
#include "util/str.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

bool rp_str_ieq(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	size_t i = 0;

	/* eight bytes at a time: equal words (the same spelling, the usual
	 * case) or equal once case-folded; the last (partial) word is read
	 * as the last eight bytes, overlapping the one before */
	if (n >= 8) {
		for (; n - i > 8; i += 8) {
			memcpy(&x, a + i, 8);
			memcpy(&y, b + i, 8);
			if (x != y && rp_fold8(x) != rp_fold8(y))
				return false;
		}
		memcpy(&x, a + n - 8, 8);
		memcpy(&y, b + n - 8, 8);
		return x == y || rp_fold8(x) == rp_fold8(y);
	}
	if (n >= 4) {
		/* 4 to 7 bytes: the first four and the last four, in one word */
		uint32_t a0, a1, b0, b1;
		memcpy(&a0, a, 4);
		memcpy(&a1, a + n - 4, 4);
		memcpy(&b0, b, 4);
		memcpy(&b1, b + n - 4, 4);
		x = (uint64_t)a0 | (uint64_t)a1 << 32;
		y = (uint64_t)b0 | (uint64_t)b1 << 32;
		return x == y || rp_fold8(x) == rp_fold8(y);
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)a[i], d = (unsigned char)b[i];
		if (c != d && lower(c) != lower(d))
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

/* Whether fmt uses only the conversions rp_vsnprintf writes itself. */
static bool fmt_simple(const char *fmt)
{
	const char *p;

	for (p = strchr(fmt, '%'); p; p = strchr(p + 1, '%')) {
		p++;
		if (*p == 'l')
			p += p[1] == 'l' ? 2 : 1;
		else if (*p == 'z')
			p++;
		switch (*p) {
		case 's':
		case 'c':
		case '%':
			if (p[-1] != '%')
				return false; /* %ls, %lc, %z% ... */
			break;
		case 'd':
		case 'i':
		case 'u': break;
		default: return false;
		}
	}
	return true;
}

/* Appends n bytes at *len, within cap (one byte kept for the NUL). */
static void fmt_put(char *buf, size_t cap, size_t *len, const char *s, size_t n)
{
	if (*len < cap) {
		size_t room = cap - 1 - *len;
		memcpy(buf + *len, s, n < room ? n : room);
	}
	*len += n;
}

size_t rp_fmt_dec(char d[RP_FMT_DEC_MAX], unsigned long long v, bool neg)
{
	size_t i = RP_FMT_DEC_MAX;

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (neg)
		d[--i] = '-';
	return i;
}

static void fmt_unsigned(char *buf, size_t cap, size_t *len, unsigned long long v, bool neg)
{
	char d[RP_FMT_DEC_MAX];
	size_t i = rp_fmt_dec(d, v, neg);

	fmt_put(buf, cap, len, d + i, sizeof(d) - i);
}

static void fmt_signed(char *buf, size_t cap, size_t *len, long long v)
{
	if (v < 0)
		fmt_unsigned(buf, cap, len, 0ULL - (unsigned long long)v, true);
	else
		fmt_unsigned(buf, cap, len, (unsigned long long)v, false);
}

int rp_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	const char *p, *run;
	size_t len = 0;

	if (!fmt_simple(fmt))
		return vsnprintf(buf, cap, fmt, ap);
	for (run = fmt; (p = strchr(run, '%')) != NULL;) {
		int lmod = 0; /* 1 l, 2 ll, 3 z */
		if (p > run)
			fmt_put(buf, cap, &len, run, (size_t)(p - run));
		p++;
		if (*p == 'l') {
			lmod = p[1] == 'l' ? 2 : 1;
			p += lmod;
		} else if (*p == 'z') {
			lmod = 3;
			p++;
		}
		switch (*p) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)"; /* as glibc */
			fmt_put(buf, cap, &len, s, strlen(s));
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			fmt_put(buf, cap, &len, &c, 1);
			break;
		}
		case '%': fmt_put(buf, cap, &len, "%", 1); break;
		case 'd':
		case 'i':
			if (lmod == 0)
				fmt_signed(buf, cap, &len, va_arg(ap, int));
			else if (lmod == 1)
				fmt_signed(buf, cap, &len, va_arg(ap, long));
			else if (lmod == 2)
				fmt_signed(buf, cap, &len, va_arg(ap, long long));
			else
				fmt_signed(buf, cap, &len, (long long)va_arg(ap, ptrdiff_t));
			break;
		default: /* 'u' (fmt_simple let nothing else through) */
			if (lmod == 0)
				fmt_unsigned(buf, cap, &len, va_arg(ap, unsigned), false);
			else if (lmod == 1)
				fmt_unsigned(buf, cap, &len, va_arg(ap, unsigned long), false);
			else if (lmod == 2)
				fmt_unsigned(buf, cap, &len, va_arg(ap, unsigned long long), false);
			else
				fmt_unsigned(buf, cap, &len, va_arg(ap, size_t), false);
			break;
		}
		run = p + 1;
	}
	p = run + strlen(run);
	if (p > run)
		fmt_put(buf, cap, &len, run, (size_t)(p - run));
	if (cap)
		buf[len < cap ? len : cap - 1] = '\0';
	if (len > (size_t)INT_MAX)
		return -1;
	return (int)len;
}
