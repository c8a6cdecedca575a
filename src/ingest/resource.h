/* resource.h: what every ingester produces and the model consumes.
 *
 * ARM templates (after evaluation), Terraform plans and live exports all end
 * as an rp_deployment: a flat list of resources in the ARM shape (full type,
 * full name, apiVersion, the resource body as an rp_value), each with the
 * source span it came from.  The model (src/model) links them; rules never
 * see the input format.
 *
 * Ownership: an rp_deployment owns its arena; every pointer inside lives
 * in it, except sources, which the deployment also owns (freed with it).
 */
#ifndef RP_INGEST_RESOURCE_H
#define RP_INGEST_RESOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json/value.h"
#include "util/arena.h"
#include "util/source.h"

typedef enum rp_condition {
	RP_COND_TRUE = 0,    /* deployed */
	RP_COND_UNKNOWN = 1, /* condition depends on something unknown: kept, marked */
} rp_condition;

typedef enum rp_origin {
	RP_ORIGIN_ARM = 0,
	RP_ORIGIN_TFPLAN = 1,
	RP_ORIGIN_EXPORT = 2,
} rp_origin;

/* A Terraform resource merged into another one as an inline element
 * (azurerm_lb_rule -> properties.loadBalancingRules[2] of its azurerm_lb). */
typedef struct rp_resource_addr {
	const char *path;    /* element path in the body ("properties.loadBalancingRules[2]") */
	const char *address; /* its Terraform address */
} rp_resource_addr;

typedef struct rp_resource {
	const char
		*type;  /* full type, e.g. Microsoft.Network/networkSecurityGroups/securityRules */
	rp_value *name; /* full name ("nsg/rule"), STRING or UNKNOWN */
	rp_value *id;   /* resource ID as ARM computes it, STRING or UNKNOWN */
	const char *api_version; /* NULL when absent */
	rp_value *location;      /* may be NULL */
	rp_value *body;          /* the whole evaluated resource object */
	rp_value *properties;    /* body.properties or NULL */
	const char *symbolic;    /* languageVersion 2.0 symbolic name, or NULL */
	const char *address;     /* Terraform address (module.x.azurerm_y.z), or NULL */
	rp_origin origin;
	rp_condition condition;
	const char *condition_reason; /* why the condition is unknown, or NULL */
	bool existing;                /* "existing": true (a reference, not deployed) */
	int64_t copy_index;           /* -1 outside copy loops */
	const char *copy_name;        /* loop name, or NULL */
	const char *deployment;  /* nested deployment path ("outer/inner"), or NULL at top level */
	const char *scope;       /* extension resources: the evaluated scope, or NULL */
	const char **depends_on; /* evaluated dependsOn entries */
	size_t ndepends;
	rp_span span; /* the resource object in its source */
	/* Terraform: elements merged in from resources of their own, or NULL. */
	const rp_resource_addr *child_addresses;
	size_t nchild_addresses;
} rp_resource;

typedef struct rp_deployment {
	rp_arena *arena;
	rp_resource *resources;
	size_t nresources, cap;
	rp_source **sources; /* every file read; owned */
	size_t nsources, sources_cap;
	rp_value *outputs;    /* evaluated outputs object, or NULL */
	rp_value *parameters; /* final parameter values (object), or NULL */
	/* When enumerating allowedValues: which choices this evaluation used,
	 * e.g. {"environment": "dev"}; NULL otherwise. */
	rp_value *assumptions;
} rp_deployment;

/* New empty deployment; NULL on allocation failure. */
rp_deployment *rp_deployment_new(void);
/* Frees the deployment, its arena and its sources; accepts NULL. */
rp_deployment *rp_deployment_free(rp_deployment *d);
/* Appends a zeroed resource (copy_index -1) and returns it, or NULL. */
rp_resource *rp_deployment_add(rp_deployment *d);
/* Full name from an ARM resource ID: the name segments after the last
 * provider namespace ("/subscriptions/../providers/NS/T1/n1/T2/n2" ->
 * "n1/n2"), in the arena; NULL when the ID has none or on allocation
 * failure. */
char *rp_resource_id_name(rp_arena *a, const char *id);
/* The Terraform address of the element at path in r's body (a model
 * object's path, "" for the resource itself): the address of the merged
 * resource whose element path is path or contains it, else r->address
 * (NULL for ARM and exports). */
const char *rp_resource_address_at(const rp_resource *r, const char *path);
/* Takes ownership of src. 0 or -RP_ENOMEM (src freed on failure). */
int rp_deployment_own_source(rp_deployment *d, rp_source *src);

#endif
