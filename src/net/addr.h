/* addr.h: IP addresses, address interval sets and port interval sets for
 * the network evaluation engine (docs/network.md).
 *
 * Addresses.  One ordered key space holds both families: every IPv4 address
 * sorts before every IPv6 address (fam 0 < fam 1), so `*` is the single
 * interval [0.0.0.0, ffff:...:ffff] while 0.0.0.0/0 and ::/0 are the two
 * family halves.  IPv4 addresses live in lo (hi = 0).  An IPv4-mapped IPv6
 * literal (::ffff:a.b.c.d) is an IPv6 address here, as Azure NSG rules
 * carry the two families separately.
 *
 * Sets.  An rp_net_aset / rp_net_pset is a sorted list of disjoint,
 * non-adjacent, inclusive intervals.  A set built with the *_add functions
 * lives on the heap (cap > 0) and is released with *_release; a frozen set
 * (cap == 0) borrows arena memory and *_release does nothing on it.
 * Appending functions return 0 or -RP_ENOMEM and leave the set valid.
 */
#ifndef RP_NET_ADDR_H
#define RP_NET_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/buf.h"

/* Largest port. */
#define RP_NET_PORT_MAX 65535u
/* Longest textual address or prefix accepted (IPv6 with embedded IPv4 and
 * a /128 suffix fits easily). */
#define RP_NET_ADDR_TEXT_MAX 64u

typedef struct rp_net_addr {
	uint32_t fam; /* 0 = IPv4, 1 = IPv6 */
	uint64_t hi, lo;
} rp_net_addr;

typedef struct rp_net_ival {
	rp_net_addr lo, hi; /* inclusive */
} rp_net_ival;

typedef struct rp_net_aset {
	rp_net_ival *v;
	size_t n, cap;
} rp_net_aset;

typedef struct rp_net_pival {
	uint32_t lo, hi; /* inclusive, 0..65535 */
} rp_net_pival;

typedef struct rp_net_pset {
	rp_net_pival *v;
	size_t n, cap;
} rp_net_pset;

/* ---- addresses ---- */
/* Total order: family, then value.  Inline: the engine's and the exposure
 * builder's hottest comparisons. */
static inline int rp_net_addr_cmp(const rp_net_addr *a, const rp_net_addr *b)
{
	if (a->fam != b->fam)
		return a->fam < b->fam ? -1 : 1;
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return 0;
}
/* A 64-bit summary of an interval, for hashing sets by content: exact for
 * an IPv4 interval (its two addresses), the IPv6 words folded in
 * otherwise.  Equal intervals give equal keys. */
static inline uint64_t rp_net_ival_key(const rp_net_ival *iv);
/* Smallest and largest address of the whole space. */
rp_net_addr rp_net_addr_min(void);
rp_net_addr rp_net_addr_max(void);
/* Next / previous address; false when a is the last / first one. */
bool rp_net_addr_next(rp_net_addr *a);
bool rp_net_addr_prev(rp_net_addr *a);
rp_net_addr rp_net_addr_v4(uint32_t v);
rp_net_addr rp_net_addr_v6(uint64_t hi, uint64_t lo);

/* Parses one address "10.0.0.1" / "2001:db8::1" (exactly n bytes, no
 * whitespace).  Returns 0, or -RP_EPARSE with a static message in *why. */
int rp_net_addr_parse(const char *s, size_t n, rp_net_addr *out, const char **why);
/* Parses "addr" or "addr/len" into the interval it denotes.  Host bits set
 * below the prefix length are an error (Azure rejects such a prefix).
 * 0 or -RP_EPARSE with *why. */
int rp_net_prefix_parse(const char *s, size_t n, rp_net_ival *out, const char **why);
/* Appends the address in its usual text form (RFC 5952 for IPv6). */
int rp_net_addr_format(rp_buf *b, const rp_net_addr *a);
static inline uint64_t rp_net_ival_key(const rp_net_ival *iv)
{
	uint64_t k = iv->lo.lo ^ (iv->hi.lo << 32 | iv->hi.lo >> 32);

	if (iv->lo.fam | iv->hi.fam)
		k ^= (iv->lo.hi + iv->lo.fam) * UINT64_C(0x9E3779B97F4A7C15) ^
		     (iv->hi.hi + iv->hi.fam) * UINT64_C(0xC2B2AE3D27D4EB4F) ^ iv->hi.lo ^
		     (uint64_t)iv->hi.fam << 1;
	return k;
}
/* Appends an interval as CIDR prefixes separated by ", " (an interval that
 * is not one prefix becomes several). */
int rp_net_ival_format(rp_buf *b, const rp_net_ival *iv);
/* As rp_net_ival_format, but stops after the prefix that takes b->len past
 * max: the text is then the same as the whole one up to that point (the
 * first max + 1 bytes of b agree), without formatting the rest (an
 * interval across the Internet is hundreds of prefixes). */
int rp_net_ival_format_max(rp_buf *b, const rp_net_ival *iv, size_t max);

/* ---- address sets ---- */
void rp_net_aset_release(rp_net_aset *s);
/* Adds an interval (any order; the set is kept normalized). */
int rp_net_aset_add(rp_net_aset *s, rp_net_addr lo, rp_net_addr hi);
int rp_net_aset_add_set(rp_net_aset *s, const rp_net_aset *t);
/* The whole space / one family. */
int rp_net_aset_add_all(rp_net_aset *s);
int rp_net_aset_copy(rp_net_aset *dst, const rp_net_aset *src);
/* out = a AND b, a MINUS b, NOT a.  out must be a fresh (empty) set,
 * distinct from the inputs. */
int rp_net_aset_intersect(rp_net_aset *out, const rp_net_aset *a, const rp_net_aset *b);
int rp_net_aset_subtract(rp_net_aset *out, const rp_net_aset *a, const rp_net_aset *b);
int rp_net_aset_complement(rp_net_aset *out, const rp_net_aset *a);
bool rp_net_aset_contains(const rp_net_aset *s, const rp_net_addr *a);
bool rp_net_aset_equal(const rp_net_aset *a, const rp_net_aset *b);
/* True if s covers the whole space. */
bool rp_net_aset_is_all(const rp_net_aset *s);
/* Arena copy (cap 0).  0 or -RP_ENOMEM. */
int rp_net_aset_freeze(rp_arena *a, const rp_net_aset *s, rp_net_aset *out);
/* Appends "10.0.0.0/24, 10.0.1.5/32" ("*" for everything, "0.0.0.0/0" /
 * "::/0" for a family, "(none)" when empty). */
int rp_net_aset_format(rp_buf *b, const rp_net_aset *s);

/* ---- port sets ---- */
void rp_net_pset_release(rp_net_pset *s);
int rp_net_pset_add(rp_net_pset *s, uint32_t lo, uint32_t hi);
int rp_net_pset_add_set(rp_net_pset *s, const rp_net_pset *t);
bool rp_net_pset_contains(const rp_net_pset *s, uint32_t port);
bool rp_net_pset_is_all(const rp_net_pset *s);
bool rp_net_pset_equal(const rp_net_pset *a, const rp_net_pset *b);
int rp_net_pset_freeze(rp_arena *a, const rp_net_pset *s, rp_net_pset *out);
/* Parses one Azure port expression: "*", "80" or "1000-2000" (0..65535,
 * low <= high, decimal digits only).  0 or -RP_EPARSE with *why. */
int rp_net_port_parse(const char *s, size_t n, rp_net_pival *out, const char **why);
/* Appends "22, 80-90" ("*" for 0-65535, "(none)" when empty). */
int rp_net_pset_format(rp_buf *b, const rp_net_pset *s);

#endif
