/* rmp_mon_002.c: RMP-MON-002 legacy Log Analytics agent (MMA / OMS),
 * retired on 2024-08-31 (azure-facts 5.2). */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_mon_002)
{
	const char *why;

	if (rp_ext_is(obj, "Microsoft.EnterpriseCloud.Monitoring", "MicrosoftMonitoringAgent") ||
	    rp_ext_is(obj, "Microsoft.EnterpriseCloud.Monitoring", "OmsAgentForLinux"))
		return rp_rule_report(ctx, obj, RP_STATUS_FAIL, rp_value_getz(obj->props, "type"),
				      "properties.type", NULL,
				      "legacy Log Analytics agent %s: retired on 2024-08-31, data upload can stop at any time after 2026-03-02; migrate to the Azure Monitor Agent",
				      rp_model_ext_type(obj));
	if (rp_ext_unknown(obj, &why))
		return rp_rule_report(ctx, obj, RP_STATUS_UNKNOWN, obj->body, "", why,
				      "extension publisher or type cannot be known");
	return rp_rule_report(ctx, obj, RP_STATUS_NOT_APPLICABLE, obj->body, "", NULL,
			      "not a legacy Log Analytics agent");
}
