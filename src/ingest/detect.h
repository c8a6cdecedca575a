/* detect.h: which kind of input a JSON file is (issue #7): an ARM template,
 * an ARM parameters file, Terraform plan/state JSON, or a live Azure
 * export.  Decided from the document's top-level shape only, per file:
 *
 *   ARM template     object with "$schema" naming a deploymentTemplate, or
 *                    with "resources" plus "contentVersion"/"$schema"
 *                    (`az group export` output is one)
 *   ARM parameters   object with "$schema" naming deploymentParameters, or
 *                    "parameters" plus "contentVersion" and no "resources"
 *   Terraform        object with "format_version" and one of
 *                    "planned_values", "values", "resource_changes",
 *                    "terraform_version" (`terraform show -json`)
 *   export           array of objects that carry a resource type or ID (or
 *                    an empty array), {"value": [...]}, {"data": [...]}, or
 *                    a single object with a type and an id
 *
 * A raw terraform.tfstate ("version" 4, "lineage") is recognised to say
 * how to convert it; anything else is unknown, and the caller reports it
 * with rp_ingest_detect_source's error naming the file.
 */
#ifndef RP_INGEST_DETECT_H
#define RP_INGEST_DETECT_H

#include "ingest/resource.h"
#include "json/json.h"
#include "util/diag.h"
#include "util/source.h"

typedef enum rp_input_kind {
	RP_INPUT_UNKNOWN = 0,
	RP_INPUT_ARM = 1,        /* ARM template (evaluate with src/ingest/arm) */
	RP_INPUT_ARM_PARAMS = 2, /* ARM parameters file (pairs with a template) */
	RP_INPUT_TFPLAN = 3,     /* terraform show -json (plan or state) */
	RP_INPUT_EXPORT = 4,     /* live export */
} rp_input_kind;

/* Classifies a parsed document.  *why (may be NULL) gets a static
 * sentence for RP_INPUT_UNKNOWN saying what was seen.  Always returns 0. */
int rp_ingest_detect(rp_json_doc *doc, rp_input_kind *kind, const char **why);

/* Parses src (ARM's extended JSON, so templates with comments pass) and
 * classifies it.  Returns 0 with *kind set; for unknown input adds an
 * error naming the file ("FILE: not a recognised input: ...; use --input")
 * and returns -RP_EUNSUPPORTED; JSON errors return the parser's code with
 * its diagnostic.  src is borrowed. */
int rp_ingest_detect_source(rp_source *src, rp_input_kind *kind, rp_diag *diag);

/* For the scan driver: reads path, detects its kind (unless forced is not
 * RP_INPUT_UNKNOWN) and, for Terraform and exports, loads it: *out is a
 * deployment the caller frees with rp_deployment_free() (print diag
 * first: diagnostics point into its sources).  For ARM templates and
 * parameters files *kind is set, *out stays NULL and 0 is returned: the
 * caller evaluates them with src/ingest/arm.  Unknown input: an error
 * naming the file and -RP_EUNSUPPORTED.  Other errors as the loaders.  On
 * error *out may still hold a deployment owning the file the diagnostics
 * point into: print diag, then free it. */
int rp_ingest_load_file(const char *path, rp_input_kind forced, rp_input_kind *kind,
			rp_deployment **out, rp_diag *diag);

/* "arm", "tfplan", "export" (also "terraform", "params") -> kind;
 * 0 or -RP_EINVAL. */
int rp_input_kind_parse(const char *s, rp_input_kind *out);
/* Stable name: "unknown", "arm", "arm-parameters", "tfplan", "export". */
const char *rp_input_kind_name(rp_input_kind k);

#endif
