/* internal.h: helpers shared by the report writers (not installed API). */
#ifndef RP_REPORT_INTERNAL_H
#define RP_REPORT_INTERNAL_H

#include "report/report.h"

/* Names as rules/rule.h documents them, kept here so the writers do not
 * depend on the rule registry being linked (tests build reports by hand). */
static inline const char *rpt_sev(rp_severity s)
{
	static const char *const n[RP_SEV_COUNT_] = { "info", "low", "medium", "high", "critical" };
	return (unsigned)s < RP_SEV_COUNT_ ? n[s] : "?";
}
static inline const char *rpt_status(rp_status s)
{
	static const char *const n[RP_STATUS_COUNT_] = { "pass", "fail", "unknown",
							 "not-applicable" };
	return (unsigned)s < RP_STATUS_COUNT_ ? n[s] : "?";
}

/* Layer names in report order (BOOT HOST NET DATA MON DEPTH META, then
 * others by name): <0, 0, >0 (report.c). */
int rpt_cmp_layer(const char *a, const char *b);

/* Appends s (or printf output) with control characters escaped (text.c). */
int rpt_put_safe(rp_buf *b, const char *s);
int rpt_put_fmt_safe(rp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Network exposures (exposure.c). */
/* Adds e without copying its strings: each is NULL, static, or owned by
 * r's arena (rp_report_add_exposure copies them). */
int rpt_add_exposure_owned(rp_report *r, const rp_report_exposure *e);
int rpt_merge_exposures(rp_report *dst, rp_report *src);
void rpt_sort_exposures(rp_report *r);
struct rp_jw;
void rpt_json_exposures(struct rp_jw *w, const rp_report *r);
int rpt_text_exposures(const rp_report *r, bool color, rp_buf *out);

/* Depth assets' rule references across a merge (assets.c): map[i] gets
 * dst's index of src->ref_rules[i] (added to dst when new; -RP_ELIMIT
 * beyond RP_REPORT_MAX_REF_RULES, src unchanged); then, when src's assets
 * move to dst, rpt_refs_remap rewrites their refs (cannot fail). */
int rpt_ref_rules_map(rp_report *dst, const rp_report *src, uint16_t *map);
void rpt_refs_remap(rp_report *src, const uint16_t *map);

/* Interned copy of s in r's arena (r->strings); NULL for NULL.  On
 * allocation failure sets *fail and returns NULL. */
const char *rp_report_intern(rp_report *r, const char *s, bool *fail);
/* Starts a new interning scope: strings interned so far stay valid, but
 * are no longer found (equal strings get a new copy).  The scan calls it
 * per file: files share few strings (rule-independent types, the file
 * names), and an index of every string of a big estate costs more memory
 * than the copies it saves.  Writers compare interned pointers only as a
 * shortcut before the strings. */
void rp_report_intern_forget(rp_report *r);

#endif
