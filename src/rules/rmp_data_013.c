/* rmp_data_013.c: RMP-DATA-013 shared key (account key / SAS) access
 * allowed (allowSharedKeyAccess; azure-facts 4.3, MCSB IM-1). */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_data_013)
{
	return rp_check_bool_prop(ctx, obj, "properties.allowSharedKeyAccess", false,
				  "shared key authorization (account keys and SAS) is allowed",
				  "requests must be authorized with Microsoft Entra ID");
}
