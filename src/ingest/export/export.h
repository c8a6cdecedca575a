/* export.h: live Azure exports into an rp_deployment in the ARM shape
 * (issue #7).
 *
 * Accepted documents:
 *  - a JSON array of resources, or an envelope {"value": [...]} (ARM REST
 *    list responses, `az rest`) or {"data": [...]} (Azure Resource Graph,
 *    `az graph query`), or one resource object (`az vm show`);
 *  - each resource in the ARM REST shape ({id, name, type, location,
 *    properties, sku, ...}), in PSRule's PascalCase export shape
 *    ({ResourceId, Name, ResourceType, Properties, ...}, Export-AzRuleData),
 *    or in the az CLI's flattened shape (properties at the top level, as
 *    `az network nsg list` prints); the shape is detected per element.
 * Normalisation: envelope keys get their ARM spelling, flattened properties
 * move under `properties` (also inside inline child arrays such as
 * securityRules, subnets, ipConfigurations and the load balancer arrays),
 * types get their canonical casing (Resource Graph lower-cases them) and
 * lose stray whitespace, names become full ARM names ("vm/ext") taken from
 * the resource ID, and child resources listed inline in `resources` (VM
 * extensions, NICs) become resources of their own (a resource listed twice
 * with the same ID is kept once).  Every value keeps its span in the file.
 * `az group export` output is an ARM template: use the ARM evaluator.
 */
#ifndef RP_INGEST_EXPORT_EXPORT_H
#define RP_INGEST_EXPORT_EXPORT_H

#include "ingest/resource.h"
#include "json/json.h"
#include "util/diag.h"
#include "util/source.h"

/* Nesting of inline `resources` arrays (each a diagnostic when exceeded). */
#define RP_EXPORT_MAX_DEPTH 8u
/* Resources in one export. */
#define RP_EXPORT_MAX_RESOURCES 1000000u

/* Loads the export held in src into dep.  src is handed to dep
 * (rp_deployment_own_source) in every case: the caller must not free it and
 * must print diag before freeing dep.  Returns 0 (warnings possible, e.g.
 * for elements without a type, which are skipped), -RP_EPARSE when the
 * document is not an export (an error diagnostic names the file),
 * -RP_ELIMIT, -RP_ENOMEM. */
int rp_export_load(rp_source *src, rp_deployment *dep, rp_diag *diag);

/* As rp_export_load for a parsed document (borrowed; its source must be
 * owned by dep or outlive it). */
int rp_export_load_doc(rp_json_doc *doc, rp_deployment *dep, rp_diag *diag);

/* Canonical spelling of a known ARM type (case-insensitive match), or NULL. */
const char *rp_export_canonical_type(const char *type, size_t len);

#endif
