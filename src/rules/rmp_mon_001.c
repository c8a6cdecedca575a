/* rmp_mon_001.c: RMP-MON-001 VM or scale set without the Azure Monitor
 * Agent (azure-facts 5.2, 5.3). */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_mon_001)
{
	static const char *const pubs[] = { "Microsoft.Azure.Monitor", "Microsoft.Azure.Monitor",
					    NULL };
	static const char *const types[] = { "AzureMonitorLinuxAgent", "AzureMonitorWindowsAgent",
					     NULL };

	return rp_check_extension(
		ctx, obj, pubs, types, false, "Azure Monitor Agent is installed",
		"no Azure Monitor Agent extension (Microsoft.Azure.Monitor AzureMonitorLinuxAgent "
		"/ AzureMonitorWindowsAgent): guest logs and metrics are not collected (unless a "
		"policy deploys the agent)");
}
