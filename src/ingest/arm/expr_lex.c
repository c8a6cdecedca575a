/* expr_lex.c: tokenizer of the ARM template expression language.
 *
 * Spec: "Syntax and expressions in ARM templates" (Microsoft Learn,
 * template-expressions): function calls, single-quoted string literals with
 * '' as the escape for a quote, integer literals, '.' property access and
 * '[...]' indexing; languageVersion 2.0 adds the null-safe forms '.?' and
 * '[?'.  Whitespace between tokens is ignored.
 */
#include "ingest/arm/expr_internal.h"

#include <string.h>

void rp_arm_lex_init(rp_arm_lexer *lx, const char *s, size_t n, size_t pos)
{
	memset(lx, 0, sizeof(*lx));
	lx->s = s;
	lx->n = n;
	lx->pos = pos;
}

/* Identifier bytes: 1 = may start an identifier (letters, '_', '$'),
 * 2 = may continue one (those and digits). */
static const unsigned char ident_class[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	0, 0, 0, 0, 0, 0, 0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 0, 0, 0, 0, 3, 0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static bool is_ident_start(unsigned char c)
{
	return (ident_class[c] & 1u) != 0;
}

static bool is_ident_char(unsigned char c)
{
	return (ident_class[c] & 2u) != 0;
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void rp_arm_lex_next(rp_arm_lexer *lx)
{
	const char *s = lx->s;
	size_t n = lx->n, p = lx->pos;
	unsigned char c;

	while (p < n && is_space((unsigned char)s[p]))
		p++;
	lx->start = p;
	lx->err = NULL;
	if (p >= n) {
		lx->tok = RP_ARM_T_EOF;
		lx->len = 0;
		lx->pos = p;
		return;
	}
	c = (unsigned char)s[p];
	switch (c) {
	case '(':
		lx->tok = RP_ARM_T_LPAREN;
		p++;
		break;
	case ')':
		lx->tok = RP_ARM_T_RPAREN;
		p++;
		break;
	case ']':
		lx->tok = RP_ARM_T_RBRACK;
		p++;
		break;
	case ',':
		lx->tok = RP_ARM_T_COMMA;
		p++;
		break;
	case '[':
		p++;
		if (p < n && s[p] == '?') {
			lx->tok = RP_ARM_T_QBRACK;
			p++;
		} else {
			lx->tok = RP_ARM_T_LBRACK;
		}
		break;
	case '.':
		p++;
		if (p < n && s[p] == '?') {
			lx->tok = RP_ARM_T_QDOT;
			p++;
		} else {
			lx->tok = RP_ARM_T_DOT;
		}
		break;
	case '\'':
		p++;
		for (;;) {
			const char *q = p < n ? memchr(s + p, '\'', n - p) : NULL;
			if (!q) {
				p = n;
				lx->tok = RP_ARM_T_ERROR;
				lx->err = "unterminated string literal";
				break;
			}
			p = (size_t)(q - s);
			if (p + 1 < n && s[p + 1] == '\'') {
				p += 2;
				continue;
			}
			p++;
			lx->tok = RP_ARM_T_STRING;
			break;
		}
		break;
	default:
		if ((c >= '0' && c <= '9') ||
		    (c == '-' && p + 1 < n && s[p + 1] >= '0' && s[p + 1] <= '9') ||
		    (c == '+' && p + 1 < n && s[p + 1] >= '0' && s[p + 1] <= '9')) {
			p++;
			while (p < n && s[p] >= '0' && s[p] <= '9')
				p++;
			lx->tok = RP_ARM_T_INT;
		} else if (is_ident_start(c)) {
			while (p < n && is_ident_char((unsigned char)s[p]))
				p++;
			lx->tok = RP_ARM_T_IDENT;
		} else {
			lx->tok = RP_ARM_T_ERROR;
			lx->err = "unexpected character";
			p++;
			/* a whole UTF-8 sequence for the span */
			while (p < n && ((unsigned char)s[p] & 0xC0) == 0x80)
				p++;
		}
		break;
	}
	lx->len = p - lx->start;
	lx->pos = p;
}

const char *rp_arm_tok_name(rp_arm_tok t)
{
	switch (t) {
	case RP_ARM_T_EOF: return "end of expression";
	case RP_ARM_T_IDENT: return "identifier";
	case RP_ARM_T_STRING: return "string literal";
	case RP_ARM_T_INT: return "integer literal";
	case RP_ARM_T_LPAREN: return "'('";
	case RP_ARM_T_RPAREN: return "')'";
	case RP_ARM_T_LBRACK: return "'['";
	case RP_ARM_T_RBRACK: return "']'";
	case RP_ARM_T_COMMA: return "','";
	case RP_ARM_T_DOT: return "'.'";
	case RP_ARM_T_QDOT: return "'.?'";
	case RP_ARM_T_QBRACK: return "'[?'";
	case RP_ARM_T_ERROR: return "invalid token";
	}
	return "?";
}
