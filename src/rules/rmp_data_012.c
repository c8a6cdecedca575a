/* rmp_data_012.c: RMP-DATA-012 anonymous public blob access allowed
 * (allowBlobPublicAccess; azure-facts 4.3, CIS 4.17). */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_data_012)
{
	return rp_check_bool_prop(ctx, obj, "properties.allowBlobPublicAccess", false,
				  "anonymous public read access to blobs is allowed",
				  "anonymous blob access is not allowed");
}
