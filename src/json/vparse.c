/* vparse.c: JSON text straight into rp_value trees, in one pass.
 *
 * rp_value_from_json(rp_json_parse(src)) reads the input twice: the reader
 * validates it into a tape of nodes, and the conversion walks the tape
 * again to build values.  Evaluators that want only the values (ARM
 * templates and parameter files) call rp_value_parse instead: the same
 * grammar, options, limits and values (kinds, spans, flags, the last of
 * duplicate keys at the place of the first, decoded strings), without the
 * tape.  It gives no diagnostics: on any error it returns -RP_EPARSE and
 * the caller reads the input again with rp_json_parse, which reports the
 * exact error (so there is one set of error messages, the reader's).
 *
 * Iterative (an explicit stack of open containers); the values, item and
 * member arrays and strings of the result live in the caller's arena;
 * children wait on two scratch stacks (heap, freed at the end) until their
 * container closes and its arrays can be sized exactly.
 *
 * Short strings (under 16 bytes, no escapes: most keys, and values such as
 * "Premium_LRS" or "2023-09-01") are shared: equal texts of one file get
 * one arena copy (two direct-mapped tables of 128 slots, keys and values,
 * on the stack of each call).  Values are immutable, so sharing their bytes
 * changes nothing for readers; a 1,000-VM template repeats each key a thousand times.
 */
#include "json/scan.h"
#include "json/value.h"
#include "util/error.h"
#include "util/str.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One interned short string: its bytes as two words (zero past len). */
struct vshort {
	uint64_t w0, w1;
	const char *p; /* the arena copy (NUL-terminated) */
	uint64_t len;
};

#define VSHORT_BITS 7 /* 128 slots per table */

/* A table of short strings; only the slots marked in `used` are read, so
 * the slots themselves need no clearing (a table lives on the stack of
 * one rp_value_parse call). */
struct vtab {
	uint64_t used[(1u << VSHORT_BITS) / 64];
	struct vshort slot[1u << VSHORT_BITS];
};

struct vframe {
	rp_value *v; /* the container (kind, span.off set) */
	size_t base; /* its first child on the items or members stack */
	bool object;
};

struct vp {
	const unsigned char *s;
	size_t n, p;
	unsigned opt;
	rp_arena *a;
	rp_source *src;
	uint32_t nodes; /* values and keys, as the reader counts them */
	struct vframe *stack;
	uint32_t depth, stack_cap;
	rp_value **items; /* array children of the open arrays */
	size_t nitems, items_cap;
	rp_member *members; /* members of the open objects */
	size_t nmembers, members_cap;
	uint32_t *slots; /* duplicate-key table of big objects */
	size_t slots_cap;
	/* the first scratch arrays, on rp_value_parse's stack (most files
	 * never need more): grown onto the heap, freed only when there */
	void *stack0, *items0, *members0;
	struct vtab *keys, *strs; /* on rp_value_parse's stack */
};

#define FAIL (-RP_EPARSE)

_Static_assert(RP_ARENA_ALIGN >= 16, "read_string copies short strings 16 bytes at once");

/* Bytes that need no attention inside a string: not a quote, backslash,
 * control character or byte >= 0x80. */
static const unsigned char plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static int skip_ws_slow(struct vp *ps);

/* Whitespace and (when allowed) comments.  The common cases (none, one
 * space, a line break and an indentation of spaces) stay inline. */
static inline int skip_ws(struct vp *ps)
{
	ps->p = rp_scan_ws(ps->s, ps->p, ps->n);
	if (ps->p < ps->n && ps->s[ps->p] == '/')
		return skip_ws_slow(ps);
	return 0;
}

static int skip_ws_slow(struct vp *ps)
{
	const unsigned char *s = ps->s;
	size_t p = ps->p, n = ps->n;

	for (;;) {
		p = rp_scan_ws(s, p, n);
		if (p >= n || s[p] != '/')
			break;
		if (!(ps->opt & RP_JSON_ALLOW_COMMENTS) || p + 1 >= n)
			return FAIL;
		if (s[p + 1] == '/')
			p = rp_scan_line_comment_end(s, p, n);
		else if (s[p + 1] == '*' && (p = rp_scan_block_comment_end(s, p, n)) != 0)
			continue;
		else
			return FAIL;
	}
	ps->p = p;
	return 0;
}

/* The arena copy of the short string s[0..len) (len < 16, 16 bytes
 * readable at s), shared through table tab; NULL when out of memory. */
static const char *short_string(struct vp *ps, struct vtab *tab, const unsigned char *s, size_t len)
{
#if RP_SCAN_LE
	uint64_t w0, w1, h;
	struct vshort *e;
	uint64_t bit;
	size_t i;
	char *d;

	memcpy(&w0, s, 8);
	memcpy(&w1, s + 8, 8);
	/* keep bytes [0, len): the low-order bytes of each word */
	if (len < 8) {
		w0 = len ? w0 & (~(uint64_t)0 >> (64 - 8 * len)) : 0;
		w1 = 0;
	} else {
		w1 = len > 8 ? w1 & (~(uint64_t)0 >> (64 - 8 * (len - 8))) : 0;
	}
	h = (w0 ^ (w1 * 0x9E3779B97F4A7C15u) ^ len) * 0xFF51AFD7ED558CCDu;
	i = (size_t)(h >> (64 - VSHORT_BITS));
	e = &tab->slot[i];
	bit = (uint64_t)1 << (i & 63);
	if ((tab->used[i / 64] & bit) && e->w0 == w0 && e->w1 == w1 && e->len == len)
		return e->p;
	d = rp_arena_alloc(ps->a, 16);
	if (!d)
		return NULL;
	memcpy(d, &w0, 8);
	memcpy(d + 8, &w1, 8); /* d[len] is one of the zeroed bytes */
	e->w0 = w0;
	e->w1 = w1;
	e->len = len;
	e->p = d;
	tab->used[i / 64] |= bit;
	return d;
#else
	char *d = rp_arena_alloc(ps->a, len + 1);

	(void)tab;
	if (!d)
		return NULL;
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
#endif
}

/* The string token at ps->p (a quote), validated and decoded into the
 * arena (NUL-terminated): *out, *outn bytes; ps->p just past it.  A short
 * string without escapes is shared through tab (see short_string). */
static int read_string(struct vp *ps, struct vtab *tab, const char **out, size_t *outn)
{
	const unsigned char *s = ps->s;
	size_t n = ps->n, start = ps->p, p = ps->p + 1, body;
	bool esc = false;
	char *d;

	for (;;) {
		while (n - p >= 8) {
			uint64_t m = rp_scan_special8(rp_scan_load8(s + p));
			if (m) {
#if RP_SCAN_LE
				p += rp_scan_first(m);
#endif
				break;
			}
			p += 8;
		}
		while (p < n && plain[s[p]])
			p++;
		if (p >= n)
			return FAIL;
		if (s[p] == '"')
			break;
		if (s[p] == '\\') {
			unsigned cp, lo;
			esc = true;
			if (p + 1 >= n)
				return FAIL;
			switch (s[p + 1]) {
			case '"':
			case '\\':
			case '/':
			case 'b':
			case 'f':
			case 'n':
			case 'r':
			case 't': p += 2; break;
			case 'u':
				if (!rp_hex4((const char *)s + p + 2, n - (p + 2), &cp) ||
				    (cp >= 0xDC00 && cp <= 0xDFFF))
					return FAIL;
				if (cp >= 0xD800 && cp <= 0xDBFF) {
					if (n - p < 12 || s[p + 6] != '\\' || s[p + 7] != 'u' ||
					    !rp_hex4((const char *)s + p + 8, n - (p + 8), &lo) ||
					    lo < 0xDC00 || lo > 0xDFFF)
						return FAIL;
					p += 12;
				} else {
					p += 6;
				}
				break;
			default: return FAIL;
			}
		} else if (s[p] < 0x20) {
			if (!(ps->opt & RP_JSON_ALLOW_MULTILINE))
				return FAIL;
			p++;
		} else { /* >= 0x80 */
			size_t end = p;
			while (end < n && s[end] >= 0x80)
				end++;
			if (rp_utf8_check(s + p, end - p) != end - p)
				return FAIL;
			p = end;
		}
	}
	body = p - start - 1;
	if (body > RP_JSON_MAX_STRING || ++ps->nodes > RP_JSON_MAX_NODES)
		return FAIL;
	if (!esc && body < 16 && n - (start + 1) >= 16) {
		/* a short string (most keys): 16 bytes at once, as the arena
		 * rounds every allocation up to 16 (RP_ARENA_ALIGN) */
		const char *sh = short_string(ps, tab, s + start + 1, body);
		if (!sh)
			return -RP_ENOMEM;
		*out = sh;
		*outn = body;
		ps->p = p + 1;
		return 0;
	}
	d = rp_arena_alloc(ps->a, body + 1);
	if (!d)
		return -RP_ENOMEM;
	if (esc)
		body = rp_json_unescape((const char *)s + start + 1, body, d);
	else if (body)
		memcpy(d, s + start + 1, body);
	d[body] = '\0';
	*out = d;
	*outn = body;
	ps->p = p + 1;
	return 0;
}

static rp_value *new_value(struct vp *ps, rp_vkind k, size_t off, size_t len)
{
	rp_value *v = rp_arena_alloc(ps->a, sizeof(*v));

	if (!v)
		return NULL;
	memset(v, 0, sizeof(*v));
	v->kind = (uint8_t)k;
	v->flags = RP_VF_LITERAL;
	v->span.src = ps->src;
	v->span.off = (uint32_t)off;
	v->span.len = (uint32_t)len;
	return v;
}

static bool isdigit_(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int read_number(struct vp *ps, rp_value **out)
{
	const unsigned char *s = ps->s;
	size_t n = ps->n, start = ps->p, p = ps->p, k;
	bool integer = true, neg = false;
	rp_value *v;

	if (s[p] == '-') {
		neg = true;
		p++;
	}
	if (p >= n || !isdigit_(s[p]))
		return FAIL;
	if (s[p] == '0') {
		p++;
		if (p < n && isdigit_(s[p]))
			return FAIL;
	} else {
		while (p < n && isdigit_(s[p]))
			p++;
	}
	if (p < n && s[p] == '.') {
		integer = false;
		p++;
		if (p >= n || !isdigit_(s[p]))
			return FAIL;
		while (p < n && isdigit_(s[p]))
			p++;
	}
	if (p < n && (s[p] == 'e' || s[p] == 'E')) {
		integer = false;
		p++;
		if (p < n && (s[p] == '+' || s[p] == '-'))
			p++;
		if (p >= n || !isdigit_(s[p]))
			return FAIL;
		while (p < n && isdigit_(s[p]))
			p++;
	}
	if (p - start > RP_JSON_MAX_NUMBER || ++ps->nodes > RP_JSON_MAX_NODES)
		return FAIL;
	v = new_value(ps, RP_V_INT, start, p - start);
	if (!v)
		return -RP_ENOMEM;
	if (integer) {
		/* as rp_json_int64 */
		uint64_t x = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		for (k = neg ? start + 1 : start; k < p; k++) {
			unsigned dgt = (unsigned)(s[k] - '0');
			if (x > (limit - dgt) / 10) {
				integer = false;
				break;
			}
			x = x * 10 + dgt;
		}
		if (integer)
			v->u.i = !neg                           ? (int64_t)x
				 : x == (uint64_t)INT64_MAX + 1 ? INT64_MIN
								: -(int64_t)x;
	}
	if (!integer) {
		double dv;
		v->kind = RP_V_FLOAT;
		v->u.f = rp_json_number_double((const char *)s + start, p - start, &dv) == 0
				 ? dv
				 : HUGE_VAL;
	}
	ps->p = p;
	*out = v;
	return 0;
}

/* Doubles scratch array *arr of *cap elements; first, the array at the
 * start (on the caller's stack) is copied to the heap. */
static int grow(void **arr, size_t *cap, size_t elem, const void *first)
{
	size_t nc = *cap ? *cap * 2 : 64;
	void *p;

	if (*arr == first) {
		p = malloc(nc * elem);
		if (p && *cap)
			memcpy(p, *arr, *cap * elem);
	} else {
		p = realloc(*arr, nc * elem);
	}
	if (!p)
		return -RP_ENOMEM;
	*arr = p;
	*cap = nc;
	return 0;
}

static int open_container(struct vp *ps, bool object)
{
	struct vframe *f;
	rp_value *v;

	if (ps->depth >= RP_JSON_MAX_DEPTH || ++ps->nodes > RP_JSON_MAX_NODES)
		return FAIL;
	if (ps->depth == ps->stack_cap) {
		size_t cap = ps->stack_cap;
		if (grow((void **)&ps->stack, &cap, sizeof(*ps->stack), ps->stack0) < 0)
			return -RP_ENOMEM;
		ps->stack_cap = (uint32_t)cap;
	}
	v = new_value(ps, object ? RP_V_OBJECT : RP_V_ARRAY, ps->p, 0);
	if (!v)
		return -RP_ENOMEM;
	f = &ps->stack[ps->depth++];
	f->v = v;
	f->object = object;
	f->base = object ? ps->nmembers : ps->nitems;
	ps->p++;
	return 0;
}

/* Hash of a key for dedup's table, eight bytes per step. */
static size_t key_hash(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15u ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDu;
		h ^= h >> 29;
	}
	h = (h ^ rp_load_short(s, n)) * 0xFF51AFD7ED558CCDu;
	return (size_t)(h ^ (h >> 32));
}

/* Members base..nmembers of the closing object: a key repeated exactly
 * replaces the earlier member in place (rp_value_from_json's rule: the
 * last value, at the first one's position).  *count: the members kept. */
static int dedup(struct vp *ps, size_t base, size_t *count)
{
	rp_member *m = ps->members + base;
	size_t n = ps->nmembers - base, i, j, kept = 0;

	if (n <= 8) {
		for (i = 0; i < n; i++) {
			for (j = 0; j < kept; j++)
				if (m[j].keylen == m[i].keylen &&
				    memcmp(m[j].key, m[i].key, m[i].keylen) == 0)
					break;
			m[j] = m[i];
			if (j == kept)
				kept++;
		}
	} else {
		/* open addressing on the key bytes; slots hold kept index + 1 */
		size_t nslots = 16, mask;
		while (nslots < n * 2)
			nslots *= 2;
		if (nslots > ps->slots_cap) {
			uint32_t *sl = realloc(ps->slots, nslots * sizeof(*sl));
			if (!sl)
				return -RP_ENOMEM;
			ps->slots = sl;
			ps->slots_cap = nslots;
		}
		memset(ps->slots, 0, nslots * sizeof(*ps->slots));
		mask = nslots - 1;
		for (i = 0; i < n; i++) {
			size_t slot = key_hash(m[i].key, m[i].keylen) & mask;
			for (; ps->slots[slot]; slot = (slot + 1) & mask) {
				j = ps->slots[slot] - 1;
				if (m[j].keylen == m[i].keylen &&
				    memcmp(m[j].key, m[i].key, m[i].keylen) == 0)
					break;
			}
			if (ps->slots[slot]) {
				m[ps->slots[slot] - 1] = m[i];
			} else {
				ps->slots[slot] = (uint32_t)(kept + 1);
				m[kept++] = m[i];
			}
		}
	}
	*count = kept;
	return 0;
}

/* Closes the innermost container at ps->p (its closer); *out = it. */
static int close_container(struct vp *ps, rp_value **out)
{
	struct vframe *f = &ps->stack[ps->depth - 1];
	rp_value *v = f->v;
	size_t count;
	int r;

	if (f->object) {
		rp_member *m;
		r = dedup(ps, f->base, &count);
		if (r < 0)
			return r;
		m = rp_arena_alloc(ps->a, (count ? count : 1) * sizeof(*m));
		if (!m)
			return -RP_ENOMEM;
		if (count)
			memcpy(m, ps->members + f->base, count * sizeof(*m));
		v->u.members = m;
		ps->nmembers = f->base;
	} else {
		rp_value **items;
		count = ps->nitems - f->base;
		items = rp_arena_alloc(ps->a, (count ? count : 1) * sizeof(*items));
		if (!items)
			return -RP_ENOMEM;
		if (count)
			memcpy(items, ps->items + f->base, count * sizeof(*items));
		v->u.items = items;
		ps->nitems = f->base;
	}
	v->len = (uint32_t)count;
	v->span.len = (uint32_t)(ps->p + 1 - v->span.off);
	ps->depth--;
	ps->p++;
	*out = v;
	return 0;
}

/* Parses "key" : at ps->p (after whitespace) onto the members stack. */
static int read_key(struct vp *ps)
{
	struct vframe *f = &ps->stack[ps->depth - 1];
	rp_member *m;
	size_t off = ps->p, kn;
	const char *k;
	int r;

	if (ps->p >= ps->n || ps->s[ps->p] != '"')
		return FAIL;
	if (ps->nmembers - f->base >= RP_JSON_MAX_CHILDREN)
		return FAIL;
	if (ps->nmembers == ps->members_cap &&
	    grow((void **)&ps->members, &ps->members_cap, sizeof(*ps->members), ps->members0) < 0)
		return -RP_ENOMEM;
	r = read_string(ps, ps->keys, &k, &kn);
	if (r < 0)
		return r;
	if (kn > UINT32_MAX)
		return FAIL;
	m = &ps->members[ps->nmembers++];
	m->key = k;
	m->keylen = (uint32_t)kn;
	m->keyspan.src = ps->src;
	m->keyspan.off = (uint32_t)off;
	m->keyspan.len = (uint32_t)(ps->p - off);
	m->val = NULL;
	r = skip_ws(ps);
	if (r < 0)
		return r;
	if (ps->p >= ps->n || ps->s[ps->p] != ':')
		return FAIL;
	ps->p++;
	return 0;
}

/* Room for one more array element of the innermost (array) container. */
static int count_item(struct vp *ps)
{
	struct vframe *f = &ps->stack[ps->depth - 1];

	if (ps->nitems - f->base >= RP_JSON_MAX_CHILDREN)
		return FAIL;
	if (ps->nitems == ps->items_cap &&
	    grow((void **)&ps->items, &ps->items_cap, sizeof(*ps->items), ps->items0) < 0)
		return -RP_ENOMEM;
	return 0;
}

static int parse_main(struct vp *ps, rp_value **root)
{
	rp_value *v = NULL;
	int r;

	if (ps->n >= 3 && ps->s[0] == 0xEF && ps->s[1] == 0xBB && ps->s[2] == 0xBF) {
		if (!(ps->opt & RP_JSON_ALLOW_BOM))
			return FAIL;
		ps->p = 3;
	}
value:
	r = skip_ws(ps);
	if (r < 0)
		return r;
	if (ps->p >= ps->n)
		return FAIL;
	switch (ps->s[ps->p]) {
	case '{':
	case '[': {
		bool object = ps->s[ps->p] == '{';
		r = open_container(ps, object);
		if (r < 0)
			return r;
		r = skip_ws(ps);
		if (r < 0)
			return r;
		if (ps->p < ps->n && ps->s[ps->p] == (object ? '}' : ']')) {
			r = close_container(ps, &v);
			if (r < 0)
				return r;
			goto attach;
		}
		r = object ? read_key(ps) : count_item(ps);
		if (r < 0)
			return r;
		goto value;
	}
	case '"': {
		const char *str;
		size_t off = ps->p, sn;
		r = read_string(ps, ps->strs, &str, &sn);
		if (r < 0)
			return r;
		if (sn > UINT32_MAX)
			return FAIL;
		v = new_value(ps, RP_V_STRING, off, ps->p - off);
		if (!v)
			return -RP_ENOMEM;
		v->u.s = str;
		v->len = (uint32_t)sn;
		break;
	}
	case 't':
	case 'f':
	case 'n': {
		unsigned char c = ps->s[ps->p];
		const char *word = c == 't' ? "true" : c == 'f' ? "false" : "null";
		size_t len = strlen(word);
		if (ps->n - ps->p < len || memcmp(ps->s + ps->p, word, len) != 0 ||
		    ++ps->nodes > RP_JSON_MAX_NODES)
			return FAIL;
		v = new_value(ps, c == 'n' ? RP_V_NULL : RP_V_BOOL, ps->p, len);
		if (!v)
			return -RP_ENOMEM;
		v->u.b = c == 't';
		ps->p += len;
		break;
	}
	default:
		if (ps->s[ps->p] != '-' && !isdigit_(ps->s[ps->p]))
			return FAIL;
		r = read_number(ps, &v);
		if (r < 0)
			return r;
		break;
	}

attach:
	if (ps->depth == 0) {
		*root = v;
	} else if (ps->stack[ps->depth - 1].object) {
		ps->members[ps->nmembers - 1].val = v;
	} else {
		ps->items[ps->nitems++] = v;
	}
	r = skip_ws(ps);
	if (r < 0)
		return r;
	if (ps->depth == 0)
		return ps->p < ps->n ? FAIL : 0;
	if (ps->p >= ps->n)
		return FAIL;
	{
		bool object = ps->stack[ps->depth - 1].object;
		unsigned char c = ps->s[ps->p], closer = object ? '}' : ']';

		if (c == closer) {
			r = close_container(ps, &v);
			if (r < 0)
				return r;
			goto attach;
		}
		if (c != ',')
			return FAIL;
		ps->p++;
		r = skip_ws(ps);
		if (r < 0)
			return r;
		if (ps->p < ps->n && ps->s[ps->p] == closer) {
			if (!(ps->opt & RP_JSON_ALLOW_TRAILING_COMMAS))
				return FAIL;
			r = close_container(ps, &v);
			if (r < 0)
				return r;
			goto attach;
		}
		r = object ? read_key(ps) : count_item(ps);
		if (r < 0)
			return r;
		goto value;
	}
}

int rp_value_parse(rp_source *src, unsigned options, rp_arena *a, rp_value **out)
{
	struct vp ps;
	struct vframe stack0[32];
	rp_value *items0[128];
	rp_member members0[128];
	struct vtab keys, strs; /* short strings (only their `used` bits are set here) */
	rp_value *root = NULL;
	int r;

	*out = NULL;
	if (src->size >= UINT32_MAX)
		return FAIL;
	memset(&ps, 0, sizeof ps);
	memset(keys.used, 0, sizeof(keys.used));
	memset(strs.used, 0, sizeof(strs.used));
	ps.keys = &keys;
	ps.strs = &strs;
	ps.s = (const unsigned char *)src->data;
	ps.n = src->size;
	ps.opt = options;
	ps.a = a;
	ps.src = src;
	ps.stack = ps.stack0 = stack0;
	ps.stack_cap = sizeof(stack0) / sizeof(stack0[0]);
	ps.items = ps.items0 = items0;
	ps.items_cap = sizeof(items0) / sizeof(items0[0]);
	ps.members = ps.members0 = members0;
	ps.members_cap = sizeof(members0) / sizeof(members0[0]);
	r = parse_main(&ps, &root);
	if (ps.stack != ps.stack0)
		free(ps.stack);
	if (ps.items != ps.items0)
		free(ps.items);
	if (ps.members != ps.members0)
		free(ps.members);
	free(ps.slots);
	if (r < 0)
		return r;
	*out = root;
	return 0;
}
