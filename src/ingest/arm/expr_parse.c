/* expr_parse.c: recursive-descent parser of ARM template expressions, and
 * the mapping from expression offsets to bytes of the JSON source.
 *
 * Grammar (template-expressions; languageVersion 2.0 null-safe access):
 *   expression := '[' value ']'
 *   value      := primary postfix*
 *   primary    := STRING | INT | call | 'true' | 'false' | 'null'
 *   call       := IDENT [ '.' IDENT ] '(' [ value { ',' value } ] ')'
 *   postfix    := '.' IDENT | '.?' IDENT | '[' value ']' | '[?' value ']'
 * Limits: RP_ARM_MAX_EXPR_LEN characters, RP_ARM_MAX_NESTING levels,
 * RP_ARM_MAX_ARGS arguments per call; each an RP_ELIMIT diagnostic.
 */
#include "ingest/arm/expr_internal.h"
#include "util/str.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

void rp_arm_diag(rp_diag *d, rp_span sp, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rp_diag_vadd(d, RP_DIAG_ERROR, code, sp.src, sp.off, (size_t)sp.off + sp.len, fmt, ap);
	va_end(ap);
}

/* ---- source map ---- */

void rp_arm_srcmap_init(rp_arm_srcmap *m, rp_arena *a, const char *s, size_t n, rp_span where)
{
	const char *raw;
	size_t rn, r, k;
	uint32_t *map;
	bool esc = false;

	memset(m, 0, sizeof(*m));
	m->where = where;
	m->n = n;
	if (!where.src || where.len < 2 || (size_t)where.off + where.len > where.src->size)
		return;
	raw = where.src->data + where.off;
	rn = where.len;
	if (raw[0] != '"' || raw[rn - 1] != '"')
		return;
	esc = rn > 2 && memchr(raw + 1, '\\', rn - 2) != NULL;
	if (!esc) {
		if (rn - 2 == n && memcmp(raw + 1, s, n) == 0)
			m->direct = true;
		return;
	}
	map = rp_arena_alloc(a, (n + 1) * sizeof(*map));
	if (!map)
		return;
	k = 0;
	r = 1;
	while (r + 1 < rn && k < n) {
		size_t at = r, produced = 1;
		if (raw[r] != '\\') {
			r++;
		} else {
			unsigned u, lo;
			if (r + 1 >= rn - 1)
				return;
			if (raw[r + 1] != 'u') {
				r += 2;
			} else {
				if (!rp_hex4(raw + r + 2, rn - 1 - (r + 2), &u))
					return;
				r += 6;
				if (u >= 0xD800 && u <= 0xDBFF && r + 6 <= rn - 1 &&
				    raw[r] == '\\' && raw[r + 1] == 'u' &&
				    rp_hex4(raw + r + 2, rn - 1 - (r + 2), &lo) && lo >= 0xDC00 &&
				    lo <= 0xDFFF) {
					r += 6;
					produced = 4;
				} else if (u < 0x80) {
					produced = 1;
				} else if (u < 0x800) {
					produced = 2;
				} else {
					produced = 3; /* includes lone surrogates -> U+FFFD */
				}
			}
		}
		while (produced-- > 0) {
			if (k >= n)
				return;
			map[k++] = (uint32_t)(where.off + at);
		}
	}
	if (k != n || r + 1 != rn)
		return;
	map[n] = (uint32_t)(where.off + rn - 1);
	m->map = map;
}

rp_span rp_arm_srcmap_span(const rp_arm_srcmap *m, size_t off, size_t len)
{
	rp_span sp = m->where;

	if (!m->where.src)
		return sp;
	if (off > m->n)
		off = m->n;
	if (len > m->n - off)
		len = m->n - off;
	if (m->direct) {
		sp.off = (uint32_t)(m->where.off + 1 + off);
		sp.len = (uint32_t)(len ? len : 1);
		return sp;
	}
	if (m->map) {
		uint32_t a = m->map[off], b = m->map[off + len];
		sp.off = a;
		sp.len = b > a ? b - a : 1;
		return sp;
	}
	sp.len = 1;
	return sp;
}

/* ---- parser ---- */

typedef struct parser {
	rp_arena *a;
	rp_diag *diag;
	const rp_arm_srcmap *map;
	rp_arm_lexer lx;
	unsigned depth;
	int err;
} parser;

static int perr(parser *p, size_t off, size_t len, int code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int perr(parser *p, size_t off, size_t len, int code, const char *fmt, ...)
{
	rp_span sp = rp_arm_srcmap_span(p->map, off, len);
	va_list ap;

	if (p->err)
		return p->err;
	va_start(ap, fmt);
	rp_diag_vadd(p->diag, RP_DIAG_ERROR,
		     code == RP_ELIMIT ? "arm-expr-limit" : "arm-expr-syntax", sp.src, sp.off,
		     (size_t)sp.off + sp.len, fmt, ap);
	va_end(ap);
	p->err = -code;
	return p->err;
}

static int unexpected(parser *p, const char *want)
{
	rp_arm_lexer *lx = &p->lx;

	if (lx->tok == RP_ARM_T_ERROR)
		return perr(p, lx->start, lx->len, RP_EPARSE, "%s in expression", lx->err);
	if (lx->tok == RP_ARM_T_EOF)
		return perr(p, lx->start, 1, RP_EPARSE, "expected %s but the expression ends",
			    want);
	return perr(p, lx->start, lx->len, RP_EPARSE, "expected %s, found %s '%.*s'", want,
		    rp_arm_tok_name(lx->tok), (int)(lx->len > 40 ? 40 : lx->len),
		    lx->s + lx->start);
}

static rp_arm_node *new_node(parser *p, rp_arm_node_kind k, size_t off, size_t len)
{
	rp_arm_node *nd = rp_arena_alloc(p->a, sizeof(*nd));

	if (!nd) {
		p->err = -RP_ENOMEM;
		return NULL;
	}
	memset(nd, 0, sizeof(*nd));
	nd->kind = k;
	nd->off = (uint32_t)off;
	nd->len = (uint32_t)len;
	return nd;
}

static int parse_value(parser *p, rp_arm_node **out);

static int parse_args(parser *p, rp_arm_node *call)
{
	rp_arm_lexer *lx = &p->lx;
	rp_arm_node **args = NULL, **grown;
	size_t n = 0, cap = 0;
	int rc;

	/* at '(' */
	rp_arm_lex_next(lx);
	if (lx->tok == RP_ARM_T_RPAREN) {
		call->len = (uint32_t)(lx->start + 1 - call->off);
		rp_arm_lex_next(lx);
		return 0;
	}
	for (;;) {
		rp_arm_node *arg;
		if (n >= RP_ARM_MAX_ARGS)
			return perr(p, lx->start, lx->len ? lx->len : 1, RP_ELIMIT,
				    "too many arguments (limit %u)", RP_ARM_MAX_ARGS);
		rc = parse_value(p, &arg);
		if (rc)
			return rc;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 4;
			grown = rp_arena_alloc(p->a, nc * sizeof(*grown));
			if (!grown)
				return p->err = -RP_ENOMEM;
			if (n)
				memcpy(grown, args, n * sizeof(*grown));
			args = grown;
			cap = nc;
		}
		args[n++] = arg;
		if (lx->tok == RP_ARM_T_COMMA) {
			rp_arm_lex_next(lx);
			continue;
		}
		if (lx->tok == RP_ARM_T_RPAREN)
			break;
		return unexpected(p, "',' or ')'");
	}
	call->args = args;
	call->nargs = n;
	call->len = (uint32_t)(lx->start + 1 - call->off);
	rp_arm_lex_next(lx);
	return 0;
}

static int decode_string(parser *p, rp_arm_node *nd)
{
	const char *s = p->lx.s + nd->off + 1, *q;
	size_t n = nd->len - 2, i = 0, k = 0;
	char *d = rp_arena_alloc(p->a, n + 1);

	if (!d)
		return p->err = -RP_ENOMEM;
	/* '' -> ' (the lexer guarantees the pair); runs between quotes copied whole */
	while (i < n && (q = memchr(s + i, '\'', n - i)) != NULL) {
		size_t run = (size_t)(q - (s + i)) + 1;
		memcpy(d + k, s + i, run);
		k += run;
		i += run + 1;
	}
	if (i < n) {
		memcpy(d + k, s + i, n - i);
		k += n - i;
	}
	d[k] = '\0';
	nd->text = d;
	nd->n = k;
	return 0;
}

static int parse_primary(parser *p, rp_arm_node **out)
{
	rp_arm_lexer *lx = &p->lx;
	rp_arm_node *nd;

	switch (lx->tok) {
	case RP_ARM_T_STRING:
		nd = new_node(p, RP_ARM_N_STRING, lx->start, lx->len);
		if (!nd || decode_string(p, nd))
			return p->err;
		rp_arm_lex_next(lx);
		*out = nd;
		return 0;
	case RP_ARM_T_INT: {
		const char *t = lx->s + lx->start;
		size_t i = 0;
		bool neg = false;
		uint64_t v = 0, lim;
		if (t[0] == '-' || t[0] == '+') {
			neg = t[0] == '-';
			i = 1;
		}
		lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		for (; i < lx->len; i++) {
			unsigned dgt = (unsigned)(t[i] - '0');
			if (v > (lim - dgt) / 10)
				return perr(p, lx->start, lx->len, RP_EPARSE,
					    "integer literal out of range (64-bit)");
			v = v * 10 + dgt;
		}
		nd = new_node(p, RP_ARM_N_INT, lx->start, lx->len);
		if (!nd)
			return p->err;
		nd->ival =
			neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v) : (int64_t)v;
		rp_arm_lex_next(lx);
		*out = nd;
		return 0;
	}
	case RP_ARM_T_IDENT: {
		size_t start = lx->start, len = lx->len;
		rp_arm_lexer save;
		rp_arm_lex_next(lx);
		if (lx->tok == RP_ARM_T_LPAREN) {
			nd = new_node(p, RP_ARM_N_CALL, start, len);
			if (!nd)
				return p->err;
			nd->text = lx->s + start;
			nd->n = len;
			/* resolved once here; the evaluator reports unknown names */
			nd->fdef = rp_arm_fdef_find(nd->text, nd->n);
			if (parse_args(p, nd))
				return p->err;
			*out = nd;
			return 0;
		}
		if (lx->tok == RP_ARM_T_DOT) {
			/* namespace.function( */
			save = *lx;
			rp_arm_lex_next(lx);
			if (lx->tok == RP_ARM_T_IDENT) {
				size_t fstart = lx->start, flen = lx->len;
				rp_arm_lex_next(lx);
				if (lx->tok == RP_ARM_T_LPAREN) {
					nd = new_node(p, RP_ARM_N_CALL, start,
						      fstart + flen - start);
					if (!nd)
						return p->err;
					nd->ns = lx->s + start;
					nd->nsn = len;
					nd->text = lx->s + fstart;
					nd->n = flen;
					if (parse_args(p, nd))
						return p->err;
					*out = nd;
					return 0;
				}
			}
			*lx = save;
		}
		if (len == 4 && rp_str_ieq(lx->s + start, "true", 4)) {
			nd = new_node(p, RP_ARM_N_BOOL, start, len);
			if (nd)
				nd->ival = 1;
		} else if (len == 5 && rp_str_ieq(lx->s + start, "false", 5)) {
			nd = new_node(p, RP_ARM_N_BOOL, start, len);
		} else if (len == 4 && rp_str_ieq(lx->s + start, "null", 4)) {
			nd = new_node(p, RP_ARM_N_NULL, start, len);
		} else {
			return perr(p, start, len, RP_EPARSE,
				    "'%.*s' is not a function call (expected '(' after the name)",
				    (int)(len > 40 ? 40 : len), lx->s + start);
		}
		if (!nd)
			return p->err;
		*out = nd;
		return 0;
	}
	default: return unexpected(p, "a function call, string or integer");
	}
}

static int parse_value(parser *p, rp_arm_node **out)
{
	rp_arm_lexer *lx = &p->lx;
	rp_arm_node *cur = NULL;
	int rc;

	if (++p->depth > RP_ARM_MAX_NESTING) {
		rc = perr(p, lx->start, lx->len ? lx->len : 1, RP_ELIMIT,
			  "expression nested too deeply (limit %u)", RP_ARM_MAX_NESTING);
		p->depth--;
		return rc;
	}
	rc = parse_primary(p, &cur);
	if (rc)
		goto out;
	for (;;) {
		if (lx->tok == RP_ARM_T_DOT || lx->tok == RP_ARM_T_QDOT) {
			bool safe = lx->tok == RP_ARM_T_QDOT;
			rp_arm_node *pn;
			rp_arm_lex_next(lx);
			if (lx->tok != RP_ARM_T_IDENT) {
				rc = unexpected(p, "a property name after '.'");
				goto out;
			}
			pn = new_node(p, RP_ARM_N_PROP, cur->off, lx->start + lx->len - cur->off);
			if (!pn) {
				rc = p->err;
				goto out;
			}
			pn->safe = safe;
			pn->text = lx->s + lx->start;
			pn->n = lx->len;
			pn->args = rp_arena_alloc(p->a, sizeof(*pn->args));
			if (!pn->args) {
				rc = p->err = -RP_ENOMEM;
				goto out;
			}
			pn->args[0] = cur;
			pn->nargs = 1;
			cur = pn;
			rp_arm_lex_next(lx);
		} else if (lx->tok == RP_ARM_T_LBRACK || lx->tok == RP_ARM_T_QBRACK) {
			bool safe = lx->tok == RP_ARM_T_QBRACK;
			rp_arm_node *ix, *in;
			rp_arm_lex_next(lx);
			rc = parse_value(p, &ix);
			if (rc)
				goto out;
			if (lx->tok != RP_ARM_T_RBRACK) {
				rc = unexpected(p, "']'");
				goto out;
			}
			in = new_node(p, RP_ARM_N_INDEX, cur->off, lx->start + 1 - cur->off);
			if (!in) {
				rc = p->err;
				goto out;
			}
			in->safe = safe;
			in->args = rp_arena_alloc(p->a, 2 * sizeof(*in->args));
			if (!in->args) {
				rc = p->err = -RP_ENOMEM;
				goto out;
			}
			in->args[0] = cur;
			in->args[1] = ix;
			in->nargs = 2;
			cur = in;
			rp_arm_lex_next(lx);
		} else {
			break;
		}
	}
	*out = cur;
out:
	p->depth--;
	return rc ? rc : p->err;
}

int rp_arm_parse_mapped(rp_arena *a, rp_diag *diag, const char *s, size_t n,
			const rp_arm_srcmap *map, rp_arm_node **root)
{
	parser p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.a = a;
	p.diag = diag;
	p.map = map;
	*root = NULL;
	/* UTF-16 units <= UTF-8 bytes: count units only when the bytes exceed the limit */
	if (n > RP_ARM_MAX_EXPR_LEN && rp_arm_u16_len(s, n) > RP_ARM_MAX_EXPR_LEN)
		return perr(&p, 0, 1, RP_ELIMIT,
			    "expression longer than %u characters (Azure's limit)",
			    RP_ARM_MAX_EXPR_LEN);
	if (n < 2 || s[0] != '[' || s[n - 1] != ']')
		return perr(&p, 0, n ? 1 : 0, RP_EPARSE, "not an expression (must be '[...]')");
	rp_arm_lex_init(&p.lx, s, n - 1, 1);
	rp_arm_lex_next(&p.lx);
	if (p.lx.tok == RP_ARM_T_EOF)
		return perr(&p, 0, n, RP_EPARSE, "empty expression");
	rc = parse_value(&p, root);
	if (rc)
		return rc;
	if (p.lx.tok != RP_ARM_T_EOF)
		return unexpected(&p, "']' (end of expression)");
	return 0;
}

int rp_arm_parse(rp_arena *a, rp_diag *diag, const char *s, size_t n, rp_span where,
		 rp_arm_node **root)
{
	rp_arm_srcmap m;

	rp_arm_srcmap_init(&m, a, s, n, where);
	return rp_arm_parse_mapped(a, diag, s, n, &m, root);
}
