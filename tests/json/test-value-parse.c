/* test-value-parse.c: rp_value_parse (one pass, no tape) against
 * rp_value_from_json(rp_json_parse()) (the tape, then the conversion).
 *
 * usage: test-value-parse DIR_OR_MANIFEST...
 *   a directory: every file in it; a MANIFEST.tsv: every file it lists
 *   (relative to its directory).
 * For every input, in strict and in extended mode: both accept or both
 * reject, and an accepted input gives the same tree (kinds, flags, spans,
 * lengths, string bytes and their NUL, numbers bit for bit, member keys,
 * key spans, order).  Built-in cases cover what corpora rarely hold:
 * duplicate keys in small and big objects, escapes, surrogates, number
 * edges, extensions, depth and bad input.  Prints one line per failure and
 * "N compared, N failed".
 */
#include "json/json.h"
#include "json/value.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/source.h"

#include "jt-util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t compared, failed;

static bool span_eq(rp_span a, rp_span b)
{
	return a.src == b.src && a.off == b.off && a.len == b.len;
}

/* Same tree; *why says where not. */
static bool same(const rp_value *a, const rp_value *b, const char **why)
{
	uint32_t i;

	if (!a || !b) {
		*why = "missing value";
		return false;
	}
	if (a->kind != b->kind || a->flags != b->flags || a->len != b->len ||
	    !span_eq(a->span, b->span)) {
		*why = "kind, flags, length or span differ";
		return false;
	}
	switch (a->kind) {
	case RP_V_BOOL:
		if (a->u.b != b->u.b)
			*why = "bool differs";
		return a->u.b == b->u.b;
	case RP_V_INT:
		if (a->u.i != b->u.i)
			*why = "int differs";
		return a->u.i == b->u.i;
	case RP_V_FLOAT:
		if (memcmp(&a->u.f, &b->u.f, sizeof(double)) != 0) {
			*why = "float differs";
			return false;
		}
		return true;
	case RP_V_STRING:
		if (memcmp(a->u.s, b->u.s, a->len) != 0 || b->u.s[b->len] != '\0') {
			*why = "string bytes differ or no NUL";
			return false;
		}
		return true;
	case RP_V_ARRAY:
		for (i = 0; i < a->len; i++)
			if (!same(a->u.items[i], b->u.items[i], why))
				return false;
		return true;
	case RP_V_OBJECT:
		for (i = 0; i < a->len; i++) {
			const rp_member *x = &a->u.members[i], *y = &b->u.members[i];
			if (x->keylen != y->keylen || memcmp(x->key, y->key, x->keylen) != 0 ||
			    y->key[y->keylen] != '\0' || !span_eq(x->keyspan, y->keyspan)) {
				*why = "member key or key span differs";
				return false;
			}
			if (!same(x->val, y->val, why))
				return false;
		}
		return true;
	default: return true;
	}
}

static void compare(const char *name, rp_source *src)
{
	static const unsigned modes[] = { RP_JSON_STRICT, RP_JSON_EXTENDED };
	size_t k;

	for (k = 0; k < 2; k++) {
		rp_arena *a = rp_arena_new(), *b = rp_arena_new();
		rp_json_doc *doc = NULL;
		rp_value *want = NULL, *got = NULL;
		const char *why = NULL;
		int rt, rv;

		if (!a || !b) {
			fprintf(stderr, "out of memory\n");
			exit(3);
		}
		rt = rp_json_parse(src, modes[k], &doc, NULL);
		if (rt == 0)
			want = rp_value_from_json(a, doc, rp_json_root(doc));
		rv = rp_value_parse(src, modes[k], b, &got);
		compared++;
		if ((rt == 0) != (rv == 0))
			why = rt == 0 ? "the reader accepts, rp_value_parse rejects"
				      : "the reader rejects, rp_value_parse accepts";
		else if (rv != 0 && rv != -RP_EPARSE)
			why = "rejection with a code other than -RP_EPARSE";
		else if (rt == 0 && !same(want, got, &why) && !why)
			why = "trees differ";
		if (why) {
			failed++;
			printf("FAIL %s (%s): %s\n", name, k ? "extended" : "strict", why);
		}
		rp_json_doc_free(doc);
		rp_arena_free(a);
		rp_arena_free(b);
	}
}

static void compare_text(const char *name, const char *text, size_t n)
{
	rp_source *src = NULL;

	if (rp_source_from_memory(name, text, n, &src) < 0) {
		fprintf(stderr, "out of memory\n");
		exit(3);
	}
	compare(name, src);
	rp_source_free(src);
}

static void compare_file(const char *path)
{
	rp_source *src = NULL;

	if (rp_source_load(path, 0, &src, NULL) < 0) {
		failed++;
		printf("FAIL %s: cannot read\n", path);
		return;
	}
	compare(path, src);
	rp_source_free(src);
}

static const char *const builtin[] = {
	"{\"a\":1,\"a\":2}",
	"{\"a\":1,\"b\":2,\"a\":3,\"c\":{\"x\":[],\"x\":{}},\"b\":null}",
	"{\"k0\":0,\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,"
	"\"k3\":33,\"k9\":9,\"k0\":true,\"K0\":false,\"k\\u0030\":\"esc\"}",
	"{\"A\":1,\"a\":2}",
	"[\"plain\",\"tab\\there\",\"q\\\"b\\\\s\\/"
	"\",\"\\u00e9\\u4e2d\\ud83d\\ude00\",\"\\u0000x\"]",
	"\"caf\xc3\xa9 \xe2\x82\xac\"",
	"[0,-0,1,-1,9223372036854775807,-9223372036854775808,9223372036854775808,"
	"-9223372036854775809,1.5,-2.25e3,1e400,-1e400,1E-400,0.0,12345678901234567890123]",
	"[true,false,null,[],{},[[]],{\"e\":{}}]",
	"// comment\n{/* block */\"a\":[1,2,],\"b\":{\"c\":3,},}\n",
	"\xef\xbb\xbf{\"bom\":1}",
	"{\"multi\":\"line\nbreak\"}",
	"  \t\r\n [ 1 , 2 ]  \n",
	"{\"a\":1}x",
	"{\"a\" 1}",
	"[1,2",
	"{\"a\":tru}",
	"[01]",
	"[1.]",
	"[-]",
	"[\"\\x\"]",
	"[\"\\ud800\"]",
	"[\"\\udc00\"]",
	"[\"bad \xff utf8\"]",
	"[1,,2]",
	"/* unterminated",
	"[1] // trailing comment",
	"[1] /",
	"",
	"   ",
	"{,}",
	"[,]",
	/* short strings (shared within a file): every length around the
	 * 8- and 16-byte boundaries, repeated, as keys and values */
	"{\"\":\"\",\"k\":\"k\",\"ke\":\"ke\",\"k\":\"ke\",\"abcdefg\":\"abcdefgh\","
	"\"abcdefgh\":\"abcdefg\",\"abcdefghi\":\"abcdefghi\",\"abcdefghijklmno\":"
	"\"abcdefghijklmno\",\"abcdefghijklmnop\":\"abcdefghijklmnop\",\"x\":[\"k\",\"ke\","
	"\"k\",\"abcdefg\",\"abcdefghijklmno\",\"abcdefghijklmnop\",\"\",\"k\\u0065\"]}",
	/* equal bytes up to a raw control character (multi-line strings) */
	"[\"a\x01\",\"a\",\"a\x01\",\"a\x01b\",\"a\"]",
	"{\"a\x01\":1,\"a\":2,\"a\x01\":3}",
};

/* Short strings of one parse share their bytes; a later parse (another
 * arena, the first one freed) never sees the earlier copies. */
static void check_sharing(void)
{
	static const char *const docs[] = {
		"[{\"name\":\"vm-1\",\"type\":\"t\"},{\"name\":\"vm-1\",\"type\":\"t\"}]           "
		"     ",
		"[{\"name\":\"vm-2\",\"type\":\"u\"},{\"name\":\"vm-1\",\"type\":\"t\"}]           "
		"     ",
	};
	size_t i;

	for (i = 0; i < 2; i++) {
		rp_source *src = NULL;
		rp_arena *a = rp_arena_new();
		rp_value *v = NULL;
		const rp_value *o0, *o1;

		compared++;
		if (!a || rp_source_from_memory("<sharing>", docs[i], strlen(docs[i]), &src) < 0) {
			fprintf(stderr, "out of memory\n");
			exit(3);
		}
		if (rp_value_parse(src, RP_JSON_STRICT, a, &v) != 0 || v->len != 2) {
			failed++;
			printf("FAIL <sharing %zu>: not parsed\n", i);
		} else {
			o0 = v->u.items[0];
			o1 = v->u.items[1];
			if (o0->u.members[0].key != o1->u.members[0].key ||
			    o0->u.members[1].key != o1->u.members[1].key) {
				failed++;
				printf("FAIL <sharing %zu>: equal keys not shared\n", i);
			}
			if ((o0->u.members[0].val->u.s == o1->u.members[0].val->u.s) != (i == 0) ||
			    strcmp(o0->u.members[0].val->u.s, i ? "vm-2" : "vm-1") != 0 ||
			    strcmp(o1->u.members[0].val->u.s, "vm-1") != 0 ||
			    strcmp(o0->u.members[1].val->u.s, i ? "u" : "t") != 0 ||
			    strcmp(o1->u.members[1].val->u.s, "t") != 0) {
				failed++;
				printf("FAIL <sharing %zu>: string values wrong or wrongly "
				       "shared\n",
				       i);
			}
		}
		rp_source_free(src);
		rp_arena_free(a);
	}
}

/* Nesting: depth at the limit is accepted, one more rejected. */
static void compare_depth(size_t depth)
{
	char *t = malloc(depth * 2 + 1);
	char name[64];
	size_t i;

	if (!t)
		exit(3);
	for (i = 0; i < depth; i++) {
		t[i] = '[';
		t[depth * 2 - 1 - i] = ']';
	}
	snprintf(name, sizeof name, "<depth %zu>", depth);
	compare_text(name, t, depth * 2);
	free(t);
}

int main(int argc, char **argv)
{
	size_t i, j;
	char name[64];

	for (i = 0; i < sizeof builtin / sizeof builtin[0]; i++) {
		snprintf(name, sizeof name, "<builtin %zu>", i);
		compare_text(name, builtin[i], strlen(builtin[i]));
	}
	compare_depth(RP_JSON_MAX_DEPTH);
	compare_depth(RP_JSON_MAX_DEPTH + 1);
	check_sharing();
	for (i = 1; i < (size_t)argc; i++) {
		jt_list l = { 0 };
		size_t n = strlen(argv[i]);
		bool manifest = n >= 12 && strcmp(argv[i] + n - 12, "MANIFEST.tsv") == 0;
		if (manifest) {
			char *dir = strdup(argv[i]);
			if (!dir)
				return 3;
			dir[n - 12] = '\0';
			if (jt_read_manifest(argv[i], &l) < 0) {
				fprintf(stderr, "cannot read %s\n", argv[i]);
				return 2;
			}
			for (j = 0; j < l.n; j++) {
				char *p = jt_path(dir, l.items[j]);
				compare_file(p);
				free(p);
			}
			free(dir);
		} else {
			if (jt_list_dir(argv[i], NULL, &l) < 0) {
				fprintf(stderr, "cannot list %s\n", argv[i]);
				return 2;
			}
			for (j = 0; j < l.n; j++)
				compare_file(l.items[j]);
		}
		jt_list_free(&l);
	}
	printf("%zu compared, %zu failed\n", compared, failed);
	return failed ? 1 : 0;
}
