/* junit.c: JUnit XML, as Jenkins, GitLab and Azure Pipelines read it.
 *
 * <testsuites> with one <testsuite> per input file and one <testcase> per
 * rule verdict on a resource: classname "TYPE/NAME" (the resource),
 * name "RULE-ID: title".  fail -> <failure>; unknown and not-applicable ->
 * <skipped> with the reason; suppressed -> <skipped> naming the
 * suppression; pass -> an empty testcase.  Every attribute and text is
 * XML-escaped (rp_xml_escape).  No timestamps or durations. */
#include "report/report.h"
#include "report/internal.h"
#include "util/error.h"

#include <string.h>

typedef struct tally {
	size_t tests, failures, skipped;
} tally;

static void count(const rp_report_finding *f, tally *t)
{
	t->tests++;
	if (f->suppressed != RP_SUPPRESS_NONE || f->status == RP_STATUS_UNKNOWN ||
	    f->status == RP_STATUS_NOT_APPLICABLE)
		t->skipped++;
	else if (f->status == RP_STATUS_FAIL)
		t->failures++;
}

/* Appends  name="escaped value". */
static int attr(rp_buf *b, const char *name, const char *v)
{
	int rc = rp_buf_printf(b, " %s=\"", name);

	if (rc == 0)
		rc = rp_xml_escape(b, v ? v : "");
	if (rc == 0)
		rc = rp_buf_putc(b, '"');
	return rc;
}

static int testcase(rp_buf *b, const rp_report_finding *f)
{
	rp_buf tmp = RP_BUF_INIT;
	int rc;

	rc = rp_buf_printf(&tmp, "%s/%s", f->resource_type,
			   f->resource_name[0] ? f->resource_name : "(unnamed)");
	if (rc == 0)
		rc = rp_buf_puts(b, "    <testcase");
	if (rc == 0)
		rc = attr(b, "classname", tmp.data);
	rp_buf_clear(&tmp);
	if (rc == 0)
		rc = rp_buf_printf(&tmp, "%s: %s%s%s%s", f->rule->id, f->rule->title,
				   rp_report_finding_address(f) ? " [" : "",
				   rp_report_finding_address(f) ? rp_report_finding_address(f) : "",
				   rp_report_finding_address(f) ? "]" : "");
	if (rc == 0)
		rc = attr(b, "name", tmp.data);
	if (rc == 0 && f->file[0])
		rc = attr(b, "file", f->file);
	if (rc == 0 && f->line)
		rc = rp_buf_printf(b, " line=\"%u\"", f->line);
	if (rc == 0 && f->status == RP_STATUS_PASS && f->suppressed == RP_SUPPRESS_NONE) {
		rc = rp_buf_puts(b, "/>\n");
		goto out;
	}
	if (rc == 0)
		rc = rp_buf_puts(b, ">\n");
	rp_buf_clear(&tmp);
	if (rc < 0)
		goto out;
	if (f->suppressed != RP_SUPPRESS_NONE) {
		rc = rp_buf_printf(&tmp, "suppressed (%s): %s",
				   rp_suppress_kind_name(f->suppressed),
				   f->suppress_reason ? f->suppress_reason : "");
		if (rc == 0)
			rc = rp_buf_puts(b, "      <skipped");
		if (rc == 0)
			rc = attr(b, "message", tmp.data);
		if (rc == 0)
			rc = rp_buf_puts(b, "/>\n");
	} else if (f->status == RP_STATUS_FAIL) {
		rc = rp_buf_puts(b, "      <failure");
		if (rc == 0)
			rc = attr(b, "message", f->message);
		if (rc == 0)
			rc = attr(b, "type", rpt_sev(f->rule->severity));
		if (rc == 0)
			rc = rp_buf_puts(b, ">");
		if (rc == 0)
			rc = rp_buf_printf(
				&tmp,
				"%s:%u:%u: %s [%s, %s]\nresource: %s%s%s\nfingerprint: "
				"%s\nremediation: %s",
				f->file, f->line, f->column, f->message, f->rule->layer,
				rpt_sev(f->rule->severity),
				f->resource_id[0] ? f->resource_id : f->resource_name,
				rp_report_finding_address(f) ? "\naddress: " : "",
				rp_report_finding_address(f) ? rp_report_finding_address(f) : "",
				f->fingerprint, f->rule->remediation ? f->rule->remediation : "");
		if (rc == 0)
			rc = rp_xml_escape(b, tmp.data);
		if (rc == 0)
			rc = rp_buf_puts(b, "</failure>\n");
	} else {
		if (f->status == RP_STATUS_UNKNOWN)
			rc = rp_buf_printf(&tmp, "unknown: %s",
					   f->unknown_reason ? f->unknown_reason : f->message);
		else
			rc = rp_buf_printf(&tmp, "not applicable: %s", f->message);
		if (rc == 0)
			rc = rp_buf_puts(b, "      <skipped");
		if (rc == 0)
			rc = attr(b, "message", tmp.data);
		if (rc == 0)
			rc = rp_buf_puts(b, "/>\n");
	}
	if (rc == 0)
		rc = rp_buf_puts(b, "    </testcase>\n");
out:
	rp_buf_release(&tmp);
	return rc;
}

int rp_report_write_junit(rp_report *r, const rp_report_options *o, rp_buf *out)
{
	tally all = { 0, 0, 0 };
	size_t i, j, k;
	int rc;

	(void)o;
	rp_report_sort(r);
	for (i = 0; i < r->nfindings; i++)
		count(&r->findings[i], &all);
	rc = rp_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
	if (rc == 0)
		rc = attr(out, "name", RP_REPORT_TOOL_NAME);
	if (rc == 0)
		rc = rp_buf_printf(
			out, " tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n",
			all.tests, all.failures, all.skipped);
	for (i = 0; i < r->nfindings && rc == 0; i = j) {
		const char *file = r->findings[i].file;
		tally t = { 0, 0, 0 };
		for (j = i; j < r->nfindings && strcmp(r->findings[j].file, file) == 0; j++)
			count(&r->findings[j], &t);
		rc = rp_buf_puts(out, "  <testsuite");
		if (rc == 0)
			rc = attr(out, "name", file[0] ? file : "(no file)");
		if (rc == 0)
			rc = rp_buf_printf(
				out,
				" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n",
				t.tests, t.failures, t.skipped);
		for (k = i; k < j && rc == 0; k++)
			rc = testcase(out, &r->findings[k]);
		if (rc == 0)
			rc = rp_buf_puts(out, "  </testsuite>\n");
	}
	if (rc == 0)
		rc = rp_buf_puts(out, "</testsuites>\n");
	return rc;
}
