/* reader.c: the JSON reader: RFC 8259 validation into a flat node tape.
 *
 * Iterative (an explicit stack of open containers, never recursion), one
 * pass, no allocation per value except tape growth.  UTF-8 is validated
 * inside strings; outside strings only JSON's ASCII structure is legal, so
 * stray bytes are syntax errors.  See json.h for the tape layout.
 */
#include "json/json.h"
#include "json/scan.h"
#include "util/error.h"
#include "util/str.h"

#include "util/hashmap.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Escaped strings with a dense cache slot (the 24 meta bits hold 1 + the
 * slot); later ones use access.c's hash cache. */
#define RP_JSON_MAX_ESCAPED_SLOTS ((uint32_t)0xFFFFFE)

/* One open container. */
struct frame {
	uint32_t node;
	uint32_t count;
	bool object;
};

struct parser {
	rp_json_doc *doc;
	rp_source *src;
	rp_diag *diag;
	const unsigned char *s;
	size_t n;
	size_t p;
	unsigned opt;
	uint32_t cap;
	struct frame *stack;
	uint32_t depth, stack_cap;
	/* scratch for duplicate detection in big objects */
	uint32_t *dupslots;
	size_t dupslots_cap;
	/* effective limits (rp_json_parse_ex) */
	uint32_t max_depth, max_nodes, max_children, max_number;
	size_t max_string;
};

/* Character classes inside strings. */
enum { SC_PLAIN = 0, SC_QUOTE, SC_BSLASH, SC_CTRL, SC_HIGH };
static unsigned char strclass[256];
static bool strclass_ready;

static void strclass_init(void)
{
	int c;

	if (strclass_ready)
		return;
	for (c = 0; c < 256; c++)
		strclass[c] = c < 0x20 ? SC_CTRL : c >= 0x80 ? SC_HIGH : SC_PLAIN;
	strclass['"'] = SC_QUOTE;
	strclass['\\'] = SC_BSLASH;
	strclass_ready = true;
}

static int perr(struct parser *ps, int code, size_t at, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int perr(struct parser *ps, int code, size_t at, size_t len, const char *fmt, ...)
{
	va_list ap;
	size_t end = at + len;

	/* The span never reaches past the input ("found end of input" is an
	 * empty span at the end). */
	if (at > ps->n)
		at = ps->n;
	if (end > ps->n)
		end = ps->n;
	va_start(ap, fmt);
	rp_diag_vadd(ps->diag, RP_DIAG_ERROR, code == -RP_ELIMIT ? "json-limit" : "json-syntax",
		     ps->src, at, end, fmt, ap);
	va_end(ap);
	return code;
}

static int oom(struct parser *ps)
{
	return perr(ps, -RP_ENOMEM, ps->p, 0, "out of memory while parsing");
}

static void describe(const struct parser *ps, size_t at, char *buf, size_t cap)
{
	unsigned char c;

	if (at >= ps->n) {
		snprintf(buf, cap, "end of input");
		return;
	}
	c = ps->s[at];
	if (c >= 0x21 && c < 0x7f)
		snprintf(buf, cap, "'%c'", c);
	else
		snprintf(buf, cap, "byte 0x%02X", c);
}

static int unexpected(struct parser *ps, const char *what)
{
	char d[32];

	describe(ps, ps->p, d, sizeof d);
	return perr(ps, -RP_EPARSE, ps->p, 1, "expected %s, found %s", what, d);
}

static int record_ext(struct parser *ps, rp_json_ext ext, size_t off)
{
	rp_json_doc *d = ps->doc;

	d->ext_mask |= 1u << ext;
	d->ext_count++;
	if (d->nuses >= RP_JSON_MAX_EXT_USES)
		return 0;
	if (d->nuses == d->uses_cap) {
		uint32_t cap = d->uses_cap ? d->uses_cap * 2 : 16;
		rp_json_ext_use *u = realloc(d->ext_uses, cap * sizeof(*u));
		if (!u)
			return oom(ps);
		d->ext_uses = u;
		d->uses_cap = cap;
	}
	d->ext_uses[d->nuses].ext = ext;
	d->ext_uses[d->nuses].off = (uint32_t)off;
	d->nuses++;
	return 0;
}

static int skip_ws_slow(struct parser *ps);

/* Skips whitespace and, when allowed, comments.  The common cases (no
 * whitespace, one space, a line break and an indentation of spaces) stay
 * inline; runs of spaces go 8 bytes at a time. */
static inline int skip_ws(struct parser *ps)
{
	ps->p = rp_scan_ws(ps->s, ps->p, ps->n);
	if (ps->p < ps->n && ps->s[ps->p] == '/')
		return skip_ws_slow(ps);
	return 0;
}

static int skip_ws_slow(struct parser *ps)
{
	const unsigned char *s = ps->s;
	size_t p = ps->p, n = ps->n;
	int r;

	for (;;) {
		p = rp_scan_ws(s, p, n);
		if (p >= n || s[p] != '/')
			break;
		if (!(ps->opt & RP_JSON_ALLOW_COMMENTS)) {
			ps->p = p;
			return perr(ps, -RP_EPARSE, p, 1,
				    "comments are not allowed in strict JSON");
		}
		if (p + 1 < n && s[p + 1] == '/') {
			r = record_ext(ps, RP_JSON_EXT_LINE_COMMENT, p);
			if (r < 0)
				return r;
			p = rp_scan_line_comment_end(s, p, n);
		} else if (p + 1 < n && s[p + 1] == '*') {
			size_t start = p;
			r = record_ext(ps, RP_JSON_EXT_BLOCK_COMMENT, p);
			if (r < 0)
				return r;
			p = rp_scan_block_comment_end(s, p, n);
			if (p == 0) {
				ps->p = start;
				return perr(ps, -RP_EPARSE, start, 2, "unterminated comment");
			}
		} else {
			ps->p = p;
			return unexpected(ps, "a JSON value");
		}
	}
	ps->p = p;
	return 0;
}

/* Big tapes: ask for transparent huge pages.  On virtual machines a page
 * fault costs microseconds, and a 100 MiB template's tape is 20,000 4-KiB
 * pages; 2-MiB pages cut the faults 512-fold.  Advice only: failure is
 * harmless, and the memory is the same. */
#define TAPE_HUGE_MIN ((size_t)4 << 20)
#define HUGE_PAGE ((uintptr_t)2 << 20)

static void advise_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
	uintptr_t a = (uintptr_t)p, b = a + bytes;

	if (bytes < TAPE_HUGE_MIN)
		return;
	a = (a + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	b &= ~(HUGE_PAGE - 1);
	if (b > a)
		(void)madvise((void *)a, b - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)bytes;
#endif
}

size_t rp_json_doc_discard(rp_json_doc *doc, uint32_t from, uint32_t to)
{
#ifdef MADV_DONTNEED
	uintptr_t a, b;

	if (!doc || !doc->nodes || to > doc->nnodes || from >= to ||
	    (size_t)doc->nodes_cap * sizeof(rp_json_node) < TAPE_HUGE_MIN)
		return 0;
	/* whole huge pages only: a partly released huge page is split and
	 * stays allocated until the kernel gets round to it */
	a = ((uintptr_t)(doc->nodes + from) + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	b = (uintptr_t)(doc->nodes + to) & ~(HUGE_PAGE - 1);
	if (b <= a || madvise((void *)a, b - a, MADV_DONTNEED) != 0)
		return 0;
	return (size_t)(b - a);
#else
	(void)doc;
	(void)from;
	(void)to;
	return 0;
#endif
}

static int push_node(struct parser *ps, rp_json_kind kind, size_t off, uint32_t *idx)
{
	rp_json_doc *d = ps->doc;

	if (d->nnodes >= ps->max_nodes)
		return perr(ps, -RP_ELIMIT, off, 1,
			    "document has more than %u values and keys (limit RP_JSON_MAX_NODES)",
			    (unsigned)ps->max_nodes);
	if (d->nnodes == ps->cap) {
		uint64_t cap = (uint64_t)ps->cap + ps->cap / 2 + 64;
		rp_json_node *nodes;
		if (cap > ps->max_nodes)
			cap = ps->max_nodes;
		nodes = realloc(d->nodes, (size_t)cap * sizeof(*nodes));
		if (!nodes)
			return oom(ps);
		d->nodes = nodes;
		ps->cap = (uint32_t)cap;
		d->nodes_cap = ps->cap;
		advise_huge(nodes, (size_t)cap * sizeof(*nodes));
	}
	*idx = d->nnodes;
	d->nodes[*idx].off = (uint32_t)off;
	d->nodes[*idx].len = 0;
	d->nodes[*idx].next = *idx + 1;
	d->nodes[*idx].meta = (uint32_t)kind;
	d->nnodes++;
	return 0;
}

static void set_flag(rp_json_doc *d, uint32_t i, unsigned flag)
{
	d->nodes[i].meta |= (uint32_t)flag << 4;
}

/* Parses a string token at ps->p (a quote) into a STRING or KEY node. */
static int parse_string(struct parser *ps, rp_json_kind kind)
{
	const unsigned char *s = ps->s;
	size_t n = ps->n, start = ps->p, p = ps->p + 1;
	unsigned flags = 0;
	uint32_t idx;
	int r;

	for (;;) {
		while (n - p >= 8 && rp_scan_plain8(rp_scan_load8(s + p)))
			p += 8;
		while (p < n && strclass[s[p]] == SC_PLAIN)
			p++;
		if (p >= n) {
			ps->p = start;
			return perr(ps, -RP_EPARSE, start, 1, "unterminated string");
		}
		switch (strclass[s[p]]) {
		case SC_QUOTE: goto done;
		case SC_BSLASH: {
			unsigned cp, lo;
			flags |= RP_JSON_F_ESCAPES;
			if (p + 1 >= n) {
				ps->p = start;
				return perr(ps, -RP_EPARSE, start, 1, "unterminated string");
			}
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
				if (!rp_hex4((const char *)s + p + 2, n - (p + 2), &cp))
					return perr(ps, -RP_EPARSE, p, 2,
						    "\\u must be followed by four hex digits");
				if (cp >= 0xDC00 && cp <= 0xDFFF)
					return perr(ps, -RP_EPARSE, p, 6,
						    "lone low surrogate \\u%04X", cp);
				if (cp >= 0xD800 && cp <= 0xDBFF) {
					if (n - p < 12 || s[p + 6] != '\\' || s[p + 7] != 'u' ||
					    !rp_hex4((const char *)s + p + 8, n - (p + 8), &lo) ||
					    lo < 0xDC00 || lo > 0xDFFF)
						return perr(ps, -RP_EPARSE, p, 6,
							    "high surrogate \\u%04X not followed "
							    "by a low surrogate",
							    cp);
					p += 12;
				} else {
					p += 6;
				}
				break;
			default: return perr(ps, -RP_EPARSE, p, 2, "invalid escape sequence");
			}
			break;
		}
		case SC_CTRL:
			if (!(ps->opt & RP_JSON_ALLOW_MULTILINE))
				return perr(
					ps, -RP_EPARSE, p, 1,
					s[p] == '\n'
						? "raw line break in string (strict JSON needs \\n)"
						: "raw control character 0x%02X in string",
					s[p]);
			if (!(flags & RP_JSON_F_RAWCTRL)) {
				flags |= RP_JSON_F_RAWCTRL;
				r = record_ext(ps, RP_JSON_EXT_MULTILINE_STRING, p);
				if (r < 0)
					return r;
			}
			p++;
			break;
		default: { /* SC_HIGH */
			size_t end = p;
			while (end < n && s[end] >= 0x80)
				end++;
			if (rp_utf8_check(s + p, end - p) != end - p) {
				size_t bad = p + rp_utf8_check(s + p, end - p);
				return perr(ps, -RP_EPARSE, bad, 1, "invalid UTF-8 in string");
			}
			p = end;
			break;
		}
		}
	}
done:
	if (p - start - 1 > ps->max_string)
		return perr(ps, -RP_ELIMIT, start, 1,
			    "string of %zu bytes exceeds the limit of %zu (RP_JSON_MAX_STRING)",
			    p - start - 1, ps->max_string);
	r = push_node(ps, kind, start, &idx);
	if (r < 0)
		return r;
	ps->doc->nodes[idx].len = (uint32_t)(p + 1 - start);
	if (flags)
		set_flag(ps->doc, idx, flags);
	/* escaped strings get a dense decoding-cache slot (access.c) */
	if ((flags & RP_JSON_F_ESCAPES) && ps->doc->nescaped < RP_JSON_MAX_ESCAPED_SLOTS) {
		ps->doc->nescaped++;
		ps->doc->nodes[idx].meta |= ps->doc->nescaped << 8;
	}
	ps->p = p + 1;
	return 0;
}

static bool isdigit_(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int parse_number(struct parser *ps)
{
	const unsigned char *s = ps->s;
	size_t n = ps->n, start = ps->p, p = ps->p;
	bool integer = true;
	uint32_t idx;
	int r;

	if (p < n && s[p] == '-')
		p++;
	if (p >= n || !isdigit_(s[p])) {
		ps->p = p;
		return unexpected(ps, "a digit");
	}
	if (s[p] == '0') {
		p++;
		if (p < n && isdigit_(s[p]))
			return perr(ps, -RP_EPARSE, start, p - start + 1,
				    "numbers cannot have leading zeros");
	} else {
		while (p < n && isdigit_(s[p]))
			p++;
	}
	if (p < n && s[p] == '.') {
		integer = false;
		p++;
		if (p >= n || !isdigit_(s[p])) {
			ps->p = p;
			return unexpected(ps, "a digit after the decimal point");
		}
		while (p < n && isdigit_(s[p]))
			p++;
	}
	if (p < n && (s[p] == 'e' || s[p] == 'E')) {
		integer = false;
		p++;
		if (p < n && (s[p] == '+' || s[p] == '-'))
			p++;
		if (p >= n || !isdigit_(s[p])) {
			ps->p = p;
			return unexpected(ps, "a digit in the exponent");
		}
		while (p < n && isdigit_(s[p]))
			p++;
	}
	if (p - start > ps->max_number)
		return perr(ps, -RP_ELIMIT, start, 1,
			    "number of %zu characters exceeds the limit of %u (RP_JSON_MAX_NUMBER)",
			    p - start, (unsigned)ps->max_number);
	r = push_node(ps, RP_JSON_NUMBER, start, &idx);
	if (r < 0)
		return r;
	ps->doc->nodes[idx].len = (uint32_t)(p - start);
	if (integer)
		set_flag(ps->doc, idx, RP_JSON_F_INTEGER);
	ps->p = p;
	return 0;
}

static int parse_literal(struct parser *ps, const char *word, rp_json_kind kind)
{
	size_t len = strlen(word);
	uint32_t idx;
	int r;

	if (ps->n - ps->p < len || memcmp(ps->s + ps->p, word, len) != 0) {
		size_t e = ps->p;
		while (e < ps->n && e - ps->p < 32 &&
		       ((ps->s[e] >= 'a' && ps->s[e] <= 'z') ||
			(ps->s[e] >= 'A' && ps->s[e] <= 'Z')))
			e++;
		return perr(ps, -RP_EPARSE, ps->p, e > ps->p ? e - ps->p : 1,
			    "invalid literal (expected true, false or null)");
	}
	r = push_node(ps, kind, ps->p, &idx);
	if (r < 0)
		return r;
	ps->doc->nodes[idx].len = (uint32_t)len;
	ps->p += len;
	return 0;
}

/* ---- duplicate keys ---- */

static int add_dup(struct parser *ps, uint32_t first, uint32_t dup)
{
	rp_json_doc *d = ps->doc;

	set_flag(d, dup, RP_JSON_F_DUP);
	if (d->ndups == d->dups_cap) {
		uint32_t cap = d->dups_cap ? d->dups_cap * 2 : 8;
		rp_json_dup *p = realloc(d->dups, cap * sizeof(*p));
		if (!p)
			return oom(ps);
		d->dups = p;
		d->dups_cap = cap;
	}
	d->dups[d->ndups].first_key = first;
	d->dups[d->ndups].dup_key = dup;
	d->ndups++;
	return 0;
}

static int key_bytes(struct parser *ps, uint32_t k, const char **p, size_t *n)
{
	int r = rp_json_str(ps->doc, k, p, n);
	return r < 0 ? oom(ps) : 0;
}

/* Called when an object closes: finds repeated keys among its members. */
static int check_dups(struct parser *ps, uint32_t obj, uint32_t count)
{
	rp_json_doc *d = ps->doc;
	uint32_t k, j, end = d->nodes[obj].next;
	const char *a, *b;
	size_t an, bn;
	int r;

	if (count < 2)
		return 0;
	if (count <= 8) {
		for (k = obj + 1; k < end; k = d->nodes[k + 1].next) {
			bool kesc = rp_json_flags(d, k) & RP_JSON_F_ESCAPES;
			r = key_bytes(ps, k, &a, &an);
			if (r < 0)
				return r;
			for (j = obj + 1; j < k; j = d->nodes[j + 1].next) {
				/* unescaped keys: equal text iff equal raw tokens */
				if (!kesc && !(rp_json_flags(d, j) & RP_JSON_F_ESCAPES) &&
				    d->nodes[j].len != d->nodes[k].len)
					continue;
				r = key_bytes(ps, j, &b, &bn);
				if (r < 0)
					return r;
				if (an == bn && memcmp(a, b, an) == 0) {
					r = add_dup(ps, j, k);
					if (r < 0)
						return r;
					break;
				}
			}
		}
		return 0;
	}
	{
		size_t nslots = 16, mask;
		while (nslots < (size_t)count * 2)
			nslots *= 2;
		if (nslots > ps->dupslots_cap) {
			uint32_t *sl = realloc(ps->dupslots, nslots * sizeof(*sl));
			if (!sl)
				return oom(ps);
			ps->dupslots = sl;
			ps->dupslots_cap = nslots;
		}
		memset(ps->dupslots, 0, nslots * sizeof(uint32_t));
		mask = nslots - 1;
		for (k = obj + 1; k < end; k = d->nodes[k + 1].next) {
			size_t slot;
			r = key_bytes(ps, k, &a, &an);
			if (r < 0)
				return r;
			slot = (size_t)rp_hash_bytes(a, an, false) & mask;
			for (; ps->dupslots[slot]; slot = (slot + 1) & mask) {
				j = ps->dupslots[slot] - 1;
				r = key_bytes(ps, j, &b, &bn);
				if (r < 0)
					return r;
				if (an == bn && memcmp(a, b, an) == 0)
					break;
			}
			if (ps->dupslots[slot]) {
				r = add_dup(ps, ps->dupslots[slot] - 1, k);
				if (r < 0)
					return r;
			} else {
				ps->dupslots[slot] = k + 1;
			}
		}
	}
	return 0;
}

/* ---- containers ---- */

static int open_container(struct parser *ps, bool object)
{
	uint32_t idx = 0;
	int r;

	if (ps->depth >= ps->max_depth)
		return perr(ps, -RP_ELIMIT, ps->p, 1,
			    "nesting deeper than %u levels (RP_JSON_MAX_DEPTH)",
			    (unsigned)ps->max_depth);
	if (ps->depth == ps->stack_cap) {
		uint32_t cap = ps->stack_cap ? ps->stack_cap * 2 : 32;
		struct frame *f = realloc(ps->stack, cap * sizeof(*f));
		if (!f)
			return oom(ps);
		ps->stack = f;
		ps->stack_cap = cap;
	}
	r = push_node(ps, object ? RP_JSON_OBJECT : RP_JSON_ARRAY, ps->p, &idx);
	if (r < 0)
		return r;
	ps->stack[ps->depth].node = idx;
	ps->stack[ps->depth].count = 0;
	ps->stack[ps->depth].object = object;
	ps->depth++;
	ps->p++;
	return 0;
}

static int close_container(struct parser *ps)
{
	struct frame *f = &ps->stack[ps->depth - 1];
	rp_json_node *nd = &ps->doc->nodes[f->node];
	int r = 0;

	nd->len = (uint32_t)(ps->p + 1 - nd->off);
	nd->next = ps->doc->nnodes;
	nd->meta |= f->count << 8;
	if (f->object)
		r = check_dups(ps, f->node, f->count);
	ps->depth--;
	ps->p++;
	return r;
}

static int count_child(struct parser *ps)
{
	struct frame *f = &ps->stack[ps->depth - 1];

	if (f->count >= ps->max_children)
		return perr(ps, -RP_ELIMIT, ps->p, 1,
			    "container has more than %u members (RP_JSON_MAX_CHILDREN)",
			    (unsigned)ps->max_children);
	f->count++;
	return 0;
}

/* Parses "key" : at ps->p (after whitespace). */
static int parse_key(struct parser *ps)
{
	int r;

	if (ps->p >= ps->n || ps->s[ps->p] != '"')
		return unexpected(ps, "a string key");
	r = count_child(ps);
	if (r < 0)
		return r;
	r = parse_string(ps, RP_JSON_KEY);
	if (r < 0)
		return r;
	r = skip_ws(ps);
	if (r < 0)
		return r;
	if (ps->p >= ps->n || ps->s[ps->p] != ':')
		return unexpected(ps, "':' after the key");
	ps->p++;
	return 0;
}

static int parse_main(struct parser *ps)
{
	int r;

	if (ps->n >= 3 && ps->s[0] == 0xEF && ps->s[1] == 0xBB && ps->s[2] == 0xBF) {
		if (!(ps->opt & RP_JSON_ALLOW_BOM))
			return perr(ps, -RP_EPARSE, 0, 3,
				    "UTF-8 byte order mark is not allowed in strict JSON");
		r = record_ext(ps, RP_JSON_EXT_BOM, 0);
		if (r < 0)
			return r;
		ps->p = 3;
	}
	r = skip_ws(ps);
	if (r < 0)
		return r;
	if (ps->p >= ps->n)
		return perr(ps, -RP_EPARSE, ps->p, 0, "empty input: expected a JSON value");

value:
	r = skip_ws(ps);
	if (r < 0)
		return r;
	if (ps->p >= ps->n)
		return unexpected(ps, "a value");
	switch (ps->s[ps->p]) {
	case '{':
		r = open_container(ps, true);
		if (r < 0)
			return r;
		r = skip_ws(ps);
		if (r < 0)
			return r;
		if (ps->p < ps->n && ps->s[ps->p] == '}') {
			r = close_container(ps);
			if (r < 0)
				return r;
			goto after;
		}
		r = parse_key(ps);
		if (r < 0)
			return r;
		goto value;
	case '[':
		r = open_container(ps, false);
		if (r < 0)
			return r;
		r = skip_ws(ps);
		if (r < 0)
			return r;
		if (ps->p < ps->n && ps->s[ps->p] == ']') {
			r = close_container(ps);
			if (r < 0)
				return r;
			goto after;
		}
		r = count_child(ps);
		if (r < 0)
			return r;
		goto value;
	case '"': r = parse_string(ps, RP_JSON_STRING); break;
	case 't': r = parse_literal(ps, "true", RP_JSON_TRUE); break;
	case 'f': r = parse_literal(ps, "false", RP_JSON_FALSE); break;
	case 'n': r = parse_literal(ps, "null", RP_JSON_NULL); break;
	case '-':
	case '0':
	case '1':
	case '2':
	case '3':
	case '4':
	case '5':
	case '6':
	case '7':
	case '8':
	case '9': r = parse_number(ps); break;
	default: return unexpected(ps, "a value");
	}
	if (r < 0)
		return r;

after:
	r = skip_ws(ps);
	if (r < 0)
		return r;
	if (ps->depth == 0) {
		if (ps->p < ps->n) {
			char d[32];
			describe(ps, ps->p, d, sizeof d);
			return perr(ps, -RP_EPARSE, ps->p, 1,
				    "unexpected %s after the end of the JSON value", d);
		}
		return 0;
	}
	if (ps->p >= ps->n)
		return perr(ps, -RP_EPARSE, ps->doc->nodes[ps->stack[ps->depth - 1].node].off, 1,
			    "unclosed %s", ps->stack[ps->depth - 1].object ? "object" : "array");
	{
		bool object = ps->stack[ps->depth - 1].object;
		unsigned char c = ps->s[ps->p];
		char closer = object ? '}' : ']';

		if (c == closer) {
			r = close_container(ps);
			if (r < 0)
				return r;
			goto after;
		}
		if (c != ',')
			return unexpected(ps, object ? "',' or '}'" : "',' or ']'");
		{
			size_t comma = ps->p;
			ps->p++;
			r = skip_ws(ps);
			if (r < 0)
				return r;
			if (ps->p < ps->n && ps->s[ps->p] == (unsigned char)closer) {
				if (!(ps->opt & RP_JSON_ALLOW_TRAILING_COMMAS))
					return perr(ps, -RP_EPARSE, comma, 1,
						    "trailing comma is not allowed in strict JSON");
				r = record_ext(ps, RP_JSON_EXT_TRAILING_COMMA, comma);
				if (r < 0)
					return r;
				r = close_container(ps);
				if (r < 0)
					return r;
				goto after;
			}
		}
		if (object) {
			r = parse_key(ps);
			if (r < 0)
				return r;
		} else {
			r = count_child(ps);
			if (r < 0)
				return r;
		}
		goto value;
	}
}

/* A limit of 0 means the default; larger than the default is clamped. */
static uint32_t limit_u32(uint32_t want, uint32_t def)
{
	return want == 0 || want > def ? def : want;
}

int rp_json_parse(rp_source *src, unsigned options, rp_json_doc **out, rp_diag *diag)
{
	return rp_json_parse_ex(src, options, NULL, out, diag);
}

/* An upper bound on the nodes of a document of n bytes (at most max):
 * every node but the root directly follows (whitespace and comments
 * aside) one of its own '[', '{', ',' or ':', and takes at least one byte
 * of its own, so the count is at most 1 + the number of those characters
 * and at most 1 + n / 2.  Counting them is one vectorisable pass. */
static uint32_t node_bound(const unsigned char *s, size_t n, uint32_t max)
{
	size_t i = 0, count = 1;

	/* blocks of 255 bytes with a byte-wide counter: the compiler turns the
	 * inner loop into 16 or 32 bytes per step (10 ms for 100 MB; a size_t
	 * counter made it 30 times slower) */
	while (i < n) {
		size_t end = n - i > 255 ? i + 255 : n;
		uint8_t k = 0;
		for (; i < end; i++) {
			unsigned char c = s[i];
			k = (uint8_t)(k + (((c | 0x20) == '{') | (c == ',') | (c == ':')));
		}
		count += k;
	}
	if (count > n / 2 + 2)
		count = n / 2 + 2;
	return count > max ? max : (uint32_t)count;
}

int rp_json_parse_ex(rp_source *src, unsigned options, const rp_json_limits *limits,
		     rp_json_doc **out, rp_diag *diag)
{
	static const rp_json_limits defaults = { 0, 0, 0, 0, 0 };
	struct parser ps;
	rp_json_doc *doc = NULL;
	int r = -RP_ENOMEM;

	*out = NULL;
	memset(&ps, 0, sizeof ps);
	strclass_init();
	if (src->size >= UINT32_MAX) {
		rp_diag_add(diag, RP_DIAG_ERROR, NULL, 0, 0, "%s: input too large", src->name);
		return -RP_ELIMIT;
	}
	doc = calloc(1, sizeof(*doc));
	if (!doc)
		goto out;
	doc->src = src;
	doc->options = options;
	doc->arena = rp_arena_new();
	if (!doc->arena)
		goto out;
	ps.doc = doc;
	ps.src = src;
	ps.diag = diag;
	ps.s = (const unsigned char *)src->data;
	ps.n = src->size;
	ps.opt = options;
	if (!limits)
		limits = &defaults;
	ps.max_depth = limit_u32(limits->max_depth, RP_JSON_MAX_DEPTH);
	ps.max_nodes = limit_u32(limits->max_nodes, RP_JSON_MAX_NODES);
	ps.max_children = limit_u32(limits->max_children, RP_JSON_MAX_CHILDREN);
	ps.max_number = limit_u32(limits->max_number, RP_JSON_MAX_NUMBER);
	ps.max_string = limits->max_string == 0 || limits->max_string > RP_JSON_MAX_STRING
				? RP_JSON_MAX_STRING
				: limits->max_string;
	/* The tape is sized once from a bound on the node count, so it never
	 * grows: growing a 100 MB tape copies it (mremap of huge-page-advised
	 * memory fails on some kernels) and holds both copies at once.  Only
	 * the pages the parse touches become resident. */
	ps.cap = node_bound(ps.s, ps.n, ps.max_nodes);
	doc->nodes = malloc((size_t)ps.cap * sizeof(rp_json_node));
	if (!doc->nodes)
		goto out;
	doc->nodes_cap = ps.cap;
	advise_huge(doc->nodes, (size_t)ps.cap * sizeof(rp_json_node));
	r = parse_main(&ps);
	if (r < 0)
		goto out;
	*out = doc;
	doc = NULL;
out:
	if (r == -RP_ENOMEM && (!ps.doc || !ps.doc->nodes))
		rp_diag_add(diag, RP_DIAG_ERROR, NULL, 0, 0, "%s: out of memory", src->name);
	free(ps.stack);
	free(ps.dupslots);
	rp_json_doc_free(doc);
	return r;
}
