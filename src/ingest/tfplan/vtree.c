/* vtree.c: a small mutable object tree for assembling ARM resource bodies
 * (tf_int.h), frozen into immutable rp_values once complete.  Paths come
 * from the static mapping tables, so their depth is bounded by the tables;
 * freezing recurses only over nodes built here (leaves are rp_values). */
#include "ingest/tfplan/tf_int.h"
#include "util/error.h"
#include "util/str.h"

#include <string.h>

/* Deepest tree the mapping tables build (object levels). */
#define VT_MAX_DEPTH 32

vt_node *rp_vt_new(rp_arena *a, vt_kind k, rp_span sp)
{
	vt_node *n = rp_arena_calloc(a, 1, sizeof(*n));

	if (n) {
		n->kind = k;
		n->span = sp;
	}
	return n;
}

vt_node *rp_vt_leaf(rp_arena *a, rp_value *v)
{
	vt_node *n = rp_vt_new(a, VT_LEAF, v ? v->span : (rp_span){ NULL, 0, 0 });

	if (n)
		n->leaf = v;
	return n;
}

vt_node *rp_vt_get(vt_node *obj, const char *key)
{
	vt_node *c;
	size_t n = strlen(key);

	if (!obj || obj->kind != VT_OBJ)
		return NULL;
	for (c = obj->first; c; c = c->next)
		if (strlen(c->key) == n && rp_str_ieq(c->key, key, n))
			return c;
	return NULL;
}

void rp_vt_append(vt_node *arr, vt_node *c)
{
	c->next = NULL;
	if (arr->last)
		arr->last->next = c;
	else
		arr->first = c;
	arr->last = c;
	arr->n++;
}

int rp_vt_put(rp_arena *a, vt_node *obj, const char *key, size_t keylen, vt_node *c)
{
	vt_node *p, *prev = NULL;

	c->key = rp_arena_strndup(a, key, keylen);
	if (!c->key)
		return -RP_ENOMEM;
	for (p = obj->first; p; prev = p, p = p->next) {
		if (strlen(p->key) == keylen && rp_str_ieq(p->key, key, keylen)) {
			/* replace in place, keeping the member order */
			c->next = p->next;
			if (prev)
				prev->next = c;
			else
				obj->first = c;
			if (obj->last == p)
				obj->last = c;
			return 0;
		}
	}
	rp_vt_append(obj, c);
	return 0;
}

/* Walks path segments; creates objects for all of them when want_last is
 * VT_OBJ, and an array for the last when VT_ARR. */
static vt_node *walk(rp_arena *a, vt_node *obj, const char *path, vt_kind last, rp_span sp)
{
	const char *p = path;

	if (!obj || obj->kind != VT_OBJ)
		return NULL;
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		vt_node *c = NULL, *it;
		vt_kind want = dot ? VT_OBJ : last;

		for (it = obj->first; it; it = it->next)
			if (strlen(it->key) == n && rp_str_ieq(it->key, p, n)) {
				c = it;
				break;
			}
		if (c && c->kind != want)
			return NULL;
		if (!c) {
			c = rp_vt_new(a, want, sp);
			if (!c || rp_vt_put(a, obj, p, n, c) < 0)
				return NULL;
		}
		obj = c;
		p = dot ? dot + 1 : p + n;
	}
	return obj;
}

vt_node *rp_vt_obj_at(rp_arena *a, vt_node *obj, const char *path, rp_span sp)
{
	return walk(a, obj, path ? path : "", VT_OBJ, sp);
}

vt_node *rp_vt_arr_at(rp_arena *a, vt_node *obj, const char *path, rp_span sp)
{
	return walk(a, obj, path, VT_ARR, sp);
}

int rp_vt_set(rp_arena *a, vt_node *obj, const char *path, rp_value *v)
{
	const char *dot = strrchr(path, '.');
	vt_node *parent = obj, *leaf;

	if (dot) {
		char *head = rp_arena_strndup(a, path, (size_t)(dot - path));
		if (!head)
			return -RP_ENOMEM;
		parent = walk(a, obj, head, VT_OBJ, v->span);
		if (!parent)
			return -RP_EINTERNAL;
	}
	leaf = rp_vt_leaf(a, v);
	if (!leaf)
		return -RP_ENOMEM;
	dot = dot ? dot + 1 : path;
	return rp_vt_put(a, parent, dot, strlen(dot), leaf);
}

/* A value adopting the filled arena array arr (no copy). */
static rp_value *adopt(rp_arena *a, rp_vkind kind, void *arr, uint32_t n, rp_span sp)
{
	rp_value *v = rp_value_null(a, sp);

	if (!v)
		return NULL;
	v->kind = (uint8_t)kind;
	v->len = n;
	if (kind == RP_V_OBJECT)
		v->u.members = arr;
	else
		v->u.items = arr;
	return v;
}

static const char *intern(rp_arena *a, rp_map *keys, const char *k)
{
	size_t n = strlen(k);
	void *hit = NULL;
	char *c;

	if (rp_map_get(keys, k, n, &hit))
		return hit;
	c = rp_arena_strndup(a, k, n);
	if (!c || rp_map_put(keys, c, n, c, NULL) < 0)
		return NULL;
	return c;
}

static rp_value *freeze(rp_arena *a, rp_map *keys, const vt_node *n, int depth)
{
	const vt_node *c;
	size_t i = 0;

	if (depth > VT_MAX_DEPTH)
		return NULL;
	if (n->kind == VT_LEAF)
		return n->leaf;
	if (n->kind == VT_ARR) {
		rp_value **items = rp_arena_alloc(a, (n->n ? n->n : 1) * sizeof(*items));
		if (!items)
			return NULL;
		for (c = n->first; c; c = c->next) {
			items[i] = freeze(a, keys, c, depth + 1);
			if (!items[i])
				return NULL;
			i++;
		}
		return adopt(a, RP_V_ARRAY, items, (uint32_t)i, n->span);
	} else {
		rp_member *m = rp_arena_alloc(a, (n->n ? n->n : 1) * sizeof(*m));
		if (!m)
			return NULL;
		for (c = n->first; c; c = c->next) {
			m[i].key = intern(a, keys, c->key);
			if (!m[i].key)
				return NULL;
			m[i].keylen = (uint32_t)strlen(c->key);
			m[i].keyspan = c->keyspan.src ? c->keyspan : c->span;
			m[i].val = freeze(a, keys, c, depth + 1);
			if (!m[i].val)
				return NULL;
			i++;
		}
		return adopt(a, RP_V_OBJECT, m, (uint32_t)i, n->span);
	}
}

rp_value *rp_vt_freeze(rp_arena *a, rp_map *keys, const vt_node *n)
{
	return freeze(a, keys, n, 0);
}
