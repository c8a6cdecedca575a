/* json.c: rampart's JSON report, documented field by field in
 * docs/json-output.md (format_version 1).  Keys are written in a fixed
 * order; findings in report order. */
#include "report/report.h"
#include "report/assets.h"
#include "report/internal.h"
#include "util/error.h"

static void opt_string(rp_jw *w, const char *key, const char *v)
{
	rp_jw_key(w, key);
	if (v)
		rp_jw_string(w, v);
	else
		rp_jw_null(w);
}

static void finding(rp_jw *w, const rp_report_finding *f)
{
	rp_jw_object_begin(w);
	rp_jw_key(w, "rule_id");
	rp_jw_string(w, f->rule->id);
	rp_jw_key(w, "layer");
	rp_jw_string(w, f->rule->layer);
	rp_jw_key(w, "severity");
	rp_jw_string(w, rpt_sev(f->rule->severity));
	rp_jw_key(w, "status");
	rp_jw_string(w, rpt_status(f->status));
	rp_jw_key(w, "title");
	rp_jw_string(w, f->rule->title);
	rp_jw_key(w, "resource_type");
	rp_jw_string(w, f->resource_type);
	rp_jw_key(w, "resource_name");
	rp_jw_string(w, f->resource_name);
	rp_jw_key(w, "resource_id");
	rp_jw_string(w, f->resource_id);
	if (rp_report_finding_address(f)) {
		rp_jw_key(w, "address");
		rp_jw_string(w, rp_report_finding_address(f));
	}
	rp_jw_key(w, "file");
	rp_jw_string(w, f->file);
	rp_jw_key(w, "line");
	rp_jw_uint(w, f->line);
	rp_jw_key(w, "column");
	rp_jw_uint(w, f->column);
	rp_jw_key(w, "end_line");
	rp_jw_uint(w, f->end_line);
	rp_jw_key(w, "end_column");
	rp_jw_uint(w, f->end_column);
	rp_jw_key(w, "message");
	rp_jw_string(w, f->message);
	opt_string(w, "unknown_reason", f->unknown_reason);
	rp_jw_key(w, "fingerprint");
	rp_jw_string(w, f->fingerprint);
	rp_jw_key(w, "suppressed");
	rp_jw_bool(w, f->suppressed != RP_SUPPRESS_NONE);
	if (f->suppressed != RP_SUPPRESS_NONE) {
		rp_jw_key(w, "suppression");
		rp_jw_object_begin(w);
		rp_jw_key(w, "kind");
		rp_jw_string(w, rp_suppress_kind_name(f->suppressed));
		opt_string(w, "reason", f->suppress_reason);
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
	rp_jw_key(&w, "format_version");
	rp_jw_int(&w, RP_REPORT_JSON_VERSION);
	rp_jw_key(&w, "tool");
	rp_jw_object_begin(&w);
	rp_jw_key(&w, "name");
	rp_jw_string(&w, RP_REPORT_TOOL_NAME);
	rp_jw_key(&w, "version");
	rp_jw_string(&w, o->version ? o->version : "");
	rp_jw_object_end(&w);

	rp_jw_key(&w, "summary");
	rp_jw_object_begin(&w);
	rp_jw_key(&w, "files");
	rp_jw_uint(&w, r->nfiles);
	rp_jw_key(&w, "resources");
	rp_jw_uint(&w, r->nresources);
	rp_jw_key(&w, "rules");
	rp_jw_uint(&w, r->nrules);
	rp_jw_key(&w, "input_errors");
	rp_jw_uint(&w, r->nerrors);
	rp_jw_key(&w, "pass");
	rp_jw_uint(&w, c.by_status[RP_STATUS_PASS]);
	rp_jw_key(&w, "fail");
	rp_jw_uint(&w, c.by_status[RP_STATUS_FAIL]);
	rp_jw_key(&w, "unknown");
	rp_jw_uint(&w, c.by_status[RP_STATUS_UNKNOWN]);
	rp_jw_key(&w, "not_applicable");
	rp_jw_uint(&w, c.by_status[RP_STATUS_NOT_APPLICABLE]);
	rp_jw_key(&w, "suppressed");
	rp_jw_uint(&w, c.suppressed);
	rp_jw_key(&w, "fail_by_severity");
	rp_jw_object_begin(&w);
	for (s = RP_SEV_CRITICAL; s >= RP_SEV_INFO; s--) {
		rp_jw_key(&w, sev_keys[s]);
		rp_jw_uint(&w, c.fail_by_severity[s]);
	}
	rp_jw_object_end(&w);
	rp_jw_object_end(&w);

	rp_jw_key(&w, "files");
	rp_jw_array_begin(&w);
	for (i = 0; i < r->nfiles; i++)
		rp_jw_string(&w, r->files[i]);
	rp_jw_array_end(&w);

	rp_jw_key(&w, "rules");
	rp_jw_array_begin(&w);
	for (i = 0; i < r->nrules; i++) {
		const rp_report_rule *ru = r->rules[i];
		rp_jw_object_begin(&w);
		rp_jw_key(&w, "id");
		rp_jw_string(&w, ru->id);
		rp_jw_key(&w, "layer");
		rp_jw_string(&w, ru->layer);
		rp_jw_key(&w, "severity");
		rp_jw_string(&w, rpt_sev(ru->severity));
		rp_jw_key(&w, "title");
		rp_jw_string(&w, ru->title);
		rp_jw_object_end(&w);
	}
	rp_jw_array_end(&w);

	rp_jw_key(&w, "findings");
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
