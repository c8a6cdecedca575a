/* tfplan.c: `terraform show -json` plans and state into an rp_deployment
 * (tfplan.h).  Spec: Terraform's JSON output format
 * (developer.hashicorp.com/terraform/internals/json-format): format_version,
 * planned_values / values (root_module, child_modules), resource_changes
 * (change.after_unknown, change.after_sensitive), configuration
 * (root_module.resources[].expressions.*.references, module_calls).
 *
 * Phases: (1) walk the modules and merge each resource's values with its
 * unknown and sensitive markers; (2) compute every resource's ARM name and
 * ID; (3) build ARM bodies from the mapping tables; (4) apply merged
 * children and associations to their targets; (5) freeze and append the
 * resources to the deployment in plan order.
 */
#include "ingest/tfplan/tfplan.h"
#include "ingest/tfplan/tf_int.h"
#include "util/error.h"
#include "util/str.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_MAX_LEN 512
/* Scratch arena size after which it is dropped and started afresh (its
 * blocks go back to the spare list and are reused: small, so that the
 * bodies under construction add little to the peak). */
#define TF_SCRATCH_MAX ((size_t)256 << 10)

/* ---------------------------------------------------------------- utils */

static rp_span span_of(tf_ctx *c, uint32_t i)
{
	rp_span sp = { c->src, 0, 0 };

	if (i != RP_JSON_NONE) {
		sp.off = c->doc->nodes[i].off;
		sp.len = c->doc->nodes[i].len;
	}
	return sp;
}

static uint32_t get(tf_ctx *c, uint32_t obj, const char *key)
{
	if (obj == RP_JSON_NONE || !rp_json_is(c->doc, obj, RP_JSON_OBJECT))
		return RP_JSON_NONE;
	return rp_json_getz(c->doc, obj, key);
}

static const char *strz(tf_ctx *c, uint32_t i)
{
	if (i == RP_JSON_NONE || !rp_json_is(c->doc, i, RP_JSON_STRING))
		return NULL;
	return rp_json_strz(c->doc, i);
}

/* A string node's text, NUL-terminated, in the deployment's arena (one
 * copy), or NULL when not a string. */
static const char *pool_str(tf_ctx *c, const char *s, size_t n);

static const char *keep(tf_ctx *c, uint32_t i)
{
	const char *p;
	size_t n;

	if (i == RP_JSON_NONE || !rp_json_is(c->doc, i, RP_JSON_STRING) ||
	    rp_json_str(c->doc, i, &p, &n) < 0)
		return NULL;
	return pool_str(c, p, n);
}

static const char *dupz(tf_ctx *c, const char *s)
{
	return s ? rp_arena_strndup(c->a, s, strlen(s)) : NULL;
}

static int diag_at(tf_ctx *c, rp_diag_level lvl, const char *code, uint32_t node, const char *fmt,
		   const char *arg)
{
	rp_span sp = span_of(c, node);

	rp_diag_addc(c->diag, lvl, code, c->src, sp.off, (size_t)sp.off + sp.len, fmt, arg);
	return 0;
}

/* Text of a planned_values "index" (count number or for_each key). */
static const char *index_text(tf_ctx *c, uint32_t i)
{
	size_t n;
	const char *t;

	if (i == RP_JSON_NONE)
		return NULL;
	if (rp_json_is(c->doc, i, RP_JSON_STRING))
		return dupz(c, rp_json_strz(c->doc, i));
	if (rp_json_is(c->doc, i, RP_JSON_NUMBER)) {
		t = rp_json_text(c->doc, i, &n);
		return rp_arena_strndup(c->a, t, n);
	}
	return NULL;
}

/* ------------------------------------------------ values with unknowns */

/* Where a value is inside a resource's values: member keys and array
 * indices, formatted only for an unknown's reason. */
typedef struct mseg {
	const char *key; /* keylen bytes; NULL: array index idx */
	uint32_t keylen, idx;
} mseg;

typedef struct mpath {
	mseg seg[RP_TF_MAX_VALUE_DEPTH + 2];
	unsigned n;
} mpath;

static void path_push(mpath *p, const char *key, uint32_t keylen, uint32_t idx)
{
	if (p->n < sizeof(p->seg) / sizeof(p->seg[0])) {
		p->seg[p->n].key = key;
		p->seg[p->n].keylen = keylen;
		p->seg[p->n].idx = idx;
	}
	p->n++;
}

/* ".a.b[0]" into buf (truncated to PATH_MAX_LEN - 1 bytes). */
static void path_format(const mpath *p, char *buf)
{
	size_t len = 0, cap = PATH_MAX_LEN;
	unsigned i, n = p->n < sizeof(p->seg) / sizeof(p->seg[0])
				? p->n
				: (unsigned)(sizeof(p->seg) / sizeof(p->seg[0]));
	int w;

	buf[0] = '\0';
	for (i = 0; i < n && len < cap - 1; i++) {
		if (p->seg[i].key)
			w = snprintf(buf + len, cap - len, ".%.*s", (int)p->seg[i].keylen,
				     p->seg[i].key);
		else
			w = snprintf(buf + len, cap - len, "[%u]", p->seg[i].idx);
		if (w > 0)
			len += (size_t)w;
		if (len >= cap)
			len = cap - 1;
	}
}

static bool is_true_node(tf_ctx *c, uint32_t i)
{
	return i != RP_JSON_NONE && rp_json_kind_of(c->doc, i) == RP_JSON_TRUE;
}

static uint32_t child_of(tf_ctx *c, uint32_t parent, const char *key, size_t keylen, uint32_t idx)
{
	if (parent == RP_JSON_NONE)
		return RP_JSON_NONE;
	if (key && rp_json_is(c->doc, parent, RP_JSON_OBJECT))
		return rp_json_get(c->doc, parent, key, keylen);
	if (!key && rp_json_is(c->doc, parent, RP_JSON_ARRAY))
		return rp_json_at(c->doc, parent, idx);
	return RP_JSON_NONE;
}

static rp_value *unknown_at(tf_ctx *c, const tf_res *r, rp_span sp, const mpath *p, bool secure)
{
	char buf[PATH_MAX_LEN];
	rp_value *v = rp_value_null(c->a, sp);
	const char *reason;
	size_t al = strlen(r->address), pl;
	char *t;

	if (!v)
		return NULL;
	/* "known after apply: <address><path>", in the string pool */
	path_format(p, buf);
	pl = strlen(buf);
	if (al > SIZE_MAX / 2 || !(t = malloc(19 + al + pl + 1)))
		return NULL;
	memcpy(t, "known after apply: ", 19);
	memcpy(t + 19, r->address, al);
	memcpy(t + 19 + al, buf, pl + 1);
	reason = pool_str(c, t, 19 + al + pl);
	free(t);
	if (!reason || 19 + al + pl > UINT32_MAX)
		return NULL;
	v->kind = RP_V_UNKNOWN;
	v->u.reason = reason;
	v->len = (uint32_t)(19 + al + pl);
	if (secure)
		v->flags |= RP_VF_SECURE;
	return v;
}

/* Object / array values that adopt an arena array the caller filled
 * (rp_value_object / rp_value_array would copy it). */
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

/* A null member, or a "" one: absent to every mapping (azurerm sends
 * nothing), unless after_unknown marks it. */
static bool blank(tf_ctx *c, uint32_t e)
{
	return rp_json_kind_of(c->doc, e) == RP_JSON_NULL ||
	       (rp_json_is(c->doc, e, RP_JSON_STRING) && c->doc->nodes[e].len == 2);
}

/* Strings kept in the deployment (values put in ARM bodies, addresses,
 * IDs): packed one after the other in
 * blocks of the deployment's arena (an arena allocation each would round
 * every string up to 16 bytes), and short ones shared through a small
 * direct-mapped cache (a plan repeats "Allow", "Tcp", locations, SKUs in
 * every resource).  Values only read them. */
#define TF_POOL_BLOCK ((size_t)64 << 10)
#define TF_POOL_SHORT 32u

static const char *pool_str(tf_ctx *c, const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;
	tf_pool_ent *ent = NULL;
	char *d;

	if (n <= TF_POOL_SHORT && c->pool_cache) {
		for (i = 0; i < n; i++)
			h = (h ^ (unsigned char)s[i]) * 16777619u;
		ent = &c->pool_cache[h & (TF_POOL_CACHE - 1u)];
		if (ent->s && ent->len == n && memcmp(ent->s, s, n) == 0)
			return ent->s;
	}
	if (n + 1 > TF_POOL_BLOCK / 4)
		return rp_arena_strndup(c->a, s, n);
	if (c->pool_left < n + 1) {
		c->pool = rp_arena_alloc(c->a, TF_POOL_BLOCK);
		if (!c->pool)
			return NULL;
		c->pool_left = TF_POOL_BLOCK;
	}
	d = c->pool;
	memcpy(d, s, n);
	d[n] = '\0';
	c->pool += n + 1;
	c->pool_left -= n + 1;
	if (ent) {
		ent->s = d;
		ent->len = (uint32_t)n;
	}
	return d;
}

/* A scalar of the plan as a value (what rp_value_from_json makes, with the
 * string pooled). */
static rp_value *leaf(tf_ctx *c, uint32_t i)
{
	rp_span sp = span_of(c, i);
	rp_value *v = NULL;
	const char *p, *d;
	size_t n;
	int64_t iv;
	double dv;

	switch (rp_json_kind_of(c->doc, i)) {
	case RP_JSON_NULL: v = rp_value_null(c->a, sp); break;
	case RP_JSON_FALSE: v = rp_value_bool(c->a, false, sp); break;
	case RP_JSON_TRUE: v = rp_value_bool(c->a, true, sp); break;
	case RP_JSON_NUMBER:
		if (rp_json_int64(c->doc, i, &iv) == 0)
			v = rp_value_int(c->a, iv, sp);
		else
			v = rp_value_float(c->a,
					   rp_json_double(c->doc, i, &dv) == 0 ? dv : HUGE_VAL, sp);
		break;
	case RP_JSON_STRING:
		if (rp_json_str(c->doc, i, &p, &n) < 0 || !(d = pool_str(c, p, n)))
			return NULL;
		v = rp_value_string_borrow(c->a, d, n, sp);
		break;
	default: return rp_value_from_json(c->a, c->doc, i);
	}
	if (v)
		v->flags = RP_VF_LITERAL;
	return v;
}

/* The value at val merged with its after_unknown (unk) and sensitive
 * (sens) markers, as an rp_value tree in the deployment's arena (only
 * called for what lands in an ARM body).  NULL on allocation failure;
 * *err set for limits. */
static rp_value *merge(tf_ctx *c, const tf_res *r, uint32_t val, uint32_t unk, uint32_t sens,
		       bool secure, mpath *p, unsigned depth, int *err)
{
	rp_value *v = NULL;
	rp_json_iter it;
	uint32_t k, e, idx = 0;

	if (depth > RP_TF_MAX_VALUE_DEPTH) {
		diag_at(c, RP_DIAG_ERROR, "tfplan-limit", val,
			"attribute nesting deeper than the limit (%s)", "RP_TF_MAX_VALUE_DEPTH");
		*err = -RP_ELIMIT;
		return NULL;
	}
	secure = secure || is_true_node(c, sens);
	if (is_true_node(c, unk))
		return unknown_at(c, r, span_of(c, val != RP_JSON_NONE ? val : unk), p, secure);
	if (rp_json_is(c->doc, val, RP_JSON_OBJECT)) {
		uint32_t n = rp_json_count(c->doc, val), extra = 0;
		rp_member *m;

		if (rp_json_is(c->doc, unk, RP_JSON_OBJECT))
			extra = rp_json_count(c->doc, unk);
		m = rp_arena_alloc(c->a, ((size_t)n + extra + 1) * sizeof(*m));
		if (!m)
			return NULL;
		it = rp_json_iter_begin(c->doc, val);
		while (rp_json_iter_next(c->doc, &it, &k, &e)) {
			const char *key;
			size_t kl;
			uint32_t u;
			if (rp_json_str(c->doc, k, &key, &kl) < 0)
				return NULL;
			u = child_of(c, unk, key, kl, 0);
			if (blank(c, e) && !is_true_node(c, u))
				continue;
			m[idx].key = rp_arena_strndup(c->a, key, kl);
			if (!m[idx].key)
				return NULL;
			m[idx].keylen = (uint32_t)kl;
			m[idx].keyspan = span_of(c, k);
			path_push(p, key, (uint32_t)kl, 0);
			m[idx].val = merge(c, r, e, u, child_of(c, sens, key, kl, 0), secure, p,
					   depth + 1, err);
			p->n--;
			if (!m[idx].val)
				return NULL;
			idx++;
		}
		/* attributes only in after_unknown (absent from the values) */
		if (extra) {
			it = rp_json_iter_begin(c->doc, unk);
			while (rp_json_iter_next(c->doc, &it, &k, &e)) {
				const char *key;
				size_t kl;
				if (!is_true_node(c, e))
					continue;
				if (rp_json_str(c->doc, k, &key, &kl) < 0)
					return NULL;
				if (rp_json_get(c->doc, val, key, kl) != RP_JSON_NONE)
					continue;
				m[idx].key = rp_arena_strndup(c->a, key, kl);
				if (!m[idx].key)
					return NULL;
				m[idx].keylen = (uint32_t)kl;
				m[idx].keyspan = span_of(c, k);
				path_push(p, key, (uint32_t)kl, 0);
				m[idx].val = unknown_at(
					c, r, span_of(c, e), p,
					secure || is_true_node(c, child_of(c, sens, key, kl, 0)));
				p->n--;
				if (!m[idx].val)
					return NULL;
				idx++;
			}
		}
		v = adopt(c->a, RP_V_OBJECT, m, idx, span_of(c, val));
	} else if (rp_json_is(c->doc, val, RP_JSON_ARRAY)) {
		uint32_t n = rp_json_count(c->doc, val), un = 0, i;
		rp_value **items;
		rp_json_iter iu = { 0, 0, false }, is = { 0, 0, false };
		bool hu = rp_json_is(c->doc, unk, RP_JSON_ARRAY);
		bool hs = rp_json_is(c->doc, sens, RP_JSON_ARRAY);

		if (hu) {
			un = rp_json_count(c->doc, unk);
			iu = rp_json_iter_begin(c->doc, unk);
		}
		if (hs)
			is = rp_json_iter_begin(c->doc, sens);
		items = rp_arena_alloc(c->a, ((size_t)(n > un ? n : un) + 1) * sizeof(*items));
		if (!items)
			return NULL;
		it = rp_json_iter_begin(c->doc, val);
		while (rp_json_iter_next(c->doc, &it, &k, &e)) {
			uint32_t ue = RP_JSON_NONE, se = RP_JSON_NONE;
			if (hu && !rp_json_iter_next(c->doc, &iu, &k, &ue))
				ue = RP_JSON_NONE;
			if (hs && !rp_json_iter_next(c->doc, &is, &k, &se))
				se = RP_JSON_NONE;
			path_push(p, NULL, 0, idx);
			items[idx] = merge(c, r, e, ue, se, secure, p, depth + 1, err);
			p->n--;
			if (!items[idx])
				return NULL;
			idx++;
		}
		for (i = idx; hu && i < un; i++) {
			uint32_t ue;
			if (!rp_json_iter_next(c->doc, &iu, &k, &ue) || !is_true_node(c, ue))
				break;
			path_push(p, NULL, 0, i);
			items[idx] = unknown_at(c, r, span_of(c, ue), p, secure);
			p->n--;
			if (!items[idx])
				return NULL;
			idx++;
		}
		v = adopt(c->a, RP_V_ARRAY, items, idx, span_of(c, val));
	} else if (val != RP_JSON_NONE) {
		v = leaf(c, val);
	} else {
		v = rp_value_null(c->a, span_of(c, unk));
	}
	if (v && secure)
		v->flags |= RP_VF_SECURE;
	return v;
}

/* ---- views ---- */

static void x_child(tf_ctx *c, const tf_x *x, uint32_t val, uint32_t unk, uint32_t sens, tf_x *out)
{
	out->val = val;
	out->unk = unk;
	out->sens = sens;
	out->secure = x->secure || is_true_node(c, sens);
	out->up = x;
	out->key = NULL;
	out->keylen = 0;
	out->idx = 0;
}

bool rp_tf_x_get(tf_ctx *c, const tf_x *x, const char *key, tf_x *out)
{
	size_t kl = strlen(key);
	uint32_t val = RP_JSON_NONE, unk = RP_JSON_NONE;

	if (!is_true_node(c, x->unk)) {
		if (rp_json_is(c->doc, x->val, RP_JSON_OBJECT))
			val = rp_json_get(c->doc, x->val, key, kl);
		unk = child_of(c, x->unk, key, kl, 0);
		if (val != RP_JSON_NONE && blank(c, val) && !is_true_node(c, unk))
			val = RP_JSON_NONE;
		if (val == RP_JSON_NONE && !is_true_node(c, unk))
			unk = RP_JSON_NONE;
	}
	x_child(c, x, val, unk,
		val != RP_JSON_NONE || unk != RP_JSON_NONE ? child_of(c, x->sens, key, kl, 0)
							   : RP_JSON_NONE,
		out);
	out->key = key;
	out->keylen = (uint32_t)kl;
	return val != RP_JSON_NONE || unk != RP_JSON_NONE;
}

rp_vkind rp_tf_x_kind(tf_ctx *c, const tf_x *x)
{
	if (is_true_node(c, x->unk))
		return RP_V_UNKNOWN;
	if (x->val == RP_JSON_NONE)
		return RP_V_NULL;
	switch (rp_json_kind_of(c->doc, x->val)) {
	case RP_JSON_FALSE:
	case RP_JSON_TRUE: return RP_V_BOOL;
	case RP_JSON_NUMBER: return RP_V_INT;
	case RP_JSON_STRING: return RP_V_STRING;
	case RP_JSON_ARRAY: return RP_V_ARRAY;
	case RP_JSON_OBJECT: return RP_V_OBJECT;
	default: return RP_V_NULL;
	}
}

void rp_tf_x_iter(tf_ctx *c, const tf_x *x, tf_xit *it)
{
	uint32_t nval = 0, k, e;

	memset(it, 0, sizeof(*it));
	it->x = x;
	if (rp_tf_x_kind(c, x) != RP_V_ARRAY)
		return;
	nval = rp_json_count(c->doc, x->val);
	it->iv = rp_json_iter_begin(c->doc, x->val);
	it->n = nval;
	if ((it->hu = rp_json_is(c->doc, x->unk, RP_JSON_ARRAY))) {
		/* elements only in after_unknown: the run of true after the values */
		rp_json_iter u = rp_json_iter_begin(c->doc, x->unk);
		uint32_t i = 0;
		while (rp_json_iter_next(c->doc, &u, &k, &e)) {
			if (i >= nval) {
				if (!is_true_node(c, e))
					break;
				it->n++;
			}
			i++;
		}
		it->iu = rp_json_iter_begin(c->doc, x->unk);
	}
	if ((it->hs = rp_json_is(c->doc, x->sens, RP_JSON_ARRAY)))
		it->is = rp_json_iter_begin(c->doc, x->sens);
}

bool rp_tf_x_next(tf_ctx *c, tf_xit *it, tf_x *out)
{
	uint32_t k, val = RP_JSON_NONE, unk = RP_JSON_NONE, sens = RP_JSON_NONE;

	if (it->i >= it->n)
		return false;
	if (!rp_json_iter_next(c->doc, &it->iv, &k, &val))
		val = RP_JSON_NONE;
	if (it->hu && !rp_json_iter_next(c->doc, &it->iu, &k, &unk))
		unk = RP_JSON_NONE;
	if (it->hs && !rp_json_iter_next(c->doc, &it->is, &k, &sens))
		sens = RP_JSON_NONE;
	x_child(c, it->x, val, unk, sens, out);
	out->idx = it->i++;
	return true;
}

uint32_t rp_tf_x_len(tf_ctx *c, const tf_x *x)
{
	tf_xit it;

	rp_tf_x_iter(c, x, &it);
	return it.n;
}

bool rp_tf_x_absent(tf_ctx *c, const tf_x *x)
{
	switch (rp_tf_x_kind(c, x)) {
	case RP_V_NULL: return true;
	case RP_V_STRING: return c->doc->nodes[x->val].len == 2;
	case RP_V_ARRAY: return rp_tf_x_len(c, x) == 0;
	default: return false;
	}
}

rp_span rp_tf_x_span(tf_ctx *c, const tf_x *x)
{
	return span_of(c, x->val != RP_JSON_NONE ? x->val : x->unk);
}

bool rp_tf_x_str(tf_ctx *c, const tf_x *x, const char **p, size_t *n)
{
	return rp_tf_x_kind(c, x) == RP_V_STRING && rp_json_str(c->doc, x->val, p, n) == 0;
}

bool rp_tf_x_bool(tf_ctx *c, const tf_x *x, bool *b)
{
	if (rp_tf_x_kind(c, x) != RP_V_BOOL)
		return false;
	*b = rp_json_kind_of(c->doc, x->val) == RP_JSON_TRUE;
	return true;
}

rp_value *rp_tf_x_value(tf_ctx *c, const tf_res *r, const tf_x *x)
{
	const tf_x *chain[RP_TF_MAX_VALUE_DEPTH + 2];
	const tf_x *y;
	unsigned n = 0, i;
	mpath p;
	rp_value *v;
	int err = 0;

	for (y = x; y->up; y = y->up) {
		if (n == sizeof(chain) / sizeof(chain[0]))
			return NULL;
		chain[n++] = y;
	}
	p.n = 0;
	for (i = n; i-- > 0;)
		path_push(&p, chain[i]->key, chain[i]->keylen, chain[i]->idx);
	v = merge(c, r, x->val, x->unk, x->sens, x->secure, &p, n, &err);
	if (!v && err)
		c->err = err;
	return v;
}

/* ------------------------------------------------------- configuration */

/* Member key of object obj through a per-object index (module_calls can
 * have thousands of members; rp_json_getz is linear). */
static uint32_t get_indexed(tf_ctx *c, uint32_t obj, const char *key)
{
	char *k, buf[PATH_MAX_LEN];
	void *hit;
	rp_json_iter it;
	uint32_t kk, e;

	if (obj == RP_JSON_NONE || !rp_json_is(c->doc, obj, RP_JSON_OBJECT))
		return RP_JSON_NONE;
	if (rp_json_count(c->doc, obj) < 16)
		return get(c, obj, key);
	snprintf(buf, sizeof(buf), "#%u", obj);
	if (!rp_map_get(&c->cfg_index, buf, strlen(buf), &hit)) {
		k = rp_arena_strndup(c->a, buf, strlen(buf));
		if (!k || rp_map_put(&c->cfg_index, k, strlen(k), (void *)1, NULL) < 0)
			return RP_JSON_NONE;
		it = rp_json_iter_begin(c->doc, obj);
		while (rp_json_iter_next(c->doc, &it, &kk, &e)) {
			const char *name;
			size_t nl;
			char *mk = rp_json_str(c->doc, kk, &name, &nl) == 0
					   ? rp_arena_printf(c->a, "#%u|%.*s", obj, (int)nl, name)
					   : NULL;
			if (!mk || rp_map_put(&c->cfg_index, mk, strlen(mk),
					      (void *)((uintptr_t)e + 1u), NULL) < 0)
				return RP_JSON_NONE;
		}
	}
	if ((size_t)snprintf(buf, sizeof(buf), "#%u|%s", obj, key) < sizeof(buf) &&
	    rp_map_get(&c->cfg_index, buf, strlen(buf), &hit))
		return (uint32_t)((uintptr_t)hit - 1u);
	return RP_JSON_NONE;
}

/* "module.a.module.b[0]" -> call names "a", "b"; walks module_calls. */
static uint32_t cfg_module(tf_ctx *c, const char *modinst)
{
	uint32_t m = c->config_root;
	const char *p = modinst;

	while (m != RP_JSON_NONE && *p) {
		const char *name;
		size_t n = 0;
		char call[PATH_MAX_LEN];
		if (strncmp(p, "module.", 7) != 0)
			return RP_JSON_NONE;
		name = p + 7;
		while (name[n] && name[n] != '.' && name[n] != '[')
			n++;
		if (n >= sizeof(call))
			return RP_JSON_NONE;
		memcpy(call, name, n);
		call[n] = '\0';
		m = get(c, get_indexed(c, get(c, m, "module_calls"), call), "module");
		p = name + n;
		if (*p == '[') {
			/* skip the instance key, honouring quoted strings */
			bool q = false;
			for (p++; *p && (q || *p != ']'); p++) {
				if (*p == '\\' && q && p[1])
					p++;
				else if (*p == '"')
					q = !q;
			}
			if (*p == ']')
				p++;
		}
		if (*p == '.')
			p++;
	}
	return m;
}

/* Parent module instance of modinst and the last call's name. */
static const char *parent_mod(tf_ctx *c, const char *modinst, const char **call)
{
	const char *last = NULL, *p = modinst;
	bool q = false;
	int br = 0;

	for (; *p; p++) {
		if (q) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				q = false;
			continue;
		}
		if (*p == '"')
			q = true;
		else if (*p == '[')
			br++;
		else if (*p == ']')
			br--;
		else if (br == 0 && strncmp(p, "module.", 7) == 0 && (p == modinst || p[-1] == '.'))
			last = p;
	}
	if (!last)
		return NULL;
	{
		const char *name = last + 7;
		size_t n = 0;
		while (name[n] && name[n] != '.' && name[n] != '[')
			n++;
		*call = rp_arena_strndup(c->a, name, n);
	}
	if (last == modinst)
		return "";
	return rp_arena_strndup(c->a, modinst, (size_t)(last - modinst - 1));
}

/* Expressions of the configuration resource cfgaddr in the module of
 * modinst.  Each module's resources are indexed once ("<module node>|<address>"
 * -> expressions node + 1), so big plans stay linear. */
static uint32_t cfg_resource(tf_ctx *c, const char *modinst, const char *cfgaddr)
{
	uint32_t mod, res, e, k;
	rp_json_iter it;
	char *key, buf[PATH_MAX_LEN];
	void *hit;

	/* a module instance's resources come one after the other, sharing
	 * one modinst string: its configuration module is looked up once */
	if (c->last_modinst != modinst) {
		c->last_modinst = modinst;
		c->last_cfgmod = cfg_module(c, modinst);
	}
	mod = c->last_cfgmod;
	if (mod == RP_JSON_NONE)
		return RP_JSON_NONE;
	res = get(c, mod, "resources");
	if (rp_json_is(c->doc, res, RP_JSON_ARRAY) && rp_json_count(c->doc, res) < 16) {
		/* a small module (most are): a scan beats an index */
		uint32_t hit_ex = RP_JSON_NONE;
		size_t cl = strlen(cfgaddr);
		it = rp_json_iter_begin(c->doc, res);
		while (rp_json_iter_next(c->doc, &it, &k, &e)) {
			uint32_t ex;
			if (!rp_json_str_eq(c->doc, get(c, e, "address"), cfgaddr, cl))
				continue;
			if ((ex = get(c, e, "expressions")) != RP_JSON_NONE)
				hit_ex = ex; /* the last one wins, as in the index */
		}
		return hit_ex;
	}
	snprintf(buf, sizeof(buf), "%u|", mod);
	if (!rp_map_get(&c->cfg_index, buf, strlen(buf), &hit)) {
		key = rp_arena_strndup(c->a, buf, strlen(buf));
		if (!key || rp_map_put(&c->cfg_index, key, strlen(key), (void *)1, NULL) < 0)
			return RP_JSON_NONE;
		if (rp_json_is(c->doc, res, RP_JSON_ARRAY)) {
			it = rp_json_iter_begin(c->doc, res);
			while (rp_json_iter_next(c->doc, &it, &k, &e)) {
				uint32_t an = get(c, e, "address"), ex = get(c, e, "expressions");
				const char *a;
				size_t al;
				char *rk;
				if (!rp_json_is(c->doc, an, RP_JSON_STRING) ||
				    rp_json_str(c->doc, an, &a, &al) < 0 || ex == RP_JSON_NONE)
					continue;
				rk = rp_arena_printf(c->a, "%u|%.*s", mod, (int)al, a);
				if (!rk || rp_map_put(&c->cfg_index, rk, strlen(rk),
						      (void *)((uintptr_t)ex + 1u), NULL) < 0)
					return RP_JSON_NONE;
			}
		}
	}
	if (cfgaddr[0] && (size_t)snprintf(buf, sizeof(buf), "%u|%s", mod, cfgaddr) < sizeof(buf) &&
	    rp_map_get(&c->cfg_index, buf, strlen(buf), &hit))
		return (uint32_t)((uintptr_t)hit - 1u);
	return RP_JSON_NONE;
}

uint32_t rp_tf_cfg_member(tf_ctx *c, uint32_t cfg, const char *key, uint32_t idx)
{
	uint32_t m = get(c, cfg, key);

	if (m == RP_JSON_NONE)
		return RP_JSON_NONE;
	if (rp_json_is(c->doc, m, RP_JSON_ARRAY))
		return rp_json_at(c->doc, m, idx);
	return m;
}

/* ---------------------------------------------------------- references */

typedef struct tref {
	enum { R_NONE, R_RES, R_VAR, R_MODULE, R_INDEX } kind;
	bool data;
	char type[128], name[128], index[128], out[128];
	bool has_index;
} tref;

/* Copies one identifier (up to '.', '[' or end) into dst. */
static const char *ident(const char *p, char *dst, size_t cap)
{
	size_t n = 0;

	while (*p && *p != '.' && *p != '[') {
		if (n + 1 < cap)
			dst[n++] = *p;
		p++;
	}
	dst[n] = '\0';
	return p;
}

/* [0] or ["key"] -> index text. */
static const char *bracket(const char *p, tref *t)
{
	size_t n = 0;

	if (*p != '[')
		return p;
	p++;
	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			if (n + 1 < sizeof(t->index))
				t->index[n++] = *p;
		}
		if (*p == '"')
			p++;
	} else {
		while (*p && *p != ']') {
			if (n + 1 < sizeof(t->index))
				t->index[n++] = *p;
			p++;
		}
	}
	if (*p == ']')
		p++;
	t->index[n] = '\0';
	t->has_index = true;
	return p;
}

static void parse_ref(const char *s, tref *t)
{
	char first[128];
	const char *p;

	memset(t, 0, sizeof(*t));
	p = ident(s, first, sizeof(first));
	if (strcmp(first, "count") == 0 || strcmp(first, "each") == 0) {
		t->kind = R_INDEX;
		return;
	}
	if (*p != '.')
		return;
	p++;
	if (strcmp(first, "var") == 0) {
		ident(p, t->name, sizeof(t->name));
		t->kind = R_VAR;
	} else if (strcmp(first, "module") == 0) {
		p = ident(p, t->name, sizeof(t->name));
		p = bracket(p, t);
		if (*p == '.') {
			ident(p + 1, t->out, sizeof(t->out));
			t->kind = R_MODULE;
		}
	} else if (strcmp(first, "data") == 0) {
		p = ident(p, t->type, sizeof(t->type));
		if (*p != '.')
			return;
		p = ident(p + 1, t->name, sizeof(t->name));
		bracket(p, t);
		t->data = true;
		t->kind = R_RES;
	} else if (strchr(first, '_') && strcmp(first, "local") != 0 &&
		   strcmp(first, "path") != 0 && strcmp(first, "terraform") != 0) {
		memcpy(t->type, first, sizeof(t->type));
		p = ident(p, t->name, sizeof(t->name));
		bracket(p, t);
		t->kind = R_RES;
	}
}

typedef struct tlist {
	tf_res *items[64];
	size_t n;
	bool ambiguous;
} tlist;

static void tlist_add(tlist *l, tf_res *r)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->items[i] == r)
			return;
	if (l->n < sizeof(l->items) / sizeof(l->items[0]))
		l->items[l->n++] = r;
}

static bool type_ok(const tf_res *t, const char *expect)
{
	if (!t->map || !t->map->arm_type)
		return false;
	return !expect || rp_str_ieq(t->map->arm_type, expect, strlen(expect) + 1);
}

/* A reference string copied to buf (NUL-terminated); false when not a
 * string or too long. */
static bool ref_text(tf_ctx *c, uint32_t i, char *buf, size_t cap)
{
	const char *p;
	size_t n;

	if (!rp_json_is(c->doc, i, RP_JSON_STRING) || rp_json_str(c->doc, i, &p, &n) < 0 ||
	    n >= cap)
		return false;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return true;
}

static void collect(tf_ctx *c, const tf_res *r, const char *modinst, uint32_t expr,
		    const char *expect, bool list, tlist *out, unsigned depth)
{
	uint32_t refs = get(c, expr, "references"), e, k;
	rp_json_iter it;
	bool indexed = false;

	if (depth > RP_TF_MAX_REF_DEPTH || !rp_json_is(c->doc, refs, RP_JSON_ARRAY))
		return;
	it = rp_json_iter_begin(c->doc, refs);
	while (rp_json_iter_next(c->doc, &it, &k, &e)) {
		tref t;
		char s[PATH_MAX_LEN];
		if (!ref_text(c, e, s, sizeof(s)))
			continue;
		parse_ref(s, &t);
		if (t.kind == R_INDEX)
			indexed = true;
	}
	it = rp_json_iter_begin(c->doc, refs);
	while (rp_json_iter_next(c->doc, &it, &k, &e)) {
		tref t;
		char s[PATH_MAX_LEN];
		if (!ref_text(c, e, s, sizeof(s)))
			continue;
		parse_ref(s, &t);
		if (t.kind == R_RES) {
			char key[PATH_MAX_LEN];
			void *hit = NULL;
			tf_res *x, *only = NULL;
			size_t cnt = 0;
			if ((size_t)snprintf(key, sizeof(key), "%s%s%s%s.%s", modinst,
					     *modinst ? "." : "", t.data ? "data." : "", t.type,
					     t.name) >= sizeof(key) ||
			    !rp_map_get(&c->by_base, key, strlen(key), &hit))
				continue;
			for (x = hit; x; x = x->next_inst) {
				if (!type_ok(x, expect))
					break;
				if (t.has_index) {
					if (x->index && strcmp(x->index, t.index) == 0)
						tlist_add(out, x);
					continue;
				}
				if (indexed && r->index && x->index) {
					if (strcmp(x->index, r->index) == 0)
						tlist_add(out, x);
					continue;
				}
				if (list)
					tlist_add(out, x);
				only = x;
				cnt++;
			}
			if (!list && cnt == 1)
				tlist_add(out, only);
			else if (!list && cnt > 1)
				out->ambiguous = true;
		} else if (t.kind == R_VAR) {
			const char *call = NULL, *pm = parent_mod(c, modinst, &call);
			uint32_t callnode;
			if (!pm || !call)
				continue;
			callnode = get_indexed(c, get(c, cfg_module(c, pm), "module_calls"), call);
			collect(c, r, pm, get(c, get(c, callnode, "expressions"), t.name), expect,
				list, out, depth + 1);
		} else if (t.kind == R_MODULE) {
			const char *child = rp_arena_printf(c->a, "%s%smodule.%s", modinst,
							    *modinst ? "." : "", t.name);
			uint32_t mod;
			if (!child)
				continue;
			mod = get(c,
				  get_indexed(c, get(c, cfg_module(c, modinst), "module_calls"),
					      t.name),
				  "module");
			collect(c, r, child,
				get(c, get(c, get(c, mod, "outputs"), t.out), "expression"), expect,
				list, out, depth + 1);
		}
		if (!list && out->n > 0)
			return;
	}
}

static tf_res *by_id(tf_ctx *c, const tf_x *x)
{
	void *hit = NULL;
	const char *p;
	size_t n;

	if (!rp_tf_x_str(c, x, &p, &n) || n == 0)
		return NULL;
	if (!c->by_id_live) {
		/* the first reference by a known ID: the index of the IDs made so
		 * far, kept up to date from now on (a plan whose references are
		 * all unknown, as a first apply's, never needs it) */
		size_t i;
		c->by_id_live = true;
		for (i = 0; i < c->nres; i++) {
			tf_res *t = c->res[i];
			if (t->id_state == 2 && t->id &&
			    rp_map_put(&c->by_id, t->id, strlen(t->id), t, NULL) < 0) {
				c->err = -RP_ENOMEM;
				return NULL;
			}
		}
	}
	if (rp_map_get(&c->by_id, p, n, &hit))
		return hit;
	return NULL;
}

static uint32_t res_expr(tf_ctx *c, tf_res *r, const char *attr)
{
	return rp_tf_cfg_member(c, r->cfg, attr, 0);
}

tf_res *rp_tf_resolve_target(tf_ctx *c, tf_res *r, const char *attr, const char *expect)
{
	tf_x rx = tf_res_x(r), x;
	tf_res *t;
	tlist l;

	rp_tf_x_get(c, &rx, attr, &x);
	t = by_id(c, &x);
	if (t)
		return t;
	memset(&l, 0, sizeof(l));
	collect(c, r, r->modinst, res_expr(c, r, attr), expect, false, &l, 0);
	return l.n ? l.items[0] : NULL;
}

static rp_value *id_value(tf_ctx *c, tf_res *t, rp_span sp, unsigned flags)
{
	rp_value *v;

	if (rp_tf_identity(c, t) < 0 || !t->id)
		return NULL;
	v = rp_value_string_borrow(c->a, t->id, strlen(t->id), sp); /* in the arena */
	if (v)
		v->flags = (uint8_t)flags;
	return v;
}

/* x as a value in the deployment's arena: 0, or negative (c->err or
 * -RP_ENOMEM). */
static int x_value(tf_ctx *c, tf_res *r, const tf_x *x, rp_value **out)
{
	*out = rp_tf_x_value(c, r, x);
	return *out ? 0 : c->err ? c->err : -RP_ENOMEM;
}

int rp_tf_resolve_id(tf_ctx *c, tf_res *r, const tf_x *x, uint32_t cfg_expr, const char *attr,
		     const char *expect, rp_value **out)
{
	tlist l;
	rp_vkind k = rp_tf_x_kind(c, x);

	(void)attr;
	*out = NULL;
	if (k == RP_V_NULL || (k == RP_V_STRING && c->doc->nodes[x->val].len == 2))
		return 0;
	if (k != RP_V_UNKNOWN)
		return x_value(c, r, x, out);
	memset(&l, 0, sizeof(l));
	collect(c, r, r->modinst, cfg_expr, expect, false, &l, 0);
	if (l.n) {
		*out = id_value(c, l.items[0], rp_tf_x_span(c, x), x->secure ? RP_VF_SECURE : 0);
		return *out ? 0 : -RP_ENOMEM;
	}
	return x_value(c, r, x, out);
}

int rp_tf_resolve_id_list(tf_ctx *c, tf_res *r, const tf_x *x, uint32_t cfg_expr, const char *attr,
			  const char *expect, rp_value **out)
{
	tlist l;
	rp_value **items;
	const rp_value *v;
	uint32_t i, nunk = 0;
	size_t next = 0;
	rp_vkind k = rp_tf_x_kind(c, x);
	int rc;

	(void)attr;
	*out = NULL;
	if (k == RP_V_NULL)
		return 0;
	if (k != RP_V_UNKNOWN && k != RP_V_ARRAY)
		return x_value(c, r, x, out);
	if (k == RP_V_UNKNOWN) {
		/* the whole list: the referenced resources, if any */
		memset(&l, 0, sizeof(l));
		collect(c, r, r->modinst, cfg_expr, expect, true, &l, 0);
		if (!l.n)
			return x_value(c, r, x, out);
		items = rp_arena_calloc(c->a, l.n, sizeof(*items));
		if (!items)
			return -RP_ENOMEM;
		for (i = 0; i < l.n; i++)
			if (!(items[i] = id_value(c, l.items[i], rp_tf_x_span(c, x),
						  x->secure ? RP_VF_SECURE : 0)))
				return -RP_ENOMEM;
		*out = rp_value_array(c->a, items, l.n, rp_tf_x_span(c, x));
		return *out ? 0 : -RP_ENOMEM;
	}
	if ((rc = x_value(c, r, x, out)) < 0)
		return rc;
	v = *out;
	*out = NULL;
	if (v->kind == RP_V_ARRAY) {
		for (i = 0; i < v->len; i++)
			if (v->u.items[i]->kind == RP_V_UNKNOWN)
				nunk++;
		if (nunk == 0) {
			*out = v->len ? (rp_value *)v : NULL;
			return 0;
		}
	}
	memset(&l, 0, sizeof(l));
	collect(c, r, r->modinst, cfg_expr, expect, true, &l, 0);
	/* some elements unknown: fill them with referenced resources not
	 * already listed by known ID, in order */
	items = rp_arena_calloc(c->a, v->len + 1u, sizeof(*items));
	if (!items)
		return -RP_ENOMEM;
	for (i = 0; i < v->len; i++) {
		rp_value *it = v->u.items[i];
		items[i] = it;
		if (it->kind != RP_V_UNKNOWN)
			continue;
		while (next < l.n) {
			tf_res *t = l.items[next++];
			uint32_t j;
			bool listed = false;
			if (rp_tf_identity(c, t) < 0 || !t->id)
				continue;
			for (j = 0; j < v->len; j++) {
				const rp_value *w = v->u.items[j];
				if (w->kind == RP_V_STRING && w->len == strlen(t->id) &&
				    rp_str_ieq(w->u.s, t->id, w->len))
					listed = true;
			}
			if (!listed) {
				items[i] = id_value(c, t, it->span, it->flags);
				if (!items[i])
					return -RP_ENOMEM;
				break;
			}
		}
	}
	*out = rp_value_array(c->a, items, v->len, v->span);
	return *out ? 0 : -RP_ENOMEM;
}

/* ------------------------------------------------------------ identity */

/* The ARM parent type of a child type (".../subnets" -> the VNet type). */
static const char *parent_type(tf_ctx *c, const char *type)
{
	const char *s = strrchr(type, '/');

	return s ? rp_arena_strndup(c->a, type, (size_t)(s - type)) : NULL;
}

static const char *last_type_seg(const char *type)
{
	const char *s = strrchr(type, '/');

	return s ? s + 1 : type;
}

/* Appends s[0..n) to the scratch text; false on allocation failure. */
static bool tput(tf_ctx *c, const char *s, size_t n)
{
	return rp_buf_append(&c->tmp, s, n) == 0;
}

static bool tputs(tf_ctx *c, const char *s)
{
	return tput(c, s, strlen(s));
}

/* The scratch text, copied once into the deployment's arena. */
static const char *tkeep(tf_ctx *c)
{
	return pool_str(c, c->tmp.len ? c->tmp.data : "", c->tmp.len);
}

int rp_tf_identity(tf_ctx *c, tf_res *r)
{
	const tf_type *m = r->map;
	tf_x rx = tf_res_x(r), idv, rg;
	const char *name = "", *reason = NULL, *parent_id = NULL, *rgs, *type, *p;
	size_t i, n, rgl;
	bool ok = true;

	if (r->id_state == 2)
		return 0;
	if (r->id_state == 1) {
		r->name_reason = "reference cycle between resources";
		return 0;
	}
	r->id_state = 1;
	if (!m || !m->arm_type)
		goto done;
	type = m->arm_type;
	rp_tf_x_get(c, &rx, "id", &idv);
	if (rp_tf_x_str(c, &idv, &p, &n) && n > 0 && p[0] == '/') {
		r->id = rp_arena_strndup(c->a, p, n);
		if (!r->id)
			return -RP_ENOMEM;
		r->arm_name = rp_resource_id_name(c->a, r->id);
		r->name_node = idv.val;
		goto done;
	}
	/* segments are resolved first (resolving a parent may use the scratch
	 * text), then joined */
	{
		const char *segs[4] = { NULL, NULL, NULL, NULL };
		size_t segl[4] = { 0, 0, 0, 0 }, nseg = 0;
		for (i = 0; i < 4 && m->name_attrs[i]; i++) {
			const char *spec = m->name_attrs[i], *seg = NULL;
			size_t sl = 0;
			if (spec[0] == '=') {
				seg = spec + 1;
			} else if (spec[0] == '@') {
				tf_x pv;
				tf_res *t =
					rp_tf_resolve_target(c, r, spec + 1, parent_type(c, type));
				rp_tf_x_get(c, &rx, spec + 1, &pv);
				if (t && rp_tf_identity(c, t) == 0 && t->arm_name) {
					seg = t->arm_name;
					parent_id = t->id;
				} else if (rp_tf_x_str(c, &pv, &p, &n) && n > 0 && p[0] == '/') {
					parent_id = rp_arena_strndup(c->a, p, n);
					if (!parent_id)
						return -RP_ENOMEM;
					seg = rp_resource_id_name(c->a, parent_id);
				}
				if (!seg && !reason)
					reason = rp_arena_printf(
						c->a, "the parent named by %s.%s is not known",
						r->address, spec + 1);
			} else {
				tf_x nv;
				rp_tf_x_get(c, &rx, spec, &nv);
				if (rp_tf_x_str(c, &nv, &p, &n) && n > 0) {
					/* read in place (copied once, joined) */
					seg = p;
					sl = n;
					r->name_node = nv.val;
				} else if (rp_tf_x_kind(c, &nv) == RP_V_UNKNOWN && !reason) {
					rp_value *u = rp_tf_x_value(c, r, &nv);
					if (!u)
						return c->err ? c->err : -RP_ENOMEM;
					reason = u->u.reason;
				} else if (!reason) {
					reason = rp_arena_printf(c->a, "%s has no %s", r->address,
								 spec);
				}
			}
			segs[nseg] = seg ? seg : r->address;
			segl[nseg] = seg && sl ? sl : strlen(segs[nseg]);
			nseg++;
		}
		rp_buf_clear(&c->tmp);
		for (i = 0; i < nseg; i++)
			ok = ok && (c->tmp.len == 0 || tput(c, "/", 1)) &&
			     tput(c, segs[i], segl[i]);
		if (nseg > 1 || (nseg == 1 && segs[0] != r->address))
			name = ok ? tkeep(c) : NULL;
		else if (nseg == 1)
			name = r->address;
		if (!name)
			return -RP_ENOMEM;
	}
	if (!reason)
		r->arm_name = name;
	else
		r->name_reason = reason;
	if (r->name_node == RP_JSON_NONE)
		r->name_node = r->node;
	rp_tf_x_get(c, &rx, "resource_group_name", &rg);
	if (!rp_tf_x_str(c, &rg, &rgs, &rgl) || rgl == 0) {
		rgs = "rampart-unknown-rg";
		rgl = strlen(rgs);
	}
	if (parent_id) {
		const char *own = strrchr(name, '/');
		r->id = rp_arena_printf(c->a, "%s/%s/%s", parent_id, last_type_seg(type),
					own ? own + 1 : name);
	} else if (m->sub_scope) {
		r->id = rp_arena_printf(c->a, "/subscriptions/%s/providers/%s/%s", c->subscription,
					type, name);
	} else if (m->scope_attr) {
		rp_value *sv = NULL;
		const char *scope;
		tf_x sx;
		int rc;
		rp_tf_x_get(c, &rx, m->scope_attr, &sx);
		if ((rc = rp_tf_resolve_id(c, r, &sx, res_expr(c, r, m->scope_attr), m->scope_attr,
					   NULL, &sv)) < 0)
			return rc;
		scope = sv && sv->kind == RP_V_STRING
				? sv->u.s
				: rp_arena_printf(c->a,
						  "/subscriptions/%s/resourceGroups/%.*s/providers/"
						  "terraform/%s",
						  c->subscription, (int)rgl, rgs, r->address);
		r->id = rp_arena_printf(c->a, "%s/providers/%s/%s", scope, type, name);
	} else {
		/* /providers/NS/T1/n1/T2/n2 from "NS/T1/T2" and "n1/n2", built in
		 * the scratch text and copied once */
		const char *slash = strchr(type, '/');
		const char *tp = slash ? slash + 1 : "", *np = name;
		rp_buf_clear(&c->tmp);
		ok = tputs(c, "/subscriptions/") && tputs(c, c->subscription) &&
		     tputs(c, "/resourceGroups/") && tput(c, rgs, rgl) && tputs(c, "/providers/") &&
		     tput(c, type, slash ? (size_t)(slash - type) : 0);
		while (ok && *tp) {
			const char *te = strchr(tp, '/'), *ne = strchr(np, '/');
			size_t tl = te ? (size_t)(te - tp) : strlen(tp);
			size_t nl = (ne && te) ? (size_t)(ne - np) : strlen(np);
			ok = tput(c, "/", 1) && tput(c, tp, tl) && tput(c, "/", 1) &&
			     tput(c, np, nl);
			tp += tl + (te ? 1 : 0);
			np += nl + ((ne && te) ? 1 : 0);
		}
		r->id = ok ? tkeep(c) : NULL;
	}
	if (!r->id)
		return -RP_ENOMEM;
done:
	r->id_state = 2;
	if (c->by_id_live && r->id && rp_map_put(&c->by_id, r->id, strlen(r->id), r, NULL) < 0)
		return -RP_ENOMEM;
	return 0;
}

/* ---------------------------------------------------------------- walk */

/* The by_base key of r: "<modinst>.[data.]<type>.<name>" ("<modinst>."
 * left out at the root), which is r's address without its instance key
 * when the address is in Terraform's form: then borrowed from it, else
 * built.  *len gets its length; NULL on allocation failure. */
static const char *base_key(tf_ctx *c, const tf_res *r, const char *name, size_t *len)
{
	const char *a = r->address, *key;
	size_t ml = strlen(r->modinst), tl = strlen(r->type), nl = strlen(name);

	if (ml) {
		if (strncmp(a, r->modinst, ml) != 0 || a[ml] != '.')
			goto build;
		a += ml + 1;
	}
	if (r->data) {
		if (strncmp(a, "data.", 5) != 0)
			goto build;
		a += 5;
	}
	if (strncmp(a, r->type, tl) != 0 || a[tl] != '.' || strncmp(a + tl + 1, name, nl) != 0 ||
	    (a[tl + 1 + nl] != '\0' && a[tl + 1 + nl] != '['))
		goto build;
	*len = (size_t)(a + tl + 1 + nl - r->address);
	return r->address;
build:
	key = rp_arena_printf(c->a, "%s%s%s%s.%s", r->modinst, ml ? "." : "",
			      r->data ? "data." : "", r->type, name);
	*len = key ? strlen(key) : 0;
	return key;
}

static int add_res(tf_ctx *c, tf_res *r, const char *name)
{
	void *hit = NULL;
	const char *base;
	size_t bl;

	if (c->nres >= RP_TF_MAX_RESOURCES) {
		diag_at(c, RP_DIAG_ERROR, "tfplan-limit", r->node,
			"more resources than the limit (%s)", "RP_TF_MAX_RESOURCES");
		return -RP_ELIMIT;
	}
	if (c->nres == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		tf_res **n = realloc(c->res, cap * sizeof(*n));
		if (!n)
			return -RP_ENOMEM;
		c->res = n;
		c->cap = cap;
	}
	c->res[c->nres++] = r;
	/* only a resource that has an ARM identity can be the target of a
	 * reference (collect, type_ok) */
	if (!r->map || !r->map->arm_type)
		return 0;
	base = base_key(c, r, name, &bl);
	if (!base)
		return -RP_ENOMEM;
	if (rp_map_get(&c->by_base, base, bl, &hit)) {
		/* another instance (count / for_each): appended at the tail
		 * the first one keeps */
		tf_res *x = hit;
		x->tail_inst->next_inst = r;
		x->tail_inst = r;
		return 0;
	}
	r->tail_inst = r;
	return rp_map_put(&c->by_base, base, bl, r, NULL);
}

/* Whether r's ARM name and ID come from its own attributes alone (no
 * parent named by reference, no scope). */
static bool self_identity(const tf_res *r)
{
	const tf_type *m = r->map;
	size_t i;

	if (!m || !m->arm_type || m->scope_attr)
		return false;
	for (i = 0; i < 4 && m->name_attrs[i]; i++)
		if (m->name_attrs[i][0] == '@')
			return false;
	return true;
}

static int walk_module(tf_ctx *c, uint32_t mod, const char *modinst, unsigned depth)
{
	uint32_t res = get(c, mod, "resources"), kids = get(c, mod, "child_modules"), k, e;
	rp_json_iter it;
	int rc;

	if (depth > RP_TF_MAX_MODULE_DEPTH) {
		diag_at(c, RP_DIAG_ERROR, "tfplan-limit", mod,
			"modules nested deeper than the limit (%s)", "RP_TF_MAX_MODULE_DEPTH");
		return -RP_ELIMIT;
	}
	if (rp_json_is(c->doc, res, RP_JSON_ARRAY)) {
		it = rp_json_iter_begin(c->doc, res);
		while (rp_json_iter_next(c->doc, &it, &k, &e)) {
			tf_res *r = rp_arena_calloc(c->a, 1, sizeof(*r));
			const char *addr = keep(c, get(c, e, "address")), *type = NULL;
			const char *name = keep(c, get(c, e, "name"));
			bool data = rp_json_str_eq(c->doc, get(c, e, "mode"), "data", 4);
			uint32_t values = get(c, e, "values"), ch = RP_JSON_NONE,
				 unk = RP_JSON_NONE;
			uint32_t sens = get(c, e, "sensitive_values");
			char cfgaddr[PATH_MAX_LEN];
			void *hit;
			if (!r)
				return -RP_ENOMEM;
			{
				/* a mapped type: the table's string (no copy) */
				const char *tp;
				size_t tl;
				char tb[128];
				uint32_t tn = get(c, e, "type");
				if (rp_json_is(c->doc, tn, RP_JSON_STRING) &&
				    rp_json_str(c->doc, tn, &tp, &tl) == 0 && tl < sizeof(tb) &&
				    !memchr(tp, '\0', tl)) {
					memcpy(tb, tp, tl);
					tb[tl] = '\0';
					r->map = rp_tf_type_find(tb);
				}
				type = r->map ? r->map->tf_type : keep(c, tn);
			}
			if (!addr || !type || !name ||
			    !rp_json_is(c->doc, values, RP_JSON_OBJECT)) {
				diag_at(c, RP_DIAG_ERROR, "tfplan-shape", e,
					"%s: a resource needs string address, type and name and an "
					"object of values",
					c->src->name);
				return -RP_EPARSE;
			}
			r->address = addr;
			r->modinst = modinst;
			r->type = type;
			r->index = index_text(c, get(c, e, "index"));
			r->data = data;
			r->node = e;
			if (!r->address || !r->type)
				return -RP_ENOMEM;
			if ((size_t)snprintf(cfgaddr, sizeof(cfgaddr), "%s%s.%s",
					     r->data ? "data." : "", type, name) >= sizeof(cfgaddr))
				cfgaddr[0] = '\0';
			r->cfg = cfg_resource(c, modinst, cfgaddr);
			if (rp_map_get(&c->by_change, r->address, strlen(r->address), &hit))
				ch = (uint32_t)((uintptr_t)hit - 1u);
			if (ch != RP_JSON_NONE) {
				uint32_t change = get(c, ch, "change");
				unk = get(c, change, "after_unknown");
				if (sens == RP_JSON_NONE)
					sens = get(c, change, "after_sensitive");
			}
			/* the attributes are read in place, when mapped */
			r->xval = values;
			r->xunk = unk;
			r->xsens = sens;
			r->xsecure = is_true_node(c, sens);
			r->name_node = RP_JSON_NONE;
			if ((rc = add_res(c, r, name)) < 0)
				return rc;
			/* an identity that depends on no other resource is made
			 * now, while this resource's part of the plan is in the
			 * cache (the others' after the walk) */
			if (self_identity(r) && (rc = rp_tf_identity(c, r)) < 0)
				return rc;
			if (!r->map && !r->data) {
				if (!rp_map_get(&c->unmapped, r->type, strlen(r->type), &hit)) {
					if (rp_map_put(&c->unmapped, r->type, strlen(r->type), r,
						       NULL) < 0)
						return -RP_ENOMEM;
					diag_at(c, RP_DIAG_NOTE, "tfplan-unmapped-type", e,
						"resource type %s is not mapped to the model; its "
						"resources are skipped",
						r->type);
				}
			}
		}
	}
	if (rp_json_is(c->doc, kids, RP_JSON_ARRAY)) {
		it = rp_json_iter_begin(c->doc, kids);
		while (rp_json_iter_next(c->doc, &it, &k, &e)) {
			const char *maddr = strz(c, get(c, e, "address"));
			if (!maddr) {
				diag_at(c, RP_DIAG_ERROR, "tfplan-shape", e,
					"%s: a child module needs an address", c->src->name);
				return -RP_EPARSE;
			}
			if ((rc = walk_module(c, e, dupz(c, maddr), depth + 1)) < 0)
				return rc;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ assembly */

static int build_body(tf_ctx *c, tf_res *r)
{
	const tf_type *m = r->map;
	rp_span sp = span_of(c, r->node);
	rp_value *v;
	tf_x rx = tf_res_x(r), loc;
	int rc;

	c->body = rp_vt_new(c->vta, VT_OBJ, sp);
	if (!c->body)
		return -RP_ENOMEM;
	/* the name, type and API version are borrowed: r->arm_name lives in the
	 * deployment's arena, the others are static table strings */
	if (r->arm_name)
		v = rp_value_string_borrow(c->a, r->arm_name, strlen(r->arm_name),
					   span_of(c, r->name_node));
	else
		v = rp_value_unknown(c->a, span_of(c, r->name_node), "%s",
				     r->name_reason ? r->name_reason : "name not known");
	if ((rc = rp_vt_set(c->vta, c->body, "name", v)) < 0)
		return rc;
	if ((rc = rp_vt_set(c->vta, c->body, "type",
			    rp_value_string_borrow(c->a, m->arm_type, strlen(m->arm_type), sp))) <
	    0)
		return rc;
	if ((rc = rp_vt_set(
		     c->vta, c->body, "apiVersion",
		     rp_value_string_borrow(c->a, m->api_version, strlen(m->api_version), sp))) < 0)
		return rc;
	if (rp_tf_x_get(c, &rx, "location", &loc)) {
		if ((rc = x_value(c, r, &loc, &v)) < 0 ||
		    (rc = rp_vt_set(c->vta, c->body, "location", v)) < 0)
			return rc;
	}
	return rp_tf_map_resource(c, r, c->body, m->attrs, &rx, r->cfg, r->id);
}

/* Whether t gets an ARM body (a deployed resource of a mapped type). */
static bool has_body(const tf_res *t)
{
	return t && !t->data && t->map && t->map->kind == TK_RESOURCE;
}

/* Queues child r (a merged resource or an association) on its target, to
 * be applied when the target's body is built; a note when there is none. */
static int queue_on(tf_ctx *c, tf_res *r)
{
	const tf_type *m = r->map;
	tf_res *t = m->kind == TK_MERGE
			    ? rp_tf_resolve_target(c, r, m->parent_attr, m->parent_type)
			    : rp_tf_resolve_target(c, r, m->assoc_target, m->assoc_target_type);

	if (!has_body(t)) {
		if (m->kind == TK_MERGE)
			diag_at(c, RP_DIAG_NOTE, "tfplan-unresolved-parent", r->node,
				"%s: its parent resource is not in the plan; the settings are not "
				"applied",
				r->address);
		else
			diag_at(c, RP_DIAG_NOTE, "tfplan-unresolved-association", r->node,
				"%s: the associated resource is not in the plan; the association "
				"is not applied",
				r->address);
		return 0;
	}
	if (!t->tgt && !(t->tgt = rp_arena_calloc(c->a, 1, sizeof(*t->tgt))))
		return -RP_ENOMEM;
	if (t->tgt->npending == t->tgt->pending_cap) {
		uint32_t cap = t->tgt->pending_cap ? t->tgt->pending_cap * 2 : 4;
		tf_res **n = rp_arena_alloc(c->a, cap * sizeof(*n));
		if (!n)
			return -RP_ENOMEM;
		if (t->tgt->npending)
			memcpy(n, t->tgt->pending, t->tgt->npending * sizeof(*n));
		t->tgt->pending = n;
		t->tgt->pending_cap = cap;
	}
	t->tgt->pending[t->tgt->npending++] = r;
	return 0;
}

static int do_merge(tf_ctx *c, tf_res *r, tf_res *p)
{
	const tf_type *m = r->map;
	rp_span sp = span_of(c, r->node);
	tf_x rx = tf_res_x(r);
	tf_tgt *g = p->tgt; /* set: r was queued on p */
	vt_node *base;

	if (m->merge_object) {
		base = rp_vt_obj_at(c->vta, c->body, m->merge_path, sp);
		if (!base)
			return -RP_ENOMEM;
	} else {
		vt_node *arr = rp_vt_arr_at(c->vta, c->body, m->merge_path, sp);
		base = rp_vt_new(c->vta, VT_OBJ, sp);
		if (!arr || !base)
			return -RP_ENOMEM;
		rp_vt_append(arr, base);
		/* findings on the element name this resource's address */
		if (g->nkids == g->kids_cap) {
			uint32_t cap = g->kids_cap ? g->kids_cap * 2 : 8;
			rp_resource_addr *k = rp_arena_alloc(c->a, cap * sizeof(*k));
			if (!k)
				return -RP_ENOMEM;
			if (g->nkids)
				memcpy(k, g->kids, g->nkids * sizeof(*k));
			g->kids = k;
			g->kids_cap = cap;
		}
		g->kids[g->nkids].path =
			rp_arena_printf(c->a, "%s[%u]", m->merge_path, arr->n - 1u);
		g->kids[g->nkids].address = r->address;
		if (!g->kids[g->nkids].path)
			return -RP_ENOMEM;
		g->nkids++;
	}
	return rp_tf_map_resource(c, r, base, m->attrs, &rx, r->cfg, p->id);
}

static int do_assoc(tf_ctx *c, tf_res *r, tf_res *t)
{
	const tf_type *m = r->map;
	rp_value *val = NULL;
	vt_node *props, *ipcs, *el;
	tf_x rx = tf_res_x(r), ipx, vx;
	const char *ipname = NULL;
	size_t ipl = 0;
	int rc;

	if (m->assoc_ipconfig && rp_tf_x_get(c, &rx, m->assoc_ipconfig, &ipx) &&
	    !rp_tf_x_str(c, &ipx, &ipname, &ipl))
		ipname = NULL;
	rp_tf_x_get(c, &rx, m->assoc_value, &vx);
	rc = rp_tf_resolve_id(c, r, &vx, res_expr(c, r, m->assoc_value), m->assoc_value,
			      m->assoc_value_type, &val);
	if (rc < 0)
		return rc;
	if (!t || !c->body || !val) {
		diag_at(c, RP_DIAG_NOTE, "tfplan-unresolved-association", r->node,
			"%s: the associated resource is not in the plan; the association is not "
			"applied",
			r->address);
		return 0;
	}
	if (m->assoc_op == TA_SET) {
		vt_node *o = rp_vt_obj_at(c->vta, c->body, m->assoc_path, val->span);
		if (!o)
			return -RP_ENOMEM;
		return rp_vt_set(c->vta, o, "id", val);
	}
	props = rp_vt_get(c->body, "properties");
	ipcs = rp_vt_get(props, "ipConfigurations");
	if (!ipcs || ipcs->kind != VT_ARR)
		return 0;
	for (el = ipcs->first; el; el = el->next) {
		vt_node *arr, *o, *nm = rp_vt_get(el, "name");
		if (ipname) {
			if (!nm || nm->kind != VT_LEAF || !nm->leaf ||
			    nm->leaf->kind != RP_V_STRING || strlen(nm->leaf->u.s) != ipl ||
			    memcmp(nm->leaf->u.s, ipname, ipl) != 0)
				continue;
		}
		arr = rp_vt_arr_at(c->vta, el,
				   rp_arena_printf(c->vta, "properties.%s", m->assoc_path),
				   val->span);
		o = rp_vt_new(c->vta, VT_OBJ, val->span);
		if (!arr || !o || rp_vt_set(c->vta, o, "id", val) < 0)
			return -RP_ENOMEM;
		rp_vt_append(arr, o);
	}
	return 0;
}

static int emit(tf_ctx *c, tf_res *r)
{
	rp_resource *o;
	rp_value *body = rp_vt_freeze(c->a, &c->keys, c->body), *v;
	const rp_value *loc;

	if (!body)
		return -RP_ENOMEM;
	o = rp_deployment_add(c->dep);
	if (!o)
		return -RP_ENOMEM;
	o->type = r->map->arm_type;
	o->name = rp_value_getz(body, "name");
	o->id = r->id ? rp_value_string_borrow(c->a, r->id, strlen(r->id), span_of(c, r->node))
		      : rp_value_unknown(c->a, span_of(c, r->node), "resource ID of %s not known",
					 r->address);
	o->api_version = r->map->api_version;
	loc = rp_value_getz(body, "location");
	o->location = (rp_value *)loc;
	o->body = body;
	o->properties = rp_value_getz(body, "properties");
	o->address = r->address;
	o->child_addresses = r->tgt ? r->tgt->kids : NULL;
	o->nchild_addresses = r->tgt ? r->tgt->nkids : 0;
	o->origin = RP_ORIGIN_TFPLAN;
	o->condition = RP_COND_TRUE;
	o->span = span_of(c, r->node);
	if (r->map->scope_attr) {
		tf_x rx = tf_res_x(r), sx;
		int rc;
		v = NULL;
		rp_tf_x_get(c, &rx, r->map->scope_attr, &sx);
		if ((rc = rp_tf_resolve_id(c, r, &sx, res_expr(c, r, r->map->scope_attr),
					   r->map->scope_attr, NULL, &v)) < 0)
			return rc;
		if (v && v->kind == RP_V_STRING)
			o->scope = v->u.s;
	}
	if (!o->id)
		return -RP_ENOMEM;
	return 0;
}

/* ------------------------------------------------- handing the tape back
 *
 * After the walk, the parsed plan is read only where a body still to be
 * built needs it: planned_values (or values) and resource_changes are read
 * in resource order, the configuration anywhere (references).  So the
 * tape of those two subtrees goes back to the system as the body loop
 * advances (rp_json_doc_discard), and the other top-level members
 * (prior_state, resource_drift, output_changes, ...) go right after the
 * walk: the bodies grow while the tape shrinks, instead of the two
 * coexisting whole at the end.  The caller may only free the document
 * afterwards (tfplan.h). */

/* Nodes between two discards (256 KiB of tape): the reader releases the
 * whole 2 MiB blocks inside the range, so each block goes soon after the
 * last body reading it is built. */
#define TF_DISCARD_STEP ((uint32_t)((256u << 10) / sizeof(rp_json_node)))

typedef struct tf_region {
	uint32_t lo, hi; /* the subtree [lo, hi) */
	uint32_t done;   /* last discard up to here (the reader rounds to blocks) */
	uint32_t *need;  /* need[i]: first node of [lo, hi) res[i..] still read; hi if none */
} tf_region;

static void need_node(const tf_region *g, uint32_t *m, uint32_t node)
{
	if (node >= g->lo && node < g->hi && node < *m)
		*m = node;
}

/* Every node of the tape a body reads of r is in one of these subtrees:
 * the resource object (values, sensitive_values, name), after_unknown /
 * after_sensitive in its change, its configuration expressions. */
static void need_res(const tf_region *g, uint32_t *m, const tf_res *r)
{
	need_node(g, m, r->node);
	need_node(g, m, r->xval);
	need_node(g, m, r->xunk);
	need_node(g, m, r->xsens);
	need_node(g, m, r->name_node);
	need_node(g, m, r->cfg);
}

/* g->need for every resource index: what the bodies from index i on (and
 * the resources merged or associated into them) still read.  0 or
 * -RP_ENOMEM. */
static int region_plan(tf_ctx *c, tf_region *g)
{
	size_t i;

	g->done = g->lo;
	g->need = malloc((c->nres + 1) * sizeof(*g->need));
	if (!g->need)
		return -RP_ENOMEM;
	g->need[c->nres] = g->hi;
	for (i = c->nres; i-- > 0;) {
		const tf_res *r = c->res[i];
		uint32_t m = g->need[i + 1], j;
		if (has_body(r)) {
			need_res(g, &m, r);
			for (j = 0; r->tgt && j < r->tgt->npending; j++)
				need_res(g, &m, r->tgt->pending[j]);
		}
		g->need[i] = m;
	}
	return 0;
}

/* Before the body of res[i]: releases what no body from i on reads. */
static void region_advance(tf_ctx *c, tf_region *g, size_t i)
{
	uint32_t upto = g->need[i];

	if (upto >= g->done + TF_DISCARD_STEP || (upto == g->hi && upto > g->done)) {
		/* from lo each time: the reader releases whole blocks only, so
		 * the block astride the last end goes now (the blocks released
		 * before cost a walk of empty page tables) */
		(void)rp_json_doc_discard(c->doc, g->lo, upto);
		g->done = upto;
	}
}

/* The region of the member value v of the root (empty when v is none). */
static tf_region region_of(tf_ctx *c, uint32_t v)
{
	tf_region g;

	memset(&g, 0, sizeof(g));
	if (v != RP_JSON_NONE && v < c->doc->nnodes) {
		g.lo = v;
		g.hi = c->doc->nodes[v].next;
	}
	return g;
}

/* After the walk: the top-level members the bodies never read. */
static void discard_unread(tf_ctx *c, uint32_t root, uint32_t pv, uint32_t cfg)
{
	rp_json_iter it = rp_json_iter_begin(c->doc, root);
	uint32_t k, e;

	while (rp_json_iter_next(c->doc, &it, &k, &e))
		if (e != pv && e != c->changes && e != cfg)
			(void)rp_json_doc_discard(c->doc, e, c->doc->nodes[e].next);
}

static bool version_ok(const char *v)
{
	/* "0.x" or "1.x" */
	return v && (v[0] == '0' || v[0] == '1') && (v[1] == '.' || v[1] == '\0');
}

int rp_tfplan_load_doc(rp_json_doc *doc, rp_deployment *dep, rp_diag *diag)
{
	tf_ctx c;
	uint32_t root = 0, fv, pv, cfg, mod, k, e;
	tf_region gpv, grc;
	const char *ver;
	rp_json_iter it;
	size_t i;
	int rc = 0;

	memset(&c, 0, sizeof(c));
	memset(&gpv, 0, sizeof(gpv));
	memset(&grc, 0, sizeof(grc));
	c.a = dep->arena;
	c.doc = doc;
	c.dep = dep;
	c.diag = diag;
	c.src = doc->src;
	c.subscription = RP_TF_SUBSCRIPTION;
	rp_map_init(&c.by_base, false);
	rp_map_init(&c.by_id, true);
	rp_map_init(&c.unmapped, false);
	rp_map_init(&c.by_change, false);
	rp_map_init(&c.cfg_index, false);
	rp_map_init(&c.keys, false);
	c.vta = rp_arena_new();
	c.pool_cache = calloc(TF_POOL_CACHE, sizeof(*c.pool_cache));
	if (!c.vta || !c.pool_cache) {
		rc = -RP_ENOMEM;
		goto out;
	}
	if (!rp_json_is(doc, root, RP_JSON_OBJECT)) {
		diag_at(&c, RP_DIAG_ERROR, "tfplan-shape", root,
			"%s: not a Terraform plan or state (`terraform show -json` prints an "
			"object)",
			c.src->name);
		rc = -RP_EPARSE;
		goto out;
	}
	fv = get(&c, root, "format_version");
	ver = strz(&c, fv);
	if (!ver) {
		diag_at(&c, RP_DIAG_ERROR, "tfplan-shape", root,
			"%s: no format_version: not `terraform show -json` output", c.src->name);
		rc = -RP_EPARSE;
		goto out;
	}
	if (!version_ok(ver)) {
		diag_at(&c, RP_DIAG_ERROR, "tfplan-version", fv,
			"unsupported Terraform JSON format_version %s (0.x and 1.x are read)", ver);
		rc = -RP_EUNSUPPORTED;
		goto out;
	}
	pv = get(&c, root, "planned_values");
	if (pv == RP_JSON_NONE)
		pv = get(&c, root, "values");
	cfg = get(&c, root, "configuration");
	c.config_root = get(&c, cfg, "root_module");
	c.changes = get(&c, root, "resource_changes");
	if (rp_json_is(doc, c.changes, RP_JSON_ARRAY)) {
		it = rp_json_iter_begin(doc, c.changes);
		while (rp_json_iter_next(doc, &it, &k, &e)) {
			const char *a;
			size_t al;
			uint32_t an = get(&c, e, "address");
			/* keys borrowed from the document (alive during the load) */
			if (!rp_json_is(doc, an, RP_JSON_STRING) ||
			    rp_json_str(doc, an, &a, &al) < 0)
				continue;
			if (rp_map_put(&c.by_change, a, al, (void *)((uintptr_t)e + 1u), NULL) <
			    0) {
				rc = -RP_ENOMEM;
				goto out;
			}
		}
	} else {
		c.changes = RP_JSON_NONE;
	}
	if (pv == RP_JSON_NONE) {
		/* A plan with no changes and no values, e.g. an empty configuration. */
		if (c.changes == RP_JSON_NONE &&
		    get(&c, root, "terraform_version") == RP_JSON_NONE) {
			diag_at(&c, RP_DIAG_ERROR, "tfplan-shape", root,
				"%s: neither planned_values nor values: not a Terraform plan or "
				"state",
				c.src->name);
			rc = -RP_EPARSE;
		}
		goto out;
	}
	mod = get(&c, pv, "root_module");
	if (mod == RP_JSON_NONE)
		goto out;
	if ((rc = walk_module(&c, mod, "", 0)) < 0)
		goto out;
	/* resource_changes were read by the walk: their index goes before
	 * the bodies are built (the load's peak) */
	rp_map_release(&c.by_change);
	for (i = 0; i < c.nres; i++)
		if ((rc = rp_tf_identity(&c, c.res[i])) < 0)
			goto out;
	for (i = 0; i < c.nres; i++) {
		tf_res *r = c.res[i];
		if (!r->data && r->map && (r->map->kind == TK_MERGE || r->map->kind == TK_ASSOC) &&
		    (rc = queue_on(&c, r)) < 0)
			goto out;
	}
	/* from here on the plan is read only where bodies still to be built
	 * need it */
	discard_unread(&c, root, pv, cfg);
	gpv = region_of(&c, pv);
	grc = region_of(&c, c.changes);
	if ((rc = region_plan(&c, &gpv)) < 0 || (rc = region_plan(&c, &grc)) < 0)
		goto out;
	/* One resource at a time: its body with what is merged into it, frozen
	 * and emitted; the construction tree is scratch, dropped in batches. */
	for (i = 0; i < c.nres; i++) {
		tf_res *r = c.res[i];
		size_t j;
		if (!has_body(r))
			continue;
		region_advance(&c, &gpv, i);
		region_advance(&c, &grc, i);
		if ((rc = build_body(&c, r)) < 0)
			goto out;
		for (j = 0; r->tgt && j < r->tgt->npending && rc == 0; j++)
			rc = r->tgt->pending[j]->map->kind == TK_MERGE
				     ? do_merge(&c, r->tgt->pending[j], r)
				     : do_assoc(&c, r->tgt->pending[j], r);
		if (rc < 0 || (rc = emit(&c, r)) < 0)
			goto out;
		c.body = NULL;
		if (rp_arena_footprint(c.vta) > TF_SCRATCH_MAX) {
			c.vta = rp_arena_free(c.vta);
			if (!(c.vta = rp_arena_new())) {
				rc = -RP_ENOMEM;
				goto out;
			}
		}
	}
out:
	if (rc == 0 && c.err)
		rc = c.err; /* a failure where a NULL could not say it */
	if (rc == -RP_ENOMEM)
		rp_diag_add(diag, RP_DIAG_ERROR, NULL, 0, 0, "%s: out of memory", c.src->name);
	free(c.res);
	free(gpv.need);
	free(grc.need);
	rp_map_release(&c.by_base);
	rp_map_release(&c.by_id);
	rp_map_release(&c.unmapped);
	rp_map_release(&c.by_change);
	rp_map_release(&c.cfg_index);
	rp_map_release(&c.keys);
	rp_buf_release(&c.tmp);
	free(c.pool_cache);
	rp_arena_free(c.vta);
	return rc;
}

int rp_tfplan_load(rp_source *src, rp_deployment *dep, rp_diag *diag)
{
	rp_json_doc *doc = NULL;
	int rc;

	rc = rp_deployment_own_source(dep, src);
	if (rc < 0)
		return rc;
	rc = rp_json_parse(src, RP_JSON_STRICT, &doc, diag);
	if (rc < 0)
		goto out;
	rc = rp_tfplan_load_doc(doc, dep, diag);
out:
	rp_json_doc_free(doc);
	return rc;
}

size_t rp_tfplan_type_count(void)
{
	size_t n = 0;

	while (rp_tf_type_at(n))
		n++;
	return n;
}

const char *rp_tfplan_type_name(size_t i, const char **arm_type)
{
	const tf_type *t = rp_tf_type_at(i);

	if (!t)
		return NULL;
	if (arm_type)
		*arm_type = t->arm_type;
	return t->tf_type;
}
