/* rmp_data_015.c: RMP-DATA-015 storage infrastructure encryption off
 * (requireInfrastructureEncryption; azure-facts 4.3, CIS 4.2). */
#include "rules/check.h"
#include "rules/checks.h"

RP_CHECK(rp_check_data_015)
{
	return rp_check_bool_prop(ctx, obj, "properties.encryption.requireInfrastructureEncryption",
				  true,
				  "no second layer of encryption at rest (infrastructure "
				  "encryption can only be set when the account is created)",
				  "infrastructure (double) encryption is required");
}
