/* rmp_data_021.c: RMP-DATA-021 Key Vault soft delete off
 * (enableSoftDelete; azure-facts 4.4, CIS 3.3.5). */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_data_021)
{
	return rp_check_bool_prop(
		ctx, obj, "properties.enableSoftDelete", true,
		"soft delete is off: deleted keys and secrets cannot be recovered",
		"soft delete is on");
}
