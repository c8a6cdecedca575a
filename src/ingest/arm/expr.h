/* expr.h: the ARM template expression language (lexer, parser, evaluator and
 * function library).
 *
 * Spec: Microsoft Learn, "Syntax and expressions in ARM templates"
 * (template-expressions) and the "Template functions" reference pages
 * (template-functions-string, -array, -object, -comparison, -logical,
 * -numeric, -date, -deployment, -resource, -scope, -lambda, -cidr).
 *
 * An ARM JSON string is an expression when it starts with '[' and ends with
 * ']' (after trimming nothing: ARM checks the raw string) and does not start
 * with "[[".  "[[..." is the escape for a literal string starting with '['.
 *
 * Evaluation is three-valued: a known rp_value, an UNKNOWN rp_value (with a
 * reason and a span: reference(), list*(), utcNow(), a parameter without a
 * value...), or an error (negative RP_E* return after a diagnostic).  Unknown
 * propagates through every function; see docs/arm-functions.md for the exact
 * rules.  rampart never guesses a value.
 *
 * Ownership: every value produced lives in env->arena; inputs are borrowed
 * and never modified.  Diagnostics go to env->diag (may be NULL) with spans
 * into the template's rp_source.
 */
#ifndef RP_INGEST_ARM_EXPR_H
#define RP_INGEST_ARM_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json/value.h"
#include "util/arena.h"
#include "util/diag.h"

/* ---- limits (each an RP_ELIMIT diagnostic with a position) ---- */
#define RP_ARM_MAX_EXPR_LEN 24576u          /* characters in one expression (as Azure) */
#define RP_ARM_MAX_NESTING 128u             /* nesting of calls / indexes / parentheses */
#define RP_ARM_MAX_CALL_DEPTH 32u           /* user functions / nested evaluation (env->depth) */
#define RP_ARM_MAX_STRING ((size_t)1 << 20) /* bytes in one produced string */
#define RP_ARM_MAX_ITEMS 100000u            /* elements of one produced array/object */
#define RP_ARM_MAX_ARGS 256u                /* arguments of one call */
#define RP_ARM_MAX_WORK 20000000u           /* elementary steps per top-level evaluation */
#define RP_ARM_MAX_VALUE_DEPTH 1000u        /* nesting of a value built by reduce() */

/* Default deployment context (documented in docs/arm-functions.md); the CLI
 * overrides each with --subscription-id, --resource-group, --location,
 * --tenant-id, --deployment-name. */
#define RP_ARM_DEFAULT_SUBSCRIPTION "00000000-0000-0000-0000-000000000000"
#define RP_ARM_DEFAULT_TENANT "00000000-0000-0000-0000-000000000000"
#define RP_ARM_DEFAULT_RESOURCE_GROUP "rampart-rg"
#define RP_ARM_DEFAULT_LOCATION "eastus"
#define RP_ARM_DEFAULT_DEPLOYMENT "rampart-deployment"
#define RP_ARM_DEFAULT_MANAGEMENT_GROUP "rampart-mg"

/* Deployment context.  All strings borrowed (must outlive evaluation). */
typedef struct rp_arm_context {
	const char *subscription_id;
	const char *tenant_id;
	const char *resource_group;
	const char *location; /* resource group location (resourceGroup().location) */
	const char *deployment_name;
	const char *management_group; /* managementGroup() name at managementGroup scope */
	const char *scope; /* "resourceGroup" | "subscription" | "managementGroup" | "tenant" */
} rp_arm_context;

/* Fills c with the RP_ARM_DEFAULT_* values and scope "resourceGroup". */
void rp_arm_context_defaults(rp_arm_context *c);

/* env->flags */
enum {
	/* Evaluating a parameter's defaultValue: utcNow() and newGuid() are
	 * allowed there (they yield UNKNOWN); elsewhere ARM rejects them and so
	 * do we (RP_EINVAL diagnostic). */
	RP_ARM_IN_PARAM_DEFAULT = 1u << 0,
	/* Evaluating a variable or parameter default: ARM rejects reference()
	 * and list*() there ("not expected at this location"); with this flag
	 * set they are an RP_EINVAL diagnostic, otherwise UNKNOWN. */
	RP_ARM_NO_REFERENCE = 1u << 1,
};

typedef struct rp_arm_env rp_arm_env;

/* Parsed expressions of one evaluation run, by expression text: a text that
 * occurs several times (the same "[parameters('location')]" in every
 * resource, a copy loop's body, a user function's output) is parsed once.
 * Keys are arena copies of the texts and the ASTs live in the same arena,
 * so entries stay valid as long as it; at most RP_ARM_EXPR_CACHE_MAX
 * entries (later texts are parsed each time).  Only successful parses are
 * kept, so a syntax error is reported at each occurrence. */
#define RP_ARM_EXPR_CACHE_MAX 65536u
typedef struct rp_arm_expr_slot {
	const char *text; /* arena copy; NULL = empty slot */
	uint32_t n;
	uint32_t hash;
	struct rp_arm_node *root;
} rp_arm_expr_slot;
typedef struct rp_arm_expr_cache {
	rp_arm_expr_slot *slots; /* open addressing, power of two, half full at most */
	size_t nslots, count;
	/* interned computed strings (resource IDs): the same table layout,
	 * root unused; at most RP_ARM_EXPR_CACHE_MAX entries */
	rp_arm_expr_slot *strs;
	size_t nstrs, strcount;
	rp_arena *arena;
} rp_arm_expr_cache;
void rp_arm_expr_cache_init(rp_arm_expr_cache *c, rp_arena *a);
void rp_arm_expr_cache_release(rp_arm_expr_cache *c);
/* A NUL-terminated copy of s[0..n) in c->arena, shared with every earlier
 * call for the same bytes in this run: a resource ID is computed several
 * times per resource (its own ID, each dependsOn and each reference to it)
 * and values are immutable, so they can share one copy.  NULL when out of
 * memory.  Beyond RP_ARM_EXPR_CACHE_MAX strings, a fresh copy each time. */
const char *rp_arm_intern(rp_arm_expr_cache *c, const char *s, size_t n);

/* Evaluation environment.  Callbacks are provided by the template layer; any
 * of them may be NULL (then the corresponding function yields a diagnostic
 * "... is not available here", RP_EINVAL).  Each callback returns 0 and sets
 * *out (value in env->arena, may be UNKNOWN), or a negative RP_E* code after
 * adding a diagnostic at `at`. */
struct rp_arm_env {
	void *ud;                  /* the template layer's state */
	rp_arena *arena;           /* where results are allocated */
	rp_diag *diag;             /* may be NULL */
	const rp_arm_context *ctx; /* NULL = defaults */
	unsigned flags;            /* RP_ARM_IN_* */

	/* parameters('name') */
	int (*parameter)(rp_arm_env *env, const char *name, size_t n, rp_span at, rp_value **out);
	/* variables('name') */
	int (*variable)(rp_arm_env *env, const char *name, size_t n, rp_span at, rp_value **out);
	/* copyIndex(): the zero-based iteration of loop `loop` (NULL,0 =
	 * innermost).  The offset argument of copyIndex() is added by the
	 * expression layer. */
	int (*copy_index)(rp_arm_env *env, const char *loop, size_t n, rp_span at, int64_t *out);
	/* namespace.function(args) user-defined functions; args evaluated. */
	int (*user_function)(rp_arm_env *env, const char *ns, size_t nsn, const char *name,
			     size_t nn, rp_value **args, size_t nargs, rp_span at, rp_value **out);
	/* deployment() object (name, properties.templateLink.uri when linked...). */
	int (*deployment)(rp_arm_env *env, rp_span at, rp_value **out);
	/* languageVersion 2.0 symbolic names used as reference(symbolicName) or
	 * resourceInfo(); optional. */
	int (*symbolic)(rp_arm_env *env, const char *name, size_t n, rp_span at, rp_value **out);
	/* Optional: reference()/references() resolution.  If NULL, or if it
	 * returns -RP_ENOTFOUND (without a diagnostic), the result is UNKNOWN
	 * with reason "reference(...) is only known at deployment time". */
	int (*reference)(rp_arm_env *env, rp_value *const *args, size_t nargs, rp_span at,
			 rp_value **out);

	unsigned depth; /* nesting guard: incremented around user functions */
	/* internal: work counter for RP_ARM_MAX_WORK; reset by the entry points
	 * when depth == 0.  Callers initialise to 0 (zero the struct). */
	uint64_t work;
	/* internal: lambda variable frames (evaluator-private). */
	void *lambda;
	/* Optional parsed-expression cache (NULL: parse every time); used
	 * only when its arena is env->arena. */
	rp_arm_expr_cache *cache;
};

/* Is s[0..n) an expression: starts with '[', ends with ']', and does not
 * start with "[[".  (A string "[]" is not an expression in ARM: it has an
 * empty body and is taken literally.) */
bool rp_arm_is_expression(const char *s, size_t n);

/* Evaluates a JSON string value as ARM does: an expression is evaluated;
 * "[[..." yields the literal with the first '[' removed; anything else is
 * the literal string.  `where` is the span of the JSON string token in its
 * source (quotes included; src may be NULL); every diagnostic points at the
 * exact byte of the expression inside it (escapes in the token are mapped;
 * when the token does not match the decoded text, at the token start).
 * Returns 0 with *out set (may be UNKNOWN; its span is `where`), or a
 * negative RP_E* code (RP_EPARSE, RP_EINVAL, RP_ELIMIT, RP_ENOMEM...) after
 * an error diagnostic. */
int rp_arm_eval_string(rp_arm_env *env, const char *s, size_t n, rp_span where, rp_value **out);

/* Evaluates a whole value tree: every string inside objects/arrays goes
 * through rp_arm_eval_string (with the string's own span); object KEYS that
 * are expressions are evaluated too (they must yield a string; an unknown
 * key makes the whole object UNKNOWN).  Non-string scalars are returned as
 * they are.  Same return contract as rp_arm_eval_string. */
int rp_arm_eval_value(rp_arm_env *env, const rp_value *v, rp_value **out);

/* Calls built-in function `name` (case-insensitive) with evaluated args.
 * Lazy functions (if, and, or, coalesce) behave as if their arguments were
 * already evaluated; lambda functions cannot be called this way
 * (RP_EINVAL).  Same return contract; diagnostics at `at`. */
int rp_arm_call(rp_arm_env *env, const char *name, rp_value **args, size_t nargs, rp_span at,
		rp_value **out);

/* ---- helpers for the template layer ---- */

/* ARM's type name of a value: "String", "Int", "Bool", "Array", "Object",
 * "Null", "Float" (never produced by ARM itself), "Unknown". */
const char *rp_arm_type_name(const rp_value *v);

/* A condition value: sets *truth to 1 (true), 0 (false) or -1 (unknown) and
 * returns 0; returns -RP_EINVAL after a diagnostic at `at` when v is not a
 * boolean (ARM requires a bool; the strings "true"/"false" are accepted, as
 * ARM converts them). */
int rp_arm_truth(rp_arm_env *env, const rp_value *v, rp_span at, int *truth);

/* string(v) as ARM renders it: strings as they are, numbers in decimal,
 * booleans "True"/"False", null "", arrays/objects as compact JSON.  Returns
 * an arena string (length in *n), or NULL on allocation failure or when v
 * contains UNKNOWN. */
const char *rp_arm_to_string(rp_arena *a, const rp_value *v, size_t *n);

/* uniqueString(parts...): 13 lowercase base-32 characters into out[14]
 * (NUL-terminated), bit-exact with Azure Resource Manager. */
void rp_arm_unique_string(const char *const *parts, const size_t *lens, size_t nparts,
			  char out[14]);
/* guid(parts...): a name-based UUID (v5, SHA-1) as ARM computes it, into
 * out[37] (lowercase, NUL-terminated). */
void rp_arm_guid(const char *const *parts, const size_t *lens, size_t nparts, char out[37]);

/* ---- the function table (for docs and tools) ---- */
typedef enum rp_arm_fclass {
	RP_ARM_PURE = 0,               /* result depends only on the arguments */
	RP_ARM_DEPLOYMENT_CONTEXT = 1, /* depends on the deployment context/template */
	RP_ARM_RUNTIME = 2,            /* only known at deployment time: UNKNOWN */
} rp_arm_fclass;

typedef struct rp_arm_function_info {
	const char *name; /* canonical spelling */
	unsigned min_args;
	unsigned max_args; /* RP_ARM_VARIADIC = no upper bound */
	rp_arm_fclass fclass;
	const char *family;  /* "string", "array", "object", "comparison", ... */
	const char *summary; /* one line */
} rp_arm_function_info;

#define RP_ARM_VARIADIC 0xFFFFu

/* Number of built-in functions and the i-th one (table order), or NULL. */
size_t rp_arm_function_count(void);
const rp_arm_function_info *rp_arm_function_at(size_t i);
/* Lookup by name, case-insensitive; NULL if unknown.  list* functions
 * (listKeys, listSecrets...) all resolve to the "list*" entry. */
const rp_arm_function_info *rp_arm_function_find(const char *name, size_t n);
const char *rp_arm_fclass_name(rp_arm_fclass c);

/* ---- AST (exposed for tests and tools) ---- */
typedef enum rp_arm_node_kind {
	RP_ARM_N_STRING = 0, /* 'text' (decoded in .text/.n) */
	RP_ARM_N_INT,        /* integer literal (.ival) */
	RP_ARM_N_CALL,       /* name(args) or ns.name(args): .ns/.name, .args */
	RP_ARM_N_PROP,       /* target.name: .args[0] target, .name/.n */
	RP_ARM_N_INDEX,      /* target[index]: .args[0] target, .args[1] index */
	RP_ARM_N_BOOL,       /* true / false (bare literals, ARM accepts them) */
	RP_ARM_N_NULL,       /* null (bare literal) */
} rp_arm_node_kind;

typedef struct rp_arm_node rp_arm_node;
struct rp_arm_node {
	rp_arm_node_kind kind;
	uint32_t off, len; /* byte span in the expression string (decoded text) */
	const char *text;  /* STRING: value; CALL/PROP: name */
	size_t n;
	const char *ns;                 /* CALL: user-function namespace, or NULL */
	const struct rp_arm_fdef *fdef; /* CALL without ns: the table row resolved at
					 * parse time, or NULL (unknown name) */
	size_t nsn;
	int64_t ival;
	bool safe; /* PROP/INDEX with '.?' / '[?' (null-safe, languageVersion 2) */
	rp_arm_node **args;
	size_t nargs;
};

/* Parses s[0..n) (the expression string including the outer brackets).
 * On success *root is the AST (arena-owned) and 0 is returned; on error a
 * diagnostic is added at the exact position (via `where` as in
 * rp_arm_eval_string) and -RP_EPARSE or -RP_ELIMIT returned. */
int rp_arm_parse(rp_arena *a, rp_diag *diag, const char *s, size_t n, rp_span where,
		 rp_arm_node **root);

#endif
