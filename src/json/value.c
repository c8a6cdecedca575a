/* value.c: constructors, conversion from the JSON tape, lookups, equality. */
#include "json/value.h"
#include "util/str.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static rp_value *alloc_value(rp_arena *a, rp_vkind k, rp_span sp)
{
	rp_value *v = rp_arena_alloc(a, sizeof(*v));

	if (!v)
		return NULL;
	memset(v, 0, sizeof(*v));
	v->kind = (uint8_t)k;
	v->span = sp;
	return v;
}

rp_value *rp_value_null(rp_arena *a, rp_span sp)
{
	return alloc_value(a, RP_V_NULL, sp);
}

rp_value *rp_value_bool(rp_arena *a, bool b, rp_span sp)
{
	rp_value *v = alloc_value(a, RP_V_BOOL, sp);
	if (v)
		v->u.b = b;
	return v;
}

rp_value *rp_value_int(rp_arena *a, int64_t i, rp_span sp)
{
	rp_value *v = alloc_value(a, RP_V_INT, sp);
	if (v)
		v->u.i = i;
	return v;
}

rp_value *rp_value_float(rp_arena *a, double f, rp_span sp)
{
	rp_value *v = alloc_value(a, RP_V_FLOAT, sp);
	if (v)
		v->u.f = f;
	return v;
}

rp_value *rp_value_string_borrow(rp_arena *a, const char *s, size_t n, rp_span sp)
{
	rp_value *v;

	if (n > UINT32_MAX)
		return NULL;
	v = alloc_value(a, RP_V_STRING, sp);
	if (v) {
		v->u.s = s;
		v->len = (uint32_t)n;
	}
	return v;
}

rp_value *rp_value_string(rp_arena *a, const char *s, size_t n, rp_span sp)
{
	char *c = rp_arena_strndup(a, s, n);

	return c ? rp_value_string_borrow(a, c, n, sp) : NULL;
}

rp_value *rp_value_array(rp_arena *a, rp_value *const *items, size_t n, rp_span sp)
{
	rp_value *v;
	rp_value **copy;

	if (n > UINT32_MAX)
		return NULL;
	v = alloc_value(a, RP_V_ARRAY, sp);
	if (!v)
		return NULL;
	copy = rp_arena_alloc(a, (n ? n : 1) * sizeof(*copy));
	if (!copy)
		return NULL;
	if (n)
		memcpy(copy, items, n * sizeof(*copy));
	v->u.items = copy;
	v->len = (uint32_t)n;
	return v;
}

rp_value *rp_value_object(rp_arena *a, const rp_member *members, size_t n, rp_span sp)
{
	rp_value *v;
	rp_member *copy;

	if (n > UINT32_MAX)
		return NULL;
	v = alloc_value(a, RP_V_OBJECT, sp);
	if (!v)
		return NULL;
	copy = rp_arena_alloc(a, (n ? n : 1) * sizeof(*copy));
	if (!copy)
		return NULL;
	if (n)
		memcpy(copy, members, n * sizeof(*copy));
	v->u.members = copy;
	v->len = (uint32_t)n;
	return v;
}

rp_value *rp_value_array_take(rp_arena *a, rp_value **items, size_t n, rp_span sp)
{
	rp_value *v;

	if (n > UINT32_MAX || (!items && n))
		return NULL;
	v = alloc_value(a, RP_V_ARRAY, sp);
	if (!v)
		return NULL;
	v->u.items = items;
	v->len = (uint32_t)n;
	return v;
}

rp_value *rp_value_object_take(rp_arena *a, rp_member *members, size_t n, rp_span sp)
{
	rp_value *v;

	if (n > UINT32_MAX || (!members && n))
		return NULL;
	v = alloc_value(a, RP_V_OBJECT, sp);
	if (!v)
		return NULL;
	v->u.members = members;
	v->len = (uint32_t)n;
	return v;
}

rp_value *rp_value_unknown(rp_arena *a, rp_span sp, const char *fmt, ...)
{
	rp_value *v = alloc_value(a, RP_V_UNKNOWN, sp);
	va_list ap;
	char *r;
	int n;

	char tmp[256];

	if (!v)
		return NULL;
	/* one pass for short reasons (the usual case) */
	va_start(ap, fmt);
	n = rp_vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	r = rp_arena_alloc(a, (size_t)n + 1);
	if (!r)
		return NULL;
	if ((size_t)n < sizeof(tmp)) {
		memcpy(r, tmp, (size_t)n + 1);
	} else {
		va_start(ap, fmt);
		rp_vsnprintf(r, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	v->u.reason = r;
	v->len = (uint32_t)n;
	return v;
}

rp_value *rp_value_unknown_str(rp_arena *a, rp_span sp, const char *reason, size_t n)
{
	rp_value *v;
	char *r;

	if (n > UINT32_MAX)
		return NULL;
	v = alloc_value(a, RP_V_UNKNOWN, sp);
	r = v ? rp_arena_strndup(a, reason, n) : NULL;
	if (!r)
		return NULL;
	v->u.reason = r;
	v->len = (uint32_t)n;
	return v;
}

rp_value *rp_value_with(rp_arena *a, const rp_value *v, unsigned flags, rp_span sp)
{
	rp_value *c = rp_arena_alloc(a, sizeof(*c));

	if (!c)
		return NULL;
	*c = *v;
	c->flags = (uint8_t)flags;
	c->span = sp;
	return c;
}

/* Conversion: one pass over the subtree's nodes counts what it needs, then
 * four arena allocations hold every value, item pointer, member and string
 * of the subtree (instead of one or two per node), filled by a recursive
 * walk; the reader bounds depth (RP_JSON_MAX_DEPTH). */
typedef struct conv {
	rp_arena *a;
	rp_json_doc *doc;
	rp_value *vals;     /* next free value */
	rp_value **items;   /* next free item slot */
	rp_member *members; /* next free member slot */
	char *strs;         /* next free string byte */
} conv;

/* Copies the (decoded) string of node i into c->strs; NULL on failure. */
static const char *conv_str(conv *c, uint32_t i, size_t *n)
{
	const rp_json_node *nd = &c->doc->nodes[i];
	const char *p;
	char *d = c->strs;

	if (!(rp_json_flags(c->doc, i) & RP_JSON_F_ESCAPES)) {
		p = c->doc->src->data + nd->off + 1;
		*n = nd->len - 2;
	} else if (rp_json_str(c->doc, i, &p, n) < 0) {
		return NULL;
	}
	if (*n)
		memcpy(d, p, *n);
	d[*n] = '\0';
	c->strs += *n + 1;
	return d;
}

static rp_value *conv_node(conv *c, uint32_t i)
{
	rp_json_doc *doc = c->doc;
	const rp_json_node *nd = &doc->nodes[i];
	rp_value *v = c->vals++;
	uint32_t k, n, idx = 0, end;
	size_t pn;
	int64_t iv;
	double dv;

	memset(v, 0, sizeof(*v));
	v->flags = RP_VF_LITERAL;
	v->span.src = doc->src;
	v->span.off = nd->off;
	v->span.len = nd->len;
	switch (rp_json_kind_of(doc, i)) {
	case RP_JSON_NULL: v->kind = RP_V_NULL; break;
	case RP_JSON_FALSE: v->kind = RP_V_BOOL; break;
	case RP_JSON_TRUE:
		v->kind = RP_V_BOOL;
		v->u.b = true;
		break;
	case RP_JSON_NUMBER:
		if (rp_json_int64(doc, i, &iv) == 0) {
			v->kind = RP_V_INT;
			v->u.i = iv;
		} else {
			v->kind = RP_V_FLOAT;
			v->u.f = rp_json_double(doc, i, &dv) == 0 ? dv : HUGE_VAL;
		}
		break;
	case RP_JSON_STRING:
	case RP_JSON_KEY:
		v->kind = RP_V_STRING;
		v->u.s = conv_str(c, i, &pn);
		if (!v->u.s || pn > UINT32_MAX)
			return NULL;
		v->len = (uint32_t)pn;
		break;
	case RP_JSON_ARRAY: {
		rp_value **items = c->items;
		n = rp_json_count(doc, i);
		c->items += n;
		end = nd->next;
		for (k = i + 1; k < end && idx < n; k = doc->nodes[k].next) {
			items[idx] = conv_node(c, k);
			if (!items[idx])
				return NULL;
			idx++;
		}
		v->kind = RP_V_ARRAY;
		v->u.items = items;
		v->len = idx;
		break;
	}
	case RP_JSON_OBJECT: {
		rp_member *m = c->members;
		n = rp_json_count(doc, i);
		c->members += n;
		end = nd->next;
		for (k = i + 1; k < end && idx < n; k = doc->nodes[k + 1].next) {
			uint32_t j = idx;
			const char *key = conv_str(c, k, &pn);
			if (!key || pn > UINT32_MAX)
				return NULL;
			/* A duplicate (exact) key replaces the earlier member in
			 * place: ARM sees the last value. */
			if (rp_json_flags(doc, k) & RP_JSON_F_DUP)
				for (j = 0; j < idx; j++)
					if (m[j].keylen == pn && memcmp(m[j].key, key, pn) == 0)
						break;
			if (j == idx)
				idx++;
			m[j].key = key;
			m[j].keylen = (uint32_t)pn;
			m[j].keyspan.src = doc->src;
			m[j].keyspan.off = doc->nodes[k].off;
			m[j].keyspan.len = doc->nodes[k].len;
			m[j].val = conv_node(c, k + 1);
			if (!m[j].val)
				return NULL;
		}
		v->kind = RP_V_OBJECT;
		v->u.members = m;
		v->len = idx;
		break;
	}
	default: return NULL;
	}
	return v;
}

rp_value *rp_value_from_json(rp_arena *a, rp_json_doc *doc, uint32_t i)
{
	size_t nvals = 0, nitems = 0, nmembers = 0, nbytes = 0;
	uint32_t k, end;
	conv c;

	if (i >= doc->nnodes)
		return NULL;
	end = doc->nodes[i].next;
	for (k = i; k < end; k++) {
		switch (rp_json_kind_of(doc, k)) {
		case RP_JSON_KEY:
			nbytes += doc->nodes[k].len - 1;
			if (k != i)
				continue; /* keys are no values */
			break;
		case RP_JSON_STRING: nbytes += doc->nodes[k].len - 1; break;
		case RP_JSON_ARRAY: nitems += rp_json_count(doc, k); break;
		case RP_JSON_OBJECT: nmembers += rp_json_count(doc, k); break;
		default: break;
		}
		nvals++;
	}
	c.a = a;
	c.doc = doc;
	c.vals = rp_arena_alloc(a, nvals * sizeof(rp_value));
	c.items = rp_arena_alloc(a, nitems * sizeof(rp_value *));
	c.members = rp_arena_alloc(a, nmembers * sizeof(rp_member));
	c.strs = rp_arena_alloc(a, nbytes);
	if (!c.vals || !c.items || !c.members || !c.strs)
		return NULL;
	return conv_node(&c, i);
}

rp_value *rp_value_get(const rp_value *v, const char *key, size_t keylen)
{
	uint32_t i;

	if (!v || v->kind != RP_V_OBJECT)
		return NULL;
	/* from the end: the first match is the last member with the key */
	for (i = v->len; i-- > 0;) {
		const rp_member *m = &v->u.members[i];
		/* first bytes equal but for the 0x20 bit: necessary for an ASCII
		 * case-insensitive match, and cheap to test first */
		if (m->keylen == keylen &&
		    (keylen == 0 ||
		     (((unsigned char)m->key[0] ^ (unsigned char)key[0]) & 0xDFu) == 0) &&
		    rp_str_ieq(m->key, key, keylen))
			return m->val;
	}
	return NULL;
}

rp_value *rp_value_path(const rp_value *v, const char *dotted)
{
	const char *p = dotted, *dot;
	rp_value *cur = (rp_value *)v;

	while (cur && *p) {
		dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		cur = rp_value_get(cur, p, n);
		if (!dot)
			break;
		p = dot + 1;
	}
	return cur;
}

const rp_value *rp_value_find_unknown(const rp_value *v)
{
	const rp_value *u;
	uint32_t i;

	if (!v)
		return NULL;
	switch (v->kind) {
	case RP_V_UNKNOWN: return v;
	case RP_V_ARRAY:
		for (i = 0; i < v->len; i++)
			if ((u = rp_value_find_unknown(v->u.items[i])) != NULL)
				return u;
		return NULL;
	case RP_V_OBJECT:
		for (i = 0; i < v->len; i++)
			if ((u = rp_value_find_unknown(v->u.members[i].val)) != NULL)
				return u;
		return NULL;
	default: return NULL;
	}
}

bool rp_value_has_unknown(const rp_value *v)
{
	return rp_value_find_unknown(v) != NULL;
}

bool rp_value_equal(const rp_value *a, const rp_value *b)
{
	uint32_t i;

	if (!a || !b)
		return a == b;
	if (a->kind == RP_V_UNKNOWN || b->kind == RP_V_UNKNOWN)
		return false;
	if ((a->kind == RP_V_INT || a->kind == RP_V_FLOAT) &&
	    (b->kind == RP_V_INT || b->kind == RP_V_FLOAT)) {
		if (a->kind == RP_V_INT && b->kind == RP_V_INT)
			return a->u.i == b->u.i;
		return (a->kind == RP_V_INT ? (double)a->u.i : a->u.f) ==
		       (b->kind == RP_V_INT ? (double)b->u.i : b->u.f);
	}
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case RP_V_NULL: return true;
	case RP_V_BOOL: return a->u.b == b->u.b;
	case RP_V_STRING: return a->len == b->len && memcmp(a->u.s, b->u.s, a->len) == 0;
	case RP_V_ARRAY:
		if (a->len != b->len)
			return false;
		for (i = 0; i < a->len; i++)
			if (!rp_value_equal(a->u.items[i], b->u.items[i]))
				return false;
		return true;
	case RP_V_OBJECT:
		if (a->len != b->len)
			return false;
		for (i = 0; i < a->len; i++) {
			const rp_member *m = &a->u.members[i];
			if (!rp_value_equal(m->val, rp_value_get(b, m->key, m->keylen)))
				return false;
		}
		return true;
	default: return false;
	}
}

bool rp_value_str_ieq(const rp_value *v, const char *s)
{
	size_t n = strlen(s);

	return v && v->kind == RP_V_STRING && v->len == n && rp_str_ieq(v->u.s, s, n);
}

const char *rp_vkind_name(rp_vkind k)
{
	switch (k) {
	case RP_V_NULL: return "null";
	case RP_V_BOOL: return "bool";
	case RP_V_INT: return "int";
	case RP_V_FLOAT: return "float";
	case RP_V_STRING: return "string";
	case RP_V_ARRAY: return "array";
	case RP_V_OBJECT: return "object";
	case RP_V_UNKNOWN: return "unknown";
	default: return "?";
	}
}

void rp_value_write(rp_jw *w, const rp_value *v)
{
	uint32_t i;

	if (!v) {
		rp_jw_null(w);
		return;
	}
	switch (v->kind) {
	case RP_V_NULL: rp_jw_null(w); break;
	case RP_V_BOOL: rp_jw_bool(w, v->u.b); break;
	case RP_V_INT: rp_jw_int(w, v->u.i); break;
	case RP_V_FLOAT: rp_jw_double(w, v->u.f); break;
	case RP_V_STRING: rp_jw_stringn(w, v->u.s, v->len); break;
	case RP_V_ARRAY:
		rp_jw_array_begin(w);
		for (i = 0; i < v->len; i++)
			rp_value_write(w, v->u.items[i]);
		rp_jw_array_end(w);
		break;
	case RP_V_OBJECT:
		rp_jw_object_begin(w);
		for (i = 0; i < v->len; i++) {
			rp_jw_keyn(w, v->u.members[i].key, v->u.members[i].keylen);
			rp_value_write(w, v->u.members[i].val);
		}
		rp_jw_object_end(w);
		break;
	case RP_V_UNKNOWN:
		rp_jw_object_begin(w);
		rp_jw_key(w, "$unknown");
		rp_jw_string(w, v->u.reason);
		rp_jw_object_end(w);
		break;
	}
}
