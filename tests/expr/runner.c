/* runner.c: data-driven tests of the ARM expression evaluator
 * (src/ingest/arm/expr.h).  Reads tests/expr/ *.test files; the format is
 * described in tests/expr/README.md.  Prints one line per failure and a
 * final "N passed, N failed"; exits 1 if anything failed.
 *
 *   arm-expr-runner FILE...      run the cases of each file
 *   arm-expr-runner --table      print the function table as Markdown
 */
#include "ingest/arm/expr.h"
#include "ingest/arm/expr_internal.h"
#include "json/json.h"
#include "json/value.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct state {
	rp_arena *a; /* per file */
	rp_value *params, *vars;
	rp_arm_context ctx;
	char ctxbuf[7][256];
	unsigned flags;
	int64_t copy_index;
	bool have_copy;
} state;

static int lookup(rp_arm_env *env, rp_value *obj, const char *what, const char *name, size_t n,
		  rp_span at, rp_value **out)
{
	rp_value *v = obj ? rp_value_get(obj, name, n) : NULL;

	if (!v) {
		rp_diag_add(env->diag, RP_DIAG_ERROR, at.src, at.off, (size_t)at.off + at.len,
			    "the template has no %s '%.*s'", what, (int)n, name);
		return -RP_EINVAL;
	}
	*out = v;
	return 0;
}

static int cb_param(rp_arm_env *env, const char *name, size_t n, rp_span at, rp_value **out)
{
	state *st = env->ud;
	return lookup(env, st->params, "parameter", name, n, at, out);
}

static int cb_var(rp_arm_env *env, const char *name, size_t n, rp_span at, rp_value **out)
{
	state *st = env->ud;
	return lookup(env, st->vars, "variable", name, n, at, out);
}

static int cb_copy(rp_arm_env *env, const char *loop, size_t n, rp_span at, int64_t *out)
{
	state *st = env->ud;
	(void)loop;
	(void)n;
	if (!st->have_copy) {
		rp_diag_add(env->diag, RP_DIAG_ERROR, at.src, at.off, (size_t)at.off + at.len,
			    "copyIndex() outside a copy loop");
		return -RP_EINVAL;
	}
	*out = st->copy_index;
	return 0;
}

/* Strict structural comparison: kinds, key order, and {"$unknown": sub}
 * in the expectation matches an UNKNOWN whose reason contains sub. */
static bool same(const rp_value *got, const rp_value *want)
{
	uint32_t i;

	if (want->kind == RP_V_OBJECT && want->len == 1 &&
	    strcmp(want->u.members[0].key, "$unknown") == 0 &&
	    want->u.members[0].val->kind == RP_V_STRING)
		return got->kind == RP_V_UNKNOWN &&
		       strstr(got->u.reason, want->u.members[0].val->u.s) != NULL;
	if (got->kind != want->kind)
		return false;
	switch (got->kind) {
	case RP_V_ARRAY:
		if (got->len != want->len)
			return false;
		for (i = 0; i < got->len; i++)
			if (!same(got->u.items[i], want->u.items[i]))
				return false;
		return true;
	case RP_V_OBJECT:
		if (got->len != want->len)
			return false;
		for (i = 0; i < got->len; i++)
			if (got->u.members[i].keylen != want->u.members[i].keylen ||
			    memcmp(got->u.members[i].key, want->u.members[i].key,
				   got->u.members[i].keylen) != 0 ||
			    !same(got->u.members[i].val, want->u.members[i].val))
				return false;
		return true;
	default: return rp_value_equal(got, want);
	}
}

static char *to_json(const rp_value *v)
{
	rp_buf b = RP_BUF_INIT;
	rp_jw w;

	rp_jw_init(&w, &b, 0);
	rp_value_write(&w, v);
	rp_jw_finish(&w);
	return rp_buf_detach(&b);
}

static rp_value *parse_json(rp_arena *a, const char *s, size_t n)
{
	rp_span none = { NULL, 0, 0 };
	rp_value *v = NULL;

	if (rp_arm_json_parse(a, s, n, none, &v) != 0)
		return NULL;
	return v;
}

/* {"$unknown": "reason"} anywhere in %%params / %%vars stands for an
 * UNKNOWN value with that reason. */
static rp_value *with_unknowns(rp_arena *a, rp_value *v, unsigned depth)
{
	uint32_t i;

	if (!v || depth > 200)
		return v;
	if (v->kind == RP_V_OBJECT && v->len == 1 && strcmp(v->u.members[0].key, "$unknown") == 0 &&
	    v->u.members[0].val->kind == RP_V_STRING)
		return rp_value_unknown(a, v->span, "%s", v->u.members[0].val->u.s);
	if (v->kind == RP_V_ARRAY)
		for (i = 0; i < v->len; i++)
			v->u.items[i] = with_unknowns(a, v->u.items[i], depth + 1);
	if (v->kind == RP_V_OBJECT)
		for (i = 0; i < v->len; i++)
			v->u.members[i].val = with_unknowns(a, v->u.members[i].val, depth + 1);
	return v;
}

typedef struct counts {
	unsigned pass, fail;
} counts;

static void trim_nl(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static void set_context(state *st, const char *json, const char *file, unsigned line)
{
	rp_value *o = parse_json(st->a, json, strlen(json));
	static const char *const keys[7] = { "subscriptionId", "tenantId",       "resourceGroup",
					     "location",       "deploymentName", "managementGroup",
					     "scope" };
	const char **fields[7] = { &st->ctx.subscription_id,
				   &st->ctx.tenant_id,
				   &st->ctx.resource_group,
				   &st->ctx.location,
				   &st->ctx.deployment_name,
				   &st->ctx.management_group,
				   &st->ctx.scope };
	int i;

	rp_arm_context_defaults(&st->ctx);
	if (!o || o->kind != RP_V_OBJECT) {
		fprintf(stderr, "%s:%u: bad %%%%context JSON\n", file, line);
		return;
	}
	for (i = 0; i < 7; i++) {
		rp_value *v = rp_value_getz(o, keys[i]);
		if (v && v->kind == RP_V_STRING) {
			snprintf(st->ctxbuf[i], sizeof(st->ctxbuf[i]), "%s", v->u.s);
			*fields[i] = st->ctxbuf[i];
		}
	}
}

/* Runs one case: expr (decoded), expectation line. */
static void run_case(state *st, counts *cnt, const char *file, unsigned line, const char *expr,
		     const char *expect)
{
	rp_buf json = RP_BUF_INIT;
	rp_source *src = NULL;
	rp_diag diag;
	rp_arm_env env;
	rp_value *out = NULL;
	rp_span where;
	int rc;
	bool ok = false;
	char why[600] = "";

	rp_diag_init(&diag);
	rp_json_escape(&json, expr, strlen(expr));
	rp_source_from_memory(file, json.data, json.len, &src);
	where.src = src;
	where.off = 0;
	where.len = (uint32_t)json.len;
	memset(&env, 0, sizeof(env));
	env.ud = st;
	env.arena = st->a;
	env.diag = &diag;
	env.ctx = &st->ctx;
	env.flags = st->flags;
	env.parameter = cb_param;
	env.variable = cb_var;
	env.copy_index = cb_copy;
	rc = rp_arm_eval_string(&env, expr, strlen(expr), where, &out);

	if (strncmp(expect, "%%FAIL", 6) == 0) {
		const char *p = skip_ws(expect + 6);
		long col = -1;
		if (strncmp(p, "col=", 4) == 0) {
			col = strtol(p + 4, (char **)&p, 10);
			p = skip_ws(p);
		}
		if (rc == 0) {
			char *j = to_json(out);
			snprintf(why, sizeof(why), "expected failure, got %s", j);
			free(j);
		} else if (diag.count == 0) {
			snprintf(why, sizeof(why), "failed (%d) without a diagnostic", rc);
		} else if (!strstr(diag.items[0].message, p)) {
			snprintf(why, sizeof(why), "message '%s' lacks '%s'", diag.items[0].message,
				 p);
		} else if (col >= 0) {
			uint32_t l, c;
			rp_source_linecol(src, diag.items[0].start, &l, &c);
			if ((long)c - 1 != col)
				snprintf(why, sizeof(why),
					 "error at column %ld, expected %ld ('%s')", (long)c - 1,
					 col, diag.items[0].message);
			else
				ok = true;
		} else {
			ok = true;
		}
	} else if (strncmp(expect, "%%UNKNOWN", 9) == 0) {
		const char *p = skip_ws(expect + 9);
		if (rc != 0)
			snprintf(why, sizeof(why), "failed: %s",
				 diag.count ? diag.items[0].message : "(no diagnostic)");
		else if (out->kind != RP_V_UNKNOWN) {
			char *j = to_json(out);
			snprintf(why, sizeof(why), "expected UNKNOWN, got %s", j);
			free(j);
		} else if (!strstr(out->u.reason, p))
			snprintf(why, sizeof(why), "reason '%s' lacks '%s'", out->u.reason, p);
		else
			ok = true;
	} else {
		rp_value *want = parse_json(st->a, expect, strlen(expect));
		if (!want)
			snprintf(why, sizeof(why), "bad expected JSON: %s", expect);
		else if (rc != 0)
			snprintf(why, sizeof(why), "failed: %s",
				 diag.count ? diag.items[0].message : "(no diagnostic)");
		else if (!same(out, want)) {
			char *j = to_json(out);
			snprintf(why, sizeof(why), "got %s, expected %s", j, expect);
			free(j);
		} else
			ok = true;
	}
	if (ok) {
		cnt->pass++;
	} else {
		cnt->fail++;
		printf("FAIL %s:%u: %s\n    %s\n", file, line, expr, why);
	}
	rp_diag_release(&diag);
	rp_source_free(src);
	rp_buf_release(&json);
}

static void run_file(const char *path, counts *cnt)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, *expr = NULL;
	size_t cap = 0;
	unsigned ln = 0, expr_line = 0;
	state st;

	if (!fp) {
		printf("FAIL %s: cannot open\n", path);
		cnt->fail++;
		return;
	}
	memset(&st, 0, sizeof(st));
	st.a = rp_arena_new();
	rp_arm_context_defaults(&st.ctx);
	while (getline(&line, &cap, fp) > 0) {
		ln++;
		trim_nl(line);
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (strncmp(line, "%%params ", 9) == 0) {
			st.params = with_unknowns(st.a,
						  parse_json(st.a, line + 9, strlen(line + 9)), 0);
			if (!st.params)
				printf("WARN %s:%u: bad %%%%params JSON\n", path, ln);
		} else if (strncmp(line, "%%vars ", 7) == 0) {
			st.vars = with_unknowns(st.a, parse_json(st.a, line + 7, strlen(line + 7)),
						0);
		} else if (strncmp(line, "%%context ", 10) == 0) {
			set_context(&st, line + 10, path, ln);
		} else if (strcmp(line, "%%flags param-default") == 0) {
			st.flags = RP_ARM_IN_PARAM_DEFAULT;
		} else if (strcmp(line, "%%flags no-reference") == 0) {
			st.flags = RP_ARM_NO_REFERENCE;
		} else if (strcmp(line, "%%flags none") == 0) {
			st.flags = 0;
		} else if (strncmp(line, "%%copyindex ", 12) == 0) {
			st.copy_index = strtoll(line + 12, NULL, 10);
			st.have_copy = true;
		} else if (expr == NULL) {
			expr = strdup(line);
			expr_line = ln;
		} else {
			run_case(&st, cnt, path, expr_line, expr, line);
			free(expr);
			expr = NULL;
		}
	}
	if (expr) {
		printf("FAIL %s:%u: case without an expectation\n", path, expr_line);
		cnt->fail++;
		free(expr);
	}
	free(line);
	fclose(fp);
	rp_arena_free(st.a);
}

static void print_table(void)
{
	size_t i;

	printf("| function | arguments | class | family | summary |\n");
	printf("|---|---|---|---|---|\n");
	for (i = 0; i < rp_arm_function_count(); i++) {
		const rp_arm_function_info *f = rp_arm_function_at(i);
		char ar[32];
		if (f->max_args == RP_ARM_VARIADIC)
			snprintf(ar, sizeof(ar), "%u..n", f->min_args);
		else if (f->min_args == f->max_args)
			snprintf(ar, sizeof(ar), "%u", f->min_args);
		else
			snprintf(ar, sizeof(ar), "%u..%u", f->min_args, f->max_args);
		printf("| `%s` | %s | %s | %s | %s |\n", f->name, ar, rp_arm_fclass_name(f->fclass),
		       f->family, f->summary);
	}
}

int main(int argc, char **argv)
{
	counts cnt = { 0, 0 };
	int i;

	if (argc == 2 && strcmp(argv[1], "--table") == 0) {
		print_table();
		return 0;
	}
	for (i = 1; i < argc; i++)
		run_file(argv[i], &cnt);
	printf("%u passed, %u failed\n", cnt.pass, cnt.fail);
	return cnt.fail ? 1 : 0;
}
