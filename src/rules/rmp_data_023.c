/* rmp_data_023.c: RMP-DATA-023 Key Vault uses access policies instead of
 * Azure RBAC (enableRbacAuthorization; default true only from API
 * 2026-02-01; azure-facts 4.4, CIS 3.3.6). */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_data_023)
{
	return rp_check_bool_prop(
		ctx, obj, "properties.enableRbacAuthorization", true,
		"data-plane access uses vault access policies instead of Azure RBAC",
		"Azure RBAC authorizes data-plane access");
}
