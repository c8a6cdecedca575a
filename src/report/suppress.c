/* suppress.c: inline suppressions (metadata.rampart.skip in a resource),
 * dates, and baselines (a JSON file of finding fingerprints).
 *
 * Inline form, in any resource body:
 *   "metadata": {"rampart": {"skip": [
 *       {"id": "RMP-DATA-012", "reason": "public web content", "expires": "2027-01-31"}]}}
 * "expires" is optional; a suppression is valid through that day.  The scan
 * driver applies valid entries and reports broken ones (no reason, expired,
 * a bad date, an unknown rule) as RMP-META-001 findings.
 *
 * Baseline file (written by --write-baseline, read by --baseline):
 *   {"format_version": 1, "tool": "rampart", "findings": [
 *       {"fingerprint": "0123456789abcdef", "rule_id": "...", "resource": "...",
 *        "file": "...", "status": "fail"}, ...]}
 * sorted by fingerprint.  Only "fingerprint" is read back, so moved lines
 * and reformatted files still match. */
#include "report/report.h"
#include "report/internal.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const rp_report_rule rp_rule_meta_suppression = {
	"RMP-META-001",
	"META",
	RP_SEV_MEDIUM,
	"Suppression without a reason, expired, or malformed",
	"A suppression hides a finding from every report. Without a written reason nobody can "
	"review it later, and an expired one hides a risk past the date its owner accepted it "
	"for. rampart therefore ignores such a suppression (the finding it names is reported "
	"as usual) and reports the suppression itself.",
	"Give every entry of metadata.rampart.skip an \"id\" naming an existing rule, a "
	"non-empty \"reason\", and, if it is temporary, an \"expires\" date (YYYY-MM-DD) in the "
	"future; delete entries that no longer apply.",
	NULL,
	NULL,
};

const rp_report_rule rp_rule_meta_input = {
	"RMP-META-002",
	"META",
	RP_SEV_HIGH,
	"Input file could not be evaluated",
	"A template that cannot be read, parsed or evaluated is not checked at all, so a scan "
	"that silently skipped it would claim coverage it does not have.",
	"Fix the error the diagnostic names (syntax, an unsupported construct, a missing "
	"parameters file) and scan again.",
	NULL,
	NULL,
};

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's
 * days_from_civil algorithm). */
static rp_day days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (rp_day)(era * 146097 + doe - 719468);
}

void rp_day_format(rp_day d, char out[40])
{
	/* civil_from_days (H. Hinnant). */
	int z = d + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int y = yoe + era * 400;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	int dd = doy - (153 * mp + 2) / 5 + 1;
	int m = mp < 10 ? mp + 3 : mp - 9;

	y += m <= 2;
	snprintf(out, 40, "%04d-%02d-%02d", y, m, dd);
}

int rp_date_parse(const char *s, size_t n, rp_day *out)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, i;

	if (n != 10 || s[4] != '-' || s[7] != '-')
		return -RP_EINVAL;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -RP_EINVAL;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -RP_EINVAL;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -RP_EINVAL;
	*out = days_from_civil(y, m, d);
	return 0;
}

/* A known, non-empty string member, else NULL. */
static const char *str_member(const rp_value *obj, const char *key, size_t *len)
{
	const rp_value *v = rp_value_getz(obj, key);

	if (!rp_value_is(v, RP_V_STRING) || v->len == 0)
		return NULL;
	if (len)
		*len = v->len;
	return v->u.s;
}

int rp_skips_read(rp_arena *a, const rp_value *body, rp_skip **out)
{
	const rp_value *list = rp_value_path(body, "metadata.rampart.skip");
	rp_skip *skips;
	uint32_t i;

	*out = NULL;
	if (!list)
		return 0;
	if (!rp_value_is(list, RP_V_ARRAY)) {
		/* One malformed entry pointing at the value. */
		skips = rp_arena_calloc(a, 1, sizeof(*skips));
		if (!skips)
			return -RP_ENOMEM;
		skips[0].span = list->span;
		*out = skips;
		return 1;
	}
	if (list->len == 0)
		return 0;
	if (list->len > RP_REPORT_MAX_SKIPS)
		return -RP_ELIMIT;
	skips = rp_arena_calloc(a, list->len, sizeof(*skips));
	if (!skips)
		return -RP_ENOMEM;
	for (i = 0; i < list->len; i++) {
		const rp_value *e = list->u.items[i];
		const rp_value *ex;
		rp_skip *s = &skips[i];
		size_t n = 0;
		const char *p;

		s->span = e->span;
		if (!rp_value_is(e, RP_V_OBJECT))
			continue;
		s->id = str_member(e, "id", NULL);
		p = str_member(e, "reason", &n);
		/* A reason of only blanks is no reason. */
		if (p && strspn(p, " \t\r\n") < n)
			s->reason = p;
		ex = rp_value_getz(e, "expires");
		if (ex) {
			s->has_expires = true;
			s->expires_valid = rp_value_is(ex, RP_V_STRING) &&
					   rp_date_parse(ex->u.s, ex->len, &s->expires) == 0;
		}
	}
	*out = skips;
	return (int)list->len;
}

/* ---- baseline ---- */
void rp_baseline_release(rp_baseline *b)
{
	free(b->fps);
	rp_source_free(b->src);
	memset(b, 0, sizeof(*b));
}

static int fp_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

static bool fp_wellformed(const char *s, size_t n)
{
	return n == 16 && strspn(s, "0123456789abcdef") >= 16;
}

int rp_baseline_load(const char *path, rp_baseline *b, rp_diag *diag)
{
	rp_source *src = NULL;
	rp_json_doc *doc = NULL;
	uint32_t root, list, key, val;
	rp_json_iter it;
	int rc;

	memset(b, 0, sizeof(*b));
	rc = rp_source_load(path, RP_REPORT_MAX_BASELINE, &src, diag);
	if (rc < 0)
		goto out;
	rc = rp_json_parse(src, RP_JSON_STRICT, &doc, diag);
	if (rc < 0)
		goto out;
	root = rp_json_root(doc);
	list = rp_json_is(doc, root, RP_JSON_OBJECT) ? rp_json_getz(doc, root, "findings")
						     : RP_JSON_NONE;
	if (!rp_json_is(doc, list, RP_JSON_ARRAY)) {
		rp_diag_addc(
			diag, RP_DIAG_ERROR, "baseline-format", src, doc->nodes[root].off,
			doc->nodes[root].off + 1,
			"not a rampart baseline: expected an object with a \"findings\" array");
		rc = -RP_EPARSE;
		goto out;
	}
	it = rp_json_iter_begin(doc, list);
	while (rp_json_iter_next(doc, &it, &key, &val)) {
		uint32_t fpn = rp_json_is(doc, val, RP_JSON_OBJECT)
				       ? rp_json_getz(doc, val, "fingerprint")
				       : RP_JSON_NONE;
		const char *p = NULL;
		size_t n = 0;

		if (!rp_json_is(doc, fpn, RP_JSON_STRING) || rp_json_str(doc, fpn, &p, &n) < 0 ||
		    !fp_wellformed(p, n)) {
			uint32_t at = fpn != RP_JSON_NONE ? fpn : val;
			rp_diag_addc(diag, RP_DIAG_ERROR, "baseline-format", src,
				     doc->nodes[at].off, doc->nodes[at].off + doc->nodes[at].len,
				     "baseline entry without a 16-hex-digit \"fingerprint\"");
			rc = -RP_EPARSE;
			goto out;
		}
		if (b->n == b->cap) {
			size_t ncap = b->cap ? b->cap * 2 : 64;
			void *np = realloc(b->fps, ncap * sizeof(*b->fps));
			if (!np) {
				rc = -RP_ENOMEM;
				goto out;
			}
			b->fps = np;
			b->cap = ncap;
		}
		memcpy(b->fps[b->n], p, 16);
		b->fps[b->n][16] = '\0';
		b->n++;
	}
	if (b->n > 1)
		qsort(b->fps, b->n, sizeof(*b->fps), fp_cmp);
	rc = 0;
out:
	if (rc < 0) {
		free(b->fps);
		b->fps = NULL;
		b->n = b->cap = 0;
	}
	rp_json_doc_free(doc);
	b->src = src; /* diagnostics point into it */
	return rc;
}

bool rp_baseline_has(const rp_baseline *b, const char *fp)
{
	return b->n && bsearch(fp, b->fps, b->n, sizeof(*b->fps), fp_cmp) != NULL;
}

size_t rp_baseline_apply(rp_report *r, const rp_baseline *b)
{
	size_t i, n = 0;

	for (i = 0; i < r->nfindings; i++) {
		rp_report_finding *f = &r->findings[i];
		if (f->suppressed != RP_SUPPRESS_NONE ||
		    (f->status != RP_STATUS_FAIL && f->status != RP_STATUS_UNKNOWN))
			continue;
		if (rp_baseline_has(b, f->fingerprint)) {
			f->suppressed = RP_SUPPRESS_BASELINE;
			f->suppress_reason = "in the baseline";
			n++;
		}
	}
	return n;
}

static int cmp_fp_finding(const void *pa, const void *pb)
{
	const rp_report_finding *a = *(const rp_report_finding *const *)pa;
	const rp_report_finding *b = *(const rp_report_finding *const *)pb;
	int c = strcmp(a->fingerprint, b->fingerprint);

	if (c)
		return c;
	c = strcmp(a->file, b->file);
	if (c)
		return c;
	return a->line < b->line ? -1 : a->line > b->line;
}

int rp_baseline_write(rp_report *r, rp_buf *out)
{
	const rp_report_finding **v = NULL;
	size_t i, n = 0;
	rp_jw w;
	int rc;

	rp_report_sort(r);
	if (r->nfindings) {
		v = malloc(r->nfindings * sizeof(*v));
		if (!v)
			return -RP_ENOMEM;
	}
	for (i = 0; i < r->nfindings; i++) {
		const rp_report_finding *f = &r->findings[i];
		/* Inline suppressions stay in the source; a baseline records
		 * what is open (or already baselined) today.  Meta findings
		 * about suppressions and inputs are never baselined. */
		if (f->suppressed == RP_SUPPRESS_INLINE || strcmp(f->rule->layer, "META") == 0)
			continue;
		if (f->status == RP_STATUS_FAIL || f->status == RP_STATUS_UNKNOWN)
			v[n++] = f;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_fp_finding);
	rp_jw_init(&w, out, 2);
	rp_jw_object_begin(&w);
	RP_JW_KEY(&w, "format_version");
	rp_jw_int(&w, 1);
	RP_JW_STR(&w, "tool", RP_REPORT_TOOL_NAME);
	RP_JW_KEY(&w, "findings");
	rp_jw_array_begin(&w);
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(v[i]->fingerprint, v[i - 1]->fingerprint) == 0)
			continue;
		rp_jw_object_begin(&w);
		RP_JW_STR(&w, "fingerprint", v[i]->fingerprint);
		RP_JW_STR(&w, "rule_id", v[i]->rule->id);
		RP_JW_STR(&w, "resource",
			  v[i]->resource_id[0] ? v[i]->resource_id : v[i]->resource_name);
		RP_JW_STR(&w, "file", v[i]->file);
		RP_JW_STR(&w, "status", rpt_status(v[i]->status));
		rp_jw_object_end(&w);
	}
	rp_jw_array_end(&w);
	rp_jw_object_end(&w);
	free(v);
	rc = rp_jw_finish(&w);
	return rc == -RP_EINVAL ? -RP_EINTERNAL : rc;
}
