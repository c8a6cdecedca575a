/* tt-util.h: helpers shared by the tfplan, export and parity tests: load a
 * file of a given kind into a deployment, find resources, read paths. */
#ifndef RP_TESTS_TT_UTIL_H
#define RP_TESTS_TT_UTIL_H

#include "ingest/detect.h"
#include "ingest/resource.h"
#include "json/value.h"
#include "util/diag.h"

/* Loads path (kind RP_INPUT_UNKNOWN: detected).  Returns the deployment
 * (NULL on failure); *rc the loader's code; diagnostics go to diag. */
rp_deployment *tt_load(const char *path, rp_input_kind kind, int *rc, rp_diag *diag);
/* Loads from memory (name used in diagnostics). */
rp_deployment *tt_load_mem(const char *name, const char *text, rp_input_kind kind, int *rc,
			   rp_diag *diag);
/* Path under $RAMPART_SHARED / $RAMPART_SOURCE_ROOT (static buffer). */
const char *tt_shared(const char *rel);
const char *tt_source(const char *rel);
/* Resource by Terraform address / by type and full name; NULL if absent. */
const rp_resource *tt_by_address(const rp_deployment *d, const char *address);
const rp_resource *tt_by_name(const rp_deployment *d, const char *type, const char *name);
size_t tt_count_type(const rp_deployment *d, const char *type);
/* Value at a dotted path of the body, with [n] for array items:
 * "properties.ipConfigurations[0].properties.subnet.id". */
const rp_value *tt_path(const rp_resource *r, const char *path);
/* String at path or NULL; bool at path: 1, 0, or -1 when not a bool. */
const char *tt_str(const rp_resource *r, const char *path);
int tt_bool(const rp_resource *r, const char *path);
/* 1-based line of a value's span start. */
unsigned tt_line(const rp_value *v);
/* Number of diagnostics at level. */
size_t tt_ndiag(const rp_diag *d, rp_diag_level level);

#endif
