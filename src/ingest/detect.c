/* detect.c: input kind detection from a document's top-level shape
 * (detect.h).  Spec: ARM template/parameters file skeletons
 * (azure-facts.md 8.1), Terraform's JSON output format (format_version,
 * planned_values, values), ARM REST list envelopes and Resource Graph
 * results. */
#include "ingest/detect.h"
#include "ingest/export/export.h"
#include "ingest/tfplan/tfplan.h"
#include "util/error.h"
#include "util/str.h"

#include <string.h>

/* How many array elements are inspected to decide on an export. */
#define RP_DETECT_SAMPLE 16u

static bool has(rp_json_doc *d, uint32_t obj, const char *key)
{
	return rp_json_getz(d, obj, key) != RP_JSON_NONE;
}

static bool has_ci(rp_json_doc *d, uint32_t obj, const char *key)
{
	return rp_json_getz_ci(d, obj, key) != RP_JSON_NONE;
}

static bool str_contains(rp_json_doc *d, uint32_t i, const char *needle)
{
	const char *p;
	size_t n, m = strlen(needle), k;

	if (!rp_json_is(d, i, RP_JSON_STRING) || rp_json_str(d, i, &p, &n) < 0)
		return false;
	for (k = 0; k + m <= n; k++)
		if (rp_str_ieq(p + k, needle, m))
			return true;
	return false;
}

static bool looks_like_resource(rp_json_doc *d, uint32_t obj)
{
	if (!rp_json_is(d, obj, RP_JSON_OBJECT))
		return false;
	return has_ci(d, obj, "type") || has_ci(d, obj, "ResourceType") ||
	       has_ci(d, obj, "ResourceId") || (has_ci(d, obj, "id") && has_ci(d, obj, "name"));
}

static bool resource_array(rp_json_doc *d, uint32_t arr)
{
	rp_json_iter it = rp_json_iter_begin(d, arr);
	uint32_t k, e, seen = 0;

	while (seen < RP_DETECT_SAMPLE && rp_json_iter_next(d, &it, &k, &e)) {
		if (!looks_like_resource(d, e))
			return false;
		seen++;
	}
	return true; /* an empty array is an empty export */
}

int rp_ingest_detect(rp_json_doc *doc, rp_input_kind *kind, const char **why)
{
	uint32_t root = 0, schema, v;

	*kind = RP_INPUT_UNKNOWN;
	if (why)
		*why = "the top level is neither an object nor an array";
	if (rp_json_is(doc, root, RP_JSON_ARRAY)) {
		if (resource_array(doc, root)) {
			*kind = RP_INPUT_EXPORT;
			return 0;
		}
		if (why)
			*why = "an array whose elements are not Azure resources (no type or id)";
		return 0;
	}
	if (!rp_json_is(doc, root, RP_JSON_OBJECT))
		return 0;
	schema = rp_json_getz(doc, root, "$schema");
	if (str_contains(doc, schema, "deploymentParameters")) {
		*kind = RP_INPUT_ARM_PARAMS;
		return 0;
	}
	if (str_contains(doc, schema, "DeploymentTemplate")) {
		*kind = RP_INPUT_ARM;
		return 0;
	}
	if (has(doc, root, "format_version") &&
	    (has(doc, root, "planned_values") || has(doc, root, "values") ||
	     has(doc, root, "resource_changes") || has(doc, root, "terraform_version"))) {
		*kind = RP_INPUT_TFPLAN;
		return 0;
	}
	if (has(doc, root, "resources") &&
	    (has(doc, root, "contentVersion") || schema != RP_JSON_NONE)) {
		*kind = RP_INPUT_ARM;
		return 0;
	}
	if (has(doc, root, "parameters") && has(doc, root, "contentVersion")) {
		*kind = RP_INPUT_ARM_PARAMS;
		return 0;
	}
	v = rp_json_getz(doc, root, "value");
	if (!rp_json_is(doc, v, RP_JSON_ARRAY))
		v = rp_json_getz(doc, root, "data");
	if (rp_json_is(doc, v, RP_JSON_ARRAY) && resource_array(doc, v)) {
		*kind = RP_INPUT_EXPORT;
		return 0;
	}
	if (has(doc, root, "lineage") && has(doc, root, "serial") && has(doc, root, "resources")) {
		if (why)
			*why = "a raw terraform.tfstate file; convert it with `terraform show "
			       "-json` first";
		return 0;
	}
	if ((has_ci(doc, root, "type") || has_ci(doc, root, "ResourceType")) &&
	    (has_ci(doc, root, "id") || has_ci(doc, root, "ResourceId"))) {
		*kind = RP_INPUT_EXPORT;
		return 0;
	}
	if (why)
		*why = "an object that is no ARM template, parameters file, Terraform plan/state "
		       "or Azure "
		       "export";
	return 0;
}

int rp_ingest_detect_source(rp_source *src, rp_input_kind *kind, rp_diag *diag)
{
	rp_json_doc *doc = NULL;
	const char *why = NULL;
	int rc;

	*kind = RP_INPUT_UNKNOWN;
	rc = rp_json_parse(src, RP_JSON_EXTENDED, &doc, diag);
	if (rc < 0)
		goto out;
	rp_ingest_detect(doc, kind, &why);
	if (*kind == RP_INPUT_UNKNOWN) {
		rp_diag_addc(diag, RP_DIAG_ERROR, "input-unknown", src, 0, src->size ? 1 : 0,
			     "%s: not a recognised input: %s; use --input arm|tfplan|export",
			     src->name, why);
		rc = -RP_EUNSUPPORTED;
	}
out:
	rp_json_doc_free(doc);
	return rc;
}

/* The parse options a loader reads its input with: terraform writes strict
 * JSON; an export may start with a byte order mark (PowerShell). */
static unsigned loader_options(rp_input_kind k)
{
	return k == RP_INPUT_TFPLAN ? RP_JSON_STRICT : RP_JSON_ALLOW_BOM;
}

/* The parse options a document needed: one per extension it used. */
static unsigned used_options(const rp_json_doc *doc)
{
	unsigned o = 0;

	if (doc->ext_mask & ((1u << RP_JSON_EXT_LINE_COMMENT) | (1u << RP_JSON_EXT_BLOCK_COMMENT)))
		o |= RP_JSON_ALLOW_COMMENTS;
	if (doc->ext_mask & (1u << RP_JSON_EXT_MULTILINE_STRING))
		o |= RP_JSON_ALLOW_MULTILINE;
	if (doc->ext_mask & (1u << RP_JSON_EXT_TRAILING_COMMA))
		o |= RP_JSON_ALLOW_TRAILING_COMMAS;
	if (doc->ext_mask & (1u << RP_JSON_EXT_BOM))
		o |= RP_JSON_ALLOW_BOM;
	return o;
}

int rp_ingest_load_file(const char *path, rp_input_kind forced, rp_input_kind *kind,
			rp_deployment **out, rp_diag *diag)
{
	rp_source *src = NULL;
	rp_deployment *dep = NULL;
	rp_json_doc *doc = NULL;
	const char *why = NULL;
	int rc;

	*out = NULL;
	*kind = forced;
	rc = rp_source_load(path, 0, &src, diag);
	if (rc < 0)
		goto out;
	dep = rp_deployment_new();
	if (!dep) {
		rc = -RP_ENOMEM;
		goto out;
	}
	/* One parse serves detection and loading. */
	rc = rp_json_parse(src, RP_JSON_EXTENDED, &doc, diag);
	if (rc == 0 && *kind == RP_INPUT_UNKNOWN) {
		rp_ingest_detect(doc, kind, &why);
		if (*kind == RP_INPUT_UNKNOWN) {
			rp_diag_addc(
				diag, RP_DIAG_ERROR, "input-unknown", src, 0, src->size ? 1 : 0,
				"%s: not a recognised input: %s; use --input arm|tfplan|export",
				src->name, why);
			rc = -RP_EUNSUPPORTED;
		}
	}
	if (rc < 0) {
		/* the diagnostics point into src: the deployment keeps it */
		rc = rp_deployment_own_source(dep, src) < 0 ? -RP_ENOMEM : rc;
		src = NULL;
		goto out;
	}
	if (*kind != RP_INPUT_TFPLAN && *kind != RP_INPUT_EXPORT)
		goto out; /* ARM: evaluated by the caller */
	if (used_options(doc) & ~loader_options(*kind)) {
		/* An extension the loader does not accept: its own parse
		 * reports it with the position. */
		rc = *kind == RP_INPUT_TFPLAN ? rp_tfplan_load(src, dep, diag)
					      : rp_export_load(src, dep, diag);
		src = NULL; /* owned by dep now */
		goto out;
	}
	rc = rp_deployment_own_source(dep, src);
	src = NULL; /* owned by dep now, or freed */
	if (rc < 0)
		goto out;
	rc = *kind == RP_INPUT_TFPLAN ? rp_tfplan_load_doc(doc, dep, diag)
				      : rp_export_load_doc(doc, dep, diag);
out:
	rp_json_doc_free(doc);
	rp_source_free(src);
	if (dep && (dep->nsources > 0 || dep->nresources > 0))
		*out = dep;
	else
		rp_deployment_free(dep);
	return rc;
}

int rp_input_kind_parse(const char *s, rp_input_kind *out)
{
	if (!s)
		return -RP_EINVAL;
	if (strcmp(s, "arm") == 0)
		*out = RP_INPUT_ARM;
	else if (strcmp(s, "params") == 0 || strcmp(s, "arm-parameters") == 0)
		*out = RP_INPUT_ARM_PARAMS;
	else if (strcmp(s, "tfplan") == 0 || strcmp(s, "terraform") == 0)
		*out = RP_INPUT_TFPLAN;
	else if (strcmp(s, "export") == 0)
		*out = RP_INPUT_EXPORT;
	else
		return -RP_EINVAL;
	return 0;
}

const char *rp_input_kind_name(rp_input_kind k)
{
	switch (k) {
	case RP_INPUT_ARM: return "arm";
	case RP_INPUT_ARM_PARAMS: return "arm-parameters";
	case RP_INPUT_TFPLAN: return "tfplan";
	case RP_INPUT_EXPORT: return "export";
	default: return "unknown";
	}
}
