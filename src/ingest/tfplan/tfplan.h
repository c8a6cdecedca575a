/* tfplan.h: Terraform plans and state (`terraform show -json`, format_version
 * 0.x and 1.x) into an rp_deployment in the ARM shape (issue #7).
 *
 * Input: the JSON Terraform prints for a saved plan (`planned_values`,
 * `resource_changes`, `configuration`) or for state (`values`).  Every
 * managed azurerm resource of a mapped type (root and child modules, at any
 * nesting) becomes one rp_resource with the ARM type, the ARM name
 * ("vnet/subnet"), an ARM resource ID and the ARM property layout under
 * `properties`, built from one static mapping table per Terraform type
 * (tftables.c; docs/terraform.md).  rp_resource.address is the Terraform
 * address (module.x.azurerm_y.z[0]); every property's span points at the
 * plan JSON value it came from.
 *
 * Unknowns: attributes listed in resource_changes[].change.after_unknown
 * become UNKNOWN values with the reason "known after apply: <address>.<attr>".
 * Sensitive attributes (sensitive_values / after_sensitive) carry
 * RP_VF_SECURE.
 *
 * Links: resource IDs are unknown at plan time, so references (subnet_id,
 * network_interface_ids, public_ip_address_id, the association resources)
 * are resolved through the configuration's expression `references`
 * (following module variables and outputs) to the referenced resource, and
 * replaced by that resource's ARM ID: the real one when known (state,
 * updates), else a synthetic but consistent one,
 *   /subscriptions/<sub>/resourceGroups/<rg>/providers/<ARM type>/<name>
 * (the subscription is RP_TF_SUBSCRIPTION; the Terraform address stands in
 * for a name that is itself unknown).  Association resources
 * (azurerm_subnet_network_security_group_association and the NIC ones) set
 * the link on their target resource; azurerm_lb_* rules, pools and probes
 * and azurerm_storage_account_network_rules are merged into their parent,
 * as azurerm itself does.  What cannot be resolved stays UNKNOWN, with a
 * note.  Unmapped resource types are skipped with one note per type.
 */
#ifndef RP_INGEST_TFPLAN_TFPLAN_H
#define RP_INGEST_TFPLAN_TFPLAN_H

#include "ingest/resource.h"
#include "json/json.h"
#include "util/diag.h"
#include "util/source.h"

/* Subscription used in synthetic IDs (the same placeholder as the ARM
 * evaluator's default subscription). */
#define RP_TF_SUBSCRIPTION "00000000-0000-0000-0000-000000000000"
/* Nesting limits (each a diagnostic, never a crash). */
#define RP_TF_MAX_MODULE_DEPTH 64u   /* child_modules / module_calls nesting */
#define RP_TF_MAX_VALUE_DEPTH 64u    /* attribute value nesting */
#define RP_TF_MAX_REF_DEPTH 32u      /* var -> module call -> ... chains */
#define RP_TF_MAX_RESOURCES 1000000u /* resources in one plan */

/* Loads the plan or state held in src into dep.  src is handed to dep
 * (rp_deployment_own_source) in every case, also on failure: the caller
 * must not free it, and must print diag before freeing dep.  Resources are
 * appended to dep in plan order (root module first, then child modules).
 * Returns 0 (notes and warnings possible), -RP_EPARSE for JSON that is not
 * a Terraform plan/state (an error diagnostic names the file and place),
 * -RP_EUNSUPPORTED for an unknown format_version major, -RP_ELIMIT,
 * -RP_ENOMEM. */
int rp_tfplan_load(rp_source *src, rp_deployment *dep, rp_diag *diag);

/* As rp_tfplan_load for an already parsed document (its source must be
 * owned by dep or outlive it).  doc is used up: as the bodies are built,
 * the parts of its tape no longer needed go back to the system
 * (rp_json_doc_discard), so afterwards, success or failure, the caller may
 * only free it. */
int rp_tfplan_load_doc(rp_json_doc *doc, rp_deployment *dep, rp_diag *diag);

/* Number of Terraform resource types in the mapping table, and the i-th
 * type's Terraform and ARM names (ARM NULL for associations and ignored
 * helpers).  For docs and tests. */
size_t rp_tfplan_type_count(void);
const char *rp_tfplan_type_name(size_t i, const char **arm_type);

#endif
