/* functions_array.c: ARM array and object functions
 * (template-functions-array, template-functions-object): array,
 * createArray, createObject, intersection, items, max, min, null,
 * objectKeys, range, shallowMerge, tryGet, tryIndexFromEnd, indexFromEnd,
 * union.  (concat, contains, empty, first, last, indexOf, lastIndexOf,
 * length, skip, take and json are in functions_string.c.)
 *
 * Object members keep insertion order; union/intersection/shallowMerge
 * follow the reference: later objects' values win, union of arrays keeps
 * first occurrences in order, intersection keeps the first argument's
 * order.  items() sorts by key (ordinal, case-insensitive as ARM's
 * dictionary enumeration) - see docs/arm-functions.md.
 */
#include "ingest/arm/expr_internal.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

RP_ARM_FN(array)
{
	const rp_value *v = c->args[0];

	if (v->kind == RP_V_ARRAY) {
		*out = c->args[0];
		return 0;
	}
	return rp_arm_ret(c, rp_value_array(c->a, c->args, 1, c->res), out);
}

RP_ARM_FN(createArray)
{
	return rp_arm_ret(c, rp_value_array(c->a, c->args, c->nargs, c->res), out);
}

RP_ARM_FN(createObject)
{
	rp_member *mem;
	size_t i, k = 0;

	if (c->nargs % 2)
		return rp_arm_fail(c, c->at, RP_EINVAL,
				   "expects an even number of arguments (key, value pairs)");
	mem = rp_arena_calloc(c->a, c->nargs / 2 + 1, sizeof(*mem));
	if (!mem)
		return -RP_ENOMEM;
	for (i = 0; i < c->nargs; i += 2) {
		const rp_value *kv = c->args[i];
		size_t j;
		if (kv->kind == RP_V_UNKNOWN)
			return rp_arm_ret_unk(c, kv, out);
		if (kv->kind != RP_V_STRING)
			return rp_arm_type_error(c, i, "a string (a property name)");
		for (j = 0; j < k; j++)
			if (mem[j].keylen == kv->len && rp_str_ieq(mem[j].key, kv->u.s, kv->len))
				break;
		if (j == k) {
			mem[k].key = kv->u.s;
			mem[k].keylen = kv->len;
			mem[k].keyspan = c->res;
			k++;
		}
		mem[j].val = c->args[i + 1];
	}
	return rp_arm_ret(c, rp_value_object(c->a, mem, k, c->res), out);
}

RP_ARM_FN(null)
{
	return rp_arm_ret(c, rp_value_null(c->a, c->res), out);
}

/* Members of objects merged left to right: later values replace earlier
 * ones in place (ARM's union/shallowMerge).  deep: union merges nested
 * objects recursively? No: the reference's union example replaces values
 * ("three": "c" then "three": "d"), but nested objects ARE merged deeply
 * for union (documented: "union ... merges nested objects").  */
static int merge_objects(rp_arm_fcall *c, rp_value **objs, size_t nobjs, bool deep, unsigned depth,
			 rp_value **out)
{
	rp_member *mem;
	size_t total = 0, i, k = 0;
	uint32_t m;

	if (depth > 64)
		return rp_arm_fail(c, c->at, RP_ELIMIT, "objects nested too deeply");
	for (i = 0; i < nobjs; i++)
		total += objs[i]->len;
	if (rp_arm_check_size(c, total, true) ||
	    rp_arm_work(c, total * (total < 4096 ? total : 4096)))
		return -RP_ELIMIT;
	mem = rp_arena_calloc(c->a, total + 1, sizeof(*mem));
	if (!mem)
		return -RP_ENOMEM;
	for (i = 0; i < nobjs; i++) {
		for (m = 0; m < objs[i]->len; m++) {
			const rp_member *src = &objs[i]->u.members[m];
			size_t j;
			for (j = 0; j < k; j++)
				if (mem[j].keylen == src->keylen &&
				    rp_str_ieq(mem[j].key, src->key, src->keylen))
					break;
			if (j == k) {
				mem[k++] = *src;
				continue;
			}
			if (deep && mem[j].val->kind == RP_V_OBJECT &&
			    src->val->kind == RP_V_OBJECT) {
				rp_value *pair[2] = { mem[j].val, src->val }, *merged;
				int rc = merge_objects(c, pair, 2, true, depth + 1, &merged);
				if (rc)
					return rc;
				mem[j].val = merged;
			} else {
				mem[j].val = src->val;
			}
		}
	}
	return rp_arm_ret(c, rp_value_object(c->a, mem, k, c->res), out);
}

static bool in_list(rp_value **items, size_t n, const rp_value *v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rp_value_equal(items[i], v))
			return true;
	return false;
}

RP_ARM_FN(union)
{
	size_t i, total = 0, k = 0;
	rp_value **items;
	uint32_t j;
	rp_vkind kind = (rp_vkind)c->args[0]->kind;

	if (kind != RP_V_ARRAY && kind != RP_V_OBJECT)
		return rp_arm_type_error(c, 0, "an array or an object");
	for (i = 0; i < c->nargs; i++) {
		if (c->args[i]->kind != kind)
			return rp_arm_type_error(c, i,
						 kind == RP_V_ARRAY ? "an array" : "an object");
		total += c->args[i]->len;
	}
	if (kind == RP_V_OBJECT)
		return merge_objects(c, c->args, c->nargs, true, 0, out);
	if (rp_arm_check_size(c, total, true) ||
	    rp_arm_work(c, total * (total < 4096 ? total : 4096)))
		return -RP_ELIMIT;
	items = rp_arena_alloc(c->a, (total + 1) * sizeof(*items));
	if (!items)
		return -RP_ENOMEM;
	for (i = 0; i < c->nargs; i++)
		for (j = 0; j < c->args[i]->len; j++)
			if (!in_list(items, k, c->args[i]->u.items[j]))
				items[k++] = c->args[i]->u.items[j];
	return rp_arm_ret(c, rp_value_array(c->a, items, k, c->res), out);
}

RP_ARM_FN(intersection)
{
	size_t i, k = 0;
	uint32_t j;
	rp_vkind kind = (rp_vkind)c->args[0]->kind;
	const rp_value *first = c->args[0];

	if (kind != RP_V_ARRAY && kind != RP_V_OBJECT)
		return rp_arm_type_error(c, 0, "an array or an object");
	for (i = 1; i < c->nargs; i++)
		if (c->args[i]->kind != kind)
			return rp_arm_type_error(c, i,
						 kind == RP_V_ARRAY ? "an array" : "an object");
	if (rp_arm_work(c, (size_t)first->len * c->nargs * 64))
		return -RP_ELIMIT;
	if (kind == RP_V_ARRAY) {
		rp_value **items = rp_arena_alloc(c->a, (first->len + 1) * sizeof(*items));
		if (!items)
			return -RP_ENOMEM;
		for (j = 0; j < first->len; j++) {
			const rp_value *v = first->u.items[j];
			bool all = !in_list(items, k, v);
			for (i = 1; all && i < c->nargs; i++)
				all = in_list(c->args[i]->u.items, c->args[i]->len, v);
			if (all)
				items[k++] = first->u.items[j];
		}
		return rp_arm_ret(c, rp_value_array(c->a, items, k, c->res), out);
	} else {
		rp_member *mem = rp_arena_alloc(c->a, (first->len + 1) * sizeof(*mem));
		if (!mem)
			return -RP_ENOMEM;
		for (j = 0; j < first->len; j++) {
			const rp_member *m = &first->u.members[j];
			bool all = true;
			for (i = 1; all && i < c->nargs; i++) {
				const rp_value *o = rp_value_get(c->args[i], m->key, m->keylen);
				all = o && rp_value_equal(o, m->val);
			}
			if (all)
				mem[k++] = *m;
		}
		return rp_arm_ret(c, rp_value_object(c->a, mem, k, c->res), out);
	}
}

RP_ARM_FN(shallowMerge)
{
	rp_value *arr;
	uint32_t i;
	int rc = rp_arm_arg_array(c, 0, &arr);

	if (rc)
		return rc;
	for (i = 0; i < arr->len; i++) {
		if (arr->u.items[i]->kind == RP_V_UNKNOWN)
			return rp_arm_ret_unk(c, arr->u.items[i], out);
		if (arr->u.items[i]->kind != RP_V_OBJECT)
			return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EINVAL,
					   "element %u must be an object, got %s", i,
					   rp_arm_type_name(arr->u.items[i]));
	}
	return merge_objects(c, arr->u.items, arr->len, false, 0, out);
}

static int cmp_members(const void *a, const void *b)
{
	const rp_member *x = a, *y = b;
	size_t n = x->keylen < y->keylen ? x->keylen : y->keylen, i;

	for (i = 0; i < n; i++) {
		unsigned char p = (unsigned char)x->key[i], q = (unsigned char)y->key[i];
		if (p >= 'A' && p <= 'Z')
			p = (unsigned char)(p + 32);
		if (q >= 'A' && q <= 'Z')
			q = (unsigned char)(q + 32);
		if (p != q)
			return p < q ? -1 : 1;
	}
	return x->keylen < y->keylen ? -1 : x->keylen > y->keylen;
}

RP_ARM_FN(items)
{
	rp_value *obj, **items;
	rp_member *sorted;
	uint32_t i;
	int rc = rp_arm_arg_object(c, 0, &obj);

	if (rc)
		return rc;
	sorted = rp_arena_alloc(c->a, (obj->len + 1) * sizeof(*sorted));
	items = rp_arena_alloc(c->a, (obj->len + 1) * sizeof(*items));
	if (!sorted || !items)
		return -RP_ENOMEM;
	if (obj->len)
		memcpy(sorted, obj->u.members, obj->len * sizeof(*sorted));
	qsort(sorted, obj->len, sizeof(*sorted), cmp_members);
	for (i = 0; i < obj->len; i++) {
		rp_member kv[2];
		memset(kv, 0, sizeof(kv));
		kv[0].key = "key";
		kv[0].keylen = 3;
		kv[0].keyspan = c->res;
		kv[0].val = rp_value_string_borrow(c->a, sorted[i].key, sorted[i].keylen, c->res);
		kv[1].key = "value";
		kv[1].keylen = 5;
		kv[1].keyspan = c->res;
		kv[1].val = sorted[i].val;
		if (!kv[0].val || !(items[i] = rp_value_object(c->a, kv, 2, c->res)))
			return -RP_ENOMEM;
	}
	return rp_arm_ret(c, rp_value_array(c->a, items, obj->len, c->res), out);
}

RP_ARM_FN(objectKeys)
{
	rp_value *obj, **items;
	uint32_t i;
	int rc = rp_arm_arg_object(c, 0, &obj);

	if (rc)
		return rc;
	items = rp_arena_alloc(c->a, (obj->len + 1) * sizeof(*items));
	if (!items)
		return -RP_ENOMEM;
	for (i = 0; i < obj->len; i++)
		if (!(items[i] = rp_value_string_borrow(c->a, obj->u.members[i].key,
							obj->u.members[i].keylen, c->res)))
			return -RP_ENOMEM;
	return rp_arm_ret(c, rp_value_array(c->a, items, obj->len, c->res), out);
}

static int min_max(rp_arm_fcall *c, bool want_max, rp_value **out)
{
	rp_value **vals = c->args;
	size_t n = c->nargs, i;
	const rp_value *best = NULL;

	if (n == 1 && vals[0]->kind == RP_V_ARRAY) {
		n = vals[0]->len;
		vals = vals[0]->u.items;
		if (n == 0)
			return rp_arm_fail(c, rp_arm_arg_span(c, 0), RP_EINVAL,
					   "the array must not be empty");
	}
	for (i = 0; i < n; i++) {
		const rp_value *v = vals[i];
		if (v->kind == RP_V_UNKNOWN)
			return rp_arm_ret_unk(c, v, out);
		if (v->kind != RP_V_INT)
			return rp_arm_fail(
				c, c->args == vals ? rp_arm_arg_span(c, i) : rp_arm_arg_span(c, 0),
				RP_EINVAL, "values must be integers, got %s", rp_arm_type_name(v));
		if (!best || (want_max ? v->u.i > best->u.i : v->u.i < best->u.i))
			best = v;
	}
	return rp_arm_ret_int(c, best->u.i, out);
}

RP_ARM_FN(max)
{
	return min_max(c, true, out);
}

RP_ARM_FN(min)
{
	return min_max(c, false, out);
}

RP_ARM_FN(range)
{
	int64_t start, count, i;
	rp_value **items;
	int rc = rp_arm_arg_int(c, 0, &start);

	if (!rc)
		rc = rp_arm_arg_int(c, 1, &count);
	if (rc)
		return rc;
	if (count < 0)
		return rp_arm_fail(c, rp_arm_arg_span(c, 1), RP_EINVAL,
				   "the count must not be negative");
	if (count > (int64_t)RP_ARM_MAX_ITEMS)
		return rp_arm_fail(c, rp_arm_arg_span(c, 1), RP_ELIMIT,
				   "count %lld exceeds the limit of %u items", (long long)count,
				   RP_ARM_MAX_ITEMS);
	if (start > INT64_MAX - count)
		return rp_arm_fail(c, c->at, RP_ERANGE, "integer overflow (64-bit)");
	if (rp_arm_work(c, (size_t)count))
		return -RP_ELIMIT;
	items = rp_arena_alloc(c->a, (size_t)(count + 1) * sizeof(*items));
	if (!items)
		return -RP_ENOMEM;
	for (i = 0; i < count; i++)
		if (!(items[i] = rp_value_int(c->a, start + i, c->res)))
			return -RP_ENOMEM;
	return rp_arm_ret(c, rp_value_array(c->a, items, (size_t)count, c->res), out);
}

/* tryGet(object, key...) / tryGet(array, index...): null when absent. */
RP_ARM_FN(tryGet)
{
	rp_value *cur = c->args[0];
	size_t i;

	for (i = 1; i < c->nargs; i++) {
		const rp_value *k = c->args[i];
		if (cur->kind == RP_V_UNKNOWN)
			return rp_arm_ret_unk(c, cur, out);
		if (k->kind == RP_V_UNKNOWN)
			return rp_arm_ret_unk(c, k, out);
		if (cur->kind == RP_V_OBJECT && k->kind == RP_V_STRING) {
			cur = rp_value_get(cur, k->u.s, k->len);
		} else if (cur->kind == RP_V_ARRAY && k->kind == RP_V_INT) {
			cur = k->u.i >= 0 && k->u.i < (int64_t)cur->len ? cur->u.items[k->u.i]
									: NULL;
		} else if (cur->kind == RP_V_NULL) {
			cur = NULL;
		} else {
			return rp_arm_fail(c, rp_arm_arg_span(c, i), RP_EINVAL,
					   "cannot look up %s in %s", rp_arm_type_name(k),
					   rp_arm_type_name(cur));
		}
		if (!cur)
			return rp_arm_ret(c, rp_value_null(c->a, c->res), out);
	}
	*out = cur;
	return 0;
}

static int from_end(rp_arm_fcall *c, bool try, rp_value **out)
{
	rp_value *arr;
	int64_t k;
	int rc = rp_arm_arg_array(c, 0, &arr);

	if (!rc)
		rc = rp_arm_arg_int(c, 1, &k);
	if (rc)
		return rc;
	if (k < 1 || k > (int64_t)arr->len) {
		if (try)
			return rp_arm_ret(c, rp_value_null(c->a, c->res), out);
		return rp_arm_fail(c, rp_arm_arg_span(c, 1), RP_EINVAL,
				   "index %lld from the end is out of range (array length %u)",
				   (long long)k, arr->len);
	}
	*out = arr->u.items[arr->len - (uint32_t)k];
	return 0;
}

RP_ARM_FN(tryIndexFromEnd)
{
	return from_end(c, true, out);
}

RP_ARM_FN(indexFromEnd)
{
	return from_end(c, false, out);
}
