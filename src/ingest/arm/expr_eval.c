/* expr_eval.c: evaluator of ARM template expressions (three-valued: known,
 * UNKNOWN with a reason, or error) and the shared helpers of the function
 * library.
 *
 * Spec: "Syntax and expressions in ARM templates" and the template function
 * reference (Microsoft Learn).  Property access on objects is ASCII
 * case-insensitive as in ARM; a missing property is an error, except with
 * the null-safe forms '.?' / '[?' (languageVersion 2.0) which yield null.
 */
#include "ingest/arm/expr_internal.h"
#include "util/str.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rp_arm_context_defaults(rp_arm_context *c)
{
	memset(c, 0, sizeof(*c));
	c->subscription_id = RP_ARM_DEFAULT_SUBSCRIPTION;
	c->tenant_id = RP_ARM_DEFAULT_TENANT;
	c->resource_group = RP_ARM_DEFAULT_RESOURCE_GROUP;
	c->location = RP_ARM_DEFAULT_LOCATION;
	c->deployment_name = RP_ARM_DEFAULT_DEPLOYMENT;
	c->management_group = RP_ARM_DEFAULT_MANAGEMENT_GROUP;
	c->scope = "resourceGroup";
}

bool rp_arm_is_expression(const char *s, size_t n)
{
	if (!s || n < 3)
		return false;
	return s[0] == '[' && s[n - 1] == ']' && s[1] != '[';
}

/* ---- UTF-16 helpers ---- */

static size_t u8_seq(const unsigned char *s, size_t n, size_t i, unsigned *units)
{
	unsigned char c = s[i];
	size_t len = 1;

	*units = 1;
	if (c >= 0xF0 && c < 0xF8)
		len = 4, *units = 2;
	else if (c >= 0xE0)
		len = 3;
	else if (c >= 0xC0)
		len = 2;
	if (i + len > n)
		len = 1, *units = 1;
	return len;
}

size_t rp_arm_u16_len(const char *s, size_t n)
{
	size_t i = 0, u = 0;

	while (i < n) {
		unsigned k;
		i += u8_seq((const unsigned char *)s, n, i, &k);
		u += k;
	}
	return u;
}

size_t rp_arm_u16_off(const char *s, size_t n, size_t k)
{
	size_t i = 0, u = 0;

	while (i < n && u < k) {
		unsigned w;
		size_t len = u8_seq((const unsigned char *)s, n, i, &w);
		if (u + w > k)
			return SIZE_MAX;
		u += w;
		i += len;
	}
	return u == k ? i : SIZE_MAX;
}

/* ---- diagnostics and results ---- */

rp_span rp_arm_node_span(const rp_arm_ev *ev, const rp_arm_node *nd)
{
	if (!ev->map || !nd)
		return ev->where;
	return rp_arm_srcmap_span(ev->map, nd->off, nd->len);
}

rp_span rp_arm_arg_span(const rp_arm_fcall *c, size_t i)
{
	if (c->node && c->ev && i < c->node->nargs)
		return rp_arm_node_span(c->ev, c->node->args[i]);
	return c->at;
}

int rp_arm_fail(const rp_arm_fcall *c, rp_span sp, int code, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rp_arm_diag(c->env->diag, sp, code == RP_ELIMIT ? "arm-expr-limit" : "arm-expr-eval",
		    "%.*s(): %s", (int)c->namelen, c->name, msg);
	return -code;
}

const char *rp_arm_type_name(const rp_value *v)
{
	if (!v)
		return "Null";
	switch (v->kind) {
	case RP_V_NULL: return "Null";
	case RP_V_BOOL: return "Bool";
	case RP_V_INT: return "Int";
	case RP_V_FLOAT: return "Float";
	case RP_V_STRING: return "String";
	case RP_V_ARRAY: return "Array";
	case RP_V_OBJECT: return "Object";
	default: return "Unknown";
	}
}

int rp_arm_type_error(const rp_arm_fcall *c, size_t i, const char *want)
{
	return rp_arm_fail(c, rp_arm_arg_span(c, i), RP_EINVAL, "argument %zu must be %s, got %s",
			   i + 1, want, rp_arm_type_name(c->args ? c->args[i] : NULL));
}

int rp_arm_ret(rp_arm_fcall *c, rp_value *v, rp_value **out)
{
	(void)c;
	if (!v)
		return -RP_ENOMEM;
	*out = v;
	return 0;
}

int rp_arm_check_size(const rp_arm_fcall *c, size_t n, bool items)
{
	if (items ? n > RP_ARM_MAX_ITEMS : n > RP_ARM_MAX_STRING)
		return rp_arm_fail(c, c->at, RP_ELIMIT, "result too large (%zu %s; limit %zu)", n,
				   items ? "items" : "bytes",
				   items ? (size_t)RP_ARM_MAX_ITEMS : RP_ARM_MAX_STRING);
	return 0;
}

int rp_arm_work(rp_arm_fcall *c, size_t steps)
{
	c->env->work += steps;
	if (c->env->work > RP_ARM_MAX_WORK)
		return rp_arm_fail(c, c->at, RP_ELIMIT,
				   "evaluation takes too many steps (limit %u)", RP_ARM_MAX_WORK);
	return 0;
}

int rp_arm_ret_str(rp_arm_fcall *c, const char *s, size_t n, rp_value **out)
{
	int rc = rp_arm_check_size(c, n, false);

	if (rc)
		return rc;
	return rp_arm_ret(c, rp_value_string(c->a, s, n, c->res), out);
}

int rp_arm_ret_buf(rp_arm_fcall *c, rp_buf *b, rp_value **out)
{
	int rc = rp_arm_ret_str(c, b->data ? b->data : "", b->len, out);

	rp_buf_release(b);
	return rc;
}

int rp_arm_ret_int(rp_arm_fcall *c, int64_t i, rp_value **out)
{
	return rp_arm_ret(c, rp_value_int(c->a, i, c->res), out);
}

int rp_arm_ret_bool(rp_arm_fcall *c, bool b, rp_value **out)
{
	return rp_arm_ret(c, rp_value_bool(c->a, b, c->res), out);
}

int rp_arm_ret_unknown(rp_arm_fcall *c, rp_value **out, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		msg[0] = '\0';
	va_end(ap);
	return rp_arm_ret(c, rp_value_unknown_str(c->a, c->res, msg, strlen(msg)), out);
}

/* The same reason (immutable, in the evaluation's arena or longer lived)
 * is shared, not copied. */
int rp_arm_ret_unk(rp_arm_fcall *c, const rp_value *u, rp_value **out)
{
	return rp_arm_ret(c, rp_value_with(c->a, u, 0, c->res), out);
}

/* ---- argument accessors ---- */

int rp_arm_arg_str(rp_arm_fcall *c, size_t i, const char **s, size_t *n)
{
	rp_value *v = c->args[i];

	if (!rp_value_is(v, RP_V_STRING))
		return rp_arm_type_error(c, i, "a string");
	*s = v->u.s;
	*n = v->len;
	return 0;
}

int rp_arm_arg_int(rp_arm_fcall *c, size_t i, int64_t *out)
{
	rp_value *v = c->args[i];

	if (!rp_value_is(v, RP_V_INT))
		return rp_arm_type_error(c, i, "an integer");
	*out = v->u.i;
	return 0;
}

int rp_arm_arg_bool(rp_arm_fcall *c, size_t i, bool *out)
{
	rp_value *v = c->args[i];

	if (!rp_value_is(v, RP_V_BOOL))
		return rp_arm_type_error(c, i, "a boolean");
	*out = v->u.b;
	return 0;
}

int rp_arm_arg_array(rp_arm_fcall *c, size_t i, rp_value **out)
{
	if (!rp_value_is(c->args[i], RP_V_ARRAY))
		return rp_arm_type_error(c, i, "an array");
	*out = c->args[i];
	return 0;
}

int rp_arm_arg_object(rp_arm_fcall *c, size_t i, rp_value **out)
{
	if (!rp_value_is(c->args[i], RP_V_OBJECT))
		return rp_arm_type_error(c, i, "an object");
	*out = c->args[i];
	return 0;
}

/* ---- string / JSON conversion ---- */

int rp_arm_json(rp_buf *b, const rp_value *v)
{
	char num[64];
	uint32_t i;
	int rc = 0;

	switch (v->kind) {
	case RP_V_NULL: return rp_buf_puts(b, "null");
	case RP_V_BOOL: return rp_buf_puts(b, v->u.b ? "true" : "false");
	case RP_V_INT: return rp_buf_put_i64(b, v->u.i);
	case RP_V_FLOAT:
		if (!isfinite(v->u.f))
			return rp_buf_puts(b, "null");
		rp_json_format_double(num, sizeof(num), v->u.f);
		rc = rp_buf_puts(b, num);
		if (!rc && !strpbrk(num, ".eE"))
			rc = rp_buf_puts(b, ".0");
		return rc;
	case RP_V_STRING: return rp_json_escape(b, v->u.s, v->len);
	case RP_V_ARRAY:
		rc = rp_buf_putc(b, '[');
		for (i = 0; !rc && i < v->len; i++) {
			if (i)
				rc = rp_buf_putc(b, ',');
			if (!rc)
				rc = rp_arm_json(b, v->u.items[i]);
			if (!rc && b->len > RP_ARM_MAX_STRING)
				rc = -RP_ELIMIT;
		}
		return rc ? rc : rp_buf_putc(b, ']');
	case RP_V_OBJECT:
		rc = rp_buf_putc(b, '{');
		for (i = 0; !rc && i < v->len; i++) {
			if (i)
				rc = rp_buf_putc(b, ',');
			if (!rc)
				rc = rp_json_escape(b, v->u.members[i].key, v->u.members[i].keylen);
			if (!rc)
				rc = rp_buf_putc(b, ':');
			if (!rc)
				rc = rp_arm_json(b, v->u.members[i].val);
			if (!rc && b->len > RP_ARM_MAX_STRING)
				rc = -RP_ELIMIT;
		}
		return rc ? rc : rp_buf_putc(b, '}');
	default: return -RP_EINVAL;
	}
}

int rp_arm_stringify(rp_buf *b, const rp_value *v)
{
	char num[64];

	switch (v->kind) {
	case RP_V_NULL: return 0;
	case RP_V_BOOL: return rp_buf_puts(b, v->u.b ? "True" : "False");
	case RP_V_INT: return rp_buf_put_i64(b, v->u.i);
	case RP_V_FLOAT:
		rp_json_format_double(num, sizeof(num), v->u.f);
		return rp_buf_puts(b, num);
	case RP_V_STRING: return rp_buf_append(b, v->u.s, v->len);
	case RP_V_ARRAY:
	case RP_V_OBJECT: return rp_arm_json(b, v);
	default: return -RP_EINVAL;
	}
}

const char *rp_arm_to_string(rp_arena *a, const rp_value *v, size_t *n)
{
	rp_buf b = RP_BUF_INIT;
	char *r = NULL;

	if (!v || rp_value_has_unknown(v))
		return NULL;
	if (rp_arm_stringify(&b, v) == 0) {
		r = rp_arena_strndup(a, b.data ? b.data : "", b.len);
		if (r && n)
			*n = b.len;
	}
	rp_buf_release(&b);
	return r;
}

static rp_value *from_doc(rp_arena *a, rp_json_doc *doc, uint32_t i, rp_span sp)
{
	rp_json_iter it;
	uint32_t k, val, cnt, idx = 0;
	const char *s;
	size_t n;
	int64_t iv;
	double dv;

	switch (rp_json_kind_of(doc, i)) {
	case RP_JSON_NULL: return rp_value_null(a, sp);
	case RP_JSON_TRUE: return rp_value_bool(a, true, sp);
	case RP_JSON_FALSE: return rp_value_bool(a, false, sp);
	case RP_JSON_NUMBER:
		if (rp_json_int64(doc, i, &iv) == 0)
			return rp_value_int(a, iv, sp);
		if (rp_json_double(doc, i, &dv) == 0)
			return rp_value_float(a, dv, sp);
		return NULL;
	case RP_JSON_STRING:
		if (rp_json_str(doc, i, &s, &n))
			return NULL;
		return rp_value_string(a, s, n, sp);
	case RP_JSON_ARRAY: {
		rp_value **items;
		cnt = rp_json_count(doc, i);
		items = rp_arena_alloc(a, (cnt ? cnt : 1) * sizeof(*items));
		if (!items)
			return NULL;
		it = rp_json_iter_begin(doc, i);
		while (rp_json_iter_next(doc, &it, &k, &val) && idx < cnt) {
			if (!(items[idx] = from_doc(a, doc, val, sp)))
				return NULL;
			idx++;
		}
		return rp_value_array_take(a, items, idx, sp);
	}
	case RP_JSON_OBJECT: {
		rp_member *mem;
		cnt = rp_json_count(doc, i);
		mem = rp_arena_alloc(a, (cnt ? cnt : 1) * sizeof(*mem));
		if (!mem)
			return NULL;
		it = rp_json_iter_begin(doc, i);
		while (rp_json_iter_next(doc, &it, &k, &val) && idx < cnt) {
			uint32_t j;
			if (rp_json_str(doc, k, &s, &n) || n > UINT32_MAX)
				return NULL;
			/* duplicate keys: the last one wins, in the first one's place */
			for (j = 0; j < idx; j++)
				if (mem[j].keylen == n && rp_str_ieq(mem[j].key, s, n))
					break;
			if (j == idx) {
				mem[idx].key = rp_arena_strndup(a, s, n);
				if (!mem[idx].key)
					return NULL;
				mem[idx].keylen = (uint32_t)n;
				mem[idx].keyspan = sp;
				idx++;
			}
			if (!(mem[j].val = from_doc(a, doc, val, sp)))
				return NULL;
		}
		return rp_value_object_take(a, mem, idx, sp);
	}
	default: return NULL;
	}
}

/* Newtonsoft.Json (which ARM's json() uses) reads a number that starts
 * with '.' (".25", "-.5") as 0.25 / -0.5; RFC 8259 does not.  Returns a copy
 * of s with a '0' inserted before each such leading dot outside strings (in
 * a), s itself when there is none, or NULL on allocation failure.  Anything
 * else stays strict. */
static const char *json_leading_dots(rp_arena *a, const char *s, size_t *n)
{
	size_t i, extra = 0, j = 0;
	bool str = false, pass;
	char *t = NULL;

	for (pass = false;; pass = true) {
		str = false;
		for (i = 0; i < *n; i++) {
			char ch = s[i];
			if (str) {
				if (ch == '\\' && i + 1 < *n) {
					if (pass) {
						t[j++] = ch;
						t[j++] = s[i + 1];
					}
					i++;
					continue;
				}
				if (ch == '"')
					str = false;
			} else if (ch == '"') {
				str = true;
			} else if (ch == '.' && i + 1 < *n && s[i + 1] >= '0' && s[i + 1] <= '9' &&
				   (i == 0 || s[i - 1] < '0' || s[i - 1] > '9')) {
				if (pass)
					t[j++] = '0';
				else
					extra++;
			}
			if (pass)
				t[j++] = ch;
		}
		if (pass || extra == 0)
			break;
		t = rp_arena_alloc(a, *n + extra + 1);
		if (!t)
			return NULL;
	}
	if (!extra)
		return s;
	t[j] = '\0';
	*n = j;
	return t;
}

int rp_arm_json_parse(rp_arena *a, const char *s, size_t n, rp_span sp, rp_value **out)
{
	rp_source *src = NULL;
	rp_json_doc *doc = NULL;
	int rc;

	s = json_leading_dots(a, s, &n);
	if (!s)
		return -RP_ENOMEM;
	rc = rp_source_from_memory("json()", s, n, &src);
	if (rc)
		goto out;
	rc = rp_json_parse(src, RP_JSON_STRICT, &doc, NULL);
	if (rc)
		goto out;
	*out = from_doc(a, doc, rp_json_root(doc), sp);
	rc = *out ? 0 : -RP_ENOMEM;
out:
	rp_json_doc_free(doc);
	rp_source_free(src);
	return rc;
}

int rp_arm_truth(rp_arm_env *env, const rp_value *v, rp_span at, int *truth)
{
	if (v && v->kind == RP_V_UNKNOWN) {
		*truth = -1;
		return 0;
	}
	if (v && v->kind == RP_V_BOOL) {
		*truth = v->u.b ? 1 : 0;
		return 0;
	}
	if (v && v->kind == RP_V_STRING) {
		if (v->len == 4 && rp_str_ieq(v->u.s, "true", 4)) {
			*truth = 1;
			return 0;
		}
		if (v->len == 5 && rp_str_ieq(v->u.s, "false", 5)) {
			*truth = 0;
			return 0;
		}
	}
	rp_arm_diag(env->diag, at, "arm-expr-eval", "a condition must be a boolean, got %s",
		    rp_arm_type_name(v));
	return -RP_EINVAL;
}

/* ---- evaluation ---- */

static int eval_fail(rp_arm_ev *ev, const rp_arm_node *nd, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int eval_fail(rp_arm_ev *ev, const rp_arm_node *nd, int code, const char *fmt, ...)
{
	va_list ap;
	rp_span sp = rp_arm_node_span(ev, nd);

	va_start(ap, fmt);
	rp_diag_vadd(ev->env->diag, RP_DIAG_ERROR,
		     code == RP_ELIMIT ? "arm-expr-limit" : "arm-expr-eval", sp.src, sp.off,
		     (size_t)sp.off + sp.len, fmt, ap);
	va_end(ap);
	return -code;
}

static int eval_call(rp_arm_ev *ev, const rp_arm_node *nd, rp_value **out);

static int eval_prop(rp_arm_ev *ev, const rp_arm_node *nd, rp_value **out)
{
	rp_value *t, *r;
	int rc = rp_arm_eval_node(ev, nd->args[0], &t);

	if (rc)
		return rc;
	if (t->kind == RP_V_UNKNOWN) {
		*out = t;
		return 0;
	}
	if (t->kind == RP_V_NULL && nd->safe) {
		*out = t;
		return 0;
	}
	if (t->kind != RP_V_OBJECT)
		return eval_fail(ev, nd, RP_EINVAL,
				 "property '%.*s' cannot be read from a value of type %s",
				 (int)nd->n, nd->text, rp_arm_type_name(t));
	r = rp_value_get(t, nd->text, nd->n);
	if (!r) {
		if (nd->safe) {
			*out = rp_value_null(ev->env->arena, ev->where);
			return *out ? 0 : -RP_ENOMEM;
		}
		return eval_fail(ev, nd, RP_EINVAL, "the object has no property '%.*s'", (int)nd->n,
				 nd->text);
	}
	*out = r;
	return 0;
}

static int eval_index(rp_arm_ev *ev, const rp_arm_node *nd, rp_value **out)
{
	rp_value *t, *ix, *r = NULL;
	int rc = rp_arm_eval_node(ev, nd->args[0], &t);

	if (rc)
		return rc;
	rc = rp_arm_eval_node(ev, nd->args[1], &ix);
	if (rc)
		return rc;
	if (t->kind == RP_V_UNKNOWN) {
		*out = t;
		return 0;
	}
	if (t->kind == RP_V_NULL && nd->safe) {
		*out = t;
		return 0;
	}
	if (ix->kind == RP_V_UNKNOWN) {
		*out = ix;
		return 0;
	}
	if (t->kind == RP_V_ARRAY) {
		if (ix->kind != RP_V_INT)
			return eval_fail(ev, nd->args[1], RP_EINVAL,
					 "an array index must be an integer, got %s",
					 rp_arm_type_name(ix));
		if (ix->u.i < 0 || ix->u.i >= (int64_t)t->len) {
			if (nd->safe)
				goto null;
			return eval_fail(ev, nd->args[1], RP_EINVAL,
					 "index %lld is out of range (array length %u)",
					 (long long)ix->u.i, t->len);
		}
		*out = t->u.items[ix->u.i];
		return 0;
	}
	if (t->kind == RP_V_OBJECT) {
		if (ix->kind != RP_V_STRING)
			return eval_fail(ev, nd->args[1], RP_EINVAL,
					 "an object index must be a string, got %s",
					 rp_arm_type_name(ix));
		r = rp_value_get(t, ix->u.s, ix->len);
		if (!r) {
			if (nd->safe)
				goto null;
			return eval_fail(ev, nd->args[1], RP_EINVAL,
					 "the object has no property '%.*s'",
					 (int)(ix->len > 80 ? 80 : ix->len), ix->u.s);
		}
		*out = r;
		return 0;
	}
	return eval_fail(ev, nd, RP_EINVAL, "a value of type %s cannot be indexed",
			 rp_arm_type_name(t));
null:
	*out = rp_value_null(ev->env->arena, ev->where);
	return *out ? 0 : -RP_ENOMEM;
}

int rp_arm_eval_node(rp_arm_ev *ev, const rp_arm_node *nd, rp_value **out)
{
	rp_arena *a = ev->env->arena;
	int rc;

	if (++ev->env->work > RP_ARM_MAX_WORK)
		return eval_fail(ev, nd, RP_ELIMIT, "evaluation takes too many steps (limit %u)",
				 RP_ARM_MAX_WORK);
	if (ev->depth >= 4 * RP_ARM_MAX_NESTING)
		return eval_fail(ev, nd, RP_ELIMIT, "evaluation nested too deeply (limit %u)",
				 4 * RP_ARM_MAX_NESTING);
	ev->depth++;
	switch (nd->kind) {
	case RP_ARM_N_STRING:
		*out = rp_value_string_borrow(a, nd->text, nd->n, ev->where);
		rc = *out ? 0 : -RP_ENOMEM;
		break;
	case RP_ARM_N_INT:
		*out = rp_value_int(a, nd->ival, ev->where);
		rc = *out ? 0 : -RP_ENOMEM;
		break;
	case RP_ARM_N_BOOL:
		*out = rp_value_bool(a, nd->ival != 0, ev->where);
		rc = *out ? 0 : -RP_ENOMEM;
		break;
	case RP_ARM_N_NULL:
		*out = rp_value_null(a, ev->where);
		rc = *out ? 0 : -RP_ENOMEM;
		break;
	case RP_ARM_N_CALL: rc = eval_call(ev, nd, out); break;
	case RP_ARM_N_PROP: rc = eval_prop(ev, nd, out); break;
	case RP_ARM_N_INDEX: rc = eval_index(ev, nd, out); break;
	default: rc = -RP_EINTERNAL; break;
	}
	ev->depth--;
	return rc;
}

static bool top_unknown(rp_value **args, size_t n, const rp_value **u)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (args[i]->kind == RP_V_UNKNOWN) {
			*u = args[i];
			return true;
		}
	return false;
}

static bool deep_unknown(rp_value **args, size_t n, const rp_value **u)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((*u = rp_value_find_unknown(args[i])) != NULL)
			return true;
	return false;
}

/* Runs a table function on evaluated args (or raw, for RAW functions). */
static int invoke(rp_arm_fcall *c, const rp_arm_fdef *f, rp_value **out)
{
	const rp_value *u;

	if (c->nargs < f->info.min_args ||
	    (f->info.max_args != RP_ARM_VARIADIC && c->nargs > f->info.max_args)) {
		if (f->info.min_args == f->info.max_args)
			return rp_arm_fail(c, c->at, RP_EINVAL, "expects %u argument%s, got %zu",
					   f->info.min_args, f->info.min_args == 1 ? "" : "s",
					   c->nargs);
		if (f->info.max_args == RP_ARM_VARIADIC)
			return rp_arm_fail(
				c, c->at, RP_EINVAL, "expects at least %u argument%s, got %zu",
				f->info.min_args, f->info.min_args == 1 ? "" : "s", c->nargs);
		return rp_arm_fail(c, c->at, RP_EINVAL, "expects %u to %u arguments, got %zu",
				   f->info.min_args, f->info.max_args, c->nargs);
	}
	if (!(f->flags & (RP_ARM_F_RAW | RP_ARM_F_UNK_OK))) {
		bool unk = (f->flags & RP_ARM_F_TOP_UNK) ? top_unknown(c->args, c->nargs, &u)
							 : deep_unknown(c->args, c->nargs, &u);
		if (unk)
			return rp_arm_ret_unk(c, u, out);
	}
	return f->impl(c, out);
}

static int eval_call(rp_arm_ev *ev, const rp_arm_node *nd, rp_value **out)
{
	rp_arm_env *env = ev->env;
	const rp_arm_fdef *f = NULL;
	rp_arm_fcall c;
	rp_value **args = NULL;
	size_t i;
	int rc;

	memset(&c, 0, sizeof(c));
	c.ev = ev;
	c.env = env;
	c.a = env->arena;
	c.name = nd->text;
	c.namelen = nd->n;
	c.at = rp_arm_node_span(ev, nd);
	c.res = ev->where;
	c.node = nd;
	c.nargs = nd->nargs;
	if (!nd->ns) {
		f = nd->fdef;
		if (!f)
			return eval_fail(ev, nd, RP_EINVAL, "unknown function '%.*s'",
					 (int)(nd->n > 80 ? 80 : nd->n), nd->text);
		if (f->flags & RP_ARM_F_RAW)
			return invoke(&c, f, out);
		/* parameters('name') and variables('name'), the commonest calls:
		 * the literal argument is handed over as a value on the stack
		 * (the two functions read only its text and keep nothing of
		 * it), with the work and depth checks of evaluating it */
		if (nd->nargs == 1 && nd->args[0]->kind == RP_ARM_N_STRING &&
		    (f->impl == rp_arm_fn_parameters || f->impl == rp_arm_fn_variables)) {
			rp_value lit, *one = &lit;
			if (++env->work > RP_ARM_MAX_WORK)
				return eval_fail(ev, nd->args[0], RP_ELIMIT,
						 "evaluation takes too many steps (limit %u)",
						 RP_ARM_MAX_WORK);
			if (ev->depth >= 4 * RP_ARM_MAX_NESTING)
				return eval_fail(ev, nd->args[0], RP_ELIMIT,
						 "evaluation nested too deeply (limit %u)",
						 4 * RP_ARM_MAX_NESTING);
			memset(&lit, 0, sizeof(lit));
			lit.kind = RP_V_STRING;
			lit.u.s = nd->args[0]->text;
			lit.len = (uint32_t)nd->args[0]->n;
			lit.span = ev->where;
			c.args = &one;
			return invoke(&c, f, out);
		}
	}
	if (nd->nargs) {
		args = rp_arena_alloc(env->arena, nd->nargs * sizeof(*args));
		if (!args)
			return -RP_ENOMEM;
		for (i = 0; i < nd->nargs; i++) {
			rc = rp_arm_eval_node(ev, nd->args[i], &args[i]);
			if (rc)
				return rc;
		}
	}
	c.args = args;
	if (nd->ns) {
		if (!env->user_function)
			return eval_fail(ev, nd, RP_EINVAL,
					 "user-defined function '%.*s.%.*s' is not available here",
					 (int)nd->nsn, nd->ns, (int)nd->n, nd->text);
		if (env->depth >= RP_ARM_MAX_CALL_DEPTH)
			return eval_fail(ev, nd, RP_ELIMIT,
					 "user-defined functions nested too deeply (limit %u)",
					 RP_ARM_MAX_CALL_DEPTH);
		env->depth++;
		rc = env->user_function(env, nd->ns, nd->nsn, nd->text, nd->n, args, nd->nargs,
					c.at, out);
		env->depth--;
		return rc;
	}
	return invoke(&c, f, out);
}

int rp_arm_call(rp_arm_env *env, const char *name, rp_value **args, size_t nargs, rp_span at,
		rp_value **out)
{
	const rp_arm_fdef *f;
	rp_arm_ev ev;
	rp_arm_fcall c;
	size_t n = name ? strlen(name) : 0;

	memset(&ev, 0, sizeof(ev));
	ev.env = env;
	ev.where = at;
	memset(&c, 0, sizeof(c));
	c.ev = &ev;
	c.env = env;
	c.a = env->arena;
	c.name = name ? name : "";
	c.namelen = n;
	c.at = at;
	c.res = at;
	c.args = args;
	c.nargs = nargs;
	if (env->depth == 0)
		env->work = 0;
	f = rp_arm_fdef_find(name, n);
	if (!f) {
		rp_arm_diag(env->diag, at, "arm-expr-eval", "unknown function '%.*s'",
			    (int)(n > 80 ? 80 : n), c.name);
		return -RP_EINVAL;
	}
	if (f->flags & RP_ARM_F_RAW) {
		/* lazy functions on evaluated args: emulate */
		if (f->impl == rp_arm_fn_if || f->impl == rp_arm_fn_and ||
		    f->impl == rp_arm_fn_or || f->impl == rp_arm_fn_coalesce) {
			return invoke(&c, f, out);
		}
		return rp_arm_fail(&c, at, RP_EINVAL, "cannot be called without an expression");
	}
	return invoke(&c, f, out);
}

int rp_arm_raw_arg(rp_arm_fcall *c, size_t i, rp_value **out)
{
	if (!c->node) {
		*out = c->args[i];
		return 0;
	}
	return rp_arm_eval_node(c->ev, c->node->args[i], out);
}

void rp_arm_expr_cache_init(rp_arm_expr_cache *c, rp_arena *a)
{
	memset(c, 0, sizeof(*c));
	c->arena = a;
}

void rp_arm_expr_cache_release(rp_arm_expr_cache *c)
{
	free(c->slots);
	free(c->strs);
	memset(c, 0, sizeof(*c));
}

/* Hash of an expression text, 8 bytes per step (texts are short: a byte
 * at a time costs more than the lookup saves). */
static uint32_t text_hash(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15u ^ n, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDu;
		h ^= h >> 32;
	}
	if (i < n) {
		w = 0;
		memcpy(&w, s + i, n - i);
		h = (h ^ w) * 0xFF51AFD7ED558CCDu;
	}
	h ^= h >> 29;
	h *= 0xC4CEB9FE1A85EC53u;
	return (uint32_t)(h ^ (h >> 32));
}

static rp_arm_expr_slot *slot_find(rp_arm_expr_slot *slots, size_t nslots, const char *s, size_t n,
				   uint32_t h)
{
	size_t mask = nslots - 1, i = h & mask;
	rp_arm_expr_slot *e;

	for (;; i = (i + 1) & mask) {
		e = &slots[i];
		if (!e->text || (e->hash == h && e->n == n && memcmp(e->text, s, n) == 0))
			return e;
	}
}

static rp_arm_expr_slot *cache_find(const rp_arm_expr_cache *c, const char *s, size_t n, uint32_t h)
{
	return slot_find(c->slots, c->nslots, s, n, h);
}

/* Doubles the open-addressing table *slots of *nslots entries. */
static int slots_grow(rp_arm_expr_slot **slotsp, size_t *nslots)
{
	size_t ns = *nslots ? *nslots * 2 : 64, i, j;
	rp_arm_expr_slot *slots = calloc(ns, sizeof(*slots)), *old = *slotsp;

	if (!slots)
		return -RP_ENOMEM;
	for (i = 0; i < *nslots; i++) {
		if (!old[i].text)
			continue;
		for (j = old[i].hash & (ns - 1); slots[j].text; j = (j + 1) & (ns - 1))
			;
		slots[j] = old[i];
	}
	free(old);
	*slotsp = slots;
	*nslots = ns;
	return 0;
}

static int cache_grow(rp_arm_expr_cache *c)
{
	return slots_grow(&c->slots, &c->nslots);
}

const char *rp_arm_intern(rp_arm_expr_cache *c, const char *s, size_t n)
{
	rp_arm_expr_slot *e;
	uint32_t h;
	char *text;

	if (n > UINT32_MAX || c->strcount >= RP_ARM_EXPR_CACHE_MAX)
		return rp_arena_strndup(c->arena, s, n);
	if (2 * (c->strcount + 1) > c->nstrs && slots_grow(&c->strs, &c->nstrs) < 0)
		return NULL;
	h = text_hash(s, n);
	e = slot_find(c->strs, c->nstrs, s, n, h);
	if (e->text)
		return e->text;
	text = rp_arena_strndup(c->arena, s, n);
	if (!text)
		return NULL;
	e->text = text;
	e->n = (uint32_t)n;
	e->hash = h;
	c->strcount++;
	return text;
}

/* The AST of s[0..n) from the cache, or parsed from an arena copy of the
 * text (the AST points into the text) and kept.  The source map is the
 * occurrence's own: node offsets are relative to the text, so the same AST
 * maps to each occurrence's bytes. */
static int cached_parse(rp_arm_expr_cache *c, rp_diag *diag, const char *s, size_t n,
			const rp_arm_srcmap *map, rp_arm_node **root)
{
	rp_arm_expr_slot *e;
	uint32_t h;
	char *text;
	int rc;

	if (n > UINT32_MAX || c->count >= RP_ARM_EXPR_CACHE_MAX)
		return rp_arm_parse_mapped(c->arena, diag, s, n, map, root);
	if (2 * (c->count + 1) > c->nslots && (rc = cache_grow(c)) < 0)
		return rc;
	h = text_hash(s, n);
	e = cache_find(c, s, n, h);
	if (e->text) {
		*root = e->root;
		return 0;
	}
	text = rp_arena_strndup(c->arena, s, n);
	if (!text)
		return -RP_ENOMEM;
	rc = rp_arm_parse_mapped(c->arena, diag, text, n, map, root);
	if (rc)
		return rc;
	e->text = text;
	e->n = (uint32_t)n;
	e->hash = h;
	e->root = *root;
	c->count++;
	return 0;
}

int rp_arm_eval_string(rp_arm_env *env, const char *s, size_t n, rp_span where, rp_value **out)
{
	rp_arm_srcmap map;
	rp_arm_node *root;
	rp_arm_ev ev;
	rp_value *v;
	int rc;

	*out = NULL;
	if (!rp_arm_is_expression(s, n)) {
		if (n >= 3 && s[0] == '[' && s[1] == '[' && s[n - 1] == ']')
			v = rp_value_string(env->arena, s + 1, n - 1, where);
		else
			v = rp_value_string(env->arena, s, n, where);
		if (!v)
			return -RP_ENOMEM;
		*out = v;
		return 0;
	}
	if (env->depth == 0)
		env->work = 0;
	rp_arm_srcmap_init(&map, env->arena, s, n, where);
	if (env->cache && env->cache->arena == env->arena)
		rc = cached_parse(env->cache, env->diag, s, n, &map, &root);
	else
		rc = rp_arm_parse_mapped(env->arena, env->diag, s, n, &map, &root);
	if (rc)
		return rc;
	memset(&ev, 0, sizeof(ev));
	ev.env = env;
	ev.map = &map;
	ev.where = where;
	ev.frames = env->lambda;
	rc = rp_arm_eval_node(&ev, root, &v);
	if (rc)
		return rc;
	if (v->span.src != where.src || v->span.off != where.off || v->span.len != where.len) {
		v = rp_value_with(env->arena, v, v->flags, where);
		if (!v)
			return -RP_ENOMEM;
	}
	*out = v;
	return 0;
}

static int eval_tree(rp_arm_env *env, const rp_value *v, unsigned depth, rp_value **out)
{
	uint32_t i;
	int rc;

	if (depth > RP_JSON_MAX_DEPTH + 8) {
		rp_arm_diag(env->diag, v->span, "arm-expr-limit", "value nested too deeply");
		return -RP_ELIMIT;
	}
	switch (v->kind) {
	case RP_V_STRING: return rp_arm_eval_string(env, v->u.s, v->len, v->span, out);
	case RP_V_ARRAY: {
		rp_value **items =
			rp_arena_alloc(env->arena, (v->len ? v->len : 1) * sizeof(*items));
		if (!items)
			return -RP_ENOMEM;
		for (i = 0; i < v->len; i++) {
			rc = eval_tree(env, v->u.items[i], depth + 1, &items[i]);
			if (rc)
				return rc;
		}
		*out = rp_value_array_take(env->arena, items, v->len, v->span);
		if (*out)
			(*out)->flags = v->flags;
		return *out ? 0 : -RP_ENOMEM;
	}
	case RP_V_OBJECT: {
		rp_member *mem = rp_arena_alloc(env->arena, (v->len ? v->len : 1) * sizeof(*mem));
		const rp_value *unk = NULL;
		if (!mem)
			return -RP_ENOMEM;
		for (i = 0; i < v->len; i++) {
			const rp_member *m = &v->u.members[i];
			mem[i] = *m;
			if (rp_arm_is_expression(m->key, m->keylen) ||
			    (m->keylen >= 2 && m->key[0] == '[' && m->key[1] == '[')) {
				rp_value *k;
				rc = rp_arm_eval_string(env, m->key, m->keylen, m->keyspan, &k);
				if (rc)
					return rc;
				if (k->kind == RP_V_UNKNOWN) {
					if (!unk)
						unk = k;
				} else if (k->kind != RP_V_STRING) {
					rp_arm_diag(env->diag, m->keyspan, "arm-expr-eval",
						    "a property name must be a string, got %s",
						    rp_arm_type_name(k));
					return -RP_EINVAL;
				} else {
					mem[i].key = k->u.s;
					mem[i].keylen = k->len;
				}
			}
			rc = eval_tree(env, m->val, depth + 1, &mem[i].val);
			if (rc)
				return rc;
		}
		if (unk) {
			*out = rp_value_unknown(env->arena, v->span, "property name depends on: %s",
						unk->u.reason);
			return *out ? 0 : -RP_ENOMEM;
		}
		*out = rp_value_object_take(env->arena, mem, v->len, v->span);
		if (*out)
			(*out)->flags = v->flags;
		return *out ? 0 : -RP_ENOMEM;
	}
	default: *out = (rp_value *)v; return 0;
	}
}

int rp_arm_eval_value(rp_arm_env *env, const rp_value *v, rp_value **out)
{
	*out = NULL;
	if (!v)
		return -RP_EINVAL;
	return eval_tree(env, v, 0, out);
}

/* ---- lambdas ---- */

int rp_arm_lambda_call(rp_arm_fcall *c, const rp_arm_node *lam, rp_value **vals, size_t nvals,
		       rp_value **out)
{
	rp_arm_lambda_frame fr;
	rp_arm_ev *ev = c->ev;
	size_t i, nparams;
	int rc;

	memset(&fr, 0, sizeof(fr));
	nparams = lam->nargs - 1;
	if (nparams > 3)
		nparams = 3;
	for (i = 0; i < nparams; i++) {
		fr.names[i] = lam->args[i]->text;
		fr.lens[i] = lam->args[i]->n;
		fr.vals[i] = i < nvals ? vals[i] : NULL;
	}
	fr.n = nparams < nvals ? nparams : nvals;
	fr.up = ev->frames;
	ev->frames = &fr;
	rc = rp_arm_eval_node(ev, lam->args[lam->nargs - 1], out);
	ev->frames = fr.up;
	return rc;
}
