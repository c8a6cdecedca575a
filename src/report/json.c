/* json.c: rampart's JSON report, documented field by field in
 * docs/json-output.md (format_version 1).  Keys are written in a fixed
 * order; findings in report order. */
#include "report/report.h"
#include "report/assets.h"
#include "report/internal.h"
#include "util/error.h"

static void finding(rp_jw *w, const rp_report_finding *f)
{
	rp_jw_object_begin(w);
	RP_JW_STR(w, "rule_id", f->rule->id);
	RP_JW_STR(w, "layer", f->rule->layer);
	RP_JW_STR(w, "severity", rpt_sev(f->rule->severity));
	RP_JW_STR(w, "status", rpt_status(f->status));
	RP_JW_STR(w, "title", f->rule->title);
	RP_JW_STR(w, "resource_type", f->resource_type);
	RP_JW_STR(w, "resource_name", f->resource_name);
	RP_JW_STR(w, "resource_id", f->resource_id);
	if (rp_report_finding_address(f))
		RP_JW_STR(w, "address", rp_report_finding_address(f));
	RP_JW_STR(w, "file", f->file);
	RP_JW_UINT(w, "line", f->line);
	RP_JW_UINT(w, "column", f->column);
	RP_JW_UINT(w, "end_line", f->end_line);
	RP_JW_UINT(w, "end_column", f->end_column);
	RP_JW_STR(w, "message", f->message);
	RP_JW_STR(w, "unknown_reason", f->unknown_reason);
	RP_JW_STR(w, "fingerprint", f->fingerprint);
	RP_JW_BOOL(w, "suppressed", f->suppressed != RP_SUPPRESS_NONE);
	if (f->suppressed != RP_SUPPRESS_NONE) {
		RP_JW_KEY(w, "suppression");
		rp_jw_object_begin(w);
		RP_JW_STR(w, "kind", rp_suppress_kind_name(f->suppressed));
		RP_JW_STR(w, "reason", f->suppress_reason);
		rp_jw_object_end(w);
	}
	rp_jw_object_end(w);
}

int rp_report_write_json(rp_report *r, const rp_report_options *o, rp_buf *out)
{
	static const char *const sev_keys[RP_SEV_COUNT_] = {
		"info", "low", "medium", "high", "critical",
	};
	rp_report_counts c;
	rp_jw w;
	size_t i;
	int s, rc;

	rp_report_sort(r);
	rp_report_count(r, &c);
	rp_jw_init(&w, out, 2);
	rp_jw_object_begin(&w);
	RP_JW_KEY(&w, "format_version");
	rp_jw_int(&w, RP_REPORT_JSON_VERSION);
	RP_JW_KEY(&w, "tool");
	rp_jw_object_begin(&w);
	RP_JW_STR(&w, "name", RP_REPORT_TOOL_NAME);
	RP_JW_STR(&w, "version", o->version ? o->version : "");
	rp_jw_object_end(&w);

	RP_JW_KEY(&w, "summary");
	rp_jw_object_begin(&w);
	RP_JW_UINT(&w, "files", r->nfiles);
	RP_JW_UINT(&w, "resources", r->nresources);
	RP_JW_UINT(&w, "rules", r->nrules);
	RP_JW_UINT(&w, "input_errors", r->nerrors);
	RP_JW_UINT(&w, "pass", c.by_status[RP_STATUS_PASS]);
	RP_JW_UINT(&w, "fail", c.by_status[RP_STATUS_FAIL]);
	RP_JW_UINT(&w, "unknown", c.by_status[RP_STATUS_UNKNOWN]);
	RP_JW_UINT(&w, "not_applicable", c.by_status[RP_STATUS_NOT_APPLICABLE]);
	RP_JW_UINT(&w, "suppressed", c.suppressed);
	RP_JW_KEY(&w, "fail_by_severity");
	rp_jw_object_begin(&w);
	for (s = RP_SEV_CRITICAL; s >= RP_SEV_INFO; s--) {
		rp_jw_key(&w, sev_keys[s]);
		rp_jw_uint(&w, c.fail_by_severity[s]);
	}
	rp_jw_object_end(&w);
	rp_jw_object_end(&w);

	RP_JW_KEY(&w, "files");
	rp_jw_array_begin(&w);
	for (i = 0; i < r->nfiles; i++)
		rp_jw_string(&w, r->files[i]);
	rp_jw_array_end(&w);

	RP_JW_KEY(&w, "rules");
	rp_jw_array_begin(&w);
	for (i = 0; i < r->nrules; i++) {
		const rp_report_rule *ru = r->rules[i];
		rp_jw_object_begin(&w);
		RP_JW_STR(&w, "id", ru->id);
		RP_JW_STR(&w, "layer", ru->layer);
		RP_JW_STR(&w, "severity", rpt_sev(ru->severity));
		RP_JW_STR(&w, "title", ru->title);
		rp_jw_object_end(&w);
	}
	rp_jw_array_end(&w);

	RP_JW_KEY(&w, "findings");
	rp_jw_array_begin(&w);
	for (i = 0; i < r->nfindings; i++)
		finding(&w, &r->findings[i]);
	rp_jw_array_end(&w);
	rpt_json_exposures(&w, r);
	rp_report_json_assets(&w, r);
	rp_jw_object_end(&w);
	rc = rp_jw_finish(&w);
	return rc == -RP_EINVAL ? -RP_EINTERNAL : rc; /* misuse is our bug */
}
