/* access.c: reading values off the JSON tape: iteration, lookup, lazy
 * string unescaping, exact number conversion, reporting. */
#include "json/json.h"
#include "util/error.h"
#include "util/str.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Cache of unescaped strings: open addressing on node index. */
struct strent {
	uint32_t idx; /* node index + 1; 0 = empty */
	uint32_t len;
	const char *p;
};
struct dense_ent {
	const char *p; /* NULL until decoded */
	uint32_t len;
};
/* Escaped strings carry 1 + a slot number in their meta bits (reader.c):
 * a dense array indexed by it, filled in document order by typical walks.
 * Strings without a slot (more than 2^24 - 2 escaped strings) use the
 * open-addressing table on the node index. */
struct strcache {
	struct strent *slots;
	size_t nslots, count;
	struct dense_ent *dense;
	uint32_t ndense;
};

rp_json_doc *rp_json_doc_free(rp_json_doc *doc)
{
	struct strcache *c;

	if (!doc)
		return NULL;
	c = doc->strcache;
	if (c) {
		free(c->slots);
		free(c->dense);
		free(c);
	}
	free(doc->nodes);
	free(doc->ext_uses);
	free(doc->dups);
	rp_arena_free(doc->arena);
	free(doc);
	return NULL;
}

const char *rp_json_ext_name(rp_json_ext ext)
{
	switch (ext) {
	case RP_JSON_EXT_LINE_COMMENT: return "line comment";
	case RP_JSON_EXT_BLOCK_COMMENT: return "block comment";
	case RP_JSON_EXT_MULTILINE_STRING: return "multi-line string";
	case RP_JSON_EXT_TRAILING_COMMA: return "trailing comma";
	case RP_JSON_EXT_BOM: return "byte order mark";
	default: return "extension";
	}
}

const char *rp_json_kind_name(rp_json_kind kind)
{
	static const char *const names[] = { "null",   "boolean", "boolean", "number",
					     "string", "array",   "object",  "key" };
	return (unsigned)kind < 8 ? names[kind] : "?";
}

rp_json_iter rp_json_iter_begin(const rp_json_doc *d, uint32_t c)
{
	rp_json_iter it = { 0, 0, false };
	rp_json_kind k;

	if (c == RP_JSON_NONE || c >= d->nnodes)
		return it;
	k = rp_json_kind_of(d, c);
	if (k != RP_JSON_ARRAY && k != RP_JSON_OBJECT)
		return it;
	it.pos = c + 1;
	it.end = d->nodes[c].next;
	it.object = k == RP_JSON_OBJECT;
	return it;
}

bool rp_json_iter_next(const rp_json_doc *d, rp_json_iter *it, uint32_t *key, uint32_t *val)
{
	if (it->pos >= it->end)
		return false;
	if (it->object) {
		*key = it->pos;
		*val = it->pos + 1;
	} else {
		*key = RP_JSON_NONE;
		*val = it->pos;
	}
	it->pos = d->nodes[*val].next;
	return true;
}

static uint32_t get_impl(rp_json_doc *d, uint32_t obj, const char *key, size_t keylen, bool ci)
{
	rp_json_iter it;
	uint32_t k, v, found = RP_JSON_NONE;

	if (!rp_json_is(d, obj, RP_JSON_OBJECT))
		return RP_JSON_NONE;
	it = rp_json_iter_begin(d, obj);
	while (rp_json_iter_next(d, &it, &k, &v)) {
		const rp_json_node *kn = &d->nodes[k];
		const char *p;
		size_t n;
		if (!(rp_json_flags(d, k) & RP_JSON_F_ESCAPES)) {
			p = d->src->data + kn->off + 1;
			n = kn->len - 2;
		} else if (rp_json_str(d, k, &p, &n) < 0) {
			continue;
		}
		if (n == keylen && (ci ? rp_str_ieq(p, key, n) : memcmp(p, key, n) == 0))
			found = v; /* last duplicate wins */
	}
	return found;
}

uint32_t rp_json_get(rp_json_doc *d, uint32_t obj, const char *key, size_t keylen)
{
	return get_impl(d, obj, key, keylen, false);
}

uint32_t rp_json_get_ci(rp_json_doc *d, uint32_t obj, const char *key, size_t keylen)
{
	return get_impl(d, obj, key, keylen, true);
}

uint32_t rp_json_getz(rp_json_doc *d, uint32_t obj, const char *key)
{
	return get_impl(d, obj, key, strlen(key), false);
}

uint32_t rp_json_getz_ci(rp_json_doc *d, uint32_t obj, const char *key)
{
	return get_impl(d, obj, key, strlen(key), true);
}

uint32_t rp_json_at(const rp_json_doc *d, uint32_t arr, uint32_t i)
{
	rp_json_iter it;
	uint32_t k, v, n = 0;

	if (!rp_json_is(d, arr, RP_JSON_ARRAY) || i >= rp_json_count(d, arr))
		return RP_JSON_NONE;
	it = rp_json_iter_begin(d, arr);
	while (rp_json_iter_next(d, &it, &k, &v))
		if (n++ == i)
			return v;
	return RP_JSON_NONE;
}

static unsigned hex4(const char *s)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = s[i];
		v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Unescapes a validated string body; the output is never longer than the
 * input (every escape is at least as long as its UTF-8 form). */
size_t rp_json_unescape(const char *s, size_t n, char *o)
{
	size_t i = 0, w = 0;

	while (i < n) {
		/* the run up to the next backslash, copied whole */
		const char *q = memchr(s + i, '\\', n - i);
		size_t run = q ? (size_t)(q - (s + i)) : n - i;
		memcpy(o + w, s + i, run);
		w += run;
		i += run;
		if (i >= n)
			break;
		switch (s[i + 1]) {
		case 'b':
			o[w++] = '\b';
			i += 2;
			break;
		case 'f':
			o[w++] = '\f';
			i += 2;
			break;
		case 'n':
			o[w++] = '\n';
			i += 2;
			break;
		case 'r':
			o[w++] = '\r';
			i += 2;
			break;
		case 't':
			o[w++] = '\t';
			i += 2;
			break;
		case 'u': {
			unsigned cp = hex4(s + i + 2);
			i += 6;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				unsigned lo = hex4(s + i + 2);
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				i += 6;
			}
			w += put_utf8(o + w, cp);
			break;
		}
		default: /* " \ / */
			o[w++] = s[i + 1];
			i += 2;
			break;
		}
	}
	return w;
}

static struct strent *cache_slot(struct strcache *c, uint32_t idx)
{
	size_t s = ((size_t)idx * 2654435761u) & (c->nslots - 1);

	while (c->slots[s].idx && c->slots[s].idx != idx + 1)
		s = (s + 1) & (c->nslots - 1);
	return &c->slots[s];
}

static int cache_grow(struct strcache *c)
{
	struct strcache nc;
	size_t i;

	nc.nslots = c->nslots ? c->nslots * 2 : 64;
	nc.count = c->count;
	nc.slots = calloc(nc.nslots, sizeof(*nc.slots));
	if (!nc.slots)
		return -RP_ENOMEM;
	for (i = 0; i < c->nslots; i++)
		if (c->slots[i].idx)
			*cache_slot(&nc, c->slots[i].idx - 1) = c->slots[i];
	free(c->slots);
	*c = nc;
	return 0;
}

int rp_json_str(rp_json_doc *d, uint32_t i, const char **p, size_t *n)
{
	const rp_json_node *nd;
	struct strcache *c = d->strcache;
	struct strent *e;
	char *o;
	size_t w;
	rp_json_kind k;

	if (i == RP_JSON_NONE || i >= d->nnodes)
		return -RP_EINVAL;
	k = rp_json_kind_of(d, i);
	if (k != RP_JSON_STRING && k != RP_JSON_KEY)
		return -RP_EINVAL;
	nd = &d->nodes[i];
	if (!(rp_json_flags(d, i) & RP_JSON_F_ESCAPES)) {
		*p = d->src->data + nd->off + 1;
		*n = nd->len - 2;
		return 0;
	}
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return -RP_ENOMEM;
		d->strcache = c;
	}
	if (nd->meta >> 8) {
		uint32_t slot = (nd->meta >> 8) - 1;
		struct dense_ent *de;
		if (slot >= c->ndense) {
			/* the reader may still be adding strings (duplicate
			 * checks decode keys during the parse) */
			uint32_t cap = d->nescaped > slot ? d->nescaped : slot + 1;
			if (cap < c->ndense * 2)
				cap = c->ndense * 2;
			de = realloc(c->dense, (size_t)cap * sizeof(*de));
			if (!de)
				return -RP_ENOMEM;
			memset(de + c->ndense, 0, (size_t)(cap - c->ndense) * sizeof(*de));
			c->dense = de;
			c->ndense = cap;
		}
		de = &c->dense[slot];
		if (!de->p) {
			o = rp_arena_alloc(d->arena, nd->len - 1);
			if (!o)
				return -RP_ENOMEM;
			w = rp_json_unescape(d->src->data + nd->off + 1, nd->len - 2, o);
			o[w] = '\0';
			de->p = o;
			de->len = (uint32_t)w;
		}
		*p = de->p;
		*n = de->len;
		return 0;
	}
	if (c->nslots) {
		e = cache_slot(c, i);
		if (e->idx) {
			*p = e->p;
			*n = e->len;
			return 0;
		}
	}
	if ((c->count + 1) * 2 > c->nslots && cache_grow(c) < 0)
		return -RP_ENOMEM;
	o = rp_arena_alloc(d->arena, nd->len - 1);
	if (!o)
		return -RP_ENOMEM;
	w = rp_json_unescape(d->src->data + nd->off + 1, nd->len - 2, o);
	o[w] = '\0';
	e = cache_slot(c, i);
	e->idx = i + 1;
	e->len = (uint32_t)w;
	e->p = o;
	c->count++;
	*p = o;
	*n = w;
	return 0;
}

const char *rp_json_strz(rp_json_doc *d, uint32_t i)
{
	const char *p;
	size_t n;

	if (rp_json_str(d, i, &p, &n) < 0)
		return NULL;
	if (rp_json_flags(d, i) & RP_JSON_F_ESCAPES)
		return p; /* already NUL-terminated in the arena */
	return rp_arena_strndup(d->arena, p, n);
}

bool rp_json_str_eq(rp_json_doc *d, uint32_t i, const char *s, size_t n)
{
	const char *p;
	size_t pn;

	return rp_json_str(d, i, &p, &pn) == 0 && pn == n && memcmp(p, s, n) == 0;
}

int rp_json_int64(const rp_json_doc *d, uint32_t i, int64_t *out)
{
	const rp_json_node *nd;
	const char *s;
	uint64_t v = 0, limit;
	bool neg;
	size_t k;

	if (!rp_json_is(d, i, RP_JSON_NUMBER))
		return -RP_EINVAL;
	if (!(rp_json_flags(d, i) & RP_JSON_F_INTEGER))
		return -RP_ERANGE;
	nd = &d->nodes[i];
	s = d->src->data + nd->off;
	neg = s[0] == '-';
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (k = neg ? 1 : 0; k < nd->len; k++) {
		unsigned dgt = (unsigned)(s[k] - '0');
		if (v > (limit - dgt) / 10)
			return -RP_ERANGE;
		v = v * 10 + dgt;
	}
	if (neg)
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*out = (int64_t)v;
	return 0;
}

static locale_t c_locale(void)
{
	static locale_t loc;

	if (!loc)
		loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	return loc;
}

int rp_json_number_double(const char *s, size_t n, double *out)
{
	char buf[RP_JSON_MAX_NUMBER + 1];
	locale_t loc;
	double v;

	if (n > RP_JSON_MAX_NUMBER)
		return -RP_ERANGE;
	memcpy(buf, s, n);
	buf[n] = '\0';
	loc = c_locale();
	if (!loc)
		return -RP_ENOMEM;
	errno = 0;
	v = strtod_l(buf, NULL, loc);
	if (isinf(v))
		return -RP_ERANGE;
	*out = v;
	return 0;
}

int rp_json_double(const rp_json_doc *d, uint32_t i, double *out)
{
	const rp_json_node *nd;

	if (!rp_json_is(d, i, RP_JSON_NUMBER))
		return -RP_EINVAL;
	nd = &d->nodes[i];
	return rp_json_number_double(d->src->data + nd->off, nd->len, out);
}

void rp_json_report(const rp_json_doc *doc, rp_diag *diag)
{
	uint32_t per_kind[RP_JSON_EXT_COUNT_] = { 0 };
	uint32_t i;

	for (i = 0; i < doc->ndups; i++) {
		const rp_json_node *k = &doc->nodes[doc->dups[i].dup_key];
		uint32_t line = 0, col = 0;
		rp_source_linecol(doc->src, doc->nodes[doc->dups[i].first_key].off, &line, &col);
		rp_diag_addc(
			diag, RP_DIAG_WARNING, "json-duplicate-key", doc->src, k->off,
			k->off + k->len,
			"duplicate key %.*s (first at line %u, column %u); the last one is used",
			(int)(k->len > 80 ? 80 : k->len), doc->src->data + k->off, line, col);
	}
	for (i = 0; i < doc->nuses; i++) {
		const rp_json_ext_use *u = &doc->ext_uses[i];
		if (per_kind[u->ext]++ >= 3)
			continue;
		rp_diag_addc(diag, RP_DIAG_NOTE, "json-extension", doc->src, u->off, u->off + 1,
			     "%s (an extension to strict JSON that Azure Resource Manager accepts)",
			     rp_json_ext_name(u->ext));
	}
}
