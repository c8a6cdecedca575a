/* tpl_int.h: internal types of the ARM template evaluator (template.c,
 * params.c, resources.c, nested.c, write.c).  Not a public header.
 *
 * One evaluation (arm_run) owns the output deployment; every value lives in
 * the deployment's arena.  Each (nested) template being evaluated is an
 * arm_frame; expressions are evaluated through an rp_arm_env whose ud is an
 * arm_ectx naming the frame whose parameters/variables/functions they see.
 */
#ifndef RP_INGEST_ARM_TPL_INT_H
#define RP_INGEST_ARM_TPL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ingest/arm/arm.h"
#include "ingest/arm/expr.h"
#include "json/value.h"
#include "util/hashmap.h"

/* Resolution state of a lazily evaluated parameter / variable / function. */
enum { ARM_PENDING = 0, ARM_ACTIVE = 1, ARM_DONE = 2 };

#define ARM_MAX_COPY_STACK 16u /* nested copy loops visible at once */

typedef struct arm_param {
	const char *name;
	rp_value *decl;     /* the declaration object */
	rp_value *supplied; /* value from a parameters file / nested deployment, or NULL */
	rp_value *value;    /* resolved value (ARM_DONE) */
	int state;
	bool secure;
} arm_param;

typedef struct arm_var {
	const char *name;
	rp_value *expr; /* the variable's JSON value, or NULL for a copy variable */
	rp_value *copy; /* entry of the variables' "copy" array, or NULL */
	rp_value *value;
	int state;
} arm_var;

typedef struct arm_func {
	const char *qname; /* "namespace.name" */
	rp_value *decl;    /* {"parameters": [...], "output": {...}} */
	int state;         /* ARM_ACTIVE while its body is evaluated */
} arm_func;

typedef struct arm_copy {
	const char *name; /* loop name (resource copy name, property/variable copy name) */
	int64_t index;
	bool resource; /* a resource-level loop (copyIndex() without a name) */
} arm_copy;

/* One parameter/variable being resolved (cycle detection). */
typedef struct arm_link {
	const char *name;
	bool param; /* parameters('name'), else variables('name') */
} arm_link;

typedef struct arm_run arm_run;
typedef struct arm_frame arm_frame;

struct arm_frame {
	arm_run *run;
	arm_frame *parent; /* enclosing deployment frame, NULL at top */
	arm_frame *scope;  /* whose parameters/variables/functions apply (self or outer) */
	rp_source *src;
	rp_value *tpl;       /* the template object */
	const char *relpath; /* template path relative to the root ("" for memory) */
	const char *dirpath; /* directory of the template on disk (absolute), or NULL */
	rp_map params, vars, funcs,
		symbols; /* icase maps; values arm_param/arm_var/arm_func/rp_resource index */
	arm_copy copies[ARM_MAX_COPY_STACK];
	unsigned ncopies;
	rp_arm_context ctx;
	const char *depl_path;    /* NULL at top level, else "outer/inner" */
	unsigned depth;           /* 0 at top level */
	bool lang2;               /* languageVersion 2.0 */
	rp_value *deployment_obj; /* deployment() result, built on first use */
	rp_value *link_uri;       /* this template's templateLink.uri (STRING) when linked */
	arm_link chain[RP_ARM_MAX_VAR_DEPTH]; /* variables/parameters being resolved */
	unsigned nchain;
};

/* Evaluation context of one expression: ud of the rp_arm_env. */
typedef struct arm_ectx {
	arm_frame *f; /* frame for copyIndex and resources */
	arm_func *fn; /* inside a user function body, or NULL */
	rp_value **fn_args;
	size_t fn_nargs;
} arm_ectx;

/* Enumeration request: parameter name -> forced value. */
typedef struct arm_assign {
	const char *name;
	size_t index; /* into the parameter's allowedValues */
} arm_assign;

/* An enumerable parameter found by an evaluation. */
typedef struct arm_enum_param {
	char *name; /* malloc'd */
	size_t nvalues;
} arm_enum_param;

struct arm_run {
	rp_deployment *d;
	rp_arena *a;       /* d->arena */
	rp_diag *diag;     /* current sink (diverted inside if() branches) */
	unsigned diverted; /* > 0 while the sink is diverted */
	const rp_arm_options *opts;
	char *root;         /* realpath of the root (malloc'd), or NULL for memory-only */
	rp_arm_context ctx; /* top-level context (strings borrowed from opts/defaults) */
	uint64_t steps;
	size_t max_memory; /* rp_arm_memory_budget() of the root template */
	/* enumeration */
	const arm_assign *assign;
	size_t nassign;
	arm_enum_param *enums; /* malloc'd; filled by the top frame's parameter pass */
	size_t nenums;
	rp_member *assumed; /* arena; the assignments actually applied */
	size_t nassumed;
	int err;                 /* first error code */
	rp_arm_expr_cache exprs; /* parsed expressions of this run */
};

/* ---- template.c ---- */
/* Records the first error code; returns rc. */
int arm_fail(arm_run *run, int rc);
void arm_env_init(rp_arm_env *env, arm_ectx *ec, arm_frame *f, unsigned flags);
/* Evaluates a template value tree in frame f: expressions in strings (and
 * keys), property "copy" arrays expanded.  0 or negative after a diag. */
int arm_eval_tree(arm_frame *f, const rp_value *v, bool copy_ok, rp_value **out);
int arm_eval_tree_env(rp_arm_env *env, const rp_value *v, bool copy_ok, rp_value **out);
/* Evaluates a frame's template (parameters, variables, functions, resources,
 * outputs).  ok_outputs: store outputs into *outputs. */
/* Initialises f (maps, context copied from parent or run) for template tpl. */
int arm_frame_init(arm_frame *f, arm_run *run, arm_frame *parent, rp_value *tpl, rp_source *src);
/* Declares (when f is its own scope) parameters from supplied, variables and
 * functions, then evaluates resources and outputs (*outputs when non-NULL). */
int arm_frame_run(arm_frame *f, const rp_value *supplied, rp_value **outputs);
void arm_frame_release(arm_frame *f);
/* "https://root.rampart.invalid/": the base of the synthetic templateLink
 * URI of a template read from the scanned tree (docs/arm-evaluation.md). */
#define ARM_LINK_BASE "https://root.rampart.invalid/"
/* Diagnostic helpers with a value's span. */
int arm_error(arm_run *run, const rp_span *sp, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void arm_warn(arm_run *run, const rp_span *sp, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Loads and parses a template/parameters file into values; the source is
 * owned by the deployment.  Relative to the root check done by the caller. */
int arm_load_file(arm_run *run, const char *path, const char *display, rp_value **out,
		  rp_source **src);
/* arm_load_file for the file open on pathfd (an O_PATH descriptor, left
 * open): the file the caller checked is the one read (rp_source_reopen). */
int arm_load_fd(arm_run *run, int pathfd, const char *display, rp_value **out, rp_source **src);
/* realpath(path) with fewer system calls (malloc'd; NULL with errno). */
char *arm_realpath(const char *path);
/* The same, and stat(2) of the file in *st (from the same descriptor). */
struct stat;
char *arm_realpath_stat(const char *path, struct stat *st);
/* arm_realpath_stat that also hands over the O_PATH descriptor it resolved
 * the path with in *pathfd (the caller closes it), so that the file checked
 * is the file read; *pathfd is -1 where /proc is unavailable and the path
 * was resolved by realpath(3). */
char *arm_realpath_open(const char *path, struct stat *st, int *pathfd);
/* arm_load_file for a source already read (the deployment owns it). */
int arm_load_source(arm_run *run, rp_source *src, rp_value **out);
int arm_load_memory(arm_run *run, const char *name, const void *data, size_t size, rp_value **out,
		    rp_source **src);
/* The evaluated copy count of a copy object (0..RP_ARM_MAX_COPY), or -1
 * when unknown (reason in *why).  Negative return on error. */
int arm_copy_count(rp_arm_env *env, arm_run *run, const rp_value *copy, int64_t *count,
		   const char **why);

/* Cycle detection over parameters/variables being resolved in frame f:
 * parameters('name') when param, else variables('name'). */
int arm_chain_push(arm_frame *f, bool param, const char *name, rp_span at);
void arm_chain_pop(arm_frame *f);
/* Is real (a realpath) inside root (a realpath)? */
bool arm_path_under(const char *root, const char *real);

/* ---- params.c ---- */
/* Declares f's parameters from tpl.parameters; supplied: object of name ->
 * value (already evaluated), may be NULL. */
int arm_params_declare(arm_frame *f, const rp_value *supplied);
/* Resolves parameter name (lazily; cycles diagnosed). */
int arm_param_get(arm_frame *f, const char *name, size_t n, rp_span at, rp_value **out);
/* Reads a parameters file into an object name -> value (Key Vault
 * references become UNKNOWN). */
int arm_params_file(arm_run *run, const char *path, const char *display, rp_value **out);
/* arm_params_file for the file open on pathfd (arm_load_fd). */
int arm_params_fd(arm_run *run, int pathfd, const char *display, rp_value **out);
/* arm_params_file for a parameters file already read (the deployment owns it). */
int arm_params_source(arm_run *run, rp_source *src, rp_value **out);
/* Converts a nested deployment's "parameters" object ({name: {value: v} |
 * {reference: ...}}) into name -> value. */
int arm_params_from_deployment(arm_run *run, const rp_value *params, rp_value **out);
/* Object of every resolved parameter of f (for d->parameters). */
int arm_params_object(arm_frame *f, rp_value **out);

/* ---- resources.c ---- */
int arm_resources_run(arm_frame *f);
/* symbolic-name callback for languageVersion 2.0 */
int arm_symbolic(arm_frame *f, const char *name, size_t n, rp_span at, rp_value **out);

/* ---- nested.c ---- */
/* A Microsoft.Resources/deployments resource (already added as r, with
 * its evaluated body) whose raw JSON is raw: evaluate its template. */
int arm_nested_run(arm_frame *f, const rp_value *raw, rp_resource *r);

#endif
