/* scan.h: word-at-a-time byte tests shared by the JSON readers (reader.c,
 * the tape; vparse.c, values directly).  Internal to src/json. */
#ifndef RP_JSON_SCAN_H
#define RP_JSON_SCAN_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

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

#endif
