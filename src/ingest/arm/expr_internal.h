/* expr_internal.h: private interface between the ARM expression parser,
 * evaluator and function library (src/ingest/arm/expr*.c, functions*.c).
 * Not installed, not used outside src/ingest/arm/expr* and functions*.
 */
#ifndef RP_INGEST_ARM_EXPR_INTERNAL_H
#define RP_INGEST_ARM_EXPR_INTERNAL_H

#include "ingest/arm/expr.h"
#include "util/buf.h"
#include "util/error.h"

#include <stdarg.h>

/* ---- lexer ---- */
typedef enum rp_arm_tok {
	RP_ARM_T_EOF = 0,
	RP_ARM_T_IDENT,  /* name */
	RP_ARM_T_STRING, /* 'text' (value decoded by the parser) */
	RP_ARM_T_INT,    /* digits (sign handled as part of the token) */
	RP_ARM_T_LPAREN,
	RP_ARM_T_RPAREN,
	RP_ARM_T_LBRACK,
	RP_ARM_T_RBRACK,
	RP_ARM_T_COMMA,
	RP_ARM_T_DOT,
	RP_ARM_T_QDOT,   /* .? */
	RP_ARM_T_QBRACK, /* [? */
	RP_ARM_T_ERROR,  /* bad character / unterminated string: lex_error set */
} rp_arm_tok;

typedef struct rp_arm_lexer {
	const char *s; /* expression body */
	size_t n;
	size_t pos;
	/* current token */
	rp_arm_tok tok;
	size_t start, len;
	const char *err; /* for RP_ARM_T_ERROR */
} rp_arm_lexer;

void rp_arm_lex_init(rp_arm_lexer *lx, const char *s, size_t n, size_t pos);
/* Advances to the next token (tok/start/len). */
void rp_arm_lex_next(rp_arm_lexer *lx);
const char *rp_arm_tok_name(rp_arm_tok t);

/* ---- source mapping ----
 * Offsets in the decoded expression string map to bytes of the JSON string
 * token in its source. */
typedef struct rp_arm_srcmap {
	rp_span where;       /* the JSON token (or src NULL) */
	const uint32_t *map; /* decoded offset -> source offset, n+1 entries; or NULL */
	size_t n;
	bool direct; /* token without escapes: off = where.off + 1 + k */
} rp_arm_srcmap;

void rp_arm_srcmap_init(rp_arm_srcmap *m, rp_arena *a, const char *s, size_t n, rp_span where);
rp_span rp_arm_srcmap_span(const rp_arm_srcmap *m, size_t off, size_t len);
/* rp_arm_parse with a prepared map. */
int rp_arm_parse_mapped(rp_arena *a, rp_diag *diag, const char *s, size_t n,
			const rp_arm_srcmap *map, rp_arm_node **root);

/* Diagnostic at a span (error level, code may be NULL). */
void rp_arm_diag(rp_diag *d, rp_span sp, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- evaluation state ---- */
typedef struct rp_arm_lambda_frame rp_arm_lambda_frame;
struct rp_arm_lambda_frame {
	const char *names[3];
	size_t lens[3];
	rp_value *vals[3];
	size_t n;
	rp_arm_lambda_frame *up;
};

typedef struct rp_arm_ev {
	rp_arm_env *env;
	const rp_arm_srcmap *map; /* NULL when called through rp_arm_call */
	rp_span where;            /* span given to results */
	rp_arm_lambda_frame *frames;
	unsigned depth; /* evaluation nesting */
} rp_arm_ev;

/* Evaluates one AST node. */
int rp_arm_eval_node(rp_arm_ev *ev, const rp_arm_node *nd, rp_value **out);
rp_span rp_arm_node_span(const rp_arm_ev *ev, const rp_arm_node *nd);

/* ---- function calls ---- */
typedef struct rp_arm_fcall {
	rp_arm_ev *ev;
	rp_arm_env *env;
	rp_arena *a;
	const char *name; /* as written */
	size_t namelen;
	rp_span at;      /* the call (for diagnostics) */
	rp_span res;     /* span for results */
	rp_value **args; /* evaluated args (NULL for RAW functions) */
	size_t nargs;
	const rp_arm_node *node; /* the CALL node, or NULL via rp_arm_call */
} rp_arm_fcall;

typedef int (*rp_arm_impl)(rp_arm_fcall *c, rp_value **out);

/* Table flags. */
enum {
	RP_ARM_F_RAW = 1u << 0,     /* receives unevaluated args (c->node): lazy / lambda */
	RP_ARM_F_UNK_OK = 1u << 1,  /* handles UNKNOWN args itself (else: any unknown in
				     * any argument makes the result unknown) */
	RP_ARM_F_TOP_UNK = 1u << 2, /* only top-level UNKNOWN args propagate automatically;
				     * unknowns nested in arrays/objects are handled */
	RP_ARM_F_PREFIX = 1u << 3,  /* name is a prefix (list*) */
};

typedef struct rp_arm_fdef {
	rp_arm_function_info info;
	unsigned flags;
	rp_arm_impl impl;
} rp_arm_fdef;

const rp_arm_fdef *rp_arm_fdef_find(const char *name, size_t n);

/* Argument span for diagnostics (the argument's node, or the call). */
rp_span rp_arm_arg_span(const rp_arm_fcall *c, size_t i);
/* Error helpers: add a diagnostic, return the code. */
int rp_arm_fail(const rp_arm_fcall *c, rp_span sp, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int rp_arm_type_error(const rp_arm_fcall *c, size_t i, const char *want);

/* Result constructors (span = c->res); NULL-checked by rp_arm_ret. */
int rp_arm_ret(rp_arm_fcall *c, rp_value *v, rp_value **out);
int rp_arm_ret_str(rp_arm_fcall *c, const char *s, size_t n, rp_value **out);
int rp_arm_ret_int(rp_arm_fcall *c, int64_t i, rp_value **out);
int rp_arm_ret_bool(rp_arm_fcall *c, bool b, rp_value **out);
int rp_arm_ret_unknown(rp_arm_fcall *c, rp_value **out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Propagates an existing unknown (same reason). */
int rp_arm_ret_unk(rp_arm_fcall *c, const rp_value *u, rp_value **out);
/* Returns a string built in b (checked against RP_ARM_MAX_STRING). */
int rp_arm_ret_buf(rp_arm_fcall *c, rp_buf *b, rp_value **out);

/* Checks a produced size (strings: bytes, arrays: items). */
int rp_arm_check_size(const rp_arm_fcall *c, size_t n, bool items);
/* Counts work; RP_ELIMIT diagnostic when RP_ARM_MAX_WORK is exceeded. */
int rp_arm_work(rp_arm_fcall *c, size_t steps);

/* Argument accessors: return 0 or a type-error code. */
int rp_arm_arg_str(rp_arm_fcall *c, size_t i, const char **s, size_t *n);
int rp_arm_arg_int(rp_arm_fcall *c, size_t i, int64_t *v);
int rp_arm_arg_bool(rp_arm_fcall *c, size_t i, bool *v);
int rp_arm_arg_array(rp_arm_fcall *c, size_t i, rp_value **v);
int rp_arm_arg_object(rp_arm_fcall *c, size_t i, rp_value **v);

/* ARM string conversion into b (string(): JSON for arrays/objects). */
int rp_arm_stringify(rp_buf *b, const rp_value *v);
/* Compact JSON of v into b (unknowns must have been checked). */
int rp_arm_json(rp_buf *b, const rp_value *v);
/* Parses JSON text into a value (json()).  0, or -RP_EPARSE without a
 * diagnostic (caller reports). */
int rp_arm_json_parse(rp_arena *a, const char *s, size_t n, rp_span sp, rp_value **out);

/* UTF-16 helpers (ARM string indexes are .NET UTF-16 code units). */
size_t rp_arm_u16_len(const char *s, size_t n);
/* Byte offset of UTF-16 index k (k <= u16 length), or SIZE_MAX when k
 * splits a surrogate pair. */
size_t rp_arm_u16_off(const char *s, size_t n, size_t k);

/* Argument i of a RAW call, evaluated now (or c->args[i] via rp_arm_call). */
int rp_arm_raw_arg(rp_arm_fcall *c, size_t i, rp_value **out);
/* Base64 (RFC 4648, padded).  Decode: 0, or -RP_EPARSE on bad input. */
int rp_arm_b64_encode(rp_buf *b, const unsigned char *p, size_t n);
int rp_arm_b64_decode(rp_buf *b, const char *s, size_t n);

/* Lambda support (functions_lambda.c uses the evaluator). */
int rp_arm_lambda_call(rp_arm_fcall *c, const rp_arm_node *lam, rp_value **vals, size_t nvals,
		       rp_value **out);

/* Implementations (one per table row; named fn_<name>). */
#define RP_ARM_FN(name) int rp_arm_fn_##name(rp_arm_fcall *c, rp_value **out)
/* string */
RP_ARM_FN(base64);
RP_ARM_FN(base64ToJson);
RP_ARM_FN(base64ToString);
RP_ARM_FN(concat);
RP_ARM_FN(contains);
RP_ARM_FN(dataUri);
RP_ARM_FN(dataUriToString);
RP_ARM_FN(empty);
RP_ARM_FN(endsWith);
RP_ARM_FN(first);
RP_ARM_FN(format);
RP_ARM_FN(guid);
RP_ARM_FN(indexOf);
RP_ARM_FN(join);
RP_ARM_FN(json);
RP_ARM_FN(last);
RP_ARM_FN(lastIndexOf);
RP_ARM_FN(length);
RP_ARM_FN(newGuid);
RP_ARM_FN(padLeft);
RP_ARM_FN(replace);
RP_ARM_FN(skip);
RP_ARM_FN(split);
RP_ARM_FN(startsWith);
RP_ARM_FN(string);
RP_ARM_FN(substring);
RP_ARM_FN(take);
RP_ARM_FN(toLower);
RP_ARM_FN(toUpper);
RP_ARM_FN(trim);
RP_ARM_FN(uniqueString);
RP_ARM_FN(uri);
RP_ARM_FN(uriComponent);
RP_ARM_FN(uriComponentToString);
/* array / object */
RP_ARM_FN(array);
RP_ARM_FN(createArray);
RP_ARM_FN(createObject);
RP_ARM_FN(intersection);
RP_ARM_FN(items);
RP_ARM_FN(max);
RP_ARM_FN(min);
RP_ARM_FN(null);
RP_ARM_FN(objectKeys);
RP_ARM_FN(range);
RP_ARM_FN(shallowMerge);
RP_ARM_FN(tryGet);
RP_ARM_FN(tryIndexFromEnd);
RP_ARM_FN(union);
RP_ARM_FN(indexFromEnd);
/* comparison / logical / numeric */
RP_ARM_FN(coalesce);
RP_ARM_FN(equals);
RP_ARM_FN(greater);
RP_ARM_FN(greaterOrEquals);
RP_ARM_FN(less);
RP_ARM_FN(lessOrEquals);
RP_ARM_FN(and);
RP_ARM_FN(bool);
RP_ARM_FN(false);
RP_ARM_FN(if);
RP_ARM_FN(not );
RP_ARM_FN(or);
RP_ARM_FN(true);
RP_ARM_FN(add);
RP_ARM_FN(copyIndex);
RP_ARM_FN(div);
RP_ARM_FN(float);
RP_ARM_FN(int);
RP_ARM_FN(mod);
RP_ARM_FN(mul);
RP_ARM_FN(sub);
/* date */
RP_ARM_FN(dateTimeAdd);
RP_ARM_FN(dateTimeFromEpoch);
RP_ARM_FN(dateTimeToEpoch);
RP_ARM_FN(utcNow);
/* deployment / resource / scope */
RP_ARM_FN(deployment);
RP_ARM_FN(deployer);
RP_ARM_FN(environment);
RP_ARM_FN(parameters);
RP_ARM_FN(variables);
RP_ARM_FN(extensionResourceId);
RP_ARM_FN(list);
RP_ARM_FN(managementGroup);
RP_ARM_FN(managementGroupResourceId);
RP_ARM_FN(pickZones);
RP_ARM_FN(providers);
RP_ARM_FN(reference);
RP_ARM_FN(references);
RP_ARM_FN(resourceGroup);
RP_ARM_FN(resourceId);
RP_ARM_FN(subscription);
RP_ARM_FN(subscriptionResourceId);
RP_ARM_FN(tenant);
RP_ARM_FN(tenantResourceId);
RP_ARM_FN(resourceInfo);
/* lambda */
RP_ARM_FN(filter);
RP_ARM_FN(groupBy);
RP_ARM_FN(map);
RP_ARM_FN(mapValues);
RP_ARM_FN(reduce);
RP_ARM_FN(sort);
RP_ARM_FN(toObject);
RP_ARM_FN(lambda);
RP_ARM_FN(lambdaVariables);
/* cidr */
RP_ARM_FN(parseCidr);
RP_ARM_FN(cidrSubnet);
RP_ARM_FN(cidrHost);

#endif
