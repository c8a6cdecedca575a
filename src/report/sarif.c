/* sarif.c: SARIF 2.1.0 (OASIS Standard, Errata 01) output.
 *
 * One run; tool.driver.rules holds one reportingDescriptor per rule that
 * ran (ID order) with short/full descriptions, help text and a helpUri
 * into docs/rules.md (anchor = lower-case rule ID).  Results: every fail
 * (kind "fail", level from the severity) and unknown (kind "review",
 * level "none", as §3.27.9/§3.27.10 require for non-fail kinds); passes
 * and not-applicable verdicts are left to the JSON/JUnit formats.  Each
 * result points at the exact property (region start/end line and column,
 * run.columnKind "unicodeCodePoints"; in a binary file such as a TPM event
 * log, byteOffset and byteLength), names the resource as a logical
 * location, and carries partialFingerprints {"rampart/v1": fingerprint}.
 * Suppressed results carry suppressions[] (inSource for inline skips,
 * external for the baseline).  No timestamps, no invocation data. */
#include "report/report.h"
#include "report/internal.h"
#include "util/error.h"

#include <string.h>

static const char *level_for(rp_severity s)
{
	switch (s) {
	case RP_SEV_CRITICAL:
	case RP_SEV_HIGH: return "error";
	case RP_SEV_MEDIUM: return "warning";
	default: return "note";
	}
}

/* GitHub code scanning reads properties."security-severity" (0.0-10.0). */
static const char *security_severity(rp_severity s)
{
	switch (s) {
	case RP_SEV_CRITICAL: return "9.5";
	case RP_SEV_HIGH: return "8.0";
	case RP_SEV_MEDIUM: return "5.5";
	case RP_SEV_LOW: return "3.0";
	default: return "1.0";
	}
}

/* Writes a URI built from path into w; -RP_ENOMEM on failure. */
static int uri_value(rp_jw *w, const char *path)
{
	rp_buf u = RP_BUF_INIT;
	int rc = rp_uri_from_path(&u, path);

	if (rc == 0)
		rp_jw_stringn(w, u.data ? u.data : "", u.len);
	rp_buf_release(&u);
	return rc;
}

static int rule_descriptor(rp_jw *w, const rp_report_rule *ru, const char *doc_uri)
{
	rp_buf b = RP_BUF_INIT;
	size_t i;
	int rc = 0;

	rp_jw_object_begin(w);
	RP_JW_STR(w, "id", ru->id);
	RP_JW_KEY(w, "shortDescription");
	rp_jw_object_begin(w);
	RP_JW_STR(w, "text", ru->title);
	rp_jw_object_end(w);
	RP_JW_KEY(w, "fullDescription");
	rp_jw_object_begin(w);
	RP_JW_STR(w, "text", ru->rationale ? ru->rationale : ru->title);
	rp_jw_object_end(w);

	if (doc_uri) {
		rc = rp_buf_printf(&b, "%s#", doc_uri);
		for (i = 0; rc == 0 && ru->id[i]; i++) {
			char c = ru->id[i];
			rc = rp_buf_putc(&b, (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
		}
		if (rc == 0) {
			RP_JW_STRN(w, "helpUri", b.data, b.len);
		}
		rp_buf_clear(&b);
	}
	if (rc == 0)
		rc = rp_buf_printf(&b, "%s\n\nWhy: %s\n\nFix: %s", ru->title,
				   ru->rationale ? ru->rationale : "",
				   ru->remediation ? ru->remediation : "");
	if (rc == 0) {
		RP_JW_KEY(w, "help");
		rp_jw_object_begin(w);
		RP_JW_STRN(w, "text", b.data, b.len);
		rp_jw_object_end(w);
	}
	RP_JW_KEY(w, "defaultConfiguration");
	rp_jw_object_begin(w);
	RP_JW_STR(w, "level", level_for(ru->severity));
	rp_jw_object_end(w);
	RP_JW_KEY(w, "properties");
	rp_jw_object_begin(w);
	RP_JW_STR(w, "layer", ru->layer);
	RP_JW_STR(w, "severity", rpt_sev(ru->severity));
	RP_JW_STR(w, "security-severity", security_severity(ru->severity));
	RP_JW_KEY(w, "tags");
	rp_jw_array_begin(w);
	rp_jw_string(w, "security");
	rp_jw_string(w, ru->layer);
	rp_jw_array_end(w);
	if (ru->mcsb) {
		RP_JW_STR(w, "mcsb", ru->mcsb);
	}
	if (ru->cis) {
		RP_JW_STR(w, "cis", ru->cis);
	}
	rp_jw_object_end(w);
	rp_jw_object_end(w);
	rp_buf_release(&b);
	return rc;
}

static size_t rule_index(const rp_report *r, const rp_report_rule *ru)
{
	size_t i;

	for (i = 0; i < r->nrules; i++)
		if (r->rules[i] == ru || strcmp(r->rules[i]->id, ru->id) == 0)
			return i;
	return 0;
}

static size_t file_index(const rp_report *r, const char *file, bool *found)
{
	size_t lo = 0, hi = r->nfiles;

	while (lo < hi) { /* files are sorted */
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->files[mid], file);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return 0;
}

static int result(rp_jw *w, const rp_report *r, const rp_report_finding *f)
{
	bool fail = f->status == RP_STATUS_FAIL, found;
	size_t fi;
	int rc = 0;

	rp_jw_object_begin(w);
	RP_JW_STR(w, "ruleId", f->rule->id);
	RP_JW_UINT(w, "ruleIndex", rule_index(r, f->rule));
	RP_JW_STR(w, "kind", fail ? "fail" : "review");
	RP_JW_STR(w, "level", fail ? level_for(f->rule->severity) : "none");
	RP_JW_KEY(w, "message");
	rp_jw_object_begin(w);
	RP_JW_KEY(w, "text");
	if (f->status == RP_STATUS_UNKNOWN && f->unknown_reason) {
		rp_buf m = RP_BUF_INIT;
		rc = rp_buf_printf(&m, "%s (unknown: %s)", f->message, f->unknown_reason);
		if (rc == 0)
			rp_jw_stringn(w, m.data, m.len);
		rp_buf_release(&m);
	} else {
		rp_jw_string(w, f->message[0] ? f->message : f->rule->title);
	}
	rp_jw_object_end(w);

	RP_JW_KEY(w, "locations");
	rp_jw_array_begin(w);
	rp_jw_object_begin(w);
	if (f->file[0]) {
		RP_JW_KEY(w, "physicalLocation");
		rp_jw_object_begin(w);
		RP_JW_KEY(w, "artifactLocation");
		rp_jw_object_begin(w);
		RP_JW_KEY(w, "uri");
		if (rc == 0)
			rc = uri_value(w, f->file);
		fi = file_index(r, f->file, &found);
		if (found) {
			RP_JW_UINT(w, "index", fi);
		}
		rp_jw_object_end(w);
		if (f->line) {
			RP_JW_KEY(w, "region");
			rp_jw_object_begin(w);
			RP_JW_UINT(w, "startLine", f->line);
			RP_JW_UINT(w, "startColumn", f->column ? f->column : 1);
			RP_JW_UINT(w, "endLine", f->end_line >= f->line ? f->end_line : f->line);
			RP_JW_UINT(w, "endColumn", f->end_column ? f->end_column : 1);
			rp_jw_object_end(w);
		} else if (rp_report_finding_byte_length(f)) {
			/* binary artifact (§3.30.10, §3.30.11) */
			RP_JW_KEY(w, "region");
			rp_jw_object_begin(w);
			RP_JW_UINT(w, "byteOffset", rp_report_finding_byte_offset(f));
			RP_JW_UINT(w, "byteLength", rp_report_finding_byte_length(f));
			rp_jw_object_end(w);
		}
		rp_jw_object_end(w);
	}
	if (f->resource_name[0] || f->resource_id[0]) {
		RP_JW_KEY(w, "logicalLocations");
		rp_jw_array_begin(w);
		rp_jw_object_begin(w);
		RP_JW_STR(w, "name", f->resource_name[0] ? f->resource_name : f->resource_id);
		if (f->resource_id[0]) {
			RP_JW_STR(w, "fullyQualifiedName", f->resource_id);
		}
		RP_JW_STR(w, "kind", "resource");
		rp_jw_object_end(w);
		if (rp_report_finding_address(f)) {
			/* the Terraform resource the finding is about */
			rp_jw_object_begin(w);
			RP_JW_STR(w, "name", rp_report_finding_address(f));
			RP_JW_STR(w, "fullyQualifiedName", rp_report_finding_address(f));
			RP_JW_STR(w, "kind", "resource");
			rp_jw_object_end(w);
		}
		rp_jw_array_end(w);
	}
	rp_jw_object_end(w);
	rp_jw_array_end(w);

	RP_JW_KEY(w, "partialFingerprints");
	rp_jw_object_begin(w);
	RP_JW_STR(w, "rampart/v1", f->fingerprint);
	rp_jw_object_end(w);

	if (f->suppressed != RP_SUPPRESS_NONE) {
		RP_JW_KEY(w, "suppressions");
		rp_jw_array_begin(w);
		rp_jw_object_begin(w);
		RP_JW_STR(w, "kind", f->suppressed == RP_SUPPRESS_INLINE ? "inSource" : "external");
		RP_JW_STR(w, "status", "accepted");
		if (f->suppress_reason) {
			RP_JW_STR(w, "justification", f->suppress_reason);
		}
		rp_jw_object_end(w);
		rp_jw_array_end(w);
	}
	RP_JW_KEY(w, "properties");
	rp_jw_object_begin(w);
	RP_JW_STR(w, "status", rpt_status(f->status));
	RP_JW_STR(w, "resourceType", f->resource_type);
	if (f->unknown_reason) {
		RP_JW_STR(w, "unknownReason", f->unknown_reason);
	}
	rp_jw_object_end(w);
	rp_jw_object_end(w);
	return rc;
}

int rp_report_write_sarif(rp_report *r, const rp_report_options *o, rp_buf *out)
{
	rp_jw w;
	size_t i;
	int rc = 0;

	rp_report_sort(r);
	rp_jw_init(&w, out, 2);
	rp_jw_object_begin(&w);
	RP_JW_STR(&w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	RP_JW_STR(&w, "version", "2.1.0");
	RP_JW_KEY(&w, "runs");
	rp_jw_array_begin(&w);
	rp_jw_object_begin(&w);

	RP_JW_KEY(&w, "tool");
	rp_jw_object_begin(&w);
	RP_JW_KEY(&w, "driver");
	rp_jw_object_begin(&w);
	RP_JW_STR(&w, "name", RP_REPORT_TOOL_NAME);
	if (o->version && o->version[0]) {
		RP_JW_STR(&w, "version", o->version);
		RP_JW_STR(&w, "semanticVersion", o->version);
	}
	if (r->rules_doc_uri) {
		RP_JW_STR(&w, "informationUri", r->rules_doc_uri);
	}
	RP_JW_KEY(&w, "rules");
	rp_jw_array_begin(&w);
	for (i = 0; i < r->nrules && rc == 0; i++)
		rc = rule_descriptor(&w, r->rules[i], r->rules_doc_uri);
	rp_jw_array_end(&w);
	rp_jw_object_end(&w);
	rp_jw_object_end(&w);

	RP_JW_STR(&w, "columnKind", "unicodeCodePoints");

	RP_JW_KEY(&w, "artifacts");
	rp_jw_array_begin(&w);
	for (i = 0; i < r->nfiles && rc == 0; i++) {
		rp_jw_object_begin(&w);
		RP_JW_KEY(&w, "location");
		rp_jw_object_begin(&w);
		RP_JW_KEY(&w, "uri");
		rc = uri_value(&w, r->files[i]);
		rp_jw_object_end(&w);
		rp_jw_object_end(&w);
	}
	rp_jw_array_end(&w);

	RP_JW_KEY(&w, "results");
	rp_jw_array_begin(&w);
	for (i = 0; i < r->nfindings && rc == 0; i++) {
		const rp_report_finding *f = &r->findings[i];
		if (f->status == RP_STATUS_FAIL || f->status == RP_STATUS_UNKNOWN)
			rc = result(&w, r, f);
	}
	rp_jw_array_end(&w);
	rp_jw_object_end(&w);
	rp_jw_array_end(&w);
	rp_jw_object_end(&w);
	if (rc < 0)
		return rc;
	rc = rp_jw_finish(&w);
	return rc == -RP_EINVAL ? -RP_EINTERNAL : rc;
}
