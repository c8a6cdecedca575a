/* rmp_mon_004.c: RMP-MON-004 flow log retention below 90 days
 * (retentionPolicy.days; 0 = unlimited; azure-facts 2.8, CIS 7.5). */
#include "rules/check.h"
#include "rules/checks.h"

#define MIN_RETENTION_DAYS 90

RP_CHECK(rp_check_mon_004)
{
	rp_prop en, days;
	rp_tri t;
	int64_t d;

	rp_prop_get(obj, "properties.retentionPolicy.enabled", &en);
	t = rp_prop_bool(&en);
	if (t == RP_TRI_UNKNOWN || t == RP_TRI_BAD)
		return rp_report_prop(ctx, obj, RP_STATUS_UNKNOWN, &en,
				      "retention policy cannot be known");
	if (t == RP_TRI_FALSE)
		return rp_report_prop(ctx, obj, RP_STATUS_PASS, &en,
				      "no retention policy: records are kept until deleted%s",
				      rp_prop_default_note(ctx, &en));
	rp_prop_get(obj, "properties.retentionPolicy.days", &days);
	if (days.unknown)
		return rp_report_prop(ctx, obj, RP_STATUS_UNKNOWN, &days,
				      "retention days cannot be known");
	if (rp_value_is(days.v, RP_V_INT))
		d = days.v->u.i;
	else if (rp_value_is(days.v, RP_V_FLOAT))
		d = (int64_t)days.v->u.f;
	else
		return rp_report_prop(ctx, obj, RP_STATUS_UNKNOWN, &days,
				      "retentionPolicy.days has an unexpected type");
	if (d == 0)
		return rp_report_prop(ctx, obj, RP_STATUS_PASS, &days,
				      "retention is unlimited (days 0)%s",
				      rp_prop_default_note(ctx, &days));
	if (d >= MIN_RETENTION_DAYS)
		return rp_report_prop(ctx, obj, RP_STATUS_PASS, &days, "retention is %lld days",
				      (long long)d);
	return rp_report_prop(ctx, obj, RP_STATUS_FAIL, &days,
			      "flow log records are deleted after %lld days (at least %d required "
			      "for investigations)",
			      (long long)d, MIN_RETENTION_DAYS);
}
