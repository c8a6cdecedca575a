/* test-expr-api.c: the public API of src/ingest/arm/expr.h beyond single
 * strings: rp_arm_eval_value (nested trees, expression keys, '[[' escapes,
 * spans), the template-layer callbacks (user functions, deployment(),
 * reference()), rp_arm_call, rp_arm_truth, rp_arm_to_string, the hash
 * helpers and the function table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ingest/arm/expr.h"
#include "json/json.h"
#include "json/value.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/source.h"

typedef struct fixture {
	rp_source *src;
	rp_json_doc *doc;
	rp_arena *a;
	rp_diag diag;
	rp_arm_env env;
	rp_arm_context ctx;
	int user_calls;
} fixture;

static int cb_param(rp_arm_env *env, const char *name, size_t n, rp_span at, rp_value **out)
{
	if (n == 4 && memcmp(name, "name", 4) == 0) {
		*out = rp_value_string(env->arena, "web", 3, at);
		return *out ? 0 : -RP_ENOMEM;
	}
	rp_diag_add(env->diag, RP_DIAG_ERROR, at.src, at.off, (size_t)at.off + at.len,
		    "no parameter");
	return -RP_EINVAL;
}

/* contoso.double(x) = x * 2, implemented by evaluating an expression the
 * way the template layer would (with a nested depth). */
static int cb_user(rp_arm_env *env, const char *ns, size_t nsn, const char *name, size_t nn,
		   rp_value **args, size_t nargs, rp_span at, rp_value **out)
{
	fixture *f = env->ud;
	rp_value *two[2];

	f->user_calls++;
	assert_int_equal(nsn, 7);
	assert_memory_equal(ns, "contoso", 7);
	assert_int_equal(nn, 6);
	assert_memory_equal(name, "double", 6);
	assert_int_equal(nargs, 1);
	assert_true(env->depth >= 1);
	two[0] = args[0];
	two[1] = rp_value_int(env->arena, 2, at);
	return rp_arm_call(env, "mul", two, 2, at, out);
}

static int cb_deployment(rp_arm_env *env, rp_span at, rp_value **out)
{
	rp_member m;

	memset(&m, 0, sizeof(m));
	m.key = "name";
	m.keylen = 4;
	m.val = rp_value_string(env->arena, "from-callback", 13, at);
	*out = rp_value_object(env->arena, &m, 1, at);
	return *out ? 0 : -RP_ENOMEM;
}

static int cb_reference(rp_arm_env *env, rp_value *const *args, size_t nargs, rp_span at,
			rp_value **out)
{
	(void)env;
	(void)at;
	(void)out;
	assert_true(nargs >= 1);
	assert_int_equal(args[0]->kind, RP_V_STRING);
	return -RP_ENOTFOUND; /* fall back to UNKNOWN */
}

static void load(fixture *f, const char *json)
{
	memset(f, 0, sizeof(*f));
	assert_int_equal(rp_source_from_memory("t.json", json, strlen(json), &f->src), 0);
	assert_int_equal(rp_json_parse(f->src, RP_JSON_EXTENDED, &f->doc, NULL), 0);
	f->a = rp_arena_new();
	rp_diag_init(&f->diag);
	rp_arm_context_defaults(&f->ctx);
	f->env.ud = f;
	f->env.arena = f->a;
	f->env.diag = &f->diag;
	f->env.ctx = &f->ctx;
	f->env.parameter = cb_param;
	f->env.user_function = cb_user;
	f->env.deployment = cb_deployment;
	f->env.reference = cb_reference;
}

static void unload(fixture *f)
{
	rp_diag_release(&f->diag);
	rp_json_doc_free(f->doc);
	rp_source_free(f->src);
	rp_arena_free(f->a);
}

static rp_value *eval_doc(fixture *f)
{
	rp_value *in = rp_value_from_json(f->a, f->doc, 0), *out = NULL;

	assert_non_null(in);
	assert_int_equal(rp_arm_eval_value(&f->env, in, &out), 0);
	return out;
}

static void test_eval_value_tree(void **state)
{
	fixture f;
	rp_value *v, *x;
	const char *json =
		"{\"name\": \"[parameters('name')]\", \"[concat('k', '1')]\": 1,"
		" \"lit\": \"[[x]\", \"arr\": [\"[add(1, 2)]\", true, null],"
		" \"deep\": {\"id\": \"[contoso.double(21)]\"}, \"dep\": \"[deployment().name]\","
		" \"ref\": \"[reference('st').x]\"}";

	(void)state;
	load(&f, json);
	v = eval_doc(&f);
	assert_int_equal(v->kind, RP_V_OBJECT);
	x = rp_value_getz(v, "name");
	assert_non_null(x);
	assert_string_equal(x->u.s, "web");
	/* the value's span is the JSON string token of "name" */
	assert_int_equal(x->span.off, (uint32_t)(strstr(json, "\"[parameters") - json));
	assert_non_null(rp_value_getz(v, "k1"));
	assert_int_equal(rp_value_getz(v, "k1")->u.i, 1);
	assert_string_equal(rp_value_getz(v, "lit")->u.s, "[x]");
	x = rp_value_getz(v, "arr");
	assert_int_equal(x->len, 3);
	assert_int_equal(x->u.items[0]->u.i, 3);
	assert_int_equal(x->u.items[1]->kind, RP_V_BOOL);
	assert_int_equal(rp_value_path(v, "deep.id")->u.i, 42);
	assert_int_equal(f.user_calls, 1);
	assert_string_equal(rp_value_getz(v, "dep")->u.s, "from-callback");
	x = rp_value_getz(v, "ref");
	assert_int_equal(x->kind, RP_V_UNKNOWN);
	assert_non_null(strstr(x->u.reason, "reference('st')"));
	assert_int_equal(f.diag.count, 0);
	unload(&f);
}

static void test_unknown_key(void **state)
{
	fixture f;
	rp_value *v;

	(void)state;
	load(&f, "{\"[reference('x').name]\": 1}");
	v = eval_doc(&f);
	assert_int_equal(v->kind, RP_V_UNKNOWN);
	unload(&f);
}

/* A runtime error inside an escaped JSON string points at the right column. */
static void test_eval_error_column(void **state)
{
	fixture f;
	rp_value *in, *out = NULL;
	uint32_t line, col;
	const char *json = "{\n  \"v\": \"[concat('\\u0041\\t', nope())]\"\n}";

	(void)state;
	load(&f, json);
	in = rp_value_from_json(f.a, f.doc, 0);
	assert_int_equal(rp_arm_eval_value(&f.env, in, &out), -RP_EINVAL);
	assert_int_equal(f.diag.count, 1);
	assert_non_null(strstr(f.diag.items[0].message, "unknown function 'nope'"));
	rp_source_linecol(f.src, f.diag.items[0].start, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, (uint32_t)(strstr(json, "nope") - strchr(json, '\n')));
	unload(&f);
}

static void test_call_and_helpers(void **state)
{
	fixture f;
	rp_value *args[3], *out = NULL;
	rp_span none = { NULL, 0, 0 };
	int truth;
	size_t n;
	const char *s;
	char us[14], g[37];
	const char *parts[2] = { "hello", "world" };
	size_t lens[2] = { 5, 5 };

	(void)state;
	load(&f, "{}");
	args[0] = rp_value_string(f.a, "a", 1, none);
	args[1] = rp_value_int(f.a, 7, none);
	assert_int_equal(rp_arm_call(&f.env, "CONCAT", args, 2, none, &out), 0);
	assert_string_equal(out->u.s, "a7");
	args[0] = rp_value_bool(f.a, false, none);
	args[1] = rp_value_unknown(f.a, none, "later");
	assert_int_equal(rp_arm_call(&f.env, "and", args, 2, none, &out), 0);
	assert_int_equal(out->kind, RP_V_BOOL);
	assert_false(out->u.b);
	args[0] = rp_value_unknown(f.a, none, "cond");
	args[1] = rp_value_int(f.a, 1, none);
	args[2] = rp_value_int(f.a, 1, none);
	assert_int_equal(rp_arm_call(&f.env, "if", args, 3, none, &out), 0);
	assert_int_equal(out->kind, RP_V_INT);
	assert_int_equal(rp_arm_call(&f.env, "map", args, 2, none, &out), -RP_EINVAL);
	assert_int_equal(rp_arm_call(&f.env, "nonexistent", args, 0, none, &out), -RP_EINVAL);

	assert_int_equal(rp_arm_truth(&f.env, rp_value_bool(f.a, true, none), none, &truth), 0);
	assert_int_equal(truth, 1);
	assert_int_equal(rp_arm_truth(&f.env, rp_value_string(f.a, "False", 5, none), none, &truth),
			 0);
	assert_int_equal(truth, 0);
	assert_int_equal(rp_arm_truth(&f.env, rp_value_unknown(f.a, none, "x"), none, &truth), 0);
	assert_int_equal(truth, -1);
	assert_int_equal(rp_arm_truth(&f.env, rp_value_int(f.a, 1, none), none, &truth),
			 -RP_EINVAL);

	s = rp_arm_to_string(f.a, rp_value_bool(f.a, true, none), &n);
	assert_string_equal(s, "True");
	assert_null(rp_arm_to_string(f.a, rp_value_unknown(f.a, none, "x"), &n));
	assert_string_equal(rp_arm_type_name(rp_value_null(f.a, none)), "Null");

	rp_arm_unique_string(parts, lens, 2, us);
	assert_string_equal(us, "a7wkljktk6wne");
	rp_arm_guid(parts, lens, 1, g);
	assert_int_equal(strlen(g), 36);
	assert_int_equal(g[14], '5'); /* version 5 */
	unload(&f);
}

static void test_function_table(void **state)
{
	size_t i, n = rp_arm_function_count();

	(void)state;
	assert_true(n >= 100);
	for (i = 0; i < n; i++) {
		const rp_arm_function_info *fi = rp_arm_function_at(i);
		assert_non_null(fi);
		assert_true(fi->min_args <= fi->max_args);
		assert_non_null(fi->summary);
		if (strcmp(fi->name, "list*") != 0)
			assert_ptr_equal(rp_arm_function_find(fi->name, strlen(fi->name)), fi);
	}
	assert_null(rp_arm_function_at(n));
	assert_non_null(rp_arm_function_find("UNIQUESTRING", 12));
	assert_string_equal(rp_arm_function_find("listKeys", 8)->name, "list*");
	assert_null(rp_arm_function_find("list", 4));
	assert_null(rp_arm_function_find("nope", 4));
	assert_int_equal(rp_arm_function_find("reference", 9)->fclass, RP_ARM_RUNTIME);
	assert_int_equal(rp_arm_function_find("resourceId", 10)->fclass, RP_ARM_DEPLOYMENT_CONTEXT);
	assert_string_equal(rp_arm_fclass_name(RP_ARM_PURE), "PURE");
}

/* User functions nested past RP_ARM_MAX_CALL_DEPTH stop with RP_ELIMIT. */
static int cb_recurse(rp_arm_env *env, const char *ns, size_t nsn, const char *name, size_t nn,
		      rp_value **args, size_t nargs, rp_span at, rp_value **out)
{
	static const char expr[] = "[my.loop()]";
	(void)ns;
	(void)nsn;
	(void)name;
	(void)nn;
	(void)args;
	(void)nargs;
	return rp_arm_eval_string(env, expr, sizeof(expr) - 1, at, out);
}

static void test_user_function_depth(void **state)
{
	fixture f;
	rp_value *out = NULL;
	rp_span none = { NULL, 0, 0 };

	(void)state;
	load(&f, "{}");
	f.env.user_function = cb_recurse;
	assert_int_equal(rp_arm_eval_string(&f.env, "[my.loop()]", 11, none, &out), -RP_ELIMIT);
	assert_true(f.diag.count >= 1);
	assert_non_null(strstr(f.diag.items[0].message, "nested too deeply"));
	unload(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eval_value_tree),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_eval_error_column),
		cmocka_unit_test(test_call_and_helpers),
		cmocka_unit_test(test_function_table),
		cmocka_unit_test(test_user_function_depth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
