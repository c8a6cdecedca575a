/* rmp_data_010.c: RMP-DATA-010 storage account allows HTTP
 * (supportsHttpsTrafficOnly; azure-facts 4.3, CIS 4.1). */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_data_010)
{
	return rp_check_bool_prop(ctx, obj, "properties.supportsHttpsTrafficOnly", true,
				  "storage account accepts unencrypted HTTP requests",
				  "secure transfer (HTTPS only) is required");
}
