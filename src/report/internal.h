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

#endif
