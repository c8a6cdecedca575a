/* test-json-diff.c: differential test of rampart's JSON reader against
 * jansson (a test-only oracle; see tests/json/meson.build).
 *
 * usage: test-json-diff [--extended-must-accept] [--expect-both-rejected N] PATH...
 *   PATH is a directory (its *.json files and, for fuzz corpora, every
 *   file), a file, or a MANIFEST.tsv (its rows, relative to its directory).
 *
 * For every input both parsers run in strict mode (jansson with
 * JSON_DECODE_ANY | JSON_ALLOW_NUL: RFC 8259 allows any value at the top and
 * "\u0000" in strings).  They must agree on accept or reject, and when both
 * accept, on every decoded value: kinds, strings byte for byte, integers
 * exactly, doubles exactly, object members in document order.  jansson keeps
 * one member per duplicated key, in the first key's slot, with the last
 * value; rampart keeps every member and its lookups return the last one, so
 * the expected jansson object is derived from rampart's tape that way.
 *
 * Deliberate divergences (docs/json.md, "Divergences from jansson"):
 *   D1 number range: rampart accepts integers outside int64 and numbers
 *      whose double overflows (RFC 8259 sets no range; the conversion
 *      functions report -RP_ERANGE); jansson rejects the document.
 *   D2 NUL in a key: rampart accepts "\u0000" in keys; jansson cannot store
 *      such keys and rejects the document.
 *   D3 limits: rampart rejects nesting over RP_JSON_MAX_DEPTH (1,000) and
 *      numbers over RP_JSON_MAX_NUMBER (1,024 characters) with -RP_ELIMIT;
 *      jansson allows 2,048 levels and any number length.
 * Each divergence is verified (the cause is checked, not just tolerated)
 * and counted.  With --extended-must-accept every input rejected in strict
 * mode must parse in extended mode (the quickstart corpus).
 * Prints "N passed, N failed".
 */
#include "json/json.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/source.h"

#include "jt-util.h"

#include <jansson.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { D1_RANGE, D2_NULKEY, D3_LIMIT, NDIV };
static const char *const div_names[NDIV] = {
	"D1 number outside int64/double range (jansson rejects)",
	"D2 \\u0000 in an object key (jansson rejects)",
	"D3 rampart limit (depth > 1000 or number > 1024 chars; jansson accepts)",
};
static size_t div_count[NDIV];
static size_t both_rejected, extended_rescued;
static bool extended_must_accept;

static char why[512];

static bool fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	return false;
}

/* Compares rampart's node i with jansson's value j; depth is bounded by
 * RP_JSON_MAX_DEPTH because rampart parsed the input. */
static bool same(rp_json_doc *d, uint32_t i, json_t *j)
{
	rp_json_kind k = rp_json_kind_of(d, i);
	uint32_t off = d->nodes[i].off;

	switch (k) {
	case RP_JSON_NULL:
		return json_is_null(j) ||
		       fail("offset %u: null vs jansson type %d", off, json_typeof(j));
	case RP_JSON_TRUE:
		return json_is_true(j) ||
		       fail("offset %u: true vs jansson type %d", off, json_typeof(j));
	case RP_JSON_FALSE:
		return json_is_false(j) ||
		       fail("offset %u: false vs jansson type %d", off, json_typeof(j));
	case RP_JSON_NUMBER:
		if (rp_json_flags(d, i) & RP_JSON_F_INTEGER) {
			int64_t v;
			if (!json_is_integer(j))
				return fail("offset %u: integer vs jansson type %d", off,
					    json_typeof(j));
			if (rp_json_int64(d, i, &v) != 0)
				return fail(
					"offset %u: integer out of range but jansson accepted it",
					off);
			return (json_int_t)v == json_integer_value(j) ||
			       fail("offset %u: integer %lld vs %lld", off, (long long)v,
				    (long long)json_integer_value(j));
		} else {
			double v;
			if (!json_is_real(j))
				return fail("offset %u: real vs jansson type %d", off,
					    json_typeof(j));
			if (rp_json_double(d, i, &v) != 0)
				return fail(
					"offset %u: double out of range but jansson accepted it",
					off);
			return v == json_real_value(j) ||
			       fail("offset %u: double %.17g vs %.17g", off, v, json_real_value(j));
		}
	case RP_JSON_STRING: {
		const char *p;
		size_t n;
		if (!json_is_string(j))
			return fail("offset %u: string vs jansson type %d", off, json_typeof(j));
		if (rp_json_str(d, i, &p, &n) != 0)
			return fail("offset %u: cannot decode string", off);
		return (n == json_string_length(j) && memcmp(p, json_string_value(j), n) == 0) ||
		       fail("offset %u: strings differ (%zu vs %zu bytes)", off, n,
			    json_string_length(j));
	}
	case RP_JSON_ARRAY: {
		rp_json_iter it = rp_json_iter_begin(d, i);
		uint32_t key, val;
		size_t idx = 0;
		if (!json_is_array(j))
			return fail("offset %u: array vs jansson type %d", off, json_typeof(j));
		if (json_array_size(j) != rp_json_count(d, i))
			return fail("offset %u: array of %u vs %zu elements", off,
				    rp_json_count(d, i), json_array_size(j));
		while (rp_json_iter_next(d, &it, &key, &val))
			if (!same(d, val, json_array_get(j, idx++)))
				return false;
		return true;
	}
	case RP_JSON_OBJECT: {
		/* jansson: one slot per distinct key, in first-occurrence
		 * order, holding the last value */
		rp_json_iter it = rp_json_iter_begin(d, i);
		void *ji = json_object_iter(j);
		uint32_t key, val;
		size_t distinct = 0;
		if (!json_is_object(j))
			return fail("offset %u: object vs jansson type %d", off, json_typeof(j));
		while (rp_json_iter_next(d, &it, &key, &val)) {
			const char *p;
			size_t n;
			const char *jk;
			if (rp_json_flags(d, key) & RP_JSON_F_DUP)
				continue;
			distinct++;
			if (!ji)
				return fail("offset %u: jansson object has fewer members", off);
			if (rp_json_str(d, key, &p, &n) != 0)
				return fail("offset %u: cannot decode key", d->nodes[key].off);
			jk = json_object_iter_key(ji);
			if (strlen(jk) != n || memcmp(jk, p, n) != 0)
				return fail("offset %u: member order or key differs ('%s')",
					    d->nodes[key].off, jk);
			/* the last duplicate's value */
			if (!same(d, rp_json_get(d, i, p, n), json_object_iter_value(ji)))
				return false;
			ji = json_object_iter_next(j, ji);
		}
		if (ji)
			return fail("offset %u: jansson object has more members", off);
		return distinct == json_object_size(j) ||
		       fail("offset %u: %zu distinct keys vs %zu", off, distinct,
			    json_object_size(j));
	}
	default: return fail("offset %u: unexpected kind %d", off, (int)k);
	}
}

/* D1: does the document hold a number out of range?  Scans the text with
 * the extended reader (rampart accepted the input in strict mode). */
static bool has_range_number(rp_json_doc *d)
{
	uint32_t i;

	for (i = 0; i < d->nnodes; i++) {
		if (rp_json_kind_of(d, i) != RP_JSON_NUMBER)
			continue;
		if (rp_json_flags(d, i) & RP_JSON_F_INTEGER) {
			int64_t v;
			if (rp_json_int64(d, i, &v) == -RP_ERANGE)
				return true;
		} else {
			double v;
			if (rp_json_double(d, i, &v) == -RP_ERANGE)
				return true;
		}
	}
	return false;
}

static bool has_nul_key(rp_json_doc *d)
{
	uint32_t i;

	for (i = 0; i < d->nnodes; i++) {
		const char *p;
		size_t n;
		if (rp_json_kind_of(d, i) == RP_JSON_KEY && rp_json_str(d, i, &p, &n) == 0 &&
		    memchr(p, '\0', n))
			return true;
	}
	return false;
}

static bool check_file(const char *path)
{
	rp_source *src = NULL;
	rp_json_doc *doc = NULL, *ext = NULL;
	rp_diag diag;
	json_error_t jerr;
	json_t *jv = NULL;
	bool ok = false;
	int r;

	why[0] = '\0';
	rp_diag_init(&diag);
	if (rp_source_load(path, 0, &src, NULL) < 0) {
		fail("cannot read");
		goto out;
	}
	r = rp_json_parse(src, RP_JSON_STRICT, &doc, &diag);
	jv = json_loadb(src->data, src->size, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (r == 0 && jv) {
		ok = same(doc, 0, jv);
	} else if (r != 0 && !jv) {
		both_rejected++;
		ok = true;
		if (extended_must_accept) {
			if (rp_json_parse(src, RP_JSON_EXTENDED, &ext, NULL) != 0 || !ext->ext_mask)
				ok = fail("rejected by both in strict mode, and rampart's extended "
					  "mode does not accept it with an extension");
			else
				extended_rescued++;
		}
	} else if (r == 0) {
		/* rampart accepts, jansson rejects: D1 or D2 only */
		if ((strstr(jerr.text, "too big") || strstr(jerr.text, "overflow")) &&
		    has_range_number(doc)) {
			div_count[D1_RANGE]++;
			ok = true;
		} else if (strstr(jerr.text, "NUL byte in object key") && has_nul_key(doc)) {
			div_count[D2_NULKEY]++;
			ok = true;
		} else {
			fail("rampart accepts, jansson rejects: %d:%d: %s", jerr.line, jerr.column,
			     jerr.text);
		}
	} else {
		/* rampart rejects, jansson accepts: D3 only */
		if (r == -RP_ELIMIT) {
			div_count[D3_LIMIT]++;
			ok = true;
		} else {
			fail("rampart rejects (%s), jansson accepts",
			     diag.count ? diag.items[0].message : "?");
		}
	}
out:
	json_decref(jv);
	rp_json_doc_free(doc);
	rp_json_doc_free(ext);
	rp_diag_release(&diag);
	rp_source_free(src);
	return ok;
}

static void run(const char *path, size_t *passed, size_t *failed)
{
	struct stat st;
	jt_list files;
	size_t i;

	memset(&files, 0, sizeof files);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (jt_list_dir(path, NULL, &files) < 0)
			goto bad;
	} else if (strcmp(jt_base(path), "MANIFEST.tsv") == 0) {
		jt_list rel;
		char *dir = strdup(path);
		if (!dir || jt_read_manifest(path, &rel) < 0) {
			free(dir);
			goto bad;
		}
		*strrchr(dir, '/') = '\0';
		for (i = 0; i < rel.n; i++) {
			char *p = jt_path(dir, rel.items[i]);
			if (jt_list_add(&files, p) < 0)
				abort();
			free(p);
		}
		jt_list_free(&rel);
		free(dir);
	} else if (jt_list_add(&files, path) < 0) {
		goto bad;
	}
	if (files.n == 0)
		goto bad;
	for (i = 0; i < files.n; i++) {
		const char *b = jt_base(files.items[i]);
		if (strcmp(b, "README.md") == 0)
			continue;
		if (check_file(files.items[i])) {
			(*passed)++;
		} else {
			printf("FAIL %s: %s\n", files.items[i], why);
			(*failed)++;
		}
	}
	jt_list_free(&files);
	return;
bad:
	printf("FAIL %s: cannot list\n", path);
	(*failed)++;
	jt_list_free(&files);
}

int main(int argc, char **argv)
{
	size_t passed = 0, failed = 0, k;
	long expect_both = -1;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--extended-must-accept") == 0) {
			extended_must_accept = true;
			continue;
		}
		if (strcmp(argv[i], "--expect-both-rejected") == 0 && i + 1 < argc) {
			expect_both = atol(argv[++i]);
			continue;
		}
		run(argv[i], &passed, &failed);
	}
	printf("jansson %s; rejected by both in strict mode: %zu", JANSSON_VERSION, both_rejected);
	if (extended_must_accept)
		printf(" (all %zu accepted by rampart's extended mode)", extended_rescued);
	printf("\n");
	for (k = 0; k < NDIV; k++)
		printf("divergence %s: %zu\n", div_names[k], div_count[k]);
	if (expect_both >= 0 && (size_t)expect_both != both_rejected) {
		printf("FAIL: expected %ld inputs rejected by both, got %zu\n", expect_both,
		       both_rejected);
		failed++;
	}
	printf("%zu passed, %zu failed\n", passed, failed);
	return failed || passed == 0 ? 1 : 0;
}
