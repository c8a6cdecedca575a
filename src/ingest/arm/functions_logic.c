/* functions_logic.c: ARM comparison, logical and numeric functions
 * (template-functions-comparison, -logical, -numeric): coalesce, equals,
 * greater, greaterOrEquals, less, lessOrEquals; and, bool, false, if, not,
 * or, true; add, copyIndex, div, float, int, mod, mul, sub.
 *
 * Lazy functions (if, and, or, coalesce) evaluate their arguments
 * themselves.  Unknown rules: and/or short-circuit on a known deciding
 * operand (and(false, ?) = false, or(true, ?) = true); if(?, a, b) is
 * unknown unless a equals b; coalesce returns the first known non-null
 * argument only if no unknown precedes it.  Integer arithmetic is 64-bit
 * and overflow is an error (RP_ERANGE), as is division by zero.
 */
#include "ingest/arm/expr_internal.h"
#include "util/diag.h"
#include "util/str.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* ---- comparison ---- */

RP_ARM_FN(equals)
{
	return rp_arm_ret_bool(c, rp_value_equal(c->args[0], c->args[1]), out);
}

/* Ordinal compare of two strings (UTF-8 byte order equals code point
 * order; .NET ordinal compares UTF-16 units, which differs only for
 * supplementary vs U+E000..U+FFFF characters). */
static int compare(rp_arm_fcall *c, int *cmp)
{
	const rp_value *a = c->args[0], *b = c->args[1];

	if ((a->kind == RP_V_INT || a->kind == RP_V_FLOAT) &&
	    (b->kind == RP_V_INT || b->kind == RP_V_FLOAT)) {
		if (a->kind == RP_V_INT && b->kind == RP_V_INT) {
			*cmp = a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
		} else {
			double x = a->kind == RP_V_INT ? (double)a->u.i : a->u.f;
			double y = b->kind == RP_V_INT ? (double)b->u.i : b->u.f;
			*cmp = x < y ? -1 : x > y;
		}
		return 0;
	}
	if (a->kind == RP_V_STRING && b->kind == RP_V_STRING) {
		size_t n = a->len < b->len ? a->len : b->len;
		int r = memcmp(a->u.s, b->u.s, n);
		*cmp = r < 0 ? -1 : r > 0 ? 1 : a->len < b->len ? -1 : a->len > b->len;
		return 0;
	}
	return rp_arm_fail(c, c->at, RP_EINVAL,
			   "arguments must both be integers or both be strings, got %s and %s",
			   rp_arm_type_name(a), rp_arm_type_name(b));
}

#define CMP_FN(fname, expr)                             \
	RP_ARM_FN(fname)                                \
	{                                               \
		int cmp = 0, rc = compare(c, &cmp);     \
		if (rc)                                 \
			return rc;                      \
		return rp_arm_ret_bool(c, (expr), out); \
	}
CMP_FN(greater, cmp > 0)
CMP_FN(greaterOrEquals, cmp >= 0)
CMP_FN(less, cmp < 0)
CMP_FN(lessOrEquals, cmp <= 0)

RP_ARM_FN(coalesce)
{
	size_t i;
	const rp_value *unk = NULL;

	for (i = 0; i < c->nargs; i++) {
		rp_value *v;
		int rc = rp_arm_raw_arg(c, i, &v);
		if (rc)
			return rc;
		if (v->kind == RP_V_UNKNOWN) {
			if (!unk)
				unk = v;
			continue;
		}
		if (v->kind != RP_V_NULL) {
			if (unk)
				return rp_arm_ret_unk(c, unk, out);
			*out = v;
			return 0;
		}
	}
	if (unk)
		return rp_arm_ret_unk(c, unk, out);
	return rp_arm_ret(c, rp_value_null(c->a, c->res), out);
}

/* ---- logical ---- */

static int logic_arg(rp_arm_fcall *c, size_t i, rp_value **v)
{
	int rc = rp_arm_raw_arg(c, i, v);

	if (rc)
		return rc;
	if ((*v)->kind != RP_V_BOOL && (*v)->kind != RP_V_UNKNOWN) {
		return rp_arm_fail(c, rp_arm_arg_span(c, i), RP_EINVAL,
				   "argument %zu must be a boolean, got %s", i + 1,
				   rp_arm_type_name(*v));
	}
	return 0;
}

static int and_or(rp_arm_fcall *c, bool is_and, rp_value **out)
{
	const rp_value *unk = NULL;
	size_t i;

	for (i = 0; i < c->nargs; i++) {
		rp_value *v;
		int rc = logic_arg(c, i, &v);
		if (rc)
			return rc;
		if (v->kind == RP_V_UNKNOWN) {
			if (!unk)
				unk = v;
			continue;
		}
		if (v->u.b != is_and)
			return rp_arm_ret_bool(c, !is_and, out);
	}
	if (unk)
		return rp_arm_ret_unk(c, unk, out);
	return rp_arm_ret_bool(c, is_and, out);
}

RP_ARM_FN(and)
{
	return and_or(c, true, out);
}

RP_ARM_FN(or)
{
	return and_or(c, false, out);
}

RP_ARM_FN(not )
{
	bool b;
	int rc = rp_arm_arg_bool(c, 0, &b);

	if (rc)
		return rc;
	return rp_arm_ret_bool(c, !b, out);
}

RP_ARM_FN(true)
{
	return rp_arm_ret_bool(c, true, out);
}

RP_ARM_FN(false)
{
	return rp_arm_ret_bool(c, false, out);
}

RP_ARM_FN(bool)
{
	const rp_value *v = c->args[0];

	if (v->kind == RP_V_BOOL)
		return rp_arm_ret_bool(c, v->u.b, out);
	if (v->kind == RP_V_INT)
		return rp_arm_ret_bool(c, v->u.i != 0, out);
	if (v->kind == RP_V_STRING) {
		if (v->len == 4 && rp_str_ieq(v->u.s, "true", 4))
			return rp_arm_ret_bool(c, true, out);
		if (v->len == 5 && rp_str_ieq(v->u.s, "false", 5))
			return rp_arm_ret_bool(c, false, out);
		return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EINVAL,
				   "the string '%.*s' is not 'true' or 'false'",
				   (int)(v->len > 40 ? 40 : v->len), v->u.s);
	}
	return rp_arm_type_error(c, 0, "a string, integer or boolean");
}

/* Evaluates branch i of if() under an unknown condition with the
 * diagnostics diverted: on success they are passed on to the real sink; on
 * an evaluation error (not a resource limit) *failed is set, the first
 * error message is kept in msg and 0 is returned (ARM would never evaluate
 * the branch if the condition selects the other one). */
static int if_branch(rp_arm_fcall *c, size_t i, rp_value **v, bool *failed, char *msg, size_t msgsz)
{
	rp_diag *real = c->env->diag, tmp;
	size_t k;
	int rc;

	*failed = false;
	rp_diag_init(&tmp);
	c->env->diag = &tmp;
	rc = rp_arm_raw_arg(c, i, v);
	c->env->diag = real;
	if (rc && rc != -RP_ENOMEM && rc != -RP_ELIMIT && rc != -RP_EINTERNAL) {
		*failed = true;
		snprintf(msg, msgsz, "an evaluation error");
		for (k = 0; k < tmp.count; k++)
			if (tmp.items[k].level == RP_DIAG_ERROR && tmp.items[k].message) {
				snprintf(msg, msgsz, "%s", tmp.items[k].message);
				break;
			}
		rc = 0;
	} else if (real) {
		for (k = 0; k < tmp.count; k++) {
			const rp_diag_item *it = &tmp.items[k];
			rp_diag_addc(real, it->level, it->code, it->src, it->start, it->end, "%s",
				     it->message ? it->message : "");
		}
	}
	rp_diag_release(&tmp);
	return rc;
}

RP_ARM_FN(if)
{
	rp_value *cond, *a = NULL, *b = NULL;
	bool fa, fb;
	char ma[256], mb[256];
	int rc = rp_arm_raw_arg(c, 0, &cond);

	if (rc)
		return rc;
	if (cond->kind == RP_V_BOOL) {
		/* lazy: only the chosen branch is evaluated (ARM does the same) */
		return rp_arm_raw_arg(c, cond->u.b ? 1 : 2, out);
	}
	if (cond->kind != RP_V_UNKNOWN)
		return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EINVAL,
				   "the condition must be a boolean, got %s",
				   rp_arm_type_name(cond));
	/* Unknown condition: both branches are evaluated, but an error in one
	 * of them is not an error of the template (that branch may never be
	 * taken): the result is UNKNOWN, with the failure in the reason. */
	rc = if_branch(c, 1, &a, &fa, ma, sizeof(ma));
	if (!rc)
		rc = if_branch(c, 2, &b, &fb, mb, sizeof(mb));
	if (rc)
		return rc;
	if (fa || fb)
		return rp_arm_ret_unknown(c, out,
					  "condition unknown (%s) and the %s branch fails: %s",
					  cond->u.reason, fa ? "true" : "false", fa ? ma : mb);
	if (!rp_value_has_unknown(a) && !rp_value_has_unknown(b) && rp_value_equal(a, b) &&
	    a->kind == b->kind) {
		*out = a;
		return 0;
	}
	return rp_arm_ret_unk(c, cond, out);
}

/* ---- numeric ---- */

static int two_ints(rp_arm_fcall *c, int64_t *a, int64_t *b)
{
	int rc = rp_arm_arg_int(c, 0, a);

	return rc ? rc : rp_arm_arg_int(c, 1, b);
}

static int overflow(rp_arm_fcall *c)
{
	return rp_arm_fail(c, c->at, RP_ERANGE, "integer overflow (64-bit)");
}

RP_ARM_FN(add)
{
	int64_t a, b, r;
	int rc = two_ints(c, &a, &b);

	if (rc)
		return rc;
	if (__builtin_add_overflow(a, b, &r))
		return overflow(c);
	return rp_arm_ret_int(c, r, out);
}

RP_ARM_FN(sub)
{
	int64_t a, b, r;
	int rc = two_ints(c, &a, &b);

	if (rc)
		return rc;
	if (__builtin_sub_overflow(a, b, &r))
		return overflow(c);
	return rp_arm_ret_int(c, r, out);
}

RP_ARM_FN(mul)
{
	int64_t a, b, r;
	int rc = two_ints(c, &a, &b);

	if (rc)
		return rc;
	if (__builtin_mul_overflow(a, b, &r))
		return overflow(c);
	return rp_arm_ret_int(c, r, out);
}

RP_ARM_FN(div)
{
	int64_t a, b;
	int rc = two_ints(c, &a, &b);

	if (rc)
		return rc;
	if (b == 0)
		return rp_arm_fail(c, rp_arm_arg_span(c, 1), RP_EINVAL, "division by zero");
	if (a == INT64_MIN && b == -1)
		return overflow(c);
	return rp_arm_ret_int(c, a / b, out);
}

RP_ARM_FN(mod)
{
	int64_t a, b;
	int rc = two_ints(c, &a, &b);

	if (rc)
		return rc;
	if (b == 0)
		return rp_arm_fail(c, rp_arm_arg_span(c, 1), RP_EINVAL, "division by zero");
	if (b == -1)
		return rp_arm_ret_int(c, 0, out);
	return rp_arm_ret_int(c, a % b, out);
}

/* int(): integers, strings of an optionally signed decimal integer, and
 * floats (truncated toward zero, as Convert.ToInt64 rounds: we refuse
 * non-integral floats rather than guess the rounding). */
RP_ARM_FN(int)
{
	const rp_value *v = c->args[0];

	if (v->kind == RP_V_INT)
		return rp_arm_ret_int(c, v->u.i, out);
	if (v->kind == RP_V_FLOAT) {
		if (v->u.f != floor(v->u.f) || !(fabs(v->u.f) < 9.2e18))
			return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EUNSUPPORTED,
					   "conversion of a non-integral number is not modelled");
		return rp_arm_ret_int(c, (int64_t)v->u.f, out);
	}
	if (v->kind == RP_V_STRING) {
		const char *s = v->u.s;
		size_t n = v->len, i = 0;
		bool neg = false;
		uint64_t r = 0, lim;
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			neg = s[i++] == '-';
		lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		if (i >= n)
			goto bad;
		for (; i < n; i++) {
			unsigned d;
			if (s[i] < '0' || s[i] > '9')
				goto bad;
			d = (unsigned)(s[i] - '0');
			if (r > (lim - d) / 10)
				return overflow(c);
			r = r * 10 + d;
		}
		return rp_arm_ret_int(c,
				      neg ? (r == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)r)
					  : (int64_t)r,
				      out);
	bad:
		return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EINVAL, "'%.*s' is not an integer",
				   (int)(v->len > 40 ? 40 : v->len), v->u.s);
	}
	return rp_arm_type_error(c, 0, "a string or an integer");
}

RP_ARM_FN(float)
{
	const rp_value *v = c->args[0];

	if (v->kind == RP_V_INT)
		return rp_arm_ret(c, rp_value_float(c->a, (double)v->u.i, c->res), out);
	if (v->kind == RP_V_FLOAT)
		return rp_arm_ret(c, rp_value_float(c->a, v->u.f, c->res), out);
	if (v->kind == RP_V_STRING) {
		char buf[128];
		char *end;
		double d;
		size_t i;
		if (v->len == 0 || v->len >= sizeof(buf))
			goto bad;
		for (i = 0; i < v->len; i++) {
			char ch = v->u.s[i];
			if (!((ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '+' ||
			      ch == 'e' || ch == 'E'))
				goto bad;
		}
		memcpy(buf, v->u.s, v->len);
		buf[v->len] = '\0';
		d = strtod(buf, &end);
		if (*end || !isfinite(d))
			goto bad;
		return rp_arm_ret(c, rp_value_float(c->a, d, c->res), out);
	}
	return rp_arm_type_error(c, 0, "a string or an integer");
bad:
	return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EINVAL, "'%.*s' is not a number",
			   (int)(v->len > 40 ? 40 : v->len), v->u.s);
}

RP_ARM_FN(copyIndex)
{
	const char *loop = NULL;
	size_t ln = 0, oi = 0;
	int64_t idx, off = 0, r;
	int rc;

	if (c->nargs >= 1 && c->args[0]->kind == RP_V_STRING) {
		loop = c->args[0]->u.s;
		ln = c->args[0]->len;
		oi = 1;
	}
	if (c->nargs > oi) {
		rc = rp_arm_arg_int(c, oi, &off);
		if (rc)
			return rc;
	}
	if (c->nargs > oi + 1)
		return rp_arm_fail(c, c->at, RP_EINVAL, "expects (loopName, offset) at most");
	if (!c->env->copy_index)
		return rp_arm_fail(c, c->at, RP_EINVAL, "can only be used inside a copy loop");
	rc = c->env->copy_index(c->env, loop, ln, c->at, &idx);
	if (rc)
		return rc;
	if (__builtin_add_overflow(idx, off, &r))
		return overflow(c);
	return rp_arm_ret_int(c, r, out);
}
