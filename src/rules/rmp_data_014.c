/* rmp_data_014.c: RMP-DATA-014 storage account public network access
 * unrestricted (publicNetworkAccess, networkAcls.defaultAction;
 * azure-facts 4.3, CIS 4.6/4.7). Also used for Key Vault (DATA-022). */
#include "rules/check.h"
#include "rules/checks.h"
#include "util/str.h"

#include <string.h>

static bool ieq(const char *s, const char *t)
{
	return s && strlen(s) == strlen(t) && rp_str_ieq(s, t, strlen(t));
}

int rp_check_public_network(rp_rule_ctx *ctx, const rp_mobj *obj, const char *what)
{
	rp_prop pna, da;
	const char *s, *d;

	rp_prop_get(obj, "properties.publicNetworkAccess", &pna);
	if (pna.unknown)
		return rp_report_prop(ctx, obj, RP_STATUS_UNKNOWN, &pna,
				      "public network access cannot be known");
	s = rp_prop_str(&pna);
	if (ieq(s, "Disabled") || ieq(s, "SecuredByPerimeter"))
		return rp_report_prop(ctx, obj, RP_STATUS_PASS, &pna, "publicNetworkAccess is %s",
				      s);
	rp_prop_get(obj, "properties.networkAcls.defaultAction", &da);
	if (da.unknown)
		return rp_report_prop(ctx, obj, RP_STATUS_UNKNOWN, &da,
				      "network ACL default action cannot be known");
	d = rp_prop_str(&da);
	if (ieq(d, "Deny"))
		return rp_report_prop(ctx, obj, RP_STATUS_PASS, &da,
				      "public endpoint restricted by the firewall "
				      "(networkAcls.defaultAction Deny)");
	return rp_report_prop(ctx, obj, RP_STATUS_FAIL, &da,
			      "%s is reachable from any network: publicNetworkAccess is %s%s and "
			      "networkAcls.defaultAction is %s%s",
			      what, s ? s : "?", rp_prop_default_note(ctx, &pna), d ? d : "?",
			      rp_prop_default_note(ctx, &da));
}

RP_CHECK(rp_check_data_014)
{
	return rp_check_public_network(ctx, obj, "storage account");
}
