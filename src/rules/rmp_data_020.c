/* rmp_data_020.c: RMP-DATA-020 Key Vault purge protection off
 * (enablePurgeProtection; azure-facts 4.4, CIS 3.3.5). */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_data_020)
{
	return rp_check_bool_prop(ctx, obj, "properties.enablePurgeProtection", true,
				  "purge protection is off: a deleted vault or key can be purged "
				  "before the retention period ends",
				  "purge protection is on");
}
