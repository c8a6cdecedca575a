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
	rp_jw_key(w, "id");
	rp_jw_string(w, ru->id);
	rp_jw_key(w, "shortDescription");
	rp_jw_object_begin(w);
	rp_jw_key(w, "text");
	rp_jw_string(w, ru->title);
	rp_jw_object_end(w);
	rp_jw_key(w, "fullDescription");
	rp_jw_object_begin(w);
	rp_jw_key(w, "text");
	rp_jw_string(w, ru->rationale ? ru->rationale : ru->title);
	rp_jw_object_end(w);

	if (doc_uri) {
		rc = rp_buf_printf(&b, "%s#", doc_uri);
		for (i = 0; rc == 0 && ru->id[i]; i++) {
			char c = ru->id[i];
			rc = rp_buf_putc(&b, (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
		}
		if (rc == 0) {
			rp_jw_key(w, "helpUri");
			rp_jw_stringn(w, b.data, b.len);
		}
		rp_buf_clear(&b);
	}
	if (rc == 0)
		rc = rp_buf_printf(&b, "%s\n\nWhy: %s\n\nFix: %s", ru->title,
				   ru->rationale ? ru->rationale : "",
				   ru->remediation ? ru->remediation : "");
	if (rc == 0) {
		rp_jw_key(w, "help");
		rp_jw_object_begin(w);
		rp_jw_key(w, "text");
		rp_jw_stringn(w, b.data, b.len);
		rp_jw_object_end(w);
	}
	rp_jw_key(w, "defaultConfiguration");
	rp_jw_object_begin(w);
	rp_jw_key(w, "level");
	rp_jw_string(w, level_for(ru->severity));
	rp_jw_object_end(w);
	rp_jw_key(w, "properties");
	rp_jw_object_begin(w);
	rp_jw_key(w, "layer");
	rp_jw_string(w, ru->layer);
	rp_jw_key(w, "severity");
	rp_jw_string(w, rpt_sev(ru->severity));
	rp_jw_key(w, "security-severity");
	rp_jw_string(w, security_severity(ru->severity));
	rp_jw_key(w, "tags");
	rp_jw_array_begin(w);
	rp_jw_string(w, "security");
	rp_jw_string(w, ru->layer);
	rp_jw_array_end(w);
	if (ru->mcsb) {
		rp_jw_key(w, "mcsb");
		rp_jw_string(w, ru->mcsb);
	}
	if (ru->cis) {
		rp_jw_key(w, "cis");
		rp_jw_string(w, ru->cis);
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
	rp_jw_key(w, "ruleId");
	rp_jw_string(w, f->rule->id);
	rp_jw_key(w, "ruleIndex");
	rp_jw_uint(w, rule_index(r, f->rule));
	rp_jw_key(w, "kind");
	rp_jw_string(w, fail ? "fail" : "review");
	rp_jw_key(w, "level");
	rp_jw_string(w, fail ? level_for(f->rule->severity) : "none");
	rp_jw_key(w, "message");
	rp_jw_object_begin(w);
	rp_jw_key(w, "text");
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

	rp_jw_key(w, "locations");
	rp_jw_array_begin(w);
	rp_jw_object_begin(w);
	if (f->file[0]) {
		rp_jw_key(w, "physicalLocation");
		rp_jw_object_begin(w);
		rp_jw_key(w, "artifactLocation");
		rp_jw_object_begin(w);
		rp_jw_key(w, "uri");
		if (rc == 0)
			rc = uri_value(w, f->file);
		fi = file_index(r, f->file, &found);
		if (found) {
			rp_jw_key(w, "index");
			rp_jw_uint(w, fi);
		}
		rp_jw_object_end(w);
		if (f->line) {
			rp_jw_key(w, "region");
			rp_jw_object_begin(w);
			rp_jw_key(w, "startLine");
			rp_jw_uint(w, f->line);
			rp_jw_key(w, "startColumn");
			rp_jw_uint(w, f->column ? f->column : 1);
			rp_jw_key(w, "endLine");
			rp_jw_uint(w, f->end_line >= f->line ? f->end_line : f->line);
			rp_jw_key(w, "endColumn");
			rp_jw_uint(w, f->end_column ? f->end_column : 1);
			rp_jw_object_end(w);
		} else if (rp_report_finding_byte_length(f)) {
			/* binary artifact (§3.30.10, §3.30.11) */
			rp_jw_key(w, "region");
			rp_jw_object_begin(w);
			rp_jw_key(w, "byteOffset");
			rp_jw_uint(w, rp_report_finding_byte_offset(f));
			rp_jw_key(w, "byteLength");
			rp_jw_uint(w, rp_report_finding_byte_length(f));
			rp_jw_object_end(w);
		}
		rp_jw_object_end(w);
	}
	if (f->resource_name[0] || f->resource_id[0]) {
		rp_jw_key(w, "logicalLocations");
		rp_jw_array_begin(w);
		rp_jw_object_begin(w);
		rp_jw_key(w, "name");
		rp_jw_string(w, f->resource_name[0] ? f->resource_name : f->resource_id);
		if (f->resource_id[0]) {
			rp_jw_key(w, "fullyQualifiedName");
			rp_jw_string(w, f->resource_id);
		}
		rp_jw_key(w, "kind");
		rp_jw_string(w, "resource");
		rp_jw_object_end(w);
		if (rp_report_finding_address(f)) {
			/* the Terraform resource the finding is about */
			rp_jw_object_begin(w);
			rp_jw_key(w, "name");
			rp_jw_string(w, rp_report_finding_address(f));
			rp_jw_key(w, "fullyQualifiedName");
			rp_jw_string(w, rp_report_finding_address(f));
			rp_jw_key(w, "kind");
			rp_jw_string(w, "resource");
			rp_jw_object_end(w);
		}
		rp_jw_array_end(w);
	}
	rp_jw_object_end(w);
	rp_jw_array_end(w);

	rp_jw_key(w, "partialFingerprints");
	rp_jw_object_begin(w);
	rp_jw_key(w, "rampart/v1");
	rp_jw_string(w, f->fingerprint);
	rp_jw_object_end(w);

	if (f->suppressed != RP_SUPPRESS_NONE) {
		rp_jw_key(w, "suppressions");
		rp_jw_array_begin(w);
		rp_jw_object_begin(w);
		rp_jw_key(w, "kind");
		rp_jw_string(w, f->suppressed == RP_SUPPRESS_INLINE ? "inSource" : "external");
		rp_jw_key(w, "status");
		rp_jw_string(w, "accepted");
		if (f->suppress_reason) {
			rp_jw_key(w, "justification");
			rp_jw_string(w, f->suppress_reason);
		}
		rp_jw_object_end(w);
		rp_jw_array_end(w);
	}
	rp_jw_key(w, "properties");
	rp_jw_object_begin(w);
	rp_jw_key(w, "status");
	rp_jw_string(w, rpt_status(f->status));
	rp_jw_key(w, "resourceType");
	rp_jw_string(w, f->resource_type);
	if (f->unknown_reason) {
		rp_jw_key(w, "unknownReason");
		rp_jw_string(w, f->unknown_reason);
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
	rp_jw_key(&w, "$schema");
	rp_jw_string(&w, "https://json.schemastore.org/sarif-2.1.0.json");
	rp_jw_key(&w, "version");
	rp_jw_string(&w, "2.1.0");
	rp_jw_key(&w, "runs");
	rp_jw_array_begin(&w);
	rp_jw_object_begin(&w);

	rp_jw_key(&w, "tool");
	rp_jw_object_begin(&w);
	rp_jw_key(&w, "driver");
	rp_jw_object_begin(&w);
	rp_jw_key(&w, "name");
	rp_jw_string(&w, RP_REPORT_TOOL_NAME);
	if (o->version && o->version[0]) {
		rp_jw_key(&w, "version");
		rp_jw_string(&w, o->version);
		rp_jw_key(&w, "semanticVersion");
		rp_jw_string(&w, o->version);
	}
	if (r->rules_doc_uri) {
		rp_jw_key(&w, "informationUri");
		rp_jw_string(&w, r->rules_doc_uri);
	}
	rp_jw_key(&w, "rules");
	rp_jw_array_begin(&w);
	for (i = 0; i < r->nrules && rc == 0; i++)
		rc = rule_descriptor(&w, r->rules[i], r->rules_doc_uri);
	rp_jw_array_end(&w);
	rp_jw_object_end(&w);
	rp_jw_object_end(&w);

	rp_jw_key(&w, "columnKind");
	rp_jw_string(&w, "unicodeCodePoints");

	rp_jw_key(&w, "artifacts");
	rp_jw_array_begin(&w);
	for (i = 0; i < r->nfiles && rc == 0; i++) {
		rp_jw_object_begin(&w);
		rp_jw_key(&w, "location");
		rp_jw_object_begin(&w);
		rp_jw_key(&w, "uri");
		rc = uri_value(&w, r->files[i]);
		rp_jw_object_end(&w);
		rp_jw_object_end(&w);
	}
	rp_jw_array_end(&w);

	rp_jw_key(&w, "results");
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
