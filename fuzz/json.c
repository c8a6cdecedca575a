/* json.c: libFuzzer target for the JSON reader and writer (src/json).
 *
 * For every input:
 *  1. parse in strict and in extended mode; strict success implies extended
 *     success with an identical tape and no extension uses;
 *  2. check the tape invariants (spans inside the input, subtree ends,
 *     child counts, keys only as object members, closers where they belong,
 *     duplicate flags against a brute-force check for small objects);
 *  3. decode every string, key and number, look every key of small objects
 *     up (the last duplicate must win), and report into a diagnostics sink;
 *  4. re-serialise with rp_jw_node (compact and indented), parse the output
 *     strictly and require the same decoded content node by node.
 * Any mismatch calls abort(), which libFuzzer and the replay test report.
 */
#include "json/json.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/source.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                       \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "fuzz-json: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                                \
			abort();                                                          \
		}                                                                         \
	} while (0)

/* Largest object whose lookups and duplicates are brute-forced. */
#define SMALL_OBJECT 48u

static uint32_t max_depth(const rp_json_doc *d)
{
	/* Depth from the tape alone: a stack of subtree ends. */
	uint32_t ends[RP_JSON_MAX_DEPTH + 1];
	uint32_t depth = 0, best = 0, i;

	for (i = 0; i < d->nnodes; i++) {
		rp_json_kind k;
		while (depth > 0 && ends[depth - 1] <= i)
			depth--;
		k = rp_json_kind_of(d, i);
		if (k == RP_JSON_ARRAY || k == RP_JSON_OBJECT) {
			CHECK(depth < RP_JSON_MAX_DEPTH);
			ends[depth++] = d->nodes[i].next;
			if (depth > best)
				best = depth;
		}
	}
	return best;
}

static void check_tape(rp_json_doc *d, size_t size)
{
	uint32_t i;

	CHECK(d->nnodes > 0);
	CHECK(d->nodes[0].next == d->nnodes);
	CHECK(rp_json_kind_of(d, 0) != RP_JSON_KEY);
	for (i = 0; i < d->nnodes; i++) {
		const rp_json_node *nd = &d->nodes[i];
		rp_json_kind k = rp_json_kind_of(d, i);
		const char *t = d->src->data + nd->off;

		CHECK((size_t)nd->off + nd->len <= size);
		CHECK(nd->len > 0);
		CHECK(nd->next > i && nd->next <= d->nnodes);
		switch (k) {
		case RP_JSON_NULL: CHECK(nd->len == 4 && memcmp(t, "null", 4) == 0); break;
		case RP_JSON_TRUE: CHECK(nd->len == 4 && memcmp(t, "true", 4) == 0); break;
		case RP_JSON_FALSE: CHECK(nd->len == 5 && memcmp(t, "false", 5) == 0); break;
		case RP_JSON_NUMBER: {
			int64_t iv;
			double dv;
			int r = rp_json_int64(d, i, &iv);
			CHECK(r == 0 || r == -RP_ERANGE);
			if (!(rp_json_flags(d, i) & RP_JSON_F_INTEGER))
				CHECK(r == -RP_ERANGE);
			r = rp_json_double(d, i, &dv);
			CHECK(r == 0 || r == -RP_ERANGE);
			CHECK(nd->next == i + 1);
			break;
		}
		case RP_JSON_STRING:
		case RP_JSON_KEY: {
			const char *p;
			size_t n;
			CHECK(nd->len >= 2 && t[0] == '"' && t[nd->len - 1] == '"');
			CHECK(rp_json_str(d, i, &p, &n) == 0);
			CHECK(n <= nd->len - 2);
			CHECK(rp_json_str_eq(d, i, p, n));
			CHECK(rp_json_strz(d, i) != NULL);
			CHECK(nd->next == i + 1);
			if (!(d->options & RP_JSON_ALLOW_MULTILINE))
				CHECK(!(rp_json_flags(d, i) & RP_JSON_F_RAWCTRL));
			break;
		}
		case RP_JSON_ARRAY:
		case RP_JSON_OBJECT: {
			rp_json_iter it = rp_json_iter_begin(d, i);
			uint32_t key, val, count = 0;
			bool obj = k == RP_JSON_OBJECT;
			CHECK(t[0] == (obj ? '{' : '['));
			CHECK(t[nd->len - 1] == (obj ? '}' : ']'));
			while (rp_json_iter_next(d, &it, &key, &val)) {
				if (obj) {
					CHECK(rp_json_kind_of(d, key) == RP_JSON_KEY);
					CHECK(val == key + 1);
				} else {
					CHECK(key == RP_JSON_NONE);
				}
				CHECK(rp_json_kind_of(d, val) != RP_JSON_KEY);
				CHECK(d->nodes[val].next <= nd->next);
				count++;
			}
			CHECK(count == rp_json_count(d, i));
			CHECK(it.pos == nd->next);
			if (!obj && count > 0) {
				CHECK(rp_json_at(d, i, 0) == i + 1);
				CHECK(rp_json_at(d, i, count) == RP_JSON_NONE);
			}
			if (obj && count <= SMALL_OBJECT) {
				/* brute force: duplicate flags and last-wins lookups */
				rp_json_iter a = rp_json_iter_begin(d, i);
				uint32_t ka, va;
				while (rp_json_iter_next(d, &a, &ka, &va)) {
					rp_json_iter b = rp_json_iter_begin(d, i);
					uint32_t kb, vb, last = RP_JSON_NONE;
					bool earlier = false;
					const char *p;
					size_t n;
					CHECK(rp_json_str(d, ka, &p, &n) == 0);
					while (rp_json_iter_next(d, &b, &kb, &vb)) {
						if (rp_json_str_eq(d, kb, p, n)) {
							last = vb;
							if (kb < ka)
								earlier = true;
						}
					}
					CHECK(earlier == !!(rp_json_flags(d, ka) & RP_JSON_F_DUP));
					CHECK(rp_json_get(d, i, p, n) == last);
					CHECK(rp_json_get_ci(d, i, p, n) != RP_JSON_NONE);
				}
			}
			break;
		}
		default: CHECK(0);
		}
	}
	for (i = 0; i < d->ndups; i++) {
		CHECK(d->dups[i].first_key < d->dups[i].dup_key);
		CHECK(rp_json_flags(d, d->dups[i].dup_key) & RP_JSON_F_DUP);
	}
	CHECK(d->nuses <= RP_JSON_MAX_EXT_USES && d->nuses <= d->ext_count);
}

/* Same decoded content, node by node (the tapes must line up exactly). */
static void check_same(rp_json_doc *a, rp_json_doc *b)
{
	uint32_t i;

	CHECK(a->nnodes == b->nnodes);
	for (i = 0; i < a->nnodes; i++) {
		rp_json_kind k = rp_json_kind_of(a, i);
		CHECK(k == rp_json_kind_of(b, i));
		CHECK(a->nodes[i].next == b->nodes[i].next);
		CHECK(rp_json_count(a, i) == rp_json_count(b, i));
		if (k == RP_JSON_STRING || k == RP_JSON_KEY) {
			const char *pa, *pb;
			size_t na, nb;
			CHECK(rp_json_str(a, i, &pa, &na) == 0);
			CHECK(rp_json_str(b, i, &pb, &nb) == 0);
			CHECK(na == nb && memcmp(pa, pb, na) == 0);
		} else if (k == RP_JSON_NUMBER) {
			size_t na, nb;
			const char *ta = rp_json_text(a, i, &na), *tb = rp_json_text(b, i, &nb);
			CHECK(na == nb && memcmp(ta, tb, na) == 0);
		}
	}
}

static void roundtrip(rp_json_doc *doc, int indent)
{
	rp_buf out = RP_BUF_INIT;
	rp_source *src = NULL;
	rp_json_doc *again = NULL;
	rp_jw w;
	int r;

	rp_jw_init(&w, &out, indent);
	rp_jw_node(&w, doc, rp_json_root(doc));
	r = rp_jw_finish(&w);
	if (max_depth(doc) > RP_JW_MAX_DEPTH) {
		CHECK(r == -RP_ELIMIT);
		goto out;
	}
	CHECK(r == 0);
	CHECK(rp_source_from_memory("<roundtrip>", out.data, out.len, &src) == 0);
	r = rp_json_parse(src, RP_JSON_STRICT, &again, NULL);
	if (r != 0) {
		fprintf(stderr, "fuzz-json: writer output does not parse: %.*s\n",
			(int)(out.len > 200 ? 200 : out.len), out.data);
		abort();
	}
	check_same(doc, again);
	CHECK(again->ndups == doc->ndups);
out:
	rp_json_doc_free(again);
	rp_source_free(src);
	rp_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rp_source *src = NULL;
	rp_json_doc *strict = NULL, *ext = NULL;
	rp_diag diag;
	int rs, re;

	if (size > ((size_t)1 << 20))
		return 0;
	rp_diag_init(&diag);
	if (rp_source_from_memory("<fuzz>", data, size, &src) < 0)
		goto out;
	rs = rp_json_parse(src, RP_JSON_STRICT, &strict, &diag);
	re = rp_json_parse(src, RP_JSON_EXTENDED, &ext, &diag);
	CHECK(rs == 0 || rs == -RP_EPARSE || rs == -RP_ELIMIT);
	CHECK(re == 0 || re == -RP_EPARSE || re == -RP_ELIMIT);
	CHECK((rs == 0) == (strict != NULL));
	CHECK((re == 0) == (ext != NULL));
	/* every failure left exactly one error inside the input */
	CHECK(diag.nerrors == (size_t)((rs != 0) + (re != 0)));
	for (size_t k = 0; k < diag.count; k++)
		CHECK(diag.items[k].start <= size && diag.items[k].end <= size);
	if (rs == 0) {
		CHECK(re == 0);
		CHECK(ext->ext_mask == 0 && ext->nuses == 0);
		CHECK(strict->nnodes == ext->nnodes);
		CHECK(memcmp(strict->nodes, ext->nodes, strict->nnodes * sizeof(rp_json_node)) ==
		      0);
	}
	if (ext) {
		for (uint32_t k = 0; k < ext->nuses; k++)
			CHECK(ext->ext_uses[k].off < size);
		check_tape(ext, size);
		rp_json_report(ext, &diag);
		roundtrip(ext, 0);
		roundtrip(ext, 2);
	}
	if (strict) {
		check_tape(strict, size);
		roundtrip(strict, 0);
	}
out:
	rp_json_doc_free(strict);
	rp_json_doc_free(ext);
	rp_source_free(src);
	rp_diag_release(&diag);
	return 0;
}
