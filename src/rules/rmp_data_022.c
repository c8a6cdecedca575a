/* rmp_data_022.c: RMP-DATA-022 Key Vault public network access
 * unrestricted (azure-facts 4.4, CIS 3.3.7). */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_data_022)
{
	return rp_check_public_network(ctx, obj, "Key Vault");
}
