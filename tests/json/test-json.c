/* test-json.c: cmocka unit tests of the JSON reader and writer (src/json):
 * tape layout, iteration, lookups, string decoding, numbers, limits,
 * extensions, positions, duplicate detection, the writer and rp_jw_node. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json/json.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/source.h"

/* The default string and member-count limits need inputs of 64 MiB and
 * 33 MB; under AddressSanitizer they take most of a minute, so the
 * sanitizer build checks those two limits only through lowered limits
 * (test_limits_ex), which exercise the same code and positions. */
#if defined(__SANITIZE_ADDRESS__)
#define HUGE_LIMIT_TESTS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HUGE_LIMIT_TESTS 0
#endif
#endif
#ifndef HUGE_LIMIT_TESTS
#define HUGE_LIMIT_TESTS 1
#endif

/* One parsed text with its source and diagnostics. */
struct pj {
	rp_source *src;
	rp_json_doc *doc;
	rp_diag diag;
	int r;
};

static void pj_parse_ex(struct pj *p, const char *text, size_t n, unsigned opt,
			const rp_json_limits *lim)
{
	memset(p, 0, sizeof(*p));
	rp_diag_init(&p->diag);
	assert_int_equal(rp_source_from_memory("t.json", text, n, &p->src), 0);
	p->r = rp_json_parse_ex(p->src, opt, lim, &p->doc, &p->diag);
	if (p->r == 0)
		assert_non_null(p->doc);
	else
		assert_null(p->doc);
}

static void pj_parse(struct pj *p, const char *text, unsigned opt)
{
	pj_parse_ex(p, text, strlen(text), opt, NULL);
}

static void pj_free(struct pj *p)
{
	rp_json_doc_free(p->doc);
	rp_diag_release(&p->diag);
	rp_source_free(p->src);
}

/* Parse must fail with code; the one error is at line:col with a message
 * containing needle. */
static void expect_error(const char *text, size_t n, unsigned opt, const rp_json_limits *lim,
			 int code, uint32_t line, uint32_t col, const char *needle)
{
	struct pj p;
	uint32_t l = 0, c = 0;

	pj_parse_ex(&p, text, n, opt, lim);
	assert_int_equal(p.r, code);
	assert_int_equal(p.diag.nerrors, 1);
	assert_int_equal(p.diag.count, 1);
	assert_ptr_equal(p.diag.items[0].src, p.src);
	assert_true(p.diag.items[0].end <= p.src->size);
	assert_int_equal(rp_source_linecol(p.src, p.diag.items[0].start, &l, &c), 0);
	if (l != line || c != col || !strstr(p.diag.items[0].message, needle))
		fail_msg("%.40s: got %u:%u '%s', want %u:%u '%s'", text, l, c,
			 p.diag.items[0].message, line, col, needle);
	pj_free(&p);
}

#define EXPECT_ERR(text, opt, line, col, needle) \
	expect_error(text, strlen(text), opt, NULL, -RP_EPARSE, line, col, needle)

/* ---- tape ---- */

static void test_tape_layout(void **state)
{
	/*            0123456789012345678901 */
	const char *t = "{\"a\":[1,\"x\"],\"b\":{}}";
	struct pj p;
	rp_json_doc *d;

	(void)state;
	pj_parse(&p, t, RP_JSON_STRICT);
	assert_int_equal(p.r, 0);
	d = p.doc;
	assert_int_equal(d->nnodes, 7);
	assert_int_equal(rp_json_root(d), 0);
	/* root object */
	assert_int_equal(rp_json_kind_of(d, 0), RP_JSON_OBJECT);
	assert_int_equal(d->nodes[0].off, 0);
	assert_int_equal(d->nodes[0].len, 20);
	assert_int_equal(rp_json_skip(d, 0), 7);
	assert_int_equal(rp_json_count(d, 0), 2);
	/* key "a" */
	assert_int_equal(rp_json_kind_of(d, 1), RP_JSON_KEY);
	assert_int_equal(d->nodes[1].off, 1);
	assert_int_equal(d->nodes[1].len, 3);
	assert_int_equal(rp_json_skip(d, 1), 2);
	/* array [1,"x"] */
	assert_int_equal(rp_json_kind_of(d, 2), RP_JSON_ARRAY);
	assert_int_equal(d->nodes[2].off, 5);
	assert_int_equal(d->nodes[2].len, 7);
	assert_int_equal(rp_json_skip(d, 2), 5);
	assert_int_equal(rp_json_count(d, 2), 2);
	assert_int_equal(rp_json_kind_of(d, 3), RP_JSON_NUMBER);
	assert_int_equal(d->nodes[3].off, 6);
	assert_int_equal(d->nodes[3].len, 1);
	assert_true(rp_json_flags(d, 3) & RP_JSON_F_INTEGER);
	assert_int_equal(rp_json_kind_of(d, 4), RP_JSON_STRING);
	assert_int_equal(d->nodes[4].off, 8);
	assert_int_equal(d->nodes[4].len, 3);
	assert_int_equal(rp_json_flags(d, 4), 0);
	/* key "b" and {} */
	assert_int_equal(rp_json_kind_of(d, 5), RP_JSON_KEY);
	assert_int_equal(d->nodes[5].off, 13);
	assert_int_equal(rp_json_kind_of(d, 6), RP_JSON_OBJECT);
	assert_int_equal(d->nodes[6].off, 17);
	assert_int_equal(d->nodes[6].len, 2);
	assert_int_equal(rp_json_count(d, 6), 0);
	assert_int_equal(rp_json_skip(d, 6), 7);
	assert_true(rp_json_is(d, 6, RP_JSON_OBJECT));
	assert_false(rp_json_is(d, RP_JSON_NONE, RP_JSON_OBJECT));
	{
		size_t n;
		const char *s = rp_json_text(d, 2, &n);
		assert_int_equal(n, 7);
		assert_memory_equal(s, "[1,\"x\"]", 7);
	}
	pj_free(&p);

	/* scalars at the top, literals and flags */
	pj_parse(&p, " [true, false, null, -1.5e3, \"a\\nb\"] ", RP_JSON_STRICT);
	assert_int_equal(p.r, 0);
	d = p.doc;
	assert_int_equal(d->nnodes, 6);
	assert_int_equal(rp_json_kind_of(d, 1), RP_JSON_TRUE);
	assert_int_equal(rp_json_kind_of(d, 2), RP_JSON_FALSE);
	assert_int_equal(rp_json_kind_of(d, 3), RP_JSON_NULL);
	assert_int_equal(rp_json_kind_of(d, 4), RP_JSON_NUMBER);
	assert_false(rp_json_flags(d, 4) & RP_JSON_F_INTEGER);
	assert_int_equal(d->nodes[4].len, 6);
	assert_true(rp_json_flags(d, 5) & RP_JSON_F_ESCAPES);
	assert_int_equal(d->nodes[0].off, 1);
	assert_int_equal(d->nodes[0].len, 35);
	assert_string_equal(rp_json_kind_name(RP_JSON_TRUE), "boolean");
	assert_string_equal(rp_json_kind_name(RP_JSON_KEY), "key");
	pj_free(&p);

	pj_parse(&p, "\"top\"", RP_JSON_STRICT);
	assert_int_equal(p.r, 0);
	assert_int_equal(p.doc->nnodes, 1);
	assert_int_equal(rp_json_kind_of(p.doc, 0), RP_JSON_STRING);
	assert_int_equal(rp_json_skip(p.doc, 0), 1);
	pj_free(&p);
}

/* The tape is allocated once from a bound on the node count and never
 * grows (growing a big tape copied it: both copies were resident at once).
 * The densest documents reach the bound; every document stays within it. */
static void tape_check(const char *text, unsigned opt, uint32_t want_nodes)
{
	struct pj p;
	size_t n = strlen(text);

	pj_parse(&p, text, opt);
	assert_int_equal(p.r, 0);
	assert_int_equal(p.doc->nnodes, want_nodes);
	assert_true(p.doc->nodes_cap >= p.doc->nnodes);
	assert_true(p.doc->nodes_cap <= n / 2 + 2);
	pj_free(&p);
}

static void test_tape_bound(void **state)
{
	rp_buf b = RP_BUF_INIT;
	struct pj p;
	uint32_t i;

	(void)state;
	tape_check("1", RP_JSON_STRICT, 1);
	tape_check("[]", RP_JSON_STRICT, 1);
	tape_check("\"a,b:c[d{\"", RP_JSON_STRICT, 1);
	tape_check("{\"\":1}", RP_JSON_STRICT, 3);
	tape_check("[1,2,]", RP_JSON_EXTENDED, 3);
	tape_check("[1,/*,,,*/2]// [,:{\n", RP_JSON_EXTENDED, 3);
	/* densest: one node per two bytes */
	rp_buf_putc(&b, '[');
	for (i = 0; i < 100000; i++)
		rp_buf_puts(&b, i ? ",0" : "0");
	rp_buf_putc(&b, ']');
	tape_check(b.data, RP_JSON_STRICT, 100001);
	/* exactly at the count of structural characters: no growth */
	pj_parse(&p, b.data, RP_JSON_STRICT);
	assert_int_equal(p.doc->nodes_cap, 100001);
	pj_free(&p);
	rp_buf_release(&b);
	rp_buf_putc(&b, '[');
	for (i = 0; i < 50000; i++)
		rp_buf_puts(&b, i ? ",[{\"\":[]}]" : "[{\"\":[]}]");
	rp_buf_putc(&b, ']');
	tape_check(b.data, RP_JSON_STRICT, 1 + 50000 * 4);
	pj_parse(&p, b.data, RP_JSON_STRICT);
	/* 1 + '[' + 4 per element + the commas (an empty array's '[' starts
	 * no node) */
	assert_int_equal(p.doc->nodes_cap, 1 + 1 + 50000 * 4 + 49999);
	pj_free(&p);
	rp_buf_release(&b);
}

/* rp_json_doc_discard: whole 2 MiB blocks inside the range read as zeros
 * afterwards, the nodes outside it are untouched, small tapes are left
 * alone. */
static void test_tape_discard(void **state)
{
	rp_buf b = RP_BUF_INIT;
	struct pj p;
	uint32_t i, n = 600000, from = 100000, to = 500000;
	size_t got;
	const size_t block = (size_t)2 << 20;

	(void)state;
	pj_parse(&p, "[1,2,3]", RP_JSON_STRICT);
	assert_int_equal(rp_json_doc_discard(p.doc, 0, 3), 0); /* small: nothing */
	assert_int_equal(rp_json_doc_discard(NULL, 0, 1), 0);
	pj_free(&p);
	rp_buf_putc(&b, '[');
	for (i = 0; i < n; i++)
		rp_buf_puts(&b, i ? ",0" : "0");
	rp_buf_putc(&b, ']');
	pj_parse(&p, b.data, RP_JSON_STRICT);
	assert_int_equal(p.r, 0);
	assert_int_equal(p.doc->nnodes, n + 1);
	/* out of range or empty: nothing */
	assert_int_equal(rp_json_doc_discard(p.doc, 5, 5), 0);
	assert_int_equal(rp_json_doc_discard(p.doc, 0, n + 2), 0);
	got = rp_json_doc_discard(p.doc, from, to);
	/* 400,000 nodes of 16 bytes: at least two whole blocks inside */
	assert_true(got >= 2 * block);
	assert_int_equal(got % block, 0);
	assert_true(got <= (size_t)(to - from) * sizeof(rp_json_node));
	/* outside the range: intact (offsets of "0" at 1, 3, 5, ...) */
	for (i = 1; i < from; i += 997)
		assert_int_equal(p.doc->nodes[i].off, 2 * i - 1);
	for (i = to; i <= n; i += 997)
		assert_int_equal(p.doc->nodes[i].off, 2 * i - 1);
	assert_int_equal(p.doc->nodes[from - 1].off, 2 * (from - 1) - 1);
	assert_int_equal(p.doc->nodes[to].off, 2 * to - 1);
	/* the middle of the range went back: it reads as zeros */
	i = (from + to) / 2;
	assert_int_equal(p.doc->nodes[i].off, 0);
	assert_int_equal(p.doc->nodes[i].next, 0);
	pj_free(&p);
	rp_buf_release(&b);
}

static void test_iteration(void **state)
{
	struct pj p;
	rp_json_iter it;
	uint32_t k, v, n = 0;
	rp_json_doc *d;

	(void)state;
	pj_parse(&p, "{\"a\":[1,[2,3],{\"x\":4}],\"b\":null,\"c\":{}}", RP_JSON_STRICT);
	assert_int_equal(p.r, 0);
	d = p.doc;
	it = rp_json_iter_begin(d, 0);
	while (rp_json_iter_next(d, &it, &k, &v)) {
		assert_int_equal(rp_json_kind_of(d, k), RP_JSON_KEY);
		assert_int_equal(v, k + 1);
		n++;
	}
	assert_int_equal(n, 3);
	/* array iteration skips nested subtrees */
	v = rp_json_getz(d, 0, "a");
	it = rp_json_iter_begin(d, v);
	n = 0;
	{
		static const rp_json_kind kinds[] = { RP_JSON_NUMBER, RP_JSON_ARRAY,
						      RP_JSON_OBJECT };
		uint32_t val;
		while (rp_json_iter_next(d, &it, &k, &val)) {
			assert_int_equal(k, RP_JSON_NONE);
			assert_int_equal(rp_json_kind_of(d, val), kinds[n]);
			assert_int_equal(rp_json_at(d, v, n), val);
			n++;
		}
	}
	assert_int_equal(n, 3);
	assert_int_equal(rp_json_at(d, v, 3), RP_JSON_NONE);
	assert_int_equal(rp_json_at(d, 0, 0), RP_JSON_NONE); /* not an array */
	/* iterating a scalar, NONE or an empty container yields nothing */
	it = rp_json_iter_begin(d, rp_json_getz(d, 0, "b"));
	assert_false(rp_json_iter_next(d, &it, &k, &v));
	it = rp_json_iter_begin(d, RP_JSON_NONE);
	assert_false(rp_json_iter_next(d, &it, &k, &v));
	it = rp_json_iter_begin(d, rp_json_getz(d, 0, "c"));
	assert_false(rp_json_iter_next(d, &it, &k, &v));
	pj_free(&p);
}

static void test_get(void **state)
{
	struct pj p;
	rp_json_doc *d;
	int64_t iv;
	uint32_t v;

	(void)state;
	pj_parse(&p,
		 "{\"Name\":1,\"name\":2,\"a\\u0062\":3,\"ab\":4,\"x\":[],\"name\":5,"
		 "\"n\\u0000l\":6,\"\":7}",
		 RP_JSON_STRICT);
	assert_int_equal(p.r, 0);
	d = p.doc;
	/* exact: last duplicate wins */
	v = rp_json_getz(d, 0, "name");
	assert_int_equal(rp_json_int64(d, v, &iv), 0);
	assert_int_equal(iv, 5);
	v = rp_json_getz(d, 0, "Name");
	assert_int_equal(rp_json_int64(d, v, &iv), 0);
	assert_int_equal(iv, 1);
	/* case-insensitive: the last of Name/name/name */
	v = rp_json_getz_ci(d, 0, "NAME");
	assert_int_equal(rp_json_int64(d, v, &iv), 0);
	assert_int_equal(iv, 5);
	/* escaped key equals a plain key: decoded bytes compare */
	v = rp_json_get(d, 0, "ab", 2);
	assert_int_equal(rp_json_int64(d, v, &iv), 0);
	assert_int_equal(iv, 4);
	v = rp_json_get_ci(d, 0, "AB", 2);
	assert_int_equal(rp_json_int64(d, v, &iv), 0);
	assert_int_equal(iv, 4);
	/* NUL inside a key needs the length form */
	v = rp_json_get(d, 0, "n\0l", 3);
	assert_int_equal(rp_json_int64(d, v, &iv), 0);
	assert_int_equal(iv, 6);
	assert_int_equal(rp_json_getz(d, 0, "n"), RP_JSON_NONE);
	v = rp_json_getz(d, 0, "");
	assert_int_equal(rp_json_int64(d, v, &iv), 0);
	assert_int_equal(iv, 7);
	assert_int_equal(rp_json_getz(d, 0, "missing"), RP_JSON_NONE);
	assert_int_equal(rp_json_getz(d, 0, "nam"), RP_JSON_NONE);
	/* not an object */
	v = rp_json_getz(d, 0, "x");
	assert_int_equal(rp_json_kind_of(d, v), RP_JSON_ARRAY);
	assert_int_equal(rp_json_getz(d, v, "a"), RP_JSON_NONE);
	assert_int_equal(rp_json_getz(d, RP_JSON_NONE, "a"), RP_JSON_NONE);
	/* duplicates found: name (index 2 vs 1st "name"), ab vs a\u0062 */
	assert_int_equal(d->ndups, 2);
	pj_free(&p);
}

/* ---- strings ---- */

static void expect_str(const char *json, const char *want, size_t wantn, bool slice)
{
	struct pj p;
	const char *s;
	size_t n;

	pj_parse(&p, json, RP_JSON_STRICT);
	assert_int_equal(p.r, 0);
	assert_int_equal(rp_json_str(p.doc, 0, &s, &n), 0);
	assert_int_equal(n, wantn);
	assert_memory_equal(s, want, n);
	if (slice) {
		/* a plain string is a slice of the input */
		assert_ptr_equal(s, p.src->data + 1);
	} else {
		const char *again;
		size_t n2;
		assert_true(s < p.src->data || s > p.src->data + p.src->size);
		assert_int_equal(s[n], '\0');
		/* cached: the same copy comes back */
		assert_int_equal(rp_json_str(p.doc, 0, &again, &n2), 0);
		assert_ptr_equal(again, s);
	}
	assert_true(rp_json_str_eq(p.doc, 0, want, wantn));
	assert_false(rp_json_str_eq(p.doc, 0, "\x01", 1));
	s = rp_json_strz(p.doc, 0);
	assert_non_null(s);
	assert_memory_equal(s, want, wantn);
	assert_int_equal(s[wantn], '\0');
	pj_free(&p);
}

static void test_strings(void **state)
{
	struct pj p;
	const char *s;
	size_t n;

	(void)state;
	expect_str("\"plain\"", "plain", 5, true);
	expect_str("\"\"", "", 0, true);
	expect_str("\"caf\xc3\xa9\"", "caf\xc3\xa9", 5, true);
	expect_str("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8, false);
	expect_str("\"\\u0041\\u00e9\\u00E9\\u20ac\"", "A\xc3\xa9\xc3\xa9\xe2\x82\xac", 8, false);
	expect_str("\"\\u0000\"", "\0", 1, false);
	expect_str("\"a\\u0000b\"", "a\0b", 3, false);
	expect_str("\"\\u007f\\u0080\\u07ff\\u0800\\uffff\"",
		   "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf", 11, false);
	/* surrogate pairs: U+1F600, U+1D11E, U+10000, U+10FFFF */
	expect_str("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4, false);
	expect_str("\"\\uD834\\uDD1E\"", "\xf0\x9d\x84\x9e", 4, false);
	expect_str("\"\\ud800\\udc00\"", "\xf0\x90\x80\x80", 4, false);
	expect_str("\"\\udbff\\udfff\"", "\xf4\x8f\xbf\xbf", 4, false);
	expect_str("\"x\\ud83d\\ude00y\"", "x\xf0\x9f\x98\x80y", 6, false);

	/* wrong kinds */
	pj_parse(&p, "[1,\"k\"]", RP_JSON_STRICT);
	assert_int_equal(p.r, 0);
	assert_int_equal(rp_json_str(p.doc, 1, &s, &n), -RP_EINVAL);
	assert_int_equal(rp_json_str(p.doc, 0, &s, &n), -RP_EINVAL);
	assert_int_equal(rp_json_str(p.doc, RP_JSON_NONE, &s, &n), -RP_EINVAL);
	assert_int_equal(rp_json_str(p.doc, 99, &s, &n), -RP_EINVAL);
	assert_null(rp_json_strz(p.doc, 1));
	assert_false(rp_json_str_eq(p.doc, 1, "1", 1));
	pj_free(&p);

	/* keys decode like strings */
	pj_parse(&p, "{\"k\\u00e9y\":\"v\"}", RP_JSON_STRICT);
	assert_int_equal(p.r, 0);
	assert_int_equal(rp_json_str(p.doc, 1, &s, &n), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(s, "k\xc3\xa9y", 4);
	pj_free(&p);

	/* many escaped strings: the cache grows and keeps every entry */
	{
		rp_buf b = RP_BUF_INIT;
		uint32_t i;
		assert_int_equal(rp_buf_puts(&b, "["), 0);
		for (i = 0; i < 500; i++)
			assert_int_equal(rp_buf_printf(&b, "%s\"\\u0041%u\"", i ? "," : "", i), 0);
		assert_int_equal(rp_buf_puts(&b, "]"), 0);
		pj_parse(&p, b.data, RP_JSON_STRICT);
		assert_int_equal(p.r, 0);
		for (i = 0; i < 500; i++) {
			char want[16];
			snprintf(want, sizeof want, "A%u", i);
			assert_true(rp_json_str_eq(p.doc, i + 1, want, strlen(want)));
		}
		for (i = 0; i < 500; i++) {
			char want[16];
			snprintf(want, sizeof want, "A%u", i);
			assert_string_equal(rp_json_strz(p.doc, i + 1), want);
		}
		/* the cache slot in meta never shows up as a child count */
		assert_int_equal(p.doc->nescaped, 500);
		assert_int_equal(rp_json_count(p.doc, 500), 0);
		assert_int_equal(rp_json_count(p.doc, 0), 500);
		pj_free(&p);
		rp_buf_release(&b);
	}
}

/* ---- numbers ---- */

static void expect_int(const char *json, int want_r, int64_t want)
{
	struct pj p;
	int64_t v = 12345;

	pj_parse(&p, json, RP_JSON_STRICT);
	assert_int_equal(p.r, 0);
	assert_int_equal(rp_json_int64(p.doc, 0, &v), want_r);
	if (want_r == 0)
		assert_true(v == want);
	else
		assert_true(v == 12345); /* untouched on error */
	pj_free(&p);
}

static void expect_double(const char *json, int want_r, double want)
{
	struct pj p;
	double v = 42.0;

	pj_parse(&p, json, RP_JSON_STRICT);
	assert_int_equal(p.r, 0);
	assert_int_equal(rp_json_double(p.doc, 0, &v), want_r);
	if (want_r == 0) {
		assert_true(v == want);
		assert_true(signbit(v) == signbit(want));
	}
	pj_free(&p);
}

static void test_int64(void **state)
{
	struct pj p;
	int64_t v;

	(void)state;
	expect_int("0", 0, 0);
	expect_int("-0", 0, 0);
	expect_int("7", 0, 7);
	expect_int("-42", 0, -42);
	expect_int("9223372036854775807", 0, INT64_MAX);
	expect_int("-9223372036854775808", 0, INT64_MIN);
	expect_int("9223372036854775806", 0, INT64_MAX - 1);
	expect_int("-9223372036854775807", 0, -INT64_MAX);
	expect_int("9223372036854775808", -RP_ERANGE, 0);
	expect_int("-9223372036854775809", -RP_ERANGE, 0);
	expect_int("18446744073709551616", -RP_ERANGE, 0);
	expect_int("99999999999999999999999999", -RP_ERANGE, 0);
	expect_int("92233720368547758070", -RP_ERANGE, 0);
	/* fractions and exponents are not integers, even when integral */
	expect_int("1.0", -RP_ERANGE, 0);
	expect_int("1e2", -RP_ERANGE, 0);
	expect_int("1E0", -RP_ERANGE, 0);
	pj_parse(&p, "[\"1\",true]", RP_JSON_STRICT);
	assert_int_equal(p.r, 0);
	assert_int_equal(rp_json_int64(p.doc, 1, &v), -RP_EINVAL);
	assert_int_equal(rp_json_int64(p.doc, 2, &v), -RP_EINVAL);
	assert_int_equal(rp_json_int64(p.doc, RP_JSON_NONE, &v), -RP_EINVAL);
	pj_free(&p);
}

static void test_double(void **state)
{
	struct pj p;
	double v;

	(void)state;
	expect_double("0", 0, 0.0);
	expect_double("-0", 0, -0.0);
	expect_double("-0.0", 0, -0.0);
	expect_double("1.5", 0, 1.5);
	expect_double("0.1", 0, 0.1);
	expect_double("-1.25e-3", 0, -1.25e-3);
	expect_double("1E5", 0, 1e5);
	expect_double("1e+5", 0, 1e5);
	expect_double("9007199254740993", 0, 9007199254740992.0); /* correctly rounded */
	expect_double("9223372036854775808", 0, 9223372036854775808.0);
	expect_double("1.7976931348623157e308", 0, 1.7976931348623157e308);
	expect_double("5e-324", 0, 5e-324);
	expect_double("2.2250738585072014e-308", 0, 2.2250738585072014e-308);
	expect_double("1e400", -RP_ERANGE, 0);
	expect_double("-1e400", -RP_ERANGE, 0);
	expect_double("1.8e308", -RP_ERANGE, 0);
	expect_double("1e99999999999999999999", -RP_ERANGE, 0);
	expect_double("1e-400", 0, 0.0); /* underflow rounds to zero */
	expect_double("-1e-400", 0, -0.0);
	pj_parse(&p, "[null]", RP_JSON_STRICT);
	assert_int_equal(p.r, 0);
	assert_int_equal(rp_json_double(p.doc, 1, &v), -RP_EINVAL);
	pj_free(&p);
}

/* A locale whose decimal separator is ',' (generated with localedef into a
 * scratch directory when the system has none). */
static bool comma_locale(char *dir, size_t cap)
{
	static const char *const names[] = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8" };
	size_t i;
	char cmd[512];

	dir[0] = '\0';
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (setlocale(LC_NUMERIC, names[i]))
			return true;
	snprintf(dir, cap, "/tmp/rp-json-locale-XXXXXX");
	if (!mkdtemp(dir)) {
		dir[0] = '\0';
		return false;
	}
	snprintf(cmd, sizeof cmd, "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1",
		 dir);
	if (system(cmd) != 0)
		return false;
	setenv("LOCPATH", dir, 1);
	return setlocale(LC_NUMERIC, "de_DE.UTF-8") != NULL;
}

static void test_locale_independent(void **state)
{
	char dir[256], b[40];
	struct pj p;
	double v;
	bool have;

	(void)state;
	have = comma_locale(dir, sizeof dir);
	if (have) {
		char probe[16];
		snprintf(probe, sizeof probe, "%.1f", 1.5);
		assert_string_equal(probe, "1,5"); /* the locale is really active */
		pj_parse(&p, "[1.5,2.25e1]", RP_JSON_STRICT);
		assert_int_equal(p.r, 0);
		assert_int_equal(rp_json_double(p.doc, 1, &v), 0);
		assert_true(v == 1.5);
		assert_int_equal(rp_json_double(p.doc, 2, &v), 0);
		assert_true(v == 22.5);
		pj_free(&p);
		/* the writer too (this was a bug: "1,5" came out) */
		rp_json_format_double(b, sizeof b, 1.5);
		assert_string_equal(b, "1.5");
		rp_json_format_double(b, sizeof b, 0.1);
		assert_string_equal(b, "0.1");
		setlocale(LC_NUMERIC, "C");
	}
	if (dir[0]) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
	if (!have)
		skip();
}

/* ---- limits ---- */

static char *repeat(const char *pre, const char *unit, size_t count, const char *post)
{
	size_t a = strlen(pre), u = strlen(unit), z = strlen(post), i;
	char *s = malloc(a + u * count + z + 1);

	assert_non_null(s);
	memcpy(s, pre, a);
	for (i = 0; i < count; i++)
		memcpy(s + a + i * u, unit, u);
	memcpy(s + a + u * count, post, z + 1);
	return s;
}

static void test_limits(void **state)
{
	struct pj p;
	char *s;

	(void)state;
	/* depth: 1000 levels parse, the 1001st bracket is the error */
	s = repeat("", "[", 1000, "");
	{
		char *t = repeat(s, "]", 1000, "");
		pj_parse(&p, t, RP_JSON_STRICT);
		assert_int_equal(p.r, 0);
		pj_free(&p);
		free(t);
	}
	free(s);
	s = repeat("\n  ", "[", 1001, "");
	expect_error(s, strlen(s), RP_JSON_STRICT, NULL, -RP_ELIMIT, 2, 1003, "RP_JSON_MAX_DEPTH");
	free(s);
	s = repeat("\n", "{\"a\":", 1001, "1");
	expect_error(s, strlen(s), RP_JSON_EXTENDED, NULL, -RP_ELIMIT, 2, 5001,
		     "nesting deeper than 1000");
	free(s);

	/* number: 1,024 characters parse, 1,025 do not */
	s = repeat("[1.", "0", 1022, "]");
	pj_parse(&p, s, RP_JSON_STRICT);
	assert_int_equal(p.r, 0);
	pj_free(&p);
	free(s);
	s = repeat("[\n 1.", "0", 1023, "]");
	expect_error(s, strlen(s), RP_JSON_STRICT, NULL, -RP_ELIMIT, 2, 2, "RP_JSON_MAX_NUMBER");
	free(s);

	if (!HUGE_LIMIT_TESTS)
		return;
	/* string: exactly RP_JSON_MAX_STRING bytes parse, one more does not */
	s = repeat("[\"", "a", RP_JSON_MAX_STRING, "\"]");
	pj_parse(&p, s, RP_JSON_STRICT);
	assert_int_equal(p.r, 0);
	assert_int_equal(p.doc->nodes[1].len, RP_JSON_MAX_STRING + 2);
	pj_free(&p);
	free(s);
	s = repeat("[1,\r\n \"", "a", RP_JSON_MAX_STRING + 1, "\"]");
	expect_error(s, strlen(s), RP_JSON_STRICT, NULL, -RP_ELIMIT, 2, 2, "RP_JSON_MAX_STRING");
	free(s);

	/* children: one member more than RP_JSON_MAX_CHILDREN (the exact
	 * boundary is tested with a lowered limit in test_limits_ex) */
	s = repeat("[", "0,", RP_JSON_MAX_CHILDREN, "0]");
	/* the error is at the first element over the limit */
	expect_error(s, strlen(s), RP_JSON_STRICT, NULL, -RP_ELIMIT, 1,
		     2 + 2 * RP_JSON_MAX_CHILDREN, "RP_JSON_MAX_CHILDREN");
	free(s);
}

static void test_limits_ex(void **state)
{
	rp_json_limits lim;
	struct pj p;

	(void)state;
	memset(&lim, 0, sizeof lim);
	lim.max_depth = 3;
	pj_parse_ex(&p, "[[[1]]]", 7, RP_JSON_STRICT, &lim);
	assert_int_equal(p.r, 0);
	pj_free(&p);
	expect_error("[[[\n[1]]]]", 10, RP_JSON_STRICT, &lim, -RP_ELIMIT, 2, 1,
		     "nesting deeper than 3");
	memset(&lim, 0, sizeof lim);
	lim.max_nodes = 4;
	pj_parse_ex(&p, "[1,2,3]", 7, RP_JSON_STRICT, &lim);
	assert_int_equal(p.r, 0);
	pj_free(&p);
	expect_error("[1,2,\n 3,4]", 11, RP_JSON_STRICT, &lim, -RP_ELIMIT, 2, 4,
		     "RP_JSON_MAX_NODES");
	expect_error("{\"a\":1,\"b\":2}", 13, RP_JSON_STRICT, &lim, -RP_ELIMIT, 1, 12,
		     "more than 4 values");
	memset(&lim, 0, sizeof lim);
	lim.max_children = 2;
	expect_error("{\"a\":1,\"b\":2,\"c\":3}", 19, RP_JSON_STRICT, &lim, -RP_ELIMIT, 1, 14,
		     "more than 2 members");
	expect_error("[[1,2],[1,2,3]]", 15, RP_JSON_STRICT, &lim, -RP_ELIMIT, 1, 13,
		     "RP_JSON_MAX_CHILDREN");
	memset(&lim, 0, sizeof lim);
	lim.max_number = 3;
	expect_error("[123,1234]", 10, RP_JSON_STRICT, &lim, -RP_ELIMIT, 1, 6, "limit of 3");
	memset(&lim, 0, sizeof lim);
	lim.max_string = 3;
	pj_parse_ex(&p, "[\"abc\",\"\\n\"]", 12, RP_JSON_STRICT, &lim);
	assert_int_equal(p.r, 0);
	pj_free(&p);
	expect_error("[\"abc\",\n\"abcd\"]", 15, RP_JSON_STRICT, &lim, -RP_ELIMIT, 2, 1,
		     "RP_JSON_MAX_STRING");
	/* values above the defaults are clamped to them */
	memset(&lim, 0, sizeof lim);
	lim.max_depth = 5000;
	{
		char *s = repeat("", "[", 1001, "");
		expect_error(s, strlen(s), RP_JSON_STRICT, &lim, -RP_ELIMIT, 1, 1001,
			     "nesting deeper than 1000");
		free(s);
	}
}

/* ---- syntax errors and positions ---- */

static void test_errors(void **state)
{
	(void)state;
	EXPECT_ERR("", RP_JSON_STRICT, 1, 1, "empty input");
	EXPECT_ERR("  \n ", RP_JSON_EXTENDED, 2, 2, "empty input");
	EXPECT_ERR("[1,2", RP_JSON_STRICT, 1, 1, "unclosed array");
	EXPECT_ERR("{\n \"a\": [1\n", RP_JSON_STRICT, 2, 7, "unclosed array");
	EXPECT_ERR("{\n \"a\": {\n", RP_JSON_STRICT, 3, 1, "expected a string key");
	EXPECT_ERR("[{\"a\":1}", RP_JSON_STRICT, 1, 1, "unclosed array");
	EXPECT_ERR("[1 2]", RP_JSON_STRICT, 1, 4, "expected ',' or ']'");
	EXPECT_ERR("{\"a\" 1}", RP_JSON_STRICT, 1, 6, "expected ':' after the key");
	EXPECT_ERR("{\"a\":}", RP_JSON_STRICT, 1, 6, "expected a value, found '}'");
	EXPECT_ERR("{\"a\":", RP_JSON_STRICT, 1, 6, "found end of input");
	EXPECT_ERR("{a:1}", RP_JSON_STRICT, 1, 2, "expected a string key");
	EXPECT_ERR("[01]", RP_JSON_STRICT, 1, 2, "leading zeros");
	EXPECT_ERR("[1.]", RP_JSON_STRICT, 1, 4, "digit after the decimal point");
	EXPECT_ERR("[1e+]", RP_JSON_STRICT, 1, 5, "digit in the exponent");
	EXPECT_ERR("[-x]", RP_JSON_STRICT, 1, 3, "expected a digit");
	EXPECT_ERR("[tru]", RP_JSON_STRICT, 1, 2, "invalid literal");
	EXPECT_ERR("[1] x", RP_JSON_STRICT, 1, 5, "after the end of the JSON value");
	EXPECT_ERR("[1]\x01", RP_JSON_STRICT, 1, 4, "byte 0x01");
	EXPECT_ERR("[\"a\\x\"]", RP_JSON_STRICT, 1, 4, "invalid escape");
	EXPECT_ERR("[\"\\u12g4\"]", RP_JSON_STRICT, 1, 3, "four hex digits");
	EXPECT_ERR("[\"ab\\ud800\"]", RP_JSON_STRICT, 1, 5, "not followed by a low surrogate");
	EXPECT_ERR("[\"\\udc00\"]", RP_JSON_STRICT, 1, 3, "lone low surrogate");
	EXPECT_ERR("[\"abc", RP_JSON_STRICT, 1, 2, "unterminated string");
	EXPECT_ERR("\"\\", RP_JSON_STRICT, 1, 1, "unterminated string");
	/* UTF-8 errors point at the bad byte; columns count code points */
	EXPECT_ERR("[\"\xc3\xa9\xc3\xa9\xff\"]", RP_JSON_STRICT, 1, 5, "invalid UTF-8");
	EXPECT_ERR("[\"\xed\xa0\x80\"]", RP_JSON_STRICT, 1, 3, "invalid UTF-8");
	EXPECT_ERR("[\"\xc0\xaf\"]", RP_JSON_STRICT, 1, 3, "invalid UTF-8");
	EXPECT_ERR("[\"\xf4\x90\x80\x80\"]", RP_JSON_STRICT, 1, 3, "invalid UTF-8");
	EXPECT_ERR("[\"\xe2\x82\"]", RP_JSON_STRICT, 1, 3, "invalid UTF-8");
	EXPECT_ERR("[\xc3\xa9]", RP_JSON_STRICT, 1, 2, "byte 0xC3");
	/* raw control characters are extension material */
	EXPECT_ERR("[\"a\nb\"]", RP_JSON_STRICT, 1, 4, "raw line break");
	EXPECT_ERR("[\"a\tb\"]", RP_JSON_STRICT, 1, 4, "raw control character 0x09");
}

static void test_crlf_positions(void **state)
{
	(void)state;
	/* CRLF is one line end: the column after it restarts at 1 */
	EXPECT_ERR("{\r\n  \"a\": 1,\r\n  \"b\" 2\r\n}\r\n", RP_JSON_STRICT, 3, 7, "':'");
	EXPECT_ERR("[\r\n1,\r\n\r\n  x]", RP_JSON_STRICT, 4, 3, "expected a value");
	/* a lone CR does not start a line (only LF does) */
	EXPECT_ERR("[1,\r  x]", RP_JSON_STRICT, 1, 7, "expected a value");
	/* multi-byte characters before the error count as one column each */
	EXPECT_ERR("{\"\xe4\xb8\x96\xe7\x95\x8c\":\r\n \"\xf0\x9f\x98\x80\" x}", RP_JSON_STRICT, 2,
		   6, "expected ',' or '}'");
	{
		struct pj p;
		uint32_t l, c, v;
		pj_parse(&p, "{\r\n  \"a\": 1,\r\n  \"bb\": [true]\r\n}", RP_JSON_STRICT);
		assert_int_equal(p.r, 0);
		v = rp_json_getz(p.doc, 0, "bb");
		assert_int_equal(rp_source_linecol(p.src, p.doc->nodes[v - 1].off, &l, &c), 0);
		assert_int_equal(l, 3);
		assert_int_equal(c, 3);
		assert_int_equal(rp_source_linecol(p.src, p.doc->nodes[v + 1].off, &l, &c), 0);
		assert_int_equal(l, 3);
		assert_int_equal(c, 10);
		pj_free(&p);
	}
}

/* ---- extensions ---- */

struct ext_case {
	const char *text;
	rp_json_ext ext;
	uint32_t off;       /* first use */
	uint32_t line, col; /* strict error */
	const char *needle;
};

static void test_extensions(void **state)
{
	static const struct ext_case cases[] = {
		{ "[1, // one\n 2]", RP_JSON_EXT_LINE_COMMENT, 4, 1, 5,
		  "comments are not allowed" },
		{ "// head\n{}", RP_JSON_EXT_LINE_COMMENT, 0, 1, 1, "comments" },
		{ "{}\r\n// tail", RP_JSON_EXT_LINE_COMMENT, 4, 2, 1, "comments" },
		{ "[1,\n  /* two */ 2]", RP_JSON_EXT_BLOCK_COMMENT, 6, 2, 3, "comments" },
		{ "{\"a\"/**/:1}", RP_JSON_EXT_BLOCK_COMMENT, 4, 1, 5, "comments" },
		{ "{\n \"s\": \"a\nb\"}", RP_JSON_EXT_MULTILINE_STRING, 10, 2, 9,
		  "raw line break" },
		{ "[\"x\ty\"]", RP_JSON_EXT_MULTILINE_STRING, 3, 1, 4, "raw control character" },
		{ "[1,2,\n]", RP_JSON_EXT_TRAILING_COMMA, 4, 1, 5, "trailing comma" },
		{ "{\"a\":1 , }", RP_JSON_EXT_TRAILING_COMMA, 7, 1, 8, "trailing comma" },
		{ "\xef\xbb\xbf[]", RP_JSON_EXT_BOM, 0, 1, 1, "byte order mark" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct ext_case *c = &cases[i];
		struct pj p;
		unsigned only =
			c->ext == RP_JSON_EXT_LINE_COMMENT || c->ext == RP_JSON_EXT_BLOCK_COMMENT
				? RP_JSON_ALLOW_COMMENTS
			: c->ext == RP_JSON_EXT_MULTILINE_STRING ? RP_JSON_ALLOW_MULTILINE
			: c->ext == RP_JSON_EXT_TRAILING_COMMA   ? RP_JSON_ALLOW_TRAILING_COMMAS
								 : RP_JSON_ALLOW_BOM;
		/* extended: accepted, recorded with its offset */
		pj_parse(&p, c->text, RP_JSON_EXTENDED);
		assert_int_equal(p.r, 0);
		assert_int_equal(p.doc->ext_mask, 1u << c->ext);
		assert_int_equal(p.doc->nuses, 1);
		assert_int_equal(p.doc->ext_count, 1);
		assert_int_equal(p.doc->ext_uses[0].ext, c->ext);
		assert_int_equal(p.doc->ext_uses[0].off, c->off);
		assert_int_equal(p.diag.count, 0);
		/* reported as a note with the same position */
		rp_json_report(p.doc, &p.diag);
		assert_int_equal(p.diag.count, 1);
		assert_int_equal(p.diag.items[0].level, RP_DIAG_NOTE);
		assert_int_equal(p.diag.items[0].start, c->off);
		assert_string_equal(p.diag.items[0].code, "json-extension");
		assert_non_null(strstr(p.diag.items[0].message, rp_json_ext_name(c->ext)));
		pj_free(&p);
		/* the one option alone is enough */
		pj_parse(&p, c->text, only);
		assert_int_equal(p.r, 0);
		pj_free(&p);
		/* every other option is not */
		pj_parse(&p, c->text, RP_JSON_EXTENDED & ~only);
		assert_int_equal(p.r, -RP_EPARSE);
		pj_free(&p);
		/* strict: rejected with a position */
		EXPECT_ERR(c->text, RP_JSON_STRICT, c->line, c->col, c->needle);
	}
}

static void test_extension_counts(void **state)
{
	struct pj p;
	rp_buf b = RP_BUF_INIT;
	uint32_t i;

	(void)state;
	/* all five, in document order */
	pj_parse(&p, "\xef\xbb\xbf// a\n{\"s\":\"x\ny\",/*b*/\"t\":[1,],}", RP_JSON_EXTENDED);
	assert_int_equal(p.r, 0);
	assert_int_equal(p.doc->ext_mask, (1u << RP_JSON_EXT_COUNT_) - 1);
	assert_int_equal(p.doc->nuses, 6);
	assert_int_equal(p.doc->ext_uses[0].ext, RP_JSON_EXT_BOM);
	assert_int_equal(p.doc->ext_uses[1].ext, RP_JSON_EXT_LINE_COMMENT);
	assert_int_equal(p.doc->ext_uses[1].off, 3);
	assert_int_equal(p.doc->ext_uses[2].ext, RP_JSON_EXT_MULTILINE_STRING);
	assert_int_equal(p.doc->ext_uses[2].off, 15);
	assert_int_equal(p.doc->ext_uses[3].ext, RP_JSON_EXT_BLOCK_COMMENT);
	assert_int_equal(p.doc->ext_uses[3].off, 19);
	assert_int_equal(p.doc->ext_uses[4].ext, RP_JSON_EXT_TRAILING_COMMA);
	assert_int_equal(p.doc->ext_uses[4].off, 30);
	assert_int_equal(p.doc->ext_uses[5].ext, RP_JSON_EXT_TRAILING_COMMA);
	assert_int_equal(p.doc->ext_uses[5].off, 32);
	/* one multi-line use per string, however many raw characters */
	pj_free(&p);
	pj_parse(&p, "[\"a\nb\nc\td\"]", RP_JSON_EXTENDED);
	assert_int_equal(p.r, 0);
	assert_int_equal(p.doc->nuses, 1);
	assert_true(rp_json_flags(p.doc, 1) & RP_JSON_F_RAWCTRL);
	assert_true(rp_json_str_eq(p.doc, 1, "a\nb\nc\td", 7));
	pj_free(&p);
	/* more uses than are kept: all counted, the first ones kept; the
	 * report prints at most three per kind */
	assert_int_equal(rp_buf_puts(&b, "["), 0);
	for (i = 0; i < RP_JSON_MAX_EXT_USES + 10; i++)
		assert_int_equal(rp_buf_puts(&b, "/**/0,"), 0);
	assert_int_equal(rp_buf_puts(&b, "]"), 0);
	pj_parse(&p, b.data, RP_JSON_EXTENDED);
	assert_int_equal(p.r, 0);
	assert_int_equal(p.doc->ext_count, RP_JSON_MAX_EXT_USES + 11);
	assert_int_equal(p.doc->nuses, RP_JSON_MAX_EXT_USES);
	assert_int_equal(p.doc->ext_uses[1].off, 7);
	rp_json_report(p.doc, &p.diag);
	/* the kept uses are all block comments: three notes */
	assert_int_equal(p.diag.count, 3);
	pj_free(&p);
	rp_buf_release(&b);
}

/* ---- duplicates ---- */

static void test_duplicates(void **state)
{
	struct pj p;
	rp_buf b = RP_BUF_INIT;
	uint32_t i, v;
	int64_t iv;

	(void)state;
	/* small object (linear path) */
	pj_parse(&p, "{\"a\":1,\"b\":2,\"a\":3,\"c\":4,\"a\":5,\"b\":6}", RP_JSON_STRICT);
	assert_int_equal(p.r, 0);
	assert_int_equal(p.doc->ndups, 3);
	assert_int_equal(p.doc->dups[0].first_key, 1);
	assert_int_equal(p.doc->dups[0].dup_key, 5);
	assert_int_equal(p.doc->dups[1].first_key, 1);
	assert_int_equal(p.doc->dups[1].dup_key, 9);
	assert_int_equal(p.doc->dups[2].first_key, 3);
	assert_int_equal(p.doc->dups[2].dup_key, 11);
	assert_false(rp_json_flags(p.doc, 1) & RP_JSON_F_DUP);
	assert_true(rp_json_flags(p.doc, 5) & RP_JSON_F_DUP);
	assert_true(rp_json_flags(p.doc, 9) & RP_JSON_F_DUP);
	v = rp_json_getz(p.doc, 0, "a");
	assert_int_equal(rp_json_int64(p.doc, v, &iv), 0);
	assert_int_equal(iv, 5);
	/* the report: one warning per duplicate, pointing at it */
	rp_json_report(p.doc, &p.diag);
	assert_int_equal(p.diag.count, 3);
	assert_int_equal(p.diag.items[0].level, RP_DIAG_WARNING);
	assert_string_equal(p.diag.items[0].code, "json-duplicate-key");
	assert_int_equal(p.diag.items[0].start, 13);
	assert_non_null(strstr(p.diag.items[0].message, "first at line 1, column 2"));
	pj_free(&p);

	/* keys that differ only in case or by escaping */
	pj_parse(&p, "{\"a\":1,\"A\":2}", RP_JSON_STRICT);
	assert_int_equal(p.doc->ndups, 0);
	pj_free(&p);
	pj_parse(&p, "{\"\\u0061\":1,\"a\":2,\"\\/\":3,\"/\":4}", RP_JSON_STRICT);
	assert_int_equal(p.doc->ndups, 2);
	pj_free(&p);
	/* same key in different objects is not a duplicate */
	pj_parse(&p, "{\"a\":{\"a\":1},\"b\":{\"a\":2}}", RP_JSON_STRICT);
	assert_int_equal(p.doc->ndups, 0);
	pj_free(&p);

	/* big object (hash path): 9 and 100 members */
	for (i = 0; i < 2; i++) {
		uint32_t count = i ? 100 : 9, k;
		rp_buf_clear(&b);
		assert_int_equal(rp_buf_puts(&b, "{"), 0);
		for (k = 0; k < count; k++)
			assert_int_equal(rp_buf_printf(&b, "%s\"k%u\":%u", k ? "," : "", k, k), 0);
		/* three duplicates at the end, one escaped */
		assert_int_equal(rp_buf_puts(&b, ",\"k0\":1000,\"k\\u0031\":1001,\"k0\":1002}"), 0);
		pj_parse(&p, b.data, RP_JSON_STRICT);
		assert_int_equal(p.r, 0);
		assert_int_equal(rp_json_count(p.doc, 0), count + 3);
		assert_int_equal(p.doc->ndups, 3);
		assert_int_equal(p.doc->dups[0].first_key, 1);
		assert_int_equal(p.doc->dups[1].first_key, 3);
		assert_int_equal(p.doc->dups[2].first_key, 1);
		assert_int_equal(p.doc->dups[2].dup_key, 1 + 2 * (count + 2));
		v = rp_json_getz(p.doc, 0, "k0");
		assert_int_equal(rp_json_int64(p.doc, v, &iv), 0);
		assert_int_equal(iv, 1002);
		v = rp_json_getz(p.doc, 0, "k1");
		assert_int_equal(rp_json_int64(p.doc, v, &iv), 0);
		assert_int_equal(iv, 1001);
		pj_free(&p);
	}
	/* a big object without duplicates, several in one document */
	rp_buf_clear(&b);
	assert_int_equal(rp_buf_puts(&b, "["), 0);
	for (i = 0; i < 3; i++) {
		uint32_t k;
		assert_int_equal(rp_buf_puts(&b, i ? ",{" : "{"), 0);
		for (k = 0; k < 50; k++)
			assert_int_equal(rp_buf_printf(&b, "%s\"x%u\":[]", k ? "," : "", k), 0);
		assert_int_equal(rp_buf_puts(&b, "}"), 0);
	}
	assert_int_equal(rp_buf_puts(&b, "]"), 0);
	pj_parse(&p, b.data, RP_JSON_STRICT);
	assert_int_equal(p.r, 0);
	assert_int_equal(p.doc->ndups, 0);
	pj_free(&p);
	rp_buf_release(&b);
}

/* ---- writer ---- */

static void expect_escape(const char *in, size_t n, const char *want)
{
	rp_buf b = RP_BUF_INIT;
	/* an exact copy, so that ASan sees a read past the end (the short
	 * tails are read as overlapping words) */
	char *exact = malloc(n ? n : 1);

	assert_non_null(exact);
	memcpy(exact, in, n);
	assert_int_equal(rp_json_escape(&b, exact, n), 0);
	free(exact);
	assert_int_equal(b.len, strlen(want));
	assert_memory_equal(b.data, want, b.len);
	rp_buf_release(&b);
}

/* The plain runs are found a word at a time: a byte to escape at every
 * position of the words of strings of every length up to 40. */
static void test_writer_escaping_words(void **state)
{
	static const struct {
		const char *in, *out;
	} sp[] = { { "\"", "\\\"" }, { "\\", "\\\\" },           { "\x01", "\\u0001" },
		   { "\n", "\\n" },  { "\xc3\xa9", "\xc3\xa9" }, { "\x7f", "\x7f" } };
	char in[48], want[64];
	size_t n, at, k;

	(void)state;
	for (k = 0; k < sizeof(sp) / sizeof(sp[0]); k++)
		for (n = 0; n <= 40; n++)
			for (at = 0; at < n; at++) {
				size_t il = strlen(sp[k].in), ol = strlen(sp[k].out), w = 0;
				if (at + il > n)
					continue;
				memset(in, 'a', n);
				memcpy(in + at, sp[k].in, il);
				want[w++] = '"';
				memset(want + w, 'a', at);
				w += at;
				memcpy(want + w, sp[k].out, ol);
				w += ol;
				memset(want + w, 'a', n - at - il);
				w += n - at - il;
				want[w++] = '"';
				want[w] = '\0';
				expect_escape(in, n, want);
			}
}

/* RP_JW_KEY writes what rp_jw_key writes, indented and compact, after
 * every kind of value and at several depths. */
static void test_writer_literal_keys(void **state)
{
	int indent;

	(void)state;
	for (indent = 0; indent <= 2; indent += 2) {
		rp_buf a = RP_BUF_INIT, b = RP_BUF_INIT;
		rp_jw wa, wb;
		rp_jw_init(&wa, &a, indent);
		rp_jw_init(&wb, &b, indent);
		rp_jw_object_begin(&wa);
		rp_jw_object_begin(&wb);
		RP_JW_KEY(&wa, "k");
		rp_jw_key(&wb, "k");
		rp_jw_int(&wa, 1);
		rp_jw_int(&wb, 1);
		RP_JW_KEY(&wa, "a_rather_long_key_of_more_than_32_bytes");
		rp_jw_key(&wb, "a_rather_long_key_of_more_than_32_bytes");
		rp_jw_object_begin(&wa);
		rp_jw_object_begin(&wb);
		RP_JW_KEY(&wa, "resource_type");
		rp_jw_key(&wb, "resource_type");
		rp_jw_string(&wa, "x");
		rp_jw_string(&wb, "x");
		RP_JW_KEY(&wa, "$schema");
		rp_jw_key(&wb, "$schema");
		rp_jw_null(&wa);
		rp_jw_null(&wb);
		RP_JW_KEY(&wa, "");
		rp_jw_key(&wb, "");
		rp_jw_bool(&wa, true);
		rp_jw_bool(&wb, true);
		rp_jw_object_end(&wa);
		rp_jw_object_end(&wb);
		rp_jw_object_end(&wa);
		rp_jw_object_end(&wb);
		assert_int_equal(rp_jw_finish(&wa), 0);
		assert_int_equal(rp_jw_finish(&wb), 0);
		assert_string_equal(a.data, b.data);
		rp_buf_release(&a);
		rp_buf_release(&b);
	}
	{
		/* a key where a value is due is misuse, as with rp_jw_key */
		rp_buf a = RP_BUF_INIT;
		rp_jw w;
		rp_jw_init(&w, &a, 2);
		rp_jw_array_begin(&w);
		RP_JW_KEY(&w, "k");
		assert_int_equal(rp_jw_finish(&w), -RP_EINVAL);
		rp_buf_release(&a);
	}
}

static void test_writer_escaping(void **state)
{
	(void)state;
	expect_escape("", 0, "\"\"");
	expect_escape("plain text", 10, "\"plain text\"");
	expect_escape("\"\\/", 3, "\"\\\"\\\\/\"");
	expect_escape("\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"");
	expect_escape("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\x7f\"");
	expect_escape("a\0b", 3, "\"a\\u0000b\"");
	/* valid UTF-8 passes through */
	expect_escape("caf\xc3\xa9 \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf", 15,
		      "\"caf\xc3\xa9 \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\"");
	/* invalid UTF-8: one U+FFFD per bad byte */
	expect_escape("a\xff"
		      "b",
		      3,
		      "\"a\xef\xbf\xbd"
		      "b\"");
	expect_escape("\xc3", 1, "\"\xef\xbf\xbd\"");
	expect_escape("\xc0\xaf", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	expect_escape("\xed\xa0\x80", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	expect_escape("\xc3\xa9\xe2\x82", 4, "\"\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd\"");
	expect_escape("\xf4\x90\x80\x80", 4,
		      "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
}

static void expect_double_text(double v, const char *want)
{
	char b[40];
	int n = rp_json_format_double(b, sizeof b, v);

	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(b, want);
	if (isfinite(v))
		assert_true(strtod(b, NULL) == v);
}

static void test_writer_doubles(void **state)
{
	uint64_t seed = 88172645463325252ull;
	int i;

	(void)state;
	expect_double_text(0.0, "0.0");
	expect_double_text(-0.0, "-0.0");
	expect_double_text(1.0, "1.0");
	expect_double_text(-2.0, "-2.0");
	expect_double_text(0.1, "0.1");
	expect_double_text(1.5, "1.5");
	expect_double_text(1e300, "1e+300");
	expect_double_text(1e-7, "1e-07");
	expect_double_text(123456789.0, "123456789.0");
	expect_double_text(1.7976931348623157e308, "1.7976931348623157e+308");
	expect_double_text(5e-324, "5e-324");
	expect_double_text(2.2250738585072014e-308, "2.2250738585072014e-308");
	expect_double_text(100.0, "100.0");
	expect_double_text(1e21, "1e+21");
	expect_double_text(0.30000000000000004, "0.30000000000000004");
	expect_double_text(NAN, "null");
	expect_double_text(INFINITY, "null");
	expect_double_text(-INFINITY, "null");
	/* shortest round trip for random bit patterns */
	for (i = 0; i < 20000; i++) {
		double v;
		char b[40], shorter[400];
		int n;
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		memcpy(&v, &seed, sizeof v);
		if (!isfinite(v))
			continue;
		n = rp_json_format_double(b, sizeof b, v);
		assert_true(n > 0 && (size_t)n == strlen(b));
		assert_true(strtod(b, NULL) == v);
		/* shortest: the same value with one significant digit less
		 * does not read back */
		{
			int digits = 0;
			const char *q = b;
			while (*q == '-' || *q == '0' || *q == '.')
				q++; /* leading zeros are not significant */
			for (; *q && *q != 'e'; q++)
				digits += *q >= '0' && *q <= '9';
			if (digits > 1 && !strstr(b, ".0")) {
				snprintf(shorter, sizeof shorter, "%.*g", digits - 1, v);
				assert_false(strtod(shorter, NULL) == v);
			}
		}
	}
}

static void test_writer(void **state)
{
	rp_buf b = RP_BUF_INIT;
	rp_jw w;

	(void)state;
	/* compact */
	rp_jw_init(&w, &b, 0);
	rp_jw_object_begin(&w);
	rp_jw_key(&w, "s");
	rp_jw_string(&w, "a\"b");
	rp_jw_key(&w, "n");
	rp_jw_string(&w, NULL);
	rp_jw_key(&w, "i");
	rp_jw_int(&w, INT64_MIN);
	rp_jw_key(&w, "u");
	rp_jw_uint(&w, UINT64_MAX);
	rp_jw_key(&w, "d");
	rp_jw_double(&w, 2.5);
	rp_jw_key(&w, "t");
	rp_jw_bool(&w, true);
	rp_jw_key(&w, "f");
	rp_jw_bool(&w, false);
	rp_jw_keyn(&w, "k\0z", 3);
	rp_jw_array_begin(&w);
	rp_jw_null(&w);
	rp_jw_raw(&w, "{\"r\":1}", 7);
	rp_jw_array_begin(&w);
	rp_jw_array_end(&w);
	rp_jw_object_begin(&w);
	rp_jw_object_end(&w);
	rp_jw_array_end(&w);
	rp_jw_object_end(&w);
	assert_int_equal(rp_jw_finish(&w), 0);
	assert_string_equal(b.data, "{\"s\":\"a\\\"b\",\"n\":null,\"i\":-9223372036854775808,"
				    "\"u\":18446744073709551615,\"d\":2.5,\"t\":true,\"f\":false,"
				    "\"k\\u0000z\":[null,{\"r\":1},[],{}]}");
	/* indented */
	rp_buf_clear(&b);
	rp_jw_init(&w, &b, 2);
	rp_jw_object_begin(&w);
	rp_jw_key(&w, "a");
	rp_jw_array_begin(&w);
	rp_jw_int(&w, 1);
	rp_jw_object_begin(&w);
	rp_jw_key(&w, "b");
	rp_jw_string(&w, "c");
	rp_jw_object_end(&w);
	rp_jw_array_end(&w);
	rp_jw_key(&w, "e");
	rp_jw_array_begin(&w);
	rp_jw_array_end(&w);
	rp_jw_key(&w, "o");
	rp_jw_object_begin(&w);
	rp_jw_object_end(&w);
	rp_jw_object_end(&w);
	assert_int_equal(rp_jw_finish(&w), 0);
	assert_string_equal(b.data, "{\n"
				    "  \"a\": [\n"
				    "    1,\n"
				    "    {\n"
				    "      \"b\": \"c\"\n"
				    "    }\n"
				    "  ],\n"
				    "  \"e\": [],\n"
				    "  \"o\": {}\n"
				    "}\n");
	/* a scalar document; indent is clamped to 0..8 */
	rp_buf_clear(&b);
	rp_jw_init(&w, &b, 99);
	assert_int_equal(w.indent, 8);
	rp_jw_string(&w, "x");
	assert_int_equal(rp_jw_finish(&w), 0);
	assert_string_equal(b.data, "\"x\"\n");
	rp_buf_release(&b);
}

typedef void (*misuse_fn)(rp_jw *w);
static void mu_value_for_key(rp_jw *w)
{
	rp_jw_object_begin(w);
	rp_jw_int(w, 1);
}
static void mu_key_in_array(rp_jw *w)
{
	rp_jw_array_begin(w);
	rp_jw_key(w, "a");
}
static void mu_key_at_top(rp_jw *w)
{
	rp_jw_key(w, "a");
}
static void mu_two_keys(rp_jw *w)
{
	rp_jw_object_begin(w);
	rp_jw_key(w, "a");
	rp_jw_key(w, "b");
}
static void mu_two_tops(rp_jw *w)
{
	rp_jw_int(w, 1);
	rp_jw_int(w, 2);
}
static void mu_wrong_close(rp_jw *w)
{
	rp_jw_array_begin(w);
	rp_jw_object_end(w);
}
static void mu_close_top(rp_jw *w)
{
	rp_jw_array_end(w);
}
static void mu_close_after_key(rp_jw *w)
{
	rp_jw_object_begin(w);
	rp_jw_key(w, "a");
	rp_jw_object_end(w);
}
static void mu_unclosed(rp_jw *w)
{
	rp_jw_array_begin(w);
	rp_jw_int(w, 1);
}
static void mu_nothing(rp_jw *w)
{
	(void)w;
}
static void mu_too_deep(rp_jw *w)
{
	int i;
	for (i = 0; i <= RP_JW_MAX_DEPTH; i++)
		rp_jw_array_begin(w);
}

static void test_writer_misuse(void **state)
{
	static const struct {
		misuse_fn fn;
		int code;
	} cases[] = {
		{ mu_value_for_key, -RP_EINVAL }, { mu_key_in_array, -RP_EINVAL },
		{ mu_key_at_top, -RP_EINVAL },    { mu_two_keys, -RP_EINVAL },
		{ mu_two_tops, -RP_EINVAL },      { mu_wrong_close, -RP_EINVAL },
		{ mu_close_top, -RP_EINVAL },     { mu_close_after_key, -RP_EINVAL },
		{ mu_unclosed, -RP_EINVAL },      { mu_nothing, -RP_EINVAL },
		{ mu_too_deep, -RP_ELIMIT },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		rp_buf b = RP_BUF_INIT;
		rp_jw w;
		int k;
		rp_jw_init(&w, &b, 0);
		cases[i].fn(&w);
		/* sticky: nothing later clears the error */
		for (k = 0; k < RP_JW_MAX_DEPTH + 2; k++) {
			rp_jw_array_end(&w);
			rp_jw_object_end(&w);
		}
		rp_jw_null(&w);
		if (rp_jw_finish(&w) != cases[i].code)
			fail_msg("misuse case %zu: got %d", i, rp_jw_finish(&w));
		assert_int_equal(rp_jw_finish(&w), cases[i].code);
		rp_buf_release(&b);
	}
	/* exactly RP_JW_MAX_DEPTH levels are fine */
	{
		rp_buf b = RP_BUF_INIT;
		rp_jw w;
		int k;
		rp_jw_init(&w, &b, 0);
		for (k = 0; k < RP_JW_MAX_DEPTH; k++)
			rp_jw_array_begin(&w);
		for (k = 0; k < RP_JW_MAX_DEPTH; k++)
			rp_jw_array_end(&w);
		assert_int_equal(rp_jw_finish(&w), 0);
		assert_int_equal(b.len, 2 * RP_JW_MAX_DEPTH);
		rp_buf_release(&b);
	}
}

/* rp_jw_node: parse -> write -> parse gives the same decoded content. */
static void roundtrip(const char *in, unsigned opt, int indent, const char *want)
{
	struct pj a, c;
	rp_buf b = RP_BUF_INIT;
	rp_jw w;
	uint32_t i;

	pj_parse(&a, in, opt);
	assert_int_equal(a.r, 0);
	rp_jw_init(&w, &b, indent);
	rp_jw_node(&w, a.doc, 0);
	assert_int_equal(rp_jw_finish(&w), 0);
	if (want)
		assert_string_equal(b.data, want);
	pj_parse(&c, b.data, RP_JSON_STRICT);
	assert_int_equal(c.r, 0);
	assert_int_equal(c.doc->nnodes, a.doc->nnodes);
	for (i = 0; i < a.doc->nnodes; i++) {
		rp_json_kind k = rp_json_kind_of(a.doc, i);
		assert_int_equal(rp_json_kind_of(c.doc, i), k);
		assert_int_equal(rp_json_skip(c.doc, i), rp_json_skip(a.doc, i));
		assert_int_equal(rp_json_count(c.doc, i), rp_json_count(a.doc, i));
		if (k == RP_JSON_STRING || k == RP_JSON_KEY) {
			const char *s;
			size_t n;
			assert_int_equal(rp_json_str(a.doc, i, &s, &n), 0);
			assert_true(rp_json_str_eq(c.doc, i, s, n));
		}
	}
	assert_int_equal(c.doc->ndups, a.doc->ndups);
	pj_free(&a);
	pj_free(&c);
	rp_buf_release(&b);
}

static void test_jw_node(void **state)
{
	(void)state;
	roundtrip("{ \"a\" : [ 1 , -2.50e+3 , true , false , null ] , \"b\" : { } }",
		  RP_JSON_STRICT, 0, "{\"a\":[1,-2.50e+3,true,false,null],\"b\":{}}");
	roundtrip("[\"\\u0041\\n\\ud83d\\ude00\\u0000\\/\"]", RP_JSON_STRICT, 0,
		  "[\"A\\n\xf0\x9f\x98\x80\\u0000/\"]");
	roundtrip("{\"a\":1,\"a\":2}", RP_JSON_STRICT, 0, "{\"a\":1,\"a\":2}");
	roundtrip("// c\n{\"s\":\"x\ny\",\"t\":[1,],}", RP_JSON_EXTENDED, 2,
		  "{\n  \"s\": \"x\\ny\",\n  \"t\": [\n    1\n  ]\n}\n");
	roundtrip("\"top\"", RP_JSON_STRICT, 2, "\"top\"\n");
	roundtrip("{\"k\\u00e9\":{\"\":[[],{}]}}", RP_JSON_STRICT, 0,
		  "{\"k\xc3\xa9\":{\"\":[[],{}]}}");
	/* a subtree */
	{
		struct pj a;
		rp_buf b = RP_BUF_INIT;
		rp_jw w;
		pj_parse(&a, "{\"x\":{\"y\":[1,2]},\"z\":0}", RP_JSON_STRICT);
		rp_jw_init(&w, &b, 0);
		rp_jw_node(&w, a.doc, rp_json_getz(a.doc, 0, "x"));
		assert_int_equal(rp_jw_finish(&w), 0);
		assert_string_equal(b.data, "{\"y\":[1,2]}");
		/* NONE writes null */
		rp_buf_clear(&b);
		rp_jw_init(&w, &b, 0);
		rp_jw_node(&w, a.doc, RP_JSON_NONE);
		assert_int_equal(rp_jw_finish(&w), 0);
		assert_string_equal(b.data, "null");
		pj_free(&a);
		rp_buf_release(&b);
	}
	/* deeper than the writer allows: a clean limit error */
	{
		char *s = repeat("", "[", 300, "");
		char *t = repeat(s, "]", 300, "");
		struct pj a;
		rp_buf b = RP_BUF_INIT;
		rp_jw w;
		pj_parse(&a, t, RP_JSON_STRICT);
		assert_int_equal(a.r, 0);
		rp_jw_init(&w, &b, 0);
		rp_jw_node(&w, a.doc, 0);
		assert_int_equal(rp_jw_finish(&w), -RP_ELIMIT);
		pj_free(&a);
		rp_buf_release(&b);
		free(s);
		free(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tape_layout),
		cmocka_unit_test(test_iteration),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_int64),
		cmocka_unit_test(test_double),
		cmocka_unit_test(test_locale_independent),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_limits_ex),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_crlf_positions),
		cmocka_unit_test(test_extensions),
		cmocka_unit_test(test_extension_counts),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_tape_bound),
		cmocka_unit_test(test_tape_discard), /* whole blocks of a big tape */
		cmocka_unit_test(test_writer_escaping),
		cmocka_unit_test(test_writer_literal_keys),
		cmocka_unit_test(test_writer_escaping_words),
		cmocka_unit_test(test_writer_doubles),
		cmocka_unit_test(test_writer),
		cmocka_unit_test(test_writer_misuse),
		cmocka_unit_test(test_jw_node),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
