/* rmp_net_009.c: RMP-NET-009 subnet with default outbound access
 * (azure-facts 3.2): properties.defaultOutboundAccess true, or absent with
 * a Microsoft.Network API version before 2025-07-01 (from that version on,
 * new subnets are private by default).  Live exports carry the property
 * when it is false, so absent there means on. */
#include "rules/check.h"
#include "rules/checks.h"

#include <string.h>

#define DOA_OFF_API "2025-07-01"

RP_CHECK(rp_check_net_009)
{
	const rp_value *v = rp_value_getz(obj->props, "defaultOutboundAccess");
	const char *api = obj->res->api_version;

	if (rp_value_is(obj->props, RP_V_UNKNOWN))
		return rp_rule_report(ctx, obj, RP_STATUS_UNKNOWN, obj->props, "properties",
				      obj->props->u.reason,
				      "the subnet's properties are not known");
	if (rp_value_is(v, RP_V_UNKNOWN))
		return rp_rule_report(ctx, obj, RP_STATUS_UNKNOWN, v,
				      "properties.defaultOutboundAccess", v->u.reason,
				      "defaultOutboundAccess is not known");
	if (rp_value_is(v, RP_V_BOOL))
		return rp_rule_report(ctx, obj, v->u.b ? RP_STATUS_FAIL : RP_STATUS_PASS, v,
				      "properties.defaultOutboundAccess", NULL,
				      v->u.b ? "default outbound access is enabled: VMs get an "
					       "implicit, unowned public IP for outbound traffic"
					     : "private subnet (defaultOutboundAccess false)");
	if (v)
		return rp_rule_report(ctx, obj, RP_STATUS_UNKNOWN, v,
				      "properties.defaultOutboundAccess",
				      "defaultOutboundAccess is not a boolean",
				      "defaultOutboundAccess has an unexpected value");
	if (obj->res->origin == RP_ORIGIN_EXPORT)
		/* a live resource: subnets created private carry false explicitly */
		return rp_rule_report(ctx, obj, RP_STATUS_FAIL, NULL,
				      "properties.defaultOutboundAccess", NULL,
				      "defaultOutboundAccess absent in the live resource: default "
				      "outbound access is on");
	if (!api || strlen(api) < 10)
		return rp_rule_report(
			ctx, obj, RP_STATUS_UNKNOWN, NULL, "properties.defaultOutboundAccess",
			"no API version: the default of defaultOutboundAccess depends "
			"on it",
			"defaultOutboundAccess absent");
	if (strncmp(api, DOA_OFF_API, 10) < 0)
		return rp_rule_report(ctx, obj, RP_STATUS_FAIL, NULL,
				      "properties.defaultOutboundAccess", NULL,
				      "defaultOutboundAccess absent with API version %s (before "
				      "%s): default outbound access is on",
				      api, DOA_OFF_API);
	return rp_rule_report(ctx, obj, RP_STATUS_PASS, NULL, "properties.defaultOutboundAccess",
			      NULL,
			      "defaultOutboundAccess absent with API version %s: private subnet "
			      "by default",
			      api);
}
