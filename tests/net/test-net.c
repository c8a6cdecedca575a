/* test-net.c: cmocka unit tests for src/net: address, prefix, port and
 * protocol parsing, interval-set operations, formatting, rule parsing
 * diagnostics and the default rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "json/value.h"
#include "net/match.h"
#include "net/net.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/source.h"

static rp_net_addr A4(const char *s)
{
	rp_net_addr a;
	const char *why = NULL;

	assert_int_equal(rp_net_addr_parse(s, strlen(s), &a, &why), 0);
	return a;
}

static void fmt_addr(const char *in, const char *want)
{
	rp_buf b = RP_BUF_INIT;
	rp_net_addr a = A4(in);

	assert_int_equal(rp_net_addr_format(&b, &a), 0);
	assert_string_equal(b.data, want);
	rp_buf_release(&b);
}

static void bad_addr(const char *in)
{
	rp_net_addr a;
	const char *why = NULL;

	assert_int_equal(rp_net_addr_parse(in, strlen(in), &a, &why), -RP_EPARSE);
	assert_non_null(why);
}

static void test_ipv4(void **state)
{
	rp_net_addr a;

	(void)state;
	a = A4("10.1.2.3");
	assert_int_equal(a.fam, 0);
	assert_int_equal(a.lo, 0x0A010203u);
	a = A4("255.255.255.255");
	assert_int_equal(a.lo, 0xFFFFFFFFu);
	fmt_addr("0.0.0.0", "0.0.0.0");
	fmt_addr("192.168.10.1", "192.168.10.1");
	bad_addr("256.1.1.1");
	bad_addr("1.2.3");
	bad_addr("1.2.3.4.5");
	bad_addr("01.2.3.4");
	bad_addr("1..2.3");
	bad_addr("1.2.3.4 ");
	bad_addr("");
	bad_addr("a.b.c.d");
}

static void test_ipv6(void **state)
{
	rp_net_addr a;

	(void)state;
	a = A4("2001:db8::1");
	assert_int_equal(a.fam, 1);
	assert_true(a.hi == UINT64_C(0x20010db800000000));
	assert_true(a.lo == 1);
	a = A4("::");
	assert_true(a.fam == 1 && a.hi == 0 && a.lo == 0);
	a = A4("::ffff:10.0.0.1");
	assert_true(a.fam == 1 && a.hi == 0 && a.lo == UINT64_C(0x0000ffff0a000001));
	fmt_addr("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1");
	fmt_addr("fe80::", "fe80::");
	fmt_addr("::1", "::1");
	fmt_addr("1:0:0:1:0:0:0:1", "1:0:0:1::1");
	fmt_addr("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8");
	bad_addr("1::2::3");
	bad_addr("1:2:3:4:5:6:7:8:9");
	bad_addr("12345::");
	bad_addr(":1::");
	bad_addr("1:2:3:4:5:6:7");
	bad_addr("g::1");
	bad_addr("1::2:");
}

static void test_prefix(void **state)
{
	rp_net_ival iv;
	const char *why = NULL;
	rp_buf b = RP_BUF_INIT;

	(void)state;
	assert_int_equal(rp_net_prefix_parse("10.0.0.0/8", 10, &iv, &why), 0);
	assert_int_equal(iv.lo.lo, 0x0A000000u);
	assert_int_equal(iv.hi.lo, 0x0AFFFFFFu);
	assert_int_equal(rp_net_prefix_parse("0.0.0.0/0", 9, &iv, &why), 0);
	assert_int_equal(iv.hi.lo, 0xFFFFFFFFu);
	assert_int_equal(iv.hi.fam, 0);
	assert_int_equal(rp_net_prefix_parse("1.2.3.4", 7, &iv, &why), 0);
	assert_int_equal(rp_net_addr_cmp(&iv.lo, &iv.hi), 0);
	assert_int_equal(rp_net_prefix_parse("2001:db8::/32", 13, &iv, &why), 0);
	assert_true(iv.hi.hi == UINT64_C(0x20010db8ffffffff) && iv.hi.lo == UINT64_MAX);
	assert_int_equal(rp_net_prefix_parse("::/0", 4, &iv, &why), 0);
	assert_true(iv.lo.fam == 1 && iv.hi.hi == UINT64_MAX);
	assert_int_equal(rp_net_prefix_parse("fd00::/72", 9, &iv, &why), 0);
	assert_true(iv.hi.hi == UINT64_C(0xfd00000000000000) &&
		    iv.hi.lo == UINT64_C(0x00ffffffffffffff));
	assert_int_equal(rp_net_prefix_parse("10.0.0.5/24", 11, &iv, &why), -RP_EPARSE);
	assert_non_null(strstr(why, "host bits"));
	assert_int_equal(rp_net_prefix_parse("10.0.0.0/33", 11, &iv, &why), -RP_EPARSE);
	assert_int_equal(rp_net_prefix_parse("10.0.0.0/", 9, &iv, &why), -RP_EPARSE);
	assert_int_equal(rp_net_prefix_parse("10.0.0.0/08", 11, &iv, &why), -RP_EPARSE);
	assert_int_equal(rp_net_prefix_parse("::/129", 6, &iv, &why), -RP_EPARSE);
	assert_int_equal(rp_net_prefix_parse("2001:db8::1/64", 14, &iv, &why), -RP_EPARSE);
	/* interval formatting as prefixes */
	assert_int_equal(rp_net_prefix_parse("10.0.0.0/24", 11, &iv, &why), 0);
	iv.hi = A4("10.0.1.5");
	assert_int_equal(rp_net_ival_format(&b, &iv), 0);
	assert_string_equal(b.data, "10.0.0.0/24, 10.0.1.0/30, 10.0.1.4/31");
	rp_buf_release(&b);
}

/* The reference rp_net_addr_format must match byte for byte: libc's
 * inet_ntop (RFC 5952: the longest run of two or more zero groups, the
 * first of equal runs, becomes "::"; lowercase hex without leading zeros),
 * except that inet_ntop writes the last 32 bits of an IPv4-compatible or
 * IPv4-mapped IPv6 address as a dotted quad, where rampart keeps two hex
 * groups. */
static void ref_addr_format(char *out, size_t cap, const rp_net_addr *a)
{
	unsigned char raw[16];
	char *dot, *colon;
	int k;

	if (a->fam == 0) {
		for (k = 0; k < 4; k++)
			raw[k] = (unsigned char)(a->lo >> (24 - 8 * k));
		assert_non_null(inet_ntop(AF_INET, raw, out, (socklen_t)cap));
		return;
	}
	for (k = 0; k < 8; k++) {
		raw[k] = (unsigned char)(a->hi >> (56 - 8 * k));
		raw[8 + k] = (unsigned char)(a->lo >> (56 - 8 * k));
	}
	assert_non_null(inet_ntop(AF_INET6, raw, out, (socklen_t)cap));
	dot = strchr(out, '.');
	if (dot) {
		colon = strrchr(out, ':');
		assert_non_null(colon);
		snprintf(colon + 1, cap - (size_t)(colon + 1 - out), "%x:%x",
			 (unsigned)(a->lo >> 16) & 0xffffu, (unsigned)a->lo & 0xffffu);
	}
}

/* rp_net_addr_format and the prefixes of rp_net_ival_format against the
 * inet_ntop reference: IPv4 with every digit count, IPv6 with zero groups
 * and runs of zeros anywhere (a pseudo-random walk, fixed seed). */
static void test_addr_format_digits(void **state)
{
	static const uint16_t parts[] = { 0,     1,     9,     10,     0xf,   0x10,  0xff,
					  0x100, 0xabc, 0xfff, 0x1000, 0xdb8, 0xffff };
	uint64_t x = 0x9E3779B97F4A7C15u;
	rp_buf b = RP_BUF_INIT;
	char want[128];
	int i, k;

	(void)state;
	for (i = 0; i < 20000; i++) {
		rp_net_addr a;
		memset(&a, 0, sizeof(a));
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (i % 2 == 0) {
			static const unsigned oct[] = { 0, 7, 10, 99, 100, 199, 255 };
			a.fam = 0;
			for (k = 0; k < 4; k++)
				a.lo = a.lo << 8 | oct[(x >> (8 * k)) % 7];
			if (i % 10 == 0)
				a.lo = x & 0xFFFFFFFFu;
		} else {
			a.fam = 1;
			for (k = 0; k < 8; k++) {
				uint64_t gk = parts[(x >> (5 * k)) % 13];
				if (k < 4)
					a.hi = a.hi << 16 | gk;
				else
					a.lo = a.lo << 16 | gk;
			}
		}
		ref_addr_format(want, sizeof(want), &a);
		rp_buf_clear(&b);
		assert_int_equal(rp_net_addr_format(&b, &a), 0);
		assert_string_equal(b.data, want);
	}
	rp_buf_release(&b);
	fmt_addr("::", "::");
	fmt_addr("1:0:0:2:0:0:0:3", "1:0:0:2::3");
	fmt_addr("0.0.0.0", "0.0.0.0");
	/* IPv4-mapped and -compatible: hex groups, never a dotted quad */
	fmt_addr("::ffff:102:304", "::ffff:102:304");
	fmt_addr("0:0:0:0:0:0:102:304", "::102:304");
	fmt_addr("::1:0", "::1:0");
}

/* rp_net_ival_format_max: the bounded text is the whole text cut after the
 * prefix that goes past the bound (the scan keeps the first 241 bytes of an
 * exposure's sources), and the whole text when it fits. */
static void test_ival_format_max(void **state)
{
	static const size_t maxes[] = { 0, 1, 17, 40, 100, 240, 2000, 100000 };
	rp_net_ival ivs[3];
	rp_buf whole = RP_BUF_INIT, cut = RP_BUF_INIT;
	size_t i, k, longest = 0;

	(void)state;
	/* unaligned ends: dozens of prefixes */
	ivs[0].lo = A4("11.0.0.1");
	ivs[0].hi = A4("223.255.255.254");
	/* across the families: the rest of IPv4, then IPv6 up to 2001:db8:: */
	ivs[1].lo = A4("172.32.0.0");
	ivs[1].hi = rp_net_addr_v6(UINT64_C(0x20010db800000000), 0);
	/* one prefix */
	ivs[2].lo = A4("10.0.0.0");
	ivs[2].hi = A4("10.255.255.255");
	for (i = 0; i < 3; i++) {
		rp_buf_clear(&whole);
		assert_int_equal(rp_net_ival_format(&whole, &ivs[i]), 0);
		if (whole.len > longest)
			longest = whole.len;
		for (k = 0; k < sizeof(maxes) / sizeof(maxes[0]); k++) {
			rp_buf_clear(&cut);
			assert_int_equal(rp_net_ival_format_max(&cut, &ivs[i], maxes[k]), 0);
			assert_true(cut.len <= whole.len);
			assert_memory_equal(cut.data, whole.data, cut.len);
			if (whole.len > maxes[k]) {
				const char *next = whole.data + cut.len;
				/* past the bound, and cut at a prefix boundary */
				assert_true(cut.len > maxes[k]);
				assert_true(*next == '\0' || strncmp(next, ", ", 2) == 0);
				/* the prefix before it was still within the bound */
				if (cut.len < whole.len) {
					const char *last = strrchr(cut.data, ',');
					assert_true(last == NULL ||
						    (size_t)(last - cut.data) <= maxes[k]);
				}
			} else {
				assert_int_equal(cut.len, whole.len);
			}
		}
	}
	assert_true(longest > 240); /* the bound of the scan is exercised */
	rp_buf_release(&whole);
	rp_buf_release(&cut);
}

static void test_ports(void **state)
{
	rp_net_pival p;
	const char *why = NULL;
	rp_net_pset s = { 0 };
	rp_buf b = RP_BUF_INIT;

	(void)state;
	assert_int_equal(rp_net_port_parse("*", 1, &p, &why), 0);
	assert_true(p.lo == 0 && p.hi == 65535);
	assert_int_equal(rp_net_port_parse("22", 2, &p, &why), 0);
	assert_true(p.lo == 22 && p.hi == 22);
	assert_int_equal(rp_net_port_parse("10000-10005", 11, &p, &why), 0);
	assert_true(p.lo == 10000 && p.hi == 10005);
	assert_int_equal(rp_net_port_parse("0-65535", 7, &p, &why), 0);
	assert_int_equal(rp_net_port_parse("65536", 5, &p, &why), -RP_EPARSE);
	assert_int_equal(rp_net_port_parse("90-80", 5, &p, &why), -RP_EPARSE);
	assert_int_equal(rp_net_port_parse("80,443", 6, &p, &why), -RP_EPARSE);
	assert_int_equal(rp_net_port_parse("", 0, &p, &why), -RP_EPARSE);
	assert_int_equal(rp_net_port_parse("-5", 2, &p, &why), -RP_EPARSE);
	assert_int_equal(rp_net_port_parse("5-", 2, &p, &why), -RP_EPARSE);
	assert_int_equal(rp_net_port_parse(" 80", 3, &p, &why), -RP_EPARSE);
	assert_int_equal(rp_net_port_parse("123456", 6, &p, &why), -RP_EPARSE);
	/* sets: merge adjacent and overlapping, keep order */
	assert_int_equal(rp_net_pset_add(&s, 443, 443), 0);
	assert_int_equal(rp_net_pset_add(&s, 80, 80), 0);
	assert_int_equal(rp_net_pset_add(&s, 81, 90), 0);
	assert_int_equal(rp_net_pset_add(&s, 10000, 10005), 0);
	assert_int_equal(rp_net_pset_add(&s, 10003, 10010), 0);
	assert_int_equal(rp_net_pset_format(&b, &s), 0);
	assert_string_equal(b.data, "80-90, 443, 10000-10010");
	assert_true(rp_net_pset_contains(&s, 85));
	assert_false(rp_net_pset_contains(&s, 91));
	assert_int_equal(rp_net_pset_add(&s, 0, 65535), 0);
	assert_true(rp_net_pset_is_all(&s));
	rp_buf_clear(&b);
	assert_int_equal(rp_net_pset_format(&b, &s), 0);
	assert_string_equal(b.data, "*");
	rp_net_pset_release(&s);
	rp_buf_release(&b);
}

static void test_protocols(void **state)
{
	(void)state;
	assert_int_equal(rp_net_proto_parse("tcp", 3), RP_NET_TCP);
	assert_int_equal(rp_net_proto_parse("UDP", 3), RP_NET_UDP);
	assert_int_equal(rp_net_proto_parse("Icmp", 4), RP_NET_ICMP);
	assert_int_equal(rp_net_proto_parse("esp", 3), RP_NET_ESP);
	assert_int_equal(rp_net_proto_parse("Ah", 2), RP_NET_AH);
	assert_int_equal(rp_net_proto_parse("gre", 3), -1);
	assert_int_equal(rp_net_proto_parse("*", 1), -1);
	assert_string_equal(rp_net_proto_name(RP_NET_ESP), "Esp");
}

static void test_sets(void **state)
{
	rp_net_aset a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };
	rp_net_ival iv;
	const char *why;
	rp_buf out = RP_BUF_INIT;
	rp_net_addr x;
	rp_arena *ar = rp_arena_new();
	rp_net_aset fz;

	(void)state;
	rp_net_prefix_parse("10.0.0.0/8", 10, &iv, &why);
	rp_net_aset_add(&a, iv.lo, iv.hi);
	rp_net_prefix_parse("10.1.0.0/16", 11, &iv, &why);
	rp_net_aset_add(&b, iv.lo, iv.hi);
	rp_net_prefix_parse("fd00::/8", 8, &iv, &why);
	rp_net_aset_add(&b, iv.lo, iv.hi);
	assert_int_equal(rp_net_aset_subtract(&c, &a, &b), 0);
	assert_int_equal(rp_net_aset_format(&out, &c), 0);
	assert_string_equal(out.data,
			    "10.0.0.0/16, 10.2.0.0/15, 10.4.0.0/14, 10.8.0.0/13, 10.16.0.0/12, "
			    "10.32.0.0/11, 10.64.0.0/10, 10.128.0.0/9");
	assert_int_equal(rp_net_aset_intersect(&d, &a, &b), 0);
	rp_buf_clear(&out);
	rp_net_aset_format(&out, &d);
	assert_string_equal(out.data, "10.1.0.0/16");
	/* complement of nothing is everything; of everything, nothing */
	rp_net_aset_release(&c);
	rp_net_aset_release(&d);
	assert_int_equal(rp_net_aset_complement(&c, &d), 0);
	assert_true(rp_net_aset_is_all(&c));
	rp_buf_clear(&out);
	rp_net_aset_format(&out, &c);
	assert_string_equal(out.data, "*");
	assert_int_equal(rp_net_aset_complement(&d, &c), 0);
	assert_int_equal(d.n, 0);
	/* the two families are adjacent in the key space */
	x = A4("255.255.255.255");
	assert_true(rp_net_addr_next(&x));
	assert_true(x.fam == 1 && x.hi == 0 && x.lo == 0);
	assert_true(rp_net_addr_prev(&x));
	assert_true(x.fam == 0 && x.lo == 0xFFFFFFFFu);
	/* adding merges adjacent intervals, in any order */
	rp_net_aset_release(&c);
	rp_net_aset_add(&c, A4("10.0.0.4"), A4("10.0.0.7"));
	rp_net_aset_add(&c, A4("10.0.0.0"), A4("10.0.0.1"));
	rp_net_aset_add(&c, A4("10.0.0.2"), A4("10.0.0.3"));
	assert_int_equal(c.n, 1);
	x = A4("10.0.0.5");
	assert_true(rp_net_aset_contains(&c, &x));
	x = A4("10.0.0.8");
	assert_false(rp_net_aset_contains(&c, &x));
	/* frozen sets are copied before any change */
	assert_int_equal(rp_net_aset_freeze(ar, &c, &fz), 0);
	assert_int_equal(rp_net_aset_add(&fz, A4("10.0.0.8"), A4("10.0.0.8")), 0);
	assert_int_equal(c.v[0].hi.lo, 0x0A000007u);
	assert_int_equal(fz.v[0].hi.lo, 0x0A000008u);
	rp_net_aset_release(&fz);
	rp_net_aset_release(&a);
	rp_net_aset_release(&b);
	rp_net_aset_release(&c);
	rp_net_aset_release(&d);
	rp_buf_release(&out);
	rp_arena_free(ar);
}

/* rp_net_aset_add_set appends a set that starts past the end as it is,
 * and merges one that touches or overlaps (the families meet:
 * 255.255.255.255 and :: are adjacent). */
static void test_add_set(void **state)
{
	rp_net_aset a = { 0 }, b = { 0 }, c = { 0 }, fz;
	rp_arena *ar = rp_arena_new();
	rp_buf out = RP_BUF_INIT;

	(void)state;
	rp_net_aset_add(&a, A4("10.0.0.1"), A4("10.0.0.1"));
	rp_net_aset_add(&a, A4("10.0.0.5"), A4("10.0.0.9"));
	rp_net_aset_add(&b, A4("10.0.0.11"), A4("10.0.0.11")); /* a gap of one */
	rp_net_aset_add(&b, A4("255.255.255.255"), A4("255.255.255.255"));
	rp_net_aset_add(&b, rp_net_addr_v6(0, 0), rp_net_addr_v6(0, 1)); /* merges above */
	assert_int_equal(b.n, 2);
	assert_int_equal(rp_net_aset_add_set(&a, &b), 0); /* appended */
	assert_int_equal(a.n, 4);
	rp_net_aset_format(&out, &a);
	assert_string_equal(out.data, "10.0.0.1/32, 10.0.0.5/32, 10.0.0.6/31, 10.0.0.8/31, "
				      "10.0.0.11/32, 255.255.255.255/32, ::/127");
	/* touching: 10.0.0.10 joins 10.0.0.5-9 and 10.0.0.11 */
	rp_net_aset_release(&b);
	rp_net_aset_add(&b, A4("10.0.0.10"), A4("10.0.0.10"));
	assert_int_equal(rp_net_aset_add_set(&a, &b), 0);
	assert_int_equal(a.n, 3);
	assert_true(a.v[1].lo.lo == 0x0A000005u && a.v[1].hi.lo == 0x0A00000Bu);
	/* into an empty set, and into a frozen one (copied first) */
	assert_int_equal(rp_net_aset_add_set(&c, &a), 0);
	assert_true(rp_net_aset_equal(&c, &a));
	assert_int_equal(rp_net_aset_freeze(ar, &a, &fz), 0);
	rp_net_aset_release(&b);
	rp_net_aset_add(&b, rp_net_addr_v6(1, 0), rp_net_addr_v6(1, 0));
	assert_int_equal(rp_net_aset_add_set(&fz, &b), 0);
	assert_int_equal(fz.n, 4);
	assert_int_equal(a.n, 3); /* the original is untouched */
	assert_true(fz.cap > 0);
	/* everything absorbs anything */
	rp_net_aset_release(&c);
	rp_net_aset_add_all(&c);
	assert_int_equal(rp_net_aset_add_set(&c, &fz), 0);
	assert_true(rp_net_aset_is_all(&c));
	rp_net_aset_release(&fz);
	rp_net_aset_release(&a);
	rp_net_aset_release(&b);
	rp_net_aset_release(&c);
	rp_buf_release(&out);
	rp_arena_free(ar);
}

/* rp_net_ival_key: equal intervals give equal keys; IPv4 intervals are
 * told apart exactly (the key is their two addresses); an IPv6 interval
 * with the same low words as an IPv4 one, and intervals spanning the two
 * families, are distinct intervals that the set hashes must still compare
 * in full. */
static void test_ival_key(void **state)
{
	rp_net_ival a = { A4("10.0.0.1"), A4("10.0.0.1") }, b = a, c, d, e, f;

	(void)state;
	assert_true(rp_net_ival_key(&a) == rp_net_ival_key(&b));
	c = a;
	c.hi = A4("10.0.0.2"); /* one address more */
	assert_true(rp_net_ival_key(&a) != rp_net_ival_key(&c));
	d.lo = rp_net_addr_v6(0, 0x0A000001u); /* ::a00:1, same low words */
	d.hi = d.lo;
	assert_true(rp_net_ival_key(&a) != rp_net_ival_key(&d));
	e.lo = rp_net_addr_min(); /* "*": both families */
	e.hi = rp_net_addr_max();
	f.lo = A4("0.0.0.0"); /* 0.0.0.0/0 */
	f.hi = A4("255.255.255.255");
	assert_true(rp_net_ival_key(&e) != rp_net_ival_key(&f));
	b = e;
	assert_true(rp_net_ival_key(&e) == rp_net_ival_key(&b));
}

static uint64_t prng = 0x853C49E6748FEA9BULL;

static unsigned rnd(unsigned n)
{
	prng = prng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((prng >> 33) % n);
}

/* A random address of a small window where the families meet: the top
 * of IPv4 (255.255.255.x), the bottom of IPv6 (::x), and 10.0.0.x. */
static rp_net_addr rnd_addr(unsigned w, unsigned off)
{
	switch (w) {
	case 0: return rp_net_addr_v4(0x0A000000u + off);
	case 1: return rp_net_addr_v4(0xFFFFFF00u + off);
	default: return rp_net_addr_v6(0, off);
	}
}

/* A random set over the windows: single addresses, short ranges, runs of
 * adjacent addresses added one by one (they merge), a whole window, now
 * and then 0.0.0.0/0 or everything. */
static void rnd_set(rp_net_aset *s)
{
	unsigned k, n = rnd(12);

	if (rnd(16) == 0) {
		rp_net_aset_add(s, A4("0.0.0.0"), A4("255.255.255.255"));
		return;
	}
	if (rnd(20) == 0) {
		rp_net_aset_add_all(s);
		return;
	}
	for (k = 0; k < n; k++) {
		unsigned w = rnd(3), lo = rnd(256), len = rnd(4) ? 0 : rnd(40), j;
		if (lo + len > 255)
			len = 255 - lo;
		if (rnd(4) == 0) {
			for (j = 0; j <= len; j++)
				rp_net_aset_add(s, rnd_addr(w, lo + j), rnd_addr(w, lo + j));
		} else {
			rp_net_aset_add(s, rnd_addr(w, lo), rnd_addr(w, lo + len));
		}
	}
	if (rnd(8) == 0) /* across the family boundary */
		rp_net_aset_add(s, rnd_addr(1, 200 + rnd(56)), rnd_addr(2, rnd(50)));
}

/* rp_net_result_partition (the exposures' sweep, which skips the piece
 * and source intervals that cannot meet) against rp_net_result_restrict
 * (an intersection per source), on random pieces and disjoint sources
 * with gaps in all three windows. */
static void test_partition(void **state)
{
	enum { NP = 12, NS = 6, ROUNDS = 400 };
	rp_net_aset rs[NP], src[NS], tmp = { 0 };
	const rp_net_aset *srcp[NS];
	rp_net_piece pcs[NP];
	rp_net_result r, out[NS], want;
	rp_arena *ar = rp_arena_new();
	unsigned round, i, j, k, met = 0, skipped = 0;

	(void)state;
	assert_non_null(ar);
	for (round = 0; round < ROUNDS; round++) {
		memset(pcs, 0, sizeof(pcs));
		memset(rs, 0, sizeof(rs));
		memset(src, 0, sizeof(src));
		for (i = 0; i < NP; i++) {
			rnd_set(&rs[i]);
			pcs[i].proto = RP_NET_TCP;
			pcs[i].verdict = rnd(4) ? RP_NET_ALLOW : RP_NET_DENY;
			pcs[i].remote = rs[i];
		}
		/* sources: each window cut into segments, each segment given
		 * to a random source or left out (a gap) */
		for (k = 0; k < 3; k++) {
			unsigned a = 0;
			while (a < 256) {
				unsigned len = 1 + rnd(rnd(2) ? 3 : 60), owner = rnd(NS + 2);
				if (a + len > 256)
					len = 256 - a;
				if (owner < NS)
					rp_net_aset_add(&src[owner], rnd_addr(k, a),
							rnd_addr(k, a + len - 1));
				a += len;
			}
		}
		if (rnd(3) == 0) /* a source far below every window */
			rp_net_aset_add(&src[rnd(NS)], A4("1.0.0.0"), A4("1.0.0.255"));
		for (j = 0; j < NS; j++)
			srcp[j] = &src[j];
		r.pieces = pcs;
		r.n = NP;
		r.nclasses = 0;
		assert_int_equal(rp_net_result_partition(&r, srcp, NS, 1u << RP_NET_ALLOW, ar, out),
				 0);
		for (j = 0; j < NS; j++) {
			size_t q = 0;
			assert_int_equal(
				rp_net_result_restrict(&r, &src[j], 1u << RP_NET_ALLOW, ar, &want),
				0);
			assert_int_equal(out[j].n, want.n);
			for (q = 0; q < want.n; q++) {
				assert_true(rp_net_aset_equal(&out[j].pieces[q].remote,
							      &want.pieces[q].remote));
				assert_int_equal(out[j].pieces[q].verdict, RP_NET_ALLOW);
				met++;
			}
		}
		for (i = 0; i < NP; i++)
			skipped += pcs[i].verdict == RP_NET_DENY;
		for (i = 0; i < NP; i++)
			rp_net_aset_release(&rs[i]);
		for (j = 0; j < NS; j++)
			rp_net_aset_release(&src[j]);
	}
	/* the random cases meet often and leave out denied pieces */
	assert_true(met > 1000);
	assert_true(skipped > 100);
	/* overlapping sources are refused */
	memset(src, 0, sizeof(src));
	rp_net_aset_add(&src[0], A4("10.0.0.0"), A4("10.0.0.9"));
	rp_net_aset_add(&src[1], A4("10.0.0.9"), A4("10.0.0.20"));
	rp_net_aset_add(&tmp, A4("10.0.0.0"), A4("10.0.0.255"));
	memset(pcs, 0, sizeof(pcs));
	pcs[0].verdict = RP_NET_ALLOW;
	pcs[0].remote = tmp;
	r.pieces = pcs;
	r.n = 1;
	srcp[0] = &src[0];
	srcp[1] = &src[1];
	assert_int_equal(rp_net_result_partition(&r, srcp, 2, 1u << RP_NET_ALLOW, ar, out),
			 -RP_EINVAL);
	rp_net_aset_release(&src[0]);
	rp_net_aset_release(&src[1]);
	rp_net_aset_release(&tmp);
	rp_arena_free(ar);
}

/* Parses the rule JSON text; returns the number of error diagnostics. */
static size_t parse_rule(const char *json, rp_net_rule *r, rp_arena *a, rp_diag *d, rp_source **src,
			 rp_json_doc **doc)
{
	rp_value *v;

	assert_int_equal(rp_source_from_memory("rule.json", json, strlen(json), src), 0);
	assert_int_equal(rp_json_parse(*src, RP_JSON_STRICT, doc, d), 0);
	v = rp_value_from_json(a, *doc, 0);
	assert_non_null(v);
	assert_int_equal(rp_net_rule_parse(a, v, r, d), 0);
	return d->nerrors;
}

static void test_rule_parse(void **state)
{
	rp_arena *a = rp_arena_new();
	rp_diag d;
	rp_net_rule r;
	rp_source *src = NULL;
	rp_json_doc *doc = NULL;
	const char *ok =
		"{\"name\":\"AllowWeb\",\"properties\":{\"priority\":200,\"direction\":\"inbound\","
		"\"access\":\"ALLOW\",\"protocol\":\"tcp\",\"sourceAddressPrefixes\":[\"10.0.0.0/"
		"24\",\"10.0.5.1\"],"
		"\"sourceAddressPrefix\":\"\",\"destinationAddressPrefix\":\"VirtualNetwork\","
		"\"sourcePortRange\":\"*\",\"destinationPortRanges\":[\"80\",\"443\",\"8000-8010\"]"
		"}}";
	const char *bad =
		"{\"name\":\"Bad\",\"properties\":{\"priority\":5000,\"direction\":\"In\","
		"\"access\":\"Allow\",\"protocol\":\"Gre\",\"sourceAddressPrefix\":\"10.0.0.1-10.0."
		"0.9\","
		"\"destinationAddressPrefix\":\"*\",\"sourcePortRange\":\"*\","
		"\"destinationPortRange\":\"80-70\"}}";

	(void)state;
	rp_diag_init(&d);
	assert_int_equal(parse_rule(ok, &r, a, &d, &src, &doc), 0);
	assert_string_equal(r.name, "AllowWeb");
	assert_int_equal(r.priority, 200);
	assert_true(r.priority_known);
	assert_int_equal(r.dir, RP_NET_IN);
	assert_int_equal(r.access, RP_NET_ALLOW);
	assert_int_equal(r.proto_yes, 1u << RP_NET_TCP);
	assert_int_equal(r.src.n, 2);
	assert_int_equal(r.src.terms[0].kind, RP_NET_T_PREFIX);
	assert_int_equal(r.dst.n, 1);
	assert_int_equal(r.dst.terms[0].kind, RP_NET_T_TAG);
	assert_int_equal(r.dport.yes.n, 3);
	assert_true(rp_net_pset_is_all(&r.sport.yes));
	assert_null(r.unknown);
	rp_json_doc_free(doc);
	rp_source_free(src);
	rp_diag_release(&d);

	rp_diag_init(&d);
	/* priority, direction, protocol, source, destination port: five errors */
	assert_int_equal(parse_rule(bad, &r, a, &d, &src, &doc), 5);
	assert_false(r.priority_known);
	assert_int_equal(r.dir, -1);
	assert_int_equal(r.proto_yes, 0);
	assert_int_equal(r.proto_poss, RP_NET_PROTO_ALL);
	assert_int_equal(r.src.terms[0].kind, RP_NET_T_UNKNOWN);
	assert_non_null(r.dport.unknown);
	assert_non_null(r.unknown);
	/* the port diagnostic points at the value "80-70" */
	{
		size_t i;
		bool found = false;
		for (i = 0; i < d.count; i++)
			if (strstr(d.items[i].message, "destinationPortRange")) {
				assert_int_equal(d.items[i].end - d.items[i].start, 7);
				assert_memory_equal(src->data + d.items[i].start, "\"80-70\"", 7);
				found = true;
			}
		assert_true(found);
	}
	rp_json_doc_free(doc);
	rp_source_free(src);
	rp_diag_release(&d);
	rp_arena_free(a);
}

static void test_defaults(void **state)
{
	const rp_net_rule *r;

	(void)state;
	r = rp_net_default_rule(RP_NET_IN, 0);
	assert_string_equal(r->name, "AllowVnetInBound");
	assert_int_equal(r->priority, 65000);
	r = rp_net_default_rule(RP_NET_IN, 1);
	assert_string_equal(r->name, "AllowAzureLoadBalancerInBound");
	assert_int_equal(r->priority, 65001);
	r = rp_net_default_rule(RP_NET_IN, 2);
	assert_string_equal(r->name, "DenyAllInBound");
	assert_int_equal(r->priority, 65500);
	assert_int_equal(r->access, RP_NET_DENY);
	r = rp_net_default_rule(RP_NET_OUT, 0);
	assert_string_equal(r->name, "AllowVnetOutBound");
	r = rp_net_default_rule(RP_NET_OUT, 1);
	assert_string_equal(r->name, "AllowInternetOutBound");
	assert_int_equal(r->priority, 65001);
	r = rp_net_default_rule(RP_NET_OUT, 2);
	assert_string_equal(r->name, "DenyAllOutBound");
	assert_null(rp_net_default_rule(RP_NET_OUT, 3));
}

static void test_env_internet(void **state)
{
	rp_net_env *e = rp_net_env_new();
	rp_net_aset v = { 0 };
	rp_net_addr x;

	(void)state;
	rp_net_aset_add(&v, A4("10.0.0.0"), A4("10.0.255.255"));
	assert_int_equal(rp_net_env_add_vnet(e, &v), 0);
	assert_int_equal(rp_net_env_finish(e), 0);
	x = A4("8.8.8.8");
	assert_true(rp_net_aset_contains(&rp_net_env_tag(e, "Internet")->yes, &x));
	assert_true(rp_net_aset_contains(&rp_net_env_tag(e, "internet")->yes, &x));
	x = A4("10.0.3.3");
	assert_false(rp_net_aset_contains(&rp_net_env_tag(e, "Internet")->yes, &x));
	assert_true(rp_net_aset_contains(&rp_net_env_tag(e, "VirtualNetwork")->yes, &x));
	x = A4("168.63.129.16");
	assert_false(rp_net_aset_contains(&rp_net_env_tag(e, "Internet")->yes, &x));
	assert_true(rp_net_aset_contains(&rp_net_env_tag(e, "AzureLoadBalancer")->yes, &x));
	x = A4("172.20.0.1");
	assert_false(rp_net_aset_contains(&rp_net_env_tag(e, "Internet")->yes, &x));
	x = A4("2001:db8::1");
	assert_true(rp_net_aset_contains(&rp_net_env_tag(e, "Internet")->yes, &x));
	/* opaque tags: public addresses may be members */
	x = A4("52.1.2.3");
	assert_true(rp_net_aset_contains(&rp_net_env_tag(e, "AzureCloud.WestEurope")->maybe, &x));
	assert_int_equal(rp_net_env_tag(e, "AzureCloud.WestEurope")->yes.n, 0);
	rp_net_aset_release(&v);
	rp_net_env_free(e);
}

/* An NSG of the given security rules (JSON array text) in a. */
static rp_net_nsg *nsg_of(rp_arena *a, const char *name, const char *rules, rp_source **src,
			  rp_json_doc **doc)
{
	rp_net_nsg *nsg = rp_net_nsg_new(a, name, (rp_span){ 0 });
	rp_value *v;
	size_t i;

	assert_non_null(nsg);
	assert_int_equal(rp_source_from_memory(name, rules, strlen(rules), src), 0);
	assert_int_equal(rp_json_parse(*src, RP_JSON_STRICT, doc, NULL), 0);
	v = rp_value_from_json(a, *doc, 0);
	assert_non_null(v);
	for (i = 0; i < v->len; i++)
		assert_int_equal(rp_net_nsg_add_rule(nsg, v->u.items[i], NULL), 0);
	assert_int_equal(rp_net_nsg_finish(nsg, NULL), 0);
	return nsg;
}

#define RULE(NAME, PRIO, ACCESS, PORT)                                                            \
	"{\"name\":\"" NAME "\",\"properties\":{\"priority\":" PRIO ",\"direction\":\"Inbound\"," \
	"\"access\":\"" ACCESS "\",\"protocol\":\"Tcp\",\"sourceAddressPrefix\":\"10.0.0.0/8\","  \
	"\"sourcePortRange\":\"*\",\"destinationAddressPrefix\":\"*\","                           \
	"\"destinationPortRange\":\"" PORT "\"}}"

/* The engine shares the tables of NSGs equal in content (names and
 * priorities aside, rule order kept); every decision's hops still name
 * its own NSG and rules.  An NSG that differs in one port gets its own. */
static void test_engine_shared_tables(void **state)
{
	rp_arena *a = rp_arena_new();
	rp_source *src[3] = { NULL, NULL, NULL };
	rp_json_doc *doc[3] = { NULL, NULL, NULL };
	rp_net_nsg *n1, *n2, *n3;
	rp_net_env *env = rp_net_env_new();
	rp_net_engine *e = rp_net_engine_new();
	rp_net_aset v = { 0 };
	rp_net_addr local = A4("10.1.0.4");
	const rp_net_result *r1, *r2, *r3;
	rp_net_chain c;
	size_t i, computed = 0, cached = 0, built = 0, shared = 0;
	int k;

	(void)state;
	n1 = nsg_of(a, "nsg-1",
		    "[" RULE("web", "100", "Allow", "443") "," RULE("deny", "200", "Deny", "*") "]",
		    &src[0], &doc[0]);
	n2 = nsg_of(
		a, "nsg-2",
		"[" RULE("https", "300", "Allow", "443") "," RULE("rest", "310", "Deny", "*") "]",
		&src[1], &doc[1]);
	n3 = nsg_of(
		a, "nsg-3",
		"[" RULE("web", "100", "Allow", "8443") "," RULE("deny", "200", "Deny", "*") "]",
		&src[2], &doc[2]);
	assert_int_equal(rp_net_aset_add(&v, A4("10.1.0.0"), A4("10.1.255.255")), 0);
	assert_int_equal(rp_net_env_add_vnet(env, &v), 0);
	assert_int_equal(rp_net_env_finish(env), 0);
	memset(&c, 0, sizeof(c));
	c.env = env;
	c.nic_nsg = n1;
	assert_int_equal(rp_net_engine_eval(e, &c, RP_NET_IN, &local, &r1), 0);
	c.nic_nsg = n2;
	assert_int_equal(rp_net_engine_eval(e, &c, RP_NET_IN, &local, &r2), 0);
	c.nic_nsg = n3;
	assert_int_equal(rp_net_engine_eval(e, &c, RP_NET_IN, &local, &r3), 0);
	rp_net_engine_stats(e, &computed, &cached);
	assert_int_equal(computed, 3); /* a decision per NSG: hops differ */
	rp_net__engine_table_stats(e, &built, &shared);
	assert_int_equal(built, 2);  /* nsg-1, nsg-3 */
	assert_int_equal(shared, 1); /* nsg-2 reads nsg-1's arrays */
	/* equal pieces, each naming its own NSG and the rule at the same place */
	assert_int_equal(r1->n, r2->n);
	for (i = 0; i < r1->n; i++) {
		const rp_net_piece *p = &r1->pieces[i], *q = &r2->pieces[i];
		assert_int_equal(p->proto, q->proto);
		assert_int_equal(p->verdict, q->verdict);
		assert_true(rp_net_aset_equal(&p->remote, &q->remote));
		assert_true(rp_net_pset_equal(&p->dports, &q->dports));
		for (k = 0; k < 2; k++) {
			assert_int_equal(p->hop[k].verdict, q->hop[k].verdict);
			if (!p->hop[k].nsg)
				continue;
			assert_ptr_equal(p->hop[k].nsg, n1);
			assert_ptr_equal(q->hop[k].nsg, n2);
			if (p->hop[k].rule && !p->hop[k].rule->is_default) {
				assert_string_equal(
					p->hop[k].rule->name,
					p->hop[k].rule->access == RP_NET_ALLOW ? "web" : "deny");
				assert_string_equal(
					q->hop[k].rule->name,
					q->hop[k].rule->access == RP_NET_ALLOW ? "https" : "rest");
			}
		}
	}
	/* nsg-3 allows 8443, not 443, from 10/8 */
	{
		rp_net_addr s = A4("10.9.9.9");
		const rp_net_piece *p = rp_net_result_lookup(r1, RP_NET_TCP, &s, 1000, 443);
		assert_non_null(p);
		assert_int_equal(p->verdict, RP_NET_ALLOW);
		p = rp_net_result_lookup(r3, RP_NET_TCP, &s, 1000, 443);
		assert_non_null(p);
		assert_int_equal(p->verdict, RP_NET_DENY);
		p = rp_net_result_lookup(r3, RP_NET_TCP, &s, 1000, 8443);
		assert_non_null(p);
		assert_int_equal(p->verdict, RP_NET_ALLOW);
		assert_ptr_equal(p->hop[1].nsg, n3);
	}
	rp_net_engine_free(e);
	rp_net_env_free(env);
	rp_net_aset_release(&v);
	for (k = 0; k < 3; k++) {
		rp_json_doc_free(doc[k]);
		rp_source_free(src[k]);
	}
	rp_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_protocols),
		cmocka_unit_test(test_sets),
		cmocka_unit_test(test_rule_parse),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_env_internet),
		cmocka_unit_test(test_engine_shared_tables),
		cmocka_unit_test(test_ival_key),
		cmocka_unit_test(test_ival_format_max),
		cmocka_unit_test(test_addr_format_digits),
		cmocka_unit_test(test_partition),
		cmocka_unit_test(test_add_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
