/* rmp_mon_002.c: RMP-MON-002 legacy Log Analytics agent (MMA / OMS),
 * retired on 2024-08-31 (azure-facts 5.2). */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_mon_002)
{
	static const char *const pubs[] = { "Microsoft.EnterpriseCloud.Monitoring",
					    "Microsoft.EnterpriseCloud.Monitoring", NULL };
	static const char *const types[] = { "MicrosoftMonitoringAgent", "OmsAgentForLinux", NULL };

	return rp_check_extension(
		ctx, obj, pubs, types, true,
		"legacy Log Analytics agent (retired on 2024-08-31; data upload can stop at any "
		"time after 2026-03-02): migrate to the Azure Monitor Agent",
		"no legacy Log Analytics agent");
}
