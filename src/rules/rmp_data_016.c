/* rmp_data_016.c: RMP-DATA-016 storage cross-tenant object replication
 * allowed (allowCrossTenantReplication; azure-facts 4.3, CIS 4.16). */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_data_016)
{
	return rp_check_bool_prop(
		ctx, obj, "properties.allowCrossTenantReplication", false,
		"object replication to storage accounts in other Entra tenants is allowed",
		"cross-tenant replication is not allowed");
}
