/* arm.h: Azure Resource Manager template evaluation (issue #3).
 *
 * Loads an ARM deployment template (JSON, ARM's extended syntax), pairs it
 * with a parameters file, and evaluates it offline into an rp_deployment:
 * parameters (defaults, allowed values, bounds, secure types), variables
 * (lazily, with cycle detection and copy loops), user-defined functions,
 * resources (conditions, resource/property copy loops, child resources
 * flattened to full type and name, dependsOn, existing, extension scope,
 * languageVersion 2.0 symbolic names), nested Microsoft.Resources/deployments
 * (inline with inner or outer expression scope; linked templates resolved
 * under the scanned root only) and outputs.  Expressions ("[...]") are
 * evaluated by the expression engine (expr.h).
 *
 * Spec: https://learn.microsoft.com/azure/azure-resource-manager/templates/
 * (syntax, parameters, variables, copy loops, linked templates, scope) and
 * docs/arm-evaluation.md for what rampart does with each part.
 *
 * Three-valued: whatever cannot be known offline (a parameter without a
 * value, reference(), a Key Vault secret) becomes an UNKNOWN rp_value with a
 * reason; bad input (cycles, unknown functions, copy counts out of range,
 * nesting too deep) is an error diagnostic with file:line:col and a
 * negative return.  Linked templates that cannot be found under the root
 * are a warning ("unresolved linked template"), never an error.
 *
 * No network, ever; no file outside opts->root is read (symlinks that
 * resolve outside it are refused).
 */
#ifndef RP_INGEST_ARM_ARM_H
#define RP_INGEST_ARM_ARM_H

#include <stdbool.h>
#include <stddef.h>

#include "ingest/resource.h"
#include "ingest/arm/expr.h"
#include "util/diag.h"

/* ---- named limits ---- */
/* (Expression limits, RP_ARM_MAX_EXPR_LEN among them, are in expr.h.) */
#define RP_ARM_MAX_COPY 800u                        /* copy count, as Azure */
#define RP_ARM_MAX_DEPLOY_DEPTH 16u                 /* nested/linked deployment depth */
#define RP_ARM_MAX_ENUM 64u                         /* allowedValues combinations enumerated */
#define RP_ARM_MAX_RESOURCES 100000u                /* resources produced by one evaluation */
#define RP_ARM_MAX_VAR_DEPTH 64u                    /* variables/parameters resolving each other */
#define RP_ARM_MAX_TEMPLATE_SIZE ((size_t)16 << 20) /* bytes of one template file */
#define RP_ARM_MAX_STEPS 50000000u                  /* value nodes evaluated by one evaluation */
#define RP_ARM_MAX_MEMORY ((size_t)1 << 30)         /* bytes of values built by one evaluation */
/* The memory one evaluation may use grows with its template: Azure refuses
 * an expanded template over 4 MB, so a small template that multiplies
 * (nested copy loops, range() in copies) past this budget is hostile, not a
 * deployment.  Budget = BASE + PER_BYTE x template bytes, at most MAX. */
#define RP_ARM_MEMORY_BASE ((size_t)64 << 20)
#define RP_ARM_MEMORY_PER_BYTE 12u

/* Deployment scope of a template ($schema). */
typedef enum rp_arm_scope {
	RP_ARM_SCOPE_RESOURCE_GROUP = 0,
	RP_ARM_SCOPE_SUBSCRIPTION = 1,
	RP_ARM_SCOPE_MANAGEMENT_GROUP = 2,
	RP_ARM_SCOPE_TENANT = 3,
} rp_arm_scope;

typedef struct rp_arm_options {
	/* Root of the scanned tree: linked templates and parameter files are
	 * read only below it.  NULL: the directory of the template. */
	const char *root;
	/* Parameters file; NULL: pair automatically (X.parameters.json, then
	 * azuredeploy.parameters.json beside the template) unless no_auto_params. */
	const char *params_path;
	bool no_auto_params;
	/* Deployment context; NULL fields take the RP_ARM_DEFAULT_* values of
	 * expr.h. */
	const char *subscription_id;
	const char *tenant_id;
	const char *resource_group;
	const char *location;
	const char *deployment_name; /* NULL: the template file's base name */
	const char *management_group;
	/* Enumeration bound for rp_arm_evaluate_all (0: RP_ARM_MAX_ENUM). */
	size_t max_enum;
	/* Optional: true when path, a candidate of the automatic parameters
	 * pairing, is known not to exist (from a directory listing the caller
	 * has, e.g. the scan's walk), so it is not opened to find out.  NULL,
	 * or false: the candidate is tried. */
	bool (*path_absent)(void *ctx, const char *path);
	void *path_absent_ctx;
} rp_arm_options;

/* Evaluates the template at path.  On return *out (when non-NULL) is a
 * deployment the caller frees with rp_deployment_free(); it is filled as far
 * as evaluation got, even on error.  Returns 0 (possibly with warnings in
 * diag), -RP_EPARSE for bad input (an error diagnostic says where),
 * -RP_ELIMIT for a limit, -RP_EIO when the file cannot be read,
 * -RP_ENOMEM.  Parameters with allowedValues and no value stay UNKNOWN. */
/* The memory budget of an evaluation whose root template has
 * template_size bytes (RP_ARM_MEMORY_BASE and friends above). */
size_t rp_arm_memory_budget(size_t template_size);

int rp_arm_evaluate(const char *path, const rp_arm_options *opts, rp_deployment **out,
		    rp_diag *diag);

/* As rp_arm_evaluate, but parameters that have allowedValues and no value
 * are enumerated: one deployment per combination of allowed values (at most
 * opts->max_enum; parameters beyond the bound, in declaration order, stay
 * UNKNOWN), each recording its choices in ->assumptions.  *out is a
 * malloc'd array of *n deployments; free with rp_arm_deployments_free().
 * Diagnostics repeated by several combinations are reported once. */
int rp_arm_evaluate_all(const char *path, const rp_arm_options *opts, rp_deployment ***out,
			size_t *n, rp_diag *diag);
void rp_arm_deployments_free(rp_deployment **ds, size_t n);

/* As rp_arm_evaluate, with the bytes of the template at path already read
 * by the caller into src (named path, e.g. by rp_source_read_rest; taken
 * over, freed with the deployment or here): the file is not opened again.
 * Parameters are paired and linked templates resolved from path as by
 * rp_arm_evaluate. */
int rp_arm_evaluate_source(const char *path, rp_source *src, const rp_arm_options *opts,
			   rp_deployment **out, rp_diag *diag);

/* Evaluates a template held in memory (name is used in diagnostics; linked
 * templates resolve relative to name's directory under opts->root).  Same
 * contract as rp_arm_evaluate.  Used by the fuzzer and unit tests. */
int rp_arm_evaluate_memory(const char *name, const void *data, size_t size,
			   const rp_arm_options *opts, rp_deployment **out, rp_diag *diag);

/* The parameters file paired with template path (malloc'd path; caller
 * frees), or NULL when there is none. */
char *rp_arm_find_params(const char *path);
/* The paths rp_arm_find_params tries, in order: X.parameters.json beside
 * X.json, then azuredeploy.parameters.json in the same directory (left out
 * for azuredeploy.json itself, whose first candidate is that file).  Returns
 * how many (0-2) it wrote to cand (free() each), or -1 out of memory. */
int rp_arm_params_candidates(const char *path, char *cand[2]);

/* Writes d as the JSON document `rampart eval` prints: resources in order
 * with type, name, id, apiVersion, location, condition, properties...;
 * with positions, "$pos" objects give file/line/column of each resource and
 * each property value.  File names are written as the sources are named. */
int rp_arm_write_deployment(rp_jw *w, rp_deployment *d, bool positions);

#endif
