/* defaults.h: what Azure applies when a property is absent, in ONE table
 * keyed by resource type, property path and API version range
 * (defaults.c; every row cites /work/shared/reference/azure-facts.md).
 *
 * Rules never hard-code a default: they ask rp_default_lookup().  A row may
 * be conditional on another property of the same body (when_path equals
 * when_value, ASCII case-insensitive), e.g. Secure Boot for Confidential VMs.
 */
#ifndef RP_RULES_DEFAULTS_H
#define RP_RULES_DEFAULTS_H

#include <stdbool.h>
#include <stddef.h>

#include "json/value.h"

typedef struct rp_default {
	const char *type;       /* full resource type */
	const char *path;       /* property path in the resource body */
	const char *api_min;    /* inclusive "YYYY-MM-DD", or NULL */
	const char *api_max;    /* exclusive "YYYY-MM-DD", or NULL */
	const char *when_path;  /* condition on the same body, or NULL */
	const char *when_value; /* string the condition property must equal */
	rp_value value;         /* the value Azure applies */
	const char *note;       /* source: azure-facts section and wording */
} rp_default;

extern const rp_default rp_defaults[];
extern const size_t rp_ndefaults;

typedef enum rp_default_result {
	RP_DEFAULT_FOUND = 0,       /* *out set */
	RP_DEFAULT_NONE = 1,        /* no documented default */
	RP_DEFAULT_API_UNKNOWN = 2, /* the default depends on an API version that is absent */
} rp_default_result;

/* Default of path for a resource of type with api_version (NULL when
 * absent), given its body (for conditional rows). */
rp_default_result rp_default_lookup(const char *type, const char *path, const char *api_version,
				    const rp_value *body, const rp_default **out);

/* Compares API versions by their date part ("2019-04-01-preview" ->
 * "2019-04-01"): <0, 0, >0. */
int rp_api_cmp(const char *a, const char *b);

#endif
