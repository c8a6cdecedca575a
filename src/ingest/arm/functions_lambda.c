/* functions_lambda.c: ARM lambda functions (template-functions-lambda):
 * filter, groupBy, map, mapValues, reduce, sort, toObject, and the helpers
 * lambda() and lambdaVariables().
 *
 * A lambda is written lambda('x', ['y',] body); inside the body,
 * lambdaVariables('x') reads a parameter.  Lambdas may take an extra index
 * parameter (map, filter: (item, index); reduce: (current, next, index)).
 * An UNKNOWN input array or an UNKNOWN lambda result where the function
 * must decide something (filter's predicate, sort's comparison, a key)
 * makes the whole result UNKNOWN; map/mapValues keep unknown elements.
 */
#include "ingest/arm/expr_internal.h"
#include "util/str.h"

#include <string.h>

static int get_lambda(rp_arm_fcall *c, size_t i, size_t minp, size_t maxp, const rp_arm_node **out)
{
	const rp_arm_node *nd;
	size_t k;

	if (!c->node)
		return rp_arm_fail(c, c->at, RP_EINVAL, "needs a lambda expression argument");
	nd = c->node->args[i];
	if (nd->kind != RP_ARM_N_CALL || nd->ns || nd->n != 6 || !rp_str_ieq(nd->text, "lambda", 6))
		return rp_arm_fail(c, rp_arm_arg_span(c, i), RP_EINVAL,
				   "argument %zu must be a lambda(...) expression", i + 1);
	if (nd->nargs < 2 || nd->nargs - 1 < minp || nd->nargs - 1 > maxp)
		return rp_arm_fail(c, rp_arm_arg_span(c, i), RP_EINVAL,
				   "the lambda must take %zu to %zu parameters", minp, maxp);
	for (k = 0; k + 1 < nd->nargs; k++)
		if (nd->args[k]->kind != RP_ARM_N_STRING)
			return rp_arm_fail(c, rp_arm_node_span(c->ev, nd->args[k]), RP_EINVAL,
					   "lambda parameter names must be string literals");
	*out = nd;
	return 0;
}

static int input_array(rp_arm_fcall *c, size_t i, rp_value **arr, bool *unknown, rp_value **out)
{
	int rc = rp_arm_raw_arg(c, i, arr);

	*unknown = false;
	if (rc)
		return rc;
	if ((*arr)->kind == RP_V_UNKNOWN) {
		*unknown = true;
		return rp_arm_ret_unk(c, *arr, out);
	}
	if ((*arr)->kind != RP_V_ARRAY)
		return rp_arm_fail(c, rp_arm_arg_span(c, i), RP_EINVAL,
				   "argument %zu must be an array, got %s", i + 1,
				   rp_arm_type_name(*arr));
	return rp_arm_work(c, (*arr)->len);
}

static int call1(rp_arm_fcall *c, const rp_arm_node *lam, rp_value *a, size_t idx, rp_value **r)
{
	rp_value *vals[2];

	vals[0] = a;
	vals[1] = rp_value_int(c->a, (int64_t)idx, c->res);
	if (!vals[1])
		return -RP_ENOMEM;
	return rp_arm_lambda_call(c, lam, vals, 2, r);
}

RP_ARM_FN(filter)
{
	const rp_arm_node *lam;
	rp_value *arr, **items;
	bool unk;
	uint32_t i, k = 0;
	int rc = get_lambda(c, 1, 1, 2, &lam);

	if (rc || (rc = input_array(c, 0, &arr, &unk, out)) || unk)
		return rc;
	items = rp_arena_alloc(c->a, (arr->len + 1) * sizeof(*items));
	if (!items)
		return -RP_ENOMEM;
	for (i = 0; i < arr->len; i++) {
		rp_value *r;
		if ((rc = call1(c, lam, arr->u.items[i], i, &r)))
			return rc;
		if (r->kind == RP_V_UNKNOWN)
			return rp_arm_ret_unk(c, r, out);
		if (r->kind != RP_V_BOOL)
			return rp_arm_fail(c, rp_arm_arg_span(c, 1), RP_EINVAL,
					   "the lambda must return a boolean, got %s",
					   rp_arm_type_name(r));
		if (r->u.b)
			items[k++] = arr->u.items[i];
	}
	return rp_arm_ret(c, rp_value_array(c->a, items, k, c->res), out);
}

RP_ARM_FN(map)
{
	const rp_arm_node *lam;
	rp_value *arr, **items;
	bool unk;
	uint32_t i;
	int rc = get_lambda(c, 1, 1, 2, &lam);

	if (rc || (rc = input_array(c, 0, &arr, &unk, out)) || unk)
		return rc;
	items = rp_arena_alloc(c->a, (arr->len + 1) * sizeof(*items));
	if (!items)
		return -RP_ENOMEM;
	for (i = 0; i < arr->len; i++)
		if ((rc = call1(c, lam, arr->u.items[i], i, &items[i])))
			return rc;
	return rp_arm_ret(c, rp_value_array(c->a, items, arr->len, c->res), out);
}

/* Depth of v, walking at most *budget nodes (depth-first, first children
 * first); stops early once the limit is exceeded.  reduce() is the one
 * function that can nest values without bound (each step may wrap the
 * accumulator), and deep values would make later recursive walks
 * (equality, unknown search, JSON) exhaust the stack. */
static unsigned value_depth(const rp_value *v, unsigned limit, size_t *budget)
{
	unsigned best = 0, d;
	uint32_t i, n;

	if (!v || (v->kind != RP_V_ARRAY && v->kind != RP_V_OBJECT) || *budget == 0)
		return 0;
	(*budget)--;
	if (limit == 0)
		return 1;
	n = v->len;
	for (i = 0; i<n && * budget> 0; i++) {
		const rp_value *ch = v->kind == RP_V_ARRAY ? v->u.items[i] : v->u.members[i].val;
		d = value_depth(ch, limit - 1, budget);
		if (d > best)
			best = d;
		if (best >= limit)
			break;
	}
	return best + 1;
}

RP_ARM_FN(reduce)
{
	const rp_arm_node *lam;
	rp_value *arr, *acc;
	bool unk;
	uint32_t i;
	int rc = get_lambda(c, 2, 2, 3, &lam);

	if (rc || (rc = input_array(c, 0, &arr, &unk, out)) || unk)
		return rc;
	if ((rc = rp_arm_raw_arg(c, 1, &acc)))
		return rc;
	for (i = 0; i < arr->len; i++) {
		rp_value *vals[3], *r;
		vals[0] = acc;
		vals[1] = arr->u.items[i];
		vals[2] = rp_value_int(c->a, i, c->res);
		if (!vals[2])
			return -RP_ENOMEM;
		if ((rc = rp_arm_lambda_call(c, lam, vals, 3, &r)))
			return rc;
		if (r->kind == RP_V_ARRAY || r->kind == RP_V_OBJECT) {
			size_t budget = 4 * RP_ARM_MAX_VALUE_DEPTH;
			if (value_depth(r, RP_ARM_MAX_VALUE_DEPTH, &budget) >
			    RP_ARM_MAX_VALUE_DEPTH)
				return rp_arm_fail(
					c, c->at, RP_ELIMIT,
					"the accumulated value is nested more than %u levels",
					RP_ARM_MAX_VALUE_DEPTH);
		}
		acc = r;
	}
	*out = acc;
	return 0;
}

/* Stable merge sort with a lambda "a comes before b" predicate. */
static int sort_cmp(rp_arm_fcall *c, const rp_arm_node *lam, rp_value *a, rp_value *b, bool *before,
		    const rp_value **unk)
{
	rp_value *vals[2] = { a, b }, *r;
	int rc = rp_arm_lambda_call(c, lam, vals, 2, &r);

	if (rc)
		return rc;
	if (r->kind == RP_V_UNKNOWN) {
		*unk = r;
		*before = false;
		return 0;
	}
	if (r->kind != RP_V_BOOL)
		return rp_arm_fail(c, rp_arm_arg_span(c, 1), RP_EINVAL,
				   "the lambda must return a boolean, got %s", rp_arm_type_name(r));
	*before = r->u.b;
	return 0;
}

RP_ARM_FN(sort)
{
	const rp_arm_node *lam;
	rp_value *arr, **a, **tmp;
	const rp_value *u = NULL;
	bool unk;
	size_t n, width, i;
	int rc = get_lambda(c, 1, 2, 2, &lam);

	if (rc || (rc = input_array(c, 0, &arr, &unk, out)) || unk)
		return rc;
	n = arr->len;
	a = rp_arena_alloc(c->a, (n + 1) * sizeof(*a));
	tmp = rp_arena_alloc(c->a, (n + 1) * sizeof(*tmp));
	if (!a || !tmp)
		return -RP_ENOMEM;
	if (n)
		memcpy(a, arr->u.items, n * sizeof(*a));
	for (width = 1; width < n; width *= 2) {
		for (i = 0; i < n; i += 2 * width) {
			size_t lo = i, mid = i + width < n ? i + width : n,
			       hi = i + 2 * width < n ? i + 2 * width : n, l = lo, r = mid, k = lo;
			while (l < mid && r < hi) {
				bool before = false;
				if ((rc = rp_arm_work(c, 1)))
					return rc;
				if ((rc = sort_cmp(c, lam, a[r], a[l], &before, &u)))
					return rc;
				tmp[k++] = before ? a[r++] : a[l++];
			}
			while (l < mid)
				tmp[k++] = a[l++];
			while (r < hi)
				tmp[k++] = a[r++];
		}
		memcpy(a, tmp, n * sizeof(*a));
	}
	if (u)
		return rp_arm_ret_unk(c, u, out);
	return rp_arm_ret(c, rp_value_array(c->a, a, n, c->res), out);
}

/* Finds the member index of key in mem[0..n), or n. */
static size_t find_key(const rp_member *mem, size_t n, const char *k, size_t kn)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (mem[i].keylen == kn && rp_str_ieq(mem[i].key, k, kn))
			return i;
	return n;
}

static int key_of(rp_arm_fcall *c, const rp_arm_node *lam, rp_value *item, size_t idx,
		  rp_value **key, rp_value **out, bool *done)
{
	int rc = call1(c, lam, item, idx, key);

	*done = false;
	if (rc)
		return rc;
	if ((*key)->kind == RP_V_UNKNOWN) {
		*done = true;
		return rp_arm_ret_unk(c, *key, out);
	}
	if ((*key)->kind != RP_V_STRING)
		return rp_arm_fail(c, rp_arm_arg_span(c, 1), RP_EINVAL,
				   "the key lambda must return a string, got %s",
				   rp_arm_type_name(*key));
	return 0;
}

RP_ARM_FN(groupBy)
{
	const rp_arm_node *lam;
	rp_value *arr, ***groups;
	rp_member *mem;
	size_t *counts, n = 0;
	bool unk;
	uint32_t i;
	int rc = get_lambda(c, 1, 1, 1, &lam);

	if (rc || (rc = input_array(c, 0, &arr, &unk, out)) || unk)
		return rc;
	mem = rp_arena_calloc(c->a, arr->len + 1, sizeof(*mem));
	groups = rp_arena_calloc(c->a, arr->len + 1, sizeof(*groups));
	counts = rp_arena_calloc(c->a, arr->len + 1, sizeof(*counts));
	if (!mem || !groups || !counts)
		return -RP_ENOMEM;
	if ((rc = rp_arm_work(c, (size_t)arr->len * (arr->len < 4096 ? arr->len : 4096))))
		return rc;
	for (i = 0; i < arr->len; i++) {
		rp_value *key;
		bool done;
		size_t g;
		if ((rc = key_of(c, lam, arr->u.items[i], i, &key, out, &done)) || done)
			return rc;
		g = find_key(mem, n, key->u.s, key->len);
		if (g == n) {
			mem[n].key = key->u.s;
			mem[n].keylen = key->len;
			mem[n].keyspan = c->res;
			groups[n] = rp_arena_alloc(c->a, (arr->len - i) * sizeof(**groups));
			if (!groups[n])
				return -RP_ENOMEM;
			n++;
		}
		groups[g][counts[g]++] = arr->u.items[i];
	}
	for (i = 0; i < n; i++)
		if (!(mem[i].val = rp_value_array(c->a, groups[i], counts[i], c->res)))
			return -RP_ENOMEM;
	return rp_arm_ret(c, rp_value_object(c->a, mem, n, c->res), out);
}

RP_ARM_FN(toObject)
{
	const rp_arm_node *klam, *vlam = NULL;
	rp_value *arr;
	rp_member *mem;
	size_t n = 0;
	bool unk;
	uint32_t i;
	int rc = get_lambda(c, 1, 1, 1, &klam);

	if (!rc && c->nargs > 2)
		rc = get_lambda(c, 2, 1, 1, &vlam);
	if (rc || (rc = input_array(c, 0, &arr, &unk, out)) || unk)
		return rc;
	mem = rp_arena_calloc(c->a, arr->len + 1, sizeof(*mem));
	if (!mem)
		return -RP_ENOMEM;
	if ((rc = rp_arm_work(c, (size_t)arr->len * (arr->len < 4096 ? arr->len : 4096))))
		return rc;
	for (i = 0; i < arr->len; i++) {
		rp_value *key, *val = arr->u.items[i];
		bool done;
		size_t g;
		if ((rc = key_of(c, klam, arr->u.items[i], i, &key, out, &done)) || done)
			return rc;
		if (vlam && (rc = call1(c, vlam, arr->u.items[i], i, &val)))
			return rc;
		g = find_key(mem, n, key->u.s, key->len);
		if (g == n) {
			mem[n].key = key->u.s;
			mem[n].keylen = key->len;
			mem[n].keyspan = c->res;
			n++;
		}
		mem[g].val = val;
	}
	return rp_arm_ret(c, rp_value_object(c->a, mem, n, c->res), out);
}

RP_ARM_FN(mapValues)
{
	const rp_arm_node *lam;
	rp_value *obj;
	rp_member *mem;
	uint32_t i;
	int rc = get_lambda(c, 1, 1, 1, &lam);

	if (rc || (rc = rp_arm_raw_arg(c, 0, &obj)))
		return rc;
	if (obj->kind == RP_V_UNKNOWN)
		return rp_arm_ret_unk(c, obj, out);
	if (obj->kind != RP_V_OBJECT)
		return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EINVAL,
				   "argument 1 must be an object, got %s", rp_arm_type_name(obj));
	mem = rp_arena_alloc(c->a, (obj->len + 1) * sizeof(*mem));
	if (!mem)
		return -RP_ENOMEM;
	for (i = 0; i < obj->len; i++) {
		mem[i] = obj->u.members[i];
		if ((rc = call1(c, lam, obj->u.members[i].val, i, &mem[i].val)))
			return rc;
	}
	return rp_arm_ret(c, rp_value_object(c->a, mem, obj->len, c->res), out);
}

RP_ARM_FN(lambda)
{
	(void)out;
	return rp_arm_fail(c, c->at, RP_EINVAL,
			   "can only be used as an argument of filter, groupBy, map, mapValues, "
			   "reduce, sort or toObject");
}

RP_ARM_FN(lambdaVariables)
{
	const char *s;
	size_t n, i;
	const rp_arm_lambda_frame *f;
	int rc = rp_arm_arg_str(c, 0, &s, &n);

	if (rc)
		return rc;
	for (f = c->ev ? c->ev->frames : NULL; f; f = f->up)
		for (i = 0; i < f->n; i++)
			if (f->lens[i] == n && rp_str_ieq(f->names[i], s, n) && f->vals[i]) {
				*out = f->vals[i];
				return 0;
			}
	return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EINVAL,
			   "no lambda variable '%.*s' is in scope", (int)(n > 80 ? 80 : n), s);
}
