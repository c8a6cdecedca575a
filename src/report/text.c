/* text.c: the human-readable report.
 *
 * Layout: per input file, per asset (resource type + name), per defense
 * layer, the failing, unknown and suppressed checks with their positions;
 * an asset whose checks all pass gets one line saying so.  Then a summary
 * table of layers x pass/fail/unknown/not-applicable/suppressed and totals
 * by severity.  Colors (ANSI) only when the caller asks for them. */
#include "report/report.h"
#include "report/assets.h"
#include "report/internal.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_RED "\033[31m"
#define C_BRED "\033[1;31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"

static int cmp_asset(const void *pa, const void *pb)
{
	const rp_report_finding *a = *(const rp_report_finding *const *)pa;
	const rp_report_finding *b = *(const rp_report_finding *const *)pb;
	int c;

	/* equal pointers: the same interned string */
	if (a->file != b->file && (c = strcmp(a->file, b->file)) != 0)
		return c;
	if (a->resource_type != b->resource_type &&
	    (c = strcmp(a->resource_type, b->resource_type)) != 0)
		return c;
	if (a->resource_name != b->resource_name &&
	    (c = strcmp(a->resource_name, b->resource_name)) != 0)
		return c;
	if (a->resource_id != b->resource_id && (c = strcmp(a->resource_id, b->resource_id)) != 0)
		return c;
	if ((c = rpt_cmp_layer(a->rule->layer, b->rule->layer)) != 0)
		return c;
	/* fail before unknown before pass before n/a */
	if (a->status != b->status) {
		static const int rank[RP_STATUS_COUNT_] = { 2, 0, 1, 3 };
		return rank[a->status] < rank[b->status] ? -1 : 1;
	}
	if (a < b)
		return -1; /* stable: keeps the report order (line, rule) */
	return a > b;
}

static bool same_asset(const rp_report_finding *a, const rp_report_finding *b)
{
	return (a->file == b->file || strcmp(a->file, b->file) == 0) &&
	       (a->resource_type == b->resource_type ||
		strcmp(a->resource_type, b->resource_type) == 0) &&
	       (a->resource_name == b->resource_name ||
		strcmp(a->resource_name, b->resource_name) == 0) &&
	       (a->resource_id == b->resource_id || strcmp(a->resource_id, b->resource_id) == 0);
}

/* Appends s with control characters (C0, DEL, and the C1 range encoded as
 * U+0080..U+009F) shown as \xNN, so hostile names in templates cannot
 * send escape sequences to the terminal. */
/* Eight bytes at once: does x hold a byte below 0x20, 0x7F or 0xC2 (the
 * bytes put_safe looks at)?  Exact: no false positive or negative. */
static bool swar_special(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t del = x ^ (ones * 0x7F), c2 = x ^ (ones * 0xC2);

	return (((x - ones * 0x20) & ~x) | ((del - ones) & ~del) | ((c2 - ones) & ~c2)) & high;
}

static int put_safe(rp_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run = p, *end = p + strlen(s);
	int rc = 0;

	/* runs of plain bytes are appended whole */
	while (p < end && rc == 0) {
		uint64_t x;
		if (end - p >= 8) {
			memcpy(&x, p, 8);
			if (!swar_special(x)) {
				p += 8;
				continue;
			}
		}
		if (*p >= 0x20 && *p != 0x7F && *p != 0xC2) {
			p++;
			continue;
		}
		if (*p == 0xC2 && !(p + 1 < end && p[1] >= 0x80 && p[1] <= 0x9F)) {
			p++;
			continue;
		}
		if (p > run)
			rc = rp_buf_append(b, run, (size_t)(p - run));
		if (rc == 0 && *p == 0xC2) {
			rc = rp_buf_printf(b, "\\u%04x", p[1]);
			p++;
		} else if (rc == 0) {
			rc = rp_buf_printf(b, "\\x%02x", *p);
		}
		p++;
		run = p;
	}
	if (rc == 0 && p > run)
		rc = rp_buf_append(b, run, (size_t)(p - run));
	return rc;
}

/* Formats into a scratch buffer, then appends it sanitized. */
static int put_fmt_safe(rp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int put_fmt_safe(rp_buf *b, const char *fmt, ...)
{
	rp_buf t = RP_BUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = rp_buf_vprintf(&t, fmt, ap);
	va_end(ap);
	if (rc == 0 && t.len)
		rc = put_safe(b, t.data);
	rp_buf_release(&t);
	return rc;
}

int rpt_put_safe(rp_buf *b, const char *s)
{
	return put_safe(b, s);
}

int rpt_put_fmt_safe(rp_buf *b, const char *fmt, ...)
{
	rp_buf t = RP_BUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = rp_buf_vprintf(&t, fmt, ap);
	va_end(ap);
	if (rc == 0 && t.len)
		rc = put_safe(b, t.data);
	rp_buf_release(&t);
	return rc;
}

static const char *status_label(const rp_report_finding *f)
{
	if (f->suppressed != RP_SUPPRESS_NONE)
		return "SUPPRESSED";
	switch (f->status) {
	case RP_STATUS_PASS: return "PASS";
	case RP_STATUS_FAIL: return "FAIL";
	case RP_STATUS_UNKNOWN: return "UNKNOWN";
	case RP_STATUS_NOT_APPLICABLE: return "N/A";
	case RP_STATUS_COUNT_: break;
	}
	return "?";
}

static const char *status_color(const rp_report_finding *f)
{
	if (f->suppressed != RP_SUPPRESS_NONE)
		return C_DIM;
	switch (f->status) {
	case RP_STATUS_PASS: return C_GREEN;
	case RP_STATUS_FAIL: return f->rule->severity >= RP_SEV_HIGH ? C_BRED : C_RED;
	case RP_STATUS_UNKNOWN: return C_YELLOW;
	default: return C_DIM;
	}
}

/* s, then spaces up to width (printf's "%-Ns"). */
static int put_padded(rp_buf *b, const char *s, size_t width)
{
	static const char spaces[] = "                ";
	size_t n = strlen(s);
	int rc = rp_buf_append(b, s, n);

	if (rc == 0 && n < width)
		rc = rp_buf_append(b, spaces, width - n < 16 ? width - n : 16);
	return rc;
}

/* One shown finding (the text is assembled piece by piece: this runs for
 * every failing and unknown result of a big scan). */
static int put_finding(rp_buf *b, const rp_report_finding *f, bool color)
{
	int rc;

	rc = rp_buf_append(b, "      ", 6);
	if (rc == 0 && color)
		rc = rp_buf_puts(b, status_color(f));
	if (rc == 0)
		rc = put_padded(b, status_label(f), 10);
	if (rc == 0 && color)
		rc = rp_buf_puts(b, C_RESET);
	if (rc == 0)
		rc = rp_buf_putc(b, ' ');
	if (rc == 0)
		rc = put_padded(b, rpt_sev(f->rule->severity), 8);
	if (rc == 0)
		rc = rp_buf_putc(b, ' ');
	if (rc == 0 && color)
		rc = rp_buf_puts(b, C_BOLD);
	if (rc == 0)
		rc = rp_buf_puts(b, f->rule->id);
	if (rc == 0 && color)
		rc = rp_buf_puts(b, C_RESET);
	if (rc == 0 && f->line) {
		/* "  file:line:col", the file shown safely */
		rc = rp_buf_append(b, "  ", 2);
		if (rc == 0)
			rc = put_safe(b, f->file);
		if (rc == 0)
			rc = rp_buf_putc(b, ':');
		if (rc == 0)
			rc = rp_buf_put_u64(b, f->line);
		if (rc == 0)
			rc = rp_buf_putc(b, ':');
		if (rc == 0)
			rc = rp_buf_put_u64(b, f->column);
	}
	if (rc == 0)
		rc = rp_buf_puts(b, "\n        ");
	if (rc == 0)
		rc = put_safe(b, f->message[0] ? f->message : f->rule->title);
	if (rc == 0 && f->status == RP_STATUS_UNKNOWN && f->unknown_reason) {
		rc = rp_buf_puts(b, "\n        unknown: ");
		if (rc == 0)
			rc = put_safe(b, f->unknown_reason);
	}
	if (rc == 0 && f->suppressed != RP_SUPPRESS_NONE) {
		rc = rp_buf_puts(b, "\n        ");
		if (rc == 0)
			rc = put_fmt_safe(b, "suppressed (%s, was %s): %s",
					  rp_suppress_kind_name(f->suppressed),
					  rpt_status(f->status),
					  f->suppress_reason ? f->suppress_reason : "");
	}
	if (rc == 0)
		rc = rp_buf_putc(b, '\n');
	return rc;
}

/* Per-layer counters for the summary table. */
typedef struct layer_row {
	const char *layer;
	size_t n[RP_STATUS_COUNT_];
	size_t suppressed;
} layer_row;

static int summary(rp_buf *b, rp_report *r, const rp_report_options *o)
{
	layer_row *rows = NULL, tot;
	size_t nrows = 0, i, j;
	rp_report_counts c;
	int rc = 0;

	memset(&tot, 0, sizeof(tot));
	rows = calloc(r->nrules + 1, sizeof(*rows));
	if (!rows)
		return -RP_ENOMEM;
	/* One row per layer among the rules that ran, in layer order. */
	for (i = 0; i < r->nrules; i++) {
		for (j = 0; j < nrows; j++)
			if (strcmp(rows[j].layer, r->rules[i]->layer) == 0)
				break;
		if (j == nrows)
			rows[nrows++].layer = r->rules[i]->layer;
	}
	for (i = 1; i < nrows; i++) { /* insertion sort by layer order */
		layer_row t = rows[i];
		for (j = i; j > 0 && rpt_cmp_layer(rows[j - 1].layer, t.layer) > 0; j--)
			rows[j] = rows[j - 1];
		rows[j] = t;
	}
	for (i = 0; i < r->nfindings; i++) {
		const rp_report_finding *f = &r->findings[i];
		/* a group record's findings span layers: counted from r->grouped */
		if (r->group_passing && f->suppressed == RP_SUPPRESS_NONE &&
		    (f->status == RP_STATUS_PASS || f->status == RP_STATUS_NOT_APPLICABLE))
			continue;
		for (j = 0; j < nrows; j++) {
			if (rows[j].layer != f->rule->layer &&
			    strcmp(rows[j].layer, f->rule->layer) != 0)
				continue;
			if (f->suppressed != RP_SUPPRESS_NONE) {
				rows[j].suppressed++;
				tot.suppressed++;
			} else {
				rows[j].n[f->status] += 1 + (size_t)f->merged;
				tot.n[f->status] += 1 + (size_t)f->merged;
			}
			break;
		}
	}
	for (i = 0; i < r->ngrouped; i++) {
		const rp_report_layer_tally *g = &r->grouped[i];
		size_t k;
		for (j = 0; j < nrows; j++)
			if (rows[j].layer == g->layer || strcmp(rows[j].layer, g->layer) == 0)
				break;
		for (k = 0; k < RP_STATUS_COUNT_; k++) {
			if (j < nrows)
				rows[j].n[k] += g->n[k];
			tot.n[k] += g->n[k];
		}
	}
	rc = rp_buf_printf(b, "%sSummary%s\n  %-12s %8s %8s %8s %8s %11s\n", o->color ? C_BOLD : "",
			   o->color ? C_RESET : "", "layer", "pass", "fail", "unknown", "n/a",
			   "suppressed");
	for (j = 0; j < nrows && rc == 0; j++)
		rc = rp_buf_printf(b, "  %-12s %8zu %8zu %8zu %8zu %11zu\n", rows[j].layer,
				   rows[j].n[RP_STATUS_PASS], rows[j].n[RP_STATUS_FAIL],
				   rows[j].n[RP_STATUS_UNKNOWN],
				   rows[j].n[RP_STATUS_NOT_APPLICABLE], rows[j].suppressed);
	if (rc == 0)
		rc = rp_buf_printf(b, "  %-12s %8zu %8zu %8zu %8zu %11zu\n", "total",
				   tot.n[RP_STATUS_PASS], tot.n[RP_STATUS_FAIL],
				   tot.n[RP_STATUS_UNKNOWN], tot.n[RP_STATUS_NOT_APPLICABLE],
				   tot.suppressed);
	rp_report_count(r, &c);
	if (rc == 0)
		rc = rp_buf_printf(
			b,
			"\n%zu file%s, %zu resource%s, %zu rule%s; failures by severity: "
			"%zu critical, %zu high, %zu medium, %zu low, %zu info\n",
			r->nfiles, r->nfiles == 1 ? "" : "s", r->nresources,
			r->nresources == 1 ? "" : "s", r->nrules, r->nrules == 1 ? "" : "s",
			c.fail_by_severity[RP_SEV_CRITICAL], c.fail_by_severity[RP_SEV_HIGH],
			c.fail_by_severity[RP_SEV_MEDIUM], c.fail_by_severity[RP_SEV_LOW],
			c.fail_by_severity[RP_SEV_INFO]);
	free(rows);
	return rc;
}

int rp_report_write_text(rp_report *r, const rp_report_options *o, rp_buf *out)
{
	const rp_report_finding **idx = NULL;
	const char *cur_file = NULL;
	size_t i, j, n = r->nfindings;
	bool color = o->color;
	int rc = 0;

	rp_report_sort(r);
	if (n) {
		idx = malloc(n * sizeof(*idx));
		if (!idx)
			return -RP_ENOMEM;
		for (i = 0; i < n; i++)
			idx[i] = &r->findings[i];
		qsort(idx, n, sizeof(*idx), cmp_asset);
	}
	for (i = 0; i < n && rc == 0; i = j) {
		const rp_report_finding *a = idx[i];
		const char *cur_layer = NULL;
		size_t npass = 0, nna = 0, nshown = 0, k;

		for (j = i; j < n && same_asset(idx[j], a); j++)
			;
		if (!cur_file || strcmp(cur_file, a->file) != 0) {
			cur_file = a->file;
			rc = rp_buf_puts(out, color ? C_BOLD C_CYAN : "");
			if (rc == 0)
				rc = put_safe(out, a->file[0] ? a->file : "(no file)");
			if (rc == 0)
				rc = rp_buf_printf(out, "%s\n", color ? C_RESET : "");
		}
		if (rc == 0)
			rc = rp_buf_puts(out, color ? "  " C_BOLD : "  ");
		if (rc == 0)
			rc = put_safe(out,
				      a->resource_name[0] ? a->resource_name : "(no resource)");
		if (rc == 0)
			rc = rp_buf_puts(out, color ? C_RESET : "");
		/* a finding about the input itself (RMP-META-002) has no type:
		 * no separator either */
		if (rc == 0 && a->resource_type[0])
			rc = rp_buf_puts(out, color ? " " C_DIM : " ");
		if (rc == 0)
			rc = put_safe(out, a->resource_type);
		if (rc == 0 && rp_report_finding_address(a)) {
			rc = rp_buf_puts(out, " ");
			if (rc == 0)
				rc = put_safe(out, rp_report_finding_address(a));
		}
		if (rc == 0)
			rc = rp_buf_printf(out, "%s\n", color ? C_RESET : "");
		for (k = i; k < j && rc == 0; k++) {
			const rp_report_finding *f = idx[k];
			bool show = f->status == RP_STATUS_FAIL || f->status == RP_STATUS_UNKNOWN ||
				    f->suppressed != RP_SUPPRESS_NONE ||
				    (o->show_pass && f->status == RP_STATUS_PASS);
			if (f->suppressed == RP_SUPPRESS_NONE) {
				if (f->status == RP_STATUS_PASS)
					npass += 1 + (size_t)f->merged;
				else if (f->status == RP_STATUS_NOT_APPLICABLE)
					nna += 1 + (size_t)f->merged;
			}
			if (!show)
				continue;
			if (!cur_layer || strcmp(cur_layer, f->rule->layer) != 0) {
				cur_layer = f->rule->layer;
				rc = rp_buf_puts(out, "    ");
				if (rc == 0)
					rc = rp_buf_puts(out, cur_layer);
				if (rc == 0)
					rc = rp_buf_putc(out, '\n');
			}
			if (rc == 0)
				rc = put_finding(out, f, color);
			nshown++;
		}
		if (rc == 0 && nshown == 0)
			rc = rp_buf_printf(
				out,
				"    %sall %zu applicable check%s passed%s (%zu not applicable)\n",
				color ? C_GREEN : "", npass, npass == 1 ? "" : "s",
				color ? C_RESET : "", nna);
		else if (rc == 0 && (npass || nna)) {
			rc = rp_buf_puts(out, "    ");
			if (rc == 0)
				rc = rp_buf_put_u64(out, npass);
			if (rc == 0)
				rc = rp_buf_puts(out, " passed, ");
			if (rc == 0)
				rc = rp_buf_put_u64(out, nna);
			if (rc == 0)
				rc = rp_buf_puts(out, " not applicable\n");
		}
	}
	if (rc == 0 && n)
		rc = rp_buf_putc(out, '\n');
	if (rc == 0)
		rc = rpt_text_exposures(r, color, out);
	if (rc == 0)
		rc = rp_report_text_matrix(out, r, color);
	if (rc == 0)
		rc = summary(out, r, o);
	free(idx);
	return rc;
}
