/* test-expr-parse.c: lexer and parser of ARM expressions: AST shapes and
 * byte spans, the source map through JSON escapes, and error positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ingest/arm/expr.h"
#include "ingest/arm/expr_internal.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/source.h"

static rp_arm_node *parse_ok(rp_arena *a, const char *s)
{
	rp_arm_node *root = NULL;
	rp_span none = { NULL, 0, 0 };
	int rc = rp_arm_parse(a, NULL, s, strlen(s), none, &root);

	assert_int_equal(rc, 0);
	assert_non_null(root);
	return root;
}

static void assert_span(const char *s, const rp_arm_node *nd, const char *text)
{
	assert_true(nd->off + nd->len <= strlen(s));
	assert_int_equal(nd->len, strlen(text));
	assert_memory_equal(s + nd->off, text, nd->len);
}

static void test_lexer(void **state)
{
	rp_arm_lexer lx;
	const char *s = "concat('a''b', -12,x.y[?0]).?z";
	rp_arm_tok want[] = { RP_ARM_T_IDENT,  RP_ARM_T_LPAREN, RP_ARM_T_STRING, RP_ARM_T_COMMA,
			      RP_ARM_T_INT,    RP_ARM_T_COMMA,  RP_ARM_T_IDENT,  RP_ARM_T_DOT,
			      RP_ARM_T_IDENT,  RP_ARM_T_QBRACK, RP_ARM_T_INT,    RP_ARM_T_RBRACK,
			      RP_ARM_T_RPAREN, RP_ARM_T_QDOT,   RP_ARM_T_IDENT,  RP_ARM_T_EOF };
	size_t i;

	(void)state;
	rp_arm_lex_init(&lx, s, strlen(s), 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		rp_arm_lex_next(&lx);
		assert_int_equal(lx.tok, want[i]);
	}
	rp_arm_lex_init(&lx, s, strlen(s), 7);
	rp_arm_lex_next(&lx);
	assert_int_equal(lx.start, 7);
	assert_int_equal(lx.len, 6); /* 'a''b' */
	rp_arm_lex_init(&lx, "'abc", 4, 0);
	rp_arm_lex_next(&lx);
	assert_int_equal(lx.tok, RP_ARM_T_ERROR);
	rp_arm_lex_init(&lx, "  #", 3, 0);
	rp_arm_lex_next(&lx);
	assert_int_equal(lx.tok, RP_ARM_T_ERROR);
	assert_int_equal(lx.start, 2);
}

static void test_ast_spans(void **state)
{
	rp_arena *a = rp_arena_new();
	const char *s = "[concat(parameters('p').name, 'it''s', 42)[0]]";
	rp_arm_node *root = parse_ok(a, s), *call, *prop;

	(void)state;
	assert_int_equal(root->kind, RP_ARM_N_INDEX);
	assert_span(s, root, "concat(parameters('p').name, 'it''s', 42)[0]");
	call = root->args[0];
	assert_int_equal(call->kind, RP_ARM_N_CALL);
	assert_int_equal(call->nargs, 3);
	assert_span(s, call, "concat(parameters('p').name, 'it''s', 42)");
	prop = call->args[0];
	assert_int_equal(prop->kind, RP_ARM_N_PROP);
	assert_span(s, prop, "parameters('p').name");
	assert_int_equal(prop->n, 4);
	assert_memory_equal(prop->text, "name", 4);
	assert_span(s, prop->args[0], "parameters('p')");
	assert_int_equal(call->args[1]->kind, RP_ARM_N_STRING);
	assert_string_equal(call->args[1]->text, "it's");
	assert_span(s, call->args[1], "'it''s'");
	assert_int_equal(call->args[2]->kind, RP_ARM_N_INT);
	assert_int_equal(call->args[2]->ival, 42);
	assert_span(s, root->args[1], "0");
	rp_arena_free(a);
}

static void test_namespaced_and_literals(void **state)
{
	rp_arena *a = rp_arena_new();
	const char *s = "[contoso.double(-5, true, null)]";
	rp_arm_node *root = parse_ok(a, s);

	(void)state;
	assert_int_equal(root->kind, RP_ARM_N_CALL);
	assert_non_null(root->ns);
	assert_int_equal(root->nsn, 7);
	assert_memory_equal(root->ns, "contoso", 7);
	assert_int_equal(root->n, 6);
	assert_int_equal(root->args[0]->ival, -5);
	assert_int_equal(root->args[1]->kind, RP_ARM_N_BOOL);
	assert_int_equal(root->args[2]->kind, RP_ARM_N_NULL);
	root = parse_ok(a, "[a().b.c]");
	assert_int_equal(root->kind, RP_ARM_N_PROP);
	assert_int_equal(root->args[0]->kind, RP_ARM_N_PROP);
	root = parse_ok(a, "[x()[?'k'].?y]");
	assert_true(root->safe);
	assert_true(root->args[0]->safe);
	rp_arena_free(a);
}

/* Error positions through a JSON token with escapes. */
static void test_error_columns(void **state)
{
	const char *json = "{\"v\": \"[concat(\\\"x\\\", foo)]\"}";
	rp_source *src = NULL;
	rp_diag d;
	rp_arena *a = rp_arena_new();
	rp_arm_node *root;
	const char *expr = "[concat(\"x\", foo)]";
	rp_span where;
	uint32_t line, col;

	(void)state;
	rp_diag_init(&d);
	assert_int_equal(rp_source_from_memory("t.json", json, strlen(json), &src), 0);
	where.src = src;
	where.off = 6;
	where.len = (uint32_t)(strlen(json) - 7);
	assert_int_equal(json[where.off], '"');
	assert_int_equal(json[where.off + where.len - 1], '"');
	/* '"' is not a token: error at the escaped quote (column 16, the backslash) */
	assert_int_equal(rp_arm_parse(a, &d, expr, strlen(expr), where, &root), -RP_EPARSE);
	assert_int_equal(d.count, 1);
	rp_source_linecol(src, d.items[0].start, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 16);
	rp_diag_release(&d);

	/* no escapes: direct mapping */
	rp_diag_init(&d);
	{
		const char *j2 = "{\"v\": \"[concat('a' 'b')]\"}";
		rp_source *s2 = NULL;
		assert_int_equal(rp_source_from_memory("t2.json", j2, strlen(j2), &s2), 0);
		where.src = s2;
		where.off = 6;
		where.len = (uint32_t)(strlen(j2) - 7);
		assert_int_equal(rp_arm_parse(a, &d, "[concat('a' 'b')]", 17, where, &root),
				 -RP_EPARSE);
		rp_source_linecol(s2, d.items[0].start, &line, &col);
		assert_int_equal(col, 20); /* the second string literal */
		assert_non_null(strstr(d.items[0].message, "expected ',' or ')'"));
		rp_source_free(s2);
	}
	rp_diag_release(&d);
	rp_source_free(src);
	rp_arena_free(a);
}

static void test_limits(void **state)
{
	rp_arena *a = rp_arena_new();
	rp_diag d;
	rp_arm_node *root;
	rp_span none = { NULL, 0, 0 };
	char *deep = malloc(4000);
	size_t n = 0, i;

	(void)state;
	rp_diag_init(&d);
	deep[n++] = '[';
	for (i = 0; i < 300; i++) {
		memcpy(deep + n, "not(", 4);
		n += 4;
	}
	deep[n++] = '1';
	for (i = 0; i < 300; i++)
		deep[n++] = ')';
	deep[n++] = ']';
	assert_int_equal(rp_arm_parse(a, &d, deep, n, none, &root), -RP_ELIMIT);
	assert_non_null(strstr(d.items[0].message, "nested too deeply"));
	free(deep);
	rp_diag_release(&d);

	rp_diag_init(&d);
	{
		size_t big = RP_ARM_MAX_EXPR_LEN + 10;
		char *s = malloc(big);
		memset(s, ' ', big);
		s[0] = '[';
		memcpy(s + 1, "true()", 6);
		s[big - 1] = ']';
		assert_int_equal(rp_arm_parse(a, &d, s, big, none, &root), -RP_ELIMIT);
		assert_non_null(strstr(d.items[0].message, "24576"));
		free(s);
	}
	rp_diag_release(&d);
	rp_arena_free(a);
}

static void test_is_expression(void **state)
{
	(void)state;
	assert_true(rp_arm_is_expression("[a()]", 5));
	assert_false(rp_arm_is_expression("[[a()]", 6));
	assert_false(rp_arm_is_expression("[]", 2));
	assert_false(rp_arm_is_expression("a()", 3));
	assert_false(rp_arm_is_expression(" [a()]", 6));
	assert_false(rp_arm_is_expression("[a()", 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lexer),
		cmocka_unit_test(test_ast_spans),
		cmocka_unit_test(test_namespaced_and_literals),
		cmocka_unit_test(test_error_columns),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_is_expression),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
