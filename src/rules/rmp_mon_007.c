/* rmp_mon_007.c: RMP-MON-007 Defender for Servers set to Free
 * (Microsoft.Security/pricings VirtualMachines; azure-facts 5.4, CIS 3.1.3.1). */
#include "rules/check.h"
#include "rules/checks.h"
#include "util/str.h"

#include <string.h>

RP_CHECK(rp_check_mon_007)
{
	const char *n = obj->name, *slash;
	rp_prop t;
	const char *s;

	if (!obj->name)
		return rp_rule_report(ctx, obj, RP_STATUS_UNKNOWN, obj->res->name, "name",
				      obj->name_reason,
				      "which Defender plan this is cannot be known");
	slash = strrchr(n, '/');
	if (slash)
		n = slash + 1;
	if (strlen(n) != 15 || !rp_str_ieq(n, "VirtualMachines", 15))
		return rp_rule_report(ctx, obj, RP_STATUS_NOT_APPLICABLE, obj->res->name, "name",
				      NULL, "Defender plan %s is not Defender for Servers", n);
	rp_prop_get(obj, "properties.pricingTier", &t);
	if (t.unknown)
		return rp_report_prop(ctx, obj, RP_STATUS_UNKNOWN, &t,
				      "pricing tier cannot be known");
	s = rp_prop_str(&t);
	if (s && strlen(s) == 8 && rp_str_ieq(s, "Standard", 8))
		return rp_report_prop(ctx, obj, RP_STATUS_PASS, &t,
				      "Defender for Servers is on (Standard)");
	return rp_report_prop(ctx, obj, RP_STATUS_FAIL, &t,
			      "Defender for Servers is off: pricingTier is %s%s (no threat "
			      "detection, vulnerability assessment or boot-integrity alerts)",
			      s ? s : "?", rp_prop_default_note(ctx, &t));
}
