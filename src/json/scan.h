/* scan.h: word-at-a-time byte tests shared by the JSON readers (reader.c,
 * the tape; vparse.c, values directly).  Internal to src/json. */
#ifndef RP_JSON_SCAN_H
#define RP_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/str.h"

#define RP_SCAN_ONES ((uint64_t)0x0101010101010101u)
#define RP_SCAN_HIGHS ((uint64_t)0x8080808080808080u)

static inline uint64_t rp_scan_load8(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

/* Nonzero when some byte of v equals c. */
static inline uint64_t rp_scan_has_byte(uint64_t v, unsigned char c)
{
	uint64_t x = v ^ (RP_SCAN_ONES * c);
	return (x - RP_SCAN_ONES) & ~x & RP_SCAN_HIGHS;
}

/* True when none of the 8 bytes needs attention inside a string: no quote,
 * no backslash, no control character, no byte >= 0x80. */
static inline bool rp_scan_plain8(uint64_t v)
{
	uint64_t ctrl = (v - RP_SCAN_ONES * 0x20) & ~v & RP_SCAN_HIGHS; /* bytes < 0x20 */
	return ((v & RP_SCAN_HIGHS) | ctrl | rp_scan_has_byte(v, '"') |
		rp_scan_has_byte(v, '\\')) == 0;
}

/* The bits of v (loaded little-endian) whose lowest set bit marks the first
 * byte that needs attention inside a string (the condition of
 * rp_scan_plain8); 0 when none does.  Each test borrows only from a byte
 * below a flagged one, so the lowest flag is exact (higher ones may not be). */
static inline uint64_t rp_scan_special8(uint64_t v)
{
	uint64_t ctrl = (v - RP_SCAN_ONES * 0x20) & ~v & RP_SCAN_HIGHS;
	return (v & RP_SCAN_HIGHS) | ctrl | rp_scan_has_byte(v, '"') | rp_scan_has_byte(v, '\\');
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
#define RP_SCAN_LE 1
/* Index (0-7) of the byte of a nonzero mask from rp_scan_special8 or of a
 * nonzero XOR of a loaded word: its lowest set bit's byte. */
static inline size_t rp_scan_first(uint64_t mask)
{
	return (size_t)__builtin_ctzll(mask) >> 3;
}
#else
#define RP_SCAN_LE 0
#endif

/* The first position >= p (and < n) of a byte that needs attention inside
 * a string (quote, backslash, control character, byte >= 0x80), or n. */
static inline size_t rp_scan_plain_run(const unsigned char *s, size_t p, size_t n)
{
	while (n - p >= 8) {
		uint64_t m = rp_scan_special8(rp_scan_load8(s + p));
		if (m) {
#if RP_SCAN_LE
			return p + rp_scan_first(m);
#else
			break;
#endif
		}
		p += 8;
	}
	while (p < n && s[p] >= 0x20 && s[p] < 0x80 && s[p] != '"' && s[p] != '\\')
		p++;
	return p;
}

/* JSON whitespace (RFC 8259: space, tab, line feed, carriage return). */
static inline bool rp_scan_is_ws(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* The first position >= p (and <= n) that is not whitespace.  The common
 * cases (none, one space, a line break and an indentation of spaces) cost a
 * byte test or two; an indentation goes 8 spaces at a time. */
static inline size_t rp_scan_ws(const unsigned char *s, size_t p, size_t n)
{
	while (p < n && rp_scan_is_ws(s[p])) {
		p++;
		while (n - p >= 8) {
			uint64_t x = rp_scan_load8(s + p) ^ (RP_SCAN_ONES * ' ');
			if (x) {
#if RP_SCAN_LE
				p += rp_scan_first(x);
#endif
				break;
			}
			p += 8;
		}
	}
	return p;
}

/* A line comment starting at p ("//"): the position of its line feed, or n. */
static inline size_t rp_scan_line_comment_end(const unsigned char *s, size_t p, size_t n)
{
	const unsigned char *e = memchr(s + p, '\n', n - p);
	return e ? (size_t)(e - s) : n;
}

/* A block comment starting at p ("/" "*", p + 2 <= n): the position just
 * past its closing star-slash, or 0 when it is not closed. */
static inline size_t rp_scan_block_comment_end(const unsigned char *s, size_t p, size_t n)
{
	p += 2;
	for (;;) {
		const unsigned char *e = memchr(s + p, '*', n - p);
		if (!e || (size_t)(e - s) + 1 >= n)
			return 0;
		p = (size_t)(e - s) + 1;
		if (s[p] == '/')
			return p + 1;
	}
}

#endif
