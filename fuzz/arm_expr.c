/* arm_expr.c: libFuzzer target for the ARM expression language
 * (src/ingest/arm/expr.h).
 *
 * The input is the decoded text of a JSON string value.  It is evaluated
 * twice: as given, and wrapped in '[' ... ']' (so that most inputs are
 * parsed as expressions), inside a JSON token with escapes so the source
 * map is exercised.  Parameters, variables and copyIndex() come from small
 * fixed callbacks (one parameter is UNKNOWN).  Checks:
 *  - success gives a value; failure gives an error diagnostic;
 *  - every diagnostic span lies inside the source;
 *  - results never exceed the size limits;
 *  - evaluation is deterministic (same JSON output twice).
 * Any violation calls abort().
 */
#include "ingest/arm/expr.h"
#include "json/json.h"
#include "json/value.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/source.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                           \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "fuzz-arm_expr: check failed: %s (line %d)\n", #cond, \
				__LINE__);                                                    \
			abort();                                                              \
		}                                                                             \
	} while (0)

static int cb_param(rp_arm_env *env, const char *name, size_t n, rp_span at, rp_value **out)
{
	if (n == 1 && name[0] == 'u') {
		*out = rp_value_unknown(env->arena, at, "parameter 'u' has no value");
	} else if (n == 1 && name[0] == 'a') {
		rp_value *items[3];
		items[0] = rp_value_int(env->arena, 1, at);
		items[1] = rp_value_string(env->arena, "x", 1, at);
		items[2] = rp_value_unknown(env->arena, at, "element unknown");
		if (!items[0] || !items[1] || !items[2])
			return -RP_ENOMEM;
		*out = rp_value_array(env->arena, items, 3, at);
	} else if (n == 1 && name[0] == 'o') {
		rp_member m[2];
		memset(m, 0, sizeof(m));
		m[0].key = "k";
		m[0].keylen = 1;
		m[0].val = rp_value_string(env->arena, "v", 1, at);
		m[1].key = "n";
		m[1].keylen = 1;
		m[1].val = rp_value_int(env->arena, 7, at);
		if (!m[0].val || !m[1].val)
			return -RP_ENOMEM;
		*out = rp_value_object(env->arena, m, 2, at);
	} else if (n >= 1 && name[0] == 's') {
		*out = rp_value_string(env->arena, name, n, at);
	} else {
		rp_diag_add(env->diag, RP_DIAG_ERROR, at.src, at.off, (size_t)at.off + at.len,
			    "no parameter '%.*s'", (int)(n > 40 ? 40 : n), name);
		return -RP_EINVAL;
	}
	return *out ? 0 : -RP_ENOMEM;
}

static int cb_copy(rp_arm_env *env, const char *loop, size_t n, rp_span at, int64_t *out)
{
	(void)env;
	(void)loop;
	(void)at;
	*out = (int64_t)n;
	return 0;
}

static int cb_user(rp_arm_env *env, const char *ns, size_t nsn, const char *name, size_t nn,
		   rp_value **args, size_t nargs, rp_span at, rp_value **out)
{
	(void)ns;
	(void)nsn;
	(void)name;
	(void)nn;
	if (nargs > 0) {
		*out = args[0];
		return 0;
	}
	*out = rp_value_null(env->arena, at);
	return *out ? 0 : -RP_ENOMEM;
}

static void check_value(const rp_value *v, unsigned depth)
{
	uint32_t i;

	CHECK(v != NULL);
	CHECK(depth < 4000);
	switch (v->kind) {
	case RP_V_STRING:
		CHECK(v->len <= RP_ARM_MAX_STRING);
		CHECK(v->u.s != NULL);
		break;
	case RP_V_ARRAY:
		CHECK(v->len <= RP_ARM_MAX_ITEMS * 2u);
		for (i = 0; i < v->len; i++)
			check_value(v->u.items[i], depth + 1);
		break;
	case RP_V_OBJECT:
		for (i = 0; i < v->len; i++)
			check_value(v->u.members[i].val, depth + 1);
		break;
	case RP_V_UNKNOWN: CHECK(v->u.reason != NULL); break;
	default: break;
	}
}

static char *run(const char *s, size_t n, unsigned flags, int *rc_out)
{
	rp_buf tok = RP_BUF_INIT, outj = RP_BUF_INIT;
	rp_source *src = NULL;
	rp_arena *a = rp_arena_new();
	rp_diag diag;
	rp_arm_env env;
	rp_arm_context ctx;
	rp_value *out = NULL;
	rp_span where;
	size_t i;
	int rc;
	char *res;

	CHECK(a != NULL);
	rp_diag_init(&diag);
	CHECK(rp_json_escape(&tok, s, n) == 0);
	CHECK(rp_source_from_memory("fuzz.json", tok.data, tok.len, &src) == 0);
	where.src = src;
	where.off = 0;
	where.len = (uint32_t)tok.len;
	rp_arm_context_defaults(&ctx);
	if (flags & 4)
		ctx.scope = "subscription";
	memset(&env, 0, sizeof(env));
	env.arena = a;
	env.diag = &diag;
	env.ctx = &ctx;
	env.flags = flags & 3;
	env.parameter = cb_param;
	env.variable = cb_param;
	env.copy_index = cb_copy;
	env.user_function = cb_user;
	rc = rp_arm_eval_string(&env, s, n, where, &out);
	if (rc == 0) {
		rp_jw w;
		check_value(out, 0);
		rp_jw_init(&w, &outj, 0);
		rp_value_write(&w, out);
		(void)rp_jw_finish(&w);
	} else {
		CHECK(rc < 0);
		CHECK(diag.nerrors > 0 || rc == -RP_ENOMEM);
	}
	for (i = 0; i < diag.count; i++) {
		CHECK(diag.items[i].start <= diag.items[i].end);
		CHECK(diag.items[i].end <= src->size);
	}
	*rc_out = rc;
	res = outj.data ? strdup(outj.data) : strdup("");
	rp_buf_release(&outj);
	rp_diag_release(&diag);
	rp_source_free(src);
	rp_buf_release(&tok);
	rp_arena_free(a);
	return res;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned flags = 0;
	char *wrapped, *r1, *r2;
	int rc1, rc2;

	if (size > 30000)
		return 0;
	if (size > 0)
		flags = data[0] & 7;
	r1 = run((const char *)data, size, flags, &rc1);
	r2 = run((const char *)data, size, flags, &rc2);
	CHECK(rc1 == rc2);
	CHECK(strcmp(r1, r2) == 0);
	free(r1);
	free(r2);
	wrapped = malloc(size + 2);
	CHECK(wrapped != NULL);
	wrapped[0] = '[';
	if (size)
		memcpy(wrapped + 1, data, size);
	wrapped[size + 1] = ']';
	r1 = run(wrapped, size + 2, flags, &rc1);
	free(r1);
	free(wrapped);
	return 0;
}
